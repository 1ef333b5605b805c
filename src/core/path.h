/* SPDX-License-Identifier: MIT */
#pragma once
/* Path units (path.c): inotify on each path and its existing ancestors. */
#include "base/ratelimit.h"
#include "core/event.h"
#include "core/forward.h"
#include "core/munit.h"

typedef enum PathState { PATH_DEAD, PATH_WAITING, PATH_RUNNING, PATH_FAILED, _PATH_STATE_MAX } PathState;
const char *path_state_to_string(PathState s);

/* Result= of a path unit, systemd 252's PathResult */
typedef enum PathResult {
        PATH_SUCCESS,
        PATH_FAILURE_RESOURCES,
        PATH_FAILURE_START_LIMIT_HIT,
        PATH_FAILURE_UNIT_START_LIMIT_HIT,
        PATH_FAILURE_TRIGGER_LIMIT_HIT,
        _PATH_RESULT_MAX,
} PathResult;
const char *path_result_to_string(PathResult r);

/* A path unit's runtime (path.c): one inotify fd watching every spec's path and ancestors. */
typedef struct Path {
        MUnit meta;
        PathState state;
        PathResult result;            /* of the last run, kept while failed */
        int inotify_fd;
        EventSource *io;
        RateLimit trigger_limit;      /* TriggerLimitIntervalSec=/TriggerLimitBurst= */
} Path;

extern const UnitVTable path_vtable;

/* The path unit u is; NULL when u is a unit of another type. */
static inline Path *PATH(MUnit *u) {
        return u && u->vt == &path_vtable ? (Path *)u : NULL;
}
