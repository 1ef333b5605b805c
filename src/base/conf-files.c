/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/conf-files.h"
#include "base/hashmap.h"
#include "base/strv.h"
#include "base/util.h"

static const char *file_name(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

/* Appends what b holds to *files with one reallocation; b's strings move. */
static int append_all(char ***files, StrvBuilder *b) {
        size_t n = strv_length(*files);
        if (b->n == 0) return 0;
        char **l = realloc(*files, (n + b->n + 1) * sizeof(char *));
        if (!l) return -ENOMEM;
        memcpy(l + n, b->l, b->n * sizeof(char *));
        l[n + b->n] = NULL;
        *files = l;
        free(b->l);
        *b = (StrvBuilder){0};
        return 0;
}

/* The file names already listed (the earlier directory wins) and those of this directory, in a
 * hash set: a directory of N drop-ins is read in O(N), not O(N²). */
int conf_files_add_dir(const char *root, const char *dir, const char *suffix, char ***files) {
        _cleanup_free_ char *path = strjoin(root ? root : "", dir);
        if (!path) return -ENOMEM;
        DIR *d = opendir(path);
        if (!d) return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        Hashmap *names = hashmap_new();
        _cleanup_(strv_builder_done) StrvBuilder found = {0};
        int r = names ? 0 : -ENOMEM;
        STRV_FOREACH(f, r >= 0 ? *files : NULL)
                if ((r = hashmap_put(names, file_name(*f), *f)) == -EEXIST) r = 0;
                else if (r < 0) break;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                if (de->d_name[0] == '.' || !endswith(de->d_name, suffix) || hashmap_get(names, de->d_name)) continue;
                if ((r = strv_builder_push(&found, strjoin(path, "/", de->d_name))) < 0) break;
                if ((r = hashmap_put(names, file_name(found.l[found.n - 1]), found.l[found.n - 1])) < 0) break;
        }
        closedir(d);
        hashmap_free(names);
        return r < 0 ? r : append_all(files, &found);
}

static int cmp_file_name(const void *a, const void *b) {
        return strcmp(file_name(*(char *const *)a), file_name(*(char *const *)b));
}

void conf_files_sort(char **files) {
        size_t n = strv_length(files);
        if (n > 1) qsort(files, n, sizeof *files, cmp_file_name);
}

int conf_files_list(const char *root, const char *const *dirs, const char *suffix, char ***ret) {
        _cleanup_strv_free_ char **files = NULL;
        for (const char *const *d = dirs; *d; d++) {
                int r = conf_files_add_dir(root, *d, suffix, &files);
                if (r < 0) return r;
        }
        conf_files_sort(files);
        *ret = TAKE_PTR(files);
        return 0;
}
