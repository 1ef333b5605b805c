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
#include "core/service.h"

#define NOTIFY_PATH "/run/systemd/notify"
#define NOTIFY_FD_MAX 768   /* systemd's limit of fds per message */

static bool access_ok(MUnit *u, pid_t pid) {
        NotifyAccess a = u->cfg && u->cfg->service ? u->cfg->service->notify_access : NOTIFY_NONE;
        switch (a) {
        case NOTIFY_ALL: return true;
        case NOTIFY_MAIN: return pid == munit_main_pid(u);
        case NOTIFY_EXEC: return pid == munit_main_pid(u) || pid == munit_control_pid(u);
        default: return false;
        }
}

/* A sender that exited before we looked (systemd-notify does): the one unit that waits for a
 * notification and accepts it from anyone, if there is exactly one. */
static MUnit *unit_waiting_for_notify(Manager *m) {
        MUnit *found = NULL;
        for (size_t i = 0; i < m->n_list; i++) {
                MUnit *u = m->list[i];
                if (!u->cfg || !u->cfg->service || u->cfg->service->notify_access != NOTIFY_ALL) continue;
                if (SERVICE(u)->state != SERVICE_START && SERVICE(u)->state != SERVICE_RELOAD) continue;
                if (found) return NULL;
                found = u;
        }
        return found;
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
                bool keep_fds = false;
                if ((size_t)n > NOTIFY_BUFFER_MAX || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                        log_warning("Got overly long or truncated notification message, ignoring.");
                } else if (!cred || cred->pid <= 0) {
                        log_warning("Received notify message without valid credentials. Ignoring.");
                } else {
                        NotifyMessage msg;
                        MUnit *waiting = unit_waiting_for_notify(m);
                        MUnit *u = manager_unit_by_pid(m, cred->pid);
                        if (!u) u = waiting;
                        if (notify_message_parse(buf, (size_t)n, &msg) < 0)
                                log_warning("Received invalid notification message from PID %d, ignoring.", (int)cred->pid);
                        else {
                                if (!u || !u->cfg || !u->vt->notify_message)
                                        log_debug("Cannot find unit for notify message of PID %d, ignoring.", (int)cred->pid);
                                else if (!access_ok(u, cred->pid) && u != waiting)
                                        log_warning("%s: Got notification message from PID %d, but reception only permitted for main PID %d",
                                                    u->id, (int)cred->pid, (int)munit_main_pid(u));
                                else {
                                        u->vt->notify_message(u, cred, &msg, fds, n_fds);
                                        keep_fds = true;   /* service_notify_message() owns them now */
                                }
                                notify_message_done(&msg);
                        }
                }
                if (!keep_fds)
                        for (size_t i = 0; i < n_fds; i++) close(fds[i]);
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
        m->notify_fd = TAKE_FD(fd);
        return 0;
}
