/* SPDX-License-Identifier: MIT */
/* `tinysd dump NAME...`: offline `systemctl show`. Loads what the manager would have loaded —
 * default.target's closure plus each named unit's — so reverse dependencies match. */
#include <stdio.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/systemctl-print.h"
#include "core/dbus.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/system.h"

static int add_props(char ***props, const char *list) {
        for (const char *p = list;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, ",", 0);
                if (r <= 0) return r;
                if ((r = strv_consume_unique(props, TAKE_PTR(w))) < 0) return r;
        }
}

int dump_unit(Loader *l, Unit *u, char *const *props, CtlPrintFlags flags, FILE *f) {
        /* a manager that runs nothing: the unit types' runtimes as at boot, for their properties */
        Manager m = { .set.root = l->lp.root, .loader = l, .unit_types = system_unit_types, .ops = &sys_ops_real };
        MUnit *mu = munit_new(&m, u);
        if (!mu) return -ENOMEM;
        _cleanup_bus_message_ BusMessage *msg = NULL;
        int r = bus_message_new_signal(&msg, "/", "org.tinysd.Dump", "Properties");
        if (r >= 0) r = bus_unit_append_properties(mu, msg);
        if (r >= 0) r = bus_message_seal(msg, 1);
        if (r >= 0) r = bus_message_rewind(msg);
        if (r >= 0) r = ctl_print_all_properties(f, msg, props, flags, NULL);
        munit_free(mu);
        return r;
}

int verb_dump(int argc, char **argv) {
        const char *root = NULL;
        _cleanup_strv_free_ char **props = NULL, **names = NULL;
        bool all = false, value = false;
        for (int i = 1; i < argc; i++) {
                const char *v;
                if (arg_value(argc, argv, &i, "--root", NULL, &v)) root = v;
                else if (arg_value(argc, argv, &i, "--property", "-p", &v)) {
                        if (add_props(&props, v) < 0) return log_oom(), 1;
                } else if (streq(argv[i], "--all") || streq(argv[i], "-a")) all = true;
                else if (streq(argv[i], "--value")) value = true;
                else if (argv[i][0] == '-') {
                        fprintf(stderr, "dump: unknown option '%s'\n", argv[i]);
                        return 1;
                } else {
                        char *n = NULL;
                        if (unit_name_mangle(argv[i], ".service", false, &n) < 0) {
                                fprintf(stderr, "Failed to mangle name '%s'.\n", argv[i]);
                                return 1;
                        }
                        if (strv_push(&names, n) < 0) return log_oom(), 1;
                }
        }
        if (!names) {
                fputs("dump: expected a unit name\n", stderr);
                return 1;
        }
        /* Diagnostics are for `verify`; dump prints properties only, unless asked for debug. */
        if (!getenv("TINYSD_DEBUG")) log_set_max_level(LOG_ERR);
        Loader l;
        int r = loader_init(&l, root), ret = 0;
        Unit *u;
        if (r >= 0) r = loader_load_closure(&l, "default.target", &u);
        STRV_FOREACH(n, names)
                if (r >= 0) r = loader_load_closure(&l, *n, &u);
        if (r >= 0) r = loader_add_reverse_dependencies(&l);
        if (r < 0) {
                loader_done(&l);
                return log_error_errno(r, "Failed to load units: %m"), 1;
        }
        /* as systemctl show: empty values only with --all or when named */
        CtlPrintFlags flags = (all || props ? CTL_PRINT_SHOW_EMPTY : 0) | (value ? CTL_PRINT_ONLY_VALUE : 0);
        STRV_FOREACH(n, names) {
                u = loader_get(&l, *n);
                if (!u || dump_unit(&l, u, props, flags, stdout) < 0) {
                        ret = 1;
                        break;
                }
                if (n[1]) putchar('\n');
        }
        loader_done(&l);
        return ret;
}
