/* SPDX-License-Identifier: MIT */
/* The journal store: one directory of systemd journal files, the active one written by
 * journal-writer.c, rotation, limits and vacuuming as journald does them.
 *
 * Rotation: before an entry that would take the active file past max_file_size, or when its hash
 * tables are 75% full or a hash chain grew deeper than journald allows, the file is committed,
 * renamed to system@<seqnum id>-<head seqnum>-<head realtime>.journal and marked ARCHIVED; a new
 * system.journal continues the sequence (same seqnum id, next seqnum). Then the directory is
 * vacuumed.
 *
 * Costs: append O(entry size) (see journal-writer.c), commit once per event-loop iteration (one
 * pwrite() of the batch, one preadv() of the changed words, one ftruncate() to wake readers),
 * rotation and vacuum O(files in the directory). */
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
#include "journal/journal-entry.h"
#include "journal/journal-file.h"
#include "journal/journal-store.h"
#include "journal/journal-writer.h"

#define GiB (UINT64_C(1024) * 1024 * 1024)
#define MiB (UINT64_C(1024) * 1024)

struct JournalStore {
        char *dir;
        int dir_fd;
        JournalWriter *w;
        JournalStoreLimits limits;
        uint8_t machine_id[16], boot_id[16], seqnum_id[16];
        uint64_t seqnum;         /* the last one assigned */
        bool have_seqnum_id;
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

static uint64_t now_realtime(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- the active file ---- */

static JournalWriterParams store_params(const JournalStore *s) {
        JournalWriterParams p = {
                .max_size = s->limits.max_file_size,
                .continue_seqnum = s->have_seqnum_id,
                .seqnum = s->seqnum,
                /* JOURNAL_STORE_REGULAR=1: the 64-bit layout (tests write both) */
                .regular = getenv("TINYSD_JOURNAL_REGULAR") != NULL,
        };
        memcpy(p.machine_id, s->machine_id, 16);
        memcpy(p.boot_id, s->boot_id, 16);
        memcpy(p.seqnum_id, s->seqnum_id, 16);
        return p;
}

/* The directory, read from its start (a dup of dir_fd would share the read position). */
static DIR *dir_list(const JournalStore *s) {
        int fd = openat(s->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d && fd >= 0)
                close(fd);
        return d;
}

/* Continue the sequence of the file whose header is at `name` (best effort). */
static void continue_from(JournalStore *s, const char *name) {
        _cleanup_close_ int fd = openat(s->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        uint8_t raw[JF_HEADER_SIZE] = {};
        JfHeader h;
        if (fd < 0 || pread(fd, raw, sizeof raw, 0) < (ssize_t)JF_HEADER_SIZE_MIN)
                return;
        jf_header_decode(raw, &h);
        if (memcmp(h.signature, JF_SIGNATURE, 8) != 0)
                return;
        memcpy(s->seqnum_id, h.seqnum_id, 16);
        s->have_seqnum_id = true;
        if (h.tail_entry_seqnum > s->seqnum)
                s->seqnum = h.tail_entry_seqnum;
}

/* Without a usable active file: continue the sequence of the archived or set-aside file with the
 * newest entry, if any. */
static void continue_from_archives(JournalStore *s) {
        DIR *d = dir_list(s);
        if (!d)
                return;
        char best[256] = "";
        uint64_t best_rt = 0;
        for (struct dirent *de; (de = readdir(d));) {
                uint8_t id[16], raw[JF_HEADER_SIZE] = {};
                uint64_t seq, rt;
                JfHeader h;
                if (jf_name_parse_archived(de->d_name, id, &seq, &rt) < 0 || strlen(de->d_name) >= sizeof best)
                        continue;
                _cleanup_close_ int hfd = openat(s->dir_fd, de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                if (hfd < 0 || pread(hfd, raw, sizeof raw, 0) < (ssize_t)JF_HEADER_SIZE_MIN)
                        continue;
                jf_header_decode(raw, &h);
                if (memcmp(h.signature, JF_SIGNATURE, 8) == 0 && (!*best || h.tail_entry_realtime >= best_rt)) {
                        best_rt = h.tail_entry_realtime;
                        strcpy(best, de->d_name);
                }
        }
        closedir(d);
        if (*best)
                continue_from(s, best);
}

/* Set system.journal aside as journald does with a file it cannot append to. */
static int dispose_active(JournalStore *s, int reason) {
        char name[128];
        log_warning("File %s/" JF_ACTIVE_NAME " corrupted or uncleanly shut down, renaming and replacing (%s).",
                    s->dir, strerror(-reason));
        bool had = s->have_seqnum_id;
        continue_from(s, JF_ACTIVE_NAME);
        if (!s->have_seqnum_id && !had)
                continue_from_archives(s);
        jf_disposed_name(now_realtime(), name);
        if (renameat(s->dir_fd, JF_ACTIVE_NAME, s->dir_fd, name) < 0)
                return -errno;
        return 0;
}

static bool reason_to_dispose(int r) {
        return r == -EBADMSG || r == -ENODATA || r == -EHOSTDOWN || r == -EPROTONOSUPPORT || r == -EBUSY ||
               r == -ESHUTDOWN || r == -EIO || r == -ETXTBSY;
}

static int open_active(JournalStore *s) {
        JournalWriterParams p = store_params(s);
        int r = journal_writer_open(s->dir_fd, JF_ACTIVE_NAME, &p, &s->w);
        if (r >= 0) {
                const JfHeader *h = journal_writer_header(s->w);
                memcpy(s->seqnum_id, h->seqnum_id, 16);
                s->have_seqnum_id = true;
                if (h->tail_entry_seqnum > s->seqnum)
                        s->seqnum = h->tail_entry_seqnum;
                return 0;
        }
        if (r == -ENOENT)
                continue_from_archives(s);
        else if (reason_to_dispose(r)) {
                r = dispose_active(s, r);
                if (r < 0)
                        return r;
        } else
                return r;
        p = store_params(s);
        r = journal_writer_create(s->dir_fd, JF_ACTIVE_NAME, &p, &s->w);
        if (r >= 0) {
                memcpy(s->seqnum_id, journal_writer_header(s->w)->seqnum_id, 16);
                s->have_seqnum_id = true;
        }
        return r;
}

/* Remove the temporary files of creations a kill interrupted (".#system.journal<random>"). */
static void remove_stale_temporaries(JournalStore *s) {
        DIR *d = dir_list(s);
        if (!d)
                return;
        for (struct dirent *de; (de = readdir(d));)
                if (startswith(de->d_name, ".#" JF_ACTIVE_NAME))
                        (void) unlinkat(s->dir_fd, de->d_name, 0);
        closedir(d);
}

/* journald's space limit: max_use, lowered so that keep_free bytes stay free. */
static int store_vacuum(JournalStore *s) {
        struct statvfs sv;
        uint64_t max_use = s->limits.max_use, usage = 0;
        if (journal_dir_usage(s->dir, &usage) >= 0 && fstatvfs(s->dir_fd, &sv) >= 0) {
                uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
                uint64_t room = usage + avail > s->limits.keep_free ? usage + avail - s->limits.keep_free : 0;
                if (room < max_use)
                        max_use = room;
        }
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
        s->dir_fd = -1;
        s->dir = strdup(dir);
        if (!s->dir)
                return -ENOMEM;
        r = mkdir_p(dir, 02755);
        if (r < 0)
                return r;
        s->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dir_fd < 0)
                return -errno;
        if (flock(s->dir_fd, LOCK_EX | LOCK_NB) < 0)
                return errno == EWOULDBLOCK ? -EBUSY : -errno;

        s->limits = limits ? *limits : JOURNAL_STORE_LIMITS_UNSET;
        journal_store_limits_apply_defaults(&s->limits, fstatvfs(s->dir_fd, &sv) >= 0 ? (uint64_t)sv.f_blocks * sv.f_frsize : 0);
        if (journal_store_machine_id(mid) >= 0)
                (void) id128_from_string(mid, s->machine_id);
        _cleanup_free_ char *b = NULL;
        if (read_file_bounded(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 64, &b, NULL) < 0 ||
            id128_from_string(strstrip(b), s->boot_id) < 0)
                id128_random(s->boot_id);

        remove_stale_temporaries(s);
        r = open_active(s);
        if (r < 0)
                return r;
        (void) store_vacuum(s);
        *ret = TAKE_PTR(s);
        return 0;
}

int journal_store_rotate(JournalStore *s) {
        char name[128];
        int r;

        if (!s->w)
                return open_active(s);
        r = journal_writer_commit(s->w);
        if (r < 0 && !journal_writer_broken(s->w))
                return r;
        const JfHeader *h = journal_writer_header(s->w);
        if (journal_writer_broken(s->w)) {
                /* damaged or half-committed: set aside, never archived as if it were sound */
                journal_writer_close(s->w, JF_STATE_ONLINE);
                s->w = NULL;
                r = dispose_active(s, -EIO);
        } else if (h->n_entries == 0)
                return 0;   /* nothing to archive */
        else {
                jf_archived_name(h->seqnum_id, h->head_entry_seqnum, h->head_entry_realtime, name);
                if (renameat(s->dir_fd, JF_ACTIVE_NAME, s->dir_fd, name) < 0)
                        return -errno;
                r = journal_writer_close(s->w, JF_STATE_ARCHIVED);
                s->w = NULL;
        }
        if (r < 0)
                log_warning_errno(r, "Failed to archive %s/" JF_ACTIVE_NAME ": %m", s->dir);
        JournalWriterParams p = store_params(s);
        r = journal_writer_create(s->dir_fd, JF_ACTIVE_NAME, &p, &s->w);
        if (r < 0)
                return r;
        (void) store_vacuum(s);
        return 0;
}

int journal_store_flush(JournalStore *s) {
        if (!s || !s->w)
                return 0;
        return journal_writer_commit(s->w);
}

bool journal_store_pending(const JournalStore *s) {
        return s && s->w && journal_writer_pending(s->w);
}

/* Bytes an entry may add to the file: its data objects if all are new, the entry, array growth. */
static int entry_estimate(const struct iovec *fields, size_t n_fields, bool check_names, uint64_t *ret) {
        if (n_fields == 0 || !fields)
                return -EINVAL;
        if (n_fields > JOURNAL_STORE_FIELDS_MAX)
                return -E2BIG;
        uint64_t total = 0, est = JF_ENTRY_ITEMS + 16 * n_fields;
        for (size_t i = 0; i < n_fields; i++) {
                const char *d = fields[i].iov_base;
                if (!d)
                        return -EINVAL;
                const char *eq = memchr(d, '=', fields[i].iov_len);
                if (!eq || (check_names && !journal_field_name_valid(d, (size_t)(eq - d), true)))
                        return -EINVAL;
                total += fields[i].iov_len;
                if (total > JOURNAL_STORE_ENTRY_MAX)
                        return -E2BIG;
                est += jf_align64(JF_DATA_PAYLOAD_COMPACT + fields[i].iov_len) + 16;
        }
        *ret = est;
        return 0;
}

static int append(JournalStore *s, const struct iovec *fields, size_t n_fields, size_t n_shared, bool check_names,
                  uint64_t realtime, uint64_t monotonic, const uint8_t boot_id[16]) {
        uint64_t est;
        int r;

        if (!s || !boot_id || n_shared > n_fields)
                return -EINVAL;
        r = entry_estimate(fields, n_fields, check_names, &est);
        if (r < 0)
                return r;
        if (!jf_valid_realtime(realtime) || !jf_valid_monotonic(monotonic))
                return -EINVAL;
        for (int attempt = 0; attempt < 2; attempt++) {
                if (!s->w || journal_writer_rotate_suggested(s->w, est)) {
                        r = journal_store_rotate(s);
                        if (r < 0)
                                return r;
                }
                r = journal_writer_append(s->w, fields, n_fields, n_shared, realtime, monotonic, boot_id, s->seqnum + 1);
                if (r >= 0 || !journal_writer_broken(s->w))
                        break;
                /* the file turned out damaged: the next attempt goes to a new one */
        }
        if (r < 0)
                return r;
        s->seqnum++;
        return journal_writer_commit_due(s->w) ? journal_writer_commit(s->w) : 0;
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
        return s->seqnum + 1;
}

const JournalStoreLimits *journal_store_limits(const JournalStore *s) {
        return &s->limits;
}

JournalStore *journal_store_close(JournalStore *s) {
        if (!s)
                return NULL;
        if (s->w)
                (void) journal_writer_close(s->w, journal_writer_broken(s->w) ? JF_STATE_ONLINE : JF_STATE_OFFLINE);
        if (s->dir_fd >= 0)
                close(s->dir_fd);
        free(s->dir);
        free(s);
        return NULL;
}

/* ---- directory maintenance ---- */

int journal_dir_usage(const char *dir, uint64_t *ret) {
        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        uint64_t sum = 0;
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                if (jf_name_is_journal(de->d_name) && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) >= 0 &&
                    S_ISREG(st.st_mode))
                        sum += (uint64_t)st.st_blocks * 512;
        }
        closedir(d);
        *ret = sum;
        return 0;
}

typedef struct VacuumItem {
        char *name;
        uint8_t seqnum_id[16];
        uint64_t seqnum, realtime, usage;
        bool have_seqnum;
} VacuumItem;

/* journald's order: by seqnum within one sequence, else by the first entry's time */
static int vacuum_cmp(const void *a, const void *b) {
        const VacuumItem *x = a, *y = b;
        if (x->have_seqnum && y->have_seqnum && memcmp(x->seqnum_id, y->seqnum_id, 16) == 0)
                return x->seqnum < y->seqnum ? -1 : x->seqnum > y->seqnum;
        if (x->realtime != y->realtime)
                return x->realtime < y->realtime ? -1 : 1;
        if (x->have_seqnum && y->have_seqnum)
                return memcmp(x->seqnum_id, y->seqnum_id, 16);
        return strcmp(x->name, y->name);
}

static uint64_t ts_usec(const struct timespec *t) {
        return (uint64_t)t->tv_sec * USEC_PER_SEC + (uint64_t)t->tv_nsec / 1000;
}

/* n_entries from the header: 1 if the file holds no entry (or not even a header), 0 if it does. */
static int file_empty(int dir_fd, const char *name) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        struct stat st;
        uint64_t n;
        if (fd < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (st.st_size < (off_t)JF_HEADER_SIZE)
                return 1;
        if (pread(fd, &n, sizeof n, offsetof(JfHeader, n_entries)) != (ssize_t)sizeof n)
                return -EIO;
        return le64toh(n) == 0;
}

int journal_dir_vacuum(const char *dir, uint64_t max_use, uint64_t max_files, uint64_t before,
                       bool verbose, uint64_t *ret_freed) {
        VacuumItem *list = NULL;
        size_t n = 0, cap = 0;
        uint64_t sum = 0, freed = 0, n_active = 0;
        char fb[FORMAT_BYTES_MAX];
        int r = 0;

        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        int dfd = dirfd(d);
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                VacuumItem it = {};
                if (!jf_name_is_journal(de->d_name) || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                    !S_ISREG(st.st_mode))
                        continue;
                it.usage = (uint64_t)st.st_blocks * 512;
                if (jf_name_parse_archived(de->d_name, it.seqnum_id, &it.seqnum, &it.realtime) < 0) {
                        n_active++;   /* system.journal and names we do not know are left alone */
                        sum += it.usage;
                        continue;
                }
                it.have_seqnum = endswith(de->d_name, ".journal") != NULL;
                if (file_empty(dfd, de->d_name) > 0) {
                        if (unlinkat(dfd, de->d_name, 0) >= 0) {
                                if (verbose)
                                        log_info("Deleted empty archived journal %s/%s (%s).", dir, de->d_name,
                                                 format_bytes(fb, sizeof fb, it.usage));
                                freed += it.usage;
                        }
                        continue;
                }
                /* the file may be older than its name says */
                uint64_t t[] = { ts_usec(&st.st_ctim), ts_usec(&st.st_atim), ts_usec(&st.st_mtim) };
                for (size_t i = 0; i < ELEMENTSOF(t); i++)
                        if (t[i] > 0 && t[i] < it.realtime)
                                it.realtime = t[i];
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 16;
                        VacuumItem *nl = realloc(list, nc * sizeof *nl);
                        if (!nl) { r = -ENOMEM; goto finish; }
                        list = nl, cap = nc;
                }
                it.name = strdup(de->d_name);
                if (!it.name) { r = -ENOMEM; goto finish; }
                list[n++] = it;
                sum += it.usage;
        }
        if (n > 1)
                qsort(list, n, sizeof *list, vacuum_cmp);
        for (size_t i = 0; i < n; i++) {
                uint64_t left = n_active + n - i;
                if ((before == 0 || list[i].realtime >= before) && (max_use == UINT64_MAX || sum <= max_use) &&
                    (max_files == 0 || left <= max_files))
                        break;
                if (unlinkat(dfd, list[i].name, 0) < 0) {
                        if (errno != ENOENT)
                                log_warning_errno(errno, "Failed to delete archived journal %s/%s: %m", dir, list[i].name);
                        continue;
                }
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
