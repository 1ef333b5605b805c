/* SPDX-License-Identifier: MIT */
/* Generic typed parsers for directive tables. Semantics follow systemd 252's conf-parser.c and
 * load-fragment.c; messages name file, line and directive (see log_invalid()). */
#include <signal.h>
#include "base/escape.h"
#include "base/hashmap.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "unit/conf-parser.h"
#include "unit/specifier.h"
#include "unit/unit.h"

/* Directive tables are static; each gets a hash index on first use (a few dozen tables at most),
 * so dispatching an assignment costs one hash lookup rather than a scan of ~150 keys. */
#define DIRECTIVE_INDEX_MAX 32
static struct { const Directive *table; Hashmap *index; } directive_index[DIRECTIVE_INDEX_MAX];

static Hashmap *index_for(const Directive *table) {
        size_t i;
        for (i = 0; i < DIRECTIVE_INDEX_MAX && directive_index[i].table; i++)
                if (directive_index[i].table == table) return directive_index[i].index;
        if (i == DIRECTIVE_INDEX_MAX) return NULL;
        Hashmap *h = hashmap_new();
        if (!h) return NULL;
        for (const Directive *d = table; d->key; d++)
                if (hashmap_put(h, d->key, (void *)d) < 0 && !hashmap_get(h, d->key)) {
                        hashmap_free(h);
                        return NULL;
                }
        directive_index[i].table = table;
        directive_index[i].index = h;
        return h;
}

const Directive *directive_lookup(const Directive *table, const char *key) {
        if (!table) return NULL;
        Hashmap *h = index_for(table);
        if (h) return hashmap_get(h, key);
        for (const Directive *d = table; d->key; d++)  /* no index (out of memory): scan */
                if (streq(d->key, key)) return d;
        return NULL;
}

StrvIndex *config_lists(Unit *u) {
        return u ? u->lists : NULL;
}

int string_table_lookup(const char *const *table, size_t n, const char *key) {
        if (!key) return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], key)) return (int)i;
        return -EINVAL;
}

/* systemd 252's words for an invalid generic value: "FILE:LINE: Failed to parse boolean value,
 * ignoring: VALUE" (the line names the directive). Returns 0: the value is ignored. */
static int log_value(const ConfigItem *it, int error, const char *what) {
        log_syntax(it->file, it->line, LOG_WARNING, error, "%s, ignoring: %s", what, it->value);
        return 0;
}

int config_expand_specifiers(const ConfigItem *it, const Unit *u, int set, char **ret) {
        SpecifierUnit su = { .id = u ? u->id : NULL, .fragment_path = u ? u->fragment_path : NULL,
                             .root = u ? u->root : NULL };
        int r = specifier_expand(&su, (SpecifierSet)set, it->value, 0, ret);
        if (r < 0)
                log_syntax(it->file, it->line, LOG_WARNING, r,
                           "Failed to resolve unit specifiers in %s=%s, ignoring: %m", it->key, it->value);
        return r;
}

int config_parse_bool(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int k = parse_boolean(it->value);
        if (k < 0) return log_value(it, k, "Failed to parse boolean value");
        *(bool *)data = k;
        return 0;
}

int config_parse_tristate(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) { *(int *)data = -1; return 0; }
        int k = parse_boolean(it->value);
        if (k < 0) return log_invalid(it, k);
        *(int *)data = k;
        return 0;
}

int config_parse_string(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data, *v = NULL;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (ltype & CONFIG_SPECIFIERS) {
                if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &v) < 0) return 0;
        } else if (!(v = strdup(it->value)))
                return log_oom();
        free(*s);
        *s = v;
        return 0;
}

/* Absolute, normalised (duplicate slashes and trailing slash removed, "." dropped); ".." refused
 * as systemd's path_simplify_and_warn() does. */
int path_simplify_and_check(char *p) {
        if (p[0] != '/') return -EINVAL;
        char *w = p;
        const char *r = p;
        while (*r) {
                while (*r == '/') r++;
                if (!*r) break;
                const char *e = strchrnul(r, '/');
                size_t n = (size_t)(e - r);
                if (n == 1 && r[0] == '.') { r = e; continue; }
                if (n == 2 && r[0] == '.' && r[1] == '.') return -EINVAL;
                *w++ = '/';
                memmove(w, r, n);
                w += n;
                r = e;
        }
        if (w == p) *w++ = '/';
        *w = 0;
        return 0;
}

int config_parse_path(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data;
        _cleanup_free_ char *v = NULL;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &v) < 0) return 0;
        (void)ltype;
        if (path_simplify_and_check(v) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL,
                           "%s= path is not absolute or not normalized, ignoring: %s", it->key, it->value);
                return 0;
        }
        free(*s);
        *s = TAKE_PTR(v);
        return 0;
}

int config_parse_strv(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        if (isempty(it->value)) {
                strv_index_reset(config_lists(u), l);
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) return log_invalid(it, r);
                if (ltype & CONFIG_SPECIFIERS) {
                        ConfigItem w = *it;
                        w.value = word;
                        if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) continue;
                } else
                        k = TAKE_PTR(word);
                if (strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

int config_parse_path_strv(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        (void)ltype;
        if (isempty(it->value)) {
                strv_index_reset(config_lists(u), l);
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) return log_invalid(it, r);
                ConfigItem w = *it;
                w.value = word;
                if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) continue;
                /* "-" (ignore if missing) and "+" (relative to RootDirectory) prefixes stay */
                size_t off = 0;
                while (k[off] == '-' || k[off] == '+') off++;
                if (path_simplify_and_check(k + off) < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL,
                                   "%s= path is not absolute or not normalized, ignoring: %s", it->key, word);
                        continue;
                }
                if (strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

int config_parse_sec(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        usec_t t;
        int r = parse_sec(it->value, &t);
        if (r < 0) return log_value(it, r, "Failed to parse sec value");
        *(usec_t *)data = t;
        return 0;
}

int config_parse_sec_fix_0(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        usec_t t;
        int r = parse_sec_fix_0(it->value, &t);
        if (r < 0) return log_value(it, r, "Failed to parse time value");
        *(usec_t *)data = t;
        return 0;
}

int config_parse_nsec(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        nsec_t t;
        int r = parse_nsec(it->value, &t);
        if (r < 0) return log_value(it, r, "Failed to parse nsec value");
        *(nsec_t *)data = t;
        return 0;
}

int config_parse_unsigned(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        unsigned v;
        int r = safe_atou(it->value, &v);
        if (r < 0) return log_value(it, r, "Failed to parse unsigned value");
        *(unsigned *)data = v;
        return 0;
}

int config_parse_int(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int v;
        int r = safe_atoi(it->value, &v);
        if (r < 0) return log_value(it, r, "Failed to parse int value");
        *(int *)data = v;
        return 0;
}

int config_parse_uint64(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        uint64_t v;
        int r = safe_atou64(it->value, &v);
        if (r < 0) return log_value(it, r, "Failed to parse uint64 value");
        *(uint64_t *)data = v;
        return 0;
}

int config_parse_iec_size(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        uint64_t v;
        int r = parse_size(it->value, 1024, &v);
        if (r < 0) return log_value(it, r, "Failed to parse iec_size value");
        *(uint64_t *)data = v;
        return 0;
}

int config_parse_mode(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        mode_t m;
        int r = parse_mode(it->value, &m);
        if (r < 0) return log_value(it, r, "Failed to parse mode value");
        *(mode_t *)data = m;
        return 0;
}

int config_parse_signal(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int sig;
        if (isempty(it->value)) { *(int *)data = 0; return 0; }
        int r = parse_signal(it->value, &sig);
        if (r < 0) return log_value(it, r, "Failed to parse signal name");
        *(int *)data = sig;
        return 0;
}

/* Dependencies cannot be reset: an empty value does nothing, as in systemd. */
int config_parse_unit_deps(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)data;
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_RETAIN_ESCAPE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                /* as 252's unit_name_printf(): a result longer than a unit name is refused here */
                r = unit_printf_warn(it, u, SPECIFIERS_NAME, word, true, &k);
                if (r == -ENOMEM) return r;
                if (r < 0) continue;
                if (unit_name_classify(k) == UNIT_NAME_TEMPLATE) {
                        /* systemd fills a template with our instance, or else our prefix */
                        _cleanup_free_ char *fill = NULL, *inst = NULL;
                        if (u->instance) fill = strdup(u->instance);
                        else if (unit_name_to_prefix(u->id, &fill) < 0) fill = NULL;
                        if (!fill || unit_name_replace_instance(k, fill, &inst) < 0) return log_oom();
                        free(k);
                        k = TAKE_PTR(inst);
                }
                if (!unit_name_is_valid(k, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL,
                                   "Failed to add dependency on %s, ignoring: Invalid argument", k);
                        continue;
                }
                r = unit_add_dependency_name(u, (UnitDependency)ltype, k);
                if (r < 0) return log_oom();
        }
}

int config_parse_warn_compat(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)data;
        switch ((DisabledReason)ltype) {
        case DISABLED_CONFIGURATION:
                log_syntax(it->file, it->line, LOG_DEBUG, 0,
                           "Support for option %s= has been disabled at compile time and it is ignored", it->key);
                break;
        case DISABLED_LEGACY:
                log_syntax(it->file, it->line, LOG_INFO, 0,
                           "Support for option %s= has been removed and it is ignored", it->key);
                break;
        case DISABLED_EXPERIMENTAL:
                log_syntax(it->file, it->line, LOG_INFO, 0,
                           "Support for option %s= has not yet been enabled and it is ignored", it->key);
                break;
        }
        return 0;
}

int config_parse_ignored(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)it; (void)u; (void)ltype; (void)data;
        return 0;
}
