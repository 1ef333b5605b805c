/* SPDX-License-Identifier: MIT */
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include "base/log.h"
#include "base/signal-util.h"
#include "base/util.h"
#include "core/event.h"

typedef enum SourceType { SOURCE_IO, SOURCE_TIME, SOURCE_SIGNAL, SOURCE_CHILD, SOURCE_DEFER } SourceType;

struct EventSource {
        EventLoop *loop;
        SourceType type;
        void *userdata;
        bool enabled, dead;
        bool early;              /* I/O: dispatched first (event_source_set_early()) */
        size_t index;            /* position in the loop's array for this type (heap for timers) */
        EventSource *next_garbage;
        EventSource *all_prev, *all_next;  /* every live source, so the loop can free them all */
        union {
                struct { int fd; uint32_t events; event_io_fn cb; } io;
                struct { usec_t when; event_time_fn cb; } time;
                struct { event_signal_fn cb; } signal;   /* its signals: where e->signals[] points to it */
                struct { pid_t pid; event_child_fn cb; } child;
                struct { event_defer_fn cb; } defer;
        };
};

/* A growable array of sources; timers keep theirs as a binary min-heap on `when`. */
typedef struct SourceArray {
        EventSource **v;
        size_t n, cap;
} SourceArray;

struct EventLoop {
        int epfd, sigfd, timerfd;
        sigset_t sigmask;
        SourceArray ios, timers, children, defers;
        EventSource *signals[_NSIG];
        EventSource *garbage;     /* freed after the current dispatch round */
        EventSource *all;         /* every live source */
        event_orphan_fn orphan_cb;
        void *orphan_userdata;
        event_reaped_fn reaped_cb;
        void *reaped_userdata;
        event_pid_gone_fn pid_gone_cb;
        void *pid_gone_userdata;
        usec_t armed;             /* what the timerfd is armed to; USEC_INFINITY = disarmed */
        bool exiting;
        int exit_code;
        uint64_t wakeups;
        uint64_t phase;    /* bumped before deferred work, after each wake-up, at each reaped child */
        usec_t (*now)(clockid_t clock);                              /* event_set_sys() */
        int (*waitid)(idtype_t type, id_t id, siginfo_t *info, int options);
};

/* epoll tags for the loop's own descriptors */
static char tag_signal, tag_timer;

usec_t now_usec(clockid_t clock) {
        struct timespec ts;
        clock_gettime(clock, &ts);
        return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

static int array_push(SourceArray *a, EventSource *s) {
        if (a->n == a->cap) {
                size_t cap = a->cap ? a->cap * 2 : 16;
                EventSource **v = realloc(a->v, cap * sizeof *v);
                if (!v) return -ENOMEM;
                a->v = v;
                a->cap = cap;
        }
        s->index = a->n;
        a->v[a->n++] = s;
        return 0;
}

static void array_remove(SourceArray *a, EventSource *s) {
        size_t i = s->index;
        if (i >= a->n || a->v[i] != s) return;
        a->v[i] = a->v[--a->n];
        a->v[i]->index = i;
}

/* ---- timer heap ---- */
static void heap_swap(SourceArray *h, size_t i, size_t j) {
        EventSource *t = h->v[i];
        h->v[i] = h->v[j];
        h->v[j] = t;
        h->v[i]->index = i;
        h->v[j]->index = j;
}

static void heap_up(SourceArray *h, size_t i) {
        while (i > 0 && h->v[(i - 1) / 2]->time.when > h->v[i]->time.when) {
                heap_swap(h, i, (i - 1) / 2);
                i = (i - 1) / 2;
        }
}

static void heap_down(SourceArray *h, size_t i) {
        for (;;) {
                size_t l = 2 * i + 1, r = l + 1, m = i;
                if (l < h->n && h->v[l]->time.when < h->v[m]->time.when) m = l;
                if (r < h->n && h->v[r]->time.when < h->v[m]->time.when) m = r;
                if (m == i) return;
                heap_swap(h, i, m);
                i = m;
        }
}

static void heap_remove(SourceArray *h, EventSource *s) {
        size_t i = s->index;
        if (i >= h->n || h->v[i] != s) return;
        heap_swap(h, i, h->n - 1);
        h->n--;
        if (i < h->n) {
                heap_up(h, i);
                heap_down(h, i);
        }
        s->index = SIZE_MAX;
}

static int rearm_timer(EventLoop *e) {
        usec_t next = e->timers.n > 0 ? e->timers.v[0]->time.when : USEC_INFINITY;
        if (next == e->armed) return 0;
        struct itimerspec its = {0};
        if (next != USEC_INFINITY) {
                /* 0 would disarm: an already-due timer is armed to 1 ns */
                its.it_value.tv_sec = (time_t)(next / USEC_PER_SEC);
                its.it_value.tv_nsec = (long)(next % USEC_PER_SEC) * 1000;
                if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
        }
        if (timerfd_settime(e->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) return -errno;
        e->armed = next;
        return 0;
}

int event_new(EventLoop **ret) {
        EventLoop *e = calloc(1, sizeof *e);
        if (!e) return -ENOMEM;
        e->epfd = e->sigfd = e->timerfd = -1;
        e->armed = USEC_INFINITY;
        e->now = now_usec;
        e->waitid = waitid;
        sigemptyset(&e->sigmask);
        int r;
        if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
            (e->sigfd = signalfd(-1, &e->sigmask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
            (e->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) {
                r = -errno;
                goto fail;
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &tag_signal };
        if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->sigfd, &ev) < 0) { r = -errno; goto fail; }
        ev.data.ptr = &tag_timer;
        if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->timerfd, &ev) < 0) { r = -errno; goto fail; }
        *ret = e;
        return 0;
fail:
        event_free(e);
        return r;
}

static void collect_garbage(EventLoop *e) {
        while (e->garbage) {
                EventSource *s = e->garbage;
                e->garbage = s->next_garbage;
                free(s);
        }
}

void event_free(EventLoop *e) {
        if (!e) return;
        while (e->all) event_source_free(e->all);
        collect_garbage(e);
        free(e->ios.v);
        free(e->timers.v);
        free(e->children.v);
        free(e->defers.v);
        if (e->epfd >= 0) close(e->epfd);
        if (e->sigfd >= 0) close(e->sigfd);
        if (e->timerfd >= 0) close(e->timerfd);
        free(e);
}

static EventSource *source_new(EventLoop *e, SourceType t, void *userdata) {
        EventSource *s = calloc(1, sizeof *s);
        if (!s) return NULL;
        s->loop = e;
        s->type = t;
        s->userdata = userdata;
        s->enabled = true;
        s->index = SIZE_MAX;
        s->all_next = e->all;
        if (e->all) e->all->all_prev = s;
        e->all = s;
        return s;
}

static void source_unlink(EventSource *s) {
        if (s->all_prev) s->all_prev->all_next = s->all_next;
        else s->loop->all = s->all_next;
        if (s->all_next) s->all_next->all_prev = s->all_prev;
        s->all_prev = s->all_next = NULL;
}

/* Undo source_new() for a source that never became live. */
static void source_discard(EventSource *s) {
        source_unlink(s);
        free(s);
}

int event_add_io(EventLoop *e, EventSource **ret, int fd, uint32_t events, event_io_fn cb, void *userdata) {
        EventSource *s = source_new(e, SOURCE_IO, userdata);
        if (!s) return -ENOMEM;
        s->io.fd = fd;
        s->io.events = events;
        s->io.cb = cb;
        struct epoll_event ev = { .events = events, .data.ptr = s };
        if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                int r = -errno;
                source_discard(s);
                return r;
        }
        if (array_push(&e->ios, s) < 0) {
                epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL);
                source_discard(s);
                return -ENOMEM;
        }
        if (ret) *ret = s;
        return 0;
}

int event_source_set_io_events(EventSource *s, uint32_t events) {
        if (s->type != SOURCE_IO) return -EINVAL;
        if (s->io.events == events) return 0;
        struct epoll_event ev = { .events = events, .data.ptr = s };
        if (epoll_ctl(s->loop->epfd, EPOLL_CTL_MOD, s->io.fd, &ev) < 0) return -errno;
        s->io.events = events;
        return 0;
}

int event_add_time(EventLoop *e, EventSource **ret, usec_t when, event_time_fn cb, void *userdata) {
        EventSource *s = source_new(e, SOURCE_TIME, userdata);
        if (!s) return -ENOMEM;
        s->time.cb = cb;
        s->time.when = USEC_INFINITY;
        int r = event_source_set_time(s, when);
        if (r < 0) {
                source_discard(s);
                return r;
        }
        if (ret) *ret = s;
        return 0;
}

int event_source_set_time(EventSource *s, usec_t when) {
        if (s->type != SOURCE_TIME || s->dead) return -EINVAL;
        EventLoop *e = s->loop;
        if (s->time.when != USEC_INFINITY) heap_remove(&e->timers, s);
        s->time.when = when;
        if (when != USEC_INFINITY) {
                int r = array_push(&e->timers, s);
                if (r < 0) {
                        s->time.when = USEC_INFINITY;
                        return r;
                }
                heap_up(&e->timers, s->index);
        }
        return rearm_timer(e);
}

int event_source_set_early(EventSource *s, bool early) {
        if (s->type != SOURCE_IO) return -EINVAL;
        s->early = early;
        return 0;
}

usec_t event_source_get_time(const EventSource *s) {
        return s->type == SOURCE_TIME ? s->time.when : USEC_INFINITY;
}

static int update_sigmask(EventLoop *e) {
        if (sigprocmask(SIG_BLOCK, &e->sigmask, NULL) < 0) return -errno;
        if (signalfd(e->sigfd, &e->sigmask, SFD_NONBLOCK | SFD_CLOEXEC) < 0) return -errno;
        return 0;
}

int event_add_signals(EventLoop *e, EventSource **ret, const int *sigs, size_t n, event_signal_fn cb, void *userdata) {
        sigset_t old = e->sigmask;
        for (size_t i = 0; i < n; i++) {
                if (!signal_is_valid(sigs[i]) || sigs[i] >= _NSIG || sigs[i] == SIGCHLD) return -EINVAL;  /* SIGCHLD: children's */
                if (e->signals[sigs[i]]) return -EBUSY;
        }
        EventSource *s = source_new(e, SOURCE_SIGNAL, userdata);
        if (!s) return -ENOMEM;
        s->signal.cb = cb;
        /* not sigaddset(): musl's refuses 32-34, and 34 is systemd's SIGRTMIN+0 */
        for (size_t i = 0; i < n; i++) sigset_add(&e->sigmask, sigs[i]);
        int r = update_sigmask(e);
        if (r < 0) {
                e->sigmask = old;
                source_discard(s);
                return r;
        }
        for (size_t i = 0; i < n; i++) e->signals[sigs[i]] = s;
        if (ret) *ret = s;
        return 0;
}

int event_add_signal(EventLoop *e, EventSource **ret, int sig, event_signal_fn cb, void *userdata) {
        return event_add_signals(e, ret, &sig, 1, cb, userdata);
}

static int want_sigchld(EventLoop *e) {
        if (sigset_has(&e->sigmask, SIGCHLD)) return 0;
        sigset_add(&e->sigmask, SIGCHLD);
        return update_sigmask(e);
}

int event_add_child(EventLoop *e, EventSource **ret, pid_t pid, event_child_fn cb, void *userdata) {
        int r = want_sigchld(e);
        if (r < 0) return r;
        EventSource *s = source_new(e, SOURCE_CHILD, userdata);
        if (!s) return -ENOMEM;
        s->child.pid = pid;
        s->child.cb = cb;
        if ((r = array_push(&e->children, s)) < 0) {
                source_discard(s);
                return r;
        }
        if (ret) *ret = s;
        return 0;
}

void event_set_reaped_handler(EventLoop *e, event_reaped_fn cb, void *userdata) {
        e->reaped_cb = cb;
        e->reaped_userdata = userdata;
}

void event_set_pid_gone_handler(EventLoop *e, event_pid_gone_fn cb, void *userdata) {
        e->pid_gone_cb = cb;
        e->pid_gone_userdata = userdata;
}

void event_set_orphan_handler(EventLoop *e, event_orphan_fn cb, void *userdata) {
        e->orphan_cb = cb;
        e->orphan_userdata = userdata;
        (void)want_sigchld(e);
}

int event_add_defer(EventLoop *e, EventSource **ret, event_defer_fn cb, void *userdata) {
        EventSource *s = source_new(e, SOURCE_DEFER, userdata);
        if (!s) return -ENOMEM;
        s->defer.cb = cb;
        if (array_push(&e->defers, s) < 0) {
                source_discard(s);
                return -ENOMEM;
        }
        if (ret) *ret = s;
        return 0;
}

int event_source_set_enabled(EventSource *s, bool enabled) {
        if (s->dead) return -EINVAL;
        s->enabled = enabled;
        return 0;
}

void event_source_free(EventSource *s) {
        if (!s || s->dead) return;
        EventLoop *e = s->loop;
        switch (s->type) {
        case SOURCE_IO:
                epoll_ctl(e->epfd, EPOLL_CTL_DEL, s->io.fd, NULL);
                array_remove(&e->ios, s);
                break;
        case SOURCE_TIME:
                if (s->time.when != USEC_INFINITY) heap_remove(&e->timers, s);
                (void)rearm_timer(e);
                break;
        case SOURCE_SIGNAL:
                for (int sig = 1; sig < _NSIG; sig++)   /* one source may hold many signals */
                        if (e->signals[sig] == s) {
                                e->signals[sig] = NULL;
                                sigset_del(&e->sigmask, sig);
                        }
                (void)signalfd(e->sigfd, &e->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
                break;
        case SOURCE_CHILD: array_remove(&e->children, s); break;
        case SOURCE_DEFER: array_remove(&e->defers, s); break;
        }
        source_unlink(s);
        /* The memory lives until the end of the dispatch round: a pending epoll event may still
         * point at it, and is skipped because it is dead. */
        s->dead = true;
        s->next_garbage = e->garbage;
        e->garbage = s;
}

static void report(int r, const char *what) {
        if (r < 0) log_warning_errno(r, "Event handler for %s failed: %m", what);
}

static EventSource *find_child(EventLoop *e, pid_t pid) {
        for (size_t i = 0; i < e->children.n; i++)
                if (e->children.v[i]->child.pid == pid) return e->children.v[i];
        return NULL;
}

/* What the early I/O sources have queued (see event_source_set_early()). */
static void poll_early(EventLoop *e) {
        for (size_t i = 0; i < e->ios.n; i++) {
                EventSource *s = e->ios.v[i];
                if (s->early && s->enabled && !s->dead) report(s->io.cb(s, s->io.fd, EPOLLIN, s->userdata), "I/O");
        }
}

/* Reap every child that has exited; dispatch to its source or the orphan handler; then tell the
 * reaped handler whether any child is left (ECHILD from waitid() says so for free). */
void event_dispatch_children(EventLoop *e) {
        /* Reap in batches: every pid of a batch is reported gone before any callback runs, so
         * what a callback derives from the system (PID 1's list of children) is read after all
         * of them and serves the whole batch. Each pid's source is found at reap time: a callback
         * may start a process that reuses a reaped pid, and its new source is not this exit's. A
         * source freed by an earlier callback stays readable (dead) until the round ends. */
        struct { siginfo_t si; EventSource *s; } batch[128];
        bool reaped = false;
        for (;;) {
                size_t n = 0;
                bool none_left = false, more = true;
                while (n < ELEMENTSOF(batch)) {
                        siginfo_t si = {0};
                        if (e->waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0) {
                                none_left = si.si_pid == 0 && errno == ECHILD;
                                more = false;
                                break;
                        }
                        /* a process is gone: what was read of /proc before is stale, unless the
                         * owner of that reading can strike this one process from it */
                        if (e->pid_gone_cb) e->pid_gone_cb(si.si_pid, e->pid_gone_userdata);
                        else e->phase++;
                        batch[n].si = si;
                        batch[n++].s = find_child(e, si.si_pid);
                }
                reaped |= n > 0;
                /* what a reaped process sent before it exited is queued by now, however late in
                 * this wake-up it exited: read it while the process is still its unit's (the
                 * exits below are dispatched after), so that a main process's last STOPPING=1
                 * is credited to its unit, not dropped as from a process of none */
                if (n > 0) poll_early(e);
                for (size_t i = 0; i < n; i++) {
                        EventSource *s = batch[i].s;
                        if (s && !s->dead) {
                                event_child_fn cb = s->child.cb;
                                void *ud = s->userdata;
                                event_source_free(s);  /* one exit per child: the source is done */
                                report(cb(s, &batch[i].si, ud), "child");
                        } else if (e->orphan_cb)
                                e->orphan_cb(&batch[i].si, e->orphan_userdata);
                }
                if (!more) {
                        if (reaped && e->reaped_cb) e->reaped_cb(none_left, e->reaped_userdata);
                        return;
                }
        }
}

static void dispatch_signals(EventLoop *e) {
        struct signalfd_siginfo si[16];
        for (;;) {
                ssize_t n = read(e->sigfd, si, sizeof si);
                if (n <= 0) return;
                bool chld = false;
                for (size_t i = 0; i < (size_t)n / sizeof si[0]; i++) {
                        int sig = (int)si[i].ssi_signo;
                        if (sig == SIGCHLD) { chld = true; continue; }
                        EventSource *s = sig > 0 && sig < _NSIG ? e->signals[sig] : NULL;
                        if (s && s->enabled) report(s->signal.cb(s, &si[i], s->userdata), "signal");
                }
                if (chld) event_dispatch_children(e);
        }
}

void event_dispatch_timers(EventLoop *e) {
        usec_t now = e->now(CLOCK_MONOTONIC);
        while (e->timers.n > 0 && e->timers.v[0]->time.when <= now) {
                EventSource *s = e->timers.v[0];
                heap_remove(&e->timers, s);
                s->time.when = USEC_INFINITY;
                if (s->enabled) report(s->time.cb(s, now, s->userdata), "timer");
        }
        report(rearm_timer(e), "timer re-arm");
}

static void dispatch_timerfd(EventLoop *e) {
        uint64_t expirations;
        (void)!read(e->timerfd, &expirations, sizeof expirations);
        e->armed = USEC_INFINITY;  /* a fired ABSTIME timer is disarmed */
        event_dispatch_timers(e);
}

void event_set_sys(EventLoop *e, usec_t (*now)(clockid_t clock), int (*wait)(idtype_t type, id_t id, siginfo_t *info, int options)) {
        e->now = now ? now : now_usec;
        e->waitid = wait ? wait : waitid;
}

static bool run_defers(EventLoop *e) {
        bool ran = false;
        /* bounded: deferred work that keeps re-enabling itself cannot starve I/O */
        for (int round = 0; round < 64; round++) {
                EventSource *due = NULL;
                for (size_t i = 0; i < e->defers.n && !due; i++)
                        if (e->defers.v[i]->enabled) due = e->defers.v[i];
                if (!due) break;
                due->enabled = false;
                report(due->defer.cb(due, due->userdata), "deferred work");
                ran = true;
        }
        return ran;
}

int event_run(EventLoop *e, usec_t timeout_usec) {
        e->phase++;
        run_defers(e);
        if (e->exiting) return 0;   /* deferred work asked to exit: do not sleep first */
        bool pending = false;
        for (size_t i = 0; i < e->defers.n; i++) pending |= e->defers.v[i]->enabled;
        int timeout = pending ? 0 : timeout_usec == USEC_INFINITY ? -1 : (int)((timeout_usec + 999) / 1000);
        struct epoll_event evs[64];
        int n = epoll_wait(e->epfd, evs, (int)ELEMENTSOF(evs), timeout);
        if (n < 0) {
                collect_garbage(e);
                return errno == EINTR ? 0 : -errno;
        }
        e->wakeups++;
        e->phase++;
        for (int pass = 0; pass < 2; pass++)   /* early I/O sources first */
                for (int i = 0; i < n; i++) {
                        void *p = evs[i].data.ptr;
                        bool early = p != &tag_signal && p != &tag_timer && ((EventSource *)p)->early;
                        if (early != (pass == 0)) continue;
                        if (p == &tag_signal) dispatch_signals(e);
                        else if (p == &tag_timer) dispatch_timerfd(e);
                        else {
                                EventSource *s = p;
                                if (!s->dead && s->enabled) report(s->io.cb(s, s->io.fd, evs[i].events, s->userdata), "I/O");
                        }
                }
        collect_garbage(e);
        return n;
}

int event_loop(EventLoop *e) {
        while (!e->exiting) {
                int r = event_run(e, USEC_INFINITY);
                if (r < 0) log_error_errno(r, "Event loop iteration failed: %m");
        }
        return e->exit_code;
}

void event_exit(EventLoop *e, int code) {
        e->exiting = true;
        e->exit_code = code;
}

uint64_t event_phase(const EventLoop *e) {
        return e->phase;
}

uint64_t event_wakeups(const EventLoop *e) {
        return e->wakeups;
}
