/* SPDX-License-Identifier: MIT */
/* show, status, cat, is-active/is-failed: the bus side. Formatting is in systemctl-print.c and
 * systemctl-status.c; the journal lines of status are read client-side from tinysd's journal. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <time.h>
#include "base/log.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/time-util.h"
#include "cli/systemctl-list.h"
#include "cli/systemctl-print.h"
#include "cli/systemctl-status.h"
#include "cli/systemctl-table.h"
#include "cli/systemctl.h"
#include "journal/journal-output.h"
#include "journal/journal-store.h"

bool ctl_colors_enabled(void) {
        const char *e = getenv("SYSTEMD_COLORS"), *t = getenv("TERM");

        if (e && parse_boolean(e) >= 0)
                return parse_boolean(e) > 0;
        if (getenv("NO_COLOR"))
                return false;
        return isatty(STDOUT_FILENO) && !streq_ptr(t, "dumb");
}

/* 0 when output is not a terminal: systemctl then prints full width. */
unsigned ctl_columns(void) {
        struct winsize ws = {};
        unsigned c;
        const char *e = getenv("COLUMNS");

        if (!isatty(STDOUT_FILENO))
                return 0;
        if (e && safe_atou(e, &c) >= 0 && c > 0)
                return c;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) >= 0 && ws.ws_col > 0)
                return ws.ws_col;
        return 80;
}

int ctl_table_open(const Ctl *c, CtlTable *t, size_t n_cols, const char *const *headers) {
        int r = ctl_table_new(t, n_cols, headers);
        if (r < 0) return r;
        t->header = !c->args->no_legend;
        t->width = c->args->full ? 0 : ctl_columns();
        t->utf8 = ctl_locale_is_utf8();
        t->colors = ctl_colors_enabled();
        return 0;
}

static usec_t now_clock(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return (usec_t) ts.tv_sec * 1000000ULL + (usec_t) ts.tv_nsec / 1000ULL;
}

/* Names for show/status/cat: numbers are jobs (show) or PIDs (status: not supported here). */
static int unit_names(Ctl *c, char **args, char ***ret) {
        return ctl_expand_names(c, args, NULL, ret, NULL);
}

static int show_path(Ctl *c, const char *path, bool *new_line) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        CtlPrintFlags flags = (c->args->all || c->args->properties ? CTL_PRINT_SHOW_EMPTY : 0) |
                              (c->args->value ? CTL_PRINT_ONLY_VALUE : 0);
        int r;

        r = ctl_get_all(c, path, "", &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to get properties");
        if (*new_line)
                putchar('\n');
        *new_line = true;
        r = ctl_print_all_properties(stdout, reply, c->args->properties, flags, NULL);
        if (r < 0) {
                fputs("Failed to parse bus message: Bad message\n", stderr);
                return 1;
        }
        return 0;
}

static int status_one(Ctl *c, const char *path, const char *unit, bool *new_line);

static int show_all(Ctl *c, bool status, bool *new_line) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_free_ CtlUnitInfo *u = NULL;
        size_t n = 0;
        int ret = 0, r;

        if (ctl_get_unit_list(c, NULL, &reply, &u, &n) < 0)
                return 1;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;
                if (ctl_unit_path(u[i].id, &path) < 0)
                        return 1;
                r = status ? status_one(c, path, u[i].id, new_line) : show_path(c, path, new_line);
                if (r != 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

/* The units the patterns name (expanded together, as 252's), shown or their status printed: show
 * stops at the first failure, status goes on and keeps the first (ret: the exit status so far). */
static int show_names(Ctl *c, char **patterns, bool status, bool *new_line, int ret) {
        _cleanup_strv_free_ char **names = NULL;
        if (patterns && unit_names(c, patterns, &names) < 0)
                return 1;
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *path = NULL;
                if (ctl_unit_path(*n, &path) < 0)
                        return 1;
                int r = status ? status_one(c, path, *n, new_line) : show_path(c, path, new_line);
                if (r != 0 && !status)
                        return r;
                if (r != 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

int verb_ctl_show(Ctl *c, int argc, char **argv) {
        bool new_line = false;
        int ret = 0, r;

        if (ctl_bus(c) < 0)
                return 1;
        if (argc <= 1 && !c->args->states && !c->args->types)
                return show_path(c, SD_PATH, &new_line);
        if (argc <= 1)
                return show_all(c, false, &new_line);
        /* as 252: numbers are jobs, shown first; the other arguments are patterns, expanded together */
        _cleanup_strv_free_ char **patterns = NULL;
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *path = NULL;
                unsigned id;
                if (safe_atou(argv[i], &id) < 0) {
                        if (strv_extend(&patterns, argv[i]) < 0)
                                return 1;
                        continue;
                }
                if (!(path = xasprintf(SD_PATH "/job/%u", id)))
                        return 1;
                r = show_path(c, path, &new_line);
                if (r != 0)
                        return r;
        }
        return show_names(c, patterns, false, &new_line, ret);
}

static char *proc_comm(uint32_t pid) {
        char path[64], *s = NULL;
        snprintf(path, sizeof path, "/proc/%" PRIu32 "/comm", pid);
        if (read_file_bounded(AT_FDCWD, path, 256, &s, NULL) < 0)
                return NULL;
        (void) strstrip(s);   /* comm ends in a newline and never starts with a space */
        return s;
}

static void free_procs(CtlProcess *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(p[i].cgroup);
                free(p[i].cmdline);
        }
        free(p);
}

/* GetUnitProcesses(unit); failures are reported naming `label` and otherwise ignored. */
static int get_processes(Ctl *c, const char *unit, const char *label, CtlProcess **ret, size_t *ret_n) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        CtlProcess *p = NULL;
        size_t n = 0;
        const char *cg, *cmd;
        uint32_t pid;
        int r;

        *ret = NULL;
        *ret_n = 0;
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "GetUnitProcesses") < 0 || bus_message_append(m, "s", unit) < 0)
                return -ENOMEM;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to dump process list for '%s', ignoring", label);
                return r;
        }
        if (bus_message_enter_container(reply, 'a', "(sus)") <= 0)
                return -EBADMSG;
        while ((r = ctl_read(reply, "(sus)", &cg, &pid, &cmd)) > 0) {
                CtlProcess *q = reallocarray(p, n + 1, sizeof *q);
                if (!q) {
                        free_procs(p, n);
                        return -ENOMEM;
                }
                p = q;
                p[n] = (CtlProcess) { .cgroup = strdup(cg), .pid = pid, .cmdline = strdup(cmd) };
                n++;
                if (!p[n - 1].cgroup || !p[n - 1].cmdline) {
                        free_procs(p, n);
                        return -ENOMEM;
                }
        }
        *ret = p;
        *ret_n = n;
        return 0;
}

/* The last `lines` journal entries of the unit in this boot since it last left "inactive". */
static void show_journal(const CtlArgs *a, const char *unit, usec_t not_before_mono) {
        _cleanup_(journal_reader_freep) JournalReader *jr = NULL;
        _cleanup_free_ char *boot = NULL;
        _cleanup_strv_free_ char **dirs = NULL;
        JournalFilter filter = {};
        JournalRecord e;
        OutputOptions o = { .mode = OUTPUT_SHORT, .all = a->all };
        char mid[33];
        size_t n = 0;
        int r;

        if (a->lines == 0)
                return;
        if (a->output) {
                OutputMode mo = output_mode_from_string(a->output);
                if (mo >= 0)
                        o.mode = mo;
        }
        if (journal_store_machine_id(mid) < 0)
                return;
        if (strv_push(&dirs, strjoin(JOURNAL_STORE_RUN_ROOT "/", mid)) < 0 ||
            strv_push(&dirs, strjoin(JOURNAL_STORE_VAR_ROOT "/", mid)) < 0 || !dirs[0] || !dirs[1])
                return;
        if (journal_reader_open(dirs, NULL, &jr) < 0 || journal_reader_n_files(jr) == 0)
                return;
        if (strv_extend(&filter.units, unit) < 0)
                return;
        if (read_file_bounded(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 64, &boot, NULL) >= 0 &&
            id128_from_string(strstrip(boot), filter.boot_id) >= 0)
                filter.boot_set = true;
        journal_reader_set_filter(jr, &filter);
        journal_reader_seek_tail(jr);
        while (n < a->lines && (r = journal_reader_previous(jr, &e)) > 0) {
                if (not_before_mono > 0 && e.monotonic < not_before_mono)
                        break;
                n++;
        }
        if (n > 0) {
                /* previous() leaves the reader on the oldest wanted entry: read forward from it */
                journal_reader_seek_tail(jr);
                for (size_t k = 0; k < n; k++)
                        if (journal_reader_previous(jr, &e) <= 0)
                                break;
                uint64_t last_seq = e.seqnum, last_rt = e.realtime;

                putchar('\n');
                (void) output_entry(stdout, &e, &o);
                /* next() may first return the entry previous() just returned: skip it then */
                for (size_t k = 1; k < n && journal_reader_next(jr, &e) > 0;) {
                        if (e.seqnum == last_seq && e.realtime == last_rt)
                                continue;
                        last_seq = e.seqnum;
                        last_rt = e.realtime;
                        (void) output_entry(stdout, &e, &o);
                        k++;
                }
        }
        journal_filter_done(&filter);
}

static int status_one(Ctl *c, const char *path, const char *unit, bool *new_line) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        CtlUnitStatus s;
        CtlProcess *procs = NULL;
        size_t n_procs = 0;
        int r, code;

        r = ctl_get_all(c, path, "", &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to get properties");
        ctl_unit_status_init(&s);
        r = ctl_unit_status_parse(&s, reply);
        if (r < 0) {
                ctl_unit_status_done(&s);
                fputs("Failed to parse bus message: Bad message\n", stderr);
                return 1;
        }
        if (unit && streq_ptr(s.load_state, "not-found") && streq_ptr(s.active_state, "inactive")) {
                fprintf(stderr, "Unit %s could not be found.\n", unit);
                ctl_unit_status_done(&s);
                return 4;
        }
        if (*new_line)
                putchar('\n');
        *new_line = true;

        size_t nb = strv_length(s.triggered_by), nt = strv_length(s.triggers);
        _cleanup_strv_free_ char **by_states = calloc(nb + 1, sizeof(char *));
        _cleanup_strv_free_ char **t_states = calloc(nt + 1, sizeof(char *));
        for (size_t i = 0; by_states && i < nb; i++) {
                _cleanup_free_ char *p = NULL;
                if (ctl_unit_path(s.triggered_by[i], &p) >= 0)
                        (void) ctl_get_string(c, p, SD_UNIT, "ActiveState", &by_states[i]);
        }
        for (size_t i = 0; t_states && i < nt; i++) {
                _cleanup_free_ char *p = NULL;
                if (ctl_unit_path(s.triggers[i], &p) >= 0)
                        (void) ctl_get_string(c, p, SD_UNIT, "ActiveState", &t_states[i]);
        }
        if (s.control_group)
                (void) get_processes(c, s.id ?: unit, s.id ?: unit, &procs, &n_procs);
        /* strv_free stops at the first NULL: states that could not be read are left NULL, so free by index */
        struct utsname un = {};
        (void) uname(&un);
        CtlStatusEnv env = {
                .now = now_realtime(), .now_monotonic = now_clock(CLOCK_MONOTONIC),
                .colors = ctl_colors_enabled(), .utf8 = ctl_locale_is_utf8(),
                .urlify = ctl_urlify_enabled(ctl_colors_enabled()), .nodename = un.nodename,
                .columns = c->args->full ? 0 : ctl_columns(),
                .triggered_by_states = (const char *const *) by_states,
                .triggers_states = (const char *const *) t_states,
                .procs = procs, .n_procs = n_procs, .comm = proc_comm,
        };
        ctl_print_status(stdout, &s, &env);
        if (s.id)
                show_journal(c->args, s.id, s.inactive_exit_timestamp_monotonic);
        fflush(stdout);
        if (s.need_daemon_reload)
                ctl_warn_unit_file_changed(s.id);
        code = ctl_status_exit_code(s.active_state);
        for (size_t i = 0; by_states && i < nb; i++)
                free(TAKE_PTR(by_states[i]));
        for (size_t i = 0; t_states && i < nt; i++)
                free(TAKE_PTR(t_states[i]));
        free_procs(procs, n_procs);
        ctl_unit_status_done(&s);
        return code;
}

static int system_status(Ctl *c) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        const char *state = NULL, *version = NULL, *tainted = NULL, *cgroup = NULL;
        uint32_t n_names = 0, n_jobs = 0, n_failed = 0;
        uint64_t since = 0;
        char host[256] = "", a[FORMAT_TIMESTAMP_MAX], b[FORMAT_TIMESTAMP_RELATIVE_MAX];
        bool colors = ctl_colors_enabled(), utf8 = ctl_locale_is_utf8();
        CtlProcess *procs = NULL;
        size_t n = 0;
        int r;

        r = ctl_get_all(c, SD_PATH, SD_MANAGER, &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to read server status");
        if (bus_message_enter_container(reply, 'a', "{sv}") <= 0)
                return 1;
        while (bus_message_enter_container(reply, '{', "sv") > 0) {
                const char *name;
                if (bus_message_read(reply, "s", &name) <= 0)
                        return 1;
                if (streq(name, "SystemState")) (void) bus_message_read(reply, "v", "s", &state);
                else if (streq(name, "Version")) (void) bus_message_read(reply, "v", "s", &version);
                else if (streq(name, "Tainted")) (void) bus_message_read(reply, "v", "s", &tainted);
                else if (streq(name, "ControlGroup")) (void) bus_message_read(reply, "v", "s", &cgroup);
                else if (streq(name, "NNames")) (void) bus_message_read(reply, "v", "u", &n_names);
                else if (streq(name, "NJobs")) (void) bus_message_read(reply, "v", "u", &n_jobs);
                else if (streq(name, "NFailedUnits")) (void) bus_message_read(reply, "v", "u", &n_failed);
                else if (streq(name, "UserspaceTimestamp")) (void) bus_message_read(reply, "v", "t", &since);
                if (bus_message_exit_container(reply) < 0)
                        return 1;
        }
        (void) gethostname(host, sizeof host - 1);
        const char *on = !colors ? "" : streq_ptr(state, "degraded") ? "\x1B[0;1;31m" :
                streq_ptr(state, "running") ? "\x1B[0;1;32m" : "\x1B[0;1;38;5;185m";
        const char *off = colors ? "\x1B[0m" : "";
        printf("%s%s%s %s\n", on, ctl_glyph(CTL_GLYPH_BLACK_CIRCLE, utf8), off, host);
        printf("    State: %s%s%s\n", on, strna(state), off);
        printf("    Units: %" PRIu32 " loaded (incl. loaded aliases)\n", n_names);
        printf("     Jobs: %" PRIu32 " queued\n", n_jobs);
        printf("   Failed: %" PRIu32 " units\n", n_failed);
        printf("    Since: %s; %s\n", strna(format_timestamp(a, sizeof a, since)),
               strna(format_timestamp_relative(b, sizeof b, since)));
        printf("  systemd: %s\n", strna(version));
        if (!isempty(tainted))
                printf("  Tainted: %s%s%s\n", colors ? "\x1B[0;1;38;5;185m" : "", tainted, off);
        printf("   CGroup: %s\n", isempty(cgroup) ? "/" : cgroup);
        if (get_processes(c, "-.slice", host, &procs, &n) >= 0) {
                unsigned cols = c->args->full ? 0 : ctl_columns();
                ctl_print_processes(stdout, isempty(cgroup) ? "/" : cgroup, procs, n, "           ", utf8, colors,
                                    cols > 11 ? cols - 11 : cols);
                free_procs(procs, n);
        }
        return 0;
}

int verb_ctl_status(Ctl *c, int argc, char **argv) {
        bool new_line = false;
        int ret = 0, r;

        if (ctl_bus(c) < 0)
                return 1;
        if (argc <= 1) {
                /* the manager, then (with --all, --state=, --type=) every unit list-units would show */
                if (!c->args->states && !c->args->types) {
                        r = system_status(c);
                        if (r != 0)
                                return r;
                        new_line = true;
                }
                if (c->args->all || c->args->states || c->args->types)
                        return show_all(c, true, &new_line);
                return 0;
        }
        /* as 252: the PIDs first, then the other arguments as patterns, expanded together */
        _cleanup_strv_free_ char **patterns = NULL;
        for (int i = 1; i < argc; i++) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                _cleanup_free_ char *path = NULL;
                const char *p;
                unsigned pid;

                if (safe_atou(argv[i], &pid) < 0) {
                        if (strv_extend(&patterns, argv[i]) < 0)
                                return 1;
                        continue;
                }
                if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "GetUnitByPID") < 0 ||
                    bus_message_append(m, "u", (uint32_t) pid) < 0)
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0) {
                        (void) ctl_log_call_error(r, reply, "Failed to get unit for PID %u", pid);
                        ret = 1;   /* 252 keeps the errno: exit status 1 */
                        continue;
                }
                if (bus_message_read(reply, "o", &p) <= 0 || !(path = strdup(p)))
                        return 1;
                r = status_one(c, path, NULL, &new_line);
                if (r != 0 && ret == 0)
                        ret = r;
        }
        return show_names(c, patterns, true, &new_line, ret);
}

static void fclose_p(FILE **f) {
        if (*f)
                fclose(*f);
}

/* As 252's cat_file(): a "# PATH" header, then the file line by line (\n, \r, \r\n and NUL end a
 * line; a last line without one gets a newline). */
static int cat_file(const char *path, bool newline, bool colors) {
        _cleanup_(fclose_p) FILE *f = fopen(path, "re");
        _cleanup_free_ char *u = NULL;
        struct utsname un = {};
        int ch, prev = 0;
        bool pending = false;

        if (!f)
                return -errno;
        (void) uname(&un);
        u = ctl_urlify_path(path, NULL, un.nodename, ctl_urlify_enabled(colors));
        printf("%s%s# %s%s\n", newline ? "\n" : "", colors ? "\x1B[0;1;34m" : "", u ? u : path, colors ? "\x1B[0m" : "");
        while ((ch = getc(f)) != EOF) {
                if (ch == '\n' && prev == '\r') {
                        prev = 0;
                        continue;
                }
                prev = ch;
                if (ch == '\n' || ch == '\r' || ch == 0) {
                        putchar('\n');
                        pending = false;
                } else {
                        putchar(ch);
                        pending = true;
                }
        }
        if (pending)
                putchar('\n');
        return ferror(f) ? -EIO : 0;
}

int verb_ctl_cat(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        bool first = true, colors = ctl_colors_enabled();
        int rc = 0;

        (void) argc;
        if (ctl_bus(c) < 0 || unit_names(c, argv + 1, &names) < 0)
                return 1;
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *path = NULL, *load = NULL, *frag = NULL;
                _cleanup_strv_free_ char **dropins = NULL;
                _cleanup_bus_message_ BusMessage *reply = NULL;
                int r;

                if (ctl_unit_path(*n, &path) < 0)
                        return 1;
                r = ctl_get_string(c, path, SD_UNIT, "LoadState", &load);
                if (r < 0)
                        return ctl_log_call_error(r, NULL, "Failed to get LoadState");
                if (streq(load, "masked")) {
                        printf("%s# Unit %s is masked%s.\n", colors ? "\x1B[0;1;35m" : "", *n, colors ? "\x1B[0m" : "");
                        continue;
                }
                (void) ctl_get_string(c, path, SD_UNIT, "FragmentPath", &frag);
                if (ctl_get_property(c, path, SD_UNIT, "DropInPaths", "as", &reply) >= 0)
                        (void) bus_message_read_strv(reply, &dropins);
                if (isempty(frag) && (!dropins || !dropins[0])) {
                        fprintf(stderr, "No files found for %s.\n", *n);
                        rc = 1;
                        continue;
                }
                if (!first)
                        putchar('\n');
                first = false;
                if (ctl_need_daemon_reload(c, *n) > 0) {
                        const char *on = colors ? "\x1B[0;1;31m" : "", *off = colors ? "\x1B[0m" : "";
                        fflush(stdout);
                        fprintf(stderr, "%s# Warning: %s changed on disk, the version systemd has loaded is outdated.\n"
                                "%s# This output shows the current version of the unit's original fragment and drop-in files.\n"
                                "%s# If fragments or drop-ins were added or removed, they are not properly reflected in this output.\n"
                                "%s# Run 'systemctl daemon-reload' to reload units.%s\n", on, *n, on, on, on, off);
                }
                if (!isempty(frag) && cat_file(frag, false, colors) < 0)
                        fprintf(stderr, "Failed to cat %s: %s\n", frag, strerror(errno));
                STRV_FOREACH(d, dropins)
                        if (cat_file(*d, !isempty(frag) || d != dropins, colors) < 0) {
                                fprintf(stderr, "Failed to cat %s: %s\n", *d, strerror(errno));
                                return 1;
                        }
        }
        return rc;
}

int verb_ctl_is_active(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        bool failed_verb = streq(argv[0], "is-failed"), ok = false;

        (void) argc;
        if (ctl_bus(c) < 0 || unit_names(c, argv + 1, &names) < 0)
                return 1;
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *path = NULL, *state = NULL;
                int r;

                if (ctl_unit_path(*n, &path) < 0)
                        return 1;
                r = ctl_get_string(c, path, SD_UNIT, "ActiveState", &state);
                if (r < 0) {
                        fprintf(stderr, "Failed to retrieve unit state: %s\n", strerror(-r));
                        return 1;
                }
                if (!c->args->quiet)
                        puts(state);
                if (failed_verb ? streq(state, "failed") : (streq(state, "active") || streq(state, "reloading")))
                        ok = true;
        }
        return ok ? 0 : failed_verb ? 1 : 3;
}
