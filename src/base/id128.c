/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "base/id128.h"

int id128_from_string(const char *s, uint8_t ret[16]) {
        /* 32 hex digits, or the 36-character form with dashes */
        size_t j = 0, n = strlen(s);
        if (n != 32 && n != 36)
                return -EINVAL;
        for (size_t i = 0; i < n;) {
                if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
                        if (s[i++] != '-')
                                return -EINVAL;
                        continue;
                }
                int v = 0;
                for (int k = 0; k < 2; k++, i++) {
                        char c = s[i];
                        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                                c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                        if (d < 0)
                                return -EINVAL;
                        v = v << 4 | d;
                }
                if (j >= 16)
                        return -EINVAL;
                ret[j++] = (uint8_t)v;
        }
        return j == 16 ? 0 : -EINVAL;
}

char *id128_to_string(const uint8_t id[16], char buf[static 33]) {
        for (int i = 0; i < 16; i++)
                snprintf(buf + 2 * i, 3, "%02x", id[i]);
        return buf;
}

void id128_random(uint8_t b[16]) {
        if (getrandom(b, 16, GRND_NONBLOCK) != 16) {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                uint64_t t = ((uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec) ^ ((uint64_t)getpid() << 32);
                for (size_t i = 0; i < 16; i++) b[i] = (uint8_t)(t >> (8 * (i % 8))) ^ (uint8_t)(i * 131);
        }
        b[6] = (b[6] & 0x0F) | 0x40;
        b[8] = (b[8] & 0x3F) | 0x80;
}

void id128_random_string(char ret[static 33]) {
        uint8_t b[16];
        id128_random(b);
        id128_to_string(b, ret);
}
