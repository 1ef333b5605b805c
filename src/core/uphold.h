/* SPDX-License-Identifier: MIT */
#pragma once
/* Upholds= as a lasting wish (systemd 252's start_when_upheld queue): while a unit that upholds
 * another is active and has no job, the other is started whenever it is found inactive or failed,
 * at most 16 times in 10 s (then again once that window is over). uphold.c. */
#include "core/forward.h"

/* u changed state or its job finished: check the units Upholds= ties it to, from the event loop. */
void uphold_submit(MUnit *u);
/* u goes away: its pending retry with it. */
void uphold_unit_done(MUnit *u);
