/* SPDX-License-Identifier: MIT */
/* journal-server: credentials → trusted fields, the machine id, and the dispatch path (trusted
 * fields, LogLevelMax=, LogExtraFields=, rate limiting, forwarding, the store) with a fake unit
 * lookup and a store in a temporary directory. Sockets are covered by test_pid1_journal.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "base/util.h"
#include "journal/journal-server.h"
#include "journal/journal-store.h"
#include "log-capture.h"
#include "tmptree.h"

static const char *value(const JournalEntry *e, const char *name) {
        const char *v = journal_entry_get(e, name, NULL);
        return v ? v : "(none)";
}

static void test_creds_fields(void **state) {
        (void)state;
        JournalCreds c;
        assert_int_equal(journal_creds_read(&c, NULL, getpid(), 12, 34), 0);
        char exe[4096];
        ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
        assert_true(k > 0);
        exe[k] = 0;
        assert_string_equal(c.exe, exe);
        assert_non_null(c.comm);
        assert_true(strncmp(c.comm, "test-journal-se", 15) == 0);   /* comm: 15 characters */
        assert_non_null(strstr(c.cmdline, "test-journal-server"));
        JournalEntry e = {};
        assert_int_equal(journal_creds_add_fields(&c, &e), 0);
        char pid[16];
        snprintf(pid, sizeof pid, "%d", (int)getpid());
        assert_string_equal(value(&e, "_PID"), pid);
        assert_string_equal(value(&e, "_UID"), "12");
        assert_string_equal(value(&e, "_GID"), "34");
        assert_string_equal(value(&e, "_COMM"), c.comm);
        assert_string_equal(value(&e, "_EXE"), exe);
        assert_int_equal(e.n_fields, 6);
        journal_entry_done(&e);
        journal_creds_done(&c);
        /* a process that is gone: pid/uid/gid only; pid 0: nothing */
        assert_int_equal(journal_creds_read(&c, "/nonexistent", 4242, 0, 0), 0);
        assert_null(c.comm);
        assert_null(c.exe);
        assert_int_equal(journal_creds_add_fields(&c, &e), 0);
        assert_int_equal(e.n_fields, 3);
        journal_entry_done(&e);
        journal_creds_done(&c);
        assert_int_equal(journal_creds_read(&c, NULL, 0, 0, 0), 0);
        assert_int_equal(journal_creds_add_fields(&c, &e), 0);
        assert_int_equal(e.n_fields, 0);
}

static void test_cmdline_from_proc(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "77/cmdline", "");
        char path[4096];
        snprintf(path, sizeof path, "%s/77/cmdline", root);
        FILE *f = fopen(path, "we");
        fwrite("/bin/sh\0-c\0echo hi\0", 1, 19, f);
        fclose(f);
        tmptree_write(root, "77/comm", "sh\n");
        JournalCreds c;
        assert_int_equal(journal_creds_read(&c, root, 77, 1000, 1000), 0);
        assert_string_equal(c.cmdline, "/bin/sh -c echo hi");
        assert_string_equal(c.comm, "sh");
        assert_null(c.exe);
        journal_creds_done(&c);
        tmptree_free(root);
}

static void test_machine_id_setup(void **state) {
        (void)state;
        char *root = tmptree_new();
        char id[33], again[33];
        tmptree_write(root, "etc/.keep", "");
        tmptree_write(root, "run/.keep", "");
        assert_int_equal(journal_machine_id_setup(root, id), 1);   /* generated */
        assert_int_equal(strlen(id), 32);
        assert_int_equal(journal_machine_id_setup(root, again), 0); /* read back from /run/machine-id */
        assert_string_equal(id, again);
        tmptree_write(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        assert_int_equal(journal_machine_id_setup(root, id), 0);
        assert_string_equal(id, "0123456789abcdef0123456789abcdef");
        tmptree_free(root);
}

/* ---- dispatch ---- */

typedef struct Fake {
        Buf out;
        char *extra[2];
        int level_max;
        bool forward;
        unsigned burst;
        int lookups;
} Fake;

static bool fake_lookup(pid_t pid, const char *name, JournalUnitInfo *ret, void *userdata) {
        Fake *f = userdata;
        f->lookups++;
        if (!(name ? streq(name, "foo.service") : pid == 4242)) return false;
        *ret = (JournalUnitInfo) {
                .unit = "foo.service", .invocation_id = "00112233445566778899aabbccddeeff",
                .log_level_max = f->level_max, .forward = f->forward, .ratelimit_interval = 3600 * USEC_PER_SEC,
                .ratelimit_burst = f->burst, .extra_fields = f->extra,
        };
        return true;
}

static void fake_forward(const char *line, size_t len, void *userdata) {
        Fake *f = userdata;
        buf_put(&f->out, line, len);
}

static int count_entries(const char *dir, const char *field, const char *val, char **ret_last_message) {
        char *dirs[] = { (char *)dir, NULL };
        JournalReader *r = NULL;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        JournalRecord rec;
        int n = 0;
        while (journal_reader_next(r, &rec) > 0) {
                if (field && !journal_record_has_value(&rec, field, val, strlen(val))) continue;
                n++;
                size_t l;
                const char *m = journal_record_get(&rec, "MESSAGE", &l);
                if (ret_last_message) {
                        free(*ret_last_message);
                        *ret_last_message = m ? strndup(m, l) : NULL;
                }
        }
        journal_reader_free(r);
        return n;
}

static void test_dispatch(void **state) {
        (void)state;
        char *root = tmptree_new();
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/journal", root);
        Fake f = { .extra = { (char *)"COLOUR=blue", NULL }, .level_max = 5, .forward = true, .burst = 3 };
        JournaldConfig c;
        journald_config_init(&c);
        journald_config_finish(&c);
        JournalServerHooks h = { .unit_lookup = fake_lookup, .forward = fake_forward, .userdata = &f };
        JournalServer *s = NULL;
        assert_int_equal(journal_server_new(NULL, &c, 0 /* short */, &h, &s), 0);
        assert_int_equal(journal_server_open_store(s, dir), 1);
        assert_true(journal_server_has_store(s));

        JournalCreds cr = { .pid = 4242, .uid = 7, .gid = 8, .comm = (char *)"foo" };
        JournalOrigin o = { .transport = "stdout", .creds = &cr, .stream_id = "ffeeddccbbaa99887766554433221100" };
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "hello", 5, LOG_DAEMON | LOG_NOTICE, JOURNAL_LINE_BREAK_EOF), 0);
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "debug", 5, LOG_DAEMON | LOG_DEBUG, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_string_equal(f.out.s, "foo.service[4242]: hello\n");   /* debug: above LogLevelMax=notice */
        /* burst 3 per hour: two more pass, the rest is counted */
        for (int i = 0; i < 5; i++)
                assert_int_equal(journal_server_stream_line(s, &o, "foo", "again", 5, LOG_NOTICE, JOURNAL_LINE_BREAK_NEWLINE), 0);
        /* the manager's lines: stored, not forwarded, never rate limited */
        for (int i = 0; i < 5; i++)
                assert_int_equal(journal_server_log_manager(s, LOG_INFO, "foo.service", NULL, "Started foo.service.", false), 0);
        /* opted out of forwarding: stored only */
        f.forward = false;
        f.burst = 0;
        f.level_max = -1;
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "quiet", 5, LOG_INFO, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_string_equal(f.out.s, "foo.service[4242]: hello\nfoo.service[4242]: again\nfoo.service[4242]: again\n");
        journal_server_free(s);

        _cleanup_free_ char *last = NULL;
        assert_int_equal(count_entries(dir, "_SYSTEMD_UNIT", "foo.service", &last), 4);
        assert_string_equal(last, "quiet");
        assert_int_equal(count_entries(dir, "UNIT", "foo.service", NULL), 5);
        assert_int_equal(count_entries(dir, "COLOUR", "blue", NULL), 4);
        assert_int_equal(count_entries(dir, "_LINE_BREAK", "eof", NULL), 1);
        assert_int_equal(count_entries(dir, "_STREAM_ID", "ffeeddccbbaa99887766554433221100", NULL), 4);
        assert_int_equal(count_entries(dir, "_SYSTEMD_INVOCATION_ID", "00112233445566778899aabbccddeeff", NULL), 4);
        assert_int_equal(count_entries(dir, "SYSLOG_FACILITY", "3", NULL), 6);   /* the stdout line + 5 manager */
        assert_int_equal(count_entries(dir, "_UID", "7", NULL), 4);
        assert_int_equal(count_entries(dir, "_TRANSPORT", "journal", NULL), 5);
        assert_int_equal(count_entries(dir, NULL, NULL, NULL), 9);
        buf_free(&f.out);
        tmptree_free(root);
}

static void test_store_failure_keeps_forwarding(void **state) {
        (void)state;
        Fake f = { .level_max = -1, .forward = true };
        JournaldConfig c;
        journald_config_init(&c);
        journald_config_finish(&c);
        JournalServerHooks h = { .unit_lookup = fake_lookup, .forward = fake_forward, .userdata = &f };
        JournalServer *s = NULL;
        assert_int_equal(journal_server_new(NULL, &c, 0, &h, &s), 0);
        log_capture_start();
        assert_true(journal_server_open_store(s, "/proc/version/journal") < 0);
        assert_non_null(strstr(log_captured(), "Cannot open the journal in /proc/version/journal"));
        log_capture_stop();
        JournalOrigin o = { .transport = "stdout", .unit = "foo.service" };
        assert_int_equal(journal_server_stream_line(s, &o, NULL, "still here", 10, LOG_INFO, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_string_equal(f.out.s, "foo.service: still here\n");
        journal_server_free(s);
        buf_free(&f.out);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_creds_fields),
                cmocka_unit_test(test_cmdline_from_proc),
                cmocka_unit_test(test_machine_id_setup),
                cmocka_unit_test(test_dispatch),
                cmocka_unit_test(test_store_failure_keeps_forwarding),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
