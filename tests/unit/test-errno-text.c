/* SPDX-License-Identifier: MIT */
/* errno_text(): glibc's words for every errno, the ones systemd's messages carry. This test runs
 * against glibc, so its strerror() is the reference; the static (musl) build uses the same table
 * in place of musl's strerror(), checked from outside in tests/integration/test_pid1_signals.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "base/errno-text.h"
#include "base/util.h"

static void test_every_errno_as_glibc_says_it(void **state) {
        (void) state;
        for (int e = -3; e <= 300; e++)
                if (!streq(errno_text(e), strerror(e)))
                        fail_msg("errno_text(%d) = \"%s\", glibc says \"%s\"", e, errno_text(e), strerror(e));
        assert_string_equal(errno_text(0), "Success");
        assert_string_equal(errno_text(EADDRINUSE), "Address already in use");
        assert_string_equal(errno_text(ELOOP), "Too many levels of symbolic links");
        assert_string_equal(errno_text(4242), "Unknown error 4242");
        assert_string_equal(errno_text(41), "Unknown error 41");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_errno_as_glibc_says_it),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
