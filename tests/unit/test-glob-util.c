/* SPDX-License-Identifier: MIT */
/* Brace expansion for glob (base/glob-util), the musl build's stand-in for glibc's GLOB_BRACE:
 * the expansions of edge cases, and glob results compared with glibc's own GLOB_BRACE on a tree
 * (this test runs against glibc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "base/glob-util.h"
#include "base/strv.h"
#include "base/util.h"

static void check_expansion(const char *pattern, const char *const *want) {
        _cleanup_strv_free_ char **got = NULL;
        assert_int_equal(brace_expand(pattern, &got), 0);
        size_t n = strv_length(got), k = 0;
        while (want[k]) k++;
        if (n != k) fail_msg("%s: %zu expansions, want %zu", pattern, n, k);
        for (size_t i = 0; i < n; i++)
                if (!streq(got[i], want[i])) fail_msg("%s: expansion %zu is \"%s\", want \"%s\"", pattern, i, got[i], want[i]);
}

static void test_brace_expand(void **state) {
        (void) state;
        check_expansion("plain*", (const char *[]) { "plain*", NULL });
        check_expansion("/var/lib/clamav/main.{c[vl]d,inc}", (const char *[]) { "/var/lib/clamav/main.c[vl]d", "/var/lib/clamav/main.inc", NULL });
        check_expansion("a{b,c{d,e}}f", (const char *[]) { "abf", "acdf", "acef", NULL });
        check_expansion("{a,b}{c,d}", (const char *[]) { "ac", "ad", "bc", "bd", NULL });
        check_expansion("{a}", (const char *[]) { "a", NULL });
        check_expansion("x{,y}", (const char *[]) { "x", "xy", NULL });
        check_expansion("a{b", (const char *[]) { "a{b", NULL });
        check_expansion("a{b,c", (const char *[]) { "a{b,c", NULL });
        check_expansion("}{a,b}", (const char *[]) { "}a", "}b", NULL });
        check_expansion("a\\{b,c}", (const char *[]) { "a\\{b,c}", NULL });
        check_expansion("{a\\,b,c}", (const char *[]) { "a\\,b", "c", NULL });
        check_expansion("{a,b}\\", (const char *[]) { "a\\", "b\\", NULL });
        check_expansion("{a\\}", (const char *[]) { "{a\\}", NULL });
        /* 2^13 alternatives: refused, not expanded without bound */
        _cleanup_strv_free_ char **many = NULL;
        assert_int_equal(brace_expand("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}", &many), -E2BIG);
}

static void touch(const char *dir, const char *name) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, name);
        if (strchr(name, '/')) {
                char d[512];
                snprintf(d, sizeof d, "%s", p);
                *strrchr(d, '/') = 0;
                mkdir(d, 0755);
        }
        int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
}

/* glob_brace_expanded() finds what glibc's glob(GLOB_BRACE) finds, in the same order. */
static void test_same_as_glibc(void **state) {
        (void) state;
        char dir[] = "/tmp/test-glob-util-XXXXXX";
        assert_non_null(mkdtemp(dir));
        static const char *const files[] = { "main.cvd", "main.cld", "main.inc", "daily.cld", "a{b", "ab", "ac",
                                             "x", "xy", "sub/one", "sub/two", "sub2/one", "br{a}ce", "brace" };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) touch(dir, files[i]);
        static const char *const patterns[] = {
                "main.{c[vl]d,inc}", "{main,daily}.c?d", "a{b", "a{b,c}", "x{,y}", "{sub,sub2}/*", "sub{,2}/{one,two}",
                "nothing{a,b}", "br\\{a}ce", "br{a}ce", "*{", "{x,y,x}", "{main.inc,nope}", "{{a,x},y}*",
        };
        for (size_t i = 0; i < ELEMENTSOF(patterns); i++) {
                char p[512];
                snprintf(p, sizeof p, "%s/%s", dir, patterns[i]);
                glob_t ref = { 0 }, mine = { 0 };
                int r1 = glob(p, GLOB_BRACE, NULL, &ref), r2 = glob_brace_expanded(p, 0, &mine);
                if (r1 != r2) fail_msg("%s: glob_brace_expanded() %d, glibc %d", patterns[i], r2, r1);
                if (r1 == 0) {
                        if (ref.gl_pathc != mine.gl_pathc) fail_msg("%s: %zu matches, glibc %zu", patterns[i], mine.gl_pathc, ref.gl_pathc);
                        for (size_t k = 0; k < ref.gl_pathc; k++)
                                if (!streq(ref.gl_pathv[k], mine.gl_pathv[k]))
                                        fail_msg("%s: match %zu is %s, glibc %s", patterns[i], k, mine.gl_pathv[k], ref.gl_pathv[k]);
                }
                globfree(&ref);
                globfree(&mine);
        }
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_brace_expand),
                cmocka_unit_test(test_same_as_glibc),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
