/* SPDX-License-Identifier: MIT */
/* Condition*= / Assert*= evaluation, each case pinned to what systemd 252's `systemd-analyze
 * condition` answers; file-system cases run on a temporary tree through ctx->root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "core/condition-eval.h"
#include "log-capture.h"
#include "tmptree.h"
#include "unit/exec-config.h"
#include "unit/load.h"

/* One condition, tested on its own. */
static int check(ConditionType t, const char *param, const ConditionContext *ctx) {
        Condition *c = condition_new(t, param, false, false);
        assert_non_null(c);
        int r = condition_test(c, ctx);
        condition_list_free(c);
        return r;
}

static int check_negated(ConditionType t, const char *param, const ConditionContext *ctx) {
        Condition *c = condition_new(t, param, false, true);
        assert_non_null(c);
        int r = condition_test(c, ctx);
        condition_list_free(c);
        return r;
}

/* Prepend, as the loader does: the list ends up newest first. */
static Condition *add(Condition **l, ConditionType t, const char *param, bool trigger, bool negate) {
        Condition *c = condition_new(t, param, trigger, negate);
        assert_non_null(c);
        c->next = *l;
        *l = c;
        return c;
}

static char *env_ab[] = { "A=1", "B=2", NULL };

static void test_list_logic(void **state) {
        (void)state;
        ConditionContext ctx = { .environ = env_ab };
        const Condition *failed = (const Condition *)1;
        /* an empty list holds */
        assert_true(condition_list_test(NULL, &ctx, &failed));
        assert_null(failed);
        /* every plain condition must hold; the first failing one in file order is reported */
        Condition *l = NULL;
        add(&l, CONDITION_ENVIRONMENT, "A", false, false);
        Condition *x = add(&l, CONDITION_ENVIRONMENT, "X", false, false);
        add(&l, CONDITION_ENVIRONMENT, "Y", false, false);
        assert_false(condition_list_test(l, &ctx, &failed));
        assert_ptr_equal(failed, x);
        assert_false(condition_list_test(l, &ctx, NULL));   /* ret_failed may be NULL */
        condition_list_free(l);
        /* '!' negates */
        l = NULL;
        add(&l, CONDITION_ENVIRONMENT, "A", false, false);
        add(&l, CONDITION_ENVIRONMENT, "X", false, true);
        assert_true(condition_list_test(l, &ctx, &failed));
        assert_null(failed);
        condition_list_free(l);
}

static void test_trigger_logic(void **state) {
        (void)state;
        ConditionContext ctx = { .environ = env_ab };
        const Condition *failed;
        /* '|': one of the triggers is enough */
        Condition *l = NULL;
        Condition *t1 = add(&l, CONDITION_ENVIRONMENT, "X", true, false);
        add(&l, CONDITION_ENVIRONMENT, "B", true, false);
        add(&l, CONDITION_ENVIRONMENT, "Y", true, false);
        assert_true(condition_list_test(l, &ctx, &failed));
        assert_null(failed);
        /* ... and all plain ones still must hold */
        Condition *plain = add(&l, CONDITION_ENVIRONMENT, "Z", false, false);
        assert_false(condition_list_test(l, &ctx, &failed));
        assert_ptr_equal(failed, plain);
        condition_list_free(l);
        /* no trigger holds: the first trigger in file order is reported */
        l = NULL;
        t1 = add(&l, CONDITION_ENVIRONMENT, "X", true, false);
        add(&l, CONDITION_ENVIRONMENT, "A", false, false);
        add(&l, CONDITION_ENVIRONMENT, "A", true, true);   /* "|!A" */
        assert_false(condition_list_test(l, &ctx, &failed));
        assert_ptr_equal(failed, t1);
        /* "|!X" holds */
        add(&l, CONDITION_ENVIRONMENT, "X", true, true);
        assert_true(condition_list_test(l, &ctx, &failed));
        assert_null(failed);
        condition_list_free(l);
}

static void test_errors_fail(void **state) {
        (void)state;
        ConditionContext ctx = { .environ = env_ab };
        const Condition *failed;
        /* a condition that cannot be evaluated fails, with or without '!', and is logged */
        assert_true(check(CONDITION_CAPABILITY, "CAP_NO_SUCH", &ctx) < 0);
        assert_true(check_negated(CONDITION_CAPABILITY, "CAP_NO_SUCH", &ctx) < 0);
        Condition *l = NULL;
        Condition *bad = add(&l, CONDITION_CAPABILITY, "CAP_NO_SUCH", false, true);
        log_capture_start();
        assert_false(condition_list_test(l, &ctx, &failed));
        assert_ptr_equal(failed, bad);
        assert_non_null(strstr(log_captured(), "Couldn't determine result for ConditionCapability=!CAP_NO_SUCH, assuming failed: Invalid argument"));
        log_capture_stop();
        condition_list_free(l);
}

/* The loader keeps the list newest first; evaluation follows the file. */
static void test_loaded_unit(void **state) {
        (void)state;
        ConditionContext ctx = { .environ = env_ab };
        const char *text = "[Unit]\nConditionEnvironment=X\nConditionEnvironment=Y\nConditionEnvironment=|A\n"
                           "AssertEnvironment=|!A\nAssertEnvironment=| ! B\n";
        const Condition *failed;
        log_capture_start();
        Unit *u = unit_new("t.target");
        assert_non_null(u);
        assert_int_equal(unit_load_from_buffer(u, "t.target", text, strlen(text)), 0);
        assert_false(condition_list_test(u->unit.conditions, &ctx, &failed));
        assert_string_equal(failed->parameter, "X");
        _cleanup_free_ char *d = condition_describe(failed, false);
        assert_string_equal(d, "ConditionEnvironment=X");
        assert_false(condition_list_test(u->unit.asserts, &ctx, &failed));
        _cleanup_free_ char *a = condition_describe(failed, true);
        assert_string_equal(a, "AssertEnvironment=|!A");
        unit_free(u);
        log_capture_stop();
}

static void test_describe(void **state) {
        (void)state;
        Condition *c = condition_new(CONDITION_PATH_EXISTS, "/foo", true, true);
        char *s = condition_describe(c, false);
        assert_string_equal(s, "ConditionPathExists=|!/foo");
        free(s);
        s = condition_describe(c, true);
        assert_string_equal(s, "AssertPathExists=|!/foo");
        free(s);
        c->trigger = c->negate = false;
        c->type = CONDITION_AC_POWER;
        s = condition_describe(c, false);
        assert_string_equal(s, "ConditionACPower=/foo");
        free(s);
        c->type = _CONDITION_TYPE_MAX;
        assert_null(condition_describe(c, false));
        assert_null(condition_describe(NULL, true));
        condition_list_free(c);
}

static char *make_tree(void) {
        char *root = tmptree_new();
        assert_non_null(root);
        tmptree_write(root, "etc/empty", "");
        tmptree_write(root, "etc/data", "x\n");
        tmptree_write(root, "bin/tool", "#!/bin/sh\n");
        tmptree_write(root, "dots/.hidden", "x");
        tmptree_write(root, "dots/backup~", "x");
        tmptree_write(root, "dots/old.dpkg-old", "x");
        tmptree_write(root, "full/file", "x");
        tmptree_mkdir(root, "emptydir");
        tmptree_link(root, "link", "etc");
        tmptree_link(root, "dangling", "/nonexistent-target");
        char p[4096];
        snprintf(p, sizeof p, "%s/bin/tool", root);
        assert_int_equal(chmod(p, 0755), 0);
        snprintf(p, sizeof p, "%s/etc/data", root);
        assert_int_equal(chmod(p, 0644), 0);
        return root;
}

static void test_path_conditions(void **state) {
        (void)state;
        char *root = make_tree();
        ConditionContext ctx = { .root = root };
        assert_int_equal(check(CONDITION_PATH_EXISTS, "/etc/data", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_EXISTS, "/etc/none", &ctx), 0);
        assert_int_equal(check_negated(CONDITION_PATH_EXISTS, "/etc/none", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_EXISTS, "etc/data", &ctx), 0);   /* not absolute */
        assert_int_equal(check(CONDITION_PATH_EXISTS_GLOB, "/etc/d*", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_EXISTS_GLOB, "/etc/z*", &ctx), 0);
        assert_int_equal(check(CONDITION_PATH_EXISTS_GLOB, "/dots/*", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_IS_DIRECTORY, "/etc", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_IS_DIRECTORY, "/link", &ctx), 1);   /* symlinks are followed */
        assert_int_equal(check(CONDITION_PATH_IS_DIRECTORY, "/etc/data", &ctx), 0);
        assert_int_equal(check(CONDITION_PATH_IS_SYMBOLIC_LINK, "/link", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_IS_SYMBOLIC_LINK, "/dangling", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_IS_SYMBOLIC_LINK, "/etc", &ctx), 0);
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/etc", &ctx), 0);
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/none", &ctx), 0);
        assert_int_equal(check(CONDITION_PATH_IS_READ_WRITE, "/etc/data", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_IS_READ_WRITE, "/none", &ctx), 0);
        assert_int_equal(check(CONDITION_PATH_IS_ENCRYPTED, "/etc", &ctx), 0);
        /* hidden and backup files do not count */
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "/dots", &ctx), 0);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "/emptydir", &ctx), 0);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "/full", &ctx), 1);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "/etc/data", &ctx), 0);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "/none", &ctx), 0);
        assert_int_equal(check(CONDITION_FILE_NOT_EMPTY, "/etc/data", &ctx), 1);
        assert_int_equal(check(CONDITION_FILE_NOT_EMPTY, "/etc/empty", &ctx), 0);
        assert_int_equal(check(CONDITION_FILE_NOT_EMPTY, "/etc", &ctx), 0);
        assert_int_equal(check(CONDITION_FILE_IS_EXECUTABLE, "/bin/tool", &ctx), 1);
        assert_int_equal(check(CONDITION_FILE_IS_EXECUTABLE, "/etc/data", &ctx), 0);
        assert_int_equal(check(CONDITION_FILE_IS_EXECUTABLE, "/bin", &ctx), 0);
        tmptree_free(root);
}

static void test_live_mount_points(void **state) {
        (void)state;
        ConditionContext ctx = {};
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/", &ctx), 1);
        if (access("/proc/self", F_OK) >= 0)
                assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/proc", &ctx), 1);
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/proc/self/status", &ctx), 0);
        /* a NULL context is the live system with defaults */
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/", NULL), 1);
}

static void test_needs_update(void **state) {
        (void)state;
        char *root = make_tree();
        ConditionContext ctx = { .root = root, .proc_cmdline = "quiet" };
        char p[4096];
        tmptree_mkdir(root, "usr");
        /* no stamp: an update is needed */
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "/etc", &ctx), 1);
        tmptree_write(root, "etc/.updated", "TIMESTAMP_NSEC=0\n");
        struct timespec older[2] = { { 1000, 0 }, { 1000, 0 } }, newer[2] = { { 2000, 0 }, { 2000, 0 } };
        snprintf(p, sizeof p, "%s/etc/.updated", root);
        assert_int_equal(utimensat(AT_FDCWD, p, older, 0), 0);
        snprintf(p, sizeof p, "%s/usr", root);
        assert_int_equal(utimensat(AT_FDCWD, p, newer, 0), 0);
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "/etc", &ctx), 1);
        assert_int_equal(utimensat(AT_FDCWD, p, older, 0), 0);
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "/etc", &ctx), 0);
        /* not absolute: rather update; the command line overrides */
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "etc", &ctx), 1);
        ctx.proc_cmdline = "systemd.condition-needs-update=1";
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "/etc", &ctx), 1);
        ctx.proc_cmdline = "systemd.condition-needs-update=no";
        snprintf(p, sizeof p, "%s/usr", root);
        assert_int_equal(utimensat(AT_FDCWD, p, newer, 0), 0);
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "/etc", &ctx), 0);
        /* never in the initrd */
        ctx.proc_cmdline = "";
        tmptree_write(root, "etc/initrd-release", "");
        assert_int_equal(check(CONDITION_NEEDS_UPDATE, "/etc", &ctx), 0);
        tmptree_free(root);
}

static void test_environment(void **state) {
        (void)state;
        ConditionContext ctx = { .environ = env_ab };
        assert_int_equal(check(CONDITION_ENVIRONMENT, "A", &ctx), 1);
        assert_int_equal(check(CONDITION_ENVIRONMENT, "A=1", &ctx), 1);
        assert_int_equal(check(CONDITION_ENVIRONMENT, "A=2", &ctx), 0);
        assert_int_equal(check(CONDITION_ENVIRONMENT, "A=", &ctx), 0);
        assert_int_equal(check(CONDITION_ENVIRONMENT, "B=2", &ctx), 1);
        assert_int_equal(check(CONDITION_ENVIRONMENT, "AB", &ctx), 0);   /* a name, not a prefix */
        assert_int_equal(check(CONDITION_ENVIRONMENT, "C", &ctx), 0);
        assert_int_equal(check(CONDITION_ENVIRONMENT, "=", &ctx), 0);
        assert_int_equal(check_negated(CONDITION_ENVIRONMENT, "C", &ctx), 1);
        ctx.environ = NULL;
        assert_int_equal(check(CONDITION_ENVIRONMENT, "A", &ctx), 0);
}

static void test_user(void **state) {
        (void)state;
        char *root = tmptree_new();
        char line[256], uid[32];
        snprintf(line, sizeof line, "root:x:0:0::/root:/bin/sh\nme:x:%u:%u::/home/me:/bin/sh\nother:x:4242:4242::/:/bin/sh\n",
                 (unsigned)getuid(), (unsigned)getgid());
        tmptree_write(root, "etc/passwd", line);
        ConditionContext ctx = { .root = root };
        snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
        assert_int_equal(check(CONDITION_USER, uid, &ctx), 1);
        assert_int_equal(check(CONDITION_USER, "me", &ctx), 1);               /* by name, from the root's passwd */
        assert_int_equal(check(CONDITION_USER, "root", &ctx), getuid() == 0 || geteuid() == 0);
        assert_int_equal(check(CONDITION_USER, "0", &ctx), getuid() == 0 || geteuid() == 0);
        assert_int_equal(check(CONDITION_USER, "@system", &ctx), getuid() <= 999 || geteuid() <= 999);
        assert_int_equal(check(CONDITION_USER, "other", &ctx), getuid() == 4242);
        assert_int_equal(check(CONDITION_USER, "nosuchuser", &ctx), 0);
        /* not UIDs for 252, and not names either */
        assert_int_equal(check(CONDITION_USER, "00", &ctx), 0);
        assert_int_equal(check(CONDITION_USER, "+0", &ctx), 0);
        assert_int_equal(check(CONDITION_USER, "4294967295", &ctx), 0);
        assert_int_equal(check(CONDITION_USER, "-1", &ctx), 0);
        assert_int_equal(check(CONDITION_USER, "@System", &ctx), 0);
        assert_int_equal(check(CONDITION_USER, "", &ctx), 0);
        tmptree_free(root);
}

static void test_group(void **state) {
        (void)state;
        char *root = tmptree_new();
        char line[256], gid[32];
        snprintf(line, sizeof line, "root:x:0:\nmine:x:%u:\nother:x:4243:\n", (unsigned)getgid());
        tmptree_write(root, "etc/group", line);
        ConditionContext ctx = { .root = root };
        snprintf(gid, sizeof gid, "%u", (unsigned)getgid());
        assert_int_equal(check(CONDITION_GROUP, gid, &ctx), 1);
        assert_int_equal(check(CONDITION_GROUP, "mine", &ctx), 1);
        assert_int_equal(check(CONDITION_GROUP, "root", &ctx), getgid() == 0 || getegid() == 0 || check(CONDITION_GROUP, "0", &ctx));
        assert_int_equal(check(CONDITION_GROUP, "@system", &ctx), 0);       /* not for groups */
        assert_int_equal(check(CONDITION_GROUP, "nosuchgroup", &ctx), 0);
        assert_int_equal(check(CONDITION_GROUP, "00", &ctx), 0);
        tmptree_free(root);
}

static void test_virtualization(void **state) {
        (void)state;
        ConditionContext ctx = { .virtualization = "docker" };
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "vm", &ctx), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "docker", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "yes", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "no", &ctx), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "podman", &ctx), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "garbage", &ctx), 0);
        assert_int_equal(check_negated(CONDITION_VIRTUALIZATION, "vm", &ctx), 1);
        assert_int_equal(check(CONDITION_FIRMWARE, "uefi", &ctx), 0);   /* never in a container */
        ctx.virtualization = "kvm";
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "vm", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container", &ctx), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "kvm", &ctx), 1);
        ctx.virtualization = "none";
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "no", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container", &ctx), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "none", &ctx), 0);
        /* private-users looks at the live uid_map whatever the context says */
        assert_true(check(CONDITION_VIRTUALIZATION, "private-users", &ctx) >= 0);
}

static void test_virtualization_detection(void **state) {
        (void)state;
        char *root = tmptree_new();
        char *env_podman[] = { "container=podman", NULL }, *env_oci[] = { "container=oci", NULL };
        ConditionContext ctx = { .root = root, .environ = env_podman };
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "podman", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container", &ctx), 1);
        ctx.environ = env_oci;   /* unknown managers are "container-other" */
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container-other", &ctx), 1);
        ctx.environ = NULL;
        tmptree_write(root, ".dockerenv", "");
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "docker", &ctx), 1);
        tmptree_write(root, "run/systemd/container", "lxc\n");
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "lxc", &ctx), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "docker", &ctx), 0);
        /* an empty $container says "no container", whatever the files say */
        char *env_empty[] = { "container=", NULL };
        ctx.environ = env_empty;
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container", &ctx), 0);
        tmptree_free(root);
}

static void test_kernel_command_line(void **state) {
        (void)state;
        ConditionContext ctx = { .proc_cmdline = "quiet root=/dev/sda1 foo=\"a b\" rw\n" };
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "quiet", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "root", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "root=/dev/sda1", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "root=/dev/sdb", &ctx), 0);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "qui", &ctx), 0);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "foo=a b", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "rw", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "ro", &ctx), 0);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "", &ctx), 0);
        assert_int_equal(check_negated(CONDITION_KERNEL_COMMAND_LINE, "debug", &ctx), 1);
        ctx.proc_cmdline = "";
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "quiet", &ctx), 0);
}

static void test_first_boot(void **state) {
        (void)state;
        ConditionContext ctx = { .first_boot = true, .proc_cmdline = "" };
        assert_int_equal(check(CONDITION_FIRST_BOOT, "yes", &ctx), 1);
        assert_int_equal(check(CONDITION_FIRST_BOOT, "no", &ctx), 0);
        assert_true(check(CONDITION_FIRST_BOOT, "maybe", &ctx) < 0);
        ctx.first_boot = false;
        assert_int_equal(check(CONDITION_FIRST_BOOT, "yes", &ctx), 0);
        assert_int_equal(check(CONDITION_FIRST_BOOT, "false", &ctx), 1);
        /* the command line overrides */
        ctx.proc_cmdline = "systemd.condition-first-boot";
        assert_int_equal(check(CONDITION_FIRST_BOOT, "yes", &ctx), 1);
        ctx.first_boot = true;
        ctx.proc_cmdline = "systemd.condition-first-boot=0";
        assert_int_equal(check(CONDITION_FIRST_BOOT, "yes", &ctx), 0);
        assert_int_equal(check(CONDITION_FIRST_BOOT, "no", &ctx), 1);
}

static int affinity_cpus(void) {
        cpu_set_t set;
        assert_int_equal(sched_getaffinity(0, sizeof set, &set), 0);
        return CPU_COUNT(&set);
}

static void test_memory_cpus(void **state) {
        (void)state;
        ConditionContext ctx = {};
        char p[64];
        assert_int_equal(check(CONDITION_MEMORY, ">=1G", &ctx) >= 0, 1);
        assert_int_equal(check(CONDITION_MEMORY, "1", &ctx), 1);              /* ">=" when no operator */
        assert_int_equal(check(CONDITION_MEMORY, ">= 1K", &ctx), 1);
        assert_int_equal(check(CONDITION_MEMORY, "<1", &ctx), 0);
        assert_int_equal(check(CONDITION_MEMORY, "<=0", &ctx), 0);
        assert_int_equal(check(CONDITION_MEMORY, "=0", &ctx), 0);
        assert_int_equal(check(CONDITION_MEMORY, "!=0", &ctx), 1);
        assert_int_equal(check(CONDITION_MEMORY, "<>1", &ctx), 1);
        assert_int_equal(check(CONDITION_MEMORY, ">=18446744073709551615", &ctx), 0);
        assert_int_equal(check(CONDITION_MEMORY, ">=16E", &ctx), -ERANGE);
        assert_true(check(CONDITION_MEMORY, ">=garbage", &ctx) < 0);
        assert_true(check(CONDITION_MEMORY, "$=1", &ctx) < 0);                /* no globs for sizes */
        assert_true(check(CONDITION_MEMORY, "===1", &ctx) < 0);
        int n = affinity_cpus();
        snprintf(p, sizeof p, "%d", n);
        assert_int_equal(check(CONDITION_CPUS, p, &ctx), 1);
        snprintf(p, sizeof p, "=%d", n);
        assert_int_equal(check(CONDITION_CPUS, p, &ctx), 1);
        snprintf(p, sizeof p, "==%d", n);
        assert_int_equal(check(CONDITION_CPUS, p, &ctx), 1);
        snprintf(p, sizeof p, "<>%d", n);
        assert_int_equal(check(CONDITION_CPUS, p, &ctx), 0);
        snprintf(p, sizeof p, ">%d", n);
        assert_int_equal(check(CONDITION_CPUS, p, &ctx), 0);
        snprintf(p, sizeof p, "<%d", n + 1);
        assert_int_equal(check(CONDITION_CPUS, p, &ctx), 1);
        assert_int_equal(check(CONDITION_CPUS, ">=1", &ctx), 1);
        assert_int_equal(check(CONDITION_CPUS, "<=0", &ctx), 0);
        assert_true(check(CONDITION_CPUS, ">=2x", &ctx) < 0);
        assert_true(check(CONDITION_CPUS, "-1", &ctx) < 0);
}

static void test_architecture(void **state) {
        (void)state;
        ConditionContext ctx = {};
        assert_int_equal(check(CONDITION_ARCHITECTURE, "native", &ctx), 1);
        assert_int_equal(check(CONDITION_ARCHITECTURE, "bogus", &ctx), 0);
        assert_int_equal(check(CONDITION_ARCHITECTURE, "", &ctx), 0);
#if defined(__x86_64__)
        struct utsname u;
        assert_int_equal(uname(&u), 0);
        if (strcmp(u.machine, "x86_64") == 0) {
                assert_int_equal(check(CONDITION_ARCHITECTURE, "x86-64", &ctx), 1);
                assert_int_equal(check(CONDITION_ARCHITECTURE, "X86-64", &ctx), 0);   /* names are exact */
                assert_int_equal(check(CONDITION_ARCHITECTURE, "arm64", &ctx), 0);
                assert_int_equal(check(CONDITION_CPU_FEATURE, "SSE2", &ctx), 1);      /* every x86-64 CPU */
        }
#endif
        assert_int_equal(check(CONDITION_CPU_FEATURE, "bogus", &ctx), 0);
        assert_int_equal(check(CONDITION_CPU_FEATURE, "hypervisor", &ctx), 0);  /* a cpuinfo flag 252 does not know */
}

/* The lowest capability in our bounding set, or -1. */
static int some_bounding_cap(void) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = fopen("/proc/self/status", "re");
        unsigned long long bnd = 0;
        if (!f) return -1;
        while (getline(&s, &n, f) > 0)
                if (strncmp(s, "CapBnd:", 7) == 0) sscanf(s + 7, "%llx", &bnd);
        free(s);
        fclose(f);
        for (int i = 0; tinysd_capability_name(i); i++)
                if (bnd & (1ULL << i)) return i;
        return -1;
}

static void test_capability(void **state) {
        (void)state;
        ConditionContext ctx = {};
        int cap = some_bounding_cap();
        if (cap >= 0) {
                char upper[64];
                const char *name = tinysd_capability_name(cap);
                for (size_t i = 0; i <= strlen(name); i++)
                        upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
                assert_int_equal(check(CONDITION_CAPABILITY, upper, &ctx), 1);
                assert_int_equal(check(CONDITION_CAPABILITY, name, &ctx), 1);    /* any case */
                assert_int_equal(check_negated(CONDITION_CAPABILITY, upper, &ctx), 0);
        }
        assert_int_equal(check(CONDITION_CAPABILITY, "63", &ctx), 0);             /* no such capability yet */
        assert_int_equal(check(CONDITION_CAPABILITY, "CAP_GARBAGE", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_CAPABILITY, "64", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_CAPABILITY, "", &ctx), -EINVAL);
}

static void test_kernel_version(void **state) {
        (void)state;
        ConditionContext ctx = {};
        struct utsname u;
        char p[512];
        assert_int_equal(uname(&u), 0);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, ">=1", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "<1", &ctx), 0);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, ">= 2.6", &ctx), 1);        /* first word only */
        assert_int_equal(check(CONDITION_KERNEL_VERSION, ">=2.6 <1000", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "'>= 2.6' '< 1000'", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, ">=2.6 <= 1000", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "\"\"", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, ">", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "*", &ctx), 1);             /* a glob */
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "$=*", &ctx), 1);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "!$=*", &ctx), 0);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, "", &ctx), 1);              /* nothing to hold */
        snprintf(p, sizeof p, "=%s", u.release);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, p, &ctx), 1);
        snprintf(p, sizeof p, "==%s", u.release);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, p, &ctx), 1);
        snprintf(p, sizeof p, "!=%s", u.release);
        assert_int_equal(check(CONDITION_KERNEL_VERSION, p, &ctx), 0);
        snprintf(p, sizeof p, "<%s~rc1", u.release);                                 /* a pre-release is older */
        assert_int_equal(check(CONDITION_KERNEL_VERSION, p, &ctx), 0);
        snprintf(p, sizeof p, "<%s.1", u.release);                                   /* more segments: newer */
        assert_int_equal(check(CONDITION_KERNEL_VERSION, p, &ctx), 1);
}

static void test_os_release(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "etc/os-release", "# comment\nID=debian\nVERSION_ID=\"12.1\"\nPRETTY_NAME='Debian 12'\n");
        ConditionContext ctx = { .root = root };
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID=debian", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID!=debian", &ctx), 0);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID$=deb*", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID!$=deb*", &ctx), 0);
        assert_int_equal(check(CONDITION_OS_RELEASE, "PRETTY_NAME=\"Debian 12\"", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID>=12", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID==12.01", &ctx), 1);   /* leading zeros */
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID=12.01", &ctx), 0);    /* "=" is literal */
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID>12.1~rc1", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID<12.1a", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID<12.1-1", &ctx), 1);  /* more segments: newer */
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID>12-5", &ctx), 1);    /* a "-" release is older than "." */
        assert_int_equal(check(CONDITION_OS_RELEASE, "VERSION_ID<>12.1", &ctx), 0);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID=debian VERSION_ID=12.1", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID=debian VERSION_ID=11", &ctx), 0);
        /* a missing key compares as "" */
        assert_int_equal(check(CONDITION_OS_RELEASE, "NOPE!=x", &ctx), 1);
        assert_int_equal(check(CONDITION_OS_RELEASE, "NOPE<1", &ctx), 1);
        /* syntax errors */
        assert_int_equal(check(CONDITION_OS_RELEASE, "NOPE=", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID= debian", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_OS_RELEASE, "1D=x", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID=debian\"", &ctx), -EINVAL);
        tmptree_free(root);
        /* /usr/lib/os-release when /etc has none; neither: an error */
        root = tmptree_new();
        ctx.root = root;
        assert_true(check(CONDITION_OS_RELEASE, "ID=fedora", &ctx) < 0);
        tmptree_write(root, "usr/lib/os-release", "ID=fedora\n");
        assert_int_equal(check(CONDITION_OS_RELEASE, "ID=fedora", &ctx), 1);
        tmptree_free(root);
}

static void test_credential_host(void **state) {
        (void)state;
        char *root = tmptree_new();
        char dir[4096], env[4200];
        tmptree_write(root, "creds/token", "secret");
        tmptree_write(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
        snprintf(dir, sizeof dir, "%s/creds", root);
        snprintf(env, sizeof env, "CREDENTIALS_DIRECTORY=%s", dir);
        char *envp[] = { env, NULL }, *relative[] = { "CREDENTIALS_DIRECTORY=creds", NULL };
        ConditionContext ctx = { .root = root, .environ = envp };
        assert_int_equal(check(CONDITION_CREDENTIAL, "token", &ctx), 1);
        assert_int_equal(check(CONDITION_CREDENTIAL, "missing", &ctx), 0);
        assert_int_equal(check(CONDITION_CREDENTIAL, "../creds/token", &ctx), 0);   /* not a credential name */
        assert_int_equal(check(CONDITION_CREDENTIAL, "", &ctx), 0);
        ctx.environ = relative;
        assert_int_equal(check(CONDITION_CREDENTIAL, "token", &ctx), -EINVAL);
        ctx.environ = NULL;
        assert_int_equal(check(CONDITION_CREDENTIAL, "token", &ctx), 0);
        /* machine IDs in either form and case; anything else globs the hostname */
        assert_int_equal(check(CONDITION_HOST, "0123456789abcdef0123456789abcdef", &ctx), 1);
        assert_int_equal(check(CONDITION_HOST, "0123456789ABCDEF0123456789ABCDEF", &ctx), 1);
        assert_int_equal(check(CONDITION_HOST, "01234567-89ab-cdef-0123-456789abcdef", &ctx), 1);
        assert_int_equal(check(CONDITION_HOST, "fedcba9876543210fedcba9876543210", &ctx), 0);
        assert_int_equal(check(CONDITION_HOST, "*", &ctx), 1);
        assert_int_equal(check(CONDITION_HOST, "no-such-host-name-really", &ctx), 0);
        tmptree_write(root, "etc/machine-id", "uninitialized\n");
        assert_true(check(CONDITION_HOST, "0123456789abcdef0123456789abcdef", &ctx) < 0);
        tmptree_free(root);
}

static void test_system_probes(void **state) {
        (void)state;
        ConditionContext ctx = {};
        /* exactly one of the two answers holds, whatever the machine */
        assert_int_equal(check(CONDITION_AC_POWER, "true", &ctx) + check(CONDITION_AC_POWER, "false", &ctx), 1);
        assert_int_equal(check(CONDITION_AC_POWER, "maybe", &ctx), -EINVAL);
        assert_int_equal(check(CONDITION_SECURITY, "bogus", &ctx), 0);
        assert_true(check(CONDITION_SECURITY, "audit", &ctx) >= 0);
        assert_int_equal(check(CONDITION_FIRMWARE, "bogus", &ctx), 0);
        assert_int_equal(check(CONDITION_FIRMWARE, "device-tree-compatible(foo", &ctx), 0);
        assert_int_equal(check(CONDITION_FIRMWARE, "smbios-field(bad)", &ctx), -EINVAL);
        assert_true(check(CONDITION_FIRMWARE, "smbios-field(no_such_field = x)", &ctx) == 0);
        /* cgroups: unknown controllers are ignored; v1 and v2 exclude each other */
        int v1 = check(CONDITION_CONTROL_GROUP_CONTROLLER, "v1", &ctx), v2 = check(CONDITION_CONTROL_GROUP_CONTROLLER, "v2", &ctx);
        if (v1 >= 0) {
                assert_int_equal(v1 + v2, 1);
                assert_int_equal(check(CONDITION_CONTROL_GROUP_CONTROLLER, "garbage", &ctx), 1);
                assert_int_equal(check(CONDITION_CONTROL_GROUP_CONTROLLER, "bpf-firewall", &ctx), 0);
                assert_int_equal(check(CONDITION_CONTROL_GROUP_CONTROLLER, "cpu bpf-firewall", &ctx), 0);
        }
        /* pressure: with PSI the parameter is checked and 100% always holds; without, all holds */
        bool psi = access("/proc/pressure/cpu", F_OK) >= 0 && access("/proc/pressure/io", F_OK) >= 0 &&
                   access("/proc/pressure/memory", F_OK) >= 0;
        assert_int_equal(check(CONDITION_CPU_PRESSURE, "100%", &ctx), 1);
        assert_int_equal(check(CONDITION_MEMORY_PRESSURE, "100%/10sec", &ctx), 1);
        assert_int_equal(check(CONDITION_IO_PRESSURE, "100%/1min", &ctx), 1);
        assert_int_equal(check(CONDITION_IO_PRESSURE, "foo.slice:50%", &ctx), 1);
        assert_int_equal(check(CONDITION_MEMORY_PRESSURE, "10", &ctx), psi ? -EINVAL : 1);
        assert_int_equal(check(CONDITION_CPU_PRESSURE, "101%", &ctx), psi ? -ERANGE : 1);
        assert_int_equal(check(CONDITION_CPU_PRESSURE, "50%/2min", &ctx), psi ? -EINVAL : 1);
        assert_int_equal(check(CONDITION_CPU_PRESSURE, "10000\xe2\x80\xb1", &ctx), 1);
}

/* Whatever the parameter, nothing crashes or leaks (the ASan build checks). */
static void test_robustness(void **state) {
        (void)state;
        static const char *const params[] = { "", "!", "|", "=", "\x01", "'", "\"", "((", "smbios-field(",
                                              "device-tree-compatible()", "a:b:c/d/e", "<=", "$=", "/", "*" };
        ConditionContext ctx = { .virtualization = "none", .proc_cmdline = "a b=\"c" };
        Condition c = {};
        assert_int_equal(condition_test(NULL, &ctx), -EINVAL);
        c.type = CONDITION_PATH_EXISTS;
        assert_int_equal(condition_test(&c, &ctx), -EINVAL);   /* no parameter */
        for (int t = 0; t < _CONDITION_TYPE_MAX; t++)
                for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
                        c.type = (ConditionType)t;
                        c.parameter = (char *)params[i];
                        int r = condition_test(&c, &ctx);
                        assert_true(r >= -4095 && r <= 1);
                        assert_true(condition_test(&c, NULL) <= 1);
                }
        c.type = _CONDITION_TYPE_MAX;
        assert_int_equal(condition_test(&c, &ctx), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_list_logic),
                cmocka_unit_test(test_trigger_logic),
                cmocka_unit_test(test_errors_fail),
                cmocka_unit_test(test_loaded_unit),
                cmocka_unit_test(test_describe),
                cmocka_unit_test(test_path_conditions),
                cmocka_unit_test(test_live_mount_points),
                cmocka_unit_test(test_needs_update),
                cmocka_unit_test(test_environment),
                cmocka_unit_test(test_user),
                cmocka_unit_test(test_group),
                cmocka_unit_test(test_virtualization),
                cmocka_unit_test(test_virtualization_detection),
                cmocka_unit_test(test_kernel_command_line),
                cmocka_unit_test(test_first_boot),
                cmocka_unit_test(test_memory_cpus),
                cmocka_unit_test(test_architecture),
                cmocka_unit_test(test_capability),
                cmocka_unit_test(test_kernel_version),
                cmocka_unit_test(test_os_release),
                cmocka_unit_test(test_credential_host),
                cmocka_unit_test(test_system_probes),
                cmocka_unit_test(test_robustness),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
