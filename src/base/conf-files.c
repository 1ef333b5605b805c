/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/conf-files.h"
#include "base/strv.h"
#include "base/util.h"

static const char *file_name(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

static bool has_file_name(char *const *files, const char *name) {
        STRV_FOREACH(f, files)
                if (streq(file_name(*f), name)) return true;
        return false;
}

int conf_files_add_dir(const char *root, const char *dir, const char *suffix, char ***files) {
        _cleanup_free_ char *path = strjoin(root ? root : "", dir);
        if (!path) return -ENOMEM;
        DIR *d = opendir(path);
        if (!d) return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        int r = 0;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                if (de->d_name[0] == '.' || !endswith(de->d_name, suffix) || has_file_name(*files, de->d_name)) continue;
                char *p = strjoin(path, "/", de->d_name);
                r = p ? strv_push(files, p) : -ENOMEM;
        }
        closedir(d);
        return r;
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
