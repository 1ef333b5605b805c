/* SPDX-License-Identifier: MIT */
/* Timestamps in systemd 252's formats; the facts (formats, thresholds, accepted syntaxes) come
 * from systemd.time(7) and the behaviour of systemd 252's tools. */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "base/time-util.h"
#include "base/util.h"

usec_t now_realtime(void) {
        struct timespec ts;
        if (clock_gettime(CLOCK_REALTIME, &ts) < 0) return 0;
        return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

time_t mktime_or_timegm(struct tm *tm, bool utc) {
        return utc ? timegm(tm) : mktime(tm);
}

struct tm *localtime_or_gmtime_r(const time_t *t, struct tm *tm, bool utc) {
        return utc ? gmtime_r(t, tm) : localtime_r(t, tm);
}

bool in_utc_timezone(void) {
        tzset();
        return timezone == 0 && daylight == 0;
}

bool timezone_is_valid(const char *name) {
        if (isempty(name)) return false;
        if (streq(name, "UTC")) return true;   /* always, even without a tz database */
        if (name[0] == '/') return false;
        bool slash = false;
        size_t n = 0;
        for (const char *p = name; *p; p++, n++) {
                bool ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                          strchr("-_+/", *p);
                if (!ok || (*p == '/' && slash)) return false;
                slash = *p == '/';
        }
        if (slash || n >= PATH_MAX - 32) return false;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        char magic[4];
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) return false;
        return read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
}

typedef struct TzResult { int r; usec_t value; } TzResult;

int run_in_timezone(const char *tz, int (*fn)(void *userdata, usec_t *ret), void *userdata, usec_t *ret) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) return -errno;
        pid_t pid = fork();
        if (pid < 0) {
                int e = errno;
                close(p[0]);
                close(p[1]);
                return -e;
        }
        if (pid == 0) {
                /* tzset(3): a leading ':' names a file of the tz database */
                TzResult res = { .r = -ENOMEM };
                char *v = strjoin(":", tz);
                if (v && setenv("TZ", v, 1) == 0) {
                        tzset();
                        res.r = fn(userdata, &res.value);
                }
                ssize_t n = write(p[1], &res, sizeof res);
                _exit(n == (ssize_t)sizeof res ? 0 : 1);
        }
        close(p[1]);
        TzResult res = { .r = -EIO };
        ssize_t n;
        do n = read(p[0], &res, sizeof res);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)sizeof res) res.r = -EIO;
        close(p[0]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        if (res.r >= 0 && ret) *ret = res.value;
        return res.r;
}

char *format_timestamp_style(char *buf, size_t l, usec_t t, TimestampStyle style) {
        static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
        if ((unsigned)style >= _TIMESTAMP_STYLE_MAX) return NULL;
        bool utc = style == TIMESTAMP_UTC || style == TIMESTAMP_US_UTC, us = style == TIMESTAMP_US || style == TIMESTAMP_US_UTC;
        /* weekday, date, time, [.usec], a one-letter zone, NUL: the shortest form must fit */
        if (l < 3 + 1 + 10 + 1 + 8 + (us ? 7u : 0u) + 2 + 1 || !timestamp_is_set(t)) return NULL;
        if (style == TIMESTAMP_UNIX) {
                int k = snprintf(buf, l, "@%" PRIu64, t / USEC_PER_SEC);
                return k > 0 && (size_t)k < l ? buf : NULL;
        }
        if (t > USEC_TIMESTAMP_FORMATTABLE_MAX) {
                snprintf(buf, l, "--- XXXX-XX-XX XX:XX:XX");
                return buf;
        }
        time_t sec = (time_t)(t / USEC_PER_SEC);
        struct tm tm;
        if (!localtime_or_gmtime_r(&sec, &tm, utc)) return NULL;
        int k = snprintf(buf, l, "%s %d-%02d-%02d %02d:%02d:%02d", wday[tm.tm_wday % 7], tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (k < 0 || (size_t)k >= l) return NULL;
        size_t n = (size_t)k;
        if (us) {
                if (n + 8 > l) return NULL;
                n += (size_t)snprintf(buf + n, l - n, ".%06" PRIu64, t % USEC_PER_SEC);
        }
        /* gmtime_r() calls UTC "GMT"; systemd says UTC */
        const char *zone = utc ? "UTC" : tm.tm_zone;
        if (isempty(zone)) return buf;
        if (n + 1 + strlen(zone) + 1 > l) {
                /* too long: leave the zone out if at least the POSIX minimum (6) would have fit */
                if (utc || n + 1 + 6 + 1 > l) return NULL;
                return buf;
        }
        snprintf(buf + n, l - n, " %s", zone);
        return buf;
}

static const char *plural(usec_t n, const char *one, const char *many) { return n == 1 ? one : many; }

char *format_timestamp_relative_to(char *buf, size_t l, usec_t t, usec_t now) {
        if (!timestamp_is_set(t) || l == 0) return NULL;
        const char *s = now > t ? "ago" : "left";
        usec_t d = now > t ? now - t : t - now;
        /* systemd's thresholds: two units from a year down to a week, then coarser single units */
        if (d >= USEC_PER_YEAR) {
                usec_t y = d / USEC_PER_YEAR, m = d % USEC_PER_YEAR / USEC_PER_MONTH;
                snprintf(buf, l, "%" PRIu64 " %s %" PRIu64 " %s %s", y, plural(y, "year", "years"), m,
                         plural(m, "month", "months"), s);
        } else if (d >= USEC_PER_MONTH) {
                usec_t m = d / USEC_PER_MONTH, dd = d % USEC_PER_MONTH / USEC_PER_DAY;
                snprintf(buf, l, "%" PRIu64 " %s %" PRIu64 " %s %s", m, plural(m, "month", "months"), dd,
                         plural(dd, "day", "days"), s);
        } else if (d >= USEC_PER_WEEK) {
                usec_t w = d / USEC_PER_WEEK, dd = d % USEC_PER_WEEK / USEC_PER_DAY;
                snprintf(buf, l, "%" PRIu64 " %s %" PRIu64 " %s %s", w, plural(w, "week", "weeks"), dd,
                         plural(dd, "day", "days"), s);
        } else if (d >= 2 * USEC_PER_DAY)
                snprintf(buf, l, "%" PRIu64 " days %s", d / USEC_PER_DAY, s);
        else if (d >= 25 * USEC_PER_HOUR)
                snprintf(buf, l, "1 day %" PRIu64 "h %s", (d - USEC_PER_DAY) / USEC_PER_HOUR, s);
        else if (d >= 6 * USEC_PER_HOUR)
                snprintf(buf, l, "%" PRIu64 "h %s", d / USEC_PER_HOUR, s);
        else if (d >= USEC_PER_HOUR)
                snprintf(buf, l, "%" PRIu64 "h %" PRIu64 "min %s", d / USEC_PER_HOUR,
                         d % USEC_PER_HOUR / USEC_PER_MINUTE, s);
        else if (d >= 5 * USEC_PER_MINUTE)
                snprintf(buf, l, "%" PRIu64 "min %s", d / USEC_PER_MINUTE, s);
        else if (d >= USEC_PER_MINUTE)
                snprintf(buf, l, "%" PRIu64 "min %" PRIu64 "s %s", d / USEC_PER_MINUTE,
                         d % USEC_PER_MINUTE / USEC_PER_SEC, s);
        else if (d >= USEC_PER_SEC)
                snprintf(buf, l, "%" PRIu64 "s %s", d / USEC_PER_SEC, s);
        else if (d >= USEC_PER_MSEC)
                snprintf(buf, l, "%" PRIu64 "ms %s", d / USEC_PER_MSEC, s);
        else if (d > 0)
                snprintf(buf, l, "%" PRIu64 "us %s", d, s);
        else
                snprintf(buf, l, "now");
        return buf;
}

char *format_timestamp_relative(char *buf, size_t l, usec_t t) {
        return format_timestamp_relative_to(buf, l, t, now_realtime());
}

/* ---- parse_timestamp ---- */

/* Up to `width` digits (fewer if another would exceed max), after optional white space, as
 * glibc's strptime() reads numeric fields; NULL unless min <= value <= max. */
static const char *scan_number(const char *p, int width, int min, int max, int *ret) {
        while (*p == ' ' || (*p >= '\t' && *p <= '\r')) p++;
        if (*p < '0' || *p > '9') return NULL;
        int v = 0;
        do v = v * 10 + (*p++ - '0');
        while (--width > 0 && v * 10 <= max && *p >= '0' && *p <= '9');
        if (v < min || v > max) return NULL;
        *ret = v;
        return p;
}

static const char *scan_month_name(const char *p, int *ret) {
        static const char *const names[] = { "January", "February", "March", "April", "May", "June", "July",
                                             "August", "September", "October", "November", "December" };
        while (*p == ' ' || (*p >= '\t' && *p <= '\r')) p++;
        for (int m = 0; m < 12; m++) {
                size_t full = strlen(names[m]);
                if (strncasecmp(p, names[m], full) == 0) return *ret = m, p + full;
                if (strncasecmp(p, names[m], 3) == 0) return *ret = m, p + 3;
        }
        return NULL;
}

/* The subset of strptime() systemd's formats use: %y %Y %m %d %H %M %S %b, white space in the
 * format matching any amount of it, other characters themselves. Returns the end of what matched.
 * *date is set when a date field was read (strptime then recomputes the weekday). */
static const char *scan_time(const char *s, const char *fmt, struct tm *tm, bool *date) {
        for (; *fmt; fmt++) {
                int v;
                if (*fmt == ' ') {
                        while (*s == ' ' || (*s >= '\t' && *s <= '\r')) s++;
                        continue;
                }
                if (*fmt != '%') {
                        if (*s++ != *fmt) return NULL;
                        continue;
                }
                switch (*++fmt) {
                case 'y':   /* 69..99 → 1969..1999, 00..68 → 2000..2068 */
                        if (!(s = scan_number(s, 2, 0, 99, &v))) return NULL;
                        tm->tm_year = v >= 69 ? v : v + 100, *date = true;
                        break;
                case 'Y':
                        if (!(s = scan_number(s, 4, 0, 9999, &v))) return NULL;
                        tm->tm_year = v - 1900, *date = true;
                        break;
                case 'm':
                        if (!(s = scan_number(s, 2, 1, 12, &v))) return NULL;
                        tm->tm_mon = v - 1, *date = true;
                        break;
                case 'b':
                        if (!(s = scan_month_name(s, &v))) return NULL;
                        tm->tm_mon = v, *date = true;
                        break;
                case 'd':
                        if (!(s = scan_number(s, 2, 1, 31, &v))) return NULL;
                        tm->tm_mday = v, *date = true;
                        break;
                case 'H':
                        if (!(s = scan_number(s, 2, 0, 23, &tm->tm_hour))) return NULL;
                        break;
                case 'M':
                        if (!(s = scan_number(s, 2, 0, 59, &tm->tm_min))) return NULL;
                        break;
                case 'S':
                        if (!(s = scan_number(s, 2, 0, 61, &tm->tm_sec))) return NULL;
                        break;
                default:
                        return NULL;
                }
        }
        return s;
}

static int weekday_of(const struct tm *tm) {
        /* Sakamoto's method on the proleptic Gregorian calendar; 0 = Sunday */
        static const int off[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
        int y = tm->tm_year + 1900, m = tm->tm_mon;
        if (m < 0 || m > 11) return -1;
        if (m < 2) y--;
        return ((y + y / 4 - y / 100 + y / 400 + off[m] + tm->tm_mday) % 7 + 7) % 7;
}

int parse_fraction6(const char **p, unsigned *ret) {
        const char *s = *p;
        unsigned v = 0;
        size_t i;
        for (i = 0; i < 6 && *s >= '0' && *s <= '9'; i++, s++) v = v * 10 + (unsigned)(*s - '0');
        if (i == 0) return -EINVAL;
        for (; i < 6; i++) v *= 10;
        if (*s >= '5' && *s <= '9') v++;
        s += strspn(s, DIGITS);
        *p = s;
        *ret = v;
        return 0;
}

/* Absolute forms, in local time (or UTC); `dst` is -1 or which of tzname[] was named. */
static int parse_absolute(const char *t, usec_t now, bool utc, int dst, const char *zone, usec_t *ret) {
        static const char *const fmts[][2] = {
                /* format, what may follow: "." (a fraction) or "" (the end only) */
                { "%y-%m-%d %H:%M:%S", "." }, { "%Y-%m-%d %H:%M:%S", "." }, { "%b %d %H:%M:%S", "." },
                { "%y-%m-%d %H:%M", "" },     { "%Y-%m-%d %H:%M", "" },     { "%y-%m-%d", "" },
                { "%Y-%m-%d", "" },           { "%H:%M:%S", "." },          { "%H:%M", "" },
        };
        static const char *const days[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
        time_t x = (time_t)(now / USEC_PER_SEC);
        struct tm tm;
        unsigned usec = 0;
        int weekday = -1;
        if (!localtime_or_gmtime_r(&x, &tm, utc)) return -EINVAL;
        tm.tm_isdst = dst;
        if (zone) tm.tm_zone = zone;
        if (streq(t, "today") || streq(t, "yesterday") || streq(t, "tomorrow")) {
                tm.tm_mday += t[0] == 'y' ? -1 : t[2] == 'm' ? 1 : 0;
                tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                goto done;
        }
        for (int d = 0; d < 7; d++) {
                size_t full = strlen(days[d]);
                if (strncasecmp(t, days[d], full) == 0 && t[full] == ' ') { weekday = d, t += full + 1; break; }
                if (strncasecmp(t, days[d], 3) == 0 && t[3] == ' ') { weekday = d, t += 4; break; }
        }
        struct tm base = tm;
        for (size_t i = 0; i < ELEMENTSOF(fmts); i++) {
                bool date = false;
                tm = base;
                const char *k = scan_time(t, fmts[i][0], &tm, &date);
                if (!k || (*k != 0 && !(*k == '.' && fmts[i][1][0]))) continue;
                if (!strstr(fmts[i][0], "%S")) tm.tm_sec = 0;
                if (!strchr(fmts[i][0], ':')) tm.tm_hour = tm.tm_min = 0;
                if (date) tm.tm_wday = weekday_of(&tm);
                if (*k == '.') {
                        k++;
                        if (parse_fraction6(&k, &usec) < 0 || *k) return -EINVAL;
                }
                goto done;
        }
        return -EINVAL;
done:
        if (weekday >= 0 && tm.tm_wday != weekday) return -EINVAL;
        x = mktime_or_timegm(&tm, utc);
        if (x < 0) return -EINVAL;
        *ret = (usec_t)x * USEC_PER_SEC + usec;
        return *ret > USEC_TIMESTAMP_FORMATTABLE_MAX ? -EINVAL : 0;
}

/* "TEXT SUFFIX" → true and *ret = TEXT when t ends in " SUFFIX" (case-insensitive, TEXT non-empty). */
static bool cut_suffix(const char *t, const char *suffix, char **ret) {
        size_t n = strlen(t), k = strlen(suffix);
        if (k == 0 || n < k + 2 || t[n - k - 1] != ' ' || strcasecmp(t + n - k, suffix) != 0) return false;
        *ret = strndup_safe(t, n - k - 1);
        return true;
}

static int parse_timestamp_impl(const char *t, usec_t now, usec_t *ret) {
        usec_t plus = 0, minus = 0, v = now;
        int r;
        if (t[0] == '@') return parse_sec(t + 1, ret);
        {
                const char *k;
                if (streq(t, "now")) goto finish;
                if (t[0] == '+' || t[0] == '-') {
                        r = parse_sec(t + 1, t[0] == '+' ? &plus : &minus);
                        if (r < 0) return r;
                        goto finish;
                }
                if ((k = endswith(t, " ago")) || (k = endswith(t, " left"))) {
                        _cleanup_free_ char *span = strndup_safe(t, (size_t)(k - t));
                        if (!span) return -ENOMEM;
                        r = parse_sec(span, *k == ' ' && k[1] == 'a' ? &minus : &plus);
                        if (r < 0) return r;
                        goto finish;
                }
                _cleanup_free_ char *cut = NULL;
                if (cut_suffix(t, "UTC", &cut))
                        return cut ? parse_absolute(cut, now, true, -1, NULL, ret) : -ENOMEM;
                tzset();
                for (int j = 0; j <= 1; j++)
                        if (cut_suffix(t, tzname[j] ? tzname[j] : "", &cut))
                                return cut ? parse_absolute(cut, now, false, j, tzname[j], ret) : -ENOMEM;
        }
        return parse_absolute(t, now, false, -1, NULL, ret);
finish:
        if (v + plus < v) return -EINVAL;
        v += plus;
        if (v > USEC_TIMESTAMP_FORMATTABLE_MAX || v < minus) return -EINVAL;
        *ret = v - minus;
        return 0;
}

int parse_timestamp_at(const char *s, usec_t now, usec_t *ret) {
        usec_t v;
        size_t n = strlen(s);
        const char *sp = strrchr(s, ' ');
        /* A tz database name at the end ("12:00 Europe/Berlin", also "CET") is refused: systemd
         * 252 as shipped (252.38) answers -EINVAL for every such timestamp; " UTC" is fine. */
        if (sp && timezone_is_valid(sp + 1) && !(n >= 4 && strcasecmp(s + n - 4, " UTC") == 0)) return -EINVAL;
        int r = parse_timestamp_impl(s, now, &v);
        if (r >= 0 && ret) *ret = v;
        return r;
}

int parse_timestamp(const char *s, usec_t *ret) {
        return parse_timestamp_at(s, now_realtime(), ret);
}
