/* SPDX-License-Identifier: MIT */
#pragma once
/* Directive tables and the typed value parsers they point to.
 *
 * Every known directive maps to one parser and one typed field. A parser gets the assignment
 * (with file, line, section, key for diagnostics), the unit (for specifiers), its ltype argument
 * and a pointer to the field. Conventions, as systemd's load-fragment.c:
 *   - an invalid value is logged as a warning naming file:line and directive, and ignored:
 *     the parser returns 0 and leaves the field as it was;
 *   - an empty value resets the field (lists become empty, scalars their default);
 *   - list settings append on repeated assignment;
 *   - only what systemd treats as fatal returns a negative errno: the unit becomes bad-setting.
 */
#include <stddef.h>
#include "base/log.h"
#include "base/strv-index.h"
#include "base/util.h"
#include "unit/syntax.h"

typedef struct Unit Unit;

typedef int (*ConfigParserFn)(const ConfigItem *it, Unit *u, int ltype, void *data);

/* Which struct the directive's offset is relative to. */
typedef enum DirectiveBase {
        BASE_UNIT,       /* Unit itself ([Unit], [Install]) */
        BASE_EXEC,       /* ExecContext of a service/socket/mount/swap */
        BASE_KILL,       /* KillContext */
        BASE_CGROUP,     /* CGroupContext */
        BASE_TYPE,       /* the type-specific struct: ServiceConfig, SocketConfig, TimerConfig, ... */
} DirectiveBase;

typedef struct Directive {
        const char *key;
        ConfigParserFn parse;
        int ltype;
        DirectiveBase base;
        size_t offset;
} Directive;

/* A section's table: sorted or not, terminated by a {NULL} entry. */
typedef struct DirectiveTable {
        const char *section;              /* "Unit", "Service", ...; NULL = the type's own section */
        const Directive *directives;
} DirectiveTable;

const Directive *directive_lookup(const Directive *table, const char *key);

/* Lists: a parser appends to a char ** field with strv_index_push(config_lists(u), field, ...) and
 * friends, and resets it with strv_index_reset(): while the loader parses the unit's files each
 * append is O(1) (strv-index.h); without a unit or outside the loader they are plain strv calls. */
StrvIndex *config_lists(Unit *u);

/* Generic typed parsers (conf-parser.c). ltype meanings are given per parser. */
int config_parse_bool(const ConfigItem *it, Unit *u, int ltype, void *data);       /* bool */
int config_parse_tristate(const ConfigItem *it, Unit *u, int ltype, void *data);   /* int: -1 unset, 0, 1 */
int config_parse_string(const ConfigItem *it, Unit *u, int ltype, void *data);     /* char*, specifiers expanded when ltype&CONFIG_SPECIFIERS */
int config_parse_path(const ConfigItem *it, Unit *u, int ltype, void *data);       /* char*, absolute path, normalised */
int config_parse_strv(const ConfigItem *it, Unit *u, int ltype, void *data);       /* char**, words with quoting, appended */
int config_parse_path_strv(const ConfigItem *it, Unit *u, int ltype, void *data);  /* char**, absolute paths (with -/+ prefixes kept) */
int config_parse_sec(const ConfigItem *it, Unit *u, int ltype, void *data);        /* usec_t */
int config_parse_sec_fix_0(const ConfigItem *it, Unit *u, int ltype, void *data);  /* usec_t, 0 → infinity */
int config_parse_nsec(const ConfigItem *it, Unit *u, int ltype, void *data);       /* nsec_t */
int config_parse_unsigned(const ConfigItem *it, Unit *u, int ltype, void *data);   /* unsigned */
int config_parse_int(const ConfigItem *it, Unit *u, int ltype, void *data);        /* int */
int config_parse_uint64(const ConfigItem *it, Unit *u, int ltype, void *data);     /* uint64_t */
int config_parse_iec_size(const ConfigItem *it, Unit *u, int ltype, void *data);   /* uint64_t, base 1024 */
int config_parse_mode(const ConfigItem *it, Unit *u, int ltype, void *data);       /* mode_t */
int config_parse_signal(const ConfigItem *it, Unit *u, int ltype, void *data);     /* int */
int config_parse_unit_deps(const ConfigItem *it, Unit *u, int ltype, void *data);  /* ltype = UnitDependency; names appended to u->deps[ltype] */
int config_parse_warn_compat(const ConfigItem *it, Unit *u, int ltype, void *data);/* obsolete: ltype = DisabledReason */
int config_parse_ignored(const ConfigItem *it, Unit *u, int ltype, void *data);    /* accepted, no effect */
/* Normalise an absolute path in place; -EINVAL if relative or containing "..". */
int path_simplify_and_check(char *p);

enum {
        CONFIG_SPECIFIERS = 1 << 0,  /* expand specifiers */
        CONFIG_NO_EMPTY_RESET = 1 << 1,
};
typedef enum DisabledReason {
        DISABLED_CONFIGURATION,  /* "Support for option %s has been disabled at compile time" */
        DISABLED_LEGACY,         /* "Support for option %s has been removed and it is ignored" */
        DISABLED_EXPERIMENTAL,
} DisabledReason;

/* Enum parsers (252's DEFINE_CONFIG_PARSE_ENUM): ltype unused, data is the enum field; an invalid
 * value is warned about in 252's words for the enum, "<what>, ignoring: VALUE", and ignored. */
#define DEFINE_CONFIG_PARSE_ENUM(function, from_string, type, what)                            \
        static int function(const ConfigItem *it, Unit *u, int ltype, void *data) {            \
                (void)u; (void)ltype;                                                          \
                type x = from_string(it->value);                                               \
                if ((int)x < 0) {                                                              \
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, what ", ignoring: %s", it->value); \
                        return 0;                                                              \
                }                                                                              \
                *(type *)data = x;                                                             \
                return 0;                                                                      \
        }

/* Standard warnings, in systemd's words. */
/* "FILE:LINE: Failed to parse Key=value, ignoring: Invalid argument" (the form of newer systemd,
 * which names the directive); returns 0 so parsers can `return log_invalid(it, r);`. */
#define log_invalid(it, error)                                                                  \
        (log_syntax((it)->file, (it)->line, LOG_WARNING, (error) ? (error) : EINVAL,            \
                    "Failed to parse %s=%s, ignoring: %m", (it)->key, (it)->value), 0)

/* Expand specifiers of the unit in `it->value` (full set). Logs and returns <0 on failure. */
int config_expand_specifiers(const ConfigItem *it, const Unit *u, int set, char **ret);

/* An enum ↔ string table helper: tables are NULL-padded arrays of names indexed by value. */
int string_table_lookup(const char *const *table, size_t n, const char *key);
#define DEFINE_STRING_TABLE(name, type, table)                                                  \
        const char *name##_to_string(type v) {                                                 \
                return (int)v >= 0 && (size_t)v < ELEMENTSOF(table) ? table[v] : NULL;         \
        }                                                                                      \
        type name##_from_string(const char *s) {                                               \
                return (type)string_table_lookup(table, ELEMENTSOF(table), s);                 \
        }
