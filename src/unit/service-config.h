/* SPDX-License-Identifier: MIT */
#pragma once
/* [Service] settings: systemd.service(5). */
#include <stdbool.h>
#include "base/parse.h"
#include "base/util.h"
#include "unit/exec-config.h"

typedef enum ServiceType {
        SERVICE_SIMPLE, SERVICE_FORKING, SERVICE_ONESHOT, SERVICE_DBUS, SERVICE_NOTIFY,
        SERVICE_NOTIFY_RELOAD, SERVICE_IDLE, SERVICE_EXEC,
        _SERVICE_TYPE_MAX, _SERVICE_TYPE_INVALID = -1,
} ServiceType;
const char *service_type_to_string(ServiceType t);
ServiceType service_type_from_string(const char *s);

typedef enum ServiceRestart {
        SERVICE_RESTART_NO, SERVICE_RESTART_ON_SUCCESS, SERVICE_RESTART_ON_FAILURE,
        SERVICE_RESTART_ON_ABNORMAL, SERVICE_RESTART_ON_WATCHDOG, SERVICE_RESTART_ON_ABORT,
        SERVICE_RESTART_ALWAYS,
        _SERVICE_RESTART_MAX, _SERVICE_RESTART_INVALID = -1,
} ServiceRestart;
const char *service_restart_to_string(ServiceRestart r);
ServiceRestart service_restart_from_string(const char *s);

typedef enum ServiceExecCommand {
        SERVICE_EXEC_CONDITION, SERVICE_EXEC_START_PRE, SERVICE_EXEC_START, SERVICE_EXEC_START_POST,
        SERVICE_EXEC_RELOAD, SERVICE_EXEC_STOP, SERVICE_EXEC_STOP_POST,
        _SERVICE_EXEC_COMMAND_MAX,
} ServiceExecCommand;
const char *service_exec_command_to_string(ServiceExecCommand c); /* "ExecStartPre" */

typedef enum NotifyAccess { NOTIFY_NONE, NOTIFY_ALL, NOTIFY_MAIN, NOTIFY_EXEC, _NOTIFY_ACCESS_MAX, _NOTIFY_ACCESS_INVALID = -1 } NotifyAccess;
const char *notify_access_to_string(NotifyAccess a);
NotifyAccess notify_access_from_string(const char *s);

typedef enum ServiceExitType { SERVICE_EXIT_MAIN, SERVICE_EXIT_CGROUP, _SERVICE_EXIT_TYPE_MAX, _SERVICE_EXIT_TYPE_INVALID = -1 } ServiceExitType;
const char *service_exit_type_to_string(ServiceExitType t);
ServiceExitType service_exit_type_from_string(const char *s);

typedef enum ServiceTimeoutFailureMode {
        SERVICE_TIMEOUT_TERMINATE, SERVICE_TIMEOUT_ABORT, SERVICE_TIMEOUT_KILL,
        _SERVICE_TIMEOUT_FAILURE_MODE_MAX, _SERVICE_TIMEOUT_FAILURE_MODE_INVALID = -1,
} ServiceTimeoutFailureMode;
const char *service_timeout_failure_mode_to_string(ServiceTimeoutFailureMode m);
ServiceTimeoutFailureMode service_timeout_failure_mode_from_string(const char *s);

typedef enum OOMPolicy { OOM_CONTINUE, OOM_STOP, OOM_KILL, _OOM_POLICY_MAX, _OOM_POLICY_INVALID = -1 } OOMPolicy;
const char *oom_policy_to_string(OOMPolicy p);
OOMPolicy oom_policy_from_string(const char *s);

/* Exit statuses and signals, for SuccessExitStatus= and Restart{Prevent,Force}ExitStatus=. */
typedef struct ExitStatusSet {
        uint8_t status[32];   /* bitmap of 0..255 */
        uint8_t signal[9];    /* bitmap of 0..71 (signals go up to SIGRTMAX = 64) */
} ExitStatusSet;
bool exit_status_set_is_empty(const ExitStatusSet *s);
/* A number 0…255 or one of systemd's names ("NOTINSTALLED", "EXCEPTION", ...); -EINVAL/-ERANGE. */
int exit_status_from_string(const char *s);
/* The name of an exit status (SUCCESS, FAILURE, EXEC, EXCEPTION ...), or NULL: 252's EXIT_STATUS_FULL. */
const char *exit_status_to_string(int status);

/* Every [Service] setting of systemd.service(5) as of systemd 252, plus systemd 254's
 * RestartSteps= and RestartMaxDelaySec=. */
typedef struct ServiceConfig {
        ServiceType type;             /* _SERVICE_TYPE_INVALID until service_apply_defaults() */
        ServiceExitType exit_type;
        ServiceRestart restart;
        unsigned restart_steps;       /* RestartSteps= (254): 0 = off */
        ExecCommand *exec_command[_SERVICE_EXEC_COMMAND_MAX];
        bool remain_after_exit, guess_main_pid, root_directory_start_only;
        bool permissions_start_only;  /* deprecated; control commands run unsandboxed */
        bool non_blocking;            /* NonBlocking= (shown with the exec properties) */
        bool timeout_abort_set;
        bool start_timeout_defined;   /* TimeoutStartSec=/TimeoutSec= given: oneshot keeps it */
        bool notify_access_set;
        char *pid_file;
        usec_t restart_usec;
        usec_t restart_max_delay_usec; /* RestartMaxDelaySec= (254): infinity = off */
        usec_t timeout_start_usec, timeout_stop_usec, timeout_abort_usec, runtime_max_usec;
        ServiceTimeoutFailureMode timeout_start_failure_mode, timeout_stop_failure_mode;
        usec_t runtime_rand_extra_usec;
        usec_t watchdog_usec;
        NotifyAccess notify_access;
        OOMPolicy oom_policy;         /* _OOM_POLICY_INVALID until service_apply_defaults() */
        char *bus_name;
        unsigned file_descriptor_store_max;
        ExitStatusSet success_status, restart_prevent_status, restart_force_status;
        char **sockets;   /* Sockets= */
        char *usb_function_descriptors, *usb_function_strings;
        ExecContext exec;
        KillContext kill;
        CGroupContext *cgroup;        /* NULL until a resource-control setting: cgroup_context_default() */
} ServiceConfig;
ServiceConfig *service_config_new(void);
void service_config_free(ServiceConfig *s);
extern const struct DirectiveTable service_directive_table;

struct Unit;
/* After every file is parsed: the automatic Type= (dbus with BusName=, simple with ExecStart=,
 * else oneshot), no start timeout for oneshot, NotifyAccess=main where needed, OOMPolicy= (systemd
 * 252's service_add_extras(); the standard output is unit_defaults_patch()'s). */
void service_apply_defaults(struct Unit *u);
/* 252's service_verify(): logs "UNIT: Service has ... Refusing." and returns -ENOEXEC (the unit
 * is then bad-setting), or warns and returns 0. Also 254's checks of RestartSteps= and
 * RestartMaxDelaySec=: a maximum below RestartSec= lowers RestartSec= to it. */
int service_verify(struct Unit *u);
/* The delay before restart number n_restart (1 = the first) with RestartSec=, RestartSteps= and
 * RestartMaxDelaySec= (systemd 254's service_restart_usec_next(), see unit/restart-delay.h). */
usec_t service_restart_usec_next(const ServiceConfig *s, unsigned n_restart);
