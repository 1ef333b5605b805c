/* SPDX-License-Identifier: MIT */
/* org.freedesktop.systemd1.Timer's properties, systemd 252's names, D-Bus types and order: the
 * triggers (listed last-assigned first, as systemd keeps them), when the timer elapses next and
 * last did, and its settings. */
#include "base/strv.h"
#include "core/dbus-internal.h"
#include "unit/calendar.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)

static const TimerConfig *tcfg(void *o) { return C(o) ? C(o)->timer : NULL; }
/* a time not set (the timer is not armed on that clock) */
static uint64_t or_zero(usec_t t) { return t == USEC_INFINITY ? 0 : t; }

static int g_unit(BusMessage *m, void *o) { const TimerConfig *c = tcfg(o); return bus_append_string(m, c ? c->unit : NULL); }
static int g_monotonic(BusMessage *m, void *o) {
        const TimerConfig *c = tcfg(o);
        int r = bus_message_open_container(m, 'a', "(stt)");
        for (size_t i = c ? c->n_monotonic : 0; i > 0 && r >= 0; i--)
                r = bus_message_append(m, "(stt)", timer_base_to_usec_string(c->monotonic[i - 1].base),
                                       (uint64_t)c->monotonic[i - 1].value, (uint64_t)or_zero(TIMER(U(o))->next_monotonic));
        return r < 0 ? r : bus_message_close_container(m);
}
/* the expression normalised as systemd prints it (an invalid one as written) */
static int g_calendar(BusMessage *m, void *o) {
        const TimerConfig *c = tcfg(o);
        int r = bus_message_open_container(m, 'a', "(sst)");
        for (size_t i = c ? strv_length(c->on_calendar) : 0; i > 0 && r >= 0; i--) {
                _cleanup_free_ char *norm = NULL;
                if (calendar_spec_normalize(c->on_calendar[i - 1], &norm) == -ENOMEM) return -ENOMEM;
                r = bus_message_append(m, "(sst)", "OnCalendar", norm ? norm : c->on_calendar[i - 1],
                                       (uint64_t)or_zero(TIMER(U(o))->next_realtime));
        }
        return r < 0 ? r : bus_message_close_container(m);
}
#define TIMER_BOOL(fn, expr) static int fn(BusMessage *m, void *o) { const TimerConfig *c = tcfg(o); return bus_append_bool(m, (expr)); }
TIMER_BOOL(g_on_clock_change, c && c->on_clock_change)
TIMER_BOOL(g_on_timezone_change, c && c->on_timezone_change)
static int g_next_realtime(BusMessage *m, void *o) { return bus_append_u64(m, or_zero(TIMER(U(o))->next_realtime)); }
/* not armed on the monotonic clock: infinity, as systemd says */
static int g_next_monotonic(BusMessage *m, void *o) {
        usec_t t = TIMER(U(o))->next_monotonic;
        return bus_append_u64(m, t == 0 ? USEC_INFINITY : t);
}
static int g_last(BusMessage *m, void *o) { return bus_append_u64(m, TIMER(U(o))->last_trigger_realtime); }
static int g_last_monotonic(BusMessage *m, void *o) { return bus_append_u64(m, TIMER(U(o))->last_trigger_monotonic); }
static int g_result(BusMessage *m, void *o) {
        return bus_append_string(m, TIMER(U(o))->state == TIMER_FAILED ? "failure-resources" : "success");
}
static int g_accuracy(BusMessage *m, void *o) { const TimerConfig *c = tcfg(o); return bus_append_u64(m, c ? c->accuracy_usec : USEC_PER_MINUTE); }
static int g_random(BusMessage *m, void *o) { const TimerConfig *c = tcfg(o); return bus_append_u64(m, c ? c->random_usec : 0); }
TIMER_BOOL(g_fixed_random, c && c->fixed_random_delay)
TIMER_BOOL(g_persistent, c && c->persistent)
TIMER_BOOL(g_wake_system, c && c->wake_system)
TIMER_BOOL(g_remain_after_elapse, !c || c->remain_after_elapse)

const BusProperty bus_timer_properties[] = {
        { "Unit", "s", g_unit },
        { "TimersMonotonic", "a(stt)", g_monotonic },
        { "TimersCalendar", "a(sst)", g_calendar },
        { "OnClockChange", "b", g_on_clock_change },
        { "OnTimezoneChange", "b", g_on_timezone_change },
        { "NextElapseUSecRealtime", "t", g_next_realtime },
        { "NextElapseUSecMonotonic", "t", g_next_monotonic },
        { "LastTriggerUSec", "t", g_last },
        { "LastTriggerUSecMonotonic", "t", g_last_monotonic },
        { "Result", "s", g_result },
        { "AccuracyUSec", "t", g_accuracy },
        { "RandomizedDelayUSec", "t", g_random },
        { "FixedRandomDelay", "b", g_fixed_random },
        { "Persistent", "b", g_persistent },
        { "WakeSystem", "b", g_wake_system },
        { "RemainAfterElapse", "b", g_remain_after_elapse },
        { NULL },
};
