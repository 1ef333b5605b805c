/* SPDX-License-Identifier: MIT */
/* libFuzzer target: an Exec*= value (exec_command_parse(), prefixes, quoting, specifiers of an
 * instance unit, ';'-separated commands), then each command shown as `systemctl show` does.
 * Every command parsed has a path and an argv. Never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "unit/conf-parser.h"
#include "unit/unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        char *v = strndup((const char *)data, size);
        Unit *u = unit_new("fuzz@inst-a.service");
        if (!v || !u) goto out;
        ConfigItem it = { .file = "fuzz.service", .line = 1, .section = "Service", .key = "ExecStart", .value = v };
        ExecCommand *list = NULL;
        (void)exec_command_parse(&it, u, &list);
        for (ExecCommand *c = list; c; c = c->next) {
                if (!c->path || strv_isempty(c->argv)) abort();
                free(exec_command_format_show(c, c->flags & 1));
        }
        exec_command_free_list(list);
out:
        unit_free(u);
        free(v);
        return 0;
}
