/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "base/siphash.h"

/* The reference vectors of the SipHash paper (appendix A and the authors' vectors.h): key
 * 00 01 .. 0f, message 00 01 .. (n-1). */
static void test_reference_vectors(void **state) {
        (void) state;
        uint8_t key[16], msg[64];
        for (unsigned i = 0; i < 16; i++)
                key[i] = (uint8_t) i;
        for (unsigned i = 0; i < 64; i++)
                msg[i] = (uint8_t) i;
        assert_true(siphash24(msg, 0, key) == UINT64_C(0x726fdb47dd0e0e31));
        assert_true(siphash24(msg, 1, key) == UINT64_C(0x74f839c593dc67fd));
        assert_true(siphash24(msg, 8, key) == UINT64_C(0x93f5f5799a932462));
        assert_true(siphash24(msg, 15, key) == UINT64_C(0xa129ca6149be45e5));
}

static void test_key_matters(void **state) {
        (void) state;
        uint8_t k1[16] = { 0 }, k2[16] = { 1 };
        assert_true(siphash24("sshd.service", 12, k1) != siphash24("sshd.service", 12, k2));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reference_vectors),
                cmocka_unit_test(test_key_matters),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
