/* SPDX-License-Identifier: MIT */
#pragma once
/* Where unit files live: the search path in systemd's order, the name map built from it
 * (fragments, aliases, masks), and drop-in/.wants directory discovery. */
#include <stdbool.h>
#include "base/hashmap.h"
#include "base/strv.h"

typedef struct LookupPaths {
        char **search_path;   /* absolute directories, root-prefixed, highest priority first */
        char *root;           /* NULL or the --root directory (no trailing slash) */
} LookupPaths;

/* $SYSTEMD_UNIT_PATH replaces the defaults; a trailing ':' appends them. */
int lookup_paths_init(LookupPaths *lp, const char *root);
void lookup_paths_done(LookupPaths *lp);
/* The path as the unit would see it (root prefix removed), for messages and FragmentPath. */
const char *lookup_path_unroot(const LookupPaths *lp, const char *path);

typedef enum UnitFileKind {
        UNIT_FILE_REGULAR,   /* a file defining the unit */
        UNIT_FILE_ALIAS,     /* a symlink naming another unit */
        UNIT_FILE_MASKED,    /* symlink to /dev/null or an empty file */
        UNIT_FILE_BROKEN,    /* dangling link, loop, directory, unreadable: reason in `error` */
} UnitFileKind;

typedef struct UnitFileEntry {
        char *name;
        UnitFileKind kind;
        char *path;          /* where the name was found (dir/name) */
        char *fragment;      /* REGULAR: the file to read (symlinks resolved); ALIAS: the target file */
        char *target;        /* ALIAS: the unit name it points to */
        int error;           /* BROKEN: negative errno */
} UnitFileEntry;

/* Where a configuration directory of a given name exists, in search-path order. */
typedef struct ConfigDirList {
        char *name;          /* e.g. "foo.service.d" (the key) */
        size_t n;
        struct { size_t prio; char *path; } *v;  /* prio: index of the search directory */
} ConfigDirList;

typedef struct UnitFileMap {
        Hashmap *entries;    /* name → UnitFileEntry, first directory wins */
        StrvBuilder alias_names;  /* names whose entry is an alias, in the order found */
        Hashmap *aliases_of; /* the unit an alias leads to → StrvBuilder of its aliases (Names=) */
        Hashmap *dirs;       /* NAME.d/.wants/.requires/.upholds base name → ConfigDirList */
        size_t n_search_dirs;
} UnitFileMap;

int unit_file_map_build(UnitFileMap *m, const LookupPaths *lp);
/* systemd's lookup_paths_timestamp_hash: the modification times of the search directories, hashed;
 * a file added to, removed from or renamed in one of them changes it. */
uint64_t lookup_paths_stamp(const LookupPaths *lp);
/* st_mtim of path in ns; 0 when it cannot be read. */
uint64_t path_mtime_ns(const char *path);
void unit_file_map_done(UnitFileMap *m);

/* Resolve a name to its fragment: follows aliases, falls back to the template for instances.
 * ret_fragment: NULL when not found; ret_id: the unit's primary name (alias target, with the
 * instance applied); ret_masked set when masked. Returns 0, or -ENOENT / -ELOOP / errno. */
int unit_file_find_fragment(const UnitFileMap *m, const char *name, char **ret_id, char **ret_fragment,
                            bool *ret_masked);
/* Every name in the map that is an alias of `id` (for Names=), not including id itself. */
int unit_file_aliases_of(const UnitFileMap *m, const char *id, char ***ret);

/* Drop-in configuration for a unit with the given names (primary first): *.conf files from
 * NAME.d/, TEMPLATE.d/, dash-prefix dirs and TYPE.d/ in every search directory, deduplicated by
 * file name (earlier directories mask later ones), sorted by file name. Masked (empty or
 * /dev/null) entries are dropped after taking their slot. */
int unit_file_find_dropins(const LookupPaths *lp, const UnitFileMap *m, char *const *names, char ***ret);
/* Entries of NAME.wants/ (suffix ".wants") or NAME.requires/ for the given names: unit names. */
int unit_file_find_dependency_dir(const LookupPaths *lp, const UnitFileMap *m, char *const *names,
                                  const char *suffix, char ***ret);
/* m may be NULL in both: then every candidate directory is tried on disk. */
