/* SPDX-License-Identifier: MIT */
#pragma once
/* `systemctl clean`: removing what a unit keeps between runs, its RuntimeDirectory=,
 * StateDirectory=, CacheDirectory=, LogsDirectory= and ConfigurationDirectory= (systemd 252's
 * unit_clean(), exec_context_get_clean_directories()). The paths come from the unit's own
 * configuration only, each below its type's directory (/run, /var/lib, /var/cache, /var/log,
 * /etc); every component below that is opened without following a symlink, and a symlink met
 * at the end is removed itself, never what it points to: a unit file cannot make root delete
 * anything outside those trees. */
#include "core/forward.h"

/* A mask of 1 << ExecDirectoryType bits ("all": every bit). */
#define UNIT_CLEAN_ALL ((1u << 5) - 1)
/* "runtime", "state", "cache", "logs", "configuration" → its bit; 0 for another word. */
unsigned unit_clean_type_from_string(const char *s);
const char *unit_clean_type_to_string(int type);

/* The types the unit has directories of (CanClean); 0 for a type that cannot be cleaned. */
unsigned munit_can_clean(MUnit *u);
/* Remove the directories of the types in mask. -EOPNOTSUPP: not a type that can be cleaned;
 * -EUNATCH: nothing of these types configured (or mask 0); -EBUSY: the unit is not inactive or has
 * a job; else 0, or the first removal error other than "not there". */
int munit_clean(MUnit *u, unsigned mask);
