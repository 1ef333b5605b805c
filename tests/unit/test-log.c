/* SPDX-License-Identifier: MIT */
/* log.c: %m says the error given, or the caller's errno: never the "Success" of errno 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "log-capture.h"

static void test_percent_m(void **state) {
        (void)state;
        log_capture_start();
        /* the error given */
        assert_int_equal(log_warning_errno(-EACCES, "a: %m"), -EACCES);
        assert_int_equal(log_warning_errno(ENOENT, "b: %m"), -ENOENT);
        /* without one: the caller's errno, as glibc's %m (every "log_warning(\"...: %m\")" after a
         * failed call said "Success" before) */
        errno = EEXIST;
        assert_int_equal(log_warning("c: %m"), 0);
        assert_int_equal(errno, EEXIST);
        assert_string_equal(log_captured(), "a: Permission denied\nb: No such file or directory\nc: File exists\n");
        log_capture_stop();
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_percent_m),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
