/* SPDX-License-Identifier: MIT */
#pragma once
/* Small helpers used everywhere: cleanup attributes, string predicates, array sizes.
 * Functions return 0/positive on success and a negative errno on failure. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) {
        if (*fd >= 0) {
                int e = errno;
                close(*fd);
                errno = e;
        }
}

/* Take ownership out of a cleanup variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b) return a == b;
        return strcmp(a, b) == 0;
}
static inline bool isempty(const char *s) { return !s || !*s; }
static inline const char *strempty(const char *s) { return s ? s : ""; }
static inline const char *strna(const char *s) { return s ? s : "n/a"; }

/* Returns pointer past prefix, or NULL. */
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}
const char *endswith(const char *s, const char *suffix);
const char *startswith_no_case(const char *s, const char *prefix);

/* v in decimal into buf (no NUL); returns the number of digits (at most 20). For hot paths where
 * snprintf's parsing showed in profiles. */
static inline size_t format_u64(char buf[static 20], uint64_t v) {
        char t[20];
        size_t n = 0;
        do t[n++] = (char)('0' + v % 10); while ((v /= 10) > 0);
        for (size_t i = 0; i < n; i++) buf[i] = t[n - 1 - i];
        return n;
}

#define WHITESPACE " \t\n\r"
#define NEWLINE "\n\r"
#define DIGITS "0123456789"
#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

char *strdup_or_null(const char *s); /* NULL stays NULL; else strdup (NULL on ENOMEM: check errno) */
char *strjoin_real(const char *first, ...) __attribute__((sentinel));
#define strjoin(...) strjoin_real(__VA_ARGS__, NULL)
char *strndup_safe(const char *s, size_t n);
char *strstrip(char *s);   /* strips in place, returns start */
char *delete_chars(char *s, const char *bad);
int free_and_strdup(char **p, const char *s);  /* replaces *p; s may be NULL */
char *xasprintf(const char *fmt, ...) _printf_(1, 2); /* NULL on ENOMEM */

/* Dynamic string buffer, bounded by caller's checks. */
typedef struct {
        char *s;
        size_t len, cap;
} Buf;
int buf_put(Buf *b, const char *s, size_t n);
int buf_puts(Buf *b, const char *s);
int buf_putc(Buf *b, char c);
int buf_printf(Buf *b, const char *fmt, ...) _printf_(2, 3);
char *buf_steal(Buf *b); /* returns NUL-terminated string ("" if empty), resets b */
void buf_free(Buf *b);

/* Read a whole file, refusing files larger than max (returns -EFBIG), directories (-EISDIR),
 * and anything that is not a regular file or /dev/null (-EBADF... see util.c). */
/* Create every missing ancestor directory of path (not path itself) with mode. */
int mkdir_parents(const char *path, mode_t mode);
int read_file_bounded(int dirfd, const char *path, size_t max, char **ret, size_t *ret_size);
/* An environment variable's name (letters, digits, '_', not starting with a digit, at most 4096
 * bytes: systemd's rule), and a "NAME=value" assignment with such a name. */
bool env_name_is_valid(const char *s, size_t n);
bool env_assignment_is_valid(const char *s);
