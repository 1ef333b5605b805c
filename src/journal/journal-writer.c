/* SPDX-License-Identifier: MIT */
/* The journal file writer (see journal-writer.h for the commit protocol).
 *
 * Addresses: the file's bytes [0, committed) are committed and read through the shared mapping;
 * the batch's new objects are the bytes [committed, committed + buf_len) and live in `buf` until
 * the commit writes them. A word of a committed object that the batch changes is kept in the
 * overlay (offset -> value) and written at the commit; rd64()/wr64() hide the three places. The
 * header is kept whole in memory (`h`) and written with the commit.
 *
 * Slots of an entry array beyond its count are invisible to readers: those the batch fills in a
 * committed array are kept as runs (array slots in a row, their values) rather than as overlay
 * words, and go out in the same preadv() as the words, which readers do see (links, counters).
 *
 * A data object's own counters (n_entries, its first entry, its chain's head and compact tail)
 * live in its data cache entry while the batch uses it and reach the object (in the batch buffer,
 * or as overlay words) when the entry is evicted or at the commit.
 *
 * Per entry: one hash (SipHash, keyed by the file id, plus lookup3 for the entry's xor_hash) per
 * field that is not in the data cache or in a shared block, a bucket walk for each of those, and
 * O(1) work per field to link the entry into the data object's entry arrays (the tail array of a
 * cached data object is known; an uncached one's is found by walking its chain, O(log n) arrays
 * while they double, then O(n / JW_ARRAY_CAP_MAX)). */
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include "base/id128.h"
#include "base/util.h"
#include "journal/journal-hash.h"
#include "journal/journal-sigbus.h"
#include "journal/journal-writer.h"

#define JW_DC_WAYS 4U
#define JW_DC_SETS 256U                 /* data cache: 1024 data objects */
#define JW_FC_SIZE 512U                 /* field cache slots (> the 249 fields of a full table) */
#define JW_SHARED_SLOTS 16U             /* shared-field blocks remembered */
#define JW_SHARED_MAX (8U * 1024U)      /* bytes of one remembered block */
#define JW_ARRAY_CAP_MAX 4096U          /* items per entry array: doubling stops here */
#define JW_MAP_SLACK (UINT64_C(64) * 1024 * 1024)
#define JW_IOV_MAX 1024U

/* A data object the writer has used recently. */
typedef struct DcEntry {
        uint64_t offset;        /* 0: free */
        uint64_t hash;          /* the file's hash of the payload */
        uint64_t jhash;         /* lookup3, for the entry's xor_hash */
        uint64_t n_entries, entry_offset, first_array;   /* the object's counters (state_known) */
        uint64_t tail;          /* the last entry array of its chain (0: none) */
        uint64_t tail_first;    /* array index of the tail's first item */
        uint32_t tail_cap;      /* items in the tail array */
        uint32_t len;           /* payload bytes */
        uint32_t stamp;
        uint32_t run, run_gen;  /* its slot run in this batch (run_gen == the batch's) */
        uint8_t dirty_from;     /* the first changed counter: 0 entry_offset, 1 entry_array_offset, 2 n_entries */
        bool state_known, dirty;
} DcEntry;

typedef struct OvSlot {
        uint64_t off;
        uint64_t val;
        uint32_t gen;
} OvSlot;

/* Slots the batch fills in a committed entry array, in a row from `at`. */
typedef struct SlotRun {
        uint64_t at;
        uint8_t *vals;
        uint32_t n, cap;        /* bytes */
} SlotRun;

/* The trailing fields of an earlier entry and the data objects they resolved to. */
typedef struct SharedBlock {
        size_t n, len;
        uint8_t *bytes;         /* the fields back to back */
        uint32_t *lens;
        uint64_t *offsets;
        uint64_t *hashes;
        uint64_t *jhashes;
} SharedBlock;

typedef struct Item {
        uint64_t offset, hash, jhash;
        DcEntry *dc;
} Item;

struct JournalWriter {
        int dir_fd, fd, memfd;
        char *name;
        uint8_t *map;
        size_t map_len;
        int sigbus_slot;
        JfHeader h, hc;          /* the header now, and as last committed (host-endian) */
        bool compact, keyed, broken;
        uint64_t n_buckets, n_field_buckets, max_size;
        uint64_t committed, file_size;
        uint8_t *buf;
        size_t buf_len, buf_cap;
        OvSlot *ov;
        size_t ov_cap, ov_n;
        uint32_t ov_gen;
        SlotRun *runs;
        size_t n_runs, cap_runs;
        uint32_t batch_gen, main_run, main_run_gen;
        uint64_t batch_entries, last_drop, touched;   /* touched: pieces committed since the last drop */
        uint64_t last_commit;                          /* CLOCK_MONOTONIC, us */
        uint64_t walked_item, walked_last;             /* the bucket hash_find() walked last, its last object */
        DcEntry *dc;
        uint32_t dc_clock;
        uint32_t *dirty;         /* indexes of dc entries changed in this batch (some may be clean again) */
        size_t n_dirty, cap_dirty;
        struct { uint64_t hash, offset; } *fc;
        SharedBlock sb[JW_SHARED_SLOTS];
        unsigned sb_next;
        Item *items;
        size_t items_cap;
};

/* ---- byte access ---- */

static inline uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return le64toh(v); }
static inline void put64(uint8_t *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }
static inline void put32(uint8_t *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }

static uint64_t end_offset(const JournalWriter *w) {
        return w->committed + w->buf_len;
}

/* The object bytes at off: in the batch, or committed (the caller checked the bounds). */
static const uint8_t *ptr(const JournalWriter *w, uint64_t off) {
        return off >= w->committed ? w->buf + (off - w->committed) : w->map + off;
}

static size_t ov_hash(uint64_t off, size_t cap) {
        return (size_t)((off >> 3) * UINT64_C(0x9e3779b97f4a7c15) >> 20) & (cap - 1);
}

static OvSlot *ov_find(const JournalWriter *w, uint64_t off) {
        if (w->ov_cap == 0)
                return NULL;
        for (size_t i = ov_hash(off, w->ov_cap);; i = (i + 1) & (w->ov_cap - 1)) {
                OvSlot *s = &w->ov[i];
                if (s->gen != w->ov_gen)
                        return NULL;
                if (s->off == off)
                        return s;
        }
}

static int ov_grow(JournalWriter *w) {
        size_t nc = w->ov_cap ? w->ov_cap * 2 : 256;
        OvSlot *n = calloc(nc, sizeof *n);
        if (!n)
                return -ENOMEM;
        for (size_t i = 0; i < w->ov_cap; i++) {
                OvSlot *s = &w->ov[i];
                if (s->gen != w->ov_gen)
                        continue;
                size_t j = ov_hash(s->off, nc);
                while (n[j].gen == 1)
                        j = (j + 1) & (nc - 1);
                n[j] = *s;
                n[j].gen = 1;
        }
        free(w->ov);
        w->ov = n;
        w->ov_cap = nc;
        w->ov_gen = 1;
        return 0;
}

static int ov_put(JournalWriter *w, uint64_t off, uint64_t val) {
        OvSlot *s = ov_find(w, off);
        if (s) {
                s->val = val;
                return 0;
        }
        if ((w->ov_n + 1) * 2 > w->ov_cap) {
                int r = ov_grow(w);
                if (r < 0)
                        return r;
        }
        size_t i = ov_hash(off, w->ov_cap);
        while (w->ov[i].gen == w->ov_gen)
                i = (i + 1) & (w->ov_cap - 1);
        w->ov[i] = (OvSlot) { .off = off, .val = val, .gen = w->ov_gen };
        w->ov_n++;
        return 0;
}

static void ov_reset(JournalWriter *w) {
        w->ov_n = 0;
        if (++w->ov_gen == 0) {   /* wrapped: old slots would look current */
                memset(w->ov, 0, w->ov_cap * sizeof *w->ov);
                w->ov_gen = 1;
        }
}

/* The 8-byte word at off (8-aligned) as the batch sees it. */
static uint64_t rd64(const JournalWriter *w, uint64_t off) {
        if (off >= w->committed)
                return get64(w->buf + (off - w->committed));
        const OvSlot *s = ov_find(w, off);
        return s ? s->val : get64(w->map + off);
}

static int wr64(JournalWriter *w, uint64_t off, uint64_t v) {
        if (off >= w->committed) {
                put64(w->buf + (off - w->committed), v);
                return 0;
        }
        return ov_put(w, off, v);
}

/* An object of the file (committed or in the batch) checked like a reader checks it. */
static int object_at(const JournalWriter *w, uint64_t off, int type, uint64_t min_size, uint64_t *ret_size) {
        uint64_t end = end_offset(w);
        if (off % 8 || off < w->h.header_size || off >= end || end - off < min_size)
                return -EBADMSG;
        const uint8_t *p = ptr(w, off);
        uint64_t size = get64(p + 8);
        if (p[0] != type || size < min_size || size > end - off)
                return -EBADMSG;
        if (off < w->committed && journal_sigbus_hit(w->sigbus_slot))
                return -EIO;
        if (ret_size)
                *ret_size = size;
        return 0;
}

/* ---- new objects ---- */

static int buf_reserve(JournalWriter *w, size_t more) {
        if (w->buf_len + more <= w->buf_cap)
                return 0;
        size_t nc = w->buf_cap ? w->buf_cap : 64 * 1024;
        while (nc < w->buf_len + more)
                nc *= 2;
        uint8_t *n = realloc(w->buf, nc);
        if (!n)
                return -ENOMEM;
        w->buf = n;
        w->buf_cap = nc;
        return 0;
}

/* Append a zeroed object of `size` bytes to the batch: its offset, or 0 on ENOMEM. */
static uint64_t object_new(JournalWriter *w, int type, uint64_t size) {
        uint64_t sz = jf_align64(size);
        if (buf_reserve(w, (size_t)sz) < 0)
                return 0;
        uint64_t off = end_offset(w);
        uint8_t *p = w->buf + w->buf_len;
        memset(p, 0, (size_t)sz);
        p[0] = (uint8_t)type;
        put64(p + 8, size);
        w->buf_len += (size_t)sz;
        w->h.tail_object_offset = off;
        w->h.n_objects++;
        return off;
}

/* ---- hash tables ---- */

static uint64_t file_hash(const JournalWriter *w, const void *p, size_t len) {
        return journal_hash_data(p, len, w->keyed, w->h.file_id);
}

static bool payload_equal(const JournalWriter *w, uint64_t off, uint64_t payload_at, const void *p, size_t len) {
        return memcmp(ptr(w, off) + payload_at, p, len) == 0;
}

/* The first bytes of an object for a hash chain walk: from the batch, or read from the file with
 * pread(): a walk visits old objects all over the file, and reading them through the mapping
 * would map all of those pages into PID 1 (and fault on each). */
static int obj_peek(JournalWriter *w, uint64_t off, void *out, size_t len) {
        if (off >= w->committed) {
                memcpy(out, w->buf + (off - w->committed), len);
                return 0;
        }
        ssize_t k = pread(w->fd, out, len, (off_t)off);
        return k == (ssize_t)len ? 0 : k < 0 ? -errno : -EBADMSG;
}

static bool payload_matches(JournalWriter *w, uint64_t off, const void *p, size_t len) {
        if (off >= w->committed)
                return memcmp(w->buf + (off - w->committed), p, len) == 0;
        uint8_t small[256];
        _cleanup_free_ uint8_t *big = len > sizeof small ? malloc(len) : NULL;
        uint8_t *b = len > sizeof small ? big : small;
        return b && pread(w->fd, b, len, (off_t)off) == (ssize_t)len && memcmp(b, p, len) == 0;
}

/* Link the new object at off (data or field, `next_at`: offset of its next_hash_offset field within
 * the object) into the hash table at `table` with n buckets. */
static int hash_link(JournalWriter *w, int type, uint64_t table, uint64_t n, uint64_t hash, uint64_t off,
                     uint64_t next_at) {
        uint64_t item = table + (hash % n) * sizeof(JfHashItem);
        uint64_t tail = rd64(w, item + 8);
        int r;
        /* the bucket comes from the file: its tail must be an object of the chain's type. The walk of
         * hash_find() just before checked the chain's last object at least as strictly (type, size
         * >= its payload offset > next_at + 8, within the file); another tail is read with pread(),
         * as chain walks read (see obj_peek()). */
        bool walked = tail && item == w->walked_item && tail == w->walked_last && tail < off;
        uint8_t q[16];
        w->walked_item = w->walked_last = 0;
        if (tail && !walked &&
            (tail >= off || tail % 8 || tail < w->h.header_size || obj_peek(w, tail, q, sizeof q) < 0 || q[0] != type ||
             get64(q + 8) < next_at + 8 || get64(q + 8) > end_offset(w) - tail))
                return -EBADMSG;
        if (tail == 0)
                r = wr64(w, item, off);
        else
                r = wr64(w, tail + next_at, off);
        if (r >= 0)
                r = wr64(w, item + 8, off);
        return r;
}

/* Find the object with this payload in a hash chain: 1 (and *ret) found, 0 not there, -EBADMSG. */
static int hash_find(JournalWriter *w, bool data, uint64_t hash, const void *p, size_t len, uint64_t *ret) {
        uint64_t table = data ? w->h.data_hash_table_offset : w->h.field_hash_table_offset;
        uint64_t n = data ? w->n_buckets : w->n_field_buckets;
        uint64_t payload_at = data ? jf_data_payload_offset(w->compact) : JF_FIELD_PAYLOAD;
        uint64_t *depth_max = data ? &w->h.data_hash_chain_depth : &w->h.field_hash_chain_depth;
        uint64_t depth = 0, prev = 0, end = end_offset(w), item = table + (hash % n) * sizeof(JfHashItem);
        w->walked_item = w->walked_last = 0;
        for (uint64_t o = rd64(w, item); o;) {
                uint8_t q[32];   /* type, flags, size, hash, next_hash_offset */
                if (o <= prev || o % 8 || o < w->h.header_size || o + payload_at > end || obj_peek(w, o, q, sizeof q) < 0)
                        return -EBADMSG;
                uint64_t size = get64(q + 8);
                if (q[0] != (data ? JF_OBJECT_DATA : JF_OBJECT_FIELD) || size < payload_at || size > end - o)
                        return -EBADMSG;
                if (get64(q + 16) == hash && size - payload_at == len && !(data && (q[1] & JF_OBJECT_COMPRESSED_MASK)) &&
                    payload_matches(w, o + payload_at, p, len)) {
                        *ret = o;
                        return 1;
                }
                prev = o;
                /* next_hash_offset of data and field objects alike; the batch may have changed it */
                const OvSlot *ov = o < w->committed ? ov_find(w, o + 24) : NULL;
                o = ov ? ov->val : o >= w->committed ? rd64(w, o + 24) : get64(q + 24);
                if (o && ++depth > *depth_max)
                        *depth_max = depth;
        }
        w->walked_item = item;
        w->walked_last = prev;
        return 0;
}

/* ---- fields ---- */

static int field_get(JournalWriter *w, const char *name, size_t len, uint64_t *ret) {
        uint64_t hash = file_hash(w, name, len);
        size_t i = (size_t)hash & (JW_FC_SIZE - 1);
        for (size_t k = 0; k < JW_FC_SIZE; k++, i = (i + 1) & (JW_FC_SIZE - 1)) {
                if (w->fc[i].offset == 0)
                        break;
                if (w->fc[i].hash == hash && get64(ptr(w, w->fc[i].offset) + 8) - JF_FIELD_PAYLOAD == len &&
                    payload_equal(w, w->fc[i].offset, JF_FIELD_PAYLOAD, name, len)) {
                        *ret = w->fc[i].offset;
                        return 0;
                }
        }
        uint64_t off;
        int r = hash_find(w, false, hash, name, len, &off);
        if (r < 0)
                return r;
        if (r == 0) {
                off = object_new(w, JF_OBJECT_FIELD, JF_FIELD_PAYLOAD + len);
                if (!off)
                        return -ENOMEM;
                uint8_t *p = w->buf + (off - w->committed);
                put64(p + 16, hash);
                memcpy(p + JF_FIELD_PAYLOAD, name, len);
                r = hash_link(w, JF_OBJECT_FIELD, w->h.field_hash_table_offset, w->n_field_buckets, hash, off, 24);
                if (r < 0)
                        return r;
                w->h.n_fields++;
        }
        /* remember it (a full cache just stops remembering: the table has room for 2x the fields
         * a file may hold before it is rotated) */
        if (w->fc[i].offset == 0) {
                w->fc[i].hash = hash;
                w->fc[i].offset = off;
        }
        *ret = off;
        return 0;
}

/* ---- data objects ---- */

static DcEntry *dc_lookup(JournalWriter *w, uint64_t hash, uint64_t offset, const void *p, size_t len) {
        DcEntry *set = &w->dc[(hash & (JW_DC_SETS - 1)) * JW_DC_WAYS];
        for (unsigned i = 0; i < JW_DC_WAYS; i++) {
                DcEntry *e = &set[i];
                if (e->offset && e->hash == hash &&
                    (offset ? e->offset == offset
                            : e->len == len && payload_equal(w, e->offset, jf_data_payload_offset(w->compact), p, len))) {
                        e->stamp = ++w->dc_clock;
                        return e;
                }
        }
        return NULL;
}

/* The changed counters of a data object as bytes (little-endian, from counter dirty_from on) for
 * the file offset *ret_at: returns their length. */
static size_t dc_counters(const JournalWriter *w, const DcEntry *e, uint8_t out[32], uint64_t *ret_at) {
        uint64_t v[4] = { e->entry_offset, e->first_array, e->n_entries, 0 };
        size_t n = 3;
        if (w->compact && e->tail) {
                /* compact files keep the tail array and its fill in the object, as 252 does */
                v[3] = e->tail | (e->n_entries - 1 - e->tail_first) << 32;
                n = 4;
        }
        for (size_t i = e->dirty_from; i < n; i++)
                put64(out + 8 * (i - e->dirty_from), v[i]);
        *ret_at = e->offset + 40 + 8 * (uint64_t)e->dirty_from;
        return 8 * (n - e->dirty_from);
}

/* Write a data object's counters back: into the batch buffer, or as overlay words (an entry
 * leaving the cache). */
static int dc_flush(JournalWriter *w, DcEntry *e) {
        if (!e->dirty)
                return 0;
        uint8_t b[32];
        uint64_t at;
        size_t n = dc_counters(w, e, b, &at);
        for (size_t i = 0; i < n; i += 8) {
                int r = wr64(w, at + i, get64(b + i));
                if (r < 0)
                        return r;
        }
        e->dirty = false;
        return 0;
}

static int dc_mark(JournalWriter *w, DcEntry *e, uint8_t from) {
        if (e->dirty) {
                if (from < e->dirty_from)
                        e->dirty_from = from;
                return 0;
        }
        if (w->n_dirty == w->cap_dirty) {
                size_t nc = w->cap_dirty ? w->cap_dirty * 2 : 64;
                uint32_t *nd = realloc(w->dirty, nc * sizeof *nd);
                if (!nd)
                        return -ENOMEM;
                w->dirty = nd;
                w->cap_dirty = nc;
        }
        w->dirty[w->n_dirty++] = (uint32_t)(e - w->dc);
        e->dirty = true;
        e->dirty_from = from;
        return 0;
}

/* A slot for a new cache entry: NULL when its set holds only entries that cannot be written back
 * (ENOMEM growing the overlay). */
static DcEntry *dc_insert(JournalWriter *w, uint64_t hash, uint64_t offset, uint64_t jhash, size_t len) {
        DcEntry *set = &w->dc[(hash & (JW_DC_SETS - 1)) * JW_DC_WAYS], *victim = &set[0];
        for (unsigned i = 1; i < JW_DC_WAYS; i++)
                if (!set[i].offset || (victim->offset && (int32_t)(set[i].stamp - victim->stamp) < 0))
                        victim = &set[i];
        if (victim->offset && dc_flush(w, victim) < 0)
                return NULL;
        *victim = (DcEntry) { .offset = offset, .hash = hash, .jhash = jhash, .len = (uint32_t)len, .stamp = ++w->dc_clock };
        return victim;
}

/* The data object for payload p (created if the file has none): *ret filled. */
static int data_get(JournalWriter *w, const void *p, size_t len, Item *ret) {
        uint64_t hash = file_hash(w, p, len), off;
        DcEntry *e = dc_lookup(w, hash, 0, p, len);
        if (e) {
                *ret = (Item) { .offset = e->offset, .hash = hash, .jhash = e->jhash, .dc = e };
                return 0;
        }
        int r = hash_find(w, true, hash, p, len, &off);
        if (r < 0)
                return r;
        if (r == 0) {
                const char *eq = memchr(p, '=', len);   /* present: checked by journal_writer_append() */
                uint64_t po = jf_data_payload_offset(w->compact);
                off = object_new(w, JF_OBJECT_DATA, po + len);
                if (!off)
                        return -ENOMEM;
                uint8_t *d = w->buf + (off - w->committed);
                put64(d + 16, hash);
                memcpy(d + po, p, len);
                r = hash_link(w, JF_OBJECT_DATA, w->h.data_hash_table_offset, w->n_buckets, hash, off, 24);
                if (r < 0)
                        return r;
                w->h.n_data++;
                uint64_t fo;
                r = field_get(w, p, (size_t)(eq - (const char *)p), &fo);
                if (r < 0)
                        return r;
                /* prepend to the field's list of data objects, as journald does */
                put64(w->buf + (off - w->committed) + 32, rd64(w, fo + 32));
                r = wr64(w, fo + 32, off);
                if (r < 0)
                        return r;
        }
        uint64_t jh = w->keyed ? journal_hash_jenkins64(p, len) : hash;
        e = dc_insert(w, hash, off, jh, len);
        if (!e)
                return -ENOMEM;
        *ret = (Item) { .offset = off, .hash = hash, .jhash = jh, .dc = e };
        return 0;
}

/* The cache entry of a known data object (from a shared block): found, or added. */
static int data_known(JournalWriter *w, uint64_t off, uint64_t hash, uint64_t jhash, Item *ret) {
        DcEntry *e = dc_lookup(w, hash, off, NULL, 0);
        if (!e) {
                uint64_t size, po = jf_data_payload_offset(w->compact);
                int r = object_at(w, off, JF_OBJECT_DATA, po, &size);
                if (r < 0)
                        return r;
                e = dc_insert(w, hash, off, jhash, (size_t)(size - po));
                if (!e)
                        return -ENOMEM;
        }
        *ret = (Item) { .offset = off, .hash = hash, .jhash = jhash, .dc = e };
        return 0;
}

/* ---- entry arrays ---- */

static uint64_t array_cap(const JournalWriter *w, uint64_t array) {
        return (get64(ptr(w, array) + 8) - JF_ENTRY_ARRAY_ITEMS) / jf_array_item_size(w->compact);
}

static uint64_t array_new(JournalWriter *w, uint64_t cap) {
        uint64_t a = object_new(w, JF_OBJECT_ENTRY_ARRAY, JF_ENTRY_ARRAY_ITEMS + cap * jf_array_item_size(w->compact));
        if (a)
                w->h.n_entry_arrays++;
        return a;
}

/* Fill slot k of an entry array. In the batch: directly. In a committed array: appended to the
 * run *run (of this batch: run_gen), started anew when the slot does not follow it. */
static int slot_write(JournalWriter *w, uint64_t array, uint64_t k, uint64_t entry, uint32_t *run, uint32_t *run_gen) {
        uint64_t isz = jf_array_item_size(w->compact), at = array + JF_ENTRY_ARRAY_ITEMS + k * isz;
        uint8_t v[8];
        if (w->compact)
                put32(v, (uint32_t)entry);
        else
                put64(v, entry);
        if (at >= w->committed) {
                memcpy(w->buf + (at - w->committed), v, (size_t)isz);
                return 0;
        }
        SlotRun *sr = *run_gen == w->batch_gen && *run < w->n_runs ? &w->runs[*run] : NULL;
        if (!sr || sr->at + sr->n != at) {
                if (w->n_runs == w->cap_runs) {
                        size_t nc = w->cap_runs ? w->cap_runs * 2 : 32;
                        SlotRun *nr = realloc(w->runs, nc * sizeof *nr);
                        if (!nr)
                                return -ENOMEM;
                        memset(nr + w->cap_runs, 0, (nc - w->cap_runs) * sizeof *nr);
                        w->runs = nr;
                        w->cap_runs = nc;
                }
                *run = (uint32_t)w->n_runs++;
                *run_gen = w->batch_gen;
                sr = &w->runs[*run];
                sr->at = at;
                sr->n = 0;   /* its buffer is kept from earlier batches */
        }
        if (sr->n + isz > sr->cap) {
                uint32_t nc = sr->cap ? sr->cap * 2 : 256;
                uint8_t *nv = realloc(sr->vals, nc);
                if (!nv)
                        return -ENOMEM;
                sr->vals = nv;
                sr->cap = nc;
        }
        memcpy(sr->vals + sr->n, v, (size_t)isz);
        sr->n += (uint32_t)isz;
        return 0;
}

/* Append `entry` as item `index` of a chain of arrays whose last one is *tail (first item *first,
 * *cap items; *tail 0: no array yet), linking a new array at `first_link` (the chain's head field)
 * or after the old tail. */
static int chain_append(JournalWriter *w, uint64_t *tail, uint64_t *first, uint64_t *cap, uint64_t *first_link,
                        uint64_t index, uint64_t entry, uint32_t *run, uint32_t *run_gen) {
        if (*tail && index - *first < *cap)
                return slot_write(w, *tail, index - *first, entry, run, run_gen);
        uint64_t n = *tail ? *cap * 2 : 4;
        if (n > JW_ARRAY_CAP_MAX)
                n = JW_ARRAY_CAP_MAX;
        uint64_t a = array_new(w, n);
        if (!a)
                return -ENOMEM;
        if (*tail) {
                int r = wr64(w, *tail + 16, a);
                if (r < 0)
                        return r;
        } else
                *first_link = a;
        *tail = a;
        *first = index;
        *cap = n;
        return slot_write(w, a, 0, entry, run, run_gen);
}

/* Load a data object's counters and find the tail of its array chain (O(arrays), once per
 * cache entry). */
static int data_state(JournalWriter *w, DcEntry *e) {
        uint64_t d = e->offset;
        e->n_entries = rd64(w, d + 56);
        e->entry_offset = rd64(w, d + 40);
        e->first_array = rd64(w, d + 48);
        uint64_t a = e->first_array, prev = 0, first = 0, cap = 0, last = 0;
        while (a) {
                if (a <= prev || object_at(w, a, JF_OBJECT_ENTRY_ARRAY, JF_ENTRY_ARRAY_ITEMS + 4, NULL) < 0)
                        return -EBADMSG;
                if (last)
                        first += cap;
                cap = array_cap(w, a);
                last = prev = a;
                a = rd64(w, a + 16);
        }
        if ((e->n_entries == 0) != (e->entry_offset == 0) || (last && e->n_entries - 1 < first))
                return -EBADMSG;
        e->tail = last;
        e->tail_first = first;
        e->tail_cap = (uint32_t)cap;
        e->state_known = true;
        return 0;
}

static int data_link(JournalWriter *w, const Item *it, uint64_t entry) {
        DcEntry *e = it->dc;
        int r;
        if (!e->state_known && (r = data_state(w, e)) < 0)
                return r;
        if (e->n_entries == 0) {
                e->entry_offset = entry;
                e->n_entries = 1;
                return dc_mark(w, e, 0);
        }
        uint64_t tail = e->tail, first = e->tail_first, cap = e->tail_cap;
        if ((r = dc_mark(w, e, e->first_array ? 2 : 1)) < 0)
                return r;
        r = chain_append(w, &tail, &first, &cap, &e->first_array, e->n_entries - 1, entry, &e->run, &e->run_gen);
        if (r < 0)
                return r;
        e->tail = tail;
        e->tail_first = first;
        e->tail_cap = (uint32_t)cap;
        e->n_entries++;
        return 0;
}

static int main_link(JournalWriter *w, uint64_t entry) {
        uint64_t tail = w->h.tail_entry_array_offset, n = w->h.n_entries;
        uint64_t first = n - w->h.tail_entry_array_n_entries, cap = tail ? array_cap(w, tail) : 0;
        /* the first array hangs off the header, which the commit writes whole */
        int r = chain_append(w, &tail, &first, &cap, &w->h.entry_array_offset, n, entry, &w->main_run, &w->main_run_gen);
        if (r < 0)
                return r;
        /* the header holds the tail's offset in 32 bits: files stay below 4 GiB (writer_new()) */
        w->h.n_entries = n + 1;
        w->h.tail_entry_array_offset = (uint32_t)tail;
        w->h.tail_entry_array_n_entries = (uint32_t)(n + 1 - first);
        return 0;
}

/* ---- appending ---- */

static void shared_forget(JournalWriter *w) {
        for (unsigned i = 0; i < JW_SHARED_SLOTS; i++) {
                SharedBlock *b = &w->sb[i];
                free(b->bytes);
                free(b->lens);
                free(b->offsets);
                free(b->hashes);
                free(b->jhashes);
                *b = (SharedBlock) {};
        }
}

/* The remembered block equal to these fields, or NULL. */
static const SharedBlock *shared_find(const JournalWriter *w, const struct iovec *f, size_t n) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
                len += f[i].iov_len;
        for (unsigned s = 0; s < JW_SHARED_SLOTS; s++) {
                const SharedBlock *b = &w->sb[s];
                if (b->n != n || b->len != len)
                        continue;
                size_t at = 0, i = 0;
                for (; i < n; i++) {
                        if (b->lens[i] != f[i].iov_len || memcmp(b->bytes + at, f[i].iov_base, f[i].iov_len) != 0)
                                break;
                        at += f[i].iov_len;
                }
                if (i == n)
                        return b;
        }
        return NULL;
}

/* Remember the resolved shared fields (best effort: nothing on ENOMEM or when too large). */
static void shared_add(JournalWriter *w, const struct iovec *f, size_t n, const Item *items) {
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
                len += f[i].iov_len;
        if (len > JW_SHARED_MAX || n == 0)
                return;
        SharedBlock nb = {
                .n = n,
                .len = len,
                .bytes = malloc(len ? len : 1),
                .lens = malloc(n * sizeof(uint32_t)),
                .offsets = malloc(n * sizeof(uint64_t)),
                .hashes = malloc(n * sizeof(uint64_t)),
                .jhashes = malloc(n * sizeof(uint64_t)),
        };
        if (!nb.bytes || !nb.lens || !nb.offsets || !nb.hashes || !nb.jhashes) {
                free(nb.bytes), free(nb.lens), free(nb.offsets), free(nb.hashes), free(nb.jhashes);
                return;
        }
        for (size_t i = 0, at = 0; i < n; at += f[i].iov_len, i++) {
                memcpy(nb.bytes + at, f[i].iov_base, f[i].iov_len);
                nb.lens[i] = (uint32_t)f[i].iov_len;
                nb.offsets[i] = items[i].offset;
                nb.hashes[i] = items[i].hash;
                nb.jhashes[i] = items[i].jhash;
        }
        SharedBlock *b = &w->sb[w->sb_next++ % JW_SHARED_SLOTS];
        free(b->bytes), free(b->lens), free(b->offsets), free(b->hashes), free(b->jhashes);
        *b = nb;
}

static void caches_forget(JournalWriter *w) {
        memset(w->dc, 0, JW_DC_SETS * JW_DC_WAYS * sizeof *w->dc);
        memset(w->fc, 0, JW_FC_SIZE * sizeof *w->fc);
        shared_forget(w);
}

/* Drop the uncommitted batch: the file and the header are as last committed. */
static void batch_reset(JournalWriter *w) {
        w->buf_len = 0;
        w->batch_entries = 0;
        w->n_runs = 0;
        w->n_dirty = 0;
        w->batch_gen++;
        ov_reset(w);
}

static void rollback(JournalWriter *w) {
        batch_reset(w);
        w->h = w->hc;
        caches_forget(w);
}

/* Items by offset (journald's order); an entry has a few dozen at most, usually ~20. */
static void items_sort(Item *it, size_t n) {
        for (size_t i = 1; i < n; i++) {
                Item x = it[i];
                size_t j = i;
                for (; j > 0 && it[j - 1].offset > x.offset; j--)
                        it[j] = it[j - 1];
                it[j] = x;
        }
}

static int resolve_fields(JournalWriter *w, const struct iovec *fields, size_t n_fields, size_t n_shared) {
        size_t n_own = n_fields - n_shared;
        int r;
        for (size_t i = 0; i < n_own; i++)
                if ((r = data_get(w, fields[i].iov_base, fields[i].iov_len, &w->items[i])) < 0)
                        return r;
        if (n_shared == 0)
                return 0;
        const SharedBlock *b = shared_find(w, fields + n_own, n_shared);
        for (size_t i = 0; i < n_shared; i++) {
                const struct iovec *f = &fields[n_own + i];
                r = b ? data_known(w, b->offsets[i], b->hashes[i], b->jhashes[i], &w->items[n_own + i])
                      : data_get(w, f->iov_base, f->iov_len, &w->items[n_own + i]);
                if (r < 0)
                        return r;
        }
        if (!b)
                shared_add(w, fields + n_own, n_shared, w->items + n_own);
        return 0;
}

static int append_entry(JournalWriter *w, size_t n_fields, uint64_t realtime, uint64_t monotonic,
                        const uint8_t boot_id[16], uint64_t seqnum) {
        uint64_t xor_hash = 0;
        for (size_t i = 0; i < n_fields; i++)
                xor_hash ^= w->items[i].jhash;   /* over every field given, duplicates too, as journald */
        items_sort(w->items, n_fields);
        size_t n = 0;
        for (size_t i = 0; i < n_fields; i++)
                if (n == 0 || w->items[i].offset != w->items[n - 1].offset)
                        w->items[n++] = w->items[i];
        uint64_t isz = jf_entry_item_size(w->compact);
        uint64_t e = object_new(w, JF_OBJECT_ENTRY, JF_ENTRY_ITEMS + n * isz);
        if (!e)
                return -ENOMEM;
        uint8_t *p = w->buf + (e - w->committed);
        put64(p + 16, seqnum);
        put64(p + 24, realtime);
        put64(p + 32, monotonic);
        memcpy(p + 40, boot_id, 16);
        put64(p + 56, xor_hash);
        for (size_t i = 0; i < n; i++) {
                if (w->compact)
                        put32(p + JF_ENTRY_ITEMS + i * 4, (uint32_t)w->items[i].offset);
                else {
                        put64(p + JF_ENTRY_ITEMS + i * 16, w->items[i].offset);
                        put64(p + JF_ENTRY_ITEMS + i * 16 + 8, w->items[i].hash);
                }
        }
        int r = main_link(w, e);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = data_link(w, &w->items[i], e);
        if (r < 0)
                return r;
        if (w->h.head_entry_seqnum == 0)
                w->h.head_entry_seqnum = seqnum;
        if (w->h.head_entry_realtime == 0)
                w->h.head_entry_realtime = realtime;
        w->h.tail_entry_seqnum = seqnum;
        w->h.tail_entry_realtime = realtime;
        w->h.tail_entry_monotonic = monotonic;
        memcpy(w->h.tail_entry_boot_id, boot_id, 16);
        return 0;
}

int journal_writer_append(JournalWriter *w, const struct iovec *fields, size_t n_fields, size_t n_shared,
                          uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16], uint64_t seqnum) {
        if (w->broken)
                return -EIO;
        if (n_fields == 0 || n_shared > n_fields || !jf_valid_realtime(realtime) || !jf_valid_monotonic(monotonic) ||
            seqnum == 0 || seqnum <= w->h.tail_entry_seqnum)
                return -EINVAL;
        /* checked before anything is touched: bad input must not cost the batch */
        for (size_t i = 0; i < n_fields; i++) {
                const char *eq = fields[i].iov_base ? memchr(fields[i].iov_base, '=', fields[i].iov_len) : NULL;
                if (!eq || eq == fields[i].iov_base)
                        return -EINVAL;
        }
        if (w->items_cap < n_fields) {
                Item *ni = realloc(w->items, n_fields * sizeof *ni);
                if (!ni)
                        return -ENOMEM;
                w->items = ni;
                w->items_cap = n_fields;
        }
        int r = resolve_fields(w, fields, n_fields, n_shared);
        if (r >= 0)
                r = append_entry(w, n_fields, realtime, monotonic, boot_id, seqnum);
        if (r >= 0)
                w->batch_entries++;
        if (r < 0) {
                if (r == -EBADMSG || r == -EIO)
                        w->broken = true;
                rollback(w);
        }
        return r;
}

/* ---- commit ---- */

static int pwrite_all(int fd, const void *p, size_t n, uint64_t off) {
        const uint8_t *b = p;
        while (n > 0) {
                ssize_t k = pwrite(fd, b, n, (off_t)off);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EIO;
                b += k, n -= (size_t)k, off += (uint64_t)k;
        }
        return 0;
}

/* One piece of a commit: `len` bytes at file offset `at`, taken from the staging buffer. */
typedef struct Piece {
        uint64_t at;
        size_t src, len;
} Piece;

typedef struct Staging {
        uint8_t *src;
        size_t len, cap;
        Piece *p;
        size_t n, cap_p;
} Staging;

static int stage(Staging *st, uint64_t at, const void *bytes, size_t len) {
        if (st->len + len > st->cap) {
                size_t nc = st->cap ? st->cap : 16 * 1024;
                while (nc < st->len + len)
                        nc *= 2;
                uint8_t *ns = realloc(st->src, nc);
                if (!ns)
                        return -ENOMEM;
                st->src = ns;
                st->cap = nc;
        }
        if (st->n == st->cap_p) {
                size_t nc = st->cap_p ? st->cap_p * 2 : 256;
                Piece *np = realloc(st->p, nc * sizeof *np);
                if (!np)
                        return -ENOMEM;
                st->p = np;
                st->cap_p = nc;
        }
        memcpy(st->src + st->len, bytes, len);
        st->p[st->n++] = (Piece) { .at = at, .src = st->len, .len = len };
        st->len += len;
        return 0;
}

/* Everything a commit changes in the committed part of the file, in the order it is copied:
 * slot runs (nobody sees them yet), overlay words, data object counters, the header last. */
static int stage_all(JournalWriter *w, Staging *st) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < w->n_runs; i++)
                r = stage(st, w->runs[i].at, w->runs[i].vals, w->runs[i].n);
        for (size_t i = 0; r >= 0 && i < w->ov_cap; i++)
                if (w->ov[i].gen == w->ov_gen) {
                        uint8_t b[8];
                        put64(b, w->ov[i].val);
                        r = stage(st, w->ov[i].off, b, 8);
                }
        for (size_t i = 0; r >= 0 && i < w->n_dirty; i++) {
                DcEntry *e = &w->dc[w->dirty[i]];
                uint8_t b[32];
                uint64_t at;
                if (!e->dirty)
                        continue;
                size_t n = dc_counters(w, e, b, &at);
                r = stage(st, at, b, n);
        }
        uint8_t h[JF_HEADER_SIZE];
        jf_header_encode(&w->h, h);
        return r < 0 ? r : stage(st, 0, h, sizeof h);
}

static int header_pwrite(JournalWriter *w, const JfHeader *h) {
        uint8_t raw[JF_HEADER_SIZE];
        jf_header_encode(h, raw);
        return pwrite_all(w->fd, raw, sizeof raw, 0);
}

/* Fault in, writable, every page the pieces change, by adding 0 to a byte of each: that changes
 * nothing for readers, and as one read-modify-write instruction it faults once, for writing (a
 * load, then a store, would fault twice: read-only, then for the write). The preadv() then copies without faulting: a fault
 * inside it that must wait (a locked page, a page to read in) gives up when a SIGKILL is pending and
 * the copy would end short, the commit half done; out here, a SIGKILL during a fault just kills us
 * with the file as last committed. A page that raises SIGBUS (I/O error, truncated file) is flagged
 * by journal-sigbus.c: the commit stops before anything is written. */
static int pages_prefault(JournalWriter *w, const Staging *st) {
        const uint64_t psz = (uint64_t)sysconf(_SC_PAGESIZE);
        for (size_t i = 0; i < st->n; i++) {
                uint64_t at = st->p[i].at, end = at + st->p[i].len;
                for (uint64_t a = at; a < end; a = (a & ~(psz - 1)) + psz) {
                        (void) __atomic_fetch_add(w->map + a, (uint8_t)0, __ATOMIC_RELAXED);
                }
        }
        return journal_sigbus_hit(w->sigbus_slot) ? -EIO : 0;
}

/* All pieces in one preadv() from the memfd into the mapping: 1 done, 0 not possible this way
 * (too many pieces, no memfd), <0 error (possibly half done). */
static int commit_atomic(JournalWriter *w, const Staging *st) {
        if (w->memfd < 0 || st->n > JW_IOV_MAX)
                return 0;
        _cleanup_free_ struct iovec *iov = malloc(st->n * sizeof *iov);
        if (!iov)
                return -ENOMEM;
        int r = pages_prefault(w, st);
        if (r < 0)
                return r;
        for (size_t i = 0; i < st->n; i++)
                iov[i] = (struct iovec) { .iov_base = w->map + st->p[i].at, .iov_len = st->p[i].len };
        r = pwrite_all(w->memfd, st->src, st->len, 0);
        if (r < 0)
                return r;
        ssize_t got = preadv(w->memfd, iov, (int)st->n, 0);
        if (got < 0)
                return -errno;
        return (size_t)got == st->len ? 1 : -EIO;
}

static int map_cover(JournalWriter *w, uint64_t end) {
        if (end <= w->map_len)
                return 0;
        size_t len = (size_t)jf_align64(end + JW_MAP_SLACK);
        long psz = sysconf(_SC_PAGESIZE);
        len = (len + (size_t)psz - 1) & ~(size_t)(psz - 1);
        void *m = mremap(w->map, w->map_len, len, MREMAP_MAYMOVE);
        if (m == MAP_FAILED)
                return -errno;
        w->map = m;
        w->map_len = len;
        journal_sigbus_update(w->sigbus_slot, m, len);
        return 0;
}

static int apply_words(JournalWriter *w) {
        Staging st = {};
        w->h.state = JF_STATE_OFFLINE;
        int r = stage_all(w, &st);
        if (r >= 0)
                r = commit_atomic(w, &st);
        if (r == 0) {
                /* piece by piece, between an ONLINE and an OFFLINE header, as journald marks a file in use */
                JfHeader online = w->hc;
                online.state = JF_STATE_ONLINE;
                r = header_pwrite(w, &online);
                for (size_t i = 0; r >= 0 && i < st.n; i++)
                        r = pwrite_all(w->fd, st.src + st.p[i].src, st.p[i].len, st.p[i].at);
        }
        w->touched += st.n;
        free(st.src);
        free(st.p);
        return r < 0 ? r : 0;
}

/* The commits map the pages they change (hash buckets all over the table, chain links in old
 * objects) into PID 1: drop them again so they do not stay counted in its Rss (the page cache keeps
 * them, dirty ones are written back as before). Each page dropped faults in again when a later
 * commit changes it (12-19 us of CPU per fault in a VM), so: after a quiet spell (a small batch
 * 50 ms or more after the previous commit), at the first commit that mapped 32 pieces or came
 * 50 ms after the last drop; otherwise (a flood, or steady logging) at most every 5 s. */
#define JW_QUIET_US 50000U
#define JW_DROP_BUSY_US 5000000U

static uint64_t now_monotonic_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void drop_pages(JournalWriter *w, uint64_t now) {
        bool quiet = w->batch_entries < 64 && w->buf_len < 32 * 1024 && now - w->last_commit >= JW_QUIET_US;
        w->last_commit = now;
        if (w->touched == 0)
                return;
        if (quiet ? w->touched < 32 && now - w->last_drop < JW_QUIET_US : now - w->last_drop < JW_DROP_BUSY_US)
                return;
        (void) madvise(w->map, w->map_len, MADV_DONTNEED);
        w->last_drop = now;
        w->touched = 0;
}

int journal_writer_commit(JournalWriter *w) {
        if (!journal_writer_pending(w))
                return 0;
        if (w->broken) {
                rollback(w);
                return -EIO;
        }
        uint64_t end = end_offset(w);
        w->h.arena_size = end - w->h.header_size;
        /* the counters of data objects of the batch go into its bytes before they are written */
        for (size_t i = 0; i < w->n_dirty; i++) {
                DcEntry *e = &w->dc[w->dirty[i]];
                if (e->dirty && e->offset >= w->committed)
                        (void) dc_flush(w, e);   /* a store into the batch buffer: cannot fail */
        }
        int r = pwrite_all(w->fd, w->buf, w->buf_len, w->committed);
        if (r >= 0)
                r = map_cover(w, end);
        if (r < 0) {
                rollback(w);    /* nothing refers to what the pwrite() may have written */
                return r;
        }
        if (end > w->file_size)
                w->file_size = end;
        r = apply_words(w);
        if (r < 0 || journal_sigbus_hit(w->sigbus_slot)) {
                /* half done: the header may be ONLINE; never write to this file again */
                w->broken = true;
                rollback(w);
                return r < 0 ? r : -EIO;
        }
        for (size_t i = 0; i < w->n_dirty; i++)
                w->dc[w->dirty[i]].dirty = false;
        w->committed = end;
        drop_pages(w, now_monotonic_us());
        batch_reset(w);
        w->hc = w->h;
        /* inotify sees no change made through the mapping: truncating to the same size wakes
         * `journalctl -f` (journald does the same) */
        (void) !ftruncate(w->fd, (off_t)w->file_size);
        return 0;
}

bool journal_writer_pending(const JournalWriter *w) {
        return w && w->buf_len > 0;   /* every entry adds an entry object */
}

bool journal_writer_commit_due(const JournalWriter *w) {
        /* one preadv() takes at most JW_IOV_MAX pieces */
        return w->buf_len >= JOURNAL_WRITER_BATCH_MAX || w->ov_n + w->n_runs + w->n_dirty >= JOURNAL_WRITER_WORDS_MAX;
}

bool journal_writer_rotate_suggested(const JournalWriter *w, uint64_t upcoming) {
        const JfHeader *h = &w->h;
        return w->broken || end_offset(w) + upcoming > w->max_size || h->n_data * 4 > w->n_buckets * 3 ||
               h->n_fields * 4 > w->n_field_buckets * 3 || h->data_hash_chain_depth > JF_HASH_CHAIN_DEPTH_MAX ||
               h->field_hash_chain_depth > JF_HASH_CHAIN_DEPTH_MAX;
}

bool journal_writer_broken(const JournalWriter *w) {
        return w->broken;
}

const JfHeader *journal_writer_header(const JournalWriter *w) {
        return &w->h;
}

uint64_t journal_writer_size(const JournalWriter *w) {
        return end_offset(w);
}

const char *journal_writer_name(const JournalWriter *w) {
        return w->name;
}

/* ---- opening and closing ---- */

static void writer_free(JournalWriter *w) {
        if (!w)
                return;
        if (w->map) {
                journal_sigbus_unregister(w->sigbus_slot);
                munmap(w->map, w->map_len);
        }
        if (w->fd >= 0)
                close(w->fd);
        if (w->memfd >= 0)
                close(w->memfd);
        shared_forget(w);
        free(w->buf);
        free(w->ov);
        for (size_t i = 0; i < w->cap_runs; i++)
                free(w->runs[i].vals);
        free(w->runs);
        free(w->dirty);
        free(w->dc);
        free(w->fc);
        free(w->items);
        free(w->name);
        free(w);
}

static int writer_new(int dir_fd, const char *name, const JournalWriterParams *p, JournalWriter **ret) {
        JournalWriter *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->fd = w->memfd = -1;
        w->sigbus_slot = -1;
        w->dir_fd = dir_fd;
        w->ov_gen = 1;
        w->batch_gen = 1;   /* a new cache entry's run_gen 0 never matches */
        w->name = strdup(name);
        w->dc = calloc(JW_DC_SETS * JW_DC_WAYS, sizeof *w->dc);
        w->fc = calloc(JW_FC_SIZE, sizeof *w->fc);
        if (!w->name || !w->dc || !w->fc) {
                writer_free(w);
                return -ENOMEM;
        }
        /* a file never grows past 4 GiB: the header keeps the tail array's offset in 32 bits */
        w->max_size = p->max_size < JF_COMPACT_SIZE_MAX - JW_MAP_SLACK ? p->max_size : JF_COMPACT_SIZE_MAX - JW_MAP_SLACK;
#ifdef SYS_memfd_create
        w->memfd = (int)syscall(SYS_memfd_create, "journal-commit", 1U /* MFD_CLOEXEC */);
#endif
        *ret = w;
        return 0;
}

static int writer_map(JournalWriter *w) {
        long psz = sysconf(_SC_PAGESIZE);
        uint64_t want = (w->max_size > w->file_size ? w->max_size : w->file_size) + JW_MAP_SLACK;
        size_t len = (size_t)((want + (uint64_t)psz - 1) & ~(uint64_t)(psz - 1));
        void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, 0);
        if (m == MAP_FAILED)
                return -errno;
        w->map = m;
        w->map_len = len;
        /* no fault-around: a commit writes single words all over the hash table */
        (void) madvise(m, len, MADV_RANDOM);
        w->sigbus_slot = journal_sigbus_register(m, len);
        return 0;
}

static uint64_t data_hash_table_items(uint64_t max_size) {
        uint64_t n = max_size * 4 / 768 / 3;
        return n < JF_DATA_HASH_TABLE_MIN_ITEMS ? JF_DATA_HASH_TABLE_MIN_ITEMS : n;
}

int journal_writer_create(int dir_fd, const char *name, const JournalWriterParams *p, JournalWriter **ret) {
        JournalWriter *w;
        char tmp[PATH_MAX];
        int r = writer_new(dir_fd, name, p, &w);
        if (r < 0)
                return r;
        if (faccessat(dir_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                writer_free(w);
                return -EEXIST;
        }
        uint8_t rnd[16];
        char rid[33];
        id128_random(rnd);
        snprintf(tmp, sizeof tmp, ".#%s%.16s", name, id128_to_string(rnd, rid));
        w->fd = openat(dir_fd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0640);
        if (w->fd < 0) {
                r = -errno;
                writer_free(w);
                return r;
        }
        w->compact = !p->regular;
        w->keyed = true;
        JfHeader *h = &w->h;
        memcpy(h->signature, JF_SIGNATURE, 8);
        h->incompatible_flags = JF_INCOMPAT_KEYED_HASH | (w->compact ? JF_INCOMPAT_COMPACT : 0);
        h->state = JF_STATE_OFFLINE;
        id128_random(h->file_id);
        memcpy(h->machine_id, p->machine_id, 16);
        memcpy(h->tail_entry_boot_id, p->boot_id, 16);
        if (p->continue_seqnum) {
                memcpy(h->seqnum_id, p->seqnum_id, 16);
                h->tail_entry_seqnum = p->seqnum;
        } else
                memcpy(h->seqnum_id, h->file_id, 16);
        h->header_size = JF_HEADER_SIZE;
        /* the two hash tables, first objects of the file, as journald lays them out */
        uint64_t nd = data_hash_table_items(w->max_size), dt = JF_HEADER_SIZE;
        uint64_t ft = jf_align64(dt + JF_HASH_TABLE_ITEMS + nd * sizeof(JfHashItem));
        uint64_t end = jf_align64(ft + JF_HASH_TABLE_ITEMS + JF_FIELD_HASH_TABLE_ITEMS * sizeof(JfHashItem));
        h->data_hash_table_offset = dt + JF_HASH_TABLE_ITEMS;
        h->data_hash_table_size = nd * sizeof(JfHashItem);
        h->field_hash_table_offset = ft + JF_HASH_TABLE_ITEMS;
        h->field_hash_table_size = JF_FIELD_HASH_TABLE_ITEMS * sizeof(JfHashItem);
        h->tail_object_offset = ft;
        h->n_objects = 2;
        h->arena_size = end - JF_HEADER_SIZE;
        w->n_buckets = nd;
        w->n_field_buckets = JF_FIELD_HASH_TABLE_ITEMS;
        uint8_t obj[16] = {};
        obj[0] = JF_OBJECT_DATA_HASH_TABLE;
        put64(obj + 8, JF_HASH_TABLE_ITEMS + nd * sizeof(JfHashItem));
        r = ftruncate(w->fd, (off_t)end) < 0 ? -errno : 0;   /* zero-filled tables */
        /* reserve the tables' blocks, as journald does: the preadv() of a commit then never meets
         * a full disk on them (file systems without fallocate() keep them sparse) */
        if (r >= 0 && fallocate(w->fd, 0, 0, (off_t)end) < 0 && errno != EOPNOTSUPP && errno != ENOSYS)
                r = -errno;
        if (r >= 0)
                r = pwrite_all(w->fd, obj, sizeof obj, dt);
        obj[0] = JF_OBJECT_FIELD_HASH_TABLE;
        put64(obj + 8, JF_HASH_TABLE_ITEMS + JF_FIELD_HASH_TABLE_ITEMS * sizeof(JfHashItem));
        if (r >= 0)
                r = pwrite_all(w->fd, obj, sizeof obj, ft);
        if (r >= 0)
                r = header_pwrite(w, h);
        w->committed = w->file_size = end;
        w->hc = w->h;
        if (r >= 0)
                r = writer_map(w);
        if (r >= 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(dir_fd, tmp, 0);
                writer_free(w);
                return r;
        }
        *ret = w;
        return 0;
}

/* Check an existing file's header and tail before appending to it (journald's rules). */
static int open_check(JournalWriter *w, const JournalWriterParams *p, uint64_t size) {
        const JfHeader *h = &w->h;
        if (memcmp(h->signature, JF_SIGNATURE, 8) != 0 || size < JF_HEADER_SIZE)
                return -EBADMSG;
        if (h->compatible_flags || (h->incompatible_flags & ~(JF_INCOMPAT_KEYED_HASH | JF_INCOMPAT_COMPACT)) ||
            h->header_size != JF_HEADER_SIZE)
                return -EPROTONOSUPPORT;
        if (h->state == JF_STATE_ARCHIVED)
                return -ESHUTDOWN;
        if (h->state != JF_STATE_OFFLINE)
                return -EBUSY;
        if (memcmp(h->machine_id, p->machine_id, 16) != 0)
                return -EHOSTDOWN;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (h->tail_entry_realtime > (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000)
                return -ETXTBSY;
        if (h->arena_size > size - h->header_size || h->data_hash_table_size == 0 || h->field_hash_table_size == 0 ||
            h->data_hash_table_size % sizeof(JfHashItem) || h->field_hash_table_size % sizeof(JfHashItem) ||
            h->data_hash_table_offset + h->data_hash_table_size > size ||
            h->field_hash_table_offset + h->field_hash_table_size > size || h->tail_object_offset == 0)
                return -EBADMSG;
        if (w->compact && size > JF_COMPACT_SIZE_MAX)
                return -EPROTONOSUPPORT;
        return 0;
}

int journal_writer_open(int dir_fd, const char *name, const JournalWriterParams *p, JournalWriter **ret) {
        JournalWriter *w;
        struct stat st;
        uint8_t raw[JF_HEADER_SIZE];
        int r = writer_new(dir_fd, name, p, &w);
        if (r < 0)
                return r;
        w->fd = openat(dir_fd, name, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (w->fd < 0 || fstat(w->fd, &st) < 0) {
                r = -errno;
                goto fail;
        }
        r = -EBADMSG;
        if (!S_ISREG(st.st_mode) || pread(w->fd, raw, sizeof raw, 0) != (ssize_t)sizeof raw)
                goto fail;
        memcpy(&w->h, raw, sizeof raw);
        jf_header_decode(raw, &w->h);
        w->compact = w->h.incompatible_flags & JF_INCOMPAT_COMPACT;
        w->keyed = w->h.incompatible_flags & JF_INCOMPAT_KEYED_HASH;
        w->file_size = (uint64_t)st.st_size;
        r = open_check(w, p, w->file_size);
        if (r < 0)
                goto fail;
        w->n_buckets = w->h.data_hash_table_size / sizeof(JfHashItem);
        w->n_field_buckets = w->h.field_hash_table_size / sizeof(JfHashItem);
        r = writer_map(w);
        if (r < 0)
                goto fail;
        /* the end of the last object; what may lie after it is an uncommitted batch */
        w->committed = w->file_size;
        uint64_t tsize;
        uint64_t t = w->h.tail_object_offset;
        r = t % 8 == 0 && t >= JF_HEADER_SIZE && t + 16 <= w->file_size ? object_at(w, t, w->map[t], 16, &tsize) : -EBADMSG;
        if (r < 0 || w->map[t] == JF_OBJECT_UNUSED || w->map[t] >= _JF_OBJECT_MAX || w->h.tail_object_offset + jf_align64(tsize) > w->h.header_size + w->h.arena_size) {
                r = -EBADMSG;
                goto fail;
        }
        w->committed = w->h.tail_object_offset + jf_align64(tsize);
        if (w->h.tail_entry_array_offset) {
                uint64_t asz;
                if (object_at(w, w->h.tail_entry_array_offset, JF_OBJECT_ENTRY_ARRAY, JF_ENTRY_ARRAY_ITEMS + 4, &asz) < 0 ||
                    w->h.tail_entry_array_n_entries == 0 || w->h.tail_entry_array_n_entries > w->h.n_entries ||
                    w->h.tail_entry_array_n_entries > array_cap(w, w->h.tail_entry_array_offset)) {
                        r = -EBADMSG;
                        goto fail;
                }
        } else if (w->h.n_entries > 0) {
                r = -EBADMSG;   /* a 252 header always knows its tail array */
                goto fail;
        }
        w->hc = w->h;
        *ret = w;
        return 0;
fail:
        writer_free(w);
        return r;
}

int journal_writer_close(JournalWriter *w, int state) {
        if (!w)
                return 0;
        int r = journal_writer_commit(w);
        if (!w->broken) {
                w->h.state = (uint8_t)state;
                int q = header_pwrite(w, &w->h);
                if (r >= 0)
                        r = q;
        }
        writer_free(w);
        return r;
}
