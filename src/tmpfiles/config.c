/* SPDX-License-Identifier: MIT */
/* The tmpfiles.d search path, the file list (overrides by basename, basename order) and reading
 * one file line by line. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/conf-files.h"
#include "base/log.h"
#include "base/strv.h"
#include "tmpfiles/item.h"

#define CONFIG_FILE_MAX (64u << 20)

/* Debian 12's systemd is built with split-usr: /lib/tmpfiles.d is searched too. */
static const char *const config_dirs[] = {
        "/etc/tmpfiles.d", "/run/tmpfiles.d", "/usr/local/lib/tmpfiles.d", "/usr/lib/tmpfiles.d", "/lib/tmpfiles.d",
};

char **tmpfiles_config_dirs(void) {
        char **l = NULL;
        for (size_t k = 0; k < ELEMENTSOF(config_dirs); k++)
                if (strv_extend(&l, config_dirs[k]) < 0) {
                        strv_free(l);
                        return NULL;
                }
        return l;
}

int tmpfiles_config_files(const char *root, char ***ret) {
        _cleanup_strv_free_ char **files = NULL;
        for (size_t k = 0; k < ELEMENTSOF(config_dirs); k++) {
                int r = conf_files_add_dir(root, config_dirs[k], ".conf", &files);
                if (r < 0)
                        return r == -ENOMEM ? r : log_debug_errno(-r, "Failed to open directory '%s%s': %s", strempty(root),
                                                                  config_dirs[k], strerror(-r));
        }
        conf_files_sort(files);
        *ret = TAKE_PTR(files);
        return 0;
}

/* An absolute name is opened as is (also with a root, as 252); a bare name is looked up in the
 * search path below the root. */
static int open_config(const char *root, const char *fn, char **ret_path, char **ret_data) {
        if (fn[0] == '/') {
                if (!(*ret_path = strdup(fn))) return -ENOMEM;
                return read_file_bounded(AT_FDCWD, fn, CONFIG_FILE_MAX, ret_data, NULL);
        }
        for (size_t k = 0; k < ELEMENTSOF(config_dirs); k++) {
                _cleanup_free_ char *p = strjoin(strempty(root), config_dirs[k], "/", fn);
                if (!p) return -ENOMEM;
                int r = read_file_bounded(AT_FDCWD, p, CONFIG_FILE_MAX, ret_data, NULL);
                if (r == -ENOENT) continue;
                if (r < 0) return r;
                *ret_path = TAKE_PTR(p);
                return 0;
        }
        return -ENOENT;
}

static int read_stdin(char **ret) {
        Buf b = {0};
        char chunk[4096];
        size_t n;
        int r = 0;
        while (r >= 0 && (n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
                r = b.len + n > CONFIG_FILE_MAX ? -EFBIG : buf_put(&b, chunk, n);
        if (r >= 0 && ferror(stdin)) r = -EIO;
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        return (*ret = buf_steal(&b)) ? 0 : -ENOMEM;
}

static bool fnmatch_path(const char *pattern, const char *s) {
        return fnmatch(pattern, s, FNM_PATHNAME | FNM_PERIOD) == 0;
}

static bool is_dir_line(const Item *j) {
        return strchr("dDvqQ", (int)j->type) != NULL;
}

/* 252's choice for one 'X' line, as it makes it: over every line that creates a directory, in the
 * order the paths were first named, the one at the X line's path, else the first one above it,
 * then one below that one matching the X line's glob. O(all lines): used for globs only. */
static Item *x_candidate_scan(TmpfilesContext *ctx, const Item *i) {
        Item *cand = NULL;
        size_t ji = 0;
        void *jv;
        while (hashmap_iterate(ctx->items, &ji, NULL, &jv)) {
                ItemArray *ja = jv;
                for (size_t m = 0; m < ja->n_items; m++) {
                        Item *j = ja->items + m;
                        if (!is_dir_line(j)) continue;
                        if (streq(j->path, i->path)) {
                                cand = j;
                                break;
                        }
                        if (cand ? tmpfiles_path_startswith(j->path, cand->path) && fnmatch_path(i->path, j->path)
                                 : tmpfiles_path_startswith(i->path, j->path))
                                cand = j;
                }
        }
        return cand;
}

/* The same for a path without glob characters, from lookups: fnmatch() of such a path is string
 * equality, so the scan above ends at the line at the path itself if there is one, else at the
 * first line (in that order) of the paths above it; `first` maps a path to the position of its
 * first directory line + 1. O(depth of the path). */
static Item *x_candidate_literal(TmpfilesContext *ctx, Hashmap *first, const Item *i) {
        ItemArray *eq = hashmap_get(ctx->items, i->path);
        for (size_t m = 0; eq && m < eq->n_items; m++)
                if (is_dir_line(eq->items + m)) return eq->items + m;
        _cleanup_free_ char *p = strdup(i->path);
        if (!p) return x_candidate_scan(ctx, i);
        Item *best = NULL;
        size_t best_pos = SIZE_MAX;
        for (char *s = strrchr(p, '/'); s; s = s > p ? memrchr(p, '/', (size_t)(s - p)) : NULL) {
                char c = s[s == p];
                s[s == p] = 0;   /* "/a/b" -> "/a", then "/" */
                size_t pos = (size_t)(uintptr_t)hashmap_get(first, p);
                ItemArray *a = pos ? hashmap_get(ctx->items, p) : NULL;
                if (a && pos < best_pos)
                        for (size_t m = 0; m < a->n_items; m++)
                                if (is_dir_line(a->items + m)) {
                                        best = a->items + m;
                                        best_pos = pos;
                                        break;
                                }
                s[s == p] = c;
                if (s == p) break;
        }
        return best;
}

/* 252 gives an 'X' line the age of the directory line it finds for it (see x_candidate_scan()). */
static void propagate_x_ages(TmpfilesContext *ctx) {
        Hashmap *first = hashmap_new();   /* path with a directory line → its position + 1 */
        size_t ji = 0, pos = 0;
        const char *jk;
        void *jv;
        while (first && hashmap_iterate(ctx->items, &ji, &jk, &jv)) {
                ItemArray *ja = jv;
                pos++;
                for (size_t m = 0; m < ja->n_items; m++)
                        if (is_dir_line(ja->items + m)) {
                                if (hashmap_put(first, jk, (void *)(uintptr_t)pos) < 0) {
                                        hashmap_free(first);
                                        first = NULL;   /* out of memory: every X line scans */
                                }
                                break;
                        }
        }
        size_t gi = 0;
        void *gv;
        while (hashmap_iterate(ctx->globs, &gi, NULL, &gv)) {
                ItemArray *ia = gv;
                for (size_t n = 0; n < ia->n_items; n++) {
                        Item *i = ia->items + n;
                        if (i->type != IGNORE_DIRECTORY_PATH) continue;
                        Item *cand = first && !strpbrk(i->path, "*?[\\") ? x_candidate_literal(ctx, first, i)
                                                                           : x_candidate_scan(ctx, i);
                        if (cand && cand->age_set) {
                                i->age = cand->age;
                                i->age_set = true;
                        }
                }
        }
        hashmap_free(first);
}

static void parse_lines(TmpfilesContext *ctx, const char *fn, char *data, int *r) {
        unsigned line = 0;
        for (char *p = data; *p;) {
                size_t n = strcspn(p, "\r\n");
                char *next = p + n;
                if (*next == '\r' && next[1] == '\n') *next++ = 0;
                if (*next) *next++ = 0;
                line++;
                char *l = strstrip(p);
                p = next;
                if (*l == 0 || *l == '#') continue;
                bool before = ctx->invalid_config;
                ctx->invalid_config = false;
                int k = tmpfiles_parse_line(ctx, fn, line, l);
                bool invalid = ctx->invalid_config;
                ctx->invalid_config = before || invalid;
                if (k < 0 && !invalid && *r == 0) *r = k;  /* the first error becomes the result */
        }
}

int tmpfiles_read_config(TmpfilesContext *ctx, const char *fn, bool ignore_enoent) {
        _cleanup_free_ char *path = NULL, *data = NULL;
        int r;
        if (streq(fn, "-")) {
                if (!(path = strdup("<stdin>"))) return log_oom();
                r = read_stdin(&data);
        } else
                r = open_config(ctx->root, fn, &path, &data);
        if (r < 0) {
                if (ignore_enoent && r == -ENOENT) return 0;
                if (r == -ENOMEM) return log_oom();
                return log_error_errno(r, "Failed to open '%s': %m", fn);
        }
        log_debug("Reading config file \"%s\"…", path);
        r = 0;
        parse_lines(ctx, path, data, &r);
        tmpfiles_sort_items(ctx);
        propagate_x_ages(ctx);
        return r;
}
