/* SPDX-License-Identifier: MIT */
#pragma once
/* One log message formatted for the container's stdout (PID 1 forwards every message there).
 *
 * Selection: the environment variable JOURNAL_FORWARD_FORMAT_ENV ("TINYSD_LOG_FORMAT") holds
 * "short" (default), "json" or "off"; journal_forward_format_from_string() parses it (the lookup
 * is the caller's).
 *
 * short: "NAME[PID]: MESSAGE\n". NAME is the unit ("foo.service") when known, else the syslog
 *   identifier, else "unknown"; "[PID]" is left out when the pid is 0. A status line of the
 *   manager is systemd's console line instead: "[  OK  ] MESSAGE", "[FAILED] ...", "[DEPEND] ...",
 *   "[ TIME ] ...", "[ WARN ] ..." (the tag coloured as systemd's when `color`), or nine spaces
 *   and MESSAGE for an information line ("Welcome to ..."). Continuation lines of a
 *   multi-line message are indented by the width of "NAME[PID]: " (as journalctl does) so one
 *   message stays recognisable; other control characters (but TAB), DEL and bytes that are not
 *   valid UTF-8 are written as "\xNN".
 * json: one JSON object per line with the keys, in this order, "timestamp" (RFC 3339 UTC with
 *   microseconds, "2024-05-01T12:00:00.000123Z"), "unit" (the writer's unit, else the unit a line of
 *   the manager is about, else null), "identifier" (null when unknown), "pid" (null when 0),
 *   "priority" (the level 0..7), "message", and for a status line "status" ("OK", "FAILED",
 *   "DEPEND", "TIME", "WARN", "INFO"). Strings are escaped per RFC 8259:
 *   '"', '\\', \b \f \n \r \t by name, other control characters as \u00XX; every byte that
 *   is not part of valid UTF-8 (overlong forms, surrogates, above U+10FFFF, truncated sequences)
 *   becomes U+FFFD, written \ufffd, so the output is always valid UTF-8 JSON. A NUL in the message
 *   is written \u0000.
 *
 * Bounded output: the line is written into buf of size bytes (NUL-terminated). When the message
 * does not fit, it is cut at a character boundary so that the line is still complete (the JSON
 * still valid, the newline still there) and "…" (U+2026) marks the cut. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JOURNAL_FORWARD_FORMAT_ENV "TINYSD_LOG_FORMAT"
/* Smallest buffer journal_forward_format() accepts: room for the fixed part of a JSON line with
 * a 256-byte unit and identifier, all escaped. */
#define JOURNAL_FORWARD_BUF_MIN 4096U

typedef enum JournalForwardFormat {
        JOURNAL_FORWARD_SHORT,
        JOURNAL_FORWARD_JSON,
        JOURNAL_FORWARD_OFF,
} JournalForwardFormat;

/* "short", "json", "off" (exactly, lower case) → the format; -EINVAL otherwise (NULL too). */
int journal_forward_format_from_string(const char *s);
const char *journal_forward_format_to_string(JournalForwardFormat f);

/* The manager's status lines ("[  OK  ] Started foo.service - Foo."), as systemd prints them. */
typedef enum JournalForwardStatus {
        JOURNAL_FORWARD_STATUS_NONE,    /* not a status line */
        JOURNAL_FORWARD_STATUS_OK,
        JOURNAL_FORWARD_STATUS_FAILED,
        JOURNAL_FORWARD_STATUS_DEPEND,
        JOURNAL_FORWARD_STATUS_TIME,
        JOURNAL_FORWARD_STATUS_WARN,
        JOURNAL_FORWARD_STATUS_INFO,    /* "Welcome to ...": indented, no tag */
} JournalForwardStatus;

typedef struct JournalForwardMessage {
        const char *unit;         /* the writer's unit; NULL: unknown */
        const char *object_unit;  /* NULL, or the unit a line of the manager is about (UNIT=) */
        const char *identifier;   /* NULL: unknown */
        pid_t pid;                /* 0: unknown */
        int priority;             /* facility|level; only the level (priority & 7) is written */
        uint64_t timestamp_usec;  /* CLOCK_REALTIME, µs since the epoch */
        const char *message;      /* message_len bytes, binary-safe */
        size_t message_len;
        JournalForwardStatus status;
        bool color;               /* short: status tags in systemd's colours (a terminal) */
} JournalForwardMessage;

/* Write m as one line (with its '\n') into buf. Returns the length written (without the NUL; 0
 * for JOURNAL_FORWARD_OFF), -ENOBUFS when size < JOURNAL_FORWARD_BUF_MIN, -EINVAL. */
ssize_t journal_forward_format(JournalForwardFormat f, const JournalForwardMessage *m, char *buf, size_t size);
