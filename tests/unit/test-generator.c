/* SPDX-License-Identifier: MIT */
/* generator: systemd.generator(7) executables run at boot, as systemd 252 runs them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include "base/util.h"
#include "core/generator.h"
#include "tmptree.h"

static char *root;
static char dirs[2][512], outs[3][512];

static void script(int d, const char *name, const char *body) {
        char rel[256];
        snprintf(rel, sizeof rel, "d%d/%s", d, name);
        tmptree_write(root, rel, body);
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", root, rel);
        chmod(p, 0755);
}

static int setup(void **state) {
        (void)state;
        root = tmptree_new();
        for (int i = 0; i < 2; i++) {
                snprintf(dirs[i], sizeof dirs[i], "%s/d%d", root, i);
                mkdir(dirs[i], 0755);
        }
        static const char *names[3] = { "gen", "gen.early", "gen.late" };
        for (int i = 0; i < 3; i++) snprintf(outs[i], sizeof outs[i], "%s/out/%s", root, names[i]);
        return 0;
}

static int teardown(void **state) {
        (void)state;
        tmptree_free(root);

        return 0;
}

static bool exists(const char *dir, const char *name) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, name);
        return access(p, F_OK) == 0;
}

static void test_run_shadow_mask_args_env(void **state) {
        (void)state;
        const char *search[] = { dirs[0], dirs[1], root /* no executables of note */, NULL };
        const char *out[3] = { outs[0], outs[1], outs[2] };
        /* argv[1..3] are the output dirs; SYSTEMD_SCOPE and the caller's environment are passed */
        script(0, "a", "#!/bin/sh\n[ \"$SYSTEMD_SCOPE\" = system ] && [ \"$FOO\" = bar ] && "
                       "[ \"$SYSTEMD_IN_INITRD\" = 0 ] && touch \"$1/a-normal\" \"$2/a-early\" \"$3/a-late\"\n");
        script(0, "b", "#!/bin/sh\ntouch \"$1/b-from-d0\"\n");
        script(1, "b", "#!/bin/sh\ntouch \"$1/b-from-d1\"\n");       /* shadowed by d0/b */
        script(1, "c", "");                                          /* empty: masked */
        char p[1024];
        snprintf(p, sizeof p, "%s/m", dirs[0]);
        assert_int_equal(symlink("/dev/null", p), 0);               /* masks d1/m */
        script(1, "m", "#!/bin/sh\ntouch \"$1/m-ran\"\n");
        script(1, "fails", "#!/bin/sh\nexit 3\n");
        mkdir(outs[0], 0755);
        tmptree_write(root, "out/gen/stale", "x");                  /* emptied first */
        char *env[] = { (char *)"FOO=bar", (char *)"PATH=/usr/bin:/bin", NULL };
        assert_int_equal(generators_run(search, out, env, 10 * USEC_PER_SEC, NULL), 3);  /* a, b, fails */
        assert_true(exists(outs[0], "a-normal"));
        assert_true(exists(outs[1], "a-early"));
        assert_true(exists(outs[2], "a-late"));
        assert_true(exists(outs[0], "b-from-d0"));
        assert_false(exists(outs[0], "b-from-d1"));
        assert_false(exists(outs[0], "m-ran"));
        assert_false(exists(outs[0], "stale"));
}

static void test_timeout_kills(void **state) {
        (void)state;
        const char *search[] = { dirs[0], NULL };
        const char *out[3] = { outs[0], outs[1], outs[2] };
        char p[1024];
        for (const char *n = "a\0b\0m\0"; *n; n += strlen(n) + 1) {
                snprintf(p, sizeof p, "%s/%s", dirs[0], n);
                unlink(p);
        }
        script(0, "slow", "#!/bin/sh\nexec sleep 30\n");
        time_t t0 = time(NULL);
        assert_int_equal(generators_run(search, out, NULL, USEC_PER_SEC / 5, NULL), 1);
        assert_true(time(NULL) - t0 < 5);
}

static void test_nothing_to_run(void **state) {
        (void)state;
        const char *search[] = { "/nonexistent-tinysd", NULL };
        const char *out[3] = { "/nonexistent-tinysd/a", "/nonexistent-tinysd/b", "/nonexistent-tinysd/c" };
        assert_int_equal(generators_run(search, out, NULL, USEC_PER_SEC, NULL), 0);
}

static int builtin_calls;
static char builtin_late[512];
static int fake_builtin(const char *const out[3]) {
        builtin_calls++;
        snprintf(builtin_late, sizeof builtin_late, "%s", out[2]);
        return 0;
}

/* A built-in runs in process when no executable of its name exists, and not when one runs or is
 * masked. */
static void test_builtin_stands_in(void **state) {
        (void)state;
        char d[512];
        snprintf(d, sizeof d, "%s/builtin", root);
        mkdir(d, 0755);
        const char *search[] = { d, NULL };
        const char *out[3] = { outs[0], outs[1], outs[2] };
        const BuiltinGenerator builtins[] = { { "systemd-sysv-generator", fake_builtin }, { NULL, NULL } };
        builtin_calls = 0;
        assert_int_equal(generators_run(search, out, NULL, USEC_PER_SEC, builtins), 1);
        assert_int_equal(builtin_calls, 1);
        assert_string_equal(builtin_late, outs[2]);
        tmptree_write(root, "builtin/systemd-sysv-generator", "");             /* masked: not even the built-in */
        assert_int_equal(generators_run(search, out, NULL, USEC_PER_SEC, builtins), 0);
        assert_int_equal(builtin_calls, 1);
        tmptree_write(root, "builtin/systemd-sysv-generator", "#!/bin/sh\ntouch \"$3/real-ran\"\n");
        char p[1024];
        snprintf(p, sizeof p, "%s/systemd-sysv-generator", d);
        chmod(p, 0755);
        assert_int_equal(generators_run(search, out, NULL, USEC_PER_SEC, builtins), 1);  /* the image's own */
        assert_int_equal(builtin_calls, 1);
        assert_true(exists(outs[2], "real-ran"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_run_shadow_mask_args_env),
                cmocka_unit_test(test_timeout_kills),
                cmocka_unit_test(test_nothing_to_run),
                cmocka_unit_test(test_builtin_stands_in),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
