/* SPDX-License-Identifier: MIT */
/* The journal store's reader: the files of some directories in order, their indexes loaded lazily,
 * a position between two entries, the index prefilter and the full match (see journal-store.c for
 * the format and the costs).
 *
 * A file's index is read in chunks of IDX_CHUNK entries when an entry of the chunk is first needed:
 * `journalctl -n 100` reads the last chunk or two of the newest file, not every index entry of
 * the journal. Entries that fail their CRC, or point outside the data, are kept as invalid
 * placeholders (offset 0), so an entry's position in the array is its position in the .idx file;
 * entries appended after the first load (a live writer) and entries found by scanning data the
 * index does not cover are loaded eagerly after those. */
#include <dirent.h>
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
#include "journal/journal-format.h"
#include "journal/journal-entry.h"
#include "journal/journal-store.h"

typedef struct RFile {
        char *path;
        int fd;
        dev_t dev;
        ino_t ino;
        JfHeader header;
        JfIdx *idx;
        size_t n_idx, cap_idx;
        size_t n_lazy;        /* idx[0..n_lazy) are read from the .idx file a chunk at a time */
        uint8_t *chunk_loaded; /* per chunk of idx[0..n_lazy): read yet */
        int idx_fd;
        JfContextCache ctx;   /* the context record last read by the scan */
        bool loaded, seen;
        size_t pos;           /* its index in the reader's f[] (kept up to date by scan_sources()) */
        uint64_t covered;     /* data bytes covered by idx[] (end of the last indexed record) */
        uint64_t idx_read;    /* bytes of the .idx file consumed */
        uint64_t size;        /* data file size when last loaded */
} RFile;

/* The filter prepared so that an entry is checked in O(its fields), whatever the number of
 * matches, units and identifiers: FIELD=VALUE matches grouped by field (an entry passes when it has
 * one of the values of every field named), exact unit names and identifiers in hash sets. Globs
 * are matched one by one (fnmatch), as before. */
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
        RFile **f;
        size_t n_f;
        const JournalFilter *filter;
        uint32_t *unit_hashes, *ident_hashes;
        size_t n_unit_hashes, n_ident_hashes;
        bool unit_globs;
        uint32_t boot_hash;
        RFile *gap_file;      /* position: before entry gap_idx of gap_file; NULL + at_tail */
        size_t gap_idx;
        bool at_tail;
        uint8_t *buf;
        size_t buf_size;
        JfContextCache ctx;   /* the context record of the entry last read, from ctx_file */
        const RFile *ctx_file;
        JournalRecordField *fields;
        size_t cap_fields;
        int inotify_fd;
        FilterIndex fx;
};

static void rfile_free(RFile *f) {
        if (!f)
                return;
        if (f->fd >= 0)
                close(f->fd);
        if (f->idx_fd >= 0)
                close(f->idx_fd);
        free(f->chunk_loaded);
        free(f->ctx.buf);
        free(f->idx);
        free(f->path);
        free(f);
}

static int idx_push(RFile *f, const JfIdx *x) {
        if (f->n_idx == f->cap_idx) {
                size_t nc = f->cap_idx ? f->cap_idx * 2 : 256;
                JfIdx *n = realloc(f->idx, nc * sizeof *n);
                if (!n)
                        return -ENOMEM;
                f->idx = n;
                f->cap_idx = nc;
        }
        f->idx[f->n_idx++] = *x;
        return 0;
}

static int scan_cb(const uint8_t *rec, uint64_t offset, void *userdata) {
        RFile *f = userdata;
        uint32_t size;
        memcpy(&size, rec + 4, 4);
        f->covered = offset + le32toh(size);
        JfIdx x;
        int r = jf_record_index_at(f->fd, rec, offset, &f->ctx, &x);
        if (r <= 0)
                return r;   /* a context record, or an entry whose context is damaged: skipped */
        return idx_push(f, &x);
}

#define IDX_CHUNK 1024U

/* Entry i of f; reads its chunk of the .idx file on first use. An entry that cannot be read or
 * points outside the data comes back invalid (offset 0); one whose CRC fails becomes invalid
 * when jf_idx_verify() checks it. Readers skip both. */
static JfIdx *idx_at(RFile *f, size_t i) {
        size_t c = i / IDX_CHUNK;
        if (i >= f->n_lazy || f->chunk_loaded[c])
                return &f->idx[i];
        f->chunk_loaded[c] = 1;
        size_t first = c * IDX_CHUNK, n = f->n_lazy - first < IDX_CHUNK ? f->n_lazy - first : IDX_CHUNK;
        _cleanup_free_ uint8_t *b = malloc(n * JF_IDX_ENTRY_SIZE);
        ssize_t k = b ? pread(f->idx_fd, b, n * JF_IDX_ENTRY_SIZE, (off_t)(JF_IDX_HEADER_SIZE + first * JF_IDX_ENTRY_SIZE)) : -1;
        size_t whole = k > 0 ? (size_t)k / JF_IDX_ENTRY_SIZE : 0;
        for (size_t j = 0; j < n; j++) {
                JfIdx *x = &f->idx[first + j];
                /* the CRC is checked when the entry is used (jf_idx_verify()): a scan for a rare
                 * unit reads every entry but uses few */
                if (j >= whole)
                        *x = (JfIdx) {};
                else
                        jf_idx_decode_unchecked(b + j * JF_IDX_ENTRY_SIZE, x);
                if (x->offset < JF_HEADER_SIZE || x->offset >= f->size)
                        *x = (JfIdx) {};
        }
        return &f->idx[i];
}

/* Entry i, its CRC checked (a damaged one comes back cleared: offset 0, realtime 0). */
static const JfIdx *verified(RFile *f, size_t i) {
        JfIdx *x = idx_at(f, i);
        (void) jf_idx_verify(x);
        return x;
}

/* First load, with the .idx file open and its header checked: size the lazy part of the index
 * after the file and find where the last valid indexed record ends (the data scan continues
 * there). */
static int rfile_load_lazy(RFile *f) {
        struct stat st;
        if (fstat(f->idx_fd, &st) < 0)
                return 0;   /* the index unusable: everything is scanned */
        size_t n = ((uint64_t)st.st_size - JF_IDX_HEADER_SIZE) / JF_IDX_ENTRY_SIZE;
        f->idx_read = JF_IDX_HEADER_SIZE + (uint64_t)n * JF_IDX_ENTRY_SIZE;
        if (n == 0)
                return 0;
        /* large and mostly untouched: calloc maps it lazily */
        f->idx = calloc(n + 256, sizeof *f->idx);
        f->chunk_loaded = calloc((n + IDX_CHUNK - 1) / IDX_CHUNK, 1);
        if (!f->idx || !f->chunk_loaded)
                return -ENOMEM;
        f->cap_idx = n + 256;
        f->n_idx = f->n_lazy = n;
        _cleanup_free_ uint8_t *rec = NULL;
        size_t rec_size = 0;
        for (size_t i = n; i-- > 0;) {
                JfIdx *x = idx_at(f, i);
                if (!jf_idx_verify(x))
                        continue;
                ssize_t k = jf_record_read(f->fd, x->offset, &rec, &rec_size);
                if (k == -ENOMEM)
                        return (int)k;
                if (k > 0) {
                        f->covered = x->offset + (uint64_t)k;
                        break;
                }
                /* an entry pointing at garbage: the scan starts there */
                f->covered = x->offset;
                *x = (JfIdx) {};
                break;
        }
        return 0;
}

/* Load (or extend) the in-memory index of f: on first use the index file's entries lazily, later
 * the entries appended to it, then a scan of the data the index does not cover yet. */
static int rfile_load(RFile *f) {
        struct stat st;
        if (fstat(f->fd, &st) < 0)
                return -errno;
        uint64_t size = (uint64_t)st.st_size;
        if (f->loaded && size == f->size)
                return 0;
        f->size = size;
        if (f->idx_fd < 0) {
                _cleanup_free_ char *ip = strjoin(f->path, JF_IDX_SUFFIX);
                if (!ip)
                        return -ENOMEM;
                f->idx_fd = open(ip, O_RDONLY | O_CLOEXEC);
        }
        uint8_t h[JF_IDX_HEADER_SIZE];
        if (f->idx_fd >= 0 && f->idx_read == 0 && pread(f->idx_fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
            memcmp(h, JF_IDX_MAGIC, 8) == 0)
                f->idx_read = JF_IDX_HEADER_SIZE;
        if (!f->loaded) {
                f->covered = JF_HEADER_SIZE;
                if (f->idx_read > 0) {
                        int r = rfile_load_lazy(f);
                        if (r < 0)
                                return r;
                }
        }
        if (f->idx_fd >= 0 && f->idx_read >= JF_IDX_HEADER_SIZE) {
                uint8_t chunk[JF_IDX_ENTRY_SIZE * 512];
                _cleanup_free_ uint8_t *rec = NULL;
                size_t rec_size = 0;
                bool added = false;
                for (;;) {
                        ssize_t n = pread(f->idx_fd, chunk, sizeof chunk, (off_t)f->idx_read);
                        if (n < 0)
                                return -errno;
                        size_t whole = (size_t)n / JF_IDX_ENTRY_SIZE;
                        for (size_t i = 0; i < whole; i++) {
                                JfIdx x;
                                if (jf_idx_decode(chunk + i * JF_IDX_ENTRY_SIZE, &x) < 0 ||
                                    x.offset < f->covered || x.offset >= size)
                                        continue;  /* damaged, or already known from a scan */
                                int r = idx_push(f, &x);
                                if (r < 0)
                                        return r;
                                f->covered = x.offset + 1;
                                added = true;
                        }
                        f->idx_read += whole * JF_IDX_ENTRY_SIZE;
                        if (whole < 512)
                                break;
                }
                /* Where the last indexed record ends: the scan continues from there. */
                if (added) {
                        ssize_t k = jf_record_read(f->fd, f->idx[f->n_idx - 1].offset, &rec, &rec_size);
                        if (k == -ENOMEM)
                                return (int)k;
                        /* An entry pointing at garbage: rescan from it. */
                        if (k <= 0)
                                f->covered = f->idx[--f->n_idx].offset;
                        else
                                f->covered = f->idx[f->n_idx - 1].offset + (uint64_t)k;
                }
        }
        int64_t end = jf_scan(f->fd, f->covered, size, scan_cb, f);
        if (end < 0)
                return (int)end;
        f->loaded = true;
        return 0;
}

static int rfile_open(const char *path, RFile **ret) {
        uint8_t h[JF_HEADER_SIZE];
        struct stat st;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADMSG;
        RFile *f = calloc(1, sizeof *f);
        if (!f)
                return -ENOMEM;
        if (pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h || jf_header_decode(h, &f->header) < 0) {
                free(f);
                return -EBADMSG;
        }
        f->path = strdup(path);
        if (!f->path) {
                free(f);
                return -ENOMEM;
        }
        f->fd = TAKE_FD(fd);
        f->idx_fd = -1;
        f->dev = st.st_dev;
        f->ino = st.st_ino;
        *ret = f;
        return 0;
}

static int rfile_cmp(const void *a, const void *b) {
        const RFile *x = *(RFile *const *)a, *y = *(RFile *const *)b;
        if (x->header.created != y->header.created)
                return x->header.created < y->header.created ? -1 : 1;
        return strcmp(x->path, y->path);
}

static RFile *find_file(JournalReader *r, dev_t dev, ino_t ino) {
        for (size_t i = 0; i < r->n_f; i++)
                if (r->f[i]->dev == dev && r->f[i]->ino == ino)
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
                if (!streq(f->path, path)) {  /* renamed by a rotation */
                        char *p = strdup(path);
                        if (!p)
                                return -ENOMEM;
                        free(f->path);
                        f->path = p;
                }
                return 0;
        }
        int q = rfile_open(path, &f);
        if (q == -EBADMSG || (q == -ENOENT && !must_exist))
                return must_exist ? q : 0;  /* not ours, or gone meanwhile */
        if (q < 0)
                return q;
        RFile **n = realloc(r->f, (r->n_f + 1) * sizeof *n);
        if (!n) {
                rfile_free(f);
                return -ENOMEM;
        }
        r->f = n;
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
                        if (!p) {
                                closedir(dir);
                                return -ENOMEM;
                        }
                        q = add_path(r, p, false);
                        if (q < 0) {
                                closedir(dir);
                                return q;
                        }
                }
                closedir(dir);
        }
        if (r->n_f > 1)
                qsort(r->f, r->n_f, sizeof *r->f, rfile_cmp);
        for (size_t i = 0; i < r->n_f; i++)
                r->f[i]->pos = i;
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
        r->at_tail = false;
        *ret = TAKE_PTR(r);
        return 0;
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
        *x = (FilterIndex){};
}

JournalReader *journal_reader_free(JournalReader *r) {
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n_f; i++)
                rfile_free(r->f[i]);
        free(r->f);
        strv_free(r->dirs);
        strv_free(r->files);
        free(r->unit_hashes);
        free(r->ident_hashes);
        free(r->buf);
        free(r->ctx.buf);
        free(r->fields);
        filter_index_done(&r->fx);
        if (r->inotify_fd >= 0)
                close(r->inotify_fd);
        free(r);
        return NULL;
}

size_t journal_reader_n_files(const JournalReader *r) {
        return r->n_f;
}

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
        JournalMatch *n = realloc(f->matches, (f->n_matches + 1) * sizeof *n);
        if (!n)
                return -ENOMEM;
        f->matches = n;
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

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

/* The hashes, sorted: the prefilter finds one by bisection. */
static uint32_t *hash_list(char *const *l, size_t *ret_n) {
        size_t n = strv_length(l);
        uint32_t *h = calloc(n ? n : 1, sizeof *h);
        if (!h)
                return NULL;
        for (size_t i = 0; i < n; i++)
                h[i] = jf_hash(l[i], strlen(l[i]));
        qsort(h, n, sizeof *h, cmp_u32);
        *ret_n = n;
        return h;
}

static bool is_exact_unit(const char *s) {
        return !strpbrk(s, "*?[\\");   /* fnmatch() of such a pattern is string equality */
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
        free(r->unit_hashes);
        free(r->ident_hashes);
        r->unit_hashes = r->ident_hashes = NULL;
        r->n_unit_hashes = r->n_ident_hashes = 0;
        r->unit_globs = false;
        filter_index_done(&r->fx);
        if (!f)
                return;
        STRV_FOREACH(u, f->units)
                r->unit_globs = r->unit_globs || is_glob(*u);
        /* Without memory for the hash lists the prefilter lets everything through; the full match
         * below still decides. */
        if (f->units && !r->unit_globs)
                r->unit_hashes = hash_list(f->units, &r->n_unit_hashes);
        if (f->identifiers)
                r->ident_hashes = hash_list(f->identifiers, &r->n_ident_hashes);
        if (f->boot_set)
                r->boot_hash = jf_hash_boot(f->boot_id);
        filter_index_done(&r->fx);
        if (filter_index_build(&r->fx, f) < 0)
                filter_index_done(&r->fx);   /* out of memory: entries are matched the slow way */
}

static bool hash_in(const uint32_t *l, size_t n, uint32_t h) {
        return bsearch(&h, l, n, sizeof *l, cmp_u32) != NULL;
}

static bool prefilter(const JournalReader *r, const JfIdx *x) {
        const JournalFilter *f = r->filter;
        if (!f)
                return true;
        if (x->realtime < f->since || (f->until && x->realtime > f->until))
                return false;
        if (f->priorities && (x->priority > 7 || !(f->priorities & (1U << x->priority))))
                return false;
        if (f->boot_set && x->boot_hash != r->boot_hash)
                return false;
        if (r->unit_hashes && r->n_unit_hashes > 0 &&
            !hash_in(r->unit_hashes, r->n_unit_hashes, x->unit_hash) &&
            !hash_in(r->unit_hashes, r->n_unit_hashes, x->unit2_hash))
                return false;
        if (r->ident_hashes && r->n_ident_hashes > 0 && !hash_in(r->ident_hashes, r->n_ident_hashes, x->ident_hash))
                return false;
        return true;
}

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
        if (f->boot_set && memcmp(e->boot_id, f->boot_id, 16) != 0)
                return false;
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

/* Read entry i of f into *ret. 1 ok, 0 damaged (skip), <0 error. */
static int read_entry(JournalReader *r, RFile *f, size_t i, JournalRecord *ret) {
        const JfIdx *x = idx_at(f, i);
        ssize_t k = jf_record_read(f->fd, x->offset, &r->buf, &r->buf_size);
        if (k == -ENOMEM)
                return (int)k;
        if (k <= 0)
                return 0;
        const uint8_t *rec = r->buf;
        uint64_t v[3];
        uint32_t n;
        memcpy(&n, rec + 12, 4);
        memcpy(v, rec + 16, 24);
        if (le64toh(v[0]) != x->seqnum)
                return 0;
        n = le32toh(n);
        if (r->ctx_file != f)
                r->ctx.offset = 0;   /* contexts are per file */
        r->ctx_file = f;
        const uint8_t *ctx;
        int q = jf_record_context_get(f->fd, rec, x->offset, &r->ctx, &ctx);
        if (q <= 0)
                return q == -ENOMEM ? q : 0;
        if (ctx) {
                uint32_t cn;
                memcpy(&cn, ctx + 12, 4);
                n += le32toh(cn);
        }
        if (r->cap_fields < n) {
                JournalRecordField *nf = realloc(r->fields, n * sizeof *nf);
                if (!nf)
                        return -ENOMEM;
                r->fields = nf;
                r->cap_fields = n;
        }
        size_t c = 0;
        const char *d;
        size_t l;
        /* the entry's own fields, then the shared ones of its context */
        for (const uint8_t *p = rec; p; p = p == rec ? ctx : NULL)
                for (size_t pos = JF_RECORD_HEADER_SIZE; c < n && jf_record_next_field(p, &pos, &d, &l) > 0;) {
                        const char *eq = memchr(d, '=', l);
                        r->fields[c++] = (JournalRecordField) { .data = d, .len = l, .name_len = eq ? (size_t)(eq - d) : l };
                }
        *ret = (JournalRecord) {
                .seqnum = le64toh(v[0]),
                .realtime = le64toh(v[1]),
                .monotonic = le64toh(v[2]),
                .n_fields = c,
                .fields = r->fields,
        };
        memcpy(ret->boot_id, rec + 40, 16);
        memcpy(ret->seqnum_id, f->header.seqnum_id, 16);
        return 1;
}

static size_t file_index(const JournalReader *r, const RFile *f) {
        return f->pos < r->n_f && r->f[f->pos] == f ? f->pos : SIZE_MAX;
}

void journal_reader_seek_head(JournalReader *r) {
        r->gap_file = r->n_f > 0 ? r->f[0] : NULL;
        r->gap_idx = 0;
        r->at_tail = false;
}

void journal_reader_seek_tail(JournalReader *r) {
        r->gap_file = NULL;
        r->at_tail = true;
}

static int check(JournalReader *r, RFile *f, size_t i, JournalRecord *ret) {
        JfIdx *x = idx_at(f, i);
        if (!prefilter(r, x) || !jf_idx_verify(x))
                return 0;
        int q = read_entry(r, f, i, ret);
        if (q <= 0)
                return q;
        return entry_matches(r, ret);
}

int journal_reader_next(JournalReader *r, JournalRecord *ret) {
        size_t fi, ei;
        if (r->at_tail) {
                /* At the tail: only what was appended after the seek (follow mode). */
                if (r->n_f == 0)
                        return 0;
                RFile *last = r->f[r->n_f - 1];
                int q = rfile_load(last);
                if (q < 0)
                        return q;
                r->at_tail = false;
                r->gap_file = last;
                r->gap_idx = last->n_idx;
        }
        if (!r->gap_file) {
                if (r->n_f == 0)
                        return 0;
                r->gap_file = r->f[0];
                r->gap_idx = 0;
        }
        fi = file_index(r, r->gap_file);
        if (fi == SIZE_MAX)
                return -ESTALE;
        ei = r->gap_idx;
        for (; fi < r->n_f; fi++, ei = 0) {
                RFile *f = r->f[fi];
                int q = rfile_load(f);
                if (q < 0)
                        return q;
                for (; ei < f->n_idx; ei++) {
                        r->gap_file = f;
                        r->gap_idx = ei + 1;
                        q = check(r, f, ei, ret);
                        if (q != 0)
                                return q;
                }
                r->gap_file = f;
                r->gap_idx = f->n_idx;
        }
        return 0;
}

int journal_reader_previous(JournalReader *r, JournalRecord *ret) {
        size_t fi, ei;
        if (r->n_f == 0)
                return 0;
        if (r->at_tail || !r->gap_file) {
                RFile *last = r->f[r->n_f - 1];
                int q = rfile_load(last);
                if (q < 0)
                        return q;
                r->at_tail = false;
                r->gap_file = last;
                r->gap_idx = last->n_idx;
        }
        fi = file_index(r, r->gap_file);
        if (fi == SIZE_MAX)
                return -ESTALE;
        ei = r->gap_idx;
        for (;;) {
                RFile *f = r->f[fi];
                int q = rfile_load(f);
                if (q < 0)
                        return q;
                if (ei > f->n_idx)
                        ei = f->n_idx;
                while (ei > 0) {
                        ei--;
                        r->gap_file = f;
                        r->gap_idx = ei;
                        q = check(r, f, ei, ret);
                        if (q != 0)
                                return q;
                }
                if (fi == 0)
                        return 0;
                fi--;
                ei = SIZE_MAX;
        }
}

int journal_reader_seek_realtime(JournalReader *r, uint64_t usec) {
        /* Files are in time order: the first file whose last entry is >= usec, then bisect in it. */
        for (size_t fi = 0; fi < r->n_f; fi++) {
                RFile *f = r->f[fi];
                int q = rfile_load(f);
                if (q < 0)
                        return q;
                if (f->n_idx == 0 || verified(f, f->n_idx - 1)->realtime < usec)
                        continue;
                size_t lo = 0, hi = f->n_idx;
                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;
                        if (verified(f, mid)->realtime < usec)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                r->gap_file = f;
                r->gap_idx = lo;
                r->at_tail = false;
                return 0;
        }
        journal_reader_seek_tail(r);
        return 0;
}

int journal_reader_refresh(JournalReader *r) {
        for (size_t i = 0; i < r->n_f; i++)
                r->f[i]->seen = false;
        int q = scan_sources(r);
        if (q < 0)
                return q;
        /* Files deleted meanwhile (vacuum) stay open and readable; they are dropped when not
         * holding the position. */
        size_t j = 0;
        for (size_t i = 0; i < r->n_f; i++) {
                if (!r->f[i]->seen && r->f[i] != r->gap_file) {
                        rfile_free(r->f[i]);
                        continue;
                }
                r->f[i]->pos = j;
                r->f[j++] = r->f[i];
        }
        r->n_f = j;
        for (size_t i = 0; i < r->n_f; i++)
                if (r->f[i]->loaded) {
                        q = rfile_load(r->f[i]);
                        if (q < 0)
                                return q;
                }
        return 0;
}

int journal_reader_wait(JournalReader *r, uint64_t timeout_usec) {
        if (r->inotify_fd < 0) {
                r->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (r->inotify_fd < 0)
                        return -errno;
                uint32_t mask = IN_CREATE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE;
                STRV_FOREACH(d, r->dirs)
                        (void) inotify_add_watch(r->inotify_fd, *d, mask | IN_ONLYDIR);
                STRV_FOREACH(p, r->files)
                        (void) inotify_add_watch(r->inotify_fd, *p, IN_MODIFY);
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

static int cmp_boot_first(const void *a, const void *b) {
        const JournalBoot *x = a, *y = b;
        if (x->first != y->first)
                return x->first < y->first ? -1 : 1;
        return memcmp(x->id, y->id, 16);
}

int journal_reader_list_boots(JournalReader *r, JournalBoot **ret, size_t *ret_n) {
        JournalBoot *l = NULL;
        size_t n = 0, cap = 0;
        _cleanup_free_ uint8_t *rec = NULL;
        size_t rec_size = 0;
        _cleanup_(strv_builder_done) StrvBuilder keys = {0};   /* the boot IDs in hex, keys of by_id */
        Hashmap *by_id = hashmap_new();                        /* boot ID → its index in l + 1 */
        int q = by_id ? 0 : -ENOMEM;
        for (size_t fi = 0; q >= 0 && fi < r->n_f; fi++) {
                RFile *f = r->f[fi];
                if ((q = rfile_load(f)) < 0)
                        break;
                uint32_t cur_hash = 0;
                JournalBoot *cur = NULL;
                for (size_t i = 0; q >= 0 && i < f->n_idx; i++) {
                        JfIdx *x = idx_at(f, i);
                        if (!jf_idx_verify(x))
                                continue;
                        if (!cur || x->boot_hash != cur_hash) {
                                ssize_t k = jf_record_read(f->fd, x->offset, &rec, &rec_size);
                                if (k == -ENOMEM) {
                                        q = -ENOMEM;
                                        break;
                                }
                                if (k <= 0)
                                        continue;
                                char hex[33];
                                for (int b = 0; b < 16; b++)
                                        snprintf(hex + 2 * b, 3, "%02x", rec[40 + b]);
                                size_t at = (size_t)(uintptr_t)hashmap_get(by_id, hex);
                                if (!at) {
                                        if (n == cap) {
                                                size_t nc = cap ? cap * 2 : 16;
                                                JournalBoot *nl = realloc(l, nc * sizeof *nl);
                                                if (!nl) {
                                                        q = -ENOMEM;
                                                        break;
                                                }
                                                l = nl;
                                                cap = nc;
                                        }
                                        if ((q = strv_builder_extend(&keys, hex)) < 0 ||
                                            (q = hashmap_put(by_id, keys.l[keys.n - 1], (void *)(uintptr_t)(n + 1))) < 0)
                                                break;
                                        l[n] = (JournalBoot) { .first = x->realtime, .last = x->realtime };
                                        memcpy(l[n].id, rec + 40, 16);
                                        at = ++n;
                                }
                                cur = &l[at - 1];
                                cur_hash = x->boot_hash;
                        }
                        if (x->realtime < cur->first) cur->first = x->realtime;
                        if (x->realtime > cur->last) cur->last = x->realtime;
                }
        }
        hashmap_free(by_id);
        if (q < 0) {
                free(l);
                return q;
        }
        /* Oldest boot first, by its first entry. */
        if (n > 1)
                qsort(l, n, sizeof *l, cmp_boot_first);
        *ret = l;
        *ret_n = n;
        return 0;
}
