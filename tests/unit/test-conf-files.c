/* SPDX-License-Identifier: MIT */
/* conf-files: systemd's rules for configuration directories (conf_files_list_strv()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "base/conf-files.h"
#include "base/strv.h"
#include "base/util.h"
#include "tmptree.h"

static const char *const dirs[] = { "/etc/x.d", "/run/x.d", "/usr/lib/x.d", NULL };

/* An earlier directory shadows the same file name later; the result is ordered by file name,
 * whatever the directory; other suffixes and hidden files are left out; a missing directory
 * (here /run/x.d) is no error. */
static void test_shadowing_and_order(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "etc/x.d/50-b.conf", "etc");
        tmptree_write(root, "usr/lib/x.d/50-b.conf", "vendor, shadowed");
        tmptree_write(root, "usr/lib/x.d/10-a.conf", "vendor");
        tmptree_write(root, "usr/lib/x.d/99-z.conf", "vendor");
        tmptree_write(root, "etc/x.d/60-c.preset", "other suffix");
        tmptree_write(root, "etc/x.d/.hidden.conf", "hidden");
        char **files = NULL;
        assert_int_equal(conf_files_list(root, dirs, ".conf", &files), 0);
        assert_int_equal(strv_length(files), 3);
        char want[3][512];
        snprintf(want[0], sizeof want[0], "%s/usr/lib/x.d/10-a.conf", root);
        snprintf(want[1], sizeof want[1], "%s/etc/x.d/50-b.conf", root);
        snprintf(want[2], sizeof want[2], "%s/usr/lib/x.d/99-z.conf", root);
        for (int i = 0; i < 3; i++) assert_string_equal(files[i], want[i]);
        strv_free(files);
        tmptree_free(root);
}

/* Nothing anywhere: success and no list. */
static void test_nothing(void **state) {
        (void)state;
        char *root = tmptree_new();
        char **files = (char **)1;
        assert_int_equal(conf_files_list(root, dirs, ".conf", &files), 0);
        assert_null(files);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shadowing_and_order),
                cmocka_unit_test(test_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
