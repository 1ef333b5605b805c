/* SPDX-License-Identifier: MIT */
#pragma once
/* C-style escapes and word splitting with systemd's rules (systemd.syntax(7), extract_first_word). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include "base/util.h"

/* Undo C escapes: \a \b \f \n \r \t \v \\ \" \' \s (space) \xNN \NNN (octal) \uNNNN \UNNNNNNNN.
 * With CUNESCAPE_RELAX an unknown escape is kept literally instead of -EINVAL. NUL results → -EINVAL. */
typedef enum {
        CUNESCAPE_RELAX = 1 << 0,
        CUNESCAPE_ACCEPT_NUL = 1 << 1,
} CUnescapeFlags;
ssize_t cunescape_length(const char *s, size_t length, CUnescapeFlags flags, char **ret);
static inline ssize_t cunescape(const char *s, CUnescapeFlags flags, char **ret);
/* Escape for display, as systemd's cescape(): \a \b \f \n \r \t \v \\ \" \' and octal \NNN for
 * other bytes < 0x20 or >= 0x7f (so UTF-8 is escaped too). NULL on ENOMEM. */
char *cescape(const char *s);

/* extract_first_word(): split the next word off *p, per systemd's flags. Returns 1 when a word was
 * extracted, 0 at end of input, negative errno on bad syntax (unbalanced quotes, bad escapes). */
typedef enum {
        EXTRACT_RELAX = 1 << 0,              /* allow unbalanced quote and escapes at end */
        EXTRACT_CUNESCAPE = 1 << 1,          /* process C escapes */
        EXTRACT_UNESCAPE_RELAX = 1 << 2,     /* keep unknown escapes as they are */
        EXTRACT_UNQUOTE = 1 << 3,            /* remove quotes ('...' and "...") */
        EXTRACT_DONT_COALESCE_SEPARATORS = 1 << 4,
        EXTRACT_RETAIN_ESCAPE = 1 << 5,      /* keep backslashes */
        EXTRACT_RETAIN_SEPARATORS = 1 << 6,  /* leave *p pointing at the separator */
        EXTRACT_KEEP_QUOTE = 1 << 7,         /* keep quote characters in the output */
} ExtractFlags;
int extract_first_word(const char **p, char **ret, const char *separators, ExtractFlags flags);
/* systemd's extract_first_word_and_warn() (used for ExecStart= words): on -EINVAL retries with
 * EXTRACT_UNESCAPE_RELAX and warns "FILE:LINE: Ignoring unknown escape sequences: \"WORD\"";
 * if still -EINVAL logs "Unbalanced quoting, ignoring: \"RVALUE\"" (LOG_ERR), other errors
 * "Unable to decode word \"RVALUE\", ignoring: %m". Returns as extract_first_word(). */
int extract_first_word_and_warn(const char **p, char **ret, const char *separators, ExtractFlags flags,
                                const char *file, unsigned line, const char *rvalue);
/* Split all words into a strv (EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE is the unit-file default).
 * Returns the number of words; *ret is never NULL on success. */
int strv_split_full(char ***ret, const char *s, const char *separators, ExtractFlags flags);

/* systemd's shell_maybe_quote(s, 0): returned as-is if it is printable ASCII without shell
 * metacharacters, else in double quotes with " \ ` $ backslash-escaped. systemctl show applies it
 * to each element of string-array properties (Environment="A=b c" B=1), joined by spaces; ExecStart=
 * argv[] is printed space-joined WITHOUT quoting. */
char *shell_maybe_quote(const char *s);

static inline ssize_t cunescape(const char *s, CUnescapeFlags flags, char **ret) {
        return cunescape_length(s, strlen(s), flags, ret);
}

/* Base64 (whitespace ignored, '=' padding only at the end) appended to *out: 0, -EINVAL, -ENOMEM. */
int base64_decode(const char *s, Buf *out);
