/* SPDX-License-Identifier: MIT */
/* Unit objects: construction with systemd's defaults, per-type sections and directive tables. */
#include "base/hashmap.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/unit.h"

extern const DirectiveTable unit_section_table, install_section_table;
extern const DirectiveTable mount_directive_table, automount_directive_table, swap_directive_table;

static void unit_config_init(UnitConfig *c) {
        c->default_dependencies = true;
        c->on_failure_job_mode = JOB_REPLACE;
        c->collect_mode = COLLECT_INACTIVE;
        c->job_timeout_usec = USEC_INFINITY;
        c->job_running_timeout_usec = USEC_INFINITY;
        c->start_limit_interval_usec = 10 * USEC_PER_SEC;  /* DefaultStartLimitIntervalSec */
        c->start_limit_burst = 5;                          /* DefaultStartLimitBurst */
        c->failure_action_exit_status = -1;
        c->success_action_exit_status = -1;
}

static void condition_free_list(Condition *c) {
        while (c) {
                Condition *n = c->next;
                free(c->parameter);
                free(c);
                c = n;
        }
}

/* A name in a dependency list: the pool's shared copy where the unit has a pool, else its own. */
static char *dep_name_take(Unit *u, const char *s) {
        return u->pool ? (char *)name_pool_ref(u->pool, s) : strdup(s);
}

static void dep_name_release(Unit *u, char *s) {
        if (u->pool) name_pool_unref(u->pool, s);
        else free(s);
}

static void unit_deps_done(Unit *u) {
        for (size_t d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                STRV_FOREACH(n, u->unit.deps[d]) dep_name_release(u, *(char **)n);
                free(u->unit.deps[d]);
                u->unit.deps[d] = NULL;
        }
}

static void unit_config_done(UnitConfig *c) {
        free(c->description);
        strv_free(c->documentation);
        strv_free(c->requires_mounts_for);
        free(c->on_failure_job_mode_str);
        free(c->job_timeout_reboot_argument);
        free(c->reboot_argument);
        free(c->source_path);
        condition_free_list(c->conditions);
        condition_free_list(c->asserts);
        strv_free(c->alias);
        strv_free(c->wanted_by);
        strv_free(c->required_by);
        strv_free(c->upheld_by);
        strv_free(c->also);
        free(c->default_instance);
}

Unit *unit_new(const char *id) {
        UnitType t = unit_name_to_type(id);
        if (t < 0) return NULL;
        Unit *u = calloc(1, sizeof *u);
        if (!u) return NULL;
        u->type = t;
        u->load_state = UNIT_STUB;
        unit_config_init(&u->unit);
        if (!(u->id = strdup(id)) || strv_extend(&u->names, id) < 0) goto fail;
        if (unit_name_classify(id) == UNIT_NAME_INSTANCE && unit_name_to_instance(id, &u->instance) < 0) goto fail;
        switch (t) {
        case UNIT_SERVICE: if (!(u->service = service_config_new())) goto fail; break;
        case UNIT_SOCKET: if (!(u->socket = socket_config_new())) goto fail; break;
        case UNIT_TIMER: if (!(u->timer = timer_config_new())) goto fail; break;
        case UNIT_PATH: if (!(u->path = path_config_new())) goto fail; break;
        default: break;
        }
        return u;
fail:
        unit_free(u);
        return NULL;
}

int unit_parse_start(Unit *u) {
        if (!u->lists && !(u->lists = strv_index_new())) return -ENOMEM;
        return 0;
}

void unit_parse_finish(Unit *u) {
        strv_index_free(u->lists);
        u->lists = NULL;
}

void unit_free(Unit *u) {
        if (!u) return;
        unit_parse_finish(u);
        free(u->id);
        strv_free(u->names);
        free(u->fragment_path);
        strv_free(u->dropin_paths);
        free(u->instance);
        unit_deps_done(u);
        unit_config_done(&u->unit);
        service_config_free(u->service);
        socket_config_free(u->socket);
        timer_config_free(u->timer);
        path_config_free(u->path);
        free(u);
}

ExecContext *unit_exec_context(Unit *u) {
        if (u->service) return &u->service->exec;
        if (u->socket) return &u->socket->exec;
        return NULL;
}

KillContext *unit_kill_context(Unit *u) {
        if (u->service) return &u->service->kill;
        if (u->socket) return &u->socket->kill;
        return NULL;
}

static CGroupContext **cgroup_slot(const Unit *u) {
        if (u->service) return &u->service->cgroup;
        if (u->socket) return &u->socket->cgroup;
        return NULL;
}

const CGroupContext *unit_cgroup_context(const Unit *u) {
        CGroupContext **p = cgroup_slot(u);
        return !p ? NULL : *p ? *p : cgroup_context_default();
}

int unit_cgroup_context_get(Unit *u, CGroupContext **ret) {
        CGroupContext **p = cgroup_slot(u);
        if (p && !*p && !(*p = cgroup_context_new())) return -ENOMEM;
        *ret = p ? *p : NULL;
        return 0;
}

const char *unit_slice(const Unit *u) {
        const CGroupContext *c = unit_cgroup_context(u);
        if (c && c->slice) return c->slice;
        return u->unit.deps[UNIT_IN_SLICE] ? u->unit.deps[UNIT_IN_SLICE][0] : NULL;
}

int unit_add_dependency_name(Unit *u, UnitDependency d, const char *name) {
        if ((int)d < 0 || d >= _UNIT_DEPENDENCY_MAX) return -EINVAL;
        char *v = dep_name_take(u, name);
        if (!v) return -ENOMEM;
        if (u->lists) {   /* while the files are parsed: a hash set of the list, O(1) */
                int r = strv_index_contains(u->lists, &u->unit.deps[d], v) ? 0 :
                        strv_index_append(u->lists, &u->unit.deps[d], v);
                if (r != 1) dep_name_release(u, v);
                return r < 0 ? r : 0;
        }
        /* pool names are unique: the same name is the same pointer (a target's list of a
         * thousand services is not compared string by string for each one added) */
        size_t n = 0;
        for (char **l = u->unit.deps[d]; l && l[n]; n++)
                if (u->pool ? l[n] == v : streq(l[n], v)) {
                        dep_name_release(u, v);
                        return 0;
                }
        char **l = realloc(u->unit.deps[d], sizeof(char *) * (n + 2));
        if (!l) {
                dep_name_release(u, v);
                return -ENOMEM;
        }
        l[n] = v;
        l[n + 1] = NULL;
        u->unit.deps[d] = l;
        return 0;
}

int unit_dependency_rename(Unit *u, char **slot, const char *name) {
        char *v = dep_name_take(u, name);
        if (!v) return -ENOMEM;
        dep_name_release(u, *slot);
        *slot = v;
        return 0;
}

void unit_dependencies_uniq(Unit *u, UnitDependency d) {
        char **l = u->unit.deps[d];
        if (!l) return;
        size_t k = 0, n = strv_length(l);
        Hashmap *seen = n >= 16 ? hashmap_new() : NULL;   /* NULL: short, or ENOMEM: compare */
        for (size_t i = 0; i < n; i++) {
                bool dup = false;
                if (seen) {
                        int r = hashmap_put(seen, l[i], l[i]);
                        dup = r == -EEXIST;
                        if (r < 0 && !dup) {
                                hashmap_free(seen);
                                seen = NULL;
                        }
                }
                for (size_t j = 0; !seen && !dup && j < k; j++) dup = streq(l[j], l[i]);
                if (dup) dep_name_release(u, l[i]);
                else l[k++] = l[i];
        }
        l[k] = NULL;
        hashmap_free(seen);
        strv_index_forget(u->lists, &u->unit.deps[d]);
}

void unit_dependency_remove(Unit *u, UnitDependency d, const char *name) {
        char **l = u->unit.deps[d];
        if (!l) return;
        size_t k = 0;
        for (size_t i = 0; l[i]; i++) {
                if (streq(l[i], name)) dep_name_release(u, l[i]);
                else l[k++] = l[i];
        }
        l[k] = NULL;
}

bool unit_has_dependency(const Unit *u, UnitDependency d, const char *name) {
        if ((int)d < 0 || d >= _UNIT_DEPENDENCY_MAX) return false;
        /* the index only reads the list here (and remembers its members) */
        return strv_index_contains(u->lists, (char ***)&u->unit.deps[d], name);
}

static const char *const sections_service[] = { "Unit", "Service", "Install", NULL };
static const char *const sections_socket[] = { "Unit", "Socket", "Install", NULL };
static const char *const sections_target[] = { "Unit", "Install", NULL };
static const char *const sections_mount[] = { "Unit", "Mount", "Install", NULL };
static const char *const sections_swap[] = { "Unit", "Swap", "Install", NULL };
static const char *const sections_automount[] = { "Unit", "Automount", "Install", NULL };
static const char *const sections_timer[] = { "Unit", "Timer", "Install", NULL };
static const char *const sections_path[] = { "Unit", "Path", "Install", NULL };
static const char *const sections_slice[] = { "Unit", "Slice", "Install", NULL };
static const char *const sections_scope[] = { "Unit", "Scope", "Install", NULL };

const char *const *unit_type_sections(UnitType t) {
        static const char *const *const table[_UNIT_TYPE_MAX] = {
                [UNIT_SERVICE] = sections_service, [UNIT_SOCKET] = sections_socket,
                [UNIT_TARGET] = sections_target, [UNIT_DEVICE] = sections_target,
                [UNIT_MOUNT] = sections_mount, [UNIT_SWAP] = sections_swap,
                [UNIT_AUTOMOUNT] = sections_automount, [UNIT_TIMER] = sections_timer,
                [UNIT_PATH] = sections_path, [UNIT_SLICE] = sections_slice, [UNIT_SCOPE] = sections_scope,
        };
        return (int)t >= 0 && t < _UNIT_TYPE_MAX ? table[t] : sections_target;
}

const DirectiveTable *const *unit_type_directive_tables(UnitType t) {
#define COMMON &unit_section_table, &install_section_table
        static const DirectiveTable *const service[] = { COMMON, &service_directive_table, &exec_directive_table,
                                                         &kill_directive_table, &cgroup_directive_table, NULL };
        static const DirectiveTable *const socket[] = { COMMON, &socket_directive_table, &exec_directive_table,
                                                        &kill_directive_table, &cgroup_directive_table, NULL };
        static const DirectiveTable *const timer[] = { COMMON, &timer_directive_table, NULL };
        static const DirectiveTable *const path[] = { COMMON, &path_directive_table, NULL };
        static const DirectiveTable *const mount[] = { COMMON, &mount_directive_table, &exec_directive_table,
                                                       &kill_directive_table, &cgroup_directive_table, NULL };
        static const DirectiveTable *const automount[] = { COMMON, &automount_directive_table, NULL };
        static const DirectiveTable *const swap[] = { COMMON, &swap_directive_table, &exec_directive_table,
                                                      &kill_directive_table, &cgroup_directive_table, NULL };
        /* Slices and scopes take resource-control (and scopes kill) settings; a container has no
         * use for them, so the loader parses them for diagnostics with nowhere to store them. */
        static const DirectiveTable *const slice[] = { COMMON, &cgroup_directive_table, NULL };
        static const DirectiveTable *const scope[] = { COMMON, &cgroup_directive_table, &kill_directive_table, NULL };
        static const DirectiveTable *const common[] = { COMMON, NULL };
#undef COMMON
        switch (t) {
        case UNIT_SERVICE: return service;
        case UNIT_SOCKET: return socket;
        case UNIT_TIMER: return timer;
        case UNIT_PATH: return path;
        case UNIT_MOUNT: return mount;
        case UNIT_AUTOMOUNT: return automount;
        case UNIT_SWAP: return swap;
        case UNIT_SLICE: return slice;
        case UNIT_SCOPE: return scope;
        default: return common;
        }
}
