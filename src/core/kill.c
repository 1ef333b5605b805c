/* SPDX-License-Identifier: MIT */
/* Which processes belong to a unit, and signalling them (systemd.kill(5)).
 *
 * Where PID 1 has a writable cgroup2 (cgroup.h), a unit's processes are those of its cgroup.
 * Without one, they are found by proc_unit_members() from every pid the unit ever had (its
 * sessions and process groups survive their leaders), plus the orphans re-parented to us that
 * still carry the unit's $INVOCATION_ID in their initial environment: a daemon that double-forks
 * and calls setsid() leaves no other trace. See docs/ARCHITECTURE.md, "Processes without cgroups". */
#include <limits.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include "base/log.h"
#include "core/event.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/proc-scan.h"

#define ENVIRON_MAX (256 * 1024)

/* The $INVOCATION_ID in a process's initial environment, or "" (unreadable, absent). */
static void read_invocation_id(Manager *m, pid_t pid, char ret[static 33]) {
        ret[0] = 0;
        static char buf[ENVIRON_MAX];
        ssize_t n = m->ops->read_environ(pid, buf, sizeof buf - 1);
        if (n <= 0) return;
        buf[n] = 0;
        for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
                const char *v = startswith(buf + i, "INVOCATION_ID=");
                if (v && strlen(v) == 32) {
                        memcpy(ret, v, 33);
                        return;
                }
        }
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
        return x < y ? -1 : x > y;
}

typedef struct KnownPid {
        pid_t pid;
        size_t unit;   /* index in Manager.list when the table was built */
} KnownPid;

static int cmp_known(const void *a, const void *b) {
        return cmp_pid(&((const KnownPid *)a)->pid, &((const KnownPid *)b)->pid);
}

/* Is pid, now, some unit's main or control process? The table is of this phase; a unit that
 * moved in the list or changed its pids since fails the check (the caller then scans). */
static bool pid_is_known(Manager *m, pid_t pid) {
        uint64_t phase = event_phase(m->event);
        if (!m->known.valid || m->known.phase != phase) {
                KnownPid *v = reallocarray(m->known.v, 2 * m->n_list + 1, sizeof *v);
                if (!v) return false;
                size_t n = 0;
                for (size_t i = 0; i < m->n_list; i++) {
                        pid_t main_pid = munit_main_pid(m->list[i]), control_pid = munit_control_pid(m->list[i]);
                        if (main_pid > 0) v[n++] = (KnownPid){ main_pid, i };
                        if (control_pid > 0) v[n++] = (KnownPid){ control_pid, i };
                }
                qsort(v, n, sizeof *v, cmp_known);
                m->known = (typeof(m->known)){ .v = v, .n = n, .phase = phase, .valid = true };
        }
        KnownPid key = { .pid = pid };
        const KnownPid *k = bsearch(&key, m->known.v, m->known.n, sizeof *m->known.v, cmp_known);
        if (!k) return false;
        /* equal pids are neighbours: any of them may be the current one */
        while (k > m->known.v && k[-1].pid == pid) k--;
        for (; k < m->known.v + m->known.n && k->pid == pid; k++)
                if (k->unit < m->n_list && (munit_main_pid(m->list[k->unit]) == pid || munit_control_pid(m->list[k->unit]) == pid))
                        return true;
        return false;
}

/* The /proc snapshot of this phase of the event loop, shared by every unit that asks: stopping
 * N units costs one scan per loop phase, not several per unit. The environment is read only of
 * orphans of PID 1 that are no unit's main or control process (escaped daemons), once each. */
static int snapshot(Manager *m, const ProcSnapshot **ret) {
        ProcSnapshot *ps = &m->procs;
        uint64_t phase = event_phase(m->event);
        if (ps->valid && ps->phase == phase) {
                *ret = ps;
                return 0;
        }
        proc_snapshot_done(ps);
        int r = m->ops->proc_table_read(&ps->table);
        if (r < 0) return r;
        ps->invocation = calloc(ps->table.n + 1, sizeof *ps->invocation);
        ps->with_invocation = calloc(ps->table.n + 1, sizeof *ps->with_invocation);
        ps->n_with_invocation = 0;
        if (!ps->invocation || !ps->with_invocation) {
                proc_snapshot_done(ps);
                return -ENOMEM;
        }
        for (size_t i = 0; i < ps->table.n; i++) {
                const ProcInfo *p = &ps->table.procs[i];
                if (p->ppid == m->self && !proc_state_is_dead(p->state) && !pid_is_known(m, p->pid)) {
                        read_invocation_id(m, p->pid, ps->invocation[i]);
                        if (ps->invocation[i][0]) ps->with_invocation[ps->n_with_invocation++] = i;
                }
        }
        ps->phase = phase;
        ps->valid = true;
        *ret = ps;
        return 0;
}

void proc_snapshot_done(ProcSnapshot *ps) {
        proc_table_done(&ps->table);
        free(ps->invocation);
        ps->invocation = NULL;
        free(ps->with_invocation);
        ps->with_invocation = NULL;
        ps->n_with_invocation = 0;
        ps->valid = false;
}

/* A child of ours was reaped: the snapshot of this phase (see event.h) is read again when next
 * asked for, and so is our list of children. Striking the one pid from it is not enough: the
 * children the process forked after the snapshot (a SIGTERM handler's, say) are re-parented to us
 * now and are in no snapshot taken before, so a kill round after this exit in the same phase (a
 * main process's exit moves its unit on to final-sigterm) would miss them. A batch of reaped
 * children is struck before any of their callbacks runs: one scan still serves the batch. */
void manager_proc_gone(pid_t pid, void *userdata) {
        (void)pid;
        ((Manager *)userdata)->children.valid = false;
        ((Manager *)userdata)->procs.valid = false;
}

const ProcTable *manager_proc_table(Manager *m) {
        const ProcSnapshot *ps;
        return snapshot(m, &ps) < 0 ? NULL : &ps->table;
}

int munit_cgroup_realize(MUnit *u) {
        const CGroupRoot *cg = &u->m->cgroup;
        if (!cgroup_root_enabled(cg)) return 0;
        if (u->cgroup_rel) return 1;   /* kept until the unit is inactive and its group empty */
        _cleanup_free_ char *rel = NULL;
        const char *slice = u->cfg ? unit_slice(u->cfg) : NULL;
        int r = cgroup_unit_rel(u->id, slice ? slice : "system.slice", &rel);
        if (r >= 0) r = cgroup_create(cg, rel);
        if (r < 0) return log_error_errno(r, "%s: Failed to create cgroup %s: %m", u->id, rel ? rel : u->id);
        u->cgroup_rel = TAKE_PTR(rel);
        return 1;
}

void munit_cgroup_release(MUnit *u) {
        if (!u->cgroup_rel) return;
        int r = cgroup_remove(&u->m->cgroup, u->cgroup_rel);
        if (r == -EBUSY) return;   /* KillMode=none/process left processes: it stays theirs */
        if (r < 0) log_debug("%s: Failed to remove cgroup %s: %s", u->id, u->cgroup_rel, strerror(-r));
        free(u->cgroup_rel);
        u->cgroup_rel = NULL;
}

/* Is every child of ours some unit's main or control process? Then a unit that has neither has no
 * process left: a survivor would have an ancestor among our children (we are PID 1 or a
 * subreaper: orphans come to us) that belongs to the unit — its own session's leader or an
 * orphan of it, and never another unit's main or control process. One read of our list of
 * children instead of a /proc scan; false when the list cannot be read (CONFIG_PROC_CHILDREN). */
static bool children_all_known(Manager *m) {
        uint64_t phase = event_phase(m->event);
        if (m->children.valid && m->children.phase == phase) return m->children.all_known;
        _cleanup_free_ char *text = NULL;
        size_t n = 0;
        bool all = m->ops->read_children(&text, &n) >= 0;
        for (char *p = text, *end; all && p && *p; p = end) {
                long v = strtol(p, &end, 10);
                if (end == p) break;
                all = pid_is_known(m, (pid_t)v);
        }
        m->children.valid = true;
        m->children.phase = phase;
        m->children.all_known = all;
        return all;
}

int munit_members(MUnit *u, pid_t **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        if (cgroup_root_enabled(&u->m->cgroup)) {
                if (!u->cgroup_rel) return 0;
                int r = cgroup_read_pids(&u->m->cgroup, u->cgroup_rel, ret, ret_n);
                /* never ourselves, even if a service (as root) wrote our pid into its group */
                size_t k = 0;
                for (size_t i = 0; r >= 0 && i < *ret_n; i++)
                        if ((*ret)[i] != u->m->self) (*ret)[k++] = (*ret)[i];
                if (r >= 0) *ret_n = k;
                return r;
        }
        pid_t main_pid = munit_main_pid(u), control_pid = munit_control_pid(u);
        if (main_pid <= 0 && control_pid <= 0 && children_all_known(u->m)) return 0;
        const ProcSnapshot *ps;
        int r = snapshot(u->m, &ps);
        if (r < 0) return r;
        const ProcTable *t = &ps->table;
        /* live seeds: main, control, and escaped daemons found by their environment (a daemon that
         * forked after setsid() leads no session, so it must be a seed, not a session) */
        pid_t seeds[2 + 64];
        size_t n_seeds = 0;
        if (main_pid > 0) seeds[n_seeds++] = main_pid;
        if (control_pid > 0) seeds[n_seeds++] = control_pid;
        for (size_t k = 0; u->invocation_id[0] && k < ps->n_with_invocation && n_seeds < ELEMENTSOF(seeds); k++) {
                size_t i = ps->with_invocation[k];
                if (streq(ps->invocation[i], u->invocation_id)) seeds[n_seeds++] = t->procs[i].pid;
        }
        /* every pid the unit ever had names a session or group that may outlive it */
        pid_t sessions[UNIT_MAX_PIDS];
        size_t n_sessions = 0;
        for (unsigned i = 0; i < u->n_pids; i++) sessions[n_sessions++] = u->pids[i];
        pid_t *members = NULL;
        size_t n = 0;
        r = proc_unit_members(t, u->m->self, seeds, n_seeds, sessions, n_sessions, &members, &n);
        if (r < 0) return r;
        *ret = members;
        *ret_n = n;
        return 0;
}

static bool signaled_before(const KillRound *s, pid_t pid) {
        for (unsigned i = 0; i < s->n_signaled; i++)
                if (s->signaled[i] == pid) return true;
        return false;
}

/* Signal one member; remember it when this is the round's signal (a full set only means a
 * straggler may get the signal twice, never that it is missed). */
static bool signal_member(const SysOps *ops, KillRound *s, pid_t pid, int sig) {
        if (ops->kill(pid, sig) < 0) return false;
        if (sig != SIGKILL && sig != SIGCONT) (void)ops->kill(pid, SIGCONT);
        if (sig == s->signal && pid_array_grow(&s->signaled, &s->cap_signaled, s->n_signaled) >= 0)
                s->signaled[s->n_signaled++] = pid;
        return true;
}

int munit_kill(MUnit *u, int sig, bool main_only) {
        KillRound *s = &u->kill_round;
        int n = 0;
        pid_t main_pid = munit_main_pid(u), control_pid = munit_control_pid(u);
        if (main_pid > 0 && signal_member(u->m->ops, s, main_pid, sig)) n++;
        if (control_pid > 0 && signal_member(u->m->ops, s, control_pid, sig)) n++;
        if (main_only) return n;
        pid_t *members = NULL;
        size_t k = 0;
        if (munit_members(u, &members, &k) < 0) return n;
        for (size_t i = 0; i < k; i++) {
                if (members[i] == main_pid || members[i] == control_pid) continue;
                if (signal_member(u->m->ops, s, members[i], sig)) n++;
        }
        free(members);
        return n;
}

/* Now in the units of /proc/PID/stat's starttime: clock ticks since boot. */
static unsigned long long boot_ticks(const Manager *m) {
        usec_t now = manager_now(m, CLOCK_BOOTTIME);
        long hz = sysconf(_SC_CLK_TCK);
        if (hz <= 0) hz = 100;
        return now / (USEC_PER_SEC / (unsigned long long)hz);
}

void munit_kill_round_begin(MUnit *u, int sig) {
        KillRound *k = &u->kill_round;
        k->signal = sig;
        k->ticks = sig > 0 ? boot_ticks(u->m) : 0;
        k->n_signaled = 0;
        if (sig <= 0) {   /* no round: its record goes (a stopped unit holds none) */
                free(k->signaled);
                k->signaled = NULL;
                k->cap_signaled = 0;
        }
}

/* systemd re-reads the cgroup until no new process appears, so a child forked while the signal
 * was being sent still gets it, but one forked later (say, by a SIGTERM handler) does not. The
 * /proc snapshot has the same window; it is closed here, when the stop is next checked: members
 * that already existed when the round began (same clock tick included) and were missed get the
 * round's signal once. Later children are left alone, as systemd leaves them. */
int munit_kill_stragglers(MUnit *u) {
        KillRound *s = &u->kill_round;
        if (s->signal <= 0) return 0;
        pid_t *members = NULL;
        size_t k = 0;
        int r = munit_members(u, &members, &k);
        if (r < 0 || k == 0) return r;
        /* starttimes: from the snapshot munit_members() took, or per member with cgroups */
        const ProcSnapshot *ps = NULL;
        if (!cgroup_root_enabled(&u->m->cgroup) && (r = snapshot(u->m, &ps)) < 0) {
                free(members);
                return r;
        }
        int n = 0;
        for (size_t i = 0; i < k; i++) {
                if (signaled_before(s, members[i])) continue;
                ProcInfo pi;
                const ProcInfo *p = ps ? proc_table_find(&ps->table, members[i])
                                       : u->m->ops->proc_info_read(members[i], &pi) >= 0 ? &pi : NULL;
                if (!p || p->starttime > s->ticks) continue;
                if (signal_member(u->m->ops, s, members[i], s->signal)) n++;
        }
        free(members);
        return n;
}

/* The last round of shutdown: every process we are an ancestor of (as PID 1: all of them). */
int manager_kill_all(Manager *m, int sig) {
        if (m->is_pid1) {
                int r = m->ops->kill(-1, sig);   /* PID 1 is never signalled by kill(-1) */
                return r < 0 ? (errno == ESRCH ? 0 : -errno) : 1;
        }
        const ProcTable *t = manager_proc_table(m);
        if (!t) return -ENOMEM;
        int n = 0;
        for (size_t i = 0; i < t->n; i++) {
                const ProcInfo *p = &t->procs[i];
                if (p->pid == m->self || proc_state_is_dead(p->state)) continue;
                /* is self an ancestor? */
                const ProcInfo *q = p;
                for (int depth = 0; q && depth < 4096; depth++) {
                        if (q->ppid == m->self) {
                                if (m->ops->kill(p->pid, sig) == 0) n++;
                                break;
                        }
                        if (q->ppid <= 1) break;
                        q = proc_table_find(t, q->ppid);
                }
        }
        return n;
}

/* The unit whose cgroup holds pid: the deepest component of its group that names a unit with
 * that group (a Delegate= service's subgroups are its own). */
static MUnit *unit_by_cgroup(Manager *m, pid_t pid) {
        _cleanup_free_ char *rel = NULL;
        if (cgroup_pid_rel(&m->cgroup, NULL, pid, &rel) < 0) return NULL;
        for (size_t len = strlen(rel); len > 0;) {
                rel[len] = 0;
                char *slash = strrchr(rel, '/');
                const char *name = slash ? slash + 1 : rel;
                if (name[0] == '_') name++;   /* systemd's cg_unescape() */
                MUnit *u = manager_get_unit(m, name);
                if (u && u->cgroup_rel && streq(u->cgroup_rel, rel)) return u;
                len = slash ? (size_t)(slash - rel) : 0;
        }
        return NULL;
}

bool munit_owns_pid(MUnit *u, pid_t pid) {
        if (pid <= 1 || pid == u->m->self) return false;
        if (pid == munit_main_pid(u) || pid == munit_control_pid(u)) return true;
        if (cgroup_root_enabled(&u->m->cgroup)) return unit_by_cgroup(u->m, pid) == u;
        pid_t *members = NULL;
        size_t n = 0;
        bool found = false;
        if (munit_members(u, &members, &n) >= 0)
                for (size_t i = 0; i < n && !found; i++) found = members[i] == pid;
        free(members);
        return found;
}

MUnit *manager_unit_by_pid(Manager *m, pid_t pid) {
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (munit_main_pid(u) == pid || munit_control_pid(u) == pid) return u;
        }
        if (cgroup_root_enabled(&m->cgroup)) {
                MUnit *u = unit_by_cgroup(m, pid);
                if (u) return u;
        }
        /* walk up the parent chain to a pid a unit knows */
        pid_t cur = pid;
        for (int depth = 0; depth < 64 && cur > 1 && cur != m->self; depth++) {
                for (size_t i = 0; i < m->n_list; i++)
                        if (munit_has_pid(m->list[i], cur) || munit_main_pid(m->list[i]) == cur) return m->list[i];
                ProcInfo pi;
                if (m->ops->proc_info_read(cur, &pi) < 0) break;
                for (size_t i = 0; i < m->n_list; i++)
                        if (pi.sid > 1 && munit_has_pid(m->list[i], pi.sid)) return m->list[i];
                cur = pi.ppid;
        }
        return NULL;
}
