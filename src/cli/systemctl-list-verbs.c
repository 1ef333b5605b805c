/* SPDX-License-Identifier: MIT */
/* The list verbs' bus side: ListUnitsByPatterns, ListUnitFilesByPatterns, ListJobs, per-unit
 * properties for sockets, timers and dependencies. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/strv.h"
#include "base/time-util.h"
#include "cli/systemctl-list.h"
#include "cli/systemctl-print.h"
#include "cli/systemctl-status.h"
#include "cli/systemctl-table.h"

static CtlListOptions list_options(const CtlArgs *a, char **patterns) {
        return (CtlListOptions) {
                .patterns = patterns, .types = a->types, .states = a->states, .all = a->all,
                .plain = a->plain, .legend = !a->no_legend, .utf8 = ctl_locale_is_utf8(),
                .columns = a->full ? 0 : ctl_columns(), .colors = ctl_colors_enabled(),
        };
}

/* ListUnitsByPatterns(states, patterns) → the reply (owning the strings) and the parsed array. */
static int list_units(Ctl *c, char **states, char **patterns, BusMessage **ret_reply, CtlUnitInfo **ret, size_t *ret_n) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        CtlUnitInfo *u = NULL, x;
        size_t n = 0;
        int r;

        r = ctl_new_call(&m, SD_PATH, SD_MANAGER, "ListUnitsByPatterns");
        if (r < 0 || bus_message_append_strv(m, states) < 0 || bus_message_append_strv(m, patterns) < 0)
                return -ENOMEM;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to list units");
                return r;
        }
        if (bus_message_enter_container(reply, 'a', "(ssssssouso)") <= 0)
                return -EBADMSG;
        while ((r = ctl_read(reply, "(ssssssouso)", &x.id, &x.description, &x.load_state, &x.active_state,
                                     &x.sub_state, &x.following, &x.unit_path, &x.job_id, &x.job_type, &x.job_path)) > 0) {
                CtlUnitInfo *q = reallocarray(u, n + 1, sizeof *q);
                if (!q) {
                        free(u);
                        return -ENOMEM;
                }
                u = q;
                u[n++] = x;
        }
        *ret_reply = TAKE_PTR(reply);
        *ret = u;
        *ret_n = n;
        return 0;
}

int ctl_get_unit_list(Ctl *c, char **patterns, BusMessage **ret_reply, CtlUnitInfo **ret, size_t *ret_n) {
        CtlListOptions o = list_options(c->args, patterns);
        size_t n = 0, k = 0;
        int r;

        r = list_units(c, c->args->states, patterns, ret_reply, ret, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (ctl_list_show_unit(&(*ret)[i], &o))
                        (*ret)[k++] = (*ret)[i];
        ctl_sort_units(*ret, k);
        *ret_n = k;
        return 0;
}

int verb_ctl_list_units(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_free_ CtlUnitInfo *u = NULL;
        char **patterns = argc > 1 ? argv + 1 : NULL;
        CtlListOptions o = list_options(c->args, patterns);
        size_t n = 0, k = 0;

        if (ctl_bus(c) < 0 || list_units(c, c->args->states, patterns, &reply, &u, &n) < 0)
                return 1;
        for (size_t i = 0; i < n; i++)
                if (ctl_list_show_unit(&u[i], &o))
                        u[k++] = u[i];
        ctl_sort_units(u, k);
        ctl_print_units(stdout, u, k, &o);
        return 0;
}

int verb_ctl_list_unit_files(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        _cleanup_free_ CtlUnitFile *u = NULL;
        char **patterns = argc > 1 ? argv + 1 : NULL;
        const char *path, *state;
        size_t n = 0;
        int r;

        if (ctl_bus(c) < 0)
                return 1;
        r = ctl_new_call(&m, SD_PATH, SD_MANAGER, "ListUnitFilesByPatterns");
        if (r < 0 || bus_message_append_strv(m, c->args->states) < 0 || bus_message_append_strv(m, patterns) < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to list unit files");
        if (bus_message_enter_container(reply, 'a', "(ss)") <= 0)
                return 1;
        while ((r = ctl_read(reply, "(ss)", &path, &state)) > 0) {
                const char *dot = strrchr(path, '.');
                CtlUnitFile *q;
                if (c->args->types && (!dot || !strv_contains(c->args->types, dot + 1)))
                        continue;
                q = reallocarray(u, n + 1, sizeof *q);
                if (!q)
                        return 1;
                u = q;
                u[n++] = (CtlUnitFile) { .path = path, .state = state };
        }
        ctl_sort_unit_files(u, n);
        for (size_t i = 0; i < n; i++)
                if (ctl_show_preset_for_state(u[i].state)) {
                        const char *b = strrchr(u[i].path, '/');
                        r = ctl_preset_query(NULL, b ? b + 1 : u[i].path);
                        u[i].preset = r < 0 ? "n/a" : r ? "enabled" : "disabled";
                }
        ctl_print_unit_files(stdout, u, n, !c->args->no_legend, c->args->full ? 0 : ctl_columns(),
                             ctl_locale_is_utf8(), ctl_colors_enabled());
        return 0;
}

int verb_ctl_list_jobs(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        static const char *const headers[] = { "job", "unit", "type", "state" };
        const char *unit, *type, *state, *jp, *up;
        char **patterns = argc > 1 ? argv + 1 : NULL;
        bool skipped = false;
        uint32_t id;
        CtlTable t;
        size_t n = 0;
        int r;

        if (ctl_bus(c) < 0)
                return 1;
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "ListJobs") < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to list jobs");
        if (bus_message_enter_container(reply, 'a', "(usssoo)") <= 0 || ctl_table_open(c, &t, 4, headers) < 0)
                return 1;
        while ((r = ctl_read(reply, "(usssoo)", &id, &unit, &type, &state, &jp, &up)) > 0) {
                char ids[16];
                bool match = !patterns;
                STRV_FOREACH(p, patterns)
                        if (fnmatch(*p, unit, FNM_NOESCAPE) == 0)
                                match = true;
                if (!match) {
                        skipped = true;
                        continue;
                }
                const char *on = t.colors && streq(state, "running") ? CTL_ANSI_HIGHLIGHT : NULL;
                snprintf(ids, sizeof ids, "%" PRIu32, id);
                if (ctl_table_add(&t, ids) < 0 || ctl_table_add_full(&t, unit, on, NULL, false) < 0 ||
                    ctl_table_add(&t, type) < 0 || ctl_table_add_full(&t, state, on, NULL, false) < 0)
                        break;
                n++;
        }
        const char *nm = t.colors ? CTL_ANSI_NORMAL : "";
        if (n == 0) {
                if (!c->args->no_legend)
                        printf("%sNo jobs %s.%s\n", t.colors ? CTL_ANSI_GREEN : "", skipped ? "listed" : "running", nm);
        } else {
                ctl_table_print(&t, stdout);
                if (!c->args->no_legend)
                        printf("\n%s%zu jobs listed%s.\n", t.colors ? CTL_ANSI_HIGHLIGHT : "", n, nm);
        }
        ctl_table_done(&t);
        return 0;
}

static void output_legend(const CtlArgs *a, const char *type, size_t n) {
        bool colors = ctl_colors_enabled();
        printf("\n%s%zu %ss listed.%s\n", !colors ? "" : n > 0 ? CTL_ANSI_HIGHLIGHT : CTL_ANSI_RED, n, type,
               colors ? CTL_ANSI_NORMAL : "");
        if (!a->all)
                printf("Pass --all to see loaded but inactive %ss, too.\n", type);
}

/* The units of one type that list-units would show. */
static int units_of_type(Ctl *c, const char *type, char **patterns, BusMessage **reply, CtlUnitInfo **u, size_t *n) {
        char *types[] = { (char *) type, NULL };
        CtlListOptions o = list_options(c->args, patterns);
        size_t k = 0;
        int r;

        o.types = types;
        r = list_units(c, c->args->states, patterns, reply, u, n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < *n; i++)
                if (ctl_list_show_unit(&(*u)[i], &o))
                        (*u)[k++] = (*u)[i];
        *n = k;
        return 0;
}

typedef struct SocketRow { char *listen, *type; const char *id; char *activates; } SocketRow;

static int cmp_socket(const void *a, const void *b) {
        const SocketRow *x = a, *y = b;
        int r = strcmp(x->listen, y->listen);
        return r ? r : strcmp(x->type, y->type);
}

int verb_ctl_list_sockets(Ctl *c, int argc, char **argv) {
        static const char *const headers[] = { "listen", "type", "unit", "activates" };
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_free_ CtlUnitInfo *u = NULL;
        SocketRow *rows = NULL;
        size_t n = 0, nr = 0;
        CtlTable t;

        if (ctl_bus(c) < 0 || units_of_type(c, "socket", argc > 1 ? argv + 1 : NULL, &reply, &u, &n) < 0)
                return 1;
        for (size_t i = 0; i < n; i++) {
                _cleanup_bus_message_ BusMessage *lr = NULL, *tr = NULL;
                _cleanup_strv_free_ char **trig = NULL;
                const char *type, *addr;

                if (ctl_get_property(c, u[i].unit_path, "org.freedesktop.systemd1.Socket", "Listen", "a(ss)", &lr) < 0)
                        continue;
                if (ctl_get_property(c, u[i].unit_path, SD_UNIT, "Triggers", "as", &tr) >= 0)
                        (void) bus_message_read_strv(tr, &trig);
                if (bus_message_enter_container(lr, 'a', "(ss)") <= 0)
                        continue;
                while (ctl_read(lr, "(ss)", &type, &addr) > 0) {
                        SocketRow *q = reallocarray(rows, nr + 1, sizeof *q);
                        if (!q)
                                break;
                        rows = q;
                        rows[nr++] = (SocketRow) { strdup(addr), strdup(type), u[i].id,
                                                   trig && trig[0] ? strv_join(trig, " ") : NULL };
                }
        }
        if (nr > 1)
                qsort(rows, nr, sizeof *rows, cmp_socket);
        if (ctl_table_open(c, &t, 4, headers) >= 0) {
                if (!c->args->show_types)
                        ctl_table_hide(&t, 1);
                for (size_t i = 0; i < nr; i++)
                        if (ctl_table_add(&t, rows[i].listen) < 0 || ctl_table_add(&t, rows[i].type) < 0 ||
                            ctl_table_add(&t, rows[i].id) < 0 ||
                            ctl_table_add_full(&t, rows[i].activates, NULL, NULL, !rows[i].activates) < 0)
                                break;
                ctl_table_print(&t, stdout);
                ctl_table_done(&t);
        }
        if (!c->args->no_legend)
                output_legend(c->args, "socket", nr);
        for (size_t i = 0; i < nr; i++) {
                free(rows[i].listen);
                free(rows[i].type);
                free(rows[i].activates);
        }
        free(rows);
        return 0;
}

typedef struct TimerRow { const char *id; usec_t next, last; char *activates; } TimerRow;

static int cmp_timer(const void *a, const void *b) {
        const TimerRow *x = a, *y = b;
        if (x->next != y->next)
                return x->next < y->next ? -1 : 1;
        return strcmp(x->id, y->id);
}

static int get_u64(Ctl *c, const char *path, const char *iface, const char *name, uint64_t *ret) {
        _cleanup_bus_message_ BusMessage *r = NULL;
        if (ctl_get_property(c, path, iface, name, "t", &r) < 0 || bus_message_read(r, "t", ret) <= 0)
                return -EIO;
        return 0;
}

int verb_ctl_list_timers(Ctl *c, int argc, char **argv) {
        static const char *const headers[] = { "next", "left", "last", "passed", "unit", "activates" };
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_free_ CtlUnitInfo *u = NULL;
        _cleanup_free_ TimerRow *rows = NULL;
        struct timespec ts;
        usec_t now = now_realtime(), mono;
        size_t n = 0, nr = 0;
        CtlTable t;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        mono = (usec_t) ts.tv_sec * 1000000ULL + (usec_t) ts.tv_nsec / 1000ULL;
        if (ctl_bus(c) < 0 || units_of_type(c, "timer", argc > 1 ? argv + 1 : NULL, &reply, &u, &n) < 0)
                return 1;
        rows = calloc(n ? n : 1, sizeof *rows);
        if (!rows)
                return 1;
        for (size_t i = 0; i < n; i++) {
                _cleanup_bus_message_ BusMessage *tr = NULL;
                _cleanup_strv_free_ char **trig = NULL;
                uint64_t real = 0, m = 0, last = 0, next;
                const char *ti = "org.freedesktop.systemd1.Timer";

                (void) get_u64(c, u[i].unit_path, ti, "NextElapseUSecRealtime", &real);
                (void) get_u64(c, u[i].unit_path, ti, "NextElapseUSecMonotonic", &m);
                (void) get_u64(c, u[i].unit_path, ti, "LastTriggerUSec", &last);
                if (ctl_get_property(c, u[i].unit_path, SD_UNIT, "Triggers", "as", &tr) >= 0)
                        (void) bus_message_read_strv(tr, &trig);
                next = real;
                if (timestamp_is_set(m)) {
                        usec_t conv = m > mono ? now + (m - mono) : now - (mono - m);
                        next = timestamp_is_set(real) && real < conv ? real : conv;
                }
                rows[nr++] = (TimerRow) { u[i].id, next, last, strv_join(trig, ", ") };
        }
        if (nr > 1)
                qsort(rows, nr, sizeof *rows, cmp_timer);
        if (ctl_table_open(c, &t, 6, headers) >= 0) {
                for (size_t i = 0; i < nr; i++) {
                        char a[FORMAT_TIMESTAMP_MAX], b[FORMAT_TIMESTAMP_RELATIVE_MAX];
                        char d[FORMAT_TIMESTAMP_MAX], e[FORMAT_TIMESTAMP_RELATIVE_MAX];
                        if (ctl_table_add(&t, format_timestamp(a, sizeof a, rows[i].next)) < 0 ||
                            ctl_table_add(&t, format_timestamp_relative_to(b, sizeof b, rows[i].next, now)) < 0 ||
                            ctl_table_add(&t, format_timestamp(d, sizeof d, rows[i].last)) < 0 ||
                            ctl_table_add(&t, format_timestamp_relative_to(e, sizeof e, rows[i].last, now)) < 0 ||
                            ctl_table_add(&t, rows[i].id) < 0 || ctl_table_add(&t, rows[i].activates ?: "") < 0)
                                break;
                }
                ctl_table_print(&t, stdout);
                ctl_table_done(&t);
        }
        if (!c->args->no_legend)
                output_legend(c->args, "timer", nr);
        for (size_t i = 0; i < nr; i++)
                free(rows[i].activates);
        return 0;
}

static int unit_dependencies(Ctl *c, const char *name, char ***ret) {
        static const char *const forward[] = { "Requires", "Requisite", "Wants", "ConsistsOf", "BindsTo", "Upholds", NULL };
        static const char *const reverse[] = { "RequiredBy", "RequisiteOf", "WantedBy", "PartOf", "BoundBy", "UpheldBy", NULL };
        static const char *const after[] = { "After", NULL }, *const before[] = { "Before", NULL };
        const char *const *props = c->args->reverse ? reverse : c->args->after ? after : c->args->before ? before : forward;
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL;
        char **deps = NULL;
        int r;

        if (ctl_unit_path(name, &path) < 0)
                return -ENOMEM;
        r = ctl_get_all(c, path, SD_UNIT, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to get properties of %s", name);
                return r;
        }
        if (bus_message_enter_container(reply, 'a', "{sv}") <= 0)
                return -EBADMSG;
        while (bus_message_enter_container(reply, '{', "sv") > 0) {
                const char *pn;
                bool want = false;
                if (bus_message_read(reply, "s", &pn) <= 0)
                        return strv_free(deps), -EBADMSG;
                for (size_t i = 0; props[i]; i++)
                        want = want || streq(props[i], pn);
                if (want && bus_message_enter_container(reply, 'v', "as") > 0) {
                        _cleanup_strv_free_ char **l = NULL;
                        if (bus_message_read_strv(reply, &l) >= 0)
                                (void) strv_extend_strv(&deps, l, false);
                        (void) bus_message_exit_container(reply);
                }
                if (bus_message_exit_container(reply) < 0)
                        return strv_free(deps), -EBADMSG;
        }
        strv_uniq(deps);
        *ret = deps;
        return 0;
}

static int deps_one(Ctl *c, const char *name, int level, char ***seen, unsigned branches, size_t columns) {
        _cleanup_strv_free_ char **deps = NULL;
        bool circular = false, utf8 = ctl_locale_is_utf8(), colors = ctl_colors_enabled();
        int r;

        if (strv_extend(seen, name) < 0)
                return -ENOMEM;
        r = unit_dependencies(c, name, &deps);
        if (r < 0)
                return r;
        ctl_sort_dependencies(deps);
        STRV_FOREACH(d, deps) {
                if (strv_contains(*seen, *d)) {
                        circular = true;
                        continue;
                }
                if (c->args->plain)
                        fputs("  ", stdout);
                else {
                        _cleanup_free_ char *path = NULL, *st = NULL;
                        const char *on = "";
                        if (ctl_unit_path(*d, &path) >= 0)
                                (void) ctl_get_string(c, path, SD_UNIT, "ActiveState", &st);
                        if (colors)
                                on = streq_ptr(st, "active") || streq_ptr(st, "reloading") || streq_ptr(st, "activating") ?
                                        "\x1B[0;1;32m" : streq_ptr(st, "inactive") || streq_ptr(st, "deactivating") ?
                                        "\x1B[0m" : "\x1B[0;1;31m";
                        printf("%s%s%s ", on, st ? ctl_glyph(ctl_active_state_glyph(st), utf8) : "(null)",
                               colors ? "\x1B[0m" : "");
                }
                ctl_print_dependency_line(stdout, *d, level, branches, d[1] == NULL && !circular, c->args->plain,
                                          c->args->full, utf8, columns);
                if (c->args->all || endswith(*d, ".target")) {
                        r = deps_one(c, *d, level + 1, seen, (branches << 1) | (d[1] == NULL ? 0 : 1), columns);
                        if (r < 0)
                                return r;
                }
        }
        if (circular && !c->args->plain) {
                fputs("  ", stdout);
                ctl_print_dependency_line(stdout, "...", level, branches, true, false, c->args->full, utf8, columns);
        }
        if (!c->args->plain)
                strv_remove(*seen, name);
        return 0;
}

int verb_ctl_list_dependencies(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **units = NULL, **seen = NULL;
        const char *e = getenv("COLUMNS");
        unsigned columns = ctl_columns();

        if (columns == 0 && (!e || safe_atou(e, &columns) < 0 || columns == 0))
                columns = 80;   /* systemd's columns() without a terminal */
        if (ctl_bus(c) < 0)
                return 1;
        if (argc <= 1) {
                if (strv_extend(&units, "default.target") < 0)
                        return 1;
        } else if (ctl_mangle_names(argv + 1, NULL, false, &units) < 0)
                return 1;
        STRV_FOREACH(u, units) {
                if (u != units)
                        putchar('\n');
                puts(*u);
                if (deps_one(c, *u, 0, &seen, 0, columns) < 0)
                        return 1;
        }
        return 0;
}
