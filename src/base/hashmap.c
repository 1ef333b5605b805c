/* SPDX-License-Identifier: MIT */
/* Insertion-ordered hash map: a dense array of entries (in insertion order) plus an open-addressing
 * index of entry positions (linear probing). Removal marks the entry dead and leaves a tombstone in
 * the index; dead entries are compacted away when the array would otherwise grow, so memory stays
 * proportional to the peak number of live entries. Removing during iteration is safe, because
 * removal never moves entries. */
#include <sys/auxv.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "base/hashmap.h"
#include "base/siphash.h"
#include "base/util.h"

#define SLOT_EMPTY 0u
#define SLOT_TOMB UINT32_MAX
#define MIN_CAP 8u
#define MAX_CAP (UINT32_C(1) << 30)

typedef struct {
        const char *key; /* NULL: removed */
        void *value;
        uint64_t hash;
} Entry;

struct Hashmap {
        Entry *entries;
        size_t n_entries; /* used slots in entries[], live or dead */
        size_t n_live;
        size_t cap;       /* entries[] capacity; the index has 2*cap slots (load <= 1/2) */
        uint32_t *index;  /* entry position + 1, SLOT_EMPTY or SLOT_TOMB */
};

/* FNV-1a over the bytes, then a murmur3 finalizer so the low bits used for probing are mixed. */
uint64_t hash_string(const char *s) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                h ^= *p;
                h *= UINT64_C(0x100000001b3);
        }
        h ^= h >> 33;
        h *= UINT64_C(0xff51afd7ed558ccd);
        h ^= h >> 33;
        h *= UINT64_C(0xc4ceb9fe1a85ec53);
        h ^= h >> 33;
        return h;
}

/* The maps' key, drawn once per process: keys that users choose (unit names from LoadUnit on the
 * read-only bus, journal fields) cannot be chosen to collide without knowing it. getrandom() may
 * not be ready this early in a container's boot; the kernel's 16 bytes for this exec are. */
static const uint8_t *map_key(void) {
        static uint8_t key[16];
        static bool have_key;
        if (have_key)
                return key;
        if (getrandom(key, sizeof key, GRND_NONBLOCK) != (ssize_t) sizeof key) {
                const uint8_t *at_random = (const uint8_t *) (uintptr_t) getauxval(AT_RANDOM);
                if (at_random)
                        memcpy(key, at_random, sizeof key);
                else {
                        struct timespec ts;
                        clock_gettime(CLOCK_MONOTONIC, &ts);
                        uint64_t mix[2] = { (uint64_t) ts.tv_nsec ^ ((uint64_t) ts.tv_sec << 32),
                                            (uint64_t) getpid() ^ (uint64_t) (uintptr_t) key };
                        memcpy(key, mix, sizeof key);
                }
        }
        have_key = true;
        return key;
}

uint64_t hashmap_hash_key(const char *key) {
        return siphash24(key, strlen(key), map_key());
}

Hashmap *hashmap_new(void) {
        return calloc(1, sizeof(Hashmap));
}

void hashmap_free(Hashmap *h) {
        if (!h)
                return;
        free(h->entries);
        free(h->index);
        free(h);
}

size_t hashmap_size(const Hashmap *h) {
        return h ? h->n_live : 0;
}

static size_t index_mask(const Hashmap *h) {
        return 2 * h->cap - 1;
}

/* Index slot holding `key`, or SIZE_MAX. */
static size_t find_slot(const Hashmap *h, const char *key, uint64_t hash) {
        if (!h || !h->index)
                return SIZE_MAX;
        size_t mask = index_mask(h);
        for (size_t i = hash & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
                uint32_t v = h->index[i];
                if (v == SLOT_EMPTY)
                        return SIZE_MAX;
                if (v == SLOT_TOMB)
                        continue;
                const Entry *e = &h->entries[v - 1];
                if (e->hash == hash && streq(e->key, key))
                        return i;
        }
        return SIZE_MAX;
}

static void index_insert(Hashmap *h, size_t pos) {
        size_t mask = index_mask(h);
        size_t i = h->entries[pos].hash & mask;
        while (h->index[i] != SLOT_EMPTY && h->index[i] != SLOT_TOMB)
                i = (i + 1) & mask;
        h->index[i] = (uint32_t) (pos + 1);
}

/* Make room for one more entry: compact dead entries if that frees enough, else double. */
static int make_room(Hashmap *h) {
        if (h->n_entries < h->cap)
                return 0;
        size_t ncap = h->cap == 0 ? MIN_CAP : h->cap;
        if (h->n_live * 4 > h->cap * 3 || h->cap == 0) {
                if (h->cap >= MAX_CAP)
                        return -ENOMEM;
                ncap = h->cap == 0 ? MIN_CAP : h->cap * 2;
        }
        if (ncap != h->cap) {
                Entry *ne = realloc(h->entries, ncap * sizeof(Entry));
                if (!ne)
                        return -ENOMEM;
                h->entries = ne;
                uint32_t *ni = calloc(2 * ncap, sizeof(uint32_t));
                if (!ni)
                        return -ENOMEM; /* entries grew harmlessly; the old index stays valid */
                free(h->index);
                h->index = ni;
                h->cap = ncap;
        } else
                memset(h->index, 0, 2 * h->cap * sizeof(uint32_t));

        size_t w = 0;
        for (size_t r = 0; r < h->n_entries; r++)
                if (h->entries[r].key)
                        h->entries[w++] = h->entries[r];
        h->n_entries = w;
        for (size_t i = 0; i < w; i++)
                index_insert(h, i);
        return 0;
}

static int put_internal(Hashmap *h, const char *key, void *value, bool replace) {
        if (!h || !key)
                return -EINVAL;
        uint64_t hash = hashmap_hash_key(key);
        size_t slot = find_slot(h, key, hash);
        if (slot != SIZE_MAX) {
                if (!replace)
                        return -EEXIST;
                Entry *e = &h->entries[h->index[slot] - 1];
                e->key = key; /* the caller's (possibly new) copy of the key */
                e->value = value;
                return 0;
        }
        int r = make_room(h);
        if (r < 0)
                return r;
        size_t pos = h->n_entries++;
        h->entries[pos] = (Entry) { .key = key, .value = value, .hash = hash };
        index_insert(h, pos);
        h->n_live++;
        return 1;
}

int hashmap_put(Hashmap *h, const char *key, void *value) {
        return put_internal(h, key, value, false);
}

int hashmap_replace(Hashmap *h, const char *key, void *value) {
        return put_internal(h, key, value, true);
}

void *hashmap_get(const Hashmap *h, const char *key) {
        if (!h || !key)
                return NULL;
        size_t slot = find_slot(h, key, hashmap_hash_key(key));
        return slot == SIZE_MAX ? NULL : h->entries[h->index[slot] - 1].value;
}

void *hashmap_remove(Hashmap *h, const char *key) {
        if (!h || !key)
                return NULL;
        size_t slot = find_slot(h, key, hashmap_hash_key(key));
        if (slot == SIZE_MAX)
                return NULL;
        Entry *e = &h->entries[h->index[slot] - 1];
        void *v = e->value;
        e->key = NULL;
        e->value = NULL;
        h->index[slot] = SLOT_TOMB;
        h->n_live--;
        return v;
}

bool hashmap_iterate(const Hashmap *h, size_t *i, const char **key, void **value) {
        if (!h || !i)
                return false;
        while (*i < h->n_entries) {
                const Entry *e = &h->entries[(*i)++];
                if (!e->key)
                        continue;
                if (key)
                        *key = e->key;
                if (value)
                        *value = e->value;
                return true;
        }
        return false;
}
