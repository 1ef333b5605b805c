/* SPDX-License-Identifier: MIT */
/* From a unit's configuration to exec_spawn(): the environment systemd gives a service, standard
 * I/O, credentials (including DynamicUser=), the Runtime/State/Cache/Logs/ConfigurationDirectory=
 * directories, and what a container cannot apply (said once per unit). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "core/exec-run.h"
#include "core/kill.h"
#include "core/log-stream.h"
#include "core/manager.h"
#include "core/munit.h"
#include "exec/capability.h"
#include "exec/env.h"
#include "exec/spawn.h"
#include "exec/userdb.h"

/* What a "!!" command may need to drop privileges itself (systemd.service(5)) */
#define HACK_CAPS (CAP_MASK(CAP_SETPCAP) | CAP_MASK(CAP_SETUID) | CAP_MASK(CAP_SETGID))
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DYNAMIC_UID_MIN 61184   /* systemd's DynamicUser= range */
#define DYNAMIC_UID_MAX 65519

static const char *const dir_env[_EXEC_DIRECTORY_TYPE_MAX] = {
        "RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY", "CONFIGURATION_DIRECTORY",
};
static const char *const dir_prefix[_EXEC_DIRECTORY_TYPE_MAX] = { "/run", "/var/lib", "/var/cache", "/var/log", "/etc" };

/* What of AmbientCapabilities= and SecureBits= this manager can apply: a service gets no
 * capability the manager does not hold itself, and setting securebits needs CAP_SETPCAP. Read
 * once per spawn (one capget(), one prctl()), and asked for everything else too. */
typedef struct CapPlan {
        uint64_t effective;        /* the manager's own effective set */
        bool ambient_supported;    /* the kernel has ambient capabilities */
        uint64_t ambient;          /* to raise */
        uint64_t ambient_missing;  /* configured, but beyond the manager (or the kernel) */
        bool secure_bits;          /* CAP_SETPCAP is there to set them */
} CapPlan;

static CapPlan cap_plan(const ExecContext *c) {
        CapSets s = {0};
        (void)capability_get_self(&s);
        CapPlan plan = {
                .effective = s.effective,
                .ambient_supported = capability_ambient_supported(),
                .secure_bits = s.permitted & CAP_MASK(CAP_SETPCAP),
        };
        if (!c->capability_ambient_set) return plan;
        uint64_t bset = 0;
        if (!plan.ambient_supported || capability_bounding_get(&bset) < 0) {
                plan.ambient_missing = c->capability_ambient_set & c->capability_bounding_set;
                return plan;
        }
        plan.ambient = capability_ambient_plan(c->capability_ambient_set, c->capability_bounding_set, bset,
                                               s.permitted, &plan.ambient_missing);
        return plan;
}

static bool plan_has(const CapPlan *p, int cap) {
        return p->effective & CAP_MASK(cap);
}

/* The user and group a unit's processes run as: uid/gid, or -ESRCH/-EPERM. */
typedef struct Creds {
        bool change;          /* switch ids in the child */
        bool dynamic;
        uid_t uid;
        gid_t gid;
        UserRecord user;      /* for $HOME etc. when User= names one */
        bool have_user;
} Creds;

static int dynamic_uid(MUnit *u, uid_t *ret) {
        Manager *m = u->m;
        if (u->dynamic_uid == 0) {
                /* A stable-per-boot allocation; never 0, never in /etc/passwd (checked by name lookup). */
                for (unsigned tries = 0; tries <= DYNAMIC_UID_MAX - DYNAMIC_UID_MIN; tries++) {
                        uid_t cand = DYNAMIC_UID_MIN + (m->next_dynamic_uid++ % (DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1));
                        char num[16];
                        UserRecord ur = {0};
                        snprintf(num, sizeof num, "%u", (unsigned)cand);
                        int r = userdb_get_user(m->set.root, num, &ur);
                        user_record_done(&ur);
                        if (r == -ESRCH) {
                                u->dynamic_uid = cand;
                                break;
                        }
                }
                if (u->dynamic_uid == 0) return -EUSERS;
        }
        *ret = u->dynamic_uid;
        return 0;
}

static int resolve_creds(MUnit *u, bool privileged_command, Creds *ret) {
        ExecContext *c = unit_exec_context(u->cfg);
        *ret = (Creds){ .uid = geteuid(), .gid = getegid() };
        if (privileged_command) return 0;
        if (c->dynamic_user) {
                int r = dynamic_uid(u, &ret->uid);
                if (r < 0) return r;
                ret->gid = ret->uid;
                ret->dynamic = true;
                ret->change = ret->uid != geteuid();
                return 0;
        }
        if (!c->user && !c->group) return 0;
        int r = userdb_get_user(u->m->set.root, c->user ? c->user : "root", &ret->user);
        if (r < 0) return r;
        ret->have_user = true;
        ret->uid = ret->user.uid;
        ret->gid = ret->user.gid;
        if (c->group && (r = userdb_get_group(u->m->set.root, c->group, &ret->gid, NULL)) < 0) return r;
        ret->change = ret->uid != geteuid() || ret->gid != getegid();
        return 0;
}

/* Once per unit: the settings this container cannot apply. A unit systemd would start still starts. */
/* The resource-control settings a unit makes, none of which tinysd applies (cgroup.h: no
 * controller is enabled), appended to an empty `out` as a list for the unit's one notice. */
static void resource_settings(MUnit *u, Buf *out) {
        const CGroupContext *c = unit_cgroup_context(u->cfg), *d = cgroup_context_default();
        if (!c || c == d) return;
#define SKIP(cond, name) do { if (cond) (void)buf_printf(out, "%s%s", out->len ? " " : "", name); } while (0)
        SKIP(c->memory_min || c->memory_low || c->memory_min_permille || c->memory_low_permille, "MemoryMin=/MemoryLow=");
        SKIP(c->memory_high != d->memory_high || c->memory_high_permille, "MemoryHigh=");
        SKIP(c->memory_max != d->memory_max || c->memory_limit != d->memory_limit || c->memory_max_permille, "MemoryMax=");
        SKIP(c->memory_swap_max != d->memory_swap_max, "MemorySwapMax=");
        SKIP(c->tasks_max_set, "TasksMax=");
        SKIP(c->cpu_quota_per_sec_usec != d->cpu_quota_per_sec_usec, "CPUQuota=");
        SKIP(c->cpu_weight != d->cpu_weight || c->startup_cpu_weight != d->startup_cpu_weight ||
             c->cpu_shares != d->cpu_shares || c->startup_cpu_shares != d->startup_cpu_shares, "CPUWeight=");
        SKIP(c->allowed_cpus || c->allowed_memory_nodes, "AllowedCPUs=/AllowedMemoryNodes=");
        SKIP(c->io_weight != d->io_weight || c->blockio_weight != d->blockio_weight || c->io_device_weight ||
             c->io_read_bandwidth_max || c->io_write_bandwidth_max || c->io_read_iops_max || c->io_write_iops_max ||
             c->blockio_device_weight || c->blockio_read_bandwidth || c->blockio_write_bandwidth, "IO*=");
        /* PrivateDevices= and ProtectClock= imply these; the sandboxing notice names them */
        const ExecContext *ec = unit_exec_context(u->cfg);
        bool implied = ec && (ec->private_devices || ec->protect_clock);
        SKIP(!implied && (c->device_allow || c->device_policy), "DeviceAllow=/DevicePolicy=");
        SKIP(c->ip_address_allow || c->ip_address_deny, "IPAddressAllow=/IPAddressDeny=");
#undef SKIP
}

static void sandbox_notice(MUnit *u, const ExecContext *c, const CapPlan *caps) {
        if (u->sandbox_notice_done) return;
        u->sandbox_notice_done = true;
        Buf b = {0};
#define SKIP(cond, name) do { if (cond) (void)buf_printf(&b, "%s%s", b.len ? " " : "", name); } while (0)
        SKIP(c->private_tmp, "PrivateTmp=");
        SKIP(c->protect_system != PROTECT_SYSTEM_NO, "ProtectSystem=");
        SKIP(c->protect_home != PROTECT_HOME_NO, "ProtectHome=");
        SKIP(c->private_devices, "PrivateDevices=");
        SKIP(c->private_network, "PrivateNetwork=");
        SKIP(c->private_users, "PrivateUsers=");
        SKIP(c->private_ipc, "PrivateIPC=");
        SKIP(c->private_mounts, "PrivateMounts=");
        SKIP(c->read_write_paths || c->read_only_paths || c->inaccessible_paths || c->exec_paths || c->no_exec_paths,
             "ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=");
        SKIP(c->temporary_filesystem, "TemporaryFileSystem=");
        SKIP(c->bind_paths || c->bind_read_only_paths, "BindPaths=");
        SKIP(c->root_directory || c->root_image, "RootDirectory=/RootImage=");
        SKIP(c->protect_kernel_tunables || c->protect_kernel_modules || c->protect_kernel_logs, "ProtectKernel*=");
        SKIP(c->protect_control_groups, "ProtectControlGroups=");
        SKIP(c->protect_hostname, "ProtectHostname=");
        SKIP(c->protect_clock, "ProtectClock=");
        SKIP(c->protect_proc != PROTECT_PROC_DEFAULT || c->proc_subset != PROC_SUBSET_ALL, "ProtectProc=/ProcSubset=");
        SKIP(c->system_call_filter.set || c->system_call_architectures || c->system_call_log.set, "SystemCallFilter=");
        SKIP(c->restrict_address_families.set, "RestrictAddressFamilies=");
        SKIP(c->restrict_namespaces.set || c->restrict_namespaces_all, "RestrictNamespaces=");
        SKIP(c->memory_deny_write_execute, "MemoryDenyWriteExecute=");
        SKIP(c->lock_personality, "LockPersonality=");
        SKIP(c->restrict_realtime, "RestrictRealtime=");
        SKIP(c->restrict_suid_sgid, "RestrictSUIDSGID=");
        SKIP(caps->ambient_missing, "AmbientCapabilities=");
        SKIP(c->secure_bits && !caps->secure_bits, "SecureBits=");
        SKIP(c->capability_bounding_set != UINT64_MAX && !plan_has(caps, CAP_SETPCAP), "CapabilityBoundingSet=");
        SKIP(c->restrict_filesystems.set, "RestrictFileSystems=");
#undef SKIP
        Buf res = {0};
        resource_settings(u, &res);
        if (b.len || res.len)
                log_notice("%s: %s%s%s%s%s", u->id,
                           b.len ? "sandboxing not applied in this container (no mount namespaces or seccomp here): " : "",
                           b.len ? b.s : "", b.len && res.len ? "; " : "",
                           res.len ? "resource control not applied (tinysd enables no cgroup controllers): " : "",
                           res.len ? res.s : "");
        buf_free(&res);
        if (c->pam_name) log_notice("%s: PAMName=%s: PAM sessions are not opened by tinysd.", u->id, c->pam_name);
        buf_free(&b);
}

static bool is_journal(ExecOutput o) {
        return o == EXEC_OUTPUT_JOURNAL || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE || o == EXEC_OUTPUT_KMSG ||
               o == EXEC_OUTPUT_KMSG_AND_CONSOLE;
}

static int open_output(const ExecRunParams *p, const ExecContext *c, ExecOutput o, int idx) {
        const char *path = c->stdio_file[idx];
        /* StandardInput=socket makes inherit mean the connection */
        if (o == EXEC_OUTPUT_INHERIT && c->std_input == EXEC_INPUT_SOCKET && p->socket_fd >= 0)
                return fcntl(p->socket_fd, F_DUPFD_CLOEXEC, 3);
        switch (o) {
        case EXEC_OUTPUT_SOCKET: return p->socket_fd >= 0 ? fcntl(p->socket_fd, F_DUPFD_CLOEXEC, 3) : -1;
        case EXEC_OUTPUT_NULL: return -1;
        case EXEC_OUTPUT_FILE: return path ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644) : -1;
        case EXEC_OUTPUT_FILE_APPEND: return path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644) : -1;
        case EXEC_OUTPUT_FILE_TRUNCATE: return path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644) : -1;
        case EXEC_OUTPUT_TTY: {
                int fd = open(c->tty_path ? c->tty_path : "/dev/console", O_WRONLY | O_CLOEXEC | O_NOCTTY);
                return fd >= 0 ? fd : fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        }
        default:
                /* journal, kmsg, inherit: the container's stdout (issue 5 adds the journal) */
                return fcntl(idx == 2 ? STDERR_FILENO : STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        }
}

static int open_input(const ExecRunParams *p, const ExecContext *c) {
        switch (c->std_input) {
        case EXEC_INPUT_SOCKET:
                return p->socket_fd >= 0 ? fcntl(p->socket_fd, F_DUPFD_CLOEXEC, 3) : -1;
        case EXEC_INPUT_TTY: case EXEC_INPUT_TTY_FORCE: case EXEC_INPUT_TTY_FAIL:
                return open(c->tty_path ? c->tty_path : "/dev/console", O_RDWR | O_CLOEXEC | O_NOCTTY);
        case EXEC_INPUT_FILE:
                return c->stdio_file[0] ? open(c->stdio_file[0], O_RDONLY | O_CLOEXEC | O_NOCTTY) : -1;
        case EXEC_INPUT_DATA: {
                int fd = memfd_create("stdin-data", MFD_CLOEXEC);
                if (fd < 0) return -1;
                if (write(fd, c->stdin_data, c->stdin_data_size) != (ssize_t)c->stdin_data_size || lseek(fd, 0, SEEK_SET) < 0) {
                        close(fd);
                        return -1;
                }
                return fd;
        }
        default:
                return -1;
        }
}

static int build_env(MUnit *u, const ExecRunParams *params, const Creds *cr, char ***ret) {
        Manager *m = u->m;
        ExecContext *c = unit_exec_context(u->cfg);
        _cleanup_strv_free_ char **env = strv_copy(m->environment);
        int r = 0;
        if (!env && m->environment) return -ENOMEM;
        if (!env_get(env, "PATH")) r |= env_set(&env, "PATH", DEFAULT_PATH);
        r |= env_set(&env, "INVOCATION_ID", u->invocation_id);
        if (cr->have_user || cr->dynamic) {
                char num[16];
                snprintf(num, sizeof num, "%u", (unsigned)cr->uid);
                const char *name = cr->have_user ? cr->user.name : num;
                r |= env_set(&env, "USER", name);
                r |= env_set(&env, "LOGNAME", name);
                r |= env_set(&env, "HOME", cr->have_user && cr->user.home ? cr->user.home : "/");
                r |= env_set(&env, "SHELL", cr->have_user && cr->user.shell ? cr->user.shell : "/usr/sbin/nologin");
        }
        for (int t = 0; t < _EXEC_DIRECTORY_TYPE_MAX; t++) {
                if (!c->directories[t].paths) continue;
                _cleanup_strv_free_ char **full = NULL;
                STRV_FOREACH(d, c->directories[t].paths) r |= strv_push(&full, strjoin(dir_prefix[t], "/", *d));
                _cleanup_free_ char *joined = strv_join(full, ":");
                if (joined) r |= env_set(&env, dir_env[t], joined);
        }
        if (r >= 0) r = env_merge(&env, params->environment);
        if (r < 0) return -ENOMEM;
        /* Environment=, EnvironmentFile=, PassEnvironment=, UnsetEnvironment= in systemd's order */
        if ((r = env_merge(&env, c->environment)) < 0) return r;
        STRV_FOREACH(f, c->environment_files) {
                const char *path = *f[0] == '-' ? *f + 1 : *f;
                _cleanup_strv_free_ char **fenv = NULL;
                r = env_file_read(path, &fenv);
                if (r < 0 && *f[0] != '-') {
                        log_error("%s: Failed to load environment files: %s", u->id, strerror(-r));
                        return r;
                }
                if (r >= 0 && (r = env_merge(&env, fenv)) < 0) return r;
        }
        /* whole lists at once: O(1) per name, however many a unit file names */
        _cleanup_(strv_builder_done) StrvBuilder pass = {0};
        STRV_FOREACH(p, c->pass_environment) {
                const char *v = getenv(*p);
                if (v && (r = strv_builder_push(&pass, strjoin(*p, "=", v))) < 0) return r;
        }
        if ((r = env_merge(&env, pass.l)) < 0) return r;
        env_unset_all(env, c->unset_environment);
        *ret = TAKE_PTR(env);
        return 0;
}

/* $LISTEN_FDS/$LISTEN_FDNAMES for the fds passed (sd_listen_fds(3)). */
static int set_listen_env(const ExecRunParams *p, char ***env) {
        char num[24];
        snprintf(num, sizeof num, "%zu", p->n_fds);
        Buf b = {0};
        for (size_t i = 0; i < p->n_fds; i++) (void)buf_printf(&b, "%s%s", i ? ":" : "", p->fd_names[i]);
        int r = env_set(env, "LISTEN_FDS", num);
        if (r >= 0) r = env_set(env, "LISTEN_FDNAMES", b.s ? b.s : "");
        buf_free(&b);
        return r;
}

static char *find_in_path(const char *name, char *const *env) {
        const char *path = env_get(env, "PATH");
        if (!path) path = DEFAULT_PATH;
        for (const char *p = path; *p;) {
                size_t n = strcspn(p, ":");
                char *cand = xasprintf("%.*s/%s", (int)n, p, name);
                if (cand && access(cand, X_OK) == 0) return cand;
                free(cand);
                p += n;
                if (*p) p++;
        }
        return NULL;
}

int munit_spawn(MUnit *u, const ExecCommand *c, const ExecRunParams *params, pid_t *ret_pid, int *ret_report_fd) {
        Manager *m = u->m;
        ExecContext *ec = unit_exec_context(u->cfg);
        bool privileged = (c->flags & EXEC_COMMAND_FULLY_PRIVILEGED) || params->privileged;
        CapPlan caps = cap_plan(ec);
        /* "!!" acts as "!" only where the kernel lacks ambient capabilities (systemd.service(5)) */
        bool ambient_hack = (c->flags & EXEC_COMMAND_AMBIENT_MAGIC) && !caps.ambient_supported;
        bool no_setuid = (c->flags & EXEC_COMMAND_NO_SETUID) || ambient_hack;
        /* the last round (an immediate exit, SIGRTMIN+13..+16, or after the stop jobs) runs no
         * ExecStop= of a main process it killed: systemd has left its loop by then */
        if (m->final_phase) return -ESHUTDOWN;
        /* systemd fails the start when the unit's cgroup cannot be made (219/CGROUP) */
        _cleanup_close_ int cg_fd = -1;
        int r = munit_cgroup_realize(u);
        if (r > 0 && (cg_fd = r = cgroup_open_procs(&m->cgroup, u->cgroup_rel)) < 0)
                log_error("%s: Failed to open cgroup %s: %s", u->id, u->cgroup_rel, strerror(-r));
        if (r < 0) return r;
        Creds cr;
        r = resolve_creds(u, privileged || no_setuid, &cr);
        if (r < 0) {
                log_error("%s: Failed to determine user credentials: %s", u->id, strerror(-r));
                user_record_done(&cr.user);
                return r;
        }
        sandbox_notice(u, ec, &caps);
        if (cr.change && geteuid() != 0 && !plan_has(&caps, CAP_SETUID)) {
                /* A non-root manager cannot switch users: run as ourselves, as a user manager would. */
                if (!u->pam_notice_done) log_notice("%s: User=/Group= not applied: tinysd runs unprivileged.", u->id);
                u->pam_notice_done = true;
                cr.change = false;
        }
        _cleanup_strv_free_ char **env = NULL;
        if ((r = build_env(u, params, &cr, &env)) < 0) {
                user_record_done(&cr.user);
                return r;
        }
        if (params->n_fds > 0 && (r = set_listen_env(params, &env)) < 0) {
                user_record_done(&cr.user);
                return r;
        }
        ExecCommand resolved = *c;
        _cleanup_free_ char *path = NULL;
        if (c->path && !strchr(c->path, '/') && (path = find_in_path(c->path, env))) resolved.path = path;
        /* journal output goes through PID 1's journal (log-stream.c); if that fails, straight to stdout */
        _cleanup_close_ int lfd = -1;
        bool out_j = is_journal(ec->std_output) && u->stdio_fds[1] < 0, err_j = is_journal(ec->std_error) && u->stdio_fds[2] < 0;
        if ((out_j || err_j) && (r = log_stream_new(u, resolved.path, &lfd)) < 0)
                log_warning("%s: Failed to set up the log stream, writing to the console: %s", u->id, strerror(-r));
        if (lfd >= 0) {
                struct stat st;
                char js[64];
                if (fstat(lfd, &st) >= 0) {
                        snprintf(js, sizeof js, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
                        (void)env_set(&env, "JOURNAL_STREAM", js);
                }
        }
        int fds[3] = { open_input(params, ec), out_j && lfd >= 0 ? fcntl(lfd, F_DUPFD_CLOEXEC, 3) : open_output(params, ec, ec->std_output, 1), -1 };
        fds[2] = ec->std_error == EXEC_OUTPUT_INHERIT ? (fds[1] >= 0 ? fcntl(fds[1], F_DUPFD_CLOEXEC, 3) : -1)
                 : err_j && lfd >= 0                  ? fcntl(lfd, F_DUPFD_CLOEXEC, 3)
                                                      : open_output(params, ec, ec->std_error, 2);
        /* what the client that made the unit gave (systemd-run --pipe) replaces StandardInput=... */
        for (int i = 0; i < 3; i++) {
                if (u->stdio_fds[i] < 0) continue;
                if (fds[i] >= 0) close(fds[i]);
                fds[i] = fcntl(u->stdio_fds[i], F_DUPFD_CLOEXEC, 3);
        }
        SpawnParams p = {
                .command = &resolved, .context = ec, .environment = env, .stdio = { fds[0], fds[1], fds[2] },
                .root = m->set.root, .apply_credentials = cr.change && !cr.dynamic,
                .use_ids = cr.change && cr.dynamic, .uid = cr.uid, .gid = cr.gid,
                /* set or implied (PrivateDevices=, ...): systemd drops whatever is not all */
                .apply_bounding_set = ec->capability_bounding_set != UINT64_MAX && plan_has(&caps, CAP_SETPCAP) && !privileged,
                .bounding_set = ec->capability_bounding_set | (ambient_hack ? HACK_CAPS : 0),
                .apply_ambient = !privileged && caps.ambient_supported, .ambient_set = caps.ambient,
                .apply_secure_bits = !privileged && caps.secure_bits && (ec->secure_bits || prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) > 0),
                .secure_bits = ec->secure_bits,
                .set_exec_pid = true, .set_listen_pid = params->n_fds > 0, .pass_fds = params->fds, .n_pass_fds = params->n_fds,
                .join_cgroup = cg_fd >= 0, .cgroup_procs_fd = cg_fd,
        };
        /* the environment in one chunk, the list of strings freed before the fork: every page PID 1
         * writes while the child shares its memory is copied, and the strings lie scattered over
         * the heap (releasing them after the fork was most of the boot's page faults) */
        _cleanup_free_ char **flat_env = strv_flatten(env);
        if (flat_env) {
                strv_free(TAKE_PTR(env));
                p.environment = flat_env;
                r = m->ops->spawn(&p, ret_pid, ret_report_fd);
        } else
                r = -ENOMEM;
        for (int i = 0; i < 3; i++)
                if (fds[i] >= 0) close(fds[i]);
        user_record_done(&cr.user);
        if (r < 0) log_error("%s: Failed to spawn %s: %s", u->id, c->path, strerror(-r));
        else log_debug("%s: spawned %s as %d", u->id, c->path, (int)*ret_pid);
        return r;
}

static int mkdir_parents_mode(const char *path, mode_t mode, uid_t uid, gid_t gid, bool chown_it) {
        int r = mkdir_parents(path, 0755);
        if (r < 0) return r;
        if (mkdir(path, mode) < 0 && errno != EEXIST) return -errno;
        if (chmod(path, mode) < 0) return -errno;
        if (chown_it && chown(path, uid, gid) < 0 && errno != EPERM) return -errno;
        return 0;
}

int munit_prepare_directories(MUnit *u) {
        ExecContext *c = unit_exec_context(u->cfg);
        if (!c) return 0;
        Creds cr;
        int r = resolve_creds(u, false, &cr);
        user_record_done(&cr.user);
        if (r < 0) return r;
        for (int t = 0; t < _EXEC_DIRECTORY_TYPE_MAX; t++)
                STRV_FOREACH(p, c->directories[t].paths) {
                        _cleanup_free_ char *full = strjoin(dir_prefix[t], "/", *p);
                        if (!full) return -ENOMEM;
                        /* ConfigurationDirectory= stays root's, as systemd leaves it */
                        r = mkdir_parents_mode(full, c->directories[t].mode, cr.uid, cr.gid, t != EXEC_DIRECTORY_CONFIGURATION);
                        if (r < 0) {
                                log_error("%s: Failed to set up %s %s: %s", u->id, dir_env[t], full, strerror(-r));
                                return r;
                        }
                }
        return 0;
}

static void closedirp(DIR **d) {
        if (*d) closedir(*d);
}

static int rm_rf(const char *path, int depth) {
        if (depth > 32) return -ELOOP;
        struct stat st;
        if (lstat(path, &st) < 0) return -errno;
        if (S_ISDIR(st.st_mode)) {
                _cleanup_(closedirp) DIR *d = opendir(path);
                if (d) {
                        struct dirent *de;
                        while ((de = readdir(d)))
                                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                                        _cleanup_free_ char *sub = strjoin(path, "/", de->d_name);
                                        if (sub) (void)rm_rf(sub, depth + 1);
                                }
                }
                return rmdir(path) < 0 ? -errno : 0;
        }
        return unlink(path) < 0 ? -errno : 0;
}

void munit_remove_runtime_directories(MUnit *u) {
        ExecContext *c = unit_exec_context(u->cfg);
        if (!c) return;
        STRV_FOREACH(p, c->directories[EXEC_DIRECTORY_RUNTIME].paths) {
                _cleanup_free_ char *full = strjoin("/run/", *p);
                if (full) (void)rm_rf(full, 0);
        }
}

/* ---- running commands across reloads ---- */

const ExecCommand *exec_command_at(ExecCommand *const *lists, int list, unsigned index) {
        if (list < 0) return NULL;
        const ExecCommand *c = lists[list];
        for (unsigned i = 0; c && i < index; i++) c = c->next;
        return c;
}

void exec_command_ref_clear(ExecCommandRef *ref) {
        free(ref->path);
        *ref = (ExecCommandRef)EXEC_COMMAND_REF_NONE;
}

static const ExecCommand *ref_set(ExecCommandRef *ref, ExecCommand *const *lists, int list, unsigned index) {
        const ExecCommand *c = exec_command_at(lists, list, index);
        exec_command_ref_clear(ref);
        if (!c) return NULL;
        /* the path is for messages only: without memory for it they say "?" */
        *ref = (ExecCommandRef){ .list = list, .index = index, .flags = c->flags, .path = c->path ? strdup(c->path) : NULL };
        return c;
}

const ExecCommand *exec_command_ref_first(ExecCommandRef *ref, ExecCommand *const *lists, int list) {
        return ref_set(ref, lists, list, 0);
}

const ExecCommand *exec_command_ref_next(ExecCommandRef *ref, ExecCommand *const *lists) {
        if (ref->list < 0 || ref->vanished) {
                exec_command_ref_clear(ref);
                return NULL;
        }
        return ref_set(ref, lists, ref->list, ref->index + 1);
}

static bool exec_command_equal(const ExecCommand *a, const ExecCommand *b) {
        if (!streq_ptr(a->path, b->path)) return false;
        char *const *x = a->argv, *const *y = b->argv;
        for (; x && *x && y && *y; x++, y++)
                if (!streq(*x, *y)) return false;
        return !(x && *x) && !(y && *y);
}

void exec_command_ref_reloaded(ExecCommandRef *ref, ExecCommand *const *old_lists, ExecCommand *const *new_lists,
                               const char *id) {
        if (ref->list < 0 || ref->vanished) return;
        const ExecCommand *was = exec_command_at(old_lists, ref->list, ref->index);
        const ExecCommand *now = exec_command_at(new_lists, ref->list, ref->index);
        if (was && now && exec_command_equal(was, now)) return;
        unsigned i = 0;
        for (now = new_lists[ref->list]; was && now; now = now->next, i++)
                if (exec_command_equal(was, now)) {
                        ref->index = i;
                        return;
                }
        ref->vanished = true;
        log_warning("%s: Current command vanished from the unit file, execution of the command list won't be resumed.", id);
}
