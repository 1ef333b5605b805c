/* SPDX-License-Identifier: MIT */
/* [Path] parsing, defaults, verification and `systemctl show` properties. Expected values and
 * messages were taken from systemd 252 (systemd-analyze verify and the unit dump of
 * `systemd --test`) on the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <cmocka.h>
#include "show-capture.h"
#include "base/strv.h"
#include "log-capture.h"
#include "unit/load.h"
#include "unit/unit.h"

#define CORPUS "/work/shared/corpus/debian-bookworm/"

static Unit *load(const char *name, const char *text, int *ret) {
        Unit *u = unit_new(name);
        assert_non_null(u);
        int r = unit_load_from_buffer(u, name, text, strlen(text));
        if (ret) *ret = r;
        return u;
}

static Unit *load_ok(const char *name, const char *text) {
        int r;
        Unit *u = load(name, text, &r);
        assert_int_equal(r, 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static char *read_corpus(const char *rel) {
        char path[512];
        snprintf(path, sizeof path, CORPUS "%s", rel);
        char *data = NULL;
        size_t n;
        if (read_file_bounded(AT_FDCWD, path, 1 << 20, &data, &n) < 0) return NULL;
        return data;
}

static char *show(Unit *u) { return show_all(u); }

/* cups.path: PathExists=, Unit= defaults to cups.service; defaults of systemd.path(5). */
static void test_corpus_cups(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("cups-daemon/lib/systemd/system/cups.path");
        if (!text) skip();
        Unit *u = load_ok("cups.path", text);
        PathConfig *c = u->path;
        assert_int_equal(c->n_specs, 1);
        assert_int_equal(c->specs[0].type, PATH_EXISTS);
        assert_string_equal(c->specs[0].path, "/var/cache/cups/org.cups.cupsd");
        assert_true(unit_has_dependency(u, UNIT_TRIGGERS, "cups.service"));
        _cleanup_free_ char *s = show_section(u, "Unit", "TriggerLimitBurst");
        assert_string_equal(s, "Unit=cups.service\n"
                               "Paths=/var/cache/cups/org.cups.cupsd (PathExists)\n"
                               "MakeDirectory=no\nDirectoryMode=0755\nResult=success\n"
                               "TriggerLimitIntervalUSec=2s\nTriggerLimitBurst=200\n");
        unit_free(u);
}

/* acpid.path: DirectoryNotEmpty=/etc/acpi/events/ is normalised (trailing slash dropped). */
static void test_corpus_acpid(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("acpid/lib/systemd/system/acpid.path");
        if (!text) skip();
        Unit *u = load_ok("acpid.path", text);
        assert_int_equal(u->path->n_specs, 1);
        assert_int_equal(u->path->specs[0].type, PATH_DIRECTORY_NOT_EMPTY);
        assert_string_equal(u->path->specs[0].path, "/etc/acpi/events");
        unit_free(u);
}

/* Every kind, in file order, shown last first; an empty assignment drops earlier paths of all
 * kinds; relative and ".." paths are refused with systemd's path_simplify_and_warn() words. */
static void test_specs(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("p1.path", "[Path]\nPathExists=relative\nPathExists=/a/../b\nPathExists=/a//b/\n"
                                     "PathExistsGlob=/x/*\nPathChanged=\nPathModified=/m\nDirectoryNotEmpty=/d\n"
                                     "PathChanged=/etc/%n\nPathExistsGlob=/g/*.conf\n");
        const char *log = log_captured();
        assert_non_null(strstr(log, "p1.path:2: PathExists= path is not absolute, ignoring: relative\n"));
        assert_non_null(strstr(log, "p1.path:3: PathExists= path is not normalized, ignoring: /a/../b\n"));
        PathConfig *c = u->path;
        assert_int_equal(c->n_specs, 4);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "Unit=p1.service\n"
                                  "Paths=/g/*.conf (PathExistsGlob)\n"
                                  "Paths=/etc/p1.path (PathChanged)\n"
                                  "Paths=/d (DirectoryNotEmpty)\n"
                                  "Paths=/m (PathModified)\n"
                                  "MakeDirectory=no\n"));
        log_capture_stop();
        unit_free(u);
}

/* Unit=, MakeDirectory=, DirectoryMode=, TriggerLimit*=; warnings for invalid values. */
static void test_scalars(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("q.path", "[Path]\nPathExists=/x\nUnit=a.service\nUnit=b.service\nMakeDirectory=yes\n"
                                    "DirectoryMode=0700\nDirectoryMode=x\nTriggerLimitIntervalSec=5s\nTriggerLimitBurst=7\n");
        PathConfig *c = u->path;
        assert_string_equal(c->unit, "a.service");
        assert_non_null(strstr(log_captured(), "q.path:4: Multiple units to trigger specified, ignoring: b.service\n"));
        assert_non_null(strstr(log_captured(), "q.path:7: "));
        assert_true(c->make_directory);
        assert_int_equal(c->directory_mode, 0700);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nMakeDirectory=yes\nDirectoryMode=0700\nResult=success\n"
                                  "TriggerLimitIntervalUSec=5s\nTriggerLimitBurst=7\n"));
        log_capture_stop();
        unit_free(u);
}

/* path_verify(): "Path unit lacks path setting. Refusing." */
static void test_verify(void **state) {
        (void)state;
        log_capture_start();
        int r;
        Unit *u = load("nopath.path", "[Path]\nMakeDirectory=yes\n", &r);
        assert_int_equal(r, -ENOEXEC);
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_non_null(strstr(log_captured(), "nopath.path: Path unit lacks path setting. Refusing.\n"));
        unit_free(u);
        u = load("reset.path", "[Path]\nPathExists=/a\nDirectoryNotEmpty=\n", &r);
        assert_int_equal(r, -ENOEXEC);
        unit_free(u);
        log_capture_stop();
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus_cups),
                cmocka_unit_test(test_corpus_acpid),
                cmocka_unit_test(test_specs),
                cmocka_unit_test(test_scalars),
                cmocka_unit_test(test_verify),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
