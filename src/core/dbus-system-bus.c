/* SPDX-License-Identifier: MIT */
/* PID 1's connection to the system bus (dbus-system-bus.h): connect, Hello, matches, the name; the
 * callers' uids; Type=dbus names; activation requests.
 *
 * Every call that reaches org.freedesktop.systemd1 through the bus waits for one question to the
 * bus (GetConnectionUnixUser of its sender) before it is dispatched: the bus daemon's answer is
 * the only trustworthy word on who the caller is. At most SYSBUS_PENDING_MAX questions are open;
 * calls beyond that are answered LimitsExceeded at once. Only signals whose sender is the bus
 * itself (org.freedesktop.DBus: no client can send in its name) are acted upon. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "base/log.h"
#include "base/util.h"
#include "core/dbus-internal.h"
#include "core/dbus-system-bus.h"
#include "core/munit.h"
#include "core/transient.h"

#define SYSBUS_RETRY_USEC (500 * USEC_PER_MSEC)
#define SYSBUS_RETRIES_QUIET 10          /* failed connects logged at debug level before one notice */
#define SYSBUS_PENDING_MAX 256           /* questions to the bus awaiting an answer */
#define SYSBUS_ACTIVATIONS_MAX 64        /* start jobs of activation requests being watched */
#define SYSBUS_MESSAGES_PER_WAKEUP 32
#define SYSBUS_OUT_MAX (4U * 1024U * 1024U)
#define SYSBUS_IN_MESSAGES 128U
#define SYSBUS_REFS_MAX 1024             /* units held by clients on the bus (AddRef), in all */

#define DBUS_NAME "org.freedesktop.DBus"
#define DBUS_PATH "/org/freedesktop/DBus"
#define ACTIVATOR_IFACE "org.freedesktop.systemd1.Activator"
#define SYSTEMD_BUS_NAME "org.freedesktop.systemd1"
#define BUS_ERROR_LIMITS_EXCEEDED "org.freedesktop.DBus.Error.LimitsExceeded"

typedef enum PendingKind {
        PENDING_IGNORE,        /* AddMatch: nothing to do with the answer */
        PENDING_HELLO,
        PENDING_REQUEST_NAME,
        PENDING_CALLER_UID,    /* GetConnectionUnixUser for a held method call */
        PENDING_NAME_OWNER,    /* GetNameOwner for a Type=dbus service's BusName= */
} PendingKind;

/* A unit held by a client on the bus, until its unique name leaves (NameOwnerChanged). */
typedef struct UnitRef {
        char *sender;
        char *unit;
        struct UnitRef *next;
} UnitRef;

typedef struct Pending {
        uint32_t serial;
        PendingKind kind;
        BusMessage *call;      /* PENDING_CALLER_UID: the call to dispatch */
        char *name;            /* PENDING_NAME_OWNER */
        struct Pending *next;
} Pending;

struct SystemBus {
        Manager *m;
        BusConn *conn;
        EventSource *io, *retry, *more;
        bool greeted;          /* Hello, the matches and RequestName are sent */
        unsigned n_failed;     /* connects failed in a row */
        Pending *pending;
        unsigned n_pending;
        uint32_t activation_jobs[SYSBUS_ACTIVATIONS_MAX];
        size_t n_activation_jobs;
        UnitRef *refs;
        unsigned n_refs;
};

static void pending_free(Pending *p) {
        bus_message_free(p->call);
        free(p->name);
        free(p);
}

static void unit_ref_free(UnitRef *r) {
        free(r->sender);
        free(r->unit);
        free(r);
}

/* The refs of sender (every one when NULL) dropped; a transient unit no longer held may go. */
static void release_refs(SystemBus *sb, const char *sender) {
        for (UnitRef **p = &sb->refs; *p;) {
                UnitRef *r = *p;
                if (sender && !streq(r->sender, sender)) {
                        p = &r->next;
                        continue;
                }
                *p = r->next;
                sb->n_refs--;
                MUnit *u = manager_get_unit(sb->m, r->unit);
                unit_ref_free(r);
                if (!u || u->bus_refs == 0) continue;
                u->bus_refs--;
                transient_unit_check_collect(u);
        }
}

static bool unit_is_up(Manager *m, const char *name) {
        MUnit *u = manager_get_unit(m, name);
        return u && (UNIT_IS_ACTIVE_OR_RELOADING(u->state) || u->state == UNIT_ACTIVATING);
}

static bool bus_service_active(Manager *m) {
        MUnit *u = manager_get_unit(m, SYSTEM_BUS_SERVICE);
        return u && UNIT_IS_ACTIVE_OR_RELOADING(u->state) && !m->shutting_down;
}

static void disconnect(SystemBus *sb) {
        event_source_free(sb->io);
        sb->io = NULL;
        sb->conn = bus_conn_free(sb->conn);
        sb->greeted = false;
        while (sb->pending) {
                Pending *p = sb->pending;
                sb->pending = p->next;
                pending_free(p);
        }
        sb->n_pending = 0;
        (void)event_source_set_enabled(sb->more, false);
        release_refs(sb, NULL);   /* the bus is gone, so is every client that held a unit through it */
}

static void schedule_retry(SystemBus *sb) {
        if (bus_service_active(sb->m))
                (void)event_source_set_time(sb->retry, now_usec(CLOCK_MONOTONIC) + SYSBUS_RETRY_USEC);
}

static void lost(SystemBus *sb, int err) {
        log_notice("Lost the system bus connection: %s.", strerror(-err));
        disconnect(sb);
        schedule_retry(sb);
}

static void update_events(SystemBus *sb) {
        if (sb->conn) (void)event_source_set_io_events(sb->io, bus_conn_get_events(sb->conn));
}

static int send_message(SystemBus *sb, BusMessage *msg, uint32_t *ret_serial) {
        if (!sb->conn) return -ENOTCONN;
        int r = bus_conn_send(sb->conn, msg, ret_serial);
        if (r < 0 && r != -ENOMEM && r != -EPERM) {
                lost(sb, r);
                return r;
        }
        update_events(sb);
        return r;
}

/* A call to the bus itself whose answer is handled by kind; takes call_to_hold and name. */
static int ask_bus(SystemBus *sb, PendingKind kind, BusMessage *call_to_hold, char *name, const char *member,
                   const char *types, ...) {
        _cleanup_(bus_message_freep) BusMessage *msg = NULL;
        Pending *p = calloc(1, sizeof *p);
        int r = p ? bus_message_new_method_call(&msg, DBUS_NAME, DBUS_PATH, DBUS_NAME, member) : -ENOMEM;
        if (r >= 0 && types) {
                va_list ap;
                va_start(ap, types);
                r = bus_message_appendv(msg, types, ap);
                va_end(ap);
        }
        if (r >= 0) r = send_message(sb, msg, p ? &p->serial : NULL);
        if (r < 0 || !sb->conn) {
                bus_message_free(call_to_hold);
                free(name);
                free(p);
                return r < 0 ? r : -ENOTCONN;
        }
        p->kind = kind;
        p->call = call_to_hold;
        p->name = name;
        p->next = sb->pending;
        sb->pending = p;
        sb->n_pending++;
        return 0;
}

static Pending *take_pending(SystemBus *sb, uint32_t serial) {
        for (Pending **p = &sb->pending; *p; p = &(*p)->next)
                if ((*p)->serial == serial) {
                        Pending *found = *p;
                        *p = found->next;
                        sb->n_pending--;
                        return found;
                }
        return NULL;
}

/* ---- Type=dbus names ---- */

static const char *bus_name_of(MUnit *u) {
        return SERVICE(u) && u->cfg && u->cfg->service ? u->cfg->service->bus_name : NULL;
}

static void name_owner_changed(Manager *m, const char *name, bool owned) {
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (streq_ptr(bus_name_of(u), name)) service_bus_name_owner_changed(u, owned);
        }
}

static void ask_name_owner(SystemBus *sb, const char *name) {
        char *copy = strdup(name);
        if (copy) (void)ask_bus(sb, PENDING_NAME_OWNER, NULL, copy, "GetNameOwner", "s", name);
}

bool manager_system_bus_watch_name(MUnit *u, const char *name) {
        Manager *m = u->m;
        SystemBus *sb = m->sysbus;
        if (sb && sb->conn) {
                if (sb->greeted) ask_name_owner(sb, name);   /* else asked once the greeting is out */
                return true;
        }
        return unit_is_up(m, SYSTEM_BUS_SERVICE) || unit_is_up(m, "dbus.socket");
}

/* ---- activation ---- */

static void activation_failure(SystemBus *sb, const char *unit, const char *error, const char *text) {
        _cleanup_(bus_message_freep) BusMessage *sig = NULL;
        log_debug("D-Bus activation failed for %s: %s", unit, text);
        if (bus_message_new_signal(&sig, DBUS_PATH, ACTIVATOR_IFACE, "ActivationFailure") < 0 ||
            bus_message_set_destination(sig, DBUS_NAME) < 0 || bus_message_append(sig, "sss", unit, error, text) < 0)
                return;
        (void)send_message(sb, sig, NULL);
}

static void activation_request(SystemBus *sb, const char *name) {
        Manager *m = sb->m;
        BusError e = { 0 };
        MUnit *u = NULL;
        int r = manager_load_unit(m, name, &u);
        if (r < 0 || !u || !u->cfg) {
                activation_failure(sb, name, BUS_ERROR_NO_SUCH_UNIT, "Unit not found.");
                return;
        }
        if (bus_unit_load_error(u, &e) < 0) {
                activation_failure(sb, name, e.name, e.message);
                return;
        }
        if (munit_skipped_in_container(u)) {
                char text[512];
                snprintf(text, sizeof text, "Unit %s is systemd's own and is not run in a container.", u->id);
                activation_failure(sb, name, BUS_ERROR_NOT_SUPPORTED, text);
                return;
        }
        if (u->cfg->unit.refuse_manual_start) {
                activation_failure(sb, name, BUS_ERROR_ONLY_BY_DEPENDENCY,
                                   "Operation refused, unit may not be started manually.");
                return;
        }
        Job *j = NULL;
        r = manager_add_job(m, JOB_START, u, JOB_REPLACE, &j);
        if (r < 0) {
                activation_failure(sb, name, bus_errno_to_name(r), strerror(-r));
                return;
        }
        log_debug("D-Bus activation: starting %s.", u->id);
        if (j && sb->n_activation_jobs < SYSBUS_ACTIVATIONS_MAX) sb->activation_jobs[sb->n_activation_jobs++] = j->id;
}

void manager_system_bus_job_removed(Manager *m, uint32_t id, const char *unit, JobResult r) {
        SystemBus *sb = m->sysbus;
        if (!sb) return;
        for (size_t i = 0; i < sb->n_activation_jobs; i++) {
                if (sb->activation_jobs[i] != id) continue;
                sb->activation_jobs[i] = sb->activation_jobs[--sb->n_activation_jobs];
                if (r != JOB_DONE && sb->conn && sb->greeted) {
                        char text[512];
                        snprintf(text, sizeof text, "Job for %s failed: %s.", unit, job_result_to_string(r));
                        activation_failure(sb, unit, BUS_ERROR_FAILED, text);
                }
                return;
        }
}

/* ---- messages ---- */

static void greet(SystemBus *sb) {
        static const char *const matches[] = {
                "type='signal',sender='" DBUS_NAME "',path='" DBUS_PATH "',interface='" DBUS_NAME
                "',member='NameOwnerChanged'",
                "type='signal',sender='" DBUS_NAME "',path='" DBUS_PATH "',interface='" ACTIVATOR_IFACE
                "',member='ActivationRequest'",
        };
        /* Hello first; the bus handles the rest in order */
        if (ask_bus(sb, PENDING_HELLO, NULL, NULL, "Hello", NULL) < 0) return;
        for (size_t i = 0; i < ELEMENTSOF(matches); i++)
                if (ask_bus(sb, PENDING_IGNORE, NULL, NULL, "AddMatch", "s", matches[i]) < 0) return;
        if (ask_bus(sb, PENDING_REQUEST_NAME, NULL, NULL, "RequestName", "su", SYSTEMD_BUS_NAME, (uint32_t)0) < 0) return;
        sb->greeted = true;
        sb->n_failed = 0;
        /* Type=dbus services that started before the connection: is their name there already? */
        Manager *m = sb->m;
        for (size_t i = 0; i < m->n_list && sb->conn; i++) {
                Service *s = SERVICE(m->list[i]);
                const char *name = bus_name_of(m->list[i]);
                if (s && name && s->state == SERVICE_START && s->meta.cfg->service->type == SERVICE_DBUS)
                        ask_name_owner(sb, name);
        }
}

static void answer_call(SystemBus *sb, BusMessage *call, BusMessage *uid_reply) {
        uint32_t uid = UINT32_MAX;
        if (uid_reply->type != BUS_MESSAGE_METHOD_RETURN || bus_message_read(uid_reply, "u", &uid) < 0) uid = UINT32_MAX;
        bool privileged = uid == 0 || uid == (uint32_t)geteuid();
        _cleanup_(bus_message_freep) BusMessage *reply = NULL;
        if (bus_dispatch_method(sb->m, sb->conn, privileged, call, &reply) < 0 || !reply || !sb->conn) return;
        (void)send_message(sb, reply, NULL);
}

static void on_answer(SystemBus *sb, BusMessage *msg) {
        Pending *p = take_pending(sb, msg->reply_serial);
        if (!p) return;
        bool ok = msg->type == BUS_MESSAGE_METHOD_RETURN;
        const char *en = NULL, *text = NULL;
        switch (p->kind) {
        case PENDING_HELLO:
                if (!ok) {
                        (void)bus_message_get_error(msg, &en, &text);
                        log_warning("The system bus refused Hello: %s", strempty(text));
                }
                break;
        case PENDING_REQUEST_NAME: {
                uint32_t res = 0;
                if (!ok) {
                        (void)bus_message_get_error(msg, &en, &text);
                        log_warning("Cannot own %s on the system bus: %s", SYSTEMD_BUS_NAME, strempty(text));
                } else if (bus_message_read(msg, "u", &res) >= 0 && res != 1)
                        log_warning("Cannot own %s on the system bus: another connection has it.", SYSTEMD_BUS_NAME);
                else
                        log_debug("Connected to the system bus as %s.", SYSTEMD_BUS_NAME);
                break;
        }
        case PENDING_CALLER_UID:
                answer_call(sb, p->call, msg);
                break;
        case PENDING_NAME_OWNER:
                if (ok) name_owner_changed(sb->m, p->name, true);
                break;
        case PENDING_IGNORE:
                break;
        }
        pending_free(p);
}

static void on_call(SystemBus *sb, BusMessage *call) {
        if (!call->sender) return;
        if (sb->n_pending >= SYSBUS_PENDING_MAX) {
                _cleanup_(bus_message_freep) BusMessage *err = NULL;
                if (bus_message_expects_reply(call) &&
                    bus_message_new_method_error(&err, call, BUS_ERROR_LIMITS_EXCEEDED, "Too many calls at once.") >= 0)
                        (void)send_message(sb, err, NULL);
                bus_message_free(call);
                return;
        }
        (void)ask_bus(sb, PENDING_CALLER_UID, call, NULL, "GetConnectionUnixUser", "s", call->sender);
}

static void on_signal(SystemBus *sb, BusMessage *sig) {
        /* only the bus's own: nobody else can send as org.freedesktop.DBus */
        if (!streq_ptr(sig->sender, DBUS_NAME) || !streq_ptr(sig->path, DBUS_PATH)) return;
        const char *name = NULL, *old_owner = NULL, *new_owner = NULL;
        if (bus_message_is_signal(sig, DBUS_NAME, "NameOwnerChanged")) {
                if (!streq(sig->signature, "sss") || bus_message_read(sig, "sss", &name, &old_owner, &new_owner) < 0) return;
                if (name[0] != ':') name_owner_changed(sb->m, name, !isempty(new_owner));
                else if (isempty(new_owner) && sb->refs) release_refs(sb, name);
        } else if (bus_message_is_signal(sig, ACTIVATOR_IFACE, "ActivationRequest")) {
                if (streq(sig->signature, "s") && bus_message_read(sig, "s", &name) >= 0) activation_request(sb, name);
        }
}

/* Handle what arrived, within a wake-up's budget (the rest from the deferred source). */
static void process(SystemBus *sb) {
        if (!sb->conn) return;
        if (!sb->greeted && bus_conn_is_ready(sb->conn)) greet(sb);
        for (int n = 0; sb->conn; n++) {
                if (n == SYSBUS_MESSAGES_PER_WAKEUP) {
                        (void)event_source_set_enabled(sb->more, bus_conn_has_input(sb->conn));
                        return;
                }
                BusMessage *msg = NULL;
                int r = bus_conn_pop_message(sb->conn, &msg);
                if (r < 0) {
                        lost(sb, r);
                        return;
                }
                if (r == 0) break;
                if (msg->type == BUS_MESSAGE_METHOD_CALL) {
                        on_call(sb, msg);   /* held until the caller's uid is known */
                        continue;
                }
                if (msg->type == BUS_MESSAGE_METHOD_RETURN || msg->type == BUS_MESSAGE_METHOD_ERROR) on_answer(sb, msg);
                else if (msg->type == BUS_MESSAGE_SIGNAL) on_signal(sb, msg);
                bus_message_free(msg);
        }
        update_events(sb);
}

static int on_more(EventSource *src, void *userdata) {
        SystemBus *sb = userdata;
        (void)event_source_set_enabled(src, false);
        process(sb);
        return 0;
}

static int on_io(EventSource *src, int fd, uint32_t revents, void *userdata) {
        SystemBus *sb = userdata;
        (void)src; (void)fd;
        int r = 0;
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) r = bus_conn_on_readable(sb->conn);
        if (r >= 0 && (revents & EPOLLOUT)) r = bus_conn_on_writable(sb->conn);
        if (r < 0) {
                lost(sb, r);
                return 0;
        }
        process(sb);
        return 0;
}

/* ---- connecting ---- */

static void try_connect(SystemBus *sb) {
        Manager *m = sb->m;
        if (sb->conn || !bus_service_active(m)) return;
        char path[4096];
        snprintf(path, sizeof path, "%s%s", m->set.root ? m->set.root : "", SYSTEM_BUS_SOCKET);
        BusConnLimits lim = { .max_out_bytes = SYSBUS_OUT_MAX, .max_in_messages = SYSBUS_IN_MESSAGES, .allow_fds = true };
        int r = bus_conn_connect_async(&sb->conn, path, &lim);
        if (r >= 0) r = event_add_io(m->event, &sb->io, bus_conn_get_fd(sb->conn), bus_conn_get_events(sb->conn), on_io, sb);
        if (r >= 0) return;
        disconnect(sb);
        if (++sb->n_failed == SYSBUS_RETRIES_QUIET)
                log_notice("Cannot connect to the system bus at %s: %s; trying again while %s runs.", SYSTEM_BUS_SOCKET,
                           strerror(-r), SYSTEM_BUS_SERVICE);
        else
                log_debug("Cannot connect to the system bus: %s.", strerror(-r));
        schedule_retry(sb);
}

static int on_retry(EventSource *src, usec_t now, void *userdata) {
        (void)src; (void)now;
        try_connect(userdata);
        return 0;
}

static SystemBus *system_bus_get(Manager *m) {
        if (m->sysbus) return m->sysbus;
        SystemBus *sb = calloc(1, sizeof *sb);
        if (!sb) return NULL;
        sb->m = m;
        if (event_add_time(m->event, &sb->retry, USEC_INFINITY, on_retry, sb) < 0 ||
            event_add_defer(m->event, &sb->more, on_more, sb) < 0) {
                event_source_free(sb->retry);
                free(sb);
                return NULL;
        }
        (void)event_source_set_enabled(sb->more, false);
        m->sysbus = sb;
        return sb;
}

void manager_system_bus_unit_changed(MUnit *u, UnitActiveState os, UnitActiveState ns) {
        if (!streq(u->id, SYSTEM_BUS_SERVICE) || os == ns) return;
        Manager *m = u->m;
        if (UNIT_IS_ACTIVE_OR_RELOADING(ns) && !m->shutting_down) {
                SystemBus *sb = system_bus_get(m);
                if (sb) {
                        sb->n_failed = 0;
                        try_connect(sb);
                }
        } else if (m->sysbus && !UNIT_IS_ACTIVE_OR_RELOADING(ns)) {
                if (m->sysbus->conn) log_debug("%s is %s: leaving the system bus.", u->id, unit_active_state_to_string(ns));
                disconnect(m->sysbus);
                (void)event_source_set_time(m->sysbus->retry, USEC_INFINITY);
        }
}

void manager_system_bus_job_signal(Manager *m, const char *member, uint32_t id, const char *unit, const char *result) {
        SystemBus *sb = m->sysbus;
        if (!sb || !sb->conn || !sb->greeted) return;
        _cleanup_free_ char *jp = NULL;
        _cleanup_(bus_message_freep) BusMessage *sig = NULL;
        if (bus_job_path(id, &jp) < 0 || bus_message_new_signal(&sig, BUS_MANAGER_PATH, BUS_IFACE_MANAGER, member) < 0) return;
        int r = result ? bus_message_append(sig, "uoss", id, jp, unit, result) : bus_message_append(sig, "uos", id, jp, unit);
        if (r >= 0) (void)send_message(sb, sig, NULL);
}

void manager_system_bus_track_unit(Manager *m, const char *sender, MUnit *u) {
        SystemBus *sb = m->sysbus;
        if (!sb || !sb->conn || !sender || sb->n_refs >= SYSBUS_REFS_MAX) return;
        UnitRef *r = calloc(1, sizeof *r);
        if (r) r->sender = strdup(sender);
        if (r && r->sender) r->unit = strdup(u->id);
        if (!r || !r->unit) {
                if (r) unit_ref_free(r);
                return;
        }
        r->next = sb->refs;
        sb->refs = r;
        sb->n_refs++;
        u->bus_refs++;
}

void manager_system_bus_unit_properties_changed(MUnit *u) {
        SystemBus *sb = u->m->sysbus;
        /* every unit, held or not: Debian's `systemctl start --wait` follows its units here too (its
         * Unit.Ref holds nothing in tinysd) */
        if (!sb || !sb->conn || !sb->greeted) return;
        _cleanup_(bus_message_freep) BusMessage *sig = NULL;
        if (bus_unit_changed_signal(u, &sig) >= 0) (void)send_message(sb, sig, NULL);
}

void manager_system_bus_free(Manager *m) {
        SystemBus *sb = m->sysbus;
        if (!sb) return;
        /* units are being freed with the manager: the refs go without touching them */
        while (sb->refs) {
                UnitRef *r = sb->refs;
                sb->refs = r->next;
                unit_ref_free(r);
        }
        sb->n_refs = 0;
        disconnect(sb);
        event_source_free(sb->retry);
        event_source_free(sb->more);
        free(sb);
        m->sysbus = NULL;
}
