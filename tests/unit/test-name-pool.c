/* SPDX-License-Identifier: MIT */
/* name-pool: one shared copy per name, released with its last reference; and dependency lists
 * of loaded units sharing those copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "unit/name-pool.h"
#include "unit/unit.h"

static void test_ref_unref(void **state) {
        (void)state;
        NamePool *p = name_pool_new();
        assert_non_null(p);
        char buf[] = "sysinit.target";
        const char *a = name_pool_ref(p, buf);
        buf[0] = 'X';   /* the pool keeps its own copy */
        const char *b = name_pool_ref(p, "sysinit.target");
        const char *c = name_pool_ref(p, "basic.target");
        assert_ptr_equal(a, b);
        assert_string_equal(a, "sysinit.target");
        assert_ptr_not_equal(a, c);
        assert_int_equal(name_pool_size(p), 2);
        name_pool_unref(p, a);
        assert_int_equal(name_pool_size(p), 2);   /* b still holds it */
        name_pool_unref(p, b);
        assert_int_equal(name_pool_size(p), 1);
        const char *d = name_pool_ref(p, "sysinit.target");   /* made again */
        assert_string_equal(d, "sysinit.target");
        name_pool_unref(p, d);
        name_pool_unref(p, c);
        name_pool_unref(p, NULL);
        assert_int_equal(name_pool_size(p), 0);
        name_pool_free(p);
}

static void test_units_share_dependency_names(void **state) {
        (void)state;
        NamePool *p = name_pool_new();
        Unit *a = unit_new("a.service"), *b = unit_new("b.service"), *own = unit_new("c.service");
        assert_non_null(a);
        assert_non_null(b);
        assert_non_null(own);
        a->pool = b->pool = p;
        assert_int_equal(unit_add_dependency_name(a, UNIT_REQUIRES, "sysinit.target"), 0);
        assert_int_equal(unit_add_dependency_name(a, UNIT_REQUIRES, "sysinit.target"), 0);   /* once */
        assert_int_equal(unit_add_dependency_name(a, UNIT_AFTER, "alias.target"), 0);
        assert_int_equal(unit_add_dependency_name(a, UNIT_AFTER, "real.target"), 0);
        assert_int_equal(unit_add_dependency_name(a, UNIT_AFTER, "a.service"), 0);
        assert_int_equal(unit_add_dependency_name(b, UNIT_REQUIRES, "sysinit.target"), 0);
        assert_int_equal(unit_add_dependency_name(own, UNIT_REQUIRES, "sysinit.target"), 0);
        assert_ptr_equal(a->unit.deps[UNIT_REQUIRES][0], b->unit.deps[UNIT_REQUIRES][0]);
        assert_ptr_not_equal(a->unit.deps[UNIT_REQUIRES][0], own->unit.deps[UNIT_REQUIRES][0]);
        assert_null(a->unit.deps[UNIT_REQUIRES][1]);
        /* an alias renamed to its unit, then the duplicate and the unit itself dropped */
        assert_int_equal(unit_dependency_rename(a, &a->unit.deps[UNIT_AFTER][0], "real.target"), 0);
        unit_dependencies_uniq(a, UNIT_AFTER);
        unit_dependency_remove(a, UNIT_AFTER, "a.service");
        assert_string_equal(a->unit.deps[UNIT_AFTER][0], "real.target");
        assert_null(a->unit.deps[UNIT_AFTER][1]);
        assert_int_equal(name_pool_size(p), 2);   /* sysinit.target, real.target */
        unit_free(a);
        assert_int_equal(name_pool_size(p), 1);
        unit_free(b);
        unit_free(own);
        assert_int_equal(name_pool_size(p), 0);
        name_pool_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ref_unref),
                cmocka_unit_test(test_units_share_dependency_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
