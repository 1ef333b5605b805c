/* SPDX-License-Identifier: MIT */
/* Unit search paths, the name map (systemd 252's unit_file_build_name_map()), drop-ins. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/strv-index.h"
#include "base/util.h"
#include "unit/lookup.h"
#include "unit/name.h"

#define SYMLINK_MAX_HOPS 32

/* systemd 252 on Debian (`systemd-analyze unit-paths`). */
static const char *const default_unit_path[] = {
        "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
        "/run/systemd/generator.early", "/etc/systemd/system", "/etc/systemd/system.attached",
        "/run/systemd/system", "/run/systemd/system.attached", "/run/systemd/generator",
        "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
        "/run/systemd/generator.late", NULL,
};

static int add_dir(LookupPaths *lp, const char *dir) {
        if (isempty(dir)) return 0;
        char *p = lp->root ? strjoin(lp->root, dir) : strdup(dir);
        if (!p) return -ENOMEM;
        return strv_consume_unique(&lp->search_path, p);
}

int lookup_paths_init(LookupPaths *lp, const char *root) {
        *lp = (LookupPaths){0};
        int r;
        if (root && !streq(root, "/")) {
                if (!(lp->root = strdup(root))) return -ENOMEM;
                size_t n = strlen(lp->root);
                while (n > 1 && lp->root[n - 1] == '/') lp->root[--n] = 0;
        }
        const char *e = getenv("SYSTEMD_UNIT_PATH");
        bool defaults = true;
        if (e) {
                /* a trailing ':' (an empty last component) appends the defaults */
                defaults = *e == 0 || e[strlen(e) - 1] == ':';
                _cleanup_free_ char *copy = strdup(e);
                if (!copy) return -ENOMEM;
                char *save = NULL;
                for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
                        if (t[0] != '/') {
                                log_warning("Ignoring relative path in $SYSTEMD_UNIT_PATH: %s", t);
                                continue;
                        }
                        if ((r = add_dir(lp, t)) < 0) return r;
                }
        }
        if (defaults)
                for (const char *const *d = default_unit_path; *d; d++)
                        if ((r = add_dir(lp, *d)) < 0) return r;
        if (!lp->search_path && !(lp->search_path = strv_new_empty())) return -ENOMEM;
        return 0;
}

void lookup_paths_done(LookupPaths *lp) {
        strv_free(lp->search_path);
        free(lp->root);
        *lp = (LookupPaths){0};
}

const char *lookup_path_unroot(const LookupPaths *lp, const char *path) {
        const char *r;
        if (lp->root && (r = startswith(path, lp->root)) && *r == '/') return r;
        return path;
}

static bool in_search_path(const LookupPaths *lp, const char *path) {
        _cleanup_free_ char *dir = strdup(path);
        if (!dir) return false;
        char *s = strrchr(dir, '/');
        if (!s) return false;
        *s = 0;
        return strv_contains(lp->search_path, dir);
}

/* True for /dev/null and empty regular files: both mask. */
static bool null_or_empty(const struct stat *st) {
        if (S_ISCHR(st->st_mode)) return st->st_rdev == makedev(1, 3);
        return S_ISREG(st->st_mode) && st->st_size == 0;
}

/* Follow a chain of symlinks starting at `path`, relative targets against their directory,
 * absolute ones under the root. Returns the final path in *ret (malloc'd). */
static int chase_link(const LookupPaths *lp, const char *path, char **ret_first_target, char **ret) {
        _cleanup_free_ char *cur = strdup(path);
        if (!cur) return -ENOMEM;
        for (int hop = 0; hop < SYMLINK_MAX_HOPS; hop++) {
                char buf[PATH_MAX];
                ssize_t n = readlink(cur, buf, sizeof buf - 1);
                if (n < 0) {
                        if (errno == EINVAL) { *ret = TAKE_PTR(cur); return 0; } /* not a link */
                        return -errno;
                }
                buf[n] = 0;
                if (hop == 0 && ret_first_target && !(*ret_first_target = strdup(buf))) return -ENOMEM;
                char *next;
                if (streq(buf, "/dev/null"))
                        next = strdup(buf);  /* the mask target is never root-prefixed */
                else if (buf[0] == '/')
                        next = lp->root ? strjoin(lp->root, buf) : strdup(buf);
                else {
                        char *slash = strrchr(cur, '/');
                        *slash = 0;
                        next = strjoin(cur, "/", buf);
                }
                if (!next) return -ENOMEM;
                free(cur);
                cur = next;
                if (streq(cur, "/dev/null")) { *ret = TAKE_PTR(cur); return 0; }
        }
        return -ELOOP;
}

static void entry_free(UnitFileEntry *e) {
        if (!e) return;
        free(e->name);
        free(e->path);
        free(e->fragment);
        free(e->target);
        free(e);
}

static int classify_entry(const LookupPaths *lp, int dfd, const char *dir, const char *name, UnitFileEntry *e) {
        struct stat st;
        if (!(e->path = strjoin(dir, "/", name))) return -ENOMEM;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) { e->kind = UNIT_FILE_BROKEN; e->error = -errno; return 0; }
        if (!S_ISLNK(st.st_mode)) {
                if (S_ISDIR(st.st_mode)) { e->kind = UNIT_FILE_BROKEN; e->error = -EISDIR; return 0; }
                e->kind = null_or_empty(&st) ? UNIT_FILE_MASKED : UNIT_FILE_REGULAR;
                return (e->fragment = strdup(e->path)) ? 0 : -ENOMEM;
        }
        _cleanup_free_ char *first = NULL, *final = NULL;
        int r = chase_link(lp, e->path, &first, &final);
        if (r == -ENOMEM) return r;
        if (r < 0) { e->kind = UNIT_FILE_BROKEN; e->error = r; return 0; }
        if (stat(final, &st) < 0) { e->kind = UNIT_FILE_BROKEN; e->error = -errno; return 0; }
        if (null_or_empty(&st)) { e->kind = UNIT_FILE_MASKED; return 0; }
        if (S_ISDIR(st.st_mode)) { e->kind = UNIT_FILE_BROKEN; e->error = -EISDIR; return 0; }
        const char *tname = strrchr(first, '/') ? strrchr(first, '/') + 1 : first;
        e->fragment = TAKE_PTR(final);
        /* A link to a file of the same name, or to a file outside the search path ("linked unit
         * file"), defines the unit itself; a link to another unit name is an alias. */
        if (streq(tname, name) || !in_search_path(lp, e->fragment)) {
                e->kind = UNIT_FILE_REGULAR;
                return 0;
        }
        if (!unit_name_is_valid(tname, UNIT_NAME_ANY) || unit_name_to_type(tname) != unit_name_to_type(name)) {
                log_warning("%s: symlink target %s is not a unit name of the same type, ignoring.", e->path, first);
                e->kind = UNIT_FILE_BROKEN;
                e->error = -EXDEV;
                return 0;
        }
        e->kind = UNIT_FILE_ALIAS;
        return (e->target = strdup(tname)) ? 0 : -ENOMEM;
}

/* Remember drop-in and dependency directories, so lookups need no failing opendir() per name
 * and directory (systemd keeps a similar "unit path cache"). */
static int note_config_dir(UnitFileMap *m, size_t prio, const char *dir, const char *name) {
        static const char *const suffixes[] = { ".d", ".wants", ".requires", ".upholds" };
        bool match = false;
        for (size_t i = 0; i < ELEMENTSOF(suffixes) && !match; i++) match = endswith(name, suffixes[i]) != NULL;
        if (!match) return 0;
        ConfigDirList *l = hashmap_get(m->dirs, name);
        if (!l) {
                if (!(l = calloc(1, sizeof *l)) || !(l->name = strdup(name))) {
                        free(l);
                        return -ENOMEM;
                }
                int r = hashmap_put(m->dirs, l->name, l);
                if (r < 0) {
                        free(l->name);
                        free(l);
                        return r;
                }
        }
        void *v = realloc(l->v, sizeof l->v[0] * (l->n + 1));
        if (!v) return -ENOMEM;
        l->v = v;
        if (!(l->v[l->n].path = strjoin(dir, "/", name))) return -ENOMEM;
        l->v[l->n++].prio = prio;
        return 0;
}

static int scan_dir(UnitFileMap *m, const LookupPaths *lp, size_t prio, const char *dir) {
        DIR *d = opendir(dir);
        if (!d) return errno == ENOENT || errno == ENOTDIR ? 0 : log_debug_errno(errno, "%s: %m", dir);
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.') continue;
                if ((r = note_config_dir(m, prio, dir, de->d_name)) < 0) break;
                if (!unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) continue;
                if (hashmap_get(m->entries, de->d_name)) continue;  /* an earlier directory wins */
                UnitFileEntry *e = calloc(1, sizeof *e);
                if (!e || !(e->name = strdup(de->d_name)) || (r = classify_entry(lp, dirfd(d), dir, de->d_name, e)) < 0 ||
                    (r = hashmap_put(m->entries, e->name, e)) < 0 ||
                    (e->kind == UNIT_FILE_ALIAS && (r = strv_builder_extend(&m->alias_names, e->name)) < 0)) {
                        if (r < 0 && hashmap_get(m->entries, de->d_name) == e) hashmap_remove(m->entries, de->d_name);
                        entry_free(e);
                        r = r < 0 ? r : -ENOMEM;
                        break;
                }
        }
        closedir(d);
        return r;
}

static const UnitFileEntry *resolve(const UnitFileMap *m, const char *name, const char **ret_name, int *err);

/* Every alias under the unit it leads to, once: Names= of a unit is then one lookup, not a walk
 * over every alias of the system for each unit loaded. */
static int index_aliases(UnitFileMap *m) {
        if (!(m->aliases_of = hashmap_new())) return -ENOMEM;
        STRV_FOREACH(k, m->alias_names.l) {
                const char *final = NULL;
                int err = 0;
                if (!resolve(m, *k, &final, &err) || !final) continue;
                StrvBuilder *b = hashmap_get(m->aliases_of, final);
                if (!b) {
                        if (!(b = calloc(1, sizeof *b))) return -ENOMEM;
                        if (hashmap_put(m->aliases_of, final, b) < 0) {
                                free(b);
                                return -ENOMEM;
                        }
                }
                if (strv_builder_extend(b, *k) < 0) return -ENOMEM;
        }
        return 0;
}

int unit_file_map_build(UnitFileMap *m, const LookupPaths *lp) {
        *m = (UnitFileMap){0};
        if (!(m->entries = hashmap_new()) || !(m->dirs = hashmap_new())) return -ENOMEM;
        size_t prio = 0;
        STRV_FOREACH(dir, lp->search_path) {
                int r = scan_dir(m, lp, prio++, *dir);
                if (r < 0) return r;
        }
        m->n_search_dirs = prio;
        return index_aliases(m);
}

void unit_file_map_done(UnitFileMap *m) {
        strv_builder_done(&m->alias_names);
        size_t i = 0;
        void *v;
        while (m->aliases_of && hashmap_iterate(m->aliases_of, &i, NULL, &v)) {
                strv_builder_done(v);
                free(v);
        }
        hashmap_free(m->aliases_of);
        m->aliases_of = NULL;
        i = 0;
        const char *k;
        while (m->dirs && hashmap_iterate(m->dirs, &i, &k, &v)) {
                ConfigDirList *l = v;
                for (size_t j = 0; j < l->n; j++) free(l->v[j].path);
                free(l->v);
                free(l->name);
                free(l);
        }
        hashmap_free(m->dirs);
        m->dirs = NULL;
        if (!m->entries) return;
        i = 0;
        while (hashmap_iterate(m->entries, &i, &k, &v)) entry_free(v);
        hashmap_free(m->entries);
        m->entries = NULL;
}

/* Follow aliases from `name`. Returns the final entry or NULL; *ret_name is its name. */
static const UnitFileEntry *resolve(const UnitFileMap *m, const char *name, const char **ret_name, int *err) {
        const char *cur = name;
        for (int hop = 0; hop < SYMLINK_MAX_HOPS; hop++) {
                const UnitFileEntry *e = hashmap_get(m->entries, cur);
                if (!e || e->kind != UNIT_FILE_ALIAS) {
                        *ret_name = cur;
                        return e;
                }
                cur = e->target;
        }
        *err = -ELOOP;
        return NULL;
}

int unit_file_find_fragment(const UnitFileMap *m, const char *name, char **ret_id, char **ret_fragment, bool *ret_masked) {
        const char *final = NULL;
        int err = 0;
        *ret_fragment = NULL;
        *ret_id = NULL;
        *ret_masked = false;
        const UnitFileEntry *e = resolve(m, name, &final, &err);
        if (err < 0) return err;
        _cleanup_free_ char *inst_id = NULL;
        if (!e && unit_name_classify(name) == UNIT_NAME_INSTANCE) {
                /* No file for the instance itself: use the template, possibly an alias of one. */
                _cleanup_free_ char *tmpl = NULL, *instance = NULL;
                int r = unit_name_template(name, &tmpl);
                if (r < 0) return r;
                if ((r = unit_name_to_instance(name, &instance)) < 0) return r;
                e = resolve(m, tmpl, &final, &err);
                if (err < 0) return err;
                if (e && (r = unit_name_replace_instance(final, instance, &inst_id)) < 0) return r;
                final = inst_id;
        }
        if (!e) return -ENOENT;
        if (!(*ret_id = strdup(final))) return -ENOMEM;
        if (e->kind == UNIT_FILE_MASKED) { *ret_masked = true; return 0; }
        if (e->kind == UNIT_FILE_BROKEN) return e->error;
        return (*ret_fragment = strdup(e->fragment)) ? 0 : -ENOMEM;
}

int unit_file_aliases_of(const UnitFileMap *m, const char *id, char ***ret) {
        _cleanup_(strv_builder_done) StrvBuilder l = {0};
        const StrvBuilder *b = hashmap_get(m->aliases_of, id);
        STRV_FOREACH(k, b ? b->l : NULL)
                if (!streq(*k, id) && strv_builder_extend(&l, *k) < 0) return -ENOMEM;
        if (l.n == 0) {
                *ret = NULL;
                return 0;
        }
        return (*ret = strv_builder_steal(&l)) ? 0 : -ENOMEM;
}

/* Candidate directory base names for a unit name, most specific first: the name, its template,
 * then dash prefixes ("foo-bar-.service", "foo-.service"). */
static int dir_names_for(StrvIndex *x, const char *name, char ***out) {
        int r = strv_index_push_unique(x, out, strdup(name));
        if (r < 0) return r;
        if (unit_name_classify(name) == UNIT_NAME_INSTANCE) {
                char *t = NULL;
                if ((r = unit_name_template(name, &t)) < 0) return r;
                if ((r = strv_index_push_unique(x, out, t)) < 0) return r;
        }
        _cleanup_strv_free_ char **prefixes = NULL;
        if ((r = unit_name_dropin_prefixes(name, &prefixes)) < 0) return r;
        STRV_FOREACH(p, prefixes)
                if ((r = strv_index_push_unique(x, out, strdup(*p))) < 0) return r;
        return 0;
}

typedef struct DropinFile {
        char *base, *path;
        bool masked;
} DropinFile;

/* The files found so far, and their names: a name found again (in a later directory) is masked,
 * checked in O(1) whatever the number of drop-ins. */
typedef struct DropinSet {
        DropinFile *v;
        size_t n, cap;
        Hashmap *names;
} DropinSet;

static void dropin_set_done(DropinSet *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->v[i].base);
                free(s->v[i].path);
        }
        free(s->v);
        hashmap_free(s->names);
}

static int dropin_set_add(DropinSet *s, const char *name, char *path, bool masked) {
        if (s->n == s->cap) {
                size_t nc = s->cap ? s->cap * 2 : 16;
                DropinFile *v = realloc(s->v, nc * sizeof *v);
                if (!v) return -ENOMEM;
                s->v = v;
                s->cap = nc;
        }
        DropinFile f = { .base = strdup(name), .path = path, .masked = masked };
        if (!f.base || hashmap_put(s->names, f.base, f.base) < 0) {
                free(f.base);
                return -ENOMEM;
        }
        s->v[s->n++] = f;
        return 0;
}

static int cmp_dropin(const void *a, const void *b) {
        return strcmp(((const DropinFile *)a)->base, ((const DropinFile *)b)->base);
}

static int collect_dir(const char *dir, const char *suffix, DropinSet *files) {
        DIR *d = opendir(dir);
        if (!d) return 0;
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.') continue;
                if (suffix ? !endswith(de->d_name, suffix) : !unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) continue;
                if (hashmap_get(files->names, de->d_name)) continue;  /* masked by an earlier directory */
                struct stat st;
                _cleanup_free_ char *p = strjoin(dir, "/", de->d_name);
                if (!p) { r = -ENOMEM; break; }
                bool masked = false;
                if (suffix) {  /* drop-in file: must be a readable regular file; empty or /dev/null masks */
                        if (stat(p, &st) < 0) continue;
                        if (S_ISDIR(st.st_mode)) continue;
                        masked = null_or_empty(&st);
                } else if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
                        char buf[16];
                        ssize_t k = readlink(p, buf, sizeof buf - 1);
                        masked = k == 9 && memcmp(buf, "/dev/null", 9) == 0;
                }
                if ((r = dropin_set_add(files, de->d_name, p, masked)) < 0) break;
                TAKE_PTR(p);
        }
        closedir(d);
        return r;
}

static int find_in_dirs(const LookupPaths *lp, const UnitFileMap *m, char *const *names, const char *dir_suffix,
                        const char *file_suffix, bool with_type_dir, char ***ret) {
        _cleanup_strv_free_ char **dirnames = NULL;
        _cleanup_(strv_index_freep) StrvIndex *dx = strv_index_new();   /* NULL: plain scans */
        _cleanup_(dropin_set_done) DropinSet files = { .names = hashmap_new() };
        _cleanup_(strv_builder_done) StrvBuilder l = {0};
        int r = 0;
        if (!files.names) return -ENOMEM;
        STRV_FOREACH(n, names)
                if ((r = dir_names_for(dx, *n, &dirnames)) < 0) return r;
        if (with_type_dir && names && names[0]) {
                UnitType t = unit_name_to_type(names[0]);
                if (t >= 0 && (r = strv_index_extend(dx, &dirnames, unit_type_to_string(t))) < 0) return r;
        }
        /* Directory priority first, then specificity within a directory (as systemd 252). */
        if (m && m->dirs) {
                /* Known directories only: for each search directory in order, the candidate names
                 * in order of specificity, looked up by name rather than probed on disk. */
                size_t nd = strv_length(dirnames);
                _cleanup_free_ const ConfigDirList **lists = calloc(nd ? nd : 1, sizeof *lists);
                if (!lists) return -ENOMEM;
                for (size_t k = 0; k < nd; k++) {
                        _cleanup_free_ char *key = strjoin(dirnames[k], dir_suffix);
                        if (!key) return -ENOMEM;
                        lists[k] = hashmap_get(m->dirs, key);
                }
                for (size_t prio = 0; r >= 0 && prio < m->n_search_dirs; prio++)
                        for (size_t k = 0; r >= 0 && k < nd; k++)
                                for (size_t j = 0; lists[k] && j < lists[k]->n && r >= 0; j++)
                                        if (lists[k]->v[j].prio == prio) r = collect_dir(lists[k]->v[j].path, file_suffix, &files);
                if (r < 0) return r;
        } else
                STRV_FOREACH(dir, lp->search_path) {
                        STRV_FOREACH(dn, dirnames) {
                                _cleanup_free_ char *p = strjoin(*dir, "/", *dn, dir_suffix);
                                if (!p) return -ENOMEM;
                                if ((r = collect_dir(p, file_suffix, &files)) < 0) return r;
                        }
                }
        if (files.n > 1) qsort(files.v, files.n, sizeof *files.v, cmp_dropin);
        for (size_t i = 0; i < files.n; i++) {
                if (files.v[i].masked) continue;
                if ((r = strv_builder_extend(&l, file_suffix ? files.v[i].path : files.v[i].base)) < 0) return r;
        }
        return (*ret = strv_builder_steal(&l)) ? 0 : -ENOMEM;
}

int unit_file_find_dropins(const LookupPaths *lp, const UnitFileMap *m, char *const *names, char ***ret) {
        return find_in_dirs(lp, m, names, ".d", ".conf", true, ret);
}

int unit_file_find_dependency_dir(const LookupPaths *lp, const UnitFileMap *m, char *const *names,
                                  const char *suffix, char ***ret) {
        return find_in_dirs(lp, m, names, suffix, NULL, false, ret);
}

uint64_t path_mtime_ns(const char *path) {
        struct stat st;
        if (!path || stat(path, &st) < 0) return 0;
        return (uint64_t)st.st_mtim.tv_sec * UINT64_C(1000000000) + (uint64_t)st.st_mtim.tv_nsec;
}

uint64_t lookup_paths_stamp(const LookupPaths *lp) {
        uint64_t h = UINT64_C(14695981039346656037);   /* FNV-1a over (index, mtime) of each directory */
        size_t i = 0;
        STRV_FOREACH(d, lp->search_path) {
                uint64_t v[2] = { i++, path_mtime_ns(*d) };
                const unsigned char *b = (const unsigned char *)v;
                for (size_t k = 0; k < sizeof v; k++) h = (h ^ b[k]) * UINT64_C(1099511628211);
        }
        return h;
}
