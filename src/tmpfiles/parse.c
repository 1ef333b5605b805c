/* SPDX-License-Identifier: MIT */
/* tmpfiles.d(5) lines → Items, with systemd 252's checks, messages and conflict rules. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "exec/userdb.h"
#include "tmpfiles/exec.h"
#include "tmpfiles/item.h"
#include "unit/specifier.h"

#define CREDENTIAL_MAX (1024u * 1024u)

void item_done(Item *i) {
        if (!i) return;
        free(i->path);
        free(i->argument);
        free(i->binary);
        strv_free(i->xattrs);
        *i = (Item){0};
}

void item_array_free(ItemArray *a) {
        if (!a) return;
        for (size_t n = 0; n < a->n_items; n++) item_done(a->items + n);
        free(a->items);
        free(a->children);
        free(a->path);
        free(a);
}

bool item_type_needs_glob(ItemType t) {
        return strchr("weztTaAhHxXrRZm", (int)t) != NULL;
}

bool item_type_takes_ownership(ItemType t) {
        return strchr("fFdevqQpLcbCwxXrR", (int)t) != NULL;
}

bool tmpfiles_path_startswith(const char *path, const char *prefix) {
        if ((path[0] == '/') != (prefix[0] == '/')) return false;
        for (;;) {
                path += strspn(path, "/");
                prefix += strspn(prefix, "/");
                if (!*prefix) return true;
                if (!*path) return false;
                size_t a = strcspn(path, "/"), b = strcspn(prefix, "/");
                if (a != b || strncmp(path, prefix, a) != 0) return false;
                path += a;
                prefix += b;
        }
}

/* ---------------------------------------------------------------- specifiers */

/* What the specifier module answers for an absent file, as systemd's "no information" errors
 * (a line using them is skipped, not an error). */
static bool errno_is_noinfo(int r) {
        r = r < 0 ? -r : r;
        return r == EUNATCH || r == ENOMEDIUM || r == ENOPKG || r == ENXIO;
}

/* systemd's get_home_dir() for PID 1 / root: $HOME if absolute and normalized, else /etc/passwd. */
static int home_dir(char **ret) {
        const char *e = getenv("HOME");
        if (e && e[0] == '/' && !strstr(e, "/./") && !strstr(e, "/../") && !strstr(e, "//") &&
            !endswith(e, "/.") && !endswith(e, "/.."))
                return (*ret = strdup(e)) ? 0 : -ENOMEM;
        if (getuid() == 0) return (*ret = strdup("/root")) ? 0 : -ENOMEM;
        char uid[32];
        snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
        UserRecord u;
        int r = userdb_get_user(NULL, uid, &u);
        if (r < 0) return r;
        *ret = TAKE_PTR(u.home);
        user_record_done(&u);
        return 0;
}

/* One specifier of systemd 252's tmpfiles table: a b B H l m o v w W h C L S t g G u U T V. The
 * directory ones carry the root prefix, as 252 does (so with --root a path using them ends up
 * below the root twice — observable behaviour of 252, kept for compatibility). */
static int resolve_one(const TmpfilesContext *ctx, char c, char **ret) {
        const char *dir = c == 'C' ? "/var/cache" : c == 'L' ? "/var/log" : c == 'S' ? "/var/lib" :
                          c == 't' ? "/run" : NULL;
        if (dir) return (*ret = strjoin(strempty(ctx->root), dir)) ? 0 : -ENOMEM;
        switch (c) {
        case 'h': return home_dir(ret);
        case 'g': case 'u': return (*ret = strdup("root")) ? 0 : -ENOMEM;
        case 'G': case 'U': return (*ret = strdup("0")) ? 0 : -ENOMEM;
        }
        if (!strchr("abBHlmovwWTV", c)) return -EBADSLT;
        char spec[3] = { '%', c, 0 };
        SpecifierUnit u = { .root = ctx->root };
        int r = specifier_expand(&u, SPECIFIERS_FULL, spec, 0, ret);
        /* a missing os-release or machine-id is "no information" in systemd (EUNATCH) */
        if (r == -ENOENT && strchr("mBowW", c)) r = -EUNATCH;
        return r;
}

void tmpfiles_spec_cache_done(TmpfilesSpecCache *c) {
        for (size_t i = 0; c && i < ELEMENTSOF(c->value); i++) {
                free(c->value[i]);
                c->value[i] = NULL;
        }
}

/* resolve_one() through the run's cache; only successes are kept (an error is rare and may be
 * logged per line). */
static int resolve_cached(const TmpfilesContext *ctx, char c, char **ret) {
        char **slot = ctx->specs && (unsigned char)c < ELEMENTSOF(ctx->specs->value) ? &ctx->specs->value[(unsigned char)c] : NULL;
        if (slot && *slot) return (*ret = strdup(*slot)) ? 0 : -ENOMEM;
        int r = resolve_one(ctx, c, ret);
        if (r >= 0 && slot && *ret) *slot = strdup(*ret);   /* no copy: just not cached */
        return r;
}

int tmpfiles_specifier_expand(const TmpfilesContext *ctx, const char *text, size_t max_len, char **ret) {
        Buf b = {0};
        int r = 0;
        for (const char *f = text; *f && r >= 0; f++) {
                if (*f != '%' || !f[1])
                        r = buf_putc(&b, *f);
                else if (*++f == '%')
                        r = buf_putc(&b, '%');
                else if (strchr(DIGITS LETTERS, *f)) {
                        _cleanup_free_ char *w = NULL;
                        r = resolve_cached(ctx, *f, &w);
                        if (r >= 0 && w) r = buf_puts(&b, w);
                } else
                        r = buf_put(&b, f - 1, 2);
                if (r >= 0 && b.len > max_len) r = -ENAMETOOLONG;
        }
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        return (*ret = buf_steal(&b)) ? 0 : -ENOMEM;
}

/* ---------------------------------------------------------------- small value parsers */

static int b64_value(char c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
}

int tmpfiles_unbase64(const char *s, size_t n, char **ret, size_t *ret_size) {
        _cleanup_free_ char *out = malloc(n / 4 * 3 + 4);
        if (!out) return -ENOMEM;
        size_t len = 0, pad = 0, k = 0;
        uint32_t acc = 0;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (strchr(" \t\n\r", c)) continue;
                if (c == '=') {
                        pad++;
                        continue;
                }
                int v = b64_value(c);
                if (v < 0 || pad > 0) return -EINVAL;  /* garbage, or data after padding */
                acc = acc << 6 | (uint32_t)v;
                if (++k == 4) {
                        out[len++] = (char)(acc >> 16);
                        out[len++] = (char)(acc >> 8);
                        out[len++] = (char)acc;
                        k = 0;
                        acc = 0;
                }
        }
        if (pad > 2) return -EINVAL;
        if ((k + pad) % 4 != 0) return -EPIPE;  /* systemd wants the padding */
        if (k == 1) return -EINVAL;
        if (k == 2) out[len++] = (char)(acc >> 4);
        else if (k == 3) {
                out[len++] = (char)(acc >> 10);
                out[len++] = (char)(acc >> 2);
        }
        out[len] = 0;
        *ret = TAKE_PTR(out);
        *ret_size = len;
        return 0;
}

int tmpfiles_parse_age_by(const char *s, AgeBy *ret_file, AgeBy *ret_dir) {
        static const char letters[] = "abcm";  /* bit i of AgeBy */
        AgeBy f = 0, d = 0;
        if (isempty(s)) return -EINVAL;
        for (; *s; s++) {
                if (strchr(WHITESPACE, *s)) continue;
                const char *l = strchr(letters, *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
                if (!l || !*l) return -EINVAL;
                if (*s >= 'a' && *s <= 'z') f |= 1u << (l - letters);
                else d |= 1u << (l - letters);
        }
        if (f == 0 && d == 0) return -EINVAL;
        *ret_file = f ? f : AGE_BY_DEFAULT_FILE;
        *ret_dir = d ? d : AGE_BY_DEFAULT_DIR;
        return 0;
}

/* systemd's parse_uid(): decimal, not (uid_t)-1 nor the 16-bit -1. */
static int parse_id(const char *s, unsigned *ret) {
        unsigned v;
        int r = safe_atou(s, &v);
        if (r < 0) return r;
        if (v == UINT32_MAX || v == 0xFFFF) return -ENXIO;
        *ret = v;
        return 0;
}

static bool cache_get(const TmpfilesContext *ctx, bool group, const char *name, uint32_t *ret) {
        for (unsigned i = 0; ctx->ids && i < ctx->ids->n; i++)
                if (ctx->ids->e[i].group == group && streq(ctx->ids->e[i].name, name)) return (*ret = ctx->ids->e[i].id), true;
        return false;
}

static void cache_put(const TmpfilesContext *ctx, bool group, const char *name, uint32_t id) {
        TmpfilesIdCache *c = ctx->ids;
        if (!c || c->n >= ELEMENTSOF(c->e) || strlen(name) >= sizeof c->e[0].name) return;
        c->e[c->n].group = group;
        c->e[c->n].id = id;
        strcpy(c->e[c->n++].name, name);
}

static int find_uid(const TmpfilesContext *ctx, const char *user, uid_t *ret) {
        unsigned v;
        if (parse_id(user, &v) >= 0) return (*ret = v), 0;
        if (cache_get(ctx, false, user, ret)) return 0;
        UserRecord u;
        int r = userdb_get_user(ctx->root, user, &u);
        if (r < 0) return r;
        *ret = u.uid;
        user_record_done(&u);
        cache_put(ctx, false, user, *ret);
        return 0;
}

static int find_gid(const TmpfilesContext *ctx, const char *group, gid_t *ret) {
        unsigned v;
        if (parse_id(group, &v) >= 0) return (*ret = v), 0;
        if (cache_get(ctx, true, group, ret)) return 0;
        int r = userdb_get_group(ctx->root, group, ret, NULL);
        if (r >= 0) cache_put(ctx, true, group, *ret);
        return r;
}

/* "major:minor" as systemd's parse_devnum(). */
static int parse_devnum(const char *s, dev_t *ret) {
        const char *colon = strchr(s, ':');
        if (!colon) return -EINVAL;
        _cleanup_free_ char *a = strndup(s, colon - s);
        unsigned x, y;
        if (!a) return -ENOMEM;
        if (safe_atou(a, &x) < 0 || safe_atou(colon + 1, &y) < 0) return -EINVAL;
        if (x > 0xFFFu || y > 0xFFFFFu) return -ERANGE;  /* DEVICE_MAJOR_VALID / MINOR_VALID */
        *ret = makedev(x, y);
        return 0;
}

static bool filename_valid(const char *s) {
        return !isempty(s) && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..") && strlen(s) <= NAME_MAX;
}

/* ---------------------------------------------------------------- the line */

/* A line systemd calls invalid (exit status 65): "FILE:LINE: message". */
#define bad_line(ctx, fname, line, r, fmt, ...) \
        ((ctx)->invalid_config = true, log_full_errno(LOG_ERR, (r), "%s:%u: " fmt, (fname), (line), ##__VA_ARGS__))

static int unresolvable(TmpfilesContext *ctx, const char *fname, unsigned line) {
        int level = ctx->specifier_notified || ctx->root ? LOG_DEBUG : LOG_NOTICE;
        log_full(level, "%s:%u: Failed to resolve specifier: uninitialized /etc/ detected, skipping.", fname, line);
        if (!ctx->specifier_notified) log_full(level, "All rules containing unresolvable specifiers will be skipped.");
        ctx->specifier_notified = true;
        return 0;
}

/* Drops "." components, duplicate and trailing slashes (systemd's path_simplify()). */
static void path_simplify(char *p) {
        char *w = p;
        const char *r = p;
        bool abs = *r == '/';
        if (abs) *w++ = '/';
        while (*r) {
                r += strspn(r, "/");
                size_t n = strcspn(r, "/");
                if (n == 0) break;
                if (!(n == 1 && r[0] == '.')) {
                        if (w > p && w[-1] != '/') *w++ = '/';
                        memmove(w, r, n);
                        w += n;
                }
                r += n;
        }
        if (w == p) *w++ = abs ? '/' : '.';
        *w = 0;
}

static bool should_include_path(const TmpfilesContext *ctx, const char *path) {
        STRV_FOREACH(p, ctx->exclude_prefixes)
                if (tmpfiles_path_startswith(path, *p)) {
                        log_debug("Entry \"%s\" matches exclude prefix \"%s\", skipping.", path, *p);
                        return false;
                }
        STRV_FOREACH(p, ctx->include_prefixes)
                if (tmpfiles_path_startswith(path, *p)) return true;
        return !ctx->include_prefixes || !ctx->include_prefixes[0];
}

/* The argument of f F w L C: C escapes, then specifiers (as 252; not for base64 lines). */
static int expand_argument(TmpfilesContext *ctx, Item *i) {
        if (i->type == SET_XATTR || i->type == RECURSIVE_SET_XATTR) {
                for (char **x = i->xattrs; x && *x; x++) {
                        char *resolved;
                        int r = tmpfiles_specifier_expand(ctx, *x, SIZE_MAX, &resolved);
                        if (r < 0) return r;
                        free(*x);
                        *x = resolved;
                }
                return 0;
        }
        if (!i->argument || !strchr("CLfFw", (int)i->type)) return 0;
        _cleanup_free_ char *unescaped = NULL, *resolved = NULL;
        ssize_t l = cunescape(i->argument, 0, &unescaped);
        if (l < 0) return log_error_errno((int)l, "Failed to unescape parameter to write: %s", i->argument);
        int r = tmpfiles_specifier_expand(ctx, unescaped, PATH_MAX - 1, &resolved);
        if (r < 0) return r;
        free(i->argument);
        i->argument = TAKE_PTR(resolved);
        return 0;
}

static const char *item_data(const Item *i, size_t *size) {
        *size = i->binary ? i->binary_size : i->argument ? strlen(i->argument) : 0;
        return i->binary ? i->binary : i->argument;
}

/* Two lines for one path are compatible when one only adjusts what the other creates, or both
 * create identically (then the later is a silent duplicate... no: 252 treats identical ones as
 * compatible and keeps both). */
static bool item_compatible(const Item *a, const Item *b) {
        if (!item_type_takes_ownership(a->type) || !item_type_takes_ownership(b->type)) return true;
        size_t la, lb;
        const char *da = item_data(a, &la), *db = item_data(b, &lb);
        return la == lb && (la == 0 || memcmp(da, db, la) == 0) &&
               a->uid_set == b->uid_set && a->uid == b->uid && a->uid_only_create == b->uid_only_create &&
               a->gid_set == b->gid_set && a->gid == b->gid && a->gid_only_create == b->gid_only_create &&
               a->mode_set == b->mode_set && a->mode == b->mode && a->mode_only_create == b->mode_only_create &&
               a->age_set == b->age_set && a->age == b->age && a->age_by_file == b->age_by_file &&
               a->age_by_dir == b->age_by_dir && a->mask_perms == b->mask_perms &&
               a->keep_first_level == b->keep_first_level && a->major_minor == b->major_minor;
}

static bool is_append(const Item *i) {
        return i->type == WRITE_FILE && i->append_or_force;
}

/* systemd's check, a line against every line of the path: a line that creates the path conflicts
 * with one that creates it differently, unless both are 'w+' lines. The lines that create a path
 * and were accepted are all alike, or all 'w+', so the first of them and two flags decide in O(1). */
static bool is_duplicate(const ItemArray *a, const Item *i) {
        if (!item_type_takes_ownership(i->type) || a->n_owners == 0) return false;
        if (is_append(i) && !a->owner_not_append) return false;
        return !(a->owners_identical && item_compatible(&a->owner, i));
}

static void note_owner(ItemArray *a, const Item *i) {
        if (!item_type_takes_ownership(i->type)) return;
        if (a->n_owners++ == 0) {
                a->owner = *i;
                a->owners_identical = true;
        } else if (!item_compatible(&a->owner, i))
                a->owners_identical = false;
        if (!is_append(i)) a->owner_not_append = true;
}

/* Application order: the line that creates the path first, then the ones that adjust it, each by
 * type. */
static unsigned item_key(const Item *i) {
        return (item_type_takes_ownership(i->type) ? 0u : 128u) + ((unsigned)i->type & 127u);
}

#define SORTED_INSERT_MAX 64   /* beyond: an out-of-order line marks the array, sorted later */

static int items_insert(ItemArray *a, Item *i) {
        if (a->n_items == a->cap_items) {
                size_t nc = a->cap_items ? a->cap_items * 2 : 4;
                Item *v = realloc(a->items, nc * sizeof *v);
                if (!v) return -ENOMEM;
                a->items = v;
                a->cap_items = nc;
        }
        size_t at = a->n_items;
        unsigned k = item_key(i);
        if (!a->unsorted && at > 0 && item_key(&a->items[at - 1]) > k) {
                if (at > SORTED_INSERT_MAX)
                        a->unsorted = true;
                else {   /* after every line of the same or a smaller key: stable */
                        while (at > 0 && item_key(&a->items[at - 1]) > k) at--;
                        memmove(a->items + at + 1, a->items + at, (a->n_items - at) * sizeof *a->items);
                }
        }
        a->items[at] = *i;
        a->n_items++;
        note_owner(a, &a->items[at]);
        *i = (Item){0};
        return 0;
}

static int item_compare(const void *pa, const void *pb) {
        unsigned a = item_key(pa), b = item_key(pb);
        return a < b ? -1 : a > b;
}

/* A stable counting sort by item_key(): O(n). */
static int items_sort(ItemArray *a) {
        size_t count[257] = {0};
        Item *v = malloc(a->n_items * sizeof *v);
        if (!v) return -ENOMEM;
        for (size_t j = 0; j < a->n_items; j++) count[item_key(&a->items[j]) + 1]++;
        for (size_t k = 1; k < ELEMENTSOF(count); k++) count[k] += count[k - 1];
        for (size_t j = 0; j < a->n_items; j++) v[count[item_key(&a->items[j])]++] = a->items[j];
        free(a->items);
        a->items = v;
        a->cap_items = a->n_items;
        a->unsorted = false;
        return 0;
}

void tmpfiles_sort_items(TmpfilesContext *ctx) {
        Hashmap *maps[] = { ctx->items, ctx->globs };
        for (size_t m = 0; m < ELEMENTSOF(maps); m++) {
                size_t k = 0;
                void *v;
                while (hashmap_iterate(maps[m], &k, NULL, &v)) {
                        ItemArray *a = v;
                        if (a->unsorted && items_sort(a) < 0)
                                /* out of memory: the slow way, still a total order */
                                qsort(a->items, a->n_items, sizeof *a->items, item_compare);
                        a->unsorted = false;
                }
        }
}

static int add_item(TmpfilesContext *ctx, const char *fname, unsigned line, Item *i) {
        Hashmap *h = item_type_needs_glob(i->type) ? ctx->globs : ctx->items;
        ItemArray *a = hashmap_get(h, i->path);
        if (a && is_duplicate(a, i)) {
                log_notice("%s:%u: Duplicate line for path \"%s\", ignoring.", fname, line, i->path);
                return 0;
        }
        if (!a) {
                if (!(a = calloc(1, sizeof *a)) || !(a->path = strdup(i->path))) {
                        free(a);
                        return log_oom();
                }
                int r = hashmap_put(h, a->path, a);
                if (r < 0) {
                        item_array_free(a);
                        return log_oom();
                }
        }
        return items_insert(a, i) < 0 ? log_oom() : 0;
}

typedef struct Fields {
        char *action, *path, *mode, *user, *group, *age;
} Fields;

static void fields_done(Fields *f) {
        free(f->action);
        free(f->path);
        free(f->mode);
        free(f->user);
        free(f->group);
        free(f->age);
}

static bool empty_or_dash(const char *s) {
        return isempty(s) || streq(s, "-");
}

/* Splits the six columns; *rest points at the argument (or NULL). Returns the column count. */
static int split_fields(const char *text, Fields *f, const char **rest) {
        char **cols[] = { &f->action, &f->path, &f->mode, &f->user, &f->group, &f->age };
        const char *p = text;
        int n = 0;
        for (size_t k = 0; k < ELEMENTSOF(cols); k++) {
                int r = extract_first_word(&p, cols[k], NULL, EXTRACT_UNQUOTE);
                if (r < 0) return r;
                if (r == 0) break;
                n++;
        }
        *rest = p;
        return n;
}

static int parse_modifiers(TmpfilesContext *ctx, const char *fname, unsigned line, const char *action,
                           Item *i, bool *boot, bool *unbase64, bool *from_cred) {
        bool seen[128] = {0};
        for (const char *c = action + 1; *c; c++) {
                unsigned char m = (unsigned char)*c;
                if (m >= 128 || !strchr("!+-=~^", m) || seen[m])
                        return bad_line(ctx, fname, line, EBADMSG, "Unknown modifiers in command '%s'", action);
                seen[m] = true;
        }
        *boot = seen['!'];
        *unbase64 = seen['~'];
        *from_cred = seen['^'];
        i->append_or_force = seen['+'];
        i->allow_failure = seen['-'];
        i->try_replace = seen['='];
        i->type = (ItemType)(unsigned char)action[0];
        return 0;
}

/* t/T: "name=value" words (quotes, C escapes); bad ones are warned about and dropped, as 252. */
static int parse_xattr_words(const char *arg, StrvBuilder *l) {
        for (const char *p = arg;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE);
                if (r < 0) log_warning_errno(r, "Failed to parse extended attribute '%s', ignoring: %m", strempty(p));
                if (r <= 0) return 0;
                char *eq = strchr(w, '=');
                if (!eq) {
                        log_warning_errno(EINVAL, "Failed to parse extended attribute, ignoring: %s", w);
                        continue;
                }
                *eq = 0;
                if (!*w || !eq[1]) {
                        *eq = '=';
                        log_warning("Malformed extended attribute found, ignoring: %s", w);
                        continue;
                }
                if (strv_builder_extend(l, w) < 0 || strv_builder_extend(l, eq + 1) < 0) return log_oom();
        }
}

static int parse_xattrs(Item *i) {
        _cleanup_(strv_builder_done) StrvBuilder l = {0};
        int r = parse_xattr_words(i->argument, &l);
        strv_free(i->xattrs);
        i->xattrs = l.n > 0 ? strv_builder_steal(&l) : NULL;
        return r;
}

/* The checks of the argument column per type, before specifiers are expanded. */
static int check_type(TmpfilesContext *ctx, const char *fname, unsigned line, Item *i, bool unbase64) {
        static const struct { char type; const char *what; } no_base64[] = {
                { 'L', "symlink targets" }, { 'C', "copy sources" }, { 'c', "device node creation" },
                { 'b', "device node creation" }, { 't', "extended attributes" }, { 'T', "extended attributes" },
                { 'a', "ACLs" }, { 'A', "ACLs" }, { 'h', "file attributes" }, { 'H', "file attributes" },
        };
        char t = (char)i->type;
        if (t && strchr("dvqQeDpxXrRmzZ", t)) {
                if (i->argument) log_warning("%s:%u: %c lines don't take argument fields, ignoring.", fname, line, t);
                return 0;
        }
        if (t == 'f' || t == 'F') return 0;
        for (size_t k = 0; k < ELEMENTSOF(no_base64); k++)
                if (no_base64[k].type == t && unbase64) {
                        ctx->invalid_config = true;
                        return log_error_errno(EBADMSG, "%s:%u: base64 decoding not supported for %s.", fname, line,
                                               no_base64[k].what);
                }
        switch (t) {
        case 'L': case 'C': return 0;
        case 'w':
                return i->argument ? 0 : bad_line(ctx, fname, line, EBADMSG, "Write file requires argument.");
        case 'c': case 'b': {
                if (!i->argument) return bad_line(ctx, fname, line, EBADMSG, "Device file requires argument.");
                int r = parse_devnum(i->argument, &i->major_minor);
                if (r < 0) {
                        ctx->invalid_config = true;
                        return log_error_errno(r, "%s:%u: Can't parse device file major/minor '%s'.", fname, line, i->argument);
                }
                return 0;
        }
        case 't': case 'T':
                if (!i->argument) return bad_line(ctx, fname, line, EBADMSG, "Set extended attribute requires argument.");
                return parse_xattrs(i);
        case 'a': case 'A':
                return i->argument ? 0 : bad_line(ctx, fname, line, EBADMSG, "Set ACLs requires argument.");
        case 'h': case 'H': {
                if (!i->argument) return bad_line(ctx, fname, line, EBADMSG, "Set file attribute requires argument.");
                unsigned v, m;
                int r = tmpfiles_parse_attributes(i->argument, i->path, &v, &m);
                if (r == -EINVAL) ctx->invalid_config = true;
                return r;
        }
        }
        ctx->invalid_config = true;
        return log_error_errno(EBADMSG, "%s:%u: Unknown command type '%c'.", fname, line, t);
}

/* /var/run/x → /run/x, with 252's notice. */
static int patch_var_run(const char *fname, unsigned line, char **path) {
        const char *k = startswith(*path, "/var/run/");
        if (isempty(k)) return 0;
        k += strspn(k, "/");
        if (!*k) return 0;
        char *n = strjoin("/run/", k);
        if (!n) return log_oom();
        /* 252 says this at LOG_NOTICE; Debian 12's build says it at debug level (its packages still use
         * /var/run), and that is what a Debian image shows */
        log_debug("%s:%u: Line references path below legacy directory /var/run/, updating %s → %s; please update the tmpfiles.d/ drop-in file accordingly.",
                   fname, line, *path, n);
        free(*path);
        *path = n;
        return 0;
}

/* C and L default to /usr/share/factory/PATH; a C source is below the root and must exist. */
static int fix_sources(TmpfilesContext *ctx, const char *fname, unsigned line, Item *i, bool *skip) {
        if (i->type != CREATE_SYMLINK && i->type != COPY_FILES) return 0;
        if (!i->argument && !(i->argument = strjoin("/usr/share/factory", i->path))) return log_oom();
        if (i->type == CREATE_SYMLINK) return 0;
        if (i->argument[0] != '/') {
                ctx->invalid_config = true;
                return log_error_errno(EBADMSG, "%s:%u: Source path '%s' is not absolute.", fname, line, i->argument);
        }
        if (ctx->root) {
                char *p = strjoin(ctx->root, i->argument);
                if (!p) return log_oom();
                free(i->argument);
                i->argument = p;
        }
        path_simplify(i->argument);
        struct stat st;
        if (lstat(i->argument, &st) < 0 && errno == ENOENT) {
                log_debug("%s:%u: Copy source path '%s' does not exist, skipping line.", fname, line, i->argument);
                *skip = true;
        }
        return 0;
}

/* '^': the argument names a credential in $CREDENTIALS_DIRECTORY; none passed → line skipped. */
static int read_credential(const char *fname, unsigned line, Item *i, bool *skip) {
        if (!i->argument)
                return log_error_errno(EINVAL, "%s:%u: Reading from credential requested, but no credential name specified.", fname, line);
        if (!filename_valid(i->argument))
                return log_error_errno(EINVAL, "%s:%u: Credential name not valid: %s", fname, line, i->argument);
        const char *d = getenv("CREDENTIALS_DIRECTORY");
        if (isempty(d)) {
                log_debug("%s:%u: Credential '%s' not specified, skipping line.", fname, line, i->argument);
                *skip = true;
                return 0;
        }
        _cleanup_free_ char *p = strjoin(d, "/", i->argument);
        if (!p) return log_oom();
        int r = read_file_bounded(AT_FDCWD, p, CREDENTIAL_MAX, &i->binary, &i->binary_size);
        if (r == -ENOENT || r == -ENXIO) {
                log_debug("%s:%u: Credential '%s' not specified, skipping line.", fname, line, i->argument);
                *skip = true;
                return 0;
        }
        if (r < 0) return log_error_errno(r, "Failed to read credential '%s': %m", i->argument);
        return 0;
}

static int parse_owner(TmpfilesContext *ctx, const char *fname, unsigned line, const Fields *f, Item *i) {
        if (!empty_or_dash(f->user)) {
                const char *u = f->user;
                if (*u == ':') {
                        i->uid_only_create = true;
                        u++;
                }
                int r = find_uid(ctx, u, &i->uid);
                if (r < 0) {
                        ctx->invalid_config = true;
                        return log_error_errno(r, "%s:%u: Failed to resolve user '%s': %m", fname, line, u);
                }
                i->uid_set = true;
        }
        if (!empty_or_dash(f->group)) {
                const char *g = f->group;
                if (*g == ':') {
                        i->gid_only_create = true;
                        g++;
                }
                int r = find_gid(ctx, g, &i->gid);
                if (r < 0) {
                        ctx->invalid_config = true;
                        return log_error_errno(r, "%s:%u: Failed to resolve group '%s'.", fname, line, g);
                }
                i->gid_set = true;
        }
        return 0;
}

static int parse_mode_age(TmpfilesContext *ctx, const char *fname, unsigned line, const Fields *f, Item *i) {
        if (!empty_or_dash(f->mode)) {
                const char *m = f->mode;
                for (;; m++)
                        if (*m == '~') i->mask_perms = true;
                        else if (*m == ':') i->mode_only_create = true;
                        else break;
                int r = parse_mode(m, &i->mode);
                if (r < 0) {
                        ctx->invalid_config = true;
                        return log_error_errno(r, "%s:%u: Invalid mode '%s'.", fname, line, f->mode);
                }
                i->mode_set = true;
        } else
                i->mode = strchr("dDvqQ", (int)i->type) ? 0755 : 0644;
        if (empty_or_dash(f->age)) return 0;
        const char *a = f->age;
        if (*a == '~') {
                i->keep_first_level = true;
                a++;
        }
        const char *colon = strchr(a, ':');
        if (colon) {
                _cleanup_free_ char *by = strndup(a, colon - a);
                if (!by) return log_oom();
                int r = tmpfiles_parse_age_by(by, &i->age_by_file, &i->age_by_dir);
                if (r < 0) {
                        ctx->invalid_config = true;
                        return log_error_errno(r, "%s:%u: Invalid age-by '%s'.", fname, line, by);
                }
                a = colon + 1;
        }
        int r = parse_sec(a, &i->age);
        if (r < 0) {
                ctx->invalid_config = true;
                return log_error_errno(r, "%s:%u: Invalid age '%s'.", fname, line, a);
        }
        i->age_set = true;
        return 0;
}

/* After the columns are split and the modifiers known: path, type checks, argument. Sets *skip for
 * lines that are fine but not applied. */
static int build_item(TmpfilesContext *ctx, const char *fname, unsigned line, const Fields *f, Item *i,
                      bool unbase64, bool from_cred, bool *skip) {
        int r = tmpfiles_specifier_expand(ctx, f->path, PATH_MAX - 1, &i->path);
        if (errno_is_noinfo(r)) return (*skip = true), unresolvable(ctx, fname, line);
        if (r < 0) {
                if (r == -EINVAL || r == -EBADSLT) ctx->invalid_config = true;
                return log_error_errno(r, "%s:%u: Failed to replace specifiers in '%s': %m", fname, line, f->path);
        }
        if ((r = patch_var_run(fname, line, &i->path)) < 0) return r;
        if (i->path[0] != '/') {
                ctx->invalid_config = true;
                return log_error_errno(EBADMSG, "%s:%u: Path '%s' not absolute.", fname, line, i->path);
        }
        path_simplify(i->path);
        if ((r = check_type(ctx, fname, line, i, unbase64)) < 0) return r;
        if (!should_include_path(ctx, i->path)) return (*skip = true), 0;
        if (!unbase64) {
                r = expand_argument(ctx, i);
                if (errno_is_noinfo(r)) return (*skip = true), unresolvable(ctx, fname, line);
                if (r < 0) {
                        if (r == -EINVAL || r == -EBADSLT) ctx->invalid_config = true;
                        return log_error_errno(r, "%s:%u: Failed to substitute specifiers in argument: %m", fname, line);
                }
        }
        if ((r = fix_sources(ctx, fname, line, i, skip)) < 0 || *skip) return r;
        if (from_cred && ((r = read_credential(fname, line, i, skip)) < 0 || *skip)) return r;
        if (unbase64 && (i->binary || i->argument)) {
                size_t n;
                const char *d = item_data(i, &n);
                char *out;
                size_t out_n;
                r = tmpfiles_unbase64(d, n, &out, &out_n);
                if (r < 0)
                        return log_error_errno(r, "%s:%u: Failed to base64 decode specified argument '%s': %m", fname,
                                               line, strempty(i->argument));
                free(i->binary);
                i->binary = out;
                i->binary_size = out_n;
        }
        if (ctx->root) {
                char *p = strjoin(ctx->root, i->path);
                if (!p) return log_oom();
                free(i->path);
                i->path = p;
        }
        return 0;
}

int tmpfiles_parse_line(TmpfilesContext *ctx, const char *fname, unsigned line, const char *text) {
        _cleanup_(fields_done) Fields f = {0};
        _cleanup_(item_done) Item i = { .age_by_file = AGE_BY_DEFAULT_FILE, .age_by_dir = AGE_BY_DEFAULT_DIR };
        const char *rest;
        int r = split_fields(text, &f, &rest);
        if (r < 0) {
                if (r == -EINVAL || r == -EBADSLT) ctx->invalid_config = true;
                return log_error_errno(r, "%s:%u: Failed to parse line: %m", fname, line);
        }
        if (r < 2) return bad_line(ctx, fname, line, EBADMSG, "Syntax error.");
        if (!empty_or_dash(rest) && !(i.argument = strdup(rest))) return log_oom();
        if (isempty(f.action)) return bad_line(ctx, fname, line, EBADMSG, "Command too short '%s'.", f.action);

        bool boot = false, unbase64 = false, from_cred = false, skip = false;
        if ((r = parse_modifiers(ctx, fname, line, f.action, &i, &boot, &unbase64, &from_cred)) < 0) return r;
        if (boot && !ctx->boot) {
                log_debug("%s:%u: Ignoring entry %s \"%s\" because --boot is not specified.", fname, line, f.action, f.path);
                return 0;
        }
        if ((r = build_item(ctx, fname, line, &f, &i, unbase64, from_cred, &skip)) < 0 || skip) return r;
        if ((r = parse_owner(ctx, fname, line, &f, &i)) < 0) return r;
        if ((r = parse_mode_age(ctx, fname, line, &f, &i)) < 0) return r;
        return add_item(ctx, fname, line, &i);
}
