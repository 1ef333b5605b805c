/* SPDX-License-Identifier: MIT */
/* Socket units: addresses of systemd.socket(5), defaults and the checks systemd 252 makes when it
 * loads a socket unit (socket_verify()). */
#include <arpa/inet.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/unit.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#define VSOCK_CID_ANY UINT32_MAX
#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)NULL)->sun_path)

/* Netlink family names as systemd spells them; unknown families print as numbers. */
static const char *const netlink_family_table[] = {
        [0] = "route", [3] = "firewall", [4] = "inet-diag", [5] = "nflog", [6] = "xfrm",
        [7] = "selinux", [8] = "iscsi", [9] = "audit", [10] = "fib-lookup", [11] = "connector",
        [12] = "netfilter", [13] = "ip6-fw", [14] = "dnrtmsg", [15] = "kobject-uevent",
        [16] = "generic", [18] = "scsitransport", [19] = "ecryptfs", [20] = "rdma",
};

static const char *const bind_ipv6_only_table[_SOCKET_ADDRESS_BIND_IPV6_ONLY_MAX] = {
        [SOCKET_ADDRESS_DEFAULT] = "default", [SOCKET_ADDRESS_BOTH] = "both",
        [SOCKET_ADDRESS_IPV6_ONLY] = "ipv6-only",
};
const char *socket_bind_ipv6_only_to_string(SocketBindIPv6Only b) {
        return (int)b >= 0 && b < _SOCKET_ADDRESS_BIND_IPV6_ONLY_MAX ? bind_ipv6_only_table[b] : NULL;
}

static const char *const timestamping_table[_SOCKET_TIMESTAMPING_MAX] = {
        [SOCKET_TIMESTAMPING_OFF] = "off", [SOCKET_TIMESTAMPING_US] = "us", [SOCKET_TIMESTAMPING_NS] = "ns",
};
const char *socket_timestamping_to_string(SocketTimestamping t) {
        return (int)t >= 0 && t < _SOCKET_TIMESTAMPING_MAX ? timestamping_table[t] : NULL;
}

static const char *const exec_command_table[_SOCKET_EXEC_COMMAND_MAX] = {
        [SOCKET_EXEC_START_PRE] = "ExecStartPre", [SOCKET_EXEC_START_POST] = "ExecStartPost",
        [SOCKET_EXEC_STOP_PRE] = "ExecStopPre", [SOCKET_EXEC_STOP_POST] = "ExecStopPost",
};
const char *socket_exec_command_to_string(SocketExecCommand c) {
        return (int)c >= 0 && c < _SOCKET_EXEC_COMMAND_MAX ? exec_command_table[c] : NULL;
}

const char *socket_port_type_to_string(const SocketPort *p) {
        switch (p->type) {
        case SOCKET_PORT_SOCKET:
                switch (p->address.type) {
                case SOCK_STREAM: return "Stream";
                case SOCK_DGRAM: return "Datagram";
                case SOCK_SEQPACKET: return "SequentialPacket";
                case SOCK_RAW: return p->address.family == AF_NETLINK ? "Netlink" : "Raw";
                default: return "Invalid";
                }
        case SOCKET_PORT_SPECIAL: return "Special";
        case SOCKET_PORT_MQUEUE: return "MessageQueue";
        case SOCKET_PORT_FIFO: return "FIFO";
        case SOCKET_PORT_USB_FUNCTION: return "USBFunction";
        default: return NULL;
        }
}

/* systemd binds a bare port to [::] only if the kernel has IPv6 (socket_ipv6_is_supported()). */
static bool ipv6_is_supported(void) {
        static int cached = -1;
        if (cached < 0) cached = access("/proc/net/if_inet6", F_OK) == 0;
        return cached;
}

/* systemd's ifname_valid(): 1..15 printable bytes, no '/', ':', '%' or whitespace, not "."/".." */
static bool ifname_is_valid(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n >= IF_NAMESIZE || streq(s, ".") || streq(s, "..")) return false;
        for (const char *p = s; *p; p++)
                if ((unsigned char)*p <= 32 || (unsigned char)*p >= 127 || strchr(":/%", *p)) return false;
        return true;
}

/* "%dev" suffix: a valid interface name (or index) that exists. */
static int parse_ifname(const char *s, SocketAddress *a) {
        unsigned idx;
        if (safe_atou(s, &idx) >= 0 && idx > 0) {
                if (!if_indextoname(idx, a->ifname)) return -ENODEV;
                a->ifindex = idx;
                return 0;
        }
        if (!ifname_is_valid(s)) return -EINVAL;
        idx = if_nametoindex(s);
        if (idx == 0) return -ENODEV;
        a->ifindex = idx;
        memcpy(a->ifname, s, strlen(s) + 1);
        return 0;
}

/* "1.2.3.4:80", "[::1]:80", each optionally followed by "%dev". A port is required. */
static int parse_ip_address(const char *s, SocketAddress *a) {
        _cleanup_free_ char *buf = strdup(s);
        if (!buf) return -ENOMEM;
        char *pct = strrchr(buf, '%');
        if (pct) {
                *pct = 0;
                int r = parse_ifname(pct + 1, a);
                if (r < 0) return r;
        }
        char *host = buf, *colon;
        if (buf[0] == '[') {
                char *e = strchr(buf, ']');
                if (!e || e[1] != ':') return -EINVAL;
                *e = 0;
                host = buf + 1;
                colon = e + 1;
                a->family = AF_INET6;
        } else {
                colon = strrchr(buf, ':');
                if (!colon) return -EINVAL;
                a->family = AF_INET;
        }
        *colon = 0;
        if (inet_pton(a->family, host, &a->addr) != 1) return -EINVAL;
        return parse_ip_port(colon + 1, &a->port);
}

/* "vsock:CID:PORT"; an empty CID means any. */
static int parse_vsock(const char *s, SocketAddress *a) {
        const char *colon = strchr(s, ':');
        if (!colon) return -EINVAL;
        _cleanup_free_ char *cid = strndup(s, (size_t)(colon - s));
        if (!cid) return -ENOMEM;
        unsigned v = VSOCK_CID_ANY, port;
        int r;
        if (*cid && (r = safe_atou(cid, &v)) < 0) return r;
        if ((r = safe_atou(colon + 1, &port)) < 0) return r;
        a->family = AF_VSOCK;
        a->cid = v;
        a->vsock_port = port;
        return 0;
}

int socket_address_parse(const char *s, SocketAddress *ret) {
        SocketAddress a = { .type = SOCK_STREAM };
        const char *v;
        int r;
        if (s[0] == '/' || s[0] == '@') {
                size_t n = strlen(s + (s[0] == '@'));
                if (s[0] == '@' && n == 0) return -EINVAL;
                /* a path needs its NUL inside sun_path; an abstract name takes the leading NUL's place */
                if (n >= SUN_PATH_MAX) return -ENAMETOOLONG;
                a.family = AF_UNIX;
                if (!(a.path = strdup(s))) return -ENOMEM;
        } else if ((v = startswith(s, "vsock:"))) {
                if ((r = parse_vsock(v, &a)) < 0) return r;
        } else {
                r = parse_ip_port(s, &a.port);
                if (r == -ERANGE) return r;   /* a number, but no port */
                if (r >= 0) {
                        a.family = ipv6_is_supported() ? AF_INET6 : AF_INET;
                        if (a.family == AF_INET6) a.addr.in6 = in6addr_any;
                        else a.addr.in.s_addr = htonl(INADDR_ANY);
                } else if ((r = parse_ip_address(s, &a)) < 0)
                        return r;
        }
        *ret = a;
        return 0;
}

int socket_address_parse_netlink(const char *s, SocketAddress *ret) {
        _cleanup_free_ char *word = NULL;
        int r = extract_first_word(&s, &word, NULL, 0);
        if (r == -ENOMEM) return r;
        if (r <= 0) return -EINVAL;
        int family = string_table_lookup(netlink_family_table, ELEMENTSOF(netlink_family_table), word);
        if (family < 0) {
                unsigned n;
                if (safe_atou(word, &n) < 0 || n > INT_MAX) return -EINVAL;
                family = (int)n;
        }
        unsigned group = 0;
        /* the rest, if any, is the group (extract_first_word() leaves s NULL at the end) */
        if (s) s += strspn(s, WHITESPACE);
        if (!isempty(s) && (r = safe_atou(s, &group)) < 0) return r;
        *ret = (SocketAddress){ .family = AF_NETLINK, .type = SOCK_RAW, .netlink_family = family,
                                .netlink_group = group };
        return 0;
}

bool socket_address_can_accept(const SocketAddress *a) {
        return a->type == SOCK_STREAM || a->type == SOCK_SEQPACKET;
}

static int format_unix(const char *path, char **ret) {
        bool abstract = path[0] == '@';
        _cleanup_free_ char *e = cescape(path + abstract);
        if (!e) return -ENOMEM;
        *ret = abstract ? strjoin("@", e) : TAKE_PTR(e);
        return *ret ? 0 : -ENOMEM;
}

int socket_address_format(const SocketAddress *a, char **ret) {
        char ip[INET6_ADDRSTRLEN];
        char *s = NULL;
        switch (a->family) {
        case AF_UNIX:
                return format_unix(a->path, ret);
        case AF_INET:
                s = xasprintf("%s:%u", inet_ntop(AF_INET, &a->addr.in, ip, sizeof ip), a->port);
                break;
        case AF_INET6:
                s = xasprintf("[%s]:%u%s%s", inet_ntop(AF_INET6, &a->addr.in6, ip, sizeof ip), a->port,
                              a->ifindex ? "%" : "", a->ifindex ? a->ifname : "");
                break;
        case AF_NETLINK: {
                const char *name = (size_t)a->netlink_family < ELEMENTSOF(netlink_family_table) ?
                                   netlink_family_table[a->netlink_family] : NULL;
                s = name ? xasprintf("%s %u", name, a->netlink_group) :
                           xasprintf("%d %u", a->netlink_family, a->netlink_group);
                break;
        }
        case AF_VSOCK:
                s = a->cid == VSOCK_CID_ANY ? xasprintf("vsock::%u", a->vsock_port) :
                                              xasprintf("vsock:%u:%u", a->cid, a->vsock_port);
                break;
        default:
                return -EAFNOSUPPORT;
        }
        if (!s) return -ENOMEM;
        *ret = s;
        return 0;
}

void socket_port_done(SocketPort *p) {
        free(p->address.path);
        free(p->path);
        *p = (SocketPort){0};
}

SocketConfig *socket_config_new(void) {
        SocketConfig *c = calloc(1, sizeof *c);
        if (!c) return NULL;
        /* systemd 252's socket_init() */
        c->backlog = SOCKET_BACKLOG_DEFAULT;
        c->timeout_usec = 90 * USEC_PER_SEC;   /* DefaultTimeoutStartSec */
        c->directory_mode = 0755;
        c->socket_mode = 0666;
        c->max_connections = 64;
        c->priority = -1;
        c->ip_tos = -1;
        c->ip_ttl = -1;
        c->mark = -1;
        c->trigger_limit_interval = USEC_INFINITY;
        c->trigger_limit_burst = UINT_MAX;
        exec_context_init(&c->exec);
        kill_context_init(&c->kill);
        return c;
}

void socket_config_free(SocketConfig *c) {
        if (!c) return;
        for (size_t i = 0; i < c->n_ports; i++) socket_port_done(&c->ports[i]);
        free(c->ports);
        free(c->bind_to_device);
        free(c->user);
        free(c->group);
        free(c->smack);
        free(c->smack_ip_in);
        free(c->smack_ip_out);
        free(c->tcp_congestion);
        for (size_t i = 0; i < _SOCKET_EXEC_COMMAND_MAX; i++) exec_command_free_list(c->exec_command[i]);
        free(c->service);
        strv_free(c->symlinks);
        free(c->fdname);
        exec_context_done(&c->exec);
        cgroup_context_free(c->cgroup);
        free(c);
}

/* A non-accepting socket (or any FIFO, special file, ...) hands itself to one service. */
static bool have_non_accept_socket(const SocketConfig *c) {
        if (!c->accept) return true;
        for (size_t i = 0; i < c->n_ports; i++)
                if (c->ports[i].type != SOCKET_PORT_SOCKET || !socket_address_can_accept(&c->ports[i].address))
                        return true;
        return false;
}

void socket_apply_defaults(Unit *u) {
        SocketConfig *c = u->socket;
        if (!c) return;
        if (c->trigger_limit_interval == USEC_INFINITY) c->trigger_limit_interval = 2 * USEC_PER_SEC;
        if (c->trigger_limit_burst == UINT_MAX) c->trigger_limit_burst = c->accept ? 200 : 20;
        /* Service= defaults to the socket's own name; Accept=yes spawns instances of a template
         * per connection instead, so there is no single service then. */
        if (!c->service && have_non_accept_socket(c)) {
                char *s = NULL;
                if (unit_name_change_suffix(u->id, ".service", &s) >= 0) c->service = s;
        }
}

/* Exactly one file-system node (FIFO, special file, unix socket path) to point Symlinks= at. */
static bool have_symlink_target(const SocketConfig *c) {
        unsigned n = 0;
        for (size_t i = 0; i < c->n_ports; i++) {
                const SocketPort *p = &c->ports[i];
                if (p->type == SOCKET_PORT_FIFO || p->type == SOCKET_PORT_SPECIAL ||
                    (p->type == SOCKET_PORT_SOCKET && p->address.family == AF_UNIX && p->address.path[0] == '/'))
                        n++;
        }
        return n == 1;
}

#define REFUSE(u, msg) (log_error("%s: " msg, (u)->id), -ENOEXEC)

int socket_verify(Unit *u) {
        const SocketConfig *c = u->socket;
        if (!c) return 0;
        if (c->n_ports == 0)
                return REFUSE(u, "Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.");
        if (c->accept && have_non_accept_socket(c))
                return REFUSE(u, "Unit configured for accepting sockets, but sockets are non-accepting. Refusing.");
        if (c->accept && c->max_connections == 0)
                return REFUSE(u, "MaxConnection= setting too small. Refusing.");
        if (c->accept && c->service_explicit)
                return REFUSE(u, "Explicit service configuration for accepting socket units not supported. Refusing.");
        if (c->exec.pam_name && c->kill.kill_mode != KILL_CONTROL_GROUP)
                return REFUSE(u, "Unit has PAM enabled. Kill mode must be set to 'control-group'. Refusing.");
        if (c->symlinks && !have_symlink_target(c))
                return REFUSE(u, "Unit has symlinks set but none or more than one node in the file system. Refusing.");
        return 0;
}
