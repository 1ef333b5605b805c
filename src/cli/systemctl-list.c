/* SPDX-License-Identifier: MIT */
/* list-units, list-unit-files, list-jobs, list-sockets, list-timers, list-dependencies. Facts from
 * systemd 252 src/systemctl/systemctl-list-*.c. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>
#include "base/escape.h"
#include "base/strv.h"
#include "base/time-util.h"
#include "cli/systemctl-list.h"
#include "unit/install.h"
#include "cli/systemctl-status.h"
#include "cli/systemctl-table.h"

static const char *type_suffix(const char *id) {
        const char *d = strrchr(id, '.');
        return d ? d + 1 : "";
}

static bool fnmatch_or_empty(char *const *patterns, const char *s) {
        if (!patterns || !*patterns)
                return true;
        STRV_FOREACH(p, patterns)
                if (fnmatch(*p, s, FNM_NOESCAPE) == 0)
                        return true;
        return false;
}

bool ctl_list_show_unit(const CtlUnitInfo *u, const CtlListOptions *o) {
        if (!fnmatch_or_empty(o->patterns, u->id))
                return false;
        if (o->types && *o->types && !strv_contains(o->types, type_suffix(u->id)))
                return false;
        if (o->all)
                return true;
        if (!isempty(u->following))
                return false;
        if (o->states && *o->states)
                return true;
        if (u->job_id > 0)
                return true;
        return !streq(u->active_state, "inactive");
}

static int cmp_unit(const void *a, const void *b) {
        const CtlUnitInfo *x = a, *y = b;
        const char *d1 = strrchr(x->id, '.'), *d2 = strrchr(y->id, '.');
        int r;

        if (d1 && d2 && (r = strcasecmp(d1, d2)) != 0)
                return r;
        return strcasecmp(x->id, y->id);
}

void ctl_sort_units(CtlUnitInfo *u, size_t n) {
        if (n > 1)
                qsort(u, n, sizeof *u, cmp_unit);
}

void ctl_print_units(FILE *f, const CtlUnitInfo *u, size_t n, const CtlListOptions *o) {
        static const char *const headers[] = { "", "unit", "load", "active", "sub", "job", "description" };
        CtlTable t;
        size_t jobs = 0, records;

        if (ctl_table_new(&t, 7, headers) < 0)
                return;
        t.header = o->legend;
        t.width = o->columns;
        t.utf8 = o->utf8;
        if (o->plain)
                ctl_table_hide(&t, 0);
        bool ul = ctl_underline_enabled(o->colors);
        t.colors = o->colors;
        for (size_t i = 0; i < n; i++) {
                /* colours as output_units_list(): the last row of each unit type underlined, bad load
                 * states yellow/red, failed units red */
                bool underline = i + 1 < n && !streq(type_suffix(u[i].id), type_suffix(u[i + 1].id));
                const char *on_underline = "", *on_loaded = "", *on_active = "", *on_circle;
                bool circle = false;

                if (o->colors && underline)
                        on_underline = ctl_ansi_underlined(CTL_ANSI_NORMAL, ul);
                if ((streq(u[i].load_state, "error") || streq(u[i].load_state, "not-found") ||
                     streq(u[i].load_state, "bad-setting") || streq(u[i].load_state, "masked")) && !o->plain) {
                        circle = true;
                        on_circle = o->colors ? ctl_ansi_underlined(CTL_ANSI_YELLOW, underline && ul) : "";
                        on_loaded = o->colors ? ctl_ansi_underlined(CTL_ANSI_RED, underline && ul) : "";
                } else if (streq(u[i].active_state, "failed") && !o->plain) {
                        circle = true;
                        on_circle = on_active = o->colors ? ctl_ansi_underlined(CTL_ANSI_RED, underline && ul) : "";
                } else
                        on_circle = on_active = on_loaded = on_underline;
                if (ctl_table_add_full(&t, circle ? ctl_glyph(CTL_GLYPH_BLACK_CIRCLE, o->utf8) : " ", on_circle, on_circle, false) < 0 ||
                    ctl_table_add_full(&t, u[i].id, on_active, on_active, false) < 0 ||
                    ctl_table_add_full(&t, u[i].load_state, on_loaded, on_loaded, false) < 0 ||
                    ctl_table_add_full(&t, u[i].active_state, on_active, on_active, false) < 0 ||
                    ctl_table_add_full(&t, u[i].sub_state, on_active, on_active, false) < 0 ||
                    ctl_table_add_full(&t, u[i].job_id ? u[i].job_type : "", on_underline, on_underline, false) < 0 ||
                    ctl_table_add_full(&t, u[i].description, on_underline, on_underline, false) < 0)
                        goto finish;
                if (u[i].job_id)
                        jobs++;
        }
        if (jobs == 0)
                ctl_table_hide(&t, 5);
        ctl_table_print(&t, f);
        records = ctl_table_rows(&t);
        if (o->legend) {
                const char *hl = !o->colors ? "" : records > 0 ? CTL_ANSI_HIGHLIGHT : CTL_ANSI_RED;
                const char *gr = o->colors ? CTL_ANSI_GREY : "", *nm = o->colors ? CTL_ANSI_NORMAL : "";
                if (records > 0) {
                        fputs("\nLOAD   = Reflects whether the unit definition was properly loaded.\n"
                              "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
                              "SUB    = The low-level unit activation state, values depend on unit type.\n", f);
                        if (jobs > 0)
                                fputs("JOB    = Pending job for the unit.\n\n", f);
                }
                if (o->all || strv_contains(o->states, "inactive"))
                        fprintf(f, "%s%zu loaded units listed.%s\n"
                                "%sTo show all installed unit files use 'systemctl list-unit-files'.%s\n",
                                hl, records, nm, gr, nm);
                else if (!o->states || !*o->states)
                        fprintf(f, "%s%zu loaded units listed.%s %sPass --all to see loaded but inactive units, too.%s\n"
                                "%sTo show all installed unit files use 'systemctl list-unit-files'.%s\n",
                                hl, records, nm, gr, nm, gr, nm);
                else
                        fprintf(f, "%zu loaded units listed.\n", records);
        }
finish:
        ctl_table_done(&t);
}

bool ctl_show_preset_for_state(const char *s) {
        return !streq_ptr(s, "alias") && !streq_ptr(s, "static") && !streq_ptr(s, "generated") &&
                !streq_ptr(s, "transient");
}

static int cmp_unit_file(const void *a, const void *b) {
        const CtlUnitFile *x = a, *y = b;
        const char *bx = strrchr(x->path, '/'), *by = strrchr(y->path, '/');
        int r = strcasecmp(type_suffix(x->path), type_suffix(y->path));

        if (r != 0)
                return r;
        return strcasecmp(bx ? bx + 1 : x->path, by ? by + 1 : y->path);
}

void ctl_sort_unit_files(CtlUnitFile *u, size_t n) {
        if (n > 1)
                qsort(u, n, sizeof *u, cmp_unit_file);
}

void ctl_print_unit_files(FILE *f, const CtlUnitFile *u, size_t n, bool legend, size_t columns, bool utf8, bool colors) {
        static const char *const headers[] = { "unit file", "state", "preset" };
        CtlTable t;

        if (ctl_table_new(&t, 3, headers) < 0)
                return;
        t.header = legend;
        t.width = columns;
        t.utf8 = utf8;
        t.colors = colors;
        bool ul = ctl_underline_enabled(colors);
        for (size_t i = 0; i < n; i++) {
                /* colours as output_unit_file_list() */
                const char *b = strrchr(u[i].path, '/'), *st = u[i].state, *on_ul = "", *on_unit, *on_preset = "";
                bool underline = i + 1 < n && !streq(type_suffix(u[i].path), type_suffix(u[i + 1].path));

                if (colors && underline)
                        on_ul = ctl_ansi_underlined(CTL_ANSI_NORMAL, ul);
                if (!colors)
                        on_unit = "";
                else if (streq(st, "masked") || streq(st, "masked-runtime") || streq(st, "disabled") || streq(st, "bad"))
                        on_unit = ctl_ansi_underlined(CTL_ANSI_RED, underline && ul);
                else if (streq(st, "enabled") || streq(st, "alias"))
                        on_unit = ctl_ansi_underlined(CTL_ANSI_GREEN, underline && ul);
                else
                        on_unit = on_ul;
                if (colors && !u[i].preset)
                        on_preset = ctl_ansi_underlined(CTL_ANSI_GREY, underline && ul);
                else if (colors && streq(u[i].preset, "disabled"))
                        on_preset = ctl_ansi_underlined(CTL_ANSI_RED, underline && ul);
                else if (colors && streq(u[i].preset, "enabled"))
                        on_preset = ctl_ansi_underlined(CTL_ANSI_GREEN, underline && ul);
                else if (colors)
                        on_preset = underline ? on_ul : CTL_ANSI_NORMAL;
                if (ctl_table_add_full(&t, b ? b + 1 : u[i].path, on_ul, on_ul, false) < 0 ||
                    ctl_table_add_full(&t, st, on_unit, on_unit, false) < 0 ||
                    ctl_table_add_full(&t, u[i].preset, on_preset, on_preset, !u[i].preset) < 0)
                        goto finish;
        }
        ctl_table_print(&t, f);
        if (legend)
                fprintf(f, "\n%zu unit files listed.\n", n);
finish:
        ctl_table_done(&t);
}

/* ---- presets ---- */

int ctl_preset_query(const char *root, const char *unit) {
        Presets p = { 0 };
        int r = presets_read(root, &p);
        if (r >= 0) r = presets_query(&p, unit);
        presets_done(&p);
        return r;
}

/* ---- list-dependencies ---- */

void ctl_print_dependency_line(FILE *f, const char *name, int level, unsigned branches, bool last, bool plain,
                               bool full, bool utf8, size_t max_len) {
        size_t len = 0;

        if (max_len < 20)
                max_len = 20;
        if (!plain) {
                for (int i = level - 1; i >= 0; i--) {
                        len += 2;
                        if (len > max_len - 3 && !full) {
                                fprintf(f, "%s...\n", max_len % 2 ? "" : " ");
                                return;
                        }
                        fputs(ctl_glyph(branches & (1u << i) ? CTL_GLYPH_TREE_VERTICAL : CTL_GLYPH_TREE_SPACE, utf8), f);
                }
                len += 2;
                if (len > max_len - 3 && !full) {
                        fprintf(f, "%s...\n", max_len % 2 ? "" : " ");
                        return;
                }
                fputs(ctl_glyph(last ? CTL_GLYPH_TREE_RIGHT : CTL_GLYPH_TREE_BRANCH, utf8), f);
        }
        if (!full && ctl_utf8_width(name) > max_len - len) {
                size_t room = max_len - len, ell = utf8 ? 1 : 3;
                size_t keep = room > ell ? room - ell : 0;
                fprintf(f, "%.*s%s\n", (int) keep, name, utf8 ? "\u2026" : "...");
        } else
                fprintf(f, "%s\n", name);
}

static int cmp_dep(const void *a, const void *b) {
        const char *x = *(char *const *) a, *y = *(char *const *) b;
        bool tx = endswith(x, ".target"), ty = endswith(y, ".target");

        if (tx != ty)
                return tx ? 1 : -1;
        return strcasecmp(x, y);
}

void ctl_sort_dependencies(char **l) {
        size_t n = strv_length(l);
        if (n > 1)
                qsort(l, n, sizeof(char *), cmp_dep);
}
