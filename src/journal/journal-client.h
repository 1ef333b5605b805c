/* SPDX-License-Identifier: MIT */
#pragma once
/* Who sent a journal message, as the server records it:
 *
 *   - JournalCreds: the sender's pid/uid/gid as the kernel gave them (SCM_CREDENTIALS or
 *     SO_PEERCRED) and what /proc said about that process (_COMM, _EXE, _CMDLINE);
 *   - JournalContext: the sender's unit and that unit's log settings (LogLevelMax=,
 *     LogExtraFields=, LogRateLimit*=, X-Tinysd-ForwardToConsole=), resolved once and COPIED:
 *     nothing here points into configuration that a daemon-reload can replace;
 *   - JournalUnitInfo: what the manager answers when asked about a unit (borrowed pointers, valid
 *     during the call only); journal_context_set() copies it. */
#include <stdbool.h>
#include <sys/types.h>
#include "base/parse.h"
#include "journal/journal-entry.h"

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

typedef struct JournalContext {
        char *unit;                    /* owned; NULL: no unit (then the fields below are defaults) */
        char invocation_id[33];        /* "" when unknown */
        int log_level_max;             /* -1: none */
        bool forward;                  /* to stdout */
        usec_t ratelimit_interval;
        unsigned ratelimit_burst;
        char **extra_fields;           /* owned copy, NULL when none */
} JournalContext;

/* A context without a unit: nothing dropped, forwarded, the server's rate limit. */
#define JOURNAL_CONTEXT_NONE ((JournalContext) { .log_level_max = -1, .forward = true })

/* Copy ui into c (ui NULL: JOURNAL_CONTEXT_NONE); c's previous contents are freed. -ENOMEM leaves
 * c as JOURNAL_CONTEXT_NONE. */
int journal_context_set(JournalContext *c, const JournalUnitInfo *ui);
void journal_context_done(JournalContext *c);
