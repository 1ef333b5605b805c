/* SPDX-License-Identifier: MIT */
/* bus-sasl: the authentication exchange as systemd 252's PID 1 (server) and systemctl (client)
 * perform it; the client request is byte for byte what systemctl/busctl 252 send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include "base/util.h"
#include "bus/bus-sasl.h"

#define GUID "0123456789abcdef0123456789abcdef"

/* Feed a whole exchange; returns the feed result, the replies in *out. */
static int server_run(uid_t uid, bool fds, const char *in, size_t n, size_t *consumed, Buf *out) {
        BusSaslServer s;
        bus_sasl_server_init(&s, uid, GUID, fds);
        buf_free(out);
        return bus_sasl_server_feed(&s, in, n, consumed, out);
}
#define RUN(uid, fds, lit, consumed, out) server_run(uid, fds, lit, sizeof(lit) - 1, consumed, out)

static void test_server_systemctl(void **state) {
        (void)state;
        Buf out = {};
        size_t c;

        /* exactly what systemctl 252 sends (observed), then the first message bytes */
        assert_int_equal(RUN(0, true, "\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\nl\1", &c, &out), 1);
        assert_int_equal(c, sizeof("\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n") - 1);
        assert_string_equal(out.s, "DATA\r\nOK " GUID "\r\nAGREE_UNIX_FD\r\n");

        /* AUTH EXTERNAL with the uid in hex of its decimal digits: 1000 → 31303030 */
        assert_int_equal(RUN(1000, true, "\0AUTH EXTERNAL 31303030\r\nBEGIN\r\n", &c, &out), 1);
        assert_string_equal(out.s, "OK " GUID "\r\n");
        assert_int_equal(RUN(0, true, "\0AUTH EXTERNAL 30\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n", &c, &out), 1);
        assert_string_equal(out.s, "OK " GUID "\r\nAGREE_UNIX_FD\r\n");
        /* DATA carrying the uid */
        assert_int_equal(RUN(0, true, "\0AUTH EXTERNAL\r\nDATA 30\r\nBEGIN\r\n", &c, &out), 1);
        assert_string_equal(out.s, "DATA\r\nOK " GUID "\r\n");
        /* fds not allowed */
        assert_int_equal(RUN(0, false, "\0AUTH EXTERNAL 30\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n", &c, &out), 1);
        assert_string_equal(out.s, "OK " GUID "\r\nERROR\r\n");
        buf_free(&out);
}

static void test_server_rejects(void **state) {
        (void)state;
        Buf out = {};
        size_t c;

        /* a uid that is not the peer's */
        assert_int_equal(RUN(1000, true, "\0AUTH EXTERNAL 30\r\nBEGIN\r\n", &c, &out), 0);
        assert_string_equal(out.s, "REJECTED EXTERNAL\r\nERROR\r\n");
        assert_int_equal(RUN(1000, true, "\0AUTH EXTERNAL\r\nDATA 30\r\n", &c, &out), 0);
        assert_string_equal(out.s, "DATA\r\nREJECTED EXTERNAL\r\n");
        /* malformed tokens */
        const char *bad[] = { "3", "3x", "2d31", "3030", "", "31303030303030303030303030" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char in[128];
                int n = snprintf(in + 1, sizeof(in) - 1, "AUTH EXTERNAL %s\r\n", bad[i]) + 1;
                in[0] = 0;
                assert_int_equal(server_run(0, true, in, (size_t) n, &c, &out), 0);
                if (bad[i][0])
                        assert_string_equal(out.s, "REJECTED EXTERNAL\r\n");
        }
        /* other mechanisms, unknown commands, BEGIN before OK, DATA before AUTH */
        assert_int_equal(RUN(0, true, "\0AUTH ANONYMOUS\r\nAUTH DBUS_COOKIE_SHA1 30\r\nAUTH\r\n", &c, &out), 0);
        assert_string_equal(out.s, "REJECTED EXTERNAL\r\nREJECTED EXTERNAL\r\nREJECTED EXTERNAL\r\n");
        assert_int_equal(RUN(0, true, "\0HELLO\r\nBEGIN\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\n", &c, &out), 0);
        assert_string_equal(out.s, "ERROR\r\nERROR\r\nERROR\r\nERROR\r\n");
        assert_int_equal(RUN(0, true, "\0AUTH EXTERNAL 30\r\nCANCEL\r\nBEGIN\r\n", &c, &out), 0);
        assert_string_equal(out.s, "OK " GUID "\r\nREJECTED EXTERNAL\r\nERROR\r\n");
        /* recovery after a rejection */
        assert_int_equal(RUN(0, true, "\0AUTH FOO\r\nAUTH EXTERNAL 30\r\nBEGIN\r\n", &c, &out), 1);

        /* fatal: no leading NUL, NUL inside, an overlong line, too many failures or lines */
        assert_int_equal(RUN(0, true, "AUTH EXTERNAL 30\r\n", &c, &out), -EBADMSG);
        assert_int_equal(RUN(0, true, "\0AUTH\0\r\n", &c, &out), -EBADMSG);
        char big[BUS_SASL_LINE_MAX + 10];
        memset(big, 'A', sizeof(big));
        big[0] = 0;
        assert_int_equal(server_run(0, true, big, sizeof(big), &c, &out), -EBADMSG);
        Buf many = {};
        buf_putc(&many, 0);
        for (int i = 0; i < BUS_SASL_ERRORS_MAX; i++)
                buf_puts(&many, "X\r\n");
        assert_int_equal(server_run(0, true, many.s, many.len, &c, &out), -EPERM);
        buf_free(&many);
        buf_putc(&many, 0);
        for (int i = 0; i < BUS_SASL_LINES_MAX + 1; i++)
                buf_puts(&many, "AUTH EXTERNAL\r\n");
        assert_int_equal(server_run(0, true, many.s, many.len, &c, &out), -EPERM);
        buf_free(&many);
        buf_free(&out);
}

static void test_server_bytewise(void **state) {
        (void)state;
        /* one byte at a time gives the same answers */
        static const char in[] = "\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n";
        BusSaslServer s;
        Buf out = {};
        size_t c = 0;
        int r = 0;
        bus_sasl_server_init(&s, 0, GUID, true);
        for (size_t i = 0; i < sizeof(in) - 1; i++) {
                r = bus_sasl_server_feed(&s, in + i, 1, &c, &out);
                assert_true(r >= 0);
                if (i < sizeof(in) - 2)
                        assert_int_equal(r, 0);
        }
        assert_int_equal(r, 1);
        assert_int_equal(c, 1);
        assert_true(s.fds_agreed);
        assert_string_equal(out.s, "DATA\r\nOK " GUID "\r\nAGREE_UNIX_FD\r\n");
        buf_free(&out);
}

static void test_client(void **state) {
        (void)state;
        BusSaslClient c;
        size_t n, used;

        bus_sasl_client_init(&c, true);
        const char *req = bus_sasl_client_request(&c, &n);
        assert_int_equal(n, sizeof("\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n") - 1);
        assert_memory_equal(req, "\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n", n);

        /* the client talks to our server */
        BusSaslServer s;
        Buf out = {};
        bus_sasl_server_init(&s, getuid(), GUID, true);
        assert_int_equal(bus_sasl_server_feed(&s, req, n, &used, &out), 1);
        assert_int_equal(used, n);
        buf_puts(&out, "l\1");  /* a message following at once */
        assert_int_equal(bus_sasl_client_feed(&c, out.s, out.len, &used), 1);
        assert_int_equal(used, out.len - 2);
        assert_true(c.fds_agreed);
        assert_string_equal(c.guid, GUID);
        buf_free(&out);

        /* server without fd passing; client without asking for it */
        bus_sasl_client_init(&c, true);
        assert_int_equal(bus_sasl_client_feed(&c, "DATA\r\nOK " GUID "\r\nERROR\r\n", 50, &used), 1);
        assert_false(c.fds_agreed);
        bus_sasl_client_init(&c, false);
        req = bus_sasl_client_request(&c, &n);
        assert_memory_equal(req, "\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n", n);
        assert_int_equal(bus_sasl_client_feed(&c, "OK " GUID "\r\n", 37, &used), 1);

        bus_sasl_client_init(&c, true);
        assert_int_equal(bus_sasl_client_feed(&c, "DATA\r\nREJECTED EXTERNAL\r\n", 25, &used), -EPERM);
        bus_sasl_client_init(&c, true);
        assert_int_equal(bus_sasl_client_feed(&c, "OK nothex\r\n", 11, &used), -EBADMSG);
        bus_sasl_client_init(&c, true);
        assert_int_equal(bus_sasl_client_feed(&c, "OK " GUID "\r\nHUH\r\n", 42, &used), -EBADMSG);
        /* partial input */
        bus_sasl_client_init(&c, true);
        assert_int_equal(bus_sasl_client_feed(&c, "DATA\r\nOK 01", 11, &used), 0);
        assert_int_equal(used, 11);

        char g[BUS_GUID_LEN + 1], h[BUS_GUID_LEN + 1];
        assert_int_equal(bus_sasl_make_guid(g), 0);
        assert_int_equal(bus_sasl_make_guid(h), 0);
        assert_int_equal(strlen(g), BUS_GUID_LEN);
        assert_string_not_equal(g, h);
        assert_int_equal(strspn(g, "0123456789abcdef"), BUS_GUID_LEN);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_server_systemctl),
                cmocka_unit_test(test_server_rejects),
                cmocka_unit_test(test_server_bytewise),
                cmocka_unit_test(test_client),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
