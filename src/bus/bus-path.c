/* SPDX-License-Identifier: MIT */
#include "base/util.h"
#include "bus/bus-message.h"
#include "bus/bus-path.h"

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static int unhex(char c) {
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

char *bus_label_escape(const char *s) {
        static const char hex[] = "0123456789abcdef";

        if (!s)
                return NULL;
        if (!*s)
                return strdup("_");  /* a label cannot be empty */
        size_t n = strlen(s);
        if (n > (SIZE_MAX - 1) / 3)
                return NULL;
        char *r = malloc(n * 3 + 1), *t = r;
        if (!r)
                return NULL;
        for (const char *f = s; *f; f++) {
                /* a digit is kept except in first position (labels are like C identifiers) */
                if (is_alpha(*f) || (f > s && is_digit(*f)))
                        *t++ = *f;
                else {
                        unsigned char c = (unsigned char) *f;
                        *t++ = '_';
                        *t++ = hex[c >> 4];
                        *t++ = hex[c & 15];
                }
        }
        *t = 0;
        return r;
}

char *bus_label_unescape_n(const char *f, size_t l) {
        if (!f)
                return NULL;
        if (l == 1 && f[0] == '_')
                return strdup("");
        char *r = malloc(l + 1), *t = r;
        if (!r)
                return NULL;
        for (size_t i = 0; i < l; i++) {
                int a, b;
                if (f[i] == '_' && l - i >= 3 && (a = unhex(f[i + 1])) >= 0 && (b = unhex(f[i + 2])) >= 0) {
                        *t++ = (char) ((a << 4) | b);
                        i += 2;
                } else
                        *t++ = f[i];  /* not an escape: literal, as systemd does */
        }
        *t = 0;
        return r;
}

int bus_path_encode(const char *prefix, const char *external_id, char **ret_path) {
        if (!bus_object_path_is_valid(prefix) || !external_id || !ret_path)
                return -EINVAL;
        _cleanup_free_ char *e = bus_label_escape(external_id);
        if (!e)
                return -ENOMEM;
        char *p = strjoin(prefix, streq(prefix, "/") ? "" : "/", e);
        if (!p)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

/* The part of path below prefix ("" if equal), or NULL when path is not prefix or below it. */
static const char *object_path_startswith(const char *path, const char *prefix) {
        if (streq(prefix, "/"))
                return path + 1;
        const char *p = startswith(path, prefix);
        if (!p)
                return NULL;
        if (*p == 0)
                return p;
        return *p == '/' ? p + 1 : NULL;
}

int bus_path_decode(const char *path, const char *prefix, char **ret_external_id) {
        if (!bus_object_path_is_valid(path) || !bus_object_path_is_valid(prefix) || !ret_external_id)
                return -EINVAL;
        const char *e = object_path_startswith(path, prefix);
        if (!e) {
                *ret_external_id = NULL;
                return 0;
        }
        char *id = bus_label_unescape_n(e, strlen(e));
        if (!id)
                return -ENOMEM;
        *ret_external_id = id;
        return 1;
}
