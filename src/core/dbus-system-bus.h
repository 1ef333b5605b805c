/* SPDX-License-Identifier: MIT */
#pragma once
/* PID 1 on the system bus, as systemd is when the image runs dbus (dbus-system-bus.c).
 *
 * When dbus.service becomes active, PID 1 connects to /run/dbus/system_bus_socket without waiting
 * (a BusConn in the event loop: non-blocking, bounded), says Hello, asks for NameOwnerChanged and
 * ActivationRequest signals and requests org.freedesktop.systemd1. Method calls that reach it go
 * through the same API table as the private socket's (dbus.c): the caller's uid comes from the
 * bus (GetConnectionUnixUser), root (or the manager's uid) may change state, anyone else gets
 * read-only access, exactly as on the read-only socket. A lost connection is made again while
 * dbus.service is active; when it stops, PID 1 leaves the bus.
 *
 * Type=dbus services wait in "start" for their BusName= (GetNameOwner at start, NameOwnerChanged
 * after). An ActivationRequest starts its unit; one for a unit that cannot be started (unknown,
 * not loaded, skipped in a container) or whose start job fails is answered at once with
 * ActivationFailure, so that dbus-daemon fails the client's call instead of a 25 s timeout.
 * A unit held by a client on the bus (AddRef) stays loaded until that client's unique name leaves. */
#include <stdbool.h>
#include "core/forward.h"

#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
#define SYSTEM_BUS_SERVICE "dbus.service"

/* Parts hooks (system.c): a unit's active state changed (dbus.service: connect or leave). */
void manager_system_bus_unit_changed(MUnit *u, UnitActiveState os, UnitActiveState ns);
/* A Type=dbus service started: true when a system bus is there or coming (dbus.service or
 * dbus.socket active), so that u waits for `name` (service_bus_name_owner_changed() says when
 * it appears); false: no bus in this container. */
bool manager_system_bus_watch_name(MUnit *u, const char *name);
/* A job ended: an activation's start job that failed is answered with ActivationFailure. */
void manager_system_bus_job_removed(Manager *m, uint32_t id, const char *unit, JobResult r);
/* JobNew/JobRemoved as signals on the system bus (nothing without a connection). */
void manager_system_bus_job_signal(Manager *m, const char *member, uint32_t id, const char *unit, const char *result);
/* AddRef of a transient unit by a system-bus client (systemd-run --wait connects through the bus):
 * u is held (not collected) until `sender` leaves the bus. */
void manager_system_bus_track_unit(Manager *m, const char *sender, MUnit *u);
/* PropertiesChanged of u on the system bus, for every unit (Debian's systemctl start --wait follows
 * units it only Ref()s, which holds nothing in tinysd). */
void manager_system_bus_unit_properties_changed(MUnit *u);
void manager_system_bus_free(Manager *m);
