/* SPDX-License-Identifier: MIT */
#pragma once
/* Shared copies of the unit names that dependency lists hold. A loaded set of N units names the
 * same few hundred units tens of times each (Requires=sysinit.target in every service, the
 * reverse lists of every target): one reference-counted copy per name instead of one per mention.
 * Owned by the Loader; every reference must be released before name_pool_free(). */
#include <stddef.h>

typedef struct NamePool NamePool;

NamePool *name_pool_new(void);               /* NULL on ENOMEM */
void name_pool_free(NamePool *p);
/* The pool's copy of s, with one more reference; NULL on ENOMEM. */
const char *name_pool_ref(NamePool *p, const char *s);
/* Release one reference of a string name_pool_ref() returned; the last one frees it. */
void name_pool_unref(NamePool *p, const char *s);
size_t name_pool_size(const NamePool *p);    /* distinct names held */
