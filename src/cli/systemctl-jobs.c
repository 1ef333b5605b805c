/* SPDX-License-Identifier: MIT */
/* Verbs that queue jobs (start, stop, restart, ..., isolate, poweroff) and wait for their
 * JobRemoved signals, plus kill and reset-failed. Messages and exit codes as systemctl 252. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/strv.h"
#include "cli/systemctl-list.h"
#include "cli/systemctl-print.h"
#include "cli/systemctl.h"

static const struct {
        const char *verb, *method, *job_type;
} unit_actions[] = {
        { "start",                 "StartUnit",              "start" },
        { "stop",                  "StopUnit",               "stop" },
        { "condstop",              "StopUnit",               "stop" },
        { "reload",                "ReloadUnit",             "reload" },
        { "restart",               "RestartUnit",            "restart" },
        { "try-restart",           "TryRestartUnit",         "try-restart" },
        { "condrestart",           "TryRestartUnit",         "try-restart" },
        { "reload-or-restart",     "ReloadOrRestartUnit",    "reload-or-restart" },
        { "try-reload-or-restart", "ReloadOrTryRestartUnit", "reload-or-try-restart" },
        { "reload-or-try-restart", "ReloadOrTryRestartUnit", "reload-or-try-restart" },
        { "condreload",            "ReloadOrTryRestartUnit", "reload-or-try-restart" },
        { "force-reload",          "ReloadOrTryRestartUnit", "reload-or-try-restart" },
};

const char *ctl_job_result_explanation(const char *result) {
        static const struct { const char *result, *text; } map[] = {
                { "resources",   "of unavailable resources or another system error" },
                { "protocol",    "the service did not take the steps required by its unit configuration" },
                { "timeout",     "a timeout was exceeded" },
                { "exit-code",   "the control process exited with error code" },
                { "signal",      "a fatal signal was delivered to the control process" },
                { "core-dump",   "a fatal signal was delivered causing the control process to dump core" },
                { "watchdog",    "the service failed to send watchdog ping" },
                { "start-limit", "start of the service was attempted too often" },
        };
        for (size_t i = 0; result && i < ELEMENTSOF(map); i++)
                if (streq(map[i].result, result))
                        return map[i].text;
        return NULL;
}

static bool string_is_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

/* Names from the command line: mangled; globs expanded against the loaded units
 * (ListUnitsByPatterns), as systemctl's expand_unit_names(). */
static int expand_names(Ctl *c, char **args, const char *suffix, char ***ret) {
        return ctl_expand_names(c, args, suffix, ret, NULL);
}

int ctl_expand_names_or_say(Ctl *c, char **args, char ***ret, bool *ret_expanded) {
        int r = ctl_expand_names(c, args, NULL, ret, ret_expanded);
        if (r < 0) {
                errno = -r;
                fprintf(stderr, "Failed to expand names: %m\n");
        }
        return r;
}

int ctl_expand_names(Ctl *c, char **args, const char *suffix, char ***ret, bool *ret_expanded) {
        _cleanup_strv_free_ char **mangled = NULL, **globs = NULL;
        int r;

        r = ctl_mangle_names(args, suffix, true, &mangled);
        if (r < 0)
                return r;
        STRV_FOREACH(n, mangled)
                if (string_is_glob(*n)) {
                        if (strv_extend(&globs, *n) < 0)
                                return -ENOMEM;
                } else if (strv_extend(ret, *n) < 0)
                        return -ENOMEM;
        if (ret_expanded)
                *ret_expanded = globs != NULL;
        if (globs) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                CtlListOptions o = { .types = c->args->types, .states = c->args->states, .all = c->args->all };
                CtlUnitInfo u;

                /* as get_unit_list(): the server matches the patterns and states, then list-units'
                 * filter applies (inactive units only with --all) */
                r = ctl_new_call(&m, SD_PATH, SD_MANAGER, "ListUnitsByPatterns");
                if (r < 0 || (r = bus_message_append_strv(m, c->args->states)) < 0 ||
                    (r = bus_message_append_strv(m, globs)) < 0)
                        return r;
                r = ctl_call(c, m, &reply);
                if (r < 0)
                        return ctl_log_call_error(r, reply, "Failed to list units"), r;
                if (bus_message_enter_container(reply, 'a', "(ssssssouso)") <= 0)
                        return -EBADMSG;
                while (ctl_read(reply, "(ssssssouso)", &u.id, &u.description, &u.load_state, &u.active_state,
                                &u.sub_state, &u.following, &u.unit_path, &u.job_id, &u.job_type, &u.job_path) > 0)
                        if (ctl_list_show_unit(&u, &o) && strv_extend(ret, u.id) < 0)
                                return -ENOMEM;
        }
        return 0;
}

typedef struct JobWait {
        char **paths;     /* jobs still running */
        char **units;     /* unit of each job, same index */
} JobWait;

static void job_wait_done(JobWait *w) {
        strv_free(w->paths);
        strv_free(w->units);
}

static int unit_active_state(Ctl *c, const char *unit, char **ret) {
        _cleanup_free_ char *path = NULL;
        int r = ctl_unit_path(unit, &path);
        if (r < 0)
                return r;
        return ctl_get_string(c, path, SD_UNIT, "ActiveState", ret);
}

/* After a stop: warn about active units that can start it again (TriggeredBy=). */
static void check_triggering_units(Ctl *c, const char *unit) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        _cleanup_free_ char *path = NULL, *load = NULL;
        _cleanup_strv_free_ char **by = NULL;
        bool first = true;

        if (ctl_unit_path(unit, &path) < 0 || ctl_get_string(c, path, SD_UNIT, "LoadState", &load) < 0 ||
            streq(load, "masked"))
                return;
        if (ctl_get_property(c, path, SD_UNIT, "TriggeredBy", "as", &reply) < 0 ||
            bus_message_read_strv(reply, &by) < 0)
                return;
        STRV_FOREACH(t, by) {
                _cleanup_free_ char *state = NULL;
                if (unit_active_state(c, *t, &state) < 0 || !(streq(state, "active") || streq(state, "reloading")))
                        continue;
                if (first)
                        fprintf(stderr, "Warning: Stopping %s, but it can still be activated by:\n", unit);
                first = false;
                fprintf(stderr, "  %s\n", *t);
        }
}

static int report_job_result(Ctl *c, const char *unit, const char *result) {
        bool quiet = c->args->quiet;

        if (streq(result, "done") || streq(result, "skipped"))
                return 0;
        if (!quiet) {
                if (streq(result, "canceled"))
                        fprintf(stderr, "Job for %s canceled.\n", unit);
                else if (streq(result, "timeout"))
                        fprintf(stderr, "Job for %s timed out.\n", unit);
                else if (streq(result, "dependency"))
                        fprintf(stderr, "A dependency job for %s failed. See 'journalctl -xe' for details.\n", unit);
                else if (streq(result, "invalid"))
                        fprintf(stderr, "%s is not active, cannot reload.\n", unit);
                else if (streq(result, "assert"))
                        fprintf(stderr, "Assertion failed on job for %s.\n", unit);
                else if (streq(result, "unsupported"))
                        fprintf(stderr, "Operation on or unit type of %s not supported on this system.\n", unit);
                else if (streq(result, "collected"))
                        fprintf(stderr, "Queued job for %s was garbage collected.\n", unit);
                else if (streq(result, "once"))
                        fprintf(stderr, "Unit %s was started already once and can't be started again.\n", unit);
                else if (endswith(unit, ".service")) {
                        _cleanup_free_ char *path = NULL, *sres = NULL, *q = shell_maybe_quote(unit);
                        const char *why;

                        if (ctl_unit_path(unit, &path) >= 0)
                                (void) ctl_get_string(c, path, "org.freedesktop.systemd1.Service", "Result", &sres);
                        why = ctl_job_result_explanation(sres);
                        if (why)
                                fprintf(stderr, "Job for %s failed because %s.\n", unit, why);
                        else
                                fprintf(stderr, "Job for %s failed.\n", unit);
                        fprintf(stderr, "See \"systemctl status %s\" and \"journalctl -xeu %s\" for details.\n",
                                q ? q : unit, q ? q : unit);
                        if (streq_ptr(sres, "start-limit"))
                                fprintf(stderr, "To force a start use \"systemctl reset-failed %s\"\n"
                                        "followed by \"systemctl start %s\" again.\n", q ? q : unit, q ? q : unit);
                } else
                        fputs("Job failed. See \"journalctl -xe\" for details.\n", stderr);
        }
        return -EIO;
}

/* Wait for a JobRemoved signal for every job in w; returns the first failure (<0) or 0. */
static int wait_for_jobs(Ctl *c, JobWait *w) {
        int ret = 0, r;

        while (w->paths && w->paths[0]) {
                _cleanup_bus_message_ BusMessage *m = NULL;
                const char *job, *unit, *result;
                uint32_t id;
                size_t i;

                r = bus_conn_wait_message(c->conn, USEC_INFINITY, &m);
                if (r <= 0) {
                        errno = r < 0 ? -r : ETIMEDOUT;
                        fprintf(stderr, "Failed to wait for response: %m\n");
                        return r < 0 ? r : -ETIMEDOUT;
                }
                if (!bus_message_is_signal(m, SD_MANAGER, "JobRemoved") ||
                    bus_message_read(m, "uoss", &id, &job, &unit, &result) <= 0)
                        continue;
                for (i = 0; w->paths[i]; i++)
                        if (streq(w->paths[i], job))
                                break;
                if (!w->paths[i])
                        continue;
                r = report_job_result(c, unit, result);
                if (r < 0 && ret == 0)
                        ret = r;
                /* drop entry i of both vectors (they are parallel) */
                free(w->paths[i]);
                free(w->units[i]);
                memmove(w->paths + i, w->paths + i + 1, (strv_length(w->paths + i + 1) + 1) * sizeof(char *));
                memmove(w->units + i, w->units + i + 1, (strv_length(w->units + i + 1) + 1) * sizeof(char *));
        }
        return ret;
}

/* -T: EnqueueUnitJob's job type for a method, NULL where 252's has none (reload-or-try-restart) */
static const char *enqueue_job_type(const char *method) {
        static const struct { const char *method, *type; } map[] = {
                { "StartUnit", "start" }, { "StopUnit", "stop" }, { "ReloadUnit", "reload" },
                { "RestartUnit", "restart" }, { "TryRestartUnit", "try-restart" },
                { "ReloadOrRestartUnit", "reload-or-start" },
        };
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (streq(map[i].method, method)) return map[i].type;
        return NULL;
}

/* EnqueueUnitJob's answer (uososa(uosos)): its job path, and 252's "Enqueued anchor job N unit/type."
 * and a line per auxiliary job on stderr. */
static int read_transaction(BusMessage *reply, const char **ret_path) {
        uint32_t id;
        const char *jp, *unit, *up, *type;
        if (bus_message_read(reply, "uosos", &id, ret_path, &unit, &up, &type) <= 0) return -EBADMSG;
        fprintf(stderr, "Enqueued anchor job %" PRIu32 " %s/%s.\n", id, unit, type);
        if (bus_message_enter_container(reply, 'a', "(uosos)") <= 0) return -EBADMSG;
        while (bus_message_read(reply, "(uosos)", &id, &jp, &unit, &up, &type) > 0)
                fprintf(stderr, "Enqueued auxiliary job %" PRIu32 " %s/%s.\n", id, unit, type);
        return 0;
}

/* One StartUnit/StopUnit/... call (EnqueueUnitJob with -T). Returns 0 or the exit code for the error. */
static int start_one(Ctl *c, const char *method, const char *job_type, const char *name, const char *mode,
                     JobWait *w) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        const char *path, *ename = NULL, *etext = NULL;
        const char *enqueue = c->args->show_transaction ? enqueue_job_type(method) : NULL;
        int r;

        r = ctl_new_call(&m, SD_PATH, SD_MANAGER, enqueue ? "EnqueueUnitJob" : method);
        if (r < 0 || (r = enqueue ? bus_message_append(m, "sss", name, enqueue, mode) : bus_message_append(m, "ss", name, mode)) < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                if (r == -EREMOTEIO)
                        (void) bus_message_get_error(reply, &ename, &etext);
                if (streq_ptr(ename, "org.freedesktop.systemd1.UnitMasked") &&
                    (streq(method, "TryRestartUnit") || streq(method, "ReloadOrTryRestartUnit")))
                        return 0;
                int code = ctl_log_call_error(r, reply, "Failed to %s %s", job_type, name);
                if (!streq_ptr(ename, "org.freedesktop.systemd1.NoSuchUnit") &&
                    !streq_ptr(ename, "org.freedesktop.systemd1.UnitMasked") &&
                    !streq_ptr(ename, "org.freedesktop.systemd1.JobTypeNotApplicable"))
                        fprintf(stderr, "See system logs and 'systemctl status%s %s' for details.\n",
                                name[0] == '-' ? " --" : "", name);
                return code;
        }
        if (enqueue ? read_transaction(reply, &path) < 0 : bus_message_read(reply, "o", &path) <= 0) {
                fputs("Failed to parse bus message: Bad message\n", stderr);
                return 1;
        }
        if (ctl_need_daemon_reload(c, name) > 0)
                ctl_warn_unit_file_changed(name);
        if (w && (strv_extend(&w->paths, path) < 0 || strv_extend(&w->units, name) < 0))
                return 1;
        return 0;
}

/* --wait (252's BUS_WAIT_FOR_INACTIVE|BUS_WAIT_NO_JOB): the unit's ActiveState and Job from
 * GetAll. 1 when it is inactive or failed with no job (*failed says which), 0 while not, <0. */
static int unit_settled(Ctl *c, const char *path, bool *failed) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        bool inactive = false, job = false;
        int r = ctl_get_all(c, path, SD_UNIT, &reply);
        if (r < 0 || (r = bus_message_enter_container(reply, 'a', "{sv}")) < 0)
                return r < 0 ? r : -EBADMSG;
        while ((r = bus_message_enter_container(reply, 'e', "sv")) > 0) {
                const char *name = NULL, *sig = NULL, *str = NULL;
                uint32_t id = 0;
                char type;
                if ((r = bus_message_read(reply, "s", &name)) < 0 || (r = bus_message_peek_type(reply, &type, &sig)) < 0 ||
                    (r = bus_message_enter_container(reply, 'v', sig)) < 0)
                        return r;
                if (streq(name, "ActiveState") && streq(sig, "s") && (r = bus_message_read(reply, "s", &str)) > 0) {
                        inactive = streq(str, "inactive") || streq(str, "failed");
                        *failed = streq(str, "failed");
                } else if (streq(name, "Job") && streq(sig, "(uo)") && (r = bus_message_read(reply, "(uo)", &id, &str)) > 0)
                        job = id != 0;
                else
                        r = bus_message_skip(reply, sig);
                if (r < 0 || (r = bus_message_exit_container(reply)) < 0 || (r = bus_message_exit_container(reply)) < 0)
                        return r;
        }
        return r < 0 ? r : inactive && !job;
}

/* Until every unit named is inactive again: EXIT_FAILURE when one ended failed, as 252. */
static int wait_for_inactive(Ctl *c, char **names) {
        bool any_failed = false;
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *path = NULL;
                bool failed = false;
                int r = ctl_unit_path(*n, &path);
                while (r >= 0 && (r = unit_settled(c, path, &failed)) == 0) {
                        _cleanup_bus_message_ BusMessage *m = NULL;
                        r = bus_conn_wait_message(c->conn, USEC_INFINITY, &m);
                        if (r == 0)
                                r = -ETIMEDOUT;
                }
                if (r < 0) {
                        errno = -r;
                        fprintf(stderr, "Failed to wait for units: %m\n");
                        return EXIT_FAILURE;
                }
                any_failed |= failed;
        }
        return any_failed ? EXIT_FAILURE : 0;
}

static int start_units(Ctl *c, const char *verb, const char *method, const char *job_type, const char *mode,
                       char **names, bool no_block) {
        _cleanup_strv_free_ char **stopped = NULL;
        JobWait w = {};
        int ret = 0, r;

        r = ctl_bus(c);
        if (r < 0)
                return 1;
        STRV_FOREACH(n, names) {
                r = start_one(c, method, job_type, *n, mode, no_block ? NULL : &w);
                if (r != 0 && ret == 0)
                        ret = r;
                if (r == 0 && streq(method, "StopUnit") && strv_extend(&stopped, *n) < 0)
                        ret = 1;
        }
        (void) verb;
        if (!no_block) {
                r = wait_for_jobs(c, &w);
                job_wait_done(&w);
                if (r < 0)
                        return 1;
                if (!c->args->quiet)
                        STRV_FOREACH(n, stopped)
                                check_triggering_units(c, *n);
        }
        return ret;
}

int verb_ctl_start(Ctl *c, int argc, char **argv) {
        (void) argc;
        _cleanup_strv_free_ char **names = NULL;
        const char *method = "StartUnit", *job_type = "start";
        int r;

        for (size_t i = 0; i < ELEMENTSOF(unit_actions); i++)
                if (streq(unit_actions[i].verb, argv[0])) {
                        method = unit_actions[i].method;
                        job_type = unit_actions[i].job_type;
                }
        if (c->args->wait && !streq(argv[0], "start") && !streq(argv[0], "restart")) {
                fputs("--wait may only be used with the 'start' or 'restart' commands.\n", stderr);
                return 1;
        }
        if (c->args->wait && c->args->no_block) {
                fputs("--wait may not be combined with --no-block.\n", stderr);
                return 1;
        }
        r = ctl_bus(c);
        if (r < 0)
                return 1;
        bool expanded = false;
        if (ctl_expand_names_or_say(c, argv + 1, &names, &expanded) < 0)
                return 1;
        if (!c->args->all && expanded && streq(job_type, "start") && !c->args->quiet) {
                bool colors = ctl_colors_enabled();
                fprintf(stderr, "Warning: %ssystemctl start called with a glob pattern.%s\n"
                        "Hint: unit globs expand to loaded units, so start will usually have no effect.\n"
                        "      Passing --all will also load units which are pulled in by other units.\n"
                        "      See systemctl(1) for more details.\n",
                        colors ? "\x1B[0;1;31m" : "", colors ? "\x1B[0m" : "");
        }
        r = start_units(c, argv[0], method, job_type, c->args->job_mode ?: "replace", names, c->args->no_block);
        if (c->args->wait) {
                int w = wait_for_inactive(c, names);
                if (r == 0)
                        r = w;
        }
        return r;
}

int verb_ctl_isolate(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        (void) argc;
        if (ctl_bus(c) < 0)
                return 1;
        if (expand_names(c, argv + 1, ".target", &names) < 0)
                return 1;
        return start_units(c, "isolate", "StartUnit", "start", "isolate", names, c->args->no_block);
}

static int trivial_method(Ctl *c, const char *method, const char *what) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        int r = ctl_new_call(&m, SD_PATH, SD_MANAGER, method);
        if (r < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0)
                return ctl_log_call_error(r, reply, "Failed to %s", what);
        return 0;
}

int verb_ctl_power(Ctl *c, int argc, char **argv) {
        static const struct { const char *verb, *target, *mode, *method; } actions[] = {
                { "halt",      "halt.target",      "replace-irreversibly", "Halt" },
                { "poweroff",  "poweroff.target",  "replace-irreversibly", "PowerOff" },
                { "reboot",    "reboot.target",    "replace-irreversibly", "Reboot" },
                { "kexec",     "kexec.target",     "replace-irreversibly", "KExec" },
                { "exit",      "exit.target",      "replace-irreversibly", "Exit" },
                { "default",   "default.target",   "isolate",              NULL },
                { "rescue",    "rescue.target",    "isolate",              NULL },
                { "emergency", "emergency.target", "isolate",              NULL },
        };
        size_t i;

        for (i = 0; i < ELEMENTSOF(actions); i++)
                if (streq(actions[i].verb, argv[0]))
                        break;
        if (i >= ELEMENTSOF(actions) || ctl_bus(c) < 0)
                return 1;
        if (streq(argv[0], "exit") && argc > 1) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                unsigned code;
                int r;
                if (safe_atou(argv[1], &code) < 0 || code > 255) {
                        fputs("Invalid exit code.\n", stderr);
                        return 1;
                }
                if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "SetExitCode") < 0 ||
                    bus_message_append(m, "y", (int) code) < 0)
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0)
                        return ctl_log_call_error(r, reply, "Failed to set exit code");
        }
        if (c->args->force && actions[i].method)
                return trivial_method(c, actions[i].method, "execute operation");
        /* No logind in a container: systemctl 252 then starts the target without waiting. */
        char *names[] = { (char *) actions[i].target, NULL };
        bool no_block = c->args->no_block || actions[i].method != NULL;
        return start_units(c, argv[0], "StartUnit", "start", actions[i].mode, names, no_block);
}

int verb_ctl_kill(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        const char *whom = c->args->kill_whom ?: "all";
        _cleanup_free_ char *whom_fail = NULL;
        int ret = 0;

        (void) argc;
        if (ctl_bus(c) < 0 || expand_names(c, argv + 1, NULL, &names) < 0)
                return 1;
        if (streq_ptr(c->args->job_mode, "fail")) {
                whom_fail = strjoin(whom, "-fail");
                if (!whom_fail)
                        return 1;
                whom = whom_fail;
        }
        STRV_FOREACH(n, names) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                int r;

                if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "KillUnit") < 0 ||
                    bus_message_append(m, "ssi", *n, whom, c->args->signal) < 0)
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0) {
                        ctl_log_call_error(r, reply, "Failed to kill unit %s", *n);
                        ret = 1;
                }
        }
        return ret;
}

int verb_ctl_reset_failed(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        int ret = 0;

        if (ctl_bus(c) < 0)
                return 1;
        if (argc <= 1)
                return trivial_method(c, "ResetFailed", "reset failed state");
        if (expand_names(c, argv + 1, NULL, &names) < 0)
                return 1;
        STRV_FOREACH(n, names) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                int r;

                if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "ResetFailedUnit") < 0 ||
                    bus_message_append(m, "s", *n) < 0)
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0) {
                        /* 252 returns the errno here, not an exit code mapped from the error name */
                        (void) ctl_log_call_error(r, reply, "Failed to reset failed state of unit %s", *n);
                        ret = 1;
                }
        }
        return ret;
}
