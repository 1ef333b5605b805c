/* SPDX-License-Identifier: MIT */
/* The journal reader: the journal files of some directories (or some files) read as one stream,
 * as sd-journal reads them, for journalctl and systemctl status.
 *
 * Position: each file has a gap, an entry offset; the entries at or after it are "after" the
 * position. next() takes, of every file's first matching entry after its gap, the one that comes
 * first in sd-journal's order (same sequence: by seqnum; same boot: by monotonic time; else by
 * realtime; then by xor_hash) and moves that file's gap past it; previous() likewise backwards.
 * An entry found in two files (equal in all of that) is returned once.
 *
 * Filters go through the files' indexes: every exact FIELD=value the filter needs (-u NAME's four
 * unit fields, -t, -p's PRIORITY= values, -b's _BOOT_ID=, FIELD=VALUE matches) is looked up in the
 * file's data hash table; each data object lists its entries in offset order, so the next entry
 * holding one value of every group is found by bisecting those lists (O(groups x log n) per step,
 * as sd-journal does), and only such entries are read and checked in full. A -u glob has no
 * index: those entries are found by reading every entry in the range. Nor has a group with more
 * than TERM_LISTS_MAX values in a file (a hostile filter of thousands of values would make each
 * step cost that many bisections): its entries are found through the other groups, or the whole
 * range, and checked in full.
 *
 * The full check costs O(the entry's fields) whatever the filter holds (FilterIndex): FIELD=VALUE
 * matches grouped by field in hash sets, exact unit names and identifiers in hash sets; -u globs
 * are matched one by one (fnmatch). */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include "base/hashmap.h"
#include "base/strv.h"
#include "base/util.h"
#include "journal/journal-entry.h"
#include "journal/journal-file.h"
#include "journal/journal-store.h"

/* One group of the compiled filter in one file: entries holding any of these data objects. */
typedef struct Term {
        JfList *lists;
        size_t n;
} Term;

typedef struct RFile {
        JournalFile *jf;
        bool seen;               /* found by the last directory scan */
        JfList main;
        bool main_ok;
        uint64_t gap;            /* entry offsets >= gap are after the position */
        bool compiled, no_match;
        Term *terms;
        size_t n_terms;
        /* the next candidate from this gap in this direction (cached between steps) */
        bool cand_ok, cand_forward;
        uint64_t cand;           /* 0: none */
} RFile;

#define TERM_LISTS_MAX 64

/* The filter's exact values, grouped: AND across groups, OR within one. */
typedef struct Group {
        StrvBuilder payloads;   /* "FIELD=VALUE", each once */
        Hashmap *have;          /* the payloads (keys borrowed from them) */
} Group;

/* The filter prepared so that an entry is checked in O(its fields), whatever the number of
 * matches, units and identifiers. */
typedef struct FilterIndex {
        Hashmap *names;       /* FIELD → its group + 1 */
        Hashmap *pairs;       /* "FIELD=VALUE" → the group + 1 */
        char *pair_buf;       /* the keys of `pairs` */
        size_t n_groups;
        uint64_t *seen, gen;  /* per group: the last entry (generation) that had one of its values */
        Hashmap *units;       /* -u names without glob characters */
        char **unit_globs;    /* the others (borrowed from the filter) */
        Hashmap *idents;      /* -t */
        Buf key;              /* a field, NUL-terminated, for the lookups */
} FilterIndex;

struct JournalReader {
        char **dirs, **files;
        RFile **f;               /* in the order found (readdir order, as sd-journal) */
        size_t n_f;
        const JournalFilter *filter;
        Group *groups;
        size_t n_groups, cap_groups;
        FilterIndex fx;
        JournalRecordField *fields;
        size_t cap_fields;
        int inotify_fd;
};

/* ---- files ---- */

static void terms_free(RFile *f) {
        for (size_t i = 0; i < f->n_terms; i++) {
                for (size_t k = 0; k < f->terms[i].n; k++)
                        jf_list_done(&f->terms[i].lists[k]);
                free(f->terms[i].lists);
        }
        free(f->terms);
        f->terms = NULL;
        f->n_terms = 0;
        f->compiled = f->no_match = false;
        f->cand_ok = false;
}

static void rfile_free(RFile *f) {
        if (!f)
                return;
        terms_free(f);
        jf_list_done(&f->main);
        journal_file_close(f->jf);
        free(f);
}

static RFile *find_file(JournalReader *r, dev_t dev, ino_t ino) {
        for (size_t i = 0; i < r->n_f; i++)
                if (r->f[i]->jf->dev == dev && r->f[i]->jf->ino == ino)
                        return r->f[i];
        return NULL;
}

static int add_path(JournalReader *r, const char *path, bool must_exist) {
        struct stat st;
        if (stat(path, &st) < 0)
                return must_exist ? -errno : 0;
        RFile *f = find_file(r, st.st_dev, st.st_ino);
        if (f) {
                f->seen = true;
                if (!streq(f->jf->path, path)) {   /* renamed by a rotation */
                        char *p = strdup(path);
                        if (!p)
                                return -ENOMEM;
                        free(f->jf->path);
                        f->jf->path = p;
                }
                return 0;
        }
        JournalFile *jf;
        int q = journal_file_open(path, &jf);
        if (q == -ENOMEM)
                return q;
        if (q < 0)
                return must_exist ? q : 0;   /* not a journal file, or damaged: skipped as sd-journal does */
        f = calloc(1, sizeof *f);
        RFile **n = f ? realloc(r->f, (r->n_f + 1) * sizeof *n) : NULL;
        if (!n) {
                free(f);
                journal_file_close(jf);
                return -ENOMEM;
        }
        r->f = n;
        f->jf = jf;
        f->seen = true;
        r->f[r->n_f++] = f;
        return 0;
}

static int scan_sources(JournalReader *r) {
        int q;
        STRV_FOREACH(p, r->files) {
                q = add_path(r, *p, true);
                if (q < 0)
                        return q;
        }
        STRV_FOREACH(d, r->dirs) {
                DIR *dir = opendir(*d);
                if (!dir)
                        continue;
                for (struct dirent *de; (de = readdir(dir));) {
                        if (!jf_name_is_journal(de->d_name))
                                continue;
                        _cleanup_free_ char *p = strjoin(*d, "/", de->d_name);
                        q = p ? add_path(r, p, false) : -ENOMEM;
                        if (q < 0) {
                                closedir(dir);
                                return q;
                        }
                }
                closedir(dir);
        }
        return 0;
}

int journal_reader_open(char *const *dirs, char *const *files, JournalReader **ret) {
        _cleanup_(journal_reader_freep) JournalReader *r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        r->inotify_fd = -1;
        r->dirs = strv_copy(dirs);
        r->files = strv_copy(files);
        if ((dirs && !r->dirs) || (files && !r->files))
                return -ENOMEM;
        int q = scan_sources(r);
        if (q < 0)
                return q;
        *ret = TAKE_PTR(r);
        return 0;
}

static void groups_free(JournalReader *r) {
        for (size_t i = 0; i < r->n_groups; i++) {
                strv_builder_done(&r->groups[i].payloads);
                hashmap_free(r->groups[i].have);
        }
        free(r->groups);
        r->groups = NULL;
        r->n_groups = r->cap_groups = 0;
}

static void filter_index_done(FilterIndex *x) {
        hashmap_free(x->names);
        hashmap_free(x->pairs);
        free(x->pair_buf);
        free(x->seen);
        hashmap_free(x->units);
        free(x->unit_globs);
        hashmap_free(x->idents);
        buf_free(&x->key);
        *x = (FilterIndex) {};
}

JournalReader *journal_reader_free(JournalReader *r) {
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n_f; i++)
                rfile_free(r->f[i]);
        free(r->f);
        strv_free(r->dirs);
        strv_free(r->files);
        groups_free(r);
        filter_index_done(&r->fx);
        free(r->fields);
        if (r->inotify_fd >= 0)
                close(r->inotify_fd);
        free(r);
        return NULL;
}

size_t journal_reader_n_files(const JournalReader *r) {
        return r->n_f;
}

/* ---- filters ---- */

void journal_filter_done(JournalFilter *f) {
        for (size_t i = 0; i < f->n_matches; i++) {
                free(f->matches[i].name);
                free(f->matches[i].value);
        }
        free(f->matches);
        strv_free(f->units);
        strv_free(f->identifiers);
        *f = (JournalFilter) {};
}

int journal_filter_add_match(JournalFilter *f, const char *assignment) {
        const char *eq = strchr(assignment, '=');
        if (!eq || !journal_field_name_valid(assignment, (size_t)(eq - assignment), true))
                return -EINVAL;
        /* the array doubles (its capacity is the next power of two from 4): one realloc per
         * match would copy it again each time (a sanitizer's realloc always moves) */
        size_t k = f->n_matches;
        if (k == 0 || (k >= 4 && (k & (k - 1)) == 0)) {
                JournalMatch *n = realloc(f->matches, (k ? 2 * k : 4) * sizeof *n);
                if (!n)
                        return -ENOMEM;
                f->matches = n;
        }
        JournalMatch *m = &f->matches[f->n_matches];
        m->name = strndup(assignment, (size_t)(eq - assignment));
        m->value = strdup(eq + 1);
        m->value_len = strlen(eq + 1);
        if (!m->name || !m->value) {
                free(m->name);
                free(m->value);
                return -ENOMEM;
        }
        f->n_matches++;
        return 0;
}

static bool is_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

static int group_add(Group *g, const char *name, const char *value, size_t value_len) {
        size_t nl = strlen(name);
        char *p = malloc(nl + 1 + value_len + 1);
        if (!p)
                return -ENOMEM;
        memcpy(p, name, nl);
        p[nl] = '=';
        memcpy(p + nl + 1, value, value_len);
        p[nl + 1 + value_len] = 0;
        if (hashmap_get(g->have, p)) {   /* named twice */
                free(p);
                return 0;
        }
        int q = strv_builder_push(&g->payloads, p);
        return q < 0 ? q : hashmap_put(g->have, p, p);
}

static Group *group_new(JournalReader *r) {
        if (r->n_groups == r->cap_groups) {
                size_t nc = r->cap_groups ? 2 * r->cap_groups : 8;
                Group *n = realloc(r->groups, nc * sizeof *n);
                if (!n)
                        return NULL;
                r->groups = n;
                r->cap_groups = nc;
        }
        Group *g = &r->groups[r->n_groups];
        *g = (Group) { .have = hashmap_new() };
        if (!g->have)
                return NULL;
        r->n_groups++;
        return g;
}

/* The filter's exact values, as groups of data payloads. */
static int compile_groups(JournalReader *r, const JournalFilter *f) {
        Group *g;
        int q = 0;
        bool globs = false;
        STRV_FOREACH(u, f->units)
                globs = globs || is_glob(*u);
        if (f->units && !globs) {
                if (!(g = group_new(r)))
                        return -ENOMEM;
                STRV_FOREACH(u, f->units)
                        for (const char *const *n = (const char *const[]) { "_SYSTEMD_UNIT", "UNIT", "OBJECT_SYSTEMD_UNIT",
                                                                            "COREDUMP_UNIT", NULL }; *n && q >= 0; n++)
                                q = group_add(g, *n, *u, strlen(*u));
        }
        if (q >= 0 && f->identifiers) {
                if (!(g = group_new(r)))
                        return -ENOMEM;
                STRV_FOREACH(t, f->identifiers)
                        if (q >= 0)
                                q = group_add(g, "SYSLOG_IDENTIFIER", *t, strlen(*t));
        }
        if (q >= 0 && f->priorities) {
                if (!(g = group_new(r)))
                        return -ENOMEM;
                for (int p = 0; p < 8 && q >= 0; p++)
                        if (f->priorities & (1U << p))
                                q = group_add(g, "PRIORITY", (char[]) { (char)('0' + p) }, 1);
        }
        if (q >= 0 && f->boot_set) {
                char id[33];
                if (!(g = group_new(r)))
                        return -ENOMEM;
                q = group_add(g, "_BOOT_ID", id128_to_string(f->boot_id, id), 32);
        }
        /* FIELD=VALUE matches: one group per field (its index + 1 by name) */
        Hashmap *by_name = q >= 0 && f->n_matches ? hashmap_new() : NULL;
        if (f->n_matches && !by_name)
                q = -ENOMEM;
        for (size_t i = 0; q >= 0 && i < f->n_matches; i++) {
                const JournalMatch *m = &f->matches[i];
                size_t gi = (size_t)(uintptr_t)hashmap_get(by_name, m->name);
                if (!gi) {
                        if (!group_new(r) || hashmap_put(by_name, m->name, (void *)(uintptr_t)r->n_groups) < 0)
                                q = -ENOMEM;
                        gi = r->n_groups;
                }
                if (q >= 0)
                        q = group_add(&r->groups[gi - 1], m->name, m->value, m->value_len);
        }
        hashmap_free(by_name);
        return q;
}

static int set_of(char *const *l, bool (*want)(const char *), Hashmap **ret) {
        Hashmap *h = hashmap_new();
        if (!h)
                return -ENOMEM;
        STRV_FOREACH(p, l) {
                int q = want && !want(*p) ? 0 : hashmap_put(h, *p, *p);
                if (q < 0 && q != -EEXIST) {
                        hashmap_free(h);
                        return q;
                }
        }
        *ret = h;
        return 0;
}

static bool is_exact_unit(const char *s) {
        return !strpbrk(s, "*?[\\");   /* fnmatch() of such a pattern is string equality */
}

static int filter_index_build(FilterIndex *x, const JournalFilter *f) {
        size_t total = 0;
        for (size_t i = 0; i < f->n_matches; i++)
                total += strlen(f->matches[i].name) + 1 + f->matches[i].value_len + 1;
        if (!(x->names = hashmap_new()) || !(x->pairs = hashmap_new()) || !(x->pair_buf = malloc(total ? total : 1)))
                return -ENOMEM;
        char *w = x->pair_buf;
        for (size_t i = 0; i < f->n_matches; i++) {
                const JournalMatch *m = &f->matches[i];
                size_t g = (size_t)(uintptr_t)hashmap_get(x->names, m->name);
                if (!g) {
                        g = ++x->n_groups;
                        if (hashmap_put(x->names, m->name, (void *)(uintptr_t)g) < 0)
                                return -ENOMEM;
                }
                const char *key = w;
                w = stpcpy(stpcpy(stpcpy(w, m->name), "="), m->value) + 1;
                int q = hashmap_put(x->pairs, key, (void *)(uintptr_t)g);
                if (q < 0 && q != -EEXIST)
                        return q;
        }
        if (!(x->seen = calloc(x->n_groups ? x->n_groups : 1, sizeof *x->seen)))
                return -ENOMEM;
        if (f->units) {
                int q = set_of(f->units, is_exact_unit, &x->units);
                if (q < 0)
                        return q;
                StrvBuilder g = {0};
                STRV_FOREACH(u, f->units)
                        if (!is_exact_unit(*u) && (q = strv_builder_push(&g, *u)) < 0) {
                                free(g.l);   /* the strings are the filter's */
                                return q;
                        }
                x->unit_globs = g.l;
        }
        if (f->identifiers) {
                int q = set_of(f->identifiers, NULL, &x->idents);
                if (q < 0)
                        return q;
        }
        return 0;
}

void journal_reader_set_filter(JournalReader *r, const JournalFilter *f) {
        r->filter = f;
        groups_free(r);
        filter_index_done(&r->fx);
        for (size_t i = 0; i < r->n_f; i++)
                terms_free(r->f[i]);
        if (!f)
                return;
        /* without memory for the groups every entry is read and checked in full; without the index
         * each check is slower: slower, same result */
        if (compile_groups(r, f) < 0)
                groups_free(r);
        if (filter_index_build(&r->fx, f) < 0)
                filter_index_done(&r->fx);
}

/* The groups' data objects in this file; groups with more than TERM_LISTS_MAX of them are not
 * indexed (the full check decides), as none of a group of which the file has none. */
static int compile_file(JournalReader *r, RFile *f) {
        if (f->compiled)
                return 0;
        terms_free(f);
        f->terms = calloc(r->n_groups ? r->n_groups : 1, sizeof *f->terms);
        if (!f->terms)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_groups; i++) {
                Term *t = &f->terms[f->n_terms++];
                bool many = false;
                STRV_FOREACH(p, r->groups[i].payloads.l) {
                        uint64_t off;
                        if (journal_file_find_data(f->jf, *p, strlen(*p), &off) <= 0)
                                continue;
                        if (t->n == TERM_LISTS_MAX) {
                                many = true;
                                break;
                        }
                        JfList *nl = realloc(t->lists, (t->n + 1) * sizeof *nl);
                        if (!nl)
                                return -ENOMEM;
                        t->lists = nl;
                        int q = journal_file_list_data(f->jf, off, &t->lists[t->n]);
                        if (q == -ENOMEM)
                                return q;
                        if (q >= 0 && t->lists[t->n].n > 0)
                                t->n++;
                        else
                                jf_list_done(&t->lists[t->n]);
                }
                if (t->n == 0)
                        f->no_match = true;
                if (many || t->n == 0) {
                        for (size_t k = 0; k < t->n; k++)
                                jf_list_done(&t->lists[k]);
                        free(t->lists);
                        *t = (Term) {};
                        f->n_terms--;
                }
        }
        f->compiled = true;
        return 0;
}

static int main_list(RFile *f) {
        if (f->main_ok)
                return 0;
        jf_list_done(&f->main);
        int q = journal_file_list_main(f->jf, &f->main);
        if (q < 0)
                return q;
        f->main_ok = true;
        return 0;
}

/* ---- records ---- */

const char *journal_record_get(const JournalRecord *e, const char *name, size_t *ret_len) {
        size_t n = strlen(name);
        for (size_t i = 0; i < e->n_fields; i++)
                if (e->fields[i].name_len == n && memcmp(e->fields[i].data, name, n) == 0) {
                        if (ret_len)
                                *ret_len = e->fields[i].len - n - 1;
                        return e->fields[i].data + n + 1;
                }
        return NULL;
}

bool journal_record_has_value(const JournalRecord *e, const char *name, const char *value, size_t value_len) {
        size_t n = strlen(name);
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                if (fl->name_len == n && memcmp(fl->data, name, n) == 0 && fl->len - n - 1 == value_len &&
                    memcmp(fl->data + n + 1, value, value_len) == 0)
                        return true;
        }
        return false;
}

static bool has_glob_value(const JournalRecord *e, const char *name, const char *pattern) {
        size_t n = strlen(name);
        char v[512];
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                size_t vl = fl->len - n - 1;
                if (fl->name_len != n || memcmp(fl->data, name, n) != 0 || vl >= sizeof v)
                        continue;
                memcpy(v, fl->data + n + 1, vl);
                v[vl] = 0;
                if (strlen(v) == vl && fnmatch(pattern, v, 0) == 0)
                        return true;
        }
        return false;
}

static bool unit_matches(const JournalRecord *e, const char *pattern) {
        /* journalctl's add_matches_for_unit() */
        if (has_glob_value(e, "_SYSTEMD_UNIT", pattern))
                return true;
        if (journal_record_has_value(e, "_PID", "1", 1) && has_glob_value(e, "UNIT", pattern))
                return true;
        if (!journal_record_has_value(e, "_UID", "0", 1))
                return false;
        if (has_glob_value(e, "OBJECT_SYSTEMD_UNIT", pattern))
                return true;
        return journal_record_has_value(e, "MESSAGE_ID", "fc2e22bc6ee647b6b90729ab34a250b1", 32) &&
               has_glob_value(e, "COREDUMP_UNIT", pattern);
}

/* The field as a C string in x->key (NULL if it holds a NUL: no match can name it). */
static const char *field_string(FilterIndex *x, const JournalRecordField *fl, size_t from, size_t len) {
        if (memchr(fl->data + from, 0, len))
                return NULL;
        x->key.len = 0;
        return buf_put(&x->key, fl->data + from, len) < 0 ? NULL : x->key.s;
}

static bool field_is(const JournalRecordField *fl, const char *name) {
        size_t n = strlen(name);
        return fl->name_len == n && memcmp(fl->data, name, n) == 0;
}

/* journalctl's add_matches_for_unit() for the exact names: the unit fields of the entry looked up. */
static bool unit_matches_exact(FilterIndex *x, const JournalRecord *e) {
        bool pid1 = journal_record_has_value(e, "_PID", "1", 1), uid0 = journal_record_has_value(e, "_UID", "0", 1);
        bool coredump = uid0 && journal_record_has_value(e, "MESSAGE_ID", "fc2e22bc6ee647b6b90729ab34a250b1", 32);
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                bool candidate = field_is(fl, "_SYSTEMD_UNIT") || (pid1 && field_is(fl, "UNIT")) ||
                                 (uid0 && field_is(fl, "OBJECT_SYSTEMD_UNIT")) || (coredump && field_is(fl, "COREDUMP_UNIT"));
                size_t vl = fl->len - fl->name_len - 1;
                if (!candidate || vl >= 512)   /* as has_glob_value() */
                        continue;
                const char *v = field_string(x, fl, fl->name_len + 1, vl);
                if (v && hashmap_get(x->units, v))
                        return true;
        }
        return false;
}

static bool ident_matches(FilterIndex *x, const JournalRecord *e) {
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                if (!field_is(fl, "SYSLOG_IDENTIFIER"))
                        continue;
                const char *v = field_string(x, fl, fl->name_len + 1, fl->len - fl->name_len - 1);
                if (v && hashmap_get(x->idents, v))
                        return true;
        }
        return false;
}

/* FIELD=VALUE matches: OR within a field, AND across fields. */
static bool fields_match(FilterIndex *x, const JournalRecord *e) {
        if (x->n_groups == 0)
                return true;
        size_t have = 0;
        x->gen++;
        for (size_t i = 0; i < e->n_fields && have < x->n_groups; i++) {
                const JournalRecordField *fl = &e->fields[i];
                const char *name = field_string(x, fl, 0, fl->name_len);
                size_t g = name ? (size_t)(uintptr_t)hashmap_get(x->names, name) : 0;
                if (!g || x->seen[g - 1] == x->gen)
                        continue;
                const char *pair = field_string(x, fl, 0, fl->len);
                if (pair && (size_t)(uintptr_t)hashmap_get(x->pairs, pair) == g) {
                        x->seen[g - 1] = x->gen;
                        have++;
                }
        }
        return have == x->n_groups;
}

/* Without the index (it could not be built): each match looked up in the entry. */
static bool fields_match_slow(const JournalFilter *f, const JournalRecord *e) {
        for (size_t i = 0; i < f->n_matches; i++) {
                bool first = true, ok = false;
                for (size_t j = 0; j < i && first; j++)
                        first = !streq(f->matches[j].name, f->matches[i].name);
                if (!first)
                        continue;
                for (size_t j = i; j < f->n_matches && !ok; j++)
                        ok = streq(f->matches[j].name, f->matches[i].name) &&
                             journal_record_has_value(e, f->matches[j].name, f->matches[j].value, f->matches[j].value_len);
                if (!ok)
                        return false;
        }
        return true;
}

static bool entry_matches(JournalReader *r, const JournalRecord *e) {
        const JournalFilter *f = r->filter;
        FilterIndex *x = &r->fx;
        bool indexed = x->names != NULL;
        if (!f)
                return true;
        if (e->realtime < f->since || (f->until && e->realtime > f->until))
                return false;
        if (f->boot_set) {
                char id[33];
                if (!journal_record_has_value(e, "_BOOT_ID", id128_to_string(f->boot_id, id), 32))
                        return false;
        }
        if (f->priorities) {
                bool ok = false;
                for (int p = 0; p < 8 && !ok; p++)
                        ok = (f->priorities & (1U << p)) && journal_record_has_value(e, "PRIORITY", (char[]) { (char)('0' + p) }, 1);
                if (!ok)
                        return false;
        }
        if (f->units) {
                bool ok = indexed && unit_matches_exact(x, e);
                STRV_FOREACH(u, indexed ? x->unit_globs : f->units)
                        if ((ok = ok || unit_matches(e, *u)))
                                break;
                if (!ok)
                        return false;
        }
        if (f->identifiers) {
                bool ok = indexed && ident_matches(x, e);
                STRV_FOREACH(t, indexed ? NULL : f->identifiers)
                        if ((ok = journal_record_has_value(e, "SYSLOG_IDENTIFIER", *t, strlen(*t))))
                                break;
                if (!ok)
                        return false;
        }
        return indexed ? fields_match(x, e) : fields_match_slow(f, e);
}

/* The entry at `off` of f: its header only (for ordering), or -EBADMSG. */
static int entry_header(const RFile *f, uint64_t off, const JfEntryObject **ret) {
        return journal_file_object(f->jf, off, JF_OBJECT_ENTRY, (const void **)ret);
}

/* Decode the entry at off into *ret (fields valid until the next reader call). Fields that cannot
 * be read (a compressed or damaged data object) are left out, as journalctl skips them. */
static int read_entry(JournalReader *r, RFile *f, uint64_t off, JournalRecord *ret) {
        const JfEntryObject *e;
        int q = entry_header(f, off, &e);
        if (q < 0)
                return q;
        uint64_t n = journal_file_entry_n_items(f->jf, e);
        if (r->cap_fields < n) {
                JournalRecordField *nf = realloc(r->fields, n * sizeof *nf);
                if (!nf)
                        return -ENOMEM;
                r->fields = nf;
                r->cap_fields = (size_t)n;
        }
        size_t c = 0;
        for (uint64_t i = 0; i < n; i++) {
                const uint8_t *p;
                size_t len;
                if (journal_file_data_payload(f->jf, journal_file_entry_item(f->jf, e, i), &p, &len) < 0)
                        continue;
                const uint8_t *eq = memchr(p, '=', len);
                if (!eq || eq == p)
                        continue;
                r->fields[c++] = (JournalRecordField) { .data = (const char *)p, .len = len, .name_len = (size_t)(eq - p) };
        }
        *ret = (JournalRecord) {
                .seqnum = le64toh(e->seqnum),
                .realtime = le64toh(e->realtime),
                .monotonic = le64toh(e->monotonic),
                .xor_hash = le64toh(e->xor_hash),
                .n_fields = c,
                .fields = r->fields,
        };
        memcpy(ret->boot_id, e->boot_id, 16);
        memcpy(ret->seqnum_id, f->jf->header.seqnum_id, 16);
        return journal_file_broken(f->jf) ? -EBADMSG : 0;
}

/* ---- stepping ---- */

/* In list l: the first entry offset >= x (forward), or the last one < x; 0 if none. */
static uint64_t list_step(const JournalFile *jf, JfList *l, uint64_t x, bool forward) {
        uint64_t i = journal_file_list_lower_bound(jf, l, x);
        if (forward)
                return i < l->n ? journal_file_list_get(jf, l, i) : 0;
        return i > 0 ? journal_file_list_get(jf, l, i - 1) : 0;
}

/* The next entry offset from x in this file that holds a value of every group; 0 if none. */
static uint64_t indexed_step(RFile *f, uint64_t x, bool forward) {
        for (unsigned rounds = 0;; rounds++) {
                uint64_t m = 0;
                bool agree = true;
                for (size_t t = 0; t < f->n_terms; t++) {
                        uint64_t y = 0;
                        for (size_t k = 0; k < f->terms[t].n; k++) {
                                uint64_t v = list_step(f->jf, &f->terms[t].lists[k], x, forward);
                                if (v && (!y || (forward ? v < y : v > y)))
                                        y = v;
                        }
                        if (!y)
                                return 0;
                        if (t > 0 && y != m)
                                agree = false;
                        if (t == 0 || (forward ? y > m : y < m))
                                m = y;
                }
                if (agree)
                        return m;
                /* some group's next entry lies beyond: all must reach it */
                x = forward ? m : m + 1;
        }
}

/* The next matching entry of f from its gap: its offset in *ret (0: none), *rec decoded. */
static int file_candidate(JournalReader *r, RFile *f, bool forward, JournalRecord *rec) {
        int q = compile_file(r, f);
        if (q < 0)
                return q;
        if (f->no_match)
                return 0;
        uint64_t x = f->gap;
        for (;;) {
                uint64_t off;
                if (f->n_terms > 0) {
                        off = indexed_step(f, x, forward);
                } else {
                        q = main_list(f);
                        if (q < 0)
                                return q;
                        off = list_step(f->jf, &f->main, x, forward);
                }
                if (!off)
                        return 0;
                if (!r->filter) {
                        const JfEntryObject *e;
                        if (entry_header(f, off, &e) >= 0) {
                                f->cand = off;
                                return 1;
                        }
                        x = forward ? off + 1 : off;
                        continue;
                }
                q = read_entry(r, f, off, rec);
                if (q == -ENOMEM)
                        return q;
                if (q >= 0 && entry_matches(r, rec)) {
                        f->cand = off;
                        return 1;
                }
                x = forward ? off + 1 : off;
        }
}

/* sd-journal's order of two entries of different files. */
static int compare_entries(const JfEntryObject *a, const RFile *fa, const JfEntryObject *b, const RFile *fb) {
        uint64_t x, y;
        if (memcmp(fa->jf->header.seqnum_id, fb->jf->header.seqnum_id, 16) == 0) {
                x = le64toh(a->seqnum), y = le64toh(b->seqnum);
                if (x != y)
                        return x < y ? -1 : 1;
        }
        if (memcmp(a->boot_id, b->boot_id, 16) == 0) {
                x = le64toh(a->monotonic), y = le64toh(b->monotonic);
                if (x != y)
                        return x < y ? -1 : 1;
        }
        x = le64toh(a->realtime), y = le64toh(b->realtime);
        if (x != y)
                return x < y ? -1 : 1;
        x = le64toh(a->xor_hash), y = le64toh(b->xor_hash);
        return x < y ? -1 : x > y;
}

static int step(JournalReader *r, bool forward, JournalRecord *ret) {
        RFile *best = NULL;
        const JfEntryObject *be = NULL;
        JournalRecord tmp;
        for (size_t i = 0; i < r->n_f; i++) {
                RFile *f = r->f[i];
                if (!f->cand_ok || f->cand_forward != forward) {
                        int q = file_candidate(r, f, forward, &tmp);
                        if (q < 0 && q != -EBADMSG)
                                return q;
                        if (q <= 0)
                                f->cand = 0;
                        f->cand_ok = true;
                        f->cand_forward = forward;
                }
                const JfEntryObject *e;
                if (!f->cand || entry_header(f, f->cand, &e) < 0)
                        continue;
                int c = be ? compare_entries(e, f, be, best) : -1;
                if (!be || (forward ? c < 0 : c > 0)) {
                        best = f;
                        be = e;
                } else if (c == 0) {
                        /* the same entry in two files: skip this copy */
                        f->gap = forward ? f->cand + 1 : f->cand;
                        f->cand_ok = false;
                }
        }
        if (!best)
                return 0;
        int q = read_entry(r, best, best->cand, ret);
        if (q < 0)
                return q;
        best->gap = forward ? best->cand + 1 : best->cand;
        best->cand_ok = false;
        return 1;
}

int journal_reader_next(JournalReader *r, JournalRecord *ret) {
        return step(r, true, ret);
}

int journal_reader_previous(JournalReader *r, JournalRecord *ret) {
        return step(r, false, ret);
}

void journal_reader_seek_head(JournalReader *r) {
        for (size_t i = 0; i < r->n_f; i++) {
                r->f[i]->gap = 0;
                r->f[i]->cand_ok = false;
        }
}

/* The end of the file's last object: every entry appended later lies after it. */
static uint64_t tail_end(const RFile *f) {
        const JfObjectHeader *o;
        uint64_t t = f->jf->header.tail_object_offset;
        if (t == 0 || journal_file_object(f->jf, t, JF_OBJECT_UNUSED, (const void **)&o) < 0)
                return f->jf->size;
        return t + jf_align64(le64toh(o->size));
}

void journal_reader_seek_tail(JournalReader *r) {
        for (size_t i = 0; i < r->n_f; i++) {
                r->f[i]->gap = tail_end(r->f[i]);
                r->f[i]->cand_ok = false;
        }
}

int journal_reader_seek_realtime(JournalReader *r, uint64_t usec) {
        /* in each file: before the first entry with realtime >= usec (bisection of its entries) */
        for (size_t i = 0; i < r->n_f; i++) {
                RFile *f = r->f[i];
                int q = main_list(f);
                if (q < 0)
                        return q;
                uint64_t lo = 0, hi = f->main.n;
                while (lo < hi) {
                        uint64_t mid = lo + (hi - lo) / 2;
                        const JfEntryObject *e;
                        uint64_t off = journal_file_list_get(f->jf, &f->main, mid);
                        if (off && entry_header(f, off, &e) >= 0 && le64toh(e->realtime) < usec)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                f->gap = lo < f->main.n ? journal_file_list_get(f->jf, &f->main, lo) : tail_end(f);
                f->cand_ok = false;
        }
        return 0;
}

int journal_reader_refresh(JournalReader *r) {
        for (size_t i = 0; i < r->n_f; i++)
                r->f[i]->seen = false;
        size_t before = r->n_f;
        int q = scan_sources(r);
        if (q < 0)
                return q;
        /* new files start where a follower expects them: past their end unless they are new since
         * the last look (then all of it is new) */
        for (size_t i = before; i < r->n_f; i++)
                r->f[i]->gap = 0;
        size_t j = 0;
        for (size_t i = 0; i < r->n_f; i++) {
                RFile *f = r->f[i];
                if (!f->seen) {   /* deleted meanwhile (vacuum) */
                        rfile_free(f);
                        continue;
                }
                r->f[j++] = f;
                q = journal_file_refresh(f->jf);
                if (q < 0)
                        continue;   /* unreadable now: it keeps what it had */
                if (q > 0) {
                        f->main_ok = false;
                        terms_free(f);
                }
        }
        r->n_f = j;
        return 0;
}

int journal_reader_wait(JournalReader *r, uint64_t timeout_usec) {
        if (r->inotify_fd < 0) {
                r->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (r->inotify_fd < 0)
                        return -errno;
                uint32_t mask = IN_CREATE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB;
                STRV_FOREACH(d, r->dirs)
                        (void) inotify_add_watch(r->inotify_fd, *d, mask | IN_ONLYDIR);
                STRV_FOREACH(p, r->files)
                        (void) inotify_add_watch(r->inotify_fd, *p, IN_MODIFY | IN_ATTRIB);
                /* A change that happened before the watch existed is caught by the caller's refresh. */
                return 1;
        }
        struct pollfd p = { .fd = r->inotify_fd, .events = POLLIN };
        int ms = timeout_usec == UINT64_MAX ? -1 : (int)(timeout_usec / 1000 > INT32_MAX ? INT32_MAX : timeout_usec / 1000);
        int n = poll(&p, 1, ms);
        if (n < 0)
                return errno == EINTR ? 0 : -errno;
        if (n == 0)
                return 0;
        char buf[4096];
        while (read(r->inotify_fd, buf, sizeof buf) > 0)
                ;
        return 1;
}

/* ---- boots ---- */

/* journalctl --list-boots as 252 finds them: from the head, the boot id of the next entry; its
 * first entry's time; its last entry anywhere in the journal (a _BOOT_ID= match from the tail);
 * then on from there. */
int journal_reader_list_boots(JournalReader *r, JournalBoot **ret, size_t *ret_n) {
        const JournalFilter *saved = r->filter;
        JournalBoot *l = NULL;
        size_t n = 0;
        JournalRecord e;
        int q;

        journal_reader_set_filter(r, NULL);
        journal_reader_seek_head(r);
        for (;;) {
                do
                        q = journal_reader_next(r, &e);
                while (q > 0 && n > 0 && memcmp(e.boot_id, l[n - 1].id, 16) == 0);
                if (q <= 0)
                        break;
                JournalBoot *nl = realloc(l, (n + 1) * sizeof *nl);
                if (!nl) {
                        q = -ENOMEM;
                        break;
                }
                l = nl;
                JournalBoot *b = &l[n++];
                memcpy(b->id, e.boot_id, 16);
                b->first = b->last = e.realtime;
                JournalFilter only = { .boot_set = true };
                memcpy(only.boot_id, b->id, 16);
                journal_reader_set_filter(r, &only);
                journal_reader_seek_tail(r);
                q = journal_reader_previous(r, &e);
                journal_reader_set_filter(r, NULL);
                if (q < 0)
                        break;
                if (q > 0) {
                        b->last = e.realtime;
                        /* the gap is before that entry: step over it */
                        q = journal_reader_next(r, &e);
                        if (q < 0)
                                break;
                }
        }
        journal_reader_set_filter(r, saved);
        if (q < 0) {
                free(l);
                return q;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

/* ---- fields ---- */

/* Whether an earlier file (in r->f's order) has this payload, as a data object or field name. */
static bool in_earlier(const JournalReader *r, size_t fi, bool field, const void *p, size_t len) {
        for (size_t i = 0; i < fi; i++) {
                uint64_t off;
                const JournalFile *jf = r->f[i]->jf;
                if (jf->header.header_size >= offsetof(JfHeader, n_fields) + 8 && jf->header.n_fields == 0)
                        continue;
                if ((field ? journal_file_find_field(jf, p, len, &off) : journal_file_find_data(jf, p, len, &off)) > 0)
                        return true;
        }
        return false;
}

int journal_reader_unique(JournalReader *r, const char *field, journal_unique_cb cb, void *userdata) {
        size_t k = strlen(field);
        for (size_t fi = 0; fi < r->n_f; fi++) {
                const JournalFile *jf = r->f[fi]->jf;
                uint64_t fo;
                const JfFieldObject *o;
                if (journal_file_find_field(jf, field, k, &fo) <= 0 ||
                    journal_file_object(jf, fo, JF_OBJECT_FIELD, (const void **)&o) < 0)
                        continue;
                /* newest value first: journald prepends to the field's list */
                for (uint64_t d = le64toh(o->head_data_offset), prev = UINT64_MAX; d && d < prev;) {
                        const JfDataObject *dob;
                        const uint8_t *p;
                        size_t len;
                        if (journal_file_object(jf, d, JF_OBJECT_DATA, (const void **)&dob) < 0)
                                break;
                        prev = d;
                        uint64_t next = le64toh(dob->next_field_offset);
                        if (journal_file_data_payload(jf, d, &p, &len) >= 0 && len > k && memcmp(p, field, k) == 0 &&
                            p[k] == '=' && !in_earlier(r, fi, false, p, len)) {
                                int q = cb((const char *)p + k + 1, len - k - 1, userdata);
                                if (q != 0)
                                        return q < 0 ? q : 0;
                        }
                        d = next;
                }
        }
        return 0;
}

int journal_reader_field_names(JournalReader *r, journal_unique_cb cb, void *userdata) {
        for (size_t fi = 0; fi < r->n_f; fi++) {
                const JournalFile *jf = r->f[fi]->jf;
                const uint8_t *table = jf->map + jf->header.field_hash_table_offset;
                for (uint64_t b = 0; b < jf->n_field_buckets; b++) {
                        uint64_t o;
                        memcpy(&o, table + b * sizeof(JfHashItem), 8);
                        for (uint64_t prev = 0, off = le64toh(o); off && off > prev;) {
                                const JfFieldObject *fo;
                                if (journal_file_object(jf, off, JF_OBJECT_FIELD, (const void **)&fo) < 0)
                                        break;
                                const char *name = (const char *)fo + JF_FIELD_PAYLOAD;
                                size_t len = (size_t)(le64toh(fo->object.size) - JF_FIELD_PAYLOAD);
                                if (!in_earlier(r, fi, true, name, len)) {
                                        int q = cb(name, len, userdata);
                                        if (q != 0)
                                                return q < 0 ? q : 0;
                                }
                                prev = off;
                                off = le64toh(fo->next_hash_offset);
                        }
                }
        }
        return 0;
}
