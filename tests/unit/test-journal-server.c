/* SPDX-License-Identifier: MIT */
/* journal-server: credentials → trusted fields, the dispatch path (trusted
 * fields, LogLevelMax=, LogExtraFields=, rate limiting, forwarding after the store's write, the
 * manager's status lines, quiet output), services' streams through a real event loop (each line
 * credited to its writer, the unit's settings copied), the server's own messages said once with a
 * count, and the syslog copies, with a fake unit lookup and a store in a temporary directory.
 * The sockets as clients see them are covered by test_pid1_journal.py and test_hostile_journal.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "base/util.h"
#include "journal/journal-server.h"
#include "journal/journal-store.h"
#include "log-capture.h"
#include "tmptree.h"

static size_t strcount(const char *s, const char *needle) {
        size_t n = 0;
        for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
        return n;
}

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

/* ---- dispatch ---- */

typedef struct Fake {
        Buf out;
        int flushes;            /* sink calls */
        bool all_stored;        /* every sink call said its lines are stored */
        char *extra[2];
        int level_max;
        bool forward;
        unsigned burst;
        int lookups;
} Fake;

static bool fake_lookup(pid_t pid, const char *name, JournalUnitInfo *ret, void *userdata) {
        Fake *f = userdata;
        f->lookups++;
        if (!(name ? streq(name, "foo.service") : pid == 4242 || pid == getpid())) return false;
        *ret = (JournalUnitInfo) {
                .unit = "foo.service", .invocation_id = "00112233445566778899aabbccddeeff",
                .log_level_max = f->level_max, .forward = f->forward, .ratelimit_interval = 3600 * USEC_PER_SEC,
                .ratelimit_burst = f->burst, .extra_fields = f->extra,
        };
        return true;
}

static void fake_sink(const char *lines, size_t len, bool stored, void *userdata) {
        Fake *f = userdata;
        assert_true(len > 0 && lines[len - 1] == '\n');   /* whole lines only */
        buf_put(&f->out, lines, len);
        f->all_stored &= stored;
        f->flushes++;
}

static const char *out(Fake *f) {
        return f->out.s ? f->out.s : "";
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

static JournalServer *new_server(Fake *f, const JournalServerOutput *o, EventLoop *e) {
        JournaldConfig c;
        journald_config_init(&c);
        journald_config_finish(&c);
        c.forward_to_wall = false;
        JournalServerHooks h = { .unit_lookup = fake_lookup, .sink = fake_sink, .userdata = f };
        JournalServerOutput short_out = { .format = JOURNAL_FORWARD_SHORT };
        JournalServer *s = NULL;
        f->all_stored = true;
        assert_int_equal(journal_server_new(e, &c, o ? o : &short_out, &h, &s), 0);
        return s;
}

static void test_dispatch(void **state) {
        (void)state;
        char *root = tmptree_new();
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/journal", root);
        Fake f = { .extra = { (char *)"COLOUR=blue", NULL }, .level_max = 5, .forward = true, .burst = 3 };
        JournalServer *s = new_server(&f, NULL, NULL);
        assert_int_equal(journal_server_open_store(s, dir), 1);
        assert_true(journal_server_has_store(s));

        JournalCreds cr = { .pid = 4242, .uid = 7, .gid = 8, .comm = (char *)"foo" };
        JournalUnitInfo ui;
        assert_true(fake_lookup(4242, NULL, &ui, &f));
        JournalContext ctx = JOURNAL_CONTEXT_NONE;
        assert_int_equal(journal_context_set(&ctx, &ui), 0);
        JournalOrigin o = { .transport = "stdout", .creds = &cr, .context = &ctx, .stream_id = "ffeeddccbbaa99887766554433221100" };
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "hello", 5, LOG_DAEMON | LOG_NOTICE, JOURNAL_LINE_BREAK_EOF), 0);
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "debug", 5, LOG_DAEMON | LOG_DEBUG, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_string_equal(out(&f), "foo.service[4242]: hello\n");   /* debug: above LogLevelMax=notice */
        assert_true(f.all_stored);
        /* burst 3 per hour: two more pass, the rest is counted */
        for (int i = 0; i < 5; i++)
                assert_int_equal(journal_server_stream_line(s, &o, "foo", "again", 5, LOG_NOTICE, JOURNAL_LINE_BREAK_NEWLINE), 0);
        /* the manager's lines: stored, never rate limited; forwarded only when asked */
        for (int i = 0; i < 5; i++)
                assert_int_equal(journal_server_log_manager(s, LOG_INFO, "foo.service", NULL, JOURNAL_FORWARD_STATUS_NONE,
                                                            "Started foo.service.", false), 0);
        assert_int_equal(journal_server_log_manager(s, LOG_INFO, "foo.service", NULL, JOURNAL_FORWARD_STATUS_OK,
                                                    "Started foo.service - Foo.", true), 0);
        /* the context is a copy: changing what the lookup says changes nothing for it */
        f.forward = false;
        f.burst = 0;
        f.level_max = -1;
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "debug2", 6, LOG_DEBUG, JOURNAL_LINE_BREAK_NEWLINE), 0);
        /* opted out of forwarding: stored only */
        journal_context_done(&ctx);
        assert_true(fake_lookup(4242, NULL, &ui, &f));
        assert_int_equal(journal_context_set(&ctx, &ui), 0);
        assert_int_equal(journal_server_stream_line(s, &o, "foo", "quiet", 5, LOG_INFO, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_string_equal(out(&f), "foo.service[4242]: hello\nfoo.service[4242]: again\nfoo.service[4242]: again\n"
                                     "[  OK  ] Started foo.service - Foo.\n");
        journal_context_done(&ctx);
        journal_server_free(s);   /* says "Suppressed 3 messages from foo.service" */
        assert_non_null(strstr(out(&f), "]: Suppressed 3 messages from foo.service\n"));

        _cleanup_free_ char *last = NULL;
        assert_int_equal(count_entries(dir, "_SYSTEMD_UNIT", "foo.service", &last), 4);
        assert_string_equal(last, "quiet");
        assert_int_equal(count_entries(dir, "UNIT", "foo.service", NULL), 6);
        assert_int_equal(count_entries(dir, "COLOUR", "blue", NULL), 4);
        assert_int_equal(count_entries(dir, "_LINE_BREAK", "eof", NULL), 1);
        assert_int_equal(count_entries(dir, "_STREAM_ID", "ffeeddccbbaa99887766554433221100", NULL), 4);
        assert_int_equal(count_entries(dir, "_SYSTEMD_INVOCATION_ID", "00112233445566778899aabbccddeeff", NULL), 4);
        assert_int_equal(count_entries(dir, "_UID", "7", NULL), 4);
        assert_int_equal(count_entries(dir, "_TRANSPORT", "journal", NULL), 6);
        assert_int_equal(count_entries(dir, "_TRANSPORT", "driver", NULL), 1);
        assert_int_equal(count_entries(dir, "MESSAGE_ID", "a596d6fe7bfa4994828e72309e95d61e", NULL), 1);
        assert_int_equal(count_entries(dir, NULL, NULL, NULL), 11);
        buf_free(&f.out);
        tmptree_free(root);
}

static void test_store_failure_keeps_forwarding(void **state) {
        (void)state;
        Fake f = { .level_max = -1, .forward = true };
        JournalServer *s = new_server(&f, NULL, NULL);
        log_capture_start();
        assert_true(journal_server_open_store(s, "/proc/version/journal") < 0);
        assert_non_null(strstr(log_captured(), "Cannot open the journal in /proc/version/journal"));
        log_capture_stop();
        JournalContext ctx = { .unit = (char *)"foo.service", .log_level_max = -1, .forward = true };
        JournalOrigin o = { .transport = "stdout", .context = &ctx };
        assert_int_equal(journal_server_stream_line(s, &o, NULL, "still here", 10, LOG_INFO, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_string_equal(out(&f), "foo.service: still here\n");
        assert_false(f.all_stored);   /* the console may say "the journal has them" only when it does */
        journal_server_free(s);
        buf_free(&f.out);
}

/* The manager's lines as a log collector reads them, and the quiet mode. */
static void test_manager_lines_json_and_quiet(void **state) {
        (void)state;
        Fake f = { .level_max = -1, .forward = true };
        JournalServerOutput json = { .format = JOURNAL_FORWARD_JSON };
        JournalServer *s = new_server(&f, &json, NULL);
        assert_int_equal(journal_server_log_manager(s, LOG_ERR, "bad.service", NULL, JOURNAL_FORWARD_STATUS_FAILED,
                                                    "Failed to start bad.service - Bad.", true), 0);
        assert_int_equal(journal_server_log_manager(s, LOG_NOTICE, NULL, NULL, JOURNAL_FORWARD_STATUS_NONE, "a \"note\"", true), 0);
        journal_server_free(s);
        char pid[16];
        snprintf(pid, sizeof pid, "%d", (int)getpid());
        const char *o = out(&f);
        assert_non_null(strstr(o, "\"unit\":\"bad.service\",\"identifier\":\"tinysd\""));
        assert_non_null(strstr(o, "\"priority\":3,\"message\":\"Failed to start bad.service - Bad.\",\"status\":\"FAILED\"}\n"));
        assert_non_null(strstr(o, "\"unit\":null,\"identifier\":\"tinysd\""));
        assert_non_null(strstr(o, "\"priority\":5,\"message\":\"a \\\"note\\\"\"}\n"));
        for (const char *p = o; *p; p = strchr(p, '\n') + 1)
                assert_true(strncmp(p, "{\"timestamp\":\"", 14) == 0);   /* every line one object */
        buf_free(&f.out);

        /* quiet: of PID 1's own lines only warnings and failures; a service's all */
        f = (Fake) { .level_max = -1, .forward = true };
        JournalServerOutput quiet = { .format = JOURNAL_FORWARD_SHORT, .quiet = true };
        s = new_server(&f, &quiet, NULL);
        assert_int_equal(journal_server_log_manager(s, LOG_INFO, "ok.service", NULL, JOURNAL_FORWARD_STATUS_OK,
                                                    "Started ok.service.", true), 0);
        assert_int_equal(journal_server_log_manager(s, LOG_NOTICE, NULL, NULL, JOURNAL_FORWARD_STATUS_NONE, "notice", true), 0);
        assert_int_equal(journal_server_log_manager(s, LOG_WARNING, NULL, NULL, JOURNAL_FORWARD_STATUS_NONE, "careful", true), 0);
        assert_int_equal(journal_server_log_manager(s, LOG_ERR, "bad.service", NULL, JOURNAL_FORWARD_STATUS_FAILED,
                                                    "Failed to start bad.service.", true), 0);
        JournalContext ctx = { .unit = (char *)"svc.service", .log_level_max = -1, .forward = true };
        JournalCreds cr = { .pid = 4242 };
        JournalOrigin so = { .transport = "stdout", .context = &ctx, .creds = &cr };
        assert_int_equal(journal_server_stream_line(s, &so, NULL, "debug output", 12, LOG_DEBUG, JOURNAL_LINE_BREAK_NEWLINE), 0);
        journal_server_free(s);
        char expect[256];
        snprintf(expect, sizeof expect, "tinysd[%d]: careful\n[FAILED] Failed to start bad.service.\nsvc.service[4242]: debug output\n",
                 (int)getpid());
        assert_string_equal(out(&f), expect);
        buf_free(&f.out);
}

static EventLoop *loop;

/* Run the loop until the sink has got `lines` lines in all (or 5 s). */
static void run_until_lines(Fake *f, size_t lines) {
        for (int i = 0; i < 500; i++) {
                size_t n = 0;
                for (const char *p = out(f); (p = strchr(p, '\n')); p++) n++;
                if (n >= lines) return;
                assert_true(event_run(loop, 10 * USEC_PER_MSEC) >= 0);
        }
        fail_msg("only got:\n%s", out(f));
}

/* A service's stream: the unit's settings are copied when it is made (freed right after here:
 * ASan would see a use), and each line is credited to the process that wrote it. */
static void test_service_stream(void **state) {
        (void)state;
        Fake f = { .level_max = -1, .forward = true };
        assert_int_equal(event_new(&loop), 0);
        JournalServer *s = new_server(&f, NULL, loop);
        char *unit = strdup("svc.service"), *ident = strdup("svc"), *extra[] = { strdup("A=1"), NULL };
        JournalUnitInfo ui = { .unit = unit, .log_level_max = LOG_INFO, .forward = true, .extra_fields = extra };
        JournalStreamSettings st = { .unit = &ui, .identifier = ident, .priority = LOG_DAEMON | LOG_INFO, .level_prefix = true };
        int fd = -1;
        assert_int_equal(journal_server_add_stream(s, &st, &fd), 0);
        free(unit);
        free(ident);
        free(extra[0]);
        unsigned clients = 9;
        assert_int_equal(journal_server_n_streams(s, &clients, NULL), 1);
        assert_int_equal(clients, 0);
        assert_int_equal(write(fd, "from parent\n<7>dropped\npartial", 30), 30);
        pid_t child = fork();
        if (child == 0) {
                (void)!write(fd, "from child\n", 11);
                _exit(0);
        }
        assert_int_equal(waitpid(child, NULL, 0), child);
        close(fd);
        run_until_lines(&f, 3);
        char expect[256];
        snprintf(expect, sizeof expect, "svc.service[%d]: from parent\nsvc.service[%d]: partial\nsvc.service[%d]: from child\n",
                 (int)getpid(), (int)getpid(), (int)child);
        for (int i = 0; i < 50 && journal_server_n_streams(s, NULL, NULL) > 0; i++) (void)event_run(loop, 10 * USEC_PER_MSEC);
        assert_int_equal(journal_server_n_streams(s, NULL, NULL), 0);   /* the end of the stream frees it */
        assert_string_equal(out(&f), expect);
        journal_server_free(s);
        event_free(loop);
        buf_free(&f.out);
}

/* 400 streams each holding a line just short of LineMax: PID 1's line buffers stay within their
 * bound; what does not fit is logged split (line-max), never dropped. */
static void test_stream_buffers_bounded(void **state) {
        (void)state;
        Fake f = { .level_max = -1, .forward = false };
        assert_int_equal(event_new(&loop), 0);
        JournalServer *s = new_server(&f, NULL, loop);
        JournalUnitInfo ui = { .unit = "svc.service", .log_level_max = -1, .forward = false };
        JournalStreamSettings st = { .unit = &ui, .identifier = "svc", .priority = LOG_INFO };
        enum { N = 400 };
        static int fds[N];
        char *line = malloc(JOURNAL_STREAM_LINE_MAX_DEFAULT);
        memset(line, 'x', JOURNAL_STREAM_LINE_MAX_DEFAULT - 1);
        for (int i = 0; i < N; i++) {
                assert_int_equal(journal_server_add_stream(s, &st, &fds[i]), 0);
                assert_int_equal(write(fds[i], line, JOURNAL_STREAM_LINE_MAX_DEFAULT - 1), JOURNAL_STREAM_LINE_MAX_DEFAULT - 1);
        }
        size_t pending = 0, most = 0;
        for (int i = 0; i < 100; i++) {
                (void)event_run(loop, 0);
                journal_server_n_streams(s, NULL, &pending);
                if (pending > most) most = pending;
        }
        assert_true(most <= JOURNAL_SERVER_STREAM_BUFFERS_MAX + JOURNAL_STREAM_LINE_MAX_DEFAULT + 1);
        assert_true(most > JOURNAL_SERVER_STREAM_BUFFERS_MAX / 2);
        for (int i = 0; i < N; i++) close(fds[i]);
        for (int i = 0; i < 200 && journal_server_n_streams(s, NULL, &pending) > 0; i++) (void)event_run(loop, 10 * USEC_PER_MSEC);
        assert_int_equal(journal_server_n_streams(s, NULL, &pending), 0);
        assert_int_equal(pending, 0);   /* the count is exact */
        journal_server_free(s);
        event_free(loop);
        free(line);
        buf_free(&f.out);
}

/* LineMax= beyond what one entry holds: lowered (said), a longer line is split, never dropped. */
static void test_line_max_clamped(void **state) {
        (void)state;
        Fake f = { .level_max = -1, .forward = true };
        assert_int_equal(event_new(&loop), 0);
        JournaldConfig c;
        journald_config_init(&c);
        journald_config_finish(&c);
        c.forward_to_wall = false;
        c.line_max = 4U << 20;
        JournalServerHooks h = { .unit_lookup = fake_lookup, .sink = fake_sink, .userdata = &f };
        JournalServerOutput o = { .format = JOURNAL_FORWARD_SHORT };
        JournalServer *s = NULL;
        log_capture_start();
        assert_int_equal(journal_server_new(loop, &c, &o, &h, &s), 0);
        assert_non_null(strstr(log_captured(), "LineMax=4194304 is more than one journal entry holds here, using 983040."));
        log_capture_stop();
        JournalUnitInfo ui = { .unit = "svc.service", .log_level_max = -1, .forward = true };
        JournalStreamSettings st = { .unit = &ui, .identifier = "svc", .priority = LOG_INFO };
        int fd = -1;
        assert_int_equal(journal_server_add_stream(s, &st, &fd), 0);
        assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
        const size_t total = 2000000;
        static char chunk[65536];
        memset(chunk, 'x', sizeof chunk);
        for (size_t sent = 0; sent < total;) {
                size_t k = total - sent < sizeof chunk ? total - sent : sizeof chunk;
                ssize_t n = write(fd, chunk, k);
                if (n > 0) sent += (size_t)n;
                (void)event_run(loop, 0);
        }
        assert_int_equal(write(fd, "\n", 1), 1);
        close(fd);
        for (int i = 0; i < 200 && journal_server_n_streams(s, NULL, NULL) > 0; i++) (void)event_run(loop, 10 * USEC_PER_MSEC);
        journal_server_free(s);
        size_t xs = 0;
        for (const char *p = out(&f); *p; p++) xs += *p == 'x';
        assert_int_equal(xs, total);   /* all of it, in lines of at most 960 KiB (forwarded in pieces) */
        event_free(loop);
        buf_free(&f.out);
}

/* Said once, in journald's words; what was not said is counted and said when the server stops. */
static void test_notices_once_with_count(void **state) {
        (void)state;
        char *root = tmptree_new();
        char dir[64];
        assert_true(strlen(root) < 50);
        snprintf(dir, sizeof dir, "%.50s/run", root);
        Fake f = { .level_max = -1, .forward = true };
        assert_int_equal(event_new(&loop), 0);
        JournalServer *s = new_server(&f, NULL, loop);
        assert_int_equal(journal_server_open_sockets(s, dir, NULL), 3);
        int c = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/socket", dir);
        for (int i = 0; i < 3; i++)
                assert_int_equal(sendto(c, "MESSAGE=x\nNOISE", 15, 0, (struct sockaddr *)&sa, sizeof sa), 15);
        run_until_lines(&f, 4);
        for (int i = 0; i < 5; i++) (void)event_run(loop, 10 * USEC_PER_MSEC);
        assert_int_equal(strcount(out(&f), "Received message with trailing noise, ignoring."), 1);
        assert_int_equal(strcount(out(&f), ": x\n"), 3);
        journal_server_free(s);   /* the third said late, with the count of what was not: the second */
        assert_non_null(strstr(out(&f), "]: Received message with trailing noise, ignoring. (Dropped 1 similar message(s))\n"));
        close(c);
        event_free(loop);
        buf_free(&f.out);
        tmptree_free(root);
}

/* ForwardToSyslog=: what a syslog daemon on DIR/syslog receives, as journald sends it. */
static void test_syslog_copies(void **state) {
        (void)state;
        char *root = tmptree_new();
        char dir[64];
        assert_true(strlen(root) < 50);
        snprintf(dir, sizeof dir, "%.50s/run", root);
        Fake f = { .level_max = -1, .forward = true };
        assert_int_equal(event_new(&loop), 0);
        JournaldConfig c;
        journald_config_init(&c);
        journald_config_finish(&c);
        c.forward_to_wall = false;
        c.max_level_syslog = LOG_NOTICE;
        JournalServerHooks h = { .unit_lookup = fake_lookup, .sink = fake_sink, .userdata = &f };
        JournalServerOutput o = { .format = JOURNAL_FORWARD_SHORT };
        JournalServer *s = NULL;
        assert_int_equal(journal_server_new(loop, &c, &o, &h, &s), 0);
        assert_int_equal(journal_server_open_sockets(s, dir, NULL), 3);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/syslog", dir);
        int rsyslog = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        assert_int_equal(bind(rsyslog, (struct sockaddr *)&sa, sizeof sa), 0);

        JournalContext ctx = JOURNAL_CONTEXT_NONE;
        JournalCreds cr = { .pid = getpid(), .uid = getuid(), .gid = getgid(), .comm = (char *)"comm" };
        JournalOrigin so = { .transport = "stdout", .context = &ctx, .creds = &cr };
        assert_int_equal(journal_server_stream_line(s, &so, "ident", "to syslog", 9, LOG_LOCAL3 | LOG_NOTICE, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_int_equal(journal_server_stream_line(s, &so, NULL, "no facility", 11, LOG_WARNING, JOURNAL_LINE_BREAK_NEWLINE), 0);
        assert_int_equal(journal_server_stream_line(s, &so, NULL, "too verbose", 11, LOG_INFO, JOURNAL_LINE_BREAK_NEWLINE), 0);
        JournalEntry e = {};
        assert_int_equal(journal_entry_add_string(&e, "MESSAGE", "raw"), 0);
        JournalOrigin sy = { .transport = "syslog", .context = &ctx, .creds = &cr, .syslog_raw = "<13>Jan  1 00:00:00 me: raw",
                             .syslog_raw_len = 27 };
        assert_int_equal(journal_server_dispatch(s, &e, LOG_USER | LOG_NOTICE, &sy), 0);
        char got[512];
        ssize_t n = recv(rsyslog, got, sizeof got - 1, MSG_DONTWAIT);
        assert_true(n > 0);
        got[n] = 0;
        /* "<PRI>Mmm dd hh:mm:ss ident[pid]: message", local time */
        char pidpart[64];
        snprintf(pidpart, sizeof pidpart, " ident[%d]: to syslog", (int)getpid());
        assert_true(strncmp(got, "<157>", 5) == 0 && strlen(got) == 5 + 16 + strlen(pidpart) - 1);
        assert_string_equal(got + 5 + 15, pidpart);
        n = recv(rsyslog, got, sizeof got - 1, MSG_DONTWAIT);
        got[n > 0 ? n : 0] = 0;
        snprintf(pidpart, sizeof pidpart, " comm[%d]: no facility", (int)getpid());
        assert_true(strncmp(got, "<12>", 4) == 0);   /* user facility when the entry has none */
        assert_string_equal(got + 4 + 15, pidpart);
        n = recv(rsyslog, got, sizeof got - 1, MSG_DONTWAIT);   /* info is above MaxLevelSyslog=notice */
        got[n > 0 ? n : 0] = 0;
        assert_string_equal(got, "<13>Jan  1 00:00:00 me: raw");   /* /dev/log datagrams pass as they came */

        /* a daemon that does not read: never waited for, counted, said */
        int k = 0;
        while (k < 100000 && journal_server_stream_line(s, &so, "x", "fill", 4, LOG_NOTICE, JOURNAL_LINE_BREAK_NEWLINE) == 0 &&
               !strstr(out(&f), "Forwarding to syslog missed"))
                if (++k % 64 == 0) journal_server_flush(s);
        journal_server_flush(s);
        assert_non_null(strstr(out(&f), "]: Forwarding to syslog missed "));
        journal_server_free(s);
        close(rsyslog);
        event_free(loop);
        buf_free(&f.out);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_creds_fields),
                cmocka_unit_test(test_cmdline_from_proc),
                cmocka_unit_test(test_dispatch),
                cmocka_unit_test(test_store_failure_keeps_forwarding),
                cmocka_unit_test(test_manager_lines_json_and_quiet),
                cmocka_unit_test(test_service_stream),
                cmocka_unit_test(test_stream_buffers_bounded),
                cmocka_unit_test(test_line_max_clamped),
                cmocka_unit_test(test_notices_once_with_count),
                cmocka_unit_test(test_syslog_copies),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
