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
        bool is_control;    /* a control process (ExecStartPre=, ExecStop=, ...) */
        bool privileged;    /* run as PID 1's user (PermissionsStartOnly= for control ones) */
        char **environment; /* the type's variables ($MAINPID, $NOTIFY_SOCKET, ...), before
                                     * Environment= and EnvironmentFile=; borrowed */
        int socket_fd;      /* an Accept=yes connection for StandardInput/Output=socket; -1 */
        /* fds passed as $LISTEN_FDS with $LISTEN_FDNAMES (borrowed) */
        const int *fds;
        const char *const *fd_names;
        size_t n_fds;
} ExecRunParams;

#define EXEC_RUN_PARAMS_INIT \
        { .socket_fd = -1 }

/* The command a unit's process runs, named by its place in the unit's configuration: daemon-reload
 * replaces the configuration under a running process, so nothing at run time points into it. What
 * the process's exit needs of the command (its flags, its path for messages) is copied at spawn;
 * the next command of its list is looked up in whatever the configuration is then. */
typedef struct ExecCommandRef {
        char *path;             /* owned copy */
        int list;               /* the ServiceExecCommand/SocketExecCommand list; -1: none */
        unsigned index;         /* its place in that list */
        ExecCommandFlags flags; /* of the command as it was spawned */
        bool vanished;          /* a reload removed it: the rest of its list is not run */
} ExecCommandRef;

#define EXEC_COMMAND_REF_NONE \
        { .list = -1 }

/* The command at (list, index) of `lists`, or NULL. */
const ExecCommand *exec_command_at(ExecCommand *const *lists, int list, unsigned index);
/* The first command of list `list`, *ref naming it; NULL (ref cleared) when the list is empty. */
const ExecCommand *exec_command_ref_first(ExecCommandRef *ref, ExecCommand *const *lists, int list);
/* The command after ref's in its list, *ref naming it; NULL (ref cleared) at the end of the list,
 * when a reload removed ref's command, or when ref names none. */
const ExecCommand *exec_command_ref_next(ExecCommandRef *ref, ExecCommand *const *lists);
/* ref names no command (any more). */
void exec_command_ref_clear(ExecCommandRef *ref);
/* A reload replaced old_lists by new_lists: find ref's command in the new configuration (at its
 * index, else anywhere in its list, as systemd does); when it is gone, say so (unit `id`). */
void exec_command_ref_reloaded(ExecCommandRef *ref, ExecCommand *const *old_lists,
                               ExecCommand *const *new_lists, const char *id);

int munit_spawn(MUnit *u, const ExecCommand *c, const ExecRunParams *p, pid_t *ret_pid, int *ret_report_fd);
int munit_prepare_directories(MUnit *u);
void munit_remove_runtime_directories(MUnit *u);
