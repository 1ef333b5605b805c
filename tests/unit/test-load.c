/* SPDX-License-Identifier: MIT */
/* The loader end to end on small trees: fragment + drop-ins, aliases, masks, not-found,
 * bad-setting, .wants directories, implicit and reverse dependencies (systemd.unit(5)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/strv.h"
#include "log-capture.h"
#include "tmptree.h"
#include "unit/load.h"

static Loader *loader_for(char *root) {
        unsetenv("SYSTEMD_UNIT_PATH");
        Loader *l = calloc(1, sizeof *l);
        assert_int_equal(loader_init(l, root), 0);
        return l;
}

static void loader_free(Loader *l) {
        loader_done(l);
        free(l);
}

static void test_fragment_and_dropins(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "lib/systemd/system/web.service",
                      "[Unit]\nDescription=Web\nAfter=network.target\n"
                      "[Service]\nType=forking\nPIDFile=/run/web.pid\nExecStart=/usr/sbin/web\nRestart=always\n");
        /* a drop-in overrides a scalar, appends to a list, and resets ExecStart before replacing it */
        tmptree_write(root, "etc/systemd/system/web.service.d/override.conf",
                      "[Unit]\nAfter=syslog.target\n[Service]\nRestart=on-failure\nExecStart=\nExecStart=/usr/sbin/web -x\n");
        Loader *l = loader_for(root);
        Unit *u;
        assert_int_equal(loader_load(l, "web.service", &u), 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(u->unit.description, "Web");
        assert_int_equal(u->service->type, SERVICE_FORKING);
        assert_int_equal(u->service->restart, SERVICE_RESTART_ON_FAILURE);
        assert_string_equal(u->service->pid_file, "/run/web.pid");
        ExecCommand *c = u->service->exec_command[SERVICE_EXEC_START];
        assert_non_null(c);
        assert_null(c->next);
        assert_string_equal(c->argv[1], "-x");
        assert_true(unit_has_dependency(u, UNIT_AFTER, "network.target"));
        assert_true(unit_has_dependency(u, UNIT_AFTER, "syslog.target"));
        assert_int_equal(strv_length(u->dropin_paths), 1);
        /* default dependencies of a service (systemd.service(5)) */
        assert_true(unit_has_dependency(u, UNIT_REQUIRES, "sysinit.target"));
        assert_true(unit_has_dependency(u, UNIT_AFTER, "basic.target"));
        assert_true(unit_has_dependency(u, UNIT_CONFLICTS, "shutdown.target"));
        assert_true(unit_has_dependency(u, UNIT_BEFORE, "shutdown.target"));
        assert_true(unit_has_dependency(u, UNIT_AFTER, "system.slice"));
        loader_free(l);
        tmptree_free(root);
}

static void test_alias_names_and_masks(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "lib/systemd/system/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n");
        tmptree_link(root, "etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
        tmptree_write(root, "lib/systemd/system/gone.service", "[Service]\nExecStart=/bin/true\n");
        tmptree_link(root, "etc/systemd/system/gone.service", "/dev/null");
        Loader *l = loader_for(root);
        Unit *a, *b, *m, *n;
        assert_int_equal(loader_load(l, "sshd.service", &a), 0);
        assert_int_equal(loader_load(l, "ssh.service", &b), 0);
        assert_ptr_equal(a, b);
        assert_string_equal(a->id, "ssh.service");
        assert_true(strv_contains(a->names, "sshd.service"));
        assert_int_equal(loader_load(l, "gone.service", &m), 0);
        assert_int_equal(m->load_state, UNIT_MASKED);
        assert_int_equal(loader_load(l, "nothing.service", &n), 0);
        assert_int_equal(n->load_state, UNIT_NOT_FOUND);
        assert_int_equal(loader_load(l, "in valid.service", &n), -EINVAL);
        loader_free(l);
        tmptree_free(root);
}

static void test_bad_setting(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "etc/systemd/system/two.service", "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n");
        tmptree_write(root, "etc/systemd/system/none.service", "[Unit]\nDescription=no command\n");
        tmptree_write(root, "etc/systemd/system/hdr.service", "[Service\nExecStart=/bin/a\n");
        Loader *l = loader_for(root);
        Unit *u;
        log_capture_start();
        assert_int_equal(loader_load(l, "two.service", &u), 0);
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_non_null(strstr(log_captured(), "more than one ExecStart="));
        assert_int_equal(loader_load(l, "none.service", &u), 0);
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_non_null(strstr(log_captured(), "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing."));
        assert_int_equal(loader_load(l, "hdr.service", &u), 0);
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        log_capture_stop();
        loader_free(l);
        tmptree_free(root);
}

static void test_wants_template_instances_and_reverse(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_write(root, "lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User\n");
        tmptree_write(root, "lib/systemd/system/getty@.service", "[Service]\nExecStart=/sbin/agetty %I\n");
        tmptree_link(root, "etc/systemd/system/multi-user.target.wants/getty@tty1.service", "/lib/systemd/system/getty@.service");
        tmptree_write(root, "lib/systemd/system/a.service", "[Service]\nExecStart=/bin/a\n[Install]\nWantedBy=multi-user.target\n");
        tmptree_link(root, "etc/systemd/system/multi-user.target.wants/a.service", "/lib/systemd/system/a.service");
        Loader *l = loader_for(root);
        Unit *t, *g, *a;
        assert_int_equal(loader_load_closure(l, "multi-user.target", &t), 0);
        assert_int_equal(loader_add_reverse_dependencies(l), 0);
        assert_true(unit_has_dependency(t, UNIT_WANTS, "getty@tty1.service"));
        g = loader_get(l, "getty@tty1.service");
        assert_non_null(g);
        assert_int_equal(g->load_state, UNIT_LOADED);
        assert_string_equal(g->instance, "tty1");
        assert_string_equal(g->service->exec_command[SERVICE_EXEC_START]->argv[1], "tty1");
        /* instances get their template's slice */
        assert_true(unit_has_dependency(g, UNIT_AFTER, "system-getty.slice"));
        a = loader_get(l, "a.service");
        assert_true(unit_has_dependency(a, UNIT_WANTED_BY, "multi-user.target"));
        /* a target orders itself after what it wants (default dependencies) */
        assert_true(unit_has_dependency(t, UNIT_AFTER, "a.service"));
        assert_true(unit_has_dependency(a, UNIT_BEFORE, "multi-user.target"));
        loader_free(l);
        tmptree_free(root);
}

/* The search directories' mtimes decide (252's timestamp hash); set them apart by hand, as a
 * filesystem with coarse timestamps could make two changes look like none. */
static void bump_mtime(const char *root, const char *rel, long sec) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", root, rel);
        struct timespec ts[2] = { { .tv_sec = sec }, { .tv_sec = sec } };
        assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void test_unit_file_cache_rule(void **state) {
        (void)state;
        char *root = tmptree_new();
        tmptree_mkdir(root, "etc/systemd/system");
        bump_mtime(root, "etc/systemd/system", 1000);
        Loader *l = loader_for(root);
        Unit *u;
        assert_int_equal(loader_load(l, "late.service", &u), 0);
        assert_int_equal(u->load_state, UNIT_NOT_FOUND);
        assert_false(loader_should_retry(l, u));
        assert_int_equal(loader_refresh_map(l), 0);   /* nothing changed */
        tmptree_write(root, "etc/systemd/system/late.service", "[Service]\nExecStart=/bin/true\n");
        bump_mtime(root, "etc/systemd/system/late.service", 2000);
        bump_mtime(root, "etc/systemd/system", 2000);
        assert_true(loader_should_retry(l, u));
        assert_int_equal(loader_refresh_map(l), 1);
        assert_true(loader_should_retry(l, u));   /* the map changed since it was not found */
        Unit *fresh;
        assert_int_equal(loader_reload_unit(l, u, &fresh), 0);
        assert_ptr_not_equal(fresh, u);
        assert_int_equal(fresh->load_state, UNIT_LOADED);
        assert_ptr_equal(loader_get(l, "late.service"), fresh);
        unit_free(u);
        assert_false(loader_unit_need_daemon_reload(l, fresh));
        bump_mtime(root, "etc/systemd/system/late.service", 3000);
        assert_true(loader_unit_need_daemon_reload(l, fresh));
        bump_mtime(root, "etc/systemd/system/late.service", 2000);
        assert_false(loader_unit_need_daemon_reload(l, fresh));
        tmptree_write(root, "etc/systemd/system/late.service.d/x.conf", "[Unit]\nDescription=x\n");
        assert_true(loader_unit_need_daemon_reload(l, fresh));   /* a drop-in that was not loaded */
        loader_free(l);
        tmptree_free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fragment_and_dropins),
                cmocka_unit_test(test_alias_names_and_masks),
                cmocka_unit_test(test_bad_setting),
                cmocka_unit_test(test_wants_template_instances_and_reverse),
                cmocka_unit_test(test_unit_file_cache_rule),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
