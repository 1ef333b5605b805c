/* SPDX-License-Identifier: MIT */
/* `tinysd calendar [--iterations=N] [--base-time=TIMESTAMP] EXPR...`: what `systemd-analyze
 * calendar` (systemd 252) prints, line for line, on the same streams and with the same exit code.
 * A two-column table: labels right-aligned to the widest one, one space, the value. */
#include <stdio.h>
#include <string.h>
#include "base/time-util.h"
#include "base/util.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "unit/calendar.h"


typedef struct Row {
        char label[32];
        char *value;
} Row;

typedef struct Table {
        Row *rows;
        size_t n;
} Table;

static void table_done(Table *t) {
        for (size_t i = 0; i < t->n; i++) free(t->rows[i].value);
        free(t->rows);
        *t = (Table){0};
}

static int table_add(Table *t, const char *label, const char *value) {
        Row *r = realloc(t->rows, (t->n + 1) * sizeof *r);
        if (!r) return -ENOMEM;
        t->rows = r;
        r = &t->rows[t->n];
        snprintf(r->label, sizeof r->label, "%s", label);
        if (!(r->value = strdup(value ? value : "n/a"))) return -ENOMEM;
        t->n++;
        return 0;
}

static void table_print(const Table *t) {
        int w = 0;
        for (size_t i = 0; i < t->n; i++)
                if ((int)strlen(t->rows[i].label) > w) w = (int)strlen(t->rows[i].label);
        for (size_t i = 0; i < t->n; i++) printf("%*s %s\n", w, t->rows[i].label, t->rows[i].value);
}

/* glibc's texts for the errors the calendar code returns, so a musl build prints the same */
static const char *error_text(int r) {
        switch (-r) {
        case EINVAL: return "Invalid argument";
        case ERANGE: return "Numerical result out of range";
        case ENOBUFS: return "No buffer space available";
        case ENOMEM: return "Cannot allocate memory";
        case EDEADLK: return "Resource deadlock avoided";
        default: return strerror(-r);
        }
}

/* systemd-analyze's hint after an expression that is not a calendar event */
static void parsing_hint(const char *p) {
        if (parse_timestamp(p, NULL) >= 0)
                fprintf(stderr, "Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp \"%s\"' instead?\n", p);
        if (parse_time(p, NULL, USEC_PER_SEC) >= 0)
                fprintf(stderr, "Hint: this expression is a valid timespan. Use 'systemd-analyze timespan \"%s\"' instead?\n", p);
}

static int iterations_add(Table *t, const CalendarSpec *spec, const char *p, usec_t n, unsigned iterations) {
        char buf[FORMAT_TIMESTAMP_RELATIVE_MAX];
        bool utc = in_utc_timezone();
        int r;
        for (unsigned i = 0; i < iterations; i++) {
                usec_t next;
                r = calendar_spec_next(spec, n, &next);
                if (r == -ENOENT) return i == 0 ? table_add(t, "Next elapse:", "never") : 0;
                if (r < 0) {
                        fprintf(stderr, "Failed to determine next elapse for '%s': %s\n", p, error_text(r));
                        return r;
                }
                char label[32];
                if (i == 0)
                        snprintf(label, sizeof label, "Next elapse:");
                else
                        snprintf(label, sizeof label, "Iter. #%u:", i + 1);
                if ((r = table_add(t, label, format_timestamp(buf, sizeof buf, next))) < 0) return r;
                if (!utc && (r = table_add(t, "(in UTC):", format_timestamp_style(buf, sizeof buf, next, TIMESTAMP_UTC))) < 0)
                        return r;
                if ((r = table_add(t, "From now:", format_timestamp_relative(buf, sizeof buf, next))) < 0) return r;
                n = next;
        }
        return 0;
}

static int calendar_one(const char *p, usec_t n, unsigned iterations) {
        _cleanup_(calendar_spec_freep) CalendarSpec *spec = NULL;
        _cleanup_free_ char *norm = NULL;
        Table t = {0};
        int r = calendar_spec_from_string(p, &spec);
        if (r < 0) {
                fprintf(stderr, "Failed to parse calendar specification '%s': %s\n", p, error_text(r));
                parsing_hint(p);
                return r;
        }
        if ((r = calendar_spec_to_string(spec, &norm)) < 0) {
                fprintf(stderr, "Failed to format calendar specification '%s': %s\n", p, error_text(r));
                return r;
        }
        if (!streq(norm, p)) r = table_add(&t, "Original form:", p);
        if (r >= 0) r = table_add(&t, "Normalized form:", norm);
        if (r >= 0) r = iterations_add(&t, spec, p, n, iterations);
        if (r >= 0) {
                /* flushed per table, like systemd's, so stdout and stderr interleave the same way */
                table_print(&t);
                fflush(stdout);
        }
        else if (r == -ENOMEM) fputs("Out of memory.\n", stderr);
        table_done(&t);
        return r;
}

int verb_calendar(int argc, char **argv) {
        _cleanup_free_ const char **exprs = calloc((size_t)argc + 1, sizeof *exprs);
        unsigned iterations = 1;
        usec_t base = USEC_INFINITY;
        size_t n = 0;
        bool dashdash = false;
        if (!exprs) return 1;
        for (int i = 1; i < argc; i++) {
                const char *v;
                if (dashdash || argv[i][0] != '-' || streq(argv[i], "-")) {
                        exprs[n++] = argv[i];
                } else if (streq(argv[i], "--")) {
                        dashdash = true;
                } else if (arg_value(argc, argv, &i, "--iterations", NULL, &v)) {
                        if (safe_atou(v, &iterations) < 0) {
                                fprintf(stderr, "Failed to parse iterations: %s\n", v);
                                return 1;
                        }
                } else if (arg_value(argc, argv, &i, "--base-time", NULL, &v)) {
                        if (parse_timestamp(v, &base) < 0) {
                                fprintf(stderr, "Failed to parse --base-time= parameter: %s\n", v);
                                return 1;
                        }
                } else {
                        fprintf(stderr, "tinysd calendar: unrecognized option '%s'\n", argv[i]);
                        return 1;
                }
        }
        if (n == 0) {
                fputs("Too few arguments.\n", stderr);
                return 1;
        }
        /* one base for every expression */
        if (base == USEC_INFINITY) base = now_realtime();
        int ret = 0;
        for (size_t i = 0; i < n; i++) {
                int r = calendar_one(exprs[i], base, iterations);
                if (ret == 0 && r < 0) ret = r;
                if (i + 1 < n) putchar('\n');
        }
        return ret < 0 ? 1 : 0;
}
