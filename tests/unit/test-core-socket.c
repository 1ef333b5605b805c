/* SPDX-License-Identifier: MIT */
/* Socket units in process (core-harness.h): control commands, listening, activation of the
 * service with the listening fds, Accept=yes instances, stopping. The sockets are real (abstract
 * AF_UNIX names), the processes fake. */
#include <sys/un.h>
#include "core-harness.h"
#include "core/service.h"
#include "core/socket.h"

static char unit_text[1024], addr[108];

static const char *const *socket_units(const char *extra) {
        snprintf(addr, sizeof addr, "@tinysd-test-core-socket-%d", (int)getpid());
        snprintf(unit_text, sizeof unit_text,
                 "[Socket]\nListenStream=%s\nExecStartPre=/bin/pre one\nExecStartPre=/bin/pre two\n"
                 "ExecStopPre=/bin/stoppre one\nExecStopPost=/bin/stoppost one\n%s",
                 addr, extra);
        static const char *units[5];
        units[0] = "echo.socket";
        units[1] = unit_text;
        units[2] = "echo.service";
        units[3] = "[Service]\nExecStart=/bin/echod\n";
        units[4] = NULL;
        return units;
}

static int connect_to(const char *name) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t n = strlen(name);
        memcpy(sa.sun_path, name, n);
        sa.sun_path[0] = 0; /* abstract */
        assert_int_equal(
                connect(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)),
                0);
        return fd;
}

static void start_listening(Manager *m) {
        core_job(m, JOB_START, "echo.socket");
        assert_string_equal(core_sub(m, "echo.socket"), "start-pre");
        fake_exit_ok(m, fake_must_find("/bin/pre", "one"));
        fake_exit_ok(m, fake_must_find("/bin/pre", "two"));
        assert_string_equal(core_sub(m, "echo.socket"), "listening");
}

static void test_traffic_starts_the_service_with_the_listening_fd(void **state) {
        (void)state;
        Manager *m = core_new(socket_units(""));
        start_listening(m);
        assert_int_equal(fake_find("/bin/echod", NULL), 0);
        int c = connect_to(addr);
        core_run(m);
        pid_t svc = fake_must_find("/bin/echod", NULL);
        assert_true(strv_contains(fake_proc(svc)->env, "LISTEN_FDS=1"));
        assert_true(strv_contains(fake_proc(svc)->env, "LISTEN_FDNAMES=echo.socket"));
        assert_string_equal(core_sub(m, "echo.socket"), "running");
        /* the service takes the connection (on the fd it was given) and exits: the socket listens again */
        Socket *s = SOCKET(core_unit(m, "echo.socket"));
        assert_int_equal(s->n_fds, 1);
        int a = accept4(s->fds[0], NULL, NULL, SOCK_CLOEXEC);
        assert_true(a >= 0);
        close(a);
        fake_exit_ok(m, svc);
        assert_string_equal(core_sub(m, "echo.socket"), "listening");
        close(c);
        core_free(m);
}

static void test_stop_runs_stop_pre_and_post(void **state) {
        (void)state;
        Manager *m = core_new(socket_units(""));
        start_listening(m);
        core_job(m, JOB_STOP, "echo.socket");
        assert_string_equal(core_sub(m, "echo.socket"), "stop-pre");
        fake_exit_ok(m, fake_must_find("/bin/stoppre", "one"));
        assert_string_equal(core_sub(m, "echo.socket"), "stop-post");
        fake_exit_ok(m, fake_must_find("/bin/stoppost", "one"));
        assert_string_equal(core_state(m, "echo.socket"), "inactive");
        core_free(m);
}

static void test_a_failing_start_pre_fails_the_socket(void **state) {
        (void)state;
        Manager *m = core_new(socket_units(""));
        core_job(m, JOB_START, "echo.socket");
        fake_exit(m, fake_must_find("/bin/pre", "one"), CLD_EXITED, 1);
        assert_int_equal(fake_find("/bin/pre", "two"), 0);
        fake_exit_ok(m, fake_must_find("/bin/stoppre", "one"));
        fake_exit_ok(m, fake_must_find("/bin/stoppost", "one"));
        assert_string_equal(core_state(m, "echo.socket"), "failed");
        assert_int_equal(SOCKET(core_unit(m, "echo.socket"))->result, SOCKET_FAILURE_EXIT_CODE);
        core_free(m);
}

static void test_control_timeout_kills_the_command(void **state) {
        (void)state;
        Manager *m = core_new(socket_units("TimeoutSec=4\n"));
        log_capture_start();
        core_job(m, JOB_START, "echo.socket");
        pid_t pre = fake_must_find("/bin/pre", "one");
        fake_advance(m, 5 * USEC_PER_SEC);
        assert_true(log_has("echo.socket: ExecStartPre operation timed out. Terminating."));
        assert_int_equal(fake_signalled(pre, SIGTERM), 1);
        fake_advance(m, 6 * USEC_PER_SEC);
        assert_int_equal(fake_signalled(pre, SIGKILL), 1);
        fake_exit(m, pre, CLD_KILLED, SIGKILL);
        fake_exit_ok(m, fake_must_find("/bin/stoppre", "one"));
        fake_exit_ok(m, fake_must_find("/bin/stoppost", "one"));
        assert_string_equal(core_state(m, "echo.socket"), "failed");
        assert_int_equal(SOCKET(core_unit(m, "echo.socket"))->result, SOCKET_FAILURE_TIMEOUT);
        log_capture_stop();
        core_free(m);
}

static void test_accept_yes_starts_an_instance_per_connection_and_collects_it(void **state) {
        (void)state;
        const char *const *units = socket_units("Accept=yes\n");
        static const char *with_template[7];
        memcpy(with_template, units, sizeof(char *) * 2);
        with_template[2] = "echo@.service";
        with_template[3] = "[Service]\nExecStart=/bin/echo-conn\nStandardInput=socket\n";
        with_template[4] = NULL;
        Manager *m = core_new(with_template);
        start_listening(m);
        int c = connect_to(addr);
        core_run(m);
        pid_t conn = fake_must_find("/bin/echo-conn", NULL);
        /* the instance (systemd's name: echo@N-PID-UID.service) holds the connection */
        Service *instance = NULL;
        for (size_t i = 0; i < m->n_list; i++)
                if (startswith(m->list[i]->id, "echo@0-")) instance = SERVICE(m->list[i]);
        assert_non_null(instance);
        assert_true(instance->socket_fd >= 0);
        Socket *s = SOCKET(core_unit(m, "echo.socket"));
        assert_int_equal(s->n_accepted, 1);
        assert_int_equal(s->n_connections, 1);
        assert_string_equal(core_sub(m, "echo.socket"), "listening");
        size_t before = m->n_list;
        fake_exit_ok(m, conn);
        core_run(m);
        assert_int_equal(s->n_connections, 0);
        assert_int_equal(m->n_list, before - 1); /* the finished instance was collected */
        close(c);
        core_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_traffic_starts_the_service_with_the_listening_fd),
                cmocka_unit_test(test_stop_runs_stop_pre_and_post),
                cmocka_unit_test(test_a_failing_start_pre_fails_the_socket),
                cmocka_unit_test(test_control_timeout_kills_the_command),
                cmocka_unit_test(test_accept_yes_starts_an_instance_per_connection_and_collects_it),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
