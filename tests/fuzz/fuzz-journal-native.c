/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the same bytes as a native protocol datagram, a /dev/log datagram (each flag
 * combination picked by the first byte) and a stdout stream fed in chunks whose sizes come from
 * the input; every entry and line is then formatted both ways for stdout. Must never crash, leak
 * or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "journal/journal-forward.h"
#include "journal/journal-native.h"
#include "journal/journal-stream.h"
#include "journal/journal-syslog.h"

static char out[8192];

static void forward(const char *msg, size_t len, int priority, const char *ident) {
        JournalForwardMessage m = { .identifier = ident, .pid = 1, .priority = priority, .timestamp_usec = UINT64_MAX,
                                    .message = msg, .message_len = len };
        (void) journal_forward_format(JOURNAL_FORWARD_SHORT, &m, out, sizeof out);
        (void) journal_forward_format(JOURNAL_FORWARD_JSON, &m, out, sizeof out);
}

static int on_entry(JournalEntry *e, int priority, void *userdata) {
        size_t len = 0;
        const char *msg = journal_entry_get(e, "MESSAGE", &len);
        (void) userdata;
        if (msg)
                forward(msg, len, priority, journal_entry_get(e, "SYSLOG_IDENTIFIER", NULL));
        return 0;
}

static int on_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        JournalStream *s = userdata;
        (void) lb;
        forward(line, len, priority, s->header.identifier);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        JournalEntry e = {};
        JournalStream s;
        int prio;

        if (size < 1)
                return 0;
        log_set_max_level(-1);
        unsigned flags = data[0] & 3;
        const char *p = (const char *) data + 1;
        size_t n = size - 1;

        JournalNativeReport rep;
        char words[256];
        (void) journal_native_parse(p, n, on_entry, NULL, &rep);
        (void) journal_native_report_message(&rep, words, sizeof words);

        if (journal_syslog_parse(p, n, flags, &e, &prio) >= 0) {
                size_t len = 0;
                const char *msg = journal_entry_get(&e, "MESSAGE", &len);
                if (msg)
                        forward(msg, len, prio, journal_entry_get(&e, "SYSLOG_IDENTIFIER", NULL));
        }
        journal_entry_done(&e);

        /* a small LineMax makes the split paths reachable; chunk sizes vary with the data */
        if (journal_stream_init(&s, 79 + (data[0] >> 2), NULL, data[0] & 4, on_line, &s) >= 0) {
                s.userdata = &s;
                size_t off = 0, chunk = 1 + (data[0] % 13);
                while (off < n && journal_stream_feed(&s, p + off, n - off < chunk ? n - off : chunk) >= 0) {
                        off += chunk;
                        if (off % 7 == 0)
                                (void) journal_stream_pid_change(&s);
                }
                (void) journal_stream_end(&s);
                journal_stream_done(&s);
        }
        return 0;
}
