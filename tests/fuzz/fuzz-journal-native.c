/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the bytes as a native protocol datagram (journal-native.c), what the parser
 * reports in journald's words, and every entry formatted both ways for stdout. Must never crash,
 * leak or trip UBSan; run-fuzz.sh's per-input time limit catches a non-linear parse. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "journal/journal-forward.h"
#include "journal/journal-native.h"

static char out[8192];

static int on_entry(JournalEntry *e, int priority, void *userdata) {
        size_t len = 0;
        const char *msg = journal_entry_get(e, "MESSAGE", &len);
        (void) userdata;
        if (!msg)
                return 0;
        JournalForwardMessage m = { .identifier = journal_entry_get(e, "SYSLOG_IDENTIFIER", NULL), .pid = 1,
                                    .priority = priority, .timestamp_usec = UINT64_MAX, .message = msg, .message_len = len };
        (void) journal_forward_format(JOURNAL_FORWARD_SHORT, &m, out, sizeof out);
        (void) journal_forward_format(JOURNAL_FORWARD_JSON, &m, out, sizeof out);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        JournalNativeReport rep;
        char words[256];

        log_set_max_level(-1);
        (void) journal_native_parse(data, size, on_entry, NULL, &rep);
        (void) journal_native_report_message(&rep, words, sizeof words);
        return 0;
}
