/* SPDX-License-Identifier: MIT */
/* The thin bus layer of systemctl: one blocking connection to PID 1's private socket, method
 * calls, systemd's error names mapped to systemctl's exit codes, unit object paths. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "bus/bus-path.h"
#include "bus/bus-sockets.h"
#include "cli/systemctl.h"
#include "unit/name.h"

#define CTL_CALL_TIMEOUT_USEC (25ULL * 1000000ULL)   /* sd-bus's default method timeout */

int ctl_bus(Ctl *c) {
        int r;

        if (c->conn)
                return 0;
        r = bus_conn_connect(&c->conn, BUS_PRIVATE_SOCKET, CTL_CALL_TIMEOUT_USEC);
        /* a user the private socket refuses gets tinysd's read-only socket: queries answer,
         * changes are denied by PID 1 (systemd 252 would try the system bus instead) */
        if ((r == -EACCES || r == -EPERM) && geteuid() != 0)
                r = bus_conn_connect(&c->conn, BUS_READONLY_SOCKET, CTL_CALL_TIMEOUT_USEC);
        if (r < 0) {
                /* systemctl 252 then tries the system bus; that needs dbus-daemon, which a
                 * tinysd container does not run, so the error is the same as its final one. */
                errno = -r;
                fprintf(stderr, "Failed to connect to bus: %m\n");
                return r;
        }
        /* as sd-bus on a direct connection: the server must be root or ourselves */
        const struct ucred *peer = bus_conn_get_peer(c->conn);
        if (!peer || (peer->uid != 0 && peer->uid != getuid())) {
                c->conn = bus_conn_free(c->conn);
                fputs("Failed to connect to bus: Operation not permitted\n", stderr);
                return -EPERM;
        }
        return 0;
}

int ctl_new_call(BusMessage **ret, const char *path, const char *iface, const char *member) {
        return bus_message_new_method_call(ret, SD_DEST, path, iface, member);
}

int ctl_call(Ctl *c, BusMessage *m, BusMessage **ret_reply) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        int r;

        r = ctl_bus(c);
        if (r < 0)
                return r;
        r = bus_message_set_flags(m, BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION);
        if (r < 0)
                return r;
        r = bus_call(c->conn, m, CTL_CALL_TIMEOUT_USEC, &reply);
        if (ret_reply)
                *ret_reply = TAKE_PTR(reply);
        return r;
}

int ctl_error_exit_code(const char *name) {
        static const struct { const char *name; int code; } map[] = {
                { "org.freedesktop.DBus.Error.AccessDenied", 4 },
                { "org.freedesktop.systemd1.OnlyByDependency", 4 },
                { "org.freedesktop.systemd1.NoIsolation", 4 },
                { "org.freedesktop.systemd1.TransactionIsDestructive", 4 },
                { "org.freedesktop.systemd1.NoSuchUnit", 5 },
                { "org.freedesktop.systemd1.JobTypeNotApplicable", 3 },
                { "org.freedesktop.DBus.Error.NotSupported", 3 },
                { "org.freedesktop.systemd1.LoadFailed", 6 },
        };
        for (size_t i = 0; name && i < ELEMENTSOF(map); i++)
                if (streq(map[i].name, name))
                        return map[i].code;
        return 1;
}

/* The text sd-bus's bus_error_message() gives: the error's message, or strerror for a local
 * failure. */
static const char *call_error_text(int r, BusMessage *reply) {
        const char *name = NULL, *text = NULL;

        if (r == -EREMOTEIO && reply && bus_message_get_error(reply, &name, &text) >= 0 && !isempty(text))
                return text;
        if (r == -EREMOTEIO && name)
                return name;
        return strerror(r < 0 ? -r : r);
}

int ctl_log_call_error(int r, BusMessage *reply, const char *fmt, ...) {
        va_list ap;
        const char *name = NULL, *text = NULL;

        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, ": %s\n", call_error_text(r, reply));
        if (r == -EREMOTEIO && reply && bus_message_get_error(reply, &name, &text) >= 0)
                return ctl_error_exit_code(name);
        return 1;
}

int ctl_get_all(Ctl *c, const char *path, const char *iface, BusMessage **ret_reply) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        r = ctl_new_call(&m, path, DBUS_PROPERTIES, "GetAll");
        if (r < 0)
                return r;
        r = bus_message_append(m, "s", strempty(iface));
        if (r < 0)
                return r;
        return ctl_call(c, m, ret_reply);
}

int ctl_get_property(Ctl *c, const char *path, const char *iface, const char *name, const char *sig,
                     BusMessage **ret_reply) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        int r;

        r = ctl_new_call(&m, path, DBUS_PROPERTIES, "Get");
        if (r < 0)
                return r;
        r = bus_message_append(m, "ss", iface, name);
        if (r < 0)
                return r;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                if (ret_reply)
                        *ret_reply = TAKE_PTR(reply);
                return r;
        }
        r = bus_message_enter_container(reply, 'v', sig);
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        *ret_reply = TAKE_PTR(reply);
        return 0;
}

int ctl_get_string(Ctl *c, const char *path, const char *iface, const char *name, char **ret) {
        _cleanup_bus_message_ BusMessage *reply = NULL;
        const char *s;
        int r;

        r = ctl_get_property(c, path, iface, name, "s", &reply);
        if (r < 0)
                return r;
        r = bus_message_read(reply, "s", &s);
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int ctl_unit_path(const char *unit, char **ret) {
        return bus_path_encode(SD_PATH "/unit", unit, ret);
}

int ctl_mangle_names(char **names, const char *suffix, bool allow_globs, char ***list) {
        int r;

        STRV_FOREACH(n, names) {
                char *t = NULL;

                r = unit_name_mangle(*n, suffix ? suffix : ".service", allow_globs, &t);
                if (r < 0) {
                        fprintf(stderr, "Failed to mangle name: %s\n", strerror(-r));
                        return r;
                }
                r = strv_push(list, t);
                if (r < 0)
                        return r;
        }
        return 0;
}

int ctl_need_daemon_reload(Ctl *c, const char *unit) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL, *prop = NULL;
        const char *path;
        int b, r;

        r = ctl_new_call(&m, SD_PATH, SD_MANAGER, "GetUnit");
        if (r < 0 || (r = bus_message_append(m, "s", unit)) < 0)
                return r;
        r = ctl_call(c, m, &reply);
        if (r < 0)
                return r;
        if (bus_message_read(reply, "o", &path) <= 0)
                return -EBADMSG;
        r = ctl_get_property(c, path, SD_UNIT, "NeedDaemonReload", "b", &prop);
        if (r < 0)
                return r;
        if (bus_message_read(prop, "b", &b) <= 0)
                return -EBADMSG;
        return b;
}

void ctl_warn_unit_file_changed(const char *unit) {
        fprintf(stderr, "Warning: The unit file, source configuration file or drop-ins of %s changed on disk. "
                "Run 'systemctl daemon-reload' to reload units.\n", unit);
}

int ctl_append_assignment(BusMessage *m, const char *assignment) {
        const char *eq = strchr(assignment, '=');
        if (!eq || eq == assignment) {
                fprintf(stderr, "Not an assignment: %s\n", assignment);
                return -EINVAL;
        }
        _cleanup_free_ char *name = strndup(assignment, (size_t)(eq - assignment));
        if (!name)
                return -ENOMEM;
        if (streq(name, "CPUQuota")) {
                /* a percentage is no specifier: sent as 252's client sends it, in µs per second */
                char *end = NULL;
                double pct = eq[1] ? strtod(eq + 1, &end) : -1;
                if (eq[1] && (!end || end == eq + 1 || !streq(end, "%") || pct <= 0)) {
                        fprintf(stderr, "CPU quota '%s' invalid.\n", eq + 1);
                        return -EINVAL;
                }
                return bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t",
                                          eq[1] ? (uint64_t) (pct * 10000.0 + 0.5) : UINT64_MAX);
        }
        return bus_message_append(m, "(sv)", name, "s", eq + 1);
}
