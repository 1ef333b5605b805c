/* SPDX-License-Identifier: MIT */
/* The console: systemd's status lines ("[  OK  ] Started foo.service - Foo.") and the manager's
 * own log messages, on PID 1's stdout. Colour only on a terminal. Output never blocks PID 1: it
 * goes through a separate non-blocking open file description of stdout (services keep the
 * blocking one they inherit), and what does not fit is queued, bounded, and written when the
 * reader catches up. When the queue is full, lines are counted, not queued, until the reader has
 * taken all of it; then one line says how many were not forwarded (the journal has them all).
 * Status lines and log messages are also journaled as systemd's (console_set_journal()). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include "base/log.h"
#include "core/console.h"
#include "core/manager.h"
#include "core/munit.h"
#include "journal/journal-server.h"
#include "unit/name.h"

#define CONSOLE_QUEUE_MAX (1024 * 1024)
/* Lines are written in batches: before the loop sleeps again, or once this much is queued (one
 * write() per line cost a syscall per forwarded line at full speed). */
#define CONSOLE_BATCH (64 * 1024)

static struct {
        int fd;
        bool tty, show_status;
        int max_level;
        Buf queue;
        size_t queue_off;
        unsigned long dropped;
        EventLoop *event;
        EventSource *src;          /* EPOLLOUT while the reader is behind */
        EventSource *flush_src;    /* deferred: writes the batch before the loop sleeps */
        JournalServer *journal;
        bool in_journal;           /* a journal write that logs must not journal again */
} con = { .fd = -1, .show_status = true, .max_level = LOG_NOTICE };

static void console_flush(void);

static int on_writable(EventSource *s, int fd, uint32_t revents, void *userdata) {
        (void)s; (void)fd; (void)revents; (void)userdata;
        console_flush();
        return 0;
}

/* The queue is empty and lines were dropped: queue the one line that says so. */
static void queue_dropped_note(void) {
        char note[160];
        int l = snprintf(note, sizeof note, "tinysd: %lu lines were not forwarded: stdout was not read%s\n", con.dropped,
                         journal_server_has_store(con.journal) ? " (the journal has them)" : "");
        if (l > 0 && buf_put(&con.queue, note, (size_t)l) >= 0) con.dropped = 0;
}

static void console_flush(void) {
        /* a line on stdout is in the journal already: a kill -9 right after loses neither */
        journal_server_flush(con.journal);
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

static int on_flush(EventSource *s, void *userdata) {
        (void)userdata;
        event_source_set_enabled(s, false);
        console_flush();
        return 0;
}

void console_write(const char *s, size_t n) {
        if (con.fd < 0) return;
        if (con.dropped) {
                /* dropping until the reader took the whole queue: lines stay whole, one note */
                con.dropped++;
                return;
        }
        if (con.queue.len - con.queue_off + n > CONSOLE_BATCH) console_flush();
        if (con.queue.len + n > CONSOLE_QUEUE_MAX || buf_put(&con.queue, s, n) < 0) {
                con.dropped++;
                console_flush();
                return;
        }
        if (con.flush_src) event_source_set_enabled(con.flush_src, true);
        else console_flush();
}

void console_set_journal(JournalServer *j) {
        con.journal = j;
}

static void journal_line(int level, const char *unit, const char *message_id, const char *text) {
        if (!con.journal || con.in_journal) return;
        con.in_journal = true;
        (void)journal_server_log_manager(con.journal, level, unit, message_id, text, false);
        con.in_journal = false;
}

/* "foo.service: Main process exited, ..." is about foo.service: systemd stores UNIT= with it */
static void journal_log_message(int level, const char *msg) {
        char unit[256];
        const char *colon = strstr(msg, ": ");
        size_t n = colon ? (size_t)(colon - msg) : 0;
        if (n > 0 && n < sizeof unit) {
                memcpy(unit, msg, n);
                unit[n] = 0;
        }
        bool is_unit = n > 0 && n < sizeof unit && unit_name_is_valid(unit, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE);
        journal_line(level, is_unit ? unit : NULL, NULL, msg);
}

static void log_to_console(int level, const char *msg, void *userdata) {
        (void)userdata;
        if (level > con.max_level) return;
        journal_log_message(level, msg);
        char line[2048];
        int n = snprintf(line, sizeof line, "tinysd[%d]: %s\n", (int)getpid(), msg);
        if (n < 0) return;
        if ((size_t)n >= sizeof line) {
                n = sizeof line - 1;
                line[n - 1] = '\n';
        }
        console_write(line, (size_t)n);
}

void console_init(EventLoop *e, bool show_status, int max_level) {
        con.event = e;
        con.show_status = show_status;
        con.max_level = max_level;
        con.tty = isatty(STDOUT_FILENO);
        if (e && event_add_defer(e, &con.flush_src, on_flush, NULL) >= 0) event_source_set_enabled(con.flush_src, false);
        /* a new open file description: O_NONBLOCK here does not reach the services' stdout */
        con.fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_APPEND);
        if (con.fd < 0) con.fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        log_set_max_level(max_level);
        log_set_sink(log_to_console, NULL);
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
        event_source_free(con.flush_src);
        con.src = con.flush_src = NULL;
        con.event = NULL;
        buf_free(&con.queue);
        if (con.fd >= 0) close(con.fd);
        con.fd = -1;
}

/* systemd's log priority and catalog id of a status line (job_emit_done_message()) */
static void journal_status(StatusKind k, const char *unit, const char *text) {
        static const int level[] = { LOG_INFO, LOG_ERR, LOG_WARNING, LOG_ERR, LOG_INFO, LOG_WARNING };
        const char *id = NULL;
        if (unit && startswith(text, "Started ")) id = "39f53479d3a045ac8e11786248231fbf";
        else if (unit && startswith(text, "Stopped ")) id = "9d1aaa27d60140bd96365438aad20286";
        else if (unit && startswith(text, "Failed to start ")) id = "be02cf6855d2428ba40df7e9d022f03d";
        journal_line(level[k], unit, id, text);
}

static void status_line(StatusKind k, const char *unit, const char *text) {
        journal_status(k, unit, text);
        if (!con.show_status && k != STATUS_WARN) return;
        static const char *const plain[] = { "  OK  ", "FAILED", "DEPEND", " TIME ", "", " WARN " };
        static const char *const color[] = { "\x1b[0;32m", "\x1b[0;1;31m", "\x1b[0;1;33m", "\x1b[0;1;31m", "", "\x1b[0;1;33m" };
        char line[1024];
        int n;
        if (k == STATUS_INFO) n = snprintf(line, sizeof line, "         %s\n", text);
        else if (con.tty) n = snprintf(line, sizeof line, "[%s%s\x1b[0m] %s\n", color[k], plain[k], text);
        else n = snprintf(line, sizeof line, "[%s] %s\n", plain[k], text);
        if (n < 0) return;
        if ((size_t)n >= sizeof line) {
                n = sizeof line - 1;
                line[n - 1] = '\n';
        }
        console_write(line, (size_t)n);
}

void manager_status_line(Manager *m, StatusKind k, const char *text) {
        (void)m;
        status_line(k, NULL, text);
}

void manager_status(Manager *m, StatusKind k, MUnit *u, const char *prefix, const char *suffix) {
        _cleanup_free_ char *name = munit_status_name(u);
        _cleanup_free_ char *text = name ? strjoin(prefix, name, suffix) : NULL;
        (void)m;
        if (text) status_line(k, u->id, text);
}
