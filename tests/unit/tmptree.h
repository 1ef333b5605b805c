/* SPDX-License-Identifier: MIT */
#pragma once
/* Build small file trees for tests: tmptree_new() makes a temporary directory; tmptree_write()
 * creates a file (and its parent directories) below it; tmptree_link() a symlink; tmptree_free()
 * removes it all. Header-only. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline char *tmptree_new(void) {
        char tmpl[] = "/tmp/tinysd-test-XXXXXX";
        char *d = mkdtemp(tmpl);
        return d ? strdup(d) : NULL;
}

static inline void tmptree_mkdirs(const char *path) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        mkdir(buf, 0755);
                        *p = '/';
                }
}

static inline void tmptree_write(const char *root, const char *rel, const char *content) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, rel);
        tmptree_mkdirs(path);
        FILE *f = fopen(path, "we");
        if (!f) abort();
        fputs(content, f);
        fclose(f);
}

static inline void tmptree_link(const char *root, const char *rel, const char *target) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, rel);
        tmptree_mkdirs(path);
        unlink(path);
        if (symlink(target, path) < 0) abort();
}

static inline void tmptree_mkdir(const char *root, const char *rel) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/", root, rel);
        tmptree_mkdirs(path);
}

static int tmptree_rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st; (void)flag; (void)ftw;
        return remove(p);
}

static inline void tmptree_free(char *root) {
        if (!root) return;
        nftw(root, tmptree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(root);
}
