/* SPDX-License-Identifier: MIT */
#pragma once
/* The loader: turns names into loaded Units — fragment, drop-ins, .wants/.requires directories,
 * type defaults and verification, implicit dependencies — and keeps every unit it loaded so
 * reverse dependencies can be derived, as systemd's manager does at load time. */
#include "base/hashmap.h"
#include "unit/lookup.h"
#include "unit/unit.h"

typedef struct Loader {
        LookupPaths lp;
        UnitFileMap map;
        Hashmap *units;     /* every known name (id and aliases) → Unit */
        NamePool *pool;     /* the units' dependency names (name-pool.h) */
        Unit **list;        /* owned, in load order */
        size_t n_list, cap_list;
        bool quiet_missing; /* do not warn about units referenced but not found */
        uint64_t map_stamp; /* lookup_paths_stamp() when the map was built */
        /* Definitions used when the search path has no file for a name (the manager's built-in
         * standard targets); NULL: none. Returns the unit file text or NULL. */
        const char *(*builtin)(const char *name);
} Loader;

int loader_init(Loader *l, const char *root);
void loader_done(Loader *l);
/* Load one unit (not its dependencies). Always yields a Unit for a valid name, whatever its
 * load state; -EINVAL for an invalid name, -ENOMEM. */
int loader_load(Loader *l, const char *name, Unit **ret);
/* Load the unit and, transitively, every unit it names in a dependency (systemd loads those too). */
int loader_load_closure(Loader *l, const char *name, Unit **ret);
/* Load every unit named in a dependency of a loaded unit, transitively. */
int loader_load_dependencies(Loader *l);
/* Load every unit file the search path holds (for verify --root). */
int loader_load_all(Loader *l);
/* Derive reverse dependencies (WantedBy=, RequiredBy=, Before=/After= mirrors, ...) over the
 * loaded set. Idempotent. */
int loader_add_reverse_dependencies(Loader *l);
Unit *loader_get(const Loader *l, const char *name);
/* systemd 252's unit file cache (manager_unit_cache_should_retry_load()): the map is built again
 * when the search directories changed since it was (1 if it was, 0 if not, <0 on error: the old
 * one is kept); a not-found unit is loaded again when the map changed since it was not found or
 * the directories changed since. */
int loader_refresh_map(Loader *l);
bool loader_should_retry(const Loader *l, const Unit *u);
/* Load the unit anew from the (refreshed) map in place of `old`, which is taken out of the name
 * map but not freed (the caller hands its runtime over, then frees it). 0 and *ret; when the name
 * is now an alias of another unit, 0 with *ret = old left in place; <0: old left in place. */
int loader_reload_unit(Loader *l, Unit *old, Unit **ret);
/* systemd 252's unit_need_daemon_reload(): the fragment's or a drop-in's mtime changed, the
 * fragment is gone, or the drop-ins on disk are not the ones loaded. */
bool loader_unit_need_daemon_reload(const Loader *l, const Unit *u);
/* Read the search path into the name map again, whatever the directories' mtimes say: files
 * written since the map was built (a transient unit's) are found by the next load. The units
 * already loaded are not touched. */
int loader_rescan(Loader *l);
/* Drop a unit nobody needs any more (a finished Accept=yes instance): its names and the Unit. */
void loader_forget(Loader *l, Unit *u);

/* Parse an in-memory unit file into u (no drop-ins, no search path): for tests and fuzzing. */
int unit_load_from_buffer(Unit *u, const char *name, const char *data, size_t size);
/* Only the parse of data into u (each directive's parser; no checks of the whole unit). */
int unit_parse_buffer(Unit *u, const char *name, const char *data, size_t size);

/* Implicit and default dependencies for a freshly loaded unit (implicit-deps.c). */
int unit_add_implicit_dependencies(Loader *l, Unit *u);
