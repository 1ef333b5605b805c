/* SPDX-License-Identifier: MIT */
/* The journal store alone, without PID 1: N entries shaped like the journal server's for a
 * stdout stream (5 fields of their own -- a unique MESSAGE -- and 12 trusted ones shared by the
 * stream's lines), 8 streams taking turns every 64 lines, committed every B entries as PID 1
 * commits once per event-loop iteration. Prints entries/s and the store's CPU time per entry
 * (getrusage: on a loaded machine the wall time is mostly waiting), the journal file's pages
 * still mapped after the appends and after a later small commit (/proc/self/smaps), and the
 * bytes on disk per entry.
 *
 *   gcc -O2 -Isrc -D_GNU_SOURCE bench/journal-append.c build/libtinysd.a -o /tmp/journal-append
 *   /tmp/journal-append DIR [N=200000] [B=100]      (DIR must not hold a journal) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include "base/id128.h"
#include "journal/journal-store.h"

static double cpu_seconds(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long mapped_kb(void) {
        FILE *f = fopen("/proc/self/smaps", "re");
        char line[512];
        long kb = 0;
        int in = 0;
        if (!f)
                return -1;
        while (fgets(line, sizeof line, f)) {
                if (strchr(line, '/') && strchr(line, '-') < strchr(line, ' '))
                        in = strstr(line, ".journal") != NULL;
                else if (in && strncmp(line, "Rss:", 4) == 0)
                        kb += atol(line + 4);
        }
        fclose(f);
        return kb;
}

static long disk_bytes(const char *dir) {
        uint64_t u = 0;
        return journal_dir_usage(dir, &u) >= 0 ? (long)u : -1;
}

static uint64_t now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int main(int argc, char **argv) {
        if (argc < 2)
                return 2;
        long n = argc > 2 ? atol(argv[2]) : 200000;
        long batch = argc > 3 ? atol(argv[3]) : 100;
        JournalStore *s;
        uint8_t boot[16];
        char shared[8][12][128];
        id128_random(boot);
        if (journal_store_open(argv[1], NULL, &s) < 0)
                return 1;
        for (int k = 0; k < 8; k++) {
                const char *f[12] = { "_PID=%d", "_UID=0", "_GID=0", "_COMM=bench-writer", "_EXE=/opt/bench/bench-writer",
                                      "_CMDLINE=/opt/bench/bench-writer 250000 w%d", "_SYSTEMD_UNIT=bench-w%d.service",
                                      "_SYSTEMD_INVOCATION_ID=0123456789abcdef0123456789abcde%d",
                                      "_BOOT_ID=0123456789abcdef0123456789abcdef", "_MACHINE_ID=0123456789abcdef0123456789abcdef",
                                      "_HOSTNAME=abcdef012345", "_STREAM_ID=0123456789abcdef0123456789abcde%d" };
                for (int j = 0; j < 12; j++)
                        snprintf(shared[k][j], sizeof shared[k][j], f[j], j == 0 ? 100 + k : k);
        }
        double c0 = cpu_seconds();
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < n; i++) {
                int k = (int)(i / 64) % 8;
                char msg[128];
                snprintf(msg, sizeof msg, "MESSAGE=BENCHLINE w%d %09ld abcdefghijklmnopqrstuvwxyz0123456789", k, i);
                struct iovec iov[17] = { { msg, strlen(msg) }, { (char *)"PRIORITY=6", 10 }, { (char *)"SYSLOG_FACILITY=3", 17 },
                                         { (char *)"SYSLOG_IDENTIFIER=bench-writer", 30 }, { (char *)"_TRANSPORT=stdout", 17 } };
                for (int j = 0; j < 12; j++)
                        iov[5 + j] = (struct iovec) { shared[k][j], strlen(shared[k][j]) };
                if (journal_store_append_shared(s, iov, 17, 12, now_us(), (uint64_t)i + 1, boot) < 0)
                        return 1;
                if (i % batch == batch - 1 && journal_store_flush(s) < 0)
                        return 1;
        }
        if (journal_store_flush(s) < 0)
                return 1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double cpu = cpu_seconds() - c0, wall = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        long after = mapped_kb();
        struct timespec pause = { 0, 100 * 1000 * 1000 };
        nanosleep(&pause, NULL);
        struct iovec one[] = { { (char *)"MESSAGE=a quiet line", 20 } };
        if (journal_store_append(s, one, 1, now_us(), (uint64_t)n + 1, boot) < 0 || journal_store_flush(s) < 0)
                return 1;
        printf("%ld entries, batches of %ld: %.0f entries/s wall, %.2f us CPU per entry; journal pages mapped: %ld kB "
               "after the appends, %ld kB after a later small commit; %.0f bytes on disk per entry\n",
               n, batch, n / wall, cpu * 1e6 / n, after, mapped_kb(), (double)disk_bytes(argv[1]) / n);
        journal_store_close(s);
        return 0;
}
