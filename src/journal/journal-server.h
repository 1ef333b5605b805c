/* SPDX-License-Identifier: MIT */
#pragma once
/* PID 1's journal server: what journald does for a container, in PID 1's event loop.
 *
 *   - Every message (service output, the native, stdout and syslog sockets, the manager's own
 *     lines) becomes one JournalEntry stamped with the trusted fields journald adds (_PID, _UID,
 *     _GID, _COMM, _EXE, _CMDLINE, _SYSTEMD_UNIT, _SYSTEMD_INVOCATION_ID, _TRANSPORT, _BOOT_ID,
 *     _MACHINE_ID, _HOSTNAME), is appended to the store and forwarded to stdout as one line
 *     (journal-forward.c) through the forward hook.
 *   - The store is optional: when it cannot be opened or a write fails, forwarding goes on and
 *     the failure is said once (and once more when writes work again).
 *   - Sockets (journal_server_open_sockets()): DIR/socket (native, datagram), DIR/stdout (stream
 *     protocol with its header), DIR/dev-log (syslog datagrams), each with SO_PASSCRED and
 *     SO_TIMESTAMP; all reads are non-blocking and bounded per wake-up.
 *   - Rate limiting per unit (journald's RateLimitIntervalSec=/RateLimitBurst= and the unit's
 *     LogRateLimit*=), a fixed window; "Suppressed N messages from UNIT" when the next window
 *     opens. The unit's LogLevelMax= drops messages above it, LogExtraFields= are added.
 *
 * The server knows nothing of the manager: it asks the unit_lookup hook for a sender's unit. */
#include <stdbool.h>
#include <sys/types.h>
#include "core/event.h"
#include "journal/journal-entry.h"
#include "journal/journal-stream.h"
#include "journal/journald-conf.h"

#define JOURNAL_SERVER_DIR "/run/systemd/journal"
#define JOURNAL_SERVER_STREAMS_MAX 256U      /* open DIR/stdout connections (journald: 4096) */
#define JOURNAL_SERVER_DGRAM_MAX (2U * 1024U * 1024U)  /* largest datagram read whole */
#define JOURNAL_SERVER_READS_PER_WAKEUP 64U

/* What the manager says about a unit (pointers borrowed until the server's next hook call). */
typedef struct JournalUnitInfo {
        const char *unit;              /* the unit's id */
        const char *invocation_id;     /* NULL or 32 hex digits */
        int log_level_max;             /* LogLevelMax=, -1 unset */
        bool forward;                  /* to stdout (X-Tinysd-ForwardToConsole=) */
        usec_t ratelimit_interval;     /* LogRateLimitIntervalSec=, */
        unsigned ratelimit_burst;      /* LogRateLimitBurst=: both 0 = the server's setting */
        char *const *extra_fields;     /* LogExtraFields= "NAME=value" */
} JournalUnitInfo;

typedef struct JournalServerHooks {
        /* The unit of `name` (when non-NULL) or else of process `pid`; false: no unit. */
        bool (*unit_lookup)(pid_t pid, const char *name, JournalUnitInfo *ret, void *userdata);
        /* One formatted line (with '\n') for stdout; must not block. */
        void (*forward)(const char *line, size_t len, void *userdata);
        void *userdata;
} JournalServerHooks;

/* A sender: credentials plus what /proc said about it. */
typedef struct JournalCreds {
        pid_t pid;                     /* 0: unknown (no other field then) */
        uid_t uid;
        gid_t gid;
        char *comm, *exe, *cmdline;    /* owned; NULL when unknown */
} JournalCreds;

/* Fill c from pid/uid/gid and proc_root/PID/{comm,exe,cmdline} (proc_root NULL: "/proc"); a
 * process that is gone leaves those NULL. _CMDLINE is the argv joined by spaces, bounded. */
int journal_creds_read(JournalCreds *c, const char *proc_root, pid_t pid, uid_t uid, gid_t gid);
void journal_creds_done(JournalCreds *c);
/* Add _PID= _UID= _GID= _COMM= _EXE= _CMDLINE= (what is known) as trusted fields. */
int journal_creds_add_fields(const JournalCreds *c, JournalEntry *e);

/* Where an entry came from. */
typedef struct JournalOrigin {
        const char *transport;         /* _TRANSPORT= value: stdout, journal, syslog, driver */
        const JournalCreds *creds;     /* NULL: none */
        const char *unit;              /* the unit when the caller knows it, else looked up by pid */
        const char *stream_id;         /* _STREAM_ID= or NULL */
        usec_t realtime;               /* 0: now */
        bool no_forward;               /* stored only (the manager printed it already) */
} JournalOrigin;

typedef struct JournalServer JournalServer;

int journal_server_new(EventLoop *e, const JournaldConfig *config, int forward_format,
                       const JournalServerHooks *hooks, JournalServer **ret);
/* Open the store as configured (Storage=, limits) in the default directory, or in `dir` when
 * non-NULL. Failure is logged once and leaves the server without a store. */
int journal_server_open_store(JournalServer *s, const char *dir);
/* Bind dir/socket, dir/stdout, dir/dev-log; link dev_log (e.g. "/dev/log", NULL: none) to the
 * last. Each failure is logged once; returns the number of sockets open. */
int journal_server_open_sockets(JournalServer *s, const char *dir, const char *dev_log);
/* Stamp e (client fields) with the trusted fields and store and forward it. Consumes e. */
int journal_server_dispatch(JournalServer *s, JournalEntry *e, int priority, const JournalOrigin *o);
/* One line of a stdout stream (journal-stream's callback arguments) with its stream's identity. */
int journal_server_stream_line(JournalServer *s, const JournalOrigin *o, const char *identifier,
                               const char *line, size_t len, int priority, JournalLineBreak lb);
/* The manager's own message, as systemd's: _PID= ours, SYSLOG_IDENTIFIER=systemd, UNIT= (may be
 * NULL), MESSAGE_ID= (may be NULL); forward: also to stdout. */
int journal_server_log_manager(JournalServer *s, int priority, const char *unit, const char *message_id,
                               const char *message, bool forward);
/* Read what the sockets still hold (at shutdown), bounded. */
void journal_server_drain(JournalServer *s);
/* Write the journal entries buffered so far (otherwise done before PID 1 waits for events). */
void journal_server_flush(JournalServer *s);
bool journal_server_has_store(const JournalServer *s);
/* Close sockets and streams (flushing them), then the store, last. */
JournalServer *journal_server_free(JournalServer *s);

/* The machine id: /etc/machine-id, else /run/machine-id, else a random one written to
 * /run/machine-id (systemd's machine-id-setup in a container with a read-only /etc). */
int journal_machine_id_setup(const char *root, char ret[static 33]);
