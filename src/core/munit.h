/* SPDX-License-Identifier: MIT */
#pragma once
/* A unit as the manager runs it (munit.c): its runtime state beside the configuration (Unit, from
 * src/unit) that daemon-reload may replace. The type-independent logic: start/stop dispatch to
 * the type, conditions, the start limit, and the propagation of state changes. */
#include <stdbool.h>
#include <sys/types.h>
#include "base/ratelimit.h"
#include "core/forward.h"
#include "core/path.h"
#include "core/service.h"
#include "core/socket.h"
#include "core/timer.h"
#include "unit/unit.h"

#define UNIT_MAX_PIDS 64

struct MUnit {
        Manager *m;
        Unit *cfg;                  /* borrowed from m->loader; replaced by daemon-reload */
        char *id;                   /* owned copy: stable across reloads */
        Job *job;
        bool condition_result, assert_result;
        bool sandbox_notice_done, pam_notice_done;
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
        uid_t dynamic_uid;          /* DynamicUser= allocation, 0 none */
        char *cgroup_rel;           /* the unit's cgroup below m->cgroup once created, else NULL */
        bool gc_pending;            /* a finished Accept=yes instance: freed by the next GC pass */
        UnitActiveState state;      /* derived from the type state, cached for ordering; placed here
                                     * to fill padding: 664 bytes fit musl's 672-byte size class */
        ServiceRuntime svc;         /* services; control_pid also for sockets */
        SocketRuntime sock;         /* socket units only */
        TimerRuntime timer;         /* timer units only */
        PathRuntime path;           /* path units only */
};

MUnit *munit_new(Manager *m, Unit *cfg);
void munit_free(MUnit *u);
const char *munit_description(const MUnit *u);
/* "foo.service - Foo" as systemd 252's StatusUnitFormat=combined prints it */
char *munit_status_name(const MUnit *u);
int munit_start(MUnit *u);        /* 0 started (state change follows), -EALREADY, -EBADR condition, -ECANCELED start limit, ... */
int munit_stop(MUnit *u);
int munit_reload(MUnit *u);
bool munit_can_reload(const MUnit *u);
/* Called by a type when its state changed: finishes jobs, propagates, runs OnFailure=. */
void munit_notify(MUnit *u, UnitActiveState old, UnitActiveState now, bool reload_success);
void munit_add_pid(MUnit *u, pid_t pid);
/* Room for one more pid in *array (n used of *cap): grows it 4, 8, ... up to UNIT_MAX_PIDS.
 * Returns 0 when there is room, -ENOSPC when full at UNIT_MAX_PIDS, -ENOMEM. */
int pid_array_grow(pid_t **array, unsigned *cap, unsigned n);
bool munit_has_pid(const MUnit *u, pid_t pid);
bool munit_test_start_limit(MUnit *u);
void munit_reset_failed(MUnit *u);
