/* SPDX-License-Identifier: MIT */
/* A unit as the manager runs it: the type-independent part (systemd's unit.c). Start and stop
 * dispatch to the type; state changes come back through munit_notify(), which finishes jobs and
 * propagates to dependent units. */
#include <stdio.h>
#include <unistd.h>
#include "base/id128.h"
#include "base/log.h"
#include "base/strv.h"
#include "core/condition-eval.h"
#include "core/job.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/transient.h"
#include "core/uphold.h"
#include "unit/systemd-own.h"

static const char *const active_state_table[_UNIT_ACTIVE_STATE_MAX] = {
        [UNIT_ACTIVE] = "active", [UNIT_RELOADING] = "reloading", [UNIT_INACTIVE] = "inactive",
        [UNIT_FAILED] = "failed", [UNIT_ACTIVATING] = "activating", [UNIT_DEACTIVATING] = "deactivating",
};
const char *unit_active_state_to_string(UnitActiveState s) { return s < _UNIT_ACTIVE_STATE_MAX ? active_state_table[s] : NULL; }

MUnit *munit_new(Manager *m, Unit *cfg) {
        UnitType t = unit_name_to_type(cfg->id);
        const UnitVTable *vt = t >= 0 && t < _UNIT_TYPE_MAX ? m->unit_types[t] : NULL;
        if (!vt) return NULL;
        MUnit *u = calloc(1, vt->object_size);
        if (!u) return NULL;
        u->vt = vt;
        u->m = m;
        u->cfg = cfg;
        u->id = strdup(cfg->id);
        if (!u->id) {
                free(u);
                return NULL;
        }
        u->state = UNIT_INACTIVE;
        u->stdio_fds[0] = u->stdio_fds[1] = u->stdio_fds[2] = -1;
        u->condition_result = u->assert_result = true;
        if (vt->init) vt->init(u);
        return u;
}

void munit_release_stdio(MUnit *u) {
        for (int i = 0; i < 3; i++)
                if (u->stdio_fds[i] >= 0) {
                        close(u->stdio_fds[i]);
                        u->stdio_fds[i] = -1;
                }
}

void munit_free(MUnit *u) {
        if (!u) return;
        munit_release_stdio(u);
        if (u->job) job_free(u->job);
        if (u->vt->done) u->vt->done(u);
        uphold_unit_done(u);
        free(u->kill_round.signaled);
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
        return u->cfg && u->vt->can_reload && u->vt->can_reload(u);
}

static bool loaded(const MUnit *u) { return u->cfg && u->cfg->load_state == UNIT_LOADED; }
bool munit_can_start(const MUnit *u) {
        return loaded(u) && !u->cfg->unit.refuse_manual_start && !u->vt->manual_start_refused;
}
bool munit_can_stop(const MUnit *u) {
        return loaded(u) && !u->cfg->unit.refuse_manual_stop && !u->vt->manual_stop_refused;
}

const char *munit_sub_state(const MUnit *u) {
        if (u->vt->sub_state) return u->vt->sub_state(u);
        return UNIT_IS_ACTIVE_OR_RELOADING(u->state) ? "active" : u->state == UNIT_FAILED ? "failed" : "dead";
}

pid_t munit_main_pid(const MUnit *u) {
        return u->vt->main_pid ? u->vt->main_pid(u) : 0;
}

pid_t munit_control_pid(const MUnit *u) {
        return u->vt->control_pid ? u->vt->control_pid(u) : 0;
}

void munit_set_config(MUnit *u, Unit *cfg) {
        const Unit *old = u->cfg;
        u->cfg = cfg;
        if (old && old != cfg && u->vt->config_changed) u->vt->config_changed(u, old);
}

/* ---- dependencies ---- */

/* The dependency kinds the manager follows (job.c, munit.c, socket.c), each with its slot + 1. */
static const uint8_t dep_slot[_UNIT_DEPENDENCY_MAX] = {
        [UNIT_REQUIRES] = 1,
        [UNIT_REQUISITE] = 2,
        [UNIT_WANTS] = 3,
        [UNIT_BINDS_TO] = 4,
        [UNIT_UPHOLDS] = 5,
        [UNIT_REQUIRED_BY] = 6,
        [UNIT_REQUISITE_OF] = 7,
        [UNIT_BOUND_BY] = 8,
        [UNIT_CONSISTS_OF] = 9,
        [UNIT_CONFLICTS] = 10,
        [UNIT_CONFLICTED_BY] = 11,
        [UNIT_BEFORE] = 12,
        [UNIT_AFTER] = 13,
        [UNIT_ON_SUCCESS] = 14,
        [UNIT_ON_FAILURE] = 15,
        [UNIT_TRIGGERED_BY] = 16,
        [UNIT_PROPAGATES_RELOAD_TO] = 17,
        [UNIT_PROPAGATES_STOP_TO] = 18,
        [UNIT_ON_SUCCESS_OF] = 19,      /* the handler's $MONITOR_* source (service.c) */
        [UNIT_ON_FAILURE_OF] = 20,
        [UNIT_UPHELD_BY] = 21,          /* uphold.c */
};

#define DEP_SLOTS 21

/* Only the kinds a unit has take room: bit s of `kinds` for each non-empty slot s; for each of
 * them, in slot order, the end of its run in the unit array that follows (8-aligned). A service
 * with a handful of kinds costs a few bytes of header and 8 per dependency. */
struct MUnitDeps {
        uint32_t kinds;
        uint32_t ends[];
};

static size_t deps_header_size(unsigned n_kinds) {
        return (sizeof(uint32_t) * (1 + n_kinds) + 7) & ~(size_t)7;
}

static MUnit **deps_units(const MUnitDeps *deps) {
        return (MUnit **)((char *)deps + deps_header_size((unsigned)__builtin_popcount(deps->kinds)));
}

/* What u's dependencies take in the pool (a multiple of 8): *ret_kinds the non-empty slots. */
static size_t deps_measure(const MUnit *u, uint32_t *ret_kinds) {
        char **const *names = (char **const *)u->cfg->unit.deps;
        size_t n = 0;
        uint32_t kinds = 0;
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                size_t k = dep_slot[d] ? strv_length(names[d]) : 0;
                if (k) kinds |= 1u << (dep_slot[d] - 1);
                n += k;
        }
        *ret_kinds = kinds;
        return n ? deps_header_size((unsigned)__builtin_popcount(kinds)) + n * sizeof(MUnit *) : 0;
}

/* Write u's dependencies at deps (deps_measure() bytes). */
static void deps_fill(const MUnit *u, MUnitDeps *deps, uint32_t kinds) {
        UnitDependency kind[DEP_SLOTS];
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                if (dep_slot[d]) kind[dep_slot[d] - 1] = (UnitDependency)d;
        deps->kinds = kinds;
        MUnit **v = deps_units(deps);
        uint32_t k = 0;
        unsigned i = 0;
        for (unsigned s = 0; s < DEP_SLOTS; s++) {
                if (!(kinds & (1u << s))) continue;
                STRV_FOREACH(name, u->cfg->unit.deps[kind[s]]) {
                        MUnit *o = manager_get_unit(u->m, *name);
                        if (o) v[k++] = o;
                }
                deps->ends[i++] = k;   /* names no unit has leave a shorter (maybe empty) run */
        }
}

/* Every unit's dependencies in one block (the manager's), unit after unit: one allocation for
 * them all, whatever their sizes. A block that did not change is kept; one that did is freed by
 * the next GC pass, as a traversal may still walk it. */
int munit_resolve_all(Manager *m) {
        size_t total = 0;
        uint32_t *kinds = calloc(m->n_list + 1, sizeof *kinds);
        if (!kinds) return -ENOMEM;
        for (size_t i = 0; i < m->n_list; i++)
                if (m->list[i]->cfg) total += deps_measure(m->list[i], &kinds[i]);
        char *pool = total ? malloc(total) : NULL;
        if (total && !pool) {
                free(kinds);
                return -ENOMEM;
        }
        MUnitDeps **placed = calloc(m->n_list + 1, sizeof *placed);
        if (!placed) {
                free(kinds);
                free(pool);
                return -ENOMEM;
        }
        size_t off = 0;
        for (size_t i = 0; i < m->n_list; i++) {
                uint32_t ignored;
                size_t n = m->list[i]->cfg ? deps_measure(m->list[i], &ignored) : 0;
                if (!n) continue;
                placed[i] = (MUnitDeps *)(pool + off);
                deps_fill(m->list[i], placed[i], kinds[i]);
                off += n;
        }
        bool same = total == m->deps_pool_size && m->deps_pool_size == 0;
        if (total && total == m->deps_pool_size) {
                same = memcmp(pool, m->deps_pool, total) == 0;
                for (size_t i = 0; same && i < m->n_list; i++)   /* the same units, in the same places */
                        same = (placed[i] ? (char *)placed[i] - pool : -1) ==
                               (m->list[i]->deps ? (char *)m->list[i]->deps - (char *)m->deps_pool : -1);
        }
        if (same) free(pool);
        else {
                manager_discard_later(m, m->deps_pool);
                m->deps_pool = pool;
                m->deps_pool_size = total;
                for (size_t i = 0; i < m->n_list; i++) m->list[i]->deps = placed[i];
        }
        free(placed);
        free(kinds);
        return 0;
}

size_t munit_dependencies(const MUnit *u, UnitDependency d, MUnit *const **ret) {
        unsigned s = d >= 0 && d < _UNIT_DEPENDENCY_MAX ? dep_slot[d] : 0;
        *ret = NULL;
        if (!u->deps || s == 0 || !(u->deps->kinds & (1u << (s - 1)))) return 0;
        unsigned i = (unsigned)__builtin_popcount(u->deps->kinds & ((1u << (s - 1)) - 1));
        uint32_t start = i ? u->deps->ends[i - 1] : 0;
        *ret = deps_units(u->deps) + start;
        return u->deps->ends[i] - start;
}

bool munit_has_dependency(const MUnit *u, UnitDependency d, const MUnit *other) {
        MUnit *const *v;
        size_t n = munit_dependencies(u, d, &v);
        for (size_t i = 0; i < n; i++)
                if (v[i] == other) return true;
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

static const Unit *loaded_config(const char *name, void *userdata) {
        MUnit *o = NULL;
        if (manager_load_unit(userdata, name, &o) < 0 || !o || !o->cfg || o->cfg->load_state != UNIT_LOADED) return NULL;
        return o->cfg;
}

/* Units that make no sense in a container are skipped as if a condition failed: what belongs to
 * systemd's own daemons (unit/systemd-own.h: tinysd does their job, or they cannot work in a
 * container), and mounts, swaps and devices (the runtime set up the filesystem). */
static SystemdOwn skipped_in_container(const MUnit *u, const char **ret_what) {
        if (u->vt->skipped_in_container && u->vt->skipped_in_container(u)) return SYSTEMD_OWN_DAEMON;
        return unit_systemd_own(u->cfg, loaded_config, u->m, ret_what);
}

bool munit_skipped_in_container(const MUnit *u) {
        return u->cfg && u->cfg->load_state == UNIT_LOADED && skipped_in_container(u, NULL) != SYSTEMD_OWN_NO;
}

/* One line per skipped unit, the first time it is started (a later transaction that pulls it in
 * again says nothing), at notice level (the manager's default level: shown); a warning for a
 * socket unit that asked for one of PID 1's sockets. */
static bool unit_skipped_in_container(MUnit *u) {
        const char *what = NULL;
        SystemdOwn k = skipped_in_container(u, &what);
        if (k == SYSTEMD_OWN_NO) return false;
        bool first = u->condition_ts.realtime == 0;
        dual_timestamp_now(u->m, &u->condition_ts);
        if (k == SYSTEMD_OWN_DAEMON && !what)
                log_debug("%s: not started: tinysd skips it in a container.", u->id);
        else if (!first)
                return true;
        else if (k == SYSTEMD_OWN_DAEMON)
                log_notice("%s: skipped in a container: %s is systemd's own (tinysd does its job, or it cannot work here).",
                           u->id, what);
        else if (k == SYSTEMD_OWN_ACTIVATOR)
                log_notice("%s: skipped in a container: it activates %s, which is skipped.", u->id, what);
        else
                log_warning("%s: not started: %s is PID 1's own socket; nobody else may bind it.", u->id, what);
        return true;
}

static int check_conditions(MUnit *u) {
        ConditionContext ctx = { .root = u->m->set.root, .environ = u->m->environment };
        const Condition *failed = NULL;
        dual_timestamp_now(u->m, &u->condition_ts);
        u->condition_result = condition_list_test(u->cfg->unit.conditions, &ctx, &failed);
        if (!u->condition_result) {
                _cleanup_free_ char *d = condition_describe(failed, false);
                log_info("%s was skipped because of an unmet condition check (%s).", u->id, strempty(d));
                return -EBADR;
        }
        dual_timestamp_now(u->m, &u->assert_ts);
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
        if (ratelimit_below(&u->start_limit, c->start_limit_interval_usec, c->start_limit_burst, manager_now(u->m, CLOCK_MONOTONIC)))
                return true;
        log_warning("%s: Start request repeated too quickly.", u->id);
        return false;
}

void munit_reset_failed(MUnit *u) {
        ratelimit_reset(&u->start_limit);
        if (u->vt->reset_failed) u->vt->reset_failed(u);
        else if (u->state == UNIT_FAILED) munit_set_active_state(u, UNIT_INACTIVE);
}

void munit_set_active_state(MUnit *u, UnitActiveState now) {
        UnitActiveState old = u->state;
        if (old != now) munit_notify(u, old, now, true);
}

int munit_start(MUnit *u) {
        if (!u->cfg || u->cfg->load_state != UNIT_LOADED) return -ENOEXEC;
        if (UNIT_IS_ACTIVE_OR_RELOADING(u->state)) return -EALREADY;
        if (u->state == UNIT_DEACTIVATING) return -EAGAIN;
        /* the running start completes the job; a unit waiting to restart starts anew */
        if (u->state == UNIT_ACTIVATING && !(u->vt->restart_pending && u->vt->restart_pending(u))) return 0;
        if (unit_skipped_in_container(u)) {
                u->condition_result = false;
                return -EBADR;
        }
        int r = check_conditions(u);
        if (r < 0) return r;
        if (u->vt->start_limit && !munit_test_start_limit(u)) {
                manager_emergency_action(u->m, u, u->cfg->unit.start_limit_action, -1, "start limit hit");
                if (u->vt->start_limit_hit) u->vt->start_limit_hit(u);
                return -ECANCELED;
        }
        id128_random_string(u->invocation_id);
        if (u->vt->start) return u->vt->start(u);
        munit_set_active_state(u, UNIT_ACTIVE);   /* targets, slices, scopes: active as soon as started */
        return 0;
}

int munit_stop(MUnit *u) {
        if (UNIT_IS_INACTIVE_OR_FAILED(u->state)) return -EALREADY;
        if (u->vt->stop) return u->vt->stop(u);
        munit_set_active_state(u, UNIT_INACTIVE);
        return 0;
}

int munit_reload(MUnit *u) {
        if (!UNIT_IS_ACTIVE_OR_RELOADING(u->state)) return -ENOEXEC;
        return u->vt->reload ? u->vt->reload(u) : -EALREADY;
}

/* Start the units of u's OnFailure= or OnSuccess= (systemd 252's unit_start_on_failure()). */
static void start_each(MUnit *u, UnitDependency d, JobMode mode) {
        MUnit *const *deps;
        size_t n = munit_dependencies(u, d, &deps);
        if (n == 0 || u->m->shutting_down) return;
        log_info("%s: Triggering %s= dependencies.", u->id, unit_dependency_to_string(d));
        for (size_t i = 0; i < n; i++) {
                int r = manager_add_job(u->m, JOB_START, deps[i], mode, NULL);
                if (r < 0) log_warning("%s: Failed to enqueue %s job, ignoring: %s", u->id, deps[i]->id, strerror(-r));
        }
}

void munit_start_on_failure(MUnit *u) {
        if (u->cfg) start_each(u, UNIT_ON_FAILURE, u->cfg->unit.on_failure_job_mode);
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

void munit_notify_triggers(MUnit *u) {
        MUnit *const *deps;
        size_t n = munit_dependencies(u, UNIT_TRIGGERED_BY, &deps);
        for (size_t i = 0; i < n; i++)
                if (deps[i]->cfg && deps[i]->vt->trigger_notify) deps[i]->vt->trigger_notify(deps[i], u);
}

/* An unexpected deactivation stops the units bound to this one (BindsTo=) and those it propagates
 * its stop to (PropagatesStopTo=/StopPropagatedFrom=): systemd's retroactively_stop_dependencies(). */
static void stop_bound(MUnit *u) {
        MUnit *const *deps;
        size_t n = munit_dependencies(u, UNIT_BOUND_BY, &deps);
        for (size_t i = 0; i < n; i++) {
                MUnit *o = deps[i];
                if (UNIT_IS_INACTIVE_OR_FAILED(o->state) || (o->job && o->job->type == JOB_STOP)) continue;
                log_info("%s: Unit is bound to inactive unit %s. Stopping, too.", o->id, u->id);
                (void)manager_add_job(u->m, JOB_STOP, o, JOB_REPLACE, NULL);
        }
        n = munit_dependencies(u, UNIT_PROPAGATES_STOP_TO, &deps);
        for (size_t i = 0; i < n; i++) {
                MUnit *o = deps[i];
                if (UNIT_IS_INACTIVE_OR_FAILED(o->state) || o->state == UNIT_DEACTIVATING) continue;
                (void)manager_add_job(u->m, JOB_STOP, o, JOB_REPLACE, NULL);
        }
}

void munit_notify(MUnit *u, UnitActiveState os, UnitActiveState ns, bool reload_success) {
        Manager *m = u->m;
        u->state = ns;
        if (UNIT_IS_INACTIVE_OR_FAILED(ns)) {
                munit_cgroup_release(u);
                munit_release_stdio(u);   /* a client's pipes: its reader must see their end */
        }
        DualTimestamp ts;
        dual_timestamp_now(m, &ts);
        u->state_change_ts = ts;
        if (UNIT_IS_INACTIVE_OR_FAILED(os) && !UNIT_IS_INACTIVE_OR_FAILED(ns)) u->inactive_exit_ts = ts;
        else if (UNIT_IS_INACTIVE_OR_FAILED(ns) && !UNIT_IS_INACTIVE_OR_FAILED(os)) u->inactive_enter_ts = ts;
        if (UNIT_IS_ACTIVE_OR_RELOADING(ns) && !UNIT_IS_ACTIVE_OR_RELOADING(os)) u->active_enter_ts = ts;
        else if (UNIT_IS_ACTIVE_OR_RELOADING(os) && !UNIT_IS_ACTIVE_OR_RELOADING(ns)) u->active_exit_ts = ts;
        bool had_job = process_job(u, os, ns, reload_success);
        job_schedule_neighbours(u);
        if (!u->cfg) return;
        munit_notify_triggers(u);
        if (!had_job && UNIT_IS_INACTIVE_OR_FAILED(ns) && !UNIT_IS_INACTIVE_OR_FAILED(os) && !m->shutting_down) stop_bound(u);
        uphold_submit(u);
        if (ns == UNIT_FAILED && os != UNIT_FAILED) {
                munit_start_on_failure(u);
                manager_emergency_action(m, u, u->cfg->unit.failure_action, u->cfg->unit.failure_action_exit_status, "failed");
                /* failed for good: auto-restart is "activating" */
                if (m->parts && m->parts->unit_failed) m->parts->unit_failed(u);
        }
        if (ns == UNIT_INACTIVE && !UNIT_IS_INACTIVE_OR_FAILED(os) && os != UNIT_INACTIVE) {
                start_each(u, UNIT_ON_SUCCESS, u->cfg->unit.on_success_job_mode);
                manager_emergency_action(m, u, u->cfg->unit.success_action, u->cfg->unit.success_action_exit_status, "succeeded");
        }
        if (UNIT_IS_INACTIVE_OR_FAILED(ns)) transient_unit_check_collect(u);
        if (m->parts && m->parts->unit_changed) m->parts->unit_changed(u, os, ns);
        manager_check_finished(m);
}
