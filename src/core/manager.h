/* SPDX-License-Identifier: MIT */
#pragma once
/* The manager: PID 1's state. It owns the event loop, the loader (configuration) and one MUnit
 * per loaded unit (runtime state), runs jobs in dependency order, and shuts everything down.
 *
 * Configuration (Unit, from src/unit) and runtime (MUnit) are separate objects so that
 * daemon-reload can replace the former while processes keep running. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/parse.h"
#include "core/cgroup.h"
#include "core/event.h"
#include "core/forward.h"
#include "core/kill.h"
#include "core/sys-ops.h"
#include "unit/load.h"

typedef struct ManagerSettings {
        const char *default_unit;   /* --unit= / systemd.unit= */
        bool show_status;           /* console lines */
        bool clean_environment;     /* --clean-environment: systemd's service environment */
        usec_t shutdown_timeout;    /* global bound for stopping everything */
        usec_t default_timeout_stop, default_timeout_start;
        bool exit_on_failure;       /* --exit-on-failure: a unit failed for good stops the container */
        const char *root;           /* for tests: --root of the loader */
} ManagerSettings;

typedef struct UnitVTable UnitVTable;

/* What the manager is made of besides itself (system.c gives PID 1's; in-process tests give
 * theirs): the unit types, and who hears of jobs and of the end. Any hook may be NULL. */
typedef struct ManagerParts {
        const UnitVTable *const *unit_types;    /* by UnitType; a NULL entry: that type is not run */
        const SysOps *ops;                      /* the system under the manager; NULL: sys_ops_real */
        void (*job_new)(Manager *m, const Job *j);
        void (*job_removed)(Manager *m, uint32_t id, const char *unit, JobResult r);
        void (*done)(Manager *m);               /* manager_free(), before the units are freed */
        void (*unit_failed)(MUnit *u);          /* u entered "failed" for good (--exit-on-failure) */
        void (*boot_finished)(Manager *m);      /* the boot transaction is done (the main program) */
        /* the shutdown began: true when the units must wait for something first (the main
         * program), which calls manager_stop_units() once it is gone */
        bool (*shutdown_wait)(Manager *m);
        /* a unit's active state changed (after the core's own handling) */
        void (*unit_changed)(MUnit *u, UnitActiveState os, UnitActiveState ns);
        /* a Type=dbus service started: true when it must wait for its BusName= to appear (the
         * system bus calls service_bus_name_owner_changed()); NULL or false: started as simple */
        bool (*bus_name_watch)(MUnit *u, const char *name);
} ManagerParts;

struct Manager {
        ManagerSettings set;
        const ManagerParts *parts;
        const UnitVTable *const *unit_types;   /* parts->unit_types */
        const SysOps *ops;                     /* processes, signals, exits, clocks, /proc (sys-ops.h) */
        EventLoop *event;
        Loader *loader;
        MUnit **list;               /* every unit (names lead to them through the loader's map) */
        size_t n_list, cap_list;
        void *deps_pool;            /* every unit's resolved dependencies (munit_resolve_all()) */
        size_t deps_pool_size;
        void **discard;             /* to free at the next GC pass (manager_discard_later()) */
        size_t n_discard;
        uint32_t last_job_id;
        unsigned n_jobs;
        Job *run_queue;
        EventSource *run_defer, *shutdown_timer, *notify_src, *gc_defer;
        EventSource *uphold_defer;  /* the pass over upheld units (uphold.c) */
        int notify_fd;
        char **environment;         /* what services inherit (container env, minus PID 1's own) */
        pid_t self;
        bool is_pid1;
        bool shutting_down;
        bool enqueuing_shutdown;    /* the stop jobs are not all enqueued yet (or wait for the main program) */
        int exit_code;              /* container exit status */
        uint32_t next_dynamic_uid;
        bool final_phase;           /* the last SIGTERM/SIGKILL round of shutdown has begun */
        ProcSnapshot procs;
        /* whether each child of ours is a unit's main or control process (kill.c), valid within
         * one event phase until the next child is reaped */
        struct { bool valid, all_known; uint64_t phase; } children;
        /* every unit's main and control pid with the unit's index in list, sorted by pid: built
         * once per event phase, each hit checked against the unit (kill.c) */
        struct { struct KnownPid *v; size_t n; uint64_t phase; bool valid; } known;
        CGroupRoot cgroup;          /* our writable cgroup2 group, or none (fd -1): cgroup.h */
        JournalServer *journal;     /* the journal server (journal.c); NULL if it could not start */
        /* the manager's start (also the OnBootSec=/OnStartupSec= base in a container); the boot
         * transaction's end */
        DualTimestamp userspace_ts, finish_ts;
        bool boot_finished;
        BusServer *bus;             /* the D-Bus API on /run/systemd/private (dbus.c) */
        SystemBus *sysbus;          /* PID 1 on the system bus, while dbus.service runs (dbus-system-bus.c) */
        struct MainCommand *main_command;  /* `tinysd -- CMD`: the container's main program, or NULL */
};

static inline usec_t manager_now(const Manager *m, clockid_t clock) {
        return m->ops->now(clock);
}

/* The manager of `parts` (manager_new() in system.h is PID 1's). */
int manager_new_with(const ManagerSettings *set, const ManagerParts *parts, Manager **ret);
void manager_free(Manager *m);
MUnit *manager_get_unit(Manager *m, const char *name);
/* How many names (ids and aliases) lead to units (NNames=). */
size_t manager_n_names(Manager *m);
/* Load (if needed) and return the runtime unit. */
int manager_load_unit(Manager *m, const char *name, MUnit **ret);
void manager_start_shutdown(Manager *m, int exit_code, const char *why);
/* The shutdown's stop jobs for every unit (after the main program is gone: main-command.c). */
void manager_stop_units(Manager *m);
/* Skip the stop jobs: what is left gets SIGTERM, then SIGKILL, and PID 1 exits with exit_code. */
void manager_force_exit(Manager *m, int exit_code);
/* --unit= or default.target (multi-user.target when the image has none) */
int manager_load_default_unit(Manager *m, MUnit **ret);
/* Shutdown: when the last job is gone, the final kill round and exit. */
void manager_check_finished(Manager *m);
int manager_reload(Manager *m);
/* Read one loaded unit's files again, in place (a transient unit's, set-property's drop-ins); the
 * caller then calls manager_load_dependencies(). */
int manager_reload_unit(Manager *m, MUnit *u);
/* Load the units every loaded unit names, transitively, with their reverse dependencies. */
int manager_load_dependencies(Manager *m);
/* Free units marked gc_pending (once they are inactive and jobless), before the loop sleeps. */
void manager_schedule_gc(Manager *m);
/* Free p at the next GC pass, when no traversal can still be walking it (a unit's old resolved
 * dependencies). */
void manager_discard_later(Manager *m, void *p);
/* SuccessAction=/FailureAction=/StartLimitAction= */
void manager_emergency_action(Manager *m, MUnit *u, EmergencyAction a, int exit_status, const char *reason);
