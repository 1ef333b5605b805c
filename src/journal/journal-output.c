/* SPDX-License-Identifier: MIT */
/* journalctl's output modes (see journal-output.h). Long-line ellipsizing does not apply: journalctl
 * prints full width unless --no-full, and never a pager here. */
#include <endian.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "base/parse.h"
#include "base/strv.h"
#include "base/util.h"
#include "journal/journal-output.h"

#define PRINT_CHAR_THRESHOLD 300U
#define JSON_THRESHOLD 4096U

static const char *const mode_names[_OUTPUT_MODE_MAX] = {
        [OUTPUT_SHORT] = "short",
        [OUTPUT_SHORT_FULL] = "short-full",
        [OUTPUT_SHORT_ISO] = "short-iso",
        [OUTPUT_SHORT_ISO_PRECISE] = "short-iso-precise",
        [OUTPUT_SHORT_PRECISE] = "short-precise",
        [OUTPUT_SHORT_MONOTONIC] = "short-monotonic",
        [OUTPUT_SHORT_UNIX] = "short-unix",
        [OUTPUT_WITH_UNIT] = "with-unit",
        [OUTPUT_VERBOSE] = "verbose",
        [OUTPUT_EXPORT] = "export",
        [OUTPUT_JSON] = "json",
        [OUTPUT_JSON_PRETTY] = "json-pretty",
        [OUTPUT_JSON_SSE] = "json-sse",
        [OUTPUT_JSON_SEQ] = "json-seq",
        [OUTPUT_CAT] = "cat",
};

OutputMode output_mode_from_string(const char *s) {
        for (int i = 0; i < _OUTPUT_MODE_MAX; i++)
                if (s && mode_names[i] && streq(s, mode_names[i]))
                        return (OutputMode)i;
        return _OUTPUT_MODE_INVALID;
}

const char *output_mode_to_string(OutputMode m) {
        return m >= 0 && m < _OUTPUT_MODE_MAX ? mode_names[m] : NULL;
}

bool output_mode_is_quiet(OutputMode m) {
        return m == OUTPUT_EXPORT || m == OUTPUT_JSON || m == OUTPUT_JSON_PRETTY || m == OUTPUT_JSON_SSE ||
               m == OUTPUT_JSON_SEQ || m == OUTPUT_CAT;
}

/* Length of the valid UTF-8 sequence at s (1..4) and its code point, or -1. */
static int utf8_decode(const unsigned char *s, size_t n, uint32_t *ret) {
        uint32_t c = s[0];
        int len;
        if (c < 0x80) { *ret = c; return 1; }
        if ((c & 0xe0) == 0xc0) len = 2, c &= 0x1f;
        else if ((c & 0xf0) == 0xe0) len = 3, c &= 0x0f;
        else if ((c & 0xf8) == 0xf0) len = 4, c &= 0x07;
        else return -1;
        if ((size_t)len > n)
                return -1;
        for (int i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return -1;
                c = c << 6 | (s[i] & 0x3f);
        }
        static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return -1;
        *ret = c;
        return len;
}

bool output_utf8_is_printable(const char *s, size_t n, bool allow_newline) {
        const unsigned char *p = (const unsigned char *)s;
        while (n > 0) {
                uint32_t c;
                int l = utf8_decode(p, n, &c);
                if (l < 0)
                        return false;
                if ((c < ' ' && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f) || (!allow_newline && c == '\n'))
                        return false;
                p += l, n -= (size_t)l;
        }
        return true;
}

static struct tm *to_tm(uint64_t usec, bool utc, struct tm *tm) {
        time_t t = (time_t)(usec / USEC_PER_SEC);
        return utc ? gmtime_r(&t, tm) : localtime_r(&t, tm);
}

char *output_format_timestamp(char *buf, size_t l, uint64_t usec, bool utc, bool with_usec) {
        struct tm tm;
        char a[64], zone[16];
        if (!to_tm(usec, utc, &tm) || strftime(a, sizeof a, "%a %Y-%m-%d %H:%M:%S", &tm) == 0) {
                snprintf(buf, l, "(no timestamp)");
                return buf;
        }
        if (utc)
                strcpy(zone, "UTC");
        else if (strftime(zone, sizeof zone, "%Z", &tm) == 0)
                zone[0] = 0;
        if (with_usec)
                snprintf(buf, l, "%s.%06" PRIu64 "%s%s", a, usec % USEC_PER_SEC, *zone ? " " : "", zone);
        else
                snprintf(buf, l, "%s%s%s", a, *zone ? " " : "", zone);
        return buf;
}

void output_cursor(const JournalRecord *e, char *buf, size_t l) {
        char sid[33], bid[33];
        snprintf(buf, l, "s=%s;i=%" PRIx64 ";b=%s;m=%" PRIx64 ";t=%" PRIx64 ";x=%" PRIx64,
                 id128_to_string(e->seqnum_id, sid), e->seqnum, id128_to_string(e->boot_id, bid),
                 e->monotonic, e->realtime, e->xor_hash);
}

static bool field_selected(const OutputOptions *o, const JournalRecordField *f) {
        if (!o->fields)
                return true;
        STRV_FOREACH(s, o->fields)
                if (strlen(*s) == f->name_len && memcmp(*s, f->data, f->name_len) == 0)
                        return true;
        return false;
}

static bool shall_print(const char *p, size_t l, const OutputOptions *o) {
        return o->all || (l < PRINT_CHAR_THRESHOLD && output_utf8_is_printable(p, l, true));
}

/* Full width: every line printed, continuation lines indented by `prefix`. */
static void print_multiline(FILE *f, size_t prefix, const char *m, size_t l) {
        if (l == 0)
                fputc('\n', f);
        for (const char *pos = m, *end; pos < m + l; pos = end + 1) {
                end = memchr(pos, '\n', (size_t)(m + l - pos));
                if (!end)
                        end = m + l;
                if (pos != m)
                        fprintf(f, "%*s", (int)prefix, "");
                fwrite(pos, 1, (size_t)(end - pos), f);
                fputc('\n', f);
        }
}

/* systemd's strip_tab_ansi(): tabs become 8 spaces, ANSI CSI sequences are dropped. */
static char *strip_tab_ansi(const char *m, size_t l, size_t *ret_l) {
        Buf b = {};
        for (size_t i = 0; i < l; i++) {
                if (m[i] == '\t') {
                        if (buf_put(&b, "        ", 8) < 0) goto oom;
                } else if (m[i] == '\x1b' && i + 1 < l && m[i + 1] == '[') {
                        size_t j = i + 2;
                        while (j < l && ((m[j] >= '0' && m[j] <= '9') || m[j] == ';'))
                                j++;
                        if (j < l && m[j] >= 0x40 && m[j] <= 0x7e) {
                                i = j;
                                continue;
                        }
                        if (buf_putc(&b, m[i]) < 0) goto oom;
                } else if (buf_putc(&b, m[i]) < 0)
                        goto oom;
        }
        *ret_l = b.len;
        return buf_steal(&b);
oom:
        buf_free(&b);
        return NULL;
}

static int output_short(FILE *f, const JournalRecord *e, const OutputOptions *o, uint64_t realtime, uint64_t monotonic) {
        size_t ml, hl = 0, il = 0, cl = 0, pl = 0, fpl = 0, ul = 0, n = 0;
        const char *msg = journal_record_get(e, "MESSAGE", &ml);
        if (!msg)
                return 0;  /* systemd skips entries without MESSAGE= here */
        const char *host = o->no_hostname ? NULL : journal_record_get(e, "_HOSTNAME", &hl);
        const char *ident = journal_record_get(e, "SYSLOG_IDENTIFIER", &il);
        const char *comm = journal_record_get(e, "_COMM", &cl);
        const char *pid = journal_record_get(e, "_PID", &pl);
        const char *fpid = journal_record_get(e, "SYSLOG_PID", &fpl);
        const char *unit = journal_record_get(e, "_SYSTEMD_UNIT", &ul);
        char ts[128];
        struct tm tm;

        switch (o->mode) {
        case OUTPUT_SHORT_MONOTONIC:
                snprintf(ts, sizeof ts, "[%5" PRIu64 ".%06" PRIu64 "]", monotonic / USEC_PER_SEC, monotonic % USEC_PER_SEC);
                break;
        case OUTPUT_SHORT_UNIX:
                snprintf(ts, sizeof ts, "%10" PRIu64 ".%06" PRIu64, realtime / USEC_PER_SEC, realtime % USEC_PER_SEC);
                break;
        case OUTPUT_SHORT_FULL:
        case OUTPUT_WITH_UNIT:
                output_format_timestamp(ts, sizeof ts, realtime, o->utc, false);
                break;
        case OUTPUT_SHORT_ISO:
        case OUTPUT_SHORT_ISO_PRECISE:
                if (!to_tm(realtime, o->utc, &tm))
                        return -EINVAL;
                if (o->mode == OUTPUT_SHORT_ISO)
                        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S%z", &tm);
                else {
                        char z[16];
                        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
                        strftime(z, sizeof z, "%z", &tm);
                        snprintf(ts + strlen(ts), sizeof ts - strlen(ts), ".%06" PRIu64 "%s", realtime % USEC_PER_SEC, z);
                }
                break;
        default:
                if (!to_tm(realtime, o->utc, &tm))
                        return -EINVAL;
                strftime(ts, sizeof ts, "%b %d %H:%M:%S", &tm);
                if (o->mode == OUTPUT_SHORT_PRECISE)
                        snprintf(ts + strlen(ts), sizeof ts - strlen(ts), ".%06" PRIu64, realtime % USEC_PER_SEC);
        }
        fputs(ts, f);
        n += strlen(ts);
        if (host && shall_print(host, hl, o)) {
                fprintf(f, " %.*s", (int)hl, host);
                n += hl + 1;
        }
        if (o->mode == OUTPUT_WITH_UNIT && unit && shall_print(unit, ul, o)) {
                fprintf(f, " %.*s", (int)ul, unit);
                n += ul + 1;
        } else if (ident && shall_print(ident, il, o)) {
                fprintf(f, " %.*s", (int)il, ident);
                n += il + 1;
        } else if (comm && shall_print(comm, cl, o)) {
                fprintf(f, " %.*s", (int)cl, comm);
                n += cl + 1;
        } else
                fputs(" unknown", f);
        if (pid && shall_print(pid, pl, o)) {
                fprintf(f, "[%.*s]", (int)pl, pid);
                n += pl + 2;
        } else if (fpid && shall_print(fpid, fpl, o)) {
                fprintf(f, "[%.*s]", (int)fpl, fpid);
                n += fpl + 2;
        }
        fputs(": ", f);
        if (!o->all && !output_utf8_is_printable(msg, ml, true)) {
                char b[FORMAT_BYTES_MAX];
                fprintf(f, "[%s blob data]\n", format_bytes(b, sizeof b, ml));
                return 0;
        }
        if (o->all) {
                print_multiline(f, n + 2, msg, ml);
                return 0;
        }
        size_t sl;
        _cleanup_free_ char *s = strip_tab_ansi(msg, ml, &sl);
        if (!s)
                return -ENOMEM;
        print_multiline(f, n + 2, s, sl);
        return 0;
}

static int output_verbose(FILE *f, const JournalRecord *e, const OutputOptions *o, uint64_t realtime) {
        char ts[128], cur[256], b[FORMAT_BYTES_MAX];
        output_cursor(e, cur, sizeof cur);
        fprintf(f, "%s [%s]\n", output_format_timestamp(ts, sizeof ts, realtime, o->utc, true), cur);
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                if (!field_selected(o, fl))
                        continue;
                if (o->all || output_utf8_is_printable(fl->data, fl->len, true)) {
                        fprintf(f, "    %.*s=", (int)fl->name_len, fl->data);
                        print_multiline(f, 4 + fl->name_len + 1, fl->data + fl->name_len + 1, fl->len - fl->name_len - 1);
                } else
                        fprintf(f, "    %.*s=[%s blob data]\n", (int)fl->name_len, fl->data,
                                format_bytes(b, sizeof b, fl->len - fl->name_len - 1));
        }
        return 0;
}

static bool is_boot_id_field(const JournalRecordField *fl) {
        return fl->name_len == 8 && memcmp(fl->data, "_BOOT_ID", 8) == 0;
}

static int output_export(FILE *f, const JournalRecord *e, const OutputOptions *o) {
        char cur[256], bid[33];
        output_cursor(e, cur, sizeof cur);
        fprintf(f, "__CURSOR=%s\n__REALTIME_TIMESTAMP=%" PRIu64 "\n__MONOTONIC_TIMESTAMP=%" PRIu64 "\n_BOOT_ID=%s\n",
                cur, e->realtime, e->monotonic, id128_to_string(e->boot_id, bid));
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                if (is_boot_id_field(fl) || !field_selected(o, fl))
                        continue;
                if (output_utf8_is_printable(fl->data, fl->len, false))
                        fwrite(fl->data, 1, fl->len, f);
                else {
                        uint64_t le = htole64(fl->len - fl->name_len - 1);
                        fwrite(fl->data, 1, fl->name_len, f);
                        fputc('\n', f);
                        fwrite(&le, sizeof le, 1, f);
                        fwrite(fl->data + fl->name_len + 1, 1, fl->len - fl->name_len - 1, f);
                }
                fputc('\n', f);
        }
        fputc('\n', f);
        return 0;
}

static void json_string(FILE *f, const char *s, size_t l) {
        fputc('"', f);
        for (size_t i = 0; i < l; i++) {
                unsigned char c = (unsigned char)s[i];
                switch (c) {
                case '"': fputs("\\\"", f); break;
                case '\\': fputs("\\\\", f); break;
                case '\b': fputs("\\b", f); break;
                case '\f': fputs("\\f", f); break;
                case '\n': fputs("\\n", f); break;
                case '\r': fputs("\\r", f); break;
                case '\t': fputs("\\t", f); break;
                default:
                        if (c < ' ')
                                fprintf(f, "\\u%04x", c);
                        else
                                fputc(c, f);
                }
        }
        fputc('"', f);
}

static void json_value(FILE *f, const char *v, size_t vl, size_t name_len, const OutputOptions *o,
                       bool pretty, const char *indent) {
        if (!o->all && name_len + 1 + vl >= JSON_THRESHOLD)
                fputs("null", f);
        else if (output_utf8_is_printable(v, vl, true))
                json_string(f, v, vl);
        else if (vl == 0)
                fputs("[]", f);
        else {
                fputs(pretty ? "[\n" : "[", f);
                for (size_t i = 0; i < vl; i++) {
                        if (i > 0)
                                fputs(pretty ? ",\n" : ",", f);
                        if (pretty)
                                fprintf(f, "%s\t", indent);
                        fprintf(f, "%u", (unsigned)(unsigned char)v[i]);
                }
                if (pretty)
                        fprintf(f, "\n%s", indent);
                fputc(']', f);
        }
}

static void json_key(FILE *f, const char *k, size_t kl, bool pretty, bool *first) {
        if (!*first)
                fputs(pretty ? ",\n" : ",", f);
        *first = false;
        if (pretty)
                fputc('\t', f);
        json_string(f, k, kl);
        fputs(pretty ? " : " : ":", f);
}

static int output_json(FILE *f, const JournalRecord *e, const OutputOptions *o) {
        bool pretty = o->mode == OUTPUT_JSON_PRETTY, first = true;
        char cur[256], num[32], bid[33];

        if (o->mode == OUTPUT_JSON_SSE)
                fputs("data: ", f);
        else if (o->mode == OUTPUT_JSON_SEQ)
                fputc('\x1e', f);
        fputs(pretty ? "{\n" : "{", f);
        output_cursor(e, cur, sizeof cur);
        json_key(f, "__CURSOR", 8, pretty, &first);
        json_string(f, cur, strlen(cur));
        snprintf(num, sizeof num, "%" PRIu64, e->realtime);
        json_key(f, "__REALTIME_TIMESTAMP", 20, pretty, &first);
        json_string(f, num, strlen(num));
        snprintf(num, sizeof num, "%" PRIu64, e->monotonic);
        json_key(f, "__MONOTONIC_TIMESTAMP", 21, pretty, &first);
        json_string(f, num, strlen(num));
        json_key(f, "_BOOT_ID", 8, pretty, &first);
        json_string(f, id128_to_string(e->boot_id, bid), 32);

        /* Repeated fields become one array, at the place of their first occurrence. */
        for (size_t i = 0; i < e->n_fields; i++) {
                const JournalRecordField *fl = &e->fields[i];
                bool dup = false;
                if (is_boot_id_field(fl) || !field_selected(o, fl))
                        continue;
                size_t count = 0;
                for (size_t j = 0; j < e->n_fields; j++) {
                        const JournalRecordField *g = &e->fields[j];
                        if (g->name_len == fl->name_len && memcmp(g->data, fl->data, fl->name_len) == 0) {
                                if (j < i)
                                        dup = true;
                                count++;
                        }
                }
                if (dup)
                        continue;
                json_key(f, fl->data, fl->name_len, pretty, &first);
                if (count == 1) {
                        json_value(f, fl->data + fl->name_len + 1, fl->len - fl->name_len - 1, fl->name_len, o, pretty, "\t");
                        continue;
                }
                fputs(pretty ? "[\n" : "[", f);
                bool firstv = true;
                for (size_t j = i; j < e->n_fields; j++) {
                        const JournalRecordField *g = &e->fields[j];
                        if (g->name_len != fl->name_len || memcmp(g->data, fl->data, fl->name_len) != 0)
                                continue;
                        if (!firstv)
                                fputs(pretty ? ",\n" : ",", f);
                        firstv = false;
                        if (pretty)
                                fputs("\t\t", f);
                        json_value(f, g->data + g->name_len + 1, g->len - g->name_len - 1, g->name_len, o, pretty, "\t\t");
                }
                fputs(pretty ? "\n\t]" : "]", f);
        }
        fputs(pretty ? "\n}\n" : "}\n", f);
        if (o->mode == OUTPUT_JSON_SSE)
                fputc('\n', f);
        return 0;
}

static int output_cat(FILE *f, const JournalRecord *e, const OutputOptions *o) {
        size_t l;
        if (!o->fields) {
                const char *m = journal_record_get(e, "MESSAGE", &l);
                if (m) {
                        fwrite(m, 1, l, f);
                        fputc('\n', f);
                }
                return 0;
        }
        STRV_FOREACH(s, o->fields) {
                const char *v = journal_record_get(e, *s, &l);
                if (v) {
                        fwrite(v, 1, l, f);
                        fputc('\n', f);
                }
        }
        return 0;
}

/* systemd's get_dual_timestamp(): the time the sender gave, if valid, else the entry's. */
static uint64_t source_timestamp(const JournalRecord *e, const char *field, uint64_t fallback) {
        size_t l;
        char b[32];
        uint64_t v;
        const char *s = journal_record_get(e, field, &l);
        if (!s || l == 0 || l >= sizeof b)
                return fallback;
        memcpy(b, s, l);
        b[l] = 0;
        if (safe_atou64(b, &v) < 0 || v == 0 || v == UINT64_MAX)
                return fallback;
        return v;
}

int output_entry(FILE *f, const JournalRecord *e, const OutputOptions *o) {
        uint64_t realtime = source_timestamp(e, "_SOURCE_REALTIME_TIMESTAMP", e->realtime);
        switch (o->mode) {
        case OUTPUT_VERBOSE:
                return output_verbose(f, e, o, realtime);
        case OUTPUT_EXPORT:
                return output_export(f, e, o);
        case OUTPUT_JSON:
        case OUTPUT_JSON_PRETTY:
        case OUTPUT_JSON_SSE:
        case OUTPUT_JSON_SEQ:
                return output_json(f, e, o);
        case OUTPUT_CAT:
                return output_cat(f, e, o);
        default:
                return output_short(f, e, o, realtime, source_timestamp(e, "_SOURCE_MONOTONIC_TIMESTAMP", e->monotonic));
        }
}
