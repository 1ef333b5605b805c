/* SPDX-License-Identifier: MIT */
/* [Timer] parsing, defaults, verification and `systemctl show` properties. Expected values and
 * messages were taken from systemd 252 (systemd-analyze verify and the unit dump of
 * `systemd --test`) on the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <cmocka.h>
#include "show-capture.h"
#include "base/strv.h"
#include "log-capture.h"
#include "unit/calendar.h"
#include "unit/load.h"
#include "unit/unit.h"

#define CORPUS "/work/shared/corpus/debian-bookworm/"

static Unit *load(const char *name, const char *text, int *ret) {
        Unit *u = unit_new(name);
        assert_non_null(u);
        int r = unit_load_from_buffer(u, name, text, strlen(text));
        if (ret) *ret = r;
        return u;
}

static Unit *load_ok(const char *name, const char *text) {
        int r;
        Unit *u = load(name, text, &r);
        assert_int_equal(r, 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static char *read_corpus(const char *rel) {
        char path[512];
        snprintf(path, sizeof path, CORPUS "%s", rel);
        char *data = NULL;
        size_t n;
        if (read_file_bounded(AT_FDCWD, path, 1 << 20, &data, &n) < 0) return NULL;
        return data;
}

static char *show(Unit *u) { return show_all(u); }

/* apt-daily.timer: OnCalendar= kept, Unit= defaults to apt-daily.service, systemd.timer(5)
 * defaults AccuracySec=1min and RemainAfterElapse=yes. */
static void test_corpus_apt_daily(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("apt/lib/systemd/system/apt-daily.timer");
        if (!text) skip();
        Unit *u = load_ok("apt-daily.timer", text);
        TimerConfig *c = u->timer;
        assert_int_equal(strv_length(c->on_calendar), 1);
        assert_string_equal(c->on_calendar[0], "*-*-* 6,18:00");
        assert_int_equal(c->n_monotonic, 0);
        assert_true(c->random_usec == 12 * 3600 * USEC_PER_SEC);
        assert_true(c->persistent);
        assert_string_equal(c->unit, "apt-daily.service");
        assert_true(unit_has_dependency(u, UNIT_TRIGGERS, "apt-daily.service"));
        /* calendar timers are ordered after time-set.target and time-sync.target */
        assert_true(unit_has_dependency(u, UNIT_AFTER, "time-sync.target"));
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "Unit=apt-daily.service\n"));
        /* shown in systemd's normalised form (systemd-analyze calendar) */
        /* a timer never started: next_elapse is printf()'s "(null)" (tests/data/reference/anacron/anacron.timer.show) */
        assert_non_null(strstr(s, "\nTimersCalendar={ OnCalendar=*-*-* 06,18:00:00 ; next_elapse=(null) }\n"
                                  "OnClockChange=no\nOnTimezoneChange=no\nNextElapseUSecRealtime=\n"
                                  "NextElapseUSecMonotonic=infinity\nLastTriggerUSec=\nLastTriggerUSecMonotonic=0\n"
                                  "Result=success\n"));
        assert_non_null(strstr(s, "\nAccuracyUSec=1min\nRandomizedDelayUSec=12h\nFixedRandomDelay=no\n"
                                  "Persistent=yes\nWakeSystem=no\nRemainAfterElapse=yes\n"));
        unit_free(u);
}

/* mdadm-last-resort@.timer as an instance: Unit= defaults to the instance's service. */
static void test_corpus_instance(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("mdadm/lib/systemd/system/mdadm-last-resort@.timer");
        if (!text) skip();
        Unit *u = load_ok("mdadm-last-resort@md0.timer", text);
        assert_string_equal(u->timer->unit, "mdadm-last-resort@md0.service");
        assert_int_equal(u->timer->n_monotonic, 1);
        assert_int_equal(u->timer->monotonic[0].base, TIMER_ACTIVE);
        assert_true(u->timer->monotonic[0].value == 30 * USEC_PER_SEC);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nTimersMonotonic={ OnActiveUSec=30s ; next_elapse=0 }\n"));
        unit_free(u);
}

/* An invalid OnCalendar= is refused at load time with 252's message, the valid ones kept. */
static void test_invalid_calendar_ignored(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("c.timer", "[Timer]\nOnCalendar=bogus day\nOnCalendar=daily\n");
        assert_non_null(strstr(log_captured(), "c.timer:2: Failed to parse calendar specification, ignoring: bogus day\n"));
        assert_int_equal(strv_length(u->timer->on_calendar), 1);
        assert_string_equal(u->timer->on_calendar[0], "daily");
        log_capture_stop();
        unit_free(u);
}

/* Several values accumulate (duplicates too); systemd lists the last one first; "infinity"
 * never elapses and is dropped; an empty assignment of any of them drops all, calendar ones
 * included. */
static void test_monotonic_values(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("t.timer", "[Timer]\nOnActiveSec=x\nOnUnitActiveSec=infinity\nOnBootSec=15min\n"
                                     "OnActiveSec=1h 30min\nOnActiveSec=1h 30min\nOnStartupSec=5\n");
        assert_non_null(strstr(log_captured(), "t.timer:2: Failed to parse timer value, ignoring: x\n"));
        TimerConfig *c = u->timer;
        assert_int_equal(c->n_monotonic, 4);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "Unit=t.service\n"
                                  "TimersMonotonic={ OnStartupUSec=5s ; next_elapse=0 }\n"
                                  "TimersMonotonic={ OnActiveUSec=1h 30min ; next_elapse=0 }\n"
                                  "TimersMonotonic={ OnActiveUSec=1h 30min ; next_elapse=0 }\n"
                                  "TimersMonotonic={ OnBootUSec=15min ; next_elapse=0 }\n"
                                  "OnClockChange=no\n"));
        log_capture_stop();
        unit_free(u);

        u = load_ok("t.timer", "[Timer]\nOnStartupSec=5\nOnCalendar=daily\nOnCalendar=\nOnBootSec=1\n");
        assert_null(u->timer->on_calendar);
        assert_int_equal(u->timer->n_monotonic, 1);
        assert_int_equal(u->timer->monotonic[0].base, TIMER_BOOT);
        unit_free(u);
}

/* OnCalendar= values are stored in order and shown last first; specifiers are expanded. */
static void test_calendar(void **state) {
        (void)state;
        Unit *u = load_ok("pg@15-main.timer", "[Timer]\nOnCalendar=weekly\nOnCalendar=Sun *-*-1..7 1:00:00\n");
        TimerConfig *c = u->timer;
        assert_int_equal(strv_length(c->on_calendar), 2);
        assert_string_equal(c->on_calendar[1], "Sun *-*-1..7 1:00:00");
        _cleanup_free_ char *s = show(u);
        char *a = strstr(s, "TimersCalendar={ OnCalendar=Sun *-*-01..07 01:00:00 ; next_elapse=");
        char *b = strstr(s, "TimersCalendar={ OnCalendar=Mon *-*-* 00:00:00 ; next_elapse=");
        assert_non_null(a);
        assert_non_null(b);
        assert_true(a < b);
        unit_free(u);
}

/* Unit=: one only, of a valid type, not the timer itself; templates get our instance or prefix. */
static void test_trigger_unit(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("t2.timer", "[Timer]\nOnActiveSec=5\nUnit=\nUnit=t2.timer\nUnit=foo\nUnit=foo.bar\n"
                                      "Unit=a@.service\nUnit=b.service\n");
        const char *log = log_captured();
        assert_non_null(strstr(log, "t2.timer:3: Unit type not valid, ignoring: \n"));
        assert_non_null(strstr(log, "t2.timer:4: Units cannot trigger themselves, ignoring: t2.timer\n"));
        assert_non_null(strstr(log, "t2.timer:5: Unit type not valid, ignoring: foo\n"));
        assert_non_null(strstr(log, "t2.timer:6: Unit type not valid, ignoring: foo.bar\n"));
        assert_non_null(strstr(log, "t2.timer:8: Multiple units to trigger specified, ignoring: b.service\n"));
        assert_string_equal(u->timer->unit, "a@t2.service");
        assert_true(unit_has_dependency(u, UNIT_TRIGGERS, "a@t2.service"));
        assert_true(unit_has_dependency(u, UNIT_BEFORE, "a@t2.service"));
        assert_false(unit_has_dependency(u, UNIT_TRIGGERS, "t2.service"));
        log_capture_stop();
        unit_free(u);

        u = load_ok("x@inst.timer", "[Timer]\nOnActiveSec=5\nUnit=y@.service\n");
        assert_string_equal(u->timer->unit, "y@inst.service");
        unit_free(u);
}

/* Scalar settings and their warnings. */
static void test_scalars(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("t.timer", "[Timer]\nOnBootSec=1\nAccuracySec=0\nRandomizedDelaySec=1h\nFixedRandomDelay=yes\n"
                                     "OnClockChange=yes\nOnTimezoneChange=true\nWakeSystem=on\nRemainAfterElapse=no\n"
                                     "Persistent=x\n");
        TimerConfig *c = u->timer;
        assert_true(c->accuracy_usec == 0);
        assert_true(c->random_usec == 3600 * USEC_PER_SEC);
        assert_true(c->fixed_random_delay && c->on_clock_change && c->on_timezone_change && c->wake_system);
        assert_false(c->remain_after_elapse);
        assert_false(c->persistent);
        assert_non_null(strstr(log_captured(), "t.timer:10: "));
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nAccuracyUSec=0\nRandomizedDelayUSec=1h\nFixedRandomDelay=yes\n"));
        assert_non_null(strstr(s, "\nOnClockChange=yes\nOnTimezoneChange=yes\n"));
        log_capture_stop();
        unit_free(u);
}

/* timer_verify(): a timer needs a trigger; OnClockChange= alone counts as one. */
static void test_verify(void **state) {
        (void)state;
        log_capture_start();
        int r;
        Unit *u = load("notimer.timer", "[Timer]\nPersistent=yes\n", &r);
        assert_int_equal(r, -ENOEXEC);
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_non_null(strstr(log_captured(), "notimer.timer: Timer unit lacks value setting. Refusing.\n"));
        unit_free(u);
        u = load("reset.timer", "[Timer]\nOnBootSec=5\nOnCalendar=daily\nOnBootSec=\n", &r);
        assert_int_equal(r, -ENOEXEC);
        unit_free(u);
        log_capture_stop();
        u = load_ok("clock.timer", "[Timer]\nOnClockChange=yes\n");
        unit_free(u);
}

/* calendar_spec_normalize() against `systemd-analyze calendar` (systemd 252) output. */
static void test_calendar_normalize(void **state) {
        (void)state;
        static const char *const cases[][2] = {
                { "*-*-* 07..23:30", "*-*-* 07..23:30:00" }, { "1:05:00", "*-*-* 01:05:00" },
                { "*:00/10", "*-*-* *:00/10:00" }, { "18,6:00", "*-*-* 06,18:00:00" },
                { "6,6:00", "*-*-* 06:00:00" }, { "1..3,2:00", "*-*-* 01..03,02:00:00" },
                { "Wed,Mon..Tue", "Mon..Wed *-*-* 00:00:00" }, { "Sat..Sun 10:00", "Sat,Sun *-*-* 10:00:00" },
                { "Mon..Sun", "*-*-* 00:00:00" }, { "monday", "Mon *-*-* 00:00:00" },
                { "Sat,Mon 1:2:3.5", "Mon,Sat *-*-* 01:02:03.500000" }, { "20-1-1", "2020-01-01 00:00:00" },
                { "*-1..12/3-1", "*-01..10/3-01 00:00:00" }, { "2:00 utc", "*-*-* 02:00:00 UTC" },
                { "quarterly", "*-01,04,07,10-01 00:00:00" }, { "minutely", "*-*-* *:*:00" },
                { "Thu,Fri 2012-*-1,5 11:12:13", "Thu,Fri 2012-*-01,05 11:12:13" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *s = NULL;
                assert_int_equal(calendar_spec_normalize(cases[i][0], &s), 0);
                if (!streq(s, cases[i][1])) fail_msg("%s → %s, expected %s", cases[i][0], s, cases[i][1]);
        }
        /* invalid for systemd too */
        static const char *const bad[] = { "bogus", "24:00", "1:2:60", "05..03:00", "*/2:00" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *s = NULL;
                assert_true(calendar_spec_normalize(bad[i], &s) < 0);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus_apt_daily),
                cmocka_unit_test(test_corpus_instance),
                cmocka_unit_test(test_monotonic_values),
                cmocka_unit_test(test_invalid_calendar_ignored),
                cmocka_unit_test(test_calendar),
                cmocka_unit_test(test_calendar_normalize),
                cmocka_unit_test(test_trigger_unit),
                cmocka_unit_test(test_scalars),
                cmocka_unit_test(test_verify),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
