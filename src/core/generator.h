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

/* Empty and create OUT[0..2], then run every generator found in SEARCH (NULL-terminated; a name
 * seen earlier shadows later ones, a symlink to /dev/null or an empty file masks it) in parallel
 * with OUT as arguments and ENVP plus systemd's SYSTEMD_* variables as environment, umask 022.
 * Generators still running after TIMEOUT are SIGKILLed. Failures of single generators are
 * logged and ignored, as systemd does. Returns the number of generators run or a negative errno
 * when the output directories cannot be made. Must run before any other child exists (it reaps
 * only its own children, with waitpid). */
int generators_run(const char *const *search, const char *const out[3], char **envp, usec_t timeout);
