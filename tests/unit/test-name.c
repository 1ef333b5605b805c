/* SPDX-License-Identifier: MIT */
/* Unit names, pinned to systemd 252: systemd.unit(5), and the output of Debian 12's
 * /usr/bin/systemd-escape (--unescape, --path, --template=, --instance, --mangle, --suffix=)
 * recorded next to each case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "base/strv.h"
#include "base/util.h"
#include "unit/name.h"

static void test_types(void **state) {
        (void)state;
        const char *names[] = { "service", "mount", "swap", "socket", "target", "device",
                                "automount", "timer", "path", "slice", "scope" };
        assert_int_equal(ELEMENTSOF(names), _UNIT_TYPE_MAX);
        for (int i = 0; i < _UNIT_TYPE_MAX; i++) {
                assert_string_equal(unit_type_to_string((UnitType)i), names[i]);
                assert_int_equal(unit_type_from_string(names[i]), i);
        }
        assert_null(unit_type_to_string(_UNIT_TYPE_MAX));
        assert_null(unit_type_to_string(_UNIT_TYPE_INVALID));
        assert_int_equal(unit_type_from_string("Service"), _UNIT_TYPE_INVALID);  /* case matters */
        assert_int_equal(unit_type_from_string("snapshot"), _UNIT_TYPE_INVALID); /* removed in v228 */
        assert_int_equal(unit_name_to_type("getty@tty1.service"), UNIT_SERVICE);
        assert_int_equal(unit_name_to_type("-.mount"), UNIT_MOUNT);
        assert_int_equal(unit_name_to_type("dev-disk-by\\x2duuid-1234.device"), UNIT_DEVICE);
        assert_int_equal(unit_name_to_type("foo"), _UNIT_TYPE_INVALID);
        assert_int_equal(unit_name_to_type("x.service.d"), _UNIT_TYPE_INVALID);
}

static void test_is_valid(void **state) {
        (void)state;
        /* names from the corpus */
        assert_true(unit_name_is_valid("postgresql@15-main.service", UNIT_NAME_INSTANCE));
        assert_true(unit_name_is_valid("getty@tty1.service", UNIT_NAME_ANY));
        assert_true(unit_name_is_valid("getty@.service", UNIT_NAME_TEMPLATE));
        assert_true(unit_name_is_valid("dev-disk-by\\x2duuid-0a1b\\x2d2c3d.device", UNIT_NAME_PLAIN));
        assert_true(unit_name_is_valid("systemd-fsck@dev-disk-by\\x2dlabel-root.service", UNIT_NAME_INSTANCE));
        assert_true(unit_name_is_valid("-.mount", UNIT_NAME_PLAIN));
        assert_true(unit_name_is_valid("-.slice", UNIT_NAME_PLAIN));
        assert_true(unit_name_is_valid("a:b_c.d.service", UNIT_NAME_PLAIN));
        /* the first '@' separates; the instance may contain more */
        assert_true(unit_name_is_valid("a@b@c.service", UNIT_NAME_INSTANCE));
        assert_true(unit_name_is_valid("a@@.service", UNIT_NAME_INSTANCE));
        /* kinds are exclusive */
        assert_false(unit_name_is_valid("getty@tty1.service", UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE));
        assert_false(unit_name_is_valid("getty@.service", UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE));
        assert_false(unit_name_is_valid("foo.service", UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE));
        /* invalid */
        assert_false(unit_name_is_valid("", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid(NULL, UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("foo", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid(".service", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("foo.bar", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("@foo.service", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("@.service", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("a b.service", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("a/b.service", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("a*.service", UNIT_NAME_ANY));
        assert_false(unit_name_is_valid("foo.Service", UNIT_NAME_ANY));
        /* 255 characters are fine, 256 are not (UNIT_NAME_MAX) */
        char n[300];
        memset(n, 'a', sizeof n);
        strcpy(n + 255 - strlen(".service"), ".service");
        assert_int_equal(strlen(n), 255);
        assert_true(unit_name_is_valid(n, UNIT_NAME_PLAIN));
        memset(n, 'a', sizeof n);
        strcpy(n + 256 - strlen(".service"), ".service");
        assert_false(unit_name_is_valid(n, UNIT_NAME_PLAIN));
}

static void test_parts_valid(void **state) {
        (void)state;
        assert_true(unit_prefix_is_valid("foo-bar\\x2d:_."));
        assert_false(unit_prefix_is_valid(""));
        assert_false(unit_prefix_is_valid(NULL));
        assert_false(unit_prefix_is_valid("a@b"));  /* '@' only in instances */
        assert_false(unit_prefix_is_valid("a b"));
        assert_true(unit_instance_is_valid("tty1"));
        assert_true(unit_instance_is_valid("a@b"));
        assert_false(unit_instance_is_valid(""));
        assert_false(unit_instance_is_valid("a/b"));
        assert_true(unit_suffix_is_valid(".service"));
        assert_true(unit_suffix_is_valid(".automount"));
        assert_false(unit_suffix_is_valid("service"));
        assert_false(unit_suffix_is_valid(".d"));
        assert_false(unit_suffix_is_valid(""));
        assert_int_equal(unit_name_classify("foo.service"), UNIT_NAME_PLAIN);
        assert_int_equal(unit_name_classify("foo@.service"), UNIT_NAME_TEMPLATE);
        assert_int_equal(unit_name_classify("foo@bar.service"), UNIT_NAME_INSTANCE);
        assert_int_equal(unit_name_classify("foo"), 0);
}

static void test_prefix_instance(void **state) {
        (void)state;
        char *o = NULL;
        assert_int_equal(unit_name_to_prefix("postgresql@15-main.service", &o), 0);
        assert_string_equal(o, "postgresql");
        free(o);
        assert_int_equal(unit_name_to_prefix("foo-bar.service", &o), 0);
        assert_string_equal(o, "foo-bar");
        free(o);
        assert_int_equal(unit_name_to_prefix("a.b.socket", &o), 0);  /* up to the last dot */
        assert_string_equal(o, "a.b");
        free(o);
        o = NULL;
        assert_int_equal(unit_name_to_prefix("foo", &o), -EINVAL);
        assert_null(o);

        assert_int_equal(unit_name_to_instance("postgresql@15-main.service", &o), UNIT_NAME_INSTANCE);
        assert_string_equal(o, "15-main");
        free(o);
        assert_int_equal(unit_name_to_instance("a@b@c.d.service", &o), UNIT_NAME_INSTANCE);
        assert_string_equal(o, "b@c.d");  /* first '@' to last '.' */
        free(o);
        assert_int_equal(unit_name_to_instance("getty@.service", &o), UNIT_NAME_TEMPLATE);
        assert_string_equal(o, "");
        free(o);
        o = (char *)"x";
        assert_int_equal(unit_name_to_instance("getty.target", &o), UNIT_NAME_PLAIN);
        assert_null(o);
        assert_int_equal(unit_name_to_instance("bad name.service", &o), -EINVAL);

        assert_int_equal(unit_name_to_prefix_and_instance("getty@tty1.service", &o), 0);
        assert_string_equal(o, "getty@tty1");  /* what %N expands to */
        free(o);
        assert_int_equal(unit_name_to_prefix_and_instance("systemd-journald.service", &o), 0);
        assert_string_equal(o, "systemd-journald");
        free(o);
}

static void test_template_replace(void **state) {
        (void)state;
        char *o = NULL;
        assert_int_equal(unit_name_template("getty@tty1.service", &o), 0);
        assert_string_equal(o, "getty@.service");
        free(o);
        assert_int_equal(unit_name_template("getty@.service", &o), 0);
        assert_string_equal(o, "getty@.service");
        free(o);
        o = NULL;
        assert_int_equal(unit_name_template("getty.service", &o), -EINVAL);
        assert_null(o);

        /* systemd-escape --template=foo@.service bar/baz → foo@bar-baz.service (after escaping) */
        assert_int_equal(unit_name_replace_instance("foo@.service", "bar-baz", &o), 0);
        assert_string_equal(o, "foo@bar-baz.service");
        free(o);
        assert_int_equal(unit_name_replace_instance("postgresql@13-main.service", "15-main", &o), 0);
        assert_string_equal(o, "postgresql@15-main.service");
        free(o);
        o = NULL;
        /* --template=foo@.service '' → "Failed to replace instance: Invalid argument" */
        assert_int_equal(unit_name_replace_instance("foo@.service", "", &o), -EINVAL);
        /* --template=foo.service x → "Template name foo.service is not valid." */
        assert_int_equal(unit_name_replace_instance("foo.service", "x", &o), -EINVAL);
        assert_int_equal(unit_name_replace_instance("foo@.service", "a/b", &o), -EINVAL);
        char big[300];
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = 0;
        assert_int_equal(unit_name_replace_instance("foo@.service", big, &o), -EINVAL); /* too long */
        assert_null(o);
}

static void test_build_change_suffix(void **state) {
        (void)state;
        char *o = NULL;
        assert_int_equal(unit_name_build("getty", "tty1", ".service", &o), 0);
        assert_string_equal(o, "getty@tty1.service");
        free(o);
        assert_int_equal(unit_name_build("foo", NULL, ".socket", &o), 0);
        assert_string_equal(o, "foo.socket");
        free(o);
        o = NULL;
        assert_int_equal(unit_name_build("foo", "", ".service", &o), -EINVAL);
        assert_int_equal(unit_name_build("a@b", NULL, ".service", &o), -EINVAL);
        assert_int_equal(unit_name_build("foo", NULL, "service", &o), -EINVAL);
        assert_int_equal(unit_name_build("foo", NULL, ".bogus", &o), -EINVAL);
        assert_null(o);

        /* socket activation: foo.socket → foo.service; instances keep the instance */
        assert_int_equal(unit_name_change_suffix("sshd.socket", ".service", &o), 0);
        assert_string_equal(o, "sshd.service");
        free(o);
        assert_int_equal(unit_name_change_suffix("getty@tty1.service", ".target", &o), 0);
        assert_string_equal(o, "getty@tty1.target");
        free(o);
        assert_int_equal(unit_name_change_suffix("foo@.socket", ".service", &o), 0);
        assert_string_equal(o, "foo@.service");
        free(o);
        o = NULL;
        assert_int_equal(unit_name_change_suffix("foo", ".service", &o), -EINVAL);
        assert_int_equal(unit_name_change_suffix("foo.socket", "service", &o), -EINVAL);
        /* growing beyond 255 characters is refused */
        char n[300];
        memset(n, 'a', sizeof n);
        strcpy(n + 255 - 5, ".swap");
        assert_int_equal(unit_name_change_suffix(n, ".automount", &o), -EINVAL);
        assert_null(o);
}

static void check_escape(const char *in, const char *want) {
        char *o = unit_name_escape(in);
        assert_non_null(o);
        assert_string_equal(o, want);
        free(o);
}

static void check_unescape(const char *in, const char *want) {
        char *o = NULL;
        if (!want) {
                assert_int_equal(unit_name_unescape(in, &o), -EINVAL);
                assert_null(o);
                return;
        }
        assert_int_equal(unit_name_unescape(in, &o), 0);
        assert_string_equal(o, want);
        free(o);
}

static void test_escape(void **state) {
        (void)state;
        /* each expectation is the output of `systemd-escape IN` */
        check_escape("foo-bar/baz", "foo\\x2dbar-baz");
        check_escape(".hidden", "\\x2ehidden");
        check_escape("a.b", "a.b");               /* only a leading dot */
        check_escape("a b\\c", "a\\x20b\\x5cc");
        check_escape("\xc3\xa4\xc3\xb6", "\\xc3\\xa4\\xc3\\xb6");  /* äö, lowercase hex */
        check_escape("", "");
        check_escape("a:b_c@d", "a:b_c\\x40d");
        check_escape("tty1", "tty1");
        /* systemd-escape -u */
        check_unescape("foo\\x2dbar-baz", "foo-bar/baz");
        check_unescape("a\\x2Fb", "a/b");        /* upper-case hex accepted */
        check_unescape("\\xc3\\xa4", "\xc3\xa4");
        check_unescape("a\\xz1", NULL);           /* "Failed to unescape string: Invalid argument" */
        check_unescape("a\\y", NULL);
        check_unescape("a\\x2", NULL);
        check_unescape("a\\", NULL);
        check_unescape("a\\x00b", NULL);          /* systemd truncates at the NUL; we refuse */
        check_unescape("", "");
}

static void check_path_escape(const char *in, const char *want) {
        char *o = NULL;
        if (!want) {
                assert_int_equal(unit_name_path_escape(in, &o), -EINVAL);
                assert_null(o);
                return;
        }
        assert_int_equal(unit_name_path_escape(in, &o), 0);
        assert_string_equal(o, want);
        free(o);
}

static void check_path_unescape(const char *in, const char *want) {
        char *o = NULL;
        if (!want) {
                assert_int_equal(unit_name_path_unescape(in, &o), -EINVAL);
                assert_null(o);
                return;
        }
        assert_int_equal(unit_name_path_unescape(in, &o), 0);
        assert_string_equal(o, want);
        free(o);
}

static void test_path_escape(void **state) {
        (void)state;
        /* systemd-escape -p IN */
        check_path_escape("/", "-");
        check_path_escape("", "-");
        check_path_escape("//a//b/", "a-b");
        check_path_escape("/a/./b", "a-b");
        check_path_escape("/a/../b", NULL);       /* "not a normalized file system path" */
        check_path_escape("/..", NULL);
        check_path_escape("a/b", "a-b");          /* relative is accepted, with a warning */
        check_path_escape(".", NULL);
        check_path_escape("./a", "a");
        check_path_escape("/./", "-");
        check_path_escape("/.hidden/x", "\\x2ehidden-x");
        check_path_escape("/dev/disk/by-uuid/1234-AB", "dev-disk-by\\x2duuid-1234\\x2dAB");
        check_path_escape("/a b/\xc3\xbc", "a\\x20b-\\xc3\\xbc");
        char comp[300];
        memset(comp, 'a', sizeof comp);
        comp[0] = '/';
        comp[257] = 0;  /* a 256-byte component exceeds NAME_MAX */
        check_path_escape(comp, NULL);
        /* systemd-escape -u -p IN */
        check_path_unescape("-", "/");
        check_path_unescape("dev-sda", "/dev/sda");
        check_path_unescape("a\\x2fb", "/a/b");
        check_path_unescape("\\x2ea", "/.a");
        check_path_unescape("foo\\x2dbar", "/foo-bar");
        check_path_unescape("dev-disk-by\\x2duuid-1234\\x2dAB", "/dev/disk/by-uuid/1234-AB");
        check_path_unescape("dev--sda", NULL);
        check_path_unescape("-dev", NULL);
        check_path_unescape("a-", NULL);
        check_path_unescape("a\\x2f", NULL);
        check_path_unescape("", NULL);
        check_path_unescape("a-\\x2e\\x2e-b", NULL);
        check_path_unescape("a-.-b", NULL);
        check_path_unescape("a\\q", NULL);
}

static void test_from_to_path(void **state) {
        (void)state;
        char *o = NULL;
        /* systemd-escape --suffix=mount -p /var/lib → var-lib.mount; / → -.mount */
        assert_int_equal(unit_name_from_path("/var/lib", ".mount", &o), 0);
        assert_string_equal(o, "var-lib.mount");
        free(o);
        assert_int_equal(unit_name_from_path("/", ".mount", &o), 0);
        assert_string_equal(o, "-.mount");
        free(o);
        assert_int_equal(unit_name_from_path("/dev/disk/by-label/root", ".device", &o), 0);
        assert_string_equal(o, "dev-disk-by\\x2dlabel-root.device");
        free(o);
        o = NULL;
        assert_int_equal(unit_name_from_path("/var/lib", "mount", &o), -EINVAL);
        assert_int_equal(unit_name_from_path("/a/../b", ".mount", &o), -EINVAL);
        /* systemd 252 hashes names longer than 255 characters; we refuse them */
        char p[400];
        memset(p, 'a', sizeof p);
        p[0] = '/';
        p[150] = '/';
        p[301] = 0;
        assert_int_equal(unit_name_from_path(p, ".mount", &o), -ENAMETOOLONG);
        assert_null(o);

        assert_int_equal(unit_name_to_path("var-lib.mount", &o), 0);
        assert_string_equal(o, "/var/lib");
        free(o);
        assert_int_equal(unit_name_to_path("-.mount", &o), 0);
        assert_string_equal(o, "/");
        free(o);
        assert_int_equal(unit_name_to_path("dev-disk-by\\x2duuid-1234.device", &o), 0);
        assert_string_equal(o, "/dev/disk/by-uuid/1234");
        free(o);
        /* for instances the prefix is used */
        assert_int_equal(unit_name_to_path("foo-bar@x.service", &o), 0);
        assert_string_equal(o, "/foo/bar");
        free(o);
        o = NULL;
        assert_int_equal(unit_name_to_path("a--b.mount", &o), -EINVAL);
        assert_int_equal(unit_name_to_path("a b.mount", &o), -EINVAL);
        assert_null(o);
}

static void check_mangle(const char *in, bool globs, int ret, const char *want) {
        char *o = NULL;
        assert_int_equal(unit_name_mangle(in, ".service", globs, &o), ret);
        if (want) {
                assert_non_null(o);
                assert_string_equal(o, want);
        } else
                assert_null(o);
        free(o);
}

static void test_mangle(void **state) {
        (void)state;
        /* systemd-escape --mangle IN; 0 = unchanged, 1 = mangled */
        check_mangle("foo", false, 1, "foo.service");
        check_mangle("foo.service", false, 0, "foo.service");
        check_mangle("getty@tty1.service", false, 0, "getty@tty1.service");
        check_mangle("foo@bar", false, 1, "foo@bar.service");
        check_mangle("foo@", false, 1, "foo@.service");
        check_mangle("foo@@b", false, 1, "foo@@b.service");
        check_mangle("foo.bar", false, 1, "foo.bar.service");
        check_mangle("x.", false, 1, "x..service");
        check_mangle(".x", false, 1, ".x.service");
        check_mangle("-", false, 1, "-.service");
        check_mangle("a:b_c", false, 1, "a:b_c.service");
        check_mangle("x.service.d", false, 1, "x.service.d.service");
        check_mangle("a b", false, 1, "a\\x20b.service");
        check_mangle("tab\tx", false, 1, "tab\\x09x.service");
        check_mangle("a/b", false, 1, "a-b.service");
        check_mangle("foo*", false, 1, "foo\\x2a.service");
        check_mangle("@foo", false, -EINVAL, NULL);  /* "Failed to mangle name: Invalid argument" */
        check_mangle("", false, -EINVAL, NULL);
        /* absolute paths: under /dev/ or /sys/ a device, else a mount; "/dev" itself is a mount */
        check_mangle("/dev/sda", false, 1, "dev-sda.device");
        check_mangle("/sys/x", false, 1, "sys-x.device");
        check_mangle("/dev", false, 1, "dev.mount");
        check_mangle("/home//x/", false, 1, "home-x.mount");
        check_mangle("/", false, 1, "-.mount");
        check_mangle("/run/a b", false, 1, "run-a\\x20b.mount");
        /* not normalizable: falls back to plain escaping */
        check_mangle("/a/../b", false, 1, "-a-..-b.service");
        check_mangle("/dev/../x", false, 1, "-dev-..-x.service");
        /* globs (systemctl list-units 'foo*') are left alone when allowed, and get no suffix */
        check_mangle("foo*", true, 0, "foo*");
        check_mangle("sshd@*.service", true, 0, "sshd@*.service");
        check_mangle("a b*", true, 1, "a\\x20b*");
        char *o = NULL;
        assert_int_equal(unit_name_mangle("foo", "service", false, &o), -EINVAL);
        assert_int_equal(unit_name_mangle("foo", ".socket", false, &o), 1);
        assert_string_equal(o, "foo.socket");
        free(o);
}

static void check_dropins(const char *name, const char *const *want) {
        char **l = NULL;
        assert_int_equal(unit_name_dropin_prefixes(name, &l), 0);
        assert_non_null(l);
        size_t n = 0;
        while (want[n]) n++;
        assert_int_equal(strv_length(l), n);
        for (size_t i = 0; i < n; i++) assert_string_equal(l[i], want[i]);
        strv_free(l);
}

static void test_dropin_prefixes(void **state) {
        (void)state;
        /* systemd.unit(5): "foo-.service.d/" applies to foo-bar.service and foo-bar-baz.service;
         * systemd 252's dropin.c searches the longest prefix first. */
        check_dropins("foo-bar-baz.service", (const char *[]){ "foo-bar-.service", "foo-.service", NULL });
        check_dropins("foo-bar.service", (const char *[]){ "foo-.service", NULL });
        check_dropins("foo.service", (const char *[]){ NULL });
        check_dropins("-.mount", (const char *[]){ NULL });               /* leading dash: none */
        check_dropins("-foo.service", (const char *[]){ NULL });
        /* a prefix name itself: its trailing dash is chopped once */
        check_dropins("foo-bar-.service", (const char *[]){ "foo-.service", NULL });
        check_dropins("foo--bar.service", (const char *[]){ "foo--.service", "foo-.service", NULL });
        check_dropins("dev-disk-by\\x2duuid-1234.device",
                      (const char *[]){ "dev-disk-by\\x2duuid-.device", "dev-disk-.device", "dev-.device", NULL });
        /* instances: systemd searches a-b@c, a-b@ (caller adds those two), then the template's
         * prefix a-.service, then the instance prefix a-@c and its template a-@ */
        check_dropins("a-b@c.service", (const char *[]){ "a-.service", "a-@c.service", "a-@.service", NULL });
        check_dropins("postgresql@15-main.service", (const char *[]){ NULL });
        check_dropins("systemd-fsck@dev-sda1.service",
                      (const char *[]){ "systemd-.service", "systemd-@dev-sda1.service", "systemd-@.service", NULL });
        check_dropins("a-b@.service", (const char *[]){ "a-.service", NULL });
        char **l = NULL;
        assert_int_equal(unit_name_dropin_prefixes("foo", &l), -EINVAL);
        assert_null(l);
}

static void check_bus(const char *in, const char *want) {
        char *o = bus_label_escape(in);
        assert_non_null(o);
        assert_string_equal(o, want);
        char *back = bus_label_unescape(o);
        assert_non_null(back);
        assert_string_equal(back, in);
        free(o);
        free(back);
}

static void test_bus_label(void **state) {
        (void)state;
        /* object paths as in busctl tree org.freedesktop.systemd1 */
        check_bus("getty@tty1.service", "getty_40tty1_2eservice");
        check_bus("systemd-journald.service", "systemd_2djournald_2eservice");
        check_bus("-.mount", "_2d_2emount");
        check_bus("1foo2", "_31foo2");  /* a leading digit is escaped */
        check_bus("", "_");
        check_bus("\xc3\xa4", "_c3_a4");
        /* invalid escapes are taken literally */
        char *o = bus_label_unescape("a_zz_4");
        assert_string_equal(o, "a_zz_4");
        free(o);
        o = bus_label_unescape("a_4A");
        assert_string_equal(o, "aJ");
        free(o);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_is_valid),
                cmocka_unit_test(test_parts_valid),
                cmocka_unit_test(test_prefix_instance),
                cmocka_unit_test(test_template_replace),
                cmocka_unit_test(test_build_change_suffix),
                cmocka_unit_test(test_escape),
                cmocka_unit_test(test_path_escape),
                cmocka_unit_test(test_from_to_path),
                cmocka_unit_test(test_mangle),
                cmocka_unit_test(test_dropin_prefixes),
                cmocka_unit_test(test_bus_label),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
