/* SPDX-License-Identifier: MIT */
/* journald-conf: journald.conf(5) and its drop-ins as tinysd's journal server reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "journal/journald-conf.h"
#include "journal-tools.h"
#include "log-capture.h"
#include "tmptree.h"

static void parse(JournaldConfig *c, const char *text) {
        assert_int_equal(journald_config_parse_buffer(c, "test.conf", text, strlen(text)), 0);
}

static void test_defaults_rate_limit_off(void **state) {
        (void)state;
        JournaldConfig c;
        journald_config_init(&c);
        journald_config_finish(&c);
        assert_int_equal(c.storage, JOURNALD_STORAGE_AUTO);
        assert_int_equal(c.ratelimit_interval, 0);
        assert_int_equal(c.ratelimit_burst, 0);
        assert_true(c.system.max_use == UINT64_MAX && c.runtime.max_file_size == UINT64_MAX);
        assert_int_equal(c.max_level_store, LOG_DEBUG);
}

static void test_values(void **state) {
        (void)state;
        JournaldConfig c;
        journald_config_init(&c);
        parse(&c, "[Journal]\nStorage=volatile\nRateLimitBurst=5\nSystemMaxUse=1G\nSystemMaxFileSize=64M\n"
                  "RuntimeMaxUse=10%\nRuntimeMaxFiles=7\nRuntimeKeepFree=512K\nLineMax=1K\nMaxLevelStore=warning\n"
                  "Compress=yes\n");
        journald_config_finish(&c);
        assert_int_equal(c.storage, JOURNALD_STORAGE_VOLATILE);
        assert_int_equal(c.ratelimit_burst, 5);
        assert_int_equal(c.ratelimit_interval, JOURNALD_RATELIMIT_INTERVAL_DEFAULT);  /* the other one: journald's */
        assert_true(c.system.max_use == 1024ULL * 1024 * 1024);
        assert_true(c.system.max_file_size == 64ULL * 1024 * 1024);
        assert_true(c.runtime.max_use == UINT64_MAX);   /* percentages are not supported: ignored */
        assert_true(c.runtime.max_files == 7 && c.runtime.keep_free == 512 * 1024);
        assert_int_equal(c.line_max, 1024);
        assert_int_equal(c.max_level_store, LOG_WARNING);
        assert_string_equal(journald_storage_to_string(c.storage), "volatile");
}

static void test_bad_values_warn_and_keep(void **state) {
        (void)state;
        JournaldConfig c;
        journald_config_init(&c);
        log_capture_start();
        parse(&c, "[Journal]\nRateLimitIntervalSec=soon\nStorage=cloud\nBogus=1\nMaxLevelStore=9\n[Other]\nX=1\n");
        const char *out = log_captured();
        assert_non_null(strstr(out, "test.conf:2: Failed to parse sec value, ignoring: soon"));
        assert_non_null(strstr(out, "test.conf:3: Failed to parse storage setting, ignoring: cloud"));
        assert_non_null(strstr(out, "test.conf:4: Unknown key 'Bogus' in section [Journal], ignoring."));
        assert_non_null(strstr(out, "test.conf:5: Failed to parse log level, ignoring: 9"));
        log_capture_stop();
        journald_config_finish(&c);
        assert_int_equal(c.storage, JOURNALD_STORAGE_AUTO);
        assert_int_equal(c.ratelimit_interval, 0);
        assert_int_equal(c.max_level_store, LOG_DEBUG);
}

static void test_dropins_order(void **state) {
        (void)state;
        char *root = tmptree_new();
        assert_non_null(root);
        tmptree_write(root, "etc/systemd/journald.conf", "[Journal]\nRateLimitBurst=1\nRateLimitIntervalSec=1s\n");
        /* same name in /etc and /usr/lib: /etc's wins; every file applies in name order */
        tmptree_write(root, "usr/lib/systemd/journald.conf.d/20-b.conf", "[Journal]\nRateLimitBurst=3\nSystemMaxUse=2M\n");
        tmptree_write(root, "etc/systemd/journald.conf.d/20-b.conf", "[Journal]\nRateLimitBurst=2\n");
        tmptree_write(root, "run/systemd/journald.conf.d/10-a.conf", "[Journal]\nRateLimitBurst=9\nRateLimitIntervalSec=5s\n");
        tmptree_write(root, "usr/lib/systemd/journald.conf.d/30-c.conf", "[Journal]\nRateLimitIntervalSec=7s\n");
        tmptree_write(root, "etc/systemd/journald.conf.d/ignored.txt", "[Journal]\nRateLimitBurst=100\n");
        JournaldConfig c;
        journald_config_init(&c);
        assert_int_equal(journald_config_load(&c, root), 4);
        assert_int_equal(c.ratelimit_burst, 2);
        assert_int_equal(c.ratelimit_interval, 7 * USEC_PER_SEC);
        assert_true(c.system.max_use == UINT64_MAX);   /* /usr/lib's 20-b.conf was masked */
        tmptree_free(root);
}

static void test_forwarding(void **state) {
        (void)state;
        JournaldConfig c;
        journald_config_init(&c);
        /* Debian's defaults: syslog and wall yes, kmsg and console no */
        assert_true(c.forward_to_syslog && c.forward_to_wall && !c.forward_to_kmsg && !c.forward_to_console);
        assert_int_equal(c.max_level_syslog, LOG_DEBUG);
        assert_int_equal(c.max_level_kmsg, LOG_NOTICE);
        assert_int_equal(c.max_level_console, LOG_INFO);
        assert_int_equal(c.max_level_wall, LOG_EMERG);
        assert_string_equal(c.tty_path, "/dev/console");
        parse(&c, "[Journal]\nForwardToSyslog=no\nForwardToKMsg=yes\nForwardToConsole=1\nForwardToWall=off\n"
                  "MaxLevelSyslog=warning\nMaxLevelKMsg=3\nMaxLevelConsole=debug\nMaxLevelWall=crit\nTTYPath=/dev/tty9\n");
        assert_true(!c.forward_to_syslog && c.forward_to_kmsg && c.forward_to_console && !c.forward_to_wall);
        assert_int_equal(c.max_level_syslog, LOG_WARNING);
        assert_int_equal(c.max_level_kmsg, LOG_ERR);
        assert_int_equal(c.max_level_console, LOG_DEBUG);
        assert_int_equal(c.max_level_wall, LOG_CRIT);
        assert_string_equal(c.tty_path, "/dev/tty9");
        log_capture_start();
        parse(&c, "[Journal]\nForwardToSyslog=perhaps\nMaxLevelWall=loud\nTTYPath=tty1\n");
        const char *out = log_captured();
        assert_non_null(strstr(out, "test.conf:2: Failed to parse boolean value, ignoring: perhaps"));
        assert_non_null(strstr(out, "test.conf:3: Failed to parse log level, ignoring: loud"));
        assert_non_null(strstr(out, "test.conf:4: Failed to parse TTYPath= value, ignoring: tty1"));
        log_capture_stop();
        assert_false(c.forward_to_syslog);
        assert_string_equal(c.tty_path, "/dev/tty9");
}

/* 1 MB files shaped to hurt a parser that rescans: each must take a bounded amount of CPU. */
static void test_linear_time(void **state) {
        (void)state;
        static const char *const units[] = {
                "RateLimitBurst=1\\\n",          /* one logical line of continuations */
                "RateLimitBurst=1\n",             /* many assignments */
                "[Journal]\n",                    /* many sections */
                "# comment\n",                    /* comments */
                "x",                               /* one endless line without '=' */
                "LineMax=",                        /* one endless value */
                "[Other]\nA=1\n",                  /* sections that are not ours */
        };
        size_t n = 1024 * 1024;
        char *buf = malloc(n + 1);
        assert_non_null(buf);
        for (size_t u = 0; u < ELEMENTSOF(units); u++) {
                size_t l = strlen(units[u]);
                memcpy(buf, "[Journal]\n", 10);
                for (size_t i = 10; i < n; i++)
                        buf[i] = units[u][(i - 10) % l];
                buf[n] = 0;
                JournaldConfig c;
                journald_config_init(&c);
                log_capture_start();
                log_set_max_level(-1);
                double t0 = journal_tools_cpu_seconds();
                (void)journald_config_parse_buffer(&c, "big.conf", buf, n);
                double t = journal_tools_cpu_seconds() - t0;
                log_capture_stop();
                if (t > 0.05) print_message("journald.conf, 1 MB of unit %zu: %.3f s CPU\n", u, t);
                assert_true(t < JOURNAL_TOOLS_LINEAR_BOUND_SEC);
        }
        free(buf);
}

static void test_no_files(void **state) {
        (void)state;
        char *root = tmptree_new();
        JournaldConfig c;
        journald_config_init(&c);
        assert_int_equal(journald_config_load(&c, root), 0);
        assert_int_equal(c.ratelimit_burst, 0);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults_rate_limit_off),
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_bad_values_warn_and_keep),
                cmocka_unit_test(test_dropins_order),
                cmocka_unit_test(test_no_files),
                cmocka_unit_test(test_forwarding),
                cmocka_unit_test(test_linear_time),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
