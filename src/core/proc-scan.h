/* SPDX-License-Identifier: MIT */
#pragma once
/* Finding the processes of a unit without cgroups: a snapshot of /proc and the membership
 * computation that KillMode=control-group uses in an unprivileged container.
 *
 * tinysd is PID 1 (or a child subreaper), so every orphan is re-parented to it, and exec_spawn()
 * makes each process it starts a session leader (sid == pid). A unit's processes are then found
 * through three links that survive the death of intermediate processes: the parent chain (ppid),
 * the session id and the process group id. The kernel keeps a pid number allocated while it is
 * still some process's sid or pgid, so a dead leader's pid is a safe name for its session.
 *
 * Functions return 0 (or a count) on success and a negative errno on failure. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Upper bound on the processes one snapshot holds; proc_table_read() fails with -E2BIG beyond. */
#define PROC_TABLE_MAX (1U << 20)
/* Bytes read of one /proc/PID/stat (real ones are < 1 KiB; what follows is cut off, which is
 * harmless as long as field 22, starttime, is complete). */
#define PROC_STAT_MAX 4096

typedef struct ProcInfo {
        pid_t pid, ppid, pgid, sid;
        unsigned long long starttime;  /* clock ticks since boot, field 22 */
        char state;                    /* R S D Z T t X I ... */
} ProcInfo;

struct KeyIdx;
typedef struct ProcTable {
        ProcInfo *procs;               /* sorted by pid */
        size_t n;
        /* the table sorted by ppid, sid and pgid: built by the first proc_unit_members() call
         * and kept, so N units cost one sort per snapshot (ProcInfo.state may still change) */
        struct KeyIdx *by_key[3];
} ProcTable;

static inline bool proc_state_is_dead(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

/* Parse the text of one /proc/PID/stat: "PID (COMM) S PPID PGID SID ... STARTTIME ...". COMM is
 * whatever lies between the first '(' and the last ')' and may contain spaces, parentheses and
 * newlines. -EINVAL if the text is malformed or ends before starttime is complete. */
int proc_stat_parse(const char *buf, size_t size, ProcInfo *ret);

/* Snapshot every /proc/[0-9]+/stat below proc_root (NULL = "/proc"; another directory with the
 * same layout for tests). Only processes are listed, not threads. A process that vanishes
 * mid-scan (ENOENT, ESRCH, empty read) is skipped, and so is an entry that cannot be read
 * (EACCES) or parsed (logged at debug level). -E2BIG beyond `max` (PROC_TABLE_MAX for
 * proc_table_read()) processes. */
int proc_table_read(const char *proc_root, ProcTable *ret);
int proc_table_read_max(const char *proc_root, size_t max, ProcTable *ret);
void proc_table_done(ProcTable *t);
const ProcInfo *proc_table_find(const ProcTable *t, pid_t pid);

/* Read one pid's stat (same parser). -ESRCH if it is gone, -EINVAL if it does not parse. */
int proc_info_read(const char *proc_root, pid_t pid, ProcInfo *ret);

/* The processes of a unit, computed to a fixed point:
 *   - `seeds` are pids known to belong to the unit (main, control, MAINPID=, ...); a live seed is
 *     a member. The caller should not pass pids it has already reaped, as their numbers may have
 *     been reused by an unrelated process; it may keep them in `sessions`.
 *   - `sessions` are session or process-group ids created by the unit. Every seed's pid also
 *     counts as one (exec_spawn() calls setsid(), so a seed's sid is its pid).
 *   - a process whose sid or pgid is in that set is a member;
 *   - a process whose parent is a member is a member;
 *   - a member's sid and pgid join the set.
 * Safety: `self` and its ancestors are never members, and neither self's own sid and pgid nor
 * the pid of self or of an ancestor ever joins the set (a seed that never called setsid() does
 * not pull in the manager's whole session); ids <= 0 are ignored.
 * Zombies take part in the computation (their sid and pgid still count) but are not returned:
 * they cannot be signalled and leave once reaped.
 * *ret is malloc'd (NULL when *ret_n is 0), sorted, without duplicates. */
int proc_unit_members(const ProcTable *t, pid_t self,
                      const pid_t *seeds, size_t n_seeds,
                      const pid_t *sessions, size_t n_sessions,
                      pid_t **ret, size_t *ret_n);

/* Live (non-zombie) children of `self` that are not in `known` (sorted ascending) and started at
 * or after since_ticks: the candidates for a forking service's daemon that was re-parented to us
 * without our seeing it born. *ret as above. */
int proc_orphans_since(const ProcTable *t, pid_t self, unsigned long long since_ticks,
                       const pid_t *known, size_t n_known, pid_t **ret, size_t *ret_n);

/* Clock ticks since boot now, comparable to ProcInfo.starttime (CLOCK_BOOTTIME in units of
 * sysconf(_SC_CLK_TCK), rounded down: a process started after this call has a starttime >= it). */
unsigned long long proc_now_ticks(void);
