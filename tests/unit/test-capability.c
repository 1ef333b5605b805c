/* SPDX-License-Identifier: MIT */
/* Capabilities without libcap: the ambient set a service can be given (pure), and the system call
 * wrappers checked against what the kernel reports in /proc/self/status. The wrappers that change
 * the process run in a forked child; without the capabilities they need, those tests are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "exec/capability.h"

#define NET_BIND_SERVICE CAP_MASK(10)
#define NET_RAW CAP_MASK(13)
#define SYS_ADMIN CAP_MASK(21)
#define DOCKER UINT64_C(0xa80425fb)

static void test_ambient_plan(void **state) {
        (void)state;
        uint64_t missing = 1;
        /* everything asked for is there */
        assert_true(capability_ambient_plan(NET_BIND_SERVICE, UINT64_MAX, DOCKER, DOCKER, &missing) == NET_BIND_SERVICE);
        assert_true(missing == 0);
        /* CapabilityBoundingSet= excludes one: dropped, but not "missing" (the unit's own choice) */
        assert_true(capability_ambient_plan(NET_BIND_SERVICE | NET_RAW, NET_BIND_SERVICE, DOCKER, DOCKER, &missing) ==
                    NET_BIND_SERVICE);
        assert_true(missing == 0);
        /* outside Docker's set: the rest is given, the one the manager lacks is missing */
        assert_true(capability_ambient_plan(SYS_ADMIN | NET_BIND_SERVICE, UINT64_MAX, DOCKER, DOCKER, &missing) ==
                    NET_BIND_SERVICE);
        assert_true(missing == SYS_ADMIN);
        /* excluded by the unit and lacking in the manager: the unit's exclusion wins, not missing */
        assert_true(capability_ambient_plan(SYS_ADMIN, ~SYS_ADMIN, DOCKER, DOCKER, &missing) == 0);
        assert_true(missing == 0);
        /* in the bounding set but not permitted (a non-root manager): nothing can be given */
        assert_true(capability_ambient_plan(NET_BIND_SERVICE, UINT64_MAX, DOCKER, 0, &missing) == 0);
        assert_true(missing == NET_BIND_SERVICE);
        /* permitted but dropped from the manager's bounding set */
        assert_true(capability_ambient_plan(NET_RAW, UINT64_MAX, DOCKER & ~NET_RAW, DOCKER, NULL) == 0);
        assert_true(capability_ambient_plan(0, UINT64_MAX, DOCKER, DOCKER, &missing) == 0);
        assert_true(missing == 0);
}

/* The hex value of a Cap* line of /proc/self/status. */
static uint64_t status_caps(const char *key) {
        FILE *f = fopen("/proc/self/status", "re");
        assert_non_null(f);
        char line[256];
        unsigned long long v = 0;
        bool found = false;
        size_t n = strlen(key);
        while (fgets(line, sizeof line, f))
                if (strncmp(line, key, n) == 0 && line[n] == ':') found = sscanf(line + n + 1, "%llx", &v) == 1;
        fclose(f);
        assert_true(found);
        return v;
}

static void test_get_matches_proc(void **state) {
        (void)state;
        CapSets s;
        assert_int_equal(capability_get_self(&s), 0);
        assert_true(s.effective == status_caps("CapEff"));
        assert_true(s.permitted == status_caps("CapPrm"));
        assert_true(s.inheritable == status_caps("CapInh"));
        uint64_t bset;
        assert_int_equal(capability_bounding_get(&bset), 0);
        assert_true(bset == status_caps("CapBnd"));
        /* setting what we have changes nothing and is allowed to anyone */
        assert_int_equal(capability_set_self(&s), 0);
        assert_true(capability_ambient_supported());
}

/* Run FN in a child; 0 passed, 77 skipped. */
static int in_child(int (*fn)(void)) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) _exit(fn());
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        return WEXITSTATUS(st);
}

static int child_bounding_and_ambient(void) {
        CapSets s;
        if (capability_get_self(&s) < 0 || !(s.effective & CAP_MASK(CAP_SETPCAP)) || !(s.permitted & NET_BIND_SERVICE) ||
            !(s.permitted & NET_RAW))
                return 77;
        uint64_t keep = NET_BIND_SERVICE | NET_RAW;
        if (capability_bounding_drop(keep) < 0) return 1;
        if (status_caps("CapBnd") != keep) return 2;
        /* the dropped capabilities also leave the inheritable set */
        if (capability_ambient_apply(NET_BIND_SERVICE | NET_RAW, true) < 0) return 3;
        if (status_caps("CapAmb") != keep || status_caps("CapInh") != keep) return 4;
        /* a second call makes exactly the new set ambient */
        if (capability_ambient_apply(NET_BIND_SERVICE, false) < 0) return 5;
        if (status_caps("CapAmb") != NET_BIND_SERVICE) return 6;
        /* a capability that is not permitted cannot be raised */
        s.permitted &= ~NET_RAW;
        s.effective &= ~NET_RAW;
        if (capability_set_self(&s) < 0) return 7;
        if (capability_ambient_apply(NET_RAW, true) != -EPERM) return 8;
        return 0;
}

static void test_bounding_and_ambient(void **state) {
        (void)state;
        int r = in_child(child_bounding_and_ambient);
        if (r == 77) skip();
        assert_int_equal(r, 0);
}

static int child_securebits(void) {
        if (!capability_have_effective(CAP_SETPCAP) || prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != 0) return 77;
        /* noroot | keep-caps | keep-caps-locked, with CAP_SETPCAP only permitted (gained here) */
        CapSets s;
        if (capability_get_self(&s) < 0) return 1;
        s.effective &= ~CAP_MASK(CAP_SETPCAP);
        if (capability_set_self(&s) < 0) return 2;
        if (securebits_apply(0x31) < 0) return 3;
        if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != 0x31) return 4;
        if (securebits_apply(0x31) < 0) return 5;   /* unchanged: no privilege needed */
        return 0;
}

static void test_securebits(void **state) {
        (void)state;
        int r = in_child(child_securebits);
        if (r == 77) skip();
        assert_int_equal(r, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ambient_plan),
                cmocka_unit_test(test_get_matches_proc),
                cmocka_unit_test(test_bounding_and_ambient),
                cmocka_unit_test(test_securebits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
