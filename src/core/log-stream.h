/* SPDX-License-Identifier: MIT */
#pragma once
/* Service output through the journal (log-stream.c; StandardOutput=journal, the default). */
#include "core/forward.h"

/* A stream for a process of u about to be spawned with command path `path`: *ret_fd is the
 * writing end for the child (close it after the spawn); the journal reads the other end with the
 * unit's log settings as they are now. -ENOTCONN without a journal. */
int log_stream_new(MUnit *u, const char *path, int *ret_fd);
