/* SPDX-License-Identifier: MIT */
/* The exec and kill properties (systemd.exec(5), systemd.kill(5)) that the Service, Socket, Mount
 * and Swap interfaces share: systemd 252's names, D-Bus types and vtable order (its bus_exec_vtable
 * and bus_kill_vtable). The one description of these settings: D-Bus answers from it, and
 * `tinysd dump` prints it through systemctl's formatter (dbus-show.c). Values are those systemd
 * reports for the configuration; unset settings show what a started process would get. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include "base/escape.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/dbus-internal.h"

#define C(o) (((MUnit *)(o))->cfg)

/* A unit without exec settings of its own (not loaded) shows the defaults. */
static const ExecContext *ectx(void *o) {
        static ExecContext def;
        static bool init;
        const ExecContext *c = C(o) ? unit_exec_context(C(o)) : NULL;
        if (c) return c;
        if (!init) {
                exec_context_init(&def);
                init = true;
        }
        return &def;
}

static const KillContext *kctx(void *o) {
        static KillContext def;
        static bool init;
        const KillContext *k = C(o) ? unit_kill_context(C(o)) : NULL;
        if (k) return k;
        if (!init) {
                kill_context_init(&def);
                init = true;
        }
        return &def;
}

#define E_STRV(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_strv(m, ectx(o)->field); }
#define E_STR(fn, field) static int fn(BusMessage *m, void *o) { return bus_append_string(m, ectx(o)->field); }
#define E_BOOL(fn, ...) static int fn(BusMessage *m, void *o) { const ExecContext *c = ectx(o); return bus_append_bool(m, (__VA_ARGS__)); }
#define E_I32(fn, ...) static int fn(BusMessage *m, void *o) { const ExecContext *c = ectx(o); return bus_append_i32(m, (__VA_ARGS__)); }
#define E_U32(fn, ...) static int fn(BusMessage *m, void *o) { const ExecContext *c = ectx(o); return bus_append_u32(m, (__VA_ARGS__)); }
#define E_U64(fn, ...) static int fn(BusMessage *m, void *o) { const ExecContext *c = ectx(o); return bus_append_u64(m, (__VA_ARGS__)); }
#define E_ENUM(fn, ...) static int fn(BusMessage *m, void *o) { const ExecContext *c = ectx(o); return bus_append_string(m, (__VA_ARGS__)); }

/* ---- environment, limits, paths ---- */

E_STRV(g_environment, environment)
static int g_environment_files(BusMessage *m, void *o) {
        char **l = ectx(o)->environment_files;
        int r = bus_message_open_container(m, 'a', "(sb)");
        STRV_FOREACH(f, l) {
                bool opt = (*f)[0] == '-';
                if (r >= 0) r = bus_message_append(m, "(sb)", *f + opt, (int)opt);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
E_STRV(g_pass_environment, pass_environment)
E_STRV(g_unset_environment, unset_environment)
E_U32(g_umask, (uint32_t)c->umask)

/* Under PID 1 a unit has system.conf's DefaultLimitNOFILE=/MEMLOCK= (or 252's fallbacks) as its own
 * (unit_defaults_patch()); a unit read without a manager (`tinysd dump`) shows 252's usual
 * 1024:524288 and 8M; other unset limits are the manager's own. */
static uint64_t rlimit_value(void *o, int res, bool soft) {
        const ExecContext *c = ectx(o);
        struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
        if (c->rlimit[res]) rl = *c->rlimit[res];
        else if (res == RLIMIT_NOFILE) rl = (struct rlimit){ 1024, 524288 };
        else if (res == RLIMIT_MEMLOCK) rl = (struct rlimit){ 8388608, 8388608 };
        else (void)getrlimit(res, &rl);
        rlim_t v = soft ? rl.rlim_cur : rl.rlim_max;
        return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
}
#define LIMIT(name, res) \
        static int g_limit_##name(BusMessage *m, void *o) { return bus_append_u64(m, rlimit_value(o, res, false)); } \
        static int g_limit_##name##_soft(BusMessage *m, void *o) { return bus_append_u64(m, rlimit_value(o, res, true)); }
LIMIT(cpu, RLIMIT_CPU)
LIMIT(fsize, RLIMIT_FSIZE)
LIMIT(data, RLIMIT_DATA)
LIMIT(stack, RLIMIT_STACK)
LIMIT(core, RLIMIT_CORE)
LIMIT(rss, RLIMIT_RSS)
LIMIT(nofile, RLIMIT_NOFILE)
LIMIT(as, RLIMIT_AS)
LIMIT(nproc, RLIMIT_NPROC)
LIMIT(memlock, RLIMIT_MEMLOCK)
LIMIT(locks, RLIMIT_LOCKS)
LIMIT(sigpending, RLIMIT_SIGPENDING)
LIMIT(msgqueue, RLIMIT_MSGQUEUE)
LIMIT(nice, RLIMIT_NICE)
LIMIT(rtprio, RLIMIT_RTPRIO)
LIMIT(rttime, RLIMIT_RTTIME)

/* 252 shows the '-' (missing ok) prefix as '!' */
static int g_working_directory(BusMessage *m, void *o) {
        const ExecContext *c = ectx(o);
        if (!c->working_directory) return bus_append_string(m, "");
        char buf[PATH_MAX + 2];
        snprintf(buf, sizeof buf, "%s%s", c->working_directory_missing_ok ? "!" : "",
                 c->working_directory_home ? "~" : c->working_directory);
        return bus_append_string(m, buf);
}
E_STR(g_root_directory, root_directory)
E_STR(g_root_image, root_image)

/* "PARTITION:OPTIONS" words, as RootImageOptions= and MountImages= take them; a bare word is the
 * root partition's options. */
static int append_partition_options(BusMessage *m, const char *words) {
        int r = bus_message_open_container(m, 'a', "(ss)");
        for (const char *p = words; r >= 0 && p && *p;) {
                _cleanup_free_ char *w = NULL;
                r = extract_first_word(&p, &w, NULL, 0);
                if (r <= 0) break;
                char *colon = strchr(w, ':');
                if (colon) *colon = 0;
                r = bus_message_append(m, "(ss)", colon ? w : "root", colon ? colon + 1 : w);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_root_image_options(BusMessage *m, void *o) { return append_partition_options(m, ectx(o)->root_image_options); }

/* RootHash= is hex data or a path (RootHashPath=); its signature "base64:DATA" or a path. */
static int append_hex(BusMessage *m, const char *hex) {
        int r = bus_message_open_container(m, 'a', "y");
        for (size_t i = 0; r >= 0 && hex && hex[i] && hex[i + 1]; i += 2) {
                unsigned v;
                if (sscanf(hex + i, "%2x", &v) != 1) break;
                uint8_t y = (uint8_t)v;
                r = bus_message_append_basic(m, 'y', &y);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int append_base64(BusMessage *m, const char *b64) {
        Buf raw = { 0 };
        int r = b64 ? base64_decode(b64, &raw) : 0;
        if (r >= 0) r = bus_message_open_container(m, 'a', "y");
        for (size_t i = 0; r >= 0 && i < raw.len; i++) r = bus_message_append_basic(m, 'y', &raw.s[i]);
        buf_free(&raw);
        return r < 0 ? r : bus_message_close_container(m);
}
static bool is_path(const char *s) { return s && s[0] == '/'; }
static int g_root_hash(BusMessage *m, void *o) { const char *h = ectx(o)->root_hash; return append_hex(m, is_path(h) ? NULL : h); }
static int g_root_hash_path(BusMessage *m, void *o) { const char *h = ectx(o)->root_hash; return bus_append_string(m, is_path(h) ? h : NULL); }
static int g_root_hash_sig(BusMessage *m, void *o) {
        const char *s = ectx(o)->root_hash_signature;
        return append_base64(m, is_path(s) || !s ? NULL : startswith(s, "base64:"));
}
static int g_root_hash_sig_path(BusMessage *m, void *o) {
        const char *s = ectx(o)->root_hash_signature;
        return bus_append_string(m, is_path(s) ? s : NULL);
}
E_STR(g_root_verity, root_verity)
E_STRV(g_extension_directories, extension_directories)

/* ExtensionImages= "[-]SRC[:PART:OPTS...]", MountImages= "[-]SRC:DST[:PART:OPTS...]" */
static int append_images(BusMessage *m, char *const *l, bool mount) {
        int r = bus_message_open_container(m, 'a', mount ? "(ssba(ss))" : "(sba(ss))");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                _cleanup_free_ char *src = NULL, *dst = NULL;
                const char *p = *s;
                r = extract_first_word(&p, &src, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r >= 0 && mount) r = extract_first_word(&p, &dst, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r < 0 || !src) continue;
                /* the rest: PART:OPTS pairs separated by ':' → "PART:OPTS" words */
                Buf words = { 0 };
                for (;;) {
                        _cleanup_free_ char *part = NULL, *opt = NULL;
                        if (extract_first_word(&p, &part, ":", EXTRACT_DONT_COALESCE_SEPARATORS) <= 0) break;
                        (void)extract_first_word(&p, &opt, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                        (void)buf_printf(&words, "%s%s:%s", words.len ? " " : "", part, strempty(opt));
                }
                bool ignore = src[0] == '-';
                r = bus_message_open_container(m, 'r', mount ? "ssba(ss)" : "sba(ss)");
                if (r >= 0) r = bus_append_string(m, src + ignore);
                if (r >= 0 && mount) r = bus_append_string(m, dst);
                if (r >= 0) r = bus_append_bool(m, ignore);
                if (r >= 0) r = append_partition_options(m, words.s);
                if (r >= 0) r = bus_message_close_container(m);
                buf_free(&words);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_extension_images(BusMessage *m, void *o) { return append_images(m, ectx(o)->extension_images, false); }
static int g_mount_images(BusMessage *m, void *o) { return append_images(m, ectx(o)->mount_images, true); }

/* ---- scheduling ---- */

E_I32(g_oom_score_adjust, c->oom_score_adjust_set ? c->oom_score_adjust : 0)
E_U64(g_coredump_filter, c->coredump_filter_set ? c->coredump_filter : 0x33)
E_I32(g_nice, c->nice_set ? c->nice : 0)
/* "none" (and unset) is best-effort, priority 4 */
E_I32(g_io_class, c->ioprio_set && c->ioprio_class > 0 ? c->ioprio_class : 2)
E_I32(g_io_priority, c->ioprio_set ? c->ioprio_priority : 4)
E_I32(g_cpu_sched_policy, c->cpu_sched_policy)
E_I32(g_cpu_sched_priority, c->cpu_sched_priority)

/* A CPU or NUMA node set: the union of every "0-3 5" entry, as systemd's bitmask bytes. */
#define CPU_BITS 8192
int bus_append_cpu_set(BusMessage *m, char *const *l) {
        uint8_t bits[CPU_BITS / 8] = { 0 };
        size_t used = 0;
        STRV_FOREACH(s, l) {
                if (streq(*s, "numa") || streq(*s, "all")) continue;
                for (const char *p = *s;;) {
                        p += strspn(p, " \t\n,");
                        if (!*p) break;
                        char *end;
                        unsigned long a = strtoul(p, &end, 10), z = a;
                        if (end == p) break;
                        if (*end == '-') z = strtoul(end + 1, &end, 10);
                        for (unsigned long i = a; i <= z && i < CPU_BITS; i++) {
                                bits[i / 8] |= (uint8_t)(1u << (i % 8));
                                if (i / 8 + 1 > used) used = i / 8 + 1;
                        }
                        p = end;
                }
        }
        int r = bus_message_open_container(m, 'a', "y");
        for (size_t i = 0; r >= 0 && i < used; i++) r = bus_message_append_basic(m, 'y', &bits[i]);
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_cpu_affinity(BusMessage *m, void *o) { return bus_append_cpu_set(m, ectx(o)->cpu_affinity); }
E_BOOL(g_cpu_affinity_from_numa, strv_contains(c->cpu_affinity, "numa"))
/* -1: none set ("n/a") */
E_I32(g_numa_policy, c->numa_policy >= 0 && c->numa_policy < 5 ? c->numa_policy : -1)
static int g_numa_mask(BusMessage *m, void *o) { return bus_append_cpu_set(m, ectx(o)->numa_mask); }
E_U64(g_timer_slack, c->timer_slack_nsec == NSEC_INFINITY ? 50000 : c->timer_slack_nsec)
E_BOOL(g_cpu_sched_reset_on_fork, c->cpu_sched_reset_on_fork)

/* ---- standard I/O and logging ---- */

E_ENUM(g_std_input, exec_input_to_string(c->std_input))
/* The fd name systemd reports: for fd: inputs and outputs only, "stdin"/... by default. */
static int stdio_fdname(BusMessage *m, const ExecContext *c, int i, bool named) {
        static const char *const def[] = { "stdin", "stdout", "stderr" };
        return bus_append_string(m, named ? (c->stdio_file[i] ? c->stdio_file[i] : def[i]) : "");
}
static int g_std_input_fdname(BusMessage *m, void *o) {
        const ExecContext *c = ectx(o);
        return stdio_fdname(m, c, 0, c->std_input == EXEC_INPUT_NAMED_FD);
}
static int g_std_input_data(BusMessage *m, void *o) {
        const ExecContext *c = ectx(o);
        int r = bus_message_open_container(m, 'a', "y");
        for (size_t i = 0; r >= 0 && i < c->stdin_data_size; i++) r = bus_message_append_basic(m, 'y', &c->stdin_data[i]);
        return r < 0 ? r : bus_message_close_container(m);
}
E_ENUM(g_std_output, exec_output_to_string(c->std_output))
static int g_std_output_fdname(BusMessage *m, void *o) {
        const ExecContext *c = ectx(o);
        return stdio_fdname(m, c, 1, c->std_output == EXEC_OUTPUT_NAMED_FD);
}
E_ENUM(g_std_error, exec_output_to_string(c->std_error))
static int g_std_error_fdname(BusMessage *m, void *o) {
        const ExecContext *c = ectx(o);
        return stdio_fdname(m, c, 2, c->std_error == EXEC_OUTPUT_NAMED_FD);
}
E_STR(g_tty_path, tty_path)
E_BOOL(g_tty_reset, c->tty_reset)
E_BOOL(g_tty_vhangup, c->tty_vhangup)
E_BOOL(g_tty_vt_disallocate, c->tty_vt_disallocate)
/* "q": systemctl prints it as [unprintable] whatever the value */
static int g_tty_rows(BusMessage *m, void *o) {
        unsigned v = ectx(o)->tty_rows;
        uint16_t q = v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
        return bus_message_append_basic(m, 'q', &q);
}
static int g_tty_columns(BusMessage *m, void *o) {
        unsigned v = ectx(o)->tty_columns;
        uint16_t q = v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
        return bus_message_append_basic(m, 'q', &q);
}
E_I32(g_syslog_priority, c->syslog_priority)
E_STR(g_syslog_identifier, syslog_identifier)
E_BOOL(g_syslog_level_prefix, c->syslog_level_prefix)
E_I32(g_syslog_level, c->syslog_priority & 7)
E_I32(g_syslog_facility, c->syslog_priority >> 3)
E_I32(g_log_level_max, c->log_level_max)
E_U64(g_log_ratelimit_interval, c->log_ratelimit_interval_usec)
E_U32(g_log_ratelimit_burst, c->log_ratelimit_burst)
static int g_log_extra_fields(BusMessage *m, void *o) {
        char **l = ectx(o)->log_extra_fields;
        int r = bus_message_open_container(m, 'a', "ay");
        STRV_FOREACH(f, l) {
                if (r >= 0) r = bus_message_open_container(m, 'a', "y");
                for (const char *p = *f; r >= 0 && *p; p++) r = bus_message_append_basic(m, 'y', p);
                if (r >= 0) r = bus_message_close_container(m);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
E_STR(g_log_namespace, log_namespace)

/* ---- credentials ---- */

E_I32(g_secure_bits, c->secure_bits)
E_U64(g_capability_bounding_set, c->capability_bounding_set)
E_U64(g_ambient_capabilities, c->capability_ambient_set)
E_STR(g_user, user)
E_STR(g_group, group)
E_BOOL(g_dynamic_user, c->dynamic_user)
E_BOOL(g_remove_ipc, c->remove_ipc)

/* "ID:DATA" (encrypted ones prefixed "+", DATA in Base64) / "ID:PATH" */
static int append_credentials(BusMessage *m, char *const *l, bool encrypted, bool load) {
        int r = bus_message_open_container(m, 'a', load ? "(ss)" : "(say)");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                const char *e = *s + (**s == '+');
                if ((**s == '+') != encrypted) continue;
                const char *colon = strchr(e, ':');
                _cleanup_free_ char *id = colon ? strndup(e, (size_t)(colon - e)) : strdup(e);
                if (!id) return -ENOMEM;
                const char *v = colon ? colon + 1 : "";
                if (load) {
                        r = bus_message_append(m, "(ss)", id, v);
                        continue;
                }
                r = bus_message_open_container(m, 'r', "say");
                if (r >= 0) r = bus_append_string(m, id);
                if (r >= 0 && encrypted) r = append_base64(m, v);
                else if (r >= 0) {
                        r = bus_message_open_container(m, 'a', "y");
                        for (const char *p = v; r >= 0 && *p; p++) r = bus_message_append_basic(m, 'y', p);
                        if (r >= 0) r = bus_message_close_container(m);
                }
                if (r >= 0) r = bus_message_close_container(m);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_set_credential(BusMessage *m, void *o) { return append_credentials(m, ectx(o)->set_credential, false, false); }
static int g_set_credential_enc(BusMessage *m, void *o) { return append_credentials(m, ectx(o)->set_credential, true, false); }
static int g_load_credential(BusMessage *m, void *o) { return append_credentials(m, ectx(o)->load_credential, false, true); }
static int g_load_credential_enc(BusMessage *m, void *o) { return append_credentials(m, ectx(o)->load_credential, true, true); }
E_STRV(g_supplementary_groups, supplementary_groups)
E_STR(g_pam_name, pam_name)

/* ---- sandboxing ---- */

E_STRV(g_read_write_paths, read_write_paths)
E_STRV(g_read_only_paths, read_only_paths)
E_STRV(g_inaccessible_paths, inaccessible_paths)
E_STRV(g_exec_paths, exec_paths)
E_STRV(g_no_exec_paths, no_exec_paths)
E_STRV(g_exec_search_path, exec_search_path)
E_U64(g_mount_flags, c->mount_flags)
E_BOOL(g_private_tmp, c->private_tmp)
E_BOOL(g_private_devices, c->private_devices)
E_BOOL(g_protect_clock, c->protect_clock)
E_BOOL(g_protect_kernel_tunables, c->protect_kernel_tunables)
E_BOOL(g_protect_kernel_modules, c->protect_kernel_modules)
E_BOOL(g_protect_kernel_logs, c->protect_kernel_logs)
E_BOOL(g_protect_control_groups, c->protect_control_groups)
E_BOOL(g_private_network, c->private_network)
E_BOOL(g_private_users, c->private_users)
E_BOOL(g_private_mounts, c->private_mounts)
E_BOOL(g_private_ipc, c->private_ipc)
E_ENUM(g_protect_home, protect_home_to_string(c->protect_home))
E_ENUM(g_protect_system, protect_system_to_string(c->protect_system))
E_STR(g_utmp_identifier, utmp_id)
E_ENUM(g_utmp_mode, (const char *[]){ "init", "login", "user" }[c->utmp_mode])
/* "(bs)": ignore errors ('-' prefix), the label */
static int append_label(BusMessage *m, const char *s) {
        bool ignore = s && s[0] == '-';
        return bus_message_append(m, "(bs)", (int)ignore, s ? s + ignore : "");
}
static int g_selinux_context(BusMessage *m, void *o) { return append_label(m, ectx(o)->selinux_context); }
static int g_apparmor_profile(BusMessage *m, void *o) { return append_label(m, ectx(o)->apparmor_profile); }
static int g_smack_process_label(BusMessage *m, void *o) { return append_label(m, ectx(o)->smack_process_label); }
E_BOOL(g_ignore_sigpipe, c->ignore_sigpipe)
E_BOOL(g_no_new_privileges, c->no_new_privileges)

int bus_append_allow_deny(BusMessage *m, const AllowDenyList *l) {
        _cleanup_strv_free_ char **items = strv_copy(l->items);
        if (l->items && !items) return -ENOMEM;
        strv_sort(items);
        int r = bus_message_open_container(m, 'r', "bas");
        if (r >= 0) r = bus_append_bool(m, l->set && l->allow_list);
        if (r >= 0) r = bus_append_strv(m, items);
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_system_call_filter(BusMessage *m, void *o) { return bus_append_allow_deny(m, &ectx(o)->system_call_filter); }
E_STRV(g_system_call_architectures, system_call_architectures)
/* unset: systemd's "kill" (INT_MAX - 1) */
E_I32(g_system_call_error_number, c->system_call_error_number > 0 ? c->system_call_error_number : INT_MAX - 1)
static int g_system_call_log(BusMessage *m, void *o) { return bus_append_allow_deny(m, &ectx(o)->system_call_log); }
E_STR(g_personality, personality)
E_BOOL(g_lock_personality, c->lock_personality)
static int g_restrict_address_families(BusMessage *m, void *o) { return bus_append_allow_deny(m, &ectx(o)->restrict_address_families); }

/* ---- directories ---- */

E_ENUM(g_runtime_directory_preserve, (const char *[]){ "no", "yes", "restart" }[c->runtime_directory_preserve_mode])
#define DIRECTORY(name, type) \
        static int g_##name##_mode(BusMessage *m, void *o) { return bus_append_u32(m, (uint32_t)ectx(o)->directories[type].mode); } \
        static int g_##name(BusMessage *m, void *o) { return bus_append_strv(m, ectx(o)->directories[type].paths); }
DIRECTORY(runtime_directory, EXEC_DIRECTORY_RUNTIME)
DIRECTORY(state_directory, EXEC_DIRECTORY_STATE)
DIRECTORY(cache_directory, EXEC_DIRECTORY_CACHE)
DIRECTORY(logs_directory, EXEC_DIRECTORY_LOGS)
DIRECTORY(configuration_directory, EXEC_DIRECTORY_CONFIGURATION)
E_U64(g_timeout_clean, c->timeout_clean_usec)

/* ---- restrictions ---- */

E_BOOL(g_memory_deny_write_execute, c->memory_deny_write_execute)
E_BOOL(g_restrict_realtime, c->restrict_realtime)
E_BOOL(g_restrict_suid_sgid, c->restrict_suid_sgid)
/* the CLONE_NEW* flags of the namespaces still allowed; not restricted: all of them */
static int g_restrict_namespaces(BusMessage *m, void *o) {
        static const struct { const char *name; uint64_t flag; } ns[] = {
                { "cgroup", 0x02000000 }, { "ipc", 0x08000000 }, { "net", 0x40000000 }, { "mnt", 0x00020000 },
                { "pid", 0x20000000 }, { "user", 0x10000000 }, { "uts", 0x04000000 },
        };
        const AllowDenyList *l = &ectx(o)->restrict_namespaces;
        uint64_t v = l->set ? 0 : UINT64_MAX;
        for (size_t i = 0; l->set && i < ELEMENTSOF(ns); i++)
                if (strv_contains(l->items, ns[i].name)) v |= ns[i].flag;
        return bus_append_u64(m, v);
}
static int g_restrict_file_systems(BusMessage *m, void *o) { return bus_append_allow_deny(m, &ectx(o)->restrict_filesystems); }

/* "[-]SRC[:DST[:rbind|norbind]]" → (SRC, DST or SRC, ignore missing, MS_REC unless norbind) */
static int append_binds(BusMessage *m, char *const *l) {
        int r = bus_message_open_container(m, 'a', "(ssbt)");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                _cleanup_free_ char *src = NULL, *dst = NULL, *opt = NULL;
                const char *p = *s;
                r = extract_first_word(&p, &src, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r >= 0) r = extract_first_word(&p, &dst, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r >= 0) r = extract_first_word(&p, &opt, ":", EXTRACT_DONT_COALESCE_SEPARATORS);
                if (r < 0 || !src) continue;
                bool ignore = src[0] == '-';
                uint64_t flags = opt && streq(opt, "norbind") ? 0 : 16384;   /* MS_REC */
                r = bus_message_append(m, "(ssbt)", src + ignore, isempty(dst) ? src + ignore : dst, (int)ignore, flags);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_bind_paths(BusMessage *m, void *o) { return append_binds(m, ectx(o)->bind_paths); }
static int g_bind_read_only_paths(BusMessage *m, void *o) { return append_binds(m, ectx(o)->bind_read_only_paths); }
/* "PATH[:OPTIONS]" */
static int g_temporary_filesystem(BusMessage *m, void *o) {
        char **l = ectx(o)->temporary_filesystem;
        int r = bus_message_open_container(m, 'a', "(ss)");
        STRV_FOREACH(s, l) {
                if (r < 0) break;
                const char *colon = strchr(*s, ':');
                _cleanup_free_ char *path = colon ? strndup(*s, (size_t)(colon - *s)) : strdup(*s);
                if (!path) return -ENOMEM;
                r = bus_message_append(m, "(ss)", path, colon ? colon + 1 : "");
        }
        return r < 0 ? r : bus_message_close_container(m);
}
E_BOOL(g_mount_apivfs, c->mount_apivfs > 0)
E_ENUM(g_keyring_mode, (const char *[]){ "inherit", "private", "shared" }[c->keyring_mode])
E_ENUM(g_protect_proc, (const char *[]){ "default", "noaccess", "invisible", "ptraceable" }[c->protect_proc])
E_ENUM(g_proc_subset, (const char *[]){ "all", "pid" }[c->proc_subset])
E_BOOL(g_protect_hostname, c->protect_hostname)
E_STR(g_network_namespace_path, network_namespace_path)
E_STR(g_ipc_namespace_path, ipc_namespace_path)

const BusProperty bus_exec_properties[] = {
        { "Environment", "as", g_environment },
        { "EnvironmentFiles", "a(sb)", g_environment_files },
        { "PassEnvironment", "as", g_pass_environment },
        { "UnsetEnvironment", "as", g_unset_environment },
        { "UMask", "u", g_umask },
        { "LimitCPU", "t", g_limit_cpu },
        { "LimitCPUSoft", "t", g_limit_cpu_soft },
        { "LimitFSIZE", "t", g_limit_fsize },
        { "LimitFSIZESoft", "t", g_limit_fsize_soft },
        { "LimitDATA", "t", g_limit_data },
        { "LimitDATASoft", "t", g_limit_data_soft },
        { "LimitSTACK", "t", g_limit_stack },
        { "LimitSTACKSoft", "t", g_limit_stack_soft },
        { "LimitCORE", "t", g_limit_core },
        { "LimitCORESoft", "t", g_limit_core_soft },
        { "LimitRSS", "t", g_limit_rss },
        { "LimitRSSSoft", "t", g_limit_rss_soft },
        { "LimitNOFILE", "t", g_limit_nofile },
        { "LimitNOFILESoft", "t", g_limit_nofile_soft },
        { "LimitAS", "t", g_limit_as },
        { "LimitASSoft", "t", g_limit_as_soft },
        { "LimitNPROC", "t", g_limit_nproc },
        { "LimitNPROCSoft", "t", g_limit_nproc_soft },
        { "LimitMEMLOCK", "t", g_limit_memlock },
        { "LimitMEMLOCKSoft", "t", g_limit_memlock_soft },
        { "LimitLOCKS", "t", g_limit_locks },
        { "LimitLOCKSSoft", "t", g_limit_locks_soft },
        { "LimitSIGPENDING", "t", g_limit_sigpending },
        { "LimitSIGPENDINGSoft", "t", g_limit_sigpending_soft },
        { "LimitMSGQUEUE", "t", g_limit_msgqueue },
        { "LimitMSGQUEUESoft", "t", g_limit_msgqueue_soft },
        { "LimitNICE", "t", g_limit_nice },
        { "LimitNICESoft", "t", g_limit_nice_soft },
        { "LimitRTPRIO", "t", g_limit_rtprio },
        { "LimitRTPRIOSoft", "t", g_limit_rtprio_soft },
        { "LimitRTTIME", "t", g_limit_rttime },
        { "LimitRTTIMESoft", "t", g_limit_rttime_soft },
        { "WorkingDirectory", "s", g_working_directory },
        { "RootDirectory", "s", g_root_directory },
        { "RootImage", "s", g_root_image },
        { "RootImageOptions", "a(ss)", g_root_image_options },
        { "RootHash", "ay", g_root_hash },
        { "RootHashPath", "s", g_root_hash_path },
        { "RootHashSignature", "ay", g_root_hash_sig },
        { "RootHashSignaturePath", "s", g_root_hash_sig_path },
        { "RootVerity", "s", g_root_verity },
        { "ExtensionDirectories", "as", g_extension_directories },
        { "ExtensionImages", "a(sba(ss))", g_extension_images },
        { "MountImages", "a(ssba(ss))", g_mount_images },
        { "OOMScoreAdjust", "i", g_oom_score_adjust },
        { "CoredumpFilter", "t", g_coredump_filter },
        { "Nice", "i", g_nice },
        { "IOSchedulingClass", "i", g_io_class },
        { "IOSchedulingPriority", "i", g_io_priority },
        { "CPUSchedulingPolicy", "i", g_cpu_sched_policy },
        { "CPUSchedulingPriority", "i", g_cpu_sched_priority },
        { "CPUAffinity", "ay", g_cpu_affinity },
        { "CPUAffinityFromNUMA", "b", g_cpu_affinity_from_numa },
        { "NUMAPolicy", "i", g_numa_policy },
        { "NUMAMask", "ay", g_numa_mask },
        { "TimerSlackNSec", "t", g_timer_slack },
        { "CPUSchedulingResetOnFork", "b", g_cpu_sched_reset_on_fork },
        { "NonBlocking", "b", bus_get_false },
        { "StandardInput", "s", g_std_input },
        { "StandardInputFileDescriptorName", "s", g_std_input_fdname },
        { "StandardInputData", "ay", g_std_input_data },
        { "StandardOutput", "s", g_std_output },
        { "StandardOutputFileDescriptorName", "s", g_std_output_fdname },
        { "StandardError", "s", g_std_error },
        { "StandardErrorFileDescriptorName", "s", g_std_error_fdname },
        { "TTYPath", "s", g_tty_path },
        { "TTYReset", "b", g_tty_reset },
        { "TTYVHangup", "b", g_tty_vhangup },
        { "TTYVTDisallocate", "b", g_tty_vt_disallocate },
        { "TTYRows", "q", g_tty_rows },
        { "TTYColumns", "q", g_tty_columns },
        { "SyslogPriority", "i", g_syslog_priority },
        { "SyslogIdentifier", "s", g_syslog_identifier },
        { "SyslogLevelPrefix", "b", g_syslog_level_prefix },
        { "SyslogLevel", "i", g_syslog_level },
        { "SyslogFacility", "i", g_syslog_facility },
        { "LogLevelMax", "i", g_log_level_max },
        { "LogRateLimitIntervalUSec", "t", g_log_ratelimit_interval },
        { "LogRateLimitBurst", "u", g_log_ratelimit_burst },
        { "LogExtraFields", "aay", g_log_extra_fields },
        { "LogNamespace", "s", g_log_namespace },
        { "SecureBits", "i", g_secure_bits },
        { "CapabilityBoundingSet", "t", g_capability_bounding_set },
        { "AmbientCapabilities", "t", g_ambient_capabilities },
        { "User", "s", g_user },
        { "Group", "s", g_group },
        { "DynamicUser", "b", g_dynamic_user },
        { "RemoveIPC", "b", g_remove_ipc },
        { "SetCredential", "a(say)", g_set_credential },
        { "SetCredentialEncrypted", "a(say)", g_set_credential_enc },
        { "LoadCredential", "a(ss)", g_load_credential },
        { "LoadCredentialEncrypted", "a(ss)", g_load_credential_enc },
        { "SupplementaryGroups", "as", g_supplementary_groups },
        { "PAMName", "s", g_pam_name },
        { "ReadWritePaths", "as", g_read_write_paths },
        { "ReadOnlyPaths", "as", g_read_only_paths },
        { "InaccessiblePaths", "as", g_inaccessible_paths },
        { "ExecPaths", "as", g_exec_paths },
        { "NoExecPaths", "as", g_no_exec_paths },
        { "ExecSearchPath", "as", g_exec_search_path },
        { "MountFlags", "t", g_mount_flags },
        { "PrivateTmp", "b", g_private_tmp },
        { "PrivateDevices", "b", g_private_devices },
        { "ProtectClock", "b", g_protect_clock },
        { "ProtectKernelTunables", "b", g_protect_kernel_tunables },
        { "ProtectKernelModules", "b", g_protect_kernel_modules },
        { "ProtectKernelLogs", "b", g_protect_kernel_logs },
        { "ProtectControlGroups", "b", g_protect_control_groups },
        { "PrivateNetwork", "b", g_private_network },
        { "PrivateUsers", "b", g_private_users },
        { "PrivateMounts", "b", g_private_mounts },
        { "PrivateIPC", "b", g_private_ipc },
        { "ProtectHome", "s", g_protect_home },
        { "ProtectSystem", "s", g_protect_system },
        { "SameProcessGroup", "b", bus_get_false },
        { "UtmpIdentifier", "s", g_utmp_identifier },
        { "UtmpMode", "s", g_utmp_mode },
        { "SELinuxContext", "(bs)", g_selinux_context },
        { "AppArmorProfile", "(bs)", g_apparmor_profile },
        { "SmackProcessLabel", "(bs)", g_smack_process_label },
        { "IgnoreSIGPIPE", "b", g_ignore_sigpipe },
        { "NoNewPrivileges", "b", g_no_new_privileges },
        { "SystemCallFilter", "(bas)", g_system_call_filter },
        { "SystemCallArchitectures", "as", g_system_call_architectures },
        { "SystemCallErrorNumber", "i", g_system_call_error_number },
        { "SystemCallLog", "(bas)", g_system_call_log },
        { "Personality", "s", g_personality },
        { "LockPersonality", "b", g_lock_personality },
        { "RestrictAddressFamilies", "(bas)", g_restrict_address_families },
        { "RuntimeDirectoryPreserve", "s", g_runtime_directory_preserve },
        { "RuntimeDirectoryMode", "u", g_runtime_directory_mode },
        { "RuntimeDirectory", "as", g_runtime_directory },
        { "StateDirectoryMode", "u", g_state_directory_mode },
        { "StateDirectory", "as", g_state_directory },
        { "CacheDirectoryMode", "u", g_cache_directory_mode },
        { "CacheDirectory", "as", g_cache_directory },
        { "LogsDirectoryMode", "u", g_logs_directory_mode },
        { "LogsDirectory", "as", g_logs_directory },
        { "ConfigurationDirectoryMode", "u", g_configuration_directory_mode },
        { "ConfigurationDirectory", "as", g_configuration_directory },
        { "TimeoutCleanUSec", "t", g_timeout_clean },
        { "MemoryDenyWriteExecute", "b", g_memory_deny_write_execute },
        { "RestrictRealtime", "b", g_restrict_realtime },
        { "RestrictSUIDSGID", "b", g_restrict_suid_sgid },
        { "RestrictNamespaces", "t", g_restrict_namespaces },
        { "RestrictFileSystems", "(bas)", g_restrict_file_systems },
        { "BindPaths", "a(ssbt)", g_bind_paths },
        { "BindReadOnlyPaths", "a(ssbt)", g_bind_read_only_paths },
        { "TemporaryFileSystem", "a(ss)", g_temporary_filesystem },
        { "MountAPIVFS", "b", g_mount_apivfs },
        { "KeyringMode", "s", g_keyring_mode },
        { "ProtectProc", "s", g_protect_proc },
        { "ProcSubset", "s", g_proc_subset },
        { "ProtectHostname", "b", g_protect_hostname },
        { "NetworkNamespacePath", "s", g_network_namespace_path },
        { "IPCNamespacePath", "s", g_ipc_namespace_path },
        { NULL },
};

/* ---- systemd.kill(5) ---- */

static int g_kill_mode(BusMessage *m, void *o) { return bus_append_string(m, kill_mode_to_string(kctx(o)->kill_mode)); }
static int g_kill_signal(BusMessage *m, void *o) { return bus_append_i32(m, kctx(o)->kill_signal); }
/* unset: the KillSignal= */
static int g_restart_kill_signal(BusMessage *m, void *o) {
        const KillContext *k = kctx(o);
        return bus_append_i32(m, k->restart_kill_signal ? k->restart_kill_signal : k->kill_signal);
}
static int g_final_kill_signal(BusMessage *m, void *o) { return bus_append_i32(m, kctx(o)->final_kill_signal); }
static int g_send_sigkill(BusMessage *m, void *o) { return bus_append_bool(m, kctx(o)->send_sigkill); }
static int g_send_sighup(BusMessage *m, void *o) { return bus_append_bool(m, kctx(o)->send_sighup); }
static int g_watchdog_signal(BusMessage *m, void *o) { return bus_append_i32(m, kctx(o)->watchdog_signal); }

const BusProperty bus_kill_properties[] = {
        { "KillMode", "s", g_kill_mode },
        { "KillSignal", "i", g_kill_signal },
        { "RestartKillSignal", "i", g_restart_kill_signal },
        { "FinalKillSignal", "i", g_final_kill_signal },
        { "SendSIGKILL", "b", g_send_sigkill },
        { "SendSIGHUP", "b", g_send_sighup },
        { "WatchdogSignal", "i", g_watchdog_signal },
        { NULL },
};

/* ---- Exec*= command lists (services and sockets) ---- */

/* a(sasbttttuii) / a(sasasttttuii): one struct per command; the runtime fields are filled for every
 * command a service ran since it started (its main command's from exec_main_* otherwise). */
int bus_append_exec_commands(BusMessage *m, const MUnit *u, const ExecCommand *c, bool ex) {
        int r = bus_message_open_container(m, 'a', ex ? "(sasasttttuii)" : "(sasbttttuii)");
        for (; c && r >= 0; c = c->next) {
                const Service *s = SERVICE_CONST(u);
                const ServiceExecRun *run = s ? service_exec_run(s, c) : NULL;
                bool main = !run && s && c == service_main_command(s) && s->exec_main_pid > 0;
                DualTimestamp st = run ? run->start : main ? s->exec_main_start : (DualTimestamp) { 0 };
                DualTimestamp et = run ? run->exit : main ? s->exec_main_exit : (DualTimestamp) { 0 };
                uint32_t pid = run ? (uint32_t)run->pid : main ? (uint32_t)s->exec_main_pid : 0;
                int32_t code = !et.realtime ? 0 : run ? run->code : s->main_exit_code;
                int32_t status = !et.realtime ? 0 : run ? run->status : s->main_exit_status;
                r = bus_message_open_container(m, 'r', ex ? "sasasttttuii" : "sasbttttuii");
                if (r >= 0) r = bus_append_string(m, c->path);
                if (r >= 0) r = bus_append_strv(m, c->argv);
                if (r >= 0 && ex) {
                        _cleanup_free_ char *f = exec_command_flags_to_string(c->flags);
                        r = bus_message_open_container(m, 'a', "s");
                        char *save = NULL;
                        for (char *w = f ? strtok_r(f, " ", &save) : NULL; w && r >= 0; w = strtok_r(NULL, " ", &save))
                                r = bus_append_string(m, w);
                        if (r >= 0) r = bus_message_close_container(m);
                } else if (r >= 0)
                        r = bus_append_bool(m, c->flags & EXEC_COMMAND_IGNORE_FAILURE);
                if (r >= 0) r = bus_message_append(m, "ttttuii", st.realtime, st.monotonic, et.realtime, et.monotonic, pid, code, status);
                if (r >= 0) r = bus_message_close_container(m);
        }
        return r < 0 ? r : bus_message_close_container(m);
}
