/* SPDX-License-Identifier: MIT */
#pragma once
/* Timer units (timer.c): one loop deadline per timer, the earliest of its triggers. */
#include <stdbool.h>
#include "core/event.h"
#include "core/forward.h"

typedef enum TimerState {
        TIMER_DEAD, TIMER_WAITING, TIMER_RUNNING, TIMER_ELAPSED, TIMER_FAILED, _TIMER_STATE_MAX,
} TimerState;
const char *timer_state_to_string(TimerState s);

/* Runtime of a timer unit (timer.c). */
typedef struct TimerRuntime {
        TimerState state;
        EventSource *timer;          /* one deadline: the earliest of every trigger */
        usec_t next_monotonic;       /* USEC_INFINITY: none */
        usec_t next_realtime;        /* the calendar part, USEC_INFINITY none */
        usec_t last_trigger_monotonic, last_trigger_realtime;
        bool calendar_notice_done;
} TimerRuntime;

int timer_start(MUnit *u);
int timer_stop(MUnit *u);
void timer_done_runtime(MUnit *u);
void timer_reset_failed(MUnit *u);
/* The unit this timer triggers changed state: re-arm (OnUnitActiveSec=/OnUnitInactiveSec=). */
void timer_trigger_notify(MUnit *timer, MUnit *other);
/* The next elapse of an OnCalendar= expression after `after` (CLOCK_REALTIME usec). */
int timer_calendar_next(const char *expr, usec_t after, usec_t *ret);
