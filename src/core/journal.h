/* SPDX-License-Identifier: MIT */
#pragma once
/* The journal server wired to the manager (journal.c): store, sockets, forwarding. Setup at boot;
 * drain after the loop (what clients sent last still reaches stdout); done last (closes the
 * store). */
#include "core/forward.h"

struct JournalUnitInfo;
/* The unit's log settings for the journal (pointers into u, valid until the journal copies them). */
void journal_unit_info(const MUnit *u, struct JournalUnitInfo *ret);

/* systemd's "[  OK  ] Started foo.service - Foo." lines: journaled as systemd's, and forwarded to
 * the console by the journal like every other line. */
typedef enum StatusKind { STATUS_OK, STATUS_FAILED, STATUS_DEPEND, STATUS_TIME, STATUS_INFO, STATUS_WARN } StatusKind;
void manager_status(Manager *m, StatusKind k, MUnit *u, const char *fmt_prefix, const char *suffix);
void manager_status_line(Manager *m, StatusKind k, const char *text);

int manager_setup_journal(Manager *m);
void manager_journal_drain(Manager *m);
void manager_journal_done(Manager *m);
