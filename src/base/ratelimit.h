/* SPDX-License-Identifier: MIT */
#pragma once
/* A fixed-window rate limit, as systemd's ratelimit_below(): the window starts with the first
 * event; while it lasts at most `burst` events pass. Serves StartLimit*= and TriggerLimit*=. */
#include <stdbool.h>
#include "base/parse.h"

typedef struct RateLimit {
        usec_t begin;       /* 0: no window yet */
        unsigned count;
} RateLimit;

/* True if this event is allowed (and counted). interval or burst 0: no limit. */
bool ratelimit_below(RateLimit *rl, usec_t interval, unsigned burst, usec_t now);
static inline void ratelimit_reset(RateLimit *rl) { *rl = (RateLimit){ 0 }; }
