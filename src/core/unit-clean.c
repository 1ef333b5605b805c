/* SPDX-License-Identifier: MIT */
/* `systemctl clean` (unit-clean.h). The removal runs in PID 1's loop, not in a child as systemd's
 * does (README, Deviations): the tree walked is bounded by rm_rf_at()'s depth and one file system. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/unit-clean.h"
#include "tmpfiles/fsops.h"
#include "unit/exec-config.h"
#include "unit/unit.h"

static const char *const type_names[_EXEC_DIRECTORY_TYPE_MAX] = { "runtime", "state", "cache", "logs", "configuration" };
static const char *const type_roots[_EXEC_DIRECTORY_TYPE_MAX] = { "/run", "/var/lib", "/var/cache", "/var/log", "/etc" };

unsigned unit_clean_type_from_string(const char *s) {
        for (int t = 0; t < _EXEC_DIRECTORY_TYPE_MAX; t++)
                if (streq(s, type_names[t])) return 1u << t;
        return 0;
}

const char *unit_clean_type_to_string(int type) {
        return type >= 0 && type < _EXEC_DIRECTORY_TYPE_MAX ? type_names[type] : NULL;
}

/* systemd 252 cleans services, sockets, mounts and swaps (the types with an exec context). */
static ExecContext *cleanable_context(MUnit *u) {
        if (!u->cfg) return NULL;
        UnitType t = u->cfg->type;
        if (t != UNIT_SERVICE && t != UNIT_SOCKET && t != UNIT_MOUNT && t != UNIT_SWAP) return NULL;
        return unit_exec_context(u->cfg);
}

unsigned munit_can_clean(MUnit *u) {
        ExecContext *c = u->cfg && u->cfg->load_state == UNIT_LOADED ? cleanable_context(u) : NULL;
        unsigned mask = 0;
        for (int t = 0; c && t < _EXEC_DIRECTORY_TYPE_MAX; t++)
                if (!strv_isempty(c->directories[t].paths)) mask |= 1u << t;
        return mask;
}

/* rel below the directory dfd: every component but the last opened with O_NOFOLLOW (a symlink on
 * the way ends the walk: ELOOP/ENOTDIR), the last removed with rm_rf_at(), which unlinks a symlink
 * itself. "." and ".." were refused when the unit file was parsed; refused here again. */
static int remove_below(int dfd, const char *rel) {
        _cleanup_free_ char *copy = strdup(rel);
        if (!copy) return -ENOMEM;
        int fd = dup(dfd);
        if (fd < 0) return -errno;
        char *save = NULL, *name = strtok_r(copy, "/", &save), *next;
        int r = -EINVAL;
        for (; name; name = next) {
                next = strtok_r(NULL, "/", &save);
                if (streq(name, ".") || streq(name, "..")) {
                        r = -EINVAL;
                        break;
                }
                if (!next) {
                        r = rm_rf_at(fd, name, false);
                        break;
                }
                int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                r = sub < 0 ? -errno : 0;
                /* a symlink (or a file) on the way: nothing of the unit's lies below it */
                if (r == -ELOOP || r == -ENOTDIR) {
                        log_warning("Not following %s in %s: not a directory of its own.", name, rel);
                        r = 0;
                }
                close(fd);
                fd = sub;
                if (sub < 0) break;
        }
        if (fd >= 0) close(fd);
        return r == -ENOENT ? 0 : r;
}

static int clean_type(MUnit *u, const ExecDirectory *d, int t) {
        int fd = open(type_roots[t], O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;
        if (fd < 0) return errno == ENOENT ? 0 : -errno;
        for (size_t i = 0; d->paths && d->paths[i]; i++) {
                const char *link = d->symlinks && d->symlinks[i] ? d->symlinks[i] : "";
                _cleanup_free_ char *private = strjoin("private/", d->paths[i]);
                const char *what[] = { d->paths[i], t != EXEC_DIRECTORY_CONFIGURATION ? private : NULL, link };
                for (size_t k = 0; k < ELEMENTSOF(what); k++) {
                        if (isempty(what[k])) continue;
                        int r = remove_below(fd, what[k]);
                        if (r < 0) {
                                log_warning("%s: Failed to remove %s/%s: %s", u->id, type_roots[t], what[k], strerror(-r));
                                if (ret == 0) ret = r;
                        }
                }
                if (!private && ret == 0) ret = -ENOMEM;
        }
        close(fd);
        return ret;
}

int munit_clean(MUnit *u, unsigned mask) {
        ExecContext *c = cleanable_context(u);
        if (!c) return -EOPNOTSUPP;
        if (mask == 0) return -EUNATCH;
        if (u->cfg->load_state != UNIT_LOADED || u->job || u->state != UNIT_INACTIVE) return -EBUSY;
        if (!(munit_can_clean(u) & mask)) return -EUNATCH;
        int ret = 0;
        for (int t = 0; t < _EXEC_DIRECTORY_TYPE_MAX; t++) {
                if (!(mask & (1u << t)) || strv_isempty(c->directories[t].paths)) continue;
                int r = clean_type(u, &c->directories[t], t);
                if (r < 0 && ret == 0) ret = r;
        }
        return ret;
}
