/* SPDX-License-Identifier: MIT */
#pragma once
/* The delay before an automatic restart with RestartSteps= and RestartMaxDelaySec= (systemd
 * 254's service_restart_usec_next(); systemd 252 has neither setting).
 *
 * The n-th restart waits RestartSec= (r0) for n = 1; for 1 < n <= RestartSteps= (N) it waits
 * r0 * (rmax / r0) ^ ((n - 1) / N), truncated to whole microseconds: an exponential
 * interpolation that reaches RestartMaxDelaySec= (rmax) at restart N + 1 and stays there. Off
 * (always r0) when N is 0, rmax is infinity, r0 is 0, or r0 >= rmax. */
#include "base/parse.h"

/* n_restart: which restart the delay is for, counting from 1 (systemd's "n_restarts_next").
 * Computed without libm, in long double as systemd's powl() is; a result within a few units in
 * the last place of a whole number of microseconds (an exact power such as 100ms * 8^(1/3))
 * is taken as that number, as powl() returns it exactly. Always within [r0, rmax]. */
usec_t restart_delay_next(usec_t restart_usec, unsigned steps, usec_t max_delay_usec, unsigned n_restart);
