/* SPDX-License-Identifier: MIT */
#pragma once
/* NULL-terminated vectors of malloc'd strings. A NULL strv is the empty list. */
#include <stdbool.h>
#include <stddef.h>

char **strv_new_empty(void);
void strv_free(char **l);
static inline void strv_freep(char ***l) { strv_free(*l); }
size_t strv_length(char *const *l);
static inline bool strv_isempty(char *const *l) { return !l || !*l; }
bool strv_contains(char *const *l, const char *s);
int strv_push(char ***l, char *value);         /* takes ownership of value, also on failure */
int strv_extend(char ***l, const char *value); /* copies */
int strv_extend_strv(char ***a, char *const *b, bool filter_duplicates);
int strv_consume_unique(char ***l, char *value); /* push unless present (then frees value) */
char **strv_copy(char *const *l);
char *strv_join(char *const *l, const char *sep);
int strv_remove(char **l, const char *s);       /* removes every occurrence, returns count */
void strv_sort(char **l);
void strv_uniq(char **l);                        /* drop later duplicates */
#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
