/* SPDX-License-Identifier: MIT */
#pragma once
/* Users and groups from /etc/passwd and /etc/group, read directly: a static binary has no NSS,
 * and a container's databases are these files. Names or numeric ids are accepted, as User= and
 * Group= accept both. */
#include <stdbool.h>
#include <sys/types.h>

typedef struct UserRecord {
        char *name;
        uid_t uid;
        gid_t gid;
        char *home;
        char *shell;
} UserRecord;

/* root: NULL for "/". Returns 0, -ESRCH if there is no such entry (numeric ids need one too,
 * except root, which exists even without /etc/passwd), or another negative errno. */
int userdb_get_user(const char *root, const char *name_or_uid, UserRecord *ret);
void user_record_done(UserRecord *u);
int userdb_get_group(const char *root, const char *name_or_gid, gid_t *ret_gid, char **ret_name);
/* Supplementary groups of `user` (groups listing it as a member), not including primary_gid.
 * Returns the count, at most max. */
int userdb_member_groups(const char *root, const char *user, gid_t primary_gid, gid_t *ret, int max);
