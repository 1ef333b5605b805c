/* SPDX-License-Identifier: MIT */
#pragma once
/* Appending to many lists in amortized constant time, for the unit loader: a unit's files append
 * to some sixty char ** lists of its configuration, assignment after assignment, and strv_push()
 * costs O(length) per element (it looks for the end), which made a list of N elements cost N²/2.
 *
 * A StrvIndex remembers, for each list it has appended to (identified by the address of the
 * variable that holds it), the list's length and allocated capacity, and for lists without
 * duplicates a hash set of their strings. Every change to those lists while the index is in use
 * must go through it (strv_index_reset() for an empty assignment, strv_index_forget() after any
 * other change); a list whose pointer changed behind its back is measured again. The lists stay
 * ordinary NULL-terminated strvs all along. strv_index_free() trims every list to its length and
 * applies the deferred "last assignment of a name wins" of environment lists.
 *
 * Every function accepts x == NULL and then does what the plain strv function would (O(length)):
 * code that runs outside the loader needs no index. */
#include <stdbool.h>
#include "base/strv.h"

typedef struct StrvIndex StrvIndex;

StrvIndex *strv_index_new(void);  /* NULL on ENOMEM */
/* Finish: environment lists deduplicated, every list trimmed to its length. The lists stay. */
void strv_index_free(StrvIndex *x);
static inline void strv_index_freep(StrvIndex **x) { strv_index_free(*x); }

/* Append value to the list held at *l: 1, or -ENOMEM with value left to the caller. */
int strv_index_append(StrvIndex *x, char ***l, char *value);
/* Append value (owned; freed on failure) to the list held at *l. */
int strv_index_push(StrvIndex *x, char ***l, char *value);
int strv_index_extend(StrvIndex *x, char ***l, const char *value);  /* copies */
/* Append unless an equal string is in the list: 1 appended, 0 present (value freed), <0 error. */
int strv_index_push_unique(StrvIndex *x, char ***l, char *value);
bool strv_index_contains(StrvIndex *x, char ***l, const char *value);
/* Append a "NAME=value" assignment: an earlier assignment of NAME is dropped, the new one goes at
 * the end (systemd's strv_env_replace()). With an index the earlier ones are dropped when the index
 * is freed, so until then the list may hold several assignments of a name. */
int strv_index_push_env(StrvIndex *x, char ***l, char *assignment);
/* The last element of the list, or NULL; strv_index_pop() frees and removes it. */
const char *strv_index_last(StrvIndex *x, char ***l);
void strv_index_pop(StrvIndex *x, char ***l);
/* strv_free(*l), *l = NULL. */
void strv_index_reset(StrvIndex *x, char ***l);
/* *l was changed by other means (elements removed or reordered): measure it again when next used. */
void strv_index_forget(StrvIndex *x, char ***l);
