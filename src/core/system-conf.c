/* SPDX-License-Identifier: MIT */
/* systemd-system.conf(5): the [Manager] settings tinysd applies (system-conf.h). */
#include <fcntl.h>
#include <stdio.h>
#include "base/conf-files.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "core/console.h"
#include "core/log-control.h"
#include "core/manager.h"
#include "core/system-conf.h"
#include "exec/env.h"
#include "unit/syntax.h"

#define WARN(it, fmt, ...) log_syntax((it)->file, (it)->line, LOG_WARNING, 0, fmt, ##__VA_ARGS__)

#define HIGH_RLIMIT_NOFILE (512u * 1024u)

void saved_limits_read(SavedLimits *s) {
        *s = (SavedLimits){ { 1024, 4096 }, { 8u << 20, 8u << 20 }, 1024 * 1024 };
        (void)getrlimit(RLIMIT_NOFILE, &s->nofile);
        (void)getrlimit(RLIMIT_MEMLOCK, &s->memlock);
        _cleanup_free_ char *t = NULL;
        size_t n;
        unsigned long v;
        if (read_file_bounded(AT_FDCWD, "/proc/sys/fs/nr_open", 64, &t, &n) >= 0 && sscanf(t, "%lu", &v) == 1 && v > 0)
                s->nr_open = v;
}

void system_conf_init(SystemConf *c) {
        *c = (SystemConf){ .show_status = -1, .log_level = -1 };
        unit_defaults_init(&c->defaults);
}

void system_conf_done(SystemConf *c) {
        strv_free(c->default_environment);
        c->default_environment = NULL;
}

/* systemd's keys tinysd accepts without acting on them (the host's and the kernel's business, or
 * what a container cannot do: watchdogs, CPU affinity, NUMA, capabilities, accounting, ...) */
static const char *const ignored_keys[] = {
        "LogColor", "LogLocation", "LogTime", "DumpCore", "CrashChVT", "CrashChangeVT", "CrashShell",
        "CrashReboot", "CtrlAltDelBurstAction", "CPUAffinity", "NUMAPolicy", "NUMAMask", "JoinControllers",
        "RuntimeWatchdogSec", "RuntimeWatchdogPreSec", "RuntimeWatchdogPreGovernor", "RebootWatchdogSec",
        "ShutdownWatchdogSec", "KExecWatchdogSec", "WatchdogDevice", "CapabilityBoundingSet",
        "NoNewPrivileges", "SystemCallArchitectures", "TimerSlackNSec", "StatusUnitFormat",
        "DefaultTimerAccuracySec", "DefaultDeviceTimeoutSec", "DefaultCPUAccounting", "DefaultIOAccounting",
        "DefaultIPAccounting", "DefaultBlockIOAccounting", "DefaultMemoryAccounting",
        "DefaultTasksAccounting", "DefaultTasksMax", "DefaultOOMPolicy", "DefaultOOMScoreAdjust",
        "DefaultSmackProcessLabel", "ManagerEnvironment", "ReloadLimitIntervalSec", "ReloadLimitBurst",
        NULL,
};

static void parse_time_item(const ConfigItem *it, usec_t *field) {
        usec_t v;
        if (parse_sec(it->value, &v) < 0) WARN(it, "Failed to parse sec value, ignoring: %s", it->value);
        else *field = v;
}

static void parse_output(const ConfigItem *it, ExecOutput *field) {
        const char *v = it->value;
        if (streq(v, "socket") || streq(v, "fd") || startswith(v, "fd:") || startswith(v, "file:") ||
            startswith(v, "append:") || startswith(v, "truncate:")) {
                WARN(it, "Standard output types socket, fd:, file:, append:, truncate: are not supported as defaults, ignoring: %s", v);
                return;
        }
        ExecOutput o = exec_output_from_string(v);
        if (o < 0) WARN(it, "Failed to parse output specifier, ignoring: %s", v);
        else *field = o;
}

/* DefaultEnvironment=: quoted words with C escapes, each "K=V"; empty: the list emptied */
static int parse_environment(const ConfigItem *it, char ***l) {
        if (isempty(it->value)) {
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        for (const char *p = it->value;;) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, NULL, EXTRACT_CUNESCAPE | EXTRACT_UNQUOTE);
                if (r == -ENOMEM) return r;
                if (r < 0) {
                        WARN(it, "Invalid syntax, ignoring: %s", it->value);
                        return 0;
                }
                if (r == 0) return 0;
                if (!env_assignment_is_valid(w)) {
                        WARN(it, "Invalid environment assignment, ignoring: %s", w);
                        continue;
                }
                _cleanup_free_ char *name = strndup(w, (size_t)(strchr(w, '=') - w));
                if (!name || env_set(l, name, strchr(w, '=') + 1) < 0) return -ENOMEM;
        }
}

static int parse_limit(const ConfigItem *it, UnitDefaults *d, int resource) {
        struct rlimit v;
        int r = rlimit_parse(resource, it->value, &v);
        if (r == -ENOMEM) return r;
        if (r == -ERANGE) WARN(it, "Soft resource limit chosen higher than hard limit, ignoring: %s", it->value);
        else if (r < 0) WARN(it, "Failed to parse resource value, ignoring: %s", it->value);
        else {
                d->rlimit[resource] = v;
                d->rlimit_set[resource] = true;
        }
        return 0;
}

static int on_item(const ConfigItem *it, void *userdata) {
        SystemConf *c = userdata;
        UnitDefaults *d = &c->defaults;
        const char *k = it->key, *rest;
        if (streq(k, "DefaultTimeoutStartSec")) parse_time_item(it, &d->timeout_start_usec);
        else if (streq(k, "DefaultTimeoutStopSec")) parse_time_item(it, &d->timeout_stop_usec);
        else if (streq(k, "DefaultTimeoutAbortSec")) {
                if (isempty(it->value)) d->timeout_abort_set = false;
                else {
                        usec_t v;
                        if (parse_sec(it->value, &v) < 0) WARN(it, "Failed to parse sec value, ignoring: %s", it->value);
                        else d->timeout_abort_usec = v, d->timeout_abort_set = true;
                }
        } else if (streq(k, "DefaultRestartSec")) parse_time_item(it, &d->restart_usec);
        else if (streq(k, "DefaultStartLimitIntervalSec") || streq(k, "DefaultStartLimitInterval"))
                parse_time_item(it, &d->start_limit_interval_usec);
        else if (streq(k, "DefaultStartLimitBurst")) {
                unsigned v;
                if (safe_atou(it->value, &v) < 0) WARN(it, "Failed to parse unsigned value, ignoring: %s", it->value);
                else d->start_limit_burst = v;
        } else if (streq(k, "DefaultStandardOutput")) parse_output(it, &d->std_output);
        else if (streq(k, "DefaultStandardError")) parse_output(it, &d->std_error);
        else if ((rest = startswith(k, "DefaultLimit")) && rlimit_from_name(rest) >= 0)
                return parse_limit(it, d, rlimit_from_name(rest));
        else if (streq(k, "DefaultEnvironment")) return parse_environment(it, &c->default_environment);
        else if (streq(k, "ShowStatus")) {
                /* 252's show-status values: yes/no, auto (yes until a delay), error (only errors) */
                int b = streq(it->value, "auto") ? 1 : streq(it->value, "error") ? 0 : parse_boolean(it->value);
                if (b < 0) WARN(it, "Failed to parse show status setting, ignoring: %s", it->value);
                else c->show_status = b;
        } else if (streq(k, "LogLevel")) {
                int l = log_level_from_string(it->value);
                if (l < 0) log_syntax(it->file, it->line, LOG_ERR, EINVAL, "Invalid log level'%s': Invalid argument", it->value);
                else c->log_level = l;
        } else if (streq(k, "LogTarget")) {
                const char *t = log_control_target_from_string(it->value);
                if (!t) log_syntax(it->file, it->line, LOG_ERR, EINVAL, "Invalid target'%s': Invalid argument", it->value);
                else c->log_target = t;
        } else if (!strv_contains((char *const *)ignored_keys, k))
                WARN(it, "Unknown key '%s' in section [%s], ignoring.", k, it->section);
        return 0;
}

static const char *const sections[] = { "Manager", NULL };

int system_conf_parse_buffer(SystemConf *c, const char *name, const char *data, size_t size) {
        return config_parse_buffer(name, data, size, sections, on_item, c);
}

void system_conf_finish(SystemConf *c, const SavedLimits *saved) {
        UnitDefaults *d = &c->defaults;
        /* "0" has always meant no timeout */
        if (d->timeout_start_usec == 0) d->timeout_start_usec = USEC_INFINITY;
        if (d->timeout_stop_usec == 0) d->timeout_stop_usec = USEC_INFINITY;
        if (!d->rlimit_set[RLIMIT_NOFILE]) {
                struct rlimit rl = saved->nofile;
                rlim_t high = rl.rlim_max != RLIM_INFINITY && rl.rlim_max > HIGH_RLIMIT_NOFILE ? rl.rlim_max : HIGH_RLIMIT_NOFILE;
                rl.rlim_max = high < saved->nr_open ? high : saved->nr_open;
                if (rl.rlim_cur > 1024) rl.rlim_cur = 1024;   /* select()'s FD_SETSIZE */
                d->rlimit[RLIMIT_NOFILE] = rl;
                d->rlimit_set[RLIMIT_NOFILE] = true;
        }
        if (!d->rlimit_set[RLIMIT_MEMLOCK]) {
                d->rlimit[RLIMIT_MEMLOCK] = saved->memlock;
                d->rlimit_set[RLIMIT_MEMLOCK] = true;
        }
}

static int load_file(SystemConf *c, const char *path) {
        _cleanup_free_ char *data = NULL;
        size_t n;
        int r = read_file_bounded(AT_FDCWD, path, CONFIG_FILE_MAX, &data, &n);
        if (r == -ENOENT) return 0;
        if (r < 0) return log_warning_errno(-r, "Failed to read %s: %s", path, strerror(-r)), 0;
        r = system_conf_parse_buffer(c, path, data, n);
        if (r == -ENOMEM) return r;
        if (r < 0) log_warning_errno(-r, "Failed to parse %s: %s", path, strerror(-r));
        return 1;
}

int system_conf_load(SystemConf *c, const char *root, const SavedLimits *saved) {
        static const char *const dirs[] = {
                "/etc/systemd/system.conf.d", "/run/systemd/system.conf.d", "/usr/local/lib/systemd/system.conf.d",
                "/usr/lib/systemd/system.conf.d", "/lib/systemd/system.conf.d", NULL,
        };
        _cleanup_free_ char *main_file = strjoin(strempty(root), "/etc/systemd/system.conf");
        _cleanup_strv_free_ char **dropins = NULL;
        system_conf_init(c);
        if (!main_file || conf_files_list(root, dirs, ".conf", &dropins) == -ENOMEM) return -ENOMEM;
        int n = load_file(c, main_file), r;
        if (n < 0) return n;
        STRV_FOREACH(p, dropins) {
                if ((r = load_file(c, *p)) < 0) return r;
                n += r;
        }
        system_conf_finish(c, saved);
        return n;
}

/* What the previous reading put in the environment is taken out where nobody changed it since. */
static int apply_environment(Manager *m, char **old, char **new) {
        STRV_FOREACH(e, old) {
                const char *eq = strchr(*e, '=');
                _cleanup_free_ char *name = strndup(*e, (size_t)(eq - *e));
                if (!name) return -ENOMEM;
                const char *cur = env_get(m->environment, name);
                if (cur && streq(cur, eq + 1)) env_unset(m->environment, name);
        }
        return env_merge(&m->environment, new);
}

int manager_load_system_conf(Manager *m, Loader *l) {
        SystemConf c;
        int r = system_conf_load(&c, m->set.root, &m->saved_limits);
        if (r < 0) {
                system_conf_done(&c);
                return r;
        }
        if (m->environment && (r = apply_environment(m, m->conf.default_environment, c.default_environment)) < 0) {
                system_conf_done(&c);
                return r;
        }
        if (c.show_status >= 0 && !m->set.show_status_given) {
                m->set.show_status = c.show_status;
                console_set_show_status(c.show_status);
        }
        if (c.log_level >= 0 && !m->set.log_level_given) log_control_set_base_level(c.log_level);
        if (c.log_target) log_control_set_base_target(c.log_target);
        m->set.default_timeout_start = c.defaults.timeout_start_usec;
        m->set.default_timeout_stop = c.defaults.timeout_stop_usec;
        l->defaults = c.defaults;
        system_conf_done(&m->conf);
        m->conf = c;
        return 0;
}
