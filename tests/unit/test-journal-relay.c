/* SPDX-License-Identifier: MIT */
/* journal-relay: the copies journald makes for the kernel log, a console and logged-in terminals
 * (the syslog copy is tested through the server, test-journal-server.c), with files and a pty in
 * place of /dev/kmsg, TTYPath= and a login; and what is said once when a container has none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-relay.h"
#include "tmptree.h"

static Buf said;

static void say(int priority, const char *message_id, const char *text, void *userdata) {
        (void)priority; (void)message_id; (void)userdata;
        buf_puts(&said, text);
        buf_putc(&said, '\n');
}

static char *slurp(const char *root, const char *name) {
        char path[4096], *data = NULL;
        snprintf(path, sizeof path, "%s/%s", root, name);
        assert_int_equal(read_file_bounded(AT_FDCWD, path, 1 << 20, &data, NULL), 0);
        return data;
}

static JournalRelay *relay_new(const char *root, JournaldConfig *c) {
        JournalRelay *r = NULL;
        snprintf(c->tty_path, sizeof c->tty_path, "%s/console", root);
        assert_int_equal(journal_relay_new(c, say, NULL, &r), 0);
        char kmsg[4096], utmp[4096];
        snprintf(kmsg, sizeof kmsg, "%s/kmsg", root);
        snprintf(utmp, sizeof utmp, "%s/utmp", root);
        journal_relay_set_paths(r, kmsg, utmp, "/dev");
        return r;
}

static void test_kmsg_and_console(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "kmsg", "");
        tmptree_write(root, "console", "");
        JournaldConfig c;
        journald_config_init(&c);
        c.forward_to_syslog = c.forward_to_wall = false;
        c.forward_to_kmsg = c.forward_to_console = true;
        JournalRelay *r = relay_new(root, &c);
        JournalCreds cr = { .pid = 42, .comm = (char *)"daemon" };
        JournalRelayMessage m = { .priority = LOG_LOCAL1 | LOG_ERR, .identifier = "id", .message = "hello\0hidden", .message_len = 12,
                                  .creds = &cr };
        journal_relay_message(r, &m);
        m = (JournalRelayMessage) { .priority = LOG_KERN | LOG_NOTICE, .message = "no identifier", .message_len = 13, .creds = &cr };
        journal_relay_message(r, &m);
        m = (JournalRelayMessage) { .priority = LOG_INFO, .identifier = "quiet", .message = "too low", .message_len = 7 };
        journal_relay_message(r, &m);   /* above MaxLevelKMsg=notice; MaxLevelConsole=info takes it */
        journal_relay_free(r);
        _cleanup_free_ char *kmsg = slurp(root, "kmsg"), *console = slurp(root, "console");
        /* up to the NUL, as journald's C string; never the kernel's facility */
        assert_string_equal(kmsg, "<139>id[42]: hello\n<13>daemon[42]: no identifier\n");
        if (strncmp(console, "[", 1) == 0) {   /* the host's printk.time=1: a monotonic stamp first */
                assert_non_null(strstr(console, "] id[42]: hello\n["));
                assert_non_null(strstr(console, "] daemon[42]: no identifier\n["));
                assert_non_null(endswith(console, "] quiet: too low\n"));
        } else
                assert_string_equal(console, "id[42]: hello\ndaemon[42]: no identifier\nquiet: too low\n");
        assert_string_equal(said.s ?: "", "");
        tmptree_free(root);
}

static void test_said_once_where_it_cannot_apply(void **state) {
        (void)state;
        char *root = tmptree_new();
        JournaldConfig c;
        journald_config_init(&c);
        c.forward_to_syslog = false;
        c.forward_to_kmsg = c.forward_to_console = true;
        JournalRelay *r = relay_new(root, &c);   /* no kmsg, console or utmp file there */
        JournalRelayMessage m = { .priority = LOG_EMERG, .identifier = "x", .message = "m", .message_len = 1 };
        for (int i = 0; i < 3; i++)
                journal_relay_message(r, &m);
        journal_relay_free(r);
        char expect[16384];
        snprintf(expect, sizeof expect,
                 "ForwardToKMsg=yes: cannot open %s/kmsg (No such file or directory), not forwarding to the kernel log.\n"
                 "ForwardToConsole=yes: cannot open %s/console (No such file or directory), not forwarding there; every "
                 "entry is on the container's stdout already.\n"
                 "ForwardToWall=yes: no login records in %s/utmp (No such file or directory), not sending to terminals.\n",
                 root, root, root);
        assert_string_equal(said.s, expect);
        buf_free(&said);
        tmptree_free(root);
}

/* A login on a pty: an emergency message reaches it in utmp_wall()'s words. */
static void test_wall(void **state) {
        (void)state;
        int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
                skip();
        const char *pts = ptsname(master);
        assert_non_null(pts);
        char *root = tmptree_new();
        char rec[384] = {};
        short type = 7;   /* USER_PROCESS */
        memcpy(rec, &type, sizeof type);
        strncpy(rec + 8, pts + 5, 31);   /* "pts/N" */
        strcpy(rec + 44, "alice");
        char path[4096];
        snprintf(path, sizeof path, "%s/utmp", root);
        FILE *f = fopen(path, "we");
        char empty[384] = {};
        fwrite(empty, 1, sizeof empty, f);   /* not a login: skipped */
        fwrite(rec, 1, sizeof rec, f);
        fclose(f);
        JournaldConfig c;
        journald_config_init(&c);
        c.forward_to_syslog = false;
        JournalRelay *r = relay_new(root, &c);
        JournalCreds cr = { .pid = 7 };
        JournalRelayMessage m = { .priority = LOG_CRIT, .identifier = "disk", .message = "not said", .message_len = 8, .creds = &cr };
        journal_relay_message(r, &m);    /* MaxLevelWall=emerg */
        m.priority = LOG_EMERG;
        m.message = "on fire";
        m.message_len = 7;
        journal_relay_message(r, &m);
        journal_relay_free(r);
        char buf[1024];
        usleep(100 * 1000);
        ssize_t n = read(master, buf, sizeof buf - 1);
        assert_true(n > 0);
        buf[n] = 0;
        assert_non_null(strstr(buf, "Broadcast message from systemd-journald@"));
        assert_non_null(strstr(buf, "disk[7]: on fire"));
        assert_null(strstr(buf, "not said"));
        close(master);
        tmptree_free(root);
}

/* docker run -t: the console is the terminal PID 1's stdout is on; said once, not written twice. */
static void test_console_is_stdout(void **state) {
        (void)state;
        int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
                skip();
        int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        assert_true(slave >= 0);
        fflush(stdout);
        int saved = dup(STDOUT_FILENO);
        assert_int_equal(dup2(slave, STDOUT_FILENO), STDOUT_FILENO);
        JournaldConfig c;
        journald_config_init(&c);
        c.forward_to_syslog = c.forward_to_wall = false;
        c.forward_to_console = true;
        snprintf(c.tty_path, sizeof c.tty_path, "%s", ptsname(master));
        JournalRelay *r = NULL;
        assert_int_equal(journal_relay_new(&c, say, NULL, &r), 0);
        JournalRelayMessage m = { .priority = LOG_ERR, .identifier = "x", .message = "twice?", .message_len = 6 };
        journal_relay_message(r, &m);
        journal_relay_message(r, &m);
        journal_relay_free(r);
        dup2(saved, STDOUT_FILENO);
        close(saved);
        char expect[512];
        snprintf(expect, sizeof expect, "ForwardToConsole=yes: %s is the container's stdout, where every entry is forwarded "
                 "already; not writing it twice.\n", c.tty_path);
        assert_string_equal(said.s, expect);
        char buf[64];
        assert_int_equal(fcntl(master, F_SETFL, O_NONBLOCK), 0);
        assert_true(read(master, buf, sizeof buf) < 0 && errno == EAGAIN);   /* nothing written to it */
        buf_free(&said);
        close(slave);
        close(master);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kmsg_and_console),
                cmocka_unit_test(test_said_once_where_it_cannot_apply),
                cmocka_unit_test(test_wall),
                cmocka_unit_test(test_console_is_stdout),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
