/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd-system.conf(5) as systemd 252 reads it: /etc/systemd/system.conf, then the drop-ins
 * "*.conf" of system.conf.d/ in /etc/systemd, /run/systemd, /usr/local/lib/systemd,
 * /usr/lib/systemd and /lib/systemd (Debian's split-usr list; the first directory wins for one
 * file name, all are applied in file-name order), section [Manager]. Read at boot and again at
 * every daemon-reload, from the compiled-in defaults each time (252's reset_arguments()).
 *
 * What tinysd applies: the Default*= settings units take (unit-defaults.h: timeouts, restart delay,
 * start limit, standard output and error, every DefaultLimit*=), DefaultEnvironment=, ShowStatus=,
 * LogLevel= and LogTarget=. systemd's other keys (watchdogs, CPU affinity, accounting, ...) are
 * accepted without effect; unknown keys get 252's "Unknown key" warning with file:line. Values the
 * syntax layer bounds; parsing is linear in the files' size. */
#include <stdbool.h>
#include <sys/resource.h>
#include "unit/unit-defaults.h"

typedef struct SystemConf {
        UnitDefaults defaults;
        char **default_environment;     /* DefaultEnvironment=, "K=V" in order (later wins) */
        int show_status;                /* ShowStatus=: 1, 0, -1 not set */
        int log_level;                  /* LogLevel=: 0..7, -1 not set */
        const char *log_target;         /* LogTarget=: log_control_target_from_string()'s, or NULL */
} SystemConf;

/* 252's limits without DefaultLimitNOFILE=/MEMLOCK= (fallback_rlimit_nofile()/_memlock()): from
 * the limits PID 1 started with, the NOFILE soft limit at most 1024 and its hard limit raised to
 * 512Ki (at most fs.nr_open); MEMLOCK as it was. */
typedef struct SavedLimits { struct rlimit nofile, memlock; unsigned long nr_open; } SavedLimits;
void saved_limits_read(SavedLimits *s);

void system_conf_init(SystemConf *c);
void system_conf_done(SystemConf *c);
/* Apply one file's text (name for messages). Bad values are warned about and ignored. */
int system_conf_parse_buffer(SystemConf *c, const char *name, const char *data, size_t size);
/* After the files: 0 timeouts mean infinity, the NOFILE/MEMLOCK fallbacks from `saved`. */
void system_conf_finish(SystemConf *c, const SavedLimits *saved);
/* Init, every file under root ("" or NULL: /), finish. Returns the number of files read or -ENOMEM. */
int system_conf_load(SystemConf *c, const char *root, const SavedLimits *saved);
/* manager_load_system_conf() is declared in manager.h. */
