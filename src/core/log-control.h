/* SPDX-License-Identifier: MIT */
#pragma once
/* PID 1's log level and log target at run time, as systemd's manager_override_log_level() and
 * friends: set by signals (SIGRTMIN+22/+23, +26..+29, manager-signals.c) and by D-Bus
 * (org.freedesktop.LogControl1 and the Manager's LogLevel/LogTarget, dbus-log-control.c). The
 * first override remembers what PID 1 started with; a restore goes back to it. */

/* systemd's log_target_from_string(): the static name of the target, NULL for an unknown one. */
const char *log_control_target_from_string(const char *s);

/* The level and target PID 1 goes back to (system.conf's LogLevel=/LogTarget=): in effect at once
 * unless overridden, else what a restore restores. */
void log_control_set_base_level(int level);
void log_control_set_base_target(const char *target);
void log_control_override_level(int level);
void log_control_restore_level(void);
/* target: one of log_control_target_from_string()'s names (static) */
void log_control_override_target(const char *target);
void log_control_restore_target(void);
