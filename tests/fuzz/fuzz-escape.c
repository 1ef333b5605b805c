/* SPDX-License-Identifier: MIT */
/* libFuzzer target: word splitting with the flag combination of the first byte
 * (extract_first_word(), strv_split_full()), C escapes both ways (cescape() output unescapes to
 * the input), shell quoting, and the unit-name escapes (unit_name_escape() output unescapes to the
 * input; path escaping, mangling, drop-in prefixes). Never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "unit/name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1) return 0;
        log_set_max_level(-1);
        ExtractFlags flags = data[0];
        char *s = strndup((const char *)data + 1, size - 1);
        if (!s) return 0;
        const char *p = s;
        for (char *w = NULL; p && extract_first_word(&p, &w, data[0] & 0x80 ? ":" : NULL, flags) > 0; w = NULL) {
                free(w);
                /* with EXTRACT_RETAIN_SEPARATORS the caller steps over the separator */
                if (p && (flags & EXTRACT_RETAIN_SEPARATORS)) p += *p != 0;
        }
        char **l = NULL;
        if (strv_split_full(&l, s, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE) >= 0) strv_free(l);
        char *e = cescape(s), *u = NULL;
        if (e && (cunescape(e, 0, &u) < 0 || !streq(u, s))) abort();
        free(u);
        free(e);
        free(shell_maybe_quote(s));
        e = unit_name_escape(s);
        u = NULL;
        if (e && *s && (unit_name_unescape(e, &u) < 0 || !streq(u, s))) abort();
        free(u);
        free(e);
        char *q = NULL;
        if (unit_name_path_escape(s, &q) >= 0) free(q);
        q = NULL;
        if (unit_name_mangle(s, ".service", data[0] & 1, &q) >= 0) free(q);
        if (unit_name_dropin_prefixes(s, &l) >= 0) strv_free(l);
        free(s);
        return 0;
}
