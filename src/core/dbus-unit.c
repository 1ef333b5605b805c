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
#include "journal/journal-server.h"
#include "unit/install.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)
#define CONTROL_GROUP_MAX 4096

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

static int g_id(BusMessage *m, void *o) { return bus_append_string(m, U(o)->id); }
static int g_names(BusMessage *m, void *o) {
        if (C(o)) return bus_append_strv(m, C(o)->names);
        char *l[] = { U(o)->id, NULL };
        return bus_append_strv(m, l);
}
static int g_empty_s(BusMessage *m, void *o) { (void)o; return bus_append_string(m, ""); }
static int g_empty_as(BusMessage *m, void *o) { (void)o; return bus_append_strv(m, NULL); }
static int g_false(BusMessage *m, void *o) { (void)o; return bus_append_bool(m, false); }
static int g_zero_u(BusMessage *m, void *o) { (void)o; return bus_append_u32(m, 0); }
static int g_zero_t(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, 0); }
static int g_max_t(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, UINT64_MAX); }

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
static int g_fragment_path(BusMessage *m, void *o) { return bus_append_string(m, C(o) ? C(o)->fragment_path : NULL); }
static int g_source_path(BusMessage *m, void *o) { return bus_append_string(m, C(o) ? C(o)->unit.source_path : NULL); }
static int g_dropin_paths(BusMessage *m, void *o) { return bus_append_strv(m, C(o) ? C(o)->dropin_paths : NULL); }
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
static int g_can_start(BusMessage *m, void *o) {
        return bus_append_bool(m, loaded(U(o)) && !C(o)->unit.refuse_manual_start &&
                                          C(o)->type != UNIT_DEVICE && C(o)->type != UNIT_SCOPE);
}
static int g_can_stop(BusMessage *m, void *o) {
        return bus_append_bool(m, loaded(U(o)) && !C(o)->unit.refuse_manual_stop && C(o)->type != UNIT_DEVICE);
}
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
static int g_condition_result(BusMessage *m, void *o) { return bus_append_bool(m, U(o)->condition_result); }
static int g_assert_result(BusMessage *m, void *o) { return bus_append_bool(m, U(o)->assert_result); }

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

static const BusProperty unit_properties[] = {
        { "Id", "s", g_id },
        { "Names", "as", g_names },
        { "Following", "s", g_empty_s },
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
        { "AccessSELinuxContext", "s", g_empty_s },
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
        { "CanClean", "as", g_empty_as },
        { "CanFreeze", "b", g_false },
        { "Job", "(uo)", g_job },
        { "StopWhenUnneeded", "b", g_stop_when_unneeded },
        { "RefuseManualStart", "b", g_refuse_manual_start },
        { "RefuseManualStop", "b", g_refuse_manual_stop },
        { "AllowIsolate", "b", g_allow_isolate },
        { "DefaultDependencies", "b", g_default_dependencies },
        { "OnSuccessJobMode", "s", g_on_success_job_mode },
        { "OnFailureJobMode", "s", g_on_failure_job_mode },
        { "IgnoreOnIsolate", "b", g_ignore_on_isolate },
        { "NeedDaemonReload", "b", g_false },
        { "Markers", "as", g_empty_as },
        { "JobTimeoutUSec", "t", g_job_timeout },
        { "JobRunningTimeoutUSec", "t", g_job_running_timeout },
        { "JobTimeoutAction", "s", g_job_timeout_action },
        { "JobTimeoutRebootArgument", "s", g_empty_s },
        { "ConditionResult", "b", g_condition_result },
        { "AssertResult", "b", g_assert_result },
        { "ConditionTimestamp", "t", g_condition_ts },
        { "ConditionTimestampMonotonic", "t", g_condition_ts_mono },
        { "AssertTimestamp", "t", g_assert_ts },
        { "AssertTimestampMonotonic", "t", g_assert_ts_mono },
        { "Conditions", "a(sbbsi)", g_conditions },
        { "Asserts", "a(sbbsi)", g_asserts },
        { "LoadError", "(ss)", g_load_error },
        { "Transient", "b", g_false },
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
        { "Refs", "as", g_empty_as },
        { NULL, NULL, NULL },
};
static const BusInterface unit_interface = { BUS_IFACE_UNIT, unit_properties };

/* ---- cgroup-ish and exec properties shared by services and sockets ---- */

static bool has_processes(const MUnit *u) {
        return munit_main_pid(u) > 0 || munit_control_pid(u) > 0 || u->state == UNIT_ACTIVE || u->state == UNIT_RELOADING ||
               u->state == UNIT_ACTIVATING || u->state == UNIT_DEACTIVATING;
}
static int g_slice(BusMessage *m, void *o) {
        const char *s = C(o) ? unit_slice(C(o)) : NULL;
        return bus_append_string(m, s ? s : C(o) && C(o)->type == UNIT_SLICE ? "-.slice" : "system.slice");
}
/* The resource-control settings as configured (none is applied: cgroup.h) */
static const CGroupContext *cgctx(void *o) {
        const CGroupContext *c = C(o) ? unit_cgroup_context(C(o)) : NULL;
        return c ? c : cgroup_context_default();
}
#define CG_U64(fn, expr) static int fn(BusMessage *m, void *o) { const CGroupContext *c = cgctx(o); return bus_append_u64(m, (expr)); }
#define CG_BOOL(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_bool(m, cgctx(o)->field); }
CG_U64(g_memory_min, cgroup_memory_bytes(c->memory_min))
CG_U64(g_memory_low, cgroup_memory_bytes(c->memory_low))
CG_U64(g_memory_high, cgroup_memory_bytes(c->memory_high))
CG_U64(g_memory_max, cgroup_memory_bytes(c->memory_max))
CG_U64(g_memory_swap_max, cgroup_memory_bytes(c->memory_swap_max))
CG_U64(g_memory_limit, cgroup_memory_bytes(c->memory_limit))
CG_U64(g_tasks_max, cgroup_context_tasks_max(c))
CG_U64(g_cpu_weight, c->cpu_weight)
CG_U64(g_startup_cpu_weight, c->startup_cpu_weight)
CG_U64(g_cpu_quota, c->cpu_quota_per_sec_usec)
CG_U64(g_cpu_quota_period, c->cpu_quota_period_usec)
CG_U64(g_io_weight, c->io_weight)
CG_U64(g_startup_io_weight, c->startup_io_weight)
CG_BOOL(g_delegate, delegate)
CG_BOOL(g_memory_accounting, memory_accounting)
CG_BOOL(g_tasks_accounting, tasks_accounting)
CG_BOOL(g_cpu_accounting, cpu_accounting)
CG_BOOL(g_io_accounting, io_accounting)
CG_BOOL(g_ip_accounting, ip_accounting)
/* The unit's cgroup, or without cgroups the virtual group its processes are listed under (see
 * the top of this file). */
static const char *control_group(const MUnit *u, char buf[static CONTROL_GROUP_MAX]) {
        if (u->cgroup_rel) snprintf(buf, CONTROL_GROUP_MAX, "/%s", u->cgroup_rel);
        else snprintf(buf, CONTROL_GROUP_MAX, "/system.slice/%s", u->id);
        return buf;
}
static int g_control_group(BusMessage *m, void *o) {
        char buf[CONTROL_GROUP_MAX];
        return bus_append_string(m, has_processes(U(o)) || U(o)->cgroup_rel ? control_group(U(o), buf) : "");
}

static ExecContext *ectx(void *o) { return C(o) ? unit_exec_context(C(o)) : NULL; }
static KillContext *kctx(void *o) { return C(o) ? unit_kill_context(C(o)) : NULL; }
static int g_environment(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_strv(m, c ? c->environment : NULL); }
static int g_environment_files(BusMessage *m, void *o) {
        ExecContext *c = ectx(o);
        int r = bus_message_open_container(m, 'a', "(sb)");
        STRV_FOREACH(f, c ? c->environment_files : NULL) {
                bool opt = (*f)[0] == '-';
                if (r >= 0) r = bus_message_append(m, "(sb)", *f + opt, (int)opt);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_pass_environment(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_strv(m, c ? c->pass_environment : NULL); }
static int g_unset_environment(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_strv(m, c ? c->unset_environment : NULL); }
static int g_user(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, c ? c->user : NULL); }
static int g_group(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, c ? c->group : NULL); }
static int g_supplementary_groups(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_strv(m, c ? c->supplementary_groups : NULL); }
static int g_dynamic_user(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_bool(m, c && c->dynamic_user); }
static int g_working_directory(BusMessage *m, void *o) {
        ExecContext *c = ectx(o);
        if (!c || !c->working_directory) return bus_append_string(m, "");
        char buf[4096];
        snprintf(buf, sizeof buf, "%s%s", c->working_directory_missing_ok ? "!" : "", c->working_directory_home ? "~" : c->working_directory);
        return bus_append_string(m, buf);
}
static int g_root_directory(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, c ? c->root_directory : NULL); }
static int g_umask(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_u32(m, c ? c->umask : 0022); }
static int g_nice(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_i32(m, c && c->nice_set ? c->nice : 0); }
static int g_oom_score_adjust(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_i32(m, c && c->oom_score_adjust_set ? c->oom_score_adjust : 0); }
static int g_std_input(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, exec_input_to_string(c ? c->std_input : EXEC_INPUT_NULL)); }
static int g_std_output(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, exec_output_to_string(c ? c->std_output : EXEC_OUTPUT_JOURNAL)); }
static int g_std_error(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, exec_output_to_string(c ? c->std_error : EXEC_OUTPUT_INHERIT)); }
static int g_syslog_identifier(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_string(m, c ? c->syslog_identifier : NULL); }
static int g_syslog_priority(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_i32(m, c ? c->syslog_priority : 30); }
static int g_syslog_level_prefix(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_bool(m, !c || c->syslog_level_prefix); }
static int g_log_level_max(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_i32(m, c ? c->log_level_max : -1); }
static int g_log_extra_fields(BusMessage *m, void *o) {
        ExecContext *c = ectx(o);
        int r = bus_message_open_container(m, 'a', "ay");
        STRV_FOREACH(f, c ? c->log_extra_fields : NULL) {
                if (r >= 0) r = bus_message_open_container(m, 'a', "y");
                for (const char *p = *f; r >= 0 && *p; p++) r = bus_message_append_basic(m, 'y', p);
                if (r >= 0) r = bus_message_close_container(m);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_no_new_privileges(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_bool(m, c && c->no_new_privileges); }
static int g_private_tmp(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_bool(m, c && c->private_tmp); }
static int g_private_devices(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_bool(m, c && c->private_devices); }
static int g_private_network(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_bool(m, c && c->private_network); }
static int g_protect_system(BusMessage *m, void *o) {
        ExecContext *c = ectx(o);
        return bus_append_string(m, protect_system_to_string(c ? c->protect_system : PROTECT_SYSTEM_NO));
}
static int g_protect_home(BusMessage *m, void *o) {
        ExecContext *c = ectx(o);
        return bus_append_string(m, protect_home_to_string(c ? c->protect_home : PROTECT_HOME_NO));
}
#define DIR_GETTER(fn, type) \
        static int fn(BusMessage *m, void *o) { ExecContext *c = ectx(o); return bus_append_strv(m, c ? c->directories[type].paths : NULL); }
DIR_GETTER(g_runtime_directory, EXEC_DIRECTORY_RUNTIME)
DIR_GETTER(g_state_directory, EXEC_DIRECTORY_STATE)
DIR_GETTER(g_cache_directory, EXEC_DIRECTORY_CACHE)
DIR_GETTER(g_logs_directory, EXEC_DIRECTORY_LOGS)
DIR_GETTER(g_configuration_directory, EXEC_DIRECTORY_CONFIGURATION)
static int rlimit_value(void *o, int res, bool soft, uint64_t *ret) {
        ExecContext *c = ectx(o);
        struct rlimit rl;
        if (c && c->rlimit[res]) rl = *c->rlimit[res];
        else if (getrlimit(res, &rl) < 0) rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
        rlim_t v = soft ? rl.rlim_cur : rl.rlim_max;
        *ret = v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
        return 0;
}
#define RLIMIT_GETTERS(name, res) \
        static int g_limit_##name(BusMessage *m, void *o) { uint64_t v; rlimit_value(o, res, false, &v); return bus_append_u64(m, v); } \
        static int g_limit_##name##_soft(BusMessage *m, void *o) { uint64_t v; rlimit_value(o, res, true, &v); return bus_append_u64(m, v); }
RLIMIT_GETTERS(nofile, RLIMIT_NOFILE)
RLIMIT_GETTERS(nproc, RLIMIT_NPROC)
RLIMIT_GETTERS(core, RLIMIT_CORE)
RLIMIT_GETTERS(memlock, RLIMIT_MEMLOCK)

static int g_kill_mode(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_string(m, kill_mode_to_string(k ? k->kill_mode : KILL_CONTROL_GROUP)); }
static int g_kill_signal(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_i32(m, k ? k->kill_signal : SIGTERM); }
static int g_restart_kill_signal(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_i32(m, k ? k->restart_kill_signal : SIGTERM); }
static int g_final_kill_signal(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_i32(m, k ? k->final_kill_signal : SIGKILL); }
static int g_watchdog_signal(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_i32(m, k ? k->watchdog_signal : SIGABRT); }
static int g_send_sigkill(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_bool(m, !k || k->send_sigkill); }
static int g_send_sighup(BusMessage *m, void *o) { KillContext *k = kctx(o); return bus_append_bool(m, k && k->send_sighup); }

#define CGROUP_PROPERTIES \
        { "Slice", "s", g_slice }, \
        { "ControlGroup", "s", g_control_group }, \
        { "ControlGroupId", "t", g_zero_t }, \
        { "MemoryCurrent", "t", g_max_t }, \
        { "MemoryAvailable", "t", g_max_t }, \
        { "CPUUsageNSec", "t", g_max_t }, \
        { "TasksCurrent", "t", g_max_t }, \
        { "IPIngressBytes", "t", g_max_t }, \
        { "IPEgressBytes", "t", g_max_t }, \
        { "IOReadBytes", "t", g_max_t }, \
        { "IOWriteBytes", "t", g_max_t }, \
        { "Delegate", "b", g_delegate }, \
        { "CPUAccounting", "b", g_cpu_accounting }, \
        { "CPUWeight", "t", g_cpu_weight }, \
        { "StartupCPUWeight", "t", g_startup_cpu_weight }, \
        { "CPUQuotaPerSecUSec", "t", g_cpu_quota }, \
        { "CPUQuotaPeriodUSec", "t", g_cpu_quota_period }, \
        { "IOAccounting", "b", g_io_accounting }, \
        { "IOWeight", "t", g_io_weight }, \
        { "StartupIOWeight", "t", g_startup_io_weight }, \
        { "MemoryAccounting", "b", g_memory_accounting }, \
        { "MemoryMin", "t", g_memory_min }, \
        { "MemoryLow", "t", g_memory_low }, \
        { "MemoryHigh", "t", g_memory_high }, \
        { "MemoryMax", "t", g_memory_max }, \
        { "MemorySwapMax", "t", g_memory_swap_max }, \
        { "MemoryLimit", "t", g_memory_limit }, \
        { "TasksAccounting", "b", g_tasks_accounting }, \
        { "TasksMax", "t", g_tasks_max }, \
        { "IPAccounting", "b", g_ip_accounting }

#define EXEC_PROPERTIES \
        { "Environment", "as", g_environment }, \
        { "EnvironmentFiles", "a(sb)", g_environment_files }, \
        { "PassEnvironment", "as", g_pass_environment }, \
        { "UnsetEnvironment", "as", g_unset_environment }, \
        { "UMask", "u", g_umask }, \
        { "LimitNOFILE", "t", g_limit_nofile }, \
        { "LimitNOFILESoft", "t", g_limit_nofile_soft }, \
        { "LimitNPROC", "t", g_limit_nproc }, \
        { "LimitNPROCSoft", "t", g_limit_nproc_soft }, \
        { "LimitCORE", "t", g_limit_core }, \
        { "LimitCORESoft", "t", g_limit_core_soft }, \
        { "LimitMEMLOCK", "t", g_limit_memlock }, \
        { "LimitMEMLOCKSoft", "t", g_limit_memlock_soft }, \
        { "WorkingDirectory", "s", g_working_directory }, \
        { "RootDirectory", "s", g_root_directory }, \
        { "OOMScoreAdjust", "i", g_oom_score_adjust }, \
        { "Nice", "i", g_nice }, \
        { "StandardInput", "s", g_std_input }, \
        { "StandardOutput", "s", g_std_output }, \
        { "StandardError", "s", g_std_error }, \
        { "SyslogIdentifier", "s", g_syslog_identifier }, \
        { "SyslogPriority", "i", g_syslog_priority }, \
        { "SyslogLevelPrefix", "b", g_syslog_level_prefix }, \
        { "LogLevelMax", "i", g_log_level_max }, \
        { "LogExtraFields", "aay", g_log_extra_fields }, \
        { "User", "s", g_user }, \
        { "Group", "s", g_group }, \
        { "DynamicUser", "b", g_dynamic_user }, \
        { "SupplementaryGroups", "as", g_supplementary_groups }, \
        { "NoNewPrivileges", "b", g_no_new_privileges }, \
        { "PrivateTmp", "b", g_private_tmp }, \
        { "PrivateDevices", "b", g_private_devices }, \
        { "PrivateNetwork", "b", g_private_network }, \
        { "ProtectSystem", "s", g_protect_system }, \
        { "ProtectHome", "s", g_protect_home }, \
        { "RuntimeDirectory", "as", g_runtime_directory }, \
        { "StateDirectory", "as", g_state_directory }, \
        { "CacheDirectory", "as", g_cache_directory }, \
        { "LogsDirectory", "as", g_logs_directory }, \
        { "ConfigurationDirectory", "as", g_configuration_directory }, \
        { "KillMode", "s", g_kill_mode }, \
        { "KillSignal", "i", g_kill_signal }, \
        { "RestartKillSignal", "i", g_restart_kill_signal }, \
        { "FinalKillSignal", "i", g_final_kill_signal }, \
        { "SendSIGKILL", "b", g_send_sigkill }, \
        { "SendSIGHUP", "b", g_send_sighup }, \
        { "WatchdogSignal", "i", g_watchdog_signal }

/* a(sasbttttuii): one struct per command; the runtime fields are filled for the main command. */
static int append_exec_list(BusMessage *m, const MUnit *u, const ExecCommand *c, bool ex) {
        int r = bus_message_open_container(m, 'a', ex ? "(sasasttttuii)" : "(sasbttttuii)");
        for (; c && r >= 0; c = c->next) {
                const Service *s = SERVICE_CONST(u);
                bool main = c == service_main_command(s) && s->exec_main_pid > 0;
                DualTimestamp st = main ? s->exec_main_start : (DualTimestamp) { 0 }, et = main ? s->exec_main_exit : (DualTimestamp) { 0 };
                uint32_t pid = main ? (uint32_t)s->exec_main_pid : 0;
                int32_t code = main && et.realtime ? s->main_exit_code : 0, status = main && et.realtime ? s->main_exit_status : 0;
                r = bus_message_open_container(m, 'r', ex ? "sasasttttuii" : "sasbttttuii");
                if (r >= 0) r = bus_append_string(m, c->path);
                if (r >= 0) r = bus_append_strv(m, c->argv);
                if (r >= 0 && ex) {
                        _cleanup_free_ char *f = exec_command_flags_to_string(c->flags);
                        r = bus_message_open_container(m, 'a', "s");
                        char *save = NULL;
                        for (char *w = f ? strtok_r(f, " ", &save) : NULL; w && r >= 0; w = strtok_r(NULL, " ", &save))
                                r = bus_append_string(m, w);
                        if (r >= 0) r = bus_message_close_container(m);
                } else if (r >= 0)
                        r = bus_append_bool(m, c->flags & EXEC_COMMAND_IGNORE_FAILURE);
                if (r >= 0) r = bus_message_append(m, "ttttuii", st.realtime, st.monotonic, et.realtime, et.monotonic, pid, code, status);
                if (r >= 0) r = bus_message_close_container(m);
        }
        return r < 0 ? r : bus_message_close_container(m);
}

/* ---- org.freedesktop.systemd1.Service ---- */

static ServiceConfig *scfg(void *o) { return C(o) ? C(o)->service : NULL; }
#define SVC_EXEC(fn, idx, ex) \
        static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return append_exec_list(m, U(o), c ? c->exec_command[idx] : NULL, ex); }
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

static int g_svc_type(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? service_type_to_string(c->type) : "simple"); }
static int g_svc_exit_type(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? service_exit_type_to_string(c->exit_type) : "main"); }
static int g_svc_restart(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? service_restart_to_string(c->restart) : "no"); }
static int g_svc_pid_file(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? c->pid_file : NULL); }
static int g_svc_notify_access(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? notify_access_to_string(c->notify_access) : "none"); }
#define SVC_USEC(fn, field, def) static int fn(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_u64(m, c ? c->field : def); }
SVC_USEC(g_svc_restart_usec, restart_usec, 100 * USEC_PER_MSEC)
SVC_USEC(g_svc_restart_max_delay, restart_max_delay_usec, USEC_INFINITY)
static int g_svc_restart_steps(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_u32(m, c ? c->restart_steps : 0); }
static int g_svc_restart_next(BusMessage *m, void *o) { return bus_append_u64(m, scfg(o) ? service_restart_usec_next_runtime(SERVICE(U(o))) : 100 * USEC_PER_MSEC); }
SVC_USEC(g_svc_timeout_start, timeout_start_usec, 90 * USEC_PER_SEC)
SVC_USEC(g_svc_timeout_stop, timeout_stop_usec, 90 * USEC_PER_SEC)
SVC_USEC(g_svc_timeout_abort, timeout_abort_usec, 90 * USEC_PER_SEC)
SVC_USEC(g_svc_runtime_max, runtime_max_usec, USEC_INFINITY)
SVC_USEC(g_svc_watchdog, watchdog_usec, 0)
static int g_svc_remain_after_exit(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_bool(m, c && c->remain_after_exit); }
static int g_svc_guess_main_pid(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_bool(m, !c || c->guess_main_pid); }
static int g_svc_root_dir_start_only(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_bool(m, c && c->root_directory_start_only); }
static int g_svc_main_pid(BusMessage *m, void *o) { return bus_append_u32(m, munit_main_pid(U(o)) > 0 ? (uint32_t)munit_main_pid(U(o)) : 0); }
static int g_svc_control_pid(BusMessage *m, void *o) { return bus_append_u32(m, munit_control_pid(U(o)) > 0 ? (uint32_t)munit_control_pid(U(o)) : 0); }
static int g_svc_bus_name(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? c->bus_name : NULL); }
static int g_svc_fd_store_max(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_u32(m, c ? c->file_descriptor_store_max : 0); }
static int g_svc_n_fd_store(BusMessage *m, void *o) { return bus_append_u32(m, (uint32_t)SERVICE(U(o))->n_fd_store); }
static int g_svc_status_text(BusMessage *m, void *o) { return bus_append_string(m, SERVICE(U(o))->status_text); }
static int g_svc_status_errno(BusMessage *m, void *o) { return bus_append_i32(m, SERVICE(U(o))->status_errno); }
static int g_svc_result(BusMessage *m, void *o) { return bus_append_string(m, service_result_to_string(SERVICE(U(o))->result)); }
static int g_svc_reload_result(BusMessage *m, void *o) { return bus_append_string(m, service_result_to_string(SERVICE(U(o))->reload_result)); }
static int g_svc_clean_result(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "success"); }
static int g_svc_n_restarts(BusMessage *m, void *o) { return bus_append_u32(m, SERVICE(U(o))->n_restarts); }
static int g_svc_oom_policy(BusMessage *m, void *o) { ServiceConfig *c = scfg(o); return bus_append_string(m, c ? oom_policy_to_string(c->oom_policy) : "stop"); }
static int g_main_start(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_start.realtime); }
static int g_main_start_mono(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_start.monotonic); }
static int g_main_exit(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_exit.realtime); }
static int g_main_exit_mono(BusMessage *m, void *o) { return bus_append_u64(m, SERVICE(U(o))->exec_main_exit.monotonic); }
static int g_main_exec_pid(BusMessage *m, void *o) { return bus_append_u32(m, SERVICE(U(o))->exec_main_pid > 0 ? (uint32_t)SERVICE(U(o))->exec_main_pid : 0); }
static int g_main_code(BusMessage *m, void *o) { return bus_append_i32(m, SERVICE(U(o))->exec_main_exit.realtime ? SERVICE(U(o))->main_exit_code : 0); }
static int g_main_status(BusMessage *m, void *o) { return bus_append_i32(m, SERVICE(U(o))->exec_main_exit.realtime ? SERVICE(U(o))->main_exit_status : 0); }

static const BusProperty service_properties[] = {
        { "Type", "s", g_svc_type },
        { "ExitType", "s", g_svc_exit_type },
        { "Restart", "s", g_svc_restart },
        { "PIDFile", "s", g_svc_pid_file },
        { "NotifyAccess", "s", g_svc_notify_access },
        { "RestartUSec", "t", g_svc_restart_usec },
        /* systemd 254's, in its order */
        { "RestartSteps", "u", g_svc_restart_steps },
        { "RestartMaxDelayUSec", "t", g_svc_restart_max_delay },
        { "RestartUSecNext", "t", g_svc_restart_next },
        { "TimeoutStartUSec", "t", g_svc_timeout_start },
        { "TimeoutStopUSec", "t", g_svc_timeout_stop },
        { "TimeoutAbortUSec", "t", g_svc_timeout_abort },
        { "RuntimeMaxUSec", "t", g_svc_runtime_max },
        { "WatchdogUSec", "t", g_svc_watchdog },
        { "WatchdogTimestamp", "t", g_zero_t },
        { "WatchdogTimestampMonotonic", "t", g_zero_t },
        { "RootDirectoryStartOnly", "b", g_svc_root_dir_start_only },
        { "RemainAfterExit", "b", g_svc_remain_after_exit },
        { "GuessMainPID", "b", g_svc_guess_main_pid },
        { "MainPID", "u", g_svc_main_pid },
        { "ControlPID", "u", g_svc_control_pid },
        { "BusName", "s", g_svc_bus_name },
        { "FileDescriptorStoreMax", "u", g_svc_fd_store_max },
        { "NFileDescriptorStore", "u", g_svc_n_fd_store },
        { "StatusText", "s", g_svc_status_text },
        { "StatusErrno", "i", g_svc_status_errno },
        { "Result", "s", g_svc_result },
        { "ReloadResult", "s", g_svc_reload_result },
        { "CleanResult", "s", g_svc_clean_result },
        { "NRestarts", "u", g_svc_n_restarts },
        { "OOMPolicy", "s", g_svc_oom_policy },
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
        CGROUP_PROPERTIES,
        EXEC_PROPERTIES,
        { NULL, NULL, NULL },
};
static const BusInterface service_interface = { "org.freedesktop.systemd1.Service", service_properties };

/* ---- org.freedesktop.systemd1.Socket ---- */

static SocketConfig *sockcfg(void *o) { return C(o) ? C(o)->socket : NULL; }
static int g_sock_listen(BusMessage *m, void *o) {
        SocketConfig *c = sockcfg(o);
        int r = bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; c && i < c->n_ports && r >= 0; i++) {
                const SocketPort *p = &c->ports[i];
                _cleanup_free_ char *a = NULL;
                if (p->type == SOCKET_PORT_SOCKET && socket_address_format(&p->address, &a) < 0) return -ENOMEM;
                r = bus_message_append(m, "(ss)", socket_port_type_to_string(p), a ? a : p->path);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_sock_accept(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_bool(m, c && c->accept); }
static int g_sock_backlog(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_u32(m, c ? c->backlog : 4096); }
static int g_sock_bind_ipv6_only(BusMessage *m, void *o) {
        SocketConfig *c = sockcfg(o);
        return bus_append_string(m, socket_bind_ipv6_only_to_string(c ? c->bind_ipv6_only : SOCKET_ADDRESS_DEFAULT));
}
static int g_sock_n_connections(BusMessage *m, void *o) { return bus_append_u32(m, SOCKET(U(o))->n_connections); }
static int g_sock_n_accepted(BusMessage *m, void *o) { return bus_append_u32(m, SOCKET(U(o))->n_accepted); }
static int g_sock_result(BusMessage *m, void *o) { return bus_append_string(m, socket_result_to_string(SOCKET(U(o))->result)); }
static int g_sock_max_connections(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_u32(m, c ? c->max_connections : 64); }
static int g_sock_max_conn_per_source(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_u32(m, c ? c->max_connections_per_source : 64); }
static int g_sock_mode(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_u32(m, c ? c->socket_mode : 0666); }
static int g_sock_dir_mode(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_u32(m, c ? c->directory_mode : 0755); }
static int g_sock_user(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_string(m, c ? c->user : NULL); }
static int g_sock_group(BusMessage *m, void *o) { SocketConfig *c = sockcfg(o); return bus_append_string(m, c ? c->group : NULL); }
static int g_sock_control_pid(BusMessage *m, void *o) { return g_svc_control_pid(m, o); }

static const BusProperty socket_properties[] = {
        { "BindIPv6Only", "s", g_sock_bind_ipv6_only },
        { "Backlog", "u", g_sock_backlog },
        { "Listen", "a(ss)", g_sock_listen },
        { "Accept", "b", g_sock_accept },
        { "NConnections", "u", g_sock_n_connections },
        { "NAccepted", "u", g_sock_n_accepted },
        { "NRefused", "u", g_zero_u },
        { "MaxConnections", "u", g_sock_max_connections },
        { "MaxConnectionsPerSource", "u", g_sock_max_conn_per_source },
        { "SocketMode", "u", g_sock_mode },
        { "DirectoryMode", "u", g_sock_dir_mode },
        { "SocketUser", "s", g_sock_user },
        { "SocketGroup", "s", g_sock_group },
        { "ControlPID", "u", g_sock_control_pid },
        { "Result", "s", g_sock_result },
        CGROUP_PROPERTIES,
        EXEC_PROPERTIES,
        { NULL, NULL, NULL },
};
static const BusInterface socket_interface = { "org.freedesktop.systemd1.Socket", socket_properties };

/* ---- org.freedesktop.systemd1.Timer ---- */

static TimerConfig *tcfg(void *o) { return C(o) ? C(o)->timer : NULL; }
static uint64_t or_zero(usec_t t) { return t == USEC_INFINITY ? 0 : t; }
static int g_timer_unit(BusMessage *m, void *o) { TimerConfig *c = tcfg(o); return bus_append_string(m, c ? c->unit : NULL); }
static int g_timer_monotonic(BusMessage *m, void *o) {
        TimerConfig *c = tcfg(o);
        int r = bus_message_open_container(m, 'a', "(stt)");
        for (size_t i = 0; c && i < c->n_monotonic && r >= 0; i++)
                r = bus_message_append(m, "(stt)", timer_base_to_usec_string(c->monotonic[i].base), (uint64_t)c->monotonic[i].value,
                                       (uint64_t)or_zero(TIMER(U(o))->next_monotonic));
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_timer_calendar(BusMessage *m, void *o) {
        TimerConfig *c = tcfg(o);
        int r = bus_message_open_container(m, 'a', "(sst)");
        STRV_FOREACH(e, c ? c->on_calendar : NULL)
                if (r >= 0) r = bus_message_append(m, "(sst)", "OnCalendar", *e, (uint64_t)or_zero(TIMER(U(o))->next_realtime));
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_timer_next_rt(BusMessage *m, void *o) { return bus_append_u64(m, or_zero(TIMER(U(o))->next_realtime)); }
static int g_timer_next_mono(BusMessage *m, void *o) { return bus_append_u64(m, or_zero(TIMER(U(o))->next_monotonic)); }
static int g_timer_last(BusMessage *m, void *o) { return bus_append_u64(m, TIMER(U(o))->last_trigger_realtime); }
static int g_timer_last_mono(BusMessage *m, void *o) { return bus_append_u64(m, TIMER(U(o))->last_trigger_monotonic); }
static int g_timer_result(BusMessage *m, void *o) { return bus_append_string(m, TIMER(U(o))->state == TIMER_FAILED ? "failure-resources" : "success"); }
static int g_timer_accuracy(BusMessage *m, void *o) { TimerConfig *c = tcfg(o); return bus_append_u64(m, c ? c->accuracy_usec : USEC_PER_MINUTE); }
static int g_timer_random(BusMessage *m, void *o) { TimerConfig *c = tcfg(o); return bus_append_u64(m, c ? c->random_usec : 0); }
#define TIMER_BOOL(fn, field) static int fn(BusMessage *m, void *o) { TimerConfig *c = tcfg(o); return bus_append_bool(m, c && c->field); }
TIMER_BOOL(g_timer_fixed_random, fixed_random_delay)
TIMER_BOOL(g_timer_persistent, persistent)
TIMER_BOOL(g_timer_wake_system, wake_system)
TIMER_BOOL(g_timer_on_clock_change, on_clock_change)
TIMER_BOOL(g_timer_on_tz_change, on_timezone_change)
static int g_timer_remain(BusMessage *m, void *o) { TimerConfig *c = tcfg(o); return bus_append_bool(m, !c || c->remain_after_elapse); }

static const BusProperty timer_properties[] = {
        { "Unit", "s", g_timer_unit },
        { "TimersMonotonic", "a(stt)", g_timer_monotonic },
        { "TimersCalendar", "a(sst)", g_timer_calendar },
        { "OnClockChange", "b", g_timer_on_clock_change },
        { "OnTimezoneChange", "b", g_timer_on_tz_change },
        { "NextElapseUSecRealtime", "t", g_timer_next_rt },
        { "NextElapseUSecMonotonic", "t", g_timer_next_mono },
        { "LastTriggerUSec", "t", g_timer_last },
        { "LastTriggerUSecMonotonic", "t", g_timer_last_mono },
        { "Result", "s", g_timer_result },
        { "AccuracyUSec", "t", g_timer_accuracy },
        { "RandomizedDelayUSec", "t", g_timer_random },
        { "FixedRandomDelay", "b", g_timer_fixed_random },
        { "Persistent", "b", g_timer_persistent },
        { "WakeSystem", "b", g_timer_wake_system },
        { "RemainAfterElapse", "b", g_timer_remain },
        { NULL, NULL, NULL },
};
static const BusInterface timer_interface = { "org.freedesktop.systemd1.Timer", timer_properties };

/* ---- org.freedesktop.systemd1.Path ---- */

static PathConfig *pcfg(void *o) { return C(o) ? C(o)->path : NULL; }
static int g_path_unit(BusMessage *m, void *o) { PathConfig *c = pcfg(o); return bus_append_string(m, c ? c->unit : NULL); }
static int g_path_paths(BusMessage *m, void *o) {
        PathConfig *c = pcfg(o);
        int r = bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; c && i < c->n_specs && r >= 0; i++)
                r = bus_message_append(m, "(ss)", path_type_to_string(c->specs[i].type), c->specs[i].path);
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_path_make_dir(BusMessage *m, void *o) { PathConfig *c = pcfg(o); return bus_append_bool(m, c && c->make_directory); }
static int g_path_dir_mode(BusMessage *m, void *o) { PathConfig *c = pcfg(o); return bus_append_u32(m, c ? c->directory_mode : 0755); }
static int g_path_result(BusMessage *m, void *o) { return bus_append_string(m, PATH(U(o))->state == PATH_FAILED ? "failure-resources" : "success"); }
static int g_path_tl_interval(BusMessage *m, void *o) { PathConfig *c = pcfg(o); return bus_append_u64(m, c ? c->trigger_limit_interval : 2 * USEC_PER_SEC); }
static int g_path_tl_burst(BusMessage *m, void *o) { PathConfig *c = pcfg(o); return bus_append_u32(m, c ? c->trigger_limit_burst : 200); }

static const BusProperty path_properties[] = {
        { "Unit", "s", g_path_unit },
        { "Paths", "a(ss)", g_path_paths },
        { "MakeDirectory", "b", g_path_make_dir },
        { "DirectoryMode", "u", g_path_dir_mode },
        { "Result", "s", g_path_result },
        { "TriggerLimitIntervalUSec", "t", g_path_tl_interval },
        { "TriggerLimitBurst", "u", g_path_tl_burst },
        { NULL, NULL, NULL },
};
static const BusInterface path_interface = { "org.freedesktop.systemd1.Path", path_properties };

static const BusProperty no_properties[] = { { NULL, NULL, NULL } };
static const BusInterface target_interface = { "org.freedesktop.systemd1.Target", no_properties };
static const BusProperty slice_properties[] = { CGROUP_PROPERTIES, { NULL, NULL, NULL } };
static const BusInterface slice_interface = { "org.freedesktop.systemd1.Slice", slice_properties };
static const BusInterface mount_interface = { "org.freedesktop.systemd1.Mount", no_properties };
static const BusInterface device_interface = { "org.freedesktop.systemd1.Device", no_properties };
static const BusInterface swap_interface = { "org.freedesktop.systemd1.Swap", no_properties };
static const BusInterface scope_interface = { "org.freedesktop.systemd1.Scope", no_properties };
static const BusInterface automount_interface = { "org.freedesktop.systemd1.Automount", no_properties };

const BusInterface *const *bus_unit_interfaces(const MUnit *u) {
        static const BusInterface *const by_type[_UNIT_TYPE_MAX][3] = {
                [UNIT_SERVICE] = { &unit_interface, &service_interface, NULL },
                [UNIT_SOCKET] = { &unit_interface, &socket_interface, NULL },
                [UNIT_TIMER] = { &unit_interface, &timer_interface, NULL },
                [UNIT_PATH] = { &unit_interface, &path_interface, NULL },
                [UNIT_TARGET] = { &unit_interface, &target_interface, NULL },
                [UNIT_SLICE] = { &unit_interface, &slice_interface, NULL },
                [UNIT_MOUNT] = { &unit_interface, &mount_interface, NULL },
                [UNIT_DEVICE] = { &unit_interface, &device_interface, NULL },
                [UNIT_SWAP] = { &unit_interface, &swap_interface, NULL },
                [UNIT_SCOPE] = { &unit_interface, &scope_interface, NULL },
                [UNIT_AUTOMOUNT] = { &unit_interface, &automount_interface, NULL },
        };
        static const BusInterface *const unit_only[] = { &unit_interface, NULL };
        UnitType t = u->cfg ? u->cfg->type : unit_name_to_type(u->id);
        return t >= 0 && t < _UNIT_TYPE_MAX ? by_type[t] : unit_only;
}

/* ---- objects and methods ---- */

int bus_unit_from_path(Manager *m, const char *path, MUnit **ret) {
        _cleanup_free_ char *id = NULL;
        int r = bus_path_decode(path, BUS_UNIT_PREFIX, &id);
        if (r <= 0) return -ENOENT;
        if (!unit_name_is_valid(id, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) return -ENOENT;
        r = manager_load_unit(m, id, ret);
        return r < 0 || !*ret ? -ENOENT : 0;
}

int bus_unit_queue_job(Manager *m, MUnit *u, JobType type, const char *mode_str, BusMessage *reply, BusError *e) {
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
        uint32_t id = j ? j->id : ++m->last_job_id;
        _cleanup_free_ char *p = NULL;
        if ((r = bus_job_path(id, &p)) < 0) return r;
        if ((r = bus_message_append(reply, "o", p)) < 0) return r;
        if (!j) manager_bus_job_removed(m, id, u->id, JOB_DONE);
        return 0;
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
        char cg[CONTROL_GROUP_MAX];
        control_group(u, cg);
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

int bus_unit_method(Manager *m, MUnit *u, BusConn *c, BusMessage *call, BusMessage *reply, bool privileged, BusError *e) {
        static const struct { const char *name; JobType type; } jobs[] = {
                { "Start", JOB_START }, { "Stop", JOB_STOP }, { "Reload", JOB_RELOAD }, { "Restart", JOB_RESTART },
                { "TryRestart", JOB_TRY_RESTART }, { "ReloadOrRestart", JOB_RELOAD_OR_START },
                { "ReloadOrTryRestart", JOB_RELOAD_OR_START },
        };
        (void)c; (void)privileged;
        if (call->interface && !streq(call->interface, BUS_IFACE_UNIT)) return 0;
        const char *member = call->member;
        for (size_t i = 0; i < ELEMENTSOF(jobs); i++) {
                if (!streq(member, jobs[i].name)) continue;
                const char *mode = NULL;
                if (bus_message_read(call, "s", &mode) < 1) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments");
                JobType t = jobs[i].type;
                if (streq(member, "ReloadOrTryRestart") && UNIT_IS_INACTIVE_OR_FAILED(u->state)) t = JOB_TRY_RESTART;
                int r = bus_unit_queue_job(m, u, t, mode, reply, e);
                return r < 0 ? r : 1;
        }
        if (streq(member, "Kill")) {
                const char *whom = NULL;
                int32_t sig = 0;
                if (bus_message_read(call, "si", &whom, &sig) < 1) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments");
                int r = bus_unit_kill(u, whom, sig, e);
                return r < 0 ? r : 1;
        }
        if (streq(member, "ResetFailed")) {
                munit_reset_failed(u);
                return 1;
        }
        if (streq(member, "Ref") || streq(member, "Unref")) return 1;
        if (streq(member, "GetProcesses")) {
                int r = bus_unit_processes(u, reply);
                return r < 0 ? r : 1;
        }
        return 0;
}
