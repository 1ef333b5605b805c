/* SPDX-License-Identifier: MIT */
#include "base/log.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/notify-msg.h"
#include "base/utf8.h"

/* ---- splitting ---- */

static bool is_newline(char c) { return c == '\n' || c == '\r'; }

/* Split [buf, buf+size) (no NUL inside) into words as systemd's strv_split_newlines() does:
 * separators '\n' and '\r', coalesced; a backslash takes the next character literally; a
 * trailing backslash is an error. The words are written NUL-terminated into `out` (size + 1
 * bytes) and pointed to from `tags` (size / 2 + 2 entries, NULL-terminated). Returns the count. */
static int split_lines(const char *buf, size_t size, char *out, char **tags) {
        size_t i = 0, o = 0, n = 0;

        for (;;) {
                while (i < size && is_newline(buf[i]))
                        i++;
                if (i >= size)
                        break;

                tags[n++] = out + o;
                while (i < size && !is_newline(buf[i])) {
                        if (buf[i] == '\\') {
                                if (i + 1 >= size)
                                        return -EINVAL;
                                i++;
                        }
                        out[o++] = buf[i++];
                }
                out[o++] = 0;
        }
        tags[n] = NULL;
        return (int) n;
}

static const char *find_first(char *const *tags, const char *prefix) {
        STRV_FOREACH(t, tags) {
                const char *v = startswith(*t, prefix);
                if (v)
                        return v;
        }
        return NULL;
}

static bool contains(char *const *tags, const char *s) {
        STRV_FOREACH(t, tags)
                if (streq(*t, s))
                        return true;
        return false;
}

/* ---- value checks ---- */

static bool utf8_valid(const char *s) {
        return utf8_is_valid_n(s, strlen(s), true);
}

/* systemd's fdname_is_valid(): printable ASCII except ':', at most 255 bytes; "" is valid. */
static bool fdname_valid(const char *s) {
        size_t n = 0;
        for (const char *p = s; *p; p++, n++)
                if ((unsigned char) *p < ' ' || (unsigned char) *p >= 127 || *p == ':')
                        return false;
        return n <= NOTIFY_FDNAME_MAX;
}

/* ---- interpretation ---- */

static int interpret(char *const *tags, NotifyMessage *m) {
        const char *e;
        int r;

        if (contains(tags, "BARRIER=1")) {
                m->barrier = true;
                return 0;
        }

        e = find_first(tags, "MAINPID=");
        if (e) {
                if (parse_pid(e, &m->mainpid) < 0)
                        log_warning("Failed to parse MAINPID= field in notification message, ignoring: %s", e);
                else
                        m->has_mainpid = true;
        }

        /* the last of READY=1, RELOADING=1, STOPPING=1 wins */
        for (size_t i = strv_length(tags); i > 0; i--) {
                const char *t = tags[i - 1];
                if (streq(t, "READY=1"))
                        m->ready = true;
                else if (streq(t, "RELOADING=1"))
                        m->reloading = true;
                else if (streq(t, "STOPPING=1"))
                        m->stopping = true;
                else
                        continue;
                break;
        }

        e = find_first(tags, "STATUS=");
        if (e) {
                size_t l = strlen(e);
                if (l > NOTIFY_STATUS_TEXT_MAX) {
                        log_warning("Status message overly long (%zu > %u), ignoring.", l, NOTIFY_STATUS_TEXT_MAX);
                        e = "";
                } else if (!utf8_valid(e)) {
                        log_warning("Status message in notification message is not UTF-8 clean, ignoring.");
                        e = "";
                }
                m->status = strdup(e);
                if (!m->status)
                        return -ENOMEM;
                m->has_status = true;
        }

        e = find_first(tags, "ERRNO=");
        if (e) {
                r = parse_errno(e, &m->errnum);
                if (r < 0)
                        log_warning_errno(r, "Failed to parse ERRNO= field value '%s' in notification message: %m", e);
                else
                        m->has_errno = true;
        }

        e = find_first(tags, "EXTEND_TIMEOUT_USEC=");
        if (e) {
                if (safe_atou64(e, &m->extend_timeout_usec) < 0)
                        log_warning("Failed to parse EXTEND_TIMEOUT_USEC=%s", e);
                else
                        m->has_extend_timeout = true;
        }

        e = find_first(tags, "WATCHDOG=");
        if (e) {
                if (streq(e, "1"))
                        m->watchdog = true;
                else if (streq(e, "trigger"))
                        m->watchdog_trigger = true;
                else
                        log_warning("Passed WATCHDOG= field is invalid, ignoring.");
        }

        e = find_first(tags, "WATCHDOG_USEC=");
        if (e) {
                if (safe_atou64(e, &m->watchdog_usec) < 0)
                        log_warning("Failed to parse WATCHDOG_USEC=%s", e);
                else
                        m->has_watchdog_usec = true;
        }

        e = find_first(tags, "MONOTONIC_USEC=");
        if (e) {
                r = safe_atou64(e, &m->monotonic_usec);
                if (r < 0)
                        log_warning_errno(r, "Failed to parse MONOTONIC_USEC= field in notification message, ignoring: %s", e);
                else
                        m->has_monotonic_usec = true;
        }

        e = find_first(tags, "EXIT_STATUS=");
        if (e) {
                r = safe_atoi(e, &m->exit_status);
                if (r < 0)
                        log_warning_errno(r, "Failed to parse EXIT_STATUS= field in notification message, ignoring: %s", e);
                else
                        m->has_exit_status = true;
        }

        m->fdstoreremove = contains(tags, "FDSTOREREMOVE=1");
        m->fdstore = !m->fdstoreremove && contains(tags, "FDSTORE=1");
        m->fdpoll_disabled = contains(tags, "FDPOLL=0");
        e = find_first(tags, "FDNAME=");
        if (e && fdname_valid(e)) {
                m->fdname = strdup(e);
                if (!m->fdname)
                        return -ENOMEM;
        }
        if (m->fdstoreremove && !m->fdname)
                log_warning("FDSTOREREMOVE=1 requested, but no valid file descriptor name passed, ignoring.");
        else if (m->fdstore && e && !m->fdname)
                log_warning("Passed FDNAME= name is invalid, ignoring.");

        return 0;
}

int notify_message_parse(const char *buf, size_t size, NotifyMessage *ret) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_free_ char **tags = NULL;
        NotifyMessage m = {};
        int n, r;

        if (!ret || (!buf && size > 0))
                return -EINVAL;
        if (size > NOTIFY_BUFFER_MAX)
                return -EMSGSIZE;

        /* one trailing NUL is tolerated, any other NUL refused */
        if (size > 0 && buf[size - 1] == '\0')
                size--;
        if (size > 0 && memchr(buf, 0, size))
                return -EINVAL;

        copy = malloc(size + 1);
        tags = malloc((size / 2 + 2) * sizeof *tags);
        if (!copy || !tags)
                return -ENOMEM;
        n = split_lines(buf, size, copy, tags);
        if (n < 0)
                return n;

        r = interpret(tags, &m);
        if (r < 0) {
                notify_message_done(&m);
                return r;
        }
        *ret = m;
        return n;
}

void notify_message_done(NotifyMessage *m) {
        if (!m)
                return;
        free(m->status);
        free(m->fdname);
        *m = (NotifyMessage) {};
}
