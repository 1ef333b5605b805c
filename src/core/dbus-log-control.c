/* SPDX-License-Identifier: MIT */
/* /org/freedesktop/LogControl1 of PID 1 (org.freedesktop.LogControl1, as systemd 252's
 * bus_manager_log_control_vtable): LogLevel and LogTarget, writable by the privileged, and
 * SyslogIdentifier. The Manager's LogLevel/LogTarget properties share these getters and setters.
 * An empty value restores what PID 1 started with, as 252's manager does. */
#include "base/log.h"
#include "core/console.h"
#include "core/dbus-internal.h"
#include "core/log-control.h"

int bus_log_control_get_level(BusMessage *m, void *o) {
        (void)o;
        return bus_append_string(m, log_level_to_string(log_get_max_level()));
}

int bus_log_control_get_target(BusMessage *m, void *o) {
        (void)o;
        return bus_append_string(m, console_log_target());
}

/* what PID 1's own journal entries carry as SYSLOG_IDENTIFIER= */
static int get_syslog_identifier(BusMessage *m, void *o) {
        (void)o;
        return bus_append_string(m, "tinysd");
}

int bus_log_control_set_level(BusCall *c) {
        const char *t = NULL;
        int r = bus_message_read(c->message, "s", &t);
        if (r < 0) return r;
        if (isempty(t)) {
                log_control_restore_level();
                return 0;
        }
        int level = log_level_from_string(t);
        if (level < 0) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Invalid log level '%s'", t);
        log_control_override_level(level);
        return 0;
}

int bus_log_control_set_target(BusCall *c) {
        const char *t = NULL;
        int r = bus_message_read(c->message, "s", &t);
        if (r < 0) return r;
        if (isempty(t)) {
                log_control_restore_target();
                return 0;
        }
        const char *target = log_control_target_from_string(t);
        if (!target) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Invalid log target '%s'", t);
        log_control_override_target(target);
        return 0;
}

static const BusProperty log_control_properties[] = {
        { "LogLevel", "s", bus_log_control_get_level, bus_log_control_set_level, BUS_ACCESS_PRIVILEGED },
        { "LogTarget", "s", bus_log_control_get_target, bus_log_control_set_target, BUS_ACCESS_PRIVILEGED },
        { "SyslogIdentifier", "s", get_syslog_identifier },
        { NULL },
};

static const BusInterface log_control_interface = {
        BUS_IFACE_LOG_CONTROL, NULL, BUS_PROPERTY_TABLES(log_control_properties), NULL,
};
const BusInterface *const bus_log_control_interfaces[] = {
        BUS_STANDARD_INTERFACES, &log_control_interface, NULL,
};
