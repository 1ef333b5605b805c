/* SPDX-License-Identifier: MIT */
#pragma once
/* What the manager asks of the system, in one operations table on the manager (dinit's bp_sys):
 * starting processes, signalling them, collecting their exits, the clocks, and reading /proc.
 * PID 1 runs on sys_ops_real; the in-process tests (tests/unit/test-core-*.c) give a fake that
 * records what the core does and lets the test decide what the system answers. */
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include "base/parse.h"
#include "core/proc-scan.h"
#include "exec/spawn.h"

typedef struct SysOps {
        int (*spawn)(const SpawnParams *p, pid_t *ret_pid, int *ret_report_fd); /* exec_spawn() */
        int (*kill)(pid_t pid, int sig);                                        /* -1 + errno */
        int (*waitid)(idtype_t type, id_t id, siginfo_t *info, int options);    /* -1 + errno */
        usec_t (*now)(clockid_t clock);
        int (*proc_table_read)(ProcTable *ret);          /* every process (proc_table_read()) */
        int (*proc_info_read)(pid_t pid, ProcInfo *ret); /* one process: -ESRCH when gone */
        /* our children, as /proc/thread-self/children lists them (pids separated by spaces) */
        int (*read_children)(char **ret, size_t *ret_size);
        /* the first bytes of a process's initial environment (/proc/PID/environ): bytes read */
        ssize_t (*read_environ)(pid_t pid, char *buf, size_t size);
} SysOps;

extern const SysOps sys_ops_real;
