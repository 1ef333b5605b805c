/* SPDX-License-Identifier: MIT */
#include "base/hashmap.h"
#include "base/strv.h"
#include "base/util.h"

char **strv_new_empty(void) { return calloc(1, sizeof(char *)); }

void strv_free(char **l) {
        if (!l) return;
        for (char **p = l; *p; p++) free(*p);
        free(l);
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        if (l)
                while (l[n]) n++;
        return n;
}

bool strv_contains(char *const *l, const char *s) {
        STRV_FOREACH(p, l)
                if (streq(*p, s)) return true;
        return false;
}

int strv_push(char ***l, char *value) {
        if (!value) return -ENOMEM;
        size_t n = strv_length(*l);
        char **c = realloc(*l, sizeof(char *) * (n + 2));
        if (!c) {
                free(value);
                return -ENOMEM;
        }
        c[n] = value;
        c[n + 1] = NULL;
        *l = c;
        return 0;
}

int strv_extend(char ***l, const char *value) {
        char *v = strdup(value);
        return v ? strv_push(l, v) : -ENOMEM;
}

/* Whether s is among kept[0..n_kept) or was seen before; remembers it. *set (created on first use
 * for long lists) makes this O(1); without it (a short list, or ENOMEM) the kept strings are
 * scanned. Keys are borrowed: they must live until the set is freed. */
static bool seen_before(Hashmap **set, bool *use_set, char *const *kept, size_t n_kept, const char *s) {
        if (*use_set && !*set && !(*set = hashmap_new())) *use_set = false;
        if (*use_set) {
                int r = hashmap_put(*set, s, (void *)s);
                if (r == -EEXIST) return true;
                if (r >= 0) return false;
                hashmap_free(*set);     /* ENOMEM: scan from now on */
                *set = NULL;
                *use_set = false;
        }
        for (size_t i = 0; i < n_kept; i++)
                if (streq(kept[i], s)) return true;
        return false;
}

int strv_extend_strv(char ***a, char *const *b, bool filter_duplicates) {
        size_t na = strv_length(*a), nb = strv_length(b);
        if (nb == 0) return 0;
        char **l = realloc(*a, sizeof(char *) * (na + nb + 1));
        if (!l) return -ENOMEM;
        *a = l;
        l[na] = NULL;
        Hashmap *set = NULL;
        bool use_set = filter_duplicates && na + nb >= 16;
        for (size_t i = 0; use_set && i < na; i++) (void)seen_before(&set, &use_set, l, 0, l[i]);
        int r = 0;
        for (size_t i = 0; i < nb; i++) {
                if (filter_duplicates && seen_before(&set, &use_set, l, na, b[i])) continue;
                char *v = strdup(b[i]);
                if (!v) { r = -ENOMEM; break; }
                l[na++] = v;
                l[na] = NULL;
        }
        hashmap_free(set);
        return r;
}

int strv_consume_unique(char ***l, char *value) {
        if (!value) return -ENOMEM;
        if (strv_contains(*l, value)) {
                free(value);
                return 0;
        }
        return strv_push(l, value);
}

char **strv_copy(char *const *l) {
        size_t n = strv_length(l);
        char **r = calloc(n + 1, sizeof(char *));
        if (!r) return NULL;
        for (size_t i = 0; i < n; i++)
                if (!(r[i] = strdup(l[i]))) {
                        strv_free(r);
                        return NULL;
                }
        return r;
}

char **strv_flatten(char *const *l) {
        size_t n = strv_length(l), bytes = 0;
        STRV_FOREACH(p, l) {
                size_t k = strlen(*p) + 1;
                if (k > SIZE_MAX - bytes) return NULL;
                bytes += k;
        }
        if (n >= (SIZE_MAX - bytes) / sizeof(char *) - 1) return NULL;
        char **r = malloc((n + 1) * sizeof(char *) + bytes);
        if (!r) return NULL;
        char *w = (char *)(r + n + 1);
        for (size_t i = 0; i < n; i++) {
                size_t k = strlen(l[i]) + 1;
                r[i] = memcpy(w, l[i], k);
                w += k;
        }
        r[n] = NULL;
        return r;
}

char *strv_join(char *const *l, const char *sep) {
        size_t n = 0, sl = strlen(sep);
        STRV_FOREACH(p, l) n += strlen(*p) + sl;
        char *r = malloc(n + 1), *q = r;
        if (!r) return NULL;
        *q = 0;
        STRV_FOREACH(p, l) {
                if (p != l) q = stpcpy(q, sep);
                q = stpcpy(q, *p);
        }
        return r;
}

int strv_remove(char **l, const char *s) {
        int n = 0;
        if (!l) return 0;
        char **w = l;
        for (char **r = l; *r; r++) {
                if (streq(*r, s)) {
                        free(*r);
                        n++;
                } else
                        *w++ = *r;
        }
        *w = NULL;
        return n;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **l) {
        size_t n = strv_length(l);
        if (n > 1) qsort(l, n, sizeof(char *), cmp_str);
}

void strv_uniq(char **l) {
        if (!l) return;
        size_t n = strv_length(l), w = 0;
        Hashmap *set = NULL;
        bool use_set = n >= 16;
        for (size_t r = 0; r < n; r++) {
                if (seen_before(&set, &use_set, l, w, l[r])) {
                        free(l[r]);
                        continue;
                }
                l[w++] = l[r];
        }
        l[w] = NULL;
        hashmap_free(set);
}

/* ---- StrvBuilder ---- */

static int builder_reserve(StrvBuilder *b) {
        if (b->n + 2 <= b->cap) return 0;
        size_t ncap = b->cap ? b->cap * 2 : 8;
        if (ncap > SIZE_MAX / sizeof(char *) / 2) return -ENOMEM;
        char **l = realloc(b->l, ncap * sizeof(char *));
        if (!l) return -ENOMEM;
        b->l = l;
        b->cap = ncap;
        return 0;
}

int strv_builder_push(StrvBuilder *b, char *value) {
        if (!value) return -ENOMEM;
        if (builder_reserve(b) < 0) {
                free(value);
                return -ENOMEM;
        }
        b->l[b->n++] = value;
        b->l[b->n] = NULL;
        return 0;
}

int strv_builder_extend(StrvBuilder *b, const char *value) {
        char *v = strdup(value);
        return v ? strv_builder_push(b, v) : -ENOMEM;
}

int strv_builder_extend_strv(StrvBuilder *b, char *const *l) {
        STRV_FOREACH(p, l) {
                int r = strv_builder_extend(b, *p);
                if (r < 0) return r;
        }
        return 0;
}

char **strv_builder_steal(StrvBuilder *b) {
        char **l = b->l;
        if (!l) return strv_new_empty();
        if (b->cap > b->n + 1) {
                char **t = realloc(l, (b->n + 1) * sizeof(char *));
                if (t) l = t;
        }
        *b = (StrvBuilder){0};
        return l;
}

void strv_builder_done(StrvBuilder *b) {
        strv_free(b->l);
        *b = (StrvBuilder){0};
}
