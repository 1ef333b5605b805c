/* SPDX-License-Identifier: MIT */
#pragma once
/* Service units (service.c): systemd's service state machine, its runtime state, and what other
 * modules ask of a service (notify messages, exits of processes that are not its children). */
#include <stdbool.h>
#include <sys/types.h>
#include "core/event.h"
#include "core/forward.h"
#include "unit/service-config.h"

/* systemd's service states (systemctl show SubState=). */
typedef enum ServiceState {
        SERVICE_DEAD, SERVICE_CONDITION, SERVICE_START_PRE, SERVICE_START, SERVICE_START_POST,
        SERVICE_RUNNING, SERVICE_EXITED, SERVICE_RELOAD, SERVICE_STOP, SERVICE_STOP_WATCHDOG,
        SERVICE_STOP_SIGTERM, SERVICE_STOP_SIGKILL, SERVICE_STOP_POST, SERVICE_FINAL_WATCHDOG,
        SERVICE_FINAL_SIGTERM, SERVICE_FINAL_SIGKILL, SERVICE_FAILED, SERVICE_AUTO_RESTART,
        _SERVICE_STATE_MAX,
} ServiceState;
const char *service_state_to_string(ServiceState s);

typedef enum ServiceResult {
        SERVICE_SUCCESS, SERVICE_FAILURE_RESOURCES, SERVICE_FAILURE_PROTOCOL, SERVICE_FAILURE_TIMEOUT,
        SERVICE_FAILURE_EXIT_CODE, SERVICE_FAILURE_SIGNAL, SERVICE_FAILURE_CORE_DUMP,
        SERVICE_FAILURE_WATCHDOG, SERVICE_FAILURE_START_LIMIT_HIT, SERVICE_SKIP_CONDITION,
        _SERVICE_RESULT_MAX,
} ServiceResult;
const char *service_result_to_string(ServiceResult r);

/* Runtime of a service (service.c). */
typedef struct ServiceRuntime {
        ServiceState state;
        ServiceResult result, reload_result;
        pid_t main_pid, control_pid;
        bool main_pid_known, main_pid_alien;
        bool flush_n_restarts;                /* stopped for good: the next start resets n_restarts */
        bool restart_queued;                  /* n_restarts counts a restart that has not started yet */
        EventSource *main_watch, *control_watch, *exec_watch;  /* child exits; Type=exec report pipe */
        int exec_report_fd;
        ServiceExecCommand control_id;        /* which list the control process runs */
        const ExecCommand *control_command;   /* current command of that list */
        const ExecCommand *main_command;      /* current ExecStart= (oneshot runs several) */
        EventSource *timer;                   /* state timeout, restart delay, watchdog */
        usec_t watchdog_usec;
        EventSource *watchdog_timer;
        int main_exit_code, main_exit_status;  /* CLD_* and status, for $EXIT_CODE/$EXIT_STATUS */
        pid_t exec_main_pid;                   /* the last main process (ExecMainPID=) */
        DualTimestamp exec_main_start, exec_main_exit;
        bool forbid_restart, reload_pending_ready;
        unsigned n_restarts;                  /* restart jobs queued (NRestarts=) */
        char *status_text;
        int status_errno;
        int *fd_store; char **fd_store_names; size_t n_fd_store;
        int socket_fd;                        /* Accept=yes: the connection (owned), else -1 */
        MUnit *accept_socket;                 /* the socket that made this instance */
        char *peer;                           /* its remote address, for MaxConnectionsPerSource= */
        /* the current kill round: who got `round_signal` already (see munit_kill_stragglers) */
        int round_signal;
        unsigned long long round_ticks;       /* when it began, in /proc starttime units */
        unsigned n_signaled, cap_signaled;
        pid_t *signaled;                      /* grown on demand, at most UNIT_MAX_PIDS */
} ServiceRuntime;

int service_start(MUnit *u);
int service_stop(MUnit *u);
int service_reload(MUnit *u);
void service_init_runtime(MUnit *u);
void service_done_runtime(MUnit *u);
UnitActiveState service_active_state(const MUnit *u);
void service_notify_message(MUnit *u, pid_t pid, const NotifyMessage *msg, const int *fds, size_t n_fds);
void service_orphan_exited(MUnit *u, pid_t pid);
void service_reset_failed(MUnit *u);
/* RestartUSecNext=: the delay before the next automatic restart (systemd 254). */
usec_t service_restart_usec_next_runtime(const MUnit *u);
void service_start_limit_hit(MUnit *u);
