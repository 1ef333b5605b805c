/* SPDX-License-Identifier: MIT */
/* The status block. Facts from systemd 252 src/systemctl/systemctl-show.c (print_status_info),
 * src/shared/bus-unit-procs.c (the process tree) and src/basic/glyph-util.c (glyphs). */
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include "base/parse.h"
#include "base/strv.h"
#include "base/time-util.h"
#include "cli/systemctl-print.h"
#include "cli/systemctl-status.h"

#define ANSI_RED "\x1B[0;1;31m"
#define ANSI_GREEN "\x1B[0;1;32m"
#define ANSI_YELLOW "\x1B[0;1;38;5;185m"
#define ANSI_NORMAL "\x1B[0m"

const char *ctl_glyph(CtlGlyph g, bool utf8) {
        static const char *const ascii[] = { "*", "*", "x", "*", "|-", "`-", "| ", "  ", "->" };
        static const char *const uni[] = { "\u25cf", "\u25cb", "\u00d7", "\u21bb", "\u251c\u2500",
                                           "\u2514\u2500", "\u2502 ", "  ", "\u2192" };
        return utf8 ? uni[g] : ascii[g];
}

bool ctl_locale_is_utf8(void) {
        const char *e = getenv("SYSTEMD_UTF8"), *set;

        if (e && parse_boolean(e) >= 0)
                return parse_boolean(e) > 0;
        if (!setlocale(LC_ALL, ""))
                return true;
        set = nl_langinfo(CODESET);
        if (!set || streq(set, "UTF-8"))
                return true;
        set = setlocale(LC_CTYPE, NULL);
        if (!set)
                return true;
        return (streq(set, "C") || streq(set, "POSIX")) && !getenv("LC_ALL") && !getenv("LC_CTYPE") && !getenv("LANG");
}

char *ctl_urlify(const char *url, const char *text, bool enabled) {
        if (isempty(text))
                text = url;
        return enabled ? strjoin("\x1B]8;;", url, "\a", text, "\x1B]8;;\a") : strdup(text);
}

char *ctl_urlify_path(const char *path, const char *text, const char *nodename, bool enabled) {
        _cleanup_free_ char *url = NULL;

        if (isempty(text))
                text = path;
        if (!enabled)
                return strdup(text);
        url = strjoin("file://", strempty(nodename), path);
        return url ? ctl_urlify(url, text, true) : NULL;
}

bool ctl_urlify_enabled(bool colors) {
        const char *e = getenv("SYSTEMD_URLIFY");
        int r = e ? parse_boolean(e) : -1;
        return r >= 0 ? r > 0 : colors;
}

CtlGlyph ctl_active_state_glyph(const char *s) {
        if (streq_ptr(s, "reloading"))
                return CTL_GLYPH_CIRCLE_ARROW;
        if (streq_ptr(s, "inactive") || streq_ptr(s, "maintenance"))
                return CTL_GLYPH_WHITE_CIRCLE;
        if (streq_ptr(s, "failed"))
                return CTL_GLYPH_MULTIPLICATION_SIGN;
        return CTL_GLYPH_BLACK_CIRCLE;
}

int ctl_status_exit_code(const char *active_state) {
        return streq_ptr(active_state, "active") || streq_ptr(active_state, "reloading") ? 0 : 3;
}

void ctl_unit_status_init(CtlUnitStatus *s) {
        *s = (CtlUnitStatus) {
                .runtime_max_sec = USEC_INFINITY,
                .memory_current = UINT64_MAX, .memory_high = UINT64_MAX, .memory_max = UINT64_MAX,
                .memory_swap_max = UINT64_MAX, .memory_limit = UINT64_MAX, .memory_available = UINT64_MAX,
                .cpu_usage_nsec = UINT64_MAX, .tasks_current = UINT64_MAX, .tasks_max = UINT64_MAX,
                .ip_ingress_bytes = UINT64_MAX, .ip_egress_bytes = UINT64_MAX,
                .io_read_bytes = UINT64_MAX, .io_write_bytes = UINT64_MAX,
                .condition_result = true, .assert_result = true,
        };
}

void ctl_unit_status_done(CtlUnitStatus *s) {
        char **strs[] = { &s->id, &s->load_state, &s->active_state, &s->freezer_state, &s->sub_state,
                          &s->unit_file_state, &s->unit_file_preset, &s->description, &s->following,
                          &s->fragment_path, &s->source_path, &s->control_group, &s->result, &s->load_error,
                          &s->status_text, &s->sysfs_path, &s->where, &s->what };
        for (size_t i = 0; i < ELEMENTSOF(strs); i++)
                free(*strs[i]);
        strv_free(s->documentation);
        strv_free(s->dropin_paths);
        strv_free(s->triggered_by);
        strv_free(s->triggers);
        strv_free(s->listen);
        strv_free(s->failed_conditions);
        free(s->failed_assert);
        for (size_t i = 0; i < s->n_exec; i++) {
                free(s->exec[i].name);
                free(s->exec[i].path);
                strv_free(s->exec[i].argv);
        }
        free(s->exec);
        ctl_unit_status_init(s);
}

typedef struct StatusField {
        const char *name;
        const char *sig;
        size_t offset;
} StatusField;

#define F(n, sig, field) { n, sig, offsetof(CtlUnitStatus, field) }
static const StatusField fields[] = {
        F("Id", "s", id), F("LoadState", "s", load_state), F("ActiveState", "s", active_state),
        F("FreezerState", "s", freezer_state), F("SubState", "s", sub_state),
        F("UnitFileState", "s", unit_file_state), F("UnitFilePreset", "s", unit_file_preset),
        F("Description", "s", description), F("Following", "s", following),
        F("Documentation", "as", documentation), F("FragmentPath", "s", fragment_path),
        F("SourcePath", "s", source_path), F("ControlGroup", "s", control_group),
        F("DropInPaths", "as", dropin_paths), F("Result", "s", result),
        F("TriggeredBy", "as", triggered_by), F("Triggers", "as", triggers),
        F("InactiveExitTimestamp", "t", inactive_exit_timestamp),
        F("InactiveExitTimestampMonotonic", "t", inactive_exit_timestamp_monotonic),
        F("ActiveEnterTimestamp", "t", active_enter_timestamp),
        F("ActiveExitTimestamp", "t", active_exit_timestamp),
        F("RuntimeMaxUSec", "t", runtime_max_sec),
        F("InactiveEnterTimestamp", "t", inactive_enter_timestamp),
        F("NeedDaemonReload", "b", need_daemon_reload), F("Transient", "b", transient),
        F("ExecMainPID", "u", main_pid), F("ControlPID", "u", control_pid),
        F("StatusText", "s", status_text), F("StatusErrno", "i", status_errno),
        F("ExecMainStartTimestamp", "t", start_timestamp), F("ExecMainExitTimestamp", "t", exit_timestamp),
        F("ExecMainCode", "i", exit_code), F("ExecMainStatus", "i", exit_status),
        F("ConditionTimestamp", "t", condition_timestamp), F("ConditionResult", "b", condition_result),
        F("AssertTimestamp", "t", assert_timestamp), F("AssertResult", "b", assert_result),
        F("NextElapseUSecRealtime", "t", next_elapse_real), F("NextElapseUSecMonotonic", "t", next_elapse_monotonic),
        F("NAccepted", "u", n_accepted), F("NConnections", "u", n_connections), F("NRefused", "u", n_refused),
        F("Accept", "b", accept), F("SysFSPath", "s", sysfs_path), F("Where", "s", where), F("What", "s", what),
        F("MemoryCurrent", "t", memory_current), F("MemoryAvailable", "t", memory_available),
        F("MemoryMin", "t", memory_min), F("MemoryLow", "t", memory_low), F("MemoryHigh", "t", memory_high),
        F("MemoryMax", "t", memory_max), F("MemorySwapMax", "t", memory_swap_max),
        F("MemoryLimit", "t", memory_limit), F("CPUUsageNSec", "t", cpu_usage_nsec),
        F("TasksCurrent", "t", tasks_current), F("TasksMax", "t", tasks_max),
        F("IPIngressBytes", "t", ip_ingress_bytes), F("IPEgressBytes", "t", ip_egress_bytes),
        F("IOReadBytes", "t", io_read_bytes), F("IOWriteBytes", "t", io_write_bytes),
};
#undef F

static int parse_field(CtlUnitStatus *s, const StatusField *fd, BusMessage *m) {
        void *p = (uint8_t *) s + fd->offset;
        const char *str;
        int b, r;

        if (streq(fd->sig, "s")) {
                if (bus_message_read(m, "s", &str) <= 0)
                        return -EBADMSG;
                /* as systemctl's property map: an empty string is "not set" */
                return free_and_strdup((char **) p, isempty(str) ? NULL : str);
        }
        if (streq(fd->sig, "as")) {
                char **l = NULL;
                r = bus_message_read_strv(m, &l);
                if (r < 0)
                        return r;
                strv_free(*(char ***) p);
                *(char ***) p = l;
                return 0;
        }
        if (streq(fd->sig, "b")) {
                if (bus_message_read(m, "b", &b) <= 0)
                        return -EBADMSG;
                *(bool *) p = b;
                return 0;
        }
        return bus_message_read_basic(m, fd->sig[0], p) <= 0 ? -EBADMSG : 0;
}

static int parse_exec(CtlUnitStatus *s, const char *name, BusMessage *m) {
        int r;

        if (bus_message_enter_container(m, 'a', "(sasbttttuii)") <= 0)
                return -EBADMSG;
        while ((r = bus_message_enter_container(m, '(', "sasbttttuii")) > 0) {
                CtlExecStatus e = {}, *n;
                const char *path;
                int ignore;
                uint64_t mono;

                if (bus_message_read(m, "s", &path) <= 0 || bus_message_read_strv(m, &e.argv) < 0 ||
                    bus_message_read(m, "bttttuii", &ignore, &e.start_timestamp, &mono, &e.exit_timestamp, &mono,
                                     &e.pid, &e.code, &e.status) <= 0 || bus_message_exit_container(m) < 0) {
                        strv_free(e.argv);
                        return -EBADMSG;
                }
                e.ignore = ignore;
                e.name = strdup(name);
                e.path = strdup(path);
                n = reallocarray(s->exec, s->n_exec + 1, sizeof *n);
                if (!e.name || !e.path || !n) {
                        free(e.name);
                        free(e.path);
                        strv_free(e.argv);
                        if (n)
                                s->exec = n;
                        return -ENOMEM;
                }
                s->exec = n;
                s->exec[s->n_exec++] = e;
        }
        if (r < 0)
                return r;
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 0;
}

static int parse_special(CtlUnitStatus *s, const char *name, const char *contents, BusMessage *m) {
        const char *a, *b;
        uint32_t u;
        int r;

        if (streq(name, "MainPID") && streq(contents, "u")) {
                if (bus_message_read(m, "u", &u) <= 0)
                        return -EBADMSG;
                s->running = u > 0;
                if (u > 0 || s->main_pid == 0)
                        s->main_pid = u;
                return 1;
        }
        if (streq(name, "LoadError") && streq(contents, "(ss)")) {
                if (bus_message_read(m, "(ss)", &a, &b) <= 0)
                        return -EBADMSG;
                return isempty(b) ? 1 : (free_and_strdup(&s->load_error, b) < 0 ? -ENOMEM : 1);
        }
        if (streq(name, "Listen") && streq(contents, "a(ss)")) {
                if (bus_message_enter_container(m, 'a', "(ss)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(ss)", &a, &b)) > 0)
                        if (strv_extend(&s->listen, a) < 0 || strv_extend(&s->listen, b) < 0)
                                return -ENOMEM;
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if ((streq(name, "Conditions") || streq(name, "Asserts")) && streq(contents, "a(sbbsi)")) {
                bool cond = streq(name, "Conditions");
                const char *param;
                int trigger, negate;
                int32_t st;

                if (bus_message_enter_container(m, 'a', "(sbbsi)") <= 0)
                        return -EBADMSG;
                while ((r = ctl_read(m, "(sbbsi)", &a, &trigger, &negate, &param, &st)) > 0) {
                        if (st >= 0)
                                continue;
                        if (cond) {
                                /* systemctl prepends each to its list: newest first */
                                char *e = xasprintf("%s=%s%s%s", a, trigger ? "|" : "", negate ? "!" : "", param);
                                size_t n = strv_length(s->failed_conditions);
                                char **l = e ? reallocarray(s->failed_conditions, n + 2, sizeof(char *)) : NULL;
                                if (!l) {
                                        free(e);
                                        return -ENOMEM;
                                }
                                memmove(l + 1, l, n * sizeof(char *));
                                l[0] = e;
                                l[n + 1] = NULL;
                                s->failed_conditions = l;
                        } else if (!trigger || !s->failed_assert) {
                                free(s->failed_assert);
                                s->failed_assert = xasprintf("%s=%s%s", a, negate ? "!" : "", param);
                                s->failed_assert_trigger = trigger;
                                if (!s->failed_assert)
                                        return -ENOMEM;
                        }
                }
                return r < 0 || bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
        }
        if (startswith(name, "Exec") && !endswith(name, "Ex") && streq(contents, "a(sasbttttuii)"))
                return parse_exec(s, name, m) < 0 ? -EBADMSG : 1;
        return 0;
}

int ctl_unit_status_parse(CtlUnitStatus *s, BusMessage *m) {
        uint32_t exec_main_pid = 0;
        bool have_exec_main_pid = false;
        int r;

        if (bus_message_enter_container(m, 'a', "{sv}") <= 0)
                return -EBADMSG;
        while ((r = bus_message_enter_container(m, '{', "sv")) > 0) {
                const char *name, *peeked;
                char type, contents[BUS_SIGNATURE_MAX + 1];

                if (bus_message_read(m, "s", &name) <= 0 || bus_message_peek_type(m, &type, &peeked) <= 0)
                        return -EBADMSG;
                snprintf(contents, sizeof contents, "%s", peeked);   /* valid only until the next peek */
                if (bus_message_enter_container(m, 'v', contents) <= 0)
                        return -EBADMSG;
                r = parse_special(s, name, contents, m);
                if (r < 0)
                        return r;
                for (size_t i = 0; r == 0 && i < ELEMENTSOF(fields); i++)
                        if (streq(fields[i].name, name)) {
                                if (streq(fields[i].sig, contents)) {
                                        r = parse_field(s, &fields[i], m);
                                        if (r < 0)
                                                return r;
                                        if (streq(name, "ExecMainPID")) {
                                                exec_main_pid = s->main_pid;
                                                have_exec_main_pid = true;
                                        }
                                }
                                break;
                        }
                if (bus_message_exit_container(m) < 0 || bus_message_exit_container(m) < 0)
                        return -EBADMSG;
        }
        if (r < 0)
                return r;
        /* systemctl maps ExecMainPID and MainPID into the same field; ExecMainPID comes later in
         * the Service interface, so it wins when both are there. */
        if (have_exec_main_pid)
                s->main_pid = exec_main_pid;
        return bus_message_exit_container(m) < 0 ? -EBADMSG : 0;
}

static bool is_clean_exit(int code, int status) {
        if (code == CLD_EXITED)
                return status == 0;
        if (code == CLD_KILLED)
                return status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE;
        return false;
}

static void print_exit(FILE *f, int code, int status) {
        char sb[16];

        fprintf(f, "code=%s, ", ctl_sigchld_code_to_string(code) ?: "(null)");
        if (code == CLD_EXITED) {
                const char *c = ctl_exit_status_to_string(status);
                fprintf(f, "status=%i", status);
                if (c)
                        fprintf(f, "/%s", c);
        } else
                fprintf(f, "signal=%s", ctl_signal_name(status, sb));
}

static void print_timestamp_pair(FILE *f, usec_t t, usec_t now) {
        char a[FORMAT_TIMESTAMP_MAX], b[FORMAT_TIMESTAMP_RELATIVE_MAX];
        fprintf(f, "%s; %s\n", strna(format_timestamp(a, sizeof a, t)),
                strna(format_timestamp_relative_to(b, sizeof b, t, now)));
}

static void print_dropins(FILE *f, char **paths, const CtlStatusEnv *env) {
        bool utf8 = env->utf8;
        _cleanup_free_ char *dir = NULL;
        bool last = false;

        STRV_FOREACH(d, paths) {
                if (!dir || last) {
                        const char *slash = strrchr(*d, '/');
                        fputs(dir ? "             " : "    Drop-In: ", f);
                        free(dir);
                        dir = slash ? strndup(*d, slash > *d ? (size_t) (slash - *d) : 1) : strdup(".");
                        if (!dir)
                                return;
                        fprintf(f, "%s\n             %s", dir, ctl_glyph(CTL_GLYPH_TREE_RIGHT, utf8));
                }
                last = !(d[1] && startswith(d[1], dir));
                const char *base = strrchr(*d, '/');
                _cleanup_free_ char *u = ctl_urlify_path(*d, base ? base + 1 : *d, env->nodename, env->urlify);
                fprintf(f, "%s%s", u ? u : base ? base + 1 : *d, last ? "\n" : ", ");
        }
}

static void print_memory(FILE *f, const CtlUnitStatus *s) {
        char b[FORMAT_BYTES_MAX];
        const char *prefix = "";

        fprintf(f, "     Memory: %s", format_bytes(b, sizeof b, s->memory_current));
        if (s->memory_min > 0 || s->memory_low > 0 || s->memory_high != UINT64_MAX || s->memory_max != UINT64_MAX ||
            s->memory_swap_max != UINT64_MAX || s->memory_available != UINT64_MAX || s->memory_limit != UINT64_MAX) {
                const struct { const char *label; uint64_t v; bool set; } parts[] = {
                        { "min", s->memory_min, s->memory_min > 0 },
                        { "low", s->memory_low, s->memory_low > 0 },
                        { "high", s->memory_high, s->memory_high != UINT64_MAX },
                        { "max", s->memory_max, s->memory_max != UINT64_MAX },
                        { "swap max", s->memory_swap_max, s->memory_swap_max != UINT64_MAX },
                        { "limit", s->memory_limit, s->memory_limit != UINT64_MAX },
                        { "available", s->memory_available, s->memory_available != UINT64_MAX },
                };
                fputs(" (", f);
                for (size_t i = 0; i < ELEMENTSOF(parts); i++)
                        if (parts[i].set) {
                                fprintf(f, "%s%s: %s", prefix, parts[i].label, format_bytes(b, sizeof b, parts[i].v));
                                prefix = " ";
                        }
                fputc(')', f);
        }
        fputc('\n', f);
}

static void print_pids(FILE *f, CtlUnitStatus *s, const CtlStatusEnv *env, const char *on_bad, const char *off) {
        for (size_t k = 0; k < s->n_exec; k++) {
                const CtlExecStatus *p = &s->exec[k];
                _cleanup_free_ char *argv = NULL;
                bool good;

                if (p->code == 0)
                        continue;
                argv = strv_join(p->argv, " ");
                fprintf(f, "    Process: %" PRIu32 " %s=%s ", p->pid, p->name, strna(argv));
                good = is_clean_exit(p->code, p->status);
                fprintf(f, "%s(", good || !env->colors ? "" : (p->ignore ? ANSI_YELLOW : on_bad));
                print_exit(f, p->code, p->status);
                fprintf(f, ")%s\n", good || !env->colors ? "" : off);
                if (s->main_pid == p->pid && s->start_timestamp == p->start_timestamp &&
                    s->exit_timestamp == p->start_timestamp)
                        s->main_pid = 0;
                if (p->pid == s->control_pid)
                        s->control_pid = 0;
        }
        if (s->main_pid == 0 && s->control_pid == 0)
                return;
        if (s->main_pid > 0) {
                fprintf(f, "   Main PID: %" PRIu32, s->main_pid);
                if (s->running) {
                        _cleanup_free_ char *comm = env->comm ? env->comm(s->main_pid) : NULL;
                        if (comm)
                                fprintf(f, " (%s)", comm);
                } else if (s->exit_code > 0) {
                        fputs(" (", f);
                        print_exit(f, s->exit_code, s->exit_status);
                        fputc(')', f);
                }
        }
        if (s->control_pid > 0) {
                _cleanup_free_ char *comm = env->comm ? env->comm(s->control_pid) : NULL;
                fputs(s->main_pid > 0 ? "; Control PID: " : "  Cntrl PID: ", f);
                fprintf(f, "%" PRIu32, s->control_pid);
                if (comm)
                        fprintf(f, " (%s)", comm);
        }
        fputc('\n', f);
}

static void print_triggers(FILE *f, char **units, const char *const *states, const char *label, bool fixed_circle,
                           const CtlStatusEnv *env) {
        size_t i = 0;

        STRV_FOREACH(t, units) {
                const char *st = states ? states[i] : NULL;
                bool red = streq_ptr(st, "failed"), green = streq_ptr(st, "active") || streq_ptr(st, "reloading");
                const char *on = !env->colors ? "" : red ? ANSI_RED : green ? ANSI_GREEN : "";
                const char *off = env->colors && (red || green) ? ANSI_NORMAL : "";
                CtlGlyph g = fixed_circle ? CTL_GLYPH_BLACK_CIRCLE : ctl_active_state_glyph(st);

                fprintf(f, "%s %s%s%s %s\n", i == 0 ? label : "            ", on,
                        st || fixed_circle ? ctl_glyph(g, env->utf8) : "", off, *t);
                i++;
        }
}

static void print_head(FILE *f, const CtlUnitStatus *s, const CtlStatusEnv *env, const char *active_on,
                       const char *active_off) {
        bool bad = streq_ptr(s->load_state, "error") || streq_ptr(s->load_state, "not-found") ||
                streq_ptr(s->load_state, "bad-setting");
        const char *on = bad && env->colors ? ANSI_RED : "", *off = bad && env->colors ? ANSI_NORMAL : "";
        const char *path = s->source_path ?: s->fragment_path;
        _cleanup_free_ char *upath = path ? ctl_urlify_path(path, NULL, env->nodename, env->urlify) : NULL;

        if (upath)
                path = upath;

        fprintf(f, "%s%s%s %s", active_on, ctl_glyph(ctl_active_state_glyph(s->active_state), env->utf8),
                active_off, strna(s->id));
        if (s->description && !streq_ptr(s->id, s->description))
                fprintf(f, " - %s", s->description);
        fputc('\n', f);
        if (s->following)
                fprintf(f, "    Follows: unit currently follows state of %s\n", s->following);
        if (!isempty(s->load_error))
                fprintf(f, "     Loaded: %s%s%s (Reason: %s)\n", on, strna(s->load_state), off, s->load_error);
        else if (path && !isempty(s->unit_file_state)) {
                const char *st = s->unit_file_state, *pr = s->unit_file_preset;
                bool show_preset = !isempty(pr) && !streq(st, "alias") && !streq(st, "static") &&
                        !streq(st, "generated") && !streq(st, "transient");
                const char *eon = !env->colors ? "" : streq(st, "disabled") ? ANSI_YELLOW : streq(st, "enabled") ? ANSI_GREEN : "";
                const char *eoff = *eon ? ANSI_NORMAL : "";
                const char *pon = !env->colors || !pr ? "" : streq(pr, "disabled") ? ANSI_YELLOW : streq(pr, "enabled") ? ANSI_GREEN : "";
                const char *poff = *pon ? ANSI_NORMAL : "";
                fprintf(f, "     Loaded: %s%s%s (%s; %s%s%s%s%s%s%s)\n", on, strna(s->load_state), off, path,
                        eon, st, eoff, show_preset ? "; preset: " : "", pon, show_preset ? pr : "", poff);
        } else if (path)
                fprintf(f, "     Loaded: %s%s%s (%s)\n", on, strna(s->load_state), off, path);
        else
                fprintf(f, "     Loaded: %s%s%s\n", on, strna(s->load_state), off);
        if (s->transient)
                fputs("  Transient: yes\n", f);
        print_dropins(f, s->dropin_paths, env);
}

static void print_active(FILE *f, const CtlUnitStatus *s, const CtlStatusEnv *env, const char *on, const char *off) {
        const char *st = s->active_state;
        usec_t ts;

        if (!streq_ptr(st, s->sub_state))
                fprintf(f, "     Active: %s%s (%s)%s", on, strna(st), strna(s->sub_state), off);
        else
                fprintf(f, "     Active: %s%s%s", on, strna(st), off);
        if (!isempty(s->freezer_state) && !streq(s->freezer_state, "running"))
                fprintf(f, " %s(%s)%s", env->colors ? ANSI_YELLOW : "", s->freezer_state, env->colors ? ANSI_NORMAL : "");
        if (!isempty(s->result) && !streq(s->result, "success"))
                fprintf(f, " (Result: %s)", s->result);
        ts = streq_ptr(st, "active") || streq_ptr(st, "reloading") ? s->active_enter_timestamp :
             streq_ptr(st, "inactive") || streq_ptr(st, "failed") ? s->inactive_enter_timestamp :
             streq_ptr(st, "activating") ? s->inactive_exit_timestamp : s->active_exit_timestamp;
        if (!timestamp_is_set(ts)) {
                fputc('\n', f);
                return;
        }
        fputs(" since ", f);
        print_timestamp_pair(f, ts, env->now);
        if (streq_ptr(st, "active") && s->runtime_max_sec < USEC_INFINITY) {
                fputs("      Until: ", f);
                print_timestamp_pair(f, ts + s->runtime_max_sec, env->now);
        }
        if (!endswith(strempty(s->id), ".target") && (streq_ptr(st, "inactive") || streq_ptr(st, "failed")) &&
            timestamp_is_set(s->active_enter_timestamp) && timestamp_is_set(s->active_exit_timestamp) &&
            s->active_exit_timestamp >= s->active_enter_timestamp) {
                char b[FORMAT_TIMESPAN_MAX];
                fprintf(f, "   Duration: %s\n", format_timespan(b, sizeof b, s->active_exit_timestamp - s->active_enter_timestamp, 1000));
        }
}

void ctl_print_status(FILE *f, CtlUnitStatus *s, const CtlStatusEnv *env) {
        const char *on = "", *off = "";
        char b1[FORMAT_BYTES_MAX], b2[FORMAT_BYTES_MAX], ts[FORMAT_TIMESPAN_MAX];

        if (env->colors && streq_ptr(s->active_state, "failed"))
                on = ANSI_RED, off = ANSI_NORMAL;
        else if (env->colors && (streq_ptr(s->active_state, "active") || streq_ptr(s->active_state, "reloading")))
                on = ANSI_GREEN, off = ANSI_NORMAL;
        print_head(f, s, env, on, off);
        print_active(f, s, env, on, off);
        print_triggers(f, s->triggered_by, env->triggered_by_states, "TriggeredBy:", false, env);
        if (endswith(strempty(s->id), ".timer")) {
                /* The earlier of the realtime and the (converted) monotonic next elapse. */
                usec_t next = s->next_elapse_real;
                if (timestamp_is_set(s->next_elapse_monotonic)) {
                        usec_t m = s->next_elapse_monotonic, conv;
                        conv = m > env->now_monotonic ? env->now + (m - env->now_monotonic)
                                                      : env->now - (env->now_monotonic - m);
                        next = timestamp_is_set(next) && next < conv ? next : conv;
                }
                if (timestamp_is_set(next)) {
                        fputs("    Trigger: ", f);
                        print_timestamp_pair(f, next, env->now);
                } else
                        fputs("    Trigger: n/a\n", f);
        }
        print_triggers(f, s->triggers, env->triggers_states, "   Triggers:", true, env);
        if (!s->condition_result && s->condition_timestamp > 0) {
                fprintf(f, "  Condition: start %scondition failed%s at ", env->colors ? ANSI_YELLOW : "",
                        env->colors ? ANSI_NORMAL : "");
                print_timestamp_pair(f, s->condition_timestamp, env->now);
                STRV_FOREACH(c, s->failed_conditions)
                        fprintf(f, "             %s %s was not met\n",
                                ctl_glyph(c[1] ? CTL_GLYPH_TREE_BRANCH : CTL_GLYPH_TREE_RIGHT, env->utf8), *c);
        }
        if (!s->assert_result && s->assert_timestamp > 0) {
                fprintf(f, "     Assert: start %sassertion failed%s at ", env->colors ? ANSI_RED : "",
                        env->colors ? ANSI_NORMAL : "");
                print_timestamp_pair(f, s->assert_timestamp, env->now);
                if (s->failed_assert_trigger)
                        fputs("             none of the trigger assertions were met\n", f);
                else if (s->failed_assert)
                        fprintf(f, "             %s was not met\n", s->failed_assert);
        }
        if (s->sysfs_path)
                fprintf(f, "     Device: %s\n", s->sysfs_path);
        if (s->where)
                fprintf(f, "      Where: %s\n", s->where);
        if (s->what)
                fprintf(f, "       What: %s\n", s->what);
        STRV_FOREACH(d, s->documentation) {
                _cleanup_free_ char *u = ctl_urlify(*d, NULL, env->urlify);
                fprintf(f, "   %9s %s\n", d == s->documentation ? "Docs:" : "", u ? u : *d);
        }
        for (size_t i = 0; s->listen && s->listen[i] && s->listen[i + 1]; i += 2)
                fprintf(f, "   %9s %s (%s)\n", i == 0 ? "Listen:" : "", s->listen[i + 1], s->listen[i]);
        if (s->accept) {
                fprintf(f, "   Accepted: %" PRIu32 "; Connected: %" PRIu32 ";", s->n_accepted, s->n_connections);
                if (s->n_refused)
                        fprintf(f, "   Refused: %" PRIu32, s->n_refused);
                fputc('\n', f);
        }
        print_pids(f, s, env, env->colors ? ANSI_RED : "", env->colors ? ANSI_NORMAL : "");
        if (s->status_text)
                fprintf(f, "     Status: \"%s\"\n", s->status_text);
        if (s->status_errno > 0)
                fprintf(f, "      Error: %i (%s)\n", s->status_errno, strerror(s->status_errno));
        if (s->ip_ingress_bytes != UINT64_MAX && s->ip_egress_bytes != UINT64_MAX)
                fprintf(f, "         IP: %s in, %s out\n", format_bytes(b1, sizeof b1, s->ip_ingress_bytes),
                        format_bytes(b2, sizeof b2, s->ip_egress_bytes));
        if (s->io_read_bytes != UINT64_MAX && s->io_write_bytes != UINT64_MAX)
                fprintf(f, "         IO: %s read, %s written\n", format_bytes(b1, sizeof b1, s->io_read_bytes),
                        format_bytes(b2, sizeof b2, s->io_write_bytes));
        if (s->tasks_current != UINT64_MAX) {
                fprintf(f, "      Tasks: %" PRIu64, s->tasks_current);
                if (s->tasks_max != UINT64_MAX)
                        fprintf(f, " (limit: %" PRIu64 ")", s->tasks_max);
                fputc('\n', f);
        }
        if (s->memory_current != UINT64_MAX)
                print_memory(f, s);
        if (s->cpu_usage_nsec != UINT64_MAX)
                fprintf(f, "        CPU: %s\n", format_timespan(ts, sizeof ts, s->cpu_usage_nsec / 1000, 1000));
        if (s->control_group) {
                fprintf(f, "     CGroup: %s\n", s->control_group);
                ctl_print_processes(f, s->control_group, env->procs, env->n_procs, "             ", env->utf8, env->colors,
                                    env->columns > 13 ? env->columns - 13 : env->columns);
        }
}

static int cmp_proc_pid(const void *a, const void *b) {
        const CtlProcess *x = *(const CtlProcess *const *) a, *y = *(const CtlProcess *const *) b;
        return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The direct child cgroup of `cg` on the way to `path`, or NULL if path is not below cg. */
static char *child_of(const char *cg, const char *path) {
        const char *rest = streq(cg, "/") ? (path[0] == '/' && path[1] ? path + 1 : NULL) : startswith(path, cg);
        const char *end;

        if (!rest)
                return NULL;
        if (!streq(cg, "/")) {
                if (*rest != '/' || !rest[1])
                        return NULL;
                rest++;
        }
        end = strchr(rest, '/');
        return strndup(path, end ? (size_t) (end - path) : strlen(path));
}

static void dump_cgroup(FILE *f, const char *cg, const CtlProcess *procs, size_t n, const char *prefix, bool utf8,
                        bool colors, unsigned columns, unsigned depth) {
        _cleanup_free_ const CtlProcess **mine = calloc(n ? n : 1, sizeof *mine);
        _cleanup_strv_free_ char **children = NULL;
        size_t k = 0;
        int width = 1;

        if (!mine || depth > 64)
                return;
        for (size_t i = 0; i < n; i++) {
                if (streq(procs[i].cgroup, cg))
                        mine[k++] = &procs[i];
                else {
                        char *c = child_of(cg, procs[i].cgroup);
                        if (c && strv_consume_unique(&children, c) < 0)
                                return;
                }
        }
        qsort(mine, k, sizeof *mine, cmp_proc_pid);
        if (children)
                qsort(children, strv_length(children), sizeof(char *), cmp_str);
        if (k > 0)
                width = snprintf(NULL, 0, "%" PRIu32, mine[k - 1]->pid);
        for (size_t i = 0; i < k; i++) {
                bool more = i + 1 < k || children;
                const char *cmd = mine[i]->cmdline ? mine[i]->cmdline : "";
                unsigned room = columns > (unsigned) width + 3 ? columns - width - 3 : 0;

                if (columns && room < 20)
                        room = 20;
                fprintf(f, "%s%s%s%*" PRIu32 " ", prefix, ctl_glyph(more ? CTL_GLYPH_TREE_BRANCH : CTL_GLYPH_TREE_RIGHT, utf8),
                        colors ? "\x1B[0;38;5;245m" : "", width, mine[i]->pid);
                if (columns && strlen(cmd) > room)
                        fprintf(f, "%.*s%s", (int) room - 1, cmd, utf8 ? "\u2026" : "...");
                else
                        fputs(cmd, f);
                fprintf(f, "%s\n", colors ? "\x1B[0m" : "");
        }
        STRV_FOREACH(c, children) {
                bool more = c[1] != NULL;
                _cleanup_free_ char *pp = strjoin(prefix, ctl_glyph(more ? CTL_GLYPH_TREE_VERTICAL : CTL_GLYPH_TREE_SPACE, utf8));
                const char *base = strrchr(*c, '/');

                fprintf(f, "%s%s%s\n", prefix, ctl_glyph(more ? CTL_GLYPH_TREE_BRANCH : CTL_GLYPH_TREE_RIGHT, utf8),
                        base ? base + 1 : *c);
                if (!pp)
                        return;
                dump_cgroup(f, *c, procs, n, pp, utf8, colors, columns > 2 ? (columns - 2 < 20 ? 20 : columns - 2) : columns,
                            depth + 1);
        }
}

void ctl_print_processes(FILE *f, const char *unit_cgroup, const CtlProcess *procs, size_t n,
                         const char *prefix, bool utf8, bool colors, unsigned columns) {
        dump_cgroup(f, isempty(unit_cgroup) ? "/" : unit_cgroup, procs, n, prefix, utf8, colors, columns, 0);
}
