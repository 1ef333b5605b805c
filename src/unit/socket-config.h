/* SPDX-License-Identifier: MIT */
#pragma once
/* [Socket] settings: systemd.socket(5). */
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>
#include "base/parse.h"
#include "base/util.h"
#include "unit/conf-parser.h"
#include "unit/exec-config.h"

/* One listening address of ListenStream=/ListenDatagram=/ListenSequentialPacket=/ListenNetlink=,
 * as systemd's socket_address_parse() understands it. */
typedef struct SocketAddress {
        int family;                 /* AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_VSOCK */
        int type;                   /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET; SOCK_RAW for netlink */
        union {
                struct in_addr in;
                struct in6_addr in6;
        } addr;
        uint16_t port;              /* AF_INET, AF_INET6 */
        unsigned ifindex;           /* "%dev" suffix of an IP address; 0 none */
        char ifname[IF_NAMESIZE];   /* its name as written */
        char *path;                 /* AF_UNIX: "/path", or "@name" for the abstract namespace */
        int netlink_family;         /* AF_NETLINK: NETLINK_AUDIT ... */
        unsigned netlink_group;
        uint32_t cid, vsock_port;   /* AF_VSOCK; cid UINT32_MAX = any (VMADDR_CID_ANY) */
} SocketAddress;

/* Parse an address of systemd.socket(5) ("/path", "@name", "80", "1.2.3.4:80", "[::1]:80%dev",
 * "vsock:CID:PORT"). type is left SOCK_STREAM. Returns 0 or -EINVAL/-ERANGE/-ENAMETOOLONG/-ENODEV;
 * the caller frees ret->path. */
int socket_address_parse(const char *s, SocketAddress *ret);
/* "family [group]" of ListenNetlink=. */
int socket_address_parse_netlink(const char *s, SocketAddress *ret);
/* The address as systemctl show's Listen= prints it: "[::]:22", "1.2.3.4:80", "/run/x", "@x",
 * "audit 1", "vsock:2:1234". */
int socket_address_format(const SocketAddress *a, char **ret);
/* Whether accept() applies: stream and seqpacket sockets. */
bool socket_address_can_accept(const SocketAddress *a);

typedef enum SocketPortType {
        SOCKET_PORT_SOCKET,         /* ListenStream= and friends, ListenNetlink= */
        SOCKET_PORT_SPECIAL,
        SOCKET_PORT_MQUEUE,
        SOCKET_PORT_FIFO,
        SOCKET_PORT_USB_FUNCTION,
        _SOCKET_PORT_TYPE_MAX,
} SocketPortType;

typedef struct SocketPort {
        SocketPortType type;
        SocketAddress address;      /* SOCKET_PORT_SOCKET */
        char *path;                 /* the other types: absolute, normalised */
} SocketPort;
/* "Stream", "Datagram", "SequentialPacket", "Netlink", "Special", "MessageQueue", "FIFO",
 * "USBFunction": the type column of Listen=. */
const char *socket_port_type_to_string(const SocketPort *p);

typedef enum SocketBindIPv6Only {
        SOCKET_ADDRESS_DEFAULT, SOCKET_ADDRESS_BOTH, SOCKET_ADDRESS_IPV6_ONLY,
        _SOCKET_ADDRESS_BIND_IPV6_ONLY_MAX, _SOCKET_ADDRESS_BIND_IPV6_ONLY_INVALID = -1,
} SocketBindIPv6Only;
const char *socket_bind_ipv6_only_to_string(SocketBindIPv6Only b);

typedef enum SocketTimestamping {
        SOCKET_TIMESTAMPING_OFF, SOCKET_TIMESTAMPING_US, SOCKET_TIMESTAMPING_NS,
        _SOCKET_TIMESTAMPING_MAX, _SOCKET_TIMESTAMPING_INVALID = -1,
} SocketTimestamping;
const char *socket_timestamping_to_string(SocketTimestamping t);

typedef enum SocketExecCommand {
        SOCKET_EXEC_START_PRE, SOCKET_EXEC_START_POST, SOCKET_EXEC_STOP_PRE, SOCKET_EXEC_STOP_POST,
        _SOCKET_EXEC_COMMAND_MAX,
} SocketExecCommand;
const char *socket_exec_command_to_string(SocketExecCommand c); /* "ExecStartPre" */

#define SOCKET_BACKLOG_DEFAULT 2147483647u   /* systemd 252's SOMAXCONN_DELUXE: the kernel clamps it */

typedef struct SocketConfig {
        SocketPort *ports;          /* in file order */
        size_t n_ports;
        int socket_protocol;        /* 0, IPPROTO_UDPLITE or IPPROTO_SCTP */
        SocketBindIPv6Only bind_ipv6_only;
        unsigned backlog;
        char *bind_to_device;
        char *user, *group;         /* SocketUser=, SocketGroup= */
        mode_t socket_mode, directory_mode;
        bool accept, writable, flush_pending;
        unsigned max_connections, max_connections_per_source;
        bool keep_alive;
        usec_t keep_alive_time, keep_alive_interval;
        unsigned keep_alive_cnt;
        bool no_delay;
        int priority;               /* -1 unset */
        usec_t defer_accept;
        uint64_t receive_buffer, send_buffer, pipe_size;  /* 0 unset */
        int ip_tos, ip_ttl, mark;   /* -1 unset */
        bool reuse_port;
        char *smack, *smack_ip_in, *smack_ip_out;
        bool selinux_context_from_net;
        long mq_maxmsg, mq_msgsize;
        bool free_bind, transparent, broadcast, pass_cred, pass_sec, pass_pktinfo;
        SocketTimestamping timestamping;
        char *tcp_congestion;
        ExecCommand *exec_command[_SOCKET_EXEC_COMMAND_MAX];
        usec_t timeout_usec;
        char *service;              /* Service=; after socket_apply_defaults() the triggered
                                     * service of a non-accepting socket, NULL for Accept=yes */
        bool service_explicit;      /* Service= was given (refused with Accept=yes) */
        bool remove_on_stop;
        char **symlinks;
        char *fdname;               /* NULL: the unit name */
        usec_t trigger_limit_interval;  /* USEC_INFINITY until defaults apply */
        unsigned trigger_limit_burst;   /* UINT_MAX until defaults apply */
        ExecContext exec;
        KillContext kill;
        CGroupContext *cgroup;      /* NULL until a resource-control setting: cgroup_context_default() */
} SocketConfig;
SocketConfig *socket_config_new(void);
void socket_config_free(SocketConfig *c);
void socket_port_done(SocketPort *p);
extern const struct DirectiveTable socket_directive_table;

/* Defaults that depend on the name or on other settings (Service=, trigger limits). */
void socket_apply_defaults(Unit *u);
/* What systemd 252 refuses to load (no Listen*=, Accept=yes on a datagram socket, ...):
 * logs "ID: ... Refusing." and returns -ENOEXEC. */
int socket_verify(Unit *u);
