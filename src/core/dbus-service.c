/* SPDX-License-Identifier: MIT */
/* org.freedesktop.systemd1.Service's own properties, systemd 252's names, D-Bus types and order
 * (plus systemd 254's RestartSteps=, RestartMaxDelayUSec= and RestartUSecNext= after RestartUSec=,
 * where 254 lists them): the configuration and the service's runtime state. A service that never
 * ran reports what systemd reports for one. */
#include "core/dbus-internal.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)

static ServiceConfig *scfg(void *o) { return C(o) ? C(o)->service : NULL; }

#define SVC_EXEC(fn, idx, ex) \
        static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_exec_commands(m, U(o), c ? c->exec_command[idx] : NULL, ex); }
SVC_EXEC(g_exec_condition, SERVICE_EXEC_CONDITION, false)
SVC_EXEC(g_exec_condition_ex, SERVICE_EXEC_CONDITION, true)
SVC_EXEC(g_exec_start_pre, SERVICE_EXEC_START_PRE, false)
SVC_EXEC(g_exec_start_pre_ex, SERVICE_EXEC_START_PRE, true)
SVC_EXEC(g_exec_start, SERVICE_EXEC_START, false)
SVC_EXEC(g_exec_start_ex, SERVICE_EXEC_START, true)
SVC_EXEC(g_exec_start_post, SERVICE_EXEC_START_POST, false)
SVC_EXEC(g_exec_start_post_ex, SERVICE_EXEC_START_POST, true)
SVC_EXEC(g_exec_reload, SERVICE_EXEC_RELOAD, false)
SVC_EXEC(g_exec_reload_ex, SERVICE_EXEC_RELOAD, true)
SVC_EXEC(g_exec_stop, SERVICE_EXEC_STOP, false)
SVC_EXEC(g_exec_stop_ex, SERVICE_EXEC_STOP, true)
SVC_EXEC(g_exec_stop_post, SERVICE_EXEC_STOP_POST, false)
SVC_EXEC(g_exec_stop_post_ex, SERVICE_EXEC_STOP_POST, true)

#define SVC_STR(fn, expr, def) static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? (expr) : (def)); }
#define SVC_USEC(fn, expr, def) static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_u64(m, c ? (expr) : (def)); }
#define SVC_BOOL(fn, expr, def) static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_bool(m, c ? (expr) : (def)); }
SVC_STR(g_type, strempty(service_type_to_string(c->type)), "simple")
SVC_STR(g_exit_type, service_exit_type_to_string(c->exit_type), "main")
SVC_STR(g_restart, service_restart_to_string(c->restart), "no")
SVC_STR(g_pid_file, c->pid_file, NULL)
SVC_STR(g_notify_access, notify_access_to_string(c->notify_access), "none")
SVC_USEC(g_restart_usec, c->restart_usec, 100 * USEC_PER_MSEC)
static int g_restart_steps(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_u32(m, c ? c->restart_steps : 0); }
SVC_USEC(g_restart_max_delay, c->restart_max_delay_usec, USEC_INFINITY)
SVC_USEC(g_restart_next, service_restart_usec_next_runtime(SERVICE(U(o))), 100 * USEC_PER_MSEC)
SVC_USEC(g_timeout_start, c->timeout_start_usec, 90 * USEC_PER_SEC)
SVC_USEC(g_timeout_stop, c->timeout_stop_usec, 90 * USEC_PER_SEC)
/* unset: the stop timeout, as 252's service_timeout_abort_usec() */
SVC_USEC(g_timeout_abort, c->timeout_abort_set ? c->timeout_abort_usec : c->timeout_stop_usec, 90 * USEC_PER_SEC)
SVC_STR(g_timeout_start_failure_mode, service_timeout_failure_mode_to_string(c->timeout_start_failure_mode), "terminate")
SVC_STR(g_timeout_stop_failure_mode, service_timeout_failure_mode_to_string(c->timeout_stop_failure_mode), "terminate")
SVC_USEC(g_runtime_max, c->runtime_max_usec, USEC_INFINITY)
SVC_USEC(g_runtime_rand_extra, c->runtime_rand_extra_usec, 0)
/* 252 reports the watchdog of the running process: infinity until the service has started */
SVC_USEC(g_watchdog, SERVICE(U(o))->exec_main_start.realtime ? c->watchdog_usec : USEC_INFINITY, USEC_INFINITY)
SVC_BOOL(g_root_dir_start_only, c->root_directory_start_only, false)
SVC_BOOL(g_remain_after_exit, c->remain_after_exit, false)
SVC_BOOL(g_guess_main_pid, c->guess_main_pid, true)

static bool bit_isset(const uint8_t *map, unsigned n) { return map[n / 8] & (1u << (n % 8)); }

/* "(aiai)": exit statuses in ascending order, then signal numbers */
static int append_exit_status_set(BusMessage *m, const ExitStatusSet *set) {
        int r = bus_message_open_container(m, 'r', "aiai");
        if (r >= 0) r = bus_message_open_container(m, 'a', "i");
        for (unsigned i = 0; r >= 0 && set && i < 8 * sizeof set->status; i++)
                if (bit_isset(set->status, i)) r = bus_append_i32(m, (int32_t)i);
        if (r >= 0) r = bus_message_close_container(m);
        if (r >= 0) r = bus_message_open_container(m, 'a', "i");
        for (unsigned i = 1; r >= 0 && set && i < 8 * sizeof set->signal; i++)
                if (bit_isset(set->signal, i)) r = bus_append_i32(m, (int32_t)i);
        if (r >= 0) r = bus_message_close_container(m);
        return r < 0 ? r : bus_message_close_container(m);
}
#define SVC_STATUS(fn, field) static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return append_exit_status_set(m, c ? &c->field : NULL); }
SVC_STATUS(g_restart_prevent_status, restart_prevent_status)
SVC_STATUS(g_restart_force_status, restart_force_status)
SVC_STATUS(g_success_status, success_status)

static uint32_t pid_or_zero(pid_t pid) { return pid > 0 ? (uint32_t)pid : 0; }
static int g_main_pid(BusMessage *m, void *o) { return bus_append_u32(m, pid_or_zero(munit_main_pid(U(o)))); }
/* also a socket's ControlPID= */
int bus_service_control_pid(BusMessage *m, void *o) { return bus_append_u32(m, pid_or_zero(munit_control_pid(U(o)))); }
SVC_STR(g_bus_name, c->bus_name, NULL)
static int g_fd_store_max(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_u32(m, c ? c->file_descriptor_store_max : 0); }
static int g_n_fd_store(BusMessage *m, void *o) { return bus_append_u32(m, (uint32_t)SERVICE(U(o))->n_fd_store); }
static int g_status_text(BusMessage *m, void *o) { return bus_append_string(m, SERVICE(U(o))->status_text); }
static int g_status_errno(BusMessage *m, void *o) { return bus_append_i32(m, SERVICE(U(o))->status_errno); }
static int g_result(BusMessage *m, void *o) { return bus_append_string(m, service_result_to_string(SERVICE(U(o))->result)); }
static int g_reload_result(BusMessage *m, void *o) { return bus_append_string(m, service_result_to_string(SERVICE(U(o))->reload_result)); }
static int g_clean_result(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "success"); }
SVC_STR(g_usb_function_descriptors, c->usb_function_descriptors, NULL)
SVC_STR(g_usb_function_strings, c->usb_function_strings, NULL)
static int g_n_restarts(BusMessage *m, void *o) { return bus_append_u32(m, SERVICE(U(o))->n_restarts); }
SVC_STR(g_oom_policy, strempty(oom_policy_to_string(c->oom_policy)), "stop")
static int g_main_start(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_start.realtime); }
static int g_main_start_mono(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_start.monotonic); }
static int g_main_exit(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_exit.realtime); }
static int g_main_exit_mono(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_exit.monotonic); }
static int g_main_exec_pid(BusMessage *m, void *o) { return bus_append_u32(m, SERVICE(U(o))->exec_main_pid > 0 ? (uint32_t)SERVICE(U(o))->exec_main_pid : 0); }
static int g_main_code(BusMessage *m, void *o) { return bus_append_i32(m, SERVICE(U(o))->exec_main_exit.realtime ? SERVICE(U(o))->main_exit_code : 0); }
static int g_main_status(BusMessage *m, void *o) { return bus_append_i32(m, SERVICE(U(o))->exec_main_exit.realtime ? SERVICE(U(o))->main_exit_status : 0); }

const BusProperty bus_service_properties[] = {
        { "Type", "s", g_type },
        { "ExitType", "s", g_exit_type },
        { "Restart", "s", g_restart },
        { "PIDFile", "s", g_pid_file },
        { "NotifyAccess", "s", g_notify_access },
        { "RestartUSec", "t", g_restart_usec },
        /* systemd 254's, in its order */
        { "RestartSteps", "u", g_restart_steps },
        { "RestartMaxDelayUSec", "t", g_restart_max_delay },
        { "RestartUSecNext", "t", g_restart_next },
        { "TimeoutStartUSec", "t", g_timeout_start },
        { "TimeoutStopUSec", "t", g_timeout_stop },
        { "TimeoutAbortUSec", "t", g_timeout_abort },
        { "TimeoutStartFailureMode", "s", g_timeout_start_failure_mode },
        { "TimeoutStopFailureMode", "s", g_timeout_stop_failure_mode },
        { "RuntimeMaxUSec", "t", g_runtime_max },
        { "RuntimeRandomizedExtraUSec", "t", g_runtime_rand_extra },
        { "WatchdogUSec", "t", g_watchdog },
        { "WatchdogTimestamp", "t", bus_get_zero_u64 },
        { "WatchdogTimestampMonotonic", "t", bus_get_zero_u64 },
        { "RootDirectoryStartOnly", "b", g_root_dir_start_only },
        { "RemainAfterExit", "b", g_remain_after_exit },
        { "GuessMainPID", "b", g_guess_main_pid },
        { "RestartPreventExitStatus", "(aiai)", g_restart_prevent_status },
        { "RestartForceExitStatus", "(aiai)", g_restart_force_status },
        { "SuccessExitStatus", "(aiai)", g_success_status },
        { "MainPID", "u", g_main_pid },
        { "ControlPID", "u", bus_service_control_pid },
        { "BusName", "s", g_bus_name },
        { "FileDescriptorStoreMax", "u", g_fd_store_max },
        { "NFileDescriptorStore", "u", g_n_fd_store },
        { "StatusText", "s", g_status_text },
        { "StatusErrno", "i", g_status_errno },
        { "Result", "s", g_result },
        { "ReloadResult", "s", g_reload_result },
        { "CleanResult", "s", g_clean_result },
        { "USBFunctionDescriptors", "s", g_usb_function_descriptors },
        { "USBFunctionStrings", "s", g_usb_function_strings },
        { "UID", "u", bus_get_max_u32 },
        { "GID", "u", bus_get_max_u32 },
        { "NRestarts", "u", g_n_restarts },
        { "OOMPolicy", "s", g_oom_policy },
        { "ExecMainStartTimestamp", "t", g_main_start },
        { "ExecMainStartTimestampMonotonic", "t", g_main_start_mono },
        { "ExecMainExitTimestamp", "t", g_main_exit },
        { "ExecMainExitTimestampMonotonic", "t", g_main_exit_mono },
        { "ExecMainPID", "u", g_main_exec_pid },
        { "ExecMainCode", "i", g_main_code },
        { "ExecMainStatus", "i", g_main_status },
        { "ExecCondition", "a(sasbttttuii)", g_exec_condition },
        { "ExecConditionEx", "a(sasasttttuii)", g_exec_condition_ex },
        { "ExecStartPre", "a(sasbttttuii)", g_exec_start_pre },
        { "ExecStartPreEx", "a(sasasttttuii)", g_exec_start_pre_ex },
        { "ExecStart", "a(sasbttttuii)", g_exec_start },
        { "ExecStartEx", "a(sasasttttuii)", g_exec_start_ex },
        { "ExecStartPost", "a(sasbttttuii)", g_exec_start_post },
        { "ExecStartPostEx", "a(sasasttttuii)", g_exec_start_post_ex },
        { "ExecReload", "a(sasbttttuii)", g_exec_reload },
        { "ExecReloadEx", "a(sasasttttuii)", g_exec_reload_ex },
        { "ExecStop", "a(sasbttttuii)", g_exec_stop },
        { "ExecStopEx", "a(sasasttttuii)", g_exec_stop_ex },
        { "ExecStopPost", "a(sasbttttuii)", g_exec_stop_post },
        { "ExecStopPostEx", "a(sasasttttuii)", g_exec_stop_post_ex },
        { NULL },
};
