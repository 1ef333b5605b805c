/* SPDX-License-Identifier: MIT */
/* PID 1: setup, the boot transaction, daemon-reload and shutdown (signals: manager-signals.c).
 *
 * Shutdown is a stop job for every unit that is not inactive (the ordering makes it reverse
 * dependency order), bounded by one global timeout; then every process left gets SIGTERM, then
 * SIGKILL, and PID 1 exits with the status the shutdown asked for. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "base/hashmap.h"
#include "base/log.h"
#include "base/strv.h"
#include "core/builtin.h"
#include "core/job.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/transient.h"

#define FINAL_SIGTERM_USEC (3 * USEC_PER_SEC)

static void manager_enter_final(Manager *m);

void dual_timestamp_now(const Manager *m, DualTimestamp *ts) {
        ts->realtime = manager_now(m, CLOCK_REALTIME);
        ts->monotonic = manager_now(m, CLOCK_MONOTONIC);
}

/* One name map: the loader's (names and aliases → Unit), each Unit pointing to its MUnit. */
MUnit *manager_get_unit(Manager *m, const char *name) {
        Unit *c = loader_get(m->loader, name);
        return c ? c->runtime : NULL;
}

size_t manager_n_names(Manager *m) {
        return hashmap_size(m->loader->units);
}

static int track_unit(Manager *m, Unit *cfg, MUnit **ret) {
        MUnit *u = cfg->runtime;
        if (!u) {
                if (m->n_list == m->cap_list) {
                        size_t cap = m->cap_list ? m->cap_list * 2 : 64;
                        MUnit **l = realloc(m->list, cap * sizeof *l);
                        if (!l) return -ENOMEM;
                        m->list = l;
                        m->cap_list = cap;
                }
                if (!(u = munit_new(m, cfg))) return -ENOMEM;
                cfg->runtime = u;
                m->list[m->n_list++] = u;
        }
        if (ret) *ret = u;
        return 0;
}

/* A MUnit for every Unit of the loader, then every unit's dependencies resolved. */
static int sync_units(Manager *m) {
        int r;
        for (size_t i = 0; i < m->loader->n_list; i++)
                if ((r = track_unit(m, m->loader->list[i], NULL)) < 0) return r;
        return munit_resolve_all(m);
}

/* After the loader grew: reverse dependencies and a runtime unit for every new Unit. */
int manager_load_dependencies(Manager *m) {
        int r = loader_load_dependencies(m->loader);
        if (r < 0) return r;
        if ((r = loader_add_reverse_dependencies(m->loader)) < 0) return r;
        return sync_units(m);
}

/* A unit that was not found, referenced again after the search directories changed: loaded anew
 * (systemd 252's manager_unit_cache_should_retry_load()), its runtime kept. */
static int retry_load(Manager *m, MUnit *u) {
        Unit *old = u->cfg;
        int r = manager_reload_unit(m, u);
        if (r < 0 || u->cfg == old) return r;
        return manager_load_dependencies(m);
}

int manager_load_unit(Manager *m, const char *name, MUnit **ret) {
        MUnit *u = manager_get_unit(m, name);
        if (u && !(u->cfg && loader_should_retry(m->loader, u->cfg))) {
                *ret = u;
                return 0;
        }
        /* a file written since the map was built is found without daemon-reload, as in 252 */
        int r = loader_refresh_map(m->loader);
        if (r < 0) log_warning("Failed to rebuild the unit file map: %s", strerror(-r));
        if (u) {
                r = retry_load(m, u);
                *ret = u;
                return r == -ENOMEM ? r : 0;
        }
        Unit *cfg;
        r = loader_load(m->loader, name, &cfg);
        if (r >= 0) r = manager_load_dependencies(m);
        if (r >= 0) r = track_unit(m, cfg, ret);
        if (r < 0) *ret = NULL;
        return r;
}

void manager_discard_later(Manager *m, void *p) {
        if (!p) return;
        void **v = reallocarray(m->discard, m->n_discard + 1, sizeof *v);
        if (!v) {
                /* cannot wait: nothing may still be walking it, or it leaks (never freed twice) */
                log_oom();
                return;
        }
        m->discard = v;
        m->discard[m->n_discard++] = p;
        manager_schedule_gc(m);
}

static void discard_now(Manager *m) {
        for (size_t i = 0; i < m->n_discard; i++) free(m->discard[i]);
        free(m->discard);
        m->discard = NULL;
        m->n_discard = 0;
}

/* ---- garbage collection of finished connection instances and transient units ---- */

static bool may_forget(const MUnit *u) {
        if (!u->gc_pending || u->job || !UNIT_IS_INACTIVE_OR_FAILED(u->state) || munit_main_pid(u) > 0 || munit_control_pid(u) > 0)
                return false;
        /* a transient unit may have been started again, or be held, since it was marked */
        return !transient_unit_is(u->m, u->cfg) || transient_unit_collectable(u);
}

static void unit_forget(Manager *m, size_t idx) {
        MUnit *u = m->list[idx];
        memmove(m->list + idx, m->list + idx + 1, (m->n_list - idx - 1) * sizeof *m->list);
        m->n_list--;
        if (u->cfg) {
                bool transient = transient_unit_is(m, u->cfg);
                if (transient) transient_unit_remove_files(m, u->cfg);
                loader_forget(m->loader, u->cfg);
                /* the name is not found again, as in systemd: the map forgets the file too */
                if (transient && loader_rescan(m->loader) < 0) log_oom();
        }
        u->cfg = NULL;
        munit_free(u);
}

/* Run from the loop, never inside another callback: nothing walks a dependency array here. */
static int on_gc(EventSource *s, void *userdata) {
        Manager *m = userdata;
        (void)s;
        bool forgot = false;
        for (size_t i = m->n_list; i > 0; i--) {
                MUnit *u = m->list[i - 1];
                if (may_forget(u)) {
                        unit_forget(m, i - 1);
                        forgot = true;
                }
        }
        /* no unit may keep pointing to one that was forgotten: better none than a dangling one */
        if (forgot && munit_resolve_all(m) < 0)
                for (size_t i = 0; i < m->n_list; i++) m->list[i]->deps = NULL;
        /* a transient service whose transient timer went may go now too (at the next pass) */
        for (size_t i = 0; forgot && i < m->n_list; i++) transient_unit_check_collect(m->list[i]);
        discard_now(m);
        return 0;
}

void manager_schedule_gc(Manager *m) {
        if (!m->gc_defer && event_add_defer(m->event, &m->gc_defer, on_gc, m) < 0) return;
        (void)event_source_set_enabled(m->gc_defer, true);
}

/* ---- shutdown ---- */

static bool have_children(Manager *m) {
        siginfo_t si = {0};
        return m->ops->waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static int on_final_timer(EventSource *s, usec_t now, void *userdata) {
        Manager *m = userdata;
        (void)now;
        if (have_children(m)) {
                log_warning("Sending SIGKILL to remaining processes.");
                (void)manager_kill_all(m, SIGKILL);
        }
        /* give the kernel a moment to deliver and us to reap; then leave whatever happens */
        event_source_free(s);
        m->shutdown_timer = NULL;
        event_exit(m->event, m->exit_code);
        return 0;
}

static void manager_enter_final(Manager *m) {
        if (m->final_phase) return;
        m->final_phase = true;
        if (!have_children(m)) {
                event_exit(m->event, m->exit_code);
                return;
        }
        log_info("Sending SIGTERM to remaining processes.");
        (void)manager_kill_all(m, SIGTERM);
        (void)manager_kill_all(m, SIGCONT);
        usec_t when = manager_now(m, CLOCK_MONOTONIC) + FINAL_SIGTERM_USEC;
        event_source_free(m->shutdown_timer);
        m->shutdown_timer = NULL;
        if (event_add_time(m->event, &m->shutdown_timer, when, on_final_timer, m) < 0) event_exit(m->event, m->exit_code);
}

void manager_check_finished(Manager *m) {
        if (!m->boot_finished && m->n_jobs == 0 && !m->shutting_down) {
                m->boot_finished = true;
                dual_timestamp_now(m, &m->finish_ts);
                if (m->parts && m->parts->boot_finished) m->parts->boot_finished(m);
        }
        /* not while the stop jobs are being enqueued: canceling one may briefly leave none */
        if (m->shutting_down && m->n_jobs == 0 && !m->enqueuing_shutdown) manager_enter_final(m);
}

static int on_shutdown_timeout(EventSource *s, usec_t now, void *userdata) {
        Manager *m = userdata;
        (void)now;
        event_source_free(s);
        m->shutdown_timer = NULL;
        log_warning("Shutdown timed out after %llus; killing what is left (%u jobs).", (unsigned long long)(m->set.shutdown_timeout / USEC_PER_SEC), m->n_jobs);
        for (size_t i = 0; i < m->n_list; i++)
                if (m->list[i]->job)
                        log_notice("%s: %s job still %s.", m->list[i]->id, job_type_to_string(m->list[i]->job->type),
                                   m->list[i]->job->state == JOB_RUNNING ? "running" : "waiting");
        (void)manager_kill_all(m, SIGKILL);
        event_exit(m->event, m->exit_code);
        return 0;
}

void manager_start_shutdown(Manager *m, int exit_code, const char *why) {
        if (m->shutting_down) return;
        m->shutting_down = true;
        m->exit_code = exit_code;
        log_info("Stopping all units: %s", why);
        if (m->set.shutdown_timeout != USEC_INFINITY)
                (void)event_add_time(m->event, &m->shutdown_timer, manager_now(m, CLOCK_MONOTONIC) + m->set.shutdown_timeout,
                                     on_shutdown_timeout, m);
        /* the units stop once the main program is gone; until then the final phase must wait too */
        m->enqueuing_shutdown = true;
        if (m->parts && m->parts->shutdown_wait && m->parts->shutdown_wait(m)) return;
        manager_stop_units(m);
}

void manager_stop_units(Manager *m) {
        m->enqueuing_shutdown = true;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (UNIT_IS_INACTIVE_OR_FAILED(u->state) && !u->job) continue;
                if (UNIT_IS_INACTIVE_OR_FAILED(u->state) && u->job->state == JOB_WAITING) {
                        job_finish(u->job, JOB_CANCELED);
                        continue;
                }
                int r = manager_add_job(m, JOB_STOP, u, JOB_REPLACE, NULL);
                if (r < 0 && r != -EALREADY) log_warning("%s: Failed to enqueue stop job: %s", u->id, strerror(-r));
        }
        m->enqueuing_shutdown = false;
        manager_check_finished(m);
}

void manager_force_exit(Manager *m, int exit_code) {
        m->shutting_down = true;
        m->exit_code = exit_code;
        manager_enter_final(m);
}

void manager_emergency_action(Manager *m, MUnit *u, EmergencyAction a, int exit_status, const char *reason) {
        if (a == EMERGENCY_ACTION_NONE || m->shutting_down) return;
        int code = 0;
        if (a == EMERGENCY_ACTION_EXIT || a == EMERGENCY_ACTION_EXIT_FORCE) {
                int own = u->vt->exit_status ? u->vt->exit_status(u) : -1;
                code = exit_status >= 0 ? exit_status : own >= 0 ? own : u->state == UNIT_FAILED ? 1 : 0;
        }
        log_notice("%s %s, %s: exiting the container with status %d.", u->id, reason, emergency_action_to_string(a), code);
        bool force = a == EMERGENCY_ACTION_EXIT_FORCE || a == EMERGENCY_ACTION_REBOOT_FORCE || a == EMERGENCY_ACTION_REBOOT_IMMEDIATE ||
                     a == EMERGENCY_ACTION_POWEROFF_FORCE || a == EMERGENCY_ACTION_POWEROFF_IMMEDIATE ||
                     a == EMERGENCY_ACTION_HALT_FORCE || a == EMERGENCY_ACTION_HALT_IMMEDIATE || a == EMERGENCY_ACTION_KEXEC_FORCE;
        if (force) manager_force_exit(m, code);
        else manager_start_shutdown(m, code, reason);
}

/* ---- reload ---- */

/* The new configuration of every unit, before anything changes: a unit whose file is gone runs on
 * a not-found stub. Fails (and nothing changes) if any unit cannot have one. */
static int reload_configs(Manager *m, Loader *nl, Unit ***ret) {
        _cleanup_free_ Unit **cfgs = calloc(m->n_list + 1, sizeof *cfgs);
        if (!cfgs) return -ENOMEM;
        for (size_t i = 0; i < m->n_list; i++) {
                cfgs[i] = loader_get(nl, m->list[i]->id);
                int r = cfgs[i] ? 0 : loader_load(nl, m->list[i]->id, &cfgs[i]);
                if (r < 0) return r;
        }
        *ret = TAKE_PTR(cfgs);
        return 0;
}

/* daemon-reload: a new loader beside the old one, swapped in only when complete. From the swap on,
 * nothing points into the old configuration: each unit is given its new one (the types let go of
 * the old in config_changed) before the old loader is freed. */
int manager_reload(Manager *m) {
        Loader *nl = calloc(1, sizeof *nl);
        if (!nl) return -ENOMEM;
        int r = loader_init(nl, m->set.root);
        if (r < 0) {
                free(nl);
                return r;
        }
        nl->quiet_missing = true;
        nl->builtin = builtin_unit_text;
        /* 252 reads system.conf again before the units (main.c's MANAGER_RELOAD) */
        if ((r = manager_load_system_conf(m, nl)) < 0) {
                loader_done(nl);
                free(nl);
                return r;
        }
        for (size_t i = 0; i < m->n_list && r >= 0; i++) {
                Unit *c;
                r = loader_load(nl, m->list[i]->id, &c);
                if (r == -EINVAL) r = 0;
        }
        if (r >= 0) r = loader_load_dependencies(nl);
        if (r >= 0) r = loader_add_reverse_dependencies(nl);
        _cleanup_free_ Unit **cfgs = NULL;
        if (r >= 0) r = reload_configs(m, nl, &cfgs);
        if (r < 0) {
                loader_done(nl);
                free(nl);
                return r;
        }
        Loader *old = m->loader;
        size_t n_old = m->n_list;
        /* 252 does not serialize a unit's start rate limit: after a reload every unit may be started
         * StartLimitBurst= times again (systemd's own TEST-26 depends on it) */
        for (size_t i = 0; i < n_old; i++) {
                munit_set_config(m->list[i], cfgs[i]);
                ratelimit_reset(&m->list[i]->start_limit);
        }
        m->loader = nl;
        /* the new map's names lead to the units: by id first, then a unit that became another's
         * alias keeps the Unit it was given if no unit has its id */
        for (size_t i = 0; i < n_old; i++)
                if (streq(cfgs[i]->id, m->list[i]->id)) cfgs[i]->runtime = m->list[i];
        for (size_t i = 0; i < n_old; i++)
                if (!cfgs[i]->runtime) cfgs[i]->runtime = m->list[i];
        loader_done(old);
        free(old);
        r = sync_units(m);
        if (r < 0) log_warning("Reloading: not every unit's dependencies could be resolved: %s", strerror(-r));
        log_info("Reloaded configuration.");
        return 0;
}

/* One unit's files read again, in place: the runtime unit stays (its processes, its D-Bus path) and
 * gets the new configuration as at a daemon-reload (config_changed). For a transient unit written in
 * place of a not-found one, and for set-property's drop-ins. The caller resolves dependencies again
 * (manager_load_dependencies()). */
int manager_reload_unit(Manager *m, MUnit *u) {
        Unit *old = u->cfg, *nc;
        int r = loader_reload_unit(m->loader, old, &nc);
        if (r < 0 || nc == old) return r;   /* nc == old: the name is now another unit's alias */
        nc->runtime = u;
        munit_set_config(u, nc);
        unit_free(old);
        return 0;
}

/* ---- children (signals: manager-signals.c) ---- */

static void on_orphan(const siginfo_t *si, void *userdata) {
        Manager *m = userdata;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (u->cfg && u->vt->orphan_exited && (u->state == UNIT_DEACTIVATING || u->state == UNIT_ACTIVE))
                        u->vt->orphan_exited(u, si->si_pid);
        }
}

/* In the final phase the container exits as soon as its last process is gone, whether that was a
 * unit's main process or an orphan: the SIGTERM/SIGKILL timers are only upper bounds. */
static void on_reaped(bool none_left, void *userdata) {
        Manager *m = userdata;
        if (none_left && m->final_phase) event_exit(m->event, m->exit_code);
}

static int on_run_queue(EventSource *s, void *userdata) {
        (void)s;
        manager_dispatch_run_queue(userdata);
        return 0;
}

/* ---- life cycle ---- */

int manager_new_with(const ManagerSettings *set, const ManagerParts *parts, Manager **ret) {
        Manager *m = calloc(1, sizeof *m);
        if (!m) return -ENOMEM;
        m->set = *set;
        m->parts = parts;
        m->unit_types = parts->unit_types;
        m->ops = parts->ops ? parts->ops : &sys_ops_real;
        m->notify_fd = -1;
        m->cgroup = CGROUP_ROOT_NULL;
        m->self = getpid();
        dual_timestamp_now(m, &m->userspace_ts);
        m->is_pid1 = m->self == 1;
        int r = event_new(&m->event);
        if (r < 0) goto fail;
        event_set_sys(m->event, m->ops->now, m->ops->waitid);
        r = -ENOMEM;
        if (!(m->loader = calloc(1, sizeof *m->loader))) goto fail;
        if ((r = loader_init(m->loader, set->root)) < 0) {
                free(m->loader);
                m->loader = NULL;
                goto fail;
        }
        m->loader->quiet_missing = true;
        m->loader->builtin = builtin_unit_text;
        saved_limits_read(&m->saved_limits);
        system_conf_init(&m->conf);
        if ((r = manager_load_system_conf(m, m->loader)) < 0) goto fail;
        if ((r = event_add_defer(m->event, &m->run_defer, on_run_queue, m)) < 0) goto fail;
        event_set_orphan_handler(m->event, on_orphan, m);
        event_set_reaped_handler(m->event, on_reaped, m);
        event_set_pid_gone_handler(m->event, manager_proc_gone, m);
        signal(SIGPIPE, SIG_IGN);
        if (!m->is_pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) log_warning("Cannot become a child subreaper: %m");
        /* only PID 1 owns its cgroup: a subreaper's group belongs to whoever started it */
        if (m->is_pid1) (void)cgroup_root_open(NULL, NULL, true, &m->cgroup);
        *ret = m;
        return 0;
fail:
        manager_free(m);
        return r;
}

void manager_free(Manager *m) {
        if (!m) return;
        if (m->parts && m->parts->done) m->parts->done(m);
        for (size_t i = 0; i < m->n_list; i++) munit_free(m->list[i]);
        free(m->list);
        discard_now(m);
        free(m->deps_pool);
        if (m->loader) {
                loader_done(m->loader);
                free(m->loader);
        }
        event_source_free(m->notify_src);
        if (m->notify_fd >= 0) close(m->notify_fd);
        strv_free(m->environment);
        system_conf_done(&m->conf);
        proc_snapshot_done(&m->procs);
        free(m->known.v);
        cgroup_root_clean(&m->cgroup);
        cgroup_root_done(&m->cgroup);
        event_free(m->event);
        free(m);
}

/* --unit= or default.target; multi-user.target for an image without default.target */
int manager_load_default_unit(Manager *m, MUnit **ret) {
        const char *target = m->set.default_unit ? m->set.default_unit : "default.target";
        int r = manager_load_unit(m, target, ret);
        if (r >= 0 && *ret && (*ret)->cfg->load_state == UNIT_NOT_FOUND && streq(target, "default.target"))
                r = manager_load_unit(m, "multi-user.target", ret);
        return r;
}
