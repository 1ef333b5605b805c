/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include "core/event.h"
#include "core/forward.h"
/* Route log messages and status lines to the console (PID 1's stdout), non-blocking. */
void console_init(EventLoop *e, bool show_status, int max_level);
void console_done(void);
/* Queue bytes (whole lines) for stdout: written at once when possible, else queued within a bound;
 * what does not fit is counted and the count printed once the reader catches up. */
void console_write(const char *s, size_t n);
/* Journal status lines (with UNIT=) and log messages there too; NULL: stop. */
void console_set_journal(JournalServer *j);

/* systemd's "[  OK  ] Started foo.service - Foo." lines. */
typedef enum StatusKind { STATUS_OK, STATUS_FAILED, STATUS_DEPEND, STATUS_TIME, STATUS_INFO, STATUS_WARN } StatusKind;
void manager_status(Manager *m, StatusKind k, MUnit *u, const char *fmt_prefix, const char *suffix);
void manager_status_line(Manager *m, StatusKind k, const char *text);
