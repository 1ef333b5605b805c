/* SPDX-License-Identifier: MIT */
#pragma once
/* The copies of journal entries journald makes besides its store, as systemd 252 makes them, in
 * PID 1: nothing here ever blocks (every write is non-blocking; what does not go through is
 * counted or dropped, never waited for).
 *
 *   ForwardToSyslog= (default yes here, as Debian's journald): a datagram to DIR/syslog
 *     (/run/systemd/journal/syslog, where rsyslog's and syslog-ng's syslog.socket listen), with
 *     the sender's credentials when PID 1 may pass them. Text: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE"
 *     (local time; PRI with facility user when the entry has none; IDENT the sender's comm when
 *     the entry has no identifier; "IDENT: MESSAGE" without a sender); a /dev/log datagram is
 *     passed on as it came. MaxLevelSyslog= applies. A full socket counts the message as missed
 *     and "Forwarding to syslog missed N messages." is said at most every 30 s. Without a
 *     listener nothing is sent (one failed attempt per loop iteration at most).
 *   ForwardToKMsg= (default no): "<PRI>IDENT[PID]: MESSAGE\n" to /dev/kmsg (kernel facility
 *     never), MaxLevelKMsg=. ForwardToConsole= (default no): "IDENT[PID]: MESSAGE\n" to TTYPath=
 *     (default /dev/console), opened per line as journald does, MaxLevelConsole=.
 *     ForwardToWall= (default yes, MaxLevelWall=emerg): the message to every terminal with a
 *     login in /run/utmp, in utmp_wall()'s words. Where a container has no /dev/kmsg, no
 *     console device or no login records, that is said once, at the first message that would go
 *     there.
 *   A stdout stream's header may ask for its lines to go to syslog, kmsg or the console
 *     (JOURNAL_RELAY_* flags) even when the setting is off, as in journald. */
#include <stdbool.h>
#include <stddef.h>
#include "base/parse.h"
#include "journal/journal-client.h"
#include "journal/journald-conf.h"

typedef enum JournalRelayFlags {
        JOURNAL_RELAY_SYSLOG = 1 << 0,
        JOURNAL_RELAY_KMSG = 1 << 1,
        JOURNAL_RELAY_CONSOLE = 1 << 2,
} JournalRelayFlags;

typedef struct JournalRelayMessage {
        int priority;                  /* facility|level */
        const char *identifier;        /* NULL: the sender's comm */
        const char *message;           /* message_len bytes; sent up to a NUL, as journald's C string */
        size_t message_len;
        const JournalCreds *creds;     /* NULL or pid 0: no sender */
        usec_t realtime;               /* 0: now */
        const char *raw;               /* a /dev/log datagram: passed to syslog as it came */
        size_t raw_len;
        unsigned flags;                /* JournalRelayFlags a stream's header asked for */
} JournalRelayMessage;

/* Say one of the relay's own messages (the server stores it as journald's, _TRANSPORT=driver). */
typedef void (*journal_relay_say_fn)(int priority, const char *message_id, const char *text, void *userdata);

typedef struct JournalRelay JournalRelay;

int journal_relay_new(const JournaldConfig *c, journal_relay_say_fn say, void *userdata, JournalRelay **ret);
/* Where the syslog socket is: DIR/syslog (set when the server's sockets are opened; NULL: none). */
int journal_relay_set_dir(JournalRelay *r, const char *dir);
/* Override /dev/kmsg and /run/utmp (tests). */
void journal_relay_set_paths(JournalRelay *r, const char *kmsg, const char *utmp, const char *dev);
void journal_relay_message(JournalRelay *r, const JournalRelayMessage *m);
/* Whether a message of this priority (with a stream's flags) would be copied anywhere now: the
 * caller need not even look up its fields otherwise (every entry asks). */
bool journal_relay_wanted(const JournalRelay *r, int priority, unsigned flags);
/* Once per loop iteration: retry an absent syslog socket next time; say what was missed (at most
 * every 30 s). */
void journal_relay_tick(JournalRelay *r);
unsigned journal_relay_syslog_missed(const JournalRelay *r);   /* not yet said */
JournalRelay *journal_relay_free(JournalRelay *r);
