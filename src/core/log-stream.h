/* SPDX-License-Identifier: MIT */
#pragma once
/* Service output captured through PID 1 (log-stream.c; StandardOutput=journal, the default). */
#include <sys/types.h>
#include "core/forward.h"

/* A stream for a process of u about to be spawned with command path `path`: *ret_fd is the
 * writing end for the child (close it after the spawn), *ret is PID 1's reading side. */
int log_stream_new(MUnit *u, const char *path, int *ret_fd, LogStream **ret);
void log_stream_set_pid(LogStream *s, pid_t pid, uid_t uid, gid_t gid);
/* Read whatever is left in every stream (at exit, so nothing written is lost); free them. */
void manager_log_streams_drain(Manager *m);
