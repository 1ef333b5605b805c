/* SPDX-License-Identifier: MIT */
#pragma once
/* The two hash functions of systemd's journal file format (docs/JOURNAL_FILE_FORMAT.md):
 *
 *  - Bob Jenkins' lookup3 hashlittle2(), as the format uses it: both 32-bit results of one run
 *    with zero seeds, the primary one as the upper half. Unkeyed files hash their data and field
 *    objects with it, and every file's entry xor_hash is made of it (so cursors do not depend on
 *    the file's key).
 *  - SipHash-2-4 (base/siphash.h, the tree's one SipHash), keyed with the file's 128-bit file id in
 *    files that set HEADER_INCOMPATIBLE_KEYED_HASH: what tinysd writes, so a hostile logger cannot
 *    precompute payloads that collide in the data hash table. journal_hash_data() picks one.
 *
 * lookup3 is written here from the published algorithm; the unit tests check its published test
 * vectors. Linear in the input, no allocation. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t journal_hash_jenkins64(const void *data, size_t len);
/* The hash of a data or field object's payload: SipHash-2-4 under file_id in a keyed file, else
 * jenkins64. */
uint64_t journal_hash_data(const void *data, size_t len, bool keyed, const uint8_t file_id[16]);
/* The underlying lookup3 function: *pc and *pb are the seeds in and the two results out. */
void journal_hash_hashlittle2(const void *data, size_t len, uint32_t *pc, uint32_t *pb);
