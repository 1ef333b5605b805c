/* SPDX-License-Identifier: MIT */
/* The service state machine (systemd.service(5)): the states and transitions of systemd's
 * service.c, with processes found without cgroups (kill.c). Every transition is driven by the
 * event loop: a child exit, a timer, a notify message, or a job. */
#include <fcntl.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <sys/wait.h>
#include "base/log.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "core/exec-run.h"
#include "core/exit-policy.h"
#include "core/job.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/notify-msg.h"
#include "core/proc-scan.h"
#include "core/service.h"
#include "core/socket.h"
#include "exec/env.h"
#include "exec/spawn.h"

static const char *const service_state_table[_SERVICE_STATE_MAX] = {
        [SERVICE_DEAD] = "dead", [SERVICE_CONDITION] = "condition", [SERVICE_START_PRE] = "start-pre",
        [SERVICE_START] = "start", [SERVICE_START_POST] = "start-post", [SERVICE_RUNNING] = "running",
        [SERVICE_EXITED] = "exited", [SERVICE_RELOAD] = "reload", [SERVICE_STOP] = "stop",
        [SERVICE_STOP_WATCHDOG] = "stop-watchdog", [SERVICE_STOP_SIGTERM] = "stop-sigterm",
        [SERVICE_STOP_SIGKILL] = "stop-sigkill", [SERVICE_STOP_POST] = "stop-post",
        [SERVICE_FINAL_WATCHDOG] = "final-watchdog", [SERVICE_FINAL_SIGTERM] = "final-sigterm",
        [SERVICE_FINAL_SIGKILL] = "final-sigkill", [SERVICE_FAILED] = "failed", [SERVICE_AUTO_RESTART] = "auto-restart",
};
const char *service_state_to_string(ServiceState s) { return s < _SERVICE_STATE_MAX ? service_state_table[s] : NULL; }

static const char *const service_result_table[_SERVICE_RESULT_MAX] = {
        [SERVICE_SUCCESS] = "success", [SERVICE_FAILURE_RESOURCES] = "resources", [SERVICE_FAILURE_PROTOCOL] = "protocol",
        [SERVICE_FAILURE_TIMEOUT] = "timeout", [SERVICE_FAILURE_EXIT_CODE] = "exit-code", [SERVICE_FAILURE_SIGNAL] = "signal",
        [SERVICE_FAILURE_CORE_DUMP] = "core-dump", [SERVICE_FAILURE_WATCHDOG] = "watchdog",
        [SERVICE_FAILURE_START_LIMIT_HIT] = "start-limit-hit", [SERVICE_SKIP_CONDITION] = "exec-condition",
};
const char *service_result_to_string(ServiceResult r) { return r < _SERVICE_RESULT_MAX ? service_result_table[r] : NULL; }

static UnitActiveState state_to_active(ServiceState s) {
        switch (s) {
        case SERVICE_DEAD: return UNIT_INACTIVE;
        case SERVICE_FAILED: return UNIT_FAILED;
        case SERVICE_RUNNING: case SERVICE_EXITED: return UNIT_ACTIVE;
        case SERVICE_RELOAD: return UNIT_RELOADING;
        case SERVICE_CONDITION: case SERVICE_START_PRE: case SERVICE_START: case SERVICE_START_POST:
        case SERVICE_AUTO_RESTART: return UNIT_ACTIVATING;
        default: return UNIT_DEACTIVATING;
        }
}

static ServiceConfig *cfg(Service *s) { return s->meta.cfg->service; }

static void service_init(MUnit *u) {
        Service *s = SERVICE(u);
        s->main_cmd = s->control_cmd = (ExecCommandRef)EXEC_COMMAND_REF_NONE;
        s->exec_report_fd = -1;
        s->socket_fd = -1;
        s->state = SERVICE_DEAD;
}

static void unwatch_main(Service *s) {
        event_source_free(s->main_watch);
        s->main_watch = NULL;
        event_source_free(s->exec_watch);
        s->exec_watch = NULL;
        if (s->exec_report_fd >= 0) close(s->exec_report_fd);
        s->exec_report_fd = -1;
}

static void release_fd_store(Service *s) {
        for (size_t i = 0; i < s->n_fd_store; i++) close(s->fd_store[i]);
        free(s->fd_store);
        strv_free(s->fd_store_names);
        s->fd_store = NULL;
        s->fd_store_names = NULL;
        s->n_fd_store = 0;
}

static void service_done(MUnit *u) {
        Service *s = SERVICE(u);
        unwatch_main(s);
        event_source_free(s->control_watch);
        event_source_free(s->timer);
        event_source_free(s->watchdog_timer);
        free(s->status_text);
        release_fd_store(s);
        if (s->socket_fd >= 0) close(s->socket_fd);
        free(s->peer);
        exec_command_ref_clear(&s->main_cmd);
        exec_command_ref_clear(&s->control_cmd);
        free(s->exec_runs);
}

/* An Accept=yes instance that is gone for good gives its connection back to the socket; systemd
 * collects a finished one (unless it failed: kept to be seen). */
static void release_connection(Service *s) {
        MUnit *u = &s->meta;
        if (!s->accept_socket || !UNIT_IS_INACTIVE_OR_FAILED(u->state) || s->state == SERVICE_AUTO_RESTART) return;
        if (s->socket_fd >= 0) close(s->socket_fd);
        s->socket_fd = -1;
        socket_connection_done(s->accept_socket);
        s->accept_socket = NULL;
        if (u->state == UNIT_INACTIVE) {
                u->gc_pending = true;
                manager_schedule_gc(u->m);
        }
}

static void set_state(Service *s, ServiceState ns) {
        MUnit *u = &s->meta;
        ServiceState os = s->state;
        s->state = ns;
        if (ns != SERVICE_RUNNING && s->watchdog_timer) event_source_set_time(s->watchdog_timer, USEC_INFINITY);
        if (os != ns) log_debug("%s: Changed %s -> %s", u->id, service_state_to_string(os), service_state_to_string(ns));
        UnitActiveState oa = u->state, na = state_to_active(ns);
        if (oa == na && os == ns) return;
        munit_notify(u, oa, na, s->reload_result == SERVICE_SUCCESS);
        release_connection(s);
}

static int on_timer(EventSource *src, usec_t now, void *userdata);
static void watchdog_kick(Service *s);

static void arm_timer(Service *s, usec_t timeout) {
        MUnit *u = &s->meta;
        usec_t when = timeout == USEC_INFINITY || timeout == 0 ? USEC_INFINITY : manager_now(u->m, CLOCK_MONOTONIC) + timeout;
        if (!s->timer) {
                if (when == USEC_INFINITY) return;
                if (event_add_time(u->m->event, &s->timer, when, on_timer, u) < 0) log_oom();
                return;
        }
        event_source_set_time(s->timer, when);
}

/* The restart delay: unlike a timeout, 0 (RestartSec=0) is "at once", not "never". */
static void arm_restart_timer(Service *s, usec_t delay) {
        arm_timer(s, delay == 0 ? 1 : delay);
}

/* systemd 254 counts a restart when its job is queued (n_restarts, at the end of the delay), so
 * until then the next restart is one more than the counter says. */
usec_t service_restart_usec_next_runtime(const Service *s) {
        unsigned n = s->n_restarts + (s->restart_queued ? 0 : 1);
        return service_restart_usec_next(s->meta.cfg->service, n);
}

static usec_t stop_timeout(Service *s) {
        MUnit *u = &s->meta;
        usec_t t = cfg(s)->timeout_stop_usec;
        if (u->m->shutting_down && u->m->set.shutdown_timeout != USEC_INFINITY) {
                usec_t left = u->m->set.shutdown_timeout;
                if (t == USEC_INFINITY || t > left) t = left;
        }
        return t;
}

/* ---- processes ---- */

static int on_main_exit(EventSource *src, const siginfo_t *si, void *userdata);
static int on_control_exit(EventSource *src, const siginfo_t *si, void *userdata);
static int on_exec_report(EventSource *src, int fd, uint32_t revents, void *userdata);

static void set_main_pid(Service *s, pid_t pid, bool ours) {
        MUnit *u = &s->meta;
        unwatch_main(s);
        s->main_pid = pid;
        s->main_pid_known = pid > 0;
        s->main_pid_alien = !ours;
        if (pid <= 0) return;
        munit_add_pid(u, pid);
        /* Our child or re-parented to us (PID 1 / subreaper): its exit reaches us. */
        if (event_add_child(u->m->event, &s->main_watch, pid, on_main_exit, u) < 0)
                log_debug("%s: cannot watch main PID %d", u->id, (int)pid);
}

/* $SERVICE_RESULT, $EXIT_CODE and $EXIT_STATUS of src's last run, each name after `prefix`. */
static int result_environment(const Service *src, const char *prefix, char ***env) {
        char name[32], num[24];
        int r = 0;
        snprintf(name, sizeof name, "%sSERVICE_RESULT", prefix);
        r |= env_set(env, name, service_result_to_string(src->result));
        if (!src->main_exit_code) return r;
        int code = src->main_exit_code;
        snprintf(name, sizeof name, "%sEXIT_CODE", prefix);
        r |= env_set(env, name, code == CLD_EXITED ? "exited" : code == CLD_DUMPED ? "dumped" : "killed");
        if (code == CLD_EXITED) snprintf(num, sizeof num, "%d", src->main_exit_status);
        else snprintf(num, sizeof num, "%s", strna(signal_abbrev(src->main_exit_status)));
        snprintf(name, sizeof name, "%sEXIT_STATUS", prefix);
        r |= env_set(env, name, num);
        return r;
}

/* The service whose OnFailure= or OnSuccess= names s (systemd 252's service_get_triggering_service()):
 * none when several units do, as it could not say whose result to pass. */
static const Service *triggering_service(Service *s) {
        static const UnitDependency kinds[] = { UNIT_ON_FAILURE_OF, UNIT_ON_SUCCESS_OF };
        MUnit *candidate = NULL;
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                MUnit *const *deps;
                size_t n = munit_dependencies(&s->meta, kinds[k], &deps);
                for (size_t i = 0; i < n; i++) {
                        if (candidate) {
                                log_warning("%s: multiple trigger source candidates for exit status propagation (%s, %s), skipping.",
                                            s->meta.id, candidate->id, deps[i]->id);
                                return NULL;
                        }
                        candidate = deps[i];
                }
        }
        return SERVICE(candidate);
}

/* What a handler started by another service's OnFailure=/OnSuccess= learns of it, in ExecStartPre=
 * and ExecStart= (systemd.exec(5)): $MONITOR_SERVICE_RESULT, $MONITOR_EXIT_CODE, $MONITOR_EXIT_STATUS,
 * $MONITOR_INVOCATION_ID, $MONITOR_UNIT. */
static int monitor_environment(Service *s, char ***env) {
        const Service *src = triggering_service(s);
        if (!src) return 0;
        int r = result_environment(src, "MONITOR_", env);
        if (src->meta.invocation_id[0]) r |= env_set(env, "MONITOR_INVOCATION_ID", src->meta.invocation_id);
        r |= env_set(env, "MONITOR_UNIT", src->meta.id);
        return r;
}

/* The variables a service's processes get beyond every unit's (systemd.exec(5)): $NOTIFY_SOCKET,
 * $WATCHDOG_USEC for the main process, $MAINPID for control processes, $SERVICE_RESULT,
 * $EXIT_CODE, $EXIT_STATUS for ExecStop= and ExecStopPost=, $MONITOR_* for ExecStartPre= and
 * ExecStart=. */
static int service_environment(Service *s, bool is_control, ServiceExecCommand id, char ***env) {
        ServiceConfig *c = cfg(s);
        char num[24];
        int r = 0;
        if (c->notify_access != NOTIFY_NONE && s->meta.m->notify_fd >= 0) r |= env_set(env, "NOTIFY_SOCKET", "/run/systemd/notify");
        if (is_control && s->main_pid > 0) {
                snprintf(num, sizeof num, "%d", (int)s->main_pid);
                r |= env_set(env, "MAINPID", num);
        }
        if (!is_control && c->watchdog_usec > 0 && c->watchdog_usec != USEC_INFINITY) {
                snprintf(num, sizeof num, "%llu", (unsigned long long)c->watchdog_usec);
                r |= env_set(env, "WATCHDOG_USEC", num);
        }
        if (is_control && (id == SERVICE_EXEC_STOP || id == SERVICE_EXEC_STOP_POST)) r |= result_environment(s, "", env);
        if (id == SERVICE_EXEC_START_PRE || id == SERVICE_EXEC_START) r |= monitor_environment(s, env);
        return r < 0 ? -ENOMEM : 0;
}

/* The fds the main process gets (socket activation, as systemd: never the control processes):
 * its Accept=yes connection, or every listening fd of the sockets that trigger it; then the fd
 * store. The arrays are the caller's, the fds and names borrowed. */
static int collect_fds(Service *s, int **ret_fds, const char ***ret_names, size_t *ret_n) {
        _cleanup_free_ int *fds = NULL;
        _cleanup_free_ const char **names = NULL;
        size_t n = 0;
        int r;
        if (s->socket_fd >= 0) {
                if (!(fds = malloc(sizeof *fds)) || !(names = malloc(sizeof *names))) return -ENOMEM;
                fds[0] = s->socket_fd;
                names[0] = "connection";
                n = 1;
        } else if ((r = socket_collect_fds(&s->meta, &fds, &names, &n)) < 0)
                return r;
        if (s->n_fd_store) {
                int *nf = realloc(fds, (n + s->n_fd_store) * sizeof *nf);
                if (nf) fds = nf;
                const char **nn = realloc(names, (n + s->n_fd_store) * sizeof *nn);
                if (nn) names = nn;
                if (!nf || !nn) return -ENOMEM;
                for (size_t i = 0; i < s->n_fd_store; i++) {
                        fds[n] = s->fd_store[i];
                        names[n++] = s->fd_store_names && s->fd_store_names[i] ? s->fd_store_names[i] : "stored";
                }
        }
        *ret_fds = TAKE_PTR(fds);
        *ret_names = TAKE_PTR(names);
        *ret_n = n;
        return 0;
}

static int service_spawn(Service *s, const ExecCommand *c, bool is_control, ServiceExecCommand id, pid_t *ret_pid,
                         int *ret_report_fd) {
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_free_ int *fds = NULL;
        _cleanup_free_ const char **names = NULL;
        ExecRunParams p = EXEC_RUN_PARAMS_INIT;
        int r = service_environment(s, is_control, id, &env);
        if (r >= 0 && !is_control) r = collect_fds(s, &fds, &names, &p.n_fds);
        if (r < 0) return r;
        p.is_control = is_control;
        p.privileged = is_control && cfg(s)->permissions_start_only;
        p.environment = env;
        p.socket_fd = s->socket_fd;
        p.fds = fds;
        p.fd_names = names;
        return munit_spawn(&s->meta, c, &p, ret_pid, ret_report_fd);
}

static ExecCommand *const *commands(Service *s) { return cfg(s)->exec_command; }

/* ---- runtime records of the commands ---- */

/* The record of the command ref names, a new one if it has none yet (at most one per command of
 * the configuration); NULL when ref names none or memory is short (the record is then missing). */
static ServiceExecRun *exec_run_of(Service *s, const ExecCommandRef *ref) {
        if (ref->list < 0) return NULL;
        for (size_t i = 0; i < s->n_exec_runs; i++)
                if (s->exec_runs[i].list == ref->list && s->exec_runs[i].index == ref->index) return &s->exec_runs[i];
        ServiceExecRun *n = realloc(s->exec_runs, (s->n_exec_runs + 1) * sizeof *n);
        if (!n) return NULL;
        s->exec_runs = n;
        n += s->n_exec_runs++;
        *n = (ServiceExecRun) { .list = ref->list, .index = ref->index };
        return n;
}

static void exec_run_started(Service *s, const ExecCommandRef *ref, pid_t pid) {
        ServiceExecRun *run = exec_run_of(s, ref);
        if (!run) return;
        *run = (ServiceExecRun) { .list = run->list, .index = run->index, .pid = pid };
        dual_timestamp_now(s->meta.m, &run->start);
}

static void exec_run_exited(Service *s, const ExecCommandRef *ref, const siginfo_t *si) {
        ServiceExecRun *run = exec_run_of(s, ref);
        if (!run || run->pid != si->si_pid) return;
        run->code = si->si_code;
        run->status = si->si_status;
        dual_timestamp_now(s->meta.m, &run->exit);
}

const ServiceExecRun *service_exec_run(const Service *s, const ExecCommand *c) {
        if (!s->meta.cfg || !c) return NULL;
        for (size_t i = 0; i < s->n_exec_runs; i++)
                if (exec_command_at(s->meta.cfg->service->exec_command, s->exec_runs[i].list, s->exec_runs[i].index) == c)
                        return &s->exec_runs[i];
        return NULL;
}

/* Run the control command s->control_cmd names (exec_command_ref_next() chose it). */
static int spawn_control(Service *s, ServiceExecCommand id, const ExecCommand *c) {
        MUnit *u = &s->meta;
        pid_t pid;
        int report_fd;
        int r = service_spawn(s, c, true, id, &pid, &report_fd);
        if (r < 0) {
                exec_command_ref_clear(&s->control_cmd);
                return r;
        }
        close(report_fd);   /* the exit status carries the failure (203/EXEC ...) */
        s->control_pid = pid;
        exec_run_started(s, &s->control_cmd, pid);
        munit_add_pid(u, pid);
        event_source_free(s->control_watch);
        s->control_watch = NULL;
        if ((r = event_add_child(u->m->event, &s->control_watch, pid, on_control_exit, u)) < 0) return r;
        return 0;
}

static int spawn_main(Service *s, const ExecCommand *c) {
        MUnit *u = &s->meta;
        pid_t pid;
        int report_fd;
        int r = service_spawn(s, c, false, SERVICE_EXEC_START, &pid, &report_fd);
        if (r < 0) {
                exec_command_ref_clear(&s->main_cmd);
                return r;
        }
        set_main_pid(s, pid, true);
        exec_run_started(s, &s->main_cmd, pid);
        s->exec_main_pid = pid;
        dual_timestamp_now(u->m, &s->exec_main_start);
        s->exec_main_exit = (DualTimestamp) { 0 };
        s->exec_report_fd = report_fd;
        if (cfg(s)->type == SERVICE_EXEC &&
            event_add_io(u->m->event, &s->exec_watch, report_fd, EPOLLIN, on_exec_report, u) < 0)
                return -ENOMEM;
        return 0;
}

static bool all_processes_gone(Service *s) {
        MUnit *u = &s->meta;
        if (s->main_pid > 0 || s->control_pid > 0) return false;
        KillMode km = cfg(s)->kill.kill_mode;
        if (km == KILL_PROCESS || km == KILL_NONE) return true;
        pid_t *pids = NULL;
        size_t n = 0;
        if (munit_members(u, &pids, &n) < 0) return true;
        free(pids);
        return n == 0;
}

/* ---- transitions ---- */

static void enter_dead(Service *s, ServiceResult f, bool allow_restart);
static void enter_signal(Service *s, ServiceState state, ServiceResult f);
static void enter_stop_post(Service *s, ServiceResult f);
static void enter_running(Service *s, ServiceResult f);
static void enter_start_post(Service *s);
static void enter_stop(Service *s, ServiceResult f);
static void enter_start_post_done(Service *s);
static void enter_reload_done(Service *s);

static void record(Service *s, ServiceResult f) {
        if (s->result == SERVICE_SUCCESS) s->result = f;
}

static bool should_restart(Service *s) {
        MUnit *u = &s->meta;
        ServiceConfig *c = cfg(s);
        if (s->forbid_restart || u->m->shutting_down) return false;
        if (s->result == SERVICE_FAILURE_START_LIMIT_HIT || s->result == SERVICE_SKIP_CONDITION) return false;
        int code = s->main_exit_code, st = s->main_exit_status;
        bool exited = code == CLD_EXITED;
        if (exited && st < 256 && (c->restart_prevent_status.status[st / 8] & (1u << (st % 8)))) return false;
        if (!exited && code && st < 72 && (c->restart_prevent_status.signal[st / 8] & (1u << (st % 8)))) return false;
        if (exited && st < 256 && (c->restart_force_status.status[st / 8] & (1u << (st % 8)))) return true;
        if (!exited && code && st < 72 && (c->restart_force_status.signal[st / 8] & (1u << (st % 8)))) return true;
        switch (c->restart) {
        case SERVICE_RESTART_NO: return false;
        case SERVICE_RESTART_ALWAYS: return true;
        case SERVICE_RESTART_ON_SUCCESS: return s->result == SERVICE_SUCCESS;
        case SERVICE_RESTART_ON_FAILURE: return s->result != SERVICE_SUCCESS;
        case SERVICE_RESTART_ON_ABNORMAL:
                return s->result != SERVICE_SUCCESS && s->result != SERVICE_FAILURE_EXIT_CODE;
        case SERVICE_RESTART_ON_WATCHDOG: return s->result == SERVICE_FAILURE_WATCHDOG;
        case SERVICE_RESTART_ON_ABORT:
                return s->result == SERVICE_FAILURE_SIGNAL || s->result == SERVICE_FAILURE_CORE_DUMP;
        default: return false;
        }
}

static void enter_dead(Service *s, ServiceResult f, bool allow_restart) {
        MUnit *u = &s->meta;
        record(s, f);
        unwatch_main(s);
        s->main_pid = s->control_pid = 0;
        if (s->result != SERVICE_SUCCESS)
                log_warning("%s: Failed with result '%s'.", u->id, service_result_to_string(s->result));
        s->restart_queued = false;
        if (allow_restart && should_restart(s)) {
                usec_t delay = service_restart_usec_next_runtime(s);
                char buf[FORMAT_TIMESPAN_MAX];
                log_debug("%s: Next restart interval calculated as: %s", u->id, format_timespan(buf, sizeof buf, delay, 0));
                set_state(s, SERVICE_AUTO_RESTART);
                arm_restart_timer(s, delay);
                return;
        }
        /* not restarting: NRestarts= stays visible until the next start (252's flush_n_restarts) */
        s->flush_n_restarts = true;
        if (cfg(s)->exec.runtime_directory_preserve_mode == 0 ||
            (cfg(s)->exec.runtime_directory_preserve_mode == 2 && !allow_restart))
                munit_remove_runtime_directories(u);
        s->forbid_restart = false;
        set_state(s, s->result == SERVICE_SUCCESS || s->result == SERVICE_SKIP_CONDITION ? SERVICE_DEAD : SERVICE_FAILED);
        /* stopped for good (no restart job waiting): the fd store goes, as systemd 252 releases a
         * dead unit's resources; a restart keeps it for the next run */
        if (!u->job || u->job->type == JOB_STOP) release_fd_store(s);
}

static void enter_stop_post(Service *s, ServiceResult f) {
        MUnit *u = &s->meta;
        record(s, f);
        const ExecCommand *c = exec_command_ref_first(&s->control_cmd, commands(s), SERVICE_EXEC_STOP_POST);
        if (c) {
                int r = spawn_control(s, SERVICE_EXEC_STOP_POST, c);
                if (r >= 0) {
                        arm_timer(s, stop_timeout(s));
                        set_state(s, SERVICE_STOP_POST);
                        return;
                }
                if (r != -ESHUTDOWN) log_warning("%s: Failed to run 'stop-post' task.", u->id);
        }
        enter_signal(s, SERVICE_FINAL_SIGTERM, SERVICE_SUCCESS);
}

static int kill_signal_for(Service *s, ServiceState st) {
        MUnit *u = &s->meta;
        KillContext *k = &cfg(s)->kill;
        if (st == SERVICE_STOP_SIGKILL || st == SERVICE_FINAL_SIGKILL) return k->final_kill_signal;
        if (st == SERVICE_STOP_WATCHDOG || st == SERVICE_FINAL_WATCHDOG) return k->watchdog_signal;
        if (u->job && u->job->type == JOB_RESTART && k->restart_kill_signal) return k->restart_kill_signal;
        return k->kill_signal;
}

static void enter_signal(Service *s, ServiceState state, ServiceResult f) {
        MUnit *u = &s->meta;
        record(s, f);
        KillContext *k = &cfg(s)->kill;
        bool sigkill = state == SERVICE_STOP_SIGKILL || state == SERVICE_FINAL_SIGKILL;
        int n = 0;
        if (k->kill_mode != KILL_NONE || sigkill) {
                /* process: main only; mixed: main only until the SIGKILL round */
                bool main_only = k->kill_mode == KILL_PROCESS || (k->kill_mode == KILL_MIXED && !sigkill);
                int sig = kill_signal_for(s, state);
                munit_kill_round_begin(u, main_only ? 0 : sig);
                n = munit_kill(u, sig, main_only);
                if (k->send_sighup && !sigkill) (void)munit_kill(u, SIGHUP, main_only);
        }
        if (n > 0 || s->main_pid > 0 || s->control_pid > 0) {
                set_state(s, state);
                arm_timer(s, sigkill ? 5 * USEC_PER_SEC : stop_timeout(s));
                if (all_processes_gone(s)) goto next;
                return;
        }
next:
        if (state == SERVICE_STOP_SIGTERM || state == SERVICE_STOP_WATCHDOG) {
                if (k->send_sigkill && !all_processes_gone(s)) return enter_signal(s, SERVICE_STOP_SIGKILL, SERVICE_SUCCESS);
                return enter_stop_post(s, SERVICE_SUCCESS);
        }
        if (state == SERVICE_STOP_SIGKILL) return enter_stop_post(s, SERVICE_SUCCESS);
        if ((state == SERVICE_FINAL_SIGTERM || state == SERVICE_FINAL_WATCHDOG) && k->send_sigkill && !all_processes_gone(s))
                return enter_signal(s, SERVICE_FINAL_SIGKILL, SERVICE_SUCCESS);
        enter_dead(s, SERVICE_SUCCESS, true);
}

static void enter_stop(Service *s, ServiceResult f) {
        record(s, f);
        const ExecCommand *c = exec_command_ref_first(&s->control_cmd, commands(s), SERVICE_EXEC_STOP);
        if (c && spawn_control(s, SERVICE_EXEC_STOP, c) >= 0) {
                arm_timer(s, stop_timeout(s));
                set_state(s, SERVICE_STOP);
                return;
        }
        enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
}

static bool main_pid_ok(Service *s) {
        return s->main_pid > 0;
}

static void enter_running(Service *s, ServiceResult f) {
        ServiceConfig *c = cfg(s);
        record(s, f);
        if (s->result != SERVICE_SUCCESS) return enter_signal(s, SERVICE_STOP_SIGTERM, f);
        /* A main process, or (main PID unknown, e.g. a forking daemon without PIDFile=) any process left */
        if (main_pid_ok(s) || (!s->main_pid_known && c->type != SERVICE_ONESHOT && !all_processes_gone(s))) {
                set_state(s, SERVICE_RUNNING);
                arm_timer(s, c->runtime_max_usec);
                if (s->watchdog_usec == 0) s->watchdog_usec = c->watchdog_usec;
                watchdog_kick(s);
                return;
        }
        if (c->remain_after_exit) {
                arm_timer(s, USEC_INFINITY);
                return set_state(s, SERVICE_EXITED);
        }
        enter_stop(s, SERVICE_SUCCESS);
}

static void run_next_control(Service *s, ServiceState state, ServiceExecCommand id, void (*after)(Service *)) {
        /* the first command of the list, or the one after the control process that just exited */
        ExecCommandRef *ref = &s->control_cmd;
        const ExecCommand *c = ref->list < 0 ? exec_command_ref_first(ref, commands(s), id) : exec_command_ref_next(ref, commands(s));
        if (!c) return after(s);
        int r = spawn_control(s, id, c);
        if (r < 0) {
                log_warning("%s: Failed to run '%s' task: %s", s->meta.id, service_exec_command_to_string(id), strerror(-r));
                return enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
        }
        set_state(s, state);
}

static void enter_start_post(Service *s) {
        exec_command_ref_clear(&s->control_cmd);
        if (!cfg(s)->exec_command[SERVICE_EXEC_START_POST]) return enter_running(s, SERVICE_SUCCESS);
        arm_timer(s, cfg(s)->timeout_start_usec);
        run_next_control(s, SERVICE_START_POST, SERVICE_EXEC_START_POST, enter_start_post_done);
}

static void enter_start_post_done(Service *s) { enter_running(s, SERVICE_SUCCESS); }

static void enter_start(Service *s) {
        MUnit *u = &s->meta;
        ServiceConfig *c = cfg(s);
        exec_command_ref_clear(&s->control_cmd);
        exec_command_ref_clear(&s->main_cmd);
        bool forking = c->type == SERVICE_FORKING;
        const ExecCommand *cmd = exec_command_ref_first(forking ? &s->control_cmd : &s->main_cmd, commands(s), SERVICE_EXEC_START);
        arm_timer(s, c->timeout_start_usec);
        if (!cmd) {
                /* oneshot without ExecStart= (only ExecStop= etc.), allowed by RemainAfterExit= */
                return enter_start_post(s);
        }
        int r;
        if (forking) {
                /* The started process is a control process; the daemon it leaves behind is the main one. */
                r = spawn_control(s, SERVICE_EXEC_START, cmd);
        } else
                r = spawn_main(s, cmd);
        if (r < 0) {
                log_error("%s: Failed to spawn 'start' task: %s", u->id, strerror(-r));
                return enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
        }
        set_state(s, SERVICE_START);
        switch (c->type) {
        case SERVICE_DBUS:
                /* ready when its name appears on the bus; without a bus in the container, at once */
                if (u->m->parts && u->m->parts->bus_name_watch && u->m->parts->bus_name_watch(u, c->bus_name)) return;
                if (!u->sandbox_notice_done)
                        log_notice("%s: Type=dbus: there is no system bus in this container; started as Type=simple.", u->id);
                return enter_start_post(s);
        case SERVICE_SIMPLE: case SERVICE_IDLE:
                return enter_start_post(s);
        default:
                return;   /* exec: exec report; notify: READY=1; oneshot: exit; forking: control exit */
        }
}

static void enter_start_pre_done(Service *s) { enter_start(s); }

static void enter_start_pre(Service *s) {
        exec_command_ref_clear(&s->control_cmd);
        if (!cfg(s)->exec_command[SERVICE_EXEC_START_PRE]) return enter_start(s);
        arm_timer(s, cfg(s)->timeout_start_usec);
        run_next_control(s, SERVICE_START_PRE, SERVICE_EXEC_START_PRE, enter_start_pre_done);
}

static void enter_condition_done(Service *s) { enter_start_pre(s); }

static int service_start(MUnit *u) {
        Service *s = SERVICE(u);
        ServiceConfig *c = cfg(s);
        ServiceState st = s->state;
        if (st != SERVICE_DEAD && st != SERVICE_FAILED && st != SERVICE_AUTO_RESTART) {
                if (state_to_active(st) == UNIT_DEACTIVATING) return -EAGAIN;
                return 0;
        }
        if (s->flush_n_restarts) {
                s->n_restarts = 0;
                s->flush_n_restarts = false;
        }
        s->restart_queued = false;
        s->result = s->reload_result = SERVICE_SUCCESS;
        s->main_exit_code = s->main_exit_status = 0;
        s->forbid_restart = false;
        exec_command_ref_clear(&s->main_cmd);
        exec_command_ref_clear(&s->control_cmd);
        s->main_pid_known = false;
        s->n_exec_runs = 0;   /* systemd resets every command's status at a start */
        s->watchdog_usec = 0;
        free(s->status_text);
        s->status_text = NULL;
        u->n_pids = u->pids_next = 0;
        int r = munit_prepare_directories(u);
        if (r < 0) {
                log_error("%s: Failed to set up directories: %s", u->id, strerror(-r));
                set_state(s, SERVICE_START_PRE);
                enter_dead(s, SERVICE_FAILURE_RESOURCES, true);
                return 0;
        }
        if (c->exec_command[SERVICE_EXEC_CONDITION]) {
                arm_timer(s, c->timeout_start_usec);
                run_next_control(s, SERVICE_CONDITION, SERVICE_EXEC_CONDITION, enter_condition_done);
                return 0;
        }
        enter_start_pre(s);
        return 0;
}

/* systemd's service_bus_name_owner_change(): a Type=dbus service is started when its name appears,
 * and stopped when it loses it while running. */
void service_bus_name_owner_changed(MUnit *u, bool owned) {
        Service *s = SERVICE(u);
        if (!s || cfg(s)->type != SERVICE_DBUS) return;
        log_debug("%s: D-Bus name %s now %s.", u->id, cfg(s)->bus_name, owned ? "owned" : "not owned by anyone");
        if (s->state == SERVICE_START && owned) enter_start_post(s);
        else if (s->state == SERVICE_RUNNING && !owned) enter_stop(s, SERVICE_SUCCESS);
}

static void service_start_limit_hit(MUnit *u) {
        Service *s = SERVICE(u);
        s->result = SERVICE_FAILURE_START_LIMIT_HIT;
        log_warning("%s: Failed with result 'start-limit-hit'.", u->id);
        set_state(s, SERVICE_FAILED);
}

static int service_stop(MUnit *u) {
        Service *s = SERVICE(u);
        s->forbid_restart = true;
        switch (s->state) {
        case SERVICE_DEAD: case SERVICE_FAILED: return -EALREADY;
        case SERVICE_AUTO_RESTART:
                arm_timer(s, USEC_INFINITY);
                enter_dead(s, SERVICE_SUCCESS, false);
                return 0;
        case SERVICE_STOP: case SERVICE_STOP_SIGTERM: case SERVICE_STOP_SIGKILL: case SERVICE_STOP_POST:
        case SERVICE_FINAL_SIGTERM: case SERVICE_FINAL_SIGKILL: case SERVICE_STOP_WATCHDOG: case SERVICE_FINAL_WATCHDOG:
                return 0;
        case SERVICE_CONDITION: case SERVICE_START_PRE: case SERVICE_START: case SERVICE_START_POST: case SERVICE_RELOAD:
                enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
                return 0;
        default:
                enter_stop(s, SERVICE_SUCCESS);
                return 0;
        }
}

static int service_reload(MUnit *u) {
        Service *s = SERVICE(u);
        if (s->state != SERVICE_RUNNING && s->state != SERVICE_EXITED) return -ENOEXEC;
        s->reload_result = SERVICE_SUCCESS;
        exec_command_ref_clear(&s->control_cmd);
        if (cfg(s)->type == SERVICE_NOTIFY_RELOAD && s->main_pid > 0) {
                (void)u->m->ops->kill(s->main_pid, SIGHUP);
                s->reload_pending_ready = true;
                arm_timer(s, cfg(s)->timeout_start_usec);
                set_state(s, SERVICE_RELOAD);
                return 0;
        }
        if (!cfg(s)->exec_command[SERVICE_EXEC_RELOAD]) return -EALREADY;
        arm_timer(s, cfg(s)->timeout_start_usec);
        run_next_control(s, SERVICE_RELOAD, SERVICE_EXEC_RELOAD, enter_reload_done);
        return 0;
}

static void enter_reload_done(Service *s) {
        arm_timer(s, cfg(s)->runtime_max_usec);
        set_state(s, s->main_pid > 0 || s->state != SERVICE_EXITED ? SERVICE_RUNNING : SERVICE_EXITED);
}

static void service_reset_failed(MUnit *u) {
        Service *s = SERVICE(u);
        if (s->state == SERVICE_FAILED) {
                s->result = SERVICE_SUCCESS;
                set_state(s, SERVICE_DEAD);
        }
        s->n_restarts = 0;
        s->flush_n_restarts = false;
}

/* ---- events ---- */

static bool exit_is_clean(Service *s, const siginfo_t *si, bool daemon) {
        const ExitStatusSet *set = &cfg(s)->success_status;
        int st = si->si_status;
        if (si->si_code == CLD_EXITED) {
                if (st == 0) return true;
                return st >= 0 && st < 256 && (set->status[st / 8] & (1u << (st % 8)));
        }
        if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED) {
                if (daemon && (st == SIGHUP || st == SIGINT || st == SIGTERM || st == SIGPIPE)) return true;
                return st > 0 && st < 72 && (set->signal[st / 8] & (1u << (st % 8)));
        }
        return false;
}

static ServiceResult failure_of(const siginfo_t *si) {
        if (si->si_code == CLD_EXITED) return SERVICE_FAILURE_EXIT_CODE;
        if (si->si_code == CLD_DUMPED) return SERVICE_FAILURE_CORE_DUMP;
        return SERVICE_FAILURE_SIGNAL;
}

/* systemd 252's unit_log_process_exit(): a success (a clean exit, or a failure the command's '-'
 * prefix ignores) at debug level with " (success)", an exit() failure at notice, a signal at
 * warning. */
static void log_exit(Service *s, const char *what, const siginfo_t *si, bool success) {
        MUnit *u = &s->meta;
        int level = success ? LOG_DEBUG : si->si_code == CLD_EXITED ? LOG_NOTICE : LOG_WARNING;
        const char *code = si->si_code == CLD_EXITED ? "exited" : si->si_code == CLD_DUMPED ? "dumped" : "killed";
        const char *name = si->si_code == CLD_EXITED ? exit_status_to_string(si->si_status) : signal_abbrev(si->si_status);
        log_full(level, "%s: %s process exited, code=%s, status=%d/%s%s", u->id, what, code, si->si_status, strna(name),
                 success ? " (success)" : "");
}

/* After any process of a stopping unit exits, the kill states may be complete. */
static bool is_signal_state(ServiceState st) {
        return st == SERVICE_STOP_SIGTERM || st == SERVICE_STOP_SIGKILL || st == SERVICE_STOP_WATCHDOG ||
               st == SERVICE_FINAL_SIGTERM || st == SERVICE_FINAL_SIGKILL || st == SERVICE_FINAL_WATCHDOG;
}

static void check_stop_progress(Service *s, bool main_or_control_exited) {
        MUnit *u = &s->meta;
        ServiceState st = s->state;
        bool stop_state = st == SERVICE_STOP_SIGTERM || st == SERVICE_STOP_SIGKILL || st == SERVICE_STOP_WATCHDOG;
        /* stop-sigterm/-sigkill end when the main and control processes are gone, as in systemd 252: what
         * else is left (KillMode=mixed spares it until then) is for the final-sigterm/-sigkill rounds
         * after ExecStopPost=. Without a main or control process to wait for, they end when all are gone. */
        bool done = stop_state && main_or_control_exited && s->main_pid <= 0 && s->control_pid <= 0;
        if (!done && !all_processes_gone(s)) {
                if (is_signal_state(st)) (void)munit_kill_stragglers(u);
                return;
        }
        if (stop_state) enter_stop_post(s, SERVICE_SUCCESS);
        else if (st == SERVICE_FINAL_SIGTERM || st == SERVICE_FINAL_SIGKILL || st == SERVICE_FINAL_WATCHDOG)
                enter_dead(s, SERVICE_SUCCESS, true);
}

/* What the main process's exit (f: its result, SERVICE_SUCCESS when clean or ignored) means in
 * the state the service is in. */
static void main_exited(Service *s, ServiceResult f) {
        ServiceConfig *c = cfg(s);
        switch (s->state) {
        case SERVICE_START:
                if (c->type == SERVICE_ONESHOT) {
                        if (f != SERVICE_SUCCESS) return enter_signal(s, SERVICE_STOP_SIGTERM, f);
                        const ExecCommand *next = exec_command_ref_next(&s->main_cmd, commands(s));
                        if (!next) return enter_start_post(s);
                        if (spawn_main(s, next) < 0) enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                        return;
                }
                /* exec/notify: the main process died before it was ready */
                if (f == SERVICE_SUCCESS && c->type == SERVICE_NOTIFY) f = SERVICE_FAILURE_PROTOCOL;
                return enter_signal(s, SERVICE_STOP_SIGTERM, f == SERVICE_SUCCESS ? SERVICE_FAILURE_PROTOCOL : f);
        case SERVICE_START_POST: case SERVICE_RELOAD: case SERVICE_CONDITION: case SERVICE_START_PRE:
        case SERVICE_STOP:
                /* the control process carries on; the main exit is recorded */
                return record(s, f);
        case SERVICE_RUNNING:
                exec_command_ref_clear(&s->main_cmd);
                return enter_running(s, f);
        default:
                /* stop-sigterm/-sigkill end here (check_stop_progress): the final-sigterm round
                 * then reaches a child forked after this round's signal (by a SIGTERM handler, or
                 * by a daemon preempted just before its fork), which no rescan of this round saw */
                return check_stop_progress(s, true);
        }
}

static int on_main_exit(EventSource *src, const siginfo_t *si, void *userdata) {
        MUnit *u = userdata;
        Service *s = SERVICE(u);
        (void)src;
        s->main_watch = NULL;   /* one-shot: the loop frees it after we return */
        bool clean = exit_is_clean(s, si, cfg(s)->type != SERVICE_ONESHOT);
        bool ignored = !clean && (s->main_cmd.flags & EXEC_COMMAND_IGNORE_FAILURE);
        s->main_exit_code = si->si_code;
        s->main_exit_status = si->si_status;
        dual_timestamp_now(u->m, &s->exec_main_exit);
        exec_run_exited(s, &s->main_cmd, si);
        log_exit(s, "Main", si, clean || ignored);
        /* a spawn failure before exec: say what it was, as systemd does */
        if (s->exec_report_fd >= 0) {
                SpawnFailure sf;
                if (read(s->exec_report_fd, &sf, sizeof sf) == (ssize_t)sizeof sf)
                        log_error("%s: Failed at step %s spawning %s: %s", u->id, strna(exec_exit_status_to_string(sf.exit_status)),
                                  strna(s->main_cmd.path), strerror(sf.error));
        }
        event_source_free(s->exec_watch);
        s->exec_watch = NULL;
        if (s->exec_report_fd >= 0) close(s->exec_report_fd);
        s->exec_report_fd = -1;
        s->main_pid = 0;
        main_exited(s, clean || ignored ? SERVICE_SUCCESS : failure_of(si));
        return 0;
}

/* A PID file's first line: a decimal PID > 1, surrounding whitespace allowed (systemd's parse_pid()). */
static int parse_pid_line(const char *s, pid_t *ret) {
        while (*s == ' ' || *s == '\t') s++;
        char *end = NULL;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno != 0 || end == s || v <= 1 || v > INT32_MAX) return -EINVAL;
        while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') end++;
        if (*end) return -EINVAL;
        *ret = (pid_t)v;
        return 0;
}

/* A forking service's daemon, found after its start command exited: ExecMainPID= and
 * ExecMainStartTimestamp= follow it (systemd's exec_status_start() in service_set_main_pid()). */
static void set_main_exec(Service *s, pid_t pid) {
        set_main_pid(s, pid, false);
        s->exec_main_pid = pid;
        dual_timestamp_now(s->meta.m, &s->exec_main_start);
        s->exec_main_exit = (DualTimestamp) { 0 };
}

static void forking_find_main(Service *s) {
        MUnit *u = &s->meta;
        ServiceConfig *c = cfg(s);
        if (c->pid_file) {
                _cleanup_free_ char *data = NULL;
                size_t sz;
                pid_t pid = 0;
                /* systemd 252's words for each way it can fail, with the error that happened */
                int r = read_file_bounded(AT_FDCWD, c->pid_file, 64, &data, &sz);
                if (r < 0)
                        log_warning_errno(r, "%s: Can't open PID file %s (yet?) after start: %m", u->id, c->pid_file);
                else if (parse_pid_line(data, &pid) < 0)
                        log_warning_errno(EINVAL, "%s: Failed to parse PID from file %s: %m", u->id, c->pid_file);
                else if (u->m->ops->kill(pid, 0) < 0 && errno == ESRCH)
                        log_warning("%s: PID %d read from file %s does not exist or is a zombie.", u->id, (int)pid, c->pid_file);
                else {
                        set_main_exec(s, pid);
                        return;
                }
        }
        if (!c->guess_main_pid) return;
        /* Without a PID file: the daemon is a process of the unit that is now our child. */
        const ProcTable *t = manager_proc_table(u->m);   /* the snapshot munit_members() used */
        pid_t *members = NULL;
        size_t n = 0;
        if (t && munit_members(u, &members, &n) >= 0 && n > 0) {
                pid_t best = 0;
                for (size_t i = 0; i < n; i++) {
                        const ProcInfo *pi = proc_table_find(t, members[i]);
                        if (pi && pi->ppid == u->m->self && pi->state != 'Z') {
                                if (best == 0 || members[i] < best) best = members[i];
                        }
                }
                if (best) {
                        log_debug("%s: Main PID guessed: %d", u->id, (int)best);
                        set_main_exec(s, best);
                }
        }
        free(members);
}

/* ExecCondition= exited: 1-254 skips the unit (as a failed condition), anything else unclean fails it. */
static void condition_exited(Service *s, const siginfo_t *si, ServiceResult f) {
        if (f != SERVICE_SUCCESS && si->si_code == CLD_EXITED && si->si_status > 0 && si->si_status < 255) {
                log_info("%s: Skipped due to 'exec-condition'.", s->meta.id);
                s->meta.condition_result = false;
                s->result = SERVICE_SKIP_CONDITION;
                return enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_SKIP_CONDITION);
        }
        if (f != SERVICE_SUCCESS) return enter_signal(s, SERVICE_STOP_SIGTERM, f);
        run_next_control(s, SERVICE_CONDITION, SERVICE_EXEC_CONDITION, enter_condition_done);
}

/* What the control process's exit (f as for main_exited()) means in the state the service is in:
 * the next command of its list, or the next state. */
static void control_exited(Service *s, const siginfo_t *si, ServiceResult f) {
        const ExecCommand *next;
        switch (s->state) {
        case SERVICE_CONDITION:
                return condition_exited(s, si, f);
        case SERVICE_START_PRE:
                if (f != SERVICE_SUCCESS) return enter_signal(s, SERVICE_STOP_SIGTERM, f);
                return run_next_control(s, SERVICE_START_PRE, SERVICE_EXEC_START_PRE, enter_start_pre_done);
        case SERVICE_START:
                if (cfg(s)->type != SERVICE_FORKING) return;
                if (f != SERVICE_SUCCESS) return enter_signal(s, SERVICE_STOP_SIGTERM, f);
                exec_command_ref_clear(&s->control_cmd);   /* forking has one ExecStart= */
                forking_find_main(s);
                return enter_start_post(s);
        case SERVICE_START_POST:
                if (f != SERVICE_SUCCESS) return enter_signal(s, SERVICE_STOP_SIGTERM, f);
                return run_next_control(s, SERVICE_START_POST, SERVICE_EXEC_START_POST, enter_start_post_done);
        case SERVICE_RELOAD:
                if (f == SERVICE_SUCCESS) return run_next_control(s, SERVICE_RELOAD, SERVICE_EXEC_RELOAD, enter_reload_done);
                s->reload_result = f;
                exec_command_ref_clear(&s->control_cmd);
                enter_reload_done(s);
                s->reload_result = SERVICE_SUCCESS;
                return;
        case SERVICE_STOP:
                next = f == SERVICE_SUCCESS ? exec_command_ref_next(&s->control_cmd, commands(s)) : NULL;
                if (next && spawn_control(s, SERVICE_EXEC_STOP, next) >= 0) return;
                return enter_signal(s, SERVICE_STOP_SIGTERM, f);
        case SERVICE_STOP_POST:
                next = exec_command_ref_next(&s->control_cmd, commands(s));
                if (next && spawn_control(s, SERVICE_EXEC_STOP_POST, next) >= 0) return;
                return enter_signal(s, SERVICE_FINAL_SIGTERM, f);
        default:
                return check_stop_progress(s, true);
        }
}

static int on_control_exit(EventSource *src, const siginfo_t *si, void *userdata) {
        Service *s = SERVICE(userdata);
        (void)src;
        s->control_watch = NULL;
        s->control_pid = 0;
        exec_run_exited(s, &s->control_cmd, si);
        ServiceResult f = exit_is_clean(s, si, false) ? SERVICE_SUCCESS : failure_of(si);
        if (s->control_cmd.flags & EXEC_COMMAND_IGNORE_FAILURE) f = SERVICE_SUCCESS;
        log_exit(s, "Control", si, f == SERVICE_SUCCESS);
        control_exited(s, si, f);
        return 0;
}

static void service_orphan_exited(MUnit *u, pid_t pid) {
        Service *s = SERVICE(u);
        (void)pid;
        ServiceState st = s->state;
        if (state_to_active(st) == UNIT_DEACTIVATING) check_stop_progress(s, false);
        else if (st == SERVICE_RUNNING && !main_pid_ok(s) && cfg(s)->type == SERVICE_FORKING && all_processes_gone(s))
                enter_running(s, SERVICE_SUCCESS);
}

static int on_exec_report(EventSource *src, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        Service *s = SERVICE(u);
        (void)revents;
        SpawnFailure sf;
        ssize_t n = read(fd, &sf, sizeof sf);
        if (n < 0 && errno == EAGAIN) return 0;
        event_source_free(src);
        s->exec_watch = NULL;
        if (n == (ssize_t)sizeof sf) return 0;   /* a failure: the child's exit handles it */
        /* EOF: execve() succeeded; Type=exec is started now */
        close(fd);
        s->exec_report_fd = -1;
        if (s->state == SERVICE_START) enter_start_post(s);
        return 0;
}

static int on_timer(EventSource *src, usec_t now, void *userdata) {
        MUnit *u = userdata;
        Service *s = SERVICE(u);
        (void)src; (void)now;
        switch (s->state) {
        case SERVICE_CONDITION: case SERVICE_START_PRE: case SERVICE_START: case SERVICE_START_POST:
                log_warning("%s: %s operation timed out. Terminating.", u->id,
                            s->state == SERVICE_START ? "start" : s->state == SERVICE_START_POST ? "start-post" : "start-pre");
                enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_RUNNING:
                log_warning("%s: Service reached runtime time limit. Stopping.", u->id);
                enter_stop(s, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_RELOAD:
                log_warning("%s: Reload operation timed out. Killing reload process.", u->id);
                if (s->control_pid > 0) (void)u->m->ops->kill(s->control_pid, SIGKILL);
                s->reload_result = SERVICE_FAILURE_TIMEOUT;
                enter_reload_done(s);
                s->reload_result = SERVICE_SUCCESS;
                return 0;
        case SERVICE_STOP:
                log_warning("%s: Stopping timed out. Terminating.", u->id);
                enter_signal(s, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_STOP_SIGTERM: case SERVICE_STOP_WATCHDOG:
                if (cfg(s)->kill.send_sigkill) {
                        log_warning("%s: State 'stop-sigterm' timed out. Killing.", u->id);
                        enter_signal(s, SERVICE_STOP_SIGKILL, SERVICE_FAILURE_TIMEOUT);
                } else
                        enter_stop_post(s, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_STOP_SIGKILL:
                log_warning("%s: Processes still around after SIGKILL. Ignoring.", u->id);
                s->main_pid = s->control_pid = 0;
                unwatch_main(s);
                enter_stop_post(s, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_STOP_POST:
                log_warning("%s: State 'stop-post' timed out. Terminating.", u->id);
                enter_signal(s, SERVICE_FINAL_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_FINAL_SIGTERM: case SERVICE_FINAL_WATCHDOG:
                if (cfg(s)->kill.send_sigkill) {
                        log_warning("%s: State 'final-sigterm' timed out. Killing.", u->id);
                        enter_signal(s, SERVICE_FINAL_SIGKILL, SERVICE_FAILURE_TIMEOUT);
                } else
                        enter_dead(s, SERVICE_FAILURE_TIMEOUT, true);
                return 0;
        case SERVICE_FINAL_SIGKILL:
                log_warning("%s: Processes still around after final SIGKILL. Entering failed mode.", u->id);
                s->main_pid = s->control_pid = 0;
                unwatch_main(s);
                enter_dead(s, SERVICE_FAILURE_TIMEOUT, true);
                return 0;
        case SERVICE_AUTO_RESTART: {
                /* counted when the job is queued, as systemd does */
                s->n_restarts++;
                s->flush_n_restarts = false;
                s->restart_queued = true;
                log_info("%s: Scheduled restart job, restart counter is at %u.", u->id, s->n_restarts);
                /* The start job of a unit that failed while starting is still running: restart
                 * under it; otherwise a new start job, which shows "Started" again. */
                int r = u->job && u->job->type == JOB_START && u->job->state == JOB_RUNNING ? munit_start(u)
                                                                                                : manager_add_job(u->m, JOB_START, u, JOB_REPLACE, NULL);
                if (r < 0 && r != -ECANCELED) {
                        log_warning("%s: Failed to schedule restart job: %s", u->id, strerror(-r));
                        if (s->state == SERVICE_AUTO_RESTART) {
                                s->n_restarts--;  /* no job: not a restart */
                                enter_dead(s, SERVICE_SUCCESS, false);
                        }
                }
                return 0;
        }
        default:
                return 0;
        }
}

static int on_watchdog(EventSource *src, usec_t now, void *userdata) {
        MUnit *u = userdata;
        Service *s = SERVICE(u);
        (void)src; (void)now;
        if (s->state != SERVICE_RUNNING) return 0;
        log_error("%s: Watchdog timeout (limit %llums)!", u->id, (unsigned long long)(s->watchdog_usec / 1000));
        enter_signal(s, SERVICE_STOP_WATCHDOG, SERVICE_FAILURE_WATCHDOG);
        return 0;
}

static void watchdog_kick(Service *s) {
        MUnit *u = &s->meta;
        if (s->watchdog_usec == 0 || s->watchdog_usec == USEC_INFINITY) return;
        usec_t when = manager_now(s->meta.m, CLOCK_MONOTONIC) + s->watchdog_usec;
        if (!s->watchdog_timer) (void)event_add_time(u->m->event, &s->watchdog_timer, when, on_watchdog, u);
        else event_source_set_time(s->watchdog_timer, when);
}

/* NotifyAccess=: which of the service's processes may speak for it (systemd 252's
 * service_notify_message_authorized(), its words). notify.c made sure pid is one of them. */
static bool notify_authorized(Service *s, pid_t pid) {
        const char *id = s->meta.id;
        switch (cfg(s)->notify_access) {
        case NOTIFY_ALL:
                return true;
        case NOTIFY_MAIN:
                if (pid == s->main_pid) return true;
                if (s->main_pid != 0)
                        log_warning("%s: Got notification message from PID %d, but reception only permitted for main PID %d", id, (int)pid,
                                    (int)s->main_pid);
                else
                        log_warning("%s: Got notification message from PID %d, but reception only permitted for main PID which is "
                                    "currently not known", id, (int)pid);
                return false;
        case NOTIFY_EXEC:
                if (pid == s->main_pid || pid == s->control_pid) return true;
                if (s->main_pid != 0 && s->control_pid != 0)
                        log_warning("%s: Got notification message from PID %d, but reception only permitted for main PID %d and "
                                    "control PID %d", id, (int)pid, (int)s->main_pid, (int)s->control_pid);
                else if (s->main_pid != 0 || s->control_pid != 0)
                        log_warning("%s: Got notification message from PID %d, but reception only permitted for %s PID %d", id, (int)pid,
                                    s->main_pid != 0 ? "main" : "control", (int)(s->main_pid != 0 ? s->main_pid : s->control_pid));
                else
                        log_warning("%s: Got notification message from PID %d, but reception only permitted for main PID and "
                                    "control PID which are currently not known", id, (int)pid);
                return false;
        default:
                log_warning("%s: Got notification message from PID %d, but reception is disabled.", id, (int)pid);
                return false;
        }
}

static bool pid_alive(const Manager *m, pid_t pid) {
        ProcInfo pi;
        return m->ops->proc_info_read(pid, &pi) >= 0 && !proc_state_is_dead(pi.state);
}

/* MAINPID=: the new main process must be one of the service's own, unless root sent it; never
 * PID 1, the control process, or a process of another unit (systemd 252 lets root name one:
 * README deviation). Returns > 0 good, 0 good only from root, < 0 never (said why). */
static int suitable_main_pid(Service *s, pid_t pid) {
        MUnit *u = &s->meta;
        if (pid == 1 || pid == u->m->self) {
                log_warning("%s: New main PID %d is the manager, refusing.", u->id, (int)pid);
                return -EPERM;
        }
        if (pid == s->control_pid) {
                log_warning("%s: New main PID %d is the control process, refusing.", u->id, (int)pid);
                return -EPERM;
        }
        if (!pid_alive(u->m, pid)) {
                log_warning("%s: New main PID %d does not exist or is a zombie.", u->id, (int)pid);
                return -ESRCH;
        }
        if (munit_owns_pid(u, pid)) {
                log_debug("%s: New main PID %d belongs to service, we are happy.", u->id, (int)pid);
                return 1;
        }
        MUnit *owner = manager_unit_by_pid(u->m, pid);
        if (owner && owner != u && munit_owns_pid(owner, pid)) {
                log_warning("%s: New main PID %d belongs to %s, refusing.", u->id, (int)pid, owner->id);
                return -EPERM;
        }
        return 0;
}

static void accept_main_pid(Service *s, const struct ucred *sender, pid_t pid) {
        const char *id = s->meta.id;
        if (s->main_pid_known && pid == s->main_pid) return;
        int r = suitable_main_pid(s, pid);
        if (r == 0 && sender->uid == 0) {
                log_debug("%s: New main PID %d does not belong to service, but we'll accept it as the request to change it came "
                          "from a privileged process.", id, (int)pid);
                r = 1;
        } else if (r == 0)
                log_debug("%s: New main PID %d does not belong to service, refusing.", id, (int)pid);
        if (r > 0) set_main_pid(s, pid, false);
}

/* FDSTORE=1: the fds join the store, up to FileDescriptorStoreMax=; the others are closed. */
static void store_fds(Service *s, const NotifyMessage *msg, int *fds, size_t n_fds) {
        for (size_t i = 0; i < n_fds; i++) {
                if (s->n_fd_store >= cfg(s)->file_descriptor_store_max) {
                        log_warning("%s: Too many stored file descriptors, closing remaining.", s->meta.id);
                        close(fds[i]);
                        continue;
                }
                int *nf = realloc(s->fd_store, (s->n_fd_store + 1) * sizeof *nf);
                if (!nf) {
                        close(fds[i]);
                        continue;
                }
                s->fd_store = nf;
                s->fd_store[s->n_fd_store++] = fds[i];
                (void)strv_extend(&s->fd_store_names, msg->fdname ? msg->fdname : "stored");
        }
}

static void service_notify_message(MUnit *u, const struct ucred *sender, const NotifyMessage *msg, int *fds, size_t n_fds) {
        Service *s = SERVICE(u);
        ServiceConfig *c = cfg(s);
        if (!notify_authorized(s, sender->pid)) {
                for (size_t i = 0; i < n_fds; i++) close(fds[i]);
                return;
        }
        ServiceState st = s->state;
        if (msg->has_mainpid && (st == SERVICE_START || st == SERVICE_START_POST || st == SERVICE_RUNNING || st == SERVICE_RELOAD))
                accept_main_pid(s, sender, msg->mainpid);
        if (msg->has_status) {
                free(s->status_text);
                s->status_text = strdup(msg->status);
        }
        if (msg->has_errno) s->status_errno = msg->errnum;
        if (msg->watchdog) watchdog_kick(s);
        if (msg->has_watchdog_usec) {
                s->watchdog_usec = msg->watchdog_usec;
                watchdog_kick(s);
        }
        if (msg->has_extend_timeout && msg->extend_timeout_usec > 0 && s->timer &&
            event_source_get_time(s->timer) != USEC_INFINITY) {
                usec_t want = manager_now(u->m, CLOCK_MONOTONIC) + msg->extend_timeout_usec;
                if (want > event_source_get_time(s->timer)) event_source_set_time(s->timer, want);
        }
        if (msg->stopping && s->state == SERVICE_RUNNING) log_debug("%s: service is stopping (STOPPING=1)", u->id);
        if (msg->reloading && s->state == SERVICE_RUNNING) {
                s->reload_pending_ready = true;
                set_state(s, SERVICE_RELOAD);
        }
        if (msg->ready) {
                if (s->state == SERVICE_START && (c->type == SERVICE_NOTIFY || c->type == SERVICE_NOTIFY_RELOAD)) enter_start_post(s);
                else if (s->state == SERVICE_RELOAD && s->reload_pending_ready) {
                        s->reload_pending_ready = false;
                        enter_reload_done(s);
                }
        }
        if (msg->fdstore) store_fds(s, msg, fds, n_fds);
        else
                for (size_t i = 0; i < n_fds; i++) close(fds[i]);
}

/* ---- what the manager asks of a service ---- */

static bool service_can_reload(const MUnit *u) {
        const ServiceConfig *c = u->cfg->service;
        return c->exec_command[SERVICE_EXEC_RELOAD] || c->type == SERVICE_NOTIFY_RELOAD;
}

static const char *service_sub_state(const MUnit *u) {
        return service_state_to_string(SERVICE_CONST(u)->state);
}

static bool service_restart_pending(const MUnit *u) {
        return SERVICE_CONST(u)->state == SERVICE_AUTO_RESTART;
}

static pid_t service_main_pid(const MUnit *u) {
        return SERVICE_CONST(u)->main_pid;
}

static pid_t service_control_pid(const MUnit *u) {
        return SERVICE_CONST(u)->control_pid;
}

/* SuccessAction=exit/FailureAction=exit without a status of their own: the main process's. */
static int service_exit_status(const MUnit *u) {
        const Service *s = SERVICE_CONST(u);
        return s->main_exit_code == CLD_EXITED ? s->main_exit_status : -1;
}

/* --exit-on-failure: the container exits with the main process's status, 128+signal, or the
 * status that names the result (exit-policy.h) */
static int service_failure_exit_status(const Service *s) {
        switch (s->result) {
        case SERVICE_FAILURE_EXIT_CODE:
                if (s->main_exit_code == CLD_EXITED && s->main_exit_status > 0 && s->main_exit_status < 256)
                        return s->main_exit_status;
                return 1;
        case SERVICE_FAILURE_SIGNAL: case SERVICE_FAILURE_CORE_DUMP:
                if ((s->main_exit_code == CLD_KILLED || s->main_exit_code == CLD_DUMPED) &&
                    s->main_exit_status > 0 && s->main_exit_status < 128)
                        return 128 + s->main_exit_status;
                return EXIT_POLICY_OTHER;
        case SERVICE_FAILURE_RESOURCES: return EXIT_POLICY_RESOURCES;
        case SERVICE_FAILURE_TIMEOUT: return EXIT_POLICY_TIMEOUT;
        case SERVICE_FAILURE_WATCHDOG: return EXIT_POLICY_WATCHDOG;
        case SERVICE_FAILURE_START_LIMIT_HIT: return EXIT_POLICY_START_LIMIT;
        case SERVICE_FAILURE_PROTOCOL: return EXIT_POLICY_PROTOCOL;
        default: return EXIT_POLICY_OTHER;
        }
}

static const char *service_failure_result(const MUnit *u, int *ret_exit_status) {
        const Service *s = SERVICE_CONST(u);
        *ret_exit_status = service_failure_exit_status(s);
        return service_result_to_string(s->result);
}

/* A start job that waits for the service after the fork (READY=1, the oneshot's or forking
 * parent's exit). */
static bool service_start_waits(const MUnit *u) {
        ServiceType t = u->cfg->service->type;
        return t != SERVICE_SIMPLE && t != SERVICE_EXEC && t != SERVICE_IDLE;
}

/* 252's service_finished_job(): a oneshot says "Finished", whatever RemainAfterExit= */
static const char *service_job_done_verb(const MUnit *u, JobType t, JobResult r) {
        if (t == JOB_START && r == JOB_DONE && u->cfg->service->type == SERVICE_ONESHOT) return "Finished ";
        return NULL;
}

/* The commands being run are found again in the new configuration, or the rest of their lists
 * is not run (systemd's service_deserialize_exec_command()). */
static void service_config_changed(MUnit *u, const Unit *old) {
        Service *s = SERVICE(u);
        ExecCommand *const *was = old->service->exec_command, *const *now = u->cfg->service->exec_command;
        exec_command_ref_reloaded(&s->main_cmd, was, now, u->id);
        exec_command_ref_reloaded(&s->control_cmd, was, now, u->id);
}

const UnitVTable service_vtable = {
        .object_size = sizeof(Service),
        .init = service_init,
        .done = service_done,
        .start = service_start,
        .stop = service_stop,
        .reload = service_reload,
        .can_reload = service_can_reload,
        .start_limit = true,
        .restart_pending = service_restart_pending,
        .start_limit_hit = service_start_limit_hit,
        .sub_state = service_sub_state,
        .reset_failed = service_reset_failed,
        .config_changed = service_config_changed,
        .main_pid = service_main_pid,
        .control_pid = service_control_pid,
        .orphan_exited = service_orphan_exited,
        .notify_message = service_notify_message,
        .exit_status = service_exit_status,
        .failure_result = service_failure_result,
        .start_waits = service_start_waits,
        .job_done_verb = service_job_done_verb,
};

bool service_failed_for_start_limit(const MUnit *u) {
        const Service *s = SERVICE_CONST(u);
        return s && s->state == SERVICE_FAILED && s->result == SERVICE_FAILURE_START_LIMIT_HIT;
}

int service_set_socket_fd(MUnit *u, int cfd, MUnit *socket, char *peer) {
        Service *s = SERVICE(u);
        if (!s) {
                close(cfd);
                free(peer);
                return -EINVAL;
        }
        if (s->socket_fd >= 0) close(s->socket_fd);
        s->socket_fd = cfd;
        s->accept_socket = socket;
        free(s->peer);
        s->peer = peer;
        return 0;
}

const char *service_accept_peer(const MUnit *u, const MUnit *socket) {
        const Service *s = SERVICE_CONST(u);
        return s && s->accept_socket == socket && s->socket_fd >= 0 ? s->peer : NULL;
}

const ExecCommand *service_main_command(const Service *s) {
        const ExecCommandRef *r = &s->main_cmd;
        if (r->list != SERVICE_EXEC_START || r->vanished || !s->meta.cfg) return NULL;
        return exec_command_at(s->meta.cfg->service->exec_command, r->list, r->index);
}
