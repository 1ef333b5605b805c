/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd.generator(7): executables that write units into /run/systemd/generator{,.early,.late}
 * before the unit files are loaded (e.g. Debian's postgresql-generator, which makes
 * postgresql.service want postgresql@VERSION-CLUSTER.service for each cluster). */
#include <stdbool.h>
#include "base/parse.h"

/* systemd 252's search order for system generators; the first file of a name wins. */
extern const char *const generator_search_path[];
/* Its output directories: normal, early, late (argv[1..3] of each generator). */
extern const char *const generator_output_dirs[3];

/* A generator built into tinysd, run in process when the image has no executable of its name
 * (neither one to run nor one masked): e.g. an image without systemd gets the SysV generator. */
typedef struct BuiltinGenerator {
        const char *name;                        /* the executable it stands in for */
        int (*run)(const char *const out[3]);    /* < 0: failed (logged) */
} BuiltinGenerator;
/* The built-in generators ({ NULL } terminated): systemd-sysv-generator (sysv-generator.h). */
extern const BuiltinGenerator builtin_generators[];

/* Empty and create OUT[0..2], then run every generator found in SEARCH (NULL-terminated; a name
 * seen earlier shadows later ones, a symlink to /dev/null or an empty file masks it) in parallel
 * with OUT as arguments and ENVP plus systemd's SYSTEMD_* variables as environment, umask 022,
 * and each of BUILTINS (NULL: none) whose name was not found, in process, meanwhile.
 * Generators still running after TIMEOUT are SIGKILLed. Failures of single generators are
 * logged and ignored, as systemd does. Returns the number of generators run or a negative errno
 * when the output directories cannot be made. Must run before any other child exists (it reaps
 * only its own children, with waitpid). */
int generators_run(const char *const *search, const char *const out[3], char **envp, usec_t timeout,
                   const BuiltinGenerator *builtins);
