/* SPDX-License-Identifier: MIT */
/* Loading units (systemd 252's unit_load() / unit_load_fragment()). */
#include "base/log.h"
#include "base/strv.h"
#include "unit/load.h"

int loader_init(Loader *l, const char *root) {
        *l = (Loader){0};
        int r = lookup_paths_init(&l->lp, root);
        if (r < 0) return r;
        l->map_stamp = lookup_paths_stamp(&l->lp);
        if ((r = unit_file_map_build(&l->map, &l->lp)) < 0) return r;
        if (!(l->units = hashmap_new()) || !(l->pool = name_pool_new())) return -ENOMEM;
        return 0;
}

void loader_done(Loader *l) {
        for (size_t i = 0; i < l->n_list; i++) unit_free(l->list[i]);
        free(l->list);
        hashmap_free(l->units);
        name_pool_free(l->pool);   /* after the units: they release their names */
        unit_file_map_done(&l->map);
        lookup_paths_done(&l->lp);
        *l = (Loader){0};
}

Unit *loader_get(const Loader *l, const char *name) {
        return hashmap_get(l->units, name);
}

static void unregister(Loader *l, Unit *u);

void loader_forget(Loader *l, Unit *u) {
        unregister(l, u);
        unit_free(u);
}

static const char *type_section(UnitType t) {
        static const char *const names[_UNIT_TYPE_MAX] = {
                [UNIT_SERVICE] = "Service", [UNIT_MOUNT] = "Mount", [UNIT_SWAP] = "Swap",
                [UNIT_SOCKET] = "Socket", [UNIT_TARGET] = "Target", [UNIT_DEVICE] = "Device",
                [UNIT_AUTOMOUNT] = "Automount", [UNIT_TIMER] = "Timer", [UNIT_PATH] = "Path",
                [UNIT_SLICE] = "Slice", [UNIT_SCOPE] = "Scope",
        };
        return names[t];
}

static int directive_data(Unit *u, const Directive *d, void **ret) {
        char *base = NULL;
        CGroupContext *cg;
        int r;
        switch (d->base) {
        case BASE_UNIT: base = (char *)u; break;
        case BASE_EXEC: base = (char *)unit_exec_context(u); break;
        case BASE_KILL: base = (char *)unit_kill_context(u); break;
        case BASE_CGROUP:   /* made on the first resource-control setting */
                if ((r = unit_cgroup_context_get(u, &cg)) < 0) return r;
                base = (char *)cg;
                break;
        case BASE_TYPE:
                base = u->service ? (char *)u->service : u->socket ? (char *)u->socket :
                       u->timer ? (char *)u->timer : u->path ? (char *)u->path : NULL;
                break;
        }
        *ret = base ? base + d->offset : NULL;
        return 0;
}

static int dispatch_item(const ConfigItem *it, void *userdata) {
        Unit *u = userdata;
        bool section_has_table = false;
        for (const DirectiveTable *const *t = unit_type_directive_tables(u->type); *t; t++) {
                const char *sec = (*t)->section ? (*t)->section : type_section(u->type);
                if (!streq(sec, it->section)) continue;
                section_has_table = true;
                const Directive *d = directive_lookup((*t)->directives, it->key);
                if (!d) continue;
                void *data;
                int r = directive_data(u, d, &data);
                if (r < 0) return r;
                if (!data && d->base != BASE_UNIT) return 0; /* recognised; this type keeps no state for it */
                return d->parse(it, u, d->ltype, data);
        }
        if (startswith(it->key, "X-")) return 0;
        (void)section_has_table;
        log_syntax(it->file, it->line, LOG_WARNING, 0, "Unknown key '%s' in section [%s], ignoring.", it->key, it->section);
        return 0;
}

static int add_list_to(Loader *l, Unit *u) {
        if (l->n_list == l->cap_list) {   /* doubling: N units cost O(N) copying in all */
                size_t nc = l->cap_list ? l->cap_list * 2 : 64;
                Unit **n = realloc(l->list, sizeof(Unit *) * nc);
                if (!n) return -ENOMEM;
                l->list = n;
                l->cap_list = nc;
        }
        l->list[l->n_list++] = u;
        STRV_FOREACH(name, u->names) {
                if (hashmap_get(l->units, *name)) continue;
                int r = hashmap_put(l->units, *name, u);
                if (r < 0) return r;
        }
        return 0;
}

/* NAME.wants/, NAME.requires/ and NAME.upholds/ entries; templates in them are instantiated with
 * our instance (or the template's DefaultInstance=) as systemd does. */
static int load_dependency_dirs(Loader *l, Unit *u) {
        static const struct { const char *suffix; UnitDependency dep; } dirs[] = {
                { ".wants", UNIT_WANTS }, { ".requires", UNIT_REQUIRES }, { ".upholds", UNIT_UPHOLDS },
        };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_strv_free_ char **entries = NULL;
                int r = unit_file_find_dependency_dir(&l->lp, &l->map, u->names, dirs[i].suffix, &entries);
                if (r < 0) return r;
                STRV_FOREACH(e, entries) {
                        _cleanup_free_ char *name = NULL;
                        if (unit_name_classify(*e) == UNIT_NAME_TEMPLATE) {
                                if (!u->instance) {
                                        log_warning("%s: %s%s/ contains template %s without an instance, ignoring.",
                                                    u->id, u->id, dirs[i].suffix, *e);
                                        continue;
                                }
                                if ((r = unit_name_replace_instance(*e, u->instance, &name)) < 0) return r;
                        } else if (!(name = strdup(*e)))
                                return -ENOMEM;
                        if ((r = unit_add_dependency_name(u, dirs[i].dep, name)) < 0) return r;
                }
        }
        return 0;
}

static int type_verify(Unit *u) {
        switch (u->type) {
        case UNIT_SERVICE: service_apply_defaults(u); return service_verify(u);
        case UNIT_SOCKET:
                /* a socket's own commands log to the journal by default (DefaultStandardOutput=) */
                if (u->socket->exec.std_output == EXEC_OUTPUT_INHERIT) u->socket->exec.std_output = EXEC_OUTPUT_JOURNAL;
                socket_apply_defaults(u);
                return socket_verify(u);
        case UNIT_TIMER: timer_apply_defaults(u); return timer_verify(u);
        case UNIT_PATH: path_apply_defaults(u); return path_verify(u);
        default: return 0;
        }
}

/* The fragment, the drop-ins and the .wants/ directories, between unit_parse_start() and
 * unit_parse_finish() (appending to the unit's lists is O(1) in between). */
static int load_fragment_and_dropins(Loader *l, Unit *u) {
        const char *const *sections = unit_type_sections(u->type);
        int r = unit_parse_start(u);
        if (r >= 0) r = config_parse_file(u->fragment_path, sections, dispatch_item, u);
        if (r >= 0) r = unit_file_find_dropins(&l->lp, &l->map, u->names, &u->dropin_paths);
        STRV_FOREACH(p, r >= 0 ? u->dropin_paths : NULL)
                if ((r = config_parse_file(*p, sections, dispatch_item, u)) < 0) break;
        if (r >= 0) r = load_dependency_dirs(l, u);
        unit_parse_finish(u);
        return r;
}

int unit_parse_buffer(Unit *u, const char *name, const char *data, size_t size) {
        int r = unit_parse_start(u);
        if (r >= 0) r = config_parse_buffer(name, data, size, unit_type_sections(u->type), dispatch_item, u);
        unit_parse_finish(u);
        return r;
}

int unit_load_from_buffer(Unit *u, const char *name, const char *data, size_t size) {
        int r = unit_parse_buffer(u, name, data, size);
        if (r >= 0) r = type_verify(u);
        if (r >= 0) r = unit_add_implicit_dependencies(NULL, u);
        u->load_state = r >= 0 ? UNIT_LOADED : r == -ENOEXEC || r == -EBADMSG ? UNIT_BAD_SETTING : UNIT_ERROR;
        u->load_error = r < 0 ? r : 0;
        return r;
}

static int load_new(Loader *l, const char *name, Unit **ret) {
        _cleanup_free_ char *id = NULL, *fragment = NULL;
        bool masked = false;
        int find_r = unit_file_find_fragment(&l->map, name, &id, &fragment, &masked), r;
        if (find_r == -ENOMEM) return find_r;
        if (id && !streq(id, name)) {
                /* An alias: load the real unit and add this name to it. */
                Unit *real;
                if ((r = loader_load(l, id, &real)) < 0) return r;
                if (!strv_contains(real->names, name) && (r = strv_extend(&real->names, name)) < 0) return r;
                if (!hashmap_get(l->units, name) && (r = hashmap_put(l->units, real->names[strv_length(real->names) - 1], real)) < 0)
                        return r;
                *ret = real;
                return 0;
        }
        Unit *u = unit_new(name);
        if (!u) return -ENOMEM;
        u->root = l->lp.root;
        u->pool = l->pool;
        _cleanup_strv_free_ char **aliases = NULL;
        if ((r = unit_file_aliases_of(&l->map, name, &aliases)) < 0 || (r = strv_extend_strv(&u->names, aliases, true)) < 0 ||
            (r = add_list_to(l, u)) < 0) {
                unit_free(u);
                return r;
        }
        *ret = u;
        if (masked) {
                u->load_state = UNIT_MASKED;
                u->masked = true;
                return 0;
        }
        const char *builtin = (find_r == -ENOENT || (!fragment && find_r >= 0)) && l->builtin ? l->builtin(name) : NULL;
        if (builtin) {
                r = unit_parse_start(u);
                if (r >= 0) r = config_parse_buffer(name, builtin, strlen(builtin), unit_type_sections(u->type), dispatch_item, u);
                if (r >= 0) r = load_dependency_dirs(l, u);
                unit_parse_finish(u);
                if (r >= 0) r = type_verify(u);
                if (r >= 0) r = unit_add_implicit_dependencies(l, u);
                if (r == -ENOMEM) return r;
                u->load_state = r >= 0 ? UNIT_LOADED : UNIT_ERROR;
                u->load_error = r < 0 ? r : 0;
                return 0;
        }
        if (find_r == -ENOENT || (!fragment && find_r >= 0)) {
                u->load_state = UNIT_NOT_FOUND;
                u->load_error = -ENOENT;
                u->not_found_stamp = l->map_stamp;
                /* .wants/ of a unit without a file still count (systemd loads those too) */
                r = unit_parse_start(u);
                if (r >= 0) r = load_dependency_dirs(l, u);
                unit_parse_finish(u);
                return r == -ENOMEM ? -ENOMEM : 0;
        }
        if (find_r < 0) {
                u->load_state = UNIT_ERROR;
                u->load_error = find_r;
                log_error("Failed to load %s: %s", name, strerror(-find_r));
                return 0;
        }
        u->fragment_path = TAKE_PTR(fragment);
        r = load_fragment_and_dropins(l, u);
        u->fragment_mtime = path_mtime_ns(u->fragment_path);
        STRV_FOREACH(p, u->dropin_paths) {
                uint64_t t = path_mtime_ns(*p);
                if (t > u->dropin_mtime) u->dropin_mtime = t;
        }
        if (r >= 0) r = type_verify(u);
        if (r >= 0) r = unit_add_implicit_dependencies(l, u);
        if (r == -ENOMEM) return r;
        if (r < 0) {
                u->load_state = r == -ENOEXEC || r == -EBADMSG ? UNIT_BAD_SETTING : UNIT_ERROR;
                u->load_error = r;
                return 0;
        }
        u->load_state = UNIT_LOADED;
        return 0;
}

int loader_load(Loader *l, const char *name, Unit **ret) {
        Unit *u = hashmap_get(l->units, name);
        if (u) {
                *ret = u;
                return 0;
        }
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) return -EINVAL;
        return load_new(l, name, ret);
}

int loader_rescan(Loader *l) {
        uint64_t stamp = lookup_paths_stamp(&l->lp);
        UnitFileMap fresh;
        int r = unit_file_map_build(&fresh, &l->lp);
        if (r < 0) {
                unit_file_map_done(&fresh);   /* a map left half built on failure */
                return r;
        }
        unit_file_map_done(&l->map);
        l->map = fresh;
        l->map_stamp = stamp;
        return 0;
}

int loader_refresh_map(Loader *l) {
        if (lookup_paths_stamp(&l->lp) == l->map_stamp) return 0;
        int r = loader_rescan(l);
        return r < 0 ? r : 1;
}

bool loader_should_retry(const Loader *l, const Unit *u) {
        if (u->load_state != UNIT_NOT_FOUND) return false;
        return u->not_found_stamp != l->map_stamp || lookup_paths_stamp(&l->lp) != l->map_stamp;
}

static void unregister(Loader *l, Unit *u) {
        STRV_FOREACH(n, u->names)
                if (hashmap_get(l->units, *n) == u) (void)hashmap_remove(l->units, *n);
        if (hashmap_get(l->units, u->id) == u) (void)hashmap_remove(l->units, u->id);
        for (size_t i = 0; i < l->n_list; i++)
                if (l->list[i] == u) {
                        memmove(l->list + i, l->list + i + 1, (l->n_list - i - 1) * sizeof *l->list);
                        l->n_list--;
                        break;
                }
}

int loader_reload_unit(Loader *l, Unit *old, Unit **ret) {
        _cleanup_free_ char *id = NULL, *fragment = NULL;
        bool masked = false;
        int r = unit_file_find_fragment(&l->map, old->id, &id, &fragment, &masked);
        if (r == -ENOMEM) return r;
        *ret = old;
        if (id && !streq(id, old->id)) return 0;   /* now another unit's alias: left to daemon-reload */
        unregister(l, old);
        Unit *fresh = NULL;
        r = load_new(l, old->id, &fresh);
        if (r < 0) {
                if (fresh) {
                        unregister(l, fresh);
                        unit_free(fresh);
                }
                (void)add_list_to(l, old);
                return r;
        }
        *ret = fresh;
        return 0;
}

bool loader_unit_need_daemon_reload(const Loader *l, const Unit *u) {
        if (u->fragment_path) {
                uint64_t now = path_mtime_ns(u->fragment_path);
                if (now == 0 || now != u->fragment_mtime) return true;
        }
        _cleanup_strv_free_ char **dropins = NULL;
        if (u->load_state == UNIT_LOADED && unit_file_find_dropins(&l->lp, NULL, u->names, &dropins) < 0)
                return false;
        size_t n = strv_length(u->dropin_paths);
        if (n != strv_length(dropins)) return true;
        for (size_t i = 0; i < n; i++)
                if (!streq(u->dropin_paths[i], dropins[i])) return true;
        STRV_FOREACH(p, u->dropin_paths) {
                uint64_t now = path_mtime_ns(*p);
                if (now == 0 || now > u->dropin_mtime) return true;
        }
        return false;
}


int loader_load_closure(Loader *l, const char *name, Unit **ret) {
        int r = loader_load(l, name, ret);
        return r < 0 ? r : loader_load_dependencies(l);
}

int loader_load_dependencies(Loader *l) {
        int r;
        /* Breadth-first over the whole list: units appended while we walk are visited too, and
         * loading an already-loaded unit is a hash lookup. */
        for (size_t i = 0; i < l->n_list; i++) {
                Unit *u = l->list[i];
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        STRV_FOREACH(n, u->unit.deps[d]) {
                                Unit *other;
                                if ((r = loader_load(l, *n, &other)) == -ENOMEM) return r;
                        }
        }
        return 0;
}

int loader_load_all(Loader *l) {
        size_t i = 0;
        const char *k;
        void *v;
        while (hashmap_iterate(l->map.entries, &i, &k, &v)) {
                Unit *u;
                if (unit_name_classify(k) == UNIT_NAME_TEMPLATE) continue;  /* templates load per instance */
                int r = loader_load(l, k, &u);
                if (r == -ENOMEM) return r;
        }
        return 0;
}

/* A target orders itself after the units it pulls in (systemd's unit_add_default_target_dependency),
 * when both are loaded, both have default dependencies, and that makes no loop. */
static int add_target_orderings(Loader *l) {
        static const UnitDependency pulls[] = { UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO };
        for (size_t i = 0; i < l->n_list; i++) {
                Unit *t = l->list[i];
                if (t->type != UNIT_TARGET || t->load_state != UNIT_LOADED || !t->unit.default_dependencies) continue;
                for (size_t k = 0; k < ELEMENTSOF(pulls); k++)
                        STRV_FOREACH(n, t->unit.deps[pulls[k]]) {
                                Unit *o = hashmap_get(l->units, *n);
                                if (!o || o == t || o->load_state != UNIT_LOADED || !o->unit.default_dependencies) continue;
                                if (unit_has_dependency(t, UNIT_BEFORE, o->id) || unit_has_dependency(o, UNIT_AFTER, t->id)) continue;
                                int r = unit_add_dependency_name(t, UNIT_AFTER, o->id);
                                if (r < 0) return r;
                        }
        }
        return 0;
}

/* Dependencies may name aliases; systemd resolves them to the unit, so show its id. */
static int canonicalize_dependencies(Loader *l) {
        for (size_t i = 0; i < l->n_list; i++) {
                Unit *u = l->list[i];
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                        bool changed = false;
                        STRV_FOREACH(n, u->unit.deps[d]) {
                                Unit *o = hashmap_get(l->units, *n);
                                if (o && !streq(o->id, *n)) {
                                        int r = unit_dependency_rename(u, (char **)n, o->id);
                                        if (r < 0) return r;
                                        changed = true;
                                }
                        }
                        if (changed) unit_dependencies_uniq(u, (UnitDependency)d);
                        /* a unit never depends on itself */
                        unit_dependency_remove(u, (UnitDependency)d, u->id);
                }
        }
        return 0;
}

/* A unit with a long dependency list, or one that many others will add their inverse to, gets a
 * list index for the passes below, so that adding to or looking in its lists is O(1): 100,000
 * units each adding their inverse to a unit that names them all was 100,000² comparisons (and so
 * was every service's Before= mirror on basic.target). Other units get none: it costs memory. */
#define DEPENDENCY_INDEX_MIN 64

static int index_long_dependency_lists(Loader *l) {
        Hashmap *incoming = hashmap_new();   /* unit id → the inverses it will receive */
        int r = incoming ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < l->n_list; i++) {
                Unit *u = l->list[i];
                for (int d = 0; r >= 0 && d < _UNIT_DEPENDENCY_MAX; d++) {
                        size_t n = 0;
                        STRV_FOREACH(name, u->unit.deps[d]) {
                                n++;
                                Unit *o = hashmap_get(l->units, *name);
                                if (!o || o == u) continue;
                                uintptr_t c = (uintptr_t)hashmap_get(incoming, o->id) + 1;
                                if ((r = hashmap_replace(incoming, o->id, (void *)c)) < 0) break;
                                if (c == DEPENDENCY_INDEX_MIN && (r = unit_parse_start(o)) < 0) break;
                        }
                        if (r >= 0 && n >= DEPENDENCY_INDEX_MIN) r = unit_parse_start(u);
                }
        }
        hashmap_free(incoming);
        return r < 0 ? r : 0;
}

static int add_inverse_dependencies(Loader *l) {
        for (size_t i = 0; i < l->n_list; i++) {
                Unit *u = l->list[i];
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                        UnitDependency inv = unit_dependency_inverse((UnitDependency)d);
                        if (inv < 0) continue;
                        STRV_FOREACH(n, u->unit.deps[d]) {
                                Unit *other = hashmap_get(l->units, *n);
                                if (!other || other == u) continue;
                                int r = unit_add_dependency_name(other, inv, u->id);
                                if (r < 0) return r;
                        }
                }
        }
        return 0;
}

int loader_add_reverse_dependencies(Loader *l) {
        int r = canonicalize_dependencies(l);
        if (r >= 0) r = index_long_dependency_lists(l);
        if (r >= 0) r = add_target_orderings(l);
        if (r >= 0) r = add_inverse_dependencies(l);
        for (size_t i = 0; i < l->n_list; i++) unit_parse_finish(l->list[i]);
        return r;
}
