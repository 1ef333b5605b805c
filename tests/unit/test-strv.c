/* SPDX-License-Identifier: MIT */
/* strv helpers (NULL-terminated string vectors; a NULL strv is the empty list, as in systemd). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "base/strv.h"
#include "base/util.h"

static char **make(const char *a, const char *b, const char *c) {
        char **l = strv_new_empty();
        assert_non_null(l);
        const char *v[] = { a, b, c };
        for (size_t i = 0; i < 3; i++)
                if (v[i])
                        assert_int_equal(strv_extend(&l, v[i]), 0);
        return l;
}

static void test_empty_and_null(void **state) {
        (void) state;
        char **l = strv_new_empty();
        assert_non_null(l);
        assert_null(l[0]);
        assert_int_equal(strv_length(l), 0);
        assert_int_equal(strv_length(NULL), 0);
        assert_false(strv_contains(NULL, "a"));
        assert_false(strv_contains(l, "a"));
        strv_free(l);
        strv_free(NULL);
        int n = 0;
        STRV_FOREACH(s, (char **) NULL)
                n++;
        assert_int_equal(n, 0);
        _cleanup_free_ char *j = strv_join(NULL, ", ");
        assert_string_equal(j, "");
        char **c = strv_copy(NULL);
        assert_non_null(c);
        assert_int_equal(strv_length(c), 0);
        strv_free(c);
        assert_int_equal(strv_remove(NULL, "x"), 0);
        strv_sort(NULL);
        strv_uniq(NULL);
}

static void test_push_extend(void **state) {
        (void) state;
        char **l = NULL;
        assert_int_equal(strv_push(&l, strdup("a")), 0);  /* pushing onto NULL creates the list */
        assert_int_equal(strv_extend(&l, "b"), 0);
        assert_int_equal(strv_length(l), 2);
        assert_string_equal(l[0], "a");
        assert_string_equal(l[1], "b");
        assert_null(l[2]);
        assert_int_equal(strv_push(&l, NULL), -ENOMEM);    /* a failed strdup() is reported */
        assert_int_equal(strv_length(l), 2);
        assert_true(strv_contains(l, "b"));
        assert_false(strv_contains(l, "B"));
        strv_free(l);
}

static void test_extend_strv(void **state) {
        (void) state;
        char **a = make("x", "y", NULL), **b = make("y", "z", "x");
        assert_int_equal(strv_extend_strv(&a, b, true), 0);
        _cleanup_free_ char *j = strv_join(a, ",");
        assert_string_equal(j, "x,y,z");
        assert_int_equal(strv_extend_strv(&a, b, false), 0);
        _cleanup_free_ char *j2 = strv_join(a, ",");
        assert_string_equal(j2, "x,y,z,y,z,x");
        assert_int_equal(strv_extend_strv(&a, NULL, false), 0);
        assert_int_equal(strv_length(a), 6);
        strv_free(a);
        strv_free(b);
}

static void test_consume_unique(void **state) {
        (void) state;
        char **l = NULL;
        assert_int_equal(strv_consume_unique(&l, strdup("a")), 0);
        assert_int_equal(strv_consume_unique(&l, strdup("a")), 0);  /* duplicate freed, not added */
        assert_int_equal(strv_consume_unique(&l, strdup("b")), 0);
        assert_int_equal(strv_length(l), 2);
        assert_int_equal(strv_consume_unique(&l, NULL), -ENOMEM);
        strv_free(l);
}

static void test_copy_join(void **state) {
        (void) state;
        char **l = make("a", "b c", "");
        char **c = strv_copy(l);
        assert_int_equal(strv_length(c), 3);
        assert_ptr_not_equal(c[0], l[0]);             /* deep copy */
        assert_string_equal(c[1], "b c");
        _cleanup_free_ char *j = strv_join(c, " ");
        assert_string_equal(j, "a b c ");
        _cleanup_free_ char *j2 = strv_join(c, "");
        assert_string_equal(j2, "ab c");
        char **one = make("only", NULL, NULL);
        _cleanup_free_ char *j3 = strv_join(one, ", ");
        assert_string_equal(j3, "only");
        strv_free(one);
        strv_free(l);
        strv_free(c);
}

/* one chunk: the copy outlives the list and is released with a single free() (ASan checks that) */
static void test_flatten(void **state) {
        (void)state;
        char **l = make("PATH=/usr/bin", "", "LANG=C.UTF-8");
        char **f = strv_flatten(l);
        assert_non_null(f);
        strv_free(l);
        assert_int_equal(strv_length(f), 3);
        assert_string_equal(f[0], "PATH=/usr/bin");
        assert_string_equal(f[1], "");
        assert_string_equal(f[2], "LANG=C.UTF-8");
        assert_null(f[3]);
        free(f);
        char **e = strv_flatten(NULL);
        assert_non_null(e);
        assert_null(e[0]);
        free(e);
}

static void test_remove(void **state) {
        (void) state;
        char **l = make("a", "b", "a");
        assert_int_equal(strv_remove(l, "a"), 2);
        assert_int_equal(strv_length(l), 1);
        assert_string_equal(l[0], "b");
        assert_int_equal(strv_remove(l, "zz"), 0);
        assert_int_equal(strv_remove(l, "b"), 1);
        assert_null(l[0]);
        strv_free(l);
}

static void test_sort_uniq(void **state) {
        (void) state;
        char **l = make("c", "a", "b");
        assert_int_equal(strv_extend(&l, "a"), 0);
        assert_int_equal(strv_extend(&l, "c"), 0);
        strv_uniq(l);                                   /* keeps the first occurrence, order kept */
        _cleanup_free_ char *j = strv_join(l, ",");
        assert_string_equal(j, "c,a,b");
        strv_sort(l);
        _cleanup_free_ char *j2 = strv_join(l, ",");
        assert_string_equal(j2, "a,b,c");
        strv_free(l);

        char **s = make("b.service", "a.service", "B.service");
        strv_sort(s);                                   /* byte order (strcmp), as systemd's strv_sort */
        _cleanup_free_ char *j3 = strv_join(s, " ");
        assert_string_equal(j3, "B.service a.service b.service");
        strv_free(s);
}

static void test_cleanup(void **state) {
        (void) state;
        /* _cleanup_strv_free_ frees on scope exit (ASan would report a leak otherwise) */
        {
                _cleanup_strv_free_ char **l = make("x", "y", NULL);
                assert_int_equal(strv_length(l), 2);
        }
        {
                _cleanup_strv_free_ char **l = NULL;
                (void) l;
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty_and_null),
                cmocka_unit_test(test_push_extend),
                cmocka_unit_test(test_extend_strv),
                cmocka_unit_test(test_consume_unique),
                cmocka_unit_test(test_copy_join),
                cmocka_unit_test(test_flatten),
                cmocka_unit_test(test_remove),
                cmocka_unit_test(test_sort_uniq),
                cmocka_unit_test(test_cleanup),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
