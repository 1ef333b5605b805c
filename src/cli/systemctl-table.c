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
                free(t->cells[i]);
        free(t->cells);
        free(t->hidden);
        *t = (CtlTable) {};
}

int ctl_table_add(CtlTable *t, const char *cell) {
        char *c = NULL;

        if (t->n_cells >= t->alloc) {
                size_t n = t->alloc ? t->alloc * 2 : 64;
                char **p = reallocarray(t->cells, n, sizeof(char *));
                if (!p)
                        return -ENOMEM;
                t->cells = p;
                t->alloc = n;
        }
        if (cell && !(c = strdup(cell)))
                return -ENOMEM;
        t->cells[t->n_cells++] = c;
        return 0;
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
                        const char *s = t->cells[r * t->n_cols + c];
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
                bool sep = false;
                for (size_t c = 0; c < t->n_cols; c++) {
                        const char *s = t->cells[r * t->n_cols + c];
                        size_t w;
                        if (t->hidden[c])
                                continue;
                        if (!s)
                                s = r == 0 ? "" : "-";
                        if (sep)
                                fputc(' ', f);
                        sep = true;
                        w = ctl_utf8_width(s);
                        if (w > width[c]) {
                                put_ellipsized(f, s, width[c], t->utf8);
                                continue;
                        }
                        fputs(s, f);
                        if (c != last)
                                for (size_t k = w; k < width[c]; k++)
                                        fputc(' ', f);
                }
                fputc('\n', f);
        }
}
