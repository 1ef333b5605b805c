/* SPDX-License-Identifier: MIT */
/* id128: systemd's 128-bit id strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "base/id128.h"

static void test_round_trip_and_forms(void **state) {
        (void)state;
        uint8_t a[16], b[16];
        char s[33];
        assert_int_equal(id128_from_string("0123456789abcdefFEDCBA9876543210", a), 0);
        assert_string_equal(id128_to_string(a, s), "0123456789abcdeffedcba9876543210");
        assert_int_equal(id128_from_string("01234567-89ab-cdef-fedc-ba9876543210", b), 0);
        assert_memory_equal(a, b, 16);
        assert_int_equal(id128_from_string("0123456789abcdeffedcba987654321", a), -EINVAL);     /* 31 */
        assert_int_equal(id128_from_string("0123456789abcdeffedcba987654321g", a), -EINVAL);    /* not hex */
        assert_int_equal(id128_from_string("01234567x89ab-cdef-fedc-ba9876543210", a), -EINVAL); /* dash place */
}

/* Random ids are v4 UUIDs (as sd_id128_randomize()) and differ. */
static void test_random(void **state) {
        (void)state;
        char x[33], y[33];
        uint8_t id[16];
        id128_random_string(x);
        id128_random_string(y);
        assert_int_equal(strlen(x), 32);
        assert_string_not_equal(x, y);
        assert_int_equal(id128_from_string(x, id), 0);
        assert_int_equal(id[6] >> 4, 4);
        assert_int_equal(id[8] >> 6, 2);
        uint8_t b[16], c[16];
        id128_random(b);
        id128_random(c);
        assert_memory_not_equal(b, c, 16);
        assert_int_equal(b[6] >> 4, 4);
        assert_int_equal(b[8] >> 6, 2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip_and_forms),
                cmocka_unit_test(test_random),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
