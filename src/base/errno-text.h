/* SPDX-License-Identifier: MIT */
#pragma once
/* What an errno says, in glibc's words ("Address already in use", "Success"), as systemd prints
 * them through glibc's strerror() and %m, whatever C library tinysd is linked with. In the static
 * (musl) build errno-text.c also provides strerror() itself, so every strerror() and %m of
 * tinysd says the same as the glibc build; docs/libc-differences.md. */

/* glibc's text for err; "Unknown error N" for one it has none for (a thread-local buffer). */
const char *errno_text(int err);
