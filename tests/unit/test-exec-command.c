/* SPDX-License-Identifier: MIT */
/* Exec*= command lines (exec-command.c). Every message, level and fatal/ignored outcome below
 * was checked with `systemd-analyze verify` of Debian 12's systemd 252 on the same line; the
 * show format is the one in tests/data/reference (nginx.service). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "base/strv.h"
#include "log-capture.h"
#include "show-capture.h"
#include "unit/load.h"

static Unit *load(const char *line) {
        char text[1024];
        snprintf(text, sizeof text, "[Service]\nExecStart=/bin/true\nExecStartPre=%s\n", line);
        log_capture_start();
        Unit *u = unit_new("t.service");
        assert_non_null(u);
        (void)unit_load_from_buffer(u, "t.service", text, strlen(text));
        return u;
}

static ExecCommand *pre(Unit *u) {
        return u->service->exec_command[SERVICE_EXEC_START_PRE];
}

static void done(Unit *u) {
        unit_free(u);
        log_capture_stop();
}

#define assert_logged(s) do { if (!strstr(log_captured(), (s))) fail_msg("not logged: %s\nlog:\n%s", (s), log_captured()); } while (0)

static void assert_argv(const ExecCommand *c, const char *path, const char *const *argv, size_t n) {
        assert_non_null(c);
        assert_string_equal(c->path, path);
        assert_int_equal(strv_length(c->argv), n);
        for (size_t i = 0; i < n; i++) assert_string_equal(c->argv[i], argv[i]);
}

static void test_each_prefix(void **state) {
        (void)state;
        static const struct { const char *line; ExecCommandFlags flags; } cases[] = {
                { "-/bin/a", EXEC_COMMAND_IGNORE_FAILURE },
                { ":/bin/a", EXEC_COMMAND_NO_ENV_EXPAND },
                { "+/bin/a", EXEC_COMMAND_FULLY_PRIVILEGED },
                { "!/bin/a", EXEC_COMMAND_NO_SETUID },
                { "!!/bin/a", EXEC_COMMAND_AMBIENT_MAGIC },                 /* second '!' upgrades '!' */
                { ":-!/bin/a", EXEC_COMMAND_NO_ENV_EXPAND | EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_NO_SETUID },
                { "-+:/bin/a", EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_ENV_EXPAND },
                { "@-!!/bin/a a0", EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_AMBIENT_MAGIC },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Unit *u = load(cases[i].line);
                assert_int_equal(u->load_state, UNIT_LOADED);
                assert_string_equal(pre(u)->path, "/bin/a");
                assert_int_equal(pre(u)->flags, cases[i].flags);
                done(u);
        }
}

static void test_prefix_conflicts(void **state) {
        (void)state;
        /* 252: a prefix that does not fit ends the prefixes and stays in the path → fatal */
        static const struct { const char *line, *msg; } cases[] = {
                { "+!/bin/true", "t.service:3: Neither a valid executable name nor an absolute path: !/bin/true" },
                { "!+/bin/true", "t.service:3: Neither a valid executable name nor an absolute path: +/bin/true" },
                { "!!!/bin/true", "t.service:3: Neither a valid executable name nor an absolute path: !/bin/true" },
                { ":+!!/bin/true", "t.service:3: Neither a valid executable name nor an absolute path: !!/bin/true" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Unit *u = load(cases[i].line);
                assert_int_equal(u->load_state, UNIT_BAD_SETTING);
                assert_logged(cases[i].msg);
                done(u);
        }
        /* a repeated '-' is not a prefix, but the first one makes the error non-fatal */
        Unit *u = load("--/bin/true");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_logged("t.service:3: Neither a valid executable name nor an absolute path, ignoring: -/bin/true");
        assert_null(pre(u));
        done(u);
}

static void test_argv0(void **state) {
        (void)state;
        Unit *u = load("@/bin/busybox sh -c x");
        assert_argv(pre(u), "/bin/busybox", (const char *[]){ "sh", "-c", "x" }, 3);
        done(u);
        u = load("@/bin/true");   /* '@' without an argv[0] */
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_logged("t.service:3: Empty executable name or zeroeth argument: @/bin/true");
        done(u);
        u = load("-@/bin/true");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_logged("t.service:3: Empty executable name or zeroeth argument, ignoring: -@/bin/true");
        done(u);
}

static void test_quoting_and_separators(void **state) {
        (void)state;
        Unit *u = load("/bin/echo \"a b\" 'c d' \\; \"\\;\" e\\x41 $X ${Y} ; /bin/true ; ; \";\" /bin/false x;y");
        ExecCommand *c = pre(u);
        /* "\;" alone is a literal ';' argument; quoted ";" and "a;b" are plain words */
        assert_argv(c, "/bin/echo", (const char *[]){ "/bin/echo", "a b", "c d", ";", "\\;", "eA", "$X", "${Y}" }, 8);
        assert_logged("Ignoring unknown escape sequences: \"\\;\"");   /* the quoted "\;" */
        assert_argv(c->next, "/bin/true", (const char *[]){ "/bin/true" }, 1);
        /* empty commands between separators are skipped, a quoted ";" first word too */
        assert_argv(c->next->next, "/bin/false", (const char *[]){ "/bin/false", "x;y" }, 2);
        assert_null(c->next->next->next);
        done(u);
}

static void test_escapes_and_quotes_errors(void **state) {
        (void)state;
        Unit *u = load("/bin/true \\q");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_logged("t.service:3: Ignoring unknown escape sequences: \"\\q\"");
        assert_string_equal(pre(u)->argv[1], "\\q");
        done(u);
        u = load("/bin/true \"unbalanced");   /* in an argument: fatal */
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_logged("t.service:3: Unbalanced quoting, ignoring: \"/bin/true \"unbalanced\"");
        done(u);
        u = load("\"/bin/true");   /* in the first word: logged, the line is dropped, not fatal */
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_logged("t.service:3: Unbalanced quoting, ignoring: \"\"/bin/true\"");
        assert_null(pre(u));
        done(u);
        u = load("/bin/true ; /bin/x \"unb");   /* the message quotes the current command only */
        assert_logged("t.service:3: Unbalanced quoting, ignoring: \"/bin/x \"unb\"");
        done(u);
}

static void test_bad_paths(void **state) {
        (void)state;
        static const struct { const char *line, *msg; bool fatal; } cases[] = {
                { "bin/true", "t.service:3: Neither a valid executable name nor an absolute path: bin/true", true },
                { "-bin/true", "t.service:3: Neither a valid executable name nor an absolute path, ignoring: bin/true", false },
                { "/bin/", "t.service:3: Executable path specifies a directory: /bin/", true },
                { "a\\x01b", "t.service:3: Executable name contains special characters: a\001b", true },
                { "\\; a", "t.service:3: Executable name contains special characters: \\;", true },
                { "-", "t.service:3: Empty path in command line, ignoring: '-'", false },
                { "@", "t.service:3: Empty path in command line: '@'", true },
                { "\"\" x", "t.service:3: Empty path in command line: '\"\" x'", true },
                { "/bin/true ; @", "t.service:3: Empty path in command line: '@'", true },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Unit *u = load(cases[i].line);
                assert_int_equal(u->load_state, cases[i].fatal ? UNIT_BAD_SETTING : UNIT_LOADED);
                assert_logged(cases[i].msg);
                done(u);
        }
        /* a bare name is kept as written: 252 searches it at exec time (ExecSearchPath=) */
        Unit *u = load("true x");
        assert_argv(pre(u), "true", (const char *[]){ "true", "x" }, 2);
        done(u);
}

static void test_specifiers(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = unit_new("getty@tty1.service");
        const char *text = "[Service]\nExecStart=/sbin/agetty %I %%n %n\n";
        (void)unit_load_from_buffer(u, "getty@tty1.service", text, strlen(text));
        ExecCommand *c = u->service->exec_command[SERVICE_EXEC_START];
        assert_argv(c, "/sbin/agetty", (const char *[]){ "/sbin/agetty", "tty1", "%n", "getty@tty1.service" }, 4);
        done(u);
        u = load("/bin/true %Z");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_logged("t.service:3: Failed to resolve unit specifiers in %Z: Invalid slot");
        done(u);
        u = load("-/bin/true %Z");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_logged("t.service:3: Failed to resolve unit specifiers in %Z, ignoring: Invalid slot");
        done(u);
        u = load("/bin/tr%Zue");
        assert_logged("t.service:3: Failed to resolve unit specifiers in '/bin/tr%Zue': Invalid slot");
        done(u);
}

static void test_path_simplified_argv0_kept(void **state) {
        (void)state;
        Unit *u = load("/usr//bin/./env x");
        assert_argv(pre(u), "/usr/bin/env", (const char *[]){ "/usr//bin/./env", "x" }, 2);
        done(u);
}

static void test_reset_and_append(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = unit_new("r.service");
        const char *text = "[Service]\nExecStart=/bin/a\nExecStartPost=/bin/x\nExecStartPost=/bin/y ; /bin/z\n"
                           "ExecStartPost=\nExecStartPost=/bin/w\n";
        (void)unit_load_from_buffer(u, "r.service", text, strlen(text));
        ExecCommand *c = u->service->exec_command[SERVICE_EXEC_START_POST];
        assert_string_equal(c->path, "/bin/w");   /* the empty assignment dropped x, y, z */
        assert_null(c->next);
        done(u);
}

static void test_format_show(void **state) {
        (void)state;
        Unit *u = load("/usr/sbin/nginx -g 'daemon on; master_process on;'");
        char *s = show_section(u, "ExecStartPre", "ExecStartPre");
        /* argv joined by spaces, unquoted (reference nginx.service.show) */
        assert_string_equal(s, "ExecStartPre={ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on; master_process on; ; "
                               "ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n");
        free(s);
        s = show_section(u, "ExecStartPreEx", "ExecStartPreEx");
        assert_string_equal(s, "ExecStartPreEx={ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on; master_process on; ; "
                               "flags= ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n");
        free(s);
        done(u);
        u = load("-!@/bin/sh sh -c x");
        s = show_section(u, "ExecStartPreEx", "ExecStartPreEx");
        assert_string_equal(s, "ExecStartPreEx={ path=/bin/sh ; argv[]=sh -c x ; flags=ignore-failure no-setuid ; start_time=[n/a] ; "
                               "stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n");
        free(s);
        s = show_section(u, "ExecStartPre", "ExecStartPre");
        assert_non_null(strstr(s, "; ignore_errors=yes ;"));
        free(s);
        done(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_prefix),
                cmocka_unit_test(test_prefix_conflicts),
                cmocka_unit_test(test_argv0),
                cmocka_unit_test(test_quoting_and_separators),
                cmocka_unit_test(test_escapes_and_quotes_errors),
                cmocka_unit_test(test_bad_paths),
                cmocka_unit_test(test_specifiers),
                cmocka_unit_test(test_path_simplified_argv0_kept),
                cmocka_unit_test(test_reset_and_append),
                cmocka_unit_test(test_format_show),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
