/* SPDX-License-Identifier: MIT */
/* The journal server's datagram sockets: DIR/socket (the native protocol, sealed memfds) and
 * DIR/dev-log (syslog). Reads are non-blocking and bounded per wake-up; what is refused is said
 * in journald 252's words (server_process_datagram(), server_process_native_file()). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "base/log.h"
#include "journal/journal-native.h"
#include "journal/journal-server-internal.h"
#include "journal/journal-syslog.h"

#define DATAGRAM_FDS_MAX 8

typedef struct Datagram {
        size_t size;
        bool truncated;                /* larger than JOURNAL_SERVER_DGRAM_MAX */
        bool control_truncated;        /* more file descriptors than we take */
        struct ucred cred;
        bool have_cred;
        usec_t realtime;
        int fds[DATAGRAM_FDS_MAX];
        size_t n_fds;
} Datagram;

static void datagram_close_fds(Datagram *d) {
        for (size_t i = 0; i < d->n_fds; i++) close(d->fds[i]);
        d->n_fds = 0;
}

static void parse_control(struct msghdr *mh, Datagram *d) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
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
                uint8_t raw[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timeval)) +
                            CMSG_SPACE(sizeof(int) * DATAGRAM_FDS_MAX)];
        } control;
        struct iovec iov = { .iov_base = s->dgram, .iov_len = s->dgram_size ? s->dgram_size - 1 : 0 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        parse_control(&mh, d);
        d->size = (size_t)n;
        d->truncated = (size_t)n >= s->dgram_size || (mh.msg_flags & MSG_TRUNC);
        d->control_truncated = mh.msg_flags & MSG_CTRUNC;
        if (!d->truncated) s->dgram[n] = 0;
        return 1;
}

void server_sender(JournalServer *s, const struct ucred *cred, const JournalCreds **ret_creds,
                   const JournalContext **ret_context) {
        *ret_creds = NULL;
        *ret_context = NULL;
        if (!cred || cred->pid <= 0) return;
        SenderCache *c = &s->sender;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (c->creds.pid != cred->pid || c->creds.uid != cred->uid || c->creds.gid != cred->gid ||
            now - c->time >= USEC_PER_SEC) {
                journal_creds_done(&c->creds);
                (void)journal_creds_read(&c->creds, NULL, cred->pid, cred->uid, cred->gid);
                JournalUnitInfo ui = {};
                bool found = s->hooks.unit_lookup && cred->pid != s->self.pid &&
                             s->hooks.unit_lookup(cred->pid, NULL, &ui, s->hooks.userdata) && ui.unit;
                (void)journal_context_set(&c->context, found ? &ui : NULL);
                c->time = now;
        }
        *ret_creds = &c->creds;
        *ret_context = &c->context;
}

/* ---- native ---- */

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

static void native_parse(JournalServer *s, NativeCtx *c, const char *buf, size_t size) {
        JournalNativeReport rep;
        (void)journal_native_parse(buf, size, on_native_entry, c, &rep);
        char text[200];
        if (journal_native_report_message(&rep, text, sizeof text) > 0)
                server_notice(s, NOTICE_NATIVE + (rep.problem - 1),
                              journal_native_report_dropped_entry(&rep) ? LOG_WARNING : LOG_NOTICE, "%s", text);
}

/* journald's words for a file that is not a sealed memfd: its path check for senders other than
 * root first; tinysd then refuses what journald would read (files in /dev/shm, /tmp, /var/tmp). */
static void refuse_unsealed(JournalServer *s, int fd, const Datagram *d) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t k = readlink(link, path, sizeof path - 1);
        path[k > 0 ? k : 0] = 0;
        static const char *const allowed[] = { "/dev/shm/", "/tmp/", "/var/tmp/" };
        const char *rest = NULL;
        for (size_t i = 0; i < ELEMENTSOF(allowed) && !rest; i++) rest = startswith(path, allowed[i]);
        struct stat st;
        bool root = d->have_cred && d->cred.uid == 0;
        if (!root && !rest)
                server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "Received file outside of allowed directories. Refusing.");
        else if (!root && strchr(rest, '/'))
                server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "Received file in subdirectory of allowed directories. Refusing.");
        else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "File passed is not regular. Ignoring.");
        else
                server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "Received file that is not a sealed memfd. Refusing.");
}

static void native_file(JournalServer *s, NativeCtx *c, const Datagram *d) {
        _cleanup_free_ void *buf = NULL;
        size_t n = 0;
        int r = journal_native_read_memfd(d->fds[0], JOURNAL_SERVER_DGRAM_MAX, &buf, &n);
        if (r == -EPERM) refuse_unsealed(s, d->fds[0], d);
        else if (r == -EBADFD) server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "File passed is not regular. Ignoring.");
        else if (r == -EFBIG)
                server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "File passed too large (%" PRIu64 " bytes). Ignoring.", (uint64_t)n);
        else if (r < 0) server_notice(s, NOTICE_NATIVE_FILE, LOG_ERR, "Failed to read passed file, ignoring: %s", strerror(-r));
        else if (n > 0) native_parse(s, c, buf, n);
}

static void handle_native(JournalServer *s, Datagram *d) {
        NativeCtx c = { .s = s, .origin = { .transport = "journal", .realtime = d->realtime } };
        server_sender(s, d->have_cred ? &d->cred : NULL, &c.origin.creds, &c.origin.context);
        if (d->control_truncated)
                server_notice(s, NOTICE_FDS, LOG_WARNING, "Got message with truncated control data (too many fds sent?), ignoring.");
        else if (d->size == 0 && d->n_fds == 1) native_file(s, &c, d);
        else if (d->n_fds > 0)
                server_notice(s, NOTICE_FDS, LOG_WARNING, "Got too many file descriptors via native socket. Ignoring.");
        else if (d->truncated)
                server_notice(s, NOTICE_OVERSIZED, LOG_WARNING, "Received datagram of %zu bytes, more than %u, ignoring.",
                              d->size, JOURNAL_SERVER_DGRAM_MAX);
        else native_parse(s, &c, s->dgram, d->size);
}

/* ---- syslog ---- */

static void handle_syslog(JournalServer *s, Datagram *d) {
        if (d->n_fds > 0 || d->control_truncated) {
                server_notice(s, NOTICE_FDS, LOG_WARNING, "Got file descriptors via syslog socket. Ignoring.");
                return;
        }
        if (d->truncated) {
                server_notice(s, NOTICE_OVERSIZED, LOG_WARNING, "Received datagram of %zu bytes, more than %u, ignoring.",
                              d->size, JOURNAL_SERVER_DGRAM_MAX);
                return;
        }
        JournalEntry e = {};
        int priority = LOG_USER | LOG_INFO;
        int r = journal_syslog_parse(s->dgram, d->size, JOURNAL_SYSLOG_RFC5424, &e, &priority);
        if (r == -EMSGSIZE)
                server_notice(s, NOTICE_OVERSIZED, LOG_WARNING, "Received syslog message of %zu bytes, more than %u, ignoring.",
                              d->size, JOURNAL_SYSLOG_SIZE_MAX);
        if (r < 0) return;
        JournalOrigin o = { .transport = "syslog", .realtime = d->realtime, .syslog_raw = s->dgram, .syslog_raw_len = d->size };
        server_sender(s, d->have_cred ? &d->cred : NULL, &o.creds, &o.context);
        (void)journal_server_dispatch(s, &e, priority, &o);
}

void server_read_datagrams(JournalServer *s, int fd, bool native) {
        for (unsigned i = 0; i < JOURNAL_SERVER_READS_PER_WAKEUP; i++) {
                Datagram d;
                if (receive(s, fd, &d) <= 0) return;
                if (native) handle_native(s, &d);
                else handle_syslog(s, &d);
                datagram_close_fds(&d);
        }
}

int server_on_native(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)revents;
        server_read_datagrams(userdata, fd, true);
        return 0;
}

int server_on_syslog(EventSource *src, int fd, uint32_t revents, void *userdata) {
        (void)src; (void)revents;
        server_read_datagrams(userdata, fd, false);
        return 0;
}
