/* SPDX-License-Identifier: MIT */
#pragma once
/* The one declared API table of PID 1's D-Bus server, after sd-bus's sd_bus_vtable: every
 * interface an object serves lists its methods (member, argument and result signatures, access
 * level, handler), its properties (name, signature, getter; setter and who may use it) and its
 * signals. The dispatcher (dbus.c) resolves a call to one entry of these tables, checks the
 * caller's access against the entry, then the arguments against its signature, and only then runs
 * the handler; Introspect and Properties.Get/GetAll/Set read the same tables. No other code
 * decides what a member is, what it takes, or who may call it.
 *
 * An object is a list of interfaces (NULL-terminated) that starts with the three standard ones
 * (bus_standard_interfaces: Peer, Introspectable, Properties), so that a call without the
 * optional INTERFACE header field resolves over all of them, as the D-Bus specification says. */
#include <stdbool.h>
#include "base/util.h"
#include "bus/bus-conn.h"
#include "bus/bus-message.h"
#include "core/manager.h"

typedef enum BusAccess {
        BUS_ACCESS_READ,          /* any peer on either socket: queries that change nothing */
        BUS_ACCESS_PRIVILEGED,    /* changes state: root (or the manager's uid) on the private socket */
        BUS_ACCESS_BY_PROPERTY,   /* Properties.Set: the write access of the property it names */
} BusAccess;

/* An error to answer with: set by a handler, which then returns a negative errno. A handler that
 * returns <0 without setting one gets a generic error derived from the errno. */
typedef struct BusError {
        const char *name;
        char message[512];
} BusError;
int bus_error_setf(BusError *e, const char *name, const char *fmt, ...) _printf_(3, 4);
/* The standard error name for a negative errno (sd_bus_error_set_errno()'s mapping, in part). */
const char *bus_errno_to_name(int err);

typedef struct BusInterface BusInterface;
typedef struct BusMethod BusMethod;
typedef struct BusProperty BusProperty;

/* What a handler is given. message: the call, its arguments checked against the entry's
 * signature and positioned at the first; reply: to fill, and by the end its signature must be the
 * entry's result signature (the dispatcher answers Failed otherwise). */
typedef struct BusCall {
        Manager *manager;
        BusConn *conn;
        BusMessage *message;
        BusMessage *reply;
        BusError *error;
        void *object;                              /* the Manager, an MUnit or a Job */
        const BusInterface *const *interfaces;     /* every interface of the object */
        const BusMethod *method;                   /* the resolved entry */
        const BusProperty *property;               /* Properties.Set: the resolved property */
} BusCall;

typedef int (*bus_method_fn)(BusCall *c);
/* Appends the property's value (of the entry's signature, not wrapped in a variant). */
typedef int (*bus_property_get_fn)(BusMessage *reply, void *object);
/* Takes the new value from c->message, positioned inside the variant (its signature checked). */
typedef int (*bus_property_set_fn)(BusCall *c);

struct BusMethod {
        const char *member;
        const char *in, *out;       /* signatures of the arguments and of the results ("": none) */
        BusAccess access;
        bus_method_fn handler;
        int data;                   /* the handler's own: a job type, an install verb */
};

struct BusProperty {
        const char *name;
        const char *signature;
        bus_property_get_fn get;
        bus_property_set_fn set;    /* NULL: read-only (Set answers PropertyReadOnly) */
        BusAccess write_access;     /* who may Set it */
};

typedef struct BusSignal {
        const char *member;
        const char *signature;
} BusSignal;

/* Each list ends with an entry whose name is NULL; a NULL list is an empty one. The properties are
 * a NULL-terminated list of tables (the Service interface shares the exec, kill and cgroup tables
 * with Socket), in the order GetAll answers them. */
struct BusInterface {
        const char *name;
        const BusMethod *methods;
        const BusProperty *const *properties;
        const BusSignal *signals;
};
#define BUS_PROPERTY_TABLES(...) ((const BusProperty *const[]) { __VA_ARGS__, NULL })
/* Every property of an interface, across its tables:
 *     BusPropertyIter it;
 *     for (const BusProperty *p = bus_property_first(iface, &it); p; p = bus_property_next(&it)) */
typedef struct BusPropertyIter {
        const BusProperty *const *table;
        const BusProperty *p;
} BusPropertyIter;
const BusProperty *bus_property_first(const BusInterface *iface, BusPropertyIter *it);
const BusProperty *bus_property_next(BusPropertyIter *it);

/* Peer, Introspectable, Properties: the first entries of every object's list. */
extern const BusInterface bus_peer_interface, bus_introspectable_interface, bus_properties_interface;
#define BUS_STANDARD_INTERFACES &bus_peer_interface, &bus_introspectable_interface, &bus_properties_interface

/* The method `member` of `interface` among ifaces. Without interface (NULL), the one method of that
 * name over all of them. 0 and the entry (and its interface); -ENOENT: none; -ENOTUNIQ: more than
 * one interface has such a method (sd-bus answers every call without interface UnknownMethod). */
int bus_resolve_method(const BusInterface *const *ifaces, const char *interface, const char *member,
                       const BusInterface **ret_iface, const BusMethod **ret_method);
/* The property `name` of `interface` ("" or NULL: the first interface that has one so named). */
const BusProperty *bus_find_property(const BusInterface *const *ifaces, const char *interface, const char *name,
                                     const BusInterface **ret_iface);

/* Properties.GetAll's answer, a{sv}: every property of the interface ("" or NULL: of all of them). */
int bus_append_all_properties(BusMessage *m, const BusInterface *const *ifaces, void *object, const char *interface);

/* The Introspect document of an object with these interfaces and child nodes (NULL-terminated
 * names, may be NULL), in sd-bus's shape; privileged methods and properties writable only by the
 * privileged carry sd-bus's "org.freedesktop.systemd1.Privileged" annotation. */
int bus_introspect(const BusInterface *const *ifaces, const char *const *children, Buf *out);

/* Getters of constant values */
int bus_get_empty_string(BusMessage *m, void *o);
int bus_get_empty_strv(BusMessage *m, void *o);
int bus_get_false(BusMessage *m, void *o);
int bus_get_zero_u32(BusMessage *m, void *o);
int bus_get_max_u32(BusMessage *m, void *o);
int bus_get_zero_u64(BusMessage *m, void *o);
int bus_get_max_u64(BusMessage *m, void *o);

/* Value helpers for getters */
int bus_append_string(BusMessage *m, const char *s);   /* NULL → "" */
int bus_append_strv(BusMessage *m, char *const *l);
int bus_append_bool(BusMessage *m, bool b);
int bus_append_u32(BusMessage *m, uint32_t v);
int bus_append_i32(BusMessage *m, int32_t v);
int bus_append_u64(BusMessage *m, uint64_t v);
