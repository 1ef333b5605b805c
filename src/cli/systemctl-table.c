/* SPDX-License-Identifier: MIT */
/* Plain-text tables as systemd 252's format-table prints them without a terminal. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include "base/util.h"
#include "cli/systemctl-table.h"

size_t ctl_utf8_width(const char *s) {
        size_t w = 0;
        for (; s && *s; s++)
                if (((unsigned char) *s & 0xC0) != 0x80)
                        w++;
        return w;
}

const char *ctl_ansi_underlined(const char *base, bool underline) {
        static const struct { const char *base, *ul; } map[] = {
                { CTL_ANSI_NORMAL, CTL_ANSI_NORMAL CTL_ANSI_UNDERLINE },
                { CTL_ANSI_RED, CTL_ANSI_RED CTL_ANSI_UNDERLINE },
                { CTL_ANSI_GREEN, CTL_ANSI_GREEN CTL_ANSI_UNDERLINE },
                { CTL_ANSI_YELLOW, CTL_ANSI_YELLOW CTL_ANSI_UNDERLINE },
                { CTL_ANSI_GREY, CTL_ANSI_GREY CTL_ANSI_UNDERLINE },
                { CTL_ANSI_HIGHLIGHT, CTL_ANSI_HIGHLIGHT CTL_ANSI_UNDERLINE },
        };
        if (!underline)
                return base;
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (streq(map[i].base, base))
                        return map[i].ul;
        return base;
}

bool ctl_underline_enabled(bool colors) {
        const char *t = getenv("TERM");
        return colors && !(t && streq(t, "linux"));
}

int ctl_table_new(CtlTable *t, size_t n_cols, const char *const *headers) {
        *t = (CtlTable) { .n_cols = n_cols, .header = true };
        t->hidden = calloc(n_cols, sizeof(bool));
        if (!t->hidden)
                return -ENOMEM;
        for (size_t i = 0; i < n_cols; i++) {
                _cleanup_free_ char *h = strdup(headers[i]);
                if (!h)
                        return -ENOMEM;
                for (char *p = h; *p; p++)
                        *p = (char) toupper((unsigned char) *p);
                if (ctl_table_add(t, h) < 0)
                        return -ENOMEM;
        }
        return 0;
}

void ctl_table_done(CtlTable *t) {
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i].text);
        free(t->cells);
        free(t->hidden);
        *t = (CtlTable) {};
}

int ctl_table_add_full(CtlTable *t, const char *cell, const char *color, const char *rgap, bool empty) {
        char *c = NULL;

        if (t->n_cells >= t->alloc) {
                size_t n = t->alloc ? t->alloc * 2 : 64;
                CtlTableCell *p = reallocarray(t->cells, n, sizeof(CtlTableCell));
                if (!p)
                        return -ENOMEM;
                t->cells = p;
                t->alloc = n;
        }
        if (cell && !(c = strdup(cell)))
                return -ENOMEM;
        t->cells[t->n_cells++] = (CtlTableCell) {
                .text = c, .color = isempty(color) ? NULL : color, .rgap = isempty(rgap) ? NULL : rgap, .empty = empty,
        };
        return 0;
}

int ctl_table_add(CtlTable *t, const char *cell) {
        return ctl_table_add_full(t, cell, NULL, NULL, false);
}

size_t ctl_table_rows(const CtlTable *t) {
        return t->n_cols ? t->n_cells / t->n_cols - 1 : 0;
}

void ctl_table_hide(CtlTable *t, size_t col) {
        if (col < t->n_cols)
                t->hidden[col] = true;
}

void ctl_table_fit(const size_t *requested, size_t n, size_t width, size_t *ret) {
        size_t min_total = n ? n - 1 : 0, req_total = min_total, extra, weight = n;
        bool finalize = false;

        for (size_t j = 0; j < n; j++) {
                min_total += 1;
                req_total += requested[j];
                ret[j] = requested[j];
        }
        if (width == 0 || width >= req_total)
                return;
        extra = width > min_total ? width - min_total : 0;
        for (size_t j = 0; j < n; j++)
                ret[j] = SIZE_MAX;
        /* equal weights: each round, a column whose share covers its request gets it, and the
         * sharing restarts; in the final round the rest get their share */
        for (;;) {
                bool restart = false;
                for (size_t j = 0; j < n; j++) {
                        size_t w;
                        if (ret[j] != SIZE_MAX)
                                continue;
                        w = 1 + (weight ? extra / weight : 0);
                        if (w >= requested[j]) {
                                w = requested[j];
                                restart = true;
                        } else if (!finalize)
                                continue;
                        ret[j] = w;
                        extra -= w - 1;
                        weight--;
                        if (restart && !finalize)
                                break;
                }
                if (finalize)
                        break;
                if (!restart)
                        finalize = true;
        }
}

/* The field cut to w display columns with an ellipsis at the end (ellipsize(s, w, 100)). */
static void put_ellipsized(FILE *f, const char *s, size_t w, bool utf8) {
        size_t ell = utf8 ? 1 : 3, keep = w > ell ? w - ell : 0, cols = 0;
        const char *p = s;

        if (w <= ell && !utf8) {
                fprintf(f, "%.*s", (int) w, "...");
                return;
        }
        while (*p && cols < keep) {
                p++;
                while (((unsigned char) *p & 0xC0) == 0x80)
                        p++;
                cols++;
        }
        fprintf(f, "%.*s%s", (int) (p - s), s, utf8 ? "\u2026" : "...");
}

/* One cell as format-table's second pass writes it: the gap colour (or the header's underline),
 * the separator, the cell colour, the text padded to w (the last column only when a colour or
 * the header needs the padding kept), the reset. Returns the cell's gap colour. */
static const char *print_cell(const CtlTable *t, FILE *f, const CtlTableCell *d, size_t w, bool header, bool first,
                              bool last, const char *gap) {
        const char *s = d->text ? d->text : header ? "" : "-";
        const char *color = !t->colors ? NULL : d->color ? d->color : d->empty ? CTL_ANSI_GREY : NULL;
        const char *ul = ctl_underline_enabled(t->colors) ? CTL_ANSI_NORMAL CTL_ANSI_UNDERLINE : CTL_ANSI_NORMAL;
        size_t l = ctl_utf8_width(s);
        bool pad;

        if (t->colors) {
                if (gap)
                        fputs(gap, f);
                else if (header)
                        fputs(ul, f);
        }
        if (!first)
                fputc(' ', f);
        if (t->colors) {
                if (gap || (color && header))
                        fputs(CTL_ANSI_NORMAL, f);
                if (color)
                        fputs(color, f);
                else if (gap && header)
                        fputs(ul, f);
        }
        if (l > w)
                put_ellipsized(f, s, w, t->utf8);
        else {
                fputs(s, f);
                pad = !last || (t->colors && (color || header));
                for (size_t k = l; pad && k < w; k++)
                        fputc(' ', f);
        }
        if (t->colors && (color || header))
                fputs(CTL_ANSI_NORMAL, f);
        return t->colors ? d->rgap : NULL;
}

void ctl_table_print(const CtlTable *t, FILE *f) {
        size_t rows = t->n_cols ? t->n_cells / t->n_cols : 0, first = t->header ? 0 : 1, last = 0, nv = 0;
        _cleanup_free_ size_t *width = calloc(t->n_cols ? t->n_cols : 1, sizeof(size_t));
        _cleanup_free_ size_t *req = calloc(t->n_cols ? t->n_cols : 1, sizeof(size_t));
        _cleanup_free_ size_t *fit = calloc(t->n_cols ? t->n_cols : 1, sizeof(size_t));

        if (!width || !req || !fit)
                return;
        for (size_t c = 0; c < t->n_cols; c++) {
                width[c] = 1;   /* format-table's default minimum cell width */
                if (!t->hidden[c])
                        last = c;
        }
        for (size_t r = first; r < rows; r++)
                for (size_t c = 0; c < t->n_cols; c++) {
                        const char *s = t->cells[r * t->n_cols + c].text;
                        size_t w = ctl_utf8_width(s ? s : "-");
                        if (w > width[c])
                                width[c] = w;
                }
        for (size_t c = 0; c < t->n_cols; c++)
                if (!t->hidden[c])
                        req[nv++] = width[c];
        ctl_table_fit(req, nv, t->width, fit);
        for (size_t c = 0, k = 0; c < t->n_cols; c++)
                if (!t->hidden[c])
                        width[c] = fit[k++];
        for (size_t r = first; r < rows; r++) {
                const char *gap = NULL;
                bool firstcol = true;
                for (size_t c = 0; c < t->n_cols; c++) {
                        if (t->hidden[c])
                                continue;
                        gap = print_cell(t, f, &t->cells[r * t->n_cols + c], width[c], r == 0, firstcol, c == last, gap);
                        firstcol = false;
                }
                fputc('\n', f);
        }
}
