/* SPDX-License-Identifier: MIT */
/* Per-unit cgroups on a writable cgroup2 (see cgroup.h). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "base/log.h"
#include "base/util.h"
#include "core/cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define PROC_CGROUP_MAX (64 * 1024)
#define PROBE_NAME "tinysd-probe.scope"

int cgroup_parse_proc(const char *text, size_t size, char **ret) {
        const char *p = text, *e = text + size;
        while (p < e) {
                const char *nl = memchr(p, '\n', (size_t)(e - p));
                const char *end = nl ? nl : e;
                if (end - p >= 3 && memcmp(p, "0::", 3) == 0) {
                        const char *path = p + 3;
                        if (path >= end || *path != '/') return -EINVAL;
                        char *s = strndup(path, (size_t)(end - path));
                        if (!s) return -ENOMEM;
                        *ret = s;
                        return 0;
                }
                p = end + 1;
        }
        return -ENOENT;
}

/* systemd's cg_escape(): a name that could be mistaken for a kernel file ("cgroup.*", "_x",
 * "cpu.service", ...) gets a '_' in front, so ControlGroup= reads as systemd's. */
static bool needs_escape(const char *name) {
        static const char *const controllers[] = {
                "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids", "bpf-firewall",
                "bpf-devices", "bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
        };
        if (name[0] == 0 || name[0] == '_' || name[0] == '.' || streq(name, "notify_on_release") || streq(name, "release_agent") ||
            streq(name, "tasks") || startswith(name, "cgroup."))
                return true;
        const char *dot = strrchr(name, '.');
        if (!dot) return false;
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++)
                if (strlen(controllers[i]) == (size_t)(dot - name) && memcmp(name, controllers[i], (size_t)(dot - name)) == 0)
                        return true;
        return false;
}

static int put_component(Buf *b, const char *name, size_t n) {
        char part[256];
        if (n == 0 || n >= sizeof part || memchr(name, '/', n)) return -EINVAL;
        memcpy(part, name, n);
        part[n] = 0;
        if (streq(part, ".") || streq(part, "..")) return -EINVAL;
        int r = b->len ? buf_putc(b, '/') : 0;
        if (r >= 0 && needs_escape(part)) r = buf_putc(b, '_');
        return r < 0 ? r : buf_put(b, part, n);
}

/* "a-b.slice" → "a.slice/a-b.slice"; "-.slice" → nothing. */
static int put_slice(Buf *b, const char *slice) {
        if (!slice || streq(slice, "-.slice")) return 0;
        const char *suffix = endswith(slice, ".slice");
        if (!suffix || suffix == slice) return -EINVAL;
        size_t len = (size_t)(suffix - slice);
        for (size_t i = 0; i <= len; i++) {
                if (i < len && slice[i] != '-') continue;
                if (i == 0 || slice[i - 1] == '-') return -EINVAL;   /* "-a", "a--b", "a-" */
                char part[256];
                if (i + 6 >= sizeof part) return -EINVAL;
                memcpy(part, slice, i);
                memcpy(part + i, ".slice", 7);
                int r = put_component(b, part, i + 6);
                if (r < 0) return r;
        }
        return 0;
}

int cgroup_unit_rel(const char *unit, const char *slice, char **ret) {
        Buf b = {0};
        int r = endswith(unit, ".slice") ? put_slice(&b, unit) : put_slice(&b, slice);
        if (r >= 0 && !endswith(unit, ".slice")) r = put_component(&b, unit, strlen(unit));
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        char *s = buf_steal(&b);
        if (!s) return -ENOMEM;
        *ret = s;
        return 0;
}

/* Our group's directory under `mount`, if it is a cgroup2 we can create groups in. */
static int open_writable(const char *mount, const char *self_cgroup, bool check_magic, CGroupRoot *ret) {
        if (check_magic) {
                struct statfs sf;
                if (statfs(mount, &sf) < 0) return -errno;
                if ((unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC) return -ENOMEDIUM;
        }
        _cleanup_free_ char *text = NULL, *path = NULL;
        size_t n;
        int r = read_file_bounded(AT_FDCWD, self_cgroup, PROC_CGROUP_MAX, &text, &n);
        if (r < 0) return r;
        if ((r = cgroup_parse_proc(text, n, &path)) < 0) return r;
        size_t len = strlen(path);
        while (len > 0 && path[len - 1] == '/') path[--len] = 0;
        char dir[PATH_MAX];
        if ((size_t)snprintf(dir, sizeof dir, "%s%s", mount, path) >= sizeof dir) return -ENAMETOOLONG;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return -errno;
        /* writable? (a read-only mount, or a group that is not ours) */
        if (mkdirat(fd, PROBE_NAME, 0755) < 0 && errno != EEXIST) {
                r = -errno;
                close(fd);
                return r;
        }
        (void)unlinkat(fd, PROBE_NAME, AT_REMOVEDIR);
        ret->fd = fd;
        ret->path = TAKE_PTR(path);
        return 0;
}

int cgroup_root_open(const char *mount, const char *self_cgroup, bool check_magic, CGroupRoot *ret) {
        static const char *const mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
        *ret = CGROUP_ROOT_NULL;
        const char *proc = self_cgroup ? self_cgroup : "/proc/self/cgroup";
        int r = -ENOENT;
        for (size_t i = 0; i < (mount ? 1 : ELEMENTSOF(mounts)); i++) {
                const char *mp = mount ? mount : mounts[i];
                r = open_writable(mp, proc, check_magic, ret);
                if (r >= 0) {
                        log_debug("Using cgroup2 at %s%s: one group per unit.", mp, ret->path[0] ? ret->path : "/");
                        return 0;
                }
                log_debug("No writable cgroup2 at %s: %s", mp, strerror(-r));
        }
        return 0;
}

void cgroup_root_done(CGroupRoot *c) {
        if (!c) return;
        if (c->fd >= 0) close(c->fd);
        free(c->path);
        *c = CGROUP_ROOT_NULL;
}

int cgroup_create(const CGroupRoot *c, const char *rel) {
        if (!cgroup_root_enabled(c)) return -EOPNOTSUPP;
        char buf[PATH_MAX];
        if ((size_t)snprintf(buf, sizeof buf, "%s", rel) >= sizeof buf) return -ENAMETOOLONG;
        for (char *p = buf;; p++) {
                if (*p && *p != '/') continue;
                char saved = *p;
                *p = 0;
                if (buf[0] && mkdirat(c->fd, buf, 0755) < 0 && errno != EEXIST) return -errno;
                if (!saved) return 0;
                *p = saved;
        }
}

static int open_file(const CGroupRoot *c, const char *rel, const char *file, int flags) {
        if (!cgroup_root_enabled(c)) return -EOPNOTSUPP;
        char buf[PATH_MAX];
        if ((size_t)snprintf(buf, sizeof buf, "%s%s%s", rel, rel[0] ? "/" : "", file) >= sizeof buf) return -ENAMETOOLONG;
        int fd = openat(c->fd, buf, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int cgroup_open_procs(const CGroupRoot *c, const char *rel) {
        return open_file(c, rel, "cgroup.procs", O_WRONLY);
}

int cgroup_attach(const CGroupRoot *c, const char *rel, pid_t pid) {
        _cleanup_close_ int fd = cgroup_open_procs(c, rel);
        if (fd < 0) return fd;
        char num[24];
        int n = snprintf(num, sizeof num, "%d", (int)pid);
        return write(fd, num, (size_t)n) == n ? 0 : -errno;
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
        return x < y ? -1 : x > y;
}

typedef struct PidSet {
        pid_t *pids;
        size_t n, cap;
        unsigned groups;   /* read so far, up to CGROUP_GROUPS_MAX */
} PidSet;

/* The pids of one group's cgroup.procs (one per line). */
static int read_procs(int dfd, PidSet *s) {
        _cleanup_free_ char *text = NULL;
        size_t n;
        int r = read_file_bounded(dfd, "cgroup.procs", 16 * CGROUP_PIDS_MAX, &text, &n);
        if (r < 0) return r == -ENOENT ? 0 : r;
        for (char *p = text, *e = text + n; p < e;) {
                char *end;
                long v = strtol(p, &end, 10);
                if (end == p) break;
                if (v > 0 && v <= INT32_MAX) {
                        if (s->n >= CGROUP_PIDS_MAX) return -E2BIG;
                        if (s->n == s->cap) {
                                size_t cap = s->cap ? 2 * s->cap : 16;
                                pid_t *np = reallocarray(s->pids, cap, sizeof *np);
                                if (!np) return -ENOMEM;
                                s->pids = np;
                                s->cap = cap;
                        }
                        s->pids[s->n++] = (pid_t)v;
                }
                p = end;
                while (p < e && (*p == '\n' || *p == ' ')) p++;
        }
        return 0;
}

/* dfd's pids and its subgroups', depth first. Takes ownership of dfd. */
static int collect(int dfd, unsigned depth, PidSet *s) {
        s->groups++;
        int r = read_procs(dfd, s);
        if (r < 0 || depth >= CGROUP_DEPTH_MAX || s->groups >= CGROUP_GROUPS_MAX) {
                close(dfd);
                return r;
        }
        DIR *d = fdopendir(dfd);
        if (!d) {
                r = -errno;
                close(dfd);
                return r;
        }
        for (struct dirent *de; r >= 0 && s->groups < CGROUP_GROUPS_MAX && (de = readdir(d));) {
                if (de->d_type != DT_DIR || de->d_name[0] == '.') continue;
                int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (sub < 0) continue;   /* removed meanwhile */
                r = collect(sub, depth + 1, s);
        }
        closedir(d);
        return r;
}

int cgroup_read_pids(const CGroupRoot *c, const char *rel, pid_t **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        if (!cgroup_root_enabled(c)) return -EOPNOTSUPP;
        int dfd = rel[0] ? openat(c->fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : fcntl(c->fd, F_DUPFD_CLOEXEC, 3);
        if (dfd < 0) return errno == ENOENT ? 0 : -errno;
        PidSet s = {0};
        int r = collect(dfd, 0, &s);
        if (r < 0) {
                free(s.pids);
                return r;
        }
        if (s.n == 0) {
                free(s.pids);
                return 0;
        }
        qsort(s.pids, s.n, sizeof *s.pids, cmp_pid);
        size_t k = 0;
        for (size_t i = 0; i < s.n; i++)
                if (k == 0 || s.pids[k - 1] != s.pids[i]) s.pids[k++] = s.pids[i];
        *ret = s.pids;
        *ret_n = k;
        return 0;
}

/* Remove the subgroups of dfd (deepest first). Takes ownership of dfd. */
static int remove_children(int dfd, unsigned depth) {
        DIR *d = fdopendir(dfd);
        if (!d) {
                int r = -errno;
                close(dfd);
                return r;
        }
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_type != DT_DIR || de->d_name[0] == '.') continue;
                int sub = depth < CGROUP_DEPTH_MAX ? openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
                if (sub >= 0) {
                        int k = remove_children(sub, depth + 1);
                        if (k < 0 && r >= 0) r = k;
                }
                if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && r >= 0) r = -errno;
        }
        closedir(d);
        return r;
}

void cgroup_root_clean(const CGroupRoot *c) {
        if (!cgroup_root_enabled(c)) return;
        int dfd = fcntl(c->fd, F_DUPFD_CLOEXEC, 3);
        if (dfd >= 0) (void)remove_children(dfd, 1);
}

int cgroup_remove(const CGroupRoot *c, const char *rel) {
        if (!cgroup_root_enabled(c)) return -EOPNOTSUPP;
        if (!rel[0]) return -EINVAL;   /* never our own group */
        int dfd = openat(c->fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) return errno == ENOENT ? 0 : -errno;
        int r = remove_children(dfd, 1);
        if (unlinkat(c->fd, rel, AT_REMOVEDIR) < 0 && errno != ENOENT) return -errno;
        return r;
}

int cgroup_pid_rel(const CGroupRoot *c, const char *proc_root, pid_t pid, char **ret) {
        if (!cgroup_root_enabled(c)) return -EOPNOTSUPP;
        char file[PATH_MAX];
        if ((size_t)snprintf(file, sizeof file, "%s/%d/cgroup", proc_root ? proc_root : "/proc", (int)pid) >= sizeof file)
                return -ENAMETOOLONG;
        _cleanup_free_ char *text = NULL, *path = NULL;
        size_t n;
        int r = read_file_bounded(AT_FDCWD, file, PROC_CGROUP_MAX, &text, &n);
        if (r < 0) return r == -ESRCH ? -ENOENT : r;
        if ((r = cgroup_parse_proc(text, n, &path)) < 0) return r;
        const char *rest = startswith(path, c->path);
        if (!rest || (*rest && *rest != '/')) return -ENXIO;
        while (*rest == '/') rest++;
        char *s = strdup(rest);
        if (!s) return -ENOMEM;
        *ret = s;
        return 0;
}
