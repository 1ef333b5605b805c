/* SPDX-License-Identifier: MIT */
/* Value syntaxes of systemd.syntax(7)/systemd.time(7) and the helpers behind them: booleans, time
 * spans (expected values from `systemd-analyze timespan` of systemd 252), sizes, signals, C
 * escapes, word splitting, and the insertion-ordered hash map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include "base/escape.h"
#include "base/hashmap.h"
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "base/util.h"

static void test_boolean(void **state) {
        (void)state;
        const char *yes[] = { "1", "yes", "y", "true", "t", "on", "On", "YES" };
        const char *no[] = { "0", "no", "n", "false", "f", "off", "OFF" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) assert_int_equal(parse_boolean(yes[i]), 1);
        for (size_t i = 0; i < ELEMENTSOF(no); i++) assert_int_equal(parse_boolean(no[i]), 0);
        assert_int_equal(parse_boolean("maybe"), -EINVAL);
        assert_int_equal(parse_boolean(""), -EINVAL);
}

static void test_timespan(void **state) {
        (void)state;
        /* input, microseconds, systemd's human form — all from systemd-analyze timespan (252) */
        static const struct { const char *in; usec_t us; const char *human; } cases[] = {
                { "1min 30s", 90000000, "1min 30s" },
                { "2h30", 7230000000, "2h 30s" },    /* a bare number is seconds */
                { "1.5s", 1500000, "1.500000s" },
                { "5", 5000000, "5s" },
                { "100ms", 100000, "100ms" },
                { "1y", 31557600000000, "1y" },
                { "1M", 2629800000000, "1month" },
                { "infinity", USEC_INFINITY, "infinity" },
                { "0", 0, "0" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                usec_t t;
                char b[FORMAT_TIMESPAN_MAX];
                assert_int_equal(parse_sec(cases[i].in, &t), 0);
                assert_true(t == cases[i].us);
                assert_string_equal(format_timespan(b, sizeof b, t, 1), cases[i].human);
        }
        usec_t t;
        assert_int_equal(parse_sec("-1", &t), -ERANGE);
        assert_int_equal(parse_sec("ten", &t), -EINVAL);
        assert_int_equal(parse_sec_fix_0("0", &t), 0);
        assert_true(t == USEC_INFINITY);  /* TimeoutSec=0 means no timeout */
}

static void test_size(void **state) {
        (void)state;
        uint64_t s;
        assert_int_equal(parse_size("1.5G", 1024, &s), 0);
        assert_true(s == UINT64_C(1610612736));
        assert_int_equal(parse_size("512K", 1024, &s), 0);
        assert_true(s == 524288);
        assert_int_equal(parse_size("10", 1024, &s), 0);
        assert_true(s == 10);
        assert_true(parse_size("-1", 1024, &s) < 0);
        assert_true(parse_size("1Q", 1024, &s) < 0);
}

static void test_signal(void **state) {
        (void)state;
        int sig;
        assert_int_equal(parse_signal("SIGTERM", &sig), 0);
        assert_int_equal(sig, SIGTERM);
        assert_int_equal(parse_signal("HUP", &sig), 0);
        assert_int_equal(sig, SIGHUP);
        assert_int_equal(parse_signal("9", &sig), 0);
        assert_int_equal(sig, 9);
        assert_int_equal(parse_signal("SIGRTMIN+3", &sig), 0);
        assert_int_equal(sig, 37);   /* systemd's numbering, whatever the C library */
        assert_string_equal(signal_to_string(sig), "SIGRTMIN+3");
        assert_true(parse_signal("SIGNOPE", &sig) < 0);
        assert_true(parse_signal("0", &sig) < 0);
}

static void test_mode_and_numbers(void **state) {
        (void)state;
        mode_t m;
        assert_int_equal(parse_mode("0755", &m), 0);
        assert_int_equal(m, 0755);
        assert_true(parse_mode("8", &m) < 0);
        assert_true(parse_mode("17777", &m) < 0);
        unsigned u;
        assert_true(safe_atou("12x", &u) < 0);
        assert_true(safe_atou("-1", &u) < 0);
        int n;
        assert_int_equal(parse_nice("-20", &n), 0);
        assert_true(parse_nice("20", &n) < 0);
}

static void test_cunescape(void **state) {
        (void)state;
        char *s;
        assert_true(cunescape("a\\tb\\x41\\101\\u00e9\\s", 0, &s) >= 0);
        assert_string_equal(s, "a\tbAA\xc3\xa9 ");
        free(s);
        assert_true(cunescape("bad\\q", 0, &s) < 0);         /* unknown escape */
        assert_true(cunescape("nul\\x00", 0, &s) < 0);       /* NUL refused */
        assert_true(cunescape("bad\\q", CUNESCAPE_RELAX, &s) >= 0);
        assert_string_equal(s, "bad\\q");
        free(s);
}

static void test_extract_first_word(void **state) {
        (void)state;
        const char *p = "a \"b c\" 'd'\\x41  e";
        char *w;
        const char *want[] = { "a", "b c", "dA", "e" };
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE), 1);
                assert_string_equal(w, want[i]);
                free(w);
        }
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE), 0);
        /* an unbalanced quote is an error unless relaxed */
        p = "\"open";
        assert_true(extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE) < 0);
        p = "\"open";
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX), 1);
        assert_string_equal(w, "open");
        free(w);
        /* custom separators, empty fields kept when not coalescing */
        p = "a::b";
        assert_int_equal(extract_first_word(&p, &w, ":", EXTRACT_DONT_COALESCE_SEPARATORS), 1);
        assert_string_equal(w, "a");
        free(w);
        assert_int_equal(extract_first_word(&p, &w, ":", EXTRACT_DONT_COALESCE_SEPARATORS), 1);
        assert_string_equal(w, "");
        free(w);
}

static void test_hashmap(void **state) {
        (void)state;
        Hashmap *h = hashmap_new();
        char keys[2000][24];
        for (int i = 0; i < 2000; i++) {
                snprintf(keys[i], sizeof keys[i], "unit-%d", i);
                assert_true(hashmap_put(h, keys[i], (void *)(intptr_t)(i + 1)) >= 0);
        }
        assert_int_equal(hashmap_put(h, keys[5], NULL), -EEXIST);
        assert_int_equal(hashmap_size(h), 2000);
        for (int i = 0; i < 2000; i += 2) assert_ptr_equal(hashmap_remove(h, keys[i]), (void *)(intptr_t)(i + 1));
        assert_null(hashmap_get(h, keys[0]));
        assert_ptr_equal(hashmap_get(h, keys[1999]), (void *)(intptr_t)2000);
        /* iteration follows insertion order */
        size_t it = 0;
        const char *k;
        void *v;
        int expect = 1;
        while (hashmap_iterate(h, &it, &k, &v)) {
                assert_string_equal(k, keys[expect]);
                expect += 2;
        }
        assert_int_equal(expect, 2001);
        hashmap_free(h);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_boolean),
                cmocka_unit_test(test_timespan),
                cmocka_unit_test(test_size),
                cmocka_unit_test(test_signal),
                cmocka_unit_test(test_mode_and_numbers),
                cmocka_unit_test(test_cunescape),
                cmocka_unit_test(test_extract_first_word),
                cmocka_unit_test(test_hashmap),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
