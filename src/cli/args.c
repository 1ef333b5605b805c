/* SPDX-License-Identifier: MIT */
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
