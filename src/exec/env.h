/* SPDX-License-Identifier: MIT */
#pragma once
/* Environment blocks ("K=V" vectors) and the $VAR / ${VAR} expansion of command lines
 * (systemd.service(5) "Command lines"). */
#include <stdbool.h>

/* Value of `name` in env, or NULL. */
const char *env_get(char *const *env, const char *name);
/* Set (replace or append) "name=value"; takes a copy. */
int env_set(char ***env, const char *name, const char *value);
/* env_get() and env_set() scan the environment: O(its length) each. The functions below handle
 * whole lists in O(total length), whatever their sizes. */
/* Merge `assignments` ("K=V") into env, later ones win (env_set() of each, in order). */
int env_merge(char ***env, char *const *assignments);
/* Remove "NAME" or exactly "NAME=VALUE" entries (UnsetEnvironment= semantics). */
void env_unset(char **env, const char *spec);
void env_unset_all(char **env, char *const *specs);
/* Read an EnvironmentFile=: KEY=VALUE lines, '#'/';' comments, optional quotes and "export ",
 * backslash continuations. Appends to *env. -ENOENT etc. passed back. */
int env_file_read(const char *path, char ***env);
/* The same on the text of such a file (changed in place). */
int env_file_parse(char *data, char ***env);
/* Expand an argv at exec time: "${X}" is replaced in place; a word that is exactly "$X" is
 * replaced by the words of X split on whitespace (and vanishes if X is empty or unset); "$$"
 * is a literal "$". */
int env_expand_argv(char *const *argv, char *const *env, char ***ret);
