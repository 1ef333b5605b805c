/* SPDX-License-Identifier: MIT */
/* restart-delay: systemd 254's RestartSteps=/RestartMaxDelaySec= interpolation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "unit/restart-delay.h"

#define MS USEC_PER_MSEC

static void test_off(void **state) {
        (void)state;
        /* the first restart, no steps, no maximum, RestartSec=0, or a maximum not above it */
        assert_int_equal(restart_delay_next(100 * MS, 3, 800 * MS, 0), 100 * MS);
        assert_int_equal(restart_delay_next(100 * MS, 3, 800 * MS, 1), 100 * MS);
        assert_int_equal(restart_delay_next(100 * MS, 0, 800 * MS, 5), 100 * MS);
        assert_int_equal(restart_delay_next(100 * MS, 3, USEC_INFINITY, 5), 100 * MS);
        assert_int_equal(restart_delay_next(0, 3, 800 * MS, 3), 0);
        assert_int_equal(restart_delay_next(800 * MS, 3, 800 * MS, 3), 800 * MS);
        assert_int_equal(restart_delay_next(900 * MS, 3, 800 * MS, 3), 900 * MS);
}

static void test_issue_example(void **state) {
        (void)state;
        /* RestartSec=100ms RestartSteps=3 RestartMaxDelaySec=800ms: 100, 200, 400, 800, 800 ms */
        const usec_t want[] = { 100 * MS, 200 * MS, 400 * MS, 800 * MS, 800 * MS, 800 * MS };
        for (unsigned n = 1; n <= 6; n++)
                assert_int_equal(restart_delay_next(100 * MS, 3, 800 * MS, n), want[n - 1]);
        /* past the last step: the maximum, whatever the counter */
        assert_int_equal(restart_delay_next(100 * MS, 3, 800 * MS, UINT32_MAX), 800 * MS);
}

/* Expected values printed by (usec_t)(r0 * powl((long double)rmax / r0, (long double)(n - 1) / steps))
 * with glibc's powl on x86-64, i.e. systemd 254's expression. */
static const struct { usec_t r0; unsigned steps; usec_t rmax; unsigned n; usec_t want; } powl_cases[] = {
        { 100000ULL, 3, 800000ULL, 2, 200000ULL },
        { 100000ULL, 3, 800000ULL, 3, 400000ULL },
        /* 64^(5/6 rounded to a long double) is just below 32: one microsecond less */
        { 6000000ULL, 6, 384000000ULL, 6, 191999999ULL },
        { 6000000ULL, 6, 384000000ULL, 2, 12000000ULL },
        { 1000000ULL, 5, 60000000ULL, 2, 2267933ULL },
        { 1000000ULL, 5, 60000000ULL, 3, 5143520ULL },
        { 1000000ULL, 5, 60000000ULL, 4, 11665161ULL },
        { 1000000ULL, 5, 60000000ULL, 5, 26455806ULL },
        { 250000ULL, 10, 3600000000ULL, 7, 78155132ULL },
        { 1ULL, 2, 3ULL, 2, 1ULL },
        { 1ULL, 1000, 18446744073709551614ULL, 500, 4108600754ULL },
        { 7ULL, 4294967295U, 18446744073709551614ULL, 4294967295U, 18446743891536326726ULL },
        { 100000ULL, 2, 100001ULL, 2, 100000ULL },
};

static void test_powl(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof powl_cases / sizeof powl_cases[0]; i++)
                assert_int_equal(restart_delay_next(powl_cases[i].r0, powl_cases[i].steps, powl_cases[i].rmax, powl_cases[i].n),
                                 powl_cases[i].want);
}

static void test_monotonic_and_bounded(void **state) {
        (void)state;
        const struct { usec_t r0, rmax; unsigned steps; } c[] = {
                { 1, USEC_INFINITY - 1, 64 }, { 100 * MS, 10 * USEC_PER_SEC, 7 }, { 3, 5, 1000 }, { 999, 1000, 10 },
        };
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
                usec_t last = 0;
                for (unsigned n = 1; n <= c[i].steps + 2; n++) {
                        usec_t v = restart_delay_next(c[i].r0, c[i].steps, c[i].rmax, n);
                        assert_true(v >= c[i].r0 && v <= c[i].rmax);
                        assert_true(v >= last);
                        last = v;
                }
                assert_int_equal(last, c[i].rmax);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_off),
                cmocka_unit_test(test_issue_example),
                cmocka_unit_test(test_powl),
                cmocka_unit_test(test_monotonic_and_bounded),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
