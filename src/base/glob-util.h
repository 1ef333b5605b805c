/* SPDX-License-Identifier: MIT */
#pragma once
/* glob(3) with brace expansion ("main.{c[vl]d,inc}", as ConditionPathExistsGlob= and tmpfiles.d
 * lines use it) in every build: glibc's GLOB_BRACE where the C library has it; musl has none, so
 * braces are expanded here first with glibc's rules and each alternative is globbed in turn. */
#include <glob.h>

/* glob(pattern, flags | GLOB_BRACE, NULL, g): 0, GLOB_NOMATCH, GLOB_NOSPACE (also when the
 * pattern has more than BRACE_EXPANSIONS_MAX alternatives) or GLOB_ABORTED. globfree() g after. */
int glob_brace(const char *pattern, int flags, glob_t *g);

/* glibc's GLOB_BRACE expansion of a pattern, without globbing: "a{b,c{d,e}}f" → "abf", "acdf",
 * "acef"; an unmatched '{' leaves the pattern as it is; a backslash escapes the next character.
 * Appends to *out; -E2BIG beyond BRACE_EXPANSIONS_MAX alternatives, -ENOMEM. */
#define BRACE_EXPANSIONS_MAX 4096
int brace_expand(const char *pattern, char ***out);
/* glob_brace() with brace_expand() whatever the C library (what the musl build runs). */
int glob_brace_expanded(const char *pattern, int flags, glob_t *g);
