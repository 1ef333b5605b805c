/* SPDX-License-Identifier: MIT */
#pragma once
/* Signal numbers as they cross process boundaries: one numbering, the kernel's, as systemd, its
 * clients, Docker, Podman and Kubernetes spell it, whatever C library tinysd is built with.
 *
 * "SIGRTMIN+n" is signal 34+n and SIGRTMAX is 64. glibc's SIGRTMIN macro is 34 too, but musl's is
 * 35 (it keeps 32-34 for itself), so SIGRTMIN/SIGRTMAX from <signal.h> must not be used for
 * anything another process sees: names in unit files, `systemctl kill -s`, the signals PID 1
 * acts on. musl's sigaddset() also refuses 32-34, so signal sets that may hold SIGRTMIN+0 are
 * built with sigset_add() here, which writes the kernel's layout (bit n-1 for signal n) directly. */
#include <signal.h>
#include <stdbool.h>

#define SIGNAL_RTMIN 34                 /* systemd's SIGRTMIN+0 */
#define SIGNAL_RTMAX 64                 /* SIGRTMIN+30 */
#define SIGNAL_MAX 64                   /* the highest signal number */
#define SIGNAL_RT(n) (SIGNAL_RTMIN + (n))

/* 1..64: a number kill(2) and the unit settings accept. */
bool signal_is_valid(int sig);
/* "SIGTERM", "TERM", "15", "SIGRTMIN+3", "RTMIN+3", "SIGRTMAX-2", "RTMAX" (systemd's
 * signal_from_string()); 0 or -EINVAL/-ERANGE. */
int parse_signal(const char *s, int *ret);
/* "SIGTERM", "SIGRTMIN+3" as `systemd-analyze dump` prints KillSignal:; NULL for an invalid
 * signal and for 32 and 33, which have no name (a thread-local buffer). */
const char *signal_to_string(int sig);
/* systemd's signal_to_string(): "TERM", "RTMIN+3", "32" for a valid signal without a name, "?" for
 * an invalid one; as in $EXIT_STATUS and "status=15/TERM" (a thread-local buffer). */
const char *signal_abbrev(int sig);

/* Signal sets in the kernel's layout, for sigprocmask() and signalfd(): unlike the C library's
 * sigaddset(), every signal 1..64 can be added. -EINVAL for an invalid signal. */
int sigset_add(sigset_t *set, int sig);
int sigset_del(sigset_t *set, int sig);
bool sigset_has(const sigset_t *set, int sig);
