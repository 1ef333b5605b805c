/* SPDX-License-Identifier: MIT */
/* ServiceConfig: construction with systemd 252's defaults, its name tables, the fix-ups made
 * once all files are parsed (service_add_extras()) and the load-time checks (service_verify()). */
#include "base/log.h"
#include "base/strv.h"
#include "unit/restart-delay.h"
#include "unit/unit.h"

/* notify-reload is 253+: its slot stays NULL so that 252's "Failed to parse" results. */
static const char *const service_type_table[_SERVICE_TYPE_MAX] = {
        [SERVICE_SIMPLE] = "simple", [SERVICE_FORKING] = "forking", [SERVICE_ONESHOT] = "oneshot",
        [SERVICE_DBUS] = "dbus", [SERVICE_NOTIFY] = "notify", [SERVICE_IDLE] = "idle", [SERVICE_EXEC] = "exec",
};
DEFINE_STRING_TABLE(service_type, ServiceType, service_type_table)

static const char *const service_restart_table[_SERVICE_RESTART_MAX] = {
        [SERVICE_RESTART_NO] = "no", [SERVICE_RESTART_ON_SUCCESS] = "on-success",
        [SERVICE_RESTART_ON_FAILURE] = "on-failure", [SERVICE_RESTART_ON_ABNORMAL] = "on-abnormal",
        [SERVICE_RESTART_ON_WATCHDOG] = "on-watchdog", [SERVICE_RESTART_ON_ABORT] = "on-abort",
        [SERVICE_RESTART_ALWAYS] = "always",
};
DEFINE_STRING_TABLE(service_restart, ServiceRestart, service_restart_table)

static const char *const service_exec_command_table[_SERVICE_EXEC_COMMAND_MAX] = {
        [SERVICE_EXEC_CONDITION] = "ExecCondition", [SERVICE_EXEC_START_PRE] = "ExecStartPre",
        [SERVICE_EXEC_START] = "ExecStart", [SERVICE_EXEC_START_POST] = "ExecStartPost",
        [SERVICE_EXEC_RELOAD] = "ExecReload", [SERVICE_EXEC_STOP] = "ExecStop",
        [SERVICE_EXEC_STOP_POST] = "ExecStopPost",
};
const char *service_exec_command_to_string(ServiceExecCommand c) {
        return (int)c >= 0 && c < _SERVICE_EXEC_COMMAND_MAX ? service_exec_command_table[c] : NULL;
}

static const char *const notify_access_table[_NOTIFY_ACCESS_MAX] = {
        [NOTIFY_NONE] = "none", [NOTIFY_ALL] = "all", [NOTIFY_MAIN] = "main", [NOTIFY_EXEC] = "exec",
};
DEFINE_STRING_TABLE(notify_access, NotifyAccess, notify_access_table)

static const char *const service_exit_type_table[_SERVICE_EXIT_TYPE_MAX] = {
        [SERVICE_EXIT_MAIN] = "main", [SERVICE_EXIT_CGROUP] = "cgroup",
};
DEFINE_STRING_TABLE(service_exit_type, ServiceExitType, service_exit_type_table)

static const char *const timeout_failure_mode_table[_SERVICE_TIMEOUT_FAILURE_MODE_MAX] = {
        [SERVICE_TIMEOUT_TERMINATE] = "terminate", [SERVICE_TIMEOUT_ABORT] = "abort", [SERVICE_TIMEOUT_KILL] = "kill",
};
DEFINE_STRING_TABLE(service_timeout_failure_mode, ServiceTimeoutFailureMode, timeout_failure_mode_table)

static const char *const oom_policy_table[_OOM_POLICY_MAX] = {
        [OOM_CONTINUE] = "continue", [OOM_STOP] = "stop", [OOM_KILL] = "kill",
};
DEFINE_STRING_TABLE(oom_policy, OOMPolicy, oom_policy_table)

/* systemd's exit status names (libc, LSB, BSD sysexits, its own 200+). */
static const char *const exit_status_names[256] = {
        [0] = "SUCCESS", [1] = "FAILURE",
        [2] = "INVALIDARGUMENT", [3] = "NOTIMPLEMENTED", [4] = "NOPERMISSION", [5] = "NOTINSTALLED",
        [6] = "NOTCONFIGURED", [7] = "NOTRUNNING",
        [64] = "USAGE", [65] = "DATAERR", [66] = "NOINPUT", [67] = "NOUSER", [68] = "NOHOST",
        [69] = "UNAVAILABLE", [70] = "SOFTWARE", [71] = "OSERR", [72] = "OSFILE", [73] = "CANTCREAT",
        [74] = "IOERR", [75] = "TEMPFAIL", [76] = "PROTOCOL", [77] = "NOPERM", [78] = "CONFIG",
        [200] = "CHDIR", [201] = "NICE", [202] = "FDS", [203] = "EXEC", [204] = "MEMORY", [205] = "LIMITS",
        [206] = "OOM_ADJUST", [207] = "SIGNAL_MASK", [208] = "STDIN", [209] = "STDOUT", [210] = "CHROOT",
        [211] = "IOPRIO", [212] = "TIMERSLACK", [213] = "SECUREBITS", [214] = "SETSCHEDULER",
        [215] = "CPUAFFINITY", [216] = "GROUP", [217] = "USER", [218] = "CAPABILITIES", [219] = "CGROUP",
        [220] = "SETSID", [221] = "CONFIRM", [222] = "STDERR", [224] = "PAM", [225] = "NETWORK",
        [226] = "NAMESPACE", [227] = "NO_NEW_PRIVILEGES", [228] = "SECCOMP", [229] = "SELINUX_CONTEXT",
        [230] = "PERSONALITY", [231] = "APPARMOR", [232] = "ADDRESS_FAMILIES", [233] = "RUNTIME_DIRECTORY",
        [235] = "CHOWN", [236] = "SMACK_PROCESS_LABEL", [237] = "KEYRING", [238] = "STATE_DIRECTORY",
        [239] = "CACHE_DIRECTORY", [240] = "LOGS_DIRECTORY", [241] = "CONFIGURATION_DIRECTORY",
        [242] = "NUMA_POLICY", [243] = "CREDENTIALS", [244] = "BPF", [255] = "EXCEPTION",
};

const char *exit_status_to_string(int status) {
        return status >= 0 && status < 256 ? exit_status_names[status] : NULL;
}

int exit_status_from_string(const char *s) {
        unsigned v;
        for (int i = 0; i < 256; i++)
                if (exit_status_names[i] && streq(exit_status_names[i], s)) return i;
        int r = safe_atou(s, &v);
        if (r < 0) return r;
        return v > 255 ? -ERANGE : (int)v;
}

bool exit_status_set_is_empty(const ExitStatusSet *s) {
        for (size_t i = 0; i < sizeof s->status; i++)
                if (s->status[i]) return false;
        for (size_t i = 0; i < sizeof s->signal; i++)
                if (s->signal[i]) return false;
        return true;
}

ServiceConfig *service_config_new(void) {
        ServiceConfig *s = calloc(1, sizeof *s);
        if (!s) return NULL;
        s->type = _SERVICE_TYPE_INVALID;
        s->timeout_start_usec = 90 * USEC_PER_SEC;   /* DefaultTimeoutStartSec= (unit_defaults_apply_new()) */
        s->timeout_stop_usec = 90 * USEC_PER_SEC;    /* DefaultTimeoutStopSec= */
        s->timeout_abort_usec = 90 * USEC_PER_SEC;
        s->restart_usec = 100 * USEC_PER_MSEC;       /* DefaultRestartSec= */
        s->runtime_max_usec = USEC_INFINITY;
        s->restart_max_delay_usec = USEC_INFINITY;
        s->guess_main_pid = true;
        s->oom_policy = _OOM_POLICY_INVALID;
        exec_context_init(&s->exec);
        s->exec.keyring_mode = EXEC_KEYRING_PRIVATE;  /* service_init() of 252 */
        kill_context_init(&s->kill);
        return s;
}

void service_config_free(ServiceConfig *s) {
        if (!s) return;
        for (int i = 0; i < _SERVICE_EXEC_COMMAND_MAX; i++) exec_command_free_list(s->exec_command[i]);
        free(s->pid_file);
        free(s->bus_name);
        strv_free(s->sockets);
        free(s->usb_function_descriptors);
        free(s->usb_function_strings);
        exec_context_done(&s->exec);
        cgroup_context_free(s->cgroup);
        free(s);
}

void service_apply_defaults(Unit *u) {
        ServiceConfig *s = u->service;
        if (!s) return;
        if (s->type == _SERVICE_TYPE_INVALID)
                s->type = s->bus_name ? SERVICE_DBUS : s->exec_command[SERVICE_EXEC_START] ? SERVICE_SIMPLE : SERVICE_ONESHOT;
        if (s->type == SERVICE_ONESHOT && !s->start_timeout_defined) s->timeout_start_usec = USEC_INFINITY;
        /* 252 cannot tell an explicit NotifyAccess=none from the default: both become main. */
        if (s->notify_access == NOTIFY_NONE &&
            (s->type == SERVICE_NOTIFY || s->watchdog_usec > 0 || s->file_descriptor_store_max > 0))
                s->notify_access = NOTIFY_MAIN;
        if (s->oom_policy < 0) s->oom_policy = s->cgroup && s->cgroup->delegate ? OOM_CONTINUE : OOM_STOP;  /* DefaultOOMPolicy=stop */
}

static int refuse(const Unit *u, const char *msg) {
        log_error("%s: %s", u->id, msg);
        return -ENOEXEC;
}

/* Filenames (no slash) are allowed for command paths: they are looked up in $PATH at run time. */
static bool command_path_ok(const char *p) {
        if (!p || !*p) return false;
        if (p[0] == '/') return true;
        return !strchr(p, '/') && !streq(p, ".") && !streq(p, "..") && strlen(p) <= 255;
}

static int verify_commands(const Unit *u) {
        const ServiceConfig *s = u->service;
        for (int i = 0; i < _SERVICE_EXEC_COMMAND_MAX; i++)
                for (const ExecCommand *c = s->exec_command[i]; c; c = c->next) {
                        if (!command_path_ok(c->path)) {
                                log_error("%s: Service %s= binary path \"%s\" is neither a valid executable name nor an absolute path. Refusing.",
                                          u->id, strempty(c->path), service_exec_command_to_string(i));
                                return -ENOEXEC;
                        }
                        if (!c->argv || !c->argv[0]) {
                                log_error("%s: Service has an empty argv in %s=. Refusing.", u->id,
                                          service_exec_command_to_string(i));
                                return -ENOEXEC;
                        }
                }
        return 0;
}

/* systemd 254's checks (252 knows neither setting): warnings only. */
static void verify_restart_steps(const Unit *u, ServiceConfig *s) {
        if (s->restart_max_delay_usec == USEC_INFINITY && s->restart_steps > 0)
                log_warning("%s: Service has RestartSteps= but no RestartMaxDelaySec= setting. Ignoring.", u->id);
        if (s->restart_max_delay_usec != USEC_INFINITY && s->restart_steps == 0)
                log_warning("%s: Service has RestartMaxDelaySec= but no RestartSteps= setting. Ignoring.", u->id);
        if (s->restart_max_delay_usec < s->restart_usec) {
                log_warning("%s: RestartMaxDelaySec= has a value smaller than RestartSec=, resetting RestartSec= to RestartMaxDelaySec=.",
                            u->id);
                s->restart_usec = s->restart_max_delay_usec;
        }
}

usec_t service_restart_usec_next(const ServiceConfig *s, unsigned n_restart) {
        return restart_delay_next(s->restart_usec, s->restart_steps, s->restart_max_delay_usec, n_restart);
}

int service_verify(Unit *u) {
        ServiceConfig *s = u->service;
        if (!s) return 0;
        int r = verify_commands(u);
        if (r < 0) return r;
        const ExecCommand *start = s->exec_command[SERVICE_EXEC_START];
        bool success_action = u->unit.success_action != EMERGENCY_ACTION_NONE;
        if (!start && !s->exec_command[SERVICE_EXEC_STOP] && !success_action)
                return refuse(u, "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        if (s->type != SERVICE_ONESHOT && !start)
                return refuse(u, "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        if (!s->remain_after_exit && !start && !success_action)
                return refuse(u, "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.");
        if (s->type != SERVICE_ONESHOT && start->next)
                return refuse(u, "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_ONESHOT && (s->restart == SERVICE_RESTART_ALWAYS || s->restart == SERVICE_RESTART_ON_SUCCESS))
                return refuse(u, "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_ONESHOT && !exit_status_set_is_empty(&s->restart_force_status))
                return refuse(u, "Service has RestartForceExitStatus= set, which isn't allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_ONESHOT && s->exit_type == SERVICE_EXIT_CGROUP)
                return refuse(u, "Service has ExitType=cgroup set, which isn't allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_DBUS && !s->bus_name)
                return refuse(u, "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.");
        if (s->exec.pam_name && s->kill.kill_mode != KILL_CONTROL_GROUP && s->kill.kill_mode != KILL_MIXED)
                return refuse(u, "Service has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'. Refusing.");
        if (s->usb_function_descriptors && !s->usb_function_strings)
                log_warning("%s: Service has USBFunctionDescriptors= setting, but no USBFunctionStrings=. Ignoring.", u->id);
        if (!s->usb_function_descriptors && s->usb_function_strings)
                log_warning("%s: Service has USBFunctionStrings= setting, but no USBFunctionDescriptors=. Ignoring.", u->id);
        if (s->runtime_max_usec != USEC_INFINITY && s->type == SERVICE_ONESHOT)
                log_warning("%s: RuntimeMaxSec= has no effect in combination with Type=oneshot. Ignoring.", u->id);
        if (s->runtime_max_usec == USEC_INFINITY && s->runtime_rand_extra_usec != 0)
                log_warning("%s: Service has RuntimeRandomizedExtraSec= setting, but no RuntimeMaxSec=. Ignoring.", u->id);
        verify_restart_steps(u, s);
        return 0;
}
