/* SPDX-License-Identifier: MIT */
#pragma once
/* The one event loop of PID 1: epoll for file descriptors, one signalfd for every signal, one
 * timerfd armed to the earliest deadline (nothing armed when there is none: no wake-ups while
 * idle), child exits collected with waitid() on SIGCHLD, and deferred work run before sleeping.
 *
 * Sources are owned by the loop; a callback may free any source, including its own. Callbacks
 * return 0, or a negative errno that is logged and otherwise ignored: one broken source never
 * stops the loop. */
#include <signal.h>
#include <time.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include "base/parse.h"

typedef struct EventLoop EventLoop;
typedef struct EventSource EventSource;

typedef int (*event_io_fn)(EventSource *s, int fd, uint32_t revents, void *userdata);
typedef int (*event_time_fn)(EventSource *s, usec_t now, void *userdata);
typedef int (*event_signal_fn)(EventSource *s, const struct signalfd_siginfo *si, void *userdata);
typedef int (*event_child_fn)(EventSource *s, const siginfo_t *si, void *userdata);
typedef int (*event_defer_fn)(EventSource *s, void *userdata);
/* Called for children nobody registered (orphans re-parented to us): already reaped. */
typedef void (*event_orphan_fn)(const siginfo_t *si, void *userdata);

usec_t now_usec(clockid_t clock);

int event_new(EventLoop **ret);
void event_free(EventLoop *e);

int event_add_io(EventLoop *e, EventSource **ret, int fd, uint32_t events, event_io_fn cb, void *userdata);
int event_source_set_io_events(EventSource *s, uint32_t events);
/* An early I/O source is dispatched before everything else that woke the loop at the same time,
 * and polled (its callback run as if readable: it must read non-blockingly) before each batch of
 * children is reaped: the notify socket, whose sender may have exited right after sending. What a
 * child sent before it exited is then read while the child is still its unit's process (systemd
 * orders its notify source before SIGCHLD and reaps one child per loop iteration for this). */
int event_source_set_early(EventSource *s, bool early);
/* A timer on CLOCK_MONOTONIC at absolute time `when` (USEC_INFINITY: disarmed). One-shot: it
 * disarms itself before the callback, which may re-arm it. */
int event_add_time(EventLoop *e, EventSource **ret, usec_t when, event_time_fn cb, void *userdata);
int event_source_set_time(EventSource *s, usec_t when);
usec_t event_source_get_time(const EventSource *s);
/* Blocks the signal and delivers it through the loop's signalfd. */
int event_add_signal(EventLoop *e, EventSource **ret, int sig, event_signal_fn cb, void *userdata);
/* The same for n signals through one source (one mask update; the callback reads ssi_signo). */
int event_add_signals(EventLoop *e, EventSource **ret, const int *sigs, size_t n, event_signal_fn cb, void *userdata);
/* Exit of a child we started. The child is reaped before the callback runs. */
int event_add_child(EventLoop *e, EventSource **ret, pid_t pid, event_child_fn cb, void *userdata);
/* Run once, before the loop next sleeps; enabled again with event_source_set_enabled(). */
int event_add_defer(EventLoop *e, EventSource **ret, event_defer_fn cb, void *userdata);
int event_source_set_enabled(EventSource *s, bool enabled);
void event_set_orphan_handler(EventLoop *e, event_orphan_fn cb, void *userdata);
/* Called after a batch of reaped children was dispatched; none_left: we have no child at all. */
typedef void (*event_reaped_fn)(bool none_left, void *userdata);
void event_set_reaped_handler(EventLoop *e, event_reaped_fn cb, void *userdata);
/* Called with each reaped pid before its child or orphan callback runs. Without one, every reaped
 * child starts a new event_phase(); with one, the handler keeps its phase-long state current
 * (PID 1 strikes the pid from its /proc snapshot, so stopping N units costs one /proc scan per
 * wake-up, not one per exited process). */
typedef void (*event_pid_gone_fn)(pid_t pid, void *userdata);
void event_set_pid_gone_handler(EventLoop *e, event_pid_gone_fn cb, void *userdata);
void event_source_free(EventSource *s);

/* Where the loop's time and its children's exits come from (NULL: clock_gettime(), waitid()):
 * the manager's SysOps (in tests, fakes). */
void event_set_sys(EventLoop *e, usec_t (*now)(clockid_t clock), int (*wait)(idtype_t type, id_t id, siginfo_t *info, int options));
/* What the loop does when SIGCHLD arrives (reap and dispatch every exited child) and when its timer
 * fires (run the timers due by its clock): for tests, which drive the loop with fakes. */
void event_dispatch_children(EventLoop *e);
void event_dispatch_timers(EventLoop *e);

/* One iteration: run deferred work, wait (timeout_usec; USEC_INFINITY blocks) and dispatch. */
int event_run(EventLoop *e, usec_t timeout_usec);
/* Iterate until event_exit(); returns the exit code. */
int event_loop(EventLoop *e);
void event_exit(EventLoop *e, int code);
/* How many times the loop woke from epoll_wait (for the idle-wake-up benchmark). */
uint64_t event_wakeups(const EventLoop *e);
/* Changes whenever the loop starts deferred work, wakes from epoll or reaps a child: state derived
 * from the system (a /proc snapshot) may be reused while it stays the same. */
uint64_t event_phase(const EventLoop *e);
