/* SPDX-License-Identifier: MIT */
#pragma once
/* PID 1's journal server: what journald does for a container, in PID 1's event loop. One path
 * for every log line:
 *
 *   source ─→ entry ─→ LogLevelMax= ─→ syslog/kmsg/console/wall copies (journal-relay.h)
 *                          ─→ rate limit ─→ trusted fields ─→ store batch + stdout batch
 *   before the loop sleeps (or when a batch is full): the store's write, then the stdout lines to
 *   the sink (PID 1's console), so a line seen on stdout is already in the journal file.
 *
 *   - Sources: service stdout/stderr streams the server makes for PID 1's spawns
 *     (journal_server_add_stream()), DIR/stdout clients (systemd-cat; the stream protocol with
 *     its header), DIR/socket (native datagrams, sealed memfds), DIR/dev-log (syslog datagrams),
 *     and the manager's own status lines and messages (journal_server_log_manager()). One reader
 *     serves every stream: SO_PASSCRED, so each line carries its writer's credentials (a child
 *     that inherited a service's stdout is itself, not the service's main process).
 *   - Who sent it: the kernel's credentials, /proc for _COMM/_EXE/_CMDLINE, and the unit's log
 *     settings resolved ONCE when a stream is made or a sender first seen (journal-client.h): the
 *     server keeps copies, never pointers into configuration a daemon-reload replaces. A
 *     client's '_' fields are refused; the trusted ones are added last by the server.
 *   - journald's limits and words: 4,096 stdout connections (within PID 1's open-file budget;
 *     uid 0 keeps JOURNAL_SERVER_STREAMS_ROOT_RESERVE of them), LineMax=, 1,024 fields, entries up
 *     to JOURNAL_ENTRY_SIZE_MAX, datagrams and memfds up to JOURNAL_SERVER_DGRAM_MAX; what is
 *     refused or dropped is said in journald 252's words, each kind at most once a minute with the
 *     count of what was not said ("... (Dropped N similar message(s))").
 *   - The store is optional: when it cannot be opened or a write fails, forwarding goes on and
 *     the failure is said once (and once more when writes work again).
 *   - Rate limiting per unit (journald's RateLimitIntervalSec=/RateLimitBurst= and the unit's
 *     LogRateLimit*=), a fixed window; "Suppressed N messages from UNIT" when the next window
 *     opens.
 *
 * The server knows nothing of the manager: it asks the unit_lookup hook about a sender's unit and
 * hands the stdout lines to the sink hook. */
#include <stdbool.h>
#include <sys/types.h>
#include "core/event.h"
#include "journal/journal-client.h"
#include "journal/journal-entry.h"
#include "journal/journal-forward.h"
#include "journal/journal-stream.h"
#include "journal/journald-conf.h"

#define JOURNAL_SERVER_DIR "/run/systemd/journal"
#define JOURNAL_SERVER_STREAMS_MAX 4096U            /* DIR/stdout connections at once (journald's) */
#define JOURNAL_SERVER_STREAMS_ROOT_RESERVE 64U     /* of those, only uid 0 gets the last ones */
#define JOURNAL_SERVER_DGRAM_MAX (2U * 1024U * 1024U)  /* largest datagram or memfd read */
#define JOURNAL_SERVER_READS_PER_WAKEUP 64U
#define JOURNAL_SERVER_NOTICE_INTERVAL (60 * USEC_PER_SEC)
#define JOURNAL_SERVER_FORWARD_BATCH (64U * 1024U)  /* stdout lines handed over at once */
/* Pending (unterminated) lines of all streams together: 4,096 streams each holding a line just
 * short of LineMax would be 192 MiB of PID 1; beyond this, a stream's partial line is logged as
 * if LineMax had been reached (split, never dropped) and its buffer freed. */
#define JOURNAL_SERVER_STREAM_BUFFERS_MAX (16U * 1024U * 1024U)

typedef struct JournalServerHooks {
        /* The unit of `name` (when non-NULL) or else of process `pid`; false: no unit. */
        bool (*unit_lookup)(pid_t pid, const char *name, JournalUnitInfo *ret, void *userdata);
        /* Whole lines for stdout (each ends in '\n'), called after the store's write of the entries
         * they show; `stored`: every one of them is in the store. Must not block. */
        void (*sink)(const char *lines, size_t len, bool stored, void *userdata);
        void *userdata;
} JournalServerHooks;

/* How lines are written for stdout (journal-forward.h). */
typedef struct JournalServerOutput {
        JournalForwardFormat format;
        bool color;                    /* status tags coloured (stdout is a terminal) */
        bool quiet;                    /* of PID 1's own lines only warnings and worse */
} JournalServerOutput;

/* Where an entry came from. */
typedef struct JournalOrigin {
        const char *transport;         /* _TRANSPORT= value: stdout, journal, syslog, driver */
        bool manager;                  /* PID 1's own line (the manager's or the server's) */
        const JournalCreds *creds;     /* NULL: none */
        const JournalContext *context; /* the sender's unit and settings; NULL: none */
        const char *stream_id;         /* _STREAM_ID= or NULL */
        usec_t realtime;               /* 0: now */
        bool no_forward;               /* not to stdout */
        JournalForwardStatus status;   /* the manager's status lines: their console form */
        const char *object_unit;       /* the manager's lines: the unit they are about (UNIT=) */
        unsigned relay;                /* JournalRelayFlags a stream's header asked for */
        const char *syslog_raw;        /* a /dev/log datagram, passed on to syslog as it came */
        size_t syslog_raw_len;
} JournalOrigin;

typedef struct JournalServer JournalServer;

int journal_server_new(EventLoop *e, const JournaldConfig *config, const JournalServerOutput *output,
                       const JournalServerHooks *hooks, JournalServer **ret);
/* Open the store as configured (Storage=, limits) in the default directory, or in `dir` when
 * non-NULL. Failure is logged once and leaves the server without a store. */
int journal_server_open_store(JournalServer *s, const char *dir);
/* Bind dir/socket, dir/stdout, dir/dev-log; link dev_log (e.g. "/dev/log", NULL: none) to the
 * last; syslog copies go to dir/syslog. Each failure is logged once; returns the number of
 * sockets open. */
int journal_server_open_sockets(JournalServer *s, const char *dir, const char *dev_log);

/* A service's stdout/stderr stream (StandardOutput=journal): PID 1 gives the writing end to the
 * process it spawns; the server reads the other end like a DIR/stdout client whose header was
 * already sent. Everything is copied: the settings may be freed after the call. */
typedef struct JournalStreamSettings {
        const JournalUnitInfo *unit;   /* the unit and its log settings */
        const char *identifier;        /* SyslogIdentifier=, else the command's name */
        int priority;                  /* SyslogFacility= | SyslogLevel= */
        bool level_prefix;             /* SyslogLevelPrefix= */
        unsigned relay;                /* JournalRelayFlags: StandardOutput=kmsg, journal+console */
} JournalStreamSettings;
/* *ret_fd: the writing end (the caller closes it once the process is spawned). */
int journal_server_add_stream(JournalServer *s, const JournalStreamSettings *settings, int *ret_fd);

/* Stamp e (client fields) with the trusted fields and store and forward it. Consumes e. */
int journal_server_dispatch(JournalServer *s, JournalEntry *e, int priority, const JournalOrigin *o);
/* One line of a stdout stream (journal-stream's callback arguments) with its stream's identity. */
int journal_server_stream_line(JournalServer *s, const JournalOrigin *o, const char *identifier,
                               const char *line, size_t len, int priority, JournalLineBreak lb);
/* The manager's own message, as systemd's: _PID= ours, SYSLOG_IDENTIFIER=systemd, UNIT= (may be
 * NULL), MESSAGE_ID= (may be NULL); status: a status line's console form; forward: also to stdout. */
int journal_server_log_manager(JournalServer *s, int priority, const char *unit, const char *message_id,
                               JournalForwardStatus status, const char *message, bool forward);
/* Read what the sockets and streams still hold (at shutdown), bounded; then flush. */
void journal_server_drain(JournalServer *s);
/* Write the entries buffered so far, then hand the stdout lines to the sink (otherwise done
 * before PID 1 waits for events). */
void journal_server_flush(JournalServer *s);
bool journal_server_has_store(const JournalServer *s);
/* Stdout streams open: client connections and services' streams; *ret_pending (optional): the bytes
 * their line buffers hold together. */
unsigned journal_server_n_streams(const JournalServer *s, unsigned *ret_clients, size_t *ret_pending);
/* Close sockets and streams (reading them first), say what is still counted, flush, close the
 * store last. */
JournalServer *journal_server_free(JournalServer *s);

