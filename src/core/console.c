/* SPDX-License-Identifier: MIT */
/* The console: PID 1's stdout. It receives whole lines from the journal's flush (after the
 * journal file has them) or, while there is no journal, formats PID 1's own lines itself. Output
 * never blocks PID 1: it goes through a separate non-blocking open file description of stdout
 * (services keep the blocking one they inherit), and what the reader does not take at once is
 * queued, bounded. When the queue is full, lines are counted, not queued, until the reader has
 * taken all of it; then one line says how many were not forwarded. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <syslog.h>
#include "base/log.h"
#include "base/parse.h"
#include "core/console.h"

#define CONSOLE_QUEUE_MAX (1024 * 1024)

static struct {
        int fd;
        bool tty;
        ConsoleSettings set;
        Buf queue;
        size_t queue_off;
        unsigned long dropped;
        bool dropped_unjournaled;  /* some of the dropped lines are not in the journal either */
        EventLoop *event;
        EventSource *src;          /* EPOLLOUT while the reader is behind */
} con = { .fd = -1, .set = { .show_status = true, .max_level = LOG_NOTICE } };

void console_settings_from_env(ConsoleSettings *s, const char **ret_bad) {
        *s = (ConsoleSettings) { .format = JOURNAL_FORWARD_SHORT, .show_status = true, .max_level = LOG_NOTICE };
        *ret_bad = NULL;
        const char *v = getenv(JOURNAL_FORWARD_FORMAT_ENV);
        int f = v ? journal_forward_format_from_string(v) : JOURNAL_FORWARD_SHORT;
        if (f < 0) *ret_bad = JOURNAL_FORWARD_FORMAT_ENV;
        else s->format = f;
        v = getenv(CONSOLE_QUIET_ENV);
        int q = v ? parse_boolean(v) : 0;
        if (q < 0) *ret_bad = CONSOLE_QUIET_ENV;
        else s->quiet = q;
}

const ConsoleSettings *console_settings(void) {
        return &con.set;
}

bool console_is_tty(void) {
        return con.tty;
}

static void console_flush(void);

static int on_writable(EventSource *s, int fd, uint32_t revents, void *userdata) {
        (void)s; (void)fd; (void)revents; (void)userdata;
        console_flush();
        return 0;
}

/* The queue is empty and lines were dropped: queue the one line that says so. */
static void queue_dropped_note(void) {
        char text[160], line[JOURNAL_FORWARD_BUF_MIN];
        snprintf(text, sizeof text, "%lu lines were not forwarded: stdout was not read%s", con.dropped,
                 con.dropped_unjournaled ? "" : " (the journal has them)");
        JournalForwardMessage m = {
                .identifier = "tinysd", .priority = LOG_WARNING, .timestamp_usec = now_usec(CLOCK_REALTIME),
                .message = text, .message_len = strlen(text),
        };
        ssize_t l = journal_forward_format(con.set.format, &m, line, sizeof line);
        if (l <= 0 || buf_put(&con.queue, line, (size_t)l) >= 0) {
                con.dropped = 0;
                con.dropped_unjournaled = false;
        }
}

static void console_flush(void) {
        for (;;) {
                if (con.queue_off == con.queue.len) {
                        con.queue.len = con.queue_off = 0;
                        if (con.dropped == 0) break;
                        queue_dropped_note();
                        if (con.dropped) break;
                }
                ssize_t n = write(con.fd, con.queue.s + con.queue_off, con.queue.len - con.queue_off);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                con.queue_off += (size_t)n;
        }
        if (con.queue_off == con.queue.len) {
                if (con.src) event_source_set_io_events(con.src, 0);
        } else if (con.event) {
                if (!con.src) (void)event_add_io(con.event, &con.src, con.fd, EPOLLOUT, on_writable, NULL);
                else event_source_set_io_events(con.src, EPOLLOUT);
        }
}

static unsigned long count_lines(const char *s, size_t n) {
        unsigned long k = 0;
        for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))); p++) k++;
        return k;
}

static void drop(const char *s, size_t n, bool journaled) {
        con.dropped += count_lines(s, n);
        con.dropped_unjournaled |= !journaled;
}

void console_write_lines(const char *s, size_t n, bool journaled) {
        if (con.fd < 0 || n == 0) return;
        if (con.dropped) {
                /* dropping until the reader took the whole queue: lines stay whole, one note */
                drop(s, n, journaled);
                return;
        }
        if (con.queue_off == con.queue.len) {
                /* the reader keeps up: straight from the caller's buffer */
                ssize_t w;
                do w = write(con.fd, s, n);
                while (w < 0 && errno == EINTR);
                if (w > 0) {
                        s += w;
                        n -= (size_t)w;
                }
                if (n == 0) return;
        }
        /* the rest of a line already begun must follow it; whole lines beyond the bound are dropped */
        size_t room = CONSOLE_QUEUE_MAX > con.queue.len ? CONSOLE_QUEUE_MAX - con.queue.len : 0, take = n;
        if (take > room) {
                const char *nl = memchr(s, '\n', n);
                size_t first = nl ? (size_t)(nl - s) + 1 : n;
                take = first;
                for (const char *p = s + first; p < s + n && (nl = memchr(p, '\n', (size_t)(s + n - p))); p = nl + 1)
                        if ((size_t)(nl + 1 - s) <= room) take = (size_t)(nl + 1 - s);
                        else break;
        }
        if (buf_put(&con.queue, s, take) < 0) take = 0;
        if (take < n) drop(s + take, n - take, journaled);
        console_flush();
}

void console_write_message(const JournalForwardMessage *m) {
        char line[JOURNAL_FORWARD_BUF_MIN * 2];
        if (con.set.quiet && (m->priority & 7) > LOG_WARNING) return;
        JournalForwardMessage mm = *m;
        mm.color = con.tty;
        ssize_t n = journal_forward_format(con.set.format, &mm, line, sizeof line);
        if (n > 0) console_write_lines(line, (size_t)n, false);
}

void console_log_sink(int level, const char *msg, void *userdata) {
        (void)userdata;
        if (con.fd < 0) {
                /* the console is closed (PID 1 is exiting): stderr, as without a sink */
                fprintf(stderr, "%s\n", msg);
                return;
        }
        JournalForwardMessage m = {
                .identifier = "tinysd", .pid = getpid(), .priority = level, .timestamp_usec = now_usec(CLOCK_REALTIME),
                .message = msg, .message_len = strlen(msg),
        };
        console_write_message(&m);
}

void console_init(EventLoop *e, const ConsoleSettings *s) {
        con.event = e;
        con.set = *s;
        con.tty = isatty(STDOUT_FILENO);
        /* a new open file description: O_NONBLOCK here does not reach the services' stdout */
        if (con.fd < 0) con.fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_APPEND);
        if (con.fd < 0) con.fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        log_set_max_level(s->max_level);
        log_set_sink(console_log_sink, NULL);
}

void console_set_loop(EventLoop *e) {
        con.event = e;
        if (con.queue.len > con.queue_off) console_flush();
}

void console_early_error(const ConsoleSettings *s, const char *fmt, ...) {
        char text[1024], line[JOURNAL_FORWARD_BUF_MIN * 2];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        JournalForwardMessage m = {
                .identifier = "tinysd", .priority = LOG_ERR, .timestamp_usec = now_usec(CLOCK_REALTIME),
                .message = text, .message_len = strlen(text),
        };
        /* the short form as before: "tinysd: ..." (no pid: this is the command line speaking) */
        ssize_t n = journal_forward_format(s->format == JOURNAL_FORWARD_OFF ? JOURNAL_FORWARD_SHORT : s->format, &m, line,
                                           sizeof line);
        if (n > 0) (void)!write(STDERR_FILENO, line, (size_t)n);
}

/* SIGRTMIN+20/+21, SIGRTMIN+22/+23 (manager-signals.c): status lines and the level at run time */
void console_set_show_status(bool show) {
        con.set.show_status = show;
}

void console_set_max_level(int level) {
        con.set.max_level = level;
        log_set_max_level(level);
}

/* SIGRTMIN+26..+29: the log target PID 1 reports (see console.h) */
static const char *log_target = "console";

void console_set_log_target(const char *target) {
        log_target = target;
}

const char *console_log_target(void) {
        return log_target;
}

void console_done(void) {
        /* the last lines at exit: wait for the reader a little (blocking is fine now) */
        if (con.fd >= 0 && con.queue.len > con.queue_off) {
                int fl = fcntl(con.fd, F_GETFL);
                if (fl >= 0) (void)fcntl(con.fd, F_SETFL, fl & ~O_NONBLOCK);
                console_flush();
        }
        log_set_sink(NULL, NULL);
        event_source_free(con.src);
        con.src = NULL;
        con.event = NULL;
        buf_free(&con.queue);
        con.queue_off = 0;
        if (con.fd >= 0) close(con.fd);
        con.fd = -1;
}
