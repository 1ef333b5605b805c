/* SPDX-License-Identifier: MIT */
/* Timestamps: formats and parsing as systemd 252 (`systemd-analyze timestamp`) shows them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "base/time-util.h"
#include "base/util.h"

#define S(x) ((usec_t)UINT64_C(x) * USEC_PER_SEC)

static void use_tz(const char *tz) {
        setenv("TZ", tz, 1);
        tzset();
}

static void test_format(void **state) {
        (void)state;
        char b[FORMAT_TIMESTAMP_MAX];
        use_tz("Europe/Berlin");
        usec_t t = S(1795348800) + 123456;   /* Sun 2026-11-22 12:00:00.123456 UTC */
        assert_string_equal(format_timestamp(b, sizeof b, t), "Sun 2026-11-22 13:00:00 CET");
        assert_string_equal(format_timestamp_style(b, sizeof b, t, TIMESTAMP_US), "Sun 2026-11-22 13:00:00.123456 CET");
        assert_string_equal(format_timestamp_style(b, sizeof b, t, TIMESTAMP_UTC), "Sun 2026-11-22 12:00:00 UTC");
        assert_string_equal(format_timestamp_style(b, sizeof b, t, TIMESTAMP_US_UTC), "Sun 2026-11-22 12:00:00.123456 UTC");
        assert_string_equal(format_timestamp_style(b, sizeof b, t, TIMESTAMP_UNIX), "@1795348800");
        assert_string_equal(format_timestamp(b, sizeof b, S(1784671200)), "Wed 2026-07-22 00:00:00 CEST");
        assert_null(format_timestamp(b, sizeof b, 0));
        assert_null(format_timestamp(b, sizeof b, USEC_INFINITY));
        assert_null(format_timestamp(b, 10, t));
        assert_string_equal(format_timestamp(b, sizeof b, USEC_TIMESTAMP_FORMATTABLE_MAX + 1), "--- XXXX-XX-XX XX:XX:XX");
        use_tz("UTC");
        assert_string_equal(format_timestamp(b, sizeof b, S(4102444800)), "Fri 2100-01-01 00:00:00 UTC");
        assert_true(in_utc_timezone());
        use_tz("America/New_York");
        assert_false(in_utc_timezone());
        use_tz("UTC");
}

static void test_relative(void **state) {
        (void)state;
        char b[FORMAT_TIMESTAMP_RELATIVE_MAX];
        const usec_t n = S(1795348800);
#define SEC INT64_C(1000000)
        static const struct { int64_t delta; const char *s; } cases[] = {   /* t - now, in usec */
                { -5 * 60 * SEC, "5min ago" }, { 3720 * SEC, "1h 2min left" },
                { -(17 * 86400 + 3600) * SEC, "2 weeks 3 days ago" }, { 0, "now" }, { 1, "1us left" },
                { 1500, "1ms left" }, { -59 * SEC, "59s ago" }, { 61 * SEC, "1min 1s left" },
                { 6 * 3600 * SEC, "6h left" }, { 25 * 3600 * SEC, "1 day 1h left" }, { -3 * 86400 * SEC, "3 days ago" },
                { 40 * 86400 * SEC, "1 month 9 days left" }, { -800 * 86400 * SEC, "2 years 2 months ago" },
                { -365 * 86400 * SEC, "11 months 30 days ago" }, { -366 * 86400 * SEC, "1 year 0 months ago" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(format_timestamp_relative_to(b, sizeof b, (usec_t)((int64_t)n + cases[i].delta), n),
                                    cases[i].s);
        assert_null(format_timestamp_relative_to(b, sizeof b, 0, n));
}

static void test_parse(void **state) {
        (void)state;
        const usec_t n = S(1795348800);   /* Sun 2026-11-22 12:00:00 UTC */
        usec_t t;
        use_tz("Europe/Berlin");
        static const struct { const char *s; usec_t v; } ok[] = {
                { "2026-11-22 12:00 UTC", S(1795348800) }, { "Sun 2026-11-22 12:00", S(1795345200) },
                { "Nov 22 12:00:00 UTC", S(1795348800) }, { "26-11-22 UTC", S(1795305600) },
                { "2026-11-22 12:00:00.1234567 UTC", S(1795348800) + 123457 }, { "@1795348800.5", S(1795348800) + 500000 },
                { "2026-07-22 CEST", S(1784671200) }, { "2026-02-30 UTC", S(1772409600) },
                { "now", n }, { "+5min", n + 5 * USEC_PER_MINUTE }, { "-1h", n - 3600 * USEC_PER_SEC },
                { "5min ago", n - 5 * USEC_PER_MINUTE }, { "2h left", n + 7200 * USEC_PER_SEC },
                { "today", S(1795302000) }, { "yesterday", S(1795215600) }, { "tomorrow", S(1795388400) },
                { "13:00", S(1795348800) }, { "13:00:01.5", S(1795348801) + 500000 },
                { "9999-12-30 23:59:59 UTC", USEC_TIMESTAMP_FORMATTABLE_MAX },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                int r = parse_timestamp_at(ok[i].s, n, &t);
                if (r < 0 || t != ok[i].v) fail_msg("'%s': r=%d %" PRIu64 ", expected %" PRIu64, ok[i].s, r, t, ok[i].v);
        }
        static const char *const bad[] = {
                "", "foo", "Mon 2026-11-22 12:00", "69-01-01", "1969-12-31 23:59:59", "9999-12-31 12:00",
                "2026-11-22 12:00 Europe/Berlin", "12:00 CET", "now UTC", "2026-11-22 25:00", "12:00:00.",
                "+foo", "2026-11-22T12:00",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (parse_timestamp_at(bad[i], n, &t) != -EINVAL) fail_msg("'%s' accepted", bad[i]);
        use_tz("UTC");
}

static void test_timezone_valid(void **state) {
        (void)state;
        assert_true(timezone_is_valid("UTC"));
        assert_true(timezone_is_valid("Europe/Berlin"));
        assert_false(timezone_is_valid("Europe/Nowhere"));
        assert_false(timezone_is_valid("/etc/localtime"));
        assert_false(timezone_is_valid("Europe//Berlin"));
        assert_false(timezone_is_valid("Europe/"));
        assert_false(timezone_is_valid("../etc/passwd"));
        assert_false(timezone_is_valid(""));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_format),
                cmocka_unit_test(test_relative),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_timezone_valid),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
