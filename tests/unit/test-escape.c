/* SPDX-License-Identifier: MIT */
/* C unescaping/escaping and word splitting, pinned to systemd 252 (escape.c, extract-word.c):
 * cases follow the semantics systemd's own test-escape/test-extract-word check, plus the unit-file
 * consequences documented in systemd.syntax(7) and systemd.service(5) ("Command lines"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <dlfcn.h>
#include <cmocka.h>
#include "log-capture.h"
#include "base/escape.h"
#include "base/strv.h"
#include "base/util.h"

/* ---------- cunescape ---------- */

static void expect_unescape(const char *in, CUnescapeFlags f, ssize_t want_r, const char *want) {
        char *out = NULL;
        ssize_t r = cunescape(in, f, &out);
        if (r != want_r)
                fail_msg("cunescape(\"%s\", %d) = %zd, want %zd", in, (int) f, r, want_r);
        if (r >= 0) {
                assert_non_null(out);
                assert_memory_equal(out, want, (size_t) r);
                assert_int_equal(out[r], 0);
                free(out);
        } else
                assert_null(out);
}
#define UNESC_OK(in, f, want) expect_unescape(in, f, (ssize_t) strlen(want), want)

static void test_cunescape_simple(void **state) {
        (void) state;
        UNESC_OK("", 0, "");
        UNESC_OK("plain text", 0, "plain text");
        UNESC_OK("\\a\\b\\f\\n\\r\\t\\v", 0, "\a\b\f\n\r\t\v");
        UNESC_OK("\\\\ \\\" \\'", 0, "\\ \" '");
        UNESC_OK("a\\sb", 0, "a b");               /* \s = space, systemd's XDG extension */
        UNESC_OK("\\x41\\x6a\\x6A", 0, "Ajj");
        UNESC_OK("\\101\\073", 0, "A;");           /* octal: exactly three digits */
        UNESC_OK("\\377", 0, "\xff");              /* raw byte, not UTF-8 encoded */
        UNESC_OK("\\xff", 0, "\xff");
        UNESC_OK("\\u00DF\\U000000df\\u03a0\\U00000041", 0, "\xc3\x9f\xc3\x9f\xce\xa0" "A"); /* ßßΠA */
        UNESC_OK("\\u20ac", 0, "\xe2\x82\xac");    /* € (3 bytes from 6 input chars) */
        UNESC_OK("\\U0001F4A9", 0, "\xf0\x9f\x92\xa9");
        UNESC_OK("A=A\\\\x0aB", 0, "A=A\\x0aB");
}

static void test_cunescape_errors(void **state) {
        (void) state;
        const char *bad[] = {
                "\\", "abc\\", "\\q", "\\x", "\\x5", "\\xg0", "\\0", "\\01", "\\08", "\\400",
                "\\u12", "\\u12g4", "\\U0000004", "\\U00110000", "\\UFFFFFFFF", "\\U0000D800", "\\U0000FFFE",
                "\\U0010FFFF", "\\U0000FDD0",
                "\\x00", "\\000", "\\u0000", "\\U00000000",   /* NUL refused without ACCEPT_NUL */
                "\\w", "\\ ", "\\e", "\\?",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                expect_unescape(bad[i], 0, -EINVAL, NULL);
}

/* RELAX: an invalid sequence keeps its backslash and the rest is copied literally. */
static void test_cunescape_relax(void **state) {
        (void) state;
        UNESC_OK("\\q", CUNESCAPE_RELAX, "\\q");
        UNESC_OK("abc\\", CUNESCAPE_RELAX, "abc\\");
        UNESC_OK("\\x5", CUNESCAPE_RELAX, "\\x5");
        UNESC_OK("\\000\\x00", CUNESCAPE_RELAX, "\\000\\x00");
        UNESC_OK("abc\\\\\\\"\\b\\f\\a\\n\\r\\t\\v\\003\\177\\234\\313\\000\\x00", CUNESCAPE_RELAX,
                 "abc\\\"\b\f\a\n\r\t\v\003\177\234\313\\000\\x00");
        UNESC_OK("\\w+\\b", CUNESCAPE_RELAX, "\\w+\b");
}

static void test_cunescape_accept_nul(void **state) {
        (void) state;
        expect_unescape("\\x00", CUNESCAPE_ACCEPT_NUL, 1, "\0");
        expect_unescape("a\\000b", CUNESCAPE_ACCEPT_NUL, 3, "a\0b");
        expect_unescape("\\u0000", CUNESCAPE_ACCEPT_NUL, 1, "\0");
        expect_unescape("\\U00000000", CUNESCAPE_ACCEPT_NUL, 1, "\0");
}

/* cunescape_length() honours the length: a sequence cut by it is incomplete. */
static void test_cunescape_length(void **state) {
        (void) state;
        char *out;
        assert_int_equal(cunescape_length("abcdef", 3, 0, &out), 3);
        assert_string_equal(out, "abc");
        free(out);
        assert_int_equal(cunescape_length("\\x41BC", 4, 0, &out), 1);
        assert_string_equal(out, "A");
        free(out);
        assert_int_equal(cunescape_length("\\x41BC", 5, 0, &out), 2);
        assert_string_equal(out, "AB");
        free(out);
        assert_int_equal(cunescape_length("\\x41", 3, 0, &out), -EINVAL);
        assert_int_equal(cunescape_length("\\u00e9", 5, 0, &out), -EINVAL);
        assert_int_equal(cunescape_length("\\101", 2, 0, &out), -EINVAL);
        assert_int_equal(cunescape_length("a\\n", 2, 0, &out), -EINVAL);  /* trailing backslash */
        assert_int_equal(cunescape_length("a\\n", 2, CUNESCAPE_RELAX, &out), 2);
        assert_string_equal(out, "a\\");
        free(out);
        assert_int_equal(cunescape_length("", 0, 0, &out), 0);
        assert_string_equal(out, "");
        free(out);
}

/* ---------- cescape ---------- */

static void test_cescape(void **state) {
        (void) state;
        char *s = cescape("abc\\\"\b\f\n\r\t\v\a\003\177\234\313'");
        assert_string_equal(s, "abc\\\\\\\"\\b\\f\\n\\r\\t\\v\\a\\003\\177\\234\\313\\'");
        free(s);
        s = cescape("");
        assert_string_equal(s, "");
        free(s);
        s = cescape("plain ASCII ~!@#$%^&*()");
        assert_string_equal(s, "plain ASCII ~!@#$%^&*()");
        free(s);
        s = cescape("\xc3\xa9");                 /* é: bytes >= 0x7f are octal-escaped */
        assert_string_equal(s, "\\303\\251");
        free(s);
        s = cescape("\x1f");
        assert_string_equal(s, "\\037");
        free(s);
}

/* cescape() output always unescapes back to the input. */
static void test_cescape_roundtrip(void **state) {
        (void) state;
        char in[256], *out;
        for (int i = 1; i < 256; i++)
                in[i - 1] = (char) i;
        in[255] = 0;
        _cleanup_free_ char *e = cescape(in);
        assert_non_null(e);
        assert_int_equal(cunescape(e, 0, &out), 255);
        assert_memory_equal(out, in, 256);
        free(out);
}

/* ---------- extract_first_word ---------- */

/* Splits `in` completely; returns the words joined by '|' ("" words are visible as "||"), with a
 * trailing "!ERR" if an error stopped it. */
static char *split(const char *in, const char *sep, ExtractFlags f) {
        Buf b = {};
        const char *p = in;
        for (int n = 0;; n++) {
                char *w = (char *) 0x1;
                int r = extract_first_word(&p, &w, sep, f);
                if (r < 0) {
                        buf_printf(&b, "!%s", r == -EINVAL ? "EINVAL" : "ERR");
                        break;
                }
                if (r == 0) {
                        assert_null(w);
                        assert_null(p);     /* at the end, *p is NULL */
                        break;
                }
                assert_int_equal(r, 1);
                buf_printf(&b, "%s%s", n ? "|" : "", w);
                free(w);
        }
        return buf_steal(&b);
}

#define SPLIT(in, sep, f, want)                                                             \
        do {                                                                                \
                char *got_ = split(in, sep, f);                                             \
                if (strcmp(got_, want) != 0)                                                \
                        fail_msg("split(\"%s\", flags 0x%x) = \"%s\", want \"%s\"", in, (unsigned) (f), \
                                 got_, want);                                               \
                free(got_);                                                                 \
        } while (0)

#define UQ EXTRACT_UNQUOTE
#define CU EXTRACT_CUNESCAPE
#define UR EXTRACT_UNESCAPE_RELAX
#define RX EXTRACT_RELAX
#define NC EXTRACT_DONT_COALESCE_SEPARATORS

static void test_extract_plain(void **state) {
        (void) state;
        SPLIT("foobar waldo", NULL, 0, "foobar|waldo");
        SPLIT("   foobar   ", NULL, 0, "foobar");
        SPLIT("", NULL, 0, "");
        SPLIT("   \t\n ", NULL, 0, "");
        SPLIT("a\tb\nc\rd", NULL, 0, "a|b|c|d");      /* default separators: WHITESPACE */
        SPLIT("\"foobar\" 'waldo'", NULL, 0, "\"foobar\"|'waldo'"); /* quotes literal w/o UNQUOTE */
        SPLIT("\"", NULL, 0, "\"");
        SPLIT("yay'foo'bar", NULL, 0, "yay'foo'bar");
        SPLIT(" foo\\ba\\x6ar ", NULL, 0, "foobax6ar");  /* backslash just protects the next char */
        SPLIT("fooo\\ bar quux", NULL, 0, "fooo bar|quux");
        SPLIT("foo\\xbar", NULL, EXTRACT_RETAIN_ESCAPE, "foo\\xbar");
        SPLIT("a\\ b", NULL, EXTRACT_RETAIN_ESCAPE, "a\\|b");
        SPLIT("fooo\\", NULL, 0, "!EINVAL");            /* trailing backslash */
        SPLIT("fooo\\", NULL, RX, "fooo");
        SPLIT("fooo\\", NULL, UR, "fooo\\");
        SPLIT("fooo\\", NULL, UR | RX, "fooo\\");
        SPLIT("fooo\\", NULL, CU | UR, "fooo\\");
        SPLIT("\"foo\\", NULL, 0, "!EINVAL");
}

static void test_extract_unquote(void **state) {
        (void) state;
        SPLIT("\"foobar\" 'waldo'", NULL, UQ, "foobar|waldo");
        SPLIT("yay'foo'bar", NULL, UQ, "yayfoobar");           /* quotes anywhere in a word */
        SPLIT("a\"b c\"d e", NULL, UQ, "ab cd|e");
        SPLIT("'a\"b' \"c'd\"", NULL, UQ, "a\"b|c'd");          /* the other quote is literal inside */
        SPLIT("-N ''", NULL, UQ, "-N|");                         /* empty quoted word is a word */
        SPLIT("'' \"\"", NULL, UQ, "|");
        SPLIT("\"\"\"\"", NULL, UQ, "");
        SPLIT("KEY=val \"KEY2=val with space\" \"KEY3=val with \\\"quotation\\\"\"", NULL, UQ,
              "KEY=val|KEY2=val with space|KEY3=val with \"quotation\"");
        SPLIT("'it\\'s'", NULL, UQ, "it's");                    /* backslash works in single quotes too */
        SPLIT("\"\\n\"", NULL, UQ, "n");                         /* without CUNESCAPE: just the char */
        SPLIT("\"", NULL, UQ, "!EINVAL");
        SPLIT("'", NULL, UQ, "!EINVAL");
        SPLIT("'fooo", NULL, UQ, "!EINVAL");
        SPLIT("ok 'fooo", NULL, UQ, "ok!EINVAL");
        SPLIT("'fooo", NULL, UQ | RX, "fooo");                   /* RELAX: unterminated quote accepted */
        SPLIT("\"fooo", NULL, UQ | RX, "fooo");
        SPLIT("\"foo\\", NULL, UQ | RX, "foo");
        SPLIT("\"foo\\", NULL, UQ | UR, "!EINVAL");             /* UNESCAPE_RELAX alone: still unbalanced */
        SPLIT("\"foo\\", NULL, UQ | UR | RX, "foo\\");
        SPLIT("\"foo\\", NULL, UQ | CU | UR | RX, "foo\\");
        SPLIT("\"a  b\"   c", NULL, UQ, "a  b|c");                 /* separators inside quotes kept */
}

/* KEEP_QUOTE: quotes are recognised (separators inside them don't split) but kept in the output. */
static void test_extract_keep_quote(void **state) {
        (void) state;
        SPLIT("\"a b\" c", NULL, EXTRACT_KEEP_QUOTE, "\"a b\"|c");
        SPLIT("x'a b'y", NULL, EXTRACT_KEEP_QUOTE, "x'a b'y");
        SPLIT("\"a\\\"b\"", NULL, EXTRACT_KEEP_QUOTE, "\"a\"b\"");
        SPLIT("'open", NULL, EXTRACT_KEEP_QUOTE, "!EINVAL");
        SPLIT("'open", NULL, EXTRACT_KEEP_QUOTE | RX, "'open");
}

static void test_extract_cunescape(void **state) {
        (void) state;
        SPLIT(" foo\\ba\\x6ar ", NULL, CU, "foo\bajr");
        SPLIT("    f\\u00f6o \"pi\\U0001F4A9le\"   ", NULL, CU | UQ, "f\xc3\xb6o|pi\xf0\x9f\x92\xa9le");
        SPLIT("\"tab\\there\"", NULL, CU | UQ, "tab\there");
        SPLIT("a\\sb", NULL, CU, "a b");
        SPLIT("\\x41\\101", NULL, CU, "AA");
        SPLIT("fooo\\ bar quux", NULL, CU, "!EINVAL");              /* "\ " is not a C escape */
        SPLIT("fooo\\ bar quux", NULL, CU | UR, "fooo\\ bar|quux");
        SPLIT("\\w+@\\K[\\d.]+", NULL, CU, "!EINVAL");
        SPLIT("\\w+@\\K[\\d.]+", NULL, CU | UR, "\\w+@\\K[\\d.]+");
        SPLIT("\\w+\\b", NULL, CU | UR, "\\w+\b");
        SPLIT("\\x00", NULL, CU, "!EINVAL");                        /* NUL never accepted here */
        SPLIT("x\\;y", NULL, CU | UQ, "!EINVAL");                   /* "\;" is no C escape */
        SPLIT("\\\\ \\\"", NULL, CU | UQ, "\\|\"");
}

static void test_extract_separators(void **state) {
        (void) state;
        SPLIT("foo::bar", ":", 0, "foo|bar");
        SPLIT("foo\\:bar::waldo", ":", 0, "foo:bar|waldo");
        SPLIT("::a:", ":", 0, "a");
        SPLIT("a b:c", ":", 0, "a b|c");
        SPLIT("a, b,,c", ", ", 0, "a|b|c");
        /* DONT_COALESCE: every separator ends a word, including leading/trailing ones */
        SPLIT(":foo\\:bar::waldo:", ":", NC, "|foo:bar||waldo|");
        SPLIT("a,", ",", NC, "a|");
        SPLIT("", ",", NC, "");       /* one empty word... */
        SPLIT(",", ",", NC, "|");
        SPLIT("a,,b", ",", NC, "a||b");
        SPLIT("a b", ",", NC, "a b");
}

/* Pointer positions, which callers rely on (error position; separator handling). */
static void test_extract_positions(void **state) {
        (void) state;
        const char *orig, *p;
        char *t;

        p = orig = "foobar waldo";
        assert_int_equal(extract_first_word(&p, &t, NULL, 0), 1);
        assert_ptr_equal(p, orig + 7);
        free(t);
        assert_int_equal(extract_first_word(&p, &t, NULL, 0), 1);
        assert_null(p);
        free(t);
        assert_int_equal(extract_first_word(&p, &t, NULL, 0), 0);
        assert_null(t);

        p = orig = "'fooo";
        assert_int_equal(extract_first_word(&p, &t, NULL, UQ), -EINVAL);
        assert_ptr_equal(p, orig + 5);

        p = orig = "\"";
        assert_int_equal(extract_first_word(&p, &t, NULL, UQ), -EINVAL);
        assert_ptr_equal(p, orig + 1);

        p = orig = "fooo\\ bar quux";
        assert_int_equal(extract_first_word(&p, &t, NULL, CU), -EINVAL);
        assert_ptr_equal(p, orig + 5);

        p = orig = "\\w+@";
        assert_int_equal(extract_first_word(&p, &t, NULL, CU), -EINVAL);
        assert_ptr_equal(p, orig + 1);

        /* after an error the caller may continue from *p */
        p = "a\\:b";
        assert_int_equal(extract_first_word(&p, &t, ":", CU), -EINVAL);
        assert_int_equal(extract_first_word(&p, &t, ":", CU), 1);
        assert_string_equal(t, "b");
        free(t);

        p = orig = ":foo\\:bar::waldo:";
        assert_int_equal(extract_first_word(&p, &t, ":", NC), 1);
        assert_ptr_equal(p, orig + 1);
        free(t);
        assert_int_equal(extract_first_word(&p, &t, ":", NC), 1);
        assert_ptr_equal(p, orig + 10);
        free(t);

        /* RETAIN_SEPARATORS leaves *p on the separator */
        p = orig = "a=b c";
        assert_int_equal(extract_first_word(&p, &t, "=", EXTRACT_RETAIN_SEPARATORS), 1);
        assert_string_equal(t, "a");
        assert_ptr_equal(p, orig + 1);
        free(t);
        p = orig = "a==b";
        assert_int_equal(extract_first_word(&p, &t, "=", EXTRACT_RETAIN_SEPARATORS | NC), 1);
        assert_string_equal(t, "a");
        assert_ptr_equal(p, orig + 1);
        free(t);

        /* NULL input: no word */
        p = NULL;
        assert_int_equal(extract_first_word(&p, &t, NULL, 0), 0);
        assert_null(t);
}

/* The flags the unit-file parsers use: ExecStart= argv (UNQUOTE|CUNESCAPE, systemd.service(5)
 * "Command lines"), Environment= (UNQUOTE|CUNESCAPE: "A=b c" is one assignment). */
static void test_extract_unit_file_usage(void **state) {
        (void) state;
        SPLIT("/bin/echo \"a b\" 'c\"d' a\"b c\"d \\x41\\u00e9 \"tab\\there\" 'sq\\'q'", NULL, UQ | CU,
              "/bin/echo|a b|c\"d|ab cd|A\xc3\xa9|tab\there|sq'q");
        SPLIT("\"A=b c\" B=x\\ty 'C=1 2' D=\"q\"r", NULL, UQ | CU, "A=b c|B=x\ty|C=1 2|D=qr");
        SPLIT("/bin/sh -c 'echo $$HOME; exit 0'", NULL, UQ | CU, "/bin/sh|-c|echo $$HOME; exit 0");
        SPLIT("foo.service bar.service\tbaz.service", NULL, UQ, "foo.service|bar.service|baz.service");
}

/* Long words grow the buffer correctly (and ASan checks the bounds). */
static void test_extract_long(void **state) {
        (void) state;
        size_t n = 100000;
        char *in = malloc(n * 2 + 8);
        assert_non_null(in);
        char *q = in;
        *q++ = '"';
        for (size_t i = 0; i < n; i++) {
                *q++ = '\\';
                *q++ = 'n';
        }
        *q++ = '"';
        *q = 0;
        const char *p = in;
        char *w;
        assert_int_equal(extract_first_word(&p, &w, NULL, UQ | CU), 1);
        assert_int_equal(strlen(w), n);
        assert_int_equal(w[0], '\n');
        assert_int_equal(w[n - 1], '\n');
        free(w);
        free(in);
}

/* extract_first_word_and_warn(), as config_parse_exec() uses it. Pinned to systemd-analyze verify on
 *   ExecStart=/bin/echo a\qb "c      →  t.service:5: Ignoring unknown escape sequences: "a\qb"
 *                                      t.service:5: Unbalanced quoting, ignoring: "/bin/echo a\qb "c"
 *   ExecStop=/bin/echo \x00 x         →  t.service:5: Ignoring unknown escape sequences: "\x00"   */
static void test_extract_and_warn(void **state) {
        (void) state;
        const char *rv = "/bin/echo a\\qb \"c", *p = rv;
        char *w;
        log_capture_start();
        assert_int_equal(extract_first_word_and_warn(&p, &w, NULL, UQ | CU, "t.service", 5, rv), 1);
        assert_string_equal(w, "/bin/echo");
        free(w);
        assert_int_equal(extract_first_word_and_warn(&p, &w, NULL, UQ | CU, "t.service", 5, rv), 1);
        assert_string_equal(w, "a\\qb");
        free(w);
        assert_int_equal(extract_first_word_and_warn(&p, &w, NULL, UQ | CU, "t.service", 5, rv), -EINVAL);
        assert_string_equal(log_captured(),
                            "t.service:5: Ignoring unknown escape sequences: \"a\\qb\"\n"
                            "t.service:5: Unbalanced quoting, ignoring: \"/bin/echo a\\qb \"c\"\n");
        log_capture_stop();

        log_capture_start();
        rv = p = "\\x00 x";
        assert_int_equal(extract_first_word_and_warn(&p, &w, NULL, UQ | CU, "t.service", 5, rv), 1);
        assert_string_equal(w, "\\x00");
        free(w);
        assert_int_equal(extract_first_word_and_warn(&p, &w, NULL, UQ | CU, "t.service", 5, rv), 1);
        assert_string_equal(w, "x");
        free(w);
        assert_int_equal(extract_first_word_and_warn(&p, &w, NULL, UQ | CU, "t.service", 5, rv), 0);
        assert_string_equal(log_captured(), "t.service:5: Ignoring unknown escape sequences: \"\\x00\"\n");
        log_capture_stop();
}

/* ---------- strv_split_full ---------- */

static void test_strv_split_full(void **state) {
        (void) state;
        char **l = NULL;
        assert_int_equal(strv_split_full(&l, "  a 'b c'  \"d\" ", NULL, UQ | CU), 3);
        assert_int_equal(strv_length(l), 3);
        assert_string_equal(l[0], "a");
        assert_string_equal(l[1], "b c");
        assert_string_equal(l[2], "d");
        strv_free(l);

        l = NULL;
        assert_int_equal(strv_split_full(&l, "", NULL, 0), 0);
        assert_non_null(l);                 /* empty list, not NULL */
        assert_null(l[0]);
        strv_free(l);

        l = NULL;
        assert_int_equal(strv_split_full(&l, "a,,b", ",", NC), 3);
        assert_string_equal(l[1], "");
        strv_free(l);

        l = (char **) 0x1;
        assert_int_equal(strv_split_full(&l, "a 'b", NULL, UQ), -EINVAL);
        assert_ptr_equal(l, (char **) 0x1);   /* untouched on error */
}

/* ---------- shell_maybe_quote ---------- */

static void expect_quote(const char *in, const char *want) {
        _cleanup_free_ char *q = shell_maybe_quote(in);
        assert_non_null(q);
        if (strcmp(q, want) != 0)
                fail_msg("shell_maybe_quote(\"%s\") = [%s], want [%s]", in, q, want);
}

static void test_shell_maybe_quote(void **state) {
        (void) state;
        expect_quote("", "");
        expect_quote("foobar", "foobar");
        expect_quote("/usr/bin/foo-bar_1.2,x=y:z@%+", "/usr/bin/foo-bar_1.2,x=y:z@%+");
        expect_quote("\\", "\"\\\\\"");
        expect_quote("\"", "\"\\\"\"");
        expect_quote("foo bar", "\"foo bar\"");
        expect_quote("foo\"bar", "\"foo\\\"bar\"");
        expect_quote("foo$bar", "\"foo\\$bar\"");
        expect_quote("foo$$", "\"foo\\$\\$\"");
        expect_quote("a`b`", "\"a\\`b\\`\"");
        expect_quote("a'b", "\"a'b\"");               /* single quote needs quoting, not escaping */
        expect_quote("a*", "\"a*\"");
        expect_quote("a?[b]", "\"a?[b]\"");
        expect_quote("(x)<y>|&;!", "\"(x)<y>|&;!\"");
        /* systemd 252 (UTF-8 aware): control characters and invalid UTF-8 are C-escaped inside the
         * quotes, valid multi-byte UTF-8 needs no quoting */
        expect_quote("tab\there", "\"tab\\there\"");
        expect_quote("foo\nbar", "\"foo\\nbar\"");
        expect_quote("a\x7f", "\"a\\177\"");
        expect_quote("caf\xc3\xa9", "caf\xc3\xa9");
        expect_quote("g\xc5\x82\xc4\x85" "b", "g\xc5\x82\xc4\x85" "b");                       /* głąb */
        expect_quote("g\xc5\x82\xc4\x85" "b\002\003", "\"g\xc5\x82\xc4\x85" "b\\002\\003\"");
        expect_quote("\xf0\x9f\x92\xa9 x", "\"\xf0\x9f\x92\xa9 x\"");
        expect_quote("bad\xff", "\"bad\\377\"");                                         /* invalid UTF-8 */
        expect_quote("\xc3", "\"\\303\"");                                               /* truncated */
        expect_quote("\xc0\x80", "\"\\300\\200\"");                                     /* overlong */
        expect_quote("\xed\xa0\x80", "\"\\355\\240\\200\"");                           /* surrogate */
        /* how systemctl show prints Environment="A=b c" B=1: elements quoted, joined by spaces */
        expect_quote("A=b c", "\"A=b c\"");
        expect_quote("B=1", "B=1");
        expect_quote("PATH=/usr/bin:/bin", "PATH=/usr/bin:/bin");
        expect_quote("X=$HOME", "\"X=\\$HOME\"");
}

/* ---------- differential check against systemd 252 itself ----------
 * When Debian's libsystemd-shared-252.so is installed (it is on the reference machine), random
 * inputs are run through both implementations and must agree exactly: return value, word, and the
 * position of *p after every call, for every flag combination. Skipped when the library is absent. */
#define SYSTEMD_SHARED "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so"

static unsigned to_sd_flags(unsigned f) { /* our ExtractFlags → systemd 252's bit layout */
        static const struct { unsigned ours, sd; } m[] = {
                { EXTRACT_RELAX, 1 << 0 },           { EXTRACT_CUNESCAPE, 1 << 1 },
                { EXTRACT_UNESCAPE_RELAX, 1 << 2 },  { EXTRACT_KEEP_QUOTE, 1 << 4 },
                { EXTRACT_UNQUOTE, 1 << 5 },         { EXTRACT_DONT_COALESCE_SEPARATORS, 1 << 6 },
                { EXTRACT_RETAIN_ESCAPE, 1 << 7 },   { EXTRACT_RETAIN_SEPARATORS, 1 << 8 },
        };
        unsigned r = 0;
        for (size_t i = 0; i < ELEMENTSOF(m); i++)
                if (f & m[i].ours)
                        r |= m[i].sd;
        return r;
}

static void test_against_systemd(void **state) {
        (void) state;
        void *lib = dlopen(SYSTEMD_SHARED, RTLD_NOW | RTLD_LOCAL);
        if (!lib)
                skip();
        int (*sd_extract)(const char **, char **, const char *, unsigned) = dlsym(lib, "extract_first_word");
        ssize_t (*sd_unescape)(const char *, size_t, const char *, unsigned, char **) =
                dlsym(lib, "cunescape_length_with_prefix");
        char *(*sd_quote)(const char *, unsigned) = dlsym(lib, "shell_maybe_quote");
        char *(*sd_cescape)(const char *) = dlsym(lib, "cescape");
        assert_true(sd_extract && sd_unescape && sd_quote && sd_cescape);

        static const char alphabet[] = "ab \t'\"\\\\,:=xnu0017sU$\xc3\xa9\xff";
        static const char *const seps[] = { NULL, ",", ":", " ,", "=" };
        unsigned seed = 42;
        for (int n = 0; n < 100000; n++) {
                char in[16];
                size_t len = (seed = seed * 1103515245 + 12345) >> 16 & 15;
                for (size_t i = 0; i < len; i++)
                        in[i] = alphabet[((seed = seed * 1103515245 + 12345) >> 16) % (sizeof alphabet - 1)];
                in[len] = 0;
                seed = seed * 1103515245 + 12345;
                unsigned f = (seed >> 16) & 0xff;
                if ((f & EXTRACT_KEEP_QUOTE) && (f & EXTRACT_UNQUOTE))
                        f &= ~EXTRACT_KEEP_QUOTE;      /* systemd asserts they are exclusive */
                const char *sep = seps[(seed >> 24) % ELEMENTSOF(seps)];

                const char *p1 = in, *p2 = in;
                for (int step = 0; step < 20; step++) {
                        char *w1 = NULL, *w2 = NULL;
                        int r1 = extract_first_word(&p1, &w1, sep, f);
                        int r2 = sd_extract(&p2, &w2, sep, to_sd_flags(f));
                        if (r1 != r2 || !streq_ptr(w1, w2) || p1 != p2)
                                fail_msg("extract_first_word(\"%s\", sep \"%s\", 0x%x) step %d: %d [%s] vs systemd %d [%s]",
                                         in, strempty(sep), f, step, r1, strna(w1), r2, strna(w2));
                        free(w1);
                        free(w2);
                        if (r1 <= 0)
                                break;
                }

                char *o1 = NULL, *o2 = NULL;
                unsigned uf = (seed >> 20) & 3;
                ssize_t u1 = cunescape_length(in, len, uf, &o1), u2 = sd_unescape(in, len, NULL, uf, &o2);
                if (u1 != u2 || (u1 >= 0 && memcmp(o1, o2, (size_t) u1 + 1) != 0))
                        fail_msg("cunescape(\"%s\", %u): %zd vs systemd %zd", in, uf, u1, u2);
                free(o1);
                free(o2);

                o1 = shell_maybe_quote(in);
                o2 = sd_quote(in, 0);
                if (!streq(o1, o2))
                        fail_msg("shell_maybe_quote(\"%s\"): [%s] vs systemd [%s]", in, o1, o2);
                free(o1);
                free(o2);
                o1 = cescape(in);
                o2 = sd_cescape(in);
                if (!streq(o1, o2))
                        fail_msg("cescape(\"%s\"): [%s] vs systemd [%s]", in, o1, o2);
                free(o1);
                free(o2);
        }
        dlclose(lib);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cunescape_simple),
                cmocka_unit_test(test_cunescape_errors),
                cmocka_unit_test(test_cunescape_relax),
                cmocka_unit_test(test_cunescape_accept_nul),
                cmocka_unit_test(test_cunescape_length),
                cmocka_unit_test(test_cescape),
                cmocka_unit_test(test_cescape_roundtrip),
                cmocka_unit_test(test_extract_plain),
                cmocka_unit_test(test_extract_unquote),
                cmocka_unit_test(test_extract_keep_quote),
                cmocka_unit_test(test_extract_cunescape),
                cmocka_unit_test(test_extract_separators),
                cmocka_unit_test(test_extract_positions),
                cmocka_unit_test(test_extract_unit_file_usage),
                cmocka_unit_test(test_extract_long),
                cmocka_unit_test(test_extract_and_warn),
                cmocka_unit_test(test_strv_split_full),
                cmocka_unit_test(test_shell_maybe_quote),
                cmocka_unit_test(test_against_systemd),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
