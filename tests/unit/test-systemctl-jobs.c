/* SPDX-License-Identifier: MIT */
/* systemctl's pure helpers around jobs and the manager: job failure explanations, error names to
 * exit codes, show-environment's quoting (systemd 252's texts and rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "base/util.h"
#include "cli/systemctl.h"

static void test_explanations(void **state) {
        (void) state;
        assert_string_equal(ctl_job_result_explanation("exit-code"), "the control process exited with error code");
        assert_string_equal(ctl_job_result_explanation("start-limit"), "start of the service was attempted too often");
        assert_string_equal(ctl_job_result_explanation("resources"), "of unavailable resources or another system error");
        assert_null(ctl_job_result_explanation("success"));
        assert_null(ctl_job_result_explanation(NULL));
}

static void test_exit_codes(void **state) {
        (void) state;
        assert_int_equal(ctl_error_exit_code("org.freedesktop.systemd1.NoSuchUnit"), 5);
        assert_int_equal(ctl_error_exit_code("org.freedesktop.systemd1.LoadFailed"), 6);
        assert_int_equal(ctl_error_exit_code("org.freedesktop.systemd1.JobTypeNotApplicable"), 3);
        assert_int_equal(ctl_error_exit_code("org.freedesktop.DBus.Error.AccessDenied"), 4);
        assert_int_equal(ctl_error_exit_code("org.freedesktop.systemd1.UnitMasked"), 1);
        assert_int_equal(ctl_error_exit_code(NULL), 1);
}

static void check_quote(const char *in, const char *expected) {
        char *out = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&out, &n);
        assert_non_null(f);
        ctl_print_posix_quoted(f, in);
        fclose(f);
        assert_string_equal(out, expected);
        free(out);
}

static void test_posix_quote(void **state) {
        (void) state;
        check_quote("/usr/bin:/bin", "/usr/bin:/bin");
        check_quote("C.UTF-8", "C.UTF-8");
        check_quote("a=b", "a=b");
        check_quote("a b", "$'a b'");
        check_quote("it's", "$'it\\'s'");
        check_quote("a\tb\\c", "$'a\\tb\\\\c'");
        check_quote("x\x01", "$'x\\x01'");
        check_quote("", "");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_explanations),
                cmocka_unit_test(test_exit_codes),
                cmocka_unit_test(test_posix_quote),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
