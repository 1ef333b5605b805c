/* SPDX-License-Identifier: MIT */
#pragma once
/* String-keyed hash map with open addressing. Keys are borrowed (the caller keeps them alive,
 * typically inside the value); iteration order is insertion order, so output is deterministic. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Hashmap Hashmap;
Hashmap *hashmap_new(void);
void hashmap_free(Hashmap *h);           /* frees the map, not keys or values */
size_t hashmap_size(const Hashmap *h);
int hashmap_put(Hashmap *h, const char *key, void *value);   /* 1 if added, -EEXIST if present */
int hashmap_replace(Hashmap *h, const char *key, void *value); /* 1 added, 0 replaced (keeps position) */
void *hashmap_get(const Hashmap *h, const char *key);
void *hashmap_remove(Hashmap *h, const char *key); /* safe while iterating */
/* Iterate in insertion order: `size_t i = 0; while (hashmap_iterate(h, &i, &k, &v)) ...` */
bool hashmap_iterate(const Hashmap *h, size_t *i, const char **key, void **value);
/* The hash the maps use: SipHash-2-4 under a key drawn once per process, so that nobody outside
 * can choose keys that collide (unit names come from any user through LoadUnit). */
uint64_t hashmap_hash_key(const char *key);
/* Unkeyed and the same in every process and boot (FNV-1a): only for values that must be stable,
 * such as FixedRandomDelay='s offset; never for a map of keys users choose. */
uint64_t hash_string(const char *s);
