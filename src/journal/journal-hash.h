/* SPDX-License-Identifier: MIT */
#pragma once
/* The two hash functions of systemd's journal file format (docs/JOURNAL_FILE_FORMAT.md):
 *
 *  - Bob Jenkins' lookup3 hashlittle2(), as the format uses it: both 32-bit results of one run
 *    with zero seeds, the primary one as the upper half. Unkeyed files hash their data and field
 *    objects with it, and every file's entry xor_hash is made of it (so cursors do not depend on
 *    the file's key).
 *  - SipHash-2-4 (Aumasson and Bernstein), keyed with the file's 128-bit file id in files that set
 *    HEADER_INCOMPATIBLE_KEYED_HASH: what tinysd writes, so a hostile logger cannot precompute
 *    payloads that collide in the data hash table.
 *
 * Both are written here from the published algorithms; the unit tests check the published test
 * vectors. Linear in the input, no allocation. */
#include <stddef.h>
#include <stdint.h>

uint64_t journal_hash_jenkins64(const void *data, size_t len);
uint64_t journal_hash_siphash24(const void *data, size_t len, const uint8_t key[16]);
/* The underlying lookup3 function: *pc and *pb are the seeds in and the two results out. */
void journal_hash_hashlittle2(const void *data, size_t len, uint32_t *pc, uint32_t *pb);
