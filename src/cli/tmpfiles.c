/* SPDX-License-Identifier: MIT */
/* `tinysd tmpfiles [OPTIONS] [CONFIG...]`: systemd-tmpfiles(8)'s system mode. */
#include <stdio.h>
#include "base/log.h"
#include "base/strv.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "tmpfiles/tmpfiles.h"

static void help(void) {
        puts("tinysd tmpfiles [OPTIONS...] [CONFIGURATION FILE...]\n\n"
             "Creates, deletes and cleans up volatile and temporary files and directories.\n\n"
             "  -h --help                 Show this help\n"
             "     --cat-config           Show configuration files\n"
             "     --create               Create marked files/directories\n"
             "     --clean                Clean up marked directories\n"
             "     --remove               Remove marked files/directories\n"
             "     --boot                 Execute actions only safe at boot\n"
             "     --prefix=PATH          Only apply rules with the specified prefix\n"
             "     --exclude-prefix=PATH  Ignore rules with the specified prefix\n"
             "  -E                        Ignore rules prefixed with /dev, /proc, /run, /sys\n"
             "     --root=PATH            Operate on an alternate filesystem root");
}

/* --root= as systemd's parse_path_argument(): made absolute, trailing slashes dropped. */
static char *absolute_root(const char *v) {
        char *p;
        if (v[0] == '/') p = strdup(v);
        else {
                char cwd[4096];
                if (!getcwd(cwd, sizeof cwd)) return NULL;
                p = strjoin(cwd, "/", v);
        }
        if (!p) return NULL;
        for (size_t n = strlen(p); n > 1 && p[n - 1] == '/'; n--) p[n - 1] = 0;
        return p;
}

int verb_tmpfiles(int argc, char **argv) {
        TmpfilesOptions o = {0};
        _cleanup_strv_free_ char **include = NULL, **exclude = NULL, **configs = NULL;
        _cleanup_free_ char *root = NULL;
        bool options_done = false;
        for (int i = 1; i < argc; i++) {
                const char *v, *a = argv[i];
                int r = 0;
                if (options_done || a[0] != '-' || streq(a, "-")) r = strv_extend(&configs, a);
                else if (streq(a, "--")) options_done = true;
                else if (streq(a, "-h") || streq(a, "--help")) return help(), 0;
                else if (streq(a, "--create")) o.operations |= TMPFILES_CREATE;
                else if (streq(a, "--remove")) o.operations |= TMPFILES_REMOVE;
                else if (streq(a, "--clean")) o.operations |= TMPFILES_CLEAN;
                else if (streq(a, "--boot")) o.boot = true;
                else if (streq(a, "--cat-config")) o.cat_config = true;
                else if (streq(a, "--no-pager")) continue;
                else if (streq(a, "-E")) {
                        static const char *const defaults[] = { "/dev", "/proc", "/run", "/sys" };
                        for (size_t k = 0; r >= 0 && k < ELEMENTSOF(defaults); k++) r = strv_extend(&exclude, defaults[k]);
                } else if (arg_value(argc, argv, &i, "--prefix", NULL, &v)) r = strv_extend(&include, v);
                else if (arg_value(argc, argv, &i, "--exclude-prefix", NULL, &v)) r = strv_extend(&exclude, v);
                else if (arg_value(argc, argv, &i, "--root", NULL, &v)) {
                        free(root);
                        if (!(root = absolute_root(v))) r = -ENOMEM;
                } else {
                        fprintf(stderr, "tmpfiles: unrecognized option '%s'\n", a);
                        return 1;
                }
                if (r < 0) {
                        log_oom();
                        return 1;
                }
        }
        o.root = root;
        o.include_prefixes = include;
        o.exclude_prefixes = exclude;
        return tmpfiles_run(&o, configs);
}
