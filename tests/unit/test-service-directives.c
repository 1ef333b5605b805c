/* SPDX-License-Identifier: MIT */
/* [Service] parsing, defaults, service_verify() and systemctl show, each case pinned to systemd
 * 252 (load-fragment.c, service.c, dbus-service.c; messages checked with `systemd-analyze verify`
 * of Debian 12's 252.38). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "show-capture.h"
#include "base/strv.h"
#include "log-capture.h"
#include "unit/load.h"

static Unit *load(const char *text, int *ret) {
        log_capture_start();
        Unit *u = unit_new("s.service");
        assert_non_null(u);
        *ret = unit_load_from_buffer(u, "s.service", text, strlen(text));
        return u;
}

static Unit *load_ok(const char *text) {
        int r;
        Unit *u = load(text, &r);
        if (r < 0) fail_msg("load failed: %d\nlog:\n%s", r, log_captured());
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static void done(Unit *u) {
        unit_free(u);
        log_capture_stop();
}

#define assert_logged(s) do { if (!strstr(log_captured(), (s))) fail_msg("not logged: %s\nlog:\n%s", (s), log_captured()); } while (0)

/* What `systemctl show --all` prints for u, its [Service] part first (free it). */
static char *show_text(Unit *u) { return show_all(u); }

static void test_defaults(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/true\n");
        ServiceConfig *s = u->service;
        assert_int_equal(s->type, SERVICE_SIMPLE);
        assert_int_equal(s->restart, SERVICE_RESTART_NO);
        assert_int_equal(s->restart_usec, 100 * USEC_PER_MSEC);
        assert_int_equal(s->timeout_start_usec, 90 * USEC_PER_SEC);
        assert_int_equal(s->timeout_stop_usec, 90 * USEC_PER_SEC);
        assert_false(s->timeout_abort_set);
        assert_int_equal(s->runtime_max_usec, USEC_INFINITY);
        assert_true(s->guess_main_pid);
        assert_int_equal(s->notify_access, NOTIFY_NONE);
        assert_int_equal(s->oom_policy, OOM_STOP);
        assert_int_equal(s->exec.std_output, EXEC_OUTPUT_JOURNAL);   /* DefaultStandardOutput=journal */
        done(u);
}

static void test_automatic_type(void **state) {
        (void)state;
        /* service_add_extras(): BusName= → dbus; no ExecStart= → oneshot without a start timeout */
        Unit *u = load_ok("[Service]\nBusName=org.example.Foo\nExecStart=/bin/foo\n");
        assert_int_equal(u->service->type, SERVICE_DBUS);
        done(u);
        u = load_ok("[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\n");
        assert_int_equal(u->service->type, SERVICE_ONESHOT);
        assert_int_equal(u->service->timeout_start_usec, USEC_INFINITY);
        done(u);
        u = load_ok("[Service]\nType=oneshot\nTimeoutStartSec=20\nExecStart=/bin/a\nExecStart=/bin/b\n");
        assert_int_equal(u->service->timeout_start_usec, 20 * USEC_PER_SEC);
        done(u);
        /* the notify socket is needed: NotifyAccess=none becomes main (252 can't tell explicit none) */
        u = load_ok("[Service]\nType=notify\nNotifyAccess=none\nExecStart=/bin/a\n");
        assert_int_equal(u->service->notify_access, NOTIFY_MAIN);
        done(u);
        u = load_ok("[Service]\nWatchdogSec=5\nExecStart=/bin/a\nNotifyAccess=all\n");
        assert_int_equal(u->service->notify_access, NOTIFY_ALL);
        done(u);
        /* notify-reload is 253+ */
        u = load_ok("[Service]\nType=notify-reload\nExitType=bogus\nRestart=bogus\nNotifyAccess=bogus\nOOMPolicy=bogus\n"
                    "TimeoutStartFailureMode=bogus\nExecStart=/bin/a\n");
        assert_int_equal(u->service->type, SERVICE_SIMPLE);
        assert_logged("s.service:2: Failed to parse service type, ignoring: notify-reload\n");
        assert_logged("s.service:3: Failed to parse service exit type, ignoring: bogus\n");
        assert_logged("s.service:4: Failed to parse service restart specifier, ignoring: bogus\n");
        assert_logged("s.service:5: Failed to parse notify access specifier, ignoring: bogus\n");
        assert_logged("s.service:6: Failed to parse OOM policy, ignoring: bogus\n");
        assert_logged("s.service:7: Failed to parse timeout failure mode, ignoring: bogus\n");
        done(u);
}

static void test_timeouts(void **state) {
        (void)state;
        /* TimeoutSec= sets start and stop; 0 means infinity; TimeoutAbortSec= empty unsets */
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nTimeoutSec=0\nTimeoutStartSec=x\nTimeoutAbortSec=y\n"
                          "TimeoutAbortSec=5s\nTimeoutAbortSec=\nRuntimeMaxSec=1h\nRuntimeRandomizedExtraSec=30\n");
        ServiceConfig *s = u->service;
        assert_int_equal(s->timeout_start_usec, USEC_INFINITY);
        assert_int_equal(s->timeout_stop_usec, USEC_INFINITY);
        assert_false(s->timeout_abort_set);
        assert_int_equal(s->runtime_max_usec, 3600 * USEC_PER_SEC);
        assert_int_equal(s->runtime_rand_extra_usec, 30 * USEC_PER_SEC);
        assert_logged("s.service:4: Failed to parse TimeoutStartSec= parameter, ignoring: x\n");
        assert_logged("s.service:5: Failed to parse TimeoutAbortSec= setting, ignoring: y\n");
        done(u);
        u = load_ok("[Service]\nExecStart=/bin/a\nTimeoutStopSec=10\nTimeoutAbortSec=0\n");
        assert_true(u->service->timeout_abort_set);
        assert_int_equal(u->service->timeout_abort_usec, 0);
        done(u);
}

static void test_pid_file(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nType=forking\nPIDFile=x.pid\n");
        assert_string_equal(u->service->pid_file, "/run/x.pid");   /* relative: below /run */
        done(u);
        u = load_ok("[Service]\nExecStart=/bin/a\nPIDFile=/var/run/x.pid\n");
        assert_string_equal(u->service->pid_file, "/run/x.pid");
        assert_logged("s.service:3: PIDFile= references a path below legacy directory /var/run/, updating /var/run/x.pid → /run/x.pid; please update the unit file accordingly.\n");
        done(u);
        /* a path that can't be normalised is an error for the whole unit in 252 */
        int r;
        u = load("[Service]\nExecStart=/bin/a\nPIDFile=/a/../b\n", &r);
        assert_int_equal(r, -EINVAL);
        assert_int_equal(u->load_state, UNIT_ERROR);
        assert_logged("s.service:3: PIDFile= path is not normalized, ignoring: /a/../b\n");
        done(u);
}

static bool bit(const uint8_t *m, unsigned n) { return m[n / 8] & (1u << (n % 8)); }

static void test_exit_status_sets(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nSuccessExitStatus=1 SIGKILL FOO 300 NOTINSTALLED TERM\n"
                          "RestartPreventExitStatus=2\nRestartPreventExitStatus=\nRestartForceExitStatus=SIGBOGUS 255\n");
        ServiceConfig *s = u->service;
        assert_true(bit(s->success_status.status, 1));
        assert_true(bit(s->success_status.status, 5));       /* NOTINSTALLED */
        assert_true(bit(s->success_status.signal, 9));
        assert_true(bit(s->success_status.signal, 15));
        assert_true(exit_status_set_is_empty(&s->restart_prevent_status));
        assert_true(bit(s->restart_force_status.status, 255));
        assert_logged("s.service:3: Failed to parse value, ignoring: FOO\n");
        assert_logged("s.service:3: Failed to parse value, ignoring: 300\n");
        assert_logged("s.service:6: Failed to parse value, ignoring: SIGBOGUS\n");
        char *t = show_text(u);
        assert_non_null(strstr(t, "\nRestartPreventExitStatus=\nRestartForceExitStatus=255\nSuccessExitStatus=1 5 KILL TERM\n"));
        free(t);
        done(u);
        assert_int_equal(exit_status_from_string("EXCEPTION"), 255);
        assert_int_equal(exit_status_from_string("256"), -ERANGE);
}

static void test_bus_name_sockets_usb(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nBusName=bad..name\nBusName=1a.b\nBusName=org.freedesktop.foo_1\n"
                          "Sockets=bogus foo.socket\nUSBFunctionDescriptors=relative\nUSBFunctionStrings=/dev/x\n");
        assert_string_equal(u->service->bus_name, "org.freedesktop.foo_1");
        assert_logged("s.service:3: Invalid bus name, ignoring: bad..name\n");
        assert_logged("s.service:4: Invalid bus name, ignoring: 1a.b\n");
        assert_logged("s.service:6: Unit must be of type socket, ignoring: bogus\n");
        assert_int_equal(strv_length(u->service->sockets), 1);
        assert_true(unit_has_dependency(u, UNIT_TRIGGERED_BY, "foo.socket"));
        assert_logged("s.service:7: USBFunctionDescriptors= path is not absolute, ignoring: relative\n");
        /* service_verify(): a warning, not a refusal */
        assert_logged("s.service: Service has USBFunctionStrings= setting, but no USBFunctionDescriptors=. Ignoring.\n");
        done(u);
}

static void test_252_key_set(void **state) {
        (void)state;
        /* later systemd's keys are unknown to 252; SuccessAction= is [Unit]-only; the [Unit]
         * compat keys 252 still takes in [Service] reach the unit. Deviation: 254's RestartSteps=
         * and RestartMaxDelaySec= are known (252 says "Unknown key"), see test_restart_steps. */
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nRestartMode=direct\nOpenFile=/a\nReloadSignal=HUP\nSuccessAction=none\n"
                          "StartLimitInterval=3\nStartLimitBurst=9\nFailureAction=reboot\nRebootArgument=%n\n"
                          "SysVStartPriority=4\nPermissionsStartOnly=yes\nStartLimitIntervalSec=4\n");
        assert_logged("s.service:3: Unknown key");
        assert_logged("s.service:4: Unknown key");
        assert_logged("s.service:5: Unknown key");
        assert_logged("s.service:6: Unknown key");
        assert_logged("s.service:13: Unknown key");
        assert_logged("s.service:11: Support for option SysVStartPriority= has been removed and it is ignored\n");
        assert_int_equal(u->unit.start_limit_interval_usec, 3 * USEC_PER_SEC);
        assert_int_equal(u->unit.start_limit_burst, 9);
        assert_int_equal(u->unit.failure_action, EMERGENCY_ACTION_REBOOT);
        assert_string_equal(u->unit.reboot_argument, "s.service");
        assert_true(u->service->permissions_start_only);
        done(u);
}

#define assert_not_logged(s) do { if (strstr(log_captured(), (s))) fail_msg("logged: %s\nlog:\n%s", (s), log_captured()); } while (0)

/* systemd 254's RestartSteps= (config_parse_unsigned) and RestartMaxDelaySec= (config_parse_sec) */
static void test_restart_steps(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nRestartSec=100ms\nRestartSteps=3\nRestartMaxDelaySec=800ms\n");
        assert_int_equal(u->service->restart_steps, 3);
        assert_int_equal(u->service->restart_max_delay_usec, 800 * USEC_PER_MSEC);
        assert_not_logged("Unknown key");
        assert_not_logged("Ignoring");
        assert_int_equal(service_restart_usec_next(u->service, 1), 100 * USEC_PER_MSEC);
        assert_int_equal(service_restart_usec_next(u->service, 2), 200 * USEC_PER_MSEC);
        assert_int_equal(service_restart_usec_next(u->service, 4), 800 * USEC_PER_MSEC);
        assert_int_equal(service_restart_usec_next(u->service, 9), 800 * USEC_PER_MSEC);
        done(u);
        /* defaults: off */
        u = load_ok("[Service]\nExecStart=/bin/a\n");
        assert_int_equal(u->service->restart_steps, 0);
        assert_int_equal(u->service->restart_max_delay_usec, USEC_INFINITY);
        assert_int_equal(service_restart_usec_next(u->service, 7), 100 * USEC_PER_MSEC);
        done(u);
        /* invalid values keep the previous one; infinity and 0 switch off; the last one wins */
        u = load_ok("[Service]\nExecStart=/bin/a\nRestartSteps=5\nRestartSteps=-1\nRestartSteps=x\nRestartSteps=4294967296\n"
                    "RestartMaxDelaySec=1min\nRestartMaxDelaySec=soon\nRestartSteps=\nRestartMaxDelaySec=\n");
        assert_logged("s.service:4: Failed to parse unsigned value, ignoring: -1\n");
        assert_logged("s.service:5: Failed to parse unsigned value, ignoring: x\n");
        assert_logged("s.service:6: Failed to parse unsigned value, ignoring: 4294967296\n");
        assert_logged("s.service:8: Failed to parse sec value, ignoring: soon\n");
        assert_logged("s.service:9: Failed to parse unsigned value, ignoring: \n");
        assert_logged("s.service:10: Failed to parse sec value, ignoring: \n");
        assert_int_equal(u->service->restart_steps, 5);
        assert_int_equal(u->service->restart_max_delay_usec, USEC_PER_MINUTE);
        done(u);
        u = load_ok("[Service]\nExecStart=/bin/a\nRestartSteps=4294967295\nRestartMaxDelaySec=infinity\nRestartSteps=0\n");
        assert_int_equal(u->service->restart_steps, 0);
        assert_int_equal(u->service->restart_max_delay_usec, USEC_INFINITY);
        done(u);
}

/* 254's service_verify(): warnings, never a refusal */
static void test_restart_steps_verify(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/a\nRestartSteps=3\n");
        assert_logged("s.service: Service has RestartSteps= but no RestartMaxDelaySec= setting. Ignoring.\n");
        done(u);
        u = load_ok("[Service]\nExecStart=/bin/a\nRestartMaxDelaySec=5s\n");
        assert_logged("s.service: Service has RestartMaxDelaySec= but no RestartSteps= setting. Ignoring.\n");
        assert_not_logged("smaller");
        done(u);
        /* a maximum below RestartSec= lowers RestartSec= to it, also without steps */
        u = load_ok("[Service]\nExecStart=/bin/a\nRestartSec=2s\nRestartSteps=3\nRestartMaxDelaySec=500ms\n");
        assert_logged("s.service: RestartMaxDelaySec= has a value smaller than RestartSec=, resetting RestartSec= to RestartMaxDelaySec=.\n");
        assert_int_equal(u->service->restart_usec, 500 * USEC_PER_MSEC);
        for (unsigned n = 1; n < 6; n++) assert_int_equal(service_restart_usec_next(u->service, n), 500 * USEC_PER_MSEC);
        char *t = show_text(u);
        assert_non_null(strstr(t, "\nRestartUSec=500ms\nRestartSteps=3\nRestartMaxDelayUSec=500ms\nRestartUSecNext=500ms\nTimeoutStartUSec="));
        free(t);
        done(u);
        u = load_ok("[Service]\nExecStart=/bin/a\nRestartSec=1s\nRestartMaxDelaySec=0\n");
        assert_logged("s.service: Service has RestartMaxDelaySec= but no RestartSteps= setting. Ignoring.\n");
        assert_logged("s.service: RestartMaxDelaySec= has a value smaller than RestartSec=, resetting RestartSec= to RestartMaxDelaySec=.\n");
        assert_int_equal(u->service->restart_usec, 0);
        done(u);
        /* equal: nothing to say */
        u = load_ok("[Service]\nExecStart=/bin/a\nRestartSec=1s\nRestartSteps=2\nRestartMaxDelaySec=1s\n");
        assert_not_logged("Ignoring");
        assert_not_logged("smaller");
        done(u);
}

#define EXPECT_REFUSED(text, msg)                                               \
        do {                                                                    \
                int r_;                                                         \
                Unit *u_ = load(text, &r_);                                     \
                assert_int_equal(r_, -ENOEXEC);                                 \
                assert_int_equal(u_->load_state, UNIT_BAD_SETTING);             \
                assert_logged("s.service: " msg "\n");                          \
                done(u_);                                                       \
        } while (0)

static void test_verify(void **state) {
        (void)state;
        EXPECT_REFUSED("[Unit]\nDescription=x\n", "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        EXPECT_REFUSED("[Service]\nRemainAfterExit=yes\n", "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        EXPECT_REFUSED("[Service]\nExecStop=/bin/true\n",
                       "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.");
        EXPECT_REFUSED("[Service]\nType=simple\nExecStop=/bin/true\n",
                       "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        EXPECT_REFUSED("[Service]\nType=forking\nExecStart=/bin/a\nExecStart=/bin/b\n",
                       "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        EXPECT_REFUSED("[Service]\nType=oneshot\nRestart=always\nExecStart=/bin/a\n",
                       "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.");
        EXPECT_REFUSED("[Service]\nType=oneshot\nRestartForceExitStatus=3\nExecStart=/bin/a\n",
                       "Service has RestartForceExitStatus= set, which isn't allowed for Type=oneshot services. Refusing.");
        EXPECT_REFUSED("[Service]\nType=oneshot\nExitType=cgroup\nExecStart=/bin/a\n",
                       "Service has ExitType=cgroup set, which isn't allowed for Type=oneshot services. Refusing.");
        EXPECT_REFUSED("[Service]\nType=dbus\nExecStart=/bin/a\n",
                       "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.");
        /* SuccessAction= alone is a valid service; oneshot may restart on failure and have several commands */
        Unit *u = load_ok("[Unit]\nSuccessAction=exit\n[Service]\n");
        done(u);
        u = load_ok("[Service]\nType=oneshot\nRestart=on-failure\nExecStart=/bin/a\nExecStart=/bin/b\nRuntimeMaxSec=5\n");
        assert_logged("s.service: RuntimeMaxSec= has no effect in combination with Type=oneshot. Ignoring.\n");
        done(u);
        u = load_ok("[Service]\nExecStart=/bin/a\nRuntimeRandomizedExtraSec=5\n");
        assert_logged("s.service: Service has RuntimeRandomizedExtraSec= setting, but no RuntimeMaxSec=. Ignoring.\n");
        done(u);
        /* ExecStart= resets the list: only the last command counts */
        u = load_ok("[Service]\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\n");
        assert_null(u->service->exec_command[SERVICE_EXEC_START]->next);
        done(u);
}

static void test_show(void **state) {
        (void)state;
        Unit *u = load_ok("[Service]\nExecStart=/bin/true\n");
        char *t = show_text(u);
        /* dbus-service.c's order and 252's defaults */
        const char *want =
                "Type=simple\nExitType=main\nRestart=no\nPIDFile=\nNotifyAccess=none\nRestartUSec=100ms\n"
                "RestartSteps=0\nRestartMaxDelayUSec=infinity\nRestartUSecNext=100ms\n"  /* 254's, see service-show.c */
                "TimeoutStartUSec=1min 30s\nTimeoutStopUSec=1min 30s\nTimeoutAbortUSec=1min 30s\n"
                "TimeoutStartFailureMode=terminate\nTimeoutStopFailureMode=terminate\nRuntimeMaxUSec=infinity\n"
                "RuntimeRandomizedExtraUSec=0\nWatchdogUSec=infinity\nWatchdogTimestamp=\nWatchdogTimestampMonotonic=0\n"
                "RootDirectoryStartOnly=no\nRemainAfterExit=no\nGuessMainPID=yes\nRestartPreventExitStatus=\n"
                "RestartForceExitStatus=\nSuccessExitStatus=\nMainPID=0\nControlPID=0\nBusName=\n"
                "FileDescriptorStoreMax=0\nNFileDescriptorStore=0\nStatusText=\nStatusErrno=0\nResult=success\n"
                "ReloadResult=success\nCleanResult=success\nUSBFunctionDescriptors=\nUSBFunctionStrings=\n"
                "UID=[not set]\nGID=[not set]\nNRestarts=0\nOOMPolicy=stop\nExecMainStartTimestamp=\n"
                "ExecMainStartTimestampMonotonic=0\nExecMainExitTimestamp=\nExecMainExitTimestampMonotonic=0\n"
                "ExecMainPID=0\nExecMainCode=0\nExecMainStatus=0\nExecStart={ ";
        assert_true(startswith(t, want));
        assert_non_null(strstr(t, "\nExecStartEx={ "));
        free(t);
        done(u);
        u = load_ok("[Service]\nType=oneshot\nExecStart=/bin/a\nTimeoutStopSec=5\nTimeoutAbortSec=2min\nWatchdogSec=1s\n");
        t = show_text(u);
        assert_non_null(strstr(t, "NotifyAccess=main\n"));
        assert_non_null(strstr(t, "TimeoutStartUSec=infinity\nTimeoutStopUSec=5s\nTimeoutAbortUSec=2min\n"));
        /* never started: the running watchdog is infinity even with WatchdogSec= (frr.service in 252) */
        assert_non_null(strstr(t, "WatchdogUSec=infinity\n"));
        free(t);
        done(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_automatic_type),
                cmocka_unit_test(test_timeouts),
                cmocka_unit_test(test_pid_file),
                cmocka_unit_test(test_exit_status_sets),
                cmocka_unit_test(test_bus_name_sockets_usb),
                cmocka_unit_test(test_252_key_set),
                cmocka_unit_test(test_restart_steps),
                cmocka_unit_test(test_restart_steps_verify),
                cmocka_unit_test(test_verify),
                cmocka_unit_test(test_show),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
