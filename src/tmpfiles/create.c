/* SPDX-License-Identifier: MIT */
/* The create action of each line type, with systemd 252's semantics and messages. */
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include "base/escape.h"
#include "base/glob-util.h"
#include "base/log.h"
#include "tmpfiles/exec.h"
#include "tmpfiles/fsops.h"

/* chattr flags and ioctls (kernel ABI; <linux/fs.h> is not available with musl) */
#define TF_IOC_GETFLAGS _IOR('f', 1, long)
#define TF_IOC_SETFLAGS _IOW('f', 2, long)
enum {
        TF_SECRM_FL = 0x1, TF_UNRM_FL = 0x2, TF_COMPR_FL = 0x4, TF_SYNC_FL = 0x8, TF_IMMUTABLE_FL = 0x10,
        TF_APPEND_FL = 0x20, TF_NODUMP_FL = 0x40, TF_NOATIME_FL = 0x80, TF_JOURNAL_DATA_FL = 0x4000,
        TF_NOTAIL_FL = 0x8000, TF_DIRSYNC_FL = 0x10000, TF_TOPDIR_FL = 0x20000, TF_EXTENT_FL = 0x80000,
        TF_NOCOW_FL = 0x800000, TF_PROJINHERIT_FL = 0x20000000,
};

static const char *item_data(const Item *i, size_t *n) {
        *n = i->binary ? i->binary_size : i->argument ? strlen(i->argument) : 0;
        return i->binary ? i->binary : i->argument;
}

static int write_data(const Item *i, int fd, const char *path) {
        size_t n;
        const char *d = item_data(i, &n);
        for (size_t off = 0; off < n;) {
                ssize_t w = write(fd, d + off, n - off);
                if (w < 0) return log_error_errno(errno, "Failed to write file \"%s\": %m", path);
                off += (size_t)w;
        }
        return 0;
}

/* The parent fd and base name of an item path; -EISDIR (logged with `what`) for "dir/". */
static int open_parent_and_name(TmpfilesContext *ctx, const Item *i, const char *path, const char *what, char **bn) {
        int r = path_basename(path, bn);
        if (r == -EISDIR) return log_error_errno(EISDIR, "Cannot open path '%s' for %s, is a directory.", path, what);
        if (r < 0) return log_error_errno(r, "Failed to extract filename from path '%s': %m", path);
        return open_parent_logged(ctx, path, i->allow_failure);
}

static int write_one_file(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        _cleanup_free_ char *bn = NULL;
        _cleanup_close_ int dfd = open_parent_and_name(ctx, i, path, "writing", &bn);
        if (dfd < 0) return dfd;
        _cleanup_close_ int fd = openat(dfd, bn, O_NONBLOCK | O_CLOEXEC | O_WRONLY | O_NOCTTY |
                                                         (i->append_or_force ? O_APPEND : 0), i->mode);
        if (fd < 0) {
                if (errno == ENOENT) return log_debug_errno(errno, "Not writing missing file \"%s\": %m", path), 0;
                if (i->allow_failure) return log_debug_errno(errno, "Failed to open file \"%s\", ignoring: %m", path);
                return log_error_errno(errno, "Failed to open file \"%s\": %m", path);
        }
        int r = write_data(i, fd, path);
        return r < 0 ? r : fd_set_perms(i, fd, path, NULL, creation);
}

static int create_file(TmpfilesContext *ctx, Item *i) {
        _cleanup_free_ char *bn = NULL;
        _cleanup_close_ int dfd = open_parent_and_name(ctx, i, i->path, "writing", &bn);
        if (dfd < 0) return dfd;
        mode_t old = umask(0);
        int fd = openat(dfd, bn, O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_WRONLY | O_NOCTTY, i->mode);
        int e = errno;
        umask(old);
        if (fd >= 0) {
                _cleanup_close_ int f = fd;
                int r = write_data(i, f, i->path);
                return r < 0 ? r : fd_set_perms(i, f, i->path, NULL, CREATION_NORMAL);
        }
        if (e != EEXIST) return log_error_errno(e, "Failed to create file %s: %m", i->path);
        _cleanup_close_ int f = openat(dfd, bn, O_NOFOLLOW | O_CLOEXEC | O_PATH);
        struct stat st;
        if (f < 0) return log_error_errno(errno, "Failed to re-open file %s: %m", i->path);
        if (fstat(f, &st) < 0) return log_error_errno(errno, "stat(%s) failed: %m", i->path);
        if (!S_ISREG(st.st_mode)) return log_error_errno(EEXIST, "%s exists and is not a regular file.", i->path);
        return fd_set_perms(i, f, i->path, &st, CREATION_EXISTING);
}

static int truncate_file(TmpfilesContext *ctx, Item *i) {
        _cleanup_free_ char *bn = NULL;
        _cleanup_close_ int dfd = open_parent_and_name(ctx, i, i->path, "truncation", &bn);
        if (dfd < 0) return dfd;
        CreationMode creation = CREATION_EXISTING;
        int flags = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_WRONLY | O_NOCTTY;
        _cleanup_close_ int fd = openat(dfd, bn, flags, i->mode);
        if (fd < 0 && errno == ENOENT) {
                creation = CREATION_NORMAL;
                mode_t old = umask(0);
                fd = openat(dfd, bn, flags | O_CREAT, i->mode);
                int e = errno;
                umask(old);
                errno = e;
        }
        if (fd < 0) return log_error_errno(errno, "Failed to open/create file %s: %m", i->path);
        struct stat st;
        if (fstat(fd, &st) < 0) return log_error_errno(errno, "stat(%s) failed: %m", i->path);
        if (!S_ISREG(st.st_mode)) return log_error_errno(EEXIST, "%s exists and is not a regular file.", i->path);
        bool truncated = st.st_size > 0;
        if (truncated && ftruncate(fd, 0) < 0) return log_error_errno(errno, "Failed to truncate file %s: %m", i->path);
        int r = write_data(i, fd, i->path);
        if (r < 0) return r;
        return fd_set_perms(i, fd, i->path, truncated ? NULL : &st, creation);
}

/* mkdir; returns an O_PATH fd of the directory, -EEXIST (logged) if something else is there. */
static int create_dir(TmpfilesContext *ctx, const char *path, mode_t mode, bool allow_failure, struct stat *st,
                      CreationMode *creation) {
        _cleanup_free_ char *bn = NULL;
        int r = path_basename(path, &bn);
        if (r < 0 && r != -EISDIR) return log_error_errno(r, "Failed to extract filename from path '%s': %m", path);
        if (r == -EISDIR) return log_error_errno(r, "Failed to extract filename from path '%s': %m", path);
        _cleanup_close_ int pfd = open_parent_logged(ctx, path, allow_failure);
        if (pfd < 0) return pfd;
        mode_t old = umask(0);
        r = mkdirat(pfd, bn, mode) < 0 ? -errno : 0;
        umask(old);
        *creation = r >= 0 ? CREATION_NORMAL : CREATION_EXISTING;
        int fd = openat(pfd, bn, O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY | O_PATH);
        if (fd < 0) {
                if (errno == ENOTDIR) return log_error_errno(EEXIST, "\"%s\" already exists and is not a directory.", path);
                if (r < 0)
                        return log_full_errno(allow_failure ? LOG_INFO : LOG_ERR, r,
                                              "Failed to create directory or subvolume \"%s\"%s: %m", path,
                                              allow_failure ? ", ignoring" : "");
                return log_error_errno(errno, "Failed to open directory/subvolume we just created '%s': %m", path);
        }
        if (fstat(fd, st) < 0) {
                r = log_error_errno(errno, "Failed to fstat(%s): %m", path);
                close(fd);
                return r;
        }
        return fd;
}

static int create_directory(TmpfilesContext *ctx, Item *i) {
        struct stat st;
        CreationMode creation = CREATION_EXISTING;
        _cleanup_close_ int fd = create_dir(ctx, i->path, i->mode, i->allow_failure, &st, &creation);
        if (fd == -EEXIST) return 0;
        if (fd < 0) return fd;
        return fd_set_perms(i, fd, i->path, &st, creation);
}

/* Shared by fifo, device node and symlink: replace what is there (the '+' modifier) — rename a
 * fresh node over it, or rm -rf a directory first. make() creates the node under a name. */
typedef int (*make_fn)(const Item *i, int dfd, const char *name, mode_t type);

static int make_fifo(const Item *i, int dfd, const char *name, mode_t type) {
        (void)type;
        mode_t old = umask(0);
        int r = mkfifoat(dfd, name, i->mode) < 0 ? -errno : 0;
        umask(old);
        return r;
}

static int make_node(const Item *i, int dfd, const char *name, mode_t type) {
        mode_t old = umask(0);
        int r = mknodat(dfd, name, i->mode | type, i->major_minor) < 0 ? -errno : 0;
        umask(old);
        return r;
}

static int make_symlink(const Item *i, int dfd, const char *name, mode_t type) {
        (void)type;
        return symlinkat(i->argument, dfd, name) < 0 ? -errno : 0;
}

static int replace_node(const Item *i, int dfd, const char *bn, mode_t type, make_fn make) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, ".#tmpfiles%08x", (unsigned)random());
        int r = make(i, dfd, tmp, type);
        if (r >= 0 && renameat(dfd, tmp, dfd, bn) < 0) {
                r = -errno;
                (void)unlinkat(dfd, tmp, 0);
        }
        if (r == -EISDIR || r == -EEXIST || r == -ENOTEMPTY) {
                r = rm_rf_at(dfd, bn, false);
                if (r < 0) return log_error_errno(r, "rm -rf %s failed: %m", i->path);
                r = make(i, dfd, bn, type);
        }
        return r;
}

static bool node_good(const Item *i, int fd, const struct stat *st, mode_t type) {
        if ((st->st_mode & S_IFMT) != type) return false;
        if (type != S_IFLNK) return true;
        char target[4096];
        ssize_t k = readlinkat(fd, "", target, sizeof target - 1);
        if (k < 0) return false;
        target[k] = 0;
        return streq(target, i->argument);
}

static int create_node(TmpfilesContext *ctx, Item *i, mode_t type) {
        static const struct { mode_t type; const char *what, *name, *what_created; make_fn make; } kinds[] = {
                { S_IFIFO, "creating FIFO", "FIFO", "FIFO", make_fifo },
                { S_IFCHR, "creating device node", "device node", "device node", make_node },
                { S_IFBLK, "creating device node", "device node", "device node", make_node },
                { S_IFLNK, "creating FIFO", "symlink", "symlink", make_symlink },
        };
        size_t k = 0;
        while (kinds[k].type != type) k++;
        _cleanup_free_ char *bn = NULL;
        _cleanup_close_ int dfd = open_parent_and_name(ctx, i, i->path, kinds[k].what, &bn);
        if (dfd < 0) return dfd;
        int r = kinds[k].make(i, dfd, bn, type);
        CreationMode creation = r >= 0 ? CREATION_NORMAL : CREATION_EXISTING;
        _cleanup_close_ int fd = openat(dfd, bn, O_NOFOLLOW | O_CLOEXEC | O_PATH);
        if (fd < 0) {
                if (r < 0 && (type == S_IFCHR || type == S_IFBLK) && (r == -EPERM || r == -EACCES))
                        return log_debug_errno(r, "We lack permissions, possibly because of cgroup configuration; skipping creation of device node '%s'.", i->path), 0;
                if (r < 0) return log_error_errno(r, "Failed to create %s %s: %m", kinds[k].name, i->path);
                return log_error_errno(errno, "Failed to open %s we just created %s: %m", kinds[k].name, i->path);
        }
        struct stat st;
        if (fstat(fd, &st) < 0) return log_error_errno(errno, "Failed to fstat(%s): %m", i->path);
        if (!node_good(i, fd, &st, type)) {
                if (!i->append_or_force) {
                        if (type == S_IFLNK)
                                log_debug("\"%s\" is not a symlink or does not point to the correct path.", i->path);
                        else
                                log_warning("\"%s\" already exists and is not a %s.", i->path, kinds[k].name);
                        return 0;
                }
                close(fd);
                fd = -1;
                r = replace_node(i, dfd, bn, type, kinds[k].make);
                if (r < 0) return log_error_errno(r, "Failed to create %s %s: %m", kinds[k].name, i->path);
                if ((fd = openat(dfd, bn, O_NOFOLLOW | O_CLOEXEC | O_PATH)) < 0 || fstat(fd, &st) < 0)
                        return log_error_errno(errno, "Failed to open %s we just created '%s': %m", kinds[k].name, i->path);
                if ((st.st_mode & S_IFMT) != type)
                        return log_error_errno(EBADF, "%s we just created is not a %s, refusing.", kinds[k].what_created, kinds[k].name);
                creation = CREATION_FORCE;
        }
        return fd_set_perms(i, fd, i->path, &st, creation);
}

static int copy_files(TmpfilesContext *ctx, Item *i) {
        _cleanup_free_ char *bn = NULL;
        int r = path_basename(i->path, &bn);
        if (r < 0) return log_error_errno(r, "Failed to extract filename from path '%s': %m", i->path);
        _cleanup_close_ int dfd = open_parent_logged(ctx, i->path, i->allow_failure);
        if (dfd < 0) return dfd;
        r = copy_tree_at(i->argument, dfd, bn, i->uid_set ? i->uid : (uid_t)-1, i->gid_set ? i->gid : (gid_t)-1);
        _cleanup_close_ int fd = openat(dfd, bn, O_NOFOLLOW | O_CLOEXEC | O_PATH);
        if (fd < 0) {
                if (r < 0) return log_error_errno(r, "Failed to copy files to %s: %m", i->path);
                return log_error_errno(errno, "Failed to openat(%s): %m", i->path);
        }
        struct stat st, a;
        if (fstat(fd, &st) < 0) return log_error_errno(errno, "Failed to fstat(%s): %m", i->path);
        if (stat(i->argument, &a) < 0) return log_error_errno(errno, "Failed to stat(%s): %m", i->argument);
        if (((st.st_mode ^ a.st_mode) & S_IFMT) != 0)
                return log_debug("Can't copy to %s, file exists already and is of different type", i->path), 0;
        return fd_set_perms(i, fd, i->path, &st, CREATION_INVALID);
}

/* ---------------------------------------------------------------- globbing lines */

int tmpfiles_glob(TmpfilesContext *ctx, Item *i, glob_action_t action) {
        glob_t g = {0};
        int k = glob_brace(i->path, GLOB_NOSORT, &g), r = 0;
        if (k == GLOB_NOSPACE) return log_error_errno(ENOMEM, "glob(%s) failed: %m", i->path);
        if (k != 0 && k != GLOB_NOMATCH) {
                globfree(&g);
                return log_error_errno(EIO, "glob(%s) failed: %m", i->path);
        }
        for (size_t n = 0; k == 0 && n < g.gl_pathc; n++) {
                int q = action(ctx, i, g.gl_pathv[n], CREATION_EXISTING);
                if (q < 0 && r == 0) r = q;
        }
        globfree(&g);
        return r;
}

static int set_perms_action(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        _cleanup_close_ int fd = open_path_logged(ctx, path);
        return fd < 0 ? fd : fd_set_perms(i, fd, path, NULL, creation);
}

static int empty_directory(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        _cleanup_close_ int fd = chase_open(ctx, path, false);
        if (fd == -ENOENT) return log_debug_errno(fd, "Skipping missing directory: %s", path), 0;
        if (fd < 0) return log_error_errno(fd, "Failed to open directory '%s': %m", path);
        struct stat st;
        if (fstat(fd, &st) < 0) return log_error_errno(errno, "Failed to fstat(%s): %m", path);
        if (!S_ISDIR(st.st_mode)) return log_warning("'%s' already exists and is not a directory.", path), 0;
        return fd_set_perms(i, fd, path, &st, creation);
}

static int write_action(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        return write_one_file(ctx, i, path, creation);
}

/* Z: the item applied to the tree below each match (never following symlinks). */
static int recurse_perms(Item *i, int fd, const char *path, unsigned depth) {
        struct stat st;
        if (fstat(fd, &st) < 0) return log_error_errno(errno, "fstat() on file failed: %m");
        int r = fd_set_perms(i, fd, path, &st, CREATION_EXISTING);
        if (!S_ISDIR(st.st_mode) || depth > 256) return r;
        char p[PROC_FD_PATH_MAX];
        int dfd = open(proc_fd_path(p, fd), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!d) {
                int e = log_error_errno(errno, "Failed to opendir() '%s': %m", p);
                if (dfd >= 0) close(dfd);
                return r == 0 ? e : r;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, "..")) continue;
                int q;
                _cleanup_close_ int cfd = openat(fd, de->d_name, O_NOFOLLOW | O_CLOEXEC | O_PATH);
                _cleanup_free_ char *cp = strjoin(path, "/", de->d_name);
                if (cfd < 0) q = errno == ENOENT ? 0 : log_error_errno(errno, "Failed to open file '%s': %m", de->d_name);
                else q = cp ? recurse_perms(i, cfd, cp, depth + 1) : log_oom();
                if (q < 0 && r == 0) r = q;
        }
        closedir(d);
        return r;
}

static int recursive_perms_action(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        (void)ctx; (void)creation;
        _cleanup_close_ int fd = open(path, O_CLOEXEC | O_NOFOLLOW | O_PATH);
        if (fd < 0) return log_error_errno(errno, "Opening '%s' failed: %m", path);
        return recurse_perms(i, fd, path, 0);
}

/* ---------------------------------------------------------------- t T h H a A */

/* t/T: the pairs parsed from the argument. */
static int set_xattrs(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        (void)creation;
        _cleanup_close_ int fd = open_path_logged(ctx, path);
        if (fd < 0) return fd;
        char p[PROC_FD_PATH_MAX];
        for (char **x = i->xattrs; x && x[0] && x[1]; x += 2) {
                log_debug("Setting extended attribute '%s=%s' on %s.", x[0], x[1], path);
                if (setxattr(proc_fd_path(p, fd), x[0], x[1], strlen(x[1]), 0) < 0)
                        return log_error_errno(errno, "Setting extended attribute %s=%s on %s failed: %m", x[0], x[1], path);
        }
        return 0;
}

int tmpfiles_parse_attributes(const char *arg, const char *path, unsigned *value, unsigned *mask) {
        static const struct { char c; unsigned v; } attrs[] = {
                { 'A', TF_NOATIME_FL }, { 'S', TF_SYNC_FL }, { 'D', TF_DIRSYNC_FL }, { 'a', TF_APPEND_FL },
                { 'c', TF_COMPR_FL }, { 'd', TF_NODUMP_FL }, { 'e', TF_EXTENT_FL }, { 'i', TF_IMMUTABLE_FL },
                { 'j', TF_JOURNAL_DATA_FL }, { 's', TF_SECRM_FL }, { 'u', TF_UNRM_FL }, { 't', TF_NOTAIL_FL },
                { 'T', TF_TOPDIR_FL }, { 'C', TF_NOCOW_FL }, { 'P', TF_PROJINHERIT_FL },
        };
        const char *p = arg;
        char m = *p == '+' || *p == '-' || *p == '=' ? *p++ : '+';
        if (!*p && m != '=')
                return log_error_errno(EINVAL, "Setting file attribute on '%s' needs an attribute specification.", path);
        *value = *mask = 0;
        for (; *p; p++) {
                size_t k = 0;
                while (k < ELEMENTSOF(attrs) && attrs[k].c != *p) k++;
                if (k == ELEMENTSOF(attrs)) return log_error_errno(EINVAL, "Unknown file attribute '%c' on '%s'.", *p, path);
                if (m != '-') *value |= attrs[k].v;
                *mask |= attrs[k].v;
        }
        if (m == '=') {
                unsigned all = 0;
                for (size_t k = 0; k < ELEMENTSOF(attrs); k++) all |= attrs[k].v;
                *mask |= all;
        }
        return 0;
}

static int set_attributes(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation) {
        (void)creation;
        unsigned value, mask;
        int r = tmpfiles_parse_attributes(i->argument, i->path, &value, &mask);
        if (r < 0 || mask == 0) return r;
        _cleanup_close_ int pfd = open_path_logged(ctx, path);
        if (pfd < 0) return pfd;
        struct stat st;
        if (fstat(pfd, &st) < 0) return log_error_errno(errno, "fstat(%s) failed: %m", path);
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
                return log_error_errno(EINVAL, "Setting file flags is only supported on regular files and directories, cannot set on '%s'.", path);
        unsigned f = value & mask;
        if (!S_ISDIR(st.st_mode)) f &= ~TF_DIRSYNC_FL;
        char p[PROC_FD_PATH_MAX];
        _cleanup_close_ int fd = open(proc_fd_path(p, pfd), O_RDONLY | O_CLOEXEC | O_NOATIME);
        if (fd < 0 && errno == EPERM) fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return log_error_errno(errno, "Failed to re-open '%s': %m", path);
        int old = 0;
        if (ioctl(fd, TF_IOC_GETFLAGS, &old) < 0 ||
            ((old = (int)(((unsigned)old & ~mask) | f)), ioctl(fd, TF_IOC_SETFLAGS, &old) < 0))
                log_full_errno(errno == ENOTTY || errno == EOPNOTSUPP ? LOG_DEBUG : LOG_WARNING, errno,
                               "Cannot set file attributes for '%s', value=0x%08x, mask=0x%08x, ignoring: %m", path, value, mask);
        return 0;
}

/* What this build cannot apply, said once per line type and run. */
static int unsupported(TmpfilesContext *ctx, Item *i, const char *what) {
        if (!ctx->said_unsupported[i->type & 127])
                log_notice("%s are not supported by tinysd's tmpfiles, skipping '%c' lines.", what, (char)i->type);
        ctx->said_unsupported[i->type & 127] = true;
        return 0;
}

static int recursive_glob_action(TmpfilesContext *ctx, Item *i, glob_action_t action, const char *path) {
        /* T and H applied to each match and everything below it (no symlinks followed) */
        int r = action(ctx, i, path, CREATION_EXISTING);
        struct stat st;
        if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) return r;
        DIR *d = opendir(path);
        if (!d) return r;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, "..")) continue;
                _cleanup_free_ char *c = strjoin(path, "/", de->d_name);
                int q = c ? recursive_glob_action(ctx, i, action, c) : log_oom();
                if (q < 0 && r == 0) r = q;
        }
        closedir(d);
        return r;
}

static int xattrs_recursive(TmpfilesContext *ctx, Item *i, const char *path, CreationMode c) {
        (void)c;
        return recursive_glob_action(ctx, i, set_xattrs, path);
}

static int attributes_recursive(TmpfilesContext *ctx, Item *i, const char *path, CreationMode c) {
        (void)c;
        return recursive_glob_action(ctx, i, set_attributes, path);
}

/* ---------------------------------------------------------------- dispatch */

static int mkdir_parents_item(Item *i, mode_t child_type) {
        if (i->try_replace) {
                int r = mkdir_parents_replace(i->path, child_type);
                return r < 0 && r != -ENOENT ? r : 0;
        }
        /* the parents get exactly 0755, whatever our umask; errors are ignored, as 252 does */
        mode_t old = umask(0);
        (void)mkdir_parents(i->path, 0755);
        umask(old);
        return 0;
}

static bool have_cap_mknod(void) {
        _cleanup_free_ char *s = NULL;
        if (read_file_bounded(AT_FDCWD, "/proc/self/status", 1 << 16, &s, NULL) < 0) return true;  /* try */
        const char *p = strstr(s, "\nCapEff:");
        unsigned long long caps;
        if (!p || sscanf(p + 8, "%llx", &caps) != 1) return true;
        return caps & (1ULL << 27);  /* CAP_MKNOD */
}

int tmpfiles_create_item(TmpfilesContext *ctx, Item *i) {
        int r;
        log_debug("Running create action for entry %c %s", (char)i->type, i->path);
        switch (i->type) {
        case IGNORE_PATH: case IGNORE_DIRECTORY_PATH: case REMOVE_PATH: case RECURSIVE_REMOVE_PATH:
                return 0;
        case CREATE_FILE: case TRUNCATE_FILE:
                if ((r = mkdir_parents_item(i, S_IFREG)) < 0) return r;
                return i->type == TRUNCATE_FILE || i->append_or_force ? truncate_file(ctx, i) : create_file(ctx, i);
        case COPY_FILES:
                if ((r = mkdir_parents_item(i, 0)) < 0) return r;
                return copy_files(ctx, i);
        case WRITE_FILE:
                return tmpfiles_glob(ctx, i, write_action);
        case CREATE_DIRECTORY: case TRUNCATE_DIRECTORY:
        case CREATE_SUBVOLUME: case CREATE_SUBVOLUME_INHERIT_QUOTA: case CREATE_SUBVOLUME_NEW_QUOTA:
                /* v/q/Q: plain directories unless the root is a btrfs subvolume — never here */
                if ((r = mkdir_parents_item(i, S_IFDIR)) < 0) return r;
                return create_directory(ctx, i);
        case EMPTY_DIRECTORY:
                return tmpfiles_glob(ctx, i, empty_directory);
        case CREATE_FIFO:
                if ((r = mkdir_parents_item(i, S_IFIFO)) < 0) return r;
                return create_node(ctx, i, S_IFIFO);
        case CREATE_SYMLINK:
                if ((r = mkdir_parents_item(i, S_IFLNK)) < 0) return r;
                return create_node(ctx, i, S_IFLNK);
        case CREATE_CHAR_DEVICE: case CREATE_BLOCK_DEVICE: {
                mode_t t = i->type == CREATE_BLOCK_DEVICE ? S_IFBLK : S_IFCHR;
                if (!have_cap_mknod())
                        return log_debug("We lack CAP_MKNOD, skipping creation of device node %s.", i->path), 0;
                if ((r = mkdir_parents_item(i, t)) < 0) return r;
                return create_node(ctx, i, t);
        }
        case ADJUST_MODE: case RELABEL_PATH:
                return tmpfiles_glob(ctx, i, set_perms_action);
        case RECURSIVE_RELABEL_PATH:
                return tmpfiles_glob(ctx, i, recursive_perms_action);
        case SET_XATTR:
                return tmpfiles_glob(ctx, i, set_xattrs);
        case RECURSIVE_SET_XATTR:
                return tmpfiles_glob(ctx, i, xattrs_recursive);
        case SET_ATTRIBUTE:
                return tmpfiles_glob(ctx, i, set_attributes);
        case RECURSIVE_SET_ATTRIBUTE:
                return tmpfiles_glob(ctx, i, attributes_recursive);
        case SET_ACL: case RECURSIVE_SET_ACL:
                return unsupported(ctx, i, "ACLs");
        }
        return 0;
}
