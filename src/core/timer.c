/* SPDX-License-Identifier: MIT */
/* Timer units (systemd.timer(5)): one event-loop deadline per timer, the earliest of its
 * monotonic triggers and its calendar ones, computed exactly (no polling). On elapse the unit
 * of Unit= is started; when it is gone again the timer waits for the next elapse.
 *
 * In a container, OnBootSec= and OnStartupSec= count from the manager's start, as systemd's do
 * when it runs in a container (the host's boot is not the container's). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/machine-id.h"
#include "base/strv.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/timer.h"
#include "unit/calendar.h"

#define TIMER_STAMP_DIR "/var/lib/systemd/timers"

static const char *const timer_state_table[_TIMER_STATE_MAX] = {
        [TIMER_DEAD] = "dead", [TIMER_WAITING] = "waiting", [TIMER_RUNNING] = "running",
        [TIMER_ELAPSED] = "elapsed", [TIMER_FAILED] = "failed",
};
const char *timer_state_to_string(TimerState s) { return s < _TIMER_STATE_MAX ? timer_state_table[s] : NULL; }

static TimerConfig *cfg(MUnit *u) { return u->cfg->timer; }

static UnitActiveState state_to_active(TimerState s) {
        switch (s) {
        case TIMER_DEAD: return UNIT_INACTIVE;
        case TIMER_FAILED: return UNIT_FAILED;
        default: return UNIT_ACTIVE;
        }
}

static void set_state(MUnit *u, TimerState ns) {
        Timer *s = TIMER(u);
        TimerState os = s->state;
        s->state = ns;
        if (ns != TIMER_WAITING && s->timer) (void)event_source_set_time(s->timer, USEC_INFINITY);
        if (ns != os) log_debug("%s: Changed %s -> %s", u->id, timer_state_to_string(os), timer_state_to_string(ns));
        UnitActiveState oa = u->state, na = state_to_active(ns);
        if (oa != na) munit_notify(u, oa, na, true);
}

static void timer_done(MUnit *u) {
        event_source_free(TIMER(u)->timer);
}

static char *stamp_path(MUnit *u) { return xasprintf(TIMER_STAMP_DIR "/stamp-%s", u->id); }

/* Persistent=: the last trigger survives the container (the stamp file's mtime). */
static void touch_stamp(MUnit *u) {
        Timer *s = TIMER(u);
        if (!cfg(u)->persistent) return;
        _cleanup_free_ char *p = stamp_path(u);
        if (!p) return;
        (void)mkdir("/var/lib/systemd", 0755);
        (void)mkdir(TIMER_STAMP_DIR, 0755);
        int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0) {
                log_warning("%s: Failed to update timestamp file %s: %m", u->id, p);
                return;
        }
        struct timespec ts[2];
        usec_t t = s->last_trigger_realtime;
        ts[0].tv_sec = ts[1].tv_sec = (time_t)(t / USEC_PER_SEC);
        ts[0].tv_nsec = ts[1].tv_nsec = (long)(t % USEC_PER_SEC) * 1000;
        (void)futimens(fd, ts);
        close(fd);
}

static usec_t read_stamp(MUnit *u) {
        _cleanup_free_ char *p = stamp_path(u);
        struct stat st;
        if (!p || stat(p, &st) < 0) return 0;
        return (usec_t)st.st_mtim.tv_sec * USEC_PER_SEC + (usec_t)st.st_mtim.tv_nsec / 1000;
}

/* RandomizedDelaySec=: uniformly random, or (FixedRandomDelay=) stable per unit and machine. */
static usec_t random_delay(MUnit *u) {
        TimerConfig *c = cfg(u);
        if (c->random_usec == 0 || c->random_usec == USEC_INFINITY) return 0;
        uint64_t r = 0;
        if (c->fixed_random_delay) {
                char mid[33] = "";
                (void)machine_id_read(NULL, mid);
                r = hash_string(mid) ^ hash_string(u->id);
        } else if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
                r = manager_now(u->m, CLOCK_MONOTONIC) * 6364136223846793005ULL;
        return r % c->random_usec;
}

static int on_elapse(EventSource *s, usec_t now, void *userdata);

static MUnit *target_unit(MUnit *u) {
        MUnit *t = NULL;
        if (manager_load_unit(u->m, cfg(u)->unit, &t) < 0) return NULL;
        return t;
}

/* systemd's timer_enter_waiting(): the earliest next elapse over every trigger. */
static void enter_waiting(MUnit *u) {
        Timer *s = TIMER(u);
        TimerConfig *c = cfg(u);
        usec_t now_mono = manager_now(u->m, CLOCK_MONOTONIC), now_real = manager_now(u->m, CLOCK_REALTIME);
        usec_t next_mono = USEC_INFINITY, next_real = USEC_INFINITY;
        MUnit *target = target_unit(u);
        for (size_t i = 0; i < c->n_monotonic; i++) {
                const TimerValue *v = &c->monotonic[i];
                usec_t base;
                switch (v->base) {
                case TIMER_ACTIVE: base = u->active_enter_ts.monotonic ? u->active_enter_ts.monotonic : now_mono; break;
                case TIMER_BOOT: case TIMER_STARTUP: base = u->m->userspace_ts.monotonic; break;
                case TIMER_UNIT_ACTIVE:
                        base = target && target->active_enter_ts.monotonic ? target->active_enter_ts.monotonic : 0;
                        /* never active yet: count from our own last trigger, as systemd does */
                        if (!base) base = s->last_trigger_monotonic;
                        if (!base) continue;
                        break;
                case TIMER_UNIT_INACTIVE:
                        base = target && target->inactive_enter_ts.monotonic ? target->inactive_enter_ts.monotonic : s->last_trigger_monotonic;
                        if (!base) continue;
                        break;
                default: continue;
                }
                usec_t when = base + v->value;
                bool once = v->base == TIMER_ACTIVE || v->base == TIMER_BOOT || v->base == TIMER_STARTUP;
                /* a one-shot trigger is used up once the timer fired at or after it */
                if (once && s->last_trigger_monotonic >= when) continue;
                if (when < next_mono) next_mono = when;
        }
        STRV_FOREACH(e, c->on_calendar) {
                usec_t after = s->last_trigger_realtime ? s->last_trigger_realtime : now_real;
                if (c->persistent && !s->last_trigger_realtime) {
                        usec_t stamp = read_stamp(u);
                        if (stamp) after = stamp;
                }
                usec_t when;
                int r = timer_calendar_next(*e, after, &when);
                if (r < 0) {
                        if (!s->calendar_notice_done) log_warning("%s: OnCalendar=%s: cannot compute the next elapse: %s", u->id, *e, strerror(-r));
                        s->calendar_notice_done = true;
                        continue;
                }
                if (when < next_real) next_real = when;
        }
        s->next_monotonic = next_mono;
        s->next_realtime = next_real;
        if (next_mono == USEC_INFINITY && next_real == USEC_INFINITY && !c->on_clock_change && !c->on_timezone_change) {
                log_debug("%s: Timer is elapsed.", u->id);
                set_state(u, c->remain_after_elapse ? TIMER_ELAPSED : TIMER_DEAD);
                return;
        }
        /* one deadline on CLOCK_MONOTONIC: the realtime one converted now (a missed calendar
         * elapse, e.g. Persistent= catch-up, is due at once) */
        usec_t deadline = next_mono;
        if (next_real != USEC_INFINITY) {
                usec_t d = next_real <= now_real ? now_mono : now_mono + (next_real - now_real);
                if (d < deadline) deadline = d;
        }
        if (deadline != USEC_INFINITY) deadline += random_delay(u);
        set_state(u, TIMER_WAITING);
        if (s->timer) (void)event_source_set_time(s->timer, deadline);
        else if (event_add_time(u->m->event, &s->timer, deadline, on_elapse, u) < 0) {
                log_warning("%s: Failed to arm timer: %m", u->id);
                set_state(u, TIMER_FAILED);
        }
}

static void enter_running(MUnit *u) {
        Timer *s = TIMER(u);
        MUnit *target = target_unit(u);
        if (!target) {
                log_error("%s: Failed to queue unit startup job: unit %s not found", u->id, cfg(u)->unit);
                return set_state(u, TIMER_FAILED);
        }
        s->last_trigger_monotonic = manager_now(u->m, CLOCK_MONOTONIC);
        s->last_trigger_realtime = manager_now(u->m, CLOCK_REALTIME);
        touch_stamp(u);
        set_state(u, TIMER_RUNNING);
        int r = manager_add_job(u->m, JOB_START, target, JOB_REPLACE, NULL);
        if (r < 0 && r != -EALREADY) {
                log_warning("%s: Failed to queue unit startup job: %s", u->id, strerror(-r));
                return set_state(u, TIMER_FAILED);
        }
}

static int on_elapse(EventSource *src, usec_t now, void *userdata) {
        MUnit *u = userdata;
        Timer *s = TIMER(u);
        (void)src;
        (void)now;
        if (s->state != TIMER_WAITING) return 0;
        log_debug("%s: Timer elapsed.", u->id);
        enter_running(u);
        return 0;
}

static int timer_start(MUnit *u) {
        Timer *s = TIMER(u);
        if (s->state == TIMER_WAITING || s->state == TIMER_RUNNING || s->state == TIMER_ELAPSED) return -EALREADY;
        MUnit *target = target_unit(u);
        if (!target || !target->cfg || target->cfg->load_state != UNIT_LOADED) {
                log_error("%s: Refusing to start, unit %s to trigger not loaded.", u->id, cfg(u)->unit);
                return -ENOENT;
        }
        s->last_trigger_monotonic = 0;
        s->last_trigger_realtime = 0;
        /* Persistent=: remember when it last ran, so a calendar elapse missed while the container
         * was down is caught up at once */
        if (cfg(u)->persistent) s->last_trigger_realtime = read_stamp(u);
        dual_timestamp_now(u->m, &u->active_enter_ts);   /* OnActiveSec= counts from here */
        enter_waiting(u);
        return 0;
}

static int timer_stop(MUnit *u) {
        Timer *s = TIMER(u);
        if (s->state == TIMER_DEAD || s->state == TIMER_FAILED) return -EALREADY;
        set_state(u, TIMER_DEAD);
        return 0;
}

static void timer_reset_failed(MUnit *u) {
        Timer *s = TIMER(u);
        if (s->state == TIMER_FAILED) set_state(u, TIMER_DEAD);
}

static void timer_trigger_notify(MUnit *u, MUnit *other) {
        Timer *s = TIMER(u);
        (void)other;
        /* as systemd: running until the unit is gone again; waiting/elapsed recompute, since
         * OnUnitActiveSec=/OnUnitInactiveSec= count from the unit's last change */
        if (s->state == TIMER_RUNNING) {
                if (UNIT_IS_INACTIVE_OR_FAILED(other->state)) enter_waiting(u);
        } else if (s->state == TIMER_WAITING || s->state == TIMER_ELAPSED)
                enter_waiting(u);
}

static const char *timer_sub_state(const MUnit *u) {
        return timer_state_to_string(((const Timer *)u)->state);
}

const UnitVTable timer_vtable = {
        .object_size = sizeof(Timer),
        .done = timer_done,
        .start = timer_start,
        .stop = timer_stop,
        .start_limit = true,
        .sub_state = timer_sub_state,
        .reset_failed = timer_reset_failed,
        .trigger_notify = timer_trigger_notify,
};

int timer_calendar_next(const char *expr, usec_t after, usec_t *ret) {
        CalendarSpec *spec = NULL;
        int r = calendar_spec_from_string(expr, &spec);
        if (r < 0) return r;
        r = calendar_spec_next(spec, after, ret);
        calendar_spec_free(spec);
        return r;
}
