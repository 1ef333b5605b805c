/* SPDX-License-Identifier: MIT */
#pragma once
/* One cgroup per unit, where the container gives PID 1 a writable cgroup2 (a private cgroup
 * namespace with /sys/fs/cgroup mounted read-write, as Podman, sysbox or `docker run
 * --cgroupns=private -v /sys/fs/cgroup:/sys/fs/cgroup:rw` do). systemd's layout under our own
 * group: SLICE-PATH/UNIT, e.g. system.slice/foo.service, app.slice/app-web.slice/web.service.
 *
 * Only process tracking: every process a unit spawns is put into the unit's group before exec,
 * and the unit's processes are the group's (and its subgroups') cgroup.procs, so nothing escapes
 * KillMode=control-group however it forks. No controller is enabled: a group with controllers
 * delegated to its children may hold no processes, and `docker exec` puts its processes into the
 * container's own group. Without such a cgroup, proc-scan.h finds processes instead.
 *
 * Paths called `rel` are relative to the root group ("system.slice/foo.service"); paths called
 * `path` are what /proc/PID/cgroup says ("/system.slice/foo.service" in a cgroup namespace).
 * Functions return 0 (or a count) on success and a negative errno on failure. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Bounds of the subgroups read below a unit's group (Delegate= lets a service make its own):
 * deeper ones, and any beyond the first CGROUP_GROUPS_MAX, are not searched, so a service that
 * makes a million groups slows down only the reading of its own. */
#define CGROUP_DEPTH_MAX 16
#define CGROUP_GROUPS_MAX 4096
#define CGROUP_PIDS_MAX (1U << 20)

typedef struct CGroupRoot {
        int fd;            /* our own group's directory; -1: no writable cgroup2 (tracking off) */
        char *path;        /* its path in /proc/self/cgroup, without a trailing '/' ("" for "/") */
} CGroupRoot;

#define CGROUP_ROOT_NULL ((CGroupRoot){ .fd = -1 })

/* The cgroup2 path in the text of /proc/PID/cgroup: the "0::PATH" line. -ENOENT without one
 * (a cgroup v1-only host), -EINVAL if it is not an absolute path. *ret is malloc'd. */
int cgroup_parse_proc(const char *text, size_t size, char **ret);

/* Where a unit's group lives: "SLICE-PATH/UNIT" for a unit in `slice` ("a-b.slice" nests as
 * "a.slice/a-b.slice"; NULL or "-.slice": the root), the slice path alone for a slice unit.
 * -EINVAL for names that cannot be a path component. *ret is malloc'd. */
int cgroup_unit_rel(const char *unit, const char *slice, char **ret);

/* Find our own writable cgroup2 group: `mount` (NULL: /sys/fs/cgroup, then /sys/fs/cgroup/unified
 * as on a hybrid host) must be a cgroup2 file system (unless `check_magic` is false, for tests),
 * `self_cgroup` (NULL: /proc/self/cgroup) names our group in it, and a probe directory must be
 * creatable there. On any "no" *ret is CGROUP_ROOT_NULL and 0 is returned; the reason is logged at
 * debug level. */
int cgroup_root_open(const char *mount, const char *self_cgroup, bool check_magic, CGroupRoot *ret);
void cgroup_root_done(CGroupRoot *c);
static inline bool cgroup_root_enabled(const CGroupRoot *c) { return c && c->fd >= 0; }

/* Remove every empty subgroup of ours (at exit: the runtime then removes our group). */
void cgroup_root_clean(const CGroupRoot *c);

/* Create `rel` and its missing parents (mkdir -p). */
int cgroup_create(const CGroupRoot *c, const char *rel);
/* A descriptor (O_WRONLY, close-on-exec) of rel/cgroup.procs: a child writes "0" into it to move
 * itself into the group before exec. */
int cgroup_open_procs(const CGroupRoot *c, const char *rel);
/* Move a process: write its pid into rel/cgroup.procs. */
int cgroup_attach(const CGroupRoot *c, const char *rel, pid_t pid);
/* Every pid in rel and its subgroups (CGROUP_DEPTH_MAX deep), sorted, without duplicates.
 * A missing group has none. *ret is malloc'd (NULL when *ret_n is 0). */
int cgroup_read_pids(const CGroupRoot *c, const char *rel, pid_t **ret, size_t *ret_n);
/* Remove rel and its subgroups, deepest first. -EBUSY if one still has processes (it stays);
 * a missing group is not an error. */
int cgroup_remove(const CGroupRoot *c, const char *rel);
/* The group of a process, relative to ours (what cgroup_unit_rel() made): -ENOENT if the
 * process is gone, -ENXIO if it is not below our group. *ret is malloc'd. */
int cgroup_pid_rel(const CGroupRoot *c, const char *proc_root, pid_t pid, char **ret);
