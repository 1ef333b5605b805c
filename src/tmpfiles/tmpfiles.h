/* SPDX-License-Identifier: MIT */
#pragma once
/* tmpfiles.d(5) as systemd-tmpfiles 252 applies it: read the configuration, then remove/clean and
 * create what it describes. Used by `tinysd tmpfiles` and by the manager at boot. */
#include <stdbool.h>

typedef enum TmpfilesOperation {
        TMPFILES_CREATE = 1 << 0,
        TMPFILES_REMOVE = 1 << 1,
        TMPFILES_CLEAN = 1 << 2,
} TmpfilesOperation;

typedef struct TmpfilesOptions {
        const char *root;          /* --root=; NULL or "/" for the running system */
        unsigned operations;       /* TmpfilesOperation bits; none is allowed only with cat_config */
        bool boot;                 /* --boot: also lines with the '!' modifier */
        bool cat_config;           /* --cat-config: print the files instead of applying them */
        char *const *include_prefixes; /* --prefix= (NULL: everything) */
        char *const *exclude_prefixes; /* --exclude-prefix= */
} TmpfilesOptions;

/* Applies the configuration: `configs` (NULL or empty: every *.conf of the tmpfiles.d search path,
 * by basename; else these files, names without '/' looked up in the search path, "-" for stdin).
 * Returns systemd-tmpfiles' exit status: 0, 65 (EX_DATAERR) if a line was invalid, 73
 * (EX_CANTCREAT) if an operation failed, 1 on resource or usage errors. Messages go through log.h. */
int tmpfiles_run(const TmpfilesOptions *o, char *const *configs);

/* The boot-time call of the manager: `systemd-tmpfiles --create --remove --boot`. With root NULL or
 * "/" and an executable /usr/bin/systemd-tmpfiles (or /bin/...) in the image, that binary is run and
 * waited for (its exit status returned; -errno if it could not be started); otherwise, or for
 * another root, the built-in implementation runs. */
int tmpfiles_boot(const char *root);
/* Just the built-in implementation with the boot options. */
int tmpfiles_boot_builtin(const char *root);
