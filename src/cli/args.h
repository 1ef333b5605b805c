/* SPDX-License-Identifier: MIT */
#pragma once
/* Tiny option helpers shared by the verbs: "--opt=VALUE" and "--opt VALUE" forms. */
#include <stdbool.h>

/* If argv[*i] is `--name=V` or `--name V` (or the short form), store V and return true. */
bool arg_value(int argc, char **argv, int *i, const char *long_name, const char *short_name, const char **ret);
/* getopt_long()'s diagnostics in glibc's words, for a caller that set opterr = 0 and starts its
 * optstring with ':': musl's getopt says them in its own ("unrecognized option: bogus"), systemd's
 * tools in glibc's. c is the ':' or '?' getopt_long() returned, arg the option it was looking at
 * (getopt_next_arg() before the call: musl's permutation moves argv around on a missing
 * argument), prog argv[0]. Returns -EINVAL. */
int getopt_bad_option(int c, const char *arg, const char *prog);
/* The argument getopt_long() examines next: the first option word from optind on, NULL if none. */
const char *getopt_next_arg(int argc, char **argv);
