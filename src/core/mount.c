/* SPDX-License-Identifier: MIT */
/* Mounts, automounts, swaps and devices: the container runtime set up the file system and the
 * devices, so a start of one of these units is skipped as if a condition failed, and a unit that
 * depends on one goes ahead. */
#include "core/mount.h"
#include "core/munit.h"

static bool always_skipped(const MUnit *u) {
        (void)u;
        return true;
}

#define HOST_UNIT_VTABLE \
        { .object_size = sizeof(MUnit), .skipped_in_container = always_skipped }

const UnitVTable mount_vtable = HOST_UNIT_VTABLE;
const UnitVTable automount_vtable = HOST_UNIT_VTABLE;
const UnitVTable swap_vtable = HOST_UNIT_VTABLE;
const UnitVTable device_vtable = {
        .object_size = sizeof(MUnit),
        .skipped_in_container = always_skipped,
        .manual_start_refused = true,
        .manual_stop_refused = true,
};
