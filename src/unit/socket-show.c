/* SPDX-License-Identifier: MIT */
/* systemctl show for [Socket]: org.freedesktop.systemd1.Socket's properties in systemd 252's
 * order and value formats (bools yes/no, modes %04o, time spans format_timespan, -1 unset ints). */
#include <inttypes.h>
#include "base/strv.h"
#include "unit/unit.h"

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

/* A single-line string property: newlines make it "[unprintable]", as systemctl prints it. */
static int put_str(Buf *out, const char *name, const char *v) {
        v = strempty(v);
        return buf_printf(out, "%s=%s\n", name, strchr(v, '\n') ? "[unprintable]" : v);
}

static int put_usec(Buf *out, const char *name, usec_t t) {
        char buf[FORMAT_TIMESPAN_MAX];
        return buf_printf(out, "%s=%s\n", name, format_timespan(buf, sizeof buf, t, 0));
}

/* "as": space separated; an element with a space or newline is shown as "[unprintable]". */
static int put_strv(Buf *out, const char *name, char *const *l) {
        int r = buf_printf(out, "%s=", name);
        STRV_FOREACH(s, l)
                if (r >= 0) r = buf_printf(out, "%s%s", s == l ? "" : " ", (*s)[strcspn(*s, " \n")] ? "[unprintable]" : *s);
        return r < 0 ? r : buf_putc(out, '\n');
}

/* Listen=: one "ADDRESS (Type)" line per port, in file order; none when empty. */
static int put_listen(Buf *out, const SocketConfig *c) {
        for (size_t i = 0; i < c->n_ports; i++) {
                const SocketPort *p = &c->ports[i];
                _cleanup_free_ char *a = NULL;
                if (p->type == SOCKET_PORT_SOCKET) {
                        int r = socket_address_format(&p->address, &a);
                        if (r < 0) return r;
                }
                int r = buf_printf(out, "Listen=%s (%s)\n", a ? a : p->path, socket_port_type_to_string(p));
                if (r < 0) return r;
        }
        return 0;
}

static int put_exec(Buf *out, const char *name, const ExecCommand *c) {
        for (; c; c = c->next) {
                _cleanup_free_ char *s = exec_command_format_show(c, false);
                if (!s) return -ENOMEM;
                int r = buf_printf(out, "%s=%s\n", name, s);
                if (r < 0) return r;
        }
        return 0;
}

static int show_options(Buf *out, const SocketConfig *c) {
        int r = buf_printf(out,
                           "KeepAlive=%s\n", yes_no(c->keep_alive));
        if (r >= 0) r = put_usec(out, "KeepAliveTimeUSec", c->keep_alive_time);
        if (r >= 0) r = put_usec(out, "KeepAliveIntervalUSec", c->keep_alive_interval);
        if (r >= 0) r = buf_printf(out, "KeepAliveProbes=%u\n", c->keep_alive_cnt);
        if (r >= 0) r = put_usec(out, "DeferAcceptUSec", c->defer_accept);
        if (r >= 0)
                r = buf_printf(out,
                               "NoDelay=%s\nPriority=%d\nReceiveBuffer=%" PRIu64 "\nSendBuffer=%" PRIu64 "\n"
                               "IPTOS=%d\nIPTTL=%d\nPipeSize=%" PRIu64 "\nFreeBind=%s\nTransparent=%s\n"
                               "Broadcast=%s\nPassCredentials=%s\nPassSecurity=%s\nPassPacketInfo=%s\n"
                               "Timestamping=%s\nRemoveOnStop=%s\n",
                               yes_no(c->no_delay), c->priority, c->receive_buffer, c->send_buffer, c->ip_tos,
                               c->ip_ttl, c->pipe_size, yes_no(c->free_bind), yes_no(c->transparent),
                               yes_no(c->broadcast), yes_no(c->pass_cred), yes_no(c->pass_sec),
                               yes_no(c->pass_pktinfo), socket_timestamping_to_string(c->timestamping),
                               yes_no(c->remove_on_stop));
        return r;
}

int socket_config_show(const Unit *u, Buf *out) {
        const SocketConfig *c = u->socket;
        if (!c) return 0;
        int r = buf_printf(out, "BindIPv6Only=%s\nBacklog=%u\n", socket_bind_ipv6_only_to_string(c->bind_ipv6_only), c->backlog);
        if (r >= 0) r = put_usec(out, "TimeoutUSec", c->timeout_usec);
        if (r >= 0) r = put_str(out, "BindToDevice", c->bind_to_device);
        if (r >= 0) r = put_str(out, "SocketUser", c->user);
        if (r >= 0) r = put_str(out, "SocketGroup", c->group);
        if (r >= 0)
                r = buf_printf(out, "SocketMode=%04o\nDirectoryMode=%04o\nAccept=%s\nFlushPending=%s\nWritable=%s\n",
                               (unsigned)c->socket_mode, (unsigned)c->directory_mode, yes_no(c->accept),
                               yes_no(c->flush_pending), yes_no(c->writable));
        if (r >= 0) r = show_options(out, c);
        if (r >= 0) r = put_listen(out, c);
        if (r >= 0) r = put_strv(out, "Symlinks", c->symlinks);
        if (r >= 0)
                r = buf_printf(out, "Mark=%d\nMaxConnections=%u\nMaxConnectionsPerSource=%u\n"
                               "MessageQueueMaxMessages=%ld\nMessageQueueMessageSize=%ld\n",
                               c->mark, c->max_connections, c->max_connections_per_source, c->mq_maxmsg, c->mq_msgsize);
        if (r >= 0) r = put_str(out, "TCPCongestion", c->tcp_congestion);
        if (r >= 0) r = buf_printf(out, "ReusePort=%s\n", yes_no(c->reuse_port));
        if (r >= 0) r = put_str(out, "SmackLabel", c->smack);
        if (r >= 0) r = put_str(out, "SmackLabelIPIn", c->smack_ip_in);
        if (r >= 0) r = put_str(out, "SmackLabelIPOut", c->smack_ip_out);
        /* runtime state of a socket that is not running */
        if (r >= 0) r = buf_puts(out, "ControlPID=0\nResult=success\nNConnections=0\nNAccepted=0\nNRefused=0\n");
        if (r >= 0) r = put_str(out, "FileDescriptorName", c->fdname ? c->fdname : u->id);
        if (r >= 0) r = buf_printf(out, "SocketProtocol=%d\n", c->socket_protocol);
        if (r >= 0) r = put_usec(out, "TriggerLimitIntervalUSec", c->trigger_limit_interval);
        if (r >= 0) r = buf_printf(out, "TriggerLimitBurst=%u\nUID=[not set]\nGID=[not set]\n", c->trigger_limit_burst);
        for (int i = 0; r >= 0 && i < _SOCKET_EXEC_COMMAND_MAX; i++)
                r = put_exec(out, socket_exec_command_to_string(i), c->exec_command[i]);
        return r;
}
