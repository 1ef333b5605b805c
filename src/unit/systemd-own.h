/* SPDX-License-Identifier: MIT */
#pragma once
/* What belongs to systemd's own daemons, which tinysd skips in a container as if a condition
 * failed (README, "Units skipped in a container"). Decided by what a unit runs or binds, never
 * by its name, so that no vendor unit is skipped by accident:
 *
 *  - a service whose first ExecStart= command is one of systemd's daemons in systemd's own
 *    directory (/lib/systemd/systemd-journald, /usr/lib/systemd/systemd-udevd, ...), or one of
 *    the few tools of a job tinysd does or a container cannot have (agetty, udevadm, `journalctl
 *    --flush`, `systemd-tmpfiles --prefix=/dev`, ...): the table in systemd-own.c;
 *  - a socket, path or timer unit whose activated unit (Service=, Unit=, or the unit of the same
 *    name) is such a service: it exists only to start it;
 *  - a socket unit that would bind one of PID 1's own sockets (/dev/log, the journal's
 *    /run/systemd/journal/{socket,stdout,dev-log}, /run/systemd/notify, /run/systemd/private):
 *    PID 1 stays their only owner. /run/systemd/journal/syslog is not one of them: rsyslog's and
 *    syslog-ng's syslog.socket binds it, and the journal forwards to it. */
#include "unit/unit.h"

typedef enum SystemdOwn {
        SYSTEMD_OWN_NO,
        SYSTEMD_OWN_DAEMON,        /* a service running one of systemd's daemons or tools */
        SYSTEMD_OWN_ACTIVATOR,     /* a socket, path or timer that only activates such a service */
        SYSTEMD_OWN_PID1_SOCKET,   /* a socket unit asking for one of PID 1's own sockets */
} SystemdOwn;

/* The loaded configuration of another unit, or NULL (not found, not loaded). */
typedef const Unit *(*SystemdOwnLookup)(const char *name, void *userdata);

/* Whether u is systemd's own. *ret_what (may be NULL) points into the configuration: the
 * command's path (DAEMON), the activated unit's name (ACTIVATOR) or the socket's path
 * (PID1_SOCKET). lookup may be NULL: then socket, path and timer units are judged by their
 * ports only. Linear in the size of the unit's configuration. */
SystemdOwn unit_systemd_own(const Unit *u, SystemdOwnLookup lookup, void *userdata, const char **ret_what);
