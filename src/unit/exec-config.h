/* SPDX-License-Identifier: MIT */
#pragma once
/* Settings shared by every unit type that runs processes: systemd.exec(5) (ExecContext),
 * systemd.kill(5) (KillContext), systemd.resource-control(5) (CGroupContext), and the command
 * lines of Exec*= settings. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>
#include "base/parse.h"
#include "base/util.h"

typedef enum ExecCommandFlags {
        EXEC_COMMAND_IGNORE_FAILURE = 1 << 0,   /* '-' */
        EXEC_COMMAND_FULLY_PRIVILEGED = 1 << 1, /* '+' */
        EXEC_COMMAND_NO_SETUID = 1 << 2,        /* '!' */
        EXEC_COMMAND_AMBIENT_MAGIC = 1 << 3,    /* '!!' */
        EXEC_COMMAND_NO_ENV_EXPAND = 1 << 4,    /* ':' */
} ExecCommandFlags;

/* One command line. '@' is resolved at parse time: path is the file to run and argv[0] what the
 * program sees. Variables ($X, ${X}) are kept unexpanded; they expand at exec time. */
typedef struct ExecCommand {
        char *path;
        char **argv;
        ExecCommandFlags flags;
        struct ExecCommand *next;
        struct ExecCommand *last;   /* in the first command: a command of the list at or before its
                                     * end, so appending does not walk the whole list */
} ExecCommand;
void exec_command_free_list(ExecCommand *c);
/* Parse one Exec*= value (possibly several commands separated by ";"). Appends to *list.
 * Returns 0 (warnings logged, or ignored per systemd), or <0 if the unit must not load. */
struct ConfigItem;
struct Unit;
int exec_command_parse(const struct ConfigItem *it, struct Unit *u, ExecCommand **list);
/* flags as ExecStartEx shows them: "ignore-failure privileged no-setuid ambient no-env-expand" */
char *exec_command_flags_to_string(ExecCommandFlags f);

typedef enum ExecInput {
        EXEC_INPUT_NULL, EXEC_INPUT_TTY, EXEC_INPUT_TTY_FORCE, EXEC_INPUT_TTY_FAIL,
        EXEC_INPUT_SOCKET, EXEC_INPUT_NAMED_FD, EXEC_INPUT_DATA, EXEC_INPUT_FILE,
        _EXEC_INPUT_MAX, _EXEC_INPUT_INVALID = -1,
} ExecInput;
typedef enum ExecOutput {
        EXEC_OUTPUT_INHERIT, EXEC_OUTPUT_NULL, EXEC_OUTPUT_TTY, EXEC_OUTPUT_KMSG,
        EXEC_OUTPUT_KMSG_AND_CONSOLE, EXEC_OUTPUT_JOURNAL, EXEC_OUTPUT_JOURNAL_AND_CONSOLE,
        EXEC_OUTPUT_SOCKET, EXEC_OUTPUT_NAMED_FD, EXEC_OUTPUT_FILE, EXEC_OUTPUT_FILE_APPEND,
        EXEC_OUTPUT_FILE_TRUNCATE,
        _EXEC_OUTPUT_MAX, _EXEC_OUTPUT_INVALID = -1,
} ExecOutput;
const char *exec_input_to_string(ExecInput i);
const char *exec_output_to_string(ExecOutput o);
ExecInput exec_input_from_string(const char *s);
ExecOutput exec_output_from_string(const char *s);
/* Resource limits: the name in Limit*=/DefaultLimit*= ("NOFILE") of an RLIMIT_* number, or NULL;
 * the number of a name, or -EINVAL. */
const char *rlimit_name(int resource);
int rlimit_from_name(const char *name);
/* A Limit*= value, "soft[:hard]" in the resource's unit (systemd.exec(5)): 0, -EINVAL (unparsable),
 * -ERANGE (the soft limit above the hard one), -ENOMEM. */
int rlimit_parse(int resource, const char *value, struct rlimit *ret);

typedef enum ExecDirectoryType {
        EXEC_DIRECTORY_RUNTIME, EXEC_DIRECTORY_STATE, EXEC_DIRECTORY_CACHE, EXEC_DIRECTORY_LOGS,
        EXEC_DIRECTORY_CONFIGURATION, _EXEC_DIRECTORY_TYPE_MAX,
} ExecDirectoryType;
typedef struct ExecDirectory {
        char **paths;       /* relative, as given ("foo", "foo/bar"); symlinks after ':' in ...symlinks */
        char **symlinks;    /* parallel to paths: "" or the extra name of systemd's "path:link" */
        mode_t mode;
} ExecDirectory;

typedef enum ProtectSystem { PROTECT_SYSTEM_NO, PROTECT_SYSTEM_YES, PROTECT_SYSTEM_FULL, PROTECT_SYSTEM_STRICT, _PROTECT_SYSTEM_MAX, _PROTECT_SYSTEM_INVALID = -1 } ProtectSystem;
typedef enum ProtectHome { PROTECT_HOME_NO, PROTECT_HOME_YES, PROTECT_HOME_READ_ONLY, PROTECT_HOME_TMPFS, _PROTECT_HOME_MAX, _PROTECT_HOME_INVALID = -1 } ProtectHome;
const char *protect_system_to_string(ProtectSystem p);   /* "no" "yes" "full" "strict" */
ProtectSystem protect_system_from_string(const char *s);
const char *protect_home_to_string(ProtectHome p);       /* "no" "yes" "read-only" "tmpfs" */
ProtectHome protect_home_from_string(const char *s);

typedef enum ExecUtmpMode { EXEC_UTMP_INIT, EXEC_UTMP_LOGIN, EXEC_UTMP_USER, _EXEC_UTMP_MODE_MAX, _EXEC_UTMP_MODE_INVALID = -1 } ExecUtmpMode;
typedef enum ExecKeyringMode { EXEC_KEYRING_INHERIT, EXEC_KEYRING_PRIVATE, EXEC_KEYRING_SHARED, _EXEC_KEYRING_MODE_MAX, _EXEC_KEYRING_MODE_INVALID = -1 } ExecKeyringMode;
typedef enum ProtectProc { PROTECT_PROC_DEFAULT, PROTECT_PROC_NOACCESS, PROTECT_PROC_INVISIBLE, PROTECT_PROC_PTRACEABLE, _PROTECT_PROC_MAX, _PROTECT_PROC_INVALID = -1 } ProtectProc;
typedef enum ProcSubset { PROC_SUBSET_ALL, PROC_SUBSET_PID, _PROC_SUBSET_MAX, _PROC_SUBSET_INVALID = -1 } ProcSubset;

/* A list setting that is either an allow list or, with a leading '~', a deny list. */
typedef struct AllowDenyList {
        char **items;
        bool allow_list;   /* false: deny list ('~') */
        bool set;
} AllowDenyList;

/* systemd.exec(5): every directive of systemd 252 has a typed field here. Within each group the
 * pointers and 64-bit values come first, then ints, then bools, so that there are no padding
 * holes: a service's ServiceConfig fits musl's 1,344-byte size class (with holes: 1,632). */
typedef struct ExecContext {
        /* paths */
        char *working_directory;      /* NULL unset; "~" home */
        char *root_directory, *root_image, *root_image_options, *root_hash, *root_hash_signature, *root_verity;
        char **extension_directories, **extension_images, **mount_images;
        char **bind_paths, **bind_read_only_paths;
        int mount_apivfs;             /* -1 unset */
        ProtectProc protect_proc;
        ProcSubset proc_subset;
        bool working_directory_missing_ok;  /* '-' prefix */
        bool working_directory_home;
        bool dynamic_user;            /* (credentials, here to fill the group's tail) */
        bool no_new_privileges;       /* (credentials) */
        /* credentials */
        char *user, *group;
        char **supplementary_groups;
        char *pam_name;
        uint64_t capability_bounding_set, capability_ambient_set;
        char *selinux_context, *apparmor_profile, *smack_process_label;
        int secure_bits;
        /* process properties */
        mode_t umask;
        struct rlimit *rlimit[16];    /* RLIMIT_NLIMITS entries; NULL = unset */
        uint64_t coredump_filter;
        nsec_t timer_slack_nsec;      /* NSEC_INFINITY unset */
        char *personality;            /* architecture name ("x86-64"), NULL unset */
        ExecKeyringMode keyring_mode;
        int oom_score_adjust;
        bool coredump_filter_set, oom_score_adjust_set, ignore_sigpipe;
        /* scheduling */
        bool nice_set, cpu_sched_set, cpu_sched_reset_on_fork, ioprio_set;
        int nice;
        int cpu_sched_policy, cpu_sched_priority;
        int numa_policy;
        int ioprio_class, ioprio_priority;   /* class -1 unset */
        char **cpu_affinity;          /* ranges as given, validated */
        char **numa_mask;
        /* sandboxing */
        ExecDirectory directories[_EXEC_DIRECTORY_TYPE_MAX];
        usec_t timeout_clean_usec;
        char **read_write_paths, **read_only_paths, **inaccessible_paths, **exec_paths, **no_exec_paths;
        char **exec_search_path;
        char **temporary_filesystem;
        char *network_namespace_path, *ipc_namespace_path;
        AllowDenyList restrict_address_families, restrict_filesystems, restrict_namespaces;
        unsigned long mount_flags;     /* 0 unset, else MS_SHARED/MS_SLAVE/MS_PRIVATE */
        ProtectSystem protect_system;
        ProtectHome protect_home;
        int runtime_directory_preserve_mode;  /* 0 no, 1 yes, 2 restart */
        bool private_tmp, private_devices, private_network, private_users, private_mounts, private_ipc;
        bool protect_hostname, protect_clock, protect_kernel_tunables, protect_kernel_modules;
        bool protect_kernel_logs, protect_control_groups;
        bool restrict_namespaces_all;  /* RestrictNamespaces=yes */
        bool lock_personality, memory_deny_write_execute, restrict_realtime, restrict_suid_sgid, remove_ipc;
        /* system calls */
        int system_call_error_number;  /* 0: unset or "kill", else errno 1..4095 */
        AllowDenyList system_call_filter, system_call_log;
        char **system_call_architectures;
        /* environment */
        char **environment;           /* "K=V", in order, later wins at exec time */
        char **environment_files;     /* "-/path" keeps the '-' as systemd's EnvironmentFiles shows it */
        char **pass_environment, **unset_environment;
        /* logging and standard I/O */
        char *stdio_file[3];          /* file:/append:/truncate: path, or fd: name */
        char *stdin_data; size_t stdin_data_size;
        char *tty_path;
        char *syslog_identifier;
        usec_t log_ratelimit_interval_usec;
        char **log_extra_fields;
        char *log_namespace;
        char **set_credential, **load_credential;  /* "ID:VALUE" / "ID:PATH", encrypted ones prefixed "+" */
        char *utmp_id;
        ExecInput std_input;
        ExecOutput std_output, std_error;
        unsigned tty_rows, tty_columns;   /* UINT_MAX unset */
        int syslog_priority;          /* facility|level */
        int log_level_max;            /* -1 unset */
        unsigned log_ratelimit_burst;
        ExecUtmpMode utmp_mode;
        bool tty_reset, tty_vhangup, tty_vt_disallocate;
        bool syslog_level_prefix;
        bool forward_to_console;      /* X-Tinysd-ForwardToConsole= (tinysd): service lines on PID 1's stdout */
} ExecContext;
void exec_context_init(ExecContext *c);
void exec_context_done(ExecContext *c);
/* Settings implied by others (DynamicUser= → PrivateTmp=, ProtectSystem=strict, ...). */
void exec_context_patch(ExecContext *c);

typedef enum KillMode { KILL_CONTROL_GROUP, KILL_PROCESS, KILL_MIXED, KILL_NONE, _KILL_MODE_MAX, _KILL_MODE_INVALID = -1 } KillMode;
const char *kill_mode_to_string(KillMode m);
KillMode kill_mode_from_string(const char *s);
typedef struct KillContext {
        KillMode kill_mode;
        int kill_signal, restart_kill_signal, final_kill_signal, watchdog_signal;
        bool send_sigkill, send_sighup;
} KillContext;
void kill_context_init(KillContext *c);

/* systemd.resource-control(5). A container applies little of this; every value is kept typed so
 * `systemctl show` and a writable cgroup2 subtree can use it. */
#define CGROUP_LIMIT_MAX UINT64_MAX
#define CGROUP_WEIGHT_INVALID UINT64_MAX
typedef struct CGroupContext {
        char *slice;
        bool cpu_accounting, memory_accounting, io_accounting, blockio_accounting, tasks_accounting, ip_accounting;
        bool delegate; char **delegate_controllers;
        char **disable_controllers;
        uint64_t cpu_weight, startup_cpu_weight, cpu_shares, startup_cpu_shares;
        usec_t cpu_quota_per_sec_usec, cpu_quota_period_usec;
        char **allowed_cpus, **startup_allowed_cpus, **allowed_memory_nodes, **startup_allowed_memory_nodes;
        uint64_t memory_min, memory_low, memory_high, memory_max, memory_swap_max, memory_limit;
        uint64_t default_memory_min, default_memory_low;
        unsigned memory_min_permille, memory_low_permille, memory_high_permille, memory_max_permille;
        uint64_t tasks_max; bool tasks_max_set; unsigned tasks_max_permille;
        uint64_t io_weight, startup_io_weight, blockio_weight, startup_blockio_weight;
        char **io_device_weight, **io_read_bandwidth_max, **io_write_bandwidth_max, **io_read_iops_max,
                **io_write_iops_max, **io_device_latency_target, **blockio_device_weight,
                **blockio_read_bandwidth, **blockio_write_bandwidth;
        char **device_allow;
        int device_policy;            /* 0 auto, 1 closed, 2 strict */
        char **ip_address_allow, **ip_address_deny, **ip_ingress_filter_path, **ip_egress_filter_path;
        char **bpf_program, **socket_bind_allow, **socket_bind_deny;
        AllowDenyList restrict_network_interfaces;
        int managed_oom_swap, managed_oom_memory_pressure, managed_oom_preference;
        unsigned managed_oom_memory_pressure_limit_permille;
} CGroupContext;
void cgroup_context_init(CGroupContext *c);
void cgroup_context_done(CGroupContext *c);
/* A unit keeps a CGroupContext only once a resource-control setting is made (most never do);
 * until then these defaults apply. */
const CGroupContext *cgroup_context_default(void);
CGroupContext *cgroup_context_new(void);          /* initialised; NULL on ENOMEM */
void cgroup_context_free(CGroupContext *c);
/* Resource-control settings implied by exec settings (PrivateDevices= → DevicePolicy=closed,
 * ProtectClock= → DeviceAllow=char-rtc r), as unit_patch_contexts() of 252. */
int cgroup_context_patch(CGroupContext *cc, const ExecContext *ec);

/* A memory limit in bytes: percentages (encoded as UINT64_MAX - 1000 + permille) resolved
 * against physical memory; CGROUP_LIMIT_MAX stays. */
uint64_t cgroup_memory_bytes(uint64_t v);
/* TasksMax= in tasks: systemd's default (15% of the kernel's limit) when unset. */
uint64_t cgroup_context_tasks_max(const CGroupContext *c);
const char *tinysd_capability_name(int cap);   /* "cap_chown" */

/* Directive tables for the exec/kill/cgroup groups (exec-directives.c); section NULL: they apply
 * to the type's own section ([Service], [Socket], [Mount], [Swap]). */
struct DirectiveTable;
extern const struct DirectiveTable exec_directive_table, kill_directive_table, cgroup_directive_table;
