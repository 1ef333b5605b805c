/* SPDX-License-Identifier: MIT */
/* Environment handling and spawning: $VAR/${VAR} expansion as systemd.service(5) describes it,
 * EnvironmentFile= syntax, and a real fork+exec with working directory, umask, limits, stdio and
 * passed descriptors, plus systemd's exit codes for failures before exec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "base/strv.h"
#include "exec/capability.h"
#include "exec/env.h"
#include "exec/spawn.h"
#include "tmptree.h"

static void test_expand_argv(void **state) {
        (void)state;
        char *env[] = { "ONE=1", "MANY=a  b c", "EMPTY=", NULL };
        char *argv[] = { "/bin/x", "$MANY", "${MANY}", "pre${ONE}post", "$EMPTY", "$UNSET", "a$ONE", "$$ONE", NULL };
        char **out = NULL;
        assert_int_equal(env_expand_argv(argv, env, &out), 0);
        /* $MANY splits into words; ${MANY} stays one word; $EMPTY and $UNSET vanish; $X inside a
         * word is literal; $$ is a '$' */
        const char *want[] = { "/bin/x", "a", "b", "c", "a  b c", "pre1post", "a$ONE", "$ONE" };
        assert_int_equal(strv_length(out), ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) assert_string_equal(out[i], want[i]);
        strv_free(out);
}

static void test_env_set_unset_merge(void **state) {
        (void)state;
        char **env = NULL;
        assert_int_equal(env_set(&env, "A", "1"), 0);
        assert_int_equal(env_set(&env, "B", "2"), 0);
        assert_int_equal(env_set(&env, "A", "3"), 0);
        assert_string_equal(env_get(env, "A"), "3");
        char *more[] = { "C=4", "B=5", NULL };
        assert_int_equal(env_merge(&env, more), 0);
        assert_string_equal(env_get(env, "B"), "5");
        env_unset(env, "C=nope");  /* NAME=VALUE only removes an exact match */
        assert_string_equal(env_get(env, "C"), "4");
        env_unset(env, "C");
        assert_null(env_get(env, "C"));
        assert_int_equal(strv_length(env), 2);
        strv_free(env);
}

static void test_env_file(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "e", "# comment\n; other\nA=1\nexport B=two words\nC=\"quoted \\\"x\\\"\"\nD='single'\n"
                                 "E=con\\\ntinued\nnonsense line\n");
        char path[4096], **env = NULL;
        snprintf(path, sizeof path, "%s/e", root);
        assert_int_equal(env_file_read(path, &env), 0);
        assert_string_equal(env_get(env, "A"), "1");
        assert_string_equal(env_get(env, "B"), "two words");
        assert_string_equal(env_get(env, "C"), "quoted \"x\"");
        assert_string_equal(env_get(env, "D"), "single");
        assert_string_equal(env_get(env, "E"), "continued");
        assert_int_equal(strv_length(env), 5);
        strv_free(env);
        assert_int_equal(env_file_read("/nonexistent/env", &env), -ENOENT);
        tmptree_free(root);
}

/* Spawn, wait for the report pipe and the exit; returns the exit status, *failure the report. */
static int run(const SpawnParams *p, SpawnFailure *failure) {
        pid_t pid;
        int fd;
        assert_int_equal(exec_spawn(p, &pid, &fd), 0);
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        *failure = (SpawnFailure){0};
        ssize_t n = read(fd, failure, sizeof *failure);
        assert_true(n == 0 || n == (ssize_t)sizeof *failure);
        close(fd);
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_spawn_runs_with_context(void **state) {
        (void)state;
        char *root = tmptree_new();
        char out[4096], dir[4096];
        snprintf(out, sizeof out, "%s/out", root);
        snprintf(dir, sizeof dir, "%s", root);
        ExecContext c;
        exec_context_init(&c);
        c.umask = 027;
        c.working_directory = dir;
        struct rlimit nofile = { 123, 123 };
        c.rlimit[RLIMIT_NOFILE] = &nofile;
        char *argv[] = { "/bin/sh", "-c", "echo \"$GREETING ${GREETING}\" $(umask) $(pwd) $(ulimit -n) >&1; echo fd3 >&3", NULL };
        ExecCommand cmd = { .path = "/bin/sh", .argv = argv };
        char *env[] = { "GREETING=hi", "PATH=/usr/bin:/bin", NULL };
        int o = open(out, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        int pass[1] = { dup(o) };  /* becomes fd 3 */
        SpawnParams p = { .command = &cmd, .context = &c, .environment = env, .stdio = { -1, o, o },
                          .pass_fds = pass, .n_pass_fds = 1 };
        SpawnFailure f;
        assert_int_equal(run(&p, &f), 0);
        assert_int_equal(f.exit_status, 0);  /* EOF on the report pipe: exec succeeded */
        close(o);
        close(pass[0]);
        char buf[512] = {0}, want[4200];
        FILE *fp = fopen(out, "re");
        assert_non_null(fp);
        (void)!fread(buf, 1, sizeof buf - 1, fp);
        fclose(fp);
        snprintf(want, sizeof want, "hi hi 0027 %s 123\nfd3\n", dir);
        assert_string_equal(buf, want);
        c.working_directory = NULL;
        c.rlimit[RLIMIT_NOFILE] = NULL;
        exec_context_done(&c);
        tmptree_free(root);
}

static void test_spawn_failures_use_systemd_codes(void **state) {
        (void)state;
        ExecContext c;
        exec_context_init(&c);
        char *argv[] = { "/nonexistent/binary", NULL };
        ExecCommand cmd = { .path = "/nonexistent/binary", .argv = argv };
        char *env[] = { NULL };
        SpawnParams p = { .command = &cmd, .context = &c, .environment = env, .stdio = { -1, -1, -1 } };
        SpawnFailure f;
        assert_int_equal(run(&p, &f), EXIT_EXEC);
        assert_int_equal(f.exit_status, EXIT_EXEC);
        assert_int_equal(f.error, ENOENT);
        assert_string_equal(exec_exit_status_to_string(f.exit_status), "EXEC");
        /* a missing working directory is 200/CHDIR, unless '-' made it optional */
        char *argv2[] = { "/bin/true", NULL };
        ExecCommand t = { .path = "/bin/true", .argv = argv2 };
        p.command = &t;
        c.working_directory = "/nonexistent/dir";
        assert_int_equal(run(&p, &f), EXIT_CHDIR);
        assert_int_equal(f.error, ENOENT);
        c.working_directory_missing_ok = true;
        assert_int_equal(run(&p, &f), 0);
        c.working_directory = NULL;
        exec_context_done(&c);
}

/* As systemd: AmbientCapabilities= survive the switch to another user (keep-caps, raised again
 * after it), SecureBits= are set before the exec, CapabilityBoundingSet= is dropped. Needs root. */
static void test_spawn_ambient_caps_for_a_user(void **state) {
        (void)state;
        if (geteuid() != 0 || !capability_have_effective(CAP_SETUID) || !capability_have_effective(CAP_SETPCAP) ||
            !capability_have_effective(10))
                skip();
        char *root = tmptree_new();
        char out[4096];
        snprintf(out, sizeof out, "%s/out", root);
        ExecContext c;
        exec_context_init(&c);
        char *argv[] = { "/bin/sh", "-c", "id -u; grep -E '^Cap(Amb|Eff|Bnd)' /proc/self/status", NULL };
        ExecCommand cmd = { .path = "/bin/sh", .argv = argv };
        char *env[] = { "PATH=/usr/bin:/bin", NULL };
        int o = open(out, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        SpawnParams p = { .command = &cmd, .context = &c, .environment = env, .stdio = { -1, o, o },
                          .use_ids = true, .uid = 65534, .gid = 65534,
                          .apply_bounding_set = true, .bounding_set = CAP_MASK(10) | CAP_MASK(13),
                          .apply_ambient = true, .ambient_set = CAP_MASK(10),
                          .apply_secure_bits = true, .secure_bits = 0x1 };
        SpawnFailure f;
        assert_int_equal(run(&p, &f), 0);
        close(o);
        char buf[512] = {0};
        FILE *fp = fopen(out, "re");
        assert_non_null(fp);
        (void)!fread(buf, 1, sizeof buf - 1, fp);
        fclose(fp);
        assert_string_equal(buf, "65534\nCapEff:\t0000000000000400\nCapBnd:\t0000000000002400\nCapAmb:\t0000000000000400\n");
        exec_context_done(&c);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_expand_argv),
                cmocka_unit_test(test_env_set_unset_merge),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_spawn_runs_with_context),
                cmocka_unit_test(test_spawn_failures_use_systemd_codes),
                cmocka_unit_test(test_spawn_ambient_caps_for_a_user),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
