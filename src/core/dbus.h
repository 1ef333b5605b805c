/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd's D-Bus API (org.freedesktop.systemd1) served by PID 1 on /run/systemd/private, the
 * direct peer-to-peer socket Debian's /usr/bin/systemctl uses when run as root.
 *
 * The server side is the manager's: dbus.c owns the listening socket and the connections (each a
 * BusConn from src/bus, non-blocking, bounded), dispatches method calls to the object layer
 * (dbus-manager.c, dbus-unit.c, dbus-job.c) and broadcasts JobNew/JobRemoved to every connection,
 * as systemd does for private connections (no Subscribe needed). A connection that misbehaves is
 * closed; nothing it sends can stall or crash PID 1. */
#include <stdint.h>
#include "core/forward.h"

#include "bus/bus-message.h"
#include "bus/bus-sockets.h"

/* Listen on /run/systemd/private (mode 0600, the manager's uid) and on the read-only socket.
 * Failures are logged, not fatal. */
int manager_bus_setup(Manager *m);
void manager_bus_free(Manager *m);

/* Every property of a unit object, as Properties.GetAll("") answers it (a{sv}), appended to m:
 * the one description of a unit's properties, also what `tinysd dump` prints. */
int bus_unit_append_properties(MUnit *u, BusMessage *m);

/* Job life cycle, from job.c. */
void manager_bus_job_new(Manager *m, const Job *j);
void manager_bus_job_removed(Manager *m, uint32_t id, const char *unit, JobResult r);
/* PropertiesChanged of a unit whose state changed (its Unit interface's ActiveState and SubState),
 * to every connection, as JobRemoved: systemd-run --wait learns so that its service ended. */
void manager_bus_unit_changed(MUnit *u);
