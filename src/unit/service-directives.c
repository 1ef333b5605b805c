/* SPDX-License-Identifier: MIT */
/* The [Service] directive table: systemd 252's keys with 252's messages and fatality, plus
 * systemd 254's RestartSteps= and RestartMaxDelaySec= (a documented deviation: 252 warns
 * "Unknown key" for them). Other later keys (OpenFile=, ReloadSignal=, ...) stay unknown. */
#include <stddef.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "unit/specifier.h"
#include "unit/unit.h"

DEFINE_CONFIG_PARSE_ENUM(parse_service_type, service_type_from_string, ServiceType, "Failed to parse service type")
DEFINE_CONFIG_PARSE_ENUM(parse_exit_type, service_exit_type_from_string, ServiceExitType, "Failed to parse service exit type")
DEFINE_CONFIG_PARSE_ENUM(parse_restart, service_restart_from_string, ServiceRestart, "Failed to parse service restart specifier")
DEFINE_CONFIG_PARSE_ENUM(parse_timeout_failure_mode, service_timeout_failure_mode_from_string, ServiceTimeoutFailureMode,
                  "Failed to parse timeout failure mode")
DEFINE_CONFIG_PARSE_ENUM(parse_oom_policy, oom_policy_from_string, OOMPolicy, "Failed to parse OOM policy")

static int parse_notify_access(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        NotifyAccess a = notify_access_from_string(it->value);
        if ((int)a < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse notify access specifier, ignoring: %s", it->value);
                return 0;
        }
        u->service->notify_access = a;
        u->service->notify_access_set = true;
        return 0;
}

/* Relative names live in /run; /var/run/ is rewritten with a notice. A path that cannot be
 * normalised makes the unit fail to load (252 passes the error up). */
static int parse_pid_file(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data;
        _cleanup_free_ char *k = NULL, *n = NULL;
        (void)ltype;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, it->value, true, &k) < 0) return 0;
        n = k[0] == '/' ? strdup(k) : strjoin("/run/", k);
        if (!n) return log_oom();
        int r = config_path_simplify_and_warn(it, n);
        if (r < 0) return r;
        const char *e = startswith(n, "/var/run/");
        if (e) {
                char *z = strjoin("/run/", e);
                if (!z) return log_oom();
                log_syntax(it->file, it->line, LOG_NOTICE, 0,
                           "%s= references a path below legacy directory /var/run/, updating %s → %s; "
                           "please update the unit file accordingly.", it->key, n, z);
                free(n);
                n = z;
        }
        free(*s);
        *s = TAKE_PTR(n);
        return 0;
}

/* ExecStart= and friends: ltype is the ServiceExecCommand. An empty value resets the list. */
static int parse_exec(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)data;
        ExecCommand **list = &u->service->exec_command[ltype];
        if (isempty(it->value)) {
                exec_command_free_list(*list);
                *list = NULL;
                return 0;
        }
        return exec_command_parse(it, u, list);
}

/* TimeoutSec= sets start and stop; TimeoutStartSec= only start. 0 means no timeout. */
static int parse_service_timeout(const ConfigItem *it, Unit *u, int ltype, void *data) {
        ServiceConfig *s = u->service;
        usec_t t;
        (void)ltype; (void)data;
        if (parse_sec_fix_0(it->value, &t) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse %s= parameter, ignoring: %s", it->key, it->value);
                return 0;
        }
        s->start_timeout_defined = true;
        s->timeout_start_usec = t;
        if (streq(it->key, "TimeoutSec")) s->timeout_stop_usec = t;
        return 0;
}

/* Empty: back to "same as the stop timeout". */
static int parse_timeout_abort(const ConfigItem *it, Unit *u, int ltype, void *data) {
        ServiceConfig *s = u->service;
        usec_t t;
        (void)ltype; (void)data;
        if (isempty(it->value)) {
                s->timeout_abort_usec = 0;
                s->timeout_abort_set = false;
                return 0;
        }
        if (parse_sec(it->value, &t) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse %s= setting, ignoring: %s", it->key, it->value);
                return 0;
        }
        s->timeout_abort_usec = t;
        s->timeout_abort_set = true;
        return 0;
}

static void bit_set(uint8_t *map, unsigned n) { map[n / 8] |= (uint8_t)(1u << (n % 8)); }

/* Numbers 0…255 and exit status names are statuses; anything else must be a signal. */
static int parse_set_status(const ConfigItem *it, Unit *u, int ltype, void *data) {
        ExitStatusSet *set = data;
        (void)u; (void)ltype;
        if (isempty(it->value)) {
                *set = (ExitStatusSet){0};
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL;
                int r = extract_first_word(&p, &word, NULL, 0);
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Failed to parse %s=%s, ignoring: %m", it->key, it->value);
                        return 0;
                }
                if (r == 0) return 0;
                int v = exit_status_from_string(word), sig;
                if (v >= 0) {
                        bit_set(set->status, (unsigned)v);
                        continue;
                }
                r = parse_signal(word, &sig);
                if (r < 0 || sig <= 0 || (size_t)sig >= 8 * sizeof set->signal) {
                        log_syntax(it->file, it->line, LOG_WARNING, r < 0 ? r : ERANGE, "Failed to parse value, ignoring: %s", word);
                        continue;
                }
                bit_set(set->signal, (unsigned)sig);
        }
}

/* sd_bus_service_name_is_valid(): a unique name ":1.42" or a well-known "org.foo.Bar" with at
 * least two elements of [A-Za-z0-9_-] (no leading digit in well-known names), at most 255 bytes. */
static bool bus_service_name_is_valid(const char *p) {
        size_t n = strlen(p), elements = 1;
        bool unique = p[0] == ':', dot = true;
        if (n == 0 || n > 255) return false;
        for (const char *q = p + unique; *q; q++) {
                if (*q == '.') {
                        if (dot) return false;
                        dot = true;
                        elements++;
                        continue;
                }
                bool ok = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_' || *q == '-' ||
                          (*q >= '0' && *q <= '9' && (unique || !dot));
                if (!ok) return false;
                dot = false;
        }
        return !dot && elements >= 2;
}

static int parse_bus_name(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data;
        _cleanup_free_ char *k = NULL;
        (void)ltype;
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, it->value, false, &k) < 0) return 0;
        if (!bus_service_name_is_valid(k)) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Invalid bus name, ignoring: %s", k);
                return 0;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

/* Sockets=: each must be a .socket; the service is triggered by it (Wants=/After= are added
 * with the implicit dependencies). No reset on empty, as in 252. */
static int parse_sockets(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        (void)ltype;
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, 0);
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Trailing garbage in sockets, ignoring: %s", it->value);
                        return 0;
                }
                if (r == 0) return 0;
                if (unit_printf_warn(it, u, SPECIFIERS_NAME, word, true, &k) < 0) continue;
                if (!endswith(k, ".socket")) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0, "Unit must be of type socket, ignoring: %s", k);
                        continue;
                }
                if (!unit_name_is_valid(k, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to add dependency on %s, ignoring: %m", k);
                        continue;
                }
                if (unit_add_dependency_name(u, UNIT_TRIGGERED_BY, k) < 0) return log_oom();
                if (strv_index_push_unique(config_lists(u), l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

#define S(field) BASE_TYPE, offsetof(ServiceConfig, field)
#define U(field) BASE_UNIT, offsetof(Unit, unit.field)
#define EXEC(key, c) { key, parse_exec, c, BASE_TYPE, 0 }

static const Directive service_directives[] = {
        { "PIDFile", parse_pid_file, 0, S(pid_file) },
        EXEC("ExecCondition", SERVICE_EXEC_CONDITION),
        EXEC("ExecStartPre", SERVICE_EXEC_START_PRE),
        EXEC("ExecStart", SERVICE_EXEC_START),
        EXEC("ExecStartPost", SERVICE_EXEC_START_POST),
        EXEC("ExecReload", SERVICE_EXEC_RELOAD),
        EXEC("ExecStop", SERVICE_EXEC_STOP),
        EXEC("ExecStopPost", SERVICE_EXEC_STOP_POST),
        { "RestartSec", config_parse_sec, 0, S(restart_usec) },
        /* systemd 254: config_parse_unsigned and config_parse_sec there too */
        { "RestartSteps", config_parse_unsigned, 0, S(restart_steps) },
        { "RestartMaxDelaySec", config_parse_sec, 0, S(restart_max_delay_usec) },
        { "TimeoutSec", parse_service_timeout, 0, BASE_TYPE, 0 },
        { "TimeoutStartSec", parse_service_timeout, 0, BASE_TYPE, 0 },
        { "TimeoutStopSec", config_parse_sec_fix_0, 0, S(timeout_stop_usec) },
        { "TimeoutAbortSec", parse_timeout_abort, 0, BASE_TYPE, 0 },
        { "TimeoutStartFailureMode", parse_timeout_failure_mode, 0, S(timeout_start_failure_mode) },
        { "TimeoutStopFailureMode", parse_timeout_failure_mode, 0, S(timeout_stop_failure_mode) },
        { "RuntimeMaxSec", config_parse_sec, 0, S(runtime_max_usec) },
        { "RuntimeRandomizedExtraSec", config_parse_sec, 0, S(runtime_rand_extra_usec) },
        { "WatchdogSec", config_parse_sec, 0, S(watchdog_usec) },
        /* [Unit] settings 252 still takes here, for old unit files */
        { "StartLimitInterval", config_parse_sec, 0, U(start_limit_interval_usec) },
        { "StartLimitBurst", config_parse_unsigned, 0, U(start_limit_burst) },
        { "StartLimitAction", config_parse_emergency_action, 0, U(start_limit_action) },
        { "FailureAction", config_parse_emergency_action, 0, U(failure_action) },
        { "RebootArgument", config_parse_unit_string_printf, 0, U(reboot_argument) },
        { "Type", parse_service_type, 0, S(type) },
        { "ExitType", parse_exit_type, 0, S(exit_type) },
        { "Restart", parse_restart, 0, S(restart) },
        { "PermissionsStartOnly", config_parse_bool, 0, S(permissions_start_only) },
        { "RootDirectoryStartOnly", config_parse_bool, 0, S(root_directory_start_only) },
        { "RemainAfterExit", config_parse_bool, 0, S(remain_after_exit) },
        { "GuessMainPID", config_parse_bool, 0, S(guess_main_pid) },
        { "RestartPreventExitStatus", parse_set_status, 0, S(restart_prevent_status) },
        { "RestartForceExitStatus", parse_set_status, 0, S(restart_force_status) },
        { "SuccessExitStatus", parse_set_status, 0, S(success_status) },
        { "SysVStartPriority", config_parse_warn_compat, DISABLED_LEGACY, BASE_UNIT, 0 },
        { "NonBlocking", config_parse_bool, 0, S(non_blocking) },
        { "BusName", parse_bus_name, 0, S(bus_name) },
        { "FileDescriptorStoreMax", config_parse_unsigned, 0, S(file_descriptor_store_max) },
        { "NotifyAccess", parse_notify_access, 0, S(notify_access) },
        { "Sockets", parse_sockets, 0, S(sockets) },
        { "BusPolicy", config_parse_warn_compat, DISABLED_LEGACY, BASE_UNIT, 0 },
        { "USBFunctionDescriptors", config_parse_unit_path_printf, 0, S(usb_function_descriptors) },
        { "USBFunctionStrings", config_parse_unit_path_printf, 0, S(usb_function_strings) },
        { "OOMPolicy", parse_oom_policy, 0, S(oom_policy) },
        { NULL },
};

const DirectiveTable service_directive_table = { NULL, service_directives };
