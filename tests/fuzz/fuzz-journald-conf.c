/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the bytes as journald.conf (journald-conf.c on the unit-file syntax layer),
 * then the settings completed as the server uses them. Must never crash, leak or trip UBSan;
 * run-fuzz.sh's per-input time limit catches a non-linear parse. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "journal/journald-conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        JournaldConfig c;

        log_set_max_level(-1);
        journald_config_init(&c);
        (void) journald_config_parse_buffer(&c, "fuzz.conf", (const char *) data, size);
        journald_config_finish(&c);
        (void) journald_storage_to_string(c.storage);
        return 0;
}
