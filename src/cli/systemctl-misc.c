/* SPDX-License-Identifier: MIT */
/* Manager verbs: daemon-reload/daemon-reexec, is-system-running, the manager environment. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include "base/escape.h"
#include "base/strv.h"
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
