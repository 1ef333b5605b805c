/* SPDX-License-Identifier: MIT */
/* Unit objects of the D-Bus API: org.freedesktop.systemd1.Unit and the type interfaces (Service,
 * Socket, Timer, Path, Target, ...), with systemd 252's property names and D-Bus types, and the
 * Unit methods (Start, Stop, Kill, ...).
 *
 * tinysd enables no cgroup controller to read memory, task or CPU accounting from: those
 * properties say "unknown" (UINT64_MAX) as systemd does when accounting is off. ControlGroup is
 * the unit's cgroup where PID 1 has one (cgroup.h), else a virtual group while the unit has
 * processes, so that `systemctl status` asks GetUnitProcesses, which answers from tinysd's
 * process discovery (kill.c). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "base/id128.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "bus/bus-path.h"
#include "core/dbus-internal.h"
#include "core/unit-clean.h"
#include "core/transient.h"
#include "journal/journal-server.h"
#include "unit/install.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)

/* ---- state ---- */

const char *bus_unit_sub_state(const MUnit *u) {
        return munit_sub_state(u);
}

/* What `systemctl is-enabled` says, from the unit files on disk (install.c), as systemd 252's
 * UnitFileState: "" for units without a file. */
const char *bus_unit_file_state(const MUnit *u) {
        const Unit *c = u->cfg;
        if (!c || (!c->fragment_path && c->load_state != UNIT_MASKED)) return "";
        UnitFileState st;
        if (install_get_state(u->m->set.root, u->id, &st) < 0) return "";
        return unit_file_state_to_string(st);
}

/* 252's bus_unit_method_clean(): "all" or resource type names; then unit_clean()'s refusals. */
int bus_unit_clean(MUnit *u, BusMessage *args, BusError *e) {
        _cleanup_strv_free_ char **what = NULL;
        unsigned mask = 0;
        if (bus_message_read_strv(args, &what) < 0) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments");
        STRV_FOREACH(w, what) {
                unsigned bit = streq(*w, "all") ? UNIT_CLEAN_ALL : unit_clean_type_from_string(*w);
                if (!bit) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid resource type: %s", *w);
                mask |= bit;
        }
        int r = munit_clean(u, mask);
        if (r == -EOPNOTSUPP) return bus_error_setf(e, BUS_ERROR_NOT_SUPPORTED, "Unit '%s' does not support cleaning.", u->id);
        if (r == -EUNATCH) return bus_error_setf(e, BUS_ERROR_NOTHING_TO_CLEAN, "No matching resources found.");
        if (r == -EBUSY) return bus_error_setf(e, BUS_ERROR_UNIT_BUSY, "Unit is not inactive or has pending job.");
        if (r < 0) return bus_error_setf(e, bus_errno_to_name(r), "%s", strerror(-r));
        return 0;
}

/* 252's unit_freezer_action() answers EOPNOTSUPP before anything else where cg_freezer_supported()
 * is false; tinysd has no freezer (no cgroup.freeze of its own to write), so always. */
int bus_unit_freezer(MUnit *u, bool freeze, BusError *e) {
        (void)freeze;
        return bus_error_setf(e, BUS_ERROR_NOT_SUPPORTED, "Unit '%s' does not support freezing.", u->id);
}

int bus_unit_load_error(const MUnit *u, BusError *e) {
        UnitLoadState s = u->cfg ? u->cfg->load_state : UNIT_NOT_FOUND;
        switch (s) {
        case UNIT_LOADED: return 0;
        case UNIT_NOT_FOUND: return bus_error_setf(e, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not found.", u->id);
        case UNIT_MASKED: return bus_error_setf(e, BUS_ERROR_UNIT_MASKED, "Unit %s is masked.", u->id);
        case UNIT_BAD_SETTING: return bus_error_setf(e, "org.freedesktop.systemd1.BadUnitSetting", "Unit %s has a bad unit file setting.", u->id);
        default:
                return bus_error_setf(e, BUS_ERROR_LOAD_FAILED, "Unit %s failed to load properly, please adjust/correct and reload service manager: %s",
                                      u->id, strerror(u->cfg && u->cfg->load_error < 0 ? -u->cfg->load_error : EIO));
        }
}

/* ---- getters: org.freedesktop.systemd1.Unit ---- */

static int g_transient(BusMessage *m, void *o) { return bus_append_bool(m, transient_unit_is(U(o)->m, C(o))); }
static int g_id(BusMessage *m, void *o) { return bus_append_string(m, U(o)->id); }
static int g_names(BusMessage *m, void *o) {
        if (C(o)) return bus_append_strv(m, C(o)->names);
        char *l[] = { U(o)->id, NULL };
        return bus_append_strv(m, l);
}

#define DEP_GETTER(fn, dep) \
        static int fn(BusMessage *m, void *o) { return bus_append_strv(m, C(o) ? C(o)->unit.deps[dep] : NULL); }
DEP_GETTER(g_requires, UNIT_REQUIRES)
DEP_GETTER(g_requisite, UNIT_REQUISITE)
DEP_GETTER(g_wants, UNIT_WANTS)
DEP_GETTER(g_binds_to, UNIT_BINDS_TO)
DEP_GETTER(g_part_of, UNIT_PART_OF)
DEP_GETTER(g_upholds, UNIT_UPHOLDS)
DEP_GETTER(g_required_by, UNIT_REQUIRED_BY)
DEP_GETTER(g_requisite_of, UNIT_REQUISITE_OF)
DEP_GETTER(g_wanted_by, UNIT_WANTED_BY)
DEP_GETTER(g_bound_by, UNIT_BOUND_BY)
DEP_GETTER(g_upheld_by, UNIT_UPHELD_BY)
DEP_GETTER(g_consists_of, UNIT_CONSISTS_OF)
DEP_GETTER(g_conflicts, UNIT_CONFLICTS)
DEP_GETTER(g_conflicted_by, UNIT_CONFLICTED_BY)
DEP_GETTER(g_before, UNIT_BEFORE)
DEP_GETTER(g_after, UNIT_AFTER)
DEP_GETTER(g_on_success, UNIT_ON_SUCCESS)
DEP_GETTER(g_on_success_of, UNIT_ON_SUCCESS_OF)
DEP_GETTER(g_on_failure, UNIT_ON_FAILURE)
DEP_GETTER(g_on_failure_of, UNIT_ON_FAILURE_OF)
DEP_GETTER(g_triggers, UNIT_TRIGGERS)
DEP_GETTER(g_triggered_by, UNIT_TRIGGERED_BY)
DEP_GETTER(g_propagates_reload_to, UNIT_PROPAGATES_RELOAD_TO)
DEP_GETTER(g_reload_propagated_from, UNIT_RELOAD_PROPAGATED_FROM)
DEP_GETTER(g_propagates_stop_to, UNIT_PROPAGATES_STOP_TO)
DEP_GETTER(g_stop_propagated_from, UNIT_STOP_PROPAGATED_FROM)
DEP_GETTER(g_joins_namespace_of, UNIT_JOINS_NAMESPACE_OF)
DEP_GETTER(g_slice_of, UNIT_SLICE_OF)

static int g_requires_mounts_for(BusMessage *m, void *o) { return bus_append_strv(m, C(o) ? C(o)->unit.requires_mounts_for : NULL); }
static int g_documentation(BusMessage *m, void *o) { return bus_append_strv(m, C(o) ? C(o)->unit.documentation : NULL); }
static int g_description(BusMessage *m, void *o) { return bus_append_string(m, munit_description(U(o))); }
static int g_load_state(BusMessage *m, void *o) {
        return bus_append_string(m, unit_load_state_to_string(C(o) ? C(o)->load_state : UNIT_NOT_FOUND));
}
static int g_active_state(BusMessage *m, void *o) { return bus_append_string(m, unit_active_state_to_string(U(o)->state)); }
static int g_sub_state(BusMessage *m, void *o) { return bus_append_string(m, bus_unit_sub_state(U(o))); }
/* A path as the unit sees it: without the --root of the loader. */
static const char *unrooted(void *o, const char *path) {
        const Loader *l = U(o)->m->loader;
        return path && l ? lookup_path_unroot(&l->lp, path) : path;
}
static int g_need_daemon_reload(BusMessage *m, void *o) {
        return bus_append_bool(m, C(o) && loader_unit_need_daemon_reload(U(o)->m->loader, C(o)));
}
static int g_fragment_path(BusMessage *m, void *o) { return bus_append_string(m, C(o) ? unrooted(o, C(o)->fragment_path) : NULL); }
static int g_source_path(BusMessage *m, void *o) { return bus_append_string(m, C(o) ? C(o)->unit.source_path : NULL); }
static int g_dropin_paths(BusMessage *m, void *o) {
        int r = bus_message_open_container(m, 'a', "s");
        STRV_FOREACH(p, C(o) ? C(o)->dropin_paths : NULL)
                if (r >= 0) r = bus_append_string(m, unrooted(o, *p));
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_unit_file_state(BusMessage *m, void *o) { return bus_append_string(m, bus_unit_file_state(U(o))); }
static int g_unit_file_preset(BusMessage *m, void *o) {
        if (!C(o) || !C(o)->fragment_path) return bus_append_string(m, "");
        Presets p = { 0 };
        int r = presets_read(U(o)->m->set.root, &p);
        int q = r < 0 ? r : presets_query(&p, U(o)->id);
        presets_done(&p);
        return bus_append_string(m, q < 0 ? "" : q > 0 ? "enabled" : "disabled");
}
static int g_freezer_state(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "running"); }
static int g_can_clean(BusMessage *m, void *o) {
        unsigned mask = munit_can_clean(U(o));
        const char *l[8] = { 0 };
        size_t n = 0;
        for (int t = 0; unit_clean_type_to_string(t); t++)
                if (mask & (1u << t)) l[n++] = unit_clean_type_to_string(t);
        return bus_append_strv(m, (char *const *)l);
}

#define TS_GETTERS(name, field) \
        static int g_##name(BusMessage *m, void *o) { return bus_append_u64(m, U(o)->field.realtime); } \
        static int g_##name##_mono(BusMessage *m, void *o) { return bus_append_u64(m, U(o)->field.monotonic); }
TS_GETTERS(state_change, state_change_ts)
TS_GETTERS(inactive_exit, inactive_exit_ts)
TS_GETTERS(active_enter, active_enter_ts)
TS_GETTERS(active_exit, active_exit_ts)
TS_GETTERS(inactive_enter, inactive_enter_ts)
TS_GETTERS(condition_ts, condition_ts)
TS_GETTERS(assert_ts, assert_ts)

static bool loaded(const MUnit *u) { return u->cfg && u->cfg->load_state == UNIT_LOADED; }
static int g_can_start(BusMessage *m, void *o) { return bus_append_bool(m, munit_can_start(U(o))); }
static int g_can_stop(BusMessage *m, void *o) { return bus_append_bool(m, munit_can_stop(U(o))); }
static int g_can_reload(BusMessage *m, void *o) { return bus_append_bool(m, munit_can_reload(U(o))); }
static int g_can_isolate(BusMessage *m, void *o) { return bus_append_bool(m, loaded(U(o)) && C(o)->unit.allow_isolate); }
static int g_job(BusMessage *m, void *o) {
        Job *j = U(o)->job;
        _cleanup_free_ char *p = NULL;
        if (bus_job_path(j ? j->id : 0, &p) < 0) return -ENOMEM;
        return bus_message_append(m, "(uo)", j ? j->id : 0, j ? p : "/");
}
#define UCFG_BOOL(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_bool(m, C(o) && C(o)->unit.field); }
UCFG_BOOL(g_stop_when_unneeded, stop_when_unneeded)
UCFG_BOOL(g_refuse_manual_start, refuse_manual_start)
UCFG_BOOL(g_refuse_manual_stop, refuse_manual_stop)
UCFG_BOOL(g_allow_isolate, allow_isolate)
UCFG_BOOL(g_ignore_on_isolate, ignore_on_isolate)
static int g_default_dependencies(BusMessage *m, void *o) { return bus_append_bool(m, !C(o) || C(o)->unit.default_dependencies); }
static int g_on_failure_job_mode(BusMessage *m, void *o) {
        return bus_append_string(m, job_mode_to_string(C(o) ? C(o)->unit.on_failure_job_mode : JOB_REPLACE));
}
static int g_on_success_job_mode(BusMessage *m, void *o) {
        return bus_append_string(m, job_mode_to_string(C(o) ? C(o)->unit.on_success_job_mode : JOB_FAIL));
}
static int g_job_timeout(BusMessage *m, void *o) { return bus_append_u64(m, C(o) ? C(o)->unit.job_timeout_usec : USEC_INFINITY); }
static int g_job_running_timeout(BusMessage *m, void *o) {
        return bus_append_u64(m, C(o) ? C(o)->unit.job_running_timeout_usec : USEC_INFINITY);
}
static int g_job_timeout_action(BusMessage *m, void *o) {
        return bus_append_string(m, emergency_action_to_string(C(o) ? C(o)->unit.job_timeout_action : EMERGENCY_ACTION_NONE));
}
/* never checked: no, as systemd says */
static int g_condition_result(BusMessage *m, void *o) { return bus_append_bool(m, U(o)->condition_ts.realtime && U(o)->condition_result); }
static int g_assert_result(BusMessage *m, void *o) { return bus_append_bool(m, U(o)->assert_ts.realtime && U(o)->assert_result); }

static int append_conditions(BusMessage *m, const Condition *c, bool assert) {
        int r = bus_message_open_container(m, 'a', "(sbbsi)");
        for (; c && r >= 0; c = c->next)
                r = bus_message_append(m, "(sbbsi)", assert ? assert_type_to_string(c->type) : condition_type_to_string(c->type),
                                       (int)c->trigger, (int)c->negate, c->parameter ? c->parameter : "", 0);
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_conditions(BusMessage *m, void *o) { return append_conditions(m, C(o) ? C(o)->unit.conditions : NULL, false); }
static int g_asserts(BusMessage *m, void *o) { return append_conditions(m, C(o) ? C(o)->unit.asserts : NULL, true); }
static int g_load_error(BusMessage *m, void *o) {
        BusError e = { 0 };
        if (bus_unit_load_error(U(o), &e) == 0) return bus_message_append(m, "(ss)", "", "");
        return bus_message_append(m, "(ss)", e.name, e.message);
}
static int g_start_limit_interval(BusMessage *m, void *o) { return bus_append_u64(m, C(o) ? C(o)->unit.start_limit_interval_usec : 0); }
static int g_start_limit_burst(BusMessage *m, void *o) { return bus_append_u32(m, C(o) ? C(o)->unit.start_limit_burst : 0); }
#define UCFG_ACTION(fn, field) \
        static int fn(BusMessage *m, void *o) { return bus_append_string(m, emergency_action_to_string(C(o) ? C(o)->unit.field : EMERGENCY_ACTION_NONE)); }
UCFG_ACTION(g_start_limit_action, start_limit_action)
UCFG_ACTION(g_failure_action, failure_action)
UCFG_ACTION(g_success_action, success_action)
static int g_failure_action_status(BusMessage *m, void *o) { return bus_append_i32(m, C(o) ? C(o)->unit.failure_action_exit_status : -1); }
static int g_success_action_status(BusMessage *m, void *o) { return bus_append_i32(m, C(o) ? C(o)->unit.success_action_exit_status : -1); }
static int g_reboot_argument(BusMessage *m, void *o) { return bus_append_string(m, C(o) ? C(o)->unit.reboot_argument : NULL); }
static int g_invocation_id(BusMessage *m, void *o) {
        uint8_t id[16];
        bool have = id128_from_string(U(o)->invocation_id, id) >= 0;
        int r = bus_message_open_container(m, 'a', "y");
        for (size_t i = 0; r >= 0 && have && i < sizeof id; i++) r = bus_message_append_basic(m, 'y', &id[i]);
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_collect_mode(BusMessage *m, void *o) {
        return bus_append_string(m, collect_mode_to_string(C(o) ? C(o)->unit.collect_mode : COLLECT_INACTIVE));
}
static int g_perpetual(BusMessage *m, void *o) {
        return bus_append_bool(m, streq(U(o)->id, "-.slice") || streq(U(o)->id, "init.scope"));
}

/* what triggered the unit's activation: nothing tinysd records */
static int g_activation_details(BusMessage *m, void *o) {
        (void)o;
        int r = bus_message_open_container(m, 'a', "(ss)");
        return r < 0 ? r : bus_message_close_container(m);
}

static const BusProperty unit_properties[] = {
        { "Id", "s", g_id },
        { "Names", "as", g_names },
        { "Following", "s", bus_get_empty_string },
        { "Requires", "as", g_requires },
        { "Requisite", "as", g_requisite },
        { "Wants", "as", g_wants },
        { "BindsTo", "as", g_binds_to },
        { "PartOf", "as", g_part_of },
        { "Upholds", "as", g_upholds },
        { "RequiredBy", "as", g_required_by },
        { "RequisiteOf", "as", g_requisite_of },
        { "WantedBy", "as", g_wanted_by },
        { "BoundBy", "as", g_bound_by },
        { "UpheldBy", "as", g_upheld_by },
        { "ConsistsOf", "as", g_consists_of },
        { "Conflicts", "as", g_conflicts },
        { "ConflictedBy", "as", g_conflicted_by },
        { "Before", "as", g_before },
        { "After", "as", g_after },
        { "OnSuccess", "as", g_on_success },
        { "OnSuccessOf", "as", g_on_success_of },
        { "OnFailure", "as", g_on_failure },
        { "OnFailureOf", "as", g_on_failure_of },
        { "Triggers", "as", g_triggers },
        { "TriggeredBy", "as", g_triggered_by },
        { "PropagatesReloadTo", "as", g_propagates_reload_to },
        { "ReloadPropagatedFrom", "as", g_reload_propagated_from },
        { "PropagatesStopTo", "as", g_propagates_stop_to },
        { "StopPropagatedFrom", "as", g_stop_propagated_from },
        { "JoinsNamespaceOf", "as", g_joins_namespace_of },
        { "SliceOf", "as", g_slice_of },
        { "RequiresMountsFor", "as", g_requires_mounts_for },
        { "Documentation", "as", g_documentation },
        { "Description", "s", g_description },
        { "AccessSELinuxContext", "s", bus_get_empty_string },
        { "LoadState", "s", g_load_state },
        { "ActiveState", "s", g_active_state },
        { "FreezerState", "s", g_freezer_state },
        { "SubState", "s", g_sub_state },
        { "FragmentPath", "s", g_fragment_path },
        { "SourcePath", "s", g_source_path },
        { "DropInPaths", "as", g_dropin_paths },
        { "UnitFileState", "s", g_unit_file_state },
        { "UnitFilePreset", "s", g_unit_file_preset },
        { "StateChangeTimestamp", "t", g_state_change },
        { "StateChangeTimestampMonotonic", "t", g_state_change_mono },
        { "InactiveExitTimestamp", "t", g_inactive_exit },
        { "InactiveExitTimestampMonotonic", "t", g_inactive_exit_mono },
        { "ActiveEnterTimestamp", "t", g_active_enter },
        { "ActiveEnterTimestampMonotonic", "t", g_active_enter_mono },
        { "ActiveExitTimestamp", "t", g_active_exit },
        { "ActiveExitTimestampMonotonic", "t", g_active_exit_mono },
        { "InactiveEnterTimestamp", "t", g_inactive_enter },
        { "InactiveEnterTimestampMonotonic", "t", g_inactive_enter_mono },
        { "CanStart", "b", g_can_start },
        { "CanStop", "b", g_can_stop },
        { "CanReload", "b", g_can_reload },
        { "CanIsolate", "b", g_can_isolate },
        { "CanClean", "as", g_can_clean },
        { "CanFreeze", "b", bus_get_false },
        { "Job", "(uo)", g_job },
        { "StopWhenUnneeded", "b", g_stop_when_unneeded },
        { "RefuseManualStart", "b", g_refuse_manual_start },
        { "RefuseManualStop", "b", g_refuse_manual_stop },
        { "AllowIsolate", "b", g_allow_isolate },
        { "DefaultDependencies", "b", g_default_dependencies },
        { "OnSuccessJobMode", "s", g_on_success_job_mode },
        { "OnFailureJobMode", "s", g_on_failure_job_mode },
        { "IgnoreOnIsolate", "b", g_ignore_on_isolate },
        { "NeedDaemonReload", "b", g_need_daemon_reload },
        { "Markers", "as", bus_get_empty_strv },
        { "JobTimeoutUSec", "t", g_job_timeout },
        { "JobRunningTimeoutUSec", "t", g_job_running_timeout },
        { "JobTimeoutAction", "s", g_job_timeout_action },
        { "JobTimeoutRebootArgument", "s", bus_get_empty_string },
        { "ConditionResult", "b", g_condition_result },
        { "AssertResult", "b", g_assert_result },
        { "ConditionTimestamp", "t", g_condition_ts },
        { "ConditionTimestampMonotonic", "t", g_condition_ts_mono },
        { "AssertTimestamp", "t", g_assert_ts },
        { "AssertTimestampMonotonic", "t", g_assert_ts_mono },
        { "Conditions", "a(sbbsi)", g_conditions },
        { "Asserts", "a(sbbsi)", g_asserts },
        { "LoadError", "(ss)", g_load_error },
        { "Transient", "b", g_transient },
        { "Perpetual", "b", g_perpetual },
        { "StartLimitIntervalUSec", "t", g_start_limit_interval },
        { "StartLimitBurst", "u", g_start_limit_burst },
        { "StartLimitAction", "s", g_start_limit_action },
        { "FailureAction", "s", g_failure_action },
        { "FailureActionExitStatus", "i", g_failure_action_status },
        { "SuccessAction", "s", g_success_action },
        { "SuccessActionExitStatus", "i", g_success_action_status },
        { "RebootArgument", "s", g_reboot_argument },
        { "InvocationID", "ay", g_invocation_id },
        { "CollectMode", "s", g_collect_mode },
        { "Refs", "as", bus_get_empty_strv },
        { "ActivationDetails", "a(ss)", g_activation_details },
        { NULL, NULL, NULL },
};

/* ---- processes ---- */

static bool has_processes(const MUnit *u) {
        return munit_main_pid(u) > 0 || munit_control_pid(u) > 0 || u->state == UNIT_ACTIVE || u->state == UNIT_RELOADING ||
               u->state == UNIT_ACTIVATING || u->state == UNIT_DEACTIVATING;
}

/* The unit's cgroup, or without cgroups the virtual group its processes are listed under (see
 * the top of this file). */
static const char *process_group(const MUnit *u, char buf[static BUS_CONTROL_GROUP_MAX]) {
        if (u->cgroup_rel) snprintf(buf, BUS_CONTROL_GROUP_MAX, "/%s", u->cgroup_rel);
        else snprintf(buf, BUS_CONTROL_GROUP_MAX, "/system.slice/%s", u->id);
        return buf;
}

const char *bus_unit_control_group(const MUnit *u, char buf[static BUS_CONTROL_GROUP_MAX]) {
        return has_processes(u) || u->cgroup_rel ? process_group(u, buf) : "";
}

/* ---- objects and jobs ---- */

int bus_unit_from_path(Manager *m, const char *path, MUnit **ret) {
        _cleanup_free_ char *id = NULL;
        int r = bus_path_decode(path, BUS_UNIT_PREFIX, &id);
        if (r <= 0) return -ENOENT;
        if (!unit_name_is_valid(id, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) return -ENOENT;
        r = manager_load_unit(m, id, ret);
        return r < 0 || !*ret ? -ENOENT : 0;
}

/* The checks and the transaction of a job request: *ret the anchor job (NULL: nothing to do, *ret_id a
 * no-op job's id). */
static int enqueue(Manager *m, MUnit *u, JobType type, const char *mode_str, BusError *e, Job **ret, uint32_t *ret_id) {
        JobMode mode = job_mode_from_string(mode_str);
        if (mode < 0 || mode == JOB_TRIGGERING)
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Job mode %s invalid", mode_str);
        UnitLoadState ls = u->cfg ? u->cfg->load_state : UNIT_NOT_FOUND;
        if (type == JOB_STOP && ls != UNIT_LOADED && ls != UNIT_MASKED && UNIT_IS_INACTIVE_OR_FAILED(u->state) && !u->job)
                return bus_error_setf(e, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", u->id);
        if (type != JOB_STOP) {
                int r = bus_unit_load_error(u, e);
                if (r < 0) return r;
        }
        if ((type == JOB_START && u->cfg->unit.refuse_manual_start) || (type == JOB_STOP && u->cfg && u->cfg->unit.refuse_manual_stop) ||
            ((type == JOB_RESTART || type == JOB_TRY_RESTART) && (u->cfg->unit.refuse_manual_start || u->cfg->unit.refuse_manual_stop)))
                return bus_error_setf(e, BUS_ERROR_ONLY_BY_DEPENDENCY,
                                      "Operation refused, unit %s may be requested by dependency only (it is configured to refuse manual start/stop).", u->id);
        if (mode == JOB_ISOLATE && !(u->cfg && u->cfg->unit.allow_isolate))
                return bus_error_setf(e, BUS_ERROR_NO_ISOLATION, "Operation refused, unit may not be isolated.");
        if (type == JOB_RELOAD && !munit_can_reload(u))
                return bus_error_setf(e, BUS_ERROR_JOB_TYPE_NOT_APPLICABLE, "Job type reload is not applicable for unit %s.", u->id);
        if (m->shutting_down && type != JOB_STOP)
                return bus_error_setf(e, BUS_ERROR_SHUTTING_DOWN, "Refusing activation, system is shutting down.");

        Job *j = NULL;
        int r = manager_add_job(m, type, u, mode, &j);
        switch (r) {
        case 0: break;
        case -ENOMEM: return r;
        case -ERFKILL: return bus_error_setf(e, BUS_ERROR_UNIT_MASKED, "Unit %s is masked.", u->id);
        case -ENOENT: return bus_error_setf(e, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not found.", u->id);
        case -EBADR: return bus_error_setf(e, BUS_ERROR_JOB_TYPE_NOT_APPLICABLE, "Job type %s is not applicable for unit %s.", job_type_to_string(type), u->id);
        case -EDEADLK: return bus_error_setf(e, BUS_ERROR_TRANSACTION_JOBS_CONFLICTING, "Transaction for %s/%s has conflicting jobs.", u->id, job_type_to_string(type));
        case -EBUSY:
                return bus_error_setf(e, BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE, "Transaction for %s/%s is destructive (%s has '%s' job queued, but '%s' is included in transaction).",
                                      u->id, job_type_to_string(type), u->id, u->job ? job_type_to_string(u->job->type) : "?", job_type_to_string(type));
        case -ESHUTDOWN: return bus_error_setf(e, BUS_ERROR_SHUTTING_DOWN, "Refusing activation, system is shutting down.");
        default: return bus_error_setf(e, BUS_ERROR_FAILED, "Failed to enqueue %s job for %s: %s", job_type_to_string(type), u->id, strerror(-r));
        }
        /* Nothing to do (try-restart of an inactive unit): systemd installs a no-op job that
         * finishes at once; its JobRemoved may precede the reply, which systemctl accepts. */
        *ret = j;
        *ret_id = j ? j->id : ++m->last_job_id;
        return 0;
}

int bus_unit_queue_job(Manager *m, MUnit *u, JobType type, const char *mode_str, BusMessage *reply, BusError *e) {
        Job *j;
        uint32_t id;
        int r = enqueue(m, u, type, mode_str, e, &j, &id);
        if (r < 0) return r;
        _cleanup_free_ char *p = NULL;
        if ((r = bus_job_path(id, &p)) < 0) return r;
        if ((r = bus_message_append(reply, "o", p)) < 0) return r;
        if (!j) manager_bus_job_removed(m, id, u->id, JOB_DONE);
        return 0;
}

/* One (uosos) row: a job's id and path, its unit's name and path, its type. */
static int append_job_row(BusMessage *reply, const char *sig, uint32_t id, const char *unit, const char *type) {
        _cleanup_free_ char *jp = NULL, *up = NULL;
        int r = bus_job_path(id, &jp);
        if (r >= 0) r = bus_unit_path(unit, &up);
        return r < 0 ? r : bus_message_append(reply, sig, id, jp, unit, up, type);
}

int bus_unit_enqueue_job_with_transaction(Manager *m, MUnit *u, JobType type, const char *mode, BusMessage *reply, BusError *e) {
        uint32_t before = m->last_job_id, id;
        Job *j;
        int r = enqueue(m, u, type, mode, e, &j, &id);
        if (r < 0) return r;
        const char *type_name = job_type_to_string(j ? j->type : type);
        if ((r = append_job_row(reply, "uosos", id, u->id, type_name)) < 0) return r;
        /* the other jobs this transaction installed (ids after the ones before it), in id order */
        if ((r = bus_message_open_container(reply, 'a', "(uosos)")) < 0) return r;
        for (uint32_t next = before + 1; next <= m->last_job_id && r >= 0; next++) {
                if (next == id) continue;
                Job *a = manager_get_job(m, next);
                if (a) r = append_job_row(reply, "(uosos)", a->id, a->unit->id, job_type_to_string(a->type));
        }
        if (r >= 0) r = bus_message_close_container(reply);
        if (r >= 0 && !j) manager_bus_job_removed(m, id, u->id, JOB_DONE);
        return r;
}

int bus_unit_kill(MUnit *u, const char *whom, int32_t signo, BusError *e) {
        if (signo <= 0 || signo >= _NSIG) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Signal number out of range.");
        if (!whom || !*whom) whom = "all";
        pid_t main_pid = munit_main_pid(u), control_pid = munit_control_pid(u);
        if (streq(whom, "main") || streq(whom, "main-fail")) {
                if (main_pid <= 0)
                        return bus_error_setf(e, "org.freedesktop.systemd1.NoSuchProcess", "No main process to kill");
                return kill(main_pid, signo) < 0 ? bus_error_setf(e, BUS_ERROR_FAILED, "Failed to kill main process: %m") : 0;
        }
        if (streq(whom, "control") || streq(whom, "control-fail")) {
                if (control_pid <= 0)
                        return bus_error_setf(e, "org.freedesktop.systemd1.NoSuchProcess", "No control process to kill");
                return kill(control_pid, signo) < 0 ? bus_error_setf(e, BUS_ERROR_FAILED, "Failed to kill control process: %m") : 0;
        }
        if (!streq(whom, "all") && !streq(whom, "all-fail"))
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid who argument %s", whom);
        pid_t *pids = NULL;
        size_t n = 0;
        int r = munit_members(u, &pids, &n);
        if (r < 0) return r;
        size_t killed = 0;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], signo) >= 0) killed++;
        free(pids);
        if (killed == 0 && streq(whom, "all-fail"))
                return bus_error_setf(e, "org.freedesktop.systemd1.NoSuchProcess", "No matching processes to kill");
        return 0;
}

int bus_unit_processes(MUnit *u, BusMessage *reply) {
        pid_t *pids = NULL;
        size_t n = 0;
        int r = has_processes(u) ? munit_members(u, &pids, &n) : 0;
        if (r < 0) return r;
        char cg[BUS_CONTROL_GROUP_MAX];
        process_group(u, cg);
        r = bus_message_open_container(reply, 'a', "(sus)");
        for (size_t i = 0; i < n && r >= 0; i++) {
                /* the command line as the journal records it (_CMDLINE=); none for zombies */
                JournalCreds cr;
                (void)journal_creds_read(&cr, NULL, pids[i], 0, 0);
                /* a Delegate= service's subgroups: each process's own group */
                _cleanup_free_ char *rel = NULL, *own = NULL;
                if (u->cgroup_rel && cgroup_pid_rel(&u->m->cgroup, NULL, pids[i], &rel) >= 0) own = strjoin("/", rel);
                if (cr.cmdline) r = bus_message_append(reply, "(sus)", own ? own : cg, (uint32_t)pids[i], cr.cmdline);
                journal_creds_done(&cr);
        }
        free(pids);
        return r < 0 ? r : bus_message_close_container(reply);
}

/* ---- methods ---- */

/* Start ... ReloadOrTryRestart: the entry's data is the job type, as for the Manager's *Unit. */
static int method_job(BusCall *c) {
        MUnit *u = c->object;
        const char *mode = NULL;
        int r = bus_message_read(c->message, "s", &mode);
        if (r < 0) return r;
        JobType t = (JobType)c->method->data;
        if (streq(c->method->member, "ReloadOrTryRestart") && UNIT_IS_INACTIVE_OR_FAILED(u->state)) t = JOB_TRY_RESTART;
        return bus_unit_queue_job(c->manager, u, t, mode, c->reply, c->error);
}

static int method_kill(BusCall *c) {
        const char *whom = NULL;
        int32_t sig = 0;
        int r = bus_message_read(c->message, "si", &whom, &sig);
        return r < 0 ? r : bus_unit_kill(c->object, whom, sig, c->error);
}

static int method_reset_failed(BusCall *c) {
        munit_reset_failed(c->object);
        return 0;
}

static int method_clean(BusCall *c) {
        return bus_unit_clean(c->object, c->message, c->error);
}

/* Freeze (data 1), Thaw (0) */
static int method_freezer(BusCall *c) {
        return bus_unit_freezer(c->object, c->method->data, c->error);
}

/* Ref, Unref: tinysd collects no unit a client could hold on to */
static int method_nop(BusCall *c) {
        (void)c;
        return 0;
}

static int method_get_processes(BusCall *c) {
        return bus_unit_processes(c->object, c->reply);
}

static const BusMethod unit_methods[] = {
        { "Start", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_START },
        { "Stop", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_STOP },
        { "Reload", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_RELOAD },
        { "Restart", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_RESTART },
        { "TryRestart", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_TRY_RESTART },
        { "ReloadOrRestart", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_RELOAD_OR_START },
        { "ReloadOrTryRestart", "s", "o", BUS_ACCESS_PRIVILEGED, method_job, JOB_RELOAD_OR_START },
        { "Kill", "si", "", BUS_ACCESS_PRIVILEGED, method_kill },
        { "ResetFailed", "", "", BUS_ACCESS_PRIVILEGED, method_reset_failed },
        { "SetProperties", "ba(sv)", "", BUS_ACCESS_PRIVILEGED, bus_unit_set_properties },
        { "Ref", "", "", BUS_ACCESS_PRIVILEGED, method_nop },
        { "Unref", "", "", BUS_ACCESS_PRIVILEGED, method_nop },
        { "Clean", "as", "", BUS_ACCESS_PRIVILEGED, method_clean },
        { "Freeze", "", "", BUS_ACCESS_PRIVILEGED, method_freezer, 1 },
        { "Thaw", "", "", BUS_ACCESS_PRIVILEGED, method_freezer, 0 },
        { NULL },
};

/* The types whose units own processes (systemd's cgroup types) answer GetProcesses. */
static const BusMethod process_methods[] = {
        { "GetProcesses", "", "a(sus)", BUS_ACCESS_READ, method_get_processes },
        { NULL },
};

/* ---- the interfaces of each unit type ---- */

#define IFACE(n) "org.freedesktop.systemd1." n
#define PROPS(...) ((const BusProperty *const[]) { __VA_ARGS__, NULL })
#define EXEC_PROPS bus_cgroup_properties, bus_exec_properties, bus_kill_properties
static const BusInterface unit_interface = { BUS_IFACE_UNIT, unit_methods, PROPS(unit_properties), NULL };
static const BusInterface service_interface = { IFACE("Service"), process_methods, PROPS(bus_service_properties, EXEC_PROPS), NULL };
static const BusInterface socket_interface = { IFACE("Socket"), process_methods, PROPS(bus_socket_properties, EXEC_PROPS), NULL };
static const BusInterface timer_interface = { IFACE("Timer"), NULL, PROPS(bus_timer_properties), NULL };
static const BusInterface path_interface = { IFACE("Path"), NULL, PROPS(bus_path_properties), NULL };
static const BusInterface slice_interface = { IFACE("Slice"), process_methods, PROPS(bus_cgroup_properties), NULL };
static const BusInterface scope_interface = { IFACE("Scope"), process_methods, NULL, NULL };
static const BusInterface mount_interface = { IFACE("Mount"), process_methods, NULL, NULL };
static const BusInterface swap_interface = { IFACE("Swap"), process_methods, NULL, NULL };
static const BusInterface target_interface = { IFACE("Target"), NULL, NULL, NULL };
static const BusInterface device_interface = { IFACE("Device"), NULL, NULL, NULL };
static const BusInterface automount_interface = { IFACE("Automount"), NULL, NULL, NULL };
#undef IFACE

const BusInterface *const *bus_unit_interfaces(const MUnit *u) {
/* the type's interface before Unit: systemd's GetAll("") order */
#define UNIT_IFACES(type_iface) { BUS_STANDARD_INTERFACES, type_iface, &unit_interface, NULL }
        static const BusInterface *const by_type[_UNIT_TYPE_MAX][6] = {
                [UNIT_SERVICE] = UNIT_IFACES(&service_interface),
                [UNIT_SOCKET] = UNIT_IFACES(&socket_interface),
                [UNIT_TIMER] = UNIT_IFACES(&timer_interface),
                [UNIT_PATH] = UNIT_IFACES(&path_interface),
                [UNIT_TARGET] = UNIT_IFACES(&target_interface),
                [UNIT_SLICE] = UNIT_IFACES(&slice_interface),
                [UNIT_MOUNT] = UNIT_IFACES(&mount_interface),
                [UNIT_DEVICE] = UNIT_IFACES(&device_interface),
                [UNIT_SWAP] = UNIT_IFACES(&swap_interface),
                [UNIT_SCOPE] = UNIT_IFACES(&scope_interface),
                [UNIT_AUTOMOUNT] = UNIT_IFACES(&automount_interface),
        };
        static const BusInterface *const unit_only[] = { BUS_STANDARD_INTERFACES, &unit_interface, NULL };
#undef UNIT_IFACES
        UnitType t = u->cfg ? u->cfg->type : unit_name_to_type(u->id);
        return t >= 0 && t < _UNIT_TYPE_MAX ? by_type[t] : unit_only;
}

int bus_unit_append_properties(MUnit *u, BusMessage *m) {
        return bus_append_all_properties(m, bus_unit_interfaces(u), u, NULL);
}
