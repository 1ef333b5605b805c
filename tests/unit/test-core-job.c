/* SPDX-License-Identifier: MIT */
/* Jobs and transactions in process (core-harness.h): ordering, requirements and their failure,
 * conflicts, ordering cycles, BindsTo=, OnFailure=, restart jobs, job timeouts, isolate. */
#include "core-harness.h"
#include "core/service.h"

static const char *const ordered[] = {
        "a.service", "[Service]\nType=notify\nExecStart=/bin/a\n",
        "b.service", "[Unit]\nRequires=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n",
        NULL,
};

static void test_after_waits_for_the_other_start(void **state) {
        (void)state;
        Manager *m = core_new(ordered);
        core_job(m, JOB_START, "b.service");
        pid_t a = fake_must_find("/bin/a", NULL);
        assert_int_equal(fake_find("/bin/b", NULL), 0); /* b waits for a's READY=1 */
        assert_non_null(core_unit(m, "b.service")->job);
        core_notify(m, a, 0, "READY=1");
        fake_must_find("/bin/b", NULL);
        assert_string_equal(core_state(m, "b.service"), "active");
        core_free(m);
}

static void test_a_failed_requirement_fails_the_dependent_job(void **state) {
        (void)state;
        Manager *m = core_new(ordered);
        log_capture_start();
        core_job(m, JOB_START, "b.service");
        fake_exit(m, fake_must_find("/bin/a", NULL), CLD_EXITED, 1);
        assert_string_equal(core_state(m, "a.service"), "failed");
        assert_null(core_unit(m, "b.service")->job);
        assert_int_equal(fake_find("/bin/b", NULL), 0);
        assert_true(log_has("b.service: Job 1 b.service/start finished, result=dependency"));
        log_capture_stop();
        core_free(m);
}

static void test_stopping_a_requirement_stops_the_dependent(void **state) {
        (void)state;
        Manager *m = core_new(ordered);
        core_job(m, JOB_START, "b.service");
        core_notify(m, fake_must_find("/bin/a", NULL), 0, "READY=1");
        pid_t a = fake_must_find("/bin/a", NULL), b = fake_must_find("/bin/b", NULL);
        core_job(m, JOB_STOP, "a.service");
        /* stop jobs run in reverse order: b first */
        assert_int_equal(fake_signalled(b, SIGTERM), 1);
        assert_int_equal(fake_signalled(a, SIGTERM), 0);
        fake_exit(m, b, CLD_KILLED, SIGTERM);
        assert_int_equal(fake_signalled(a, SIGTERM), 1);
        fake_exit(m, a, CLD_KILLED, SIGTERM);
        assert_string_equal(core_state(m, "a.service"), "inactive");
        assert_string_equal(core_state(m, "b.service"), "inactive");
        core_free(m);
}

static void test_conflicts_stop_the_other(void **state) {
        (void)state;
        static const char *const units[] = {
                "x.service", "[Service]\nExecStart=/bin/x\n",
                "y.service", "[Unit]\nConflicts=x.service\n[Service]\nExecStart=/bin/y\n",
                NULL,
        };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "x.service");
        pid_t x = fake_must_find("/bin/x", NULL);
        core_job(m, JOB_START, "y.service");
        assert_int_equal(fake_signalled(x, SIGTERM), 1);
        fake_exit(m, x, CLD_KILLED, SIGTERM);
        fake_must_find("/bin/y", NULL);
        assert_string_equal(core_state(m, "x.service"), "inactive");
        core_free(m);
}

static void test_an_ordering_cycle_is_broken_by_dropping_a_job_that_does_not_matter(void **state) {
        (void)state;
        static const char *const units[] = {
                "top.target", "[Unit]\nWants=c1.service c2.service\n",
                "c1.service", "[Unit]\nAfter=c2.service\n[Service]\nExecStart=/bin/c1\n",
                "c2.service", "[Unit]\nAfter=c1.service\n[Service]\nExecStart=/bin/c2\n",
                NULL,
        };
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "top.target");
        assert_true(log_has("Found ordering cycle on"));
        assert_true(log_has("deleted to break ordering cycle starting with top.target/start"));
        /* one of them starts; nothing waits forever */
        assert_true(fake_find("/bin/c1", NULL) || fake_find("/bin/c2", NULL));
        assert_int_equal(m->n_jobs, 0);
        log_capture_stop();
        core_free(m);
}

static void test_binds_to_stops_with_the_other_and_on_failure_starts(void **state) {
        (void)state;
        static const char *const units[] = {
                "base.service",
                "[Unit]\nOnFailure=rescue.service\n[Service]\nExecStart=/bin/base\n",
                "bound.service",
                "[Unit]\nBindsTo=base.service\nAfter=base.service\n[Service]\nExecStart=/bin/bound\n",
                "rescue.service",
                "[Service]\nExecStart=/bin/rescue\n",
                NULL,
        };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "bound.service");
        pid_t bound = fake_must_find("/bin/bound", NULL);
        fake_exit(m, fake_must_find("/bin/base", NULL), CLD_KILLED, SIGSEGV);
        assert_string_equal(core_state(m, "base.service"), "failed");
        assert_int_equal(fake_signalled(bound, SIGTERM), 1);
        fake_must_find("/bin/rescue", NULL);
        core_free(m);
}

static void test_restart_job_stops_then_starts(void **state) {
        (void)state;
        Manager *m = core_new(ordered);
        core_job(m, JOB_START, "a.service");
        pid_t a = fake_must_find("/bin/a", NULL);
        core_notify(m, a, 0, "READY=1");
        core_job(m, JOB_RESTART, "a.service");
        assert_int_equal(fake_signalled(a, SIGTERM), 1);
        fake_exit(m, a, CLD_KILLED, SIGTERM);
        pid_t again = fake_must_find("/bin/a", NULL);
        assert_true(again != a);
        assert_string_equal(core_state(m, "a.service"), "activating");
        core_free(m);
}

static void test_job_timeout_cancels_the_job_not_the_unit(void **state) {
        (void)state;
        static const char *const units[] = {
                "slow.service",
                "[Unit]\nJobTimeoutSec=3\n[Service]\nType=notify\nTimeoutStartSec=infinity\nExecStart=/bin/slow\n",
                NULL,
        };
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "slow.service");
        fake_advance(m, 4 * USEC_PER_SEC);
        assert_true(log_has("slow.service: Job slow.service/start timed out."));
        assert_null(core_unit(m, "slow.service")->job);
        assert_string_equal(core_state(m, "slow.service"), "activating");
        log_capture_stop();
        core_free(m);
}

static void test_isolate_stops_what_the_target_does_not_want(void **state) {
        (void)state;
        static const char *const units[] = {
                "one.target",
                "[Unit]\nWants=keep.service\nAllowIsolate=yes\n",
                "keep.service",
                "[Service]\nExecStart=/bin/keep\n",
                "other.service",
                "[Service]\nExecStart=/bin/other\n",
                NULL,
        };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "other.service");
        pid_t other = fake_must_find("/bin/other", NULL);
        assert_int_equal(manager_add_job(m, JOB_START, core_unit(m, "one.target"), JOB_ISOLATE, NULL), 0);
        core_run(m);
        fake_must_find("/bin/keep", NULL);
        assert_int_equal(fake_signalled(other, SIGTERM), 1);
        core_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_after_waits_for_the_other_start),
                cmocka_unit_test(test_a_failed_requirement_fails_the_dependent_job),
                cmocka_unit_test(test_stopping_a_requirement_stops_the_dependent),
                cmocka_unit_test(test_conflicts_stop_the_other),
                cmocka_unit_test(test_an_ordering_cycle_is_broken_by_dropping_a_job_that_does_not_matter),
                cmocka_unit_test(test_binds_to_stops_with_the_other_and_on_failure_starts),
                cmocka_unit_test(test_restart_job_stops_then_starts),
                cmocka_unit_test(test_job_timeout_cancels_the_job_not_the_unit),
                cmocka_unit_test(test_isolate_stops_what_the_target_does_not_want),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
