/* SPDX-License-Identifier: MIT */
/* RestartSteps=/RestartMaxDelaySec= interpolation (see restart-delay.h).
 *
 * systemd computes (usec_t)(r0 * powl(q, e)) with q = rmax / r0 and e = (n - 1) / N in long
 * double. The binary links no libm, so the power is exp(e * ln q) written here for the only
 * range needed (q in (1, 2^64], e in [0, 1)). To land on the same long double as a correctly
 * rounded powl() also where the exact power is a whole number (8^(1/3) is 2, but 64^(5/6 rounded)
 * is just below 32 and truncates to one microsecond less), the power is carried in double-long
 * double arithmetic (a value as an unevaluated sum hi + lo, about 128 bits) and only then rounded
 * to one long double, multiplied by r0 and truncated, as systemd does. */
#include <float.h>
#include "unit/restart-delay.h"

typedef struct DD { long double hi, lo; } DD;

/* ln 2 as hi + lo: hi is ln 2 rounded to 64 bits */
#define LN2_HI 0xB17217F7D1CF79ACp-64L
#define LN2_LO (-1.1458352726798732810935299861966120391039e-20L)

/* Exact a + b = s + err (Knuth). */
static DD two_sum(long double a, long double b) {
        long double s = a + b, bb = s - a;
        return (DD){ s, (a - (s - bb)) + (b - bb) };
}

static DD quick_two_sum(long double a, long double b) {
        long double s = a + b;
        return (DD){ s, b - (s - a) };
}

/* Exact a * b = p + err (Dekker, with Veltkamp's split of the significand in two halves: 2^32 + 1
 * for x86's 64-bit long double). */
#define SPLITTER ((long double)(UINT64_C(1) << ((LDBL_MANT_DIG + 1) / 2)) + 1.0L)
static void split(long double a, long double *hi, long double *lo) {
        long double c = SPLITTER * a;
        *hi = c - (c - a);
        *lo = a - *hi;
}

static DD two_prod(long double a, long double b) {
        long double p = a * b, ah, al, bh, bl;
        split(a, &ah, &al);
        split(b, &bh, &bl);
        return (DD){ p, ((ah * bh - p) + ah * bl + al * bh) + al * bl };
}

static DD dd_add(DD a, DD b) {
        DD s = two_sum(a.hi, b.hi);
        return quick_two_sum(s.hi, s.lo + a.lo + b.lo);
}

static DD dd_mul(DD a, DD b) {
        DD p = two_prod(a.hi, b.hi);
        return quick_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

static DD dd_mul_ld(DD a, long double b) {
        DD p = two_prod(a.hi, b);
        return quick_two_sum(p.hi, p.lo + a.lo * b);
}

static DD dd_div_uint(DD a, unsigned d) {
        long double q = a.hi / d;
        DD p = two_prod(q, d);
        return quick_two_sum(q, ((a.hi - p.hi) - p.lo + a.lo) / d);
}

/* e^y for 0 <= y <= 64 ln 2: y = k ln 2 + r, e^r = (e^(r/256))^256 with a Taylor series of 12
 * terms for |r/256| < 0.0014 (the next term is below 2^-120), times 2^k. */
static DD dd_exp(DD y) {
        unsigned k = (unsigned)(y.hi / LN2_HI + 0.5L);
        DD r = dd_add(y, dd_add(two_prod(-(long double)k, LN2_HI), two_prod(-(long double)k, LN2_LO)));
        r = (DD){ r.hi / 256, r.lo / 256 };  /* exact */
        DD term = { 1, 0 }, sum = { 1, 0 };
        for (unsigned i = 1; i <= 12; i++) {
                term = dd_div_uint(dd_mul(term, r), i);
                sum = dd_add(sum, term);
        }
        for (unsigned i = 0; i < 8; i++) sum = dd_mul(sum, sum);
        for (; k > 0; k--) sum = (DD){ sum.hi * 2, sum.lo * 2 };  /* exact */
        return sum;
}

/* ln(x) for x >= 1: a long double estimate from the series of 2 atanh((m - 1) / (m + 1)),
 * then one Newton step y + (x - e^y) / e^y in double-long double. */
static long double ln_estimate(long double x) {
        unsigned k = 0;
        while (x >= 2.0L) {  /* exact: scaling by a power of two */
                x /= 2;
                k++;
        }
        if (x > 1.4142135623730950488L) {
                x /= 2;
                k++;
        }
        long double z = (x - 1) / (x + 1), z2 = z * z, power = z, sum = 0;
        for (unsigned i = 1; i < 42; i += 2) {
                sum += power / i;
                power *= z2;
        }
        return k * LN2_HI + (2 * sum + k * LN2_LO);
}

static DD dd_ln(long double x) {
        long double y = ln_estimate(x);
        DD e = dd_exp((DD){ y, 0 });
        DD diff = dd_add((DD){ x, 0 }, (DD){ -e.hi, -e.lo });
        return two_sum(y, diff.hi / e.hi);
}

usec_t restart_delay_next(usec_t restart_usec, unsigned steps, usec_t max_delay_usec, unsigned n_restart) {
        if (n_restart <= 1 || steps == 0 || restart_usec == 0 || max_delay_usec == USEC_INFINITY ||
            restart_usec >= max_delay_usec)
                return restart_usec;
        if (n_restart > steps) return max_delay_usec;

        /* the same roundings as systemd: q and e are long doubles, powl() returns one */
        long double q = (long double)max_delay_usec / (long double)restart_usec;
        long double e = (long double)(n_restart - 1) / (long double)steps;
        DD p = dd_exp(dd_mul_ld(dd_ln(q), e));
        long double v = (long double)restart_usec * (p.hi + p.lo);
        if (v <= (long double)restart_usec) return restart_usec;
        if (v >= (long double)max_delay_usec) return max_delay_usec;
        return (usec_t)v;
}
