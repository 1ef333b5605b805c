/* SPDX-License-Identifier: MIT */
/* Directive tables of systemd.exec(5), systemd.kill(5) and systemd.resource-control(5), exactly
 * systemd 252's key set, each parsed into a typed field. Invalid values are warned about with
 * file:line and directive, and ignored, where systemd ignores them. */
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/strv.h"
#include "unit/conf-parser.h"
#include "unit/specifier.h"
#include "unit/unit.h"

#define EXEC(k, fn, lt, field) { k, fn, lt, BASE_EXEC, offsetof(ExecContext, field) }
#define KILL(k, fn, lt, field) { k, fn, lt, BASE_KILL, offsetof(KillContext, field) }
#define CG(k, fn, lt, field) { k, fn, lt, BASE_CGROUP, offsetof(CGroupContext, field) }
#define COMPAT(k, why) { k, config_parse_warn_compat, why, BASE_UNIT, 0 }

/* ---- small helpers ---- */

static int lookup_name(const char *const *names, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (names[i] && streq(names[i], s)) return (int)i;
        return -EINVAL;
}

/* An enum given as a name table; ltype unused. */
#define DEFINE_NAME_PARSER(fn, type, ...)                                                       \
        static int fn(const ConfigItem *it, Unit *u, int ltype, void *data) {                   \
                static const char *const names[] = { __VA_ARGS__ };                              \
                (void)u; (void)ltype;                                                            \
                int v = lookup_name(names, ELEMENTSOF(names), it->value);                        \
                if (v < 0) return log_invalid(it, EINVAL);                                       \
                *(type *)data = (type)v;                                                         \
                return 0;                                                                        \
        }

static bool valid_user_group_name(const char *s) {
        if (isempty(s) || strlen(s) > 256) return false;
        if (s[strspn(s, DIGITS)] == 0) return true;          /* numeric id */
        if (!strchr(LETTERS "_", s[0])) return false;
        return s[strspn(s, LETTERS DIGITS "_-.$")] == 0;     /* 252's relaxed check for existing names */
}

/* Words of the value, unquoted, specifiers expanded, appended to *l; empty value resets. */
static int parse_words(const ConfigItem *it, Unit *u, char ***l, bool (*valid)(const char *)) {
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL, *k = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) return log_invalid(it, r);
                ConfigItem wi = *it;
                wi.value = w;
                if (config_expand_specifiers(&wi, u, SPECIFIERS_FULL, &k) < 0) continue;
                if (valid && !valid(k)) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Invalid %s= entry, ignoring: %s", it->key, k);
                        continue;
                }
                if (strv_push(l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

/* A list that a leading '~' turns into a deny list; an empty value resets. */
static int parse_allow_deny(const ConfigItem *it, Unit *u, AllowDenyList *l, bool (*valid)(const char *)) {
        if (isempty(it->value)) {
                strv_free(l->items);
                *l = (AllowDenyList){0};
                return 0;
        }
        const char *v = it->value;
        bool deny = *v == '~';
        if (deny) v++;
        if (!l->set) {
                l->allow_list = !deny;
                l->set = true;
        }
        ConfigItem w = *it;
        w.value = v;
        return parse_words(&w, u, &l->items, valid);
}

/* ---- [exec] parsers ---- */

static int parse_working_directory(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        if (isempty(it->value)) {
                free(c->working_directory);
                c->working_directory = NULL;
                c->working_directory_missing_ok = c->working_directory_home = false;
                return 0;
        }
        const char *v = it->value;
        bool missing_ok = *v == '-';
        if (missing_ok) v++;
        _cleanup_free_ char *k = NULL;
        if (streq(v, "~")) {
                if (!(k = strdup("~"))) return log_oom();
        } else {
                ConfigItem w = *it;
                w.value = v;
                if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) return 0;
                if (path_simplify_and_check(k) < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL,
                                   "WorkingDirectory= expects an absolute path or the special value \"~\", ignoring: %s", it->value);
                        return 0;
                }
        }
        free(c->working_directory);
        c->working_directory_home = streq(k, "~");
        c->working_directory = TAKE_PTR(k);
        c->working_directory_missing_ok = missing_ok;
        return 0;
}

static int parse_user_group(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                free(*s);
                *s = NULL;
                return 0;
        }
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return -ENOEXEC;
        if (!valid_user_group_name(k)) {
                log_syntax(it->file, it->line, LOG_ERR, EINVAL, "Invalid user/group name or numeric ID: %s", k);
                return -ENOEXEC;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

static int parse_user_group_strv(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_user_group_name);
}

static int parse_string_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return config_parse_string(it, u, CONFIG_SPECIFIERS, data);
}

static int parse_strv_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, NULL);
}

/* Nice= and OOMScoreAdjust=: a bounded integer plus "was it set"; empty unsets. */
static int parse_int_setting(const ConfigItem *it, int (*conv)(const char *, int *), int *value, bool *set) {
        int n;
        if (isempty(it->value)) { *set = false; return 0; }
        if (conv(it->value, &n) < 0) return log_invalid(it, ERANGE);
        *value = n;
        *set = true;
        return 0;
}

static int parse_nice_directive(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        return parse_int_setting(it, parse_nice, &c->nice, &c->nice_set);
}

static int parse_oom(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        return parse_int_setting(it, parse_oom_score_adjust, &c->oom_score_adjust, &c->oom_score_adjust_set);
}

static int parse_coredump_filter(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        static const char *const names[] = { "private-anonymous", "shared-anonymous", "private-file-backed",
                                             "shared-file-backed", "elf-headers", "private-huge", "shared-huge",
                                             "private-dax", "shared-dax" };
        ExecContext *c = unit_exec_context(u);
        uint64_t mask = 0;
        if (isempty(it->value)) { c->coredump_filter_set = false; return 0; }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, 0);
                if (r == 0) break;
                if (r < 0) return log_invalid(it, r);
                int i = lookup_name(names, ELEMENTSOF(names), w);
                uint64_t n;
                if (i >= 0) mask |= UINT64_C(1) << i;
                else if (streq(w, "all")) mask = UINT64_MAX;
                else if (streq(w, "default")) mask |= 0x33;
                else if (safe_atolu_full(w, 16, (unsigned long *)&n) >= 0) mask |= n;
                else return log_invalid(it, EINVAL);
        }
        c->coredump_filter = mask;
        c->coredump_filter_set = true;
        return 0;
}

static int parse_io_class(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        static const char *const names[] = { "none", "realtime", "best-effort", "idle" };
        ExecContext *c = unit_exec_context(u);
        if (isempty(it->value)) { c->ioprio_set = false; c->ioprio_class = -1; return 0; }
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        unsigned n;
        if (v < 0 && safe_atou(it->value, &n) >= 0 && n <= 3) v = (int)n;
        if (v < 0) return log_invalid(it, EINVAL);
        c->ioprio_class = v;
        c->ioprio_set = true;
        return 0;
}

static int parse_io_priority(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        unsigned n;
        if (isempty(it->value)) { c->ioprio_priority = 0; return 0; }
        if (safe_atou(it->value, &n) < 0 || n > 7) return log_invalid(it, ERANGE);
        c->ioprio_priority = (int)n;
        c->ioprio_set = true;
        return 0;
}

static int parse_sched_policy(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        static const char *const names[] = { [SCHED_OTHER] = "other", [SCHED_FIFO] = "fifo", [SCHED_RR] = "rr",
                                             [SCHED_BATCH] = "batch", [SCHED_IDLE] = "idle" };
        ExecContext *c = unit_exec_context(u);
        if (isempty(it->value)) { c->cpu_sched_set = false; c->cpu_sched_policy = SCHED_OTHER; return 0; }
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) return log_invalid(it, EINVAL);
        c->cpu_sched_policy = v;
        c->cpu_sched_set = true;
        return 0;
}

static int parse_sched_prio(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        unsigned n;
        if (safe_atou(it->value, &n) < 0 || n > 99) return log_invalid(it, ERANGE);
        c->cpu_sched_priority = (int)n;
        c->cpu_sched_set = true;
        return 0;
}

static bool valid_cpu_range(const char *s) {
        return streq(s, "numa") || (*s && s[strspn(s, DIGITS "-,")] == 0);
}

static int parse_cpu_list(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_cpu_range);
}

DEFINE_NAME_PARSER(parse_numa_policy, int, "default", "preferred", "bind", "interleave", "local")

static bool valid_env_name(const char *s, size_t n) {
        if (n == 0 || n > 4096 || (s[0] >= '0' && s[0] <= '9')) return false;
        for (size_t i = 0; i < n; i++)
                if (!strchr(LETTERS DIGITS "_", s[i])) return false;
        return true;
}

static bool valid_env_assignment(const char *s) {
        const char *eq = strchr(s, '=');
        return eq && valid_env_name(s, (size_t)(eq - s));
}

static bool valid_env_name_only(const char *s) {
        return valid_env_name(s, strlen(s));
}

static bool valid_env_name_or_assignment(const char *s) {
        return valid_env_name_only(s) || valid_env_assignment(s);
}

/* Environment=: quoted assignments with C escapes; an invalid one is warned about and skipped. */
static int parse_environ(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL, *k = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_CUNESCAPE | EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r == -ENOMEM) return log_oom();
                if (r < 0) return log_invalid(it, r);
                ConfigItem wi = *it;
                wi.value = w;
                if (config_expand_specifiers(&wi, u, SPECIFIERS_FULL, &k) < 0) continue;
                if (!valid_env_assignment(k)) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Invalid environment assignment, ignoring: %s", k);
                        continue;
                }
                /* a later assignment of the same name replaces the earlier one */
                size_t n = (size_t)(strchr(k, '=') - k);
                for (size_t i = 0; *l && (*l)[i]; i++)
                        if (strncmp((*l)[i], k, n + 1) == 0) {
                                free((*l)[i]);
                                memmove(*l + i, *l + i + 1, (strv_length(*l + i + 1) + 1) * sizeof(char *));
                                break;
                        }
                if (strv_push(l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

static int parse_env_file(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        const char *path = k[0] == '-' ? k + 1 : k;
        if (path[0] != '/') {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Path '%s' is not absolute, ignoring.", k);
                return 0;
        }
        return strv_push(l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static int parse_pass_env(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_env_name_only);
}

static int parse_unset_env(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_env_name_or_assignment);
}

static int parse_input(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        const char *v;
        _cleanup_free_ char *k = NULL;
        if ((v = startswith(it->value, "fd:"))) {
                if (!*v || strlen(v) > 255) return log_invalid(it, EINVAL);
                if (!(k = strdup(v))) return log_oom();
                c->std_input = EXEC_INPUT_NAMED_FD;
        } else if ((v = startswith(it->value, "file:"))) {
                ConfigItem w = *it;
                w.value = v;
                if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) return 0;
                if (path_simplify_and_check(k) < 0) return log_invalid(it, EINVAL);
                c->std_input = EXEC_INPUT_FILE;
        } else {
                ExecInput i = exec_input_from_string(it->value);
                if ((int)i < 0 || i == EXEC_INPUT_NAMED_FD || i == EXEC_INPUT_FILE) return log_invalid(it, EINVAL);
                c->std_input = i;
        }
        free(c->stdio_file[0]);
        c->stdio_file[0] = TAKE_PTR(k);
        return 0;
}

static int parse_output(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecContext *c = unit_exec_context(u);
        int idx = (ExecOutput *)data == &c->std_output ? 1 : 2;
        static const struct { const char *prefix; ExecOutput o; } files[] = {
                { "file:", EXEC_OUTPUT_FILE }, { "append:", EXEC_OUTPUT_FILE_APPEND },
                { "truncate:", EXEC_OUTPUT_FILE_TRUNCATE },
        };
        const char *v;
        _cleanup_free_ char *k = NULL;
        ExecOutput o = _EXEC_OUTPUT_INVALID;
        if ((v = startswith(it->value, "fd:"))) {
                if (!*v || strlen(v) > 255) return log_invalid(it, EINVAL);
                if (!(k = strdup(v))) return log_oom();
                o = EXEC_OUTPUT_NAMED_FD;
        }
        for (size_t i = 0; i < ELEMENTSOF(files) && o < 0; i++)
                if ((v = startswith(it->value, files[i].prefix))) {
                        ConfigItem w = *it;
                        w.value = v;
                        if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) return 0;
                        if (path_simplify_and_check(k) < 0) return log_invalid(it, EINVAL);
                        o = files[i].o;
                }
        if (o < 0) {
                o = exec_output_from_string(it->value);
                if ((int)o < 0 || o == EXEC_OUTPUT_NAMED_FD || o >= EXEC_OUTPUT_FILE) return log_invalid(it, EINVAL);
        }
        *(ExecOutput *)data = o;
        free(c->stdio_file[idx]);
        c->stdio_file[idx] = TAKE_PTR(k);
        return 0;
}

static int append_stdin(ExecContext *c, const char *d, size_t n) {
        if (c->stdin_data_size + n > (64u << 20)) return -E2BIG;  /* EXEC_STDIN_DATA_MAX */
        char *m = realloc(c->stdin_data, c->stdin_data_size + n + 1);
        if (!m) return -ENOMEM;
        memcpy(m + c->stdin_data_size, d, n);
        c->stdin_data_size += n;
        m[c->stdin_data_size] = 0;
        c->stdin_data = m;
        return 0;
}

static int parse_input_text(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        ExecContext *c = unit_exec_context(u);
        if (isempty(it->value)) {
                free(c->stdin_data);
                c->stdin_data = NULL;
                c->stdin_data_size = 0;
                return 0;
        }
        _cleanup_free_ char *unescaped = NULL, *k = NULL;
        if (cunescape(it->value, 0, &unescaped) < 0) return log_invalid(it, EINVAL);
        ConfigItem w = *it;
        w.value = unescaped;
        if (config_expand_specifiers(&w, u, SPECIFIERS_FULL, &k) < 0) return 0;
        int r = append_stdin(c, k, strlen(k));
        if (r >= 0) r = append_stdin(c, "\n", 1);
        return r == -ENOMEM ? log_oom() : r < 0 ? log_invalid(it, r) : 0;
}

static int b64_value(char ch) {
        if (ch >= 'A' && ch <= 'Z') return ch - 'A';
        if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
        if (ch >= '0' && ch <= '9') return ch - '0' + 52;
        if (ch == '+') return 62;
        if (ch == '/') return 63;
        return -1;
}

static int parse_input_data(const ConfigItem *it, Unit *u, int ltype, void *data) {
        ExecContext *c = unit_exec_context(u);
        if (isempty(it->value)) return parse_input_text(it, u, ltype, data);
        Buf out = {0};
        unsigned acc = 0, bits = 0;
        for (const char *p = it->value; *p; p++) {
                if (strchr(WHITESPACE, *p) || *p == '=') continue;
                int v = b64_value(*p);
                if (v < 0) { buf_free(&out); return log_invalid(it, EINVAL); }
                acc = (acc << 6) | (unsigned)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        buf_putc(&out, (char)((acc >> bits) & 0xff));
                }
        }
        int r = append_stdin(c, out.s ? out.s : "", out.len);
        buf_free(&out);
        return r == -ENOMEM ? log_oom() : r < 0 ? log_invalid(it, r) : 0;
}

static int parse_tty_size(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        unsigned n;
        if (isempty(it->value)) { *(unsigned *)data = UINT32_MAX; return 0; }
        if (safe_atou(it->value, &n) < 0 || n >= UINT16_MAX) return log_invalid(it, ERANGE);
        *(unsigned *)data = n;
        return 0;
}

static const char *const facilities[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                          "uucp", "cron", "authpriv", "ftp", NULL, NULL, NULL, NULL, "local0",
                                          "local1", "local2", "local3", "local4", "local5", "local6", "local7" };
static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

static int parse_level(const char *s) {
        int v = lookup_name(levels, ELEMENTSOF(levels), s);
        unsigned n;
        if (v < 0 && safe_atou(s, &n) >= 0 && n <= 7) v = (int)n;
        return v;
}

static int parse_facility(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int v = lookup_name(facilities, ELEMENTSOF(facilities), it->value);
        if (v < 0) return log_invalid(it, EINVAL);
        int *prio = data;
        *prio = (v << 3) | (*prio & 7);
        return 0;
}

static int parse_syslog_level(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int v = parse_level(it->value);
        if (v < 0) return log_invalid(it, EINVAL);
        int *prio = data;
        *prio = (*prio & ~7) | v;
        return 0;
}

static int parse_log_level_max(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) { *(int *)data = -1; return 0; }
        int v = parse_level(it->value);
        if (v < 0) return log_invalid(it, EINVAL);
        *(int *)data = v;
        return 0;
}

static bool valid_journal_field(const char *s) {
        const char *eq = strchr(s, '=');
        if (!eq || eq == s || eq - s > 64 || s[0] == '_' || (s[0] >= '0' && s[0] <= '9')) return false;
        for (const char *p = s; p < eq; p++)
                if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", *p)) return false;
        return true;
}

static int parse_log_extra_fields(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_journal_field);
}

/* Capability names, indexed by number (capability.h of Linux 6.x). */
static const char *const cap_names[] = {
        "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid", "cap_kill",
        "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service",
        "cap_net_broadcast", "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module",
        "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot",
        "cap_sys_nice", "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
        "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin", "cap_syslog",
        "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf", "cap_checkpoint_restore",
};

static int capability_from_name(const char *s) {
        char low[64];
        size_t n = strlen(s);
        if (n >= sizeof low) return -EINVAL;
        for (size_t i = 0; i <= n; i++) low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        int v = lookup_name(cap_names, ELEMENTSOF(cap_names), low);
        unsigned num;
        if (v < 0 && safe_atou(s, &num) >= 0 && num < 64) v = (int)num;
        return v;
}

/* CapabilityBoundingSet= / AmbientCapabilities=: names (any case), '~' inverts; repeated
 * assignments are ORed (or, inverted, ANDed), empty resets. */
static int parse_capability_set(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        uint64_t *set = data, sum = 0;
        ExecContext *c = unit_exec_context(u);
        bool bounding = set == &c->capability_bounding_set;
        const char *p = it->value;
        bool invert = *p == '~';
        if (invert) p++;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) break;
                if (r < 0) return log_invalid(it, r);
                int cap = capability_from_name(w);
                if (cap < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse capability in %s=, ignoring: %s", it->key, w);
                        continue;
                }
                sum |= UINT64_C(1) << cap;
        }
        if (invert) sum = ~sum;
        if (isempty(it->value)) *set = 0;
        else if (bounding && !c->capability_bounding_set_set) *set = sum;
        else *set = invert ? *set & sum : *set | sum;
        if (bounding) c->capability_bounding_set_set = true;
        return 0;
}

static int parse_secure_bits(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "noroot", "noroot-locked", "no-setuid-fixup", "no-setuid-fixup-locked",
                                             "keep-caps", "keep-caps-locked" };
        int bits = 0;
        if (isempty(it->value)) { *(int *)data = 0; return 0; }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, 0);
                if (r == 0) break;
                if (r < 0) return log_invalid(it, r);
                int v = lookup_name(names, ELEMENTSOF(names), w);
                if (v < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to parse secure bits, ignoring: %s", w);
                        continue;
                }
                bits |= 1 << v;
        }
        *(int *)data = bits;
        return 0;
}

DEFINE_NAME_PARSER(parse_keyring_mode, ExecKeyringMode, "inherit", "private", "shared")
DEFINE_NAME_PARSER(parse_protect_proc, ProtectProc, "default", "noaccess", "invisible", "ptraceable")
DEFINE_NAME_PARSER(parse_proc_subset, ProcSubset, "all", "pid")
DEFINE_NAME_PARSER(parse_utmp_mode, ExecUtmpMode, "init", "login", "user")

static bool valid_syscall_item(const char *s) {
        const char *colon = strchr(s, ':');
        size_t n = colon ? (size_t)(colon - s) : strlen(s);
        const char *name = s[0] == '@' ? s + 1 : s;
        if (n == 0 || n > 64) return false;
        for (const char *p = name; p < s + n; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", *p)) return false;
        return true;
}

static int parse_syscall_filter(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_allow_deny(it, u, data, valid_syscall_item);
}

static int parse_syscall_errno(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int e;
        if (isempty(it->value) || streq(it->value, "kill")) { *(int *)data = isempty(it->value) ? 0 : -1; return 0; }
        if (streq(it->value, "log")) { *(int *)data = -2; return 0; }
        if (parse_errno(it->value, &e) < 0 || e <= 0 || e > 4095) return log_invalid(it, EINVAL);
        *(int *)data = e;
        return 0;
}

static bool valid_arch(const char *s) {
        static const char *const archs[] = { "native", "x86", "x86-64", "x32", "arm", "arm64", "mips", "mips64",
                                             "mips64-n32", "mipsel", "mips64-le", "mips64-le-n32", "ppc", "ppc64",
                                             "ppc64-le", "s390", "s390x", "riscv64", "loongarch64", "parisc",
                                             "parisc64" };
        return lookup_name(archs, ELEMENTSOF(archs), s) >= 0;
}

static int parse_syscall_archs(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_arch);
}

static bool valid_af(const char *s) {
        return streq(s, "none") || (startswith(s, "AF_") && s[3] && s[3 + strspn(s + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] == 0);
}

static int parse_address_families(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_allow_deny(it, u, data, valid_af);
}

static bool valid_namespace(const char *s) {
        static const char *const ns[] = { "cgroup", "ipc", "net", "mnt", "pid", "user", "uts" };
        return lookup_name(ns, ELEMENTSOF(ns), s) >= 0;
}

static int parse_restrict_namespaces(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecContext *c = unit_exec_context(u);
        int b = parse_boolean(it->value);
        if (b >= 0) {
                strv_free(c->restrict_namespaces.items);
                c->restrict_namespaces = (AllowDenyList){ .allow_list = !b, .set = true };
                c->restrict_namespaces_all = b;
                return 0;
        }
        return parse_allow_deny(it, u, data, valid_namespace);
}

static bool valid_fs_name(const char *s) {
        return *s && s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.@-")] == 0;
}

static int parse_restrict_filesystems(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_allow_deny(it, u, data, valid_fs_name);
}

/* Limit*=: "soft[:hard]" or "infinity"; units depend on the resource (systemd.exec(5)). */
static int parse_rlimit_value(int resource, const char *s, rlim_t *ret) {
        if (streq(s, "infinity")) { *ret = RLIM_INFINITY; return 0; }
        uint64_t v;
        usec_t t;
        switch (resource) {
        case RLIMIT_CPU:
                if (parse_sec(s, &t) < 0) return -EINVAL;
                *ret = t == USEC_INFINITY ? RLIM_INFINITY : (t + USEC_PER_SEC - 1) / USEC_PER_SEC;
                return 0;
        case RLIMIT_RTTIME:
                if (parse_time(s, &t, 1) < 0) return -EINVAL;
                *ret = t == USEC_INFINITY ? RLIM_INFINITY : t;
                return 0;
        case RLIMIT_FSIZE: case RLIMIT_DATA: case RLIMIT_STACK: case RLIMIT_CORE: case RLIMIT_RSS:
        case RLIMIT_AS: case RLIMIT_MEMLOCK: case RLIMIT_MSGQUEUE:
                if (parse_size(s, 1024, &v) < 0) return -EINVAL;
                *ret = v;
                return 0;
        case RLIMIT_NICE: {
                int n;
                if (s[0] == '+' || s[0] == '-') {  /* a nice value, -20..19 → 40..1 */
                        if (safe_atoi(s, &n) < 0 || n < -20 || n > 19) return -ERANGE;
                        *ret = (rlim_t)(20 - n);
                        return 0;
                }
                if (safe_atou64(s, &v) < 0 || v > 40) return -ERANGE;
                *ret = v;
                return 0;
        }
        default:
                if (safe_atou64(s, &v) < 0) return -EINVAL;
                *ret = v;
                return 0;
        }
}

static int parse_rlimit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)data;
        ExecContext *c = unit_exec_context(u);
        if ((size_t)ltype >= ELEMENTSOF(c->rlimit)) return 0;
        _cleanup_free_ char *soft = NULL;
        const char *colon = strchr(it->value, ':');
        rlim_t s, h;
        if (!(soft = colon ? strndup(it->value, (size_t)(colon - it->value)) : strdup(it->value))) return log_oom();
        if (parse_rlimit_value(ltype, soft, &s) < 0) return log_invalid(it, EINVAL);
        if (colon) {
                if (parse_rlimit_value(ltype, colon + 1, &h) < 0) return log_invalid(it, EINVAL);
        } else
                h = s;
        if (s > h) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Soft resource limit chosen higher than hard limit, ignoring: %s", it->value);
                return 0;
        }
        if (!c->rlimit[ltype] && !(c->rlimit[ltype] = malloc(sizeof(struct rlimit)))) return log_oom();
        *c->rlimit[ltype] = (struct rlimit){ .rlim_cur = s, .rlim_max = h };
        return 0;
}

static int parse_namespace_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        return config_parse_path_strv(it, u, ltype, data);
}

static bool valid_abs_path(const char *s) {
        return s[0] == '/';
}

static int parse_colon_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL, *k = NULL;
                int r = extract_first_word(&p, &w, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r == 0) return 0;
                if (r < 0) return log_invalid(it, r);
                ConfigItem wi = *it;
                wi.value = w;
                if (config_expand_specifiers(&wi, u, SPECIFIERS_FULL, &k) < 0) continue;
                if (path_simplify_and_check(k) < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Non-absolute path in %s=, ignoring: %s", it->key, k);
                        continue;
                }
                if (strv_push(l, TAKE_PTR(k)) < 0) return log_oom();
        }
}

/* BindPaths=: "[-]SRC[:DST[:OPTIONS]]", SRC and DST absolute. */
static bool valid_bind(const char *s) {
        if (*s == '-') s++;
        if (*s != '/') return false;
        const char *c = strchr(s, ':');
        return !c || c[1] == '/';
}

static int parse_bind_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_bind);
}

static int parse_temporary_fs(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_abs_path);
}

DEFINE_NAME_PARSER(parse_protect_system_name, ProtectSystem, "no", "yes", "full", "strict")
static int parse_protect_system(const ConfigItem *it, Unit *u, int ltype, void *data) {
        int b = parse_boolean(it->value);
        if (b >= 0) { *(ProtectSystem *)data = b ? PROTECT_SYSTEM_YES : PROTECT_SYSTEM_NO; return 0; }
        return parse_protect_system_name(it, u, ltype, data);
}

DEFINE_NAME_PARSER(parse_protect_home_name, ProtectHome, "no", "yes", "read-only", "tmpfs")
static int parse_protect_home(const ConfigItem *it, Unit *u, int ltype, void *data) {
        int b = parse_boolean(it->value);
        if (b >= 0) { *(ProtectHome *)data = b ? PROTECT_HOME_YES : PROTECT_HOME_NO; return 0; }
        return parse_protect_home_name(it, u, ltype, data);
}

static int parse_mount_flags(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        unsigned long *f = data;
        if (isempty(it->value)) *f = 0;
        else if (streq(it->value, "shared")) *f = MS_SHARED;
        else if (streq(it->value, "slave")) *f = MS_SLAVE;
        else if (streq(it->value, "private")) *f = MS_PRIVATE;
        else return log_invalid(it, EINVAL);
        return 0;
}

static int parse_tristate_bool(const ConfigItem *it, Unit *u, int ltype, void *data) {
        return config_parse_tristate(it, u, ltype, data);
}

static int parse_personality(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        static const char *const names[] = { "x86", "x86-64", "arm", "arm64", "ppc", "ppc64", "ppc64-le",
                                             "s390", "s390x", "mips", "mips64", "riscv64", "loongarch64" };
        if (isempty(it->value)) { *(unsigned long *)data = 0xffffffffUL; return 0; }
        int v = lookup_name(names, ELEMENTSOF(names), it->value);
        if (v < 0) return log_invalid(it, EINVAL);
        *(unsigned long *)data = (unsigned long)v;
        return 0;
}

static int parse_preserve_mode(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        int b = parse_boolean(it->value);
        if (b >= 0) *(int *)data = b;
        else if (streq(it->value, "restart")) *(int *)data = 2;
        else return log_invalid(it, EINVAL);
        return 0;
}

/* RuntimeDirectory= and friends: relative paths without "..", optional ":symlink". */
static int parse_exec_directories(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        ExecDirectory *d = data;
        if (isempty(it->value)) {
                strv_free(d->paths);
                strv_free(d->symlinks);
                d->paths = d->symlinks = NULL;
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL, *k = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_UNQUOTE);
                if (r == 0) return 0;
                if (r < 0) return log_invalid(it, r);
                ConfigItem wi = *it;
                wi.value = w;
                if (config_expand_specifiers(&wi, u, SPECIFIERS_FULL, &k) < 0) continue;
                char *colon = strchr(k, ':');
                if (colon) *colon = 0;
                bool bad = k[0] == '/' || !*k || strstr(k, "..") != NULL;
                if (bad) {
                        log_syntax(it->file, it->line, LOG_WARNING, EINVAL,
                                   "%s= path is not valid, ignoring assignment: %s", it->key, w);
                        continue;
                }
                /* normalise "a//b/" → "a/b" */
                _cleanup_free_ char *abs = strjoin("/", k);
                if (!abs || path_simplify_and_check(abs) < 0) continue;
                /* symlinks stays parallel to paths: "" where there is none */
                if (strv_extend(&d->paths, abs + 1) < 0 || strv_extend(&d->symlinks, colon ? colon + 1 : "") < 0)
                        return log_oom();
        }
}

static int parse_credential(const ConfigItem *it, Unit *u, int ltype, void *data) {
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        const char *colon = strchr(k, ':');
        if (colon == k || (strchr(k, '/') && (!colon || strchr(k, '/') < colon))) return log_invalid(it, EINVAL);
        _cleanup_free_ char *v = ltype ? strjoin("+", k) : strdup(k);
        return !v || strv_push(l, TAKE_PTR(v)) < 0 ? log_oom() : 0;
}

static int parse_path_printf(const ConfigItem *it, Unit *u, int ltype, void *data) {
        return config_parse_path(it, u, ltype, data);
}

static int parse_log_namespace(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        if (!isempty(it->value) && (strlen(it->value) > 64 || it->value[strspn(it->value, LETTERS DIGITS "_-.")] != 0))
                return log_invalid(it, EINVAL);
        return config_parse_string(it, u, 0, data);
}

static const Directive exec_directives[] = {
        EXEC("WorkingDirectory", parse_working_directory, 0, working_directory),
        EXEC("RootDirectory", parse_path_printf, 0, root_directory),
        EXEC("RootImage", parse_path_printf, 0, root_image),
        EXEC("RootImageOptions", parse_string_printf, 0, root_image_options),
        EXEC("RootHash", parse_string_printf, 0, root_hash),
        EXEC("RootHashSignature", parse_string_printf, 0, root_hash_signature),
        EXEC("RootVerity", parse_path_printf, 0, root_verity),
        EXEC("ExtensionDirectories", parse_namespace_paths, 0, extension_directories),
        EXEC("ExtensionImages", parse_strv_printf, 0, extension_images),
        EXEC("MountImages", parse_strv_printf, 0, mount_images),
        EXEC("User", parse_user_group, 0, user),
        EXEC("Group", parse_user_group, 0, group),
        EXEC("SupplementaryGroups", parse_user_group_strv, 0, supplementary_groups),
        EXEC("Nice", parse_nice_directive, 0, nice),
        EXEC("OOMScoreAdjust", parse_oom, 0, oom_score_adjust),
        EXEC("CoredumpFilter", parse_coredump_filter, 0, coredump_filter),
        EXEC("IOSchedulingClass", parse_io_class, 0, ioprio_class),
        EXEC("IOSchedulingPriority", parse_io_priority, 0, ioprio_priority),
        EXEC("CPUSchedulingPolicy", parse_sched_policy, 0, cpu_sched_policy),
        EXEC("CPUSchedulingPriority", parse_sched_prio, 0, cpu_sched_priority),
        EXEC("CPUSchedulingResetOnFork", config_parse_bool, 0, cpu_sched_reset_on_fork),
        EXEC("CPUAffinity", parse_cpu_list, 0, cpu_affinity),
        EXEC("NUMAPolicy", parse_numa_policy, 0, numa_policy),
        EXEC("NUMAMask", parse_cpu_list, 0, numa_mask),
        EXEC("UMask", config_parse_mode, 0, umask),
        EXEC("Environment", parse_environ, 0, environment),
        EXEC("EnvironmentFile", parse_env_file, 0, environment_files),
        EXEC("PassEnvironment", parse_pass_env, 0, pass_environment),
        EXEC("UnsetEnvironment", parse_unset_env, 0, unset_environment),
        EXEC("DynamicUser", config_parse_bool, 0, dynamic_user),
        EXEC("RemoveIPC", config_parse_bool, 0, remove_ipc),
        EXEC("StandardInput", parse_input, 0, std_input),
        EXEC("StandardOutput", parse_output, 0, std_output),
        EXEC("StandardError", parse_output, 0, std_error),
        EXEC("StandardInputText", parse_input_text, 0, stdin_data),
        EXEC("StandardInputData", parse_input_data, 0, stdin_data),
        EXEC("TTYPath", parse_path_printf, 0, tty_path),
        EXEC("TTYReset", config_parse_bool, 0, tty_reset),
        EXEC("TTYVHangup", config_parse_bool, 0, tty_vhangup),
        EXEC("TTYVTDisallocate", config_parse_bool, 0, tty_vt_disallocate),
        EXEC("TTYRows", parse_tty_size, 0, tty_rows),
        EXEC("TTYColumns", parse_tty_size, 0, tty_columns),
        EXEC("SyslogIdentifier", parse_string_printf, 0, syslog_identifier),
        EXEC("SyslogFacility", parse_facility, 0, syslog_priority),
        EXEC("SyslogLevel", parse_syslog_level, 0, syslog_priority),
        EXEC("SyslogLevelPrefix", config_parse_bool, 0, syslog_level_prefix),
        EXEC("LogLevelMax", parse_log_level_max, 0, log_level_max),
        EXEC("LogRateLimitIntervalSec", config_parse_sec, 0, log_ratelimit_interval_usec),
        EXEC("LogRateLimitBurst", config_parse_unsigned, 0, log_ratelimit_burst),
        EXEC("LogExtraFields", parse_log_extra_fields, 0, log_extra_fields),
        COMPAT("Capabilities", DISABLED_LEGACY),
        EXEC("SecureBits", parse_secure_bits, 0, secure_bits),
        EXEC("CapabilityBoundingSet", parse_capability_set, 0, capability_bounding_set),
        EXEC("AmbientCapabilities", parse_capability_set, 0, capability_ambient_set),
        EXEC("TimerSlackNSec", config_parse_nsec, 0, timer_slack_nsec),
        EXEC("NoNewPrivileges", config_parse_bool, 0, no_new_privileges),
        EXEC("KeyringMode", parse_keyring_mode, 0, keyring_mode),
        EXEC("ProtectProc", parse_protect_proc, 0, protect_proc),
        EXEC("ProcSubset", parse_proc_subset, 0, proc_subset),
        EXEC("SystemCallFilter", parse_syscall_filter, 0, system_call_filter),
        EXEC("SystemCallArchitectures", parse_syscall_archs, 0, system_call_architectures),
        EXEC("SystemCallErrorNumber", parse_syscall_errno, 0, system_call_error_number),
        EXEC("SystemCallLog", parse_syscall_filter, 0, system_call_log),
        EXEC("MemoryDenyWriteExecute", config_parse_bool, 0, memory_deny_write_execute),
        EXEC("RestrictNamespaces", parse_restrict_namespaces, 0, restrict_namespaces),
        EXEC("RestrictRealtime", config_parse_bool, 0, restrict_realtime),
        EXEC("RestrictSUIDSGID", config_parse_bool, 0, restrict_suid_sgid),
        EXEC("RestrictAddressFamilies", parse_address_families, 0, restrict_address_families),
        EXEC("LockPersonality", config_parse_bool, 0, lock_personality),
        EXEC("RestrictFileSystems", parse_restrict_filesystems, 0, restrict_filesystems),
        EXEC("LimitCPU", parse_rlimit, RLIMIT_CPU, rlimit),
        EXEC("LimitFSIZE", parse_rlimit, RLIMIT_FSIZE, rlimit),
        EXEC("LimitDATA", parse_rlimit, RLIMIT_DATA, rlimit),
        EXEC("LimitSTACK", parse_rlimit, RLIMIT_STACK, rlimit),
        EXEC("LimitCORE", parse_rlimit, RLIMIT_CORE, rlimit),
        EXEC("LimitRSS", parse_rlimit, RLIMIT_RSS, rlimit),
        EXEC("LimitNOFILE", parse_rlimit, RLIMIT_NOFILE, rlimit),
        EXEC("LimitAS", parse_rlimit, RLIMIT_AS, rlimit),
        EXEC("LimitNPROC", parse_rlimit, RLIMIT_NPROC, rlimit),
        EXEC("LimitMEMLOCK", parse_rlimit, RLIMIT_MEMLOCK, rlimit),
        EXEC("LimitLOCKS", parse_rlimit, RLIMIT_LOCKS, rlimit),
        EXEC("LimitSIGPENDING", parse_rlimit, RLIMIT_SIGPENDING, rlimit),
        EXEC("LimitMSGQUEUE", parse_rlimit, RLIMIT_MSGQUEUE, rlimit),
        EXEC("LimitNICE", parse_rlimit, RLIMIT_NICE, rlimit),
        EXEC("LimitRTPRIO", parse_rlimit, RLIMIT_RTPRIO, rlimit),
        EXEC("LimitRTTIME", parse_rlimit, RLIMIT_RTTIME, rlimit),
        EXEC("ReadWriteDirectories", parse_namespace_paths, 0, read_write_paths),
        EXEC("ReadOnlyDirectories", parse_namespace_paths, 0, read_only_paths),
        EXEC("InaccessibleDirectories", parse_namespace_paths, 0, inaccessible_paths),
        EXEC("ReadWritePaths", parse_namespace_paths, 0, read_write_paths),
        EXEC("ReadOnlyPaths", parse_namespace_paths, 0, read_only_paths),
        EXEC("InaccessiblePaths", parse_namespace_paths, 0, inaccessible_paths),
        EXEC("ExecPaths", parse_namespace_paths, 0, exec_paths),
        EXEC("NoExecPaths", parse_namespace_paths, 0, no_exec_paths),
        EXEC("ExecSearchPath", parse_colon_paths, 0, exec_search_path),
        EXEC("BindPaths", parse_bind_paths, 0, bind_paths),
        EXEC("BindReadOnlyPaths", parse_bind_paths, 0, bind_read_only_paths),
        EXEC("TemporaryFileSystem", parse_temporary_fs, 0, temporary_filesystem),
        EXEC("PrivateTmp", config_parse_bool, 0, private_tmp),
        EXEC("PrivateDevices", config_parse_bool, 0, private_devices),
        EXEC("ProtectKernelTunables", config_parse_bool, 0, protect_kernel_tunables),
        EXEC("ProtectKernelModules", config_parse_bool, 0, protect_kernel_modules),
        EXEC("ProtectKernelLogs", config_parse_bool, 0, protect_kernel_logs),
        EXEC("ProtectClock", config_parse_bool, 0, protect_clock),
        EXEC("ProtectControlGroups", config_parse_bool, 0, protect_control_groups),
        EXEC("NetworkNamespacePath", parse_path_printf, 0, network_namespace_path),
        EXEC("IPCNamespacePath", parse_path_printf, 0, ipc_namespace_path),
        EXEC("LogNamespace", parse_log_namespace, 0, log_namespace),
        EXEC("PrivateNetwork", config_parse_bool, 0, private_network),
        EXEC("PrivateUsers", config_parse_bool, 0, private_users),
        EXEC("PrivateMounts", config_parse_bool, 0, private_mounts),
        EXEC("PrivateIPC", config_parse_bool, 0, private_ipc),
        EXEC("ProtectSystem", parse_protect_system, 0, protect_system),
        EXEC("ProtectHome", parse_protect_home, 0, protect_home),
        EXEC("MountFlags", parse_mount_flags, 0, mount_flags),
        EXEC("MountAPIVFS", parse_tristate_bool, 0, mount_apivfs),
        EXEC("Personality", parse_personality, 0, personality),
        EXEC("RuntimeDirectoryPreserve", parse_preserve_mode, 0, runtime_directory_preserve_mode),
        EXEC("RuntimeDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_RUNTIME].mode),
        EXEC("RuntimeDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_RUNTIME]),
        EXEC("StateDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_STATE].mode),
        EXEC("StateDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_STATE]),
        EXEC("CacheDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_CACHE].mode),
        EXEC("CacheDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_CACHE]),
        EXEC("LogsDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_LOGS].mode),
        EXEC("LogsDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_LOGS]),
        EXEC("ConfigurationDirectoryMode", config_parse_mode, 0, directories[EXEC_DIRECTORY_CONFIGURATION].mode),
        EXEC("ConfigurationDirectory", parse_exec_directories, 0, directories[EXEC_DIRECTORY_CONFIGURATION]),
        EXEC("SetCredential", parse_credential, 0, set_credential),
        EXEC("SetCredentialEncrypted", parse_credential, 1, set_credential),
        EXEC("LoadCredential", parse_credential, 0, load_credential),
        EXEC("LoadCredentialEncrypted", parse_credential, 1, load_credential),
        EXEC("TimeoutCleanSec", config_parse_sec, 0, timeout_clean_usec),
        EXEC("PAMName", parse_string_printf, 0, pam_name),
        EXEC("IgnoreSIGPIPE", config_parse_bool, 0, ignore_sigpipe),
        EXEC("UtmpIdentifier", parse_string_printf, 0, utmp_id),
        EXEC("UtmpMode", parse_utmp_mode, 0, utmp_mode),
        EXEC("SELinuxContext", parse_string_printf, 0, selinux_context),
        EXEC("AppArmorProfile", parse_string_printf, 0, apparmor_profile),
        EXEC("SmackProcessLabel", parse_string_printf, 0, smack_process_label),
        EXEC("ProtectHostname", config_parse_bool, 0, protect_hostname),
        { NULL },
};

/* ---- [kill] ---- */
static DEFINE_CONFIG_PARSE_ENUM(parse_kill_mode, kill_mode_from_string, KillMode)

static int parse_kill_mode_warn(const ConfigItem *it, Unit *u, int ltype, void *data) {
        int r = parse_kill_mode(it, u, ltype, data);
        if (r >= 0 && *(KillMode *)data == KILL_NONE)
                log_syntax(it->file, it->line, LOG_WARNING, 0,
                           "Unit uses KillMode=none. This is unsafe, as it disables systemd's process lifecycle management for the service. "
                           "Please update the service to use a safer KillMode=, such as 'mixed' or 'control-group'. "
                           "Support for KillMode=none is deprecated and will eventually be removed.");
        return r;
}

static const Directive kill_directives[] = {
        KILL("SendSIGKILL", config_parse_bool, 0, send_sigkill),
        KILL("SendSIGHUP", config_parse_bool, 0, send_sighup),
        KILL("KillMode", parse_kill_mode_warn, 0, kill_mode),
        KILL("KillSignal", config_parse_signal, 0, kill_signal),
        KILL("RestartKillSignal", config_parse_signal, 0, restart_kill_signal),
        KILL("FinalKillSignal", config_parse_signal, 0, final_kill_signal),
        KILL("WatchdogSignal", config_parse_signal, 0, watchdog_signal),
        { NULL },
};

/* ---- [cgroup] ---- */
static int parse_slice(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **s = data;
        _cleanup_free_ char *k = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_NAME, &k) < 0) return 0;
        if (!unit_name_is_valid(k, UNIT_NAME_PLAIN) || unit_name_to_type(k) != UNIT_SLICE) {
                log_syntax(it->file, it->line, LOG_WARNING, EINVAL, "Failed to set slice '%s', ignoring.", k);
                return 0;
        }
        free(*s);
        *s = TAKE_PTR(k);
        return 0;
}

static int parse_weight(const ConfigItem *it, uint64_t *w, uint64_t min, uint64_t max, bool idle) {
        uint64_t v;
        if (isempty(it->value)) { *w = CGROUP_WEIGHT_INVALID; return 0; }
        if (idle && streq(it->value, "idle")) { *w = 0; return 0; }
        if (safe_atou64(it->value, &v) < 0 || v < min || v > max) return log_invalid(it, ERANGE);
        *w = v;
        return 0;
}

static int parse_cpu_weight(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        return parse_weight(it, data, 1, 10000, true);
}
static int parse_io_weight(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        return parse_weight(it, data, 1, 10000, false);
}
static int parse_cpu_shares(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        return parse_weight(it, data, 2, 262144, false);
}
static int parse_blockio_weight(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        return parse_weight(it, data, 10, 1000, false);
}

static int parse_cpu_quota(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) { *(usec_t *)data = USEC_INFINITY; return 0; }
        int pm = parse_permille(it->value);
        if (pm <= 0 || !endswith(it->value, "%")) return log_invalid(it, EINVAL);
        *(usec_t *)data = (usec_t)pm * USEC_PER_SEC / 1000;
        return 0;
}

static int parse_sec_def_infinity(const ConfigItem *it, Unit *u, int ltype, void *data) {
        if (isempty(it->value)) { *(usec_t *)data = USEC_INFINITY; return 0; }
        return config_parse_sec(it, u, ltype, data);
}

/* MemoryMax= and friends: bytes (K, M, G... base 1024), a percentage of RAM, or infinity. */
static int parse_memory_limit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        uint64_t *v = data;
        if (isempty(it->value) || streq(it->value, "infinity")) {
                *v = CGROUP_LIMIT_MAX;
                return 0;
        }
        if (endswith(it->value, "%")) {
                int pm = parse_permille(it->value);
                if (pm < 0) return log_invalid(it, EINVAL);
                *v = UINT64_MAX - 1000 + (uint64_t)pm;  /* percent kept as an encoded marker */
                return 0;
        }
        uint64_t b;
        if (parse_size(it->value, 1024, &b) < 0) return log_invalid(it, EINVAL);
        *v = b;
        return 0;
}

static int parse_tasks_max(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype; (void)data;
        CGroupContext *c = unit_cgroup_context(u);
        if (isempty(it->value)) { c->tasks_max_set = false; c->tasks_max = UINT64_MAX; return 0; }
        if (streq(it->value, "infinity")) { c->tasks_max_set = true; c->tasks_max = UINT64_MAX; return 0; }
        if (endswith(it->value, "%")) {
                int pm = parse_permille(it->value);
                if (pm <= 0) return log_invalid(it, EINVAL);
                c->tasks_max_permille = (unsigned)pm;
                c->tasks_max_set = true;
                return 0;
        }
        uint64_t v;
        if (safe_atou64(it->value, &v) < 0 || v == 0) return log_invalid(it, EINVAL);
        c->tasks_max = v;
        c->tasks_max_set = true;
        return 0;
}

static int parse_delegate(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype; (void)data;
        CGroupContext *c = unit_cgroup_context(u);
        int b = parse_boolean(it->value);
        if (b >= 0) {
                c->delegate = b;
                strv_free(c->delegate_controllers);
                c->delegate_controllers = NULL;
                return 0;
        }
        c->delegate = true;
        return parse_words(it, u, &c->delegate_controllers, NULL);
}

static bool valid_device_allow(const char *s) {
        return startswith(s, "/") || startswith(s, "char-") || startswith(s, "block-");
}

/* DeviceAllow=: "DEVICE [rwm]" (two words, one entry). */
static int parse_device_allow(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        if (!valid_device_allow(k)) return log_invalid(it, EINVAL);
        return strv_push(l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

DEFINE_NAME_PARSER(parse_device_policy, int, "auto", "closed", "strict")
DEFINE_NAME_PARSER(parse_managed_oom_mode, int, "auto", "kill")
DEFINE_NAME_PARSER(parse_managed_oom_preference, int, "none", "avoid", "omit")

static int parse_pressure_limit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)u; (void)ltype;
        if (isempty(it->value)) { *(unsigned *)data = 0; return 0; }
        int pm = parse_permille(it->value);
        if (pm < 0) return log_invalid(it, EINVAL);
        *(unsigned *)data = (unsigned)pm;
        return 0;
}

/* A device-specific setting "DEVICE VALUE": kept as one validated entry each. */
static int parse_device_value(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char ***l = data;
        _cleanup_free_ char *k = NULL;
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        char *sp = strpbrk(k, WHITESPACE);
        if (!sp || k[0] != '/') return log_invalid(it, EINVAL);
        return strv_push(l, TAKE_PTR(k)) < 0 ? log_oom() : 0;
}

static bool valid_ip_prefix(const char *s) {
        static const char *const special[] = { "any", "localhost", "link-local", "multicast" };
        if (lookup_name(special, ELEMENTSOF(special), s) >= 0) return true;
        return *s && s[strspn(s, "0123456789abcdefABCDEF:./")] == 0;
}

static int parse_ip_prefixes(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_ip_prefix);
}

static int parse_abs_paths(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, valid_abs_path);
}

static int parse_words_any(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, NULL);
}

static int parse_socket_bind(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_words(it, u, data, NULL);
}

static int parse_network_interfaces(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        return parse_allow_deny(it, u, data, NULL);
}

static const Directive cgroup_directives[] = {
        CG("Slice", parse_slice, 0, slice),
        CG("AllowedCPUs", parse_cpu_list, 0, allowed_cpus),
        CG("StartupAllowedCPUs", parse_cpu_list, 0, startup_allowed_cpus),
        CG("AllowedMemoryNodes", parse_cpu_list, 0, allowed_memory_nodes),
        CG("StartupAllowedMemoryNodes", parse_cpu_list, 0, startup_allowed_memory_nodes),
        CG("CPUAccounting", config_parse_bool, 0, cpu_accounting),
        CG("CPUWeight", parse_cpu_weight, 0, cpu_weight),
        CG("StartupCPUWeight", parse_cpu_weight, 0, startup_cpu_weight),
        CG("CPUShares", parse_cpu_shares, 0, cpu_shares),
        CG("StartupCPUShares", parse_cpu_shares, 0, startup_cpu_shares),
        CG("CPUQuota", parse_cpu_quota, 0, cpu_quota_per_sec_usec),
        CG("CPUQuotaPeriodSec", parse_sec_def_infinity, 0, cpu_quota_period_usec),
        CG("MemoryAccounting", config_parse_bool, 0, memory_accounting),
        CG("MemoryMin", parse_memory_limit, 0, memory_min),
        CG("DefaultMemoryMin", parse_memory_limit, 0, default_memory_min),
        CG("DefaultMemoryLow", parse_memory_limit, 0, default_memory_low),
        CG("MemoryLow", parse_memory_limit, 0, memory_low),
        CG("MemoryHigh", parse_memory_limit, 0, memory_high),
        CG("MemoryMax", parse_memory_limit, 0, memory_max),
        CG("MemorySwapMax", parse_memory_limit, 0, memory_swap_max),
        CG("MemoryLimit", parse_memory_limit, 0, memory_limit),
        CG("DeviceAllow", parse_device_allow, 0, device_allow),
        CG("DevicePolicy", parse_device_policy, 0, device_policy),
        CG("IOAccounting", config_parse_bool, 0, io_accounting),
        CG("IOWeight", parse_io_weight, 0, io_weight),
        CG("StartupIOWeight", parse_io_weight, 0, startup_io_weight),
        CG("IODeviceWeight", parse_device_value, 0, io_device_weight),
        CG("IOReadBandwidthMax", parse_device_value, 0, io_read_bandwidth_max),
        CG("IOWriteBandwidthMax", parse_device_value, 0, io_write_bandwidth_max),
        CG("IOReadIOPSMax", parse_device_value, 0, io_read_iops_max),
        CG("IOWriteIOPSMax", parse_device_value, 0, io_write_iops_max),
        CG("IODeviceLatencyTargetSec", parse_device_value, 0, io_device_latency_target),
        CG("BlockIOAccounting", config_parse_bool, 0, blockio_accounting),
        CG("BlockIOWeight", parse_blockio_weight, 0, blockio_weight),
        CG("StartupBlockIOWeight", parse_blockio_weight, 0, startup_blockio_weight),
        CG("BlockIODeviceWeight", parse_device_value, 0, blockio_device_weight),
        CG("BlockIOReadBandwidth", parse_device_value, 0, blockio_read_bandwidth),
        CG("BlockIOWriteBandwidth", parse_device_value, 0, blockio_write_bandwidth),
        CG("TasksAccounting", config_parse_bool, 0, tasks_accounting),
        CG("TasksMax", parse_tasks_max, 0, tasks_max),
        CG("Delegate", parse_delegate, 0, delegate),
        CG("DisableControllers", parse_words_any, 0, disable_controllers),
        CG("IPAccounting", config_parse_bool, 0, ip_accounting),
        CG("IPAddressAllow", parse_ip_prefixes, 0, ip_address_allow),
        CG("IPAddressDeny", parse_ip_prefixes, 0, ip_address_deny),
        CG("IPIngressFilterPath", parse_abs_paths, 0, ip_ingress_filter_path),
        CG("IPEgressFilterPath", parse_abs_paths, 0, ip_egress_filter_path),
        CG("ManagedOOMSwap", parse_managed_oom_mode, 0, managed_oom_swap),
        CG("ManagedOOMMemoryPressure", parse_managed_oom_mode, 0, managed_oom_memory_pressure),
        CG("ManagedOOMMemoryPressureLimit", parse_pressure_limit, 0, managed_oom_memory_pressure_limit_permille),
        CG("ManagedOOMPreference", parse_managed_oom_preference, 0, managed_oom_preference),
        COMPAT("NetClass", DISABLED_LEGACY),
        CG("BPFProgram", parse_words_any, 0, bpf_program),
        CG("SocketBindAllow", parse_socket_bind, 0, socket_bind_allow),
        CG("SocketBindDeny", parse_socket_bind, 0, socket_bind_deny),
        CG("RestrictNetworkInterfaces", parse_network_interfaces, 0, restrict_network_interfaces),
        { NULL },
};

const DirectiveTable exec_directive_table = { NULL, exec_directives };
const DirectiveTable kill_directive_table = { NULL, kill_directives };
const DirectiveTable cgroup_directive_table = { NULL, cgroup_directives };

const char *tinysd_capability_name(int cap) {
        return cap >= 0 && (size_t)cap < ELEMENTSOF(cap_names) ? cap_names[cap] : "cap_unknown";
}
