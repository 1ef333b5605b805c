/* SPDX-License-Identifier: MIT */
/* notify-msg: sd_notify(3) datagrams interpreted as systemd 252 does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include "base/util.h"
#include "core/notify-msg.h"
#include "log-capture.h"

/* Parse a NUL-terminated literal (without its terminator). */
static int parse(const char *s, NotifyMessage *m) {
        return notify_message_parse(s, strlen(s), m);
}

static void test_empty_and_basic(void **state) {
        (void)state;
        NotifyMessage m;

        assert_int_equal(notify_message_parse("", 0, &m), 0);
        assert_false(m.ready || m.reloading || m.stopping || m.watchdog || m.barrier || m.has_status);
        assert_null(m.status);
        notify_message_done(&m);
        assert_int_equal(notify_message_parse(NULL, 0, &m), 0);
        notify_message_done(&m);
        assert_int_equal(notify_message_parse(NULL, 1, &m), -EINVAL);
        assert_int_equal(parse("\n\n\r\n", &m), 0);
        notify_message_done(&m);

        assert_int_equal(parse("READY=1", &m), 1);  /* no trailing newline */
        assert_true(m.ready);
        assert_false(m.has_status);
        notify_message_done(&m);

        assert_int_equal(parse("READY=1\nSTATUS=x", &m), 2);
        assert_true(m.ready);
        assert_true(m.has_status);
        assert_string_equal(m.status, "x");
        notify_message_done(&m);
        assert_null(m.status);
        notify_message_done(&m);  /* twice is fine */
        notify_message_done(NULL);

        assert_int_equal(parse("\n\nREADY=1\n\n\nSTATUS=a=b c\n\n", &m), 2);
        assert_true(m.ready);
        assert_string_equal(m.status, "a=b c");
        notify_message_done(&m);

        /* CR separates too (strv_split_newlines() splits on "\n\r") */
        assert_int_equal(parse("READY=1\r\nSTATUS=x\r\n", &m), 2);
        assert_true(m.ready);
        assert_string_equal(m.status, "x");
        notify_message_done(&m);

        /* unknown keys and non-assignments are counted and ignored */
        assert_int_equal(parse("X_FOO=bar\nBUSERROR=org.freedesktop.DBus.Error.TimedOut\nnot an assignment\n=\nREADY", &m), 5);
        assert_false(m.ready);
        assert_false(m.has_status);
        notify_message_done(&m);
}

static void test_ready_reloading_stopping(void **state) {
        (void)state;
        NotifyMessage m;
        const char *not_ready[] = { "READY=0", "READY=yes", "READY=true", "READY=1 ", " READY=1", "ready=1",
                                    "READY=", "READY=01", "READY=1\tx", "READY" };
        for (size_t i = 0; i < ELEMENTSOF(not_ready); i++) {
                assert_int_equal(parse(not_ready[i], &m), 1);
                assert_false(m.ready);
                notify_message_done(&m);
        }

        assert_int_equal(parse("RELOADING=1", &m), 1);
        assert_true(m.reloading);
        assert_false(m.ready || m.stopping);
        notify_message_done(&m);

        assert_int_equal(parse("STOPPING=1\n", &m), 1);
        assert_true(m.stopping);
        assert_false(m.ready || m.reloading);
        notify_message_done(&m);

        /* the last of the three wins, alone */
        assert_int_equal(parse("READY=1\nSTOPPING=1", &m), 2);
        assert_true(m.stopping);
        assert_false(m.ready);
        notify_message_done(&m);
        assert_int_equal(parse("RELOADING=1\nSTATUS=Reloaded\nREADY=1\n", &m), 3);
        assert_true(m.ready);
        assert_false(m.reloading);
        notify_message_done(&m);
        assert_int_equal(parse("READY=1\nRELOADING=1\nREADY=0", &m), 3);
        assert_true(m.reloading);
        assert_false(m.ready);
        notify_message_done(&m);
}

static void test_status(void **state) {
        (void)state;
        NotifyMessage m;

        log_capture_start();
        assert_int_equal(parse("STATUS=", &m), 1);
        assert_true(m.has_status);
        assert_string_equal(m.status, "");  /* clears the status text */
        notify_message_done(&m);
        assert_string_equal(log_captured(), "");

        const char *valid[] = {
                "Completed 66% of file system check\xe2\x80\xa6",
                "h\xc3\xa9llo",
                "\xf0\x9f\x98\x80 emoji",
                "\xf4\x8f\xbf\xbd",          /* U+10FFFD */
                "\xef\xbf\xbd",              /* U+FFFD */
                "tab\there",
        };
        for (size_t i = 0; i < ELEMENTSOF(valid); i++) {
                _cleanup_free_ char *msg = strjoin("STATUS=", valid[i]);
                assert_int_equal(parse(msg, &m), 1);
                assert_true(m.has_status);
                assert_non_null(m.status);
                assert_string_equal(m.status, valid[i]);
                notify_message_done(&m);
        }

        const char *invalid[] = {
                "\xff",
                "abc\x80",
                "\xc0\xaf",                  /* overlong '/' */
                "\xe0\x80\xaf",              /* overlong */
                "\xed\xa0\x80",              /* surrogate U+D800 */
                "\xef\xbf\xbe",              /* U+FFFE */
                "\xef\xbf\xbf",              /* U+FFFF */
                "\xef\xb7\x90",              /* U+FDD0 */
                "\xf0\x9f\xbf\xbe",          /* U+1FFFE */
                "\xf4\x90\x80\x80",          /* above U+10FFFF */
                "\xf8\x88\x80\x80\x80",      /* 5-byte form */
                "\xe2\x82",                  /* truncated */
                "x\xe2\x82y",
        };
        for (size_t i = 0; i < ELEMENTSOF(invalid); i++) {
                _cleanup_free_ char *msg = strjoin("READY=1\nSTATUS=", invalid[i]);
                log_capture_start();
                assert_int_equal(parse(msg, &m), 2);
                assert_true(m.ready);          /* the rest of the message still counts */
                assert_true(m.has_status);
                assert_string_equal(m.status, "");  /* systemd replaces the text by nothing */
                assert_string_equal(log_captured(), "Status message in notification message is not UTF-8 clean, ignoring.\n");
                notify_message_done(&m);
        }

        /* the first STATUS= counts, even when it is invalid */
        assert_int_equal(parse("STATUS=a\nSTATUS=b", &m), 2);
        assert_string_equal(m.status, "a");
        notify_message_done(&m);
        assert_int_equal(parse("STATUS=\xff\nSTATUS=ok", &m), 2);
        assert_true(m.has_status);
        assert_string_equal(m.status, "");
        notify_message_done(&m);
        assert_int_equal(parse("STATUS=\nSTATUS=ok", &m), 2);
        assert_string_equal(m.status, "");
        notify_message_done(&m);

        /* backslashes, as systemd's splitting treats them */
        assert_int_equal(parse("STATUS=C:\\dir", &m), 1);
        assert_string_equal(m.status, "C:dir");
        notify_message_done(&m);
        assert_int_equal(parse("STATUS=two\\\nlines\nREADY=1", &m), 2);
        assert_string_equal(m.status, "two\nlines");
        assert_true(m.ready);
        notify_message_done(&m);
        assert_int_equal(parse("STATUS=\\\\", &m), 1);
        assert_string_equal(m.status, "\\");
        notify_message_done(&m);
        assert_int_equal(parse("READY=\\1", &m), 1);
        assert_true(m.ready);
        notify_message_done(&m);
        m.ready = true;
        assert_int_equal(parse("READY=0\nSTATUS=x\\", &m), -EINVAL);  /* trailing backslash: all dropped */
        assert_true(m.ready);  /* untouched */
        log_capture_stop();
}

static void test_nul_bytes(void **state) {
        (void)state;
        NotifyMessage m;
        assert_int_equal(notify_message_parse("READY=1\0", 8, &m), 1);  /* one trailing NUL is fine */
        assert_true(m.ready);
        notify_message_done(&m);
        assert_int_equal(notify_message_parse("\0", 1, &m), 0);
        notify_message_done(&m);
        assert_int_equal(notify_message_parse("READY=1\0\n", 9, &m), -EINVAL);
        assert_int_equal(notify_message_parse("READY=1\0\0", 9, &m), -EINVAL);
        assert_int_equal(notify_message_parse("\0\0", 2, &m), -EINVAL);
        assert_int_equal(notify_message_parse("READY=1\nSTATUS=a\0b", 18, &m), -EINVAL);
        assert_int_equal(notify_message_parse("\0READY=1", 8, &m), -EINVAL);
}

static void test_numbers(void **state) {
        (void)state;
        NotifyMessage m;
        log_capture_start();

        assert_int_equal(parse("MAINPID=4711\nERRNO=2\nEXTEND_TIMEOUT_USEC=5000000\nWATCHDOG_USEC=20000000\n"
                               "MONOTONIC_USEC=123456789\nEXIT_STATUS=3", &m), 6);
        assert_true(m.has_mainpid);
        assert_int_equal(m.mainpid, 4711);
        assert_true(m.has_errno);
        assert_int_equal(m.errnum, 2);
        assert_true(m.has_extend_timeout);
        assert_true(m.extend_timeout_usec == 5000000);
        assert_true(m.has_watchdog_usec);
        assert_true(m.watchdog_usec == 20000000);
        assert_true(m.has_monotonic_usec);
        assert_true(m.monotonic_usec == 123456789);
        assert_true(m.has_exit_status);
        assert_int_equal(m.exit_status, 3);
        notify_message_done(&m);
        assert_string_equal(log_captured(), "");

        /* systemd's number syntax: leading whitespace, 0x/0o/0b prefixes, errno names, 0 */
        assert_int_equal(parse("MAINPID= 42\nERRNO=ENOENT\nEXTEND_TIMEOUT_USEC=0x10\nWATCHDOG_USEC=0\nEXIT_STATUS=-1", &m), 5);
        assert_int_equal(m.mainpid, 42);
        assert_int_equal(m.errnum, ENOENT);
        assert_true(m.extend_timeout_usec == 16);
        assert_true(m.has_watchdog_usec && m.watchdog_usec == 0);
        assert_int_equal(m.exit_status, -1);
        notify_message_done(&m);
        assert_int_equal(parse("ERRNO=0\nMONOTONIC_USEC=18446744073709551615", &m), 2);
        assert_true(m.has_errno);
        assert_int_equal(m.errnum, 0);
        assert_true(m.monotonic_usec == UINT64_MAX);
        notify_message_done(&m);

        /* garbage: each key ignored on its own, the message still counts */
        const char *bad[] = {
                "MAINPID=0", "MAINPID=-1", "MAINPID=abc", "MAINPID=", "MAINPID=99999999999", "MAINPID=12 ",
                "MAINPID=1.5", "ERRNO=-1", "ERRNO=4096", "ERRNO=x", "ERRNO=", "ERRNO=enoent",
                "EXTEND_TIMEOUT_USEC=-1", "EXTEND_TIMEOUT_USEC=18446744073709551616", "EXTEND_TIMEOUT_USEC=5s",
                "WATCHDOG_USEC=", "WATCHDOG_USEC=infinity", "MONOTONIC_USEC=x", "EXIT_STATUS=x",
                "EXIT_STATUS=2147483648", "EXIT_STATUS=",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *msg = strjoin(bad[i], "\nREADY=1\n");
                log_capture_start();
                assert_int_equal(parse(msg, &m), 2);
                assert_true(m.ready);
                assert_false(m.has_mainpid || m.has_errno || m.has_extend_timeout || m.has_watchdog_usec ||
                             m.has_monotonic_usec || m.has_exit_status);
                assert_true(strlen(log_captured()) > 0);  /* warned about */
                notify_message_done(&m);
        }
        log_capture_start();
        assert_int_equal(parse("MAINPID=abc", &m), 1);
        assert_string_equal(log_captured(), "Failed to parse MAINPID= field in notification message, ignoring: abc\n");
        notify_message_done(&m);
        log_capture_start();
        assert_int_equal(parse("ERRNO=x", &m), 1);
        assert_string_equal(log_captured(), "Failed to parse ERRNO= field value 'x' in notification message: Invalid argument\n");
        notify_message_done(&m);
        log_capture_start();
        assert_int_equal(parse("EXTEND_TIMEOUT_USEC=x", &m), 1);
        assert_string_equal(log_captured(), "Failed to parse EXTEND_TIMEOUT_USEC=x\n");
        notify_message_done(&m);

        /* duplicates: the first counts, even when invalid (systemd's strv_find_startswith()) */
        assert_int_equal(parse("MAINPID=1\nMAINPID=2\nERRNO=5\nERRNO=6", &m), 4);
        assert_int_equal(m.mainpid, 1);
        assert_int_equal(m.errnum, 5);
        notify_message_done(&m);
        assert_int_equal(parse("MAINPID=x\nMAINPID=2", &m), 2);
        assert_false(m.has_mainpid);
        notify_message_done(&m);
        log_capture_stop();
}

static void test_watchdog(void **state) {
        (void)state;
        NotifyMessage m;
        log_capture_start();
        assert_int_equal(parse("WATCHDOG=1", &m), 1);
        assert_true(m.watchdog);
        assert_false(m.watchdog_trigger);
        notify_message_done(&m);
        assert_int_equal(parse("WATCHDOG=trigger", &m), 1);
        assert_true(m.watchdog_trigger);
        assert_false(m.watchdog);
        notify_message_done(&m);
        assert_string_equal(log_captured(), "");
        assert_int_equal(parse("WATCHDOG=2\nWATCHDOG=1", &m), 2);  /* the first counts */
        assert_false(m.watchdog || m.watchdog_trigger);
        assert_string_equal(log_captured(), "Passed WATCHDOG= field is invalid, ignoring.\n");
        notify_message_done(&m);
        /* WATCHDOG_USEC= is not WATCHDOG= */
        assert_int_equal(parse("WATCHDOG_USEC=5\nWATCHDOG=1", &m), 2);
        assert_true(m.watchdog);
        assert_true(m.watchdog_usec == 5);
        notify_message_done(&m);
        log_capture_stop();
}

static void test_fdstore(void **state) {
        (void)state;
        NotifyMessage m;
        log_capture_start();

        assert_int_equal(parse("FDSTORE=1\nFDNAME=foo", &m), 2);
        assert_true(m.fdstore);
        assert_false(m.fdstoreremove || m.fdpoll_disabled);
        assert_string_equal(m.fdname, "foo");
        notify_message_done(&m);

        assert_int_equal(parse("FDSTORE=1", &m), 1);
        assert_true(m.fdstore);
        assert_null(m.fdname);
        notify_message_done(&m);

        assert_int_equal(parse("FDSTORE=1\nFDPOLL=0\nFDNAME=", &m), 3);
        assert_true(m.fdpoll_disabled);
        assert_string_equal(m.fdname, "");  /* the empty name is valid */
        notify_message_done(&m);
        assert_string_equal(log_captured(), "");

        assert_int_equal(parse("FDSTORE=0\nFDPOLL=1\nFDSTOREREMOVE=yes", &m), 3);
        assert_false(m.fdstore || m.fdpoll_disabled || m.fdstoreremove);
        notify_message_done(&m);
        assert_int_equal(parse("FDSTORE=0\nFDSTORE=1", &m), 2);  /* anywhere in the message */
        assert_true(m.fdstore);
        notify_message_done(&m);

        /* removal wins over addition */
        assert_int_equal(parse("FDSTORE=1\nFDSTOREREMOVE=1\nFDNAME=x", &m), 3);
        assert_true(m.fdstoreremove);
        assert_false(m.fdstore);
        assert_string_equal(m.fdname, "x");
        notify_message_done(&m);

        assert_int_equal(parse("FDSTOREREMOVE=1", &m), 1);
        assert_true(m.fdstoreremove);
        assert_null(m.fdname);
        assert_string_equal(log_captured(), "FDSTOREREMOVE=1 requested, but no valid file descriptor name passed, ignoring.\n");
        notify_message_done(&m);

        char name[300];
        memset(name, 'n', sizeof name);
        const struct { const char *name; bool valid; } names[] = {
                { "a:b", false }, { "tab\there", false }, { "del\x7f", false }, { "h\xc3\xa9", false },
                { "with space", true }, { "~!@#$%^&*()", true }, { "=", true },
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *msg = strjoin("FDSTORE=1\nFDNAME=", names[i].name);
                log_capture_start();
                assert_int_equal(parse(msg, &m), 2);
                if (names[i].valid)
                        assert_string_equal(m.fdname, names[i].name);
                else {
                        assert_null(m.fdname);
                        assert_string_equal(log_captured(), "Passed FDNAME= name is invalid, ignoring.\n");
                }
                assert_true(m.fdstore);  /* the fds are still stored, under the default name */
                notify_message_done(&m);
        }
        for (size_t len = 254; len <= 256; len++) {
                _cleanup_free_ char *msg = xasprintf("FDSTORE=1\nFDNAME=%.*s", (int) len, name);
                assert_int_equal(parse(msg, &m), 2);
                if (len <= 255)
                        assert_int_equal(strlen(m.fdname), len);
                else
                        assert_null(m.fdname);
                notify_message_done(&m);
        }
        /* the first FDNAME= counts */
        assert_int_equal(parse("FDSTORE=1\nFDNAME=a\nFDNAME=b", &m), 3);
        assert_string_equal(m.fdname, "a");
        notify_message_done(&m);
        log_capture_stop();
}

static void test_barrier(void **state) {
        (void)state;
        NotifyMessage m;
        assert_int_equal(parse("BARRIER=1\n", &m), 1);
        assert_true(m.barrier);
        notify_message_done(&m);
        /* mixed with anything: only the barrier is reported; the count tells the caller */
        assert_int_equal(parse("READY=1\nSTATUS=x\nBARRIER=1", &m), 3);
        assert_true(m.barrier);
        assert_false(m.ready || m.has_status);
        assert_null(m.status);
        notify_message_done(&m);
        assert_int_equal(parse("BARRIER=0\nREADY=1", &m), 2);
        assert_false(m.barrier);
        assert_true(m.ready);
        notify_message_done(&m);
}

static void test_sizes(void **state) {
        (void)state;
        NotifyMessage m;
        char *buf = malloc(NOTIFY_BUFFER_MAX + 1);
        assert_non_null(buf);

        /* exactly NOTIFY_BUFFER_MAX bytes: accepted */
        memcpy(buf, "STATUS=", 7);
        memset(buf + 7, 'a', NOTIFY_BUFFER_MAX - 7);
        assert_int_equal(notify_message_parse(buf, NOTIFY_BUFFER_MAX, &m), 1);
        assert_int_equal(strlen(m.status), NOTIFY_BUFFER_MAX - 7);
        notify_message_done(&m);
        buf[NOTIFY_BUFFER_MAX] = 'a';
        assert_int_equal(notify_message_parse(buf, NOTIFY_BUFFER_MAX + 1, &m), -EMSGSIZE);

        /* the most assignments one message can hold */
        for (size_t i = 0; i < NOTIFY_BUFFER_MAX; i += 2) {
                buf[i] = 'A';
                buf[i + 1] = '\n';
        }
        assert_int_equal(notify_message_parse(buf, NOTIFY_BUFFER_MAX, &m), NOTIFY_BUFFER_MAX / 2);
        notify_message_done(&m);
        buf[NOTIFY_BUFFER_MAX - 1] = 'A';
        assert_int_equal(notify_message_parse(buf, NOTIFY_BUFFER_MAX - 1, &m), NOTIFY_BUFFER_MAX / 2);
        notify_message_done(&m);

        /* escaped newlines do not separate */
        for (size_t i = 0; i < NOTIFY_BUFFER_MAX; i += 2) {
                buf[i] = '\\';
                buf[i + 1] = '\n';
        }
        assert_int_equal(notify_message_parse(buf, NOTIFY_BUFFER_MAX, &m), 1);
        notify_message_done(&m);

        /* a message exactly its size, not NUL-terminated (ASan checks we do not read past it) */
        char *exact = malloc(7);
        memcpy(exact, "READY=1", 7);
        assert_int_equal(notify_message_parse(exact, 7, &m), 1);
        assert_true(m.ready);
        notify_message_done(&m);
        assert_int_equal(notify_message_parse(exact, 6, &m), 1);
        assert_false(m.ready);  /* "READY=" */
        notify_message_done(&m);
        free(exact);
        free(buf);
}

/* Random messages built from pieces of real ones never crash or leak. */
static void test_garbage(void **state) {
        (void)state;
        static const char *pieces[] = {
                "READY=1", "STATUS=", "ERRNO=", "MAINPID=", "WATCHDOG=", "WATCHDOG_USEC=", "FDNAME=",
                "FDSTORE=1", "FDSTOREREMOVE=1", "BARRIER=1", "EXTEND_TIMEOUT_USEC=", "EXIT_STATUS=",
                "MONOTONIC_USEC=", "\n", "\r", "\\", "\xff", "\xe2\x82", "\xc3\xa9", "1", "-", "0x", ":",
                "trigger", "=", " ", "\0",
        };
        unsigned seed = 7;
        char *buf = malloc(NOTIFY_BUFFER_MAX + 64);
        assert_non_null(buf);
        log_set_max_level(LOG_ERR);
        for (int iter = 0; iter < 20000; iter++) {
                size_t len = 0, target = (size_t) rand_r(&seed) % (iter % 10 == 0 ? NOTIFY_BUFFER_MAX : 200);
                while (len < target) {
                        const char *p = pieces[(size_t) rand_r(&seed) % ELEMENTSOF(pieces)];
                        size_t l = *p ? strlen(p) : 1;
                        if (len + l > NOTIFY_BUFFER_MAX)
                                break;
                        memcpy(buf + len, p, l);
                        len += l;
                }
                char *exact = malloc(len ? len : 1);
                memcpy(exact, buf, len);
                NotifyMessage m;
                int r = notify_message_parse(exact, len, &m);
                assert_true(r >= 0 || r == -EINVAL);
                if (r >= 0) {
                        assert_true(m.ready + m.reloading + m.stopping <= 1);
                        assert_false(m.fdstore && m.fdstoreremove);
                        assert_true(!m.has_mainpid || m.mainpid > 0);
                        assert_true(m.has_status == (m.status != NULL));
                        notify_message_done(&m);
                }
                free(exact);
        }
        log_set_max_level(LOG_INFO);
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty_and_basic),
                cmocka_unit_test(test_ready_reloading_stopping),
                cmocka_unit_test(test_status),
                cmocka_unit_test(test_nul_bytes),
                cmocka_unit_test(test_numbers),
                cmocka_unit_test(test_watchdog),
                cmocka_unit_test(test_fdstore),
                cmocka_unit_test(test_barrier),
                cmocka_unit_test(test_sizes),
                cmocka_unit_test(test_garbage),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
