/* SPDX-License-Identifier: MIT */
#pragma once
/* 128-bit ids (boot, machine, invocation, stream ids) as systemd writes them: 32 lowercase hex
 * digits; random ones are version-4 UUIDs, as sd_id128_randomize() makes them. */
#include <stdint.h>

/* 32 hex digits, or the 36-character form with dashes; -EINVAL otherwise. */
int id128_from_string(const char *s, uint8_t ret[16]);
char *id128_to_string(const uint8_t id[16], char buf[static 33]);
/* A random v4 id (getrandom(); a time/pid mix if the kernel has no entropy yet), as bytes or as
 * a string. */
void id128_random(uint8_t ret[16]);
void id128_random_string(char ret[static 33]);
