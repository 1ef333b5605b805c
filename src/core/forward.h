/* SPDX-License-Identifier: MIT */
#pragma once
/* The names every module of the manager passes around: the core objects (declared, defined in
 * their own headers) and the small value types of their interfaces (a unit's active state, a
 * job's type and result, a timestamp on both clocks). Include this instead of a module's header
 * when a pointer or one of these values is all a file needs. */
#include "base/parse.h"

typedef struct Manager Manager;     /* manager.h */
typedef struct MUnit MUnit;         /* munit.h */
typedef struct Job Job;             /* job.h */
typedef struct JournalServer JournalServer;
typedef struct BusServer BusServer; /* dbus.h */
typedef struct SystemBus SystemBus; /* dbus-system-bus.h */
typedef struct NotifyMessage NotifyMessage;
typedef struct EventSource EventSource; /* event.h */

/* systemd's ActiveState= of a unit. */
typedef enum UnitActiveState {
        UNIT_ACTIVE,
        UNIT_RELOADING,
        UNIT_INACTIVE,
        UNIT_FAILED,
        UNIT_ACTIVATING,
        UNIT_DEACTIVATING,
        _UNIT_ACTIVE_STATE_MAX,
} UnitActiveState;
const char *unit_active_state_to_string(UnitActiveState s);
#define UNIT_IS_ACTIVE_OR_RELOADING(s) ((s) == UNIT_ACTIVE || (s) == UNIT_RELOADING)
#define UNIT_IS_INACTIVE_OR_FAILED(s) ((s) == UNIT_INACTIVE || (s) == UNIT_FAILED)

typedef enum JobType {
        JOB_START,
        JOB_VERIFY_ACTIVE,
        JOB_STOP,
        JOB_RELOAD,
        JOB_RESTART,
        JOB_TRY_RESTART,
        JOB_RELOAD_OR_START,
        JOB_NOP,
        _JOB_TYPE_MAX,
} JobType;
const char *job_type_to_string(JobType t);

typedef enum JobState { JOB_WAITING, JOB_RUNNING } JobState;

typedef enum JobResult {
        JOB_DONE,
        JOB_CANCELED,
        JOB_TIMEOUT,
        JOB_FAILED,
        JOB_DEPENDENCY,
        JOB_SKIPPED,
        JOB_INVALID,
        JOB_ASSERT,
        JOB_UNSUPPORTED,
        JOB_COLLECTED,
        JOB_ONCE,
        _JOB_RESULT_MAX,
} JobResult;
const char *job_result_to_string(JobResult r);

/* A point in time on both clocks, as systemd keeps its unit timestamps (0/0: never). */
typedef struct DualTimestamp {
        usec_t realtime, monotonic;
} DualTimestamp;
void dual_timestamp_now(const Manager *m, DualTimestamp *ts); /* the manager's clocks (manager.c) */
