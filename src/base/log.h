/* SPDX-License-Identifier: MIT */
#pragma once
/* Logging for the manager and the tools. Messages go to stderr (tools) or to the log sink the
 * manager installs. Levels follow syslog. log_* return -abs(error) so callers can `return log_...`. */
#include <syslog.h>
#include "util.h"

void log_set_max_level(int level);
int log_get_max_level(void);
const char *log_level_to_string(int level);   /* systemd's names: "notice"; NULL out of range */
/* systemd's log_level_from_string(): a name ("debug") or 0..7; -EINVAL otherwise */
int log_level_from_string(const char *s);
/* Optional sink; NULL restores stderr. */
typedef void (*log_sink_t)(int level, const char *msg, void *userdata);
void log_set_sink(log_sink_t sink, void *userdata);
/* Count of messages at LOG_ERR and worse, and LOG_WARNING, since start (verify uses it). */
unsigned log_count(int level);
void log_reset_counts(void);

int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) _printf_(5, 6);
#define log_full_errno(level, error, ...) log_internal((level), (error), __FILE__, __LINE__, __VA_ARGS__)
#define log_full(level, ...) log_full_errno((level), 0, __VA_ARGS__)
#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, e, __VA_ARGS__)
#define log_oom() log_error_errno(ENOMEM, "Out of memory.")

/* Unit-file diagnostics in systemd's shape: "FILE:LINE: message". */
#define log_syntax(file, line, level, error, fmt, ...) \
        log_full_errno((level), (error), "%s:%u: " fmt, (file), (unsigned)(line), ##__VA_ARGS__)
