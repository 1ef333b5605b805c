/* SPDX-License-Identifier: MIT */
#pragma once
/* /dev/log datagrams, interpreted as systemd 252's server_process_syslog_message() does (flags 0):
 *
 *   1. The datagram is a C string: a NUL ends the text. Leading whitespace (" \t\n\r") is dropped;
 *      trailing whitespace and trailing NULs are dropped. A whitespace-only message becomes "".
 *   2. "<N>", "<NN>" or "<NNN>" (digits, no range check) sets facility|level; default
 *      LOG_USER|LOG_INFO. Anything else is left in the text.
 *   3. An RFC 3164 timestamp "Mmm dd hh:mm:ss " (exactly that shape, space or digit for the first
 *      digit of day/hour/minute/second) is cut off and kept, trailing space included, as
 *      SYSLOG_TIMESTAMP=.
 *   4. The first word after optional whitespace, if it ends in ':', is the identifier; "ident[pid]:"
 *      also gives the pid. One whitespace character after it is skipped. Otherwise the whole
 *      text is the message (journald 252 does NOT skip an RFC 3164 HOSTNAME, so
 *      `logger --rfc3164` gives no identifier, and it does not parse RFC 5424 at all).
 *   5. Fields, in journald's order (without _TRANSPORT=syslog, which the server adds):
 *      PRIORITY=level, SYSLOG_FACILITY=n (only when the facility is not 0), SYSLOG_IDENTIFIER=,
 *      SYSLOG_PID=, SYSLOG_TIMESTAMP=, MESSAGE=, and SYSLOG_RAW= with the whole datagram when
 *      anything was stripped in 1., the text held a NUL, or no timestamp was found.
 *
 * Extensions, off by default (tinysd's choice; not systemd 252 behaviour):
 *   JOURNAL_SYSLOG_RFC5424: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG" gives
 *     SYSLOG_IDENTIFIER=APP-NAME, SYSLOG_PID=PROCID, SYSLOG_TIMESTAMP=TIMESTAMP (each unless "-"),
 *     MESSAGE=MSG (a UTF-8 BOM removed) and SYSLOG_RAW= always (HOSTNAME, MSGID and the structured
 *     data are only there). A header that does not parse falls back to the rules above.
 *   JOURNAL_SYSLOG_HOSTNAME: after an RFC 3164 timestamp, when the first word does not end in ':'
 *     but the second is an identifier ("host ident[pid]: msg", logger --rfc3164), the first word
 *     is taken as the hostname and dropped (ambiguous with a message such as "a b: c"). */
#include <stddef.h>
#include "journal/journal-entry.h"

typedef enum JournalSyslogFlags {
        JOURNAL_SYSLOG_RFC5424 = 1 << 0,
        JOURNAL_SYSLOG_HOSTNAME = 1 << 1,
} JournalSyslogFlags;

/* Largest datagram accepted: the message and SYSLOG_RAW= both hold it. */
#define JOURNAL_SYSLOG_SIZE_MAX (JOURNAL_ENTRY_SIZE_MAX / 2 - 1024)

/* Parse one datagram of size bytes into *ret (an empty entry the caller frees with
 * journal_entry_done()); *ret_priority (optional) gets facility|level. Returns 0, -ENODATA for
 * an empty datagram (journald ignores it), -EMSGSIZE above JOURNAL_SYSLOG_SIZE_MAX, -ENOMEM,
 * -EINVAL for bad arguments; *ret is left empty on failure. */
int journal_syslog_parse(const char *buf, size_t size, unsigned flags, JournalEntry *ret, int *ret_priority);

/* journald's syslog_parse_priority(): "<N>".."<NNN>" at *p. with_facility: the value as is;
 * otherwise only 0..7 (leading zeros allowed, "<007>") replacing the level of *priority. Returns
 * 1 and advances *p, or 0. */
int journal_syslog_parse_priority(const char **p, int *priority, bool with_facility);

/* journald's syslog_parse_identifier() on the C string *p: returns the bytes consumed (0: none)
 * and sets *ret_identifier and *ret_pid (malloc'd, NULL when absent); -ENOMEM. */
int journal_syslog_parse_identifier(const char **p, char **ret_identifier, char **ret_pid);
