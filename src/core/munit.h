/* SPDX-License-Identifier: MIT */
#pragma once
/* A unit as the manager runs it (munit.c): its runtime state beside the configuration (Unit, from
 * src/unit) that daemon-reload may replace. The type-independent logic lives here: conditions,
 * the start limit, and the propagation of state changes; everything a type does differently goes
 * through its UnitVTable (systemd's UnitVTable in src/core/unit.h).
 *
 * Each type's runtime is a struct that begins with an MUnit (Service in service.h, Socket in
 * socket.h, ...), allocated at the size its vtable says: a target costs only the common part. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/ratelimit.h"
#include "core/forward.h"
#include "unit/unit.h"

#define UNIT_MAX_PIDS 64

typedef struct UnitVTable UnitVTable;
struct ucred;

/* The current kill round of a unit: who got `signal` already (see munit_kill_stragglers()). */
typedef struct KillRound {
        int signal; /* 0: no round */
        unsigned n_signaled, cap_signaled;
        unsigned long long ticks; /* when it began, in /proc starttime units */
        pid_t *signaled;          /* grown on demand, at most UNIT_MAX_PIDS */
} KillRound;

/* A unit's dependencies resolved to units, after each load and reload: of the kinds the manager
 * follows (munit.c), each in the order of the configuration's list; compact, only the kinds the unit
 * has take room (munit.c). The other kinds (WantedBy=, References=, InSlice=, ...) are only shown,
 * from the names. */
typedef struct MUnitDeps MUnitDeps;

struct MUnit {
        const UnitVTable *vt; /* the type's behaviour; never NULL */
        Manager *m;
        Unit *cfg; /* borrowed from m->loader; replaced by daemon-reload */
        char *id;  /* owned copy: stable across reloads */
        Job *job;
        UnitActiveState state; /* derived from the type's state, cached for ordering */
        uint32_t tx_slot;      /* job.c: 1 + its entry in the transaction being built, 0 none */
        bool condition_result, assert_result;
        bool sandbox_notice_done, pam_notice_done;
        bool gc_pending; /* a finished Accept=yes instance or transient unit: freed by the next GC pass */
        unsigned bus_refs; /* D-Bus clients holding it (AddRef, systemd-run --wait): not collected */
        /* stdin, stdout, stderr given by the client that made it (systemd-run --pipe), -1: none;
         * every process of the unit gets them, and they are closed once it is inactive */
        int stdio_fds[3];
        char invocation_id[33];
        /* systemd's unit timestamps (D-Bus StateChangeTimestamp=, ActiveEnterTimestamp=, ...);
         * the monotonic parts are also the timers' OnUnitActiveSec=/OnUnitInactiveSec= bases */
        DualTimestamp state_change_ts, inactive_exit_ts, active_enter_ts, active_exit_ts, inactive_enter_ts;
        DualTimestamp condition_ts, assert_ts;
        /* start rate limit (StartLimitIntervalSec=/Burst=) */
        RateLimit start_limit;
        /* every pid ever seen in this unit (oldest dropped): seeds for process discovery; grown on
         * demand (most units have one or two), a ring of UNIT_MAX_PIDS at most */
        pid_t *pids;
        unsigned n_pids, pids_next, cap_pids;
        uid_t dynamic_uid; /* DynamicUser= allocation, 0 none */
        char *cgroup_rel;  /* the unit's cgroup below m->cgroup once created, else NULL */
        KillRound kill_round;
        /* starts because an active unit upholds this one (uphold.c), and the retry once that
         * limit's window is over */
        RateLimit auto_start_limit;
        EventSource *uphold_retry;
        MUnitDeps *deps; /* in m->deps_pool; NULL: none (yet) */
};

/* What a unit type does (one per type, in the type's file). Every function is given a unit of
 * that type; a NULL entry has the default behaviour its comment names. */
struct UnitVTable {
        size_t object_size; /* the type's struct, which begins with MUnit */
        /* a new unit's runtime (zeroed memory) and its release; NULL: nothing to do */
        void (*init)(MUnit *u);
        void (*done)(MUnit *u);
        /* 0: started/stopping (the state change follows through munit_notify()), -EALREADY,
         * -EAGAIN (still stopping), or a negative errno; NULL: active/inactive at once */
        int (*start)(MUnit *u);
        int (*stop)(MUnit *u);
        int (*reload)(MUnit *u);            /* NULL: nothing to reload (-EALREADY) */
        bool (*can_reload)(const MUnit *u); /* NULL: false */
        bool start_limit;                   /* starts count against StartLimitBurst= */
        /* activating, but only waiting to start anew (a service's RestartSec=): a start request
         * starts it now. NULL: false (an activating unit's start is already under way) */
        bool (*restart_pending)(const MUnit *u);
        void (*start_limit_hit)(MUnit *u); /* the start was refused by the limit; may be NULL */
        /* SubState=; NULL: "active", "failed" or "dead" after the unit's active state */
        const char *(*sub_state)(const MUnit *u);
        void (*reset_failed)(MUnit *u); /* NULL: failed becomes inactive */
        /* u triggers `other` (Triggers=), whose state just changed; NULL: u does not care */
        void (*trigger_notify)(MUnit *u, MUnit *other);
        /* daemon-reload replaced u->cfg; `old` (the previous configuration) is still readable
         * until this returns, never after: nothing may keep pointing into it */
        void (*config_changed)(MUnit *u, const Unit *old);
        /* the unit's processes: main and control, 0 none; NULL: none */
        pid_t (*main_pid)(const MUnit *u);
        pid_t (*control_pid)(const MUnit *u);
        /* a process of the unit that is not its main or control process exited (re-parented to
         * us and reaped); NULL: ignored */
        void (*orphan_exited)(MUnit *u, pid_t pid);
        /* an sd_notify(3) datagram from a process of u (notify.c); the function owns fds, and
         * decides whether the sender may speak for u. NULL: the type takes none. */
        void (*notify_message)(MUnit *u, const struct ucred *sender, const NotifyMessage *msg, int *fds,
                               size_t n_fds);
        /* SuccessAction=/FailureAction=exit: the status to exit with, -1: none of its own */
        int (*exit_status)(const MUnit *u);
        /* --exit-on-failure (exit-policy.h): the Result= word of the failed unit; *ret_exit_status
         * the container's exit status for it. NULL: "failed", EXIT_POLICY_OTHER */
        const char *(*failure_result)(const MUnit *u, int *ret_exit_status);
        /* a unit that makes no sense in a container: skipped as if a condition failed */
        bool (*skipped_in_container)(const MUnit *u);
        /* the start job waits for the unit after its process is forked (READY=1, a oneshot's
         * exit): the run queue dispatches such jobs first. NULL: false */
        bool (*start_waits)(const MUnit *u);
        /* the word(s) of a finished job's status line ("Started ", "Listening on ", ...): NULL
         * entry or NULL result: the defaults of job.c */
        const char *(*job_done_verb)(const MUnit *u, JobType t, JobResult r);
        /* CanStart=/CanStop= false whatever the unit file says: a device is the host's (neither),
         * a scope is started by its creator only (systemd 252's unit_can_start()) */
        bool manual_start_refused;
        bool manual_stop_refused;
};

MUnit *munit_new(Manager *m, Unit *cfg);
void munit_free(MUnit *u);
/* Close the stdio fds a client gave (munit.h: stdio_fds). */
void munit_release_stdio(MUnit *u);
const char *munit_description(const MUnit *u);
/* "foo.service - Foo" as systemd 252's StatusUnitFormat=combined prints it */
char *munit_status_name(const MUnit *u);
int munit_start(MUnit *u); /* 0 started (state change follows), -EALREADY, -EBADR condition, -ECANCELED start limit, ... */
int munit_stop(MUnit *u);
int munit_reload(MUnit *u);
bool munit_can_reload(const MUnit *u);
/* CanStart=, CanStop=: loaded, and neither the unit file (RefuseManualStart=/Stop=) nor its type
 * refuses a start or stop a client asks for */
bool munit_can_start(const MUnit *u);
bool munit_can_stop(const MUnit *u);
const char *munit_sub_state(const MUnit *u);
pid_t munit_main_pid(const MUnit *u);
pid_t munit_control_pid(const MUnit *u);
/* Called by a type when its state changed: finishes jobs, propagates, runs OnFailure=. */
void munit_notify(MUnit *u, UnitActiveState old, UnitActiveState now, bool reload_success);
/* The units that trigger u (sockets, timers, paths) learn it changed state or lost its job. */
void munit_notify_triggers(MUnit *u);
/* Start the units of u's OnFailure= with its OnFailureJobMode= (a failed unit, a start job that timed
 * out or failed for a dependency). */
void munit_start_on_failure(MUnit *u);
/* The state of a type without processes moves to `now` (targets, slices, ...). */
void munit_set_active_state(MUnit *u, UnitActiveState now);
void munit_add_pid(MUnit *u, pid_t pid);
/* Room for one more pid in *array (n used of *cap): grows it 4, 8, ... up to UNIT_MAX_PIDS.
 * Returns 0 when there is room, -ENOSPC when full at UNIT_MAX_PIDS, -ENOMEM. */
int pid_array_grow(pid_t **array, unsigned *cap, unsigned n);
bool munit_has_pid(const MUnit *u, pid_t pid);
bool munit_test_start_limit(MUnit *u);
/* Skipped in a container (systemd's own daemons and what only activates them: unit/systemd-own.h;
 * mounts and the like through the type's vtable): started, it is done as if a condition failed;
 * what it requires is not pulled in for it. */
bool munit_skipped_in_container(const MUnit *u);
void munit_reset_failed(MUnit *u);
/* daemon-reload: u runs on new configuration from now on (vtable config_changed). */
void munit_set_config(MUnit *u, Unit *cfg);
/* Resolve every unit's dependency names to units (after a load, a reload or a GC pass; names no
 * unit has are left out), into one block owned by the manager; the block a traversal may still
 * be walking is freed by the next GC pass. */
int munit_resolve_all(Manager *m);
/* u's units of dependency kind d: *ret points to n of them (valid until the next resolution);
 * none for a kind the manager does not follow. */
size_t munit_dependencies(const MUnit *u, UnitDependency d, MUnit *const **ret);
bool munit_has_dependency(const MUnit *u, UnitDependency d, const MUnit *other);
