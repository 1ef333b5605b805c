/* SPDX-License-Identifier: MIT */
/* Transient units: their files, their loading and their collection (transient.h). The D-Bus side,
 * properties into directives, is dbus-transient.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/transient.h"

/* DIR (below the manager's root) joined with name; NULL on ENOMEM. */
static char *transient_path(const Manager *m, const char *name) {
        const char *root = m->loader->lp.root;
        return strjoin(root ? root : "", TRANSIENT_DIR "/", name);
}

bool transient_unit_is(const Manager *m, const Unit *cfg) {
        if (!cfg || !cfg->fragment_path) return false;
        const char *p = lookup_path_unroot(&m->loader->lp, cfg->fragment_path);
        p = startswith(p, TRANSIENT_DIR "/");
        return p && !strchr(p, '/');
}

bool transient_unit_is_pristine(const MUnit *u) {
        const Unit *c = u->cfg;
        if (u->job) return false;
        if (!c) return true;
        return (c->load_state == UNIT_NOT_FOUND || c->load_state == UNIT_LOADED) && !c->fragment_path &&
               !c->unit.source_path && UNIT_IS_INACTIVE_OR_FAILED(u->state);
}

int transient_write_atomic(const char *path, const char *text) {
        _cleanup_free_ char *tmp = strjoin(path, ".tmp");
        if (!tmp) return -ENOMEM;
        int r = mkdir_parents(path, 0755);
        if (r < 0) return r;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) return -errno;
        size_t n = strlen(text), done = 0;
        while (done < n) {
                ssize_t k = write(fd, text + done, n - done);
                if (k < 0 && errno == EINTR) continue;
                if (k <= 0) {
                        r = k < 0 ? -errno : -EIO;
                        close(fd);
                        (void)unlink(tmp);
                        return r;
                }
                done += (size_t)k;
        }
        if (close(fd) < 0 || rename(tmp, path) < 0) {
                r = -errno;
                (void)unlink(tmp);
                return r;
        }
        return 0;
}

int transient_unit_write(const Manager *m, const char *name, const char *text) {
        _cleanup_free_ char *path = transient_path(m, name);
        return path ? transient_write_atomic(path, text) : -ENOMEM;
}

int transient_units_load(Manager *m, char *const *names, MUnit **ret) {
        int r = loader_rescan(m->loader);
        if (r < 0) return r;
        STRV_FOREACH(n, names) {
                MUnit *u = manager_get_unit(m, *n);
                if (u && (r = manager_reload_unit(m, u)) < 0) return r;
        }
        if ((r = manager_load_dependencies(m)) < 0) return r;
        STRV_FOREACH(n, names) {
                MUnit *u;
                if ((r = manager_load_unit(m, *n, &u)) < 0) return r;
                if (n == names) *ret = u;
        }
        return 0;
}

bool transient_unit_collectable(const MUnit *u) {
        if (!transient_unit_is(u->m, u->cfg) || u->bus_refs > 0 || u->job) return false;
        if (u->state != UNIT_INACTIVE && !(u->state == UNIT_FAILED && u->cfg->unit.collect_mode == COLLECT_INACTIVE_OR_FAILED))
                return false;
        MUnit *const *by;
        return munit_dependencies(u, UNIT_TRIGGERED_BY, &by) == 0;
}

void transient_unit_check_collect(MUnit *u) {
        if (u->m->shutting_down || !transient_unit_collectable(u)) return;
        u->gc_pending = true;
        manager_schedule_gc(u->m);
}

static void remove_dropins(const char *dir) {
        DIR *d = opendir(dir);
        if (!d) return;
        struct dirent *de;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.') (void)unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
        (void)rmdir(dir);
}

void transient_unit_remove_files(const Manager *m, const Unit *cfg) {
        if (!transient_unit_is(m, cfg)) return;
        (void)unlink(cfg->fragment_path);
        _cleanup_free_ char *d = strjoin(cfg->fragment_path, ".d");
        if (d) remove_dropins(d);
}
