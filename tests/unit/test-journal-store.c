/* SPDX-License-Identifier: MIT */
/* journal-store and journal-reader: append and read back, binary values, rotation, limits,
 * vacuum, files set aside, damaged files, indexed queries against a full scan, follow, several
 * files merged. */
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
#include "journal/journal-file.h"
#include "journal/journal-writer.h"
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

/* Append entry i: MESSAGE=msg i, _SYSTEMD_UNIT=u<i%3>.service, PRIORITY=i%8, and the _BOOT_ID=
 * the server adds to every entry. */
static void append_n(JournalStore *s, unsigned from, unsigned n, const uint8_t boot[16]) {
        for (unsigned i = from; i < from + n; i++) {
                char m[64], u[64], p[16], b[64] = "_BOOT_ID=";
                snprintf(m, sizeof m, "MESSAGE=msg %u", i);
                snprintf(u, sizeof u, "_SYSTEMD_UNIT=u%u.service", i % 3);
                snprintf(p, sizeof p, "PRIORITY=%u", i % 8);
                id128_to_string(boot, b + 9);
                struct iovec iov[] = { { m, strlen(m) }, { u, strlen(u) }, { p, strlen(p) },
                                       { (char *)"SYSLOG_IDENTIFIER=test", 22 }, { b, 41 } };
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
        for (struct dirent *de; (de = readdir(dir));) {
                uint8_t id[16];
                uint64_t seq, rt;
                n += endswith(de->d_name, ".journal") && jf_name_parse_archived(de->d_name, id, &seq, &rt) >= 0;
        }
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
        /* by time, as journald: a file goes when its first entry is older than the limit */
        uint64_t newest_head = 0;
        DIR *dir = opendir(d);
        for (struct dirent *de; (de = readdir(dir));) {
                uint8_t id[16];
                uint64_t seq, rt;
                if (jf_name_parse_archived(de->d_name, id, &seq, &rt) >= 0 && rt > newest_head)
                        newest_head = rt;
        }
        closedir(dir);
        assert_int_equal(journal_dir_vacuum(d, UINT64_MAX, 0, newest_head, false, &freed), 0);
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

static void write_file(const char *dir, const char *name, const char *content, size_t len) {
        _cleanup_free_ char *p = path_in(dir, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, len), (ssize_t)len);
        close(fd);
}

static size_t count_suffix(const char *d, const char *suffix) {
        DIR *dir = opendir(d);
        size_t n = 0;
        assert_non_null(dir);
        for (struct dirent *de; (de = readdir(dir));)
                n += endswith(de->d_name, suffix) != NULL;
        closedir(dir);
        return n;
}

/* An active file the writer cannot append to is set aside as journald does (*.journal~) and the
 * sequence goes on in a new one; readers still read what the old one holds. */
static void test_set_aside(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_n(s, 0, 10, BOOT_A);
        journal_store_close(s);
        /* left ONLINE by a writer that did not finish */
        _cleanup_free_ char *active = path_in(d, JF_ACTIVE_NAME);
        flip_byte(active, offsetof(JfHeader, state), JF_STATE_ONLINE);
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        assert_int_equal(journal_store_next_seqnum(s), 11);
        append_n(s, 10, 5, BOOT_A);
        journal_store_close(s);
        assert_int_equal(count_suffix(d, ".journal~"), 1);
        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 15);
        assert_string_equal(m[9], "msg 9");
        assert_string_equal(m[10], "msg 10");
        /* garbage where system.journal should be (entries 10-14 lost with it), and a stale
         * temporary of a killed creation: the sequence goes on from the set-aside file */
        write_file(d, JF_ACTIVE_NAME, "not a journal", 13);
        write_file(d, ".#" JF_ACTIVE_NAME "0123456789abcdef", "x", 1);
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        assert_int_equal(journal_store_next_seqnum(s), 11);
        append_n(s, 15, 1, BOOT_A);
        journal_store_close(s);
        /* the garbage was set aside, then vacuumed as a file without entries (journald's rule) */
        assert_int_equal(count_suffix(d, ".journal~"), 1);
        assert_int_equal(count_suffix(d, "0123456789abcdef"), 0);
        assert_int_equal(read_all(d, NULL, NULL), 11);
        /* vacuuming counts set-aside files as archives */
        uint64_t freed;
        assert_int_equal(journal_dir_vacuum(d, 0, 0, 0, false, &freed), 0);
        assert_int_equal(count_suffix(d, ".journal~"), 0);
        assert_int_equal(read_all(d, NULL, NULL), 1);
        rm_rf(d);
}

/* A damaged data object: the entries using it lose that field only; a damaged entry array hides
 * what only it lists; nothing crashes, and the writer refuses to append to the file. */
static void test_damage(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_n(s, 0, 10, BOOT_A);
        journal_store_close(s);
        _cleanup_free_ char *active = path_in(d, JF_ACTIVE_NAME);
        JournalFile *f;
        uint64_t off;
        assert_int_equal(journal_file_open(active, &f), 0);
        assert_int_equal(journal_file_find_data(f, "MESSAGE=msg 4", 13, &off), 1);
        journal_file_close(f);
        flip_byte(active, (off_t)off, 0x7f);   /* its object type */
        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 10);
        assert_string_equal(m[3], "msg 3");
        assert_string_equal(m[4], "");           /* no MESSAGE= any more */
        assert_string_equal(m[5], "msg 5");
        JournalFilter f2 = {};
        assert_int_equal(strv_extend(&f2.units, "u1.service"), 0);
        assert_int_equal(read_all(d, &f2, NULL), 3);
        journal_filter_done(&f2);

        /* garbage in the tail of every bucket of the data hash table (the heads stay as they
         * were): the writer must not write through a tail that is not an object of the file; it
         * sets the file aside and the new entries go to a new one */
        assert_int_equal(journal_file_open(active, &f), 0);
        uint64_t at = f->header.data_hash_table_offset, len = f->header.data_hash_table_size;
        journal_file_close(f);
        int fd = open(active, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        for (uint64_t o = 8; o < len; o += 16) {
                uint64_t junk = htole64(UINT64_C(0x4141414141414141) + o);
                assert_int_equal(pwrite(fd, &junk, 8, (off_t)(at + o)), 8);
        }
        close(fd);
        JournalStore *s2 = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s2), 0);
        append_n(s2, 10, 5, BOOT_A);
        journal_store_close(s2);
        assert_int_equal(count_suffix(d, ".journal~"), 1);
        strv_free(m);
        m = NULL;
        assert_int_equal(read_all(d, NULL, &m), 15);
        assert_string_equal(m[14], "msg 14");
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
        char bb[64] = "_BOOT_ID=";
        id128_to_string(BOOT_B, bb + 9);
        struct iovec pid1[] = { { (char *)"MESSAGE=Started u1.service.", 27 }, { (char *)"_PID=1", 6 },
                                { (char *)"UNIT=u1.service", 15 }, { (char *)"PRIORITY=6", 10 }, { bb, 41 } };
        assert_int_equal(journal_store_append(s, pid1, 5, 5000000000ULL, 1, BOOT_B), 0);
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

/* Shared fields are stored once per file like every field (the format keeps each distinct
 * "NAME=value" once); readers see every field; -u finds them through the data objects. */
static void test_shared_fields(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        uint64_t empty = data_size(d);
        append_shared_n(s, 0, 200);
        journal_store_close(s);
        /* the 300-byte _CMDLINE= is stored twice (one per stream), not 200 times */
        /* per entry: the entry (88 bytes), its message (88), 4-byte slots in five entry arrays */
        assert_true(data_size(d) - empty < 200 * 240 + 2 * 400);

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
        JournalFilter f = {};
        assert_int_equal(strv_push(&f.units, strdup("s1.service")), 0);
        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, &f, &m), 100);
        assert_string_equal(m[0], "m 1");
        assert_string_equal(m[99], "m 199");
        journal_filter_done(&f);
        rm_rf(d);

        /* rotation: every file holds the fields its entries use */
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

/* A file of many entry arrays reads the same forward, backward and after a seek. */
static void test_large_file(void **state) {
        (void)state;
        char *d = tmptree_new();
        JournalStore *s = NULL;
        const unsigned n = 20000;
        assert_int_equal(journal_store_open(d, NULL, &s), 0);
        append_n(s, 0, n, BOOT_A);
        journal_store_close(s);

        _cleanup_strv_free_ char **m = NULL;
        assert_int_equal(read_all(d, NULL, &m), n);
        assert_string_equal(m[n - 1], "msg 19999");

        _cleanup_(journal_reader_freep) JournalReader *r = NULL;
        char *dirs[] = { d, NULL };
        JournalRecord e;
        assert_int_equal(journal_reader_open(dirs, NULL, &r), 0);
        journal_reader_seek_tail(r);
        for (unsigned want = n; want-- > 15000;) {
                assert_int_equal(journal_reader_previous(r, &e), 1);
                assert_int_equal(e.seqnum, want + 1);
        }
        /* -u through the data object's arrays: every third entry, the newest first */
        JournalFilter f = {};
        assert_int_equal(strv_push(&f.units, strdup("u1.service")), 0);
        journal_reader_set_filter(r, &f);
        journal_reader_seek_tail(r);
        assert_int_equal(journal_reader_previous(r, &e), 1);
        assert_int_equal(e.seqnum, 19999 + 1);   /* 19999 % 3 == 1 */
        assert_int_equal(journal_reader_previous(r, &e), 1);
        assert_int_equal(e.seqnum, 19996 + 1);
        /* --since: bisection (entry i has realtime (i + 1) s) */
        journal_reader_set_filter(r, NULL);
        assert_int_equal(journal_reader_seek_realtime(r, 1000000ULL * 12001), 0);
        assert_int_equal(journal_reader_next(r, &e), 1);
        assert_int_equal(e.seqnum, 12001);
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
        /* ~150 bytes of new objects per entry: a full batch is committed without being asked */
        unsigned n = JOURNAL_WRITER_BATCH_MAX / 64;
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

int main(void) {
        log_set_max_level(LOG_CRIT);  /* the "renaming and replacing" warnings of test_set_aside */
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_append_read_back),
                cmocka_unit_test(test_rotation_and_limits),
                cmocka_unit_test(test_limits_defaults),
                cmocka_unit_test(test_set_aside),
                cmocka_unit_test(test_damage),
                cmocka_unit_test(test_index_queries_match_scan),
                cmocka_unit_test(test_follow),
                cmocka_unit_test(test_batching),
                cmocka_unit_test(test_large_file),
                cmocka_unit_test(test_shared_fields),
                cmocka_unit_test(test_timestamps),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
