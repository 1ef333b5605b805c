/* SPDX-License-Identifier: MIT */
/* system-conf: systemd-system.conf(5) and its drop-ins as PID 1 reads them; unit-defaults: what a
 * unit takes from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "base/strv.h"
#include "core/system-conf.h"
#include "exec/env.h"
#include "journal-tools.h"
#include "log-capture.h"
#include "tmptree.h"
#include "unit/load.h"

static const SavedLimits saved = { { 20000, 20000 }, { 65536, 65536 }, 1048576 };

static void parse(SystemConf *c, const char *text) {
        assert_int_equal(system_conf_parse_buffer(c, "test.conf", text, strlen(text)), 0);
}

static void test_defaults(void **state) {
        (void)state;
        SystemConf c;
        system_conf_init(&c);
        system_conf_finish(&c, &saved);
        const UnitDefaults *d = &c.defaults;
        assert_true(d->timeout_start_usec == 90 * USEC_PER_SEC && d->timeout_stop_usec == 90 * USEC_PER_SEC);
        assert_false(d->timeout_abort_set);
        assert_true(d->restart_usec == 100 * USEC_PER_MSEC);
        assert_true(d->start_limit_interval_usec == 10 * USEC_PER_SEC && d->start_limit_burst == 5);
        assert_int_equal(d->std_output, EXEC_OUTPUT_JOURNAL);
        assert_int_equal(d->std_error, EXEC_OUTPUT_INHERIT);
        /* 252's fallbacks: NOFILE soft at most 1024, hard raised to 512Ki; MEMLOCK as PID 1 had it */
        assert_true(d->rlimit_set[RLIMIT_NOFILE] && d->rlimit[RLIMIT_NOFILE].rlim_cur == 1024);
        assert_true(d->rlimit[RLIMIT_NOFILE].rlim_max == 524288);
        assert_true(d->rlimit_set[RLIMIT_MEMLOCK] && d->rlimit[RLIMIT_MEMLOCK].rlim_max == 65536);
        assert_false(d->rlimit_set[RLIMIT_CORE]);
        assert_int_equal(c.show_status, -1);
        assert_int_equal(c.log_level, -1);
        /* fs.nr_open bounds the raised hard limit; a higher one PID 1 had stays */
        SavedLimits low = { { 512, 4096 }, { 0, 0 }, 100000 }, high = { { 4096, 800000 }, { 0, 0 }, 1048576 };
        system_conf_init(&c);
        system_conf_finish(&c, &low);
        assert_true(c.defaults.rlimit[RLIMIT_NOFILE].rlim_cur == 512 && c.defaults.rlimit[RLIMIT_NOFILE].rlim_max == 100000);
        system_conf_init(&c);
        system_conf_finish(&c, &high);
        assert_true(c.defaults.rlimit[RLIMIT_NOFILE].rlim_cur == 1024 && c.defaults.rlimit[RLIMIT_NOFILE].rlim_max == 800000);
}

static void test_values(void **state) {
        (void)state;
        SystemConf c;
        system_conf_init(&c);
        parse(&c, "[Manager]\nDefaultLimitNOFILE=10000:16384\nDefaultLimitCORE=1M\nDefaultLimitCPU=5:infinity\n"
                  "DefaultLimitNICE=-5\nDefaultLimitRTTIME=2s\nDefaultTimeoutStartSec=33s\nDefaultTimeoutStopSec=0\n"
                  "DefaultTimeoutAbortSec=7s\nDefaultRestartSec=3\nDefaultStartLimitInterval=1min\n"
                  "DefaultStartLimitBurst=9\nDefaultStandardOutput=null\nDefaultStandardError=journal+console\n"
                  "DefaultEnvironment=FOO=bar \"BAZ=a b\" FOO=last\nDefaultEnvironment=X=\\x41\n"
                  "ShowStatus=no\nLogLevel=debug\nLogTarget=console\nDefaultTasksMax=15%\nCPUAffinity=1\n");
        system_conf_finish(&c, &saved);
        const UnitDefaults *d = &c.defaults;
        assert_true(d->rlimit[RLIMIT_NOFILE].rlim_cur == 10000 && d->rlimit[RLIMIT_NOFILE].rlim_max == 16384);
        assert_true(d->rlimit[RLIMIT_CORE].rlim_cur == 1048576 && d->rlimit[RLIMIT_CORE].rlim_max == 1048576);
        assert_true(d->rlimit[RLIMIT_CPU].rlim_cur == 5 && d->rlimit[RLIMIT_CPU].rlim_max == RLIM_INFINITY);
        assert_true(d->rlimit[RLIMIT_NICE].rlim_cur == 25);
        assert_true(d->rlimit[RLIMIT_RTTIME].rlim_cur == 2 * USEC_PER_SEC);
        assert_true(d->timeout_start_usec == 33 * USEC_PER_SEC);
        assert_true(d->timeout_stop_usec == USEC_INFINITY);   /* 0: no timeout */
        assert_true(d->timeout_abort_set && d->timeout_abort_usec == 7 * USEC_PER_SEC);
        assert_true(d->restart_usec == 3 * USEC_PER_SEC);
        assert_true(d->start_limit_interval_usec == 60 * USEC_PER_SEC && d->start_limit_burst == 9);
        assert_int_equal(d->std_output, EXEC_OUTPUT_NULL);
        assert_int_equal(d->std_error, EXEC_OUTPUT_JOURNAL_AND_CONSOLE);
        assert_string_equal(env_get(c.default_environment, "FOO"), "last");
        assert_string_equal(env_get(c.default_environment, "BAZ"), "a b");
        assert_string_equal(env_get(c.default_environment, "X"), "A");
        assert_int_equal(strv_length(c.default_environment), 3);
        assert_int_equal(c.show_status, 0);
        assert_int_equal(c.log_level, LOG_DEBUG);
        assert_string_equal(c.log_target, "console");
        /* an empty DefaultEnvironment= empties the list; an empty TimeoutAbort unsets it */
        parse(&c, "[Manager]\nDefaultEnvironment=\nDefaultTimeoutAbortSec=\n");
        assert_null(c.default_environment);
        assert_false(c.defaults.timeout_abort_set);
        system_conf_done(&c);
}

static void test_bad_values_warn_and_keep(void **state) {
        (void)state;
        SystemConf c;
        system_conf_init(&c);
        log_capture_start();
        parse(&c, "[Manager]\nDefaultLimitNOFILE=lots\nDefaultLimitCORE=2:1\nDefaultTimeoutStartSec=soon\n"
                  "DefaultStandardOutput=file:/x\nDefaultStartLimitBurst=-1\nBogus=1\nDefaultEnvironment=1X=2 Y=1\n"
                  "ShowStatus=maybe\nLogLevel=loud\nDefaultStandardError=nowhere\n[Other]\nX=1\n");
        const char *out = log_captured();
        assert_non_null(strstr(out, "test.conf:2: Failed to parse resource value, ignoring: lots"));
        assert_non_null(strstr(out, "test.conf:3: Soft resource limit chosen higher than hard limit, ignoring: 2:1"));
        assert_non_null(strstr(out, "test.conf:4: Failed to parse sec value, ignoring: soon"));
        assert_non_null(strstr(out, "test.conf:5: Standard output types socket, fd:, file:, append:, truncate: are not supported as defaults, ignoring: file:/x"));
        assert_non_null(strstr(out, "test.conf:6: Failed to parse unsigned value, ignoring: -1"));
        assert_non_null(strstr(out, "test.conf:7: Unknown key 'Bogus' in section [Manager], ignoring."));
        assert_non_null(strstr(out, "test.conf:8: Invalid environment assignment, ignoring: 1X=2"));
        assert_non_null(strstr(out, "test.conf:9: Failed to parse show status setting, ignoring: maybe"));
        assert_non_null(strstr(out, "test.conf:10: Invalid log level'loud': Invalid argument"));
        assert_non_null(strstr(out, "test.conf:11: Failed to parse output specifier, ignoring: nowhere"));
        log_capture_stop();
        system_conf_finish(&c, &saved);
        assert_true(c.defaults.rlimit[RLIMIT_NOFILE].rlim_cur == 1024);
        assert_false(c.defaults.rlimit_set[RLIMIT_CORE]);
        assert_true(c.defaults.timeout_start_usec == 90 * USEC_PER_SEC);
        assert_int_equal(c.defaults.std_output, EXEC_OUTPUT_JOURNAL);
        assert_int_equal(c.defaults.start_limit_burst, 5);
        assert_int_equal(strv_length(c.default_environment), 1);
        assert_int_equal(c.show_status, -1);
        system_conf_done(&c);
}

static void test_files_order(void **state) {
        (void)state;
        char *root = tmptree_new();
        assert_non_null(root);
        tmptree_write(root, "etc/systemd/system.conf", "[Manager]\nDefaultRestartSec=1\nDefaultStartLimitBurst=2\n");
        /* same name in /etc and /usr/lib: /etc's wins; every file applies in name order, after the main file */
        tmptree_write(root, "usr/lib/systemd/system.conf.d/20-b.conf", "[Manager]\nDefaultRestartSec=3\nDefaultLimitCORE=1\n");
        tmptree_write(root, "etc/systemd/system.conf.d/20-b.conf", "[Manager]\nDefaultRestartSec=2\n");
        tmptree_write(root, "run/systemd/system.conf.d/10-a.conf", "[Manager]\nDefaultRestartSec=9\nDefaultStartLimitBurst=7\n");
        tmptree_write(root, "usr/local/lib/systemd/system.conf.d/30-c.conf", "[Manager]\nDefaultStartLimitBurst=8\n");
        tmptree_write(root, "etc/systemd/system.conf.d/ignored.txt", "[Manager]\nDefaultRestartSec=100\n");
        SystemConf c;
        assert_int_equal(system_conf_load(&c, root, &saved), 4);
        assert_true(c.defaults.restart_usec == 2 * USEC_PER_SEC);
        assert_int_equal(c.defaults.start_limit_burst, 8);
        assert_false(c.defaults.rlimit_set[RLIMIT_CORE]);   /* /usr/lib's 20-b.conf was masked */
        system_conf_done(&c);
        tmptree_free(root);
        root = tmptree_new();
        assert_int_equal(system_conf_load(&c, root, &saved), 0);
        assert_true(c.defaults.restart_usec == 100 * USEC_PER_MSEC);
        system_conf_done(&c);
        tmptree_free(root);
}

/* A unit takes the defaults it does not set itself, and keeps its own. */
static void test_units_take_defaults(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "etc/systemd/system/a.service", "[Service]\nExecStart=/bin/true\n");
        tmptree_write(root, "etc/systemd/system/b.service", "[Service]\nExecStart=/bin/true\nLimitNOFILE=5\n"
                      "TimeoutStartSec=4\nRestartSec=2\nStandardOutput=tty\nStartLimitBurst=1\nTimeoutAbortSec=1\n");
        tmptree_write(root, "etc/systemd/system/c.socket", "[Socket]\nListenStream=/run/c\nExecStartPre=/bin/true\n");
        SystemConf c;
        system_conf_init(&c);
        parse(&c, "[Manager]\nDefaultLimitNOFILE=100:200\nDefaultTimeoutStartSec=33\nDefaultRestartSec=3\n"
                  "DefaultStandardOutput=kmsg\nDefaultStandardError=null\nDefaultStartLimitBurst=9\nDefaultTimeoutAbortSec=6\n");
        system_conf_finish(&c, &saved);
        Loader l;
        assert_int_equal(loader_init(&l, root), 0);
        l.defaults = c.defaults;
        Unit *a, *b, *s;
        assert_int_equal(loader_load(&l, "a.service", &a), 0);
        assert_int_equal(loader_load(&l, "b.service", &b), 0);
        assert_int_equal(loader_load(&l, "c.socket", &s), 0);
        assert_true(a->service->exec.rlimit[RLIMIT_NOFILE]->rlim_cur == 100 && a->service->exec.rlimit[RLIMIT_NOFILE]->rlim_max == 200);
        assert_true(a->service->exec.rlimit[RLIMIT_MEMLOCK]->rlim_cur == 65536);
        assert_null(a->service->exec.rlimit[RLIMIT_CORE]);
        assert_true(a->service->timeout_start_usec == 33 * USEC_PER_SEC && a->service->restart_usec == 3 * USEC_PER_SEC);
        assert_true(a->service->timeout_abort_set && a->service->timeout_abort_usec == 6 * USEC_PER_SEC);
        assert_int_equal(a->service->exec.std_output, EXEC_OUTPUT_KMSG);
        assert_int_equal(a->service->exec.std_error, EXEC_OUTPUT_NULL);
        assert_int_equal(a->unit.start_limit_burst, 9);
        assert_true(b->service->exec.rlimit[RLIMIT_NOFILE]->rlim_cur == 5 && b->service->exec.rlimit[RLIMIT_NOFILE]->rlim_max == 5);
        assert_true(b->service->timeout_start_usec == 4 * USEC_PER_SEC && b->service->restart_usec == 2 * USEC_PER_SEC);
        assert_true(b->service->timeout_abort_usec == 1 * USEC_PER_SEC);
        assert_int_equal(b->service->exec.std_output, EXEC_OUTPUT_TTY);
        assert_int_equal(b->unit.start_limit_burst, 1);
        assert_int_equal(s->socket->exec.std_output, EXEC_OUTPUT_KMSG);
        assert_true(s->socket->exec.rlimit[RLIMIT_NOFILE]->rlim_cur == 100);
        loader_done(&l);
        system_conf_done(&c);
        tmptree_free(root);
}

/* 1 MB files shaped to hurt a parser that rescans: each must take a bounded amount of CPU. */
static void test_linear_time(void **state) {
        (void)state;
        static const char *const units[] = {
                "DefaultEnvironment=A=1 B=2 C=3\n", "DefaultEnvironment=A=1 A=2 A=3 A=4\n",
                "DefaultLimitNOFILE=1:2\n", "[Manager]\n", "Bogus=1\n", "DefaultEnvironment=",
        };
        size_t n = 1024 * 1024;
        char *buf = malloc(n + 1);
        assert_non_null(buf);
        for (size_t u = 0; u < ELEMENTSOF(units); u++) {
                size_t l = strlen(units[u]);
                memcpy(buf, "[Manager]\n", 10);
                for (size_t i = 10; i < n; i++) buf[i] = units[u][(i - 10) % l];
                buf[n] = 0;
                SystemConf c;
                system_conf_init(&c);
                log_capture_start();
                log_set_max_level(-1);
                double t0 = journal_tools_cpu_seconds();
                (void)system_conf_parse_buffer(&c, "big.conf", buf, n);
                double t = journal_tools_cpu_seconds() - t0;
                log_capture_stop();
                system_conf_done(&c);
                if (t > 0.05) print_message("system.conf, 1 MB of unit %zu: %.3f s CPU\n", u, t);
                assert_true(t < JOURNAL_TOOLS_LINEAR_BOUND_SEC);
        }
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_bad_values_warn_and_keep),
                cmocka_unit_test(test_files_order),
                cmocka_unit_test(test_units_take_defaults),
                cmocka_unit_test(test_linear_time),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
