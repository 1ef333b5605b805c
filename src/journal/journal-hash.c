/* SPDX-License-Identifier: MIT */
/* lookup3's hashlittle2() and SipHash-2-4 (see journal-hash.h). Inputs are read a byte at a time
 * and assembled little-endian, which is what both algorithms specify, so the results are the same
 * on every architecture and for unaligned input. */
#include "journal/journal-hash.h"

static inline uint32_t rot32(uint32_t x, unsigned k) {
        return (x << k) | (x >> (32 - k));
}

static inline uint32_t le32_at(const uint8_t *p) {
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* lookup3's mix() and final(), as published. */
#define JENKINS_MIX(a, b, c) do {                                 \
                a -= c; a ^= rot32(c, 4);  c += b;                \
                b -= a; b ^= rot32(a, 6);  a += c;                \
                c -= b; c ^= rot32(b, 8);  b += a;                \
                a -= c; a ^= rot32(c, 16); c += b;                \
                b -= a; b ^= rot32(a, 19); a += c;                \
                c -= b; c ^= rot32(b, 4);  b += a;                \
        } while (0)

#define JENKINS_FINAL(a, b, c) do {                               \
                c ^= b; c -= rot32(b, 14);                        \
                a ^= c; a -= rot32(c, 11);                        \
                b ^= a; b -= rot32(a, 25);                        \
                c ^= b; c -= rot32(b, 16);                        \
                a ^= c; a -= rot32(c, 4);                         \
                b ^= a; b -= rot32(a, 14);                        \
                c ^= b; c -= rot32(b, 24);                        \
        } while (0)

void journal_hash_hashlittle2(const void *data, size_t len, uint32_t *pc, uint32_t *pb) {
        const uint8_t *k = data;
        uint32_t a, b, c;

        a = b = c = 0xdeadbeefU + (uint32_t)len + *pc;
        c += *pb;
        while (len > 12) {
                a += le32_at(k);
                b += le32_at(k + 4);
                c += le32_at(k + 8);
                JENKINS_MIX(a, b, c);
                len -= 12;
                k += 12;
        }
        /* The last 1..12 bytes, little-endian into a, b, c; nothing more for an empty tail. */
        if (len == 0) {
                *pc = c;
                *pb = b;
                return;
        }
        for (size_t i = len; i-- > 0;) {
                uint32_t v = (uint32_t)k[i] << (8 * (i % 4));
                if (i >= 8)
                        c += v;
                else if (i >= 4)
                        b += v;
                else
                        a += v;
        }
        JENKINS_FINAL(a, b, c);
        *pc = c;
        *pb = b;
}

uint64_t journal_hash_jenkins64(const void *data, size_t len) {
        uint32_t c = 0, b = 0;
        journal_hash_hashlittle2(data, len, &c, &b);
        return (uint64_t)c << 32 | b;
}

static inline uint64_t rot64(uint64_t x, unsigned k) {
        return (x << k) | (x >> (64 - k));
}

static inline uint64_t le64_at(const uint8_t *p) {
        return (uint64_t)le32_at(p) | (uint64_t)le32_at(p + 4) << 32;
}

#define SIPROUND(v0, v1, v2, v3) do {                                                     \
                v0 += v1; v1 = rot64(v1, 13); v1 ^= v0; v0 = rot64(v0, 32);              \
                v2 += v3; v3 = rot64(v3, 16); v3 ^= v2;                                  \
                v0 += v3; v3 = rot64(v3, 21); v3 ^= v0;                                  \
                v2 += v1; v1 = rot64(v1, 17); v1 ^= v2; v2 = rot64(v2, 32);              \
        } while (0)

uint64_t journal_hash_siphash24(const void *data, size_t len, const uint8_t key[16]) {
        const uint8_t *m = data;
        uint64_t k0 = le64_at(key), k1 = le64_at(key + 8);
        uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575), v1 = k1 ^ UINT64_C(0x646f72616e646f6d),
                 v2 = k0 ^ UINT64_C(0x6c7967656e657261), v3 = k1 ^ UINT64_C(0x7465646279746573);
        size_t left = len;

        for (; left >= 8; left -= 8, m += 8) {
                uint64_t w = le64_at(m);
                v3 ^= w;
                SIPROUND(v0, v1, v2, v3);
                SIPROUND(v0, v1, v2, v3);
                v0 ^= w;
        }
        /* the last 0..7 bytes, and the length's low byte on top */
        uint64_t last = (uint64_t)(len & 0xff) << 56;
        for (size_t i = 0; i < left; i++)
                last |= (uint64_t)m[i] << (8 * i);
        v3 ^= last;
        SIPROUND(v0, v1, v2, v3);
        SIPROUND(v0, v1, v2, v3);
        v0 ^= last;
        v2 ^= 0xff;
        for (int i = 0; i < 4; i++)
                SIPROUND(v0, v1, v2, v3);
        return v0 ^ v1 ^ v2 ^ v3;
}
