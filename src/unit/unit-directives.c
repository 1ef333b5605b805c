/* SPDX-License-Identifier: MIT */
/* The [Unit] and [Install] directive tables and their specific parsers. The set of keys is
 * exactly systemd 252's (load-fragment-gperf.gperf.in), including the obsolete names it still
 * maps; messages and what is fatal follow 252, checked with `systemd-analyze verify`. */
#include <limits.h>
#include <stddef.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/specifier.h"
#include "unit/unit.h"

int unit_printf_warn(const ConfigItem *it, const Unit *u, int set, const char *text, bool quote, char **ret) {
        SpecifierUnit su = { .id = u->id, .fragment_path = u->fragment_path, .root = u->root };
        int r = specifier_expand(&su, (SpecifierSet)set, text, 0, ret);
        if (r == -ENOMEM) return log_oom();
        if (r < 0)
                log_syntax(it->file, it->line, LOG_WARNING, r, "Failed to resolve unit specifiers in %s%s%s, ignoring: %m",
                           quote ? "'" : "", text, quote ? "'" : "");
        return r;
}

static bool ascii_is_valid(const char *s) {
        for (; *s; s++)
                if ((unsigned char)*s >= 128) return false;
        return true;
}

/* Description=, and RebootArgument= in [Service] (no validity check there, as in 252). */
int config_parse_unit_string_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data, *k = NULL;
        (void)ltype;
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, it->value, true, &k) < 0) return 0;
        free(*s);
        *s = isempty(k) ? NULL : k;
        if (!*s) free(k);
        return 0;
}

/* SourcePath=, USBFunction*=: one absolute path, specifiers expanded; empty unsets. */
int config_parse_unit_path_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data;
        _cleanup_free_ char *k = NULL;
        (void)ltype;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, it->value, true, &k) < 0) return 0;
        if (config_path_simplify_and_warn(it, k) < 0) return 0;
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

/* systemd's documentation_url_is_valid(): http(s)://, file:/, info: and man: with ASCII. */
static bool documentation_url_is_valid(const char *url) {
        const char *p;
        if ((p = startswith(url, "http://")) || (p = startswith(url, "https://")) || (p = startswith(url, "file:/")) ||
            (p = startswith(url, "info:")) || (p = startswith(url, "man:")))
                return !isempty(p) && ascii_is_valid(p);
        return false;
}

static int parse_documentation(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        (void)ltype;
        if (isempty(it->value)) {
                strv_index_reset(config_lists(u), l);
                return 0;
        }
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, it->value, true, &k) < 0) return 0;
        for (const char *p = k;;) {
                _cleanup_free_ char *word = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Invalid syntax, ignoring: %s", k);
                        return 0;
                }
                if (!documentation_url_is_valid(word)) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0, "Invalid URL, ignoring: %s", word);
                        continue;
                }
                if (strv_index_push(config_lists(u), l, TAKE_PTR(word)) < 0) return log_oom();
        }
}

/* RequiresOverridable=, RequisiteOverridable=: still honoured as the plain dependency. */
static int parse_obsolete_deps(const ConfigItem *it, Unit *u, int ltype, void *data) {
        log_syntax(it->file, it->line, LOG_WARNING, 0,
                   "Unit dependency type %s= is obsolete, replacing by %s=, please update your unit file", it->key,
                   unit_dependency_to_string((UnitDependency)ltype));
        return config_parse_unit_deps(it, u, ltype, data);
}

static int parse_requires_mounts_for(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        (void)ltype;
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE);
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (r == 0) return 0;
                if (unit_printf_warn(it, u, SPECIFIERS_FULL, word, true, &k) < 0) continue;
                if (config_path_simplify_and_warn(it, k) < 0) continue;
                if (strv_index_push_unique(config_lists(u), l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

DEFINE_CONFIG_PARSE_ENUM(parse_job_mode, job_mode_from_string, JobMode, "Failed to parse job mode")

/* OnFailureIsolate=: the pre-OnFailureJobMode= boolean; 252 says so without file and line. */
static int parse_job_mode_isolate(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = parse_boolean(it->value);
        if (b < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, b, "Failed to parse boolean, ignoring: %s", it->value);
                return 0;
        }
        log_notice("%s is deprecated. Please use OnFailureJobMode= instead", it->key);
        *(JobMode *)data = b ? JOB_ISOLATE : JOB_REPLACE;
        return 0;
}

/* JobTimeoutSec= also moves JobRunningTimeoutSec= unless that was given itself. */
static int parse_job_timeout(const ConfigItem *it, Unit *u, int ltype, void *data) {
        usec_t t;
        (void)data;
        if (parse_sec_fix_0(it->value, &t) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse %s= parameter, ignoring: %s", it->key, it->value);
                return 0;
        }
        if (ltype) {
                u->unit.job_running_timeout_usec = t;
                u->unit.job_running_timeout_set = true;
                return 0;
        }
        if (!u->unit.job_running_timeout_set) u->unit.job_running_timeout_usec = t;
        u->unit.job_timeout_usec = t;
        return 0;
}

/* A system manager accepts every action 252 knows; unknown names are ignored with a warning. */
int config_parse_emergency_action(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        EmergencyAction a = emergency_action_from_string(it->value);
        if ((int)a < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse %s=, ignoring: %s", it->key, it->value);
                return 0;
        }
        *(EmergencyAction *)data = a;
        return 0;
}

static int parse_reboot_parameter(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data;
        _cleanup_free_ char *k = NULL;
        (void)ltype;
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, it->value, true, &k) < 0) return 0;
        if (!ascii_is_valid(k) || strlen(k) > NAME_MAX) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Invalid reboot parameter '%s', ignoring.", k);
                return 0;
        }
        free(*s);
        *s = isempty(k) ? NULL : TAKE_PTR(k);
        return 0;
}

/* FailureActionExitStatus=, SuccessActionExitStatus=: 0…255, empty = unset (-1). */
static int parse_exit_status(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        unsigned v;
        if (isempty(it->value)) {
                *(int *)data = -1;
                return 0;
        }
        int r = safe_atou(it->value, &v);
        if (r >= 0 && v > 255) r = -ERANGE;
        if (r < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, r, "Failed to parse exit status '%s', ignoring: %m", it->value);
                return 0;
        }
        *(int *)data = (int)v;
        return 0;
}

DEFINE_CONFIG_PARSE_ENUM(parse_collect_mode, collect_mode_from_string, CollectMode,
                         "Failed to parse garbage collection mode")

/* Split the '|' (trigger) and '!' (negate) prefixes off a condition value. For string
 * conditions 252 also skips whitespace after each prefix. */
static const char *condition_prefixes(const char *v, bool skip_ws, bool *trigger, bool *negate) {
        if ((*trigger = *v == '|')) v += 1 + (skip_ws ? strspn(v + 1, WHITESPACE) : 0);
        if ((*negate = *v == '!')) v += 1 + (skip_ws ? strspn(v + 1, WHITESPACE) : 0);
        return v;
}

static int condition_add(Condition **list, ConditionType t, const char *param, bool trigger, bool negate) {
        Condition *c = condition_new(t, param, trigger, negate);
        if (!c) return log_oom();
        c->next = *list;   /* prepended, as systemd does */
        *list = c;
        return 0;
}

/* ConditionPath*=, AssertPath*= and the other path-valued ones: ltype is the ConditionType. */
static int parse_condition_path(const ConfigItem *it, Unit *u, int ltype, void *data) {
        Condition **list = data;
        _cleanup_free_ char *k = NULL;
        bool trigger, negate;
        if (isempty(it->value)) {
                condition_list_free(*list);
                *list = NULL;
                return 0;
        }
        const char *v = condition_prefixes(it->value, false, &trigger, &negate);
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, v, false, &k) < 0) return 0;
        if (config_path_simplify_and_warn(it, k) < 0) return 0;
        return condition_add(list, (ConditionType)ltype, k, trigger, negate);
}

/* Every other condition: the value is kept as text and judged when the condition is checked. */
static int parse_condition_string(const ConfigItem *it, Unit *u, int ltype, void *data) {
        Condition **list = data;
        _cleanup_free_ char *k = NULL;
        bool trigger, negate;
        if (isempty(it->value)) {
                condition_list_free(*list);
                *list = NULL;
                return 0;
        }
        const char *v = condition_prefixes(it->value, true, &trigger, &negate);
        if (unit_printf_warn(it, u, SPECIFIERS_FULL, v, true, &k) < 0) return 0;
        return condition_add(list, (ConditionType)ltype, k, trigger, negate);
}

#define U(field) BASE_UNIT, offsetof(Unit, unit.field)
#define DEP(key, d) { key, config_parse_unit_deps, d, BASE_UNIT, 0 }
#define CP(key, t) { "Condition" key, parse_condition_path, t, U(conditions) }, { "Assert" key, parse_condition_path, t, U(asserts) }
#define CS(key, t) { "Condition" key, parse_condition_string, t, U(conditions) }, { "Assert" key, parse_condition_string, t, U(asserts) }

static const Directive unit_directives[] = {
        { "Description", config_parse_unit_string_printf, 0, U(description) },
        { "Documentation", parse_documentation, 0, U(documentation) },
        { "SourcePath", config_parse_unit_path_printf, 0, U(source_path) },
        DEP("Requires", UNIT_REQUIRES),
        DEP("Requisite", UNIT_REQUISITE),
        DEP("Wants", UNIT_WANTS),
        DEP("BindsTo", UNIT_BINDS_TO),
        DEP("BindTo", UNIT_BINDS_TO),
        DEP("Upholds", UNIT_UPHOLDS),
        DEP("Conflicts", UNIT_CONFLICTS),
        DEP("Before", UNIT_BEFORE),
        DEP("After", UNIT_AFTER),
        DEP("OnSuccess", UNIT_ON_SUCCESS),
        DEP("OnFailure", UNIT_ON_FAILURE),
        DEP("PropagatesReloadTo", UNIT_PROPAGATES_RELOAD_TO),
        DEP("PropagateReloadTo", UNIT_PROPAGATES_RELOAD_TO),
        DEP("ReloadPropagatedFrom", UNIT_RELOAD_PROPAGATED_FROM),
        DEP("PropagateReloadFrom", UNIT_RELOAD_PROPAGATED_FROM),
        DEP("PropagatesStopTo", UNIT_PROPAGATES_STOP_TO),
        DEP("StopPropagatedFrom", UNIT_STOP_PROPAGATED_FROM),
        DEP("PartOf", UNIT_PART_OF),
        DEP("JoinsNamespaceOf", UNIT_JOINS_NAMESPACE_OF),
        { "RequiresOverridable", parse_obsolete_deps, UNIT_REQUIRES, BASE_UNIT, 0 },
        { "RequisiteOverridable", parse_obsolete_deps, UNIT_REQUISITE, BASE_UNIT, 0 },
        { "RequiresMountsFor", parse_requires_mounts_for, 0, U(requires_mounts_for) },
        { "StopWhenUnneeded", config_parse_bool, 0, U(stop_when_unneeded) },
        { "RefuseManualStart", config_parse_bool, 0, U(refuse_manual_start) },
        { "RefuseManualStop", config_parse_bool, 0, U(refuse_manual_stop) },
        { "AllowIsolate", config_parse_bool, 0, U(allow_isolate) },
        { "DefaultDependencies", config_parse_bool, 0, U(default_dependencies) },
        { "OnSuccessJobMode", parse_job_mode, 0, U(on_success_job_mode) },
        { "OnFailureJobMode", parse_job_mode, 0, U(on_failure_job_mode) },
        { "OnFailureIsolate", parse_job_mode_isolate, 0, U(on_failure_job_mode) },
        { "IgnoreOnIsolate", config_parse_bool, 0, U(ignore_on_isolate) },
        { "IgnoreOnSnapshot", config_parse_warn_compat, DISABLED_LEGACY, BASE_UNIT, 0 },
        { "JobTimeoutSec", parse_job_timeout, 0, BASE_UNIT, 0 },
        { "JobRunningTimeoutSec", parse_job_timeout, 1, BASE_UNIT, 0 },
        { "JobTimeoutAction", config_parse_emergency_action, 0, U(job_timeout_action) },
        { "JobTimeoutRebootArgument", parse_reboot_parameter, 0, U(job_timeout_reboot_argument) },
        { "StartLimitIntervalSec", config_parse_sec, 0, U(start_limit_interval_usec) },
        { "StartLimitInterval", config_parse_sec, 0, U(start_limit_interval_usec) },
        { "StartLimitBurst", config_parse_unsigned, 0, U(start_limit_burst) },
        { "StartLimitAction", config_parse_emergency_action, 0, U(start_limit_action) },
        { "FailureAction", config_parse_emergency_action, 0, U(failure_action) },
        { "SuccessAction", config_parse_emergency_action, 0, U(success_action) },
        { "FailureActionExitStatus", parse_exit_status, 0, U(failure_action_exit_status) },
        { "SuccessActionExitStatus", parse_exit_status, 0, U(success_action_exit_status) },
        { "RebootArgument", parse_reboot_parameter, 0, U(reboot_argument) },
        CP("PathExists", CONDITION_PATH_EXISTS),
        CP("PathExistsGlob", CONDITION_PATH_EXISTS_GLOB),
        CP("PathIsDirectory", CONDITION_PATH_IS_DIRECTORY),
        CP("PathIsSymbolicLink", CONDITION_PATH_IS_SYMBOLIC_LINK),
        CP("PathIsMountPoint", CONDITION_PATH_IS_MOUNT_POINT),
        CP("PathIsReadWrite", CONDITION_PATH_IS_READ_WRITE),
        CP("PathIsEncrypted", CONDITION_PATH_IS_ENCRYPTED),
        CP("DirectoryNotEmpty", CONDITION_DIRECTORY_NOT_EMPTY),
        CP("FileNotEmpty", CONDITION_FILE_NOT_EMPTY),
        CP("FileIsExecutable", CONDITION_FILE_IS_EXECUTABLE),
        CP("NeedsUpdate", CONDITION_NEEDS_UPDATE),
        CS("FirstBoot", CONDITION_FIRST_BOOT),
        CS("Architecture", CONDITION_ARCHITECTURE),
        /* 252 has ConditionFirmware= but forgot AssertFirmware=: that one is an unknown key. */
        { "ConditionFirmware", parse_condition_string, CONDITION_FIRMWARE, U(conditions) },
        CS("Virtualization", CONDITION_VIRTUALIZATION),
        CS("Host", CONDITION_HOST),
        CS("KernelCommandLine", CONDITION_KERNEL_COMMAND_LINE),
        CS("KernelVersion", CONDITION_KERNEL_VERSION),
        CS("Credential", CONDITION_CREDENTIAL),
        CS("Security", CONDITION_SECURITY),
        CS("Capability", CONDITION_CAPABILITY),
        CS("ACPower", CONDITION_AC_POWER),
        CS("Memory", CONDITION_MEMORY),
        CS("CPUFeature", CONDITION_CPU_FEATURE),
        CS("CPUs", CONDITION_CPUS),
        CS("Environment", CONDITION_ENVIRONMENT),
        CS("User", CONDITION_USER),
        CS("Group", CONDITION_GROUP),
        CS("ControlGroupController", CONDITION_CONTROL_GROUP_CONTROLLER),
        CS("OSRelease", CONDITION_OS_RELEASE),
        CS("MemoryPressure", CONDITION_MEMORY_PRESSURE),
        CS("CPUPressure", CONDITION_CPU_PRESSURE),
        CS("IOPressure", CONDITION_IO_PRESSURE),
        { "CollectMode", parse_collect_mode, 0, U(collect_mode) },
        { NULL },
};

/* [Install] is systemctl enable's business: the manager accepts it silently (252's table has no
 * parser for it). The names are kept, specifiers expanded, for enable/disable and show. */
static int parse_install_names(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        (void)ltype;
        if (isempty(it->value)) {
                strv_index_reset(config_lists(u), l);
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
                if (r == -ENOMEM) return log_oom();
                if (r <= 0) return 0;
                SpecifierUnit su = { .id = u->id, .fragment_path = u->fragment_path, .root = u->root };
                r = specifier_expand(&su, SPECIFIERS_NAME, word, 0, &k);
                if (r == -ENOMEM) return log_oom();
                if (r < 0) continue;   /* systemctl enable reports it; loading does not */
                if (strv_index_push_unique(config_lists(u), l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

static int parse_default_instance(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data, *k = NULL;
        (void)ltype;
        SpecifierUnit su = { .id = u->id, .fragment_path = u->fragment_path, .root = u->root };
        int r = specifier_expand(&su, SPECIFIERS_NAME, it->value, 0, &k);
        if (r == -ENOMEM) return log_oom();
        if (r < 0) return 0;
        free(*s);
        *s = isempty(k) ? NULL : k;
        if (!*s) free(k);
        return 0;
}

static const Directive install_directives[] = {
        { "Alias", parse_install_names, 0, U(alias) },
        { "WantedBy", parse_install_names, 0, U(wanted_by) },
        { "RequiredBy", parse_install_names, 0, U(required_by) },
        { "Also", parse_install_names, 0, U(also) },
        { "DefaultInstance", parse_default_instance, 0, U(default_instance) },
        { NULL },
};

const DirectiveTable unit_section_table = { "Unit", unit_directives };
const DirectiveTable install_section_table = { "Install", install_directives };
