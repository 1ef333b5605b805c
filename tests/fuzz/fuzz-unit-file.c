/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a unit file of each parsed type, through the same directive tables the
 * loader uses, then `systemctl show --all` of it (the D-Bus API table through systemctl's formatter). Must never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "cli/cli.h"
#include "unit/load.h"

static const char *const names[] = {
        "fuzz.service", "fuzz@inst.service", "fuzz.socket", "fuzz.timer", "fuzz.path", "fuzz.target", "fuzz.mount",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1) return 0;
        log_set_max_level(-1);  /* diagnostics are expected; do not spend time printing them */
        const char *name = names[data[0] % ELEMENTSOF(names)];
        Unit *u = unit_new(name);
        if (!u) return 0;
        (void)unit_load_from_buffer(u, name, (const char *)data + 1, size - 1);
        Loader l = {0};
        char *text = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&text, &n);
        if (f) {
                (void)dump_unit(&l, u, NULL, CTL_PRINT_SHOW_EMPTY, f);
                fclose(f);
        }
        free(text);
        unit_free(u);
        return 0;
}
