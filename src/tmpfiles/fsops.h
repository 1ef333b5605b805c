/* SPDX-License-Identifier: MIT */
#pragma once
/* Internal to src/tmpfiles: file-system helpers for the item actions — symlink resolution inside a
 * root, ownership/mode fixes as 252's fd_set_perms(), rm -rf, tree copies. */
#include <stdbool.h>
#include <sys/stat.h>
#include "tmpfiles/item.h"

typedef enum CreationMode {
        CREATION_NORMAL,
        CREATION_EXISTING,
        CREATION_FORCE,
        CREATION_INVALID,
} CreationMode;

#define PROC_FD_PATH_MAX 32
char *proc_fd_path(char buf[static PROC_FD_PATH_MAX], int fd);

/* Resolves path (with the root prefix) following symlinks inside the root, like chase_symlinks()
 * with a root. nofollow_last: a final symlink is opened itself. Returns an O_PATH fd or -errno. */
int chase_open(const TmpfilesContext *ctx, const char *path, bool nofollow_last);
/* 252's path_open_parent_safe() / path_open_safe(), with their messages. */
int open_parent_logged(const TmpfilesContext *ctx, const char *path, bool allow_failure);
int open_path_logged(const TmpfilesContext *ctx, const char *path);

/* Ownership and mode of an item applied to fd (O_PATH is fine); st may be NULL. */
int fd_set_perms(const Item *i, int fd, const char *path, const struct stat *st, CreationMode creation);

/* rm -rf of the entry `name` in dirfd (itself too unless only_contents); stays on one file system. */
int rm_rf_at(int dirfd, const char *name, bool only_contents);
/* Copies the tree at src to dirfd/name (preserving modes, times; owner overridden if uid/gid not
 * -1). An existing empty directory is merged into; anything else existing → -EEXIST. */
int copy_tree_at(const char *src, int dirfd, const char *name, uid_t uid, gid_t gid);
/* 252's mkdir_parents_rm_if_wrong_type() for the '=' modifier; child_type 0: parents only. */
int mkdir_parents_replace(const char *path, mode_t child_type);

/* Base name of path; -EISDIR if it ends in '/' or is "/". */
int path_basename(const char *path, char **ret);
char *path_dirname(const char *path);
