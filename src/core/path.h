/* SPDX-License-Identifier: MIT */
#pragma once
/* Path units (path.c): inotify on each path and its existing ancestors. */
#include "base/ratelimit.h"
#include "core/event.h"
#include "core/forward.h"

typedef enum PathState { PATH_DEAD, PATH_WAITING, PATH_RUNNING, PATH_FAILED, _PATH_STATE_MAX } PathState;
const char *path_state_to_string(PathState s);

/* Runtime of a path unit (path.c): one inotify fd watching every spec's path and ancestors. */
typedef struct PathRuntime {
        PathState state;
        int inotify_fd;
        EventSource *io;
        RateLimit trigger_limit;      /* TriggerLimitIntervalSec=/TriggerLimitBurst= */
} PathRuntime;

int path_start(MUnit *u);
int path_stop(MUnit *u);
void path_init_runtime(MUnit *u);
void path_done_runtime(MUnit *u);
void path_reset_failed(MUnit *u);
void path_trigger_notify(MUnit *path, MUnit *other);
