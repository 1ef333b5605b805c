/* SPDX-License-Identifier: MIT */
#pragma once
/* journald's stdout stream protocol (/run/systemd/journal/stdout; systemd-cat, services with
 * StandardOutput=journal), as systemd 252's journald-stream.c reads it. A pure state machine: the
 * caller feeds whatever bytes read() returned and gets one callback per log line.
 *
 * Header: seven lines, each stripped of whitespace at both ends and ended by '\n' (a NUL, the
 * end of the stream or 255 bytes without '\n' are errors here):
 *   1. identifier (empty: none)          2. unit id (used only when trusted and a valid plain or
 *   3. priority: an integer 0..999          instance unit name; journald trusts uid 0 only)
 *      (facility << 3 | level; C-style   4. level_prefix    5. forward_to_syslog
 *      "0x"/"0" and "0b"/"0o" prefixes)  6. forward_to_kmsg 7. forward_to_console   (booleans:
 *                                           1/yes/y/true/t/on, 0/no/n/false/f/off, any case)
 * sd_journal_stream_fd() (systemd-cat) sends "IDENT\n\nP\nL\n0\n0\n0\n" (IDENT "" when not set,
 * P the level 0..7, L 1 unless --level-prefix=no); systemd 252 for a service sends
 * "IDENT\nUNIT-or-empty\nSyslogFacility|Level\nLEVEL_PREFIX\n0\nKMSG\nCONSOLE\n".
 *
 * Lines: ended by '\n', by a NUL, by reaching line_max bytes (the line is split, never dropped:
 * the rest starts the next line), by journal_stream_end() (end of stream) or
 * journal_stream_pid_change(). Each line loses its trailing whitespace (" \t\n\r", so a CR
 * before '\n' goes) unless the line is whitespace only (journald keeps "\r" or "  " as is).
 * With level_prefix, "<N>" (N 0..7, also "<0N>", "<00N>") at the very start replaces the level.
 * What is then empty is not logged. The result never contains a NUL or '\n'. */
#include <stdbool.h>
#include <stddef.h>

#define JOURNAL_STREAM_LINE_MAX_DEFAULT (48U * 1024U)  /* journald.conf LineMax=48K */
#define JOURNAL_STREAM_LINE_MAX_MIN 79U                /* journald clamps LineMax= to this */
#define JOURNAL_STREAM_LINE_MAX_MAX (16U * 1024U * 1024U)
#define JOURNAL_STREAM_SETUP_LINE_MAX 255U             /* header lines: UNIT_NAME_MAX - 1 */
#define JOURNAL_STREAM_BUF_MIN 128U                    /* the line buffer's first allocation */
#define JOURNAL_STREAM_BUF_KEEP 1024U                  /* larger ones are freed when no line is pending */

typedef enum JournalLineBreak {
        JOURNAL_LINE_BREAK_NEWLINE,
        JOURNAL_LINE_BREAK_NUL,
        JOURNAL_LINE_BREAK_LINE_MAX,
        JOURNAL_LINE_BREAK_EOF,
        JOURNAL_LINE_BREAK_PID_CHANGE,
} JournalLineBreak;

/* The value journald stores as _LINE_BREAK= ("nul", "line-max", "eof", "pid-change"); NULL for
 * NEWLINE (no field) and out-of-range values. */
const char *journal_line_break_to_string(JournalLineBreak b);

/* Why a stream's header was refused (journald closes such a stream). */
typedef enum JournalStreamError {
        JOURNAL_STREAM_ERROR_NONE,
        JOURNAL_STREAM_ERROR_NOT_TERMINATED,   /* a header line ended by NUL, EOF or 255 bytes */
        JOURNAL_STREAM_ERROR_PRIORITY,
        JOURNAL_STREAM_ERROR_LEVEL_PREFIX,
        JOURNAL_STREAM_ERROR_FORWARD_TO_SYSLOG,
        JOURNAL_STREAM_ERROR_FORWARD_TO_KMSG,
        JOURNAL_STREAM_ERROR_FORWARD_TO_CONSOLE,
} JournalStreamError;

typedef struct JournalStreamHeader {
        char *identifier;     /* owned; NULL when empty */
        char *unit_id;        /* owned; NULL unless trusted and valid */
        int priority;         /* facility << 3 | level, 0..999 */
        bool level_prefix, forward_to_syslog, forward_to_kmsg, forward_to_console;
} JournalStreamHeader;

/* One log line: line[0..len) (NUL-terminated at len, valid only during the call), priority is
 * the header's with the level replaced by a "<N>" prefix. A negative return makes
 * journal_stream_feed()/end() return it (the stream should then be closed). */
typedef int (*journal_stream_line_cb)(const char *line, size_t len, int priority, JournalLineBreak lb,
                                      void *userdata);

typedef struct JournalStream {
        int state;                 /* header lines read so far; 7: running */
        int error;                 /* sticky: the first error */
        JournalStreamError header_error;   /* with -EBADMSG: which header line */
        int header_errno;          /* and why (-EINVAL, -ERANGE) */
        bool trust_unit_id;
        size_t line_max;
        JournalStreamHeader header;
        char *buf;                 /* the pending line; NULL until a byte is kept; grows on demand */
        size_t cap;                /* bytes at buf, at most max(line_max, SETUP_LINE_MAX) + 1 */
        size_t len;
        journal_stream_line_cb cb;
        void *userdata;
} JournalStream;

/* Prepare *s. line_max 0 means JOURNAL_STREAM_LINE_MAX_DEFAULT; others are clamped to
 * [JOURNAL_STREAM_LINE_MAX_MIN, JOURNAL_STREAM_LINE_MAX_MAX] (journald clamps LineMax= to 79 below;
 * its upper clamp is SSIZE_MAX-1, tinysd's 16 MiB keeps PID 1's per-stream buffer bounded).
 * preset NULL: the stream starts with the 7-line header (a socket). preset non-NULL: no header
 * is read, its values are copied (a pipe PID 1 set up itself). trust_unit_id: accept line 2
 * (pass peer uid == 0). Returns 0, -ENOMEM, -EINVAL. */
int journal_stream_init(JournalStream *s, size_t line_max, const JournalStreamHeader *preset, bool trust_unit_id,
                        journal_stream_line_cb cb, void *userdata);
/* Feed n bytes (the line buffer grows as a pending line needs it). Returns 0, or a negative
 * errno: -EBADMSG for a broken header (journald closes the stream), the callback's error,
 * -ENOMEM. Errors are sticky. */
int journal_stream_feed(JournalStream *s, const void *data, size_t n);
/* The peer's pid changed (SCM_CREDENTIALS): flush a partial line as PID_CHANGE. */
int journal_stream_pid_change(JournalStream *s);
/* The reader must give memory back: flush a partial line as if LineMax had been reached
 * (_LINE_BREAK=line-max; nothing is dropped) and free its buffer. Nothing happens in the header. */
int journal_stream_cut(JournalStream *s);
/* End of stream: flush a partial line as EOF. A stream that ends inside its header yields
 * -EBADMSG when a partial header line is pending, 0 otherwise. */
int journal_stream_end(JournalStream *s);
bool journal_stream_running(const JournalStream *s);  /* header complete */
/* journald 252's warning for a refused header ("Failed to parse log priority line: Invalid
 * argument", "Control protocol line not properly terminated.", ...); "" when there is none.
 * snprintf()'s return. */
int journal_stream_error_message(const JournalStream *s, char *buf, size_t size);
void journal_stream_done(JournalStream *s);
void journal_stream_header_done(JournalStreamHeader *h);
