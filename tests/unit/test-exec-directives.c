/* SPDX-License-Identifier: MIT */
/* systemd.exec(5), systemd.kill(5), systemd.resource-control(5) directives (exec-directives.c,
 * exec-config.c, exec-show.c). Each warning text and fatal/ignored outcome was compared with
 * `systemd-analyze verify` of Debian 12's systemd 252 on the same line; defaults and show
 * values with tests/data/reference (nginx.service.show and others). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "base/strv.h"
#include "log-capture.h"
#include "show-capture.h"
#include "unit/load.h"

static Unit *load_text(const char *body) {
        char text[4096];
        snprintf(text, sizeof text, "[Service]\nExecStart=/bin/true\n%s", body);
        log_capture_start();
        Unit *u = unit_new("t.service");
        assert_non_null(u);
        (void)unit_load_from_buffer(u, "t.service", text, strlen(text));
        return u;
}

static void done(Unit *u) {
        unit_free(u);
        log_capture_stop();
}

#define assert_logged(s) do { if (!strstr(log_captured(), (s))) fail_msg("not logged: %s\nlog:\n%s", (s), log_captured()); } while (0)
#define assert_quiet() do { if (*log_captured()) fail_msg("unexpected log:\n%s", log_captured()); } while (0)

/* One invalid line: the exact 252 warning (on line 3), and whether the unit still loads. */
static void check_invalid(const char *line, const char *msg, bool fatal) {
        char body[512];
        snprintf(body, sizeof body, "%s\n", line);
        Unit *u = load_text(body);
        if (u->load_state != (fatal ? UNIT_BAD_SETTING : UNIT_LOADED)) fail_msg("%s: load state %d", line, u->load_state);
        char want[600];
        snprintf(want, sizeof want, "t.service:3: %s\n", msg);
        assert_logged(want);
        done(u);
}

static char *show(Unit *u) { return show_all(u); }

#define assert_shows(s, line) do { if (!strstr((s), "\n" line "\n")) fail_msg("not shown: %s\n%s", line, (s)); } while (0)

static void test_defaults_as_reference(void **state) {
        (void)state;
        Unit *u = load_text("");
        ExecContext *c = unit_exec_context(u);
        assert_int_equal(c->umask, 0022);
        assert_int_equal(c->std_input, EXEC_INPUT_NULL);
        assert_int_equal(c->std_output, EXEC_OUTPUT_JOURNAL);
        assert_int_equal(c->std_error, EXEC_OUTPUT_INHERIT);
        assert_int_equal(c->keyring_mode, EXEC_KEYRING_PRIVATE);   /* services; sockets keep "shared" */
        KillContext *k = unit_kill_context(u);
        assert_int_equal(k->kill_mode, KILL_CONTROL_GROUP);
        assert_int_equal(k->kill_signal, SIGTERM);
        assert_int_equal(k->final_kill_signal, SIGKILL);
        assert_int_equal(k->watchdog_signal, SIGABRT);
        assert_true(k->send_sigkill);
        assert_false(k->send_sighup);
        char *s = show(u);
        /* lines copied from tests/data/reference/nginx-common/nginx.service.show */
        static const char *const lines[] = {
                "Delegate=no", "DelegateControllers=", "CPUAccounting=yes", "CPUWeight=[not set]", "CPUQuotaPerSecUSec=infinity",
                "IOAccounting=no", "BlockIOWeight=[not set]", "MemoryAccounting=yes", "DefaultMemoryLow=0", "MemoryMin=0",
                "MemoryHigh=infinity", "MemoryLimit=infinity", "DevicePolicy=auto", "TasksAccounting=yes", "IPAddressDeny=",
                "ManagedOOMSwap=auto", "ManagedOOMMemoryPressureLimit=0", "ManagedOOMPreference=none",
                "RestrictNetworkInterfaces=~", "Environment=", "UMask=0022", "LimitNOFILE=524288", "LimitNOFILESoft=1024",
                "LimitMEMLOCK=8388608", "WorkingDirectory=", "RootHashPath=", "CoredumpFilter=0x33", "Nice=0",
                "IOSchedulingClass=2", "IOSchedulingPriority=4", "CPUAffinityFromNUMA=no", "NUMAPolicy=n/a",
                "TimerSlackNSec=50000", "NonBlocking=no", "StandardInput=null", "StandardInputFileDescriptorName=",
                "StandardInputData=", "StandardOutput=journal", "StandardError=inherit", "TTYRows=[unprintable]",
                "SyslogPriority=30", "SyslogLevelPrefix=yes", "SyslogLevel=6", "SyslogFacility=3", "LogLevelMax=-1",
                "LogRateLimitIntervalUSec=0", "SecureBits=0", "AmbientCapabilities=", "SetCredential=[unprintable]",
                "MountFlags=", "ProtectHome=no", "ProtectSystem=no", "SameProcessGroup=no", "UtmpMode=init",
                "IgnoreSIGPIPE=yes", "SystemCallFilter=~", "SystemCallErrorNumber=2147483646", "SystemCallLog=~",
                "Personality=", "RestrictAddressFamilies=~", "RuntimeDirectoryPreserve=no", "RuntimeDirectoryMode=0755",
                "TimeoutCleanUSec=infinity", "RestrictNamespaces=no", "RestrictFileSystems=~", "MountAPIVFS=no",
                "KeyringMode=private", "ProtectProc=default", "ProcSubset=all", "IPCNamespacePath=",
                "KillMode=control-group", "KillSignal=15", "RestartKillSignal=15", "FinalKillSignal=9", "SendSIGKILL=yes",
                "SendSIGHUP=no", "WatchdogSignal=6",
        };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                if (!strstr(s, lines[i])) fail_msg("default not shown: %s", lines[i]);
        assert_non_null(strstr(s, "\nCapabilityBoundingSet=cap_chown cap_dac_override "));
        assert_non_null(strstr(s, " cap_bpf cap_checkpoint_restore\n"));
        assert_null(strstr(s, "EnvironmentFiles="));   /* no line at all without files */
        free(s);
        done(u);
}

static void test_environment(void **state) {
        (void)state;
        Unit *u = load_text("Environment=\"A=1 2\" B=x 1BAD=y\nEnvironment=A=3 'C=$z'\nEnvironment=D=%n\n"
                            "EnvironmentFile=-/etc/default/e\nEnvironmentFile=/etc/e\nPassEnvironment=P 1Q P\n"
                            "UnsetEnvironment=U V=1 1W=2\n");
        ExecContext *c = unit_exec_context(u);
        const char *want[] = { "B=x", "A=3", "C=$z", "D=t.service" };   /* later A= replaces earlier */
        assert_int_equal(strv_length(c->environment), ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) assert_string_equal(c->environment[i], want[i]);
        assert_logged("t.service:3: Invalid environment assignment, ignoring: 1BAD=y\n");
        assert_logged("t.service:8: Invalid environment name for PassEnvironment, ignoring: 1Q\n");
        assert_logged("t.service:9: Invalid environment name or assignment UnsetEnvironment, ignoring: 1W=2\n");
        assert_int_equal(strv_length(c->pass_environment), 1);
        char *s = show(u);
        assert_shows(s, "Environment=B=x A=3 \"C=\\$z\" D=t.service");
        assert_shows(s, "EnvironmentFiles=/etc/default/e (ignore_errors=yes)\nEnvironmentFiles=/etc/e (ignore_errors=no)");
        assert_shows(s, "UnsetEnvironment=U V=1");
        free(s);
        done(u);
        check_invalid("Environment=\"A=1", "Invalid syntax, ignoring: \"A=1", false);
        check_invalid("Environment=A=%Z", "Failed to resolve specifiers in A=%Z, ignoring: Invalid slot", false);
        check_invalid("EnvironmentFile=-foo", "EnvironmentFile= path is not absolute, ignoring: foo", false);
        check_invalid("PassEnvironment=\"A", "Trailing garbage in PassEnvironment, ignoring: \"A", false);
}

static void test_working_directory(void **state) {
        (void)state;
        Unit *u = load_text("WorkingDirectory=-~\n");
        ExecContext *c = unit_exec_context(u);
        assert_true(c->working_directory_home && c->working_directory_missing_ok);
        char *s = show(u);
        assert_shows(s, "WorkingDirectory=!~");
        free(s);
        done(u);
        u = load_text("WorkingDirectory=/srv//x/\n");
        assert_string_equal(unit_exec_context(u)->working_directory, "/srv/x");
        done(u);
        check_invalid("WorkingDirectory=foo", "WorkingDirectory= path is not absolute: foo", true);
        check_invalid("WorkingDirectory=-foo", "WorkingDirectory= path is not absolute, ignoring: foo", false);
        check_invalid("WorkingDirectory=/a/../b", "WorkingDirectory= path is not normalized: /a/../b", true);
        check_invalid("WorkingDirectory=%Z", "Failed to resolve unit specifiers in working directory path '%Z': Invalid slot", true);
        check_invalid("RootDirectory=foo", "RootDirectory= path is not absolute: foo", true);
        check_invalid("RootDirectory=%Z", "Failed to resolve unit specifiers in '%Z': Invalid slot", true);
        check_invalid("TTYPath=foo", "TTYPath= path is not absolute, ignoring: foo", false);
}

static void test_user_group(void **state) {
        (void)state;
        /* 252's relaxed names: "bad user!" and "-x" load; ':' and '/' do not */
        Unit *u = load_text("User=bad user!\nGroup=0\nSupplementaryGroups=a b\nSupplementaryGroups=c\n");
        ExecContext *c = unit_exec_context(u);
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(c->user, "bad user!");
        assert_int_equal(strv_length(c->supplementary_groups), 3);
        done(u);
        check_invalid("User=a:b", "Invalid user/group name or numeric ID: a:b", true);
        check_invalid("Group=a/b", "Invalid user/group name or numeric ID: a/b", true);
        check_invalid("User=%Z", "Failed to resolve unit specifiers in %Z: Invalid slot", true);
        check_invalid("SupplementaryGroups=a:b c", "Invalid user/group name or numeric ID: a:b", true);
}

static void test_process_properties(void **state) {
        (void)state;
        Unit *u = load_text("Nice=-5\nOOMScoreAdjust=-900\nIOSchedulingClass=idle\nIOSchedulingPriority=7\n"
                            "CPUSchedulingPolicy=fifo\nCPUSchedulingPriority=50\nCPUAffinity=0-2 5,7\nCPUAffinity=3\n"
                            "UMask=0077\nCoredumpFilter=default private-dax\nTimerSlackNSec=1ms\nNUMAPolicy=bind\nNUMAMask=0-1\n");
        ExecContext *c = unit_exec_context(u);
        assert_quiet();
        assert_true(c->nice_set && c->nice == -5);
        assert_int_equal(c->oom_score_adjust, -900);
        assert_int_equal(c->ioprio_class, 3);
        assert_int_equal(c->cpu_sched_policy, 1);
        assert_int_equal(c->umask, 0077);
        assert_true(c->coredump_filter == 0xb3);
        assert_true(c->timer_slack_nsec == 1000000);
        char *s = show(u);
        assert_shows(s, "Nice=-5\nIOSchedulingClass=3\nIOSchedulingPriority=7");
        assert_shows(s, "CPUAffinity=0-3 5 7");
        assert_shows(s, "CoredumpFilter=0xb3");
        assert_shows(s, "NUMAPolicy=bind\nNUMAMask=0-1");
        assert_shows(s, "UMask=0077");
        free(s);
        done(u);
        check_invalid("Nice=50", "Nice priority out of range, ignoring: 50", false);
        check_invalid("Nice=x", "Failed to parse nice priority 'x', ignoring: Invalid argument", false);
        check_invalid("OOMScoreAdjust=2000", "OOM score adjust value out of range, ignoring: 2000", false);
        check_invalid("CoredumpFilter=0x33 bogus", "Failed to parse the CoredumpFilter=0x33 bogus, ignoring: Invalid argument", false);
        check_invalid("IOSchedulingPriority=8", "Failed to parse IO priority, ignoring: 8", false);
        check_invalid("CPUSchedulingPriority=100", "CPU scheduling priority is out of range, ignoring: 100", false);
        check_invalid("CPUAffinity=1-x", "Failed to parse CPU affinity '1-x'", false);
        check_invalid("NUMAMask=x", "Failed to parse NUMA node mask, ignoring: x", false);
        check_invalid("UMask=999", "Failed to parse mode value, ignoring: 999", false);
}

static void test_limits(void **state) {
        (void)state;
        Unit *u = load_text("LimitNOFILE=1024:4096\nLimitCORE=infinity\nLimitCPU=2min\nLimitNICE=-5\nLimitAS=1K:2M\n"
                            "LimitRTTIME=1s\nLimitNPROC=5:4\n");
        ExecContext *c = unit_exec_context(u);
        assert_int_equal(c->rlimit[RLIMIT_NOFILE]->rlim_cur, 1024);
        assert_int_equal(c->rlimit[RLIMIT_NOFILE]->rlim_max, 4096);
        assert_true(c->rlimit[RLIMIT_CORE]->rlim_max == RLIM_INFINITY);
        assert_int_equal(c->rlimit[RLIMIT_CPU]->rlim_cur, 120);          /* seconds */
        assert_int_equal(c->rlimit[RLIMIT_NICE]->rlim_cur, 25);          /* nice -5 → 20 - (-5) */
        assert_int_equal(c->rlimit[RLIMIT_AS]->rlim_max, 2 << 20);       /* base 1024 */
        assert_int_equal(c->rlimit[RLIMIT_RTTIME]->rlim_cur, 1000000);   /* microseconds */
        assert_null(c->rlimit[RLIMIT_NPROC]);
        assert_logged("t.service:9: Soft resource limit chosen higher than hard limit, ignoring: 5:4\n");
        char *s = show(u);
        assert_shows(s, "LimitNOFILE=4096\nLimitNOFILESoft=1024");
        free(s);
        done(u);
        check_invalid("LimitNICE=+50", "Failed to parse resource value, ignoring: +50", false);
        check_invalid("LimitNOFILE=1024:foo", "Failed to parse resource value, ignoring: 1024:foo", false);
}

static void test_capabilities_and_security(void **state) {
        (void)state;
        /* 252: unknown names are skipped silently; '~' inverts; a set at its initial value is
         * replaced, later ones are ORed in */
        Unit *u = load_text("CapabilityBoundingSet=CAP_NET_BIND_SERVICE cap_chown CAP_FOO\nCapabilityBoundingSet=CAP_KILL\n"
                            "AmbientCapabilities=~CAP_SYS_ADMIN\nSecureBits=keep-caps foo noroot\nNoNewPrivileges=yes\n"
                            "ProtectSystem=strict\nProtectHome=tmpfs\nPrivateDevices=yes\nProtectClock=yes\n");
        ExecContext *c = unit_exec_context(u);
        assert_quiet();
        assert_true(c->capability_bounding_set == ((UINT64_C(1) << 10) | (UINT64_C(1) << 5) | 1));
        assert_true(c->capability_ambient_set == ~(UINT64_C(1) << 21));
        assert_int_equal(c->secure_bits, (1 << 4) | 1);
        assert_int_equal(c->protect_system, PROTECT_SYSTEM_STRICT);
        assert_int_equal(c->protect_home, PROTECT_HOME_TMPFS);
        char *s = show(u);
        assert_shows(s, "CapabilityBoundingSet=cap_chown cap_kill cap_net_bind_service");
        /* PrivateDevices= and ProtectClock= imply the device policy (unit_patch_contexts) */
        assert_shows(s, "DevicePolicy=closed\nDeviceAllow=char-rtc r");
        assert_shows(s, "ProtectHome=tmpfs\nProtectSystem=strict");
        free(s);
        done(u);
        check_invalid("ProtectSystem=foo", "Failed to parse protect system value, ignoring: foo", false);
        check_invalid("ProtectHome=foo", "Failed to parse protect home value, ignoring: foo", false);
        check_invalid("NoNewPrivileges=foo", "Failed to parse boolean value, ignoring: foo", false);
        check_invalid("KeyringMode=foo", "Failed to parse keyring mode, ignoring: foo", false);
        check_invalid("ProtectProc=foo", "Failed to parse /proc/ protection mode, ignoring: foo", false);
        check_invalid("Personality=ppc64-le", "Failed to parse personality, ignoring: ppc64-le", false);
}

static void test_syscalls_and_families(void **state) {
        (void)state;
        Unit *u = load_text("SystemCallFilter=~@mount read:EPERM bogus\nSystemCallFilter=@foo\nSystemCallErrorNumber=EPERM\n"
                            "SystemCallArchitectures=native\nRestrictAddressFamilies=AF_UNIX AF_INET6 AF_INET AF_FOO\n"
                            "RestrictNamespaces=~net foo\nRestrictNamespaces=yes\nRestrictFileSystems=~@foo ext4\n");
        ExecContext *c = unit_exec_context(u);
        assert_false(c->system_call_filter.allow_list);
        assert_int_equal(strv_length(c->system_call_filter.items), 2);
        assert_logged("t.service:3: Failed to parse system call, ignoring: bogus\n");
        assert_logged("t.service:4: Unknown system call group, ignoring: @foo\n");
        assert_logged("t.service:7: Failed to parse address family, ignoring: AF_FOO\n");
        assert_logged("t.service:8: Failed to parse namespace type string, ignoring: net foo\n");
        assert_logged("t.service:10: bpf-lsm: Unknown filesystem group, ignoring: @foo\n");
        assert_true(c->restrict_namespaces_all);
        char *s = show(u);
        assert_shows(s, "SystemCallFilter=~@mount read:EPERM");
        assert_shows(s, "SystemCallErrorNumber=1");
        assert_shows(s, "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX");   /* sorted, as the reference */
        assert_shows(s, "RestrictNamespaces=yes");
        free(s);
        done(u);
        check_invalid("SystemCallFilter=read:EPERM", "Allow-listed system calls cannot take error number, ignoring: read:EPERM", false);
        check_invalid("SystemCallFilter=~read:9999", "Failed to parse syscall:errno, ignoring: read:9999", false);
        check_invalid("SystemCallErrorNumber=log", "Failed to parse error number, ignoring: log", false);
        check_invalid("SystemCallArchitectures=native foo", "Failed to parse system call architecture \"foo\", ignoring: Invalid argument", false);
        check_invalid("RestrictAddressFamilies=AF_INET none", "Failed to parse address family, ignoring: none", false);
}

static void test_stdio(void **state) {
        (void)state;
        Unit *u = load_text("StandardInput=fd:in\nStandardOutput=append:/var/log/x.log\nStandardError=fd\n"
                            "StandardInputText=a\\tb\nStandardInputData=Yw==\nTTYRows=40\n");
        ExecContext *c = unit_exec_context(u);
        assert_int_equal(c->std_input, EXEC_INPUT_NAMED_FD);
        assert_string_equal(c->stdio_file[0], "in");
        assert_int_equal(c->std_output, EXEC_OUTPUT_FILE_APPEND);
        assert_string_equal(c->stdio_file[1], "/var/log/x.log");
        assert_int_equal(c->stdin_data_size, 5);
        assert_memory_equal(c->stdin_data, "a\tb\nc", 5);
        char *s = show(u);
        assert_shows(s, "StandardInput=fd\nStandardInputFileDescriptorName=in\nStandardInputData=YQliCmM=");
        assert_shows(s, "StandardOutput=append\nStandardOutputFileDescriptorName=");   /* path not shown by 252 */
        assert_shows(s, "StandardError=fd\nStandardErrorFileDescriptorName=stderr");
        assert_shows(s, "TTYRows=[unprintable]");   /* "q": 252's systemctl prints no 16-bit value */
        free(s);
        done(u);
        check_invalid("StandardOutput=foo", "Failed to parse output specifier, ignoring: foo", false);
        check_invalid("StandardInput=file:foo", "StandardInput= path is not absolute: foo", false);
        check_invalid("StandardError=file:/a/../b", "StandardError= path is not normalized: /a/../b", false);
        check_invalid("StandardOutput=fd:%Z", "Failed to resolve unit specifiers in %Z: Invalid slot", false);
        check_invalid("StandardInputText=\\q", "Failed to decode C escaped text '\\q', ignoring: Invalid argument", false);
        check_invalid("StandardInputData=!!!", "Failed to decode base64 data, ignoring: !!!", false);
}

static void test_logging(void **state) {
        (void)state;
        Unit *u = load_text("SyslogIdentifier=%N\nSyslogFacility=local3\nSyslogLevel=warning\nLogLevelMax=debug\n"
                            "LogExtraFields=A=b \"C_D=e f\" foo _X=1\nLogNamespace=ns\nLogRateLimitBurst=5\n");
        ExecContext *c = unit_exec_context(u);
        assert_string_equal(c->syslog_identifier, "t");
        assert_int_equal(c->syslog_priority, (19 << 3) | 4);
        assert_int_equal(c->log_level_max, 7);
        assert_int_equal(strv_length(c->log_extra_fields), 2);
        assert_logged("t.service:7: Log field lacks '=' character, ignoring: foo\n");
        assert_logged("t.service:7: Log field name is invalid, ignoring: _X=1\n");
        char *s = show(u);
        assert_shows(s, "SyslogPriority=156\nSyslogIdentifier=t\nSyslogLevelPrefix=yes\nSyslogLevel=4\nSyslogFacility=19");
        assert_shows(s, "LogExtraFields=A=b C_D=e f");   /* joined by spaces, unquoted (252's systemctl-show.c) */
        free(s);
        done(u);
        check_invalid("SyslogFacility=foo", "Failed to parse log facility, ignoring: foo", false);
        check_invalid("LogLevelMax=8", "Failed to parse log level, ignoring: 8", false);
        check_invalid("SyslogIdentifier=%Z", "Failed to resolve unit specifiers in '%Z', ignoring: Invalid slot", false);
        check_invalid("LogNamespace=a/b", "Specified log namespace name is not valid, ignoring: a/b", false);
}

static void test_namespace_paths_and_directories(void **state) {
        (void)state;
        Unit *u = load_text("ReadWritePaths=-/var/lib/redis +/x //a//b/\nBindPaths=/a -/b:/c:norbind\n"
                            "TemporaryFileSystem=/run:ro\nStateDirectory=a/./b c:d\nRuntimeDirectoryMode=0700\n"
                            "RuntimeDirectoryPreserve=restart\nExecSearchPath=/a:/b\nMountFlags=slave\nMountAPIVFS=yes\n");
        ExecContext *c = unit_exec_context(u);
        assert_quiet();
        assert_string_equal(c->read_write_paths[2], "/a/b");
        assert_string_equal(c->directories[EXEC_DIRECTORY_STATE].paths[0], "a/b");
        assert_string_equal(c->directories[EXEC_DIRECTORY_STATE].symlinks[1], "d");
        assert_int_equal(c->runtime_directory_preserve_mode, 2);
        assert_true(c->mount_flags == MS_SLAVE);
        char *s = show(u);
        assert_shows(s, "ReadWritePaths=-/var/lib/redis +/x /a/b");
        assert_shows(s, "BindPaths=/a:/a:rbind -/b:/c");   /* ":rbind" only for MS_REC (252's systemctl-show.c) */
        assert_shows(s, "StateDirectory=a/b c");
        assert_shows(s, "RuntimeDirectoryPreserve=restart\nRuntimeDirectoryMode=0700");
        assert_shows(s, "MountFlags=slave");
        assert_shows(s, "MountAPIVFS=yes");
        free(s);
        done(u);
        check_invalid("ReadOnlyPaths=-foo", "ReadOnlyPaths= path is not absolute, ignoring: foo", false);
        check_invalid("ReadWritePaths=%Z", "Failed to resolve unit specifiers in %Z: Invalid slot", false);
        check_invalid("BindPaths=/a:b", "BindPaths= path is not absolute, ignoring: b", false);
        check_invalid("BindReadOnlyPaths=/a:/b:foo", "Invalid option string, ignoring setting: foo", false);
        check_invalid("RuntimeDirectory=/abs", "RuntimeDirectory= path is absolute, ignoring: /abs", false);
        check_invalid("RuntimeDirectory=a:../b", "RuntimeDirectory= path is not normalized, ignoring: ../b", false);
        check_invalid("CacheDirectory=%Z", "Failed to resolve unit specifiers in \"%Z\", ignoring: Invalid slot", false);
        check_invalid("ExecSearchPath=/a::/b", "ExecSearchPath= path is not absolute, ignoring: ", false);
        check_invalid("MountImages=/a", "Missing destination in MountImages, ignoring: /a", false);
        check_invalid("RootHash=abcd", "RootHash= is too short, ignoring: abcd", false);
        check_invalid("RuntimeDirectoryPreserve=foo", "Failed to parse runtime directory preserve mode, ignoring: foo", false);
}

static void test_credentials(void **state) {
        (void)state;
        Unit *u = load_text("SetCredential=a:b c\nLoadCredential=x\nLoadCredentialEncrypted=y:/etc/y\n");
        ExecContext *c = unit_exec_context(u);
        assert_string_equal(c->set_credential[0], "a:b c");
        assert_string_equal(c->load_credential[0], "x:x");
        assert_string_equal(c->load_credential[1], "+y:/etc/y");
        done(u);
        check_invalid("SetCredential=a", "Invalid syntax, ignoring: a", false);
        check_invalid("SetCredential=a/b:c", "Credential name \"a/b\" not valid, ignoring.", false);
        check_invalid("SetCredentialEncrypted=a:!!!", "Encrypted credential data not valid Base64 data, ignoring.", false);
}

static void test_kill(void **state) {
        (void)state;
        Unit *u = load_text("KillMode=mixed\nKillSignal=SIGQUIT\nRestartKillSignal=USR2\nSendSIGKILL=no\nSendSIGHUP=yes\n");
        KillContext *k = unit_kill_context(u);
        assert_int_equal(k->kill_mode, KILL_MIXED);
        assert_int_equal(k->restart_kill_signal, SIGUSR2);
        char *s = show(u);
        assert_shows(s, "KillMode=mixed\nKillSignal=3\nRestartKillSignal=12\nFinalKillSignal=9\nSendSIGKILL=no\nSendSIGHUP=yes");
        free(s);
        done(u);
        check_invalid("KillMode=foo", "Failed to parse kill mode specification, ignoring: foo", false);
        check_invalid("KillSignal=0", "Failed to parse signal name, ignoring: 0", false);
        check_invalid("FinalKillSignal=99", "Failed to parse signal name, ignoring: 99", false);
        check_invalid("KillMode=none", "Unit uses KillMode=none. This is unsafe, as it disables systemd's process lifecycle "
                                       "management for the service. Please update the service to use a safer KillMode=, "
                                       "such as 'mixed' or 'control-group'. Support for KillMode=none is deprecated and "
                                       "will eventually be removed.", false);
}

static void test_resource_control(void **state) {
        (void)state;
        Unit *u = load_text("Slice=foo.slice\nCPUWeight=idle\nIOWeight=500\nCPUQuota=20%\nMemoryMax=1G\nMemoryHigh=infinity\n"
                            "TasksMax=infinity\nDelegate=cpu memory\nIPAddressDeny=any\nIPAddressAllow=10.1.2.3/8 ::1\n"
                            "DeviceAllow=/dev/null rw\nDevicePolicy=strict\nManagedOOMSwap=kill\nIODeviceWeight=/dev/sda 100\n");
        const CGroupContext *cg = unit_cgroup_context(u);
        assert_quiet();
        assert_string_equal(cg->slice, "foo.slice");
        assert_true(cg->cpu_weight == 0);
        assert_true(cg->memory_max == UINT64_C(1) << 30);
        assert_true(cg->cpu_quota_per_sec_usec == 200000);
        assert_true(cg->tasks_max_set && cg->tasks_max == UINT64_MAX);
        assert_true(cg->delegate);
        char *s = show(u);
        assert_shows(s, "CPUQuotaPerSecUSec=200ms");
        assert_shows(s, "IOWeight=500\nStartupIOWeight=[not set]\nIODeviceWeight=/dev/sda 100");
        assert_shows(s, "MemoryMax=1073741824");
        assert_shows(s, "TasksMax=infinity");
        assert_shows(s, "DelegateControllers=cpu memory");
        assert_shows(s, "IPAddressAllow=10.0.0.0/8 ::1/128\nIPAddressDeny=0.0.0.0/0 ::/0");   /* as journald's reference */
        assert_shows(s, "DevicePolicy=strict\nDeviceAllow=/dev/null rw");
        assert_shows(s, "ManagedOOMSwap=kill");
        free(s);
        done(u);
        u = load_text("Delegate=yes\n");
        s = show(u);
        assert_shows(s, "Delegate=yes\nDelegateControllers=cpu cpuset io memory pids");   /* reference (5 units) */
        free(s);
        done(u);
        check_invalid("Slice=foo", "Failed to load slice unit foo, ignoring: Unit name foo is not valid.", false);
        check_invalid("Slice=foo.service", "Failed to assign slice foo.service to unit t.service, ignoring: Invalid argument", false);
        check_invalid("CPUWeight=0", "Invalid CPU weight, ignoring: 0", false);
        check_invalid("IOWeight=0", "Invalid weight, ignoring: 0", false);
        check_invalid("CPUShares=1", "Unit uses CPUShares=; please use CPUWeight= instead. Support for CPUShares= will be removed soon.", false);
        check_invalid("CPUShares=1", "Invalid CPU shares, ignoring: 1", false);
        check_invalid("MemoryLimit=1G", "Unit uses MemoryLimit=; please use MemoryMax= instead. Support for MemoryLimit= will be removed soon.", false);
        check_invalid("CPUQuota=0%", "Invalid CPU quota '0%', ignoring.", false);
        check_invalid("MemoryLow=-1", "Invalid memory limit '-1', ignoring: Numerical result out of range", false);
        check_invalid("MemoryMax=200%", "Invalid memory limit '200%', ignoring: Invalid argument", false);
        check_invalid("TasksMax=0", "Maximum tasks value '0' out of range, ignoring.", false);
        check_invalid("Delegate=cpu foo", "Invalid controller name 'foo', ignoring", false);
        check_invalid("DisableControllers=foo", "Invalid cgroup string: foo, ignoring", false);
        check_invalid("DeviceAllow=/dev/null x", "Invalid device rights 'x', ignoring.", false);
        check_invalid("DeviceAllow=foo", "Invalid device node path 'foo', ignoring.", false);
        check_invalid("IODeviceWeight=/dev/sda x", "IO weight 'x' invalid, ignoring: Invalid argument", false);
        check_invalid("IOReadBandwidthMax=/dev/sda", "Invalid device node or bandwidth specified in '/dev/sda', ignoring.", false);
        check_invalid("IPAddressDeny=1.2.3.4/99", "Address prefix is invalid, ignoring assignment: 1.2.3.4/99", false);
        check_invalid("ManagedOOMSwap=foo", "Invalid syntax, ignoring: foo", false);
        check_invalid("ManagedOOMPreference=foo", "Failed to parse ManagedOOMPreference=, ignoring: foo", false);
        check_invalid("BPFProgram=foo", "Invalid syntax in BPFProgram=, ignoring: foo", false);
        check_invalid("SocketBindAllow=foo", "Unable to parse SocketBindAllow= assignment, ignoring: foo", false);
        check_invalid("CPUQuotaPeriodSec=foo", "Failed to parse sec_def_infinity value, ignoring: foo", false);
}

static void test_socket_keyring_shared(void **state) {
        (void)state;
        /* unit_init() of 252 gives every exec context KeyringMode=shared; only services make it
         * private (reference: dbus.socket.show) */
        log_capture_start();
        Unit *u = unit_new("x.socket");
        const char *text = "[Socket]\nListenStream=/run/x.sock\n";
        (void)unit_load_from_buffer(u, "x.socket", text, strlen(text));
        assert_int_equal(unit_exec_context(u)->keyring_mode, EXEC_KEYRING_SHARED);
        done(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults_as_reference),
                cmocka_unit_test(test_environment),
                cmocka_unit_test(test_working_directory),
                cmocka_unit_test(test_user_group),
                cmocka_unit_test(test_process_properties),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_capabilities_and_security),
                cmocka_unit_test(test_syscalls_and_families),
                cmocka_unit_test(test_stdio),
                cmocka_unit_test(test_logging),
                cmocka_unit_test(test_namespace_paths_and_directories),
                cmocka_unit_test(test_credentials),
                cmocka_unit_test(test_kill),
                cmocka_unit_test(test_resource_control),
                cmocka_unit_test(test_socket_keyring_shared),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
