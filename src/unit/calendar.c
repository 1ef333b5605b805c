/* SPDX-License-Identifier: MIT */
/* Calendar events (systemd.time(7)). The grammar, the normalised form and the search for the
 * next elapse follow systemd 252's observable behaviour, checked against `systemd-analyze
 * calendar` (tests/integration/test_calendar.py). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>
#include "base/log.h"
#include "base/time-util.h"
#include "base/util.h"
#include "unit/calendar.h"

#define MIN_YEAR 1970
#define MAX_YEAR 2199
#define ALL_WEEKDAYS 127
#define CHAIN_MAX 241           /* items in one list, as systemd's limit */

/* ---- chains ---- */

static void chain_done(CalendarChain *c) {
        free(c->c);
        *c = (CalendarChain){0};
}

static int chain_push(CalendarChain *c, int start, int stop, int repeat) {
        CalendarComponent *n = realloc(c->c, (c->n + 1) * sizeof *n);
        if (!n) return -ENOMEM;
        c->c = n;
        c->c[c->n++] = (CalendarComponent){ .start = start, .stop = stop, .repeat = repeat };
        return 0;
}

static int component_cmp(const void *a, const void *b) {
        const CalendarComponent *x = a, *y = b;
        if (x->start != y->start) return x->start < y->start ? -1 : 1;
        if (x->stop != y->stop) return x->stop < y->stop ? -1 : 1;
        return x->repeat < y->repeat ? -1 : x->repeat > y->repeat;
}

/* A range's end moves back onto its last repetition; a range that repeats never or ends where it
 * starts becomes a single value; then sorted and deduplicated. */
static void chain_normalize(CalendarChain *c) {
        for (size_t i = 0; i < c->n; i++) {
                CalendarComponent *x = &c->c[i];
                if (x->stop > x->start && x->repeat > 0) x->stop -= (x->stop - x->start) % x->repeat;
                if ((x->stop > x->start && x->repeat > 0 && x->start + x->repeat > x->stop) || x->start == x->stop)
                        x->stop = -1, x->repeat = 0;
        }
        if (c->n <= 1) return;
        qsort(c->c, c->n, sizeof c->c[0], component_cmp);
        size_t w = 1;
        for (size_t i = 1; i < c->n; i++)
                if (component_cmp(&c->c[w - 1], &c->c[i]) != 0) c->c[w++] = c->c[i];
        c->n = w;
}

/* Every item within [from, to] with room for at least one repetition. "~" days count back and
 * may not reach further than 28 days; systemd 252 lowers that bound by 3 for every further item
 * of the list ("~01,28/7" is refused, "~28/7" accepted), and so does this. */
static bool chain_valid(const CalendarChain *c, int from, int to, bool end_of_month) {
        for (size_t i = 0; i < c->n; i++) {
                if (end_of_month) to -= 3;
                const CalendarComponent *x = &c->c[i];
                if (x->start < from || x->start > to || x->repeat > to - from) return false;
                if (x->stop >= 0) {
                        if (x->stop < from || x->stop > to || x->start + x->repeat > x->stop) return false;
                } else if (end_of_month ? x->start - x->repeat < from : x->start + x->repeat > to)
                        return false;
        }
        return true;
}

/* ---- parsing ---- */

/* A decimal number; in the seconds chain (usec) with an optional fraction ("7.5"), in usec. */
static int parse_number(const char **p, bool usec, int *ret) {
        if (!isdigit((unsigned char)**p)) return -EINVAL;
        char *e;
        errno = 0;
        unsigned long v = strtoul(*p, &e, 10);
        if (errno > 0) return -errno;
        const char *q = e;
        if (usec) {
                if (v > ULONG_MAX / USEC_PER_SEC) return -ERANGE;
                v *= USEC_PER_SEC;
                if (q[0] == '.' && q[1] != '.') {   /* ".." is a range */
                        unsigned add;
                        q++;
                        int r = parse_fraction6(&q, &add);
                        if (r < 0) return r;
                        if (v + add < v) return -ERANGE;
                        v += add;
                }
        }
        if (v > INT_MAX) return -ERANGE;
        *p = q;
        *ret = (int)v;
        return 0;
}

/* "start[..stop][/repeat]"; a range without repeat steps by one (second). */
static int parse_component(const char **p, bool usec, CalendarChain *c) {
        int start, stop = -1, repeat = 0, r;
        const char *e = *p;
        if ((r = parse_number(&e, usec, &start)) < 0) return r;
        if (e[0] == '.' && e[1] == '.') {
                e += 2;
                if ((r = parse_number(&e, usec, &stop)) < 0) return r;
                repeat = usec ? (int)USEC_PER_SEC : 1;
        }
        if (*e == '/') {
                e++;
                if ((r = parse_number(&e, usec, &repeat)) < 0) return r;
                if (repeat == 0) return -ERANGE;
        } else {
                if (start > INT_MAX - repeat) return -ERANGE;
                /* sub-second ranges need an explicit repetition */
                if (usec && stop >= 0 && start + repeat > stop) return -EINVAL;
        }
        if (!strchr(" ,-~:", *e)) return -EINVAL;   /* also matches the terminating NUL */
        if ((r = chain_push(c, start, stop, repeat)) < 0) return r;
        *p = e;
        return 0;
}

/* "*" or a comma-separated list. "*" of seconds is 0/1 (every full second). */
static int parse_chain(const char **p, bool usec, CalendarChain *c) {
        if (**p == '*') {
                (*p)++;
                return usec ? chain_push(c, 0, -1, (int)USEC_PER_SEC) : 0;
        }
        for (size_t i = 0;; i++) {
                if (i >= CHAIN_MAX) return -ENOBUFS;
                int r = parse_component(p, usec, c);
                if (r < 0) return r;
                if (**p != ',') return 0;
                (*p)++;
        }
}

static int weekday_name(const char *p, size_t *len) {
        static const char *const names[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
        for (int d = 0; d < 7; d++) {
                size_t full = strlen(names[d]);
                if (strncasecmp(p, names[d], full) == 0) return *len = full, d;
                if (strncasecmp(p, names[d], 3) == 0) return *len = 3, d;
        }
        return -1;
}

/* "Mon,Wed..Fri " (also "Mon-Wed"); nothing when the text does not start with a day name. */
static int parse_weekdays(const char **p, CalendarSpec *c) {
        int range_from = -1;
        for (bool first = true;; first = false) {
                size_t len;
                int d = weekday_name(*p, &len);
                if (d < 0) return first ? 0 : -EINVAL;
                if (!strchr("-., ", (*p)[len])) return -EINVAL;
                c->weekdays_bits |= 1 << d;
                if (range_from >= 0) {
                        if (range_from > d) return -EINVAL;
                        for (int k = range_from + 1; k < d; k++) c->weekdays_bits |= 1 << k;
                }
                *p += len;
                if (**p == 0) return 0;
                if (**p == ' ') {
                        *p += strspn(*p, " ");
                        return 0;
                }
                if (**p == '.' || **p == '-') {
                        if (range_from >= 0 || (**p == '.' && (*p)[1] != '.')) return -EINVAL;
                        range_from = d;
                        *p += **p == '.' ? 2 : 1;
                } else if (**p == ',') {
                        range_from = -1;
                        (*p)++;
                }
                /* a trailing comma is fine, an open range is not */
                if (**p == 0 || **p == ' ') {
                        *p += strspn(*p, " ");
                        return range_from < 0 ? 0 : -EINVAL;
                }
        }
}

/* "@EPOCH": that second, in UTC. */
static int parse_epoch(const char **p, CalendarSpec *c) {
        const char *s = *p + 1;
        char *e;
        errno = 0;
        unsigned long v = strtoul(s, &e, 10);
        if (errno > 0) return -errno;
        if (e == s) return -EINVAL;
        time_t t = (time_t)v;
        struct tm tm;
        if ((unsigned long)t != v || !gmtime_r(&t, &tm) || tm.tm_year > INT_MAX - 1900) return -ERANGE;
        int r;
        if ((r = chain_push(&c->year, tm.tm_year + 1900, -1, 0)) < 0 || (r = chain_push(&c->month, tm.tm_mon + 1, -1, 0)) < 0 ||
            (r = chain_push(&c->day, tm.tm_mday, -1, 0)) < 0 || (r = chain_push(&c->hour, tm.tm_hour, -1, 0)) < 0 ||
            (r = chain_push(&c->minute, tm.tm_min, -1, 0)) < 0 ||
            (r = chain_push(&c->microsecond, tm.tm_sec * (int)USEC_PER_SEC, -1, 0)) < 0)
                return r;
        c->utc = true;
        *p = e;
        return 0;
}

/* "[Y-]M-D" with "~" instead of the last "-" for end-of-month days. Returns 1 after "@EPOCH"
 * (no time follows), 0 otherwise; a chain followed by ":" or the end was a time, not a date. */
static int parse_date(const char **p, CalendarSpec *c) {
        CalendarChain part[3] = {0};
        const char *t = *p;
        int r = 0, n;
        if (*t == 0) return 0;
        if (*t == '@') {
                r = parse_epoch(p, c);
                return r < 0 ? r : 1;
        }
        for (n = 0; n < 3; n++) {
                if ((r = parse_chain(&t, false, &part[n])) < 0) goto fail;
                if (n == 0 && (*t == 0 || *t == ':')) goto fail;   /* r == 0: not a date */
                if (n >= 1 && (*t == 0 || *t == ' ')) break;
                if (n == 2 || (n == 1 && c->end_of_month)) {
                        r = -EINVAL;
                        goto fail;
                }
                if (*t == '~') c->end_of_month = true;
                else if (*t != '-') {
                        r = -EINVAL;
                        goto fail;
                }
                t++;
        }
        *p = t + strspn(t, " ");
        CalendarChain *dst[3] = { &c->month, &c->day, NULL };
        if (n == 2) dst[0] = &c->year, dst[1] = &c->month, dst[2] = &c->day;
        for (int k = 0; k <= n; k++) *dst[k] = part[k];
        return 0;
fail:
        for (int k = 0; k < 3; k++) chain_done(&part[k]);
        return r;
}

/* "H:M[:S]"; nothing at all means 00:00:00, no seconds mean :00. */
static int parse_clock(const char **p, CalendarSpec *c) {
        const char *t = *p;
        int r;
        if (*t == 0) {
                if ((r = chain_push(&c->hour, 0, -1, 0)) < 0 || (r = chain_push(&c->minute, 0, -1, 0)) < 0) return r;
                return chain_push(&c->microsecond, 0, -1, 0);
        }
        if ((r = parse_chain(&t, false, &c->hour)) < 0) return r;
        if (*t++ != ':') return -EINVAL;
        if ((r = parse_chain(&t, false, &c->minute)) < 0) return r;
        if (*t == 0) {
                *p = t;
                return chain_push(&c->microsecond, 0, -1, 0);
        }
        if (*t++ != ':') return -EINVAL;
        if ((r = parse_chain(&t, true, &c->microsecond)) < 0) return r;
        *p = t;
        return *t == 0 ? 0 : -EINVAL;
}

/* minutely ... annually: which fields are fixed (the others stay "*"). */
static int parse_shorthand(const char *s, CalendarSpec *c) {
        static const struct { const char *name; const char *months; int day, hour, minute; bool weekly; } words[] = {
                { "minutely", NULL, -1, -1, -1, false },     { "hourly", NULL, -1, -1, 0, false },
                { "daily", NULL, -1, 0, 0, false },          { "monthly", NULL, 1, 0, 0, false },
                { "annually", "\1", 1, 0, 0, false },        { "yearly", "\1", 1, 0, 0, false },
                { "anually", "\1", 1, 0, 0, false },         { "weekly", NULL, -1, 0, 0, true },
                { "quarterly", "\1\4\7\12", 1, 0, 0, false }, { "biannually", "\1\7", 1, 0, 0, false },
                { "bi-annually", "\1\7", 1, 0, 0, false },   { "semiannually", "\1\7", 1, 0, 0, false },
                { "semi-annually", "\1\7", 1, 0, 0, false },
        };
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                if (strcasecmp(s, words[i].name) != 0) continue;
                int r = 0;
                for (const char *m = words[i].months; r >= 0 && m && *m; m++) r = chain_push(&c->month, *m, -1, 0);
                if (r >= 0 && words[i].day >= 0) r = chain_push(&c->day, words[i].day, -1, 0);
                if (r >= 0 && words[i].hour >= 0) r = chain_push(&c->hour, words[i].hour, -1, 0);
                if (r >= 0 && words[i].minute >= 0) r = chain_push(&c->minute, words[i].minute, -1, 0);
                if (r >= 0) r = chain_push(&c->microsecond, 0, -1, 0);
                if (words[i].weekly) c->weekdays_bits = 1;
                return r < 0 ? r : 1;
        }
        return 0;
}

/* " UTC", the local zone's abbreviation (" CET" → dst 0), or a tz database name ends the text;
 * *body gets what precedes it. */
static int parse_zone(const char *s, CalendarSpec *c, char **body) {
        size_t n = strlen(s);
        if (n >= 4 && strcasecmp(s + n - 4, " UTC") == 0) {
                c->utc = true;
                return (*body = strndup_safe(s, n - 4)) ? 0 : -ENOMEM;
        }
        tzset();
        for (int j = 0; j <= 1; j++) {
                size_t k = tzname[j] ? strlen(tzname[j]) : 0;
                if (k == 0 || k >= n || s[n - k - 1] != ' ' || strcasecmp(s + n - k, tzname[j]) != 0) continue;
                c->dst = j;
                return (*body = strndup_safe(s, n - k - 1)) ? 0 : -ENOMEM;
        }
        const char *sp = strrchr(s, ' ');
        if (sp && timezone_is_valid(sp + 1)) {
                if (!(c->timezone = strdup(sp + 1))) return -ENOMEM;
                return (*body = strndup_safe(s, (size_t)(sp - s))) ? 0 : -ENOMEM;
        }
        return (*body = strdup(s)) ? 0 : -ENOMEM;
}

static void two_digit_years(CalendarChain *y) {
        for (size_t i = 0; i < y->n; i++) {
                int *v[2] = { &y->c[i].start, &y->c[i].stop };
                for (int k = 0; k < 2; k++) {
                        if (*v[k] >= 0 && *v[k] < 70) *v[k] += 2000;
                        else if (*v[k] >= 70 && *v[k] < 100) *v[k] += 1900;
                }
        }
}

static int spec_finish(CalendarSpec *c) {
        if (streq_ptr(c->timezone, "UTC")) {
                c->utc = true;
                free(c->timezone);
                c->timezone = NULL;
        }
        if (c->weekdays_bits <= 0 || c->weekdays_bits >= ALL_WEEKDAYS) c->weekdays_bits = -1;
        if (c->end_of_month && c->day.n == 0) c->end_of_month = false;
        two_digit_years(&c->year);
        CalendarChain *chains[] = { &c->year, &c->month, &c->day, &c->hour, &c->minute, &c->microsecond };
        for (size_t i = 0; i < ELEMENTSOF(chains); i++) chain_normalize(chains[i]);
        bool ok = chain_valid(&c->year, MIN_YEAR, MAX_YEAR, false) && chain_valid(&c->month, 1, 12, false) &&
                  chain_valid(&c->day, 1, 31, c->end_of_month) && chain_valid(&c->hour, 0, 23, false) &&
                  chain_valid(&c->minute, 0, 59, false) && chain_valid(&c->microsecond, 0, 60 * (int)USEC_PER_SEC - 1, false);
        return ok ? 0 : -EINVAL;
}

CalendarSpec *calendar_spec_free(CalendarSpec *c) {
        if (!c) return NULL;
        CalendarChain *chains[] = { &c->year, &c->month, &c->day, &c->hour, &c->minute, &c->microsecond };
        for (size_t i = 0; i < ELEMENTSOF(chains); i++) chain_done(chains[i]);
        free(c->timezone);
        free(c);
        return NULL;
}

int calendar_spec_from_string(const char *s, CalendarSpec **ret) {
        _cleanup_(calendar_spec_freep) CalendarSpec *c = calloc(1, sizeof *c);
        _cleanup_free_ char *body = NULL;
        if (!c) return -ENOMEM;
        c->dst = -1;
        int r = parse_zone(s, c, &body);
        if (r < 0) return r;
        if (isempty(body)) return -EINVAL;
        r = parse_shorthand(body, c);
        if (r < 0) return r;
        if (r == 0) {
                const char *p = body;
                if ((r = parse_weekdays(&p, c)) < 0 || (r = parse_date(&p, c)) < 0) return r;
                if (r == 0 && (r = parse_clock(&p, c)) < 0) return r;
                if (*p != 0) return -EINVAL;
        }
        if ((r = spec_finish(c)) < 0) return r;
        if (ret) *ret = TAKE_PTR(c);
        return 0;
}

/* ---- the normalised form ---- */

static int put_weekdays(Buf *b, int bits) {
        static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
        int r = 0, from = -1;
        bool comma = false;
        /* runs of three or more days are "A..C", of two "A,B" */
        for (int x = 0; x <= 7 && r >= 0; x++) {
                bool set = x < 7 && (bits & (1 << x));
                if (set && from < 0) {
                        r = buf_printf(b, "%s%s", comma ? "," : "", days[x]);
                        comma = true;
                        from = x;
                } else if (!set && from >= 0) {
                        if (x > from + 1) r = buf_printf(b, "%s%s", x > from + 2 ? ".." : ",", days[x - 1]);
                        from = -1;
                }
        }
        return r < 0 ? r : buf_putc(b, ' ');
}

/* Whole seconds plus ".uuuuuu" when there is a fraction. */
static int put_value(Buf *b, int width, int v, int unit) {
        int r = buf_printf(b, "%0*d", width, v / unit);
        if (r >= 0 && v % unit > 0) r = buf_printf(b, ".%06d", v % unit);
        return r;
}

static int put_chain(Buf *b, int width, const CalendarChain *c, bool usec) {
        int unit = usec ? (int)USEC_PER_SEC : 1, r = 0;
        bool star = c->n == 0;
        for (size_t i = 0; usec && i < c->n; i++)
                if (c->c[i].start == 0 && c->c[i].stop < 0 && c->c[i].repeat == (int)USEC_PER_SEC) star = true;
        if (star) return buf_putc(b, '*');
        for (size_t i = 0; r >= 0 && i < c->n; i++) {
                const CalendarComponent *x = &c->c[i];
                if (i > 0) r = buf_putc(b, ',');
                if (r >= 0) r = put_value(b, width, x->start, unit);
                if (r >= 0 && x->stop > 0) {
                        r = buf_puts(b, "..");
                        if (r >= 0) r = put_value(b, width, x->stop, unit);
                }
                /* a range stepping by one unit shows no step */
                if (r >= 0 && x->repeat > 0 && !(x->stop > 0 && x->repeat == unit)) {
                        r = buf_printf(b, "/%d", x->repeat / unit);
                        if (r >= 0 && x->repeat % unit > 0) r = buf_printf(b, ".%06d", x->repeat % unit);
                }
        }
        return r;
}

int calendar_spec_to_string(const CalendarSpec *c, char **ret) {
        Buf b = {0};
        int r = 0;
        if (c->weekdays_bits > 0 && c->weekdays_bits <= ALL_WEEKDAYS) r = put_weekdays(&b, c->weekdays_bits);
        if (r >= 0) r = put_chain(&b, 4, &c->year, false);
        if (r >= 0) r = buf_putc(&b, '-');
        if (r >= 0) r = put_chain(&b, 2, &c->month, false);
        if (r >= 0) r = buf_putc(&b, c->end_of_month ? '~' : '-');
        if (r >= 0) r = put_chain(&b, 2, &c->day, false);
        if (r >= 0) r = buf_putc(&b, ' ');
        if (r >= 0) r = put_chain(&b, 2, &c->hour, false);
        if (r >= 0) r = buf_putc(&b, ':');
        if (r >= 0) r = put_chain(&b, 2, &c->minute, false);
        if (r >= 0) r = buf_putc(&b, ':');
        if (r >= 0) r = put_chain(&b, 2, &c->microsecond, true);
        if (r >= 0) {
                if (c->utc)
                        r = buf_puts(&b, " UTC");
                else if (c->timezone)
                        r = buf_printf(&b, " %s", c->timezone);
                else if (c->dst == 0 || c->dst == 1) {
                        /* the local abbreviation that was named */
                        tzset();
                        if (!isempty(tzname[c->dst])) r = buf_printf(&b, " %s", tzname[c->dst]);
                }
        }
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

int calendar_spec_normalize(const char *s, char **ret) {
        _cleanup_(calendar_spec_freep) CalendarSpec *c = NULL;
        int r = calendar_spec_from_string(s, &c);
        return r < 0 ? r : calendar_spec_to_string(c, ret);
}

/* ---- the next elapse ----
 * A search over broken-down local (or UTC) time, coarse to fine: each field is moved to its
 * earliest matching value at or after the current one; a field without a match carries into the
 * next coarser one. libc's mktime()/timegm() normalise the result after every step, which is what
 * makes DST gaps, "Feb 30" and "~" days come out as systemd's. */

typedef enum Field { F_YEAR, F_MONTH, F_DAY, F_HOUR, F_MINUTE, F_USEC, _F_MAX } Field;

typedef struct Moment {
        struct tm tm;
        int usec;
} Moment;

static int field_get(const Moment *m, Field f) {
        switch (f) {
        case F_YEAR: return m->tm.tm_year + 1900;
        case F_MONTH: return m->tm.tm_mon + 1;
        case F_DAY: return m->tm.tm_mday;
        case F_HOUR: return m->tm.tm_hour;
        case F_MINUTE: return m->tm.tm_min;
        default: return m->tm.tm_sec * (int)USEC_PER_SEC + m->usec;
        }
}

static void field_set(Moment *m, Field f, int v) {
        switch (f) {
        case F_YEAR: m->tm.tm_year = v - 1900; break;
        case F_MONTH: m->tm.tm_mon = v - 1; break;
        case F_DAY: m->tm.tm_mday = v; break;
        case F_HOUR: m->tm.tm_hour = v; break;
        case F_MINUTE: m->tm.tm_min = v; break;
        default: m->tm.tm_sec = v / (int)USEC_PER_SEC, m->usec = v % (int)USEC_PER_SEC; break;
        }
}

/* Every field finer than f to its first value. */
static void reset_below(Moment *m, Field f) {
        if (f < F_YEAR + 1) m->tm.tm_mon = 0;
        if (f < F_MONTH + 1) m->tm.tm_mday = 1;
        if (f < F_DAY + 1) m->tm.tm_hour = 0;
        if (f < F_HOUR + 1) m->tm.tm_min = 0;
        if (f < F_MINUTE + 1) m->tm.tm_sec = 0, m->usec = 0;
}

/* One step of f, then everything finer reset. */
static void carry(Moment *m, Field f) {
        field_set(m, f, field_get(m, f) + 1);
        reset_below(m, f);
}

/* Day `back` counted from the end of tm's month (0 = last day), or -1 if outside the month. */
static int day_from_end(const struct tm *tm, bool utc, int back) {
        struct tm t = *tm;
        t.tm_mon++;
        t.tm_mday = 1 - back;
        if (mktime_or_timegm(&t, utc) < 0 || t.tm_mon != tm->tm_mon) return -1;
        return t.tm_mday;
}

/* The earliest value of the chain >= *v: 1 if *v changed, 0 if it already matched or the chain
 * is "*", -ENOENT if nothing is left. */
static int chain_next(const CalendarSpec *spec, Field f, const CalendarChain *c, const struct tm *tm, int *v) {
        bool from_end = f == F_DAY && spec->end_of_month;
        int best = -1;
        bool found = false;
        if (c->n == 0) return 0;
        for (size_t i = 0; i < c->n; i++) {
                int start = c->c[i].start, stop = c->c[i].stop, k;
                if (from_end) {
                        /* "~a..b" runs from the b-th last to the a-th last day */
                        int s = day_from_end(tm, spec->utc, start), e = day_from_end(tm, spec->utc, stop);
                        start = e > 0 ? e : s;
                        stop = e > 0 ? s : e;
                }
                if (start >= *v)
                        k = start;
                else if (c->c[i].repeat > 0) {
                        int rep = c->c[i].repeat;
                        k = start + rep * ((*v - start + rep - 1) / rep);
                        if (stop >= 0 && k > stop) continue;
                } else
                        continue;
                if (!found || k < best) best = k, found = true;
        }
        if (!found) return -ENOENT;
        bool changed = *v != best;
        *v = best;
        return changed;
}

/* Let libc normalise m ("Feb 30" → "Mar 2", a DST gap): 1 if nothing moved, 0 if it moved
 * forward (then m is the normalised moment with the field after the first changed one reset),
 * -EDEADLK if it moved backward, -ERANGE past MAX_YEAR. */
static int normalized(Moment *m, bool utc) {
        if (m->tm.tm_year + 1900 > MAX_YEAR) return -ERANGE;
        struct tm t = m->tm;
        errno = 0;
        if (mktime_or_timegm(&t, utc) < 0) return errno > 0 ? -errno : -EINVAL;
        int was[] = { m->tm.tm_year, m->tm.tm_mon, m->tm.tm_mday, m->tm.tm_hour, m->tm.tm_min, m->tm.tm_sec };
        int now[] = { t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec };
        int *next[] = { &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec };
        static const int first[] = { 0, 1, 0, 0, 0 };
        for (size_t i = 0; i < ELEMENTSOF(was); i++) {
                if (was[i] == now[i]) continue;
                if (now[i] < was[i]) return -EDEADLK;
                if (i < ELEMENTSOF(next)) *next[i] = first[i];
                m->tm = t;
                return 0;
        }
        return 1;
}

static bool weekday_matches(int bits, const struct tm *tm, bool utc) {
        if (bits < 0 || bits >= ALL_WEEKDAYS) return true;
        struct tm t = *tm;
        if (mktime_or_timegm(&t, utc) < 0) return false;
        return bits & (1 << (t.tm_wday == 0 ? 6 : t.tm_wday - 1));
}

/* systemd's safety valve against a search that does not converge */
#define MAX_STEPS 1000

static int find_next(const CalendarSpec *spec, Moment *m) {
        const CalendarChain *chains[_F_MAX] = { &spec->year, &spec->month, &spec->day, &spec->hour, &spec->minute, &spec->microsecond };
        for (unsigned step = 0; step < MAX_STEPS; step++) {
                (void)mktime_or_timegm(&m->tm, spec->utc);
                m->tm.tm_isdst = spec->dst;
                Field f;
                for (f = F_YEAR; f < _F_MAX; f++) {
                        if (f == F_HOUR && !weekday_matches(spec->weekdays_bits, &m->tm, spec->utc)) {
                                carry(m, F_DAY);
                                break;
                        }
                        int v = field_get(m, f);
                        int r = chain_next(spec, f, chains[f], &m->tm, &v);
                        if (r >= 0) field_set(m, f, v);
                        if (r > 0) reset_below(m, f);
                        if (f == F_YEAR) {
                                if (r < 0) return r;
                                if (normalized(m, spec->utc) <= 0) return -ENOENT;
                                continue;
                        }
                        if (r >= 0) r = normalized(m, spec->utc);
                        if (r < 0) carry(m, f - 1);
                        if (r <= 0) break;   /* start over from the (possibly) new moment */
                }
                if (f == _F_MAX) return 0;
        }
        return -EDEADLK;
}

static int next_here(const CalendarSpec *spec, usec_t after, usec_t *ret) {
        if (after > USEC_TIMESTAMP_FORMATTABLE_MAX) return -EINVAL;
        after++;
        time_t t = (time_t)(after / USEC_PER_SEC);
        Moment m = { .usec = (int)(after % USEC_PER_SEC) };
        if (!localtime_or_gmtime_r(&t, &m.tm, spec->utc)) return -EINVAL;
        int r = find_next(spec, &m);
        if (r == -EDEADLK) {
                _cleanup_free_ char *s = NULL;
                (void)calendar_spec_to_string(spec, &s);
                return log_warning_errno(r, "Infinite loop in calendar calculation: %s", strna(s));
        }
        if (r < 0) return r;
        t = mktime_or_timegm(&m.tm, spec->utc);
        if (t < 0) return -EINVAL;
        *ret = (usec_t)t * USEC_PER_SEC + (usec_t)m.usec;
        return 0;
}

typedef struct NextArgs { const CalendarSpec *spec; usec_t after; } NextArgs;

static int next_in_child(void *userdata, usec_t *ret) {
        const NextArgs *a = userdata;
        return next_here(a->spec, a->after, ret);
}

int calendar_spec_next(const CalendarSpec *spec, usec_t after, usec_t *ret) {
        usec_t v = 0;
        int r;
        if (isempty(spec->timezone))
                r = next_here(spec, after, &v);
        else
                r = run_in_timezone(spec->timezone, next_in_child, &(NextArgs){ .spec = spec, .after = after }, &v);
        if (r >= 0 && ret) *ret = v;
        return r;
}
