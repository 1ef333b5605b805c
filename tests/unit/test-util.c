/* SPDX-License-Identifier: MIT */
/* Small string helpers, the Buf builder and read_file_bounded() (the loader's only way to read unit
 * files: bounded, refusing directories and special files other than /dev/null, which systemd
 * treats as an empty/masked unit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "base/util.h"

static void test_string_predicates(void **state) {
        (void) state;
        assert_string_equal(startswith("foo.service", "foo"), ".service");
        assert_null(startswith("foo", "foo.service"));
        assert_string_equal(startswith("x", ""), "x");
        assert_string_equal(endswith("foo.service", ".service"), ".service");
        assert_null(endswith("service", ".service"));
        assert_string_equal(endswith("abc", ""), "");
        assert_string_equal(startswith_no_case("SIGterm", "sig"), "term");
        assert_null(startswith_no_case("SI", "sig"));
        assert_true(streq("a", "a"));
        assert_false(streq("a", "A"));
        assert_true(streq_ptr(NULL, NULL));
        assert_false(streq_ptr("a", NULL));
        assert_false(streq_ptr(NULL, "a"));
        assert_true(streq_ptr("a", "a"));
        assert_true(isempty(NULL));
        assert_true(isempty(""));
        assert_false(isempty(" "));
        assert_string_equal(strempty(NULL), "");
        assert_string_equal(strna(NULL), "n/a");
        assert_string_equal(strna("x"), "x");
}

static void test_string_builders(void **state) {
        (void) state;
        char *s = strjoin("a", "bc", "", "d");
        assert_string_equal(s, "abcd");
        free(s);
        s = strjoin("");
        assert_string_equal(s, "");
        free(s);
        assert_null(strdup_or_null(NULL));
        s = strdup_or_null("x");
        assert_string_equal(s, "x");
        free(s);
        s = strndup_safe("abcdef", 3);
        assert_string_equal(s, "abc");
        free(s);
        s = strndup_safe("ab", 10);
        assert_string_equal(s, "ab");
        free(s);
        s = xasprintf("%s-%d", "x", 42);
        assert_string_equal(s, "x-42");
        free(s);

        char *p = NULL;
        assert_int_equal(free_and_strdup(&p, "one"), 0);
        assert_string_equal(p, "one");
        assert_int_equal(free_and_strdup(&p, "two"), 0);
        assert_string_equal(p, "two");
        assert_int_equal(free_and_strdup(&p, NULL), 0);
        assert_null(p);
}

static void test_strstrip_delete_chars(void **state) {
        (void) state;
        char a[] = " \t foo bar \n\r ";
        assert_string_equal(strstrip(a), "foo bar");
        char b[] = "   ";
        assert_string_equal(strstrip(b), "");
        char c[] = "";
        assert_string_equal(strstrip(c), "");
        char d[] = "x";
        assert_string_equal(strstrip(d), "x");
        char e[] = "a-b_c-d";
        assert_string_equal(delete_chars(e, "-_"), "abcd");
        char f[] = "---";
        assert_string_equal(delete_chars(f, "-"), "");
}

static void test_take(void **state) {
        (void) state;
        _cleanup_free_ char *s = strdup("x");
        char *t = TAKE_PTR(s);
        assert_null(s);
        free(t);
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        {
                _cleanup_close_ int owned = fd;
                (void) owned;
        }
        assert_int_equal(fcntl(fd, F_GETFD), -1);   /* closed by _cleanup_close_ */
        _cleanup_close_ int none = -1;
        int fd2 = TAKE_FD(none);
        assert_int_equal(fd2, -1);
}

static void test_buf(void **state) {
        (void) state;
        Buf b = {};
        char *s = buf_steal(&b);                    /* empty buffer yields "" */
        assert_string_equal(s, "");
        free(s);
        assert_int_equal(buf_puts(&b, "ab"), 0);
        assert_int_equal(buf_putc(&b, 'c'), 0);
        assert_int_equal(buf_put(&b, "dexx", 2), 0);
        assert_int_equal(buf_printf(&b, "[%d:%s]", 7, "z"), 0);
        assert_int_equal(b.len, 10);
        assert_string_equal(b.s, "abcde[7:z]");
        for (int i = 0; i < 1000; i++)               /* growth */
                assert_int_equal(buf_printf(&b, "%04d", i), 0);
        assert_int_equal(b.len, 4010);
        assert_int_equal(strlen(b.s), 4010);
        s = buf_steal(&b);
        assert_null(b.s);
        assert_int_equal(b.len, 0);
        assert_memory_equal(s + 4006, "0999", 4);
        free(s);
        assert_int_equal(buf_put(&b, "", 0), 0);
        assert_string_equal(b.s, "");
        buf_free(&b);
        assert_null(b.s);
        buf_free(&b);                                /* idempotent */
}

static char tmpdir[64];

static void write_file(const char *name, const char *content, size_t n) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", tmpdir, name);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(content, 1, n, f), n);
        fclose(f);
}

static int setup_tmp(void **state) {
        (void) state;
        snprintf(tmpdir, sizeof tmpdir, "/tmp/test-util-XXXXXX");
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state) {
        (void) state;
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        return system(cmd) == 0 ? 0 : -1;
}

static void test_read_file_bounded(void **state) {
        (void) state;
        char *s;
        size_t n;
        int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);

        write_file("a.service", "[Unit]\nDescription=x\n", 22);
        assert_int_equal(read_file_bounded(dfd, "a.service", 1024, &s, &n), 0);
        assert_int_equal(n, 22);
        assert_string_equal(s, "[Unit]\nDescription=x\n");
        free(s);

        /* exactly max bytes is fine, one more is -EFBIG */
        assert_int_equal(read_file_bounded(dfd, "a.service", 22, &s, &n), 0);
        free(s);
        assert_int_equal(read_file_bounded(dfd, "a.service", 21, &s, &n), -EFBIG);

        write_file("empty.service", "", 0);
        assert_int_equal(read_file_bounded(dfd, "empty.service", 10, &s, &n), 0);
        assert_int_equal(n, 0);
        assert_string_equal(s, "");
        free(s);

        write_file("nul", "a\0b", 3);                 /* embedded NULs: size tells the truth */
        assert_int_equal(read_file_bounded(dfd, "nul", 10, &s, NULL), 0);
        assert_memory_equal(s, "a\0b", 4);
        free(s);

        assert_int_equal(read_file_bounded(dfd, "missing.service", 10, &s, &n), -ENOENT);
        assert_int_equal(read_file_bounded(dfd, ".", 10, &s, &n), -EISDIR);

        /* /dev/null (a masked unit) reads as empty, via a symlink too */
        assert_int_equal(read_file_bounded(AT_FDCWD, "/dev/null", 10, &s, &n), 0);
        assert_int_equal(n, 0);
        assert_string_equal(s, "");
        free(s);
        char link[128];
        snprintf(link, sizeof link, "%s/masked.service", tmpdir);
        assert_int_equal(symlink("/dev/null", link), 0);
        assert_int_equal(read_file_bounded(dfd, "masked.service", 10, &s, &n), 0);
        free(s);

        /* other special files are refused without blocking */
        char fifo[128];
        snprintf(fifo, sizeof fifo, "%s/fifo.service", tmpdir);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_int_equal(read_file_bounded(dfd, "fifo.service", 10, &s, &n), -EBADFD);
        assert_int_equal(read_file_bounded(AT_FDCWD, "/dev/zero", 10, &s, &n), -EBADFD);

        /* /proc files report size 0 but have content: read up to the bound */
        assert_int_equal(read_file_bounded(AT_FDCWD, "/proc/self/stat", 1 << 16, &s, &n), 0);
        assert_true(n > 0);
        assert_int_equal(strlen(s), n);
        free(s);
        assert_int_equal(read_file_bounded(AT_FDCWD, "/proc/self/stat", 3, &s, &n), -EFBIG);
        close(dfd);
}

static void test_mkdir_parents(void **state) {
        (void)state;
        char leaf[512], mid[512], top[512];
        snprintf(top, sizeof top, "%s/a", tmpdir);
        snprintf(mid, sizeof mid, "%s/a/b", tmpdir);
        snprintf(leaf, sizeof leaf, "%s/a/b/c", tmpdir);
        assert_int_equal(mkdir_parents(leaf, 0750), 0);
        struct stat st;
        assert_int_equal(stat(mid, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(stat(leaf, &st), -1);              /* the path itself is not made */
        assert_int_equal(mkdir_parents(leaf, 0750), 0);     /* existing parents are fine */
        assert_int_equal(rmdir(mid), 0);
        assert_int_equal(rmdir(top), 0);
}

static void test_format_u64(void **state) {
        (void)state;
        static const uint64_t v[] = { 0, 7, 10, 99, 1000, 4294967295ULL, UINT64_MAX };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                char b[20], want[32];
                size_t n = format_u64(b, v[i]);
                snprintf(want, sizeof want, "%llu", (unsigned long long)v[i]);
                assert_int_equal(n, strlen(want));
                assert_memory_equal(b, want, n);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_string_predicates),
                cmocka_unit_test(test_format_u64),
                cmocka_unit_test(test_string_builders),
                cmocka_unit_test(test_strstrip_delete_chars),
                cmocka_unit_test(test_take),
                cmocka_unit_test(test_buf),
                cmocka_unit_test_setup_teardown(test_read_file_bounded, setup_tmp, teardown_tmp),
                cmocka_unit_test_setup_teardown(test_mkdir_parents, setup_tmp, teardown_tmp),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
