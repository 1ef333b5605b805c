/* SPDX-License-Identifier: MIT */
/* systemctl show for the [Unit]-level settings: org.freedesktop.systemd1.Unit's properties from
 * StopWhenUnneeded on, in systemd 252's vtable order, for a loaded unit that has not run yet.
 * Hidden (deprecated) properties are not listed by GetAll, so not here. Output is that of
 * `systemctl show --all`: Conditions=, Asserts=, ActivationDetails= ("[unprintable]") and unset
 * *ActionExitStatus= ("[not set]") are lines systemctl prints only with --all. */
#include "unit/unit.h"

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

static int put_usec(Buf *out, const char *name, usec_t t) {
        char buf[FORMAT_TIMESPAN_MAX];
        return buf_printf(out, "%s=%s\n", name, format_timespan(buf, sizeof buf, t, 0));
}

static int put_str(Buf *out, const char *name, const char *v) {
        v = strempty(v);
        return buf_printf(out, "%s=%s\n", name, strchr(v, '\n') ? "[unprintable]" : v);
}

/* "i" exit statuses: "[not set]" outside 0…255 (systemctl prints that with --all only). */
static int put_exit_status(Buf *out, const char *name, int v) {
        if (v >= 0 && v <= 255) return buf_printf(out, "%s=%d\n", name, v);
        return buf_printf(out, "%s=[not set]\n", name);
}

static int show_flags(const UnitConfig *c, Buf *out) {
        return buf_printf(out,
                          "StopWhenUnneeded=%s\nRefuseManualStart=%s\nRefuseManualStop=%s\nAllowIsolate=%s\n"
                          "DefaultDependencies=%s\nOnSuccessJobMode=%s\nOnFailureJobMode=%s\nIgnoreOnIsolate=%s\n"
                          "NeedDaemonReload=no\nMarkers=\n",
                          yes_no(c->stop_when_unneeded), yes_no(c->refuse_manual_start), yes_no(c->refuse_manual_stop),
                          yes_no(c->allow_isolate), yes_no(c->default_dependencies),
                          job_mode_to_string(c->on_success_job_mode), job_mode_to_string(c->on_failure_job_mode),
                          yes_no(c->ignore_on_isolate));
}

static int show_job_and_conditions(const UnitConfig *c, Buf *out) {
        int r = put_usec(out, "JobTimeoutUSec", c->job_timeout_usec);
        if (r >= 0) r = put_usec(out, "JobRunningTimeoutUSec", c->job_running_timeout_usec);
        if (r >= 0) r = buf_printf(out, "JobTimeoutAction=%s\n", emergency_action_to_string(c->job_timeout_action));
        if (r >= 0) r = put_str(out, "JobTimeoutRebootArgument", c->job_timeout_reboot_argument);
        /* Conditions=/Asserts= are a(sbbsi): "[unprintable]" with --all, nothing otherwise. */
        if (r >= 0)
                r = buf_puts(out, "ConditionResult=no\nAssertResult=no\nConditionTimestamp=\nConditionTimestampMonotonic=0\n"
                                  "AssertTimestamp=\nAssertTimestampMonotonic=0\nConditions=[unprintable]\nAsserts=[unprintable]\n"
                                  "LoadError=\n"
                                  "Transient=no\nPerpetual=no\n");
        return r;
}

static int show_limits_and_actions(const UnitConfig *c, Buf *out) {
        int r = put_usec(out, "StartLimitIntervalUSec", c->start_limit_interval_usec);
        if (r >= 0)
                r = buf_printf(out, "StartLimitBurst=%u\nStartLimitAction=%s\nFailureAction=%s\n", c->start_limit_burst,
                               emergency_action_to_string(c->start_limit_action), emergency_action_to_string(c->failure_action));
        if (r >= 0) r = put_exit_status(out, "FailureActionExitStatus", c->failure_action_exit_status);
        if (r >= 0) r = buf_printf(out, "SuccessAction=%s\n", emergency_action_to_string(c->success_action));
        if (r >= 0) r = put_exit_status(out, "SuccessActionExitStatus", c->success_action_exit_status);
        if (r >= 0) r = put_str(out, "RebootArgument", c->reboot_argument);
        if (r >= 0)
                r = buf_printf(out, "InvocationID=\nCollectMode=%s\nRefs=\nActivationDetails=[unprintable]\n",
                               collect_mode_to_string(c->collect_mode));
        return r;
}

int unit_config_show(const Unit *u, Buf *out) {
        const UnitConfig *c = &u->unit;
        int r = show_flags(c, out);
        if (r >= 0) r = show_job_and_conditions(c, out);
        if (r >= 0) r = show_limits_and_actions(c, out);
        return r;
}
