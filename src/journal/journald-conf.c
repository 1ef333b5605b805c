/* SPDX-License-Identifier: MIT */
/* journald.conf(5) for tinysd's journal server: the keys its store and server implement. */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include "base/conf-files.h"
#include "base/log.h"
#include "base/strv.h"
#include "journal/journald-conf.h"
#include "unit/syntax.h"

#define WARN(it, fmt, ...) log_syntax((it)->file, (it)->line, LOG_WARNING, 0, fmt, ##__VA_ARGS__)

static const char *const storage_names[] = { "auto", "volatile", "persistent", "none" };

const char *journald_storage_to_string(JournaldStorage s) {
        return (unsigned)s < ELEMENTSOF(storage_names) ? storage_names[s] : NULL;
}

void journald_config_init(JournaldConfig *c) {
        *c = (JournaldConfig) {
                .storage = JOURNALD_STORAGE_AUTO,
                .system = JOURNAL_STORE_LIMITS_UNSET,
                .runtime = JOURNAL_STORE_LIMITS_UNSET,
                .max_level_store = LOG_DEBUG,
                .forward_to_syslog = true,
                .forward_to_wall = true,
                .max_level_syslog = LOG_DEBUG,
                .max_level_kmsg = LOG_NOTICE,
                .max_level_console = LOG_INFO,
                .max_level_wall = LOG_EMERG,
                .tty_path = "/dev/console",
        };
}

/* journald's level names, or a number 0..7 */
static int parse_level(const char *s) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        for (int i = 0; i < 8; i++)
                if (streq(s, names[i])) return i;
        unsigned v;
        return safe_atou(s, &v) >= 0 && v <= 7 ? (int)v : -EINVAL;
}

static int parse_limit(const ConfigItem *it, uint64_t *field) {
        uint64_t v;
        if (isempty(it->value)) {
                *field = UINT64_MAX;
                return 0;
        }
        if (parse_size(it->value, 1024, &v) < 0) {
                WARN(it, "Failed to parse %s= value, ignoring: %s", it->key, it->value);
                return 0;
        }
        *field = v;
        return 0;
}

static int parse_count(const ConfigItem *it, uint64_t *field) {
        uint64_t v;
        if (safe_atou64(it->value, &v) < 0) {
                WARN(it, "Failed to parse %s= value, ignoring: %s", it->key, it->value);
                return 0;
        }
        *field = v;
        return 0;
}

static int limits_item(const ConfigItem *it, const char *key, JournalStoreLimits *l) {
        if (streq(key, "MaxUse")) return parse_limit(it, &l->max_use);
        if (streq(key, "KeepFree")) return parse_limit(it, &l->keep_free);
        if (streq(key, "MaxFileSize")) return parse_limit(it, &l->max_file_size);
        if (streq(key, "MaxFiles")) return parse_count(it, &l->max_files);
        return -ENOENT;
}

/* journald keys tinysd accepts without acting on them (the store's format, kmsg and audit input) */
static const char *const ignored_keys[] = {
        "Compress", "Seal", "SplitMode", "SyncIntervalSec", "MaxRetentionSec", "MaxFileSec",
        "ReadKMsg", "Audit",
        NULL,
};

static int parse_bool_item(const ConfigItem *it, bool *field) {
        int v = parse_boolean(it->value);
        if (v < 0) WARN(it, "Failed to parse boolean value, ignoring: %s", it->value);
        else *field = v;
        return 0;
}

static int parse_level_item(const ConfigItem *it, int *field) {
        int v = parse_level(it->value);
        if (v < 0) WARN(it, "Failed to parse log level, ignoring: %s", it->value);
        else *field = v;
        return 0;
}

/* ForwardTo*= and MaxLevel*= of the copies journald makes; -ENOENT: not one of them */
static int relay_item(JournaldConfig *c, const ConfigItem *it) {
        static const struct { const char *key; size_t forward, level; } keys[] = {
                { "Syslog", offsetof(JournaldConfig, forward_to_syslog), offsetof(JournaldConfig, max_level_syslog) },
                { "KMsg", offsetof(JournaldConfig, forward_to_kmsg), offsetof(JournaldConfig, max_level_kmsg) },
                { "Console", offsetof(JournaldConfig, forward_to_console), offsetof(JournaldConfig, max_level_console) },
                { "Wall", offsetof(JournaldConfig, forward_to_wall), offsetof(JournaldConfig, max_level_wall) },
        };
        const char *k = it->key, *rest;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                if ((rest = startswith(k, "ForwardTo")) && streq(rest, keys[i].key))
                        return parse_bool_item(it, (bool *)((char *)c + keys[i].forward));
                if ((rest = startswith(k, "MaxLevel")) && streq(rest, keys[i].key))
                        return parse_level_item(it, (int *)((char *)c + keys[i].level));
        }
        if (streq(k, "TTYPath")) {
                if (it->value[0] != '/' || strlen(it->value) >= sizeof c->tty_path)
                        WARN(it, "Failed to parse TTYPath= value, ignoring: %s", it->value);
                else
                        strcpy(c->tty_path, it->value);
                return 0;
        }
        return -ENOENT;
}

static int on_item(const ConfigItem *it, void *userdata) {
        JournaldConfig *c = userdata;
        const char *k = it->key, *rest;
        if (streq(k, "Storage")) {
                for (size_t i = 0; i < ELEMENTSOF(storage_names); i++)
                        if (streq(it->value, storage_names[i])) {
                                c->storage = (JournaldStorage)i;
                                return 0;
                        }
                WARN(it, "Failed to parse storage setting, ignoring: %s", it->value);
        } else if (streq(k, "RateLimitIntervalSec") || streq(k, "RateLimitInterval")) {
                usec_t v;
                if (parse_sec(it->value, &v) < 0) WARN(it, "Failed to parse sec value, ignoring: %s", it->value);
                else {
                        c->ratelimit_interval = v;
                        c->ratelimit_interval_set = true;
                }
        } else if (streq(k, "RateLimitBurst")) {
                unsigned v;
                if (safe_atou(it->value, &v) < 0) WARN(it, "Failed to parse RateLimitBurst= value, ignoring: %s", it->value);
                else {
                        c->ratelimit_burst = v;
                        c->ratelimit_burst_set = true;
                }
        } else if ((rest = startswith(k, "System")) && limits_item(it, rest, &c->system) != -ENOENT)
                return 0;
        else if ((rest = startswith(k, "Runtime")) && limits_item(it, rest, &c->runtime) != -ENOENT)
                return 0;
        else if (streq(k, "LineMax")) {
                uint64_t v;
                if (parse_size(it->value, 1024, &v) < 0) WARN(it, "Failed to parse LineMax= value, ignoring: %s", it->value);
                else c->line_max = v > SIZE_MAX ? SIZE_MAX : (size_t)v;
        } else if (streq(k, "MaxLevelStore"))
                return parse_level_item(it, &c->max_level_store);
        else if (relay_item(c, it) != -ENOENT)
                return 0;
        else if (!strv_contains((char *const *)ignored_keys, k))
                WARN(it, "Unknown key '%s' in section [%s], ignoring.", k, it->section);
        return 0;
}

static const char *const sections[] = { "Journal", NULL };

int journald_config_parse_buffer(JournaldConfig *c, const char *name, const char *data, size_t size) {
        return config_parse_buffer(name, data, size, sections, on_item, c);
}

void journald_config_finish(JournaldConfig *c) {
        if (!c->ratelimit_interval_set && !c->ratelimit_burst_set) {
                c->ratelimit_interval = 0;
                c->ratelimit_burst = 0;
                return;
        }
        if (!c->ratelimit_interval_set) c->ratelimit_interval = JOURNALD_RATELIMIT_INTERVAL_DEFAULT;
        if (!c->ratelimit_burst_set) c->ratelimit_burst = JOURNALD_RATELIMIT_BURST_DEFAULT;
}

/* Every "*.conf" in the drop-in directories, the first directory winning per file name, sorted
 * by file name; returns full paths. */
static int collect_dropins(const char *root, char ***ret) {
        static const char *const dirs[] = {
                "/etc/systemd/journald.conf.d", "/run/systemd/journald.conf.d",
                "/usr/local/lib/systemd/journald.conf.d", "/usr/lib/systemd/journald.conf.d", NULL,
        };
        return conf_files_list(root, dirs, ".conf", ret);
}

static int load_file(JournaldConfig *c, const char *path) {
        _cleanup_free_ char *data = NULL;
        size_t n;
        int r = read_file_bounded(AT_FDCWD, path, CONFIG_FILE_MAX, &data, &n);
        if (r == -ENOENT) return 0;
        if (r < 0) return log_warning_errno(-r, "Failed to read %s: %s", path, strerror(-r)), 0;
        r = journald_config_parse_buffer(c, path, data, n);
        if (r < 0) log_warning_errno(-r, "Failed to parse %s: %s", path, strerror(-r));
        return 1;
}

int journald_config_load(JournaldConfig *c, const char *root) {
        _cleanup_free_ char *main_file = strjoin(strempty(root), "/etc/systemd/journald.conf");
        _cleanup_strv_free_ char **dropins = NULL;
        if (!main_file || collect_dropins(root, &dropins) < 0) return -ENOMEM;
        int n = load_file(c, main_file);
        STRV_FOREACH(p, dropins) n += load_file(c, *p);
        journald_config_finish(c);
        return n;
}
