/* SPDX-License-Identifier: MIT */
/* The string hash map: lookups, insertion-order iteration (our deterministic replacement for
 * systemd's hashmap iteration), -EEXIST on duplicate put (systemd hashmap_put() with a different
 * value), replace keeping position, removal (also while iterating), growth and bounded memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "base/hashmap.h"
#include "base/util.h"

static void test_basic(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        int a = 1, b = 2, c = 3;
        assert_non_null(h);
        assert_int_equal(hashmap_size(h), 0);
        assert_null(hashmap_get(h, "a"));
        assert_int_equal(hashmap_put(h, "a", &a), 1);
        assert_int_equal(hashmap_put(h, "b", &b), 1);
        assert_int_equal(hashmap_put(h, "a", &c), -EEXIST);
        assert_int_equal(hashmap_size(h), 2);
        assert_ptr_equal(hashmap_get(h, "a"), &a);
        assert_ptr_equal(hashmap_get(h, "b"), &b);
        assert_null(hashmap_get(h, "c"));
        assert_null(hashmap_get(h, ""));
        assert_int_equal(hashmap_put(h, "", &c), 1);   /* the empty string is a valid key */
        assert_ptr_equal(hashmap_get(h, ""), &c);
        assert_int_equal(hashmap_put(h, "n", NULL), 1); /* NULL values are allowed */
        assert_int_equal(hashmap_size(h), 4);
        assert_int_equal(hashmap_put(h, NULL, &a), -EINVAL);
        hashmap_free(h);
        hashmap_free(NULL);
        assert_int_equal(hashmap_size(NULL), 0);
        assert_null(hashmap_get(NULL, "a"));
        assert_null(hashmap_remove(NULL, "a"));
}

/* Keys are compared by content, not pointer. */
static void test_key_content(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        char k1[] = "foo.service", k2[] = "foo.service";
        int v = 1;
        assert_int_equal(hashmap_put(h, k1, &v), 1);
        assert_ptr_equal(hashmap_get(h, k2), &v);
        assert_int_equal(hashmap_put(h, k2, &v), -EEXIST);
        hashmap_free(h);
}

static void test_replace(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        int a = 1, b = 2, c = 3;
        assert_int_equal(hashmap_replace(h, "x", &a), 1);
        assert_int_equal(hashmap_put(h, "y", &b), 1);
        assert_int_equal(hashmap_replace(h, "x", &c), 0);
        assert_ptr_equal(hashmap_get(h, "x"), &c);
        assert_int_equal(hashmap_size(h), 2);
        /* position kept: x still iterates first */
        size_t i = 0;
        const char *k;
        void *v;
        assert_true(hashmap_iterate(h, &i, &k, &v));
        assert_string_equal(k, "x");
        assert_ptr_equal(v, &c);
        hashmap_free(h);
}

static void test_iterate_order(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        char keys[500][16];
        for (int n = 0; n < 500; n++) {
                snprintf(keys[n], sizeof keys[n], "unit-%d", (n * 7919) % 500);
                assert_int_equal(hashmap_put(h, keys[n], keys[n]), 1);
        }
        size_t i = 0, n = 0;
        const char *k;
        void *v;
        while (hashmap_iterate(h, &i, &k, &v)) {
                assert_ptr_equal(k, keys[n]);      /* insertion order, across resizes */
                assert_ptr_equal(v, keys[n]);
                n++;
        }
        assert_int_equal(n, 500);
        assert_false(hashmap_iterate(h, &i, &k, &v));  /* stays at the end */
        i = 0;
        assert_true(hashmap_iterate(h, &i, NULL, NULL)); /* outputs optional */
        hashmap_free(h);

        Hashmap *e = hashmap_new();
        i = 0;
        assert_false(hashmap_iterate(e, &i, &k, &v));
        hashmap_free(e);
        i = 0;
        assert_false(hashmap_iterate(NULL, &i, &k, &v));
}

static void test_remove(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        int vals[10];
        char keys[10][16];
        for (int n = 0; n < 10; n++) {
                snprintf(keys[n], sizeof keys[n], "k%d", n);
                assert_int_equal(hashmap_put(h, keys[n], &vals[n]), 1);
        }
        assert_ptr_equal(hashmap_remove(h, "k3"), &vals[3]);
        assert_null(hashmap_remove(h, "k3"));
        assert_null(hashmap_get(h, "k3"));
        assert_null(hashmap_remove(h, "nope"));
        assert_int_equal(hashmap_size(h), 9);
        /* re-adding goes to the end of the order */
        assert_int_equal(hashmap_put(h, keys[3], &vals[3]), 1);
        size_t i = 0;
        const char *k, *last = NULL;
        while (hashmap_iterate(h, &i, &k, NULL))
                last = k;
        assert_string_equal(last, "k3");
        for (int n = 0; n < 10; n++)
                assert_ptr_equal(hashmap_get(h, keys[n]), &vals[n]);
        hashmap_free(h);
}

/* Removing the current (or any) entry while iterating neither skips nor repeats the others. */
static void test_remove_while_iterating(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        char keys[100][16];
        for (int n = 0; n < 100; n++) {
                snprintf(keys[n], sizeof keys[n], "%d", n);
                assert_int_equal(hashmap_put(h, keys[n], keys[n]), 1);
        }
        size_t i = 0, seen = 0;
        const char *k;
        while (hashmap_iterate(h, &i, &k, NULL)) {
                seen++;
                if (atoi(k) % 2 == 0)
                        assert_non_null(hashmap_remove(h, k));
        }
        assert_int_equal(seen, 100);
        assert_int_equal(hashmap_size(h), 50);
        i = 0;
        while (hashmap_iterate(h, &i, &k, NULL))
                assert_int_equal(atoi(k) % 2, 1);
        hashmap_free(h);
}

/* Heavy churn: a pseudo-random mix of put/remove compared against a reference array. */
static void test_churn(void **state) {
        (void) state;
        enum { N = 2000 };
        static char keys[N][16];
        static bool present[N];
        Hashmap *h = hashmap_new();
        size_t live = 0;
        uint32_t x = 12345;
        for (int n = 0; n < N; n++)
                snprintf(keys[n], sizeof keys[n], "key%d", n);
        for (int step = 0; step < 200000; step++) {
                x = x * 1103515245 + 12345;
                int k = (int) ((x >> 8) % N);
                if (present[k]) {
                        assert_ptr_equal(hashmap_remove(h, keys[k]), keys[k]);
                        present[k] = false;
                        live--;
                } else {
                        assert_int_equal(hashmap_put(h, keys[k], keys[k]), 1);
                        present[k] = true;
                        live++;
                }
        }
        assert_int_equal(hashmap_size(h), live);
        for (int n = 0; n < N; n++)
                assert_ptr_equal(hashmap_get(h, keys[n]), present[n] ? keys[n] : NULL);
        size_t i = 0, cnt = 0;
        while (hashmap_iterate(h, &i, NULL, NULL))
                cnt++;
        assert_int_equal(cnt, live);
        /* bounded growth: the dense array never exceeds what the live peak needs, so
         * iteration positions stay well below 200000 operations */
        assert_true(i <= 2 * N);
        hashmap_free(h);
}

/* Remove everything then refill: the map is fully usable and tombstones don't break lookups. */
static void test_drain_refill(void **state) {
        (void) state;
        Hashmap *h = hashmap_new();
        char keys[64][16];
        for (int round = 0; round < 50; round++) {
                for (int n = 0; n < 64; n++) {
                        snprintf(keys[n], sizeof keys[n], "r%d", n);
                        assert_int_equal(hashmap_put(h, keys[n], keys[n]), 1);
                }
                for (int n = 0; n < 64; n++)
                        assert_ptr_equal(hashmap_remove(h, keys[n]), keys[n]);
                assert_int_equal(hashmap_size(h), 0);
                size_t i = 0;
                assert_false(hashmap_iterate(h, &i, NULL, NULL));
                assert_true(i <= 128);
        }
        hashmap_free(h);
}

static void test_hash_string(void **state) {
        (void) state;
        assert_true(hash_string("a") == hash_string("a"));
        assert_true(hash_string("a") != hash_string("b"));
        assert_true(hash_string("") != hash_string("a"));
        assert_true(hash_string("ab") != hash_string("ba"));
        /* low bits (used for probing) are well spread for similar keys */
        unsigned buckets[64] = { 0 };
        char k[48];
        for (int n = 0; n < 6400; n++) {
                snprintf(k, sizeof k, "getty@tty%d.service", n);
                buckets[hash_string(k) & 63]++;
        }
        for (int b = 0; b < 64; b++)
                assert_true(buckets[b] > 50 && buckets[b] < 150);
}

/* Keys chosen to collide under an unkeyed hash (here 1,500 unit names whose FNV-1a hash shares its
 * low 12 bits, found in about 6 million tries: what anyone can compute offline for names sent
 * through LoadUnit) must not collide in a map, or every lookup walks one long probe run. */
static void test_chosen_collisions_spread(void **state) {
        (void) state;
        enum { N = 1500, BITS = 12 };
        const uint64_t mask = (UINT64_C(1) << BITS) - 1;
        static char keys[N][40];
        uint64_t target = hash_string("x0.service") & mask;
        size_t n = 0;
        for (unsigned long t = 0; n < N; t++) {
                snprintf(keys[n], sizeof keys[n], "x%lu.service", t);
                if ((hash_string(keys[n]) & mask) == target)
                        n++;
        }
        static uint8_t seen[1u << BITS];
        size_t distinct = 0;
        for (size_t i = 0; i < N; i++) {
                uint64_t b = hashmap_hash_key(keys[i]) & mask;
                if (!seen[b]++)
                        distinct++;
        }
        /* uniform hashing of 1,500 keys into 4,096 buckets leaves about 1,260 distinct */
        assert_true(distinct > 1000);
        Hashmap *h = hashmap_new();
        for (size_t i = 0; i < N; i++)
                assert_int_equal(hashmap_put(h, keys[i], keys[i]), 1);
        for (size_t i = 0; i < N; i++)
                assert_ptr_equal(hashmap_get(h, keys[i]), keys[i]);
        hashmap_free(h);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_basic),
                cmocka_unit_test(test_key_content),
                cmocka_unit_test(test_replace),
                cmocka_unit_test(test_iterate_order),
                cmocka_unit_test(test_remove),
                cmocka_unit_test(test_remove_while_iterating),
                cmocka_unit_test(test_churn),
                cmocka_unit_test(test_drain_refill),
                cmocka_unit_test(test_hash_string),
                cmocka_unit_test(test_chosen_collisions_spread),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
