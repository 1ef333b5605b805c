/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "base/util.h"

const char *endswith(const char *s, const char *suffix) {
        size_t sl = strlen(s), pl = strlen(suffix);
        if (pl > sl) return NULL;
        return memcmp(s + sl - pl, suffix, pl) == 0 ? s + sl - pl : NULL;
}

const char *startswith_no_case(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncasecmp(s, prefix, l) == 0 ? s + l : NULL;
}

char *strdup_or_null(const char *s) {
        return s ? strdup(s) : NULL;
}

char *strndup_safe(const char *s, size_t n) {
        return strndup(s, n);
}

char *strjoin_real(const char *first, ...) {
        va_list ap;
        size_t l = 0;
        va_start(ap, first);
        for (const char *p = first; p; p = va_arg(ap, const char *)) l += strlen(p);
        va_end(ap);
        char *r = malloc(l + 1), *q = r;
        if (!r) return NULL;
        va_start(ap, first);
        for (const char *p = first; p; p = va_arg(ap, const char *)) q = stpcpy(q, p);
        va_end(ap);
        *q = 0;
        return r;
}

char *strstrip(char *s) {
        s += strspn(s, WHITESPACE);
        size_t l = strlen(s);
        while (l > 0 && strchr(WHITESPACE, s[l - 1])) l--;
        s[l] = 0;
        return s;
}

char *delete_chars(char *s, const char *bad) {
        char *w = s;
        for (char *r = s; *r; r++)
                if (!strchr(bad, *r)) *w++ = *r;
        *w = 0;
        return s;
}

int free_and_strdup(char **p, const char *s) {
        char *n = NULL;
        if (s && !(n = strdup(s))) return -ENOMEM;
        free(*p);
        *p = n;
        return 0;
}

char *xasprintf(const char *fmt, ...) {
        va_list ap;
        char *r;
        va_start(ap, fmt);
        int n = vasprintf(&r, fmt, ap);
        va_end(ap);
        return n < 0 ? NULL : r;
}

static int buf_reserve(Buf *b, size_t extra) {
        if (b->len + extra + 1 <= b->cap) return 0;
        size_t want = b->cap ? b->cap : 64;
        while (want < b->len + extra + 1) {
                if (want > SIZE_MAX / 2) return -ENOMEM;
                want *= 2;
        }
        char *n = realloc(b->s, want);
        if (!n) return -ENOMEM;
        b->s = n;
        b->cap = want;
        return 0;
}

int buf_put(Buf *b, const char *s, size_t n) {
        if (buf_reserve(b, n) < 0) return -ENOMEM;
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = 0;
        return 0;
}

int buf_puts(Buf *b, const char *s) { return buf_put(b, s, strlen(s)); }
int buf_putc(Buf *b, char c) { return buf_put(b, &c, 1); }

int buf_printf(Buf *b, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0) return -EINVAL;
        if (buf_reserve(b, (size_t)n) < 0) return -ENOMEM;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return 0;
}

char *buf_steal(Buf *b) {
        char *r = b->s ? b->s : strdup("");
        /* the result is usually kept (parsed configuration): give back the doubling's slack */
        if (b->s && b->cap > b->len + 1) {
                char *n = realloc(b->s, b->len + 1);
                if (n) r = n;
        }
        b->s = NULL;
        b->len = b->cap = 0;
        return r;
}

void buf_free(Buf *b) {
        free(b->s);
        b->s = NULL;
        b->len = b->cap = 0;
}

int read_file_bounded(int dirfd, const char *path, size_t max, char **ret, size_t *ret_size) {
        /* O_NONBLOCK so a FIFO named like a unit cannot block us; we refuse it below anyway. */
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0) return -errno;
        if (S_ISDIR(st.st_mode)) return -EISDIR;
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) { /* /dev/null: empty */
                *ret = strdup("");
                if (ret_size) *ret_size = 0;
                return *ret ? 0 : -ENOMEM;
        }
        if (!S_ISREG(st.st_mode)) return -EBADFD;
        if ((uint64_t)st.st_size > max) return -EFBIG;
        size_t cap = (size_t)st.st_size + 1, len = 0;
        /* /proc and /sys report 0 for files that are not empty (boot_id, comm, ...): one read of up
         * to a page instead of reads of 1, 1, 2, 4 ... bytes; the buffer is trimmed below */
        if (st.st_size == 0) cap = max < 4095 ? max + 1 : 4096;
        char *b = malloc(cap + 1);
        if (!b) return -ENOMEM;
        for (;;) {
                if (len == cap) { /* the file grew while we read it */
                        if (cap > max) { free(b); return -EFBIG; }
                        size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
                        char *n = realloc(b, ncap + 1);
                        if (!n) { free(b); return -ENOMEM; }
                        b = n;
                        cap = ncap;
                }
                ssize_t k = read(fd, b + len, cap - len);
                if (k < 0) {
                        if (errno == EINTR) continue;
                        int e = -errno;
                        free(b);
                        return e;
                }
                if (k == 0) break;
                len += (size_t)k;
        }
        if (len > max) { free(b); return -EFBIG; }
        if (st.st_size == 0 && len + 1 < cap) {
                char *n = realloc(b, len + 1);
                if (n) b = n;
        }
        b[len] = 0;
        *ret = b;
        if (ret_size) *ret_size = len;
        return 0;
}

int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);
        if (!p) return -ENOMEM;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST) return -errno;
                *s = '/';
        }
        return 0;
}

bool env_name_is_valid(const char *s, size_t n) {
        if (n == 0 || n > 4096 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!strchr(LETTERS DIGITS "_", s[i]) || s[i] == 0)
                        return false;
        return true;
}

bool env_assignment_is_valid(const char *s) {
        const char *eq = strchr(s, '=');
        return eq && env_name_is_valid(s, (size_t)(eq - s));
}
