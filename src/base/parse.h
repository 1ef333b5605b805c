/* SPDX-License-Identifier: MIT */
#pragma once
/* Value parsers and formatters with systemd's syntax (systemd.syntax(7), systemd.time(7)).
 * All return 0 on success or a negative errno (-EINVAL for bad syntax, -ERANGE for overflow). */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint64_t usec_t;
typedef uint64_t nsec_t;
#define USEC_INFINITY UINT64_MAX
#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_MINUTE (UINT64_C(60) * USEC_PER_SEC)
#define USEC_PER_HOUR (UINT64_C(60) * USEC_PER_MINUTE)
#define USEC_PER_DAY (UINT64_C(24) * USEC_PER_HOUR)
#define USEC_PER_WEEK (UINT64_C(7) * USEC_PER_DAY)
#define USEC_PER_MONTH (UINT64_C(2629800) * USEC_PER_SEC)  /* 30.44 days */
#define USEC_PER_YEAR (UINT64_C(31557600) * USEC_PER_SEC)  /* 365.25 days */
#define NSEC_INFINITY UINT64_MAX

/* 1/yes/y/true/t/on → 1; 0/no/n/false/f/off → 0; else -EINVAL. Case-insensitive. */
int parse_boolean(const char *v);
/* Time spans: "1min 30s", "5", "2h30", "100ms", "infinity". Bare numbers are in `default_unit`
 * (USEC_PER_SEC for *Sec= settings). parse_sec() uses seconds. */
int parse_time(const char *t, usec_t *ret, usec_t default_unit);
int parse_sec(const char *t, usec_t *ret);
int parse_sec_fix_0(const char *t, usec_t *ret);   /* "0" means infinity (TimeoutSec=0) */
int parse_nsec(const char *t, nsec_t *ret);
/* Byte sizes, base 1024 (or 1000) with suffixes K M G T P E B in descending order ("1G 512M", "1.5K");
 * "infinity" is not accepted here. */
int parse_size(const char *t, uint64_t base, uint64_t *ret);
int parse_percent(const char *p);                   /* "50%" → 50; 0..100 */
int parse_permille(const char *p);                  /* "50%"→500, "50.5%"→505, "500‰"→500 */
int safe_atou(const char *s, unsigned *ret);
int safe_atoi(const char *s, int *ret);
int safe_atou64(const char *s, uint64_t *ret);
int safe_atoi64(const char *s, int64_t *ret);
int safe_atolu_full(const char *s, unsigned base, unsigned long *ret);
int parse_mode(const char *s, mode_t *ret);         /* octal, <= 07777 */
int parse_pid(const char *s, pid_t *ret);
int parse_nice(const char *s, int *ret);            /* -20..19 */
int parse_ip_port(const char *s, uint16_t *ret);
int parse_oom_score_adjust(const char *s, int *ret);/* -1000..1000 */
int parse_errno(const char *s, int *ret);            /* "EPERM" or number */
const char *errno_name(int err);                     /* "EPERM" */

/* Formatters write into caller buffers, always NUL-terminated, and return the buffer. */
#define FORMAT_TIMESPAN_MAX 64
#define FORMAT_BYTES_MAX 16
/* systemd's format_timespan(): "1min 30s", "100ms", "infinity", "0"; accuracy in usec (0 → 1) */
char *format_timespan(char *buf, size_t l, usec_t t, usec_t accuracy);
char *format_bytes(char *buf, size_t l, uint64_t t);   /* as systemd: "1.0K", "1.5M", "900B" */
