/* SPDX-License-Identifier: MIT */
/* Path units: defaults and the checks systemd 252 makes when it loads one. */
#include "base/log.h"
#include "unit/unit.h"

static const char *const path_type_table[_PATH_TYPE_MAX] = {
        [PATH_EXISTS] = "PathExists", [PATH_EXISTS_GLOB] = "PathExistsGlob",
        [PATH_DIRECTORY_NOT_EMPTY] = "DirectoryNotEmpty", [PATH_CHANGED] = "PathChanged",
        [PATH_MODIFIED] = "PathModified",
};
DEFINE_STRING_TABLE(path_type, PathType, path_type_table)

PathConfig *path_config_new(void) {
        PathConfig *c = calloc(1, sizeof *c);
        if (!c) return NULL;
        /* systemd 252's path_init() */
        c->directory_mode = 0755;
        c->trigger_limit_interval = 2 * USEC_PER_SEC;
        c->trigger_limit_burst = 200;
        return c;
}

void path_config_free(PathConfig *c) {
        if (!c) return;
        for (size_t i = 0; i < c->n_specs; i++) free(c->specs[i].path);
        free(c->specs);
        free(c->unit);
        free(c);
}

void path_apply_defaults(Unit *u) {
        PathConfig *c = u->path;
        if (!c) return;
        if (!c->unit) {
                char *s = NULL;
                if (unit_name_change_suffix(u->id, ".service", &s) >= 0) c->unit = s;
        }
}

int path_verify(Unit *u) {
        if (!u->path) return 0;
        if (u->path->n_specs == 0) {
                log_error("%s: Path unit lacks path setting. Refusing.", u->id);
                return -ENOEXEC;
        }
        return 0;
}
