/* SPDX-License-Identifier: MIT */
/* journal-forward: the stdout line formats and the TINYSD_LOG_FORMAT value parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-forward.h"

static char out[1 << 16];

static const char *fmt(JournalForwardFormat f, const JournalForwardMessage *m) {
        ssize_t n = journal_forward_format(f, m, out, sizeof out);
        assert_true(n >= 0);
        assert_int_equal(strlen(out), n);
        return out;
}

#define MSG(s) .message = (s), .message_len = sizeof(s) - 1

static void test_format_names(void **state) {
        (void) state;
        assert_int_equal(journal_forward_format_from_string("short"), JOURNAL_FORWARD_SHORT);
        assert_int_equal(journal_forward_format_from_string("json"), JOURNAL_FORWARD_JSON);
        assert_int_equal(journal_forward_format_from_string("off"), JOURNAL_FORWARD_OFF);
        assert_int_equal(journal_forward_format_from_string("JSON"), -EINVAL);
        assert_int_equal(journal_forward_format_from_string(""), -EINVAL);
        assert_int_equal(journal_forward_format_from_string(" short"), -EINVAL);
        assert_int_equal(journal_forward_format_from_string(NULL), -EINVAL);
        assert_string_equal(journal_forward_format_to_string(JOURNAL_FORWARD_JSON), "json");
        assert_null(journal_forward_format_to_string((JournalForwardFormat) 7));
        assert_string_equal(JOURNAL_FORWARD_FORMAT_ENV, "TINYSD_LOG_FORMAT");
}

static void test_short(void **state) {
        (void) state;
        JournalForwardMessage m = { .unit = "foo.service", .identifier = "foo", .pid = 42, .priority = LOG_INFO, MSG("hello") };

        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "foo.service[42]: hello\n");
        m.unit = NULL;
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "foo[42]: hello\n");
        m.identifier = NULL;
        m.pid = 0;
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "unknown: hello\n");
        m = (JournalForwardMessage) { .unit = "a.service", .pid = 7, MSG("line1\nline2\n\nline4\n\n") };
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "a.service[7]: line1\n              line2\n              \n              line4\n");
        m = (JournalForwardMessage) { .unit = "a", MSG("tab\there\x1b[31mred\x7f\0nul\xff\xc3\xa9") };
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "a: tab\there\\x1b[31mred\\x7f\\x00nul\\xff\xc3\xa9\n");
        m = (JournalForwardMessage) { .identifier = "x", .message = NULL, .message_len = 0 };
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "x: \n");
        assert_int_equal(journal_forward_format(JOURNAL_FORWARD_OFF, &m, out, sizeof out), 0);
        assert_string_equal(out, "");
}

static void test_json(void **state) {
        (void) state;
        JournalForwardMessage m = { .unit = "foo.service", .identifier = "foo", .pid = 42, .priority = LOG_DAEMON | LOG_WARNING,
                                    .timestamp_usec = 1714564800000123ULL, MSG("hello \"world\"\\") };

        assert_string_equal(fmt(JOURNAL_FORWARD_JSON, &m),
                            "{\"timestamp\":\"2024-05-01T12:00:00.000123Z\",\"unit\":\"foo.service\",\"identifier\":\"foo\","
                            "\"pid\":42,\"priority\":4,\"message\":\"hello \\\"world\\\"\\\\\"}\n");
        m = (JournalForwardMessage) { .timestamp_usec = 0, MSG("\b\f\n\r\t\x01\x1f\0 \x7f") };
        assert_string_equal(fmt(JOURNAL_FORWARD_JSON, &m),
                            "{\"timestamp\":\"1970-01-01T00:00:00.000000Z\",\"unit\":null,\"identifier\":null,\"pid\":null,"
                            "\"priority\":0,\"message\":\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u0000 \x7f\"}\n");
        /* invalid UTF-8 → U+FFFD per byte; valid multi-byte (also noncharacters) kept */
        m = (JournalForwardMessage) { MSG("a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xf4\x90\x80\x80" "e\xe2\x82" "f\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbe") };
        fmt(JOURNAL_FORWARD_JSON, &m);
        assert_non_null(strstr(out, "\"message\":\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffd\\ufffde\\ufffd\\ufffdf"
                                    "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbe\"}\n"));
        /* unit and identifier are escaped too */
        m = (JournalForwardMessage) { .unit = "a\"b", .identifier = "\n", MSG("") };
        fmt(JOURNAL_FORWARD_JSON, &m);
        assert_non_null(strstr(out, "\"unit\":\"a\\\"b\",\"identifier\":\"\\n\""));
}

/* The manager's status lines: systemd's console form, or one JSON object with "status". */
static void test_status_lines(void **state) {
        (void) state;
        JournalForwardMessage m = { .object_unit = "foo.service", .identifier = "tinysd", .pid = 1, .priority = LOG_INFO,
                                    .timestamp_usec = 1714564800000123ULL, .status = JOURNAL_FORWARD_STATUS_OK,
                                    MSG("Started foo.service - Foo.") };
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "[  OK  ] Started foo.service - Foo.\n");
        m.color = true;
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "[\x1b[0;32m  OK  \x1b[0m] Started foo.service - Foo.\n");
        m.color = false;
        assert_string_equal(fmt(JOURNAL_FORWARD_JSON, &m),
                            "{\"timestamp\":\"2024-05-01T12:00:00.000123Z\",\"unit\":\"foo.service\",\"identifier\":\"tinysd\","
                            "\"pid\":1,\"priority\":6,\"message\":\"Started foo.service - Foo.\",\"status\":\"OK\"}\n");
        static const struct { JournalForwardStatus s; const char *tag, *name; } all[] = {
                { JOURNAL_FORWARD_STATUS_FAILED, "[FAILED] ", "FAILED" }, { JOURNAL_FORWARD_STATUS_DEPEND, "[DEPEND] ", "DEPEND" },
                { JOURNAL_FORWARD_STATUS_TIME, "[ TIME ] ", "TIME" }, { JOURNAL_FORWARD_STATUS_WARN, "[ WARN ] ", "WARN" },
                { JOURNAL_FORWARD_STATUS_INFO, "         ", "INFO" },
        };
        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                m.status = all[i].s;
                assert_true(startswith(fmt(JOURNAL_FORWARD_SHORT, &m), all[i].tag));
                char want[64];
                snprintf(want, sizeof want, ",\"status\":\"%s\"}\n", all[i].name);
                assert_non_null(endswith(fmt(JOURNAL_FORWARD_JSON, &m), want));
        }
        /* a writer's unit comes first; a manager's line without one names the unit it is about */
        m = (JournalForwardMessage) { .unit = "w.service", .object_unit = "o.service", MSG("x") };
        assert_non_null(strstr(fmt(JOURNAL_FORWARD_JSON, &m), "\"unit\":\"w.service\""));
        assert_string_equal(fmt(JOURNAL_FORWARD_SHORT, &m), "w.service: x\n");
        /* a status line cut to fit stays one JSON object */
        char small[JOURNAL_FORWARD_BUF_MIN];
        char *msg = malloc(10000);
        assert_non_null(msg);
        memset(msg, '"', 10000);
        m = (JournalForwardMessage) { .status = JOURNAL_FORWARD_STATUS_DEPEND, .message = msg, .message_len = 10000 };
        assert_true(journal_forward_format(JOURNAL_FORWARD_JSON, &m, small, sizeof small) > 0);
        assert_non_null(endswith(small, "\xe2\x80\xa6\",\"status\":\"DEPEND\"}\n"));
        free(msg);
}

static void test_bounds(void **state) {
        (void) state;
        char small[JOURNAL_FORWARD_BUF_MIN];
        size_t big = 10000;
        char *msg = malloc(big);
        assert_non_null(msg);
        memset(msg, '"', big);
        JournalForwardMessage m = { .unit = "u", .pid = 1, .message = msg, .message_len = big };

        assert_int_equal(journal_forward_format(JOURNAL_FORWARD_JSON, &m, small, sizeof small - 1), -ENOBUFS);
        ssize_t n = journal_forward_format(JOURNAL_FORWARD_JSON, &m, small, sizeof small);
        assert_true(n > 0 && (size_t) n < sizeof small);
        assert_true(endswith(small, "\\\"" "\xe2\x80\xa6" "\"}\n") != NULL);  /* cut after a whole escape */
        n = journal_forward_format(JOURNAL_FORWARD_SHORT, &m, small, sizeof small);
        assert_int_equal(n, sizeof small - 1);
        assert_true(endswith(small, "\"\xe2\x80\xa6\n") != NULL);

        /* a multi-byte character is never split */
        for (size_t i = 0; i + 1 < big; i += 2)
                memcpy(msg + i, "\xc3\xa9", 2);
        n = journal_forward_format(JOURNAL_FORWARD_SHORT, &m, small, sizeof small);
        assert_true(endswith(small, "\xc3\xa9\xe2\x80\xa6\n") != NULL);

        /* a huge identifier is cut to 256 bytes */
        char ident[1000];
        memset(ident, 'i', sizeof ident - 1);
        ident[sizeof ident - 1] = 0;
        m = (JournalForwardMessage) { .identifier = ident, MSG("x") };
        n = journal_forward_format(JOURNAL_FORWARD_JSON, &m, small, sizeof small);
        assert_true(n > 0);
        assert_non_null(strstr(small, "\"message\":\"x\"}\n"));
        assert_int_equal(journal_forward_format(JOURNAL_FORWARD_JSON, NULL, small, sizeof small), -EINVAL);
        m.message = NULL;
        m.message_len = 1;
        assert_int_equal(journal_forward_format(JOURNAL_FORWARD_JSON, &m, small, sizeof small), -EINVAL);
        free(msg);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_format_names),
                cmocka_unit_test(test_short),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_status_lines),
                cmocka_unit_test(test_bounds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
