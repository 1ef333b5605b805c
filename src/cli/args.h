/* SPDX-License-Identifier: MIT */
#pragma once
/* Tiny option helpers shared by the verbs: "--opt=VALUE" and "--opt VALUE" forms. */
#include <stdbool.h>

/* If argv[*i] is `--name=V` or `--name V` (or the short form), store V and return true. */
bool arg_value(int argc, char **argv, int *i, const char *long_name, const char *short_name, const char **ret);
