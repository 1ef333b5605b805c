/* SPDX-License-Identifier: MIT */
/* Timer units in process (core-harness.h): monotonic and calendar triggers on the fake clock,
 * the unit they start, re-arming when it is gone, stop and reset. */
#include "core-harness.h"
#include "core/timer.h"

static const char *const monotonic[] = {
        "tick.timer",   "[Timer]\nOnActiveSec=10\nOnUnitInactiveSec=30\n",
        "tick.service", "[Service]\nType=oneshot\nExecStart=/bin/tick\n",
        NULL,
};

static void test_on_active_then_on_unit_inactive(void **state) {
        (void)state;
        Manager *m = core_new(monotonic);
        core_job(m, JOB_START, "tick.timer");
        assert_string_equal(core_sub(m, "tick.timer"), "waiting");
        Timer *t = TIMER(core_unit(m, "tick.timer"));
        assert_int_equal(t->next_monotonic, fake.mono + 10 * USEC_PER_SEC);
        fake_advance(m, 9 * USEC_PER_SEC);
        assert_int_equal(fake_find("/bin/tick", NULL), 0);
        fake_advance(m, 1 * USEC_PER_SEC);
        pid_t first = fake_must_find("/bin/tick", NULL);
        assert_string_equal(core_sub(m, "tick.timer"), "running");
        /* the service is gone: OnUnitInactiveSec= counts from then */
        fake_exit_ok(m, first);
        assert_string_equal(core_sub(m, "tick.timer"), "waiting");
        assert_int_equal(t->next_monotonic, fake.mono + 30 * USEC_PER_SEC);
        fake_advance(m, 30 * USEC_PER_SEC);
        assert_true(fake_must_find("/bin/tick", NULL) != first);
        core_free(m);
}

static void test_a_timer_without_more_triggers_is_elapsed_or_dead(void **state) {
        (void)state;
        static const char *const units[] = {
                "once.timer",   "[Timer]\nOnActiveSec=5\nRemainAfterElapse=no\n",
                "once.service", "[Service]\nType=oneshot\nExecStart=/bin/once\n",
                NULL,
        };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "once.timer");
        fake_advance(m, 5 * USEC_PER_SEC);
        fake_exit_ok(m, fake_must_find("/bin/once", NULL));
        assert_string_equal(core_state(m, "once.timer"), "inactive");
        core_free(m);
}

static void test_calendar_elapse_on_the_fake_clock(void **state) {
        (void)state;
        static const char *const units[] = {
                "cal.timer",   "[Timer]\nOnCalendar=*-*-* *:*:00\nAccuracySec=1us\n",
                "cal.service", "[Service]\nType=oneshot\nExecStart=/bin/cal\n",
                NULL,
        };
        Manager *m = core_new(units);
        /* 1700000000 is 22:13:20 UTC: the next full minute is 40 s away */
        core_job(m, JOB_START, "cal.timer");
        Timer *t = TIMER(core_unit(m, "cal.timer"));
        assert_int_equal(t->next_realtime, 1700000040ULL * USEC_PER_SEC);
        fake_advance(m, 39 * USEC_PER_SEC);
        assert_int_equal(fake_find("/bin/cal", NULL), 0);
        fake_advance(m, 1 * USEC_PER_SEC);
        fake_exit_ok(m, fake_must_find("/bin/cal", NULL));
        assert_int_equal(t->last_trigger_realtime, 1700000040ULL * USEC_PER_SEC);
        assert_int_equal(t->next_realtime, 1700000100ULL * USEC_PER_SEC);
        core_free(m);
}

static void test_stop_disarms(void **state) {
        (void)state;
        Manager *m = core_new(monotonic);
        core_job(m, JOB_START, "tick.timer");
        core_job(m, JOB_STOP, "tick.timer");
        assert_string_equal(core_state(m, "tick.timer"), "inactive");
        fake_advance(m, 60 * USEC_PER_SEC);
        assert_int_equal(fake_find("/bin/tick", NULL), 0);
        core_free(m);
}

static void test_a_timer_for_a_missing_unit_refuses_to_start(void **state) {
        (void)state;
        static const char *const units[] = { "lost.timer", "[Timer]\nOnActiveSec=5\nUnit=nowhere.service\n",
                                             NULL };
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "lost.timer");
        assert_true(log_has("lost.timer: Refusing to start, unit nowhere.service to trigger not loaded."));
        assert_string_equal(core_state(m, "lost.timer"), "inactive");
        log_capture_stop();
        core_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_on_active_then_on_unit_inactive),
                cmocka_unit_test(test_a_timer_without_more_triggers_is_elapsed_or_dead),
                cmocka_unit_test(test_calendar_elapse_on_the_fake_clock),
                cmocka_unit_test(test_stop_disarms),
                cmocka_unit_test(test_a_timer_for_a_missing_unit_refuses_to_start),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
