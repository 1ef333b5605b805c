/* SPDX-License-Identifier: MIT */
/* The manager object, /org/freedesktop/systemd1: org.freedesktop.systemd1.Manager's methods and
 * properties, as systemd 252 names and types them. Unit-file methods (enable, disable, ...) are
 * answered by dbus-unit-file.c. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/dbus-internal.h"
#include "exec/env.h"

#define M(o) ((Manager *)(o))

const char *manager_system_state(const Manager *m) {
        if (m->shutting_down) return "stopping";
        if (!m->boot_finished) return "starting";
        for (size_t i = 0; i < m->n_list; i++)
                if (m->list[i]->state == UNIT_FAILED) return "degraded";
        return "running";
}

/* ---- properties ---- */

static int g_version(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "252 (tinysd)"); }
static int g_features(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "-PAM -AUDIT -SELINUX -APPARMOR -SECCOMP -GCRYPT -ACL -CGROUPS"); }
static int g_virtualization(BusMessage *m, void *o) {
        const char *c = getenv("container");
        (void)o;
        return bus_append_string(m, c && *c ? c : "docker");
}
static int g_architecture(BusMessage *m, void *o) {
        struct utsname u;
        (void)o;
        if (uname(&u) < 0) return bus_append_string(m, "");
        return bus_append_string(m, streq(u.machine, "x86_64") ? "x86-64" : streq(u.machine, "aarch64") ? "arm64" : u.machine);
}
static int g_empty_s(BusMessage *m, void *o) { (void)o; return bus_append_string(m, ""); }
static int g_zero_t(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, 0); }
static int g_zero_u(BusMessage *m, void *o) { (void)o; return bus_append_u32(m, 0); }
static int g_false(BusMessage *m, void *o) { (void)o; return bus_append_bool(m, false); }
static int g_userspace(BusMessage *m, void *o) { return bus_append_u64(m, M(o)->userspace_ts.realtime); }
static int g_userspace_mono(BusMessage *m, void *o) { return bus_append_u64(m, M(o)->userspace_ts.monotonic); }
static int g_finish(BusMessage *m, void *o) { return bus_append_u64(m, M(o)->finish_ts.realtime); }
static int g_finish_mono(BusMessage *m, void *o) { return bus_append_u64(m, M(o)->finish_ts.monotonic); }
static int g_n_names(BusMessage *m, void *o) { return bus_append_u32(m, (uint32_t)manager_n_names(M(o))); }
static int g_n_failed_units(BusMessage *m, void *o) {
        uint32_t n = 0;
        for (size_t i = 0; i < M(o)->n_list; i++) n += M(o)->list[i]->state == UNIT_FAILED;
        return bus_append_u32(m, n);
}
static int g_n_jobs(BusMessage *m, void *o) { return bus_append_u32(m, M(o)->n_jobs); }
static int g_n_installed_jobs(BusMessage *m, void *o) { return bus_append_u32(m, M(o)->last_job_id); }
static int g_progress(BusMessage *m, void *o) {
        double p = M(o)->boot_finished ? 1.0 : 0.0;
        return bus_message_append_basic(m, 'd', &p);
}
static int g_environment(BusMessage *m, void *o) { return bus_append_strv(m, M(o)->environment); }
static int g_show_status(BusMessage *m, void *o) { return bus_append_bool(m, M(o)->set.show_status); }
static int g_unit_path(BusMessage *m, void *o) { return bus_append_strv(m, M(o)->loader ? M(o)->loader->lp.search_path : NULL); }
static int g_system_state(BusMessage *m, void *o) { return bus_append_string(m, manager_system_state(M(o))); }
static int g_exit_code(BusMessage *m, void *o) { uint8_t c = (uint8_t)M(o)->exit_code; return bus_message_append_basic(m, 'y', &c); }
static int g_timeout_start(BusMessage *m, void *o) { return bus_append_u64(m, M(o)->set.default_timeout_start); }
static int g_timeout_stop(BusMessage *m, void *o) { return bus_append_u64(m, M(o)->set.default_timeout_stop); }
static int g_restart_usec(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, 100 * USEC_PER_MSEC); }
static int g_std_output(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "journal"); }
static int g_std_error(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "inherit"); }
static int g_log_level(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "info"); }
static int g_log_target(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "console"); }
static int g_control_group(BusMessage *m, void *o) { (void)o; return bus_append_string(m, ""); }
static int g_start_limit_interval(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, 10 * USEC_PER_SEC); }
static int g_start_limit_burst(BusMessage *m, void *o) { (void)o; return bus_append_u32(m, 5); }
static int g_max_t(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, UINT64_MAX); }

static const BusProperty manager_properties[] = {
        { "Version", "s", g_version },
        { "Features", "s", g_features },
        { "Virtualization", "s", g_virtualization },
        { "ConfidentialVirtualization", "s", g_empty_s },
        { "Architecture", "s", g_architecture },
        { "Tainted", "s", g_empty_s },
        { "FirmwareTimestamp", "t", g_zero_t },
        { "FirmwareTimestampMonotonic", "t", g_zero_t },
        { "LoaderTimestamp", "t", g_zero_t },
        { "LoaderTimestampMonotonic", "t", g_zero_t },
        { "KernelTimestamp", "t", g_zero_t },
        { "KernelTimestampMonotonic", "t", g_zero_t },
        { "InitRDTimestamp", "t", g_zero_t },
        { "InitRDTimestampMonotonic", "t", g_zero_t },
        { "UserspaceTimestamp", "t", g_userspace },
        { "UserspaceTimestampMonotonic", "t", g_userspace_mono },
        { "FinishTimestamp", "t", g_finish },
        { "FinishTimestampMonotonic", "t", g_finish_mono },
        { "LogLevel", "s", g_log_level },
        { "LogTarget", "s", g_log_target },
        { "NNames", "u", g_n_names },
        { "NFailedUnits", "u", g_n_failed_units },
        { "NJobs", "u", g_n_jobs },
        { "NInstalledJobs", "u", g_n_installed_jobs },
        { "NFailedJobs", "u", g_zero_u },
        { "Progress", "d", g_progress },
        { "Environment", "as", g_environment },
        { "ConfirmSpawn", "b", g_false },
        { "ShowStatus", "b", g_show_status },
        { "UnitPath", "as", g_unit_path },
        { "DefaultStandardOutput", "s", g_std_output },
        { "DefaultStandardError", "s", g_std_error },
        { "RuntimeWatchdogUSec", "t", g_zero_t },
        { "RebootWatchdogUSec", "t", g_zero_t },
        { "KExecWatchdogUSec", "t", g_zero_t },
        { "ServiceWatchdogs", "b", g_false },
        { "ControlGroup", "s", g_control_group },
        { "SystemState", "s", g_system_state },
        { "ExitCode", "y", g_exit_code },
        { "DefaultTimerAccuracyUSec", "t", g_zero_t },
        { "DefaultTimeoutStartUSec", "t", g_timeout_start },
        { "DefaultTimeoutStopUSec", "t", g_timeout_stop },
        { "DefaultRestartUSec", "t", g_restart_usec },
        { "DefaultStartLimitIntervalUSec", "t", g_start_limit_interval },
        { "DefaultStartLimitBurst", "u", g_start_limit_burst },
        { "DefaultLimitNOFILE", "t", g_max_t },
        { NULL, NULL, NULL },
};
const BusInterface bus_manager_interface = { BUS_IFACE_MANAGER, manager_properties };

/* ---- methods ---- */

static int invalid_args(BusError *e) { return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments"); }

static int check_name(const char *name, BusError *e) {
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
        return 0;
}

/* The unit called `name`, loaded if needed (unknown names give a not-found unit, as systemd). */
static int load_unit(Manager *m, const char *name, MUnit **ret, BusError *e) {
        int r = check_name(name, e);
        if (r < 0) return r;
        r = manager_load_unit(m, name, ret);
        if (r == -ENOMEM) return r;
        if (r < 0 || !*ret) return bus_error_setf(e, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not found.", name);
        return 0;
}

static int reply_unit_path(BusMessage *reply, const MUnit *u) {
        _cleanup_free_ char *p = NULL;
        int r = bus_unit_path(u->id, &p);
        return r < 0 ? r : bus_message_append(reply, "o", p);
}

static bool is_shutdown_target(const char *name) {
        static const char *const t[] = { "halt.target", "poweroff.target", "reboot.target", "kexec.target", "exit.target" };
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                if (streq(name, t[i])) return true;
        return false;
}

static int method_job(Manager *m, BusMessage *call, BusMessage *reply, JobType type, bool reload_or_try, BusError *e) {
        const char *name = NULL, *mode = NULL;
        if (bus_message_read(call, "ss", &name, &mode) < 1) return invalid_args(e);
        MUnit *u;
        int r = load_unit(m, name, &u, e);
        if (r < 0) return r;
        if (type == JOB_START && is_shutdown_target(u->id)) {
                /* the container's end: an orderly shutdown, with the exit code set before */
                char why[96];
                snprintf(why, sizeof why, "%s requested", u->id);
                uint32_t id = ++m->last_job_id;
                _cleanup_free_ char *p = NULL;
                if ((r = bus_job_path(id, &p)) < 0 || (r = bus_message_append(reply, "o", p)) < 0) return r;
                manager_start_shutdown(m, m->exit_code, why);
                manager_bus_job_removed(m, id, u->id, JOB_DONE);
                return 0;
        }
        if (reload_or_try && UNIT_IS_INACTIVE_OR_FAILED(u->state)) type = JOB_TRY_RESTART;
        return bus_unit_queue_job(m, u, type, mode, reply, e);
}

static int append_unit_row(BusMessage *reply, const MUnit *u) {
        _cleanup_free_ char *up = NULL, *jp = NULL;
        int r = bus_unit_path(u->id, &up);
        if (r >= 0) r = bus_job_path(u->job ? u->job->id : 0, &jp);
        if (r < 0) return r;
        return bus_message_append(reply, "(ssssssouso)", u->id, munit_description(u),
                                  unit_load_state_to_string(u->cfg ? u->cfg->load_state : UNIT_NOT_FOUND),
                                  unit_active_state_to_string(u->state), bus_unit_sub_state(u), "", up,
                                  u->job ? u->job->id : 0, u->job ? job_type_to_string(u->job->type) : "", u->job ? jp : "/");
}

static bool state_matches(const MUnit *u, char *const *states) {
        if (strv_isempty(states)) return true;
        const char *ls = unit_load_state_to_string(u->cfg ? u->cfg->load_state : UNIT_NOT_FOUND);
        return strv_contains(states, ls) || strv_contains(states, unit_active_state_to_string(u->state)) ||
               strv_contains(states, bus_unit_sub_state(u));
}

static bool pattern_matches(const MUnit *u, char *const *patterns) {
        if (strv_isempty(patterns)) return true;
        STRV_FOREACH(p, patterns)
                if (fnmatch(*p, u->id, FNM_NOESCAPE) == 0) return true;
        return false;
}

static int list_units(Manager *m, BusMessage *reply, char *const *states, char *const *patterns) {
        int r = bus_message_open_container(reply, 'a', "(ssssssouso)");
        for (size_t i = 0; i < m->n_list && r >= 0; i++) {
                MUnit *u = m->list[i];
                if (state_matches(u, states) && pattern_matches(u, patterns)) r = append_unit_row(reply, u);
        }
        return r < 0 ? r : bus_message_close_container(reply);
}

static int method_list_units(Manager *m, BusMessage *call, BusMessage *reply, const char *member, BusError *e) {
        _cleanup_strv_free_ char **states = NULL, **patterns = NULL;
        if (streq(member, "ListUnitsFiltered") || streq(member, "ListUnitsByPatterns"))
                if (bus_message_read_strv(call, &states) < 0) return invalid_args(e);
        if (streq(member, "ListUnitsByPatterns"))
                if (bus_message_read_strv(call, &patterns) < 0) return invalid_args(e);
        return list_units(m, reply, states, patterns);
}

static int method_list_units_by_names(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        _cleanup_strv_free_ char **names = NULL;
        if (bus_message_read_strv(call, &names) < 0) return invalid_args(e);
        int r = bus_message_open_container(reply, 'a', "(ssssssouso)");
        STRV_FOREACH(n, names) {
                MUnit *u;
                if (r >= 0 && (r = load_unit(m, *n, &u, e)) >= 0) r = append_unit_row(reply, u);
        }
        return r < 0 ? r : bus_message_close_container(reply);
}

static int method_list_jobs(Manager *m, BusMessage *reply) {
        int r = bus_message_open_container(reply, 'a', "(usssoo)");
        for (size_t i = 0; i < m->n_list && r >= 0; i++) {
                const Job *j = m->list[i]->job;
                if (!j) continue;
                _cleanup_free_ char *jp = NULL, *up = NULL;
                if ((r = bus_job_path(j->id, &jp)) < 0 || (r = bus_unit_path(j->unit->id, &up)) < 0) break;
                r = bus_message_append(reply, "(usssoo)", j->id, j->unit->id, job_type_to_string(j->type),
                                       j->state == JOB_RUNNING ? "running" : "waiting", jp, up);
        }
        return r < 0 ? r : bus_message_close_container(reply);
}

static bool env_assignment_valid(const char *s) {
        const char *eq = strchr(s, '=');
        if (!eq || eq == s) return false;
        for (const char *p = s; p < eq; p++)
                if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (p > s && *p >= '0' && *p <= '9')))
                        return false;
        return true;
}

static int method_environment(Manager *m, BusMessage *call, const char *member, BusError *e) {
        _cleanup_strv_free_ char **unset = NULL, **set = NULL;
        if (streq(member, "UnsetEnvironment") || streq(member, "UnsetAndSetEnvironment"))
                if (bus_message_read_strv(call, &unset) < 0) return invalid_args(e);
        if (streq(member, "SetEnvironment") || streq(member, "UnsetAndSetEnvironment"))
                if (bus_message_read_strv(call, &set) < 0) return invalid_args(e);
        STRV_FOREACH(s, set)
                if (!env_assignment_valid(*s)) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid environment assignments");
        /* systemd's semantics: "NAME" unsets it, "NAME=VALUE" only that exact assignment */
        STRV_FOREACH(s, unset) env_unset(m->environment, *s);
        return env_merge(&m->environment, set);
}

static int method_get_unit_by_pid(Manager *m, BusConn *c, BusMessage *call, BusMessage *reply, BusError *e) {
        uint32_t pid = 0;
        if (bus_message_read(call, "u", &pid) < 1) return invalid_args(e);
        if (pid == 0) pid = (uint32_t)bus_conn_get_peer(c)->pid;
        MUnit *u = pid == (uint32_t)m->self ? manager_get_unit(m, "init.scope") : manager_unit_by_pid(m, (pid_t)pid);
        if (!u) return bus_error_setf(e, BUS_ERROR_NO_UNIT_FOR_PID, "PID %u does not belong to any loaded unit.", pid);
        return reply_unit_path(reply, u);
}

int bus_manager_method(Manager *m, BusConn *c, BusMessage *call, BusMessage *reply, bool privileged, BusError *e) {
        static const struct { const char *name; JobType type; bool reload_or_try; } jobs[] = {
                { "StartUnit", JOB_START, false }, { "StopUnit", JOB_STOP, false }, { "ReloadUnit", JOB_RELOAD, false },
                { "RestartUnit", JOB_RESTART, false }, { "TryRestartUnit", JOB_TRY_RESTART, false },
                { "ReloadOrRestartUnit", JOB_RELOAD_OR_START, false }, { "ReloadOrTryRestartUnit", JOB_RELOAD_OR_START, true },
        };
        const char *member = call->member;
        const char *name = NULL;
        MUnit *u = NULL;
        int r;
        (void)privileged;
        for (size_t i = 0; i < ELEMENTSOF(jobs); i++)
                if (streq(member, jobs[i].name)) {
                        r = method_job(m, call, reply, jobs[i].type, jobs[i].reload_or_try, e);
                        return r < 0 ? r : 1;
                }
        if (streq(member, "GetUnit")) {
                if (bus_message_read(call, "s", &name) < 1) return invalid_args(e);
                if ((r = check_name(name, e)) < 0) return r;
                u = manager_get_unit(m, name);
                if (!u) return bus_error_setf(e, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
                r = reply_unit_path(reply, u);
        } else if (streq(member, "LoadUnit")) {
                if (bus_message_read(call, "s", &name) < 1) return invalid_args(e);
                if ((r = load_unit(m, name, &u, e)) >= 0) r = reply_unit_path(reply, u);
        } else if (streq(member, "GetUnitByPID"))
                r = method_get_unit_by_pid(m, c, call, reply, e);
        else if (streq(member, "ListUnits") || streq(member, "ListUnitsFiltered") || streq(member, "ListUnitsByPatterns"))
                r = method_list_units(m, call, reply, member, e);
        else if (streq(member, "ListUnitsByNames"))
                r = method_list_units_by_names(m, call, reply, e);
        else if (streq(member, "ListJobs"))
                r = method_list_jobs(m, reply);
        else if (streq(member, "GetJob") || streq(member, "CancelJob")) {
                uint32_t id = 0;
                if (bus_message_read(call, "u", &id) < 1) return invalid_args(e);
                Job *j = manager_get_job(m, id);
                if (!j) return bus_error_setf(e, BUS_ERROR_NO_SUCH_JOB, "Job %u does not exist.", id);
                if (streq(member, "CancelJob")) {
                        job_finish(j, JOB_CANCELED);
                        r = 0;
                } else {
                        _cleanup_free_ char *p = NULL;
                        if ((r = bus_job_path(id, &p)) >= 0) r = bus_message_append(reply, "o", p);
                }
        } else if (streq(member, "ClearJobs")) {
                for (size_t i = 0; i < m->n_list; i++)
                        if (m->list[i]->job) job_finish(m->list[i]->job, JOB_CANCELED);
                r = 0;
        } else if (streq(member, "KillUnit")) {
                const char *whom = NULL;
                int32_t sig = 0;
                if (bus_message_read(call, "ssi", &name, &whom, &sig) < 1) return invalid_args(e);
                if ((r = load_unit(m, name, &u, e)) >= 0) r = bus_unit_kill(u, whom, sig, e);
        } else if (streq(member, "ResetFailedUnit")) {
                if (bus_message_read(call, "s", &name) < 1) return invalid_args(e);
                if ((r = load_unit(m, name, &u, e)) >= 0) munit_reset_failed(u);
        } else if (streq(member, "ResetFailed")) {
                for (size_t i = 0; i < m->n_list; i++) munit_reset_failed(m->list[i]);
                r = 0;
        } else if (streq(member, "GetUnitProcesses")) {
                if (bus_message_read(call, "s", &name) < 1) return invalid_args(e);
                if ((r = check_name(name, e)) < 0) return r;
                u = manager_get_unit(m, name);
                if (!u) return bus_error_setf(e, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
                r = bus_unit_processes(u, reply);
        } else if (streq(member, "Reload") || streq(member, "Reexecute")) {
                r = manager_reload(m);
                if (r < 0) return bus_error_setf(e, BUS_ERROR_FAILED, "Failed to reload: %s", strerror(-r));
        } else if (streq(member, "Exit") || streq(member, "Halt") || streq(member, "PowerOff") || streq(member, "Reboot") ||
                   streq(member, "KExec")) {
                char why[64];
                snprintf(why, sizeof why, "%s requested over D-Bus", member);
                manager_start_shutdown(m, m->exit_code, why);
                r = 0;
        } else if (streq(member, "SetExitCode")) {
                uint8_t code = 0;
                if (bus_message_read(call, "y", &code) < 1) return invalid_args(e);
                m->exit_code = code;
                r = 0;
        } else if (streq(member, "SetEnvironment") || streq(member, "UnsetEnvironment") || streq(member, "UnsetAndSetEnvironment"))
                r = method_environment(m, call, member, e);
        else if (streq(member, "Subscribe") || streq(member, "Unsubscribe") || streq(member, "Ref") || streq(member, "Unref"))
                r = 0;
        else
                return bus_unit_file_method(m, call, reply, e);
        return r < 0 ? r : 1;
}
