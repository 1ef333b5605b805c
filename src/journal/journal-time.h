/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd.time(7) timestamps as journalctl --since/--until accept them. Private to the journal
 * code until the general timestamp code in src/base/ lands; the jtime_ prefix keeps it swappable.
 *
 * Accepted: "now", "today", "yesterday", "tomorrow", "@EPOCH[.frac]", "+SPAN"/"-SPAN"/"SPAN ago"
 * (SPAN as parse_time(), seconds by default), and "[Weekday] YYYY-MM-DD|YY-MM-DD [HH:MM[:SS[.frac]]]",
 * "HH:MM[:SS[.frac]]" (today), with 'T' allowed between date and time, optionally followed by
 * " UTC" or "Z". Local time unless UTC is given. */
#include <stdint.h>

/* now: realtime usec to resolve relative forms against. 0 or -EINVAL. */
int jtime_parse_timestamp(const char *t, uint64_t now, uint64_t *ret);
