/* SPDX-License-Identifier: MIT */
/* Every parser that reads what a unit file, a configuration file, a client or another user controls
 * takes time linear in its input: each case below feeds one parser about 1 MiB of the input that
 * was worst for it, and the parse must use less than LINEAR_CPU_LIMIT_MS of CPU time.
 *
 * How it is measured: each case runs in a child process; the child builds its input (not timed),
 * then takes clock_gettime(CLOCK_PROCESS_CPUTIME_ID) around the parser call and reports the
 * difference. CPU time, not wall time, so a loaded machine does not make the test flaky; the
 * child's RLIMIT_CPU stops a parser that runs away (quadratic code fails here in seconds instead
 * of hanging the suite).
 *
 * The bound: at -O2 the slowest case takes 0.2-0.4 s (40,000 drop-in files: their directory is read
 * and each file stat()ed), and with ASan+UBSan up to 1.2 s (200,000 tmpfiles.d lines), so the
 * limit is 1 s, 3 s in a sanitizer build. On cb663f4 (before the fixes) 20 of the cases took from
 * 2.8 s to more than 120 s at -O2, and D-Bus structs nested 31 deep 0.6 s (now 0.05 s).
 * `build/tests/test-linear --table` prints the figures of the current code at 256 KiB,
 * 512 KiB and 1 MiB, and bench/README.md keeps the before/after table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include "base/conf-files.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/time-util.h"
#include "bus/bus-message.h"
#include "core/notify-msg.h"
#include "core/sysv-generator.h"
#include "exec/env.h"
#include "exec/userdb.h"
#include "journal/journal-store.h"
#include "tmpfiles/item.h"
#include "unit/calendar.h"
#include "unit/conf-parser.h"
#include "unit/install.h"
#include "unit/load.h"
#include "unit/lookup.h"
#include "unit/name.h"
#include "unit/specifier.h"
#include "unit/syntax.h"
#include "unit/unit.h"
#include "tmptree.h"

#define LINEAR_INPUT_SIZE (1024u * 1024u)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define LINEAR_CPU_LIMIT_MS 3000
#else
#define LINEAR_CPU_LIMIT_MS 1000
#endif
#define CHILD_CPU_SECONDS 20        /* RLIMIT_CPU of a measuring child (--table: TABLE_CPU_SECONDS) */
#define TABLE_CPU_SECONDS 120

/* A case builds its input for a size in bytes (not timed), runs the parser on it (timed) and
 * checks the result (a failed check exits the child with status 2). */
typedef struct Input {
        char *text;                /* most cases: the bytes to parse, NUL-terminated */
        size_t size;
        size_t n;                  /* how many items the input holds, for the checks */
        char *dir;                 /* cases that need files: their temporary tree */
        char **list;               /* cases that take a list */
        void *extra;
} Input;

typedef struct LinearCase {
        const char *name;
        void (*build)(Input *in, size_t size);
        void (*run)(Input *in);
} LinearCase;

/* --table goes on after a failed check (code from before these fixes got some results wrong
 * too), to report the time; the figure is then marked. */
static bool table_mode, check_failed;

static void need(bool ok, const char *what) {
        if (!ok) {
                fprintf(stderr, "linear case check failed: %s\n", what);
                check_failed = true;
                if (!table_mode) exit(2);
        }
}

/* n copies of piece after head (and tail), NUL-terminated. */
static char *repeat(const char *head, const char *piece, size_t n, const char *tail, size_t *ret_size) {
        size_t hl = strlen(head), pl = strlen(piece), tl = strlen(tail);
        char *s = malloc(hl + pl * n + tl + 1), *p = s;
        need(s, "malloc");
        p = mempcpy(p, head, hl);
        for (size_t i = 0; i < n; i++) p = mempcpy(p, piece, pl);
        p = mempcpy(p, tail, tl);
        *p = 0;
        if (ret_size) *ret_size = (size_t)(p - s);
        return s;
}

/* Lines made by a printf format with one running number (%1$zu), after head, up to size bytes. */
#define NUMBERED(head, size, ret_n, ret_size, fmt)                                              \
        ({                                                                                      \
                Buf b_ = {0};                                                                   \
                size_t n_ = 0;                                                                  \
                need(buf_puts(&b_, head) >= 0, "buf");                                          \
                while (b_.len < (size)) need(buf_printf(&b_, fmt, n_++) >= 0, "buf");           \
                *(ret_n) = n_;                                                                  \
                *(ret_size) = b_.len;                                                           \
                buf_steal(&b_);                                                                 \
        })

static void write_file(const char *path, const char *data, size_t size) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        need(fd >= 0, path);
        for (size_t off = 0; off < size;) {
                ssize_t k = write(fd, data + off, size - off);
                need(k > 0, "write");
                off += (size_t)k;
        }
        close(fd);
}

static char *path_in(const Input *in, const char *rel) {
        char *p = strjoin(in->dir, "/", rel);
        need(p, "strjoin");
        return p;
}

/* ---- unit-file syntax and the unit loader ---- */

static const char *const service_sections[] = { "Unit", "Service", "Install", NULL };

static int count_item(const ConfigItem *it, void *userdata) {
        (void)it;
        (*(size_t *)userdata)++;
        return 0;
}

/* The finding of issue 15: one assignment continued over 200,000 lines (800 KB). */
static void build_continuation(Input *in, size_t size) {
        in->n = size / 4;
        in->text = repeat("[Service]\nExecStart=/bin/true \\\n", "a \\\n", in->n, "a\n", &in->size);
}

static void run_syntax_continuation(Input *in) {
        size_t n = 0;
        need(config_parse_buffer("c.service", in->text, in->size, service_sections, count_item, &n) == 0, "parse");
        need(n == 1, "one assignment");
}

static void run_unit(Input *in, const char *name) {
        Unit *u = unit_new(name);
        need(u, "unit_new");
        (void)unit_load_from_buffer(u, name, in->text, in->size);
        in->extra = u;
}

static void run_unit_continuation(Input *in) {
        run_unit(in, "c.service");
        Unit *u = in->extra;
        need(u->load_state == UNIT_LOADED, "loaded");
        need(strv_length(u->service->exec_command[SERVICE_EXEC_START]->argv) == in->n + 2, "every argument");
        unit_free(u);
}

/* One line per dependency, each naming another unit. */
static void build_after_lines(Input *in, size_t size) {
        in->text = NUMBERED("[Unit]\n", size, &in->n, &in->size, "After=u%1$zu.service\n");
}

static void run_unit_after_lines(Input *in) {
        run_unit(in, "d.service");
        Unit *u = in->extra;
        need(strv_length(u->unit.deps[UNIT_AFTER]) == in->n, "dependencies");
        unit_free(u);
}

/* One Wants= line naming every unit, then the same list again (all duplicates). */
static void build_wants_line(Input *in, size_t size) {
        Buf names = {0}, b = {0};
        for (in->n = 0; names.len < size / 2; in->n++) need(buf_printf(&names, "w%zu.service ", in->n) >= 0, "buf");
        need(buf_printf(&b, "[Unit]\nWants=%s\nWants=%s\n", names.s, names.s) >= 0, "buf");
        buf_free(&names);
        in->size = b.len;
        in->text = buf_steal(&b);
}

static void run_unit_wants_line(Input *in) {
        run_unit(in, "w.service");
        Unit *u = in->extra;
        need(strv_length(u->unit.deps[UNIT_WANTS]) == in->n, "dependencies");
        unit_free(u);
}

/* Environment= on many lines, every name different. */
static void build_environment_lines(Input *in, size_t size) {
        in->text = NUMBERED("[Service]\nExecStart=/bin/true\n", size, &in->n, &in->size, "Environment=V%1$zu=1\n");
}

static void run_unit_environment_lines(Input *in) {
        run_unit(in, "e.service");
        Unit *u = in->extra;
        need(strv_length(u->service->exec.environment) == in->n, "assignments");
        unit_free(u);
}

/* A word-list setting (ReadWritePaths=) with 1 MB of words on one line. */
static void build_paths_line(Input *in, size_t size) {
        in->n = (size - 64) / 3;   /* the line stays within CONFIG_LINE_MAX */
        in->text = repeat("[Service]\nExecStart=/bin/true\nReadWritePaths=", "/a ", in->n, "\n", &in->size);
}

static void run_unit_paths_line(Input *in) {
        run_unit(in, "p.service");
        Unit *u = in->extra;
        need(strv_length(u->service->exec.read_write_paths) == in->n, "paths");
        unit_free(u);
}

/* ---- escapes and word splitting ---- */

static void build_words(Input *in, size_t size) {
        in->n = size / 2;
        in->text = repeat("", "a ", in->n, "", &in->size);
}

static void run_split_words(Input *in) {
        char **l = NULL;
        need(strv_split_full(&l, in->text, NULL, EXTRACT_UNQUOTE) == (int)in->n, "words");
        strv_free(l);
}

static void build_escaped_word(Input *in, size_t size) {
        in->text = repeat("\"", "\\x41\\t\\\"\\u00e9", size / 16, "\"", &in->size);
}

static void run_extract_escaped(Input *in) {
        const char *p = in->text;
        char *w = NULL;
        need(extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE) == 1, "word");
        free(w);
}

/* ---- specifiers ---- */

/* Specifiers that each read a file: 1 MB of "%w" (as long as what it expands to), and 1 MB of
 * "%m" (16 times longer: refused once the result passes 1 MiB, systemd's LONG_LINE_MAX). */
static void build_specifiers(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        tmptree_write(in->dir, "etc/os-release", "ID=debian\nVERSION_ID=12\n");
        tmptree_write(in->dir, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        in->n = size / 2;
        in->text = repeat("", "%w", in->n, "", &in->size);
        in->extra = repeat("", "%m", in->n, "", NULL);
}

static void run_specifiers(Input *in) {
        SpecifierUnit su = { .id = "s.service", .root = in->dir };
        char *out = NULL;
        need(specifier_expand(&su, SPECIFIERS_FULL, in->text, 0, &out) == 0, "expand");
        need(strlen(out) == in->n * 2, "expansion");
        free(out);
        need(specifier_expand(&su, SPECIFIERS_FULL, in->extra, 0, &out) == -ENAMETOOLONG, "bounded");
        free(in->extra);
}

/* ---- exec command lines ---- */

static ConfigItem exec_item(const Input *in) {
        return (ConfigItem){ .file = "x.service", .line = 1, .section = "Service", .key = "ExecStart", .value = in->text };
}

static void build_exec_args(Input *in, size_t size) {
        in->n = size / 2;
        in->text = repeat("/bin/true", " a", in->n, "", &in->size);
}

static void run_exec_args(Input *in) {
        ConfigItem it = exec_item(in);
        ExecCommand *c = NULL;
        need(exec_command_parse(&it, NULL, &c) == 0 && c, "parse");
        need(strv_length(c->argv) == in->n + 1, "arguments");
        exec_command_free_list(c);
}

static void build_exec_commands(Input *in, size_t size) {
        in->n = size / 9;
        in->text = repeat("/bin/a", " ; /bin/a", in->n, "", &in->size);
}

static void run_exec_commands(Input *in) {
        ConfigItem it = exec_item(in);
        ExecCommand *c = NULL;
        need(exec_command_parse(&it, NULL, &c) == 0 && c, "parse");
        size_t n = 0;
        for (ExecCommand *x = c; x; x = x->next) n++;
        need(n == in->n + 1, "commands");
        exec_command_free_list(c);
}

/* ---- calendar specs and time ---- */

static void build_calendar_weekdays(Input *in, size_t size) {
        in->text = repeat("Mon", ",Tue", size / 4, " *-*-* 00:00:00", &in->size);
}

static void run_calendar(Input *in) {
        CalendarSpec *c = NULL;
        need(calendar_spec_from_string(in->text, &c) == 0, "calendar");
        calendar_spec_free(c);
}

static void build_calendar_fraction(Input *in, size_t size) {
        in->text = repeat("*-*-* 00:00:01.", "0", size, "", &in->size);
}

static void build_timespan(Input *in, size_t size) {
        in->n = size / 3;
        in->text = repeat("", "1s ", in->n, "", &in->size);
}

static void run_timespan(Input *in) {
        usec_t t;
        need(parse_sec(in->text, &t) == 0 && t == (usec_t)in->n * USEC_PER_SEC, "timespan");
}

static void build_timestamp(Input *in, size_t size) {
        in->text = repeat("2023-01-01 00:00:00.", "0", size, "", &in->size);
}

static void run_timestamp(Input *in) {
        usec_t t;
        (void)parse_timestamp(in->text, &t);
}

/* ---- D-Bus messages ---- */

/* A little-endian method call /a.b with the given body signature and body, built by hand. */
static void dbus_align(Buf *b, size_t a) {
        while (b->len % a) need(buf_putc(b, 0) >= 0, "buf");
}

static void dbus_u32(Buf *b, uint32_t v) {
        dbus_align(b, 4);
        need(buf_put(b, (const char *)&v, 4) >= 0, "buf");
}

static char *dbus_message(const char *sig, const Buf *body, size_t *ret_size) {
        Buf h = {0};
        need(buf_put(&h, "l\1\0\1", 4) >= 0, "buf");
        dbus_u32(&h, (uint32_t)body->len);
        dbus_u32(&h, 1);
        dbus_u32(&h, 0);  /* fields length, patched below */
        size_t fields = h.len;
        /* PATH, MEMBER, SIGNATURE */
        dbus_align(&h, 8);
        need(buf_put(&h, "\1\1o\0", 4) >= 0, "buf");
        dbus_u32(&h, 2);
        need(buf_put(&h, "/a\0", 3) >= 0, "buf");
        dbus_align(&h, 8);
        need(buf_put(&h, "\3\1s\0", 4) >= 0, "buf");
        dbus_u32(&h, 1);
        need(buf_put(&h, "M\0", 2) >= 0, "buf");
        dbus_align(&h, 8);
        need(buf_put(&h, "\10\1g\0", 4) >= 0, "buf");
        need(buf_putc(&h, (char)strlen(sig)) >= 0 && buf_put(&h, sig, strlen(sig) + 1) >= 0, "buf");
        uint32_t fl = (uint32_t)(h.len - fields);
        memcpy(h.s + 12, &fl, 4);
        dbus_align(&h, 8);
        need(buf_put(&h, body->s, body->len) >= 0, "buf");
        *ret_size = h.len;
        return buf_steal(&h);
}

/* An array of structs nested 31 deep around one byte: each element is 8 bytes of input. */
#define NEST "(((((((((((((((((((((((((((((((y)))))))))))))))))))))))))))))))"
static void build_dbus_nested(Input *in, size_t size) {
        Buf body = {0};
        size_t n = size / 8;
        dbus_u32(&body, 0);
        dbus_align(&body, 8);
        size_t start = body.len;
        for (size_t i = 0; i < n; i++) {
                dbus_align(&body, 8);
                need(buf_putc(&body, 'x') >= 0, "buf");
        }
        uint32_t len = (uint32_t)(body.len - start);
        memcpy(body.s, &len, 4);
        in->text = dbus_message("a" NEST, &body, &in->size);
        buf_free(&body);
}

/* An array of variants, each holding the same nested struct. */
static void build_dbus_variants(Input *in, size_t size) {
        Buf body = {0};
        const char *sig = NEST;
        dbus_u32(&body, 0);
        size_t start = body.len;
        while (body.len < size) {
                need(buf_putc(&body, (char)strlen(sig)) >= 0 && buf_put(&body, sig, strlen(sig) + 1) >= 0, "buf");
                dbus_align(&body, 8);
                need(buf_putc(&body, 'x') >= 0, "buf");
        }
        uint32_t len = (uint32_t)(body.len - start);
        memcpy(body.s, &len, 4);
        in->text = dbus_message("av", &body, &in->size);
        buf_free(&body);
}

static void build_dbus_strings(Input *in, size_t size) {
        Buf body = {0};
        dbus_u32(&body, 0);
        while (body.len < size) {
                dbus_u32(&body, 1);
                need(buf_put(&body, "s\0", 2) >= 0, "buf");
        }
        uint32_t len = (uint32_t)(body.len - 4);
        memcpy(body.s, &len, 4);
        in->text = dbus_message("as", &body, &in->size);
        buf_free(&body);
}

static void run_dbus(Input *in) {
        BusMessage *m = NULL;
        need(bus_message_parse(in->text, in->size, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &m) == 0, "parse");
        bus_message_free(m);
}

/* ---- sd_notify ---- */

static void build_notify_big(Input *in, size_t size) {
        in->text = repeat("", "READY=1\n", size / 8, "", &in->size);
}

static void run_notify_big(Input *in) {
        NotifyMessage m;
        need(notify_message_parse(in->text, in->size, &m) == -EMSGSIZE, "refused");
        /* and the same bytes as the largest datagrams the socket takes, one after the other */
        for (size_t off = 0; off + NOTIFY_BUFFER_MAX <= in->size; off += NOTIFY_BUFFER_MAX) {
                need(notify_message_parse(in->text + off, NOTIFY_BUFFER_MAX, &m) > 0, "datagram");
                notify_message_done(&m);
        }
}

/* ---- EnvironmentFile= and $VAR expansion ---- */

static void build_env_file(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        in->text = NUMBERED("", size, &in->n, &in->size, "VAR%1$zu=value\n");
        in->extra = path_in(in, "env");
        write_file(in->extra, in->text, in->size);
}

static void run_env_file(Input *in) {
        char **env = NULL;
        need(env_file_read(in->extra, &env) == 0, "read");
        need(strv_length(env) == in->n, "assignments");
        strv_free(env);
        free(in->extra);
}

/* 1 MB of "${V0}" in 256 arguments, against an environment of 20,000 variables, V0 the last one set;
 * then one argument that would expand beyond the kernel's MAX_ARG_STRLEN. */
static void build_env_expand(Input *in, size_t size) {
        char **env = NULL;
        for (size_t i = 20000; i-- > 0;) {
                char n[32];
                snprintf(n, sizeof n, "V%zu", i);
                need(env_set(&env, n, "x") == 0, "env");
        }
        in->extra = env;
        in->n = size / 4096;
        in->list = calloc(in->n + 1, sizeof(char *));
        need(in->list, "calloc");
        for (size_t i = 0; i < in->n; i++) in->list[i] = repeat("", "${V0}", 4096 / 5, "", NULL);
        in->text = repeat("", "${V0}", 140000, "", &in->size);
}

static void run_env_expand(Input *in) {
        char **out = NULL;
        need(env_expand_argv(in->list, in->extra, &out) == 0, "expand");
        need(strv_length(out) == in->n && strlen(out[0]) == 4096 / 5, "expanded");
        strv_free(out);
        char *argv[] = { in->text, NULL };
        need(env_expand_argv(argv, in->extra, &out) == -E2BIG, "bounded");
        strv_free(in->extra);
        strv_free(in->list);
}

/* "$WORDS" whose value is 1 MB of words: one argument each. */
static void build_env_split(Input *in, size_t size) {
        char **env = NULL;
        char *v = repeat("", "a ", size / 2, "", NULL);
        need(env_set(&env, "WORDS", v) == 0, "env");
        free(v);
        in->extra = env;
        in->n = size / 2;
        in->text = strdup("$WORDS");
}

static void run_env_split(Input *in) {
        char *argv[] = { in->text, NULL }, **out = NULL;
        need(env_expand_argv(argv, in->extra, &out) == 0, "expand");
        need(strv_length(out) == in->n, "words");
        strv_free(out);
        strv_free(in->extra);
}

/* ---- /etc/passwd and /etc/group ---- */

static void build_userdb(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        size_t n, len;
        char *pw = NUMBERED("", size, &n, &len, "user%1$zu:x:1000:1000::/home/u:/bin/sh\n");
        char *last = xasprintf("%slast:x:4242:4242::/home/last:/bin/sh\n", pw);
        tmptree_write(in->dir, "etc/passwd", last);
        free(pw);
        free(last);
        /* one group listing every user as a member, the user last */
        char *gr = repeat("big:x:777:", "someone,", size / 8, "last\n", NULL);
        tmptree_write(in->dir, "etc/group", gr);
        free(gr);
}

static void run_userdb(Input *in) {
        UserRecord u;
        need(userdb_get_user(in->dir, "last", &u) == 0 && u.uid == 4242, "user");
        user_record_done(&u);
        gid_t groups[8];
        need(userdb_member_groups(in->dir, "last", 4242, groups, 8) == 1 && groups[0] == 777, "groups");
}

/* ---- [Install] and unit files on disk ---- */

static void build_install_wanted_by(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        char *text = repeat("[Unit]\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=", "t.target ",
                            (size - 64) / 9, "\n", NULL);
        tmptree_write(in->dir, "etc/systemd/system/i.service", text);
        free(text);
}

static void run_install_state(Input *in) {
        UnitFileState st;
        need(install_get_state(in->dir, "i.service", &st) == 0, "state");
        need(st == UNIT_FILE_STATE_DISABLED || st == UNIT_FILE_STATE_INDIRECT, "disabled");
}

static void build_install_also(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        size_t n, len;
        char *text = NUMBERED("[Unit]\n[Service]\nExecStart=/bin/true\n[Install]\nAlso=", size - 64, &n, &len, "a%1$zu.service ");
        char *full = strjoin(text, "\n");
        tmptree_write(in->dir, "etc/systemd/system/i.service", full);
        free(text);
        free(full);
}

/* 1 MB of drop-in file names for one unit (about 40,000 files). */
static void build_dropins(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        tmptree_write(in->dir, "etc/systemd/system/d.service", "[Service]\nExecStart=/bin/true\n");
        char *dir = path_in(in, "etc/systemd/system/d.service.d");
        need(mkdir(dir, 0755) == 0, "mkdir");
        size_t n = size / 26;
        for (size_t i = 0; i < n; i++) {
                char p[4096];
                snprintf(p, sizeof p, "%s/%020zu.conf", dir, i);
                int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                need(fd >= 0 && write(fd, "[Unit]\n", 7) == 7, "dropin");
                close(fd);
        }
        free(dir);
        in->n = n;
}

static void run_dropins(Input *in) {
        LookupPaths lp;
        UnitFileMap m;
        char *names[] = { (char *)"d.service", NULL }, **l = NULL;
        need(lookup_paths_init(&lp, in->dir) == 0, "paths");
        need(unit_file_map_build(&m, &lp) == 0, "map");
        need(unit_file_find_dropins(&lp, &m, names, &l) == 0, "dropins");
        need(strv_length(l) == in->n, "every drop-in");
        strv_free(l);
        unit_file_map_done(&m);
        lookup_paths_done(&lp);
}

/* The same directory listed as install.c lists the drop-ins of enable/is-enabled (conf-files.c),
 * after an earlier directory with the same names. */
static void run_conf_files(Input *in) {
        char **l = NULL;
        char *dir = path_in(in, "etc/systemd/system/d.service.d");
        need(conf_files_add_dir(NULL, dir, ".conf", &l) == 0 && strv_length(l) == in->n, "listed");
        need(conf_files_add_dir(NULL, dir, ".conf", &l) == 0 && strv_length(l) == in->n, "masked");
        conf_files_sort(l);
        strv_free(l);
        free(dir);
}

static void build_dropin_name(Input *in, size_t size) {
        (void)size;
        /* the longest name: 127 dash-separated components, an instance with dashes too */
        in->text = repeat("a", "-a", 90, "@b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b-b.service", &in->size);
}

static void run_dropin_name(Input *in) {
        char **l = NULL;
        need(unit_name_dropin_prefixes(in->text, &l) == 0 && !strv_isempty(l), "prefixes");
        strv_free(l);
}

/* ---- tmpfiles.d ---- */

static void tmpfiles_free(TmpfilesContext *c) {
        Hashmap *maps[] = { c->items, c->globs };
        for (size_t m = 0; m < 2; m++) {
                size_t k = 0;
                const char *key;
                void *v;
                while (hashmap_iterate(maps[m], &k, &key, &v)) item_array_free(v);
                hashmap_free(maps[m]);
        }
}

static void build_tmpfiles(Input *in, const char *text, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        in->extra = path_in(in, "t.conf");
        write_file(in->extra, text, size);
        in->size = size;
}

/* Lines that all adjust one path (none conflicts with another). */
static void build_tmpfiles_one_path(Input *in, size_t size) {
        size_t n;
        char *t = repeat("", "z /a\n", size / 5, "", &n);
        build_tmpfiles(in, t, n);
        free(t);
}

/* 'X' lines and the 'd' lines whose ages they inherit, every path different. */
static void build_tmpfiles_ages(Input *in, size_t size) {
        size_t n, len;
        char *t = NUMBERED("", size, &n, &len, "d /d%1$zu - - - 1d\nX /d%1$zu/keep\n");
        build_tmpfiles(in, t, len);
        free(t);
}

static void run_tmpfiles(Input *in) {
        TmpfilesContext c = { .items = hashmap_new(), .globs = hashmap_new() };
        need(c.items && c.globs, "maps");
        need(tmpfiles_read_config(&c, in->extra, false) == 0, "read");
        tmpfiles_free(&c);
        free(in->extra);
}

/* ---- the journal reader ---- */

/* 20,000 entries; then a filter of 1 MB of FIELD=VALUE matches (one field, many values). */
static void build_journal(Input *in, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        JournalStore *s = NULL;
        static const uint8_t boot[16] = { 1 };
        need(journal_store_open(in->dir, NULL, &s) == 0, "store");
        for (unsigned i = 0; i < 20000; i++) {
                char m[64], id[64];
                snprintf(m, sizeof m, "MESSAGE=message %u", i);
                snprintf(id, sizeof id, "MESSAGE_ID=%032u", i);
                struct iovec iov[] = { { m, strlen(m) }, { id, strlen(id) }, { (char *)"PRIORITY=6", 10 },
                                       { (char *)"SYSLOG_IDENTIFIER=t", 19 }, { (char *)"_SYSTEMD_UNIT=t.service", 23 } };
                need(journal_store_append(s, iov, ELEMENTSOF(iov), 1000000ULL * (i + 1), i + 1, boot) == 0, "append");
        }
        journal_store_close(s);
        JournalFilter *f = calloc(1, sizeof *f);
        need(f, "filter");
        for (size_t used = 0, i = 0; used < size; i++) {
                char a[64];
                used += (size_t)snprintf(a, sizeof a, "MESSAGE_ID=%032zu", 100000 + i) + 1;
                need(journal_filter_add_match(f, a) == 0, "match");
        }
        need(journal_filter_add_match(f, "MESSAGE_ID=00000000000000000000000000019999") == 0, "match");
        in->extra = f;
}

static void run_journal(Input *in) {
        JournalReader *r = NULL;
        char *dirs[] = { in->dir, NULL };
        need(journal_reader_open(dirs, NULL, &r) == 0, "open");
        journal_reader_set_filter(r, in->extra);
        journal_reader_seek_head(r);
        JournalRecord e;
        size_t n = 0;
        int q;
        while ((q = journal_reader_next(r, &e)) > 0) n++;
        need(q == 0 && n == 1, "one match");
        journal_reader_free(r);
        journal_filter_done(in->extra);
        free(in->extra);
}

/* 20,000 entries, each with a MESSAGE_ID of its own, and a filter naming every one of them (and more,
 * up to size): the group has a data object for every entry, too many to bisect at each step. */
static void build_journal_present(Input *in, size_t size) {
        build_journal(in, 0);
        JournalFilter *f = in->extra;
        journal_filter_done(f);
        for (size_t used = 0, i = 0; used < size; i++) {
                char a[64];
                used += (size_t)snprintf(a, sizeof a, "MESSAGE_ID=%032zu", i) + 1;
                need(journal_filter_add_match(f, a) == 0, "match");
                in->n = i < 20000 ? i + 1 : 20000;
        }
}

/* FIELD=VALUE matches each naming a field of its own, the last one of the entries' fields. */
static void build_journal_fields(Input *in, size_t size) {
        build_journal(in, 0);
        JournalFilter *f = in->extra;
        journal_filter_done(f);
        for (size_t used = 0, i = 0; used < size; i++) {
                char a[64];
                used += (size_t)snprintf(a, sizeof a, "FIELD_%zu=value", i) + 1;
                need(journal_filter_add_match(f, a) == 0, "match");
        }
        in->n = 0;
}

static void run_journal_count(Input *in) {
        JournalReader *r = NULL;
        char *dirs[] = { in->dir, NULL };
        need(journal_reader_open(dirs, NULL, &r) == 0, "open");
        journal_reader_set_filter(r, in->extra);
        journal_reader_seek_head(r);
        JournalRecord e;
        size_t n = 0;
        int q;
        while ((q = journal_reader_next(r, &e)) > 0) n++;
        need(q == 0 && n == in->n, "all matches");
        journal_reader_free(r);
        journal_filter_done(in->extra);
        free(in->extra);
}

/* ---- SysV init scripts (the built-in systemd-sysv-generator) ---- */

/* One executable script, etc/init.d/s, holding TEXT; the generator reads it with the unit search
 * path pointed at an empty directory and writes into out/. */
static void write_script(Input *in, char *text, size_t size) {
        in->dir = tmptree_new();
        need(in->dir, "tmpdir");
        tmptree_write(in->dir, "units/.keep", "");
        tmptree_write(in->dir, "out/.keep", "");
        char *p = path_in(in, "etc/init.d/s");
        tmptree_write(in->dir, "etc/init.d/s", "");
        write_file(p, text, size);
        need(chmod(p, 0755) == 0, "chmod");
        free(p);
        free(text);
}

static void build_sysv_description(Input *in, size_t size) {
        size_t n = size / 17, k;
        char *text = repeat("#!/bin/sh\n### BEGIN INIT INFO\n# Description: words\n", "#  more and more\n", n,
                            "### END INIT INFO\n", &k);
        write_script(in, text, k);
        in->n = n;
}

static void build_sysv_dependencies(Input *in, size_t size) {
        size_t n = size / 17, a, b;
        char *head = repeat("#!/bin/sh\n### BEGIN INIT INFO\n# Required-Start:", " $remote_fs xy", n, "\n", &a);
        char *tail = repeat("# X-Start-Before:", " zz", n, "\n### END INIT INFO\n", &b);
        char *text = malloc(a + b + 1);
        need(text, "malloc");
        memcpy(mempcpy(text, head, a), tail, b + 1);
        free(head);
        free(tail);
        write_script(in, text, a + b);
        in->n = n;
}

static void run_sysv(Input *in) {
        char *init_d = path_in(in, "etc/init.d"), *units = path_in(in, "units"), *out = path_in(in, "out");
        setenv("SYSTEMD_SYSVINIT_PATH", init_d, 1);
        setenv("SYSTEMD_SYSVRCND_PATH", in->dir, 1);
        setenv("SYSTEMD_UNIT_PATH", units, 1);
        log_set_max_level(LOG_ERR);
        need(sysv_generator_run(out) == 1, "one unit");
        char *unit = path_in(in, "out/s.service");
        struct stat st;
        need(stat(unit, &st) == 0 && (size_t)st.st_size > in->n, "the unit holds every line's words");
        free(unit);
        free(init_d);
        free(units);
        free(out);
}

static const LinearCase cases[] = {
        { "syntax: 200,000 continuation lines", build_continuation, run_syntax_continuation },
        { "unit: ExecStart= continued over 200,000 lines", build_continuation, run_unit_continuation },
        { "unit: After= on 50,000 lines", build_after_lines, run_unit_after_lines },
        { "unit: Wants= naming 25,000 units twice", build_wants_line, run_unit_wants_line },
        { "unit: Environment= on 50,000 lines", build_environment_lines, run_unit_environment_lines },
        { "unit: ReadWritePaths= with 350,000 words", build_paths_line, run_unit_paths_line },
        { "escape: 500,000 words split", build_words, run_split_words },
        { "escape: one word of 1 MB of escapes", build_escaped_word, run_extract_escaped },
        { "specifier: 2 x 500,000 specifiers", build_specifiers, run_specifiers },
        { "exec: one command with 500,000 arguments", build_exec_args, run_exec_args },
        { "exec: 110,000 commands separated by ';'", build_exec_commands, run_exec_commands },
        { "calendar: 250,000 weekdays", build_calendar_weekdays, run_calendar },
        { "calendar: a fraction of 1 MB of digits", build_calendar_fraction, run_calendar },
        { "time: a span of 350,000 components", build_timespan, run_timespan },
        { "time: a timestamp of 1 MB", build_timestamp, run_timestamp },
        { "bus: array of structs nested 31 deep", build_dbus_nested, run_dbus },
        { "bus: array of nested variants", build_dbus_variants, run_dbus },
        { "bus: array of 130,000 strings", build_dbus_strings, run_dbus },
        { "notify: 1 MB datagram, 256 full datagrams", build_notify_big, run_notify_big },
        { "env: EnvironmentFile= of 70,000 lines", build_env_file, run_env_file },
        { "env: 200,000 ${VAR} among 20,000 variables", build_env_expand, run_env_expand },
        { "env: $VAR of 500,000 words", build_env_split, run_env_split },
        { "userdb: 1 MB /etc/passwd and /etc/group", build_userdb, run_userdb },
        { "install: WantedBy= with 110,000 names", build_install_wanted_by, run_install_state },
        { "install: Also= with 70,000 names", build_install_also, run_install_state },
        { "lookup: 40,000 drop-ins of one unit", build_dropins, run_dropins },
        { "conf-files: a directory of 40,000 drop-ins", build_dropins, run_conf_files },
        { "name: drop-in prefixes of the longest name", build_dropin_name, run_dropin_name },
        { "tmpfiles: 200,000 lines for one path", build_tmpfiles_one_path, run_tmpfiles },
        { "tmpfiles: 20,000 'X' lines and their 'd' lines", build_tmpfiles_ages, run_tmpfiles },
        { "journal: 23,000 matches over 20,000 entries", build_journal, run_journal },
        { "journal: 23,000 matches, 20,000 in as many entries", build_journal_present, run_journal_count },
        { "journal: 58,000 matches on as many fields", build_journal_fields, run_journal_count },
        { "sysv: an LSB Description: continued over 61,000 lines", build_sysv_description, run_sysv },
        { "sysv: Required-Start: 123,000 words, X-Start-Before: 61,000", build_sysv_dependencies, run_sysv },
};

static uint64_t cpu_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define CHILD_FAILED (UINT64_MAX - 1)
#define WRONG_RESULT (UINT64_C(1) << 62)   /* --table: the time of a case whose check failed */

/* Runs one case in a child: the CPU time of the parse in ns, UINT64_MAX if the child was stopped
 * by its CPU limit, CHILD_FAILED if a check failed or it crashed. */
static uint64_t measure(const LinearCase *c, size_t size, unsigned cpu_seconds) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) abort();
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) abort();
        if (pid == 0) {
                /* cmocka catches crashes and carries on with the next test: not in the child */
                static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
                for (size_t i = 0; i < ELEMENTSOF(sigs); i++) signal(sigs[i], SIG_DFL);
                close(p[0]);
                log_set_max_level(-1);
                Input in = {0};
                c->build(&in, size);
                struct rlimit rl = { cpu_seconds, cpu_seconds + 1 };
                struct rusage ru;
                getrusage(RUSAGE_SELF, &ru);
                rl.rlim_cur += (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec;
                rl.rlim_max = rl.rlim_cur + 1;
                setrlimit(RLIMIT_CPU, &rl);
                uint64_t t0 = cpu_ns();
                c->run(&in);
                uint64_t t = cpu_ns() - t0;
                if (check_failed) t |= WRONG_RESULT;
                if (write(p[1], &t, sizeof t) != sizeof t) exit(3);
                free(in.text);
                if (in.dir) tmptree_free(in.dir);
                exit(0);
        }
        close(p[1]);
        uint64_t t = UINT64_MAX;
        ssize_t k = read(p[0], &t, sizeof t);
        close(p[0]);
        int st;
        while (waitpid(pid, &st, 0) < 0)
                if (errno != EINTR) abort();
        if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL)) return UINT64_MAX;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || k != sizeof t) {
                fprintf(stderr, "%s: the child failed (status 0x%x)\n", c->name, (unsigned)st);
                return CHILD_FAILED;
        }
        return t;
}

static void test_case(void **state) {
        const LinearCase *c = *state;
        uint64_t t = measure(c, LINEAR_INPUT_SIZE, CHILD_CPU_SECONDS);
        assert_true(t != CHILD_FAILED);
        if (t == UINT64_MAX)
                fprintf(stderr, "%s: stopped after %u s of CPU time\n", c->name, CHILD_CPU_SECONDS);
        else if (t > (uint64_t)LINEAR_CPU_LIMIT_MS * 1000000u)
                fprintf(stderr, "%s: %.3f s of CPU time (limit %.3f s)\n", c->name, (double)t / 1e9,
                        LINEAR_CPU_LIMIT_MS / 1e3);
        assert_true(t <= (uint64_t)LINEAR_CPU_LIMIT_MS * 1000000u);
}

/* --table: each case at 256 KiB, 512 KiB and 1 MiB, and how much longer the doubled input took;
 * "!" marks a time whose result was wrong. */
static int print_table(const char *only) {
        printf("%-50s %10s %10s %10s %7s\n", "case", "256 KiB", "512 KiB", "1 MiB", "x2 ->");
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                if (only && !strstr(cases[i].name, only)) continue;
                uint64_t t[3];
                printf("%-50s", cases[i].name);
                fflush(stdout);
                for (int k = 0; k < 3; k++) {
                        t[k] = k > 0 && t[k - 1] >= CHILD_FAILED ? t[k - 1] :
                               measure(&cases[i], (LINEAR_INPUT_SIZE / 4) << k, TABLE_CPU_SECONDS);
                        if (t[k] == CHILD_FAILED)
                                printf(" %10s", "failed");
                        else if (t[k] == UINT64_MAX)
                                printf(" %10s", k > 0 && t[k - 1] == UINT64_MAX ? "-" : ">120s");
                        else
                                printf(" %8.1fms%s", (double)(t[k] & ~WRONG_RESULT) / 1e6, t[k] & WRONG_RESULT ? "!" : "");
                        fflush(stdout);
                }
                if (t[2] < CHILD_FAILED && t[1] > 0 && t[1] < CHILD_FAILED)
                        printf(" %6.1fx", (double)(t[2] & ~WRONG_RESULT) / (double)(t[1] & ~WRONG_RESULT));
                printf("\n");
        }
        return 0;
}

int main(int argc, char **argv) {
        if (argc > 1 && streq(argv[1], "--table")) {
                table_mode = true;
                return print_table(argc > 2 ? argv[2] : NULL);
        }
        struct CMUnitTest tests[ELEMENTSOF(cases)];
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_case,
                                                .initial_state = (void *)&cases[i] };
        return _cmocka_run_group_tests("linear", tests, ELEMENTSOF(tests), NULL, NULL);
}
