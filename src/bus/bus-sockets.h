/* SPDX-License-Identifier: MIT */
#pragma once
/* Where PID 1 serves the systemd D-Bus API (src/core/dbus.c) and systemctl finds it. */

/* systemd's private socket: mode 0600, the manager's uid; Debian's systemctl uses it as root. */
#define BUS_PRIVATE_SOCKET "/run/systemd/private"
/* tinysd's addition: the same API for every user (0666), read-only: status queries work for
 * non-root users; any method that changes state answers AccessDenied. */
#define BUS_READONLY_SOCKET "/run/tinysd/bus-readonly"
