/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include "base/escape.h"
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

int env_merge(char ***env, char *const *assignments) {
        STRV_FOREACH(a, assignments) {
                const char *eq = strchr(*a, '=');
                if (!eq) continue;
                _cleanup_free_ char *name = strndup(*a, (size_t)(eq - *a));
                if (!name) return -ENOMEM;
                int r = env_set(env, name, eq + 1);
                if (r < 0) return r;
        }
        return 0;
}

void env_unset(char **env, const char *spec) {
        if (!env) return;
        bool exact = strchr(spec, '=') != NULL;
        size_t n = strlen(spec);
        char **w = env;
        for (char **r = env; *r; r++) {
                bool drop = exact ? streq(*r, spec) : name_matches(*r, spec, n);
                if (drop) free(*r);
                else *w++ = *r;
        }
        *w = NULL;
}

int env_file_read(const char *path, char ***env) {
        _cleanup_free_ char *data = NULL;
        int r = read_file_bounded(AT_FDCWD, path, ENV_FILE_MAX, &data, NULL);
        if (r < 0) return r;
        /* join backslash-newline continuations */
        char *w = data;
        for (char *p = data; *p; p++) {
                if (p[0] == '\\' && p[1] == '\n') { p++; continue; }
                *w++ = *p;
        }
        *w = 0;
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
                if ((r = env_set(env, name, value)) < 0) return r;
        }
        return 0;
}

static bool name_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Replace ${X} (and $$) inside a word. */
static int expand_word(const char *w, char *const *env, char **ret) {
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
                        const char *v = env_get(env, name);
                        if (v) r = buf_puts(&b, v);
                        p = end + 1;
                } else {
                        r = buf_putc(&b, *p);
                        p++;
                }
        }
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        *ret = buf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

int env_expand_argv(char *const *argv, char *const *env, char ***ret) {
        _cleanup_strv_free_ char **out = strv_new_empty();
        if (!out) return -ENOMEM;
        STRV_FOREACH(a, argv) {
                const char *w = *a;
                int r;
                if (w[0] == '$' && w[1] != '{' && w[1] != '$' && w[1] && name_char(w[1])) {
                        size_t n = 1;
                        while (name_char(w[n])) n++;
                        if (w[n] == 0) {  /* the whole word is $X: split the value into words */
                                const char *v = env_get(env, w + 1);
                                _cleanup_strv_free_ char **parts = NULL;
                                if (v && (r = strv_split_full(&parts, v, WHITESPACE, 0)) < 0) return r;
                                if ((r = strv_extend_strv(&out, parts, false)) < 0) return r;
                                continue;
                        }
                }
                char *e = NULL;
                if ((r = expand_word(w, env, &e)) < 0 || (r = strv_push(&out, e)) < 0) return r;
        }
        *ret = TAKE_PTR(out);
        return 0;
}
