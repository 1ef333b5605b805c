/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a /dev/log datagram (journal-syslog.c) with each flag combination (picked by
 * the first byte), the entry formatted both ways for stdout, and the same bytes as a "<N>" level
 * prefix of a stream line. Must never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "journal/journal-forward.h"
#include "journal/journal-syslog.h"

static char out[8192];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        JournalEntry e = {};
        int prio = 0;

        if (size < 1)
                return 0;
        log_set_max_level(-1);
        const char *p = (const char *) data + 1;
        size_t n = size - 1;
        if (journal_syslog_parse(p, n, data[0] & 3, &e, &prio) >= 0) {
                size_t len = 0;
                const char *msg = journal_entry_get(&e, "MESSAGE", &len);
                JournalForwardMessage m = { .identifier = journal_entry_get(&e, "SYSLOG_IDENTIFIER", NULL), .pid = 1,
                                            .priority = prio, .timestamp_usec = UINT64_MAX, .message = msg ?: "",
                                            .message_len = len };
                (void) journal_forward_format(JOURNAL_FORWARD_SHORT, &m, out, sizeof out);
                (void) journal_forward_format(JOURNAL_FORWARD_JSON, &m, out, sizeof out);
        }
        journal_entry_done(&e);

        /* the priority and identifier parsers on a C string of the input */
        char *s = strndup(p, n);
        if (s) {
                const char *q = s;
                char *ident = NULL, *pid = NULL;
                (void) journal_syslog_parse_priority(&q, &prio, data[0] & 4);
                if (journal_syslog_parse_identifier(&q, &ident, &pid) >= 0) {
                        free(ident);
                        free(pid);
                }
                free(s);
        }
        return 0;
}
