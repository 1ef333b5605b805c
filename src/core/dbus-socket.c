/* SPDX-License-Identifier: MIT */
/* org.freedesktop.systemd1.Socket's own properties, systemd 252's names, D-Bus types and order:
 * the configuration and the socket's runtime state. */
#include <inttypes.h>
#include "core/dbus-internal.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)

/* A socket unit that did not load shows the defaults of a fresh configuration. */
static const SocketConfig *sockcfg(void *o) {
        static SocketConfig *def, zero;
        if (C(o) && C(o)->socket) return C(o)->socket;
        if (!def) def = socket_config_new();   /* kept for the process's life */
        return def ? def : &zero;
}

#define S_STR(fn, expr) static int fn(BusMessage *m, void *o) { const SocketConfig *c = sockcfg(o); return bus_append_string(m, (expr)); }
#define S_BOOL(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_bool(m, sockcfg(o)->field); }
#define S_U32(fn, expr) static int fn(BusMessage *m, void *o) { const SocketConfig *c = sockcfg(o); return bus_append_u32(m, (expr)); }
#define S_I32(fn, expr) static int fn(BusMessage *m, void *o) { const SocketConfig *c = sockcfg(o); return bus_append_i32(m, (expr)); }
#define S_U64(fn, expr) static int fn(BusMessage *m, void *o) { const SocketConfig *c = sockcfg(o); return bus_append_u64(m, (expr)); }

S_STR(g_bind_ipv6_only, socket_bind_ipv6_only_to_string(c->bind_ipv6_only))
S_U32(g_backlog, c->backlog)
S_U64(g_timeout, c->timeout_usec)
S_STR(g_bind_to_device, c->bind_to_device)
S_STR(g_user, c->user)
S_STR(g_group, c->group)
S_U32(g_socket_mode, (uint32_t)c->socket_mode)
S_U32(g_directory_mode, (uint32_t)c->directory_mode)
S_BOOL(g_accept, accept)
S_BOOL(g_flush_pending, flush_pending)
S_BOOL(g_writable, writable)
S_BOOL(g_keep_alive, keep_alive)
S_U64(g_keep_alive_time, c->keep_alive_time)
S_U64(g_keep_alive_interval, c->keep_alive_interval)
S_U32(g_keep_alive_probes, c->keep_alive_cnt)
S_U64(g_defer_accept, c->defer_accept)
S_BOOL(g_no_delay, no_delay)
S_I32(g_priority, c->priority)
S_U64(g_receive_buffer, c->receive_buffer)
S_U64(g_send_buffer, c->send_buffer)
S_I32(g_ip_tos, c->ip_tos)
S_I32(g_ip_ttl, c->ip_ttl)
S_U64(g_pipe_size, c->pipe_size)
S_BOOL(g_free_bind, free_bind)
S_BOOL(g_transparent, transparent)
S_BOOL(g_broadcast, broadcast)
S_BOOL(g_pass_cred, pass_cred)
S_BOOL(g_pass_sec, pass_sec)
S_BOOL(g_pass_pktinfo, pass_pktinfo)
S_STR(g_timestamping, socket_timestamping_to_string(c->timestamping))
S_BOOL(g_remove_on_stop, remove_on_stop)

/* a(ss): (type, address) per port, in file order */
static int g_listen(BusMessage *m, void *o) {
        const SocketConfig *c = sockcfg(o);
        int r = bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; i < c->n_ports && r >= 0; i++) {
                const SocketPort *p = &c->ports[i];
                _cleanup_free_ char *a = NULL;
                if (p->type == SOCKET_PORT_SOCKET && socket_address_format(&p->address, &a) < 0) return -ENOMEM;
                r = bus_message_append(m, "(ss)", socket_port_type_to_string(p), a ? a : p->path);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_symlinks(BusMessage *m, void *o) { return bus_append_strv(m, sockcfg(o)->symlinks); }
S_I32(g_mark, c->mark)
S_U32(g_max_connections, c->max_connections)
S_U32(g_max_connections_per_source, c->max_connections_per_source)
static int g_mq_maxmsg(BusMessage *m, void *o) { int64_t v = sockcfg(o)->mq_maxmsg; return bus_message_append_basic(m, 'x', &v); }
static int g_mq_msgsize(BusMessage *m, void *o) { int64_t v = sockcfg(o)->mq_msgsize; return bus_message_append_basic(m, 'x', &v); }
S_STR(g_tcp_congestion, c->tcp_congestion)
S_BOOL(g_reuse_port, reuse_port)
S_STR(g_smack, c->smack)
S_STR(g_smack_ip_in, c->smack_ip_in)
S_STR(g_smack_ip_out, c->smack_ip_out)
static int g_result(BusMessage *m, void *o) { return bus_append_string(m, socket_result_to_string(SOCKET(U(o))->result)); }
static int g_n_connections(BusMessage *m, void *o) { return bus_append_u32(m, SOCKET(U(o))->n_connections); }
static int g_n_accepted(BusMessage *m, void *o) { return bus_append_u32(m, SOCKET(U(o))->n_accepted); }
static int g_fdname(BusMessage *m, void *o) { const SocketConfig *c = sockcfg(o); return bus_append_string(m, c->fdname ? c->fdname : U(o)->id); }
S_I32(g_socket_protocol, c->socket_protocol)
S_U64(g_trigger_limit_interval, c->trigger_limit_interval)
S_U32(g_trigger_limit_burst, c->trigger_limit_burst)
#define SOCK_EXEC(fn, idx) \
        static int fn(BusMessage *m, void *o) { return bus_append_exec_commands(m, U(o), sockcfg(o)->exec_command[idx], false); }
SOCK_EXEC(g_exec_start_pre, SOCKET_EXEC_START_PRE)
SOCK_EXEC(g_exec_start_post, SOCKET_EXEC_START_POST)
SOCK_EXEC(g_exec_stop_pre, SOCKET_EXEC_STOP_PRE)
SOCK_EXEC(g_exec_stop_post, SOCKET_EXEC_STOP_POST)

const BusProperty bus_socket_properties[] = {
        { "BindIPv6Only", "s", g_bind_ipv6_only },
        { "Backlog", "u", g_backlog },
        { "TimeoutUSec", "t", g_timeout },
        { "BindToDevice", "s", g_bind_to_device },
        { "SocketUser", "s", g_user },
        { "SocketGroup", "s", g_group },
        { "SocketMode", "u", g_socket_mode },
        { "DirectoryMode", "u", g_directory_mode },
        { "Accept", "b", g_accept },
        { "FlushPending", "b", g_flush_pending },
        { "Writable", "b", g_writable },
        { "KeepAlive", "b", g_keep_alive },
        { "KeepAliveTimeUSec", "t", g_keep_alive_time },
        { "KeepAliveIntervalUSec", "t", g_keep_alive_interval },
        { "KeepAliveProbes", "u", g_keep_alive_probes },
        { "DeferAcceptUSec", "t", g_defer_accept },
        { "NoDelay", "b", g_no_delay },
        { "Priority", "i", g_priority },
        { "ReceiveBuffer", "t", g_receive_buffer },
        { "SendBuffer", "t", g_send_buffer },
        { "IPTOS", "i", g_ip_tos },
        { "IPTTL", "i", g_ip_ttl },
        { "PipeSize", "t", g_pipe_size },
        { "FreeBind", "b", g_free_bind },
        { "Transparent", "b", g_transparent },
        { "Broadcast", "b", g_broadcast },
        { "PassCredentials", "b", g_pass_cred },
        { "PassSecurity", "b", g_pass_sec },
        { "PassPacketInfo", "b", g_pass_pktinfo },
        { "Timestamping", "s", g_timestamping },
        { "RemoveOnStop", "b", g_remove_on_stop },
        { "Listen", "a(ss)", g_listen },
        { "Symlinks", "as", g_symlinks },
        { "Mark", "i", g_mark },
        { "MaxConnections", "u", g_max_connections },
        { "MaxConnectionsPerSource", "u", g_max_connections_per_source },
        { "MessageQueueMaxMessages", "x", g_mq_maxmsg },
        { "MessageQueueMessageSize", "x", g_mq_msgsize },
        { "TCPCongestion", "s", g_tcp_congestion },
        { "ReusePort", "b", g_reuse_port },
        { "SmackLabel", "s", g_smack },
        { "SmackLabelIPIn", "s", g_smack_ip_in },
        { "SmackLabelIPOut", "s", g_smack_ip_out },
        { "ControlPID", "u", bus_service_control_pid },
        { "Result", "s", g_result },
        { "NConnections", "u", g_n_connections },
        { "NAccepted", "u", g_n_accepted },
        { "NRefused", "u", bus_get_zero_u32 },
        { "FileDescriptorName", "s", g_fdname },
        { "SocketProtocol", "i", g_socket_protocol },
        { "TriggerLimitIntervalUSec", "t", g_trigger_limit_interval },
        { "TriggerLimitBurst", "u", g_trigger_limit_burst },
        { "UID", "u", bus_get_max_u32 },
        { "GID", "u", bus_get_max_u32 },
        { "ExecStartPre", "a(sasbttttuii)", g_exec_start_pre },
        { "ExecStartPost", "a(sasbttttuii)", g_exec_start_post },
        { "ExecStopPre", "a(sasbttttuii)", g_exec_stop_pre },
        { "ExecStopPost", "a(sasbttttuii)", g_exec_stop_post },
        { NULL },
};
