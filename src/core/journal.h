/* SPDX-License-Identifier: MIT */
#pragma once
/* The journal server wired to the manager (journal.c): store, sockets, forwarding. Setup at boot;
 * drain after the loop (what clients sent last still reaches stdout); done last (closes the
 * store). */
#include "core/forward.h"

int manager_setup_journal(Manager *m);
void manager_journal_drain(Manager *m);
void manager_journal_done(Manager *m);
