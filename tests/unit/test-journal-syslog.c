/* SPDX-License-Identifier: MIT */
/* journal-syslog: /dev/log datagrams as systemd 252's journald reads them, the RFC 5424 and
 * hostname extensions, and the datagrams util-linux logger really sends (logger -u SOCKET). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-syslog.h"
#include "journal-tools.h"

/* The entry as "NAME=value|NAME=value|..." (values printed as is, NUL as "\0"). */
static char *dump(const JournalEntry *e) {
        Buf b = {};
        for (size_t i = 0; i < e->n_fields; i++) {
                if (i > 0)
                        buf_putc(&b, '|');
                for (size_t k = 0; k < e->fields[i].len; k++) {
                        if (e->fields[i].data[k] == 0)
                                buf_puts(&b, "\\0");
                        else
                                buf_putc(&b, e->fields[i].data[k]);
                }
        }
        return buf_steal(&b);
}

static void check_flags(const char *in, size_t len, unsigned flags, int prio, const char *expect) {
        JournalEntry e = {};
        int p = -1;
        assert_int_equal(journal_syslog_parse(in, len, flags, &e, &p), 0);
        _cleanup_free_ char *d = dump(&e);
        if (!streq(d, expect))
                fail_msg("input '%s':\n got    %s\n expect %s", in, d, expect);
        assert_int_equal(p, prio);
        journal_entry_done(&e);
}
#define CHECK(lit, prio, expect) check_flags((lit), sizeof(lit) - 1, 0, (prio), (expect))
#define CHECK_F(lit, flags, prio, expect) check_flags((lit), sizeof(lit) - 1, (flags), (prio), (expect))

static void test_journald_rules(void **state) {
        (void) state;

        /* logger's default local format */
        CHECK("<13>Nov 23 10:32:03 root: hello world", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=root|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=hello world");
        CHECK("<30>Jan  1 00:00:00 sshd[42]: Accepted", 30,
              "PRIORITY=6|SYSLOG_FACILITY=3|SYSLOG_IDENTIFIER=sshd|SYSLOG_PID=42|SYSLOG_TIMESTAMP=Jan  1 00:00:00 |MESSAGE=Accepted");
        /* no timestamp: SYSLOG_RAW= */
        CHECK("<11>foo: bar", 11, "PRIORITY=3|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=foo|MESSAGE=bar|SYSLOG_RAW=<11>foo: bar");
        /* facility 0 (kern) is not written; default priority user.info */
        CHECK("<3>x: y", 3, "PRIORITY=3|SYSLOG_IDENTIFIER=x|MESSAGE=y|SYSLOG_RAW=<3>x: y");
        CHECK("just text", LOG_USER | LOG_INFO, "PRIORITY=6|SYSLOG_FACILITY=1|MESSAGE=just text|SYSLOG_RAW=just text");
        /* journald does not range-check the priority */
        CHECK("<999>a: b", 999, "PRIORITY=7|SYSLOG_FACILITY=124|SYSLOG_IDENTIFIER=a|MESSAGE=b|SYSLOG_RAW=<999>a: b");
        /* no valid priority: left in the text */
        CHECK("<1000>x", 14, "PRIORITY=6|SYSLOG_FACILITY=1|MESSAGE=<1000>x|SYSLOG_RAW=<1000>x");
        CHECK("<a>x", 14, "PRIORITY=6|SYSLOG_FACILITY=1|MESSAGE=<a>x|SYSLOG_RAW=<a>x");
        /* RFC 3164 hostname is not skipped by journald 252: no identifier */
        CHECK("<13>Nov 23 10:32:03 vm root: hello world", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=vm root: hello world");
        /* RFC 5424 is not parsed by journald 252 */
        CHECK("<13>1 2026-11-23T10:32:03.072204+00:00 vm root - - - hello", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|MESSAGE=1 2026-11-23T10:32:03.072204+00:00 vm root - - - hello|"
              "SYSLOG_RAW=<13>1 2026-11-23T10:32:03.072204+00:00 vm root - - - hello");
        /* whitespace: stripped both ends, SYSLOG_RAW keeps the original; one space after ':' */
        CHECK("  <13>Nov 23 10:32:03 a:  b  \n", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=a|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE= b|"
              "SYSLOG_RAW=  <13>Nov 23 10:32:03 a:  b  \n");
        CHECK(" \t\n", 14, "PRIORITY=6|SYSLOG_FACILITY=1|MESSAGE=|SYSLOG_RAW= \t\n");
        /* NUL: the text ends there; trailing NULs are stripped like whitespace */
        CHECK("<13>Nov 23 10:32:03 a: b\0c", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=a|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=b|"
              "SYSLOG_RAW=<13>Nov 23 10:32:03 a: b\\0c");
        CHECK("<13>Nov 23 10:32:03 a: b\0", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=a|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=b|"
              "SYSLOG_RAW=<13>Nov 23 10:32:03 a: b\\0");
        /* timestamp shape: space or digit for the first digit of each number */
        CHECK("<13>Nov  3  1: 2: 3 a: b", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=a|SYSLOG_TIMESTAMP=Nov  3  1: 2: 3 |MESSAGE=b");
        CHECK("<13>Nov 23 10:32:03a: b", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|MESSAGE=Nov 23 10:32:03a: b|SYSLOG_RAW=<13>Nov 23 10:32:03a: b");
        /* pid edge cases */
        CHECK("<13>Nov 23 10:32:03 a[]: b", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=a|SYSLOG_PID=|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=b");
        CHECK("<13>Nov 23 10:32:03 a]: b", 13,
              "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=a]|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=b");

        JournalEntry e = {};
        assert_int_equal(journal_syslog_parse("", 0, 0, &e, NULL), -ENODATA);
        assert_int_equal(journal_syslog_parse(NULL, 1, 0, &e, NULL), -EINVAL);
        assert_int_equal(journal_syslog_parse("x", JOURNAL_SYSLOG_SIZE_MAX + 1, 0, &e, NULL), -EMSGSIZE);
        assert_int_equal(e.n_fields, 0);
}

/* systemd's own table for syslog_parse_identifier() (test-journal-syslog.c in 252) */
static void check_ident(const char *in, const char *ident, const char *pid, const char *rest, int ret) {
        const char *p = in;
        _cleanup_free_ char *i = NULL, *d = NULL;
        assert_int_equal(journal_syslog_parse_identifier(&p, &i, &d), ret);
        assert_true(streq_ptr(i, ident));
        assert_true(streq_ptr(d, pid));
        assert_string_equal(p, rest);
}

static void test_identifier_and_priority(void **state) {
        (void) state;
        check_ident("pidu[111]: xxx", "pidu", "111", "xxx", 11);
        check_ident("pidu: xxx", "pidu", NULL, "xxx", 6);
        check_ident("pidu:  xxx", "pidu", NULL, " xxx", 6);
        check_ident("pidu xxx", NULL, NULL, "pidu xxx", 0);
        check_ident("   pidu xxx", NULL, NULL, "   pidu xxx", 0);
        check_ident("", NULL, NULL, "", 0);
        check_ident("  ", NULL, NULL, "  ", 0);
        check_ident(":", "", NULL, "", 1);
        check_ident(":  ", "", NULL, " ", 2);
        check_ident(" :", "", NULL, "", 2);
        check_ident("   pidu:", "pidu", NULL, "", 8);
        check_ident("pidu:", "pidu", NULL, "", 5);
        check_ident("pidu: ", "pidu", NULL, "", 6);
        check_ident("pidu : ", NULL, NULL, "pidu : ", 0);

        static const struct { const char *s; bool fac; int prio, ret; } t[] = {
                { "", false, 0, 0 }, { "<>", false, 0, 0 }, { "<>aaa", false, 0, 0 }, { "<aaaa>", false, 0, 0 },
                { " <1>", false, 0, 0 }, { "<1>", false, 1, 1 }, { "<7>", false, 7, 1 }, { "<8>", false, 0, 0 },
                { "<9>", true, 9, 1 }, { "<22>", true, 22, 1 }, { "<111>", false, 0, 0 }, { "<111>", true, 111, 1 },
                { "<007>", false, 7, 1 }, { "<1111>", true, 0, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                const char *p = t[i].s;
                int prio = 0;
                assert_int_equal(journal_syslog_parse_priority(&p, &prio, t[i].fac), t[i].ret);
                if (t[i].ret)
                        assert_int_equal(prio, t[i].prio);
        }
}

static void test_extensions(void **state) {
        (void) state;
        const unsigned F = JOURNAL_SYSLOG_RFC5424 | JOURNAL_SYSLOG_HOSTNAME;

        CHECK_F("<13>1 2026-11-23T10:32:03.072204+00:00 vm root - - [timeQuality tzKnown=\"1\" isSynced=\"0\"] hello world",
                F, 13,
                "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=root|SYSLOG_TIMESTAMP=2026-11-23T10:32:03.072204+00:00|"
                "MESSAGE=hello world|SYSLOG_RAW=<13>1 2026-11-23T10:32:03.072204+00:00 vm root - - "
                "[timeQuality tzKnown=\"1\" isSynced=\"0\"] hello world");
        CHECK_F("<165>1 - - app 77 ID47 [a@1 x=\"q\\]\\\"\"][b@2] \xef\xbb\xbfmsg", F, 165,
                "PRIORITY=5|SYSLOG_FACILITY=20|SYSLOG_IDENTIFIER=app|SYSLOG_PID=77|MESSAGE=msg|"
                "SYSLOG_RAW=<165>1 - - app 77 ID47 [a@1 x=\"q\\]\\\"\"][b@2] \xef\xbb\xbfmsg");
        CHECK_F("<13>1 - - - - - -", F, 13, "PRIORITY=5|SYSLOG_FACILITY=1|MESSAGE=|SYSLOG_RAW=<13>1 - - - - - -");
        /* malformed RFC 5424 header: journald's rules */
        CHECK_F("<13>1 - - app", F, 13, "PRIORITY=5|SYSLOG_FACILITY=1|MESSAGE=1 - - app|SYSLOG_RAW=<13>1 - - app");
        CHECK_F("<13>1 - - a b c [x y", F, 13,
                "PRIORITY=5|SYSLOG_FACILITY=1|MESSAGE=1 - - a b c [x y|SYSLOG_RAW=<13>1 - - a b c [x y");
        /* hostname */
        CHECK_F("<13>Nov 23 10:32:03 vm root: hello world", F, 13,
                "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=root|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=hello world");
        CHECK_F("<13>Nov 23 10:32:03 vm x[5]: m", F, 13,
                "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=x|SYSLOG_PID=5|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=m");
        /* still the local format, and text that is no identifier */
        CHECK_F("<13>Nov 23 10:32:03 root: hello", F, 13,
                "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_IDENTIFIER=root|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=hello");
        CHECK_F("<13>Nov 23 10:32:03 just some text", F, 13,
                "PRIORITY=5|SYSLOG_FACILITY=1|SYSLOG_TIMESTAMP=Nov 23 10:32:03 |MESSAGE=just some text");
        /* without a timestamp no hostname is guessed */
        CHECK_F("<13>vm root: x", F, 13, "PRIORITY=5|SYSLOG_FACILITY=1|MESSAGE=vm root: x|SYSLOG_RAW=<13>vm root: x");
}

/* "*x": ends with x; "x*": starts with x; else equal */
static bool matches(const char *s, const char *pattern) {
        size_t l = strlen(pattern);
        if (pattern[0] == '*')
                return endswith(s, pattern + 1) != NULL;
        if (l > 0 && pattern[l - 1] == '*')
                return strncmp(s, pattern, l - 1) == 0;
        return streq(s, pattern);
}

/* What util-linux logger sends, captured from a socket of ours; each shape parsed both ways. */
static void test_logger(void **state) {
        (void) state;
        char dir[] = "/tmp/test-journal-syslog-XXXXXX", path[128], buf[4096];
        int fd;

        if (!journal_tools_have("/usr/bin/logger"))
                skip();
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/log", dir);
        fd = journal_tools_bind(SOCK_DGRAM, path);
        assert_true(fd >= 0);

        static const struct { const char *opt[6]; const char *ident, *pid, *msg, *ident_ext, *msg_ext; } t[] = {
                { { NULL }, "tag", NULL, "hello world", "tag", "hello world" },
                { { "-i" }, "tag", "*", "hello world", "tag", "hello world" },
                { { "--id=4242" }, "tag", "4242", "hello world", "tag", "hello world" },
                { { "-p", "local3.warning" }, "tag", NULL, "hello world", "tag", "hello world" },
                { { "--rfc3164" }, NULL, NULL, "* tag: hello world", "tag", "hello world" },
                { { "--rfc5424" }, NULL, NULL, "1 *", "tag", "hello world" },
                { { "--rfc5424=notq" }, NULL, NULL, "1 *", "tag", "hello world" },
                { { "--rfc5424=notime,nohost" }, NULL, NULL, "1 - - tag - - - hello world", "tag", "hello world" },
                { { "--rfc5424", "--msgid", "MID", "--id=7" }, NULL, NULL, "1 *", "tag", "hello world" },
                { { "--rfc5424", "--sd-id", "zoo@123", "--sd-param", "tiger=\"hungry\"" }, NULL, NULL, "1 *", "tag", "hello world" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char *argv[16] = { (char *) "/usr/bin/logger", (char *) "-u", path, (char *) "-t", (char *) "tag" };
                size_t a = 5;
                for (size_t k = 0; k < 6 && t[i].opt[k]; k++)
                        argv[a++] = (char *) t[i].opt[k];
                argv[a++] = (char *) "hello world";
                assert_int_equal(journal_tools_run(argv, NULL, 0), 0);
                ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                assert_true(n > 0);

                for (unsigned flags = 0; flags <= 3; flags += 3) {
                        JournalEntry e = {};
                        const char *ident = flags ? t[i].ident_ext : t[i].ident, *msg = flags ? t[i].msg_ext : t[i].msg;
                        assert_int_equal(journal_syslog_parse(buf, (size_t) n, flags, &e, NULL), 0);
                        const char *v = journal_entry_get(&e, "SYSLOG_IDENTIFIER", NULL);
                        if (!streq_ptr(v, ident))
                                fail_msg("%.*s (flags %u): identifier %s", (int) n, buf, flags, strna(v));
                        v = journal_entry_get(&e, "MESSAGE", NULL);
                        assert_non_null(v);
                        if (!matches(v, msg))
                                fail_msg("%.*s (flags %u): message '%s'", (int) n, buf, flags, v);
                        v = journal_entry_get(&e, "SYSLOG_PID", NULL);
                        if (flags == 0 && t[i].pid && !streq(t[i].pid, "*"))
                                assert_string_equal(v, t[i].pid);
                        if (t[i].pid && streq(t[i].pid, "*"))
                                assert_non_null(v);
                        if (strstr(t[i].opt[0] ?: "", "warning"))
                                assert_string_equal(journal_entry_get(&e, "PRIORITY", NULL), "4");
                        journal_entry_done(&e);
                }
        }
        close(fd);
        unlink(path);
        rmdir(dir);
}

/* Inputs shaped to hurt a parser that rescans, at the largest size accepted and at 1 MB (refused
 * at once): each must take a bounded amount of CPU, with every flag combination. */
static void test_linear_time(void **state) {
        (void) state;
        static const char *const units[] = {
                "<",             /* a priority that never closes */
                "a[",            /* an identifier whose pid never closes */
                "[",             /* RFC 5424 structured data that never closes */
                "\"",            /* quotes */
                " ",             /* whitespace to strip */
                "\0",            /* NULs */
                "a:",            /* identifier-like words */
        };
        static const size_t sizes[] = { JOURNAL_SYSLOG_SIZE_MAX, JOURNAL_TOOLS_MB };
        char *buf = malloc(JOURNAL_TOOLS_MB);
        assert_non_null(buf);
        for (size_t u = 0; u < ELEMENTSOF(units); u++)
                for (size_t z = 0; z < ELEMENTSOF(sizes); z++)
                        for (unsigned flags = 0; flags < 4; flags++) {
                                size_t l = units[u][0] ? strlen(units[u]) : 1, n = sizes[z];
                                /* "<1>1 - h a p m " first: the RFC 5424 path reads the rest */
                                const char *head = flags & JOURNAL_SYSLOG_RFC5424 ? "<13>1 - h a p m " : "";
                                size_t h = strlen(head);
                                memcpy(buf, head, h);
                                for (size_t i = h; i < n; i++)
                                        buf[i] = units[u][(i - h) % l];
                                JournalEntry e = {};
                                double t0 = journal_tools_cpu_seconds();
                                int r = journal_syslog_parse(buf, n, flags, &e, NULL);
                                double t = journal_tools_cpu_seconds() - t0;
                                journal_entry_done(&e);
                                assert_true(n > JOURNAL_SYSLOG_SIZE_MAX ? r == -EMSGSIZE : r == 0 || r == -ENODATA);
                                if (t > 0.05)
                                        print_message("syslog, %zu bytes of unit %zu, flags %u: %.3f s CPU\n", n, u, flags, t);
                                assert_true(t < JOURNAL_TOOLS_LINEAR_BOUND_SEC);
                        }
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_linear_time),
                cmocka_unit_test(test_journald_rules),
                cmocka_unit_test(test_identifier_and_priority),
                cmocka_unit_test(test_extensions),
                cmocka_unit_test(test_logger),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
