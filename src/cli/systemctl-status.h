/* SPDX-License-Identifier: MIT */
#pragma once
/* `systemctl status UNIT`'s block, as systemd 252 prints it (print_status_info()), from the unit's
 * properties (GetAll). Pure: the parsed properties, the process list and whatever the block needs
 * from outside (now, colours, glyphs, states of triggering units, process names) come in. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "base/parse.h"
#include "bus/bus-message.h"

typedef struct CtlExecStatus {
        char *name;            /* "ExecStart" */
        char *path;
        char **argv;
        bool ignore;
        uint64_t start_timestamp, exit_timestamp;
        uint32_t pid;
        int32_t code, status;
} CtlExecStatus;

typedef struct CtlUnitStatus {
        char *id, *load_state, *active_state, *freezer_state, *sub_state, *unit_file_state, *unit_file_preset;
        char *description, *following, *fragment_path, *source_path, *control_group, *result;
        char *load_error;      /* "(ss)" LoadError's message, NULL if none */
        char *status_text, *sysfs_path, *where, *what;
        char **documentation, **dropin_paths, **triggered_by, **triggers;
        char **listen;         /* pairs: type, address */
        uint64_t inactive_exit_timestamp, inactive_exit_timestamp_monotonic, active_enter_timestamp;
        uint64_t active_exit_timestamp, inactive_enter_timestamp, runtime_max_sec;
        uint64_t start_timestamp, exit_timestamp, condition_timestamp, assert_timestamp;
        uint64_t next_elapse_real, next_elapse_monotonic;
        uint64_t memory_current, memory_min, memory_low, memory_high, memory_max, memory_swap_max;
        uint64_t memory_limit, memory_available, cpu_usage_nsec, tasks_current, tasks_max;
        uint64_t ip_ingress_bytes, ip_egress_bytes, io_read_bytes, io_write_bytes;
        bool transient, need_daemon_reload, running, condition_result, assert_result, accept;
        uint32_t main_pid, control_pid, n_accepted, n_connections, n_refused;
        int32_t status_errno, exit_code, exit_status;
        char **failed_conditions;  /* "Name=[|][!]param" of the conditions that failed, in systemctl's order */
        char *failed_assert;       /* "Name=[!]param" of the failed assertion */
        bool failed_assert_trigger;
        CtlExecStatus *exec;
        size_t n_exec;
} CtlUnitStatus;

void ctl_unit_status_init(CtlUnitStatus *s);   /* the "unset" sentinels systemctl starts from */
void ctl_unit_status_done(CtlUnitStatus *s);
/* Fill from a GetAll reply positioned at its a{sv}. Unknown properties are skipped; a property
 * with an unexpected type is ignored. */
int ctl_unit_status_parse(CtlUnitStatus *s, BusMessage *m);

typedef struct CtlProcess {
        char *cgroup;          /* e.g. /system.slice/foo.service or a sub-cgroup */
        uint32_t pid;
        char *cmdline;
} CtlProcess;

typedef struct CtlStatusEnv {
        usec_t now;            /* realtime, for "5min ago" */
        usec_t now_monotonic;  /* CLOCK_MONOTONIC, to place a timer's monotonic next elapse */
        bool colors, utf8;
        bool urlify;           /* paths and Docs as OSC 8 hyperlinks (a terminal with colours) */
        const char *nodename;  /* uname's, for file:// links */
        unsigned columns;      /* 0: no ellipsizing of process lines */
        /* state of each of triggered_by[] / triggers[] ("active", ...), NULL entries allowed */
        const char *const *triggered_by_states;
        const char *const *triggers_states;
        const CtlProcess *procs;
        size_t n_procs;
        /* process name of a pid (/proc/PID/comm) or NULL; may be NULL itself */
        char *(*comm)(uint32_t pid);
} CtlStatusEnv;

/* terminal_urlify(): text (url if NULL) as an OSC 8 hyperlink to url when enabled, else text.
 * ctl_urlify_path(): the same with a file://NODENAME/PATH url. Return NULL on ENOMEM. */
char *ctl_urlify(const char *url, const char *text, bool enabled);
char *ctl_urlify_path(const char *path, const char *text, const char *nodename, bool enabled);
/* urlify_enabled(): $SYSTEMD_URLIFY, else whether colours are on. */
bool ctl_urlify_enabled(bool colors);

/* The glyphs systemctl uses, UTF-8 or ASCII. */
typedef enum CtlGlyph {
        CTL_GLYPH_BLACK_CIRCLE, CTL_GLYPH_WHITE_CIRCLE, CTL_GLYPH_MULTIPLICATION_SIGN, CTL_GLYPH_CIRCLE_ARROW,
        CTL_GLYPH_TREE_BRANCH, CTL_GLYPH_TREE_RIGHT, CTL_GLYPH_TREE_VERTICAL, CTL_GLYPH_TREE_SPACE,
        CTL_GLYPH_ARROW_RIGHT,
} CtlGlyph;
const char *ctl_glyph(CtlGlyph g, bool utf8);
/* systemd's is_locale_utf8() (and $SYSTEMD_UTF8). */
bool ctl_locale_is_utf8(void);
/* The glyph of an ActiveState value (● ○ × ↻). */
CtlGlyph ctl_active_state_glyph(const char *active_state);

void ctl_print_status(FILE *f, CtlUnitStatus *s, const CtlStatusEnv *env);
/* The process tree under "CGroup:" (unit_show_processes()). */
void ctl_print_processes(FILE *f, const char *unit_cgroup, const CtlProcess *procs, size_t n,
                         const char *prefix, bool utf8, bool colors, unsigned columns);
/* LSB status of an ActiveState: 0 active/reloading, 3 otherwise. */
int ctl_status_exit_code(const char *active_state);
