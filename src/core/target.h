/* SPDX-License-Identifier: MIT */
#pragma once
/* Units without processes of their own (target.c): targets, slices and scopes are active as
 * soon as they are started and inactive as soon as they are stopped. */
#include "core/forward.h"

typedef struct UnitVTable UnitVTable;
extern const UnitVTable target_vtable, slice_vtable, scope_vtable;
