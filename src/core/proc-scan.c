/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include "base/log.h"
#include "base/util.h"
#include "core/proc-scan.h"

/* ---- /proc/PID/stat ---- */

static bool is_stat_delim(char c) { return c == ' ' || c == '\n'; }

/* The next token of [*p, e): a non-empty run without ' ' or '\n', followed by one delimiter
 * (consumed) or by the end of the text. */
static int next_token(const char **p, const char *e, const char **ret, size_t *ret_len) {
        const char *s = *p, *q = s;
        while (q < e && !is_stat_delim(*q))
                q++;
        if (q == s)
                return -EINVAL;
        *ret = s;
        *ret_len = (size_t) (q - s);
        *p = q < e ? q + 1 : q;
        return 0;
}

/* Decimal digits only, no sign, no whitespace. */
static int parse_ull_token(const char *s, size_t n, unsigned long long *ret) {
        unsigned long long v = 0;
        if (n == 0)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                unsigned d = (unsigned) (s[i] - '0');
                if (v > (ULLONG_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

static int parse_pid_token(const char *s, size_t n, pid_t *ret) {
        unsigned long long v;
        int r = parse_ull_token(s, n, &v);
        if (r < 0)
                return r;
        if (v > INT_MAX)
                return -ERANGE;
        *ret = (pid_t) v;
        return 0;
}

/* Fields we do not use are still checked to be (possibly negative) integers. */
static int check_int_token(const char *s, size_t n) {
        unsigned long long v;
        if (n > 0 && s[0] == '-') {
                s++;
                n--;
        }
        return parse_ull_token(s, n, &v);
}

int proc_stat_parse(const char *buf, size_t size, ProcInfo *ret) {
        const char *p = buf, *e = buf + size, *tok, *close;
        size_t len;
        ProcInfo info = {};
        int r;

        if (!buf || !ret)
                return -EINVAL;

        /* field 1: pid, then " (" */
        const char *sp = memchr(p, ' ', size);
        if (!sp)
                return -EINVAL;
        r = parse_pid_token(p, (size_t) (sp - p), &info.pid);
        if (r < 0)
                return -EINVAL;
        if (info.pid <= 0)
                return -EINVAL;
        p = sp + 1;
        if (p >= e || *p != '(')
                return -EINVAL;
        p++;

        /* field 2: comm, up to the last ')' (comm itself may contain ')', spaces, newlines) */
        close = memrchr(p, ')', (size_t) (e - p));
        if (!close)
                return -EINVAL;
        p = close + 1;

        /* field 3: state, a single character */
        if (e - p < 3 || p[0] != ' ' || is_stat_delim(p[1]) || p[1] == '\0' || p[2] != ' ')
                return -EINVAL;
        info.state = p[1];
        p += 3;

        /* fields 4..22 */
        for (int field = 4; field <= 22; field++) {
                r = next_token(&p, e, &tok, &len);
                if (r < 0)
                        return r;
                switch (field) {
                case 4:
                        r = parse_pid_token(tok, len, &info.ppid);
                        break;
                case 5:
                        r = parse_pid_token(tok, len, &info.pgid);
                        break;
                case 6:
                        r = parse_pid_token(tok, len, &info.sid);
                        break;
                case 22:
                        r = parse_ull_token(tok, len, &info.starttime);
                        break;
                default:
                        r = check_int_token(tok, len);
                }
                if (r < 0)
                        return -EINVAL;
        }

        *ret = info;
        return 0;
}

static bool errno_is_gone(int e) { return e == ENOENT || e == ESRCH; }

/* Read and parse one stat file. -ESRCH if the process is gone. */
static int stat_read_at(int dirfd, const char *path, ProcInfo *ret) {
        char buf[PROC_STAT_MAX];
        size_t n = 0;
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno_is_gone(errno) ? -ESRCH : -errno;

        while (n < sizeof buf) {
                ssize_t k = read(fd, buf + n, sizeof buf - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno_is_gone(errno) ? -ESRCH : -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        if (n == 0)
                return -ESRCH;  /* exited and reaped between open() and read() */

        if (n == sizeof buf) {
                /* Possibly cut off: drop the last, maybe incomplete, token. */
                while (n > 0 && !is_stat_delim(buf[n - 1]))
                        n--;
                if (n == 0)
                        return -EINVAL;
        }

        return proc_stat_parse(buf, n, ret);
}

int proc_info_read(const char *proc_root, pid_t pid, ProcInfo *ret) {
        char path[PATH_MAX];
        ProcInfo info;
        int r;

        if (pid <= 0 || !ret)
                return -EINVAL;
        r = snprintf(path, sizeof path, "%s/%d/stat", proc_root ?: "/proc", (int) pid);
        if (r < 0 || (size_t) r >= sizeof path)
                return -ENAMETOOLONG;
        r = stat_read_at(AT_FDCWD, path, &info);
        if (r < 0)
                return r;
        if (info.pid != pid)
                return -EINVAL;
        *ret = info;
        return 0;
}

/* ---- the table ---- */

/* A /proc entry name that is a pid: decimal, no leading zero, > 0. */
static bool parse_pid_name(const char *s, pid_t *ret) {
        if (s[0] < '1' || s[0] > '9')
                return false;
        return parse_pid_token(s, strlen(s), ret) >= 0;
}

static int cmp_proc(const void *a, const void *b) {
        pid_t x = ((const ProcInfo *) a)->pid, y = ((const ProcInfo *) b)->pid;
        return (x > y) - (x < y);
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
        return (x > y) - (x < y);
}

void proc_table_done(ProcTable *t) {
        if (!t)
                return;
        free(t->procs);
        t->procs = NULL;
        t->n = 0;
        for (size_t i = 0; i < ELEMENTSOF(t->by_key); i++) {
                free(t->by_key[i]);
                t->by_key[i] = NULL;
        }
}

int proc_table_read_max(const char *proc_root, size_t max, ProcTable *ret) {
        const char *root = proc_root ?: "/proc";
        ProcTable t = {};
        size_t cap = 0;
        struct dirent *de;
        int r = 0;

        if (!ret)
                return -EINVAL;
        if (max > PROC_TABLE_MAX)
                max = PROC_TABLE_MAX;

        int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        DIR *d = fdopendir(dfd);
        if (!d) {
                r = -errno;
                close(dfd);
                return r;
        }

        for (;;) {
                char path[64];
                ProcInfo info;
                pid_t pid;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        r = errno > 0 ? -errno : 0;
                        break;
                }
                if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
                        continue;
                if (!parse_pid_name(de->d_name, &pid))
                        continue;

                snprintf(path, sizeof path, "%d/stat", (int) pid);
                r = stat_read_at(dirfd(d), path, &info);
                if (r == -ESRCH || r == -ENOTDIR || r == -EACCES || r == -EPERM)
                        continue;  /* gone, or not ours to see */
                if (r == -EINVAL || (r >= 0 && info.pid != pid)) {
                        log_debug("%s/%s: unparsable stat, ignoring.", root, path);
                        continue;
                }
                if (r < 0)
                        break;
                r = 0;

                if (t.n >= max) {
                        r = -E2BIG;
                        break;
                }
                if (t.n == cap) {
                        size_t ncap = cap ? cap * 2 : 64;
                        if (ncap > max)
                                ncap = max;
                        ProcInfo *v = realloc(t.procs, ncap * sizeof *v);
                        if (!v) {
                                r = -ENOMEM;
                                break;
                        }
                        t.procs = v;
                        cap = ncap;
                }
                t.procs[t.n++] = info;
        }
        closedir(d);

        if (r < 0) {
                proc_table_done(&t);
                return r;
        }
        if (t.n > 0)
                qsort(t.procs, t.n, sizeof *t.procs, cmp_proc);
        *ret = t;
        return 0;
}

int proc_table_read(const char *proc_root, ProcTable *ret) {
        return proc_table_read_max(proc_root, PROC_TABLE_MAX, ret);
}

const ProcInfo *proc_table_find(const ProcTable *t, pid_t pid) {
        if (!t || t->n == 0)
                return NULL;
        ProcInfo key = { .pid = pid };
        return bsearch(&key, t->procs, t->n, sizeof *t->procs, cmp_proc);
}

static size_t table_index(const ProcTable *t, const ProcInfo *p) {
        return (size_t) (p - t->procs);
}

/* ---- membership ---- */

/* An index of the table sorted by one key (ppid, sid or pgid). `done` marks ranges (by their
 * first position) already handled, so each key is expanded once. */
typedef struct KeyIdx {
        pid_t key;
        uint32_t idx;
} KeyIdx;

static int cmp_keyidx(const void *a, const void *b) {
        const KeyIdx *x = a, *y = b;
        if (x->key != y->key)
                return (x->key > y->key) - (x->key < y->key);
        return (x->idx > y->idx) - (x->idx < y->idx);
}

typedef struct KeyIndex {
        const KeyIdx *v;   /* the table's (t->by_key[]) */
        bool *done;
} KeyIndex;

/* The table's index by the pid field at field_offset, sorted once per table; `slot` caches it
 * (the table is logically const: the cache is derived from it). */
static int key_index_build(const ProcTable *t, size_t slot, size_t field_offset, KeyIndex *ret) {
        ProcTable *mt = (ProcTable *) t;
        if (!(ret->done = calloc(t->n, sizeof *ret->done)))
                return -ENOMEM;
        if (!mt->by_key[slot]) {
                KeyIdx *v = malloc(t->n * sizeof *v);
                if (!v)
                        return -ENOMEM;
                for (size_t i = 0; i < t->n; i++) {
                        v[i].key = *(const pid_t *) ((const char *) &t->procs[i] + field_offset);
                        v[i].idx = (uint32_t) i;
                }
                qsort(v, t->n, sizeof *v, cmp_keyidx);
                mt->by_key[slot] = v;
        }
        ret->v = mt->by_key[slot];
        return 0;
}

static void key_index_free(KeyIndex *k) {
        free(k->done);
}

/* First position with v[pos].key == key, or n. */
static size_t key_index_lower(const KeyIndex *k, size_t n, pid_t key) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (k->v[mid].key < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < n && k->v[lo].key == key ? lo : n;
}

typedef struct Members {
        const ProcTable *t;
        bool *member, *excluded;
        uint32_t *queue;
        size_t head, tail;
        KeyIndex by_ppid, by_sid, by_pgid;
        pid_t banned[3];  /* self, self's sid and pgid: never expanded as session ids */
} Members;

/* Never a session id: self's own session and group, and the pid of self or an ancestor. */
static bool members_id_banned(const Members *m, pid_t id) {
        if (id <= 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(m->banned); i++)
                if (id == m->banned[i])
                        return true;
        const ProcInfo *p = proc_table_find(m->t, id);
        return p && m->excluded[table_index(m->t, p)];
}

static void members_mark(Members *m, size_t i) {
        if (m->member[i] || m->excluded[i])
                return;
        m->member[i] = true;
        m->queue[m->tail++] = (uint32_t) i;
}

/* Mark every process with key `key` in index k, once per key. */
static void members_expand(Members *m, KeyIndex *k, pid_t key) {
        size_t n = m->t->n;
        size_t pos = key_index_lower(k, n, key);
        if (pos == n || k->done[pos])
                return;
        k->done[pos] = true;
        for (; pos < n && k->v[pos].key == key; pos++)
                members_mark(m, k->v[pos].idx);
}

static void members_add_session(Members *m, pid_t id) {
        if (members_id_banned(m, id))
                return;
        members_expand(m, &m->by_sid, id);
        members_expand(m, &m->by_pgid, id);
}

static void members_free(Members *m) {
        free(m->member);
        free(m->excluded);
        free(m->queue);
        key_index_free(&m->by_ppid);
        key_index_free(&m->by_sid);
        key_index_free(&m->by_pgid);
}

int proc_unit_members(const ProcTable *t, pid_t self,
                      const pid_t *seeds, size_t n_seeds,
                      const pid_t *sessions, size_t n_sessions,
                      pid_t **ret, size_t *ret_n) {
        Members m = { .t = t, .banned = { self, self, self } };
        pid_t *out = NULL;
        size_t n_out = 0;
        int r;

        if (!t || !ret || !ret_n || (n_seeds > 0 && !seeds) || (n_sessions > 0 && !sessions))
                return -EINVAL;
        if (t->n > PROC_TABLE_MAX)
                return -E2BIG;
        if (t->n == 0)
                goto finish;

        m.member = calloc(t->n, sizeof *m.member);
        m.excluded = calloc(t->n, sizeof *m.excluded);
        m.queue = malloc(t->n * sizeof *m.queue);
        if (!m.member || !m.excluded || !m.queue) {
                r = -ENOMEM;
                goto fail;
        }
        r = key_index_build(t, 0, offsetof(ProcInfo, ppid), &m.by_ppid);
        if (r >= 0)
                r = key_index_build(t, 1, offsetof(ProcInfo, sid), &m.by_sid);
        if (r >= 0)
                r = key_index_build(t, 2, offsetof(ProcInfo, pgid), &m.by_pgid);
        if (r < 0)
                goto fail;

        /* self and its ancestors are never members; self's session and group are never expanded */
        const ProcInfo *p = proc_table_find(t, self);
        if (p) {
                m.banned[1] = p->sid;
                m.banned[2] = p->pgid;
        }
        for (size_t steps = 0; p && steps < t->n; steps++) {
                size_t i = table_index(t, p);
                if (m.excluded[i])
                        break;
                m.excluded[i] = true;
                if (p->ppid <= 0 || p->ppid == p->pid)
                        break;
                p = proc_table_find(t, p->ppid);
        }

        for (size_t i = 0; i < n_seeds; i++) {
                if (seeds[i] <= 0)
                        continue;
                p = proc_table_find(t, seeds[i]);
                if (p)
                        members_mark(&m, table_index(t, p));
                members_add_session(&m, seeds[i]);
        }
        for (size_t i = 0; i < n_sessions; i++)
                members_add_session(&m, sessions[i]);

        while (m.head < m.tail) {
                const ProcInfo *q = &t->procs[m.queue[m.head++]];
                members_expand(&m, &m.by_ppid, q->pid);
                members_add_session(&m, q->sid);
                members_add_session(&m, q->pgid);
        }

        for (size_t i = 0; i < t->n; i++)
                if (m.member[i] && !proc_state_is_dead(t->procs[i].state))
                        n_out++;
        if (n_out > 0) {
                out = malloc(n_out * sizeof *out);
                if (!out) {
                        r = -ENOMEM;
                        goto fail;
                }
                n_out = 0;
                for (size_t i = 0; i < t->n; i++)
                        if (m.member[i] && !proc_state_is_dead(t->procs[i].state))
                                out[n_out++] = t->procs[i].pid;
        }

finish:
        members_free(&m);
        *ret = out;
        *ret_n = n_out;
        return 0;
fail:
        members_free(&m);
        return r;
}

int proc_orphans_since(const ProcTable *t, pid_t self, unsigned long long since_ticks,
                       const pid_t *known, size_t n_known, pid_t **ret, size_t *ret_n) {
        pid_t *out = NULL;
        size_t n_out = 0;

        if (!t || !ret || !ret_n || (n_known > 0 && !known))
                return -EINVAL;

        for (int pass = 0; pass < 2; pass++) {
                size_t k = 0;
                for (size_t i = 0; i < t->n; i++) {
                        const ProcInfo *p = &t->procs[i];
                        if (p->ppid != self || p->pid == self || proc_state_is_dead(p->state) ||
                            p->starttime < since_ticks)
                                continue;
                        if (n_known > 0 && bsearch(&p->pid, known, n_known, sizeof *known, cmp_pid))
                                continue;
                        if (pass == 1)
                                out[k] = p->pid;
                        k++;
                }
                if (pass == 0) {
                        if (k == 0)
                                break;
                        out = malloc(k * sizeof *out);
                        if (!out)
                                return -ENOMEM;
                }
                n_out = k;
        }

        *ret = out;
        *ret_n = n_out;
        return 0;
}

unsigned long long proc_now_ticks(void) {
        struct timespec ts;
        long hz = sysconf(_SC_CLK_TCK);
        if (hz <= 0)
                hz = 100;
        if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
                return 0;
        return (unsigned long long) ts.tv_sec * (unsigned long long) hz +
               (unsigned long long) ts.tv_nsec * (unsigned long long) hz / 1000000000ULL;
}
