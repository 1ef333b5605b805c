/* SPDX-License-Identifier: MIT */
/* systemd-sysv-generator 252, built in (see sysv-generator.h). Each script is read once, line by
 * line, in time linear in its size; its dependency lines are collected in order in buffers, so
 * the unit is written as 252 writes it. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/escape.h"
#include "base/hashmap.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/sysv-generator.h"
#include "unit/lookup.h"
#include "unit/name.h"

#define SCRIPT_SIZE_MAX (16U * 1024U * 1024U)
#define LINE_LENGTH_MAX (1U * 1024U * 1024U)   /* 252's LONG_LINE_MAX for read_line() */

/* The runlevel directories that enable a script; 252 ignores rc0.d and rc6.d (shutdown). */
static const struct {
        const char *dir;
        const char *target;
} rcnd_table[] = {
        { "rc1.d", "rescue.target" },
        { "rc2.d", "multi-user.target" },
        { "rc3.d", "multi-user.target" },
        { "rc4.d", "multi-user.target" },
        { "rc5.d", "graphical.target" },
};
#define N_RCND (sizeof rcnd_table / sizeof rcnd_table[0])
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

typedef struct SysvScript {
        char *name;              /* NAME.service */
        char *path;              /* the script, as SourcePath= names it */
        char *description;
        char *pid_file;
        int start_priority;      /* the highest S link's number, -1 without any */
        bool in_runlevel[N_RCND];
        Buf before, after, wants; /* "Key=unit\n" lines, in 252's order */
        bool has_lsb, reload, loaded;
} SysvScript;

typedef struct Generator {
        const char *dest;
        SysvScript **scripts;    /* in the order found: directory order, then name */
        size_t n_scripts;
        Hashmap *by_name;        /* NAME.service → script */
        LookupPaths lookup;      /* the unit search path without generator directories */
        UnitFileMap map;
        bool map_built;
} Generator;

static void script_free(SysvScript *s) {
        if (!s) return;
        free(s->name);
        free(s->path);
        free(s->description);
        free(s->pid_file);
        buf_free(&s->before);
        buf_free(&s->after);
        buf_free(&s->wants);
        free(s);
}

static void buf_reset(Buf *b) {
        b->len = 0;
        if (b->s) b->s[0] = 0;
}

static int add_line(Buf *b, const char *key, const char *unit) {
        if (buf_puts(b, key) < 0 || buf_puts(b, unit) < 0 || buf_putc(b, '\n') < 0) return -ENOMEM;
        return 0;
}

/* "%" → "%%", as 252's specifier_escape() for the paths and texts it writes. */
static char *specifier_escape(const char *s) {
        Buf b = {};
        for (; *s; s++)
                if ((*s == '%' && buf_putc(&b, '%') < 0) || buf_putc(&b, *s) < 0) {
                        buf_free(&b);
                        return NULL;
                }
        return buf_steal(&b);
}

/* ---- names ---- */

/* A script or Provides: name as a unit name: ".sh" dropped, then mangled (foo → foo.service). */
static char *translate_name(const char *name) {
        _cleanup_free_ char *c = strdup(name);
        if (!c) return NULL;
        size_t n = strlen(c);
        if (n >= 3 && streq(c + n - 3, ".sh")) c[n - 3] = 0;
        char *ret = NULL;
        if (unit_name_mangle(c, ".service", false, &ret) < 0) return NULL;
        return ret;
}

/* An LSB facility or script name as a unit: 1 and *ret, or 0 when it names nothing to depend on
 * (local_fs, syslog, the script itself), negative on a name that cannot be built. */
static int translate_facility(const SysvScript *s, unsigned line, const char *word, char **ret) {
        static const char *const table[][2] = {
                { "local_fs", NULL },
                { "network", "network-online.target" },
                { "named", "nss-lookup.target" },
                { "portmap", "rpcbind.target" },
                { "remote_fs", "remote-fs.target" },
                { "syslog", NULL },
                { "time", "time-sync.target" },
        };
        const char *n = word[0] == '$' ? word + 1 : word;
        *ret = NULL;
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
                if (streq(table[i][0], n)) {
                        if (!table[i][1]) return 0;
                        return (*ret = strdup(table[i][1])) ? 1 : -ENOMEM;
                }
        if (word[0] == '$') {   /* most likely a target */
                int r = unit_name_build(n, NULL, ".target", ret);
                if (r < 0)
                        return log_error_errno(r, "[%s:%u] Could not build name for facility %s: %m", s->path, line, word);
                return 1;
        }
        _cleanup_free_ char *own = strdup(strrchr(s->path, '/') + 1);
        if (!own) return -ENOMEM;
        size_t l = strlen(own);
        if (l >= 3 && streq(own + l - 3, ".sh")) own[l - 3] = 0;
        if (streq(n, own)) return 0;
        return (*ret = translate_name(n)) ? 1 : -ENOMEM;
}

/* ---- the LSB header ---- */

static int add_alias(const Generator *g, const SysvScript *s, const char *alias) {
        _cleanup_free_ char *link = strjoin(g->dest, "/", alias);
        if (!link) return -ENOMEM;
        if (symlink(s->name, link) < 0 && errno != EEXIST) return -errno;
        return 0;
}

static int handle_provides(const Generator *g, SysvScript *s, unsigned line, const char *text) {
        for (;;) {
                _cleanup_free_ char *word = NULL, *m = NULL;
                int r = extract_first_word(&text, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);
                if (r < 0)
                        return log_error_errno(r, "[%s:%u] Failed to parse word from provides string: %m", s->path, line);
                if (r == 0) return 0;
                if (translate_facility(s, line, word, &m) <= 0) continue;
                switch (unit_name_to_type(m)) {
                case UNIT_SERVICE:
                        r = add_alias(g, s, m);
                        if (r < 0)
                                log_warning_errno(r, "[%s:%u] Failed to add LSB Provides name %s, ignoring: %m",
                                                  s->path, line, m);
                        break;
                case UNIT_TARGET:
                        /* a target the script provides is pulled in by it, never the other way */
                        if (add_line(&s->before, "Before=", m) < 0 || add_line(&s->wants, "Wants=", m) < 0)
                                return log_oom();
                        if (streq(m, "network-online.target") &&
                            (add_line(&s->before, "Before=", "network.target") < 0 ||
                             add_line(&s->wants, "Wants=", "network.target") < 0))
                                return log_oom();
                        break;
                case _UNIT_TYPE_INVALID:
                        log_warning("Unit name '%s' is invalid", m);
                        break;
                default:
                        log_warning("Unknown unit type for unit '%s'", m);
                }
        }
}

/* Required-Start:, Should-Start:, X-Start-After: (After=) and X-Start-Before: (Before=). */
static int handle_dependencies(SysvScript *s, unsigned line, bool is_before, const char *text) {
        for (;;) {
                _cleanup_free_ char *word = NULL, *m = NULL;
                int r = extract_first_word(&text, &word, NULL, EXTRACT_UNQUOTE | EXTRACT_RELAX);
                if (r < 0)
                        return log_error_errno(r, "[%s:%u] Failed to parse word from provides string: %m", s->path, line);
                if (r == 0) return 0;
                if (translate_facility(s, line, word, &m) <= 0) continue;
                if (streq(m, "network-online.target") && !is_before) {
                        /* network-online.target must be pulled in to mean anything */
                        r = add_line(&s->after, "After=", m);
                        if (r >= 0) r = add_line(&s->wants, "Wants=", m);
                } else
                        r = is_before ? add_line(&s->before, "Before=", m) : add_line(&s->after, "After=", m);
                if (r < 0) return log_oom();
        }
}

/* ---- reading a script ---- */

typedef enum ParseState {
        STATE_NORMAL,
        STATE_DESCRIPTION,         /* a chkconfig "description:" continued with '\' */
        STATE_LSB,
        STATE_LSB_DESCRIPTION,     /* an LSB Description: continued on indented lines */
        STATE_USAGE_CONTINUATION,  /* a usage line continued with '\' */
} ParseState;

typedef struct Parser {
        const Generator *g;
        SysvScript *s;
        unsigned line;
        ParseState state;
        char *short_description, *chkconfig_description;
        Buf long_description;      /* Buf: continuation lines are appended in linear time */
        Buf chkconfig_more;
        bool supports_reload;
} Parser;

static bool usage_contains_reload(const char *t) {
        static const char *const forms[] = { "{reload|", "{reload}", "{reload\"", "|reload|", "|reload}", "|reload\"" };
        for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
                if (strcasestr(t, forms[i])) return true;
        return false;
}

/* A line that is not a comment: only the usage heuristic looks at it. */
static void parse_code_line(Parser *p, const char *t) {
        if (p->state != STATE_USAGE_CONTINUATION && !(p->state == STATE_NORMAL && strcasestr(t, "usage"))) return;
        size_t n = strlen(t);
        if (usage_contains_reload(t)) {
                p->supports_reload = true;
                p->state = STATE_NORMAL;
        } else
                p->state = n > 0 && t[n - 1] == '\\' ? STATE_USAGE_CONTINUATION : STATE_NORMAL;
}

/* Appends WORDS (stripped) to B with one space between, as 252's strextend_with_separator(). */
static int append_words(Buf *b, const char *words) {
        if (isempty(words)) return 0;
        if (b->len > 0 && buf_putc(b, ' ') < 0) return -ENOMEM;
        return buf_puts(b, words);
}

static int set_string(char **p, const char *v) {
        return free_and_strdup(p, isempty(v) ? NULL : v);
}

/* chkconfig (Red Hat) headers outside the LSB block: "description:" and "pidfile:". */
static int parse_chkconfig(Parser *p, char *t) {
        const char *v;
        if ((v = startswith_no_case(t, "description:"))) {
                size_t k = strlen(t);
                if (k > 0 && t[k - 1] == '\\') {
                        p->state = STATE_DESCRIPTION;
                        t[k - 1] = 0;
                }
                buf_reset(&p->chkconfig_more);
                return set_string(&p->chkconfig_description, strstrip((char *)v));
        }
        if ((v = startswith_no_case(t, "pidfile:"))) {
                p->state = STATE_NORMAL;
                const char *fn = strstrip((char *)v);
                if (fn[0] != '/') {
                        log_error("[%s:%u] PID file not absolute. Ignoring.", p->s->path, p->line);
                        return 0;
                }
                return free_and_strdup(&p->s->pid_file, fn);
        }
        return 0;
}

static int parse_lsb(Parser *p, const char *raw, char *t) {
        const char *v;
        if ((v = startswith_no_case(t, "Provides:"))) {
                p->state = STATE_LSB;
                return handle_provides(p->g, p->s, p->line, v);
        }
        if (startswith_no_case(t, "Required-Start:") || startswith_no_case(t, "Should-Start:") ||
            startswith_no_case(t, "X-Start-Before:") || startswith_no_case(t, "X-Start-After:")) {
                p->state = STATE_LSB;
                return handle_dependencies(p->s, p->line, startswith_no_case(t, "X-Start-Before:"), strchr(t, ':') + 1);
        }
        if ((v = startswith_no_case(t, "Description:"))) {
                p->state = STATE_LSB_DESCRIPTION;
                buf_reset(&p->long_description);
                return buf_puts(&p->long_description, strstrip((char *)v)) < 0 ? -ENOMEM : 0;
        }
        if ((v = startswith_no_case(t, "Short-Description:"))) {
                p->state = STATE_LSB;
                return set_string(&p->short_description, strstrip((char *)v));
        }
        if (p->state == STATE_LSB_DESCRIPTION) {
                /* continued on lines indented after the '#' (the raw line, as 252 looks at it) */
                if (startswith(raw, "#\t") || startswith(raw, "#  "))
                        return append_words(&p->long_description, strstrip(t));
                p->state = STATE_LSB;
        }
        return 0;
}

static int parse_line(Parser *p, char *raw) {
        char *t = strstrip(raw);
        if (*t != '#') {
                parse_code_line(p, t);
                return 0;
        }
        if (p->state == STATE_NORMAL && streq(t, "### BEGIN INIT INFO")) {
                p->state = STATE_LSB;
                p->s->has_lsb = true;
                return 0;
        }
        if ((p->state == STATE_LSB || p->state == STATE_LSB_DESCRIPTION) && streq(t, "### END INIT INFO")) {
                p->state = STATE_NORMAL;
                return 0;
        }
        t++;
        t += strspn(t, WHITESPACE);
        switch (p->state) {
        case STATE_NORMAL:
                return parse_chkconfig(p, t);
        case STATE_DESCRIPTION: {
                size_t k = strlen(t);
                if (k > 0 && t[k - 1] == '\\') t[k - 1] = 0;
                else p->state = STATE_NORMAL;
                return append_words(&p->chkconfig_more, strstrip(t)) < 0 ? -ENOMEM : 0;
        }
        case STATE_LSB:
        case STATE_LSB_DESCRIPTION:
                return parse_lsb(p, raw, t);
        case STATE_USAGE_CONTINUATION:
                return 0;
        }
        return 0;
}

/* The description 252 chooses: Short-Description:, else chkconfig's, else Description:. */
static int finish_description(Parser *p) {
        _cleanup_free_ char *chk = NULL;
        if (p->chkconfig_description || p->chkconfig_more.len > 0) {
                Buf b = {};
                if (append_words(&b, p->chkconfig_description) < 0 || append_words(&b, p->chkconfig_more.len > 0 ? p->chkconfig_more.s : NULL) < 0) {
                        buf_free(&b);
                        return -ENOMEM;
                }
                chk = buf_steal(&b);
        }
        const char *d = p->short_description ? p->short_description
                : chk ? chk : p->long_description.len > 0 ? p->long_description.s : NULL;
        if (!d) return 0;
        return (p->s->description = strjoin(p->s->has_lsb ? "LSB: " : "SYSV: ", d)) ? 0 : -ENOMEM;
}

/* Length of the end-of-line run at P as 252's read_line() takes it: \n, \r and \0 end a line, a
 * run ends a single line as long as no kind repeats ("\r\n" is one), and nothing follows a \0. */
static size_t eol_length(const char *p, const char *end) {
        unsigned seen = 0;
        size_t n = 0;
        for (; p + n < end; n++) {
                unsigned kind = p[n] == '\n' ? 1 : p[n] == '\r' ? 2 : p[n] == '\0' ? 4 : 0;
                if (kind == 0 || (seen & 4) || (seen & kind)) break;
                seen |= kind;
        }
        return n;
}

static size_t line_length(const char *p, const char *end) {
        size_t n = 0;
        while (p + n < end && p[n] != '\n' && p[n] != '\r' && p[n] != '\0') n++;
        return n;
}

static int parse_text(Parser *p, const char *data, size_t size) {
        const char *end = data + size;
        Buf line = {};
        int r = 0;
        for (const char *q = data; q < end && r >= 0;) {
                size_t n = line_length(q, end);
                if (n >= LINE_LENGTH_MAX) {
                        r = -ENOBUFS;
                        break;
                }
                buf_reset(&line);
                if (buf_put(&line, q, n) < 0) {
                        r = -ENOMEM;
                        break;
                }
                q += n;
                q += eol_length(q, end);
                p->line++;
                r = parse_line(p, line.s);
        }
        buf_free(&line);
        return r;
}

/* Reads the script's headers; a script that cannot be read is left out (not loaded), as in 252. */
static void load_script(const Generator *g, SysvScript *s) {
        _cleanup_free_ char *data = NULL;
        size_t size = 0;
        int r = read_file_bounded(AT_FDCWD, s->path, SCRIPT_SIZE_MAX, &data, &size);
        if (r == -ENOENT) return;
        if (r < 0) {
                log_error_errno(r, "Failed to open %s: %m", s->path);
                return;
        }
        log_debug("Loading SysV script %s", s->path);
        Parser p = { .g = g, .s = s };
        r = parse_text(&p, data, size);
        if (r == -ENOBUFS || r == -ENOMEM)
                log_error_errno(r, "Failed to read configuration file '%s': %m", s->path);
        if (r >= 0) {
                s->reload = p.supports_reload;
                r = finish_description(&p);
        }
        free(p.short_description);
        free(p.chkconfig_description);
        buf_free(&p.long_description);
        buf_free(&p.chkconfig_more);
        s->loaded = r >= 0;
}

/* ---- finding the scripts ---- */

/* $VAR split at ':' (relative entries made absolute), else DEF; each resolved through symbolic
 * links where it exists, duplicates dropped (252's acquire_search_path()). */
static int search_path(const char *var, const char *def, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        const char *e = getenv(var);
        _cleanup_free_ char *copy = strdup(e ? e : "");
        if (!copy) return -ENOMEM;
        char *save = NULL, cwd[PATH_MAX];
        for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
                char *abs = t[0] == '/' ? strdup(t) : getcwd(cwd, sizeof cwd) ? strjoin(cwd, "/", t) : NULL;
                if (!abs || strv_push(&l, abs) < 0) return -ENOMEM;
        }
        if (strv_isempty(l) && strv_extend(&l, def) < 0) return -ENOMEM;
        char **out = strv_new_empty();
        if (!out) return -ENOMEM;
        STRV_FOREACH(p, l) {
                char real[PATH_MAX];
                if (strv_consume_unique(&out, strdup(realpath(*p, real) ? real : *p)) < 0) {
                        strv_free(out);
                        return -ENOMEM;
                }
        }
        *ret = out;
        return 0;
}

/* Does NAME have a unit file of its own (a fragment, an alias, a mask) outside the generator
 * directories? 1 yes, 0 no, negative: could not tell (the script is skipped). */
static int native_unit_exists(Generator *g, const char *name) {
        static const char *const generated[] = {
                "/run/systemd/generator", "/run/systemd/generator.early", "/run/systemd/generator.late",
        };
        if (!g->map_built) {
                int r = lookup_paths_init(&g->lookup, NULL);
                if (r < 0) return r;
                for (size_t i = 0; i < sizeof generated / sizeof generated[0]; i++)
                        (void)strv_remove(g->lookup.search_path, generated[i]);
                if ((r = unit_file_map_build(&g->map, &g->lookup)) < 0) return r;
                g->map_built = true;
        }
        _cleanup_free_ char *id = NULL, *fragment = NULL;
        bool masked = false;
        int r = unit_file_find_fragment(&g->map, name, &id, &fragment, &masked);
        if (r == -ENOENT) return 0;
        if (r >= 0 || r == -ELOOP) return 1;
        return r;
}

static int add_script(Generator *g, const char *dir, const char *file, char *name) {
        int r = native_unit_exists(g, name);
        if (r != 0) {
                if (r < 0) log_debug_errno(r, "Failed to detect whether %s exists, skipping: %m", name);
                else log_debug("Native unit for %s already exists, skipping.", name);
                free(name);
                return 0;
        }
        SysvScript *s = calloc(1, sizeof *s);
        SysvScript **grown = s ? realloc(g->scripts, (g->n_scripts + 1) * sizeof *grown) : NULL;
        if (!grown || !(s->path = strjoin(dir, "/", file))) {
                free(name);
                script_free(s);
                return -ENOMEM;
        }
        g->scripts = grown;
        s->name = name;
        s->start_priority = -1;
        /* a debug message in Debian's 252, not a warning on every boot */
        log_debug("SysV service '%s' lacks a native systemd unit file. Automatically generating a unit file "
                    "for compatibility. Please update package to include a native systemd unit file, in order "
                    "to make it more safe and robust.", s->path);
        g->scripts[g->n_scripts++] = s;
        return hashmap_put(g->by_name, s->name, s) < 0 ? -ENOMEM : 0;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct Names {
        char **v;
        size_t n, cap;
} Names;

static int names_add(Names *l, const char *name) {
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                char **v = realloc(l->v, cap * sizeof(char *));
                if (!v) return -ENOMEM;
                l->v = v;
                l->cap = cap;
        }
        return (l->v[l->n++] = strdup(name)) ? 0 : (l->n--, -ENOMEM);
}

static void names_free(Names *l) {
        for (size_t i = 0; i < l->n; i++) free(l->v[i]);
        free(l->v);
}

/* The executable regular files of DIR, in name order (252 takes readdir()'s). */
static int enumerate_dir(Generator *g, const char *dir) {
        DIR *d = opendir(dir);
        if (!d) {
                if (errno != ENOENT) log_warning_errno(errno, "Opening %s failed, ignoring: %m", dir);
                return 0;
        }
        Names files = {};
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(d))) {
                struct stat st;
                if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue;
                if (fstatat(dirfd(d), de->d_name, &st, 0) < 0) {
                        log_warning_errno(errno, "stat() failed on %s/%s, ignoring: %m", dir, de->d_name);
                        continue;
                }
                if (!(st.st_mode & S_IXUSR) || !S_ISREG(st.st_mode)) continue;
                r = names_add(&files, de->d_name);
        }
        closedir(d);
        if (files.n > 1) qsort(files.v, files.n, sizeof(char *), compare_names);
        for (size_t i = 0; i < files.n && r >= 0; i++) {
                char *name = translate_name(files.v[i]);
                if (!name) continue;   /* no valid unit name results (252 gives up on all scripts here) */
                if (hashmap_get(g->by_name, name)) {
                        free(name);
                        continue;
                }
                r = add_script(g, dir, files.v[i], name);
        }
        names_free(&files);
        return r;
}

/* S links (S<2 digits><name>) in DIR/rcN.d: the script is enabled in that runlevel and its start
 * priority is the highest number it has. Links to scripts not generated are ignored. */
static void scan_rc_dir(Generator *g, const char *dir, size_t level) {
        _cleanup_free_ char *path = strjoin(dir, "/", rcnd_table[level].dir);
        DIR *d = path ? opendir(path) : NULL;
        if (!d) {
                if (path && errno != ENOENT) log_warning_errno(errno, "Opening %s failed, ignoring: %m", path);
                return;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                const char *n = de->d_name;
                if (n[0] != 'S' || strlen(n) < 4 || !IS_DIGIT(n[1]) || !IS_DIGIT(n[2])) continue;
                _cleanup_free_ char *name = translate_name(n + 3);
                SysvScript *s = name ? hashmap_get(g->by_name, name) : NULL;
                if (!s) {
                        log_debug("Ignoring %s symlink in %s, not generating %s.", n, rcnd_table[level].dir, strna(name));
                        continue;
                }
                int prio = (n[1] - '0') * 10 + (n[2] - '0');
                if (prio > s->start_priority) s->start_priority = prio;
                s->in_runlevel[level] = true;
        }
        closedir(d);
}

static int set_dependencies_from_rcnd(Generator *g) {
        _cleanup_strv_free_ char **dirs = NULL;
        int r = search_path("SYSTEMD_SYSVRCND_PATH", "/etc", &dirs);
        if (r < 0) return r;
        STRV_FOREACH(d, dirs)
                for (size_t i = 0; i < N_RCND; i++) scan_rc_dir(g, *d, i);
        for (size_t k = 0; k < g->n_scripts; k++)
                for (size_t i = 0; i < N_RCND; i++)
                        if (g->scripts[k]->in_runlevel[i] && add_line(&g->scripts[k]->before, "Before=", rcnd_table[i].target) < 0)
                                return -ENOMEM;
        return 0;
}

/* Scripts without LSB headers are ordered against the others by their start priorities. */
static int fix_order(Generator *g, SysvScript *s) {
        if (!s->loaded || s->start_priority < 0) return 0;
        for (size_t k = 0; k < g->n_scripts; k++) {
                SysvScript *o = g->scripts[k];
                if (o == s || !o->loaded || o->start_priority < 0 || (s->has_lsb && o->has_lsb)) continue;
                int r = 0;
                if (o->start_priority < s->start_priority) r = add_line(&s->after, "After=", o->name);
                else if (o->start_priority > s->start_priority) r = add_line(&s->before, "Before=", o->name);
                if (r < 0) return r;
        }
        return 0;
}

/* ---- writing the units ---- */

static int format_unit(const SysvScript *s, Buf *b) {
        _cleanup_free_ char *path = specifier_escape(s->path), *desc = NULL, *pid_file = NULL;
        if (!path || (s->description && !(desc = specifier_escape(s->description))) ||
            (s->pid_file && !(pid_file = specifier_escape(s->pid_file))))
                return -ENOMEM;
        int r = buf_printf(b, "# Automatically generated by systemd-sysv-generator\n\n"
                              "[Unit]\nDocumentation=man:systemd-sysv-generator(8)\nSourcePath=%s\n", path);
        if (r >= 0 && desc) r = buf_printf(b, "Description=%s\n", desc);
        const Buf *deps[] = { &s->before, &s->after, &s->wants };
        for (size_t i = 0; i < 3 && r >= 0; i++)
                if (deps[i]->len > 0) r = buf_put(b, deps[i]->s, deps[i]->len);
        if (r >= 0)
                r = buf_printf(b, "\n[Service]\nType=forking\nRestart=no\nTimeoutSec=5min\nIgnoreSIGPIPE=no\n"
                                  "KillMode=process\nGuessMainPID=no\nRemainAfterExit=%s\n", s->pid_file ? "no" : "yes");
        if (r >= 0 && pid_file) r = buf_printf(b, "PIDFile=%s\n", pid_file);
        /* the LSB exit codes "not installed" and "not configured" are a clean exit */
        if (r >= 0 && s->has_lsb) r = buf_puts(b, "SuccessExitStatus=5 6\n");
        if (r >= 0) r = buf_printf(b, "ExecStart=%s start\nExecStop=%s stop\n", path, path);
        if (r >= 0 && s->reload) r = buf_printf(b, "ExecReload=%s reload\n", path);
        return r < 0 ? -ENOMEM : 0;
}

static int write_file(const char *path, const Buf *b) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) return -errno;
        size_t done = 0;
        while (done < b->len) {
                ssize_t n = write(fd, b->s + done, b->len - done);
                if (n < 0) {
                        if (errno == EINTR) continue;
                        return -errno;
                }
                done += (size_t)n;
        }
        return 0;
}

/* DEST/TARGET.wants/NAME -> ../NAME */
static void add_wants_link(const char *dest, const char *target, const char *name) {
        _cleanup_free_ char *dir = strjoin(dest, "/", target, ".wants");
        _cleanup_free_ char *link = dir ? strjoin(dir, "/", name) : NULL;
        _cleanup_free_ char *to = strjoin("../", name);
        if (!link || !to) return;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                log_error_errno(errno, "Failed to create directory \"%s\": %m", dir);
                return;
        }
        if (symlink(to, link) < 0 && errno != EEXIST)
                log_error_errno(errno, "Failed to create symlink \"%s\": %m", link);
}

static int generate_unit(const Generator *g, const SysvScript *s) {
        if (!s->loaded) return 0;
        _cleanup_free_ char *unit = strjoin(g->dest, "/", s->name);
        if (!unit) return log_oom();
        struct stat st;
        /* a Provides: alias (or a backup copy's) of the same name: the real script wins */
        if (lstat(unit, &st) >= 0 && S_ISLNK(st.st_mode)) {
                log_warning("Overwriting existing symlink %s with real service.", unit);
                (void)unlink(unit);
        }
        Buf b = {};
        int r = format_unit(s, &b);
        if (r >= 0 && (r = write_file(unit, &b)) < 0) log_error_errno(r, "Failed to create unit file %s: %m", unit);
        buf_free(&b);
        if (r < 0) return r;
        for (size_t i = 0; i < N_RCND; i++)
                if (s->in_runlevel[i]) add_wants_link(g->dest, rcnd_table[i].target, s->name);
        return 1;
}

static void generator_done(Generator *g) {
        for (size_t k = 0; k < g->n_scripts; k++) script_free(g->scripts[k]);
        free(g->scripts);
        hashmap_free(g->by_name);
        if (g->map_built) unit_file_map_done(&g->map);
        lookup_paths_done(&g->lookup);
}

int sysv_generator_run(const char *dest) {
        Generator g = { .dest = dest };
        _cleanup_strv_free_ char **dirs = NULL;
        int r = search_path("SYSTEMD_SYSVINIT_PATH", "/etc/init.d", &dirs);
        if (r < 0 || !(g.by_name = hashmap_new())) return log_oom();
        STRV_FOREACH(d, dirs)
                if ((r = enumerate_dir(&g, *d)) < 0) goto finish;
        if (g.n_scripts == 0) goto finish;
        if ((r = set_dependencies_from_rcnd(&g)) < 0) goto finish;
        for (size_t k = 0; k < g.n_scripts; k++) load_script(&g, g.scripts[k]);
        int n = 0;
        for (size_t k = 0; k < g.n_scripts; k++)
                if (fix_order(&g, g.scripts[k]) >= 0 && generate_unit(&g, g.scripts[k]) > 0) n++;
        r = n;
finish:
        if (r < 0) log_error_errno(r, "SysV generator: %m");
        generator_done(&g);
        return r;
}
