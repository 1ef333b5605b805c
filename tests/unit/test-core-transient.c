/* SPDX-License-Identifier: MIT */
/* Transient units in process (core-harness.h): a not-found unit given its transient file in place,
 * collected once finished (its file removed), kept while held or failed, and one unit's files read
 * again in place while its process runs (set-property). Under ASan, a read of a replaced
 * configuration fails. */
#include <sys/stat.h>
#include "core-harness.h"
#include "core/transient.h"

static const char *const web_text = "[Unit]\nDescription=Web\n[Service]\nExecStart=/bin/web\n";

static bool exists(const char *rel) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", fake.root, rel);
        return stat(path, &st) == 0;
}

/* Write name's transient file and load it (as StartTransientUnit does); the runtime unit. */
static MUnit *make_transient(Manager *m, const char *name, const char *text) {
        assert_int_equal(transient_unit_write(m, name, text), 0);
        char *names[] = { (char *)name, NULL };
        MUnit *u = NULL;
        assert_int_equal(transient_units_load(m, names, &u), 0);
        return u;
}

static void test_a_not_found_unit_becomes_transient_in_place_and_is_collected(void **state) {
        (void)state;
        Manager *m = core_new(NULL);
        MUnit *stub = core_unit(m, "t.service");
        assert_int_equal(stub->cfg->load_state, UNIT_NOT_FOUND);
        assert_true(transient_unit_is_pristine(stub));
        MUnit *u = make_transient(m, "t.service", "[Service]\nExecStart=/bin/t\n");
        assert_ptr_equal(u, stub);   /* the same runtime unit: its D-Bus path, whoever resolved it */
        assert_int_equal(u->cfg->load_state, UNIT_LOADED);
        assert_true(transient_unit_is(m, u->cfg));
        assert_false(transient_unit_is_pristine(u));
        core_job(m, JOB_START, "t.service");
        assert_string_equal(core_state(m, "t.service"), "active");
        fake_exit_ok(m, fake_must_find("/bin/t", NULL));
        core_run(m);
        assert_null(manager_get_unit(m, "t.service"));
        assert_false(exists("run/systemd/transient/t.service"));
        /* the name is free again, and not found until made anew */
        assert_int_equal(core_unit(m, "t.service")->cfg->load_state, UNIT_NOT_FOUND);
        core_free(m);
}

static void test_a_held_or_failed_unit_stays(void **state) {
        (void)state;
        Manager *m = core_new(NULL);
        MUnit *u = make_transient(m, "held.service", "[Service]\nExecStart=/bin/held\n");
        u->bus_refs = 1;
        core_job(m, JOB_START, "held.service");
        fake_exit_ok(m, fake_must_find("/bin/held", NULL));
        core_run(m);
        assert_ptr_equal(manager_get_unit(m, "held.service"), u);
        u->bus_refs = 0;                 /* the client went */
        transient_unit_check_collect(u);
        core_run(m);
        assert_null(manager_get_unit(m, "held.service"));

        u = make_transient(m, "bad.service", "[Service]\nExecStart=/bin/bad\n");
        core_job(m, JOB_START, "bad.service");
        fake_exit(m, fake_must_find("/bin/bad", NULL), CLD_EXITED, 1);
        core_run(m);
        assert_string_equal(core_state(m, "bad.service"), "failed");
        assert_true(exists("run/systemd/transient/bad.service"));
        munit_reset_failed(u);
        core_run(m);
        assert_null(manager_get_unit(m, "bad.service"));

        make_transient(m, "gone.service", "[Unit]\nCollectMode=inactive-or-failed\n[Service]\nExecStart=/bin/gone\n");
        core_job(m, JOB_START, "gone.service");
        fake_exit(m, fake_must_find("/bin/gone", NULL), CLD_EXITED, 1);
        core_run(m);
        assert_null(manager_get_unit(m, "gone.service"));
        assert_false(exists("run/systemd/transient/gone.service"));
        core_free(m);
}

static void test_a_timers_service_stays_while_the_timer_is_loaded(void **state) {
        (void)state;
        Manager *m = core_new(NULL);
        assert_int_equal(transient_unit_write(m, "x.timer", "[Timer]\nOnActiveSec=1h\n"), 0);
        assert_int_equal(transient_unit_write(m, "x.service", "[Service]\nExecStart=/bin/x\n"), 0);
        char *names[] = { "x.timer", "x.service", NULL };
        MUnit *t = NULL;
        assert_int_equal(transient_units_load(m, names, &t), 0);
        core_job(m, JOB_START, "x.timer");
        core_job(m, JOB_START, "x.service");
        fake_exit_ok(m, fake_must_find("/bin/x", NULL));
        core_run(m);
        assert_non_null(manager_get_unit(m, "x.service"));   /* x.timer triggers it */
        core_job(m, JOB_STOP, "x.timer");
        core_run(m);
        core_run(m);
        assert_null(manager_get_unit(m, "x.timer"));
        assert_null(manager_get_unit(m, "x.service"));
        core_free(m);
}

static void test_one_unit_read_again_while_it_runs(void **state) {
        (void)state;
        const char *units[] = { "web.service", web_text, NULL };
        Manager *m = core_new(units);
        core_job(m, JOB_START, "web.service");
        MUnit *u = core_unit(m, "web.service");
        pid_t pid = fake_must_find("/bin/web", NULL);
        tmptree_write(fake.root, "etc/systemd/system.control/web.service.d/50-Description.conf", "[Unit]\nDescription=Web two\n");
        assert_int_equal(loader_rescan(m->loader), 0);
        assert_int_equal(manager_reload_unit(m, u), 0);
        assert_int_equal(manager_load_dependencies(m), 0);
        core_run(m);
        assert_ptr_equal(core_unit(m, "web.service"), u);
        assert_string_equal(munit_description(u), "Web two");
        assert_string_equal(core_state(m, "web.service"), "active");
        assert_int_equal(munit_main_pid(u), pid);
        fake_exit_ok(m, pid);
        core_run(m);
        assert_string_equal(core_state(m, "web.service"), "inactive");   /* not transient: stays */
        assert_ptr_equal(manager_get_unit(m, "web.service"), u);
        core_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_a_not_found_unit_becomes_transient_in_place_and_is_collected),
                cmocka_unit_test(test_a_held_or_failed_unit_stays),
                cmocka_unit_test(test_a_timers_service_stays_while_the_timer_is_loaded),
                cmocka_unit_test(test_one_unit_read_again_while_it_runs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
