/* SPDX-License-Identifier: MIT */
/* `systemctl show` lines of the exec, kill and resource-control contexts, in systemd 252's names,
 * order (its D-Bus vtables) and value formats, checked against tests/data/reference. Runtime
 * properties print what an inactive unit shows (ControlGroup=, MemoryCurrent=[not set], ...). */
#include <arpa/inet.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "base/strv.h"
#include "unit/exec-config.h"
#include "unit/show.h"

static const char *yesno(bool b) { return b ? "yes" : "no"; }

static int put_words(Buf *o, const char *name, char *const *l) {
        int r = buf_printf(o, "%s=", name);
        STRV_FOREACH(s, l)
                if (r >= 0) r = buf_printf(o, "%s%s", s == l ? "" : " ", *s);
        return r < 0 ? r : buf_putc(o, '\n');
}

static int put_quoted_words(Buf *o, const char *name, char *const *l) {
        int r = buf_printf(o, "%s=", name);
        STRV_FOREACH(s, l) {
                if (r >= 0 && s != l) r = buf_putc(o, ' ');
                if (r >= 0) r = show_put_quoted(o, *s);
        }
        return r < 0 ? r : buf_putc(o, '\n');
}

/* One "Name=entry" line per entry, nothing when empty (systemctl's a(ss)-style properties). */
static int put_lines(Buf *o, const char *name, char *const *l) {
        int r = 0;
        STRV_FOREACH(s, l)
                if (r >= 0) r = buf_printf(o, "%s=%s\n", name, *s);
        return r;
}

static int put_str(Buf *o, const char *name, const char *v) {
        return buf_printf(o, "%s=%s\n", name, strempty(v));
}

static int put_usec(Buf *o, const char *name, usec_t t) {
        char b[FORMAT_TIMESPAN_MAX];
        return buf_printf(o, "%s=%s\n", name, format_timespan(b, sizeof b, t, 1));
}

/* An allow/deny list as 252 prints it: "~" alone when unset, "~a b" for a deny list. */
static int put_allow_deny(Buf *o, const char *name, const AllowDenyList *l, bool sorted) {
        _cleanup_strv_free_ char **c = strv_copy(l->items);
        if (l->items && !c) return -ENOMEM;
        if (sorted) strv_sort(c);
        int r = buf_printf(o, "%s=%s", name, l->set && l->allow_list ? "" : "~");
        STRV_FOREACH(s, c)
                if (r >= 0) r = buf_printf(o, "%s%s", s == c ? "" : " ", *s);
        return r < 0 ? r : buf_putc(o, '\n');
}

/* ---- CPU sets: the union of all entries, printed as "0-3 5 7" (cpu_set_to_range_string) ---- */

#define CPU_BITS 8192
typedef struct { uint64_t w[CPU_BITS / 64]; } Bits;

static void bits_add_list(Bits *b, const char *s) {
        for (const char *p = s;;) {
                p += strspn(p, " \t\n,");
                if (!*p) return;
                char *end;
                unsigned long a = strtoul(p, &end, 10), z = a;
                if (*end == '-') z = strtoul(end + 1, &end, 10);
                for (unsigned long i = a; i <= z && i < CPU_BITS; i++) b->w[i / 64] |= UINT64_C(1) << (i % 64);
                if (end == p) return;
                p = end;
        }
}

static int put_cpu_set(Buf *o, const char *name, char *const *l) {
        Bits b = {{0}};
        STRV_FOREACH(s, l)
                if (!streq(*s, "numa") && !streq(*s, "all")) bits_add_list(&b, *s);
        int r = buf_printf(o, "%s=", name);
        bool first = true;
        for (unsigned i = 0; r >= 0 && i < CPU_BITS; i++) {
                if (!(b.w[i / 64] & (UINT64_C(1) << (i % 64)))) continue;
                unsigned j = i;
                while (j + 1 < CPU_BITS && (b.w[(j + 1) / 64] & (UINT64_C(1) << ((j + 1) % 64)))) j++;
                r = j > i ? buf_printf(o, "%s%u-%u", first ? "" : " ", i, j) : buf_printf(o, "%s%u", first ? "" : " ", i);
                first = false;
                i = j;
        }
        return r < 0 ? r : buf_putc(o, '\n');
}

/* ---- resource limits ---- */

static const char *const rlimit_names[] = {
        [RLIMIT_CPU] = "CPU", [RLIMIT_FSIZE] = "FSIZE", [RLIMIT_DATA] = "DATA", [RLIMIT_STACK] = "STACK",
        [RLIMIT_CORE] = "CORE", [RLIMIT_RSS] = "RSS", [RLIMIT_NOFILE] = "NOFILE", [RLIMIT_AS] = "AS",
        [RLIMIT_NPROC] = "NPROC", [RLIMIT_MEMLOCK] = "MEMLOCK", [RLIMIT_LOCKS] = "LOCKS",
        [RLIMIT_SIGPENDING] = "SIGPENDING", [RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",
        [RLIMIT_RTPRIO] = "RTPRIO", [RLIMIT_RTTIME] = "RTTIME",
};

static void put_rlim(char *b, size_t n, rlim_t v) {
        if (v == RLIM_INFINITY) snprintf(b, n, "infinity");
        else snprintf(b, n, "%llu", (unsigned long long)v);
}

/* Unset limits show what the manager passes on: 252's DefaultLimitNOFILE=1024:524288 and
 * DefaultLimitMEMLOCK=8M, otherwise its own limits (getrlimit), as systemd does. */
static int put_rlimits(Buf *o, const ExecContext *c) {
        static const int order[] = { RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS,
                                     RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_MEMLOCK, RLIMIT_LOCKS,
                                     RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME };
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(order); i++) {
                int res = order[i];
                struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
                if (c->rlimit[res]) rl = *c->rlimit[res];
                else if (res == RLIMIT_NOFILE) rl = (struct rlimit){ 1024, 524288 };
                else if (res == RLIMIT_MEMLOCK) rl = (struct rlimit){ 8388608, 8388608 };
                else (void)getrlimit(res, &rl);
                char h[32], s[32];
                put_rlim(h, sizeof h, rl.rlim_max);
                put_rlim(s, sizeof s, rl.rlim_cur);
                r = buf_printf(o, "Limit%s=%s\nLimit%sSoft=%s\n", rlimit_names[res], h, rlimit_names[res], s);
        }
        return r;
}

static int put_caps(Buf *o, const char *name, uint64_t set) {
        int r = buf_printf(o, "%s=", name);
        bool first = true;
        for (int i = 0; r >= 0 && tinysd_capability_name(i); i++)
                if (set & (UINT64_C(1) << i)) {
                        r = buf_printf(o, "%s%s", first ? "" : " ", tinysd_capability_name(i));
                        first = false;
                }
        return r < 0 ? r : buf_putc(o, '\n');
}

static int put_env_files(Buf *o, char *const *l) {
        int r = 0;
        /* one line per file, as systemctl show prints an a(sb) property; none when empty */
        STRV_FOREACH(f, l)
                if (r >= 0) r = buf_printf(o, "EnvironmentFiles=%s (ignore_errors=%s)\n", (*f)[0] == '-' ? *f + 1 : *f,
                                           yesno((*f)[0] == '-'));
        return r;
}

static int put_base64(Buf *o, const char *name, const char *d, size_t n) {
        static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int r = buf_printf(o, "%s=", name);
        for (size_t i = 0; r >= 0 && i < n; i += 3) {
                unsigned v = (unsigned char)d[i] << 16 | (i + 1 < n ? (unsigned char)d[i + 1] << 8 : 0) |
                             (i + 2 < n ? (unsigned char)d[i + 2] : 0);
                char q[5] = { t[v >> 18], t[(v >> 12) & 63], i + 1 < n ? t[(v >> 6) & 63] : '=', i + 2 < n ? t[v & 63] : '=', 0 };
                r = buf_puts(o, q);
        }
        return r < 0 ? r : buf_putc(o, '\n');
}

/* The fd name systemd reports: only for fd: outputs, "stdin"/"stdout"/"stderr" by default. */
static const char *fdname(const ExecContext *c, int i, bool named) {
        static const char *const def[] = { "stdin", "stdout", "stderr" };
        return named ? (c->stdio_file[i] ? c->stdio_file[i] : def[i]) : "";
}

static int put_stdio(Buf *o, const ExecContext *c) {
        int r = buf_printf(o, "StandardInput=%s\nStandardInputFileDescriptorName=%s\n", exec_input_to_string(c->std_input),
                           fdname(c, 0, c->std_input == EXEC_INPUT_NAMED_FD));
        if (r >= 0) r = put_base64(o, "StandardInputData", c->stdin_data, c->stdin_data_size);
        if (r >= 0)
                r = buf_printf(o, "StandardOutput=%s\nStandardOutputFileDescriptorName=%s\n", exec_output_to_string(c->std_output),
                               fdname(c, 1, c->std_output == EXEC_OUTPUT_NAMED_FD));
        if (r >= 0)
                r = buf_printf(o, "StandardError=%s\nStandardErrorFileDescriptorName=%s\n", exec_output_to_string(c->std_error),
                               fdname(c, 2, c->std_error == EXEC_OUTPUT_NAMED_FD));
        return r;
}

static int put_tty_size(Buf *o, const char *name, unsigned v) {
        return v == UINT_MAX ? buf_printf(o, "%s=[unprintable]\n", name) : buf_printf(o, "%s=%u\n", name, v);
}

/* RootHash= is a path (RootHashPath=) or hex data (RootHash=); likewise the signature. */
static int put_root_hash(Buf *o, const ExecContext *c) {
        const char *h = c->root_hash, *s = c->root_hash_signature;
        bool hp = h && h[0] == '/', sp = s && s[0] == '/';
        return buf_printf(o, "RootHash=%s\nRootHashPath=%s\nRootHashSignature=%s\nRootHashSignaturePath=%s\n",
                          h && !hp ? h : "", hp ? h : "", s && !sp ? s + strlen("base64:") : "", sp ? s : "");
}

static int put_scheduling(Buf *o, const ExecContext *c) {
        static const char *const numa[] = { "default", "preferred", "bind", "interleave", "local" };
        int cls = c->ioprio_set && c->ioprio_class > 0 ? c->ioprio_class : 2;   /* "none" is best-effort */
        int r = buf_printf(o, "OOMScoreAdjust=%d\n", c->oom_score_adjust_set ? c->oom_score_adjust : 0);
        if (r >= 0) r = buf_printf(o, "CoredumpFilter=0x%llx\n", (unsigned long long)(c->coredump_filter_set ? c->coredump_filter : 0x33));
        if (r >= 0) r = buf_printf(o, "Nice=%d\nIOSchedulingClass=%d\nIOSchedulingPriority=%d\n", c->nice_set ? c->nice : 0, cls,
                                   c->ioprio_set ? c->ioprio_priority : 4);
        if (r >= 0) r = buf_printf(o, "CPUSchedulingPolicy=%d\nCPUSchedulingPriority=%d\n", c->cpu_sched_policy, c->cpu_sched_priority);
        if (r >= 0) r = put_cpu_set(o, "CPUAffinity", c->cpu_affinity);
        if (r >= 0) r = buf_printf(o, "CPUAffinityFromNUMA=%s\n", yesno(strv_contains(c->cpu_affinity, "numa")));
        if (r >= 0) r = buf_printf(o, "NUMAPolicy=%s\n", c->numa_policy >= 0 && c->numa_policy < 5 ? numa[c->numa_policy] : "n/a");
        if (r >= 0) r = put_cpu_set(o, "NUMAMask", c->numa_mask);
        if (r >= 0) r = buf_printf(o, "TimerSlackNSec=%llu\n", (unsigned long long)(c->timer_slack_nsec == NSEC_INFINITY ? 50000 : c->timer_slack_nsec));
        if (r >= 0) r = buf_printf(o, "CPUSchedulingResetOnFork=%s\nNonBlocking=no\n", yesno(c->cpu_sched_reset_on_fork));
        return r;
}

static int put_logging(Buf *o, const ExecContext *c) {
        int r = put_str(o, "TTYPath", c->tty_path);
        if (r >= 0) r = buf_printf(o, "TTYReset=%s\nTTYVHangup=%s\nTTYVTDisallocate=%s\n", yesno(c->tty_reset),
                                   yesno(c->tty_vhangup), yesno(c->tty_vt_disallocate));
        if (r >= 0) r = put_tty_size(o, "TTYRows", c->tty_rows);
        if (r >= 0) r = put_tty_size(o, "TTYColumns", c->tty_columns);
        if (r >= 0) r = buf_printf(o, "SyslogPriority=%d\nSyslogIdentifier=%s\nSyslogLevelPrefix=%s\nSyslogLevel=%d\nSyslogFacility=%d\n",
                                   c->syslog_priority, strempty(c->syslog_identifier), yesno(c->syslog_level_prefix),
                                   c->syslog_priority & 7, c->syslog_priority >> 3);
        if (r >= 0) r = buf_printf(o, "LogLevelMax=%d\n", c->log_level_max);
        if (r >= 0) r = put_usec(o, "LogRateLimitIntervalUSec", c->log_ratelimit_interval_usec);
        if (r >= 0) r = buf_printf(o, "LogRateLimitBurst=%u\n", c->log_ratelimit_burst);
        if (r >= 0) r = put_quoted_words(o, "LogExtraFields", c->log_extra_fields);
        if (r >= 0) r = put_str(o, "LogNamespace", c->log_namespace);
        return r;
}

static int put_credentials(Buf *o, const ExecContext *c) {
        int r = buf_printf(o, "SecureBits=%d\n", c->secure_bits);
        if (r >= 0) r = put_caps(o, "CapabilityBoundingSet", c->capability_bounding_set);
        if (r >= 0) r = put_caps(o, "AmbientCapabilities", c->capability_ambient_set);
        if (r >= 0) r = buf_printf(o, "User=%s\nGroup=%s\nDynamicUser=%s\nRemoveIPC=%s\n", strempty(c->user),
                                   strempty(c->group), yesno(c->dynamic_user), yesno(c->remove_ipc));
        if (r >= 0) r = buf_puts(o, "SetCredential=[unprintable]\nSetCredentialEncrypted=[unprintable]\n"
                                    "LoadCredential=[unprintable]\nLoadCredentialEncrypted=[unprintable]\n");
        if (r >= 0) r = put_words(o, "SupplementaryGroups", c->supplementary_groups);
        if (r >= 0) r = put_str(o, "PAMName", c->pam_name);
        return r;
}

static const char *mount_flags_str(unsigned long f) {
        return f == MS_SHARED ? "shared" : f == MS_SLAVE ? "slave" : f == MS_PRIVATE ? "private" : "";
}

static int put_sandbox(Buf *o, const ExecContext *c) {
        int r = put_words(o, "ReadWritePaths", c->read_write_paths);
        if (r >= 0) r = put_words(o, "ReadOnlyPaths", c->read_only_paths);
        if (r >= 0) r = put_words(o, "InaccessiblePaths", c->inaccessible_paths);
        if (r >= 0) r = put_words(o, "ExecPaths", c->exec_paths);
        if (r >= 0) r = put_words(o, "NoExecPaths", c->no_exec_paths);
        if (r >= 0) r = put_words(o, "ExecSearchPath", c->exec_search_path);
        if (r >= 0) r = put_str(o, "MountFlags", mount_flags_str(c->mount_flags));
        if (r >= 0) r = buf_printf(o, "PrivateTmp=%s\nPrivateDevices=%s\nProtectClock=%s\nProtectKernelTunables=%s\n"
                                      "ProtectKernelModules=%s\nProtectKernelLogs=%s\nProtectControlGroups=%s\n"
                                      "PrivateNetwork=%s\nPrivateUsers=%s\nPrivateMounts=%s\nPrivateIPC=%s\nProtectHome=%s\n"
                                      "ProtectSystem=%s\nSameProcessGroup=no\n",
                                   yesno(c->private_tmp), yesno(c->private_devices), yesno(c->protect_clock),
                                   yesno(c->protect_kernel_tunables), yesno(c->protect_kernel_modules), yesno(c->protect_kernel_logs),
                                   yesno(c->protect_control_groups), yesno(c->private_network), yesno(c->private_users),
                                   yesno(c->private_mounts), yesno(c->private_ipc),
                                   protect_home_to_string(c->protect_home),
                                   protect_system_to_string(c->protect_system));
        if (r >= 0) r = buf_printf(o, "UtmpIdentifier=%s\nUtmpMode=%s\nSELinuxContext=%s\nAppArmorProfile=%s\nSmackProcessLabel=%s\n",
                                   strempty(c->utmp_id), (const char *[]){ "init", "login", "user" }[c->utmp_mode],
                                   strempty(c->selinux_context), strempty(c->apparmor_profile), strempty(c->smack_process_label));
        if (r >= 0) r = buf_printf(o, "IgnoreSIGPIPE=%s\nNoNewPrivileges=%s\n", yesno(c->ignore_sigpipe), yesno(c->no_new_privileges));
        if (r >= 0) r = put_allow_deny(o, "SystemCallFilter", &c->system_call_filter, true);
        if (r >= 0) r = put_words(o, "SystemCallArchitectures", c->system_call_architectures);
        if (r >= 0) r = buf_printf(o, "SystemCallErrorNumber=%d\n", c->system_call_error_number > 0 ? c->system_call_error_number : INT_MAX - 1);
        if (r >= 0) r = put_allow_deny(o, "SystemCallLog", &c->system_call_log, true);
        if (r >= 0) r = buf_printf(o, "Personality=%s\nLockPersonality=%s\n", strempty(c->personality), yesno(c->lock_personality));
        if (r >= 0) r = put_allow_deny(o, "RestrictAddressFamilies", &c->restrict_address_families, true);
        return r;
}

static int put_directories(Buf *o, const ExecContext *c) {
        static const char *const dirnames[] = { "Runtime", "State", "Cache", "Logs", "Configuration" };
        int r = buf_printf(o, "RuntimeDirectoryPreserve=%s\n", (const char *[]){ "no", "yes", "restart" }[c->runtime_directory_preserve_mode]);
        for (int t = 0; r >= 0 && t < _EXEC_DIRECTORY_TYPE_MAX; t++) {
                char name[32];
                snprintf(name, sizeof name, "%sDirectory", dirnames[t]);
                r = buf_printf(o, "%sMode=%04o\n", name, (unsigned)c->directories[t].mode);
                if (r >= 0) r = put_words(o, name, c->directories[t].paths);
        }
        if (r >= 0) r = put_usec(o, "TimeoutCleanUSec", c->timeout_clean_usec);
        return r;
}

/* BindPaths= as systemctl prints them: "[-]SRC:DST:rbind|norbind", space separated. */
static int put_binds(Buf *o, const char *name, char *const *l) {
        int r = buf_printf(o, "%s=", name);
        STRV_FOREACH(s, l) {
                const char *src = *s, *c1 = strchr(src, ':');
                const char *dst = c1 ? c1 + 1 : NULL, *c2 = dst ? strchr(dst, ':') : NULL;
                int sl = c1 ? (int)(c1 - src) : (int)strlen(src);
                const char *so = src[0] == '-' ? src + 1 : src;
                if (src[0] == '-') sl--;
                int dl = dst ? (c2 ? (int)(c2 - dst) : (int)strlen(dst)) : sl;
                if (r >= 0)
                        r = buf_printf(o, "%s%s%.*s:%.*s:%s", s == l ? "" : " ", src[0] == '-' ? "-" : "", sl, so, dl,
                                       dst ? dst : so, c2 ? c2 + 1 : "rbind");
        }
        return r < 0 ? r : buf_putc(o, '\n');
}

static int put_restrictions(Buf *o, const ExecContext *c) {
        int r = buf_printf(o, "MemoryDenyWriteExecute=%s\nRestrictRealtime=%s\nRestrictSUIDSGID=%s\n",
                           yesno(c->memory_deny_write_execute), yesno(c->restrict_realtime), yesno(c->restrict_suid_sgid));
        if (r >= 0) {
                if (!c->restrict_namespaces.set) r = buf_puts(o, "RestrictNamespaces=no\n");
                else if (!c->restrict_namespaces.items) r = buf_puts(o, "RestrictNamespaces=yes\n");
                else r = put_words(o, "RestrictNamespaces", c->restrict_namespaces.items);
        }
        if (r >= 0) r = put_allow_deny(o, "RestrictFileSystems", &c->restrict_filesystems, true);
        if (r >= 0) r = put_binds(o, "BindPaths", c->bind_paths);
        if (r >= 0) r = put_binds(o, "BindReadOnlyPaths", c->bind_read_only_paths);
        if (r >= 0) r = put_words(o, "TemporaryFileSystem", c->temporary_filesystem);
        if (r >= 0) r = buf_printf(o, "MountAPIVFS=%s\nKeyringMode=%s\nProtectProc=%s\nProcSubset=%s\nProtectHostname=%s\n",
                                   yesno(c->mount_apivfs > 0), (const char *[]){ "inherit", "private", "shared" }[c->keyring_mode],
                                   (const char *[]){ "default", "noaccess", "invisible", "ptraceable" }[c->protect_proc],
                                   (const char *[]){ "all", "pid" }[c->proc_subset], yesno(c->protect_hostname));
        if (r >= 0) r = put_str(o, "NetworkNamespacePath", c->network_namespace_path);
        if (r >= 0) r = put_str(o, "IPCNamespacePath", c->ipc_namespace_path);
        return r;
}

int exec_context_show(const ExecContext *c, Buf *o) {
        int r = put_quoted_words(o, "Environment", c->environment);
        if (r >= 0) r = put_env_files(o, c->environment_files);
        if (r >= 0) r = put_words(o, "PassEnvironment", c->pass_environment);
        if (r >= 0) r = put_words(o, "UnsetEnvironment", c->unset_environment);
        if (r >= 0) r = buf_printf(o, "UMask=%04o\n", (unsigned)c->umask);
        if (r >= 0) r = put_rlimits(o, c);
        if (r >= 0)   /* 252 shows the '-' (missing ok) prefix as '!' */
                r = buf_printf(o, "WorkingDirectory=%s%s\n", c->working_directory_missing_ok ? "!" : "", strempty(c->working_directory));
        if (r >= 0) r = buf_printf(o, "RootDirectory=%s\nRootImage=%s\n", strempty(c->root_directory), strempty(c->root_image));
        if (r >= 0) r = put_root_hash(o, c);
        if (r >= 0) r = put_str(o, "RootVerity", c->root_verity);
        if (r >= 0) r = put_words(o, "ExtensionDirectories", c->extension_directories);
        if (r >= 0) r = put_words(o, "ExtensionImages", c->extension_images);
        if (r >= 0) r = put_words(o, "MountImages", c->mount_images);
        if (r >= 0) r = put_scheduling(o, c);
        if (r >= 0) r = put_stdio(o, c);
        if (r >= 0) r = put_logging(o, c);
        if (r >= 0) r = put_credentials(o, c);
        if (r >= 0) r = put_sandbox(o, c);
        if (r >= 0) r = put_directories(o, c);
        if (r >= 0) r = put_restrictions(o, c);
        return r;
}

int kill_context_show(const KillContext *c, Buf *o) {
        return buf_printf(o, "KillMode=%s\nKillSignal=%d\nRestartKillSignal=%d\nFinalKillSignal=%d\nSendSIGKILL=%s\nSendSIGHUP=%s\nWatchdogSignal=%d\n",
                          kill_mode_to_string(c->kill_mode), c->kill_signal,
                          c->restart_kill_signal ? c->restart_kill_signal : c->kill_signal, c->final_kill_signal,
                          yesno(c->send_sigkill), yesno(c->send_sighup), c->watchdog_signal);
}

/* ---- resource control ---- */

static int put_weight(Buf *o, const char *name, uint64_t w) {
        return w == CGROUP_WEIGHT_INVALID ? buf_printf(o, "%s=[not set]\n", name) : buf_printf(o, "%s=%llu\n", name, (unsigned long long)w);
}

uint64_t cgroup_memory_bytes(uint64_t v) {
        if (v == CGROUP_LIMIT_MAX || v < UINT64_MAX - 1000) return v;
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
        if (pages <= 0 || size <= 0) return CGROUP_LIMIT_MAX;
        return (uint64_t)pages * (uint64_t)size / 1000 * (v - (UINT64_MAX - 1000));
}

static int put_limit(Buf *o, const char *name, uint64_t v) {
        v = cgroup_memory_bytes(v);
        return v == CGROUP_LIMIT_MAX ? buf_printf(o, "%s=infinity\n", name) : buf_printf(o, "%s=%llu\n", name, (unsigned long long)v);
}

static uint64_t read_proc_u64(const char *path) {
        FILE *f = fopen(path, "re");
        unsigned long long v = 0;
        if (f) {
            if (fscanf(f, "%llu", &v) != 1) v = 0;
            fclose(f);
        }
        return v;
}

/* DefaultTasksMax=15% of the kernel's limit, min(pid_max, threads-max), as 252 computes it. */
static uint64_t system_tasks_max(void) {
        uint64_t a = read_proc_u64("/proc/sys/kernel/pid_max"), b = read_proc_u64("/proc/sys/kernel/threads-max");
        uint64_t m = a && b ? (a < b ? a : b) : (a ? a : b);
        return m ? m : 4194304;
}

uint64_t cgroup_context_tasks_max(const CGroupContext *c) {
        if (!c->tasks_max_set) return system_tasks_max() * 15 / 100;
        if (c->tasks_max_permille) return system_tasks_max() * c->tasks_max_permille / 1000;
        return c->tasks_max;
}

static int put_tasks_max(Buf *o, const CGroupContext *c) {
        uint64_t v = cgroup_context_tasks_max(c);
        return v == UINT64_MAX ? buf_puts(o, "TasksMax=infinity\n") : buf_printf(o, "TasksMax=%llu\n", (unsigned long long)v);
}

/* Address prefixes normalised as 252 stores them: names expanded, host bits cleared, "/N" always. */
static int put_prefix(Buf *o, const char *s, bool first) {
        static const struct { const char *name, *v4, *v6; } special[] = {
                { "any", "0.0.0.0/0", "::/0" }, { "localhost", "127.0.0.0/8", "::1/128" },
                { "link-local", "169.254.0.0/16", "fe80::/64" }, { "multicast", "224.0.0.0/4", "ff00::/8" },
        };
        for (size_t i = 0; i < ELEMENTSOF(special); i++)
                if (streq(s, special[i].name)) return buf_printf(o, "%s%s %s", first ? "" : " ", special[i].v4, special[i].v6);
        char addr[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN];
        unsigned char bin[16] = {0};
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n >= sizeof addr) return buf_printf(o, "%s%s", first ? "" : " ", s);
        memcpy(addr, s, n);
        addr[n] = 0;
        int af = inet_pton(AF_INET, addr, bin) == 1 ? AF_INET : AF_INET6;
        if (af == AF_INET6 && inet_pton(AF_INET6, addr, bin) != 1) return buf_printf(o, "%s%s", first ? "" : " ", s);
        unsigned max = af == AF_INET ? 32 : 128, len = slash ? (unsigned)strtoul(slash + 1, NULL, 10) : max;
        for (unsigned i = len; i < max; i++) bin[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
        if (!inet_ntop(af, bin, out, sizeof out)) return -errno;
        return buf_printf(o, "%s%s/%u", first ? "" : " ", out, len);
}

static int put_prefixes(Buf *o, const char *name, char *const *l) {
        int r = buf_printf(o, "%s=", name);
        STRV_FOREACH(s, l)
                if (r >= 0) r = put_prefix(o, *s, s == l);
        return r < 0 ? r : buf_putc(o, '\n');
}

/* What an inactive unit shows for the runtime cgroup properties. */
static int put_cgroup_runtime(Buf *o, const char *slice) {
        int r = slice ? buf_printf(o, "Slice=%s\n", slice) : 0;
        if (r >= 0) r = buf_puts(o, "ControlGroup=\nControlGroupId=0\nMemoryCurrent=[not set]\nMemoryAvailable=infinity\n"
                                    "CPUUsageNSec=[not set]\nEffectiveCPUs=\nEffectiveMemoryNodes=\nTasksCurrent=[not set]\n"
                                    "IPIngressBytes=[no data]\nIPIngressPackets=[no data]\nIPEgressBytes=[no data]\n"
                                    "IPEgressPackets=[no data]\nIOReadBytes=18446744073709551615\n"
                                    "IOReadOperations=18446744073709551615\nIOWriteBytes=18446744073709551615\n"
                                    "IOWriteOperations=18446744073709551615\n");
        return r;
}

static const char *const all_controllers = "cpu cpuset io memory pids";

int cgroup_context_show(const CGroupContext *c, const char *slice, Buf *o) {
        int r = put_cgroup_runtime(o, slice);
        if (r >= 0) r = buf_printf(o, "Delegate=%s\n", yesno(c->delegate));
        if (r >= 0) {   /* Delegate=yes without a list delegates every controller the system has */
                if (c->delegate && !c->delegate_controllers) r = buf_printf(o, "DelegateControllers=%s\n", all_controllers);
                else r = put_words(o, "DelegateControllers", c->delegate_controllers);
        }
        if (r >= 0) r = buf_printf(o, "CPUAccounting=%s\n", yesno(c->cpu_accounting));
        if (r >= 0) r = put_weight(o, "CPUWeight", c->cpu_weight);
        if (r >= 0) r = put_weight(o, "StartupCPUWeight", c->startup_cpu_weight);
        if (r >= 0) r = put_weight(o, "CPUShares", c->cpu_shares);
        if (r >= 0) r = put_weight(o, "StartupCPUShares", c->startup_cpu_shares);
        if (r >= 0) r = put_usec(o, "CPUQuotaPerSecUSec", c->cpu_quota_per_sec_usec);
        if (r >= 0) r = put_usec(o, "CPUQuotaPeriodUSec", c->cpu_quota_period_usec);
        if (r >= 0) r = put_cpu_set(o, "AllowedCPUs", c->allowed_cpus);
        if (r >= 0) r = put_cpu_set(o, "StartupAllowedCPUs", c->startup_allowed_cpus);
        if (r >= 0) r = put_cpu_set(o, "AllowedMemoryNodes", c->allowed_memory_nodes);
        if (r >= 0) r = put_cpu_set(o, "StartupAllowedMemoryNodes", c->startup_allowed_memory_nodes);
        if (r >= 0) r = buf_printf(o, "IOAccounting=%s\n", yesno(c->io_accounting));
        if (r >= 0) r = put_weight(o, "IOWeight", c->io_weight);
        if (r >= 0) r = put_weight(o, "StartupIOWeight", c->startup_io_weight);
        if (r >= 0) r = put_lines(o, "IODeviceWeight", c->io_device_weight);
        if (r >= 0) r = put_lines(o, "IOReadBandwidthMax", c->io_read_bandwidth_max);
        if (r >= 0) r = put_lines(o, "IOWriteBandwidthMax", c->io_write_bandwidth_max);
        if (r >= 0) r = put_lines(o, "IOReadIOPSMax", c->io_read_iops_max);
        if (r >= 0) r = put_lines(o, "IOWriteIOPSMax", c->io_write_iops_max);
        if (r >= 0) r = put_lines(o, "IODeviceLatencyTargetUSec", c->io_device_latency_target);
        if (r >= 0) r = buf_printf(o, "BlockIOAccounting=%s\n", yesno(c->blockio_accounting));
        if (r >= 0) r = put_weight(o, "BlockIOWeight", c->blockio_weight);
        if (r >= 0) r = put_weight(o, "StartupBlockIOWeight", c->startup_blockio_weight);
        if (r >= 0) r = put_lines(o, "BlockIODeviceWeight", c->blockio_device_weight);
        if (r >= 0) r = put_lines(o, "BlockIOReadBandwidth", c->blockio_read_bandwidth);
        if (r >= 0) r = put_lines(o, "BlockIOWriteBandwidth", c->blockio_write_bandwidth);
        if (r >= 0) r = buf_printf(o, "MemoryAccounting=%s\n", yesno(c->memory_accounting));
        if (r >= 0) r = put_limit(o, "DefaultMemoryLow", c->default_memory_low);
        if (r >= 0) r = put_limit(o, "DefaultMemoryMin", c->default_memory_min);
        if (r >= 0) r = put_limit(o, "MemoryMin", c->memory_min);
        if (r >= 0) r = put_limit(o, "MemoryLow", c->memory_low);
        if (r >= 0) r = put_limit(o, "MemoryHigh", c->memory_high);
        if (r >= 0) r = put_limit(o, "MemoryMax", c->memory_max);
        if (r >= 0) r = put_limit(o, "MemorySwapMax", c->memory_swap_max);
        if (r >= 0) r = put_limit(o, "MemoryLimit", c->memory_limit);
        if (r >= 0) r = buf_printf(o, "DevicePolicy=%s\n", (const char *[]){ "auto", "closed", "strict" }[c->device_policy]);
        if (r >= 0) r = put_lines(o, "DeviceAllow", c->device_allow);
        if (r >= 0) r = buf_printf(o, "TasksAccounting=%s\n", yesno(c->tasks_accounting));
        if (r >= 0) r = put_tasks_max(o, c);
        if (r >= 0) r = buf_printf(o, "IPAccounting=%s\n", yesno(c->ip_accounting));
        if (r >= 0) r = put_prefixes(o, "IPAddressAllow", c->ip_address_allow);
        if (r >= 0) r = put_prefixes(o, "IPAddressDeny", c->ip_address_deny);
        if (r >= 0) r = put_words(o, "IPIngressFilterPath", c->ip_ingress_filter_path);
        if (r >= 0) r = put_words(o, "IPEgressFilterPath", c->ip_egress_filter_path);
        if (r >= 0) r = put_words(o, "DisableControllers", c->disable_controllers);
        if (r >= 0) r = buf_printf(o, "ManagedOOMSwap=%s\nManagedOOMMemoryPressure=%s\nManagedOOMMemoryPressureLimit=%u\n"
                                      "ManagedOOMPreference=%s\n",
                                   (const char *[]){ "auto", "kill" }[c->managed_oom_swap],
                                   (const char *[]){ "auto", "kill" }[c->managed_oom_memory_pressure],
                                   c->managed_oom_memory_pressure_limit_permille,   /* 252 shows the raw value */
                                   (const char *[]){ "none", "avoid", "omit" }[c->managed_oom_preference]);
        if (r >= 0) r = put_lines(o, "BPFProgram", c->bpf_program);
        if (r >= 0) r = put_lines(o, "SocketBindAllow", c->socket_bind_allow);
        if (r >= 0) r = put_lines(o, "SocketBindDeny", c->socket_bind_deny);
        if (r >= 0) r = put_allow_deny(o, "RestrictNetworkInterfaces", &c->restrict_network_interfaces, true);
        return r;
}
