/* SPDX-License-Identifier: MIT */
/* The [Socket] directive table and its specific parsers. Messages and what is fatal follow
 * systemd 252's load-fragment.c (checked with systemd-analyze verify). */
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/specifier.h"
#include "unit/unit.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

enum {
        LISTEN_STREAM, LISTEN_DATAGRAM, LISTEN_SEQPACKET, LISTEN_NETLINK,
        LISTEN_FIFO, LISTEN_SPECIAL, LISTEN_MQUEUE, LISTEN_USB_FUNCTION,
};

static void socket_free_ports(SocketConfig *c) {
        for (size_t i = 0; i < c->n_ports; i++) socket_port_done(&c->ports[i]);
        free(c->ports);
        c->ports = NULL;
        c->n_ports = 0;
}

static int socket_add_port(SocketConfig *c, SocketPort *p) {
        SocketPort *n = realloc(c->ports, (c->n_ports + 1) * sizeof *n);
        if (!n) {
                socket_port_done(p);
                return log_oom();
        }
        c->ports = n;
        c->ports[c->n_ports++] = *p;
        return 0;
}

/* systemd's patch_var_run(): /var/run/ is a legacy symlink to /run/, so file-system sockets and
 * FIFOs below it are moved there, with a notice. */
static int patch_var_run(const ConfigItem *it, char **path) {
        const char *e = startswith(*path, "/var/run/");
        if (!e) return 0;
        char *z = strjoin("/run/", e);
        if (!z) return log_oom();
        log_syntax(it->file, it->line, LOG_NOTICE, 0,
                   "%s= references a path below legacy directory /var/run/, updating %s \u2192 %s; "
                   "please update the unit file accordingly.", it->key, *path, z);
        free(*path);
        *path = z;
        return 0;
}

/* Parse the (expanded) value of a Listen*= of the given kind into p; 0 with p->type set, or
 * 1 when a warning was logged and the setting is to be ignored. */
static int listen_parse(const ConfigItem *it, int kind, char *k, SocketPort *p) {
        static const SocketPortType path_types[] = {
                [LISTEN_FIFO] = SOCKET_PORT_FIFO, [LISTEN_SPECIAL] = SOCKET_PORT_SPECIAL,
                [LISTEN_MQUEUE] = SOCKET_PORT_MQUEUE, [LISTEN_USB_FUNCTION] = SOCKET_PORT_USB_FUNCTION,
        };
        static const int sock_types[] = {
                [LISTEN_STREAM] = SOCK_STREAM, [LISTEN_DATAGRAM] = SOCK_DGRAM, [LISTEN_SEQPACKET] = SOCK_SEQPACKET,
        };
        int r;
        if (kind >= LISTEN_FIFO) {
                if (config_path_simplify_and_warn(it, k) < 0) return 1;
                p->type = path_types[kind];
                if (!(p->path = strdup(k))) return log_oom();
                return kind == LISTEN_FIFO ? patch_var_run(it, &p->path) : 0;
        }
        p->type = SOCKET_PORT_SOCKET;
        r = kind == LISTEN_NETLINK ? socket_address_parse_netlink(k, &p->address) : socket_address_parse(k, &p->address);
        if (r == -ENOMEM) return log_oom();
        if (r < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, r, "Failed to parse address value in '%s', ignoring: %m", k);
                return 1;
        }
        if (kind == LISTEN_NETLINK) return 0;
        p->address.type = sock_types[kind];
        if (p->address.family == AF_UNIX && p->address.path[0] == '/' && patch_var_run(it, &p->address.path) < 0)
                return -ENOMEM;
        if (p->address.family != AF_UNIX && p->address.type == SOCK_SEQPACKET) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Address family not supported, ignoring: %s", it->value);
                return 1;
        }
        return 0;
}

/* Listen*=: data is the SocketConfig. An empty value drops every port, of any kind. */
static int parse_listen(const ConfigItem *it, Unit *u, int ltype, void *data) {
        SocketConfig *c = data;
        if (isempty(it->value)) {
                socket_free_ports(c);
                return 0;
        }
        _cleanup_free_ char *k = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        SocketPort p = {0};
        int r = listen_parse(it, ltype, k, &p);
        if (r != 0) {
                socket_port_done(&p);
                return r < 0 ? r : 0;
        }
        return socket_add_port(c, &p);
}

static int parse_socket_protocol(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        unsigned n = 0;
        int proto = streq(it->value, "udplite") ? IPPROTO_UDPLITE :
                    streq(it->value, "sctp") ? IPPROTO_SCTP :
                    safe_atou(it->value, &n) >= 0 ? (int)n : -1;
        if (proto != IPPROTO_UDPLITE && proto != IPPROTO_SCTP) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse socket protocol, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = proto;
        return 0;
}

static int parse_bind_ipv6_only(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = string_table_lookup((const char *const[]){ "default", "both", "ipv6-only" }, 3, it->value);
        if (b < 0) {
                int k = parse_boolean(it->value);
                if (k < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse bind IPv6 only value, ignoring: %s", it->value);
                        return 0;
                }
                b = k ? SOCKET_ADDRESS_IPV6_ONLY : SOCKET_ADDRESS_BOTH;
        }
        *(SocketBindIPv6Only *)data = (SocketBindIPv6Only)b;
        return 0;
}

static int parse_timestamping(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        const char *v = it->value;
        int t = streq(v, "off") ? SOCKET_TIMESTAMPING_OFF :
                (streq(v, "us") || streq(v, "usec") || streq(v, "µs") || streq(v, "μs")) ? SOCKET_TIMESTAMPING_US :
                (streq(v, "ns") || streq(v, "nsec")) ? SOCKET_TIMESTAMPING_NS : -1;
        if (t < 0) {
                int k = parse_boolean(v);   /* "yes" means the finest precision */
                if (k < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse timestamping precision, ignoring: %s", v);
                        return 0;
                }
                t = k ? SOCKET_TIMESTAMPING_NS : SOCKET_TIMESTAMPING_OFF;
        }
        *(SocketTimestamping *)data = (SocketTimestamping)t;
        return 0;
}

/* IPTOS=: a name of ip(7)'s IP_TOS or a number 0..255; empty unsets. */
static int parse_ip_tos(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const struct { const char *name; int tos; } names[] = {
                { "low-delay", IPTOS_LOWDELAY }, { "throughput", IPTOS_THROUGHPUT },
                { "reliability", IPTOS_RELIABILITY }, { "low-cost", IPTOS_MINCOST },
        };
        if (isempty(it->value)) {
                *(int *)data = -1;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(it->value, names[i].name)) {
                        *(int *)data = names[i].tos;
                        return 0;
                }
        unsigned n;
        if (safe_atou(it->value, &n) < 0 || n > 0xff) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse IP TOS value, ignoring: %s", it->value);
                return 0;
        }
        *(int *)data = (int)n;
        return 0;
}

static int parse_long(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int64_t v;
        if (safe_atoi64(it->value, &v) < 0 || v < LONG_MIN || v > LONG_MAX) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse long value, ignoring: %s", it->value);
                return 0;
        }
        *(long *)data = (long)v;
        return 0;
}

/* systemd's ifname_valid() for BindToDevice=: "*" or empty clears it. */
static int parse_bind_to_device(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        char **s = data;
        const char *v = it->value;
        size_t n = strlen(v);
        if (isempty(v) || streq(v, "*")) {
                free(*s);
                *s = NULL;
                return 0;
        }
        bool ok = n < IF_NAMESIZE && !streq(v, ".") && !streq(v, "..");
        for (const char *p = v; ok && *p; p++)
                ok = (unsigned char)*p > 32 && (unsigned char)*p < 127 && !strchr(":/%", *p);
        if (!ok) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Invalid interface name, ignoring: %s", v);
                return 0;
        }
        return free_and_strdup(s, v) < 0 ? log_oom() : 0;
}

static bool valid_uid_string(const char *s) {
        unsigned n;
        if (!*s || strspn(s, DIGITS) != strlen(s) || safe_atou(s, &n) < 0) return false;
        return n != 65535u && n != UINT32_MAX;   /* the 16 bit and 32 bit "nobody (-1)" */
}

static bool valid_user_name_strict(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > 31 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
        for (size_t i = 1; i < n; i++)
                if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || (s[i] == '$' && i == n - 1)))
                        return false;
        return true;
}

/* systemd's valid_user_group_name(ALLOW_NUMERIC|RELAX|WARN). */
static bool valid_user_group_name_relaxed(const char *s) {
        if (valid_uid_string(s)) return true;
        if (isempty(s) || strpbrk(s, ":/") || strspn(s, DIGITS) == strlen(s) || streq(s, ".") || streq(s, ".."))
                return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char)*p < ' ' || *p == 0x7f) return false;
        if (strchr(WHITESPACE, s[0]) || strchr(WHITESPACE, s[strlen(s) - 1])) return false;
        if (!valid_user_name_strict(s))
                log_notice("Accepting user/group name '%s', which does not match strict user/group name rules.", s);
        return true;
}

/* SocketUser=, SocketGroup=: an invalid name makes the unit fail to load, as in systemd. */
static int parse_user_group(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        _cleanup_free_ char *k = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return -ENOEXEC;
        if (!valid_user_group_name_relaxed(k)) {
                log_syntax(it->file, it->line, LOG_ERR, EINVAL, "Invalid user/group name or numeric ID: %s", k);
                return -ENOEXEC;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

static int parse_exec(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return exec_command_parse(it, u, data);
}

/* Service=: a loadable .service name. */
static int parse_service(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        SocketConfig *c = data;
        _cleanup_free_ char *p = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_NAME, &p) < 0) return 0;
        if (!endswith(p, ".service")) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Unit must be of type service, ignoring: %s", it->value);
                return 0;
        }
        if (!unit_name_is_valid(p, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                bool templ = unit_name_is_valid(p, UNIT_NAME_TEMPLATE);
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to load unit %s, ignoring: Unit name %s %s",
                           it->value, p, templ ? "is missing the instance name." : "is not valid.");
                return 0;
        }
        free(c->service);
        c->service = TAKE_PTR(p);
        c->service_explicit = true;
        return 0;
}

/* Symlinks=: absolute paths, specifiers expanded; empty resets. */
static int parse_symlinks(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        if (isempty(it->value)) {
                strv_index_reset(config_lists(u), l);
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                ConfigItem w = *it;
                w.value = word;
                if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) continue;
                if (config_path_simplify_and_warn(it, k) < 0) continue;
                if (strv_index_push(config_lists(u), l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

/* FileDescriptorName=: printable ASCII without ':', at most 255 bytes (sd_listen_fds_with_names()). */
static int parse_fdname(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        _cleanup_free_ char *k = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        bool ok = strlen(k) <= 255;
        for (const char *p = k; ok && *p; p++) ok = (unsigned char)*p >= ' ' && (unsigned char)*p < 127 && *p != ':';
        if (!ok) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Invalid file descriptor name, ignoring: %s", k);
                return 0;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

#define F(field) BASE_TYPE, offsetof(SocketConfig, field)
#define LISTEN(key, kind) { key, parse_listen, kind, BASE_TYPE, 0 }
#define EXEC(key, idx) { key, parse_exec, idx, F(exec_command[idx]) }
static const Directive socket_directives[] = {
        LISTEN("ListenStream", LISTEN_STREAM),
        LISTEN("ListenDatagram", LISTEN_DATAGRAM),
        LISTEN("ListenSequentialPacket", LISTEN_SEQPACKET),
        LISTEN("ListenFIFO", LISTEN_FIFO),
        LISTEN("ListenNetlink", LISTEN_NETLINK),
        LISTEN("ListenSpecial", LISTEN_SPECIAL),
        LISTEN("ListenMessageQueue", LISTEN_MQUEUE),
        LISTEN("ListenUSBFunction", LISTEN_USB_FUNCTION),
        { "SocketProtocol", parse_socket_protocol, 0, F(socket_protocol) },
        { "BindIPv6Only", parse_bind_ipv6_only, 0, F(bind_ipv6_only) },
        { "Backlog", config_parse_unsigned, 0, F(backlog) },
        { "BindToDevice", parse_bind_to_device, 0, F(bind_to_device) },
        EXEC("ExecStartPre", SOCKET_EXEC_START_PRE),
        EXEC("ExecStartPost", SOCKET_EXEC_START_POST),
        EXEC("ExecStopPre", SOCKET_EXEC_STOP_PRE),
        EXEC("ExecStopPost", SOCKET_EXEC_STOP_POST),
        { "TimeoutSec", config_parse_sec_fix_0, 0, F(timeout_usec) },
        { "SocketUser", parse_user_group, 0, F(user) },
        { "SocketGroup", parse_user_group, 0, F(group) },
        { "SocketMode", config_parse_mode, 0, F(socket_mode) },
        { "DirectoryMode", config_parse_mode, 0, F(directory_mode) },
        { "Accept", config_parse_bool, 0, F(accept) },
        { "FlushPending", config_parse_bool, 0, F(flush_pending) },
        { "Writable", config_parse_bool, 0, F(writable) },
        { "MaxConnections", config_parse_unsigned, 0, F(max_connections) },
        { "MaxConnectionsPerSource", config_parse_unsigned, 0, F(max_connections_per_source) },
        { "KeepAlive", config_parse_bool, 0, F(keep_alive) },
        { "KeepAliveTimeSec", config_parse_sec, 0, F(keep_alive_time) },
        { "KeepAliveIntervalSec", config_parse_sec, 0, F(keep_alive_interval) },
        { "KeepAliveProbes", config_parse_unsigned, 0, F(keep_alive_cnt) },
        { "DeferAcceptSec", config_parse_sec, 0, F(defer_accept) },
        { "NoDelay", config_parse_bool, 0, F(no_delay) },
        { "Priority", config_parse_int, 0, F(priority) },
        { "ReceiveBuffer", config_parse_iec_size, 0, F(receive_buffer) },
        { "SendBuffer", config_parse_iec_size, 0, F(send_buffer) },
        { "IPTOS", parse_ip_tos, 0, F(ip_tos) },
        { "IPTTL", config_parse_int, 0, F(ip_ttl) },
        { "Mark", config_parse_int, 0, F(mark) },
        { "PipeSize", config_parse_iec_size, 0, F(pipe_size) },
        { "FreeBind", config_parse_bool, 0, F(free_bind) },
        { "Transparent", config_parse_bool, 0, F(transparent) },
        { "Broadcast", config_parse_bool, 0, F(broadcast) },
        { "PassCredentials", config_parse_bool, 0, F(pass_cred) },
        { "PassSecurity", config_parse_bool, 0, F(pass_sec) },
        { "PassPacketInfo", config_parse_bool, 0, F(pass_pktinfo) },
        { "Timestamping", parse_timestamping, 0, F(timestamping) },
        { "TCPCongestion", config_parse_string, 0, F(tcp_congestion) },
        { "ReusePort", config_parse_bool, 0, F(reuse_port) },
        { "MessageQueueMaxMessages", parse_long, 0, F(mq_maxmsg) },
        { "MessageQueueMessageSize", parse_long, 0, F(mq_msgsize) },
        { "RemoveOnStop", config_parse_bool, 0, F(remove_on_stop) },
        { "Symlinks", parse_symlinks, 0, F(symlinks) },
        { "FileDescriptorName", parse_fdname, 0, F(fdname) },
        { "Service", parse_service, 0, BASE_TYPE, 0 },
        { "TriggerLimitIntervalSec", config_parse_sec, 0, F(trigger_limit_interval) },
        { "TriggerLimitBurst", config_parse_unsigned, 0, F(trigger_limit_burst) },
        { "SmackLabel", config_parse_string, CONFIG_SPECIFIERS, F(smack) },
        { "SmackLabelIPIn", config_parse_string, CONFIG_SPECIFIERS, F(smack_ip_in) },
        { "SmackLabelIPOut", config_parse_string, CONFIG_SPECIFIERS, F(smack_ip_out) },
        { "SELinuxContextFromNet", config_parse_bool, 0, F(selinux_context_from_net) },
        { NULL },
};
#undef F
#undef LISTEN
#undef EXEC

const DirectiveTable socket_directive_table = { NULL, socket_directives };
