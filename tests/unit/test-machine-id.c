/* SPDX-License-Identifier: MIT */
/* machine-id: machine-id(5) parsing, the image's id kept, an id of this boot chosen as systemd
 * 252 chooses it in a container (D-Bus id, $container_uuid, random), /etc/machine-id linked to
 * /run/machine-id, and a new id at the next boot when the link is ours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include "base/machine-id.h"
#include "base/util.h"
#include "tmptree.h"

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210"

static void test_parse(void **state) {
        (void)state;
        char id[33];
        assert_int_equal(machine_id_parse(ID_A "\n", id), 0);
        assert_string_equal(id, ID_A);
        assert_int_equal(machine_id_parse("0123456789ABCDEF0123456789ABCDEF", id), 0);
        assert_string_equal(id, ID_A);
        assert_int_equal(machine_id_parse("", id), -ENOMEDIUM);
        assert_int_equal(machine_id_parse("\n", id), -ENOMEDIUM);
        assert_int_equal(machine_id_parse("uninitialized\n", id), -ENOMEDIUM);
        assert_int_equal(machine_id_parse("00000000000000000000000000000000\n", id), -ENOMEDIUM);
        assert_int_equal(machine_id_parse("01234567-89ab-cdef-0123-456789abcdef\n", id), -EINVAL);
        assert_int_equal(machine_id_parse(ID_A "\n\n", id), -EINVAL);
        assert_int_equal(machine_id_parse("0123456789abcdef0123456789abcdeg", id), -EINVAL);
}

static char *read_link(const char *root, const char *rel) {
        char p[PATH_MAX], t[PATH_MAX];
        snprintf(p, sizeof p, "%s%s", root, rel);
        ssize_t n = readlink(p, t, sizeof t - 1);
        if (n < 0) return NULL;
        t[n] = 0;
        return strdup(t);
}

static void test_image_id_kept(void **state) {
        (void)state;
        char *root = tmptree_new();
        char id[33];
        tmptree_write(root, "etc/machine-id", ID_A "\n");
        tmptree_mkdir(root, "run");
        assert_int_equal(machine_id_setup(root, "ffffffff-ffff-ffff-ffff-ffffffffffff", id), MACHINE_ID_FROM_ETC);
        assert_string_equal(id, ID_A);
        assert_int_equal(machine_id_read(root, id), 0);
        assert_string_equal(id, ID_A);
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/run/machine-id", root);
        assert_int_equal(access(p, F_OK), -1);   /* nothing written */
        tmptree_free(root);
}

/* Missing or empty /etc/machine-id: random, a new one each boot, /etc linked to /run. */
static void test_random_per_boot(void **state) {
        (void)state;
        const char *images[] = { NULL, "", "uninitialized\n" };
        for (size_t i = 0; i < ELEMENTSOF(images); i++) {
                char *root = tmptree_new();
                char id[33], again[33], read[33];
                tmptree_mkdir(root, "run");
                if (images[i]) tmptree_write(root, "etc/machine-id", images[i]);
                else tmptree_mkdir(root, "etc");
                assert_int_equal(machine_id_read(root, read), images[i] ? -ENOMEDIUM : -ENOENT);
                assert_int_equal(machine_id_setup(root, NULL, id), MACHINE_ID_FROM_RANDOM);
                assert_int_equal(machine_id_read(root, read), 0);
                assert_string_equal(read, id);
                _cleanup_free_ char *link = read_link(root, "/etc/machine-id");
                assert_non_null(link);
                assert_string_equal(link, "/run/machine-id");
                /* the next boot (Docker's /run is kept across a restart): a new id, the link kept */
                assert_int_equal(machine_id_setup(root, NULL, again), MACHINE_ID_FROM_RANDOM);
                assert_string_not_equal(id, again);
                assert_int_equal(machine_id_read(root, read), 0);
                assert_string_equal(read, again);
                tmptree_free(root);
        }
}

static void test_container_uuid_and_dbus(void **state) {
        (void)state;
        char *root = tmptree_new();
        char id[33];
        tmptree_mkdir(root, "run");
        tmptree_mkdir(root, "etc");
        assert_int_equal(machine_id_setup(root, "01234567-89AB-cdef-0123-456789abcdef", id),
                         MACHINE_ID_FROM_CONTAINER_UUID);
        assert_string_equal(id, ID_A);
        /* garbage in $container_uuid: ignored */
        assert_int_equal(machine_id_setup(root, "not-a-uuid", id), MACHINE_ID_FROM_RANDOM);
        /* a D-Bus id that is a link (Debian's, to /etc/machine-id) is not used; a file is, first */
        tmptree_link(root, "var/lib/dbus/machine-id", "/etc/machine-id");
        assert_int_equal(machine_id_setup(root, ID_A, id), MACHINE_ID_FROM_CONTAINER_UUID);
        char dbus[PATH_MAX];
        snprintf(dbus, sizeof dbus, "%s/var/lib/dbus/machine-id", root);
        assert_int_equal(unlink(dbus), 0);   /* never write through the link: it names the host's file */
        tmptree_write(root, "var/lib/dbus/machine-id", ID_B "\n");
        assert_int_equal(machine_id_setup(root, ID_A, id), MACHINE_ID_FROM_DBUS);
        assert_string_equal(id, ID_B);
        tmptree_free(root);
}

/* /etc/machine-id that cannot be replaced (read-only /etc, a file mounted there; here: a directory,
 * which rename() refuses even to root): left as it is, readers fall back to /run/machine-id. */
static void test_etc_not_replaceable(void **state) {
        (void)state;
        char *root = tmptree_new();
        char id[33], read[33];
        tmptree_mkdir(root, "run");
        tmptree_write(root, "etc/machine-id/x", "");
        assert_int_equal(machine_id_setup(root, NULL, id), MACHINE_ID_FROM_RANDOM);
        assert_null(read_link(root, "/etc/machine-id"));
        assert_int_equal(machine_id_read(root, read), 0);
        assert_string_equal(read, id);
        tmptree_free(root);
}

static void test_run_unwritable(void **state) {
        (void)state;
        char *root = tmptree_new();
        char id[33];
        tmptree_mkdir(root, "etc");
        /* no /run directory at all */
        assert_true(machine_id_setup(root, NULL, id) < 0);
        assert_int_equal(strlen(id), 32);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_image_id_kept),
                cmocka_unit_test(test_random_per_boot),
                cmocka_unit_test(test_container_uuid_and_dbus),
                cmocka_unit_test(test_etc_not_replaceable),
                cmocka_unit_test(test_run_unwritable),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
