/* SPDX-License-Identifier: MIT */
/* systemctl show's property formatting; expected strings are systemctl 252's output for the same
 * D-Bus values (captured from Debian's systemctl against systemd 252). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "base/util.h"
#include "bus/bus-message.h"
#include "cli/systemctl-print.h"

static BusMessage *new_props(void) {
        BusMessage *m = NULL;
        assert_int_equal(bus_message_new_method_call(&m, "a.b", "/a", "a.b", "X"), 0);
        assert_int_equal(bus_message_open_container(m, 'a', "{sv}"), 0);
        return m;
}

static char *print_all(BusMessage *m, char **filter, CtlPrintFlags flags, int *ret) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);

        assert_non_null(f);
        assert_int_equal(bus_message_close_container(m), 0);
        assert_int_equal(bus_message_seal(m, 1), 0);
        *ret = ctl_print_all_properties(f, m, filter, flags, NULL);
        fclose(f);
        return out;
}

static void check(BusMessage *m, char **filter, CtlPrintFlags flags, const char *expected) {
        int r;
        _cleanup_free_ char *out = print_all(m, filter, flags, &r);
        assert_int_equal(r, 0);
        assert_string_equal(out, expected);
        bus_message_free(m);
}

static void test_basic_types(void **state) {
        (void) state;
        BusMessage *m = new_props();
        bus_message_append(m, "{sv}", "Id", "s", "ctl-fail.service");
        bus_message_append(m, "{sv}", "Description", "s", "");
        bus_message_append(m, "{sv}", "Multi", "s", "a\nb");
        bus_message_append(m, "{sv}", "Delegate", "b", 0);
        bus_message_append(m, "{sv}", "UMask", "u", 022);
        bus_message_append(m, "{sv}", "UID", "u", UINT32_MAX);
        bus_message_append(m, "{sv}", "TimeoutStartUSec", "t", UINT64_MAX);
        bus_message_append(m, "{sv}", "RestartUSec", "t", UINT64_C(100000));
        bus_message_append(m, "{sv}", "LimitNOFILE", "t", UINT64_C(524288));
        bus_message_append(m, "{sv}", "LimitCORE", "t", UINT64_MAX);
        bus_message_append(m, "{sv}", "MemoryCurrent", "t", UINT64_MAX);
        bus_message_append(m, "{sv}", "CPUWeight", "t", UINT64_MAX);
        bus_message_append(m, "{sv}", "TasksMax", "t", UINT64_C(28909));
        bus_message_append(m, "{sv}", "CoredumpFilter", "t", UINT64_C(0x33));
        bus_message_append(m, "{sv}", "IPIngressBytes", "t", UINT64_MAX);
        bus_message_append(m, "{sv}", "ExecMainStartTimestamp", "t", UINT64_C(0));
        bus_message_append(m, "{sv}", "StateChangeTimestamp", "t", UINT64_C(1795434556242694));
        bus_message_append(m, "{sv}", "NUMAPolicy", "i", -1);
        bus_message_append(m, "{sv}", "OOMScoreAdjust", "i", -5);
        bus_message_append(m, "{sv}", "SuccessActionExitStatus", "i", -1);
        bus_message_append(m, "{sv}", "RestrictNamespaces", "t", UINT64_MAX);
        bus_message_append(m, "{sv}", "TTYRows", "q", 0);
        bus_message_append(m, "{sv}", "ExitCode", "y", 0);
        check(m, NULL, 0,
              "Id=ctl-fail.service\n"
              "Multi=[unprintable]\n"
              "Delegate=no\n"
              "UMask=0022\n"
              "UID=[not set]\n"
              "TimeoutStartUSec=infinity\n"
              "RestartUSec=100ms\n"
              "LimitNOFILE=524288\n"
              "LimitCORE=infinity\n"
              "MemoryCurrent=[not set]\n"
              "CPUWeight=[not set]\n"
              "TasksMax=28909\n"
              "CoredumpFilter=0x33\n"
              "IPIngressBytes=[no data]\n"
              "StateChangeTimestamp=Mon 2026-11-23 11:49:16 UTC\n"
              "NUMAPolicy=n/a\n"
              "OOMScoreAdjust=-5\n"
              "RestrictNamespaces=no\n");
}

static void test_show_empty_and_value(void **state) {
        (void) state;
        BusMessage *m = new_props();
        char *filter[] = { (char *) "Description", (char *) "Environment", (char *) "TTYRows",
                           (char *) "ExecMainStartTimestamp", (char *) "SuccessActionExitStatus", NULL };
        bus_message_append(m, "{sv}", "Id", "s", "x.service");
        bus_message_append(m, "{sv}", "Description", "s", "");
        bus_message_append(m, "{sv}", "Environment", "as", 0);
        bus_message_append(m, "{sv}", "TTYRows", "q", 0);
        bus_message_append(m, "{sv}", "ExecMainStartTimestamp", "t", UINT64_C(0));
        bus_message_append(m, "{sv}", "SuccessActionExitStatus", "i", -1);
        check(m, filter, CTL_PRINT_SHOW_EMPTY,
              "Description=\nEnvironment=\nTTYRows=[unprintable]\nExecMainStartTimestamp=\nSuccessActionExitStatus=[not set]\n");

        m = new_props();
        char *filter2[] = { (char *) "ActiveState", (char *) "Environment", NULL };
        bus_message_append(m, "{sv}", "ActiveState", "s", "active");
        bus_message_append(m, "{sv}", "Environment", "as", 2, "FOO=bar", "BAZ=a b");
        check(m, filter2, CTL_PRINT_SHOW_EMPTY | CTL_PRINT_ONLY_VALUE, "active\nFOO=bar \"BAZ=a b\"\n");

        /* NAME=VALUE filters print the property only when it has that value */
        m = new_props();
        char *filter3[] = { (char *) "ActiveState=active", (char *) "SubState=dead", NULL };
        bus_message_append(m, "{sv}", "ActiveState", "s", "active");
        bus_message_append(m, "{sv}", "SubState", "s", "running");
        check(m, filter3, CTL_PRINT_SHOW_EMPTY, "ActiveState=active\n");
}

static void test_structs(void **state) {
        (void) state;
        BusMessage *m = new_props();
        bus_message_append(m, "{sv}", "Job", "(uo)", 0, "/");
        bus_message_append(m, "{sv}", "Unit", "(so)", "ctl-fail.service", "/org/freedesktop/systemd1/unit/ctl_2dfail_2eservice");
        bus_message_append(m, "{sv}", "LoadError", "(ss)", "org.freedesktop.systemd1.NoSuchUnit", "Unit nonexist.service not found.");
        bus_message_append(m, "{sv}", "SystemCallFilter", "(bas)", 0, 0);
        bus_message_append(m, "{sv}", "SELinuxContext", "(bs)", 1, "ctx");
        bus_message_append(m, "{sv}", "SuccessExitStatus", "(aiai)", 2, 0, 75, 1, 15);
        check(m, NULL, CTL_PRINT_SHOW_EMPTY,
              "Job=\n"
              "Unit=ctl-fail.service\n"
              "LoadError=org.freedesktop.systemd1.NoSuchUnit \"Unit nonexist.service not found.\"\n"
              "SystemCallFilter=~\n"
              "SELinuxContext=-ctx\n"
              "SuccessExitStatus=0 75 TERM\n");
}

static void test_struct_arrays(void **state) {
        (void) state;
        BusMessage *m = new_props();
        bus_message_append(m, "{sv}", "ExecStart", "a(sasbttttuii)", 1, "/bin/false", 1, "/bin/false", 0,
                           UINT64_C(0), UINT64_C(0), UINT64_C(0), UINT64_C(0), 0, 0, 0);
        bus_message_append(m, "{sv}", "ExecStartEx", "a(sasasttttuii)", 1, "/bin/false", 1, "/bin/false", 0,
                           UINT64_C(0), UINT64_C(0), UINT64_C(0), UINT64_C(0), 0, 0, 0);
        bus_message_append(m, "{sv}", "ExecStop", "a(sasbttttuii)", 1, "/bin/kill", 2, "/bin/kill", "-HUP", 1,
                           UINT64_C(1795434556242694), UINT64_C(1), UINT64_C(1795434556242694), UINT64_C(2), 42, 2, 9);
        bus_message_append(m, "{sv}", "Listen", "a(ss)", 2, "Stream", "/run/ctl-test.sock", "Datagram", "/run/d");
        bus_message_append(m, "{sv}", "TimersCalendar", "a(sst)", 1, "OnCalendar", "2099-01-01 00:00:00", UINT64_MAX);
        bus_message_append(m, "{sv}", "TimersMonotonic", "a(stt)", 1, "OnBootUSec", UINT64_C(60000000), UINT64_C(0));
        bus_message_append(m, "{sv}", "EnvironmentFiles", "a(sb)", 1, "/etc/default/x", 1);
        bus_message_append(m, "{sv}", "IPAddressAllow", "a(iayu)", 1, 2, 4, 10, 0, 0, 0, 8);
        bus_message_append(m, "{sv}", "IPAddressDeny", "a(iayu)", 0);
        bus_message_append(m, "{sv}", "SocketBindAllow", "a(iiqq)", 2, 2, 6, 1, 80, 0, 0, 0, 0);
        bus_message_append(m, "{sv}", "BindPaths", "a(ssbt)", 2, "/a", "/b", 1, UINT64_C(16384), "/c", "", 0, UINT64_C(0));
        bus_message_append(m, "{sv}", "Unknown", "a(ii)", 1, 1, 2);
        check(m, NULL, CTL_PRINT_SHOW_EMPTY,
              "ExecStart={ path=/bin/false ; argv[]=/bin/false ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n"
              "ExecStartEx={ path=/bin/false ; argv[]=/bin/false ; flags= ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n"
              "ExecStop={ path=/bin/kill ; argv[]=/bin/kill -HUP ; ignore_errors=yes ; start_time=[Mon 2026-11-23 11:49:16 UTC] ; stop_time=[Mon 2026-11-23 11:49:16 UTC] ; pid=42 ; code=killed ; status=9/KILL }\n"
              "Listen=/run/ctl-test.sock (Stream)\n"
              "Listen=/run/d (Datagram)\n"
              "TimersCalendar={ OnCalendar=2099-01-01 00:00:00 ; next_elapse=(null) }\n"
              "TimersMonotonic={ OnBootUSec=1min ; next_elapse=0 }\n"
              "EnvironmentFiles=/etc/default/x (ignore_errors=yes)\n"
              "IPAddressAllow=10.0.0.0/8\n"
              "IPAddressDeny=\n"
              "SocketBindAllow=ipv4:tcp80\n"
              "SocketBindAllow=any\n"
              "BindPaths=-/a:/b:rbind /c\n"
              "Unknown=[unprintable]\n");
}

static void test_names(void **state) {
        (void) state;
        char b[16];
        assert_string_equal(ctl_exit_status_to_string(0), "SUCCESS");
        assert_string_equal(ctl_exit_status_to_string(203), "EXEC");
        assert_string_equal(ctl_exit_status_to_string(231), "APPARMOR");
        assert_null(ctl_exit_status_to_string(2));   /* LSB codes are not named by status */
        assert_null(ctl_exit_status_to_string(223));
        assert_string_equal(ctl_sigchld_code_to_string(1), "exited");
        assert_null(ctl_sigchld_code_to_string(0));
        assert_string_equal(ctl_signal_name(15, b), "TERM");
        assert_string_equal(ctl_signal_name(0, b), "0");
}

static void test_malformed(void **state) {
        (void) state;
        int r;
        BusMessage *m = NULL;
        assert_int_equal(bus_message_new_method_call(&m, "a.b", "/a", "a.b", "X"), 0);
        assert_int_equal(bus_message_append(m, "s", "not a dict"), 0);
        assert_int_equal(bus_message_seal(m, 1), 0);
        FILE *f = fopen("/dev/null", "w");
        r = ctl_print_all_properties(f, m, NULL, 0, NULL);
        fclose(f);
        assert_true(r < 0);
        bus_message_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_basic_types),
                cmocka_unit_test(test_show_empty_and_value),
                cmocka_unit_test(test_structs),
                cmocka_unit_test(test_struct_arrays),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_malformed),
        };
        setenv("TZ", "UTC", 1);
        tzset();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
