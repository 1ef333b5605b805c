/* SPDX-License-Identifier: MIT */
/* PID 1's D-Bus server: the listening sockets, the connections and their limits, and the dispatch
 * of method calls through the API table (dbus-api.h).
 *
 * Dispatch: the path names an object (the manager, a unit, a job) and so its list of interfaces;
 * the member (and the interface, when the call names one) resolves to exactly one table entry;
 * the entry's access level is checked against the connection, then the arguments against the
 * entry's signature; only then does its handler run. A read-only connection (any peer on the
 * read-only socket, or a peer on the private socket that is neither root nor the manager's uid)
 * may call READ entries only.
 *
 * Limits (no user can lock root out): each listener has its own connection limit, so the private
 * socket's capacity is root's alone; on the read-only socket one uid may hold only a few
 * connections. A connection must finish SASL within BUS_AUTH_TIMEOUT_USEC of being accepted, and
 * an authenticated read-only connection that sends no message for BUS_IDLE_TIMEOUT_USEC is
 * closed. A peer that does not read its replies gets no further requests answered until it does
 * (its requests stay unread in the socket). Read-only peers may send only small messages.
 *
 * Connections are freed only from a deferred pass: a method call may finish jobs, and the
 * JobRemoved broadcast may find another connection broken; marking it dead and collecting it
 * later keeps every pointer valid while the event loop is inside a callback. */
#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "base/log.h"
#include "base/ratelimit.h"
#include "base/strv.h"
#include "base/util.h"
#include "bus/bus-path.h"
#include "bus/bus-sasl.h"
#include "core/dbus-internal.h"
#include "core/dbus-system-bus.h"
#include "core/transient.h"

#define BUS_ACCEPT_PER_WAKEUP 16
#define BUS_MESSAGES_PER_WAKEUP 32
#define BUS_AUTH_TIMEOUT_USEC (5 * USEC_PER_SEC)       /* dbus-daemon's system bus: 5 s as well */
#define BUS_IDLE_TIMEOUT_USEC (60 * USEC_PER_SEC)      /* read-only connections only */
#define BUS_ACCEPT_RETRY_USEC (100 * USEC_PER_MSEC)    /* after EMFILE and the like */
#define BUS_OUT_PAUSE_BYTES (256U * 1024U)             /* queued replies: take no more requests */

/* Each listener's limits. The private socket is root's (mode 0600): its slots are reserved for
 * root by being its own. */
typedef struct BusListenerConfig {
        const char *path;
        mode_t mode;
        bool read_only;            /* every peer is unprivileged: queries only */
        unsigned max_clients;
        unsigned max_per_uid;
        usec_t idle_timeout;       /* USEC_INFINITY: none (systemctl waits for JobRemoved unbounded) */
        size_t max_message_size;   /* 0: the default */
} BusListenerConfig;

static const BusListenerConfig listener_configs[] = {
        { BUS_PRIVATE_SOCKET, 0600, false, 128, 128, USEC_INFINITY, 0 },
        { BUS_READONLY_SOCKET, 0666, true, 128, 16, BUS_IDLE_TIMEOUT_USEC, 256U * 1024U },
};
#define N_LISTENERS ELEMENTSOF(listener_configs)

typedef struct BusListener {
        Manager *m;
        const BusListenerConfig *config;
        int fd;
        EventSource *src;
        EventSource *retry;        /* accept paused (out of file descriptors): resume then */
        unsigned n_clients;
} BusListener;

typedef struct BusClient {
        Manager *m;
        BusListener *listener;
        BusConn *conn;
        EventSource *io;
        uid_t uid;
        StrvBuilder unit_refs; /* the units it holds (AddRef), by name: released when it goes */
        bool privileged;     /* may call PRIVILEGED entries: root or the manager's uid, private socket */
        bool dead;
        bool pending;        /* messages left over from a wake-up's budget */
        usec_t deadline;     /* SASL must be done by then; then the idle bound (or infinity) */
        struct BusClient *next;
} BusClient;

typedef struct BusServer {
        BusListener listeners[N_LISTENERS];
        EventSource *gc;           /* deferred: free dead clients, go on with pending ones */
        EventSource *timer;        /* the earliest client deadline */
        char guid[33];
        BusClient *clients;
        RateLimit refuse_log;      /* the warning about refused connections */
} BusServer;

/* ---- connections ---- */

static void client_free(BusServer *s, BusClient *c) {
        for (BusClient **p = &s->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        c->listener->n_clients--;
        STRV_FOREACH(n, c->unit_refs.l) {
                MUnit *u = manager_get_unit(c->m, *n);
                if (!u || u->bus_refs == 0) continue;
                u->bus_refs--;
                transient_unit_check_collect(u);
        }
        strv_builder_done(&c->unit_refs);
        event_source_free(c->io);
        bus_conn_free(c->conn);
        free(c);
}

static void client_kill(BusClient *c, int err) {
        if (c->dead) return;
        if (err != -ECONNRESET && err != -EPIPE && err != -ESHUTDOWN)
                log_debug("D-Bus connection of pid %d closed: %s", (int)bus_conn_get_peer(c->conn)->pid, strerror(-err));
        c->dead = true;
        (void)event_source_set_io_events(c->io, 0);
        (void)event_source_set_enabled(c->m->bus->gc, true);
}

/* Reading stops while the peer leaves too many replies unread: its requests wait in the socket. */
static bool client_paused(const BusClient *c) {
        return bus_conn_get_queued_out(c->conn) > BUS_OUT_PAUSE_BYTES;
}

static void client_update_events(BusClient *c) {
        if (c->dead) return;
        uint32_t ev = bus_conn_get_events(c->conn);
        if (client_paused(c)) ev &= ~(uint32_t)EPOLLIN;
        (void)event_source_set_io_events(c->io, ev);
}

static void client_send(BusClient *c, BusMessage *msg) {
        if (c->dead || !bus_conn_is_ready(c->conn)) return;
        int r = bus_conn_send(c->conn, msg, NULL);
        if (r < 0) client_kill(c, r);
        else client_update_events(c);
}

/* A signal is built once per connection: each numbers its own messages. */
static void broadcast_job_signal(Manager *m, const char *member, uint32_t id, const char *unit, const char *result) {
        manager_system_bus_job_signal(m, member, id, unit, result);
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

/* ---- dispatch ---- */

/* The one access decision: an entry's level against the caller (root or the manager's uid on the
 * private socket or the system bus; anyone else gets READ entries only). */
static bool access_allowed(bool privileged, BusAccess a) {
        return a == BUS_ACCESS_READ || (a == BUS_ACCESS_PRIVILEGED && privileged);
}

/* The object at path and its interfaces; UnknownObject otherwise. */
static int find_object(Manager *m, const char *path, void **ret, const BusInterface *const **ret_ifaces, BusError *e) {
        if (streq(path, BUS_MANAGER_PATH)) {
                *ret = m;
                *ret_ifaces = bus_manager_interfaces;
                return 0;
        }
        if (streq(path, BUS_LOG_CONTROL_PATH)) {
                *ret = m;
                *ret_ifaces = bus_log_control_interfaces;
                return 0;
        }
        if (startswith(path, BUS_JOB_PREFIX "/")) {
                Job *j = bus_job_from_path(m, path);
                if (j) {
                        *ret = j;
                        *ret_ifaces = bus_job_interfaces;
                        return 0;
                }
        } else if (startswith(path, BUS_UNIT_PREFIX "/")) {
                MUnit *u = NULL;
                if (bus_unit_from_path(m, path, &u) >= 0 && u) {
                        *ret = u;
                        *ret_ifaces = bus_unit_interfaces(u);
                        return 0;
                }
        }
        return bus_error_setf(e, BUS_ERROR_UNKNOWN_OBJECT, "Unknown object '%s'.", path);
}

static int dispatch_call(Manager *m, BusConn *conn, bool privileged, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *member = call->member, *interface = call->interface;
        if (!call->path || !member) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Missing path or member");
        BusCall bc = { .manager = m, .conn = conn, .message = call, .reply = reply, .error = e };
        int r = find_object(m, call->path, &bc.object, &bc.interfaces, e);
        if (r < 0) return r;
        const BusInterface *iface;
        /* sd-bus's words for an unknown member, an unknown interface and an ambiguous member */
        if (bus_resolve_method(bc.interfaces, interface, member, &iface, &bc.method) < 0)
                return bus_error_setf(e, BUS_ERROR_UNKNOWN_METHOD, "Unknown method %s or interface %s.", member,
                                      interface ? interface : "(null)");
        const BusMethod *method = bc.method;
        BusAccess access = method->access;
        if (access != BUS_ACCESS_BY_PROPERTY && !access_allowed(privileged, access))
                return bus_error_setf(e, BUS_ERROR_ACCESS_DENIED, "Access denied");
        if (!streq(call->signature, method->in))
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments '%s' to call %s.%s(), expecting '%s'.",
                                      call->signature, iface->name, member, method->in);
        if (access == BUS_ACCESS_BY_PROPERTY) {
                if ((r = bus_resolve_set_property(&bc)) < 0) return r;
                if (!access_allowed(privileged, bc.property->write_access))
                        return bus_error_setf(e, BUS_ERROR_ACCESS_DENIED, "Access denied");
        }
        r = method->handler(&bc);
        if (r < 0) return r;
        if (!streq(reply->signature, method->out)) {
                log_error("D-Bus: %s.%s() answered '%s' instead of '%s'.", iface->name, member, reply->signature, method->out);
                return bus_error_setf(e, BUS_ERROR_FAILED, "Internal error: %s.%s() built a malformed reply.", iface->name, member);
        }
        return 0;
}

int bus_dispatch_method(Manager *m, BusConn *conn, bool privileged, BusMessage *call, BusMessage **ret_reply) {
        _cleanup_(bus_message_freep) BusMessage *reply = NULL;
        BusError e = { 0 };
        *ret_reply = NULL;
        int r = bus_message_new_method_return(&reply, call);
        if (r >= 0) r = dispatch_call(m, conn, privileged, call, reply, &e);
        if (!bus_message_expects_reply(call)) return 0;
        if (r < 0) {
                bus_message_free(reply);
                reply = NULL;
                const char *name = e.name ? e.name : bus_errno_to_name(r);
                if (!e.name) snprintf(e.message, sizeof e.message, "%s", strerror(r == -EREMOTEIO ? EIO : -r));
                if (bus_message_new_method_error(&reply, call, name, e.message) < 0) return -ENOMEM;
        }
        *ret_reply = TAKE_PTR(reply);
        return 0;
}

static void dispatch(BusClient *c, BusMessage *call) {
        if (call->type != BUS_MESSAGE_METHOD_CALL) return;   /* signals and replies: nothing to do */
        _cleanup_(bus_message_freep) BusMessage *reply = NULL;
        int r = bus_dispatch_method(c->m, c->conn, c->privileged, call, &reply);
        if (c->dead) return;
        if (r < 0) {
                client_kill(c, r);
                return;
        }
        if (reply) client_send(c, reply);
}

/* ---- deadlines ---- */

static void timer_arm(BusServer *s, usec_t when) {
        if (when < event_source_get_time(s->timer)) (void)event_source_set_time(s->timer, when);
}

static void client_set_deadline(BusClient *c, usec_t when) {
        c->deadline = when;
        if (when != USEC_INFINITY) timer_arm(c->m->bus, when);
}

static void client_became_ready(BusClient *c) {
        usec_t idle = c->listener->config->idle_timeout;
        client_set_deadline(c, idle == USEC_INFINITY ? USEC_INFINITY : now_usec(CLOCK_MONOTONIC) + idle);
}

static int on_timer(EventSource *src, usec_t now, void *userdata) {
        BusServer *s = userdata;
        usec_t next = USEC_INFINITY;
        (void)src;
        for (BusClient *c = s->clients; c; c = c->next) {
                if (c->dead || c->deadline == USEC_INFINITY) continue;
                if (c->deadline > now) {
                        if (c->deadline < next) next = c->deadline;
                        continue;
                }
                /* what arrived in the same wake-up as the timer counts */
                bool was_ready = bus_conn_is_ready(c->conn);
                if (!was_ready && bus_conn_on_readable(c->conn) >= 0 && bus_conn_is_ready(c->conn)) {
                        client_became_ready(c);
                        client_update_events(c);
                        if (c->deadline != USEC_INFINITY) if (c->deadline < next) next = c->deadline;
                        continue;
                }
                log_debug("D-Bus: closing the connection of uid %u (pid %d): %s.", (unsigned)c->uid,
                          (int)bus_conn_get_peer(c->conn)->pid, was_ready ? "idle" : "no authentication in time");
                client_kill(c, -ETIMEDOUT);
        }
        return event_source_set_time(s->timer, next);
}

/* ---- connection I/O ---- */

/* Dispatch what the connection has received, within a wake-up's budget. */
static void client_process(BusClient *c) {
        BusMessage *msg;
        int n = 0;
        c->pending = false;
        while (!c->dead && !client_paused(c)) {
                if (n == BUS_MESSAGES_PER_WAKEUP) {
                        /* more later, after others had their turn */
                        c->pending = bus_conn_has_input(c->conn);
                        if (c->pending) (void)event_source_set_enabled(c->m->bus->gc, true);
                        break;
                }
                if (bus_conn_pop_message(c->conn, &msg) <= 0) break;
                dispatch(c, msg);
                bus_message_free(msg);
                n++;
        }
        if (n > 0 && c->deadline != USEC_INFINITY) client_became_ready(c);   /* active: the idle bound moves on */
        client_update_events(c);
}

static int on_client(EventSource *src, int fd, uint32_t revents, void *userdata) {
        BusClient *c = userdata;
        (void)src; (void)fd;
        if (c->dead) return 0;
        bool was_ready = bus_conn_is_ready(c->conn);
        int r = 0;
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) r = bus_conn_on_readable(c->conn);
        if (r >= 0 && (revents & EPOLLOUT)) r = bus_conn_on_writable(c->conn);
        if (r < 0) {
                client_kill(c, r);
                return 0;
        }
        if (!was_ready && bus_conn_is_ready(c->conn)) client_became_ready(c);
        client_process(c);
        return 0;
}

/* Deferred: free the dead, go on with those that had more to do than one wake-up's budget. */
static int on_gc(EventSource *src, void *userdata) {
        BusServer *s = userdata;
        (void)src;
        for (BusClient *c = s->clients, *n; c; c = n) {
                n = c->next;
                if (c->dead) client_free(s, c);
        }
        for (BusClient *c = s->clients; c; c = c->next)
                if (c->pending && !c->dead) client_process(c);
        /* client_process() re-enables this source when some still have more */
        return 0;
}

/* ---- listening ---- */

static unsigned clients_of_uid(const BusServer *s, const BusListener *l, uid_t uid) {
        unsigned n = 0;
        for (const BusClient *c = s->clients; c; c = c->next)
                n += !c->dead && c->listener == l && c->uid == uid;
        return n;
}

/* Over a limit: the connection is closed at once (the peer reads EOF). */
static bool refuse(BusServer *s, BusListener *l, uid_t uid) {
        const BusListenerConfig *cf = l->config;
        const char *why = NULL;
        if (l->n_clients >= cf->max_clients) why = "too many connections";
        else if (clients_of_uid(s, l, uid) >= cf->max_per_uid) why = "too many connections of this user";
        if (why && ratelimit_below(&s->refuse_log, 10 * USEC_PER_SEC, 5, now_usec(CLOCK_MONOTONIC)))
                log_warning("D-Bus: %s on %s, refusing one of uid %u.", why, cf->path, (unsigned)uid);
        return why != NULL;
}

static int on_accept_retry(EventSource *src, usec_t now, void *userdata) {
        BusListener *l = userdata;
        (void)src; (void)now;
        return event_source_set_io_events(l->src, EPOLLIN);
}

/* Out of file descriptors or memory: the socket stays readable, so stop watching it for a while
 * instead of waking up for it in a loop. */
static void accept_pause(BusListener *l, int err) {
        log_warning("D-Bus: cannot accept on %s: %s; pausing.", l->config->path, strerror(err));
        (void)event_source_set_io_events(l->src, 0);
        (void)event_source_set_time(l->retry, now_usec(CLOCK_MONOTONIC) + BUS_ACCEPT_RETRY_USEC);
}

static void client_add(BusServer *s, BusListener *l, int cfd) {
        Manager *m = l->m;
        struct ucred peer;
        socklen_t len = sizeof peer;
        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0 || refuse(s, l, peer.uid)) {
                close(cfd);
                return;
        }
        BusClient *c = calloc(1, sizeof *c);
        if (!c) {
                close(cfd);
                return;
        }
        BusConnLimits lim = { .allow_fds = true, .max_message_size = l->config->max_message_size };
        if (bus_conn_new_server(&c->conn, cfd, s->guid, &lim) < 0) {
                free(c);
                return;
        }
        c->m = m;
        c->listener = l;
        c->uid = peer.uid;
        c->privileged = !l->config->read_only && (peer.uid == 0 || peer.uid == geteuid());
        if (event_add_io(m->event, &c->io, bus_conn_get_fd(c->conn), bus_conn_get_events(c->conn), on_client, c) < 0) {
                bus_conn_free(c->conn);
                free(c);
                return;
        }
        c->next = s->clients;
        s->clients = c;
        l->n_clients++;
        client_set_deadline(c, now_usec(CLOCK_MONOTONIC) + BUS_AUTH_TIMEOUT_USEC);
}

static int on_listen(EventSource *src, int fd, uint32_t revents, void *userdata) {
        BusListener *l = userdata;
        BusServer *s = l->m->bus;
        (void)src; (void)revents;
        for (int i = 0; i < BUS_ACCEPT_PER_WAKEUP; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd < 0) {
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) accept_pause(l, errno);
                        else if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) log_debug("D-Bus: accept failed: %m");
                        return 0;
                }
                client_add(s, l, cfd);
        }
        return 0;
}

static int listen_on(Manager *m, BusListener *l) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s%s", m->set.root ? m->set.root : "", l->config->path);
        (void)mkdir_parents(sa.sun_path, 0755);
        l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (l->fd < 0) return -errno;
        (void)unlink(sa.sun_path);
        mode_t old = umask(0077);
        int r = bind(l->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
        umask(old);
        if (r < 0) return r;
        /* chmod after bind: the mode of a socket file is what connect() checks */
        if (chmod(sa.sun_path, l->config->mode) < 0) return -errno;
        if (listen(l->fd, SOMAXCONN) < 0) return -errno;
        r = event_add_time(m->event, &l->retry, USEC_INFINITY, on_accept_retry, l);
        if (r < 0) return r;
        return event_add_io(m->event, &l->src, l->fd, EPOLLIN, on_listen, l);
}

static void listener_close(BusListener *l) {
        event_source_free(l->src);
        event_source_free(l->retry);
        l->src = l->retry = NULL;
        if (l->fd >= 0) close(l->fd);
        l->fd = -1;
}

int manager_bus_setup(Manager *m) {
        BusServer *s = calloc(1, sizeof *s);
        if (!s) return -ENOMEM;
        m->bus = s;
        for (size_t i = 0; i < N_LISTENERS; i++) {
                s->listeners[i] = (BusListener) { .m = m, .config = &listener_configs[i], .fd = -1 };
        }
        int r = bus_sasl_make_guid(s->guid);
        if (r >= 0) r = event_add_defer(m->event, &s->gc, on_gc, s);
        if (r >= 0) r = event_add_time(m->event, &s->timer, USEC_INFINITY, on_timer, s);
        if (r < 0) {
                manager_bus_free(m);
                return r;
        }
        (void)event_source_set_enabled(s->gc, false);
        r = listen_on(m, &s->listeners[0]);
        if (r < 0) {
                log_warning("Cannot serve the D-Bus API on %s: %s (systemctl will not work).", BUS_PRIVATE_SOCKET, strerror(-r));
                manager_bus_free(m);
                return r;
        }
        r = listen_on(m, &s->listeners[1]);
        if (r < 0) {
                log_notice("No read-only D-Bus socket %s: %s.", BUS_READONLY_SOCKET, strerror(-r));
                listener_close(&s->listeners[1]);
        }
        return 0;
}

void manager_bus_free(Manager *m) {
        BusServer *s = m->bus;
        if (!s) return;
        while (s->clients) client_free(s, s->clients);
        for (size_t i = 0; i < N_LISTENERS; i++) listener_close(&s->listeners[i]);
        event_source_free(s->gc);
        event_source_free(s->timer);
        free(s);
        m->bus = NULL;
}

void bus_track_unit(Manager *m, BusConn *conn, const char *sender, MUnit *u) {
        for (BusClient *c = m->bus ? m->bus->clients : NULL; c; c = c->next) {
                if (c->conn != conn) continue;
                if (strv_builder_extend(&c->unit_refs, u->id) >= 0) u->bus_refs++;
                return;
        }
        manager_system_bus_track_unit(m, sender, u);   /* a call that came through the system bus */
}

/* ---- signals ---- */

void manager_bus_job_new(Manager *m, const Job *j) {
        broadcast_job_signal(m, "JobNew", j->id, j->unit->id, NULL);
}

void manager_bus_job_removed(Manager *m, uint32_t id, const char *unit, JobResult r) {
        broadcast_job_signal(m, "JobRemoved", id, unit, job_result_to_string(r));
}

/* The unit's PropertiesChanged: ActiveState, SubState and Job, what clients that wait on a unit
 * read (systemd-run --wait, 252's bus_wait_for_units: BUS_WAIT_NO_JOB needs the Job). */
int bus_unit_changed_signal(MUnit *u, BusMessage **ret) {
        _cleanup_free_ char *path = NULL, *jp = NULL;
        _cleanup_(bus_message_freep) BusMessage *sig = NULL;
        uint32_t job = u->job ? u->job->id : 0;
        int r = bus_unit_path(u->id, &path);
        if (r >= 0) r = bus_job_path(job, &jp);
        if (r >= 0) r = bus_message_new_signal(&sig, path, BUS_IFACE_PROPERTIES, "PropertiesChanged");
        if (r >= 0) r = bus_message_append(sig, "s", BUS_IFACE_UNIT);
        if (r >= 0) r = bus_message_open_container(sig, 'a', "{sv}");
        if (r >= 0) r = bus_message_append(sig, "{sv}", "ActiveState", "s", unit_active_state_to_string(u->state));
        if (r >= 0) r = bus_message_append(sig, "{sv}", "SubState", "s", bus_unit_sub_state(u));
        if (r >= 0) r = bus_message_append(sig, "{sv}", "Job", "(uo)", job, job ? jp : "/");
        if (r >= 0) r = bus_message_close_container(sig);
        if (r >= 0) r = bus_message_append_strv(sig, NULL);
        if (r < 0) return r;
        *ret = TAKE_PTR(sig);
        return 0;
}

void manager_bus_unit_changed(MUnit *u) {
        Manager *m = u->m;
        manager_system_bus_unit_properties_changed(u);
        if (!m->bus || !m->bus->clients) return;
        for (BusClient *c = m->bus->clients; c; c = c->next) {
                if (c->dead || !bus_conn_is_ready(c->conn)) continue;
                _cleanup_(bus_message_freep) BusMessage *sig = NULL;   /* one each: a message's serial is its connection's */
                if (bus_unit_changed_signal(u, &sig) < 0) return;
                client_send(c, sig);
        }
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
