/* SPDX-License-Identifier: MIT */
/* PID 1's journal server: entries from every source are stamped with journald's trusted fields,
 * appended to the store and forwarded to stdout. See journal-server.h. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include "base/hashmap.h"
#include "base/log.h"
#include "base/ratelimit.h"
#include "base/strv.h"
#include "journal/journal-forward.h"
#include "journal/journal-native.h"
#include "journal/journal-server.h"
#include "journal/journal-store.h"
#include "journal/journal-syslog.h"

#define CMDLINE_MAX 4096U
#define STREAM_READ_ROUNDS 16
/* systemd's catalog ids of the messages the server writes itself */
#define MESSAGE_ID_JOURNAL_DROPPED "a596d6fe7bfa4994828e72309e95d61e"

typedef struct RateBucket {
        char *key;
        RateLimit rl;
        unsigned suppressed;
} RateBucket;

typedef struct ServerStream ServerStream;
struct ServerStream {
        JournalServer *server;
        int fd;
        EventSource *io;
        JournalStream js;
        JournalCreds creds;
        char *unit;
        char id[33];
        ServerStream *next;
};

struct JournalServer {
        EventLoop *event;
        JournaldConfig config;
        int forward_format;
        JournalServerHooks hooks;
        JournalStore *store;
        EventSource *flush_src;         /* deferred: writes the store's batch before the loop sleeps */
        char *store_dir;
        bool store_failing;
        uint8_t boot_id[16];
        char boot_id_str[33], machine_id[33];
        JournalCreds self;
        int native_fd, stdout_fd, syslog_fd;
        EventSource *native_io, *stdout_io, *syslog_io;
        ServerStream *streams;
        unsigned n_streams;
        bool streams_full;              /* refusing connections: said once until there is room */
        Hashmap *rate;
        char *dgram;                    /* receive buffer, grown on demand up to JOURNAL_SERVER_DGRAM_MAX */
        size_t dgram_size;
        JournalCreds cache;             /* the last datagram sender's /proc data and unit */
        char *cache_unit;
        usec_t cache_time;
        char hostname[256];             /* _HOSTNAME, re-read at most once a second (a syscall per */
        usec_t hostname_time;           /* entry was 3% of PID 1 at full forwarding speed) */
};

/* ---- ids ---- */

static bool read_id(const char *path, char ret[static 33]) {
        _cleanup_free_ char *s = NULL;
        uint8_t id[16], zero[16] = {};
        if (read_file_bounded(AT_FDCWD, path, 64, &s, NULL) < 0) return false;
        if (id128_from_string(strstrip(s), id) < 0 || memcmp(id, zero, 16) == 0) return false;
        id128_to_string(id, ret);
        return true;
}

int journal_machine_id_setup(const char *root, char ret[static 33]) {
        _cleanup_free_ char *etc = strjoin(strempty(root), "/etc/machine-id");
        _cleanup_free_ char *run = strjoin(strempty(root), "/run/machine-id");
        if (!etc || !run) return -ENOMEM;
        if (read_id(etc, ret) || read_id(run, ret)) return 0;
        id128_random_string(ret);
        _cleanup_close_ int fd = open(run, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (fd < 0) return -errno;
        char line[34];
        memcpy(line, ret, 32);
        line[32] = '\n';
        return write(fd, line, 33) == 33 ? 1 : -EIO;
}

/* ---- credentials ---- */

static char *proc_read(const char *proc_root, pid_t pid, const char *what, size_t max, size_t *ret_len) {
        char path[128];
        snprintf(path, sizeof path, "%s/%d/%s", proc_root, (int)pid, what);
        char *data = NULL;
        size_t n = 0;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return NULL;
        if (!(data = malloc(max + 1))) return NULL;
        for (;;) {   /* /proc files report size 0: read to EOF, bounded */
                ssize_t k = read(fd, data + n, max - n);
                if (k < 0 && errno == EINTR) continue;
                if (k < 0) {
                        free(data);
                        return NULL;
                }
                if (k == 0 || (n += (size_t)k) == max) break;
        }
        data[n] = 0;
        /* credentials are kept with their stream: give back what the bound reserved */
        char *fit = n < max ? realloc(data, n + 1) : NULL;
        *ret_len = n;
        return fit ? fit : data;
}

int journal_creds_read(JournalCreds *c, const char *proc_root, pid_t pid, uid_t uid, gid_t gid) {
        *c = (JournalCreds) { .pid = pid, .uid = uid, .gid = gid };
        if (pid <= 0) return 0;
        if (!proc_root) proc_root = "/proc";
        size_t n;
        if ((c->comm = proc_read(proc_root, pid, "comm", 64, &n))) {
                while (n > 0 && c->comm[n - 1] == '\n') c->comm[--n] = 0;
        }
        if ((c->cmdline = proc_read(proc_root, pid, "cmdline", CMDLINE_MAX, &n))) {
                while (n > 0 && c->cmdline[n - 1] == 0) n--;
                for (size_t i = 0; i < n; i++)
                        if (c->cmdline[i] == 0) c->cmdline[i] = ' ';
                c->cmdline[n] = 0;
                if (n == 0) {   /* kernel threads and zombies: no command line */
                        free(c->cmdline);
                        c->cmdline = NULL;
                }
        }
        char path[128], target[4096];
        snprintf(path, sizeof path, "%s/%d/exe", proc_root, (int)pid);
        ssize_t k = readlink(path, target, sizeof target - 1);
        if (k > 0) {
                target[k] = 0;
                c->exe = strdup(target);
        }
        return 0;
}

void journal_creds_done(JournalCreds *c) {
        free(c->comm);
        free(c->exe);
        free(c->cmdline);
        *c = (JournalCreds) {};
}

static int add_trusted_string(JournalEntry *e, const char *name, const char *value) {
        return value ? journal_entry_add_trusted(e, name, value, strlen(value)) : 0;
}

static int add_trusted_number(JournalEntry *e, const char *name, unsigned long long v) {
        char b[20];
        return journal_entry_add_trusted(e, name, b, format_u64(b, v));
}

int journal_creds_add_fields(const JournalCreds *c, JournalEntry *e) {
        if (!c || c->pid <= 0) return 0;
        int r = add_trusted_number(e, "_PID", (unsigned long long)c->pid);
        if (r >= 0) r = add_trusted_number(e, "_UID", (unsigned long long)c->uid);
        if (r >= 0) r = add_trusted_number(e, "_GID", (unsigned long long)c->gid);
        if (r >= 0) r = add_trusted_string(e, "_COMM", c->comm);
        if (r >= 0) r = add_trusted_string(e, "_EXE", c->exe);
        if (r >= 0) r = add_trusted_string(e, "_CMDLINE", c->cmdline);
        return r;
}

/* ---- store and forwarding ---- */

static void store_result(JournalServer *s, int r) {
        if (r < 0 && !s->store_failing) {
                s->store_failing = true;
                log_warning("Failed to write to the journal in %s: %s. Messages are still forwarded to stdout.",
                            s->store_dir, strerror(-r));
        } else if (r >= 0 && s->store_failing) {
                s->store_failing = false;
                log_notice("Writing to the journal in %s works again.", s->store_dir);
        }
}

void journal_server_flush(JournalServer *s) {
        if (!s || !s->store || !journal_store_pending(s->store)) return;
        if (s->flush_src) event_source_set_enabled(s->flush_src, false);
        store_result(s, journal_store_flush(s->store));
}

static int on_flush(EventSource *src, void *userdata) {
        (void)src;
        journal_server_flush(userdata);
        return 0;
}

/* The last n_shared fields of e are the server's trusted fields: the same for every line of a
 * stream, so the store keeps them once per file. */
static void store_entry(JournalServer *s, const JournalEntry *e, size_t n_shared, usec_t realtime) {
        if (!s->store || e->n_fields == 0) return;
        struct iovec iov_small[32], *iov = e->n_fields <= ELEMENTSOF(iov_small) ? iov_small : calloc(e->n_fields, sizeof *iov);
        int r = iov ? journal_entry_to_iovec(e, iov, e->n_fields) : -ENOMEM;
        if (r >= 0)
                r = journal_store_append_shared(s->store, iov, e->n_fields, n_shared, realtime, now_usec(CLOCK_MONOTONIC),
                                                s->boot_id);
        if (iov != iov_small) free(iov);
        if (r >= 0 && journal_store_pending(s->store)) {
                /* written in one batch before PID 1 waits again (without a loop: now) */
                if (s->flush_src) event_source_set_enabled(s->flush_src, true);
                else r = journal_store_flush(s->store);
        }
        store_result(s, r);
}

static void forward_message(JournalServer *s, const JournalForwardMessage *proto) {
        if (!s->hooks.forward || s->forward_format == JOURNAL_FORWARD_OFF) return;
        /* the formatter cuts what does not fit its buffer; a longer message goes out in pieces,
         * each a line of its own, so nothing is dropped */
        char buf[JOURNAL_FORWARD_BUF_MIN * 4];
        const size_t piece = sizeof buf / 2;
        JournalForwardMessage msg = *proto;
        const char *p = proto->message;
        size_t left = proto->message_len;
        do {
                msg.message = p;
                msg.message_len = left > piece ? piece : left;
                ssize_t n = journal_forward_format((JournalForwardFormat)s->forward_format, &msg, buf, sizeof buf);
                if (n > 0) s->hooks.forward(buf, (size_t)n, s->hooks.userdata);
                p += msg.message_len;
                left -= msg.message_len;
        } while (left > 0);
}

/* ---- rate limiting ---- */

static void emit_suppressed(JournalServer *s, const char *key, unsigned n) {
        char text[512];
        snprintf(text, sizeof text, "Suppressed %u messages from %s", n, isempty(key) ? "processes without a unit" : key);
        JournalEntry e = {};
        int r = journal_entry_add_string(&e, "MESSAGE", text);
        if (r >= 0) r = journal_entry_add_string(&e, "MESSAGE_ID", MESSAGE_ID_JOURNAL_DROPPED);
        if (r >= 0) r = journal_entry_add_string(&e, "SYSLOG_IDENTIFIER", "systemd-journald");
        if (r >= 0) r = journal_entry_add_string(&e, "PRIORITY", "4");
        if (r < 0) {
                journal_entry_done(&e);
                return;
        }
        (void)journal_server_dispatch(s, &e, LOG_WARNING, &(JournalOrigin) { .transport = "driver", .creds = &s->self });
}

/* journald's per-source limit (tinysd: per unit, one fixed window, no priority scaling). */
static bool ratelimit_pass(JournalServer *s, const char *unit, const JournalUnitInfo *ui) {
        usec_t interval = s->config.ratelimit_interval;
        unsigned burst = s->config.ratelimit_burst;
        if (ui && (ui->ratelimit_interval > 0 || ui->ratelimit_burst > 0)) {
                interval = ui->ratelimit_interval ? ui->ratelimit_interval : interval ? interval : JOURNALD_RATELIMIT_INTERVAL_DEFAULT;
                burst = ui->ratelimit_burst ? ui->ratelimit_burst : burst ? burst : JOURNALD_RATELIMIT_BURST_DEFAULT;
        }
        if (interval == 0 || burst == 0) return true;
        const char *key = strempty(unit);
        RateBucket *b = hashmap_get(s->rate, key);
        if (!b) {
                if (!(b = calloc(1, sizeof *b))) return true;
                if (!(b->key = strdup(key)) || hashmap_put(s->rate, b->key, b) < 0) {
                        free(b->key);
                        free(b);
                        return true;
                }
        }
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (b->suppressed > 0 && now - b->rl.begin > interval) {
                unsigned n = b->suppressed;
                b->suppressed = 0;
                emit_suppressed(s, b->key, n);
        }
        if (ratelimit_below(&b->rl, interval, burst, now)) return true;
        b->suppressed++;
        return false;
}

/* ---- dispatch ---- */

static const char *hostname(JournalServer *s) {
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (!s->hostname[0] || now - s->hostname_time >= USEC_PER_SEC) {
                if (gethostname(s->hostname, sizeof s->hostname) < 0) s->hostname[0] = 0;
                s->hostname[sizeof s->hostname - 1] = 0;
                s->hostname_time = now;
        }
        return s->hostname;
}

static int add_server_fields(JournalServer *s, JournalEntry *e, const JournalOrigin *o, const char *unit,
                             const char *invocation_id) {
        int r = journal_creds_add_fields(o->creds, e);
        if (r >= 0 && unit && !(o->creds && o->creds->pid == s->self.pid)) r = add_trusted_string(e, "_SYSTEMD_UNIT", unit);
        if (r >= 0 && unit && invocation_id) r = add_trusted_string(e, "_SYSTEMD_INVOCATION_ID", invocation_id);
        if (r >= 0) r = add_trusted_string(e, "_TRANSPORT", o->transport);
        if (r >= 0) r = add_trusted_string(e, "_STREAM_ID", o->stream_id);
        if (r >= 0) r = add_trusted_string(e, "_BOOT_ID", s->boot_id_str);
        if (r >= 0) r = add_trusted_string(e, "_MACHINE_ID", s->machine_id);
        const char *host = hostname(s);
        if (r >= 0 && host[0]) r = add_trusted_string(e, "_HOSTNAME", host);
        return r;
}

int journal_server_dispatch(JournalServer *s, JournalEntry *e, int priority, const JournalOrigin *o) {
        JournalUnitInfo ui = { .log_level_max = -1, .forward = true };
        pid_t pid = o->creds ? o->creds->pid : 0;
        bool have_unit = false;
        if (s->hooks.unit_lookup && (o->unit || (pid > 0 && pid != s->self.pid)))
                have_unit = s->hooks.unit_lookup(pid, o->unit, &ui, s->hooks.userdata);
        const char *unit = have_unit ? ui.unit : o->unit;
        int r = 0;
        if (have_unit && ui.log_level_max >= 0 && (priority & 7) > ui.log_level_max) goto done;
        /* the manager's own messages and the server's are never rate limited */
        if (!streq_ptr(o->transport, "driver") && pid != s->self.pid && !ratelimit_pass(s, unit, have_unit ? &ui : NULL))
                goto done;
        if (have_unit)
                STRV_FOREACH(f, ui.extra_fields) (void)journal_entry_add_pair(e, *f, strlen(*f), false);
        size_t n_own = e->n_fields;
        if ((r = add_server_fields(s, e, o, unit, have_unit ? ui.invocation_id : NULL)) < 0) goto done;
        usec_t realtime = o->realtime ? o->realtime : now_usec(CLOCK_REALTIME);
        if ((priority & 7) <= s->config.max_level_store) store_entry(s, e, e->n_fields - n_own, realtime);
        size_t len = 0;
        const char *message = journal_entry_get(e, "MESSAGE", &len);
        if (!o->no_forward && ui.forward && message) {
                JournalForwardMessage m = {
                        .unit = unit, .identifier = journal_entry_get(e, "SYSLOG_IDENTIFIER", NULL), .pid = pid,
                        .priority = priority, .timestamp_usec = realtime, .message = message, .message_len = len,
                };
                forward_message(s, &m);
        }
done:
        journal_entry_done(e);
        return r;
}

int journal_server_stream_line(JournalServer *s, const JournalOrigin *o, const char *identifier,
                               const char *line, size_t len, int priority, JournalLineBreak lb) {
        JournalEntry e = {};
        char p[20];
        int r = journal_entry_add(&e, "PRIORITY", p, format_u64(p, (unsigned)priority & 7));
        if (r >= 0 && (priority >> 3) != 0)
                r = journal_entry_add(&e, "SYSLOG_FACILITY", p, format_u64(p, (unsigned)priority >> 3));
        if (r >= 0 && !isempty(identifier)) r = journal_entry_add_string(&e, "SYSLOG_IDENTIFIER", identifier);
        if (r >= 0 && journal_line_break_to_string(lb)) r = add_trusted_string(&e, "_LINE_BREAK", journal_line_break_to_string(lb));
        if (r >= 0) r = journal_entry_add(&e, "MESSAGE", line, len);
        if (r < 0) {
                journal_entry_done(&e);
                return r;
        }
        return journal_server_dispatch(s, &e, priority, o);
}

int journal_server_log_manager(JournalServer *s, int priority, const char *unit, const char *message_id,
                               const char *message, bool forward) {
        JournalEntry e = {};
        char p[8];
        snprintf(p, sizeof p, "%d", priority & 7);
        int r = journal_entry_add_string(&e, "PRIORITY", p);
        if (r >= 0) r = journal_entry_add_string(&e, "SYSLOG_FACILITY", "3");
        if (r >= 0) r = journal_entry_add_string(&e, "SYSLOG_IDENTIFIER", "systemd");
        if (r >= 0 && unit) r = journal_entry_add_string(&e, "UNIT", unit);
        if (r >= 0 && message_id) r = journal_entry_add_string(&e, "MESSAGE_ID", message_id);
        if (r >= 0) r = journal_entry_add_string(&e, "MESSAGE", message);
        if (r < 0) {
                journal_entry_done(&e);
                return r;
        }
        JournalOrigin o = { .transport = "journal", .creds = &s->self, .no_forward = !forward };
        return journal_server_dispatch(s, &e, (3 << 3) | (priority & 7), &o);
}

/* ---- datagram sockets ---- */

typedef struct Datagram {
        size_t size;
        bool truncated;
        struct ucred cred;
        bool have_cred;
        usec_t realtime;
        int fds[8];
        size_t n_fds;
} Datagram;

static void datagram_close_fds(Datagram *d) {
        for (size_t i = 0; i < d->n_fds; i++) close(d->fds[i]);
        d->n_fds = 0;
}

/* 1 and *d filled, 0 when nothing is queued, <0 on error. */
static int receive(JournalServer *s, int fd, Datagram *d) {
        *d = (Datagram) {};
        ssize_t peek = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (peek < 0) return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        size_t want = (size_t)peek + 1 > JOURNAL_SERVER_DGRAM_MAX ? JOURNAL_SERVER_DGRAM_MAX : (size_t)peek + 1;
        if (want > s->dgram_size) {
                char *n = realloc(s->dgram, want);
                if (n) {
                        s->dgram = n;
                        s->dgram_size = want;
                }
        }
        union {
                struct cmsghdr h;
                uint8_t raw[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(int) * 8)];
        } control;
        struct iovec iov = { .iov_base = s->dgram, .iov_len = s->dgram_size ? s->dgram_size - 1 : 0 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                if (c->cmsg_level != SOL_SOCKET) continue;
                if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
                        memcpy(&d->cred, CMSG_DATA(c), sizeof d->cred);
                        d->have_cred = true;
                } else if (c->cmsg_type == SCM_TIMESTAMP && c->cmsg_len == CMSG_LEN(sizeof(struct timeval))) {
                        struct timeval tv;
                        memcpy(&tv, CMSG_DATA(c), sizeof tv);
                        d->realtime = (usec_t)tv.tv_sec * USEC_PER_SEC + (usec_t)tv.tv_usec;
                } else if (c->cmsg_type == SCM_RIGHTS) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < k; i++) {
                                int f;
                                memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof f);
                                if (d->n_fds < ELEMENTSOF(d->fds)) d->fds[d->n_fds++] = f;
                                else close(f);
                        }
                }
        }
        d->size = (size_t)n;
        d->truncated = (size_t)n >= s->dgram_size || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
        if (!d->truncated) s->dgram[n] = 0;
        return 1;
}

/* The sender's /proc data and unit, reused for a flood of datagrams from one process (the pid →
 * unit lookup may walk /proc). */
static const JournalCreds *sender_creds(JournalServer *s, const Datagram *d, const char **ret_unit) {
        *ret_unit = NULL;
        if (!d->have_cred || d->cred.pid <= 0) return NULL;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (s->cache.pid != d->cred.pid || s->cache.uid != d->cred.uid || s->cache.gid != d->cred.gid ||
            now - s->cache_time >= USEC_PER_SEC) {
                journal_creds_done(&s->cache);
                free(s->cache_unit);
                s->cache_unit = NULL;
                (void)journal_creds_read(&s->cache, NULL, d->cred.pid, d->cred.uid, d->cred.gid);
                JournalUnitInfo ui = {};
                if (s->hooks.unit_lookup && d->cred.pid != s->self.pid &&
                    s->hooks.unit_lookup(d->cred.pid, NULL, &ui, s->hooks.userdata) && ui.unit)
                        s->cache_unit = strdup(ui.unit);
                s->cache_time = now;
        }
        *ret_unit = s->cache_unit;
        return &s->cache;
}

typedef struct NativeCtx {
        JournalServer *s;
        JournalOrigin origin;
} NativeCtx;

static int on_native_entry(JournalEntry *entry, int priority, void *userdata) {
        NativeCtx *c = userdata;
        JournalEntry mine = *entry;
        *entry = (JournalEntry) {};
        (void)journal_server_dispatch(c->s, &mine, priority, &c->origin);
        return 0;
}

static void handle_native(JournalServer *s, Datagram *d) {
        NativeCtx c = { .s = s, .origin = { .transport = "journal", .realtime = d->realtime } };
        c.origin.creds = sender_creds(s, d, &c.origin.unit);
        if (d->size == 0 && d->n_fds == 1) {
                _cleanup_free_ void *buf = NULL;
                size_t n = 0;
                int r = journal_native_read_memfd(d->fds[0], JOURNAL_SERVER_DGRAM_MAX, &buf, &n);
                if (r < 0) log_debug("Ignoring journal memfd from PID %d: %s", (int)d->cred.pid, strerror(-r));
                else if (n > 0) (void)journal_native_parse(buf, n, on_native_entry, &c);
        } else if (d->n_fds > 0)
                log_debug("Ignoring journal datagram with %zu file descriptors.", d->n_fds);
        else if (d->truncated)
                log_debug("Ignoring oversized journal datagram from PID %d.", (int)d->cred.pid);
        else
                (void)journal_native_parse(s->dgram, d->size, on_native_entry, &c);
}

static void handle_syslog(JournalServer *s, Datagram *d) {
        if (d->n_fds > 0 || d->truncated) return;
        JournalEntry e = {};
        int priority = LOG_USER | LOG_INFO;
        if (journal_syslog_parse(s->dgram, d->size, JOURNAL_SYSLOG_RFC5424, &e, &priority) < 0) return;
        JournalOrigin o = { .transport = "syslog", .realtime = d->realtime };
        o.creds = sender_creds(s, d, &o.unit);
        (void)journal_server_dispatch(s, &e, priority, &o);
}

static void read_datagrams(JournalServer *s, int fd, bool native) {
        for (unsigned i = 0; i < JOURNAL_SERVER_READS_PER_WAKEUP; i++) {
                Datagram d;
                if (receive(s, fd, &d) <= 0) return;
                if (native) handle_native(s, &d);
                else handle_syslog(s, &d);
                datagram_close_fds(&d);
        }
}

static int on_native(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)revents;
        read_datagrams(userdata, fd, true);
        return 0;
}

static int on_syslog(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)revents;
        read_datagrams(userdata, fd, false);
        return 0;
}

/* ---- stdout streams ---- */

static void stream_free(ServerStream *t) {
        JournalServer *s = t->server;
        for (ServerStream **p = &s->streams; *p; p = &(*p)->next)
                if (*p == t) {
                        *p = t->next;
                        s->n_streams--;
                        s->streams_full = false;
                        break;
                }
        event_source_free(t->io);
        journal_stream_done(&t->js);
        journal_creds_done(&t->creds);
        if (t->fd >= 0) close(t->fd);
        free(t->unit);
        free(t);
}

static int on_stream_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        ServerStream *t = userdata;
        if (!t->unit && t->js.header.unit_id) t->unit = strdup(t->js.header.unit_id);
        JournalOrigin o = { .transport = "stdout", .creds = &t->creds, .unit = t->unit, .stream_id = t->id };
        (void)journal_server_stream_line(t->server, &o, t->js.header.identifier, line, len, priority, lb);
        return 0;
}

/* Read what is there, bounded; false when the stream ended and was freed. */
static bool stream_read(ServerStream *t) {
        char buf[16384];
        for (int round = 0; round < STREAM_READ_ROUNDS; round++) {
                ssize_t n = read(t->fd, buf, sizeof buf);
                if (n > 0) {
                        if (journal_stream_feed(&t->js, buf, (size_t)n) >= 0) continue;
                        stream_free(t);   /* a broken header: journald closes the stream */
                        return false;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
                (void)journal_stream_end(&t->js);
                stream_free(t);
                return false;
        }
        return true;
}

static int on_stream(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)fd; (void)revents;
        (void)stream_read(userdata);
        return 0;
}

static void accept_stream(JournalServer *s, int cfd) {
        if (s->n_streams >= JOURNAL_SERVER_STREAMS_MAX) {
                if (!s->streams_full) log_warning("Too many stdout streams, refusing connection.");
                s->streams_full = true;
                close(cfd);
                return;
        }
        ServerStream *t = calloc(1, sizeof *t);
        if (!t) {
                close(cfd);
                return;
        }
        t->server = s;
        t->fd = cfd;
        id128_random_string(t->id);
        struct ucred cred = {};
        socklen_t l = sizeof cred;
        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &l) < 0) cred.pid = 0;
        (void)journal_creds_read(&t->creds, NULL, cred.pid, cred.uid, cred.gid);
        JournalUnitInfo ui = {};
        if (s->hooks.unit_lookup && cred.pid > 0 && s->hooks.unit_lookup(cred.pid, NULL, &ui, s->hooks.userdata) && ui.unit)
                t->unit = strdup(ui.unit);
        int r = journal_stream_init(&t->js, s->config.line_max, NULL, cred.uid == 0, on_stream_line, t);
        if (r >= 0) r = event_add_io(s->event, &t->io, cfd, EPOLLIN, on_stream, t);
        if (r < 0) {
                journal_stream_done(&t->js);
                journal_creds_done(&t->creds);
                free(t->unit);
                free(t);
                close(cfd);
                return;
        }
        (void)shutdown(cfd, SHUT_WR);
        t->next = s->streams;
        s->streams = t;
        s->n_streams++;
}

static int on_stdout_listen(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)revents;
        for (unsigned i = 0; i < JOURNAL_SERVER_READS_PER_WAKEUP; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd < 0) return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? 0 : -errno;
                accept_stream(userdata, cfd);
        }
        return 0;
}

/* ---- setup ---- */

static int bind_socket(const char *path, int type, int *ret) {
        _cleanup_close_ int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) return -errno;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path) return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        (void)unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return -errno;
        (void)chmod(path, 0666);   /* every user of the container may log, as with journald */
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) return -errno;
        if (type == SOCK_DGRAM) {
                (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one);
                int size = 8 * 1024 * 1024;
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        } else if (listen(fd, SOMAXCONN) < 0)
                return -errno;
        *ret = TAKE_FD(fd);
        return 0;
}

static int open_one(JournalServer *s, const char *dir, const char *name, int type, int *fd, EventSource **io,
                    event_io_fn cb) {
        _cleanup_free_ char *path = strjoin(dir, "/", name);
        int r = path ? bind_socket(path, type, fd) : -ENOMEM;
        if (r >= 0 && (r = event_add_io(s->event, io, *fd, EPOLLIN, cb, s)) < 0) {
                close(*fd);
                *fd = -1;
        }
        if (r < 0) log_warning("Cannot listen on %s: %s", path ? path : name, strerror(-r));
        return r < 0 ? 0 : 1;
}

static void link_dev_log(const char *target, const char *dev_log) {
        char cur[256];
        ssize_t k = readlink(dev_log, cur, sizeof cur - 1);
        if (k > 0) {
                cur[k] = 0;
                if (streq(cur, target)) return;
        }
        (void)unlink(dev_log);
        if (symlink(target, dev_log) < 0)
                log_notice("Cannot create %s (%m): syslog(3) clients must use %s.", dev_log, target);
}

int journal_server_open_sockets(JournalServer *s, const char *dir, const char *dev_log) {
        if (!dir) dir = JOURNAL_SERVER_DIR;
        (void)mkdir_parents(dir, 0755);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                log_warning("Cannot create %s: %m", dir);
                return 0;
        }
        int n = open_one(s, dir, "socket", SOCK_DGRAM, &s->native_fd, &s->native_io, on_native);
        n += open_one(s, dir, "stdout", SOCK_STREAM, &s->stdout_fd, &s->stdout_io, on_stdout_listen);
        int k = open_one(s, dir, "dev-log", SOCK_DGRAM, &s->syslog_fd, &s->syslog_io, on_syslog);
        n += k;
        if (k > 0 && dev_log) {
                _cleanup_free_ char *target = strjoin(dir, "/dev-log");
                if (target) link_dev_log(target, dev_log);
        }
        return n;
}

static int store_dir_for(JournalServer *s, char **ret) {
        bool volatile_only = s->config.storage == JOURNALD_STORAGE_VOLATILE;
        if (!volatile_only) return journal_store_default_dir(ret, NULL);
        *ret = strjoin(JOURNAL_STORE_RUN_ROOT "/", s->machine_id);
        return *ret ? 0 : -ENOMEM;
}

int journal_server_open_store(JournalServer *s, const char *dir) {
        if (s->config.storage == JOURNALD_STORAGE_NONE || s->store) return 0;
        _cleanup_free_ char *d = NULL;
        int r = dir ? ((d = strdup(dir)) ? 0 : -ENOMEM) : store_dir_for(s, &d);
        if (r < 0) return log_warning_errno(-r, "Cannot pick the journal directory: %s", strerror(-r));
        bool runtime = startswith(d, JOURNAL_STORE_RUN_ROOT "/") != NULL;
        r = journal_store_open(d, runtime ? &s->config.runtime : &s->config.system, &s->store);
        if (r < 0 && !dir && !runtime) {
                /* /var/log/journal unusable: journald falls back to /run */
                log_warning("Cannot open the journal in %s (%s), using %s.", d, strerror(-r), JOURNAL_STORE_RUN_ROOT);
                free(d);
                if (!(d = strjoin(JOURNAL_STORE_RUN_ROOT "/", s->machine_id))) return -ENOMEM;
                r = journal_store_open(d, &s->config.runtime, &s->store);
        }
        if (r < 0) {
                s->store = NULL;
                return log_warning_errno(-r, "Cannot open the journal in %s: %s. Messages are forwarded to stdout only.",
                                         d, strerror(-r));
        }
        free(s->store_dir);
        s->store_dir = TAKE_PTR(d);
        if (s->event && !s->flush_src && event_add_defer(s->event, &s->flush_src, on_flush, s) >= 0)
                event_source_set_enabled(s->flush_src, false);
        return 1;
}

bool journal_server_has_store(const JournalServer *s) {
        return s && s->store;
}

static void read_boot_id(JournalServer *s) {
        _cleanup_free_ char *t = NULL;
        if (read_file_bounded(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 64, &t, NULL) < 0 ||
            id128_from_string(strstrip(t), s->boot_id) < 0) {
                id128_random(s->boot_id);
        }
        id128_to_string(s->boot_id, s->boot_id_str);
}

int journal_server_new(EventLoop *e, const JournaldConfig *config, int forward_format,
                       const JournalServerHooks *hooks, JournalServer **ret) {
        JournalServer *s = calloc(1, sizeof *s);
        if (!s) return -ENOMEM;
        s->event = e;
        s->config = *config;
        s->forward_format = forward_format;
        s->hooks = *hooks;
        s->native_fd = s->stdout_fd = s->syslog_fd = -1;
        if (!(s->rate = hashmap_new())) {
                free(s);
                return -ENOMEM;
        }
        read_boot_id(s);
        if (journal_machine_id_setup(NULL, s->machine_id) < 0)
                memcpy(s->machine_id, JOURNAL_STORE_FALLBACK_MACHINE_ID, 33);
        (void)journal_creds_read(&s->self, NULL, getpid(), getuid(), getgid());
        *ret = s;
        return 0;
}

void journal_server_drain(JournalServer *s) {
        if (!s) return;
        if (s->native_fd >= 0) read_datagrams(s, s->native_fd, true);
        if (s->syslog_fd >= 0) read_datagrams(s, s->syslog_fd, false);
        for (ServerStream *t = s->streams, *next; t; t = next) {
                next = t->next;
                (void)stream_read(t);
        }
        journal_server_flush(s);
}

JournalServer *journal_server_free(JournalServer *s) {
        if (!s) return NULL;
        while (s->streams) {
                ServerStream *t = s->streams;
                if (stream_read(t)) {
                        (void)journal_stream_end(&t->js);
                        stream_free(t);
                }
        }
        event_source_free(s->native_io);
        event_source_free(s->stdout_io);
        event_source_free(s->syslog_io);
        if (s->native_fd >= 0) close(s->native_fd);
        if (s->stdout_fd >= 0) close(s->stdout_fd);
        if (s->syslog_fd >= 0) close(s->syslog_fd);
        size_t i = 0;
        const char *k;
        void *v;
        while (hashmap_iterate(s->rate, &i, &k, &v)) {
                RateBucket *b = v;
                free(b->key);
                free(b);
        }
        hashmap_free(s->rate);
        event_source_free(s->flush_src);
        if (s->store) journal_store_close(s->store);   /* last: everything above is in it */
        free(s->store_dir);
        free(s->dgram);
        journal_creds_done(&s->cache);
        free(s->cache_unit);
        journal_creds_done(&s->self);
        free(s);
        return NULL;
}
