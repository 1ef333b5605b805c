/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "base/strv.h"
#include "base/util.h"
#include "exec/capability.h"
#include "exec/env.h"
#include "exec/spawn.h"
#include "unit/service-config.h"
#include "exec/userdb.h"

#define MAX_GROUPS 64

const char *exec_exit_status_to_string(int status) {
        return exit_status_to_string(status);   /* systemd's one table: EXIT_STATUS_FULL */
}

/* In the child: report the failed step and exit with its code. Only async-signal-safe calls. */
static _Noreturn void child_fail(int report_fd, int status, int error) {
        SpawnFailure f = { .exit_status = status, .error = error };
        (void)!write(report_fd, &f, sizeof f);
        _exit(status);
}

static void reset_signals(void) {
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        struct sigaction sa = { .sa_handler = SIG_DFL };
        for (int s = 1; s < _NSIG; s++)
                if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
}

/* Move descriptors into place: stdio to 0-2, passed fds to 3.. without gaps. Everything is
 * first duplicated above the target range so no source is overwritten before it is copied. */
static int setup_fds(const SpawnParams *p, int report_fd) {
        size_t n = p->n_pass_fds;
        int base = 3 + (int)n + 3;
        int tmp[3 + 64];
        if (n > 64) return -E2BIG;
        for (size_t i = 0; i < 3 + n; i++) {
                int src = i < 3 ? p->stdio[i] : p->pass_fds[i - 3];
                if (src < 0) src = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (src < 0) return -errno;
                if (src == report_fd) return -EBADF;
                tmp[i] = fcntl(src, F_DUPFD_CLOEXEC, base);
                if (tmp[i] < 0) return -errno;
        }
        for (size_t i = 0; i < 3 + n; i++)
                if (dup2(tmp[i], (int)i) < 0) return -errno;  /* dup2 clears close-on-exec */
        return 0;
}

/* As systemd: a limit above the hard limit we may not raise (no CAP_SYS_RESOURCE, as in every
 * container) is clamped to that hard limit instead of failing the start; e.g. redis-server's
 * LimitNOFILE=65535 under a runtime whose hard limit is lower. */
static int set_limit_closest(int resource, const struct rlimit *want) {
        if (setrlimit(resource, want) >= 0) return 0;
        if (errno != EPERM) return -errno;
        struct rlimit cur;
        if (getrlimit(resource, &cur) < 0) return -errno;
        if (cur.rlim_max == RLIM_INFINITY) return -EPERM;   /* not the hard limit's fault */
        struct rlimit fixed = {
                .rlim_cur = want->rlim_cur < cur.rlim_max ? want->rlim_cur : cur.rlim_max,
                .rlim_max = want->rlim_max < cur.rlim_max ? want->rlim_max : cur.rlim_max,
        };
        if (fixed.rlim_cur == cur.rlim_cur && fixed.rlim_max == cur.rlim_max) return 0;
        return setrlimit(resource, &fixed) < 0 ? -errno : 0;
}

static int apply_limits(const ExecContext *c) {
        for (int i = 0; i < (int)ELEMENTSOF(c->rlimit); i++)
                if (c->rlimit[i]) {
                        int r = set_limit_closest(i, c->rlimit[i]);
                        if (r < 0) return r;
                }
        return 0;
}

/* Formats by hand: after fork() only async-signal-safe calls are made. */
static int write_oom(int v) {
        char buf[16], *e = buf + sizeof buf, *q = e;
        unsigned u = v < 0 ? (unsigned)-v : (unsigned)v;
        do *--q = (char)('0' + u % 10); while ((u /= 10));
        if (v < 0) *--q = '-';
        int n = (int)(e - q);
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0) return -errno;
        ssize_t k = write(fd, q, (size_t)n);
        close(fd);
        return k == n ? 0 : -errno;
}

/* "NAME=" + our pid, written in the child after fork: SYSTEMD_EXEC_PID= (systemd 248+) and
 * LISTEN_PID= (sd_listen_fds(3)) both name the process itself. */
static void fill_pid(char *slot) {
        char *q = strchr(slot, '=') + 1, tmp[16];
        int n = 0;
        for (unsigned v = (unsigned)getpid(); v || !n; v /= 10) tmp[n++] = (char)('0' + v % 10);
        while (n) *q++ = tmp[--n];
        *q = 0;
}

/* CapabilityBoundingSet=, then AmbientCapabilities= while still the manager's user (systemd's
 * order): raised into the inheritable set too, so they can be raised again after the switch. */
static int caps_before_user(const SpawnParams *p) {
        int r;
        if (p->apply_bounding_set && (r = capability_bounding_drop(p->bounding_set)) < 0) return r;
        if (p->apply_ambient && (r = capability_ambient_apply(p->ambient_set, true)) < 0) return r;
        return 0;
}

/* The switch to the service's user. Leaving root clears the permitted set, unless keep-caps is
 * set: needed when ambient capabilities are raised afterwards (the kernel clears the ambient set
 * either way) or securebits set (CAP_SETPCAP). *ret_status: EXIT_GROUP or EXIT_USER on failure. */
static int switch_user(const SpawnParams *p, uid_t uid, gid_t gid, const gid_t *groups, int ngroups, int *ret_status) {
        *ret_status = EXIT_GROUP;
        if (setgroups((size_t)ngroups, groups) < 0 && errno != EPERM) return -errno;
        if (setresgid(gid, gid, gid) < 0) return -errno;
        *ret_status = EXIT_USER;
        bool keep = uid != 0 && ((p->apply_ambient && p->ambient_set) || p->apply_secure_bits);
        if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return -errno;
        if (setresuid(uid, uid, uid) < 0) return -errno;
        return 0;
}

static void child(const SpawnParams *p, const UserRecord *user, gid_t gid, const gid_t *groups, int ngroups,
                  char **argv, char **envp, char *const *pid_slots, int report_fd) {
        const ExecContext *c = p->context;
        /* into the unit's cgroup before anything else, so whatever it forks is there too */
        if (p->join_cgroup && write(p->cgroup_procs_fd, "0", 1) != 1) child_fail(report_fd, EXIT_CGROUP, errno);
        reset_signals();
        if (setsid() < 0) child_fail(report_fd, EXIT_SETSID, errno);
        int r = setup_fds(p, report_fd);
        if (r < 0) child_fail(report_fd, EXIT_FDS, -r);
        if (c->nice_set && setpriority(PRIO_PROCESS, 0, c->nice) < 0) child_fail(report_fd, EXIT_NICE, errno);
        /* without CAP_SYS_RESOURCE a container cannot lower it: systemd ignores that too */
        if (c->oom_score_adjust_set && (r = write_oom(c->oom_score_adjust)) < 0 && r != -EPERM && r != -EACCES)
                child_fail(report_fd, EXIT_OOM_ADJUST, -r);
        if ((r = apply_limits(c)) < 0) child_fail(report_fd, EXIT_LIMITS, -r);
        umask(c->umask);
        if ((r = caps_before_user(p)) < 0) child_fail(report_fd, EXIT_CAPABILITIES, -r);
        int status = 0;
        if (p->use_ids) r = switch_user(p, p->uid, p->gid, NULL, 0, &status);
        else if (user) r = switch_user(p, user->uid, gid, groups, ngroups, &status);
        if (r < 0) child_fail(report_fd, status, -r);
        if ((p->use_ids || user) && p->apply_ambient && p->ambient_set &&
            (r = capability_ambient_apply(p->ambient_set, false)) < 0)
                child_fail(report_fd, EXIT_CAPABILITIES, -r);
        const char *wd = c->working_directory;
        if (c->working_directory_home) wd = user ? user->home : "/root";
        if (wd && chdir(wd) < 0 && !c->working_directory_missing_ok) child_fail(report_fd, EXIT_CHDIR, errno);
        if (p->apply_secure_bits && (r = securebits_apply(p->secure_bits)) < 0) child_fail(report_fd, EXIT_SECUREBITS, -r);
        if (c->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_fail(report_fd, EXIT_NO_NEW_PRIVILEGES, errno);
        for (; *pid_slots; pid_slots++) fill_pid(*pid_slots);
        execve(p->command->path, argv, envp);
        child_fail(report_fd, EXIT_EXEC, errno);
}

/* Everything that allocates is done before fork(): the child only makes system calls. */
int exec_spawn(const SpawnParams *p, pid_t *ret_pid, int *ret_report_fd) {
        const ExecContext *c = p->context;
        UserRecord user = {0};
        char **argv = NULL, **args = NULL, **envp = NULL;
        char exec_pid_slot[48] = "SYSTEMD_EXEC_PID=", listen_pid_slot[48] = "LISTEN_PID=";
        char *pid_slots[3] = { NULL, NULL, NULL };
        size_t n_slots = 0;
        bool have_user = false;
        gid_t gid = 0, groups[MAX_GROUPS];
        int ngroups = 0, r;
        if (p->apply_credentials && !p->use_ids && (c->user || c->group)) {
                if ((r = userdb_get_user(p->root, c->user ? c->user : "root", &user)) < 0) return r;
                have_user = true;
                gid = user.gid;
                if (c->group && (r = userdb_get_group(p->root, c->group, &gid, NULL)) < 0) goto out;
                if ((r = userdb_member_groups(p->root, user.name, gid, groups, MAX_GROUPS)) < 0) goto out;
                ngroups = r;
        }
        if (p->command->flags & EXEC_COMMAND_NO_ENV_EXPAND) {
                if (!(argv = strv_copy(p->command->argv))) { r = -ENOMEM; goto out; }
        } else if ((r = env_expand_argv(p->command->argv, p->environment, &argv)) < 0)
                goto out;
        /* one chunk, the list freed before the fork (see strv_flatten()) */
        if (!(args = strv_flatten(argv))) { r = -ENOMEM; goto out; }
        strv_free(TAKE_PTR(argv));
        /* the environment plus a SYSTEMD_EXEC_PID= slot the child fills in */
        size_t n_env = 0;
        while (p->environment && p->environment[n_env]) n_env++;
        envp = calloc(n_env + 3, sizeof *envp);
        if (!envp) { r = -ENOMEM; goto out; }
        size_t k = 0;
        for (size_t i = 0; i < n_env; i++)
                if (!startswith(p->environment[i], "SYSTEMD_EXEC_PID=") && !startswith(p->environment[i], "LISTEN_PID="))
                        envp[k++] = p->environment[i];
        if (p->set_exec_pid) envp[k++] = pid_slots[n_slots++] = exec_pid_slot;
        if (p->set_listen_pid) envp[k++] = pid_slots[n_slots++] = listen_pid_slot;
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0) { r = -errno; goto out; }
        pid_t pid = fork();
        if (pid < 0) {
                r = -errno;
                close(pipefd[0]);
                close(pipefd[1]);
                goto out;
        }
        if (pid == 0) {
                close(pipefd[0]);
                child(p, have_user ? &user : NULL, gid, groups, ngroups, args, envp, pid_slots, pipefd[1]);
        }
        close(pipefd[1]);
        (void)fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
        *ret_pid = pid;
        *ret_report_fd = pipefd[0];
        r = 0;
out:
        free(envp);
        free(args);
        strv_free(argv);
        user_record_done(&user);
        return r;
}
