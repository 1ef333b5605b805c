/* SPDX-License-Identifier: MIT */
/* journal-native: native protocol datagrams as systemd 252's journald reads them, the sealed
 * memfd path, and real datagrams from `logger --journald` (util-linux, through sd-journal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <sys/mman.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-native.h"
#include "journal-tools.h"

typedef struct Got {
        JournalEntry e[8];
        int prio[8];
        size_t n;
} Got;

static int collect(JournalEntry *entry, int priority, void *userdata) {
        Got *g = userdata;
        if (g->n >= ELEMENTSOF(g->e))
                return -E2BIG;
        g->prio[g->n] = priority;
        g->e[g->n++] = *entry;
        *entry = (JournalEntry) {};
        return 0;
}

static void got_done(Got *g) {
        for (size_t i = 0; i < g->n; i++)
                journal_entry_done(&g->e[i]);
        g->n = 0;
}

static JournalNativeReport rep;

static int discard(JournalEntry *entry, int priority, void *userdata) {
        (void) entry; (void) priority; (void) userdata;
        return 0;
}

static int parse(const char *s, size_t len, Got *g) {
        got_done(g);
        return journal_native_parse(s, len, collect, g, &rep);
}

static const char *report_text(void) {
        static char text[256];
        journal_native_report_message(&rep, text, sizeof text);
        return text;
}
#define PARSE(lit, g) parse((lit), sizeof(lit) - 1, (g))

static void assert_field(const JournalEntry *e, size_t i, const char *pair, size_t len) {
        assert_true(i < e->n_fields);
        assert_int_equal(e->fields[i].len, len);
        assert_memory_equal(e->fields[i].data, pair, len);
}
#define ASSERT_FIELD(e, i, lit) assert_field((e), (i), (lit), sizeof(lit) - 1)

static void test_text_fields(void **state) {
        (void) state;
        Got g = {};

        assert_int_equal(PARSE("MESSAGE=hello\nFOO=a=b\nEMPTY=\n", &g), 1);
        assert_int_equal(g.e[0].n_fields, 3);
        ASSERT_FIELD(&g.e[0], 0, "MESSAGE=hello");
        ASSERT_FIELD(&g.e[0], 1, "FOO=a=b");
        ASSERT_FIELD(&g.e[0], 2, "EMPTY=");
        assert_int_equal(g.prio[0], LOG_INFO);

        /* no MESSAGE= is fine */
        assert_int_equal(PARSE("FOO=bar\n", &g), 1);
        assert_null(journal_entry_get(&g.e[0], "MESSAGE", NULL));

        /* invalid and trusted names are skipped, the rest stays */
        assert_int_equal(PARSE("_PID=1\nlower=x\n1X=y\nA-B=z\n=v\nMESSAGE=m\n_TRANSPORT=kernel\n"
                               "A234567890123456789012345678901234567890123456789012345678901234=ok\n", &g), 1);
        assert_int_equal(g.e[0].n_fields, 2);
        ASSERT_FIELD(&g.e[0], 0, "MESSAGE=m");

        /* comments and control lines */
        assert_int_equal(PARSE("# comment\n.control\nMESSAGE=x\n#MESSAGE=y\n", &g), 1);
        assert_int_equal(g.e[0].n_fields, 1);
        ASSERT_FIELD(&g.e[0], 0, "MESSAGE=x");

        /* CR is part of the value; NUL in a text value is kept */
        assert_int_equal(PARSE("MESSAGE=a\r\nB=x\0y\n", &g), 1);
        ASSERT_FIELD(&g.e[0], 0, "MESSAGE=a\r");
        ASSERT_FIELD(&g.e[0], 1, "B=x\0y");
        got_done(&g);
}

static void test_entries_and_noise(void **state) {
        (void) state;
        Got g = {};

        /* several entries per datagram */
        assert_int_equal(PARSE("MESSAGE=1\n\nMESSAGE=2\nPRIORITY=3\n\nMESSAGE=3\n", &g), 3);
        ASSERT_FIELD(&g.e[1], 0, "MESSAGE=2");
        assert_int_equal(g.prio[1], 3);
        assert_int_equal(g.prio[2], LOG_INFO);

        /* trailing noise: the fields before it are dispatched, nothing after */
        assert_int_equal(PARSE("MESSAGE=1\nNOISE", &g), 1);
        assert_int_equal(g.e[0].n_fields, 1);
        assert_string_equal(report_text(), "Received message with trailing noise, ignoring.");
        assert_false(journal_native_report_dropped_entry(&rep));
        assert_int_equal(PARSE("MESSAGE=1\n\nNOISE", &g), 1);
        assert_int_equal(PARSE("NOISE", &g), 0);
        assert_int_equal(PARSE("", &g), 0);
        assert_int_equal(journal_native_parse(NULL, 0, collect, &g, NULL), 0);
        assert_int_equal(journal_native_parse(NULL, 1, collect, &g, NULL), -EINVAL);

        /* an entry without a valid field ends the datagram (journald's loop stops there) */
        assert_int_equal(PARSE("\nMESSAGE=x\n", &g), 0);
        assert_int_equal(PARSE("_X=1\n\nMESSAGE=x\n", &g), 0);
        assert_int_equal(PARSE("MESSAGE=1\n\n\nMESSAGE=2\n", &g), 1);
        assert_int_equal(PARSE("MESSAGE=1\n\n#c\n\nMESSAGE=2\n", &g), 1);
        got_done(&g);
}

static void test_priority(void **state) {
        (void) state;
        Got g = {};

        assert_int_equal(PARSE("PRIORITY=2\nSYSLOG_FACILITY=3\n", &g), 1);
        assert_int_equal(g.prio[0], LOG_DAEMON | LOG_CRIT);
        assert_int_equal(PARSE("SYSLOG_FACILITY=23\nPRIORITY=7\nPRIORITY=1\n", &g), 1);  /* last wins */
        assert_int_equal(g.prio[0], (23 << 3) | 1);
        /* only exactly one digit (two for the facility) counts; fields are stored regardless */
        assert_int_equal(PARSE("PRIORITY=12\nPRIORITY=x\nPRIORITY=\nSYSLOG_FACILITY=123\n", &g), 1);
        assert_int_equal(g.prio[0], LOG_INFO);
        assert_int_equal(g.e[0].n_fields, 4);
        /* journald does not range-check: 8 and 9 spill into the facility bits */
        assert_int_equal(PARSE("PRIORITY=9\n", &g), 1);
        assert_int_equal(g.prio[0], 9);
        assert_int_equal(g.prio[0] & LOG_PRIMASK, 1);
        /* an invalid name does not count */
        assert_int_equal(PARSE("_PRIORITY=1\nM=x\n", &g), 1);
        assert_int_equal(g.prio[0], LOG_INFO);
        got_done(&g);
}

static size_t binary(char *out, const char *name, const void *data, uint64_t len, const char *after) {
        size_t n = strlen(name), a = strlen(after);
        memcpy(out, name, n);
        out[n++] = '\n';
        for (int i = 0; i < 8; i++)
                out[n++] = (char) (len >> (8 * i));
        memcpy(out + n, data, len);
        n += len;
        memcpy(out + n, after, a);
        return n + a;
}

static void test_binary(void **state) {
        (void) state;
        Got g = {};
        char b[256];
        size_t n;

        n = binary(b, "MESSAGE", "multi\nline\0nul", 14, "\nFOO=bar\n");
        assert_int_equal(parse(b, n, &g), 1);
        ASSERT_FIELD(&g.e[0], 0, "MESSAGE=multi\nline\0nul");
        ASSERT_FIELD(&g.e[0], 1, "FOO=bar");

        n = binary(b, "EMPTY", "", 0, "\n");
        assert_int_equal(parse(b, n, &g), 1);
        ASSERT_FIELD(&g.e[0], 0, "EMPTY=");

        /* binary PRIORITY counts */
        n = binary(b, "PRIORITY", "2", 1, "\n");
        assert_int_equal(parse(b, n, &g), 1);
        assert_int_equal(g.prio[0], 2);

        /* invalid name: skipped, consumed */
        n = binary(b, "_BAD", "x\ny", 3, "\nMESSAGE=ok\n");
        assert_int_equal(parse(b, n, &g), 1);
        assert_int_equal(g.e[0].n_fields, 1);
        ASSERT_FIELD(&g.e[0], 0, "MESSAGE=ok");

        /* missing '\n' after the data, or the length runs past the end: stop, keep what came before */
        memcpy(b, "A=1\n", 4);
        n = 4 + binary(b + 4, "MESSAGE", "abc", 3, "X");
        assert_int_equal(parse(b, n, &g), 1);
        assert_int_equal(g.e[0].n_fields, 1);
        assert_string_equal(report_text(), "Failed to parse message, ignoring.");
        assert_false(journal_native_report_dropped_entry(&rep));
        n = 4 + binary(b + 4, "MESSAGE", "abc", 3, "");
        assert_int_equal(parse(b, n, &g), 1);
        assert_int_equal(g.e[0].n_fields, 1);
        n = 4 + binary(b + 4, "MESSAGE", "abc", 3, "\n");
        assert_int_equal(parse(b, n - 5, &g), 1);  /* length field cut short */
        assert_int_equal(g.e[0].n_fields, 1);

        /* a length above the bound drops the entry and ends the datagram */
        n = 4 + binary(b + 4, "MESSAGE", "", 0, "\n");
        b[4 + 8 + 7] = 0x7f;  /* high byte of the LE length */
        assert_int_equal(parse(b, n, &g), 0);
        assert_string_equal(report_text(),
                            "Received binary data block of 9151314442816847872 bytes is too large, ignoring entry.");
        assert_true(journal_native_report_dropped_entry(&rep));
        got_done(&g);
}

static void test_limits(void **state) {
        (void) state;
        Got g = {};
        Buf b = {};

        for (unsigned i = 0; i < JOURNAL_ENTRY_FIELDS_MAX; i++)
                buf_puts(&b, "F=x\n");
        buf_puts(&b, "\nMESSAGE=next\n");
        assert_int_equal(parse(b.s, b.len, &g), 2);
        assert_int_equal(g.e[0].n_fields, JOURNAL_ENTRY_FIELDS_MAX);
        assert_int_equal(rep.problem, JOURNAL_NATIVE_OK);
        assert_string_equal(report_text(), "");
        buf_free(&b);

        for (unsigned i = 0; i <= JOURNAL_ENTRY_FIELDS_MAX; i++)
                buf_puts(&b, "F=x\n");
        buf_puts(&b, "\nMESSAGE=next\n");
        assert_int_equal(parse(b.s, b.len, &g), 0);  /* dropped, and the datagram ends */
        assert_string_equal(report_text(), "Received an entry that has more than 1024 fields, ignoring entry.");
        buf_free(&b);

        char *big = malloc(JOURNAL_ENTRY_SIZE_MAX + 16);
        assert_non_null(big);
        memcpy(big, "MESSAGE=", 8);
        memset(big + 8, 'x', JOURNAL_ENTRY_SIZE_MAX);
        big[JOURNAL_ENTRY_SIZE_MAX - 1] = '\n';  /* "MESSAGE=x…" plus separator: exactly the bound */
        assert_int_equal(parse(big, JOURNAL_ENTRY_SIZE_MAX, &g), 1);
        big[JOURNAL_ENTRY_SIZE_MAX - 1] = 'x';
        big[JOURNAL_ENTRY_SIZE_MAX] = '\n';
        assert_int_equal(parse(big, JOURNAL_ENTRY_SIZE_MAX + 1, &g), 0);
        assert_string_equal(report_text(), "Entry is too big (1048577 bytes after processing 0 fields), ignoring entry.");
        /* a value above the bound by itself */
        memset(big + 8, 'x', JOURNAL_ENTRY_SIZE_MAX + 7);
        big[JOURNAL_ENTRY_SIZE_MAX + 15] = '\n';
        assert_int_equal(parse(big, JOURNAL_ENTRY_SIZE_MAX + 16, &g), 0);
        assert_string_equal(report_text(), "Received text block of 1048583 bytes is too large, ignoring entry.");
        free(big);
        got_done(&g);
}

static int fail_cb(JournalEntry *entry, int priority, void *userdata) {
        (void) entry; (void) priority;
        (*(int *) userdata)++;
        return -ECANCELED;
}

static void test_callback_error(void **state) {
        (void) state;
        int calls = 0;
        assert_int_equal(journal_native_parse("A=1\n\nB=2\n", 9, fail_cb, &calls, NULL), -ECANCELED);
        assert_int_equal(calls, 1);
        assert_int_equal(journal_native_parse("A=1\n", 4, NULL, NULL, NULL), -EINVAL);
}

static int make_memfd(const char *data, size_t len, unsigned seals) {
        int fd = memfd_create("test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t) len);
        if (seals)
                assert_int_equal(fcntl(fd, F_ADD_SEALS, seals), 0);
        return fd;
}

static void test_memfd(void **state) {
        (void) state;
        const unsigned all = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
        void *p;
        size_t n;
        int fd;

        fd = make_memfd("MESSAGE=x\n", 10, all);
        assert_int_equal(journal_native_read_memfd(fd, 1024, &p, &n), 0);
        assert_int_equal(n, 10);
        assert_memory_equal(p, "MESSAGE=x\n", 10);
        free(p);
        assert_int_equal(journal_native_read_memfd(fd, 9, &p, &n), -EFBIG);
        close(fd);

        /* journald wants exactly these four seals */
        fd = make_memfd("MESSAGE=x\n", 10, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
        assert_int_equal(journal_native_read_memfd(fd, 1024, &p, &n), -EPERM);
        close(fd);
        fd = make_memfd("MESSAGE=x\n", 10, 0);
        assert_int_equal(journal_native_read_memfd(fd, 1024, &p, &n), -EPERM);
        close(fd);

        fd = make_memfd("", 0, all);
        assert_int_equal(journal_native_read_memfd(fd, 1024, &p, &n), 0);
        assert_null(p);
        assert_int_equal(n, 0);
        close(fd);

        /* not a memfd: a plain file, a pipe */
        char path[] = "/tmp/test-journal-native-XXXXXX";
        fd = mkstemp(path);
        assert_true(fd >= 0);
        unlink(path);
        assert_int_equal(journal_native_read_memfd(fd, 1024, &p, &n), -EPERM);
        close(fd);
        int pp[2];
        assert_int_equal(pipe(pp), 0);
        assert_int_equal(journal_native_read_memfd(pp[0], 1024, &p, &n), -EPERM);
        close(pp[0]);
        close(pp[1]);
        assert_int_equal(journal_native_read_memfd(-1, 1024, &p, &n), -EINVAL);
}

/* Receive one datagram (and an fd) from the socket. */
static ssize_t recv_dgram(int fd, char *buf, size_t size, int *ret_fd) {
        union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } control;
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        *ret_fd = -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
        return n;
}

static void test_logger_journald(void **state) {
        (void) state;
        char *argv[] = { (char *) "/usr/bin/logger", (char *) "--journald", NULL };
        static char buf[1 << 16];
        Got g = {};
        int sock, fd;
        ssize_t n;

        if (!journal_tools_have(argv[0]) || journal_tools_private_run() < 0)
                skip();
        sock = journal_tools_bind(SOCK_DGRAM, "/run/systemd/journal/socket");
        assert_true(sock >= 0);

        /* what logger --journald (sd_journal_sendv()) puts on the wire */
        const char in[] = "MESSAGE=hi there\nPRIORITY=3\nFOO=bar\n";
        assert_int_equal(journal_tools_run(argv, in, sizeof in - 1), 0);
        n = recv_dgram(sock, buf, sizeof buf, &fd);
        assert_int_equal(fd, -1);
        assert_int_equal(n, strlen("MESSAGE=hi there\nPRIORITY=3\nFOO=bar\nSYSLOG_IDENTIFIER=logger\n"));
        assert_memory_equal(buf, "MESSAGE=hi there\nPRIORITY=3\nFOO=bar\nSYSLOG_IDENTIFIER=logger\n", (size_t) n);
        assert_int_equal(parse(buf, (size_t) n, &g), 1);
        assert_int_equal(g.e[0].n_fields, 4);
        assert_int_equal(g.prio[0], LOG_ERR);
        assert_string_equal(journal_entry_get(&g.e[0], "SYSLOG_IDENTIFIER", NULL), "logger");

        /* a message too big for a datagram goes as a sealed memfd */
        size_t big = 5U << 20;
        char *msg = malloc(big + 10);
        assert_non_null(msg);
        memcpy(msg, "MESSAGE=", 8);
        memset(msg + 8, 'y', big);
        msg[8 + big] = '\n';
        assert_int_equal(journal_tools_run(argv, msg, big + 9), 0);
        n = recv_dgram(sock, buf, sizeof buf, &fd);
        assert_int_equal(n, 0);
        assert_true(fd >= 0);
        void *p;
        size_t len;
        assert_int_equal(journal_native_read_memfd(fd, JOURNAL_ENTRY_SIZE_MAX, &p, &len), -EFBIG);
        assert_true(len > big);   /* the file's size, for "File passed too large (N bytes)" */
        assert_int_equal(journal_native_read_memfd(fd, 8U << 20, &p, &len), 0);
        assert_true(len > big);
        assert_memory_equal(p, msg, big + 9);
        close(fd);
        free(p);
        free(msg);
        close(sock);
        got_done(&g);
}

/* 1 MB inputs shaped to hurt a parser that rescans: each must take a bounded amount of CPU. */
static void test_linear_time(void **state) {
        (void) state;
        static const char *const units[] = {
                "A",                  /* no newline at all: one line of trailing noise */
                "A=1\n\n",            /* an entry per 5 bytes */
                ".\n",                /* control lines, skipped */
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=1\n", /* names too long */
                "_A=1\nB=2\n\n",        /* trusted names refused, the rest kept */
                "=\n",                /* empty names */
                "AAAAAAAA\n",          /* binary fields cut short */
        };
        size_t n = JOURNAL_TOOLS_MB;
        char *buf = malloc(n);
        assert_non_null(buf);
        for (size_t u = 0; u < ELEMENTSOF(units); u++) {
                size_t l = strlen(units[u]);
                for (size_t i = 0; i < n; i++)
                        buf[i] = units[u][i % l];
                double t0 = journal_tools_cpu_seconds();
                JournalNativeReport r;
                assert_true(journal_native_parse(buf, n, discard, NULL, &r) >= 0);
                double t = journal_tools_cpu_seconds() - t0;
                print_message("native parser, 1 MB of unit %zu: %.3f s CPU\n", u, t);
                assert_true(t < JOURNAL_TOOLS_LINEAR_BOUND_SEC);
        }
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_text_fields),
                cmocka_unit_test(test_entries_and_noise),
                cmocka_unit_test(test_priority),
                cmocka_unit_test(test_binary),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_callback_error),
                cmocka_unit_test(test_memfd),
                cmocka_unit_test(test_logger_journald),
                cmocka_unit_test(test_linear_time),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
