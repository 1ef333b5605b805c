/* SPDX-License-Identifier: MIT */
/* Manager verbs: daemon-reload/daemon-reexec, is-system-running, the manager environment
 * (show/set/unset/import-environment), list-machines. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include "base/escape.h"
#include "base/strv.h"
#include "cli/systemctl-status.h"
#include "cli/systemctl-table.h"
#include "cli/systemctl.h"

#define RELOAD_TIMEOUT_USEC (180ULL * 1000000ULL)   /* systemctl 252: twice DEFAULT_TIMEOUT_USEC (90 s) */

int verb_ctl_daemon_reload(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        bool reexec = streq(argv[0], "daemon-reexec");
        int r;

        (void) argc;
        if (ctl_bus(c) < 0)
                return 1;
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, reexec ? "Reexecute" : "Reload") < 0 ||
            bus_message_set_flags(m, BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION) < 0)
                return 1;
        r = bus_call(c->conn, m, RELOAD_TIMEOUT_USEC, &reply);
        /* Reexecute drops the connection before answering. */
        if (reexec && (r == -ECONNRESET || r == -EPIPE || r == -ENOTCONN || r == -ETIMEDOUT))
                return 0;
        if (r < 0)
                return ctl_log_call_error(r, reply, "%s daemon failed", reexec ? "Reexecute" : "Reload");
        return 0;
}

static int system_state(Ctl *c, char **ret) {
        return ctl_get_string(c, SD_PATH, SD_MANAGER, "SystemState", ret);
}

int verb_ctl_is_system_running(Ctl *c, int argc, char **argv) {
        _cleanup_free_ char *state = NULL;
        struct stat st;
        int r;

        (void) argc; (void) argv;
        if (lstat("/run/systemd/system/", &st) < 0 || !S_ISDIR(st.st_mode)) {
                if (!c->args->quiet)
                        puts("offline");
                return 1;
        }
        if (ctl_bus(c) < 0)
                return 1;
        for (;;) {
                free(state);
                state = NULL;
                r = system_state(c, &state);
                if (r < 0) {
                        fprintf(stderr, "Failed to query system state: %s\n", strerror(r == -EREMOTEIO ? EIO : -r));
                        if (!c->args->quiet)
                                puts("unknown");
                        return 1;
                }
                if (!c->args->wait || !(streq(state, "initializing") || streq(state, "starting")))
                        break;
                /* StartupFinished is not sent to unsubscribed private connections: poll. */
                nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
        if (!c->args->quiet)
                puts(state);
        return streq(state, "running") ? 0 : 1;
}

/* shell_maybe_quote(s, SHELL_ESCAPE_POSIX): as is when nothing needs quoting (control characters,
 * whitespace and "\`$*?['()<>|&;!), else $'...' with \ and ' escaped and control characters
 * C-escaped. */
void ctl_print_posix_quoted(FILE *f, const char *s) {
        static const char cc[] = "abtnvfr";
        const char *p;

        for (p = s; *p; p++)
                if ((unsigned char) *p < ' ' || *p == 127 || strchr(" \t\n\r\"\\`$*?['()<>|&;!", *p))
                        break;
        if (!*p) {
                fputs(s, f);
                return;
        }
        fprintf(f, "$'%.*s", (int) (p - s), s);
        for (; *p; p++) {
                unsigned char ch = (unsigned char) *p;
                if (ch == '\\' || ch == '\'')
                        fprintf(f, "\\%c", ch);
                else if (ch >= 7 && ch <= 13)
                        fprintf(f, "\\%c", cc[ch - 7]);
                else if (ch < ' ' || ch == 127)
                        fprintf(f, "\\x%02x", ch);
                else
                        fputc(ch, f);
        }
        fputc('\'', f);
}

int verb_ctl_show_environment(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_strv_free_ char **env = NULL;
        int r;

        (void) argc; (void) argv;
        if (ctl_bus(c) < 0)
                return 1;
        r = ctl_get_property(c, SD_PATH, SD_MANAGER, "Environment", "as", &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to get environment");
        if (bus_message_read_strv(reply, &env) < 0)
                return 1;
        STRV_FOREACH(e, env) {
                const char *eq = strchr(*e, '=');
                if (eq) {
                        printf("%.*s=", (int) (eq - *e), *e);
                        ctl_print_posix_quoted(stdout, eq + 1);
                        putchar('\n');
                } else
                        puts(*e);
        }
        return 0;
}

int verb_ctl_set_environment(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        bool set = streq(argv[0], "set-environment");
        char **args = argv + 1;
        int r;

        (void) argc;
        if (ctl_bus(c) < 0)
                return 1;
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, set ? "SetEnvironment" : "UnsetEnvironment") < 0 ||
            bus_message_append_strv(m, args) < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to %s environment", set ? "set" : "unset");
        return 0;
}

/* set-property [--runtime] UNIT NAME=VALUE...: SetUnitProperties, each assignment sent as a string
 * under its directive name (PID 1 writes it into a drop-in, where the unit-file parser reads it). */
int verb_ctl_set_property(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        int ret = 0;

        (void) argc;
        if (ctl_bus(c) < 0)
                return 1;
        char *unit[] = { argv[1], NULL };
        if (ctl_expand_names(c, unit, NULL, &names, NULL) < 0 || strv_length(names) == 0) {
                fprintf(stderr, "Failed to expand '%s' into names: No such file or directory\n", argv[1]);
                return 1;
        }
        STRV_FOREACH(n, names) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                int r = ctl_new_call(&m, SD_PATH, SD_MANAGER, "SetUnitProperties");
                if (r >= 0) r = bus_message_append(m, "sb", *n, c->args->runtime);
                if (r >= 0) r = bus_message_open_container(m, 'a', "(sv)");
                for (char **a = argv + 2; r >= 0 && *a; a++)
                        r = ctl_append_assignment(m, *a);
                if (r >= 0) r = bus_message_close_container(m);
                if (r < 0)
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0) {
                        (void) ctl_log_call_error(r, reply, "Failed to set unit properties on %s", *n);
                        ret = 1;
                }
        }
        return ret;
}

/* import-environment [NAME...]: the client's own variables, by SetEnvironment (252's words). */
int verb_ctl_import_environment(Ctl *c, int argc, char **argv) {
        extern char **environ;
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        _cleanup_strv_free_ char **set = NULL;
        int r;

        if (ctl_bus(c) < 0)
                return 1;
        if (argc < 2) {
                fputs("Calling import-environment without a list of variable names is deprecated.\n", stderr);
                STRV_FOREACH(e, environ) {
                        const char *eq = strchr(*e, '=');
                        _cleanup_free_ char *name = eq ? strndup(*e, (size_t) (eq - *e)) : NULL;
                        if (name && env_name_is_valid(name, strlen(name)) && strv_extend(&set, *e) < 0)
                                return 1;
                }
        } else
                for (int i = 1; i < argc; i++) {
                        const char *v = env_name_is_valid(argv[i], strlen(argv[i])) ? getenv(argv[i]) : NULL;
                        if (!env_name_is_valid(argv[i], strlen(argv[i]))) {
                                fprintf(stderr, "Not a valid environment variable name: %s\n", argv[i]);
                                return 1;
                        }
                        if (!v) {
                                fprintf(stderr, "Environment variable $%s not set, ignoring.\n", argv[i]);
                                continue;
                        }
                        _cleanup_free_ char *a = strjoin(argv[i], "=", v);
                        if (!a || strv_extend(&set, a) < 0)
                                return 1;
                }
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "SetEnvironment") < 0 || bus_message_append_strv(m, set) < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to import environment");
        return 0;
}

static int manager_u32(Ctl *c, const char *name, uint32_t *ret) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        int r = ctl_get_property(c, SD_PATH, SD_MANAGER, name, "u", &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to get %s", name), r;
        return bus_message_read(reply, "u", ret) > 0 ? 0 : -EBADMSG;
}

/* list-machines [PATTERN...]: a container has no machined; 252 lists the host alone then, with
 * the manager's state, failed units and jobs. */
int verb_ctl_list_machines(Ctl *c, int argc, char **argv) {
        static const char *const headers[] = { "", "name", "state", "failed", "jobs" };
        _cleanup_free_ char *state = NULL;
        char host[256] = "", failed[16], jobs[16];
        uint32_t n_failed = 0, n_jobs = 0;
        size_t n = 0;

        if (ctl_bus(c) < 0)
                return 1;
        (void) gethostname(host, sizeof host - 1);
        bool match = argc < 2;
        for (int i = 1; i < argc; i++)
                if (fnmatch(argv[i], host, FNM_NOESCAPE) == 0)
                        match = true;
        CtlTable t;
        if (ctl_table_open(c, &t, 5, headers) < 0)
                return 1;
        if (c->args->plain)
                ctl_table_hide(&t, 0);
        if (match) {
                if (ctl_get_string(c, SD_PATH, SD_MANAGER, "SystemState", &state) < 0 ||
                    manager_u32(c, "NFailedUnits", &n_failed) < 0 || manager_u32(c, "NJobs", &n_jobs) < 0) {
                        ctl_table_done(&t);
                        return 1;
                }
                bool degraded = streq(state, "degraded"), circle = degraded || !streq(state, "running");
                const char *on_state = !t.colors || !circle ? NULL : degraded ? CTL_ANSI_RED : CTL_ANSI_YELLOW;
                _cleanup_free_ char *name = strjoin(host, " (host)");
                snprintf(failed, sizeof failed, "%" PRIu32, n_failed);
                snprintf(jobs, sizeof jobs, "%" PRIu32, n_jobs);
                if (!name || ctl_table_add_full(&t, circle ? (t.utf8 ? "\u25cf" : "*") : " ", on_state, NULL, false) < 0 ||
                    ctl_table_add(&t, name) < 0 || ctl_table_add_full(&t, state, on_state, NULL, false) < 0 ||
                    ctl_table_add_full(&t, failed, t.colors && n_failed > 0 ? CTL_ANSI_RED : NULL, NULL, false) < 0 ||
                    ctl_table_add(&t, jobs) < 0) {
                        ctl_table_done(&t);
                        return 1;
                }
                n = 1;
        }
        ctl_table_print(&t, stdout);
        ctl_table_done(&t);
        if (!c->args->no_legend)
                printf("\n%zu machines listed.\n", n);
        return 0;
}
