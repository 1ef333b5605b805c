/* SPDX-License-Identifier: MIT */
#pragma once
/* Jobs and transactions (job.c): a request on a unit becomes a transaction of jobs over its
 * dependencies, merged into the installed jobs; the run queue starts each job once its ordering
 * predecessors are done. Each unit has at most one job. */
#include <stdbool.h>
#include <stdint.h>
#include "core/event.h"
#include "core/forward.h"
#include "unit/unit.h"

struct Job {
        uint32_t id;
        MUnit *unit;
        JobType type;
        JobState state;
        bool irreversible;
        bool ignore_order;  /* --job-mode=ignore-dependencies: runs at once, whatever it is ordered after */
        bool in_run_queue;
        bool quiet;         /* the unit was already where the job wanted it: no status line */
        Job *run_next;      /* run queue link */
        EventSource *timer; /* JobTimeoutSec=/JobRunningTimeoutSec=; NULL: none */
};

int manager_add_job(Manager *m, JobType type, MUnit *u, JobMode mode, Job **ret);
Job *manager_get_job(Manager *m, uint32_t id); /* NULL: no such job (any more) */
void job_finish(Job *j, JobResult r);
void manager_dispatch_run_queue(Manager *m);
void job_schedule_neighbours(MUnit *u);
void job_free(Job *j);
void job_requeue(Job *j); /* check again whether it can run */
void job_restart_stopped(Job *j);
