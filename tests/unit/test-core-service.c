/* SPDX-License-Identifier: MIT */
/* The service state machine in process (core-harness.h): starts, stops, control commands, exits,
 * timeouts, restarts, readiness, and the races between them, with processes the test makes exit. */
#include "core-harness.h"
#include "core/service.h"

static const char *const simple[] = {
        "web.service",
        "[Service]\nExecStart=/usr/bin/web --port 80\n",
        NULL,
};

static void test_simple_start_and_stop(void **state) {
        (void)state;
        Manager *m = core_new(simple);
        assert_int_equal(core_job(m, JOB_START, "web.service"), 0);
        assert_string_equal(core_state(m, "web.service"), "active");
        assert_string_equal(core_sub(m, "web.service"), "running");
        pid_t main_pid = fake_must_find("/usr/bin/web", "--port");
        assert_int_equal(munit_main_pid(core_unit(m, "web.service")), main_pid);
        assert_int_equal(core_job(m, JOB_STOP, "web.service"), 0);
        assert_string_equal(core_sub(m, "web.service"), "stop-sigterm");
        assert_int_equal(fake_signalled(main_pid, SIGTERM), 1);
        fake_exit(m, main_pid, CLD_KILLED, SIGTERM);
        assert_string_equal(core_state(m, "web.service"), "inactive");
        assert_string_equal(core_sub(m, "web.service"), "dead");
        core_free(m);
}

static const char *const phases[] = {
        "p.service",
        "[Service]\nExecStartPre=/bin/pre one\nExecStartPre=/bin/pre two\nExecStart=/bin/main\n"
        "ExecStartPost=/bin/post one\nExecStop=/bin/stop one\nExecStopPost=/bin/stoppost one\n",
        NULL,
};

static void test_control_commands_run_in_order(void **state) {
        (void)state;
        Manager *m = core_new(phases);
        core_job(m, JOB_START, "p.service");
        assert_string_equal(core_sub(m, "p.service"), "start-pre");
        fake_exit_ok(m, fake_must_find("/bin/pre", "one"));
        assert_string_equal(core_sub(m, "p.service"), "start-pre");
        fake_exit_ok(m, fake_must_find("/bin/pre", "two"));
        assert_string_equal(core_sub(m, "p.service"), "start-post");
        pid_t main_pid = fake_must_find("/bin/main", NULL);
        fake_exit_ok(m, fake_must_find("/bin/post", "one"));
        assert_string_equal(core_sub(m, "p.service"), "running");
        core_job(m, JOB_STOP, "p.service");
        assert_string_equal(core_sub(m, "p.service"), "stop");
        pid_t stop = fake_must_find("/bin/stop", "one");
        /* ExecStop= knows the main process and, in 252's words, how the service ended so far */
        char **env = fake_proc(stop)->env;
        char want[32];
        snprintf(want, sizeof want, "MAINPID=%d", (int)main_pid);
        assert_true(strv_contains(env, want));
        assert_true(strv_contains(env, "SERVICE_RESULT=success"));
        fake_exit_ok(m, stop);
        assert_string_equal(core_sub(m, "p.service"), "stop-sigterm");
        fake_exit(m, main_pid, CLD_KILLED, SIGTERM);
        assert_string_equal(core_sub(m, "p.service"), "stop-post");
        fake_exit_ok(m, fake_must_find("/bin/stoppost", "one"));
        assert_string_equal(core_sub(m, "p.service"), "dead");
        core_free(m);
}

static void test_a_failing_start_pre_fails_the_service(void **state) {
        (void)state;
        Manager *m = core_new(phases);
        log_capture_start();
        core_job(m, JOB_START, "p.service");
        fake_exit(m, fake_must_find("/bin/pre", "one"), CLD_EXITED, 3);
        /* nothing else ran but ExecStopPost= */
        assert_int_equal(fake_find("/bin/pre", "two"), 0);
        assert_int_equal(fake_find("/bin/main", NULL), 0);
        fake_exit_ok(m, fake_must_find("/bin/stoppost", "one"));
        assert_string_equal(core_state(m, "p.service"), "failed");
        assert_true(log_has("p.service: Control process exited, code=exited, status=3/NOTIMPLEMENTED"));
        assert_true(log_has("p.service: Failed with result 'exit-code'."));
        log_capture_stop();
        core_free(m);
}

static const char *const oneshot[] = {
        "o.service",
        "[Service]\nType=oneshot\nExecStart=/bin/step one\nExecStart=-/bin/step two\nExecStart=/bin/step three\n",
        NULL,
};

static void test_oneshot_runs_each_command_and_ignores_dash_failures(void **state) {
        (void)state;
        Manager *m = core_new(oneshot);
        core_job(m, JOB_START, "o.service");
        assert_string_equal(core_state(m, "o.service"), "activating");
        fake_exit_ok(m, fake_must_find("/bin/step", "one"));
        fake_exit(m, fake_must_find("/bin/step", "two"), CLD_EXITED,
                  1); /* '-': a failure that counts as success */
        assert_string_equal(core_state(m, "o.service"), "activating");
        fake_exit_ok(m, fake_must_find("/bin/step", "three"));
        assert_string_equal(core_state(m, "o.service"), "inactive");
        assert_int_equal(SERVICE(core_unit(m, "o.service"))->result, SERVICE_SUCCESS);
        core_free(m);
}

static const char *const notify[] = {
        "n.service",
        "[Service]\nType=notify\nExecStart=/bin/daemon\n",
        NULL,
};

static void test_notify_service_is_started_by_ready(void **state) {
        (void)state;
        Manager *m = core_new(notify);
        core_job(m, JOB_START, "n.service");
        assert_string_equal(core_sub(m, "n.service"), "start");
        pid_t pid = fake_must_find("/bin/daemon", NULL);
        assert_true(strv_contains(fake_proc(pid)->env, "NOTIFY_SOCKET=/run/systemd/notify") ||
                    m->notify_fd < 0);
        core_notify(m, pid, 0, "STATUS=warming up");
        assert_string_equal(core_sub(m, "n.service"), "start");
        assert_string_equal(SERVICE(core_unit(m, "n.service"))->status_text, "warming up");
        core_notify(m, pid, 0, "READY=1");
        assert_string_equal(core_sub(m, "n.service"), "running");
        core_free(m);
}

static void test_start_timeout_terminates_then_kills(void **state) {
        (void)state;
        static const char *const units[] = {
                "slow.service",
                "[Service]\nType=notify\nTimeoutStartSec=5\nTimeoutStopSec=3\nExecStart=/bin/slow\n",
                NULL,
        };
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "slow.service");
        pid_t pid = fake_must_find("/bin/slow", NULL);
        fake_advance(m, 4 * USEC_PER_SEC);
        assert_string_equal(core_sub(m, "slow.service"), "start");
        fake_advance(m, 2 * USEC_PER_SEC);
        assert_true(log_has("slow.service: start operation timed out. Terminating."));
        assert_string_equal(core_sub(m, "slow.service"), "stop-sigterm");
        assert_int_equal(fake_signalled(pid, SIGTERM), 1);
        fake_advance(m, 4 * USEC_PER_SEC); /* it ignores SIGTERM: after TimeoutStopSec= comes SIGKILL */
        assert_string_equal(core_sub(m, "slow.service"), "stop-sigkill");
        assert_int_equal(fake_signalled(pid, SIGKILL), 1);
        fake_exit(m, pid, CLD_KILLED, SIGKILL);
        assert_string_equal(core_state(m, "slow.service"), "failed");
        assert_int_equal(SERVICE(core_unit(m, "slow.service"))->result, SERVICE_FAILURE_TIMEOUT);
        log_capture_stop();
        core_free(m);
}

static const char *const restarting[] = {
        "r.service",
        "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/crash\nRestart=on-failure\nRestartSec=2\n",
        NULL,
};

static void test_restart_after_the_delay(void **state) {
        (void)state;
        Manager *m = core_new(restarting);
        core_job(m, JOB_START, "r.service");
        pid_t first = fake_must_find("/bin/crash", NULL);
        fake_exit(m, first, CLD_EXITED, 1);
        assert_string_equal(core_sub(m, "r.service"), "auto-restart");
        fake_advance(m, 1 * USEC_PER_SEC);
        assert_int_equal(fake_find("/bin/crash", NULL), 0);
        fake_advance(m, 1 * USEC_PER_SEC);
        pid_t second = fake_must_find("/bin/crash", NULL);
        assert_true(second != first);
        assert_string_equal(core_sub(m, "r.service"), "running");
        assert_int_equal(SERVICE(core_unit(m, "r.service"))->n_restarts, 1);
        /* a clean exit is no failure: no restart */
        fake_exit_ok(m, second);
        assert_string_equal(core_state(m, "r.service"), "inactive");
        core_free(m);
}

static void test_stop_during_the_restart_delay_cancels_it(void **state) {
        (void)state;
        Manager *m = core_new(restarting);
        core_job(m, JOB_START, "r.service");
        fake_exit(m, fake_must_find("/bin/crash", NULL), CLD_EXITED, 1);
        assert_string_equal(core_sub(m, "r.service"), "auto-restart");
        core_job(m, JOB_STOP, "r.service");
        assert_string_equal(core_state(m, "r.service"), "failed");
        fake_advance(m, 5 * USEC_PER_SEC);
        assert_int_equal(fake_find("/bin/crash", NULL), 0);
        core_free(m);
}

static void test_stop_during_start_post_kills_the_control_process(void **state) {
        (void)state;
        Manager *m = core_new(phases);
        core_job(m, JOB_START, "p.service");
        fake_exit_ok(m, fake_must_find("/bin/pre", "one"));
        fake_exit_ok(m, fake_must_find("/bin/pre", "two"));
        pid_t main_pid = fake_must_find("/bin/main", NULL), post = fake_must_find("/bin/post", "one");
        assert_string_equal(core_sub(m, "p.service"), "start-post");
        core_job(m, JOB_STOP, "p.service");
        /* no ExecStop= while starting: straight to SIGTERM, for main and control alike */
        assert_string_equal(core_sub(m, "p.service"), "stop-sigterm");
        assert_int_equal(fake_find("/bin/stop", "one"), 0);
        assert_int_equal(fake_signalled(main_pid, SIGTERM), 1);
        assert_int_equal(fake_signalled(post, SIGTERM), 1);
        fake_exit(m, post, CLD_KILLED, SIGTERM);
        assert_string_equal(core_sub(m, "p.service"), "stop-sigterm");
        fake_exit(m, main_pid, CLD_KILLED, SIGTERM);
        assert_string_equal(core_sub(m, "p.service"), "stop-post");
        fake_exit_ok(m, fake_must_find("/bin/stoppost", "one"));
        assert_string_equal(core_state(m, "p.service"), "inactive");
        core_free(m);
}

static void test_a_reused_pid_outside_the_unit_is_not_signalled(void **state) {
        (void)state;
        Manager *m = core_new(restarting);
        core_job(m, JOB_START, "r.service");
        pid_t old = fake_must_find("/bin/crash", NULL);
        fake_exit(m, old, CLD_EXITED, 1);
        /* an unrelated process now has the old main pid (in a session of its own elsewhere) */
        FakeProc *f = &fake.procs[fake.n_procs++];
        *f = (FakeProc){ .pid = old,
                         .ppid = FAKE_PID_BASE - 1,
                         .sid = FAKE_PID_BASE - 1,
                         .pgid = FAKE_PID_BASE - 1,
                         .state = 'S' };
        snprintf(f->path, sizeof f->path, "/bin/other");
        core_job(m, JOB_STOP, "r.service");
        assert_int_equal(fake_signalled(old, SIGTERM), 0);
        assert_int_equal(fake_signalled(old, SIGKILL), 0);
        assert_true(UNIT_IS_INACTIVE_OR_FAILED(core_unit(m, "r.service")->state));
        core_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_simple_start_and_stop),
                cmocka_unit_test(test_control_commands_run_in_order),
                cmocka_unit_test(test_a_failing_start_pre_fails_the_service),
                cmocka_unit_test(test_oneshot_runs_each_command_and_ignores_dash_failures),
                cmocka_unit_test(test_notify_service_is_started_by_ready),
                cmocka_unit_test(test_start_timeout_terminates_then_kills),
                cmocka_unit_test(test_restart_after_the_delay),
                cmocka_unit_test(test_stop_during_the_restart_delay_cancels_it),
                cmocka_unit_test(test_stop_during_start_post_kills_the_control_process),
                cmocka_unit_test(test_a_reused_pid_outside_the_unit_is_not_signalled),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
