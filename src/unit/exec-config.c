/* SPDX-License-Identifier: MIT */
/* ExecContext, KillContext, CGroupContext: systemd 252's defaults, freeing, enum names. */
#include <stdio.h>
#include <signal.h>
#include "base/strv.h"
#include "unit/conf-parser.h"
#include "unit/exec-config.h"

static const char *const exec_input_table[_EXEC_INPUT_MAX] = {
        [EXEC_INPUT_NULL] = "null", [EXEC_INPUT_TTY] = "tty", [EXEC_INPUT_TTY_FORCE] = "tty-force",
        [EXEC_INPUT_TTY_FAIL] = "tty-fail", [EXEC_INPUT_SOCKET] = "socket", [EXEC_INPUT_NAMED_FD] = "fd",
        [EXEC_INPUT_DATA] = "data", [EXEC_INPUT_FILE] = "file",
};
DEFINE_STRING_TABLE(exec_input, ExecInput, exec_input_table)

static const char *const exec_output_table[_EXEC_OUTPUT_MAX] = {
        [EXEC_OUTPUT_INHERIT] = "inherit", [EXEC_OUTPUT_NULL] = "null", [EXEC_OUTPUT_TTY] = "tty",
        [EXEC_OUTPUT_KMSG] = "kmsg", [EXEC_OUTPUT_KMSG_AND_CONSOLE] = "kmsg+console",
        [EXEC_OUTPUT_JOURNAL] = "journal", [EXEC_OUTPUT_JOURNAL_AND_CONSOLE] = "journal+console",
        [EXEC_OUTPUT_SOCKET] = "socket", [EXEC_OUTPUT_NAMED_FD] = "fd", [EXEC_OUTPUT_FILE] = "file",
        [EXEC_OUTPUT_FILE_APPEND] = "append", [EXEC_OUTPUT_FILE_TRUNCATE] = "truncate",
};
DEFINE_STRING_TABLE(exec_output, ExecOutput, exec_output_table)

static const char *const protect_system_table[_PROTECT_SYSTEM_MAX] = {
        [PROTECT_SYSTEM_NO] = "no", [PROTECT_SYSTEM_YES] = "yes", [PROTECT_SYSTEM_FULL] = "full",
        [PROTECT_SYSTEM_STRICT] = "strict",
};
DEFINE_STRING_TABLE(protect_system, ProtectSystem, protect_system_table)

static const char *const protect_home_table[_PROTECT_HOME_MAX] = {
        [PROTECT_HOME_NO] = "no", [PROTECT_HOME_YES] = "yes", [PROTECT_HOME_READ_ONLY] = "read-only",
        [PROTECT_HOME_TMPFS] = "tmpfs",
};
DEFINE_STRING_TABLE(protect_home, ProtectHome, protect_home_table)

static const char *const kill_mode_table[_KILL_MODE_MAX] = {
        [KILL_CONTROL_GROUP] = "control-group", [KILL_PROCESS] = "process", [KILL_MIXED] = "mixed", [KILL_NONE] = "none",
};
DEFINE_STRING_TABLE(kill_mode, KillMode, kill_mode_table)

void exec_context_init(ExecContext *c) {
        *c = (ExecContext){0};
        c->umask = 0022;
        c->std_input = EXEC_INPUT_NULL;
        c->std_output = EXEC_OUTPUT_INHERIT;   /* services turn it into DefaultStandardOutput=journal (service_apply_defaults) */
        c->std_error = EXEC_OUTPUT_INHERIT;    /* DefaultStandardError= inherits stdout */
        c->syslog_priority = LOG_DAEMON | LOG_INFO;
        c->syslog_level_prefix = true;
        c->log_level_max = -1;
        c->forward_to_console = true;
        c->mount_apivfs = -1;
        c->timer_slack_nsec = NSEC_INFINITY;
        c->ignore_sigpipe = true;
        c->timeout_clean_usec = USEC_INFINITY;
        c->capability_bounding_set = UINT64_MAX;
        c->tty_rows = c->tty_columns = UINT32_MAX;
        c->ioprio_class = -1;
        c->ioprio_priority = 4;
        c->numa_policy = -1;
        c->cpu_sched_policy = 0;  /* SCHED_OTHER */
        c->keyring_mode = EXEC_KEYRING_SHARED;  /* unit_init() of a system manager; services make it private */
        for (int t = 0; t < _EXEC_DIRECTORY_TYPE_MAX; t++)
                c->directories[t].mode = t == EXEC_DIRECTORY_LOGS ? 0755 : 0755;
}

static void allow_deny_done(AllowDenyList *l) {
        strv_free(l->items);
        *l = (AllowDenyList){0};
}

void exec_context_done(ExecContext *c) {
        char **strs[] = {
                &c->working_directory, &c->root_directory, &c->root_image, &c->root_image_options, &c->root_hash,
                &c->root_hash_signature, &c->root_verity, &c->user, &c->group, &c->pam_name, &c->selinux_context,
                &c->apparmor_profile, &c->smack_process_label, &c->network_namespace_path, &c->ipc_namespace_path,
                &c->stdio_file[0], &c->stdio_file[1], &c->stdio_file[2], &c->stdin_data, &c->tty_path,
                &c->syslog_identifier, &c->log_namespace, &c->utmp_id, &c->personality,
        };
        for (size_t i = 0; i < ELEMENTSOF(strs); i++) free(*strs[i]);
        char ***lists[] = {
                &c->extension_directories, &c->extension_images, &c->mount_images, &c->bind_paths,
                &c->bind_read_only_paths, &c->supplementary_groups, &c->cpu_affinity, &c->numa_mask,
                &c->read_write_paths, &c->read_only_paths, &c->inaccessible_paths, &c->exec_paths, &c->no_exec_paths,
                &c->exec_search_path, &c->temporary_filesystem, &c->system_call_architectures, &c->environment,
                &c->environment_files, &c->pass_environment, &c->unset_environment, &c->log_extra_fields,
                &c->set_credential, &c->load_credential,
        };
        for (size_t i = 0; i < ELEMENTSOF(lists); i++) strv_free(*lists[i]);
        for (size_t i = 0; i < ELEMENTSOF(c->rlimit); i++) free(c->rlimit[i]);
        for (int t = 0; t < _EXEC_DIRECTORY_TYPE_MAX; t++) {
                strv_free(c->directories[t].paths);
                strv_free(c->directories[t].symlinks);
        }
        allow_deny_done(&c->restrict_address_families);
        allow_deny_done(&c->restrict_filesystems);
        allow_deny_done(&c->restrict_namespaces);
        allow_deny_done(&c->system_call_filter);
        allow_deny_done(&c->system_call_log);
        *c = (ExecContext){0};
}

void kill_context_init(KillContext *c) {
        *c = (KillContext){
                .kill_mode = KILL_CONTROL_GROUP, .kill_signal = SIGTERM, .restart_kill_signal = 0,
                .final_kill_signal = SIGKILL, .watchdog_signal = SIGABRT, .send_sigkill = true, .send_sighup = false,
        };
}

void cgroup_context_init(CGroupContext *c) {
        *c = *cgroup_context_default();
}

const CGroupContext *cgroup_context_default(void) {
        static const CGroupContext d = {
                .cpu_weight = CGROUP_WEIGHT_INVALID, .startup_cpu_weight = CGROUP_WEIGHT_INVALID,
                .cpu_shares = CGROUP_WEIGHT_INVALID, .startup_cpu_shares = CGROUP_WEIGHT_INVALID,
                .io_weight = CGROUP_WEIGHT_INVALID, .startup_io_weight = CGROUP_WEIGHT_INVALID,
                .blockio_weight = CGROUP_WEIGHT_INVALID, .startup_blockio_weight = CGROUP_WEIGHT_INVALID,
                .cpu_quota_per_sec_usec = USEC_INFINITY, .cpu_quota_period_usec = USEC_INFINITY,
                .memory_high = CGROUP_LIMIT_MAX, .memory_max = CGROUP_LIMIT_MAX,
                .memory_swap_max = CGROUP_LIMIT_MAX, .memory_limit = CGROUP_LIMIT_MAX,
                .tasks_max = UINT64_MAX,
                /* the system manager's DefaultCPUAccounting=, DefaultMemoryAccounting=, DefaultTasksAccounting= */
                .cpu_accounting = true, .memory_accounting = true, .tasks_accounting = true,
        };
        return &d;
}

CGroupContext *cgroup_context_new(void) {
        CGroupContext *c = malloc(sizeof *c);
        if (c) cgroup_context_init(c);
        return c;
}

void cgroup_context_free(CGroupContext *c) {
        if (!c) return;
        cgroup_context_done(c);
        free(c);
}

void cgroup_context_done(CGroupContext *c) {
        free(c->slice);
        char ***lists[] = {
                &c->delegate_controllers, &c->disable_controllers, &c->allowed_cpus, &c->startup_allowed_cpus,
                &c->allowed_memory_nodes, &c->startup_allowed_memory_nodes, &c->io_device_weight,
                &c->io_read_bandwidth_max, &c->io_write_bandwidth_max, &c->io_read_iops_max, &c->io_write_iops_max,
                &c->io_device_latency_target, &c->blockio_device_weight, &c->blockio_read_bandwidth,
                &c->blockio_write_bandwidth, &c->device_allow, &c->ip_address_allow, &c->ip_address_deny,
                &c->ip_ingress_filter_path, &c->ip_egress_filter_path, &c->bpf_program, &c->socket_bind_allow,
                &c->socket_bind_deny,
        };
        for (size_t i = 0; i < ELEMENTSOF(lists); i++) strv_free(*lists[i]);
        strv_free(c->restrict_network_interfaces.items);
        *c = (CGroupContext){0};
}

/* What sandboxing settings imply (systemd.exec(5), unit_patch_contexts() in 252): capabilities
 * dropped from the bounding set, and DynamicUser='s implied settings. */
void exec_context_patch(ExecContext *c) {
        enum { CAP_MKNOD_ = 27, CAP_SYS_RAWIO_ = 17, CAP_SYS_MODULE_ = 16, CAP_SYSLOG_ = 34, CAP_SYS_TIME_ = 25,
               CAP_WAKE_ALARM_ = 35 };
        if (c->private_devices) c->capability_bounding_set &= ~((UINT64_C(1) << CAP_MKNOD_) | (UINT64_C(1) << CAP_SYS_RAWIO_));
        if (c->protect_kernel_modules) c->capability_bounding_set &= ~(UINT64_C(1) << CAP_SYS_MODULE_);
        if (c->protect_kernel_logs) c->capability_bounding_set &= ~(UINT64_C(1) << CAP_SYSLOG_);
        if (c->protect_clock) c->capability_bounding_set &= ~((UINT64_C(1) << CAP_SYS_TIME_) | (UINT64_C(1) << CAP_WAKE_ALARM_));
        if (!c->dynamic_user) return;
        c->private_tmp = true;
        c->remove_ipc = true;
        c->no_new_privileges = true;
        c->restrict_suid_sgid = true;
        if (c->protect_system == PROTECT_SYSTEM_NO || c->protect_system == PROTECT_SYSTEM_YES ||
            c->protect_system == PROTECT_SYSTEM_FULL)
                c->protect_system = PROTECT_SYSTEM_STRICT;
        if (c->protect_home == PROTECT_HOME_NO) c->protect_home = PROTECT_HOME_READ_ONLY;
}

int cgroup_context_patch(CGroupContext *cc, const ExecContext *ec) {
        if (ec->private_devices && cc->device_policy == 0) cc->device_policy = 1;   /* auto → closed */
        if (ec->protect_clock && !strv_contains(cc->device_allow, "char-rtc r"))
                return strv_extend(&cc->device_allow, "char-rtc r");
        return 0;
}

/* ---- resource-control values as systemd reports them ---- */

uint64_t cgroup_memory_bytes(uint64_t v) {
        if (v == CGROUP_LIMIT_MAX || v < UINT64_MAX - 1000) return v;
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
        if (pages <= 0 || size <= 0) return CGROUP_LIMIT_MAX;
        return (uint64_t)pages * (uint64_t)size / 1000 * (v - (UINT64_MAX - 1000));
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

/* ---- resource limits ---- */

static const char *const rlimit_names[] = {
        [RLIMIT_CPU] = "CPU", [RLIMIT_FSIZE] = "FSIZE", [RLIMIT_DATA] = "DATA", [RLIMIT_STACK] = "STACK",
        [RLIMIT_CORE] = "CORE", [RLIMIT_RSS] = "RSS", [RLIMIT_NOFILE] = "NOFILE", [RLIMIT_AS] = "AS",
        [RLIMIT_NPROC] = "NPROC", [RLIMIT_MEMLOCK] = "MEMLOCK", [RLIMIT_LOCKS] = "LOCKS",
        [RLIMIT_SIGPENDING] = "SIGPENDING", [RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",
        [RLIMIT_RTPRIO] = "RTPRIO", [RLIMIT_RTTIME] = "RTTIME",
};

const char *rlimit_name(int resource) {
        return resource >= 0 && (size_t)resource < ELEMENTSOF(rlimit_names) ? rlimit_names[resource] : NULL;
}

int rlimit_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
                if (rlimit_names[i] && streq(rlimit_names[i], name)) return (int)i;
        return -EINVAL;
}

/* One side of Limit*=: "infinity" or a value in the resource's unit (systemd.exec(5)). */
static int rlimit_parse_one(int resource, const char *s, rlim_t *ret) {
        uint64_t v;
        usec_t t;
        if (streq(s, "infinity")) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        switch (resource) {
        case RLIMIT_CPU:      /* seconds, rounded up */
                if (parse_sec(s, &t) < 0) return -EINVAL;
                *ret = t == USEC_INFINITY ? RLIM_INFINITY : (t + USEC_PER_SEC - 1) / USEC_PER_SEC;
                return 0;
        case RLIMIT_RTTIME:   /* microseconds */
                if (parse_time(s, &t, 1) < 0) return -EINVAL;
                *ret = t == USEC_INFINITY ? RLIM_INFINITY : t;
                return 0;
        case RLIMIT_FSIZE: case RLIMIT_DATA: case RLIMIT_STACK: case RLIMIT_CORE: case RLIMIT_RSS:
        case RLIMIT_AS: case RLIMIT_MEMLOCK: case RLIMIT_MSGQUEUE:
                if (parse_size(s, 1024, &v) < 0) return -EINVAL;
                *ret = v;
                return 0;
        case RLIMIT_NICE: {   /* "+N"/"-N" is a nice level (-20..19 → 40..1), else the raw 0..40 */
                int n;
                if (s[0] == '+' || s[0] == '-') {
                        if (safe_atoi(s, &n) < 0 || n < -20 || n > 19) return -ERANGE;
                        *ret = (rlim_t)(20 - n);
                        return 0;
                }
                if (safe_atou64(s, &v) < 0 || v > 40) return -ERANGE;
                *ret = v;
                return 0;
        }
        default:
                if (safe_atou64(s, &v) < 0) return -EINVAL;
                *ret = v;
                return 0;
        }
}

int rlimit_parse(int resource, const char *value, struct rlimit *ret) {
        const char *colon = strchr(value, ':');
        rlim_t s, h;
        _cleanup_free_ char *soft = colon ? strndup(value, (size_t)(colon - value)) : strdup(value);
        if (!soft) return -ENOMEM;
        if (rlimit_parse_one(resource, soft, &s) < 0 || (colon && rlimit_parse_one(resource, colon + 1, &h) < 0))
                return -EINVAL;
        if (!colon) h = s;
        if (s > h) return -ERANGE;
        *ret = (struct rlimit){ .rlim_cur = s, .rlim_max = h };
        return 0;
}
