/* SPDX-License-Identifier: MIT */
#pragma once
/* A journal entry: an ordered list of fields "NAME=value". Values are binary-safe (NUL, newlines);
 * names follow journald's rule (journal_field_valid() in systemd 252): 1..64 characters of A-Z, 0-9
 * and '_', not starting with a digit. Names starting with '_' are trusted: only the server adds
 * them (journal_entry_add_trusted()), a client's are refused by journal_entry_add().
 *
 * Bounds: journald allows 1024 client fields (ENTRY_FIELD_COUNT_MAX) and entries of 770 MiB; tinysd
 * runs this in PID 1 and keeps the field count but bounds an entry to JOURNAL_ENTRY_SIZE_MAX bytes,
 * counted as journald counts them: the sum of the "NAME=value" lengths plus one separator per
 * field. Trusted fields get a small extra allowance so the server can always stamp an entry a
 * client filled to the limit. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#define JOURNAL_FIELD_NAME_MAX 64U
#define JOURNAL_ENTRY_FIELDS_MAX 1024U                  /* client fields */
#define JOURNAL_ENTRY_TRUSTED_FIELDS_MAX 64U            /* extra, for the server's '_' fields */
#define JOURNAL_ENTRY_SIZE_MAX (1024U * 1024U)           /* client part, bytes */
#define JOURNAL_ENTRY_TRUSTED_SIZE_MAX (64U * 1024U)     /* extra, for trusted fields */

typedef struct JournalField {
        char *data;        /* "NAME=value", owned; data[len] is a NUL not counted in len */
        size_t len;        /* bytes of "NAME=value" */
        size_t name_len;   /* bytes of NAME */
} JournalField;

typedef struct JournalEntry {
        JournalField *fields;
        size_t n_fields, n_allocated;
        size_t size;       /* journald's measure: sum of len + n_fields */
        char *arena;       /* every field's bytes, back to back (one allocation per entry, not per field) */
        size_t arena_len, arena_cap;
} JournalEntry;

static inline const char *journal_field_value(const JournalField *f) { return f->data + f->name_len + 1; }
static inline size_t journal_field_value_len(const JournalField *f) { return f->len - f->name_len - 1; }

/* journald's field-name check; allow_trusted admits a leading '_'. len may be SIZE_MAX (strlen). */
bool journal_field_name_valid(const char *name, size_t len, bool allow_trusted);

/* Append NAME=value (value of len bytes; copied). Fail with -EINVAL for an invalid (or, for
 * journal_entry_add(), trusted) name, -E2BIG beyond the field count, -EMSGSIZE beyond the size
 * bound, -ENOMEM; the entry is unchanged then. */
int journal_entry_add(JournalEntry *e, const char *name, const void *value, size_t len);
/* name: a literal the server chose (not checked again: this runs for every field stored). */
int journal_entry_add_trusted(JournalEntry *e, const char *name, const void *value, size_t len);
int journal_entry_add_string(JournalEntry *e, const char *name, const char *value);
/* The same for one "NAME=value" buffer of len bytes (the first '=' ends the name). */
int journal_entry_add_pair(JournalEntry *e, const void *pair, size_t len, bool allow_trusted);

/* The LAST field called name (journald's meta data, e.g. MESSAGE=, is taken from the last one), or
 * NULL. journal_entry_get() also returns its value and length. */
const JournalField *journal_entry_find(const JournalEntry *e, const char *name);
const char *journal_entry_get(const JournalEntry *e, const char *name, size_t *ret_len);

/* Point iov[0..n_fields) at the fields ("NAME=value" without the NUL); returns n_fields or
 * -ENOBUFS when n_iov is too small. The iovecs borrow from e. */
int journal_entry_to_iovec(const JournalEntry *e, struct iovec *iov, size_t n_iov);

void journal_entry_done(JournalEntry *e);  /* frees the fields; e is empty and reusable after */
