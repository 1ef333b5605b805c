/* SPDX-License-Identifier: MIT */
#pragma once
/* Everything between a unit's configuration and exec_spawn() (exec-run.c): environment, stdio,
 * credentials (DynamicUser=), directories, and the once-per-unit notice of what the container
 * cannot apply. */
#include <stdbool.h>
#include <sys/types.h>
#include "core/forward.h"
#include "unit/exec-config.h"

int munit_spawn(MUnit *u, const ExecCommand *c, bool is_control, pid_t *ret_pid, int *ret_report_fd);
int munit_prepare_directories(MUnit *u);
void munit_remove_runtime_directories(MUnit *u);
