/* SPDX-License-Identifier: MIT */
#pragma once
/* UTF-8 validation, once for every module: RFC 3629 (no overlong forms, no surrogates, nothing
 * above U+10FFFF), and systemd's stricter "valid unichar" that also refuses the noncharacters
 * U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF (what D-Bus, sd_notify and systemd's quoting check). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* systemd's unichar_is_valid(). */
bool unichar_is_valid(uint32_t c);
/* The length of the UTF-8 sequence at s (at most n bytes, n > 0), or 0 if it is not a valid one.
 * strict: also refuse systemd's invalid code points (noncharacters). */
size_t utf8_sequence_len(const void *s, size_t n, bool strict);
/* Whether all n bytes are valid UTF-8 (NUL counts as an ASCII character). */
bool utf8_is_valid_n(const char *s, size_t n, bool strict);
