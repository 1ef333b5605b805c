/* SPDX-License-Identifier: MIT */
/* bus-message: D-Bus wire format, building, parsing (both byte orders), reading, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/strv.h"
#include "base/util.h"
#include "bus/bus-message.h"

/* Bytes sent by busctl 252 (sd-bus) for
 * `busctl --address=unix:path=... call org.freedesktop.systemd1 /org/freedesktop/systemd1
 *  org.freedesktop.systemd1.Manager GetUnit s ssh.service`, the same call systemctl makes, and
 * the Hello it sends first. Captured with a stand-in server. vec_be/vec_le: one method call
 * "ynqiuxtdsogbaiv(ys)a{sv}" marshalled by an independent Python script in both byte orders. */
static const uint8_t getunit_call[] = {
        0x6c, 0x01, 0x04, 0x01, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x97, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
        0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
        0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
        0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
        0x07, 0x00, 0x00, 0x00, 0x47, 0x65, 0x74, 0x55, 0x6e, 0x69, 0x74, 0x00,
        0x02, 0x01, 0x73, 0x00, 0x20, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
        0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
        0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x2e, 0x4d, 0x61, 0x6e,
        0x61, 0x67, 0x65, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x06, 0x01, 0x73, 0x00, 0x18, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
        0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
        0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,
        0x0b, 0x00, 0x00, 0x00, 0x73, 0x73, 0x68, 0x2e, 0x73, 0x65, 0x72, 0x76,
        0x69, 0x63, 0x65, 0x00,
};

static const uint8_t hello_call[] = {
        0x6c, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x6d, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,
        0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
        0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,
        0x03, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00, 0x48, 0x65, 0x6c, 0x6c,
        0x6f, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,
        0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
        0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,
        0x06, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
        0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
        0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_be[] = {
        0x42, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x3e, 0x01, 0x01, 0x6f, 0x00, 0x00, 0x00, 0x00, 0x06,
        0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x78, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
        0x00, 0x00, 0x00, 0x04, 0x46, 0x72, 0x6f, 0x62, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x01, 0x67, 0x00, 0x18, 0x79, 0x6e, 0x71, 0x69, 0x75, 0x78, 0x74,
        0x64, 0x73, 0x6f, 0x67, 0x62, 0x61, 0x69, 0x76, 0x28, 0x79, 0x73, 0x29,
        0x61, 0x7b, 0x73, 0x76, 0x7d, 0x00, 0x00, 0x00, 0xfe, 0x00, 0xff, 0xfe,
        0xff, 0xfe, 0x00, 0x00, 0xff, 0xff, 0xff, 0xfb, 0xde, 0xad, 0xbe, 0xef,
        0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xfe, 0x3f, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x06, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x04, 0x2f, 0x61, 0x2f, 0x62, 0x00, 0x05, 0x61, 0x7b,
        0x73, 0x76, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
        0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x01, 0x74, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x03, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x01, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
        0x00, 0x00, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x75, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x09,
};

static const uint8_t vec_le[] = {
        0x6c, 0x01, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
        0x3e, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x06, 0x00, 0x00, 0x00,
        0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x78, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
        0x04, 0x00, 0x00, 0x00, 0x46, 0x72, 0x6f, 0x62, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x01, 0x67, 0x00, 0x18, 0x79, 0x6e, 0x71, 0x69, 0x75, 0x78, 0x74,
        0x64, 0x73, 0x6f, 0x67, 0x62, 0x61, 0x69, 0x76, 0x28, 0x79, 0x73, 0x29,
        0x61, 0x7b, 0x73, 0x76, 0x7d, 0x00, 0x00, 0x00, 0xfe, 0x00, 0xfe, 0xff,
        0xfe, 0xff, 0x00, 0x00, 0xfb, 0xff, 0xff, 0xff, 0xef, 0xbe, 0xad, 0xde,
        0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,
        0x06, 0x00, 0x00, 0x00, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x00, 0x00,
        0x04, 0x00, 0x00, 0x00, 0x2f, 0x61, 0x2f, 0x62, 0x00, 0x05, 0x61, 0x7b,
        0x73, 0x76, 0x7d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
        0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x74, 0x00, 0x00,
        0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x6b, 0x00, 0x01, 0x75, 0x00, 0x00, 0x00, 0x00,
        0x09, 0x00, 0x00, 0x00,
};

/* ---- helpers ---- */

static BusMessage *roundtrip(BusMessage *m, uint32_t serial) {
        uint8_t *bytes;
        size_t size;
        BusMessage *p = NULL;
        int fds[BUS_FDS_MAX];

        assert_int_equal(bus_message_seal(m, serial), 0);
        assert_int_equal(bus_message_to_bytes(m, &bytes, &size), 0);
        for (size_t i = 0; i < m->n_fds; i++)
                assert_true((fds[i] = fcntl(m->fds[i], F_DUPFD_CLOEXEC, 3)) >= 0);
        size_t need;
        assert_int_equal(bus_message_frame_size(bytes, size, BUS_MESSAGE_SIZE_DEFAULT, &need), 0);
        assert_int_equal(need, size);
        assert_int_equal(bus_message_parse(bytes, size, BUS_MESSAGE_SIZE_DEFAULT, fds, m->n_fds, &p), 0);
        free(bytes);
        return p;
}

/* A test-side little-endian writer, which (unlike the library) writes anything asked. */
typedef struct { uint8_t b[4096]; size_t n; } Raw;

static void raw_align(Raw *r, size_t a) { while (r->n % a) r->b[r->n++] = 0; }
static void raw_y(Raw *r, uint8_t v) { r->b[r->n++] = v; }
static void raw_u32(Raw *r, uint32_t v) { raw_align(r, 4); for (int i = 0; i < 4; i++) r->b[r->n++] = (uint8_t) (v >> (8 * i)); }
static void raw_bytes(Raw *r, const void *p, size_t l) { memcpy(r->b + r->n, p, l); r->n += l; }
static void raw_str(Raw *r, const char *s) { raw_u32(r, strlen(s)); raw_bytes(r, s, strlen(s) + 1); }
static void raw_sig(Raw *r, const char *s) { raw_y(r, (uint8_t) strlen(s)); raw_bytes(r, s, strlen(s) + 1); }
static void raw_field(Raw *r, uint8_t code, const char *type, const char *s, uint32_t u) {
        raw_align(r, 8);
        raw_y(r, code);
        raw_sig(r, type);
        if (type[0] == 'u') raw_u32(r, u);
        else if (type[0] == 'g') raw_sig(r, s);
        else raw_str(r, s);
}

/* A method call "/p" "M" with signature sig (NULL: none) and the given body bytes. */
static size_t raw_call(Raw *r, const char *sig, const void *body, size_t body_len) {
        r->n = 0;
        raw_bytes(r, "l\1\0\1", 4);
        raw_u32(r, (uint32_t) body_len);
        raw_u32(r, 1);
        raw_u32(r, 0);
        raw_field(r, 1, "o", "/p", 0);
        raw_field(r, 3, "s", "M", 0);
        if (sig)
                raw_field(r, 8, "g", sig, 0);
        uint32_t fl = (uint32_t) (r->n - 16);
        memcpy(r->b + 12, &fl, 4);
        raw_align(r, 8);
        raw_bytes(r, body, body_len);
        return r->n;
}

static int parse_raw(const Raw *r) {
        BusMessage *m = NULL;
        int k = bus_message_parse(r->b, r->n, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &m);
        if (k >= 0) {
                assert_non_null(m);
                bus_message_free(m);
        }
        return k;
}

static int parse_body(const char *sig, const void *body, size_t len) {
        Raw r;
        raw_call(&r, sig, body, len);
        return parse_raw(&r);
}

/* ---- tests ---- */

static void test_basic_types(void **state) {
        (void)state;
        _cleanup_bus_message_ BusMessage *m = NULL, *p = NULL;
        int pipefd[2];
        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);

        assert_int_equal(bus_message_new_method_call(&m, "org.example.Dest", "/org/example", "org.example.Iface", "Do"), 0);
        assert_int_equal(bus_message_append(m, "ybnqiuxtdsogh", 200, 1, -300, 65000, INT32_MIN, UINT32_MAX,
                                            INT64_MIN, UINT64_MAX, -0.25, "grüße", "/a/b_c/D0", "a{sv}(ii)", pipefd[0]), 0);
        close(pipefd[0]);
        assert_string_equal(m->signature, "ybnqiuxtdsogh");
        assert_int_equal(m->n_fds, 1);

        p = roundtrip(m, 42);
        assert_int_equal(p->type, BUS_MESSAGE_METHOD_CALL);
        assert_int_equal(p->serial, 42);
        assert_string_equal(p->destination, "org.example.Dest");
        assert_string_equal(p->path, "/org/example");
        assert_string_equal(p->interface, "org.example.Iface");
        assert_string_equal(p->member, "Do");
        assert_null(p->sender);
        assert_int_equal(p->unix_fds, 1);
        assert_string_equal(p->signature, "ybnqiuxtdsogh");

        /* read both the parsed and the sealed original */
        BusMessage *both[] = { p, m };
        for (size_t k = 0; k < 2; k++) {
                uint8_t y; int b, h; int16_t n; uint16_t q; int32_t i; uint32_t u; int64_t x; uint64_t t; double d;
                const char *s, *o, *g;
                assert_int_equal(bus_message_read(both[k], "ybnqiuxtdsogh", &y, &b, &n, &q, &i, &u, &x, &t, &d, &s, &o, &g, &h), 1);
                assert_int_equal(y, 200);
                assert_int_equal(b, 1);
                assert_int_equal(n, -300);
                assert_int_equal(q, 65000);
                assert_int_equal(i, INT32_MIN);
                assert_int_equal(u, UINT32_MAX);
                assert_true(x == INT64_MIN);
                assert_true(t == UINT64_MAX);
                assert_true(d == -0.25);
                assert_string_equal(s, "grüße");
                assert_string_equal(o, "/a/b_c/D0");
                assert_string_equal(g, "a{sv}(ii)");
                assert_true(h >= 0);
                struct stat st1, st2;
                assert_int_equal(fstat(h, &st1), 0);
                assert_int_equal(fstat(pipefd[1], &st2), 0);
                assert_true(st1.st_ino == st2.st_ino);  /* the same pipe */
                assert_true(bus_message_at_end(both[k], true));
                assert_int_equal(bus_message_read_basic(both[k], 'y', &y), 0);  /* at end */
                assert_int_equal(bus_message_rewind(both[k]), 0);
                assert_int_equal(bus_message_read_basic(both[k], 'b', &b), -ENXIO);
                assert_int_equal(bus_message_skip(both[k], "ybnqiuxtdsog"), 1);
                assert_int_equal(bus_message_read_basic(both[k], 'h', &h), 1);
        }
        close(pipefd[1]);

        /* booleans are normalized; an unsealed message cannot be read */
        _cleanup_bus_message_ BusMessage *b2 = NULL;
        assert_int_equal(bus_message_new_signal(&b2, "/", "a.b", "C"), 0);
        assert_int_equal(bus_message_append(b2, "b", 17), 0);
        int bv;
        assert_int_equal(bus_message_read_basic(b2, 'b', &bv), -EPERM);
        assert_int_equal(bus_message_seal(b2, 1), 0);
        assert_int_equal(bus_message_read_basic(b2, 'b', &bv), 1);
        assert_int_equal(bv, 1);
        assert_int_equal(bus_message_append(b2, "b", 0), -EPERM);  /* sealed */
}

static void test_containers(void **state) {
        (void)state;
        _cleanup_bus_message_ BusMessage *m = NULL, *p = NULL;

        assert_int_equal(bus_message_new_signal(&m, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "JobRemoved"), 0);
        assert_int_equal(bus_message_append(m, "uoss", 7, "/org/freedesktop/systemd1/job/7", "foo.service", "done"), 0);
        /* varargs containers: a{sv} with nested arrays and a variant in a variant */
        assert_int_equal(bus_message_append(m, "a{sv}", 3, "A", "u", 5, "B", "as", 2, "x", "y", "C", "v", "(ti)", UINT64_C(9), -1), 0);
        /* explicit containers: aa(ii) with an empty inner array, and an empty "at" (8-aligned elements) */
        assert_int_equal(bus_message_open_container(m, 'a', "a(ii)"), 0);
        assert_int_equal(bus_message_open_container(m, 'a', "(ii)"), 0);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_open_container(m, 'a', "(ii)"), 0);
        assert_int_equal(bus_message_open_container(m, 'r', "ii"), 0);
        assert_int_equal(bus_message_append(m, "ii", 1, 2), 0);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_append(m, "(ii)", 3, 4), 0);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_append(m, "at", 0), 0);
        char *l[] = { "one", "two", "", NULL };
        assert_int_equal(bus_message_append_strv(m, l), 0);
        assert_int_equal(bus_message_append(m, "a{sa(sss)}", 1, "k", 1, "a", "b", "c"), 0);
        assert_string_equal(m->signature, "uossa{sv}aa(ii)atasa{sa(sss)}");

        p = roundtrip(m, 3);
        assert_int_equal(p->flags, BUS_FLAG_NO_REPLY_EXPECTED);
        assert_true(bus_message_is_signal(p, "org.freedesktop.systemd1.Manager", "JobRemoved"));
        assert_false(bus_message_is_method_call(p, NULL, NULL));

        uint32_t id; const char *job, *unit, *result;
        assert_int_equal(bus_message_read(p, "uoss", &id, &job, &unit, &result), 1);
        assert_int_equal(id, 7);
        assert_string_equal(job, "/org/freedesktop/systemd1/job/7");
        assert_string_equal(unit, "foo.service");
        assert_string_equal(result, "done");

        char type; const char *contents;
        assert_int_equal(bus_message_peek_type(p, &type, &contents), 1);
        assert_int_equal(type, 'a');
        assert_string_equal(contents, "{sv}");
        assert_int_equal(bus_message_enter_container(p, 'a', "{ss}"), -ENXIO);
        assert_int_equal(bus_message_enter_container(p, 'a', "{sv}"), 1);
        const char *key;
        uint32_t a;
        assert_int_equal(bus_message_read(p, "{sv}", &key, "u", &a), 1);
        assert_string_equal(key, "A");
        assert_int_equal(a, 5);
        assert_int_equal(bus_message_enter_container(p, 'e', "sv"), 1);
        assert_int_equal(bus_message_read_basic(p, 's', &key), 1);
        assert_string_equal(key, "B");
        assert_int_equal(bus_message_peek_type(p, &type, &contents), 1);
        assert_int_equal(type, 'v');
        assert_string_equal(contents, "as");
        assert_int_equal(bus_message_enter_container(p, 'v', "s"), -ENXIO);
        assert_int_equal(bus_message_enter_container(p, 'v', NULL), 1);
        _cleanup_strv_free_ char **sv = NULL;
        assert_int_equal(bus_message_read_strv(p, &sv), 1);
        assert_int_equal(strv_length(sv), 2);
        assert_string_equal(sv[1], "y");
        assert_true(bus_message_at_end(p, false));
        assert_false(bus_message_at_end(p, true));
        assert_int_equal(bus_message_exit_container(p), 0);  /* variant */
        assert_int_equal(bus_message_exit_container(p), 0);  /* dict entry */
        uint64_t t; int32_t i;
        assert_int_equal(bus_message_read(p, "{sv}", &key, "v", "(ti)", &t, &i), 1);
        assert_string_equal(key, "C");
        assert_true(t == 9);
        assert_int_equal(i, -1);
        assert_int_equal(bus_message_enter_container(p, 'e', "sv"), 0);  /* no more entries */
        assert_int_equal(bus_message_exit_container(p), 0);

        /* aa(ii): first inner array empty, second has two structs */
        assert_int_equal(bus_message_enter_container(p, 'a', "a(ii)"), 1);
        assert_int_equal(bus_message_enter_container(p, 'a', "(ii)"), 1);
        assert_true(bus_message_at_end(p, false));
        assert_int_equal(bus_message_enter_container(p, 'r', "ii"), 0);
        assert_int_equal(bus_message_exit_container(p), 0);
        int n = 0;
        assert_int_equal(bus_message_enter_container(p, 'a', "(ii)"), 1);
        int32_t x, y;
        while ((bus_message_read(p, "(ii)", &x, &y)) == 1)
                n += x * 10 + y;
        assert_int_equal(n, 12 + 34);
        assert_int_equal(bus_message_exit_container(p), 0);
        assert_int_equal(bus_message_enter_container(p, 'a', "(ii)"), 0);
        assert_int_equal(bus_message_exit_container(p), 0);

        /* the empty "at", then skip the strv and the last dict without reading them */
        assert_int_equal(bus_message_enter_container(p, 'a', "t"), 1);
        assert_int_equal(bus_message_read_basic(p, 't', &t), 0);
        assert_int_equal(bus_message_exit_container(p), 0);
        assert_int_equal(bus_message_skip(p, "as"), 1);
        assert_int_equal(bus_message_enter_container(p, 'a', NULL), 1);
        assert_int_equal(bus_message_exit_container(p), 0);  /* skips unread contents */
        assert_true(bus_message_at_end(p, true));
        assert_int_equal(bus_message_skip(p, NULL), 0);

        /* partial reading then exit from a struct skips the rest */
        assert_int_equal(bus_message_rewind(p), 0);
        assert_int_equal(bus_message_skip(p, "uossa{sv}"), 1);
        assert_int_equal(bus_message_enter_container(p, 'a', "a(ii)"), 1);
        assert_int_equal(bus_message_skip(p, NULL), 1);
        assert_int_equal(bus_message_enter_container(p, 'a', "(ii)"), 1);
        assert_int_equal(bus_message_enter_container(p, '(', "ii"), 1);
        assert_int_equal(bus_message_read_basic(p, 'i', &x), 1);
        assert_int_equal(bus_message_exit_container(p), 0);
        assert_int_equal(bus_message_read(p, "(ii)", &x, &y), 1);
        assert_int_equal(x * 10 + y, 34);
        assert_int_equal(bus_message_exit_container(p), 0);
        assert_int_equal(bus_message_exit_container(p), 0);
        _cleanup_strv_free_ char **sv2 = NULL;
        assert_int_equal(bus_message_skip(p, "at"), 1);
        assert_int_equal(bus_message_read_strv(p, &sv2), 1);
        assert_int_equal(strv_length(sv2), 3);
        assert_string_equal(sv2[2], "");
        assert_int_equal(bus_message_read(p, "a", NULL), -EINVAL);  /* arrays are not read by varargs */
}

static void test_layout(void **state) {
        (void)state;
        /* Exact bytes of a small body: u32 array length excludes the padding before the first
         * 8-aligned element, and an empty array still pads to its element alignment. */
        _cleanup_bus_message_ BusMessage *m = NULL;
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/", NULL, "M"), 0);
        assert_int_equal(bus_message_append(m, "atatv", 0, 1, UINT64_C(2), "y", 4), 0);
        const uint8_t want[] = {
                0, 0, 0, 0, 0, 0, 0, 0,  /* empty at: length 0, then padding to 8 all the same */
                8, 0, 0, 0, 0, 0, 0, 0,  /* length 8 excludes the padding */
                2, 0, 0, 0, 0, 0, 0, 0,
                1, 'y', 0, 4,
        };
        assert_int_equal(m->body_size, sizeof(want));
        assert_memory_equal(m->body, want, sizeof(want));
}

static void test_captured_getunit(void **state) {
        (void)state;
        _cleanup_bus_message_ BusMessage *m = NULL, *h = NULL, *b = NULL;
        size_t need;

        assert_int_equal(bus_message_frame_size(getunit_call, 10, BUS_MESSAGE_SIZE_DEFAULT, &need), 0);
        assert_int_equal(need, 16);
        assert_int_equal(bus_message_frame_size(getunit_call, 16, BUS_MESSAGE_SIZE_DEFAULT, &need), 0);
        assert_int_equal(need, sizeof(getunit_call));
        assert_int_equal(bus_message_frame_size(getunit_call, 16, 100, &need), -EMSGSIZE);

        assert_int_equal(bus_message_parse(getunit_call, sizeof(getunit_call), BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &m), 0);
        assert_int_equal(m->type, BUS_MESSAGE_METHOD_CALL);
        assert_int_equal(m->flags, BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION);
        assert_int_equal(m->serial, 2);
        assert_false(m->big_endian);
        assert_string_equal(m->path, "/org/freedesktop/systemd1");
        assert_string_equal(m->interface, "org.freedesktop.systemd1.Manager");
        assert_string_equal(m->member, "GetUnit");
        assert_string_equal(m->destination, "org.freedesktop.systemd1");
        assert_null(m->sender);
        assert_string_equal(m->signature, "s");
        assert_true(bus_message_is_method_call(m, "org.freedesktop.systemd1.Manager", "GetUnit"));
        assert_true(bus_message_expects_reply(m));
        const char *name;
        assert_int_equal(bus_message_read(m, "s", &name), 1);
        assert_string_equal(name, "ssh.service");

        assert_int_equal(bus_message_parse(hello_call, sizeof(hello_call), BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &h), 0);
        assert_string_equal(h->member, "Hello");
        assert_string_equal(h->signature, "");
        assert_int_equal(h->body_size, 0);
        assert_true(bus_message_at_end(h, true));

        /* Our own build of the same call carries the same information; the body bytes are equal
         * (sd-bus orders the header fields 1,3,2,6,8, we 1,2,3,6,8: both are fine). */
        assert_int_equal(bus_message_new_method_call(&b, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                                     "org.freedesktop.systemd1.Manager", "GetUnit"), 0);
        assert_int_equal(bus_message_set_flags(b, BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION), 0);
        assert_int_equal(bus_message_append(b, "s", "ssh.service"), 0);
        assert_int_equal(bus_message_seal(b, 2), 0);
        uint8_t *bytes; size_t size;
        assert_int_equal(bus_message_to_bytes(b, &bytes, &size), 0);
        assert_int_equal(size, sizeof(getunit_call));
        assert_memory_equal(bytes, getunit_call, 16);
        assert_memory_equal(bytes + size - 16, getunit_call + size - 16, 16);
        free(bytes);

        /* a reply and an error to the captured call */
        _cleanup_bus_message_ BusMessage *r = NULL, *e = NULL, *pr = NULL, *pe = NULL;
        assert_int_equal(bus_message_new_method_return(&r, m), 0);
        assert_int_equal(bus_message_append(r, "o", "/org/freedesktop/systemd1/unit/ssh_2eservice"), 0);
        pr = roundtrip(r, 9);
        assert_int_equal(pr->type, BUS_MESSAGE_METHOD_RETURN);
        assert_int_equal(pr->reply_serial, 2);
        assert_int_equal(pr->flags, BUS_FLAG_NO_REPLY_EXPECTED);
        assert_int_equal(bus_message_new_method_errorf(&e, m, "org.freedesktop.systemd1.NoSuchUnit",
                                                       "Unit %s not loaded.", "ssh.service"), 0);
        pe = roundtrip(e, 10);
        assert_true(bus_message_is_error(pe, "org.freedesktop.systemd1.NoSuchUnit"));
        assert_false(bus_message_is_error(pe, "org.freedesktop.DBus.Error.Failed"));
        const char *en, *et;
        assert_int_equal(bus_message_get_error(pe, &en, &et), 0);
        assert_string_equal(en, "org.freedesktop.systemd1.NoSuchUnit");
        assert_string_equal(et, "Unit ssh.service not loaded.");
        assert_int_equal(pe->reply_serial, 2);
        assert_string_equal(bus_message_type_to_string(pe->type), "error");
        assert_int_equal(bus_message_get_error(pr, &en, &et), -EINVAL);
}

static void check_vector(BusMessage *m) {
        uint8_t y; int16_t n; uint16_t q; int32_t i; uint32_t u; int64_t x; uint64_t t, vt; double d;
        const char *s, *o, *g, *k; int b; uint32_t vu;
        assert_int_equal(bus_message_read(m, "ynqiuxtdsogb", &y, &n, &q, &i, &u, &x, &t, &d, &s, &o, &g, &b), 1);
        assert_int_equal(y, 0xfe);
        assert_int_equal(n, -2);
        assert_int_equal(q, 0xfffe);
        assert_int_equal(i, -5);
        assert_int_equal(u, 0xdeadbeef);
        assert_true(x == -(INT64_C(1) << 40));
        assert_true(t == UINT64_MAX - 1);
        assert_true(d == 1.5);
        assert_string_equal(s, "héllo");
        assert_string_equal(o, "/a/b");
        assert_string_equal(g, "a{sv}");
        assert_int_equal(b, 1);
        assert_int_equal(bus_message_enter_container(m, 'a', "i"), 1);
        assert_int_equal(bus_message_read(m, "ii", &i, &u), 1);
        assert_int_equal(i * 10 + (int) u, 78);
        assert_int_equal(bus_message_exit_container(m), 0);
        assert_int_equal(bus_message_read(m, "v(ys)", "t", &vt, &y, &s), 1);
        assert_true(vt == 42);
        assert_int_equal(y, 3);
        assert_string_equal(s, "x");
        assert_int_equal(bus_message_enter_container(m, 'a', "{sv}"), 1);
        assert_int_equal(bus_message_read(m, "{sv}", &k, "u", &vu), 1);
        assert_string_equal(k, "k");
        assert_int_equal(vu, 9);
        assert_int_equal(bus_message_exit_container(m), 0);
        assert_true(bus_message_at_end(m, true));
}

static void test_big_endian(void **state) {
        (void)state;
        _cleanup_bus_message_ BusMessage *be = NULL, *le = NULL, *conv = NULL;

        assert_int_equal(bus_message_parse(vec_be, sizeof(vec_be), BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &be), 0);
        assert_true(be->big_endian);
        assert_int_equal(be->serial, 7);
        assert_string_equal(be->member, "Frob");
        assert_string_equal(be->signature, "ynqiuxtdsogbaiv(ys)a{sv}");
        check_vector(be);
        assert_int_equal(bus_message_parse(vec_le, sizeof(vec_le), BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &le), 0);
        check_vector(le);

        uint8_t *bytes; size_t size;
        assert_int_equal(bus_message_to_bytes(be, &bytes, &size), -EOPNOTSUPP);
        /* re-encode the big-endian body: identical to the little-endian vector */
        assert_int_equal(bus_message_new_method_call(&conv, NULL, "/org/x", NULL, "Frob"), 0);
        assert_int_equal(bus_message_rewind(be), 0);
        assert_int_equal(bus_message_copy_body(conv, be), 0);
        assert_int_equal(bus_message_seal(conv, 7), 0);
        assert_int_equal(bus_message_to_bytes(conv, &bytes, &size), 0);
        assert_int_equal(size, sizeof(vec_le));
        assert_memory_equal(bytes, vec_le, size);
        free(bytes);
        assert_int_equal(bus_message_to_bytes(le, &bytes, &size), 0);
        assert_memory_equal(bytes, vec_le, size);
        free(bytes);
}

static void test_build_errors(void **state) {
        (void)state;
        BusMessage *m = NULL;

        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a/", NULL, "M"), -EINVAL);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", "noDot", "M"), -EINVAL);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "1M"), -EINVAL);
        assert_int_equal(bus_message_new_method_call(&m, "-bad..name", "/a", NULL, "M"), -EINVAL);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, NULL), -EINVAL);
        assert_int_equal(bus_message_new_signal(&m, "/a", NULL, "M"), -EINVAL);
        assert_null(m);

        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        _cleanup_bus_message_ BusMessage *reply = NULL;
        assert_int_equal(bus_message_new_method_return(&reply, m), -EINVAL);  /* unsealed call: no serial */
        assert_int_equal(bus_message_append(m, "s", "\xc0\x80"), -EINVAL);  /* overlong NUL */
        assert_int_equal(bus_message_append(m, "s", "ok"), -EINVAL);      /* poisoned */
        assert_int_equal(bus_message_seal(m, 1), -EINVAL);
        m = bus_message_free(m);

        const struct { const char *types; } bad[] = { { "a" }, { "(" }, { "()" }, { "{sv}" }, { "a{vs}" }, { "x)" } };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
                assert_true(bus_message_append(m, bad[i].types, 0) < 0);
                m = bus_message_free(m);
        }

        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_append(m, "o", "/a//b"), -EINVAL);
        m = bus_message_free(m);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_append(m, "g", "a"), -EINVAL);
        m = bus_message_free(m);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_open_container(m, 'e', "sv"), -ENXIO);  /* dict entry outside an array */
        m = bus_message_free(m);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_open_container(m, 'a', "s"), 0);
        assert_int_equal(bus_message_append(m, "u", 1), -ENXIO);  /* wrong element type */
        m = bus_message_free(m);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_open_container(m, 'r', "su"), 0);
        assert_int_equal(bus_message_append(m, "s", "x"), 0);
        assert_int_equal(bus_message_close_container(m), -ENXIO);  /* incomplete struct */
        m = bus_message_free(m);
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_open_container(m, 'v', "s"), 0);
        assert_int_equal(bus_message_seal(m, 1), -EBUSY);           /* still open */
        assert_int_equal(bus_message_append(m, "s", "x"), 0);
        assert_int_equal(bus_message_append(m, "s", "y"), -ENXIO);  /* a variant holds one value */
        m = bus_message_free(m);

        /* 32 nested arrays are fine, 33 are not; also through variants at run time */
        char sig[40] = "";
        memset(sig, 'a', 32);
        sig[32] = 'y';
        assert_true(bus_signature_is_valid(sig, true));
        memset(sig, 'a', 33);
        sig[33] = 'y';
        assert_false(bus_signature_is_valid(sig, true));
        /* 31 arrays around a variant, opened one by one; the variant may not add a 33rd */
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        for (int k = 30; k >= 0; k--) {
                memset(sig, 'a', k);
                strcpy(sig + k, "v");
                assert_int_equal(bus_message_open_container(m, 'a', sig), 0);
        }
        assert_int_equal(bus_message_open_container(m, 'v', "ay"), 0);  /* 32nd array */
        assert_int_equal(bus_message_open_container(m, 'a', "y"), 0);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_open_container(m, 'v', "aay"), -EINVAL);
        m = bus_message_free(m);
        int r;
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        r = 0;
        int i;
        for (i = 0; i < 70 && r >= 0; i++)
                r = bus_message_open_container(m, 'v', "v");
        assert_int_equal(r, -EINVAL);
        assert_int_equal(i, BUS_DEPTH_MAX + 1);
        m = bus_message_free(m);

        /* an fd that is not open */
        assert_int_equal(bus_message_new_method_call(&m, NULL, "/a", NULL, "M"), 0);
        assert_int_equal(bus_message_append(m, "h", -1), -EBADF);
        m = bus_message_free(m);
}

static void test_names(void **state) {
        (void)state;
        assert_true(bus_object_path_is_valid("/"));
        assert_true(bus_object_path_is_valid("/a_b/C9"));
        assert_false(bus_object_path_is_valid(""));
        assert_false(bus_object_path_is_valid("a"));
        assert_false(bus_object_path_is_valid("/a/"));
        assert_false(bus_object_path_is_valid("//"));
        assert_false(bus_object_path_is_valid("/a-b"));
        assert_true(bus_interface_name_is_valid("org.freedesktop.DBus"));
        assert_true(bus_interface_name_is_valid("a._b"));
        assert_false(bus_interface_name_is_valid("org"));
        assert_false(bus_interface_name_is_valid("org.1x"));
        assert_false(bus_interface_name_is_valid("org..x"));
        assert_false(bus_interface_name_is_valid("org.x."));
        assert_false(bus_interface_name_is_valid("org.a-b"));
        assert_true(bus_member_name_is_valid("GetUnit"));
        assert_false(bus_member_name_is_valid("Get.Unit"));
        assert_false(bus_member_name_is_valid(""));
        assert_true(bus_bus_name_is_valid(":1.42"));
        assert_true(bus_bus_name_is_valid("org.freedesktop.systemd1"));
        assert_true(bus_bus_name_is_valid("a-b.c"));
        assert_false(bus_bus_name_is_valid(":1"));
        assert_false(bus_bus_name_is_valid("1a.b"));
        assert_true(bus_signature_is_valid("", false));
        assert_false(bus_signature_is_valid("", true));
        assert_true(bus_signature_is_valid("a{sv}as(ii)v", false));
        assert_false(bus_signature_is_valid("a{sv}as", true));
        assert_false(bus_signature_is_valid("a{s}", false));
        assert_false(bus_signature_is_valid("a{ssv}", false));
        assert_false(bus_signature_is_valid("a{(s)v}", false));
        assert_false(bus_signature_is_valid("(", false));
        assert_false(bus_signature_is_valid(")", false));
        assert_false(bus_signature_is_valid("z", false));
        char s[300];
        memset(s, 'y', 255);
        s[255] = 0;
        assert_true(bus_signature_is_valid(s, false));
        s[255] = 'y';
        s[256] = 0;
        assert_false(bus_signature_is_valid(s, false));
        assert_true(bus_utf8_is_valid("h\xc3\xa9", 3));
        assert_false(bus_utf8_is_valid("\xed\xa0\x80", 3));        /* surrogate */
        assert_false(bus_utf8_is_valid("\xf4\x90\x80\x80", 4));    /* > U+10FFFF */
        assert_false(bus_utf8_is_valid("\xe0\x80\xaf", 3));        /* overlong */
        assert_false(bus_utf8_is_valid("\xc3", 1));                /* truncated */
        assert_false(bus_utf8_is_valid("a\0b", 3));
}

static void test_malformed_bodies(void **state) {
        (void)state;
        /* the helper itself makes a valid message */
        assert_int_equal(parse_body("u", "\x05\0\0\0", 4), 0);
        assert_int_equal(parse_body(NULL, "", 0), 0);

        const struct { const char *sig; const char *body; size_t len; } bad[] = {
                { NULL, "\0\0\0\0", 4 },                  /* body without signature */
                { "u", "\0\0\0", 3 },                      /* short */
                { "u", "\0\0\0\0\0", 5 },                  /* extra byte */
                { "b", "\2\0\0\0", 4 },                    /* boolean 2 */
                { "h", "\0\0\0\0", 4 },                    /* fd index without fds */
                { "yu", "\1\1\0\0\5\0\0\0", 8 },           /* nonzero padding */
                { "s", "\1\0\0\0a", 5 },                   /* no NUL */
                { "s", "\1\0\0\0ab", 6 },                  /* wrong terminator */
                { "s", "\3\0\0\0a\0b\0", 8 },              /* embedded NUL */
                { "s", "\2\0\0\0\xc0\x80\0", 7 },          /* overlong */
                { "s", "\3\0\0\0\xed\xa0\x80\0", 8 },      /* surrogate */
                { "s", "\xff\xff\xff\xff" "a\0", 6 },      /* huge length */
                { "o", "\2\0\0\0/a\0", 7 },                /* ok path below: this one is valid */
                { "o", "\3\0\0\0/a/\0", 8 },               /* trailing slash */
                { "o", "\1\0\0\0a\0", 6 },                 /* relative */
                { "g", "\1(\0", 3 },                       /* bad signature value */
                { "g", "\2a\0\0", 4 },                     /* embedded NUL in signature */
                { "v", "\2ss\0", 4 },                      /* variant of two types */
                { "v", "\0\0", 2 },                        /* variant of nothing */
                { "v", "\1u\0\0\1\0\0\0\0", 9 },           /* variant value over the end */
                { "ai", "\5\0\0\0\1\0\0\0\2", 9 },         /* array length not a multiple */
                { "ai", "\x08\0\0\0\1\0\0\0", 8 },         /* array longer than body */
                { "ai", "\0\0\0\x05" "", 4 },              /* 80 MiB array */
                { "at", "\0\0\0\0\1\0\0\0", 8 },           /* nonzero padding after the length */
                { "a(y)", "\x01\0\0\0\0\0\0\0\x07", 9 },   /* fine: a(y) of one */
                { "ay", "\x02\0\0\0\1", 5 },               /* elements cut */
                { "(yy)", "\1", 1 },                       /* struct cut */
                { "a{yy}", "\x03\0\0\0\0\0\0\0\1\2\3", 11 },/* dict entry crosses the array's end */
        };
        /* entries that are actually valid (kept in the table to show the boundary) */
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = parse_body(bad[i].sig, bad[i].body, bad[i].len);
                bool valid = (bad[i].sig && streq(bad[i].sig, "o") && bad[i].len == 7) ||
                             (bad[i].sig && streq(bad[i].sig, "a(y)"));
                if (valid)
                        assert_int_equal(r, 0);
                else if (r != -EBADMSG)
                        fail_msg("case %zu (%s): %d", i, strna(bad[i].sig), r);
        }

        const char *bad_sigs[] = { "(", "a", "{sv}", "()", "a{vs}", "a{sss}", "z", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay" };
        for (size_t i = 0; i < ELEMENTSOF(bad_sigs); i++)
                assert_int_equal(parse_body(bad_sigs[i], "", 0), -EBADMSG);

        /* variants nested beyond the total depth of 64 */
        uint8_t deep[400];
        size_t n = 0;
        for (int i = 0; i < 70; i++) {
                deep[n++] = 1;
                deep[n++] = 'v';
                deep[n++] = 0;
        }
        assert_int_equal(parse_body("v", deep, n), -EBADMSG);
        /* 63 nested variants around a byte are fine (64 levels with the last one) */
        n = 0;
        for (int i = 0; i < 63; i++) {
                deep[n++] = 1; deep[n++] = 'v'; deep[n++] = 0;
        }
        deep[n++] = 1; deep[n++] = 'y'; deep[n++] = 0; deep[n++] = 7;
        assert_int_equal(parse_body("v", deep, n), 0);
        /* 32 arrays in the signature are fine; one more inside a variant is not */
        char sig[40];
        memset(sig, 'a', 32);
        strcpy(sig + 32, "v");
        uint8_t arr[256] = {0};  /* 32 empty-ish arrays: only the outermost is read, length 0 */
        assert_int_equal(parse_body(sig, arr, 4), 0);
        /* outer 31 arrays each hold one inner array; the 32nd holds a variant "ay" */
        n = 0;
        for (int i = 0; i < 32; i++) {
                uint32_t len = (uint32_t) (4 * (31 - i) + 4 + 4 + 4);  /* inner lengths + variant */
                memcpy(arr + n, &len, 4);
                n += 4;
        }
        /* variant "ay" with an empty array: 2 'a' 'y' 0 + length 0 (aligned to 4) */
        memcpy(arr + n, "\2ay\0\0\0\0\0", 8);
        n += 8;
        /* fix lengths: array i contains everything after its length word */
        for (int i = 0; i < 32; i++) {
                uint32_t len = (uint32_t) (n - 4 * (i + 1));
                memcpy(arr + 4 * i, &len, 4);
        }
        assert_int_equal(parse_body(sig, arr, n), -EBADMSG);
        memcpy(arr + n - 8, "\1y\0\7\0\0\0\0", 8);  /* variant "y" instead: 32 arrays only */
        for (int i = 0; i < 32; i++) {
                uint32_t len = (uint32_t) (n - 4 - 4 * (i + 1));
                memcpy(arr + 4 * i, &len, 4);
        }
        assert_int_equal(parse_body(sig, arr, n - 4), 0);
}

static void test_malformed_headers(void **state) {
        (void)state;
        Raw r;
        BusMessage *m = NULL;

        raw_call(&r, "u", "\x05\0\0\0", 4);
        Raw good = r;
        assert_int_equal(parse_raw(&r), 0);

        /* every truncation fails cleanly */
        for (size_t l = 0; l < good.n; l++)
                assert_true(bus_message_parse(good.b, l, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &m) < 0);
        /* size bound */
        assert_int_equal(bus_message_parse(good.b, good.n, 32, NULL, 0, &m), -EMSGSIZE);

        const struct { size_t off; uint8_t val; } flips[] = {
                { 0, 'x' },   /* byte order */
                { 3, 2 },     /* version */
                { 1, 0 },     /* type 0 */
                { 1, 5 },     /* unknown type */
                { 8, 0 },     /* serial 0 */
                { 4, 5 },     /* body length */
                { 12, 0x30 }, /* fields length */
                { 16, 9 },    /* PATH code → UNIX_FDS with type o */
                { 16, 3 },    /* duplicate MEMBER (and no PATH) */
                { 18, 's' },  /* PATH with type s */
                { 24, 'x' },  /* path not starting with / */
        };
        for (size_t i = 0; i < ELEMENTSOF(flips); i++) {
                r = good;
                r.b[flips[i].off] = flips[i].val;
                int k = parse_raw(&r);
                if (k != -EBADMSG && k != -EMSGSIZE)
                        fail_msg("flip %zu: %d", i, k);
        }
        /* nonzero padding between header fields and after the header */
        r = good;
        assert_int_equal(r.b[27], 0);
        r.b[27] = 1;
        assert_int_equal(parse_raw(&r), -EBADMSG);

        /* missing required fields; unknown fields are ignored, known ones need their types */
        struct { uint8_t type; int fields; int want; } req[] = {
                { 1, 1, -EBADMSG },      /* call: PATH only */
                { 1, 3, 0 },             /* call: PATH + MEMBER */
                { 4, 3, -EBADMSG },      /* signal needs INTERFACE */
                { 4, 7, 0 },
                { 2, 0, -EBADMSG },      /* return needs REPLY_SERIAL */
                { 2, 8, 0 },
                { 3, 8, -EBADMSG },      /* error needs ERROR_NAME */
                { 3, 24, 0 },
                { 1, 3 | 32, 0 },        /* unknown field 42 (variant "as") is ignored */
                { 1, 3 | 64, -EBADMSG }, /* REPLY_SERIAL 0 */
                { 1, 3 | 128, -EBADMSG },/* invalid DESTINATION */
                { 1, 3 | 256, -EBADMSG },/* UNIX_FDS 1 but no fd */
                { 1, 3 | 512, -EBADMSG },/* invalid INTERFACE */
        };
        for (size_t i = 0; i < ELEMENTSOF(req); i++) {
                r.n = 0;
                raw_bytes(&r, "l", 1);
                raw_y(&r, req[i].type);
                raw_bytes(&r, "\0\1", 2);
                raw_u32(&r, 0);
                raw_u32(&r, 1);
                raw_u32(&r, 0);
                int f = req[i].fields;
                if (f & 1) raw_field(&r, 1, "o", "/p", 0);
                if (f & 2) raw_field(&r, 3, "s", "M", 0);
                if (f & 4) raw_field(&r, 2, "s", "a.b", 0);
                if (f & 8) raw_field(&r, 5, "u", NULL, 1);
                if (f & 16) raw_field(&r, 4, "s", "a.Err", 0);
                if (f & 32) {
                        raw_align(&r, 8); raw_y(&r, 42); raw_sig(&r, "as");
                        raw_u32(&r, 6); raw_str(&r, "x");
                }
                if (f & 64) raw_field(&r, 5, "u", NULL, 0);
                if (f & 128) raw_field(&r, 6, "s", "no", 0);
                if (f & 256) raw_field(&r, 9, "u", NULL, 1);
                if (f & 512) raw_field(&r, 2, "s", "a..b", 0);
                uint32_t fl = (uint32_t) (r.n - 16);
                memcpy(r.b + 12, &fl, 4);
                raw_align(&r, 8);
                int k = parse_raw(&r);
                if (k != req[i].want)
                        fail_msg("header case %zu: %d", i, k);
        }

        /* unix fds: the count must match what arrived */
        r.n = 0;
        raw_bytes(&r, "l\1\0\1", 4);
        raw_u32(&r, 4);
        raw_u32(&r, 1);
        raw_u32(&r, 0);
        raw_field(&r, 1, "o", "/p", 0);
        raw_field(&r, 3, "s", "M", 0);
        raw_field(&r, 8, "g", "h", 0);
        raw_field(&r, 9, "u", NULL, 1);
        uint32_t fl = (uint32_t) (r.n - 16);
        memcpy(r.b + 12, &fl, 4);
        raw_align(&r, 8);
        raw_u32(&r, 0);
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(bus_message_parse(r.b, r.n, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &m), -EBADMSG);
        assert_int_equal(bus_message_parse(r.b, r.n, BUS_MESSAGE_SIZE_DEFAULT, &fd, 1, &m), 0);
        int got;
        assert_int_equal(bus_message_read_basic(m, 'h', &got), 1);
        assert_int_equal(got, fd);
        m = bus_message_free(m);  /* closes fd */
        assert_int_equal(fcntl(fd, F_GETFD), -1);
        r.b[r.n - 4] = 1;  /* index 1 of 1 fd */
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_int_equal(bus_message_parse(r.b, r.n, BUS_MESSAGE_SIZE_DEFAULT, &fd, 1, &m), -EBADMSG);
        close(fd);
}

static void test_single_byte_corruption(void **state) {
        (void)state;
        /* no crash and no leak for any single-byte change of real messages */
        const struct { const uint8_t *p; size_t n; } msgs[] = {
                { getunit_call, sizeof(getunit_call) }, { vec_le, sizeof(vec_le) }, { vec_be, sizeof(vec_be) },
        };
        unsigned accepted = 0, rejected = 0;
        for (size_t k = 0; k < ELEMENTSOF(msgs); k++)
                for (size_t i = 0; i < msgs[k].n; i++)
                        for (int v = 0; v < 256; v += 17) {
                                uint8_t buf[512];
                                memcpy(buf, msgs[k].p, msgs[k].n);
                                buf[i] = (uint8_t) v;
                                BusMessage *m = NULL;
                                int r = bus_message_parse(buf, msgs[k].n, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &m);
                                if (r < 0) {
                                        assert_true(r == -EBADMSG || r == -EMSGSIZE);
                                        rejected++;
                                        continue;
                                }
                                accepted++;
                                /* whatever parses can be read completely */
                                BusMessage *c = NULL;
                                assert_int_equal(bus_message_new_method_call(&c, NULL, "/", NULL, "M"), 0);
                                assert_int_equal(bus_message_copy_body(c, m), 0);
                                bus_message_free(c);
                                bus_message_free(m);
                        }
        assert_true(accepted > 0);
        assert_true(rejected > accepted);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_basic_types),
                cmocka_unit_test(test_containers),
                cmocka_unit_test(test_layout),
                cmocka_unit_test(test_captured_getunit),
                cmocka_unit_test(test_big_endian),
                cmocka_unit_test(test_build_errors),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_malformed_bodies),
                cmocka_unit_test(test_malformed_headers),
                cmocka_unit_test(test_single_byte_corruption),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
