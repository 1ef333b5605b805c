/* SPDX-License-Identifier: MIT */
/* journal-stream: the stdout stream protocol as systemd 252's journald-stream.c reads it, and
 * the bytes systemd-cat really sends (captured in a private mount namespace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-stream.h"
#include "journal-tools.h"

typedef struct Lines {
        Buf text;    /* "PRIO|BREAK|line\n" per line */
        size_t n;
} Lines;

static int on_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        Lines *l = userdata;
        assert_int_equal(strlen(line), len);  /* NUL-terminated, no NUL inside */
        assert_null(memchr(line, '\n', len));
        buf_printf(&l->text, "%d|%s|", priority, journal_line_break_to_string(lb) ?: "nl");
        buf_put(&l->text, line, len);
        buf_putc(&l->text, '\n');
        l->n++;
        return 0;
}

static const char *text(Lines *l) { return l->text.s ?: ""; }

/* Feed everything at once, then byte by byte: both must give the same lines. */
static void run(const char *in, size_t len, size_t line_max, const JournalStreamHeader *preset, bool trust,
                int expect_r, const char *expect) {
        for (int mode = 0; mode < 2; mode++) {
                JournalStream s;
                Lines l = {};
                int r = 0;

                assert_int_equal(journal_stream_init(&s, line_max, preset, trust, on_line, &l), 0);
                if (mode == 0)
                        r = journal_stream_feed(&s, in, len);
                else
                        for (size_t i = 0; i < len && r >= 0; i++)
                                r = journal_stream_feed(&s, in + i, 1);
                if (r >= 0)
                        r = journal_stream_end(&s);
                assert_int_equal(r, expect_r);
                if (!streq(text(&l), expect))
                        fail_msg("mode %d: got\n%s\nexpected\n%s", mode, text(&l), expect);
                journal_stream_done(&s);
                buf_free(&l.text);
        }
}
#define RUN(lit, expect) run((lit), sizeof(lit) - 1, 0, NULL, false, 0, (expect))
#define RUNR(lit, r, expect) run((lit), sizeof(lit) - 1, 0, NULL, false, (r), (expect))

#define HDR(ident, prio, prefix) ident "\n\n" prio "\n" prefix "\n0\n0\n0\n"

static void test_header(void **state) {
        (void) state;
        JournalStream s;
        Lines l = {};

        const char in[] = "  myident \nfoo.service\n27\nyes\nTrue\noff\n1\nhello\n";
        assert_int_equal(journal_stream_init(&s, 0, NULL, true, on_line, &l), 0);
        assert_false(journal_stream_running(&s));
        assert_int_equal(journal_stream_feed(&s, in, sizeof in - 1), 0);
        assert_true(journal_stream_running(&s));
        assert_string_equal(s.header.identifier, "myident");
        assert_string_equal(s.header.unit_id, "foo.service");
        assert_int_equal(s.header.priority, 27);
        assert_true(s.header.level_prefix);
        assert_true(s.header.forward_to_syslog);
        assert_false(s.header.forward_to_kmsg);
        assert_true(s.header.forward_to_console);
        assert_string_equal(text(&l), "27|nl|hello\n");
        journal_stream_done(&s);
        buf_free(&l.text);

        /* empty identifier; unit id only when trusted and a plain or instance name */
        static const struct { const char *unit; bool trust; const char *want; } u[] = {
                { "foo.service", false, NULL }, { "foo@bar.service", true, "foo@bar.service" },
                { "foo@.service", true, NULL }, { "not a unit", true, NULL }, { "", true, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(u); i++) {
                _cleanup_free_ char *h = strjoin("\n", u[i].unit, "\n6\n0\n0\n0\n0\n");
                assert_int_equal(journal_stream_init(&s, 0, NULL, u[i].trust, on_line, &l), 0);
                assert_int_equal(journal_stream_feed(&s, h, strlen(h)), 0);
                assert_true(journal_stream_running(&s));
                assert_null(s.header.identifier);
                assert_true(streq_ptr(s.header.unit_id, u[i].want));
                journal_stream_done(&s);
        }

        /* priority: safe_atoi() rules, 0..999 */
        static const struct { const char *p; int want; } pr[] = {
                { "0", 0 }, { "999", 999 }, { "0x10", 16 }, { "010", 8 }, { "0b11", 3 }, { "0o17", 15 }, { "+5", 5 },
                { "1000", -1 }, { "-1", -1 }, { "", -1 }, { "abc", -1 }, { "5 5", -1 },
        };
        for (size_t i = 0; i < ELEMENTSOF(pr); i++) {
                _cleanup_free_ char *h = strjoin("x\n\n", pr[i].p, "\n0\n0\n0\n0\n");
                assert_int_equal(journal_stream_init(&s, 0, NULL, false, on_line, &l), 0);
                assert_int_equal(journal_stream_feed(&s, h, strlen(h)), pr[i].want < 0 ? -EBADMSG : 0);
                if (pr[i].want >= 0)
                        assert_int_equal(s.header.priority, pr[i].want);
                journal_stream_done(&s);
        }

        /* booleans, header lines ended otherwise than by '\n' */
        RUNR("x\n\n6\nmaybe\n0\n0\n0\nhi\n", -EBADMSG, "");
        RUNR("x\0\n6\n0\n0\n0\n0\nhi\n", -EBADMSG, "");
        RUNR("x\n\n6\n0\n0\n0", -EBADMSG, "");  /* EOF inside the header */
        RUNR("x\n\n6\n0\n", 0, "");                /* EOF between header lines */
        char longid[300];
        memset(longid, 'a', sizeof longid);
        longid[254] = '\n';
        memcpy(longid + 255, "\n6\n0\n0\n0\n0\nok\n", 15);
        run(longid, 270, 0, NULL, false, 0, "6|nl|ok\n");          /* 254 bytes + '\n' fit */
        longid[254] = 'a';
        longid[255] = '\n';
        run(longid, 270, 0, NULL, false, -EBADMSG, "");            /* 255 do not */

        /* journald's words for each refusal */
        static const struct { const char *in; const char *words; } words[] = {
                { "x\n\nbad\n", "Failed to parse log priority line: Invalid argument" },
                { "x\n\n1000\n", "Failed to parse log priority line: Numerical result out of range" },
                { "x\n\n6\nmaybe\n", "Failed to parse level prefix line: Invalid argument" },
                { "x\n\n6\n1\nmaybe\n", "Failed to parse forward to syslog line: Invalid argument" },
                { "x\n\n6\n1\n0\nmaybe\n", "Failed to parse copy to kmsg line: Invalid argument" },
                { "x\n\n6\n1\n0\n0\nmaybe\n", "Failed to parse copy to console line." },
                { "x\0", "Control protocol line not properly terminated." },
        };
        char msg[128];
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                assert_int_equal(journal_stream_init(&s, 0, NULL, false, on_line, &l), 0);
                assert_string_equal((journal_stream_error_message(&s, msg, sizeof msg), msg), "");
                assert_int_equal(journal_stream_feed(&s, words[i].in, strlen(words[i].in) + (words[i].in[1] == 0)), -EBADMSG);
                journal_stream_error_message(&s, msg, sizeof msg);
                assert_string_equal(msg, words[i].words);
                journal_stream_done(&s);
        }
        assert_int_equal(journal_stream_init(&s, 0, NULL, false, on_line, &l), 0);
        assert_int_equal(journal_stream_feed(&s, "x\n\n6\n0", 6), 0);
        assert_int_equal(journal_stream_end(&s), -EBADMSG);   /* EOF inside a header line */
        journal_stream_error_message(&s, msg, sizeof msg);
        assert_string_equal(msg, "Control protocol line not properly terminated.");
        journal_stream_done(&s);

        /* errors are sticky */
        assert_int_equal(journal_stream_init(&s, 0, NULL, false, on_line, &l), 0);
        assert_int_equal(journal_stream_feed(&s, "x\n\nbad\n", 7), -EBADMSG);
        assert_int_equal(journal_stream_feed(&s, "0\n", 2), -EBADMSG);
        assert_int_equal(journal_stream_end(&s), -EBADMSG);
        journal_stream_done(&s);
        buf_free(&l.text);
}

static void test_lines(void **state) {
        (void) state;

        RUN(HDR("id", "6", "0") "one\ntwo\n\nthree", "6|nl|one\n6|nl|two\n6|eof|three\n");
        /* NUL ends a line too */
        RUN(HDR("id", "6", "0") "a\0b\0\0c\n", "6|nul|a\n6|nul|b\n6|nl|c\n");
        /* trailing whitespace and CR go, leading stays; whitespace-only lines are kept as is */
        RUN(HDR("id", "6", "0") "  indented \t\r\ncrlf\r\n\r\n  \n\t\n",
            "6|nl|  indented\n6|nl|crlf\n6|nl|\r\n6|nl|  \n6|nl|\t\n");
        /* level prefix */
        RUN(HDR("id", "6", "1") "<3>err\n<7>dbg\n<8>no\n<03>z\n<007>y\n <3>lead\n<3>\n<3>  \nplain\n",
            "3|nl|err\n7|nl|dbg\n6|nl|<8>no\n3|nl|z\n7|nl|y\n6|nl| <3>lead\n6|nl|plain\n");
        /* prefix replaces only the level: facility from the header stays */
        RUN(HDR("id", "30", "1") "<2>crit\nx\n", "26|nl|crit\n30|nl|x\n");
        RUN(HDR("id", "6", "0") "<3>kept\n", "6|nl|<3>kept\n");
}

static void test_line_max(void **state) {
        (void) state;
        Buf in = {};
        Lines l = {};
        JournalStream s;

        /* journald's minimum LineMax= is 79 */
        buf_puts(&in, HDR("id", "6", "0"));
        for (int i = 0; i < 200; i++)
                buf_putc(&in, (char) ('a' + i % 26));
        buf_puts(&in, "\nshort\n");
        assert_int_equal(journal_stream_init(&s, 10, NULL, false, on_line, &l), 0);
        assert_int_equal(s.line_max, 79);
        assert_int_equal(journal_stream_feed(&s, in.s, in.len), 0);
        assert_int_equal(journal_stream_end(&s), 0);
        assert_int_equal(l.n, 4);  /* 79 + 79 + 42, nothing dropped */
        const char *t = text(&l);
        assert_true(startswith(t, "6|line-max|abcdefghijklmnopqrstuvwxyzabc"));
        assert_non_null(strstr(t, "\n6|nl|short\n"));
        journal_stream_done(&s);
        buf_free(&l.text);
        l = (Lines) {};

        /* a line of exactly line_max bytes: split there, the empty rest is not logged */
        char line[100];
        memset(line, 'x', 79);
        memcpy(line + 79, "\nnext\n", 6);
        const size_t hl = sizeof(HDR("id", "6", "0")) - 1;
        _cleanup_free_ char *in2 = malloc(hl + 85);
        memcpy(in2, HDR("id", "6", "0"), hl);
        memcpy(in2 + hl, line, 85);
        run(in2, hl + 85, 79, NULL, false, 0,
            "6|line-max|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n6|nl|next\n");

        /* default 48K */
        buf_free(&in);
        buf_puts(&in, HDR("", "6", "0"));
        for (size_t i = 0; i < JOURNAL_STREAM_LINE_MAX_DEFAULT + 5; i++)
                buf_putc(&in, 'z');
        assert_int_equal(journal_stream_init(&s, 0, NULL, false, on_line, &l), 0);
        assert_int_equal(journal_stream_feed(&s, in.s, in.len), 0);
        assert_int_equal(l.n, 1);
        assert_int_equal(journal_stream_end(&s), 0);
        assert_int_equal(l.n, 2);
        assert_non_null(strstr(text(&l), "\n6|eof|zzzzz\n"));
        journal_stream_done(&s);
        buf_free(&l.text);
        buf_free(&in);
}

static void test_preset_and_pid_change(void **state) {
        (void) state;
        JournalStreamHeader h = { .identifier = (char *) "svc", .unit_id = (char *) "svc.service", .priority = LOG_DAEMON | LOG_INFO,
                                  .level_prefix = true };
        JournalStream s;
        Lines l = {};

        run("<4>warn\nno newline", 18, 0, &h, false, 0, "28|nl|warn\n30|eof|no newline\n");

        assert_int_equal(journal_stream_init(&s, 0, &h, false, on_line, &l), 0);
        assert_true(journal_stream_running(&s));
        assert_string_equal(s.header.unit_id, "svc.service");  /* a preset is trusted as given */
        assert_int_equal(journal_stream_feed(&s, "part", 4), 0);
        assert_int_equal(journal_stream_pid_change(&s), 0);
        assert_int_equal(journal_stream_pid_change(&s), 0);  /* nothing pending */
        assert_int_equal(journal_stream_feed(&s, "ial\n", 4), 0);
        assert_int_equal(journal_stream_end(&s), 0);
        assert_string_equal(text(&l), "30|pid-change|part\n30|nl|ial\n");
        journal_stream_done(&s);
        journal_stream_done(&s);
        buf_free(&l.text);

        assert_int_equal(journal_stream_init(&s, 0, NULL, false, NULL, NULL), -EINVAL);
        assert_string_equal(journal_line_break_to_string(JOURNAL_LINE_BREAK_LINE_MAX), "line-max");
        assert_null(journal_line_break_to_string(JOURNAL_LINE_BREAK_NEWLINE));
}

/* The line buffer: none while nothing is pending, grown to the longest pending line (never past
 * line_max + 1), and a long line's buffer freed once the line is out. */
static void test_buffer(void **state) {
        (void) state;
        JournalStreamHeader h = { .priority = LOG_INFO };
        JournalStream s;
        Lines l = {};
        char big[300];

        assert_int_equal(journal_stream_init(&s, 100, &h, false, on_line, &l), 0);
        assert_null(s.buf);
        assert_int_equal(journal_stream_feed(&s, "\n", 1), 0);  /* an empty line needs none */
        assert_null(s.buf);
        assert_int_equal(journal_stream_feed(&s, "ab", 2), 0);
        assert_non_null(s.buf);
        assert_true(s.cap >= 3 && s.cap <= JOURNAL_STREAM_BUF_KEEP);
        assert_int_equal(journal_stream_feed(&s, "c\n", 2), 0);
        assert_non_null(s.buf);  /* a small one stays */
        memset(big, 'q', sizeof big);
        for (size_t i = 0; i < sizeof big; i++) {
                assert_int_equal(journal_stream_feed(&s, big + i, 1), 0);
                assert_true(s.cap <= 101);
        }
        assert_int_equal(journal_stream_end(&s), 0);
        assert_int_equal(l.n, 4);  /* abc, then 3 x 100: nothing dropped, nothing left at the end */
        assert_int_equal(strlen(text(&l)), strlen("6|nl|abc\n") + 3 * (strlen("6|line-max|\n") + 100));
        journal_stream_done(&s);
        buf_free(&l.text);
        l = (Lines) {};

        Buf in = {};
        for (size_t i = 0; i < 5000; i++)
                buf_putc(&in, 'z');
        buf_puts(&in, "\nend");
        assert_int_equal(journal_stream_init(&s, 0, &h, false, on_line, &l), 0);
        assert_int_equal(journal_stream_feed(&s, in.s, in.len), 0);
        assert_int_equal(l.n, 1);
        assert_true(s.cap > 5000 && s.len == 3);  /* "end" is pending */
        assert_int_equal(journal_stream_feed(&s, "\n", 1), 0);
        assert_null(s.buf);
        assert_int_equal(journal_stream_feed(&s, in.s, 4000), 0);
        assert_true(s.cap > 4000 && s.cap <= JOURNAL_STREAM_LINE_MAX_DEFAULT + 1);
        assert_int_equal(journal_stream_pid_change(&s), 0);
        assert_null(s.buf);
        assert_int_equal(journal_stream_end(&s), 0);
        assert_int_equal(l.n, 3);
        assert_int_equal(strlen(text(&l)), 2 * strlen("6|nl|\n") + strlen("6|pid-change|\n") + 5000 + 3 + 4000);
        journal_stream_done(&s);
        buf_free(&l.text);
        buf_free(&in);
}

static int fail_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        (void) line; (void) len; (void) priority; (void) lb; (void) userdata;
        return -ECANCELED;
}

static void test_callback_error(void **state) {
        (void) state;
        JournalStream s;
        assert_int_equal(journal_stream_init(&s, 0, NULL, false, fail_line, NULL), 0);
        assert_int_equal(journal_stream_feed(&s, HDR("a", "6", "0") "x\ny\n", sizeof(HDR("a", "6", "0") "x\ny\n") - 1), -ECANCELED);
        assert_int_equal(journal_stream_feed(&s, "z\n", 2), -ECANCELED);
        journal_stream_done(&s);
}

/* systemd-cat connects to /run/systemd/journal/stdout only: capture it in a private namespace. */
static void test_systemd_cat(void **state) {
        (void) state;
        char *argv[] = { (char *) "/usr/bin/systemd-cat", (char *) "-t", (char *) "myident", (char *) "-p", (char *) "warning",
                         (char *) "/bin/sh", (char *) "-c", (char *) "echo hello; printf '<3>err\\r\\nlast'", NULL };
        char *argv2[] = { (char *) "/usr/bin/systemd-cat", (char *) "--level-prefix=no", (char *) "/bin/echo", (char *) "<3>x", NULL };
        char buf[4096];
        size_t len = 0;
        int sock, c;

        if (!journal_tools_have(argv[0]) || journal_tools_private_run() < 0)
                skip();
        sock = journal_tools_bind(SOCK_STREAM, "/run/systemd/journal/stdout");
        assert_true(sock >= 0);

        for (int k = 0; k < 2; k++) {
                assert_int_equal(journal_tools_run(k == 0 ? argv : argv2, NULL, 0), 0);
                c = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
                assert_true(c >= 0);
                len = 0;
                for (;;) {
                        ssize_t n = read(c, buf + len, sizeof buf - len);
                        assert_true(n >= 0);
                        if (n == 0)
                                break;
                        len += (size_t) n;
                }
                close(c);
                if (k == 0) {
                        /* the header sd_journal_stream_fd() writes, byte for byte */
                        const char want[] = "myident\n\n4\n1\n0\n0\n0\nhello\n<3>err\r\nlast";
                        assert_int_equal(len, sizeof want - 1);
                        assert_memory_equal(buf, want, len);
                        run(buf, len, 0, NULL, false, 0, "4|nl|hello\n3|nl|err\n4|eof|last\n");
                } else {
                        const char want[] = "\n\n6\n0\n0\n0\n0\n<3>x\n";
                        assert_int_equal(len, sizeof want - 1);
                        assert_memory_equal(buf, want, len);
                        run(buf, len, 0, NULL, false, 0, "6|nl|<3>x\n");
                }
        }
        close(sock);
}

static int count_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        (void) line; (void) len; (void) priority; (void) lb;
        (*(size_t *) userdata)++;
        return 0;
}

/* 1 MB inputs shaped to hurt a reader that rescans its pending line, each fed whole, in
 * 1-byte and in 4096-byte pieces: each must take a bounded amount of CPU. */
static void test_linear_time(void **state) {
        (void) state;
        static const char *const units[] = {
                "x",             /* one endless line: split at LineMax */
                " ",             /* whitespace only: never trimmed to nothing */
                "\n",            /* empty lines */
                "<",             /* a level prefix that never closes */
                "<7>\n",         /* prefixes only */
                "a\0",           /* NUL-ended lines */
                " \t\r",         /* trailing whitespace to cut */
        };
        static const size_t chunks[] = { JOURNAL_TOOLS_MB, 1, 4096 };
        size_t n = JOURNAL_TOOLS_MB;
        char *buf = malloc(n);
        assert_non_null(buf);
        JournalStreamHeader preset = { .priority = LOG_INFO, .level_prefix = true };
        for (size_t u = 0; u < ELEMENTSOF(units); u++) {
                size_t l = strlen(units[u]) + (units[u][0] == 'a');  /* "a\0" is two bytes */
                for (size_t i = 0; i < n; i++)
                        buf[i] = units[u][i % l];
                for (size_t c = 0; c < ELEMENTSOF(chunks); c++)
                        for (int header = 0; header < 4; header++) {
                                JournalStream s;
                                size_t lines = 0;
                                double t0 = journal_tools_cpu_seconds();
                                /* LineMax= at journald's default and at the largest allowed */
                                size_t line_max = header & 2 ? JOURNAL_STREAM_LINE_MAX_MAX : 0;
                                assert_int_equal(journal_stream_init(&s, line_max, header & 1 ? NULL : &preset, true, count_line, &lines), 0);
                                for (size_t off = 0; off < n; off += chunks[c])
                                        if (journal_stream_feed(&s, buf + off, n - off < chunks[c] ? n - off : chunks[c]) < 0)
                                                break;
                                (void) journal_stream_end(&s);
                                journal_stream_done(&s);
                                double t = journal_tools_cpu_seconds() - t0;
                                if (t > 0.05)
                                        print_message("stream, 1 MB of unit %zu in %zu-byte pieces, variant %d: %.3f s CPU\n", u,
                                                      chunks[c], header, t);
                                assert_true(t < JOURNAL_TOOLS_LINEAR_BOUND_SEC);
                        }
        }
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_header),
                cmocka_unit_test(test_lines),
                cmocka_unit_test(test_line_max),
                cmocka_unit_test(test_preset_and_pid_change),
                cmocka_unit_test(test_buffer),
                cmocka_unit_test(test_callback_error),
                cmocka_unit_test(test_systemd_cat),
                cmocka_unit_test(test_linear_time),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
