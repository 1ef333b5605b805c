/* SPDX-License-Identifier: MIT */
#pragma once
/* In-process tests of the manager's core (tests/unit/test-core-*.c): a Manager made from unit
 * text under a temporary root, with tinysd's unit types, on a fake system (sys-ops.h) that the
 * test drives by hand. Spawning "starts" a fake process (nothing is forked) and returns at once;
 * a process exits when the test says so (fake_exit(): the loop reaps it as it would on SIGCHLD);
 * the clock moves when the test says so (fake_advance(): due timers fire); /proc is the table of
 * fake processes; signals are recorded. Header-only. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "base/strv.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/notify.h"
#include "core/sys-ops.h"
#include "core/system.h"
#include "log-capture.h"
#include "tmptree.h"

#define FAKE_PROCS_MAX 256
#define FAKE_PID_BASE 4000000 /* far above real pids: /proc/PID of a fake pid is never a real one */

typedef struct FakeProc {
        pid_t pid, ppid, sid, pgid;
        char state;     /* 'S' alive, 'Z' exited (not reaped), 'X' reaped */
        char path[256]; /* the command's path and first argument: how tests find it */
        char arg1[256];
        char invocation[33]; /* $INVOCATION_ID it was started with */
        char **env;          /* its environment */
} FakeProc;

static struct Fake {
        usec_t mono, real;
        FakeProc procs[FAKE_PROCS_MAX];
        size_t n_procs;
        siginfo_t exits[FAKE_PROCS_MAX]; /* exited, waiting to be reaped */
        size_t n_exits;
        struct {
                pid_t pid;
                int sig;
        } kills[1024];
        size_t n_kills;
        int spawn_error; /* < 0: the next spawn fails with it */
        unsigned n_spawned;
        char *root;
} fake;

static inline FakeProc *fake_proc(pid_t pid) {
        for (size_t i = 0; i < fake.n_procs; i++)
                if (fake.procs[i].pid == pid) return &fake.procs[i];
        return NULL;
}

static inline int fake_spawn(const SpawnParams *p, pid_t *ret_pid, int *ret_report_fd) {
        if (fake.spawn_error < 0) {
                int r = fake.spawn_error;
                fake.spawn_error = 0;
                return r;
        }
        assert_true(fake.n_procs < FAKE_PROCS_MAX);
        FakeProc *f = &fake.procs[fake.n_procs];
        pid_t pid = FAKE_PID_BASE + (pid_t)fake.n_procs++;
        *f = (FakeProc){ .pid = pid, .ppid = getpid(), .sid = pid, .pgid = pid, .state = 'S' };
        snprintf(f->path, sizeof f->path, "%s", p->command->path);
        if (p->command->argv && p->command->argv[0] && p->command->argv[1])
                snprintf(f->arg1, sizeof f->arg1, "%s", p->command->argv[1]);
        f->env = strv_copy(p->environment);
        const char *inv = NULL;
        STRV_FOREACH (e, p->environment)
                if ((inv = startswith(*e, "INVOCATION_ID="))) break;
        if (inv) snprintf(f->invocation, sizeof f->invocation, "%s", inv);
        /* the report pipe says the exec succeeded: EOF at once */
        int pfd[2];
        assert_int_equal(pipe2(pfd, O_CLOEXEC | O_NONBLOCK), 0);
        close(pfd[1]);
        *ret_pid = pid;
        *ret_report_fd = pfd[0];
        fake.n_spawned++;
        return 0;
}

static inline int fake_kill(pid_t pid, int sig) {
        if (fake.n_kills < ELEMENTSOF(fake.kills))
                fake.kills[fake.n_kills++] = (typeof(fake.kills[0])){ pid, sig };
        if (pid == -1) return 0;
        FakeProc *f = fake_proc(pid);
        if (!f || f->state != 'S') {
                errno = ESRCH;
                return -1;
        }
        return 0;
}

static inline int fake_waitid(idtype_t type, id_t id, siginfo_t *si, int options) {
        (void)type;
        (void)id;
        if (fake.n_exits > 0) {
                *si = fake.exits[0];
                if (!(options & WNOWAIT)) {
                        memmove(fake.exits, fake.exits + 1, --fake.n_exits * sizeof fake.exits[0]);
                        FakeProc *f = fake_proc(si->si_pid);
                        if (f) f->state = 'X';
                }
                return 0;
        }
        for (size_t i = 0; i < fake.n_procs; i++)
                if (fake.procs[i].state == 'S' && fake.procs[i].ppid == getpid()) {
                        si->si_pid = 0;
                        return 0;
                }
        errno = ECHILD;
        return -1;
}

static inline usec_t fake_now(clockid_t clock) { return clock == CLOCK_REALTIME ? fake.real : fake.mono; }

static inline ProcInfo fake_info(const FakeProc *f) {
        return (ProcInfo){
                .pid = f->pid, .ppid = f->ppid, .pgid = f->pgid, .sid = f->sid, .state = f->state, .starttime = 1
        };
}

static inline int fake_proc_table_read(ProcTable *ret) {
        *ret = (ProcTable){ .procs = calloc(fake.n_procs + 1, sizeof(ProcInfo)) };
        if (!ret->procs) return -ENOMEM;
        for (size_t i = 0; i < fake.n_procs; i++) /* pids are given in increasing order: sorted */
                if (fake.procs[i].state != 'X') ret->procs[ret->n++] = fake_info(&fake.procs[i]);
        return 0;
}

static inline int fake_proc_info_read(pid_t pid, ProcInfo *ret) {
        FakeProc *f = fake_proc(pid);
        if (!f || f->state == 'X') return -ESRCH;
        *ret = fake_info(f);
        return 0;
}

static inline int fake_read_children(char **ret, size_t *ret_size) {
        Buf b = { 0 };
        for (size_t i = 0; i < fake.n_procs; i++)
                if (fake.procs[i].state != 'X' && fake.procs[i].ppid == getpid())
                        (void)buf_printf(&b, "%d ", (int)fake.procs[i].pid);
        *ret = b.s ? b.s : strdup("");
        *ret_size = b.len;
        return 0;
}

static inline ssize_t fake_read_environ(pid_t pid, char *buf, size_t size) {
        FakeProc *f = fake_proc(pid);
        if (!f || !f->invocation[0]) return 0;
        return snprintf(buf, size, "INVOCATION_ID=%s", f->invocation) + 1;
}

static const SysOps fake_ops = {
        .spawn = fake_spawn,
        .kill = fake_kill,
        .waitid = fake_waitid,
        .now = fake_now,
        .proc_table_read = fake_proc_table_read,
        .proc_info_read = fake_proc_info_read,
        .read_children = fake_read_children,
        .read_environ = fake_read_environ,
};

static const ManagerParts core_parts = {
        .unit_types = system_unit_types,
        .ops = &fake_ops,
};

/* Let the loop run what is due now: deferred work (the run queue) and whatever is readable. */
static inline void core_run(Manager *m) {
        for (int i = 0; i < 8; i++) (void)event_run(m->event, 0);
}

/* A manager over the units given as NULL-terminated name/text pairs. */
static inline Manager *core_new(const char *const *units) {
        for (size_t i = 0; i < fake.n_procs; i++) strv_free(fake.procs[i].env);
        memset(&fake, 0, sizeof fake);
        fake.mono = 1000 * USEC_PER_SEC;
        fake.real = 1700000000ULL * USEC_PER_SEC;
        fake.root = tmptree_new();
        assert_non_null(fake.root);
        for (; units && units[0]; units += 2) {
                char rel[512];
                snprintf(rel, sizeof rel, "etc/systemd/system/%s", units[0]);
                tmptree_write(fake.root, rel, units[1]);
        }
        ManagerSettings set = { .root = fake.root, .shutdown_timeout = 90 * USEC_PER_SEC };
        Manager *m = NULL;
        assert_int_equal(manager_new_with(&set, &core_parts, &m), 0);
        return m;
}

static inline void core_free(Manager *m) {
        manager_free(m);
        for (size_t i = 0; i < fake.n_procs; i++) strv_free(fake.procs[i].env);
        fake.n_procs = 0;
        tmptree_free(fake.root); /* frees the string too */
        fake.root = NULL;
}

/* Rewrite (or, text NULL, remove) a unit file; the test reloads when it wants. */
static inline void core_write_unit(const char *name, const char *text) {
        char rel[512], path[1024];
        snprintf(rel, sizeof rel, "etc/systemd/system/%s", name);
        if (text)
                tmptree_write(fake.root, rel, text);
        else {
                snprintf(path, sizeof path, "%s/%s", fake.root, rel);
                assert_int_equal(unlink(path), 0);
        }
}

static inline MUnit *core_unit(Manager *m, const char *name) {
        MUnit *u = NULL;
        assert_int_equal(manager_load_unit(m, name, &u), 0);
        assert_non_null(u);
        return u;
}

static inline int core_job(Manager *m, JobType type, const char *name) {
        int r = manager_add_job(m, type, core_unit(m, name), JOB_REPLACE, NULL);
        core_run(m);
        return r;
}

static inline const char *core_state(Manager *m, const char *name) {
        return unit_active_state_to_string(core_unit(m, name)->state);
}

static inline const char *core_sub(Manager *m, const char *name) {
        return munit_sub_state(core_unit(m, name));
}

/* The live fake process started with path (and first argument arg1, when not NULL). */
static inline pid_t fake_find(const char *path, const char *arg1) {
        for (size_t i = fake.n_procs; i > 0; i--) {
                FakeProc *f = &fake.procs[i - 1];
                if (f->state == 'S' && streq(f->path, path) && (!arg1 || streq(f->arg1, arg1)))
                        return f->pid;
        }
        return 0;
}

static inline pid_t fake_must_find(const char *path, const char *arg1) {
        pid_t pid = fake_find(path, arg1);
        if (pid <= 0) fail_msg("no running process %s %s", path, arg1 ? arg1 : "");
        return pid;
}

/* The process exits (code CLD_EXITED with status, or CLD_KILLED with the signal) and the loop
 * reaps it as on SIGCHLD. */
static inline void fake_exit(Manager *m, pid_t pid, int code, int status) {
        FakeProc *f = fake_proc(pid);
        assert_non_null(f);
        assert_int_equal(f->state, 'S');
        f->state = 'Z';
        /* by assignment: si_pid and si_status are members of different union arms */
        siginfo_t *si = &fake.exits[fake.n_exits++];
        memset(si, 0, sizeof *si);
        si->si_signo = SIGCHLD;
        si->si_code = code;
        si->si_pid = pid;
        si->si_status = status;
        event_dispatch_children(m->event);
        core_run(m);
}

static inline void fake_exit_ok(Manager *m, pid_t pid) { fake_exit(m, pid, CLD_EXITED, 0); }

/* Time passes: the timers due by then fire. */
static inline void fake_advance(Manager *m, usec_t usec) {
        fake.mono += usec;
        fake.real += usec;
        event_dispatch_timers(m->event);
        core_run(m);
}

/* How many times pid got sig. */
static inline unsigned fake_signalled(pid_t pid, int sig) {
        unsigned n = 0;
        for (size_t i = 0; i < fake.n_kills; i++) n += fake.kills[i].pid == pid && fake.kills[i].sig == sig;
        return n;
}

/* An sd_notify(3) datagram from pid (as uid), as the notify socket would hand it over. */
static inline void core_notify(Manager *m, pid_t pid, uid_t uid, const char *text) {
        struct ucred cred = { .pid = pid, .uid = uid, .gid = uid };
        manager_notify_dispatch(m, &cred, text, strlen(text), NULL, 0);
        core_run(m);
}

static inline bool log_has(const char *needle) { return strstr(log_captured(), needle) != NULL; }
