/* SPDX-License-Identifier: MIT */
/* Path units in process (core-harness.h): real inotify on a temporary directory, the fake
 * processes of the unit they start. */
#include <sys/stat.h>
#include "core-harness.h"
#include "core/path.h"

static char dir[256], text[1024];

static const char *const *path_units(const char *directive) {
        char *d = tmptree_new();
        assert_non_null(d);
        snprintf(dir, sizeof dir, "%s", d);
        free(d);
        snprintf(text, sizeof text, "[Path]\n%s=%s/flag\n", directive, dir);
        static const char *units[5];
        units[0] = "watch.path";
        units[1] = text;
        units[2] = "watch.service";
        units[3] = "[Service]\nType=oneshot\nExecStart=/bin/handle\n";
        units[4] = NULL;
        return units;
}

static void touch_flag(void) {
        char p[300];
        snprintf(p, sizeof p, "%s/flag", dir);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs("x", f);
        fclose(f);
}

static void remove_dir(void) {
        char p[300];
        snprintf(p, sizeof p, "%s/flag", dir);
        (void)unlink(p);
        (void)rmdir(dir);
}

static void test_path_exists_starts_the_unit_when_the_file_appears(void **state) {
        (void)state;
        Manager *m = core_new(path_units("PathExists"));
        core_job(m, JOB_START, "watch.path");
        assert_string_equal(core_sub(m, "watch.path"), "waiting");
        assert_int_equal(fake_find("/bin/handle", NULL), 0);
        touch_flag();
        core_run(m);
        pid_t h = fake_must_find("/bin/handle", NULL);
        assert_string_equal(core_sub(m, "watch.path"), "running");
        /* the file is still there: once the unit is gone it is started again */
        fake_exit_ok(m, h);
        assert_true(fake_must_find("/bin/handle", NULL) != h);
        core_free(m);
        remove_dir();
}

static void test_path_changed_fires_on_close_after_write(void **state) {
        (void)state;
        Manager *m = core_new(path_units("PathChanged"));
        touch_flag();
        core_job(m, JOB_START, "watch.path");
        assert_int_equal(fake_find("/bin/handle", NULL), 0); /* existing is no change */
        touch_flag();
        core_run(m);
        fake_exit_ok(m, fake_must_find("/bin/handle", NULL));
        assert_string_equal(core_sub(m, "watch.path"), "waiting");
        core_job(m, JOB_STOP, "watch.path");
        assert_string_equal(core_state(m, "watch.path"), "inactive");
        core_free(m);
        remove_dir();
}

static void test_trigger_limit_fails_the_path_unit(void **state) {
        (void)state;
        char extra[600];
        const char *const *units = path_units("PathExists");
        snprintf(extra, sizeof extra, "%sTriggerLimitBurst=2\nTriggerLimitIntervalSec=1h\n", units[1]);
        const char *const limited[] = { units[0], extra, units[2], units[3], NULL };
        touch_flag();
        Manager *m = core_new(limited);
        log_capture_start();
        core_job(m, JOB_START, "watch.path");
        fake_exit_ok(m, fake_must_find("/bin/handle", NULL));
        fake_exit_ok(m, fake_must_find("/bin/handle", NULL));
        assert_true(log_has("watch.path: Trigger limit hit, refusing further activation."));
        assert_string_equal(core_state(m, "watch.path"), "failed");
        log_capture_stop();
        core_free(m);
        remove_dir();
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_path_exists_starts_the_unit_when_the_file_appears),
                cmocka_unit_test(test_path_changed_fires_on_close_after_write),
                cmocka_unit_test(test_trigger_limit_fails_the_path_unit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
