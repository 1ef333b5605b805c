/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <syslog.h>
#include "base/util.h"
#include "journal/journal-syslog.h"

static bool is_ws(char c) { return c && strchr(WHITESPACE, c); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int journal_syslog_parse_priority(const char **p, int *priority, bool with_facility) {
        const char *s, *end;
        int d[3] = {}, k;

        if (!p || !*p || !priority)
                return 0;
        s = *p;
        if (s[0] != '<')
                return 0;
        end = strchr(s, '>');
        if (!end)
                return 0;
        k = (int) (end - s);  /* 2..4: one to three digits */
        if (k < 2 || k > 4)
                return 0;
        for (int i = 0; i < k - 1; i++) {
                if (!is_digit(s[1 + i]))
                        return 0;
                d[3 - (k - 1) + i] = s[1 + i] - '0';
        }
        if (with_facility)
                *priority = d[0] * 100 + d[1] * 10 + d[2];
        else {
                if (d[0] || d[1] || d[2] > 7)
                        return 0;
                *priority = (*priority & LOG_FACMASK) | d[2];
        }
        *p = end + 1;
        return 1;
}

int journal_syslog_parse_identifier(const char **buf, char **ret_identifier, char **ret_pid) {
        const char *start, *p;
        size_t l, e;

        if (!buf || !*buf || !ret_identifier || !ret_pid)
                return -EINVAL;
        *ret_identifier = *ret_pid = NULL;

        start = *buf;
        p = start + strspn(start, WHITESPACE);
        l = strcspn(p, WHITESPACE);
        if (l == 0 || p[l - 1] != ':')
                return 0;
        e = l--;  /* e: past the ':'; l: the word without it */

        if (l > 0 && p[l - 1] == ']')
                for (size_t k = l - 1;; k--) {
                        if (p[k] == '[') {
                                *ret_pid = strndup(p + k + 1, l - k - 2);
                                if (!*ret_pid)
                                        return -ENOMEM;
                                l = k;
                                break;
                        }
                        if (k == 0)
                                break;
                }
        *ret_identifier = strndup(p, l);
        if (!*ret_identifier) {
                free(*ret_pid);
                *ret_pid = NULL;
                return -ENOMEM;
        }
        if (is_ws(p[e]))  /* one whitespace character separates */
                e++;
        *buf = p + e;
        return (int) (*buf - start);
}

/* journald's syslog_skip_timestamp(): "Mmm dd hh:mm:ss " with ' ' allowed for the first digit of
 * each number. Returns its length (16) and advances *p, or 0. */
static size_t skip_timestamp(const char **p) {
        static const char shape[] = "AAA _9 _9:_9:_9 ";  /* A letter, 9 digit, _ space or digit */
        const char *s = *p;

        for (size_t i = 0; i < sizeof shape - 1; i++) {
                char c = s[i], want = shape[i];
                bool ok;

                if (!c)
                        return 0;
                switch (want) {
                case 'A': ok = is_alpha(c); break;
                case '9': ok = is_digit(c); break;
                case '_': ok = c == ' ' || is_digit(c); break;
                default: ok = c == want; break;
                }
                if (!ok)
                        return 0;
        }
        *p = s + sizeof shape - 1;
        return sizeof shape - 1;
}

/* One RFC 5424 header token (non-empty, up to a space) at *p; advances past the space. */
static bool token(const char **p, const char **ret, size_t *ret_len) {
        size_t l = strcspn(*p, " ");

        if (l == 0 || (*p)[l] != ' ')
                return false;
        *ret = *p;
        *ret_len = l;
        *p += l + 1;
        return true;
}

/* STRUCTURED-DATA: "-" or one or more "[...]" with quoted values in which '\' escapes. */
static bool skip_structured_data(const char **p) {
        const char *s = *p;

        if (*s == '-') {
                *p = s + 1;
                return true;
        }
        if (*s != '[')
                return false;
        while (*s == '[') {
                bool quoted = false;
                for (s++;; s++) {
                        if (!*s)
                                return false;
                        if (quoted && *s == '\\' && s[1])
                                s++;
                        else if (*s == '"')
                                quoted = !quoted;
                        else if (!quoted && *s == ']')
                                break;
                }
                s++;
        }
        *p = s;
        return true;
}

typedef struct Parsed {
        char *identifier, *pid;
        const char *ts;
        size_t ts_len;
        const char *msg;
} Parsed;

/* Returns 1 when s is an RFC 5424 header (fills out), 0 when not, -ENOMEM. */
static int parse_rfc5424(const char *s, Parsed *out) {
        const char *ts, *host, *app, *procid, *msgid;
        size_t ts_len, host_len, app_len, procid_len, msgid_len;

        if (!(s[0] == '1' && s[1] == ' '))
                return 0;
        s += 2;
        if (!token(&s, &ts, &ts_len) || !token(&s, &host, &host_len) || !token(&s, &app, &app_len) ||
            !token(&s, &procid, &procid_len) || !token(&s, &msgid, &msgid_len) || !skip_structured_data(&s))
                return 0;
        if (*s == ' ')
                s++;
        else if (*s)
                return 0;
        if (startswith(s, "\xef\xbb\xbf"))
                s += 3;

        if (!(app_len == 1 && app[0] == '-')) {
                out->identifier = strndup(app, app_len);
                if (!out->identifier)
                        return -ENOMEM;
        }
        if (!(procid_len == 1 && procid[0] == '-')) {
                out->pid = strndup(procid, procid_len);
                if (!out->pid)
                        return -ENOMEM;
        }
        if (!(ts_len == 1 && ts[0] == '-')) {
                out->ts = ts;
                out->ts_len = ts_len;
        }
        out->msg = s;
        return 1;
}

/* logger --rfc3164: "host ident[pid]: msg" after the timestamp */
static int skip_hostname(const char **msg, Parsed *out) {
        const char *s = *msg;
        size_t w = strcspn(s, WHITESPACE);
        int r;

        if (w == 0 || s[w - 1] == ':' || s[w] != ' ')
                return 0;
        s += w + 1;
        r = journal_syslog_parse_identifier(&s, &out->identifier, &out->pid);
        if (r <= 0)
                return r;
        *msg = s;
        return 1;
}

static int add_fields(JournalEntry *e, int priority, const Parsed *p, const char *raw, size_t raw_len,
                      bool store_raw) {
        char num[16];
        int r;

        snprintf(num, sizeof num, "%i", priority & LOG_PRIMASK);
        r = journal_entry_add_string(e, "PRIORITY", num);
        if (r >= 0 && (priority & LOG_FACMASK)) {
                snprintf(num, sizeof num, "%i", (priority & LOG_FACMASK) >> 3);
                r = journal_entry_add_string(e, "SYSLOG_FACILITY", num);
        }
        if (r >= 0 && p->identifier)
                r = journal_entry_add_string(e, "SYSLOG_IDENTIFIER", p->identifier);
        if (r >= 0 && p->pid)
                r = journal_entry_add_string(e, "SYSLOG_PID", p->pid);
        if (r >= 0 && p->ts)
                r = journal_entry_add(e, "SYSLOG_TIMESTAMP", p->ts, p->ts_len);
        if (r >= 0)
                r = journal_entry_add_string(e, "MESSAGE", p->msg);
        if (r >= 0 && store_raw)
                r = journal_entry_add(e, "SYSLOG_RAW", raw, raw_len);
        return r;
}

int journal_syslog_parse(const char *buf, size_t size, unsigned flags, JournalEntry *ret, int *ret_priority) {
        _cleanup_free_ char *text = NULL;
        Parsed p = {};
        const char *msg;
        int priority = LOG_USER | LOG_INFO, r = 0;
        size_t i, lead;
        bool store_raw;

        if ((!buf && size > 0) || !ret)
                return -EINVAL;
        if (size == 0)
                return -ENODATA;
        if (size > JOURNAL_SYSLOG_SIZE_MAX)
                return -EMSGSIZE;

        /* journald sees a NUL-terminated copy; trailing whitespace and NULs go, leading whitespace
         * goes, and from then on the text ends at its first NUL */
        for (i = size; i > 0; i--)
                if (buf[i - 1] && !is_ws(buf[i - 1]))
                        break;
        for (lead = 0; lead < i && is_ws(buf[lead]); lead++)
                ;
        text = strndup(buf + lead, i - lead);
        if (!text)
                return -ENOMEM;
        msg = text;
        store_raw = lead > 0 || i != size || strlen(text) != size;

        (void) journal_syslog_parse_priority(&msg, &priority, true);

        if (flags & JOURNAL_SYSLOG_RFC5424)
                r = parse_rfc5424(msg, &p);
        if (r < 0)
                goto finish;
        if (r > 0) {
                store_raw = true;
                msg = p.msg;
        } else {
                p.ts = msg;
                p.ts_len = skip_timestamp(&msg);
                if (p.ts_len == 0) {
                        p.ts = NULL;
                        store_raw = true;
                }
                r = 0;
                if ((flags & JOURNAL_SYSLOG_HOSTNAME) && p.ts)
                        r = skip_hostname(&msg, &p);
                if (r == 0)
                        r = journal_syslog_parse_identifier(&msg, &p.identifier, &p.pid);
                if (r < 0)
                        goto finish;
        }
        p.msg = msg;

        r = add_fields(ret, priority, &p, buf, size, store_raw);
        if (r >= 0 && ret_priority)
                *ret_priority = priority;
finish:
        if (r < 0)
                journal_entry_done(ret);
        free(p.identifier);
        free(p.pid);
        return r < 0 ? r : 0;
}
