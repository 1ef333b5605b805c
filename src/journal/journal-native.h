/* SPDX-License-Identifier: MIT */
#pragma once
/* journald's native protocol (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/), datagrams on
 * /run/systemd/journal/socket, interpreted as systemd 252's journald-native.c does:
 *
 *   - A datagram holds one or more entries separated by an empty line. Each field is either
 *     "NAME=value\n" (the first '=' on the line ends the name) or, for a line without '=', the
 *     binary form "NAME\n" + 64-bit little-endian length + that many bytes + "\n".
 *   - Lines starting with '.' or '#' are skipped (control commands, comments).
 *   - A field with an invalid name (journal_field_name_valid(), which also refuses the trusted
 *     '_' names) is skipped; the rest of the entry still counts.
 *   - An entry is dispatched when at least one field was valid; MESSAGE= is not required.
 *     An entry with no valid field (e.g. an empty line first, or only '_' fields) ends the datagram:
 *     nothing after it is read.
 *   - A last line without '\n' ("trailing noise"), or a binary field whose length runs past the
 *     end or is not followed by '\n', ends the datagram; the fields read before it are dispatched.
 *   - More than JOURNAL_ENTRY_FIELDS_MAX fields, a value above JOURNAL_NATIVE_DATA_SIZE_MAX or an
 *     entry above JOURNAL_ENTRY_SIZE_MAX drops the entry and ends the datagram (journald's limits
 *     are 768/770 MiB; tinysd's are those of journal-entry.h).
 *   - The entry's priority is journald's: LOG_INFO; "PRIORITY=D" with one digit D replaces the
 *     low three bits by D (journald does not range-check: PRIORITY=8 and 9 set bit 3, i.e. the
 *     facility, and leave level 0/1); "SYSLOG_FACILITY=" with one or two digits sets the facility.
 *     The last of each wins. OBJECT_PID= is left to the caller (journald honours it for uid 0 only).
 * The server adds _TRANSPORT=journal and the other trusted fields; this parser never does. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "journal/journal-entry.h"

/* Largest single value (text line or binary block) accepted. */
#define JOURNAL_NATIVE_DATA_SIZE_MAX JOURNAL_ENTRY_SIZE_MAX

/* Called once per dispatched entry; `priority` is facility|level as above. The callback may keep
 * the entry by moving it out (`*mine = *entry; *entry = (JournalEntry) {};`); otherwise the parser
 * frees it. A negative return stops parsing and is returned by journal_native_parse(). */
typedef int (*journal_native_entry_cb)(JournalEntry *entry, int priority, void *userdata);

/* What made the parser stop early, if anything (at most one per datagram: each ends it). */
typedef enum JournalNativeProblem {
        JOURNAL_NATIVE_OK,
        JOURNAL_NATIVE_TRAILING_NOISE,     /* a last line without '\n': ignored, the entry before it kept */
        JOURNAL_NATIVE_MALFORMED,          /* a binary field cut short: ignored, the entry before it kept */
        JOURNAL_NATIVE_TOO_MANY_FIELDS,    /* from here on the entry was dropped */
        JOURNAL_NATIVE_TEXT_TOO_LARGE,     /* size: the value's bytes */
        JOURNAL_NATIVE_BINARY_TOO_LARGE,   /* size: the declared length */
        JOURNAL_NATIVE_ENTRY_TOO_BIG,      /* size: the entry's bytes with the field that did not fit */
} JournalNativeProblem;

typedef struct JournalNativeReport {
        JournalNativeProblem problem;
        uint64_t size;
        size_t n_fields;                   /* fields of the entry read before the problem */
} JournalNativeReport;

/* Parse one datagram of size bytes. Returns the number of entries dispatched (>= 0), the
 * callback's negative return, -ENOMEM, or -EINVAL for bad arguments. ret_report (optional) says
 * why parsing stopped early. Time and memory are linear in size. */
int journal_native_parse(const void *buf, size_t size, journal_native_entry_cb cb, void *userdata,
                         JournalNativeReport *ret_report);
/* journald 252's message for the report ("Received an entry that has more than 1024 fields,
 * ignoring entry." ...); "" for JOURNAL_NATIVE_OK. snprintf()'s return. */
int journal_native_report_message(const JournalNativeReport *r, char *buf, size_t size);
/* True when the report says an entry was dropped (not only trailing bytes ignored). */
bool journal_native_report_dropped_entry(const JournalNativeReport *r);

/* The sealed-memfd path: a datagram of size 0 carrying one fd whose content is the message.
 * journald (memfd_get_sealed()) treats a memfd as sealed only when F_GET_SEALS is exactly
 * F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_SEAL; tinysd accepts nothing else (journald's
 * fallback for unsealed files of root under /dev/shm, /tmp, /var/tmp is not offered).
 * On success *ret is a malloc'd buffer of *ret_size bytes (NULL and 0 for an empty file) for
 * journal_native_parse(). Fails with -EPERM (not a memfd or not sealed as required), -EBADFD
 * (not a regular file), -EFBIG (larger than max_size), -EIO (short read), -ENOMEM, or the
 * errno of fcntl()/fstat()/pread(). The fd is neither closed nor moved. With -EFBIG, *ret_size
 * is the file's size (for journald's "File passed too large (N bytes). Ignoring."). */
int journal_native_read_memfd(int fd, size_t max_size, void **ret, size_t *ret_size);
