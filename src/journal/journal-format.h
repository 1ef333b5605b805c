/* SPDX-License-Identifier: MIT */
#pragma once
/* Internal to the journal store: the byte layouts described in journal-store.c, shared by the
 * writer (journal-store.c) and the reader (journal-reader.c). All integers are little-endian. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JF_FILE_MAGIC "TSDJRNL1"
#define JF_IDX_MAGIC "TSDJIDX1"
#define JF_HEADER_SIZE 64U
#define JF_IDX_HEADER_SIZE 16U
#define JF_RECORD_MAGIC UINT32_C(0x4a445354)   /* "TSDJ" */
#define JF_CONTEXT_MAGIC UINT32_C(0x43445354)  /* "TSDC": fields shared by entries, not an entry */
#define JF_FIELD_CONTEXT UINT32_C(0x80000000)  /* length word of an entry's context reference */
#define JF_RECORD_HEADER_SIZE 56U
#define JF_IDX_ENTRY_SIZE 48U
#define JF_NO_PRIORITY 0xffU
#define JF_ACTIVE_NAME "system.tjournal"
#define JF_SUFFIX ".tjournal"
#define JF_IDX_SUFFIX ".idx"

typedef struct JfHeader {
        uint8_t machine_id[16];
        uint8_t seqnum_id[16];
        uint64_t created;
} JfHeader;

/* One index entry, decoded. */
typedef struct JfIdx {
        uint64_t offset, seqnum, realtime;
        uint32_t unit_hash, unit2_hash, boot_hash, ident_hash;
        uint8_t priority;
        bool unchecked;         /* decoded without its CRC: jf_idx_verify() before trusting it */
        uint32_t crc;           /* the stored CRC, while unchecked */
} JfIdx;

uint32_t jf_crc32(uint32_t crc, const void *p, size_t n);
uint32_t jf_hash(const void *p, size_t n);  /* FNV-1a, never 0 (0 means "none") */
static inline uint32_t jf_hash_boot(const uint8_t id[16]) { return jf_hash(id, 16); }

void jf_header_encode(const JfHeader *h, uint8_t buf[JF_HEADER_SIZE]);
int jf_header_decode(const uint8_t buf[JF_HEADER_SIZE], JfHeader *ret);   /* -EBADMSG if invalid */
void jf_idx_encode(const JfIdx *e, uint8_t buf[JF_IDX_ENTRY_SIZE]);
int jf_idx_decode(const uint8_t buf[JF_IDX_ENTRY_SIZE], JfIdx *ret);      /* -EBADMSG if invalid */
/* Decode without the CRC check (a reader scanning many entries checks only those it uses). */
void jf_idx_decode_unchecked(const uint8_t buf[JF_IDX_ENTRY_SIZE], JfIdx *ret);
/* Check an unchecked entry's CRC now: true if valid; an invalid one is cleared (offset 0). */
bool jf_idx_verify(JfIdx *x);

/* Validate the record at buf (avail bytes available): returns its size (> 0), 0 if it is
 * incomplete (avail too short for the size it claims), -EBADMSG if invalid. */
ssize_t jf_record_check(const uint8_t *buf, size_t avail);
/* A context record (JF_CONTEXT_MAGIC): skipped by everything that lists entries. */
bool jf_record_is_context(const uint8_t *rec);
/* The index entry of a valid entry record at file offset `offset`; ctx: its context record (or
 * NULL), whose fields count as the entry's. */
void jf_record_index(const uint8_t *rec, const uint8_t *ctx, uint64_t offset, JfIdx *ret);
/* Iterate the fields of a valid record: *pos starts at JF_RECORD_HEADER_SIZE. 1 + field, 0 at end
 * (the context reference is not a field). */
int jf_record_next_field(const uint8_t *rec, size_t *pos, const char **ret_data, size_t *ret_len);
/* A context buffer: the context record last read and its offset (0: none). */
typedef struct JfContextCache {
        uint8_t *buf;
        size_t size;
        uint64_t offset;
} JfContextCache;
/* The index entry of the valid record `rec` at `offset` of fd, reading its context record
 * through *cache when it has one. 1 done, 0 not an entry (a context record) or its context is
 * damaged (skip it), <0 error. */
int jf_record_index_at(int fd, const uint8_t *rec, uint64_t offset, JfContextCache *cache, JfIdx *ret);
/* The context record of the valid entry record `rec` at `offset` of fd, through *cache (kept
 * while the same one is asked for again): *ret is it, or NULL when the entry has none. 1 done,
 * 0 the context is missing or damaged (the entry cannot be read), <0 error. */
int jf_record_context_get(int fd, const uint8_t *rec, uint64_t offset, JfContextCache *cache, const uint8_t **ret);

/* Read a record of at most JOURNAL_STORE_ENTRY_MAX bytes at offset of fd into *buf (grown as
 * needed). Returns size, 0 if incomplete/past EOF, -EBADMSG if invalid. */
ssize_t jf_record_read(int fd, uint64_t offset, uint8_t **buf, size_t *buf_size);
/* Scan fd from `offset` to its end, calling cb for each valid record; skips over corrupted spans
 * by searching (8-byte steps) for the next valid record. Returns the end of the last valid record
 * (where a torn tail starts), or <0. */
typedef int (*jf_scan_cb)(const uint8_t *rec, uint64_t offset, void *userdata);
int64_t jf_scan(int fd, uint64_t offset, uint64_t size, jf_scan_cb cb, void *userdata);

/* Archived name: "system@<seqnum_id>-<seqnum 16 hex>-<realtime 16 hex>.tjournal". */
bool jf_name_is_journal(const char *name);
bool jf_name_is_archived(const char *name);
int jf_name_archived_seqnum(const char *name, uint64_t *ret);
