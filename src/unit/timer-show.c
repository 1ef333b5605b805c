/* SPDX-License-Identifier: MIT */
/* systemctl show for [Timer]: org.freedesktop.systemd1.Timer's properties in systemd 252's order.
 * Triggers are listed last-assigned first, as systemd keeps them (LIST_PREPEND). */
#include "base/strv.h"
#include "unit/calendar.h"
#include "unit/unit.h"

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

int timer_config_show(const Unit *u, Buf *out) {
        const TimerConfig *c = u->timer;
        char a[FORMAT_TIMESPAN_MAX], b[FORMAT_TIMESPAN_MAX];
        if (!c) return 0;
        int r = buf_printf(out, "Unit=%s\n", strempty(c->unit));
        for (size_t i = c->n_monotonic; r >= 0 && i > 0; i--) {
                const TimerValue *v = &c->monotonic[i - 1];
                /* next_elapse is 0 until the timer is started */
                r = buf_printf(out, "TimersMonotonic={ %s=%s ; next_elapse=%s }\n", timer_base_to_usec_string(v->base),
                               format_timespan(a, sizeof a, v->value, 0), format_timespan(b, sizeof b, 0, 0));
        }
        for (size_t i = strv_length(c->on_calendar); r >= 0 && i > 0; i--) {
                /* systemd prints the normalised expression (an invalid one as written), and
                 * next_elapse of a timer never started is a NULL string printf()ed */
                _cleanup_free_ char *norm = NULL;
                r = calendar_spec_normalize(c->on_calendar[i - 1], &norm);
                if (r == -ENOMEM) return r;
                r = buf_printf(out, "TimersCalendar={ OnCalendar=%s ; next_elapse=(null) }\n", norm ? norm : c->on_calendar[i - 1]);
        }
        if (r >= 0)
                r = buf_printf(out, "OnClockChange=%s\nOnTimezoneChange=%s\n", yes_no(c->on_clock_change),
                               yes_no(c->on_timezone_change));
        /* runtime state of a timer that was never started (realtime: no timestamp) */
        if (r >= 0)
                r = buf_puts(out, "NextElapseUSecRealtime=\nNextElapseUSecMonotonic=infinity\nLastTriggerUSec=\n"
                                  "LastTriggerUSecMonotonic=0\nResult=success\n");
        if (r >= 0)
                r = buf_printf(out, "AccuracyUSec=%s\nRandomizedDelayUSec=%s\n", format_timespan(a, sizeof a, c->accuracy_usec, 0),
                               format_timespan(b, sizeof b, c->random_usec, 0));
        if (r >= 0)
                r = buf_printf(out, "FixedRandomDelay=%s\nPersistent=%s\nWakeSystem=%s\nRemainAfterElapse=%s\n",
                               yes_no(c->fixed_random_delay), yes_no(c->persistent), yes_no(c->wake_system),
                               yes_no(c->remain_after_elapse));
        return r;
}
