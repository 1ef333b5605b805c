/* SPDX-License-Identifier: MIT */
/* A unit as the manager runs it: the type-independent part (systemd's unit.c). Start and stop
 * dispatch to the type; state changes come back through munit_notify(), which finishes jobs and
 * propagates to dependent units. */
#include <stdio.h>
#include "base/id128.h"
#include "base/log.h"
#include "base/strv.h"
#include "core/condition-eval.h"
#include "core/exit-policy.h"
#include "core/manager.h"

static const char *const active_state_table[_UNIT_ACTIVE_STATE_MAX] = {
        [UNIT_ACTIVE] = "active", [UNIT_RELOADING] = "reloading", [UNIT_INACTIVE] = "inactive",
        [UNIT_FAILED] = "failed", [UNIT_ACTIVATING] = "activating", [UNIT_DEACTIVATING] = "deactivating",
};
const char *unit_active_state_to_string(UnitActiveState s) { return s < _UNIT_ACTIVE_STATE_MAX ? active_state_table[s] : NULL; }

MUnit *munit_new(Manager *m, Unit *cfg) {
        MUnit *u = calloc(1, sizeof *u);
        if (!u) return NULL;
        u->m = m;
        u->cfg = cfg;
        u->id = strdup(cfg->id);
        if (!u->id) {
                free(u);
                return NULL;
        }
        u->state = UNIT_INACTIVE;
        u->condition_result = u->assert_result = true;
        service_init_runtime(u);
        socket_init_runtime(u);
        path_init_runtime(u);
        return u;
}

void munit_free(MUnit *u) {
        if (!u) return;
        if (u->job) job_free(u->job);
        free(u->svc.signaled);
        service_done_runtime(u);
        socket_done_runtime(u);
        timer_done_runtime(u);
        path_done_runtime(u);
        free(u->pids);
        free(u->cgroup_rel);
        free(u->id);
        free(u);
}

const char *munit_description(const MUnit *u) {
        return u->cfg && !isempty(u->cfg->unit.description) ? u->cfg->unit.description : u->id;
}

char *munit_status_name(const MUnit *u) {
        const char *d = munit_description(u);
        return streq(d, u->id) ? strdup(u->id) : strjoin(u->id, " - ", d);
}

bool munit_can_reload(const MUnit *u) {
        if (!u->cfg) return false;
        if (u->cfg->service) return u->cfg->service->exec_command[SERVICE_EXEC_RELOAD] != NULL ||
                                    u->cfg->service->type == SERVICE_NOTIFY_RELOAD;
        return false;
}

int pid_array_grow(pid_t **array, unsigned *cap, unsigned n) {
        if (n < *cap) return 0;
        if (*cap >= UNIT_MAX_PIDS) return -ENOSPC;
        unsigned c = *cap ? *cap * 2 : 4;
        if (c > UNIT_MAX_PIDS) c = UNIT_MAX_PIDS;
        pid_t *a = realloc(*array, c * sizeof *a);
        if (!a) return -ENOMEM;
        *array = a;
        *cap = c;
        return 0;
}

/* Filled in order until full, then a ring over what could be allocated (UNIT_MAX_PIDS, or less
 * when memory ran out: a seed less, never an error). */
void munit_add_pid(MUnit *u, pid_t pid) {
        if (pid <= 1 || munit_has_pid(u, pid)) return;
        (void)pid_array_grow(&u->pids, &u->cap_pids, u->n_pids);
        if (u->n_pids < u->cap_pids) {
                u->pids[u->n_pids++] = pid;
                return;
        }
        if (u->cap_pids == 0) return;
        u->pids[u->pids_next] = pid;
        u->pids_next = (u->pids_next + 1) % u->cap_pids;
}

bool munit_has_pid(const MUnit *u, pid_t pid) {
        for (unsigned i = 0; i < u->n_pids; i++)
                if (u->pids[i] == pid) return true;
        return false;
}

/* Units that make no sense in a container are skipped as if a condition failed: udev, gettys,
 * systemd's own daemons (tinysd does their job), and mounts, swaps and devices (the runtime
 * set up the filesystem). */
static bool unit_skipped_in_container(const MUnit *u) {
        const Unit *c = u->cfg;
        if (c->type == UNIT_MOUNT || c->type == UNIT_SWAP || c->type == UNIT_DEVICE || c->type == UNIT_AUTOMOUNT) return true;
        if (c->type != UNIT_SERVICE) return false;
        static const char *const prefixes[] = { "getty@", "serial-getty@", "console-getty", "container-getty@",
                                                "systemd-udev", "systemd-journald", "systemd-logind", "systemd-networkd",
                                                "systemd-resolved", "systemd-timesyncd", "systemd-remount-fs",
                                                "systemd-tmpfiles-setup-dev", "systemd-sysctl", "systemd-modules-load",
                                                "systemd-firstboot", "systemd-machine-id-commit", "systemd-update-utmp",
                                                "systemd-random-seed", "systemd-hwdb", "systemd-fsck", "systemd-binfmt",
                                                "systemd-journal-flush", "systemd-pstore", "systemd-boot-", "systemd-homed",
                                                "systemd-userdbd", "systemd-oomd", "systemd-hostnamed", "systemd-timedated",
                                                "systemd-localed", "systemd-ask-password", "dbus-org.freedesktop",
                                                "kmod-static-nodes", "ldconfig", "user@", "user-runtime-dir@" };
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (startswith(u->id, prefixes[i])) return true;
        return false;
}

static int check_conditions(MUnit *u) {
        ConditionContext ctx = { .root = u->m->set.root, .environ = u->m->environment };
        const Condition *failed = NULL;
        dual_timestamp_now(&u->condition_ts);
        u->condition_result = condition_list_test(u->cfg->unit.conditions, &ctx, &failed);
        if (!u->condition_result) {
                _cleanup_free_ char *d = condition_describe(failed, false);
                log_info("%s was skipped because of an unmet condition check (%s).", u->id, strempty(d));
                return -EBADR;
        }
        dual_timestamp_now(&u->assert_ts);
        u->assert_result = condition_list_test(u->cfg->unit.asserts, &ctx, &failed);
        if (!u->assert_result) {
                _cleanup_free_ char *d = condition_describe(failed, true);
                log_error("%s: Assertion failed: %s", u->id, strempty(d));
                return -EPROTO;
        }
        return 0;
}

/* StartLimitIntervalSec=/StartLimitBurst=: true if this start is allowed. */
bool munit_test_start_limit(MUnit *u) {
        const UnitConfig *c = &u->cfg->unit;
        if (ratelimit_below(&u->start_limit, c->start_limit_interval_usec, c->start_limit_burst, now_usec(CLOCK_MONOTONIC)))
                return true;
        log_warning("%s: Start request repeated too quickly.", u->id);
        return false;
}

void munit_reset_failed(MUnit *u) {
        ratelimit_reset(&u->start_limit);
        if (u->cfg && u->cfg->service) service_reset_failed(u);
        else if (u->cfg && u->cfg->socket) socket_reset_failed(u);
        else if (u->cfg && u->cfg->timer) timer_reset_failed(u);
        else if (u->cfg && u->cfg->path) path_reset_failed(u);
        else if (u->state == UNIT_FAILED) u->state = UNIT_INACTIVE;
}

int munit_start(MUnit *u) {
        if (!u->cfg || u->cfg->load_state != UNIT_LOADED) return -ENOEXEC;
        if (UNIT_IS_ACTIVE_OR_RELOADING(u->state)) return -EALREADY;
        bool auto_restart = u->cfg->service && u->svc.state == SERVICE_AUTO_RESTART;
        if (u->state == UNIT_ACTIVATING && !auto_restart) return 0;   /* the running start completes the job */
        if (u->state == UNIT_DEACTIVATING) return -EAGAIN;
        if (unit_skipped_in_container(u)) {
                log_debug("%s: not started: tinysd skips it in a container.", u->id);
                u->condition_result = false;
                return -EBADR;
        }
        int r = check_conditions(u);
        if (r < 0) return r;
        int (*type_start)(MUnit *) = u->cfg->type == UNIT_SERVICE ? service_start : u->cfg->type == UNIT_SOCKET ? socket_start
                                     : u->cfg->type == UNIT_TIMER ? timer_start : u->cfg->type == UNIT_PATH ? path_start : NULL;
        switch (u->cfg->type) {
        case UNIT_SERVICE: case UNIT_SOCKET: case UNIT_TIMER: case UNIT_PATH:
                if (!munit_test_start_limit(u)) {
                        manager_emergency_action(u->m, u, u->cfg->unit.start_limit_action, -1, "start limit hit");
                        if (u->cfg->type == UNIT_SERVICE) service_start_limit_hit(u);
                        return -ECANCELED;
                }
                id128_random_string(u->invocation_id);
                return type_start(u);
        default: {
                /* targets, slices, scopes: active as soon as started */
                UnitActiveState old = u->state;
                id128_random_string(u->invocation_id);
                u->state = UNIT_ACTIVE;
                munit_notify(u, old, UNIT_ACTIVE, true);
                return 0;
        }
        }
}

int munit_stop(MUnit *u) {
        if (UNIT_IS_INACTIVE_OR_FAILED(u->state)) return -EALREADY;
        if (u->cfg && u->cfg->type == UNIT_SERVICE) return service_stop(u);
        if (u->cfg && u->cfg->type == UNIT_SOCKET) return socket_stop(u);
        if (u->cfg && u->cfg->type == UNIT_TIMER) return timer_stop(u);
        if (u->cfg && u->cfg->type == UNIT_PATH) return path_stop(u);
        UnitActiveState old = u->state;
        u->state = UNIT_INACTIVE;
        munit_notify(u, old, UNIT_INACTIVE, true);
        return 0;
}

int munit_reload(MUnit *u) {
        if (!UNIT_IS_ACTIVE_OR_RELOADING(u->state)) return -ENOEXEC;
        if (u->cfg && u->cfg->type == UNIT_SERVICE) return service_reload(u);
        return -EALREADY;
}

static void enqueue_each(MUnit *u, char *const *names, JobType t, JobMode mode) {
        STRV_FOREACH(n, names) {
                MUnit *o = NULL;
                if (manager_load_unit(u->m, *n, &o) < 0 || !o) continue;
                int r = manager_add_job(u->m, t, o, mode, NULL);
                if (r < 0) log_warning("%s: Failed to enqueue %s job for %s: %s", u->id, job_type_to_string(t), o->id, strerror(-r));
        }
}

/* The job of the unit, if any, learns about the new state (systemd's unit_process_job()). */
static bool process_job(MUnit *u, UnitActiveState os, UnitActiveState ns, bool reload_success) {
        (void)os;
        Job *j = u->job;
        if (!j || j->state != JOB_RUNNING) {
                /* A stop finished while a start waited for it (-EAGAIN): try the start again. */
                if (j && UNIT_IS_INACTIVE_OR_FAILED(ns)) job_requeue(j);
                return false;
        }
        switch (j->type) {
        case JOB_START: case JOB_VERIFY_ACTIVE:
                /* systemd's unit_process_job(): deactivating on the way to failed is not the end */
                if (UNIT_IS_ACTIVE_OR_RELOADING(ns)) job_finish(j, JOB_DONE);
                else if (UNIT_IS_INACTIVE_OR_FAILED(ns)) job_finish(j, ns == UNIT_FAILED ? JOB_FAILED : JOB_DONE);
                return true;
        case JOB_RELOAD:
                if (ns == UNIT_ACTIVE) job_finish(j, reload_success ? JOB_DONE : JOB_FAILED);
                else if (ns != UNIT_RELOADING) job_finish(j, JOB_FAILED);
                return true;
        case JOB_STOP:
                if (UNIT_IS_INACTIVE_OR_FAILED(ns)) job_finish(j, JOB_DONE);
                else if (ns != UNIT_DEACTIVATING) job_finish(j, JOB_FAILED);
                return true;
        case JOB_RESTART:
                if (UNIT_IS_INACTIVE_OR_FAILED(ns)) {
                        job_restart_stopped(j);
                }
                return true;
        default:
                return true;
        }
}

/* The sockets that start this service learn it changed; an Accept=yes instance that is gone for
 * good gives its connection back. */
static void notify_triggers(MUnit *u, char **const *deps) {
        STRV_FOREACH(t, deps[UNIT_TRIGGERED_BY]) {
                MUnit *o = manager_get_unit(u->m, *t);
                if (!o || !o->cfg) continue;
                if (o->cfg->socket) socket_trigger_notify(o, u);
                else if (o->cfg->timer) timer_trigger_notify(o, u);
                else if (o->cfg->path) path_trigger_notify(o, u);
        }
        if (!u->cfg->service) return;
        if (u->svc.accept_socket && UNIT_IS_INACTIVE_OR_FAILED(u->state) && u->svc.state != SERVICE_AUTO_RESTART) {
                socket_connection_release(u);
                /* systemd collects a finished connection instance (unless it failed: kept to be seen) */
                if (u->state == UNIT_INACTIVE) {
                        u->gc_pending = true;
                        manager_schedule_gc(u->m);
                }
        }
}

void munit_notify(MUnit *u, UnitActiveState os, UnitActiveState ns, bool reload_success) {
        Manager *m = u->m;
        u->state = ns;
        if (UNIT_IS_INACTIVE_OR_FAILED(ns)) munit_cgroup_release(u);
        DualTimestamp ts;
        dual_timestamp_now(&ts);
        u->state_change_ts = ts;
        if (UNIT_IS_INACTIVE_OR_FAILED(os) && !UNIT_IS_INACTIVE_OR_FAILED(ns)) u->inactive_exit_ts = ts;
        else if (UNIT_IS_INACTIVE_OR_FAILED(ns) && !UNIT_IS_INACTIVE_OR_FAILED(os)) u->inactive_enter_ts = ts;
        if (UNIT_IS_ACTIVE_OR_RELOADING(ns) && !UNIT_IS_ACTIVE_OR_RELOADING(os)) u->active_enter_ts = ts;
        else if (UNIT_IS_ACTIVE_OR_RELOADING(os) && !UNIT_IS_ACTIVE_OR_RELOADING(ns)) u->active_exit_ts = ts;
        bool had_job = process_job(u, os, ns, reload_success);
        job_schedule_neighbours(u);
        if (!u->cfg) return;
        char **const *deps = (char **const *)u->cfg->unit.deps;
        notify_triggers(u, deps);
        /* An unexpected deactivation stops units bound to this one (BindsTo=). */
        if (!had_job && UNIT_IS_INACTIVE_OR_FAILED(ns) && !UNIT_IS_INACTIVE_OR_FAILED(os) && !m->shutting_down)
                STRV_FOREACH(n, deps[UNIT_BOUND_BY]) {
                        MUnit *o = manager_get_unit(m, *n);
                        if (o && !UNIT_IS_INACTIVE_OR_FAILED(o->state) && !(o->job && o->job->type == JOB_STOP)) {
                                log_info("%s: Unit is bound to inactive unit %s. Stopping, too.", o->id, u->id);
                                (void)manager_add_job(m, JOB_STOP, o, JOB_REPLACE, NULL);
                        }
                }
        if (ns == UNIT_FAILED && os != UNIT_FAILED) {
                if (deps[UNIT_ON_FAILURE] && !m->shutting_down) {
                        log_info("%s: Triggering OnFailure= dependencies.", u->id);
                        enqueue_each(u, deps[UNIT_ON_FAILURE], JOB_START, u->cfg->unit.on_failure_job_mode);
                }
                manager_emergency_action(m, u, u->cfg->unit.failure_action, u->cfg->unit.failure_action_exit_status, "failed");
                exit_policy_unit_failed(u);   /* failed for good: auto-restart is "activating" */
        }
        if (ns == UNIT_INACTIVE && !UNIT_IS_INACTIVE_OR_FAILED(os) && os != UNIT_INACTIVE) {
                if (deps[UNIT_ON_SUCCESS] && !m->shutting_down) enqueue_each(u, deps[UNIT_ON_SUCCESS], JOB_START, u->cfg->unit.on_success_job_mode);
                manager_emergency_action(m, u, u->cfg->unit.success_action, u->cfg->unit.success_action_exit_status, "succeeded");
        }
        manager_check_finished(m);
}
