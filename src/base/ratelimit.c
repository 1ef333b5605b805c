/* SPDX-License-Identifier: MIT */
#include "base/ratelimit.h"

bool ratelimit_below(RateLimit *rl, usec_t interval, unsigned burst, usec_t now) {
        if (interval == 0 || burst == 0)
                return true;
        if (rl->begin == 0 || now - rl->begin > interval) {
                rl->begin = now;
                rl->count = 0;
        }
        if (rl->count >= burst)
                return false;
        rl->count++;
        return true;
}
