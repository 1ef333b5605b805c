/* SPDX-License-Identifier: MIT */
/* journal-entry: fields, journald's name rule, bounds, lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "base/util.h"
#include "journal/journal-entry.h"

static void test_names(void **state) {
        (void) state;
        const char *valid[] = { "MESSAGE", "A", "X_1", "SYSLOG_IDENTIFIER", "A234567890123456789012345678901234567890123456789012345678901234" };
        const char *invalid[] = { "", "message", "1ABC", "A-B", "A B", "MESSAGE=", "Ä", "A\n",
                                  "A2345678901234567890123456789012345678901234567890123456789012345" /* 65 */ };
        for (size_t i = 0; i < ELEMENTSOF(valid); i++)
                assert_true(journal_field_name_valid(valid[i], SIZE_MAX, false));
        for (size_t i = 0; i < ELEMENTSOF(invalid); i++)
                assert_false(journal_field_name_valid(invalid[i], SIZE_MAX, true));
        assert_false(journal_field_name_valid("_PID", SIZE_MAX, false));
        assert_true(journal_field_name_valid("_PID", SIZE_MAX, true));
        assert_true(journal_field_name_valid("__X", SIZE_MAX, true));
        assert_true(journal_field_name_valid("_", SIZE_MAX, true));
        assert_true(journal_field_name_valid("MESSAGE=x", 7, false));  /* length given */
        assert_false(journal_field_name_valid(NULL, 0, true));
}

static void test_add_get(void **state) {
        (void) state;
        JournalEntry e = {};
        size_t l;
        const char *v;

        assert_int_equal(journal_entry_add_string(&e, "MESSAGE", "one"), 0);
        assert_int_equal(journal_entry_add(&e, "BIN", "a\0b\nc", 5), 0);
        assert_int_equal(journal_entry_add_string(&e, "MESSAGE", "two"), 0);
        assert_int_equal(journal_entry_add(&e, "EMPTY", NULL, 0), 0);
        assert_int_equal(journal_entry_add_pair(&e, "X=y=z", 5, false), 0);
        assert_int_equal(e.n_fields, 5);
        /* journald's measure: "NAME=value" bytes plus one separator each */
        assert_int_equal(e.size, 11 + 9 + 11 + 6 + 5 + 5);

        v = journal_entry_get(&e, "MESSAGE", &l);  /* the last one */
        assert_int_equal(l, 3);
        assert_string_equal(v, "two");
        v = journal_entry_get(&e, "BIN", &l);
        assert_int_equal(l, 5);
        assert_memory_equal(v, "a\0b\nc", 5);
        assert_string_equal(journal_entry_get(&e, "EMPTY", &l), "");
        assert_int_equal(l, 0);
        assert_string_equal(journal_entry_get(&e, "X", NULL), "y=z");
        assert_null(journal_entry_get(&e, "MESSAG", NULL));
        assert_null(journal_entry_get(&e, "MESSAGES", NULL));
        assert_memory_equal(e.fields[0].data, "MESSAGE=one", 12);  /* NUL-terminated */

        struct iovec iov[5];
        assert_int_equal(journal_entry_to_iovec(&e, iov, 4), -ENOBUFS);
        assert_int_equal(journal_entry_to_iovec(&e, iov, 5), 5);
        assert_int_equal(iov[1].iov_len, 9);
        assert_memory_equal(iov[1].iov_base, "BIN=a\0b\nc", 9);

        /* refusals leave the entry unchanged */
        assert_int_equal(journal_entry_add_string(&e, "_PID", "1"), -EINVAL);
        assert_int_equal(journal_entry_add_string(&e, "lower", "1"), -EINVAL);
        assert_int_equal(journal_entry_add_pair(&e, "NOEQUALS", 8, false), -EINVAL);
        assert_int_equal(journal_entry_add_pair(&e, "_X=1", 4, false), -EINVAL);
        assert_int_equal(journal_entry_add(&e, "A", NULL, 1), -EINVAL);
        assert_int_equal(e.n_fields, 5);
        assert_int_equal(journal_entry_add_trusted(&e, "_TRANSPORT", "journal", 7), 0);
        assert_int_equal(journal_entry_add_pair(&e, "_PID=1", 6, true), 0);
        assert_int_equal(e.n_fields, 7);

        journal_entry_done(&e);
        assert_int_equal(e.n_fields, 0);
        assert_null(e.fields);
        journal_entry_done(&e);
        journal_entry_done(NULL);
}

static void test_bounds(void **state) {
        (void) state;
        JournalEntry e = {};
        char *big = calloc(1, JOURNAL_ENTRY_SIZE_MAX);
        assert_non_null(big);

        for (unsigned i = 0; i < JOURNAL_ENTRY_FIELDS_MAX; i++)
                assert_int_equal(journal_entry_add(&e, "F", "x", 1), 0);
        assert_int_equal(journal_entry_add(&e, "F", "x", 1), -E2BIG);
        for (unsigned i = 0; i < JOURNAL_ENTRY_TRUSTED_FIELDS_MAX; i++)
                assert_int_equal(journal_entry_add_trusted(&e, "_F", "x", 1), 0);
        assert_int_equal(journal_entry_add_trusted(&e, "_F", "x", 1), -E2BIG);
        journal_entry_done(&e);

        /* "M=" + value + separator: exactly at the bound fits */
        size_t vmax = JOURNAL_ENTRY_SIZE_MAX - 3;
        assert_int_equal(journal_entry_add(&e, "M", big, vmax + 1), -EMSGSIZE);
        assert_int_equal(journal_entry_add(&e, "M", big, vmax), 0);
        assert_int_equal(e.size, JOURNAL_ENTRY_SIZE_MAX);
        assert_int_equal(journal_entry_add(&e, "A", NULL, 0), -EMSGSIZE);
        assert_int_equal(journal_entry_add_trusted(&e, "_TRANSPORT", "stdout", 6), 0);  /* the allowance */
        assert_int_equal(journal_entry_add(&e, "M", big, SIZE_MAX), -EMSGSIZE);  /* no overflow */
        journal_entry_done(&e);
        free(big);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_add_get),
                cmocka_unit_test(test_bounds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
