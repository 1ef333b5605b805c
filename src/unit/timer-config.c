/* SPDX-License-Identifier: MIT */
/* Timer units: defaults and the checks systemd 252 makes when it loads one. */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/unit.h"

static const char *const timer_base_table[_TIMER_BASE_MAX] = {
        [TIMER_ACTIVE] = "OnActiveSec", [TIMER_BOOT] = "OnBootSec", [TIMER_STARTUP] = "OnStartupSec",
        [TIMER_UNIT_ACTIVE] = "OnUnitActiveSec", [TIMER_UNIT_INACTIVE] = "OnUnitInactiveSec",
        [TIMER_CALENDAR] = "OnCalendar",
};
const char *timer_base_to_string(TimerBase b) {
        return (int)b >= 0 && b < _TIMER_BASE_MAX ? timer_base_table[b] : NULL;
}

const char *timer_base_to_usec_string(TimerBase b) {
        static const char *const usec[_TIMER_BASE_MAX] = {
                [TIMER_ACTIVE] = "OnActiveUSec", [TIMER_BOOT] = "OnBootUSec", [TIMER_STARTUP] = "OnStartupUSec",
                [TIMER_UNIT_ACTIVE] = "OnUnitActiveUSec", [TIMER_UNIT_INACTIVE] = "OnUnitInactiveUSec",
                [TIMER_CALENDAR] = "OnCalendar",
        };
        return (int)b >= 0 && b < _TIMER_BASE_MAX ? usec[b] : NULL;
}

TimerConfig *timer_config_new(void) {
        TimerConfig *c = calloc(1, sizeof *c);
        if (!c) return NULL;
        /* systemd 252's timer_init() */
        c->accuracy_usec = USEC_PER_MINUTE;   /* DefaultTimerAccuracySec */
        c->remain_after_elapse = true;
        return c;
}

void timer_config_free(TimerConfig *c) {
        if (!c) return;
        free(c->monotonic);
        strv_free(c->on_calendar);
        free(c->unit);
        free(c);
}

void timer_apply_defaults(Unit *u) {
        TimerConfig *c = u->timer;
        if (!c || c->unit) return;
        char *s = NULL;
        if (unit_name_change_suffix(u->id, ".service", &s) >= 0) c->unit = s;
}

int timer_verify(Unit *u) {
        const TimerConfig *c = u->timer;
        if (!c) return 0;
        if (c->n_monotonic == 0 && !c->on_calendar && !c->on_clock_change && !c->on_timezone_change) {
                log_error("%s: Timer unit lacks value setting. Refusing.", u->id);
                return -ENOEXEC;
        }
        return 0;
}

int unit_resolve_template(const Unit *u, const char *name, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_TEMPLATE)) return (*ret = strdup(name)) ? 0 : -ENOMEM;
        if (u->instance) return unit_name_replace_instance(name, u->instance, ret);
        _cleanup_free_ char *prefix = NULL;
        int r = unit_name_to_prefix(u->id, &prefix);
        if (r < 0) return r;
        return unit_name_replace_instance(name, prefix, ret);
}

/* ---- OnCalendar= normalisation (systemd.time(7)), for showing expressions as systemd does. ----
 * A chain is a list of items "start[..stop][/repeat]" or "*"; systemd prints it sorted,
 * deduplicated, zero-padded, with a range's end moved onto its last repetition. */
typedef struct CalItem { int start, stop, repeat; } CalItem;   /* stop/repeat -1: none */
typedef struct CalChain { CalItem item[16]; size_t n; bool any; } CalChain;

static int cal_number(const char **p, int *ret) {
        char *e;
        if (!isdigit((unsigned char)**p)) return -EINVAL;
        long v = strtol(*p, &e, 10);
        if (v > 9999) return -ERANGE;
        *p = e;
        *ret = (int)v;
        return 0;
}

static int cal_item_cmp(const void *a, const void *b) {
        const CalItem *x = a, *y = b;
        if (x->start != y->start) return x->start < y->start ? -1 : 1;
        if (x->stop != y->stop) return x->stop < y->stop ? -1 : 1;
        return x->repeat < y->repeat ? -1 : x->repeat > y->repeat;
}

/* Parse one component ("*", "6,18", "07..23", "00/10") within [min,max]. */
static int cal_chain_full(const char *s, int min, int max, bool seconds, CalChain *c) {
        *c = (CalChain){0};
        if (streq(s, "*")) return c->any = true, 0;
        for (const char *p = s;;) {
                CalItem it = { .stop = -1, .repeat = -1 };
                if (c->n >= ELEMENTSOF(c->item) || cal_number(&p, &it.start) < 0) return -EINVAL;
                if (startswith(p, "..")) {
                        p += 2;
                        if (cal_number(&p, &it.stop) < 0 || it.stop < it.start) return -EINVAL;
                }
                if (*p == '/') {
                        p++;
                        if (cal_number(&p, &it.repeat) < 0 || it.repeat <= 0) return -EINVAL;
                        if (it.stop >= 0) it.stop = it.start + (it.stop - it.start) / it.repeat * it.repeat;
                        if (it.stop == it.start) return -EINVAL;   /* not sure how systemd prints it */
                } else if (it.stop == it.start) {
                        if (seconds) return -EINVAL;   /* systemd refuses "7..7" there */
                        it.stop = -1;                  /* elsewhere "7..7" is just 7 */
                }
                if (it.start < min || it.start > max || it.stop > max) return -ERANGE;
                c->item[c->n++] = it;
                if (*p == 0) break;
                if (*p++ != ',') return -EINVAL;
        }
        qsort(c->item, c->n, sizeof c->item[0], cal_item_cmp);
        size_t w = 0;
        for (size_t i = 0; i < c->n; i++)
                if (w == 0 || cal_item_cmp(&c->item[w - 1], &c->item[i]) != 0) c->item[w++] = c->item[i];
        c->n = w;
        return 0;
}

static int cal_chain(const char *s, int min, int max, CalChain *c) {
        return cal_chain_full(s, min, max, false, c);
}

static int cal_put_chain(Buf *b, const CalChain *c, int width) {
        if (c->any) return buf_putc(b, '*');
        int r = 0;
        for (size_t i = 0; r >= 0 && i < c->n; i++) {
                const CalItem *it = &c->item[i];
                r = buf_printf(b, "%s%0*d", i ? "," : "", width, it->start);
                if (r >= 0 && it->stop >= 0) r = buf_printf(b, "..%0*d", width, it->stop);
                if (r >= 0 && it->repeat >= 0) r = buf_printf(b, "/%d", it->repeat);
        }
        return r;
}

static int cal_weekday(const char **p) {
        static const char *const days[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
        for (int d = 0; d < 7; d++) {
                size_t full = strlen(days[d]);
                if (strncasecmp(*p, days[d], full) == 0) return *p += full, d;
                if (strncasecmp(*p, days[d], 3) == 0) return *p += 3, d;
        }
        return -EINVAL;
}

/* "Mon,Wed..Fri" (also "Mon-Wed") → bit mask. */
static int cal_weekdays(const char *s, unsigned *bits) {
        for (const char *p = s;;) {
                int a = cal_weekday(&p), z;
                if (a < 0) return a;
                z = a;
                if (startswith(p, "..") || *p == '-') {
                        p += *p == '-' ? 1 : 2;
                        if ((z = cal_weekday(&p)) < 0 || z < a) return -EINVAL;
                }
                for (int d = a; d <= z; d++) *bits |= 1u << d;
                if (*p == 0) return 0;
                if (*p++ != ',') return -EINVAL;
        }
}

static int cal_put_weekdays(Buf *b, unsigned bits) {
        static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
        int r = 0, l = -1, x;
        bool comma = false;
        for (x = 0; x <= 7 && r >= 0; x++) {
                if (x < 7 && (bits & (1u << x))) {
                        if (l < 0) {
                                r = buf_printf(b, "%s%s", comma ? "," : "", days[x]);
                                comma = true;
                                l = x;
                        }
                } else if (l >= 0) {
                        if (x > l + 1) r = buf_printf(b, "%s%s", x > l + 2 ? ".." : ",", days[x - 1]);
                        l = -1;
                }
        }
        return r < 0 ? r : buf_putc(b, ' ');
}

/* "Y-M-D" or "M-D" */
static int cal_date(const char *s, CalChain d[3]) {
        _cleanup_strv_free_ char **parts = NULL;
        int r = strv_split_full(&parts, s, "-", EXTRACT_DONT_COALESCE_SEPARATORS);
        if (r < 0) return r;
        size_t n = strv_length(parts), off = n == 2;
        if (n != 2 && n != 3) return -EINVAL;
        if (n == 2) d[0] = (CalChain){ .any = true };
        static const int lim[3][2] = { { 1970, 2199 }, { 1, 12 }, { 1, 31 } };
        for (size_t i = 0; i < n; i++)
                if ((r = cal_chain(parts[i], lim[i + off][0], lim[i + off][1], &d[i + off])) < 0) {
                        /* two-digit years count from 1970 */
                        if (i + off != 0 || cal_chain(parts[i], 0, 99, &d[0]) < 0 || d[0].any) return r;
                        for (size_t k = 0; k < d[0].n; k++) {
                                CalItem *it = &d[0].item[k];
                                int add = it->start < 70 ? 2000 : 1900;
                                it->start += add;
                                if (it->stop >= 0) it->stop += add;
                        }
                }
        return 0;
}

/* "H:M[:S[.frac]]" */
static int cal_time(const char *s, CalChain t[3], int *usec) {
        _cleanup_strv_free_ char **parts = NULL;
        int r = strv_split_full(&parts, s, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
        if (r < 0) return r;
        size_t n = strv_length(parts);
        if (n != 2 && n != 3) return -EINVAL;
        static const int max[3] = { 23, 59, 59 };
        *usec = -1;
        if (n == 3) {
                char *dot = strstr(parts[2], "..") ? NULL : strchr(parts[2], '.');   /* a fraction, not a range */
                if (dot) {
                        size_t digits = strlen(dot + 1);
                        if (digits == 0 || digits > 6 || strspn(dot + 1, DIGITS) != digits) return -EINVAL;
                        *usec = atoi(dot + 1);
                        for (size_t k = digits; k < 6; k++) *usec *= 10;
                        *dot = 0;
                }
        } else
                t[2] = (CalChain){ .n = 1, .item = { { 0, -1, -1 } } };
        for (size_t i = 0; i < n; i++)
                if ((r = cal_chain_full(parts[i], 0, max[i], i == 2, &t[i])) < 0) return r;
        if (*usec >= 0 && (t[2].any || t[2].n != 1 || t[2].item[0].stop >= 0)) return -EINVAL;
        return 0;
}

/* A time zone systemd would accept: a file of the tz database. */
static bool timezone_exists(const char *tz) {
        char path[256];
        if (tz[0] == '.' || tz[0] == '/' || strstr(tz, "/.") ||
            (size_t)snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz) >= sizeof path)
                return false;
        return access(path, F_OK) == 0;
}

static int cal_normalize_words(const char *s, char **ret) {
        static const char *const words[][2] = {
                { "minutely", "*-*-* *:*:00" }, { "hourly", "*-*-* *:00:00" }, { "daily", "*-*-* 00:00:00" },
                { "monthly", "*-*-01 00:00:00" }, { "weekly", "Mon *-*-* 00:00:00" },
                { "yearly", "*-01-01 00:00:00" }, { "annually", "*-01-01 00:00:00" },
                { "quarterly", "*-01,04,07,10-01 00:00:00" }, { "semiannually", "*-01,07-01 00:00:00" },
        };
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (streq(s, words[i][0])) return (*ret = strdup(words[i][1])) ? 1 : -ENOMEM;
        return 0;
}

int calendar_spec_normalize(const char *s, char **ret) {
        _cleanup_strv_free_ char **w = NULL;
        CalChain date[3] = { { .any = true }, { .any = true }, { .any = true } };
        CalChain tm[3];   /* 00:00:00 unless given */
        for (int k = 0; k < 3; k++) tm[k] = (CalChain){ .n = 1, .item = { { 0, -1, -1 } } };
        unsigned bits = 0;
        int usec = -1, r = cal_normalize_words(s, ret);
        if (r != 0) return r < 0 ? r : 0;
        if ((r = strv_split_full(&w, s, NULL, 0)) < 0) return r;
        size_t i = 0, n = strv_length(w);
        const char *tz = NULL;
        if (i < n && isalpha((unsigned char)w[i][0]) && (r = cal_weekdays(w[i++], &bits)) < 0) return r;
        if (i < n && !strchr(w[i], ':') && strchr(w[i] + 1, '-') && (r = cal_date(w[i++], date)) < 0) return r;
        if (i < n && strchr(w[i], ':') && (r = cal_time(w[i++], tm, &usec)) < 0) return r;
        if (i < n) {
                tz = w[i++];
                if (strcasecmp(tz, "UTC") == 0) tz = "UTC";
                else if (!timezone_exists(tz)) return -EINVAL;
        }
        if (i != n || n == 0) return -EINVAL;
        Buf b = {0};
        r = 0;
        if (bits != 0 && bits != 0x7f) r = cal_put_weekdays(&b, bits);
        for (int k = 0; r >= 0 && k < 3; k++)
                if ((r = cal_put_chain(&b, &date[k], k == 0 ? 4 : 2)) >= 0 && k < 2) r = buf_putc(&b, '-');
        if (r >= 0) r = buf_putc(&b, ' ');
        for (int k = 0; r >= 0 && k < 3; k++)
                if ((r = cal_put_chain(&b, &tm[k], 2)) >= 0 && k < 2) r = buf_putc(&b, ':');
        if (r >= 0 && usec >= 0) r = buf_printf(&b, ".%06d", usec);
        if (r >= 0 && tz) r = buf_printf(&b, " %s", tz);
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b);
        return 0;
}
