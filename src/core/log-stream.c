/* SPDX-License-Identifier: MIT */
/* Service output through PID 1: each spawned process whose stdout/stderr goes to the journal
 * (systemd's default) writes into one end of a socketpair; PID 1 reads the other end in its
 * loop, splits lines as journald does (journal-stream.c: <N> prefixes, long lines split, never
 * dropped), and forwards each line to the container's stdout named `unit[pid]: message` (or JSON
 * lines, TINYSD_LOG_FORMAT=json). The stream outlives the process: whatever it or its children
 * write while stopping is still read, and at exit every stream is drained. Each line is also an
 * entry of the journal (_TRANSPORT=stdout) through the journal server, which forwards it. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "base/log.h"
#include "core/console.h"
#include "core/log-stream.h"
#include "core/manager.h"
#include "core/munit.h"
#include "journal/journal-forward.h"
#include "journal/journal-server.h"
#include "journal/journal-stream.h"

struct LogStream {
        Manager *m;
        char *unit;
        pid_t pid;
        uid_t uid;                 /* what the service runs as (User=/Group=, or PID 1's) */
        gid_t gid;
        int fd;
        int log_level_max;
        EventSource *io;
        JournalStream js;
        JournalCreds creds;        /* of pid, read at its first line */
        char stream_id[33];
        LogStream *next;
};

static void stream_free(LogStream *s) {
        Manager *m = s->m;
        for (LogStream **p = &m->log_streams; *p; p = &(*p)->next)
                if (*p == s) {
                        *p = s->next;
                        break;
                }
        event_source_free(s->io);
        journal_stream_done(&s->js);
        journal_creds_done(&s->creds);
        if (s->fd >= 0) close(s->fd);
        free(s->unit);
        free(s);
}

/* The writer's credentials. _UID=/_GID= are the ids the service was started as, as journald
 * sees them (systemd connects a service's stream as its User=/Group=), known even when the
 * process has exited and been reaped before its first line is read; _COMM= and friends come from
 * /proc while the process is there. */
static const JournalCreds *stream_creds(LogStream *s) {
        if (s->pid <= 0) return NULL;
        if (s->creds.pid != s->pid) {
                journal_creds_done(&s->creds);
                (void)journal_creds_read(&s->creds, NULL, s->pid, s->uid, s->gid);
        }
        return &s->creds;
}

static int on_line(const char *line, size_t len, int priority, JournalLineBreak lb, void *userdata) {
        LogStream *s = userdata;
        if (s->log_level_max >= 0 && (priority & 7) > s->log_level_max) return 0;
        if (s->m->journal) {
                JournalOrigin o = { .transport = "stdout", .creds = stream_creds(s), .unit = s->unit, .stream_id = s->stream_id };
                return journal_server_stream_line(s->m->journal, &o, s->js.header.identifier, line, len, priority, lb), 0;
        }
        if (s->m->log_format == JOURNAL_FORWARD_OFF) return 0;
        /* the forwarder cuts what does not fit its buffer; a line longer than that goes out in
         * pieces, each a line of its own, so nothing is dropped */
        char buf[JOURNAL_FORWARD_BUF_MIN * 4];
        const size_t piece = sizeof buf / 2;
        usec_t ts = now_usec(CLOCK_REALTIME);
        do {
                size_t k = len > piece ? piece : len;
                JournalForwardMessage msg = {
                        .unit = s->unit, .identifier = s->js.header.identifier, .pid = s->pid, .priority = priority,
                        .timestamp_usec = ts, .message = line, .message_len = k,
                };
                ssize_t n = journal_forward_format((JournalForwardFormat)s->m->log_format, &msg, buf, sizeof buf);
                if (n > 0) console_write(buf, (size_t)n);
                line += k;
                len -= k;
        } while (len > 0);
        return 0;
}

/* Read what is there; false when the stream is finished (EOF or error) and was freed. */
static bool stream_read(LogStream *s) {
        char buf[16384];
        for (int rounds = 0; rounds < 16; rounds++) {   /* bounded: one flooding service cannot starve the loop */
                ssize_t n = read(s->fd, buf, sizeof buf);
                if (n > 0) {
                        (void)journal_stream_feed(&s->js, buf, (size_t)n);
                        continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
                (void)journal_stream_end(&s->js);
                stream_free(s);
                return false;
        }
        return true;
}

static int on_readable(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src;
        (void)fd;
        (void)revents;
        (void)stream_read(userdata);
        return 0;
}

int log_stream_new(MUnit *u, const char *path, int *ret_fd, LogStream **ret) {
        const ExecContext *ec = unit_exec_context(u->cfg);
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
        (void)shutdown(sv[0], SHUT_WR);
        (void)shutdown(sv[1], SHUT_RD);
        (void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
        LogStream *s = calloc(1, sizeof *s);
        if (!s) {
                close(sv[0]);
                close(sv[1]);
                return -ENOMEM;
        }
        s->m = u->m;
        s->fd = sv[0];
        s->log_level_max = ec ? ec->log_level_max : -1;
        s->unit = strdup(u->id);
        id128_random_string(s->stream_id);
        const char *slash = path ? strrchr(path, '/') : NULL;
        JournalStreamHeader h = {
                .identifier = (char *)(ec && ec->syslog_identifier ? ec->syslog_identifier : slash ? slash + 1 : path ? path : u->id),
                .unit_id = u->id,
                .priority = ec ? ec->syslog_priority : LOG_DAEMON | LOG_INFO,
                .level_prefix = ec ? ec->syslog_level_prefix : true,
        };
        int r = s->unit ? journal_stream_init(&s->js, 0, &h, true, on_line, s) : -ENOMEM;
        if (r >= 0) r = event_add_io(u->m->event, &s->io, s->fd, EPOLLIN, on_readable, s);
        if (r < 0) {
                s->next = NULL;
                journal_stream_done(&s->js);
                close(s->fd);
                free(s->unit);
                free(s);
                close(sv[1]);
                return r;
        }
        s->next = u->m->log_streams;
        u->m->log_streams = s;
        *ret_fd = sv[1];
        *ret = s;
        return 0;
}

void log_stream_set_pid(LogStream *s, pid_t pid, uid_t uid, gid_t gid) {
        if (!s) return;
        s->pid = pid;
        s->uid = uid;
        s->gid = gid;
}

void manager_log_streams_drain(Manager *m) {
        while (m->log_streams) {
                LogStream *s = m->log_streams;
                /* a writer may still hold it (an escaped process): read what is there, then stop */
                if (stream_read(s)) {
                        (void)journal_stream_end(&s->js);
                        stream_free(s);
                }
        }
}
