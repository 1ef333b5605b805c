/* SPDX-License-Identifier: MIT */
/* Read access to systemd journal files (see journal-file.h). Nothing read from a file is trusted:
 * every offset is checked against the mapped size and the header before it is followed, chains
 * must move strictly forward (hash chains, entry array chains) or strictly backward (a field's
 * data chain), so every walk ends after at most size/8 steps. */
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "base/id128.h"
#include "base/util.h"
#include "journal/journal-file.h"
#include "journal/journal-hash.h"
#include "journal/journal-sigbus.h"

/* ---- names ---- */

int jf_archived_name(const uint8_t seqnum_id[16], uint64_t head_seqnum, uint64_t head_realtime, char ret[static 128]) {
        char id[33];
        snprintf(ret, 128, "system@%s-%016" PRIx64 "-%016" PRIx64 ".journal", id128_to_string(seqnum_id, id),
                 head_seqnum, head_realtime);
        return 0;
}

int jf_disposed_name(uint64_t now_realtime, char ret[static 128]) {
        uint64_t rnd;
        if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
                rnd = now_realtime ^ ((uint64_t)getpid() << 32);
        snprintf(ret, 128, "system@%016" PRIx64 "-%016" PRIx64 ".journal~", now_realtime, rnd);
        return 0;
}

bool jf_name_is_journal(const char *name) {
        return name[0] != '.' && (endswith(name, ".journal") || endswith(name, ".journal~"));
}

static int parse_hex64(const char *s, uint64_t *ret) {
        uint64_t v = 0;
        for (int i = 0; i < 16; i++) {
                int c = s[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0)
                        return -EINVAL;
                v = v << 4 | (uint64_t)d;
        }
        *ret = v;
        return 0;
}

int jf_name_parse_archived(const char *name, uint8_t ret_seqnum_id[16], uint64_t *ret_seqnum, uint64_t *ret_realtime) {
        const char *p = strchr(name, '@');
        if (!p)
                return -EINVAL;
        p++;
        /* <32 hex>-<16 hex>-<16 hex>.journal */
        if (strlen(p) == 32 + 1 + 16 + 1 + 16 + 8 && streq(p + 66, ".journal") && p[32] == '-' && p[49] == '-') {
                char id[33];
                memcpy(id, p, 32);
                id[32] = 0;
                if (id128_from_string(id, ret_seqnum_id) < 0 || parse_hex64(p + 33, ret_seqnum) < 0 ||
                    parse_hex64(p + 50, ret_realtime) < 0)
                        return -EINVAL;
                return 0;
        }
        /* <16 hex>-<16 hex>.journal~ */
        if (strlen(p) == 16 + 1 + 16 + 9 && streq(p + 33, ".journal~") && p[16] == '-') {
                memset(ret_seqnum_id, 0, 16);
                *ret_seqnum = 0;
                return parse_hex64(p, ret_realtime);
        }
        return -EINVAL;
}

/* ---- header ---- */

void jf_header_decode(const void *raw, JfHeader *h) {
        memcpy(h, raw, sizeof *h);
        h->compatible_flags = le32toh(h->compatible_flags);
        h->incompatible_flags = le32toh(h->incompatible_flags);
        uint64_t *v = &h->header_size;
        for (size_t i = 0; i < (offsetof(JfHeader, tail_entry_array_offset) - offsetof(JfHeader, header_size)) / 8; i++)
                v[i] = le64toh(v[i]);
        h->tail_entry_array_offset = le32toh(h->tail_entry_array_offset);
        h->tail_entry_array_n_entries = le32toh(h->tail_entry_array_n_entries);
        /* fields the file's header does not have read as 0 */
        if (h->header_size < sizeof *h)
                memset((uint8_t *)h + h->header_size, 0, sizeof *h - h->header_size);
}

void jf_header_encode(const JfHeader *h, void *raw) {
        JfHeader t = *h;
        t.compatible_flags = htole32(t.compatible_flags);
        t.incompatible_flags = htole32(t.incompatible_flags);
        uint64_t *v = &t.header_size;
        for (size_t i = 0; i < (offsetof(JfHeader, tail_entry_array_offset) - offsetof(JfHeader, header_size)) / 8; i++)
                v[i] = htole64(v[i]);
        t.tail_entry_array_offset = htole32(t.tail_entry_array_offset);
        t.tail_entry_array_n_entries = htole32(t.tail_entry_array_n_entries);
        memcpy(raw, &t, sizeof t);
}

/* Check a decoded header against the file size. */
static int header_check(const JfHeader *h, uint64_t size) {
        if (memcmp(h->signature, JF_SIGNATURE, 8) != 0)
                return -EBADMSG;
        if (h->incompatible_flags & ~JF_INCOMPAT_KNOWN)
                return -EPROTONOSUPPORT;
        if (h->header_size < JF_HEADER_SIZE_MIN || h->header_size % 8 != 0 || h->header_size > size)
                return -EBADMSG;
        if (h->arena_size > size - h->header_size)
                return -ENODATA;   /* the header promises more than the file holds */
        uint64_t end = h->header_size + h->arena_size;
        if (h->tail_object_offset > end || h->tail_object_offset % 8 || h->entry_array_offset % 8 ||
            h->data_hash_table_offset % 8 || h->field_hash_table_offset % 8)
                return -EBADMSG;
        if (h->data_hash_table_size % sizeof(JfHashItem) || h->field_hash_table_size % sizeof(JfHashItem) ||
            h->data_hash_table_offset > end || h->data_hash_table_size > end - h->data_hash_table_offset ||
            h->field_hash_table_offset > end || h->field_hash_table_size > end - h->field_hash_table_offset)
                return -EBADMSG;
        return 0;
}

static int map_file(JournalFile *f, uint64_t size) {
        long psz = sysconf(_SC_PAGESIZE);
        size_t len = (size_t)((size + (uint64_t)psz - 1) & ~(uint64_t)(psz - 1));
        if (len == 0)
                return -EBADMSG;
        void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, f->fd, 0);
        if (m == MAP_FAILED)
                return -errno;
        if (f->map) {
                munmap((void *)f->map, f->map_len);
                journal_sigbus_update(f->sigbus_slot, m, len);
        } else
                f->sigbus_slot = journal_sigbus_register(m, len);
        f->map = m;
        f->map_len = len;
        f->size = size;
        return 0;
}

/* Take a snapshot of the header. A writer may be committing meanwhile: the header it writes last
 * may name objects the file size seen before did not cover yet (the file grew just before), and
 * a copy taken while the writer's copy runs may be torn. So: the size is looked at again after
 * the header is read, and two copies must agree; a few tries, then the file counts as damaged. */
static int load_header(JournalFile *f) {
        int r = -EBADMSG;
        for (int attempt = 0; attempt < 8; attempt++) {
                uint8_t a[sizeof(JfHeader)] = {}, b[sizeof(JfHeader)] = {};
                size_t n = f->size < sizeof a ? (size_t)f->size : sizeof a;
                if (f->size < JF_HEADER_SIZE_MIN)
                        return -EBADMSG;
                memcpy(a, f->map, n);
                memcpy(b, f->map, n);
                if (journal_sigbus_hit(f->sigbus_slot))
                        return -EIO;
                JfHeader h;
                jf_header_decode(a, &h);
                r = memcmp(a, b, n) == 0 ? header_check(&h, f->size) : -EAGAIN;
                if (r >= 0) {
                        f->header = h;
                        f->keyed = h.incompatible_flags & JF_INCOMPAT_KEYED_HASH;
                        f->compact = h.incompatible_flags & JF_INCOMPAT_COMPACT;
                        f->n_buckets = h.data_hash_table_size / sizeof(JfHashItem);
                        f->n_field_buckets = h.field_hash_table_size / sizeof(JfHashItem);
                        return 0;
                }
                if (r == -EPROTONOSUPPORT)
                        return r;
                struct stat st;
                if (fstat(f->fd, &st) < 0)
                        return -errno;
                if ((uint64_t)st.st_size > f->size && map_file(f, (uint64_t)st.st_size) < 0)
                        return r;
        }
        return r == -EAGAIN ? -EBADMSG : r;
}

int journal_file_open(const char *path, JournalFile **ret) {
        struct stat st;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADMSG;
        if ((uint64_t)st.st_size < JF_HEADER_SIZE_MIN)
                return -EBADMSG;
        JournalFile *f = calloc(1, sizeof *f);
        if (!f)
                return -ENOMEM;
        f->fd = TAKE_FD(fd);
        f->sigbus_slot = -1;
        f->dev = st.st_dev;
        f->ino = st.st_ino;
        f->path = strdup(path);
        int r = f->path ? map_file(f, (uint64_t)st.st_size) : -ENOMEM;
        if (r >= 0)
                r = load_header(f);
        if (r < 0) {
                journal_file_close(f);
                return r;
        }
        *ret = f;
        return 0;
}

int journal_file_refresh(JournalFile *f) {
        struct stat st;
        if (fstat(f->fd, &st) < 0)
                return -errno;
        uint64_t size = (uint64_t)st.st_size;
        if (size < f->size)
                return -EIO;   /* truncated: journal files only grow */
        if (size > f->size || size > f->map_len) {
                int r = map_file(f, size);
                if (r < 0)
                        return r;
        }
        JfHeader old = f->header;
        int r = load_header(f);
        if (r < 0)
                return r;
        return memcmp(&old, &f->header, sizeof old) != 0;
}

JournalFile *journal_file_close(JournalFile *f) {
        if (!f)
                return NULL;
        if (f->map) {
                journal_sigbus_unregister(f->sigbus_slot);
                munmap((void *)f->map, f->map_len);
        }
        if (f->fd >= 0)
                close(f->fd);
        free(f->path);
        free(f);
        return NULL;
}

bool journal_file_broken(const JournalFile *f) {
        return journal_sigbus_hit(f->sigbus_slot);
}

/* ---- objects ---- */

static uint64_t min_object_size(const JournalFile *f, int type) {
        switch (type) {
        case JF_OBJECT_DATA:
                return jf_data_payload_offset(f->compact);
        case JF_OBJECT_FIELD:
                return JF_FIELD_PAYLOAD;
        case JF_OBJECT_ENTRY:
                return JF_ENTRY_ITEMS;
        case JF_OBJECT_DATA_HASH_TABLE:
        case JF_OBJECT_FIELD_HASH_TABLE:
                return JF_HASH_TABLE_ITEMS;
        case JF_OBJECT_ENTRY_ARRAY:
                return JF_ENTRY_ARRAY_ITEMS;
        default:
                return sizeof(JfObjectHeader);
        }
}

int journal_file_object(const JournalFile *f, uint64_t offset, int type, const void **ret) {
        if (offset % 8 != 0 || offset < f->header.header_size || offset > f->size ||
            f->size - offset < sizeof(JfObjectHeader))
                return -EBADMSG;
        const JfObjectHeader *o = (const JfObjectHeader *)(f->map + offset);
        uint64_t size = le64toh(o->size);
        if (o->type == JF_OBJECT_UNUSED || o->type >= _JF_OBJECT_MAX || (type != JF_OBJECT_UNUSED && o->type != type))
                return -EBADMSG;
        if (size < min_object_size(f, o->type) || size > f->size - offset)
                return -EBADMSG;
        *ret = o;
        return 0;
}

uint64_t journal_file_entry_n_items(const JournalFile *f, const JfEntryObject *e) {
        return (le64toh(e->object.size) - JF_ENTRY_ITEMS) / jf_entry_item_size(f->compact);
}

uint64_t journal_file_entry_item(const JournalFile *f, const JfEntryObject *e, uint64_t i) {
        const uint8_t *items = (const uint8_t *)e + JF_ENTRY_ITEMS;
        if (f->compact) {
                uint32_t v;
                memcpy(&v, items + i * 4, 4);
                return le32toh(v);
        }
        uint64_t v;
        memcpy(&v, items + i * 16, 8);
        return le64toh(v);
}

int journal_file_data_payload(const JournalFile *f, uint64_t offset, const uint8_t **ret, size_t *ret_len) {
        const JfDataObject *d;
        int r = journal_file_object(f, offset, JF_OBJECT_DATA, (const void **)&d);
        if (r < 0)
                return r;
        if (d->object.flags & JF_OBJECT_COMPRESSED_MASK)
                return -EPROTONOSUPPORT;
        uint64_t po = jf_data_payload_offset(f->compact);
        *ret = (const uint8_t *)d + po;
        *ret_len = (size_t)(le64toh(d->object.size) - po);
        return 0;
}

uint64_t journal_file_hash(const JournalFile *f, const void *data, size_t len) {
        return journal_hash_data(data, len, f->keyed, f->header.file_id);
}

static uint64_t hash_head(const JournalFile *f, uint64_t table, uint64_t n, uint64_t hash) {
        if (n == 0)
                return 0;
        const JfHashItem *it = (const JfHashItem *)(f->map + table) + hash % n;
        return le64toh(it->head_hash_offset);
}

int journal_file_find_data(const JournalFile *f, const void *payload, size_t len, uint64_t *ret_offset) {
        uint64_t h = journal_file_hash(f, payload, len);
        for (uint64_t p = hash_head(f, f->header.data_hash_table_offset, f->n_buckets, h), prev = 0; p;) {
                const JfDataObject *d;
                if (p <= prev || journal_file_object(f, p, JF_OBJECT_DATA, (const void **)&d) < 0)
                        return 0;   /* a loop or damage: nothing more to find here */
                const uint8_t *pl;
                size_t pl_len;
                if (le64toh(d->hash) == h && journal_file_data_payload(f, p, &pl, &pl_len) >= 0 && pl_len == len &&
                    memcmp(pl, payload, len) == 0) {
                        *ret_offset = p;
                        return 1;
                }
                prev = p;
                p = le64toh(d->next_hash_offset);
        }
        return 0;
}

int journal_file_find_field(const JournalFile *f, const void *name, size_t len, uint64_t *ret_offset) {
        uint64_t h = journal_file_hash(f, name, len);
        for (uint64_t p = hash_head(f, f->header.field_hash_table_offset, f->n_field_buckets, h), prev = 0; p;) {
                const JfFieldObject *o;
                if (p <= prev || journal_file_object(f, p, JF_OBJECT_FIELD, (const void **)&o) < 0)
                        return 0;
                if (le64toh(o->hash) == h && le64toh(o->object.size) - JF_FIELD_PAYLOAD == len &&
                    memcmp((const uint8_t *)o + JF_FIELD_PAYLOAD, name, len) == 0) {
                        *ret_offset = p;
                        return 1;
                }
                prev = p;
                p = le64toh(o->next_hash_offset);
        }
        return 0;
}

/* ---- entry lists ---- */

void jf_list_done(JfList *l) {
        free(l->arrays);
        *l = (JfList) {};
}

static int list_push(JfList *l, uint64_t offset, uint64_t first, uint64_t n_items) {
        if (l->n_arrays == l->cap_arrays) {
                size_t nc = l->cap_arrays ? l->cap_arrays * 2 : 8;
                struct JfListArray *na = realloc(l->arrays, nc * sizeof *na);
                if (!na)
                        return -ENOMEM;
                l->arrays = na;
                l->cap_arrays = nc;
        }
        l->arrays[l->n_arrays++] = (struct JfListArray) { .offset = offset, .first = first, .n_items = n_items };
        return 0;
}

static uint64_t array_items(const JournalFile *f, uint64_t a) {
        const JfEntryArrayObject *o;
        if (journal_file_object(f, a, JF_OBJECT_ENTRY_ARRAY, (const void **)&o) < 0)
                return 0;
        return (le64toh(o->object.size) - JF_ENTRY_ARRAY_ITEMS) / jf_array_item_size(f->compact);
}

/* Walk the chain of arrays from l->chain holding the list's items. A chain that ends early or
 * loops is cut there: the list is as long as what can be read. */
static int list_walk(const JournalFile *f, JfList *l) {
        uint64_t n_total = l->n - l->index0, have = 0, prev = 0;
        l->n_arrays = 0;
        for (uint64_t a = l->chain; a && have < n_total;) {
                const JfEntryArrayObject *o;
                uint64_t items = a > prev ? array_items(f, a) : 0;
                if (items == 0)
                        break;
                uint64_t used = items < n_total - have ? items : n_total - have;
                int r = list_push(l, a, l->index0 + have, used);
                if (r < 0)
                        return r;
                have += used;
                prev = a;
                (void) journal_file_object(f, a, JF_OBJECT_ENTRY_ARRAY, (const void **)&o);
                a = le64toh(o->next_entry_array_offset);
        }
        l->n = l->index0 + have;
        l->chain = 0;
        return 0;
}

/* Start a list: only its tail array when the file names it (and it fits), else the whole chain. */
static int list_start(const JournalFile *f, JfList *l, uint64_t chain, uint64_t n_total, uint64_t tail,
                      uint64_t tail_n) {
        l->n = l->index0 + n_total;
        l->chain = chain;
        if (n_total == 0)
                return 0;
        if (tail && tail_n > 0 && tail_n <= n_total && tail_n <= array_items(f, tail))
                return list_push(l, tail, l->n - tail_n, tail_n);
        return list_walk(f, l);
}

int journal_file_list_main(const JournalFile *f, JfList *ret) {
        *ret = (JfList) {};
        const JfHeader *h = &f->header;
        bool tail = h->header_size >= offsetof(JfHeader, tail_entry_array_n_entries) + 4;
        return list_start(f, ret, h->entry_array_offset, h->n_entries, tail ? h->tail_entry_array_offset : 0,
                          tail ? h->tail_entry_array_n_entries : 0);
}

int journal_file_list_data(const JournalFile *f, uint64_t data_offset, JfList *ret) {
        const JfDataObject *d;
        *ret = (JfList) {};
        int r = journal_file_object(f, data_offset, JF_OBJECT_DATA, (const void **)&d);
        if (r < 0)
                return r;
        uint64_t n = le64toh(d->n_entries), first = le64toh(d->entry_offset), tail = 0, tail_n = 0;
        if (n == 0 || first == 0)
                return 0;
        ret->inline_entry = first;
        ret->index0 = 1;
        if (f->compact) {
                uint32_t t[2];
                memcpy(t, (const uint8_t *)d + JF_DATA_PAYLOAD_REGULAR, 8);
                tail = le32toh(t[0]);
                tail_n = le32toh(t[1]);
        }
        return list_start(f, ret, le64toh(d->entry_array_offset), n - 1, tail, tail_n);
}

uint64_t journal_file_list_get(const JournalFile *f, JfList *l, uint64_t i) {
        if (i >= l->n)
                return 0;
        if (l->inline_entry && i == 0)
                return l->inline_entry;
        if (l->chain && (l->n_arrays == 0 || i < l->arrays[0].first) && list_walk(f, l) < 0)
                return 0;
        if (i >= l->n)
                return 0;
        /* the array holding index i: the last one whose first <= i */
        size_t lo = 0, hi = l->n_arrays;
        while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (l->arrays[mid].first <= i)
                        lo = mid;
                else
                        hi = mid;
        }
        if (l->n_arrays == 0)
                return 0;
        const struct JfListArray *a = &l->arrays[lo];
        if (i < a->first || i - a->first >= a->n_items)
                return 0;
        uint64_t k = i - a->first, isz = jf_array_item_size(f->compact);
        uint64_t at = a->offset + JF_ENTRY_ARRAY_ITEMS + k * isz;
        if (at + isz > f->size)
                return 0;
        if (f->compact) {
                uint32_t v;
                memcpy(&v, f->map + at, 4);
                return le32toh(v);
        }
        uint64_t v;
        memcpy(&v, f->map + at, 8);
        return le64toh(v);
}

uint64_t journal_file_list_lower_bound(const JournalFile *f, JfList *l, uint64_t offset) {
        uint64_t lo = 0, hi = l->n;
        /* past the newest entry (a seek to the tail): no bisection through the whole chain */
        if (hi > 0) {
                uint64_t last = journal_file_list_get(f, l, hi - 1);
                if (last != 0 && last < offset)
                        return hi;
        }
        while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                uint64_t v = journal_file_list_get(f, l, mid);
                if (v != 0 && v < offset)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}
