/* SPDX-License-Identifier: MIT */
/* Search paths, the name map and drop-in discovery, pinned to systemd 252 (systemd.unit(5),
 * `systemd-analyze unit-paths`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "base/strv.h"
#include "log-capture.h"
#include "tmptree.h"
#include "unit/lookup.h"

static void test_default_order(void **state) {
        (void)state;
        unsetenv("SYSTEMD_UNIT_PATH");
        LookupPaths lp;
        assert_int_equal(lookup_paths_init(&lp, NULL), 0);
        /* the order of `systemd-analyze unit-paths` on Debian 12 */
        const char *want[] = { "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
                               "/run/systemd/generator.early", "/etc/systemd/system", "/etc/systemd/system.attached",
                               "/run/systemd/system", "/run/systemd/system.attached", "/run/systemd/generator",
                               "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
                               "/run/systemd/generator.late" };
        assert_int_equal(strv_length(lp.search_path), ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) assert_string_equal(lp.search_path[i], want[i]);
        lookup_paths_done(&lp);
}

static void test_env_replaces_and_appends(void **state) {
        (void)state;
        LookupPaths lp;
        setenv("SYSTEMD_UNIT_PATH", "/a:/b", 1);
        assert_int_equal(lookup_paths_init(&lp, NULL), 0);
        assert_int_equal(strv_length(lp.search_path), 2);
        assert_string_equal(lp.search_path[1], "/b");
        lookup_paths_done(&lp);
        /* trailing ':' appends the defaults */
        setenv("SYSTEMD_UNIT_PATH", "/a:", 1);
        assert_int_equal(lookup_paths_init(&lp, NULL), 0);
        assert_string_equal(lp.search_path[0], "/a");
        assert_string_equal(lp.search_path[1], "/etc/systemd/system.control");
        assert_int_equal(strv_length(lp.search_path), 14);
        lookup_paths_done(&lp);
        unsetenv("SYSTEMD_UNIT_PATH");
}

static void test_root_prefix(void **state) {
        (void)state;
        unsetenv("SYSTEMD_UNIT_PATH");
        LookupPaths lp;
        assert_int_equal(lookup_paths_init(&lp, "/srv/img/"), 0);
        assert_string_equal(lp.search_path[4], "/srv/img/etc/systemd/system");
        assert_string_equal(lookup_path_unroot(&lp, "/srv/img/etc/systemd/system/a.service"), "/etc/systemd/system/a.service");
        lookup_paths_done(&lp);
}

typedef struct Fixture {
        char *root;
        LookupPaths lp;
        UnitFileMap map;
} Fixture;

static void fixture_build(Fixture *f) {
        unsetenv("SYSTEMD_UNIT_PATH");
        assert_int_equal(lookup_paths_init(&f->lp, f->root), 0);
        assert_int_equal(unit_file_map_build(&f->map, &f->lp), 0);
}

static void fixture_free(Fixture *f) {
        unit_file_map_done(&f->map);
        lookup_paths_done(&f->lp);
        tmptree_free(f->root);
}

static void find(Fixture *f, const char *name, int want_r, const char *want_id, const char *want_frag, bool want_masked) {
        char *id = NULL, *frag = NULL;
        bool masked;
        int r = unit_file_find_fragment(&f->map, name, &id, &frag, &masked);
        assert_int_equal(r, want_r);
        if (want_id) assert_string_equal(id, want_id);
        if (want_frag) {
                assert_non_null(frag);
                assert_string_equal(lookup_path_unroot(&f->lp, frag), want_frag);
        } else
                assert_null(frag);
        assert_int_equal(masked, want_masked);
        free(id);
        free(frag);
}

static void test_name_map(void **state) {
        (void)state;
        Fixture f = { .root = tmptree_new() };
        /* /etc wins over /lib for the same name */
        tmptree_write(f.root, "etc/systemd/system/a.service", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/a.service", "[Service]\n");
        /* alias by symlink, relative */
        tmptree_write(f.root, "lib/systemd/system/real.service", "[Service]\n");
        tmptree_link(f.root, "lib/systemd/system/alias.service", "real.service");
        /* masks: /dev/null and an empty file */
        tmptree_write(f.root, "lib/systemd/system/m1.service", "[Service]\n");
        tmptree_link(f.root, "etc/systemd/system/m1.service", "/dev/null");
        tmptree_write(f.root, "etc/systemd/system/m2.service", "");
        /* a template, an instance without a file, an instance with its own file */
        tmptree_write(f.root, "lib/systemd/system/t@.service", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/t@own.service", "[Service]\n");
        /* broken: directory named like a unit, a symlink loop, a dangling link */
        tmptree_mkdir(f.root, "etc/systemd/system/dir.service");
        tmptree_link(f.root, "etc/systemd/system/l1.service", "l2.service");
        tmptree_link(f.root, "etc/systemd/system/l2.service", "l1.service");
        tmptree_link(f.root, "etc/systemd/system/dangling.service", "/nowhere/x.service");
        /* linked unit file: a link to a file of the same name outside the search path */
        tmptree_write(f.root, "opt/pkg/linked.service", "[Service]\n");
        char target[4096];
        snprintf(target, sizeof target, "%s/opt/pkg/linked.service", f.root);
        tmptree_link(f.root, "etc/systemd/system/linked.service", "/opt/pkg/linked.service");
        fixture_build(&f);

        find(&f, "a.service", 0, "a.service", "/etc/systemd/system/a.service", false);
        find(&f, "alias.service", 0, "real.service", "/lib/systemd/system/real.service", false);
        find(&f, "m1.service", 0, "m1.service", NULL, true);
        find(&f, "m2.service", 0, "m2.service", NULL, true);
        find(&f, "t@x.service", 0, "t@x.service", "/lib/systemd/system/t@.service", false);
        find(&f, "t@own.service", 0, "t@own.service", "/lib/systemd/system/t@own.service", false);
        find(&f, "none.service", -ENOENT, NULL, NULL, false);
        find(&f, "dir.service", -EISDIR, "dir.service", NULL, false);
        find(&f, "l1.service", -ELOOP, NULL, NULL, false);
        find(&f, "dangling.service", -ENOENT, "dangling.service", NULL, false);
        find(&f, "linked.service", 0, "linked.service", "/opt/pkg/linked.service", false);

        char **aliases = NULL;
        assert_int_equal(unit_file_aliases_of(&f.map, "real.service", &aliases), 0);
        assert_int_equal(strv_length(aliases), 1);
        assert_string_equal(aliases[0], "alias.service");
        strv_free(aliases);
        fixture_free(&f);
}

static void test_template_alias(void **state) {
        (void)state;
        /* autovt@.service -> getty@.service: autovt@tty1 is getty@tty1 */
        Fixture f = { .root = tmptree_new() };
        tmptree_write(f.root, "lib/systemd/system/getty@.service", "[Service]\n");
        tmptree_link(f.root, "lib/systemd/system/autovt@.service", "getty@.service");
        fixture_build(&f);
        find(&f, "autovt@tty1.service", 0, "getty@tty1.service", "/lib/systemd/system/getty@.service", false);
        fixture_free(&f);
}

static void test_dropins(void **state) {
        (void)state;
        Fixture f = { .root = tmptree_new() };
        tmptree_write(f.root, "lib/systemd/system/foo-bar@x.service", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/foo-bar@x.service.d/20-lib.conf", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/foo-bar@x.service.d/10-masked-later.conf", "[Service]\n");
        /* same file name in /etc masks the one in /lib */
        tmptree_write(f.root, "etc/systemd/system/foo-bar@x.service.d/20-lib.conf", "[Service]\n");
        /* /dev/null in /etc masks a drop-in and takes its slot */
        tmptree_link(f.root, "etc/systemd/system/foo-bar@x.service.d/10-masked-later.conf", "/dev/null");
        tmptree_write(f.root, "lib/systemd/system/foo-bar@.service.d/30-template.conf", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/foo-.service.d/40-prefix.conf", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/service.d/05-all.conf", "[Service]\n");
        tmptree_write(f.root, "lib/systemd/system/foo-bar@x.service.d/not-a-conf.txt", "x");
        fixture_build(&f);
        char *names[] = { "foo-bar@x.service", NULL };
        char **l = NULL;
        assert_int_equal(unit_file_find_dropins(&f.lp, &f.map, names, &l), 0);
        const char *want[] = { "/lib/systemd/system/service.d/05-all.conf", "/etc/systemd/system/foo-bar@x.service.d/20-lib.conf",
                               "/lib/systemd/system/foo-bar@.service.d/30-template.conf",
                               "/lib/systemd/system/foo-.service.d/40-prefix.conf" };
        assert_int_equal(strv_length(l), ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) assert_string_equal(lookup_path_unroot(&f.lp, l[i]), want[i]);
        strv_free(l);
        fixture_free(&f);
}

static void test_wants_dirs(void **state) {
        (void)state;
        Fixture f = { .root = tmptree_new() };
        tmptree_write(f.root, "lib/systemd/system/multi-user.target", "[Unit]\n");
        tmptree_link(f.root, "lib/systemd/system/multi-user.target.wants/a.service", "../a.service");
        tmptree_link(f.root, "etc/systemd/system/multi-user.target.wants/b.service", "/lib/systemd/system/b.service");
        tmptree_link(f.root, "etc/systemd/system/multi-user.target.wants/junk", "x");
        fixture_build(&f);
        char *names[] = { "multi-user.target", NULL };
        char **l = NULL;
        assert_int_equal(unit_file_find_dependency_dir(&f.lp, &f.map, names, ".wants", &l), 0);
        assert_int_equal(strv_length(l), 2);
        assert_string_equal(l[0], "a.service");
        assert_string_equal(l[1], "b.service");
        strv_free(l);
        fixture_free(&f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_order),
                cmocka_unit_test(test_env_replaces_and_appends),
                cmocka_unit_test(test_root_prefix),
                cmocka_unit_test(test_name_map),
                cmocka_unit_test(test_template_alias),
                cmocka_unit_test(test_dropins),
                cmocka_unit_test(test_wants_dirs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
