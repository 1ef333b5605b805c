/* SPDX-License-Identifier: MIT */
/* PID 1's journal server: every entry is checked against its sender's settings, copied to syslog
 * and the like, stamped with journald's trusted fields, appended to the store and formatted for
 * stdout; the stdout lines go to the sink after the store's write. See journal-server.h. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "base/log.h"
#include "base/machine-id.h"
#include "base/strv.h"
#include "journal/journal-server-internal.h"

/* systemd's catalog id of the messages about dropped entries */
#define MESSAGE_ID_JOURNAL_DROPPED "a596d6fe7bfa4994828e72309e95d61e"
/* the longest stream line stored whole: an entry's bound less room for its other fields */
#define LINE_MAX_STORED (JOURNAL_ENTRY_SIZE_MAX - 64U * 1024U)
/* room for one formatted line in the stdout batch (the formatter cuts a message to fit) */
#define FORWARD_LINE_MAX (JOURNAL_FORWARD_BUF_MIN * 4)

/* ---- the store, and the stdout lines after it ---- */

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

void server_schedule_flush(JournalServer *s) {
        if (s->flush_src) event_source_set_enabled(s->flush_src, true);
        else journal_server_flush(s);   /* without a loop: at once */
}

void journal_server_flush(JournalServer *s) {
        if (!s) return;
        if (s->flush_src) event_source_set_enabled(s->flush_src, false);
        journal_relay_tick(s->relay);   /* first: what it says is in this batch */
        if (s->store && journal_store_pending(s->store)) store_result(s, journal_store_flush(s->store));
        /* after the store's write: a line seen on stdout is in the journal file already */
        if (s->forward.len > 0) {
                bool stored = !s->forward_unstored && s->store && !s->store_failing;
                if (s->hooks.sink) s->hooks.sink(s->forward.s, s->forward.len, stored, s->hooks.userdata);
                s->forward.len = 0;
                s->forward_unstored = false;
        }
}

static int on_flush(EventSource *src, void *userdata) {
        (void)src;
        journal_server_flush(userdata);
        return 0;
}

/* The last n_shared fields of e are the server's trusted fields: the same for every line of a
 * stream, so the store keeps them once per file. Returns whether the entry is in the batch. */
static bool store_entry(JournalServer *s, const JournalEntry *e, size_t n_shared, usec_t realtime) {
        if (!s->store || e->n_fields == 0) return false;
        struct iovec iov_small[32], *iov = e->n_fields <= ELEMENTSOF(iov_small) ? iov_small : calloc(e->n_fields, sizeof *iov);
        int r = iov ? journal_entry_to_iovec(e, iov, e->n_fields) : -ENOMEM;
        if (r >= 0)
                r = journal_store_append_shared(s->store, iov, e->n_fields, n_shared, realtime, now_usec(CLOCK_MONOTONIC),
                                                s->boot_id);
        if (iov != iov_small) free(iov);
        if (r == -E2BIG || r == -EINVAL) {
                /* this entry only: the store is fine */
                server_notice(s, NOTICE_WRITE, LOG_ERR, "Failed to write entry (%zu items, %zu bytes), ignoring: %s",
                              e->n_fields, e->size, strerror(-r));
                return false;
        }
        if (r >= 0 && journal_store_pending(s->store)) server_schedule_flush(s);
        store_result(s, r);
        return r >= 0;
}

/* Append one formatted line (pieces of at most half the line buffer each: nothing is cut) */
static void forward_message(JournalServer *s, const JournalForwardMessage *proto, bool stored) {
        if (!s->hooks.sink || s->output.format == JOURNAL_FORWARD_OFF) return;
        if (!s->forward.s) {
                if (!(s->forward.s = malloc(JOURNAL_SERVER_FORWARD_BATCH + FORWARD_LINE_MAX))) return;
                s->forward.cap = JOURNAL_SERVER_FORWARD_BATCH + FORWARD_LINE_MAX;
        }
        JournalForwardMessage msg = *proto;
        const char *p = proto->message;
        size_t left = proto->message_len;
        do {
                if (s->forward.len >= JOURNAL_SERVER_FORWARD_BATCH) journal_server_flush(s);
                msg.message = p;
                msg.message_len = left > FORWARD_LINE_MAX / 2 ? FORWARD_LINE_MAX / 2 : left;
                ssize_t n = journal_forward_format(s->output.format, &msg, s->forward.s + s->forward.len, FORWARD_LINE_MAX);
                if (n > 0) {
                        s->forward.len += (size_t)n;
                        s->forward_unstored |= !stored;
                }
                p += msg.message_len;
                left -= msg.message_len;
        } while (left > 0);
        server_schedule_flush(s);
}

/* ---- the server's own messages ---- */

void server_driver_message(JournalServer *s, int priority, const char *message_id, const char *text) {
        JournalEntry e = {};
        char p[8];
        snprintf(p, sizeof p, "%d", priority & 7);
        int r = journal_entry_add_string(&e, "PRIORITY", p);
        if (r >= 0) r = journal_entry_add_string(&e, "SYSLOG_FACILITY", "3");
        if (r >= 0) r = journal_entry_add_string(&e, "SYSLOG_IDENTIFIER", "systemd-journald");
        if (r >= 0 && message_id) r = journal_entry_add_string(&e, "MESSAGE_ID", message_id);
        if (r >= 0) r = journal_entry_add_string(&e, "MESSAGE", text);
        if (r < 0) {
                journal_entry_done(&e);
                return;
        }
        JournalOrigin o = { .transport = "driver", .manager = true, .creds = &s->self };
        (void)journal_server_dispatch(s, &e, LOG_DAEMON | (priority & 7), &o);
}

static void relay_say(int priority, const char *message_id, const char *text, void *userdata) {
        server_driver_message(userdata, priority, message_id, text);
}

static void notice_say(JournalServer *s, Notice *n) {
        char text[sizeof n->last + 64];
        if (n->dropped > 1)
                snprintf(text, sizeof text, "%s (Dropped %u similar message(s))", n->last, n->dropped - 1);
        else
                snprintf(text, sizeof text, "%s", n->last);
        n->said = now_usec(CLOCK_MONOTONIC);
        n->dropped = 0;
        s->in_notice = true;
        server_driver_message(s, n->priority, NULL, text);
        s->in_notice = false;
}

static void arm_notice_timer(JournalServer *s) {
        usec_t when = USEC_INFINITY;
        for (size_t i = 0; i < _NOTICE_MAX; i++)
                if (s->notices[i].dropped > 0 && s->notices[i].said + JOURNAL_SERVER_NOTICE_INTERVAL < when)
                        when = s->notices[i].said + JOURNAL_SERVER_NOTICE_INTERVAL;
        if (s->notice_timer) event_source_set_time(s->notice_timer, when);
}

static int on_notice_timer(EventSource *src, usec_t now, void *userdata) {
        (void)src;
        JournalServer *s = userdata;
        for (size_t i = 0; i < _NOTICE_MAX; i++)
                if (s->notices[i].dropped > 0 && now >= s->notices[i].said + JOURNAL_SERVER_NOTICE_INTERVAL)
                        notice_say(s, &s->notices[i]);
        arm_notice_timer(s);
        return 0;
}

void server_notice(JournalServer *s, NoticeKind kind, int priority, const char *fmt, ...) {
        if (s->in_notice) return;   /* a notice about writing a notice */
        Notice *n = &s->notices[kind];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(n->last, sizeof n->last, fmt, ap);
        va_end(ap);
        n->priority = priority;
        n->dropped++;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (n->said == 0 || now >= n->said + JOURNAL_SERVER_NOTICE_INTERVAL) notice_say(s, n);
        else arm_notice_timer(s);
}

/* ---- rate limiting ---- */

static void emit_suppressed(JournalServer *s, const char *key, unsigned n) {
        char text[512];
        snprintf(text, sizeof text, "Suppressed %u messages from %s", n, isempty(key) ? "processes without a unit" : key);
        server_driver_message(s, LOG_WARNING, MESSAGE_ID_JOURNAL_DROPPED, text);
}

/* journald's per-source limit (tinysd: per unit, one fixed window, no priority scaling). */
static bool ratelimit_pass(JournalServer *s, const JournalContext *c) {
        usec_t interval = s->config.ratelimit_interval;
        unsigned burst = s->config.ratelimit_burst;
        if (c && (c->ratelimit_interval > 0 || c->ratelimit_burst > 0)) {
                interval = c->ratelimit_interval ? c->ratelimit_interval : interval ? interval : JOURNALD_RATELIMIT_INTERVAL_DEFAULT;
                burst = c->ratelimit_burst ? c->ratelimit_burst : burst ? burst : JOURNALD_RATELIMIT_BURST_DEFAULT;
        }
        if (interval == 0 || burst == 0) return true;
        const char *key = c && c->unit ? c->unit : "";
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

static int add_trusted(JournalEntry *e, const char *name, const char *value) {
        return value && value[0] ? journal_entry_add_trusted(e, name, value, strlen(value)) : 0;
}

static int add_server_fields(JournalServer *s, JournalEntry *e, const JournalOrigin *o, const JournalContext *c) {
        int r = journal_creds_add_fields(o->creds, e);
        if (r >= 0 && c->unit) r = add_trusted(e, "_SYSTEMD_UNIT", c->unit);
        if (r >= 0 && c->unit) r = add_trusted(e, "_SYSTEMD_INVOCATION_ID", c->invocation_id);
        if (r >= 0) r = add_trusted(e, "_TRANSPORT", o->transport);
        if (r >= 0) r = add_trusted(e, "_STREAM_ID", o->stream_id);
        if (r >= 0) r = add_trusted(e, "_BOOT_ID", s->boot_id_str);
        if (r >= 0) r = add_trusted(e, "_MACHINE_ID", s->machine_id);
        if (r >= 0) r = add_trusted(e, "_HOSTNAME", hostname(s));
        return r;
}

static void relay(JournalServer *s, const JournalEntry *e, int priority, const JournalOrigin *o) {
        if (!journal_relay_wanted(s->relay, priority, o->relay)) return;
        size_t len = 0;
        const char *message = journal_entry_get(e, "MESSAGE", &len);
        JournalRelayMessage m = {
                .priority = priority, .creds = o->creds, .realtime = o->realtime, .raw = o->syslog_raw,
                .raw_len = o->syslog_raw_len, .flags = o->relay,
                .identifier = journal_entry_get(e, "SYSLOG_IDENTIFIER", NULL), .message = message, .message_len = len,
        };
        journal_relay_message(s->relay, &m);
}

int journal_server_dispatch(JournalServer *s, JournalEntry *e, int priority, const JournalOrigin *o) {
        static const JournalContext none = { .log_level_max = -1, .forward = true };
        const JournalContext *c = o->context ? o->context : &none;
        bool driver = streq_ptr(o->transport, "driver");
        int r = 0;
        /* LogLevelMax=: the one place it is checked */
        if (c->log_level_max >= 0 && (priority & 7) > c->log_level_max) goto done;
        /* journald copies before its rate limit; not its own messages */
        if (!driver) relay(s, e, priority, o);
        /* the manager's own messages and the server's are never rate limited */
        if (!o->manager && !ratelimit_pass(s, o->context)) goto done;
        STRV_FOREACH(f, c->extra_fields) (void)journal_entry_add_pair(e, *f, strlen(*f), false);
        size_t n_own = e->n_fields;
        if ((r = add_server_fields(s, e, o, c)) < 0) goto done;
        usec_t realtime = o->realtime ? o->realtime : now_usec(CLOCK_REALTIME);
        bool stored = (priority & 7) <= s->config.max_level_store && store_entry(s, e, e->n_fields - n_own, realtime);
        size_t len = 0;
        const char *message = journal_entry_get(e, "MESSAGE", &len);
        /* quiet: of PID 1's own lines only warnings and failures (status lines of success are info) */
        bool quiet = s->output.quiet && o->manager && (priority & 7) > LOG_WARNING;
        if (!o->no_forward && c->forward && message && !quiet) {
                /* PID 1's lines are "tinysd[1]:" on stdout (in the journal systemd's identifiers) */
                JournalForwardMessage m = {
                        .unit = o->manager ? NULL : c->unit, .object_unit = o->object_unit,
                        .identifier = o->manager ? "tinysd" : journal_entry_get(e, "SYSLOG_IDENTIFIER", NULL),
                        .pid = o->creds ? o->creds->pid : 0,
                        .priority = priority, .timestamp_usec = realtime, .message = message, .message_len = len,
                        .status = o->status, .color = s->output.color,
                };
                forward_message(s, &m, stored);
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
        if (r >= 0 && journal_line_break_to_string(lb)) r = add_trusted(&e, "_LINE_BREAK", journal_line_break_to_string(lb));
        if (r >= 0) r = journal_entry_add(&e, "MESSAGE", line, len);
        if (r < 0) {
                journal_entry_done(&e);
                return r;
        }
        return journal_server_dispatch(s, &e, priority, o);
}

int journal_server_log_manager(JournalServer *s, int priority, const char *unit, const char *message_id,
                               JournalForwardStatus status, const char *message, bool forward) {
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
        JournalOrigin o = { .transport = "journal", .manager = true, .creds = &s->self, .no_forward = !forward,
                            .status = status, .object_unit = unit };
        return journal_server_dispatch(s, &e, LOG_DAEMON | (priority & 7), &o);
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
        if (r >= 0 && cb && (r = event_add_io(s->event, io, *fd, EPOLLIN, cb, s)) < 0) {
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
        (void)journal_relay_set_dir(s->relay, dir);
        int n = open_one(s, dir, "socket", SOCK_DGRAM, &s->native_fd, &s->native_io, server_on_native);
        if (open_one(s, dir, "stdout", SOCK_STREAM, &s->stdout_fd, NULL, NULL)) {
                if (server_streams_open(s, s->stdout_fd) >= 0) n++;
                else {
                        close(s->stdout_fd);
                        s->stdout_fd = -1;
                }
        }
        int k = open_one(s, dir, "dev-log", SOCK_DGRAM, &s->syslog_fd, &s->syslog_io, server_on_syslog);
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

/* journald's 4,096 streams, but never more than half of PID 1's open files: the rest is for
 * what PID 1 itself must open (unit files, services' streams, sockets) */
static unsigned streams_max(void) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY) return JOURNAL_SERVER_STREAMS_MAX;
        rlim_t half = rl.rlim_cur / 2;
        return half < JOURNAL_SERVER_STREAMS_MAX ? (unsigned)half : JOURNAL_SERVER_STREAMS_MAX;
}

int journal_server_new(EventLoop *e, const JournaldConfig *config, const JournalServerOutput *output,
                       const JournalServerHooks *hooks, JournalServer **ret) {
        JournalServer *s = calloc(1, sizeof *s);
        if (!s) return -ENOMEM;
        s->event = e;
        s->config = *config;
        s->output = *output;
        s->hooks = *hooks;
        s->native_fd = s->stdout_fd = s->syslog_fd = -1;
        s->streams_max = streams_max();
        if (s->config.line_max > LINE_MAX_STORED) {
                /* a longer line could not be one entry: split it instead of dropping it */
                log_notice("LineMax=%zu is more than one journal entry holds here, using %u.", s->config.line_max,
                           LINE_MAX_STORED);
                s->config.line_max = LINE_MAX_STORED;
        }
        s->sender.context = JOURNAL_CONTEXT_NONE;
        int r = -ENOMEM;
        if (!(s->rate = hashmap_new()) || (r = journal_relay_new(config, relay_say, s, &s->relay)) < 0) goto fail;
        if (e && (r = event_add_defer(e, &s->flush_src, on_flush, s)) < 0) goto fail;
        if (e && (r = event_add_time(e, &s->notice_timer, USEC_INFINITY, on_notice_timer, s)) < 0) goto fail;
        if (s->flush_src) event_source_set_enabled(s->flush_src, false);
        read_boot_id(s);
        if (machine_id_read(NULL, s->machine_id) < 0)
                id128_random_string(s->machine_id);   /* PID 1 could not write /run/machine-id */
        (void)journal_creds_read(&s->self, NULL, getpid(), getuid(), getgid());
        *ret = s;
        return 0;
fail:
        journal_server_free(s);
        return r;
}

void journal_server_drain(JournalServer *s) {
        if (!s) return;
        if (s->native_fd >= 0) server_read_datagrams(s, s->native_fd, true);
        if (s->syslog_fd >= 0) server_read_datagrams(s, s->syslog_fd, false);
        server_streams_drain(s);
        journal_server_flush(s);
}

JournalServer *journal_server_free(JournalServer *s) {
        if (!s) return NULL;
        server_streams_free(s);   /* reads what they still hold */
        event_source_free(s->native_io);
        event_source_free(s->syslog_io);
        if (s->native_fd >= 0) close(s->native_fd);
        if (s->stdout_fd >= 0) close(s->stdout_fd);
        if (s->syslog_fd >= 0) close(s->syslog_fd);
        /* what was counted and not yet said */
        for (size_t i = 0; i < _NOTICE_MAX; i++)
                if (s->notices[i].dropped > 0) notice_say(s, &s->notices[i]);
        size_t i = 0;
        const char *k;
        void *v;
        while (s->rate && hashmap_iterate(s->rate, &i, &k, &v)) {
                RateBucket *b = v;
                if (b->suppressed > 0) emit_suppressed(s, b->key, b->suppressed);
                free(b->key);
                free(b);
        }
        hashmap_free(s->rate);
        s->rate = NULL;
        journal_server_flush(s);
        event_source_free(s->notice_timer);
        event_source_free(s->flush_src);
        if (s->store) journal_store_close(s->store);   /* last: everything above is in it */
        free(s->store_dir);
        free(s->dgram);
        free(s->forward.s);
        journal_creds_done(&s->sender.creds);
        journal_context_done(&s->sender.context);
        journal_creds_done(&s->self);
        journal_relay_free(s->relay);
        free(s);
        return NULL;
}
