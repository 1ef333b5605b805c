/* SPDX-License-Identifier: MIT */
/* The unit-file install layer (systemd 252's src/shared/install.c semantics): loading [Install]
 * sections, following alias and linked-file symlinks, creating and removing the symlinks of
 * enable/disable/mask/link/preset, and computing unit file states. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/conf-files.h"
#include "base/hashmap.h"
#include "base/strv.h"
#include "base/strv-index.h"
#include "base/util.h"
#include "unit/install.h"
#include "unit/lookup.h"
#include "unit/name.h"
#include "unit/specifier.h"
#include "unit/syntax.h"

#define FOLLOW_MAX 64

typedef enum SearchFlags {
        SEARCH_LOAD = 1 << 0,
        SEARCH_FOLLOW_CONFIG_SYMLINKS = 1 << 1,
        SEARCH_DROPIN = 1 << 2,
} SearchFlags;

typedef enum InstallMode {
        MODE_INVALID = -1,
        MODE_REGULAR,
        MODE_LINKED,
        MODE_ALIAS,
        MODE_MASKED,
} InstallMode;

typedef struct InstallInfo {
        char *name, *path;
        char **aliases, **wanted_by, **required_by, **also;
        char *default_instance;
        char *symlink_target;
        InstallMode mode;
        bool auxiliary, processed;
} InstallInfo;

/* Units to process, in the order they were named (Also= appends); by name in `by_name`, and
 * v[0..next) all processed, so finding a unit or the next one to process is O(1). */
typedef struct Ctx {
        InstallInfo **v;
        size_t n, next;
        Hashmap *by_name;
} Ctx;

/* The search path and the directories install.c treats specially, all root-prefixed. */
typedef struct Paths {
        LookupPaths lp;
        const char *root;  /* NULL for "/" */
        char *persistent_config, *runtime_config, *transient, *generator, *generator_early, *generator_late,
                *persistent_control, *runtime_control;
} Paths;

struct PresetRule {
        char *pattern;
        bool enable;
        char **instances;
};

/* Room for one more element in an array grown only by this: its capacity is the power of two at
 * or above its length (8 at least), so growing it to N elements costs O(N) in all. */
static int array_grow(void **v, size_t n, size_t size) {
        bool full = n == 0 || (n >= 8 && (n & (n - 1)) == 0);
        if (!full) return 0;
        size_t cap = n == 0 ? 8 : n * 2;
        if (cap > SIZE_MAX / size) return -ENOMEM;
        void *t = realloc(*v, cap * size);
        if (!t) return -ENOMEM;
        *v = t;
        return 0;
}

/* ------------------------------------------------------------------ small path helpers */

static char *root_join(const char *root, const char *p) {
        return root ? strjoin(root, p) : strdup(p);
}

static void paths_done(Paths *p) {
        lookup_paths_done(&p->lp);
        free(p->persistent_config);
        free(p->runtime_config);
        free(p->transient);
        free(p->generator);
        free(p->generator_early);
        free(p->generator_late);
        free(p->persistent_control);
        free(p->runtime_control);
        *p = (Paths){0};
}

static int paths_init(Paths *p, const char *root) {
        *p = (Paths){0};
        int r = lookup_paths_init(&p->lp, root);
        if (r < 0) return r;
        p->root = p->lp.root;
        struct { char **dst; const char *path; } d[] = {
                { &p->persistent_config, "/etc/systemd/system" },
                { &p->runtime_config, "/run/systemd/system" },
                { &p->transient, "/run/systemd/transient" },
                { &p->generator, "/run/systemd/generator" },
                { &p->generator_early, "/run/systemd/generator.early" },
                { &p->generator_late, "/run/systemd/generator.late" },
                { &p->persistent_control, "/etc/systemd/system.control" },
                { &p->runtime_control, "/run/systemd/system.control" },
        };
        for (size_t i = 0; i < ELEMENTSOF(d); i++)
                if (!(*d[i].dst = root_join(p->root, d[i].path))) return -ENOMEM;
        return 0;
}

/* Lexically: collapse "//", drop "/./" and a trailing slash (systemd's path_simplify()). */
static void path_simplify(char *p) {
        char *w = p;
        for (const char *s = p; *s;) {
                if (*s == '/') {
                        while (*s == '/') s++;
                        while (s[0] == '.' && (s[1] == '/' || s[1] == 0)) {
                                s++;
                                while (*s == '/') s++;
                        }
                        *w++ = '/';
                        continue;
                }
                *w++ = *s++;
        }
        *w = 0;
        if (w > p + 1 && w[-1] == '/') w[-1] = 0;
}

/* Lexical normalisation including "..", for symlink targets (which must stay below `root`). */
static int path_normalize(const char *root, const char *path, char **ret) {
        size_t rl = root ? strlen(root) : 0;
        _cleanup_free_ char *out = malloc(strlen(path) + 2);
        if (!out) return -ENOMEM;
        size_t n = 0;
        const char *s = path;
        if (rl && startswith(path, root) && (path[rl] == '/' || !path[rl])) {
                memcpy(out, root, rl);
                n = rl;
                s = path + rl;
        }
        size_t floor = n;
        while (*s) {
                while (*s == '/') s++;
                if (!*s) break;
                size_t len = strcspn(s, "/");
                if (len == 1 && s[0] == '.') {
                } else if (len == 2 && s[0] == '.' && s[1] == '.') {
                        while (n > floor && out[n - 1] != '/') n--;
                        if (n > floor) n--;
                } else {
                        out[n++] = '/';
                        memcpy(out + n, s, len);
                        n += len;
                }
                s += len;
        }
        if (n == 0) out[n++] = '/';
        out[n] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

static char *dirname_dup(const char *path) {
        const char *s = strrchr(path, '/');
        if (!s) return strdup(".");
        if (s == path) return strdup("/");
        return strndup(path, s - path);
}

static const char *base_name(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

static bool path_equal_ptr(const char *a, const char *b) {
        return a && b && streq(a, b);
}

static bool parent_is(const char *path, const char *dir) {
        _cleanup_free_ char *p = dirname_dup(path);
        return p && path_equal_ptr(p, dir);
}

/* The part of path below dir ("" when equal), or NULL. */
static const char *path_under(const char *path, const char *dir) {
        const char *r = startswith(path, dir);
        if (!r) return NULL;
        if (*r == '/') return r + 1;
        if (!*r || streq(dir, "/")) return r;
        return NULL;
}

static bool path_under_strv(const char *path, char *const *dirs) {
        STRV_FOREACH(d, dirs)
                if (path_under(path, *d)) return true;
        return false;
}

static const char *skip_root(const char *root, const char *path) {
        if (!root) return path;
        const char *e = startswith(path, root);
        if (!e) return NULL;
        if (*e == '/') return e;
        return NULL;
}

static bool path_is_generator(const Paths *p, const char *path) {
        return parent_is(path, p->generator) || parent_is(path, p->generator_early) || parent_is(path, p->generator_late);
}

static bool path_is_transient(const Paths *p, const char *path) {
        return parent_is(path, p->transient);
}

static bool path_is_config(const Paths *p, const char *path) {
        return parent_is(path, p->persistent_config) || parent_is(path, p->runtime_config);
}

static bool dir_is_runtime(const Paths *p, const char *dir) {
        const char *rp = skip_root(p->root, dir);
        if (rp && path_under(rp, "/run")) return true;
        const char *const l[] = { p->runtime_config, p->generator, p->generator_early, p->generator_late,
                                  p->transient, p->runtime_control };
        for (size_t i = 0; i < ELEMENTSOF(l); i++)
                if (path_equal_ptr(dir, l[i])) return true;
        return false;
}

static bool path_is_runtime(const Paths *p, const char *path) {
        _cleanup_free_ char *d = dirname_dup(path);
        const char *rp = skip_root(p->root, path);
        if (rp && path_under(rp, "/run")) return true;
        return d && dir_is_runtime(p, d);
}

static bool null_or_empty(const struct stat *st) {
        if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
        return S_ISREG(st->st_mode) && st->st_size == 0;
}

static int read_link(int dfd, const char *path, char **ret) {
        char buf[PATH_MAX];
        ssize_t n = readlinkat(dfd, path, buf, sizeof buf - 1);
        if (n < 0) return -errno;
        buf[n] = 0;
        return (*ret = strdup(buf)) ? 0 : -ENOMEM;
}

static unsigned char dirent_type(DIR *d, struct dirent *de) {
        if (de->d_type != DT_UNKNOWN) return de->d_type;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) return DT_UNKNOWN;
        return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

/* Follow symlinks of the last component under root, keeping a dangling end as it is (systemd's
 * chase_symlinks(CHASE_NONEXISTENT) for our purposes). The result keeps the root prefix. */
static int chase(const Paths *p, const char *path, char **ret) {
        _cleanup_free_ char *cur = NULL;
        int r = path_normalize(p->root, path, &cur);
        if (r < 0) return r;
        for (int hop = 0; hop < FOLLOW_MAX; hop++) {
                _cleanup_free_ char *t = NULL, *next = NULL;
                r = read_link(AT_FDCWD, cur, &t);
                if (r == -EINVAL || r == -ENOENT || r == -ENOTDIR) {
                        *ret = TAKE_PTR(cur);
                        return 0;
                }
                if (r < 0) return r;
                if (t[0] == '/')
                        next = root_join(p->root, t);
                else {
                        _cleanup_free_ char *d = dirname_dup(cur);
                        next = d ? strjoin(d, "/", t) : NULL;
                }
                if (!next) return -ENOMEM;
                free(cur);
                cur = NULL;
                if ((r = path_normalize(p->root, next, &cur)) < 0) return r;
        }
        return -ELOOP;
}

/* ------------------------------------------------------------------ changes */

static int change_add(InstallChanges *c, int type, const char *path, const char *source) {
        if (!c) return type;
        if (array_grow((void **)&c->v, c->n, sizeof *c->v) < 0) return -ENOMEM;
        char *pp = strdup(path), *ss = source ? strdup(source) : NULL;
        if (!pp || (source && !ss)) {
                free(pp);
                free(ss);
                return -ENOMEM;
        }
        path_simplify(pp);
        if (ss) path_simplify(ss);
        c->v[c->n++] = (InstallChange){ .type = type, .path = pp, .source = ss };
        return type;
}

void install_changes_done(InstallChanges *c) {
        for (size_t i = 0; i < c->n; i++) {
                free(c->v[i].path);
                free(c->v[i].source);
        }
        free(c->v);
        *c = (InstallChanges){0};
}

static const char *const change_type_table[_INSTALL_CHANGE_TYPE_MAX] = {
        [INSTALL_CHANGE_SYMLINK] = "symlink",
        [INSTALL_CHANGE_UNLINK] = "unlink",
        [INSTALL_CHANGE_IS_MASKED] = "masked",
        [INSTALL_CHANGE_IS_MASKED_GENERATOR] = "masked by generator",
        [INSTALL_CHANGE_IS_DANGLING] = "dangling",
        [INSTALL_CHANGE_DESTINATION_NOT_PRESENT] = "destination not present",
        [INSTALL_CHANGE_AUXILIARY_FAILED] = "auxiliary unit failed",
};

const char *install_change_type_to_string(int type) {
        return type >= 0 && type < _INSTALL_CHANGE_TYPE_MAX ? change_type_table[type] : NULL;
}

static const char *const state_table[_UNIT_FILE_STATE_MAX] = {
        [UNIT_FILE_STATE_ENABLED] = "enabled",
        [UNIT_FILE_STATE_ENABLED_RUNTIME] = "enabled-runtime",
        [UNIT_FILE_STATE_LINKED] = "linked",
        [UNIT_FILE_STATE_LINKED_RUNTIME] = "linked-runtime",
        [UNIT_FILE_STATE_ALIAS] = "alias",
        [UNIT_FILE_STATE_MASKED] = "masked",
        [UNIT_FILE_STATE_MASKED_RUNTIME] = "masked-runtime",
        [UNIT_FILE_STATE_STATIC] = "static",
        [UNIT_FILE_STATE_DISABLED] = "disabled",
        [UNIT_FILE_STATE_INDIRECT] = "indirect",
        [UNIT_FILE_STATE_GENERATED] = "generated",
        [UNIT_FILE_STATE_TRANSIENT] = "transient",
        [UNIT_FILE_STATE_BAD] = "bad",
};

const char *unit_file_state_to_string(UnitFileState s) {
        return (unsigned)s < _UNIT_FILE_STATE_MAX ? state_table[s] : NULL;
}

int unit_file_state_from_string(const char *s) {
        for (int i = 0; s && i < _UNIT_FILE_STATE_MAX; i++)
                if (streq(state_table[i], s)) return i;
        return -EINVAL;
}

static const char *const preset_mode_table[_PRESET_MODE_MAX] = {
        [PRESET_FULL] = "full",
        [PRESET_ENABLE_ONLY] = "enable-only",
        [PRESET_DISABLE_ONLY] = "disable-only",
};

const char *preset_mode_to_string(PresetMode m) {
        return (unsigned)m < _PRESET_MODE_MAX ? preset_mode_table[m] : NULL;
}

int preset_mode_from_string(const char *s) {
        for (int i = 0; s && i < _PRESET_MODE_MAX; i++)
                if (streq(preset_mode_table[i], s)) return i;
        return -EINVAL;
}

const char *install_error_name(int type) {
        switch (type) {
        case -EEXIST: return "org.freedesktop.systemd1.UnitExists";
        case -ERFKILL: return "org.freedesktop.systemd1.UnitMasked";
        case -EADDRNOTAVAIL: return "org.freedesktop.systemd1.UnitGenerated";
        case -ETXTBSY: return "org.freedesktop.systemd1.UnitBadPath";
        case -EBADSLT: case -EIDRM: case -EUCLEAN: case -EXDEV: case -EUNATCH:
                return "org.freedesktop.systemd1.BadUnitSetting";
        case -ELOOP: return "org.freedesktop.systemd1.UnitLinked";
        case -ENOENT: return "org.freedesktop.systemd1.NoSuchUnit";
        default: return NULL;
        }
}

char *install_error_message(const InstallChange *c) {
        const char *p = c->path, *s = c->source;
        switch (c->type) {
        case -EEXIST:
                return s ? xasprintf("File %s already exists and is a symlink to %s.", p, s)
                         : xasprintf("File %s already exists.", p);
        case -ERFKILL: return xasprintf("Unit file %s is masked.", p);
        case -EADDRNOTAVAIL: return xasprintf("Unit %s is transient or generated.", p);
        case -ETXTBSY: return xasprintf("File %s is under the systemd unit hierarchy already.", p);
        case -EBADSLT: return xasprintf("Invalid specifier in %s.", p);
        case -EIDRM: return xasprintf("Destination unit %s is a non-template unit.", p);
        case -EUCLEAN: return xasprintf("\"%s\" is not a valid unit name.", p);
        case -ELOOP: return xasprintf("Refusing to operate on alias name or linked unit file: %s", p);
        case -EXDEV:
                return s ? xasprintf("Cannot alias %s as %s.", s, p) : xasprintf("Invalid unit reference %s.", p);
        case -ENOENT: return xasprintf("Unit file %s does not exist.", p);
        case -EUNATCH: return xasprintf("Cannot resolve specifiers in %s.", p);
        default: return xasprintf("File %s: %s", p, strerror(c->type < 0 ? -c->type : c->type));
        }
}

void install_changes_dump(int r, const char *verb, const InstallChanges *c, bool quiet) {
        bool err = false;
        verb = strna(verb);
        for (size_t i = 0; c && i < c->n; i++) {
                const InstallChange *ch = &c->v[i];
                const char *p = ch->path, *s = ch->source;
                switch (ch->type) {
                case INSTALL_CHANGE_SYMLINK:
                        if (!quiet) log_info("Created symlink %s \u2192 %s.", p, s);
                        continue;
                case INSTALL_CHANGE_UNLINK:
                        if (!quiet) log_info("Removed \"%s\".", p);
                        continue;
                case INSTALL_CHANGE_IS_MASKED:
                        if (!quiet) log_info("Unit %s is masked, ignoring.", p);
                        continue;
                case INSTALL_CHANGE_IS_MASKED_GENERATOR:
                        if (!quiet) log_info("Unit %s is masked via a generator and cannot be unmasked.", p);
                        continue;
                case INSTALL_CHANGE_IS_DANGLING:
                        if (!quiet) log_info("Unit %s is an alias to a unit that is not present, ignoring.", p);
                        continue;
                case INSTALL_CHANGE_DESTINATION_NOT_PRESENT:
                        if (!quiet) log_warning("Unit %s is added as a dependency to a non-existent unit %s.", s, p);
                        continue;
                case INSTALL_CHANGE_AUXILIARY_FAILED:
                        if (!quiet) log_warning("Failed to enable auxiliary unit %s, ignoring.", p);
                        continue;
                }
                err = true;
                switch (ch->type) {
                case -EEXIST:
                        if (s)
                                log_error("Failed to %s unit, file \"%s\" already exists and is a symlink to \"%s\".", verb, p, s);
                        else
                                log_error("Failed to %s unit, file \"%s\" already exists.", verb, p);
                        break;
                case -ERFKILL: log_error("Failed to %s unit, unit %s is masked.", verb, p); break;
                case -EADDRNOTAVAIL: log_error("Failed to %s unit, unit %s is transient or generated.", verb, p); break;
                case -ETXTBSY:
                        log_error("Failed to %s unit, file %s is under the systemd unit hierarchy already.", verb, p);
                        break;
                case -EBADSLT: log_error("Failed to %s unit, invalid specifier in \"%s\".", verb, p); break;
                case -EIDRM:
                        log_error("Failed to %s %s, destination unit %s is a non-template unit.", verb, s, p);
                        break;
                case -EUCLEAN: log_error("Failed to %s unit, \"%s\" is not a valid unit name.", verb, p); break;
                case -ELOOP:
                        log_error("Failed to %s unit, refusing to operate on linked unit file %s.", verb, p);
                        break;
                case -EXDEV:
                        if (s)
                                log_error("Failed to %s unit, cannot alias %s as %s.", verb, s, p);
                        else
                                log_error("Failed to %s unit, invalid unit reference \"%s\".", verb, p);
                        break;
                case -ENOENT: log_error("Failed to %s unit, unit %s does not exist.", verb, p); break;
                case -EUNATCH: log_error("Failed to %s unit, cannot resolve specifiers in \"%s\".", verb, p); break;
                default: log_error_errno(ch->type, "Failed to %s unit, file \"%s\": %m", verb, p);
                }
        }
        if (r < 0 && !err) log_error_errno(r, "Failed to %s: %m.", verb);
}

/* ------------------------------------------------------------------ install info and context */

static void info_free(InstallInfo *i) {
        if (!i) return;
        free(i->name);
        free(i->path);
        strv_free(i->aliases);
        strv_free(i->wanted_by);
        strv_free(i->required_by);
        strv_free(i->also);
        free(i->default_instance);
        free(i->symlink_target);
        free(i);
}

static void ctx_done(Ctx *c) {
        for (size_t i = 0; i < c->n; i++) info_free(c->v[i]);
        free(c->v);
        hashmap_free(c->by_name);
        *c = (Ctx){0};
}

static InstallInfo *ctx_find(const Ctx *c, const char *name) {
        return c ? hashmap_get(c->by_name, name) : NULL;
}

static InstallInfo *ctx_next(Ctx *c) {
        while (c->next < c->n && c->v[c->next]->processed) c->next++;
        return c->next < c->n ? c->v[c->next] : NULL;
}

static int info_add(Ctx *c, const char *name, const char *path, bool auxiliary, InstallInfo **ret) {
        if (!name) name = base_name(path);
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        InstallInfo *i = ctx_find(c, name);
        if (i) {
                i->auxiliary = i->auxiliary && auxiliary;
                if (ret) *ret = i;
                return 0;
        }
        if (array_grow((void **)&c->v, c->n, sizeof *c->v) < 0) return -ENOMEM;
        if (!c->by_name && !(c->by_name = hashmap_new())) return -ENOMEM;
        if (!(i = calloc(1, sizeof *i))) return -ENOMEM;
        i->mode = MODE_INVALID;
        i->auxiliary = auxiliary;
        if (!(i->name = strdup(name)) || (path && !(i->path = strdup(path))) || hashmap_put(c->by_name, i->name, i) < 0) {
                info_free(i);
                return -ENOMEM;
        }
        c->v[c->n++] = i;
        if (ret) *ret = i;
        return 1;
}

static int name_printf(const Paths *p, const InstallInfo *i, const char *fmt, char **ret) {
        SpecifierUnit su = { .id = i->name, .fragment_path = i->path, .root = p->root };
        if (!i->default_instance || !unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE) || !strstr(fmt, "%i"))
                return specifier_expand(&su, SPECIFIERS_NAME, fmt, UNIT_NAME_MAX, ret);
        /* In [Install], %i of a template is its DefaultInstance= (which holds no '%'). */
        Buf b = {0};
        int r = 0;
        for (const char *s = fmt; *s && r >= 0; s++) {
                if (s[0] == '%' && s[1] == 'i') {
                        r = buf_puts(&b, i->default_instance);
                        s++;
                } else if (s[0] == '%' && s[1]) {
                        r = buf_put(&b, s, 2);
                        s++;
                } else
                        r = buf_putc(&b, *s);
        }
        _cleanup_free_ char *pre = r >= 0 ? buf_steal(&b) : NULL;
        buf_free(&b);
        if (!pre) return -ENOMEM;
        return specifier_expand(&su, SPECIFIERS_NAME, pre, UNIT_NAME_MAX, ret);
}

static bool type_may_alias(UnitType t) {
        return t == UNIT_SERVICE || t == UNIT_SOCKET || t == UNIT_TARGET || t == UNIT_DEVICE || t == UNIT_TIMER ||
               t == UNIT_PATH;
}

static bool type_may_template(UnitType t) {
        return t == UNIT_SERVICE || t == UNIT_SOCKET || t == UNIT_TARGET || t == UNIT_TIMER || t == UNIT_PATH;
}

typedef struct ParseState {
        const Paths *paths;
        Ctx *ctx;
        InstallInfo *info;
        StrvIndex *lists;   /* the lengths of info's lists while the file is parsed */
} ParseState;

static int parse_strv(const ConfigItem *it, StrvIndex *lists, char ***l, ExtractFlags flags) {
        if (isempty(it->value)) {
                strv_index_reset(lists, l);
                return 0;
        }
        for (const char *p = it->value;;) {
                char *word = NULL;
                int r = extract_first_word(&p, &word, NULL, flags);
                if (r == 0) return 0;
                if (r == -ENOMEM) return r;
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, -r, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if ((r = strv_index_push(lists, l, word)) < 0) return r;
        }
}

static int install_item(const ConfigItem *it, void *userdata) {
        ParseState *s = userdata;
        InstallInfo *i = s->info;
        if (!streq(it->section, "Install")) return 0;
        if (streq(it->key, "Alias")) {
                UnitType t = unit_name_to_type(i->name);
                if (!type_may_alias(t)) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0, "Alias= is not allowed for %s units, ignoring.",
                                   unit_type_to_string(t));
                        return 0;
                }
                return parse_strv(it, s->lists, &i->aliases, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
        }
        if (streq(it->key, "WantedBy")) return parse_strv(it, s->lists, &i->wanted_by, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
        if (streq(it->key, "RequiredBy")) return parse_strv(it, s->lists, &i->required_by, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
        if (streq(it->key, "Also")) {
                for (const char *p = it->value;;) {
                        _cleanup_free_ char *word = NULL, *printed = NULL;
                        int r = extract_first_word(&p, &word, NULL, 0);
                        if (r <= 0) return r;
                        r = name_printf(s->paths, i, word, &printed);
                        if (r < 0)
                                return log_syntax(it->file, it->line, LOG_WARNING, -r,
                                                  "Failed to resolve unit name in Also=\"%s\": %m", word), 0;
                        if (s->ctx && (r = info_add(s->ctx, printed, NULL, true, NULL)) < 0) return r;
                        if ((r = strv_index_push(s->lists, &i->also, TAKE_PTR(printed))) < 0) return r;
                }
        }
        if (streq(it->key, "DefaultInstance")) {
                if (unit_name_is_valid(i->name, UNIT_NAME_INSTANCE)) return 0;
                if (!unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE)) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0,
                                   "DefaultInstance= only makes sense for template units, ignoring.");
                        return 0;
                }
                _cleanup_free_ char *printed = NULL;
                int r = name_printf(s->paths, i, it->value, &printed);
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, -r,
                                   "Failed to resolve instance name in DefaultInstance=\"%s\": %m", it->value);
                        return 0;
                }
                if (isempty(printed)) {
                        free(i->default_instance);
                        i->default_instance = NULL;
                        return 0;
                }
                if (!unit_instance_is_valid(printed)) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Invalid DefaultInstance= value \"%s\".", printed);
                        return 0;
                }
                free(i->default_instance);
                i->default_instance = TAKE_PTR(printed);
                return 0;
        }
        log_syntax(it->file, it->line, LOG_WARNING, 0, "Unknown key '%s' in section [%s], ignoring.", it->key, it->section);
        return 0;
}

static const char *const install_sections[] = {
        "Install", "-Unit", "-Automount", "-Device", "-Mount", "-Path", "-Scope", "-Service",
        "-Slice", "-Socket", "-Swap", "-Target", "-Timer", NULL,
};

static int info_count_rules(const InstallInfo *i) {
        return (int)(strv_length(i->aliases) + strv_length(i->wanted_by) + strv_length(i->required_by));
}

static int unit_file_load(const Paths *p, Ctx *ctx, InstallInfo *info, const char *path, SearchFlags flags) {
        struct stat st;
        _cleanup_close_ int fd = -1;
        if (!(flags & SEARCH_DROPIN)) {
                UnitType type = unit_name_to_type(info->name);
                if (type < 0) return -EINVAL;
                if (unit_name_is_valid(info->name, UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE) && !type_may_template(type))
                        return log_error_errno(EINVAL, "%s: unit type %s cannot be templated, ignoring.", path,
                                               unit_type_to_string(type));
                if (!(flags & SEARCH_LOAD)) {
                        if (lstat(path, &st) < 0) return -errno;
                        if (null_or_empty(&st)) info->mode = MODE_MASKED;
                        else if (S_ISREG(st.st_mode)) info->mode = MODE_REGULAR;
                        else if (S_ISLNK(st.st_mode)) return -ELOOP;
                        else if (S_ISDIR(st.st_mode)) return -EISDIR;
                        else return -ENOTTY;
                        return 0;
                }
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        } else {
                if (!(flags & SEARCH_LOAD)) return 0;
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        }
        if (fd < 0) return -errno;
        if (fstat(fd, &st) < 0) return -errno;
        if (null_or_empty(&st)) {
                if (!(flags & SEARCH_DROPIN)) info->mode = MODE_MASKED;
                return 0;
        }
        if (S_ISDIR(st.st_mode)) return -EISDIR;
        if (!S_ISREG(st.st_mode)) return -EBADFD;
        ParseState s = { .paths = p, .ctx = ctx, .info = info, .lists = strv_index_new() };
        if (!s.lists) return -ENOMEM;
        int r = config_parse_file(path, install_sections, install_item, &s);
        strv_index_free(s.lists);
        if (r < 0) return r;
        if (!(flags & SEARCH_DROPIN)) info->mode = MODE_REGULAR;
        return info_count_rules(info);
}

/* Validate an alias symlink name against its target name (unit_validate_alias_symlink_or_warn()).
 * -EINVAL: bad source; -EXDEV: target does not match; -ELOOP: alias to itself. */
static int validate_alias(int level, const char *filename, const char *target) {
        const char *src = base_name(filename), *dst = base_name(target);
        UnitNameFlags st = unit_name_classify(src);
        if (!st) return log_full_errno(level, EINVAL, "%s: not a valid unit name \"%s\": %s", filename, src, strerror(EINVAL));
        UnitType su = unit_name_to_type(src);
        if (!type_may_alias(su))
                return log_full_errno(level, EINVAL, "%s: symlinks are not allowed for units of this type, rejecting.", filename);
        if (st != UNIT_NAME_PLAIN && !type_may_template(su))
                return log_full_errno(level, EINVAL, "%s: templates not allowed for %s units, rejecting.", filename,
                                      unit_type_to_string(su));
        if (streq(src, dst)) return log_debug_errno(ELOOP, "%s: unit self-alias: %s \u2192 %s, ignoring.", filename, src, dst);
        UnitNameFlags dt = unit_name_classify(dst);
        if (!dt)
                return log_full_errno(level, EXDEV, "%s points to \"%s\" which is not a valid unit name: %s", filename,
                                      dst, strerror(EXDEV));
        if (!(dt == st || (st == UNIT_NAME_INSTANCE && dt == UNIT_NAME_TEMPLATE)))
                return log_full_errno(level, EXDEV, "%s: symlink target name type \"%s\" does not match source, rejecting.",
                                      filename, dst);
        if (dt == UNIT_NAME_INSTANCE) {
                _cleanup_free_ char *si = NULL, *di = NULL;
                if (unit_name_to_instance(src, &si) < 0 || unit_name_to_instance(dst, &di) < 0) return -ENOMEM;
                if (!streq_ptr(si, di))
                        return log_full_errno(level, EXDEV,
                                              "%s: unit symlink target \"%s\" instance name doesn't match, rejecting.",
                                              filename, dst);
        }
        if (unit_name_to_type(dst) != su)
                return log_full_errno(level, EXDEV, "%s: symlink target \"%s\" has incompatible suffix, rejecting.",
                                      filename, dst);
        return 0;
}

/* The destination of the symlink at `path` (root-prefixed, normalised). Returns 1 for a linked
 * unit file (target outside the search path), 0 for an alias, or a negative errno. */
static int resolve_symlink(const Paths *p, const char *path, char **ret) {
        _cleanup_free_ char *t = NULL, *abs = NULL, *simplified = NULL;
        int r = read_link(AT_FDCWD, path, &t);
        if (r < 0) return log_warning_errno(r, "Failed to read symlink %s: %m", path);
        if (t[0] == '/')
                abs = root_join(p->root, t);
        else {
                _cleanup_free_ char *d = dirname_dup(path);
                abs = d ? strjoin(d, "/", t) : NULL;
        }
        if (!abs) return -ENOMEM;
        if ((r = path_normalize(p->root, abs, &simplified)) < 0) return r;
        bool alias = path_under_strv(simplified, p->lp.search_path);
        if (alias) {
                _cleanup_free_ char *dir = dirname_dup(path);
                if (!dir) return -ENOMEM;
                if ((r = validate_alias(LOG_NOTICE, base_name(path), simplified)) < 0) return r;
                bool direct = false;
                STRV_FOREACH(d, p->lp.search_path)
                        if (parent_is(simplified, *d)) direct = true;
                if (!direct)
                        log_warning("Suspicious symlink %s \u2192 %s, treating as alias.", path, simplified);
        }
        *ret = TAKE_PTR(simplified);
        return !alias;
}

static bool target_is_null_or_empty(const Paths *p, const char *target) {
        const char *rp = skip_root(p->root, target);
        if (rp && streq(rp, "/dev/null")) return true;
        if (!p->root && streq(target, "/dev/null")) return true;
        struct stat st;
        if (stat(target, &st) < 0) return false;
        return null_or_empty(&st);
}

static int load_or_readlink(const Paths *p, Ctx *ctx, InstallInfo *info, const char *path, SearchFlags flags) {
        int r = unit_file_load(p, ctx, info, path, flags);
        if (r != -ELOOP || (flags & SEARCH_DROPIN)) return r;
        free(info->symlink_target);
        info->symlink_target = NULL;
        r = resolve_symlink(p, path, &info->symlink_target);
        if (r < 0) return r;
        if (target_is_null_or_empty(p, info->symlink_target)) info->mode = MODE_MASKED;
        else info->mode = r > 0 ? MODE_LINKED : MODE_ALIAS;
        return 0;
}

/* *.conf in NAME.d/ (and TEMPLATE.d/) of every search directory: first directory wins per file
 * name, ordered by file name. */
static int find_dropins(const Paths *p, const char *name, const char *template, char ***ret) {
        _cleanup_strv_free_ char **files = NULL;
        for (int k = 0; k < 2; k++) {
                const char *n = k == 0 ? name : template;
                if (!n) continue;
                STRV_FOREACH(d, p->lp.search_path) {
                        _cleanup_free_ char *dir = strjoin(*d, "/", n, ".d");
                        if (!dir) return -ENOMEM;
                        int r = conf_files_add_dir(NULL, dir, ".conf", &files);
                        if (r == -ENOMEM) return r;
                }
        }
        conf_files_sort(files);
        *ret = TAKE_PTR(files);
        return 0;
}

static int unit_file_search(const Paths *p, Ctx *ctx, InstallInfo *info, SearchFlags flags) {
        if (info->mode != MODE_INVALID) return 0;
        if (info->path) return load_or_readlink(p, ctx, info, info->path, flags);
        _cleanup_free_ char *template = NULL;
        int r, result = 0;
        if (unit_name_is_valid(info->name, UNIT_NAME_INSTANCE) && (r = unit_name_template(info->name, &template)) < 0)
                return r;
        bool found = false;
        for (int k = 0; k < 2 && !found; k++) {
                const char *n = k == 0 ? info->name : template;
                if (!n) continue;
                STRV_FOREACH(d, p->lp.search_path) {
                        _cleanup_free_ char *path = strjoin(*d, "/", n);
                        if (!path) return -ENOMEM;
                        r = load_or_readlink(p, ctx, info, path, flags);
                        if (r >= 0) {
                                info->path = TAKE_PTR(path);
                                result = r;
                                found = true;
                                break;
                        }
                        if (r != -ENOENT && r != -ENOTDIR && r != -EACCES) return r;
                }
        }
        if (!found) return -ENOENT;
        if (info->mode == MODE_MASKED) return result;
        _cleanup_strv_free_ char **files = NULL;
        if ((r = find_dropins(p, info->name, template, &files)) < 0) return r;
        STRV_FOREACH(f, files)
                if ((r = load_or_readlink(p, ctx, info, *f, flags | SEARCH_DROPIN)) < 0)
                        return log_debug_errno(r, "Failed to load conf file \"%s\": %m", *f);
        return result;
}

static int info_follow(const Paths *p, Ctx *ctx, InstallInfo *info, SearchFlags flags, bool ignore_different_name) {
        if ((info->mode != MODE_ALIAS && info->mode != MODE_LINKED) || !info->symlink_target) return -EINVAL;
        if (!ignore_different_name && !streq(base_name(info->symlink_target), info->name)) return -EXDEV;
        free(info->path);
        info->path = TAKE_PTR(info->symlink_target);
        info->mode = MODE_INVALID;
        return load_or_readlink(p, ctx, info, info->path, flags);
}

static int info_traverse(const Paths *p, Ctx *ctx, InstallInfo *start, SearchFlags flags, InstallInfo **ret) {
        int r = unit_file_search(p, ctx, start, flags);
        if (r < 0) return r;
        InstallInfo *i = start;
        unsigned k = 0;
        while (i->mode == MODE_ALIAS || i->mode == MODE_LINKED) {
                if (++k > FOLLOW_MAX) return -ELOOP;
                if (!(flags & SEARCH_FOLLOW_CONFIG_SYMLINKS) && path_is_config(p, i->path)) return -ELOOP;
                r = info_follow(p, ctx, i, flags, i->mode == MODE_LINKED);
                if (r == -EXDEV && i->symlink_target) {
                        _cleanup_free_ char *buffer = NULL;
                        const char *bn = base_name(i->symlink_target);
                        if (unit_name_is_valid(i->name, UNIT_NAME_INSTANCE) && unit_name_is_valid(bn, UNIT_NAME_TEMPLATE)) {
                                _cleanup_free_ char *instance = NULL;
                                if ((r = unit_name_to_instance(i->name, &instance)) < 0) return r;
                                if ((r = unit_name_replace_instance(bn, instance, &buffer)) < 0) return r;
                                if (streq(buffer, i->name)) {
                                        if ((r = info_follow(p, ctx, i, flags, true)) < 0) return r;
                                        continue;
                                }
                                bn = buffer;
                        }
                        if ((r = info_add(ctx, bn, NULL, false, &i)) < 0) return r;
                        r = unit_file_search(p, ctx, i, flags);
                        if (r == -ENOENT) return -ENOLINK;
                }
                if (r < 0) return r;
        }
        if (ret) *ret = i;
        return 0;
}

static int info_add_auto(const Paths *p, Ctx *ctx, const char *name_or_path, InstallInfo **ret) {
        if (name_or_path[0] == '/') {
                _cleanup_free_ char *pp = root_join(p->root, name_or_path);
                if (!pp) return -ENOMEM;
                return info_add(ctx, NULL, pp, false, ret);
        }
        return info_add(ctx, name_or_path, NULL, false, ret);
}

static int info_discover(const Paths *p, Ctx *ctx, const char *name_or_path, SearchFlags flags, InstallInfo **ret,
                         InstallChanges *c) {
        InstallInfo *i = NULL;
        int r = info_add_auto(p, ctx, name_or_path, &i);
        if (r >= 0) r = info_traverse(p, ctx, i, flags, ret);
        if (r < 0) change_add(c, r, name_or_path, NULL);
        return r;
}

static int info_may_process(const Paths *p, const InstallInfo *i, InstallChanges *c) {
        if (i->mode == MODE_MASKED) return change_add(c, -ERFKILL, i->path, NULL);
        if (path_is_generator(p, i->path) || path_is_transient(p, i->path))
                return change_add(c, -EADDRNOTAVAIL, i->path, NULL);
        return 0;
}

static int info_discover_and_check(const Paths *p, Ctx *ctx, const char *name_or_path, SearchFlags flags,
                                   InstallInfo **ret, InstallChanges *c) {
        InstallInfo *i = NULL;
        int r = info_discover(p, ctx, name_or_path, flags, &i, c);
        if (r < 0) return r;
        if (ret) *ret = i;
        return info_may_process(p, i, c);
}

static int unit_file_exists(const Paths *p, const char *name) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        Ctx ctx = {0};
        int r = info_discover(p, &ctx, name, 0, NULL, NULL);
        ctx_done(&ctx);
        if (r == -ENOENT) return 0;
        return r < 0 ? r : 1;
}

/* ------------------------------------------------------------------ creating and removing links */

static bool files_same(const char *a, const char *b) {
        struct stat sa, sb;
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Whether two targets of the symlink `src` are the same as far as enabling goes: the same file,
 * or the same name inside the search path. */
static bool symlinks_equivalent(const Paths *p, const char *src, const char *ta, const char *tb) {
        _cleanup_free_ char *dir = dirname_dup(src), *a = NULL, *b = NULL, *na = NULL, *nb = NULL;
        if (!dir) return false;
        const char *root = p->root ? p->root : "";
        a = ta[0] == '/' ? strjoin(root, ta) : strjoin(dir, "/", ta);
        b = tb[0] == '/' ? strjoin(root, tb) : strjoin(dir, "/", tb);
        if (!a || !b || path_normalize(NULL, a, &na) < 0 || path_normalize(NULL, b, &nb) < 0) return false;
        if (streq(na, nb) || files_same(na, nb)) return true;
        return streq(base_name(na), base_name(nb)) && path_under_strv(na, p->lp.search_path) &&
               path_under_strv(nb, p->lp.search_path);
}

static int symlink_atomic(const char *from, const char *to) {
        _cleanup_free_ char *tmp = xasprintf("%s.#%ld", to, (long)getpid());
        if (!tmp) return -ENOMEM;
        if (symlink(from, tmp) < 0) return -errno;
        if (rename(tmp, to) < 0) {
                int r = -errno;
                (void)unlink(tmp);
                return r;
        }
        return 0;
}

static int create_symlink(const Paths *p, const char *old_path, const char *new_path, bool force, InstallChanges *c) {
        const char *rp = skip_root(p->root, old_path);
        if (rp) old_path = rp;
        (void)mkdir_parents(new_path, 0755);
        if (symlink(old_path, new_path) >= 0) {
                int r = change_add(c, INSTALL_CHANGE_SYMLINK, new_path, old_path);
                return r < 0 ? r : 1;
        }
        if (errno != EEXIST) return change_add(c, -errno, new_path, NULL);
        _cleanup_free_ char *dest = NULL;
        int r = read_link(AT_FDCWD, new_path, &dest);
        if (r < 0) return change_add(c, r == -EINVAL ? -EEXIST : r, new_path, NULL);
        if (symlinks_equivalent(p, new_path, dest, old_path)) return 1;
        if (!force) return change_add(c, -EEXIST, new_path, dest);
        if ((r = symlink_atomic(old_path, new_path)) < 0) return change_add(c, r, new_path, NULL);
        if ((r = change_add(c, INSTALL_CHANGE_UNLINK, new_path, NULL)) < 0) return r;
        if ((r = change_add(c, INSTALL_CHANGE_SYMLINK, new_path, old_path)) < 0) return r;
        return 1;
}

/* The names and paths whose symlinks disable removes: a hash set (owning its keys), so each
 * directory entry is checked in O(1). */
typedef struct NameSet {
        Hashmap *map;
} NameSet;

static void name_set_done(NameSet *s) {
        size_t i = 0;
        const char *k;
        while (s->map && hashmap_iterate(s->map, &i, &k, NULL)) free((char *)k);
        hashmap_free(s->map);
        s->map = NULL;
}

static bool name_set_contains(const NameSet *s, const char *k) {
        return hashmap_get(s->map, k) != NULL;
}

/* Returns 1 if newly added. */
static int mark_for_removal(NameSet *set, const char *s) {
        _cleanup_free_ char *n = strdup(s);
        if (!n) return -ENOMEM;
        path_simplify(n);
        if (name_set_contains(set, n)) return 0;
        if (!set->map && !(set->map = hashmap_new())) return -ENOMEM;
        int r = hashmap_put(set->map, n, n);
        if (r < 0) return r;
        TAKE_PTR(n);
        return 1;
}

static void rmdir_parents(const char *path, const char *stop) {
        _cleanup_free_ char *p = strdup(path);
        if (!p) return;
        for (char *s; (s = strrchr(p, '/')) && s > p;) {
                *s = 0;
                if (!path_under(p, stop) || streq(p, stop)) return;
                if (rmdir(p) < 0) return;
        }
}

static int remove_marked_in(NameSet *set, const char *path, const char *config_path, const Paths *p, bool dry_run,
                            bool *restart, InstallChanges *c) {
        DIR *d = opendir(path);
        if (!d) return errno == ENOENT ? 0 : -errno;
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (streq(de->d_name, ".") || streq(de->d_name, "..")) continue;
                unsigned char t = dirent_type(d, de);
                if (t == DT_DIR) {
                        _cleanup_free_ char *sub = strjoin(path, "/", de->d_name);
                        if (!sub) { r = -ENOMEM; break; }
                        int q = remove_marked_in(set, sub, config_path, p, dry_run, restart, c);
                        if (q == -ENOMEM) { r = q; break; }
                        if (q < 0 && r == 0) r = q;
                        continue;
                }
                if (t != DT_LNK || !unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) continue;
                _cleanup_free_ char *lp = strjoin(path, "/", de->d_name);
                if (!lp) { r = -ENOMEM; break; }
                path_simplify(lp);
                bool found = name_set_contains(set, de->d_name);
                if (!found && unit_name_is_valid(de->d_name, UNIT_NAME_INSTANCE)) {
                        _cleanup_free_ char *tmpl = NULL;
                        if (unit_name_template(de->d_name, &tmpl) < 0) { r = -ENOMEM; break; }
                        found = name_set_contains(set, tmpl);
                }
                if (!found) {
                        _cleanup_free_ char *dest = NULL;
                        int q = chase(p, lp, &dest);
                        if (q == -ENOMEM) { r = q; break; }
                        if (q < 0) {
                                change_add(c, q, lp, NULL);
                                if (r == 0) r = q;
                                continue;
                        }
                        found = name_set_contains(set, dest) || name_set_contains(set, base_name(dest));
                }
                if (!found) continue;
                if (!dry_run) {
                        if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
                                if (r == 0) r = -errno;
                                change_add(c, -errno, lp, NULL);
                                continue;
                        }
                        rmdir_parents(lp, config_path);
                }
                int q = change_add(c, INSTALL_CHANGE_UNLINK, lp, NULL);
                if (q < 0) { r = q; break; }
                const char *rp = skip_root(p->root, lp);
                q = mark_for_removal(set, rp ? rp : lp);
                if (q < 0) { r = q; break; }
                if (q > 0 && !dry_run) *restart = true;
        }
        closedir(d);
        return r;
}

static int remove_marked(NameSet *set, const char *config_path, const Paths *p, bool dry_run, InstallChanges *c) {
        if (hashmap_size(set->map) == 0) return 0;
        struct stat st;
        if (stat(config_path, &st) < 0) return errno == ENOENT ? 0 : -errno;
        int r = 0;
        bool restart;
        do {
                restart = false;
                int q = remove_marked_in(set, config_path, config_path, p, dry_run, &restart, c);
                if (q == -ENOMEM) return q;
                if (r == 0) r = q;
        } while (restart);
        return r;
}

/* Is dst a valid Alias= (or legacy "x.wants/y" link) for the unit? *ret_dst set when the instance
 * was propagated into the name. */
static int verify_alias(const InstallInfo *i, const char *dst, char **ret_dst, InstallChanges *c) {
        _cleanup_free_ char *updated = NULL;
        int r;
        const char *slash = strrchr(dst, '/');
        *ret_dst = NULL;
        if (slash) {
                _cleanup_free_ char *dir = strndup(dst, slash - dst);
                if (!dir) return -ENOMEM;
                char *e = (char *)endswith(dir, ".wants");
                if (!e) e = (char *)endswith(dir, ".requires");
                if (!e) {
                        change_add(c, -EXDEV, dst, NULL);
                        return -EXDEV;
                }
                *e = 0;
                UnitNameFlags t = unit_name_classify(dir);
                if (!t) {
                        change_add(c, -EXDEV, dst, NULL);
                        return -EXDEV;
                }
                const char *link = slash + 1;
                UnitNameFlags lt = unit_name_classify(link), it = unit_name_classify(i->name);
                bool ok = streq(link, i->name) && (lt & (UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE));
                if (!ok && (lt == UNIT_NAME_INSTANCE || lt == UNIT_NAME_TEMPLATE)) {
                        _cleanup_free_ char *tmpl = NULL;
                        if ((r = unit_name_template(link, &tmpl)) < 0) return r;
                        ok = (lt == UNIT_NAME_INSTANCE && it == UNIT_NAME_TEMPLATE && streq(tmpl, i->name)) ||
                             (t == UNIT_NAME_TEMPLATE && lt == UNIT_NAME_TEMPLATE && it == UNIT_NAME_TEMPLATE &&
                              streq(tmpl, i->name));
                }
                if (!ok) {
                        change_add(c, -EXDEV, dst, i->name);
                        return -EXDEV;
                }
        } else {
                if (unit_name_is_valid(dst, UNIT_NAME_TEMPLATE) && unit_name_is_valid(i->name, UNIT_NAME_INSTANCE)) {
                        _cleanup_free_ char *inst = NULL;
                        if ((r = unit_name_to_instance(i->name, &inst)) < 0) return r;
                        if ((r = unit_name_replace_instance(dst, inst, &updated)) < 0)
                                return log_error_errno(r, "Failed to build unit name from %s+%s: %m", dst, inst);
                }
                r = validate_alias(LOG_DEBUG, updated ? updated : dst, i->name);
                if (r == -ELOOP) return r;
                if (r < 0) return change_add(c, r == -EINVAL ? -EXDEV : r, updated ? updated : dst, i->name);
        }
        *ret_dst = TAKE_PTR(updated);
        return 0;
}

static int symlink_aliases(const Paths *p, InstallInfo *i, const char *config_path, bool force, InstallChanges *c) {
        int r = 0;
        STRV_FOREACH(s, i->aliases) {
                _cleanup_free_ char *dst = NULL, *updated = NULL, *alias_path = NULL;
                int q = name_printf(p, i, *s, &dst);
                if (q < 0) {
                        change_add(c, q, *s, NULL);
                        r = r < 0 ? r : q;
                        continue;
                }
                q = verify_alias(i, dst, &updated, c);
                if (q == -ELOOP) continue;
                if (q < 0) {
                        r = r < 0 ? r : q;
                        continue;
                }
                if (!(alias_path = strjoin(config_path, "/", updated ? updated : dst))) return -ENOMEM;
                q = create_symlink(p, i->path, alias_path, force, c);
                r = r < 0 ? r : q;
        }
        return r;
}

static int symlink_wants(const Paths *p, InstallFlags flags, InstallInfo *i, const char *config_path, char **list,
                         const char *suffix, InstallChanges *c) {
        if (strv_length(list) == 0) return 0;
        UnitNameFlags valid = UNIT_NAME_ANY;
        _cleanup_free_ char *inst_name = NULL;
        const char *n;
        int r;
        if (unit_name_is_valid(i->name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                n = i->name;
        else if (i->default_instance) {
                if ((r = unit_name_replace_instance(i->name, i->default_instance, &inst_name)) < 0) return r;
                InstallInfo inst = { .name = inst_name, .mode = MODE_INVALID };
                r = unit_file_search(p, NULL, &inst, SEARCH_FOLLOW_CONFIG_SYMLINKS);
                if (r >= 0 && inst.mode == MODE_MASKED) r = change_add(c, -ERFKILL, inst.path, NULL);
                free(inst.path);
                free(inst.symlink_target);
                if (r < 0) return r;
                n = inst_name;
        } else {
                valid = UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE;
                n = i->name;
        }
        r = 0;
        STRV_FOREACH(s, list) {
                _cleanup_free_ char *dst = NULL, *path = NULL;
                int q = name_printf(p, i, *s, &dst);
                if (q < 0) {
                        change_add(c, q, *s, NULL);
                        if (r >= 0) r = q;
                        continue;
                }
                if (!unit_name_is_valid(dst, valid)) {
                        if (flags & INSTALL_IGNORE_AUXILIARY_FAILURE) continue;
                        if (unit_name_is_valid(dst, UNIT_NAME_ANY)) q = change_add(c, -EIDRM, dst, n);
                        else q = change_add(c, -EUCLEAN, dst, NULL);
                        if (r >= 0) r = q;
                        continue;
                }
                if (!(path = strjoin(config_path, "/", dst, suffix, n))) return -ENOMEM;
                q = create_symlink(p, i->path, path, true, c);
                if ((q < 0 && r >= 0) || r == 0) r = q;
                if (unit_file_exists(p, dst) == 0 &&
                    (q = change_add(c, INSTALL_CHANGE_DESTINATION_NOT_PRESENT, dst, i->path)) < 0)
                        return q;
        }
        return r;
}

static bool in_search_path(const Paths *p, const char *path) {
        _cleanup_free_ char *d = dirname_dup(path);
        return d && strv_contains(p->lp.search_path, d);
}

static int info_apply(const Paths *p, InstallFlags flags, InstallInfo *i, const char *config_path, InstallChanges *c) {
        if (i->mode != MODE_REGULAR) return 0;
        bool force = flags & INSTALL_FORCE;
        int r = 0, q;
        if (!in_search_path(p, i->path)) {
                _cleanup_free_ char *path = strjoin(config_path, "/", i->name);
                if (!path) return -ENOMEM;
                if ((r = create_symlink(p, i->path, path, force, c)) < 0) return r;
        }
        r = symlink_aliases(p, i, config_path, force, c);
        q = symlink_wants(p, flags, i, config_path, i->wanted_by, ".wants/", c);
        if (r == 0) r = q;
        q = symlink_wants(p, flags, i, config_path, i->required_by, ".requires/", c);
        if (r == 0) r = q;
        return r;
}

static int ctx_apply(const Paths *p, Ctx *ctx, InstallFlags flags, const char *config_path, SearchFlags sflags,
                     InstallChanges *c) {
        int r = 0;
        for (InstallInfo *i; (i = ctx_next(ctx));) {
                i->processed = true;
                int q = info_traverse(p, ctx, i, sflags, NULL);
                if (q < 0) {
                        if (i->auxiliary) {
                                if ((q = change_add(c, INSTALL_CHANGE_AUXILIARY_FAILED, i->name, NULL)) < 0) return q;
                                continue;
                        }
                        return change_add(c, q, i->name, NULL);
                }
                if (i->mode == MODE_MASKED) {
                        if ((q = change_add(c, INSTALL_CHANGE_IS_MASKED, i->path, NULL)) < 0) return q;
                        if (r >= 0) r += 1;
                        continue;
                }
                if (i->mode != MODE_REGULAR) continue;
                q = info_apply(p, flags, i, config_path, c);
                if (r >= 0) r = q < 0 ? q : r + q;
        }
        return r;
}

static int ctx_mark_for_removal(const Paths *p, Ctx *ctx, NameSet *set, InstallChanges *c) {
        for (InstallInfo *i; (i = ctx_next(ctx));) {
                i->processed = true;
                int r = info_traverse(p, ctx, i, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, NULL);
                if (r == -ENOLINK) {
                        if ((r = change_add(c, INSTALL_CHANGE_IS_DANGLING, i->path ? i->path : i->name, NULL)) < 0)
                                return r;
                } else if (r == -ENOENT) {
                        if (!i->auxiliary) {
                                r = change_add(c, r, i->path ? i->path : i->name, NULL);
                                if (r != -ENOENT) return r;
                        }
                } else if (r < 0) {
                        change_add(c, r, i->path ? i->path : i->name, NULL);
                } else if (i->mode == MODE_MASKED) {
                        change_add(c, INSTALL_CHANGE_IS_MASKED, i->path ? i->path : i->name, NULL);
                        continue;
                } else if (i->mode != MODE_REGULAR)
                        continue;
                if ((r = mark_for_removal(set, i->name)) < 0) return r;
        }
        return 0;
}

/* ------------------------------------------------------------------ unit file state */

static bool known_name(const InstallInfo *i, const char *name) {
        if (streq(name, i->name) || strv_contains(i->aliases, name)) return true;
        if (i->default_instance && unit_name_is_valid(i->name, UNIT_NAME_TEMPLATE)) {
                _cleanup_free_ char *s = NULL;
                if (unit_name_replace_instance(i->name, i->default_instance, &s) >= 0 && streq(name, s)) return true;
        }
        return false;
}

static int find_links_in_dir(DIR *d, const InstallInfo *i, bool ignore_destination,
                             bool match_name, bool ignore_same_name, bool *same_name_link) {
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (dirent_type(d, de) != DT_LNK) continue;
                bool found_path = false, found_dest = false;
                if (!ignore_destination) {
                        _cleanup_free_ char *dest = NULL;
                        int q = read_link(dirfd(d), de->d_name, &dest);
                        if (q == -ENOENT) continue;
                        if (q < 0) {
                                if (r == 0) r = q;
                                continue;
                        }
                        found_dest = streq(base_name(dest), i->name);
                }
                if (ignore_destination || !ignore_same_name) found_path = streq(de->d_name, i->name);
                if (!found_path && ignore_destination && unit_name_is_valid(de->d_name, UNIT_NAME_INSTANCE)) {
                        _cleanup_free_ char *tmpl = NULL;
                        if (unit_name_template(de->d_name, &tmpl) < 0) return -ENOMEM;
                        found_dest = streq(tmpl, i->name);
                }
                /* A link of the unit's own name in the directory itself: a linked unit file. */
                if (found_path && found_dest && !ignore_destination)
                        *same_name_link = true;
                else if (found_path || found_dest) {
                        if (!match_name || known_name(i, de->d_name)) return 1;
                }
        }
        return r;
}

static int find_links(const InstallInfo *i, bool match_name, bool ignore_same_name, const char *config_path,
                      bool *same_name_link) {
        DIR *cd = opendir(config_path);
        if (!cd) return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -errno;
        int r = 0;
        for (struct dirent *de; (de = readdir(cd));) {
                if (dirent_type(cd, de) != DT_DIR) continue;
                const char *suffix = strrchr(de->d_name, '.');
                if (!suffix || (!streq(suffix, ".wants") && !streq(suffix, ".requires"))) continue;
                _cleanup_free_ char *path = strjoin(config_path, "/", de->d_name);
                if (!path) { closedir(cd); return -ENOMEM; }
                DIR *d = opendir(path);
                if (!d) {
                        log_error_errno(errno, "Failed to open directory \"%s\" while scanning for symlinks, ignoring: %m", path);
                        continue;
                }
                r = find_links_in_dir(d, i, true, match_name, ignore_same_name, same_name_link);
                closedir(d);
                if (r > 0) { closedir(cd); return 1; }
        }
        rewinddir(cd);
        r = find_links_in_dir(cd, i, false, match_name, ignore_same_name, same_name_link);
        closedir(cd);
        return r;
}

static int find_links_in_scope(const Paths *p, const InstallInfo *i, bool match_name, UnitFileState *state) {
        bool same_runtime = false, same_config = false, enabled_runtime = false, enabled_at_all = false,
             ignore_same_name = false;
        STRV_FOREACH(d, p->lp.search_path) {
                bool same = false;
                int r = find_links(i, match_name, ignore_same_name, *d, &same);
                if (r < 0) return r;
                if (r > 0) {
                        if (path_equal_ptr(*d, p->persistent_config)) {
                                *state = UNIT_FILE_STATE_ENABLED;
                                return 1;
                        }
                        if (dir_is_runtime(p, *d)) enabled_runtime = true;
                        else enabled_at_all = true;
                } else if (same) {
                        if (path_equal_ptr(*d, p->persistent_config)) same_config = true;
                        else if (dir_is_runtime(p, *d)) same_runtime = true;
                }
                if (!ignore_same_name && path_under(i->path, *d)) ignore_same_name = true;
        }
        if (enabled_runtime) *state = UNIT_FILE_STATE_ENABLED_RUNTIME;
        else if (enabled_at_all && unit_name_is_valid(i->name, UNIT_NAME_INSTANCE)) *state = UNIT_FILE_STATE_STATIC;
        else if (same_config) *state = UNIT_FILE_STATE_LINKED;
        else if (same_runtime) *state = UNIT_FILE_STATE_LINKED_RUNTIME;
        else return 0;
        return 1;
}

static int lookup_state(const Paths *p, const char *name, UnitFileState *ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        Ctx ctx = {0};
        InstallInfo *i = NULL;
        int r = info_discover(p, &ctx, name, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, &i, NULL);
        if (r < 0) goto out;
        if (i->mode == MODE_MASKED) {
                *ret = path_is_runtime(p, i->path) ? UNIT_FILE_STATE_MASKED_RUNTIME : UNIT_FILE_STATE_MASKED;
                goto out;
        }
        if (!streq(name, base_name(i->path)) && !unit_name_is_valid(i->name, UNIT_NAME_INSTANCE))
                *ret = UNIT_FILE_STATE_ALIAS;
        else if (path_is_generator(p, i->path))
                *ret = UNIT_FILE_STATE_GENERATED;
        else if (path_is_transient(p, i->path))
                *ret = UNIT_FILE_STATE_TRANSIENT;
        else if ((r = find_links_in_scope(p, i, true, ret)) != 0) {
                /* enabled, linked, ...; or an error */
        } else if ((r = find_links_in_scope(p, i, false, ret)) != 0) {
                if (r > 0) *ret = UNIT_FILE_STATE_INDIRECT;
        } else if (info_count_rules(i) > 0)
                *ret = UNIT_FILE_STATE_DISABLED;
        else
                *ret = strv_length(i->also) > 0 ? UNIT_FILE_STATE_INDIRECT : UNIT_FILE_STATE_STATIC;
        if (r > 0) r = 0;
out:
        ctx_done(&ctx);
        return r;
}

int install_get_state(const char *root, const char *name, UnitFileState *ret) {
        Paths p;
        int r = paths_init(&p, root);
        if (r >= 0) r = lookup_state(&p, name, ret);
        paths_done(&p);
        return r;
}

/* ------------------------------------------------------------------ the operations */

static const char *config_path_for(const Paths *p, InstallFlags flags) {
        return flags & INSTALL_RUNTIME ? p->runtime_config : p->persistent_config;
}

static int do_enable(const Paths *p, InstallFlags flags, char *const *names, InstallChanges *c) {
        Ctx ctx = {0};
        int r = 0;
        STRV_FOREACH(n, names) {
                InstallInfo *i = NULL;
                if ((r = info_discover_and_check(p, &ctx, *n, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, &i, c)) < 0)
                        goto out;
        }
        r = ctx_apply(p, &ctx, flags, config_path_for(p, flags), SEARCH_LOAD, c);
out:
        ctx_done(&ctx);
        return r;
}

static int do_disable(const Paths *p, InstallFlags flags, char *const *names, InstallChanges *c) {
        Ctx ctx = {0};
        _cleanup_(name_set_done) NameSet set = {};
        int r = 0;
        STRV_FOREACH(n, names) {
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) {
                        r = change_add(c, -EUCLEAN, *n, NULL);
                        goto out;
                }
                if ((r = info_add(&ctx, *n, NULL, false, NULL)) < 0) goto out;
        }
        if ((r = ctx_mark_for_removal(p, &ctx, &set, c)) < 0) goto out;
        r = remove_marked(&set, config_path_for(p, flags), p, flags & INSTALL_DRY_RUN, c);
out:
        ctx_done(&ctx);
        return r;
}

#define WITH_PATHS(root, expr)                          \
        ({                                              \
                Paths _p;                               \
                int _r = paths_init(&_p, (root));       \
                if (_r >= 0) {                          \
                        const Paths *p = &_p;           \
                        _r = (expr);                    \
                }                                       \
                paths_done(&_p);                        \
                _r;                                     \
        })

int install_enable(const char *root, InstallFlags flags, char *const *names, InstallChanges *c) {
        return WITH_PATHS(root, do_enable(p, flags, names, c));
}

int install_disable(const char *root, InstallFlags flags, char *const *names, InstallChanges *c) {
        return WITH_PATHS(root, do_disable(p, flags, names, c));
}

/* 252's unit_file_add_dependency(): the files are found (not loaded: their own [Install] rules are
 * not applied) and each gets the one rule "WantedBy=TARGET" (or RequiredBy=), so only that symlink
 * is made, plus the link to a file outside the search path. */
static int do_add_dependency(const Paths *p, InstallFlags flags, char *const *names, const char *target, bool requires,
                             InstallChanges *c) {
        if (!unit_name_is_valid(target, UNIT_NAME_ANY)) return change_add(c, -EUCLEAN, target, NULL);
        Ctx ctx = {0};
        InstallInfo *t = NULL;
        int r = info_discover_and_check(p, &ctx, target, SEARCH_FOLLOW_CONFIG_SYMLINKS, &t, c);
        STRV_FOREACH(n, names) {
                InstallInfo *i = NULL;
                if (r < 0 || (r = info_discover_and_check(p, &ctx, *n, SEARCH_FOLLOW_CONFIG_SYMLINKS, &i, c)) < 0) break;
                char ***rule = requires ? &i->required_by : &i->wanted_by;
                strv_free(*rule);
                *rule = NULL;
                r = strv_extend(rule, t->name);
        }
        if (r >= 0) r = ctx_apply(p, &ctx, flags, config_path_for(p, flags), SEARCH_FOLLOW_CONFIG_SYMLINKS, c);
        ctx_done(&ctx);
        return r;
}

int install_add_dependency(const char *root, InstallFlags flags, char *const *names, const char *target, bool requires,
                           InstallChanges *c) {
        return WITH_PATHS(root, do_add_dependency(p, flags, names, target, requires, c));
}

int install_get_links(const char *root, bool runtime, const char *name, char ***ret) {
        InstallChanges c = {0};
        char *const names[] = { (char *)name, NULL };
        _cleanup_(strv_builder_done) StrvBuilder l = {0};
        int r = install_disable(root, INSTALL_DRY_RUN | (runtime ? INSTALL_RUNTIME : 0), names, &c);
        for (size_t i = 0; r >= 0 && i < c.n; i++)
                if (c.v[i].type == INSTALL_CHANGE_UNLINK) r = strv_builder_extend(&l, c.v[i].path);
        install_changes_done(&c);
        if (r < 0) return r;
        return (*ret = strv_builder_steal(&l)) ? 0 : -ENOMEM;
}

/* For reenable: the name of each argument, and the file to enable (the path where a unit name
 * is found, so linked unit files are re-linked). */
static int normalize_linked(const Paths *p, char *const *args, char ***ret_names, char ***ret_files) {
        _cleanup_strv_free_ char **names = NULL, **files = NULL;
        int r;
        STRV_FOREACH(a, args) {
                Ctx ctx = {0};
                InstallInfo *i = NULL;
                const char *n = base_name(*a);
                if (!*n) return -EISDIR;
                if (!strchr(*a, '/') && info_discover(p, &ctx, n, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, &i, NULL) < 0)
                        i = NULL;
                const char *f = NULL;
                if (i && i->path && p->root) f = startswith(i->path, p->root);
                r = strv_extend(&names, n);
                if (r >= 0) r = strv_extend(&files, f ? f : *a);
                ctx_done(&ctx);
                if (r < 0) return r;
        }
        *ret_names = TAKE_PTR(names);
        *ret_files = TAKE_PTR(files);
        return 0;
}

static int do_reenable(const Paths *p, InstallFlags flags, char *const *args, InstallChanges *c) {
        _cleanup_strv_free_ char **names = NULL, **files = NULL;
        int r = normalize_linked(p, args, &names, &files);
        if (r < 0) return r;
        if ((r = do_disable(p, flags, names, c)) < 0) return r;
        return do_enable(p, flags, files, c);
}

int install_reenable(const char *root, InstallFlags flags, char *const *names, InstallChanges *c) {
        return WITH_PATHS(root, do_reenable(p, flags, names, c));
}

static int do_mask(const Paths *p, InstallFlags flags, char *const *names, InstallChanges *c) {
        int r = 0;
        STRV_FOREACH(n, names) {
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) {
                        if (r == 0) r = -EINVAL;
                        continue;
                }
                _cleanup_free_ char *path = strjoin(config_path_for(p, flags), "/", *n);
                if (!path) return -ENOMEM;
                int q = create_symlink(p, "/dev/null", path, flags & INSTALL_FORCE, c);
                if (q < 0 && r >= 0) r = q;
        }
        return r;
}

int install_mask(const char *root, InstallFlags flags, char *const *names, InstallChanges *c) {
        return WITH_PATHS(root, do_mask(p, flags, names, c));
}

static int path_null_or_empty(const char *path) {
        struct stat st;
        if (lstat(path, &st) < 0) return -errno;
        if (S_ISLNK(st.st_mode)) {
                _cleanup_free_ char *t = NULL;
                int r = read_link(AT_FDCWD, path, &t);
                if (r < 0) return r;
                if (streq(t, "/dev/null")) return 1;
                if (stat(path, &st) < 0) return -errno;
        }
        return null_or_empty(&st);
}

static int do_unmask(const Paths *p, InstallFlags flags, char *const *names, InstallChanges *c) {
        const char *config_path = config_path_for(p, flags);
        bool dry_run = flags & INSTALL_DRY_RUN;
        _cleanup_strv_free_ char **todo = NULL;
        _cleanup_(name_set_done) NameSet set = {};
        _cleanup_(strv_index_freep) StrvIndex *todo_index = strv_index_new();   /* NULL: scans */
        int r;
        STRV_FOREACH(n, names) {
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) return -EINVAL;
                if (!p->root) {
                        InstallInfo info = { .name = *n, .mode = MODE_INVALID };
                        r = unit_file_search(p, NULL, &info, 0);
                        if (r >= 0 && info.mode == MODE_MASKED && path_is_generator(p, info.path))
                                r = change_add(c, INSTALL_CHANGE_IS_MASKED_GENERATOR, info.name, info.path);
                        free(info.path);
                        free(info.symlink_target);
                        if (r == -ENOMEM) return r;
                }
                _cleanup_free_ char *path = strjoin(config_path, "/", *n);
                if (!path) return -ENOMEM;
                r = path_null_or_empty(path);
                if (r == -ENOENT || r == 0) continue;
                if (r < 0) return r;
                if ((r = strv_index_push_unique(todo_index, &todo, strdup(*n))) < 0) return r;
        }
        r = 0;
        STRV_FOREACH(n, todo) {
                _cleanup_free_ char *path = strjoin(config_path, "/", *n);
                if (!path) return -ENOMEM;
                if (!dry_run && unlink(path) < 0) {
                        if (errno != ENOENT) {
                                if (r >= 0) r = -errno;
                                change_add(c, -errno, path, NULL);
                        }
                        continue;
                }
                int q = change_add(c, INSTALL_CHANGE_UNLINK, path, NULL);
                if (q < 0) return q;
                const char *rp = skip_root(p->root, path);
                if ((q = mark_for_removal(&set, rp ? rp : path)) < 0) return q;
        }
        int q = remove_marked(&set, config_path, p, dry_run, c);
        return r >= 0 ? q : r;
}

int install_unmask(const char *root, InstallFlags flags, char *const *names, InstallChanges *c) {
        return WITH_PATHS(root, do_unmask(p, flags, names, c));
}

/* ---- revert ---- */

/* 252's path_is_vendor_or_generator(): a generator's, or below /usr (or /lib: Debian's split-usr
 * layout). */
static bool path_is_vendor_or_generator(const Paths *p, const char *path) {
        if (path_is_generator(p, path)) return true;
        const char *rp = skip_root(p->root, path);
        return rp && (path_under(rp, "/usr") || path_under(rp, "/lib"));
}

/* Drop-in directories revert removes: the administrator's, transient ones and set-property's. */
static bool dropin_shall_revert(const Paths *p, const char *dir) {
        return path_is_config(p, dir) || path_is_transient(p, dir) || parent_is(dir, p->persistent_control) ||
               parent_is(dir, p->runtime_control);
}

/* What revert removes for NAME, appended to TODO: its drop-in directories, and when a vendor
 * version exists, the administrator's copies (files, links, masks). */
static int revert_collect(const Paths *p, const char *name, char ***todo) {
        bool has_vendor = false;
        STRV_FOREACH(d, p->lp.search_path) {
                _cleanup_free_ char *path = strjoin(*d, "/", name);
                _cleanup_free_ char *dropin = path ? strjoin(path, ".d") : NULL;
                if (!dropin) return -ENOMEM;
                struct stat st;
                if (lstat(path, &st) < 0) {
                        if (errno != ENOENT) return -errno;
                } else if (S_ISREG(st.st_mode) && path_is_vendor_or_generator(p, path))
                        has_vendor = true;
                if (lstat(dropin, &st) < 0) {
                        if (errno != ENOENT) return -errno;
                } else if (S_ISDIR(st.st_mode) && dropin_shall_revert(p, dropin) &&
                           strv_consume_unique(todo, TAKE_PTR(dropin)) < 0)
                        return -ENOMEM;
        }
        if (!has_vendor) return 0;
        STRV_FOREACH(d, p->lp.search_path) {
                _cleanup_free_ char *path = strjoin(*d, "/", name);
                if (!path) return -ENOMEM;
                struct stat st;
                if (lstat(path, &st) < 0) {
                        if (errno != ENOENT) return -errno;
                } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && path_is_config(p, path) &&
                           strv_consume_unique(todo, TAKE_PTR(path)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Removes PATH (a file, a link, or a drop-in directory with its files), recording each removal. */
static int revert_remove(const char *path, InstallChanges *c) {
        struct stat st;
        if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode)) {
                _cleanup_strv_free_ char **files = NULL;
                DIR *d = opendir(path);
                if (!d) return -errno;
                for (struct dirent *de; (de = readdir(d));)
                        if (!streq(de->d_name, ".") && !streq(de->d_name, "..") && strv_extend(&files, de->d_name) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                closedir(d);
                strv_sort(files);
                STRV_FOREACH(f, files) {
                        _cleanup_free_ char *fp = strjoin(path, "/", *f);
                        if (!fp) return -ENOMEM;
                        if (unlink(fp) < 0 && errno != ENOENT) return change_add(c, -errno, fp, NULL);
                        if (change_add(c, INSTALL_CHANGE_UNLINK, fp, NULL) < 0) return -ENOMEM;
                }
                if (rmdir(path) < 0 && errno != ENOENT) return change_add(c, -errno, path, NULL);
        } else if (unlink(path) < 0 && errno != ENOENT)
                return change_add(c, -errno, path, NULL);
        return change_add(c, INSTALL_CHANGE_UNLINK, path, NULL) < 0 ? -ENOMEM : 0;
}

/* 252's unit_file_revert(): back to the vendor state (see install.h). */
static int do_revert(const Paths *p, char *const *names, InstallChanges *c) {
        _cleanup_strv_free_ char **todo = strv_new_empty();
        _cleanup_(name_set_done) NameSet set = {};
        if (!todo) return -ENOMEM;
        STRV_FOREACH(n, names) {
                if (!unit_name_is_valid(*n, UNIT_NAME_ANY)) return -EINVAL;
                int r = revert_collect(p, *n, &todo);
                if (r < 0) return r;
        }
        int r = 0;
        STRV_FOREACH(t, todo) {
                int q = revert_remove(*t, c);
                if (q == -ENOMEM) return q;
                if (q < 0) {
                        if (r == 0) r = q;
                        continue;
                }
                /* links found by following them (chase()) name their target with the root */
                const char *rp = skip_root(p->root, *t);
                if ((q = mark_for_removal(&set, rp ? rp : *t)) < 0 || (q = mark_for_removal(&set, *t)) < 0) return q;
        }
        int q = remove_marked(&set, p->runtime_config, p, false, c);
        if (r == 0) r = q;
        q = remove_marked(&set, p->persistent_config, p, false, c);
        return r == 0 ? q : r;
}

int install_revert(const char *root, char *const *names, InstallChanges *c) {
        return WITH_PATHS(root, do_revert(p, names, c));
}

static int do_link(const Paths *p, InstallFlags flags, char *const *files, InstallChanges *c) {
        _cleanup_strv_free_ char **todo = NULL;
        _cleanup_(strv_index_freep) StrvIndex *todo_index = strv_index_new();   /* NULL: scans */
        int r;
        STRV_FOREACH(f, files) {
                if ((*f)[0] != '/') return change_add(c, -EINVAL, *f, NULL);
                if (!unit_name_is_valid(base_name(*f), UNIT_NAME_ANY)) return change_add(c, -EUCLEAN, *f, NULL);
                _cleanup_free_ char *full = root_join(p->root, *f);
                if (!full) return -ENOMEM;
                struct stat st;
                if (lstat(full, &st) < 0) return change_add(c, -errno, *f, NULL);
                if (S_ISDIR(st.st_mode)) return change_add(c, -EISDIR, *f, NULL);
                if (S_ISLNK(st.st_mode)) return change_add(c, -ELOOP, *f, NULL);
                if (!S_ISREG(st.st_mode)) return change_add(c, -EBADFD, *f, NULL);
                /* as 252: the unprefixed path is compared with the (prefixed) search path */
                if (in_search_path(p, *f)) continue;
                if (path_under_strv(*f, p->lp.search_path)) return change_add(c, -ETXTBSY, *f, NULL);
                if ((r = strv_index_push_unique(todo_index, &todo, strdup(*f))) < 0) return r;
        }
        r = 0;
        STRV_FOREACH(f, todo) {
                _cleanup_free_ char *np = strjoin(config_path_for(p, flags), "/", base_name(*f));
                if (!np) return -ENOMEM;
                int q = create_symlink(p, *f, np, flags & INSTALL_FORCE, c);
                if (q < 0 && r >= 0) r = q;
        }
        return r;
}

int install_link(const char *root, InstallFlags flags, char *const *paths, InstallChanges *c) {
        return WITH_PATHS(root, do_link(p, flags, paths, c));
}

static int do_set_default(const Paths *p, InstallFlags flags, const char *name, InstallChanges *c) {
        if (unit_name_to_type(name) != UNIT_TARGET || !unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        if (streq(name, "default.target")) return -EINVAL;
        Ctx ctx = {0};
        InstallInfo *i = NULL;
        int r = info_discover_and_check(p, &ctx, name, 0, &i, c);
        if (r >= 0) {
                _cleanup_free_ char *np = strjoin(p->persistent_config, "/default.target");
                r = np ? create_symlink(p, i->path, np, flags & INSTALL_FORCE, c) : -ENOMEM;
        }
        ctx_done(&ctx);
        return r;
}

int install_set_default(const char *root, InstallFlags flags, const char *name, InstallChanges *c) {
        return WITH_PATHS(root, do_set_default(p, flags, name, c));
}

static int do_get_default(const Paths *p, char **ret) {
        Ctx ctx = {0};
        InstallInfo *i = NULL;
        int r = info_discover(p, &ctx, "default.target", SEARCH_FOLLOW_CONFIG_SYMLINKS, &i, NULL);
        if (r >= 0 && !(*ret = strdup(i->name))) r = -ENOMEM;
        ctx_done(&ctx);
        return r;
}

int install_get_default(const char *root, char **ret) {
        return WITH_PATHS(root, do_get_default(p, ret));
}

/* ------------------------------------------------------------------ presets */

static const char *const preset_dirs[] = {
        "/etc/systemd/system-preset", "/run/systemd/system-preset", "/usr/local/lib/systemd/system-preset",
        "/usr/lib/systemd/system-preset", "/lib/systemd/system-preset", NULL,
};

void presets_done(Presets *p) {
        for (size_t i = 0; i < p->n; i++) {
                free(p->rules[i].pattern);
                strv_free(p->rules[i].instances);
        }
        free(p->rules);
        *p = (Presets){0};
}

/* "WORD" followed by whitespace or the end: the rest after the whitespace, else NULL. */
static const char *first_word(const char *s, const char *word) {
        const char *p = startswith(s, word);
        if (!p) return NULL;
        if (!*p) return p;
        if (!strchr(WHITESPACE, *p)) return NULL;
        return p + strspn(p, WHITESPACE);
}

static int presets_add(Presets *ps, const char *file, unsigned line, const char *l) {
        PresetRule rule = {0};
        const char *param;
        int r;
        if ((param = first_word(l, "enable"))) {
                _cleanup_free_ char *name = NULL;
                const char *rest = param;
                r = extract_first_word(&rest, &name, NULL, EXTRACT_RETAIN_ESCAPE);
                if (r == -ENOMEM) return r;
                if (r <= 0 || !name) {
                        log_syntax(file, line, LOG_WARNING, 0, "Couldn't parse line '%s'. Ignoring.", l);
                        return 0;
                }
                if (rest) rest += strspn(rest, WHITESPACE);
                if (!isempty(rest)) {
                        if (!unit_name_is_valid(name, UNIT_NAME_TEMPLATE)) {
                                log_syntax(file, line, LOG_WARNING, 0, "Couldn't parse line '%s'. Ignoring.", l);
                                return 0;
                        }
                        if ((r = strv_split_full(&rule.instances, rest, WHITESPACE, 0)) < 0) return r;
                }
                rule.pattern = TAKE_PTR(name);
                rule.enable = true;
        } else if ((param = first_word(l, "disable"))) {
                if (!(rule.pattern = strdup(param))) return -ENOMEM;
        } else {
                log_syntax(file, line, LOG_WARNING, 0, "Couldn't parse line '%s'. Ignoring.", l);
                return 0;
        }
        PresetRule *v = realloc(ps->rules, sizeof *v * (ps->n + 1));
        if (!v) {
                free(rule.pattern);
                strv_free(rule.instances);
                return -ENOMEM;
        }
        ps->rules = v;
        ps->rules[ps->n++] = rule;
        return 0;
}

static int preset_files(const char *root, char ***ret) {
        return conf_files_list(root, preset_dirs, ".preset", ret);
}

int presets_read(const char *root, Presets *ret) {
        Presets ps = {0};
        _cleanup_strv_free_ char **files = NULL;
        if (root && streq(root, "/")) root = NULL;
        int r = preset_files(root, &files);
        if (r < 0) return r;
        STRV_FOREACH(f, files) {
                _cleanup_free_ char *data = NULL;
                size_t size = 0;
                r = read_file_bounded(AT_FDCWD, *f, CONFIG_FILE_MAX, &data, &size);
                if (r == -ENOENT) continue;
                if (r < 0) goto fail;
                unsigned n = 0;
                for (char *save = NULL, *line = data; line; line = save) {
                        save = strchr(line, '\n');
                        if (save) *save++ = 0;
                        n++;
                        char *l = strstrip(line);
                        if (isempty(l) || strchr("#;", *l)) continue;
                        if ((r = presets_add(&ps, *f, n, l)) < 0) goto fail;
                }
        }
        *ret = ps;
        return 0;
fail:
        presets_done(&ps);
        return r;
}

/* 1 when the rule enables name and lists instances: *ret gets the instances of a template. */
static int match_instances(const PresetRule *rule, const char *name, char ***ret) {
        if (!ret || !rule->instances) return 0;
        _cleanup_free_ char *tmpl = NULL;
        if (unit_name_classify(name) == UNIT_NAME_PLAIN) return 0;
        int r = unit_name_template(name, &tmpl);
        if (r < 0) return r;
        if (!streq(rule->pattern, tmpl)) return 0;
        if (unit_name_is_valid(name, UNIT_NAME_TEMPLATE)) {
                _cleanup_strv_free_ char **l = NULL;
                STRV_FOREACH(i, rule->instances) {
                        char *n = NULL;
                        if ((r = unit_name_replace_instance(name, *i, &n)) < 0) return r;
                        if ((r = strv_push(&l, n)) < 0) return r;
                }
                *ret = TAKE_PTR(l);
                return 1;
        }
        _cleanup_free_ char *inst = NULL;
        if ((r = unit_name_to_instance(name, &inst)) < 0) return r;
        return strv_contains(rule->instances, inst);
}

static int query(const Presets *ps, const char *name, char ***instances) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        for (size_t i = 0; i < ps->n; i++) {
                int r = match_instances(&ps->rules[i], name, instances);
                if (r < 0) return r;
                if (r > 0 || fnmatch(ps->rules[i].pattern, name, FNM_NOESCAPE) == 0) return ps->rules[i].enable;
        }
        return 1;
}

int presets_query(const Presets *p, const char *name) {
        return query(p, name, NULL);
}

static int preset_prepare_one(const Paths *p, Ctx *plus, Ctx *minus, const char *name, const Presets *ps,
                              InstallChanges *c) {
        if (ctx_find(plus, name) || ctx_find(minus, name)) return 0;
        Ctx tmp = {0};
        InstallInfo *i = NULL;
        _cleanup_strv_free_ char **instances = NULL;
        int r = info_discover(p, &tmp, name, SEARCH_FOLLOW_CONFIG_SYMLINKS, &i, c);
        if (r < 0) goto out;
        if (!streq(name, i->name)) goto out;   /* an alias: its unit is preset under its own name */
        if ((r = query(ps, name, &instances)) < 0) goto out;
        if (r > 0) {
                if (instances) {
                        STRV_FOREACH(s, instances)
                                if ((r = info_discover_and_check(p, plus, *s, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS,
                                                                 NULL, c)) < 0)
                                        goto out;
                } else
                        r = info_discover_and_check(p, plus, name, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, NULL, c);
        } else
                r = info_discover(p, minus, name, SEARCH_FOLLOW_CONFIG_SYMLINKS, NULL, c);
out:
        ctx_done(&tmp);
        return r;
}

static int execute_preset(const Paths *p, InstallFlags flags, Ctx *plus, Ctx *minus, PresetMode mode,
                          InstallChanges *c) {
        const char *config_path = config_path_for(p, flags);
        int r = 0;
        if (mode != PRESET_ENABLE_ONLY) {
                _cleanup_(name_set_done) NameSet set = {};
                if ((r = ctx_mark_for_removal(p, minus, &set, c)) < 0) return r;
                r = remove_marked(&set, config_path, p, false, c);
        }
        if (mode != PRESET_DISABLE_ONLY) {
                int q = ctx_apply(p, plus, flags | INSTALL_IGNORE_AUXILIARY_FAILURE, config_path, SEARCH_LOAD, c);
                if (r >= 0) r = q < 0 ? q : r + q;
        }
        return r;
}

static int do_preset(const Paths *p, InstallFlags flags, char *const *names, bool all, PresetMode mode,
                     InstallChanges *c) {
        Ctx plus = {0}, minus = {0};
        Presets ps = {0};
        int r = presets_read(p->root, &ps);
        if (r < 0) return r;
        if (!all)
                STRV_FOREACH(n, names)
                        if ((r = preset_prepare_one(p, &plus, &minus, *n, &ps, c)) < 0) goto out;
        STRV_FOREACH(d, all ? p->lp.search_path : NULL) {
                DIR *dd = opendir(*d);
                if (!dd) {
                        if (errno == ENOENT) continue;
                        r = -errno;
                        goto out;
                }
                for (struct dirent *de; (de = readdir(dd));) {
                        if (!unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) continue;
                        unsigned char t = dirent_type(dd, de);
                        if (t != DT_LNK && t != DT_REG) continue;
                        r = preset_prepare_one(p, &plus, &minus, de->d_name, &ps, c);
                        if (r < 0 && r != -EEXIST && r != -ERFKILL && r != -EADDRNOTAVAIL && r != -EBADSLT &&
                            r != -EIDRM && r != -EUCLEAN && r != -ELOOP && r != -ENOENT && r != -EUNATCH && r != -EXDEV) {
                                closedir(dd);
                                goto out;
                        }
                }
                closedir(dd);
        }
        r = execute_preset(p, flags, &plus, &minus, mode, c);
out:
        ctx_done(&plus);
        ctx_done(&minus);
        presets_done(&ps);
        return r;
}

int install_preset(const char *root, InstallFlags flags, char *const *names, PresetMode mode, InstallChanges *c) {
        return WITH_PATHS(root, do_preset(p, flags, names, false, mode, c));
}

int install_preset_all(const char *root, InstallFlags flags, PresetMode mode, InstallChanges *c) {
        return WITH_PATHS(root, do_preset(p, flags, NULL, true, mode, c));
}

/* ------------------------------------------------------------------ listing */

void install_list_free(UnitFileListEntry *l, size_t n) {
        for (size_t i = 0; i < n; i++) free(l[i].path);
        free(l);
}

static bool fnmatch_any(char *const *patterns, const char *s) {
        if (strv_length(patterns) == 0) return true;
        STRV_FOREACH(pp, patterns)
                if (fnmatch(*pp, s, FNM_NOESCAPE) == 0) return true;
        return false;
}

static int do_list(const Paths *p, char *const *states, char *const *patterns, UnitFileListEntry **ret, size_t *ret_n) {
        UnitFileListEntry *l = NULL;
        size_t n = 0;
        int r = 0;
        Hashmap *seen = hashmap_new();   /* names listed already: the first directory wins */
        if (!seen) return -ENOMEM;
        STRV_FOREACH(d, p->lp.search_path) {
                DIR *dd = opendir(*d);
                if (!dd) {
                        if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) continue;
                        r = -errno;
                        goto fail;
                }
                for (struct dirent *de; (de = readdir(dd));) {
                        if (!unit_name_is_valid(de->d_name, UNIT_NAME_ANY) || !fnmatch_any(patterns, de->d_name)) continue;
                        if (hashmap_get(seen, de->d_name)) continue;
                        unsigned char t = dirent_type(dd, de);
                        if (t != DT_LNK && t != DT_REG) continue;
                        UnitFileState st;
                        if (lookup_state(p, de->d_name, &st) < 0) st = UNIT_FILE_STATE_BAD;
                        if (strv_length(states) > 0 && !strv_contains(states, unit_file_state_to_string(st))) continue;
                        char *path = strjoin(*d, "/", de->d_name);
                        if (!path || array_grow((void **)&l, n, sizeof *l) < 0 || hashmap_put(seen, base_name(path), path) < 0) {
                                free(path);
                                closedir(dd);
                                r = -ENOMEM;
                                goto fail;
                        }
                        l[n++] = (UnitFileListEntry){ .path = path, .state = st };
                }
                closedir(dd);
        }
        hashmap_free(seen);
        *ret = l;
        *ret_n = n;
        return 0;
fail:
        hashmap_free(seen);
        install_list_free(l, n);
        return r;
}

int install_list(const char *root, char *const *states, char *const *patterns, UnitFileListEntry **ret, size_t *ret_n) {
        return WITH_PATHS(root, do_list(p, states, patterns, ret, ret_n));
}
