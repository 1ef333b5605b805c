/* SPDX-License-Identifier: MIT */
/* Unit-file methods of org.freedesktop.systemd1.Manager: what `systemctl is-enabled`,
 * `list-unit-files`, `enable` ... ask PID 1. */
#include <errno.h>
#include "base/strv.h"
#include "base/util.h"
#include "core/dbus-internal.h"

int bus_unit_file_method(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *member = call->member, *name = NULL;
        if (streq(member, "GetUnitFileState")) {
                if (bus_message_read(call, "s", &name) < 1) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments");
                MUnit *u = NULL;
                int r = unit_name_is_valid(name, UNIT_NAME_ANY) ? manager_load_unit(m, name, &u) : -EINVAL;
                if (r < 0 || !u || !u->cfg || (u->cfg->load_state == UNIT_NOT_FOUND))
                        return bus_error_setf(e, BUS_ERROR_FILE_NOT_FOUND, "No such file or directory");
                r = bus_message_append(reply, "s", bus_unit_file_state(u));
                return r < 0 ? r : 1;
        }
        return 0;
}
