/* SPDX-License-Identifier: MIT */
/* Directive tables of systemd.exec(5), systemd.kill(5) and systemd.resource-control(5), exactly
 * systemd 252's key set, each parsed into a typed field. Invalid values are warned about with
 * file:line in systemd 252's words, and ignored, where systemd ignores them; every message and
 * what is fatal was compared with `systemd-analyze verify` of Debian 12's systemd 252. */
#include <arpa/inet.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "unit/conf-parser.h"
#include "unit/specifier.h"
#include "unit/unit.h"

#define EXEC(k, fn, lt, field) { k, fn, lt, BASE_EXEC, offsetof(ExecContext, field) }
#define KILL(k, fn, lt, field) { k, fn, lt, BASE_KILL, offsetof(KillContext, field) }
#define CG(k, fn, lt, field) { k, fn, lt, BASE_CGROUP, offsetof(CGroupContext, field) }
#define COMPAT(k, why) { k, config_parse_warn_compat, why, BASE_UNIT, 0 }

/* The context a field belongs to, from the field's address (parsers get the field). */
#define CONTEXT_OF(data, type, field) ((type *)((char *)(data) - offsetof(type, field)))

#define WARN(it, fmt, ...) log_syntax((it)->file, (it)->line, LOG_WARNING, 0, fmt, ##__VA_ARGS__)
#define WARN_ERRNO(it, e, fmt, ...) log_syntax((it)->file, (it)->line, LOG_WARNING, (e), fmt, ##__VA_ARGS__)
#define ERR(it, fmt, ...) log_syntax((it)->file, (it)->line, LOG_ERR, 0, fmt, ##__VA_ARGS__)

/* ---- small helpers ---- */

static int lookup_name(const char *const *names, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (names[i] && streq(names[i], s)) return (int)i;
        return -EINVAL;
}

/* An empty assignment: the list is emptied (through the unit's list index, see conf-parser.h). */
static void list_reset(Unit *u, char ***l) {
        strv_index_reset(config_lists(u), l);
}

/* An empty assignment resets a list setting: true when it did, and the parser is done. */
static bool list_emptied(const ConfigItem *it, Unit *u, char ***l) {
        if (!isempty(it->value)) return false;
        list_reset(u, l);
        return true;
}

/* An enum given as a name table, with 252's message "Failed to parse WHAT, ignoring: VALUE". */
#define DEFINE_NAME_PARSER(fn, type, what, ...)                                                 \
        static int fn(const ConfigItem *it, Unit *u, int ltype, void *data) {                   \
                static const char *const names[] = { __VA_ARGS__ };                              \
                (void)u; (void)ltype;                                                            \
                int v = lookup_name(names, ELEMENTSOF(names), it->value);                        \
                if (v < 0) {                                                                     \
                        WARN(it, "Failed to parse " what ", ignoring: %s", it->value);            \
                        return 0;                                                                \
                }                                                                                \
                *(type *)data = (type)v;                                                         \
                return 0;                                                                        \
        }

/* Specifier expansion without a message: each setting words its own as 252 does. */
static int expand_quiet(const Unit *u, const char *text, char **ret) {
        SpecifierUnit su = { .id = u ? u->id : NULL, .fragment_path = u ? u->fragment_path : NULL,
                             .root = u ? u->root : NULL };
        int r = specifier_expand(&su, SPECIFIERS_FULL, text, 0, ret);
        return r == -ENOMEM ? log_oom() : r;
}

/* Quoting styles of 252's "Failed to resolve unit specifiers in ..." messages. */
typedef enum { Q_NONE, Q_SINGLE, Q_DOUBLE } Quote;

/* Expand, or log "Failed to resolve <what> in <text>[, ignoring]: %m" (what: "unit specifiers"
 * or "specifiers") at LOG_ERR when fatal, else LOG_WARNING. */
static int expand_full(const ConfigItem *it, const Unit *u, const char *text, const char *what, Quote q,
                       bool fatal, char **ret) {
        int r = expand_quiet(u, text, ret);
        if (r == -ENOMEM) return r;
        if (r < 0) {
                const char *qs = q == Q_SINGLE ? "'" : q == Q_DOUBLE ? "\"" : "";
                log_syntax(it->file, it->line, fatal ? LOG_ERR : LOG_WARNING, r, "Failed to resolve %s in %s%s%s%s: %m",
                           what, qs, text, qs, fatal ? "" : ", ignoring");
        }
        return r;
}

static int expand_warn(const ConfigItem *it, const Unit *u, const char *text, Quote q, char **ret) {
        return expand_full(it, u, text, "unit specifiers", q, false, ret);
}

static bool filename_valid(const char *p) {
        return *p && !strchr(p, '/') && !streq(p, ".") && !streq(p, "..") && strlen(p) <= 255;
}

/* "//" and "/./" collapsed, trailing "/" dropped (".." stays: it makes a path not normalized). */
static void path_simplify(char *p) {
        bool absolute = p[0] == '/';
        char *w = p;
        const char *r = p;
        while (*r == '/') r++;
        if (absolute) *w++ = '/';
        while (*r) {
                size_t n = strcspn(r, "/");
                if (!(n == 1 && r[0] == '.')) {
                        if (w > p && w[-1] != '/') *w++ = '/';
                        memmove(w, r, n);
                        w += n;
                }
                r += n;
                while (*r == '/') r++;
        }
        if (w == p && !absolute && *p) *w++ = '.';
        *w = 0;
}

static bool path_has_dotdot(const char *p) {
        for (const char *c = p; *c;) {
                c += strspn(c, "/");
                size_t n = strcspn(c, "/");
                if ((n == 2 && c[0] == '.' && c[1] == '.') || (n == 1 && c[0] == '.')) return true;
                c += n;
        }
        return false;
}

enum {
        PATH_ABSOLUTE = 1 << 0,
        PATH_RELATIVE = 1 << 1,
        PATH_FATAL = 1 << 2,    /* message without ", ignoring" */
};

/* path_simplify_and_warn() of 252: normalises p in place; <0 (logged, at LOG_ERR) if unusable. */
static int path_check(const ConfigItem *it, const char *key, char *p, int flags) {
        const char *ign = flags & PATH_FATAL ? "" : ", ignoring";
        if ((flags & PATH_ABSOLUTE) && p[0] != '/') {
                log_syntax(it->file, it->line, LOG_ERR, EINVAL, "%s= path is not absolute%s: %s", key, ign, p);
                return -EINVAL;
        }
        if ((flags & PATH_RELATIVE) && p[0] == '/') {
                log_syntax(it->file, it->line, LOG_ERR, EINVAL, "%s= path is absolute%s: %s", key, ign, p);
                return -EINVAL;
        }
        path_simplify(p);
        size_t n = strlen(p);
        bool valid = n > 0 && n < 4096;
        for (const char *c = p; valid && *c;) {
                c += strspn(c, "/");
                size_t l = strcspn(c, "/");
                valid = l <= 255;
                c += l;
        }
        if (!valid) {
                log_syntax(it->file, it->line, LOG_ERR, EINVAL, "%s= path has invalid length (%zu bytes)%s.", key, n, ign);
                return -EINVAL;
        }
        if (path_has_dotdot(p)) {
                log_syntax(it->file, it->line, LOG_ERR, EINVAL, "%s= path is not normalized%s: %s", key, ign, p);
                return -EINVAL;
        }
        return 0;
}

/* ---- generic values not covered by conf-parser.c ---- */



/* config_parse_sec_def_infinity: empty means infinity. */
static int p_sec_def_infinity(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        usec_t t = USEC_INFINITY;
        if (!isempty(it->value) && parse_sec(it->value, &t) < 0) {
                WARN(it, "Failed to parse sec_def_infinity value, ignoring: %s", it->value);
                return 0;
        }
        *(usec_t *)data = t;
        return 0;
}




static int p_signal(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int s;
        if (parse_signal(it->value, &s) < 0 || s <= 0) {
                WARN(it, "Failed to parse signal name, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = s;
        return 0;
}

/* config_parse_unit_string_printf: "Failed to resolve unit specifiers in 'X', ignoring". */
static int p_string_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data, *k = NULL;
        if (expand_warn(it, u, it->value, Q_SINGLE, &k) < 0) return 0;
        free(*s);
        *s = isempty(k) ? NULL : k;
        if (!*s) free(k);
        return 0;
}

/* config_parse_unit_path_printf; ltype true: fatal (RootDirectory=, RootImage=, ...). */
static int p_path_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char **s = data;
        _cleanup_free_ char *k = NULL;
        bool fatal = ltype;
        if (expand_full(it, u, it->value, "unit specifiers", Q_SINGLE, fatal, &k) < 0) return fatal ? -ENOEXEC : 0;
        if (isempty(k)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (path_check(it, it->key, k, PATH_ABSOLUTE | (fatal ? PATH_FATAL : 0)) < 0) return fatal ? -ENOEXEC : 0;
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

/* Words with quoting (and C escapes when cunescape), each handed to `add`; an empty value resets
 * *l. A syntax error logs "<syntax_msg>, ignoring: VALUE" and stops. */
typedef int (*WordFn)(const ConfigItem *it, Unit *u, const char *word, char ***l);

static int for_words(const ConfigItem *it, Unit *u, char ***l, bool cunescape, const char *syntax_msg, WordFn add) {
        if (list_emptied(it, u, l)) return 0;
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | (cunescape ? EXTRACT_CUNESCAPE : 0));
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN_ERRNO(it, r, "%s, ignoring: %s", syntax_msg, it->value);
                        return 0;
                }
                r = add(it, u, w, l);
                if (r != 0) return r < 0 ? r : 0;   /* >0: stop quietly; <0: fatal or ENOMEM */
        }
}

/* ---- [exec]: paths and credentials ---- */

/* WorkingDirectory=: "-" makes a missing directory fine and every problem non-fatal; "~" is the
 * user's home. */
static int parse_working_directory(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, working_directory);
        if (isempty(it->value)) {
                free(c->working_directory);
                c->working_directory = NULL;
                c->working_directory_missing_ok = c->working_directory_home = false;
                return 0;
        }
        const char *v = it->value;
        bool missing_ok = *v == '-';
        if (missing_ok) v++;
        _cleanup_free_ char *k = NULL;
        if (streq(v, "~")) {
                if (!(k = strdup("~"))) return log_oom();
        } else {
                int r = expand_quiet(u, v, &k);
                if (r == -ENOMEM) return r;
                if (r < 0) {
                        log_syntax(it->file, it->line, missing_ok ? LOG_WARNING : LOG_ERR, r,
                                   "Failed to resolve unit specifiers in working directory path '%s'%s: %m",
                                   v, missing_ok ? ", ignoring" : "");
                        return missing_ok ? 0 : -ENOEXEC;
                }
                if (path_check(it, it->key, k, PATH_ABSOLUTE | (missing_ok ? 0 : PATH_FATAL)) < 0)
                        return missing_ok ? 0 : -ENOEXEC;
        }
        free(c->working_directory);
        c->working_directory_home = streq(k, "~");
        c->working_directory = TAKE_PTR(k);
        c->working_directory_missing_ok = missing_ok;
        return 0;
}

/* 252's relaxed user/group name check (VALID_USER_RELAX|VALID_USER_ALLOW_NUMERIC): a valid
 * numeric id, or anything that is a valid file name without ':', control characters or
 * surrounding whitespace ("bad user!" is accepted, "a:b" is not). */
static bool valid_user_group_name(const char *s) {
        if (isempty(s)) return false;
        if (s[strspn(s, DIGITS)] == 0) {
                uint64_t id;
                return safe_atou64(s, &id) >= 0 && id < UINT32_MAX && id != 65535;
        }
        if (strchr(WHITESPACE, s[0]) || strchr(WHITESPACE, s[strlen(s) - 1])) return false;
        if (!filename_valid(s) || strchr(s, ':')) return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char)*p < ' ' || *p == 127) return false;
        return true;
}

/* User=, Group=: an invalid name makes the unit fail to load (bad-setting). */
static int parse_user_group(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        int r = expand_quiet(u, it->value, &k);
        if (r == -ENOMEM) return r;
        if (r < 0) {
                log_syntax(it->file, it->line, LOG_ERR, r, "Failed to resolve unit specifiers in %s: %m", it->value);
                return -ENOEXEC;
        }
        if (!valid_user_group_name(k)) {
                ERR(it, "Invalid user/group name or numeric ID: %s", k);
                return -ENOEXEC;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

static int add_group(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        int r = expand_quiet(u, word, &k);
        if (r == -ENOMEM) return r;
        if (r < 0) {
                log_syntax(it->file, it->line, LOG_ERR, r, "Failed to resolve unit specifiers in %s: %m", word);
                return -ENOEXEC;
        }
        if (!valid_user_group_name(k)) {
                ERR(it, "Invalid user/group name or numeric ID: %s", k);
                return -ENOEXEC;
        }
        return strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int parse_supplementary_groups(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, false, "Invalid syntax", add_group);
}

/* ---- process properties ---- */

/* An integer in [min, max] with a "set" flag, empty unsets it; `what` names it in 252's two
 * messages ("Failed to parse <what> '%s'", "<What> out of range"). */
static void parse_int_in_range(const ConfigItem *it, int *value, bool *set, int min, int max, const char *what,
                               const char *range_what) {
        int n;
        if (isempty(it->value)) {
                *set = false;
                return;
        }
        if (safe_atoi(it->value, &n) < 0) {
                WARN_ERRNO(it, EINVAL, "Failed to parse %s '%s', ignoring: %m", what, it->value);
                return;
        }
        if (n < min || n > max) {
                WARN(it, "%s out of range, ignoring: %s", range_what, it->value);
                return;
        }
        *value = n;
        *set = true;
}

static int parse_nice_directive(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, nice);
        parse_int_in_range(it, &c->nice, &c->nice_set, -20, 19, "nice priority", "Nice priority");
        return 0;
}

static int parse_oom(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, oom_score_adjust);
        parse_int_in_range(it, &c->oom_score_adjust, &c->oom_score_adjust_set, -1000, 1000, "the OOM score adjust value",
                           "OOM score adjust value");
        return 0;
}

/* CoredumpFilter=: names of systemd.exec(5), "all", "default", or hex masks, ORed. */
static int parse_coredump_filter(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "private-anonymous", "shared-anonymous", "private-file-backed",
                                             "shared-file-backed", "elf-headers", "private-huge", "shared-huge",
                                             "private-dax", "shared-dax" };
        ExecContext *c = CONTEXT_OF(data, ExecContext, coredump_filter);
        uint64_t mask = 0;
        if (isempty(it->value)) {
                c->coredump_filter_set = false;
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, 0);
                if (r == 0) break;
                int i = r < 0 ? -1 : lookup_name(names, ELEMENTSOF(names), w);
                unsigned long n;
                if (r < 0) {
                } else if (i >= 0)
                        mask |= UINT64_C(1) << i;
                else if (streq(w, "all"))
                        mask = UINT64_MAX;
                else if (streq(w, "default"))
                        mask |= 0x33;
                else if (safe_atolu_full(w, 16, &n) >= 0)
                        mask |= n;
                else
                        r = -EINVAL;
                if (r < 0) {
                        WARN_ERRNO(it, r, "Failed to parse the CoredumpFilter=%s, ignoring: %m", it->value);
                        return 0;
                }
        }
        c->coredump_filter = mask;
        c->coredump_filter_set = true;
        return 0;
}

static int parse_io_class(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "none", "realtime", "best-effort", "idle" };
        ExecContext *c = CONTEXT_OF(data, ExecContext, ioprio_class);
        if (isempty(it->value)) {
                c->ioprio_set = false;
                c->ioprio_class = -1;
                return 0;
        }
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        unsigned n;
        if (v < 0 && safe_atou(it->value, &n) >= 0 && n < 8) v = (int)n;  /* numeric fallback, as 252 */
        if (v < 0) {
                WARN(it, "Failed to parse IO scheduling class, ignoring: %s", it->value);
                return 0;
        }
        c->ioprio_class = v;
        c->ioprio_set = true;
        return 0;
}

static int parse_io_priority(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, ioprio_priority);
        unsigned n;
        if (isempty(it->value)) {
                c->ioprio_set = false;
                c->ioprio_priority = 4;
                return 0;
        }
        if (safe_atou(it->value, &n) < 0 || n > 7) {
                WARN(it, "Failed to parse IO priority, ignoring: %s", it->value);
                return 0;
        }
        c->ioprio_priority = (int)n;
        c->ioprio_set = true;
        return 0;
}

static int parse_sched_policy(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { [SCHED_OTHER] = "other", [SCHED_FIFO] = "fifo", [SCHED_RR] = "rr",
                                             [SCHED_BATCH] = "batch", [SCHED_IDLE] = "idle" };
        ExecContext *c = CONTEXT_OF(data, ExecContext, cpu_sched_policy);
        if (isempty(it->value)) {
                c->cpu_sched_set = false;
                c->cpu_sched_policy = SCHED_OTHER;
                return 0;
        }
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) {
                WARN(it, "Failed to parse CPU scheduling policy, ignoring: %s", it->value);
                return 0;
        }
        c->cpu_sched_policy = v;
        c->cpu_sched_set = true;
        return 0;
}

/* The policy may come later, so only 252's outer bounds 0..99 are checked. */
static int parse_sched_prio(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, cpu_sched_priority);
        int n;
        if (safe_atoi(it->value, &n) < 0) {
                WARN(it, "Failed to parse CPU scheduling priority, ignoring: %s", it->value);
                return 0;
        }
        if (n < 0 || n > 99) {
                WARN(it, "CPU scheduling priority is out of range, ignoring: %s", it->value);
                return 0;
        }
        c->cpu_sched_priority = n;
        c->cpu_sched_set = true;
        return 0;
}

/* A CPU (or NUMA node) list: "0-3 5,7". Entries are kept as given; exec-show.c prints the union. */
static bool valid_cpu_list(const char *s) {
        bool any = false;
        for (const char *p = s;;) {
                p += strspn(p, WHITESPACE ",");
                if (!*p) return any;
                size_t n = strcspn(p, WHITESPACE ",");
                unsigned a, b;
                char buf[32];
                if (n >= sizeof buf) return false;
                memcpy(buf, p, n);
                buf[n] = 0;
                char *dash = strchr(buf, '-');
                if (dash) *dash = 0;
                if (safe_atou(buf, &a) < 0 || a >= 8192) return false;
                if (dash && (safe_atou(dash + 1, &b) < 0 || b >= 8192 || b < a)) return false;
                any = true;
                p += n;
        }
}

/* CPUAffinity=, AllowedCPUs= and friends (ltype 1: "numa" allowed; 2: NUMAMask=, "all" allowed). */
static int parse_cpu_list(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (list_emptied(it, u, l)) return 0;
        if (ltype == 1 && streq(it->value, "numa")) return strv_index_extend(config_lists(u), l, "numa") < 0 ? log_oom() : 0;
        if (ltype == 2 && streq(it->value, "all")) return strv_index_extend(config_lists(u), l, "all") < 0 ? log_oom() : 0;
        if (expand_warn(it, u, it->value, Q_SINGLE, &k) < 0) return 0;
        if (!valid_cpu_list(k)) {
                WARN(it, "Failed to parse CPU affinity '%s'", k);
                if (ltype == 2) WARN(it, "Failed to parse NUMA node mask, ignoring: %s", it->value);
                return 0;
        }
        /* a CPU list drops "numa"; it can only be at the end, as every list before it dropped it */
        while (ltype == 1 && streq_ptr(strv_index_last(config_lists(u), l), "numa")) strv_index_pop(config_lists(u), l);
        return strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int parse_numa_policy(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "default", "preferred", "bind", "interleave", "local" };
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) {
                WARN(it, "Invalid NUMA policy type, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = v;
        return 0;
}

/* ---- environment ---- */

static int add_env(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_full(it, u, word, "specifiers", Q_NONE, false, &k) < 0) return 0;
        if (!env_assignment_is_valid(k)) {
                WARN(it, "Invalid environment assignment, ignoring: %s", k);
                return 0;
        }
        /* a later assignment of the same name replaces the earlier one (strv_env_replace) */
        return strv_index_push_env(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

/* Environment=: quoted assignments with C escapes; an invalid one is warned about and skipped. */
static int parse_environ(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, true, "Invalid syntax", add_env);
}

/* EnvironmentFile=: one absolute path; a leading '-' (missing file is fine) is kept. */
static int parse_env_file(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (list_emptied(it, u, l)) return 0;
        if (expand_warn(it, u, it->value, Q_SINGLE, &k) < 0) return 0;
        if ((k[0] == '-' ? k[1] : k[0]) != '/') {
                WARN(it, "EnvironmentFile= path is not absolute, ignoring: %s", k[0] == '-' ? k + 1 : k);
                return 0;
        }
        return strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int add_pass_env(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_full(it, u, word, "specifiers", Q_NONE, false, &k) < 0) return 0;
        if (!env_name_is_valid(k, strlen(k))) {
                WARN(it, "Invalid environment name for %s, ignoring: %s", it->key, k);
                return 0;
        }
        return strv_index_push_unique(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int add_unset_env(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_full(it, u, word, "specifiers", Q_NONE, false, &k) < 0) return 0;
        if (!env_name_is_valid(k, strlen(k)) && !env_assignment_is_valid(k)) {
                WARN(it, "Invalid environment name or assignment %s, ignoring: %s", it->key, k);
                return 0;
        }
        return strv_index_push_unique(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int parse_env_names(const ConfigItem *it, Unit *u, int ltype, void *data) {
        /* the syntax message names the setting: "Trailing garbage in PassEnvironment, ignoring: ..." */
        char msg[64];
        snprintf(msg, sizeof msg, "Trailing garbage in %s", it->key);
        return for_words(it, u, data, true, msg, ltype ? add_unset_env : add_pass_env);
}

/* ---- standard input/output ---- */

/* The "fd:NAME" and "file:PATH" style values; returns 1 if `prefix` matched (value handled). */
static int stdio_fdname(const ConfigItem *it, Unit *u, const char *n, char **ret) {
        _cleanup_free_ char *k = NULL;
        int r = expand_quiet(u, n, &k);
        if (r == -ENOMEM) return r;
        if (r < 0) {   /* 252 says no ", ignoring" here, but ignores it */
                log_syntax(it->file, it->line, LOG_ERR, r, "Failed to resolve unit specifiers in %s: %m", n);
                return -EINVAL;
        }
        if (isempty(k)) {
                *ret = NULL;   /* the default name (stdin/stdout/stderr) */
                return 0;
        }
        if (strlen(k) > 255 || strchr(k, ':') || k[strcspn(k, "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r")]) {
                WARN(it, "Invalid file descriptor name, ignoring: %s", k);
                return -EINVAL;
        }
        *ret = TAKE_PTR(k);
        return 0;
}

static int stdio_path(const ConfigItem *it, Unit *u, const char *n, char **ret) {
        _cleanup_free_ char *k = NULL;
        if (expand_warn(it, u, n, Q_NONE, &k) < 0) return -EINVAL;
        if (path_check(it, it->key, k, PATH_ABSOLUTE | PATH_FATAL) < 0) return -EINVAL;  /* 252 ignores it anyway */
        *ret = TAKE_PTR(k);
        return 0;
}

static int parse_input(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, std_input);
        const char *v;
        char *k = NULL;
        ExecInput i;
        if ((v = startswith(it->value, "fd:"))) {
                int r = stdio_fdname(it, u, v, &k);
                if (r < 0) return r == -ENOMEM ? r : 0;
                i = EXEC_INPUT_NAMED_FD;
        } else if ((v = startswith(it->value, "file:"))) {
                if (stdio_path(it, u, v, &k) < 0) return 0;
                i = EXEC_INPUT_FILE;
        } else {
                i = exec_input_from_string(it->value);
                if ((int)i < 0) {
                        WARN(it, "Failed to parse input specifier, ignoring: %s", it->value);
                        return 0;
                }
        }
        c->std_input = i;
        free(c->stdio_file[0]);
        c->stdio_file[0] = k;
        return 0;
}

static int parse_output(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u;
        ExecContext *c = ltype == 1 ? CONTEXT_OF(data, ExecContext, std_output) : CONTEXT_OF(data, ExecContext, std_error);
        static const struct { const char *prefix; ExecOutput o; } files[] = {
                { "file:", EXEC_OUTPUT_FILE }, { "append:", EXEC_OUTPUT_FILE_APPEND },
                { "truncate:", EXEC_OUTPUT_FILE_TRUNCATE },
        };
        const char *v;
        char *k = NULL;
        ExecOutput o = _EXEC_OUTPUT_INVALID;
        if ((v = startswith(it->value, "fd:"))) {
                int r = stdio_fdname(it, u, v, &k);
                if (r < 0) return r == -ENOMEM ? r : 0;
                o = EXEC_OUTPUT_NAMED_FD;
        }
        for (size_t i = 0; i < ELEMENTSOF(files) && (int)o < 0; i++)
                if ((v = startswith(it->value, files[i].prefix))) {
                        if (stdio_path(it, u, v, &k) < 0) return 0;
                        o = files[i].o;
                }
        if ((int)o < 0) {
                o = exec_output_from_string(it->value);
                if ((int)o < 0) {
                        WARN(it, "Failed to parse output specifier, ignoring: %s", it->value);
                        return 0;
                }
        }
        *(ExecOutput *)data = o;
        free(c->stdio_file[ltype]);
        c->stdio_file[ltype] = k;
        return 0;
}

static int append_stdin(ExecContext *c, const char *d, size_t n) {
        if (c->stdin_data_size + n > (64u << 20)) return -E2BIG;  /* EXEC_STDIN_DATA_MAX */
        char *m = realloc(c->stdin_data, c->stdin_data_size + n + 1);
        if (!m) return -ENOMEM;
        memcpy(m + c->stdin_data_size, d, n);
        c->stdin_data_size += n;
        m[c->stdin_data_size] = 0;
        c->stdin_data = m;
        return 0;
}

static int stdin_reset(ExecContext *c) {
        free(c->stdin_data);
        c->stdin_data = NULL;
        c->stdin_data_size = 0;
        return 0;
}

static int stdin_appended(const ConfigItem *it, int r) {
        if (r == -ENOMEM) return log_oom();
        if (r < 0) WARN(it, "Standard input data too large (%s), maximum of %u permitted, ignoring.", it->value, 64u << 20);
        return 0;
}

/* StandardInputText=: C escapes, specifiers, and a newline after each line. */
static int parse_input_text(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, stdin_data);
        if (isempty(it->value)) return stdin_reset(c);
        _cleanup_free_ char *unescaped = NULL, *k = NULL;
        ssize_t n = cunescape(it->value, 0, &unescaped);
        if (n < 0) {
                WARN_ERRNO(it, (int)n, "Failed to decode C escaped text '%s', ignoring: %m", it->value);
                return 0;
        }
        if (expand_warn(it, u, unescaped, Q_SINGLE, &k) < 0) return 0;
        int r = append_stdin(c, k, strlen(k));
        if (r >= 0) r = append_stdin(c, "\n", 1);
        return stdin_appended(it, r);
}

static int parse_input_data(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, stdin_data);
        if (isempty(it->value)) return stdin_reset(c);
        Buf out = {0};
        int r = base64_decode(it->value, &out);
        if (r == -ENOMEM) {
                buf_free(&out);
                return log_oom();
        }
        if (r < 0) {
                buf_free(&out);
                WARN(it, "Failed to decode base64 data, ignoring: %s", it->value);
                return 0;
        }
        r = append_stdin(c, out.s ? out.s : "", out.len);
        buf_free(&out);
        return stdin_appended(it, r);
}

/* TTYRows=, TTYColumns=: empty unsets. */
static int parse_tty_size(const ConfigItem *it, Unit *u, int ltype, void *data) {
        if (isempty(it->value)) {
                *(unsigned *)data = UINT_MAX;
                return 0;
        }
        return config_parse_unsigned(it, u, ltype, data);
}

/* ---- logging ---- */

static const char *const facilities[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                          "uucp", "cron", "authpriv", "ftp", NULL, NULL, NULL, NULL, "local0",
                                          "local1", "local2", "local3", "local4", "local5", "local6", "local7" };
static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

static int name_or_number(const char *const *names, size_t n, const char *s) {
        int v = lookup_name(names, n, s);
        unsigned num;
        if (v < 0 && safe_atou(s, &num) >= 0 && num < n) v = (int)num;
        return v;
}

static int parse_facility(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int v = name_or_number(facilities, ELEMENTSOF(facilities), it->value);
        if (v < 0) {
                WARN(it, "Failed to parse log facility, ignoring: %s", it->value);
                return 0;
        }
        int *prio = data;
        *prio = (v << 3) | (*prio & 7);
        return 0;
}

static int parse_syslog_level(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int v = name_or_number(levels, ELEMENTSOF(levels), it->value);
        if (v < 0) {
                WARN(it, "Failed to parse log level, ignoring: %s", it->value);
                return 0;
        }
        int *prio = data;
        *prio = (*prio & ~7) | v;
        return 0;
}

static int parse_log_level_max(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) {
                *(int *)data = -1;
                return 0;
        }
        int v = name_or_number(levels, ELEMENTSOF(levels), it->value);
        if (v < 0) {
                WARN(it, "Failed to parse log level, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = v;
        return 0;
}

static int add_log_field(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_warn(it, u, word, Q_NONE, &k) < 0) return 0;
        const char *eq = strchr(k, '=');
        if (!eq) {
                WARN(it, "Log field lacks '=' character, ignoring: %s", k);
                return 0;
        }
        /* journal_field_valid(): A-Z, 0-9, '_', not starting with a digit or '_', ≤ 64 chars */
        size_t n = (size_t)(eq - k);
        bool ok = n > 0 && n <= 64 && k[0] != '_' && !(k[0] >= '0' && k[0] <= '9');
        for (size_t i = 0; ok && i < n; i++)
                ok = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", k[i]) != NULL;
        if (!ok) {
                WARN(it, "Log field name is invalid, ignoring: %s", k);
                return 0;
        }
        return strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int parse_log_extra_fields(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, true, "Invalid syntax", add_log_field);
}

static int parse_log_namespace(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (expand_warn(it, u, it->value, Q_NONE, &k) < 0) return 0;
        /* log_namespace_name_valid(): a valid file name of [A-Za-z0-9_-], ≤ 64 chars */
        if (strlen(k) > 64 || k[strspn(k, LETTERS DIGITS "_-")] != 0) {
                WARN(it, "Specified log namespace name is not valid, ignoring: %s", k);
                return 0;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

/* ---- capabilities and security ---- */

/* Capability names, indexed by number, up to CAP_CHECKPOINT_RESTORE (40). */
static const char *const cap_names[] = {
        "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid", "cap_kill",
        "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service",
        "cap_net_broadcast", "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module",
        "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot",
        "cap_sys_nice", "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
        "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin", "cap_syslog",
        "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf", "cap_checkpoint_restore",
};

static int capability_from_name(const char *s) {
        char low[64];
        size_t n = strlen(s);
        if (n >= sizeof low) return -EINVAL;
        for (size_t i = 0; i <= n; i++) low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        int v = lookup_name(cap_names, ELEMENTSOF(cap_names), low);
        unsigned num;
        if (v < 0 && safe_atou(s, &num) >= 0 && num < 64) v = (int)num;
        return v;
}

/* CapabilityBoundingSet= (ltype 1, initially all) / AmbientCapabilities= (initially none):
 * names in any case, unknown ones skipped silently as 252 does; '~' inverts; a set still at its
 * initial value, or an empty result, is replaced, otherwise the new set is ORed in. */
static int parse_capability_set(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u;
        uint64_t *set = data, sum = 0, initial = ltype ? UINT64_MAX : 0;
        const char *p = it->value;
        bool invert = *p == '~';
        if (invert) p++;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) break;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN_ERRNO(it, r, "Failed to parse %s= specifier '%s', ignoring: %m", it->key, it->value);
                        return 0;
                }
                int cap = capability_from_name(w);
                if (cap >= 0) sum |= UINT64_C(1) << cap;
        }
        if (invert) sum = ~sum;
        if (sum == 0 || *set == initial)
                *set = sum;
        else
                *set |= sum;
        return 0;
}

/* SecureBits=: unknown words are skipped silently (252). */
static int parse_secure_bits(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "noroot", "noroot-locked", "no-setuid-fixup", "no-setuid-fixup-locked",
                                             "keep-caps", "keep-caps-locked" };
        int bits = 0;
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) break;
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                int v = lookup_name(names, ELEMENTSOF(names), w);
                if (v >= 0) bits |= 1 << v;
        }
        *(int *)data = bits;
        return 0;
}

DEFINE_NAME_PARSER(parse_keyring_mode, ExecKeyringMode, "keyring mode", "inherit", "private", "shared")
DEFINE_NAME_PARSER(parse_protect_proc, ProtectProc, "/proc/ protection mode", "default", "noaccess", "invisible", "ptraceable")
DEFINE_NAME_PARSER(parse_proc_subset, ProcSubset, "/proc/ subset mode", "all", "pid")
DEFINE_NAME_PARSER(parse_utmp_mode, ExecUtmpMode, "utmp mode", "init", "login", "user")

/* ---- system calls ---- */

/* System call names of x86-64 (asm/unistd_64.h), space separated, for SystemCallFilter=. */
static const char syscall_names[] =
        "_sysctl accept accept4 access acct add_key adjtimex afs_syscall alarm arch_prctl bind "
        "bpf brk capget capset chdir chmod chown chroot clock_adjtime clock_getres "
        "clock_gettime clock_nanosleep clock_settime clone clone3 close close_range connect "
        "copy_file_range creat create_module delete_module dup dup2 dup3 epoll_create "
        "epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait "
        "epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 "
        "fadvise64 fallocate fanotify_init fanotify_mark fchdir fchmod fchmodat fchown fchownat "
        "fcntl fdatasync fgetxattr finit_module flistxattr flock fork fremovexattr fsconfig "
        "fsetxattr fsmount fsopen fspick fstat fstatfs fsync ftruncate futex futex_waitv "
        "futimesat get_kernel_syms get_mempolicy get_robust_list get_thread_area getcpu getcwd "
        "getdents getdents64 getegid geteuid getgid getgroups getitimer getpeername getpgid "
        "getpgrp getpid getpmsg getppid getpriority getrandom getresgid getresuid getrlimit "
        "getrusage getsid getsockname getsockopt gettid gettimeofday getuid getxattr "
        "init_module inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel "
        "io_destroy io_getevents io_pgetevents io_setup io_submit io_uring_enter "
        "io_uring_register io_uring_setup ioctl ioperm iopl ioprio_get ioprio_set kcmp "
        "kexec_file_load kexec_load keyctl kill landlock_add_rule landlock_create_ruleset "
        "landlock_restrict_self lchown lgetxattr link linkat listen listxattr llistxattr "
        "lookup_dcookie lremovexattr lseek lsetxattr lstat madvise mbind membarrier "
        "memfd_create memfd_secret migrate_pages mincore mkdir mkdirat mknod mknodat mlock "
        "mlock2 mlockall mmap modify_ldt mount mount_setattr move_mount move_pages mprotect "
        "mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend mq_unlink mremap msgctl "
        "msgget msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep "
        "newfstatat nfsservctl open open_by_handle_at open_tree openat openat2 pause "
        "perf_event_open personality pidfd_getfd pidfd_open pidfd_send_signal pipe pipe2 "
        "pivot_root pkey_alloc pkey_free pkey_mprotect poll ppoll prctl pread64 preadv preadv2 "
        "prlimit64 process_madvise process_mrelease process_vm_readv process_vm_writev pselect6 "
        "ptrace putpmsg pwrite64 pwritev pwritev2 query_module quotactl quotactl_fd read "
        "readahead readlink readlinkat readv reboot recvfrom recvmmsg recvmsg remap_file_pages "
        "removexattr rename renameat renameat2 request_key restart_syscall rmdir rseq "
        "rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend "
        "rt_sigtimedwait rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min "
        "sched_getaffinity sched_getattr sched_getparam sched_getscheduler "
        "sched_rr_get_interval sched_setaffinity sched_setattr sched_setparam "
        "sched_setscheduler sched_yield seccomp security select semctl semget semop semtimedop "
        "sendfile sendmmsg sendmsg sendto set_mempolicy set_mempolicy_home_node set_robust_list "
        "set_thread_area set_tid_address setdomainname setfsgid setfsuid setgid setgroups "
        "sethostname setitimer setns setpgid setpriority setregid setresgid setresuid setreuid "
        "setrlimit setsid setsockopt settimeofday setuid setxattr shmat shmctl shmdt shmget "
        "shutdown sigaltstack signalfd signalfd4 socket socketpair splice stat statfs statx "
        "swapoff swapon symlink symlinkat sync sync_file_range syncfs sysfs sysinfo syslog tee "
        "tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_settime "
        "timerfd_create timerfd_gettime timerfd_settime times tkill truncate tuxcall umask "
        "umount2 uname unlink unlinkat unshare uselib userfaultfd ustat utime utimensat utimes "
        "vfork vhangup vmsplice vserver wait4 waitid write writev "
        ;

static const char *const syscall_groups[] = {
        "@aio", "@basic-io", "@chown", "@clock", "@cpu-emulation", "@debug", "@file-system", "@io-event",
        "@ipc", "@keyring", "@memlock", "@module", "@mount", "@network-io", "@obsolete", "@pkey",
        "@privileged", "@process", "@raw-io", "@reboot", "@resources", "@sandbox", "@setuid", "@signal",
        "@swap", "@sync", "@system-service", "@timer", "@known", "@default",
};

static bool syscall_known(const char *s) {
        size_t n = strlen(s);
        for (const char *p = syscall_names; *p;) {
                size_t l = strcspn(p, " ");
                if (l == n && strncmp(p, s, n) == 0) return true;
                p += l;
                p += strspn(p, " ");
        }
        return false;
}

/* A '~'-list setting (SystemCallFilter=, RestrictAddressFamilies=, ...): an empty value resets
 * the list (returns NULL: nothing more to parse); otherwise the first assignment decides allow or
 * deny list, later ones add to it. Returns the value past the '~'. */
static const char *allow_deny_start(Unit *u, AllowDenyList *l, const char *value) {
        if (isempty(value)) {
                list_reset(u, &l->items);
                *l = (AllowDenyList){0};
                return NULL;
        }
        bool deny = *value == '~';
        if (!l->set) {
                l->allow_list = !deny;
                l->set = true;
        }
        return deny ? value + 1 : value;
}

/* SystemCallFilter= (ltype 1) / SystemCallLog= (ltype 0): names and @groups, '~' for a deny
 * list; in a deny list of SystemCallFilter= "name:errno" is allowed. Unknown names are warned
 * about and skipped. An empty value resets. */
static int parse_syscall_filter(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u;
        AllowDenyList *l = data;
        bool deny = it->value[0] == '~';  /* this assignment's kind: ":errno" needs a deny list */
        const char *p = allow_deny_start(u, l, it->value);
        if (!p) return 0;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                char *colon = ltype ? strchr(w, ':') : NULL;
                if (colon) {
                        int e;
                        if (!(streq(colon + 1, "kill") || (parse_errno(colon + 1, &e) >= 0 && e > 0 && e <= 4095))) {
                                WARN(it, "Failed to parse syscall:errno, ignoring: %s", w);
                                continue;
                        }
                        if (!deny) {
                                WARN(it, "Allow-listed system calls cannot take error number, ignoring: %s", w);
                                continue;
                        }
                        *colon = 0;
                }
                if (w[0] == '@' ? lookup_name(syscall_groups, ELEMENTSOF(syscall_groups), w) < 0 : !syscall_known(w)) {
                        WARN(it, "%s, ignoring: %s", w[0] == '@' ? "Unknown system call group" : "Failed to parse system call", w);
                        continue;
                }
                if (colon) *colon = ':';
                if (strv_index_push_unique(config_lists(u), &l->items, TAKE_PTR(w)) < 0) return log_oom();
        }
}

static int parse_syscall_errno(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int e;
        if (isempty(it->value) || streq(it->value, "kill")) {
                *(int *)data = 0;
                return 0;
        }
        if (parse_errno(it->value, &e) < 0 || e <= 0 || e > 4095) {
                WARN(it, "Failed to parse error number, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = e;
        return 0;
}

static const char *const archs[] = { "native", "x86", "x86-64", "x32", "arm", "arm64", "mips", "mips64",
                                     "mips64-n32", "mips-le", "mips64-le", "mips64-le-n32", "ppc", "ppc64",
                                     "ppc64-le", "s390", "s390x", "riscv64", "loongarch64", "parisc", "parisc64" };

static int add_arch(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        (void)u;
        if (lookup_name(archs, ELEMENTSOF(archs), word) < 0) {
                WARN_ERRNO(it, EINVAL, "Failed to parse system call architecture \"%s\", ignoring: %m", word);
                return 0;
        }
        return strv_index_extend(config_lists(u), l, word) < 0 ? log_oom() : 0;
}

static int parse_syscall_archs(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, false, "Invalid syntax", add_arch);
}

static const char *const address_families[] = {
        "AF_UNIX", "AF_LOCAL", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM", "AF_BRIDGE",
        "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY",
        "AF_NETLINK", "AF_ROUTE", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA",
        "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC",
        "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF", "AF_ALG",
        "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP",
};

/* RestrictAddressFamilies=: "none" alone means an empty allow list. */
static int parse_address_families(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        AllowDenyList *l = data;
        if (isempty(it->value) || streq(it->value, "none")) {
                list_reset(u, &l->items);
                *l = (AllowDenyList){ .allow_list = !isempty(it->value), .set = !isempty(it->value) };
                return 0;
        }
        const char *p = allow_deny_start(u, l, it->value);
        if (!p) return 0;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (lookup_name(address_families, ELEMENTSOF(address_families), w) < 0) {
                        WARN(it, "Failed to parse address family, ignoring: %s", w);
                        continue;
                }
                if (strv_index_push_unique(config_lists(u), &l->items, TAKE_PTR(w)) < 0) return log_oom();
        }
}

static const char *const namespace_names[] = { "cgroup", "ipc", "net", "mnt", "pid", "user", "uts" };

/* RestrictNamespaces=: kept as the list of namespaces still allowed (set = restricted at all).
 * yes/no replace; a list (or '~list') is ORed into what earlier assignments allowed. */
static int parse_restrict_namespaces(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        ExecContext *c = CONTEXT_OF(data, ExecContext, restrict_namespaces);
        AllowDenyList *l = data;
        const unsigned all = (1u << ELEMENTSOF(namespace_names)) - 1;
        unsigned allowed = 0, now = all;
        int b = parse_boolean(it->value);
        if (isempty(it->value)) b = 0;
        if (b < 0) {
                const char *p = it->value;
                bool invert = *p == '~';
                if (invert) p++;
                for (;;) {
                        _cleanup_free_ char *w = NULL;
                        int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                        if (r == 0) break;
                        if (r == -ENOMEM) return log_oom();
                        int i = r < 0 ? -1 : lookup_name(namespace_names, ELEMENTSOF(namespace_names), w);
                        if (i < 0) {
                                WARN(it, "Failed to parse namespace type string, ignoring: %s", invert ? it->value + 1 : it->value);
                                return 0;
                        }
                        allowed |= 1u << i;
                }
                if (invert) allowed = ~allowed & all;
                if (l->set)
                        for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++)
                                if (!strv_contains(l->items, namespace_names[i])) now &= ~(1u << i);
                allowed = l->set ? (now | allowed) : allowed;
        }
        list_reset(u, &l->items);
        /* everything allowed is the same as no restriction */
        *l = (AllowDenyList){ .allow_list = true, .set = b > 0 || (b < 0 && allowed != all) };
        if (b < 0 && l->set)
                for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++)
                        if ((allowed & (1u << i)) && strv_index_extend(config_lists(u), &l->items, namespace_names[i]) < 0) return log_oom();
        c->restrict_namespaces_all = l->set && !l->items;
        return 0;
}

static const char *const fs_groups[] = { "@basic-api", "@auxiliary-api", "@common-block", "@historical-block",
                                         "@network", "@privileged-api", "@security", "@temporary", "@known",
                                         "@application" };

/* RestrictFileSystems=: file system names (not checked, as 252) and @groups, '~' for a deny list. */
static int parse_restrict_filesystems(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        AllowDenyList *l = data;
        const char *p = allow_deny_start(u, l, it->value);
        if (!p) return 0;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (w[0] == '@' && lookup_name(fs_groups, ELEMENTSOF(fs_groups), w) < 0) {
                        WARN(it, "bpf-lsm: Unknown filesystem group, ignoring: %s", w);
                        continue;
                }
                if (strv_index_push_unique(config_lists(u), &l->items, TAKE_PTR(w)) < 0) return log_oom();
        }
}

/* ---- resource limits ---- */

/* Limit*=: "soft[:hard]"; ltype is the RLIMIT_* resource. */
static int parse_rlimit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u;
        struct rlimit **rl = (struct rlimit **)data + ltype, v;
        int r = rlimit_parse(ltype, it->value, &v);
        if (r == -ENOMEM) return log_oom();
        if (r < 0) {
                if (r == -ERANGE) WARN(it, "Soft resource limit chosen higher than hard limit, ignoring: %s", it->value);
                else WARN(it, "Failed to parse resource value, ignoring: %s", it->value);
                return 0;
        }
        if (!*rl && !(*rl = malloc(sizeof(struct rlimit)))) return log_oom();
        **rl = v;
        return 0;
}

/* ---- file system namespace ---- */

/* ReadWritePaths= and friends: "-" (ignore missing) and "+" (relative to RootDirectory=)
 * prefixes are kept on the normalised path. */
static int add_namespace_path(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        int r = expand_quiet(u, word, &k);
        if (r == -ENOMEM) return r;
        if (r < 0) {
                log_syntax(it->file, it->line, LOG_ERR, r, "Failed to resolve unit specifiers in %s: %m", word);
                return 0;
        }
        const char *p = k;
        bool ignore = false, shall_prefix = false;
        for (;; p++) {
                if (*p == '-' && !ignore) ignore = true;
                else if (*p == '+' && !shall_prefix) shall_prefix = true;
                else break;
        }
        _cleanup_free_ char *path = strdup(p);
        if (!path) return log_oom();
        if (path_check(it, it->key, path, PATH_ABSOLUTE) < 0) return 0;
        _cleanup_free_ char *joined = strjoin(ignore ? "-" : "", shall_prefix ? "+" : "", path);
        if (!joined) return log_oom();
        return strv_index_push(config_lists(u), l, TAKE_PTR(joined)) < 0 ? log_oom() : 0;
}

static int parse_namespace_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, true, "Invalid syntax", add_namespace_path);
}

/* ExtensionDirectories=: absolute paths (config_parse_unit_path_strv_printf). */
static int add_abs_path(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_warn(it, u, word, Q_NONE, &k) < 0) return 0;
        if (path_check(it, it->key, k, PATH_ABSOLUTE) < 0) return 0;
        return strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int parse_abs_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, true, "Invalid syntax", add_abs_path);
}

/* ExecSearchPath=: ':'-separated absolute paths; the first bad one ends the assignment. */
static int parse_exec_search_path(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (list_emptied(it, u, l)) return 0;
        if (expand_warn(it, u, it->value, Q_SINGLE, &k) < 0) return 0;
        for (const char *p = k;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (path_check(it, it->key, w, PATH_ABSOLUTE) < 0) return 0;
                if (strv_index_push(config_lists(u), l, TAKE_PTR(w)) < 0) return log_oom();
        }
}

/* BindPaths=: "[-]SRC[:DST[:OPTIONS]]", both absolute, OPTIONS "rbind" or "norbind"; a bad
 * entry ends the assignment (252). Kept as given after normalisation. */
static int add_bind(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        (void)u;
        const char *p = word;
        _cleanup_free_ char *src = NULL, *dst = NULL, *opts = NULL;
        int r = extract_first_word(&p, &src, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
        if (r == -ENOMEM) return log_oom();
        if (r < 0) return 1;
        if (!src && !(src = strdup(""))) return log_oom();
        char *s = src[0] == '-' ? src + 1 : src;
        if (path_check(it, it->key, s, PATH_ABSOLUTE) < 0) return 1;
        if (p && *p) {
                r = extract_first_word(&p, &dst, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r == -ENOMEM) return log_oom();
                if (!dst && !(dst = strdup(""))) return log_oom();
                if (path_check(it, it->key, dst, PATH_ABSOLUTE) < 0) return 1;
                if (p && *p) {
                        if (!streq(p, "rbind") && !streq(p, "norbind")) {
                                WARN(it, "Invalid option string, ignoring setting: %s", p);
                                return 1;
                        }
                        if (!(opts = strdup(p))) return log_oom();
                }
        }
        _cleanup_free_ char *e = strjoin(src, dst ? ":" : "", strempty(dst), opts ? ":" : "", strempty(opts));
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

static int add_bind_expanded(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_warn(it, u, word, Q_DOUBLE, &k) < 0) return 1;
        return add_bind(it, u, k, l);
}

static int parse_bind_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, true, "Invalid syntax", add_bind_expanded);
}

/* TemporaryFileSystem=: "PATH[:OPTIONS]", PATH absolute. */
static int add_tmpfs(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        _cleanup_free_ char *k = NULL;
        if (expand_warn(it, u, word, Q_NONE, &k) < 0) return 0;
        char *colon = strchr(k, ':');
        _cleanup_free_ char *path = colon ? strndup(k, (size_t)(colon - k)) : strdup(k);
        if (!path) return log_oom();
        if (path_check(it, it->key, path, PATH_ABSOLUTE) < 0) return 0;
        _cleanup_free_ char *e = strjoin(path, colon ? colon : "");
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

static int parse_temporary_fs(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, true, "Invalid syntax", add_tmpfs);
}

/* MountImages= (ltype 1: "[-]SRC:DST[:OPTIONS...]") and ExtensionImages= ("[-]SRC[:OPTIONS...]"). */
static int add_image(const ConfigItem *it, Unit *u, const char *word, char ***l, bool mount) {
        const char *p = word;
        _cleanup_free_ char *first = NULL, *second = NULL, *src = NULL;
        int r = extract_first_word(&p, &first, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
        if (r == -ENOMEM) return log_oom();
        if (r <= 0 || !first) return 0;
        const char *s = first[0] == '-' ? first + 1 : first;
        if (expand_warn(it, u, s, Q_NONE, &src) < 0) return 0;
        if (path_check(it, it->key, src, PATH_ABSOLUTE) < 0) return 0;
        if (mount) {
                _cleanup_free_ char *dst = NULL;
                r = extract_first_word(&p, &second, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r == -ENOMEM) return log_oom();
                if (r <= 0 || isempty(second)) {
                        WARN(it, "Missing destination in %s, ignoring: %s", it->key, word);
                        return 0;
                }
                if (expand_warn(it, u, second, Q_NONE, &dst) < 0) return 0;
                if (path_check(it, it->key, dst, PATH_ABSOLUTE) < 0) return 0;
        }
        return strv_index_extend(config_lists(u), l, word) < 0 ? log_oom() : 0;
}

static int add_mount_image(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        return add_image(it, u, word, l, true);
}

static int add_extension_image(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        return add_image(it, u, word, l, false);
}

static int parse_images(const ConfigItem *it, Unit *u, int ltype, void *data) {
        return for_words(it, u, data, true, "Invalid syntax", ltype ? add_mount_image : add_extension_image);
}

/* RootHash=: an absolute path or a hex string of at least 256 bits. */
static int parse_root_hash(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        char **s = data;
        const char *v = it->value;
        if (!isempty(v) && v[0] != '/') {
                size_t n = strlen(v);
                if (n % 2 || v[strspn(v, "0123456789abcdefABCDEF")] != 0) {
                        WARN(it, "Failed to decode RootHash=, ignoring: %s", v);
                        return 0;
                }
                if (n / 2 < 32) {
                        WARN(it, "RootHash= is too short, ignoring: %s", v);
                        return 0;
                }
        }
        return free_and_strdup(s, isempty(v) ? NULL : v) < 0 ? log_oom() : 0;
}

/* RootHashSignature=: an absolute path or "base64:DATA". */
static int parse_root_hash_signature(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        char **s = data;
        const char *v = it->value, *b;
        if (!isempty(v) && v[0] != '/') {
                if (!(b = startswith(v, "base64:"))) {
                        WARN(it, "Failed to decode RootHashSignature=, not a path but doesn't start with 'base64:', ignoring: %s", v);
                        return 0;
                }
                Buf out = {0};
                int r = base64_decode(b, &out);
                buf_free(&out);
                if (r < 0) {
                        WARN_ERRNO(it, r, "Failed to decode RootHashSignature=, ignoring: %s", v);
                        return 0;
                }
        }
        return free_and_strdup(s, isempty(v) ? NULL : v) < 0 ? log_oom() : 0;
}

/* ---- sandboxing ---- */

static int parse_protect_system(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = parse_boolean(it->value);
        int v = b >= 0 ? b : (int)protect_system_from_string(it->value);
        if (isempty(it->value)) v = PROTECT_SYSTEM_NO;
        if (v < 0) {
                WARN(it, "Failed to parse protect system value, ignoring: %s", it->value);
                return 0;
        }
        *(ProtectSystem *)data = (ProtectSystem)v;
        return 0;
}

static int parse_protect_home(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = parse_boolean(it->value);
        int v = b >= 0 ? b : (int)protect_home_from_string(it->value);
        if (isempty(it->value)) v = PROTECT_HOME_NO;
        if (v < 0) {
                WARN(it, "Failed to parse protect home value, ignoring: %s", it->value);
                return 0;
        }
        *(ProtectHome *)data = (ProtectHome)v;
        return 0;
}

static int parse_mount_flags(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        unsigned long *f = data;
        if (isempty(it->value)) *f = 0;
        else if (streq(it->value, "shared")) *f = MS_SHARED;
        else if (streq(it->value, "slave")) *f = MS_SLAVE;
        else if (streq(it->value, "private")) *f = MS_PRIVATE;
        else WARN(it, "Failed to parse mount flag, ignoring: %s", it->value);
        return 0;
}

/* MountAPIVFS=: a tristate (-1 unset) with the boolean message. */
static int parse_tristate(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = parse_boolean(it->value);
        if (isempty(it->value)) b = -1;
        else if (b < 0) {
                WARN_ERRNO(it, b, "Failed to parse boolean value, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = b;
        return 0;
}

/* Personality=: only the architectures this machine runs natively (personality_from_string()). */
static const char *const personalities[] = {
#if defined(__x86_64__)
        "x86", "x86-64",
#elif defined(__i386__)
        "x86",
#elif defined(__aarch64__)
        "arm", "arm64",
#elif defined(__arm__)
        "arm",
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        "ppc64-le",
#elif defined(__powerpc64__)
        "ppc", "ppc64",
#elif defined(__s390x__)
        "s390", "s390x",
#elif defined(__riscv)
        "riscv64",
#endif
        NULL,
};

static int parse_personality(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        char **s = data;
        if (!isempty(it->value) && lookup_name(personalities, ELEMENTSOF(personalities), it->value) < 0) {
                WARN(it, "Failed to parse personality, ignoring: %s", it->value);
                return 0;
        }
        return free_and_strdup(s, isempty(it->value) ? NULL : it->value) < 0 ? log_oom() : 0;
}

static int parse_preserve_mode(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = parse_boolean(it->value);
        if (isempty(it->value)) b = 0;
        else if (b < 0 && streq(it->value, "restart")) b = 2;
        if (b < 0) {
                WARN(it, "Failed to parse runtime directory preserve mode, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = b;
        return 0;
}

/* One relative path of RuntimeDirectory= and friends; 0 if fine (normalised in place). */
static int check_relative_dir(const ConfigItem *it, char *p) {
        return path_check(it, it->key, p, PATH_RELATIVE);
}

/* RuntimeDirectory= and friends: relative normalised paths, optional ":symlink" (252). */
static int add_exec_directory(const ConfigItem *it, Unit *u, const char *word, ExecDirectory *d) {
        _cleanup_free_ char *k = NULL;
        if (expand_warn(it, u, word, Q_DOUBLE, &k) < 0) return 0;
        char *colon = strchr(k, ':');
        if (colon) *colon = 0;
        if (check_relative_dir(it, k) < 0) return 0;
        if (colon && check_relative_dir(it, colon + 1) < 0) return 0;
        /* symlinks stays parallel to paths: "" where there is none */
        if (strv_index_extend(config_lists(u), &d->paths, k) < 0 || strv_index_extend(config_lists(u), &d->symlinks, colon ? colon + 1 : "") < 0) return log_oom();
        return 0;
}

static int parse_exec_directories(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecDirectory *d = data;
        if (isempty(it->value)) {
                list_reset(u, &d->paths);
                list_reset(u, &d->symlinks);
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if ((r = add_exec_directory(it, u, w, d)) < 0) return r;
        }
}

/* credential_name_valid(): a valid file name. */
static int parse_set_credential(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        if (list_emptied(it, u, l)) return 0;
        const char *p = it->value;
        _cleanup_free_ char *word = NULL, *id = NULL;
        int r = extract_first_word(&p, &word, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
        if (r == -ENOMEM) return log_oom();
        if (r <= 0 || isempty(p)) {
                WARN(it, "Invalid syntax, ignoring: %s", it->value);
                return 0;
        }
        if (expand_warn(it, u, word, Q_DOUBLE, &id) < 0) return 0;
        if (!filename_valid(id)) {
                WARN(it, "Credential name \"%s\" not valid, ignoring.", id);
                return 0;
        }
        if (ltype) {   /* SetCredentialEncrypted=: Base64 */
                Buf out = {0};
                r = base64_decode(p, &out);
                buf_free(&out);
                if (r < 0) {
                        WARN(it, "Encrypted credential data not valid Base64 data, ignoring.");
                        return 0;
                }
        }
        _cleanup_free_ char *e = strjoin(ltype ? "+" : "", id, ":", p);
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

/* LoadCredential=ID[:PATH]: PATH absolute, or relative to the credentials directory. */
static int parse_load_credential(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        if (list_emptied(it, u, l)) return 0;
        const char *p = it->value;
        _cleanup_free_ char *word = NULL, *id = NULL, *path = NULL;
        int r = extract_first_word(&p, &word, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
        if (r == -ENOMEM) return log_oom();
        if (r <= 0) {
                WARN(it, "Invalid syntax, ignoring: %s", it->value);
                return 0;
        }
        if (expand_warn(it, u, word, Q_DOUBLE, &id) < 0) return 0;
        if (!filename_valid(id)) {
                WARN(it, "Credential name \"%s\" not valid, ignoring.", id);
                return 0;
        }
        if (isempty(p)) path = strdup(id);
        else if (expand_warn(it, u, p, Q_DOUBLE, &path) < 0) return 0;
        if (!path) return log_oom();
        if (path[0] == '/') {
                if (path_check(it, it->key, path, PATH_ABSOLUTE) < 0) return 0;
        } else if (!filename_valid(path)) {
                WARN(it, "Credential source \"%s\" not valid, ignoring.", path);
                return 0;
        }
        _cleanup_free_ char *e = strjoin(ltype ? "+" : "", id, ":", path);
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

static const Directive exec_directives[] = {
        EXEC("WorkingDirectory", parse_working_directory, 0, working_directory),
        EXEC("RootDirectory", p_path_printf, true, root_directory),
        EXEC("RootImage", p_path_printf, true, root_image),
        EXEC("RootImageOptions", p_string_printf, 0, root_image_options),
        EXEC("RootHash", parse_root_hash, 0, root_hash),
        EXEC("RootHashSignature", parse_root_hash_signature, 0, root_hash_signature),
        EXEC("RootVerity", p_path_printf, true, root_verity),
        EXEC("ExtensionDirectories", parse_abs_paths, 0, extension_directories),
        EXEC("ExtensionImages", parse_images, 0, extension_images),
        EXEC("MountImages", parse_images, 1, mount_images),
        EXEC("User", parse_user_group, 0, user),
        EXEC("Group", parse_user_group, 0, group),
        EXEC("SupplementaryGroups", parse_supplementary_groups, 0, supplementary_groups),
        EXEC("Nice", parse_nice_directive, 0, nice),
        EXEC("OOMScoreAdjust", parse_oom, 0, oom_score_adjust),
        EXEC("CoredumpFilter", parse_coredump_filter, 0, coredump_filter),
        EXEC("IOSchedulingClass", parse_io_class, 0, ioprio_class),
        EXEC("IOSchedulingPriority", parse_io_priority, 0, ioprio_priority),
        EXEC("CPUSchedulingPolicy", parse_sched_policy, 0, cpu_sched_policy),
        EXEC("CPUSchedulingPriority", parse_sched_prio, 0, cpu_sched_priority),
        EXEC("CPUSchedulingResetOnFork", config_parse_bool, 0, cpu_sched_reset_on_fork),
        EXEC("CPUAffinity", parse_cpu_list, 1, cpu_affinity),
        EXEC("NUMAPolicy", parse_numa_policy, 0, numa_policy),
        EXEC("NUMAMask", parse_cpu_list, 2, numa_mask),
        EXEC("UMask", config_parse_mode, 0, umask),
        EXEC("Environment", parse_environ, 0, environment),
        EXEC("EnvironmentFile", parse_env_file, 0, environment_files),
        EXEC("PassEnvironment", parse_env_names, 0, pass_environment),
        EXEC("UnsetEnvironment", parse_env_names, 1, unset_environment),
        EXEC("DynamicUser", config_parse_bool, 0, dynamic_user),
        EXEC("RemoveIPC", config_parse_bool, 0, remove_ipc),
        EXEC("StandardInput", parse_input, 0, std_input),
        EXEC("StandardOutput", parse_output, 1, std_output),
        EXEC("StandardError", parse_output, 2, std_error),
        EXEC("StandardInputText", parse_input_text, 0, stdin_data),
        EXEC("StandardInputData", parse_input_data, 0, stdin_data),
        EXEC("TTYPath", p_path_printf, false, tty_path),
        EXEC("TTYReset", config_parse_bool, 0, tty_reset),
        EXEC("TTYVHangup", config_parse_bool, 0, tty_vhangup),
        EXEC("TTYVTDisallocate", config_parse_bool, 0, tty_vt_disallocate),
        EXEC("TTYRows", parse_tty_size, 0, tty_rows),
        EXEC("TTYColumns", parse_tty_size, 0, tty_columns),
        EXEC("SyslogIdentifier", p_string_printf, 0, syslog_identifier),
        EXEC("SyslogFacility", parse_facility, 0, syslog_priority),
        EXEC("SyslogLevel", parse_syslog_level, 0, syslog_priority),
        EXEC("SyslogLevelPrefix", config_parse_bool, 0, syslog_level_prefix),
        EXEC("LogLevelMax", parse_log_level_max, 0, log_level_max),
        EXEC("LogRateLimitIntervalSec", config_parse_sec, 0, log_ratelimit_interval_usec),
        EXEC("LogRateLimitBurst", config_parse_unsigned, 0, log_ratelimit_burst),
        EXEC("LogExtraFields", parse_log_extra_fields, 0, log_extra_fields),
        /* tinysd's own; systemd ignores X- keys, so the unit stays valid there */
        EXEC("X-Tinysd-ForwardToConsole", config_parse_bool, 0, forward_to_console),
        COMPAT("Capabilities", DISABLED_LEGACY),
        EXEC("SecureBits", parse_secure_bits, 0, secure_bits),
        EXEC("CapabilityBoundingSet", parse_capability_set, 1, capability_bounding_set),
        EXEC("AmbientCapabilities", parse_capability_set, 0, capability_ambient_set),
        EXEC("TimerSlackNSec", config_parse_nsec, 0, timer_slack_nsec),
        EXEC("NoNewPrivileges", config_parse_bool, 0, no_new_privileges),
        EXEC("KeyringMode", parse_keyring_mode, 0, keyring_mode),
        EXEC("ProtectProc", parse_protect_proc, 0, protect_proc),
        EXEC("ProcSubset", parse_proc_subset, 0, proc_subset),
        EXEC("SystemCallFilter", parse_syscall_filter, 1, system_call_filter),
        EXEC("SystemCallArchitectures", parse_syscall_archs, 0, system_call_architectures),
        EXEC("SystemCallErrorNumber", parse_syscall_errno, 0, system_call_error_number),
        EXEC("SystemCallLog", parse_syscall_filter, 0, system_call_log),
        EXEC("MemoryDenyWriteExecute", config_parse_bool, 0, memory_deny_write_execute),
        EXEC("RestrictNamespaces", parse_restrict_namespaces, 0, restrict_namespaces),
        EXEC("RestrictRealtime", config_parse_bool, 0, restrict_realtime),
        EXEC("RestrictSUIDSGID", config_parse_bool, 0, restrict_suid_sgid),
        EXEC("RestrictAddressFamilies", parse_address_families, 0, restrict_address_families),
        EXEC("LockPersonality", config_parse_bool, 0, lock_personality),
        EXEC("RestrictFileSystems", parse_restrict_filesystems, 0, restrict_filesystems),
        EXEC("LimitCPU", parse_rlimit, RLIMIT_CPU, rlimit),
        EXEC("LimitFSIZE", parse_rlimit, RLIMIT_FSIZE, rlimit),
        EXEC("LimitDATA", parse_rlimit, RLIMIT_DATA, rlimit),
        EXEC("LimitSTACK", parse_rlimit, RLIMIT_STACK, rlimit),
        EXEC("LimitCORE", parse_rlimit, RLIMIT_CORE, rlimit),
        EXEC("LimitRSS", parse_rlimit, RLIMIT_RSS, rlimit),
        EXEC("LimitNOFILE", parse_rlimit, RLIMIT_NOFILE, rlimit),
        EXEC("LimitAS", parse_rlimit, RLIMIT_AS, rlimit),
        EXEC("LimitNPROC", parse_rlimit, RLIMIT_NPROC, rlimit),
        EXEC("LimitMEMLOCK", parse_rlimit, RLIMIT_MEMLOCK, rlimit),
        EXEC("LimitLOCKS", parse_rlimit, RLIMIT_LOCKS, rlimit),
        EXEC("LimitSIGPENDING", parse_rlimit, RLIMIT_SIGPENDING, rlimit),
        EXEC("LimitMSGQUEUE", parse_rlimit, RLIMIT_MSGQUEUE, rlimit),
        EXEC("LimitNICE", parse_rlimit, RLIMIT_NICE, rlimit),
        EXEC("LimitRTPRIO", parse_rlimit, RLIMIT_RTPRIO, rlimit),
        EXEC("LimitRTTIME", parse_rlimit, RLIMIT_RTTIME, rlimit),
        EXEC("ReadWriteDirectories", parse_namespace_paths, 0, read_write_paths),
        EXEC("ReadOnlyDirectories", parse_namespace_paths, 0, read_only_paths),
        EXEC("InaccessibleDirectories", parse_namespace_paths, 0, inaccessible_paths),
        EXEC("ReadWritePaths", parse_namespace_paths, 0, read_write_paths),
        EXEC("ReadOnlyPaths", parse_namespace_paths, 0, read_only_paths),
        EXEC("InaccessiblePaths", parse_namespace_paths, 0, inaccessible_paths),
        EXEC("ExecPaths", parse_namespace_paths, 0, exec_paths),
        EXEC("NoExecPaths", parse_namespace_paths, 0, no_exec_paths),
        EXEC("ExecSearchPath", parse_exec_search_path, 0, exec_search_path),
        EXEC("BindPaths", parse_bind_paths, 0, bind_paths),
        EXEC("BindReadOnlyPaths", parse_bind_paths, 0, bind_read_only_paths),
        EXEC("TemporaryFileSystem", parse_temporary_fs, 0, temporary_filesystem),
        EXEC("PrivateTmp", config_parse_bool, 0, private_tmp),
        EXEC("PrivateDevices", config_parse_bool, 0, private_devices),
        EXEC("ProtectKernelTunables", config_parse_bool, 0, protect_kernel_tunables),
        EXEC("ProtectKernelModules", config_parse_bool, 0, protect_kernel_modules),
        EXEC("ProtectKernelLogs", config_parse_bool, 0, protect_kernel_logs),
        EXEC("ProtectClock", config_parse_bool, 0, protect_clock),
        EXEC("ProtectControlGroups", config_parse_bool, 0, protect_control_groups),
        EXEC("NetworkNamespacePath", p_path_printf, false, network_namespace_path),
        EXEC("IPCNamespacePath", p_path_printf, false, ipc_namespace_path),
        EXEC("LogNamespace", parse_log_namespace, 0, log_namespace),
        EXEC("PrivateNetwork", config_parse_bool, 0, private_network),
        EXEC("PrivateUsers", config_parse_bool, 0, private_users),
        EXEC("PrivateMounts", config_parse_bool, 0, private_mounts),
        EXEC("PrivateIPC", config_parse_bool, 0, private_ipc),
        EXEC("ProtectSystem", parse_protect_system, 0, protect_system),
        EXEC("ProtectHome", parse_protect_home, 0, protect_home),
        EXEC("MountFlags", parse_mount_flags, 0, mount_flags),
        EXEC("MountAPIVFS", parse_tristate, 0, mount_apivfs),
        EXEC("Personality", parse_personality, 0, personality),
        EXEC("RuntimeDirectoryPreserve", parse_preserve_mode, 0, runtime_directory_preserve_mode),
        EXEC("RuntimeDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_RUNTIME].mode),
        EXEC("RuntimeDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_RUNTIME]),
        EXEC("StateDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_STATE].mode),
        EXEC("StateDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_STATE]),
        EXEC("CacheDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_CACHE].mode),
        EXEC("CacheDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_CACHE]),
        EXEC("LogsDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_LOGS].mode),
        EXEC("LogsDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_LOGS]),
        EXEC("ConfigurationDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_CONFIGURATION].mode),
        EXEC("ConfigurationDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_CONFIGURATION]),
        EXEC("SetCredential", parse_set_credential, 0, set_credential),
        EXEC("SetCredentialEncrypted", parse_set_credential, 1, set_credential),
        EXEC("LoadCredential", parse_load_credential, 0, load_credential),
        EXEC("LoadCredentialEncrypted", parse_load_credential, 1, load_credential),
        EXEC("TimeoutCleanSec", config_parse_sec, 0, timeout_clean_usec),
        EXEC("PAMName", p_string_printf, 0, pam_name),
        EXEC("IgnoreSIGPIPE", config_parse_bool, 0, ignore_sigpipe),
        EXEC("UtmpIdentifier", p_string_printf, 0, utmp_id),
        EXEC("UtmpMode", parse_utmp_mode, 0, utmp_mode),
        EXEC("SELinuxContext", p_string_printf, 0, selinux_context),
        EXEC("AppArmorProfile", p_string_printf, 0, apparmor_profile),
        EXEC("SmackProcessLabel", p_string_printf, 0, smack_process_label),
        EXEC("ProtectHostname", config_parse_bool, 0, protect_hostname),
        { NULL },
};

/* ---- [kill] ---- */

static int parse_kill_mode(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        KillMode m = kill_mode_from_string(it->value);
        if ((int)m < 0) {
                WARN(it, "Failed to parse kill mode specification, ignoring: %s", it->value);
                return 0;
        }
        if (m == KILL_NONE)
                WARN(it, "Unit uses KillMode=none. This is unsafe, as it disables systemd's process lifecycle management for the service. "
                         "Please update the service to use a safer KillMode=, such as 'mixed' or 'control-group'. "
                         "Support for KillMode=none is deprecated and will eventually be removed.");
        *(KillMode *)data = m;
        return 0;
}

static const Directive kill_directives[] = {
        KILL("SendSIGKILL", config_parse_bool, 0, send_sigkill),
        KILL("SendSIGHUP", config_parse_bool, 0, send_sighup),
        KILL("KillMode", parse_kill_mode, 0, kill_mode),
        KILL("KillSignal", p_signal, 0, kill_signal),
        KILL("RestartKillSignal", p_signal, 0, restart_kill_signal),
        KILL("FinalKillSignal", p_signal, 0, final_kill_signal),
        KILL("WatchdogSignal", p_signal, 0, watchdog_signal),
        { NULL },
};

/* ---- [cgroup] ---- */

static int parse_slice(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        _cleanup_free_ char *k = NULL;
        SpecifierUnit su = { .id = u ? u->id : NULL, .fragment_path = u ? u->fragment_path : NULL,
                             .root = u ? u->root : NULL };
        int r = specifier_expand(&su, SPECIFIERS_NAME, it->value, 0, &k);
        if (r == -ENOMEM) return log_oom();
        if (r < 0) {
                WARN_ERRNO(it, r, "Failed to resolve unit specifiers in %s, ignoring: %m", it->value);
                return 0;
        }
        if (!unit_name_is_valid(k, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                WARN(it, "Failed to load slice unit %s, ignoring: Unit name %s is not valid.", k, k);
                return 0;
        }
        if (unit_name_to_type(k) != UNIT_SLICE) {
                WARN_ERRNO(it, EINVAL, "Failed to assign slice %s to unit %s, ignoring: %m", k, u ? u->id : "");
                return 0;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

/* The deprecated cgroup-v1 settings of 252 warn on every use. */
static void warn_deprecated(const ConfigItem *it, const char *instead) {
        WARN(it, "Unit uses %s=; please use %s instead. Support for %s= will be removed soon.", it->key, instead, it->key);
}

/* A weight in [min, max] (ltype: 0 CPUWeight, 1 IOWeight, 2 CPUShares, 3 BlockIOWeight). */
static int parse_weight(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u;
        static const struct { uint64_t min, max; const char *msg, *deprecated; } w[] = {
                { 1, 10000, "Invalid CPU weight", NULL },
                { 1, 10000, "Invalid weight", NULL },
                { 2, 262144, "Invalid CPU shares", "CPUWeight=" },
                { 10, 1000, "Invalid block IO weight", NULL },
        };
        uint64_t v;
        if (w[ltype].deprecated) warn_deprecated(it, w[ltype].deprecated);
        if (isempty(it->value)) {
                *(uint64_t *)data = CGROUP_WEIGHT_INVALID;
                return 0;
        }
        if (ltype == 0 && streq(it->value, "idle")) {
                *(uint64_t *)data = 0;
                return 0;
        }
        if (safe_atou64(it->value, &v) < 0 || v < w[ltype].min || v > w[ltype].max) {
                WARN(it, "%s, ignoring: %s", w[ltype].msg, it->value);
                return 0;
        }
        *(uint64_t *)data = v;
        return 0;
}

static int parse_cpu_quota(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) {
                *(usec_t *)data = USEC_INFINITY;
                return 0;
        }
        int pm = endswith(it->value, "%") ? parse_permille(it->value) : -EINVAL;
        if (pm <= 0) {
                WARN(it, "Invalid CPU quota '%s', ignoring.", it->value);
                return 0;
        }
        *(usec_t *)data = (usec_t)pm * USEC_PER_SEC / 1000;
        return 0;
}

/* MemoryMax= and friends: bytes (K, M, G... base 1024), a percentage of RAM, or infinity;
 * ltype 1: MemoryLimit= (deprecated). A percentage is kept as UINT64_MAX - 1000 + permille
 * until the amount of RAM is known. */
static int parse_memory_limit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u;
        uint64_t *v = data, b = CGROUP_LIMIT_MAX;
        if (isempty(it->value) || streq(it->value, "infinity")) {
                *v = CGROUP_LIMIT_MAX;
                return 0;
        }
        if (endswith(it->value, "%")) {
                int pm = parse_permille(it->value);
                if (pm < 0 || pm > 1000) {
                        WARN_ERRNO(it, EINVAL, "Invalid memory limit '%s', ignoring: %m", it->value);
                        return 0;
                }
                b = UINT64_MAX - 1000 + (uint64_t)pm;
        } else {
                int r = it->value[0] == '-' ? -ERANGE : parse_size(it->value, 1024, &b);
                if (r < 0) {
                        WARN_ERRNO(it, r, "Invalid memory limit '%s', ignoring: %m", it->value);
                        return 0;
                }
        }
        if (ltype) warn_deprecated(it, "MemoryMax=");  /* 252 warns once the value is accepted */
        *v = b;
        return 0;
}

static int parse_tasks_max(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        CGroupContext *c = CONTEXT_OF(data, CGroupContext, tasks_max);
        uint64_t v;
        if (isempty(it->value)) {
                c->tasks_max_set = false;
                c->tasks_max = UINT64_MAX;
                c->tasks_max_permille = 0;
                return 0;
        }
        if (streq(it->value, "infinity")) {
                c->tasks_max_set = true;
                c->tasks_max = UINT64_MAX;
                c->tasks_max_permille = 0;
                return 0;
        }
        if (endswith(it->value, "%")) {
                int pm = parse_permille(it->value);
                if (pm < 0) {
                        WARN_ERRNO(it, pm, "Invalid maximum tasks value '%s', ignoring: %m", it->value);
                        return 0;
                }
                if (pm == 0 || pm > 1000) {
                        WARN(it, "Maximum tasks value '%s' out of range, ignoring.", it->value);
                        return 0;
                }
                c->tasks_max_permille = (unsigned)pm;
                c->tasks_max = UINT64_MAX;
                c->tasks_max_set = true;
                return 0;
        }
        int r = safe_atou64(it->value, &v);
        if (r < 0) {
                WARN_ERRNO(it, r, "Invalid maximum tasks value '%s', ignoring: %m", it->value);
                return 0;
        }
        if (v == 0 || v == UINT64_MAX) {
                WARN(it, "Maximum tasks value '%s' out of range, ignoring.", it->value);
                return 0;
        }
        c->tasks_max = v;
        c->tasks_max_permille = 0;
        c->tasks_max_set = true;
        return 0;
}

static const char *const cgroup_controllers[] = {
        "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids", "bpf-firewall", "bpf-devices",
        "bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
};

/* Delegate=: a boolean, or controller names (which imply yes). */
static int parse_delegate(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        CGroupContext *c = CONTEXT_OF(data, CGroupContext, delegate);
        int b = isempty(it->value) ? 0 : parse_boolean(it->value);
        if (b >= 0) {
                c->delegate = b;
                list_reset(u, &c->delegate_controllers);
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) break;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (lookup_name(cgroup_controllers, ELEMENTSOF(cgroup_controllers), w) < 0) {
                        WARN(it, "Invalid controller name '%s', ignoring", w);
                        continue;
                }
                if (strv_index_push_unique(config_lists(u), &c->delegate_controllers, TAKE_PTR(w)) < 0) return log_oom();
        }
        c->delegate = true;
        return 0;
}

/* DisableControllers=: controller names; an unknown one voids the whole assignment. */
static int parse_disable_controllers(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        char ***l = data;
        _cleanup_strv_free_ char **n = NULL;
        if (list_emptied(it, u, l)) return 0;
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) break;
                if (r == -ENOMEM) return log_oom();
                if (r < 0 || lookup_name(cgroup_controllers, ELEMENTSOF(cgroup_controllers), w) < 0) {
                        WARN(it, "Invalid cgroup string: %s, ignoring", r < 0 ? it->value : w);
                        return 0;
                }
                if (strv_consume_unique(&n, TAKE_PTR(w)) < 0) return log_oom();  /* a few names at most */
        }
        STRV_FOREACH(c, n)
                if (strv_index_push_unique(config_lists(u), l, strdup(*c)) < 0) return log_oom();
        return 0;
}

/* DeviceAllow=: "DEVICE [rwm]"; DEVICE a /dev/ or /run/systemd/inaccessible/ node or char-/block-
 * class. Kept as one entry "DEVICE RIGHTS". */
static int parse_device_allow(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        _cleanup_free_ char *word = NULL, *k = NULL;
        if (list_emptied(it, u, l)) return 0;
        const char *p = it->value;
        int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE);
        if (r == -ENOMEM) return log_oom();
        if (r <= 0) {
                WARN(it, "Invalid syntax, ignoring: %s", it->value);
                return 0;
        }
        if (expand_warn(it, u, word, Q_SINGLE, &k) < 0) return 0;
        if (!startswith(k, "/dev/") && !startswith(k, "/run/systemd/inaccessible/") && !startswith(k, "char-") &&
            !startswith(k, "block-")) {
                WARN(it, "Invalid device node path '%s', ignoring.", k);
                return 0;
        }
        const char *rights = p ? p + strspn(p, WHITESPACE) : "";
        if (rights[strspn(rights, "rwm")] != 0) {
                WARN(it, "Invalid device rights '%s', ignoring.", rights);
                return 0;
        }
        _cleanup_free_ char *e = strjoin(k, " ", isempty(rights) ? "rwm" : rights);
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

static int parse_device_policy(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "auto", "closed", "strict" };
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) {
                WARN(it, "Failed to parse device policy, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = v;
        return 0;
}

/* ManagedOOMSwap=, ManagedOOMMemoryPressure=: auto|kill. */
static int parse_managed_oom_mode(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "auto", "kill" };
        int v = isempty(it->value) ? 0 : lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) {
                WARN(it, "Invalid syntax, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = v;
        return 0;
}

static int parse_managed_oom_preference(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "none", "avoid", "omit" };
        int v = isempty(it->value) ? 0 : lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) {
                WARN(it, "Failed to parse ManagedOOMPreference=, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = v;
        return 0;
}

static int parse_pressure_limit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) {
                *(unsigned *)data = 0;
                return 0;
        }
        int pm = endswith(it->value, "%") || endswith(it->value, "‰") ? parse_permille(it->value) : -EINVAL;
        if (pm < 0 || pm > 1000) {
                WARN(it, "Failed to parse memory pressure limit value, ignoring: %s", it->value);
                return 0;
        }
        *(unsigned *)data = (unsigned)pm;
        return 0;
}

/* Device-specific settings "DEVICE VALUE" (ltype: 0 IODeviceWeight, 1 IO*Max bandwidth,
 * 2 IO*IOPSMax, 3 IODeviceLatencyTargetSec, 4 BlockIODeviceWeight, 5 BlockIO*Bandwidth),
 * kept as one validated entry each. */
static int parse_device_value(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        _cleanup_free_ char *path = NULL, *k = NULL;
        const char *p = it->value;
        if (ltype >= 4) warn_deprecated(it, "IO*= settings");
        if (list_emptied(it, u, l)) return 0;
        int r = extract_first_word(&p, &path, NULL, EXTRACT_UNQUOTE);
        if (r == -ENOMEM) return log_oom();
        const char *v = p ? p + strspn(p, WHITESPACE) : "";
        if (r <= 0 || isempty(v)) {
                WARN(it, "Invalid device %s specified in '%s', ignoring.",
                     ltype == 0 || ltype == 4 ? "path or weight" : ltype == 3 ? "path or latency target" : "node or bandwidth",
                     it->value);
                return 0;
        }
        if (expand_warn(it, u, path, Q_SINGLE, &k) < 0) return 0;
        if (!startswith(k, "/dev/") && !startswith(k, "/run/systemd/inaccessible/") && !startswith(k, "/sys/")) {
                WARN(it, "Invalid device node path '%s', ignoring.", k);
                return 0;
        }
        uint64_t n;
        usec_t t;
        bool ok;
        if (ltype == 0 || ltype == 4) {
                ok = safe_atou64(v, &n) >= 0 && (ltype == 0 ? n >= 1 && n <= 10000 : n >= 10 && n <= 1000);
                if (!ok) {
                        int e = safe_atou64(v, &n) < 0 ? EINVAL : ERANGE;
                        if (ltype == 0)
                                WARN_ERRNO(it, e, "IO weight '%s' invalid, ignoring: %m", v);
                        else
                                WARN_ERRNO(it, e, "Invalid block IO weight '%s', ignoring: %m", v);
                        return 0;
                }
        } else if (ltype == 3) {
                if (parse_sec(v, &t) < 0) {
                        WARN(it, "Failed to parse timer value, ignoring: %s", v);
                        return 0;
                }
        } else {
                ok = streq(v, "infinity") || (ltype == 2 ? safe_atou64(v, &n) >= 0 && n > 0 : parse_size(v, 1000, &n) >= 0 && n > 0);
                if (!ok) {
                        WARN(it, "%s '%s', ignoring.", ltype == 5 ? "Invalid disk bandwidth" : "Invalid IO limit", v);
                        return 0;
                }
        }
        _cleanup_free_ char *e = strjoin(k, " ", v);
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

/* An address prefix "ADDR[/LEN]" or one of 252's names. */
static bool valid_ip_prefix(const char *s) {
        static const char *const special[] = { "any", "localhost", "link-local", "multicast" };
        if (lookup_name(special, ELEMENTSOF(special), s) >= 0) return true;
        char addr[INET6_ADDRSTRLEN + 8];
        unsigned char bin[16];
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 0 || n >= sizeof addr) return false;
        memcpy(addr, s, n);
        addr[n] = 0;
        unsigned max, len;
        if (inet_pton(AF_INET, addr, bin) == 1) max = 32;
        else if (inet_pton(AF_INET6, addr, bin) == 1) max = 128;
        else return false;
        return !slash || (safe_atou(slash + 1, &len) >= 0 && len <= max);
}

static int add_ip_prefix(const ConfigItem *it, Unit *u, const char *word, char ***l) {
        (void)u;
        if (!valid_ip_prefix(word)) {
                WARN(it, "Address prefix is invalid, ignoring assignment: %s", word);
                return 0;
        }
        return strv_index_extend(config_lists(u), l, word) < 0 ? log_oom() : 0;
}

static int parse_ip_prefixes(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return for_words(it, u, data, false, "Invalid syntax", add_ip_prefix);
}

/* BPFProgram=TYPE:PATH. */
static int parse_bpf_program(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        static const char *const types[] = { "ingress", "egress", "sock_create", "sock_ops", "device", "bind4", "bind6",
                                             "connect4", "connect6", "post_bind4", "post_bind6", "sendmsg4", "sendmsg6",
                                             "sysctl", "recvmsg4", "recvmsg6", "getsockopt", "setsockopt" };
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (list_emptied(it, u, l)) return 0;
        const char *colon = strchr(it->value, ':');
        _cleanup_free_ char *type = colon ? strndup(it->value, (size_t)(colon - it->value)) : NULL;
        if (!colon || !type || lookup_name(types, ELEMENTSOF(types), type) < 0 || !colon[1]) {
                if (colon && !type) return log_oom();
                WARN(it, "Invalid syntax in %s=, ignoring: %s", it->key, it->value);
                return 0;
        }
        if (expand_warn(it, u, colon + 1, Q_SINGLE, &k) < 0) return 0;
        if (path_check(it, it->key, k, PATH_ABSOLUTE) < 0) return 0;
        _cleanup_free_ char *e = strjoin(type, ":", k);
        return !e || strv_index_push(config_lists(u), l, TAKE_PTR(e)) < 0 ? log_oom() : 0;
}

/* SocketBindAllow=/Deny=: "[ipv4:|ipv6:][tcp:|udp:]PORT[-PORT]" or "any" in the last place. */
static bool valid_socket_bind(const char *s) {
        const char *p = s, *t;
        if ((t = startswith(p, "ipv4:")) || (t = startswith(p, "ipv6:"))) p = t;
        if ((t = startswith(p, "tcp:")) || (t = startswith(p, "udp:"))) p = t;
        if (streq(p, "any")) return true;
        unsigned a, b;
        char buf[16];
        const char *dash = strchr(p, '-');
        size_t n = dash ? (size_t)(dash - p) : strlen(p);
        if (n == 0 || n >= sizeof buf) return false;
        memcpy(buf, p, n);
        buf[n] = 0;
        if (safe_atou(buf, &a) < 0 || a > 65535) return false;
        return !dash || (safe_atou(dash + 1, &b) >= 0 && b <= 65535 && b >= a);
}

static int parse_socket_bind(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        char ***l = data;
        if (list_emptied(it, u, l)) return 0;
        if (!valid_socket_bind(it->value)) {
                WARN(it, "Unable to parse %s= assignment, ignoring: %s", it->key, it->value);
                return 0;
        }
        return strv_index_extend(config_lists(u), l, it->value) < 0 ? log_oom() : 0;
}

/* RestrictNetworkInterfaces=: interface names, '~' for a deny list. */
static int parse_network_interfaces(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        AllowDenyList *l = data;
        const char *p = allow_deny_start(u, l, it->value);
        if (!p) return 0;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        WARN(it, "Trailing garbage in %s, ignoring: %s", it->key, it->value);
                        return 0;
                }
                if (strlen(w) >= 16 || strpbrk(w, "/: \t") || streq(w, ".") || streq(w, "..")) {
                        WARN(it, "Invalid interface name, ignoring: %s", w);
                        continue;
                }
                if (strv_index_push_unique(config_lists(u), &l->items, TAKE_PTR(w)) < 0) return log_oom();
        }
}

static int parse_blockio_accounting(const ConfigItem *it, Unit *u, int ltype, void *data) {
        warn_deprecated(it, "IO*= settings");
        return config_parse_bool(it, u, ltype, data);
}

static const Directive cgroup_directives[] = {
        CG("Slice", parse_slice, 0, slice),
        CG("AllowedCPUs", parse_cpu_list, 0, allowed_cpus),
        CG("StartupAllowedCPUs", parse_cpu_list, 0, startup_allowed_cpus),
        CG("AllowedMemoryNodes", parse_cpu_list, 0, allowed_memory_nodes),
        CG("StartupAllowedMemoryNodes", parse_cpu_list, 0, startup_allowed_memory_nodes),
        CG("CPUAccounting", config_parse_bool, 0, cpu_accounting),
        CG("CPUWeight", parse_weight, 0, cpu_weight),
        CG("StartupCPUWeight", parse_weight, 0, startup_cpu_weight),
        CG("CPUShares", parse_weight, 2, cpu_shares),
        CG("StartupCPUShares", parse_weight, 2, startup_cpu_shares),
        CG("CPUQuota", parse_cpu_quota, 0, cpu_quota_per_sec_usec),
        CG("CPUQuotaPeriodSec", p_sec_def_infinity, 0, cpu_quota_period_usec),
        CG("MemoryAccounting", config_parse_bool, 0, memory_accounting),
        CG("MemoryMin", parse_memory_limit, 0, memory_min),
        CG("DefaultMemoryMin", parse_memory_limit, 0, default_memory_min),
        CG("DefaultMemoryLow", parse_memory_limit, 0, default_memory_low),
        CG("MemoryLow", parse_memory_limit, 0, memory_low),
        CG("MemoryHigh", parse_memory_limit, 0, memory_high),
        CG("MemoryMax", parse_memory_limit, 0, memory_max),
        CG("MemorySwapMax", parse_memory_limit, 0, memory_swap_max),
        CG("MemoryLimit", parse_memory_limit, 1, memory_limit),
        CG("DeviceAllow", parse_device_allow, 0, device_allow),
        CG("DevicePolicy", parse_device_policy, 0, device_policy),
        CG("IOAccounting", config_parse_bool, 0, io_accounting),
        CG("IOWeight", parse_weight, 1, io_weight),
        CG("StartupIOWeight", parse_weight, 1, startup_io_weight),
        CG("IODeviceWeight", parse_device_value, 0, io_device_weight),
        CG("IOReadBandwidthMax", parse_device_value, 1, io_read_bandwidth_max),
        CG("IOWriteBandwidthMax", parse_device_value, 1, io_write_bandwidth_max),
        CG("IOReadIOPSMax", parse_device_value, 2, io_read_iops_max),
        CG("IOWriteIOPSMax", parse_device_value, 2, io_write_iops_max),
        CG("IODeviceLatencyTargetSec", parse_device_value, 3, io_device_latency_target),
        CG("BlockIOAccounting", parse_blockio_accounting, 0, blockio_accounting),
        CG("BlockIOWeight", parse_weight, 3, blockio_weight),
        CG("StartupBlockIOWeight", parse_weight, 3, startup_blockio_weight),
        CG("BlockIODeviceWeight", parse_device_value, 4, blockio_device_weight),
        CG("BlockIOReadBandwidth", parse_device_value, 5, blockio_read_bandwidth),
        CG("BlockIOWriteBandwidth", parse_device_value, 5, blockio_write_bandwidth),
        CG("TasksAccounting", config_parse_bool, 0, tasks_accounting),
        CG("TasksMax", parse_tasks_max, 0, tasks_max),
        CG("Delegate", parse_delegate, 0, delegate),
        CG("DisableControllers", parse_disable_controllers, 0, disable_controllers),
        CG("IPAccounting", config_parse_bool, 0, ip_accounting),
        CG("IPAddressAllow", parse_ip_prefixes, 0, ip_address_allow),
        CG("IPAddressDeny", parse_ip_prefixes, 0, ip_address_deny),
        CG("IPIngressFilterPath", parse_abs_paths, 0, ip_ingress_filter_path),
        CG("IPEgressFilterPath", parse_abs_paths, 0, ip_egress_filter_path),
        CG("ManagedOOMSwap", parse_managed_oom_mode, 0, managed_oom_swap),
        CG("ManagedOOMMemoryPressure", parse_managed_oom_mode, 0, managed_oom_memory_pressure),
        CG("ManagedOOMMemoryPressureLimit", parse_pressure_limit, 0, managed_oom_memory_pressure_limit_permille),
        CG("ManagedOOMPreference", parse_managed_oom_preference, 0, managed_oom_preference),
        COMPAT("NetClass", DISABLED_LEGACY),
        CG("BPFProgram", parse_bpf_program, 0, bpf_program),
        CG("SocketBindAllow", parse_socket_bind, 0, socket_bind_allow),
        CG("SocketBindDeny", parse_socket_bind, 0, socket_bind_deny),
        CG("RestrictNetworkInterfaces", parse_network_interfaces, 0, restrict_network_interfaces),
        { NULL },
};

const DirectiveTable exec_directive_table = { NULL, exec_directives };
const DirectiveTable kill_directive_table = { NULL, kill_directives };
const DirectiveTable cgroup_directive_table = { NULL, cgroup_directives };

const char *tinysd_capability_name(int cap) {
        return cap >= 0 && (size_t)cap < ELEMENTSOF(cap_names) ? cap_names[cap] : NULL;
}
