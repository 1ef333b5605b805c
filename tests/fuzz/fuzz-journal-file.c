/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the bytes as a journal file (journal-file.c, read by journal-reader.c as
 * journalctl --file=X reads it): every entry forwards and backwards, printed in the verbose and
 * export modes, a filtered walk through the data objects' entry lists, a seek by time, the boots,
 * a field's values and the field names. Must never crash, leak, loop or trip UBSan; run-fuzz.sh's
 * per-input time limit catches a walk that is not linear. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "journal/journal-output.h"
#include "journal/journal-store.h"

static FILE *devnull;

static int count(const char *data, size_t len, void *userdata) {
        (void) data;
        (void) len;
        return ++*(unsigned *)userdata > 10000 ? 1 : 0;
}

static void walk(JournalReader *r, bool forward) {
        static const OutputOptions verbose = { .mode = OUTPUT_VERBOSE, .all = true, .utc = true };
        static const OutputOptions export = { .mode = OUTPUT_EXPORT, .utc = true };
        JournalRecord e;
        if (forward)
                journal_reader_seek_head(r);
        else
                journal_reader_seek_tail(r);
        for (unsigned n = 0; n < 100000 && (forward ? journal_reader_next(r, &e) : journal_reader_previous(r, &e)) > 0; n++) {
                (void) output_entry(devnull, &e, forward ? &verbose : &export);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        if (!devnull && !(devnull = fopen("/dev/null", "we")))
                return 0;
        int fd = memfd_create("fuzz-journal-file", MFD_CLOEXEC);
        if (fd < 0)
                return 0;
        if (write(fd, data, size) != (ssize_t)size) {
                close(fd);
                return 0;
        }
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        char *files[] = { path, NULL };
        JournalReader *r = NULL;
        if (journal_reader_open(NULL, files, &r) == 0) {
                walk(r, true);
                walk(r, false);

                JournalFilter f = {};
                (void) journal_filter_add_match(&f, "PRIORITY=6");
                (void) journal_filter_add_match(&f, "PRIORITY=3");
                (void) journal_filter_add_match(&f, "SYSLOG_IDENTIFIER=a");
                (void) strv_extend(&f.units, "a.service");
                (void) strv_extend(&f.units, "b*");
                journal_reader_set_filter(r, &f);
                walk(r, true);
                journal_reader_set_filter(r, NULL);
                journal_filter_done(&f);

                JournalRecord e;
                if (journal_reader_seek_realtime(r, 1000000) == 0)
                        (void) journal_reader_next(r, &e);

                JournalBoot *boots = NULL;
                size_t n_boots = 0;
                if (journal_reader_list_boots(r, &boots, &n_boots) == 0)
                        free(boots);
                unsigned n = 0;
                (void) journal_reader_unique(r, "MESSAGE", count, &n);
                n = 0;
                (void) journal_reader_field_names(r, count, &n);
                journal_reader_free(r);
        }
        close(fd);
        return 0;
}
