/* SPDX-License-Identifier: MIT */
#pragma once
/* Internal to src/tmpfiles: one parsed configuration line (Item), the lines of one path
 * (ItemArray), and the state of one run (TmpfilesContext). */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/hashmap.h"
#include "base/parse.h"
#include "tmpfiles/tmpfiles.h"

typedef enum ItemType {
        /* these take file names */
        CREATE_FILE = 'f',
        TRUNCATE_FILE = 'F',
        CREATE_DIRECTORY = 'd',
        TRUNCATE_DIRECTORY = 'D',
        CREATE_SUBVOLUME = 'v',
        CREATE_SUBVOLUME_INHERIT_QUOTA = 'q',
        CREATE_SUBVOLUME_NEW_QUOTA = 'Q',
        CREATE_FIFO = 'p',
        CREATE_SYMLINK = 'L',
        CREATE_CHAR_DEVICE = 'c',
        CREATE_BLOCK_DEVICE = 'b',
        COPY_FILES = 'C',
        /* these take globs */
        WRITE_FILE = 'w',
        EMPTY_DIRECTORY = 'e',
        SET_XATTR = 't',
        RECURSIVE_SET_XATTR = 'T',
        SET_ACL = 'a',
        RECURSIVE_SET_ACL = 'A',
        SET_ATTRIBUTE = 'h',
        RECURSIVE_SET_ATTRIBUTE = 'H',
        IGNORE_PATH = 'x',
        IGNORE_DIRECTORY_PATH = 'X',
        REMOVE_PATH = 'r',
        RECURSIVE_REMOVE_PATH = 'R',
        RELABEL_PATH = 'z',
        RECURSIVE_RELABEL_PATH = 'Z',
        ADJUST_MODE = 'm',
} ItemType;

typedef enum AgeBy {
        AGE_BY_ATIME = 1 << 0,
        AGE_BY_BTIME = 1 << 1,
        AGE_BY_CTIME = 1 << 2,
        AGE_BY_MTIME = 1 << 3,
        AGE_BY_DEFAULT_FILE = AGE_BY_ATIME | AGE_BY_BTIME | AGE_BY_CTIME | AGE_BY_MTIME,
        AGE_BY_DEFAULT_DIR = AGE_BY_ATIME | AGE_BY_BTIME | AGE_BY_MTIME,
} AgeBy;

typedef struct Item {
        ItemType type;
        char *path;              /* with the root prefix, as systemd-tmpfiles prints it */
        char *argument;          /* NULL for none or "-" */
        char *binary;            /* decoded base64 / credential data; overrides argument */
        size_t binary_size;
        char **xattrs;           /* t/T: name, value, name, value, ... */
        uid_t uid;
        gid_t gid;
        mode_t mode;
        usec_t age;
        AgeBy age_by_file, age_by_dir;
        dev_t major_minor;
        bool uid_set, gid_set, mode_set;
        bool uid_only_create, gid_only_create, mode_only_create;
        bool age_set, mask_perms, keep_first_level;
        bool append_or_force, allow_failure, try_replace;
        unsigned done;           /* TmpfilesOperation bits already run */
} Item;

typedef struct ItemArray {
        char *path;              /* the key in the context's map */
        Item *items;             /* in application order, see tmpfiles_sort_items() */
        size_t n_items, cap_items;
        /* For the duplicate check of a new line in O(1) (parse.c): the lines that create the path
         * ("owners") so far, the first of them, and whether all are like it / one is no 'w+'. */
        size_t n_owners;
        Item owner;              /* a shallow copy: its strings belong to items[] */
        bool owners_identical, owner_not_append;
        bool unsorted;
        struct ItemArray *parent;
        struct ItemArray **children;
        size_t n_children;
} ItemArray;

/* User and group names resolved during one run: tmpfiles.d names the same few (root, systemd-journal,
 * ...) on many lines, and each lookup reads /etc/passwd or /etc/group whole. */
typedef struct TmpfilesIdCache {
        unsigned n;
        struct { bool group; uint32_t id; char name[33]; } e[16];
} TmpfilesIdCache;

/* Specifier values resolved during one run's reading of the configuration: every line is expanded
 * before any is applied, so %m %b %o ... cannot change in between, while each resolution reads a
 * file (machine-id, boot_id, os-release): systemd.conf and friends name %m and %b on many lines. */
typedef struct TmpfilesSpecCache {
        char *value[128];        /* by specifier character; NULL: not resolved yet */
} TmpfilesSpecCache;

typedef struct TmpfilesContext {
        const char *root;        /* NULL for "/" */
        bool boot;
        char *const *include_prefixes;
        char *const *exclude_prefixes;
        Hashmap *items, *globs;  /* path → ItemArray*, in the order lines were read */
        bool invalid_config;     /* a line was invalid: exit 65 */
        bool specifier_notified; /* "unresolvable specifier" said once */
        bool said_unsupported[128]; /* per line type: "cannot apply here" said once */
        TmpfilesIdCache *ids;    /* NULL: no cache */
        TmpfilesSpecCache *specs; /* NULL: no cache */
} TmpfilesContext;

void tmpfiles_spec_cache_done(TmpfilesSpecCache *c);

void item_done(Item *i);
void item_array_free(ItemArray *a);
bool item_type_needs_glob(ItemType t);
bool item_type_takes_ownership(ItemType t);
/* Path prefix tests as systemd's path_startswith(): component-wise, ignoring duplicate slashes. */
bool tmpfiles_path_startswith(const char *path, const char *prefix);

/* parse.c: one stripped, non-comment line; logs "FILE:LINE: ..." and sets ctx->invalid_config as
 * systemd does. Returns 0 (also for ignored lines) or a negative errno. O(length of the line),
 * however many lines name the same path. */
int tmpfiles_parse_line(TmpfilesContext *ctx, const char *fname, unsigned line, const char *text);
/* The lines of a path are applied creating ones first, then by type, each kind in file order.
 * tmpfiles_parse_line() keeps them in that order, except that a line out of order in a path with
 * more than a few dozen lines only marks the array: this puts every array in order (stably, in
 * O(n)); tmpfiles_read_config() calls it after each file. */
void tmpfiles_sort_items(TmpfilesContext *ctx);
/* Expands the %-specifiers tmpfiles.d(5) lists (systemd 252's table); -EBADSLT for unknown ones. */
int tmpfiles_specifier_expand(const TmpfilesContext *ctx, const char *text, size_t max_len, char **ret);
/* base64 decoding as systemd's unbase64mem(): whitespace ignored, '=' padding optional at end. */
int tmpfiles_unbase64(const char *s, size_t n, char **ret, size_t *ret_size);
int tmpfiles_parse_age_by(const char *s, AgeBy *ret_file, AgeBy *ret_dir);

/* config.c: the search path and the file list. */
char **tmpfiles_config_dirs(void);
int tmpfiles_config_files(const char *root, char ***ret);
int tmpfiles_read_config(TmpfilesContext *ctx, const char *fn, bool ignore_enoent);

/* execute.c */
int tmpfiles_process_array(TmpfilesContext *ctx, ItemArray *a, unsigned operation);
