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
#include "core/manager.h"
#include "core/notify-msg.h"
#include "core/proc-scan.h"
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

UnitActiveState service_active_state(const MUnit *u) { return state_to_active(u->svc.state); }

static ServiceConfig *cfg(MUnit *u) { return u->cfg->service; }

void service_init_runtime(MUnit *u) {
        u->svc.exec_report_fd = -1;
        u->svc.socket_fd = -1;
        u->svc.state = SERVICE_DEAD;
}

static void unwatch_main(MUnit *u) {
        event_source_free(u->svc.main_watch);
        u->svc.main_watch = NULL;
        event_source_free(u->svc.exec_watch);
        u->svc.exec_watch = NULL;
        if (u->svc.exec_report_fd >= 0) close(u->svc.exec_report_fd);
        u->svc.exec_report_fd = -1;
}

static void release_fd_store(ServiceRuntime *s) {
        for (size_t i = 0; i < s->n_fd_store; i++) close(s->fd_store[i]);
        free(s->fd_store);
        strv_free(s->fd_store_names);
        s->fd_store = NULL;
        s->fd_store_names = NULL;
        s->n_fd_store = 0;
}

void service_done_runtime(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        unwatch_main(u);
        event_source_free(s->control_watch);
        event_source_free(s->timer);
        event_source_free(s->watchdog_timer);
        free(s->status_text);
        release_fd_store(s);
        if (s->socket_fd >= 0) close(s->socket_fd);
        free(s->peer);
        memset(s, 0, sizeof *s);
        s->exec_report_fd = -1;
        s->socket_fd = -1;
}

static void set_state(MUnit *u, ServiceState ns) {
        ServiceRuntime *s = &u->svc;
        ServiceState os = s->state;
        s->state = ns;
        if (ns != SERVICE_RUNNING && s->watchdog_timer) event_source_set_time(s->watchdog_timer, USEC_INFINITY);
        if (os != ns) log_debug("%s: Changed %s -> %s", u->id, service_state_to_string(os), service_state_to_string(ns));
        UnitActiveState oa = u->state, na = state_to_active(ns);
        if (oa != na || os != ns) munit_notify(u, oa, na, s->reload_result == SERVICE_SUCCESS);
}

static int on_timer(EventSource *src, usec_t now, void *userdata);
static void watchdog_kick(MUnit *u);

static void arm_timer(MUnit *u, usec_t timeout) {
        ServiceRuntime *s = &u->svc;
        usec_t when = timeout == USEC_INFINITY || timeout == 0 ? USEC_INFINITY : now_usec(CLOCK_MONOTONIC) + timeout;
        if (!s->timer) {
                if (when == USEC_INFINITY) return;
                if (event_add_time(u->m->event, &s->timer, when, on_timer, u) < 0) log_oom();
                return;
        }
        event_source_set_time(s->timer, when);
}

/* The restart delay: unlike a timeout, 0 (RestartSec=0) is "at once", not "never". */
static void arm_restart_timer(MUnit *u, usec_t delay) {
        arm_timer(u, delay == 0 ? 1 : delay);
}

/* systemd 254 counts a restart when its job is queued (n_restarts, at the end of the delay), so
 * until then the next restart is one more than the counter says. */
usec_t service_restart_usec_next_runtime(const MUnit *u) {
        unsigned n = u->svc.n_restarts + (u->svc.restart_queued ? 0 : 1);
        return service_restart_usec_next(u->cfg->service, n);
}

static usec_t stop_timeout(MUnit *u) {
        usec_t t = cfg(u)->timeout_stop_usec;
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

static void set_main_pid(MUnit *u, pid_t pid, bool ours) {
        ServiceRuntime *s = &u->svc;
        unwatch_main(u);
        s->main_pid = pid;
        s->main_pid_known = pid > 0;
        s->main_pid_alien = !ours;
        if (pid <= 0) return;
        munit_add_pid(u, pid);
        /* Our child or re-parented to us (PID 1 / subreaper): its exit reaches us. */
        if (event_add_child(u->m->event, &s->main_watch, pid, on_main_exit, u) < 0)
                log_debug("%s: cannot watch main PID %d", u->id, (int)pid);
}

static int spawn_control(MUnit *u, ServiceExecCommand id, const ExecCommand *c) {
        ServiceRuntime *s = &u->svc;
        pid_t pid;
        int report_fd;
        int r = munit_spawn(u, c, true, &pid, &report_fd);
        if (r < 0) return r;
        close(report_fd);   /* the exit status carries the failure (203/EXEC ...) */
        s->control_id = id;
        s->control_command = c;
        s->control_pid = pid;
        munit_add_pid(u, pid);
        event_source_free(s->control_watch);
        s->control_watch = NULL;
        if ((r = event_add_child(u->m->event, &s->control_watch, pid, on_control_exit, u)) < 0) return r;
        return 0;
}

static int spawn_main(MUnit *u, const ExecCommand *c) {
        ServiceRuntime *s = &u->svc;
        pid_t pid;
        int report_fd;
        int r = munit_spawn(u, c, false, &pid, &report_fd);
        if (r < 0) return r;
        s->main_command = c;
        set_main_pid(u, pid, true);
        s->exec_main_pid = pid;
        dual_timestamp_now(&s->exec_main_start);
        s->exec_main_exit = (DualTimestamp) { 0 };
        s->exec_report_fd = report_fd;
        if (cfg(u)->type == SERVICE_EXEC &&
            event_add_io(u->m->event, &s->exec_watch, report_fd, EPOLLIN, on_exec_report, u) < 0)
                return -ENOMEM;
        return 0;
}

static bool all_processes_gone(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        if (s->main_pid > 0 || s->control_pid > 0) return false;
        KillMode km = cfg(u)->kill.kill_mode;
        if (km == KILL_PROCESS || km == KILL_NONE) return true;
        pid_t *pids = NULL;
        size_t n = 0;
        if (munit_members(u, &pids, &n) < 0) return true;
        free(pids);
        return n == 0;
}

/* ---- transitions ---- */

static void enter_dead(MUnit *u, ServiceResult f, bool allow_restart);
static void enter_signal(MUnit *u, ServiceState state, ServiceResult f);
static void enter_stop_post(MUnit *u, ServiceResult f);
static void enter_running(MUnit *u, ServiceResult f);
static void enter_start_post(MUnit *u);
static void enter_stop(MUnit *u, ServiceResult f);
static void enter_start_post_done(MUnit *u);
static void enter_reload_done(MUnit *u);

static void record(MUnit *u, ServiceResult f) {
        if (u->svc.result == SERVICE_SUCCESS) u->svc.result = f;
}

static bool should_restart(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
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

static void enter_dead(MUnit *u, ServiceResult f, bool allow_restart) {
        ServiceRuntime *s = &u->svc;
        record(u, f);
        unwatch_main(u);
        s->main_pid = s->control_pid = 0;
        if (s->result != SERVICE_SUCCESS)
                log_warning("%s: Failed with result '%s'.", u->id, service_result_to_string(s->result));
        s->restart_queued = false;
        if (allow_restart && should_restart(u)) {
                usec_t delay = service_restart_usec_next_runtime(u);
                char buf[FORMAT_TIMESPAN_MAX];
                log_debug("%s: Next restart interval calculated as: %s", u->id, format_timespan(buf, sizeof buf, delay, 0));
                set_state(u, SERVICE_AUTO_RESTART);
                arm_restart_timer(u, delay);
                return;
        }
        /* not restarting: NRestarts= stays visible until the next start (252's flush_n_restarts) */
        s->flush_n_restarts = true;
        if (cfg(u)->exec.runtime_directory_preserve_mode == 0 ||
            (cfg(u)->exec.runtime_directory_preserve_mode == 2 && !allow_restart))
                munit_remove_runtime_directories(u);
        s->forbid_restart = false;
        set_state(u, s->result == SERVICE_SUCCESS || s->result == SERVICE_SKIP_CONDITION ? SERVICE_DEAD : SERVICE_FAILED);
        /* stopped for good (no restart job waiting): the fd store goes, as systemd 252 releases a
         * dead unit's resources; a restart keeps it for the next run */
        if (!u->job || u->job->type == JOB_STOP) release_fd_store(s);
}

static void enter_stop_post(MUnit *u, ServiceResult f) {
        record(u, f);
        const ExecCommand *c = cfg(u)->exec_command[SERVICE_EXEC_STOP_POST];
        if (c) {
                int r = spawn_control(u, SERVICE_EXEC_STOP_POST, c);
                if (r >= 0) {
                        arm_timer(u, stop_timeout(u));
                        set_state(u, SERVICE_STOP_POST);
                        return;
                }
                if (r != -ESHUTDOWN) log_warning("%s: Failed to run 'stop-post' task.", u->id);
        }
        enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_SUCCESS);
}

static int kill_signal_for(MUnit *u, ServiceState st) {
        KillContext *k = &cfg(u)->kill;
        if (st == SERVICE_STOP_SIGKILL || st == SERVICE_FINAL_SIGKILL) return k->final_kill_signal;
        if (st == SERVICE_STOP_WATCHDOG || st == SERVICE_FINAL_WATCHDOG) return k->watchdog_signal;
        if (u->job && u->job->type == JOB_RESTART && k->restart_kill_signal) return k->restart_kill_signal;
        return k->kill_signal;
}

static void enter_signal(MUnit *u, ServiceState state, ServiceResult f) {
        record(u, f);
        KillContext *k = &cfg(u)->kill;
        bool sigkill = state == SERVICE_STOP_SIGKILL || state == SERVICE_FINAL_SIGKILL;
        int n = 0;
        if (k->kill_mode != KILL_NONE || sigkill) {
                /* process: main only; mixed: main only until the SIGKILL round */
                bool main_only = k->kill_mode == KILL_PROCESS || (k->kill_mode == KILL_MIXED && !sigkill);
                int sig = kill_signal_for(u, state);
                munit_kill_round_begin(u, main_only ? 0 : sig);
                n = munit_kill(u, sig, main_only);
                if (k->send_sighup && !sigkill) (void)munit_kill(u, SIGHUP, main_only);
        }
        if (n > 0 || u->svc.main_pid > 0 || u->svc.control_pid > 0) {
                set_state(u, state);
                arm_timer(u, sigkill ? 5 * USEC_PER_SEC : stop_timeout(u));
                if (all_processes_gone(u)) goto next;
                return;
        }
next:
        if (state == SERVICE_STOP_SIGTERM || state == SERVICE_STOP_WATCHDOG) {
                if (k->send_sigkill && !all_processes_gone(u)) return enter_signal(u, SERVICE_STOP_SIGKILL, SERVICE_SUCCESS);
                return enter_stop_post(u, SERVICE_SUCCESS);
        }
        if (state == SERVICE_STOP_SIGKILL) return enter_stop_post(u, SERVICE_SUCCESS);
        if ((state == SERVICE_FINAL_SIGTERM || state == SERVICE_FINAL_WATCHDOG) && k->send_sigkill && !all_processes_gone(u))
                return enter_signal(u, SERVICE_FINAL_SIGKILL, SERVICE_SUCCESS);
        enter_dead(u, SERVICE_SUCCESS, true);
}

static void enter_stop(MUnit *u, ServiceResult f) {
        record(u, f);
        const ExecCommand *c = cfg(u)->exec_command[SERVICE_EXEC_STOP];
        if (c && spawn_control(u, SERVICE_EXEC_STOP, c) >= 0) {
                arm_timer(u, stop_timeout(u));
                set_state(u, SERVICE_STOP);
                return;
        }
        enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
}

static bool main_pid_ok(MUnit *u) {
        return u->svc.main_pid > 0;
}

static void enter_running(MUnit *u, ServiceResult f) {
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
        record(u, f);
        if (s->result != SERVICE_SUCCESS) return enter_signal(u, SERVICE_STOP_SIGTERM, f);
        /* A main process, or (main PID unknown, e.g. a forking daemon without PIDFile=) any process left */
        if (main_pid_ok(u) || (!s->main_pid_known && c->type != SERVICE_ONESHOT && !all_processes_gone(u))) {
                set_state(u, SERVICE_RUNNING);
                arm_timer(u, c->runtime_max_usec);
                if (s->watchdog_usec == 0) s->watchdog_usec = c->watchdog_usec;
                watchdog_kick(u);
                return;
        }
        if (c->remain_after_exit) {
                arm_timer(u, USEC_INFINITY);
                return set_state(u, SERVICE_EXITED);
        }
        enter_stop(u, SERVICE_SUCCESS);
}

static void run_next_control(MUnit *u, ServiceState state, ServiceExecCommand id, void (*after)(MUnit *)) {
        const ExecCommand *c = u->svc.control_command ? u->svc.control_command->next : cfg(u)->exec_command[id];
        if (!c) {
                u->svc.control_command = NULL;
                return after(u);
        }
        int r = spawn_control(u, id, c);
        if (r < 0) {
                log_warning("%s: Failed to run '%s' task: %s", u->id, service_exec_command_to_string(id), strerror(-r));
                return enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
        }
        set_state(u, state);
}

static void enter_start_post(MUnit *u) {
        u->svc.control_command = NULL;
        if (!cfg(u)->exec_command[SERVICE_EXEC_START_POST]) return enter_running(u, SERVICE_SUCCESS);
        arm_timer(u, cfg(u)->timeout_start_usec);
        run_next_control(u, SERVICE_START_POST, SERVICE_EXEC_START_POST, enter_start_post_done);
}

static void enter_start_post_done(MUnit *u) { enter_running(u, SERVICE_SUCCESS); }

static void enter_start(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
        s->control_command = NULL;
        const ExecCommand *cmd = c->exec_command[SERVICE_EXEC_START];
        arm_timer(u, c->timeout_start_usec);
        if (!cmd) {
                /* oneshot without ExecStart= (only ExecStop= etc.), allowed by RemainAfterExit= */
                return enter_start_post(u);
        }
        int r;
        if (c->type == SERVICE_FORKING) {
                /* The started process is a control process; the daemon it leaves behind is the main one. */
                r = spawn_control(u, SERVICE_EXEC_START, cmd);
        } else
                r = spawn_main(u, cmd);
        if (r < 0) {
                log_error("%s: Failed to spawn 'start' task: %s", u->id, strerror(-r));
                return enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
        }
        set_state(u, SERVICE_START);
        switch (c->type) {
        case SERVICE_SIMPLE: case SERVICE_IDLE: case SERVICE_DBUS:
                return enter_start_post(u);
        default:
                return;   /* exec: exec report; notify: READY=1; oneshot: exit; forking: control exit */
        }
}

static void enter_start_pre_done(MUnit *u) { enter_start(u); }

static void enter_start_pre(MUnit *u) {
        u->svc.control_command = NULL;
        if (!cfg(u)->exec_command[SERVICE_EXEC_START_PRE]) return enter_start(u);
        arm_timer(u, cfg(u)->timeout_start_usec);
        run_next_control(u, SERVICE_START_PRE, SERVICE_EXEC_START_PRE, enter_start_pre_done);
}

static void enter_condition_done(MUnit *u) { enter_start_pre(u); }

int service_start(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
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
        s->main_command = s->control_command = NULL;
        s->main_pid_known = false;
        s->watchdog_usec = 0;
        free(s->status_text);
        s->status_text = NULL;
        u->n_pids = u->pids_next = 0;
        if (c->type == SERVICE_DBUS && !u->sandbox_notice_done)
                log_notice("%s: Type=dbus: there is no system bus in this container; started as Type=simple.", u->id);
        int r = munit_prepare_directories(u);
        if (r < 0) {
                log_error("%s: Failed to set up directories: %s", u->id, strerror(-r));
                set_state(u, SERVICE_START_PRE);
                enter_dead(u, SERVICE_FAILURE_RESOURCES, true);
                return 0;
        }
        if (c->exec_command[SERVICE_EXEC_CONDITION]) {
                arm_timer(u, c->timeout_start_usec);
                run_next_control(u, SERVICE_CONDITION, SERVICE_EXEC_CONDITION, enter_condition_done);
                return 0;
        }
        enter_start_pre(u);
        return 0;
}

void service_start_limit_hit(MUnit *u) {
        u->svc.result = SERVICE_FAILURE_START_LIMIT_HIT;
        log_warning("%s: Failed with result 'start-limit-hit'.", u->id);
        set_state(u, SERVICE_FAILED);
}

int service_stop(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        s->forbid_restart = true;
        switch (s->state) {
        case SERVICE_DEAD: case SERVICE_FAILED: return -EALREADY;
        case SERVICE_AUTO_RESTART:
                arm_timer(u, USEC_INFINITY);
                enter_dead(u, SERVICE_SUCCESS, false);
                return 0;
        case SERVICE_STOP: case SERVICE_STOP_SIGTERM: case SERVICE_STOP_SIGKILL: case SERVICE_STOP_POST:
        case SERVICE_FINAL_SIGTERM: case SERVICE_FINAL_SIGKILL: case SERVICE_STOP_WATCHDOG: case SERVICE_FINAL_WATCHDOG:
                return 0;
        case SERVICE_CONDITION: case SERVICE_START_PRE: case SERVICE_START: case SERVICE_START_POST: case SERVICE_RELOAD:
                enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
                return 0;
        default:
                enter_stop(u, SERVICE_SUCCESS);
                return 0;
        }
}

int service_reload(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        if (s->state != SERVICE_RUNNING && s->state != SERVICE_EXITED) return -ENOEXEC;
        s->reload_result = SERVICE_SUCCESS;
        s->control_command = NULL;
        if (cfg(u)->type == SERVICE_NOTIFY_RELOAD && s->main_pid > 0) {
                kill(s->main_pid, SIGHUP);
                s->reload_pending_ready = true;
                arm_timer(u, cfg(u)->timeout_start_usec);
                set_state(u, SERVICE_RELOAD);
                return 0;
        }
        if (!cfg(u)->exec_command[SERVICE_EXEC_RELOAD]) return -EALREADY;
        arm_timer(u, cfg(u)->timeout_start_usec);
        run_next_control(u, SERVICE_RELOAD, SERVICE_EXEC_RELOAD, enter_reload_done);
        return 0;
}

static void enter_reload_done(MUnit *u) {
        arm_timer(u, cfg(u)->runtime_max_usec);
        set_state(u, u->svc.main_pid > 0 || u->svc.state != SERVICE_EXITED ? SERVICE_RUNNING : SERVICE_EXITED);
}

void service_reset_failed(MUnit *u) {
        if (u->svc.state == SERVICE_FAILED) {
                u->svc.result = SERVICE_SUCCESS;
                set_state(u, SERVICE_DEAD);
        }
        u->svc.n_restarts = 0;
        u->svc.flush_n_restarts = false;
}

/* ---- events ---- */

static bool exit_is_clean(MUnit *u, const siginfo_t *si, bool daemon) {
        const ExitStatusSet *set = &cfg(u)->success_status;
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
static void log_exit(MUnit *u, const char *what, const siginfo_t *si, bool success) {
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

static void check_stop_progress(MUnit *u) {
        ServiceState st = u->svc.state;
        if (!all_processes_gone(u)) {
                if (is_signal_state(st)) (void)munit_kill_stragglers(u);
                return;
        }
        if (st == SERVICE_STOP_SIGTERM || st == SERVICE_STOP_SIGKILL || st == SERVICE_STOP_WATCHDOG) enter_stop_post(u, SERVICE_SUCCESS);
        else if (st == SERVICE_FINAL_SIGTERM || st == SERVICE_FINAL_SIGKILL || st == SERVICE_FINAL_WATCHDOG)
                enter_dead(u, SERVICE_SUCCESS, true);
}

static int on_main_exit(EventSource *src, const siginfo_t *si, void *userdata) {
        MUnit *u = userdata;
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
        (void)src;
        s->main_watch = NULL;   /* one-shot: the loop frees it after we return */
        bool clean = exit_is_clean(u, si, c->type != SERVICE_ONESHOT);
        ServiceResult f = clean ? SERVICE_SUCCESS : failure_of(si);
        s->main_exit_code = si->si_code;
        s->main_exit_status = si->si_status;
        dual_timestamp_now(&s->exec_main_exit);
        bool ignored = !clean && s->main_command && (s->main_command->flags & EXEC_COMMAND_IGNORE_FAILURE);
        log_exit(u, "Main", si, clean || ignored);
        /* a spawn failure before exec: say what it was, as systemd does */
        if (s->exec_report_fd >= 0) {
                SpawnFailure sf;
                if (read(s->exec_report_fd, &sf, sizeof sf) == (ssize_t)sizeof sf)
                        log_error("%s: Failed at step %s spawning %s: %s", u->id, strna(exec_exit_status_to_string(sf.exit_status)),
                                  s->main_command ? s->main_command->path : "?", strerror(sf.error));
        }
        event_source_free(s->exec_watch);
        s->exec_watch = NULL;
        if (s->exec_report_fd >= 0) close(s->exec_report_fd);
        s->exec_report_fd = -1;
        s->main_pid = 0;
        if (s->main_command && (s->main_command->flags & EXEC_COMMAND_IGNORE_FAILURE)) f = SERVICE_SUCCESS;
        switch (s->state) {
        case SERVICE_START:
                if (c->type == SERVICE_ONESHOT) {
                        if (f != SERVICE_SUCCESS) return enter_signal(u, SERVICE_STOP_SIGTERM, f), 0;
                        if (s->main_command && s->main_command->next) {
                                int r = spawn_main(u, s->main_command->next);
                                if (r < 0) enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                                return 0;
                        }
                        s->main_command = NULL;
                        enter_start_post(u);
                        return 0;
                }
                /* exec/notify: the main process died before it was ready */
                if (f == SERVICE_SUCCESS && c->type == SERVICE_NOTIFY) f = SERVICE_FAILURE_PROTOCOL;
                enter_signal(u, SERVICE_STOP_SIGTERM, f == SERVICE_SUCCESS ? SERVICE_FAILURE_PROTOCOL : f);
                return 0;
        case SERVICE_START_POST: case SERVICE_RELOAD: case SERVICE_CONDITION: case SERVICE_START_PRE:
                /* the control process carries on; the main exit is recorded */
                record(u, f);
                return 0;
        case SERVICE_RUNNING:
                s->main_command = NULL;
                enter_running(u, f);
                return 0;
        case SERVICE_STOP:
                record(u, f);
                return 0;
        default:
                check_stop_progress(u);
                return 0;
        }
}

static void forking_find_main(MUnit *u) {
        ServiceConfig *c = cfg(u);
        if (c->pid_file) {
                _cleanup_free_ char *data = NULL;
                size_t sz;
                if (read_file_bounded(AT_FDCWD, c->pid_file, 64, &data, &sz) >= 0) {
                        long pid = strtol(data, NULL, 10);
                        if (pid > 1 && kill((pid_t)pid, 0) == 0) {
                                set_main_pid(u, (pid_t)pid, false);
                                u->svc.exec_main_pid = (pid_t)pid;
                                return;
                        }
                }
                log_warning("%s: Can't open PID file %s (yet?) after start: No such process", u->id, c->pid_file);
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
                        set_main_pid(u, best, false);
                }
        }
        free(members);
}

static int on_control_exit(EventSource *src, const siginfo_t *si, void *userdata) {
        MUnit *u = userdata;
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
        (void)src;
        s->control_watch = NULL;
        s->control_pid = 0;
        bool clean = exit_is_clean(u, si, false);
        ServiceResult f = clean ? SERVICE_SUCCESS : failure_of(si);
        const ExecCommand *cmd = s->control_command;
        if (cmd && (cmd->flags & EXEC_COMMAND_IGNORE_FAILURE)) f = SERVICE_SUCCESS;
        log_exit(u, "Control", si, f == SERVICE_SUCCESS);
        switch (s->state) {
        case SERVICE_CONDITION:
                if (f != SERVICE_SUCCESS && si->si_code == CLD_EXITED && si->si_status > 0 && si->si_status < 255) {
                        log_info("%s: Skipped due to 'exec-condition'.", u->id);
                        u->condition_result = false;
                        s->result = SERVICE_SKIP_CONDITION;
                        enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SKIP_CONDITION);
                        return 0;
                }
                if (f != SERVICE_SUCCESS) return enter_signal(u, SERVICE_STOP_SIGTERM, f), 0;
                run_next_control(u, SERVICE_CONDITION, SERVICE_EXEC_CONDITION, enter_condition_done);
                return 0;
        case SERVICE_START_PRE:
                if (f != SERVICE_SUCCESS) return enter_signal(u, SERVICE_STOP_SIGTERM, f), 0;
                run_next_control(u, SERVICE_START_PRE, SERVICE_EXEC_START_PRE, enter_start_pre_done);
                return 0;
        case SERVICE_START:
                if (c->type != SERVICE_FORKING) return 0;
                if (f != SERVICE_SUCCESS) return enter_signal(u, SERVICE_STOP_SIGTERM, f), 0;
                if (cmd && cmd->next) {   /* forking allows one ExecStart=; be safe */
                        s->control_command = cmd->next;
                        return 0;
                }
                s->control_command = NULL;
                forking_find_main(u);
                enter_start_post(u);
                return 0;
        case SERVICE_START_POST:
                if (f != SERVICE_SUCCESS) return enter_signal(u, SERVICE_STOP_SIGTERM, f), 0;
                run_next_control(u, SERVICE_START_POST, SERVICE_EXEC_START_POST, enter_start_post_done);
                return 0;
        case SERVICE_RELOAD:
                if (f != SERVICE_SUCCESS) {
                        s->reload_result = f;
                        s->control_command = NULL;
                        enter_reload_done(u);
                        s->reload_result = SERVICE_SUCCESS;
                        return 0;
                }
                run_next_control(u, SERVICE_RELOAD, SERVICE_EXEC_RELOAD, enter_reload_done);
                return 0;
        case SERVICE_STOP:
                if (cmd && cmd->next && f == SERVICE_SUCCESS) {
                        if (spawn_control(u, SERVICE_EXEC_STOP, cmd->next) >= 0) return 0;
                }
                enter_signal(u, SERVICE_STOP_SIGTERM, f);
                return 0;
        case SERVICE_STOP_POST:
                if (cmd && cmd->next) {
                        if (spawn_control(u, SERVICE_EXEC_STOP_POST, cmd->next) >= 0) return 0;
                }
                enter_signal(u, SERVICE_FINAL_SIGTERM, f);
                return 0;
        default:
                check_stop_progress(u);
                return 0;
        }
}

void service_orphan_exited(MUnit *u, pid_t pid) {
        (void)pid;
        ServiceState st = u->svc.state;
        if (state_to_active(st) == UNIT_DEACTIVATING) check_stop_progress(u);
        else if (st == SERVICE_RUNNING && !main_pid_ok(u) && cfg(u)->type == SERVICE_FORKING && all_processes_gone(u))
                enter_running(u, SERVICE_SUCCESS);
}

static int on_exec_report(EventSource *src, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        ServiceRuntime *s = &u->svc;
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
        if (s->state == SERVICE_START) enter_start_post(u);
        return 0;
}

static int on_timer(EventSource *src, usec_t now, void *userdata) {
        MUnit *u = userdata;
        ServiceRuntime *s = &u->svc;
        (void)src; (void)now;
        switch (s->state) {
        case SERVICE_CONDITION: case SERVICE_START_PRE: case SERVICE_START: case SERVICE_START_POST:
                log_warning("%s: %s operation timed out. Terminating.", u->id,
                            s->state == SERVICE_START ? "start" : s->state == SERVICE_START_POST ? "start-post" : "start-pre");
                enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_RUNNING:
                log_warning("%s: Service reached runtime time limit. Stopping.", u->id);
                enter_stop(u, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_RELOAD:
                log_warning("%s: Reload operation timed out. Killing reload process.", u->id);
                if (s->control_pid > 0) kill(s->control_pid, SIGKILL);
                s->reload_result = SERVICE_FAILURE_TIMEOUT;
                enter_reload_done(u);
                s->reload_result = SERVICE_SUCCESS;
                return 0;
        case SERVICE_STOP:
                log_warning("%s: Stopping timed out. Terminating.", u->id);
                enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_STOP_SIGTERM: case SERVICE_STOP_WATCHDOG:
                if (cfg(u)->kill.send_sigkill) {
                        log_warning("%s: State 'stop-sigterm' timed out. Killing.", u->id);
                        enter_signal(u, SERVICE_STOP_SIGKILL, SERVICE_FAILURE_TIMEOUT);
                } else
                        enter_stop_post(u, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_STOP_SIGKILL:
                log_warning("%s: Processes still around after SIGKILL. Ignoring.", u->id);
                s->main_pid = s->control_pid = 0;
                unwatch_main(u);
                enter_stop_post(u, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_STOP_POST:
                log_warning("%s: State 'stop-post' timed out. Terminating.", u->id);
                enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                return 0;
        case SERVICE_FINAL_SIGTERM: case SERVICE_FINAL_WATCHDOG:
                if (cfg(u)->kill.send_sigkill) {
                        log_warning("%s: State 'final-sigterm' timed out. Killing.", u->id);
                        enter_signal(u, SERVICE_FINAL_SIGKILL, SERVICE_FAILURE_TIMEOUT);
                } else
                        enter_dead(u, SERVICE_FAILURE_TIMEOUT, true);
                return 0;
        case SERVICE_FINAL_SIGKILL:
                log_warning("%s: Processes still around after final SIGKILL. Entering failed mode.", u->id);
                s->main_pid = s->control_pid = 0;
                unwatch_main(u);
                enter_dead(u, SERVICE_FAILURE_TIMEOUT, true);
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
                                enter_dead(u, SERVICE_SUCCESS, false);
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
        (void)src; (void)now;
        if (u->svc.state != SERVICE_RUNNING) return 0;
        log_error("%s: Watchdog timeout (limit %llums)!", u->id, (unsigned long long)(u->svc.watchdog_usec / 1000));
        enter_signal(u, SERVICE_STOP_WATCHDOG, SERVICE_FAILURE_WATCHDOG);
        return 0;
}

static void watchdog_kick(MUnit *u) {
        ServiceRuntime *s = &u->svc;
        if (s->watchdog_usec == 0 || s->watchdog_usec == USEC_INFINITY) return;
        usec_t when = now_usec(CLOCK_MONOTONIC) + s->watchdog_usec;
        if (!s->watchdog_timer) (void)event_add_time(u->m->event, &s->watchdog_timer, when, on_watchdog, u);
        else event_source_set_time(s->watchdog_timer, when);
}

void service_notify_message(MUnit *u, pid_t pid, const NotifyMessage *msg, const int *fds, size_t n_fds) {
        ServiceRuntime *s = &u->svc;
        ServiceConfig *c = cfg(u);
        if (msg->has_mainpid && (s->state == SERVICE_START || s->state == SERVICE_START_POST || s->state == SERVICE_RUNNING ||
                                 s->state == SERVICE_RELOAD)) {
                /* accepted from the main process, or from root, or when the new PID is ours */
                if (msg->mainpid != s->main_pid && kill(msg->mainpid, 0) == 0) {
                        log_debug("%s: New main PID %d.", u->id, (int)msg->mainpid);
                        set_main_pid(u, msg->mainpid, false);
                }
        }
        if (msg->has_status) {
                free(s->status_text);
                s->status_text = strdup(msg->status);
        }
        if (msg->has_errno) s->status_errno = msg->errnum;
        if (msg->watchdog) watchdog_kick(u);
        if (msg->has_watchdog_usec) {
                s->watchdog_usec = msg->watchdog_usec;
                watchdog_kick(u);
        }
        if (msg->has_extend_timeout && msg->extend_timeout_usec > 0 && s->timer &&
            event_source_get_time(s->timer) != USEC_INFINITY) {
                usec_t want = now_usec(CLOCK_MONOTONIC) + msg->extend_timeout_usec;
                if (want > event_source_get_time(s->timer)) event_source_set_time(s->timer, want);
        }
        if (msg->stopping && s->state == SERVICE_RUNNING) {
                log_debug("%s: service is stopping (STOPPING=1)", u->id);
        }
        if (msg->reloading && s->state == SERVICE_RUNNING) {
                s->reload_pending_ready = true;
                set_state(u, SERVICE_RELOAD);
        }
        if (msg->ready) {
                if (s->state == SERVICE_START && (c->type == SERVICE_NOTIFY || c->type == SERVICE_NOTIFY_RELOAD)) enter_start_post(u);
                else if (s->state == SERVICE_RELOAD && s->reload_pending_ready) {
                        s->reload_pending_ready = false;
                        enter_reload_done(u);
                }
        }
        if (msg->fdstore && n_fds > 0) {
                for (size_t i = 0; i < n_fds; i++) {
                        if (s->n_fd_store >= c->file_descriptor_store_max) {
                                log_warning("%s: Too many stored file descriptors, closing remaining.", u->id);
                                close(fds[i]);
                                continue;
                        }
                        int *nf = realloc(s->fd_store, (s->n_fd_store + 1) * sizeof *nf);
                        if (!nf) { close(fds[i]); continue; }
                        s->fd_store = nf;
                        s->fd_store[s->n_fd_store++] = fds[i];
                        (void)strv_extend(&s->fd_store_names, msg->fdname ? msg->fdname : "stored");
                }
        } else
                for (size_t i = 0; i < n_fds; i++) close(fds[i]);
        (void)pid;
}
