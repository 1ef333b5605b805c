/* SPDX-License-Identifier: MIT */
/* C escapes and word splitting with systemd 252's rules (escape.c, extract-word.c). The exact
 * behaviour for every flag combination is pinned in tests/unit/test-escape.c. */
#include <limits.h>
#include <stdint.h>
#include "base/escape.h"
#include "base/utf8.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"

static int unhex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -EINVAL;
}

/* Code points systemd's \U accepts: no surrogates, no noncharacters U+FDD0..FDEF / U+xxFFFE/F. */
/* Encodes a code point as UTF-8 into out (room for 4 bytes); returns the byte count. */
static size_t utf8_encode(char *out, uint32_t c) {
        if (c < 0x80) {
                out[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char) (0xc0 | (c >> 6));
                out[1] = (char) (0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char) (0xe0 | (c >> 12));
                out[1] = (char) (0x80 | ((c >> 6) & 0x3f));
                out[2] = (char) (0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char) (0xf0 | (c >> 18));
        out[1] = (char) (0x80 | ((c >> 12) & 0x3f));
        out[2] = (char) (0x80 | ((c >> 6) & 0x3f));
        out[3] = (char) (0x80 | (c & 0x3f));
        return 4;
}

/* `n` hex digits at p (all must be present within len) → *ret. */
static int unhex_n(const char *p, size_t len, size_t n, uint32_t *ret) {
        uint32_t c = 0;
        if (len < n)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                int d = unhex(p[i]);
                if (d < 0)
                        return -EINVAL;
                c = (c << 4) | (uint32_t) d;
        }
        *ret = c;
        return 0;
}

/* Decodes one escape sequence at p (the character after the backslash), at most len bytes.
 * Returns the number of input bytes consumed; *raw is set when *ret is a raw byte (\x, octal)
 * rather than a code point to be UTF-8 encoded. */
static int cunescape_one(const char *p, size_t len, uint32_t *ret, bool *raw, bool accept_nul) {
        static const char simple_in[] = "abfnrtv\\\"'s";
        static const char simple_out[] = "\a\b\f\n\r\t\v\\\"' ";
        uint32_t c;

        *raw = false;
        if (len < 1 || p[0] == 0)
                return -EINVAL;
        const char *k = strchr(simple_in, p[0]);
        if (k) {
                *ret = (unsigned char) simple_out[k - simple_in];
                return 1;
        }
        switch (p[0]) {
        case 'x':
                if (unhex_n(p + 1, len - 1, 2, &c) < 0 || (c == 0 && !accept_nul))
                        return -EINVAL;
                *ret = c;
                *raw = true;
                return 3;
        case 'u':
                if (unhex_n(p + 1, len - 1, 4, &c) < 0 || (c == 0 && !accept_nul))
                        return -EINVAL;
                *ret = c;
                return 5;
        case 'U':
                if (unhex_n(p + 1, len - 1, 8, &c) < 0 || (c == 0 && !accept_nul) || !unichar_is_valid(c))
                        return -EINVAL;
                *ret = c;
                return 9;
        case '0' ... '7':
                /* exactly three octal digits, value <= 0377 */
                if (len < 3)
                        return -EINVAL;
                c = 0;
                for (int i = 0; i < 3; i++) {
                        if (p[i] < '0' || p[i] > '7')
                                return -EINVAL;
                        c = (c << 3) | (uint32_t) (p[i] - '0');
                }
                if ((c == 0 && !accept_nul) || c > 255)
                        return -EINVAL;
                *ret = c;
                *raw = true;
                return 3;
        default:
                return -EINVAL;
        }
}

ssize_t cunescape_length(const char *s, size_t length, CUnescapeFlags flags, char **ret) {
        /* Every escape is at least as long as its output (\u: 5 → ≤3 bytes, \U: 9 → ≤4). */
        _cleanup_free_ char *ans = malloc(length + 1);
        char *t = ans;
        if (!ans)
                return -ENOMEM;
        for (const char *f = s; f < s + length; f++) {
                size_t remaining = (size_t) (s + length - f);
                uint32_t u;
                bool raw;

                if (*f != '\\') {
                        *t++ = *f;
                        continue;
                }
                if (remaining == 1) { /* trailing backslash */
                        if (!(flags & CUNESCAPE_RELAX))
                                return -EINVAL;
                        *t++ = '\\';
                        continue;
                }
                int r = cunescape_one(f + 1, remaining - 1, &u, &raw, flags & CUNESCAPE_ACCEPT_NUL);
                if (r < 0) {
                        if (!(flags & CUNESCAPE_RELAX))
                                return r;
                        *t++ = '\\'; /* keep the backslash; the next char is copied literally */
                        continue;
                }
                f += r;
                if (raw)
                        *t++ = (char) u;
                else
                        t += utf8_encode(t, u);
        }
        *t = 0;
        *ret = TAKE_PTR(ans);
        return t - *ret;
}

/* One byte C-escaped into out (room for 4); returns the length. Like systemd's cescape_char():
 * the usual C escapes, octal \\NNN for other bytes < 0x20 or >= 0x7f (systemd prefers octal, as
 * glib's g_strescape() does). */
static size_t cescape_char(char c, char *out) {
        static const char special_in[] = "\a\b\f\n\r\t\v\\\"'";
        static const char special_out[] = "abfnrtv\\\"'";
        unsigned char u = (unsigned char) c;
        const char *k = c ? strchr(special_in, c) : NULL;
        if (k) {
                out[0] = '\\';
                out[1] = special_out[k - special_in];
                return 2;
        }
        if (u < ' ' || u >= 127) {
                out[0] = '\\';
                out[1] = (char) ('0' + (u >> 6));
                out[2] = (char) ('0' + ((u >> 3) & 7));
                out[3] = (char) ('0' + (u & 7));
                return 4;
        }
        out[0] = c;
        return 1;
}

char *cescape(const char *s) {
        char *r = malloc(strlen(s) * 4 + 1), *t = r;
        if (!r)
                return NULL;
        for (const char *f = s; *f; f++)
                t += cescape_char(*f, t);
        *t = 0;
        return r;
}

/* Growable output buffer for extract_first_word(); `s` stays NULL until a word is known to exist,
 * which distinguishes "no word" (return 0) from "empty word" ("" with DONT_COALESCE or quotes). */
typedef struct {
        char *s;
        size_t n, cap;
} Word;

static int word_reserve(Word *w, size_t extra) {
        if (w->s && w->n + extra <= w->cap)
                return 0;
        size_t ncap = w->cap ? w->cap : 32;
        while (ncap < w->n + extra) {
                if (ncap > SIZE_MAX / 2)
                        return -ENOMEM;
                ncap *= 2;
        }
        char *ns = realloc(w->s, ncap);
        if (!ns)
                return -ENOMEM;
        w->s = ns;
        w->cap = ncap;
        return 0;
}

static int word_putc(Word *w, char c) {
        int r = word_reserve(w, 2); /* always keep room for the terminating NUL */
        if (r < 0)
                return r;
        w->s[w->n++] = c;
        return 0;
}

/* Handles the character after a backslash (c, at *p). Returns 0, 1 to finish the input, or <0. */
static int extract_escape(Word *w, const char **p, char quote, ExtractFlags flags) {
        char c = **p;
        int r = word_reserve(w, 8);
        if (r < 0)
                return r;
        if (c == 0) {
                /* Trailing backslash: kept with UNESCAPE_RELAX (an open quote additionally needs
                 * RELAX), dropped with RELAX, else an error. */
                if ((flags & EXTRACT_UNESCAPE_RELAX) && (!quote || (flags & EXTRACT_RELAX))) {
                        w->s[w->n++] = '\\';
                        return 1;
                }
                return (flags & EXTRACT_RELAX) ? 1 : -EINVAL;
        }
        if (!(flags & EXTRACT_CUNESCAPE)) {
                w->s[w->n++] = c; /* "\x" → "x": the backslash just protects the next char */
                return 0;
        }
        uint32_t u;
        bool raw;
        r = cunescape_one(*p, SIZE_MAX, &u, &raw, false);
        if (r < 0) {
                if (!(flags & EXTRACT_UNESCAPE_RELAX))
                        return -EINVAL;
                w->s[w->n++] = '\\';
                w->s[w->n++] = c;
                return 0;
        }
        *p += r - 1;
        if (raw)
                w->s[w->n++] = (char) u;
        else
                w->n += utf8_encode(w->s + w->n, u);
        return 0;
}

int extract_first_word(const char **p, char **ret, const char *separators, ExtractFlags flags) {
        Word w = {};
        char quote = 0; /* 0, ' or " */
        int r;
        bool quotes = flags & (EXTRACT_UNQUOTE | EXTRACT_KEEP_QUOTE);

        if (!p || !ret)
                return -EINVAL;
        if (!separators)
                separators = WHITESPACE;
        if (!*p)
                goto no_word;

        /* Leading separators: skipped, or with DONT_COALESCE each one ends an empty word. */
        for (;; (*p)++) {
                char c = **p;
                if (c == 0) {
                        if (!(flags & EXTRACT_DONT_COALESCE_SEPARATORS))
                                goto no_word;
                        *p = NULL; /* as systemd: "" and the end of "a," still yield one empty word */
                        goto word_done;
                }
                if (!strchr(separators, c))
                        break;
                if (flags & EXTRACT_DONT_COALESCE_SEPARATORS) {
                        if (!(flags & EXTRACT_RETAIN_SEPARATORS))
                                (*p)++;
                        goto word_done;
                }
        }

        for (;; (*p)++) {
                char c = **p;
                if (c == 0) {
                        if (quote && !(flags & EXTRACT_RELAX)) {
                                r = -EINVAL; /* unbalanced quote */
                                goto fail;
                        }
                        *p = NULL;
                        goto word_done;
                }
                if (c == '\\' && !(flags & EXTRACT_RETAIN_ESCAPE)) {
                        (*p)++;
                        r = extract_escape(&w, p, quote, flags);
                        if (r < 0)
                                goto fail;
                        if (r > 0) {
                                *p = NULL;
                                goto word_done;
                        }
                        continue;
                }
                if (quote) {
                        if (c == quote) /* quotes may close and reopen anywhere: a"b c"d → ab cd */
                                quote = 0;
                        if (c != 0 && (quote || (flags & EXTRACT_KEEP_QUOTE)) && (r = word_putc(&w, c)) < 0)
                                goto fail;
                        continue;
                }
                if (quotes && (c == '\'' || c == '"')) {
                        quote = c;
                        if ((flags & EXTRACT_KEEP_QUOTE) && (r = word_putc(&w, c)) < 0)
                                goto fail;
                        continue;
                }
                if (strchr(separators, c)) {
                        if (flags & EXTRACT_DONT_COALESCE_SEPARATORS) {
                                if (!(flags & EXTRACT_RETAIN_SEPARATORS))
                                        (*p)++;
                                goto word_done;
                        }
                        if (!(flags & EXTRACT_RETAIN_SEPARATORS)) {
                                *p += strspn(*p, separators);
                                if (**p == 0)
                                        *p = NULL;
                        }
                        goto word_done;
                }
                if ((r = word_putc(&w, c)) < 0)
                        goto fail;
        }

word_done:
        if ((r = word_reserve(&w, 1)) < 0)
                goto fail;
        w.s[w.n] = 0;
        *ret = w.s;
        return 1;

no_word:
        *p = NULL;
        *ret = NULL;
        return 0;

fail:
        free(w.s);
        return r;
}

int extract_first_word_and_warn(const char **p, char **ret, const char *separators, ExtractFlags flags,
                                const char *file, unsigned line, const char *rvalue) {
        const char *save = *p;
        int r = extract_first_word(p, ret, separators, flags);
        if (r >= 0)
                return r;
        if (r == -EINVAL && !(flags & EXTRACT_UNESCAPE_RELAX)) {
                *p = save;
                r = extract_first_word(p, ret, separators, flags | EXTRACT_UNESCAPE_RELAX);
                if (r >= 0) { /* it worked: the problem was an unknown escape */
                        log_syntax(file, line, LOG_WARNING, EINVAL, "Ignoring unknown escape sequences: \"%s\"",
                                   *ret ? *ret : "");
                        return r;
                }
                if (r == -EINVAL)
                        return log_syntax(file, line, LOG_ERR, r, "Unbalanced quoting, ignoring: \"%s\"", rvalue);
        }
        return log_syntax(file, line, LOG_ERR, r, "Unable to decode word \"%s\", ignoring: %m", rvalue);
}

int strv_split_full(char ***ret, const char *s, const char *separators, ExtractFlags flags) {
        _cleanup_(strv_builder_done) StrvBuilder b = {0};
        for (const char *p = s;;) {
                char *word;
                int r = extract_first_word(&p, &word, separators, flags);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (b.n >= INT_MAX)
                        return -E2BIG;
                if ((r = strv_builder_push(&b, word)) < 0)
                        return r;
        }
        size_t n = b.n;
        if (!(*ret = strv_builder_steal(&b)))
                return -ENOMEM;
        return (int) n;
}

/* Length of the valid UTF-8 character at p (1 for ASCII), or -EINVAL for a bad lead byte, a
 * truncated/overlong sequence or a code point systemd considers invalid. */
static int utf8_valid_len(const char *p) {
        size_t l = utf8_sequence_len(p, strnlen(p, 4), true);   /* a NUL ends a truncated sequence */
        return l ? (int) l : -EINVAL;
}

static bool char_is_cc(char c) {
        return ((unsigned char) c < ' ') || c == 127;
}

/* systemd 252's shell_maybe_quote(s, 0). A string without control characters, invalid UTF-8,
 * whitespace or shell metacharacters is returned unchanged (valid non-ASCII UTF-8 is fine). Else it
 * is put in double quotes: " \ ` $ get a backslash, control characters and invalid UTF-8 bytes are
 * C-escaped ("\t", "\n", "\001", "\377"), everything else is copied.
 * How `systemctl show` (252) uses it: bus_print_property() prints every string-array property
 * (Environment=, ReadWritePaths=, ...) as its elements passed through shell_maybe_quote(e, 0),
 * joined by single spaces, e.g. Environment="A=b c" B=1 — verified: Debian's
 * libsystemd-shared-252.so calls shell_maybe_quote from bus_print_property, and its
 * shell_maybe_quote checks UTF-8 validity. ExecStart= is different: argv[] is printed space-joined
 * with no quoting at all (systemd issue #40079). */
#define SHELL_NEED_ESCAPE "\"\\`$"
#define SHELL_NEED_QUOTES SHELL_NEED_ESCAPE "*?[" "'()<>|&;!"

char *shell_maybe_quote(const char *s) {
        const char *p = s;
        while (*p) {
                int l = utf8_valid_len(p);
                if (char_is_cc(*p) || l < 0 || strchr(WHITESPACE SHELL_NEED_QUOTES, *p))
                        break;
                p += l;
        }
        if (!*p)
                return strdup(s);

        char *buf = malloc(1 + strlen(s) * 4 + 2), *t = buf;
        if (!buf)
                return NULL;
        *t++ = '"';
        t = mempcpy(t, s, (size_t) (p - s));
        while (*p) {
                int l = utf8_valid_len(p);
                if (char_is_cc(*p) || l < 0)
                        t += cescape_char(*p++, t);
                else if (l == 1) {
                        if (strchr(SHELL_NEED_ESCAPE, *p))
                                *t++ = '\\';
                        *t++ = *p++;
                } else {
                        t = mempcpy(t, p, (size_t) l);
                        p += l;
                }
        }
        *t++ = '"';
        *t = 0;
        return buf;
}

static int b64_value(char ch) {
        if (ch >= 'A' && ch <= 'Z') return ch - 'A';
        if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
        if (ch >= '0' && ch <= '9') return ch - '0' + 52;
        if (ch == '+') return 62;
        if (ch == '/') return 63;
        return -1;
}

int base64_decode(const char *s, Buf *out) {
        unsigned acc = 0, bits = 0;
        bool pad = false;
        for (const char *p = s; *p; p++) {
                if (strchr(WHITESPACE, *p)) continue;
                if (*p == '=') {
                        pad = true;
                        continue;
                }
                int v = b64_value(*p);
                if (v < 0 || pad) return -EINVAL;
                acc = (acc << 6) | (unsigned)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        if (buf_putc(out, (char)((acc >> bits) & 0xff)) < 0) return -ENOMEM;
                }
        }
        return bits >= 6 ? -EINVAL : 0;   /* a lone trailing sextet cannot be a byte */
}
