/* SPDX-License-Identifier: MIT */
/* The journal server's stdout streams, one reader for both kinds:
 *
 *   - clients of DIR/stdout (systemd-cat, sd_journal_stream_fd()): accepted up to the limit,
 *     their 7-line header read first; their unit is the connecting process's (or, for uid 0, the
 *     one the header names), looked up again when another process writes to the stream;
 *   - services' stdout/stderr (journal_server_add_stream()): a socketpair PID 1 made before the
 *     spawn, the header already known, the unit's settings copied then.
 *
 * Every stream has SO_PASSCRED: each read carries its writer's credentials (the kernel never
 * merges data of two writers into one read), so a line is credited to the process that wrote it,
 * and a writer change ends a partial line (_LINE_BREAK=pid-change), as in journald. */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "base/log.h"
#include "journal/journal-server-internal.h"

#define STREAM_READ_ROUNDS 16
#define STREAM_READ_SIZE 16384U
#define ACCEPT_RETRY_USEC (250 * USEC_PER_MSEC)

struct ServerStream {
        JournalServer *server;
        int fd;
        EventSource *io;
        JournalStream js;
        bool client;                   /* accepted on DIR/stdout: counted; its unit follows its writer */
        bool header_unit;              /* the unit came from the header: it stays */
        JournalCreds writer;           /* the last writer's credentials and /proc data */
        JournalCreds previous;         /* the one before: a shell and its command take turns */
        JournalContext context;        /* its unit and the unit's log settings (copies) */
        size_t accounted;              /* its line buffer's bytes as counted in the server's stream_buffers */
        char id[33];
        ServerStream *prev, *next;
};

/* The server's count of line-buffer bytes follows this stream's buffer. */
static void account(ServerStream *t) {
        t->server->stream_buffers += t->js.cap;
        t->server->stream_buffers -= t->accounted;
        t->accounted = t->js.cap;
}

static void resume_accepting(JournalServer *s) {
        if (!s->accept_paused) return;
        s->accept_paused = false;
        event_source_set_time(s->accept_retry, USEC_INFINITY);
        event_source_set_io_events(s->stdout_io, EPOLLIN);
}

static void stream_free(ServerStream *t) {
        JournalServer *s = t->server;
        if (t->prev) t->prev->next = t->next;
        else s->streams = t->next;
        if (t->next) t->next->prev = t->prev;
        if (t->client) {
                s->n_clients--;
                resume_accepting(s);   /* a file descriptor is free again */
        }
        event_source_free(t->io);
        s->stream_buffers -= t->accounted;
        journal_stream_done(&t->js);
        journal_creds_done(&t->writer);
        journal_creds_done(&t->previous);
        journal_context_done(&t->context);
        if (t->fd >= 0) close(t->fd);
        free(t);
}

unsigned journal_server_n_streams(const JournalServer *s, unsigned *ret_clients, size_t *ret_pending) {
        unsigned n = 0;
        for (ServerStream *t = s ? s->streams : NULL; t; t = t->next) n++;
        if (ret_clients) *ret_clients = s ? s->n_clients : 0;
        if (ret_pending) *ret_pending = s ? s->stream_buffers : 0;
        return n;
}

static void resolve_context(ServerStream *t, pid_t pid, const char *name) {
        JournalServer *s = t->server;
        JournalUnitInfo ui = {};
        bool found = s->hooks.unit_lookup && (name || (pid > 0 && pid != s->self.pid)) &&
                     s->hooks.unit_lookup(pid, name, &ui, s->hooks.userdata) && ui.unit;
        (void)journal_context_set(&t->context, found ? &ui : NULL);
}

static int on_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        ServerStream *t = userdata;
        JournalStreamHeader *h = &t->js.header;
        if (t->client && !t->header_unit && h->unit_id) {
                /* a root client named its unit in the header (systemd does for services) */
                t->header_unit = true;
                resolve_context(t, 0, h->unit_id);
        }
        JournalOrigin o = {
                .transport = "stdout", .creds = &t->writer, .context = &t->context, .stream_id = t->id,
                .relay = (h->forward_to_syslog ? JOURNAL_RELAY_SYSLOG : 0) | (h->forward_to_kmsg ? JOURNAL_RELAY_KMSG : 0) |
                         (h->forward_to_console ? JOURNAL_RELAY_CONSOLE : 0),
        };
        (void)journal_server_stream_line(t->server, &o, h->identifier, line, len, priority, lb);
        return 0;
}

/* Another process writes now: what the last one left unterminated is its line, then the new
 * writer's credentials (and, for a client, its unit). */
static void writer_changed(ServerStream *t, const struct ucred *u) {
        (void)journal_stream_pid_change(&t->js);
        JournalCreds last = t->writer;
        if (t->previous.pid == u->pid && t->previous.uid == u->uid && t->previous.gid == u->gid)
                t->writer = t->previous;   /* its /proc data was read while it still ran */
        else {
                journal_creds_done(&t->previous);
                (void)journal_creds_read(&t->writer, NULL, u->pid, u->uid, u->gid);
        }
        t->previous = last;
        if (t->client && !t->header_unit) resolve_context(t, u->pid, NULL);
}

static void stream_refused(ServerStream *t) {
        char text[160];
        if (journal_stream_error_message(&t->js, text, sizeof text) > 0)
                server_notice(t->server, NOTICE_STREAM_HEADER, LOG_WARNING, "%s", text);
        stream_free(t);
}

/* Read what is there, bounded; false when the stream ended and was freed. */
static bool stream_read(ServerStream *t) {
        char buf[STREAM_READ_SIZE];
        for (int round = 0; round < STREAM_READ_ROUNDS; round++) {
                union {
                        struct cmsghdr h;
                        uint8_t raw[CMSG_SPACE(sizeof(struct ucred))];
                } control;
                struct iovec iov = { buf, sizeof buf };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
                ssize_t n = recvmsg(t->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
                if (n < 0) server_notice(t->server, NOTICE_STREAM_READ, LOG_WARNING, "Failed to read from stream: %s", strerror(errno));
                if (n <= 0) {
                        if (journal_stream_end(&t->js) == -EBADMSG) stream_refused(t);
                        else stream_free(t);
                        return false;
                }
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
                    c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
                        struct ucred u;
                        memcpy(&u, CMSG_DATA(c), sizeof u);
                        if (u.pid != t->writer.pid || u.uid != t->writer.uid || u.gid != t->writer.gid) writer_changed(t, &u);
                }
                int r = journal_stream_feed(&t->js, buf, (size_t)n);
                account(t);
                if (r < 0) {
                        stream_refused(t);   /* a broken header: journald closes the stream */
                        return false;
                }
                if (t->server->stream_buffers > JOURNAL_SERVER_STREAM_BUFFERS_MAX) {
                        /* PID 1's memory: this stream's partial line goes now, split */
                        (void)journal_stream_cut(&t->js);
                        account(t);
                }
        }
        return true;
}

static int on_stream(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)fd; (void)revents;
        (void)stream_read(userdata);
        return 0;
}

static ServerStream *stream_new(JournalServer *s, int fd, bool client) {
        ServerStream *t = calloc(1, sizeof *t);
        if (!t) return NULL;
        t->server = s;
        t->fd = fd;
        t->client = client;
        t->context = JOURNAL_CONTEXT_NONE;
        id128_random_string(t->id);
        int one = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
        return t;
}

static int stream_start(ServerStream *t) {
        JournalServer *s = t->server;
        int r = event_add_io(s->event, &t->io, t->fd, EPOLLIN, on_stream, t);
        if (r < 0) return r;
        t->next = s->streams;
        if (s->streams) s->streams->prev = t;
        s->streams = t;
        if (t->client) s->n_clients++;
        return 0;
}

static void stream_discard(ServerStream *t) {
        journal_stream_done(&t->js);
        journal_creds_done(&t->writer);
        journal_creds_done(&t->previous);
        journal_context_done(&t->context);
        free(t);
}

int journal_server_add_stream(JournalServer *s, const JournalStreamSettings *settings, int *ret_fd) {
        int sv[2];
        if (!s || !s->event) return -ENOTCONN;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
        (void)shutdown(sv[0], SHUT_WR);
        (void)shutdown(sv[1], SHUT_RD);
        (void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
        ServerStream *t = stream_new(s, sv[0], false);
        JournalStreamHeader h = {
                .identifier = (char *)settings->identifier, .unit_id = settings->unit ? (char *)settings->unit->unit : NULL,
                .priority = settings->priority, .level_prefix = settings->level_prefix,
                .forward_to_syslog = settings->relay & JOURNAL_RELAY_SYSLOG,
                .forward_to_kmsg = settings->relay & JOURNAL_RELAY_KMSG,
                .forward_to_console = settings->relay & JOURNAL_RELAY_CONSOLE,
        };
        int r = t ? 0 : -ENOMEM;
        if (r >= 0) r = journal_context_set(&t->context, settings->unit);
        if (r >= 0) r = journal_stream_init(&t->js, s->config.line_max, &h, true, on_line, t);
        if (r >= 0) r = stream_start(t);
        if (r < 0) {
                if (t) stream_discard(t);
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        *ret_fd = sv[1];
        return 0;
}

/* ---- DIR/stdout ---- */

static unsigned client_limit(const JournalServer *s, uid_t uid) {
        if (uid == 0) return s->streams_max;
        /* the last ones are root's: an unprivileged user holding every connection does not lock root out */
        return s->streams_max > 2 * JOURNAL_SERVER_STREAMS_ROOT_RESERVE ? s->streams_max - JOURNAL_SERVER_STREAMS_ROOT_RESERVE
                                                                        : s->streams_max / 2;
}

static void accept_stream(JournalServer *s, int cfd) {
        struct ucred cred = {};
        socklen_t l = sizeof cred;
        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &l) < 0) cred = (struct ucred) { .uid = (uid_t)-1 };
        if (s->n_clients >= client_limit(s, cred.uid)) {
                /* closed first: the client learns at once */
                close(cfd);
                server_notice(s, NOTICE_STREAMS_MAX, LOG_WARNING, "Too many stdout streams, refusing connection.");
                return;
        }
        ServerStream *t = stream_new(s, cfd, true);
        if (!t) {
                close(cfd);
                return;
        }
        (void)journal_creds_read(&t->writer, NULL, cred.pid, cred.uid, cred.gid);
        resolve_context(t, cred.pid, NULL);
        int r = journal_stream_init(&t->js, s->config.line_max, NULL, cred.uid == 0, on_line, t);
        if (r >= 0) r = stream_start(t);
        if (r < 0) {
                stream_discard(t);
                close(cfd);
                return;
        }
        (void)shutdown(cfd, SHUT_WR);
}

static int on_accept_retry(EventSource *src, usec_t now, void *userdata) {
        (void)src; (void)now;
        resume_accepting(userdata);
        return 0;
}

/* No file descriptor left for a connection: stop accepting for a while (the listening socket
 * would wake the loop at once again) or until a stream closes. */
static void pause_accepting(JournalServer *s) {
        if (!s->accept_retry && event_add_time(s->event, &s->accept_retry, USEC_INFINITY, on_accept_retry, s) < 0) return;
        s->accept_paused = true;
        event_source_set_io_events(s->stdout_io, 0);
        event_source_set_time(s->accept_retry, now_usec(CLOCK_MONOTONIC) + ACCEPT_RETRY_USEC);
}

static int on_listen(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)revents;
        JournalServer *s = userdata;
        for (unsigned i = 0; i < JOURNAL_SERVER_READS_PER_WAKEUP; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd >= 0) {
                        accept_stream(s, cfd);
                        continue;
                }
                if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return 0;
                server_notice(s, NOTICE_STREAM_ACCEPT, LOG_ERR, "Failed to accept stdout connection: %s", strerror(errno));
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) pause_accepting(s);
                return 0;
        }
        return 0;
}

int server_streams_open(JournalServer *s, int listen_fd) {
        if (!s->event) return -ENOTCONN;
        return event_add_io(s->event, &s->stdout_io, listen_fd, EPOLLIN, on_listen, s);
}

void server_streams_drain(JournalServer *s) {
        for (ServerStream *t = s->streams, *next; t; t = next) {
                next = t->next;
                (void)stream_read(t);
        }
}

void server_streams_free(JournalServer *s) {
        event_source_free(s->stdout_io);
        event_source_free(s->accept_retry);
        s->stdout_io = s->accept_retry = NULL;
        while (s->streams) {
                ServerStream *t = s->streams;
                /* a writer may still hold it (an escaped process): read what is there, then stop */
                if (stream_read(t)) {
                        (void)journal_stream_end(&t->js);
                        stream_free(t);
                }
        }
}
