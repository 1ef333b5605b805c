/* SPDX-License-Identifier: MIT */
/* The install layer on temporary root trees: unit file states, enable/disable with their change
 * lists, mask/unmask, presets, the default target (expectations from systemd 252's behaviour,
 * as `systemctl --root=` shows it; tests/integration/test_install_offline.py compares directly). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "base/strv.h"
#include "log-capture.h"
#include "tmptree.h"
#include "unit/install.h"

#define SVC "[Service]\nExecStart=/bin/true\n"
#define LIB "usr/lib/systemd/system/"
#define ETC "etc/systemd/system/"

static char *make_tree(void) {
        char *root = tmptree_new();
        assert_non_null(root);
        tmptree_write(root, LIB "multi-user.target", "[Unit]\n");
        tmptree_write(root, LIB "graphical.target", "[Unit]\n");
        tmptree_link(root, LIB "default.target", "graphical.target");
        tmptree_write(root, LIB "foo.service", SVC "[Install]\nWantedBy=multi-user.target\nAlias=bar.service\n");
        tmptree_write(root, LIB "req.service", SVC "[Install]\nRequiredBy=multi-user.target\n");
        tmptree_write(root, LIB "static.service", SVC);
        tmptree_write(root, LIB "also.service", SVC "[Install]\nAlso=foo.service\n");
        tmptree_write(root, LIB "t@.service", SVC "[Install]\nWantedBy=multi-user.target\nDefaultInstance=x\n");
        tmptree_write(root, "run/systemd/generator/gen.service", SVC);
        tmptree_write(root, "run/systemd/transient/trans.service", SVC);
        return root;
}

static UnitFileState state(const char *root, const char *name) {
        UnitFileState s = _UNIT_FILE_STATE_MAX;
        assert_int_equal(install_get_state(root, name, &s), 0);
        return s;
}

static bool is_link_to(const char *root, const char *rel, const char *target) {
        char p[4096], buf[4096];
        snprintf(p, sizeof p, "%s/%s", root, rel);
        ssize_t n = readlink(p, buf, sizeof buf - 1);
        if (n < 0) return false;
        buf[n] = 0;
        return streq(buf, target);
}

static bool exists(const char *root, const char *rel) {
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", root, rel);
        return lstat(p, &st) == 0;
}

static void test_state_strings(void **s) {
        (void)s;
        assert_string_equal(unit_file_state_to_string(UNIT_FILE_STATE_ENABLED_RUNTIME), "enabled-runtime");
        assert_int_equal(unit_file_state_from_string("bad"), UNIT_FILE_STATE_BAD);
        assert_int_equal(unit_file_state_from_string("nope"), -EINVAL);
        assert_string_equal(install_change_type_to_string(INSTALL_CHANGE_UNLINK), "unlink");
        assert_null(install_change_type_to_string(-ENOENT));
        assert_int_equal(preset_mode_from_string("enable-only"), PRESET_ENABLE_ONLY);
}

static void test_initial_states(void **s) {
        (void)s;
        char *root = make_tree();
        assert_int_equal(state(root, "foo.service"), UNIT_FILE_STATE_DISABLED);
        assert_int_equal(state(root, "static.service"), UNIT_FILE_STATE_STATIC);
        assert_int_equal(state(root, "also.service"), UNIT_FILE_STATE_INDIRECT);
        assert_int_equal(state(root, "default.target"), UNIT_FILE_STATE_ALIAS);
        assert_int_equal(state(root, "gen.service"), UNIT_FILE_STATE_GENERATED);
        assert_int_equal(state(root, "trans.service"), UNIT_FILE_STATE_TRANSIENT);
        UnitFileState st;
        assert_int_equal(install_get_state(root, "nope.service", &st), -ENOENT);
        assert_int_equal(install_get_state(root, "not a name", &st), -EINVAL);
        tmptree_free(root);
}

static void test_enable_disable(void **s) {
        (void)s;
        char *root = make_tree();
        char *names[] = { (char *)"foo.service", NULL };
        InstallChanges c = {0};
        assert_true(install_enable(root, 0, names, &c) > 0);  /* it has [Install] rules */
        assert_int_equal(c.n, 2);
        assert_int_equal(c.v[0].type, INSTALL_CHANGE_SYMLINK);
        assert_non_null(strstr(c.v[0].path, "/etc/systemd/system/bar.service"));
        assert_string_equal(c.v[0].source, "/usr/lib/systemd/system/foo.service");
        assert_true(is_link_to(root, ETC "multi-user.target.wants/foo.service", "/usr/lib/systemd/system/foo.service"));
        install_changes_done(&c);
        assert_int_equal(state(root, "foo.service"), UNIT_FILE_STATE_ENABLED);
        assert_int_equal(state(root, "bar.service"), UNIT_FILE_STATE_ALIAS);

        /* enabling again changes nothing */
        assert_true(install_enable(root, 0, names, &c) > 0);
        assert_int_equal(c.n, 0);

        char **links = NULL;
        assert_int_equal(install_get_links(root, false, "foo.service", &links), 0);
        assert_int_equal(strv_length(links), 2);
        strv_free(links);

        assert_int_equal(install_disable(root, 0, names, &c), 0);
        assert_int_equal(c.n, 2);
        assert_int_equal(c.v[0].type, INSTALL_CHANGE_UNLINK);
        assert_int_equal(c.v[1].type, INSTALL_CHANGE_UNLINK);
        install_changes_done(&c);
        assert_false(exists(root, ETC "multi-user.target.wants"));   /* emptied directory removed */
        assert_false(exists(root, ETC "bar.service"));
        assert_int_equal(state(root, "foo.service"), UNIT_FILE_STATE_DISABLED);
        tmptree_free(root);
}

static void test_enable_errors(void **s) {
        (void)s;
        char *root = make_tree();
        InstallChanges c = {0};
        char *missing[] = { (char *)"nope.service", NULL };
        assert_int_equal(install_enable(root, 0, missing, &c), -ENOENT);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.v[0].type, -ENOENT);
        assert_string_equal(c.v[0].path, "nope.service");
        assert_string_equal(install_error_name(c.v[0].type), "org.freedesktop.systemd1.NoSuchUnit");
        char *m = install_error_message(&c.v[0]);
        assert_string_equal(m, "Unit file nope.service does not exist.");
        free(m);
        install_changes_done(&c);

        char *st[] = { (char *)"static.service", NULL };
        assert_int_equal(install_enable(root, 0, st, &c), 0);   /* no [Install] rules */
        assert_int_equal(c.n, 0);

        char *gen[] = { (char *)"gen.service", NULL };
        assert_int_equal(install_enable(root, 0, gen, &c), -EADDRNOTAVAIL);
        install_changes_done(&c);

        char *foo[] = { (char *)"foo.service", NULL };
        assert_int_equal(install_mask(root, 0, foo, &c), 0);
        install_changes_done(&c);
        assert_int_equal(install_enable(root, 0, foo, &c), -ERFKILL);
        assert_string_equal(install_error_name(-ERFKILL), "org.freedesktop.systemd1.UnitMasked");
        install_changes_done(&c);
        tmptree_free(root);
}

static void test_also_and_template(void **s) {
        (void)s;
        char *root = make_tree();
        InstallChanges c = {0};
        char *also[] = { (char *)"also.service", NULL };
        assert_true(install_enable(root, 0, also, &c) > 0);
        install_changes_done(&c);
        assert_int_equal(state(root, "foo.service"), UNIT_FILE_STATE_ENABLED);

        char *tmpl[] = { (char *)"t@.service", NULL };
        assert_true(install_enable(root, 0, tmpl, &c) > 0);
        install_changes_done(&c);
        assert_true(is_link_to(root, ETC "multi-user.target.wants/t@x.service", "/usr/lib/systemd/system/t@.service"));
        assert_int_equal(state(root, "t@.service"), UNIT_FILE_STATE_ENABLED);
        assert_int_equal(state(root, "t@x.service"), UNIT_FILE_STATE_ENABLED);
        assert_int_equal(state(root, "t@y.service"), UNIT_FILE_STATE_DISABLED);

        char *inst[] = { (char *)"t@y.service", NULL };
        assert_true(install_enable(root, 0, inst, &c) > 0);
        install_changes_done(&c);
        assert_true(exists(root, ETC "multi-user.target.wants/t@y.service"));
        tmptree_free(root);
}

static void test_mask_unmask_runtime(void **s) {
        (void)s;
        char *root = make_tree();
        InstallChanges c = {0};
        char *names[] = { (char *)"static.service", NULL };
        assert_int_equal(install_mask(root, INSTALL_RUNTIME, names, &c), 0);
        assert_true(is_link_to(root, "run/systemd/system/static.service", "/dev/null"));
        install_changes_done(&c);
        assert_int_equal(state(root, "static.service"), UNIT_FILE_STATE_MASKED_RUNTIME);
        assert_int_equal(install_unmask(root, 0, names, &c), 0);
        assert_int_equal(c.n, 0);   /* nothing masked in /etc */
        assert_int_equal(install_unmask(root, INSTALL_RUNTIME, names, &c), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.v[0].type, INSTALL_CHANGE_UNLINK);
        install_changes_done(&c);
        assert_int_equal(state(root, "static.service"), UNIT_FILE_STATE_STATIC);
        tmptree_free(root);
}

/* revert: drop-ins of /etc, /run, system.control go; an /etc copy of a vendor unit goes with the
 * links enable made to it; a unit only in /etc keeps its file; a generated one counts as vendor. */
static void test_revert(void **s) {
        (void)s;
        char *root = make_tree();
        InstallChanges c = {0};
        tmptree_write(root, ETC "foo.service", SVC "[Install]\nWantedBy=multi-user.target\n");
        tmptree_write(root, ETC "foo.service.d/a.conf", "[Unit]\n");
        tmptree_write(root, "etc/systemd/system.control/foo.service.d/50-CPUWeight.conf", "[Service]\n");
        tmptree_write(root, ETC "own.service", SVC);
        tmptree_write(root, "run/systemd/system/own.service.d/b.conf", "[Unit]\n");
        tmptree_write(root, ETC "gen.service", SVC);
        char *foo[] = { (char *)"foo.service", NULL };
        assert_true(install_enable(root, 0, foo, &c) >= 0);
        install_changes_done(&c);
        assert_true(is_link_to(root, ETC "multi-user.target.wants/foo.service", "/etc/systemd/system/foo.service"));
        char *names[] = { (char *)"foo.service", (char *)"own.service", (char *)"gen.service", NULL };
        assert_int_equal(install_revert(root, names, &c), 0);
        for (size_t i = 0; i < c.n; i++) assert_int_equal(c.v[i].type, INSTALL_CHANGE_UNLINK);
        assert_int_equal(c.n, 9);   /* 3 drop-in files, 3 directories, 2 copies, 1 link */
        install_changes_done(&c);
        assert_false(exists(root, ETC "foo.service") || exists(root, ETC "foo.service.d"));
        assert_false(exists(root, "etc/systemd/system.control/foo.service.d"));
        assert_false(exists(root, ETC "multi-user.target.wants/foo.service"));
        assert_true(exists(root, LIB "foo.service"));
        assert_true(exists(root, ETC "own.service"));
        assert_false(exists(root, "run/systemd/system/own.service.d"));
        assert_false(exists(root, ETC "gen.service"));
        char *bad[] = { (char *)"no/such", NULL };
        assert_int_equal(install_revert(root, bad, &c), -EINVAL);
        tmptree_free(root);
}

static void test_presets(void **s) {
        (void)s;
        char *root = make_tree();
        tmptree_write(root, "usr/lib/systemd/system-preset/90-default.preset", "enable foo.service\n"
                      "enable t@.service a b\ndisable *\n");
        tmptree_write(root, "etc/systemd/system-preset/10-local.preset", "# comment\ndisable foo.service\nbogus line\n");
        Presets ps = {0};
        log_capture_start();
        assert_int_equal(presets_read(root, &ps), 0);
        assert_non_null(strstr(log_captured(), "Couldn't parse line 'bogus line'. Ignoring."));
        log_capture_stop();
        assert_int_equal(presets_query(&ps, "foo.service"), 0);       /* 10-local.preset sorts first */
        assert_int_equal(presets_query(&ps, "t@.service"), 1);
        assert_int_equal(presets_query(&ps, "req.service"), 0);
        presets_done(&ps);

        InstallChanges c = {0};
        char *names[] = { (char *)"t@.service", (char *)"req.service", NULL };
        assert_true(install_preset(root, 0, names, PRESET_FULL, &c) >= 0);
        install_changes_done(&c);
        assert_true(exists(root, ETC "multi-user.target.wants/t@a.service"));
        assert_true(exists(root, ETC "multi-user.target.wants/t@b.service"));
        assert_false(exists(root, ETC "multi-user.target.requires/req.service"));
        tmptree_free(root);
}

static void test_default_target(void **s) {
        (void)s;
        char *root = make_tree();
        char *name = NULL;
        assert_int_equal(install_get_default(root, &name), 0);
        assert_string_equal(name, "graphical.target");
        free(name);
        InstallChanges c = {0};
        assert_int_equal(install_set_default(root, INSTALL_FORCE, "multi-user.target", &c), 1);
        install_changes_done(&c);
        assert_int_equal(install_get_default(root, &name), 0);
        assert_string_equal(name, "multi-user.target");
        free(name);
        assert_int_equal(install_set_default(root, INSTALL_FORCE, "foo.service", &c), -EINVAL);
        assert_int_equal(install_set_default(root, INSTALL_FORCE, "default.target", &c), -EINVAL);
        install_changes_done(&c);
        tmptree_free(root);
}

static void test_list(void **s) {
        (void)s;
        char *root = make_tree();
        UnitFileListEntry *l = NULL;
        size_t n = 0;
        char *patterns[] = { (char *)"*.service", NULL }, *states[] = { (char *)"static", NULL };
        assert_int_equal(install_list(root, states, patterns, &l, &n), 0);
        assert_int_equal(n, 1);
        assert_non_null(strstr(l[0].path, "/usr/lib/systemd/system/static.service"));
        install_list_free(l, n);
        assert_int_equal(install_list(root, NULL, NULL, &l, &n), 0);
        assert_int_equal(n, 10);
        install_list_free(l, n);
        tmptree_free(root);
}

/* add-wants/add-requires: one link per name, none of the names' own [Install] rules */
static void test_add_dependency(void **s) {
        (void)s;
        char *root = make_tree();
        InstallChanges c = {0};
        char *names[] = { (char *)"foo.service", (char *)"static.service", NULL };
        assert_true(install_add_dependency(root, 0, names, "graphical.target", false, &c) >= 0);
        assert_int_equal(c.n, 2);
        assert_int_equal(c.v[0].type, INSTALL_CHANGE_SYMLINK);
        assert_string_equal(c.v[0].source, "/usr/lib/systemd/system/foo.service");
        assert_true(is_link_to(root, ETC "graphical.target.wants/foo.service", "/usr/lib/systemd/system/foo.service"));
        assert_true(is_link_to(root, ETC "graphical.target.wants/static.service", "/usr/lib/systemd/system/static.service"));
        assert_false(exists(root, ETC "multi-user.target.wants"));   /* foo's WantedBy= not applied */
        assert_false(exists(root, ETC "bar.service"));               /* nor its Alias= */
        install_changes_done(&c);

        assert_true(install_add_dependency(root, INSTALL_RUNTIME, names, "foo.service", true, &c) >= 0);
        assert_true(exists(root, "run/systemd/system/foo.service.requires/static.service"));
        install_changes_done(&c);

        char *missing[] = { (char *)"nope.service", NULL };
        assert_int_equal(install_add_dependency(root, 0, missing, "graphical.target", false, &c), -ENOENT);
        assert_int_equal(c.v[c.n - 1].type, -ENOENT);
        install_changes_done(&c);
        assert_int_equal(install_add_dependency(root, 0, names, "nope.target", false, &c), -ENOENT);
        install_changes_done(&c);
        assert_int_equal(install_add_dependency(root, 0, names, "not a name", false, &c), -EUCLEAN);
        install_changes_done(&c);
        tmptree_free(root);
}

int main(void) {
        unsetenv("SYSTEMD_UNIT_PATH");
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_state_strings),
                cmocka_unit_test(test_initial_states),
                cmocka_unit_test(test_enable_disable),
                cmocka_unit_test(test_enable_errors),
                cmocka_unit_test(test_add_dependency),
                cmocka_unit_test(test_also_and_template),
                cmocka_unit_test(test_mask_unmask_runtime),
                cmocka_unit_test(test_revert),
                cmocka_unit_test(test_presets),
                cmocka_unit_test(test_default_target),
                cmocka_unit_test(test_list),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
