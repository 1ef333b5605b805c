/* SPDX-License-Identifier: MIT */
/* Specifier expansion for the system manager, pinned to the table "Specifiers available in unit
 * files" of systemd.unit(5) (systemd 252) and to systemd's specifier_printf() rules for '%'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/utsname.h>
#include "base/util.h"
#include "tmptree.h"
#include "unit/specifier.h"

static void expect(const SpecifierUnit *u, SpecifierSet set, const char *text, const char *want) {
        char *o = NULL;
        int r = specifier_expand(u, set, text, 0, &o);
        if (r < 0) fail_msg("expanding \"%s\" failed: %s", text, strerror(-r));
        assert_string_equal(o, want);
        free(o);
}

static void expect_err(const SpecifierUnit *u, SpecifierSet set, const char *text, int err) {
        char *o = NULL;
        assert_int_equal(specifier_expand(u, set, text, 0, &o), err);
        assert_null(o);
}

static void test_percent_rules(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "foo.service" };
        expect(&u, SPECIFIERS_FULL, "", "");
        expect(&u, SPECIFIERS_FULL, "no specifiers", "no specifiers");
        expect(&u, SPECIFIERS_FULL, "100%%", "100%");
        expect(&u, SPECIFIERS_FULL, "%%n", "%n");
        /* a stray trailing '%' stays, '%' before a non-alphanumeric stays */
        expect(&u, SPECIFIERS_FULL, "abc%", "abc%");
        expect(&u, SPECIFIERS_FULL, "a%!b%-%/", "a%!b%-%/");
        /* any unknown letter or digit is an error: "Failed to resolve unit specifiers" */
        expect_err(&u, SPECIFIERS_FULL, "%Z", -EBADSLT);
        expect_err(&u, SPECIFIERS_FULL, "x%1", -EBADSLT);
        expect_err(&u, SPECIFIERS_FULL, "%D", -EBADSLT);  /* %D only exists since systemd 254 */
        expect_err(&u, SPECIFIERS_FULL, "%c", -EBADSLT);  /* deprecated cgroup specifiers: gap */
        /* 252's corpus: dirsrv@.service.d comments use "%%p" for a literal %p */
        SpecifierUnit d = { .id = "dirsrv@inst.service" };
        expect(&d, SPECIFIERS_FULL, "/run/dirsrv/ns-slapd-%i.valgrind.%%p", "/run/dirsrv/ns-slapd-inst.valgrind.%p");
}

static void test_max_len(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "getty@tty1.service" };
        char *o = NULL;
        assert_int_equal(specifier_expand(&u, SPECIFIERS_FULL, "abcdef", 5, &o), -ENAMETOOLONG);
        assert_int_equal(specifier_expand(&u, SPECIFIERS_FULL, "x%n", 18, &o), -ENAMETOOLONG);
        assert_null(o);
        assert_int_equal(specifier_expand(&u, SPECIFIERS_FULL, "x%n", 19, &o), 0);
        assert_string_equal(o, "xgetty@tty1.service");
        free(o);
        assert_int_equal(specifier_expand(&u, SPECIFIERS_FULL, "abcdef", 6, &o), 0);
        free(o);
}

static void test_instance_unit(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "postgresql@15-main.service" };
        expect(&u, SPECIFIERS_FULL, "%n", "postgresql@15-main.service");
        expect(&u, SPECIFIERS_FULL, "%N", "postgresql@15-main");
        expect(&u, SPECIFIERS_FULL, "%p", "postgresql");
        expect(&u, SPECIFIERS_FULL, "%P", "postgresql");
        expect(&u, SPECIFIERS_FULL, "%i", "15-main");
        expect(&u, SPECIFIERS_FULL, "%I", "15/main");  /* '-' unescapes to '/' */
        expect(&u, SPECIFIERS_FULL, "%j", "postgresql");  /* no dash: same as %p */
        expect(&u, SPECIFIERS_FULL, "%J", "postgresql");
        expect(&u, SPECIFIERS_FULL, "%f", "/15/main");
        expect(&u, SPECIFIERS_FULL, "%d", "/run/credentials/postgresql@15-main.service");

        SpecifierUnit g = { .id = "getty@tty1.service" };
        expect(&g, SPECIFIERS_FULL, "/sbin/agetty -o '-p -- \\\\u' --noclear - %I $TERM",
               "/sbin/agetty -o '-p -- \\\\u' --noclear - tty1 $TERM");
        expect(&g, SPECIFIERS_FULL, "/dev/%I", "/dev/tty1");
        expect(&g, SPECIFIERS_FULL, "%f", "/tty1");
}

static void test_escaped_instance(void **state) {
        (void)state;
        /* systemd-fsck@.service: Description=File System Check on %f, ExecStart=... %f */
        SpecifierUnit u = { .id = "systemd-fsck@dev-disk-by\\x2dlabel-root.service" };
        expect(&u, SPECIFIERS_FULL, "File System Check on %f", "File System Check on /dev/disk/by-label/root");
        expect(&u, SPECIFIERS_FULL, "%i", "dev-disk-by\\x2dlabel-root");
        expect(&u, SPECIFIERS_FULL, "%I", "dev/disk/by-label/root");
        expect(&u, SPECIFIERS_FULL, "%p|%P", "systemd-fsck|systemd/fsck");
        expect(&u, SPECIFIERS_FULL, "%j|%J", "fsck|fsck");
        /* an instance that is no normalized path makes %f fail */
        SpecifierUnit bad = { .id = "systemd-fsck@a--b.service" };
        expect_err(&bad, SPECIFIERS_FULL, "%f", -EINVAL);
        expect(&bad, SPECIFIERS_FULL, "%I", "a//b");
}

static void test_plain_unit(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "dev-disk-by\\x2duuid-0a1b\\x2d2c3d.device" };
        expect(&u, SPECIFIERS_FULL, "[%i]", "[]");   /* empty for non-instances */
        expect(&u, SPECIFIERS_FULL, "[%I]", "[]");
        expect(&u, SPECIFIERS_FULL, "%p", "dev-disk-by\\x2duuid-0a1b\\x2d2c3d");
        expect(&u, SPECIFIERS_FULL, "%N", "dev-disk-by\\x2duuid-0a1b\\x2d2c3d");
        expect(&u, SPECIFIERS_FULL, "%P", "dev/disk/by-uuid/0a1b-2c3d");
        expect(&u, SPECIFIERS_FULL, "%j", "0a1b\\x2d2c3d");
        expect(&u, SPECIFIERS_FULL, "%J", "0a1b-2c3d");
        expect(&u, SPECIFIERS_FULL, "%f", "/dev/disk/by-uuid/0a1b-2c3d");  /* unescaped prefix with '/' */
        /* etcd.service: EnvironmentFile=-/etc/default/%p */
        SpecifierUnit e = { .id = "etcd.service" };
        expect(&e, SPECIFIERS_FULL, "-/etc/default/%p", "-/etc/default/etcd");
        expect(&e, SPECIFIERS_FULL, "%f", "/etcd");
        SpecifierUnit root = { .id = "-.mount" };
        expect(&root, SPECIFIERS_FULL, "%f|%p|%j", "/|-|");
}

static void test_system_manager_values(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "foo.service" };
        /* systemd.unit(5): "In case of the system manager this resolves to ..." */
        expect(&u, SPECIFIERS_FULL, "%u:%U:%g:%G", "root:0:root:0");
        expect(&u, SPECIFIERS_FULL, "%h|%s", "/root|/bin/sh");
        expect(&u, SPECIFIERS_FULL, "%t|%S|%C|%L|%E", "/run|/var/lib|/var/cache|/var/log|/etc");
        /* podman.socket: ListenStream=%t/podman/podman.sock */
        expect(&u, SPECIFIERS_FULL, "%t/podman/podman.sock", "/run/podman/podman.sock");
}

static void test_tmp_dirs(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "foo.service" };
        unsetenv("TMPDIR");
        unsetenv("TEMP");
        unsetenv("TMP");
        expect(&u, SPECIFIERS_FULL, "%T|%V", "/tmp|/var/tmp");
        char *dir = tmptree_new();
        setenv("TEMP", dir, 1);
        char *want = strjoin(dir, "|", dir);
        expect(&u, SPECIFIERS_FULL, "%T|%V", want);
        /* $TMPDIR wins but must be an existing absolute directory */
        setenv("TMPDIR", "relative", 1);
        expect(&u, SPECIFIERS_FULL, "%T|%V", want);
        setenv("TMPDIR", "/nonexistent-tinysd", 1);
        expect(&u, SPECIFIERS_FULL, "%T|%V", want);
        /* with a root directory the environment is ignored */
        SpecifierUnit r = { .id = "foo.service", .root = dir };
        expect(&r, SPECIFIERS_FULL, "%T|%V", "/tmp|/var/tmp");
        unsetenv("TEMP");
        unsetenv("TMPDIR");
        free(want);
        tmptree_free(dir);
}

static void test_os_release(void **state) {
        (void)state;
        char *root = tmptree_new();
        SpecifierUnit u = { .id = "foo.service", .root = root };
        /* no os-release at all: an error, as systemd's parse_os_release() */
        expect_err(&u, SPECIFIERS_FULL, "%o", -ENOENT);
        /* the /usr/lib fallback */
        tmptree_write(root, "usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        expect(&u, SPECIFIERS_FULL, "%o %w", "debian 12");
        /* /etc wins; quoting as in os-release(5); missing fields are empty */
        tmptree_write(root, "etc/os-release",
                      "# comment\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                      "ID=debian\n  VERSION_ID = \"12\"\nVARIANT_ID='server'\nBUILD_ID=2023\\ 06   \n"
                      "IMAGE_ID=\"img \\\"x\\\" \\$y\"\nIDX=wrong\n");
        expect(&u, SPECIFIERS_FULL, "%o|%w|%W|%B|%M|%A", "debian|12|server|2023 06|img \"x\" $y|");
        /* later assignments win */
        tmptree_write(root, "etc/os-release", "ID=a\nID=b\n");
        expect(&u, SPECIFIERS_FULL, "%o[%w]", "b[]");
        /* an absolute symlink is followed inside the root */
        char *osr = strjoin(root, "/etc/os-release");
        assert_int_equal(remove(osr), 0);
        free(osr);
        tmptree_write(root, "usr/share/os-release", "ID=linked\n");
        tmptree_link(root, "etc/os-release", "/usr/share/os-release");
        expect(&u, SPECIFIERS_FULL, "%o", "linked");
        /* os-release specifiers are allowed in unit names (unit_name_printf) */
        expect(&u, SPECIFIERS_NAME, "%o.target", "linked.target");
        /* Debian's relative link; ".." cannot climb out of the root */
        tmptree_link(root, "etc/os-release", "../../../../usr/lib/os-release");
        expect(&u, SPECIFIERS_FULL, "%o", "debian");
        tmptree_free(root);
}

static void test_machine_id(void **state) {
        (void)state;
        char *root = tmptree_new();
        SpecifierUnit u = { .id = "foo.service", .root = root };
        expect_err(&u, SPECIFIERS_FULL, "%m", -ENOENT);
        tmptree_write(root, "etc/machine-id", "3D1219C7C4C5404AAA1F6D2A48ADFDA4\n");
        /* systemd-journald@.service: LogsDirectory=journal/%m.%i */
        SpecifierUnit j = { .id = "systemd-journald@x.service", .root = root };
        expect(&j, SPECIFIERS_FULL, "journal/%m.%i", "journal/3d1219c7c4c5404aaa1f6d2a48adfda4.x");
        tmptree_write(root, "etc/machine-id", "uninitialized\n");
        expect_err(&u, SPECIFIERS_FULL, "%m", -ENOMEDIUM);
        tmptree_write(root, "etc/machine-id", "");
        expect_err(&u, SPECIFIERS_FULL, "%m", -ENOMEDIUM);
        tmptree_write(root, "etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda\n");
        expect_err(&u, SPECIFIERS_FULL, "%m", -EINVAL);
        tmptree_free(root);
}

static void test_host(void **state) {
        (void)state;
        struct utsname un;
        assert_int_equal(uname(&un), 0);
        char *root = tmptree_new();
        SpecifierUnit u = { .id = "foo.service", .root = root };
        /* etcd.service: Environment=ETCD_NAME=%H */
        expect(&u, SPECIFIERS_FULL, "%H", un.nodename);
        char *shortname = strndup(un.nodename, strcspn(un.nodename, "."));
        expect(&u, SPECIFIERS_FULL, "%l", shortname);
        /* %q: no PRETTY_HOSTNAME → the short hostname */
        expect(&u, SPECIFIERS_FULL, "%q", shortname);
        tmptree_write(root, "etc/machine-info", "ICON_NAME=computer\nPRETTY_HOSTNAME=\"Lennart's Laptop\"\n");
        expect(&u, SPECIFIERS_FULL, "%q", "Lennart's Laptop");
        /* kmod-static-nodes.service: ConditionFileNotEmpty=/lib/modules/%v/modules.devname */
        char *mod = strjoin("/lib/modules/", un.release, "/modules.devname");
        expect(&u, SPECIFIERS_FULL, "/lib/modules/%v/modules.devname", mod);
        if (streq(un.machine, "x86_64")) expect(&u, SPECIFIERS_FULL, "%a", "x86-64");
        if (streq(un.machine, "aarch64")) expect(&u, SPECIFIERS_FULL, "%a", "arm64");
        free(mod);
        free(shortname);
        tmptree_free(root);
}

static void test_boot_id(void **state) {
        (void)state;
        SpecifierUnit u = { .id = "foo.service" };
        char *o = NULL;
        assert_int_equal(specifier_expand(&u, SPECIFIERS_FULL, "%b", 0, &o), 0);
        /* formatted like sd_id128_to_string(): 32 lower-case hex digits, no dashes */
        assert_int_equal(strlen(o), 32);
        assert_int_equal(strspn(o, "0123456789abcdef"), 32);
        FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
        assert_non_null(f);
        char line[64] = "";
        assert_non_null(fgets(line, sizeof line, f));
        fclose(f);
        char *d = line, *w = line;
        for (; *d && *d != '\n'; d++)
                if (*d != '-') *w++ = *d;
        *w = 0;
        assert_string_equal(o, line);
        free(o);
}

static void test_fragment(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "opt/app/foo.service", "[Service]\n");
        char *real = strjoin(root, "/opt/app/foo.service"), *realdir = strjoin(root, "/opt/app");
        char *link = strjoin(root, "/etc/systemd/system/foo.service");
        tmptree_link(root, "etc/systemd/system/foo.service", real);
        /* linked unit files: "the real path outside of the unit search directories" */
        SpecifierUnit u = { .id = "foo.service", .fragment_path = link };
        expect(&u, SPECIFIERS_FULL, "%y", real);
        expect(&u, SPECIFIERS_FULL, "%Y", realdir);
        /* a fragment path relative to --root is resolved below it and shown without it */
        tmptree_link(root, "etc/systemd/system/bar.service", "/opt/app/foo.service");
        SpecifierUnit r = { .id = "bar.service", .fragment_path = "/etc/systemd/system/bar.service", .root = root };
        expect(&r, SPECIFIERS_FULL, "%y|%Y", "/opt/app/foo.service|/opt/app");
        /* no fragment: an error */
        SpecifierUnit none = { .id = "foo.service" };
        expect_err(&none, SPECIFIERS_FULL, "%y", -ENOENT);
        expect_err(&none, SPECIFIERS_FULL, "%Y", -ENOENT);
        free(real);
        free(realdir);
        free(link);
        tmptree_free(root);
}

static void test_name_set(void **state) {
        (void)state;
        /* unit_name_printf(): only %i %j %n %N %p plus system and credential specifiers */
        SpecifierUnit u = { .id = "foo-bar@baz.service" };
        expect(&u, SPECIFIERS_NAME, "%p-helper@%i.service", "foo-bar-helper@baz.service");
        expect(&u, SPECIFIERS_NAME, "%j.target", "bar.target");
        expect(&u, SPECIFIERS_NAME, "%N.socket|%n", "foo-bar@baz.socket|foo-bar@baz.service");
        expect(&u, SPECIFIERS_NAME, "user@%U.service", "user@0.service");
        expect_err(&u, SPECIFIERS_NAME, "%I.service", -EBADSLT);
        expect_err(&u, SPECIFIERS_NAME, "%P.service", -EBADSLT);
        expect_err(&u, SPECIFIERS_NAME, "%f", -EBADSLT);
        expect_err(&u, SPECIFIERS_NAME, "%t", -EBADSLT);
        expect_err(&u, SPECIFIERS_NAME, "%T", -EBADSLT);
        expect_err(&u, SPECIFIERS_NAME, "%h", -EBADSLT);
        expect(&u, SPECIFIERS_NAME, "50%%", "50%");
        /* every specifier of the full set is listed as known */
        for (const char *c = specifier_known_chars(); *c; c++) assert_non_null(strchr(
                "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY", *c));
        assert_int_equal(strlen(specifier_known_chars()), 38);
}

static void test_no_unit(void **state) {
        (void)state;
        /* without a unit name the name-derived specifiers are empty; the rest still works */
        SpecifierUnit u = { 0 };
        expect(&u, SPECIFIERS_FULL, "[%n%i%p%f]%t", "[]/run");
        expect(NULL, SPECIFIERS_FULL, "%u", "root");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_percent_rules),
                cmocka_unit_test(test_max_len),
                cmocka_unit_test(test_instance_unit),
                cmocka_unit_test(test_escaped_instance),
                cmocka_unit_test(test_plain_unit),
                cmocka_unit_test(test_system_manager_values),
                cmocka_unit_test(test_tmp_dirs),
                cmocka_unit_test(test_os_release),
                cmocka_unit_test(test_machine_id),
                cmocka_unit_test(test_host),
                cmocka_unit_test(test_boot_id),
                cmocka_unit_test(test_fragment),
                cmocka_unit_test(test_name_set),
                cmocka_unit_test(test_no_unit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
