/* SPDX-License-Identifier: MIT */
/* File-system helpers of the tmpfiles actions (see fsops.h). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include "base/log.h"
#include "tmpfiles/fsops.h"

#define MAX_SYMLINK_HOPS 32
#define COPY_MAX_DEPTH 256

char *proc_fd_path(char buf[static PROC_FD_PATH_MAX], int fd) {
        snprintf(buf, PROC_FD_PATH_MAX, "/proc/self/fd/%i", fd);
        return buf;
}

int path_basename(const char *path, char **ret) {
        size_t n = strlen(path);
        if (n == 0) return -EINVAL;
        if (path[n - 1] == '/') return -EISDIR;
        const char *s = strrchr(path, '/');
        return (*ret = strdup(s ? s + 1 : path)) ? 0 : -ENOMEM;
}

char *path_dirname(const char *path) {
        const char *s = strrchr(path, '/');
        if (!s) return strdup(".");
        while (s > path && s[-1] == '/') s--;
        return s == path ? strdup("/") : strndup(path, s - path);
}

/* One step of the walk: the next component of *todo (advanced past it) into comp. */
static bool next_component(const char **todo, char comp[static NAME_MAX + 1], bool *last) {
        const char *p = *todo + strspn(*todo, "/");
        size_t n = strcspn(p, "/");
        if (n == 0) return false;
        if (n > NAME_MAX) n = NAME_MAX;  /* openat() then fails with ENOENT, as an over-long name would */
        memcpy(comp, p, n);
        comp[n] = 0;
        *todo = p + strcspn(p, "/");
        *last = (*todo)[strspn(*todo, "/")] == 0;
        return true;
}

int chase_open(const TmpfilesContext *ctx, const char *path, bool nofollow_last) {
        const char *rel = ctx->root ? path + strlen(ctx->root) : path;
        _cleanup_close_ int rootfd = open(ctx->root ? ctx->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0) return -errno;
        int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3), r = 0;
        if (fd < 0) return -errno;
        _cleanup_free_ char *buf = strdup(rel);
        if (!buf) r = -ENOMEM;
        const char *todo = buf;
        unsigned depth = 0, hops = 0;
        char comp[NAME_MAX + 1];
        bool last;
        while (r >= 0 && next_component(&todo, comp, &last)) {
                if (streq(comp, ".")) continue;
                if (streq(comp, "..") && depth == 0) continue;  /* never above the root */
                struct stat st;
                if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = -errno;
                        break;
                }
                if (S_ISLNK(st.st_mode) && !(last && nofollow_last)) {
                        char target[PATH_MAX];
                        ssize_t k = readlinkat(fd, comp, target, sizeof target - 1);
                        if (k < 0 || ++hops > MAX_SYMLINK_HOPS) {
                                r = k < 0 ? -errno : -ELOOP;
                                break;
                        }
                        target[k] = 0;
                        char *n = strjoin(target, "/", todo);
                        if (!n) {
                                r = -ENOMEM;
                                break;
                        }
                        free(buf);
                        todo = buf = n;
                        if (target[0] == '/') {
                                close(fd);
                                if ((fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3)) < 0) return -errno;
                                depth = 0;
                        }
                        continue;
                }
                int nfd = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0) {
                        r = -errno;
                        break;
                }
                close(fd);
                fd = nfd;
                depth = streq(comp, "..") ? depth - 1 : depth + 1;
        }
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

int open_parent_logged(const TmpfilesContext *ctx, const char *path, bool allow_failure) {
        _cleanup_free_ char *dn = path_dirname(path);
        if (!dn) return log_oom();
        int fd = chase_open(ctx, dn, false);  /* not checked to be a directory: *at() calls say ENOTDIR */
        if (fd < 0)
                return log_full_errno(allow_failure ? LOG_INFO : LOG_ERR, fd, "Failed to open path '%s'%s: %m", dn,
                                      allow_failure ? ", ignoring" : "");
        return fd;
}

int open_path_logged(const TmpfilesContext *ctx, const char *path) {
        int fd = chase_open(ctx, path, true);
        if (fd < 0) return log_error_errno(fd, "Failed to open path %s: %m", path);
        return fd;
}

/* chmod through /proc, since fd may be O_PATH. */
static int fchmod_opath(int fd, mode_t m) {
        char p[PROC_FD_PATH_MAX];
        if (chmod(proc_fd_path(p, fd), m) < 0) {
                if (errno == ENOENT && access("/proc/self", F_OK) < 0) return -ENOSYS;
                return -errno;
        }
        return 0;
}

/* fs.protected_hardlinks off (or unknown) makes chown/chmod of hard-linked files unsafe. */
static bool dangerous_hardlinks(void) {
        _cleanup_free_ char *v = NULL;
        if (read_file_bounded(AT_FDCWD, "/proc/sys/fs/protected_hardlinks", 64, &v, NULL) < 0) return true;
        return v[0] == '0';
}

static mode_t mask_perms(mode_t mode, mode_t current) {
        if ((current & 0111) == 0) mode &= ~0111;
        if ((current & 0222) == 0) mode &= ~0222;
        if ((current & 0444) == 0) mode &= ~0444;
        if (!S_ISDIR(current)) mode &= ~07000;  /* no suid/sgid/sticky except on directories */
        return mode;
}

int fd_set_perms(const Item *i, int fd, const char *path, const struct stat *st, CreationMode creation) {
        struct stat buf;
        if (!i->mode_set && !i->uid_set && !i->gid_set) return 0;
        if (!st) {
                if (fstat(fd, &buf) < 0) return log_error_errno(errno, "fstat(%s) failed: %m", path);
                st = &buf;
        }
        if (!S_ISDIR(st->st_mode) && st->st_nlink > 1 && dangerous_hardlinks())
                return log_error_errno(EPERM, "Refusing to set permissions on hardlinked file %s while the fs.protected_hardlinks sysctl is turned off.", path);
        bool existing = creation == CREATION_EXISTING;
        uid_t uid = i->uid_set && !(existing && i->uid_only_create) ? i->uid : st->st_uid;
        gid_t gid = i->gid_set && !(existing && i->gid_only_create) ? i->gid : st->st_gid;
        bool do_chown = uid != st->st_uid || gid != st->st_gid;
        mode_t mode = i->mode_set && !(existing && i->mode_only_create)
                              ? (i->mask_perms ? mask_perms(i->mode, st->st_mode) : i->mode)
                              : (st->st_mode & 07777);
        bool do_chmod = ((mode ^ st->st_mode) & 07777) != 0;
        int r;
        if (do_chmod && do_chown && !S_ISLNK(st->st_mode)) {
                /* first reduce to the common bits, so no window grants more than either mode */
                mode_t m = mode & st->st_mode;
                if (((m ^ st->st_mode) & 07777) != 0 && (r = fchmod_opath(fd, m)) < 0)
                        return log_error_errno(r, "fchmod() of %s failed: %m", path);
        }
        if (do_chown && fchownat(fd, "", uid != st->st_uid ? uid : (uid_t)-1, gid != st->st_gid ? gid : (gid_t)-1,
                                 AT_EMPTY_PATH) < 0)
                return log_error_errno(errno, "fchownat() of %s failed: %m", path);
        /* chown() may drop suid/sgid, so the final mode is applied after it */
        if ((do_chmod || do_chown) && !S_ISLNK(st->st_mode) && (r = fchmod_opath(fd, mode)) < 0)
                return log_error_errno(r, "fchmod() of %s failed: %m", path);
        return 0;
}

/* ---------------------------------------------------------------- rm -rf */

static int rm_children(int dfd, dev_t dev, unsigned depth) {
        DIR *d = fdopendir(dfd);
        if (!d) {
                int e = -errno;
                close(dfd);
                return e;
        }
        int ret = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, "..")) continue;
                struct stat st;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno != ENOENT && ret == 0) ret = -errno;
                        continue;
                }
                if (S_ISDIR(st.st_mode)) {
                        if (st.st_dev != dev) continue;  /* never into another file system */
                        int sub = depth < COPY_MAX_DEPTH ? openat(dirfd(d), de->d_name,
                                                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                                         : -1;
                        int r = sub < 0 ? (depth < COPY_MAX_DEPTH ? -errno : -ELOOP) : rm_children(sub, dev, depth + 1);
                        if (r < 0 && ret == 0) ret = r;
                        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && ret == 0) ret = -errno;
                } else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && ret == 0)
                        ret = -errno;
        }
        closedir(d);
        return ret;
}

int rm_rf_at(int dirfd, const char *name, bool only_contents) {
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
        if (!S_ISDIR(st.st_mode)) {
                if (only_contents) return -ENOTDIR;
                return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
        }
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return -errno;
        int r = rm_children(fd, st.st_dev, 0);
        if (r < 0 || only_contents) return r;
        return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* ---------------------------------------------------------------- copies */

static int copy_attrs(int fd, const char *name, const struct stat *st, uid_t uid, gid_t gid) {
        uid_t u = uid != (uid_t)-1 ? uid : st->st_uid;
        gid_t g = gid != (gid_t)-1 ? gid : st->st_gid;
        struct timespec ts[2] = { st->st_atim, st->st_mtim };
        if (fchownat(fd, name, u, g, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
        if (!S_ISLNK(st->st_mode) && fchmodat(fd, name, st->st_mode & 07777, 0) < 0) return -errno;
        if (utimensat(fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
        return 0;
}

static int copy_file_data(int sfd, const char *sname, int dfd, const char *dname) {
        _cleanup_close_ int in = openat(sfd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0) return -errno;
        _cleanup_close_ int out = openat(dfd, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0) return -errno;
        char buf[65536];
        for (;;) {
                ssize_t n = read(in, buf, sizeof buf);
                if (n < 0) return -errno;
                if (n == 0) return 0;
                for (ssize_t off = 0; off < n;) {
                        ssize_t w = write(out, buf + off, (size_t)(n - off));
                        if (w < 0) return -errno;
                        off += w;
                }
        }
}

static int copy_entry(int sfd, const char *sname, int dfd, const char *dname, uid_t uid, gid_t gid, unsigned depth);

static int copy_dir_contents(int sfd, int dfd, uid_t uid, gid_t gid, unsigned depth) {
        int dup_fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
        DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        if (!d) {
                int e = -errno;
                if (dup_fd >= 0) close(dup_fd);
                return e;
        }
        int r = 0;
        struct dirent *de;
        while (r >= 0 && (de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        r = copy_entry(sfd, de->d_name, dfd, de->d_name, uid, gid, depth + 1);
        closedir(d);
        return r;
}

static int copy_entry(int sfd, const char *sname, int dfd, const char *dname, uid_t uid, gid_t gid, unsigned depth) {
        struct stat st;
        int r;
        if (depth > COPY_MAX_DEPTH) return -ELOOP;
        if (fstatat(sfd, sname, &st, AT_SYMLINK_NOFOLLOW) < 0) return -errno;
        if (S_ISDIR(st.st_mode)) {
                bool merged = false;
                if (mkdirat(dfd, dname, 0700) < 0) {
                        if (errno != EEXIST) return -errno;
                        merged = true;  /* merge into an existing empty directory only */
                }
                _cleanup_close_ int s = openat(sfd, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int t = openat(dfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || t < 0) return -errno;
                if (merged) {
                        int tdup = fcntl(t, F_DUPFD_CLOEXEC, 3);
                        DIR *td = tdup >= 0 ? fdopendir(tdup) : NULL;
                        if (!td) {
                                if (tdup >= 0) close(tdup);
                                return -errno;
                        }
                        struct dirent *de;
                        bool empty = true;
                        while ((de = readdir(td)))
                                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) empty = false;
                        closedir(td);
                        if (!empty) return -EEXIST;
                }
                if ((r = copy_dir_contents(s, t, uid, gid, depth)) < 0) return r;
        } else if (S_ISREG(st.st_mode)) {
                if ((r = copy_file_data(sfd, sname, dfd, dname)) < 0) return r;
        } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t k = readlinkat(sfd, sname, target, sizeof target - 1);
                if (k < 0) return -errno;
                target[k] = 0;
                if (symlinkat(target, dfd, dname) < 0) return -errno;
        } else if (mknodat(dfd, dname, st.st_mode, st.st_rdev) < 0)
                return -errno;
        return copy_attrs(dfd, dname, &st, uid, gid);
}

int copy_tree_at(const char *src, int dirfd, const char *name, uid_t uid, gid_t gid) {
        return copy_entry(AT_FDCWD, src, dirfd, name, uid, gid, 0);
}

/* ---------------------------------------------------------------- parents */

/* The type check of one component: wrong type → rm -rf it (with 252's notice), -ENOENT after. */
static int rm_if_wrong_type(mode_t type, int pfd, const char *pname, const char *name, bool follow) {
        struct stat st;
        if (fstatat(pfd, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0) {
                int r = -errno;
                return log_full_errno(r == -ENOENT ? LOG_DEBUG : LOG_ERR, r, "Failed to stat \"%s\" at \"%s\": %m", name, pname);
        }
        if ((st.st_mode & S_IFMT) == type) return 0;
        log_notice("Wrong file type 0o%o; rm -rf \"%s/%s\"", (unsigned)(st.st_mode & S_IFMT),
                   streq(pname, "/") ? "" : pname, name);
        int r = rm_rf_at(pfd, name, false);
        if (r < 0) return log_error_errno(r, "Failed to remove \"%s\" at \"%s\": %m", name, pname);
        return -ENOENT;
}

int mkdir_parents_replace(const char *path, mode_t child_type) {
        _cleanup_close_ int pfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd < 0) return log_error_errno(errno, "Failed to open root: %m");
        Buf pname = {0};
        int r = buf_puts(&pname, "/");
        for (const char *e = path; r >= 0;) {
                const char *s = e + strspn(e, "/");
                e = s + strcspn(s, "/");
                _cleanup_free_ char *t = strndup(s, e - s);
                if (!t) {
                        r = -ENOMEM;
                        break;
                }
                if (*e == 0) {
                        r = child_type ? rm_if_wrong_type(child_type, pfd, pname.s, t, false) : 0;
                        break;
                }
                r = rm_if_wrong_type(S_IFDIR, pfd, pname.s, t, true);
                if (r == -ENOENT) r = rm_if_wrong_type(S_IFDIR, pfd, pname.s, t, false);  /* dangling symlink */
                if (r == -ENOENT) {
                        mode_t old = umask(0);
                        r = mkdirat(pfd, t, 0755) < 0 ? -errno : 0;
                        umask(old);
                        if (r < 0) {
                                log_error_errno(r, "Failed to mkdir \"%s\" at \"%s\": %m", t, pname.s);
                                break;
                        }
                } else if (r < 0)
                        break;
                int n = openat(pfd, t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (n < 0) {
                        r = log_error_errno(errno, "Failed to open \"%s\" at \"%s\": %m", t, pname.s);
                        break;
                }
                close(pfd);
                pfd = n;
                if (!streq(pname.s, "/")) r = buf_putc(&pname, '/');
                if (r >= 0) r = buf_puts(&pname, t);
        }
        buf_free(&pname);
        return r;
}
