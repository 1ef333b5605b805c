/* SPDX-License-Identifier: MIT */
#pragma once
/* Specifier expansion ("%n", "%i", ...) as in the table of systemd.unit(5). */
#include <stddef.h>

typedef struct SpecifierUnit {
        const char *id;             /* the unit's full name, e.g. "getty@tty1.service" */
        const char *fragment_path;  /* %y/%Y; may be NULL */
        const char *root;           /* --root= directory for /etc/machine-id, os-release; NULL = "/" */
} SpecifierUnit;

typedef enum SpecifierSet {
        /* Everything in systemd.unit(5)'s table (Exec lines, Description, paths, environment...). */
        SPECIFIERS_FULL,
        /* Unit-name settings (Requires=, After=, ...): systemd's unit_name_printf() table, i.e. only
         * %i %j %n %N %p, %a %A %b %B %H %l %q %m %M %o %v %w %W and %g %G %u %U; others → -EBADSLT. */
        SPECIFIERS_NAME,
} SpecifierSet;

/* systemd's LONG_LINE_MAX: no expansion (SPECIFIERS_FULL) grows beyond it; SPECIFIERS_NAME results
 * beyond UNIT_NAME_MAX, as systemd's unit_name_printf(). */
#define SPECIFIER_RESULT_MAX (1024u * 1024u)

/* Expand every specifier in text. Unknown specifier (a letter or digit) → -EBADSLT; '%' before any
 * other character, and a trailing '%', stay literal. A result longer than max_len → -ENAMETOOLONG
 * (pass 0 for the bound of the set, above; a larger max_len is lowered to it), checked as the
 * result grows. "%%" → "%". Each specifier is resolved once per call. Resolution errors are returned as they are
 * (e.g. %f of an instance that is no valid path → -EINVAL, %y without fragment → -ENOENT, %o
 * without os-release → -ENOENT, %m with an uninitialized machine-id → -ENOMEDIUM). */
int specifier_expand(const SpecifierUnit *u, SpecifierSet set, const char *text, size_t max_len,
                     char **ret);
/* Characters that are valid after '%' in SPECIFIERS_FULL (for diagnostics). */
const char *specifier_known_chars(void);
