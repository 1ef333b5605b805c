/* SPDX-License-Identifier: MIT */
#pragma once
/* The container interface from the inside and the environment services get (container.c). */
#include "core/forward.h"

int container_setup(Manager *m, char **envp);
int manager_build_environment(Manager *m, char **envp);
