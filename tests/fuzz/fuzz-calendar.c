/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a calendar spec (OnCalendar=); what parses normalises to a form that parses
 * again to the same form, and its next elapse is computed (for specs in local time or UTC: a
 * tz database zone runs in a child process). Never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "unit/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        char *s = strndup((const char *)data, size);
        if (!s) return 0;
        CalendarSpec *c = NULL;
        char *n1 = NULL, *n2 = NULL;
        if (calendar_spec_from_string(s, &c) >= 0) {
                if (calendar_spec_to_string(c, &n1) < 0) abort();
                if (calendar_spec_normalize(n1, &n2) < 0 || !streq(n1, n2)) abort();
                usec_t next;
                if (!c->timezone) (void)calendar_spec_next(c, UINT64_C(1700000000000000), &next);
        }
        calendar_spec_free(c);
        free(n1);
        free(n2);
        free(s);
        return 0;
}
