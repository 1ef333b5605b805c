/* SPDX-License-Identifier: MIT */
/* systemd-run: a command as a transient service of PID 1 (or a transient timer and its service), as
 * systemd-run 252 does it, over /run/systemd/private (Manager.StartTransientUnit).
 *
 * -p/--property and --timer-property assignments are sent as strings under their directive names;
 * PID 1 writes them into the unit file, where the unit-file parser checks them (a value it cannot
 * parse is logged and ignored there, where 252's client refuses it before sending). --wait holds
 * the unit (AddRef) until its service is inactive again, learning so from the PropertiesChanged
 * signals PID 1 sends to every connection, then prints 252's summary and exits with the service's
 * status. --pipe hands the caller's stdin, stdout and stderr to the service (PID 1 keeps them while the
 * unit is active) and waits as --wait does, without the summary. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "base/escape.h"
#include "base/id128.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/systemctl.h"
#include "cli/systemctl-print.h"
#include "unit/name.h"

#define EXIT_EXCEPTION 255   /* what 252 exits with for a service killed by a signal */

typedef struct RunArgs {
        char *unit;                  /* --unit=, mangled */
        const char *description, *service_type, *uid, *gid, *working_directory;
        char **properties;           /* -p NAME=VALUE */
        char **timer_properties;     /* --on-*=, --timer-property= */
        char **environment;          /* -E */
        char **cmdline;
        int nice;
        bool nice_set, wait, quiet, collect, remain_after_exit, no_block, pipe;
} RunArgs;

static void run_args_done(RunArgs *a) {
        free(a->unit);
        strv_free(a->properties);
        strv_free(a->timer_properties);
        strv_free(a->environment);
        strv_free(a->cmdline);
}

static void help(void) {
        printf("systemd-run [OPTIONS...] COMMAND [ARGUMENTS...]\n\n"
               "Run the specified command in a transient service unit.\n\n"
               "  -h --help                       Show this help\n"
               "     --version                    Show package version\n"
               "     --no-block                   Do not wait until operation finished\n"
               "  -u --unit=UNIT                  Run under the specified unit name\n"
               "  -p --property=NAME=VALUE        Set service or scope unit property\n"
               "     --description=TEXT           Description for unit\n"
               "  -r --remain-after-exit          Leave service around until explicitly stopped\n"
               "     --wait                       Wait until service stopped again\n"
               "     --service-type=TYPE          Service type\n"
               "     --uid=USER                   Run as system user\n"
               "     --gid=GROUP                  Run as system group\n"
               "     --nice=NICE                  Nice level\n"
               "     --working-directory=PATH     Set working directory\n"
               "  -d --same-dir                   Inherit working directory from caller\n"
               "  -E --setenv=NAME[=VALUE]        Set environment variable\n"
               "  -P --pipe                       Pass STDIN/STDOUT/STDERR directly to service\n"
               "  -q --quiet                      Suppress information messages during runtime\n"
               "  -G --collect                    Unload unit after it ran, even when failed\n\n"
               "Timer options:\n"
               "     --on-active=SECONDS          Run after SECONDS delay\n"
               "     --on-boot=SECONDS            Run SECONDS after machine was booted up\n"
               "     --on-startup=SECONDS         Run SECONDS after systemd activation\n"
               "     --on-unit-active=SECONDS     Run SECONDS after the last activation\n"
               "     --on-unit-inactive=SECONDS   Run SECONDS after the last deactivation\n"
               "     --on-calendar=SPEC           Realtime timer\n"
               "     --timer-property=NAME=VALUE  Set timer unit property\n\n"
               "tinysd: --pty, --scope, --user, --shell, -H and -M are not supported.\n");
}

enum {
        ARG_NO_BLOCK = 0x100, ARG_DESCRIPTION, ARG_WAIT, ARG_SERVICE_TYPE, ARG_UID, ARG_GID, ARG_NICE,
        ARG_WORKING_DIRECTORY, ARG_ON_ACTIVE, ARG_ON_BOOT, ARG_ON_STARTUP, ARG_ON_UNIT_ACTIVE,
        ARG_ON_UNIT_INACTIVE, ARG_ON_CALENDAR, ARG_TIMER_PROPERTY, ARG_VERSION, ARG_SYSTEM, ARG_UNSUPPORTED,
        ARG_NO_ASK_PASSWORD,
};

static int add_assignment(char ***l, const char *name, const char *value) {
        char *s = xasprintf("%s=%s", name, value);
        return s ? strv_push(l, s) : -ENOMEM;
}

static int parse_argv(RunArgs *a, int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, ARG_VERSION },
                { "system", no_argument, NULL, ARG_SYSTEM }, { "no-block", no_argument, NULL, ARG_NO_BLOCK },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
                { "unit", required_argument, NULL, 'u' }, { "property", required_argument, NULL, 'p' },
                { "description", required_argument, NULL, ARG_DESCRIPTION },
                { "remain-after-exit", no_argument, NULL, 'r' }, { "wait", no_argument, NULL, ARG_WAIT },
                { "service-type", required_argument, NULL, ARG_SERVICE_TYPE }, { "uid", required_argument, NULL, ARG_UID },
                { "gid", required_argument, NULL, ARG_GID }, { "nice", required_argument, NULL, ARG_NICE },
                { "working-directory", required_argument, NULL, ARG_WORKING_DIRECTORY },
                { "same-dir", no_argument, NULL, 'd' }, { "setenv", required_argument, NULL, 'E' },
                { "quiet", no_argument, NULL, 'q' }, { "collect", no_argument, NULL, 'G' },
                { "on-active", required_argument, NULL, ARG_ON_ACTIVE }, { "on-boot", required_argument, NULL, ARG_ON_BOOT },
                { "on-startup", required_argument, NULL, ARG_ON_STARTUP },
                { "on-unit-active", required_argument, NULL, ARG_ON_UNIT_ACTIVE },
                { "on-unit-inactive", required_argument, NULL, ARG_ON_UNIT_INACTIVE },
                { "on-calendar", required_argument, NULL, ARG_ON_CALENDAR },
                { "timer-property", required_argument, NULL, ARG_TIMER_PROPERTY },
                { "pipe", no_argument, NULL, 'P' }, { "pty", no_argument, NULL, 't' }, { "scope", no_argument, NULL, ARG_UNSUPPORTED },
                { "user", no_argument, NULL, ARG_UNSUPPORTED }, { "host", required_argument, NULL, 'H' },
                { "machine", required_argument, NULL, 'M' }, { "shell", no_argument, NULL, 'S' },
                { NULL, 0, NULL, 0 },
        };
        static const char *const on_names[] = { "OnActiveSec", "OnBootSec", "OnStartupSec", "OnUnitActiveSec",
                                                "OnUnitInactiveSec", "OnCalendar" };
        int c, r = 0;
        bool with_timer = false;
        /* "+": options end at the command, as 252's "+hrH:M:E:p:tPqGdSu:" */
        while ((c = getopt_long(argc, argv, "+hrH:M:E:p:tPqGdSu:", options, NULL)) >= 0 && r >= 0) {
                switch (c) {
                case 'h': help(); return 0;
                case ARG_VERSION: puts("systemd 252 (tinysd)"); return 0;
                case ARG_SYSTEM: case ARG_NO_ASK_PASSWORD: break;
                case ARG_NO_BLOCK: a->no_block = true; break;
                case 'u':
                        free(a->unit);
                        if (unit_name_mangle(optarg, ".service", false, &a->unit) < 0) {
                                fprintf(stderr, "Failed to mangle unit name: Invalid argument\n");
                                return -EINVAL;
                        }
                        break;
                case 'p': r = strv_extend(&a->properties, optarg); break;
                case ARG_DESCRIPTION: a->description = optarg; break;
                case 'r': a->remain_after_exit = true; break;
                case ARG_WAIT: a->wait = true; break;
                case ARG_SERVICE_TYPE: a->service_type = optarg; break;
                case ARG_UID: a->uid = optarg; break;
                case ARG_GID: a->gid = optarg; break;
                case ARG_NICE:
                        if (safe_atoi(optarg, &a->nice) < 0 || a->nice < -20 || a->nice > 19) {
                                fprintf(stderr, "Failed to parse nice value: %s\n", optarg);
                                return -EINVAL;
                        }
                        a->nice_set = true;
                        break;
                case ARG_WORKING_DIRECTORY: a->working_directory = optarg; break;
                case 'd': {
                        static char cwd[4096];
                        if (!getcwd(cwd, sizeof cwd)) {
                                fprintf(stderr, "Failed to get current working directory: %m\n");
                                return -errno;
                        }
                        a->working_directory = cwd;
                        break;
                }
                case 'E': {
                        const char *v = strchr(optarg, '=') ? NULL : getenv(optarg);
                        r = v ? add_assignment(&a->environment, optarg, v) : strv_extend(&a->environment, optarg);
                        break;
                }
                case 'q': a->quiet = true; break;
                case 'G': a->collect = true; break;
                case ARG_ON_ACTIVE: case ARG_ON_BOOT: case ARG_ON_STARTUP: case ARG_ON_UNIT_ACTIVE:
                case ARG_ON_UNIT_INACTIVE: case ARG_ON_CALENDAR:
                        with_timer = true;
                        r = add_assignment(&a->timer_properties, on_names[c - ARG_ON_ACTIVE], optarg);
                        break;
                case ARG_TIMER_PROPERTY:
                        if (startswith(optarg, "On")) with_timer = true;
                        r = strv_extend(&a->timer_properties, optarg);
                        break;
                case 'P': a->pipe = true; break;
                case 't': case 'S': case 'H': case 'M': case ARG_UNSUPPORTED:
                        fprintf(stderr, "%s is not supported by tinysd's systemd-run.\n", argv[optind - 1]);
                        return -EOPNOTSUPP;
                default: return -EINVAL;
                }
        }
        if (r < 0) {
                fputs("Out of memory.\n", stderr);
                return r;
        }
        if (optind < argc && !(a->cmdline = strv_copy(argv + optind))) return -ENOMEM;
        if (!a->cmdline && !(a->unit && with_timer)) {
                fputs("Command line to execute required.\n", stderr);
                return -EINVAL;
        }
        if (a->timer_properties && !with_timer) {
                fputs("--timer-property= has no effect without any other timer options.\n", stderr);
                return -EINVAL;
        }
        if (a->pipe && with_timer) {
                fputs("--pty/--pipe is not compatible in timer or --scope mode.\n", stderr);
                return -EINVAL;
        }
        if (a->pipe && a->no_block) {
                fputs("--pty/--pipe is not compatible with --no-block.\n", stderr);
                return -EINVAL;
        }
        if (a->wait && a->no_block) {
                fputs("--wait may not be combined with --no-block.\n", stderr);
                return -EINVAL;
        }
        if (a->wait && with_timer) {
                fputs("--wait may not be combined with path, socket or timer operations.\n", stderr);
                return -EINVAL;
        }
        return 1;
}

/* 252 makes the command's path absolute with the caller's $PATH, to fail early. */
static int make_executable_absolute(char **cmdline) {
        if (strchr(cmdline[0], '/')) return 0;
        const char *path = getenv("PATH");
        _cleanup_strv_free_ char **dirs = NULL;
        int r = strv_split_full(&dirs, path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ":", 0);
        if (r < 0) return r;
        STRV_FOREACH(d, dirs) {
                if (**d != '/') continue;
                char *p = xasprintf("%s/%s", *d, cmdline[0]);
                if (!p) return -ENOMEM;
                if (access(p, X_OK) == 0) {
                        free(cmdline[0]);
                        cmdline[0] = p;
                        return 0;
                }
                free(p);
        }
        fprintf(stderr, "Failed to find executable %s: No such file or directory\n", cmdline[0]);
        return -ENOENT;
}

static int append_assignments(BusMessage *m, char *const *l) {
        int r = 0;
        STRV_FOREACH(a, l)
                if ((r = ctl_append_assignment(m, *a)) < 0) return r;
        return r;
}

static int append_unit_properties(BusMessage *m, const RunArgs *a, const char *description, char *const *props) {
        int r = bus_message_append(m, "(sv)", "Description", "s", description);
        if (r >= 0 && a->collect) r = bus_message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed");
        return r < 0 ? r : append_assignments(m, props);
}

static int append_service_properties(BusMessage *m, const RunArgs *a, const char *description) {
        int r = append_unit_properties(m, a, description, a->properties);
        if (r >= 0 && (a->wait || a->pipe)) r = bus_message_append(m, "(sv)", "AddRef", "b", 1);
        if (r >= 0 && a->pipe)
                r = bus_message_append(m, "(sv)(sv)(sv)", "StandardInputFileDescriptor", "h", STDIN_FILENO,
                                       "StandardOutputFileDescriptor", "h", STDOUT_FILENO, "StandardErrorFileDescriptor", "h", STDERR_FILENO);
        if (r >= 0 && a->remain_after_exit) r = bus_message_append(m, "(sv)", "RemainAfterExit", "b", 1);
        if (r >= 0 && a->service_type) r = bus_message_append(m, "(sv)", "Type", "s", a->service_type);
        if (r >= 0 && a->uid) r = bus_message_append(m, "(sv)", "User", "s", a->uid);
        if (r >= 0 && a->gid) r = bus_message_append(m, "(sv)", "Group", "s", a->gid);
        if (r >= 0 && a->nice_set) r = bus_message_append(m, "(sv)", "Nice", "i", (int32_t)a->nice);
        if (r >= 0 && a->working_directory) r = bus_message_append(m, "(sv)", "WorkingDirectory", "s", a->working_directory);
        if (r >= 0 && a->environment) {
                r = bus_message_open_container(m, 'r', "sv");
                if (r >= 0) r = bus_message_append(m, "s", "Environment");
                if (r >= 0) r = bus_message_open_container(m, 'v', "as");
                if (r >= 0) r = bus_message_append_strv(m, a->environment);
                if (r >= 0) r = bus_message_close_container(m);
                if (r >= 0) r = bus_message_close_container(m);
        }
        if (r >= 0 && a->cmdline) {
                r = bus_message_open_container(m, 'r', "sv");
                if (r >= 0) r = bus_message_append(m, "s", "ExecStart");
                if (r >= 0) r = bus_message_open_container(m, 'v', "a(sasb)");
                if (r >= 0) r = bus_message_open_container(m, 'a', "(sasb)");
                if (r >= 0) r = bus_message_open_container(m, 'r', "sasb");
                if (r >= 0) r = bus_message_append(m, "s", a->cmdline[0]);
                if (r >= 0) r = bus_message_append_strv(m, a->cmdline);
                if (r >= 0) r = bus_message_append(m, "b", 0);
                for (int i = 0; i < 4 && r >= 0; i++) r = bus_message_close_container(m);
        }
        return r;
}

/* The start job's JobRemoved; 0 when done, else 252's "Job for X failed" lines and -EIO. */
static int wait_for_job(Ctl *c, const char *job, const char *unit, bool quiet) {
        for (;;) {
                _cleanup_bus_message_ BusMessage *m = NULL;
                const char *path, *u, *result;
                uint32_t id;
                int r = bus_conn_wait_message(c->conn, USEC_INFINITY, &m);
                if (r <= 0) {
                        fprintf(stderr, "Failed to wait for response: %s\n", strerror(r < 0 ? -r : ETIMEDOUT));
                        return r < 0 ? r : -ETIMEDOUT;
                }
                if (!bus_message_is_signal(m, SD_MANAGER, "JobRemoved") || bus_message_read(m, "uoss", &id, &path, &u, &result) <= 0 ||
                    !streq(path, job))
                        continue;
                if (streq(result, "done") || streq(result, "skipped")) return 0;
                if (!quiet) {
                        _cleanup_free_ char *upath = NULL, *sres = NULL;
                        if (ctl_unit_path(unit, &upath) >= 0) (void)ctl_get_string(c, upath, "org.freedesktop.systemd1.Service", "Result", &sres);
                        const char *why = ctl_job_result_explanation(sres);
                        if (why) fprintf(stderr, "Job for %s failed because %s.\n", unit, why);
                        else fprintf(stderr, "Job for %s failed.\n", unit);
                        fprintf(stderr, "See \"systemctl status %s\" and \"journalctl -xeu %s\" for details.\n", unit, unit);
                }
                return -EIO;
        }
}

typedef struct RunState {
        char *active_state, *result;
        bool has_job;
        int32_t exit_code, exit_status;
        uint64_t inactive_exit, inactive_enter, cpu_nsec;
} RunState;

static void run_state_done(RunState *s) {
        free(s->active_state);
        free(s->result);
}

static int read_state(Ctl *c, const char *path, RunState *s) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        int r = ctl_get_all(c, path, "", &reply);
        if (r < 0) return r;
        run_state_done(s);
        *s = (RunState){ .cpu_nsec = UINT64_MAX };
        if ((r = bus_message_enter_container(reply, 'a', "{sv}")) < 0) return r;
        while ((r = bus_message_enter_container(reply, 'e', "sv")) > 0) {
                const char *name = NULL, *sig = NULL, *str = NULL;
                char type;
                if ((r = bus_message_read(reply, "s", &name)) < 0 || (r = bus_message_peek_type(reply, &type, &sig)) < 0) return r;
                if ((r = bus_message_enter_container(reply, 'v', sig)) < 0) return r;
                if (streq(name, "ActiveState") && streq(sig, "s")) {
                        r = bus_message_read(reply, "s", &str);
                        if (r >= 0 && !(s->active_state = strdup(str))) r = -ENOMEM;
                } else if (streq(name, "Result") && streq(sig, "s")) {
                        r = bus_message_read(reply, "s", &str);
                        if (r >= 0 && !(s->result = strdup(str))) r = -ENOMEM;
                } else if (streq(name, "Job") && streq(sig, "(uo)")) {
                        uint32_t id = 0;
                        r = bus_message_read(reply, "(uo)", &id, &str);
                        s->has_job = id != 0;
                } else if (streq(name, "ExecMainCode") && streq(sig, "i")) r = bus_message_read(reply, "i", &s->exit_code);
                else if (streq(name, "ExecMainStatus") && streq(sig, "i")) r = bus_message_read(reply, "i", &s->exit_status);
                else if (streq(name, "InactiveExitTimestampMonotonic") && streq(sig, "t")) r = bus_message_read(reply, "t", &s->inactive_exit);
                else if (streq(name, "InactiveEnterTimestampMonotonic") && streq(sig, "t")) r = bus_message_read(reply, "t", &s->inactive_enter);
                else if (streq(name, "CPUUsageNSec") && streq(sig, "t")) r = bus_message_read(reply, "t", &s->cpu_nsec);
                else r = bus_message_skip(reply, sig);
                if (r < 0 || (r = bus_message_exit_container(reply)) < 0 || (r = bus_message_exit_container(reply)) < 0) return r;
        }
        return r;
}

static bool run_done(const RunState *s) {
        return s->active_state && (streq(s->active_state, "inactive") || streq(s->active_state, "failed")) && !s->has_job;
}

/* --wait: until the service is inactive or failed with no job, re-reading its state whenever PID 1
 * says something changed; then 252's summary, and the exit status it derives. */
static int wait_for_service(Ctl *c, const char *unit, bool quiet) {
        _cleanup_free_ char *path = NULL;
        RunState s = { 0 };
        int r = ctl_unit_path(unit, &path);
        while (r >= 0 && (r = read_state(c, path, &s)) >= 0 && !run_done(&s)) {
                _cleanup_bus_message_ BusMessage *m = NULL;
                do {
                        bus_message_free(m);
                        m = NULL;
                        r = bus_conn_wait_message(c->conn, USEC_INFINITY, &m);
                } while (r > 0 && !(bus_message_is_signal(m, DBUS_PROPERTIES, "PropertiesChanged") && streq_ptr(m->path, path)) &&
                         !bus_message_is_signal(m, SD_MANAGER, "JobRemoved"));
                if (r == 0) r = -ETIMEDOUT;
        }
        if (r < 0) {
                fprintf(stderr, "Failed to run event loop: %s\n", strerror(-r));
                run_state_done(&s);
                return EXIT_FAILURE;
        }
        if (!quiet) {
                char buf[64], sbuf[16];
                if (!isempty(s.result)) fprintf(stderr, "Finished with result: %s\n", s.result);
                const char *code = ctl_sigchld_code_to_string(s.exit_code);
                if (s.exit_code == 1 /* CLD_EXITED */) fprintf(stderr, "Main processes terminated with: code=%s/status=%d\n", code, s.exit_status);
                else if (s.exit_code > 0 && code)
                        fprintf(stderr, "Main processes terminated with: code=%s/status=%s\n", code, ctl_signal_name(s.exit_status, sbuf));
                if (s.inactive_enter && s.inactive_exit && s.inactive_enter != UINT64_MAX && s.inactive_exit != UINT64_MAX &&
                    s.inactive_enter > s.inactive_exit)
                        fprintf(stderr, "Service runtime: %s\n", format_timespan(buf, sizeof buf, s.inactive_enter - s.inactive_exit, USEC_PER_MSEC));
                if (s.cpu_nsec != UINT64_MAX)
                        fprintf(stderr, "CPU time consumed: %s\n", format_timespan(buf, sizeof buf, (s.cpu_nsec + 999) / 1000, USEC_PER_MSEC));
        }
        int ret = streq_ptr(s.result, "success") ? 0 : streq_ptr(s.result, "exit-code") && s.exit_status > 0 ? s.exit_status :
                  streq_ptr(s.result, "signal") ? EXIT_EXCEPTION : EXIT_FAILURE;
        run_state_done(&s);
        return ret;
}

/* A name of our own when --unit= is not given: run-r<random id>.TYPE, as 252 on a direct connection. */
static int unit_names(const RunArgs *a, bool timer, char **ret_service, char **ret_timer) {
        char id[33];
        id128_random_string(id);
        char *base = a->unit ? strdup(a->unit) : xasprintf("run-r%s.service", id);
        if (!base) return -ENOMEM;
        int r = 0;
        *ret_timer = NULL;
        if (timer) r = unit_name_change_suffix(base, ".timer", ret_timer);
        if (r >= 0 && !endswith(base, ".service")) r = unit_name_change_suffix(base, ".service", ret_service);
        else if (r >= 0) *ret_service = TAKE_PTR(base);
        free(base);
        return r;
}

static int start_transient(Ctl *c, const RunArgs *a, const char *description) {
        _cleanup_free_ char *service = NULL, *timer = NULL;
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        bool with_timer = a->timer_properties != NULL;
        int r = unit_names(a, with_timer, &service, &timer);
        if (r >= 0) r = ctl_new_call(&m, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r >= 0) r = bus_message_append(m, "ss", with_timer ? timer : service, "fail");
        if (r >= 0) r = bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0) r = with_timer ? append_unit_properties(m, a, description, a->timer_properties) : append_service_properties(m, a, description);
        if (r >= 0 && with_timer) r = bus_message_append(m, "(sv)", "RemainAfterElapse", "b", 0);
        if (r >= 0) r = bus_message_close_container(m);
        if (r >= 0) r = bus_message_open_container(m, 'a', "(sa(sv))");
        if (r >= 0 && with_timer && a->cmdline) {
                r = bus_message_open_container(m, 'r', "sa(sv)");
                if (r >= 0) r = bus_message_append(m, "s", service);
                if (r >= 0) r = bus_message_open_container(m, 'a', "(sv)");
                if (r >= 0) r = append_service_properties(m, a, description);
                if (r >= 0) r = bus_message_close_container(m);
                if (r >= 0) r = bus_message_close_container(m);
        }
        if (r >= 0) r = bus_message_close_container(m);
        if (r == -EINVAL) return EXIT_FAILURE;   /* said already */
        if (r < 0) {
                fprintf(stderr, "Failed to create bus message: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                const char *name = NULL, *text = NULL;
                if (r == -EREMOTEIO) (void)bus_message_get_error(reply, &name, &text);
                if (r != -EREMOTEIO || !text) text = strerror(-r);
                fprintf(stderr, "Failed to start transient %s unit: %s\n", with_timer ? "timer" : "service", text);
                return EXIT_FAILURE;
        }
        const char *job = NULL;
        if (bus_message_read(reply, "o", &job) <= 0) {
                fputs("Failed to parse bus message: Bad message\n", stderr);
                return EXIT_FAILURE;
        }
        if (!a->no_block && wait_for_job(c, job, with_timer ? timer : service, a->quiet) < 0) return EXIT_FAILURE;
        if (!a->quiet) {
                if (with_timer) {
                        fprintf(stderr, "Running timer as unit: %s\n", timer);
                        if (a->cmdline) fprintf(stderr, "Will run service as unit: %s\n", service);
                } else
                        fprintf(stderr, "Running as unit: %s\n", service);
        }
        /* --pipe waits too (the command's output is ours), without the summary */
        return a->wait || a->pipe ? wait_for_service(c, service, a->quiet || !a->wait) : 0;
}

int systemd_run_main(int argc, char **argv) {
        RunArgs a = { 0 };
        Ctl c = { 0 };
        int ret = EXIT_FAILURE;
        int r = parse_argv(&a, argc, argv);
        if (r <= 0) {
                run_args_done(&a);
                return r < 0 ? EXIT_FAILURE : 0;
        }
        _cleanup_free_ char *description = NULL;
        if (a.cmdline && make_executable_absolute(a.cmdline) < 0) goto out;
        description = a.description ? strdup(a.description) : a.cmdline ? strv_join(a.cmdline, " ") : strdup(a.unit);
        if (!description) goto out;
        if (ctl_bus(&c) < 0) goto out;
        ret = start_transient(&c, &a, description);
out:
        bus_conn_free(c.conn);
        run_args_done(&a);
        return ret;
}
