/* SPDX-License-Identifier: MIT */
#pragma once
/* The journal store: tinysd's own append-only on-disk journal (the format is described at the top
 * of journal-store.c), its writer for PID 1, directory vacuuming, and the reader journalctl uses.
 *
 * An entry is an ordered list of "NAME=value" fields (values binary-safe) plus a realtime and a
 * monotonic timestamp (usec), the 128-bit boot id and a sequence number the writer assigns.
 * Functions return 0/positive or a negative errno. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "base/id128.h"

/* Files of one store live in one directory: "system.tjournal" (active) and
 * "system@<seqnum-id>-<first seqnum>-<first realtime>.tjournal" (archived), each with a
 * "<name>.idx" sidecar index. */
#define JOURNAL_STORE_VAR_ROOT "/var/log/journal"
#define JOURNAL_STORE_RUN_ROOT "/run/log/journal"
#define JOURNAL_STORE_FIELDS_MAX 1024U            /* fields per entry */
#define JOURNAL_STORE_ENTRY_MAX (1024U * 1024U)   /* bytes of one encoded entry */
#define JOURNAL_STORE_FILE_SIZE_MIN (512U * 1024U) /* journald's minimum file size */

/* Size limits as journald.conf(5)'s System*= / Runtime*= settings. UINT64_MAX = unset: the default
 * is computed from the file system at open: max_use 10% of it capped at 4G, keep_free 15% capped at
 * 4G, max_file_size max_use/8 capped at 128M (never below JOURNAL_STORE_FILE_SIZE_MIN), max_files 100. */
typedef struct JournalStoreLimits {
        uint64_t max_use;
        uint64_t keep_free;
        uint64_t max_file_size;
        uint64_t max_files;
} JournalStoreLimits;
#define JOURNAL_STORE_LIMITS_UNSET ((JournalStoreLimits) { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX })

/* Fill the unset fields of *l from a file system of fs_size bytes, as journald does. */
void journal_store_limits_apply_defaults(JournalStoreLimits *l, uint64_t fs_size);

/* The machine id as 32 lowercase hex digits (base/machine-id.h: /etc/machine-id, else the one PID 1
 * chose for this boot in /run/machine-id); -ENOMEDIUM when there is none. */
int journal_store_machine_id(char ret[static 33]);
/* The directory PID 1 writes to: /var/log/journal/<machine-id> when /var/log/journal exists or can
 * be created and is writable, else /run/log/journal/<machine-id>. *ret_runtime says which. */
int journal_store_default_dir(char **ret, bool *ret_runtime);

/* ---- writer (PID 1) ---- */
typedef struct JournalStore JournalStore;

/* Open (creating the directory and files) the store in `dir`. Recovers the active file: a torn
 * last record is truncated away, every complete entry is kept, a stale index is rebuilt. Takes a
 * non-blocking exclusive lock on the active file: -EBUSY if another writer has it. `limits` may be
 * NULL (all defaults). Vacuums the directory to the limits. */
int journal_store_open(const char *dir, const JournalStoreLimits *limits, JournalStore **ret);
/* Append one entry. fields[i] holds "NAME=value" (NAME: A-Z, 0-9, _ and not starting with a
 * digit; value any bytes). Never blocks on anything but the local file writes; memory use is
 * bounded by JOURNAL_STORE_ENTRY_MAX. Rotates (and vacuums) when the active file would exceed
 * max_file_size. Returns 0, -EINVAL (bad field name or n_fields 0), -E2BIG (over the limits above),
 * or the write error (-ENOSPC, -EIO...; the file is then left as it was). */
int journal_store_append(JournalStore *s, const struct iovec *fields, size_t n_fields,
                         uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]);
/* The same for fields whose names are known to be valid (a JournalEntry's: not checked again);
 * the last n_shared fields are shared by many entries (a stream's trusted fields): they are stored
 * once per file in a context record that the entry refers to. Readers see the entry's fields
 * followed by the shared ones, exactly as if all were stored in the entry. */
int journal_store_append_shared(JournalStore *s, const struct iovec *fields, size_t n_fields, size_t n_shared,
                                uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]);
/* Entries are buffered; journal_store_flush() writes them (also done at JOURNAL_STORE_BATCH_MAX
 * buffered bytes, before a rotation and by journal_store_close()). On a write error the buffered
 * entries are dropped, the files stay as they were, and the error is returned. */
#define JOURNAL_STORE_BATCH_MAX (256U * 1024U)
int journal_store_flush(JournalStore *s);
bool journal_store_pending(const JournalStore *s);
/* Archive the active file and start a new one (journalctl --rotate), then vacuum. */
int journal_store_rotate(JournalStore *s);
uint64_t journal_store_next_seqnum(const JournalStore *s);
const JournalStoreLimits *journal_store_limits(const JournalStore *s);
JournalStore *journal_store_close(JournalStore *s);
static inline void journal_store_closep(JournalStore **s) { if (*s) journal_store_close(*s); }

/* ---- directory maintenance (journalctl --disk-usage / --vacuum-*) ---- */
/* Bytes allocated on disk by the store's files (data and index) in dir. */
int journal_dir_usage(const char *dir, uint64_t *ret);
/* Delete archived files, oldest first, while the archived files use more than max_use bytes
 * (UINT64_MAX: no limit), more than max_files files exist in all (0: no limit), or the newest entry
 * of the oldest archive is older than `before` realtime usec (0: no limit). The active file is never
 * deleted. verbose: log "Deleted archived journal ..." and "Vacuuming done, ..." at info level as
 * journalctl does. *ret_freed: bytes freed. */
int journal_dir_vacuum(const char *dir, uint64_t max_use, uint64_t max_files, uint64_t before,
                       bool verbose, uint64_t *ret_freed);

/* ---- reader ---- */
typedef struct JournalRecordField {
        const char *data;   /* "NAME=value" (not NUL-terminated) */
        size_t len;         /* of data */
        size_t name_len;    /* of NAME */
} JournalRecordField;

typedef struct JournalRecord {
        uint64_t seqnum, realtime, monotonic;
        uint8_t boot_id[16];
        uint8_t seqnum_id[16];  /* of the file it is in: part of the cursor */
        size_t n_fields;
        const JournalRecordField *fields;  /* valid until the next reader call */
} JournalRecord;

/* Value of the first field NAME (len in *ret_len), or NULL. */
const char *journal_record_get(const JournalRecord *e, const char *name, size_t *ret_len);
bool journal_record_has_value(const JournalRecord *e, const char *name, const char *value, size_t value_len);

typedef struct JournalMatch {
        char *name;
        char *value;
        size_t value_len;
} JournalMatch;

/* What journalctl selects. Fields left zero/NULL select everything. */
typedef struct JournalFilter {
        JournalMatch *matches;   /* FIELD=VALUE: OR among the same FIELD, AND across fields */
        size_t n_matches;
        char **units;            /* -u: names or globs (fnmatch), matched as systemd does against
                                    _SYSTEMD_UNIT=, UNIT= with _PID=1, OBJECT_SYSTEMD_UNIT= with _UID=0,
                                    COREDUMP_UNIT= with _UID=0 and the coredump MESSAGE_ID= */
        char **identifiers;      /* -t: SYSLOG_IDENTIFIER= values */
        uint8_t priorities;      /* bit p set: PRIORITY=p selected; 0: any (and entries without one) */
        uint64_t since, until;   /* realtime bounds, inclusive; until 0 = none */
        bool boot_set;
        uint8_t boot_id[16];
} JournalFilter;

void journal_filter_done(JournalFilter *f);
/* Add a FIELD=VALUE match ("Failed to add match" in journalctl if -EINVAL). */
int journal_filter_add_match(JournalFilter *f, const char *assignment);

typedef struct JournalReader JournalReader;

/* Open the files of the directories `dirs` (missing directories are skipped) or the files `files`
 * (exactly one of the two non-NULL). Files are ordered by their first entry; entries within a file
 * by sequence number. Returns -ENOENT only if `files` names a missing file. */
int journal_reader_open(char *const *dirs, char *const *files, JournalReader **ret);
JournalReader *journal_reader_free(JournalReader *r);
static inline void journal_reader_freep(JournalReader **r) { if (*r) journal_reader_free(*r); }
size_t journal_reader_n_files(const JournalReader *r);

/* The filter is copied by reference: keep it alive while the reader is used. NULL: everything. */
void journal_reader_set_filter(JournalReader *r, const JournalFilter *f);
void journal_reader_seek_head(JournalReader *r);
void journal_reader_seek_tail(JournalReader *r);
/* Position so that next() returns the first entry with realtime >= usec (bisection per file). */
int journal_reader_seek_realtime(JournalReader *r, uint64_t usec);
/* 1 and *ret filled with the next/previous matching entry; 0 at the end; <0 on error. Corrupted
 * entries are skipped. */
int journal_reader_next(JournalReader *r, JournalRecord *ret);
int journal_reader_previous(JournalReader *r, JournalRecord *ret);
/* Pick up appended entries and new/rotated files (keeps the position). */
int journal_reader_refresh(JournalReader *r);
/* Wait (inotify on the directories/files) until something changed or timeout_usec passed
 * (UINT64_MAX: forever). 1 changed, 0 timeout. */
int journal_reader_wait(JournalReader *r, uint64_t timeout_usec);

/* Boots in the journal, oldest first: id, first and last realtime. */
typedef struct JournalBoot {
        uint8_t id[16];
        uint64_t first, last;
} JournalBoot;
int journal_reader_list_boots(JournalReader *r, JournalBoot **ret, size_t *ret_n);

/* Helpers shared with journalctl and the importer. */
