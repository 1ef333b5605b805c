/* SPDX-License-Identifier: MIT */
/* Jobs and transactions (systemd's job.c + transaction.c, reduced to what a container needs).
 *
 * A request (start X) becomes a transaction: the anchor job plus the jobs its dependencies pull
 * in. The transaction is checked (conflicts, ordering cycles), merged into the installed jobs,
 * and the run queue starts every job whose ordering predecessors are done. Each unit has at most
 * one job. */
#include <stdio.h>
#include "base/log.h"
#include "base/strv.h"
#include "core/journal.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/uphold.h"

static const char *const job_type_table[_JOB_TYPE_MAX] = {
        [JOB_START] = "start", [JOB_VERIFY_ACTIVE] = "verify-active", [JOB_STOP] = "stop",
        [JOB_RELOAD] = "reload", [JOB_RESTART] = "restart", [JOB_TRY_RESTART] = "try-restart",
        [JOB_RELOAD_OR_START] = "reload-or-start", [JOB_NOP] = "nop",
};
const char *job_type_to_string(JobType t) { return t < _JOB_TYPE_MAX ? job_type_table[t] : NULL; }

static const char *const job_result_table[_JOB_RESULT_MAX] = {
        [JOB_DONE] = "done", [JOB_CANCELED] = "canceled", [JOB_TIMEOUT] = "timeout", [JOB_FAILED] = "failed",
        [JOB_DEPENDENCY] = "dependency", [JOB_SKIPPED] = "skipped", [JOB_INVALID] = "invalid",
        [JOB_ASSERT] = "assert", [JOB_UNSUPPORTED] = "unsupported", [JOB_COLLECTED] = "collected", [JOB_ONCE] = "once",
};
const char *job_result_to_string(JobResult r) { return r < _JOB_RESULT_MAX ? job_result_table[r] : NULL; }

/* ---- the transaction under construction ---- */

typedef struct TxEntry {
        MUnit *unit;
        JobType type;
        bool matters;      /* pulled by a hard requirement of the anchor: may not be dropped */
        bool dropped;
} TxEntry;

/* Each unit in it knows its entry (MUnit.tx_slot) until the transaction is applied. */
typedef struct Transaction {
        Manager *m;
        TxEntry *e;
        size_t n, cap;
} Transaction;

static TxEntry *tx_find(Transaction *tx, const MUnit *u) {
        return u->tx_slot ? &tx->e[u->tx_slot - 1] : NULL;
}

/* The units forget the transaction (before its jobs are installed, or when it fails). */
static void tx_release(Transaction *tx) {
        for (size_t i = 0; i < tx->n; i++) tx->e[i].unit->tx_slot = 0;
}

static int tx_add(Transaction *tx, MUnit *u, JobType type, bool matters, TxEntry **ret) {
        if (tx->n == tx->cap) {
                size_t cap = tx->cap ? tx->cap * 2 : 16;
                TxEntry *e = realloc(tx->e, cap * sizeof *e);
                if (!e) return -ENOMEM;
                tx->e = e;
                tx->cap = cap;
        }
        if (tx->n >= UINT32_MAX) return -E2BIG;
        tx->e[tx->n] = (TxEntry){ .unit = u, .type = type, .matters = matters };
        u->tx_slot = (uint32_t)(tx->n + 1);
        *ret = &tx->e[tx->n++];
        return 0;
}

static bool unit_is_loaded(const MUnit *u) {
        return u->cfg && u->cfg->load_state == UNIT_LOADED;
}

/* Turn a job type into what it means for the unit's current state (systemd's
 * job_type_collapse): restart of an inactive unit is a start, and so on. */
static JobType job_type_collapse(JobType t, const MUnit *u) {
        UnitActiveState s = u->state;
        switch (t) {
        case JOB_TRY_RESTART:
                return UNIT_IS_INACTIVE_OR_FAILED(s) ? JOB_NOP : JOB_RESTART;
        case JOB_RELOAD_OR_START:
                if (UNIT_IS_INACTIVE_OR_FAILED(s)) return JOB_START;
                return munit_can_reload(u) ? JOB_RELOAD : JOB_RESTART;
        case JOB_RESTART:
                return UNIT_IS_INACTIVE_OR_FAILED(s) && !(u->job && u->job->state == JOB_RUNNING) ? JOB_START : JOB_RESTART;
        default:
                return t;
        }
}

static int tx_add_job_recursive(Transaction *tx, MUnit *u, JobType type, bool matters, bool ignore_requirements);

/* Add the jobs that u's dependencies of kind d pull in. Not-found units pulled by a hard
 * requirement fail the request; soft ones (Wants=) are dropped with a message, as systemd does. */
static int tx_pull(Transaction *tx, MUnit *u, UnitDependency d, JobType type, bool matters, bool hard) {
        MUnit *const *deps;
        size_t n = munit_dependencies(u, d, &deps);
        for (size_t i = 0; i < n; i++) {
                MUnit *o = deps[i];
                int r = tx_add_job_recursive(tx, o, type, matters, false);
                if (r == -ENOMEM) return r;
                if (r < 0 && hard) {
                        log_error("%s: Job %s/%s failed: dependency %s cannot be %s: %s", u->id, u->id,
                                  job_type_to_string(type), o->id, type == JOB_STOP ? "stopped" : "started", strerror(-r));
                        return r;
                }
                if (r < 0)
                        log_debug("%s: Cannot add dependency job for unit %s, ignoring: %s", u->id, o->id, strerror(-r));
        }
        return 0;
}

static int tx_add_job_recursive(Transaction *tx, MUnit *u, JobType type, bool matters, bool ignore_requirements) {
        /* a not-found unit pulled in after its file appeared is loaded anew, as 252's transaction does */
        if (u->cfg && loader_should_retry(tx->m->loader, u->cfg)) {
                MUnit *same;
                int r = manager_load_unit(tx->m, u->id, &same);
                if (r == -ENOMEM) return r;
        }
        type = job_type_collapse(type, u);
        TxEntry *e = tx_find(tx, u);
        if (e) {
                if (e->dropped) return -ENOENT;
                if (e->type == type || type == JOB_NOP) return 0;
                /* start + verify-active merge to start; start and stop of one unit conflict */
                if ((e->type == JOB_START && type == JOB_VERIFY_ACTIVE) || (e->type == JOB_VERIFY_ACTIVE && type == JOB_START)) {
                        e->type = JOB_START;
                        return 0;
                }
                if (e->matters && matters) return -EDEADLK;
                if (!matters) return 0;   /* the earlier (closer to the anchor) job wins */
                e->type = type;
                e->matters = true;
                return 0;
        }
        if ((type == JOB_START || type == JOB_RESTART || type == JOB_VERIFY_ACTIVE || type == JOB_RELOAD) && !unit_is_loaded(u)) {
                if (type == JOB_START && u->cfg && u->cfg->load_state == UNIT_MASKED) return -ERFKILL;
                return -ENOENT;
        }
        if (type == JOB_RELOAD && !munit_can_reload(u)) return -EBADR;
        int r = tx_add(tx, u, type, matters, &e);
        if (r < 0) return r;
        if (ignore_requirements || !u->cfg) return 0;
        /* what tinysd skips is skipped as a whole: what it requires is not started for it */
        if ((type == JOB_START || type == JOB_RESTART) && munit_skipped_in_container(u)) return 0;
        if (type == JOB_START || type == JOB_RESTART) {
                if ((r = tx_pull(tx, u, UNIT_REQUIRES, JOB_START, matters, true)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_BINDS_TO, JOB_START, matters, true)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_REQUISITE, JOB_VERIFY_ACTIVE, matters, true)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_WANTS, JOB_START, false, false)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_UPHOLDS, JOB_START, false, false)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_CONFLICTS, JOB_STOP, matters, true)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_CONFLICTED_BY, JOB_STOP, false, false)) < 0) return r;
        }
        if (type == JOB_STOP || type == JOB_RESTART) {
                JobType t = type == JOB_STOP ? JOB_STOP : JOB_TRY_RESTART;
                if ((r = tx_pull(tx, u, UNIT_REQUIRED_BY, t, false, false)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_BOUND_BY, t, false, false)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_CONSISTS_OF, t, false, false)) < 0) return r;
                if ((r = tx_pull(tx, u, UNIT_PROPAGATES_STOP_TO, t, false, false)) < 0) return r;
        }
        if (type == JOB_RELOAD) {
                MUnit *const *deps;
                size_t n = munit_dependencies(u, UNIT_PROPAGATES_RELOAD_TO, &deps);
                for (size_t i = 0; i < n; i++)
                        if (UNIT_IS_ACTIVE_OR_RELOADING(deps[i]->state) && munit_can_reload(deps[i]))
                                (void)tx_add_job_recursive(tx, deps[i], JOB_RELOAD, false, false);
        }
        return 0;
}

/* ---- ordering ---- */

static bool job_is_stop_like(JobType t) { return t == JOB_STOP || t == JOB_RESTART; }

/* Does a job of type `t` on unit a have to wait for a job of type `ot` on unit b? systemd's
 * job_compare(): after ordering, except that a stop always goes before a start. */
/* b is named in a's `listed` list (UNIT_AFTER or UNIT_BEFORE); only the other list is searched,
 * and only when the answer depends on it: a target After= a thousand services is not searched
 * once per service. */
static bool job_order_waits(const MUnit *a, JobType t, const MUnit *b, JobType ot, UnitDependency listed) {
        if (t == JOB_NOP || ot == JOB_NOP) return false;
        bool after_counts = !job_is_stop_like(t), before_counts = job_is_stop_like(ot);
        if (listed == UNIT_AFTER) return after_counts || (before_counts && munit_has_dependency(a, UNIT_BEFORE, b));
        return before_counts || (after_counts && munit_has_dependency(a, UNIT_AFTER, b));
}

/* Depth-first search for an ordering cycle among the transaction's jobs (and installed jobs).
 * Returns the index of a job to drop to break it, or -1. */
typedef struct CycleWalk {
        Transaction *tx;
        uint8_t *mark;     /* 0 new, 1 on stack, 2 done */
        size_t *stack;
        size_t depth;
} CycleWalk;

static ssize_t cycle_visit(CycleWalk *w, size_t i) {
        Transaction *tx = w->tx;
        w->mark[i] = 1;
        w->stack[w->depth++] = i;
        TxEntry *e = &tx->e[i];
        static const UnitDependency order[] = { UNIT_AFTER, UNIT_BEFORE };
        for (size_t k = 0; k < ELEMENTSOF(order); k++) {
                MUnit *const *deps;
                size_t n = munit_dependencies(e->unit, order[k], &deps);
                for (size_t d = 0; d < n; d++) {
                        MUnit *o = deps[d];
                        TxEntry *oe = tx_find(tx, o);
                        if (!oe || oe->dropped || !job_order_waits(e->unit, e->type, o, oe->type, order[k])) continue;
                        size_t j = (size_t)(oe - tx->e);
                        if (w->mark[j] == 2) continue;
                        if (w->mark[j] == 1) {
                                /* The cycle is stack[pos..depth): report it and pick a job that does not matter. */
                                size_t pos = w->depth;
                                while (pos > 0 && w->stack[pos - 1] != j) pos--;
                                pos = pos ? pos - 1 : 0;
                                log_warning("%s: Found ordering cycle on %s/%s", tx->e[j].unit->id, tx->e[j].unit->id,
                                            job_type_to_string(tx->e[j].type));
                                ssize_t victim = -1;
                                for (size_t s = w->depth; s > pos; s--) {
                                        TxEntry *ce = &tx->e[w->stack[s - 1]];
                                        log_warning("%s: Found dependency on %s/%s", tx->e[j].unit->id, ce->unit->id, job_type_to_string(ce->type));
                                        if (victim < 0 && !ce->matters) victim = (ssize_t)w->stack[s - 1];
                                }
                                return victim >= 0 ? victim : -2;
                        }
                        ssize_t r = cycle_visit(w, j);
                        if (r != -1) return r;
                }
        }
        w->mark[i] = 2;
        w->depth--;
        return -1;
}

static int tx_break_cycles(Transaction *tx) {
        for (;;) {
                _cleanup_free_ uint8_t *mark = calloc(tx->n ? tx->n : 1, 1);
                _cleanup_free_ size_t *stack = calloc(tx->n ? tx->n : 1, sizeof(size_t));
                if (!mark || !stack) return -ENOMEM;
                CycleWalk w = { .tx = tx, .mark = mark, .stack = stack };
                ssize_t victim = -1;
                for (size_t i = 0; i < tx->n && victim == -1; i++)
                        if (!tx->e[i].dropped && !mark[i]) victim = cycle_visit(&w, i);
                if (victim == -1) return 0;
                if (victim == -2) {
                        log_error("Transaction order is cyclic. See system logs for details.");
                        return -ENOLINK;
                }
                TxEntry *v = &tx->e[victim];
                log_error("%s: Job %s/%s deleted to break ordering cycle starting with %s/%s", v->unit->id, v->unit->id,
                          job_type_to_string(v->type), tx->e[0].unit->id, job_type_to_string(tx->e[0].type));
                v->dropped = true;
        }
}

/* ---- installed jobs ---- */

Job *manager_get_job(Manager *m, uint32_t id) {
        for (size_t i = 0; i < m->n_list; i++)
                if (m->list[i]->job && m->list[i]->job->id == id) return m->list[i]->job;
        return NULL;
}

void job_free(Job *j) {
        if (!j) return;
        Manager *m = j->unit->m;
        if (j->unit->job == j) j->unit->job = NULL;
        /* unlink from the run queue */
        for (Job **p = &m->run_queue; *p; p = &(*p)->run_next)
                if (*p == j) {
                        *p = j->run_next;
                        break;
                }
        m->n_jobs--;
        event_source_free(j->timer);
        free(j);
}

/* A start job that waits for its service after the fork (READY=1, the oneshot's or forking
 * parent's exit): its latency is on the path to the target, so it is dispatched before jobs that
 * are done once forked. Independent jobs have no defined order; this only starts the slow ones
 * first (bench12 waited for its notify service, forked last). */
static bool job_waits_after_fork(const Job *j) {
        const MUnit *u = j->unit;
        return j->type == JOB_START && u->cfg && u->vt->start_waits && u->vt->start_waits(u);
}

void job_requeue(Job *j) {
        if (j->in_run_queue) return;
        Manager *m = j->unit->m;
        j->in_run_queue = true;
        Job **p = &m->run_queue;
        if (!job_waits_after_fork(j))
                while (*p && job_waits_after_fork(*p)) p = &(*p)->run_next;
        j->run_next = *p;
        *p = j;
        event_source_set_enabled(m->run_defer, true);
}

/* A finished or changed job may unblock the jobs of units ordered against its unit. */
void job_schedule_neighbours(MUnit *u) {
        static const UnitDependency order[] = { UNIT_AFTER, UNIT_BEFORE };
        for (size_t k = 0; k < ELEMENTSOF(order); k++) {
                MUnit *const *deps;
                size_t n = munit_dependencies(u, order[k], &deps);
                for (size_t i = 0; i < n; i++)
                        if (deps[i]->job && deps[i]->job->state == JOB_WAITING) job_requeue(deps[i]->job);
        }
}

/* JobTimeoutSec=: the job is canceled with result "timeout" and JobTimeoutAction= runs; the unit
 * itself is left to what it was doing, as systemd does. */
static int on_job_timeout(EventSource *src, usec_t now, void *userdata) {
        Job *j = userdata;
        MUnit *u = j->unit;
        (void)src; (void)now;
        log_warning("%s: Job %s/%s timed out.", u->id, u->id, job_type_to_string(j->type));
        job_finish(j, JOB_TIMEOUT);
        if (u->cfg) manager_emergency_action(u->m, u, u->cfg->unit.job_timeout_action, -1, "job timed out");
        return 0;
}

/* Arm (or bring forward) the job's timer to `timeout` from now; infinity or 0: no timeout. */
static void job_arm_timeout(Job *j, usec_t timeout) {
        if (timeout == 0 || timeout == USEC_INFINITY) return;
        usec_t when = manager_now(j->unit->m, CLOCK_MONOTONIC) + timeout;
        if (!j->timer) {
                if (event_add_time(j->unit->m->event, &j->timer, when, on_job_timeout, j) < 0) log_oom();
        } else if (when < event_source_get_time(j->timer))
                event_source_set_time(j->timer, when);
}

static int job_install(Manager *m, MUnit *u, JobType type, bool irreversible, Job **ret) {
        Job *j = u->job;
        if (j) {
                if (j->type == type || (type == JOB_VERIFY_ACTIVE && j->type == JOB_START)) {
                        *ret = j;
                        return 0;
                }
                if (j->irreversible) return -EBUSY;
                /* A running start replaced by a stop: the unit's state machine handles stop-while-
                 * starting; the old job is canceled. */
                job_finish(j, JOB_CANCELED);
        }
        j = calloc(1, sizeof *j);
        if (!j) return -ENOMEM;
        j->id = ++m->last_job_id;
        j->unit = u;
        j->type = type;
        j->irreversible = irreversible;
        u->job = j;
        m->n_jobs++;
        if (u->cfg) job_arm_timeout(j, u->cfg->unit.job_timeout_usec);
        job_requeue(j);
        if (m->parts->job_new) m->parts->job_new(m, j);
        *ret = j;
        return 0;
}

static int tx_isolate(Transaction *tx) {
        Manager *m = tx->m;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (tx_find(tx, u) || UNIT_IS_INACTIVE_OR_FAILED(u->state)) continue;
                if (u->cfg && u->cfg->unit.ignore_on_isolate) continue;
                TxEntry *e;
                int r = tx_add(tx, u, JOB_STOP, false, &e);
                if (r < 0) return r;
        }
        return 0;
}

int manager_add_job(Manager *m, JobType type, MUnit *u, JobMode mode, Job **ret) {
        Transaction tx = { .m = m };
        int r;
        bool ignore_req = mode == JOB_IGNORE_DEPENDENCIES || mode == JOB_IGNORE_REQUIREMENTS;
        if (m->shutting_down && type != JOB_STOP) { r = -ESHUTDOWN; goto out; }
        r = tx_add_job_recursive(&tx, u, type, true, ignore_req);
        if (r < 0) goto out;
        if (mode == JOB_ISOLATE && (r = tx_isolate(&tx)) < 0) goto out;
        if (mode != JOB_IGNORE_DEPENDENCIES && (r = tx_break_cycles(&tx)) < 0) goto out;
        if (mode == JOB_FAIL)
                for (size_t i = 0; i < tx.n; i++) {
                        Job *old = tx.e[i].unit->job;
                        if (!tx.e[i].dropped && old && old->type != tx.e[i].type) { r = -EBUSY; goto out; }
                }
        tx_release(&tx);
        Job *anchor = NULL;
        for (size_t i = 0; i < tx.n; i++) {
                TxEntry *e = &tx.e[i];
                if (e->dropped || e->type == JOB_NOP) continue;
                /* redundant jobs (stop an inactive unit, start an active one) are dropped, except the anchor */
                if (i > 0 && !e->unit->job &&
                    ((e->type == JOB_STOP && UNIT_IS_INACTIVE_OR_FAILED(e->unit->state)) ||
                     ((e->type == JOB_START || e->type == JOB_VERIFY_ACTIVE) && UNIT_IS_ACTIVE_OR_RELOADING(e->unit->state))))
                        continue;
                Job *j;
                r = job_install(m, e->unit, e->type, mode == JOB_REPLACE_IRREVERSIBLY, &j);
                if (r < 0 && i == 0) goto out;
                if (r < 0) continue;
                if (i == 0) {
                        anchor = j;
                        /* 252: the anchor of ignore-dependencies ignores ordering too (kept when merged) */
                        if (mode == JOB_IGNORE_DEPENDENCIES) j->ignore_order = true;
                        if (j->ignore_order) job_requeue(j);
                }
        }
        if (ret) *ret = anchor;
        r = 0;
out:
        tx_release(&tx);
        free(tx.e);
        return r;
}

/* ---- running ---- */

static bool job_is_runnable(const Job *j) {
        MUnit *u = j->unit;
        if (!u->cfg || j->type == JOB_NOP || j->ignore_order) return true;
        static const UnitDependency order[] = { UNIT_AFTER, UNIT_BEFORE };
        for (size_t k = 0; k < ELEMENTSOF(order); k++) {
                MUnit *const *deps;
                size_t n = munit_dependencies(u, order[k], &deps);
                for (size_t i = 0; i < n; i++) {
                        MUnit *o = deps[i];
                        if (o->job && o != u && job_order_waits(u, j->type, o, o->job->type, order[k])) return false;
                }
        }
        return true;
}

static bool job_gone(const MUnit *u, uint32_t id) {
        return !u->job || u->job->id != id;
}

static void job_run(Job *j) {
        MUnit *u = j->unit;
        uint32_t id = j->id;
        j->state = JOB_RUNNING;
        if (u->cfg) job_arm_timeout(j, u->cfg->unit.job_running_timeout_usec);
        int r;
        switch (j->type) {
        case JOB_START:
                r = munit_start(u);
                if (job_gone(u, id)) return;   /* a state change during the call already finished it */
                if (r == -EALREADY) return j->quiet = true, job_finish(j, JOB_DONE);
                if (r == -EBADR) return job_finish(j, JOB_DONE);      /* condition failed: skipped, not failed */
                if (r == -EPROTO) return job_finish(j, JOB_ASSERT);
                if (r == -ECANCELED) return job_finish(j, JOB_FAILED); /* start limit */
                if (r == -ENOLINK) return job_finish(j, JOB_DEPENDENCY);
                if (r == -EAGAIN) { j->state = JOB_WAITING; return; }  /* still stopping */
                if (r < 0) return job_finish(j, JOB_FAILED);
                return;
        case JOB_VERIFY_ACTIVE:
                return job_finish(j, UNIT_IS_ACTIVE_OR_RELOADING(u->state) ? JOB_DONE :
                                     u->state == UNIT_ACTIVATING ? JOB_DONE : JOB_FAILED);
        case JOB_STOP:
        case JOB_RESTART:
                r = munit_stop(u);
                if (job_gone(u, id)) return;
                if (r == -EALREADY) {
                        if (j->type == JOB_RESTART) {
                                j->type = JOB_START;
                                j->state = JOB_WAITING;
                                job_requeue(j);
                                return;
                        }
                        j->quiet = true;
                        return job_finish(j, JOB_DONE);
                }
                if (r < 0) return job_finish(j, JOB_FAILED);
                return;
        case JOB_RELOAD:
                r = munit_reload(u);
                if (job_gone(u, id)) return;
                if (r == -EALREADY) return job_finish(j, JOB_DONE);
                if (r < 0) return job_finish(j, JOB_FAILED);
                return;
        default:
                return job_finish(j, JOB_DONE);
        }
}

void manager_dispatch_run_queue(Manager *m) {
        /* Pop one at a time: running a job may free or queue others. */
        Job *j;
        while ((j = m->run_queue)) {
                m->run_queue = j->run_next;
                j->run_next = NULL;
                j->in_run_queue = false;
                if (j->state == JOB_WAITING && job_is_runnable(j)) job_run(j);
        }
}

/* ---- finishing ---- */

/* The words of the status line: the type's (vtable job_done_verb), else these. */
static const char *job_done_verb(const MUnit *u, JobType t, JobResult r) {
        const char *verb = u->vt->job_done_verb && u->cfg ? u->vt->job_done_verb(u, t, r) : NULL;
        if (verb) return verb;
        switch (t) {
        case JOB_START:
                if (r == JOB_DONE) return UNIT_IS_ACTIVE_OR_RELOADING(u->state) ? "Started " : NULL;
                return r == JOB_FAILED ? "Failed to start " : r == JOB_DEPENDENCY ? "Dependency failed for "
                       : r == JOB_TIMEOUT ? "Timed out starting " : r == JOB_ASSERT ? "Assertion failed for " : NULL;
        case JOB_STOP:
        case JOB_RESTART:
                return r == JOB_DONE ? "Stopped " : r == JOB_FAILED ? "Stopped (with error) " : r == JOB_TIMEOUT ? "Timed out stopping " : NULL;
        case JOB_RELOAD:
                return r == JOB_DONE ? "Reloaded " : r == JOB_FAILED ? "Reload failed for " : NULL;
        default:
                return NULL;
        }
}

static void job_print_status(Job *j, JobResult r) {
        static const StatusKind kind[_JOB_RESULT_MAX] = {
                [JOB_DONE] = STATUS_OK, [JOB_FAILED] = STATUS_FAILED, [JOB_DEPENDENCY] = STATUS_DEPEND,
                [JOB_TIMEOUT] = STATUS_TIME, [JOB_ASSERT] = STATUS_FAILED,
        };
        MUnit *u = j->unit;
        if (j->quiet) return;
        if (j->type == JOB_START && r == JOB_DONE && !u->condition_result) return;   /* skipped */
        const char *verb = job_done_verb(u, j->type, r);
        if (verb) manager_status(u->m, kind[r], u, verb, ".");
}

/* A failed start fails the start jobs of units that need this one (Requires=, BindsTo=,
 * Requisite=) and are ordered after it; systemd's job_fail_dependencies(). */
static void job_fail_dependents(MUnit *u) {
        static const UnitDependency by[] = { UNIT_REQUIRED_BY, UNIT_BOUND_BY, UNIT_REQUISITE_OF };
        for (size_t k = 0; k < ELEMENTSOF(by); k++) {
                MUnit *const *deps;
                size_t n = munit_dependencies(u, by[k], &deps);
                for (size_t i = 0; i < n; i++) {
                        MUnit *o = deps[i];
                        if (!o->job || o->job->type != JOB_START || o->job->state != JOB_WAITING) continue;
                        if (!munit_has_dependency(o, UNIT_AFTER, u)) continue;
                        job_finish(o->job, JOB_DEPENDENCY);
                }
        }
}

/* The stop half of a restart is done: say "Stopped ..." as systemd does, then the same job
 * starts the unit. */
void job_restart_stopped(Job *j) {
        job_print_status(j, JOB_DONE);
        j->state = JOB_WAITING;
        j->type = JOB_START;
        job_requeue(j);
}

void job_finish(Job *j, JobResult r) {
        MUnit *u = j->unit;
        Manager *m = u->m;
        JobType type = j->type;
        log_debug("%s: Job %u %s/%s finished, result=%s", u->id, j->id, u->id, job_type_to_string(type), job_result_to_string(r));
        job_print_status(j, r);
        if (m->parts->job_removed) m->parts->job_removed(m, j->id, u->id, r);
        job_free(j);
        /* a job that failed without a state change of its unit (systemd 252's job_finish_and_invalidate()) */
        if (r == JOB_TIMEOUT || r == JOB_DEPENDENCY) {
                log_notice("%s: Job %s/%s failed with result '%s'.", u->id, u->id, job_type_to_string(type),
                           job_result_to_string(r));
                munit_start_on_failure(u);
        }
        if (type == JOB_START && r != JOB_DONE) job_fail_dependents(u);
        uphold_submit(u);   /* a failed start of an upheld unit is tried again while it is upheld */
        /* a start that ends without a state change (a condition failed) too: a path unit checks again */
        if (u->cfg) munit_notify_triggers(u);
        /* Requisite/verify-active failures propagate like start failures */
        if (type == JOB_VERIFY_ACTIVE && r != JOB_DONE) job_fail_dependents(u);
        job_schedule_neighbours(u);
        manager_check_finished(m);
}
