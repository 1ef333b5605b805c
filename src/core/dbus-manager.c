/* SPDX-License-Identifier: MIT */
/* The manager object, /org/freedesktop/systemd1: org.freedesktop.systemd1.Manager's methods and
 * properties, as systemd 252 names and types them. Unit-file methods (enable, disable, ...) are
 * answered by dbus-unit-file.c. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/console.h"
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
#define D(o) (&M(o)->conf.defaults)
static int g_timeout_abort(BusMessage *m, void *o) {
        return bus_append_u64(m, D(o)->timeout_abort_set ? D(o)->timeout_abort_usec : D(o)->timeout_stop_usec);
}
static int g_restart_usec(BusMessage *m, void *o) { return bus_append_u64(m, D(o)->restart_usec); }
static int g_std_output(BusMessage *m, void *o) { return bus_append_string(m, exec_output_to_string(D(o)->std_output)); }
static int g_std_error(BusMessage *m, void *o) { return bus_append_string(m, exec_output_to_string(D(o)->std_error)); }
static int g_control_group(BusMessage *m, void *o) { (void)o; return bus_append_string(m, ""); }
static int g_start_limit_interval(BusMessage *m, void *o) { return bus_append_u64(m, D(o)->start_limit_interval_usec); }
static int g_start_limit_burst(BusMessage *m, void *o) { return bus_append_u32(m, D(o)->start_limit_burst); }

/* DefaultLimit*=: system.conf's, else PID 1's own limit (252's bus_property_get_rlimit()) */
static int append_default_limit(BusMessage *m, void *o, int res, bool soft) {
        struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
        if (D(o)->rlimit_set[res]) rl = D(o)->rlimit[res];
        else (void)getrlimit(res, &rl);
        rlim_t v = soft ? rl.rlim_cur : rl.rlim_max;
        return bus_append_u64(m, v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v);
}
#define DEFAULT_LIMIT(name, res) \
        static int g_dlimit_##name(BusMessage *m, void *o) { return append_default_limit(m, o, res, false); } \
        static int g_dlimit_##name##_soft(BusMessage *m, void *o) { return append_default_limit(m, o, res, true); }
DEFAULT_LIMIT(cpu, RLIMIT_CPU) DEFAULT_LIMIT(fsize, RLIMIT_FSIZE) DEFAULT_LIMIT(data, RLIMIT_DATA)
DEFAULT_LIMIT(stack, RLIMIT_STACK) DEFAULT_LIMIT(core, RLIMIT_CORE) DEFAULT_LIMIT(rss, RLIMIT_RSS)
DEFAULT_LIMIT(nofile, RLIMIT_NOFILE) DEFAULT_LIMIT(as, RLIMIT_AS) DEFAULT_LIMIT(nproc, RLIMIT_NPROC)
DEFAULT_LIMIT(memlock, RLIMIT_MEMLOCK) DEFAULT_LIMIT(locks, RLIMIT_LOCKS) DEFAULT_LIMIT(sigpending, RLIMIT_SIGPENDING)
DEFAULT_LIMIT(msgqueue, RLIMIT_MSGQUEUE) DEFAULT_LIMIT(nice, RLIMIT_NICE) DEFAULT_LIMIT(rtprio, RLIMIT_RTPRIO)
DEFAULT_LIMIT(rttime, RLIMIT_RTTIME)
#define DEFAULT_LIMIT_PROPS(Name, name) \
        { "DefaultLimit" #Name, "t", g_dlimit_##name }, { "DefaultLimit" #Name "Soft", "t", g_dlimit_##name##_soft }

static const BusProperty manager_properties[] = {
        { "Version", "s", g_version },
        { "Features", "s", g_features },
        { "Virtualization", "s", g_virtualization },
        { "ConfidentialVirtualization", "s", bus_get_empty_string },
        { "Architecture", "s", g_architecture },
        { "Tainted", "s", bus_get_empty_string },
        { "FirmwareTimestamp", "t", bus_get_zero_u64 },
        { "FirmwareTimestampMonotonic", "t", bus_get_zero_u64 },
        { "LoaderTimestamp", "t", bus_get_zero_u64 },
        { "LoaderTimestampMonotonic", "t", bus_get_zero_u64 },
        { "KernelTimestamp", "t", bus_get_zero_u64 },
        { "KernelTimestampMonotonic", "t", bus_get_zero_u64 },
        { "InitRDTimestamp", "t", bus_get_zero_u64 },
        { "InitRDTimestampMonotonic", "t", bus_get_zero_u64 },
        { "UserspaceTimestamp", "t", g_userspace },
        { "UserspaceTimestampMonotonic", "t", g_userspace_mono },
        { "FinishTimestamp", "t", g_finish },
        { "FinishTimestampMonotonic", "t", g_finish_mono },
        { "LogLevel", "s", bus_log_control_get_level, bus_log_control_set_level, BUS_ACCESS_PRIVILEGED },
        { "LogTarget", "s", bus_log_control_get_target, bus_log_control_set_target, BUS_ACCESS_PRIVILEGED },
        { "NNames", "u", g_n_names },
        { "NFailedUnits", "u", g_n_failed_units },
        { "NJobs", "u", g_n_jobs },
        { "NInstalledJobs", "u", g_n_installed_jobs },
        { "NFailedJobs", "u", bus_get_zero_u32 },
        { "Progress", "d", g_progress },
        { "Environment", "as", g_environment },
        { "ConfirmSpawn", "b", bus_get_false },
        { "ShowStatus", "b", g_show_status },
        { "UnitPath", "as", g_unit_path },
        { "DefaultStandardOutput", "s", g_std_output },
        { "DefaultStandardError", "s", g_std_error },
        { "RuntimeWatchdogUSec", "t", bus_get_zero_u64 },
        { "RebootWatchdogUSec", "t", bus_get_zero_u64 },
        { "KExecWatchdogUSec", "t", bus_get_zero_u64 },
        { "ServiceWatchdogs", "b", bus_get_false },
        { "ControlGroup", "s", g_control_group },
        { "SystemState", "s", g_system_state },
        { "ExitCode", "y", g_exit_code },
        { "DefaultTimerAccuracyUSec", "t", bus_get_zero_u64 },
        { "DefaultTimeoutStartUSec", "t", g_timeout_start },
        { "DefaultTimeoutStopUSec", "t", g_timeout_stop },
        { "DefaultTimeoutAbortUSec", "t", g_timeout_abort },
        { "DefaultRestartUSec", "t", g_restart_usec },
        { "DefaultStartLimitIntervalUSec", "t", g_start_limit_interval },
        { "DefaultStartLimitBurst", "u", g_start_limit_burst },
        DEFAULT_LIMIT_PROPS(CPU, cpu), DEFAULT_LIMIT_PROPS(FSIZE, fsize), DEFAULT_LIMIT_PROPS(DATA, data),
        DEFAULT_LIMIT_PROPS(STACK, stack), DEFAULT_LIMIT_PROPS(CORE, core), DEFAULT_LIMIT_PROPS(RSS, rss),
        DEFAULT_LIMIT_PROPS(NOFILE, nofile), DEFAULT_LIMIT_PROPS(AS, as), DEFAULT_LIMIT_PROPS(NPROC, nproc),
        DEFAULT_LIMIT_PROPS(MEMLOCK, memlock), DEFAULT_LIMIT_PROPS(LOCKS, locks),
        DEFAULT_LIMIT_PROPS(SIGPENDING, sigpending), DEFAULT_LIMIT_PROPS(MSGQUEUE, msgqueue),
        DEFAULT_LIMIT_PROPS(NICE, nice), DEFAULT_LIMIT_PROPS(RTPRIO, rtprio), DEFAULT_LIMIT_PROPS(RTTIME, rttime),
        { NULL, NULL, NULL },
};

/* ---- methods ---- */

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

/* StartUnit ... ReloadOrTryRestartUnit: the entry's data is the job type; ReloadOrTryRestartUnit's
 * is JOB_RELOAD_OR_START, made a try-restart for an inactive unit. */
static int method_job(BusCall *c) {
        Manager *m = c->manager;
        const char *name = NULL, *mode = NULL;
        int r = bus_message_read(c->message, "ss", &name, &mode);
        if (r < 0) return r;
        MUnit *u;
        if ((r = load_unit(m, name, &u, c->error)) < 0) return r;
        JobType type = (JobType)c->method->data;
        if (type == JOB_START && is_shutdown_target(u->id)) {
                /* the container's end: an orderly shutdown, with the exit code set before */
                char why[96];
                snprintf(why, sizeof why, "%s requested", u->id);
                uint32_t id = ++m->last_job_id;
                _cleanup_free_ char *p = NULL;
                if ((r = bus_job_path(id, &p)) < 0 || (r = bus_message_append(c->reply, "o", p)) < 0) return r;
                manager_start_shutdown(m, m->exit_code, why);
                manager_bus_job_removed(m, id, u->id, JOB_DONE);
                return 0;
        }
        if (streq(c->method->member, "ReloadOrTryRestartUnit") && UNIT_IS_INACTIVE_OR_FAILED(u->state)) type = JOB_TRY_RESTART;
        return bus_unit_queue_job(m, u, type, mode, c->reply, c->error);
}

/* EnqueueUnitJob(name, job type, mode): 252's job types for it, as systemctl names them */
static int method_enqueue_unit_job(BusCall *c) {
        static const struct { const char *name; JobType type; } types[] = {
                { "start", JOB_START }, { "verify-active", JOB_VERIFY_ACTIVE }, { "stop", JOB_STOP },
                { "reload", JOB_RELOAD }, { "restart", JOB_RESTART }, { "try-restart", JOB_TRY_RESTART },
                { "reload-or-start", JOB_RELOAD_OR_START },
        };
        const char *name = NULL, *type_name = NULL, *mode = NULL;
        int r = bus_message_read(c->message, "sss", &name, &type_name, &mode);
        if (r < 0) return r;
        size_t i = 0;
        while (i < ELEMENTSOF(types) && !streq(types[i].name, type_name)) i++;
        if (i == ELEMENTSOF(types)) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Job type %s invalid.", type_name);
        MUnit *u;
        if ((r = load_unit(c->manager, name, &u, c->error)) < 0) return r;
        return bus_unit_enqueue_job_with_transaction(c->manager, u, types[i].type, mode, c->reply, c->error);
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

/* ListUnits, ListUnitsFiltered (states), ListUnitsByPatterns (states, patterns) */
static int method_list_units(BusCall *c) {
        _cleanup_strv_free_ char **states = NULL, **patterns = NULL;
        int r = 0;
        if (!isempty(c->method->in)) r = bus_message_read_strv(c->message, &states);
        if (r >= 0 && streq(c->method->in, "asas")) r = bus_message_read_strv(c->message, &patterns);
        return r < 0 ? r : list_units(c->manager, c->reply, states, patterns);
}

static int method_list_units_by_names(BusCall *c) {
        _cleanup_strv_free_ char **names = NULL;
        int r = bus_message_read_strv(c->message, &names);
        if (r >= 0) r = bus_message_open_container(c->reply, 'a', "(ssssssouso)");
        STRV_FOREACH(n, names) {
                MUnit *u;
                if (r >= 0 && (r = load_unit(c->manager, *n, &u, c->error)) >= 0) r = append_unit_row(c->reply, u);
        }
        return r < 0 ? r : bus_message_close_container(c->reply);
}

static int method_list_jobs(BusCall *c) {
        Manager *m = c->manager;
        BusMessage *reply = c->reply;
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

/* SetEnvironment (set), UnsetEnvironment (unset), UnsetAndSetEnvironment (unset, set) */
static int method_environment(BusCall *c) {
        const char *member = c->method->member;
        _cleanup_strv_free_ char **unset = NULL, **set = NULL;
        int r = 0;
        if (!streq(member, "SetEnvironment")) r = bus_message_read_strv(c->message, &unset);
        if (r >= 0 && !streq(member, "UnsetEnvironment")) r = bus_message_read_strv(c->message, &set);
        if (r < 0) return r;
        STRV_FOREACH(s, set)
                if (!env_assignment_is_valid(*s)) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Invalid environment assignments");
        /* systemd's semantics: "NAME" unsets it, "NAME=VALUE" only that exact assignment */
        STRV_FOREACH(s, unset) env_unset(c->manager->environment, *s);
        return env_merge(&c->manager->environment, set);
}

static int method_get_unit_by_pid(BusCall *c) {
        Manager *m = c->manager;
        uint32_t pid = 0;
        int r = bus_message_read(c->message, "u", &pid);
        if (r < 0) return r;
        if (pid == 0) pid = (uint32_t)bus_conn_get_peer(c->conn)->pid;
        MUnit *u = pid == (uint32_t)m->self ? manager_get_unit(m, "init.scope") : manager_unit_by_pid(m, (pid_t)pid);
        if (!u) return bus_error_setf(c->error, BUS_ERROR_NO_UNIT_FOR_PID, "PID %u does not belong to any loaded unit.", pid);
        return reply_unit_path(c->reply, u);
}

/* GetUnit, GetUnitProcesses: a unit that is loaded (NoSuchUnit otherwise). */
static int loaded_unit(BusCall *c, MUnit **ret) {
        const char *name = NULL;
        int r = bus_message_read(c->message, "s", &name);
        if (r < 0 || (r = check_name(name, c->error)) < 0) return r;
        *ret = manager_get_unit(c->manager, name);
        return *ret ? 0 : bus_error_setf(c->error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
}

static int method_get_unit(BusCall *c) {
        MUnit *u;
        int r = loaded_unit(c, &u);
        return r < 0 ? r : reply_unit_path(c->reply, u);
}

static int method_get_unit_processes(BusCall *c) {
        MUnit *u;
        int r = loaded_unit(c, &u);
        return r < 0 ? r : bus_unit_processes(u, c->reply);
}

/* LoadUnit, KillUnit, ResetFailedUnit: the unit named first, loaded if need be. */
static int named_unit(BusCall *c, MUnit **ret) {
        const char *name = NULL;
        int r = bus_message_read(c->message, "s", &name);
        return r < 0 ? r : load_unit(c->manager, name, ret, c->error);
}

static int method_load_unit(BusCall *c) {
        MUnit *u;
        int r = named_unit(c, &u);
        return r < 0 ? r : reply_unit_path(c->reply, u);
}

static int method_kill_unit(BusCall *c) {
        const char *whom = NULL;
        int32_t sig = 0;
        MUnit *u;
        int r = named_unit(c, &u);
        if (r >= 0) r = bus_message_read(c->message, "si", &whom, &sig);
        return r < 0 ? r : bus_unit_kill(u, whom, sig, c->error);
}

/* CleanUnit: loaded if need be, and it must have loaded (252's GENERIC_UNIT_LOAD|VALIDATE_LOADED) */
static int method_clean_unit(BusCall *c) {
        MUnit *u;
        int r = named_unit(c, &u);
        if (r >= 0) r = bus_unit_load_error(u, c->error);
        return r < 0 ? r : bus_unit_clean(u, c->message, c->error);
}

/* FreezeUnit (data 1), ThawUnit (0): a unit that is loaded, as 252 */
static int method_freezer_unit(BusCall *c) {
        MUnit *u;
        int r = loaded_unit(c, &u);
        return r < 0 ? r : bus_unit_freezer(u, c->method->data, c->error);
}

/* RefUnit, UnrefUnit: a loaded unit; tinysd collects no unit a client could hold on to */
static int method_ref_unit(BusCall *c) {
        MUnit *u;
        return loaded_unit(c, &u);
}

static int method_reset_failed_unit(BusCall *c) {
        MUnit *u;
        int r = named_unit(c, &u);
        if (r >= 0) munit_reset_failed(u);
        return r;
}

static int method_reset_failed(BusCall *c) {
        for (size_t i = 0; i < c->manager->n_list; i++) munit_reset_failed(c->manager->list[i]);
        return 0;
}

/* GetJob, CancelJob */
static int method_job_by_id(BusCall *c) {
        uint32_t id = 0;
        int r = bus_message_read(c->message, "u", &id);
        if (r < 0) return r;
        Job *j = manager_get_job(c->manager, id);
        if (!j) return bus_error_setf(c->error, BUS_ERROR_NO_SUCH_JOB, "Job %u does not exist.", id);
        if (streq(c->method->member, "CancelJob")) {
                job_finish(j, JOB_CANCELED);
                return 0;
        }
        _cleanup_free_ char *p = NULL;
        if ((r = bus_job_path(id, &p)) < 0) return r;
        return bus_message_append(c->reply, "o", p);
}

static int method_clear_jobs(BusCall *c) {
        for (size_t i = 0; i < c->manager->n_list; i++)
                if (c->manager->list[i]->job) job_finish(c->manager->list[i]->job, JOB_CANCELED);
        return 0;
}

/* Reload, Reexecute: a reload that keeps the running state */
static int method_reload(BusCall *c) {
        int r = manager_reload(c->manager);
        if (r < 0) return bus_error_setf(c->error, BUS_ERROR_FAILED, "Failed to reload: %s", strerror(-r));
        return 0;
}

/* Exit, Halt, PowerOff, Reboot, KExec: the container's end */
static int method_shutdown(BusCall *c) {
        char why[64];
        snprintf(why, sizeof why, "%s requested over D-Bus", c->method->member);
        manager_start_shutdown(c->manager, c->manager->exit_code, why);
        return 0;
}

static int method_set_exit_code(BusCall *c) {
        uint8_t code = 0;
        int r = bus_message_read(c->message, "y", &code);
        if (r >= 0) c->manager->exit_code = code;
        return r;
}

/* Subscribe, Unsubscribe: every private connection gets the job signals anyway */
static int method_nop(BusCall *c) {
        (void)c;
        return 0;
}

#define READ BUS_ACCESS_READ
#define PRIV BUS_ACCESS_PRIVILEGED
static const BusMethod manager_methods[] = {
        { "GetUnit", "s", "o", READ, method_get_unit },
        { "GetUnitByPID", "u", "o", READ, method_get_unit_by_pid },
        { "LoadUnit", "s", "o", READ, method_load_unit },
        { "StartUnit", "ss", "o", PRIV, method_job, JOB_START },
        { "StopUnit", "ss", "o", PRIV, method_job, JOB_STOP },
        { "ReloadUnit", "ss", "o", PRIV, method_job, JOB_RELOAD },
        { "RestartUnit", "ss", "o", PRIV, method_job, JOB_RESTART },
        { "TryRestartUnit", "ss", "o", PRIV, method_job, JOB_TRY_RESTART },
        { "ReloadOrRestartUnit", "ss", "o", PRIV, method_job, JOB_RELOAD_OR_START },
        { "ReloadOrTryRestartUnit", "ss", "o", PRIV, method_job, JOB_RELOAD_OR_START },
        { "EnqueueUnitJob", "sss", "uososa(uosos)", PRIV, method_enqueue_unit_job },
        { "KillUnit", "ssi", "", PRIV, method_kill_unit },
        { "ResetFailedUnit", "s", "", PRIV, method_reset_failed_unit },
        { "CleanUnit", "sas", "", PRIV, method_clean_unit },
        { "FreezeUnit", "s", "", PRIV, method_freezer_unit, 1 },
        { "ThawUnit", "s", "", PRIV, method_freezer_unit, 0 },
        { "RefUnit", "s", "", PRIV, method_ref_unit },
        { "UnrefUnit", "s", "", PRIV, method_ref_unit },
        { "GetUnitProcesses", "s", "a(sus)", READ, method_get_unit_processes },
        { "GetJob", "u", "o", READ, method_job_by_id },
        { "CancelJob", "u", "", PRIV, method_job_by_id },
        { "ClearJobs", "", "", PRIV, method_clear_jobs },
        { "ResetFailed", "", "", PRIV, method_reset_failed },
        { "ListUnits", "", "a(ssssssouso)", READ, method_list_units },
        { "ListUnitsFiltered", "as", "a(ssssssouso)", READ, method_list_units },
        { "ListUnitsByPatterns", "asas", "a(ssssssouso)", READ, method_list_units },
        { "ListUnitsByNames", "as", "a(ssssssouso)", READ, method_list_units_by_names },
        { "ListJobs", "", "a(usssoo)", READ, method_list_jobs },
        { "Subscribe", "", "", READ, method_nop },
        { "Unsubscribe", "", "", READ, method_nop },
        { "Reload", "", "", PRIV, method_reload },
        { "Reexecute", "", "", PRIV, method_reload },
        { "Exit", "", "", PRIV, method_shutdown },
        { "Reboot", "", "", PRIV, method_shutdown },
        { "PowerOff", "", "", PRIV, method_shutdown },
        { "Halt", "", "", PRIV, method_shutdown },
        { "KExec", "", "", PRIV, method_shutdown },
        { "SetEnvironment", "as", "", PRIV, method_environment },
        { "UnsetEnvironment", "as", "", PRIV, method_environment },
        { "UnsetAndSetEnvironment", "asas", "", PRIV, method_environment },
        { "ListUnitFiles", "", "a(ss)", READ, bus_unit_file_list },
        { "ListUnitFilesByPatterns", "asas", "a(ss)", READ, bus_unit_file_list },
        { "GetUnitFileState", "s", "s", READ, bus_unit_file_get_state },
        { "EnableUnitFiles", "asbb", "ba(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_ENABLE },
        { "DisableUnitFiles", "asb", "a(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_DISABLE },
        { "EnableUnitFilesWithFlags", "ast", "ba(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_ENABLE },
        { "DisableUnitFilesWithFlags", "ast", "a(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_DISABLE },
        { "DisableUnitFilesWithFlagsAndInstallInfo", "ast", "ba(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_DISABLE },
        { "ReenableUnitFiles", "asbb", "ba(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_REENABLE },
        { "LinkUnitFiles", "asbb", "a(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_LINK },
        { "PresetUnitFiles", "asbb", "ba(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_PRESET },
        { "PresetUnitFilesWithMode", "assbb", "ba(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_PRESET },
        { "MaskUnitFiles", "asbb", "a(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_MASK },
        { "UnmaskUnitFiles", "asb", "a(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_UNMASK },
        { "RevertUnitFiles", "as", "a(sss)", PRIV, bus_unit_file_change, BUS_INSTALL_REVERT },
        { "SetDefaultTarget", "sb", "a(sss)", PRIV, bus_unit_file_set_default },
        { "GetDefaultTarget", "", "s", READ, bus_unit_file_get_default },
        { "PresetAllUnitFiles", "sbb", "a(sss)", PRIV, bus_unit_file_preset_all },
        { "GetUnitFileLinks", "sb", "as", READ, bus_unit_file_get_links },
        { "AddDependencyUnitFiles", "asssbb", "a(sss)", PRIV, bus_unit_file_add_dependency },
        { "SetExitCode", "y", "", PRIV, method_set_exit_code },
        { "StartTransientUnit", "ssa(sv)a(sa(sv))", "o", PRIV, bus_start_transient_unit },
        { "SetUnitProperties", "sba(sv)", "", PRIV, bus_set_unit_properties },
        { NULL },
};
#undef READ
#undef PRIV

static const BusSignal manager_signals[] = {
        { "JobNew", "uos" },
        { "JobRemoved", "uoss" },
        { NULL },
};

static const BusInterface manager_interface = { BUS_IFACE_MANAGER, manager_methods, BUS_PROPERTY_TABLES(manager_properties), manager_signals };
const BusInterface *const bus_manager_interfaces[] = { BUS_STANDARD_INTERFACES, &manager_interface, NULL };
