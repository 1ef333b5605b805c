/* SPDX-License-Identifier: MIT */
#pragma once
/* Service units (service.c): systemd's service state machine, its runtime state, and what other
 * modules ask of a service (notify messages, exits of processes that are not its children). */
#include <stdbool.h>
#include <sys/types.h>
#include "core/event.h"
#include "core/forward.h"
#include "core/exec-run.h"
#include "core/munit.h"
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

/* The last run of one command of the unit (systemd's ExecStatus): the Exec*= properties' runtime
 * fields, so that `systemctl status` prints "Process: PID ExecStartPre=... (code=exited, ...)". The
 * command is named by its list and place (a reload may replace the configuration). */
typedef struct ServiceExecRun {
        int list;             /* ServiceExecCommand */
        unsigned index;
        pid_t pid;
        DualTimestamp start, exit;
        int code, status;     /* CLD_* and the status or signal, once it exited */
} ServiceExecRun;

/* A service unit's runtime (service.c). */
typedef struct Service {
        MUnit meta;
        ExecCommandRef control_cmd;           /* the command of the control process, its list */
        ExecCommandRef main_cmd;              /* the current ExecStart= (a oneshot runs several) */
        EventSource *main_watch, *control_watch, *exec_watch;  /* child exits; Type=exec report pipe */
        EventSource *timer;                   /* state timeout, restart delay */
        EventSource *watchdog_timer;
        usec_t watchdog_usec;
        DualTimestamp exec_main_start, exec_main_exit;
        char *status_text;
        ServiceExecRun *exec_runs;            /* since the last start, one per command run */
        size_t n_exec_runs;
        int *fd_store;
        char **fd_store_names;
        size_t n_fd_store;
        MUnit *accept_socket;                 /* the socket that made this instance */
        char *peer;                           /* its remote address, for MaxConnectionsPerSource= */
        ServiceState state;
        ServiceResult result, reload_result;
        pid_t main_pid, control_pid;
        pid_t exec_main_pid;                  /* the last main process (ExecMainPID=) */
        int main_exit_code, main_exit_status; /* CLD_* and status, for $EXIT_CODE/$EXIT_STATUS */
        int exec_report_fd;
        int socket_fd;                        /* Accept=yes: the connection (owned), else -1 */
        int status_errno;
        unsigned n_restarts;                  /* restart jobs queued (NRestarts=) */
        bool main_pid_known, main_pid_alien;
        bool flush_n_restarts;                /* stopped for good: the next start resets n_restarts */
        bool restart_queued;                  /* n_restarts counts a restart that has not started yet */
        bool forbid_restart, reload_pending_ready;
} Service;

extern const UnitVTable service_vtable;

/* The service u is; NULL when u is a unit of another type. */
static inline Service *SERVICE(MUnit *u) {
        return u && u->vt == &service_vtable ? (Service *)u : NULL;
}
static inline const Service *SERVICE_CONST(const MUnit *u) {
        return u && u->vt == &service_vtable ? (const Service *)u : NULL;
}

/* RestartUSecNext=: the delay before the next automatic restart (systemd 254). */
usec_t service_restart_usec_next_runtime(const Service *s);
/* The ExecStart= command the main process runs (or ran last), in the current configuration; NULL:
 * none, or a reload removed it. */
const ExecCommand *service_main_command(const Service *s);
/* The last run of command c (of this service's configuration) since the service started; NULL:
 * not run. The main process of a non-forking service is described by exec_main_* instead. */
const ServiceExecRun *service_exec_run(const Service *s, const ExecCommand *c);
/* The service hit its start limit and failed for it: a socket that triggers it gives up too. */
bool service_failed_for_start_limit(const MUnit *u);
/* The BusName= of u (a service) appeared on the system bus or went away (dbus-system-bus.c). */
void service_bus_name_owner_changed(MUnit *u, bool owned);
/* An Accept=yes instance's connection: u takes over cfd (closed on failure) from `socket`. */
int service_set_socket_fd(MUnit *u, int cfd, MUnit *socket, char *peer);
/* The remote address of an Accept=yes instance of `socket` that still holds its connection. */
const char *service_accept_peer(const MUnit *u, const MUnit *socket);
