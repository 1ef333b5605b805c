/* SPDX-License-Identifier: MIT */
#pragma once
/* Writing one systemd journal file (the format: journal-file.h), for PID 1.
 *
 * Entries are appended to a batch in memory and made visible by journal_writer_commit() (the
 * store commits once per event-loop iteration). A commit writes the batch's new objects after the
 * file's last object with one pwrite() (nothing refers to them yet), then changes every word of the
 * existing file that must point to them -- hash table buckets, chain links, counters, the header
 * -- in one preadv() from a memfd into the file's shared mapping. The kernel copies all of those
 * words in one system call without acting on signals in between, so a SIGKILL of PID 1 leaves the
 * file either before or after the commit, never in between: `journalctl --verify` accepts the file
 * at any moment, and the header's state stays OFFLINE (nothing is half-written). Where memfd_create()
 * is refused, or a commit needs more words than one preadv() takes (an entry with hundreds of new
 * fields), the words are written with pwrite() between a header marked ONLINE and one marked OFFLINE
 * again, as journald does; a file found ONLINE is one to dispose of.
 *
 * Memory: the batch (its new objects, at least one entry, committed at JOURNAL_WRITER_BATCH_MAX
 * bytes by the store), the changed words of the batch (bounded: the writer asks for a commit at
 * JOURNAL_WRITER_WORDS_MAX), a fixed cache of recently used data objects and of the file's field
 * names, and the mapping, which the kernel fills and reclaims as the page cache (PID 1 only reads
 * it). The data hash table is not copied into memory. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "journal/journal-file.h"

#define JOURNAL_WRITER_BATCH_MAX (256U * 1024U)   /* bytes of new objects before a commit is due */
#define JOURNAL_WRITER_WORDS_MAX 896U             /* changed words of existing objects, likewise */

typedef struct JournalWriterParams {
        uint64_t max_size;        /* the file's size limit: sizes the data hash table */
        uint8_t machine_id[16];
        uint8_t boot_id[16];      /* the header's boot id until the first entry */
        bool continue_seqnum;     /* take seqnum_id (and seqnum as the last one used) over */
        uint8_t seqnum_id[16];
        uint64_t seqnum;
        bool regular;             /* 64-bit items instead of journald 252's compact default */
} JournalWriterParams;

typedef struct JournalWriter JournalWriter;

/* Create `name` in dir_fd (written under a temporary name, then renamed: a reader never sees a
 * file without its hash tables). -EEXIST if it exists. */
int journal_writer_create(int dir_fd, const char *name, const JournalWriterParams *p, JournalWriter **ret);
/* Reopen an existing file to append to it. Refused, as journald refuses, with -EBUSY (left ONLINE
 * by a writer that did not finish), -ESHUTDOWN (archived), -EPROTONOSUPPORT (flags other than what
 * this writer writes: compressed, sealed, another header size), -EHOSTDOWN (another machine's),
 * -ETXTBSY (entries from the future), -EBADMSG/-ENODATA (damaged). */
int journal_writer_open(int dir_fd, const char *name, const JournalWriterParams *p, JournalWriter **ret);

/* Append one entry to the batch. fields[i] is "NAME=value" (NAME checked by the caller); the last
 * n_shared fields are likely the same as those of an earlier entry (a stream's trusted fields):
 * they are compared, not hashed again. seqnum must grow. On failure the whole uncommitted batch is
 * dropped (the file stays as last committed) and the error returned: -EINVAL (bad timestamps or a
 * field without '='), -EBADMSG (the file is damaged: rotate it), -ENOMEM. */
int journal_writer_append(JournalWriter *w, const struct iovec *fields, size_t n_fields, size_t n_shared,
                          uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16], uint64_t seqnum);
/* Make the batch visible (see above). On a write error (-ENOSPC, -EIO...) the batch is dropped and
 * the file stays as last committed. */
int journal_writer_commit(JournalWriter *w);
bool journal_writer_pending(const JournalWriter *w);
/* A commit is due: the batch reached its bounds. */
bool journal_writer_commit_due(const JournalWriter *w);
/* The file should be rotated before more is appended: it would grow past max_size with `upcoming`
 * more bytes, a hash table is 75% full, a hash chain grew past JF_HASH_CHAIN_DEPTH_MAX, or the file
 * is damaged (journald's journal_file_rotate_suggested()). */
bool journal_writer_rotate_suggested(const JournalWriter *w, uint64_t upcoming);
/* Whether the file can no longer be written (damaged, truncated under us, a commit failed halfway). */
bool journal_writer_broken(const JournalWriter *w);
/* The header as of the last append (host-endian). */
const JfHeader *journal_writer_header(const JournalWriter *w);
uint64_t journal_writer_size(const JournalWriter *w);   /* bytes after the next commit */
const char *journal_writer_name(const JournalWriter *w);

/* Commit, then set the header's state (JF_STATE_OFFLINE or JF_STATE_ARCHIVED) and close. The
 * writer is freed in any case. */
int journal_writer_close(JournalWriter *w, int state);
