/* SPDX-License-Identifier: MIT */
/* daemon-reload in process (core-harness.h), in the middle of everything a unit can be doing:
 * each control phase of a service and of a socket, the restart delay, a waiting job; with the unit
 * file unchanged, changed or removed. Under ASan, any read of the replaced configuration fails. */
#include "core-harness.h"
#include "core/service.h"
#include "core/socket.h"

static const char *const phases_text =
        "[Service]\nExecStartPre=/bin/pre one\nExecStartPre=/bin/pre two\nExecStart=/bin/main\n"
        "ExecStartPost=/bin/post one\nExecStartPost=/bin/post two\nExecReload=/bin/reload one\nExecReload=/bin/reload two\n"
        "ExecStop=/bin/stop one\nExecStop=/bin/stop two\nExecStopPost=/bin/stoppost one\nExecStopPost=/bin/stoppost two\n";

static const char *const phases[] = { "p.service", NULL, NULL };

static Manager *new_phases(void) {
        const char *units[] = { "p.service", phases_text, NULL };
        return core_new(units);
}

static void reload(Manager *m) {
        assert_int_equal(manager_reload(m), 0);
        core_run(m);
}

/* Walk p.service to the first command of `path`, reload there (the file as `text`, or removed),
 * and let that command exit. */
static void reload_in(Manager *m, const char *path, const char *text) {
        core_job(m, JOB_START, "p.service");
        const char *lists[] = { "/bin/pre", "/bin/post" };
        for (size_t i = 0; i < ELEMENTSOF(lists) && !streq(lists[i], path); i++) {
                fake_exit_ok(m, fake_must_find(lists[i], "one"));
                fake_exit_ok(m, fake_must_find(lists[i], "two"));
        }
        if (streq(path, "/bin/reload"))
                core_job(m, JOB_RELOAD, "p.service");
        else if (streq(path, "/bin/stop") || streq(path, "/bin/stoppost"))
                core_job(m, JOB_STOP, "p.service");
        if (streq(path, "/bin/stoppost")) {
                fake_exit_ok(m, fake_must_find("/bin/stop", "one"));
                fake_exit_ok(m, fake_must_find("/bin/stop", "two"));
                fake_exit(m, fake_must_find("/bin/main", NULL), CLD_KILLED, SIGTERM);
        }
        pid_t first = fake_must_find(path, "one");
        core_write_unit("p.service", text);
        reload(m);
        fake_exit_ok(m, first);
}

static const char *const phase_paths[] = { "/bin/pre", "/bin/post", "/bin/reload", "/bin/stop",
                                           "/bin/stoppost" };

static void test_reload_during_each_control_phase_resumes_the_list(void **state) {
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(phase_paths); i++) {
                Manager *m = new_phases();
                reload_in(m, phase_paths[i], phases_text);
                /* the second command of the list runs, from the new configuration */
                fake_exit_ok(m, fake_must_find(phase_paths[i], "two"));
                core_free(m);
        }
}

static void test_reload_with_the_command_changed_does_not_resume_the_list(void **state) {
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(phase_paths); i++) {
                /* every first command gets another argument: each running one vanished */
                char changed[2048];
                snprintf(changed, sizeof changed, "%s", phases_text);
                for (char *p = changed; (p = strstr(p, " one\n")); p += 4) memcpy(p, " uno", 4);
                Manager *m = new_phases();
                log_capture_start();
                reload_in(m, phase_paths[i], changed);
                assert_true(log_has(
                        "p.service: Current command vanished from the unit file, execution of the command list won't be resumed."));
                assert_int_equal(fake_find(phase_paths[i], "two"), 0);
                log_capture_stop();
                core_free(m);
        }
}

static void test_reload_with_the_file_removed_goes_on_without_it(void **state) {
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(phase_paths); i++) {
                Manager *m = new_phases();
                reload_in(m, phase_paths[i], NULL);
                assert_int_equal(fake_find(phase_paths[i], "two"), 0);
                assert_string_equal(unit_load_state_to_string(core_unit(m, "p.service")->cfg->load_state),
                                    "not-found");
                /* the unit can still be stopped, and is */
                core_job(m, JOB_STOP, "p.service");
                pid_t main_pid = fake_find("/bin/main", NULL);
                if (main_pid) fake_exit(m, main_pid, CLD_KILLED, SIGTERM);
                assert_true(UNIT_IS_INACTIVE_OR_FAILED(core_unit(m, "p.service")->state));
                core_free(m);
        }
}

static void test_a_command_moved_in_its_list_is_found_again(void **state) {
        (void)state;
        Manager *m = new_phases();
        core_job(m, JOB_START, "p.service");
        pid_t first = fake_must_find("/bin/pre", "one");
        char moved[2048];
        snprintf(moved, sizeof moved, "[Service]\nExecStartPre=/bin/inserted\n%s",
                 phases_text + strlen("[Service]\n"));
        core_write_unit("p.service", moved);
        reload(m);
        fake_exit_ok(m, first);
        fake_must_find("/bin/pre", "two");
        assert_int_equal(fake_find("/bin/inserted", NULL), 0);
        core_free(m);
}

static void test_the_restart_timer_after_a_reload_starts_the_new_command(void **state) {
        (void)state;
        const char *units[] = {
                "r.service",
                "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/old\nRestart=always\nRestartSec=5\n",
                NULL
        };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "r.service");
        fake_exit(m, fake_must_find("/bin/old", NULL), CLD_EXITED, 1);
        assert_string_equal(core_sub(m, "r.service"), "auto-restart");
        core_write_unit(
                "r.service",
                "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/new\nRestart=always\nRestartSec=5\n");
        reload(m);
        fake_advance(m, 5 * USEC_PER_SEC);
        fake_must_find("/bin/new", NULL);
        assert_int_equal(fake_find("/bin/old", NULL), 0);
        core_free(m);
}

static void test_a_waiting_job_starts_the_reloaded_unit(void **state) {
        (void)state;
        const char *units[] = {
                "a.service", "[Service]\nType=notify\nExecStart=/bin/a\n",
                "b.service", "[Unit]\nAfter=a.service\nWants=a.service\n[Service]\nExecStart=/bin/b-old\n",
                NULL,
        };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "b.service");
        assert_non_null(core_unit(m, "b.service")->job);
        core_write_unit("b.service",
                        "[Unit]\nAfter=a.service\nWants=a.service\n[Service]\nExecStart=/bin/b-new\n");
        reload(m);
        core_notify(m, fake_must_find("/bin/a", NULL), 0, "READY=1");
        fake_must_find("/bin/b-new", NULL);
        core_free(m);
}

static void test_reload_during_a_socket_start_pre(void **state) {
        (void)state;
        char text[512];
        snprintf(text, sizeof text,
                 "[Socket]\nListenStream=@tinysd-test-core-reload-%d\nExecStartPre=/bin/spre one\n"
                 "ExecStartPre=/bin/spre two\n",
                 (int)getpid());
        const char *units[] = { "s.socket", text, "s.service", "[Service]\nExecStart=/bin/s\n", NULL };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "s.socket");
        pid_t first = fake_must_find("/bin/spre", "one");
        reload(m);
        fake_exit_ok(m, first); /* issue 15 finding 6: this read freed configuration */
        fake_exit_ok(m, fake_must_find("/bin/spre", "two"));
        assert_string_equal(core_sub(m, "s.socket"), "listening");
        core_free(m);
}

static void test_a_failed_reload_changes_nothing(void **state) {
        (void)state;
        Manager *m = new_phases();
        core_job(m, JOB_START, "p.service");
        Unit *before = core_unit(m, "p.service")->cfg;
        /* a search path that cannot be read: the new loader cannot be made */
        char etc[512];
        snprintf(etc, sizeof etc, "%s/etc/systemd/system", fake.root);
        assert_int_equal(chmod(etc, 0), 0);
        int r = manager_reload(m);
        assert_int_equal(chmod(etc, 0755), 0);
        if (r < 0) assert_ptr_equal(core_unit(m, "p.service")->cfg, before);
        fake_exit_ok(m, fake_must_find("/bin/pre", "one"));
        fake_must_find("/bin/pre", "two");
        core_free(m);
}

int main(void) {
        (void)phases;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reload_during_each_control_phase_resumes_the_list),
                cmocka_unit_test(test_reload_with_the_command_changed_does_not_resume_the_list),
                cmocka_unit_test(test_reload_with_the_file_removed_goes_on_without_it),
                cmocka_unit_test(test_a_command_moved_in_its_list_is_found_again),
                cmocka_unit_test(test_the_restart_timer_after_a_reload_starts_the_new_command),
                cmocka_unit_test(test_a_waiting_job_starts_the_reloaded_unit),
                cmocka_unit_test(test_reload_during_a_socket_start_pre),
                cmocka_unit_test(test_a_failed_reload_changes_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
