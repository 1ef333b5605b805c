/* SPDX-License-Identifier: MIT */
/* bus-path: object path labels as sd_bus_path_encode()/decode() make them (examples from systemd
 * 252's test-bus-marshal.c and from the unit paths PID 1 hands out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "base/util.h"
#include "bus/bus-message.h"
#include "bus/bus-path.h"
#include "unit/name.h"

#define UNIT "/org/freedesktop/systemd1/unit"

static void check(const char *id, const char *want) {
        _cleanup_free_ char *p = NULL, *back = NULL;
        assert_int_equal(bus_path_encode(UNIT, id, &p), 0);
        assert_string_equal(p, want);
        assert_true(bus_object_path_is_valid(p));
        assert_int_equal(bus_path_decode(p, UNIT, &back), 1);
        assert_string_equal(back, id);
}

static void test_unit_paths(void **state) {
        (void)state;
        check("dbus-broker.service", UNIT "/dbus_2dbroker_2eservice");
        check("-.mount", UNIT "/_2d_2emount");
        check("", UNIT "/_");
        check("ssh.service", UNIT "/ssh_2eservice");
        check("getty@tty1.service", UNIT "/getty_40tty1_2eservice");
        check("sys-devices-x\\x2dy.device", UNIT "/sys_2ddevices_2dx_5cx2dy_2edevice");
        check("0foo9", UNIT "/_30foo9");            /* a digit is escaped only in first position */
        check("a_b", UNIT "/a_5fb");                /* '_' itself is escaped */
        check("\xc3\xa9", UNIT "/_c3_a9");          /* bytes, lowercase hex */
        check("init.scope", UNIT "/init_2escope");
}

static void test_systemd_examples(void **state) {
        (void)state;
        char *a = NULL, *b = NULL;
        assert_int_equal(bus_path_encode("/foo/bar", "waldo", &a), 0);
        assert_string_equal(a, "/foo/bar/waldo");
        assert_int_equal(bus_path_decode(a, "/waldo", &b), 0);
        assert_null(b);
        assert_int_equal(bus_path_decode(a, "/foo/bar", &b), 1);
        assert_string_equal(b, "waldo");
        free(a); free(b);
        assert_int_equal(bus_path_encode("xxxx", "waldo", &a), -EINVAL);
        assert_int_equal(bus_path_encode("/foo/", "waldo", &a), -EINVAL);
        assert_int_equal(bus_path_encode("/foo/bar", "", &a), 0);
        assert_string_equal(a, "/foo/bar/_");
        assert_int_equal(bus_path_decode(a, "/foo/bar", &b), 1);
        assert_string_equal(b, "");
        free(a); free(b);
        assert_int_equal(bus_path_encode("/foo/bar", "foo.bar", &a), 0);
        assert_string_equal(a, "/foo/bar/foo_2ebar");
        free(a);
        assert_int_equal(bus_path_decode("/waldo", "/waldo", &b), 1);  /* the prefix itself: "" */
        assert_string_equal(b, "");
        free(b);
        assert_int_equal(bus_path_decode("/waldox", "/waldo", &b), 0);  /* not below it */
        assert_int_equal(bus_path_encode("/", "x.y", &a), 0);
        assert_string_equal(a, "/x_2ey");
        free(a);
        assert_int_equal(bus_path_decode("/x_2ey", "/", &b), 1);
        assert_string_equal(b, "x.y");
        free(b);
        assert_int_equal(bus_path_decode("/a/", "/a", &b), -EINVAL);
}

static void test_unescape_literal(void **state) {
        (void)state;
        /* an '_' without two hex digits stays literal (systemd's bus_label_unescape_n) */
        const struct { const char *in, *out; } t[] = {
                { "_", "" }, { "a_", "a_" }, { "a_2", "a_2" }, { "_zz", "_zz" }, { "_41_42", "AB" },
                { "_2E", "." }, { "x_2ey_", "x.y_" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *s = bus_label_unescape(t[i].in);
                assert_string_equal(s, t[i].out);
        }
        _cleanup_free_ char *e = bus_label_escape("a.b-c/d");
        assert_string_equal(e, "a_2eb_2dc_2fd");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_unit_paths),
                cmocka_unit_test(test_systemd_examples),
                cmocka_unit_test(test_unescape_literal),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
