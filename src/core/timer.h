/* SPDX-License-Identifier: MIT */
#pragma once
/* Timer units (timer.c): one loop deadline per timer, the earliest of its triggers. */
#include <stdbool.h>
#include "core/event.h"
#include "core/forward.h"
#include "core/munit.h"

typedef enum TimerState {
        TIMER_DEAD, TIMER_WAITING, TIMER_RUNNING, TIMER_ELAPSED, TIMER_FAILED, _TIMER_STATE_MAX,
} TimerState;
const char *timer_state_to_string(TimerState s);

/* A timer unit's runtime (timer.c). */
typedef struct Timer {
        MUnit meta;
        TimerState state;
        EventSource *timer;          /* one deadline: the earliest of every trigger */
        usec_t next_monotonic;       /* USEC_INFINITY: none */
        usec_t next_realtime;        /* the calendar part, USEC_INFINITY none */
        usec_t last_trigger_monotonic, last_trigger_realtime;
        bool calendar_notice_done;
} Timer;

extern const UnitVTable timer_vtable;

/* The timer unit u is; NULL when u is a unit of another type. */
static inline Timer *TIMER(MUnit *u) {
        return u && u->vt == &timer_vtable ? (Timer *)u : NULL;
}

/* The next elapse of an OnCalendar= expression after `after` (CLOCK_REALTIME usec). */
int timer_calendar_next(const char *expr, usec_t after, usec_t *ret);
