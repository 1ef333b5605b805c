/* SPDX-License-Identifier: MIT */
/* libFuzzer target: an Exec*= value (exec_command_parse(), prefixes, quoting, specifiers of an
 * instance unit, ';'-separated commands). Every command parsed has a path and an argv whose
 * words are all readable (the show format is the CLI's now: systemctl-print.c). Never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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
                size_t n = strlen(c->path);
                for (char **a = c->argv; *a; a++) n += strlen(*a);
                if (n == 0) abort();
        }
        exec_command_free_list(list);
out:
        unit_free(u);
        free(v);
        return 0;
}
