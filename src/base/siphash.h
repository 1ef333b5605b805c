/* SPDX-License-Identifier: MIT */
#pragma once
/* SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash. With a key nobody else knows, a
 * hostile user cannot choose many strings that land in one bucket of a hash map. */
#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const void *data, size_t len, const uint8_t key[16]);
