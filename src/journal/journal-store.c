/* SPDX-License-Identifier: MIT */
/* The journal store's writer, limits and vacuuming.
 *
 * ON-DISK FORMAT (tinysd's own; only tinysd's journalctl reads it). All integers little-endian.
 *
 * A store is one directory (/var/log/journal/<machine-id>/, or /run/log/journal/<machine-id>/).
 * It holds the active file "system.tjournal", archived files
 * "system@<seqnum-id 32 hex>-<first seqnum 16 hex>-<first realtime 16 hex>.tjournal" (so the names
 * sort oldest first), and next to each data file an index "<data file name>.idx".
 *
 * Data file:
 *   header, 64 bytes: "TSDJRNL1", u32 header size (64), u32 0, machine id[16], seqnum id[16]
 *                     (random per store, kept across rotations), u64 creation realtime,
 *                     u32 CRC-32 of bytes 0..55, u32 0.
 *   records, appended back to back, each a multiple of 8 bytes:
 *       0  u32 magic 0x4a445354 ("TSDJ")     4  u32 size of the whole record
 *       8  u32 CRC-32 of bytes 12..size-1    12 u32 number of fields
 *      16  u64 seqnum   24 u64 realtime usec   32 u64 monotonic usec   40 boot id[16]
 *      56  fields, in order: u32 length, then "NAME=value" (length bytes, binary-safe)
 *          optionally a context reference: u32 0x80000008, u64 offset of a context record
 *          zero padding to a multiple of 8.
 *   context records: the same layout with magic 0x43445354 ("TSDC"), seqnum, times and boot id 0:
 *       fields shared by many entries (a stream's trusted fields), written once per file before
 *       the first entry that refers to them. An entry's fields are its own, then its context's.
 *       Context records have no index entry; scans skip them.
 * Index file: 16 bytes "TSDJIDX1" + 8 zero bytes, then one 48-byte entry per record, in order:
 *       0 u64 record offset   8 u64 seqnum   16 u64 realtime
 *      24 u32 hash of _SYSTEMD_UNIT=  28 u32 hash of the unit the message is about (UNIT= from
 *         _PID=1, else OBJECT_SYSTEMD_UNIT=/COREDUMP_UNIT=)  32 u32 hash of the boot id
 *      36 u8 PRIORITY (0xff: none), 3 zero bytes   40 u32 hash of SYSLOG_IDENTIFIER=
 *      44 u32 CRC-32 of bytes 0..43.   Hashes are 32-bit FNV-1a, 0 meaning "field absent".
 *
 * Crash safety. The writer writes a batch of records with one pwrite() at the end of the last
 * complete record, then their index entries; nothing is ever rewritten in place (rotation only renames). After a
 * kill -9 (or a failed write) at most the last records are incomplete, and entries appended but
 * not yet flushed are lost (PID 1 flushes before it waits for events again). journal_store_open() checks the
 * last index entries against the data (stepping back over any that do not point at a valid record
 * with the same seqnum), scans the data after the last indexed record — verifying magic, size and
 * CRC — re-indexes every complete record found there, and truncates the data file after the last
 * valid record and the index after its last valid entry. A damaged record in the middle is skipped
 * (the scan resynchronizes on the next 8-aligned valid record), so later entries survive. Readers
 * trust nothing: they check every record they read against its index entry (seqnum) and CRC, and
 * scan data past the end of the index themselves, so a live writer or a missing index is fine.
 *
 * Costs (n = entries in the store, k = entries returned, f = files):
 *   append: O(entry size), buffered; journal_store_flush() writes the batch with two pwrite()s
 *   (PID 1 flushes before it waits for events again, or at JOURNAL_STORE_BATCH_MAX); rotation: two renames + a vacuum, O(f).
 *   open (writer): O(1) reads plus O(entries after the last index entry) to recover.
 *   query: reads 48-byte index entries only, from the end for -n/-e/-r (stops after k matches
 *          of the index prefilter), from a bisected position for --since (O(log n) to find);
 *          -u NAME, -t, -p and -b are checked on the index entry, so only entries that pass are
 *          read from the data file: O(index entries scanned) sequential reads + O(k) record reads.
 *          A -u glob cannot use the hash and reads every record in the scanned range.
 *   vacuum, usage, list-boots: O(f) / O(n index entries).
 *
 * Limits: see JournalStoreLimits. Like journald, only archived files are ever deleted, oldest
 * first, when the archived files exceed max_use minus the active file (or the file system has less
 * than keep_free free), or there are more than max_files files. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include "base/log.h"
#include "base/machine-id.h"
#include "base/parse.h"
#include "base/util.h"
#include "journal/journal-format.h"
#include "journal/journal-entry.h"
#include "journal/journal-store.h"

#define JOURNAL_STORE_CONTEXTS 16
#define JOURNAL_STORE_CONTEXT_MAX (8U * 1024U)   /* larger shared parts are stored inline */
#define GiB (UINT64_C(1024) * 1024 * 1024)
#define MiB (UINT64_C(1024) * 1024)

struct JournalStore {
        char *dir;
        int dir_fd, data_fd, idx_fd;
        uint64_t data_end, idx_end, n_entries;
        uint64_t next_seqnum, first_seqnum, first_realtime;
        JfHeader header;
        JournalStoreLimits limits;
        /* Appended entries not yet written: records and their index entries, written with one
         * pwrite() each by journal_store_flush() (data_end/idx_end count them already). */
        uint8_t *pend, *pend_idx;
        size_t pend_len, pend_cap, pend_idx_len, pend_idx_cap;
        uint64_t pend_entries;
        /* Context records of the active file, newest few: an entry whose shared fields (the
         * server's trusted ones, the same for every line of a stream) equal one of these refers to
         * it instead of repeating ~500 bytes. Emptied at rotation and on a failed flush. */
        struct { uint8_t *rec; size_t size; uint64_t offset; } ctx[JOURNAL_STORE_CONTEXTS];
        unsigned ctx_next;
        JfContextCache ctx_rd;    /* recovery: the context record last read */
};

void journal_store_limits_apply_defaults(JournalStoreLimits *l, uint64_t fs_size) {
        if (l->max_use == UINT64_MAX) {
                l->max_use = fs_size / 10;
                if (l->max_use > 4 * GiB) l->max_use = 4 * GiB;
        }
        if (l->keep_free == UINT64_MAX) {
                l->keep_free = fs_size / 100 * 15;
                if (l->keep_free > 4 * GiB) l->keep_free = 4 * GiB;
        }
        if (l->max_file_size == UINT64_MAX) {
                l->max_file_size = l->max_use / 8;
                if (l->max_file_size > 128 * MiB) l->max_file_size = 128 * MiB;
        }
        if (l->max_file_size < JOURNAL_STORE_FILE_SIZE_MIN)
                l->max_file_size = JOURNAL_STORE_FILE_SIZE_MIN;
        if (l->max_files == UINT64_MAX)
                l->max_files = 100;
}

int journal_store_machine_id(char ret[static 33]) {
        return machine_id_read(NULL, ret);
}

static int mkdir_p(const char *path, mode_t mode) {
        char buf[4096];
        if (strlen(path) >= sizeof buf)
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (char *p = buf + 1; ; p++) {
                if (*p == '/' || *p == 0) {
                        char c = *p;
                        *p = 0;
                        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                                return -errno;
                        *p = c;
                        if (!c)
                                break;
                }
        }
        return 0;
}

int journal_store_default_dir(char **ret, bool *ret_runtime) {
        char mid[33];
        int r = journal_store_machine_id(mid);
        if (r < 0)
                return r;
        bool runtime = !(mkdir_p(JOURNAL_STORE_VAR_ROOT, 02755) >= 0 && access(JOURNAL_STORE_VAR_ROOT, W_OK) >= 0);
        char *d = strjoin(runtime ? JOURNAL_STORE_RUN_ROOT : JOURNAL_STORE_VAR_ROOT, "/", mid);
        if (!d)
                return -ENOMEM;
        *ret = d;
        if (ret_runtime)
                *ret_runtime = runtime;
        return 0;
}

static int pwrite_all(int fd, const void *p, size_t n, uint64_t off) {
        const uint8_t *b = p;
        while (n > 0) {
                ssize_t k = pwrite(fd, b, n, (off_t)off);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EIO;
                b += k, n -= (size_t)k, off += (uint64_t)k;
        }
        return 0;
}

/* Forget the context records of the active file (a new file, or a batch that was lost). */
static void ctx_forget(JournalStore *s) {
        for (unsigned i = 0; i < JOURNAL_STORE_CONTEXTS; i++) {
                free(s->ctx[i].rec);
                s->ctx[i].rec = NULL;
        }
        s->ctx_next = 0;
}

static uint64_t now_realtime(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

/* The last seqnum of the newest archived file, 0 if none; and its seqnum id. */
static int newest_archive(int dir_fd, uint64_t *ret_seqnum, uint8_t seqnum_id[16], bool *ret_found) {
        int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        char best[256] = "";
        uint64_t best_seq = 0;
        for (struct dirent *de; (de = readdir(d));) {
                uint64_t s;
                if (jf_name_is_archived(de->d_name) && jf_name_archived_seqnum(de->d_name, &s) >= 0 &&
                    (!*best || s >= best_seq) && strlen(de->d_name) < sizeof best) {
                        best_seq = s;
                        strcpy(best, de->d_name);
                }
        }
        closedir(d);
        *ret_found = *best != 0;
        *ret_seqnum = 0;
        if (!*best)
                return 0;
        char hex[33];
        memcpy(hex, best + strlen("system@"), 32);
        hex[32] = 0;
        (void) id128_from_string(hex, seqnum_id);
        /* Its last seqnum: the last index entry, else a scan of the data. */
        char idx[300];
        snprintf(idx, sizeof idx, "%s" JF_IDX_SUFFIX, best);
        _cleanup_close_ int ifd = openat(dir_fd, idx, O_RDONLY | O_CLOEXEC);
        struct stat st;
        uint8_t e[JF_IDX_ENTRY_SIZE];
        JfIdx x;
        if (ifd >= 0 && fstat(ifd, &st) >= 0 && st.st_size >= (off_t)(JF_IDX_HEADER_SIZE + JF_IDX_ENTRY_SIZE)) {
                uint64_t n = ((uint64_t)st.st_size - JF_IDX_HEADER_SIZE) / JF_IDX_ENTRY_SIZE;
                if (pread(ifd, e, sizeof e, (off_t)(JF_IDX_HEADER_SIZE + (n - 1) * JF_IDX_ENTRY_SIZE)) == (ssize_t)sizeof e &&
                    jf_idx_decode(e, &x) >= 0) {
                        *ret_seqnum = x.seqnum;
                        return 0;
                }
        }
        *ret_seqnum = best_seq;  /* at least its first entry */
        return 0;
}

static int idx_append(JournalStore *s, const JfIdx *x) {
        uint8_t e[JF_IDX_ENTRY_SIZE];
        jf_idx_encode(x, e);
        int r = pwrite_all(s->idx_fd, e, sizeof e, s->idx_end);
        if (r < 0)
                return r;
        s->idx_end += JF_IDX_ENTRY_SIZE;
        return 0;
}

static void note_entry(JournalStore *s, const JfIdx *x) {
        if (s->n_entries == 0) {
                s->first_seqnum = x->seqnum;
                s->first_realtime = x->realtime;
        }
        s->n_entries++;
        if (x->seqnum >= s->next_seqnum)
                s->next_seqnum = x->seqnum + 1;
}

static int recover_cb(const uint8_t *rec, uint64_t offset, void *userdata) {
        JournalStore *s = userdata;
        JfIdx x;
        int q = jf_record_index_at(s->data_fd, rec, offset, &s->ctx_rd, &x);
        if (q <= 0)
                return q;   /* a context record, or an entry whose context is damaged */
        int r = idx_append(s, &x);
        if (r < 0)
                return r;
        note_entry(s, &x);
        return 0;
}

/* Make the index and the data agree; see "Crash safety" above. */
static int recover(JournalStore *s, uint64_t data_size) {
        uint8_t h[JF_IDX_HEADER_SIZE] = JF_IDX_MAGIC;
        uint8_t e[JF_IDX_ENTRY_SIZE];
        struct stat st;
        uint64_t n = 0, resume = JF_HEADER_SIZE;
        _cleanup_free_ uint8_t *rec = NULL;
        size_t rec_size = 0;
        int r;

        s->ctx_rd.offset = 0;   /* a new file: its contexts are its own */
        if (fstat(s->idx_fd, &st) < 0)
                return -errno;
        uint8_t got[JF_IDX_HEADER_SIZE];
        if (st.st_size >= (off_t)JF_IDX_HEADER_SIZE && pread(s->idx_fd, got, sizeof got, 0) == (ssize_t)sizeof got &&
            memcmp(got, h, sizeof h) == 0)
                n = ((uint64_t)st.st_size - JF_IDX_HEADER_SIZE) / JF_IDX_ENTRY_SIZE;
        else {
                r = pwrite_all(s->idx_fd, h, sizeof h, 0);
                if (r < 0)
                        return r;
        }
        /* Step back over index entries that do not describe a complete record. */
        JfIdx last = {};
        while (n > 0) {
                if (pread(s->idx_fd, e, sizeof e, (off_t)(JF_IDX_HEADER_SIZE + (n - 1) * JF_IDX_ENTRY_SIZE)) == (ssize_t)sizeof e &&
                    jf_idx_decode(e, &last) >= 0 && last.offset >= JF_HEADER_SIZE && last.offset < data_size) {
                        ssize_t k = jf_record_read(s->data_fd, last.offset, &rec, &rec_size);
                        if (k == -ENOMEM)
                                return k;
                        uint64_t seq = 0;
                        if (k > 0)
                                memcpy(&seq, rec + 16, 8);
                        if (k > 0 && le64toh(seq) == last.seqnum) {
                                resume = last.offset + (uint64_t)k;
                                break;
                        }
                }
                n--;
        }
        s->idx_end = JF_IDX_HEADER_SIZE + n * JF_IDX_ENTRY_SIZE;
        if (n > 0) {
                JfIdx first;
                if (pread(s->idx_fd, e, sizeof e, JF_IDX_HEADER_SIZE) == (ssize_t)sizeof e && jf_idx_decode(e, &first) >= 0) {
                        s->first_seqnum = first.seqnum;
                        s->first_realtime = first.realtime;
                } else {
                        s->first_seqnum = last.seqnum;
                        s->first_realtime = last.realtime;
                }
                s->n_entries = n;
                s->next_seqnum = last.seqnum + 1;
        }
        /* Index whatever complete records follow; the rest is the torn tail. */
        int64_t end = jf_scan(s->data_fd, resume, data_size, recover_cb, s);
        if (end < 0)
                return (int)end;
        if ((uint64_t)end < data_size) {
                log_warning("Journal file %s/" JF_ACTIVE_NAME " has a torn tail; truncating %" PRIu64 " bytes.",
                            s->dir, data_size - (uint64_t)end);
                if (ftruncate(s->data_fd, (off_t)end) < 0)
                        return -errno;
        }
        s->data_end = (uint64_t)end;
        if (ftruncate(s->idx_fd, (off_t)s->idx_end) < 0)
                return -errno;
        return 0;
}

static int open_active(JournalStore *s) {
        struct stat st;
        uint8_t h[JF_HEADER_SIZE];
        int r;

        for (int attempt = 0; attempt < 2; attempt++) {
                _cleanup_close_ int fd = openat(s->dir_fd, JF_ACTIVE_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
                if (fd < 0)
                        return -errno;
                if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                        return errno == EWOULDBLOCK ? -EBUSY : -errno;
                if (fstat(fd, &st) < 0)
                        return -errno;
                _cleanup_close_ int ifd = openat(s->dir_fd, JF_ACTIVE_NAME JF_IDX_SUFFIX,
                                                 O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
                if (ifd < 0)
                        return -errno;

                if (st.st_size < (off_t)JF_HEADER_SIZE) {
                        /* New (or its header never completed): start it afresh. */
                        s->header.created = now_realtime();
                        jf_header_encode(&s->header, h);
                        if (ftruncate(fd, 0) < 0 || ftruncate(ifd, 0) < 0)
                                return -errno;
                        r = pwrite_all(fd, h, sizeof h, 0);
                        if (r < 0)
                                return r;
                        st.st_size = JF_HEADER_SIZE;
                } else {
                        JfHeader hd;
                        if (pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h || jf_header_decode(h, &hd) < 0) {
                                /* Not ours or damaged beyond use: keep it aside, start a new one. */
                                char aside[64];
                                snprintf(aside, sizeof aside, "system@%016" PRIx64 ".tjournal~", now_realtime());
                                log_warning("Journal file %s/" JF_ACTIVE_NAME " is corrupted, renaming to %s.", s->dir, aside);
                                if (renameat(s->dir_fd, JF_ACTIVE_NAME, s->dir_fd, aside) < 0)
                                        return -errno;
                                continue;
                        }
                        memcpy(s->header.seqnum_id, hd.seqnum_id, 16);
                        s->header = hd;
                }
                s->data_fd = TAKE_FD(fd);
                s->idx_fd = TAKE_FD(ifd);
                s->n_entries = 0;
                return recover(s, (uint64_t)st.st_size);
        }
        return -EBADMSG;
}

/* Vacuum to the limits, counting the active file against max_use and honouring keep_free. */
static int store_vacuum(JournalStore *s) {
        struct statvfs sv;
        uint64_t max_use = s->limits.max_use, usage = 0, active = s->data_end + s->idx_end;
        if (journal_dir_usage(s->dir, &usage) >= 0 && fstatvfs(s->dir_fd, &sv) >= 0) {
                uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
                if (avail < s->limits.keep_free) {
                        uint64_t want = s->limits.keep_free - avail;
                        uint64_t allowed = usage > want ? usage - want : 0;
                        if (allowed < max_use)
                                max_use = allowed;
                }
        }
        max_use = max_use > active ? max_use - active : 0;
        return journal_dir_vacuum(s->dir, max_use, s->limits.max_files, 0, false, NULL);
}

int journal_store_open(const char *dir, const JournalStoreLimits *limits, JournalStore **ret) {
        _cleanup_(journal_store_closep) JournalStore *s = NULL;
        struct statvfs sv;
        char mid[33];
        int r;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->dir_fd = s->data_fd = s->idx_fd = -1;
        s->next_seqnum = 1;
        s->dir = strdup(dir);
        if (!s->dir)
                return -ENOMEM;
        r = mkdir_p(dir, 02755);
        if (r < 0)
                return r;
        s->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dir_fd < 0)
                return -errno;

        s->limits = limits ? *limits : JOURNAL_STORE_LIMITS_UNSET;
        journal_store_limits_apply_defaults(&s->limits, fstatvfs(s->dir_fd, &sv) >= 0 ? (uint64_t)sv.f_blocks * sv.f_frsize : 0);

        if (journal_store_machine_id(mid) >= 0)
                (void) id128_from_string(mid, s->header.machine_id);
        bool found = false;
        uint64_t last = 0;
        (void) newest_archive(s->dir_fd, &last, s->header.seqnum_id, &found);
        if (!found)
                id128_random(s->header.seqnum_id);
        r = open_active(s);
        if (r < 0)
                return r;
        if (s->n_entries == 0 && last >= s->next_seqnum)
                s->next_seqnum = last + 1;
        (void) store_vacuum(s);
        *ret = TAKE_PTR(s);
        return 0;
}

int journal_store_rotate(JournalStore *s) {
        char name[128], idx[160], sid[33];
        int r;

        if (s->n_entries == 0)
                return 0;
        r = journal_store_flush(s);
        if (r < 0)
                return r;
        ctx_forget(s);
        snprintf(name, sizeof name, "system@%s-%016" PRIx64 "-%016" PRIx64 JF_SUFFIX,
                 id128_to_string(s->header.seqnum_id, sid), s->first_seqnum, s->first_realtime);
        snprintf(idx, sizeof idx, "%s" JF_IDX_SUFFIX, name);
        /* Data first: a crash in between leaves an archive without index (readers scan it) and a
         * stale active index, which open_active() discards along with the new empty data file. */
        if (renameat(s->dir_fd, JF_ACTIVE_NAME, s->dir_fd, name) < 0)
                return -errno;
        if (renameat(s->dir_fd, JF_ACTIVE_NAME JF_IDX_SUFFIX, s->dir_fd, idx) < 0)
                log_warning_errno(errno, "Failed to rename journal index to %s: %m", idx);
        close(s->data_fd);
        close(s->idx_fd);
        s->data_fd = s->idx_fd = -1;
        uint64_t next = s->next_seqnum;
        r = open_active(s);
        if (r < 0)
                return r;
        if (s->next_seqnum < next)
                s->next_seqnum = next;
        (void) store_vacuum(s);
        return 0;
}

static int reserve(uint8_t **p, size_t *cap, size_t need) {
        if (need <= *cap)
                return 0;
        size_t n = *cap ? *cap : 16 * 1024;
        while (n < need)
                n *= 2;
        uint8_t *b = realloc(*p, n);
        if (!b)
                return -ENOMEM;
        *p = b;
        *cap = n;
        return 0;
}

/* Write what journal_store_append() buffered: the records first, then their index entries (an
 * unindexed record at the end is re-indexed by recover(); an index entry never points past the
 * data). On failure both files are cut back to their last flushed state and the buffered entries
 * are lost; the error is returned. */
int journal_store_flush(JournalStore *s) {
        if (!s || s->pend_len == 0)
                return 0;
        uint64_t data_at = s->data_end - s->pend_len, idx_at = s->idx_end - s->pend_idx_len;
        int r = pwrite_all(s->data_fd, s->pend, s->pend_len, data_at);
        if (r >= 0)
                r = pwrite_all(s->idx_fd, s->pend_idx, s->pend_idx_len, idx_at);
        if (r < 0) {
                (void) !ftruncate(s->idx_fd, (off_t)idx_at);
                (void) !ftruncate(s->data_fd, (off_t)data_at);
                s->data_end = data_at;
                s->idx_end = idx_at;
                s->n_entries -= s->pend_entries;
                ctx_forget(s);   /* its records may have been in the lost batch */
        }
        s->pend_len = s->pend_idx_len = 0;
        s->pend_entries = 0;
        return r;
}

bool journal_store_pending(const JournalStore *s) {
        return s && s->pend_len > 0;
}

static ssize_t record_size(const struct iovec *fields, size_t n_fields, bool check_names) {
        if (n_fields == 0 || !fields)
                return -EINVAL;
        if (n_fields > JOURNAL_STORE_FIELDS_MAX)
                return -E2BIG;
        size_t size = JF_RECORD_HEADER_SIZE;
        for (size_t i = 0; i < n_fields; i++) {
                const char *d = fields[i].iov_base;
                if (!d)
                        return -EINVAL;
                if (check_names) {
                        const char *eq = memchr(d, '=', fields[i].iov_len);
                        if (!eq || !journal_field_name_valid(d, (size_t)(eq - d), true))
                                return -EINVAL;
                }
                if (fields[i].iov_len > JOURNAL_STORE_ENTRY_MAX)
                        return -E2BIG;
                size += 4 + fields[i].iov_len;
                if (size > JOURNAL_STORE_ENTRY_MAX)
                        return -E2BIG;
        }
        size = (size + 7) & ~(size_t)7;
        return size > JOURNAL_STORE_ENTRY_MAX ? -E2BIG : (ssize_t)size;
}

static void record_encode(uint8_t *b, uint32_t magic, size_t size, uint64_t seqnum, const struct iovec *fields,
                          size_t n_fields, uint64_t ctx_offset, uint64_t realtime, uint64_t monotonic,
                          const uint8_t boot_id[16]) {
        uint32_t v32;
        uint64_t v64;
        v32 = htole32(magic); memcpy(b, &v32, 4);
        v32 = htole32((uint32_t)size); memcpy(b + 4, &v32, 4);
        v32 = htole32((uint32_t)n_fields); memcpy(b + 12, &v32, 4);
        v64 = htole64(seqnum); memcpy(b + 16, &v64, 8);
        v64 = htole64(realtime); memcpy(b + 24, &v64, 8);
        v64 = htole64(monotonic); memcpy(b + 32, &v64, 8);
        memcpy(b + 40, boot_id, 16);
        size_t pos = JF_RECORD_HEADER_SIZE;
        for (size_t i = 0; i < n_fields; i++) {
                v32 = htole32((uint32_t)fields[i].iov_len);
                memcpy(b + pos, &v32, 4);
                memcpy(b + pos + 4, fields[i].iov_base, fields[i].iov_len);
                pos += 4 + fields[i].iov_len;
        }
        if (ctx_offset) {
                v32 = htole32(JF_FIELD_CONTEXT | 8); memcpy(b + pos, &v32, 4);
                v64 = htole64(ctx_offset); memcpy(b + pos + 4, &v64, 8);
                pos += 12;
        }
        memset(b + pos, 0, size - pos);
        v32 = htole32(jf_crc32(0, b + 12, size - 12));
        memcpy(b + 8, &v32, 4);
}

static size_t fields_size(const struct iovec *fields, size_t n) {
        size_t size = JF_RECORD_HEADER_SIZE;
        for (size_t i = 0; i < n; i++)
                size += 4 + fields[i].iov_len;
        return size;
}

static bool ctx_equal(const uint8_t *rec, size_t size, const struct iovec *fields, size_t n) {
        uint32_t v32;
        memcpy(&v32, rec + 12, 4);
        if (le32toh(v32) != n)
                return false;
        size_t pos = JF_RECORD_HEADER_SIZE;
        for (size_t i = 0; i < n; i++) {
                memcpy(&v32, rec + pos, 4);
                if (le32toh(v32) != fields[i].iov_len || pos + 4 + fields[i].iov_len > size ||
                    memcmp(rec + pos + 4, fields[i].iov_base, fields[i].iov_len) != 0)
                        return false;
                pos += 4 + fields[i].iov_len;
        }
        return true;
}

/* The context record holding exactly these fields in the active file, or NULL. */
static const uint8_t *ctx_find(JournalStore *s, const struct iovec *fields, size_t n, uint64_t *ret_offset) {
        for (unsigned i = 0; i < JOURNAL_STORE_CONTEXTS; i++)
                if (s->ctx[i].rec && ctx_equal(s->ctx[i].rec, s->ctx[i].size, fields, n)) {
                        *ret_offset = s->ctx[i].offset;
                        return s->ctx[i].rec;
                }
        return NULL;
}

/* Append a context record with these fields to the batch and remember it. */
static const uint8_t *ctx_add(JournalStore *s, const struct iovec *fields, size_t n, size_t size, uint64_t *ret_offset) {
        uint8_t *copy = malloc(size);
        if (!copy || reserve(&s->pend, &s->pend_cap, s->pend_len + size) < 0) {
                free(copy);
                return NULL;
        }
        static const uint8_t no_boot[16];
        record_encode(copy, JF_CONTEXT_MAGIC, size, 0, fields, n, 0, 0, 0, no_boot);
        memcpy(s->pend + s->pend_len, copy, size);
        unsigned slot = s->ctx_next++ % JOURNAL_STORE_CONTEXTS;
        free(s->ctx[slot].rec);
        s->ctx[slot].rec = copy;
        s->ctx[slot].size = size;
        s->ctx[slot].offset = *ret_offset = s->data_end;
        s->pend_len += size;
        s->data_end += size;
        return copy;
}

static int append(JournalStore *s, const struct iovec *fields, size_t n_fields, size_t n_shared, bool check_names,
                  uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]) {
        int r;

        if (!s || s->data_fd < 0)
                return -EBADF;
        if (!boot_id || n_shared > n_fields)
                return -EINVAL;
        ssize_t ss = record_size(fields, n_fields, check_names);
        if (ss < 0)
                return (int)ss;
        size_t n_own = n_fields - n_shared;
        size_t ctx_size = (fields_size(fields + n_own, n_shared) + 7) & ~(size_t)7;
        if (n_own == 0 || n_shared == 0 || ctx_size > JOURNAL_STORE_CONTEXT_MAX)
                n_own = n_fields, n_shared = 0;      /* stored inline, as one record */
        size_t size = n_shared ? (fields_size(fields, n_own) + 12 + 7) & ~(size_t)7 : (size_t)ss;

        uint64_t ctx_offset = 0;
        const uint8_t *ctx = n_shared ? ctx_find(s, fields + n_own, n_shared, &ctx_offset) : NULL;
        size_t need = size + (n_shared && !ctx ? ctx_size : 0);
        if (s->n_entries > 0 && s->data_end + need > s->limits.max_file_size) {
                r = journal_store_rotate(s);   /* flushes, and forgets the contexts: the new file gets its own */
                if (r < 0)
                        return r;
                ctx = NULL;
        }
        if (n_shared && !ctx && !(ctx = ctx_add(s, fields + n_own, n_shared, ctx_size, &ctx_offset)))
                return -ENOMEM;
        if (reserve(&s->pend, &s->pend_cap, s->pend_len + size) < 0 ||
            reserve(&s->pend_idx, &s->pend_idx_cap, s->pend_idx_len + JF_IDX_ENTRY_SIZE) < 0)
                return -ENOMEM;
        uint8_t *b = s->pend + s->pend_len;
        record_encode(b, JF_RECORD_MAGIC, size, s->next_seqnum, fields, n_own, ctx_offset, realtime, monotonic, boot_id);
        JfIdx x;
        jf_record_index(b, ctx, s->data_end, &x);
        jf_idx_encode(&x, s->pend_idx + s->pend_idx_len);
        s->pend_len += size;
        s->pend_idx_len += JF_IDX_ENTRY_SIZE;
        s->pend_entries++;
        s->data_end += size;
        s->idx_end += JF_IDX_ENTRY_SIZE;
        note_entry(s, &x);
        return s->pend_len >= JOURNAL_STORE_BATCH_MAX ? journal_store_flush(s) : 0;
}

int journal_store_append_shared(JournalStore *s, const struct iovec *fields, size_t n_fields, size_t n_shared,
                                uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]) {
        return append(s, fields, n_fields, n_shared, false, realtime, monotonic, boot_id);
}

int journal_store_append(JournalStore *s, const struct iovec *fields, size_t n_fields,
                         uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]) {
        return append(s, fields, n_fields, 0, true, realtime, monotonic, boot_id);
}

uint64_t journal_store_next_seqnum(const JournalStore *s) {
        return s->next_seqnum;
}

const JournalStoreLimits *journal_store_limits(const JournalStore *s) {
        return &s->limits;
}

JournalStore *journal_store_close(JournalStore *s) {
        if (!s)
                return NULL;
        (void) journal_store_flush(s);
        if (s->data_fd >= 0) close(s->data_fd);
        if (s->idx_fd >= 0) close(s->idx_fd);
        if (s->dir_fd >= 0) close(s->dir_fd);
        free(s->pend);
        free(s->pend_idx);
        ctx_forget(s);
        free(s->ctx_rd.buf);
        free(s->dir);
        free(s);
        return NULL;
}

/* ---- directory maintenance ---- */

static uint64_t file_usage(int dir_fd, const char *name) {
        struct stat st;
        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                return 0;
        return (uint64_t)st.st_blocks * 512;
}

static bool name_is_store_file(const char *n) {
        char base[256];
        const char *e = endswith(n, JF_IDX_SUFFIX);
        if (!e)
                return jf_name_is_journal(n);
        size_t l = (size_t)(e - n);
        if (l >= sizeof base)
                return false;
        memcpy(base, n, l);
        base[l] = 0;
        return jf_name_is_journal(base);
}

int journal_dir_usage(const char *dir, uint64_t *ret) {
        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        uint64_t sum = 0;
        for (struct dirent *de; (de = readdir(d));)
                if (name_is_store_file(de->d_name))
                        sum += file_usage(dirfd(d), de->d_name);
        closedir(d);
        *ret = sum;
        return 0;
}

typedef struct VacuumItem {
        char *name;
        uint64_t seqnum, usage, last_realtime;
} VacuumItem;

static int vacuum_cmp(const void *a, const void *b) {
        const VacuumItem *x = a, *y = b;
        if (x->seqnum != y->seqnum)
                return x->seqnum < y->seqnum ? -1 : 1;
        return strcmp(x->name, y->name);
}

/* The realtime of the newest entry in an archived file (its last index entry; else its mtime). */
static uint64_t archive_last_realtime(int dir_fd, const char *name) {
        char idx[300];
        struct stat st;
        uint8_t e[JF_IDX_ENTRY_SIZE];
        JfIdx x;
        snprintf(idx, sizeof idx, "%s" JF_IDX_SUFFIX, name);
        _cleanup_close_ int fd = openat(dir_fd, idx, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) >= 0 && st.st_size >= (off_t)(JF_IDX_HEADER_SIZE + JF_IDX_ENTRY_SIZE)) {
                uint64_t n = ((uint64_t)st.st_size - JF_IDX_HEADER_SIZE) / JF_IDX_ENTRY_SIZE;
                if (pread(fd, e, sizeof e, (off_t)(JF_IDX_HEADER_SIZE + (n - 1) * JF_IDX_ENTRY_SIZE)) == (ssize_t)sizeof e &&
                    jf_idx_decode(e, &x) >= 0)
                        return x.realtime;
        }
        if (fstatat(dir_fd, name, &st, 0) >= 0)
                return (uint64_t)st.st_mtim.tv_sec * USEC_PER_SEC + (uint64_t)st.st_mtim.tv_nsec / 1000;
        return 0;
}

int journal_dir_vacuum(const char *dir, uint64_t max_use, uint64_t max_files, uint64_t before,
                       bool verbose, uint64_t *ret_freed) {
        VacuumItem *list = NULL;
        size_t n = 0, cap = 0, n_active = 0;
        uint64_t sum = 0, freed = 0;
        char fb[FORMAT_BYTES_MAX];
        int r = 0;

        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        int dfd = dirfd(d);
        for (struct dirent *de; (de = readdir(d));) {
                if (streq(de->d_name, JF_ACTIVE_NAME)) {
                        n_active++;
                        continue;
                }
                uint64_t seq;
                if (!jf_name_is_archived(de->d_name) || jf_name_archived_seqnum(de->d_name, &seq) < 0)
                        continue;
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 16;
                        VacuumItem *nl = realloc(list, nc * sizeof *nl);
                        if (!nl) { r = -ENOMEM; goto finish; }
                        list = nl, cap = nc;
                }
                char idx[300];
                snprintf(idx, sizeof idx, "%s" JF_IDX_SUFFIX, de->d_name);
                list[n] = (VacuumItem) {
                        .name = strdup(de->d_name),
                        .seqnum = seq,
                        .usage = file_usage(dfd, de->d_name) + file_usage(dfd, idx),
                        .last_realtime = before ? archive_last_realtime(dfd, de->d_name) : 0,
                };
                if (!list[n].name) { r = -ENOMEM; goto finish; }
                sum += list[n].usage;
                n++;
        }
        if (n > 1)
                qsort(list, n, sizeof *list, vacuum_cmp);
        for (size_t i = 0; i < n; i++) {
                uint64_t left = n_active + n - i;
                if ((before == 0 || list[i].last_realtime >= before) &&
                    (max_use == UINT64_MAX || sum <= max_use) &&
                    (max_files == 0 || left <= max_files))
                        break;
                char idx[300];
                snprintf(idx, sizeof idx, "%s" JF_IDX_SUFFIX, list[i].name);
                if (unlinkat(dfd, list[i].name, 0) < 0) {
                        if (errno != ENOENT)
                                log_warning_errno(errno, "Failed to delete archived journal %s/%s: %m", dir, list[i].name);
                        continue;
                }
                (void) unlinkat(dfd, idx, 0);
                if (verbose)
                        log_info("Deleted archived journal %s/%s (%s).", dir, list[i].name,
                                 format_bytes(fb, sizeof fb, list[i].usage));
                freed += list[i].usage;
                sum = list[i].usage < sum ? sum - list[i].usage : 0;
        }
finish:
        closedir(d);
        for (size_t i = 0; i < n; i++)
                free(list[i].name);
        free(list);
        if (verbose)
                log_info("Vacuuming done, freed %s of archived journals from %s.", format_bytes(fb, sizeof fb, freed), dir);
        if (ret_freed)
                *ret_freed = freed;
        return r;
}
