/* SPDX-License-Identifier: MIT */
#pragma once
/* The journal store: a directory of systemd journal files as journald keeps them (the format:
 * journal-file.h; one file written at a time: journal-writer.h), its writer for PID 1, directory
 * vacuuming, and the reader journalctl and systemctl status use.
 *
 * An entry is a list of "NAME=value" fields (values binary-safe) plus a realtime and a monotonic
 * timestamp (usec), the 128-bit boot id and a sequence number the store assigns.
 * Functions return 0/positive or a negative errno. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "base/id128.h"

/* Files of one store live in one directory, named as journald names them: "system.journal"
 * (active), "system@<seqnum id>-<head seqnum>-<head realtime>.journal" (archived) and
 * "system@<realtime>-<random>.journal~" (found unclean, set aside). Debian's journalctl finds
 * them without -D in these places. */
#define JOURNAL_STORE_VAR_ROOT "/var/log/journal"
#define JOURNAL_STORE_RUN_ROOT "/run/log/journal"
#define JOURNAL_STORE_FIELDS_MAX 1024U            /* fields per entry */
#define JOURNAL_STORE_ENTRY_MAX (1024U * 1024U)   /* bytes of one entry's fields */
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

/* Open (creating the directory) the store in `dir` and its active file system.journal. An active
 * file tinysd or journald left cleanly (OFFLINE) is appended to; one it cannot append to (left
 * ONLINE by a writer that did not finish, damaged, another machine's, another format variant) is
 * renamed to system@...journal~ and a new one started, continuing its sequence numbers -- what
 * journald does. Takes a non-blocking exclusive lock on the directory: -EBUSY if another writer has
 * it. `limits` may be NULL (all defaults). Vacuums the directory to the limits. */
int journal_store_open(const char *dir, const JournalStoreLimits *limits, JournalStore **ret);
/* Append one entry. fields[i] holds "NAME=value" (NAME: A-Z, 0-9, _ and not starting with a
 * digit; value any bytes). Never blocks on anything but the local file writes; memory use is
 * bounded by JOURNAL_STORE_ENTRY_MAX. Rotates (and vacuums) when the active file would exceed
 * max_file_size or its hash tables fill. Returns 0, -EINVAL (bad field name, n_fields 0, a
 * timestamp out of range), -E2BIG (over the limits above), or an error of the write. */
int journal_store_append(JournalStore *s, const struct iovec *fields, size_t n_fields,
                         uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]);
/* The same for fields whose names are known to be valid (a JournalEntry's: not checked again);
 * the last n_shared fields are likely shared with earlier entries (a stream's trusted fields):
 * the writer recognizes them by comparing bytes instead of hashing them again. Stored like any
 * field: the format keeps each distinct field once per file anyway. */
int journal_store_append_shared(JournalStore *s, const struct iovec *fields, size_t n_fields, size_t n_shared,
                                uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]);
/* Entries are batched; journal_store_flush() commits them (also done when a batch reaches its
 * bounds, before a rotation and by journal_store_close()). Every committed entry survives a
 * SIGKILL of PID 1 (see journal-writer.h). On a write error the batched entries are dropped, the
 * file stays as last committed, and the error is returned. */
int journal_store_flush(JournalStore *s);
bool journal_store_pending(const JournalStore *s);
/* Archive the active file and start a new one (journalctl --rotate), then vacuum. */
int journal_store_rotate(JournalStore *s);
uint64_t journal_store_next_seqnum(const JournalStore *s);
const JournalStoreLimits *journal_store_limits(const JournalStore *s);
JournalStore *journal_store_close(JournalStore *s);
static inline void journal_store_closep(JournalStore **s) { if (*s) journal_store_close(*s); }

/* ---- directory maintenance (journalctl --disk-usage / --vacuum-*) ---- */
/* Bytes allocated on disk by the journal files (*.journal, *.journal~) in dir. */
int journal_dir_usage(const char *dir, uint64_t *ret);
/* journald's vacuuming: delete archived (system@...journal) and set-aside (*.journal~) files,
 * empty ones always, the others oldest first (by sequence number within one sequence, else by the
 * first entry's time) while all journal files use more than max_use bytes (UINT64_MAX: no limit),
 * more than max_files files exist (0: no limit), or the oldest file's first entry is older than
 * `before` realtime usec (0: no limit). Active files are never deleted. verbose: log "Deleted
 * archived journal ..." and "Vacuuming done, ..." at info level as journalctl does. *ret_freed:
 * bytes freed. */
int journal_dir_vacuum(const char *dir, uint64_t max_use, uint64_t max_files, uint64_t before,
                       bool verbose, uint64_t *ret_freed);

/* ---- reader ---- */
typedef struct JournalRecordField {
        const char *data;   /* "NAME=value" (not NUL-terminated) */
        size_t len;         /* of data */
        size_t name_len;    /* of NAME */
} JournalRecordField;

typedef struct JournalRecord {
        uint64_t seqnum, realtime, monotonic, xor_hash;
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

/* Open the journal files (*.journal, *.journal~) of the directories `dirs` (missing directories
 * are skipped) or the files `files` (exactly one of the two non-NULL). Files that are not journal
 * files or are damaged beyond reading are skipped. Entries come in sd-journal's order (see
 * journal-reader.c). Returns -ENOENT only if `files` names a missing file. */
int journal_reader_open(char *const *dirs, char *const *files, JournalReader **ret);
JournalReader *journal_reader_free(JournalReader *r);
static inline void journal_reader_freep(JournalReader **r) { if (*r) journal_reader_free(*r); }
size_t journal_reader_n_files(const JournalReader *r);

/* The filter is copied by reference: keep it alive while the reader is used. NULL: everything. */
void journal_reader_set_filter(JournalReader *r, const JournalFilter *f);
void journal_reader_seek_head(JournalReader *r);
void journal_reader_seek_tail(JournalReader *r);
/* Position so that next() returns the first entry with realtime >= usec (bisection per file).
 * After previous() returned an entry, next() returns it again: the position is a gap between
 * entries, before the entry previous() returned. */
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

/* journalctl -F FIELD: the values FIELD takes, as 252 lists them (matches do not apply): file by
 * file in the order found, newest value first, values an earlier file has skipped. -N: the field
 * names likewise, in each file's hash table order. cb returns 0 to go on, 1 to stop, <0 to fail. */
typedef int (*journal_unique_cb)(const char *data, size_t len, void *userdata);
int journal_reader_unique(JournalReader *r, const char *field, journal_unique_cb cb, void *userdata);
int journal_reader_field_names(JournalReader *r, journal_unique_cb cb, void *userdata);

