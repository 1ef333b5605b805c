/* SPDX-License-Identifier: MIT */
/* Exec*= command lines, as systemd 252's config_parse_exec(): prefixes, quoting, specifiers,
 * ";"-separated commands; variables stay for exec time. */
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

static int expand(const ConfigItem *it, Unit *u, const char *word, char **ret) {
        ConfigItem w = *it;
        w.value = word;
        return config_expand_specifiers(&w, u, SPECIFIERS_FULL, ret);
}

/* Leading "@-:+!" characters; returns the flags and sets *separate_argv0. A prefix repeated or
 * combined against the rules ends the prefix, as in systemd: the rest is part of the path. */
static const char *parse_prefixes(const char *f, ExecCommandFlags *flags, bool *separate_argv0) {
        for (;; f++) {
                if (*f == '-' && !(*flags & EXEC_COMMAND_IGNORE_FAILURE))
                        *flags |= EXEC_COMMAND_IGNORE_FAILURE;
                else if (*f == '@' && !*separate_argv0)
                        *separate_argv0 = true;
                else if (*f == ':' && !(*flags & EXEC_COMMAND_NO_ENV_EXPAND))
                        *flags |= EXEC_COMMAND_NO_ENV_EXPAND;
                else if (*f == '+' && !(*flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID | EXEC_COMMAND_AMBIENT_MAGIC)))
                        *flags |= EXEC_COMMAND_FULLY_PRIVILEGED;
                else if (*f == '!' && f[1] == '!' && !(*flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID | EXEC_COMMAND_AMBIENT_MAGIC))) {
                        *flags |= EXEC_COMMAND_AMBIENT_MAGIC;
                        f++;
                } else if (*f == '!' && !(*flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID | EXEC_COMMAND_AMBIENT_MAGIC)))
                        *flags |= EXEC_COMMAND_NO_SETUID;
                else
                        return f;
        }
}

static bool filename_is_valid(const char *p) {
        return *p && !strchr(p, '/') && !streq(p, ".") && !streq(p, "..") && strlen(p) <= 255;
}

static int check_path(const ConfigItem *it, const char *path, bool ignore) {
        const char *why = NULL;
        if (isempty(path)) why = "Empty path in command line";
        else if (strpbrk(path, "\n\r") || path[strcspn(path, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x7f")] != 0)
                why = "Executable name contains special characters";
        else if (endswith(path, "/")) why = "Executable path specifies a directory";
        else if (path[0] != '/' && !filename_is_valid(path)) why = "Neither a valid executable name nor an absolute path";
        if (!why) return 0;
        log_syntax(it->file, it->line, ignore ? LOG_WARNING : LOG_ERR, EINVAL, "%s%s: %s", why,
                   ignore ? ", ignoring" : "", it->value);
        return ignore ? 1 : -ENOEXEC;
}

/* Is *p at a lone ";" (command separator) or "\;" (a literal ";" argument)? */
static int at_semicolon(const char *p) {
        if (!p) return 0;  /* extract_first_word() sets the cursor to NULL at the end */
        p += strspn(p, WHITESPACE);
        if (p[0] == ';' && (!p[1] || strchr(WHITESPACE, p[1]))) return 1;
        if (p[0] == '\\' && p[1] == ';' && (!p[2] || strchr(WHITESPACE, p[2]))) return 2;
        return 0;
}

/* One command starting at *p; advances *p past it and its ";". Returns 1 if a command was
 * added, 0 at the end, <0 on fatal error. */
static int parse_one(const ConfigItem *it, Unit *u, const char **p, ExecCommand **list) {
        _cleanup_free_ char *first = NULL, *path = NULL;
        int r;
        while (at_semicolon(*p) == 1) *p += strspn(*p, WHITESPACE) + 1;  /* empty commands */
        if (!*p) return 0;
        r = extract_first_word(p, &first, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE);
        if (r == 0) return 0;
        if (r < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, r, "Invalid syntax, ignoring: %s", it->value);
                return 0;
        }
        ExecCommandFlags flags = 0;
        bool separate_argv0 = false;
        const char *f = parse_prefixes(first, &flags, &separate_argv0);
        bool ignore = flags & EXEC_COMMAND_IGNORE_FAILURE;
        if (expand(it, u, f, &path) < 0) return ignore ? 0 : -ENOEXEC;
        if ((r = check_path(it, path, ignore)) != 0) return r < 0 ? r : 0;
        _cleanup_strv_free_ char **argv = NULL;
        if (!separate_argv0 && strv_extend(&argv, path) < 0) return -ENOMEM;
        for (;;) {
                int s = at_semicolon(*p);
                if (s == 1) {
                        *p += strspn(*p, WHITESPACE) + 1;
                        break;
                }
                if (s == 2) {
                        *p += strspn(*p, WHITESPACE) + 2;
                        if (strv_extend(&argv, ";") < 0) return -ENOMEM;
                        continue;
                }
                _cleanup_free_ char *word = NULL, *k = NULL;
                if (!*p) break;
                r = extract_first_word(p, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE);
                if (r == 0) break;
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, r, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (expand(it, u, word, &k) < 0) return ignore ? 0 : -ENOEXEC;
                if (strv_push(&argv, TAKE_PTR(k)) < 0) return -ENOMEM;
        }
        if (!argv || !argv[0]) {
                log_syntax(it->file, it->line, ignore ? LOG_WARNING : LOG_ERR, EINVAL,
                           "Empty executable name or zeroeth argument%s: %s", ignore ? ", ignoring" : "", it->value);
                return ignore ? 0 : -ENOEXEC;
        }
        ExecCommand *c = calloc(1, sizeof *c);
        if (!c) return -ENOMEM;
        c->path = TAKE_PTR(path);
        c->argv = TAKE_PTR(argv);
        c->flags = flags;
        while (*list) list = &(*list)->next;
        *list = c;
        return 1;
}

int exec_command_parse(const ConfigItem *it, Unit *u, ExecCommand **list) {
        if (isempty(it->value)) {
                exec_command_free_list(*list);
                *list = NULL;
                return 0;
        }
        const char *p = it->value;
        for (;;) {
                int r = parse_one(it, u, &p, list);
                if (r == -ENOMEM) return log_oom();
                if (r <= 0) return r;
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

/* systemctl show's rendering of a command that has not run: argv joined by spaces, unquoted. */
char *exec_command_format_show(const ExecCommand *c, bool ex) {
        Buf b = {0};
        buf_printf(&b, "{ path=%s ; argv[]=", c->path);
        STRV_FOREACH(a, c->argv) buf_printf(&b, "%s ", *a);
        if (ex) {
                _cleanup_free_ char *fl = exec_command_flags_to_string(c->flags);
                buf_printf(&b, "; flags=%s ; ", fl ? fl : "");
        } else
                buf_printf(&b, "; ignore_errors=%s ; ", c->flags & EXEC_COMMAND_IGNORE_FAILURE ? "yes" : "no");
        buf_puts(&b, "start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }");
        return buf_steal(&b);
}
