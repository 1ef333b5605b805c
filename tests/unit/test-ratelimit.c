/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "base/ratelimit.h"

static void test_window(void **state) {
        (void)state;
        RateLimit rl = { 0 };
        /* burst 3 in a 10 s window starting at the first event (t=1 s) */
        for (int i = 0; i < 3; i++) assert_true(ratelimit_below(&rl, 10 * USEC_PER_SEC, 3, USEC_PER_SEC + (usec_t)i));
        assert_false(ratelimit_below(&rl, 10 * USEC_PER_SEC, 3, 5 * USEC_PER_SEC));
        assert_false(ratelimit_below(&rl, 10 * USEC_PER_SEC, 3, 11 * USEC_PER_SEC));   /* exactly interval: still in */
        assert_true(ratelimit_below(&rl, 10 * USEC_PER_SEC, 3, 11 * USEC_PER_SEC + 1)); /* a new window */
        assert_int_equal(rl.count, 1);
        ratelimit_reset(&rl);
        assert_int_equal(rl.begin, 0);
}

static void test_zero_means_unlimited(void **state) {
        (void)state;
        RateLimit rl = { 0 };
        for (int i = 0; i < 1000; i++) {
                assert_true(ratelimit_below(&rl, 0, 5, USEC_PER_SEC));
                assert_true(ratelimit_below(&rl, USEC_PER_SEC, 0, USEC_PER_SEC));
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_window),
                cmocka_unit_test(test_zero_means_unlimited),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
