/* SPDX-License-Identifier: MIT */
/* bus-conn: a server connection (as PID 1 runs it in its event loop) and the blocking client
 * talking over a socketpair; fd passing; bounds; protocol errors; and busctl 252 (sd-bus) as a
 * real peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "base/util.h"
#include "bus/bus-conn.h"
#include "bus/bus-sasl.h"

#define GUID "00112233445566778899aabbccddeeff"
#define IFACE "org.example.Test"

static const char sasl_req[] = "\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n";

/* What the test server does with one message. Returns false to stop serving. */
static bool handle(BusConn *c, BusMessage *m) {
        _cleanup_bus_message_ BusMessage *r = NULL;
        if (bus_message_is_method_call(m, IFACE, "Echo")) {
                assert_int_equal(bus_message_new_method_return(&r, m), 0);
                assert_int_equal(bus_message_copy_body(r, m), 0);
        } else if (bus_message_is_method_call(m, IFACE, "Fail")) {
                assert_int_equal(bus_conn_reply_error(c, m, "org.freedesktop.systemd1.NoSuchUnit", "Unit x.service not loaded."), 0);
        } else if (bus_message_is_method_call(m, IFACE, "Fd")) {
                int fd;
                assert_int_equal(bus_message_read(m, "h", &fd), 1);
                assert_int_equal(write(fd, "hi", 2), 2);
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                assert_int_equal(bus_message_new_method_return(&r, m), 0);
                assert_int_equal(bus_message_append(r, "h", null), 0);
                close(null);
        } else if (bus_message_is_method_call(m, IFACE, "Start")) {
                /* the signal first, as PID 1 may send JobRemoved before the method reply */
                _cleanup_bus_message_ BusMessage *s = NULL;
                assert_int_equal(bus_message_new_signal(&s, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "JobRemoved"), 0);
                assert_int_equal(bus_message_append(s, "uoss", 1, "/org/freedesktop/systemd1/job/1", "a.service", "done"), 0);
                assert_int_equal(bus_conn_send(c, s, NULL), 0);
                assert_int_equal(bus_message_new_method_return(&r, m), 0);
                assert_int_equal(bus_message_append(r, "o", "/org/freedesktop/systemd1/job/1"), 0);
        } else if (bus_message_is_method_call(m, IFACE, "Quit"))
                return false;
        /* anything else (e.g. "Ignore") gets no answer */
        if (r)
                assert_int_equal(bus_conn_send(c, r, NULL), 0);
        return true;
}

/* A poll() loop standing in for the event loop. */
static int serve(BusConn *c) {
        for (;;) {
                struct pollfd p = { bus_conn_get_fd(c), POLLIN | (bus_conn_wants_write(c) ? POLLOUT : 0), 0 };
                if (poll(&p, 1, 5000) <= 0)
                        return -ETIMEDOUT;
                int r = 0;
                if (p.revents & POLLOUT)
                        r = bus_conn_on_writable(c);
                if (r >= 0 && (p.revents & (POLLIN | POLLHUP)))
                        r = bus_conn_on_readable(c);
                BusMessage *m;
                while (bus_conn_pop_message(c, &m) > 0) {
                        bool more = handle(c, m);
                        bus_message_free(m);
                        if (!more) {
                                (void) bus_conn_flush(c, USEC_PER_SEC);
                                return 0;
                        }
                }
                if (r < 0)
                        return r;
        }
}

static pid_t fork_server(int fd) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                BusConn *c;
                BusConnLimits lim = { .allow_fds = true };
                if (bus_conn_new_server(&c, fd, GUID, &lim) < 0)
                        _exit(2);
                int r = serve(c);
                bus_conn_free(c);
                _exit(r < 0 ? 1 : 0);
        }
        close(fd);
        return pid;
}

static int wait_pid(pid_t pid) {
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_call_roundtrip(void **state) {
        (void)state;
        int sp[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        pid_t pid = fork_server(sp[1]);

        BusConn *c;
        assert_int_equal(bus_conn_new_client(&c, sp[0], 5 * USEC_PER_SEC), 0);
        assert_true(bus_conn_is_ready(c));
        assert_true(bus_conn_can_pass_fds(c));
        /* a socketpair carries its creator's credentials */
        assert_int_equal(bus_conn_get_peer(c)->pid, getpid());
        assert_int_equal(bus_conn_get_peer(c)->uid, getuid());

        /* echo of nested values */
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        assert_int_equal(bus_message_new_method_call(&m, "org.freedesktop.systemd1", "/x", IFACE, "Echo"), 0);
        assert_int_equal(bus_message_append(m, "sa{sv}t", "hello", 2, "a", "u", 1, "b", "as", 1, "z", UINT64_MAX), 0);
        assert_int_equal(bus_call(c, m, 5 * USEC_PER_SEC, &reply), 0);
        assert_int_equal(reply->type, BUS_MESSAGE_METHOD_RETURN);
        assert_int_equal(reply->reply_serial, m->serial);
        assert_string_equal(reply->signature, "sa{sv}t");
        const char *s;
        assert_int_equal(bus_message_read(reply, "s", &s), 1);
        assert_string_equal(s, "hello");
        assert_int_equal(bus_message_skip(reply, "a{sv}"), 1);
        uint64_t t;
        assert_int_equal(bus_message_read(reply, "t", &t), 1);
        assert_true(t == UINT64_MAX);

        /* an error reply */
        _cleanup_bus_message_ BusMessage *f = NULL, *err = NULL;
        assert_int_equal(bus_message_new_method_call(&f, NULL, "/x", IFACE, "Fail"), 0);
        assert_int_equal(bus_call(c, f, 5 * USEC_PER_SEC, &err), -EREMOTEIO);
        const char *name, *text;
        assert_int_equal(bus_message_get_error(err, &name, &text), 0);
        assert_string_equal(name, "org.freedesktop.systemd1.NoSuchUnit");
        assert_string_equal(text, "Unit x.service not loaded.");

        /* fd passing both ways */
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        _cleanup_bus_message_ BusMessage *fm = NULL, *fr = NULL;
        assert_int_equal(bus_message_new_method_call(&fm, NULL, "/x", IFACE, "Fd"), 0);
        assert_int_equal(bus_message_append(fm, "h", p[1]), 0);
        close(p[1]);
        assert_int_equal(bus_call(c, fm, 5 * USEC_PER_SEC, &fr), 0);
        fm = bus_message_free(fm);  /* our copy of the write end goes away; the server's did too */
        char buf[8] = {};
        assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
        assert_string_equal(buf, "hi");
        assert_int_equal(read(p[0], buf, sizeof(buf)), 0);  /* EOF: no write end left open */
        close(p[0]);
        int nfd;
        assert_int_equal(bus_message_read(fr, "h", &nfd), 1);
        struct stat a, b;
        assert_int_equal(fstat(nfd, &a), 0);
        assert_int_equal(stat("/dev/null", &b), 0);
        assert_true(a.st_rdev == b.st_rdev);

        /* a signal arriving before the reply stays queued for later */
        _cleanup_bus_message_ BusMessage *st = NULL, *sr = NULL, *sig = NULL;
        assert_int_equal(bus_message_new_method_call(&st, NULL, "/x", IFACE, "Start"), 0);
        assert_int_equal(bus_call(c, st, 5 * USEC_PER_SEC, &sr), 0);
        assert_int_equal(bus_conn_wait_message(c, 5 * USEC_PER_SEC, &sig), 1);
        assert_true(bus_message_is_signal(sig, "org.freedesktop.systemd1.Manager", "JobRemoved"));
        uint32_t id; const char *job, *unit, *result;
        assert_int_equal(bus_message_read(sig, "uoss", &id, &job, &unit, &result), 1);
        assert_string_equal(result, "done");

        /* no answer: timeout; nothing queued: wait returns 0 */
        _cleanup_bus_message_ BusMessage *ig = NULL, *none = NULL;
        assert_int_equal(bus_message_new_method_call(&ig, NULL, "/x", IFACE, "Ignore"), 0);
        assert_int_equal(bus_call(c, ig, 50 * USEC_PER_MSEC, NULL), -ETIMEDOUT);
        assert_int_equal(bus_conn_wait_message(c, 20 * USEC_PER_MSEC, &none), 0);

        /* a call without reply wanted returns once sent */
        _cleanup_bus_message_ BusMessage *q = NULL;
        assert_int_equal(bus_message_new_method_call(&q, NULL, "/x", IFACE, "Quit"), 0);
        assert_int_equal(bus_message_set_flags(q, BUS_FLAG_NO_REPLY_EXPECTED), 0);
        assert_int_equal(bus_call(c, q, 5 * USEC_PER_SEC, NULL), 0);
        assert_int_equal(wait_pid(pid), 0);
        /* the server is gone */
        assert_int_equal(bus_conn_wait_message(c, 5 * USEC_PER_SEC, &none), -ECONNRESET);
        bus_conn_free(c);
}

/* A server connection in this process, authenticated by raw bytes from the other end. */
static BusConn *raw_server(int sp[2], const BusConnLimits *lim) {
        BusConn *c;
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        assert_int_equal(bus_conn_new_server(&c, sp[1], GUID, lim), 0);
        assert_int_equal(bus_conn_get_fd(c), sp[1]);
        assert_int_equal(bus_conn_get_peer(c)->pid, getpid());
        return c;
}

static void authenticate(BusConn *c, int peer) {
        assert_int_equal(write(peer, sasl_req, sizeof(sasl_req) - 1), (ssize_t) sizeof(sasl_req) - 1);
        assert_int_equal(bus_conn_on_readable(c), 0);
        assert_true(bus_conn_is_ready(c));
        char buf[256] = {};
        ssize_t n = read(peer, buf, sizeof(buf) - 1);
        assert_true(n > 0);
        assert_string_equal(buf, bus_conn_can_pass_fds(c) ? "DATA\r\nOK " GUID "\r\nAGREE_UNIX_FD\r\n"
                                                          : "DATA\r\nOK " GUID "\r\nERROR\r\n");
}

static void test_flooding_peer(void **state) {
        (void)state;
        int sp[2];
        BusConnLimits lim = { .max_out_bytes = 256 * 1024, .allow_fds = true };
        BusConn *c = raw_server(sp, &lim);
        authenticate(c, sp[0]);

        /* the peer never reads: sends succeed until socket buffer and queue are full, then the
         * connection is dropped, without ever blocking */
        char big[4096];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        int r = 0, i;
        for (i = 0; i < 10000 && r == 0; i++) {
                _cleanup_bus_message_ BusMessage *s = NULL;
                assert_int_equal(bus_message_new_signal(&s, "/", "a.b", "Flood"), 0);
                assert_int_equal(bus_message_append(s, "s", big), 0);
                r = bus_conn_send(c, s, NULL);
        }
        assert_int_equal(r, -ENOBUFS);
        assert_true(i > 64);  /* the queue (and the socket buffer) took the first ones */
        assert_int_equal(bus_conn_get_error(c), -ENOBUFS);
        assert_false(bus_conn_is_ready(c));
        assert_false(bus_conn_wants_write(c));
        bus_conn_free(c);
        close(sp[0]);

        /* a peer sending many messages: the server parses at most max_in_messages per round */
        BusConnLimits lim2 = { .max_in_messages = 4 };
        c = raw_server(sp, &lim2);
        authenticate(c, sp[0]);
        _cleanup_bus_message_ BusMessage *m = NULL;
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/", NULL, "M"), 0);
        assert_int_equal(bus_message_seal(m, 1), 0);
        uint8_t *bytes; size_t size;
        assert_int_equal(bus_message_to_bytes(m, &bytes, &size), 0);
        for (int k = 0; k < 10; k++)
                assert_int_equal(write(sp[0], bytes, size), (ssize_t) size);
        free(bytes);
        assert_int_equal(bus_conn_on_readable(c), 0);
        int n = 0;
        BusMessage *got;
        while (bus_conn_pop_message(c, &got) > 0) {
                bus_message_free(got);
                n++;
        }
        assert_int_equal(n, 10);  /* the rest was parsed as the queue emptied */
        bus_conn_free(c);
        close(sp[0]);
}

static void test_protocol_errors(void **state) {
        (void)state;
        int sp[2];
        BusConn *c;

        /* no leading NUL */
        c = raw_server(sp, NULL);
        assert_int_equal(write(sp[0], "AUTH EXTERNAL\r\n", 15), 15);
        assert_int_equal(bus_conn_on_readable(c), -EBADMSG);
        bus_conn_free(c);
        close(sp[0]);

        /* peer closes */
        c = raw_server(sp, NULL);
        close(sp[0]);
        assert_int_equal(bus_conn_on_readable(c), -ECONNRESET);
        bus_conn_free(c);

        /* nothing there yet: fine */
        c = raw_server(sp, NULL);
        assert_int_equal(bus_conn_on_readable(c), 0);
        assert_false(bus_conn_is_ready(c));
        BusMessage *m = NULL;
        assert_int_equal(bus_message_new_signal(&m, "/", "a.b", "C"), 0);
        assert_int_equal(bus_conn_send(c, m, NULL), -ENOTCONN);  /* before authentication */
        m = bus_message_free(m);
        /* a bad message after authentication */
        authenticate(c, sp[0]);
        assert_int_equal(write(sp[0], "x\1\0\1\0\0\0\0\1\0\0\0\0\0\0\0", 16), 16);
        assert_int_equal(bus_conn_on_readable(c), -EBADMSG);
        assert_int_equal(bus_conn_on_writable(c), -EBADMSG);
        bus_conn_free(c);
        close(sp[0]);

        /* a message announcing more than the size bound */
        BusConnLimits lim = { .max_message_size = 4096 };
        c = raw_server(sp, &lim);
        authenticate(c, sp[0]);
        assert_int_equal(write(sp[0], "l\1\0\1\0\0\0\1\1\0\0\0\0\0\0\0", 16), 16);
        assert_int_equal(bus_conn_on_readable(c), -EMSGSIZE);
        bus_conn_free(c);
        close(sp[0]);

        /* fds without NEGOTIATE_UNIX_FD: closed, connection dropped */
        c = raw_server(sp, NULL);
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        union { struct cmsghdr h; uint8_t b[CMSG_SPACE(sizeof(int))]; } ctl = {};
        struct iovec iov = { (void *) sasl_req, sizeof(sasl_req) - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
        assert_true(sendmsg(sp[0], &mh, 0) > 0);
        close(p[1]);
        assert_int_equal(bus_conn_on_readable(c), -EBADMSG);
        char x;
        assert_int_equal(read(p[0], &x, 1), 0);  /* the received copy was closed: EOF */
        close(p[0]);
        bus_conn_free(c);
        close(sp[0]);

        /* the client gives up on a server that does not answer */
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        assert_int_equal(bus_conn_new_client(&c, sp[0], 30 * USEC_PER_MSEC), -ETIMEDOUT);
        close(sp[1]);
        assert_int_equal(bus_conn_connect(&c, "/nonexistent/socket", USEC_PER_SEC), -ENOENT);
}

static void test_pipelined(void **state) {
        (void)state;
        /* SASL and the first message in one write, as sd-bus clients do */
        int sp[2];
        BusConnLimits lim = { .allow_fds = true };
        BusConn *c = raw_server(sp, &lim);
        _cleanup_bus_message_ BusMessage *m = NULL;
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/", NULL, "M"), 0);
        assert_int_equal(bus_message_append(m, "s", "x"), 0);
        assert_int_equal(bus_message_seal(m, 5), 0);
        uint8_t *bytes; size_t size;
        assert_int_equal(bus_message_to_bytes(m, &bytes, &size), 0);
        uint8_t all[512];
        memcpy(all, sasl_req, sizeof(sasl_req) - 1);
        memcpy(all + sizeof(sasl_req) - 1, bytes, size);
        free(bytes);
        assert_int_equal(write(sp[0], all, sizeof(sasl_req) - 1 + size), (ssize_t) (sizeof(sasl_req) - 1 + size));
        assert_int_equal(bus_conn_on_readable(c), 0);
        BusMessage *got;
        assert_int_equal(bus_conn_pop_message(c, &got), 1);
        assert_int_equal(got->serial, 5);
        assert_string_equal(got->member, "M");
        bus_message_free(got);
        assert_int_equal(bus_conn_pop_message(c, &got), 0);
        bus_conn_free(c);
        close(sp[0]);
}

/* busctl 252 as the peer: it authenticates like systemctl, sends Hello (it thinks it talks to a
 * bus), then the call; the reply must be understood. */
static void test_busctl_interop(void **state) {
        (void)state;
        if (access("/usr/bin/busctl", X_OK) < 0) {
                print_message("busctl not installed, skipped\n");
                return;
        }
        char dir[] = "/tmp/test-bus-conn-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char path[128];
        snprintf(path, sizeof(path), "%s/sock", dir);
        int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strcpy(sa.sun_path, path);
        assert_int_equal(bind(l, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(listen(l, 1), 0);

        int out[2];
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char addr[160];
                snprintf(addr, sizeof(addr), "--address=unix:path=%s", path);
                dup2(out[1], 1);
                execl("/usr/bin/busctl", "busctl", addr, "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                      "org.freedesktop.systemd1.Manager", "GetUnitFileLinks", "sb", "ssh.service", "true", (char *) NULL);
                _exit(127);
        }
        close(out[1]);
        int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        assert_true(fd >= 0);
        BusConn *c;
        BusConnLimits lim = { .allow_fds = true };
        assert_int_equal(bus_conn_new_server(&c, fd, GUID, &lim), 0);
        int answered = 0;
        while (answered < 2) {
                struct pollfd p = { fd, POLLIN | (bus_conn_wants_write(c) ? POLLOUT : 0), 0 };
                assert_true(poll(&p, 1, 5000) > 0);
                if (p.revents & POLLOUT)
                        assert_int_equal(bus_conn_on_writable(c), 0);
                if (p.revents & POLLIN)
                        assert_int_equal(bus_conn_on_readable(c), 0);
                BusMessage *m;
                while (bus_conn_pop_message(c, &m) > 0) {
                        _cleanup_bus_message_ BusMessage *r = NULL;
                        assert_int_equal(bus_message_new_method_return(&r, m), 0);
                        if (bus_message_is_method_call(m, "org.freedesktop.DBus", "Hello"))
                                assert_int_equal(bus_message_append(r, "s", ":1.1"), 0);
                        else {
                                assert_true(bus_message_is_method_call(m, "org.freedesktop.systemd1.Manager", "GetUnitFileLinks"));
                                assert_int_equal(m->flags, BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION);
                                const char *name; int runtime;
                                assert_int_equal(bus_message_read(m, "sb", &name, &runtime), 1);
                                assert_string_equal(name, "ssh.service");
                                assert_int_equal(runtime, 1);
                                char *links[] = { "/etc/systemd/system/multi-user.target.wants/ssh.service", "/x", NULL };
                                assert_int_equal(bus_message_append_strv(r, links), 0);
                        }
                        assert_int_equal(bus_conn_send(c, r, NULL), 0);
                        bus_message_free(m);
                        answered++;
                }
        }
        assert_int_equal(bus_conn_flush(c, 5 * USEC_PER_SEC), 0);
        char buf[512] = {};
        size_t n = 0;
        ssize_t k;
        while ((k = read(out[0], buf + n, sizeof(buf) - 1 - n)) > 0)
                n += (size_t) k;
        close(out[0]);
        assert_int_equal(wait_pid(pid), 0);
        assert_string_equal(buf, "as 2 \"/etc/systemd/system/multi-user.target.wants/ssh.service\" \"/x\"\n");
        bus_conn_free(c);
        close(l);
        unlink(path);
        rmdir(dir);
}

/* The non-blocking client (PID 1 on the system bus): connect returns before any answer; both ends
 * are driven by their readiness alone, in one thread, until a call and its reply went through. A
 * path nobody listens on fails at once. */
static void pump(BusConn *a, BusConn *b) {
        struct pollfd p[2] = { { bus_conn_get_fd(a), (short) bus_conn_get_events(a), 0 },
                               { bus_conn_get_fd(b), (short) bus_conn_get_events(b), 0 } };
        assert_true(poll(p, 2, 5000) > 0);
        BusConn *c[2] = { a, b };
        for (int i = 0; i < 2; i++) {
                if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
                        assert_int_equal(bus_conn_on_readable(c[i]), 0);
                if (p[i].revents & POLLOUT)
                        assert_int_equal(bus_conn_on_writable(c[i]), 0);
        }
}

static void test_async_client(void **state) {
        (void) state;
        char dir[] = "/tmp/test-bus-conn-XXXXXX", path[64];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/sock", dir);
        BusConn *client = NULL, *server = NULL;
        assert_int_equal(bus_conn_connect_async(&client, path, NULL), -ENOENT);

        int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
        assert_int_equal(bind(lfd, (struct sockaddr *) &sa, sizeof sa), 0);
        assert_int_equal(listen(lfd, 4), 0);
        BusConnLimits lim = { .allow_fds = true };
        assert_int_equal(bus_conn_connect_async(&client, path, &lim), 0);
        assert_false(bus_conn_is_ready(client));
        int afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        assert_true(afd >= 0);
        assert_int_equal(bus_conn_new_server(&server, afd, GUID, &lim), 0);
        while (!bus_conn_is_ready(client))
                pump(client, server);
        assert_true(bus_conn_can_pass_fds(client));

        _cleanup_bus_message_ BusMessage *call = NULL, *got = NULL, *reply = NULL, *back = NULL;
        assert_int_equal(bus_message_new_method_call(&call, NULL, "/", IFACE, "Echo"), 0);
        assert_int_equal(bus_message_append(call, "s", "hello"), 0);
        assert_int_equal(bus_conn_send(client, call, NULL), 0);
        while (bus_conn_pop_message(server, &got) == 0)
                pump(client, server);
        assert_true(bus_message_is_method_call(got, IFACE, "Echo"));
        assert_int_equal(bus_message_new_method_return(&reply, got), 0);
        assert_int_equal(bus_message_copy_body(reply, got), 0);
        assert_int_equal(bus_conn_send(server, reply, NULL), 0);
        while (bus_conn_pop_message(client, &back) == 0)
                pump(client, server);
        const char *text = NULL;
        assert_int_equal(back->reply_serial, call->serial);
        assert_int_equal(bus_message_read(back, "s", &text), 1);
        assert_string_equal(text, "hello");

        bus_conn_free(client);
        bus_conn_free(server);
        close(lfd);
        unlink(path);
        rmdir(dir);
}

int main(void) {
        signal(SIGPIPE, SIG_IGN);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_call_roundtrip),
                cmocka_unit_test(test_flooding_peer),
                cmocka_unit_test(test_protocol_errors),
                cmocka_unit_test(test_pipelined),
                cmocka_unit_test(test_busctl_interop),
                cmocka_unit_test(test_async_client),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
