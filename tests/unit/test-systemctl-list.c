/* SPDX-License-Identifier: MIT */
/* list-units / list-unit-files / list-dependencies formatting and the table layout, as systemctl
 * 252 prints them into a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "base/util.h"
#include "cli/systemctl-list.h"
#include "cli/systemctl-table.h"

typedef struct Capture { char *buf; size_t n; FILE *f; } Capture;
static FILE *cap_open(Capture *c) { c->f = open_memstream(&c->buf, &c->n); assert_non_null(c->f); return c->f; }
static char *cap_close(Capture *c) { fclose(c->f); return c->buf; }

static void test_table(void **state) {
        (void) state;
        static const char *const h[] = { "", "unit", "job", "description" };
        CtlTable t;
        Capture c;
        assert_int_equal(ctl_table_new(&t, 4, h), 0);
        ctl_table_add(&t, " "); ctl_table_add(&t, "a.service"); ctl_table_add(&t, ""); ctl_table_add(&t, "First");
        ctl_table_add(&t, "\u25cf"); ctl_table_add(&t, "bb.service"); ctl_table_add(&t, NULL); ctl_table_add(&t, "");
        assert_int_equal(ctl_table_rows(&t), 2);
        ctl_table_print(&t, cap_open(&c));
        _cleanup_free_ char *out = cap_close(&c);
        assert_string_equal(out,
                "  UNIT       JOB DESCRIPTION\n"
                "  a.service      First\n"
                "\u25cf bb.service -   \n");
        ctl_table_hide(&t, 2);
        t.header = false;
        ctl_table_print(&t, cap_open(&c));
        _cleanup_free_ char *out2 = cap_close(&c);
        assert_string_equal(out2, "  a.service  First\n\u25cf bb.service \n");
        ctl_table_done(&t);
        assert_int_equal(ctl_utf8_width("\u25cf x"), 3);
}

static CtlUnitInfo unit(const char *id, const char *load, const char *active, const char *sub, const char *desc) {
        return (CtlUnitInfo) { .id = id, .load_state = load, .active_state = active, .sub_state = sub,
                               .description = desc, .following = "", .job_type = "", .unit_path = "/" };
}

static void test_list_units(void **state) {
        (void) state;
        CtlUnitInfo u[] = {
                unit("ctl-simple.service", "loaded", "active", "running", "ctl test simple service"),
                unit("-.mount", "loaded", "active", "mounted", "Root Mount"),
                unit("ctl-fail.service", "loaded", "failed", "failed", "ctl test failing service"),
                unit("gone.service", "not-found", "inactive", "dead", "gone.service"),
                unit("B.target", "loaded", "active", "active", "B"),
        };
        CtlListOptions o = { .legend = true, .utf8 = true };
        CtlUnitInfo shown[5];
        size_t k = 0;
        Capture c;

        for (size_t i = 0; i < 5; i++)
                if (ctl_list_show_unit(&u[i], &o))
                        shown[k++] = u[i];
        assert_int_equal(k, 4);   /* the inactive one only with --all */
        ctl_sort_units(shown, k);
        ctl_print_units(cap_open(&c), shown, k, &o);
        _cleanup_free_ char *out = cap_close(&c);
        assert_string_equal(out,
                "  UNIT               LOAD   ACTIVE SUB     DESCRIPTION\n"
                "  -.mount            loaded active mounted Root Mount\n"
                "\u25cf ctl-fail.service   loaded failed failed  ctl test failing service\n"
                "  ctl-simple.service loaded active running ctl test simple service\n"
                "  B.target           loaded active active  B\n"
                "\n"
                "LOAD   = Reflects whether the unit definition was properly loaded.\n"
                "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
                "SUB    = The low-level unit activation state, values depend on unit type.\n"
                "4 loaded units listed. Pass --all to see loaded but inactive units, too.\n"
                "To show all installed unit files use 'systemctl list-unit-files'.\n");

        /* --plain --no-legend --all, a job pending, a state filter */
        char *states[] = { (char *) "failed", NULL };
        u[2].job_id = 7;
        u[2].job_type = "restart";
        CtlListOptions p = { .plain = true, .all = true, .states = states };
        ctl_print_units(cap_open(&c), &u[2], 2, &p);
        _cleanup_free_ char *out2 = cap_close(&c);
        assert_string_equal(out2,
                "ctl-fail.service loaded    failed   failed restart ctl test failing service\n"
                "gone.service     not-found inactive dead           gone.service\n");
        CtlListOptions q = { .legend = true, .states = states };
        ctl_print_units(cap_open(&c), NULL, 0, &q);
        _cleanup_free_ char *out3 = cap_close(&c);
        assert_string_equal(out3, "  UNIT LOAD ACTIVE SUB DESCRIPTION\n0 loaded units listed.\n");

        char *types[] = { (char *) "mount", NULL }, *patterns[] = { (char *) "ctl-*", NULL };
        CtlListOptions t = { .types = types };
        assert_true(ctl_list_show_unit(&u[1], &t));
        assert_false(ctl_list_show_unit(&u[0], &t));
        CtlListOptions pt = { .patterns = patterns };
        assert_true(ctl_list_show_unit(&u[0], &pt));
        assert_false(ctl_list_show_unit(&u[1], &pt));
}

static void test_unit_files(void **state) {
        (void) state;
        CtlUnitFile u[] = {
                { "/etc/systemd/system/ctl-sock.socket", "enabled", "enabled" },
                { "/lib/systemd/system/a.service", "static", NULL },
                { "/etc/systemd/system/ctl-simple.service", "disabled", "enabled" },
        };
        Capture c;
        ctl_sort_unit_files(u, 3);
        ctl_print_unit_files(cap_open(&c), u, 3, true, 0, true, false);
        _cleanup_free_ char *out = cap_close(&c);
        assert_string_equal(out,
                "UNIT FILE          STATE    PRESET\n"
                "a.service          static   -\n"
                "ctl-simple.service disabled enabled\n"
                "ctl-sock.socket    enabled  enabled\n"
                "\n3 unit files listed.\n");
        assert_false(ctl_show_preset_for_state("static"));
        assert_false(ctl_show_preset_for_state("alias"));
        assert_true(ctl_show_preset_for_state("masked"));
}

static void write_file(const char *path, const char *text) {
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void test_presets(void **state) {
        (void) state;
        char root[] = "/tmp/test-systemctl-presetXXXXXX", p[256];
        assert_non_null(mkdtemp(root));
        snprintf(p, sizeof p, "%s/etc/systemd/system-preset/x", root);
        assert_int_equal(mkdir_parents(p, 0755), 0);
        snprintf(p, sizeof p, "%s/usr/lib/systemd/system-preset/x", root);
        assert_int_equal(mkdir_parents(p, 0755), 0);
        snprintf(p, sizeof p, "%s/usr/lib/systemd/system-preset/90-default.preset", root);
        write_file(p, "# defaults\nenable ctl-*.service\n\ndisable *\n");
        snprintf(p, sizeof p, "%s/usr/lib/systemd/system-preset/10-x.preset", root);
        write_file(p, "disable ctl-off.service\n");
        snprintf(p, sizeof p, "%s/etc/systemd/system-preset/10-x.preset", root);   /* hides /usr/lib's 10-x */
        write_file(p, "; nothing\n");
        assert_int_equal(ctl_preset_query(root, "ctl-simple.service"), 1);
        assert_int_equal(ctl_preset_query(root, "ctl-off.service"), 1);
        assert_int_equal(ctl_preset_query(root, "other.service"), 0);
        assert_int_equal(ctl_preset_query("/nonexistent-root", "x.service"), 1);
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
}

static void test_dependencies(void **state) {
        (void) state;
        char *l[] = { strdup("b.target"), strdup("z.service"), strdup("A.socket"), strdup("a.target"), NULL };
        Capture c;
        ctl_sort_dependencies(l);
        assert_string_equal(l[0], "A.socket");
        assert_string_equal(l[1], "z.service");
        assert_string_equal(l[2], "a.target");
        assert_string_equal(l[3], "b.target");
        for (size_t i = 0; l[i]; i++)
                free(l[i]);
        FILE *f = cap_open(&c);
        ctl_print_dependency_line(f, "x.service", 0, 0, false, false, false, true, 80);
        ctl_print_dependency_line(f, "y.service", 2, 2, true, false, false, false, 80);
        ctl_print_dependency_line(f, "plain.service", 3, 0, true, true, false, true, 80);
        ctl_print_dependency_line(f, "a-very-long-unit-name-that-does-not-fit.service", 1, 0, true, false, false, false, 40);
        _cleanup_free_ char *out = cap_close(&c);
        assert_string_equal(out,
                "\u251c\u2500x.service\n"
                "|   `-y.service\n"
                "plain.service\n"
                "  `-a-very-long-unit-name-that-does-n...\n");
}

static void test_fit(void **state) {
        (void) state;
        size_t req[] = { 1, 30, 6, 8, 7, 40 }, w[6];
        /* enough room: as requested */
        ctl_table_fit(req, 6, 0, w);
        assert_int_equal(w[5], 40);
        ctl_table_fit(req, 6, 200, w);
        assert_int_equal(w[1], 30);
        assert_int_equal(w[5], 40);
        /* 80 columns: 5 gaps + 6 minimum = 11, 69 to share; the narrow columns get what they ask */
        ctl_table_fit(req, 6, 80, w);
        size_t sum = 5;
        for (size_t i = 0; i < 6; i++)
                sum += w[i];
        assert_int_equal(sum, 80);
        assert_int_equal(w[0], 1);
        assert_int_equal(w[2], 6);
        assert_int_equal(w[3], 8);
        assert_int_equal(w[4], 7);
        assert_int_equal(w[1], 26);
        assert_int_equal(w[5], 27);

        static const char *const h[] = { "unit", "description" };
        CtlTable t;
        Capture c;
        assert_int_equal(ctl_table_new(&t, 2, h), 0);
        ctl_table_add(&t, "a-long-unit-name.service");
        ctl_table_add(&t, "A description that is long");
        t.width = 30;
        t.utf8 = false;
        ctl_table_print(&t, cap_open(&c));
        _cleanup_free_ char *out = cap_close(&c);
        assert_string_equal(out,
                "UNIT           DESCRIPTION\n"      /* 14 + 1 + 15 columns */
                "a-long-unit... A descriptio...\n");
        ctl_table_done(&t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_fit),
                cmocka_unit_test(test_list_units),
                cmocka_unit_test(test_unit_files),
                cmocka_unit_test(test_presets),
                cmocka_unit_test(test_dependencies),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
