/* SPDX-License-Identifier: MIT */
#pragma once
/* The console: PID 1's stdout, the sink of the journal's flush (journal.c hands it whole lines
 * once the entries they show are in the journal file). Never blocks PID 1; see console.c. */
#include <stdbool.h>
#include "base/util.h"
#include "core/event.h"
#include "journal/journal-forward.h"

/* How PID 1 writes its stdout (tinysd's options --log-format=, --quiet, --show-status=,
 * --log-level= and the TINYSD_LOG_FORMAT/TINYSD_QUIET variables). */
typedef struct ConsoleSettings {
        JournalForwardFormat format;   /* short (default), json, off */
        bool show_status;              /* status lines of success ("[  OK  ] Started ...") */
        bool quiet;                    /* of PID 1's own lines only warnings and failures */
        int max_level;                 /* the manager's messages: what is logged at all */
} ConsoleSettings;
#define CONSOLE_QUIET_ENV "TINYSD_QUIET"

/* The defaults, then the environment (TINYSD_LOG_FORMAT=, TINYSD_QUIET=1): a value that does
 * not parse is named in *ret_bad (not owned) and left at its default. */
void console_settings_from_env(ConsoleSettings *s, const char **ret_bad);

/* Open a non-blocking stdout for PID 1 (e NULL: writes are tried at once, never queued for later)
 * and log the manager's messages there until the journal takes them over. */
void console_init(EventLoop *e, const ConsoleSettings *s);
/* Queue what the reader does not take at once from now on, written when it is ready. */
void console_set_loop(EventLoop *e);
/* A fatal error before the console is set up (the command line): one line on stderr, in the
 * chosen format ("tinysd: MESSAGE" in the short one). */
void console_early_error(const ConsoleSettings *s, const char *fmt, ...) _printf_(2, 3);
void console_done(void);
const ConsoleSettings *console_settings(void);
bool console_is_tty(void);
/* Whole lines (each ending in '\n'): written at once when the reader keeps up, else queued within
 * a bound; what does not fit is counted by line and the count said once the reader has caught up.
 * journaled: the lines are in the journal file. */
void console_write_lines(const char *s, size_t n, bool journaled);
/* One line of PID 1's own when there is no journal to forward it: formatted here, with the same
 * rules (format, quiet). */
void console_write_message(const JournalForwardMessage *m);
/* The log sink while there is no journal (the journal installs its own, journal.c). */
void console_log_sink(int level, const char *msg, void *userdata);
/* At run time (PID 1's signals): status lines on/off; the log level of the manager's messages. */
void console_set_show_status(bool show);
void console_set_max_level(int level);
/* The log target as systemd names it ("console", "kmsg"), reported over D-Bus (LogTarget). It
 * does not move the messages: a container has no kernel log of its own (Docker gives no /dev/kmsg,
 * a privileged container would write into the host's), so they stay on stdout and in the
 * journal, as systemd falls back to the console when it cannot open /dev/kmsg. A static string. */
void console_set_log_target(const char *target);
const char *console_log_target(void);
