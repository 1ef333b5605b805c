/* SPDX-License-Identifier: MIT */
#pragma once
/* Starting one command of a unit: fork, set up the process as the ExecContext says, exec. The
 * parent never waits for the child: failures before execve() are reported through a close-on-
 * exec pipe that the caller watches in its event loop (EOF = exec succeeded), and the child then
 * exits with systemd's status code for the failed step (systemd.exec(5), "Process Exit Codes"). */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "unit/exec-config.h"

enum {
        EXIT_CHDIR = 200, EXIT_NICE = 201, EXIT_FDS = 202, EXIT_EXEC = 203, EXIT_MEMORY = 204,
        EXIT_LIMITS = 205, EXIT_OOM_ADJUST = 206, EXIT_SIGNAL_MASK = 207, EXIT_STDIN = 208,
        EXIT_STDOUT = 209, EXIT_SECUREBITS = 213, EXIT_GROUP = 216, EXIT_USER = 217, EXIT_CAPABILITIES = 218,
        EXIT_CGROUP = 219, EXIT_SETSID = 220, EXIT_STDERR = 222,
        EXIT_NO_NEW_PRIVILEGES = 227,
};
/* "CHDIR", "EXEC", ... as systemd prints them in "status=203/EXEC"; NULL for other codes. */
const char *exec_exit_status_to_string(int status);

typedef struct SpawnParams {
        const ExecCommand *command;
        const ExecContext *context;
        char **environment;        /* the complete environment of the process */
        int stdio[3];              /* descriptors for 0, 1, 2; -1: /dev/null */
        const int *pass_fds;       /* become 3, 4, ... (socket activation, fd store) */
        size_t n_pass_fds;
        const char *root;          /* where /etc/passwd lives; NULL "/" */
        bool apply_credentials;    /* switch to User=/Group= (false: keep ours, e.g. '+' or non-root manager) */
        bool use_ids;              /* switch to uid/gid below instead (DynamicUser=) */
        uid_t uid;
        gid_t gid;
        bool apply_bounding_set;   /* drop what bounding_set excludes (needs CAP_SETPCAP) */
        uint64_t bounding_set;     /* CapabilityBoundingSet= (plus what the "!!" fallback needs) */
        bool apply_ambient;        /* make ambient_set the ambient set (a kernel with ambient capabilities) */
        uint64_t ambient_set;      /* AmbientCapabilities= as far as the manager can give them */
        bool apply_secure_bits;    /* set the securebits to secure_bits (needs CAP_SETPCAP) */
        int secure_bits;
        bool set_exec_pid;         /* add SYSTEMD_EXEC_PID= (the process's own pid) */
        bool set_listen_pid;       /* add LISTEN_PID= (the same; sd_listen_fds(3) checks it) */
        /* nonzero: the child fails at once with this exit status and errno, as systemd's child does
         * where it resolves User=/Group= (PID 1 looked them up before the fork and found none) */
        int fail_status, fail_errno;
        bool join_cgroup;          /* the child moves itself into the unit's cgroup first: */
        int cgroup_procs_fd;       /* that group's cgroup.procs, opened for writing */
} SpawnParams;

/* The failure a child reported before exec: its exit code and errno. */
typedef struct SpawnFailure {
        int exit_status;
        int error;
} SpawnFailure;

/* Fork and exec. *ret_report_fd is the read end of the report pipe (non-blocking, close-on-
 * exec); read a SpawnFailure from it, or EOF when the exec succeeded. */
int exec_spawn(const SpawnParams *p, pid_t *ret_pid, int *ret_report_fd);
