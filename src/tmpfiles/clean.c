/* SPDX-License-Identifier: MIT */
/* The remove and clean (age) actions, and running one path's items in 252's order. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include "base/log.h"
#include "tmpfiles/exec.h"

#define MAX_DEPTH 256
#define NSEC_PER_SEC UINT64_C(1000000000)

/* The kernel's struct statx (stable ABI), declared here: musl 1.2.3 has no statx() and
 * <linux/stat.h> clashes with libc headers. */
struct tf_statx_ts {
        int64_t tv_sec;
        uint32_t tv_nsec;
        int32_t reserved;
};
struct tf_statx {
        uint32_t mask, blksize;
        uint64_t attributes;
        uint32_t nlink, uid, gid;
        uint16_t mode, pad1;
        uint64_t ino, size, blocks, attributes_mask;
        struct tf_statx_ts atime, btime, ctime, mtime;
        uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
        uint64_t spare[14];
};
#define TF_STATX_BASIC 0x7ffu
#define TF_STATX_BTIME 0x800u
#define TF_STATX_ATTR_MOUNT_ROOT 0x2000u

static int tf_statx(int dfd, const char *name, int flags, struct tf_statx *sx) {
        memset(sx, 0, sizeof *sx);
        if (syscall(SYS_statx, dfd, name, flags, TF_STATX_BASIC | TF_STATX_BTIME, sx) == 0) return 0;
        if (errno != ENOSYS) return -errno;
        struct stat st;  /* old kernels: no birth time, no mount-root attribute */
        if (fstatat(dfd, name, &st, flags) < 0) return -errno;
        *sx = (struct tf_statx){
                .mask = TF_STATX_BASIC, .mode = (uint16_t)st.st_mode, .uid = st.st_uid, .ino = st.st_ino,
                .atime = { st.st_atim.tv_sec, (uint32_t)st.st_atim.tv_nsec, 0 },
                .mtime = { st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec, 0 },
                .ctime = { st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec, 0 },
                .dev_major = major(st.st_dev), .dev_minor = minor(st.st_dev),
        };
        return 0;
}

static uint64_t ts_nsec(const struct tf_statx_ts *t) {
        if (t->tv_sec < 0) return UINT64_MAX;
        if ((uint64_t)t->tv_sec >= (UINT64_MAX - t->tv_nsec) / NSEC_PER_SEC) return UINT64_MAX;
        return (uint64_t)t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

typedef struct Times {
        uint64_t a, b, c, m;
} Times;

static Times times_of(const struct tf_statx *sx) {
        return (Times){
                .a = sx->mask & 0x20u ? ts_nsec(&sx->atime) : 0,  /* STATX_ATIME */
                .b = sx->mask & TF_STATX_BTIME ? ts_nsec(&sx->btime) : 0,
                .c = sx->mask & 0x80u ? ts_nsec(&sx->ctime) : 0,  /* STATX_CTIME */
                .m = sx->mask & 0x40u ? ts_nsec(&sx->mtime) : 0,  /* STATX_MTIME */
        };
}

/* Older than the cutoff by every time the age-by set names (unknown times don't count). */
static bool needs_cleanup(const Times *t, uint64_t cutoff, AgeBy by) {
        if ((by & AGE_BY_MTIME) && t->m != UINT64_MAX && t->m >= cutoff) return false;
        if ((by & AGE_BY_ATIME) && t->a != UINT64_MAX && t->a >= cutoff) return false;
        if ((by & AGE_BY_CTIME) && t->c != UINT64_MAX && t->c >= cutoff) return false;
        if ((by & AGE_BY_BTIME) && t->b != UINT64_MAX && t->b >= cutoff) return false;
        return true;
}

/* Is `path` a live AF_UNIX socket (listed in /proc/net/unix)? Unknown → yes. */
static bool unix_socket_alive(const char *path) {
        _cleanup_free_ char *data = NULL;
        if (read_file_bounded(AT_FDCWD, "/proc/net/unix", 64u << 20, &data, NULL) < 0) return true;
        size_t n = strlen(path);
        for (const char *p = strstr(data, path); p; p = strstr(p + 1, path))
                if (p > data && p[-1] == ' ' && (p[n] == '\n' || p[n] == 0)) return true;
        return false;
}

static bool has_separate_item(const TmpfilesContext *ctx, const char *path) {
        if (hashmap_get(ctx->items, path)) return true;
        size_t k = 0;
        const char *key;
        void *v;
        while (hashmap_iterate(ctx->globs, &k, &key, &v)) {
                const ItemArray *a = v;
                for (size_t n = 0; n < a->n_items; n++)
                        if (fnmatch(a->items[n].path, path, FNM_PATHNAME | FNM_PERIOD) == 0) return true;
        }
        return false;
}

typedef struct CleanState {
        const TmpfilesContext *ctx;
        const Item *item;
        uint64_t cutoff;
        unsigned dev_major, dev_minor;
} CleanState;

static int dir_cleanup(const CleanState *cs, const char *p, DIR *d, const Times *self, bool mountpoint,
                       int maxdepth, bool keep_this_level);

/* One directory entry; returns <0 on a (logged) error, 1 if a non-directory was removed. */
static int clean_entry(const CleanState *cs, const char *p, DIR *d, const char *name, bool mountpoint, int maxdepth,
                       bool keep_this_level) {
        struct tf_statx sx;
        int r = tf_statx(dirfd(d), name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, &sx);
        if (r == -ENOENT) return 0;
        if (r < 0) return log_full_errno(r == -EACCES ? LOG_DEBUG : LOG_ERR, r, "statx(%s/%s) failed: %m", p, name);
        if (sx.attributes_mask & TF_STATX_ATTR_MOUNT_ROOT ? (sx.attributes & TF_STATX_ATTR_MOUNT_ROOT) != 0
                                                          : sx.dev_major != cs->dev_major || sx.dev_minor != cs->dev_minor)
                return 0;  /* another mount */
        Times t = times_of(&sx);
        _cleanup_free_ char *sub = strjoin(p, "/", name);
        if (!sub) return log_oom();
        if (has_separate_item(cs->ctx, sub)) return 0;
        if (S_ISDIR(sx.mode)) {
                if (mountpoint && streq(name, "lost+found") && sx.uid == 0) return 0;
                if (maxdepth <= 0)
                        log_warning("Reached max depth on \"%s\".", sub);
                else {
                        int fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC);
                        if (fd < 0 && errno == EPERM) fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        DIR *sd = fd >= 0 ? fdopendir(fd) : NULL;
                        if (!sd) {
                                if (fd >= 0) close(fd);
                                return errno == ENOENT ? 0 : log_warning_errno(errno, "Opening directory \"%s\" failed, ignoring: %m", sub);
                        }
                        if (flock(dirfd(sd), LOCK_EX | LOCK_NB) < 0) {
                                closedir(sd);
                                return 0;  /* in use: skipped */
                        }
                        r = dir_cleanup(cs, sub, sd, &t, false, maxdepth - 1, false);
                        closedir(sd);
                }
                if (keep_this_level || !needs_cleanup(&t, cs->cutoff, cs->item->age_by_dir)) return r;
                log_debug("Removing directory \"%s\".", sub);
                if (unlinkat(dirfd(d), name, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != ENOTEMPTY)
                        return log_warning_errno(errno, "Failed to remove directory \"%s\", ignoring: %m", sub);
                return r;
        }
        if (sx.mode & S_ISVTX) return 0;  /* sticky files are kept (XDG_RUNTIME_DIR spec) */
        if (mountpoint && S_ISREG(sx.mode) && sx.uid == 0 &&
            (streq(name, ".journal") || streq(name, "aquota.user") || streq(name, "aquota.group")))
                return 0;
        if (S_ISSOCK(sx.mode) && unix_socket_alive(sub)) return 0;
        if (S_ISCHR(sx.mode) || S_ISBLK(sx.mode)) return 0;
        if (keep_this_level || !needs_cleanup(&t, cs->cutoff, cs->item->age_by_file)) return 0;
        log_debug("Removing \"%s\".", sub);
        if (unlinkat(dirfd(d), name, 0) < 0 && errno != ENOENT)
                return log_warning_errno(errno, "Failed to remove \"%s\", ignoring: %m", sub);
        return 1;
}

static int dir_cleanup(const CleanState *cs, const char *p, DIR *d, const Times *self, bool mountpoint,
                       int maxdepth, bool keep_this_level) {
        bool deleted = false;
        int r = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, "..")) continue;
                int q = clean_entry(cs, p, d, de->d_name, mountpoint, maxdepth, keep_this_level);
                if (q > 0) deleted = true;
                else if (q < 0) r = q;
        }
        if (deleted) {  /* deleting changed our times: put them back */
                struct timespec ts[2] = {
                        { (time_t)(self->a / NSEC_PER_SEC), (long)(self->a % NSEC_PER_SEC) },
                        { (time_t)(self->m / NSEC_PER_SEC), (long)(self->m % NSEC_PER_SEC) },
                };
                if (futimens(dirfd(d), ts) < 0) log_warning_errno(errno, "Failed to revert timestamps of '%s', ignoring: %m", p);
        }
        return r;
}

static int clean_instance(TmpfilesContext *ctx, Item *i, const char *instance, CreationMode creation) {
        (void)creation;
        if (!i->age_set) return 0;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        uint64_t n = (uint64_t)now.tv_sec * USEC_PER_SEC + (uint64_t)now.tv_nsec / 1000;
        if (n < i->age) return 0;
        int fd = open(instance, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC);
        if (fd < 0 && errno == EPERM) fd = open(instance, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT || errno == ENOTDIR) return log_debug_errno(errno, "Directory \"%s\": %m", instance), 0;
                return log_error_errno(errno, "Failed to open directory %s: %m", instance);
        }
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return log_error_errno(errno, "Failed to open directory %s: %m", instance);
        }
        struct tf_statx sx;
        int r = tf_statx(dirfd(d), "", AT_EMPTY_PATH, &sx);
        bool mountpoint = false;
        if (r >= 0 && sx.attributes_mask & TF_STATX_ATTR_MOUNT_ROOT)
                mountpoint = sx.attributes & TF_STATX_ATTR_MOUNT_ROOT;
        else if (r >= 0) {
                struct stat ps;
                if (fstatat(dirfd(d), "..", &ps, AT_SYMLINK_NOFOLLOW) < 0) r = -errno;
                else mountpoint = sx.dev_major != major(ps.st_dev) || sx.dev_minor != minor(ps.st_dev) || sx.ino != ps.st_ino;
        }
        if (r < 0) {
                closedir(d);
                return log_error_errno(r, "statx(%s) failed: %m", instance);
        }
        Times self = times_of(&sx);
        CleanState cs = { .ctx = ctx, .item = i, .cutoff = (n - i->age) * 1000, .dev_major = sx.dev_major, .dev_minor = sx.dev_minor };
        r = dir_cleanup(&cs, instance, d, &self, mountpoint, MAX_DEPTH, i->keep_first_level);
        closedir(d);
        return r;
}

int tmpfiles_clean_item(TmpfilesContext *ctx, Item *i) {
        log_debug("Running clean action for entry %c %s", (char)i->type, i->path);
        switch (i->type) {
        case CREATE_DIRECTORY: case CREATE_SUBVOLUME: case CREATE_SUBVOLUME_INHERIT_QUOTA:
        case CREATE_SUBVOLUME_NEW_QUOTA: case TRUNCATE_DIRECTORY: case IGNORE_PATH: case COPY_FILES:
                (void)clean_instance(ctx, i, i->path, CREATION_EXISTING);
                return 0;
        case EMPTY_DIRECTORY: case IGNORE_DIRECTORY_PATH:
                return tmpfiles_glob(ctx, i, clean_instance);
        default:
                return 0;
        }
}

static int remove_instance(TmpfilesContext *ctx, Item *i, const char *instance, CreationMode creation) {
        (void)ctx; (void)creation;
        if (i->type == REMOVE_PATH) {
                if (remove(instance) < 0 && errno != ENOENT) return log_error_errno(errno, "rm(%s): %m", instance);
                return 0;
        }
        log_debug("rm -rf \"%s\"", instance);
        int r = rm_rf_at(AT_FDCWD, instance, false);
        if (r < 0 && r != -ENOENT) return log_error_errno(r, "rm_rf(%s): %m", instance);
        return 0;
}

int tmpfiles_remove_item(TmpfilesContext *ctx, Item *i) {
        log_debug("Running remove action for entry %c %s", (char)i->type, i->path);
        switch (i->type) {
        case TRUNCATE_DIRECTORY: {
                log_debug("rm -rf \"%s\"", i->path);
                int r = rm_rf_at(AT_FDCWD, i->path, true);
                if (r < 0 && r != -ENOENT && r != -ENOTDIR) return log_error_errno(r, "rm_rf(%s): %m", i->path);
                return 0;
        }
        case REMOVE_PATH: case RECURSIVE_REMOVE_PATH:
                return tmpfiles_glob(ctx, i, remove_instance);
        default:
                return 0;
        }
}

static int process_item(TmpfilesContext *ctx, Item *i, unsigned operation) {
        unsigned todo = operation & ~i->done;
        if (todo == 0) return 0;
        i->done |= operation;
        int r = operation & TMPFILES_CREATE ? tmpfiles_create_item(ctx, i) : 0;
        if (i->allow_failure) r = 0;  /* only create failures may be tolerated */
        int q = operation & TMPFILES_REMOVE ? tmpfiles_remove_item(ctx, i) : 0;
        int p = operation & TMPFILES_CLEAN ? tmpfiles_clean_item(ctx, i) : 0;
        return r < 0 ? r : q < 0 ? q : p;
}

int tmpfiles_process_array(TmpfilesContext *ctx, ItemArray *a, unsigned operation) {
        int r = 0;
        if ((operation & TMPFILES_CREATE) && a->parent)  /* parents are created first */
                r = tmpfiles_process_array(ctx, a->parent, operation & TMPFILES_CREATE);
        if (operation & (TMPFILES_REMOVE | TMPFILES_CLEAN))  /* children are cleaned first */
                for (size_t n = 0; n < a->n_children; n++) {
                        int k = tmpfiles_process_array(ctx, a->children[n], operation & (TMPFILES_REMOVE | TMPFILES_CLEAN));
                        if (k < 0 && r == 0) r = k;
                }
        for (size_t n = 0; n < a->n_items; n++) {
                int k = process_item(ctx, a->items + n, operation);
                if (k < 0 && r == 0) r = k;
        }
        return r;
}
