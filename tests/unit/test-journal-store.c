/* SPDX-License-Identifier: MIT */
/* journal-store: append and read back, binary values, rotation, limits, vacuum, crash recovery,
 * index-driven queries against a full scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "journal/journal-format.h"
#include "journal/journal-store.h"
#include "journal/journal-time.h"
#include "tmptree.h"

static const uint8_t BOOT_A[16] = { 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t BOOT_B[16] = { 0xbb, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static int rm_cb(const char *p, const struct stat *s, int f, struct FTW *w) {
        (void)s; (void)f; (void)w;
        return remove(p);
}

static void rm_rf(char *d) {
        nftw(d, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
        free(d);
}

static char *path_in(const char *dir, const char *name) {
        char *p = strjoin(dir, "/", name);
        assert_non_null(p);
        return p;
}

/* Damage one byte of a file in place. */
static void flip_byte(const char *path, off_t at, uint8_t mask) {
        int fd = open(path, O_RDWR | O_CLOEXEC);
        assert_true(fd >= 0);
        uint8_t c;
        assert_int_equal(pread(fd, &c, 1, at), 1);
        c ^= mask;
        assert_int_equal(pwrite(fd, &c, 1, at), 1);
        close(fd);
}

/* Append entry i: MESSAGE=msg i, _SYSTEMD_UNIT=u<i%3>.service, PRIORITY=i%8. */
static void append_n(JournalStore *s, unsigned from, unsigned n, const uint8_t boot[16]) {
        for (unsigned i = from; i < from + n; i++) {
                char m[64], u[64], p[16];
                snprintf(m, sizeof m, "MESSAGE=msg %u", i);
                snprintf(u, sizeof u, "_SYSTEMD_UNIT=u%u.service", i % 3);
                snprintf(p, sizeof p, "PRIORITY=%u", i % 8);
                struct iovec iov[] = { { m, strlen(m) }, { u, strlen(u) }, { p, strlen(p) },
                                       { (char *)"SYSLOG_IDENTIFIER=test", 22 } };
                assert_int_equal(journal_store_append(s, iov, ELEMENTSOF(iov), 1000000ULL * (i + 1), i + 7, boot), 0);
        }
}

/* Messages of all entries matching f, forward; returns count and fills msgs (strv). */
static size_t read_all(const char *dir, const JournalFilter *f, char ***msgs) {
        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { (char *)dir, NULL };
        JournalRecord e;
        size_t n = 0;
        int q;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        journal_reader_set_filter(r, f);
        journal_reader_seek_head(r);
        while ((q = journal_reader_next(r, &e)) > 0) {
                size_t l;
                const char *m = journal_record_get(&e, "MESSAGE", &l);
                if (msgs)
                        assert_int_equal(strv_push(msgs, strndup(m ? m : "", m ? l : 0)), 0);
                n++;
        }
        assert_int_equal(q, 0);
        return n;
}

static void test_append_read_back(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_n(s, 0, 20, BOOT_A);

        /* binary value with NUL, newline and invalid UTF-8; a repeated field */
        const char bin[] = "DATA=a\0b\n\xff";
        struct iovec iov[] = { { (char *)"MESSAGE=binary", 14 }, { (char *)bin, sizeof bin - 1 },
                               { (char *)"X=1", 3 }, { (char *)"X=2", 3 } };
        assert_int_equal(journal_store_append(s, iov, 4, 42000000ULL, 5, BOOT_B), 0);
        /* invalid input is refused without writing anything */
        struct iovec bad[] = { { (char *)"lower=x", 7 } }, noeq[] = { { (char *)"NOEQ", 4 } };
        assert_int_equal(journal_store_append(s, bad, 1, 1, 1, BOOT_A), -EINVAL);
        assert_int_equal(journal_store_append(s, noeq, 1, 1, 1, BOOT_A), -EINVAL);
        assert_int_equal(journal_store_append(s, iov, 0, 1, 1, BOOT_A), -EINVAL);
        assert_int_equal(journal_store_next_seqnum(s), 22);
        journal_store_close(s);

        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 21);
        assert_string_equal(m[0], "msg 0");
        assert_string_equal(m[19], "msg 19");

        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        JournalRecord e;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        journal_reader_seek_tail(r);
        assert_int_equal(journal_reader_previous(r, &e), 1);
        assert_int_equal(e.seqnum, 21);
        assert_int_equal(e.realtime, 42000000ULL);
        assert_int_equal(e.monotonic, 5);
        assert_memory_equal(e.boot_id, BOOT_B, 16);
        assert_int_equal(e.n_fields, 4);
        size_t l;
        const char *v = journal_record_get(&e, "DATA", &l);
        assert_int_equal(l, sizeof bin - 1 - 5);
        assert_memory_equal(v, "a\0b\n\xff", l);
        assert_true(journal_record_has_value(&e, "X", "2", 1));
        v = journal_record_get(&e, "X", &l);
        assert_int_equal(l, 1);
        assert_memory_equal(v, "1", 1);  /* the first of the repeated field */
        assert_int_equal(journal_reader_previous(r, &e), 1);
        assert_int_equal(e.seqnum, 20);

        /* reopening continues the sequence numbers */
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        assert_int_equal(journal_store_next_seqnum(s), 22);
        /* a second writer is refused */
        JournalStore *s2 = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s2), -EBUSY);
        journal_store_close(s);
        rm_rf(d);
}

static size_t count_archives(const char *d) {
        DIR *dir = opendir(d);
        size_t n = 0;
        assert_non_null(dir);
        for (struct dirent *de; (de = readdir(dir));)
                n += jf_name_is_archived(de->d_name);
        closedir(dir);
        return n;
}

static void test_rotation_and_limits(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        JournalStoreLimits lim = JOURNAL_STORE_LIMITS_UNSET;
        lim.max_file_size = 1;  /* raised to the 512K minimum */
        lim.max_use = 4 * 1024 * 1024;
        lim.keep_free = 0;
        assert_int_equal(journal_store_open(d, &lim, &s), 0);
        assert_int_equal(journal_store_limits(s)->max_file_size, JOURNAL_STORE_FILE_SIZE_MIN);
        assert_int_equal(journal_store_limits(s)->max_files, 100);

        /* ~1 KiB entries: 4000 of them need ~4 MB: files rotate, the oldest get deleted */
        char big[1024];
        memset(big, 'x', sizeof big);
        memcpy(big, "MESSAGE=", 8);
        for (unsigned i = 0; i < 4000; i++) {
                snprintf(big + 8, 16, "%08u", i);
                big[16] = ' ';
                struct iovec iov[] = { { big, sizeof big } };
                assert_int_equal(journal_store_append(s, iov, 1, 1000000ULL + i, i, BOOT_A), 0);
        }
        assert_int_equal(journal_store_flush(s), 0);
        size_t archives = count_archives(d);
        assert_true(archives >= 2);
        uint64_t usage;
        assert_int_equal(journal_dir_usage(d, &usage), 0);
        assert_true(usage <= lim.max_use + 2 * JOURNAL_STORE_FILE_SIZE_MIN);

        /* what is left is contiguous and ends with the last entry */
        _cleanup_strv_free_ char **m = NULL;
        size_t n = read_all(d, NULL, &m);
        assert_true(n > 1000 && n < 4000);
        unsigned first, last;
        assert_int_equal(sscanf(m[0], "%u", &first), 1);
        assert_int_equal(sscanf(m[n - 1], "%u", &last), 1);
        assert_int_equal(last, 3999);
        assert_int_equal(last - first + 1, n);

        /* explicit rotation, then vacuum by files, by time and by size */
        assert_int_equal(journal_store_rotate(s), 0);
        assert_int_equal(count_archives(d), archives + 1);
        uint64_t freed = 0;
        assert_int_equal(journal_dir_vacuum(d, UINT64_MAX, 3, 0, false, &freed), 0);
        assert_int_equal(count_archives(d), 2);  /* + the active file = 3 */
        assert_true(freed > 0);
        assert_int_equal(journal_dir_vacuum(d, UINT64_MAX, 0, 1000000ULL + 3999, false, &freed), 0);
        assert_int_equal(count_archives(d), 1);  /* only the one holding the newest entries */
        assert_int_equal(journal_dir_vacuum(d, 0, 0, 0, false, &freed), 0);
        assert_int_equal(count_archives(d), 0);
        /* the active file is never deleted, and still works */
        append_n(s, 0, 1, BOOT_A);
        journal_store_close(s);
        assert_int_equal(read_all(d, NULL, NULL), 1);
        rm_rf(d);
}

static void test_limits_defaults(void **state) {
        (void)state;
        JournalStoreLimits l = JOURNAL_STORE_LIMITS_UNSET;
        journal_store_limits_apply_defaults(&l, UINT64_C(100) << 30);  /* 100G */
        assert_int_equal(l.max_use, UINT64_C(4) << 30);
        assert_int_equal(l.keep_free, UINT64_C(4) << 30);
        assert_int_equal(l.max_file_size, UINT64_C(128) << 20);
        assert_int_equal(l.max_files, 100);
        l = JOURNAL_STORE_LIMITS_UNSET;
        journal_store_limits_apply_defaults(&l, UINT64_C(1) << 30);   /* 1G */
        assert_int_equal(l.max_use, (UINT64_C(1) << 30) / 10);
        assert_int_equal(l.keep_free, (UINT64_C(1) << 30) / 100 * 15);
        assert_int_equal(l.max_file_size, (UINT64_C(1) << 30) / 10 / 8);
}

static uint64_t file_size(const char *p) {
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        return (uint64_t)st.st_size;
}

static void copy_file(const char *from, const char *to) {
        char *data = NULL;
        size_t n = 0;
        assert_int_equal(read_file_bounded(AT_FDCWD, from, 64 << 20, &data, &n), 0);
        int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, n), (ssize_t)n);
        close(fd);
        free(data);
}

static void test_torn_tail(void **state) {
        (void)state;
        char *d = tmptree_new(), *ref = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(ref, NULL, &s), 0);
        append_n(s, 0, 5, BOOT_A);
        _cleanup_free_ char *rdata = path_in(ref, JF_ACTIVE_NAME), *ridx = path_in(ref, JF_ACTIVE_NAME ".idx");
        uint64_t before_last = file_size(rdata);
        append_n(s, 5, 1, BOOT_A);
        uint64_t full = file_size(rdata);
        journal_store_close(s);

        _cleanup_free_ char *data = path_in(d, JF_ACTIVE_NAME), *idx = path_in(d, JF_ACTIVE_NAME ".idx");
        /* Cut the last record at every byte; with and without its index entry present. */
        for (uint64_t cut = before_last; cut < full; cut++)
                for (int keep_idx = 0; keep_idx < 2; keep_idx++) {
                        copy_file(rdata, data);
                        if (keep_idx)
                                copy_file(ridx, idx);
                        else
                                (void) unlink(idx);
                        assert_int_equal(truncate(data, (off_t)cut), 0);
                        /* a reader copes before any recovery */
                        assert_int_equal(read_all(d, NULL, NULL), 5);
                        assert_int_equal(journal_store_open(d, NULL, &s), 0);
                        assert_int_equal(file_size(data), before_last);
                        assert_int_equal(journal_store_next_seqnum(s), 6);
                        append_n(s, 100, 1, BOOT_A);
                        journal_store_close(s);
                        _cleanup_strv_free_ char **m = NULL;
                        assert_int_equal(read_all(d, NULL, &m), 6);
                        assert_string_equal(m[4], "msg 4");
                        assert_string_equal(m[5], "msg 100");
                }
        rm_rf(d);
        rm_rf(ref);
}

static void test_corruption_in_the_middle(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_n(s, 0, 10, BOOT_A);
        journal_store_close(s);

        /* flip a byte inside the 5th record's payload */
        _cleanup_free_ char *data = path_in(d, JF_ACTIVE_NAME), *idx = path_in(d, JF_ACTIVE_NAME ".idx");
        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        /* find record 5 through the index file */
        uint8_t e[JF_IDX_ENTRY_SIZE];
        JfIdx x;
        int ifd = open(idx, O_RDONLY | O_CLOEXEC);
        assert_int_equal(pread(ifd, e, sizeof e, JF_IDX_HEADER_SIZE + 4 * JF_IDX_ENTRY_SIZE), (ssize_t)sizeof e);
        close(ifd);
        assert_int_equal(jf_idx_decode(e, &x), 0);
        flip_byte(data, (off_t)x.offset + 60, 0x55);

        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 9);
        assert_string_equal(m[3], "msg 3");
        assert_string_equal(m[4], "msg 5");
        /* without index: the scan resynchronizes past the damage; the writer re-indexes */
        assert_int_equal(unlink(idx), 0);
        strv_free(m);
        m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 9);
        assert_string_equal(m[8], "msg 9");
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        assert_int_equal(journal_store_next_seqnum(s), 11);
        append_n(s, 10, 1, BOOT_A);
        journal_store_close(s);
        assert_int_equal(read_all(d, NULL, NULL), 10);
        rm_rf(d);
}

static void test_index_queries_match_scan(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        JournalStoreLimits lim = JOURNAL_STORE_LIMITS_UNSET;
        lim.max_file_size = 1;
        lim.keep_free = 0;
        assert_int_equal(journal_store_open(d, &lim, &s), 0);
        append_n(s, 0, 3000, BOOT_A);
        /* PID 1's messages about a unit count for -u too */
        struct iovec pid1[] = { { (char *)"MESSAGE=Started u1.service.", 27 }, { (char *)"_PID=1", 6 },
                                { (char *)"UNIT=u1.service", 15 }, { (char *)"PRIORITY=6", 10 } };
        assert_int_equal(journal_store_append(s, pid1, 4, 5000000000ULL, 1, BOOT_B), 0);
        append_n(s, 3000, 3000, BOOT_B);
        journal_store_close(s);

        /* Each filter: the reader (index prefilter + match) against a brute-force check. */
        JournalFilter f = {};
        _cleanup_strv_free_ char **all = NULL;
        size_t n_all = read_all(d, NULL, &all);
        assert_int_equal(n_all, 6001);

        assert_int_equal(strv_extend(&f.units, "u1.service"), 0);
        _cleanup_strv_free_ char **got = NULL;
        size_t n = read_all(d, &f, &got);
        assert_int_equal(n, 2001);  /* 2000 entries of u1 + PID 1's */
        assert_true(strv_contains(got, "Started u1.service."));
        strv_free(f.units);
        f.units = NULL;
        assert_int_equal(strv_extend(&f.units, "u[12].*"), 0);  /* glob: no hash, same answer */
        assert_int_equal(read_all(d, &f, NULL), 4001);
        journal_filter_done(&f);

        f.priorities = 1U << 3;
        assert_int_equal(read_all(d, &f, NULL), 750);
        f.priorities = 0;
        f.boot_set = true;
        memcpy(f.boot_id, BOOT_B, 16);
        assert_int_equal(read_all(d, &f, NULL), 3001);
        f.boot_set = false;
        f.since = 1000000ULL * 101;
        f.until = 1000000ULL * 200;
        assert_int_equal(read_all(d, &f, NULL), 100);
        f.since = f.until = 0;
        assert_int_equal(strv_extend(&f.identifiers, "test"), 0);
        assert_int_equal(read_all(d, &f, NULL), 6000);
        journal_filter_done(&f);
        assert_int_equal(journal_filter_add_match(&f, "MESSAGE=msg 7"), 0);
        assert_int_equal(journal_filter_add_match(&f, "MESSAGE=msg 8"), 0);
        assert_int_equal(journal_filter_add_match(&f, "PRIORITY=7"), 0);
        _cleanup_strv_free_ char **mm = NULL;
        assert_int_equal(read_all(d, &f, &mm), 1);  /* (msg 7 OR msg 8) AND PRIORITY=7 */
        assert_string_equal(mm[0], "msg 7");
        assert_int_equal(journal_filter_add_match(&f, "bad=1"), -EINVAL);
        journal_filter_done(&f);

        /* tail + previous gives the last entries; seek_realtime bisects */
        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        JournalRecord e;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        assert_true(journal_reader_n_files(r) >= 2);
        journal_reader_seek_tail(r);
        assert_int_equal(journal_reader_previous(r, &e), 1);
        assert_int_equal(e.realtime, 1000000ULL * 6000);
        assert_int_equal(journal_reader_seek_realtime(r, 1000000ULL * 1234 + 1), 0);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(e.realtime, 1000000ULL * 1235);

        JournalBoot *b = NULL;
        size_t nb = 0;
        assert_int_equal(journal_reader_list_boots(r, &b, &nb), 0);
        assert_int_equal(nb, 2);
        assert_memory_equal(b[0].id, BOOT_A, 16);
        assert_int_equal(b[0].first, 1000000ULL);
        assert_int_equal(b[0].last, 3000000000ULL);
        assert_memory_equal(b[1].id, BOOT_B, 16);
        free(b);
        rm_rf(d);
}

static void test_follow(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        JournalStoreLimits lim = JOURNAL_STORE_LIMITS_UNSET;
        lim.max_file_size = 1;
        lim.keep_free = 0;
        assert_int_equal(journal_store_open(d, &lim, &s), 0);
        append_n(s, 0, 3, BOOT_A);
        assert_int_equal(journal_store_flush(s), 0);
        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        JournalRecord e;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        journal_reader_seek_tail(r);
        assert_int_equal(journal_reader_next(r, &e), 0);
        assert_int_equal(journal_reader_wait(r, 0), 1);  /* arms the watch */
        assert_int_equal(journal_reader_wait(r, 0), 0);
        append_n(s, 3, 2, BOOT_A);
        assert_int_equal(journal_store_flush(s), 0);
        assert_int_equal(journal_reader_wait(r, 1000000), 1);
        assert_int_equal(journal_reader_refresh(r), 0);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(e.seqnum, 4);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(journal_reader_next(r, &e), 0);
        /* across a rotation */
        assert_int_equal(journal_store_rotate(s), 0);
        append_n(s, 5, 1, BOOT_A);
        assert_int_equal(journal_store_flush(s), 0);
        assert_int_equal(journal_reader_refresh(r), 0);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(e.seqnum, 6);
        assert_int_equal(journal_reader_next(r, &e), 0);
        journal_store_close(s);
        rm_rf(d);
}

/* Entry i with shared fields of stream i % 2: MESSAGE=m i, PRIORITY=6 own; _PID, _SYSTEMD_UNIT
 * and a long _CMDLINE shared. */
static void append_shared_n(JournalStore *s, unsigned from, unsigned n) {
        char cmd[300];
        memset(cmd, 'c', sizeof cmd);
        memcpy(cmd, "_CMDLINE=", 9);
        for (unsigned i = from; i < from + n; i++) {
                char m[64], pid[32], unit[64];
                snprintf(m, sizeof m, "MESSAGE=m %u", i);
                snprintf(pid, sizeof pid, "_PID=%u", 100 + i % 2);
                snprintf(unit, sizeof unit, "_SYSTEMD_UNIT=s%u.service", i % 2);
                struct iovec iov[] = { { m, strlen(m) }, { (char *)"PRIORITY=6", 10 },
                                       { pid, strlen(pid) }, { unit, strlen(unit) }, { cmd, sizeof cmd } };
                assert_int_equal(journal_store_append_shared(s, iov, ELEMENTSOF(iov), 3, 1000000ULL * (i + 1), i, BOOT_A), 0);
        }
}

static uint64_t data_size(const char *d) {
        _cleanup_free_ char *p = path_in(d, JF_ACTIVE_NAME);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        return (uint64_t)st.st_size;
}

/* Shared fields are stored once per file; readers see every field in order; the index, recovery
 * without an index, rotation and a damaged context record all keep working. */
static void test_shared_fields(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_shared_n(s, 0, 200);
        journal_store_close(s);
        /* 2 context records of ~400 bytes; 200 entries of ~100 bytes instead of ~450 */
        assert_true(data_size(d) < JF_HEADER_SIZE + 2 * 512 + 200 * 128);

        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        JournalRecord e;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        journal_reader_seek_head(r);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(e.n_fields, 5);
        assert_memory_equal(e.fields[0].data, "MESSAGE=m 0", 11);
        assert_memory_equal(e.fields[1].data, "PRIORITY=6", 10);
        assert_memory_equal(e.fields[2].data, "_PID=100", 8);
        assert_memory_equal(e.fields[3].data, "_SYSTEMD_UNIT=s0.service", 24);
        assert_int_equal(e.fields[4].len, 300);
        assert_int_equal(e.fields[4].name_len, 8);
        /* -u matches the shared _SYSTEMD_UNIT= through the index */
        JournalFilter f = {};
        assert_int_equal(strv_push(&f.units, strdup("s1.service")), 0);
        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, &f, &m), 100);
        assert_string_equal(m[0], "m 1");
        assert_string_equal(m[99], "m 199");
        /* without the index, the writer re-indexes through the contexts and appends after them */
        _cleanup_free_ char *idx = path_in(d, JF_ACTIVE_NAME ".idx");
        assert_int_equal(unlink(idx), 0);
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        assert_int_equal(journal_store_next_seqnum(s), 201);
        append_shared_n(s, 200, 2);
        journal_store_close(s);
        strv_free(m);
        m = NULL;
        assert_int_equal(read_all(d, &f, &m), 101);
        assert_string_equal(m[100], "m 201");
        /* a damaged context hides the entries that use it, and only those */
        uint64_t ctx_at = JF_HEADER_SIZE;    /* the first record written is stream 0's context */
        _cleanup_free_ char *data = path_in(d, JF_ACTIVE_NAME);
        flip_byte(data, (off_t)ctx_at + 70, 0x33);
        /* stream 1's 101 entries, and entry 200: written after the reopen with a context of its own */
        assert_int_equal(read_all(d, NULL, NULL), 102);
        journal_filter_done(&f);
        rm_rf(d);

        /* rotation: every file carries the contexts its entries use */
        d = tmptree_new();
        JournalStoreLimits lim = JOURNAL_STORE_LIMITS_UNSET;
        lim.max_file_size = 1;   /* the 512K minimum */
        lim.keep_free = 0;
        assert_int_equal(journal_store_open(d, &lim, &s), 0);
        append_shared_n(s, 0, 12000);
        journal_store_close(s);
        assert_true(count_archives(d) >= 1);
        assert_int_equal(read_all(d, NULL, NULL), 12000);
        rm_rf(d);
}

/* The reader loads index chunks on demand: a file of several chunks reads the same forward,
 * backward and after a seek; a damaged index entry hides only its own entry. */
static void test_index_chunks(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        const unsigned n = 2600;    /* > 2 chunks of the reader's 1024 */
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_n(s, 0, n, BOOT_A);
        journal_store_close(s);
        /* break the CRC of index entry 1500 */
        _cleanup_free_ char *idx = path_in(d, JF_ACTIVE_NAME ".idx");
        flip_byte(idx, JF_IDX_HEADER_SIZE + 1500 * JF_IDX_ENTRY_SIZE + 9, 0x5a);

        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), n - 1);
        assert_string_equal(m[1499], "msg 1499");
        assert_string_equal(m[1500], "msg 1501");
        assert_string_equal(m[n - 2], "msg 2599");

        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        JournalRecord e;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        journal_reader_seek_tail(r);
        for (unsigned want = n; want-- > 1000;) {
                if (want == 1500)
                        continue;
                assert_int_equal(journal_reader_previous(r, &e), 1);
                assert_int_equal(e.seqnum, want + 1);
        }
        /* -u on the index: every third entry, the newest first */
        JournalFilter f = {};
        assert_int_equal(strv_push(&f.units, strdup("u1.service")), 0);
        journal_reader_set_filter(r, &f);
        journal_reader_seek_tail(r);
        assert_int_equal(journal_reader_previous(r, &e), 1);
        assert_int_equal(e.seqnum, 2599 + 1);   /* 2599 % 3 == 1 */
        /* --since: bisection across chunks (entry i has realtime (i + 1) s) */
        journal_reader_set_filter(r, NULL);
        assert_int_equal(journal_reader_seek_realtime(r, 1000000ULL * 2001), 0);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(e.seqnum, 2001);
        journal_filter_done(&f);
        rm_rf(d);
}

/* Appends are buffered: readers see them after journal_store_flush(), or once a batch fills. */
static void test_batching(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        assert_false(journal_store_pending(s));
        append_n(s, 0, 3, BOOT_A);
        assert_true(journal_store_pending(s));
        assert_int_equal(read_all(d, NULL, NULL), 0);
        assert_int_equal(journal_store_flush(s), 0);
        assert_false(journal_store_pending(s));
        assert_int_equal(journal_store_flush(s), 0);   /* nothing to do */
        assert_int_equal(read_all(d, NULL, NULL), 3);
        /* ~100 bytes per entry: a full batch is written without being asked */
        unsigned n = JOURNAL_STORE_BATCH_MAX / 64;
        append_n(s, 3, n, BOOT_A);
        size_t seen = read_all(d, NULL, NULL);
        assert_true(seen > 3 && seen < 3 + n);
        journal_store_close(s);                          /* flushes the rest */
        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 3 + n);
        char last[32];
        snprintf(last, sizeof last, "msg %u", 3 + n - 1);
        assert_string_equal(m[3 + n - 1], last);
        rm_rf(d);
}

static void test_timestamps(void **state) {
        (void)state;
        uint64_t t, now = 1700000000ULL * 1000000ULL;  /* 2023-11-14 22:13:20 UTC */
        setenv("TZ", "UTC", 1);
        tzset();
        assert_int_equal(jtime_parse_timestamp("now", now, &t), 0);
        assert_int_equal(t, now);
        assert_int_equal(jtime_parse_timestamp("-1h", now, &t), 0);
        assert_int_equal(t, now - 3600000000ULL);
        assert_int_equal(jtime_parse_timestamp("+5min", now, &t), 0);
        assert_int_equal(t, now + 300000000ULL);
        assert_int_equal(jtime_parse_timestamp("10s ago", now, &t), 0);
        assert_int_equal(t, now - 10000000ULL);
        assert_int_equal(jtime_parse_timestamp("today", now, &t), 0);
        assert_int_equal(t, 1699920000ULL * 1000000ULL);
        assert_int_equal(jtime_parse_timestamp("yesterday", now, &t), 0);
        assert_int_equal(t, 1699833600ULL * 1000000ULL);
        assert_int_equal(jtime_parse_timestamp("@1700000000.5", now, &t), 0);
        assert_int_equal(t, now + 500000);
        assert_int_equal(jtime_parse_timestamp("2023-11-14", now, &t), 0);
        assert_int_equal(t, 1699920000ULL * 1000000ULL);
        assert_int_equal(jtime_parse_timestamp("2023-11-14 22:13", now, &t), 0);
        assert_int_equal(t, now - 20000000ULL);
        assert_int_equal(jtime_parse_timestamp("Tue 2023-11-14 22:13:20.25 UTC", now, &t), 0);
        assert_int_equal(t, now + 250000);
        assert_int_equal(jtime_parse_timestamp("2023-11-14T22:13:20Z", now, &t), 0);
        assert_int_equal(t, now);
        assert_int_equal(jtime_parse_timestamp("22:13:20", now, &t), 0);
        assert_int_equal(t, now);
        assert_int_equal(jtime_parse_timestamp("23-11-14 22:13:20", now, &t), 0);
        assert_int_equal(t, now);
        const char *bad[] = { "", "garbage", "2023-13-45", "@", "@x", "+", "25:00", "2023-11-14 22:13:20 junk" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(jtime_parse_timestamp(bad[i], now, &t), -EINVAL);
}

/* The record checksum is zlib's CRC-32: the standard check value, and every split of a buffer
 * (the eight-byte steps and the byte tail) gives the same result as one pass. */
static void test_crc32(void **state) {
        (void)state;
        assert_int_equal(jf_crc32(0, "123456789", 9), 0xcbf43926U);
        assert_int_equal(jf_crc32(0, "", 0), 0);
        uint8_t buf[300];
        for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 37 + 11);
        uint32_t whole = jf_crc32(0, buf, sizeof buf);
        for (size_t cut = 0; cut <= sizeof buf; cut += 7)
                assert_int_equal(jf_crc32(jf_crc32(0, buf, cut), buf + cut, sizeof buf - cut), whole);
        uint32_t c = ~0U;   /* a bytewise reference */
        for (size_t i = 0; i < sizeof buf; i++) {
                c ^= buf[i];
                for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
        }
        assert_int_equal(~c, whole);
}

int main(void) {
        log_set_max_level(LOG_ERR);  /* the recovery warnings of test_torn_tail */
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_crc32),
                cmocka_unit_test(test_append_read_back),
                cmocka_unit_test(test_rotation_and_limits),
                cmocka_unit_test(test_limits_defaults),
                cmocka_unit_test(test_torn_tail),
                cmocka_unit_test(test_corruption_in_the_middle),
                cmocka_unit_test(test_index_queries_match_scan),
                cmocka_unit_test(test_follow),
                cmocka_unit_test(test_batching),
                cmocka_unit_test(test_index_chunks),
                cmocka_unit_test(test_shared_fields),
                cmocka_unit_test(test_timestamps),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
