/* SPDX-License-Identifier: MIT */
/* PID 1's D-Bus server: the listening socket, the connections, and the dispatch of method calls
 * to the object layer.
 *
 * Connections are freed only from a deferred pass: a method call may finish jobs, and the
 * JobRemoved broadcast may find another connection broken; marking it dead and collecting it
 * later keeps every pointer valid while the event loop is inside a callback. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "base/log.h"
#include "base/util.h"
#include "bus/bus-path.h"
#include "bus/bus-sasl.h"
#include "core/dbus-internal.h"

#define BUS_CLIENTS_MAX 128U
#define BUS_ACCEPT_PER_WAKEUP 16
#define BUS_MESSAGES_PER_WAKEUP 32

typedef struct BusClient {
        Manager *m;
        BusConn *conn;
        EventSource *io;
        bool privileged;     /* may change state (uid 0 or the manager's own uid) */
        bool dead;
        struct BusClient *next;
} BusClient;

typedef struct BusListener {
        Manager *m;
        int fd;
        EventSource *src;
        bool read_only;      /* every peer is unprivileged: queries only */
} BusListener;

typedef struct BusServer {
        BusListener listeners[2];   /* the private socket, the read-only socket */
        EventSource *gc;
        char guid[33];
        BusClient *clients;
        unsigned n_clients;
} BusServer;

int bus_error_setf(BusError *e, const char *name, const char *fmt, ...) {
        va_list ap;
        e->name = name;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
        return -EREMOTEIO;
}

/* ---- connections ---- */

static void client_free(BusServer *s, BusClient *c) {
        for (BusClient **p = &s->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        s->n_clients--;
        event_source_free(c->io);
        bus_conn_free(c->conn);
        free(c);
}

static int on_gc(EventSource *src, void *userdata) {
        BusServer *s = userdata;
        (void)src;
        for (BusClient *c = s->clients, *n; c; c = n) {
                n = c->next;
                if (c->dead) client_free(s, c);
        }
        return 0;
}

static void client_kill(BusClient *c, int err) {
        if (c->dead) return;
        if (err != -ECONNRESET && err != -EPIPE && err != -ESHUTDOWN)
                log_debug("D-Bus connection of pid %d closed: %s", (int)bus_conn_get_peer(c->conn)->pid, strerror(-err));
        c->dead = true;
        (void)event_source_set_io_events(c->io, 0);
        (void)event_source_set_enabled(c->m->bus->gc, true);
}

static void client_update_events(BusClient *c) {
        if (!c->dead) (void)event_source_set_io_events(c->io, bus_conn_get_events(c->conn));
}

static void client_send(BusClient *c, BusMessage *msg) {
        if (c->dead || !bus_conn_is_ready(c->conn)) return;
        int r = bus_conn_send(c->conn, msg, NULL);
        if (r < 0) client_kill(c, r);
        else client_update_events(c);
}

/* A signal is built once per connection: each numbers its own messages. */
static void broadcast_job_signal(Manager *m, const char *member, uint32_t id, const char *unit, const char *result) {
        if (!m->bus || !m->bus->clients) return;   /* every job passes here: nothing to build for no one */
        _cleanup_free_ char *jp = NULL;
        if (bus_job_path(id, &jp) < 0) return;
        for (BusClient *c = m->bus->clients; c; c = c->next) {
                if (c->dead || !bus_conn_is_ready(c->conn)) continue;
                _cleanup_(bus_message_freep) BusMessage *sig = NULL;
                if (bus_message_new_signal(&sig, BUS_MANAGER_PATH, BUS_IFACE_MANAGER, member) < 0) return;
                int r = result ? bus_message_append(sig, "uoss", id, jp, unit, result) : bus_message_append(sig, "uos", id, jp, unit);
                if (r < 0) return;
                client_send(c, sig);
        }
}

/* Methods an unprivileged peer may call: queries only. */
bool bus_method_is_read_only(const char *interface, const char *member) {
        static const char *const ro[] = {
                "GetUnit", "GetUnitByPID", "GetUnitByInvocationID", "GetUnitByControlGroup", "LoadUnit",
                "GetJob", "ListUnits", "ListUnitsFiltered", "ListUnitsByPatterns", "ListUnitsByNames",
                "ListJobs", "ListUnitFiles", "ListUnitFilesByPatterns", "GetUnitFileState",
                "GetUnitFileLinks", "GetDefaultTarget", "GetUnitProcesses", "Subscribe", "Unsubscribe",
                "GetDynamicUsers", "LookupDynamicUserByName", "LookupDynamicUserByUID", "Dump",
        };
        if (!interface || streq(interface, BUS_IFACE_PROPERTIES) || streq(interface, "org.freedesktop.DBus.Peer") ||
            streq(interface, "org.freedesktop.DBus.Introspectable"))
                return !interface || !streq(member, "Set");
        if (streq(interface, BUS_IFACE_JOB)) return false;
        for (size_t i = 0; i < ELEMENTSOF(ro); i++)
                if (streq(member, ro[i])) return true;
        return false;
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

static const char introspect_xml[] =
        "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
        "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
        "<node>\n"
        " <interface name=\"org.freedesktop.DBus.Peer\">\n"
        "  <method name=\"Ping\"/>\n"
        "  <method name=\"GetMachineId\"><arg type=\"s\" name=\"machine_uuid\" direction=\"out\"/></method>\n"
        " </interface>\n"
        " <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
        "  <method name=\"Introspect\"><arg name=\"data\" type=\"s\" direction=\"out\"/></method>\n"
        " </interface>\n"
        " <interface name=\"org.freedesktop.DBus.Properties\">\n"
        "  <method name=\"Get\"><arg name=\"interface\" direction=\"in\" type=\"s\"/><arg name=\"property\" direction=\"in\" type=\"s\"/><arg name=\"value\" direction=\"out\" type=\"v\"/></method>\n"
        "  <method name=\"GetAll\"><arg name=\"interface\" direction=\"in\" type=\"s\"/><arg name=\"properties\" direction=\"out\" type=\"a{sv}\"/></method>\n"
        " </interface>\n"
        "</node>\n";

/* Properties, Peer and Introspectable on any object; 1 handled, 0 not one of these. */
static int dispatch_standard(const BusInterface *const *ifaces, void *object, BusMessage *call, BusMessage *reply,
                             BusError *e) {
        const char *iface = call->interface, *member = call->member;
        if (iface && streq(iface, BUS_IFACE_PROPERTIES)) {
                const char *i = NULL, *p = NULL;
                if (streq(member, "Get")) {
                        if (bus_message_read(call, "ss", &i, &p) < 1) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments");
                        int r = bus_properties_get(reply, ifaces, object, i, p, e);
                        return r < 0 ? r : 1;
                }
                if (streq(member, "GetAll")) {
                        if (bus_message_read(call, "s", &i) < 1) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments");
                        int r = bus_properties_get_all(reply, ifaces, object, i, e);
                        return r < 0 ? r : 1;
                }
                if (streq(member, "Set"))
                        return bus_error_setf(e, BUS_ERROR_PROPERTY_READ_ONLY, "Property is read-only");
                return 0;
        }
        if ((!iface || streq(iface, "org.freedesktop.DBus.Peer")) && streq(member, "Ping")) return 1;
        if ((!iface || streq(iface, "org.freedesktop.DBus.Introspectable")) && streq(member, "Introspect")) {
                int r = bus_message_append(reply, "s", introspect_xml);
                return r < 0 ? r : 1;
        }
        return 0;
}

static int dispatch_call(BusClient *c, BusMessage *call, BusMessage *reply, BusError *e) {
        Manager *m = c->m;
        const char *path = call->path, *member = call->member;
        if (!path || !member) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Missing path or member");
        if (!c->privileged && !bus_method_is_read_only(call->interface, member))
                return bus_error_setf(e, BUS_ERROR_ACCESS_DENIED, "Access denied");

        if (streq(path, BUS_MANAGER_PATH)) {
                static const BusInterface *const ifaces[] = { &bus_manager_interface, NULL };
                int r = dispatch_standard(ifaces, m, call, reply, e);
                if (r != 0) return r;
                if (!call->interface || streq(call->interface, BUS_IFACE_MANAGER)) {
                        r = bus_manager_method(m, c->conn, call, reply, c->privileged, e);
                        if (r != 0) return r;
                }
                return bus_error_setf(e, BUS_ERROR_UNKNOWN_METHOD, "Unknown method %s or interface %s.", member,
                                      call->interface ? call->interface : "(none)");
        }
        if (startswith(path, BUS_JOB_PREFIX "/")) {
                Job *j = bus_job_from_path(m, path);
                if (!j) return bus_error_setf(e, BUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.", path);
                static const BusInterface *const ifaces[] = { &bus_job_interface, NULL };
                int r = dispatch_standard(ifaces, j, call, reply, e);
                if (r != 0) return r;
                if (call->interface && streq(call->interface, BUS_IFACE_JOB) && streq(member, "Cancel")) {
                        job_finish(j, JOB_CANCELED);
                        return 1;
                }
                return bus_error_setf(e, BUS_ERROR_UNKNOWN_METHOD, "Unknown method %s.", member);
        }
        if (startswith(path, BUS_UNIT_PREFIX "/")) {
                MUnit *u = NULL;
                int r = bus_unit_from_path(m, path, &u);
                if (r < 0 || !u) return bus_error_setf(e, BUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.", path);
                r = dispatch_standard(bus_unit_interfaces(u), u, call, reply, e);
                if (r != 0) return r;
                r = bus_unit_method(m, u, c->conn, call, reply, c->privileged, e);
                if (r != 0) return r;
                return bus_error_setf(e, BUS_ERROR_UNKNOWN_METHOD, "Unknown method %s.", member);
        }
        return bus_error_setf(e, BUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.", path);
}

static void dispatch(BusClient *c, BusMessage *call) {
        if (call->type != BUS_MESSAGE_METHOD_CALL) return;   /* signals and replies: nothing to do */
        _cleanup_(bus_message_freep) BusMessage *reply = NULL;
        BusError e = { 0 };
        int r = bus_message_new_method_return(&reply, call);
        if (r >= 0) r = dispatch_call(c, call, reply, &e);
        if (c->dead || !bus_message_expects_reply(call)) return;
        if (r < 0) {
                bus_message_free(reply);
                reply = NULL;
                const char *name = e.name ? e.name : bus_errno_to_name(r);
                if (!e.name) snprintf(e.message, sizeof e.message, "%s", strerror(r == -EREMOTEIO ? EIO : -r));
                if (bus_message_new_method_error(&reply, call, name, e.message) < 0) {
                        client_kill(c, -ENOMEM);
                        return;
                }
        }
        client_send(c, reply);
}

static int on_client(EventSource *src, int fd, uint32_t revents, void *userdata) {
        BusClient *c = userdata;
        (void)src; (void)fd;
        if (c->dead) return 0;
        int r = 0;
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) r = bus_conn_on_readable(c->conn);
        if (r >= 0 && (revents & EPOLLOUT)) r = bus_conn_on_writable(c->conn);
        if (r < 0) {
                client_kill(c, r);
                return 0;
        }
        BusMessage *msg;
        for (int n = 0; n < BUS_MESSAGES_PER_WAKEUP && !c->dead && bus_conn_pop_message(c->conn, &msg) > 0; n++) {
                dispatch(c, msg);
                bus_message_free(msg);
        }
        client_update_events(c);
        return 0;
}

static int on_listen(EventSource *src, int fd, uint32_t revents, void *userdata) {
        BusListener *l = userdata;
        Manager *m = l->m;
        BusServer *s = m->bus;
        (void)src; (void)revents;
        for (int i = 0; i < BUS_ACCEPT_PER_WAKEUP; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd < 0) {
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                log_debug("D-Bus: accept failed: %m");
                        return 0;
                }
                if (s->n_clients >= BUS_CLIENTS_MAX) {
                        log_warning("D-Bus: too many connections (%u), refusing one.", s->n_clients);
                        close(cfd);
                        continue;
                }
                BusClient *c = calloc(1, sizeof *c);
                if (!c) {
                        close(cfd);
                        return 0;
                }
                BusConnLimits lim = { .allow_fds = true };
                if (bus_conn_new_server(&c->conn, cfd, s->guid, &lim) < 0) {
                        free(c);
                        continue;
                }
                const struct ucred *peer = bus_conn_get_peer(c->conn);
                c->m = m;
                c->privileged = !l->read_only && (peer->uid == 0 || peer->uid == geteuid());
                if (event_add_io(m->event, &c->io, bus_conn_get_fd(c->conn), bus_conn_get_events(c->conn), on_client, c) < 0) {
                        bus_conn_free(c->conn);
                        free(c);
                        continue;
                }
                c->next = s->clients;
                s->clients = c;
                s->n_clients++;
        }
        return 0;
}

static int listen_on(Manager *m, BusListener *l, const char *path, mode_t mode, bool read_only) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        l->m = m;
        l->read_only = read_only;
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s%s", m->set.root ? m->set.root : "", path);
        (void)mkdir_parents(sa.sun_path, 0755);
        l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (l->fd < 0) return -errno;
        (void)unlink(sa.sun_path);
        mode_t old = umask(0077);
        int r = bind(l->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
        umask(old);
        if (r < 0) return r;
        /* chmod after bind: the mode of a socket file is what connect() checks */
        if (chmod(sa.sun_path, mode) < 0) return -errno;
        if (listen(l->fd, SOMAXCONN) < 0) return -errno;
        return event_add_io(m->event, &l->src, l->fd, EPOLLIN, on_listen, l);
}

int manager_bus_setup(Manager *m) {
        BusServer *s = calloc(1, sizeof *s);
        if (!s) return -ENOMEM;
        s->listeners[0].fd = s->listeners[1].fd = -1;
        m->bus = s;
        int r = bus_sasl_make_guid(s->guid);
        if (r >= 0) r = event_add_defer(m->event, &s->gc, on_gc, m->bus);
        if (r < 0) {
                manager_bus_free(m);
                return r;
        }
        (void)event_source_set_enabled(s->gc, false);
        /* 0600 like systemd's: only the manager's uid (root) may connect */
        r = listen_on(m, &s->listeners[0], BUS_PRIVATE_SOCKET, 0600, false);
        if (r < 0) {
                log_warning("Cannot serve the D-Bus API on %s: %s (systemctl will not work).", BUS_PRIVATE_SOCKET, strerror(-r));
                manager_bus_free(m);
                return r;
        }
        r = listen_on(m, &s->listeners[1], BUS_READONLY_SOCKET, 0666, true);
        if (r < 0) {
                log_notice("No read-only D-Bus socket %s: %s.", BUS_READONLY_SOCKET, strerror(-r));
                event_source_free(s->listeners[1].src);
                s->listeners[1].src = NULL;
                if (s->listeners[1].fd >= 0) close(s->listeners[1].fd);
                s->listeners[1].fd = -1;
        }
        return 0;
}

void manager_bus_free(Manager *m) {
        BusServer *s = m->bus;
        if (!s) return;
        while (s->clients) client_free(s, s->clients);
        for (size_t i = 0; i < ELEMENTSOF(s->listeners); i++) {
                event_source_free(s->listeners[i].src);
                if (s->listeners[i].fd >= 0) close(s->listeners[i].fd);
        }
        event_source_free(s->gc);
        free(s);
        m->bus = NULL;
}

/* ---- signals ---- */

void manager_bus_job_new(Manager *m, const Job *j) {
        broadcast_job_signal(m, "JobNew", j->id, j->unit->id, NULL);
}

void manager_bus_job_removed(Manager *m, uint32_t id, const char *unit, JobResult r) {
        broadcast_job_signal(m, "JobRemoved", id, unit, job_result_to_string(r));
}

/* ---- helpers for the object layer ---- */

int bus_unit_path(const char *id, char **ret) {
        return bus_path_encode(BUS_UNIT_PREFIX, id, ret);
}

int bus_job_path(uint32_t id, char **ret) {
        char buf[64];
        snprintf(buf, sizeof buf, BUS_JOB_PREFIX "/%u", id);
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

int bus_append_string(BusMessage *m, const char *s) { return bus_message_append_basic(m, 's', s ? s : ""); }
int bus_append_strv(BusMessage *m, char *const *l) { return bus_message_append_strv(m, l); }
int bus_append_bool(BusMessage *m, bool b) { int v = b; return bus_message_append_basic(m, 'b', &v); }
int bus_append_u32(BusMessage *m, uint32_t v) { return bus_message_append_basic(m, 'u', &v); }
int bus_append_i32(BusMessage *m, int32_t v) { return bus_message_append_basic(m, 'i', &v); }
int bus_append_u64(BusMessage *m, uint64_t v) { return bus_message_append_basic(m, 't', &v); }

static const BusProperty *find_property(const BusInterface *iface, const char *name) {
        for (const BusProperty *p = iface->properties; p->name; p++)
                if (streq(p->name, name)) return p;
        return NULL;
}

static int append_property(BusMessage *reply, const BusProperty *p, void *object) {
        int r = bus_message_open_container(reply, 'v', p->signature);
        if (r < 0) return r;
        if ((r = p->get(reply, object)) < 0) return r;
        return bus_message_close_container(reply);
}

int bus_properties_get(BusMessage *reply, const BusInterface *const *ifaces, void *object, const char *interface,
                       const char *property, BusError *e) {
        for (const BusInterface *const *i = ifaces; *i; i++) {
                if (interface && *interface && !streq((*i)->name, interface)) continue;
                const BusProperty *p = find_property(*i, property);
                if (p) return append_property(reply, p, object);
                if (interface && *interface)
                        return bus_error_setf(e, BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.%s.", interface, property);
        }
        if (interface && *interface && !streq(interface, "org.freedesktop.DBus.Properties"))
                return bus_error_setf(e, BUS_ERROR_UNKNOWN_INTERFACE, "Unknown interface %s.", interface);
        return bus_error_setf(e, BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", property);
}

int bus_properties_get_all(BusMessage *reply, const BusInterface *const *ifaces, void *object, const char *interface,
                           BusError *e) {
        bool found = !interface || !*interface;
        int r = bus_message_open_container(reply, 'a', "{sv}");
        for (const BusInterface *const *i = ifaces; *i && r >= 0; i++) {
                if (interface && *interface && !streq((*i)->name, interface)) continue;
                found = true;
                for (const BusProperty *p = (*i)->properties; p->name && r >= 0; p++) {
                        r = bus_message_open_container(reply, 'e', "sv");
                        if (r >= 0) r = bus_message_append_basic(reply, 's', p->name);
                        if (r >= 0) r = append_property(reply, p, object);
                        if (r >= 0) r = bus_message_close_container(reply);
                }
        }
        if (r >= 0) r = bus_message_close_container(reply);
        if (r < 0) return r;
        /* systemd answers GetAll on an interface the object lacks with an empty dictionary */
        (void)found; (void)e;
        return 0;
}
