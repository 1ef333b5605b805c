/* SPDX-License-Identifier: MIT */
/* dbus-api: resolving a call to one entry of the API table (with and without INTERFACE, as the
 * D-Bus specification says; an ambiguous member is refused), Introspect generated from the table,
 * and the consistency of PID 1's real tables (every name and signature valid, every member unique
 * on its object, every entry with a handler). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include "base/util.h"
#include "bus/bus-message.h"
#include "core/dbus-internal.h"

static int nop(BusCall *c) { (void)c; return 0; }
static int set_nop(BusCall *c) { (void)c; return 0; }
static int get_s(BusMessage *m, void *o) { (void)o; return bus_append_string(m, "x"); }

static const BusMethod a_methods[] = {
        { "Foo", "s", "o", BUS_ACCESS_READ, nop },
        { "Bar", "", "", BUS_ACCESS_PRIVILEGED, nop },
        { NULL },
};
static const BusMethod b_methods[] = {
        { "Foo", "u", "", BUS_ACCESS_PRIVILEGED, nop },
        { "Baz", "as", "a(sss)", BUS_ACCESS_READ, nop },
        { NULL },
};
static const BusProperty a_properties[] = {
        { "Name", "s", get_s },
        { "Level", "s", get_s, set_nop, BUS_ACCESS_PRIVILEGED },
        { NULL },
};
static const BusSignal a_signals[] = { { "Changed", "uoss" }, { NULL } };
static const BusInterface iface_a = { "org.example.A", a_methods, BUS_PROPERTY_TABLES(a_properties), a_signals };
static const BusInterface iface_b = { "org.example.B", b_methods, NULL, NULL };
static const BusInterface *const object[] = { BUS_STANDARD_INTERFACES, &iface_a, &iface_b, NULL };

static void test_resolve_with_interface(void **state) {
        (void)state;
        const BusInterface *i;
        const BusMethod *m;
        assert_int_equal(bus_resolve_method(object, "org.example.A", "Foo", &i, &m), 0);
        assert_ptr_equal(i, &iface_a);
        assert_ptr_equal(m, &a_methods[0]);
        assert_int_equal(bus_resolve_method(object, "org.example.B", "Foo", &i, &m), 0);
        assert_ptr_equal(m, &b_methods[0]);
        assert_int_equal(bus_resolve_method(object, "org.example.B", "Bar", &i, &m), -ENOENT);
        assert_int_equal(bus_resolve_method(object, "org.example.C", "Foo", &i, &m), -ENOENT);
        assert_int_equal(bus_resolve_method(object, "org.freedesktop.DBus.Properties", "Set", &i, &m), 0);
        assert_int_equal(m->access, BUS_ACCESS_BY_PROPERTY);
}

/* Without INTERFACE: by member over every interface of the object; two of them: refused. */
static void test_resolve_without_interface(void **state) {
        (void)state;
        const BusInterface *i;
        const BusMethod *m;
        assert_int_equal(bus_resolve_method(object, NULL, "Bar", &i, &m), 0);
        assert_ptr_equal(m, &a_methods[1]);
        assert_int_equal(m->access, BUS_ACCESS_PRIVILEGED);
        assert_int_equal(bus_resolve_method(object, NULL, "Baz", &i, &m), 0);
        assert_ptr_equal(i, &iface_b);
        assert_int_equal(bus_resolve_method(object, NULL, "Ping", &i, &m), 0);
        assert_ptr_equal(i, &bus_peer_interface);
        assert_int_equal(bus_resolve_method(object, NULL, "Foo", &i, &m), -ENOTUNIQ);
        assert_int_equal(bus_resolve_method(object, NULL, "Nope", &i, &m), -ENOENT);
}

static void test_find_property(void **state) {
        (void)state;
        const BusInterface *i = NULL;
        const BusProperty *p = bus_find_property(object, "", "Level", &i);
        assert_non_null(p);
        assert_ptr_equal(i, &iface_a);
        assert_non_null(p->set);
        assert_ptr_equal(bus_find_property(object, "org.example.A", "Name", NULL), &a_properties[0]);
        assert_null(bus_find_property(object, "org.example.B", "Name", NULL));
        assert_null(bus_find_property(object, NULL, "Nope", NULL));
}

static void test_introspect(void **state) {
        (void)state;
        Buf b = { 0 };
        assert_int_equal(bus_introspect(object, (const char *const[]) { "unit", NULL }, &b), 0);
        assert_non_null(strstr(b.s, "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"));
        assert_non_null(strstr(b.s, " <interface name=\"org.freedesktop.DBus.Peer\">\n  <method name=\"Ping\"/>\n"
                                    "  <method name=\"GetMachineId\">\n   <arg type=\"s\" direction=\"out\"/>\n  </method>\n"));
        assert_non_null(strstr(b.s, " <interface name=\"org.example.A\">\n  <method name=\"Foo\">\n"
                                    "   <arg type=\"s\" direction=\"in\"/>\n   <arg type=\"o\" direction=\"out\"/>\n  </method>\n"
                                    "  <method name=\"Bar\">\n"
                                    "   <annotation name=\"org.freedesktop.systemd1.Privileged\" value=\"true\"/>\n  </method>\n"
                                    "  <property name=\"Name\" type=\"s\" access=\"read\"/>\n"
                                    "  <property name=\"Level\" type=\"s\" access=\"readwrite\">\n"
                                    "   <annotation name=\"org.freedesktop.systemd1.Privileged\" value=\"true\"/>\n  </property>\n"
                                    "  <signal name=\"Changed\">\n   <arg type=\"u\"/>\n   <arg type=\"o\"/>\n"
                                    "   <arg type=\"s\"/>\n   <arg type=\"s\"/>\n  </signal>\n </interface>\n"));
        /* complete types, not characters */
        assert_non_null(strstr(b.s, "  <method name=\"Baz\">\n   <arg type=\"as\" direction=\"in\"/>\n"
                                    "   <arg type=\"a(sss)\" direction=\"out\"/>\n"));
        assert_non_null(strstr(b.s, " <node name=\"unit\"/>\n</node>\n"));
        buf_free(&b);
}

/* Every table PID 1 serves: valid names and signatures, a handler for every method and getter for
 * every property, no member twice on one object (so every call without INTERFACE resolves). */
static void check_object(const BusInterface *const *ifaces) {
        for (const BusInterface *const *i = ifaces; *i; i++) {
                assert_true(bus_interface_name_is_valid((*i)->name));
                for (const BusMethod *m = (*i)->methods; m && m->member; m++) {
                        assert_true(bus_member_name_is_valid(m->member));
                        assert_true(bus_signature_is_valid(m->in, false));
                        assert_true(bus_signature_is_valid(m->out, false));
                        assert_non_null(m->handler);
                        const BusInterface *found;
                        const BusMethod *e;
                        if (bus_resolve_method(ifaces, NULL, m->member, &found, &e) != 0 || e != m)
                                fail_msg("%s.%s does not resolve uniquely without interface", (*i)->name, m->member);
                }
                BusPropertyIter it;
                for (const BusProperty *p = bus_property_first(*i, &it); p; p = bus_property_next(&it)) {
                        assert_true(bus_member_name_is_valid(p->name));
                        assert_true(bus_signature_is_valid(p->signature, true));
                        assert_non_null(p->get);
                        if (bus_find_property(ifaces, (*i)->name, p->name, NULL) != p)
                                fail_msg("property %s.%s is listed twice", (*i)->name, p->name);
                }
                for (const BusSignal *s = (*i)->signals; s && s->member; s++)
                        assert_true(bus_signature_is_valid(s->signature, false));
        }
}

static void test_real_tables(void **state) {
        (void)state;
        check_object(bus_manager_interfaces);
        check_object(bus_job_interfaces);
        static const char *const names[] = { "a.service", "a.socket", "a.timer", "a.path", "a.target", "a.slice",
                                             "a.mount", "a.device", "a.swap", "a.scope", "a.automount" };
        for (size_t k = 0; k < ELEMENTSOF(names); k++) {
                MUnit u = { .id = (char *)names[k] };
                const BusInterface *const *ifaces = bus_unit_interfaces(&u);
                assert_ptr_equal(ifaces[0], &bus_peer_interface);
                /* the type's interface, then Unit: systemd's GetAll("") order */
                assert_string_equal(ifaces[4]->name, "org.freedesktop.systemd1.Unit");
                assert_true(startswith(ifaces[3]->name, "org.freedesktop.systemd1."));
                assert_null(ifaces[5]);
                check_object(ifaces);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_resolve_with_interface),
                cmocka_unit_test(test_resolve_without_interface),
                cmocka_unit_test(test_find_property),
                cmocka_unit_test(test_introspect),
                cmocka_unit_test(test_real_tables),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
