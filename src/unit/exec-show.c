/* SPDX-License-Identifier: MIT */
/* `systemctl show` lines of the exec, kill and resource-control contexts, in systemd 252's names,
 * order and value formats (checked against tests/data/reference). Runtime-only properties
 * (MemoryCurrent=, ControlGroup=, ...) are not shown: tinysd prints configuration here. */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include "base/strv.h"
#include "unit/exec-config.h"
#include "unit/show.h"

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

static const char *yesno(bool b) { return b ? "yes" : "no"; }

static int put_weight(Buf *o, const char *name, uint64_t w) {
        return w == CGROUP_WEIGHT_INVALID ? buf_printf(o, "%s=[not set]\n", name) : buf_printf(o, "%s=%llu\n", name, (unsigned long long)w);
}

static int put_limit(Buf *o, const char *name, uint64_t v) {
        return v == CGROUP_LIMIT_MAX ? buf_printf(o, "%s=infinity\n", name) : buf_printf(o, "%s=%llu\n", name, (unsigned long long)v);
}

static int put_usec(Buf *o, const char *name, usec_t t) {
        char b[FORMAT_TIMESPAN_MAX];
        return buf_printf(o, "%s=%s\n", name, format_timespan(b, sizeof b, t, 1));
}

static const char *const rlimit_names[] = {
        [RLIMIT_CPU] = "CPU", [RLIMIT_FSIZE] = "FSIZE", [RLIMIT_DATA] = "DATA", [RLIMIT_STACK] = "STACK",
        [RLIMIT_CORE] = "CORE", [RLIMIT_RSS] = "RSS", [RLIMIT_NOFILE] = "NOFILE", [RLIMIT_AS] = "AS",
        [RLIMIT_NPROC] = "NPROC", [RLIMIT_MEMLOCK] = "MEMLOCK", [RLIMIT_LOCKS] = "LOCKS",
        [RLIMIT_SIGPENDING] = "SIGPENDING", [RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",
        [RLIMIT_RTPRIO] = "RTPRIO", [RLIMIT_RTTIME] = "RTTIME",
};

/* Unset limits show what the manager would pass on: its own (getrlimit), as systemd does. */
static int put_rlimits(Buf *o, const ExecContext *c) {
        static const int order[] = { RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS,
                                     RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_MEMLOCK, RLIMIT_LOCKS,
                                     RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME };
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(order); i++) {
                int res = order[i];
                struct rlimit rl;
                if (c->rlimit[res]) rl = *c->rlimit[res];
                else if (getrlimit(res, &rl) < 0) continue;
                char h[32], s[32];
                if (rl.rlim_max == RLIM_INFINITY) strcpy(h, "infinity");
                else snprintf(h, sizeof h, "%llu", (unsigned long long)rl.rlim_max);
                if (rl.rlim_cur == RLIM_INFINITY) strcpy(s, "infinity");
                else snprintf(s, sizeof s, "%llu", (unsigned long long)rl.rlim_cur);
                r = buf_printf(o, "Limit%s=%s\nLimit%sSoft=%s\n", rlimit_names[res], h, rlimit_names[res], s);
        }
        return r;
}

static int put_caps(Buf *o, const char *name, uint64_t set) {
        int r = buf_printf(o, "%s=", name);
        bool first = true;
        for (int i = 0; r >= 0 && i <= 40; i++)
                if (set & (UINT64_C(1) << i)) {
                        r = buf_printf(o, "%s%s", first ? "" : " ", tinysd_capability_name(i));
                        first = false;
                }
        return r < 0 ? r : buf_putc(o, '\n');
}

static int put_env_files(Buf *o, char *const *l) {
        int r = 0;
        if (!l || !*l) return buf_puts(o, "EnvironmentFiles=\n");
        /* one line per file, as systemctl show prints an a(sb) property */
        STRV_FOREACH(f, l)
                if (r >= 0) r = buf_printf(o, "EnvironmentFiles=%s (ignore_errors=%s)\n", (*f)[0] == '-' ? *f + 1 : *f,
                                           yesno((*f)[0] == '-'));
        return r;
}

int exec_context_show(const ExecContext *c, Buf *o) {
        int r = put_quoted_words(o, "Environment", c->environment);
        if (r >= 0) r = put_env_files(o, c->environment_files);
        if (r >= 0) r = put_words(o, "PassEnvironment", c->pass_environment);
        if (r >= 0) r = put_words(o, "UnsetEnvironment", c->unset_environment);
        if (r >= 0) r = buf_printf(o, "UMask=%04o\n", (unsigned)c->umask);
        if (r >= 0) r = put_rlimits(o, c);
        if (r >= 0)
                r = buf_printf(o, "WorkingDirectory=%s%s\n", c->working_directory_missing_ok ? "!" : "",
                               strempty(c->working_directory));
        if (r >= 0) r = buf_printf(o, "RootDirectory=%s\nRootImage=%s\n", strempty(c->root_directory), strempty(c->root_image));
        if (r >= 0) r = buf_printf(o, "OOMScoreAdjust=%d\n", c->oom_score_adjust_set ? c->oom_score_adjust : 0);
        if (r >= 0) r = buf_printf(o, "Nice=%d\n", c->nice_set ? c->nice : 0);
        if (r >= 0) r = buf_printf(o, "CPUSchedulingPolicy=%d\nCPUSchedulingPriority=%d\n", c->cpu_sched_policy, c->cpu_sched_priority);
        if (r >= 0) r = put_words(o, "CPUAffinity", c->cpu_affinity);
        if (r >= 0) r = buf_printf(o, "CPUSchedulingResetOnFork=%s\n", yesno(c->cpu_sched_reset_on_fork));
        if (r >= 0) r = buf_printf(o, "StandardInput=%s\nStandardOutput=%s\nStandardError=%s\n",
                                   exec_input_to_string(c->std_input), exec_output_to_string(c->std_output),
                                   exec_output_to_string(c->std_error));
        if (r >= 0) r = buf_printf(o, "TTYPath=%s\nTTYReset=%s\nTTYVHangup=%s\nTTYVTDisallocate=%s\n", strempty(c->tty_path),
                                   yesno(c->tty_reset), yesno(c->tty_vhangup), yesno(c->tty_vt_disallocate));
        if (r >= 0) r = buf_printf(o, "SyslogPriority=%d\nSyslogIdentifier=%s\nSyslogLevelPrefix=%s\nSyslogLevel=%d\nSyslogFacility=%d\n",
                                   c->syslog_priority, strempty(c->syslog_identifier), yesno(c->syslog_level_prefix),
                                   c->syslog_priority & 7, c->syslog_priority >> 3);
        if (r >= 0) r = buf_printf(o, "LogLevelMax=%d\n", c->log_level_max);
        if (r >= 0) r = put_usec(o, "LogRateLimitIntervalUSec", c->log_ratelimit_interval_usec);
        if (r >= 0) r = buf_printf(o, "LogRateLimitBurst=%u\n", c->log_ratelimit_burst);
        if (r >= 0) r = put_words(o, "LogExtraFields", c->log_extra_fields);
        if (r >= 0) r = buf_printf(o, "LogNamespace=%s\nSecureBits=%d\n", strempty(c->log_namespace), c->secure_bits);
        if (r >= 0) r = put_caps(o, "CapabilityBoundingSet", c->capability_bounding_set);
        if (r >= 0) r = put_caps(o, "AmbientCapabilities", c->capability_ambient_set);
        if (r >= 0) r = buf_printf(o, "User=%s\nGroup=%s\nDynamicUser=%s\nRemoveIPC=%s\n", strempty(c->user),
                                   strempty(c->group), yesno(c->dynamic_user), yesno(c->remove_ipc));
        if (r >= 0) r = put_words(o, "SupplementaryGroups", c->supplementary_groups);
        if (r >= 0) r = buf_printf(o, "PAMName=%s\n", strempty(c->pam_name));
        if (r >= 0) r = put_words(o, "ReadWritePaths", c->read_write_paths);
        if (r >= 0) r = put_words(o, "ReadOnlyPaths", c->read_only_paths);
        if (r >= 0) r = put_words(o, "InaccessiblePaths", c->inaccessible_paths);
        if (r >= 0) r = put_words(o, "ExecPaths", c->exec_paths);
        if (r >= 0) r = put_words(o, "NoExecPaths", c->no_exec_paths);
        if (r >= 0) r = put_words(o, "ExecSearchPath", c->exec_search_path);
        if (r >= 0) r = buf_printf(o, "PrivateTmp=%s\nPrivateDevices=%s\nProtectClock=%s\nProtectKernelTunables=%s\n"
                                      "ProtectKernelModules=%s\nProtectKernelLogs=%s\nProtectControlGroups=%s\n"
                                      "PrivateNetwork=%s\nPrivateUsers=%s\nPrivateMounts=%s\nPrivateIPC=%s\nProtectHome=%s\n"
                                      "ProtectSystem=%s\n",
                                   yesno(c->private_tmp), yesno(c->private_devices), yesno(c->protect_clock),
                                   yesno(c->protect_kernel_tunables), yesno(c->protect_kernel_modules), yesno(c->protect_kernel_logs),
                                   yesno(c->protect_control_groups), yesno(c->private_network), yesno(c->private_users),
                                   yesno(c->private_mounts), yesno(c->private_ipc),
                                   (const char *[]){ "no", "yes", "read-only", "tmpfs" }[c->protect_home],
                                   (const char *[]){ "no", "yes", "full", "strict" }[c->protect_system]);
        if (r >= 0) r = buf_printf(o, "NoNewPrivileges=%s\nLockPersonality=%s\nMemoryDenyWriteExecute=%s\nRestrictRealtime=%s\n"
                                      "RestrictSUIDSGID=%s\nProtectHostname=%s\n",
                                   yesno(c->no_new_privileges), yesno(c->lock_personality), yesno(c->memory_deny_write_execute),
                                   yesno(c->restrict_realtime), yesno(c->restrict_suid_sgid), yesno(c->protect_hostname));
        static const char *const dirnames[] = { "Runtime", "State", "Cache", "Logs", "Configuration" };
        for (int t = 0; r >= 0 && t < _EXEC_DIRECTORY_TYPE_MAX; t++) {
                r = buf_printf(o, "%sDirectoryMode=%04o\n", dirnames[t], (unsigned)c->directories[t].mode);
                if (r >= 0) {
                        char name[32];
                        snprintf(name, sizeof name, "%sDirectory", dirnames[t]);
                        r = put_words(o, name, c->directories[t].paths);
                }
        }
        if (r >= 0) r = buf_printf(o, "RuntimeDirectoryPreserve=%s\n", (const char *[]){ "no", "yes", "restart" }[c->runtime_directory_preserve_mode]);
        if (r >= 0) r = put_usec(o, "TimeoutCleanUSec", c->timeout_clean_usec);
        return r;
}

int kill_context_show(const KillContext *c, Buf *o) {
        return buf_printf(o, "KillMode=%s\nKillSignal=%d\nRestartKillSignal=%d\nFinalKillSignal=%d\nSendSIGKILL=%s\nSendSIGHUP=%s\nWatchdogSignal=%d\n",
                          kill_mode_to_string(c->kill_mode), c->kill_signal,
                          c->restart_kill_signal ? c->restart_kill_signal : c->kill_signal, c->final_kill_signal,
                          yesno(c->send_sigkill), yesno(c->send_sighup), c->watchdog_signal);
}

int cgroup_context_show(const CGroupContext *c, Buf *o) {
        int r = buf_printf(o, "Delegate=%s\n", yesno(c->delegate));
        if (r >= 0) r = put_words(o, "DelegateControllers", c->delegate_controllers);
        if (r >= 0) r = buf_printf(o, "CPUAccounting=%s\n", yesno(c->cpu_accounting));
        if (r >= 0) r = put_weight(o, "CPUWeight", c->cpu_weight);
        if (r >= 0) r = put_weight(o, "StartupCPUWeight", c->startup_cpu_weight);
        if (r >= 0) r = put_weight(o, "CPUShares", c->cpu_shares);
        if (r >= 0) r = put_weight(o, "StartupCPUShares", c->startup_cpu_shares);
        if (r >= 0) r = put_usec(o, "CPUQuotaPerSecUSec", c->cpu_quota_per_sec_usec);
        if (r >= 0) r = put_usec(o, "CPUQuotaPeriodUSec", c->cpu_quota_period_usec);
        if (r >= 0) r = buf_printf(o, "IOAccounting=%s\n", yesno(c->io_accounting));
        if (r >= 0) r = put_weight(o, "IOWeight", c->io_weight);
        if (r >= 0) r = put_weight(o, "StartupIOWeight", c->startup_io_weight);
        if (r >= 0) r = buf_printf(o, "MemoryAccounting=%s\n", yesno(c->memory_accounting));
        if (r >= 0) r = put_limit(o, "MemoryMin", c->memory_min == CGROUP_LIMIT_MAX ? 0 : c->memory_min);
        if (r >= 0) r = put_limit(o, "MemoryLow", c->memory_low);
        if (r >= 0) r = put_limit(o, "MemoryHigh", c->memory_high);
        if (r >= 0) r = put_limit(o, "MemoryMax", c->memory_max);
        if (r >= 0) r = put_limit(o, "MemorySwapMax", c->memory_swap_max);
        if (r >= 0) r = put_limit(o, "MemoryLimit", c->memory_limit);
        if (r >= 0) r = buf_printf(o, "DevicePolicy=%s\n", (const char *[]){ "auto", "closed", "strict" }[c->device_policy]);
        if (r >= 0) r = buf_printf(o, "TasksAccounting=%s\n", yesno(c->tasks_accounting));
        if (r >= 0 && c->tasks_max_set) r = put_limit(o, "TasksMax", c->tasks_max);
        if (r >= 0) r = buf_printf(o, "IPAccounting=%s\n", yesno(c->ip_accounting));
        if (r >= 0) r = put_words(o, "IPAddressAllow", c->ip_address_allow);
        if (r >= 0) r = put_words(o, "IPAddressDeny", c->ip_address_deny);
        if (r >= 0) r = put_words(o, "DisableControllers", c->disable_controllers);
        return r;
}
