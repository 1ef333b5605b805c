/* SPDX-License-Identifier: MIT */
/* Signal names and numbers in systemd's (and the kernel's) numbering, independent of the C library;
 * signal sets in the kernel's layout. See signal-util.h. Edge cases are pinned in
 * tests/unit/test-signal-util.c and, against systemd itself, in tests/unit/test-parse.c. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/util.h"

/* The standard signals have the same numbers in every C library for one architecture; only the
 * realtime range differs, and it is never taken from <signal.h> here. */
static const char *const signal_names[] = {
        [SIGHUP] = "HUP",       [SIGINT] = "INT",       [SIGQUIT] = "QUIT",     [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP",     [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",       [SIGFPE] = "FPE",
        [SIGKILL] = "KILL",     [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV",     [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE",     [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",
#ifdef SIGSTKFLT
        [SIGSTKFLT] = "STKFLT",
#endif
        [SIGCHLD] = "CHLD",     [SIGCONT] = "CONT",     [SIGSTOP] = "STOP",     [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN",     [SIGTTOU] = "TTOU",     [SIGURG] = "URG",       [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ",     [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",     [SIGWINCH] = "WINCH",
        [SIGIO] = "IO",         [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};

_Static_assert(ELEMENTSOF(signal_names) <= SIGNAL_RTMIN, "a standard signal in the realtime range");

bool signal_is_valid(int sig) {
        return sig >= 1 && sig <= SIGNAL_MAX;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n", with n within the realtime range. */
static int parse_rt_signal(const char *p, int *ret) {
        const char *k;
        int n, r;
        if ((k = startswith(p, "RTMIN"))) {
                if (*k == 0) return *ret = SIGNAL_RTMIN, 0;
                if (*k != '+') return -EINVAL;
                if ((r = safe_atoi(k, &n)) < 0) return r;
                if (n < 0 || n > SIGNAL_RTMAX - SIGNAL_RTMIN) return -ERANGE;
                return *ret = SIGNAL_RTMIN + n, 0;
        }
        if ((k = startswith(p, "RTMAX"))) {
                if (*k == 0) return *ret = SIGNAL_RTMAX, 0;
                if (*k != '-') return -EINVAL;
                if ((r = safe_atoi(k, &n)) < 0) return r;
                if (n > 0 || n < SIGNAL_RTMIN - SIGNAL_RTMAX) return -ERANGE;
                return *ret = SIGNAL_RTMAX + n, 0;
        }
        return -EINVAL;
}

int parse_signal(const char *s, int *ret) {
        int sig;
        if (!s)
                return -EINVAL;
        if (safe_atoi(s, &sig) >= 0) {
                if (!signal_is_valid(sig))
                        return -ERANGE;
                if (ret) *ret = sig;
                return 0;
        }
        const char *p = startswith(s, "SIG");
        if (!p)
                p = s;
        for (size_t i = 1; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i] && streq(p, signal_names[i])) {
                        if (ret) *ret = (int) i;
                        return 0;
                }
        int r = parse_rt_signal(p, &sig);
        if (r < 0)
                return r;
        if (ret)
                *ret = sig;
        return 0;
}

/* Unlike systemd's signal_to_string() ("TERM"), this includes the "SIG" prefix, as systemd prints
 * in unit dumps ("KillSignal: SIGTERM"). Realtime signals: "SIGRTMIN+n". */
const char *signal_to_string(int sig) {
        static __thread char buf[32];
        if (sig > 0 && (size_t) sig < ELEMENTSOF(signal_names) && signal_names[sig]) {
                snprintf(buf, sizeof(buf), "SIG%s", signal_names[sig]);
                return buf;
        }
        if (sig >= SIGNAL_RTMIN && sig <= SIGNAL_RTMAX) {
                snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGNAL_RTMIN);
                return buf;
        }
        return NULL;
}

const char *signal_abbrev(int sig) {
        static __thread char num[16];
        const char *s = signal_to_string(sig);
        if (s) return s + 3;
        if (!signal_is_valid(sig)) return "?";
        snprintf(num, sizeof num, "%d", sig);   /* 32, 33: valid, without a name */
        return num;
}

/* ---- signal sets in the kernel's layout ---- */

#define WORD_BITS (sizeof(unsigned long) * CHAR_BIT)

/* glibc's and musl's sigset_t are both arrays of unsigned long holding the kernel's sigset first
 * (signal n is bit n-1); each word is copied out and back, so no type is punned. */
static int sigset_word(const sigset_t *set, int sig, size_t *ret_off, unsigned long *ret_word) {
        if (!signal_is_valid(sig)) return -EINVAL;
        size_t off = (size_t) (sig - 1) / WORD_BITS * sizeof(unsigned long);
        _Static_assert(SIGNAL_MAX / CHAR_BIT <= sizeof(sigset_t), "sigset_t smaller than the kernel's");
        memcpy(ret_word, (const char *) set + off, sizeof *ret_word);
        *ret_off = off;
        return 0;
}

static unsigned long sigset_bit(int sig) {
        return 1UL << ((unsigned) (sig - 1) % WORD_BITS);
}

int sigset_add(sigset_t *set, int sig) {
        size_t off;
        unsigned long w;
        int r = sigset_word(set, sig, &off, &w);
        if (r < 0) return r;
        w |= sigset_bit(sig);
        memcpy((char *) set + off, &w, sizeof w);
        return 0;
}

int sigset_del(sigset_t *set, int sig) {
        size_t off;
        unsigned long w;
        int r = sigset_word(set, sig, &off, &w);
        if (r < 0) return r;
        w &= ~sigset_bit(sig);
        memcpy((char *) set + off, &w, sizeof w);
        return 0;
}

bool sigset_has(const sigset_t *set, int sig) {
        size_t off;
        unsigned long w;
        return sigset_word(set, sig, &off, &w) >= 0 && (w & sigset_bit(sig));
}
