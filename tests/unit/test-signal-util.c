/* SPDX-License-Identifier: MIT */
/* Signal numbering (base/signal-util): systemd's SIGRTMIN+n is 34+n whatever the C library, names
 * parse and print as systemd's (KillSignal= values checked with `systemd-analyze verify`), and
 * signal sets take every signal 1..64 in the kernel's layout (checked against the kernel itself:
 * /proc/self/status and a signalfd). The numbers are written out, never SIGRTMIN from
 * <signal.h>: musl's is 35. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <sys/signalfd.h>
#include "base/signal-util.h"
#include "base/util.h"

/* parse_signal(): KillSignal= values checked with systemd-analyze verify: SIGTERM/TERM/15/64/
 * SIGRTMIN+3/RTMIN+3/SIGRTMAX-2/RTMAX/SIGRTMIN+30/" 15"/RTMIN+03 accepted; 0, 65, sigterm,
 * SIGRTMIN+31, SIGRTMIN+-1, SIGIOT, SIGCLD, SIGPOLL refused. */
static void test_parse_signal(void **state) {
        (void) state;
        int s;
        struct { const char *in; int sig; } ok[] = {
                { "SIGTERM", SIGTERM }, { "TERM", SIGTERM },   { "15", 15 },       { " 15", 15 },
                { "SIGKILL", SIGKILL }, { "HUP", SIGHUP },     { "SIGINT", SIGINT }, { "SIGUSR1", SIGUSR1 },
                { "USR2", SIGUSR2 },    { "SIGCHLD", SIGCHLD }, { "SIGWINCH", SIGWINCH }, { "SIGCONT", SIGCONT },
                { "SIGPWR", SIGPWR },   { "SIGSYS", SIGSYS },  { "SIGABRT", SIGABRT }, { "SIGRTMIN", 34 },
                { "RTMIN", 34 },        { "SIGRTMIN+3", 37 },  { "RTMIN+3", 37 },   { "RTMIN+03", 37 },
                { "SIGRTMIN+5", 39 },   { "SIGRTMAX", 64 },    { "RTMAX", 64 },     { "SIGRTMAX-2", 62 },
                { "SIGRTMIN+0", 34 },   { "SIGRTMIN+30", 64 }, { "SIGRTMAX-30", 34 }, { "RTMAX-0", 64 },
                { "64", 64 },           { "1", 1 },            { "32", 32 },        { "34", 34 },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                s = -1;
                if (parse_signal(ok[i].in, &s) != 0 || s != ok[i].sig)
                        fail_msg("parse_signal(\"%s\") gave %d, want %d", ok[i].in, s, ok[i].sig);
        }
        assert_int_equal(parse_signal("SIGRTMIN+31", &s), -ERANGE);
        assert_int_equal(parse_signal("SIGRTMAX-31", &s), -ERANGE);
        assert_int_equal(parse_signal("65", &s), -ERANGE);
        assert_int_equal(parse_signal("0", &s), -ERANGE);
        assert_int_equal(parse_signal("-1", &s), -ERANGE);
        const char *bad[] = { "sigterm", "term", "SIGIOT", "SIGCLD", "SIGPOLL", "SIGFOO", "", "SIG",
                              "SIGRTMIN+-1", "SIGRTMIN+", "SIGRTMIN3", "SIGRTMAX+1", "SIGTERM ", "15x" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (parse_signal(bad[i], &s) >= 0)
                        fail_msg("parse_signal(\"%s\") accepted", bad[i]);
        assert_int_equal(parse_signal(NULL, &s), -EINVAL);
}

/* signal_to_string(): "SIG" + systemd's name (as `systemd-analyze dump` prints KillSignal:),
 * realtime signals as SIGRTMIN+n from 34; round-trips through parse_signal() for every signal. */
static void test_signal_to_string(void **state) {
        (void) state;
        assert_string_equal(signal_to_string(SIGTERM), "SIGTERM");
        assert_string_equal(signal_to_string(SIGKILL), "SIGKILL");
        assert_string_equal(signal_to_string(SIGCHLD), "SIGCHLD");
        assert_string_equal(signal_to_string(34), "SIGRTMIN+0");
        assert_string_equal(signal_to_string(37), "SIGRTMIN+3");
        assert_string_equal(signal_to_string(64), "SIGRTMIN+30");
        assert_null(signal_to_string(32));
        assert_null(signal_to_string(33));
        assert_null(signal_to_string(0));
        assert_null(signal_to_string(-1));
        assert_null(signal_to_string(65));
        for (int sig = 1; sig <= SIGNAL_MAX; sig++) {
                const char *n = signal_to_string(sig);
                int back;
                if (!n) {
                        assert_true(sig == 32 || sig == 33);
                        continue;
                }
                assert_int_equal(parse_signal(n, &back), 0);
                assert_int_equal(back, sig);
        }
}

/* signal_abbrev(): systemd's signal_to_string(), as in $EXIT_STATUS and "status=9/KILL". */
static void test_signal_abbrev(void **state) {
        (void) state;
        assert_string_equal(signal_abbrev(SIGTERM), "TERM");
        assert_string_equal(signal_abbrev(SIGKILL), "KILL");
        assert_string_equal(signal_abbrev(34), "RTMIN+0");
        assert_string_equal(signal_abbrev(37), "RTMIN+3");
        assert_string_equal(signal_abbrev(64), "RTMIN+30");
        assert_string_equal(signal_abbrev(32), "32");
        assert_string_equal(signal_abbrev(33), "33");
        assert_string_equal(signal_abbrev(0), "?");
        assert_string_equal(signal_abbrev(65), "?");
}

/* The blocked mask as the kernel reports it (SigBlk: in /proc/self/status, bit n-1 for signal n). */
static unsigned long long blocked_mask(void) {
        FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        unsigned long long v = 0;
        assert_non_null(f);
        while (fgets(line, sizeof line, f))
                if (sscanf(line, "SigBlk: %llx", &v) == 1) break;
        fclose(f);
        return v;
}

/* sigset_add(): every signal 1..64, including 32-34 that musl's sigaddset() refuses, lands on the
 * kernel's bit: sigprocmask() blocks exactly those, and a signalfd delivers SIGRTMIN+0 and +3. */
static void test_sigset_kernel_layout(void **state) {
        (void) state;
        sigset_t set, old;
        sigemptyset(&set);
        for (int sig = 1; sig <= SIGNAL_MAX; sig++) assert_false(sigset_has(&set, sig));
        assert_int_equal(sigset_add(&set, 0), -EINVAL);
        assert_int_equal(sigset_add(&set, 65), -EINVAL);
        assert_int_equal(sigset_del(&set, -1), -EINVAL);
        assert_false(sigset_has(&set, 65));
        const int sigs[] = { SIGHUP, SIGUSR2, 34, 37, 39, 64 };
        unsigned long long want = 0;
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++) {
                assert_int_equal(sigset_add(&set, sigs[i]), 0);
                want |= 1ULL << (sigs[i] - 1);
        }
        for (int sig = 1; sig <= SIGNAL_MAX; sig++) assert_int_equal(sigset_has(&set, sig), (want >> (sig - 1)) & 1);

        assert_int_equal(sigprocmask(SIG_SETMASK, &set, &old), 0);
        assert_true(blocked_mask() == want);
        int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        assert_true(fd >= 0);
        assert_int_equal(kill(getpid(), 37), 0);
        assert_int_equal(kill(getpid(), 34), 0);
        struct signalfd_siginfo si[2];
        assert_int_equal(read(fd, si, sizeof si), (ssize_t) sizeof si);
        assert_int_equal(si[0].ssi_signo, 34);   /* realtime signals come lowest first */
        assert_int_equal(si[1].ssi_signo, 37);
        close(fd);

        assert_int_equal(sigset_del(&set, 34), 0);
        assert_false(sigset_has(&set, 34));
        assert_true(sigset_has(&set, 37));
        assert_int_equal(sigprocmask(SIG_SETMASK, &set, NULL), 0);
        assert_true(blocked_mask() == (want & ~(1ULL << 33)));
        assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_signal),
                cmocka_unit_test(test_signal_to_string),
                cmocka_unit_test(test_signal_abbrev),
                cmocka_unit_test(test_sigset_kernel_layout),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
