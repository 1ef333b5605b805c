/* SPDX-License-Identifier: MIT */
#pragma once
/* Units of what the container runtime set up (mount.c): mounts, automounts, swaps and devices. */
#include "core/forward.h"

typedef struct UnitVTable UnitVTable;
extern const UnitVTable mount_vtable, automount_vtable, swap_vtable, device_vtable;
