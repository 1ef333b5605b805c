/* SPDX-License-Identifier: MIT */
/* Socket units (systemd.socket(5)): open the listening fds, watch them, and on traffic start the
 * service (Accept=no, which gets every listening fd) or one service instance per connection
 * (Accept=yes, which gets the connection). The fds belong to the socket unit, so they stay open
 * while the service restarts and no connection is refused.
 *
 * States: dead → start-pre → (open fds) → start-post → listening ⇄ running → stop-pre →
 * (close fds) → stop-post → dead/failed. "running" means the service is up and the fds are not
 * watched (Accept=no); traffic then is the service's business. */
#include <fcntl.h>
#include <limits.h>
#include <sys/epoll.h>
#include <mqueue.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include "base/log.h"
#include "base/strv.h"
#include "core/exec-run.h"
#include "core/exit-policy.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/service.h"
#include "core/socket.h"
#include "exec/userdb.h"
#include "unit/name.h"

static const char *const socket_state_table[_SOCKET_STATE_MAX] = {
        [SOCKET_DEAD] = "dead", [SOCKET_START_PRE] = "start-pre", [SOCKET_START_POST] = "start-post",
        [SOCKET_LISTENING] = "listening", [SOCKET_RUNNING] = "running", [SOCKET_STOP_PRE] = "stop-pre",
        [SOCKET_STOP_POST] = "stop-post", [SOCKET_FAILED] = "failed",
};
const char *socket_state_to_string(SocketState s) { return s < _SOCKET_STATE_MAX ? socket_state_table[s] : NULL; }

static const char *const socket_result_table[_SOCKET_RESULT_MAX] = {
        [SOCKET_SUCCESS] = "success", [SOCKET_FAILURE_RESOURCES] = "resources", [SOCKET_FAILURE_TIMEOUT] = "timeout",
        [SOCKET_FAILURE_EXIT_CODE] = "exit-code", [SOCKET_FAILURE_SIGNAL] = "signal", [SOCKET_FAILURE_CORE_DUMP] = "core-dump",
        [SOCKET_FAILURE_START_LIMIT_HIT] = "start-limit-hit", [SOCKET_FAILURE_TRIGGER_LIMIT_HIT] = "trigger-limit-hit",
        [SOCKET_FAILURE_SERVICE_START_LIMIT_HIT] = "service-start-limit-hit",
};
const char *socket_result_to_string(SocketResult r) { return r < _SOCKET_RESULT_MAX ? socket_result_table[r] : NULL; }

static SocketConfig *cfg(MUnit *u) { return u->cfg->socket; }

static UnitActiveState state_to_active(SocketState s) {
        switch (s) {
        case SOCKET_DEAD: return UNIT_INACTIVE;
        case SOCKET_FAILED: return UNIT_FAILED;
        case SOCKET_LISTENING: case SOCKET_RUNNING: return UNIT_ACTIVE;
        case SOCKET_START_PRE: case SOCKET_START_POST: return UNIT_ACTIVATING;
        default: return UNIT_DEACTIVATING;
        }
}

static void socket_init(MUnit *u) {
        Socket *s = SOCKET(u);
        s->state = SOCKET_DEAD;
        s->control_cmd = (ExecCommandRef)EXEC_COMMAND_REF_NONE;
}

static void unwatch_fds(MUnit *u) {
        Socket *s = SOCKET(u);
        for (size_t i = 0; i < s->n_fds; i++) {
                event_source_free(s->io[i]);
                s->io[i] = NULL;
        }
}

static void close_fds(MUnit *u) {
        Socket *s = SOCKET(u);
        unwatch_fds(u);
        for (size_t i = 0; i < s->n_fds; i++)
                if (s->fds[i] >= 0) close(s->fds[i]);
        free(s->fds);
        free(s->io);
        s->fds = NULL;
        s->io = NULL;
        s->n_fds = 0;
}

static void socket_done(MUnit *u) {
        Socket *s = SOCKET(u);
        close_fds(u);
        event_source_free(s->control_watch);
        event_source_free(s->timer);
        exec_command_ref_clear(&s->control_cmd);
}

static void set_state(MUnit *u, SocketState ns) {
        Socket *s = SOCKET(u);
        SocketState os = s->state;
        s->state = ns;
        if (ns != os) log_debug("%s: Changed %s -> %s", u->id, socket_state_to_string(os), socket_state_to_string(ns));
        UnitActiveState oa = u->state, na = state_to_active(ns);
        if (oa != na || ns != os) munit_notify(u, oa, na, true);
}

static void record(MUnit *u, SocketResult f) {
        Socket *s = SOCKET(u);
        if (s->result == SOCKET_SUCCESS) s->result = f;
}

/* ---- opening the ports ---- */

static int chown_to(MUnit *u, const char *path, int fd) {
        SocketConfig *c = cfg(u);
        if (!c->user && !c->group) return 0;
        uid_t uid = (uid_t)-1;
        gid_t gid = (gid_t)-1;
        int r;
        if (c->user) {
                UserRecord ur = {0};
                if ((r = userdb_get_user(u->m->set.root, c->user, &ur)) < 0) return r;
                uid = ur.uid;
                if (!c->group) gid = ur.gid;
                user_record_done(&ur);
        }
        if (c->group && (r = userdb_get_group(u->m->set.root, c->group, &gid, NULL)) < 0) return r;
        r = path ? lchown(path, uid, gid) : fchown(fd, uid, gid);
        return r < 0 ? -errno : 0;
}

/* Options that need privileges a container may lack are tried and, on EPERM, said once. */
static void set_opt(MUnit *u, int fd, int level, int name, int value, const char *what) {
        if (setsockopt(fd, level, name, &value, sizeof value) < 0)
                log_warning("%s: %s failed, ignoring: %m", u->id, what);
}

static void apply_options(MUnit *u, int fd, const SocketAddress *a) {
        SocketConfig *c = cfg(u);
        bool inet = a->family == AF_INET || a->family == AF_INET6;
        if (inet && a->type != SOCK_DGRAM) set_opt(u, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
        if (c->reuse_port) set_opt(u, fd, SOL_SOCKET, SO_REUSEPORT, 1, "ReusePort=");
        if (c->keep_alive) set_opt(u, fd, SOL_SOCKET, SO_KEEPALIVE, 1, "KeepAlive=");
        if (c->keep_alive_time && c->keep_alive_time != USEC_INFINITY)
                set_opt(u, fd, IPPROTO_TCP, TCP_KEEPIDLE, (int)(c->keep_alive_time / USEC_PER_SEC), "KeepAliveTimeSec=");
        if (c->keep_alive_interval && c->keep_alive_interval != USEC_INFINITY)
                set_opt(u, fd, IPPROTO_TCP, TCP_KEEPINTVL, (int)(c->keep_alive_interval / USEC_PER_SEC), "KeepAliveIntervalSec=");
        if (c->keep_alive_cnt) set_opt(u, fd, IPPROTO_TCP, TCP_KEEPCNT, (int)c->keep_alive_cnt, "KeepAliveProbes=");
        if (c->no_delay) set_opt(u, fd, IPPROTO_TCP, TCP_NODELAY, 1, "NoDelay=");
        if (c->broadcast) set_opt(u, fd, SOL_SOCKET, SO_BROADCAST, 1, "Broadcast=");
        if (c->pass_cred) set_opt(u, fd, SOL_SOCKET, SO_PASSCRED, 1, "PassCredentials=");
        if (c->pass_sec) set_opt(u, fd, SOL_SOCKET, SO_PASSSEC, 1, "PassSecurity=");
        if (c->priority >= 0) set_opt(u, fd, SOL_SOCKET, SO_PRIORITY, c->priority, "Priority=");
        if (c->receive_buffer) set_opt(u, fd, SOL_SOCKET, SO_RCVBUF, (int)c->receive_buffer, "ReceiveBuffer=");
        if (c->send_buffer) set_opt(u, fd, SOL_SOCKET, SO_SNDBUF, (int)c->send_buffer, "SendBuffer=");
        if (c->mark >= 0) set_opt(u, fd, SOL_SOCKET, SO_MARK, c->mark, "Mark=");
        if (inet && c->ip_tos >= 0) set_opt(u, fd, IPPROTO_IP, IP_TOS, c->ip_tos, "IPTOS=");
        if (inet && c->ip_ttl >= 0) set_opt(u, fd, IPPROTO_IP, IP_TTL, c->ip_ttl, "IPTTL=");
        if (inet && c->free_bind) set_opt(u, fd, IPPROTO_IP, IP_FREEBIND, 1, "FreeBind=");
        if (inet && c->transparent) set_opt(u, fd, IPPROTO_IP, IP_TRANSPARENT, 1, "Transparent=");
        if (a->family == AF_INET6 && c->bind_ipv6_only != SOCKET_ADDRESS_DEFAULT)
                set_opt(u, fd, IPPROTO_IPV6, IPV6_V6ONLY, c->bind_ipv6_only == SOCKET_ADDRESS_IPV6_ONLY, "BindIPv6Only=");
        if (c->bind_to_device && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->bind_to_device, (socklen_t)strlen(c->bind_to_device)) < 0)
                log_warning("%s: BindToDevice= failed, ignoring: %m", u->id);
}

/* The kernel's struct sockaddr_nl, declared here: musl ships no <linux/netlink.h>. */
struct nl_addr {
        sa_family_t nl_family;
        unsigned short nl_pad;
        uint32_t nl_pid, nl_groups;
};

static int sockaddr_of(const SocketAddress *a, struct sockaddr_storage *ss, socklen_t *len) {
        memset(ss, 0, sizeof *ss);
        switch (a->family) {
        case AF_INET: {
                struct sockaddr_in *in = (struct sockaddr_in *)ss;
                in->sin_family = AF_INET;
                in->sin_addr = a->addr.in;
                in->sin_port = htons(a->port);
                *len = sizeof *in;
                return 0;
        }
        case AF_INET6: {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
                in6->sin6_family = AF_INET6;
                in6->sin6_addr = a->addr.in6;
                in6->sin6_port = htons(a->port);
                in6->sin6_scope_id = a->ifindex;
                *len = sizeof *in6;
                return 0;
        }
        case AF_UNIX: {
                struct sockaddr_un *un = (struct sockaddr_un *)ss;
                size_t n = strlen(a->path);
                if (n >= sizeof un->sun_path) return -ENAMETOOLONG;
                un->sun_family = AF_UNIX;
                memcpy(un->sun_path, a->path, n);
                if (a->path[0] == '@') un->sun_path[0] = 0;   /* abstract: no NUL terminator counted */
                *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (a->path[0] == '@' ? 0 : 1));
                return 0;
        }
        case AF_NETLINK: {
                struct nl_addr *nl = (struct nl_addr *)ss;
                nl->nl_family = AF_NETLINK;
                nl->nl_groups = a->netlink_group;
                *len = sizeof *nl;
                return 0;
        }
        default:
                return -EAFNOSUPPORT;
        }
}

static int open_socket_port(MUnit *u, const SocketAddress *a) {
        SocketConfig *c = cfg(u);
        struct sockaddr_storage ss;
        socklen_t len;
        int r = sockaddr_of(a, &ss, &len);
        if (r < 0) return r;
        int proto = a->family == AF_NETLINK ? a->netlink_family : (a->family == AF_UNIX ? 0 : c->socket_protocol);
        _cleanup_close_ int fd = socket(a->family, a->type | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
        if (fd < 0) return -errno;
        apply_options(u, fd, a);
        bool unix_path = a->family == AF_UNIX && a->path[0] == '/';
        if (unix_path) {
                (void)mkdir_parents(a->path, c->directory_mode);
                (void)unlink(a->path);   /* a stale socket from a previous run */
        }
        mode_t old = umask(~c->socket_mode & 0777);
        r = bind(fd, (struct sockaddr *)&ss, len);
        umask(old);
        if (r < 0) return -errno;
        if (unix_path && (r = chown_to(u, a->path, -1)) < 0) return r;
        if (socket_address_can_accept(a) && listen(fd, (int)(c->backlog > INT32_MAX ? INT32_MAX : c->backlog)) < 0) return -errno;
        return TAKE_FD(fd);
}

static int open_port(MUnit *u, const SocketPort *p) {
        SocketConfig *c = cfg(u);
        int fd;
        switch (p->type) {
        case SOCKET_PORT_SOCKET:
                return open_socket_port(u, &p->address);
        case SOCKET_PORT_FIFO: {
                (void)mkdir_parents(p->path, c->directory_mode);
                mode_t old = umask(~c->socket_mode & 0777);
                int r = mkfifo(p->path, c->socket_mode);
                umask(old);
                if (r < 0 && errno != EEXIST) return -errno;
                fd = open(p->path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
                if (fd < 0) return -errno;
                struct stat st;
                if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
                        close(fd);
                        return -EEXIST;
                }
                (void)chown_to(u, NULL, fd);
                return fd;
        }
        case SOCKET_PORT_SPECIAL:
                fd = open(p->path, (c->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
                return fd < 0 ? -errno : fd;
        case SOCKET_PORT_MQUEUE: {
                struct mq_attr attr = { .mq_maxmsg = c->mq_maxmsg, .mq_msgsize = c->mq_msgsize };
                mode_t old = umask(~c->socket_mode & 0777);
                fd = mq_open(p->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_CREAT, c->socket_mode,
                             c->mq_maxmsg > 0 && c->mq_msgsize > 0 ? &attr : NULL);
                umask(old);
                return fd < 0 ? -errno : fd;
        }
        default:
                return -EOPNOTSUPP;
        }
}

static void port_name(const SocketPort *p, char *buf, size_t n) {
        _cleanup_free_ char *s = NULL;
        if (p->type == SOCKET_PORT_SOCKET) (void)socket_address_format(&p->address, &s);
        snprintf(buf, n, "%s", s ? s : p->path ? p->path : "?");
}

static int on_io(EventSource *src, int fd, uint32_t revents, void *userdata);

static int open_fds(MUnit *u) {
        Socket *s = SOCKET(u);
        SocketConfig *c = cfg(u);
        if (s->fds) return 0;   /* kept across a restart of the unit's own start */
        s->fds = malloc(c->n_ports * sizeof *s->fds);
        s->io = calloc(c->n_ports, sizeof *s->io);
        if (!s->fds || !s->io) {
                free(s->fds);
                free(s->io);
                s->fds = NULL;
                s->io = NULL;
                return -ENOMEM;
        }
        s->n_fds = c->n_ports;
        for (size_t i = 0; i < c->n_ports; i++) s->fds[i] = -1;
        for (size_t i = 0; i < c->n_ports; i++) {
                int fd = open_port(u, &c->ports[i]);
                if (fd < 0) {
                        char name[256];
                        port_name(&c->ports[i], name, sizeof name);
                        log_error("%s: Failed to create listening socket (%s): %s", u->id, name, strerror(-fd));
                        close_fds(u);
                        return fd;
                }
                s->fds[i] = fd;
        }
        STRV_FOREACH(l, c->symlinks) {
                const SocketPort *p = c->n_ports ? &c->ports[0] : NULL;
                const char *target = p && p->type == SOCKET_PORT_SOCKET ? p->address.path : p ? p->path : NULL;
                if (!target || target[0] != '/') continue;
                (void)mkdir_parents(*l, c->directory_mode);
                (void)unlink(*l);
                if (symlink(target, *l) < 0) log_warning("%s: Failed to create symlink %s → %s: %m", u->id, *l, target);
        }
        return 0;
}

static void remove_paths(MUnit *u) {
        SocketConfig *c = cfg(u);
        if (!c->remove_on_stop) return;
        for (size_t i = 0; i < c->n_ports; i++) {
                const SocketPort *p = &c->ports[i];
                if (p->type == SOCKET_PORT_SOCKET && p->address.family == AF_UNIX && p->address.path[0] == '/') (void)unlink(p->address.path);
                else if (p->type == SOCKET_PORT_FIFO || p->type == SOCKET_PORT_SPECIAL) (void)unlink(p->path);
                else if (p->type == SOCKET_PORT_MQUEUE) (void)mq_unlink(p->path);
        }
        STRV_FOREACH(l, c->symlinks) (void)unlink(*l);
}

static void watch_fds(MUnit *u) {
        Socket *s = SOCKET(u);
        for (size_t i = 0; i < s->n_fds; i++) {
                if (s->fds[i] < 0 || s->io[i]) continue;
                if (event_add_io(u->m->event, &s->io[i], s->fds[i], EPOLLIN, on_io, u) < 0)
                        log_warning("%s: Failed to watch socket: %m", u->id);
        }
}

/* ---- control processes ---- */

static int on_control_exit(EventSource *src, const siginfo_t *si, void *userdata);
static int on_timer(EventSource *src, usec_t now, void *userdata);
static void enter_listening(MUnit *u);
static void enter_stop_pre(MUnit *u, SocketResult f);
static void enter_stop_post(MUnit *u, SocketResult f);
static void enter_dead(MUnit *u, SocketResult f);
static void enter_start_post(MUnit *u);

static void arm_timer(MUnit *u, usec_t timeout) {
        Socket *s = SOCKET(u);
        usec_t when = timeout == 0 || timeout == USEC_INFINITY ? USEC_INFINITY : manager_now(u->m, CLOCK_MONOTONIC) + timeout;
        if (s->timer) (void)event_source_set_time(s->timer, when);
        else if (when != USEC_INFINITY) (void)event_add_time(u->m->event, &s->timer, when, on_timer, u);
}

/* Run the control command s->control_cmd names (exec_command_ref_first/next() chose it). */
static int spawn_control(MUnit *u, const ExecCommand *c) {
        Socket *s = SOCKET(u);
        pid_t pid;
        int report_fd;
        ExecRunParams p = EXEC_RUN_PARAMS_INIT;
        p.is_control = true;
        int r = munit_spawn(u, c, &p, &pid, &report_fd);
        if (r >= 0) {
                close(report_fd);   /* a failed exec shows as its exit status (203/EXEC) */
                if ((r = event_add_child(u->m->event, &s->control_watch, pid, on_control_exit, u)) < 0) (void)u->m->ops->kill(pid, SIGKILL);
        }
        if (r < 0) {
                exec_command_ref_clear(&s->control_cmd);
                return r;
        }
        s->timeout_killed = false;
        s->control_pid = pid;
        munit_add_pid(u, pid);
        arm_timer(u, cfg(u)->timeout_usec);
        return 0;
}

/* Run the list `id` from its first command in `state`; `after` when it is empty or done. */
static void run_list(MUnit *u, SocketState state, SocketExecCommand id, void (*after)(MUnit *)) {
        const ExecCommand *c = exec_command_ref_first(&SOCKET(u)->control_cmd, cfg(u)->exec_command, id);
        if (!c) return after(u);
        if (spawn_control(u, c) < 0) {
                log_warning("%s: Failed to run '%s' task.", u->id, socket_exec_command_to_string(id));
                record(u, SOCKET_FAILURE_RESOURCES);
                if (state == SOCKET_STOP_PRE) return enter_stop_post(u, SOCKET_FAILURE_RESOURCES);
                if (state == SOCKET_STOP_POST) return enter_dead(u, SOCKET_FAILURE_RESOURCES);
                return enter_stop_pre(u, SOCKET_FAILURE_RESOURCES);
        }
        set_state(u, state);
}

static SocketResult result_of(const siginfo_t *si) {
        if (si->si_code == CLD_EXITED) return SOCKET_FAILURE_EXIT_CODE;
        return si->si_code == CLD_DUMPED ? SOCKET_FAILURE_CORE_DUMP : SOCKET_FAILURE_SIGNAL;
}

/* The control command list of the socket's state is done (f: how): the next state. */
static void list_done(MUnit *u, SocketResult f) {
        switch (SOCKET(u)->state) {
        case SOCKET_START_PRE:
                if (f != SOCKET_SUCCESS) return enter_stop_pre(u, f);
                if (open_fds(u) < 0) return enter_stop_pre(u, SOCKET_FAILURE_RESOURCES);
                return enter_start_post(u);
        case SOCKET_START_POST:
                if (f != SOCKET_SUCCESS) return enter_stop_pre(u, f);
                return enter_listening(u);
        case SOCKET_STOP_PRE:
                return enter_stop_post(u, f);
        case SOCKET_STOP_POST:
                return enter_dead(u, f);
        default:
                return;
        }
}

static int on_control_exit(EventSource *src, const siginfo_t *si, void *userdata) {
        MUnit *u = userdata;
        Socket *s = SOCKET(u);
        (void)src;
        s->control_watch = NULL;
        s->control_pid = 0;
        bool ok = si->si_code == CLD_EXITED && si->si_status == 0;
        if (!ok && (s->control_cmd.flags & EXEC_COMMAND_IGNORE_FAILURE)) ok = true;
        SocketResult f = ok ? SOCKET_SUCCESS : s->timeout_killed ? SOCKET_FAILURE_TIMEOUT : result_of(si);
        if (!ok) log_warning("%s: Control process exited, code=%s, status=%d", u->id,
                             si->si_code == CLD_EXITED ? "exited" : "killed", si->si_status);
        const ExecCommand *next = ok ? exec_command_ref_next(&s->control_cmd, cfg(u)->exec_command) : NULL;
        if (next) {
                if (spawn_control(u, next) >= 0) return 0;
                f = SOCKET_FAILURE_RESOURCES;
        }
        arm_timer(u, USEC_INFINITY);
        exec_command_ref_clear(&s->control_cmd);
        list_done(u, f);
        return 0;
}

static int on_timer(EventSource *src, usec_t now, void *userdata) {
        MUnit *u = userdata;
        Socket *s = SOCKET(u);
        (void)src;
        (void)now;
        if (s->control_pid <= 0) return 0;
        if (!s->timeout_killed) {
                log_warning("%s: %s operation timed out. Terminating.", u->id, strna(socket_exec_command_to_string((SocketExecCommand)s->control_cmd.list)));
                s->timeout_killed = true;
                (void)u->m->ops->kill(s->control_pid, cfg(u)->kill.kill_signal);
                arm_timer(u, 5 * USEC_PER_SEC);
        } else {
                (void)u->m->ops->kill(s->control_pid, SIGKILL);
        }
        return 0;
}

/* ---- transitions ---- */

static void enter_dead(MUnit *u, SocketResult f) {
        Socket *s = SOCKET(u);
        record(u, f);
        close_fds(u);
        remove_paths(u);
        if (s->result != SOCKET_SUCCESS)
                log_warning("%s: Failed with result '%s'.", u->id, socket_result_to_string(s->result));
        set_state(u, s->result == SOCKET_SUCCESS ? SOCKET_DEAD : SOCKET_FAILED);
}

static void stop_post_done(MUnit *u) { enter_dead(u, SOCKET_SUCCESS); }

static void enter_stop_post(MUnit *u, SocketResult f) {
        record(u, f);
        close_fds(u);
        run_list(u, SOCKET_STOP_POST, SOCKET_EXEC_STOP_POST, stop_post_done);
}

static void stop_pre_done(MUnit *u) { enter_stop_post(u, SOCKET_SUCCESS); }

static void enter_stop_pre(MUnit *u, SocketResult f) {
        record(u, f);
        unwatch_fds(u);
        run_list(u, SOCKET_STOP_PRE, SOCKET_EXEC_STOP_PRE, stop_pre_done);
}

static void enter_listening(MUnit *u) {
        set_state(u, SOCKET_LISTENING);
        watch_fds(u);
}

static void enter_start_post(MUnit *u) {
        run_list(u, SOCKET_START_POST, SOCKET_EXEC_START_POST, enter_listening);
}

static void start_pre_done(MUnit *u) {
        if (open_fds(u) < 0) return enter_stop_pre(u, SOCKET_FAILURE_RESOURCES);
        enter_start_post(u);
}

static int socket_start(MUnit *u) {
        Socket *s = SOCKET(u);
        SocketConfig *c = cfg(u);
        if (!c) return -ENOEXEC;
        if (s->state != SOCKET_DEAD && s->state != SOCKET_FAILED) return -EALREADY;
        if (!c->accept && c->service) {
                MUnit *svc = NULL;
                if (manager_load_unit(u->m, c->service, &svc) < 0 || !svc || !svc->cfg || svc->cfg->load_state != UNIT_LOADED) {
                        log_error("%s: Socket service %s not loaded, refusing.", u->id, c->service);
                        return -ENOENT;
                }
        }
        s->result = SOCKET_SUCCESS;
        ratelimit_reset(&s->trigger_limit);
        run_list(u, SOCKET_START_PRE, SOCKET_EXEC_START_PRE, start_pre_done);
        return 0;
}

static int socket_stop(MUnit *u) {
        Socket *s = SOCKET(u);
        if (s->state == SOCKET_STOP_PRE || s->state == SOCKET_STOP_POST) return 0;
        if (s->control_pid > 0) (void)u->m->ops->kill(s->control_pid, SIGKILL);   /* a start-pre/post task still running */
        event_source_free(s->control_watch);
        s->control_watch = NULL;
        s->control_pid = 0;
        enter_stop_pre(u, SOCKET_SUCCESS);
        return 0;
}

static void socket_reset_failed(MUnit *u) {
        Socket *s = SOCKET(u);
        if (s->state == SOCKET_FAILED) set_state(u, SOCKET_DEAD);
        s->result = SOCKET_SUCCESS;
}

/* ---- activation ---- */

/* TriggerLimitIntervalSec=/TriggerLimitBurst=: false (and the socket fails) when exceeded. */
static bool trigger_allowed(MUnit *u) {
        Socket *s = SOCKET(u);
        SocketConfig *c = cfg(u);
        if (c->trigger_limit_burst == UINT_MAX ||   /* unset: defaults not applied */
            ratelimit_below(&s->trigger_limit, c->trigger_limit_interval, c->trigger_limit_burst, manager_now(u->m, CLOCK_MONOTONIC)))
                return true;
        log_warning("%s: Trigger limit hit, refusing further activation.", u->id);
        enter_stop_pre(u, SOCKET_FAILURE_TRIGGER_LIMIT_HIT);
        return false;
}

static void trigger_service(MUnit *u) {
        SocketConfig *c = cfg(u);
        MUnit *svc = NULL;
        if (manager_load_unit(u->m, c->service, &svc) < 0 || !svc) return enter_stop_pre(u, SOCKET_FAILURE_RESOURCES);
        if (service_failed_for_start_limit(svc)) {
                log_error("%s: Socket service %s is in start-limit-hit state, refusing.", u->id, svc->id);
                return enter_stop_pre(u, SOCKET_FAILURE_SERVICE_START_LIMIT_HIT);
        }
        /* the service takes over: stop watching until it is gone again */
        unwatch_fds(u);
        set_state(u, SOCKET_RUNNING);
        if (UNIT_IS_ACTIVE_OR_RELOADING(svc->state) || svc->state == UNIT_ACTIVATING || (svc->job && svc->job->type == JOB_START)) return;
        int r = manager_add_job(u->m, JOB_START, svc, JOB_REPLACE, NULL);
        if (r < 0 && r != -EALREADY) {
                log_warning("%s: Failed to queue service startup job: %s", u->id, strerror(-r));
                enter_stop_pre(u, SOCKET_FAILURE_RESOURCES);
        }
}

/* systemd 252's instance names: "N-LOCAL-REMOTE" for IP, "N-PID-UID" for AF_UNIX peers. */
static int instance_name(MUnit *u, int cfd, char **ret_instance, char **ret_peer) {
        Socket *s = SOCKET(u);
        struct sockaddr_storage l, r;
        socklen_t ll = sizeof l, rl = sizeof r;
        unsigned nr = s->n_accepted;
        if (getsockname(cfd, (struct sockaddr *)&l, &ll) < 0) return -errno;
        if (l.ss_family == AF_UNIX) {
                struct ucred cred;
                socklen_t cl = sizeof cred;
                if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) return -errno;
                *ret_instance = xasprintf("%u-%d-%u", nr, (int)cred.pid, (unsigned)cred.uid);
                *ret_peer = xasprintf("unix:%u", (unsigned)cred.uid);
        } else if (getpeername(cfd, (struct sockaddr *)&r, &rl) < 0) {
                return -errno;
        } else if (l.ss_family == AF_INET) {
                const struct sockaddr_in *a = (const struct sockaddr_in *)&l, *b = (const struct sockaddr_in *)&r;
                char la[INET_ADDRSTRLEN], ra[INET_ADDRSTRLEN];
                inet_ntop(AF_INET, &a->sin_addr, la, sizeof la);
                inet_ntop(AF_INET, &b->sin_addr, ra, sizeof ra);
                *ret_instance = xasprintf("%u-%s:%u-%s:%u", nr, la, ntohs(a->sin_port), ra, ntohs(b->sin_port));
                *ret_peer = strdup(ra);
        } else if (l.ss_family == AF_INET6) {
                const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&l, *b = (const struct sockaddr_in6 *)&r;
                char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];
                /* v4-mapped addresses are shown as IPv4, as systemd does */
                if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && IN6_IS_ADDR_V4MAPPED(&b->sin6_addr)) {
                        inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], la, sizeof la);
                        inet_ntop(AF_INET, &b->sin6_addr.s6_addr[12], ra, sizeof ra);
                } else {
                        inet_ntop(AF_INET6, &a->sin6_addr, la, sizeof la);
                        inet_ntop(AF_INET6, &b->sin6_addr, ra, sizeof ra);
                }
                *ret_instance = xasprintf("%u-%s:%u-%s:%u", nr, la, ntohs(a->sin6_port), ra, ntohs(b->sin6_port));
                *ret_peer = strdup(ra);
        } else {
                *ret_instance = xasprintf("%u", nr);
                *ret_peer = strdup("?");
        }
        if (!*ret_instance || !*ret_peer) {
                free(*ret_instance);
                free(*ret_peer);
                return -ENOMEM;
        }
        return 0;
}

static unsigned connections_from(MUnit *u, const char *peer) {
        unsigned n = 0;
        for (size_t i = 0; i < u->m->n_list; i++) {
                const char *p = service_accept_peer(u->m->list[i], u);
                if (p && streq(p, peer)) n++;
        }
        return n;
}

static void accept_one(MUnit *u, int lfd) {
        Socket *s = SOCKET(u);
        SocketConfig *c = cfg(u);
        _cleanup_close_ int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (cfd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) log_warning("%s: Failed to accept connection: %m", u->id);
                return;
        }
        if (s->n_connections >= c->max_connections) {
                log_warning("%s: Too many incoming connections (%u), dropping connection.", u->id, s->n_connections);
                return;
        }
        _cleanup_free_ char *instance = NULL, *peer = NULL, *prefix = NULL, *name = NULL;
        int r = instance_name(u, cfd, &instance, &peer);
        if (r < 0) {
                log_warning("%s: Failed to name the connection's instance: %s", u->id, strerror(-r));
                return;
        }
        if (c->max_connections_per_source > 0 && connections_from(u, peer) >= c->max_connections_per_source) {
                log_warning("%s: Too many incoming connections (%u) from source %s, dropping connection.", u->id,
                            connections_from(u, peer), peer);
                return;
        }
        if (unit_name_to_prefix(u->id, &prefix) < 0 || unit_name_build(prefix, instance, ".service", &name) < 0) {
                log_warning("%s: Invalid instance name for connection: %s", u->id, instance);
                return;
        }
        MUnit *svc = NULL;
        if ((r = manager_load_unit(u->m, name, &svc)) < 0 || !svc || !svc->cfg || svc->cfg->load_state != UNIT_LOADED) {
                log_error("%s: Failed to load connection service %s.", u->id, name);
                return;
        }
        s->n_accepted++;
        s->n_connections++;
        if (service_set_socket_fd(svc, TAKE_FD(cfd), u, TAKE_PTR(peer)) < 0) return;
        r = manager_add_job(u->m, JOB_START, svc, JOB_REPLACE, NULL);
        if (r < 0 && r != -EALREADY) {
                log_warning("%s: Failed to queue service startup job: %s", u->id, strerror(-r));
                /* not started: the connection is closed and counted out */
                service_set_socket_fd(svc, -1, NULL, NULL);
                socket_connection_done(u);
        }
}

/* What arrives while no service may start is dropped (systemd's flush_ports()), a bounded amount
 * per wake-up, or the loop would wake for it forever. */
static void flush_fd(int fd, bool is_socket, bool can_accept) {
        char buf[512];
        for (int n = 0; n < 64; n++) {
                if (can_accept) {
                        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                        if (cfd < 0) return;
                        close(cfd);
                } else if (is_socket) {
                        if (recv(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC) < 0) return;
                } else {
                        (void)!read(fd, buf, sizeof buf);   /* a FIFO: readable now, once */
                        return;
                }
        }
}

static int on_io(EventSource *src, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        Socket *s = SOCKET(u);
        SocketConfig *c = cfg(u);
        (void)src;
        if (s->state != SOCKET_LISTENING) return 0;
        if (revents & EPOLLERR) log_warning("%s: Got unexpected poll event (0x%x) on socket.", u->id, revents);
        size_t i = 0;
        while (i < s->n_fds && s->fds[i] != fd) i++;
        bool is_socket = i < c->n_ports && c->ports[i].type == SOCKET_PORT_SOCKET;
        bool can_accept = is_socket && socket_address_can_accept(&c->ports[i].address);
        /* no activation once the socket is to stop or the container is: e.g. the journal forwarding
         * to syslog.socket after rsyslog stopped ("Failed to queue service startup job" before) */
        if ((u->job && u->job->type == JOB_STOP) || u->m->shutting_down) {
                log_debug("%s: Suppressing connection request since unit stop is scheduled.", u->id);
                flush_fd(fd, is_socket, can_accept);
                return 0;
        }
        if (!trigger_allowed(u)) return 0;
        if (c->accept && can_accept) accept_one(u, fd);
        else trigger_service(u);
        return 0;
}

void socket_connection_done(MUnit *u) {
        Socket *s = SOCKET(u);
        if (s && s->n_connections > 0) s->n_connections--;
}

static void socket_trigger_notify(MUnit *u, MUnit *other) {
        Socket *s = SOCKET(u);
        if (!u->cfg || !u->cfg->socket || cfg(u)->accept) return;
        if (s->state != SOCKET_RUNNING && s->state != SOCKET_LISTENING) return;
        /* the service hit its start limit: the socket gives up too, as systemd's does */
        if (service_failed_for_start_limit(other))
                return enter_stop_pre(u, SOCKET_FAILURE_SERVICE_START_LIMIT_HIT);
        bool gone = UNIT_IS_INACTIVE_OR_FAILED(other->state) && !(other->job && other->job->type != JOB_STOP) &&
                    !(other->vt->restart_pending && other->vt->restart_pending(other));
        if (s->state == SOCKET_RUNNING && gone) enter_listening(u);
        else if (s->state == SOCKET_LISTENING && !UNIT_IS_INACTIVE_OR_FAILED(other->state)) {
                /* started by other means: it owns the fds now */
                unwatch_fds(u);
                set_state(u, SOCKET_RUNNING);
        }
}

int socket_collect_fds(MUnit *svc, int **ret_fds, const char ***ret_names, size_t *ret_n) {
        int *fds = NULL;
        const char **names = NULL;
        size_t n = 0;
        MUnit *const *triggers;
        size_t n_triggers = munit_dependencies(svc, UNIT_TRIGGERED_BY, &triggers);
        for (size_t k = 0; k < n_triggers; k++) {
                MUnit *u = triggers[k];
                Socket *s = SOCKET(u);
                if (!s || !u->cfg || u->cfg->socket->accept) continue;
                for (size_t i = 0; i < s->n_fds; i++) {
                        if (s->fds[i] < 0) continue;
                        int *nf = realloc(fds, (n + 1) * sizeof *nf);
                        if (nf) fds = nf;
                        const char **nn = realloc(names, (n + 1) * sizeof *nn);
                        if (nn) names = nn;
                        if (!nf || !nn) {
                                free(fds);
                                free(names);
                                return -ENOMEM;
                        }
                        fds[n] = s->fds[i];
                        names[n] = u->cfg->socket->fdname ? u->cfg->socket->fdname : u->id;
                        n++;
                }
        }
        *ret_fds = fds;
        *ret_names = names;
        *ret_n = n;
        return 0;
}

static const char *socket_sub_state(const MUnit *u) {
        return socket_state_to_string(((const Socket *)u)->state);
}

static pid_t socket_control_pid(const MUnit *u) {
        return ((const Socket *)u)->control_pid;
}

static const char *socket_job_done_verb(const MUnit *u, JobType t, JobResult r) {
        (void)u;
        if (t == JOB_START) return r == JOB_DONE ? "Listening on " : r == JOB_FAILED ? "Failed to listen on " : NULL;
        if ((t == JOB_STOP || t == JOB_RESTART) && r == JOB_DONE) return "Closed ";
        return NULL;
}

/* The command being run is found again in the new configuration, or the rest of its list is not
 * run (as for services: systemd 252's sockets resume their list at its first command). */
static void socket_config_changed(MUnit *u, const Unit *old) {
        exec_command_ref_reloaded(&SOCKET(u)->control_cmd, old->socket->exec_command, u->cfg->socket->exec_command, u->id);
}

/* --exit-on-failure: the status that names the result (exit-policy.h) */
static int socket_failure_exit_status(const Socket *s) {
        switch (s->result) {
        case SOCKET_FAILURE_RESOURCES: return EXIT_POLICY_RESOURCES;
        case SOCKET_FAILURE_TIMEOUT: return EXIT_POLICY_TIMEOUT;
        case SOCKET_FAILURE_EXIT_CODE: return 1;
        case SOCKET_FAILURE_START_LIMIT_HIT: case SOCKET_FAILURE_TRIGGER_LIMIT_HIT:
        case SOCKET_FAILURE_SERVICE_START_LIMIT_HIT:
                return EXIT_POLICY_START_LIMIT;
        default: return EXIT_POLICY_OTHER;
        }
}

static const char *socket_failure_result(const MUnit *u, int *ret_exit_status) {
        const Socket *s = SOCKET_CONST(u);
        *ret_exit_status = socket_failure_exit_status(s);
        return socket_result_to_string(s->result);
}

const UnitVTable socket_vtable = {
        .object_size = sizeof(Socket),
        .init = socket_init,
        .done = socket_done,
        .start = socket_start,
        .stop = socket_stop,
        .start_limit = true,
        .sub_state = socket_sub_state,
        .reset_failed = socket_reset_failed,
        .trigger_notify = socket_trigger_notify,
        .config_changed = socket_config_changed,
        .control_pid = socket_control_pid,
        .job_done_verb = socket_job_done_verb,
        .failure_result = socket_failure_result,
};
