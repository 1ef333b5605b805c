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
/* strv_push() and the functions built on it look for the end of the list first: O(length) each,
 * so a loop of them is quadratic. Long lists are built with a StrvBuilder (below) or, for the
 * lists of a configuration being parsed, a StrvIndex (strv-index.h). */
int strv_push(char ***l, char *value);         /* takes ownership of value, also on failure */
int strv_extend(char ***l, const char *value); /* copies */
int strv_extend_strv(char ***a, char *const *b, bool filter_duplicates);
int strv_consume_unique(char ***l, char *value); /* push unless present (then frees value) */
char **strv_copy(char *const *l);
/* A copy in one allocation (the pointers, then the strings), freed with free(): for a list about
 * to be handed to a forked child, so that releasing it afterwards writes to one chunk, not one
 * per string (each page PID 1 writes after fork() is copied). NULL on ENOMEM. */
char **strv_flatten(char *const *l);
char *strv_join(char *const *l, const char *sep);
int strv_remove(char **l, const char *s);       /* removes every occurrence, returns count */
void strv_sort(char **l);
void strv_uniq(char **l);                        /* drop later duplicates; O(length) */
/* strv_extend_strv() is O(length of both) too, also with filter_duplicates. */

/* A list under construction: its length and a doubling capacity are known, so each push is O(1)
 * amortized. `l` is NULL-terminated whenever it is not NULL. */
typedef struct StrvBuilder {
        char **l;
        size_t n, cap;
} StrvBuilder;
int strv_builder_push(StrvBuilder *b, char *value);        /* takes ownership of value, also on failure */
int strv_builder_extend(StrvBuilder *b, const char *value); /* copies */
/* Append every element (copies) of a list. */
int strv_builder_extend_strv(StrvBuilder *b, char *const *l);
/* The list, trimmed to its length ("empty" is a list, not NULL; NULL only on ENOMEM); b is reset. */
char **strv_builder_steal(StrvBuilder *b);
void strv_builder_done(StrvBuilder *b);                    /* frees the list and its strings */
#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
