/* SPDX-License-Identifier: MIT */
/* log-level, log-target (PID 1's org.freedesktop.LogControl1 over the private socket) and
 * service-log-level, service-log-target (the LogControl1 object of the bus name a service declares
 * with BusName=, over the system bus), as systemctl 252's verb_log_control_common(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/strv.h"
#include "cli/systemctl.h"

#define LOG_CONTROL_PATH "/org/freedesktop/LogControl1"
#define LOG_CONTROL_IFACE "org.freedesktop.LogControl1"
#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
#define LOG_CALL_TIMEOUT_USEC (25ULL * 1000000ULL)

static const char *error_text(int r, BusMessage *reply) {
        const char *name = NULL, *text = NULL;
        if (r == -EREMOTEIO && reply && bus_message_get_error(reply, &name, &text) >= 0)
                return !isempty(text) ? text : name;
        return strerror(-r);
}

static int log_control_common(BusConn *conn, const char *dest, const char *verb, const char *value) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        bool level = endswith(verb, "log-level");
        const char *prop = level ? "LogLevel" : "LogTarget", *what = level ? "level" : "target";
        int r;

        if (value && level && log_level_from_string(value) < 0) {
                fprintf(stderr, "\"%s\" is not a valid log level.\n", value);
                return 1;
        }
        r = bus_message_new_method_call(&m, dest, LOG_CONTROL_PATH, DBUS_PROPERTIES, value ? "Set" : "Get");
        if (r >= 0) r = value ? bus_message_append(m, "ssv", LOG_CONTROL_IFACE, prop, "s", value)
                              : bus_message_append(m, "ss", LOG_CONTROL_IFACE, prop);
        if (r >= 0) r = bus_message_set_flags(m, BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION);
        if (r >= 0) r = bus_call(conn, m, LOG_CALL_TIMEOUT_USEC, &reply);
        if (r < 0) {
                if (value)
                        fprintf(stderr, "Failed to set log %s of %s to %s: %s\n", what, dest, value,
                                error_text(r, reply));
                else
                        fprintf(stderr, "Failed to get log %s of %s: %s\n", what, dest, error_text(r, reply));
                return 1;
        }
        if (value) return 0;
        const char *s = NULL;
        if (bus_message_enter_container(reply, 'v', "s") <= 0 || bus_message_read(reply, "s", &s) <= 0) {
                fprintf(stderr, "Failed to get log %s of %s: %s\n", what, dest, strerror(EBADMSG));
                return 1;
        }
        puts(s);
        return 0;
}

int verb_ctl_log_setting(Ctl *c, int argc, char **argv) {
        if (ctl_bus(c) < 0) return 1;
        return log_control_common(c->conn, SD_DEST, argv[0], argc == 2 ? argv[1] : NULL);
}

/* The system bus, as sd_bus_open_system(): authenticated, then Hello. */
static int system_bus(BusConn **ret) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        int r = bus_conn_connect(ret, SYSTEM_BUS_SOCKET, LOG_CALL_TIMEOUT_USEC);
        if (r >= 0) r = bus_message_new_method_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                    "org.freedesktop.DBus", "Hello");
        if (r >= 0) r = bus_call(*ret, m, LOG_CALL_TIMEOUT_USEC, &reply);
        if (r < 0) {
                *ret = bus_conn_free(*ret);
                fprintf(stderr, "Failed to connect to bus: %s\n", strerror(r == -EREMOTEIO ? EIO : -r));
        }
        return r;
}

int verb_ctl_service_log_setting(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **units = NULL;
        _cleanup_free_ char *path = NULL, *bus_name = NULL;
        BusConn *sys = NULL;
        int r;

        if (system_bus(&sys) < 0) return 1;
        char *one[] = { argv[1], NULL };
        if (ctl_mangle_names(one, ".service", false, &units) < 0 || ctl_unit_path(units[0], &path) < 0) {
                bus_conn_free(sys);
                return 1;
        }
        /* 252 asks PID 1 on the system bus; tinysd's PID 1 answers on its private socket */
        r = ctl_get_string(c, path, "org.freedesktop.systemd1.Service", "BusName", &bus_name);
        if (r < 0) {
                fprintf(stderr, "Failed to obtain BusName= property of %s: %s\n", units[0], strerror(-r));
                r = 1;
        } else if (isempty(bus_name)) {
                fprintf(stderr, "Unit %s doesn't declare BusName=.\n", units[0]);
                r = 1;
        } else
                r = log_control_common(sys, bus_name, argv[0], argc == 3 ? argv[2] : NULL);
        bus_conn_free(sys);
        return r;
}
