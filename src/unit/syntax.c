/* SPDX-License-Identifier: MIT */
/* The unit-file syntax (systemd.syntax(7)). Behaviour pinned to systemd 252's config_parse():
 *  - lines are stripped; empty lines and lines starting with '#' or ';' are comments;
 *  - a line whose last character is an unescaped '\' continues on the next line; the backslash
 *    becomes a space; comment lines and empty lines inside a continuation are skipped;
 *  - "[Section]" starts a section; a header without the closing ']' makes the file unusable;
 *  - "Key=Value": key and value are stripped; a missing '=' or empty key is warned and skipped;
 *  - unknown sections are warned once and their keys skipped; "X-" sections silently;
 *  - a UTF-8 BOM at the start is ignored; invalid UTF-8 lines are warned and skipped. */
#include <fcntl.h>
#include <stdio.h>
#include "base/log.h"
#include "base/util.h"
#include "unit/syntax.h"
#include "base/utf8.h"

typedef struct ParseState {
        const char *name;
        const char *const *sections;
        config_item_cb cb;
        void *userdata;
        char *section;          /* current section, NULL if none or ignored */
        unsigned section_line;
        bool section_ignored;
} ParseState;

static bool section_known(const ParseState *st, const char *n, bool *silently) {
        *silently = startswith(n, "X-") != NULL;
        if (!st->sections) return true;
        for (const char *const *s = st->sections; *s; s++) {
                if (streq(*s, n)) return true;
                if ((*s)[0] == '-' && streq(*s + 1, n)) { *silently = true; return false; }
        }
        return false;
}

static int parse_line(ParseState *st, unsigned line, char *l) {
        l = strstrip(l);
        if (!*l || strchr("#;", *l)) return 0;
        if (!utf8_is_valid_n(l, strlen(l), false)) {
                log_syntax(st->name, line, LOG_WARNING, EINVAL, "Not a valid UTF-8 string, ignoring line.");
                return 0;
        }
        if (startswith(l, ".include ")) {
                log_syntax(st->name, line, LOG_ERR, EBADMSG,
                           ".include directives are not supported anymore. Please use drop-in files instead.");
                return -EBADMSG;
        }
        if (*l == '[') {
                size_t n = strlen(l);
                if (l[n - 1] != ']')
                        return log_syntax(st->name, line, LOG_ERR, EBADMSG, "Invalid section header '%s'", l);
                l[n - 1] = 0;
                const char *name = l + 1;
                bool silently;
                free(st->section);
                st->section = NULL;
                st->section_line = 0;
                if (!section_known(st, name, &silently)) {
                        if (!silently) log_syntax(st->name, line, LOG_WARNING, 0, "Unknown section '%s'. Ignoring.", name);
                        st->section_ignored = true;
                        return 0;
                }
                st->section_ignored = false;
                st->section = strdup(name);
                st->section_line = line;
                return st->section ? 0 : -ENOMEM;
        }
        if (!st->section) {
                if (!st->section_ignored)
                        log_syntax(st->name, line, LOG_WARNING, 0, "Assignment outside of section. Ignoring.");
                return 0;
        }
        char *e = strchr(l, '=');
        if (!e) {
                log_syntax(st->name, line, LOG_WARNING, EINVAL, "Missing '=', ignoring line.");
                return 0;
        }
        if (e == l) {
                log_syntax(st->name, line, LOG_WARNING, EINVAL, "Missing key name before '=', ignoring line.");
                return 0;
        }
        *e = 0;
        ConfigItem it = {
                .file = st->name, .line = line, .section = st->section,
                .section_line = st->section_line, .key = strstrip(l), .value = strstrip(e + 1),
        };
        return st->cb(&it, st->userdata);
}

/* A backslash at the end, not itself escaped, continues the line: an odd number of backslashes
 * ends it. Only the physical line is looked at, never the joined one: what was joined so far ends
 * in the space that replaced the previous continuation's backslash, so no run of backslashes
 * reaches back into it (looking at the whole joined line each time made 200,000 continued lines
 * take minutes). */
static bool ends_with_continuation(const char *raw, size_t len) {
        size_t n = 0;
        while (n < len && raw[len - 1 - n] == '\\') n++;
        return n % 2 == 1;
}

int config_parse_buffer(const char *name, const char *data, size_t size, const char *const *sections,
                        config_item_cb cb, void *userdata) {
        ParseState st = { .name = name, .sections = sections, .cb = cb, .userdata = userdata };
        Buf cont = {0};          /* accumulated continuation, empty if none */
        bool in_cont = false;
        unsigned line = 0;
        int r = 0;
        size_t pos = 0;

        if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3;
        while (pos < size) {
                const char *nl = memchr(data + pos, '\n', size - pos);
                size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
                const char *raw = data + pos;
                pos += len + (nl ? 1 : 0);
                line++;
                if (len > CONFIG_LINE_MAX) {
                        r = log_syntax(name, line, LOG_ERR, ENOBUFS, "Line too long (%zu bytes, the limit is %u).", len, CONFIG_LINE_MAX);
                        break;
                }
                if (memchr(raw, 0, len)) {
                        log_syntax(name, line, LOG_WARNING, EINVAL, "Line contains a NUL byte, ignoring line.");
                        continue;
                }
                if (in_cont) {
                        size_t skip = 0;
                        while (skip < len && strchr(WHITESPACE, raw[skip])) skip++;
                        if (skip == len || raw[skip] == '#' || raw[skip] == ';') continue;
                        if (cont.len + len > CONFIG_LINE_MAX) {
                                r = log_syntax(name, line, LOG_ERR, ENOBUFS, "Continuation line too long.");
                                break;
                        }
                }
                if ((r = buf_put(&cont, raw, len)) < 0) break;
                if (ends_with_continuation(raw, len)) {
                        cont.s[cont.len - 1] = ' ';
                        in_cont = true;
                        continue;
                }
                r = parse_line(&st, line, cont.s);
                cont.len = 0;
                in_cont = false;
                if (r < 0) break;
        }
        if (r >= 0 && in_cont && cont.len > 0)
                r = parse_line(&st, line, cont.s);  /* file ended inside a continuation */
        buf_free(&cont);
        free(st.section);
        return r < 0 ? r : 0;
}

int config_parse_file(const char *path, const char *const *sections, config_item_cb cb, void *userdata) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r = read_file_bounded(AT_FDCWD, path, CONFIG_FILE_MAX, &data, &size);
        if (r == -EFBIG)
                return log_error_errno(r, "%s: File too large (the limit is %u bytes), refusing.", path, CONFIG_FILE_MAX);
        if (r == -EISDIR)
                return log_error_errno(r, "%s: Is a directory, not a unit file.", path);
        if (r == -EBADFD)
                return log_error_errno(r, "%s: Not a regular file, refusing.", path);
        if (r < 0)
                return log_error_errno(r, "%s: Failed to read: %s", path, strerror(-r));
        return config_parse_buffer(path, data, size, sections, cb, userdata);
}
