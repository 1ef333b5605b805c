/* SPDX-License-Identifier: MIT */
/* Exec*= command lines and the systemd.exec/kill/resource-control directives, each case pinned
 * to systemd 252's behaviour (systemd.service(5) "Command lines", systemd.exec(5)); formats
 * checked against `systemctl show` of systemd 252 (tests/data/reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/resource.h>
#include "base/strv.h"
#include "log-capture.h"
#include "show-capture.h"
#include "unit/load.h"

static Unit *load(const char *name, const char *text) {
        Unit *u = unit_new(name);
        assert_non_null(u);
        (void)unit_load_from_buffer(u, name, text, strlen(text));
        return u;
}

static ExecCommand *start(Unit *u) {
        return u->service->exec_command[SERVICE_EXEC_START];
}

static void test_prefixes(void **state) {
        (void)state;
        Unit *u = load("a.service", "[Service]\nType=oneshot\nExecStart=-/bin/a\nExecStart=@/bin/b argv0 x\n"
                                    "ExecStart=+/bin/c\nExecStart=!!/bin/d\nExecStart=:-!/bin/e\n");
        ExecCommand *c = start(u);
        assert_int_equal(c->flags, EXEC_COMMAND_IGNORE_FAILURE);
        c = c->next;  /* '@': path is the file, argv[0] the next word */
        assert_string_equal(c->path, "/bin/b");
        assert_string_equal(c->argv[0], "argv0");
        assert_string_equal(c->argv[1], "x");
        c = c->next;
        assert_int_equal(c->flags, EXEC_COMMAND_FULLY_PRIVILEGED);
        c = c->next;
        assert_int_equal(c->flags, EXEC_COMMAND_AMBIENT_MAGIC);
        c = c->next;
        assert_int_equal(c->flags, EXEC_COMMAND_NO_ENV_EXPAND | EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_NO_SETUID);
        char *f = exec_command_flags_to_string(c->flags);
        assert_string_equal(f, "ignore-failure no-setuid no-env-expand");
        free(f);
        unit_free(u);
}

static void test_quoting_and_separators(void **state) {
        (void)state;
        /* quotes group words; "\;" is a literal ';' argument; a lone ';' separates commands;
         * $VAR stays for exec time */
        Unit *u = load("q.service", "[Service]\nType=oneshot\n"
                                    "ExecStart=/bin/echo \"a b\" 'c d' \\; $X ${Y} ; /bin/true\n");
        ExecCommand *c = start(u);
        const char *want[] = { "/bin/echo", "a b", "c d", ";", "$X", "${Y}" };
        assert_int_equal(strv_length(c->argv), ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) assert_string_equal(c->argv[i], want[i]);
        assert_non_null(c->next);
        assert_string_equal(c->next->path, "/bin/true");
        assert_null(c->next->next);
        unit_free(u);
}

static void test_specifiers_and_relative(void **state) {
        (void)state;
        Unit *u = load("inst@tty1.service", "[Service]\nExecStart=agetty %I %%n\n");
        ExecCommand *c = start(u);
        assert_string_equal(c->path, "agetty");  /* a bare name is searched at exec time (252) */
        assert_string_equal(c->argv[1], "tty1");
        assert_string_equal(c->argv[2], "%n");
        unit_free(u);
}

static void test_bad_paths(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load("b.service", "[Service]\nExecStart=/bin/dir/\n");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_non_null(strstr(log_captured(), "Executable path specifies a directory"));
        unit_free(u);
        /* with '-' the same line is ignored and the unit may still load via another setting */
        u = load("c.service", "[Service]\nExecStart=-./x\nExecStart=/bin/true\n");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(start(u)->path, "/bin/true");
        unit_free(u);
        log_capture_stop();
}

static void test_reset_and_show(void **state) {
        (void)state;
        Unit *u = load("n.service", "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n"
                                    "ExecStop=-/sbin/start-stop-daemon --quiet\nExecStart=\n"
                                    "ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n");
        char *s = show_section(u, "ExecStart", "ExecStart");
        /* exactly as systemd 252 prints it: argv unquoted */
        assert_string_equal(s, "ExecStart={ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on; master_process on; ; "
                               "ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n");
        free(s);
        s = show_section(u, "ExecStopEx", "ExecStopEx");
        assert_non_null(strstr(s, "; flags=ignore-failure ;"));
        free(s);
        unit_free(u);
}

static void test_environment(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load("e.service", "[Service]\nExecStart=/bin/true\nEnvironment=\"A=1 2\" B=x\n"
                                    "Environment=A=3 1BAD=y\nEnvironmentFile=-/etc/default/e\nEnvironmentFile=/etc/e\n");
        ExecContext *c = unit_exec_context(u);
        /* a later assignment of A replaces the earlier one; an invalid name is skipped */
        assert_int_equal(strv_length(c->environment), 2);
        assert_string_equal(c->environment[0], "B=x");
        assert_string_equal(c->environment[1], "A=3");
        assert_non_null(strstr(log_captured(), "Invalid environment assignment, ignoring: 1BAD=y"));
        assert_string_equal(c->environment_files[0], "-/etc/default/e");
        char *s = show_all(u);
        assert_non_null(strstr(s, "\nEnvironmentFiles=/etc/default/e (ignore_errors=yes)\nEnvironmentFiles=/etc/e (ignore_errors=no)\n"));
        free(s);
        unit_free(u);
        /* quoting in show: items with spaces or $ are double-quoted with \ " ` $ escaped */
        u = load("f.service", "[Service]\nExecStart=/bin/true\nEnvironment=\"A=x y\" \"B=$z\" C=\n");
        s = show_all(u);
        assert_non_null(strstr(s, "Environment=\"A=x y\" \"B=\\$z\" C=\n"));
        free(s);
        unit_free(u);
        log_capture_stop();
}

static void test_working_directory_and_user(void **state) {
        (void)state;
        Unit *u = load("w.service", "[Service]\nExecStart=/bin/true\nWorkingDirectory=-/root\nUser=www-data\nGroup=33\n");
        ExecContext *c = unit_exec_context(u);
        assert_string_equal(c->working_directory, "/root");
        assert_true(c->working_directory_missing_ok);
        char *s = show_all(u);
        assert_non_null(strstr(s, "\nWorkingDirectory=!/root\n"));  /* 252 shows '-' as '!' */
        assert_non_null(strstr(s, "\nUser=www-data\nGroup=33\n"));
        free(s);
        unit_free(u);
        log_capture_start();
        /* 252 accepts a name outside the strict rules, with a notice (systemd-analyze verify:
         * "Accepting user/group name 'bad user!', which does not match strict ... rules.") */
        u = load("x.service", "[Service]\nExecStart=/bin/true\nUser=bad user!\n");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(unit_exec_context(u)->user, "bad user!");
        unit_free(u);
        log_capture_stop();
}

static void test_limits_caps_output(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load("l.service", "[Service]\nExecStart=/bin/true\nLimitNOFILE=1024:4096\nLimitCORE=infinity\n"
                                    "LimitCPU=2min\nLimitNICE=-5\nLimitNPROC=5:4\n"
                                    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE cap_chown\nAmbientCapabilities=~CAP_SYS_ADMIN\n"
                                    "StandardOutput=append:/var/log/l.log\nStandardError=bogus\nUMask=0077\n");
        ExecContext *c = unit_exec_context(u);
        assert_int_equal(c->rlimit[RLIMIT_NOFILE]->rlim_cur, 1024);
        assert_int_equal(c->rlimit[RLIMIT_NOFILE]->rlim_max, 4096);
        assert_true(c->rlimit[RLIMIT_CORE]->rlim_max == RLIM_INFINITY);
        assert_int_equal(c->rlimit[RLIMIT_CPU]->rlim_cur, 120);
        assert_int_equal(c->rlimit[RLIMIT_NICE]->rlim_cur, 25);   /* nice -5 → 20 - (-5) */
        assert_null(c->rlimit[RLIMIT_NPROC]);                     /* soft above hard: ignored */
        assert_non_null(strstr(log_captured(), "Soft resource limit chosen higher than hard limit"));
        assert_true(c->capability_bounding_set == ((UINT64_C(1) << 10) | 1));
        /* "~X" as the first assignment means every capability but X (systemd-analyze dump, 252) */
        assert_true(c->capability_ambient_set == ~(UINT64_C(1) << 21));
        assert_int_equal(c->std_output, EXEC_OUTPUT_FILE_APPEND);
        assert_string_equal(c->stdio_file[1], "/var/log/l.log");
        assert_int_equal(c->std_error, EXEC_OUTPUT_INHERIT);      /* invalid value ignored */
        assert_non_null(strstr(log_captured(), "l.service:11: Failed to parse output specifier, ignoring: bogus"));
        assert_int_equal(c->umask, 077);
        unit_free(u);
        log_capture_stop();
}

static void test_kill_and_cgroup(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load("k.service", "[Service]\nExecStart=/bin/true\nKillMode=mixed\nKillSignal=SIGQUIT\n"
                                    "SendSIGKILL=no\nMemoryMax=1G\nCPUQuota=20%\nTasksMax=infinity\nSlice=x.service\n");
        KillContext *k = unit_kill_context(u);
        assert_int_equal(k->kill_mode, KILL_MIXED);
        assert_int_equal(k->kill_signal, SIGQUIT);
        assert_false(k->send_sigkill);
        const CGroupContext *cg = unit_cgroup_context(u);
        assert_true(cg->memory_max == UINT64_C(1) << 30);
        assert_true(cg->cpu_quota_per_sec_usec == 200000);
        assert_true(cg->tasks_max_set && cg->tasks_max == UINT64_MAX);
        assert_null(cg->slice);  /* not a .slice name: ignored, the default stays */
        assert_string_equal(unit_slice(u), "system.slice");
        char *s = show_all(u);
        assert_non_null(strstr(s, "Slice=system.slice\nControlGroup=\n"));
        assert_non_null(strstr(s, "\nMemoryMax=1073741824\n"));
        free(s);
        unit_free(u);
        /* no resource-control setting: no context of its own, the defaults show */
        u = load("plain.service", "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n");
        assert_ptr_equal(unit_cgroup_context(u), cgroup_context_default());
        assert_null(u->service->cgroup);
        s = show_section(u, "Delegate", "RestrictNetworkInterfaces");
        assert_true(startswith(s, "Delegate=no\nDelegateControllers=\nCPUAccounting=yes\nCPUWeight=[not set]\n"));
        assert_non_null(strstr(s, "\nMemoryAccounting=yes\nDefaultMemoryLow=0\nDefaultMemoryMin=0\nMemoryMin=0\n"));
        free(s);
        unit_free(u);
        u = load("clock.service", "[Service]\nExecStart=/bin/true\nProtectClock=yes\nPrivateDevices=yes\n");
        assert_non_null(u->service->cgroup);   /* implied DeviceAllow= and DevicePolicy= */
        assert_int_equal(u->service->cgroup->device_policy, 1);
        assert_true(strv_contains(u->service->cgroup->device_allow, "char-rtc r"));
        unit_free(u);
        u = load("k.service", "[Service]\nExecStart=/bin/true\nKillMode=mixed\nKillSignal=SIGQUIT\n"
                              "SendSIGKILL=no\n");
        k = unit_kill_context(u);
        s = show_all(u);
        assert_non_null(strstr(s, "KillMode=mixed\nKillSignal=3\n"));
        free(s);
        unit_free(u);
        /* KillMode=none is accepted with 252's deprecation warning */
        u = load("n.service", "[Service]\nExecStart=/bin/true\nKillMode=none\n");
        assert_non_null(strstr(log_captured(), "Unit uses KillMode=none. This is unsafe"));
        unit_free(u);
        log_capture_stop();
}

static void test_dynamic_user_implies(void **state) {
        (void)state;
        Unit *u = load("d.service", "[Service]\nExecStart=/bin/true\nDynamicUser=yes\nStateDirectory=d\n");
        ExecContext *c = unit_exec_context(u);
        assert_true(c->private_tmp);
        assert_int_equal(c->protect_system, PROTECT_SYSTEM_STRICT);
        assert_int_equal(c->protect_home, PROTECT_HOME_READ_ONLY);
        assert_true(strv_contains(u->unit.requires_mounts_for, "/var/lib/d"));
        assert_true(strv_contains(u->unit.requires_mounts_for, "/var/tmp"));
        assert_true(unit_has_dependency(u, UNIT_AFTER, "systemd-tmpfiles-setup.service"));
        assert_true(unit_has_dependency(u, UNIT_AFTER, "-.mount"));
        unit_free(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_prefixes),
                cmocka_unit_test(test_quoting_and_separators),
                cmocka_unit_test(test_specifiers_and_relative),
                cmocka_unit_test(test_bad_paths),
                cmocka_unit_test(test_reset_and_show),
                cmocka_unit_test(test_environment),
                cmocka_unit_test(test_working_directory_and_user),
                cmocka_unit_test(test_limits_caps_output),
                cmocka_unit_test(test_kill_and_cgroup),
                cmocka_unit_test(test_dynamic_user_implies),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
