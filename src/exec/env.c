/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include "base/escape.h"
#include "base/hashmap.h"
#include "base/strv.h"
#include "base/util.h"
#include "exec/env.h"

#define ENV_FILE_MAX (4u << 20)

static bool name_matches(const char *entry, const char *name, size_t n) {
        return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

const char *env_get(char *const *env, const char *name) {
        size_t n = strlen(name);
        const char *found = NULL;
        STRV_FOREACH(e, env)
                if (name_matches(*e, name, n)) found = *e + n + 1;  /* the last one wins */
        return found;
}

int env_set(char ***env, const char *name, const char *value) {
        char *kv = strjoin(name, "=", value);
        if (!kv) return -ENOMEM;
        size_t n = strlen(name);
        for (char **e = *env; e && *e; e++)
                if (name_matches(*e, name, n)) {
                        free(*e);
                        *e = kv;
                        return 0;
                }
        return strv_push(env, kv);
}

static size_t name_len(const char *assignment) {
        return strcspn(assignment, "=");
}

/* The names of a set of assignments, NUL-terminated in one buffer, mapped to a position + 1: what
 * makes merging and unsetting O(1) per assignment instead of a scan of the whole environment. */
typedef struct EnvNames {
        Hashmap *map;
        char *buf, *w;
} EnvNames;

static void env_names_done(EnvNames *n) {
        hashmap_free(n->map);
        free(n->buf);
}

static int env_names_init(EnvNames *n, char *const *a, char *const *b) {
        size_t total = 1;
        STRV_FOREACH(p, a) total += name_len(*p) + 1;
        STRV_FOREACH(p, b) total += strlen(*p) + 1;
        *n = (EnvNames){ .map = hashmap_new(), .buf = malloc(total) };
        n->w = n->buf;
        return n->map && n->buf ? 0 : -ENOMEM;
}

/* Copies the first len bytes of s as a key; returns it. */
static const char *env_names_key(EnvNames *n, const char *s, size_t len) {
        const char *k = n->w;
        memcpy(n->w, s, len);
        n->w[len] = 0;
        n->w += len + 1;
        return k;
}

static size_t env_names_get(const EnvNames *n, const char *key) {
        return (size_t)(uintptr_t)hashmap_get(n->map, key);
}

int env_merge(char ***env, char *const *assignments) {
        size_t n = strv_length(*env), m = strv_length(assignments);
        if (m == 0) return 0;
        _cleanup_(env_names_done) EnvNames names = {};
        int r = env_names_init(&names, *env, assignments);
        if (r < 0) return r;
        char **l = realloc(*env, (n + m + 1) * sizeof(char *));
        if (!l) return -ENOMEM;
        *env = l;
        l[n] = NULL;
        for (size_t i = 0; i < n; i++) {   /* the first entry of a name is the one replaced */
                if (l[i][name_len(l[i])] != '=') continue;
                const char *k = env_names_key(&names, l[i], name_len(l[i]));
                if (!env_names_get(&names, k) && hashmap_put(names.map, k, (void *)(uintptr_t)(i + 1)) < 0) return -ENOMEM;
        }
        STRV_FOREACH(a, assignments) {
                const char *eq = strchr(*a, '=');
                if (!eq) continue;
                char *v = strdup(*a);
                if (!v) return -ENOMEM;
                const char *k = env_names_key(&names, *a, (size_t)(eq - *a));
                size_t at = env_names_get(&names, k);
                if (at) {
                        free(l[at - 1]);
                        l[at - 1] = v;
                        continue;
                }
                if (hashmap_put(names.map, k, (void *)(uintptr_t)(n + 1)) < 0) {
                        free(v);
                        return -ENOMEM;
                }
                l[n++] = v;
                l[n] = NULL;
        }
        return 0;
}

void env_unset(char **env, const char *spec) {
        char *const specs[] = { (char *)spec, NULL };
        env_unset_all(env, specs);
}

void env_unset_all(char **env, char *const *specs) {
        if (!env || strv_isempty(specs)) return;
        /* the specs, "NAME" and "NAME=VALUE" alike, in a set: an entry is looked up by its name and
         * by itself, O(1) each, instead of being compared with every spec */
        Hashmap *drop = hashmap_new();
        Buf key = {0};
        bool ok = drop;
        STRV_FOREACH(s, specs) {
                int r = ok ? hashmap_put(drop, *s, *s) : 0;
                if (r < 0 && r != -EEXIST) ok = false;
        }
        size_t w = 0;
        for (size_t r = 0; env[r]; r++) {
                size_t k = name_len(env[r]);
                bool d = false;
                if (env[r][k] == '=') {
                        key.len = 0;
                        if (ok && buf_put(&key, env[r], k) < 0) ok = false;
                        if (ok)
                                d = hashmap_get(drop, env[r]) || hashmap_get(drop, key.s);
                        else   /* ENOMEM: compare with each spec */
                                STRV_FOREACH(s, specs)
                                        if (strchr(*s, '=') ? streq(env[r], *s) : name_matches(env[r], *s, strlen(*s))) d = true;
                }
                if (d) free(env[r]);
                else env[w++] = env[r];
        }
        env[w] = NULL;
        buf_free(&key);
        hashmap_free(drop);
}

int env_file_read(const char *path, char ***env) {
        _cleanup_free_ char *data = NULL;
        int r = read_file_bounded(AT_FDCWD, path, ENV_FILE_MAX, &data, NULL);
        if (r < 0) return r;
        return env_file_parse(data, env);
}

int env_file_parse(char *data, char ***env) {
        int r;
        /* join backslash-newline continuations */
        char *w = data;
        for (char *p = data; *p; p++) {
                if (p[0] == '\\' && p[1] == '\n') { p++; continue; }
                *w++ = *p;
        }
        *w = 0;
        /* the assignments in file order, merged at once: later ones win, as one env_set() each */
        _cleanup_(strv_builder_done) StrvBuilder found = {0};
        char *save = NULL;
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                line = strstrip(line);
                if (!*line || *line == '#' || *line == ';') continue;
                const char *l = startswith(line, "export ") ? line + 7 : line;
                const char *eq = strchr(l, '=');
                if (!eq || eq == l) continue;
                _cleanup_free_ char *name = strndup(l, (size_t)(eq - l)), *value = NULL;
                if (!name) return -ENOMEM;
                strstrip(name);
                const char *v = eq + 1;
                v += strspn(v, WHITESPACE);
                if (*v == '"' || *v == '\'') {
                        const char *p = v;
                        if (extract_first_word(&p, &value, "", EXTRACT_UNQUOTE | EXTRACT_RELAX | EXTRACT_CUNESCAPE) < 0)
                                continue;
                        if (!value && !(value = strdup(""))) return -ENOMEM;
                } else if (!(value = strdup(v)))
                        return -ENOMEM;
                if ((r = strv_builder_push(&found, strjoin(name, "=", value))) < 0) return r;
        }
        return env_merge(env, found.l);
}

static bool name_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The kernel refuses (E2BIG) an argument longer than MAX_ARG_STRLEN (32 pages) and an argument
 * list larger than 6 MiB (3/4 of _STK_LIM, whatever RLIMIT_STACK is): an expansion that grows
 * beyond either is refused here, before it takes that much of PID 1's memory. */
#define ENV_ARG_MAX (32u * 4096u)
#define ENV_ARGV_MAX (6u * 1024u * 1024u)

/* Lookups of ${X} in O(1): the environment's values by name, the last assignment winning (as
 * env_get()), built on the first lookup. */
typedef struct EnvLookup {
        char *const *env;
        EnvNames names;
        bool built, failed;
} EnvLookup;

static void env_lookup_done(EnvLookup *lk) {
        env_names_done(&lk->names);
}

static const char *lookup(EnvLookup *lk, const char *name) {
        if (!lk->built && !lk->failed) {
                lk->failed = env_names_init(&lk->names, lk->env, NULL) < 0;
                STRV_FOREACH(e, lk->failed ? NULL : lk->env) {
                        size_t k = name_len(*e);
                        if ((*e)[k] != '=') continue;
                        const char *key = env_names_key(&lk->names, *e, k);
                        if (hashmap_replace(lk->names.map, key, (void *)(*e + k + 1)) < 0) lk->failed = true;
                }
                lk->built = !lk->failed;
        }
        return lk->built ? hashmap_get(lk->names.map, name) : env_get(lk->env, name);
}

/* Replace ${X} (and $$) inside a word. */
static int expand_word(const char *w, EnvLookup *lk, char **ret) {
        Buf b = {0};
        int r = 0;
        for (const char *p = w; *p && r >= 0;) {
                if (p[0] == '$' && p[1] == '$') {
                        r = buf_putc(&b, '$');
                        p += 2;
                } else if (p[0] == '$' && p[1] == '{') {
                        const char *end = strchr(p + 2, '}');
                        if (!end) { r = buf_puts(&b, p); break; }
                        _cleanup_free_ char *name = strndup(p + 2, (size_t)(end - p - 2));
                        if (!name) { r = -ENOMEM; break; }
                        const char *v = lookup(lk, name);
                        if (v) r = buf_puts(&b, v);
                        p = end + 1;
                } else {
                        r = buf_putc(&b, *p);
                        p++;
                }
                if (r >= 0 && b.len >= ENV_ARG_MAX) r = -E2BIG;
        }
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

/* Counts an argument against the kernel's limits. */
static int account(size_t *total, const char *arg) {
        size_t l = strlen(arg) + 1;
        if (l > ENV_ARG_MAX) return -E2BIG;
        *total += l + sizeof(char *);
        return *total > ENV_ARGV_MAX ? -E2BIG : 0;
}

int env_expand_argv(char *const *argv, char *const *env, char ***ret) {
        _cleanup_(strv_builder_done) StrvBuilder out = {0};
        _cleanup_(env_lookup_done) EnvLookup lk = { .env = env };
        size_t total = 0;
        STRV_FOREACH(a, argv) {
                const char *w = *a;
                int r;
                if (w[0] == '$' && w[1] != '{' && w[1] != '$' && w[1] && name_char(w[1])) {
                        size_t n = 1;
                        while (name_char(w[n])) n++;
                        if (w[n] == 0) {  /* the whole word is $X: split the value into words */
                                const char *v = lookup(&lk, w + 1);
                                for (const char *p = v;;) {
                                        char *word = NULL;
                                        r = p ? extract_first_word(&p, &word, WHITESPACE, 0) : 0;
                                        if (r <= 0) {
                                                if (r < 0) return r;
                                                break;
                                        }
                                        if ((r = account(&total, word)) < 0 || (r = strv_builder_push(&out, word)) < 0) {
                                                if (r == -E2BIG) free(word);
                                                return r;
                                        }
                                }
                                continue;
                        }
                }
                char *e = NULL;
                if ((r = expand_word(w, &lk, &e)) < 0) return r;
                if ((r = account(&total, e)) < 0) {
                        free(e);
                        return r;
                }
                if ((r = strv_builder_push(&out, e)) < 0) return r;
        }
        if (!(*ret = strv_builder_steal(&out))) return -ENOMEM;
        return 0;
}
