/* SPDX-License-Identifier: MIT */
/* The resource-control properties of units that own processes (systemd.resource-control(5)):
 * systemd 252's names, D-Bus types and order (its bus_unit_cgroup_vtable and bus_cgroup_vtable),
 * shared by the Service, Socket, Slice, Scope, Mount and Swap interfaces.
 *
 * tinysd enables no cgroup controller to read memory, task, CPU, IO or IP accounting from: those
 * figures say "unknown" (UINT64_MAX) as systemd does when accounting is off. The settings are
 * reported as configured (cgroup.h applies what a writable cgroup2 allows). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include "base/strv.h"
#include "base/util.h"
#include "core/dbus-internal.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)

/* The settings as configured, or the defaults for a unit without any. */
static const CGroupContext *cgctx(void *o) {
        const CGroupContext *c = C(o) ? unit_cgroup_context(C(o)) : NULL;
        return c ? c : cgroup_context_default();
}

#define CG_U64(fn, expr) static int fn(BusMessage *m, void *o) { const CGroupContext *c = cgctx(o); return bus_append_u64(m, (expr)); }
#define CG_BOOL(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_bool(m, cgctx(o)->field); }
#define CG_STRV(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_strv(m, cgctx(o)->field); }
#define CG_CPUS(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_cpu_set(m, cgctx(o)->field); }

/* ---- the unit's cgroup, at run time ---- */

static int g_slice(BusMessage *m, void *o) {
        const char *s = C(o) ? unit_slice(C(o)) : NULL;
        return bus_append_string(m, s ? s : C(o) && C(o)->type == UNIT_SLICE ? "-.slice" : "system.slice");
}
static int g_control_group(BusMessage *m, void *o) {
        char buf[BUS_CONTROL_GROUP_MAX];
        return bus_append_string(m, bus_unit_control_group(U(o), buf));
}
static int g_empty_cpus(BusMessage *m, void *o) { (void)o; return bus_append_cpu_set(m, NULL); }

/* ---- the settings ---- */

CG_BOOL(g_delegate, delegate)
/* Delegate=yes without a list delegates every controller the system has */
static int g_delegate_controllers(BusMessage *m, void *o) {
        static char *const all[] = { (char *)"cpu", (char *)"cpuset", (char *)"io", (char *)"memory", (char *)"pids", NULL };
        const CGroupContext *c = cgctx(o);
        return bus_append_strv(m, c->delegate && !c->delegate_controllers ? all : c->delegate_controllers);
}
CG_BOOL(g_cpu_accounting, cpu_accounting)
CG_U64(g_cpu_weight, c->cpu_weight)
CG_U64(g_startup_cpu_weight, c->startup_cpu_weight)
CG_U64(g_cpu_shares, c->cpu_shares)
CG_U64(g_startup_cpu_shares, c->startup_cpu_shares)
CG_U64(g_cpu_quota, c->cpu_quota_per_sec_usec)
CG_U64(g_cpu_quota_period, c->cpu_quota_period_usec)
CG_CPUS(g_allowed_cpus, allowed_cpus)
CG_CPUS(g_startup_allowed_cpus, startup_allowed_cpus)
CG_CPUS(g_allowed_memory_nodes, allowed_memory_nodes)
CG_CPUS(g_startup_allowed_memory_nodes, startup_allowed_memory_nodes)
CG_BOOL(g_io_accounting, io_accounting)
CG_U64(g_io_weight, c->io_weight)
CG_U64(g_startup_io_weight, c->startup_io_weight)

/* "PATH VALUE" entries as a(st): a number, a size ("1M", base 1000), "infinity", or a time span */
static int append_device_values(BusMessage *m, char *const *l, bool timespan) {
        int r = bus_message_open_container(m, 'a', "(st)");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                const char *sp = strchr(*s, ' ');
                if (!sp) continue;
                _cleanup_free_ char *path = strndup(*s, (size_t)(sp - *s));
                if (!path) return -ENOMEM;
                const char *v = sp + 1;
                uint64_t n = UINT64_MAX;
                usec_t t;
                if (timespan) n = parse_sec(v, &t) >= 0 ? t : 0;
                else if (!streq(v, "infinity") && parse_size(v, 1000, &n) < 0) continue;
                r = bus_message_append(m, "(st)", path, n);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
#define CG_DEVICES(fn, field, timespan) static int fn(BusMessage *m, void *o) { return append_device_values(m, cgctx(o)->field, timespan); }
CG_DEVICES(g_io_device_weight, io_device_weight, false)
CG_DEVICES(g_io_read_bandwidth_max, io_read_bandwidth_max, false)
CG_DEVICES(g_io_write_bandwidth_max, io_write_bandwidth_max, false)
CG_DEVICES(g_io_read_iops_max, io_read_iops_max, false)
CG_DEVICES(g_io_write_iops_max, io_write_iops_max, false)
CG_DEVICES(g_io_device_latency_target, io_device_latency_target, true)
CG_BOOL(g_blockio_accounting, blockio_accounting)
CG_U64(g_blockio_weight, c->blockio_weight)
CG_U64(g_startup_blockio_weight, c->startup_blockio_weight)
CG_DEVICES(g_blockio_device_weight, blockio_device_weight, false)
CG_DEVICES(g_blockio_read_bandwidth, blockio_read_bandwidth, false)
CG_DEVICES(g_blockio_write_bandwidth, blockio_write_bandwidth, false)
CG_BOOL(g_memory_accounting, memory_accounting)
CG_U64(g_default_memory_low, cgroup_memory_bytes(c->default_memory_low))
CG_U64(g_default_memory_min, cgroup_memory_bytes(c->default_memory_min))
CG_U64(g_memory_min, cgroup_memory_bytes(c->memory_min))
CG_U64(g_memory_low, cgroup_memory_bytes(c->memory_low))
CG_U64(g_memory_high, cgroup_memory_bytes(c->memory_high))
CG_U64(g_memory_max, cgroup_memory_bytes(c->memory_max))
CG_U64(g_memory_swap_max, cgroup_memory_bytes(c->memory_swap_max))
CG_U64(g_memory_limit, cgroup_memory_bytes(c->memory_limit))
static int g_device_policy(BusMessage *m, void *o) {
        return bus_append_string(m, (const char *[]){ "auto", "closed", "strict" }[cgctx(o)->device_policy]);
}
/* "PATH RIGHTS" */
static int g_device_allow(BusMessage *m, void *o) {
        char **l = cgctx(o)->device_allow;
        int r = bus_message_open_container(m, 'a', "(ss)");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                const char *sp = strchr(*s, ' ');
                _cleanup_free_ char *path = sp ? strndup(*s, (size_t)(sp - *s)) : strdup(*s);
                if (!path) return -ENOMEM;
                r = bus_message_append(m, "(ss)", path, sp ? sp + 1 : "");
        }
        return r < 0 ? r : bus_message_close_container(m);
}
CG_BOOL(g_tasks_accounting, tasks_accounting)
CG_U64(g_tasks_max, cgroup_context_tasks_max(c))
CG_BOOL(g_ip_accounting, ip_accounting)

static int append_prefix(BusMessage *m, int af, const unsigned char *addr, unsigned len) {
        int r = bus_message_open_container(m, 'r', "iayu");
        if (r >= 0) r = bus_append_i32(m, af);
        if (r >= 0) r = bus_message_open_container(m, 'a', "y");
        for (int i = 0; r >= 0 && i < (af == AF_INET ? 4 : 16); i++) r = bus_message_append_basic(m, 'y', &addr[i]);
        if (r >= 0) r = bus_message_close_container(m);
        if (r >= 0) r = bus_append_u32(m, len);
        return r < 0 ? r : bus_message_close_container(m);
}

/* Address prefixes as 252 stores them: names expanded to both families, host bits cleared. */
static int append_prefixes(BusMessage *m, char *const *l) {
        static const struct { const char *name, *v4, *v6; } special[] = {
                { "any", "0.0.0.0/0", "::/0" }, { "localhost", "127.0.0.0/8", "::1/128" },
                { "link-local", "169.254.0.0/16", "fe80::/64" }, { "multicast", "224.0.0.0/4", "ff00::/8" },
        };
        int r = bus_message_open_container(m, 'a', "(iayu)");
        STRV_FOREACH(s, l) {
                const char *items[2] = { *s, NULL };
                for (size_t i = 0; i < ELEMENTSOF(special); i++)
                        if (streq(*s, special[i].name)) {
                                items[0] = special[i].v4;
                                items[1] = special[i].v6;
                        }
                for (size_t k = 0; r >= 0 && k < 2 && items[k]; k++) {
                        char addr[INET6_ADDRSTRLEN + 8];
                        unsigned char bin[16] = { 0 };
                        const char *slash = strchr(items[k], '/');
                        size_t n = slash ? (size_t)(slash - items[k]) : strlen(items[k]);
                        if (n >= sizeof addr) continue;
                        memcpy(addr, items[k], n);
                        addr[n] = 0;
                        int af = inet_pton(AF_INET, addr, bin) == 1 ? AF_INET : AF_INET6;
                        if (af == AF_INET6 && inet_pton(AF_INET6, addr, bin) != 1) continue;
                        unsigned max = af == AF_INET ? 32 : 128, len = slash ? (unsigned)strtoul(slash + 1, NULL, 10) : max;
                        for (unsigned i = len; i < max; i++) bin[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
                        r = append_prefix(m, af, bin, len);
                }
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_ip_address_allow(BusMessage *m, void *o) { return append_prefixes(m, cgctx(o)->ip_address_allow); }
static int g_ip_address_deny(BusMessage *m, void *o) { return append_prefixes(m, cgctx(o)->ip_address_deny); }
CG_STRV(g_ip_ingress_filter_path, ip_ingress_filter_path)
CG_STRV(g_ip_egress_filter_path, ip_egress_filter_path)
CG_STRV(g_disable_controllers, disable_controllers)
static int g_managed_oom_swap(BusMessage *m, void *o) {
        return bus_append_string(m, (const char *[]){ "auto", "kill" }[cgctx(o)->managed_oom_swap]);
}
static int g_managed_oom_memory_pressure(BusMessage *m, void *o) {
        return bus_append_string(m, (const char *[]){ "auto", "kill" }[cgctx(o)->managed_oom_memory_pressure]);
}
/* 252 reports the raw value */
static int g_managed_oom_limit(BusMessage *m, void *o) { return bus_append_u32(m, cgctx(o)->managed_oom_memory_pressure_limit_permille); }
static int g_managed_oom_preference(BusMessage *m, void *o) {
        return bus_append_string(m, (const char *[]){ "none", "avoid", "omit" }[cgctx(o)->managed_oom_preference]);
}
/* "TYPE:PATH" */
static int g_bpf_program(BusMessage *m, void *o) {
        char **l = cgctx(o)->bpf_program;
        int r = bus_message_open_container(m, 'a', "(ss)");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                const char *colon = strchr(*s, ':');
                if (!colon) continue;
                _cleanup_free_ char *type = strndup(*s, (size_t)(colon - *s));
                if (!type) return -ENOMEM;
                r = bus_message_append(m, "(ss)", type, colon + 1);
        }
        return r < 0 ? r : bus_message_close_container(m);
}

/* "[ipv4:|ipv6:][tcp:|udp:]{PORT[-PORT]|any}" → (family, protocol, number of ports, first port) */
static int append_socket_binds(BusMessage *m, char *const *l) {
        int r = bus_message_open_container(m, 'a', "(iiqq)");
        STRV_FOREACH(s, l) {
                const char *p = *s;
                int32_t af = AF_UNSPEC, proto = 0;
                if (startswith(p, "ipv4:")) af = AF_INET, p += 5;
                else if (startswith(p, "ipv6:")) af = AF_INET6, p += 5;
                if (startswith(p, "tcp:")) proto = IPPROTO_TCP, p += 4;
                else if (startswith(p, "udp:")) proto = IPPROTO_UDP, p += 4;
                uint16_t nr = 0, min = 0;
                if (!streq(p, "any")) {
                        char *end;
                        unsigned long a = strtoul(p, &end, 10), z = a;
                        if (*end == '-') z = strtoul(end + 1, &end, 10);
                        min = (uint16_t)a;
                        nr = (uint16_t)(z - a + 1);
                }
                if (r >= 0) r = bus_message_open_container(m, 'r', "iiqq");
                if (r >= 0) r = bus_message_append(m, "ii", af, proto);
                if (r >= 0) r = bus_message_append_basic(m, 'q', &nr);
                if (r >= 0) r = bus_message_append_basic(m, 'q', &min);
                if (r >= 0) r = bus_message_close_container(m);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_socket_bind_allow(BusMessage *m, void *o) { return append_socket_binds(m, cgctx(o)->socket_bind_allow); }
static int g_socket_bind_deny(BusMessage *m, void *o) { return append_socket_binds(m, cgctx(o)->socket_bind_deny); }
static int g_restrict_network_interfaces(BusMessage *m, void *o) {
        return bus_append_allow_deny(m, &cgctx(o)->restrict_network_interfaces);
}

const BusProperty bus_cgroup_properties[] = {
        { "Slice", "s", g_slice },
        { "ControlGroup", "s", g_control_group },
        { "ControlGroupId", "t", bus_get_zero_u64 },
        { "MemoryCurrent", "t", bus_get_max_u64 },
        { "MemoryAvailable", "t", bus_get_max_u64 },
        { "CPUUsageNSec", "t", bus_get_max_u64 },
        { "EffectiveCPUs", "ay", g_empty_cpus },
        { "EffectiveMemoryNodes", "ay", g_empty_cpus },
        { "TasksCurrent", "t", bus_get_max_u64 },
        { "IPIngressBytes", "t", bus_get_max_u64 },
        { "IPIngressPackets", "t", bus_get_max_u64 },
        { "IPEgressBytes", "t", bus_get_max_u64 },
        { "IPEgressPackets", "t", bus_get_max_u64 },
        { "IOReadBytes", "t", bus_get_max_u64 },
        { "IOReadOperations", "t", bus_get_max_u64 },
        { "IOWriteBytes", "t", bus_get_max_u64 },
        { "IOWriteOperations", "t", bus_get_max_u64 },
        { "Delegate", "b", g_delegate },
        { "DelegateControllers", "as", g_delegate_controllers },
        { "CPUAccounting", "b", g_cpu_accounting },
        { "CPUWeight", "t", g_cpu_weight },
        { "StartupCPUWeight", "t", g_startup_cpu_weight },
        { "CPUShares", "t", g_cpu_shares },
        { "StartupCPUShares", "t", g_startup_cpu_shares },
        { "CPUQuotaPerSecUSec", "t", g_cpu_quota },
        { "CPUQuotaPeriodUSec", "t", g_cpu_quota_period },
        { "AllowedCPUs", "ay", g_allowed_cpus },
        { "StartupAllowedCPUs", "ay", g_startup_allowed_cpus },
        { "AllowedMemoryNodes", "ay", g_allowed_memory_nodes },
        { "StartupAllowedMemoryNodes", "ay", g_startup_allowed_memory_nodes },
        { "IOAccounting", "b", g_io_accounting },
        { "IOWeight", "t", g_io_weight },
        { "StartupIOWeight", "t", g_startup_io_weight },
        { "IODeviceWeight", "a(st)", g_io_device_weight },
        { "IOReadBandwidthMax", "a(st)", g_io_read_bandwidth_max },
        { "IOWriteBandwidthMax", "a(st)", g_io_write_bandwidth_max },
        { "IOReadIOPSMax", "a(st)", g_io_read_iops_max },
        { "IOWriteIOPSMax", "a(st)", g_io_write_iops_max },
        { "IODeviceLatencyTargetUSec", "a(st)", g_io_device_latency_target },
        { "BlockIOAccounting", "b", g_blockio_accounting },
        { "BlockIOWeight", "t", g_blockio_weight },
        { "StartupBlockIOWeight", "t", g_startup_blockio_weight },
        { "BlockIODeviceWeight", "a(st)", g_blockio_device_weight },
        { "BlockIOReadBandwidth", "a(st)", g_blockio_read_bandwidth },
        { "BlockIOWriteBandwidth", "a(st)", g_blockio_write_bandwidth },
        { "MemoryAccounting", "b", g_memory_accounting },
        { "DefaultMemoryLow", "t", g_default_memory_low },
        { "DefaultMemoryMin", "t", g_default_memory_min },
        { "MemoryMin", "t", g_memory_min },
        { "MemoryLow", "t", g_memory_low },
        { "MemoryHigh", "t", g_memory_high },
        { "MemoryMax", "t", g_memory_max },
        { "MemorySwapMax", "t", g_memory_swap_max },
        { "MemoryLimit", "t", g_memory_limit },
        { "DevicePolicy", "s", g_device_policy },
        { "DeviceAllow", "a(ss)", g_device_allow },
        { "TasksAccounting", "b", g_tasks_accounting },
        { "TasksMax", "t", g_tasks_max },
        { "IPAccounting", "b", g_ip_accounting },
        { "IPAddressAllow", "a(iayu)", g_ip_address_allow },
        { "IPAddressDeny", "a(iayu)", g_ip_address_deny },
        { "IPIngressFilterPath", "as", g_ip_ingress_filter_path },
        { "IPEgressFilterPath", "as", g_ip_egress_filter_path },
        { "DisableControllers", "as", g_disable_controllers },
        { "ManagedOOMSwap", "s", g_managed_oom_swap },
        { "ManagedOOMMemoryPressure", "s", g_managed_oom_memory_pressure },
        { "ManagedOOMMemoryPressureLimit", "u", g_managed_oom_limit },
        { "ManagedOOMPreference", "s", g_managed_oom_preference },
        { "BPFProgram", "a(ss)", g_bpf_program },
        { "SocketBindAllow", "a(iiqq)", g_socket_bind_allow },
        { "SocketBindDeny", "a(iiqq)", g_socket_bind_deny },
        { "RestrictNetworkInterfaces", "(bas)", g_restrict_network_interfaces },
        { NULL },
};
