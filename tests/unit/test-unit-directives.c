/* SPDX-License-Identifier: MIT */
/* [Unit] and [Install] parsing, each case pinned to systemd 252 (load-fragment.c, checked with
 * `systemd-analyze verify` of Debian 12's 252.38): values, messages and what is ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "show-capture.h"
#include "base/strv.h"
#include "log-capture.h"
#include "unit/load.h"

static Unit *load(const char *name, const char *text, int *ret) {
        log_capture_start();
        Unit *u = unit_new(name);
        assert_non_null(u);
        *ret = unit_load_from_buffer(u, name, text, strlen(text));
        return u;
}

/* A target has no type section to verify, so [Unit] settings are seen in isolation. */
static Unit *load_target(const char *text) {
        int r;
        Unit *u = load("t.target", text, &r);
        assert_int_equal(r, 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static void done(Unit *u) {
        unit_free(u);
        log_capture_stop();
}

#define assert_logged(s) do { if (!strstr(log_captured(), (s))) fail_msg("not logged: %s\nlog:\n%s", (s), log_captured()); } while (0)
#define assert_not_logged(s) do { if (strstr(log_captured(), (s))) fail_msg("logged: %s", (s)); } while (0)

static void test_description_specifiers(void **state) {
        (void)state;
        /* config_parse_unit_string_printf: %n is the full unit name */
        Unit *u = load_target("[Unit]\nDescription=The %n unit\n");
        assert_string_equal(u->unit.description, "The t.target unit");
        done(u);
        /* an empty assignment unsets it */
        u = load_target("[Unit]\nDescription=x\nDescription=\n");
        assert_null(u->unit.description);
        done(u);
        /* an unknown specifier: "Failed to resolve unit specifiers in '%Ö', ignoring" and the old value stays */
        u = load_target("[Unit]\nDescription=keep\nDescription=bad %z\n");
        assert_string_equal(u->unit.description, "keep");
        assert_logged("t.target:3: Failed to resolve unit specifiers in 'bad %z', ignoring: ");
        done(u);
}

static void test_documentation_urls(void **state) {
        (void)state;
        /* documentation_url_is_valid(): http(s)://, file:/, info:, man: */
        Unit *u = load_target("[Unit]\nDocumentation=foo:bar http://x.org man:foo(1) file:/a info:x bogus \"man:a b\" file:/\n");
        assert_int_equal(strv_length(u->unit.documentation), 5);
        assert_string_equal(u->unit.documentation[0], "http://x.org");
        assert_string_equal(u->unit.documentation[1], "man:foo(1)");
        assert_string_equal(u->unit.documentation[2], "file:/a");
        assert_string_equal(u->unit.documentation[3], "info:x");
        assert_logged("t.target:2: Invalid URL, ignoring: foo:bar\n");
        assert_logged("t.target:2: Invalid URL, ignoring: bogus\n");
        assert_string_equal(u->unit.documentation[4], "man:a b");   /* any ASCII after the scheme */
        assert_logged("t.target:2: Invalid URL, ignoring: file:/\n");
        done(u);
        /* appends, and an empty assignment resets; "http://" alone is not a URL */
        u = load_target("[Unit]\nDocumentation=man:a(1)\nDocumentation=\nDocumentation=man:b(1)\nDocumentation=https://e.org http://\n");
        assert_int_equal(strv_length(u->unit.documentation), 2);
        assert_string_equal(u->unit.documentation[0], "man:b(1)");
        assert_string_equal(u->unit.documentation[1], "https://e.org");
        assert_logged("t.target:5: Invalid URL, ignoring: http://\n");
        done(u);
}

static void test_dependencies_and_old_names(void **state) {
        (void)state;
        Unit *u = load_target("[Unit]\nRequires=a.service b.service\nBindTo=c.service\nPropagateReloadTo=d.service\n"
                              "PropagateReloadFrom=e.service\nRequiresOverridable=f.service\nRequisiteOverridable=g.service\n"
                              "Wants=bad!name h.service\nUpholds=i.service\nOnSuccess=j.service\nStopPropagatedFrom=k.service\n");
        assert_true(unit_has_dependency(u, UNIT_REQUIRES, "a.service"));
        assert_true(unit_has_dependency(u, UNIT_REQUIRES, "b.service"));
        assert_true(unit_has_dependency(u, UNIT_BINDS_TO, "c.service"));           /* BindTo= → BindsTo= */
        assert_true(unit_has_dependency(u, UNIT_PROPAGATES_RELOAD_TO, "d.service"));
        assert_true(unit_has_dependency(u, UNIT_RELOAD_PROPAGATED_FROM, "e.service"));
        assert_true(unit_has_dependency(u, UNIT_REQUIRES, "f.service"));
        assert_true(unit_has_dependency(u, UNIT_REQUISITE, "g.service"));
        assert_true(unit_has_dependency(u, UNIT_WANTS, "h.service"));
        assert_true(unit_has_dependency(u, UNIT_UPHOLDS, "i.service"));
        assert_true(unit_has_dependency(u, UNIT_ON_SUCCESS, "j.service"));
        assert_true(unit_has_dependency(u, UNIT_STOP_PROPAGATED_FROM, "k.service"));
        assert_logged("t.target:6: Unit dependency type RequiresOverridable= is obsolete, replacing by Requires=, please update your unit file\n");
        assert_logged("t.target:7: Unit dependency type RequisiteOverridable= is obsolete, replacing by Requisite=, please update your unit file\n");
        assert_logged("t.target:8: Failed to add dependency on bad!name, ignoring: Invalid argument\n");
        /* 252 has no UpheldBy= (254+), in neither section */
        done(u);
        u = load_target("[Unit]\nUpheldBy=x.service\n[Install]\nUpheldBy=x.service\n");
        assert_logged("t.target:2: Unknown key");
        assert_logged("t.target:4: Unknown key");
        assert_null(u->unit.upheld_by);
        done(u);
}

static void test_requires_mounts_for(void **state) {
        (void)state;
        Unit *u = load_target("[Unit]\nRequiresMountsFor=relative /var//lib/ \"/srv/a b\"\nRequiresMountsFor=/var/lib\n");
        assert_int_equal(strv_length(u->unit.requires_mounts_for), 2);
        assert_string_equal(u->unit.requires_mounts_for[0], "/var/lib");
        assert_string_equal(u->unit.requires_mounts_for[1], "/srv/a b");
        assert_logged("t.target:2: RequiresMountsFor= path is not absolute, ignoring: relative\n");
        done(u);
}

static void test_job_modes(void **state) {
        (void)state;
        Unit *u = load_target("[Unit]\n");
        assert_int_equal(u->unit.on_failure_job_mode, JOB_REPLACE);
        done(u);
        u = load_target("[Unit]\nOnFailureJobMode=bogus\nOnSuccessJobMode=isolate\n");
        assert_int_equal(u->unit.on_failure_job_mode, JOB_REPLACE);
        assert_int_equal(u->unit.on_success_job_mode, JOB_ISOLATE);
        assert_logged("t.target:2: Failed to parse job mode, ignoring: bogus\n");
        done(u);
        /* OnFailureIsolate=: a notice without file and line, then isolate */
        u = load_target("[Unit]\nOnFailureIsolate=yes\nIgnoreOnSnapshot=yes\n");
        assert_int_equal(u->unit.on_failure_job_mode, JOB_ISOLATE);
        assert_logged("OnFailureIsolate is deprecated. Please use OnFailureJobMode= instead\n");
        assert_logged("t.target:3: Support for option IgnoreOnSnapshot= has been removed and it is ignored\n");
        done(u);
        u = load_target("[Unit]\nOnFailureIsolate=maybe\n");
        assert_logged("t.target:2: Failed to parse boolean, ignoring: maybe\n");
        done(u);
}

static void test_emergency_actions(void **state) {
        (void)state;
        /* 252's set: none reboot(-force,-immediate) poweroff(-force,-immediate) exit(-force); no kexec/halt */
        Unit *u = load_target("[Unit]\nFailureAction=bogus\nSuccessAction=exit-force\nJobTimeoutAction=reboot-immediate\n"
                              "StartLimitAction=kexec\nFailureActionExitStatus=300\nSuccessActionExitStatus=7\n");
        assert_int_equal(u->unit.failure_action, EMERGENCY_ACTION_NONE);
        assert_int_equal(u->unit.success_action, EMERGENCY_ACTION_EXIT_FORCE);
        assert_int_equal(u->unit.job_timeout_action, EMERGENCY_ACTION_REBOOT_IMMEDIATE);
        assert_int_equal(u->unit.start_limit_action, EMERGENCY_ACTION_NONE);
        assert_int_equal(u->unit.failure_action_exit_status, -1);
        assert_int_equal(u->unit.success_action_exit_status, 7);
        assert_logged("t.target:2: Failed to parse FailureAction=, ignoring: bogus\n");
        assert_logged("t.target:5: Failed to parse StartLimitAction=, ignoring: kexec\n");
        assert_logged("t.target:6: Failed to parse exit status '300', ignoring: Numerical result out of range\n");
        done(u);
        u = load_target("[Unit]\nSuccessActionExitStatus=7\nSuccessActionExitStatus=\nRebootArgument=ok\nRebootArgument=b\xc3\xa4\n");
        assert_int_equal(u->unit.success_action_exit_status, -1);
        assert_string_equal(u->unit.reboot_argument, "ok");
        assert_logged("t.target:5: Invalid reboot parameter 'b\xc3\xa4', ignoring.\n");
        done(u);
        assert_null(emergency_action_to_string(EMERGENCY_ACTION_HALT));
        assert_int_equal(emergency_action_from_string("soft-reboot"), -EINVAL);
        assert_string_equal(emergency_action_to_string(EMERGENCY_ACTION_POWEROFF_IMMEDIATE), "poweroff-immediate");
}

static void test_job_timeouts(void **state) {
        (void)state;
        /* JobTimeoutSec= moves JobRunningTimeoutSec= too, unless that was set itself; 0 = infinity */
        Unit *u = load_target("[Unit]\nJobTimeoutSec=5min\n");
        assert_int_equal(u->unit.job_timeout_usec, 300 * USEC_PER_SEC);
        assert_int_equal(u->unit.job_running_timeout_usec, 300 * USEC_PER_SEC);
        done(u);
        u = load_target("[Unit]\nJobRunningTimeoutSec=10\nJobTimeoutSec=0\nJobTimeoutSec=x\n");
        assert_int_equal(u->unit.job_timeout_usec, USEC_INFINITY);
        assert_int_equal(u->unit.job_running_timeout_usec, 10 * USEC_PER_SEC);
        assert_logged("t.target:4: Failed to parse JobTimeoutSec= parameter, ignoring: x\n");
        done(u);
        u = load_target("[Unit]\nStartLimitInterval=5\nStartLimitIntervalSec=7s\nStartLimitBurst=3\nCollectMode=bogus\nCollectMode=inactive-or-failed\n");
        assert_int_equal(u->unit.start_limit_interval_usec, 7 * USEC_PER_SEC);
        assert_int_equal(u->unit.start_limit_burst, 3);
        assert_int_equal(u->unit.collect_mode, COLLECT_INACTIVE_OR_FAILED);
        assert_logged("t.target:5: Failed to parse garbage collection mode, ignoring: bogus\n");
        done(u);
}

static void test_conditions(void **state) {
        (void)state;
        Unit *u = load_target("[Unit]\nConditionPathExists=|!/ok\nConditionPathExists=relative\nConditionFirstBoot=maybe\n"
                              "AssertPathIsDirectory=/a//b/\nConditionHost=| ! %H\nAssertFirmware=uefi\nConditionFirmware=uefi\n");
        /* newest first, as 252 prepends; string conditions are judged only when checked */
        Condition *c = u->unit.conditions;
        assert_non_null(c);
        assert_int_equal(c->type, CONDITION_FIRMWARE);
        c = c->next;
        assert_int_equal(c->type, CONDITION_HOST);
        assert_true(c->trigger && c->negate);
        c = c->next;
        assert_int_equal(c->type, CONDITION_FIRST_BOOT);
        assert_string_equal(c->parameter, "maybe");
        c = c->next;
        assert_int_equal(c->type, CONDITION_PATH_EXISTS);
        assert_true(c->trigger && c->negate);
        assert_string_equal(c->parameter, "/ok");
        assert_null(c->next);
        assert_string_equal(u->unit.asserts->parameter, "/a/b");
        assert_logged("t.target:3: ConditionPathExists= path is not absolute, ignoring: relative\n");
        /* 252 forgot AssertFirmware= in its table */
        assert_logged("t.target:7: Unknown key");
        done(u);
        /* an empty assignment drops every earlier condition of that list */
        u = load_target("[Unit]\nConditionPathExists=/a\nConditionUser=root\nConditionPathExists=\nAssertUser=root\n");
        assert_null(u->unit.conditions);
        assert_non_null(u->unit.asserts);
        done(u);
        assert_string_equal(condition_type_to_string(CONDITION_AC_POWER), "ConditionACPower");
        assert_string_equal(assert_type_to_string(CONDITION_CONTROL_GROUP_CONTROLLER), "AssertControlGroupController");
        assert_int_equal(assert_type_from_string("AssertPathExists"), CONDITION_PATH_EXISTS);
        assert_int_equal(condition_type_from_string("ConditionCPUs"), CONDITION_CPUS);
}

static void test_install_section(void **state) {
        (void)state;
        /* The manager ignores [Install] silently; the names are kept with specifiers expanded */
        int r;
        Unit *u = load("getty@tty1.service",
                       "[Service]\nExecStart=/sbin/agetty\n[Install]\nWantedBy=%i.target multi-user.target\nAlias=bad alias.service\n"
                       "Also=x\nDefaultInstance=tty1\nRequiredBy=a.target\nRequiredBy=\n",
                       &r);
        assert_string_equal(u->unit.wanted_by[0], "tty1.target");
        assert_string_equal(u->unit.wanted_by[1], "multi-user.target");
        assert_int_equal(strv_length(u->unit.alias), 2);
        assert_string_equal(u->unit.also[0], "x");
        assert_string_equal(u->unit.default_instance, "tty1");
        assert_null(u->unit.required_by);
        assert_not_logged("getty@tty1.service:5");
        assert_not_logged("getty@tty1.service:6");
        done(u);
}

static void test_enum_tables(void **state) {
        (void)state;
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                UnitDependency i = unit_dependency_inverse((UnitDependency)d);
                assert_true(i >= 0);
                assert_int_equal(unit_dependency_inverse(i), d);
                assert_int_equal(unit_dependency_from_string(unit_dependency_to_string((UnitDependency)d)), d);
        }
        assert_string_equal(unit_dependency_to_string(UNIT_PART_OF), "PartOf");
        assert_int_equal(unit_dependency_inverse(UNIT_PART_OF), UNIT_CONSISTS_OF);
        assert_int_equal(unit_dependency_inverse(UNIT_JOINS_NAMESPACE_OF), UNIT_JOINS_NAMESPACE_OF);
        assert_string_equal(unit_dependency_to_string(UNIT_IN_SLICE), "InSlice");
        assert_string_equal(unit_load_state_to_string(UNIT_BAD_SETTING), "bad-setting");
        assert_string_equal(job_mode_to_string(JOB_IGNORE_REQUIREMENTS), "ignore-requirements");
        assert_int_equal(job_mode_from_string("replace-irreversibly"), JOB_REPLACE_IRREVERSIBLY);
        assert_string_equal(collect_mode_to_string(COLLECT_INACTIVE), "inactive");
}

static void test_show_defaults(void **state) {
        (void)state;
        /* systemctl show of a plain loaded target (252 defaults) */
        Unit *u = load_target("[Unit]\nDescription=x\n");
        /* as tests/data/reference/caddy/caddy.service.show (systemctl show --all, 252.39) */
        const char *want =
                "StopWhenUnneeded=no\nRefuseManualStart=no\nRefuseManualStop=no\nAllowIsolate=no\n"
                "DefaultDependencies=yes\nOnSuccessJobMode=fail\nOnFailureJobMode=replace\nIgnoreOnIsolate=no\n"
                "NeedDaemonReload=no\nMarkers=\nJobTimeoutUSec=infinity\nJobRunningTimeoutUSec=infinity\n"
                "JobTimeoutAction=none\nJobTimeoutRebootArgument=\nConditionResult=no\nAssertResult=no\n"
                "ConditionTimestamp=\nConditionTimestampMonotonic=0\nAssertTimestamp=\nAssertTimestampMonotonic=0\n"
                "Conditions=[unprintable]\nAsserts=[unprintable]\nLoadError=\nTransient=no\nPerpetual=no\n"
                "StartLimitIntervalUSec=10s\nStartLimitBurst=5\nStartLimitAction=none\nFailureAction=none\n"
                "FailureActionExitStatus=[not set]\nSuccessAction=none\nSuccessActionExitStatus=[not set]\n"
                "RebootArgument=\nInvocationID=\nCollectMode=inactive\nRefs=\nActivationDetails=[unprintable]\n";
        char *s = show_section(u, "StopWhenUnneeded", "ActivationDetails");
        assert_string_equal(s, want);
        free(s);
        done(u);
        u = load_target("[Unit]\nStopWhenUnneeded=yes\nFailureAction=poweroff\nFailureActionExitStatus=3\nJobTimeoutSec=90\n");
        s = show_all(u);
        assert_non_null(strstr(s, "StopWhenUnneeded=yes\n"));
        assert_non_null(strstr(s, "FailureAction=poweroff\nFailureActionExitStatus=3\n"));
        assert_non_null(strstr(s, "JobTimeoutUSec=1min 30s\n"));
        free(s);
        done(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_description_specifiers),
                cmocka_unit_test(test_documentation_urls),
                cmocka_unit_test(test_dependencies_and_old_names),
                cmocka_unit_test(test_requires_mounts_for),
                cmocka_unit_test(test_job_modes),
                cmocka_unit_test(test_emergency_actions),
                cmocka_unit_test(test_job_timeouts),
                cmocka_unit_test(test_conditions),
                cmocka_unit_test(test_install_section),
                cmocka_unit_test(test_enum_tables),
                cmocka_unit_test(test_show_defaults),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
