/* SPDX-License-Identifier: MIT */
#pragma once
/* tinysd's systemctl: the online mode talks to PID 1 over /run/systemd/private with systemd's
 * D-Bus API (org.freedesktop.systemd1), as systemctl 252 does; the offline mode (--root=,
 * SYSTEMD_OFFLINE=1, no /run/systemd/system) is systemctl_offline_main().
 *
 * Modules: systemctl.c (options, verb table, online/offline decision), systemctl-bus.c (connection,
 * calls, error names → exit codes), systemctl-jobs.c (start/stop/..., JobRemoved, kill,
 * reset-failed, poweroff...), systemctl-show.c (show, status, cat, is-active: bus side and journal
 * lines), systemctl-list-verbs.c (list-* bus side), systemctl-files.c (unit file verbs),
 * systemctl-misc.c (daemon-reload, is-system-running, environment), systemctl-log.c (log-level,
 * log-target, service-log-level/-target), systemctl-sysv.c (init scripts
 * for enable/disable/is-enabled, as systemd-sysv-install). Pure formatting:
 * systemctl-print.c (show's property values), systemctl-status.c (the status block),
 * systemctl-list.c (list tables, presets, dependency tree lines), systemctl-table.c (format-table);
 * they read parsed messages or structs and write to a FILE. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "base/parse.h"
#include "bus/bus-conn.h"
#include "bus/bus-message.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_UNIT "org.freedesktop.systemd1.Unit"
#define DBUS_PROPERTIES "org.freedesktop.DBus.Properties"

/* The offline mode is systemctl_offline_main() in src/cli/systemctl-offline.c (cli/cli.h). */
#include "cli/cli.h"

typedef struct CtlArgs {
        char **properties;       /* -p, --property (may hold NAME=VALUE filters) */
        char **states;           /* --state= */
        char **types;            /* -t, --type= (unit types; "help" lists them; load states go to states) */
        char *root;              /* --root=, absolute and simplified; NULL: the host */
        const char *job_mode;    /* --job-mode=, "replace" */
        const char *kill_whom;   /* --kill-whom=, "all" */
        char **clean_what;       /* --what= of clean: resource types, "all" */
        const char *output;      /* -o, --output= */
        int signal;              /* -s, --signal=, SIGTERM */
        unsigned lines;          /* -n, --lines=, 10 */
        int preset_mode;         /* --preset-mode=, a PresetMode (unit/install.h), full */
        bool value, all, no_block, quiet, no_legend, plain, full, failed, force, runtime, now;
        bool show_transaction;   /* -T: EnqueueUnitJob, and its jobs said */
        bool reverse, before, after, wait, no_reload, show_types, recursive;
        bool legend_set;
} CtlArgs;

/* ---- systemctl-offline.c: the unit-file verbs without a manager ---- */
/* The verb argv[0] (none: list-units) done on the file system under a->root; returns the exit code. */
int systemctl_offline_run(const CtlArgs *a, int argc, char **argv);

/* ---- systemctl-bus.c: the thin bus layer ---- */
typedef struct Ctl {
        BusConn *conn;
        const CtlArgs *args;
} Ctl;

/* Connect (once) to PID 1; prints systemctl's message and returns <0 on failure. */
int ctl_bus(Ctl *c);
/* New method call to PID 1. */
int ctl_new_call(BusMessage **ret, const char *path, const char *iface, const char *member);
/* Send and wait. On an error reply: 0 is not returned; *ret_reply holds the error (if the caller
 * wants it) and the return value is -EREMOTEIO. */
int ctl_call(Ctl *c, BusMessage *m, BusMessage **ret_reply);
/* -p/set-property's NAME=VALUE as a property of PID 1's transient/set-property methods: a string
 * under the directive's name (PID 1 writes it into a unit file), CPUQuota= as 252's client sends it.
 * Says what is wrong and returns -EINVAL for a malformed one. */
int ctl_append_assignment(BusMessage *m, const char *assignment);
/* "Failed to <what>: <text>" for a failed call, returning the systemctl exit code for it. */
int ctl_error_exit_code(const char *error_name);
int ctl_log_call_error(int r, BusMessage *reply, const char *fmt, ...) _printf_(3, 4);
/* Properties.GetAll(iface or "") on a unit path → reply positioned at a{sv}. */
int ctl_get_all(Ctl *c, const char *path, const char *iface, BusMessage **ret_reply);
/* Properties.Get of one string/other property. */
int ctl_get_property(Ctl *c, const char *path, const char *iface, const char *name, const char *sig,
                     BusMessage **ret_reply);
int ctl_get_string(Ctl *c, const char *path, const char *iface, const char *name, char **ret);
/* The unit's object path (no call: systemd's escaping). */
int ctl_unit_path(const char *unit, char **ret);
/* GetUnit + NeedDaemonReload: 1 if the unit's files changed since they were loaded, 0, or <0. */
int ctl_need_daemon_reload(Ctl *c, const char *unit);
void ctl_warn_unit_file_changed(const char *unit);
/* Mangle user input into unit names (adds .service etc.), appending to *list. */
int ctl_mangle_names(char **names, const char *suffix, bool allow_globs, char ***list);

/* Output environment (systemctl-show.c): colours only on a terminal ($SYSTEMD_COLORS, $NO_COLOR,
 * TERM=dumb respected); the terminal width, 0 when stdout is not a terminal. */
bool ctl_colors_enabled(void);
unsigned ctl_columns(void);
/* A list verb's table, set up for the output and the options (--no-legend, --full), as
 * systemd 252's table_new() and its callers do. */
typedef struct CtlTable CtlTable;
int ctl_table_open(const Ctl *c, CtlTable *t, size_t n_cols, const char *const *headers);
/* The a(sss) change list of the *UnitFiles methods, printed as systemctl 252 does. */
int ctl_dump_changes(BusMessage *reply, bool quiet);

/* ---- jobs (systemctl-jobs.c) ---- */
/* Command-line names → unit names, as expand_unit_names(): mangled (suffix, default .service);
 * globs expanded against the loaded units list-units would show. *ret_expanded: a glob was seen. */
int ctl_expand_names(Ctl *c, char **args, const char *suffix, char ***ret, bool *ret_expanded);
/* ctl_expand_names() without a suffix, saying 252's "Failed to expand names: …" when it fails. */
int ctl_expand_names_or_say(Ctl *c, char **args, char ***ret, bool *ret_expanded);
int verb_ctl_start(Ctl *c, int argc, char **argv);
int verb_ctl_isolate(Ctl *c, int argc, char **argv);
int verb_ctl_kill(Ctl *c, int argc, char **argv);
int verb_ctl_reset_failed(Ctl *c, int argc, char **argv);
int verb_ctl_power(Ctl *c, int argc, char **argv);
/* Pure: the "Job for X failed because ..." explanation for a Service Result value. */
const char *ctl_job_result_explanation(const char *service_result);

/* ---- show / status / cat (systemctl-show.c) ---- */
int verb_ctl_show(Ctl *c, int argc, char **argv);
int verb_ctl_status(Ctl *c, int argc, char **argv);
int verb_ctl_cat(Ctl *c, int argc, char **argv);
int verb_ctl_is_active(Ctl *c, int argc, char **argv);

/* ---- lists (systemctl-list.c) ---- */
int verb_ctl_list_units(Ctl *c, int argc, char **argv);
int verb_ctl_list_unit_files(Ctl *c, int argc, char **argv);
int verb_ctl_list_jobs(Ctl *c, int argc, char **argv);
int verb_ctl_list_timers(Ctl *c, int argc, char **argv);
int verb_ctl_list_sockets(Ctl *c, int argc, char **argv);
int verb_ctl_list_dependencies(Ctl *c, int argc, char **argv);

/* ---- unit files (systemctl-files.c) ---- */
int verb_ctl_enable(Ctl *c, int argc, char **argv);
int verb_ctl_add_dependency(Ctl *c, int argc, char **argv);
int verb_ctl_clean_or_freeze(Ctl *c, int argc, char **argv);
int verb_ctl_whoami(Ctl *c, int argc, char **argv);
int verb_ctl_edit(Ctl *c, int argc, char **argv);
int verb_ctl_is_enabled(Ctl *c, int argc, char **argv);
int verb_ctl_get_default(Ctl *c, int argc, char **argv);
int verb_ctl_set_default(Ctl *c, int argc, char **argv);

/* ---- manager (systemctl-misc.c) ---- */
int verb_ctl_daemon_reload(Ctl *c, int argc, char **argv);
/* systemctl-log.c */
int verb_ctl_log_setting(Ctl *c, int argc, char **argv);
int verb_ctl_service_log_setting(Ctl *c, int argc, char **argv);
int verb_ctl_is_system_running(Ctl *c, int argc, char **argv);
int verb_ctl_show_environment(Ctl *c, int argc, char **argv);
int verb_ctl_set_environment(Ctl *c, int argc, char **argv);
int verb_ctl_set_property(Ctl *c, int argc, char **argv);
int verb_ctl_import_environment(Ctl *c, int argc, char **argv);
int verb_ctl_list_machines(Ctl *c, int argc, char **argv);
/* show-environment's value quoting: shell_maybe_quote(SHELL_ESCAPE_POSIX). */
void ctl_print_posix_quoted(FILE *f, const char *s);
