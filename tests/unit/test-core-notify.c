/* SPDX-License-Identifier: MIT */
/* sd_notify(3) datagrams in process (core-harness.h): who may speak for which unit, MAINPID=,
 * and messages around a stop, with forged credentials as a hostile process would send them. */
#include "core-harness.h"
#include "core/service.h"

static const char *const units[] = {
        "all.service",
        "[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/all\n",
        "main.service",
        "[Service]\nType=notify\nExecStart=/bin/main\nExecStartPost=/bin/post\n",
        "other.service",
        "[Service]\nExecStart=/bin/other\n",
        NULL,
};

/* A process of no unit: not a child of PID 1, its own session. */
static pid_t stranger(void) {
        FakeProc *f = &fake.procs[fake.n_procs++];
        pid_t pid = FAKE_PID_BASE + (pid_t)fake.n_procs + 1000;
        *f = (FakeProc){ .pid = pid, .ppid = FAKE_PID_BASE - 7, .sid = pid, .pgid = pid, .state = 'S' };
        return pid;
}

/* A child that process `parent` forked (same session). */
static pid_t child_of(pid_t parent) {
        FakeProc *f = &fake.procs[fake.n_procs++];
        pid_t pid = FAKE_PID_BASE + (pid_t)fake.n_procs + 2000;
        *f = (FakeProc){ .pid = pid, .ppid = parent, .sid = parent, .pgid = parent, .state = 'S' };
        return pid;
}

static void test_a_process_of_no_unit_speaks_for_none(void **state) {
        (void)state;
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "all.service");
        pid_t s = stranger();
        core_notify(m, s, 65534, "READY=1");
        core_notify(m, s, 0, "READY=1");
        assert_string_equal(core_sub(m, "all.service"), "start");
        char want[96];
        snprintf(want, sizeof want, "Cannot find unit for notify message of PID %d, ignoring.", (int)s);
        assert_true(log_has(want));
        /* the unit's own child may (NotifyAccess=all) */
        core_notify(m, child_of(fake_must_find("/bin/all", NULL)), 0, "READY=1");
        assert_string_equal(core_sub(m, "all.service"), "running");
        log_capture_stop();
        core_free(m);
}

static void test_notify_access_main_refuses_a_child(void **state) {
        (void)state;
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "main.service");
        pid_t main_pid = fake_must_find("/bin/main", NULL), kid = child_of(main_pid);
        core_notify(m, kid, 0, "READY=1");
        assert_string_equal(core_sub(m, "main.service"), "start");
        char want[160];
        snprintf(want, sizeof want,
                 "main.service: Got notification message from PID %d, but reception only permitted for main PID %d",
                 (int)kid, (int)main_pid);
        assert_true(log_has(want));
        core_notify(m, main_pid, 0, "READY=1");
        assert_string_equal(core_sub(m, "main.service"), "start-post");
        log_capture_stop();
        core_free(m);
}

static void test_mainpid_rules(void **state) {
        (void)state;
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "other.service");
        core_job(m, JOB_START, "all.service");
        pid_t all = fake_must_find("/bin/all", NULL), other = fake_must_find("/bin/other", NULL);
        Service *s = SERVICE(core_unit(m, "all.service"));
        char msg[64];
        /* another unit's main process: never, not even from root */
        snprintf(msg, sizeof msg, "MAINPID=%d", (int)other);
        core_notify(m, all, 0, msg);
        assert_int_equal(s->main_pid, all);
        assert_true(log_has("belongs to other.service, refusing."));
        /* PID 1 and the manager */
        core_notify(m, all, 0, "MAINPID=1");
        assert_int_equal(s->main_pid, all);
        assert_true(log_has("all.service: New main PID 1 is the manager, refusing."));
        /* a process of no unit: only from root */
        pid_t loose = stranger();
        snprintf(msg, sizeof msg, "MAINPID=%d", (int)loose);
        core_notify(m, all, 65534, msg);
        assert_int_equal(s->main_pid, all);
        core_notify(m, all, 0, msg);
        assert_int_equal(s->main_pid, loose);
        /* a process of the unit: from anyone */
        pid_t kid = child_of(all);
        snprintf(msg, sizeof msg, "MAINPID=%d", (int)kid);
        core_notify(m, all, 65534, msg);
        assert_int_equal(s->main_pid, kid);
        /* a pid that is gone */
        snprintf(msg, sizeof msg, "MAINPID=%d", FAKE_PID_BASE + 99999);
        core_notify(m, kid, 0, msg);
        assert_int_equal(s->main_pid, kid);
        assert_true(log_has("does not exist or is a zombie."));
        log_capture_stop();
        core_free(m);
}

static void test_stopping_from_the_main_process_while_it_is_stopped(void **state) {
        (void)state;
        Manager *m = core_new(units);
        log_capture_start();
        core_job(m, JOB_START, "main.service");
        pid_t main_pid = fake_must_find("/bin/main", NULL);
        core_notify(m, main_pid, 0, "READY=1");
        fake_exit_ok(m, fake_must_find("/bin/post", NULL));
        core_job(m, JOB_STOP, "main.service");
        assert_string_equal(core_sub(m, "main.service"), "stop-sigterm");
        core_notify(m, main_pid, 0, "STOPPING=1\nSTATUS=bye");
        assert_false(log_has("reception only permitted"));
        assert_string_equal(SERVICE(core_unit(m, "main.service"))->status_text, "bye");
        fake_exit(m, main_pid, CLD_KILLED, SIGTERM);
        assert_string_equal(core_state(m, "main.service"), "inactive");
        log_capture_stop();
        core_free(m);
}

static void test_fds_are_stored_only_for_the_unit_that_sent_them(void **state) {
        (void)state;
        const char *const store[] = {
                "keep.service", "[Service]\nType=notify\nFileDescriptorStoreMax=4\nExecStart=/bin/keep\n", NULL
        };
        Manager *m = core_new(store);
        core_job(m, JOB_START, "keep.service");
        pid_t keep = fake_must_find("/bin/keep", NULL);
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        struct ucred cred = { .pid = keep, .uid = 0 };
        int fds[1] = { p[0] };
        const char *text = "FDSTORE=1\nFDNAME=state";
        manager_notify_dispatch(m, &cred, text, strlen(text), fds, 1);
        Service *s = SERVICE(core_unit(m, "keep.service"));
        assert_int_equal(s->n_fd_store, 1);
        assert_string_equal(s->fd_store_names[0], "state");
        /* a stranger's fds are closed, never stored */
        int q[2];
        assert_int_equal(pipe2(q, O_CLOEXEC), 0);
        struct ucred them = { .pid = stranger(), .uid = 0 };
        int theirs[1] = { q[0] };
        manager_notify_dispatch(m, &them, text, strlen(text), theirs, 1);
        assert_int_equal(s->n_fd_store, 1);
        assert_int_equal(fcntl(q[0], F_GETFD), -1); /* closed */
        close(p[1]);
        close(q[1]);
        core_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_a_process_of_no_unit_speaks_for_none),
                cmocka_unit_test(test_notify_access_main_refuses_a_child),
                cmocka_unit_test(test_mainpid_rules),
                cmocka_unit_test(test_stopping_from_the_main_process_while_it_is_stopped),
                cmocka_unit_test(test_fds_are_stored_only_for_the_unit_that_sent_them),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
