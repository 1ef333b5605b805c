/* SPDX-License-Identifier: MIT */
/* Manager.StartTransientUnit and set-property (Manager.SetUnitProperties, Unit.SetProperties).
 *
 * StartTransientUnit: the properties a client sends (as 252's systemd-run does, a(sv)) become
 * the directives of a unit file, written as systemd writes a transient unit and read by the normal
 * loader (transient.c), so every setting is checked by the one parser that reads unit files.
 *
 * A property maps to the directive of its name (a time in µs named ...USec to ...Sec, ExecStartEx to
 * ExecStart, TimersMonotonic/TimersCalendar to OnActiveSec=... and OnCalendar=); what no directive
 * of the unit's type takes is refused with 252's words. Values are quoted and their '%' escaped so
 * that the file says exactly what was sent, and nothing a value holds can start another line.
 *
 * set-property: what systemd 252 sets on a loaded unit — Description= and the resource-control
 * settings — each as a drop-in 50-DIRECTIVE.conf in /etc/systemd/system.control/UNIT.d (or /run's,
 * with runtime), worded as 252 writes them; the unit's files are then read again in place, so the
 * new values show at once (resource control is not enforced by tinysd: README). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/dbus-internal.h"
#include "core/transient.h"
#include "unit/conf-parser.h"
#include "unit/exec-config.h"
#include "unit/load.h"

#define BUS_ERROR_UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"
#define TRANSIENT_AUX_MAX 16

/* One unit being written: its [Unit] lines and its type section's. */
typedef struct TransientText {
        UnitType type;
        const char *type_section;
        Buf unit, own;
        bool add_ref;
        bool live;              /* set-property: only what may change on a loaded unit */
        int fds[3];             /* Standard{Input,Output,Error}FileDescriptor (systemd-run --pipe), owned; -1 */
        const char *property;   /* the property being converted, for messages */
        char **exec_keys;       /* the Exec*= keys written so far: 252 appends to their lists */
} TransientText;

static int refuse_property(BusError *e, const char *name) {
        return bus_error_setf(e, BUS_ERROR_PROPERTY_READ_ONLY, "Cannot set property %s, or unknown property.", name);
}

/* The section a directive of this type belongs in ([Unit] or the type's own), or NULL: none takes it. */
static const char *directive_section(const TransientText *t, const char *key) {
        for (const DirectiveTable *const *tab = unit_type_directive_tables(t->type); *tab; tab++) {
                const char *sec = (*tab)->section ? (*tab)->section : t->type_section;
                if (streq(sec, "Install")) continue;
                if (directive_lookup((*tab)->directives, key)) return sec;
        }
        return NULL;
}

/* Whether the unit-file parser takes `line` (one "Key=value", in section sec) without a warning:
 * a value it would log and ignore is refused at the call, as 252 refuses it ("Invalid %s setting").
 * The probe's messages are counted, not logged. */
static bool parser_takes(const TransientText *t, const char *sec, const char *line) {
        char probe_name[64];
        snprintf(probe_name, sizeof probe_name, "transient-probe.%s", unit_type_to_string(t->type));
        _cleanup_free_ char *text = xasprintf("[%s]\n%s\n", sec, line);
        Unit *probe = text ? unit_new(probe_name) : NULL;
        if (!probe) return true;   /* no memory to check: the loader will say it */
        int level = log_get_max_level();
        unsigned before = log_count(LOG_WARNING) + log_count(LOG_ERR);
        log_set_max_level(-1);
        int r = unit_parse_buffer(probe, probe_name, text, strlen(text));
        log_set_max_level(level);
        unit_free(probe);
        return r >= 0 && log_count(LOG_WARNING) + log_count(LOG_ERR) == before;
}

/* key=value, in the section the key belongs to; a value must stay on its line. escape: '%' as "%%"
 * (a value whose words are quoted already has it so). */
static int put_line_as(TransientText *t, const char *key, const char *value, bool escape, BusError *e) {
        const char *sec = directive_section(t, key);
        if (!sec) return refuse_property(e, t->property);
        if (t->live && !streq(key, "Description") && !(streq(sec, t->type_section) && directive_lookup(cgroup_directive_table.directives, key)))
                return refuse_property(e, t->property);
        if (strpbrk(value, "\n\r") || endswith(value, "\\"))
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid value for %s=: line breaks cannot be written.", key);
        Buf line = { 0 };
        int r = buf_printf(&line, "%s=", key);
        for (const char *p = value; r >= 0 && *p; p++) r = *p == '%' && escape ? buf_puts(&line, "%%") : buf_putc(&line, *p);
        if (r >= 0 && line.s && !parser_takes(t, sec, line.s))
                r = bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid %s setting: %s", t->property, value);
        Buf *b = streq(sec, "Unit") ? &t->unit : &t->own;
        if (r >= 0) r = buf_put(b, line.s, line.len);
        buf_free(&line);
        return r < 0 ? r : buf_putc(b, '\n');
}

static int put_line(TransientText *t, const char *key, const char *value, BusError *e) {
        return put_line_as(t, key, value, true, e);
}

/* A word in double quotes, with C escapes and '%' as "%%": read back as itself. '$' stays: the
 * parser keeps it and the command's own flags decide on expansion when it runs (252 shows
 * "argv[]=/bin/echo ${X}" for "-p ExecStartPost=:/bin/echo ${X}", and echo prints "${X}"). */
static int put_quoted(Buf *b, const char *s, bool exec) {
        if (exec && streq(s, ";")) return buf_puts(b, "\\;");
        int r = buf_putc(b, '"');
        for (const char *p = s; r >= 0 && *p; p++) {
                unsigned char ch = (unsigned char)*p;
                if (ch == '"' || ch == '\\') r = buf_printf(b, "\\%c", ch);
                else if (ch == '%') r = buf_puts(b, "%%");
                else if (ch < 0x20 || ch == 0x7f) r = buf_printf(b, "\\x%02x", ch);
                else r = buf_putc(b, (char)ch);
        }
        return r < 0 ? r : buf_putc(b, '"');
}

/* ExecStart= and friends, a(sasb) or (…Ex) a(sasas): one line per command. As 252 (which writes
 * "Key=" and the whole list each time), a second assignment of a key appends to the first's
 * commands (systemd-run -p ExecStart=A B runs A, then B); an empty one empties the list. */
static int put_exec(TransientText *t, const char *name, BusMessage *m, bool ex, BusError *e) {
        _cleanup_free_ char *key = strndup(name, strlen(name) - (ex ? 2 : 0));
        if (!key) return -ENOMEM;
        if (t->live || !directive_section(t, key) || !startswith(key, "Exec")) return refuse_property(e, name);
        Buf line = { 0 };
        int r = 0;
        size_t n_commands = 0;
        if (!strv_contains(t->exec_keys, key)) {
                r = buf_printf(&line, "%s=\n", key);
                if (r >= 0 && (r = strv_extend(&t->exec_keys, key)) < 0) r = -ENOMEM;
        }
        if (r >= 0) r = bus_message_enter_container(m, 'a', ex ? "(sasas)" : "(sasb)");
        while (r >= 0 && (r = bus_message_enter_container(m, 'r', ex ? "sasas" : "sasb")) > 0) {
                const char *path = NULL;
                _cleanup_strv_free_ char **argv = NULL, **flags = NULL;
                int ignore = 0;
                r = bus_message_read(m, "s", &path);
                if (r >= 0) r = bus_message_read_strv(m, &argv);
                if (r >= 0) r = ex ? bus_message_read_strv(m, &flags) : bus_message_read(m, "b", &ignore);
                if (r >= 0) r = bus_message_exit_container(m);
                if (r < 0) break;
                if (path[0] != '/' && (!*path || strchr(path, '/'))) {
                        r = bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "\"%s\" is neither a valid executable name nor an absolute path", path);
                        break;
                }
                if (strv_isempty(argv)) {
                        r = bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "\"%s\" argv cannot be empty", name);
                        break;
                }
                r = buf_printf(&line, "%s=%s", key, ignore ? "-" : "");
                STRV_FOREACH(f, flags) {
                        static const char *const words[] = { "ignore-failure", "-", "no-env-expand", ":", "privileged", "+",
                                                             "no-setuid", "!", "ambient", "!!" };
                        size_t i = 0;
                        while (i < ELEMENTSOF(words) && !streq(*f, words[i])) i += 2;
                        if (i >= ELEMENTSOF(words)) {
                                r = bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid %s flag: %s", name, *f);
                                break;
                        }
                        if (r >= 0) r = buf_puts(&line, words[i + 1]);
                }
                if (r >= 0 && !streq(path, argv[0])) {
                        r = buf_putc(&line, '@');
                        if (r >= 0) r = put_quoted(&line, path, true);
                        if (r >= 0) r = buf_putc(&line, ' ');
                }
                STRV_FOREACH(a, argv) {
                        if (r >= 0 && a != argv) r = buf_putc(&line, ' ');
                        if (r >= 0) r = put_quoted(&line, *a, true);
                }
                if (r >= 0) r = buf_putc(&line, '\n');
                n_commands++;
        }
        /* an empty list: the commands so far are dropped (the reset is written again) */
        if (r >= 0 && n_commands == 0 && !line.len) r = buf_printf(&line, "%s=\n", key);
        if (r >= 0) r = bus_message_exit_container(m);
        if (r >= 0) r = buf_put(&t->own, line.s ? line.s : "", line.len);
        buf_free(&line);
        return r;
}

/* A list (as): environment assignments quoted, other lists as words. */
static int put_list(TransientText *t, const char *name, BusMessage *m, BusError *e) {
        _cleanup_strv_free_ char **l = NULL;
        int r = bus_message_read_strv(m, &l);
        if (r < 0) return r;
        /* dependencies: bare names, as 252 writes them (its parser takes words without unquoting) */
        bool deps = unit_dependency_from_string(name) >= 0;
        Buf v = { 0 };
        STRV_FOREACH(s, l) {
                if (deps && !unit_name_is_valid(*s, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)) {
                        buf_free(&v);
                        return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid %s setting: %s", name, *s);
                }
                if (r >= 0 && s != l) r = buf_putc(&v, ' ');
                for (const char *p = *s; deps && r >= 0 && *p; p++) r = *p == '%' ? buf_puts(&v, "%%") : buf_putc(&v, *p);
                if (r >= 0 && !deps) r = put_quoted(&v, *s, false);
        }
        _cleanup_free_ char *value = r >= 0 ? buf_steal(&v) : NULL;
        buf_free(&v);
        if (r < 0) return r;
        if (!value) return -ENOMEM;
        return put_line_as(t, name, value, false, e);
}

/* TimersMonotonic a(st) and TimersCalendar a(ss): one OnXSec=/OnCalendar= line each. */
static int put_timers(TransientText *t, const char *name, BusMessage *m, bool calendar, BusError *e) {
        int r = bus_message_enter_container(m, 'a', calendar ? "(ss)" : "(st)");
        while (r >= 0 && (r = bus_message_enter_container(m, 'r', calendar ? "ss" : "st")) > 0) {
                const char *base = NULL, *spec = NULL;
                uint64_t usec = 0;
                r = calendar ? bus_message_read(m, "ss", &base, &spec) : bus_message_read(m, "st", &base, &usec);
                if (r >= 0) r = bus_message_exit_container(m);
                if (r < 0) break;
                if (calendar ? !streq(base, "OnCalendar") : !(endswith(base, "Sec") && startswith(base, "On")))
                        return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Unknown timer base %s for %s.", base, name);
                char num[32];
                snprintf(num, sizeof num, "%" PRIu64 "us", usec);
                r = put_line(t, base, calendar ? spec : num, e);
        }
        return r < 0 ? r : bus_message_exit_container(m);
}

/* A value of a basic type: booleans as yes/no, times (…USec) in µs under the …Sec name, modes in
 * octal, UINT64_MAX as infinity. */
static int put_basic(TransientText *t, const char *name, BusMessage *m, char type, BusError *e) {
        char num[64];
        _cleanup_free_ char *key = NULL;
        const char *value = num;
        if (type == 's') return bus_message_read(m, "s", &value) < 0 ? -EINVAL : put_line(t, name, value, e);
        if (type == 'b') {
                int b = 0;
                int r = bus_message_read(m, "b", &b);
                return r < 0 ? r : put_line(t, name, b ? "yes" : "no", e);
        }
        uint64_t u = 0;
        int64_t i = 0;
        bool is_signed = type == 'i' || type == 'x' || type == 'n';
        int r;
        switch (type) {
        case 'i': { int32_t v; r = bus_message_read_basic(m, 'i', &v); i = v; break; }
        case 'n': { int16_t v; r = bus_message_read_basic(m, 'n', &v); i = v; break; }
        case 'x': r = bus_message_read_basic(m, 'x', &i); break;
        case 'u': { uint32_t v; r = bus_message_read_basic(m, 'u', &v); u = v; break; }
        case 'q': { uint16_t v; r = bus_message_read_basic(m, 'q', &v); u = v; break; }
        case 'y': { uint8_t v; r = bus_message_read_basic(m, 'y', &v); u = v; break; }
        case 't': r = bus_message_read_basic(m, 't', &u); break;
        default: return refuse_property(e, name);
        }
        if (r < 0) return r;
        /* numbers are written as themselves: '%' (CPUQuota=20%) is no specifier here, as in 252 */
        bool is_time = type == 't' && (endswith(name, "USec") || endswith(name, "NSec"));
        if (is_signed) snprintf(num, sizeof num, "%" PRIi64, i);
        else if (type == 't' && streq(name, "CPUQuotaPerSecUSec")) {
                if (u == UINT64_MAX) num[0] = 0;
                else snprintf(num, sizeof num, "%" PRIu64 "%%", (u + 5000) / 10000);
                return put_line_as(t, "CPUQuota", num, false, e);
        } else if (type == 't' && u == UINT64_MAX) snprintf(num, sizeof num, "infinity");
        else if (endswith(name, "Mode") || streq(name, "UMask")) snprintf(num, sizeof num, "%04" PRIo64, u);
        else if (is_time) snprintf(num, sizeof num, "%" PRIu64 "%s", u, endswith(name, "USec") ? "us" : "ns");
        else snprintf(num, sizeof num, "%" PRIu64, u);
        if (is_time && !(key = xasprintf("%.*sSec", (int)(strlen(name) - 4), name))) return -ENOMEM;
        return put_line_as(t, key ? key : name, value, false, e);
}

/* systemd-run's "-p StandardOutput=file:PATH" travels as StandardOutputFile="PATH" (252's
 * bus_append_standard_inputs_outputs()): written back as the directive with its prefix. Returns 1 when
 * name is one of them, 0 when not, or an error. */
static int put_stdio_path(TransientText *t, const char *name, BusMessage *m, BusError *e) {
        static const struct { const char *property, *key, *prefix; } paths[] = {
                { "StandardInputFile", "StandardInput", "file:" },
                { "StandardOutputFile", "StandardOutput", "file:" },
                { "StandardOutputFileToAppend", "StandardOutput", "append:" },
                { "StandardOutputFileToTruncate", "StandardOutput", "truncate:" },
                { "StandardErrorFile", "StandardError", "file:" },
                { "StandardErrorFileToAppend", "StandardError", "append:" },
                { "StandardErrorFileToTruncate", "StandardError", "truncate:" },
        };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                if (!streq(name, paths[i].property)) continue;
                const char *path = NULL;
                if (bus_message_read(m, "s", &path) < 0) return -EINVAL;
                if (path[0] != '/') /* normalisation: the unit parser's, as for the file's own lines */
                        return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Path %s is not absolute.", path);
                _cleanup_free_ char *value = strjoin(paths[i].prefix, path);
                if (!value) return -ENOMEM;
                int r = put_line(t, paths[i].key, value, e);
                return r < 0 ? r : 1;
        }
        return 0;
}

static int put_property(TransientText *t, const char *name, BusMessage *m, const char *sig, BusError *e) {
        t->property = name;
        if (t->live && (streq(name, "TimersMonotonic") || streq(name, "TimersCalendar") || streq(name, "AddRef")))
                return refuse_property(e, name);
        if (streq(name, "AddRef") && streq(sig, "b")) {
                int b = 0;
                int r = bus_message_read(m, "b", &b);
                t->add_ref = b;
                return r;
        }
        static const char *const stdio_names[] = { "StandardInputFileDescriptor", "StandardOutputFileDescriptor",
                                                   "StandardErrorFileDescriptor" };
        for (int i = 0; i < 3 && streq(sig, "h"); i++) {
                if (!streq(name, stdio_names[i])) continue;
                int fd = -1;
                int r = t->live || t->type != UNIT_SERVICE ? refuse_property(e, name) : bus_message_read_basic(m, 'h', &fd);
                if (r < 0) return r;
                if (t->fds[i] >= 0) close(t->fds[i]);
                t->fds[i] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                return t->fds[i] < 0 ? -errno : 0;
        }
        if (streq(sig, "s")) {
                int r = put_stdio_path(t, name, m, e);
                if (r != 0) return r < 0 ? r : 0;
        }
        if (streq(sig, "a(sasb)")) return put_exec(t, name, m, false, e);
        if (streq(sig, "a(sasas)") && endswith(name, "Ex")) return put_exec(t, name, m, true, e);
        if (streq(name, "TimersMonotonic") && streq(sig, "a(st)")) return put_timers(t, name, m, false, e);
        if (streq(name, "TimersCalendar") && streq(sig, "a(ss)")) return put_timers(t, name, m, true, e);
        if (streq(sig, "as")) return put_list(t, name, m, e);
        if (strlen(sig) == 1) return put_basic(t, name, m, sig[0], e);
        return refuse_property(e, name);
}

/* The a(sv) of one unit into its file's text. */
static int build_text(const char *name, BusMessage *m, TransientText *t, char **ret, BusError *e) {
        int r = bus_message_enter_container(m, 'a', "(sv)");
        while (r >= 0 && (r = bus_message_enter_container(m, 'r', "sv")) > 0) {
                const char *pname = NULL, *sig = NULL;
                char type;
                r = bus_message_read(m, "s", &pname);
                if (r >= 0) r = bus_message_peek_type(m, &type, &sig);
                if (r >= 0) r = bus_message_enter_container(m, 'v', sig);
                if (r >= 0) r = put_property(t, pname, m, sig, e);
                if (r >= 0) r = bus_message_exit_container(m);
                if (r >= 0) r = bus_message_exit_container(m);
        }
        if (r >= 0) r = bus_message_exit_container(m);
        if (r < 0) return r;
        Buf f = { 0 };
        r = buf_puts(&f, "# This is a transient unit file, created programmatically via the systemd API. Do not edit.\n");
        if (r >= 0 && t->unit.len) r = buf_puts(&f, "[Unit]\n");
        if (r >= 0) r = buf_put(&f, t->unit.s ? t->unit.s : "", t->unit.len);
        if (r >= 0 && t->own.len) r = buf_printf(&f, "%s[%s]\n", t->unit.len ? "\n" : "", t->type_section);
        if (r >= 0) r = buf_put(&f, t->own.s ? t->own.s : "", t->own.len);
        *ret = r >= 0 ? buf_steal(&f) : NULL;
        buf_free(&f);
        (void)name;
        return r < 0 ? r : *ret ? 0 : -ENOMEM;
}

/* Whether name may become a transient unit: its type takes them, and it is not loaded from a file
 * nor busy (systemd's unit_is_pristine()). */
static int check_unit(Manager *m, const char *name, TransientText *t, BusError *e) {
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid unit name or type.");
        t->type = unit_name_to_type(name);
        if (t->type == UNIT_SCOPE)
                return bus_error_setf(e, BUS_ERROR_NOT_SUPPORTED,
                                      "Unit type scope is not supported by tinysd: without cgroup delegation a running process cannot be moved into a unit.");
        if (t->type != UNIT_SERVICE && t->type != UNIT_TIMER)
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Unit type %s does not support transient units.", unit_type_to_string(t->type));
        t->type_section = unit_type_sections(t->type)[1];
        MUnit *u;
        int r = manager_load_unit(m, name, &u);
        if (r == -ENOMEM) return r;
        if (r < 0 || !u) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid unit name or type.");
        if (!transient_unit_is_pristine(u))
                return bus_error_setf(e, BUS_ERROR_UNIT_EXISTS, "Unit %s was already loaded or has a fragment file.", name);
        return 0;
}

static void text_done(TransientText *t) {
        strv_free(t->exec_keys);
        buf_free(&t->unit);
        buf_free(&t->own);
        for (int i = 0; i < 3; i++)
                if (t->fds[i] >= 0) close(t->fds[i]);
}

/* One unit: checked, its text built. */
static int read_unit(Manager *m, const char *name, BusMessage *msg, bool *add_ref, int *fds, char ***names, char ***texts,
                     BusError *e) {
        TransientText t = { .fds = { -1, -1, -1 } };
        _cleanup_free_ char *text = NULL;
        int r = check_unit(m, name, &t, e);
        if (r >= 0) r = build_text(name, msg, &t, &text, e);
        if (add_ref) *add_ref = t.add_ref;
        for (int i = 0; fds && r >= 0 && i < 3; i++) fds[i] = TAKE_FD(t.fds[i]);
        text_done(&t);
        if (r < 0) return r;
        if (strv_contains(*names, name))
                return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Unit %s is named more than once.", name);
        if ((r = strv_extend(names, name)) < 0) return r;
        return strv_push(texts, TAKE_PTR(text));
}

/* The aux units (a timer's service), each checked and its text built. */
static int read_aux_units(Manager *m, BusMessage *msg, char ***names, char ***texts, BusError *e) {
        int r = bus_message_enter_container(msg, 'a', "(sa(sv))");
        while (r >= 0 && (r = bus_message_enter_container(msg, 'r', "sa(sv)")) > 0) {
                const char *aux = NULL;
                if (strv_length(*names) > TRANSIENT_AUX_MAX)
                        return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Too many auxiliary units (at most %d).", TRANSIENT_AUX_MAX);
                r = bus_message_read(msg, "s", &aux);
                if (r >= 0) r = read_unit(m, aux, msg, NULL, NULL, names, texts, e);
                if (r >= 0) r = bus_message_exit_container(msg);
        }
        return r < 0 ? r : bus_message_exit_container(msg);
}

/* Every file written, every unit loaded, the first one started (and given the client's fds). */
static int write_and_start(BusCall *c, const char *mode, char **names, char **texts, bool add_ref, int fds[3]) {
        Manager *m = c->manager;
        int r;
        for (size_t i = 0; names[i]; i++)
                if ((r = transient_unit_write(m, names[i], texts[i])) < 0)
                        return bus_error_setf(c->error, BUS_ERROR_FAILED, "Failed to write transient unit %s: %s", names[i], strerror(-r));
        MUnit *u;
        if ((r = transient_units_load(m, names, &u)) < 0) return r;
        for (int i = 0; i < 3; i++) {
                if (u->stdio_fds[i] >= 0) close(u->stdio_fds[i]);
                u->stdio_fds[i] = TAKE_FD(fds[i]);
        }
        if ((r = bus_unit_queue_job(m, u, JOB_START, mode, c->reply, c->error)) < 0) {
                transient_unit_check_collect(u);
                return r;
        }
        if (add_ref) bus_track_unit(m, c->conn, c->message->sender, u);
        return 0;
}

/* StartTransientUnit(name, mode, properties a(sv), aux a(sa(sv))): every unit checked and its file
 * built before any is written; the aux units (a timer's service) are loaded, the first is started. */
int bus_start_transient_unit(BusCall *c) {
        Manager *m = c->manager;
        const char *name = NULL, *mode = NULL;
        _cleanup_strv_free_ char **names = NULL, **texts = NULL;
        bool add_ref = false;
        int r = bus_message_read(c->message, "ss", &name, &mode);
        if (r < 0) return r;
        JobMode jm = job_mode_from_string(mode);
        if (jm < 0 || jm == JOB_TRIGGERING) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Job mode %s is invalid.", mode);
        if (m->shutting_down) return bus_error_setf(c->error, BUS_ERROR_SHUTTING_DOWN, "Refusing activation, system is shutting down.");
        int fds[3] = { -1, -1, -1 };
        r = read_unit(m, name, c->message, &add_ref, fds, &names, &texts, c->error);
        if (r >= 0) r = read_aux_units(m, c->message, &names, &texts, c->error);
        if (r >= 0) r = write_and_start(c, mode, names, texts, add_ref, fds);
        for (int i = 0; i < 3; i++)
                if (fds[i] >= 0) close(fds[i]);
        return r;
}

/* ---- set-property ---- */

#define CONTROL_PERSISTENT "/etc/systemd/system.control"
#define CONTROL_RUNTIME "/run/systemd/system.control"

/* One property into a drop-in: its directive (*ret_key) and the file's text. */
static int live_dropin(const MUnit *u, const char *name, BusMessage *m, const char *sig, char **ret_key, char **ret_text,
                       BusError *e) {
        TransientText t = { .type = u->cfg->type, .type_section = unit_type_sections(u->cfg->type)[1], .live = true,
                            .fds = { -1, -1, -1 } };
        Buf f = { 0 };
        int r = put_property(&t, name, m, sig, e);
        Buf *b = t.unit.len ? &t.unit : &t.own;
        const char *eq = r >= 0 && b->s ? strchr(b->s, '=') : NULL;
        if (r >= 0 && !eq) r = refuse_property(e, name);
        if (r >= 0 && !(*ret_key = strndup(b->s, (size_t)(eq - b->s)))) r = -ENOMEM;
        if (r >= 0)
                r = buf_printf(&f, "# This is a drop-in unit file extension, created via \"systemctl set-property\"\n"
                                   "# or an equivalent operation. Do not edit.\n[%s]\n%s",
                               b == &t.unit ? "Unit" : t.type_section, b->s);
        if (r >= 0 && !(*ret_text = buf_steal(&f))) r = -ENOMEM;
        buf_free(&f);
        text_done(&t);
        return r;
}

static int write_dropin(const Manager *m, const char *dir, const char *unit, const char *key, const char *text) {
        const char *root = m->loader->lp.root;
        _cleanup_free_ char *path = xasprintf("%s%s/%s.d/50-%s.conf", root ? root : "", dir, unit, key);
        return path ? transient_write_atomic(path, text) : -ENOMEM;
}

/* Every property checked and converted before anything is written, as 252 (two passes). */
static int set_properties(BusCall *c, MUnit *u, bool runtime) {
        Manager *m = c->manager;
        int r = bus_unit_load_error(u, c->error);
        if (r < 0) return r;
        _cleanup_strv_free_ char **keys = NULL, **texts = NULL;
        r = bus_message_enter_container(c->message, 'a', "(sv)");
        while (r >= 0 && (r = bus_message_enter_container(c->message, 'r', "sv")) > 0) {
                const char *name = NULL, *sig = NULL;
                char type, *key = NULL, *text = NULL;
                r = bus_message_read(c->message, "s", &name);
                if (r >= 0) r = bus_message_peek_type(c->message, &type, &sig);
                if (r >= 0) r = bus_message_enter_container(c->message, 'v', sig);
                if (r >= 0) r = live_dropin(u, name, c->message, sig, &key, &text, c->error);
                if (r >= 0 && (r = strv_push(&keys, key)) >= 0) r = strv_push(&texts, text);
                else {
                        free(key);
                        free(text);
                }
                if (r >= 0) r = bus_message_exit_container(c->message);
                if (r >= 0) r = bus_message_exit_container(c->message);
        }
        if (r >= 0) r = bus_message_exit_container(c->message);
        if (r < 0) return r;
        for (size_t i = 0; keys && keys[i]; i++)
                if ((r = write_dropin(m, runtime ? CONTROL_RUNTIME : CONTROL_PERSISTENT, u->id, keys[i], texts[i])) < 0)
                        return bus_error_setf(c->error, BUS_ERROR_FAILED, "Failed to write drop-in for %s: %s", u->id, strerror(-r));
        if (!keys) return 0;
        if ((r = loader_rescan(m->loader)) < 0 || (r = manager_reload_unit(m, u)) < 0) return r;
        return manager_load_dependencies(m);
}

/* Manager.SetUnitProperties(name, runtime, properties) */
int bus_set_unit_properties(BusCall *c) {
        const char *name = NULL;
        int runtime = 0;
        MUnit *u;
        int r = bus_message_read(c->message, "sb", &name, &runtime);
        if (r < 0) return r;
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
        if ((r = manager_load_unit(c->manager, name, &u)) < 0) return r;
        return set_properties(c, u, runtime);
}

/* Unit.SetProperties(runtime, properties) */
int bus_unit_set_properties(BusCall *c) {
        int runtime = 0;
        int r = bus_message_read(c->message, "b", &runtime);
        return r < 0 ? r : set_properties(c, c->object, runtime);
}
