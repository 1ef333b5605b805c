/* SPDX-License-Identifier: MIT */
/* The [Path] directive table (systemd.path(5)) and the path check shared by the socket parsers. */
#include <limits.h>
#include "base/log.h"
#include "unit/specifier.h"
#include "unit/unit.h"

/* systemd's path_is_valid(): at most PATH_MAX with the NUL, components at most NAME_MAX. */
static bool path_length_is_valid(const char *p) {
        if (strlen(p) >= PATH_MAX) return false;
        for (const char *s = p; *s;) {
                size_t n = strcspn(s, "/");
                if (n > NAME_MAX) return false;
                s += n;
                s += strspn(s, "/");
        }
        return true;
}

int config_path_simplify_and_warn(const ConfigItem *it, char *path) {
        if (path[0] != '/') {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "%s= path is not absolute, ignoring: %s", it->key, path);
                return -EINVAL;
        }
        if (!path_length_is_valid(path)) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "%s= path has invalid length (%zu bytes), ignoring.",
                           it->key, strlen(path));
                return -EINVAL;
        }
        _cleanup_free_ char *orig = strdup(path);
        if (!orig) return log_oom();
        if (path_simplify_and_check(path) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "%s= path is not normalized, ignoring: %s", it->key, orig);
                return -EINVAL;
        }
        return 0;
}

/* PathExists= ... DirectoryNotEmpty=: ltype is the PathType; data the PathConfig. An empty value
 * of any of them drops every path, as in systemd. */
static int parse_path_spec(const ConfigItem *it, Unit *u, int ltype, void *data) {
        PathConfig *c = data;
        if (isempty(it->value)) {
                for (size_t i = 0; i < c->n_specs; i++) free(c->specs[i].path);
                free(c->specs);
                c->specs = NULL;
                c->n_specs = 0;
                return 0;
        }
        _cleanup_free_ char *k = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        if (config_path_simplify_and_warn(it, k) < 0) return 0;
        PathSpec *n = realloc(c->specs, (c->n_specs + 1) * sizeof *n);
        if (!n) return log_oom();
        c->specs = n;
        c->specs[c->n_specs++] = (PathSpec){ .type = (PathType)ltype, .path = TAKE_PTR(k) };
        return 0;
}

#define F(field) BASE_TYPE, offsetof(PathConfig, field)
static const Directive path_directives[] = {
        { "PathExists", parse_path_spec, PATH_EXISTS, BASE_TYPE, 0 },
        { "PathExistsGlob", parse_path_spec, PATH_EXISTS_GLOB, BASE_TYPE, 0 },
        { "PathChanged", parse_path_spec, PATH_CHANGED, BASE_TYPE, 0 },
        { "PathModified", parse_path_spec, PATH_MODIFIED, BASE_TYPE, 0 },
        { "DirectoryNotEmpty", parse_path_spec, PATH_DIRECTORY_NOT_EMPTY, BASE_TYPE, 0 },
        { "Unit", config_parse_trigger_unit, 0, F(unit) },
        { "MakeDirectory", config_parse_bool, 0, F(make_directory) },
        { "DirectoryMode", config_parse_mode, 0, F(directory_mode) },
        { "TriggerLimitIntervalSec", config_parse_sec, 0, F(trigger_limit_interval) },
        { "TriggerLimitBurst", config_parse_unsigned, 0, F(trigger_limit_burst) },
        { NULL },
};
#undef F

const DirectiveTable path_directive_table = { NULL, path_directives };
