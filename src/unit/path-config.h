/* SPDX-License-Identifier: MIT */
#pragma once
/* [Path] settings: systemd.path(5). */
#include <stdbool.h>
#include "base/parse.h"
#include "base/util.h"
#include "unit/conf-parser.h"
#include "unit/exec-config.h"

typedef enum PathType {
        PATH_EXISTS, PATH_EXISTS_GLOB, PATH_DIRECTORY_NOT_EMPTY, PATH_CHANGED, PATH_MODIFIED,
        _PATH_TYPE_MAX, _PATH_TYPE_INVALID = -1,
} PathType;
const char *path_type_to_string(PathType t);   /* "PathExists" ... */
PathType path_type_from_string(const char *s);

typedef struct PathSpec {
        PathType type;
        char *path;                 /* absolute, normalised, specifiers expanded */
} PathSpec;

typedef struct PathConfig {
        PathSpec *specs;            /* in file order */
        size_t n_specs;
        char *unit;                 /* Unit=; after path_apply_defaults() always set */
        bool make_directory;
        mode_t directory_mode;      /* default 0755 */
        usec_t trigger_limit_interval;  /* default 2s */
        unsigned trigger_limit_burst;   /* default 200 */
} PathConfig;
PathConfig *path_config_new(void);
void path_config_free(PathConfig *c);
extern const struct DirectiveTable path_directive_table;

void path_apply_defaults(Unit *u);
/* "Path unit lacks path setting. Refusing." → -ENOEXEC */
int path_verify(Unit *u);

/* systemd's path_simplify_and_warn(PATH_CHECK_ABSOLUTE) on the value of it->key: normalises path
 * in place, or logs "KEY= path is not absolute/not normalized, ignoring: ..." and returns
 * -EINVAL. */
int config_path_simplify_and_warn(const ConfigItem *it, char *path);
