/* SPDX-License-Identifier: MIT */
#pragma once
/* Everything between a unit's configuration and exec_spawn() (exec-run.c): environment, stdio,
 * credentials (DynamicUser=), directories, and the once-per-unit notice of what the container
 * cannot apply. What only the unit's type knows comes in ExecRunParams. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "core/forward.h"
#include "unit/exec-config.h"

typedef struct ExecRunParams {
        bool is_control;            /* a control process (ExecStartPre=, ExecStop=, ...) */
        bool privileged;            /* run as PID 1's user (PermissionsStartOnly= for control ones) */
        char **environment;         /* the type's variables ($MAINPID, $NOTIFY_SOCKET, ...), before
                                     * Environment= and EnvironmentFile=; borrowed */
        int socket_fd;              /* an Accept=yes connection for StandardInput/Output=socket; -1 */
        /* fds passed as $LISTEN_FDS with $LISTEN_FDNAMES (borrowed) */
        const int *fds;
        const char *const *fd_names;
        size_t n_fds;
} ExecRunParams;

#define EXEC_RUN_PARAMS_INIT { .socket_fd = -1 }

int munit_spawn(MUnit *u, const ExecCommand *c, const ExecRunParams *p, pid_t *ret_pid, int *ret_report_fd);
int munit_prepare_directories(MUnit *u);
void munit_remove_runtime_directories(MUnit *u);
