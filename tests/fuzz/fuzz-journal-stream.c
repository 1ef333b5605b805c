/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a stdout stream (journal-stream.c), header first or preset (the first byte
 * picks, with a small LineMax so the splits are reachable), fed in chunks whose sizes come from the
 * input, with pid changes in between; every line formatted both ways for stdout and a refused
 * header named in journald's words. Must never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "journal/journal-forward.h"
#include "journal/journal-stream.h"

static char out[8192];

static int on_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        JournalStream *s = userdata;
        (void) journal_line_break_to_string(lb);
        JournalForwardMessage m = { .identifier = s->header.identifier, .pid = 1, .priority = priority,
                                    .timestamp_usec = UINT64_MAX, .message = line, .message_len = len };
        (void) journal_forward_format(JOURNAL_FORWARD_SHORT, &m, out, sizeof out);
        (void) journal_forward_format(JOURNAL_FORWARD_JSON, &m, out, sizeof out);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        JournalStream s;
        JournalStreamHeader preset = { .identifier = (char *) "svc", .priority = 30, .level_prefix = true };
        char words[160];

        if (size < 2)
                return 0;
        log_set_max_level(-1);
        const char *p = (const char *) data + 2;
        size_t n = size - 2;
        size_t line_max = 79 + (data[0] >> 2) * 3;
        if (journal_stream_init(&s, line_max, data[0] & 1 ? NULL : &preset, data[0] & 2, on_line, &s) < 0)
                return 0;
        s.userdata = &s;
        size_t chunk = 1 + data[1] % 61;
        for (size_t off = 0; off < n; off += chunk) {
                if (journal_stream_feed(&s, p + off, n - off < chunk ? n - off : chunk) < 0)
                        break;
                if ((off / chunk) % 5 == 4)
                        (void) journal_stream_pid_change(&s);
        }
        (void) journal_stream_end(&s);
        (void) journal_stream_error_message(&s, words, sizeof words);
        journal_stream_done(&s);
        return 0;
}
