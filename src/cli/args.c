/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include "base/util.h"
#include "cli/args.h"

bool arg_value(int argc, char **argv, int *i, const char *long_name, const char *short_name, const char **ret) {
        const char *a = argv[*i], *v;
        if (long_name && (v = startswith(a, long_name))) {
                if (*v == '=') { *ret = v + 1; return true; }
                if (*v == 0 && *i + 1 < argc) { *ret = argv[++*i]; return true; }
                return false;
        }
        if (short_name && (v = startswith(a, short_name))) {
                if (*v) { *ret = v; return true; }
                if (*i + 1 < argc) { *ret = argv[++*i]; return true; }
        }
        return false;
}

/* glibc's words, as systemd's tools print them through glibc's getopt_long(). */
int getopt_bad_option(int c, const char *arg, const char *prog) {
        if (!arg) arg = "";
        if (c == ':') {
                if (startswith(arg, "--")) {
                        _cleanup_free_ char *n = strndup(arg, strcspn(arg, "="));
                        fprintf(stderr, "%s: option '%s' requires an argument\n", prog, n ? n : arg);
                } else
                        fprintf(stderr, "%s: option requires an argument -- '%c'\n", prog, optopt);
        } else if (startswith(arg, "--") && optopt == 0)
                fprintf(stderr, "%s: unrecognized option '%s'\n", prog, arg);
        else if (startswith(arg, "--")) {
                _cleanup_free_ char *n = strndup(arg, strcspn(arg, "="));
                fprintf(stderr, "%s: option '%s' doesn't allow an argument\n", prog, n ? n : arg);
        } else
                fprintf(stderr, "%s: invalid option -- '%c'\n", prog, optopt);
        return -EINVAL;
}

const char *getopt_next_arg(int argc, char **argv) {
        for (int i = optind > 0 ? optind : 1; i < argc && argv[i]; i++) {
                if (streq(argv[i], "--")) return NULL;
                if (argv[i][0] == '-' && argv[i][1]) return argv[i];
        }
        return NULL;
}
