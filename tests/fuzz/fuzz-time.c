/* SPDX-License-Identifier: MIT */
/* libFuzzer target: time spans, sizes, timestamps (journalctl --since) and the other value parsers
 * of parse.c. A span that parses formats to text that parses to the same value. Never crash, leak
 * or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/time-util.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        char *s = strndup((const char *)data, size);
        if (!s) return 0;
        usec_t t, t2;
        nsec_t ns;
        uint64_t sz;
        int i;
        if (parse_sec(s, &t) >= 0 && t != USEC_INFINITY) {
                char buf[FORMAT_TIMESPAN_MAX];
                format_timespan(buf, sizeof buf, t, 1);
                if (parse_sec(buf, &t2) < 0 || t2 != t) abort();
        }
        (void)parse_sec_fix_0(s, &t);
        (void)parse_nsec(s, &ns);
        (void)parse_size(s, 1024, &sz);
        (void)parse_size(s, 1000, &sz);
        (void)parse_timestamp_at(s, UINT64_C(1700000000000000), &t);
        (void)parse_permille(s);
        (void)parse_percent(s);
        (void)parse_signal(s, &i);
        (void)parse_errno(s, &i);
        (void)parse_boolean(s);
        free(s);
        return 0;
}
