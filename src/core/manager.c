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
#include "base/log.h"
#include "base/strv.h"
#include "core/builtin.h"
#include "core/console.h"
#include "core/dbus.h"
#include "core/main-command.h"
#include "core/manager.h"
#include "core/manager-signals.h"
#include "tmpfiles/tmpfiles.h"

#define FINAL_SIGTERM_USEC (3 * USEC_PER_SEC)

static void manager_enter_final(Manager *m);

void dual_timestamp_now(DualTimestamp *ts) {
        ts->realtime = now_usec(CLOCK_REALTIME);
        ts->monotonic = now_usec(CLOCK_MONOTONIC);
}

MUnit *manager_get_unit(Manager *m, const char *name) {
        return hashmap_get(m->units, name);
}

static int track_unit(Manager *m, Unit *cfg, MUnit **ret) {
        MUnit *u = hashmap_get(m->units, cfg->id);
        if (!u) {
                if (m->n_list == m->cap_list) {
                        size_t cap = m->cap_list ? m->cap_list * 2 : 64;
                        MUnit **l = realloc(m->list, cap * sizeof *l);
                        if (!l) return -ENOMEM;
                        m->list = l;
                        m->cap_list = cap;
                }
                if (!(u = munit_new(m, cfg))) return -ENOMEM;
                int r = hashmap_put(m->units, u->id, u);
                if (r < 0) {
                        munit_free(u);
                        return r;
                }
                m->list[m->n_list++] = u;
        }
        u->cfg = cfg;
        STRV_FOREACH(n, cfg->names)
                if (!hashmap_get(m->units, *n)) (void)hashmap_put(m->units, *n, u);
        if (ret) *ret = u;
        return 0;
}

/* After the loader grew: reverse dependencies and a runtime unit for every new Unit. */
static int sync_units(Manager *m) {
        int r = loader_load_dependencies(m->loader);
        if (r < 0) return r;
        if ((r = loader_add_reverse_dependencies(m->loader)) < 0) return r;
        for (size_t i = 0; i < m->loader->n_list; i++)
                if ((r = track_unit(m, m->loader->list[i], NULL)) < 0) return r;
        return 0;
}

int manager_load_unit(Manager *m, const char *name, MUnit **ret) {
        MUnit *u = manager_get_unit(m, name);
        if (u) {
                *ret = u;
                return 0;
        }
        Unit *cfg;
        size_t before = m->loader->n_list;
        int r = loader_load(m->loader, name, &cfg);
        if (r < 0) {
                *ret = NULL;
                return r;
        }
        if (m->loader->n_list != before && (r = sync_units(m)) < 0) return r;
        if ((r = track_unit(m, cfg, ret)) < 0) return r;
        return 0;
}

/* ---- garbage collection of finished connection instances ---- */

static void unit_forget(Manager *m, size_t idx) {
        MUnit *u = m->list[idx];
        const char *const *names = (const char *const *)(u->cfg ? u->cfg->names : NULL);
        for (; names && *names; names++)
                if (hashmap_get(m->units, *names) == u) (void)hashmap_remove(m->units, *names);
        if (hashmap_get(m->units, u->id) == u) (void)hashmap_remove(m->units, u->id);
        memmove(m->list + idx, m->list + idx + 1, (m->n_list - idx - 1) * sizeof *m->list);
        m->n_list--;
        if (u->cfg) loader_forget(m->loader, u->cfg);
        u->cfg = NULL;
        munit_free(u);
}

static int on_gc(EventSource *s, void *userdata) {
        Manager *m = userdata;
        (void)s;
        for (size_t i = m->n_list; i > 0; i--) {
                MUnit *u = m->list[i - 1];
                if (u->gc_pending && !u->job && UNIT_IS_INACTIVE_OR_FAILED(u->state) && u->svc.main_pid <= 0 && u->svc.control_pid <= 0)
                        unit_forget(m, i - 1);
        }
        return 0;
}

void manager_schedule_gc(Manager *m) {
        if (!m->gc_defer && event_add_defer(m->event, &m->gc_defer, on_gc, m) < 0) return;
        (void)event_source_set_enabled(m->gc_defer, true);
}

/* ---- shutdown ---- */

static bool have_children(void) {
        siginfo_t si = {0};
        return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static int on_final_timer(EventSource *s, usec_t now, void *userdata) {
        Manager *m = userdata;
        (void)now;
        if (have_children()) {
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
        if (!have_children()) {
                event_exit(m->event, m->exit_code);
                return;
        }
        log_info("Sending SIGTERM to remaining processes.");
        (void)manager_kill_all(m, SIGTERM);
        (void)manager_kill_all(m, SIGCONT);
        usec_t when = now_usec(CLOCK_MONOTONIC) + FINAL_SIGTERM_USEC;
        event_source_free(m->shutdown_timer);
        m->shutdown_timer = NULL;
        if (event_add_time(m->event, &m->shutdown_timer, when, on_final_timer, m) < 0) event_exit(m->event, m->exit_code);
}

void manager_check_finished(Manager *m) {
        if (!m->boot_finished && m->n_jobs == 0 && !m->shutting_down) {
                m->boot_finished = true;
                dual_timestamp_now(&m->finish_ts);
                main_command_boot_finished(m);
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
                (void)event_add_time(m->event, &m->shutdown_timer, now_usec(CLOCK_MONOTONIC) + m->set.shutdown_timeout,
                                     on_shutdown_timeout, m);
        /* the units stop once the main program is gone; until then the final phase must wait too */
        m->enqueuing_shutdown = true;
        if (main_command_stop(m)) return;
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
                if (exit_status >= 0) code = exit_status;
                else if (u->svc.main_exit_code == CLD_EXITED) code = u->svc.main_exit_status;
                else code = u->state == UNIT_FAILED ? 1 : 0;
        }
        log_notice("%s %s, %s: exiting the container with status %d.", u->id, reason, emergency_action_to_string(a), code);
        bool force = a == EMERGENCY_ACTION_EXIT_FORCE || a == EMERGENCY_ACTION_REBOOT_FORCE || a == EMERGENCY_ACTION_REBOOT_IMMEDIATE ||
                     a == EMERGENCY_ACTION_POWEROFF_FORCE || a == EMERGENCY_ACTION_POWEROFF_IMMEDIATE ||
                     a == EMERGENCY_ACTION_HALT_FORCE || a == EMERGENCY_ACTION_HALT_IMMEDIATE || a == EMERGENCY_ACTION_KEXEC_FORCE;
        if (force) manager_force_exit(m, code);
        else manager_start_shutdown(m, code, reason);
}

/* ---- reload ---- */

static const ExecCommand *remap_command(const ExecCommand *old, ExecCommand *old_list, ExecCommand *new_list) {
        if (!old) return NULL;
        const ExecCommand *n = new_list;
        for (const ExecCommand *o = old_list; o && n; o = o->next, n = n->next)
                if (o == old) return n;
        return NULL;
}

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
        for (size_t i = 0; i < m->n_list && r >= 0; i++) {
                Unit *c;
                r = loader_load(nl, m->list[i]->id, &c);
                if (r == -EINVAL) r = 0;
        }
        if (r >= 0) r = loader_load_dependencies(nl);
        if (r >= 0) r = loader_add_reverse_dependencies(nl);
        if (r < 0) {
                loader_done(nl);
                free(nl);
                return r;
        }
        Loader *old = m->loader;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                Unit *c = loader_get(nl, u->id);
                if (!c) continue;
                if (u->cfg && u->cfg->service && c->service) {
                        ServiceRuntime *s = &u->svc;
                        s->main_command = remap_command(s->main_command, u->cfg->service->exec_command[SERVICE_EXEC_START],
                                                        c->service->exec_command[SERVICE_EXEC_START]);
                        s->control_command = remap_command(s->control_command, u->cfg->service->exec_command[s->control_id],
                                                           c->service->exec_command[s->control_id]);
                }
                u->cfg = c;
        }
        m->loader = nl;
        for (size_t i = 0; i < nl->n_list; i++) (void)track_unit(m, nl->list[i], NULL);
        /* names of the old loader may be gone: rebuild the name map */
        hashmap_free(m->units);
        m->units = hashmap_new();
        if (!m->units) return -ENOMEM;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                (void)hashmap_put(m->units, u->id, u);
                if (u->cfg && loader_get(nl, u->id) == u->cfg)
                        STRV_FOREACH(n, u->cfg->names) (void)hashmap_put(m->units, *n, u);
        }
        for (size_t i = 0; i < m->n_list; i++)
                if (m->list[i]->cfg && !loader_get(nl, m->list[i]->id)) {
                        /* a unit whose file disappeared keeps running on a not-found stub */
                        Unit *c;
                        if (loader_load(nl, m->list[i]->id, &c) >= 0) m->list[i]->cfg = c;
                }
        loader_done(old);
        free(old);
        log_info("Reloaded configuration.");
        return 0;
}

/* ---- children (signals: manager-signals.c) ---- */

static void on_orphan(const siginfo_t *si, void *userdata) {
        Manager *m = userdata;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (u->cfg && u->cfg->service && (u->state == UNIT_DEACTIVATING || u->state == UNIT_ACTIVE))
                        service_orphan_exited(u, si->si_pid);
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

int manager_new(const ManagerSettings *set, Manager **ret) {
        Manager *m = calloc(1, sizeof *m);
        if (!m) return -ENOMEM;
        m->set = *set;
        m->notify_fd = -1;
        m->cgroup = CGROUP_ROOT_NULL;
        m->self = getpid();
        dual_timestamp_now(&m->userspace_ts);
        m->is_pid1 = m->self == 1;
        int r = event_new(&m->event);
        if (r < 0) goto fail;
        r = -ENOMEM;
        if (!(m->units = hashmap_new()) || !(m->loader = calloc(1, sizeof *m->loader))) goto fail;
        if ((r = loader_init(m->loader, set->root)) < 0) {
                free(m->loader);
                m->loader = NULL;
                goto fail;
        }
        m->loader->quiet_missing = true;
        m->loader->builtin = builtin_unit_text;
        if ((r = event_add_defer(m->event, &m->run_defer, on_run_queue, m)) < 0) goto fail;
        if ((r = manager_setup_signals(m)) < 0) goto fail;
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
        manager_bus_free(m);
        main_command_free(m->main_command);
        manager_journal_done(m);   /* the store is closed last, after every stream was read */
        for (size_t i = 0; i < m->n_list; i++) munit_free(m->list[i]);
        free(m->list);
        hashmap_free(m->units);
        if (m->loader) {
                loader_done(m->loader);
                free(m->loader);
        }
        event_source_free(m->notify_src);
        if (m->notify_fd >= 0) close(m->notify_fd);
        strv_free(m->environment);
        proc_snapshot_done(&m->procs);
        free(m->known.v);
        cgroup_root_clean(&m->cgroup);
        cgroup_root_done(&m->cgroup);
        event_free(m->event);
        free(m);
}

static void welcome(Manager *m) {
        _cleanup_free_ char *data = NULL;
        size_t n;
        const char *pretty = NULL;
        if (read_file_bounded(AT_FDCWD, "/etc/os-release", 64 * 1024, &data, &n) >= 0 ||
            read_file_bounded(AT_FDCWD, "/usr/lib/os-release", 64 * 1024, &data, &n) >= 0)
                for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n"))
                        if ((pretty = startswith(line, "PRETTY_NAME="))) break;
        if (!pretty) {
                manager_status_line(m, STATUS_INFO, "Welcome to Linux!");
                return;
        }
        _cleanup_free_ char *p = strdup(pretty);
        if (p && (p[0] == '"' || p[0] == '\'')) {
                size_t l = strlen(p);
                memmove(p, p + 1, l);
                if (l > 1 && (p[l - 2] == '"' || p[l - 2] == '\'')) p[l - 2] = 0;
        }
        char line[256];
        snprintf(line, sizeof line, "Welcome to %s!", p ? p : pretty);
        manager_status_line(m, STATUS_INFO, line);
}

/* tmpfiles.d at boot: an image that ships systemd has systemd-tmpfiles-setup.service in
 * sysinit.target, which runs its own systemd-tmpfiles as a unit; any other image gets the built-in
 * implementation, in process (file operations only), before anything starts. */
static void apply_tmpfiles(Manager *m) {
        MUnit *setup = NULL;
        if (manager_load_unit(m, "systemd-tmpfiles-setup.service", &setup) >= 0 && setup && setup->cfg &&
            setup->cfg->load_state == UNIT_LOADED)
                return;
        int r = tmpfiles_boot_builtin(m->set.root);
        if (r != 0) log_warning("tmpfiles.d: applying the configuration finished with status %d.", r);
}

/* --unit= or default.target; multi-user.target for an image without default.target */
int manager_load_default_unit(Manager *m, MUnit **ret) {
        const char *target = m->set.default_unit ? m->set.default_unit : "default.target";
        int r = manager_load_unit(m, target, ret);
        if (r >= 0 && *ret && (*ret)->cfg->load_state == UNIT_NOT_FOUND && streq(target, "default.target"))
                r = manager_load_unit(m, "multi-user.target", ret);
        return r;
}

int manager_boot(Manager *m) {
        const char *target = m->set.default_unit ? m->set.default_unit : "default.target";
        (void)manager_setup_journal(m);   /* first: the welcome and every status line are journaled */
        welcome(m);
        int r = manager_setup_notify(m);
        if (r < 0) log_notice("No notification socket (%s): Type=notify services cannot report readiness.", strerror(-r));
        apply_tmpfiles(m);
        (void)manager_bus_setup(m);
        MUnit *u = NULL;
        r = manager_load_default_unit(m, &u);
        if (r < 0 || !u) return log_error_errno(-r, "Failed to load %s: %s", target, strerror(r < 0 ? -r : ENOENT));
        if ((r = sync_units(m)) < 0) return r;
        if (u->cfg->load_state != UNIT_LOADED) {
                log_error("Failed to load %s: unit %s.", u->id, unit_load_state_to_string(u->cfg->load_state));
                return -ENOENT;
        }
        r = manager_add_job(m, JOB_START, u, JOB_ISOLATE, NULL);
        if (r < 0) return log_error_errno(-r, "Failed to start %s: %s", u->id, strerror(-r));
        main_command_boot_started(m);
        return 0;
}

int manager_run(Manager *m) {
        int r = event_loop(m->event);
        manager_journal_drain(m);   /* what services and clients wrote last still reaches stdout */
        return r;
}
