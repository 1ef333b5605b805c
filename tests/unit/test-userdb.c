/* SPDX-License-Identifier: MIT */
/* Users and groups from a root's /etc/passwd and /etc/group, no NSS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include "exec/userdb.h"
#include "tmptree.h"

static char *make_root(void) {
        char *root = tmptree_new();
        tmptree_write(root, "etc/passwd",
                      "root:x:0:0:root:/root:/bin/bash\n"
                      "# comment\n"
                      "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
                      "broken-line\n"
                      "nobody:x:65534:65534:nobody:/nonexistent:\n");
        tmptree_write(root, "etc/group", "root:x:0:\nwww-data:x:33:\nadm:x:4:syslog,www-data\nssl-cert:x:110:www-data\n");
        return root;
}

static void test_users(void **state) {
        (void)state;
        char *root = make_root();
        UserRecord u;
        assert_int_equal(userdb_get_user(root, "www-data", &u), 0);
        assert_int_equal(u.uid, 33);
        assert_int_equal(u.gid, 33);
        assert_string_equal(u.home, "/var/www");
        user_record_done(&u);
        assert_int_equal(userdb_get_user(root, "65534", &u), 0);
        assert_string_equal(u.name, "nobody");
        assert_string_equal(u.shell, "/bin/sh");  /* empty shell field means /bin/sh */
        user_record_done(&u);
        assert_int_equal(userdb_get_user(root, "nosuch", &u), -ESRCH);
        assert_int_equal(userdb_get_user(root, "4242", &u), -ESRCH);
        tmptree_free(root);
}

static void test_root_without_passwd(void **state) {
        (void)state;
        char *root = tmptree_new();
        UserRecord u;
        assert_int_equal(userdb_get_user(root, "root", &u), 0);
        assert_int_equal(u.uid, 0);
        assert_string_equal(u.home, "/root");
        user_record_done(&u);
        assert_int_equal(userdb_get_user(root, "daemon", &u), -ESRCH);
        tmptree_free(root);
}

static void test_groups(void **state) {
        (void)state;
        char *root = make_root();
        gid_t g;
        char *name = NULL;
        assert_int_equal(userdb_get_group(root, "adm", &g, &name), 0);
        assert_int_equal(g, 4);
        assert_string_equal(name, "adm");
        free(name);
        assert_int_equal(userdb_get_group(root, "110", &g, NULL), 0);
        assert_int_equal(g, 110);
        assert_int_equal(userdb_get_group(root, "nogroup", &g, NULL), -ESRCH);
        gid_t list[8];
        assert_int_equal(userdb_member_groups(root, "www-data", 33, list, 8), 2);
        assert_int_equal(list[0], 4);
        assert_int_equal(list[1], 110);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_users),
                cmocka_unit_test(test_root_without_passwd),
                cmocka_unit_test(test_groups),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
