/* SPDX-License-Identifier: MIT */
/* The sd_notify(3) socket, /run/systemd/notify: one datagram socket with SO_PASSCRED. The sender
 * is identified by its credentials and mapped to a unit; NotifyAccess= decides whether it may
 * speak for it. Oversized, truncated or malformed datagrams are dropped, never acted on. */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "base/log.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/notify-msg.h"
#include "core/notify.h"

#define NOTIFY_PATH "/run/systemd/notify"
#define NOTIFY_FD_MAX 768   /* systemd's limit of fds per message */

static void close_fds(int *fds, size_t n_fds) {
        for (size_t i = 0; i < n_fds; i++) close(fds[i]);
}

/* One datagram, its credentials checked: the unit its sender belongs to decides what to do with
 * it (NotifyAccess=, MAINPID=: service.c). The sender must be one of the unit's processes now
 * (munit_owns_pid()): a process of no unit speaks for none, whatever the units' NotifyAccess=. */
void manager_notify_dispatch(Manager *m, const struct ucred *cred, const char *buf, size_t n, int *fds, size_t n_fds) {
        NotifyMessage msg;
        if (notify_message_parse(buf, n, &msg) < 0) {
                log_warning("Received invalid notification message from PID %d, ignoring.", (int)cred->pid);
                return close_fds(fds, n_fds);
        }
        MUnit *u = NULL;
        if (msg.barrier)   /* sd_notify_barrier(3): closing its fd is the answer, whoever sent it */
                close_fds(fds, n_fds);
        else if (!(u = manager_unit_by_pid(m, cred->pid)) || !u->cfg || !munit_owns_pid(u, cred->pid)) {
                log_warning("Cannot find unit for notify message of PID %d, ignoring.", (int)cred->pid);
                close_fds(fds, n_fds);
        } else if (!u->vt->notify_message) {
                log_debug("%s: Got notification message from PID %d, ignoring.", u->id, (int)cred->pid);
                close_fds(fds, n_fds);
        } else
                u->vt->notify_message(u, cred, &msg, fds, n_fds);   /* owns the fds now */
        notify_message_done(&msg);
}

static int on_notify(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        (void)s; (void)revents;
        for (int round = 0; round < 64; round++) {   /* bounded work per wake-up */
                char buf[NOTIFY_BUFFER_MAX + 1];
                union {
                        struct cmsghdr h;
                        uint8_t raw[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FD_MAX)];
                } control;
                struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
                ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
                if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -errno;
                struct ucred *cred = NULL;
                int *fds = NULL;
                size_t n_fds = 0;
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                        if (c->cmsg_level != SOL_SOCKET) continue;
                        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) cred = (struct ucred *)CMSG_DATA(c);
                        else if (c->cmsg_type == SCM_RIGHTS) {
                                fds = (int *)CMSG_DATA(c);
                                n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        }
                }
                if ((size_t)n > NOTIFY_BUFFER_MAX || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                        log_warning("Got overly long or truncated notification message, ignoring.");
                        close_fds(fds, n_fds);
                } else if (!cred || cred->pid <= 0) {
                        log_warning("Received notify message without valid credentials. Ignoring.");
                        close_fds(fds, n_fds);
                } else
                        manager_notify_dispatch(m, cred, buf, (size_t)n, fds, n_fds);
        }
        return 0;
}

int manager_setup_notify(Manager *m) {
        m->notify_fd = -1;
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) return -errno;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strncpy(sa.sun_path, NOTIFY_PATH, sizeof sa.sun_path - 1);
        (void)mkdir("/run/systemd", 0755);
        (void)unlink(NOTIFY_PATH);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return -errno;
        /* every service may notify, whatever its User= (systemd's is srwxrwxrwx: its PID 1 runs
         * with umask 0); ours inherits the runtime's umask 022, which left the socket 0755 and
         * made sendmsg() fail with EACCES for non-root services such as redis-server */
        if (chmod(NOTIFY_PATH, 0777) < 0) return -errno;
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) return -errno;
        int size = 8 * 1024 * 1024;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        int r = event_add_io(m->event, &m->notify_src, fd, EPOLLIN, on_notify, m);
        if (r < 0) return r;
        /* a message sent just before its sender exited is read before the exit is reaped, when the
         * sender is still its unit's main process */
        (void)event_source_set_early(m->notify_src, true);
        m->notify_fd = TAKE_FD(fd);
        return 0;
}
