/* SPDX-License-Identifier: MIT */
#include "base/hashmap.h"
#include "base/strv-index.h"
#include "base/util.h"

typedef struct Entry {
        char ***slot;         /* where the list is held */
        char **known;         /* *slot when last seen: another value means the list was replaced */
        size_t n, cap;        /* length, allocated elements (including the NULL) */
        Hashmap *members;     /* unique lists: the list's strings (borrowed), once asked for */
        bool env;             /* environment list: deduplicate by name when the index is freed */
} Entry;

/* A unit has a few dozen lists: a scan of the entries (after the last one used, which is the next
 * one used nearly always) is cheaper than hashing addresses. */
struct StrvIndex {
        Entry *v;
        size_t n, cap, last;
};

StrvIndex *strv_index_new(void) {
        return calloc(1, sizeof(StrvIndex));
}

static void entry_drop_members(Entry *e) {
        hashmap_free(e->members);
        e->members = NULL;
}

/* The entry of the list at l, measured again if the list changed; NULL on ENOMEM. */
static Entry *entry_get(StrvIndex *x, char ***l) {
        Entry *e = NULL;
        if (x->last < x->n && x->v[x->last].slot == l)
                e = &x->v[x->last];
        for (size_t i = 0; !e && i < x->n; i++)
                if (x->v[i].slot == l) {
                        e = &x->v[i];
                        x->last = i;
                }
        if (!e) {
                if (x->n == x->cap) {
                        size_t nc = x->cap ? x->cap * 2 : 16;
                        Entry *v = realloc(x->v, nc * sizeof *v);
                        if (!v) return NULL;
                        x->v = v;
                        x->cap = nc;
                }
                e = &x->v[x->n];
                *e = (Entry){ .slot = l, .known = (char **)(uintptr_t)1 };  /* no list is at 1: measured below */
                x->last = x->n++;
        }
        if (e->known != *l) {
                e->known = *l;
                e->n = strv_length(*l);
                e->cap = *l ? e->n + 1 : 0;   /* what realloc() gave is unknown: assume no room */
                entry_drop_members(e);
        }
        return e;
}

static int entry_reserve(Entry *e) {
        if (e->n + 2 <= e->cap) return 0;
        size_t nc = e->cap < 8 ? 8 : e->cap * 2;
        if (nc > SIZE_MAX / sizeof(char *) / 2) return -ENOMEM;
        char **l = realloc(*e->slot, nc * sizeof(char *));
        if (!l) return -ENOMEM;
        *e->slot = e->known = l;
        e->cap = nc;
        return 0;
}

/* The set of the list's strings, built on first use; NULL on ENOMEM (callers then scan). */
static Hashmap *entry_members(Entry *e) {
        if (e->members) return e->members;
        Hashmap *h = hashmap_new();
        for (size_t i = 0; h && i < e->n; i++) {
                int r = hashmap_put(h, (*e->slot)[i], (*e->slot)[i]);
                if (r < 0 && r != -EEXIST) {
                        hashmap_free(h);
                        h = NULL;
                }
        }
        return e->members = h;
}

static bool entry_contains(Entry *e, const char *value) {
        Hashmap *h = entry_members(e);
        if (h) return hashmap_get(h, value) != NULL;
        for (size_t i = 0; i < e->n; i++)
                if (streq((*e->slot)[i], value)) return true;
        return false;
}

/* 1, or -ENOMEM (value left to the caller). */
static int entry_append(Entry *e, char *value) {
        if (entry_reserve(e) < 0) return -ENOMEM;
        if (e->members && hashmap_put(e->members, value, value) < 0)
                entry_drop_members(e);   /* rebuilt when next needed */
        (*e->slot)[e->n++] = value;
        (*e->slot)[e->n] = NULL;
        return 1;
}

static int entry_push(Entry *e, char *value) {
        int r = entry_append(e, value);
        if (r < 0) free(value);
        return r < 0 ? r : 0;
}

int strv_index_append(StrvIndex *x, char ***l, char *value) {
        if (!x) {
                size_t n = strv_length(*l);
                char **t = realloc(*l, (n + 2) * sizeof(char *));
                if (!t) return -ENOMEM;
                t[n] = value;
                t[n + 1] = NULL;
                *l = t;
                return 1;
        }
        Entry *e = entry_get(x, l);
        return e ? entry_append(e, value) : -ENOMEM;
}

int strv_index_push(StrvIndex *x, char ***l, char *value) {
        if (!value) return -ENOMEM;
        if (!x) return strv_push(l, value);
        Entry *e = entry_get(x, l);
        if (!e) {
                free(value);
                return -ENOMEM;
        }
        return entry_push(e, value);
}

int strv_index_extend(StrvIndex *x, char ***l, const char *value) {
        return strv_index_push(x, l, strdup(value));
}

bool strv_index_contains(StrvIndex *x, char ***l, const char *value) {
        Entry *e = x ? entry_get(x, l) : NULL;
        return e ? entry_contains(e, value) : strv_contains(*l, value);
}

int strv_index_push_unique(StrvIndex *x, char ***l, char *value) {
        if (!value) return -ENOMEM;
        if (!x) {
                if (strv_contains(*l, value)) {
                        free(value);
                        return 0;
                }
                int r = strv_push(l, value);
                return r < 0 ? r : 1;
        }
        Entry *e = entry_get(x, l);
        if (!e) {
                free(value);
                return -ENOMEM;
        }
        if (entry_contains(e, value)) {
                free(value);
                return 0;
        }
        int r = entry_append(e, value);
        if (r < 0) free(value);
        return r;
}

static size_t env_name_len(const char *a) {
        const char *eq = strchr(a, '=');
        return eq ? (size_t)(eq - a) : strlen(a);
}

int strv_index_push_env(StrvIndex *x, char ***l, char *assignment) {
        if (!assignment) return -ENOMEM;
        if (!x) {
                size_t n = env_name_len(assignment);
                for (char **p = *l; p && *p; p++)
                        if (strncmp(*p, assignment, n) == 0 && (*p)[n] == '=') {
                                free(*p);
                                memmove(p, p + 1, (strv_length(p + 1) + 1) * sizeof(char *));
                                break;
                        }
                return strv_push(l, assignment);
        }
        Entry *e = entry_get(x, l);
        if (!e) {
                free(assignment);
                return -ENOMEM;
        }
        e->env = true;
        return entry_push(e, assignment);
}

const char *strv_index_last(StrvIndex *x, char ***l) {
        Entry *e = x ? entry_get(x, l) : NULL;
        size_t n = e ? e->n : strv_length(*l);
        return n > 0 ? (*l)[n - 1] : NULL;
}

void strv_index_pop(StrvIndex *x, char ***l) {
        Entry *e = x ? entry_get(x, l) : NULL;
        size_t n = e ? e->n : strv_length(*l);
        if (n == 0) return;
        if (e && e->members) hashmap_remove(e->members, (*l)[n - 1]);
        free((*l)[n - 1]);
        (*l)[n - 1] = NULL;
        if (e) e->n--;
}

void strv_index_reset(StrvIndex *x, char ***l) {
        strv_free(*l);
        *l = NULL;
        strv_index_forget(x, l);
}

void strv_index_forget(StrvIndex *x, char ***l) {
        for (size_t i = 0; x && i < x->n; i++)
                if (x->v[i].slot == l) {
                        entry_drop_members(&x->v[i]);
                        x->v[i].known = (char **)(uintptr_t)1;
                }
}

/* Keep only the last assignment of each name, in the order of those last assignments. */
static void env_dedup(char **l, size_t n) {
        size_t total = 0;
        for (size_t i = 0; i < n; i++) total += env_name_len(l[i]) + 1;
        _cleanup_free_ char *names = malloc(total ? total : 1);
        Hashmap *seen = names ? hashmap_new() : NULL;
        char *w = names;
        /* from the end: the first assignment of a name met is its last one */
        for (size_t i = n; i-- > 0;) {
                size_t k = env_name_len(l[i]);
                bool dup = false;
                if (seen) {
                        memcpy(w, l[i], k);
                        w[k] = 0;
                        int r = hashmap_put(seen, w, w);
                        dup = r == -EEXIST;
                        if (r >= 0) w += k + 1;
                        else if (r != -EEXIST) {   /* ENOMEM: compare by hand from here on */
                                hashmap_free(seen);
                                seen = NULL;
                        }
                }
                for (size_t j = i + 1; !seen && !dup && j < n; j++)
                        dup = l[j] && strncmp(l[j], l[i], k) == 0 && l[j][k] == '=';
                if (dup) {
                        free(l[i]);
                        l[i] = NULL;
                }
        }
        hashmap_free(seen);
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
                if (l[i]) l[kept++] = l[i];
        l[kept] = NULL;
}

void strv_index_free(StrvIndex *x) {
        if (!x) return;
        for (size_t i = 0; i < x->n; i++) {
                Entry *e = &x->v[i];
                entry_drop_members(e);
                char **l = *e->slot;
                if (!l) continue;
                size_t n = strv_length(l);   /* the list as it is, whatever the entry says */
                if (e->env && e->known == l) {
                        env_dedup(l, n);
                        n = strv_length(l);
                }
                char **t = realloc(l, (n + 1) * sizeof(char *));
                if (t) *e->slot = t;
        }
        free(x->v);
        free(x);
}
