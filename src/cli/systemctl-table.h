/* SPDX-License-Identifier: MIT */
#pragma once
/* The tables of systemctl's list verbs as systemd 252's format-table prints them to a pipe:
 * upper-cased headers, columns as wide as their widest cell (in characters), one space between
 * columns, no padding after the last one, NULL cells shown as "-". Pure. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct CtlTable {
        size_t n_cols;
        char **cells;          /* row-major, row 0 the header; NULL = empty cell */
        size_t n_cells, alloc;
        bool *hidden;
        bool header;
        size_t width;          /* 0: as wide as the cells want (a pipe, --full); else the terminal width */
        bool utf8;             /* the ellipsis: "…" or "..." */
} CtlTable;

/* headers: n_cols strings (as given to table_new(), upper-cased here). */
int ctl_table_new(CtlTable *t, size_t n_cols, const char *const *headers);
void ctl_table_done(CtlTable *t);
/* Add the next cell (copied; NULL: empty). */
int ctl_table_add(CtlTable *t, const char *cell);
size_t ctl_table_rows(const CtlTable *t);   /* data rows */
void ctl_table_hide(CtlTable *t, size_t col);
void ctl_table_print(const CtlTable *t, FILE *f);
/* Column widths for a table limited to `width` columns, as format-table shrinks one on a terminal:
 * every column first gets its minimum (1), then what remains is shared equally among the columns
 * still wanting more, columns that get all they asked for first. requested[] in, ret[] out. */
void ctl_table_fit(const size_t *requested, size_t n, size_t width, size_t *ret);
/* Display width of a UTF-8 string (code points; no wide characters are expected). */
size_t ctl_utf8_width(const char *s);
