/* SPDX-License-Identifier: MIT */
/* show's property formatting. Facts from systemd 252 (src/shared/bus-print-properties.c,
 * src/systemctl/systemctl-show.c print_property()): which names are timestamps or time spans,
 * the "[not set]"/"infinity" sentinels, octal modes, the struct arrays' "{ path=... }" shapes. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdlib.h>
#include "base/escape.h"
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "base/time-util.h"
#include "cli/systemctl-print.h"

int ctl_read(BusMessage *m, const char *types, ...) {
        va_list ap;
        int r;

        if (bus_message_at_end(m, false))
                return 0;
        va_start(ap, types);
        r = bus_message_readv(m, types, ap);
        va_end(ap);
        return r;
}

void ctl_print_value(FILE *f, const char *name, const char *expected, CtlPrintFlags flags, const char *value) {
        if (expected && !streq_ptr(expected, value))
                return;
        if (!(flags & CTL_PRINT_SHOW_EMPTY) && isempty(value))
                return;
        if (flags & CTL_PRINT_ONLY_VALUE)
                fprintf(f, "%s\n", strempty(value));
        else
                fprintf(f, "%s=%s\n", name, strempty(value));
}

static void print_valuef(FILE *f, const char *name, const char *expected, CtlPrintFlags flags,
                         const char *fmt, ...) _printf_(5, 6);
static void print_valuef(FILE *f, const char *name, const char *expected, CtlPrintFlags flags,
                         const char *fmt, ...) {
        char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        ctl_print_value(f, name, expected, flags, s ? s : "");
        free(s);
}

const char *ctl_sigchld_code_to_string(int code) {
        static const char *const names[] = { NULL, "exited", "killed", "dumped", "trapped", "stopped", "continued" };
        return code >= 0 && (size_t) code < ELEMENTSOF(names) ? names[code] : NULL;
}

const char *ctl_exit_status_to_string(int status) {
        static const char *const systemd_names[] = {
                "CHDIR", "NICE", "FDS", "EXEC", "MEMORY", "LIMITS", "OOM_ADJUST", "SIGNAL_MASK", "STDIN",
                "STDOUT", "CHROOT", "IOPRIO", "TIMERSLACK", "SECUREBITS", "SETSCHEDULER", "CPUAFFINITY",
                "GROUP", "USER", "CAPABILITIES", "CGROUP", "SETSID", "CONFIRM", "STDERR", NULL, "PAM",
                "NETWORK", "NAMESPACE", "NO_NEW_PRIVILEGES", "SECCOMP", "SELINUX_CONTEXT", "PERSONALITY",
                "APPARMOR", "ADDRESS_FAMILIES", "RUNTIME_DIRECTORY", "CHOWN", "SMACK_PROCESS_LABEL",
                "KEYRING", "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY",
                "CONFIGURATION_DIRECTORY", "NUMA_POLICY", "CREDENTIALS", "BPF",
        };
        if (status == 0)
                return "SUCCESS";
        if (status == 1)
                return "FAILURE";
        if (status == 255)
                return "EXCEPTION";
        if (status >= 200 && (size_t) (status - 200) < ELEMENTSOF(systemd_names))
                return systemd_names[status - 200];
        return NULL;
}

const char *ctl_signal_name(int sig, char buf[static 16]) {
        const char *s = signal_to_string(sig);

        if (s && startswith(s, "SIG"))
                return s + 3;
        snprintf(buf, 16, "%d", sig);
        return buf;
}

static bool is_timestamp_name(const char *name) {
        return endswith(name, "Timestamp") ||
                streq(name, "NextElapseUSecRealtime") || streq(name, "LastTriggerUSec") ||
                streq(name, "TimeUSec") || streq(name, "RTCTimeUSec");
}

static bool name_in(const char *name, const char *const *list) {
        for (; *list; list++)
                if (streq(name, *list))
                        return true;
        return false;
}
#define NAME_IN(name, ...) name_in((name), (const char *const[]) { __VA_ARGS__, NULL })

static int print_u64(FILE *f, const char *name, const char *expected, CtlPrintFlags flags, uint64_t u) {
        char buf[FORMAT_TIMESTAMP_MAX > FORMAT_TIMESPAN_MAX ? FORMAT_TIMESTAMP_MAX : FORMAT_TIMESPAN_MAX];

        if (is_timestamp_name(name))
                ctl_print_value(f, name, expected, flags, format_timestamp(buf, sizeof buf, u));
        else if (strstr(name, "USec"))
                ctl_print_value(f, name, expected, flags, format_timespan(buf, sizeof buf, u, 0));
        else if (streq(name, "CoredumpFilter"))
                print_valuef(f, name, expected, flags, "0x%" PRIx64, u);
        else if (NAME_IN(name, "CPUWeight", "StartupCPUWeight") && u == UINT64_C(0))
                ctl_print_value(f, name, expected, flags, "idle");
        else if ((NAME_IN(name, "CPUWeight", "StartupCPUWeight", "IOWeight", "StartupIOWeight",
                          "CPUShares", "StartupCPUShares", "BlockIOWeight", "StartupBlockIOWeight",
                          "MemoryCurrent", "TasksCurrent") && u == UINT64_MAX) ||
                 (endswith(name, "NSec") && u == UINT64_MAX))
                ctl_print_value(f, name, expected, flags, "[not set]");
        else if ((NAME_IN(name, "DefaultMemoryLow", "DefaultMemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax",
                          "MemorySwapMax", "MemoryLimit", "MemoryAvailable", "TasksMax", "DefaultTasksMax") ||
                  startswith(name, "Limit") || startswith(name, "DefaultLimit")) && u == UINT64_MAX)
                ctl_print_value(f, name, expected, flags, "infinity");
        else if (NAME_IN(name, "IPIngressBytes", "IPIngressPackets", "IPEgressBytes", "IPEgressPackets") &&
                 u == UINT64_MAX)
                ctl_print_value(f, name, expected, flags, "[no data]");
        else
                print_valuef(f, name, expected, flags, "%" PRIu64, u);
        return 1;
}

static int print_u32(FILE *f, const char *name, const char *expected, CtlPrintFlags flags, uint32_t u) {
        if (strstr(name, "UMask") || strstr(name, "Mode"))
                print_valuef(f, name, expected, flags, "%04o", u);
        else if ((streq(name, "UID") || streq(name, "GID")) && u == UINT32_MAX)
                ctl_print_value(f, name, expected, flags, "[not set]");
        else
                print_valuef(f, name, expected, flags, "%" PRIu32, u);
        return 1;
}

/* "as": space-separated, each item shell-quoted when needed. */
static int print_strv(FILE *f, const char *name, BusMessage *m, CtlPrintFlags flags) {
        const char *s;
        bool first = true;
        int r;

        r = bus_message_enter_container(m, 'a', "s");
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        while ((r = ctl_read(m, "s", &s)) > 0) {
                _cleanup_free_ char *q = shell_maybe_quote(s);
                if (!q)
                        return -ENOMEM;
                if (first && !(flags & CTL_PRINT_ONLY_VALUE))
                        fprintf(f, "%s=", name);
                if (!first)
                        fputc(' ', f);
                fputs(q, f);
                first = false;
        }
        if (r < 0)
                return r;
        if (first && (flags & CTL_PRINT_SHOW_EMPTY) && !(flags & CTL_PRINT_ONLY_VALUE))
                fprintf(f, "%s=", name);
        if (!first || (flags & CTL_PRINT_SHOW_EMPTY))
                fputc('\n', f);
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
}

/* An "ay" value into *out. */
static int read_bytes(BusMessage *m, Buf *out) {
        uint8_t y;
        int r;

        if (bus_message_enter_container(m, 'a', "y") <= 0)
                return -EBADMSG;
        while ((r = ctl_read(m, "y", &y)) > 0)
                if (buf_putc(out, (char) y) < 0)
                        return -ENOMEM;
        return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 0;
}

/* A CPU or NUMA node set ("ay" bitmask) as cpu_set_to_range_string() prints it: "0-3 5". */
static int print_cpu_set(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags) {
        Buf bits = {}, b = {};
        int r = read_bytes(m, &bits);

        for (size_t i = 0; r >= 0 && i < bits.len * 8; i++) {
                const uint8_t *v = (const uint8_t *) bits.s;
                if (!(v[i / 8] & (1u << (i % 8))))
                        continue;
                size_t j = i;
                while (j + 1 < bits.len * 8 && (v[(j + 1) / 8] & (1u << ((j + 1) % 8))))
                        j++;
                if (j > i)
                        buf_printf(&b, "%s%zu-%zu", b.len ? " " : "", i, j);
                else
                        buf_printf(&b, "%s%zu", b.len ? " " : "", i);
                i = j;
        }
        if (r >= 0)
                ctl_print_value(f, name, expected, flags, b.s ? b.s : "");
        buf_free(&bits);
        buf_free(&b);
        return r < 0 ? r : 1;
}

/* StandardInputData=, RootHashSignature=: "ay" in Base64. */
static int print_base64(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags) {
        static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        Buf in = {}, b = {};
        int r = read_bytes(m, &in);

        for (size_t i = 0; r >= 0 && i < in.len; i += 3) {
                const uint8_t *d = (const uint8_t *) in.s;
                size_t n = in.len - i;
                unsigned v = (unsigned) d[i] << 16 | (n > 1 ? (unsigned) d[i + 1] << 8 : 0) | (n > 2 ? d[i + 2] : 0);
                char q[5] = { t[v >> 18], t[(v >> 12) & 63], n > 1 ? t[(v >> 6) & 63] : '=', n > 2 ? t[v & 63] : '=', 0 };
                buf_puts(&b, q);
        }
        if (r >= 0)
                ctl_print_value(f, name, expected, flags, b.s ? b.s : "");
        buf_free(&in);
        buf_free(&b);
        return r < 0 ? r : 1;
}

/* "ay" as hex bytes, "au" as %08x words. */
static int print_array_hex(FILE *f, const char *name, BusMessage *m, CtlPrintFlags flags, char t) {
        Buf b = {};
        int r;

        r = bus_message_enter_container(m, 'a', t == 'y' ? "y" : "u");
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        for (;;) {
                uint8_t y;
                uint32_t u;
                r = t == 'y' ? bus_message_read_basic(m, 'y', &y) : bus_message_read_basic(m, 'u', &u);
                if (r <= 0)
                        break;
                if ((t == 'y' ? buf_printf(&b, "%02x", y) : buf_printf(&b, "%08x", u)) < 0) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r >= 0 && (b.len > 0 || (flags & CTL_PRINT_SHOW_EMPTY))) {
                if (!(flags & CTL_PRINT_ONLY_VALUE))
                        fprintf(f, "%s=", name);
                fprintf(f, "%s\n", b.s ? b.s : "");
        }
        buf_free(&b);
        if (r < 0)
                return r;
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
}

static int print_basic(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags,
                       char type) {
        union { const char *s; int b; uint64_t t; int64_t x; uint32_t u; int32_t i; double d; } v;
        int r;

        if (!strchr("sbtxuid", type))
                return 0;   /* y, n, q, o, g, h ...: "[unprintable]" in 252, value left unread */
        r = bus_message_read_basic(m, type, &v);
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        switch (type) {
        case 's':
                if ((flags & CTL_PRINT_SHOW_EMPTY) || !isempty(v.s))
                        ctl_print_value(f, name, expected, flags, strchr(v.s, '\n') ? "[unprintable]" : v.s);
                return 1;
        case 'b':
                if (expected && parse_boolean(expected) != !!v.b)
                        return 1;
                ctl_print_value(f, name, NULL, flags, v.b ? "yes" : "no");
                return 1;
        case 't':
                return print_u64(f, name, expected, flags, v.t);
        case 'x':
                print_valuef(f, name, expected, flags, "%" PRIi64, v.x);
                return 1;
        case 'u':
                return print_u32(f, name, expected, flags, v.u);
        case 'i':
                if (endswith(name, "ActionExitStatus")) {
                        if (v.i >= 0 && v.i <= 255)
                                print_valuef(f, name, expected, flags, "%" PRIi32, v.i);
                        else if (flags & CTL_PRINT_SHOW_EMPTY)
                                ctl_print_value(f, name, expected, flags, "[not set]");
                        return 1;
                }
                print_valuef(f, name, expected, flags, "%" PRIi32, v.i);
                return 1;
        case 'd':
                print_valuef(f, name, expected, flags, "%g", v.d);
                return 1;
        default:
                return 0;
        }
}

static unsigned cap_last_cap(void) {
        char buf[32] = "";
        unsigned v;
        ssize_t n;
        int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return 40;
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
                buf[n] = 0;
                if (safe_atou(strstrip(buf), &v) >= 0 && v < 64)
                        return v;
        }
        return 40;
}

/* capability_set_to_string(): the names of the set bits up to the kernel's last capability. */
static int print_caps(FILE *f, const char *name, const char *expected, CtlPrintFlags flags, uint64_t u) {
        static const char *const caps[] = {
                "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
                "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
                "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
                "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
                "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
                "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
        };
        unsigned last = cap_last_cap();
        Buf b = {};

        for (unsigned i = 0; i <= last; i++) {
                if (!(u & (UINT64_C(1) << i)))
                        continue;
                if (b.len > 0)
                        buf_putc(&b, ' ');
                if (i < ELEMENTSOF(caps))
                        buf_printf(&b, "cap_%s", caps[i]);
                else
                        buf_printf(&b, "%u", i);
        }
        ctl_print_value(f, name, expected, flags, b.s ? b.s : "");
        buf_free(&b);
        return 1;
}

static int print_namespaces(FILE *f, const char *name, const char *expected, CtlPrintFlags flags, uint64_t u) {
        static const struct { const char *name; uint64_t flag; } ns[] = {
                { "cgroup", 0x02000000 }, { "ipc", 0x08000000 }, { "net", 0x40000000 }, { "mnt", 0x00020000 },
                { "pid", 0x20000000 }, { "user", 0x10000000 }, { "uts", 0x04000000 },
        };
        uint64_t all = 0;
        Buf b = {};

        for (size_t i = 0; i < ELEMENTSOF(ns); i++)
                all |= ns[i].flag;
        if ((u & all) == 0) {
                ctl_print_value(f, name, expected, flags, "yes");
                return 1;
        }
        if ((u & all) == all) {
                ctl_print_value(f, name, expected, flags, "no");
                return 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(ns); i++)
                if (u & ns[i].flag) {
                        if (b.len > 0)
                                buf_putc(&b, ' ');
                        buf_puts(&b, ns[i].name);
                }
        ctl_print_value(f, name, expected, flags, b.s ? b.s : "");
        buf_free(&b);
        return 1;
}

/* One element of ExecXxx= (sasbttttuii) or ExecXxxEx= (sasasttttuii). */
static int print_exec(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags, bool ex) {
        int r;

        r = bus_message_enter_container(m, 'a', ex ? "(sasasttttuii)" : "(sasbttttuii)");
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        while ((r = bus_message_enter_container(m, '(', ex ? "sasasttttuii" : "sasbttttuii")) > 0) {
                _cleanup_strv_free_ char **argv = NULL, **fl = NULL;
                _cleanup_free_ char *args = NULL, *fls = NULL;
                const char *path;
                int ignore = 0;
                uint64_t start, start_mono, stop, stop_mono;
                uint32_t pid;
                int32_t code, status;
                char t1[FORMAT_TIMESTAMP_MAX], t2[FORMAT_TIMESTAMP_MAX], sb[16];

                if (bus_message_read(m, "s", &path) <= 0 || bus_message_read_strv(m, &argv) < 0)
                        return -EBADMSG;
                if (ex ? bus_message_read_strv(m, &fl) < 0 : bus_message_read(m, "b", &ignore) <= 0)
                        return -EBADMSG;
                if (bus_message_read(m, "ttttuii", &start, &start_mono, &stop, &stop_mono, &pid, &code, &status) <= 0)
                        return -EBADMSG;
                args = strv_join(argv, " ");
                fls = ex ? strv_join(fl, " ") : NULL;
                if (!args || (ex && !fls))
                        return -ENOMEM;
                print_valuef(f, name, expected, flags,
                             "{ path=%s ; argv[]=%s ; %s%s ; start_time=[%s] ; stop_time=[%s] ; pid=%" PRIu32
                             " ; code=%s ; status=%i%s%s }",
                             path, args, ex ? "flags=" : "ignore_errors=",
                             ex ? fls : (ignore ? "yes" : "no"),
                             strna(format_timestamp(t1, sizeof t1, start)),
                             strna(format_timestamp(t2, sizeof t2, stop)),
                             pid, ctl_sigchld_code_to_string(code) ?: "(null)", status,
                             code == CLD_EXITED ? "" : "/",
                             code == CLD_EXITED ? "" : ctl_signal_name(status, sb));
                if (bus_message_exit_container(m) < 0)
                        return -EBADMSG;
        }
        if (r < 0)
                return r;
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
}

/* Arrays of two-string structs printed one line per element: "B (A)" (Listen, Paths: paren), "A B"
 * (DeviceAllow), "A:B" (RootImageOptions, BPFProgram). */
static int print_pairs(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags,
                       const char *sep, bool paren) {
        const char *a, *b;
        int r;

        r = bus_message_enter_container(m, 'a', "(ss)");
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        while ((r = ctl_read(m, "(ss)", &a, &b)) > 0) {
                _cleanup_free_ char *s = paren ? xasprintf("%s (%s)", b, a) : xasprintf("%s%s%s", a, sep, b);
                if (!s)
                        return -ENOMEM;
                ctl_print_value(f, name, expected, flags, s);
        }
        if (r < 0)
                return r;
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
}

static int print_struct(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags,
                        const char *contents) {
        const char *a = NULL, *b = NULL;
        int bo, r;
        uint32_t u;

        if (contents[0] == 'u' && streq(name, "Job")) {
                if (bus_message_read(m, "(uo)", &u, &a) <= 0)
                        return -EBADMSG;
                if (u > 0)
                        print_valuef(f, name, expected, flags, "%" PRIu32, u);
                else
                        ctl_print_value(f, name, expected, flags, NULL);
                return 1;
        }
        if (contents[0] == 's' && streq(name, "Unit")) {
                if (bus_message_read(m, "(so)", &a, &b) <= 0)
                        return -EBADMSG;
                ctl_print_value(f, name, expected, flags, a);
                return 1;
        }
        if (contents[0] == 's' && streq(name, "LoadError")) {
                if (bus_message_read(m, "(ss)", &a, &b) <= 0)
                        return -EBADMSG;
                if (!isempty(a) || !isempty(b))
                        print_valuef(f, name, expected, flags, "%s \"%s\"", a, b);
                else
                        ctl_print_value(f, name, expected, flags, NULL);
                return 1;
        }
        if (streq(contents, "bas") && NAME_IN(name, "SystemCallFilter", "SystemCallLog", "RestrictAddressFamilies",
                                              "RestrictNetworkInterfaces", "RestrictFileSystems")) {
                _cleanup_strv_free_ char **l = NULL;
                if (bus_message_enter_container(m, '(', "bas") <= 0 || bus_message_read(m, "b", &bo) <= 0 ||
                    bus_message_read_strv(m, &l) < 0 || bus_message_exit_container(m) < 0)
                        return -EBADMSG;
                if ((flags & CTL_PRINT_SHOW_EMPTY) || bo || (l && *l)) {
                        _cleanup_free_ char *j = strv_join(l, " ");
                        if (!j)
                                return -ENOMEM;
                        if (!(flags & CTL_PRINT_ONLY_VALUE))
                                fprintf(f, "%s=", name);
                        fprintf(f, "%s%s\n", bo ? "" : "~", j);
                }
                return 1;
        }
        if (streq(contents, "bs") && NAME_IN(name, "SELinuxContext", "AppArmorProfile", "SmackProcessLabel")) {
                if (bus_message_read(m, "(bs)", &bo, &a) <= 0)
                        return -EBADMSG;
                if (!isempty(a))
                        print_valuef(f, name, expected, flags, "%s%s", bo ? "-" : "", a);
                else
                        ctl_print_value(f, name, expected, flags, NULL);
                return 1;
        }
        if (endswith(name, "ExitStatus") && streq(contents, "aiai")) {
                Buf out = {};
                int32_t v;
                char sb[16];
                if (bus_message_enter_container(m, '(', "aiai") <= 0)
                        return -EBADMSG;
                for (int k = 0; k < 2; k++) {
                        if (bus_message_enter_container(m, 'a', "i") <= 0)
                                return buf_free(&out), -EBADMSG;
                        while ((r = ctl_read(m, "i", &v)) > 0) {
                                if (out.len > 0)
                                        buf_putc(&out, ' ');
                                if (k == 0)
                                        buf_printf(&out, "%" PRIi32, v);
                                else
                                        buf_puts(&out, ctl_signal_name(v, sb));
                        }
                        if (bus_message_exit_container(m) < 0)
                                return buf_free(&out), -EBADMSG;
                }
                if (bus_message_exit_container(m) < 0)
                        return buf_free(&out), -EBADMSG;
                if ((flags & CTL_PRINT_SHOW_EMPTY) || out.len > 0) {
                        if (!(flags & CTL_PRINT_ONLY_VALUE))
                                fprintf(f, "%s=", name);
                        fprintf(f, "%s\n", out.s ? out.s : "");
                }
                buf_free(&out);
                return 1;
        }
        return 0;
}

/* MountImages= ("[-]SRC:DST[:PART:OPTS...]") and ExtensionImages= ("[-]SRC[:PART:OPTS...]"), joined by spaces. */
static int print_images(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags, bool dest) {
        Buf out = {};
        int r;

        if (bus_message_enter_container(m, 'a', dest ? "(ssba(ss))" : "(sba(ss))") <= 0)
                return -EBADMSG;
        while ((r = bus_message_enter_container(m, '(', dest ? "ssba(ss)" : "sba(ss)")) > 0) {
                const char *src, *dst = NULL, *part, *opts;
                int ign;

                if ((dest ? bus_message_read(m, "ssb", &src, &dst, &ign) : bus_message_read(m, "sb", &src, &ign)) <= 0 ||
                    bus_message_enter_container(m, 'a', "(ss)") <= 0)
                        return buf_free(&out), -EBADMSG;
                buf_printf(&out, "%s%s%s%s%s", out.len ? " " : "", ign ? "-" : "", src, dst ? ":" : "", strempty(dst));
                while (ctl_read(m, "(ss)", &part, &opts) > 0)
                        buf_printf(&out, ":%s:%s", part, opts);
                if (bus_message_exit_container(m) < 0 || bus_message_exit_container(m) < 0)
                        return buf_free(&out), -EBADMSG;
        }
        if (r < 0 || bus_message_exit_container(m) < 0)
                return buf_free(&out), -EBADMSG;
        ctl_print_value(f, name, expected, flags, out.s);
        buf_free(&out);
        return 1;
}

/* LogExtraFields=: the valid FIELD=value entries, joined by spaces. */
static int print_log_extra_fields(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags) {
        Buf out = {};
        int r;

        if (bus_message_enter_container(m, 'a', "ay") <= 0)
                return -EBADMSG;
        while ((r = bus_message_enter_container(m, 'a', "y")) > 0) {
                Buf one = {};
                uint8_t y;
                bool bad = false;
                while (ctl_read(m, "y", &y) > 0) {
                        if (y == 0)
                                bad = true;
                        buf_putc(&one, (char) y);
                }
                if (bus_message_exit_container(m) < 0)
                        return buf_free(&one), buf_free(&out), -EBADMSG;
                if (!bad && one.s && strchr(one.s, '=') && one.s[0] != '=')
                        buf_printf(&out, "%s%s", out.len ? " " : "", one.s);
                buf_free(&one);
        }
        if (r < 0 || bus_message_exit_container(m) < 0)
                return buf_free(&out), -EBADMSG;
        ctl_print_value(f, name, expected, flags, out.s);
        buf_free(&out);
        return 1;
}

/* IPAddressAllow=/IPAddressDeny=: "ADDR/PREFIX" joined by spaces. */
static int print_ip_addresses(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags) {
        Buf out = {};
        int r;

        if (bus_message_enter_container(m, 'a', "(iayu)") <= 0)
                return -EBADMSG;
        while ((r = bus_message_enter_container(m, '(', "iayu")) > 0) {
                uint8_t a[16];
                size_t n = 0;
                int32_t family;
                uint32_t prefix;
                char buf[INET6_ADDRSTRLEN];

                if (bus_message_read(m, "i", &family) <= 0 || bus_message_enter_container(m, 'a', "y") <= 0)
                        return buf_free(&out), -EBADMSG;
                while (ctl_read(m, "y", n < sizeof a ? &a[n] : &a[sizeof a - 1]) > 0)
                        n++;
                if (bus_message_exit_container(m) < 0 || bus_message_read(m, "u", &prefix) <= 0 ||
                    bus_message_exit_container(m) < 0)
                        return buf_free(&out), -EBADMSG;
                if ((family != AF_INET || n != 4) && (family != AF_INET6 || n != 16))
                        continue;
                if (prefix > n * 8 || !inet_ntop(family, a, buf, sizeof buf))
                        continue;
                buf_printf(&out, "%s%s/%" PRIu32, out.len ? " " : "", buf, prefix);
        }
        if (r < 0 || bus_message_exit_container(m) < 0)
                return buf_free(&out), -EBADMSG;
        ctl_print_value(f, name, expected, flags, out.s);
        buf_free(&out);
        return 1;
}

/* SocketBindAllow=/SocketBindDeny=: one line per rule, "[ipv4:|ipv6:][tcp|udp]PORT[-PORT]|any". */
static int print_socket_bind(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags) {
        int32_t af, proto;
        uint16_t nr, min;
        int r;

        if (bus_message_enter_container(m, 'a', "(iiqq)") <= 0)
                return -EBADMSG;
        while ((r = ctl_read(m, "(iiqq)", &af, &proto, &nr, &min)) > 0) {
                const char *fam = af == AF_INET ? "ipv4" : af == AF_INET6 ? "ipv6" : "";
                const char *pr = proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "";
                const char *c1 = *fam ? ":" : "";
                if (nr == 0)
                        print_valuef(f, name, expected, flags, "%s%s%sany", fam, c1, pr);
                else if (nr == 1)
                        print_valuef(f, name, expected, flags, "%s%s%s%u", fam, c1, pr, (unsigned) min);
                else
                        print_valuef(f, name, expected, flags, "%s%s%s%u-%u", fam, c1, pr, (unsigned) min,
                                     (unsigned) (uint16_t) (min + nr - 1));
        }
        return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
}

static int print_struct_array(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags,
                              const char *contents) {
        char t1[FORMAT_TIMESPAN_MAX], t2[FORMAT_TIMESPAN_MAX > FORMAT_TIMESTAMP_MAX ? FORMAT_TIMESPAN_MAX : FORMAT_TIMESTAMP_MAX];
        const char *a, *b;
        uint64_t x, y;
        int bo, r;

        if (streq(contents, "(sb)") && streq(name, "EnvironmentFiles")) {
                if (bus_message_enter_container(m, 'a', "(sb)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(sb)", &a, &bo)) > 0)
                        print_valuef(f, name, expected, flags, "%s (ignore_errors=%s)", a, bo ? "yes" : "no");
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (streq(contents, "(ss)") && (streq(name, "Paths") || streq(name, "Listen")))
                return print_pairs(f, name, expected, m, flags, NULL, true);
        if (streq(contents, "(ss)") && streq(name, "DeviceAllow"))
                return print_pairs(f, name, expected, m, flags, " ", false);
        if (streq(contents, "(ss)") && (streq(name, "RootImageOptions") || streq(name, "BPFProgram")))
                return print_pairs(f, name, expected, m, flags, ":", false);
        if (streq(contents, "(stt)") && streq(name, "TimersMonotonic")) {
                if (bus_message_enter_container(m, 'a', "(stt)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(stt)", &a, &x, &y)) > 0)
                        print_valuef(f, name, expected, flags, "{ %s=%s ; next_elapse=%s }", a,
                                     strna(format_timespan(t1, sizeof t1, x, 0)),
                                     strna(format_timespan(t2, sizeof t2, y, 0)));
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (streq(contents, "(sst)") && streq(name, "TimersCalendar")) {
                if (bus_message_enter_container(m, 'a', "(sst)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(sst)", &a, &b, &x)) > 0)
                        print_valuef(f, name, expected, flags, "{ %s=%s ; next_elapse=%s }", a, b,
                                     format_timestamp(t2, sizeof t2, x) ?: "(null)");  /* printf of NULL in 252 */
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (startswith(name, "Exec") && (streq(contents, "(sasbttttuii)") || streq(contents, "(sasasttttuii)")))
                return print_exec(f, name, expected, m, flags, streq(contents, "(sasasttttuii)"));
        if (streq(contents, "(st)") && (NAME_IN(name, "IODeviceWeight", "BlockIODeviceWeight", "IOReadBandwidthMax",
                                                "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax",
                                                "BlockIOReadBandwidth", "BlockIOWriteBandwidth") ||
                                        streq(name, "IODeviceLatencyTargetUSec"))) {
                bool lat = streq(name, "IODeviceLatencyTargetUSec");
                if (bus_message_enter_container(m, 'a', "(st)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(st)", &a, &x)) > 0) {
                        if (lat)
                                print_valuef(f, name, expected, flags, "%s %s", a, format_timespan(t1, sizeof t1, x, 1));
                        else
                                print_valuef(f, name, expected, flags, "%s %" PRIu64, a, x);
                }
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (streq(contents, "(ssbt)") && (streq(name, "BindPaths") || streq(name, "BindReadOnlyPaths"))) {
                Buf out = {};
                if (bus_message_enter_container(m, 'a', "(ssbt)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(ssbt)", &a, &b, &bo, &x)) > 0) {
                        if (isempty(a))
                                continue;
                        buf_printf(&out, "%s%s%s%s%s%s", out.len ? " " : "", bo ? "-" : "", a,
                                   isempty(b) ? "" : ":", b, x == 16384 /* MS_REC */ ? ":rbind" : "");
                }
                ctl_print_value(f, name, expected, flags, out.s);
                buf_free(&out);
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (streq(contents, "(ss)") && streq(name, "TemporaryFileSystem")) {
                Buf out = {};
                if (bus_message_enter_container(m, 'a', "(ss)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(ss)", &a, &b)) > 0)
                        if (!isempty(a))
                                buf_printf(&out, "%s%s%s%s", out.len ? " " : "", a, isempty(b) ? "" : ":", b);
                ctl_print_value(f, name, expected, flags, out.s);
                buf_free(&out);
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (streq(contents, "(ssba(ss))") && streq(name, "MountImages"))
                return print_images(f, name, expected, m, flags, true);
        if (streq(contents, "(sba(ss))") && streq(name, "ExtensionImages"))
                return print_images(f, name, expected, m, flags, false);
        if (streq(contents, "(iayu)") && (streq(name, "IPAddressAllow") || streq(name, "IPAddressDeny")))
                return print_ip_addresses(f, name, expected, m, flags);
        if (streq(contents, "(iiqq)") && (streq(name, "SocketBindAllow") || streq(name, "SocketBindDeny")))
                return print_socket_bind(f, name, expected, m, flags);
        if (streq(contents, "(sst)") && endswith(name, "DirectorySymlink"))
        {
                if (bus_message_enter_container(m, 'a', "(sst)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(sst)", &a, &b, &x)) > 0)
                        print_valuef(f, name, expected, flags, "%s:%s", a, b);
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        return 0;
}

int ctl_print_property(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags) {
        const char *contents = NULL;
        char type;
        int r;

        r = bus_message_peek_type(m, &type, &contents);
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        switch (type) {
        case 't': {
                uint64_t u;
                if (!NAME_IN(name, "RestrictNamespaces", "MountFlags", "CapabilityBoundingSet", "AmbientCapabilities"))
                        break;
                if (bus_message_read_basic(m, 't', &u) <= 0)
                        return -EBADMSG;
                if (streq(name, "RestrictNamespaces"))
                        return print_namespaces(f, name, expected, flags, u);
                if (streq(name, "MountFlags")) {
                        uint64_t p = u & (0x100000 | 0x80000 | 0x40000);  /* MS_SHARED|MS_SLAVE|MS_PRIVATE */
                        ctl_print_value(f, name, expected, flags, p == 0 ? "" : p == 0x100000 ? "shared" :
                                        p == 0x80000 ? "slave" : p == 0x40000 ? "private" : NULL);
                        return 1;
                }
                return print_caps(f, name, expected, flags, u);
        }
        case 'i':
                if (streq(name, "NUMAPolicy")) {
                        static const char *const pol[] = { "default", "preferred", "bind", "interleave", "local" };
                        int32_t i;
                        if (bus_message_read_basic(m, 'i', &i) <= 0)
                                return -EBADMSG;
                        ctl_print_value(f, name, expected, flags,
                                        i >= 0 && (size_t) i < ELEMENTSOF(pol) ? pol[i] : "n/a");
                        return 1;
                }
                break;
        case '(':
                return print_struct(f, name, expected, m, flags, contents);
        case 'a':
                if (streq(contents, "s"))
                        return print_strv(f, name, m, flags);
                if (streq(contents, "ay") && streq(name, "LogExtraFields"))
                        return print_log_extra_fields(f, name, expected, m, flags);
                if (streq(contents, "y") && NAME_IN(name, "CPUAffinity", "NUMAMask", "AllowedCPUs", "AllowedMemoryNodes",
                                                    "StartupAllowedCPUs", "StartupAllowedMemoryNodes", "EffectiveCPUs",
                                                    "EffectiveMemoryNodes"))
                        return print_cpu_set(f, name, expected, m, flags);
                if (streq(contents, "y") && NAME_IN(name, "StandardInputData", "RootHashSignature"))
                        return print_base64(f, name, expected, m, flags);
                if (streq(contents, "y") || streq(contents, "u"))
                        return print_array_hex(f, name, m, flags, contents[0]);
                if (contents[0] == '(')
                        return print_struct_array(f, name, expected, m, flags, contents);
                return 0;
        default:
                break;
        }
        return print_basic(f, name, expected, m, flags, type);
}

int ctl_print_all_properties(FILE *f, BusMessage *m, char *const *filter, CtlPrintFlags flags, char ***found) {
        int r;

        r = bus_message_enter_container(m, 'a', "{sv}");
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        while ((r = bus_message_enter_container(m, '{', "sv")) > 0) {
                const char *name, *contents, *expected = NULL;
                char type;
                bool want;

                if (bus_message_read(m, "s", &name) <= 0)
                        return -EBADMSG;
                if (found && strv_extend(found, name) < 0)
                        return -ENOMEM;
                want = !filter || strv_contains(filter, name);
                if (!want)
                        STRV_FOREACH(p, filter) {
                                const char *v = startswith(*p, name);
                                if (v && *v == '=') {
                                        expected = v + 1;
                                        want = true;
                                        break;
                                }
                        }
                if (want) {
                        char sig[BUS_SIGNATURE_MAX + 1];
                        /* peek's contents string lives only until the next peek: keep a copy */
                        if (bus_message_peek_type(m, &type, &contents) <= 0)
                                return -EBADMSG;
                        snprintf(sig, sizeof sig, "%s", contents);
                        contents = sig;
                        if (bus_message_enter_container(m, 'v', contents) <= 0)
                                return -EBADMSG;
                        r = ctl_print_property(f, name, expected, m, flags);
                        if (r < 0)
                                return r;
                        if (r == 0) {
                                if ((flags & CTL_PRINT_SHOW_EMPTY) && !expected)
                                        fprintf(f, "%s=[unprintable]\n", name);
                                if (bus_message_skip(m, contents) < 0)
                                        return -EBADMSG;
                        }
                        if (bus_message_exit_container(m) < 0)
                                return -EBADMSG;
                } else if (bus_message_skip(m, "v") < 0)
                        return -EBADMSG;
                if (bus_message_exit_container(m) < 0)
                        return -EBADMSG;
        }
        if (r < 0)
                return r;
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 0;
}
