/* SPDX-License-Identifier: MIT */
#pragma once
/* Capture log messages in tests: log_capture_start() installs a sink that appends each message
 * and a newline to a buffer; log_captured() returns the text so far. Header-only. */
#include <stdlib.h>
#include <string.h>
#include "base/log.h"
#include "base/util.h"

static Buf log_capture_buf;

static void log_capture_sink(int level, const char *msg, void *userdata) {
        (void)level; (void)userdata;
        buf_puts(&log_capture_buf, msg);
        buf_putc(&log_capture_buf, '\n');
}

static inline void log_capture_start(void) {
        buf_free(&log_capture_buf);
        log_set_max_level(LOG_DEBUG);
        log_set_sink(log_capture_sink, NULL);
}

static inline const char *log_captured(void) {
        return log_capture_buf.s ? log_capture_buf.s : "";
}

static inline void log_capture_stop(void) {
        log_set_sink(NULL, NULL);
        log_set_max_level(LOG_INFO);
        buf_free(&log_capture_buf);
}
