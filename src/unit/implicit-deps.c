/* SPDX-License-Identifier: MIT */
/* Dependencies systemd adds on its own (systemd.unit(5) "Implicit Dependencies" and "Default
 * Dependencies", systemd.service(5), .socket(5), .timer(5), .path(5), .exec(5)). Mount units are
 * not applicable in a container, so RequiresMountsFor= paths are recorded but tie to no mount. */
#include "base/strv.h"
#include "unit/load.h"

#define SYSINIT_TARGET "sysinit.target"
#define BASIC_TARGET "basic.target"
#define SHUTDOWN_TARGET "shutdown.target"

static int add(Unit *u, UnitDependency d, const char *name) {
        if (streq(u->id, name)) return 0;
        return unit_add_dependency_name(u, d, name);
}

static int add2(Unit *u, UnitDependency a, UnitDependency b, const char *name) {
        int r = add(u, a, name);
        return r < 0 ? r : add(u, b, name);
}

static int require_mounts_for(Unit *u, const char *path) {
        if (strv_contains(u->unit.requires_mounts_for, path)) return 0;
        return strv_extend(&u->unit.requires_mounts_for, path);
}

static bool output_to_journal(ExecOutput o) {
        return o == EXEC_OUTPUT_JOURNAL || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE || o == EXEC_OUTPUT_KMSG ||
               o == EXEC_OUTPUT_KMSG_AND_CONSOLE;
}

static int add_exec_dependencies(Unit *u, const ExecContext *c) {
        static const char *const prefix[_EXEC_DIRECTORY_TYPE_MAX] = {
                [EXEC_DIRECTORY_RUNTIME] = "/run", [EXEC_DIRECTORY_STATE] = "/var/lib",
                [EXEC_DIRECTORY_CACHE] = "/var/cache", [EXEC_DIRECTORY_LOGS] = "/var/log",
                [EXEC_DIRECTORY_CONFIGURATION] = "/etc",
        };
        int r = 0;
        if (c->working_directory && c->working_directory[0] == '/' && !c->working_directory_missing_ok)
                r = require_mounts_for(u, c->working_directory);
        if (r >= 0 && c->root_directory) r = require_mounts_for(u, c->root_directory);
        for (int t = 0; r >= 0 && t < _EXEC_DIRECTORY_TYPE_MAX; t++)
                STRV_FOREACH(p, c->directories[t].paths) {
                        _cleanup_free_ char *full = strjoin(prefix[t], "/", *p);
                        if (!full) return -ENOMEM;
                        if ((r = require_mounts_for(u, full)) < 0) return r;
                }
        /* state, cache and logs need a writable /var: after the root file system is remounted */
        if (r >= 0 && (c->directories[EXEC_DIRECTORY_STATE].paths || c->directories[EXEC_DIRECTORY_CACHE].paths ||
                       c->directories[EXEC_DIRECTORY_LOGS].paths))
                r = add(u, UNIT_AFTER, "systemd-remount-fs.service");
        if (r >= 0 && c->private_tmp) {
                r = add2(u, UNIT_WANTS, UNIT_AFTER, "tmp.mount");
                if (r >= 0) r = require_mounts_for(u, "/var/tmp");
                if (r >= 0) r = add(u, UNIT_AFTER, "systemd-tmpfiles-setup.service");
        }
        if (r >= 0 && (output_to_journal(c->std_output) || output_to_journal(c->std_error)))
                r = add(u, UNIT_AFTER, "systemd-journald.socket");
        return r;
}

/* system.slice, or system-PREFIX.slice for instances of templates (systemd's default slice). */
static int add_slice(Unit *u) {
        const CGroupContext *cg = unit_cgroup_context(u);
        _cleanup_free_ char *slice = NULL;
        if (cg->slice) {
                if (!(slice = strdup(cg->slice))) return -ENOMEM;
        } else if (u->instance) {
                _cleanup_free_ char *prefix = NULL;
                int r = unit_name_to_prefix(u->id, &prefix);
                if (r < 0) return r;
                _cleanup_free_ char *esc = unit_name_escape(prefix);
                if (!esc || !(slice = strjoin("system-", esc, ".slice"))) return -ENOMEM;
        } else if (!(slice = strdup("system.slice")))
                return -ENOMEM;
        /* InSlice= also keeps the default for Slice= (unit_slice()) */
        int r = add2(u, UNIT_AFTER, UNIT_REQUIRES, slice);
        return r < 0 ? r : add(u, UNIT_IN_SLICE, slice);
}

static int add_default_sysinit_shutdown(Unit *u) {
        int r = add2(u, UNIT_AFTER, UNIT_REQUIRES, SYSINIT_TARGET);
        return r < 0 ? r : add2(u, UNIT_BEFORE, UNIT_CONFLICTS, SHUTDOWN_TARGET);
}

static int service_deps(Unit *u) {
        ServiceConfig *s = u->service;
        int r = add_exec_dependencies(u, &s->exec);
        if (r >= 0) r = add_slice(u);
        if (r >= 0 && u->unit.default_dependencies) {
                r = add(u, UNIT_AFTER, BASIC_TARGET);
                if (r >= 0) r = add_default_sysinit_shutdown(u);
        }
        if (r >= 0 && s->type == SERVICE_DBUS && s->bus_name) r = add2(u, UNIT_REQUIRES, UNIT_AFTER, "dbus.socket");
        STRV_FOREACH(sock, s->sockets)
                if (r >= 0) r = add2(u, UNIT_WANTS, UNIT_AFTER, *sock);
        return r;
}

static int trigger_name(const Unit *u, const char *configured, char **ret) {
        if (configured) return (*ret = strdup(configured)) ? 0 : -ENOMEM;
        return unit_name_change_suffix(u->id, ".service", ret);
}

static int socket_deps(Unit *u) {
        int r = add_exec_dependencies(u, &u->socket->exec);
        if (r >= 0) r = add_slice(u);
        if (r >= 0 && u->unit.default_dependencies) {
                r = add(u, UNIT_BEFORE, "sockets.target");
                if (r >= 0) r = add_default_sysinit_shutdown(u);
        }
        /* socket_apply_defaults() sets Service= exactly when the socket triggers one (Accept=no,
         * or datagram/FIFO ports with Accept=yes) */
        if (r >= 0 && u->socket->service) r = add2(u, UNIT_BEFORE, UNIT_TRIGGERS, u->socket->service);
        return r;
}

static int timer_deps(Unit *u) {
        int r = 0;
        if (u->unit.default_dependencies) {
                r = add_default_sysinit_shutdown(u);
                if (r >= 0) r = add(u, UNIT_BEFORE, "timers.target");
                if (r >= 0 && u->timer->on_calendar) {
                        r = add(u, UNIT_AFTER, "time-set.target");
                        if (r >= 0) r = add(u, UNIT_AFTER, "time-sync.target");
                }
        }
        _cleanup_free_ char *target = NULL;
        if (r >= 0 && (r = trigger_name(u, u->timer->unit, &target)) >= 0)
                r = add2(u, UNIT_BEFORE, UNIT_TRIGGERS, target);
        return r;
}

static int path_deps(Unit *u) {
        int r = 0;
        if (u->unit.default_dependencies) {
                r = add(u, UNIT_BEFORE, "paths.target");
                if (r >= 0) r = add_default_sysinit_shutdown(u);
        }
        _cleanup_free_ char *target = NULL;
        if (r >= 0 && (r = trigger_name(u, u->path->unit, &target)) >= 0)
                r = add2(u, UNIT_BEFORE, UNIT_TRIGGERS, target);
        return r;
}

static int type_deps(Unit *u) {
        switch (u->type) {
        case UNIT_SERVICE: return service_deps(u);
        case UNIT_SOCKET: return socket_deps(u);
        case UNIT_TIMER: return timer_deps(u);
        case UNIT_PATH: return path_deps(u);
        case UNIT_TARGET:
                return u->unit.default_dependencies ? add2(u, UNIT_BEFORE, UNIT_CONFLICTS, SHUTDOWN_TARGET) : 0;
        default: return 0;
        }
}

int unit_add_implicit_dependencies(Loader *l, Unit *u) {
        (void)l;
        ExecContext *ec = unit_exec_context(u);
        if (ec) exec_context_patch(ec);
        CGroupContext *cc = NULL;
        if (ec && (ec->private_devices || ec->protect_clock) && unit_cgroup_context_get(u, &cc) >= 0 && cc)
                cgroup_context_patch(cc, ec);
        int r = type_deps(u);
        /* Every path lies on the root file system, which is always mounted — in a container too —
         * so RequiresMountsFor= orders after -.mount as systemd does. Other mount units do not
         * exist in a container (README: deviations). */
        if (r >= 0 && u->unit.requires_mounts_for) r = add(u, UNIT_AFTER, "-.mount");
        return r;
}
