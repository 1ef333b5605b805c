/* SPDX-License-Identifier: MIT */
/* systemctl show for [Service]: org.freedesktop.systemd1.Service's own properties in systemd
 * 252's vtable order (hidden ones such as PermissionsStartOnly are not listed by GetAll, so not
 * here), plus systemd 254's RestartSteps=, RestartMaxDelayUSec= and RestartUSecNext= after
 * RestartUSec= (as 254 lists them), for a unit that is loaded and not running: runtime values are
 * those of a fresh unit. */
#include "base/strv.h"
#include "unit/unit.h"

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

static int put_usec(Buf *out, const char *name, usec_t t) {
        char buf[FORMAT_TIMESPAN_MAX];
        return buf_printf(out, "%s=%s\n", name, format_timespan(buf, sizeof buf, t, 0));
}

/* A "s" property: a value with a newline is "[unprintable]". */
static int put_str(Buf *out, const char *name, const char *v) {
        v = strempty(v);
        return buf_printf(out, "%s=%s\n", name, strchr(v, '\n') ? "[unprintable]" : v);
}

static bool bit_isset(const uint8_t *map, unsigned n) { return map[n / 8] & (1u << (n % 8)); }

/* "(aiai)": statuses in ascending order, then signals by name without "SIG" ("KILL"). */
static int put_exit_status(Buf *out, const char *name, const ExitStatusSet *set) {
        int r = buf_printf(out, "%s=", name);
        bool first = true;
        for (unsigned i = 0; r >= 0 && i < 8 * sizeof set->status; i++)
                if (bit_isset(set->status, i)) {
                        r = buf_printf(out, "%s%u", first ? "" : " ", i);
                        first = false;
                }
        for (unsigned i = 1; r >= 0 && i < 8 * sizeof set->signal; i++)
                if (bit_isset(set->signal, i)) {
                        const char *s = signal_to_string((int)i);
                        const char *bare = s ? startswith(s, "SIG") : NULL;
                        r = s ? buf_printf(out, "%s%s", first ? "" : " ", bare ? bare : s) : buf_printf(out, "%s%u", first ? "" : " ", i);
                        first = false;
                }
        return r < 0 ? r : buf_putc(out, '\n');
}

/* One "Name={ ... }" line per command, for the plain and the Ex property; none when empty. */
static int put_commands(Buf *out, ServiceExecCommand id, const ExecCommand *list) {
        for (int ex = 0; ex <= 1; ex++)
                for (const ExecCommand *c = list; c; c = c->next) {
                        _cleanup_free_ char *s = exec_command_format_show(c, ex);
                        if (!s) return -ENOMEM;
                        int r = buf_printf(out, "%s%s=%s\n", service_exec_command_to_string(id), ex ? "Ex" : "", s);
                        if (r < 0) return r;
                }
        return 0;
}

static int show_timeouts(const ServiceConfig *s, Buf *out) {
        int r = put_usec(out, "RestartUSec", s->restart_usec);
        /* systemd 254's properties (its vtable order); never restarted: the next delay is the first */
        if (r >= 0) r = buf_printf(out, "RestartSteps=%u\n", s->restart_steps);
        if (r >= 0) r = put_usec(out, "RestartMaxDelayUSec", s->restart_max_delay_usec);
        if (r >= 0) r = put_usec(out, "RestartUSecNext", service_restart_usec_next(s, 1));
        if (r >= 0) r = put_usec(out, "TimeoutStartUSec", s->timeout_start_usec);
        if (r >= 0) r = put_usec(out, "TimeoutStopUSec", s->timeout_stop_usec);
        /* unset: the stop timeout, as 252's service_timeout_abort_usec() */
        if (r >= 0) r = put_usec(out, "TimeoutAbortUSec", s->timeout_abort_set ? s->timeout_abort_usec : s->timeout_stop_usec);
        if (r >= 0)
                r = buf_printf(out, "TimeoutStartFailureMode=%s\nTimeoutStopFailureMode=%s\n",
                               service_timeout_failure_mode_to_string(s->timeout_start_failure_mode),
                               service_timeout_failure_mode_to_string(s->timeout_stop_failure_mode));
        if (r >= 0) r = put_usec(out, "RuntimeMaxUSec", s->runtime_max_usec);
        if (r >= 0) r = put_usec(out, "RuntimeRandomizedExtraUSec", s->runtime_rand_extra_usec);
        /* 252 shows the watchdog of the running process (watchdog_original_usec), which is
         * infinity until the service has started, whatever WatchdogSec= says. */
        if (r >= 0) r = put_usec(out, "WatchdogUSec", USEC_INFINITY);
        return r;
}

int service_config_show(const Unit *u, Buf *out) {
        const ServiceConfig *s = u->service;
        int r = buf_printf(out, "Type=%s\nExitType=%s\nRestart=%s\n", strempty(service_type_to_string(s->type)),
                           service_exit_type_to_string(s->exit_type), service_restart_to_string(s->restart));
        if (r >= 0) r = put_str(out, "PIDFile", s->pid_file);
        if (r >= 0) r = buf_printf(out, "NotifyAccess=%s\n", notify_access_to_string(s->notify_access));
        if (r >= 0) r = show_timeouts(s, out);
        if (r >= 0)
                r = buf_printf(out, "WatchdogTimestamp=\nWatchdogTimestampMonotonic=0\n"
                               "RootDirectoryStartOnly=%s\nRemainAfterExit=%s\nGuessMainPID=%s\n",
                               yes_no(s->root_directory_start_only), yes_no(s->remain_after_exit), yes_no(s->guess_main_pid));
        if (r >= 0) r = put_exit_status(out, "RestartPreventExitStatus", &s->restart_prevent_status);
        if (r >= 0) r = put_exit_status(out, "RestartForceExitStatus", &s->restart_force_status);
        if (r >= 0) r = put_exit_status(out, "SuccessExitStatus", &s->success_status);
        if (r >= 0) r = buf_puts(out, "MainPID=0\nControlPID=0\n");
        if (r >= 0) r = put_str(out, "BusName", s->bus_name);
        if (r >= 0)
                r = buf_printf(out, "FileDescriptorStoreMax=%u\nNFileDescriptorStore=0\nStatusText=\nStatusErrno=0\n"
                               "Result=success\nReloadResult=success\nCleanResult=success\n", s->file_descriptor_store_max);
        if (r >= 0) r = put_str(out, "USBFunctionDescriptors", s->usb_function_descriptors);
        if (r >= 0) r = put_str(out, "USBFunctionStrings", s->usb_function_strings);
        if (r >= 0)
                r = buf_printf(out, "UID=[not set]\nGID=[not set]\nNRestarts=0\nOOMPolicy=%s\n",
                               strempty(oom_policy_to_string(s->oom_policy)));
        if (r >= 0)
                r = buf_puts(out, "ExecMainStartTimestamp=\nExecMainStartTimestampMonotonic=0\nExecMainExitTimestamp=\n"
                                  "ExecMainExitTimestampMonotonic=0\nExecMainPID=0\nExecMainCode=0\nExecMainStatus=0\n");
        for (int i = 0; r >= 0 && i < _SERVICE_EXEC_COMMAND_MAX; i++)
                r = put_commands(out, (ServiceExecCommand)i, s->exec_command[i]);
        return r;
}
