/* SPDX-License-Identifier: MIT */
/* Targets, slices and scopes: a state and nothing else. Starting one makes it active, stopping
 * it inactive (munit.c does both when the vtable has no start/stop); what is particular to each
 * is the words of its status lines. A scope is started as systemd's are by their creator; in a
 * container nothing creates one, so it only ever appears loaded from a unit file. */
#include "core/munit.h"
#include "core/target.h"

static const char *target_job_done_verb(const MUnit *u, JobType t, JobResult r) {
        (void)u;
        if (r != JOB_DONE) return NULL;
        return t == JOB_START                       ? "Reached target "
                : t == JOB_STOP || t == JOB_RESTART ? "Stopped target "
                                                    : NULL;
}

static const char *slice_job_done_verb(const MUnit *u, JobType t, JobResult r) {
        (void)u;
        if (r != JOB_DONE) return NULL;
        return t == JOB_START                       ? "Created slice "
                : t == JOB_STOP || t == JOB_RESTART ? "Removed slice "
                                                    : NULL;
}

const UnitVTable target_vtable = {
        .object_size = sizeof(MUnit),
        .job_done_verb = target_job_done_verb,
};

const UnitVTable slice_vtable = {
        .object_size = sizeof(MUnit),
        .job_done_verb = slice_job_done_verb,
};

const UnitVTable scope_vtable = {
        .object_size = sizeof(MUnit),
        .manual_start_refused = true,
};
