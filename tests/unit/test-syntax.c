/* SPDX-License-Identifier: MIT */
/* The unit-file syntax, each case pinned to systemd 252's config_parse() behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "log-capture.h"
#include "unit/syntax.h"

static const char *const sections[] = { "Unit", "Service", "Install", "-Ignored", NULL };

/* Collects "Section/Key=Value@line" per assignment. */
static int collect(const ConfigItem *it, void *userdata) {
        buf_printf(userdata, "%s/%s=%s@%u\n", it->section, it->key, it->value, it->line);
        return 0;
}

static char *parse(const char *text, int *ret) {
        Buf b = {0};
        *ret = config_parse_buffer("t.service", text, strlen(text), sections, collect, &b);
        return buf_steal(&b);
}

#define EXPECT(text, want)                                      \
        do {                                                    \
                int r_;                                         \
                char *got_ = parse(text, &r_);                  \
                assert_int_equal(r_, 0);                        \
                assert_string_equal(got_, want);                \
                free(got_);                                     \
        } while (0)

static void test_basic(void **state) {
        (void)state;
        EXPECT("[Unit]\nDescription=Foo\n[Service]\nExecStart=/bin/true\n",
               "Unit/Description=Foo@2\nService/ExecStart=/bin/true@4\n");
}

static void test_comments_and_blank(void **state) {
        (void)state;
        /* '#' and ';' start comments only at the start of a line; inline '#' is part of the value */
        EXPECT("# c\n; c\n\n[Unit]\n  # indented comment\nDescription=a # not a comment\n",
               "Unit/Description=a # not a comment@6\n");
}

static void test_whitespace_stripped(void **state) {
        (void)state;
        EXPECT("[Unit]\n  Description  =   spaced value  \t\n", "Unit/Description=spaced value@2\n");
}

static void test_empty_value(void **state) {
        (void)state;
        EXPECT("[Service]\nEnvironment=\n", "Service/Environment=@2\n");
}

static void test_continuation(void **state) {
        (void)state;
        /* The trailing backslash becomes a space; the line number is the last physical line. */
        EXPECT("[Service]\nExecStart=/bin/echo a \\\n  b \\\n  c\n", "Service/ExecStart=/bin/echo a    b    c@4\n");
}

static void test_continuation_skips_comments_and_empty(void **state) {
        (void)state;
        /* systemd skips comment lines — and empty lines — inside a continuation */
        EXPECT("[Service]\nExecStart=/bin/echo a \\\n# comment\n; other\n\n  b\n",
               "Service/ExecStart=/bin/echo a    b@6\n");
}

static void test_escaped_backslash_no_continuation(void **state) {
        (void)state;
        /* "\\\\" at the end is an escaped backslash, not a continuation */
        EXPECT("[Service]\nA=x\\\\\nB=y\n", "Service/A=x\\\\@2\nService/B=y@3\n");
}

static void test_continuation_at_eof(void **state) {
        (void)state;
        EXPECT("[Service]\nA=x \\", "Service/A=x@2\n");
}

static void test_unknown_section_warns_once(void **state) {
        (void)state;
        log_capture_start();
        EXPECT("[Foo]\nA=1\nB=2\n[Unit]\nC=3\n", "Unit/C=3@5\n");
        assert_string_equal(log_captured(), "t.service:1: Unknown section 'Foo'. Ignoring.\n");
        log_capture_stop();
}

static void test_x_section_and_dash_section_silent(void **state) {
        (void)state;
        log_capture_start();
        EXPECT("[X-Vendor]\nA=1\n[Ignored]\nB=2\n", "");
        assert_string_equal(log_captured(), "");
        log_capture_stop();
}

static void test_assignment_outside_section(void **state) {
        (void)state;
        log_capture_start();
        EXPECT("A=1\n[Unit]\nB=2\n", "Unit/B=2@3\n");
        assert_string_equal(log_captured(), "t.service:1: Assignment outside of section. Ignoring.\n");
        log_capture_stop();
}

static void test_missing_equals(void **state) {
        (void)state;
        log_capture_start();
        EXPECT("[Unit]\nJustAWord\n=value\nB=2\n", "Unit/B=2@4\n");
        assert_non_null(strstr(log_captured(), "t.service:2: Missing '=', ignoring line."));
        assert_non_null(strstr(log_captured(), "t.service:3: Missing key name before '=', ignoring line."));
        log_capture_stop();
}

static void test_invalid_section_header_is_fatal(void **state) {
        (void)state;
        int r;
        log_capture_start();
        char *got = parse("[Unit\nA=1\n", &r);
        assert_int_equal(r, -EBADMSG);
        assert_non_null(strstr(log_captured(), "t.service:1: Invalid section header '[Unit'"));
        free(got);
        log_capture_stop();
}

static void test_repeated_keys_all_delivered(void **state) {
        (void)state;
        /* appending or overriding is the directive's business; the parser hands over every one */
        EXPECT("[Unit]\nAfter=a\nAfter=b\n", "Unit/After=a@2\nUnit/After=b@3\n");
}

static void test_bom_and_crlf(void **state) {
        (void)state;
        /* a UTF-8 BOM is skipped; CR is whitespace and stripped */
        EXPECT("\xEF\xBB\xBF[Unit]\r\nA=1\r\n", "Unit/A=1@2\n");
}

static void test_invalid_utf8_line_skipped(void **state) {
        (void)state;
        log_capture_start();
        EXPECT("[Unit]\nA=\xff\xfe\nB=ok\n", "Unit/B=ok@3\n");
        assert_non_null(strstr(log_captured(), "t.service:2: Not a valid UTF-8 string, ignoring line."));
        log_capture_stop();
}

static void test_line_too_long(void **state) {
        (void)state;
        size_t n = CONFIG_LINE_MAX + 10;
        char *text = malloc(n + 16);
        strcpy(text, "[Unit]\nA=");
        memset(text + 9, 'x', n);
        text[9 + n] = 0;
        int r;
        log_capture_start();
        char *got = parse(text, &r);
        assert_int_equal(r, -ENOBUFS);
        assert_non_null(strstr(log_captured(), "t.service:2: Line too long"));
        free(got);
        free(text);
        log_capture_stop();
}

static void test_include_refused(void **state) {
        (void)state;
        int r;
        log_capture_start();
        char *got = parse("[Unit]\n.include /etc/foo\n", &r);
        assert_int_equal(r, -EBADMSG);
        free(got);
        log_capture_stop();
}

static void test_file_errors(void **state) {
        (void)state;
        log_capture_start();
        /* a directory named like a unit, and a missing file: clear messages, no crash */
        assert_int_equal(config_parse_file("/", sections, collect, NULL), -EISDIR);
        assert_non_null(strstr(log_captured(), "/: Is a directory"));
        assert_true(config_parse_file("/nonexistent/x.service", sections, collect, NULL) == -ENOENT);
        log_capture_stop();
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_basic),
                cmocka_unit_test(test_comments_and_blank),
                cmocka_unit_test(test_whitespace_stripped),
                cmocka_unit_test(test_empty_value),
                cmocka_unit_test(test_continuation),
                cmocka_unit_test(test_continuation_skips_comments_and_empty),
                cmocka_unit_test(test_escaped_backslash_no_continuation),
                cmocka_unit_test(test_continuation_at_eof),
                cmocka_unit_test(test_unknown_section_warns_once),
                cmocka_unit_test(test_x_section_and_dash_section_silent),
                cmocka_unit_test(test_assignment_outside_section),
                cmocka_unit_test(test_missing_equals),
                cmocka_unit_test(test_invalid_section_header_is_fatal),
                cmocka_unit_test(test_repeated_keys_all_delivered),
                cmocka_unit_test(test_bom_and_crlf),
                cmocka_unit_test(test_invalid_utf8_line_skipped),
                cmocka_unit_test(test_line_too_long),
                cmocka_unit_test(test_include_refused),
                cmocka_unit_test(test_file_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
