/* SPDX-License-Identifier: MIT */
#pragma once
/* tinysd's system manager (system.c): the manager of manager.c with every unit type and PID 1's
 * services attached — the journal, the notify socket, the D-Bus API, tmpfiles.d at boot. The
 * manager, the jobs and the units (the core) know none of these: they are given them here. */
#include "core/forward.h"
#include "core/manager.h"

/* The unit types tinysd runs, by UnitType. */
extern const UnitVTable *const system_unit_types[];

int manager_new(const ManagerSettings *set, Manager **ret);
/* Start the services, load the default target and queue the boot transaction. */
int manager_boot(Manager *m);
int manager_run(Manager *m); /* the loop; returns the exit code */
