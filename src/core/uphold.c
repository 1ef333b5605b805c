/* SPDX-License-Identifier: MIT */
/* Upholds= after the transaction (uphold.h): one deferred pass over the units per event loop
 * iteration in which a unit with Upholds=/UpheldBy= changed, so a burst of changes costs one
 * pass; every unit's own rate limit keeps a unit that fails at once from looping. */
#include "base/log.h"
#include "core/event.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/uphold.h"

#define AUTO_START_INTERVAL_USEC (10 * USEC_PER_SEC)   /* systemd 252's auto_start_stop_ratelimit */
#define AUTO_START_BURST 16

/* The active unit without a job that upholds u (systemd's unit_is_upheld_by_active()), or NULL. */
static MUnit *upheld_by_active(MUnit *u) {
        if (!UNIT_IS_INACTIVE_OR_FAILED(u->state) || u->job) return NULL;
        MUnit *const *deps;
        size_t n = munit_dependencies(u, UNIT_UPHELD_BY, &deps);
        for (size_t i = 0; i < n; i++)
                if (!deps[i]->job && UNIT_IS_ACTIVE_OR_RELOADING(deps[i]->state)) return deps[i];
        return NULL;
}

static int on_retry(EventSource *s, usec_t now, void *userdata) {
        (void)s;
        (void)now;
        MUnit *u = userdata;
        event_source_free(u->uphold_retry);
        u->uphold_retry = NULL;
        uphold_submit(u);
        return 0;
}

static void start_upheld(MUnit *u) {
        MUnit *culprit = upheld_by_active(u);
        if (!culprit) return;
        log_debug("%s: Unit is started because upheld by active unit %s.", u->id, culprit->id);
        usec_t now = manager_now(u->m, CLOCK_MONOTONIC);
        if (!ratelimit_below(&u->auto_start_limit, AUTO_START_INTERVAL_USEC, AUTO_START_BURST, now)) {
                bool armed = u->uphold_retry != NULL;
                log_warning("%s: Unit needs to be started because active unit %s upholds it, but not starting since we tried this too often recently.%s",
                            u->id, culprit->id, armed ? "" : " Will retry later.");
                if (!armed && event_add_time(u->m->event, &u->uphold_retry,
                                             u->auto_start_limit.begin + AUTO_START_INTERVAL_USEC + 1, on_retry, u) < 0)
                        u->uphold_retry = NULL;
                return;
        }
        int r = manager_add_job(u->m, JOB_START, u, JOB_FAIL, NULL);
        if (r < 0) log_warning("%s: Failed to enqueue start job, ignoring: %s", u->id, strerror(-r));
}

static int on_pass(EventSource *s, void *userdata) {
        Manager *m = userdata;
        (void)event_source_set_enabled(s, false);
        if (m->shutting_down) return 0;
        /* by index: a start job may load units (appended to the list) */
        for (size_t i = 0; i < m->n_list; i++)
                if (m->list[i]->cfg) start_upheld(m->list[i]);
        return 0;
}

void uphold_submit(MUnit *u) {
        Manager *m = u->m;
        MUnit *const *unused;
        if (m->shutting_down || !u->cfg) return;
        if (!munit_dependencies(u, UNIT_UPHOLDS, &unused) && !munit_dependencies(u, UNIT_UPHELD_BY, &unused)) return;
        if (!m->uphold_defer && event_add_defer(m->event, &m->uphold_defer, on_pass, m) < 0) return;
        (void)event_source_set_enabled(m->uphold_defer, true);
}

void uphold_unit_done(MUnit *u) {
        event_source_free(u->uphold_retry);
        u->uphold_retry = NULL;
}
