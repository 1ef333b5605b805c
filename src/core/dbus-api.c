/* SPDX-License-Identifier: MIT */
/* The machinery of the API table (dbus-api.h): resolving a member to its entry, the standard
 * interfaces every object has (Peer, Introspectable, Properties), and Introspect, all read from
 * the tables. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "base/util.h"
#include "core/dbus-internal.h"
#include "journal/journal-store.h"

int bus_error_setf(BusError *e, const char *name, const char *fmt, ...) {
        va_list ap;
        e->name = name;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        return -EREMOTEIO;
}

const char *bus_errno_to_name(int err) {
        switch (err) {
        case -ENOMEM: return BUS_ERROR_NO_MEMORY;
        case -EINVAL: case -ENXIO: case -EBADMSG: return BUS_ERROR_INVALID_ARGS;
        case -EPERM: case -EACCES: return BUS_ERROR_ACCESS_DENIED;
        case -EOPNOTSUPP: return BUS_ERROR_NOT_SUPPORTED;
        case -ENOENT: return BUS_ERROR_FILE_NOT_FOUND;
        case -EEXIST: return BUS_ERROR_FILE_EXISTS;
        default: return BUS_ERROR_FAILED;
        }
}

int bus_append_string(BusMessage *m, const char *s) { return bus_message_append_basic(m, 's', s ? s : ""); }
int bus_append_strv(BusMessage *m, char *const *l) { return bus_message_append_strv(m, l); }
int bus_append_bool(BusMessage *m, bool b) { int v = b; return bus_message_append_basic(m, 'b', &v); }
int bus_append_u32(BusMessage *m, uint32_t v) { return bus_message_append_basic(m, 'u', &v); }
int bus_append_i32(BusMessage *m, int32_t v) { return bus_message_append_basic(m, 'i', &v); }
int bus_append_u64(BusMessage *m, uint64_t v) { return bus_message_append_basic(m, 't', &v); }

int bus_get_empty_string(BusMessage *m, void *o) { (void)o; return bus_append_string(m, ""); }
int bus_get_empty_strv(BusMessage *m, void *o) { (void)o; return bus_append_strv(m, NULL); }
int bus_get_false(BusMessage *m, void *o) { (void)o; return bus_append_bool(m, false); }
int bus_get_zero_u32(BusMessage *m, void *o) { (void)o; return bus_append_u32(m, 0); }
int bus_get_max_u32(BusMessage *m, void *o) { (void)o; return bus_append_u32(m, UINT32_MAX); }
int bus_get_zero_u64(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, 0); }
int bus_get_max_u64(BusMessage *m, void *o) { (void)o; return bus_append_u64(m, UINT64_MAX); }

/* ---- properties across an interface's tables ---- */

static const BusProperty *settle(BusPropertyIter *it) {
        while (it->table && *it->table && !it->p->name) {
                it->table++;
                it->p = *it->table;
        }
        return it->table && *it->table ? it->p : NULL;
}

const BusProperty *bus_property_first(const BusInterface *iface, BusPropertyIter *it) {
        it->table = iface->properties;
        it->p = it->table ? *it->table : NULL;
        return settle(it);
}

const BusProperty *bus_property_next(BusPropertyIter *it) {
        it->p++;
        return settle(it);
}

/* ---- resolution ---- */

int bus_resolve_method(const BusInterface *const *ifaces, const char *interface, const char *member,
                       const BusInterface **ret_iface, const BusMethod **ret_method) {
        const BusInterface *found_iface = NULL;
        const BusMethod *found = NULL;
        for (const BusInterface *const *i = ifaces; *i; i++) {
                if (interface && !streq((*i)->name, interface)) continue;
                for (const BusMethod *m = (*i)->methods; m && m->member; m++) {
                        if (!streq(m->member, member)) continue;
                        if (found) return -ENOTUNIQ;
                        found = m;
                        found_iface = *i;
                        break;   /* a member appears once per interface */
                }
        }
        if (!found) return -ENOENT;
        *ret_iface = found_iface;
        *ret_method = found;
        return 0;
}

const BusProperty *bus_find_property(const BusInterface *const *ifaces, const char *interface, const char *name,
                                     const BusInterface **ret_iface) {
        for (const BusInterface *const *i = ifaces; *i; i++) {
                if (!isempty(interface) && !streq((*i)->name, interface)) continue;
                BusPropertyIter it;
                for (const BusProperty *p = bus_property_first(*i, &it); p; p = bus_property_next(&it))
                        if (streq(p->name, name)) {
                                if (ret_iface) *ret_iface = *i;
                                return p;
                        }
        }
        return NULL;
}

static bool has_interface(const BusInterface *const *ifaces, const char *name) {
        for (const BusInterface *const *i = ifaces; *i; i++)
                if (streq((*i)->name, name)) return true;
        return false;
}

/* ---- org.freedesktop.DBus.Properties ---- */

static int append_property(BusMessage *reply, const BusProperty *p, void *object) {
        int r = bus_message_open_container(reply, 'v', p->signature);
        if (r < 0) return r;
        if ((r = p->get(reply, object)) < 0) return r;
        return bus_message_close_container(reply);
}

static int method_get(BusCall *c) {
        const char *interface = NULL, *name = NULL;
        int r = bus_message_read(c->message, "ss", &interface, &name);
        if (r < 0) return r;
        const BusProperty *p = bus_find_property(c->interfaces, interface, name, NULL);
        if (p) return append_property(c->reply, p, c->object);
        if (!isempty(interface) && !has_interface(c->interfaces, interface))
                return bus_error_setf(c->error, BUS_ERROR_UNKNOWN_INTERFACE, "Unknown interface %s.", interface);
        if (!isempty(interface))
                return bus_error_setf(c->error, BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.%s.", interface, name);
        return bus_error_setf(c->error, BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", name);
}

int bus_append_all_properties(BusMessage *m, const BusInterface *const *ifaces, void *object, const char *interface) {
        int r = bus_message_open_container(m, 'a', "{sv}");
        for (const BusInterface *const *i = ifaces; *i && r >= 0; i++) {
                if (!isempty(interface) && !streq((*i)->name, interface)) continue;
                BusPropertyIter it;
                for (const BusProperty *p = bus_property_first(*i, &it); p && r >= 0; p = bus_property_next(&it)) {
                        r = bus_message_open_container(m, 'e', "sv");
                        if (r >= 0) r = bus_message_append_basic(m, 's', p->name);
                        if (r >= 0) r = append_property(m, p, object);
                        if (r >= 0) r = bus_message_close_container(m);
                }
        }
        return r < 0 ? r : bus_message_close_container(m);
}

/* An interface the object lacks: an empty dictionary, as systemd answers. */
static int method_get_all(BusCall *c) {
        const char *interface = NULL;
        int r = bus_message_read(c->message, "s", &interface);
        return r < 0 ? r : bus_append_all_properties(c->reply, c->interfaces, c->object, interface);
}

/* The dispatcher resolved the property, checked that it is writable, who may write it and the
 * value's type (bus_resolve_set_property()) before this runs. */
static int method_set(BusCall *c) {
        return c->property->set(c);
}

int bus_resolve_set_property(BusCall *c) {
        const char *interface = NULL, *name = NULL;
        int r = bus_message_read(c->message, "ss", &interface, &name);
        if (r < 0) return r;
        const BusProperty *p = bus_find_property(c->interfaces, interface, name, NULL);
        if (!p)
                return bus_error_setf(c->error, BUS_ERROR_UNKNOWN_PROPERTY, "Unknown interface %s or property %s.",
                                      interface, name);
        if (!p->set)
                return bus_error_setf(c->error, BUS_ERROR_PROPERTY_READ_ONLY, "Property '%s' is not writable.", name);
        const char *contents = NULL;
        char type = 0;
        r = bus_message_peek_type(c->message, &type, &contents);
        if (r < 0) return r;
        if (r == 0 || type != 'v' || !streq(contents, p->signature))
                return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Incorrect parameters for property '%s', expected '%s', got '%s'.",
                                      name, p->signature, r > 0 && type == 'v' ? contents : "");
        r = bus_message_enter_container(c->message, 'v', p->signature);
        if (r < 0) return r;
        c->property = p;
        return 0;
}

static const BusMethod properties_methods[] = {
        { "Get", "ss", "v", BUS_ACCESS_READ, method_get },
        { "GetAll", "s", "a{sv}", BUS_ACCESS_READ, method_get_all },
        { "Set", "ssv", "", BUS_ACCESS_BY_PROPERTY, method_set },
        { NULL },
};
static const BusSignal properties_signals[] = {
        { "PropertiesChanged", "sa{sv}as" },
        { NULL },
};
const BusInterface bus_properties_interface = { BUS_IFACE_PROPERTIES, properties_methods, NULL, properties_signals };

/* ---- org.freedesktop.DBus.Peer ---- */

static int method_ping(BusCall *c) {
        (void)c;
        return 0;
}

static int method_get_machine_id(BusCall *c) {
        char id[33];
        int r = journal_store_machine_id(id);
        if (r < 0) return r;
        return bus_append_string(c->reply, id);
}

static const BusMethod peer_methods[] = {
        { "Ping", "", "", BUS_ACCESS_READ, method_ping },
        { "GetMachineId", "", "s", BUS_ACCESS_READ, method_get_machine_id },
        { NULL },
};
const BusInterface bus_peer_interface = { BUS_IFACE_PEER, peer_methods, NULL, NULL };

/* ---- org.freedesktop.DBus.Introspectable ---- */

/* Length of the complete type at s (a signature from our own tables, so valid). */
static size_t complete_type_len(const char *s) {
        if (*s == 'a') return 1 + complete_type_len(s + 1);
        if (*s != '(' && *s != '{') return 1;
        size_t n = 1;
        while (s[n] != ')' && s[n] != '}') n += complete_type_len(s + n);
        return n + 1;
}

static int put_args(Buf *out, const char *sig, const char *direction) {
        int r = 0;
        for (const char *p = sig; *p && r >= 0; p += complete_type_len(p)) {
                int n = (int)complete_type_len(p);
                r = direction ? buf_printf(out, "   <arg type=\"%.*s\" direction=\"%s\"/>\n", n, p, direction)
                              : buf_printf(out, "   <arg type=\"%.*s\"/>\n", n, p);
        }
        return r;
}

#define PRIVILEGED_ANNOTATION "   <annotation name=\"org.freedesktop.systemd1.Privileged\" value=\"true\"/>\n"

static int put_method(Buf *out, const BusMethod *m) {
        if (isempty(m->in) && isempty(m->out) && m->access != BUS_ACCESS_PRIVILEGED)
                return buf_printf(out, "  <method name=\"%s\"/>\n", m->member);
        int r = buf_printf(out, "  <method name=\"%s\">\n", m->member);
        if (r >= 0) r = put_args(out, m->in, "in");
        if (r >= 0) r = put_args(out, m->out, "out");
        if (r >= 0 && m->access == BUS_ACCESS_PRIVILEGED) r = buf_puts(out, PRIVILEGED_ANNOTATION);
        return r < 0 ? r : buf_puts(out, "  </method>\n");
}

static int put_property(Buf *out, const BusProperty *p) {
        if (!p->set) return buf_printf(out, "  <property name=\"%s\" type=\"%s\" access=\"read\"/>\n", p->name, p->signature);
        int r = buf_printf(out, "  <property name=\"%s\" type=\"%s\" access=\"readwrite\">\n", p->name, p->signature);
        if (r >= 0 && p->write_access == BUS_ACCESS_PRIVILEGED) r = buf_puts(out, PRIVILEGED_ANNOTATION);
        return r < 0 ? r : buf_puts(out, "  </property>\n");
}

static int put_signal(Buf *out, const BusSignal *s) {
        if (isempty(s->signature)) return buf_printf(out, "  <signal name=\"%s\"/>\n", s->member);
        int r = buf_printf(out, "  <signal name=\"%s\">\n", s->member);
        if (r >= 0) r = put_args(out, s->signature, NULL);
        return r < 0 ? r : buf_puts(out, "  </signal>\n");
}

int bus_introspect(const BusInterface *const *ifaces, const char *const *children, Buf *out) {
        int r = buf_puts(out, "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
                              "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n");
        for (const BusInterface *const *i = ifaces; *i && r >= 0; i++) {
                r = buf_printf(out, " <interface name=\"%s\">\n", (*i)->name);
                for (const BusMethod *m = (*i)->methods; m && m->member && r >= 0; m++) r = put_method(out, m);
                BusPropertyIter it;
                for (const BusProperty *p = bus_property_first(*i, &it); p && r >= 0; p = bus_property_next(&it))
                        r = put_property(out, p);
                for (const BusSignal *s = (*i)->signals; s && s->member && r >= 0; s++) r = put_signal(out, s);
                if (r >= 0) r = buf_puts(out, " </interface>\n");
        }
        for (const char *const *c = children; c && *c && r >= 0; c++) r = buf_printf(out, " <node name=\"%s\"/>\n", *c);
        return r < 0 ? r : buf_puts(out, "</node>\n");
}

static int method_introspect(BusCall *c) {
        Buf xml = { 0 };
        const char *const *children = c->interfaces == bus_manager_interfaces ? (const char *const[]) { "unit", "job", NULL } : NULL;
        int r = bus_introspect(c->interfaces, children, &xml);
        if (r >= 0) r = bus_append_string(c->reply, xml.s);
        buf_free(&xml);
        return r;
}

static const BusMethod introspectable_methods[] = {
        { "Introspect", "", "s", BUS_ACCESS_READ, method_introspect },
        { NULL },
};
const BusInterface bus_introspectable_interface = { BUS_IFACE_INTROSPECTABLE, introspectable_methods, NULL, NULL };
