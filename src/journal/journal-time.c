/* SPDX-License-Identifier: MIT */
/* A small systemd.time(7) timestamp parser for journalctl (see journal-time.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "base/parse.h"
#include "base/util.h"
#include "journal/journal-time.h"

static int midnight(uint64_t now, int add_days, uint64_t *ret) {
        time_t s = (time_t)(now / USEC_PER_SEC);
        struct tm tm;
        if (!localtime_r(&s, &tm))
                return -EINVAL;
        tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
        tm.tm_mday += add_days;
        tm.tm_isdst = -1;
        time_t m = mktime(&tm);
        if (m == (time_t)-1 || m < 0)
                return -EINVAL;
        *ret = (uint64_t)m * USEC_PER_SEC;
        return 0;
}

static int relative(const char *span, uint64_t now, int sign, uint64_t *ret) {
        usec_t u;
        if (parse_time(span, &u, USEC_PER_SEC) < 0 || u == USEC_INFINITY)
                return -EINVAL;
        if (sign < 0)
                *ret = u > now ? 0 : now - u;
        else
                *ret = now + u < now ? UINT64_MAX - 1 : now + u;
        return 0;
}

/* ".123" after the seconds: microseconds; returns the rest. */
static const char *fraction(const char *p, uint64_t *usec) {
        *usec = 0;
        if (*p != '.')
                return p;
        p++;
        uint64_t scale = 100000;
        if (*p < '0' || *p > '9')
                return NULL;
        for (; *p >= '0' && *p <= '9'; p++) {
                *usec += (uint64_t)(*p - '0') * scale;
                scale /= 10;
        }
        return p;
}

static int absolute(const char *t, uint64_t now, bool utc, uint64_t *ret) {
        static const char *const dates[] = { "%Y-%m-%d", "%y-%m-%d" };
        static const char *const times[] = { "%H:%M:%S", "%H:%M" };
        struct tm base;
        time_t s = (time_t)(now / USEC_PER_SEC);
        if (!(utc ? gmtime_r(&s, &base) : localtime_r(&s, &base)))
                return -EINVAL;

        for (int with_date = 1; with_date >= 0; with_date--)
                for (size_t d = 0; d < (with_date ? ELEMENTSOF(dates) : 1); d++)
                        for (int tf = -1; tf < (int)ELEMENTSOF(times); tf++) {
                                struct tm tm = base;
                                const char *p = t;
                                if (with_date) {
                                        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                                        p = strptime(p, dates[d], &tm);
                                        if (!p)
                                                continue;
                                        if ((d == 1 && p - t != 8) || (d == 0 && p - t < 10))
                                                continue; /* YYYY-MM-DD, or YY-MM-DD of exactly 8 characters */
                                        if (tf >= 0) {
                                                if (*p != ' ' && *p != 'T')
                                                        continue;
                                                p++;
                                        }
                                } else if (tf < 0)
                                        continue;
                                if (tf >= 0) {
                                        tm.tm_sec = 0;
                                        p = strptime(p, times[tf], &tm);
                                        if (!p)
                                                continue;
                                }
                                uint64_t frac = 0;
                                if (tf == 0 && !(p = fraction(p, &frac)))
                                        continue;
                                if (*p)
                                        continue;
                                tm.tm_isdst = -1;
                                time_t r = utc ? timegm(&tm) : mktime(&tm);
                                if (r == (time_t)-1 || r < 0)
                                        return -EINVAL;
                                *ret = (uint64_t)r * USEC_PER_SEC + frac;
                                return 0;
                        }
        return -EINVAL;
}

int jtime_parse_timestamp(const char *t, uint64_t now, uint64_t *ret) {
        static const char *const days[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                            "Saturday", "Sunday", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
        char buf[128];
        const char *e;

        if (!t || strlen(t) >= sizeof buf)
                return -EINVAL;
        strcpy(buf, t);
        char *s = strstrip(buf);
        if (streq(s, "now")) { *ret = now; return 0; }
        if (streq(s, "today")) return midnight(now, 0, ret);
        if (streq(s, "yesterday")) return midnight(now, -1, ret);
        if (streq(s, "tomorrow")) return midnight(now, 1, ret);
        if (s[0] == '+') return relative(s + 1, now, 1, ret);
        if (s[0] == '-') return relative(s + 1, now, -1, ret);
        if ((e = endswith(s, " ago"))) {
                s[e - s] = 0;
                return relative(s, now, -1, ret);
        }
        if (s[0] == '@') {
                uint64_t sec = 0, frac = 0;
                const char *p = s + 1;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                for (; *p >= '0' && *p <= '9'; p++) {
                        if (sec > (UINT64_MAX / USEC_PER_SEC - 9) / 10)
                                return -ERANGE;
                        sec = sec * 10 + (uint64_t)(*p - '0');
                }
                if (!(p = fraction(p, &frac)) || *p)
                        return -EINVAL;
                *ret = sec * USEC_PER_SEC + frac;
                return 0;
        }
        bool utc = false;
        if ((e = endswith(s, " UTC")) || (e = endswith(s, "Z"))) {
                utc = true;
                s[e - s] = 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(days); i++) {
                size_t l = strlen(days[i]);
                if (strncasecmp(s, days[i], l) == 0 && s[l] == ' ') {
                        s += l + 1;
                        break;
                }
        }
        return absolute(s, now, utc, ret);
}
