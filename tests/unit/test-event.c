/* SPDX-License-Identifier: MIT */
/* The event loop: I/O, timers in deadline order, signals through signalfd, child exits,
 * orphans, deferred work, and sources freed from inside callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "base/util.h"
#include "core/event.h"

static char order[64];
static size_t n_order;

static int on_time(EventSource *s, usec_t now, void *ud) {
        (void)s; (void)now;
        order[n_order++] = *(char *)ud;
        return 0;
}

static void test_timers_fire_in_deadline_order(void **state) {
        (void)state;
        EventLoop *e;
        assert_int_equal(event_new(&e), 0);
        usec_t t = now_usec(CLOCK_MONOTONIC);
        static char a = 'a', b = 'b', c = 'c';
        EventSource *sc;
        n_order = 0;
        assert_int_equal(event_add_time(e, NULL, t + 3000, on_time, &c), 0);
        assert_int_equal(event_add_time(e, NULL, t + 1000, on_time, &a), 0);
        assert_int_equal(event_add_time(e, &sc, t + 2000, on_time, &b), 0);
        /* moving a timer re-sorts it */
        assert_int_equal(event_source_set_time(sc, t + 5000), 0);
        while (n_order < 3) assert_true(event_run(e, 100 * 1000) >= 0);
        assert_memory_equal(order, "acb", 3);
        /* all fired: nothing armed, so an idle loop does not wake */
        uint64_t w = event_wakeups(e);
        assert_int_equal(event_run(e, 20 * 1000), 0);
        assert_int_equal(event_wakeups(e), w + 1);  /* the timeout itself, no events */
        event_free(e);
}

static int on_read(EventSource *s, int fd, uint32_t revents, void *ud) {
        (void)revents;
        char buf[16];
        ssize_t n = read(fd, buf, sizeof buf);
        *(ssize_t *)ud = n;
        event_source_free(s);  /* freeing oneself inside the callback is allowed */
        return 0;
}

static void test_io_and_self_free(void **state) {
        (void)state;
        EventLoop *e;
        int p[2];
        assert_int_equal(event_new(&e), 0);
        assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        ssize_t got = -1;
        assert_int_equal(event_add_io(e, NULL, p[0], EPOLLIN, on_read, &got), 0);
        assert_int_equal(write(p[1], "hey", 3), 3);
        assert_int_equal(event_run(e, 1000 * 1000), 1);
        assert_int_equal(got, 3);
        /* the source is gone: more data wakes nobody */
        assert_int_equal(write(p[1], "x", 1), 1);
        assert_int_equal(event_run(e, 10 * 1000), 0);
        close(p[0]);
        close(p[1]);
        event_free(e);
}

static int on_signal(EventSource *s, const struct signalfd_siginfo *si, void *ud) {
        (void)s;
        *(int *)ud = (int)si->ssi_signo;
        return 0;
}

static void test_signal(void **state) {
        (void)state;
        EventLoop *e;
        int got = 0;
        assert_int_equal(event_new(&e), 0);
        assert_int_equal(event_add_signal(e, NULL, SIGUSR1, on_signal, &got), 0);
        assert_int_equal(event_add_signal(e, NULL, SIGUSR1, on_signal, &got), -EBUSY);
        assert_int_equal(event_add_signal(e, NULL, SIGCHLD, on_signal, &got), -EINVAL);
        raise(SIGUSR1);
        assert_true(event_run(e, 1000 * 1000) >= 1);
        assert_int_equal(got, SIGUSR1);
        event_free(e);
}

/* One source for several signals, SIGRTMIN+0 (34) among them, which musl's sigaddset() refuses:
 * each arrives with its number; once the source is freed its signals can be taken again. */
static void test_signal_set(void **state) {
        (void)state;
        EventLoop *e;
        EventSource *src;
        int got = 0;
        const int sigs[] = { SIGUSR2, 34, 37 }, bad[] = { SIGUSR2, SIGCHLD };
        assert_int_equal(event_new(&e), 0);
        assert_int_equal(event_add_signals(e, NULL, bad, ELEMENTSOF(bad), on_signal, &got), -EINVAL);
        assert_int_equal(event_add_signals(e, &src, sigs, ELEMENTSOF(sigs), on_signal, &got), 0);
        assert_int_equal(event_add_signal(e, NULL, 37, on_signal, &got), -EBUSY);
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++) {
                got = 0;
                assert_int_equal(kill(getpid(), sigs[i]), 0);
                assert_true(event_run(e, 1000 * 1000) >= 1);
                assert_int_equal(got, sigs[i]);
        }
        event_source_free(src);
        assert_int_equal(event_add_signal(e, NULL, 37, on_signal, &got), 0);
        assert_int_equal(event_add_signal(e, NULL, 34, on_signal, &got), 0);
        event_free(e);
}

static int on_child(EventSource *s, const siginfo_t *si, void *ud) {
        (void)s;
        *(int *)ud = si->si_code == CLD_EXITED ? si->si_status : -1;
        return 0;
}

static void on_orphan(const siginfo_t *si, void *ud) {
        (void)si;
        (*(int *)ud)++;
}

static void test_children_and_orphans(void **state) {
        (void)state;
        EventLoop *e;
        int status = -2, orphans = 0;
        assert_int_equal(event_new(&e), 0);
        event_set_orphan_handler(e, on_orphan, &orphans);
        pid_t pid = fork();
        if (pid == 0) _exit(7);
        assert_int_equal(event_add_child(e, NULL, pid, on_child, &status), 0);
        pid_t other = fork();  /* a child nobody registered: reaped and reported as an orphan */
        if (other == 0) _exit(0);
        for (int i = 0; i < 100 && (status == -2 || orphans == 0); i++) event_run(e, 100 * 1000);
        assert_int_equal(status, 7);
        assert_int_equal(orphans, 1);
        event_free(e);
}

typedef struct GoneLog {
        EventLoop *e;
        pid_t pids[4];
        int n;
        uint64_t phase_at_child;
} GoneLog;

static void on_gone(pid_t pid, void *ud) {
        GoneLog *g = ud;
        if (g->n < 4) g->pids[g->n++] = pid;
}

static int on_child_phase(EventSource *s, const siginfo_t *si, void *ud) {
        (void)s; (void)si;
        GoneLog *g = ud;
        g->phase_at_child = event_phase(g->e);
        return 0;
}

/* With a pid-gone handler, each reaped pid is reported before its callback runs, and reaping
 * does not start a new phase (the handler keeps its phase-long state current instead). */
static void test_pid_gone_handler(void **state) {
        (void)state;
        GoneLog g = { 0 };
        assert_int_equal(event_new(&g.e), 0);
        event_set_pid_gone_handler(g.e, on_gone, &g);
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        assert_int_equal(event_add_child(g.e, NULL, pid, on_child_phase, &g), 0);
        uint64_t before = 0;
        for (int i = 0; i < 100 && g.n == 0; i++) {
                before = event_phase(g.e);
                event_run(g.e, 100 * 1000);
        }
        assert_int_equal(g.n, 1);
        assert_int_equal(g.pids[0], pid);
        /* the wake-up bumps the phase once; the reaped child does not bump it again */
        assert_true(g.phase_at_child <= before + 2);
        event_free(g.e);
}

static int on_defer(EventSource *s, void *ud) {
        (void)s;
        (*(int *)ud)++;
        return 0;
}

static void test_defer_runs_once_per_enable(void **state) {
        (void)state;
        EventLoop *e;
        EventSource *d;
        int runs = 0;
        assert_int_equal(event_new(&e), 0);
        assert_int_equal(event_add_defer(e, &d, on_defer, &runs), 0);
        event_run(e, 0);
        event_run(e, 0);
        assert_int_equal(runs, 1);
        event_source_set_enabled(d, true);
        event_run(e, 0);
        assert_int_equal(runs, 2);
        event_free(e);
}

/* A process that writes to an early source (the notify socket) and exits between the loop's
 * last read of that source and its waitid(): what it wrote is read before its exit is dispatched
 * (issue 16: a Type=notify main process's STOPPING=1 was credited to no unit). */
static int early_fd[2] = { -1, -1 };
static const pid_t EARLY_PID = 4242;
static bool early_exited;

static int early_waitid(idtype_t type, id_t id, siginfo_t *si, int options) {
        (void)type; (void)id; (void)options;
        memset(si, 0, sizeof *si);
        if (early_exited) {
                errno = ECHILD;
                return -1;
        }
        /* the datagram arrives only now, then the process is gone */
        assert_int_equal(write(early_fd[1], "m", 1), 1);
        early_exited = true;
        si->si_signo = SIGCHLD;
        si->si_code = CLD_EXITED;
        si->si_pid = EARLY_PID;
        return 0;
}

static int on_early_io(EventSource *s, int fd, uint32_t revents, void *ud) {
        (void)s; (void)revents; (void)ud;
        char c;
        while (read(fd, &c, 1) == 1) order[n_order++] = 'm';
        return 0;
}

static int on_early_child(EventSource *s, const siginfo_t *si, void *ud) {
        (void)s; (void)ud;
        assert_int_equal(si->si_pid, EARLY_PID);
        order[n_order++] = 'x';
        return 0;
}

static void test_early_source_read_before_a_late_exit(void **state) {
        (void)state;
        EventLoop *e;
        assert_int_equal(event_new(&e), 0);
        event_set_sys(e, NULL, early_waitid);
        assert_int_equal(pipe2(early_fd, O_CLOEXEC | O_NONBLOCK), 0);
        EventSource *io;
        assert_int_equal(event_add_io(e, &io, early_fd[0], EPOLLIN, on_early_io, NULL), 0);
        assert_int_equal(event_source_set_early(io, true), 0);
        assert_int_equal(event_add_child(e, NULL, EARLY_PID, on_early_child, NULL), 0);
        n_order = 0;
        event_dispatch_children(e);
        order[n_order] = 0;
        assert_string_equal(order, "mx");
        event_source_free(io);
        close(early_fd[0]);
        close(early_fd[1]);
        event_free(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_timers_fire_in_deadline_order),
                cmocka_unit_test(test_io_and_self_free),
                cmocka_unit_test(test_signal),
                cmocka_unit_test(test_signal_set),
                cmocka_unit_test(test_children_and_orphans),
                cmocka_unit_test(test_pid_gone_handler),
                cmocka_unit_test(test_defer_runs_once_per_enable),
                cmocka_unit_test(test_early_source_read_before_a_late_exit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
