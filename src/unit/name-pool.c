/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/hashmap.h"
#include "base/util.h"
#include "unit/name-pool.h"

struct NamePool {
        Hashmap *map;             /* name → PoolName (the key lives in the value) */
};

typedef struct PoolName {
        unsigned refs;
        char s[];
} PoolName;

static PoolName *entry_of(const char *s) {
        return (PoolName *)(void *)(s - offsetof(PoolName, s));
}

NamePool *name_pool_new(void) {
        NamePool *p = calloc(1, sizeof *p);
        if (!p) return NULL;
        if (!(p->map = hashmap_new())) {
                free(p);
                return NULL;
        }
        return p;
}

void name_pool_free(NamePool *p) {
        if (!p) return;
        /* nothing should be left; whatever is, is freed rather than leaked */
        size_t i = 0;
        const char *k;
        void *v;
        while (hashmap_iterate(p->map, &i, &k, &v)) free(v);
        hashmap_free(p->map);
        free(p);
}

const char *name_pool_ref(NamePool *p, const char *s) {
        PoolName *e = hashmap_get(p->map, s);
        if (e) {
                e->refs++;
                return e->s;
        }
        size_t n = strlen(s);
        if (!(e = malloc(sizeof *e + n + 1))) return NULL;
        e->refs = 1;
        memcpy(e->s, s, n + 1);
        if (hashmap_put(p->map, e->s, e) < 0) {
                free(e);
                return NULL;
        }
        return e->s;
}

void name_pool_unref(NamePool *p, const char *s) {
        if (!s) return;
        PoolName *e = entry_of(s);
        if (--e->refs > 0) return;
        (void)hashmap_remove(p->map, e->s);
        free(e);
}

size_t name_pool_size(const NamePool *p) {
        return hashmap_size(p->map);
}
