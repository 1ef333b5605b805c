/* SPDX-License-Identifier: MIT */
/* Condition*= / Assert*= evaluation: one test per ConditionType returning 1, 0 or a negative
 * errno, and the list logic. Semantics are systemd 252's (shared/condition.c), checked with its
 * `systemd-analyze condition`; where tinysd does less, the function says so. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include "base/escape.h"
#include "base/glob-util.h"
#include "base/log.h"
#include "base/machine-id.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/condition-eval.h"
#include "exec/env.h"
#include "exec/userdb.h"
#include "unit/exec-config.h"

/* Kernel constants, spelled out so the musl build needs no linux/ headers. */
#define NETLINK_AUDIT_PROTO 9
#define CGROUP2_SUPER_MAGIC_ 0x63677270u
#define TMPFS_MAGIC_ 0x01021994u
#define READ_MAX (16u << 20)        /* /proc/cpuinfo of a big machine stays well below */
#define SYSTEM_UID_MAX 999u         /* Debian's login.defs, which 252 is built with */
#define UID_NOBODY 65534u
#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static const ConditionContext default_context = {};

/* ---- small helpers ---- */

static bool in_list(const char *const *l, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (streq(l[i], s)) return true;
        return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* ctx->root + path, or the path itself without a root. */
static char *root_path(const ConditionContext *ctx, const char *path) {
        if (isempty(ctx->root) || streq(ctx->root, "/")) return strdup(path);
        return strjoin(ctx->root, path);
}

static bool root_exists(const ConditionContext *ctx, const char *path) {
        _cleanup_free_ char *p = root_path(ctx, path);
        return p && access(p, F_OK) >= 0;
}

static int read_text(const char *path, char **ret) {
        return read_file_bounded(AT_FDCWD, path, READ_MAX, ret, NULL);
}

/* The first line of a file, surrounding whitespace removed. */
static int read_first_line(const char *path, char **ret) {
        char *s = NULL;
        int r = read_text(path, &s);
        if (r < 0) return r;
        s[strcspn(s, NEWLINE)] = 0;
        char *t = strstrip(s);
        memmove(s, t, strlen(t) + 1);
        *ret = s;
        return 0;
}

static int read_root_first_line(const ConditionContext *ctx, const char *path, char **ret) {
        _cleanup_free_ char *p = root_path(ctx, path);
        if (!p) return -ENOMEM;
        return read_first_line(p, ret);
}

/* What follows `prefix` on the first line of text starting with it, or NULL. */
static const char *find_line(const char *text, const char *prefix) {
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                const char *v = startswith(l, prefix);
                if (v) return v;
        }
        return NULL;
}

/* A name a file may have: what 252 demands of credential names and SMBIOS fields. */
static bool filename_valid(const char *s) {
        return !isempty(s) && strlen(s) <= 255 && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

/* ---- comparison operators and versions ---- */

/* 252's compare operators, longest first so that "<=" is not read as "<". */
typedef enum CompareOp {
        OP_FNMATCH_UNEQUAL, OP_FNMATCH_EQUAL, OP_LOWER_OR_EQUAL, OP_GREATER_OR_EQUAL,
        OP_VERSION_UNEQUAL, OP_VERSION_EQUAL, OP_UNEQUAL, OP_LOWER, OP_GREATER, OP_EQUAL,
        _OP_MAX, _OP_INVALID = -1,
} CompareOp;

static CompareOp parse_op(const char **s, bool allow_fnmatch) {
        static const char *const prefix[_OP_MAX] = { "!$=", "$=", "<=", ">=", "<>", "==", "!=", "<", ">", "=" };
        for (int i = allow_fnmatch ? 0 : OP_LOWER_OR_EQUAL; i < _OP_MAX; i++) {
                const char *e = startswith(*s, prefix[i]);
                if (e) {
                        *s = e;
                        return (CompareOp)i;
                }
        }
        return _OP_INVALID;
}

/* k: actual compared with expected. For numbers "=" and "!=" are plain equality. */
static bool test_order(int k, CompareOp op) {
        switch (op) {
        case OP_LOWER: return k < 0;
        case OP_LOWER_OR_EQUAL: return k <= 0;
        case OP_GREATER: return k > 0;
        case OP_GREATER_OR_EQUAL: return k >= 0;
        case OP_EQUAL: case OP_VERSION_EQUAL: return k == 0;
        case OP_UNEQUAL: case OP_VERSION_UNEQUAL: return k != 0;
        default: return false;
        }
}

static bool version_char(char c) { return is_digit(c) || is_alpha(c) || (c && strchr("~-^.", c)); }

/* One separator of strverscmp_improved(): a version having it where the other has not is older. */
static int version_prefix(const char **a, const char **b, char sep) {
        bool pa = **a == sep, pb = **b == sep;
        if (pa != pb) return pa ? -1 : 1;
        if (pa) (*a)++, (*b)++;
        return 0;
}

/* One segment: digits compare as numbers (leading zeros ignored) and beat letters; letters
 * compare as strings, the longer one newer. */
static int version_segment(const char **pa, const char **pb) {
        const char *a = *pa, *b = *pb, *ea = a, *eb = b;
        int r;
        if (is_digit(*a) || is_digit(*b)) {
                while (is_digit(*ea)) ea++;
                while (is_digit(*eb)) eb++;
                if ((r = CMP(ea != a, eb != b)) != 0) return r;
                while (*a == '0') a++;
                while (*b == '0') b++;
                if ((r = CMP(ea - a, eb - b)) != 0) return r;
                r = memcmp(a, b, (size_t)(ea - a));
        } else {
                while (is_alpha(*ea)) ea++;
                while (is_alpha(*eb)) eb++;
                size_t n = (size_t)(ea - a < eb - b ? ea - a : eb - b);
                r = memcmp(a, b, n);
                if (r == 0) r = CMP(ea - a, eb - b);
        }
        *pa = ea;
        *pb = eb;
        return CMP(r, 0);
}

/* systemd's strverscmp_improved() (what 252 uses for every version comparison): other
 * characters are skipped; '~' marks a pre-release (older than anything), then '-' (release),
 * '^' (patch) and '.' each make a segment older than one without; otherwise more segments is
 * newer. */
static int version_compare(const char *a, const char *b) {
        if (isempty(a) || isempty(b)) return CMP(strcmp(strempty(a), strempty(b)), 0);
        for (;;) {
                int r;
                while (*a && !version_char(*a)) a++;
                while (*b && !version_char(*b)) b++;
                if ((r = version_prefix(&a, &b, '~')) != 0) return r;
                if (!*a || !*b) return CMP(strcmp(a, b), 0);
                if ((r = version_prefix(&a, &b, '-')) != 0 || (r = version_prefix(&a, &b, '^')) != 0 ||
                    (r = version_prefix(&a, &b, '.')) != 0)
                        return r;
                if ((r = version_segment(&a, &b)) != 0) return r;
        }
}

/* 252's version_or_fnmatch_compare(): "=" "!=" literal, "$=" "!$=" shell globs, others versions. */
static bool compare_value(CompareOp op, const char *actual, const char *expected) {
        switch (op) {
        case OP_EQUAL: return streq(actual, expected);
        case OP_UNEQUAL: return !streq(actual, expected);
        case OP_FNMATCH_EQUAL: return fnmatch(expected, actual, 0) == 0;
        case OP_FNMATCH_UNEQUAL: return fnmatch(expected, actual, 0) != 0;
        default: return test_order(version_compare(actual, expected), op);
        }
}

/* A list of expressions, each "OPvalue" (no operator: "$="), all of which must hold. As in 252
 * the first one may have a space after its operator ("ConditionKernelVersion=>= 4.1"). */
static int test_version_list(const char *expr, const char *actual) {
        bool first = true;
        for (const char *p = expr;;) {
                _cleanup_free_ char *word = NULL, *next = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE);
                if (r <= 0) return r < 0 ? r : true;
                const char *s = strstrip(word);
                CompareOp op = parse_op(&s, true);
                if (op < 0) op = OP_FNMATCH_EQUAL;
                s += strspn(s, WHITESPACE);
                if (isempty(s)) {
                        if (!first || (r = extract_first_word(&p, &next, NULL, 0)) <= 0)
                                return log_debug_errno(EINVAL, "Unexpected end of expression: %s", expr);
                        s = next;
                }
                if (!compare_value(op, actual, s)) return false;
                first = false;
        }
}

/* ---- the kernel command line ---- */

static int cmdline_get(const ConditionContext *ctx, char **ret) {
        if (ctx->proc_cmdline) return (*ret = strdup(ctx->proc_cmdline)) ? 0 : -ENOMEM;
        return read_text("/proc/cmdline", ret);
}

/* The first word that equals param (when it contains '=') or is "param" or "param=…": 1 and
 * the word in *ret (may be NULL), or 0. Quotes are removed, as 252 does. */
static int cmdline_find(const ConditionContext *ctx, const char *param, char **ret) {
        _cleanup_free_ char *line = NULL;
        int r = cmdline_get(ctx, &line);
        if (r < 0) return r;
        bool exact = strchr(param, '=');
        for (const char *p = line;;) {
                _cleanup_free_ char *w = NULL;
                r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);
                if (r <= 0) return r;
                const char *f = startswith(w, param);
                if (exact ? streq(w, param) : f && (*f == 0 || *f == '=')) {
                        if (ret) *ret = TAKE_PTR(w);
                        return 1;
                }
        }
}

/* "key" (true) or "key=BOOL" on the command line: 1 or 0; negative when absent or invalid. */
static int cmdline_get_bool(const ConditionContext *ctx, const char *key) {
        _cleanup_free_ char *w = NULL;
        int r = cmdline_find(ctx, key, &w);
        if (r <= 0) return r < 0 ? r : -ENOENT;
        const char *v = w + strlen(key);
        if (*v == 0) return 1;
        r = parse_boolean(v + 1);
        if (r < 0) log_debug("Failed to parse %s on the kernel command line, ignoring.", w);
        return r;
}

/* ---- virtualization ---- */

static const char *const container_names[] = {
        "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch",
};

static bool virt_is_container(const char *v) {
        return in_list(container_names, ELEMENTSOF(container_names), v) || streq(v, "openvz") ||
               streq(v, "container-other");
}

/* A container manager's name: as 252 translates it, unknown names are "container-other". */
static const char *container_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(container_names); i++)
                if (streq(container_names[i], name)) return container_names[i];
        return "container-other";
}

/* 252's detect_container() in the order that matters in a container; NULL: none. */
static const char *detect_container(const ConditionContext *ctx) {
        static const char *const files[] = { "/run/host/container-manager", "/run/systemd/container" };
        const char *e = env_get(ctx->environ, "container");
        if (e) return isempty(e) ? NULL : container_from_name(e);   /* set by the container manager: authoritative */
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *s = NULL;
                if (read_root_first_line(ctx, files[i], &s) >= 0 && !isempty(s)) return container_from_name(s);
        }
        if (root_exists(ctx, "/run/.containerenv")) return "podman";
        if (root_exists(ctx, "/.dockerenv")) return "docker";
        return NULL;
}

static int cpuinfo_has_flag(const char *flag);

/* VMs by their DMI vendor strings, as 252 does after CPUID; the CPUID hypervisor bit, seen as
 * the cpuinfo "hypervisor" flag, stands in for the rest. */
static const char *detect_vm(void) {
        static const char *const fields[] = { "product_name", "sys_vendor", "board_vendor", "bios_vendor", "product_version" };
        static const struct { const char *vendor, *id; } vendors[] = {
                { "KVM", "kvm" }, { "OpenStack", "kvm" }, { "KubeVirt", "kvm" }, { "Amazon EC2", "amazon" },
                { "QEMU", "qemu" }, { "VMware", "vmware" }, { "VMW", "vmware" }, { "innotek GmbH", "oracle" },
                { "VirtualBox", "oracle" }, { "Oracle Corporation", "oracle" }, { "Xen", "xen" }, { "Bochs", "bochs" },
                { "Parallels", "parallels" }, { "BHYVE", "bhyve" }, { "Hyper-V", "microsoft" },
                { "Apple Virtualization", "apple" }, { "Google Compute Engine", "google" },
        };
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                _cleanup_free_ char *path = strjoin("/sys/class/dmi/id/", fields[i]), *s = NULL;
                if (!path || read_first_line(path, &s) < 0) continue;
                for (size_t j = 0; j < ELEMENTSOF(vendors); j++)
                        if (startswith(s, vendors[j].vendor)) return vendors[j].id;
        }
        return cpuinfo_has_flag("hypervisor") > 0 ? "vm-other" : "none";
}

static const char *virtualization(const ConditionContext *ctx) {
        if (ctx->virtualization) return isempty(ctx->virtualization) ? "none" : ctx->virtualization;
        const char *v = detect_container(ctx);
        return v ? v : detect_vm();
}

static bool in_container(const ConditionContext *ctx) {
        return virt_is_container(virtualization(ctx));
}

/* One of /proc/self/{uid,gid}_map: the identity map "0 0 4294967295" and nothing else? */
static int id_map_is_identity(const char *path) {
        _cleanup_free_ char *s = NULL;
        unsigned a, b, n;
        int k = 0, r = read_text(path, &s);
        if (r < 0) return r;
        if (sscanf(s, "%u %u %u%n", &a, &b, &n, &k) != 3) return false;
        return a == 0 && b == 0 && n == UINT32_MAX && isempty(s + k + strspn(s + k, WHITESPACE));
}

/* 252's running_in_userns(): any other map, or setgroups denied, means a user namespace. */
static int running_in_userns(void) {
        static const char *const maps[] = { "/proc/self/uid_map", "/proc/self/gid_map" };
        _cleanup_free_ char *setgroups = NULL;
        for (size_t i = 0; i < ELEMENTSOF(maps); i++) {
                int r = id_map_is_identity(maps[i]);
                if (r == -ENOENT) return false;   /* a kernel without user namespaces */
                if (r <= 0) return r < 0 ? r : true;
        }
        return read_first_line("/proc/self/setgroups", &setgroups) >= 0 && streq(setgroups, "deny");
}

static int test_virtualization(const Condition *c, const ConditionContext *ctx) {
        const char *p = c->parameter;
        if (streq(p, "private-users")) return running_in_userns();
        const char *v = virtualization(ctx);
        bool none = streq(v, "none");
        int b = parse_boolean(p);
        if (b >= 0) return b == !none;
        if (streq(p, "container")) return virt_is_container(v);
        if (streq(p, "vm")) return !none && !virt_is_container(v);
        return !none && streq(p, v);
}

/* ---- Architecture, Firmware, Host, Security, Capability, ACPower, CPUFeature ---- */

/* uname's machine field → systemd's architecture names (architecture.c). */
static const char *arch_from_machine(const char *m) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MIPS_(n) n "-le"
#else
#define MIPS_(n) n
#endif
        static const struct { const char *machine, *arch; } map[] = {
                { "x86_64", "x86-64" }, { "i686", "x86" }, { "i586", "x86" }, { "i486", "x86" }, { "i386", "x86" },
                { "aarch64", "arm64" }, { "aarch64_be", "arm64-be" }, { "armv8l", "arm" }, { "armv8b", "arm-be" },
                { "armv7ml", "arm" }, { "armv7mb", "arm-be" }, { "armv7l", "arm" }, { "armv7b", "arm-be" },
                { "armv6l", "arm" }, { "armv6b", "arm-be" }, { "armv5tl", "arm" }, { "armv5tel", "arm" },
                { "armv5tejl", "arm" }, { "armv5tejb", "arm-be" }, { "armv5teb", "arm-be" }, { "armv5tb", "arm-be" },
                { "armv4tl", "arm" }, { "armv4tb", "arm-be" }, { "armv4l", "arm" }, { "armv4b", "arm-be" },
                { "riscv64", "riscv64" }, { "riscv32", "riscv32" },
                { "riscv", sizeof(void *) == 8 ? "riscv64" : "riscv32" },
                { "ppc64le", "ppc64-le" }, { "ppc64", "ppc64" }, { "ppcle", "ppc-le" }, { "ppc", "ppc" },
                { "s390x", "s390x" }, { "s390", "s390" }, { "alpha", "alpha" }, { "ia64", "ia64" },
                { "parisc64", "parisc64" }, { "parisc", "parisc" }, { "loongarch64", "loongarch64" },
                { "m68k", "m68k" }, { "mips64", MIPS_("mips64") }, { "mips", MIPS_("mips") },
                { "sparc64", "sparc64" }, { "sparc", "sparc" }, { "sh5", "sh64" }, { "sh4a", "sh" },
                { "sh4", "sh" }, { "sh3", "sh" }, { "sh2a", "sh" }, { "sh2", "sh" }, { "tilegx", "tilegx" },
                { "crisv32", "cris" }, { "arc", "arc" }, { "arceb", "arc-be" }, { "nios2", "nios2" },
        };
#undef MIPS_
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (streq(map[i].machine, m)) return map[i].arch;
        return NULL;
}

/* The architecture this binary was built for: "native". */
static const char *native_arch(void) {
        bool le _unused_ = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
#if defined(__x86_64__)
        return "x86-64";
#elif defined(__i386__)
        return "x86";
#elif defined(__aarch64__)
        return le ? "arm64" : "arm64-be";
#elif defined(__arm__)
        return le ? "arm" : "arm-be";
#elif defined(__riscv)
        return sizeof(void *) == 8 ? "riscv64" : "riscv32";
#elif defined(__powerpc64__)
        return le ? "ppc64-le" : "ppc64";
#elif defined(__powerpc__)
        return le ? "ppc-le" : "ppc";
#elif defined(__s390x__)
        return "s390x";
#elif defined(__s390__)
        return "s390";
#elif defined(__loongarch64)
        return "loongarch64";
#elif defined(__mips64)
        return le ? "mips64-le" : "mips64";
#elif defined(__mips__)
        return le ? "mips-le" : "mips";
#else
        return NULL;
#endif
}

static int test_architecture(const Condition *c, const ConditionContext *ctx _unused_) {
        struct utsname u;
        if (uname(&u) < 0) return -errno;
        const char *actual = arch_from_machine(u.machine);
        if (!actual) return log_debug_errno(EINVAL, "Unknown machine type '%s'.", u.machine);
        /* an unknown name is simply not ours, as in 252 */
        return streq_ptr(actual, streq(c->parameter, "native") ? native_arch() : c->parameter);
}

/* 252's is_efi_boot(): never in a container, whose /sys is the host's. */
static bool is_efi_boot(const ConditionContext *ctx) {
        return !in_container(ctx) && access("/sys/firmware/efi/", F_OK) >= 0;
}

/* The text inside "name(…)", or NULL when the closing parenthesis is not the last character. */
static char *firmware_argument(const char *p) {
        const char *end = strchr(p, ')');
        if (!end || end[1]) {
                log_debug("Malformed Firmware condition \"%s\"", p);
                return NULL;
        }
        return strndup_safe(p, (size_t)(end - p));
}

/* /sys/firmware/devicetree/base/compatible: NUL-terminated strings, one of which must be arg. */
static int test_dt_compatible(const char *arg) {
        _cleanup_free_ char *s = NULL;
        size_t n;
        if (read_file_bounded(AT_FDCWD, "/sys/firmware/devicetree/base/compatible", READ_MAX, &s, &n) < 0 ||
            n == 0 || s[n - 1] != 0)
                return false;   /* no device tree or an unknown format: incompatible */
        for (size_t i = 0; i < n; i += strlen(s + i) + 1)
                if (streq(s + i, arg)) return true;
        return false;
}

/* "FIELD OP VALUE": a file below /sys/class/dmi/id compared like a version or a glob. */
static int test_smbios_field(const char *expr) {
        size_t n = strcspn(expr, "!<=>$");
        _cleanup_free_ char *field = strndup_safe(expr, n), *value = NULL, *actual = NULL, *path = NULL;
        if (!field) return -ENOMEM;
        const char *rest = expr + n;
        CompareOp op = parse_op(&rest, true);
        if (op < 0 || !filename_valid(strstrip(field))) return -EINVAL;
        int r = extract_first_word(&rest, &value, NULL, EXTRACT_UNQUOTE);
        if (r <= 0 || !isempty(rest)) return r < 0 ? r : -EINVAL;
        if (!(path = strjoin("/sys/class/dmi/id/", strstrip(field)))) return -ENOMEM;
        r = read_first_line(path, &actual);
        if (r < 0) return r == -ENOENT ? false : r;
        return compare_value(op, actual, value);
}

static int test_firmware(const Condition *c, const ConditionContext *ctx) {
        const char *p = c->parameter, *arg;
        _cleanup_free_ char *inner = NULL;
        if (streq(p, "uefi")) return is_efi_boot(ctx);
        if (streq(p, "device-tree")) return access("/sys/firmware/devicetree/", F_OK) >= 0;
        if ((arg = startswith(p, "device-tree-compatible(")))
                return (inner = firmware_argument(arg)) ? test_dt_compatible(inner) : false;
        if ((arg = startswith(p, "smbios-field(")))
                return (inner = firmware_argument(arg)) ? test_smbios_field(inner) : false;
        log_debug("Unsupported Firmware condition \"%s\"", p);
        return false;
}

/* 32 hex digits, or the UUID form with dashes, as lower-case hex in out[33]; false otherwise. */
static bool id128_normalize(const char *s, char out[static 33]) {
        size_t k = 0, len = strlen(s);
        bool uuid = len == 36;
        if (len != 32 && !uuid) return false;
        for (size_t i = 0; i < len; i++) {
                char ch = s[i];
                if (uuid && (i == 8 || i == 13 || i == 18 || i == 23)) {
                        if (ch != '-') return false;
                        continue;
                }
                if (ch >= 'A' && ch <= 'F') ch = (char)(ch - 'A' + 'a');
                if (!is_digit(ch) && !(ch >= 'a' && ch <= 'f')) return false;
                out[k++] = ch;
        }
        out[k] = 0;
        return true;
}

/* A machine ID is compared with the machine's (base/machine-id.h), anything else globbed against
 * the hostname. */
static int test_host(const Condition *c, const ConditionContext *ctx) {
        char want[33], have[33];
        if (id128_normalize(c->parameter, want)) {
                int r = machine_id_read(ctx->root, have);
                if (r < 0) return r;
                return streq(want, have);
        }
        struct utsname u;
        if (uname(&u) < 0) return -errno;
        /* 252's gethostname_malloc(): an unset hostname reads as the fallback one */
        const char *h = isempty(u.nodename) || streq(u.nodename, "(none)") ? "localhost" : u.nodename;
        return fnmatch(c->parameter, h, FNM_CASEFOLD) == 0;
}

/* 252's use_audit(): the audit netlink socket can be created, or fails for another reason. */
static bool audit_available(void) {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT_PROTO);
        if (fd < 0) return errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT && errno != EPERM;
        close(fd);
        return true;
}

/* Secure Boot: the EFI variable's data (after 4 bytes of attributes) is 1. 252 also consults
 * SetupMode/AuditMode/DeployedMode; the SecureBoot variable alone is what matters in practice. */
static bool efi_secure_boot(const ConditionContext *ctx) {
        _cleanup_free_ char *s = NULL;
        size_t n;
        return is_efi_boot(ctx) &&
               read_file_bounded(AT_FDCWD, "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c",
                                 64, &s, &n) >= 0 && n >= 5 && s[4] == 1;
}

/* A TPM2 resource manager device is known to the kernel (252 also asks the EFI firmware). */
static bool has_tpm2(void) {
        DIR *d = opendir("/sys/class/tpmrm");
        bool found = false;
        if (!d) return false;
        for (struct dirent *de; !found && (de = readdir(d)); ) found = de->d_name[0] != '.';
        closedir(d);
        return found;
}

static int test_security(const Condition *c, const ConditionContext *ctx) {
        /* the cheap markers each module leaves in the kernel's file systems */
        static const struct { const char *name, *path; } markers[] = {
                { "selinux", "/sys/fs/selinux/enforce" }, { "smack", "/sys/fs/smackfs/" },
                { "tomoyo", "/sys/kernel/security/tomoyo/version" }, { "ima", "/sys/kernel/security/ima/" },
        };
        const char *p = c->parameter;
        for (size_t i = 0; i < ELEMENTSOF(markers); i++)
                if (streq(p, markers[i].name)) return access(markers[i].path, F_OK) >= 0;
        if (streq(p, "apparmor")) {
                _cleanup_free_ char *s = NULL;
                return read_first_line("/sys/module/apparmor/parameters/enabled", &s) >= 0 && s[0] == 'Y';
        }
        if (streq(p, "audit")) return audit_available();
        if (streq(p, "uefi-secureboot")) return efi_secure_boot(ctx);
        if (streq(p, "tpm2")) return has_tpm2();
        return false;
}

/* "CAP_NET_ADMIN" in any case, or a number below 64. */
static int capability_from_name(const char *s) {
        int n;
        if (safe_atoi(s, &n) >= 0) return n >= 0 && n < 64 ? n : -EINVAL;
        for (int i = 0; tinysd_capability_name(i); i++)
                if (strcasecmp(tinysd_capability_name(i), s) == 0) return i;
        return -EINVAL;
}

/* The bounding set of the manager, from /proc/self/status; without a CapBnd line 252 assumes
 * every capability. An unknown name cannot be evaluated (-EINVAL), as in 252. */
static int test_capability(const Condition *c, const ConditionContext *ctx _unused_) {
        int cap = capability_from_name(c->parameter);
        if (cap < 0) return log_debug_errno(EINVAL, "Unknown capability '%s'.", c->parameter);
        _cleanup_free_ char *status = NULL;
        int r = read_text("/proc/self/status", &status);
        if (r < 0) return r;
        unsigned long long bounding = ULLONG_MAX;
        const char *v = find_line(status, "CapBnd:");
        if (v && sscanf(v, "%llx", &bounding) != 1) return -EIO;
        return !!(bounding & (1ULL << cap));
}

/* 252's on_ac_power(): true if some "Mains" supply is online, or none is known to be offline. */
static bool on_ac_power(void) {
        DIR *d = opendir("/sys/class/power_supply");
        bool online = false, offline = false;
        if (!d) return true;
        for (struct dirent *de; !online && (de = readdir(d)); ) {
                _cleanup_free_ char *tp = NULL, *op = NULL, *type = NULL, *state = NULL;
                if (de->d_name[0] == '.') continue;
                tp = strjoin("/sys/class/power_supply/", de->d_name, "/type");
                op = strjoin("/sys/class/power_supply/", de->d_name, "/online");
                if (!tp || !op || read_first_line(tp, &type) < 0 || !streq(type, "Mains") ||
                    read_first_line(op, &state) < 0)
                        continue;
                online = streq(state, "1");
                offline = offline || streq(state, "0");
        }
        closedir(d);
        return online || !offline;
}

static int test_ac_power(const Condition *c, const ConditionContext *ctx _unused_) {
        int b = parse_boolean(c->parameter);
        if (b < 0) return b;
        return on_ac_power() == (b > 0);
}

/* Whether the "flags" line of /proc/cpuinfo lists flag (x86 only, as CPUID). */
static int cpuinfo_has_flag(const char *flag) {
#if defined(__i386__) || defined(__x86_64__)
        _cleanup_free_ char *text = NULL;
        int r = read_text("/proc/cpuinfo", &text);
        if (r < 0) return r;
        const char *v = find_line(text, "flags");
        if (!v || *(v += strspn(v, " \t")) != ':') return false;
        size_t fl = strlen(flag);
        for (const char *w = v + 1;;) {
                w += strspn(w, " \t");
                size_t k = strcspn(w, " \t\n");
                if (k == 0) return false;
                if (k == fl && strncmp(w, flag, fl) == 0) return true;
                w += k;
        }
#else
        (void)flag;
        return false;
#endif
}

/* The names 252 knows (CPUID leaves 1, 7, 0x80000001, 0x80000007), lower case; the three whose
 * cpuinfo flag is spelled differently carry it after '='. osxsave ("the OS enabled XSAVE") shows
 * as "xsave": Linux drops that flag when it does not enable XSAVE. */
static const char *const cpu_features[] = {
        "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge", "mca",
        "cmov", "pat", "pse36", "clflush", "mmx", "fxsr", "sse", "sse2", "ht", "pni", "pclmul=pclmulqdq",
        "monitor", "ssse3", "fma3=fma", "cx16", "sse4_1", "sse4_2", "movbe", "popcnt", "aes", "xsave",
        "osxsave=xsave", "avx", "f16c", "rdrand", "bmi1", "avx2", "bmi2", "rdseed", "adx", "sha_ni",
        "syscall", "rdtscp", "lm", "lahf_lm", "abm", "constant_tsc",
};

static int test_cpu_feature(const Condition *c, const ConditionContext *ctx _unused_) {
        char name[32];
        size_t n = strlen(c->parameter);
        if (n >= sizeof name) return false;
        for (size_t i = 0; i <= n; i++) {
                char ch = c->parameter[i];
                name[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        }
        for (size_t i = 0; i < ELEMENTSOF(cpu_features); i++) {
                const char *f = cpu_features[i], *rest = startswith(f, name);
                if (rest && (*rest == 0 || *rest == '=')) return cpuinfo_has_flag(*rest ? rest + 1 : f);
        }
        return false;   /* not a feature 252 knows: the CPU "does not have it" */
}

/* ---- KernelCommandLine, KernelVersion, Credential, Environment, OSRelease, FirstBoot ---- */

static int test_kernel_command_line(const Condition *c, const ConditionContext *ctx) {
        return cmdline_find(ctx, c->parameter, NULL);
}

static int test_kernel_version(const Condition *c, const ConditionContext *ctx _unused_) {
        struct utsname u;
        if (uname(&u) < 0) return -errno;
        return test_version_list(c->parameter, u.release);
}

/* The credential exists in $CREDENTIALS_DIRECTORY (or the encrypted one) of the manager. */
static int test_credential(const Condition *c, const ConditionContext *ctx) {
        static const char *const vars[] = { "CREDENTIALS_DIRECTORY", "ENCRYPTED_CREDENTIALS_DIRECTORY" };
        if (!filename_valid(c->parameter)) return false;   /* such a credential cannot exist */
        for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                const char *d = env_get(ctx->environ, vars[i]);
                if (isempty(d)) continue;
                if (d[0] != '/') return -EINVAL;
                _cleanup_free_ char *p = strjoin(d, "/", c->parameter);
                if (!p) return -ENOMEM;
                if (access(p, F_OK) >= 0) return true;
                if (errno != ENOENT) return -errno;
        }
        return false;
}

static int test_environment(const Condition *c, const ConditionContext *ctx) {
        const char *p = c->parameter;
        bool exact = strchr(p, '=');
        STRV_FOREACH(e, ctx->environ) {
                const char *f = startswith(*e, p);
                if (exact ? streq(*e, p) : f && (*f == 0 || *f == '=')) return true;
        }
        return false;
}

static bool env_name_valid(const char *s) {
        if (isempty(s) || is_digit(s[0])) return false;
        for (; *s; s++)
                if (!is_digit(*s) && !is_alpha(*s) && *s != '_') return false;
        return true;
}

static int load_os_release(const ConditionContext *ctx, char ***ret) {
        _cleanup_free_ char *etc = root_path(ctx, "/etc/os-release"), *usr = root_path(ctx, "/usr/lib/os-release");
        if (!etc || !usr) return -ENOMEM;
        int r = env_file_read(etc, ret);
        if (r == -ENOENT) r = env_file_read(usr, ret);
        return r < 0 ? log_debug_errno(r, "Failed to read os-release: %m") : 0;
}

/* "KEY OP VALUE" words, all of which must hold; a missing key compares as "". */
static int test_os_release(const Condition *c, const ConditionContext *ctx) {
        _cleanup_strv_free_ char **osr = NULL;
        bool loaded = false;
        for (const char *p = c->parameter;;) {
                _cleanup_free_ char *word = NULL;
                int r = extract_first_word(&p, &word, NULL, EXTRACT_UNQUOTE);
                if (r <= 0) return r < 0 ? r : true;
                size_t n = strcspn(word, "!<=>$");
                const char *v = word + n;
                CompareOp op = parse_op(&v, true);
                word[n] = 0;   /* the key; v already points past the operator */
                /* os-release keys are shell-variable names, and no whitespace may follow the operator */
                if (!env_name_valid(word) || op < 0 || isempty(v) || strchr(WHITESPACE, *v))
                        return log_debug_errno(EINVAL, "Failed to parse parameter, key/value format expected.");
                if (!loaded && (r = load_os_release(ctx, &osr)) < 0) return r;
                loaded = true;
                if (!compare_value(op, strempty(env_get(osr, word)), v)) return false;
        }
}

/* ctx->first_boot, which systemd.condition-first-boot= on the command line overrides. (252.x
 * then returns the override itself whatever the parameter; the documented meaning is used.) */
static int test_first_boot(const Condition *c, const ConditionContext *ctx) {
        int want = parse_boolean(c->parameter);
        if (want < 0) return want;
        int r = cmdline_get_bool(ctx, "systemd.condition-first-boot");
        bool state = r >= 0 ? r > 0 : ctx->first_boot;
        return state == (want > 0);
}

/* ---- Memory, CPUs, pressure ---- */

/* Physical memory, or the memory.max / memory.limit_in_bytes of our cgroup if lower: in a
 * container what was assigned to it, as 252's physical_memory(). */
static uint64_t physical_memory(void) {
        static const char *const limits[] = { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes" };
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        uint64_t mem = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
        for (size_t i = 0; i < ELEMENTSOF(limits); i++) {
                _cleanup_free_ char *s = NULL;
                uint64_t lim;
                if (read_first_line(limits[i], &s) < 0 || safe_atou64(s, &lim) < 0) continue;   /* "max" too */
                if (page > 0) lim = lim / (uint64_t)page * (uint64_t)page;
                if (lim < mem) mem = lim;
        }
        return mem;
}

static int test_memory(const Condition *c, const ConditionContext *ctx _unused_) {
        const char *p = c->parameter;
        uint64_t want;
        CompareOp op = parse_op(&p, false);
        if (op < 0) op = OP_GREATER_OR_EQUAL;
        int r = parse_size(p, 1024, &want);
        if (r < 0) return log_debug_errno(r, "Failed to parse size '%s': %m", p);
        return test_order(CMP(physical_memory(), want), op);
}

/* The CPUs in our affinity mask, the set growing until the kernel's fits. */
static int cpus_in_affinity_mask(void) {
        for (size_t n = 1024; n <= (1u << 20); n *= 2) {
                cpu_set_t *set = CPU_ALLOC(n);
                if (!set) return -ENOMEM;
                size_t size = CPU_ALLOC_SIZE(n);
                int r = sched_getaffinity(0, size, set) < 0 ? -errno : CPU_COUNT_S(size, set);
                CPU_FREE(set);
                if (r != -EINVAL) return r;
        }
        return -EINVAL;
}

static int test_cpus(const Condition *c, const ConditionContext *ctx _unused_) {
        const char *p = c->parameter;
        unsigned want;
        CompareOp op = parse_op(&p, false);
        if (op < 0) op = OP_GREATER_OR_EQUAL;
        int r = safe_atou(p, &want);
        if (r < 0) return log_debug_errno(r, "Failed to parse number of CPUs: %m");
        int n = cpus_in_affinity_mask();
        if (n < 0) return log_debug_errno(n, "Failed to determine CPUs in affinity mask: %m");
        return test_order(CMP((unsigned)n, want), op);
}

/* "N%" (two decimals), "N‰" (one) or "N‱" as 1/10000, at most 10000: parse_permyriad(). */
static int parse_permyriad(const char *s) {
        static const struct { const char *suffix; unsigned decimals, scale; } units[] = {
                { "%", 2, 1 }, { "\xe2\x80\xb0", 1, 10 }, { "\xe2\x80\xb1", 0, 1 },
        };
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                const char *end = endswith(s, units[i].suffix);
                if (!end) continue;
                unsigned long v = 0, d = 0;
                const char *p = s;
                for (; is_digit(*p) && v <= 1000000; p++) v = v * 10 + (unsigned long)(*p - '0');
                if (p == s) return -EINVAL;
                if (*p == '.' && units[i].decimals > 0) p++;
                for (; d < units[i].decimals; d++)
                        v = v * 10 + (p < end && is_digit(*p) ? (unsigned long)(*p++ - '0') : 0);
                if (p != end) return -EINVAL;
                v *= units[i].scale;
                return v <= 10000 ? (int)v : -ERANGE;
        }
        return -EINVAL;
}

/* The avgN= value, in hundredths of a percent, of the "some"/"full" line of a pressure file. */
static int pressure_read(const char *path, const char *kind, unsigned span, unsigned long *ret) {
        _cleanup_free_ char *text = NULL;
        char key[16];
        int r = read_text(path, &text);
        if (r < 0) return r;
        const char *line = find_line(text, kind);
        if (!line) return -ENODATA;
        snprintf(key, sizeof key, " avg%u=", span);
        const char *v = strstr(line, key), *eol = line + strcspn(line, "\n");
        unsigned long whole, hundredths;
        if (!v || v > eol || sscanf(v + strlen(key), "%lu.%2lu", &whole, &hundredths) != 2) return -EIO;
        *ret = whole * 100 + hundredths;
        return 0;
}

static bool pressure_supported(void) {
        return access("/proc/pressure/cpu", F_OK) >= 0 && access("/proc/pressure/io", F_OK) >= 0 &&
               access("/proc/pressure/memory", F_OK) >= 0;
}

/* "[SLICE:]LIMIT[/10sec|1min|5min]": system-wide pressure (the "full" line; "some" for the CPU,
 * whose system-wide "full" is undefined) must not exceed LIMIT. The per-slice form is checked
 * for syntax and then holds: tinysd keeps no slice cgroups, and 252 too says yes when the
 * slice's pressure file does not exist. No PSI in the kernel: true, as 252. */
static int test_pressure(const Condition *c, const ConditionContext *ctx _unused_) {
        const char *res = c->type == CONDITION_MEMORY_PRESSURE ? "memory" : c->type == CONDITION_CPU_PRESSURE ? "cpu" : "io";
        _cleanup_free_ char *first = NULL, *second = NULL, *limit = NULL, *span = NULL, *path = NULL;
        const char *p = c->parameter;
        unsigned long avg;
        if (!pressure_supported()) return true;
        if (extract_first_word(&p, &first, ":", 0) <= 0 || extract_first_word(&p, &second, ":", 0) < 0) return -EINVAL;
        p = second ?: first;
        if (extract_first_word(&p, &limit, "/", 0) <= 0 || extract_first_word(&p, &span, "/", 0) < 0) return -EINVAL;
        const char *s = span ? span + strspn(span, WHITESPACE) : "5min";
        unsigned secs = startswith(s, "10sec") ? 10 : startswith(s, "1min") ? 60 : startswith(s, "5min") ? 300 : 0;
        int max = parse_permyriad(strstrip(limit));
        if (secs == 0 || max < 0) return log_debug_errno(max < 0 ? max : EINVAL, "Failed to parse condition parameter %s.", c->parameter);
        if (second) return true;
        if (!(path = strjoin("/proc/pressure/", res))) return -ENOMEM;
        int r = pressure_read(path, c->type == CONDITION_CPU_PRESSURE ? "some" : "full", secs, &avg);
        if (r == -ENODATA) r = pressure_read(path, "some", secs, &avg);
        if (r < 0) return log_debug_errno(r, "Error parsing pressure from %s: %m", path);
        return avg <= (unsigned long)max;
}

/* ---- User, Group, ControlGroupController ---- */

/* 252's parse_uid(): decimal digits without sign, leading zero or whitespace; (uid_t)-1 and
 * the 16-bit -1 are not IDs. */
static bool parse_id_strict(const char *s, uint32_t *ret) {
        uint64_t v;
        if (isempty(s) || (s[0] == '0' && s[1]) || s[strspn(s, DIGITS)] || safe_atou64(s, &v) < 0 ||
            v >= UINT32_MAX || v == 0xFFFF)
                return false;
        *ret = (uint32_t)v;
        return true;
}

static bool uid_is_ours(uid_t id) { return getuid() == id || geteuid() == id; }

static int test_user(const Condition *c, const ConditionContext *ctx) {
        const char *p = c->parameter;
        uint32_t id;
        UserRecord u;
        if (streq(p, "root")) return uid_is_ours(0);
        if (streq(p, "nobody")) return uid_is_ours(UID_NOBODY);
        if (streq(p, "@system")) return getuid() <= SYSTEM_UID_MAX || geteuid() <= SYSTEM_UID_MAX;
        if (parse_id_strict(p, &id)) return uid_is_ours(id);
        /* "00", "+0", "4294967295": numbers 252 does not take as UIDs, nor as names */
        if (safe_atou(p, NULL) >= 0 || userdb_get_user(ctx->root, p, &u) < 0) return false;
        bool ours = uid_is_ours(u.uid);
        user_record_done(&u);
        return ours;
}

/* The real or effective group of the manager, or one of its supplementary groups. */
static int gid_is_ours(gid_t id) {
        if (getgid() == id || getegid() == id) return true;
        int n = getgroups(0, NULL);
        if (n <= 0) return n < 0 ? -errno : false;
        _cleanup_free_ gid_t *l = calloc((size_t)n, sizeof *l);
        if (!l) return -ENOMEM;
        n = getgroups(n, l);
        if (n < 0) return -errno;
        for (int i = 0; i < n; i++)
                if (l[i] == id) return true;
        return false;
}

static int test_group(const Condition *c, const ConditionContext *ctx) {
        const char *p = c->parameter;
        uint32_t id;
        gid_t gid;
        if (parse_id_strict(p, &id)) return gid_is_ours(id);
        if (safe_atou(p, NULL) >= 0 || userdb_get_group(ctx->root, p, &gid, NULL) < 0) return false;
        return gid_is_ours(gid);
}

/* 1 for the unified (v2) hierarchy, 0 for legacy or hybrid (v1), or a negative errno. */
static int cgroup_unified(void) {
        struct statfs fs;
        if (statfs("/sys/fs/cgroup/", &fs) < 0) return -errno;
        if ((uint32_t)fs.f_type == CGROUP2_SUPER_MAGIC_) return 1;
        if ((uint32_t)fs.f_type == TMPFS_MAGIC_) return 0;
        return -ENOMEDIUM;
}

/* The controllers 252 knows, with the hierarchies it uses each in; the bpf-* pseudo-controllers
 * are never available in tinysd. */
static const struct { const char *name; bool v1, v2; } cgroup_controllers[] = {
        { "cpu", true, true }, { "cpuacct", true, false }, { "cpuset", false, true }, { "io", false, true },
        { "blkio", true, false }, { "memory", true, true }, { "devices", true, false }, { "pids", true, true },
        { "bpf-firewall", false, false }, { "bpf-devices", false, false }, { "bpf-foreign", false, false },
        { "bpf-socket-bind", false, false }, { "bpf-restrict-network-interfaces", false, false },
};

/* v2: listed in our cgroup.controllers; v1: its hierarchy is there for us to write to. */
static bool controller_available(size_t i, bool unified, const char *v2_list) {
        const char *name = cgroup_controllers[i].name;
        if (!unified) {
                _cleanup_free_ char *p = strjoin("/sys/fs/cgroup/", name);
                return cgroup_controllers[i].v1 && p && access(p, W_OK) >= 0;
        }
        for (const char *w = v2_list; cgroup_controllers[i].v2 && *w; ) {
                w += strspn(w, WHITESPACE);
                size_t k = strcspn(w, WHITESPACE);
                if (k == strlen(name) && strncmp(w, name, k) == 0) return true;
                w += k;
        }
        return false;
}

/* "v1", "v2", or controllers separated by spaces that must all be available; names 252 does
 * not know are ignored, and with none left the condition holds. */
static int test_cgroup_controller(const Condition *c, const ConditionContext *ctx _unused_) {
        int unified = cgroup_unified();
        _cleanup_free_ char *v2 = NULL;
        if (streq(c->parameter, "v2")) return unified;
        if (unified < 0 || streq(c->parameter, "v1")) return unified < 0 ? unified : !unified;
        int r = unified ? read_text("/sys/fs/cgroup/cgroup.controllers", &v2) : 0;
        if (r < 0) return log_debug_errno(r, "Failed to determine supported controllers: %m");
        for (const char *p = c->parameter;;) {
                _cleanup_free_ char *w = NULL;
                r = extract_first_word(&p, &w, NULL, 0);
                if (r <= 0) return r < 0 ? r : true;
                for (size_t i = 0; i < ELEMENTSOF(cgroup_controllers); i++)
                        if (streq(w, cgroup_controllers[i].name) && !controller_available(i, unified, strempty(v2)))
                                return false;
        }
}

/* ---- paths ---- */

static bool hidden_or_backup(const char *name) {
        static const char *const suffixes[] = {
                "rpmnew", "rpmsave", "rpmorig", "dpkg-old", "dpkg-new", "dpkg-tmp", "dpkg-dist", "dpkg-bak",
                "dpkg-backup", "dpkg-remove", "ucf-new", "ucf-old", "ucf-dist", "swp", "bak", "old", "new",
        };
        if (name[0] == '.' || streq(name, "lost+found") || streq(name, "aquota.user") ||
            streq(name, "aquota.group") || endswith(name, "~"))
                return true;
        const char *dot = strrchr(name, '.');
        return dot && in_list(suffixes, ELEMENTSOF(suffixes), dot + 1);
}

static int test_path_exists(const char *path) { return access(path, F_OK) >= 0; }

static int test_path_is_directory(const char *path) {
        struct stat st;
        return stat(path, &st) >= 0 && S_ISDIR(st.st_mode);
}

static int test_path_is_symbolic_link(const char *path) {
        struct stat st;
        return lstat(path, &st) >= 0 && S_ISLNK(st.st_mode);
}

/* Is the resolved path a mount point in /proc/self/mountinfo (bind mounts of the same file
 * system have the same st_dev as their parent)? */
static bool in_mountinfo(const char *real) {
        _cleanup_free_ char *text = NULL;
        if (read_text("/proc/self/mountinfo", &text) < 0) return false;
        for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                const char *f = l;
                for (int i = 0; i < 4 && f; i++) f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
                _cleanup_free_ char *mp = NULL;
                /* the mount point is field 5, with octal escapes for spaces and the like */
                if (f && cunescape_length(f, strcspn(f, " "), CUNESCAPE_RELAX, &mp) >= 0 && streq(mp, real))
                        return true;
        }
        return false;
}

static int test_path_is_mount_point(const char *path) {
        _cleanup_free_ char *real = realpath(path, NULL), *parent = NULL;
        struct stat st, pst;
        if (!real) return false;
        if (streq(real, "/")) return true;
        parent = strndup_safe(real, (size_t)(strrchr(real, '/') - real));
        if (!parent) return -ENOMEM;
        if (stat(real, &st) < 0 || stat(isempty(parent) ? "/" : parent, &pst) < 0) return false;
        return st.st_dev != pst.st_dev || in_mountinfo(real);
}

/* 252's path_is_read_only_fs(): a read-only mount, or EROFS for write access (NFS). */
static int path_is_read_only(const char *path) {
        struct statvfs st;
        if (statvfs(path, &st) < 0) return -errno;
        if (st.f_flag & ST_RDONLY) return true;
        return access(path, W_OK) < 0 && errno == EROFS;
}

static int test_path_is_read_write(const char *path) {
        int r = path_is_read_only(path);
        return r <= 0 && r != -ENOENT;   /* 252: other errors do not make it read-only */
}

/* Always false: dm-crypt/LUKS backing devices are not a container's business. */
static int test_path_is_encrypted(const char *path _unused_) { return false; }

/* A directory with an entry that is not hidden or a backup file; errors other than a missing
 * path or not a directory count as not empty, as in 252. */
static int test_directory_not_empty(const char *path) {
        DIR *d = opendir(path);
        bool found = false;
        if (!d) return errno != ENOENT && errno != ENOTDIR;
        for (struct dirent *de; !found && (de = readdir(d)); ) found = !hidden_or_backup(de->d_name);
        closedir(d);
        return found;
}

static int test_file_not_empty(const char *path) {
        struct stat st;
        return stat(path, &st) >= 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

static int test_file_is_executable(const char *path) {
        struct stat st;
        return stat(path, &st) >= 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* A glob below ctx->root: the root's own glob characters are escaped. */
static int test_path_exists_glob(const Condition *c, const ConditionContext *ctx) {
        const char *root = isempty(ctx->root) || streq(ctx->root, "/") ? "" : ctx->root;
        _cleanup_free_ char *pattern = malloc(strlen(root) * 2 + strlen(c->parameter) + 1);
        if (!pattern) return -ENOMEM;
        char *q = pattern;
        for (const char *s = root; *s; s++) {
                if (strchr("*?[\\", *s)) *q++ = '\\';
                *q++ = *s;
        }
        strcpy(q, c->parameter);
        glob_t g = {};
        int r = glob_brace(pattern, GLOB_NOSORT, &g);
        globfree(&g);
        return r == 0 ? true : r == GLOB_NOSPACE ? -ENOMEM : false;
}

/* /usr/ newer than DIR/.updated (what systemd-update-done.service touches), unless the command
 * line decides, we are in the initrd, or DIR is on a read-only file system. */
static int test_needs_update(const Condition *c, const ConditionContext *ctx) {
        int r = cmdline_get_bool(ctx, "systemd.condition-needs-update");
        if (r >= 0) return r;
        if (root_exists(ctx, "/etc/initrd-release")) return false;
        if (c->parameter[0] != '/') return true;   /* rather one update too many than too few */
        _cleanup_free_ char *dir = root_path(ctx, c->parameter), *usr = root_path(ctx, "/usr/"), *stamp = NULL;
        if (!dir || !usr || !(stamp = strjoin(dir, "/.updated"))) return -ENOMEM;
        if (path_is_read_only(dir) > 0) return false;
        struct stat su, ss;
        if (lstat(stamp, &ss) < 0 || lstat(usr, &su) < 0) return true;
        if (su.st_mtim.tv_sec != ss.st_mtim.tv_sec) return su.st_mtim.tv_sec > ss.st_mtim.tv_sec;
        /* equal seconds: nanoseconds decide, unless the stamp's file system keeps none; then
         * systemd-update-done wrote them into the file as TIMESTAMP_NSEC= */
        if (su.st_mtim.tv_nsec == 0 || ss.st_mtim.tv_nsec > 0) return su.st_mtim.tv_nsec > ss.st_mtim.tv_nsec;
        _cleanup_strv_free_ char **env = NULL;
        uint64_t ts;
        if (env_file_read(stamp, &env) < 0 || safe_atou64(strempty(env_get(env, "TIMESTAMP_NSEC")), &ts) < 0) return true;
        return (uint64_t)su.st_mtim.tv_sec * UINT64_C(1000000000) + (uint64_t)su.st_mtim.tv_nsec > ts;
}

/* ---- dispatch ---- */

typedef int (*test_fn)(const Condition *c, const ConditionContext *ctx);
typedef int (*path_fn)(const char *path);

static const test_fn tests[_CONDITION_TYPE_MAX] = {
        [CONDITION_ARCHITECTURE] = test_architecture,
        [CONDITION_FIRMWARE] = test_firmware,
        [CONDITION_VIRTUALIZATION] = test_virtualization,
        [CONDITION_HOST] = test_host,
        [CONDITION_KERNEL_COMMAND_LINE] = test_kernel_command_line,
        [CONDITION_KERNEL_VERSION] = test_kernel_version,
        [CONDITION_CREDENTIAL] = test_credential,
        [CONDITION_SECURITY] = test_security,
        [CONDITION_CAPABILITY] = test_capability,
        [CONDITION_AC_POWER] = test_ac_power,
        [CONDITION_MEMORY] = test_memory,
        [CONDITION_CPUS] = test_cpus,
        [CONDITION_ENVIRONMENT] = test_environment,
        [CONDITION_CPU_FEATURE] = test_cpu_feature,
        [CONDITION_OS_RELEASE] = test_os_release,
        [CONDITION_MEMORY_PRESSURE] = test_pressure,
        [CONDITION_CPU_PRESSURE] = test_pressure,
        [CONDITION_IO_PRESSURE] = test_pressure,
        [CONDITION_NEEDS_UPDATE] = test_needs_update,
        [CONDITION_FIRST_BOOT] = test_first_boot,
        [CONDITION_PATH_EXISTS_GLOB] = test_path_exists_glob,
        [CONDITION_USER] = test_user,
        [CONDITION_GROUP] = test_group,
        [CONDITION_CONTROL_GROUP_CONTROLLER] = test_cgroup_controller,
};

/* The path conditions get their parameter below ctx->root. */
static const path_fn path_tests[_CONDITION_TYPE_MAX] = {
        [CONDITION_PATH_EXISTS] = test_path_exists,
        [CONDITION_PATH_IS_DIRECTORY] = test_path_is_directory,
        [CONDITION_PATH_IS_SYMBOLIC_LINK] = test_path_is_symbolic_link,
        [CONDITION_PATH_IS_MOUNT_POINT] = test_path_is_mount_point,
        [CONDITION_PATH_IS_READ_WRITE] = test_path_is_read_write,
        [CONDITION_PATH_IS_ENCRYPTED] = test_path_is_encrypted,
        [CONDITION_DIRECTORY_NOT_EMPTY] = test_directory_not_empty,
        [CONDITION_FILE_NOT_EMPTY] = test_file_not_empty,
        [CONDITION_FILE_IS_EXECUTABLE] = test_file_is_executable,
};

static int test_path(const Condition *c, const ConditionContext *ctx) {
        /* the loader only accepts absolute paths; anything else cannot name a file below the root */
        if (c->parameter[0] != '/') return false;
        _cleanup_free_ char *p = root_path(ctx, c->parameter);
        return p ? path_tests[c->type](p) : -ENOMEM;
}

int condition_test(const Condition *c, const ConditionContext *ctx) {
        if (!c || !c->parameter || (int)c->type < 0 || c->type >= _CONDITION_TYPE_MAX) return -EINVAL;
        if (!ctx) ctx = &default_context;
        int r = path_tests[c->type] ? test_path(c, ctx) : tests[c->type] ? tests[c->type](c, ctx) : -EOPNOTSUPP;
        if (r < 0) return r;
        return (r > 0) != c->negate;
}

/* One condition of a list, with 252's debug lines. */
static bool test_logged(const Condition *c, const ConditionContext *ctx) {
        int r = condition_test(c, ctx);
        const char *name = strna(condition_type_to_string(c->type));
        if (r < 0)
                log_debug_errno(r, "Couldn't determine result for %s=%s%s%s, assuming failed: %m", name,
                                c->trigger ? "|" : "", c->negate ? "!" : "", strempty(c->parameter));
        else
                log_debug("%s=%s%s%s %s.", name, c->trigger ? "|" : "", c->negate ? "!" : "",
                          strempty(c->parameter), r > 0 ? "succeeded" : "failed");
        return r > 0;
}

typedef struct ListState {
        const Condition *failed, *first_trigger;
        bool triggered;
} ListState;

/* Returns true when a non-trigger condition failed: the verdict is known. */
static bool list_step(const Condition *c, const ConditionContext *ctx, ListState *s) {
        if (c->trigger) {
                if (!s->first_trigger) s->first_trigger = c;
                /* once one trigger held the others cannot change the verdict */
                if (!s->triggered) s->triggered = test_logged(c, ctx);
                return false;
        }
        if (test_logged(c, ctx)) return false;
        s->failed = c;
        return true;
}

bool condition_list_test(const Condition *first, const ConditionContext *ctx, const Condition **ret_failed) {
        size_t n = 0;
        ListState s = {};
        for (const Condition *c = first; c; c = c->next) n++;
        _cleanup_free_ const Condition **v = n > 0 ? malloc(n * sizeof *v) : NULL;
        if (v) {
                size_t i = n;
                for (const Condition *c = first; c; c = c->next) v[--i] = c;
                for (i = 0; i < n && !list_step(v[i], ctx, &s); i++) {}
        } else
                /* no memory for file order: newest first, as 252 walks; same verdict */
                for (const Condition *c = first; c && !list_step(c, ctx, &s); c = c->next) {}
        if (!s.failed && s.first_trigger && !s.triggered) s.failed = s.first_trigger;
        if (ret_failed) *ret_failed = s.failed;
        return !s.failed;
}

char *condition_describe(const Condition *c, bool assert) {
        if (!c) return NULL;
        const char *name = assert ? assert_type_to_string(c->type) : condition_type_to_string(c->type);
        if (!name) return NULL;
        return xasprintf("%s=%s%s%s", name, c->trigger ? "|" : "", c->negate ? "!" : "", strempty(c->parameter));
}
