/* SPDX-License-Identifier: MIT */
#pragma once
/* The list verbs' data and formatting (pure), as systemctl 252. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "cli/systemctl.h"

typedef struct CtlUnitInfo {
        const char *id, *description, *load_state, *active_state, *sub_state, *following;
        const char *unit_path, *job_type, *job_path;
        uint32_t job_id;
} CtlUnitInfo;

typedef struct CtlListOptions {
        char *const *patterns;   /* fnmatch on the id; NULL: all */
        char *const *types;      /* unit type suffixes without the dot */
        char *const *states;
        bool all, plain, legend, utf8, colors;
        size_t columns;          /* terminal width to fit the table into; 0: no limit (pipe, --full) */
} CtlListOptions;

/* ListUnitsByPatterns(--state, patterns), filtered (ctl_list_show_unit) and sorted as list-units;
 * the strings point into *ret_reply. */
int ctl_get_unit_list(Ctl *c, char **patterns, BusMessage **ret_reply, CtlUnitInfo **ret, size_t *ret_n);

/* systemctl's output_show_unit(): does the unit belong in list-units' output? */
bool ctl_list_show_unit(const CtlUnitInfo *u, const CtlListOptions *o);
/* Sort as list-units: by type suffix, then name (both case-insensitive). */
void ctl_sort_units(CtlUnitInfo *u, size_t n);
/* The list-units table and legend. */
void ctl_print_units(FILE *f, const CtlUnitInfo *u, size_t n, const CtlListOptions *o);

typedef struct CtlUnitFile {
        const char *path, *state;
        const char *preset;      /* "enabled"/"disabled"/"n/a", NULL: not shown ("-") */
} CtlUnitFile;
void ctl_sort_unit_files(CtlUnitFile *u, size_t n);
void ctl_print_unit_files(FILE *f, const CtlUnitFile *u, size_t n, bool legend, size_t columns, bool utf8, bool colors);
/* Whether list-unit-files / status show a preset for this state (not alias, static, generated, transient). */
bool ctl_show_preset_for_state(const char *state);

/* Preset policy (systemd.preset(5)) below root ("" or NULL for /): 1 enable, 0 disable. */
int ctl_preset_query(const char *root, const char *unit);

/* list-dependencies' tree line: indentation for `level` with `branches` bits, the branch glyph. */
void ctl_print_dependency_line(FILE *f, const char *name, int level, unsigned branches, bool last, bool plain,
                               bool full, bool utf8, size_t columns);
/* Order of list-dependencies: targets last, then case-insensitive. */
void ctl_sort_dependencies(char **l);
