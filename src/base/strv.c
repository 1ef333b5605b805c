/* SPDX-License-Identifier: MIT */
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

int strv_extend_strv(char ***a, char *const *b, bool filter_duplicates) {
        STRV_FOREACH(p, b) {
                if (filter_duplicates && strv_contains(*a, *p)) continue;
                int r = strv_extend(a, *p);
                if (r < 0) return r;
        }
        return 0;
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
        char **r = strv_new_empty();
        if (!r) return NULL;
        STRV_FOREACH(p, l)
                if (strv_extend(&r, *p) < 0) {
                        strv_free(r);
                        return NULL;
                }
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
        size_t w = 0;
        for (size_t r = 0; l[r]; r++) {
                bool dup = false;
                for (size_t i = 0; i < w; i++)
                        if (streq(l[i], l[r])) { dup = true; break; }
                if (dup)
                        free(l[r]);
                else
                        l[w++] = l[r];
        }
        l[w] = NULL;
}
