/* SPDX-License-Identifier: MIT */
/* proc-scan: the /proc/PID/stat parser, snapshots of a fake and of the real /proc, and the
 * membership of a unit's processes computed through parents, sessions and process groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "base/util.h"
#include "core/proc-scan.h"
#include "tmptree.h"

/* A complete stat line as the kernel writes it (52 fields). */
static char *stat_line(pid_t pid, const char *comm, char state, pid_t ppid, pid_t pgid, pid_t sid,
                       unsigned long long starttime) {
        char *s = xasprintf("%d (%s) %c %d %d %d 34816 -1 4194560 120 0 3 0 5 2 0 0 20 0 1 0 %llu "
                            "8245248 447 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                            (int) pid, comm, state, (int) ppid, (int) pgid, (int) sid, starttime);
        assert_non_null(s);
        return s;
}

static void put_proc(const char *root, pid_t pid, const char *comm, char state, pid_t ppid, pid_t pgid,
                     pid_t sid, unsigned long long starttime) {
        char rel[64];
        _cleanup_free_ char *line = stat_line(pid, comm, state, ppid, pgid, sid, starttime);
        snprintf(rel, sizeof rel, "%d/stat", (int) pid);
        tmptree_write(root, rel, line);
}

static bool pids_equal(const pid_t *got, size_t n_got, const pid_t *want, size_t n_want) {
        if (n_got != n_want)
                return false;
        for (size_t i = 0; i < n_got; i++)
                if (got[i] != want[i])
                        return false;
        return true;
}

static void print_pids(const char *what, const pid_t *v, size_t n) {
        fprintf(stderr, "%s:", what);
        for (size_t i = 0; i < n; i++)
                fprintf(stderr, " %d", (int) v[i]);
        fprintf(stderr, "\n");
}

#define assert_pids(got, n_got, ...)                                                     \
        do {                                                                             \
                const pid_t _want[] = { __VA_ARGS__ };                                   \
                if (!pids_equal((got), (n_got), _want, ELEMENTSOF(_want))) {             \
                        print_pids("got", (got), (n_got));                               \
                        print_pids("want", _want, ELEMENTSOF(_want));                    \
                        fail();                                                          \
                }                                                                        \
        } while (0)

static void test_stat_parse(void **state) {
        (void)state;
        ProcInfo p;
        _cleanup_free_ char *l = stat_line(4711, "a) (b c", 'S', 1, 4700, 4600, 123456789ULL);
        assert_int_equal(proc_stat_parse(l, strlen(l), &p), 0);
        assert_int_equal(p.pid, 4711);
        assert_int_equal(p.state, 'S');
        assert_int_equal(p.ppid, 1);
        assert_int_equal(p.pgid, 4700);
        assert_int_equal(p.sid, 4600);
        assert_true(p.starttime == 123456789ULL);

        /* comm with a newline, a lone ')' and something that looks like fields */
        const char *odd[] = { "x\ny", ")", ") Z 9 9 9", "((", "" };
        for (size_t i = 0; i < ELEMENTSOF(odd); i++) {
                _cleanup_free_ char *o = stat_line(7, odd[i], 'Z', 2, 3, 4, 5);
                assert_int_equal(proc_stat_parse(o, strlen(o), &p), 0);
                assert_int_equal(p.pid, 7);
                assert_int_equal(p.state, 'Z');
                assert_int_equal(p.ppid, 2);
                assert_int_equal(p.pgid, 3);
                assert_int_equal(p.sid, 4);
                assert_true(p.starttime == 5);
        }

        /* kernel threads: ppid/pgid/sid 0 */
        const char *kt = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 3 0 0\n";
        assert_int_equal(proc_stat_parse(kt, strlen(kt), &p), 0);
        assert_int_equal(p.ppid, 0);
        assert_true(p.starttime == 3);

        /* text ending right after starttime (no newline) is complete */
        const char *shortl = "5 (x) R 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77";
        assert_int_equal(proc_stat_parse(shortl, strlen(shortl), &p), 0);
        assert_true(p.starttime == 77);

        const char *bad[] = {
                "",
                "42",
                "42 (x",
                "42 x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "x (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "0 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "-3 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "99999999999 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "42 (y) S",
                "42 (y) S ",
                "42 (y)S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "42 (y) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "42 (y)  1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "42 (y) S -1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "42 (y) S 1 x 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
                "42 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",
                "42 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ",
                "42 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -77 0",
                "42 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 18446744073709551616 0",
                "42 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0  77",
                "42 (y) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7x7 0",
                "42 (y) S 1 1 1 0 - 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                p.pid = -5;
                if (proc_stat_parse(bad[i], strlen(bad[i]), &p) != -EINVAL) {
                        fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
                        fail();
                }
                assert_int_equal(p.pid, -5);  /* untouched on failure */
        }
        /* the size is honoured: no reading past it, no NUL needed */
        assert_int_equal(proc_stat_parse(l, 10, &p), -EINVAL);
}

/* Random mutations of a valid line never crash the parser (ASan watches the bounds). */
static void test_stat_parse_garbage(void **state) {
        (void)state;
        _cleanup_free_ char *l = stat_line(4711, "a) (b c", 'S', 1, 4700, 4600, 12345);
        size_t n = strlen(l);
        const char alphabet[] = "0123456789 ()-\nSZx\0";
        unsigned seed = 1;
        for (int iter = 0; iter < 20000; iter++) {
                size_t len = (size_t) rand_r(&seed) % (n + 1);
                char *b = malloc(len ? len : 1);  /* exact size so overreads are caught */
                assert_non_null(b);
                memcpy(b, l, len);
                int flips = rand_r(&seed) % 6;
                for (int f = 0; f < flips && len > 0; f++)
                        b[(size_t) rand_r(&seed) % len] = alphabet[(size_t) rand_r(&seed) % (sizeof alphabet - 1)];
                ProcInfo p;
                int r = proc_stat_parse(b, len, &p);
                assert_true(r == 0 || r == -EINVAL);
                if (r == 0)
                        assert_true(p.pid > 0 && p.ppid >= 0 && p.pgid >= 0 && p.sid >= 0);
                free(b);
        }
}

static void test_table_read_fake(void **state) {
        (void)state;
        char *root = tmptree_new();
        assert_non_null(root);

        put_proc(root, 1, "init", 'S', 0, 1, 1, 10);
        put_proc(root, 7, "a) (b c", 'R', 1, 7, 7, 700);
        put_proc(root, 300, "zombie", 'Z', 7, 7, 7, 800);
        /* a stat longer than the read buffer: the tail is cut off, the fields we need are kept */
        {
                _cleanup_free_ char *line = stat_line(12, "long tail", 'S', 7, 7, 7, 1200);
                Buf b = {};
                assert_int_equal(buf_put(&b, line, strlen(line) - 1), 0);
                for (int i = 0; i < 1000; i++)
                        assert_int_equal(buf_puts(&b, " 1234567"), 0);
                assert_int_equal(buf_putc(&b, '\n'), 0);
                assert_true(b.len > PROC_STAT_MAX);
                tmptree_write(root, "12/stat", b.s);
                buf_free(&b);
        }
        /* a comm longer than the read buffer: unparsable, skipped */
        {
                char *comm = malloc(5001);
                assert_non_null(comm);
                memset(comm, 'x', 5000);
                comm[5000] = 0;
                put_proc(root, 13, comm, 'S', 1, 13, 13, 1300);
                free(comm);
        }
        tmptree_link(root, "self", "7");
        tmptree_link(root, "thread-self", "7/task/7");
        tmptree_write(root, "uptime", "1.00 2.00\n");
        tmptree_write(root, "0123/stat", "123 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0\n");  /* not a pid */
        tmptree_mkdir(root, "99");                  /* vanished: no stat */
        tmptree_write(root, "56/stat", "");         /* vanished between open and read */
        tmptree_write(root, "55", "not a directory");
        tmptree_write(root, "98/stat", "97 (liar) S 1 97 97 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0\n");
        tmptree_write(root, "57/stat", "garbage\n");

        ProcTable t = {};
        assert_int_equal(proc_table_read(root, &t), 0);
        assert_int_equal(t.n, 4);
        assert_int_equal(t.procs[0].pid, 1);
        assert_int_equal(t.procs[1].pid, 7);
        assert_int_equal(t.procs[2].pid, 12);
        assert_int_equal(t.procs[3].pid, 300);
        const ProcInfo *p = proc_table_find(&t, 7);
        assert_non_null(p);
        assert_int_equal(p->state, 'R');
        assert_int_equal(p->ppid, 1);
        assert_true(p->starttime == 700);
        p = proc_table_find(&t, 12);
        assert_non_null(p);
        assert_int_equal(p->ppid, 7);
        assert_true(p->starttime == 1200);
        assert_null(proc_table_find(&t, 13));
        assert_null(proc_table_find(&t, 2));
        assert_null(proc_table_find(&t, 0));
        assert_true(proc_state_is_dead(proc_table_find(&t, 300)->state));
        proc_table_done(&t);
        assert_null(t.procs);
        assert_int_equal(t.n, 0);
        proc_table_done(&t);  /* twice is fine */

        /* the cap */
        assert_int_equal(proc_table_read_max(root, 4, &t), 0);
        proc_table_done(&t);
        t.n = 12345;
        assert_int_equal(proc_table_read_max(root, 3, &t), -E2BIG);
        assert_int_equal(t.n, 12345);  /* untouched on failure */

        ProcInfo info;
        assert_int_equal(proc_info_read(root, 7, &info), 0);
        assert_int_equal(info.pgid, 7);
        assert_int_equal(proc_info_read(root, 99, &info), -ESRCH);
        assert_int_equal(proc_info_read(root, 56, &info), -ESRCH);
        assert_int_equal(proc_info_read(root, 4242, &info), -ESRCH);
        assert_int_equal(proc_info_read(root, 98, &info), -EINVAL);
        assert_int_equal(proc_info_read(root, 57, &info), -EINVAL);
        assert_int_equal(proc_info_read(root, 0, &info), -EINVAL);
        assert_int_equal(proc_info_read(root, -1, &info), -EINVAL);

        char *missing = xasprintf("%s/nonexistent", root);
        assert_int_equal(proc_table_read(missing, &t), -ENOENT);
        free(missing);

        /* an empty directory is an empty table */
        char *empty = tmptree_new();
        assert_int_equal(proc_table_read(empty, &t), 0);
        assert_int_equal(t.n, 0);
        assert_null(proc_table_find(&t, 1));
        pid_t *m;
        size_t n;
        const pid_t seeds[] = { 1 };
        assert_int_equal(proc_unit_members(&t, 1, seeds, 1, NULL, 0, &m, &n), 0);
        assert_int_equal(n, 0);
        assert_null(m);
        proc_table_done(&t);
        tmptree_free(empty);

        tmptree_free(root);
}

/* One unit's history, as seen by a manager that is PID 1 (sid 1, pgid 1):
 *   100 (dead, seed) setsid()ed and forked 101 (dead, never seen) which forked G=102 and exited.
 *   G: ppid 1, sid 100             → member by the session rule (a seed's pid is a session id)
 *   H=103: child of G              → member (and by session)
 *   Z=105: zombie child of G, setsid()ed first (sid 140) → not returned, but its session counts:
 *   141: ppid 1, sid 140           → member through the zombie's session
 *   K=120: child of G, setsid()ed  → member by the descendant rule only
 *   M=122: ppid 1, sid 120, pgid 121 (K's orphaned grandchild) → member: K's sid joined the set
 *   N=123: child of M, setsid()ed  → member by the descendant rule
 *   P=124: ppid 1, sid 123         → member: N's sid joined the set
 *   150 (dead, seed) did setpgid(0,0) but not setsid(): its session is the manager's
 *   151: ppid 1, sid 1, pgid 150   → member by the process-group rule
 *   300: ppid 1, sid 1, pgid 300 (e.g. a getty in the manager's session) → NOT a member even
 *        though 151, a member, has sid 1: the manager's own session is never expanded
 *   110/111: a daemon in its own session 110 nobody told us about → not a member, unless 110 is
 *        passed in `sessions`
 *   200/201: another unit → never. */
static void build_unit_tree(const char *root) {
        put_proc(root, 1, "tinysd", 'S', 0, 1, 1, 1);
        put_proc(root, 102, "daemon", 'S', 1, 100, 100, 10);
        put_proc(root, 103, "worker", 'S', 102, 100, 100, 11);
        put_proc(root, 105, "dead worker", 'Z', 102, 140, 140, 12);
        put_proc(root, 141, "zombie's orphan", 'S', 1, 140, 140, 13);
        put_proc(root, 120, "helper", 'S', 102, 120, 120, 14);
        put_proc(root, 122, "helper's grandchild", 'S', 1, 121, 120, 15);
        put_proc(root, 123, "sub", 'D', 122, 123, 123, 16);
        put_proc(root, 124, "sub's orphan", 'R', 1, 123, 123, 17);
        put_proc(root, 151, "control child", 'S', 1, 150, 1, 18);
        put_proc(root, 300, "getty", 'S', 1, 300, 1, 19);
        put_proc(root, 110, "stray daemon", 'S', 1, 110, 110, 20);
        put_proc(root, 111, "stray child", 'S', 110, 110, 110, 21);
        put_proc(root, 200, "other unit", 'S', 1, 200, 200, 22);
        put_proc(root, 201, "other child", 'S', 200, 200, 200, 23);
}

static void test_members_fixed_point(void **state) {
        (void)state;
        char *root = tmptree_new();
        build_unit_tree(root);
        ProcTable t = {};
        assert_int_equal(proc_table_read(root, &t), 0);
        assert_int_equal(t.n, 15);

        pid_t *m;
        size_t n;
        const pid_t seeds[] = { 100, 150 };
        assert_int_equal(proc_unit_members(&t, 1, seeds, ELEMENTSOF(seeds), NULL, 0, &m, &n), 0);
        assert_pids(m, n, 102, 103, 120, 122, 123, 124, 141, 151);
        free(m);

        /* the stray daemon's session, once known (e.g. its PIDFile named 110) */
        const pid_t sessions[] = { 110 };
        assert_int_equal(proc_unit_members(&t, 1, seeds, ELEMENTSOF(seeds), sessions, 1, &m, &n), 0);
        assert_pids(m, n, 102, 103, 110, 111, 120, 122, 123, 124, 141, 151);
        free(m);

        /* a live seed deep in the tree: its descendants and session, not its ancestors' */
        const pid_t mid[] = { 123 };
        assert_int_equal(proc_unit_members(&t, 1, mid, 1, NULL, 0, &m, &n), 0);
        assert_pids(m, n, 123, 124);
        free(m);

        /* a live seed whose session leads back up: K's session contains M, M's child is N... */
        const pid_t k[] = { 120 };
        assert_int_equal(proc_unit_members(&t, 1, k, 1, NULL, 0, &m, &n), 0);
        assert_pids(m, n, 120, 122, 123, 124);
        free(m);

        /* a zombie seed: not returned, but its session is searched */
        const pid_t z[] = { 105 };
        assert_int_equal(proc_unit_members(&t, 1, z, 1, NULL, 0, &m, &n), 0);
        assert_pids(m, n, 141);
        free(m);

        /* the manager itself, its session, garbage and duplicates */
        const pid_t silly[] = { 1, 0, -1, 1, 4242, 200, 200, 201 };
        const pid_t silly_sessions[] = { 1, 0, -7 };
        assert_int_equal(proc_unit_members(&t, 1, silly, ELEMENTSOF(silly), silly_sessions, ELEMENTSOF(silly_sessions), &m, &n), 0);
        assert_pids(m, n, 200, 201);
        free(m);

        /* nothing known: nothing found */
        assert_int_equal(proc_unit_members(&t, 1, NULL, 0, NULL, 0, &m, &n), 0);
        assert_int_equal(n, 0);
        assert_null(m);

        assert_int_equal(proc_unit_members(&t, 1, NULL, 1, NULL, 0, &m, &n), -EINVAL);

        proc_table_done(&t);
        tmptree_free(root);
}

/* A manager that is a subreaper below a shell: neither it nor its ancestors are ever members,
 * even when named as seeds or reached through a session. */
static void test_members_never_self_or_ancestors(void **state) {
        (void)state;
        char *root = tmptree_new();
        put_proc(root, 1, "init", 'S', 0, 1, 1, 1);
        put_proc(root, 10, "shell", 'S', 1, 10, 10, 2);
        put_proc(root, 50, "tinysd", 'S', 10, 50, 10, 3);      /* self: in the shell's session */
        put_proc(root, 11, "shell job", 'S', 10, 11, 10, 4);
        put_proc(root, 60, "service", 'S', 50, 60, 60, 5);
        put_proc(root, 61, "service child", 'S', 60, 60, 60, 6);
        put_proc(root, 62, "child in shell's session", 'S', 60, 62, 10, 7);
        put_proc(root, 70, "service 2", 'S', 50, 1, 1, 8);     /* in init's session and group */
        ProcTable t = {};
        assert_int_equal(proc_table_read(root, &t), 0);

        pid_t *m;
        size_t n;
        const pid_t seeds[] = { 1, 10, 50 };
        assert_int_equal(proc_unit_members(&t, 50, seeds, ELEMENTSOF(seeds), seeds, ELEMENTSOF(seeds), &m, &n), 0);
        assert_int_equal(n, 0);  /* not even 70, in init's session: an ancestor's pid is no session id */

        /* 62 is a member (child of 60) but its session is the manager's: 10, 11 stay out */
        const pid_t svc[] = { 60 };
        assert_int_equal(proc_unit_members(&t, 50, svc, 1, NULL, 0, &m, &n), 0);
        assert_pids(m, n, 60, 61, 62);
        free(m);

        /* 70's session and group are init's (an ancestor, not banned as an id): 1 stays out as an
         * ancestor, and nothing else is in that session */
        const pid_t svc2[] = { 70 };
        assert_int_equal(proc_unit_members(&t, 50, svc2, 1, NULL, 0, &m, &n), 0);
        assert_pids(m, n, 70);
        free(m);

        proc_table_done(&t);
        tmptree_free(root);
}

static void test_orphans_since_fake(void **state) {
        (void)state;
        char *root = tmptree_new();
        build_unit_tree(root);
        ProcTable t = {};
        assert_int_equal(proc_table_read(root, &t), 0);

        pid_t *o;
        size_t n;
        /* children of 1: 102 (10) 110 (20) 122 (15) 124 (17) 141 (13) 151 (18) 200 (22) 300 (19) */
        assert_int_equal(proc_orphans_since(&t, 1, 0, NULL, 0, &o, &n), 0);
        assert_pids(o, n, 102, 110, 122, 124, 141, 151, 200, 300);
        free(o);
        assert_int_equal(proc_orphans_since(&t, 1, 18, NULL, 0, &o, &n), 0);
        assert_pids(o, n, 110, 151, 200, 300);
        free(o);
        const pid_t known[] = { 100, 151, 300, 1000 };
        assert_int_equal(proc_orphans_since(&t, 1, 18, known, ELEMENTSOF(known), &o, &n), 0);
        assert_pids(o, n, 110, 200);
        free(o);
        assert_int_equal(proc_orphans_since(&t, 1, 23, NULL, 0, &o, &n), 0);
        assert_int_equal(n, 0);
        assert_null(o);
        /* zombies are not candidates: 105 is a zombie child of 102 */
        assert_int_equal(proc_orphans_since(&t, 102, 0, NULL, 0, &o, &n), 0);
        assert_pids(o, n, 103, 120);
        free(o);
        proc_table_done(&t);
        tmptree_free(root);
}

static void test_real_self(void **state) {
        (void)state;
        ProcInfo me;
        unsigned long long before = proc_now_ticks();
        assert_int_equal(proc_info_read(NULL, getpid(), &me), 0);
        assert_int_equal(me.pid, getpid());
        assert_int_equal(me.ppid, getppid());
        assert_int_equal(me.sid, getsid(0));
        assert_int_equal(me.pgid, getpgrp());
        assert_int_equal(me.state, 'R');
        assert_true(me.starttime <= before);
        assert_true(proc_now_ticks() >= before);

        ProcTable t = {};
        assert_int_equal(proc_table_read(NULL, &t), 0);
        assert_true(t.n >= 1);
        const ProcInfo *p = proc_table_find(&t, getpid());
        assert_non_null(p);
        assert_int_equal(p->ppid, getppid());
        for (size_t i = 1; i < t.n; i++)
                assert_true(t.procs[i - 1].pid < t.procs[i].pid);
        proc_table_done(&t);
}

/* The real thing: C setsid()s and double-forks G, then C exits and is reaped. G is re-parented
 * to us (a subreaper) and found from C's pid alone, and as an orphan born after `since`. */
static void test_real_double_fork(void **state) {
        (void)state;
        int pfd[2];
        assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        unsigned long long since = proc_now_ticks();

        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0) {
                close(pfd[0]);
                if (setsid() < 0)
                        _exit(1);
                pid_t i = fork();
                if (i < 0)
                        _exit(2);
                if (i == 0) {
                        pid_t g = fork();
                        if (g < 0)
                                _exit(3);
                        if (g == 0) {
                                close(pfd[1]);
                                alarm(60);  /* never outlives a failed test for long */
                                for (;;)
                                        pause();
                        }
                        _exit(write(pfd[1], &g, sizeof g) == sizeof g ? 0 : 4);
                }
                int st;
                if (waitpid(i, &st, 0) != i || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                        _exit(5);
                _exit(0);
        }
        close(pfd[1]);
        pid_t g = -1;
        assert_int_equal(read(pfd[0], &g, sizeof g), sizeof g);
        close(pfd[0]);
        int st;
        assert_int_equal(waitpid(c, &st, 0), c);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);

        /* collect everything, then clean up, then check */
        ProcInfo gi = {};
        int r_info = proc_info_read(NULL, g, &gi);
        ProcTable t = {};
        int r_table = proc_table_read(NULL, &t);
        pid_t *m = NULL, *o = NULL, *o2 = NULL, *o3 = NULL;
        size_t n_m = 0, n_o = 0, n_o2 = 0, n_o3 = 0;
        const pid_t seeds[] = { c };
        pid_t known[] = { c, g };
        if (known[0] > known[1]) {
                known[0] = g;
                known[1] = c;
        }
        int r_m = proc_unit_members(&t, getpid(), seeds, 1, NULL, 0, &m, &n_m);
        int r_o = proc_orphans_since(&t, getpid(), since, seeds, 1, &o, &n_o);
        int r_o2 = proc_orphans_since(&t, getpid(), since, known, 2, &o2, &n_o2);
        int r_o3 = proc_orphans_since(&t, getpid(), proc_now_ticks() + 100000, NULL, 0, &o3, &n_o3);
        pid_t *m_after = NULL;
        size_t n_m_after = 0;

        kill(g, SIGKILL);
        pid_t reaped = waitpid(g, &st, 0);
        assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);

        /* after G is gone (and reaped) the unit is empty */
        ProcTable t2 = {};
        assert_int_equal(proc_table_read(NULL, &t2), 0);
        assert_int_equal(proc_unit_members(&t2, getpid(), seeds, 1, NULL, 0, &m_after, &n_m_after), 0);
        assert_int_equal(proc_info_read(NULL, g, &(ProcInfo) {}), -ESRCH);
        proc_table_done(&t2);

        assert_int_equal(reaped, g);
        assert_int_equal(r_info, 0);
        assert_int_equal(gi.ppid, getpid());   /* re-parented to the subreaper */
        assert_int_equal(gi.sid, c);            /* in C's session, C being dead */
        assert_int_equal(gi.pgid, c);
        assert_false(proc_state_is_dead(gi.state));
        assert_true(gi.starttime >= since);
        assert_int_equal(r_table, 0);
        assert_int_equal(r_m, 0);
        assert_pids(m, n_m, g);
        assert_int_equal(r_o, 0);
        assert_pids(o, n_o, g);
        assert_int_equal(r_o2, 0);
        assert_int_equal(n_o2, 0);
        assert_int_equal(r_o3, 0);
        assert_int_equal(n_o3, 0);
        assert_int_equal(n_m_after, 0);
        free(m);
        free(o);
        free(o2);
        free(o3);
        free(m_after);
        proc_table_done(&t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stat_parse),
                cmocka_unit_test(test_stat_parse_garbage),
                cmocka_unit_test(test_table_read_fake),
                cmocka_unit_test(test_members_fixed_point),
                cmocka_unit_test(test_members_never_self_or_ancestors),
                cmocka_unit_test(test_orphans_since_fake),
                cmocka_unit_test(test_real_self),
                cmocka_unit_test(test_real_double_fork),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
