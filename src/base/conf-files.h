/* SPDX-License-Identifier: MIT */
#pragma once
/* Configuration directories as systemd reads them (conf_files_list_strv()): the files NAME*SUFFIX
 * of several directories, where a file name in an earlier directory shadows the same name in later
 * ones, applied in file-name order whatever their directory. Hidden files are skipped. */

/* Add to *files (full paths) the entries of directory ROOT+DIR ending in SUFFIX whose file name is
 * not in *files yet. A missing directory (ENOENT, ENOTDIR) adds nothing; another error to open it
 * is returned (-errno), as systemd does. ROOT may be NULL. */
int conf_files_add_dir(const char *root, const char *dir, const char *suffix, char ***files);
/* Sort full paths by their file names. */
void conf_files_sort(char **files);
/* conf_files_add_dir() over DIRS (NULL-terminated), then sorted; *ret may be NULL (none). */
int conf_files_list(const char *root, const char *const *dirs, const char *suffix, char ***ret);
