/* SPDX-License-Identifier: MIT */
/* [Mount], [Automount] and [Swap]: recognised so that vendor units load without warnings, but a
 * container cannot mount or swap, so the values are checked for nothing and kept nowhere. Such
 * units load and are reported as not applicable by the manager. */
#include "unit/unit.h"

#define IGNORED(k) { k, config_parse_ignored, 0, BASE_UNIT, 0 }

static const Directive mount_directives[] = {
        IGNORED("What"), IGNORED("Where"), IGNORED("Type"), IGNORED("Options"), IGNORED("SloppyOptions"),
        IGNORED("LazyUnmount"), IGNORED("ReadWriteOnly"), IGNORED("ForceUnmount"), IGNORED("DirectoryMode"),
        IGNORED("TimeoutSec"), { NULL },
};
static const Directive automount_directives[] = {
        IGNORED("Where"), IGNORED("ExtraOptions"), IGNORED("DirectoryMode"), IGNORED("TimeoutIdleSec"), { NULL },
};
static const Directive swap_directives[] = {
        IGNORED("What"), IGNORED("Priority"), IGNORED("Options"), IGNORED("TimeoutSec"), { NULL },
};

const DirectiveTable mount_directive_table = { NULL, mount_directives };
const DirectiveTable automount_directive_table = { NULL, automount_directives };
const DirectiveTable swap_directive_table = { NULL, swap_directives };
