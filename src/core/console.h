/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include "core/event.h"
/* Route log messages and status lines to the console (PID 1's stdout), non-blocking. */
void console_init(EventLoop *e, bool show_status, int max_level);
void console_done(void);
