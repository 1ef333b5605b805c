/* SPDX-License-Identifier: MIT */
/* lookup3's hashlittle2() (see journal-hash.h). Input is read a byte at a time and assembled
 * little-endian, which is what the algorithm specifies, so the results are the same on every
 * architecture and for unaligned input. */
#include "base/siphash.h"
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

uint64_t journal_hash_data(const void *data, size_t len, bool keyed, const uint8_t file_id[16]) {
        return keyed ? siphash24(data, len, file_id) : journal_hash_jenkins64(data, len);
}
