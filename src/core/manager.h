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
#include "base/hashmap.h"
#include "base/parse.h"
#include "base/ratelimit.h"
#include "core/cgroup.h"
#include "core/event.h"
#include "core/proc-scan.h"
#include "unit/load.h"

typedef enum UnitActiveState {
        UNIT_ACTIVE, UNIT_RELOADING, UNIT_INACTIVE, UNIT_FAILED, UNIT_ACTIVATING, UNIT_DEACTIVATING,
        _UNIT_ACTIVE_STATE_MAX,
} UnitActiveState;
const char *unit_active_state_to_string(UnitActiveState s);

typedef enum JobType {
        JOB_START, JOB_VERIFY_ACTIVE, JOB_STOP, JOB_RELOAD, JOB_RESTART, JOB_TRY_RESTART,
        JOB_RELOAD_OR_START, JOB_NOP, _JOB_TYPE_MAX,
} JobType;
const char *job_type_to_string(JobType t);

typedef enum JobState { JOB_WAITING, JOB_RUNNING } JobState;

typedef enum JobResult {
        JOB_DONE, JOB_CANCELED, JOB_TIMEOUT, JOB_FAILED, JOB_DEPENDENCY, JOB_SKIPPED, JOB_INVALID,
        JOB_ASSERT, JOB_UNSUPPORTED, JOB_COLLECTED, JOB_ONCE, _JOB_RESULT_MAX,
} JobResult;
const char *job_result_to_string(JobResult r);

typedef struct Manager Manager;
typedef struct MUnit MUnit;
typedef struct BusServer BusServer;

/* A point in time on both clocks, as systemd keeps its unit timestamps (0/0: never). */
typedef struct DualTimestamp {
        usec_t realtime, monotonic;
} DualTimestamp;
void dual_timestamp_now(DualTimestamp *ts);
typedef struct JournalServer JournalServer;

typedef struct Job {
        uint32_t id;
        MUnit *unit;
        JobType type;
        JobState state;
        bool irreversible;
        bool in_run_queue;
        bool quiet;              /* the unit was already where the job wanted it: no status line */
        struct Job *run_next;    /* run queue link */
        struct EventSource *timer; /* JobTimeoutSec=/JobRunningTimeoutSec=; NULL: none */
} Job;

/* systemd's service states (systemctl show SubState=). */
typedef enum ServiceState {
        SERVICE_DEAD, SERVICE_CONDITION, SERVICE_START_PRE, SERVICE_START, SERVICE_START_POST,
        SERVICE_RUNNING, SERVICE_EXITED, SERVICE_RELOAD, SERVICE_STOP, SERVICE_STOP_WATCHDOG,
        SERVICE_STOP_SIGTERM, SERVICE_STOP_SIGKILL, SERVICE_STOP_POST, SERVICE_FINAL_WATCHDOG,
        SERVICE_FINAL_SIGTERM, SERVICE_FINAL_SIGKILL, SERVICE_FAILED, SERVICE_AUTO_RESTART,
        _SERVICE_STATE_MAX,
} ServiceState;
const char *service_state_to_string(ServiceState s);

typedef enum ServiceResult {
        SERVICE_SUCCESS, SERVICE_FAILURE_RESOURCES, SERVICE_FAILURE_PROTOCOL, SERVICE_FAILURE_TIMEOUT,
        SERVICE_FAILURE_EXIT_CODE, SERVICE_FAILURE_SIGNAL, SERVICE_FAILURE_CORE_DUMP,
        SERVICE_FAILURE_WATCHDOG, SERVICE_FAILURE_START_LIMIT_HIT, SERVICE_SKIP_CONDITION,
        _SERVICE_RESULT_MAX,
} ServiceResult;
const char *service_result_to_string(ServiceResult r);

#define UNIT_MAX_PIDS 64

/* systemd's socket states (systemctl show SubState=) and results. */
typedef enum SocketState {
        SOCKET_DEAD, SOCKET_START_PRE, SOCKET_START_POST, SOCKET_LISTENING, SOCKET_RUNNING,
        SOCKET_STOP_PRE, SOCKET_STOP_POST, SOCKET_FAILED, _SOCKET_STATE_MAX,
} SocketState;
const char *socket_state_to_string(SocketState s);

typedef enum SocketResult {
        SOCKET_SUCCESS, SOCKET_FAILURE_RESOURCES, SOCKET_FAILURE_TIMEOUT, SOCKET_FAILURE_EXIT_CODE,
        SOCKET_FAILURE_SIGNAL, SOCKET_FAILURE_CORE_DUMP, SOCKET_FAILURE_START_LIMIT_HIT,
        SOCKET_FAILURE_TRIGGER_LIMIT_HIT, SOCKET_FAILURE_SERVICE_START_LIMIT_HIT, _SOCKET_RESULT_MAX,
} SocketResult;
const char *socket_result_to_string(SocketResult r);

typedef enum TimerState {
        TIMER_DEAD, TIMER_WAITING, TIMER_RUNNING, TIMER_ELAPSED, TIMER_FAILED, _TIMER_STATE_MAX,
} TimerState;
const char *timer_state_to_string(TimerState s);

/* Runtime of a timer unit (timer.c). */
typedef struct TimerRuntime {
        TimerState state;
        EventSource *timer;          /* one deadline: the earliest of every trigger */
        usec_t next_monotonic;       /* USEC_INFINITY: none */
        usec_t next_realtime;        /* the calendar part, USEC_INFINITY none */
        usec_t last_trigger_monotonic, last_trigger_realtime;
        bool calendar_notice_done;
} TimerRuntime;

typedef enum PathState { PATH_DEAD, PATH_WAITING, PATH_RUNNING, PATH_FAILED, _PATH_STATE_MAX } PathState;
const char *path_state_to_string(PathState s);

/* Runtime of a path unit (path.c): one inotify fd watching every spec's path and ancestors. */
typedef struct PathRuntime {
        PathState state;
        int inotify_fd;
        EventSource *io;
        RateLimit trigger_limit;      /* TriggerLimitIntervalSec=/TriggerLimitBurst= */
} PathRuntime;

/* Runtime of a socket unit (socket.c). Its control process (ExecStartPre= ...) is svc.control_pid,
 * so process discovery and the kill logic treat it like a service's. */
typedef struct SocketRuntime {
        SocketState state;
        SocketResult result;
        int *fds;                    /* one per SocketPort, -1 where a port could not be opened */
        EventSource **io;
        size_t n_fds;
        int control_id;              /* SocketExecCommand of the running control process */
        const ExecCommand *control_command;
        EventSource *control_watch, *timer;
        bool timeout_killed;         /* the control process got KillSignal= after its timeout */
        unsigned n_accepted, n_connections;
        RateLimit trigger_limit;      /* TriggerLimitIntervalSec=/TriggerLimitBurst= */
} SocketRuntime;

/* Runtime of a service (service.c). */
typedef struct ServiceRuntime {
        ServiceState state;
        ServiceResult result, reload_result;
        pid_t main_pid, control_pid;
        bool main_pid_known, main_pid_alien;
        bool flush_n_restarts;                /* stopped for good: the next start resets n_restarts */
        bool restart_queued;                  /* n_restarts counts a restart that has not started yet */
        EventSource *main_watch, *control_watch, *exec_watch;  /* child exits; Type=exec report pipe */
        int exec_report_fd;
        ServiceExecCommand control_id;        /* which list the control process runs */
        const ExecCommand *control_command;   /* current command of that list */
        const ExecCommand *main_command;      /* current ExecStart= (oneshot runs several) */
        EventSource *timer;                   /* state timeout, restart delay, watchdog */
        usec_t watchdog_usec;
        EventSource *watchdog_timer;
        int main_exit_code, main_exit_status;  /* CLD_* and status, for $EXIT_CODE/$EXIT_STATUS */
        pid_t exec_main_pid;                   /* the last main process (ExecMainPID=) */
        DualTimestamp exec_main_start, exec_main_exit;
        bool forbid_restart, reload_pending_ready;
        unsigned n_restarts;                  /* restart jobs queued (NRestarts=) */
        char *status_text;
        int status_errno;
        int *fd_store; char **fd_store_names; size_t n_fd_store;
        int socket_fd;                        /* Accept=yes: the connection (owned), else -1 */
        MUnit *accept_socket;                 /* the socket that made this instance */
        char *peer;                           /* its remote address, for MaxConnectionsPerSource= */
        /* the current kill round: who got `round_signal` already (see munit_kill_stragglers) */
        int round_signal;
        unsigned long long round_ticks;       /* when it began, in /proc starttime units */
        unsigned n_signaled, cap_signaled;
        pid_t *signaled;                      /* grown on demand, at most UNIT_MAX_PIDS */
} ServiceRuntime;

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

typedef struct ManagerSettings {
        const char *default_unit;   /* --unit= / systemd.unit= */
        bool show_status;           /* console lines */
        bool clean_environment;     /* --clean-environment: systemd's service environment */
        usec_t shutdown_timeout;    /* global bound for stopping everything */
        usec_t default_timeout_stop, default_timeout_start;
        bool exit_on_failure;       /* --exit-on-failure: a unit failed for good stops the container */
        const char *root;           /* for tests: --root of the loader */
} ManagerSettings;

/* A /proc snapshot shared within one phase of the event loop (kill.c). */
typedef struct ProcSnapshot {
        bool valid;
        uint64_t phase;             /* event_phase() it was taken in */
        ProcTable table;
        char (*invocation)[33];     /* parallel to table.procs: $INVOCATION_ID of orphans of PID 1
                                     * that are no unit's main or control process, else "" */
        size_t *with_invocation;    /* the indexes whose invocation is not "" */
        size_t n_with_invocation;
} ProcSnapshot;

struct Manager {
        ManagerSettings set;
        EventLoop *event;
        Loader *loader;
        Hashmap *units;             /* every name (id and aliases) → MUnit */
        MUnit **list; size_t n_list, cap_list;
        uint32_t last_job_id;
        unsigned n_jobs;
        Job *run_queue;
        EventSource *run_defer, *shutdown_timer, *notify_src, *gc_defer;
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
        struct MainCommand *main_command;  /* `tinysd -- CMD`: the container's main program, or NULL */
};

/* manager.c */
int manager_new(const ManagerSettings *set, Manager **ret);
void manager_free(Manager *m);
int manager_boot(Manager *m);
int manager_run(Manager *m);      /* the loop; returns the exit code */
MUnit *manager_get_unit(Manager *m, const char *name);
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
/* Free units marked gc_pending (once they are inactive and jobless), before the loop sleeps. */
void manager_schedule_gc(Manager *m);
/* SuccessAction=/FailureAction=/StartLimitAction= */
void manager_emergency_action(Manager *m, MUnit *u, EmergencyAction a, int exit_status, const char *reason);
/* The console: systemd's "[  OK  ] Started foo.service - Foo." lines (console.c). */
typedef enum StatusKind { STATUS_OK, STATUS_FAILED, STATUS_DEPEND, STATUS_TIME, STATUS_INFO, STATUS_WARN } StatusKind;
void manager_status(Manager *m, StatusKind k, MUnit *u, const char *fmt_prefix, const char *suffix);
void manager_status_line(Manager *m, StatusKind k, const char *text);

/* munit.c: the type-independent unit logic. */
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
MUnit *munit_follow(MUnit *u, const char *name);
void munit_add_pid(MUnit *u, pid_t pid);
/* Room for one more pid in *array (n used of *cap): grows it 4, 8, ... up to UNIT_MAX_PIDS.
 * Returns 0 when there is room, -ENOSPC when full at UNIT_MAX_PIDS, -ENOMEM. */
int pid_array_grow(pid_t **array, unsigned *cap, unsigned n);
bool munit_has_pid(const MUnit *u, pid_t pid);
bool munit_test_start_limit(MUnit *u);
void munit_reset_failed(MUnit *u);
MUnit *manager_unit_by_pid(Manager *m, pid_t pid);
#define UNIT_IS_ACTIVE_OR_RELOADING(s) ((s) == UNIT_ACTIVE || (s) == UNIT_RELOADING)
#define UNIT_IS_INACTIVE_OR_FAILED(s) ((s) == UNIT_INACTIVE || (s) == UNIT_FAILED)

/* job.c */
int manager_add_job(Manager *m, JobType type, MUnit *u, JobMode mode, Job **ret);
Job *manager_get_job(Manager *m, uint32_t id);   /* NULL: no such job (any more) */
void job_finish(Job *j, JobResult r);
void manager_dispatch_run_queue(Manager *m);
void job_schedule_neighbours(MUnit *u);
void job_free(Job *j);
void job_requeue(Job *j);   /* check again whether it can run */
void job_restart_stopped(Job *j);

/* service.c */
int service_start(MUnit *u);
int service_stop(MUnit *u);
int service_reload(MUnit *u);
void service_init_runtime(MUnit *u);
void service_done_runtime(MUnit *u);
UnitActiveState service_active_state(const MUnit *u);
struct NotifyMessage;
void service_notify_message(MUnit *u, pid_t pid, const struct NotifyMessage *msg, const int *fds, size_t n_fds);
void service_orphan_exited(MUnit *u, pid_t pid);
void service_reset_failed(MUnit *u);
/* RestartUSecNext=: the delay before the next automatic restart (systemd 254). */
usec_t service_restart_usec_next_runtime(const MUnit *u);
void service_start_limit_hit(MUnit *u);

/* log-stream.c: service output through the journal (StandardOutput=journal, the default). */
/* A stream for a process of u about to be spawned with command path `path`: *ret_fd is the
 * writing end for the child (close it after the spawn); the journal reads the other end with the
 * unit's log settings as they are now. -ENOTCONN without a journal. */
int log_stream_new(MUnit *u, const char *path, int *ret_fd);

/* journal.c: the journal server (store, sockets, forwarding). Setup at boot; drain after the loop
 * (what clients sent last still reaches stdout); done last (closes the store). */
int manager_setup_journal(Manager *m);
void manager_journal_drain(Manager *m);
void manager_journal_done(Manager *m);
struct JournalUnitInfo;
/* The unit's log settings for the journal (pointers into u, valid until the journal copies them). */
void journal_unit_info(const MUnit *u, struct JournalUnitInfo *ret);

/* socket.c */
int socket_start(MUnit *u);
int socket_stop(MUnit *u);
void socket_init_runtime(MUnit *u);
void socket_done_runtime(MUnit *u);
void socket_reset_failed(MUnit *u);
/* A unit this socket triggers changed state: go back to listening when it is gone. */
void socket_trigger_notify(MUnit *sock, MUnit *other);
/* The listening fds a service gets (Accept=no sockets that trigger it, in TriggeredBy= order),
 * with LISTEN_FDNAMES= names. Borrowed fds; the caller frees the arrays (not the strings). */
int socket_collect_fds(MUnit *svc, int **ret_fds, const char ***ret_names, size_t *ret_n);
/* An Accept=yes instance is gone: its connection is closed and counted out. */
void socket_connection_release(MUnit *svc);

/* path.c */
int path_start(MUnit *u);
int path_stop(MUnit *u);
void path_init_runtime(MUnit *u);
void path_done_runtime(MUnit *u);
void path_reset_failed(MUnit *u);
void path_trigger_notify(MUnit *path, MUnit *other);

/* timer.c */
int timer_start(MUnit *u);
int timer_stop(MUnit *u);
void timer_done_runtime(MUnit *u);
void timer_reset_failed(MUnit *u);
/* The unit this timer triggers changed state: re-arm (OnUnitActiveSec=/OnUnitInactiveSec=). */
void timer_trigger_notify(MUnit *timer, MUnit *other);
/* The next elapse of an OnCalendar= expression after `after` (CLOCK_REALTIME usec). */
int timer_calendar_next(const char *expr, usec_t after, usec_t *ret);

/* notify.c */
int manager_setup_notify(Manager *m);

/* kill.c: a unit's processes (its cgroup, or discovery through /proc) and the kill sequence. */
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
void manager_proc_gone(pid_t pid, void *userdata);   /* event_pid_gone_fn */
void proc_snapshot_done(ProcSnapshot *ps);

/* exec-run.c: everything between a unit's configuration and exec_spawn(). */
int munit_spawn(MUnit *u, const ExecCommand *c, bool is_control, pid_t *ret_pid, int *ret_report_fd);
int munit_prepare_directories(MUnit *u);
void munit_remove_runtime_directories(MUnit *u);

/* container.c */
int container_setup(Manager *m, char **envp);
int manager_build_environment(Manager *m, char **envp);
