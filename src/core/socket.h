/* SPDX-License-Identifier: MIT */
#pragma once
/* Socket units (socket.c): the listening fds, activation of the service (Accept=no) or of one
 * instance per connection (Accept=yes), and the fds a triggered service gets. */
#include <stdbool.h>
#include <stddef.h>
#include "base/ratelimit.h"
#include "core/event.h"
#include "core/forward.h"
#include "core/exec-run.h"
#include "core/munit.h"
#include "unit/socket-config.h"

/* systemd's socket states (systemctl show SubState=) and results. */
typedef enum SocketState {
        SOCKET_DEAD, SOCKET_START_PRE, SOCKET_START_POST, SOCKET_LISTENING, SOCKET_RUNNING,
        SOCKET_STOP_PRE, SOCKET_STOP_POST, SOCKET_FAILED, _SOCKET_STATE_MAX,
} SocketState;
const char *socket_state_to_string(SocketState s);

typedef enum SocketResult {
        SOCKET_SUCCESS, SOCKET_FAILURE_RESOURCES, SOCKET_FAILURE_TIMEOUT, SOCKET_FAILURE_EXIT_CODE,
        SOCKET_FAILURE_SIGNAL, SOCKET_FAILURE_CORE_DUMP, SOCKET_FAILURE_START_LIMIT_HIT,
        SOCKET_FAILURE_TRIGGER_LIMIT_HIT, SOCKET_FAILURE_SERVICE_START_LIMIT_HIT, _SOCKET_RESULT_MAX,
} SocketResult;
const char *socket_result_to_string(SocketResult r);

/* A socket unit's runtime (socket.c). */
typedef struct Socket {
        MUnit meta;
        SocketState state;
        SocketResult result;
        int *fds;                    /* one per SocketPort, -1 where a port could not be opened */
        EventSource **io;
        size_t n_fds;
        pid_t control_pid;           /* ExecStartPre= ... */
        ExecCommandRef control_cmd;  /* the command of the control process, its list */
        EventSource *control_watch, *timer;
        bool timeout_killed;         /* the control process got KillSignal= after its timeout */
        unsigned n_accepted, n_connections;
        RateLimit trigger_limit;     /* TriggerLimitIntervalSec=/TriggerLimitBurst= */
} Socket;

extern const UnitVTable socket_vtable;

/* The socket unit u is; NULL when u is a unit of another type. */
static inline Socket *SOCKET(MUnit *u) {
        return u && u->vt == &socket_vtable ? (Socket *)u : NULL;
}
static inline const Socket *SOCKET_CONST(const MUnit *u) {
        return u && u->vt == &socket_vtable ? (const Socket *)u : NULL;
}

/* The listening fds a service gets (Accept=no sockets that trigger it, in TriggeredBy= order),
 * with LISTEN_FDNAMES= names. Borrowed fds; the caller frees the arrays (not the strings). */
int socket_collect_fds(MUnit *svc, int **ret_fds, const char ***ret_names, size_t *ret_n);
/* An Accept=yes instance of this socket is gone: its connection is counted out. */
void socket_connection_done(MUnit *socket);
