/* SPDX-License-Identifier: MIT */
/* libFuzzer target: specifier expansion of both sets (specifier_expand()) for an instance unit;
 * the result never exceeds systemd's bounds (1 MiB, unit names 256). Never crash, leak or trip
 * UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "unit/name.h"
#include "unit/specifier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        char *s = strndup((const char *)data, size);
        if (!s) return 0;
        SpecifierUnit u = { .id = "fuzz-a-b@inst\\x2dc.service", .fragment_path = "/nonexistent/fuzz@.service" };
        char *out = NULL;
        if (specifier_expand(&u, SPECIFIERS_FULL, s, 0, &out) >= 0 && strlen(out) > SPECIFIER_RESULT_MAX) abort();
        free(out);
        out = NULL;
        if (specifier_expand(&u, SPECIFIERS_NAME, s, 0, &out) >= 0 && strlen(out) > UNIT_NAME_MAX) abort();
        free(out);
        free(s);
        return 0;
}
