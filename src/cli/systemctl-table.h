/* SPDX-License-Identifier: MIT */
#pragma once
/* The tables of systemctl's list verbs as systemd 252's format-table prints them to a pipe:
 * upper-cased headers, columns as wide as their widest cell (in characters), one space between
 * columns, no padding after the last one, NULL cells shown as "-". Pure. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct CtlTableCell {
        char *text;            /* NULL: shown as "-" */
        const char *color;     /* static strings; NULL: none */
        const char *rgap;      /* colour of the separator to the right */
        bool empty;            /* TABLE_EMPTY: grey when colours are on and no colour is set */
} CtlTableCell;

typedef struct CtlTable {
        size_t n_cols;
        CtlTableCell *cells;   /* row-major, row 0 the header */
        size_t n_cells, alloc;
        bool *hidden;
        bool header;
        size_t width;          /* 0: as wide as the cells want (a pipe, --full); else the terminal width */
        bool utf8;             /* the ellipsis: "…" or "..." */
        bool colors;           /* print the cells' colours; the header underlined */
} CtlTable;

/* headers: n_cols strings (as given to table_new(), upper-cased here). */
int ctl_table_new(CtlTable *t, size_t n_cols, const char *const *headers);
void ctl_table_done(CtlTable *t);
/* Add the next cell (copied; NULL: shown as "-"). */
int ctl_table_add(CtlTable *t, const char *cell);
/* With a colour for the cell and the gap right of it (TABLE_SET_BOTH_COLORS); "" counts as none.
 * empty: a TABLE_EMPTY cell ("-", grey by default). */
int ctl_table_add_full(CtlTable *t, const char *cell, const char *color, const char *rgap, bool empty);
size_t ctl_table_rows(const CtlTable *t);   /* data rows */
void ctl_table_hide(CtlTable *t, size_t col);
void ctl_table_print(const CtlTable *t, FILE *f);
/* The escape sequences of systemd 252's ansi_*() helpers with colours on (underline: only when the
 * terminal is not the Linux console). */
#define CTL_ANSI_NORMAL "\x1B[0m"
#define CTL_ANSI_RED "\x1B[0;1;31m"
#define CTL_ANSI_GREEN "\x1B[0;1;32m"
#define CTL_ANSI_YELLOW "\x1B[0;1;38;5;185m"
#define CTL_ANSI_GREY "\x1B[0;38;5;245m"
#define CTL_ANSI_HIGHLIGHT "\x1B[0;1;39m"
#define CTL_ANSI_UNDERLINE "\x1B[0;4m"
/* colour + underline as ansi_*_underline(): `base` followed by the underline code, or base alone */
const char *ctl_ansi_underlined(const char *base, bool underline);
/* underline_enabled(): colours on and TERM is not "linux". */
bool ctl_underline_enabled(bool colors);

/* Column widths for a table limited to `width` columns, as format-table shrinks one on a terminal:
 * every column first gets its minimum (1), then what remains is shared equally among the columns
 * still wanting more, columns that get all they asked for first. requested[] in, ret[] out. */
void ctl_table_fit(const size_t *requested, size_t n, size_t width, size_t *ret);
/* Display width of a UTF-8 string (code points; no wide characters are expected). */
size_t ctl_utf8_width(const char *s);
