/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include "base/parse.h"
#include "base/util.h"
#include "journal/journal-stream.h"
#include "journal/journal-syslog.h"
#include "unit/name.h"

#define STATE_RUNNING 7

const char *journal_line_break_to_string(JournalLineBreak b) {
        switch (b) {
        case JOURNAL_LINE_BREAK_NUL: return "nul";
        case JOURNAL_LINE_BREAK_LINE_MAX: return "line-max";
        case JOURNAL_LINE_BREAK_EOF: return "eof";
        case JOURNAL_LINE_BREAK_PID_CHANGE: return "pid-change";
        default: return NULL;
        }
}

void journal_stream_header_done(JournalStreamHeader *h) {
        if (!h)
                return;
        free(h->identifier);
        free(h->unit_id);
        *h = (JournalStreamHeader) {};
}

int journal_stream_init(JournalStream *s, size_t line_max, const JournalStreamHeader *preset, bool trust_unit_id,
                        journal_stream_line_cb cb, void *userdata) {
        if (!s || !cb)
                return -EINVAL;
        if (line_max == 0)
                line_max = JOURNAL_STREAM_LINE_MAX_DEFAULT;
        if (line_max < JOURNAL_STREAM_LINE_MAX_MIN)
                line_max = JOURNAL_STREAM_LINE_MAX_MIN;
        if (line_max > JOURNAL_STREAM_LINE_MAX_MAX)
                line_max = JOURNAL_STREAM_LINE_MAX_MAX;

        *s = (JournalStream) { .line_max = line_max, .trust_unit_id = trust_unit_id, .cb = cb, .userdata = userdata };
        if (preset) {
                s->header.priority = preset->priority;
                s->header.level_prefix = preset->level_prefix;
                s->header.forward_to_syslog = preset->forward_to_syslog;
                s->header.forward_to_kmsg = preset->forward_to_kmsg;
                s->header.forward_to_console = preset->forward_to_console;
                if ((preset->identifier && !(s->header.identifier = strdup(preset->identifier))) ||
                    (preset->unit_id && !(s->header.unit_id = strdup(preset->unit_id)))) {
                        journal_stream_header_done(&s->header);
                        return -ENOMEM;
                }
                s->state = STATE_RUNNING;
        } else
                s->header.priority = LOG_INFO;
        return 0;
}

void journal_stream_done(JournalStream *s) {
        if (!s)
                return;
        journal_stream_header_done(&s->header);
        free(s->buf);
        *s = (JournalStream) {};
}

bool journal_stream_running(const JournalStream *s) {
        return s && s->state == STATE_RUNNING;
}

/* journald parses the priority line with safe_atoi(): strtol() base 0 plus "0b"/"0o" prefixes */
static int parse_priority_line(const char *p) {
        int base = 0;
        char *end;
        long v;

        if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
                base = 2;
                p += 2;
        } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
                base = 8;
                p += 2;
        }
        errno = 0;
        v = strtol(p, &end, base);
        if (errno > 0 || end == p || *end)
                return -EINVAL;
        if (v < 0 || v > 999)
                return -ERANGE;
        return (int) v;
}

static int header_refused(JournalStream *s, JournalStreamError what, int error) {
        s->header_error = what;
        s->header_errno = error;
        return -EBADMSG;
}

int journal_stream_error_message(const JournalStream *s, char *buf, size_t size) {
        static const char *const line[] = {
                [JOURNAL_STREAM_ERROR_PRIORITY] = "log priority",
                [JOURNAL_STREAM_ERROR_LEVEL_PREFIX] = "level prefix",
                [JOURNAL_STREAM_ERROR_FORWARD_TO_SYSLOG] = "forward to syslog",
                [JOURNAL_STREAM_ERROR_FORWARD_TO_KMSG] = "copy to kmsg",
        };
        JournalStreamError e = s ? s->header_error : JOURNAL_STREAM_ERROR_NONE;

        /* journald 252's words (stdout_stream_line() in journald-stream.c) */
        if (e == JOURNAL_STREAM_ERROR_NOT_TERMINATED)
                return snprintf(buf, size, "Control protocol line not properly terminated.");
        if (e == JOURNAL_STREAM_ERROR_FORWARD_TO_CONSOLE)
                return snprintf(buf, size, "Failed to parse copy to console line.");
        if (e > JOURNAL_STREAM_ERROR_NONE && (size_t) e < ELEMENTSOF(line) && line[e])
                return snprintf(buf, size, "Failed to parse %s line: %s", line[e], strerror(-s->header_errno));
        if (size > 0)
                buf[0] = 0;
        return 0;
}

static int header_line(JournalStream *s, char *p) {
        int r;

        p = strstrip(p);
        switch (s->state) {
        case 0:
                if (*p && !(s->header.identifier = strdup(p)))
                        return -ENOMEM;
                break;
        case 1:
                if (s->trust_unit_id && unit_name_is_valid(p, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) &&
                    !(s->header.unit_id = strdup(p)))
                        return -ENOMEM;
                break;
        case 2:
                r = parse_priority_line(p);
                if (r < 0)
                        return header_refused(s, JOURNAL_STREAM_ERROR_PRIORITY, r);
                s->header.priority = r;
                break;
        default:
                r = parse_boolean(p);
                if (r < 0)
                        return header_refused(s, JOURNAL_STREAM_ERROR_LEVEL_PREFIX + (s->state - 3), r);
                if (s->state == 3)
                        s->header.level_prefix = r;
                else if (s->state == 4)
                        s->header.forward_to_syslog = r;
                else if (s->state == 5)
                        s->header.forward_to_kmsg = r;
                else
                        s->header.forward_to_console = r;
        }
        s->state++;
        return 0;
}

static int log_line(JournalStream *s, char *p, size_t len, JournalLineBreak lb) {
        const char *q = p;
        int priority = s->header.priority;
        size_t end = len;

        /* journald's strstrip() result is dropped but its in-place cut of trailing whitespace stays;
         * on an all-whitespace line it cuts nothing */
        while (end > 0 && strchr(WHITESPACE, p[end - 1]))
                end--;
        if (end > 0)
                len = end;
        p[len] = 0;

        if (s->header.level_prefix)
                (void) journal_syslog_parse_priority(&q, &priority, false);
        len -= (size_t) (q - p);
        if (len == 0)
                return 0;
        return s->cb(q, len, priority, lb, s->userdata);
}

static int flush_line(JournalStream *s, JournalLineBreak lb) {
        char empty[1];
        char *p = s->buf ? s->buf : empty;  /* no buffer yet: the line is empty */
        size_t len = s->len;
        int r;

        s->len = 0;
        p[len] = 0;
        if (s->state == STATE_RUNNING)
                r = log_line(s, p, len, lb);
        else if (lb != JOURNAL_LINE_BREAK_NEWLINE)
                r = header_refused(s, JOURNAL_STREAM_ERROR_NOT_TERMINATED, -EINVAL);
        else
                r = header_line(s, p);
        if (r < 0)
                s->error = r;
        return r;
}

static size_t current_max(const JournalStream *s) {
        return s->state == STATE_RUNNING ? s->line_max : JOURNAL_STREAM_SETUP_LINE_MAX;
}

/* The line buffer grows with the longest pending line, up to current_max() + 1 bytes: most
 * streams write short lines or none at all, and PID 1 has one stream per service. */
static int reserve(JournalStream *s, size_t k) {
        size_t need = s->len + k + 1, cap;
        char *b;

        if (need <= s->cap)
                return 0;
        cap = s->cap ? s->cap * 2 : JOURNAL_STREAM_BUF_MIN;
        if (cap < need)
                cap = need;
        if (cap > current_max(s) + 1)
                cap = current_max(s) + 1;
        b = realloc(s->buf, cap);
        if (!b)
                return -ENOMEM;
        s->buf = b;
        s->cap = cap;
        return 0;
}

/* An idle stream keeps a small buffer at most: a long line's buffer goes once it is flushed. */
static void trim(JournalStream *s) {
        if (s->len == 0 && s->cap > JOURNAL_STREAM_BUF_KEEP) {
                free(s->buf);
                s->buf = NULL;
                s->cap = 0;
        }
}

/* The next '\n' or NUL at or after p (end when there is none). Each is searched for again only
 * once p has passed the one found: every byte is scanned at most once for each, so a stream of
 * NUL-ended lines without any '\n' (or the other way round) costs linear time, not a scan to the
 * end of the chunk per line. */
typedef struct Terminators {
        const char *nl, *nul;
} Terminators;

static const char *next_terminator(Terminators *t, const char *p, const char *end) {
        if (!t->nl || t->nl < p)
                t->nl = memchr(p, '\n', (size_t) (end - p)) ?: end;
        if (!t->nul || t->nul < p)
                t->nul = memchr(p, 0, (size_t) (end - p)) ?: end;
        return t->nul < t->nl ? t->nul : t->nl;
}

int journal_stream_feed(JournalStream *s, const void *data, size_t n) {
        const char *p = data, *end = p + n;
        Terminators term = {};
        int r;

        if (!s || !s->cb || (!p && n > 0))
                return -EINVAL;
        if (s->error < 0)
                return s->error;

        while (p < end) {
                size_t room = current_max(s) - s->len;
                const char *t = next_terminator(&term, p, end);
                /* journald looks for a terminator within the room left before LineMax only */
                bool terminated = t < end && (size_t) (t - p) < room;
                size_t k = terminated ? (size_t) (t - p) : (size_t) (end - p) < room ? (size_t) (end - p) : room;

                if (k > 0) {
                        if ((r = reserve(s, k)) < 0)
                                return s->error = r;
                        memcpy(s->buf + s->len, p, k);
                        s->len += k;
                        p += k;
                }
                if (terminated) {
                        p++;   /* the terminator */
                        r = flush_line(s, *t ? JOURNAL_LINE_BREAK_NEWLINE : JOURNAL_LINE_BREAK_NUL);
                } else
                        r = s->len >= current_max(s) ? flush_line(s, JOURNAL_LINE_BREAK_LINE_MAX) : 0;
                if (r < 0)
                        return r;
        }
        trim(s);
        return 0;
}

static int flush_partial(JournalStream *s, JournalLineBreak lb) {
        int r;

        if (!s || !s->cb)
                return -EINVAL;
        if (s->error < 0)
                return s->error;
        if (s->len == 0)
                return 0;
        r = flush_line(s, lb);
        trim(s);
        return r;
}

int journal_stream_pid_change(JournalStream *s) {
        return flush_partial(s, JOURNAL_LINE_BREAK_PID_CHANGE);
}

int journal_stream_end(JournalStream *s) {
        return flush_partial(s, JOURNAL_LINE_BREAK_EOF);
}

int journal_stream_cut(JournalStream *s) {
        if (!s || s->state != STATE_RUNNING)
                return 0;   /* a header line's buffer is small (JOURNAL_STREAM_SETUP_LINE_MAX) */
        return flush_partial(s, JOURNAL_LINE_BREAK_LINE_MAX);
}
