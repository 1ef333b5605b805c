/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd's journal file format (docs/JOURNAL_FILE_FORMAT.md in systemd; the layout of systemd
 * 252's journal-def.h): the on-disk structures, and read access to one file through a read-only
 * mapping in which every offset, size and type is checked before it is used (a file may be
 * damaged, truncated, or still being written).
 *
 * Readers accept what systemd 252 writes: keyed (SipHash) or Jenkins hashes, regular or compact
 * items. Compressed data objects (XZ/LZ4/ZSTD) cannot be read without those libraries: such a
 * field reads as -EPROTONOSUPPORT and is left out of its entry. Sealed files are read; their tags
 * are not checked. The writer is journal-writer.h.
 *
 * All integers on disk are little-endian; the structures below hold them as stored (read them
 * with le64toh()/le32toh()). Functions return 0/positive or a negative errno; -EBADMSG means the
 * file's structure is damaged at that place. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JF_SIGNATURE "LPKSHHRH"
#define JF_HEADER_SIZE 264U      /* systemd 252's header, what tinysd writes */
#define JF_HEADER_SIZE_MIN 208U  /* every file has the fields up to tail_entry_monotonic */

enum {
        JF_OBJECT_UNUSED,
        JF_OBJECT_DATA,
        JF_OBJECT_FIELD,
        JF_OBJECT_ENTRY,
        JF_OBJECT_DATA_HASH_TABLE,
        JF_OBJECT_FIELD_HASH_TABLE,
        JF_OBJECT_ENTRY_ARRAY,
        JF_OBJECT_TAG,
        _JF_OBJECT_MAX,
};

#define JF_OBJECT_COMPRESSED_MASK 0x07U

enum {
        JF_STATE_OFFLINE = 0,
        JF_STATE_ONLINE = 1,
        JF_STATE_ARCHIVED = 2,
};

#define JF_INCOMPAT_COMPRESSED_XZ   (1U << 0)
#define JF_INCOMPAT_COMPRESSED_LZ4  (1U << 1)
#define JF_INCOMPAT_KEYED_HASH      (1U << 2)
#define JF_INCOMPAT_COMPRESSED_ZSTD (1U << 3)
#define JF_INCOMPAT_COMPACT         (1U << 4)
#define JF_INCOMPAT_COMPRESSED_ANY  (JF_INCOMPAT_COMPRESSED_XZ | JF_INCOMPAT_COMPRESSED_LZ4 | JF_INCOMPAT_COMPRESSED_ZSTD)
#define JF_INCOMPAT_KNOWN           (JF_INCOMPAT_COMPRESSED_ANY | JF_INCOMPAT_KEYED_HASH | JF_INCOMPAT_COMPACT)
#define JF_COMPAT_SEALED            (1U << 0)

/* journald's sizes: a data hash table sized for the file's maximum size at 75% fill with one item
 * per 768 bytes of file (never below 2047 items), a fixed field hash table. */
#define JF_DATA_HASH_TABLE_MIN_ITEMS 2047U
#define JF_FIELD_HASH_TABLE_ITEMS 333U
#define JF_HASH_CHAIN_DEPTH_MAX 100U     /* journald rotates a file whose chains grew longer */
#define JF_COMPACT_SIZE_MAX UINT64_C(0xffffffff)   /* offsets are 32 bits in compact files */

typedef struct JfHeader {
        uint8_t signature[8];
        uint32_t compatible_flags;
        uint32_t incompatible_flags;
        uint8_t state;
        uint8_t reserved[7];
        uint8_t file_id[16];
        uint8_t machine_id[16];
        uint8_t tail_entry_boot_id[16];
        uint8_t seqnum_id[16];
        uint64_t header_size;
        uint64_t arena_size;
        uint64_t data_hash_table_offset;   /* of the items, not of the object */
        uint64_t data_hash_table_size;     /* bytes */
        uint64_t field_hash_table_offset;
        uint64_t field_hash_table_size;
        uint64_t tail_object_offset;
        uint64_t n_objects;
        uint64_t n_entries;
        uint64_t tail_entry_seqnum;
        uint64_t head_entry_seqnum;
        uint64_t entry_array_offset;
        uint64_t head_entry_realtime;
        uint64_t tail_entry_realtime;
        uint64_t tail_entry_monotonic;
        uint64_t n_data;                   /* from here on: only if header_size covers it */
        uint64_t n_fields;
        uint64_t n_tags;
        uint64_t n_entry_arrays;
        uint64_t data_hash_chain_depth;
        uint64_t field_hash_chain_depth;
        uint32_t tail_entry_array_offset;
        uint32_t tail_entry_array_n_entries;
} JfHeader;
_Static_assert(sizeof(JfHeader) == JF_HEADER_SIZE, "systemd 252's header is 264 bytes");

typedef struct JfObjectHeader {
        uint8_t type;
        uint8_t flags;
        uint8_t reserved[6];
        uint64_t size;          /* of the whole object, unpadded; the next starts 8-aligned after it */
} JfObjectHeader;

typedef struct JfDataObject {
        JfObjectHeader object;
        uint64_t hash;
        uint64_t next_hash_offset;
        uint64_t next_field_offset;
        uint64_t entry_offset;          /* the first entry, inline */
        uint64_t entry_array_offset;    /* the others */
        uint64_t n_entries;
        /* regular: payload; compact: u32 tail_entry_array_offset, u32 tail_entry_array_n_entries,
         * then the payload */
} JfDataObject;
#define JF_DATA_PAYLOAD_REGULAR 64U
#define JF_DATA_PAYLOAD_COMPACT 72U

typedef struct JfFieldObject {
        JfObjectHeader object;
        uint64_t hash;
        uint64_t next_hash_offset;
        uint64_t head_data_offset;
        /* payload: the field name */
} JfFieldObject;
#define JF_FIELD_PAYLOAD 40U

typedef struct JfEntryObject {
        JfObjectHeader object;
        uint64_t seqnum;
        uint64_t realtime;
        uint64_t monotonic;
        uint8_t boot_id[16];
        uint64_t xor_hash;
        /* items: regular {u64 object_offset, u64 hash}, compact {u32 object_offset} */
} JfEntryObject;
#define JF_ENTRY_ITEMS 64U

typedef struct JfHashItem {
        uint64_t head_hash_offset;
        uint64_t tail_hash_offset;
} JfHashItem;
#define JF_HASH_TABLE_ITEMS 16U

typedef struct JfEntryArrayObject {
        JfObjectHeader object;
        uint64_t next_entry_array_offset;
        /* items: u64 (regular) or u32 (compact) entry offsets */
} JfEntryArrayObject;
#define JF_ENTRY_ARRAY_ITEMS 24U

_Static_assert(sizeof(JfDataObject) == 64 && sizeof(JfFieldObject) == 40 && sizeof(JfEntryObject) == 64 &&
               sizeof(JfEntryArrayObject) == 24, "journal-def.h layout");

static inline uint64_t jf_align64(uint64_t v) {
        return (v + 7) & ~UINT64_C(7);
}
static inline bool jf_valid_realtime(uint64_t u) {
        return u > 0 && u < (UINT64_C(1) << 55);
}
static inline bool jf_valid_monotonic(uint64_t u) {
        return u < (UINT64_C(1) << 55);
}
static inline uint64_t jf_entry_item_size(bool compact) { return compact ? 4 : 16; }
static inline uint64_t jf_array_item_size(bool compact) { return compact ? 4 : 8; }
static inline uint64_t jf_data_payload_offset(bool compact) {
        return compact ? JF_DATA_PAYLOAD_COMPACT : JF_DATA_PAYLOAD_REGULAR;
}

/* The header as stored (little-endian, JF_HEADER_SIZE bytes) <-> host-endian. Decoding zeroes the
 * fields beyond the file's header_size. */
void jf_header_decode(const void *raw, JfHeader *ret);
void jf_header_encode(const JfHeader *h, void *raw);

/* ---- file names, as journald names them ---- */
#define JF_ACTIVE_NAME "system.journal"
/* system@<seqnum id>-<head seqnum 16 hex>-<head realtime 16 hex>.journal */
int jf_archived_name(const uint8_t seqnum_id[16], uint64_t head_seqnum, uint64_t head_realtime, char ret[static 128]);
/* system@<realtime 16 hex>-<random 16 hex>.journal~: a file journald (and tinysd) found left online */
int jf_disposed_name(uint64_t now_realtime, char ret[static 128]);
/* Names sd-journal opens in a journal directory: *.journal and *.journal~ (no hidden files). */
bool jf_name_is_journal(const char *name);
/* For vacuuming, oldest first: the seqnum id, head seqnum and head realtime encoded in an archived
 * name (disposed names have only a realtime: *ret_seqnum_id zero, *ret_seqnum 0). -EINVAL for the
 * active file and foreign names. */
int jf_name_parse_archived(const char *name, uint8_t ret_seqnum_id[16], uint64_t *ret_seqnum, uint64_t *ret_realtime);

/* ---- reading one file ---- */
typedef struct JournalFile {
        char *path;
        int fd;
        dev_t dev;
        ino_t ino;
        const uint8_t *map;      /* read-only mapping of [0, size) */
        size_t map_len;          /* bytes mapped (page-rounded size) */
        uint64_t size;           /* file size when last mapped */
        JfHeader header;         /* host-endian copy, taken at open/refresh */
        bool keyed, compact;
        uint64_t n_buckets, n_field_buckets;
        int sigbus_slot;
} JournalFile;

/* Open and map a file read-only; -EBADMSG (not a journal file or damaged header), -EPROTONOSUPPORT
 * (incompatible flags this reader does not know), or the open/mmap error. */
int journal_file_open(const char *path, JournalFile **ret);
/* Pick up what a writer appended since: re-read the header, remap when the file grew. 1 if
 * anything changed, 0 if not. */
int journal_file_refresh(JournalFile *f);
JournalFile *journal_file_close(JournalFile *f);
/* Whether a SIGBUS hit this file's mapping (it was truncated under us): its data is gone. */
bool journal_file_broken(const JournalFile *f);

/* Pointer to the object at offset, checked: 8-aligned, after the header, wholly inside the file,
 * of `type` (JF_OBJECT_UNUSED: any known type), and at least as large as its type needs. */
int journal_file_object(const JournalFile *f, uint64_t offset, int type, const void **ret);

/* Entries */
uint64_t journal_file_entry_n_items(const JournalFile *f, const JfEntryObject *e);
uint64_t journal_file_entry_item(const JournalFile *f, const JfEntryObject *e, uint64_t i);
/* Data: the payload "NAME=value" of the data object at offset (-EPROTONOSUPPORT if compressed). */
int journal_file_data_payload(const JournalFile *f, uint64_t offset, const uint8_t **ret, size_t *ret_len);
uint64_t journal_file_hash(const JournalFile *f, const void *data, size_t len);
/* The data object holding exactly this payload: 1 and its offset, 0 if the file has none. */
int journal_file_find_data(const JournalFile *f, const void *payload, size_t len, uint64_t *ret_offset);
/* The field object of this name: 1 and its offset, 0 if none. */
int journal_file_find_field(const JournalFile *f, const void *name, size_t len, uint64_t *ret_offset);

/* A chain of entry arrays: the main one (all entries, in order) or a data object's (its entries,
 * the first one inline). Entries are addressed by index 0..n-1. Where the file says which array is
 * the chain's last (the header for the main chain, a compact data object for its own), only that
 * one is known at first: the newest entries, which `-n`/`-r` want, are found without walking the
 * chain; the whole chain is walked (once) when an older index is asked for. */
typedef struct JfList {
        uint64_t inline_entry;   /* a data object's first entry; 0 for the main list */
        uint64_t n;              /* entries in the list */
        uint64_t chain;          /* the chain's first array, while only its tail is known */
        uint64_t index0;         /* the index of the chain's first item (1 with an inline entry) */
        size_t n_arrays, cap_arrays;
        struct JfListArray {
                uint64_t offset;     /* of the array object */
                uint64_t first;      /* index (in the list) of its first item */
                uint64_t n_items;    /* used items in it */
        } *arrays;
} JfList;
int journal_file_list_main(const JournalFile *f, JfList *ret);
int journal_file_list_data(const JournalFile *f, uint64_t data_offset, JfList *ret);
void jf_list_done(JfList *l);
/* The entry offset at index i (0 if out of range or damaged). */
uint64_t journal_file_list_get(const JournalFile *f, JfList *l, uint64_t i);
/* The first index whose entry offset is >= offset (entries are in offset order): n if none. */
uint64_t journal_file_list_lower_bound(const JournalFile *f, JfList *l, uint64_t offset);
