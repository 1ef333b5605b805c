/* SPDX-License-Identifier: MIT */
/* Brace expansion for glob(3) where the C library has none (musl); see glob-util.h.
 * tests/unit/test-glob-util.c compares it with glibc's GLOB_BRACE. */
#include "base/glob-util.h"
#include "base/strv.h"
#include "base/util.h"

/* The end of one alternative starting at p: the ',' or '}' at depth 0, or NULL if the brace is
 * never closed. Backslashes escape the next character. */
static const char *alternative_end(const char *p) {
        size_t depth = 0;
        for (; *p; p++) {
                if (*p == '\\') {
                        if (!*++p) return NULL;
                        continue;
                }
                if (*p == '{') depth++;
                else if (*p == '}' && depth-- == 0) return p;
                else if (*p == ',' && depth == 0) return p;
        }
        return NULL;
}

static const char *first_open_brace(const char *p) {
        for (; *p; p++) {
                if (*p == '\\' && p[1]) p++;
                else if (*p == '{') return p;
        }
        return NULL;
}

/* The alternatives of the first brace: each is expanded again with the text after the closing
 * brace, so nested and later braces expand too; depth is bounded by the pattern's braces. */
static int expand(const char *pattern, char ***out, size_t *n) {
        const char *open = first_open_brace(pattern), *end = open, *close;
        if (open)
                for (close = open; close && *close != '}';) close = alternative_end(close + 1);
        if (!open || !close) {  /* no brace, or one never closed: glibc globs it as it is */
                if (++*n > BRACE_EXPANSIONS_MAX) return -E2BIG;
                return strv_extend(out, pattern);
        }
        size_t head = (size_t)(open - pattern);
        const char *rest = close + 1;
        for (const char *alt = open + 1;; alt = end + 1) {
                end = alternative_end(alt);
                _cleanup_free_ char *s = malloc(head + (size_t)(end - alt) + strlen(rest) + 1);
                if (!s) return -ENOMEM;
                memcpy(s, pattern, head);
                memcpy(s + head, alt, (size_t)(end - alt));
                strcpy(s + head + (end - alt), rest);
                int r = expand(s, out, n);
                if (r < 0) return r;
                if (end == close) return 0;
        }
}

int brace_expand(const char *pattern, char ***out) {
        size_t n = 0;
        return expand(pattern, out, &n);
}

int glob_brace_expanded(const char *pattern, int flags, glob_t *g) {
        _cleanup_strv_free_ char **alts = NULL;
        int r = brace_expand(pattern, &alts);
        *g = (glob_t) { 0 };
        if (r < 0) return GLOB_NOSPACE;
        /* every alternative appends, as glibc does: the matches in alternative order */
        STRV_FOREACH(a, alts) {
                r = glob(*a, flags | GLOB_APPEND, NULL, g);
                if (r != 0 && r != GLOB_NOMATCH) return r;
        }
        return g->gl_pathc > 0 ? 0 : GLOB_NOMATCH;
}

int glob_brace(const char *pattern, int flags, glob_t *g) {
#ifdef GLOB_BRACE
        return glob(pattern, flags | GLOB_BRACE, NULL, g);
#else
        return glob_brace_expanded(pattern, flags, g);
#endif
}
