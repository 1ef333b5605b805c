/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <limits.h>
#include <sys/stat.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-native.h"

/* journald's server_process_entry_meta(), for the priority only */
static void update_priority(const char *p, size_t l, int *priority) {
        if (l == 10 && memcmp(p, "PRIORITY=", 9) == 0 && p[9] >= '0' && p[9] <= '9')
                *priority = (*priority & LOG_FACMASK) | (p[9] - '0');
        else if (l == 17 && memcmp(p, "SYSLOG_FACILITY=", 16) == 0 && p[16] >= '0' && p[16] <= '9')
                *priority = (*priority & LOG_PRIMASK) | ((p[16] - '0') << 3);
        else if (l == 18 && memcmp(p, "SYSLOG_FACILITY=", 16) == 0 && p[16] >= '0' && p[16] <= '9' &&
                 p[17] >= '0' && p[17] <= '9')
                *priority = (*priority & LOG_PRIMASK) | (((p[16] - '0') * 10 + (p[17] - '0')) << 3);
}

typedef enum EntryEnd {
        ENTRY_SEPARATOR,   /* empty line: dispatch, go on if the entry had fields */
        ENTRY_STOP,        /* end of data, trailing noise, malformed binary field: dispatch, stop */
        ENTRY_DROP,        /* over a limit: drop, stop */
} EntryEnd;

static bool fits(const JournalEntry *e, uint64_t flen) {
        return flen <= JOURNAL_ENTRY_SIZE_MAX && e->size + flen + 1 <= JOURNAL_ENTRY_SIZE_MAX;
}

static void report(JournalNativeReport *rep, JournalNativeProblem problem, uint64_t size, size_t n_fields) {
        if (rep)
                *rep = (JournalNativeReport) { .problem = problem, .size = size, .n_fields = n_fields };
}

/* A binary field at p (name of name_len bytes, then '\n'). Returns the bytes consumed, 0 when
 * malformed (ENTRY_STOP), or a negative errno (-EMSGSIZE: ENTRY_DROP, reported). */
static ssize_t binary_field(const char *p, size_t avail, size_t name_len, JournalEntry *e, int *priority,
                            JournalNativeReport *rep) {
        uint64_t l;
        size_t total;
        _cleanup_free_ char *k = NULL;
        int r;

        if (avail < name_len + 1 + sizeof(uint64_t) + 1)
                return 0;
        l = 0;
        for (size_t i = 0; i < sizeof(uint64_t); i++)
                l |= (uint64_t) (unsigned char) p[name_len + 1 + i] << (8 * i);
        if (l > JOURNAL_NATIVE_DATA_SIZE_MAX) {
                report(rep, JOURNAL_NATIVE_BINARY_TOO_LARGE, l, e->n_fields);
                return -EMSGSIZE;
        }
        if (!fits(e, name_len + 1 + l)) {
                report(rep, JOURNAL_NATIVE_ENTRY_TOO_BIG, e->size + name_len + 1 + l, e->n_fields);
                return -EMSGSIZE;
        }
        total = name_len + 1 + sizeof(uint64_t) + (size_t) l + 1;
        if (avail < total || p[total - 1] != '\n') {
                report(rep, JOURNAL_NATIVE_MALFORMED, 0, e->n_fields);
                return 0;
        }

        if (journal_field_name_valid(p, name_len, false)) {
                k = malloc(name_len + 1 + (size_t) l);
                if (!k)
                        return -ENOMEM;
                memcpy(k, p, name_len);
                k[name_len] = '=';
                memcpy(k + name_len + 1, p + name_len + 1 + sizeof(uint64_t), (size_t) l);
                r = journal_entry_add_pair(e, k, name_len + 1 + (size_t) l, false);
                if (r < 0 && r != -ENOMEM) {
                        report(rep, JOURNAL_NATIVE_ENTRY_TOO_BIG, e->size + name_len + 1 + l, e->n_fields);
                        return -EMSGSIZE;
                }
                if (r < 0)
                        return r;
                update_priority(k, name_len + 1 + (size_t) l, priority);
        }
        return (ssize_t) total;
}

/* Read one entry starting at *pos; advances *pos past what was consumed. */
static int parse_entry(const char *buf, size_t size, size_t *pos, JournalEntry *e, int *priority,
                       JournalNativeReport *rep) {
        while (*pos < size) {
                const char *p = buf + *pos, *nl, *eq;
                size_t avail = size - *pos;
                int r;

                nl = memchr(p, '\n', avail);
                if (!nl) {
                        report(rep, JOURNAL_NATIVE_TRAILING_NOISE, avail, e->n_fields);
                        return ENTRY_STOP;
                }
                if (nl == p) {
                        (*pos)++;
                        return ENTRY_SEPARATOR;
                }
                if (*p == '.' || *p == '#') {
                        *pos += (size_t) (nl - p) + 1;
                        continue;
                }
                if (e->n_fields >= JOURNAL_ENTRY_FIELDS_MAX) {
                        report(rep, JOURNAL_NATIVE_TOO_MANY_FIELDS, e->size, e->n_fields);
                        return ENTRY_DROP;
                }

                eq = memchr(p, '=', (size_t) (nl - p));
                if (eq) {
                        size_t l = (size_t) (nl - p);
                        if (journal_field_name_valid(p, (size_t) (eq - p), false)) {
                                r = journal_entry_add_pair(e, p, l, false);
                                if (r == -ENOMEM)
                                        return r;
                                if (r < 0) {
                                        size_t vlen = l - (size_t) (eq - p) - 1;
                                        if (vlen > JOURNAL_NATIVE_DATA_SIZE_MAX)
                                                report(rep, JOURNAL_NATIVE_TEXT_TOO_LARGE, vlen, e->n_fields);
                                        else
                                                report(rep, JOURNAL_NATIVE_ENTRY_TOO_BIG, e->size + l + 1, e->n_fields);
                                        return ENTRY_DROP;
                                }
                                update_priority(p, l, priority);
                        }
                        *pos += l + 1;
                } else {
                        ssize_t n = binary_field(p, avail, (size_t) (nl - p), e, priority, rep);
                        if (n == -ENOMEM)
                                return (int) n;
                        if (n < 0)
                                return ENTRY_DROP;
                        if (n == 0)
                                return ENTRY_STOP;
                        *pos += (size_t) n;
                }
        }
        return ENTRY_STOP;
}

int journal_native_parse(const void *buf, size_t size, journal_native_entry_cb cb, void *userdata,
                         JournalNativeReport *ret_report) {
        size_t pos = 0;
        int n = 0;

        report(ret_report, JOURNAL_NATIVE_OK, 0, 0);
        if ((!buf && size > 0) || !cb)
                return -EINVAL;

        for (;;) {
                JournalEntry e = {};
                int priority = LOG_INFO, end, r;

                end = parse_entry(buf, size, &pos, &e, &priority, ret_report);
                if (end < 0 || end == ENTRY_DROP || e.n_fields == 0) {
                        journal_entry_done(&e);
                        return end < 0 ? end : n;
                }
                r = cb(&e, priority, userdata);
                journal_entry_done(&e);
                if (r < 0)
                        return r;
                n++;
                /* journald reads on only after an empty line that ended a non-empty entry */
                if (end != ENTRY_SEPARATOR || n == INT_MAX)
                        return n;
        }
}

int journal_native_read_memfd(int fd, size_t max_size, void **ret, size_t *ret_size) {
        const int want = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
        _cleanup_free_ char *p = NULL;
        struct stat st;
        size_t done = 0;
        int seals;

        if (fd < 0 || !ret || !ret_size)
                return -EINVAL;

        seals = fcntl(fd, F_GET_SEALS);
        if (seals < 0)
                return errno == EINVAL ? -EPERM : -errno;  /* EINVAL: not a memfd/shmem file */
        if (seals != want)
                return -EPERM;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (st.st_size <= 0) {
                *ret = NULL;
                *ret_size = 0;
                return 0;
        }
        if ((uint64_t) st.st_size > max_size) {
                *ret_size = (size_t) st.st_size;
                return -EFBIG;
        }

        p = malloc((size_t) st.st_size);
        if (!p)
                return -ENOMEM;
        /* sealed against shrinking: a short read cannot happen unless the kernel lies */
        while (done < (size_t) st.st_size) {
                ssize_t n = pread(fd, p + done, (size_t) st.st_size - done, (off_t) done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                done += (size_t) n;
        }
        *ret = TAKE_PTR(p);
        *ret_size = done;
        return 0;
}

int journal_native_report_message(const JournalNativeReport *r, char *buf, size_t size) {
        /* journald 252's words (server_process_entry() in journald-native.c) */
        switch (r ? r->problem : JOURNAL_NATIVE_OK) {
        case JOURNAL_NATIVE_TRAILING_NOISE:
                return snprintf(buf, size, "Received message with trailing noise, ignoring.");
        case JOURNAL_NATIVE_MALFORMED:
                return snprintf(buf, size, "Failed to parse message, ignoring.");
        case JOURNAL_NATIVE_TOO_MANY_FIELDS:
                return snprintf(buf, size, "Received an entry that has more than %u fields, ignoring entry.",
                                JOURNAL_ENTRY_FIELDS_MAX);
        case JOURNAL_NATIVE_TEXT_TOO_LARGE:
                return snprintf(buf, size, "Received text block of %" PRIu64 " bytes is too large, ignoring entry.",
                                r->size);
        case JOURNAL_NATIVE_BINARY_TOO_LARGE:
                return snprintf(buf, size,
                                "Received binary data block of %" PRIu64 " bytes is too large, ignoring entry.", r->size);
        case JOURNAL_NATIVE_ENTRY_TOO_BIG:
                return snprintf(buf, size, "Entry is too big (%" PRIu64 " bytes after processing %zu fields), ignoring entry.",
                                r->size, r->n_fields);
        default:
                if (size > 0)
                        buf[0] = 0;
                return 0;
        }
}

bool journal_native_report_dropped_entry(const JournalNativeReport *r) {
        return r && r->problem >= JOURNAL_NATIVE_TOO_MANY_FIELDS;
}
