/* SPDX-License-Identifier: MIT */
#pragma once
/* Transient units (Manager.StartTransientUnit, systemd-run): a unit file written by PID 1 into
 * /run/systemd/transient, as systemd 252 does, and read by the normal loader, so every check of the
 * parser applies once and a daemon-reload keeps the unit. A transient unit is collected (its runtime
 * unit freed, its files removed) once it is inactive — or failed too, with
 * CollectMode=inactive-or-failed — unless a D-Bus client holds it (AddRef) or a loaded unit
 * triggers it (a transient timer's service). */
#include <stdbool.h>
#include "core/forward.h"
#include "unit/unit.h"

#define TRANSIENT_DIR "/run/systemd/transient"

/* Whether the unit's file is one of PID 1's transient ones. */
bool transient_unit_is(const Manager *m, const Unit *cfg);
/* Whether a unit named so can be made transient: not loaded from a file, no job (systemd's
 * unit_is_pristine()). */
bool transient_unit_is_pristine(const MUnit *u);
/* Write a file of PID 1's (a transient unit, a set-property drop-in) atomically: a temporary file
 * renamed over it; the directories above made. 0 or a negative errno. */
int transient_write_atomic(const char *path, const char *text);
/* Write the unit file NAME (its text) atomically. 0 or a negative errno. */
int transient_unit_write(const Manager *m, const char *name, const char *text);
/* Load the units just written (names, NULL-terminated): a unit known by name only (not found) is
 * given its new configuration in place. *ret: the first one. */
int transient_units_load(Manager *m, char *const *names, MUnit **ret);
/* Mark u for the next garbage-collection pass if it can go (see above); called whenever it becomes
 * inactive and when a client lets go of it. */
void transient_unit_check_collect(MUnit *u);
/* At collection time: still collectable? */
bool transient_unit_collectable(const MUnit *u);
/* Remove the unit's transient file and drop-ins (when it is collected). */
void transient_unit_remove_files(const Manager *m, const Unit *cfg);
