/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <time.h>
#include "base/util.h"
#include "bus/bus-conn.h"
#include "bus/bus-sasl.h"

#define READ_CHUNK (64U * 1024U)
#define READS_PER_CALL 16             /* bounded work per on_readable() */
#define SCM_FDS_MAX 253               /* the kernel's SCM_MAX_FD */
#define BUS_CONN_IN_MESSAGES_CLIENT 4096U

typedef struct OutItem {
        uint8_t *data;
        size_t size, off;
        int *fds;
        size_t n_fds;
} OutItem;

struct BusConn {
        int fd;
        bool server, ready, can_fds;
        int error;
        struct ucred peer;
        BusConnLimits lim;
        BusSaslServer sasl;
        BusSaslClient csasl;
        uint8_t *rbuf;
        size_t rlen, ralloc;
        int *rfds;                    /* received, not yet given to a message */
        size_t n_rfds;
        OutItem *wq;
        size_t wq_head, n_wq, wq_alloc, out_bytes;
        BusMessage **rq;
        size_t rq_head, n_rq, rq_alloc;
        uint32_t serial;
};

static void close_many(int *fds, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

static void out_item_done(OutItem *it) {
        free(it->data);
        close_many(it->fds, it->n_fds);
        free(it->fds);
        *it = (OutItem) {};
}

static int conn_fail(BusConn *c, int r) {
        if (c->error == 0)
                c->error = r;
        return c->error;
}

BusConn *bus_conn_free(BusConn *c) {
        if (!c)
                return NULL;
        if (c->fd >= 0)
                close(c->fd);
        free(c->rbuf);
        close_many(c->rfds, c->n_rfds);
        free(c->rfds);
        for (size_t i = c->wq_head; i < c->n_wq; i++)
                out_item_done(&c->wq[i]);
        free(c->wq);
        for (size_t i = c->rq_head; i < c->n_rq; i++)
                bus_message_free(c->rq[i]);
        free(c->rq);
        free(c);
        return NULL;
}

static int conn_new(BusConn **ret, int fd, bool server, const BusConnLimits *limits) {
        BusConn *c = calloc(1, sizeof(BusConn));
        if (!c) {
                close(fd);
                return -ENOMEM;
        }
        c->fd = fd;
        c->server = server;
        if (limits)
                c->lim = *limits;
        if (c->lim.max_message_size == 0 || c->lim.max_message_size > BUS_MESSAGE_SIZE_MAX)
                c->lim.max_message_size = BUS_MESSAGE_SIZE_DEFAULT;
        if (c->lim.max_out_bytes == 0)
                c->lim.max_out_bytes = BUS_CONN_OUT_MAX_DEFAULT;
        if (c->lim.max_in_messages == 0)
                c->lim.max_in_messages = server ? BUS_CONN_IN_MESSAGES_DEFAULT : BUS_CONN_IN_MESSAGES_CLIENT;

        int flags = fcntl(fd, F_GETFL);
        socklen_t l = sizeof(c->peer);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->peer, &l) < 0) {
                int r = -errno;
                bus_conn_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

/* ---- accessors ---- */

int bus_conn_get_fd(const BusConn *c) { return c ? c->fd : -EINVAL; }
bool bus_conn_wants_write(const BusConn *c) { return c && c->error == 0 && c->wq_head < c->n_wq; }
uint32_t bus_conn_get_events(const BusConn *c) { return EPOLLIN | (bus_conn_wants_write(c) ? EPOLLOUT : 0); }
const struct ucred *bus_conn_get_peer(const BusConn *c) { return c ? &c->peer : NULL; }
bool bus_conn_is_ready(const BusConn *c) { return c && c->ready && c->error == 0; }
bool bus_conn_can_pass_fds(const BusConn *c) { return c && c->can_fds; }
int bus_conn_get_error(const BusConn *c) { return c ? c->error : -EINVAL; }
size_t bus_conn_get_queued_out(const BusConn *c) { return c ? c->out_bytes : 0; }

/* ---- output ---- */

/* Queue bytes (and fds to go with their first byte); takes ownership of both, also on failure. */
static int queue_out(BusConn *c, uint8_t *data, size_t size, int *fds, size_t n_fds) {
        OutItem it = { data, size, 0, fds, n_fds };
        if (c->error < 0) {
                out_item_done(&it);
                return c->error;
        }
        if (size > c->lim.max_out_bytes - c->out_bytes) {
                out_item_done(&it);
                return conn_fail(c, -ENOBUFS);  /* a peer that does not read is dropped */
        }
        if (c->wq_head > 0 && c->wq_head == c->n_wq)
                c->wq_head = c->n_wq = 0;
        if (c->n_wq == c->wq_alloc) {
                if (c->wq_head > 0) {
                        memmove(c->wq, c->wq + c->wq_head, (c->n_wq - c->wq_head) * sizeof(OutItem));
                        c->n_wq -= c->wq_head;
                        c->wq_head = 0;
                } else {
                        size_t a = c->wq_alloc ? c->wq_alloc * 2 : 8;
                        OutItem *q = realloc(c->wq, a * sizeof(OutItem));
                        if (!q) {
                                out_item_done(&it);
                                return conn_fail(c, -ENOMEM);
                        }
                        c->wq = q;
                        c->wq_alloc = a;
                }
        }
        c->wq[c->n_wq++] = it;
        c->out_bytes += size;
        return 0;
}

static int conn_write(BusConn *c) {
        while (c->error == 0 && c->wq_head < c->n_wq) {
                OutItem *it = &c->wq[c->wq_head];
                struct iovec iov = { it->data + it->off, it->size - it->off };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
                union {
                        struct cmsghdr h;
                        uint8_t buf[CMSG_SPACE(sizeof(int) * SCM_FDS_MAX)];
                } control;
                if (it->off == 0 && it->n_fds > 0) {
                        memset(&control, 0, sizeof(control));
                        mh.msg_control = &control;
                        mh.msg_controllen = CMSG_SPACE(sizeof(int) * it->n_fds);
                        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
                        cm->cmsg_level = SOL_SOCKET;
                        cm->cmsg_type = SCM_RIGHTS;
                        cm->cmsg_len = CMSG_LEN(sizeof(int) * it->n_fds);
                        memcpy(CMSG_DATA(cm), it->fds, sizeof(int) * it->n_fds);
                }
                ssize_t n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                return 0;
                        return conn_fail(c, -errno);
                }
                if (mh.msg_control) {  /* the fds went with the first byte */
                        close_many(it->fds, it->n_fds);
                        it->n_fds = 0;
                }
                it->off += (size_t) n;
                c->out_bytes -= (size_t) n;
                if (it->off == it->size) {
                        out_item_done(it);
                        c->wq_head++;
                }
        }
        return c->error;
}

int bus_conn_on_writable(BusConn *c) {
        if (!c)
                return -EINVAL;
        return conn_write(c);
}

int bus_conn_send(BusConn *c, BusMessage *m, uint32_t *ret_serial) {
        uint8_t *data;
        size_t size;
        int r;

        if (!c || !m)
                return -EINVAL;
        if (c->error < 0)
                return c->error;
        if (!c->ready)
                return -ENOTCONN;
        if (m->n_fds > 0 && !c->can_fds)
                return -EPERM;
        if (!m->sealed) {
                if (++c->serial == 0)
                        c->serial = 1;
                r = bus_message_seal(m, c->serial);
                if (r < 0)
                        return r;
        }
        r = bus_message_to_bytes(m, &data, &size);
        if (r < 0)
                return r;
        int *fds = NULL;
        if (m->n_fds > 0) {
                fds = malloc(m->n_fds * sizeof(int));
                if (!fds) {
                        free(data);
                        return -ENOMEM;
                }
                for (size_t i = 0; i < m->n_fds; i++)
                        if ((fds[i] = fcntl(m->fds[i], F_DUPFD_CLOEXEC, 3)) < 0) {
                                r = -errno;
                                close_many(fds, i);
                                free(fds);
                                free(data);
                                return r;
                        }
        }
        r = queue_out(c, data, size, fds, m->n_fds);
        if (r < 0)
                return r;
        if (ret_serial)
                *ret_serial = m->serial;
        return conn_write(c);
}

int bus_conn_reply_error(BusConn *c, const BusMessage *call, const char *name, const char *text) {
        _cleanup_bus_message_ BusMessage *e = NULL;
        if (!bus_message_expects_reply(call))
                return 0;
        int r = bus_message_new_method_error(&e, call, name, text);
        if (r < 0)
                return r;
        return bus_conn_send(c, e, NULL);
}

/* ---- input ---- */

static int take_fds(BusConn *c, struct msghdr *mh) {
        bool bad = (mh->msg_flags & MSG_CTRUNC) != 0;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int *fds = (int *) CMSG_DATA(cm);
                if (bad || !c->can_fds || c->n_rfds + n > BUS_FDS_MAX) {
                        close_many(fds, n);
                        bad = true;
                        continue;
                }
                int *q = realloc(c->rfds, (c->n_rfds + n) * sizeof(int));
                if (!q) {
                        close_many(fds, n);
                        bad = true;
                        continue;
                }
                c->rfds = q;
                memcpy(c->rfds + c->n_rfds, fds, n * sizeof(int));
                c->n_rfds += n;
        }
        return bad ? conn_fail(c, -EBADMSG) : 0;
}

/* How much buffer the input needs: one complete message (or the SASL lines) plus a read. */
static int ensure_rbuf(BusConn *c) {
        size_t want = READ_CHUNK;
        if (c->ready && c->rlen >= BUS_HEADER_FIXED_SIZE) {
                size_t total;
                int r = bus_message_frame_size(c->rbuf, c->rlen, c->lim.max_message_size, &total);
                if (r < 0)
                        return conn_fail(c, r);
                if (total > want)
                        want = total;
        }
        if (c->ralloc - c->rlen >= READ_CHUNK / 4 && c->ralloc >= want)
                return 0;
        size_t a = c->rlen + READ_CHUNK > want ? c->rlen + READ_CHUNK : want;
        uint8_t *b = realloc(c->rbuf, a);
        if (!b)
                return conn_fail(c, -ENOMEM);
        c->rbuf = b;
        c->ralloc = a;
        return 0;
}

/* One recvmsg(). Returns 1 if bytes arrived, 0 if none are available, or -errno. */
static int conn_read_once(BusConn *c) {
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(int) * SCM_FDS_MAX)];
        } control;
        int r = ensure_rbuf(c);
        if (r < 0)
                return r;
        struct iovec iov = { c->rbuf + c->rlen, c->ralloc - c->rlen };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                             .msg_controllen = sizeof(control) };
        ssize_t n;
        do
                n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == EAGAIN ? 0 : conn_fail(c, -errno);
        r = take_fds(c, &mh);
        if (r < 0)
                return r;
        if (n == 0)
                return conn_fail(c, -ECONNRESET);
        c->rlen += (size_t) n;
        return 1;
}

static void rbuf_consume(BusConn *c, size_t n) {
        if (n == 0)
                return;
        memmove(c->rbuf, c->rbuf + n, c->rlen - n);
        c->rlen -= n;
}

static int rq_push(BusConn *c, BusMessage *m) {
        if (c->rq_head > 0 && c->rq_head == c->n_rq)
                c->rq_head = c->n_rq = 0;
        if (c->n_rq == c->rq_alloc) {
                if (c->rq_head > 0) {
                        memmove(c->rq, c->rq + c->rq_head, (c->n_rq - c->rq_head) * sizeof(BusMessage *));
                        c->n_rq -= c->rq_head;
                        c->rq_head = 0;
                } else {
                        size_t a = c->rq_alloc ? c->rq_alloc * 2 : 8;
                        BusMessage **q = realloc(c->rq, a * sizeof(BusMessage *));
                        if (!q) {
                                bus_message_free(m);
                                return conn_fail(c, -ENOMEM);
                        }
                        c->rq = q;
                        c->rq_alloc = a;
                }
        }
        c->rq[c->n_rq++] = m;
        return 0;
}

static size_t rq_count(const BusConn *c) {
        return c->n_rq - c->rq_head;
}

static int process_sasl(BusConn *c) {
        size_t used = 0;
        int r;

        if (c->server) {
                Buf out = {};
                r = bus_sasl_server_feed(&c->sasl, c->rbuf, c->rlen, &used, &out);
                if (out.len > 0) {
                        size_t n = out.len;
                        int q = queue_out(c, (uint8_t *) buf_steal(&out), n, NULL, 0);
                        if (q < 0 && r >= 0)
                                r = q;
                }
                buf_free(&out);
                if (r == 1)
                        c->can_fds = c->sasl.fds_agreed;
        } else {
                r = bus_sasl_client_feed(&c->csasl, c->rbuf, c->rlen, &used);
                if (r == 1)
                        c->can_fds = c->csasl.fds_agreed;
        }
        if (r < 0)
                return conn_fail(c, r);
        rbuf_consume(c, used);
        if (r == 1)
                c->ready = true;
        return 0;
}

/* Parse what is buffered into messages, as long as the queue has room. */
static int process(BusConn *c) {
        int r;

        if (c->error < 0)
                return c->error;
        if (!c->ready) {
                r = process_sasl(c);
                if (r < 0 || !c->ready)
                        return r;
        }
        while (rq_count(c) < c->lim.max_in_messages && c->rlen >= BUS_HEADER_FIXED_SIZE) {
                size_t total;
                BusMessage *m;
                r = bus_message_frame_size(c->rbuf, c->rlen, c->lim.max_message_size, &total);
                if (r < 0)
                        return conn_fail(c, r);
                if (c->rlen < total)
                        break;
                r = bus_message_parse(c->rbuf, total, c->lim.max_message_size, c->rfds, c->n_rfds, &m);
                if (r < 0)
                        return conn_fail(c, r);
                c->n_rfds = 0;  /* the message owns them now */
                rbuf_consume(c, total);
                r = rq_push(c, m);
                if (r < 0)
                        return r;
        }
        return 0;
}

int bus_conn_on_readable(BusConn *c) {
        int r;

        if (!c)
                return -EINVAL;
        for (int i = 0; i < READS_PER_CALL; i++) {
                r = process(c);
                if (r < 0)
                        return r;
                if (rq_count(c) >= c->lim.max_in_messages)
                        break;  /* the level-triggered loop calls again once they are taken */
                r = conn_read_once(c);
                if (r <= 0)
                        break;
        }
        r = process(c);
        if (r < 0)
                return r;
        return conn_write(c);  /* SASL answers go out at once */
}

bool bus_conn_has_input(const BusConn *c) {
        if (!c || c->error < 0)
                return false;
        if (rq_count(c) > 0)
                return true;
        /* a whole message still in the read buffer (SASL lines are answered as they arrive) */
        if (!c->ready)
                return false;
        size_t total;
        return c->rlen >= BUS_HEADER_FIXED_SIZE &&
               bus_message_frame_size(c->rbuf, c->rlen, c->lim.max_message_size, &total) >= 0 && c->rlen >= total;
}

int bus_conn_pop_message(BusConn *c, BusMessage **ret) {
        if (!c || !ret)
                return -EINVAL;
        if (rq_count(c) == 0) {
                /* messages may still be buffered when the queue was full */
                int r = process(c);
                if (r < 0 && rq_count(c) == 0)
                        return r;
                if (rq_count(c) == 0)
                        return 0;
        }
        *ret = c->rq[c->rq_head++];
        return 1;
}

int bus_conn_new_server(BusConn **ret, int fd, const char *guid, const BusConnLimits *limits) {
        BusConn *c;
        if (!ret || fd < 0 || !guid) {
                if (fd >= 0)
                        close(fd);
                return -EINVAL;
        }
        int r = conn_new(&c, fd, true, limits);
        if (r < 0)
                return r;
        bus_sasl_server_init(&c->sasl, c->peer.uid, guid, c->lim.allow_fds);
        *ret = c;
        return 0;
}

/* ---- non-blocking client (PID 1 on the system bus) ---- */

/* Queue the client's SASL request (AUTH EXTERNAL, NEGOTIATE_UNIX_FD when fds are allowed). */
static int client_queue_auth(BusConn *c, bool allow_fds) {
        size_t n;
        bus_sasl_client_init(&c->csasl, allow_fds);
        const char *req = bus_sasl_client_request(&c->csasl, &n);
        uint8_t *copy = malloc(n);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, req, n);
        return queue_out(c, copy, n, NULL, 0);
}

/* A connected AF_UNIX stream socket to path ('@': abstract), or -errno. With SOCK_NONBLOCK, a unix
 * stream connect either completes at once or fails (EINPROGRESS, backlog full: -EAGAIN). */
static int unix_connect(const char *path, int flags) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t l = strlen(path);
        if (l >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, l);
        if (path[0] == '@')
                sa.sun_path[0] = 0;  /* abstract: not NUL-terminated, length counts */
        socklen_t sl = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + l + (path[0] == '@' ? 0 : 1));
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sl) < 0) {
                int r = errno == EINPROGRESS ? -EAGAIN : -errno;
                close(fd);
                return r;
        }
        return fd;
}

static int client_start(BusConn **ret, int fd, const BusConnLimits *limits) {
        BusConn *c;
        int r = conn_new(&c, fd, false, limits);
        if (r < 0)
                return r;
        r = client_queue_auth(c, c->lim.allow_fds);
        if (r >= 0)
                r = conn_write(c);
        if (r < 0) {
                bus_conn_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

int bus_conn_connect_async(BusConn **ret, const char *path, const BusConnLimits *limits) {
        if (!ret || isempty(path) || path[0] != '/')
                return -EINVAL;
        int fd = unix_connect(path, SOCK_NONBLOCK);
        if (fd < 0)
                return fd;
        return client_start(ret, fd, limits);
}

/* ---- blocking client ---- */

static usec_t now_mono(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static usec_t deadline_of(usec_t timeout) {
        if (timeout == USEC_INFINITY)
                return USEC_INFINITY;
        usec_t n = now_mono();
        return timeout > USEC_INFINITY - n ? USEC_INFINITY : n + timeout;
}

/* Wait once for the socket and do the I/O it allows. 0, -ETIMEDOUT or the connection's error. */
static int conn_step(BusConn *c, usec_t deadline) {
        int r;

        if (c->error < 0)
                return c->error;
        int ms = -1;
        if (deadline != USEC_INFINITY) {
                usec_t n = now_mono();
                if (n >= deadline)
                        return -ETIMEDOUT;
                usec_t left = (deadline - n + 999) / 1000;
                ms = left > INT32_MAX ? INT32_MAX : (int) left;
        }
        struct pollfd p = { c->fd, POLLIN | (bus_conn_wants_write(c) ? POLLOUT : 0), 0 };
        r = poll(&p, 1, ms);
        if (r < 0)
                return errno == EINTR ? 0 : -errno;
        if (r == 0)
                return -ETIMEDOUT;
        if (p.revents & POLLOUT) {
                r = conn_write(c);
                if (r < 0)
                        return r;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
                r = conn_read_once(c);
                if (r < 0)
                        return r;
                r = process(c);
                if (r < 0)
                        return r;
        }
        return 0;
}

int bus_conn_new_client(BusConn **ret, int fd, usec_t timeout_usec) {
        _cleanup_bus_conn_ BusConn *c = NULL;
        int r;

        if (!ret || fd < 0) {
                if (fd >= 0)
                        close(fd);
                return -EINVAL;
        }
        r = conn_new(&c, fd, false, NULL);
        if (r < 0)
                return r;
        r = client_queue_auth(c, true);
        if (r < 0)
                return r;
        usec_t deadline = deadline_of(timeout_usec);
        while (!c->ready) {
                r = conn_step(c, deadline);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

int bus_conn_connect(BusConn **ret, const char *path, usec_t timeout_usec) {
        if (!ret || isempty(path))
                return -EINVAL;
        int fd = unix_connect(path, 0);
        if (fd < 0)
                return fd;
        return bus_conn_new_client(ret, fd, timeout_usec);
}

int bus_conn_flush(BusConn *c, usec_t timeout_usec) {
        if (!c)
                return -EINVAL;
        usec_t deadline = deadline_of(timeout_usec);
        while (bus_conn_wants_write(c)) {
                int r = conn_step(c, deadline);
                if (r < 0)
                        return r;
        }
        return c->error;
}

/* Remove and return the queued reply to serial, if any. */
static BusMessage *take_reply(BusConn *c, uint32_t serial) {
        for (size_t i = c->rq_head; i < c->n_rq; i++) {
                BusMessage *m = c->rq[i];
                if ((m->type == BUS_MESSAGE_METHOD_RETURN || m->type == BUS_MESSAGE_METHOD_ERROR) &&
                    m->reply_serial == serial) {
                        memmove(c->rq + i, c->rq + i + 1, (c->n_rq - i - 1) * sizeof(BusMessage *));
                        c->n_rq--;
                        return m;
                }
        }
        return NULL;
}

int bus_call(BusConn *c, BusMessage *m, usec_t timeout_usec, BusMessage **ret_reply) {
        uint32_t serial;
        int r;

        if (!c || !m || m->type != BUS_MESSAGE_METHOD_CALL)
                return -EINVAL;
        usec_t deadline = deadline_of(timeout_usec);
        r = bus_conn_send(c, m, &serial);
        if (r < 0)
                return r;
        if (!bus_message_expects_reply(m))
                return bus_conn_flush(c, timeout_usec);
        for (;;) {
                BusMessage *reply = take_reply(c, serial);
                if (reply) {
                        bool is_error = reply->type == BUS_MESSAGE_METHOD_ERROR;
                        if (ret_reply)
                                *ret_reply = reply;
                        else
                                bus_message_free(reply);
                        return is_error ? -EREMOTEIO : 0;
                }
                if (rq_count(c) >= c->lim.max_in_messages)
                        return conn_fail(c, -ENOBUFS);  /* flooded while waiting */
                r = conn_step(c, deadline);
                if (r < 0)
                        return r;
        }
}

int bus_conn_wait_message(BusConn *c, usec_t timeout_usec, BusMessage **ret) {
        if (!c || !ret)
                return -EINVAL;
        usec_t deadline = deadline_of(timeout_usec);
        for (;;) {
                int r = bus_conn_pop_message(c, ret);
                if (r != 0)
                        return r;
                r = conn_step(c, deadline);
                if (r == -ETIMEDOUT)
                        return 0;
                if (r < 0)
                        return r;
        }
}
