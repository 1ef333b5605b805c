/* SPDX-License-Identifier: MIT */
#pragma once
/* A loaded unit: its names, where it came from, and every setting of its unit file as a typed
 * field. The manager (src/core) keeps runtime state elsewhere; this is configuration only. */
#include "unit/name-pool.h"
#include <stdbool.h>
#include <stdint.h>
#include "base/parse.h"
#include "base/strv-index.h"
#include "unit/conf-parser.h"
#include "unit/name.h"
#include "unit/exec-config.h"
#include "unit/service-config.h"
#include "unit/socket-config.h"
#include "unit/timer-config.h"
#include "unit/path-config.h"

typedef enum UnitLoadState {
        UNIT_STUB,
        UNIT_LOADED,
        UNIT_NOT_FOUND,
        UNIT_BAD_SETTING,
        UNIT_ERROR,
        UNIT_MERGED,
        UNIT_MASKED,
        _UNIT_LOAD_STATE_MAX,
        _UNIT_LOAD_STATE_INVALID = -1,
} UnitLoadState;
const char *unit_load_state_to_string(UnitLoadState s);

/* Forward dependencies set in unit files; the reverse ones are derived by the loader. The order
 * is systemd's UnitDependency order, so tables indexed by it stay in sync. */
typedef enum UnitDependency {
        UNIT_REQUIRES,
        UNIT_REQUISITE,
        UNIT_WANTS,
        UNIT_BINDS_TO,
        UNIT_PART_OF,
        UNIT_UPHOLDS,
        UNIT_REQUIRED_BY,
        UNIT_REQUISITE_OF,
        UNIT_WANTED_BY,
        UNIT_BOUND_BY,
        UNIT_UPHELD_BY,
        UNIT_CONSISTS_OF,
        UNIT_CONFLICTS,
        UNIT_CONFLICTED_BY,
        UNIT_BEFORE,
        UNIT_AFTER,
        UNIT_ON_SUCCESS,
        UNIT_ON_SUCCESS_OF,
        UNIT_ON_FAILURE,
        UNIT_ON_FAILURE_OF,
        UNIT_TRIGGERS,
        UNIT_TRIGGERED_BY,
        UNIT_PROPAGATES_RELOAD_TO,
        UNIT_RELOAD_PROPAGATED_FROM,
        UNIT_PROPAGATES_STOP_TO,
        UNIT_STOP_PROPAGATED_FROM,
        UNIT_JOINS_NAMESPACE_OF,
        UNIT_REFERENCES,
        UNIT_REFERENCED_BY,
        UNIT_IN_SLICE,
        UNIT_SLICE_OF,
        _UNIT_DEPENDENCY_MAX,
        _UNIT_DEPENDENCY_INVALID = -1,
} UnitDependency;
const char *unit_dependency_to_string(UnitDependency d);   /* "Requires" ... as systemctl show names them */
UnitDependency unit_dependency_from_string(const char *s);
UnitDependency unit_dependency_inverse(UnitDependency d);  /* Requires ↔ RequiredBy ... */

typedef enum ConditionType {
        CONDITION_ARCHITECTURE,
        CONDITION_FIRMWARE,
        CONDITION_VIRTUALIZATION,
        CONDITION_HOST,
        CONDITION_KERNEL_COMMAND_LINE,
        CONDITION_KERNEL_VERSION,
        CONDITION_CREDENTIAL,
        CONDITION_SECURITY,
        CONDITION_CAPABILITY,
        CONDITION_AC_POWER,
        CONDITION_MEMORY,
        CONDITION_CPUS,
        CONDITION_ENVIRONMENT,
        CONDITION_CPU_FEATURE,
        CONDITION_OS_RELEASE,
        CONDITION_MEMORY_PRESSURE,
        CONDITION_CPU_PRESSURE,
        CONDITION_IO_PRESSURE,
        CONDITION_NEEDS_UPDATE,
        CONDITION_FIRST_BOOT,
        CONDITION_PATH_EXISTS,
        CONDITION_PATH_EXISTS_GLOB,
        CONDITION_PATH_IS_DIRECTORY,
        CONDITION_PATH_IS_SYMBOLIC_LINK,
        CONDITION_PATH_IS_MOUNT_POINT,
        CONDITION_PATH_IS_READ_WRITE,
        CONDITION_PATH_IS_ENCRYPTED,
        CONDITION_DIRECTORY_NOT_EMPTY,
        CONDITION_FILE_NOT_EMPTY,
        CONDITION_FILE_IS_EXECUTABLE,
        CONDITION_USER,
        CONDITION_GROUP,
        CONDITION_CONTROL_GROUP_CONTROLLER,
        _CONDITION_TYPE_MAX,
        _CONDITION_TYPE_INVALID = -1,
} ConditionType;
const char *condition_type_to_string(ConditionType t);   /* "ConditionPathExists" */
const char *assert_type_to_string(ConditionType t);      /* "AssertPathExists" */
ConditionType condition_type_from_string(const char *s);
ConditionType assert_type_from_string(const char *s);

typedef struct Condition {
        ConditionType type;
        bool trigger;    /* '|' */
        bool negate;     /* '!' */
        char *parameter;
        struct Condition *next;
} Condition;

typedef enum EmergencyAction {
        EMERGENCY_ACTION_NONE,
        EMERGENCY_ACTION_REBOOT,
        EMERGENCY_ACTION_REBOOT_FORCE,
        EMERGENCY_ACTION_REBOOT_IMMEDIATE,
        EMERGENCY_ACTION_POWEROFF,
        EMERGENCY_ACTION_POWEROFF_FORCE,
        EMERGENCY_ACTION_POWEROFF_IMMEDIATE,
        EMERGENCY_ACTION_EXIT,
        EMERGENCY_ACTION_EXIT_FORCE,
        EMERGENCY_ACTION_SOFT_REBOOT,        /* not in 252; reserved */
        EMERGENCY_ACTION_SOFT_REBOOT_FORCE,
        EMERGENCY_ACTION_KEXEC,
        EMERGENCY_ACTION_KEXEC_FORCE,
        EMERGENCY_ACTION_HALT,
        EMERGENCY_ACTION_HALT_FORCE,
        EMERGENCY_ACTION_HALT_IMMEDIATE,
        _EMERGENCY_ACTION_MAX,
        _EMERGENCY_ACTION_INVALID = -1,
} EmergencyAction;
const char *emergency_action_to_string(EmergencyAction a);
EmergencyAction emergency_action_from_string(const char *s);

typedef enum CollectMode { COLLECT_INACTIVE, COLLECT_INACTIVE_OR_FAILED, _COLLECT_MODE_MAX, _COLLECT_MODE_INVALID = -1 } CollectMode;
const char *collect_mode_to_string(CollectMode m);
CollectMode collect_mode_from_string(const char *s);
typedef enum JobMode {
        JOB_FAIL, JOB_REPLACE, JOB_REPLACE_IRREVERSIBLY, JOB_ISOLATE, JOB_FLUSH,
        JOB_IGNORE_DEPENDENCIES, JOB_IGNORE_REQUIREMENTS, JOB_TRIGGERING,
        _JOB_MODE_MAX, _JOB_MODE_INVALID = -1,
} JobMode;
const char *job_mode_to_string(JobMode m);
JobMode job_mode_from_string(const char *s);

/* [Unit] and [Install], common to every type. */
typedef struct UnitConfig {
        char *description;
        char **documentation;
        char **deps[_UNIT_DEPENDENCY_MAX];  /* unit names, in file order, duplicates removed */
        char **requires_mounts_for;         /* absolute paths */
        char *on_failure_job_mode_str;      /* kept for dump; parsed below */
        JobMode on_failure_job_mode;
        JobMode on_success_job_mode;        /* OnSuccessJobMode= */
        bool job_running_timeout_set;       /* JobRunningTimeoutSec= given: JobTimeoutSec= leaves it alone */
        bool ignore_on_isolate, stop_when_unneeded, refuse_manual_start, refuse_manual_stop;
        bool allow_isolate, default_dependencies, survive_final_kill_signal;
        CollectMode collect_mode;
        usec_t job_timeout_usec, job_running_timeout_usec;
        EmergencyAction job_timeout_action;
        char *job_timeout_reboot_argument;
        usec_t start_limit_interval_usec;
        unsigned start_limit_burst;
        bool start_limit_interval_set, start_limit_burst_set;
        EmergencyAction start_limit_action, failure_action, success_action;
        int failure_action_exit_status, success_action_exit_status;  /* -1 unset */
        char *reboot_argument;
        char *source_path;                  /* SourcePath= */
        Condition *conditions, *asserts;
        /* [Install] */
        char **alias, **wanted_by, **required_by, **upheld_by, **also;
        char *default_instance;
} UnitConfig;

typedef struct Unit {
        char *id;                     /* the name it was loaded as (instance name for instances) */
        char **names;                 /* id plus aliases found on disk (symlinks); id first */
        UnitType type;
        UnitLoadState load_state;
        int load_error;               /* negative errno for not-found/bad-setting/error */
        char *fragment_path;          /* the file that defines it (after following aliases) */
        char **dropin_paths;          /* in application order */
        uint64_t fragment_mtime;      /* st_mtim of the fragment when loaded, in ns (NeedDaemonReload) */
        uint64_t dropin_mtime;        /* the newest of the drop-ins' st_mtim when loaded, in ns */
        uint64_t not_found_stamp;     /* not found: the loader's map stamp then (loader_should_retry) */
        bool masked;
        char *instance;               /* NULL unless an instance */
        const char *root;             /* borrowed: --root of the loader, for specifiers */
        NamePool *pool;               /* borrowed: the loader's copies of dependency names; NULL: own copies */
        void *runtime;                /* the service manager's state of this unit (src/core: its MUnit),
                                       * so that the loader's name map serves both; NULL elsewhere */
        StrvIndex *lists;             /* while the loader parses its files: the lists' lengths (strv-index.h) */
        UnitConfig unit;
        /* Type-specific configuration: exactly one is non-NULL for service/socket/timer/path;
         * other types (target, mount, ...) carry only UnitConfig. */
        ServiceConfig *service;
        SocketConfig *socket;
        TimerConfig *timer;
        PathConfig *path;
} Unit;

Unit *unit_new(const char *id);   /* NULL on ENOMEM; type from the name; defaults set */
void unit_free(Unit *u);
/* The exec, kill and cgroup contexts of the unit's type, or NULL if it has none. */
ExecContext *unit_exec_context(Unit *u);
KillContext *unit_kill_context(Unit *u);
/* The resource-control settings of a service or socket (its own or cgroup_context_default()). */
const CGroupContext *unit_cgroup_context(const Unit *u);
/* The unit's own CGroupContext, made on first use (for the parsers); *ret NULL for types
 * without one. Returns 0 or -ENOMEM. */
int unit_cgroup_context_get(Unit *u, CGroupContext **ret);
/* The slice the unit is in: Slice=, or the default recorded as its InSlice= dependency. */
const char *unit_slice(const Unit *u);
/* The loader parses a unit's files between these two: every parser appends to the unit's lists
 * through u->lists (O(1) each); unit_parse_finish() applies what the index deferred (environment
 * lists keep one assignment per name) and trims the lists. -ENOMEM. */
int unit_parse_start(Unit *u);
void unit_parse_finish(Unit *u);
/* Add a dependency by name (deduplicated). */
int unit_add_dependency_name(Unit *u, UnitDependency d, const char *name);
/* Replace the name in *slot (an element of one of u's dependency lists) by name. */
int unit_dependency_rename(Unit *u, char **slot, const char *name);
/* Drop later duplicates from dependency list d; remove every `name` from it. */
void unit_dependencies_uniq(Unit *u, UnitDependency d);
void unit_dependency_remove(Unit *u, UnitDependency d, const char *name);
bool unit_has_dependency(const Unit *u, UnitDependency d, const char *name);
/* The sections this type's files may contain, NULL-terminated, for config_parse_file(). */
const char *const *unit_type_sections(UnitType t);
/* Directive tables for a type: NULL-terminated array. */
const DirectiveTable *const *unit_type_directive_tables(UnitType t);

/* [Unit] and [Install] (unit-directives.c). */
extern const DirectiveTable unit_section_table, install_section_table;
/* Condition*= / Assert*= lists (condition.c): '|' trigger and '!' negate prefixes; the list is
 * kept newest first, as systemd prepends. */
Condition *condition_new(ConditionType t, const char *parameter, bool trigger, bool negate);
void condition_list_free(Condition *c);
/* systemctl show lines for the [Unit]-level properties from StopWhenUnneeded= on (unit-show.c);
 * the caller prints Id, Names, dependencies, Description, LoadState and paths. */
/* Parsers shared by the [Unit] and [Service] tables (unit-directives.c), with 252's messages. */
int config_parse_unit_string_printf(const ConfigItem *it, Unit *u, int ltype, void *data);  /* char* */
int config_parse_unit_path_printf(const ConfigItem *it, Unit *u, int ltype, void *data);    /* char*, absolute */
int config_parse_emergency_action(const ConfigItem *it, Unit *u, int ltype, void *data);    /* EmergencyAction */
/* Expand specifiers (set: a SpecifierSet) in text; on failure log "Failed to resolve unit
 * specifiers in 'TEXT', ignoring: ..." (quotes when quote) and return <0. */
int unit_printf_warn(const ConfigItem *it, const Unit *u, int set, const char *text, bool quote, char **ret);
