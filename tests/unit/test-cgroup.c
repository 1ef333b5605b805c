/* SPDX-License-Identifier: MIT */
/* cgroup: /proc/PID/cgroup parsing, systemd's group layout and escaping, and the group
 * operations on a fake tree (plain directories with cgroup.procs files; no magic check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include "base/util.h"
#include "core/cgroup.h"
#include "tmptree.h"

static void test_parse_proc(void **state) {
        (void)state;
        char *p = NULL;
        const char hybrid[] = "9:name=systemd:/x\n4:memory:/docker/abc\n0::/system.slice/a.service\n";
        assert_int_equal(cgroup_parse_proc(hybrid, strlen(hybrid), &p), 0);
        assert_string_equal(p, "/system.slice/a.service");
        free(p);
        const char root[] = "0::/";   /* no final newline */
        assert_int_equal(cgroup_parse_proc(root, strlen(root), &p), 0);
        assert_string_equal(p, "/");
        free(p);
        const char v1[] = "4:memory:/\n1:cpu:/\n";
        assert_int_equal(cgroup_parse_proc(v1, strlen(v1), &p), -ENOENT);
        const char bad[] = "0::relative\n";
        assert_int_equal(cgroup_parse_proc(bad, strlen(bad), &p), -EINVAL);
        assert_int_equal(cgroup_parse_proc("0::", 3, &p), -EINVAL);
}

static void expect_rel(const char *unit, const char *slice, const char *want) {
        char *rel = NULL;
        assert_int_equal(cgroup_unit_rel(unit, slice, &rel), 0);
        assert_string_equal(rel, want);
        free(rel);
}

static void test_unit_rel(void **state) {
        (void)state;
        expect_rel("foo.service", "system.slice", "system.slice/foo.service");
        expect_rel("web.service", "app-web.slice", "app.slice/app-web.slice/web.service");
        expect_rel("a.service", "a-b-c.slice", "a.slice/a-b.slice/a-b-c.slice/a.service");
        expect_rel("x.service", "-.slice", "x.service");
        expect_rel("x.service", NULL, "x.service");
        /* a slice unit is its own path */
        expect_rel("app-web.slice", "app.slice", "app.slice/app-web.slice");
        expect_rel("-.slice", NULL, "");
        /* systemd's cg_escape(): names a kernel file could have */
        expect_rel("cpu.service", "system.slice", "system.slice/_cpu.service");
        expect_rel("_x.service", "system.slice", "system.slice/__x.service");
        expect_rel("cgroup.service", "system.slice", "system.slice/_cgroup.service");
        expect_rel("memory.slice", NULL, "_memory.slice");
        expect_rel("cpus.service", "system.slice", "system.slice/cpus.service");
        expect_rel("getty@tty1.service", "system-getty.slice", "system.slice/system-getty.slice/getty@tty1.service");
        char *rel = NULL;
        assert_int_equal(cgroup_unit_rel("a.service", "a--b.slice", &rel), -EINVAL);
        assert_int_equal(cgroup_unit_rel("a.service", "-a.slice", &rel), -EINVAL);
        assert_int_equal(cgroup_unit_rel("a.service", "a-.slice", &rel), -EINVAL);
        assert_int_equal(cgroup_unit_rel("a.service", "notaslice", &rel), -EINVAL);
        assert_int_equal(cgroup_unit_rel("a/b.service", "system.slice", &rel), -EINVAL);
        assert_null(rel);
}

/* A fake hierarchy below root: ROOT/fs is the mount, ROOT/self the /proc/self/cgroup text,
 * `group` (below the mount) is made; the paths go to mount/self, each PATH_MAX long. */
static void fake_hierarchy(const char *root, const char *self_text, const char *group, char *mount, char *self) {
        char rel[256];
        snprintf(rel, sizeof rel, "fs/%.200s", group);
        tmptree_mkdir(root, rel);
        tmptree_write(root, "self", self_text);
        snprintf(mount, 4096, "%s/fs", root);
        snprintf(self, 4096, "%s/self", root);
}

static void test_root_open(void **state) {
        (void)state;
        char *root = tmptree_new();
        assert_non_null(root);
        char mount[4096], self[4096], v1[4096];
        fake_hierarchy(root, "4:memory:/\n0::/docker/abc/\n", "docker/abc", mount, self);
        tmptree_write(root, "v1", "4:memory:/\n");
        snprintf(v1, sizeof v1, "%s/v1", root);
        CGroupRoot c;
        assert_int_equal(cgroup_root_open(mount, self, false, &c), 0);
        assert_true(cgroup_root_enabled(&c));
        assert_string_equal(c.path, "/docker/abc");
        cgroup_root_done(&c);
        assert_false(cgroup_root_enabled(&c));
        /* a tmpfs is not cgroup2; a v1-only /proc/self/cgroup names no group: both mean "none" */
        assert_int_equal(cgroup_root_open(mount, self, true, &c), 0);
        assert_false(cgroup_root_enabled(&c));
        assert_int_equal(cgroup_root_open(mount, v1, false, &c), 0);
        assert_false(cgroup_root_enabled(&c));
        /* a read-only group: the probe directory cannot be made (as root only a mode bit would
         * not stop us, so use a group that does not exist below the mount) */
        tmptree_write(root, "gone", "0::/nowhere\n");
        snprintf(self, sizeof self, "%s/gone", root);
        assert_int_equal(cgroup_root_open(mount, self, false, &c), 0);
        assert_false(cgroup_root_enabled(&c));
        tmptree_free(root);
}

static void test_create_read_remove(void **state) {
        (void)state;
        char *root = tmptree_new();
        assert_non_null(root);
        char mount[4096], self[4096];
        fake_hierarchy(root, "0::/\n", "", mount, self);
        tmptree_write(root, "fs/cgroup.procs", "1\n");
        CGroupRoot c;
        assert_int_equal(cgroup_root_open(mount, self, false, &c), 0);
        assert_true(cgroup_root_enabled(&c));
        assert_string_equal(c.path, "");
        assert_int_equal(cgroup_create(&c, "app.slice/app-web.slice/web.service"), 0);
        assert_int_equal(cgroup_create(&c, "app.slice/app-web.slice/web.service"), 0);   /* again: fine */
        /* no group yet: no pids */
        pid_t *pids = NULL;
        size_t n = 99;
        assert_int_equal(cgroup_read_pids(&c, "system.slice/none.service", &pids, &n), 0);
        assert_int_equal(n, 0);
        assert_null(pids);
        /* a group and its subgroups (Delegate=), duplicates and zeros (pids of other namespaces) */
        tmptree_write(root, "fs/app.slice/app-web.slice/web.service/cgroup.procs", "30\n10\n0\n");
        tmptree_write(root, "fs/app.slice/app-web.slice/web.service/worker/cgroup.procs", "20\n10\n");
        tmptree_write(root, "fs/app.slice/app-web.slice/web.service/worker/deeper/cgroup.procs", "5\n");
        assert_int_equal(cgroup_read_pids(&c, "app.slice/app-web.slice/web.service", &pids, &n), 0);
        assert_int_equal(n, 4);
        assert_int_equal(pids[0], 5);
        assert_int_equal(pids[1], 10);
        assert_int_equal(pids[2], 20);
        assert_int_equal(pids[3], 30);
        free(pids);
        /* cgroup_attach writes the pid (into the kernel's file: here a plain one) */
        tmptree_write(root, "fs/app.slice/cgroup.procs", "");
        assert_int_equal(cgroup_attach(&c, "app.slice", 1234), 0);
        _cleanup_free_ char *text = NULL;
        size_t sz;
        assert_int_equal(read_file_bounded(c.fd, "app.slice/cgroup.procs", 100, &text, &sz), 0);
        assert_string_equal(text, "1234");
        /* removal (real cgroupfs directories hold only kernel files, which rmdir ignores; here
         * the fake cgroup.procs files go first) */
        char p[4096];
        const char *files[] = { "app.slice/cgroup.procs", "app.slice/app-web.slice/web.service/cgroup.procs",
                                "app.slice/app-web.slice/web.service/worker/cgroup.procs",
                                "app.slice/app-web.slice/web.service/worker/deeper/cgroup.procs" };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                snprintf(p, sizeof p, "%s/fs/%s", root, files[i]);
                assert_int_equal(unlink(p), 0);
        }
        assert_int_equal(cgroup_remove(&c, "app.slice/app-web.slice/web.service"), 0);
        snprintf(p, sizeof p, "%s/fs/app.slice/app-web.slice/web.service", root);
        assert_int_equal(access(p, F_OK), -1);
        assert_int_equal(cgroup_remove(&c, "app.slice/app-web.slice/web.service"), 0);   /* gone: fine */
        assert_int_equal(cgroup_remove(&c, ""), -EINVAL);   /* never our own group */
        cgroup_root_clean(&c);
        snprintf(p, sizeof p, "%s/fs/app.slice", root);
        assert_int_equal(access(p, F_OK), -1);
        snprintf(p, sizeof p, "%s/fs/cgroup.procs", root);
        assert_int_equal(access(p, F_OK), 0);   /* files are not groups */
        cgroup_root_done(&c);
        tmptree_free(root);
}

static void test_pid_rel(void **state) {
        (void)state;
        char *root = tmptree_new();
        assert_non_null(root);
        char mount[4096], self[4096], proc[4096];
        fake_hierarchy(root, "0::/ct\n", "ct", mount, self);
        tmptree_write(root, "proc/7/cgroup", "0::/ct/system.slice/a.service\n");
        tmptree_write(root, "proc/8/cgroup", "0::/ct\n");
        tmptree_write(root, "proc/9/cgroup", "0::/ctx/b.service\n");
        snprintf(proc, sizeof proc, "%s/proc", root);
        CGroupRoot c;
        assert_int_equal(cgroup_root_open(mount, self, false, &c), 0);
        char *rel = NULL;
        assert_int_equal(cgroup_pid_rel(&c, proc, 7, &rel), 0);
        assert_string_equal(rel, "system.slice/a.service");
        free(rel);
        assert_int_equal(cgroup_pid_rel(&c, proc, 8, &rel), 0);
        assert_string_equal(rel, "");
        free(rel);
        rel = NULL;
        assert_int_equal(cgroup_pid_rel(&c, proc, 9, &rel), -ENXIO);   /* a sibling that shares a prefix */
        assert_int_equal(cgroup_pid_rel(&c, proc, 10, &rel), -ENOENT);
        assert_null(rel);
        cgroup_root_done(&c);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_proc),
                cmocka_unit_test(test_unit_rel),
                cmocka_unit_test(test_root_open),
                cmocka_unit_test(test_create_read_remove),
                cmocka_unit_test(test_pid_rel),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
