/* SPDX-License-Identifier: MIT */
/* journal-hash, journal-file, journal-writer: the published hash test vectors; files written and
 * read back; Debian's journalctl (systemd 252) reading and verifying what tinysd wrote, in both
 * layouts; a writer killed with SIGKILL at random moments leaves a file that --verify accepts and
 * that the next writer appends to; a file truncated under a reader makes it fail, not crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "base/id128.h"
#include "base/log.h"
#include "base/util.h"
#include "journal/journal-file.h"
#include "journal/journal-hash.h"
#include "journal/journal-writer.h"
#include "journal-tools.h"
#include "tmptree.h"

#define JOURNALCTL "/usr/bin/journalctl"
static const uint8_t MACHINE[16] = { 0x74, 0x69, 0x6e, 0x79, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t BOOT[16] = { 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint64_t T0 = UINT64_C(1700000000000000);   /* 2023-11-14 22:13:20 UTC */

static int rm_cb(const char *p, const struct stat *s, int f, struct FTW *w) {
        (void)s; (void)f; (void)w;
        return remove(p);
}

static void rm_rf(char *d) {
        nftw(d, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
        free(d);
}

static void test_hash_vectors(void **state) {
        (void)state;
        /* lookup3.c's driver5() */
        uint32_t c = 0, b = 0;
        journal_hash_hashlittle2("", 0, &c, &b);
        assert_int_equal(c, 0xdeadbeefU);
        assert_int_equal(b, 0xdeadbeefU);
        c = 0, b = 0xdeadbeefU;
        journal_hash_hashlittle2("", 0, &c, &b);
        assert_int_equal(c, 0xbd5b7ddeU);
        const char *s = "Four score and seven years ago";
        c = 0, b = 0;
        journal_hash_hashlittle2(s, 30, &c, &b);
        assert_int_equal(c, 0x17770551U);
        assert_int_equal(b, 0xce7226e6U);
        c = 0, b = 1;
        journal_hash_hashlittle2(s, 30, &c, &b);
        assert_int_equal(c, 0xe3607caeU);
        assert_int_equal(b, 0xbd371de4U);
        c = 1, b = 0;
        journal_hash_hashlittle2(s, 30, &c, &b);
        assert_int_equal(c, 0xcd628161U);
        assert_int_equal(b, 0x6cbea4b3U);
        assert_int_equal(journal_hash_jenkins64(s, 30), UINT64_C(0x17770551ce7226e6));
        /* a keyed file hashes with SipHash-2-4 under its file id (the paper's vector: key 00..0f,
         * message 00..0e); an unkeyed one with jenkins64 */
        uint8_t key[16], msg[15];
        for (int i = 0; i < 16; i++)
                key[i] = (uint8_t)i;
        for (int i = 0; i < 15; i++)
                msg[i] = (uint8_t)i;
        assert_int_equal(journal_hash_data(msg, 15, true, key), UINT64_C(0xa129ca6149be45e5));
        assert_int_equal(journal_hash_data(s, 30, false, key), UINT64_C(0x17770551ce7226e6));
}

static JournalWriterParams params(uint64_t max_size, bool regular) {
        JournalWriterParams p = { .max_size = max_size, .regular = regular };
        memcpy(p.machine_id, MACHINE, 16);
        memcpy(p.boot_id, BOOT, 16);
        return p;
}

/* Entry i: a unique MESSAGE, a unit out of three, the same host and boot id; i % 5 == 0 also
 * carries binary data, a repeated field and a value with a newline. */
static void append_i(JournalWriter *w, unsigned i) {
        char m[64], u[64], pid[32];
        snprintf(m, sizeof m, "MESSAGE=line %u", i);
        snprintf(u, sizeof u, "_SYSTEMD_UNIT=u%u.service", i % 3);
        snprintf(pid, sizeof pid, "_PID=%u", 100 + i % 3);
        const char bin[] = "BLOB=a\0b\xff";
        struct iovec iov[] = {
                { m, strlen(m) }, { (char *)"PRIORITY=6", 10 }, { (char *)"TAG=x", 5 }, { (char *)"TAG=x", 5 },
                { (char *)"TEXT=two\nlines", 14 }, { (char *)bin, sizeof bin - 1 },
                { u, strlen(u) }, { pid, strlen(pid) }, { (char *)"_HOSTNAME=box", 13 },
                { (char *)"_BOOT_ID=aa0102030405060708090a0b0c0d0e0f", 41 },
        };
        struct iovec plain[] = { iov[0], iov[1], iov[6], iov[7], iov[8], iov[9] };
        bool extra = i % 5 == 0;
        assert_int_equal(journal_writer_append(w, extra ? iov : plain, extra ? ELEMENTSOF(iov) : ELEMENTSOF(plain), 4,
                                               T0 + i * 1000, 5000 + i, BOOT, i + 1), 0);
}

/* The MESSAGE of every entry of `path`, read with journal-file's read API, in the main order. */
static unsigned read_messages(const char *path, unsigned expect_first) {
        JournalFile *f;
        JfList l;
        assert_int_equal(journal_file_open(path, &f), 0);
        assert_int_equal(journal_file_list_main(f, &l), 0);
        for (uint64_t i = 0; i < l.n; i++) {
                const JfEntryObject *e;
                uint64_t off = journal_file_list_get(f, &l, i);
                assert_int_equal(journal_file_object(f, off, JF_OBJECT_ENTRY, (const void **)&e), 0);
                assert_int_equal(le64toh(e->seqnum), expect_first + i + 1);
                bool found = false;
                for (uint64_t k = 0; k < journal_file_entry_n_items(f, e); k++) {
                        const uint8_t *p;
                        size_t len;
                        assert_int_equal(journal_file_data_payload(f, journal_file_entry_item(f, e, k), &p, &len), 0);
                        char want[64];
                        snprintf(want, sizeof want, "MESSAGE=line %u", (unsigned)(expect_first + i));
                        found = found || (len == strlen(want) && memcmp(p, want, len) == 0);
                }
                assert_true(found);
        }
        unsigned n = (unsigned)l.n;
        jf_list_done(&l);
        journal_file_close(f);
        return n;
}

static void test_write_read_back(void **state) {
        (void)state;
        for (int regular = 0; regular < 2; regular++) {
                char *d = tmptree_new();
                int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                JournalWriter *w;
                JournalWriterParams p = params(4 << 20, regular);
                assert_int_equal(journal_writer_create(dfd, JF_ACTIVE_NAME, &p, &w), 0);
                for (unsigned i = 0; i < 3000; i++) {
                        append_i(w, i);
                        if (i % 97 == 96 || journal_writer_commit_due(w))
                                assert_int_equal(journal_writer_commit(w), 0);
                }
                /* refused: seqnum not growing, a field without '=', a realtime of 0 */
                struct iovec bad[] = { { (char *)"NOEQUALS", 8 } }, ok[] = { { (char *)"MESSAGE=x", 9 } };
                assert_int_equal(journal_writer_append(w, ok, 1, 0, T0, 1, BOOT, 5), -EINVAL);
                assert_int_equal(journal_writer_append(w, bad, 1, 0, T0, 1, BOOT, 9000), -EINVAL);
                assert_int_equal(journal_writer_append(w, ok, 1, 0, 0, 1, BOOT, 9000), -EINVAL);
                assert_int_equal(journal_writer_close(w, JF_STATE_OFFLINE), 0);

                char path[4096];
                snprintf(path, sizeof path, "%s/" JF_ACTIVE_NAME, d);
                assert_int_equal(read_messages(path, 0), 3000);
                JournalFile *f;
                assert_int_equal(journal_file_open(path, &f), 0);
                assert_int_equal(f->compact, !regular);
                assert_true(f->keyed);
                assert_int_equal(f->header.state, JF_STATE_OFFLINE);
                /* data objects are shared: one _HOSTNAME=box, listing all 3000 entries */
                uint64_t off;
                JfList l;
                assert_int_equal(journal_file_find_data(f, "_HOSTNAME=box", 13, &off), 1);
                assert_int_equal(journal_file_list_data(f, off, &l), 0);
                assert_int_equal(l.n, 3000);
                uint64_t prev = 0;
                for (uint64_t i = 0; i < l.n; i++) {
                        uint64_t e = journal_file_list_get(f, &l, i);
                        assert_true(e > prev);
                        prev = e;
                }
                jf_list_done(&l);
                assert_int_equal(journal_file_find_data(f, "_SYSTEMD_UNIT=u1.service", 24, &off), 1);
                assert_int_equal(journal_file_list_data(f, off, &l), 0);
                assert_int_equal(l.n, 1000);
                jf_list_done(&l);
                assert_int_equal(journal_file_find_data(f, "_SYSTEMD_UNIT=nope", 18, &off), 0);
                assert_int_equal(journal_file_find_field(f, "TAG", 3, &off), 1);
                assert_int_equal(f->header.n_entries, 3000);
                journal_file_close(f);

                /* appending to it again: an OFFLINE file of ours is reopened, sequence continued */
                JournalWriterParams p2 = params(4 << 20, regular);
                assert_int_equal(journal_writer_open(dfd, JF_ACTIVE_NAME, &p2, &w), 0);
                assert_int_equal(journal_writer_header(w)->tail_entry_seqnum, 3000);
                for (unsigned i = 3000; i < 3100; i++)
                        append_i(w, i);
                assert_int_equal(journal_writer_close(w, JF_STATE_OFFLINE), 0);
                assert_int_equal(read_messages(path, 0), 3100);
                /* another machine's file, or one left ONLINE, is not appended to */
                JournalWriterParams other = params(4 << 20, regular);
                other.machine_id[0] ^= 1;
                assert_int_equal(journal_writer_open(dfd, JF_ACTIVE_NAME, &other, &w), -EHOSTDOWN);
                assert_int_equal(journal_writer_create(dfd, JF_ACTIVE_NAME, &p2, &w), -EEXIST);
                close(dfd);
                rm_rf(d);
        }
}

/* Run Debian's journalctl with args on file; its stdout in *out (malloc'd). Exit status. */
static int real_journalctl(const char *file, const char *arg, char **out) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "TZ=UTC %s --file='%s' %s 2>&1", JOURNALCTL, file, arg);
        FILE *p = popen(cmd, "re");
        assert_non_null(p);
        size_t cap = 1 << 16, n = 0;
        char *b = malloc(cap);
        assert_non_null(b);
        for (size_t k; (k = fread(b + n, 1, cap - n - 1, p)) > 0;) {
                n += k;
                if (cap - n < 4096) {
                        cap *= 2;
                        b = realloc(b, cap);
                        assert_non_null(b);
                }
        }
        b[n] = 0;
        int st = pclose(p);
        *out = b;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_debian_journalctl_reads_it(void **state) {
        (void)state;
        if (!journal_tools_have(JOURNALCTL))
                skip();
        for (int regular = 0; regular < 2; regular++) {
                char *d = tmptree_new();
                int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                JournalWriter *w;
                JournalWriterParams p = params(2 << 20, regular);
                assert_int_equal(journal_writer_create(dfd, JF_ACTIVE_NAME, &p, &w), 0);
                for (unsigned i = 0; i < 2000; i++) {
                        append_i(w, i);
                        if (i % 50 == 49)
                                assert_int_equal(journal_writer_commit(w), 0);
                }
                assert_int_equal(journal_writer_close(w, JF_STATE_OFFLINE), 0);
                char path[4096], *out;
                snprintf(path, sizeof path, "%s/" JF_ACTIVE_NAME, d);
                assert_int_equal(real_journalctl(path, "--verify", &out), 0);
                assert_non_null(strstr(out, "PASS: "));
                free(out);
                /* export: every field of entry 0, in the order of its data objects */
                assert_int_equal(real_journalctl(path, "-o export -n 2000 | head -c 100000", &out), 0);
                const char *e0 = strstr(out, "__REALTIME_TIMESTAMP=1700000000000000\n");
                assert_non_null(e0);
                static const char want[] = "__REALTIME_TIMESTAMP=1700000000000000\n__MONOTONIC_TIMESTAMP=5000\n"
                                           "_BOOT_ID=aa0102030405060708090a0b0c0d0e0f\nMESSAGE=line 0\nPRIORITY=6\nTAG=x\n"
                                           "TEXT\n\x09\0\0\0\0\0\0\0two\nlines\nBLOB\n\x04\0\0\0\0\0\0\0a\0b\xff\n"
                                           "_SYSTEMD_UNIT=u0.service\n_PID=100\n_HOSTNAME=box\n\n";
                assert_memory_equal(e0, want, sizeof want - 1);
                free(out);
                assert_int_equal(real_journalctl(path, "-u u2.service -n 3 -o cat", &out), 0);
                assert_string_equal(out, "line 1991\nline 1994\nline 1997\n");
                free(out);
                assert_int_equal(real_journalctl(path, "-F _SYSTEMD_UNIT", &out), 0);
                assert_string_equal(out, "u2.service\nu1.service\nu0.service\n");
                free(out);
                close(dfd);
                rm_rf(d);
        }
}

/* A child appends and commits forever; it is killed with SIGKILL after `usec`. */
static pid_t writer_child(const char *dir, unsigned from) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid > 0)
                return pid;
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        JournalWriter *w;
        JournalWriterParams p = params(64 << 20, false);
        int r = journal_writer_open(dfd, JF_ACTIVE_NAME, &p, &w);
        if (r == -ENOENT)
                r = journal_writer_create(dfd, JF_ACTIVE_NAME, &p, &w);
        if (r < 0)
                _exit(2);
        uint64_t seq = journal_writer_header(w)->tail_entry_seqnum;
        for (unsigned i = from;; i++) {
                char m[64];
                snprintf(m, sizeof m, "MESSAGE=killed writer %u %u", i, (unsigned)rand());
                struct iovec iov[] = { { m, strlen(m) }, { (char *)"PRIORITY=5", 10 },
                                       { (char *)"_SYSTEMD_UNIT=k.service", 23 }, { (char *)"_HOSTNAME=box", 13 } };
                if (journal_writer_rotate_suggested(w, 4096) ||
                    journal_writer_append(w, iov, ELEMENTSOF(iov), 2, T0 + i, 1000 + seq, BOOT, seq + 1) < 0)
                        _exit(3);
                seq++;
                if (i % 37 == 0 && journal_writer_commit(w) < 0)
                        _exit(4);
        }
}

/* Until the writer in dir has committed an entry (at most 60 s). */
static void wait_first_commit(const char *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/" JF_ACTIVE_NAME, dir);
        for (int i = 0; i < 12000; i++) {
                JournalFile *f;
                if (journal_file_open(path, &f) == 0) {
                        bool committed = f->header.n_entries > 0;
                        journal_file_close(f);
                        if (committed)
                                return;
                }
                usleep(5000);
        }
        fail_msg("the writer committed nothing in 60 s");
}

/* SIGKILL at random moments of a busy writer: the file always verifies (the commit is one
 * preadv()), the next writer appends to it (it stays OFFLINE) and every committed entry is there. */
static void test_sigkill_during_commits(void **state) {
        (void)state;
        bool have = journal_tools_have(JOURNALCTL);
        char *d = tmptree_new();
        srand(12345);
        for (int round = 0; round < 12; round++) {
                pid_t pid = writer_child(d, (unsigned)round * 1000000);
                if (round == 0)
                        wait_first_commit(d);   /* a loaded machine may not get the child that far in 20 ms */
                struct timespec ts = { 0, 20000000 + (rand() % 100) * 1000000L };
                nanosleep(&ts, NULL);
                kill(pid, SIGKILL);
                int st;
                assert_int_equal(waitpid(pid, &st, 0), pid);
                assert_true(WIFSIGNALED(st));
                char path[4096], *out;
                snprintf(path, sizeof path, "%s/" JF_ACTIVE_NAME, d);
                JournalFile *f;
                assert_int_equal(journal_file_open(path, &f), 0);
                assert_int_equal(f->header.state, JF_STATE_OFFLINE);
                assert_true(f->header.n_entries > 0);
                journal_file_close(f);
                if (!have)
                        continue;
                assert_int_equal(real_journalctl(path, "--verify", &out), 0);
                assert_non_null(strstr(out, "PASS: "));
                free(out);
        }
        rm_rf(d);
}

/* Readers opening a file a writer commits to all the time: every open succeeds and sees entries
 * (the header may name objects beyond the size seen just before it, or be read mid-copy). */
static void test_open_while_committing(void **state) {
        (void)state;
        char *d = tmptree_new();
        pid_t pid = writer_child(d, 0);
        char path[4096];
        snprintf(path, sizeof path, "%s/" JF_ACTIVE_NAME, d);
        JournalFile *f;
        wait_first_commit(d);   /* then every open must see entries, however slow the machine */
        unsigned ok = 0;
        for (int i = 0; i < 2000; i++) {
                int r = journal_file_open(path, &f);
                assert_int_equal(r, 0);
                JfList l;
                assert_int_equal(journal_file_list_main(f, &l), 0);
                ok += l.n > 0;
                jf_list_done(&l);
                journal_file_close(f);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        assert_true(ok > 1900);
        rm_rf(d);
}

/* A file cut short under a reader: the reader fails its calls, PID 1's SIGBUS handler keeps the
 * process alive. */
static void test_truncated_under_reader(void **state) {
        (void)state;
        char *d = tmptree_new();
        int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        JournalWriter *w;
        JournalWriterParams p = params(4 << 20, false);
        assert_int_equal(journal_writer_create(dfd, JF_ACTIVE_NAME, &p, &w), 0);
        for (unsigned i = 0; i < 500; i++)
                append_i(w, i);
        assert_int_equal(journal_writer_close(w, JF_STATE_OFFLINE), 0);
        char path[4096];
        snprintf(path, sizeof path, "%s/" JF_ACTIVE_NAME, d);
        JournalFile *f;
        JfList l;
        assert_int_equal(journal_file_open(path, &f), 0);
        assert_int_equal(journal_file_list_main(f, &l), 0);
        uint64_t last = journal_file_list_get(f, &l, l.n - 1);
        assert_int_equal(truncate(path, 4096), 0);
        const JfEntryObject *e;
        /* the object check passes (the mapping is as it was), reading it raises SIGBUS: caught */
        if (journal_file_object(f, last, JF_OBJECT_ENTRY, (const void **)&e) >= 0)
                assert_true(e->seqnum == 0 || journal_file_broken(f));
        assert_true(journal_file_broken(f));
        assert_true(journal_file_refresh(f) < 0);
        jf_list_done(&l);
        journal_file_close(f);
        close(dfd);
        rm_rf(d);
}

static void test_names(void **state) {
        (void)state;
        char n[128];
        uint8_t id[16], got[16];
        uint64_t seq, rt;
        for (int i = 0; i < 16; i++)
                id[i] = (uint8_t)(i * 17);
        jf_archived_name(id, 0x42, T0, n);
        assert_string_equal(n, "system@00112233445566778899aabbccddeeff-0000000000000042-00060a24181e4000.journal");
        assert_int_equal(jf_name_parse_archived(n, got, &seq, &rt), 0);
        assert_memory_equal(got, id, 16);
        assert_int_equal(seq, 0x42);
        assert_int_equal(rt, T0);
        jf_disposed_name(T0, n);
        assert_true(jf_name_is_journal(n));
        assert_int_equal(jf_name_parse_archived(n, got, &seq, &rt), 0);
        assert_int_equal(rt, T0);
        assert_int_equal(seq, 0);
        assert_int_equal(jf_name_parse_archived(JF_ACTIVE_NAME, got, &seq, &rt), -EINVAL);
        assert_true(jf_name_is_journal(JF_ACTIVE_NAME));
        assert_false(jf_name_is_journal(".#system.journal1234"));
        assert_false(jf_name_is_journal("system.tjournal"));
}

int main(void) {
        log_set_max_level(LOG_ERR);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hash_vectors),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_write_read_back),
                cmocka_unit_test(test_debian_journalctl_reads_it),
                cmocka_unit_test(test_sigkill_during_commits),
                cmocka_unit_test(test_open_while_committing),
                cmocka_unit_test(test_truncated_under_reader),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
