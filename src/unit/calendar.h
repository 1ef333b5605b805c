/* SPDX-License-Identifier: MIT */
#pragma once
/* Calendar events of systemd.time(7) ("Mon..Fri *-*-* 10:00", "*-*~01", "daily", "12:00
 * Europe/Berlin"): parsing, the normalised form systemd prints, and the exact next elapse as
 * systemd 252 computes it. Functions return 0 or a negative errno. */
#include <stdbool.h>
#include <stddef.h>
#include "base/parse.h"

/* start[..stop][/repeat]; stop -1 when none, repeat 0 when none. Values of the seconds chain
 * are in microseconds. */
typedef struct CalendarComponent {
        int start, stop, repeat;
} CalendarComponent;

/* A comma-separated list of components, sorted and deduplicated; n == 0 means "*" (any). */
typedef struct CalendarChain {
        CalendarComponent *c;
        size_t n;
} CalendarChain;

typedef struct CalendarSpec {
        int weekdays_bits;      /* bit 0 Monday ... bit 6 Sunday; -1 any day */
        bool end_of_month;      /* "~": day values count back from the month's last day */
        bool utc;               /* " UTC" */
        int dst;                /* -1, or 0/1: ended in the local zone's tzname[0]/[1] ("CET") */
        char *timezone;         /* a tz database name ("Europe/Berlin"), or NULL for local time */
        CalendarChain year, month, day, hour, minute, microsecond;
} CalendarSpec;

/* Parse and normalise. -EINVAL for bad syntax or values out of range, -ERANGE for numbers too
 * large, -ENOBUFS for a list of more than 241 items, -ENOMEM. */
int calendar_spec_from_string(const char *s, CalendarSpec **ret);
CalendarSpec *calendar_spec_free(CalendarSpec *c);
static inline void calendar_spec_freep(CalendarSpec **c) { calendar_spec_free(*c); }
/* The normalised form: "Mon..Fri *-*-* 10:00:00", "*-*~01 00:00:00 Europe/Berlin". */
int calendar_spec_to_string(const CalendarSpec *c, char **ret);
/* Parse + to_string in one go. */
int calendar_spec_normalize(const char *s, char **ret);

/* The first elapse strictly after `after` (usec since the epoch, CLOCK_REALTIME), computed in
 * the spec's zone (local time, UTC, or its tz database zone in a short-lived child, as systemd
 * does). -ENOENT: never elapses again (no match up to the year 2199). -EINVAL: `after` past
 * USEC_TIMESTAMP_FORMATTABLE_MAX. -EDEADLK: the search did not converge (systemd's safety valve). */
int calendar_spec_next(const CalendarSpec *c, usec_t after, usec_t *ret);
