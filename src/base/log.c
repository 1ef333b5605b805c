/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include "base/log.h"
#include "base/parse.h"

static int max_level = LOG_INFO;
static log_sink_t sink;
static void *sink_userdata;
static unsigned counts[8];

void log_set_max_level(int level) { max_level = level; }
int log_get_max_level(void) { return max_level; }
void log_set_sink(log_sink_t s, void *userdata) { sink = s; sink_userdata = userdata; }
const char *log_level_to_string(int level) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        return level >= 0 && level < (int)ELEMENTSOF(names) ? names[level] : NULL;
}
int log_level_from_string(const char *s) {
        for (int i = LOG_EMERG; i <= LOG_DEBUG; i++)
                if (streq(s, log_level_to_string(i))) return i;
        unsigned u;
        return safe_atou(s, &u) >= 0 && u <= LOG_DEBUG ? (int)u : -EINVAL;
}
unsigned log_count(int level) { return level >= 0 && level < 8 ? counts[level] : 0; }
void log_reset_counts(void) { memset(counts, 0, sizeof counts); }

int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) {
        (void)file; (void)line;
        int saved = errno;
        /* %m says the error given, or without one (log_warning("...: %m")) the caller's errno, as
         * glibc's %m does: never errno 0 set here, whose "Success" no message may say */
        int e = error < 0 ? -error : error, shown = e ? e : saved;
        if (level >= 0 && level < 8) counts[level]++;
        if (level <= max_level) {
                char msg[4096];
                va_list ap;
                errno = shown; /* so %m works as in systemd */
                va_start(ap, fmt);
                vsnprintf(msg, sizeof msg, fmt, ap);
                va_end(ap);
                errno = saved;
                if (sink)
                        sink(level, msg, sink_userdata);
                else
                        fprintf(stderr, "%s\n", msg);
        }
        return -e;
}
