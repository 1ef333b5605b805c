/* SPDX-License-Identifier: MIT */
#pragma once
/* The signals PID 1 acts on (systemd(1) SIGNALS, in systemd's numbering whatever the C library),
 * and a log line for every other signal it can catch. See manager-signals.c for the table. */
#include "core/manager.h"

/* Block and take through the event loop every signal the manager handles or reports. */
int manager_setup_signals(Manager *m);
