/* SPDX-License-Identifier: MIT */
/* tmpfiles: the tmpfiles.d(5) line parser, specifiers, value parsers, and a small run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/strv.h"
#include "tmpfiles/item.h"
#include "tmpfiles/tmpfiles.h"
#include "log-capture.h"
#include "tmptree.h"

static TmpfilesContext *ctx_new(const char *root) {
        TmpfilesContext *c = calloc(1, sizeof *c);
        c->root = root;
        c->items = hashmap_new();
        c->globs = hashmap_new();
        return c;
}

static void ctx_free(TmpfilesContext *c) {
        Hashmap *maps[] = { c->items, c->globs };
        for (size_t m = 0; m < 2; m++) {
                size_t k = 0;
                const char *key;
                void *v;
                while (hashmap_iterate(maps[m], &k, &key, &v)) item_array_free(v);
                hashmap_free(maps[m]);
        }
        free(c);
}

static Item *first(TmpfilesContext *c, const char *path) {
        ItemArray *a = hashmap_get(c->items, path);
        if (!a) a = hashmap_get(c->globs, path);
        return a ? a->items : NULL;
}

static void test_columns_and_defaults(void **state) {
        (void)state;
        TmpfilesContext *c = ctx_new(NULL);
        log_capture_start();
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 1, "d /run/sshd 0755 root root -"), 0);
        Item *i = first(c, "/run/sshd");
        assert_non_null(i);
        assert_int_equal(i->type, CREATE_DIRECTORY);
        assert_true(i->mode_set && i->uid_set && i->gid_set);
        assert_int_equal(i->mode, 0755);
        assert_false(i->age_set);
        assert_null(i->argument);

        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 2, "f /a//b/./c"), 0);
        i = first(c, "/a/b/c");
        assert_non_null(i);
        assert_false(i->mode_set);
        assert_int_equal(i->mode, 0644);  /* the default for non-directories */

        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 3, "f+ \"/q q\" ~:0640 :1 :4 - text with  spaces"), 0);
        i = first(c, "/q q");
        assert_non_null(i);
        assert_true(i->append_or_force && i->mask_perms && i->mode_only_create && i->uid_only_create && i->gid_only_create);
        assert_int_equal(i->uid, 1);
        assert_string_equal(i->argument, "text with  spaces");

        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 4, "L /l - - - - \\x41%%"), 0);
        assert_string_equal(first(c, "/l")->argument, "A%");  /* C escapes, then specifiers */
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 5, "L /factory"), 0);
        assert_string_equal(first(c, "/factory")->argument, "/usr/share/factory/factory");
        assert_false(c->invalid_config);
        assert_string_equal(log_captured(), "");
        log_capture_stop();
        ctx_free(c);
}

static void test_bad_lines(void **state) {
        (void)state;
        static const struct { const char *line, *msg; } cases[] = {
                { "Y /x", "x.conf:7: Unknown command type 'Y'.\n" },
                { "d", "x.conf:7: Syntax error.\n" },
                { "d rel", "x.conf:7: Path 'rel' not absolute.\n" },
                { "d!! /x", "x.conf:7: Unknown modifiers in command 'd!!'\n" },
                { "d /x 0999", "x.conf:7: Invalid mode '0999'.\n" },
                { "d /x - nosuchuser", "x.conf:7: Failed to resolve user 'nosuchuser': No such process\n" },
                { "d /x - - nosuchgroup", "x.conf:7: Failed to resolve group 'nosuchgroup'.\n" },
                { "d /x - - - 1x", "x.conf:7: Invalid age '1x'.\n" },
                { "d /x - - - z:1d", "x.conf:7: Invalid age-by 'z'.\n" },
                { "d \"/x", "x.conf:7: Failed to parse line: Invalid argument\n" },
                { "d /%Z", "x.conf:7: Failed to replace specifiers in '/%Z': Invalid slot\n" },
                { "w /x", "x.conf:7: Write file requires argument.\n" },
                { "c /x - - - - 1", "x.conf:7: Can't parse device file major/minor '1'.\n" },
                { "L~ /x - - - - YQ==", "x.conf:7: base64 decoding not supported for symlink targets.\n" },
                { "C /x - - - - rel", "x.conf:7: Source path 'rel' is not absolute.\n" },
                { "h /x - - - - +Q", "Unknown file attribute 'Q' on '/x'.\n" },
        };
        for (size_t k = 0; k < ELEMENTSOF(cases); k++) {
                TmpfilesContext *c = ctx_new("/nonexistent-root");
                log_capture_start();
                assert_true(tmpfiles_parse_line(c, "x.conf", 7, cases[k].line) < 0);
                assert_true(c->invalid_config);
                assert_string_equal(log_captured(), cases[k].msg);
                log_capture_stop();
                ctx_free(c);
        }
}

static void test_conflicts_and_order(void **state) {
        (void)state;
        TmpfilesContext *c = ctx_new(NULL);
        log_capture_start();
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 1, "z /d 0700"), 0);
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 2, "d /d 0755"), 0);
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 3, "d /d 0700"), 0);
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 4, "w+ /w - - - - a"), 0);
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 5, "w+ /w - - - - b"), 0);
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 6, "w /w - - - - c"), 0);
        assert_string_equal(log_captured(), "x.conf:3: Duplicate line for path \"/d\", ignoring.\n"
                                            "x.conf:6: Duplicate line for path \"/w\", ignoring.\n");
        ItemArray *a = hashmap_get(c->items, "/d");
        assert_int_equal(a->n_items, 1);  /* z is a glob line: kept apart */
        a = hashmap_get(c->globs, "/d");
        assert_int_equal(a->n_items, 1);
        assert_int_equal(((ItemArray *)hashmap_get(c->globs, "/w"))->n_items, 2);
        log_capture_stop();
        ctx_free(c);
}

static void test_boot_prefix_and_root(void **state) {
        (void)state;
        char *ex[] = { "/run", NULL };
        TmpfilesContext *c = ctx_new("/R");
        c->exclude_prefixes = ex;
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 1, "d! /boot-only"), 0);
        assert_null(first(c, "/R/boot-only"));
        c->boot = true;
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 2, "d! /boot-only"), 0);
        assert_non_null(first(c, "/R/boot-only"));  /* stored with the root prefix */
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 3, "d /var/run/x"), 0);  /* → /run/x: excluded */
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 4, "d /runner"), 0);
        assert_null(first(c, "/R/run/x"));
        assert_non_null(first(c, "/R/runner"));
        assert_false(c->invalid_config);
        ctx_free(c);
}

static void test_specifiers(void **state) {
        (void)state;
        TmpfilesContext c = { .root = NULL };
        char *s = NULL;
        setenv("HOME", "/home/x", 1);
        assert_int_equal(tmpfiles_specifier_expand(&c, "%u:%U:%g:%G:%h:%%:%t:%S:%C:%L:50%", 4096, &s), 0);
        assert_string_equal(s, "root:0:root:0:/home/x:%:/run:/var/lib:/var/cache:/var/log:50%");
        free(s);
        c.root = "/R";
        assert_int_equal(tmpfiles_specifier_expand(&c, "%t %T %V %-", 4096, &s), 0);
        assert_string_equal(s, "/R/run /tmp /var/tmp %-");  /* 252 prefixes its directories with the root */
        free(s);
        assert_int_equal(tmpfiles_specifier_expand(&c, "%A", 4096, &s), -EBADSLT);
        assert_int_equal(tmpfiles_specifier_expand(&c, "%m", 4096, &s), -EUNATCH);  /* no machine-id */
        assert_int_equal(tmpfiles_specifier_expand(&c, "%o", 4096, &s), -EUNATCH);
        assert_int_equal(tmpfiles_specifier_expand(&c, "abcdef", 3, &s), -ENAMETOOLONG);
        unsetenv("HOME");
}

static void write_text(const char *path, const char *text) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* One run resolves each user and group name once (tmpfiles.d repeats a few names on many lines). */
static void test_id_cache(void **state) {
        (void)state;
        char root[] = "/tmp/tinysd-tmpfiles-ids-XXXXXX";
        assert_non_null(mkdtemp(root));
        char etc[64], passwd[80], group[80];
        snprintf(etc, sizeof etc, "%s/etc", root);
        snprintf(passwd, sizeof passwd, "%s/passwd", etc);
        snprintf(group, sizeof group, "%s/group", etc);
        assert_int_equal(mkdir(etc, 0755), 0);
        write_text(passwd, "root:x:0:0::/root:/bin/sh\nsvc:x:501:502::/:/bin/false\n");
        write_text(group, "root:x:0:\nsvcgrp:x:503:\n");
        TmpfilesIdCache ids = {};
        TmpfilesContext *c = ctx_new(root);
        c->ids = &ids;
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 1, "d /a 0755 svc svcgrp -"), 0);
        char pa[80], pb[80];
        snprintf(pa, sizeof pa, "%s/a", root);
        snprintf(pb, sizeof pb, "%s/b", root);
        Item *i = first(c, pa);
        assert_non_null(i);
        assert_int_equal(i->uid, 501);
        assert_int_equal(i->gid, 503);
        assert_int_equal(ids.n, 2);
        /* the files change under the run: the names resolved already keep their ids */
        write_text(passwd, "root:x:0:0::/root:/bin/sh\nsvc:x:601:602::/:/bin/false\n");
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 2, "d /b 0755 svc svcgrp -"), 0);
        i = first(c, pb);
        assert_non_null(i);
        assert_int_equal(i->uid, 501);
        assert_int_equal(ids.n, 2);
        /* an unknown name is not cached, and fails as before */
        log_capture_start();
        assert_int_equal(tmpfiles_parse_line(c, "x.conf", 3, "d /c 0755 nobody-here - -"), -ESRCH);
        log_capture_stop();
        assert_int_equal(ids.n, 2);
        ctx_free(c);
        unlink(passwd);
        unlink(group);
        rmdir(etc);
        rmdir(root);
}

static void test_values(void **state) {
        (void)state;
        char *out;
        size_t n;
        assert_int_equal(tmpfiles_unbase64("aGVs bG8=\n", 10, &out, &n), 0);
        assert_int_equal(n, 5);
        assert_memory_equal(out, "hello", 5);
        free(out);
        assert_int_equal(tmpfiles_unbase64("aGk", 3, &out, &n), -EPIPE);
        assert_int_equal(tmpfiles_unbase64("a%==", 4, &out, &n), -EINVAL);
        assert_int_equal(tmpfiles_unbase64("", 0, &out, &n), 0);
        assert_int_equal(n, 0);
        free(out);

        AgeBy f, d;
        assert_int_equal(tmpfiles_parse_age_by("am", &f, &d), 0);
        assert_int_equal(f, AGE_BY_ATIME | AGE_BY_MTIME);
        assert_int_equal(d, AGE_BY_DEFAULT_DIR);
        assert_int_equal(tmpfiles_parse_age_by("M", &f, &d), 0);
        assert_int_equal(f, AGE_BY_DEFAULT_FILE);
        assert_int_equal(d, AGE_BY_MTIME);
        assert_int_equal(tmpfiles_parse_age_by("x", &f, &d), -EINVAL);
        assert_int_equal(tmpfiles_parse_age_by(" ", &f, &d), -EINVAL);

        assert_true(tmpfiles_path_startswith("/run/x", "/run"));
        assert_true(tmpfiles_path_startswith("//run//x", "/run/"));
        assert_false(tmpfiles_path_startswith("/runner", "/run"));
        assert_false(tmpfiles_path_startswith("/", "/run"));
}

static void test_run_in_root(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\ndaemon:x:1:1::/:/bin/false\n");
        tmptree_write(root, "etc/group", "root:x:0:\nadm:x:4:\n");
        tmptree_write(root, "etc/tmpfiles.d/a.conf", "d /run/sshd 0750 daemon adm\nf /run/f 0600 - - - hi\\n\nL /l - - - - /t\n");
        tmptree_write(root, "usr/lib/tmpfiles.d/a.conf", "d /overridden\n");
        tmptree_write(root, "usr/lib/tmpfiles.d/b.conf", "Y /bad\n");
        TmpfilesOptions o = { .root = root, .operations = TMPFILES_CREATE };
        log_capture_start();
        assert_int_equal(tmpfiles_run(&o, NULL), 65);
        log_capture_stop();
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/run/sshd", root);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        if (geteuid() == 0) {
                assert_int_equal(st.st_uid, 1);
                assert_int_equal(st.st_gid, 4);
        }
        snprintf(p, sizeof p, "%s/run/f", root);
        char *data = NULL;
        assert_int_equal(read_file_bounded(AT_FDCWD, p, 100, &data, NULL), 0);
        assert_string_equal(data, "hi\n");
        free(data);
        snprintf(p, sizeof p, "%s/overridden", root);
        assert_int_equal(access(p, F_OK), -1);
        snprintf(p, sizeof p, "%s/l", root);
        char t[64] = "";
        assert_int_equal(readlink(p, t, sizeof t - 1), 2);
        assert_string_equal(t, "/t");
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_columns_and_defaults),
                cmocka_unit_test(test_bad_lines),
                cmocka_unit_test(test_conflicts_and_order),
                cmocka_unit_test(test_boot_prefix_and_root),
                cmocka_unit_test(test_specifiers),
                cmocka_unit_test(test_id_cache),
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_run_in_root),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
