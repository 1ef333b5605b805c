/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include "base/parse.h"
#include "base/util.h"
#include "exec/userdb.h"

#define DB_MAX (16u << 20)

static int read_db(const char *root, const char *path, char **ret) {
        _cleanup_free_ char *p = root && !streq(root, "/") ? strjoin(root, path) : strdup(path);
        if (!p) return -ENOMEM;
        return read_file_bounded(AT_FDCWD, p, DB_MAX, ret, NULL);
}

/* Split a colon-separated line in place into at most n fields; returns the count. */
static int split_fields(char *line, char **f, int n) {
        int k = 0;
        f[k++] = line;
        for (char *p = line; *p && k < n; p++)
                if (*p == ':') {
                        *p = 0;
                        f[k++] = p + 1;
                }
        return k;
}

/* Iterate the lines of a database buffer, modifying it: calls match() for each line with its
 * fields until it returns non-zero. */
typedef int (*line_fn)(char **f, int nf, void *userdata);
static int for_each_line(char *data, int nfields, line_fn fn, void *userdata) {
        char *save = NULL;
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (line[0] == '#' || line[0] == '+' || line[0] == '-') continue;  /* NIS compat lines */
                char *f[8];
                int nf = split_fields(line, f, nfields);
                if (nf < nfields) continue;
                int r = fn(f, nf, userdata);
                if (r != 0) return r;
        }
        return 0;
}

typedef struct UserMatch {
        const char *key;
        bool numeric;
        uid_t id;
        UserRecord *out;
} UserMatch;

static int match_user(char **f, int nf, void *userdata) {
        (void)nf;
        UserMatch *m = userdata;
        unsigned uid, gid;
        if (safe_atou(f[2], &uid) < 0 || safe_atou(f[3], &gid) < 0) return 0;
        if (m->numeric ? uid != m->id : !streq(f[0], m->key)) return 0;
        m->out->uid = uid;
        m->out->gid = gid;
        if (!(m->out->name = strdup(f[0])) || !(m->out->home = strdup(isempty(f[5]) ? "/" : f[5])) ||
            !(m->out->shell = strdup(isempty(f[6]) ? "/bin/sh" : f[6])))
                return -ENOMEM;
        return 1;
}

int userdb_get_user(const char *root, const char *name_or_uid, UserRecord *ret) {
        *ret = (UserRecord){0};
        unsigned id = 0;
        bool numeric = safe_atou(name_or_uid, &id) >= 0;
        _cleanup_free_ char *data = NULL;
        int r = read_db(root, "/etc/passwd", &data);
        if (r >= 0) {
                UserMatch m = { .key = name_or_uid, .numeric = numeric, .id = id, .out = ret };
                r = for_each_line(data, 7, match_user, &m);
                if (r > 0) return 0;
                user_record_done(ret);
                if (r < 0) return r;
        }
        /* root always exists, even in an image without /etc/passwd */
        if (streq(name_or_uid, "root") || (numeric && id == 0)) {
                if (!(ret->name = strdup("root")) || !(ret->home = strdup("/root")) || !(ret->shell = strdup("/bin/sh"))) {
                        user_record_done(ret);
                        return -ENOMEM;
                }
                return 0;
        }
        return r < 0 && r != -ENOENT ? r : -ESRCH;
}

void user_record_done(UserRecord *u) {
        free(u->name);
        free(u->home);
        free(u->shell);
        *u = (UserRecord){0};
}

typedef struct GroupMatch {
        const char *key;
        bool numeric;
        gid_t id;
        gid_t gid;
        char *name;
} GroupMatch;

static int match_group(char **f, int nf, void *userdata) {
        (void)nf;
        GroupMatch *m = userdata;
        unsigned gid;
        if (safe_atou(f[2], &gid) < 0) return 0;
        if (m->numeric ? gid != m->id : !streq(f[0], m->key)) return 0;
        m->gid = gid;
        return (m->name = strdup(f[0])) ? 1 : -ENOMEM;
}

int userdb_get_group(const char *root, const char *name_or_gid, gid_t *ret_gid, char **ret_name) {
        unsigned id = 0;
        bool numeric = safe_atou(name_or_gid, &id) >= 0;
        _cleanup_free_ char *data = NULL;
        int r = read_db(root, "/etc/group", &data);
        GroupMatch m = { .key = name_or_gid, .numeric = numeric, .id = id };
        if (r >= 0 && (r = for_each_line(data, 4, match_group, &m)) > 0) {
                *ret_gid = m.gid;
                if (ret_name) *ret_name = m.name;
                else free(m.name);
                return 0;
        }
        if (r < 0 && r != -ENOENT) return r;
        if (streq(name_or_gid, "root") || (numeric && id == 0)) {
                *ret_gid = 0;
                if (ret_name && !(*ret_name = strdup("root"))) return -ENOMEM;
                return 0;
        }
        return -ESRCH;
}

typedef struct MemberMatch {
        const char *user;
        gid_t primary;
        gid_t *out;
        int n, max;
} MemberMatch;

static int match_member(char **f, int nf, void *userdata) {
        (void)nf;
        MemberMatch *m = userdata;
        unsigned gid;
        if (safe_atou(f[2], &gid) < 0 || gid == m->primary) return 0;
        char *save = NULL;
        for (char *u = strtok_r(f[3], ",", &save); u; u = strtok_r(NULL, ",", &save))
                if (streq(u, m->user)) {
                        if (m->n < m->max) m->out[m->n++] = gid;
                        break;
                }
        return 0;
}

int userdb_member_groups(const char *root, const char *user, gid_t primary_gid, gid_t *ret, int max) {
        _cleanup_free_ char *data = NULL;
        int r = read_db(root, "/etc/group", &data);
        if (r == -ENOENT) return 0;
        if (r < 0) return r;
        MemberMatch m = { .user = user, .primary = primary_gid, .out = ret, .max = max };
        r = for_each_line(data, 4, match_member, &m);
        return r < 0 ? r : m.n;
}
