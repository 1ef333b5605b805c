/* SPDX-License-Identifier: MIT */
#pragma once
/* Path units (path.c): inotify on each path and its existing ancestors. */
#include "base/ratelimit.h"
#include "core/event.h"
#include "core/forward.h"
#include "core/munit.h"

typedef enum PathState { PATH_DEAD, PATH_WAITING, PATH_RUNNING, PATH_FAILED, _PATH_STATE_MAX } PathState;
const char *path_state_to_string(PathState s);

/* A path unit's runtime (path.c): one inotify fd watching every spec's path and ancestors. */
typedef struct Path {
        MUnit meta;
        PathState state;
        int inotify_fd;
        EventSource *io;
        RateLimit trigger_limit;      /* TriggerLimitIntervalSec=/TriggerLimitBurst= */
} Path;

extern const UnitVTable path_vtable;

/* The path unit u is; NULL when u is a unit of another type. */
static inline Path *PATH(MUnit *u) {
        return u && u->vt == &path_vtable ? (Path *)u : NULL;
}
