/* SPDX-License-Identifier: MIT */
#pragma once
/* Which processes belong to a unit (its cgroup, or discovery through /proc) and the kill sequence
 * (kill.c); also the reverse: the unit a pid belongs to. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/forward.h"
#include "core/proc-scan.h"

/* A /proc snapshot shared within one phase of the event loop (kill.c). */
typedef struct ProcSnapshot {
        bool valid;
        uint64_t phase; /* event_phase() it was taken in */
        ProcTable table;
        char (*invocation)[33];  /* parallel to table.procs: $INVOCATION_ID of orphans of PID 1
                                     * that are no unit's main or control process, else "" */
        size_t *with_invocation; /* the indexes whose invocation is not "" */
        size_t n_with_invocation;
} ProcSnapshot;

int munit_members(MUnit *u, pid_t **ret, size_t *ret_n);
/* The unit's cgroup (cgroup.h), made before its first process is spawned: 1 when made (or there
 * already), 0 when PID 1 has no cgroups, a negative errno (logged) when it cannot be made. */
int munit_cgroup_realize(MUnit *u);
/* Remove the unit's cgroup once the unit is inactive: kept while processes remain in it. */
void munit_cgroup_release(MUnit *u);
/* Send sig to the unit's processes as KillMode says (main and control always). Returns how many
 * processes were signalled. main_only: KillMode=mixed's SIGTERM round. */
int munit_kill(MUnit *u, int sig, bool main_only);
/* A kill round: munit_kill() remembers who got `sig`; stragglers (forked meanwhile) get it later. */
void munit_kill_round_begin(MUnit *u, int sig);
int munit_kill_stragglers(MUnit *u);
int manager_kill_all(Manager *m, int sig);
/* The /proc snapshot of the current loop phase (NULL on failure); freed by proc_snapshot_done(). */
const ProcTable *manager_proc_table(Manager *m);
void manager_proc_gone(pid_t pid, void *userdata); /* event_pid_gone_fn */
void proc_snapshot_done(ProcSnapshot *ps);
/* The unit pid most likely belongs to: the one whose main or control process it is, its cgroup's,
 * else the first whose processes it descends from or shares a session with (a fast guess, enough
 * to name a log line's unit); NULL: none. */
MUnit *manager_unit_by_pid(Manager *m, pid_t pid);
/* Is pid one of u's processes now: its main or control process, in its cgroup where PID 1 has
 * one, else one of munit_members() (the rule the kill logic follows)? Never PID 1. */
bool munit_owns_pid(MUnit *u, pid_t pid);
