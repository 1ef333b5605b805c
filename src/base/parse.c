/* SPDX-License-Identifier: MIT */
/* Value parsers and formatters. Behaviour mirrors systemd 252 (parse-util, time-util, format-util,
 * percent-util, errno-list); edge cases are pinned in tests/unit/test-parse.c. Signals: signal-util. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include "base/parse.h"
#include "base/util.h"

#define NSEC_PER_USEC UINT64_C(1000)

int parse_boolean(const char *v) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
        if (!v)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0) return 1;
                if (strcasecmp(v, no[i]) == 0) return 0;
        }
        return -EINVAL;
}

/* ---- time spans (systemd.time(7)) ---- */

typedef struct {
        const char *suffix;
        uint64_t mult; /* in the parser's base unit (usec or nsec) */
} UnitSuffix;

/* Order matters: suffixes are matched by prefix, so longer ones (and "ms" before "m") come first. */
#define TIME_SUFFIXES(U)                                                                            \
        { "seconds", USEC_PER_SEC * (U) }, { "second", USEC_PER_SEC * (U) },                      \
        { "sec", USEC_PER_SEC * (U) }, { "s", USEC_PER_SEC * (U) },                               \
        { "minutes", USEC_PER_MINUTE * (U) }, { "minute", USEC_PER_MINUTE * (U) },                \
        { "min", USEC_PER_MINUTE * (U) }, { "months", USEC_PER_MONTH * (U) },                     \
        { "month", USEC_PER_MONTH * (U) }, { "M", USEC_PER_MONTH * (U) },                         \
        { "msec", USEC_PER_MSEC * (U) }, { "ms", USEC_PER_MSEC * (U) },                           \
        { "m", USEC_PER_MINUTE * (U) }, { "hours", USEC_PER_HOUR * (U) },                         \
        { "hour", USEC_PER_HOUR * (U) }, { "hr", USEC_PER_HOUR * (U) }, { "h", USEC_PER_HOUR * (U) }, \
        { "days", USEC_PER_DAY * (U) }, { "day", USEC_PER_DAY * (U) }, { "d", USEC_PER_DAY * (U) }, \
        { "weeks", USEC_PER_WEEK * (U) }, { "week", USEC_PER_WEEK * (U) },                        \
        { "w", USEC_PER_WEEK * (U) }, { "years", USEC_PER_YEAR * (U) },                           \
        { "year", USEC_PER_YEAR * (U) }, { "y", USEC_PER_YEAR * (U) },                            \
        { "usec", (U) }, { "us", (U) }, { "\xc2\xb5s", (U) } /* µs */

static const UnitSuffix usec_suffixes[] = { TIME_SUFFIXES(1) };
static const UnitSuffix nsec_suffixes[] = { TIME_SUFFIXES(NSEC_PER_USEC), { "nsec", 1 }, { "ns", 1 } };

/* Returns the position after a matched suffix (and sets *mult), or p unchanged. */
static const char *match_suffix(const char *p, const UnitSuffix *tab, size_t n, uint64_t *mult) {
        for (size_t i = 0; i < n; i++) {
                const char *e = startswith(p, tab[i].suffix);
                if (e) {
                        *mult = tab[i].mult;
                        return e;
                }
        }
        return p;
}

/* One "NUMBER[.FRACTION][ ]UNIT" component; adds it to *sum. Advances *pp. */
static int parse_span_component(const char **pp, const UnitSuffix *tab, size_t n, uint64_t default_unit,
                                uint64_t *sum) {
        const char *p = *pp;
        uint64_t mult = default_unit;
        char *e;

        if (*p == '-') /* also refuses "-0" */
                return -ERANGE;
        errno = 0;
        long long l = strtoll(p, &e, 10);
        if (errno > 0)
                return -errno;
        if (l < 0)
                return -ERANGE;
        if (*e == '.')
                p = e + 1 + strspn(e + 1, DIGITS);
        else if (e == p)
                return -EINVAL;
        else
                p = e;

        /* The unit may be separated by whitespace ("5 s"); "12.34.56" is refused but "12.34 .56"
         * and "12.34s.56" are two components, as in systemd. */
        const char *s = match_suffix(p + strspn(p, WHITESPACE), tab, n, &mult);
        if (s == p && *s != 0)
                return -EINVAL;

        if ((uint64_t) l >= UINT64_MAX / mult)
                return -ERANGE;
        uint64_t k = (uint64_t) l * mult;
        if (k >= UINT64_MAX - *sum)
                return -ERANGE;
        *sum += k;

        if (*e == '.') {
                const char *b = e + 1;
                for (uint64_t m = mult / 10; *b >= '0' && *b <= '9'; b++, m /= 10) {
                        k = (uint64_t) (*b - '0') * m;
                        if (k >= UINT64_MAX - *sum)
                                return -ERANGE;
                        *sum += k;
                }
                if (b == e + 1) /* "3.s", "3. 1", "0.-0" */
                        return -EINVAL;
        }
        *pp = s;
        return 0;
}

static int parse_span(const char *t, const UnitSuffix *tab, size_t n, uint64_t default_unit, uint64_t *ret) {
        const char *p = t + strspn(t, WHITESPACE);
        uint64_t sum = 0;
        bool something = false;

        const char *s = startswith(p, "infinity");
        if (s) {
                s += strspn(s, WHITESPACE);
                if (*s != 0)
                        return -EINVAL;
                *ret = UINT64_MAX;
                return 0;
        }
        for (;;) {
                p += strspn(p, WHITESPACE);
                if (*p == 0) {
                        if (!something)
                                return -EINVAL;
                        break;
                }
                int r = parse_span_component(&p, tab, n, default_unit, &sum);
                if (r < 0)
                        return r;
                something = true;
        }
        *ret = sum;
        return 0;
}

int parse_time(const char *t, usec_t *ret, usec_t default_unit) {
        usec_t u;
        if (!t || default_unit == 0)
                return -EINVAL;
        int r = parse_span(t, usec_suffixes, ELEMENTSOF(usec_suffixes), default_unit, &u);
        if (r < 0)
                return r;
        if (ret)
                *ret = u;
        return 0;
}

int parse_sec(const char *t, usec_t *ret) {
        return parse_time(t, ret, USEC_PER_SEC);
}

int parse_sec_fix_0(const char *t, usec_t *ret) {
        usec_t k;
        int r = parse_sec(t, &k);
        if (r < 0)
                return r;
        if (ret)
                *ret = k == 0 ? USEC_INFINITY : k;
        return 0;
}

int parse_nsec(const char *t, nsec_t *ret) {
        nsec_t n;
        if (!t)
                return -EINVAL;
        int r = parse_span(t, nsec_suffixes, ELEMENTSOF(nsec_suffixes), 1, &n);
        if (r < 0)
                return r;
        if (ret)
                *ret = n;
        return 0;
}

/* ---- sizes ---- */

int parse_size(const char *t, uint64_t base, uint64_t *ret) {
        /* Suffixes must appear in descending order ("1G 512M"); "" is the bare-number fallback. */
        static const char *const suffixes[] = { "E", "P", "T", "G", "M", "K", "B", "" };
        uint64_t factors[ELEMENTSOF(suffixes)], sum = 0;
        size_t start = 0;
        const char *p = t;

        if (!t || (base != 1000 && base != 1024))
                return -EINVAL;
        factors[6] = factors[7] = 1;
        for (int i = 5; i >= 0; i--)
                factors[i] = factors[i + 1 == 6 ? 7 : i + 1] * base;

        do {
                char *e;
                double frac = 0;
                size_t i;

                p += strspn(p, WHITESPACE);
                errno = 0;
                unsigned long long l = strtoull(p, &e, 10);
                if (errno > 0)
                        return -errno;
                if (e == p)
                        return -EINVAL;
                if (*p == '-')
                        return -ERANGE;
                if (*e == '.') {
                        e++;
                        if (*e >= '0' && *e <= '9') { /* "10.M" is valid: empty fraction */
                                char *e2;
                                unsigned long long l2 = strtoull(e, &e2, 10);
                                if (errno > 0)
                                        return -errno;
                                frac = (double) l2;
                                for (; e < e2; e++)
                                        frac /= 10;
                        }
                }
                e += strspn(e, WHITESPACE);
                for (i = start; i < ELEMENTSOF(suffixes); i++)
                        if (startswith(e, suffixes[i]))
                                break;
                if (i >= ELEMENTSOF(suffixes))
                        return -EINVAL;
                if (l + (frac > 0) > UINT64_MAX / factors[i])
                        return -ERANGE;
                uint64_t tmp = l * factors[i] + (uint64_t) (frac * (double) factors[i]);
                if (tmp > UINT64_MAX - sum)
                        return -ERANGE;
                sum += tmp;
                p = e + strlen(suffixes[i]);
                start = i + 1;
        } while (*p);

        if (ret)
                *ret = sum;
        return 0;
}

/* ---- integers ---- */

/* Like systemd: base 0 means C rules (0x hex, leading-0 octal) plus "0b"/"0o" prefixes. */
static const char *mangle_base(const char *s, unsigned *base) {
        const char *k;
        if (*base != 0)
                return s;
        if ((k = startswith(s, "0b")) || (k = startswith(s, "0B"))) {
                *base = 2;
                return k;
        }
        if ((k = startswith(s, "0o")) || (k = startswith(s, "0O"))) {
                *base = 8;
                return k;
        }
        return s;
}

/* Unsigned parse: strtoull() silently negates "-1", so a '-' is refused with -ERANGE (unless the
 * value is 0), after the syntax check so -EINVAL wins for garbage. */
static int parse_unsigned(const char *s, unsigned base, unsigned long long max, unsigned long long *ret) {
        char *x = NULL;
        if (!s || base == 1 || base > 36)
                return -EINVAL;
        s += strspn(s, WHITESPACE);
        s = mangle_base(s, &base);
        errno = 0;
        unsigned long long l = strtoull(s, &x, (int) base);
        if (errno > 0)
                return -errno;
        if (!x || x == s || *x != 0)
                return -EINVAL;
        if (l != 0 && s[0] == '-')
                return -ERANGE;
        if (l > max)
                return -ERANGE;
        *ret = l;
        return 0;
}

static int parse_signed(const char *s, long long min, long long max, long long *ret) {
        char *x = NULL;
        unsigned base = 0;
        if (!s)
                return -EINVAL;
        s += strspn(s, WHITESPACE);
        s = mangle_base(s, &base);
        errno = 0;
        long long l = strtoll(s, &x, (int) base);
        if (errno > 0)
                return -errno;
        if (!x || x == s || *x != 0)
                return -EINVAL;
        if (l < min || l > max)
                return -ERANGE;
        *ret = l;
        return 0;
}

int safe_atou(const char *s, unsigned *ret) {
        unsigned long long v;
        int r = parse_unsigned(s, 0, UINT_MAX, &v);
        if (r < 0)
                return r;
        if (ret)
                *ret = (unsigned) v;
        return 0;
}

int safe_atou64(const char *s, uint64_t *ret) {
        unsigned long long v;
        int r = parse_unsigned(s, 0, UINT64_MAX, &v);
        if (r < 0)
                return r;
        if (ret)
                *ret = v;
        return 0;
}

int safe_atolu_full(const char *s, unsigned base, unsigned long *ret) {
        unsigned long long v;
        int r = parse_unsigned(s, base, ULONG_MAX, &v);
        if (r < 0)
                return r;
        if (ret)
                *ret = (unsigned long) v;
        return 0;
}

int safe_atoi(const char *s, int *ret) {
        long long v;
        int r = parse_signed(s, INT_MIN, INT_MAX, &v);
        if (r < 0)
                return r;
        if (ret)
                *ret = (int) v;
        return 0;
}

int safe_atoi64(const char *s, int64_t *ret) {
        long long v;
        int r = parse_signed(s, INT64_MIN, INT64_MAX, &v);
        if (r < 0)
                return r;
        if (ret)
                *ret = v;
        return 0;
}

int parse_mode(const char *s, mode_t *ret) {
        unsigned long long v;
        if (!s)
                return -EINVAL;
        /* systemd refuses an explicit sign for modes (SAFE_ATO_REFUSE_PLUS_MINUS) */
        const char *k = s + strspn(s, WHITESPACE);
        if (*k == '+' || *k == '-')
                return -EINVAL;
        int r = parse_unsigned(s, 8, UINT_MAX, &v);
        if (r < 0)
                return r;
        if (v > 07777)
                return -ERANGE;
        if (ret)
                *ret = (mode_t) v;
        return 0;
}

int parse_pid(const char *s, pid_t *ret) {
        unsigned long ul;
        int r = safe_atolu_full(s, 0, &ul);
        if (r < 0)
                return r;
        pid_t pid = (pid_t) ul;
        if ((unsigned long) pid != ul || pid <= 0)
                return -ERANGE;
        if (ret)
                *ret = pid;
        return 0;
}

int parse_nice(const char *s, int *ret) {
        int n;
        int r = safe_atoi(s, &n);
        if (r < 0)
                return r;
        if (n < -20 || n > 19)
                return -ERANGE;
        if (ret)
                *ret = n;
        return 0;
}

int parse_ip_port(const char *s, uint16_t *ret) {
        unsigned long long v;
        if (!s || (s[0] != 0 && strchr(WHITESPACE, s[0])))
                return -EINVAL; /* SAFE_ATO_REFUSE_LEADING_WHITESPACE */
        int r = parse_unsigned(s, 0, UINT16_MAX, &v);
        if (r < 0)
                return r;
        if (v == 0)
                return -EINVAL;
        if (ret)
                *ret = (uint16_t) v;
        return 0;
}

int parse_oom_score_adjust(const char *s, int *ret) {
        int v;
        int r = safe_atoi(s, &v);
        if (r < 0)
                return r;
        if (v < -1000 || v > 1000)
                return -ERANGE;
        if (ret)
                *ret = v;
        return 0;
}

/* ---- percentages ---- */

static int parse_nonneg_int_n(const char *p, size_t n, int *ret) {
        char buf[32];
        if (n >= sizeof(buf))
                return -ERANGE; /* longer than any int: cannot fit */
        memcpy(buf, p, n);
        buf[n] = 0;
        int r = safe_atoi(buf, ret);
        if (r < 0)
                return r;
        return *ret < 0 ? -ERANGE : 0;
}

int parse_percent(const char *p) {
        int v;
        const char *pc = p ? endswith(p, "%") : NULL;
        if (!pc)
                return -EINVAL;
        int r = parse_nonneg_int_n(p, (size_t) (pc - p), &v);
        if (r < 0)
                return r;
        return v > 100 ? -ERANGE : v;
}

int parse_permille(const char *p) {
        int v, q = 0, r;
        const char *pm, *pc;
        if (!p)
                return -EINVAL;
        if ((pm = endswith(p, "\xe2\x80\xb0"))) { /* ‰ */
                r = parse_nonneg_int_n(p, (size_t) (pm - p), &v);
                if (r < 0)
                        return r;
        } else {
                pc = endswith(p, "%");
                if (!pc)
                        return -EINVAL;
                const char *dot = memchr(p, '.', (size_t) (pc - p));
                if (dot) { /* exactly one decimal digit allowed: "50.5%" */
                        if (dot + 2 != pc || dot[1] < '0' || dot[1] > '9')
                                return -EINVAL;
                        q = dot[1] - '0';
                }
                r = parse_nonneg_int_n(p, (size_t) ((dot ? dot : pc) - p), &v);
                if (r < 0)
                        return r;
                if (v > (INT_MAX - q) / 10)
                        return -ERANGE;
                v = v * 10 + q;
        }
        return v > 1000 ? -ERANGE : v;
}

/* ---- errno names ---- */

typedef struct {
        const char *name;
        int err;
} ErrnoName;

#define E(x) { #x, x }
static const ErrnoName errno_names[] = {
        E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
        E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST),
        E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
        E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE),
        E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG),
        E(EIDRM), E(ECHRNG), E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI),
        E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT),
        E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK),
        E(EADV), E(ESRMNT), E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT), E(EBADMSG), E(EOVERFLOW),
        E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC), E(ELIBBAD), E(ELIBSCN), E(ELIBMAX),
        E(ELIBEXEC), E(EILSEQ), E(ERESTART), E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ),
        E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT),
        E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN),
        E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
        E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTDOWN),
        E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL),
        E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY),
        E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE),
        E(ERFKILL), E(EHWPOISON),
        /* Aliases: accepted by parse_errno(), never printed since the canonical name comes first. */
        E(EWOULDBLOCK), E(EDEADLOCK), E(ENOTSUP),
};
#undef E

#define ERRNO_MAX 4095

int parse_errno(const char *s, int *ret) {
        int e;
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
                if (streq(s, errno_names[i].name)) {
                        if (ret) *ret = errno_names[i].err;
                        return 0;
                }
        int r = safe_atoi(s, &e);
        if (r < 0)
                return r;
        if (e < 0 || e > ERRNO_MAX) /* 0 is allowed, as in systemd */
                return -ERANGE;
        if (ret)
                *ret = e;
        return 0;
}

const char *errno_name(int err) {
        if (err < 0)
                err = -err;
        for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
                if (errno_names[i].err == err)
                        return errno_names[i].name;
        return NULL;
}

/* ---- formatters ---- */

char *format_timespan(char *buf, size_t l, usec_t t, usec_t accuracy) {
        static const UnitSuffix table[] = {
                { "y", USEC_PER_YEAR }, { "month", USEC_PER_MONTH }, { "w", USEC_PER_WEEK },
                { "d", USEC_PER_DAY }, { "h", USEC_PER_HOUR }, { "min", USEC_PER_MINUTE },
                { "s", USEC_PER_SEC }, { "ms", USEC_PER_MSEC }, { "us", 1 },
        };
        char *p = buf;
        bool something = false;

        if (!buf || l == 0)
                return buf;
        if (t == USEC_INFINITY || t == 0) {
                snprintf(buf, l, "%s", t ? "infinity" : "0");
                return buf;
        }
        for (size_t i = 0; i < ELEMENTSOF(table) && t > 0; i++) {
                int k;
                bool done = false;
                if (t < accuracy && something)
                        break;
                if (t < table[i].mult)
                        continue;
                if (l <= 1)
                        break;
                usec_t a = t / table[i].mult, b = t % table[i].mult;

                /* Below a minute, a remainder is shown as a decimal fraction ("1.500000s"), with as
                 * many digits as the accuracy allows. */
                if (t < USEC_PER_MINUTE && b > 0) {
                        int j = 0;
                        for (usec_t cc = table[i].mult; cc > 1; cc /= 10)
                                j++;
                        for (usec_t cc = accuracy; cc > 1; cc /= 10) {
                                b /= 10;
                                j--;
                        }
                        if (j > 0) {
                                k = snprintf(p, l, "%s%" PRIu64 ".%0*" PRIu64 "%s", p > buf ? " " : "", a, j,
                                             b, table[i].suffix);
                                t = 0;
                                done = true;
                        }
                }
                if (!done) {
                        k = snprintf(p, l, "%s%" PRIu64 "%s", p > buf ? " " : "", a, table[i].suffix);
                        t = b;
                }
                size_t n = k < 0 ? 0 : ((size_t) k < l - 1 ? (size_t) k : l - 1);
                l -= n;
                p += n;
                something = true;
        }
        *p = 0;
        return buf;
}

/* systemd's format_bytes(): base 1024, one decimal, "B" for values below 1K ("1.0K", "1.5M", "900B"). */
char *format_bytes(char *buf, size_t l, uint64_t t) {
        static const char suffixes[] = "EPTGMK";
        if (!buf || l == 0)
                return buf;
        for (size_t i = 0; i < 6; i++) {
                uint64_t factor = UINT64_C(1) << (10 * (6 - i));
                if (t < factor)
                        continue;
                /* The decimal digit is computed via the next unit down to avoid overflowing t*10. */
                uint64_t dec = i < 5 ? (t / (factor >> 10) * 10 / 1024) % 10 : (t * 10 / factor) % 10;
                snprintf(buf, l, "%" PRIu64 ".%" PRIu64 "%c", t / factor, dec, suffixes[i]);
                return buf;
        }
        snprintf(buf, l, "%" PRIu64 "B", t);
        return buf;
}
