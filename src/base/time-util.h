/* SPDX-License-Identifier: MIT */
#pragma once
/* Wall-clock timestamps as systemd 252 prints and parses them (systemd.time(7)). "Local time" is
 * libc's: $TZ, else /etc/localtime. Time spans (parse_time, format_timespan) live in parse.h.
 * Functions return 0 or a negative errno; formatters return the buffer or NULL. */
#include <stdbool.h>
#include <time.h>
#include "base/parse.h"

/* The last timestamp systemd formats or accepts: Thu 9999-12-30 23:59:59 UTC. */
#define USEC_TIMESTAMP_FORMATTABLE_MAX ((usec_t)UINT64_C(253402214399000000))
/* "Mon 2026-11-23 10:00:00.123456 ABCDEF" plus NUL */
#define FORMAT_TIMESTAMP_MAX (3 + 1 + 10 + 1 + 8 + 1 + 6 + 1 + 6 + 1)
#define FORMAT_TIMESTAMP_RELATIVE_MAX 256

typedef enum TimestampStyle {
        TIMESTAMP_PRETTY,   /* Mon 2026-11-23 10:00:00 CET */
        TIMESTAMP_US,       /* Mon 2026-11-23 10:00:00.000123 CET */
        TIMESTAMP_UTC,      /* Mon 2026-11-23 09:00:00 UTC */
        TIMESTAMP_US_UTC,   /* Mon 2026-11-23 09:00:00.000123 UTC */
        TIMESTAMP_UNIX,     /* @1795424400 */
        _TIMESTAMP_STYLE_MAX,
} TimestampStyle;

usec_t now_realtime(void);
/* 0 and USEC_INFINITY mean "no timestamp" for systemd. */
static inline bool timestamp_is_set(usec_t t) { return t > 0 && t != USEC_INFINITY; }

time_t mktime_or_timegm(struct tm *tm, bool utc);
struct tm *localtime_or_gmtime_r(const time_t *t, struct tm *tm, bool utc);
/* Is the local time zone UTC (no offset, no DST)? systemd prints "(in UTC)" lines otherwise. */
bool in_utc_timezone(void);
/* systemd's verify_timezone(): "UTC", or a name of letters, digits, -_+ and single slashes that
 * names a TZif file under /usr/share/zoneinfo. */
bool timezone_is_valid(const char *name);

/* Run fn() in a short-lived child whose local time zone is `tz` (a tz database name), as systemd
 * does, so this process's $TZ and libc time-zone state never change. fn's return value (an
 * errno) and *ret come back to the caller. Not for use between fork() and exec(). */
int run_in_timezone(const char *tz, int (*fn)(void *userdata, usec_t *ret), void *userdata, usec_t *ret);

/* NULL when t is not set (0 or infinity) or l is too small; years past 9999 give
 * "--- XXXX-XX-XX XX:XX:XX". A zone name that does not fit is left out, as systemd does. */
char *format_timestamp_style(char *buf, size_t l, usec_t t, TimestampStyle style);
static inline char *format_timestamp(char *buf, size_t l, usec_t t) {
        return format_timestamp_style(buf, l, t, TIMESTAMP_PRETTY);
}
/* "5min ago", "1h 2min left", "2 weeks 3 days ago", "now": distance of t from now / from `now`. */
char *format_timestamp_relative(char *buf, size_t l, usec_t t);
char *format_timestamp_relative_to(char *buf, size_t l, usec_t t, usec_t now);

/* systemd.time(7) timestamps: "now", "today", "yesterday", "tomorrow", "+5min", "-1h",
 * "5min ago", "5min left", "@EPOCH[.frac]", "[WEEKDAY ][YY]YY-MM-DD [HH:MM[:SS[.us]]]",
 * "HH:MM[:SS[.us]]", "Nov 23 10:00:00", each optionally followed by " UTC" or by the local zone's
 * abbreviation (tzname[0/1], e.g. "CEST"). -EINVAL for bad syntax, for a result past
 * USEC_TIMESTAMP_FORMATTABLE_MAX or before 1970, and (as systemd 252.38 does) for a tz database
 * name at the end ("12:00 Europe/Berlin").
 * parse_timestamp_at() takes "now" from the caller (tests, --base-time). */
int parse_timestamp(const char *s, usec_t *ret);
int parse_timestamp_at(const char *s, usec_t now, usec_t *ret);

/* A fraction after a decimal point as 6 digits ("5" → 500000), rounded on the 7th digit, further
 * digits skipped; *p is advanced. -EINVAL if no digit. */
int parse_fraction6(const char **p, unsigned *ret);
