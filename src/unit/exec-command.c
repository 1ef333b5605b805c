/* SPDX-License-Identifier: MIT */
/* Exec*= command lines, as systemd 252's config_parse_exec(): prefixes, quoting, specifiers,
 * ";"-separated commands; variables stay for exec time. Messages, levels and what is fatal were
 * checked one by one with `systemd-analyze verify` of systemd 252. */
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/conf-parser.h"
#include "unit/specifier.h"
#include "unit/unit.h"

void exec_command_free_list(ExecCommand *c) {
        while (c) {
                ExecCommand *n = c->next;
                free(c->path);
                strv_free(c->argv);
                free(c);
                c = n;
        }
}

/* State of one Exec*= value while it is parsed. `rest` is where the current command starts:
 * systemd quotes that remainder (not the whole value) in some messages. */
typedef struct ExecParse {
        const ConfigItem *it;
        Unit *u;
        const char *rest;
        bool ignore;   /* '-' prefix: errors become warnings and the command is skipped */
} ExecParse;

#define LEVEL(ep) ((ep)->ignore ? LOG_WARNING : LOG_ERR)
#define IGNORING(ep) ((ep)->ignore ? ", ignoring" : "")

/* extract_first_word_and_warn(): on a bad escape, retry keeping unknown escapes verbatim and
 * warn; unbalanced quotes are an error. Returns 1 (word), 0 (end) or <0 (logged). */
static int next_word(const ExecParse *ep, const char **p, char **ret) {
        const char *save = *p;
        const ConfigItem *it = ep->it;
        int r = extract_first_word(p, ret, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE);
        if (r >= 0) return r;
        if (r == -EINVAL) {
                *p = save;
                r = extract_first_word(p, ret, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_RELAX);
                if (r >= 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Ignoring unknown escape sequences: \"%s\"", *ret);
                        return r;
                }
                if (r == -EINVAL) {
                        log_syntax(it->file, it->line, LOG_ERR, EINVAL, "Unbalanced quoting, ignoring: \"%s\"", ep->rest);
                        return -EINVAL;
                }
        }
        if (r == -ENOMEM) return log_oom();
        log_syntax(it->file, it->line, LOG_ERR, r, "Unable to decode word \"%s\", ignoring: %m", ep->rest);
        return r;
}

/* Leading "-@:+!" characters, as 252 reads them: each at most once, '+' excludes '!' and "!!",
 * and a second '!' turns '!' into "!!". The first character that does not fit ends the prefix
 * and belongs to the path (which then is usually invalid: "+!/bin/x" → "!/bin/x"). */
static const char *parse_prefixes(const char *f, ExecCommandFlags *flags, bool *separate_argv0) {
        const ExecCommandFlags priv = EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID | EXEC_COMMAND_AMBIENT_MAGIC;
        for (;; f++) {
                if (*f == '-' && !(*flags & EXEC_COMMAND_IGNORE_FAILURE))
                        *flags |= EXEC_COMMAND_IGNORE_FAILURE;
                else if (*f == '@' && !*separate_argv0)
                        *separate_argv0 = true;
                else if (*f == ':' && !(*flags & EXEC_COMMAND_NO_ENV_EXPAND))
                        *flags |= EXEC_COMMAND_NO_ENV_EXPAND;
                else if (*f == '+' && !(*flags & priv))
                        *flags |= EXEC_COMMAND_FULLY_PRIVILEGED;
                else if (*f == '!' && !(*flags & priv))
                        *flags |= EXEC_COMMAND_NO_SETUID;
                else if (*f == '!' && !(*flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_AMBIENT_MAGIC)))
                        *flags = (*flags & ~EXEC_COMMAND_NO_SETUID) | EXEC_COMMAND_AMBIENT_MAGIC;
                else
                        return f;
        }
}

static bool filename_is_valid(const char *p) {
        return *p && !strchr(p, '/') && !streq(p, ".") && !streq(p, "..") && strlen(p) <= 255;
}

/* Absolute, and no component longer than NAME_MAX (path_is_valid()). */
static bool abs_path_is_valid(const char *p) {
        if (p[0] != '/' || strlen(p) >= 4096) return false;
        for (const char *c = p; *c;) {
                c += strspn(c, "/");
                size_t n = strcspn(c, "/");
                if (n > 255) return false;
                c += n;
        }
        return true;
}

/* string_is_safe(): no control characters, quotes or backslashes. */
static bool string_is_safe(const char *p) {
        for (; *p; p++)
                if ((unsigned char)*p < ' ' || *p == 127 || strchr("\"'\\", *p)) return false;
        return true;
}

/* path_simplify(): "//" → "/", "/./" → "/", no trailing "/" (".." is kept). */
static void path_simplify(char *p) {
        char *w = p;
        bool absolute = p[0] == '/';
        for (const char *r = p; *r;) {
                if (*r == '/') {
                        while (*r == '/') r++;
                        if (r[0] == '.' && (r[1] == '/' || !r[1])) { r++; continue; }
                        *w++ = '/';
                        continue;
                }
                *w++ = *r++;
        }
        if (w > p + 1 && w[-1] == '/') w--;
        if (w == p && absolute) *w++ = '/';
        *w = 0;
}

/* Specifiers of the unit, with 252's message: the command name is quoted, arguments are not. */
static int expand(const ExecParse *ep, const char *text, bool quote, char **ret) {
        const Unit *u = ep->u;
        SpecifierUnit su = { .id = u ? u->id : NULL, .fragment_path = u ? u->fragment_path : NULL,
                             .root = u ? u->root : NULL };
        int r = specifier_expand(&su, SPECIFIERS_FULL, text, 0, ret);
        if (r == -ENOMEM) return log_oom();
        if (r < 0)
                log_syntax(ep->it->file, ep->it->line, LEVEL(ep), r, "Failed to resolve unit specifiers in %s%s%s%s: %m",
                           quote ? "'" : "", text, quote ? "'" : "", IGNORING(ep));
        return r;
}

/* The checks of the command name, in 252's order. 0 if fine, else logged. */
static int check_path(const ExecParse *ep, const char *path) {
        const ConfigItem *it = ep->it;
        if (isempty(path)) {
                log_syntax(it->file, it->line, LEVEL(ep), 0, "Empty path in command line%s: '%s'", IGNORING(ep), ep->rest);
                return -EINVAL;
        }
        const char *why = NULL;
        if (!string_is_safe(path)) why = "Executable name contains special characters";
        else if (endswith(path, "/")) why = "Executable path specifies a directory";
        else if (path[0] == '/' ? !abs_path_is_valid(path) : !filename_is_valid(path))
                why = "Neither a valid executable name nor an absolute path";
        if (!why) return 0;
        log_syntax(it->file, it->line, LEVEL(ep), 0, "%s%s: %s", why, IGNORING(ep), path);
        return -EINVAL;
}

/* After a word, *p is at the next word (extract_first_word() skips separators) or NULL. A lone
 * ";" ends the command; "\;" is a literal ";" argument (so "\\;" or "';'" are not special). */
static int at_semicolon(const char *p) {
        if (isempty(p)) return 0;
        if (p[0] == ';' && (!p[1] || strchr(WHITESPACE, p[1]))) return 1;
        if (p[0] == '\\' && p[1] == ';' && (!p[2] || strchr(WHITESPACE, p[2]))) return 2;
        return 0;
}

/* Appends at the end; the first command remembers the last one, so a list of N commands (one
 * value with N ";", or N assignments) is built in O(N), not O(N²). */
static int append_command(ExecCommand **list, char *path, char **argv, ExecCommandFlags flags) {
        ExecCommand *c = calloc(1, sizeof *c);
        if (!c) return -ENOMEM;
        *c = (ExecCommand){ .path = path, .argv = argv, .flags = flags };
        if (!*list) {
                *list = c;
                c->last = c;
                return 0;
        }
        ExecCommand *t = (*list)->last ? (*list)->last : *list;
        while (t->next) t = t->next;   /* nothing to walk unless the list was built elsewhere */
        t->next = c;
        (*list)->last = c;
        return 0;
}

/* The arguments after the command name, up to a ";" (sets *semicolon). */
static int parse_args(ExecParse *ep, const char **p, StrvBuilder *argv, bool *semicolon) {
        while (!isempty(*p)) {
                int s = at_semicolon(*p);
                if (s > 0) {
                        *p += s;
                        *p += strspn(*p, WHITESPACE);
                        if (s == 1) {
                                *semicolon = true;
                                return 0;
                        }
                        if (strv_builder_extend(argv, ";") < 0) return log_oom();
                        continue;
                }
                _cleanup_free_ char *word = NULL, *k = NULL;
                int r = next_word(ep, p, &word);
                if (r == 0) break;
                if (r < 0) return r;
                if (expand(ep, word, false, &k) < 0) return -EINVAL;
                if (strv_builder_push(argv, TAKE_PTR(k)) < 0) return log_oom();
        }
        return 0;
}

/* One command at *p. Returns 1 if parsing goes on after a ";", 0 at the end, <0 if the value
 * is rejected (logged; the caller decides fatal or not from ep->ignore). */
static int parse_one(ExecParse *ep, const char **p, ExecCommand **list) {
        _cleanup_free_ char *first = NULL, *path = NULL;
        _cleanup_(strv_builder_done) StrvBuilder argv = {0};
        ExecCommandFlags flags = 0;
        bool separate_argv0 = false, semicolon = false;
        const ConfigItem *it = ep->it;

        ep->ignore = false;
        int r = next_word(ep, p, &first);
        if (r == -ENOMEM) return r;
        if (r <= 0) return 0;            /* a bad first word is logged and ends parsing, not fatal */
        if (streq(first, ";")) return 1; /* empty command */

        const char *f = parse_prefixes(first, &flags, &separate_argv0);
        ep->ignore = flags & EXEC_COMMAND_IGNORE_FAILURE;
        if ((r = expand(ep, f, true, &path)) < 0) return r;
        if ((r = check_path(ep, path)) < 0) return r;
        if (!separate_argv0 && strv_builder_extend(&argv, path) < 0) return log_oom();
        path_simplify(path);
        if ((r = parse_args(ep, p, &argv, &semicolon)) < 0) return r;
        if (argv.n == 0) {
                log_syntax(it->file, it->line, LEVEL(ep), 0, "Empty executable name or zeroeth argument%s: %s",
                           IGNORING(ep), ep->rest);
                return -EINVAL;
        }
        char **l = strv_builder_steal(&argv);
        if (!l) return log_oom();
        if (append_command(list, path, l, flags) < 0) {
                strv_free(l);
                return log_oom();
        }
        path = NULL;
        ep->rest = *p;
        return semicolon;
}

int exec_command_parse(const ConfigItem *it, Unit *u, ExecCommand **list) {
        if (isempty(it->value)) {
                exec_command_free_list(*list);
                *list = NULL;
                return 0;
        }
        ExecParse ep = { .it = it, .u = u, .rest = it->value };
        const char *p = it->value;
        for (;;) {
                int r = parse_one(&ep, &p, list);
                if (r == -ENOMEM) return r;
                if (r < 0) return ep.ignore ? 0 : -ENOEXEC;
                if (r == 0) return 0;
        }
}

char *exec_command_flags_to_string(ExecCommandFlags f) {
        static const char *const names[] = { "ignore-failure", "privileged", "no-setuid", "ambient", "no-env-expand" };
        Buf b = {0};
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (f & (1 << i)) {
                        if (b.len) buf_putc(&b, ' ');
                        buf_puts(&b, names[i]);
                }
        return buf_steal(&b);
}
