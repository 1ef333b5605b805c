/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <time.h>
#include "base/util.h"
#include "journal/journal-forward.h"
#include "base/utf8.h"

#define NAME_OUT_MAX 256U      /* bytes of unit/identifier written; the rest is cut */
#define ELLIPSIS "\xe2\x80\xa6"

static const char *const format_names[] = {
        [JOURNAL_FORWARD_SHORT] = "short",
        [JOURNAL_FORWARD_JSON] = "json",
        [JOURNAL_FORWARD_OFF] = "off",
};

int journal_forward_format_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(format_names); i++)
                if (streq(s, format_names[i]))
                        return (int) i;
        return -EINVAL;
}

const char *journal_forward_format_to_string(JournalForwardFormat f) {
        return (unsigned) f < ELEMENTSOF(format_names) ? format_names[f] : NULL;
}

typedef struct Out {
        char *buf;
        size_t cap, len;  /* cap excludes the NUL */
} Out;

static bool put(Out *o, const char *s, size_t n) {
        if (n > o->cap - o->len)
                return false;
        memcpy(o->buf + o->len, s, n);
        o->len += n;
        return true;
}

static bool puts_(Out *o, const char *s) { return put(o, s, strlen(s)); }

/* The escaped form of the character at s into piece (>= 16 bytes); returns the bytes of input
 * used and sets *piece_len. */
static size_t escape_char(bool json, const unsigned char *s, size_t n, char *piece, size_t *piece_len) {
        size_t k = utf8_sequence_len(s, n, false);

        if (k == 0) {
                *piece_len = json ? (size_t) sprintf(piece, "\\ufffd") : (size_t) sprintf(piece, "\\x%02x", s[0]);
                return 1;
        }
        if (json && (s[0] == '"' || s[0] == '\\')) {
                *piece_len = (size_t) sprintf(piece, "\\%c", s[0]);
                return 1;
        }
        if (json && s[0] < 0x20) {
                const char *named = s[0] == '\b' ? "\\b" : s[0] == '\f' ? "\\f" : s[0] == '\n' ? "\\n" :
                                    s[0] == '\r' ? "\\r" : s[0] == '\t' ? "\\t" : NULL;
                *piece_len = named ? (size_t) sprintf(piece, "%s", named) : (size_t) sprintf(piece, "\\u%04x", s[0]);
                return 1;
        }
        if (!json && ((s[0] < 0x20 && s[0] != '\t') || s[0] == 0x7f)) {
                *piece_len = (size_t) sprintf(piece, "\\x%02x", s[0]);
                return 1;
        }
        memcpy(piece, s, k);
        *piece_len = k;
        return k;
}

/* Write s[0..n) escaped; stop at a character boundary leaving `reserve` bytes free. Returns
 * false when it had to cut. indent > 0 (short format): '\n' becomes '\n' + indent spaces,
 * trailing newlines are dropped. */
static bool put_escaped(Out *o, bool json, const char *s, size_t n, size_t reserve, size_t indent) {
        const unsigned char *p = (const unsigned char *) s;
        size_t i = 0;

        while (i < n) {
                char piece[16];
                size_t used, plen;

                /* the common case: a run of printable ASCII that needs no escaping, copied whole */
                size_t end = i;
                while (end < n && p[end] >= 0x20 && p[end] < 0x7f && !(json && (p[end] == '"' || p[end] == '\\')))
                        end++;
                if (end > i) {
                        size_t want = end - i, room = o->cap - o->len > reserve ? o->cap - o->len - reserve : 0;
                        size_t k = want < room ? want : room;
                        memcpy(o->buf + o->len, p + i, k);
                        o->len += k;
                        i += k;
                        if (k < want)
                                return false;
                        continue;
                }
                if (!json && p[i] == '\n') {
                        size_t j = i;
                        while (j < n && p[j] == '\n')
                                j++;
                        if (j == n)
                                return true;
                        if (1 + indent + reserve > o->cap - o->len)
                                return false;
                        o->buf[o->len++] = '\n';
                        memset(o->buf + o->len, ' ', indent);
                        o->len += indent;
                        i++;
                        continue;
                }
                used = escape_char(json, p + i, n - i, piece, &plen);
                if (plen + reserve > o->cap - o->len)
                        return false;
                put(o, piece, plen);
                i += used;
        }
        return true;
}

static size_t bounded_strlen(const char *s) { return strnlen(s, NAME_OUT_MAX); }

static bool put_json_string(Out *o, const char *s) {
        if (!s)
                return puts_(o, "null");
        return puts_(o, "\"") && put_escaped(o, true, s, bounded_strlen(s), 0, 0) && puts_(o, "\"");
}

static bool put_timestamp(Out *o, uint64_t usec) {
        time_t sec = (time_t) (usec / 1000000U);
        struct tm tm;
        char t[64];

        if (!gmtime_r(&sec, &tm))
                return puts_(o, "null");
        snprintf(t, sizeof t, "\"%04d-%02d-%02dT%02d:%02d:%02d.%06uZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned) (usec % 1000000U));
        return puts_(o, t);
}

static const char *const status_names[] = {
        [JOURNAL_FORWARD_STATUS_OK] = "OK", [JOURNAL_FORWARD_STATUS_FAILED] = "FAILED",
        [JOURNAL_FORWARD_STATUS_DEPEND] = "DEPEND", [JOURNAL_FORWARD_STATUS_TIME] = "TIME",
        [JOURNAL_FORWARD_STATUS_WARN] = "WARN", [JOURNAL_FORWARD_STATUS_INFO] = "INFO",
};

static bool is_status(JournalForwardStatus s) {
        return s > JOURNAL_FORWARD_STATUS_NONE && (size_t) s < ELEMENTSOF(status_names);
}

static bool format_json(Out *o, const JournalForwardMessage *m) {
        char num[32];
        bool ok;
        /* room kept at the message's end: the ellipsis, the closing quote, "status" and "}\n" */
        size_t tail = strlen(ELLIPSIS "\"}\n") + (is_status(m->status) ? strlen(",\"status\":\"DEPEND\"") : 0);

        ok = puts_(o, "{\"timestamp\":") && put_timestamp(o, m->timestamp_usec) &&
             puts_(o, ",\"unit\":") && put_json_string(o, m->unit ?: m->object_unit) &&
             puts_(o, ",\"identifier\":") && put_json_string(o, m->identifier) && puts_(o, ",\"pid\":");
        if (m->pid > 0)
                snprintf(num, sizeof num, "%d", (int) m->pid);
        else
                snprintf(num, sizeof num, "null");
        ok = ok && puts_(o, num);
        snprintf(num, sizeof num, ",\"priority\":%d,\"message\":\"", m->priority & 7);
        ok = ok && puts_(o, num);
        if (!ok)
                return false;
        if (!put_escaped(o, true, m->message, m->message_len, tail, 0))
                puts_(o, ELLIPSIS);
        if (!puts_(o, "\""))
                return false;
        if (is_status(m->status) && !(puts_(o, ",\"status\":\"") && puts_(o, status_names[m->status]) && puts_(o, "\"")))
                return false;
        return puts_(o, "}\n");
}

/* systemd's console status line: "[  OK  ] text", "         text" for information */
static bool format_status(Out *o, const JournalForwardMessage *m) {
        static const char *const tag[] = {
                [JOURNAL_FORWARD_STATUS_OK] = "  OK  ", [JOURNAL_FORWARD_STATUS_FAILED] = "FAILED",
                [JOURNAL_FORWARD_STATUS_DEPEND] = "DEPEND", [JOURNAL_FORWARD_STATUS_TIME] = " TIME ",
                [JOURNAL_FORWARD_STATUS_WARN] = " WARN ",
        };
        static const char *const color[] = {
                [JOURNAL_FORWARD_STATUS_OK] = "\x1b[0;32m", [JOURNAL_FORWARD_STATUS_FAILED] = "\x1b[0;1;31m",
                [JOURNAL_FORWARD_STATUS_DEPEND] = "\x1b[0;1;33m", [JOURNAL_FORWARD_STATUS_TIME] = "\x1b[0;1;31m",
                [JOURNAL_FORWARD_STATUS_WARN] = "\x1b[0;1;33m",
        };
        bool ok;

        if (m->status == JOURNAL_FORWARD_STATUS_INFO)
                ok = puts_(o, "         ");
        else if (m->color)
                ok = puts_(o, "[") && puts_(o, color[m->status]) && puts_(o, tag[m->status]) && puts_(o, "\x1b[0m] ");
        else
                ok = puts_(o, "[") && puts_(o, tag[m->status]) && puts_(o, "] ");
        if (!ok)
                return false;
        if (!put_escaped(o, false, m->message, m->message_len, strlen(ELLIPSIS "\n"), 9))
                puts_(o, ELLIPSIS);
        return puts_(o, "\n");
}

static bool format_short(Out *o, const JournalForwardMessage *m) {
        const char *name = m->unit ?: m->identifier ?: "unknown";
        size_t start = o->len;

        if (is_status(m->status))
                return format_status(o, m);
        if (!put_escaped(o, false, name, bounded_strlen(name), 0, 0))
                return false;
        if (m->pid > 0) {
                char num[32];
                snprintf(num, sizeof num, "[%d]", (int) m->pid);
                if (!puts_(o, num))
                        return false;
        }
        if (!puts_(o, ": "))
                return false;
        if (!put_escaped(o, false, m->message, m->message_len, strlen(ELLIPSIS "\n"), o->len - start))
                puts_(o, ELLIPSIS);
        return puts_(o, "\n");
}

ssize_t journal_forward_format(JournalForwardFormat f, const JournalForwardMessage *m, char *buf, size_t size) {
        Out o = { .buf = buf, .cap = size > 0 ? size - 1 : 0 };
        bool ok;

        if (!m || !buf || (!m->message && m->message_len > 0))
                return -EINVAL;
        if (size < JOURNAL_FORWARD_BUF_MIN)
                return -ENOBUFS;
        switch (f) {
        case JOURNAL_FORWARD_OFF:
                buf[0] = 0;
                return 0;
        case JOURNAL_FORWARD_SHORT:
                ok = format_short(&o, m);
                break;
        case JOURNAL_FORWARD_JSON:
                ok = format_json(&o, m);
                break;
        default:
                return -EINVAL;
        }
        if (!ok)  /* cannot happen with size >= JOURNAL_FORWARD_BUF_MIN */
                return -ENOBUFS;
        buf[o.len] = 0;
        return (ssize_t) o.len;
}
