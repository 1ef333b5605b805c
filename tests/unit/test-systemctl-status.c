/* SPDX-License-Identifier: MIT */
/* systemctl status's block, from properties as PID 1 sends them; expected text as systemctl 252
 * prints it for the same values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "base/util.h"
#include "bus/bus-message.h"
#include "cli/systemctl-status.h"

#define T0 UINT64_C(1795434556242694)   /* Mon 2026-11-23 11:49:16 UTC */

static void parse(CtlUnitStatus *s, BusMessage *m) {
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_seal(m, 1), 0);
        ctl_unit_status_init(s);
        assert_int_equal(ctl_unit_status_parse(s, m), 0);
        bus_message_free(m);
}

static BusMessage *new_props(void) {
        BusMessage *m = NULL;
        assert_int_equal(bus_message_new_method_call(&m, "a.b", "/a", "a.b", "X"), 0);
        assert_int_equal(bus_message_open_container(m, 'a', "{sv}"), 0);
        return m;
}

static char *render(CtlUnitStatus *s, const CtlStatusEnv *env) {
        char *out = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&out, &n);
        assert_non_null(f);
        ctl_print_status(f, s, env);
        fclose(f);
        return out;
}

static void test_oneshot_exited(void **state) {
        (void) state;
        CtlUnitStatus s;
        BusMessage *m = new_props();
        bus_message_append(m, "{sv}", "Id", "s", "ctl-oneshot.service");
        bus_message_append(m, "{sv}", "Description", "s", "ctl test oneshot");
        bus_message_append(m, "{sv}", "LoadState", "s", "loaded");
        bus_message_append(m, "{sv}", "ActiveState", "s", "active");
        bus_message_append(m, "{sv}", "SubState", "s", "exited");
        bus_message_append(m, "{sv}", "FragmentPath", "s", "/etc/systemd/system/ctl-oneshot.service");
        bus_message_append(m, "{sv}", "SourcePath", "s", "");
        bus_message_append(m, "{sv}", "Following", "s", "");
        bus_message_append(m, "{sv}", "UnitFileState", "s", "enabled");
        bus_message_append(m, "{sv}", "UnitFilePreset", "s", "enabled");
        bus_message_append(m, "{sv}", "ActiveEnterTimestamp", "t", T0);
        bus_message_append(m, "{sv}", "Result", "s", "success");
        bus_message_append(m, "{sv}", "MainPID", "u", 0);
        bus_message_append(m, "{sv}", "ExecMainStartTimestamp", "t", T0 - 1000);
        bus_message_append(m, "{sv}", "ExecMainExitTimestamp", "t", T0 - 10);
        bus_message_append(m, "{sv}", "ExecMainPID", "u", 1000);
        bus_message_append(m, "{sv}", "ExecMainCode", "i", 1);
        bus_message_append(m, "{sv}", "ExecMainStatus", "i", 0);
        bus_message_append(m, "{sv}", "ExecStart", "a(sasbttttuii)", 1, "/bin/echo", 4, "/bin/echo", "hello", "from", "oneshot", 0,
                           T0 - 1000, UINT64_C(1), T0 - 10, UINT64_C(2), 1000, 1, 0);
        bus_message_append(m, "{sv}", "CPUUsageNSec", "t", UINT64_C(1200000));
        bus_message_append(m, "{sv}", "ControlGroup", "s", "");
        parse(&s, m);
        CtlStatusEnv env = { .now = T0 + 10 * UINT64_C(1000000), .utf8 = true };
        _cleanup_free_ char *out = render(&s, &env);
        assert_string_equal(out,
                "\u25cf ctl-oneshot.service - ctl test oneshot\n"
                "     Loaded: loaded (/etc/systemd/system/ctl-oneshot.service; enabled; preset: enabled)\n"
                "     Active: active (exited) since Mon 2026-11-23 11:49:16 UTC; 10s ago\n"
                "    Process: 1000 ExecStart=/bin/echo hello from oneshot (code=exited, status=0/SUCCESS)\n"
                "   Main PID: 1000 (code=exited, status=0/SUCCESS)\n"
                "        CPU: 1ms\n");
        assert_int_equal(ctl_status_exit_code(s.active_state), 0);
        ctl_unit_status_done(&s);
}

static char *fake_comm(uint32_t pid) {
        return pid == 42 ? strdup("sleep") : NULL;
}

static void test_running_with_processes(void **state) {
        (void) state;
        CtlUnitStatus s;
        BusMessage *m = new_props();
        bus_message_append(m, "{sv}", "Id", "s", "ctl-simple.service");
        bus_message_append(m, "{sv}", "Description", "s", "ctl test simple service");
        bus_message_append(m, "{sv}", "LoadState", "s", "loaded");
        bus_message_append(m, "{sv}", "ActiveState", "s", "active");
        bus_message_append(m, "{sv}", "SubState", "s", "running");
        bus_message_append(m, "{sv}", "FragmentPath", "s", "/etc/systemd/system/ctl-simple.service");
        bus_message_append(m, "{sv}", "DropInPaths", "as", 2, "/etc/systemd/system/ctl-simple.service.d/a.conf",
                           "/run/systemd/system/service.d/b.conf");
        bus_message_append(m, "{sv}", "UnitFileState", "s", "disabled");
        bus_message_append(m, "{sv}", "UnitFilePreset", "s", "enabled");
        bus_message_append(m, "{sv}", "ActiveEnterTimestamp", "t", T0);
        bus_message_append(m, "{sv}", "MainPID", "u", 42);
        bus_message_append(m, "{sv}", "ExecMainPID", "u", 42);
        bus_message_append(m, "{sv}", "TasksCurrent", "t", UINT64_C(3));
        bus_message_append(m, "{sv}", "TasksMax", "t", UINT64_C(4915));
        bus_message_append(m, "{sv}", "MemoryCurrent", "t", UINT64_C(176128));
        bus_message_append(m, "{sv}", "MemoryMax", "t", UINT64_C(1048576));
        bus_message_append(m, "{sv}", "ControlGroup", "s", "/system.slice/ctl-simple.service");
        parse(&s, m);
        CtlProcess procs[] = {
                { (char *) "/system.slice/ctl-simple.service", 42, (char *) "/bin/sleep infinity" },
                { (char *) "/system.slice/ctl-simple.service/sub", 1234, (char *) "worker" },
                { (char *) "/system.slice/ctl-simple.service", 7, (char *) "helper" },
        };
        CtlStatusEnv env = { .now = T0 + 3600 * UINT64_C(1000000), .utf8 = false, .procs = procs, .n_procs = 3,
                             .comm = fake_comm };
        _cleanup_free_ char *out = render(&s, &env);
        assert_string_equal(out,
                "* ctl-simple.service - ctl test simple service\n"
                "     Loaded: loaded (/etc/systemd/system/ctl-simple.service; disabled; preset: enabled)\n"
                "    Drop-In: /etc/systemd/system/ctl-simple.service.d\n"
                "             `-a.conf\n"
                "             /run/systemd/system/service.d\n"
                "             `-b.conf\n"
                "     Active: active (running) since Mon 2026-11-23 11:49:16 UTC; 1h 0min ago\n"
                "   Main PID: 42 (sleep)\n"
                "      Tasks: 3 (limit: 4915)\n"
                "     Memory: 172.0K (max: 1.0M)\n"
                "     CGroup: /system.slice/ctl-simple.service\n"
                "             |- 7 helper\n"
                "             |-42 /bin/sleep infinity\n"
                "             `-sub\n"
                "               `-1234 worker\n");
        ctl_unit_status_done(&s);
}

static void test_failed_not_found_and_colors(void **state) {
        (void) state;
        CtlUnitStatus s;
        BusMessage *m = new_props();
        bus_message_append(m, "{sv}", "Id", "s", "ctl-fail.service");
        bus_message_append(m, "{sv}", "Description", "s", "ctl-fail.service");
        bus_message_append(m, "{sv}", "LoadState", "s", "loaded");
        bus_message_append(m, "{sv}", "ActiveState", "s", "failed");
        bus_message_append(m, "{sv}", "SubState", "s", "failed");
        bus_message_append(m, "{sv}", "Result", "s", "exit-code");
        bus_message_append(m, "{sv}", "FragmentPath", "s", "/etc/systemd/system/ctl-fail.service");
        bus_message_append(m, "{sv}", "UnitFileState", "s", "static");
        bus_message_append(m, "{sv}", "UnitFilePreset", "s", "enabled");
        bus_message_append(m, "{sv}", "InactiveEnterTimestamp", "t", T0);
        bus_message_append(m, "{sv}", "ActiveEnterTimestamp", "t", T0 - 2000000);
        bus_message_append(m, "{sv}", "ActiveExitTimestamp", "t", T0 - 1000000);
        bus_message_append(m, "{sv}", "TriggeredBy", "as", 1, "ctl-timer.timer");
        parse(&s, m);
        const char *states[] = { "active", NULL };
        CtlStatusEnv env = { .now = T0 + UINT64_C(5000000), .utf8 = true, .colors = true, .triggered_by_states = states };
        _cleanup_free_ char *out = render(&s, &env);
        assert_string_equal(out,
                "\x1B[0;1;31m\u00d7\x1B[0m ctl-fail.service\n"
                /* 252 prints the preset's colour codes even when it hides the preset */
                "     Loaded: loaded (/etc/systemd/system/ctl-fail.service; static\x1B[0;1;32m\x1B[0m)\n"
                "     Active: \x1B[0;1;31mfailed\x1B[0m (Result: exit-code) since Mon 2026-11-23 11:49:16 UTC; 5s ago\n"
                "   Duration: 1s\n"
                "TriggeredBy: \x1B[0;1;32m\u25cf\x1B[0m ctl-timer.timer\n");
        assert_int_equal(ctl_status_exit_code(s.active_state), 3);
        ctl_unit_status_done(&s);
}

static void test_glyphs(void **state) {
        (void) state;
        assert_int_equal(ctl_active_state_glyph("active"), CTL_GLYPH_BLACK_CIRCLE);
        assert_int_equal(ctl_active_state_glyph("inactive"), CTL_GLYPH_WHITE_CIRCLE);
        assert_int_equal(ctl_active_state_glyph("failed"), CTL_GLYPH_MULTIPLICATION_SIGN);
        assert_int_equal(ctl_active_state_glyph("reloading"), CTL_GLYPH_CIRCLE_ARROW);
        assert_int_equal(ctl_active_state_glyph("activating"), CTL_GLYPH_BLACK_CIRCLE);
        assert_string_equal(ctl_glyph(CTL_GLYPH_TREE_BRANCH, false), "|-");
        assert_string_equal(ctl_glyph(CTL_GLYPH_TREE_RIGHT, true), "\u2514\u2500");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_oneshot_exited),
                cmocka_unit_test(test_running_with_processes),
                cmocka_unit_test(test_failed_not_found_and_colors),
                cmocka_unit_test(test_glyphs),
        };
        setenv("TZ", "UTC", 1);
        tzset();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
