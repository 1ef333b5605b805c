/* SPDX-License-Identifier: MIT */
#include "base/utf8.h"

bool unichar_is_valid(uint32_t c) {
        return c < 0x110000 && (c & 0xfffff800) != 0xd800 && !(c >= 0xfdd0 && c <= 0xfdef) &&
               (c & 0xfffe) != 0xfffe;
}

size_t utf8_sequence_len(const void *s, size_t n, bool strict) {
        const unsigned char *u = s;
        size_t k;
        uint32_t c;
        if (u[0] < 0x80)
                return 1;
        if ((u[0] & 0xe0) == 0xc0)
                k = 2, c = u[0] & 0x1f;
        else if ((u[0] & 0xf0) == 0xe0)
                k = 3, c = u[0] & 0x0f;
        else if ((u[0] & 0xf8) == 0xf0)
                k = 4, c = u[0] & 0x07;
        else
                return 0;  /* a continuation byte, or a 5/6-byte form (always above U+10FFFF) */
        if (k > n)
                return 0;
        for (size_t i = 1; i < k; i++) {
                if ((u[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (u[i] & 0x3f);
        }
        size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (need != k || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return 0;
        if (strict && !unichar_is_valid(c))
                return 0;
        return k;
}

bool utf8_is_valid_n(const char *s, size_t n, bool strict) {
        for (size_t i = 0; i < n;) {
                size_t k = utf8_sequence_len(s + i, n - i, strict);
                if (k == 0)
                        return false;
                i += k;
        }
        return true;
}
