/* SPDX-License-Identifier: MIT */
/* What belongs to systemd's own daemons (unit/systemd-own.h): decided by what a unit runs or
 * binds, never by its name. Over ../shared/corpus (74 Debian packages) and the host's units only
 * units of the systemd and udev packages are skipped; TINYSD_PRINT_SKIPPED=1 prints the list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "base/log.h"
#include "base/util.h"
#include "unit/load.h"
#include "unit/systemd-own.h"

#define CORPUS "/work/shared/corpus/debian-bookworm"

static Unit *load(const char *name, const char *text) {
        Unit *u = unit_new(name);
        assert_non_null(u);
        assert_int_equal(unit_load_from_buffer(u, name, text, strlen(text)), 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static SystemdOwn own(const char *name, const char *text, const char **what) {
        Unit *u = load(name, text);
        SystemdOwn k = unit_systemd_own(u, NULL, NULL, what);
        if (what && *what) *what = strdup(*what);
        unit_free(u);
        return k;
}

static void test_services_by_what_they_run(void **state) {
        (void)state;
        const char *w = NULL;
        assert_int_equal(own("foo.service", "[Service]\nExecStart=/lib/systemd/systemd-journald\n", &w), SYSTEMD_OWN_DAEMON);
        assert_string_equal(w, "/lib/systemd/systemd-journald");
        free((char *)w);
        assert_int_equal(own("a.service", "[Service]\nExecStart=!!/usr/lib/systemd/systemd-networkd\n", NULL), SYSTEMD_OWN_DAEMON);
        assert_int_equal(own("getty@tty1.service", "[Service]\nExecStart=-/sbin/agetty -o '-p -- \\\\u' - $TERM\n", NULL),
                         SYSTEMD_OWN_DAEMON);
        assert_int_equal(own("f.service", "[Service]\nType=oneshot\nExecStart=journalctl --flush\n", NULL), SYSTEMD_OWN_DAEMON);
        assert_int_equal(own("d.service", "[Service]\nExecStart=systemd-tmpfiles --prefix=/dev --create --boot\n", NULL),
                         SYSTEMD_OWN_DAEMON);
        /* a vendor's name never decides */
        assert_int_equal(own("systemd-journald-exporter.service", "[Service]\nExecStart=/usr/bin/exporter\n", NULL),
                         SYSTEMD_OWN_NO);
        assert_int_equal(own("getty@x.service", "[Service]\nExecStart=/usr/local/bin/agetty\n", NULL), SYSTEMD_OWN_NO);
        /* systemd's, but useful: not skipped */
        assert_int_equal(own("systemd-user-sessions.service", "[Service]\nExecStart=/lib/systemd/systemd-user-sessions start\n",
                             NULL), SYSTEMD_OWN_NO);
        assert_int_equal(own("systemd-tmpfiles-setup.service", "[Service]\nExecStart=systemd-tmpfiles --create --boot\n", NULL),
                         SYSTEMD_OWN_NO);
        assert_int_equal(own("cat.service", "[Service]\nExecStart=/bin/journalctl --update-catalog\n", NULL), SYSTEMD_OWN_NO);
        /* a different daemon in systemd's directory, or systemd's name elsewhere */
        assert_int_equal(own("x.service", "[Service]\nExecStart=/lib/systemd/systemd-journald-exporter\n", NULL), SYSTEMD_OWN_NO);
        assert_int_equal(own("y.service", "[Service]\nExecStart=/opt/lib/systemd/systemd-journald\n", NULL), SYSTEMD_OWN_NO);
}

static const char *journald =
        "[Service]\nExecStart=/lib/systemd/systemd-journald\n";
static const Unit *fake_lookup(const char *name, void *userdata) {
        Unit **units = userdata;
        for (; *units; units++)
                if (streq((*units)->id, name)) return *units;
        return NULL;
}

static void test_activators_and_pid1_sockets(void **state) {
        (void)state;
        Unit *svc = load("systemd-journald.service", journald);
        Unit *mine = load("mine.service", "[Service]\nExecStart=/usr/bin/mine\n");
        Unit *units[] = { svc, mine, NULL };
        const char *w = NULL;
        Unit *s = load("systemd-journald-audit.socket",
                       "[Socket]\nService=systemd-journald.service\nListenNetlink=audit 1\n");
        assert_int_equal(unit_systemd_own(s, fake_lookup, units, &w), SYSTEMD_OWN_ACTIVATOR);
        assert_string_equal(w, "systemd-journald.service");
        unit_free(s);
        /* the same-name service */
        s = load("mine.socket", "[Socket]\nListenStream=/run/mine.sock\n");
        assert_int_equal(unit_systemd_own(s, fake_lookup, units, NULL), SYSTEMD_OWN_NO);
        unit_free(s);
        /* PID 1's own paths, however written; syslog.socket's path is not one of them */
        static const char *const grab[] = { "ListenDatagram=/dev/log\n", "ListenStream=/run/systemd/journal/stdout\n",
                                            "ListenDatagram=/var/run/systemd/journal//socket\n",
                                            "ListenDatagram=/run/./systemd/notify\n",
                                            "ListenStream=/run/systemd/private\n",
                                            "ListenDatagram=/run/x\nSymlinks=/dev/log\n" };
        for (size_t i = 0; i < ELEMENTSOF(grab); i++) {
                char text[256];
                snprintf(text, sizeof text, "[Socket]\nService=mine.service\n%s", grab[i]);
                s = load("grab.socket", text);
                assert_int_equal(unit_systemd_own(s, fake_lookup, units, NULL), SYSTEMD_OWN_PID1_SOCKET);
                unit_free(s);
        }
        s = load("syslog.socket", "[Socket]\nListenDatagram=/run/systemd/journal/syslog\n");
        assert_int_equal(unit_systemd_own(s, fake_lookup, units, NULL), SYSTEMD_OWN_NO);
        unit_free(s);
        s = load("j.socket", "[Socket]\nListenDatagram=/run/systemd/journal/socket2\n");
        assert_int_equal(unit_systemd_own(s, fake_lookup, units, NULL), SYSTEMD_OWN_NO);
        unit_free(s);
        /* a timer and a path of a skipped service */
        s = load("t.timer", "[Timer]\nOnCalendar=daily\nUnit=systemd-journald.service\n");
        assert_int_equal(unit_systemd_own(s, fake_lookup, units, NULL), SYSTEMD_OWN_ACTIVATOR);
        unit_free(s);
        s = load("mine.path", "[Path]\nPathExists=/run/x\n");
        assert_int_equal(unit_systemd_own(s, fake_lookup, units, NULL), SYSTEMD_OWN_NO);
        unit_free(s);
        unit_free(svc);
        unit_free(mine);
}

static const Unit *loader_lookup(const char *name, void *userdata) {
        Unit *u = NULL;
        if (loader_load(userdata, name, &u) < 0 || !u || u->load_state != UNIT_LOADED) return NULL;
        return u;
}

/* The units of root that the rule skips, as "PREFIX/unit" lines appended to *out. */
static size_t skipped_under(const char *root, const char *prefix, char **out, size_t *len) {
        Loader l;
        assert_int_equal(loader_init(&l, root), 0);
        l.quiet_missing = true;
        (void)loader_load_all(&l);
        /* templates are loaded as instances */
        static const char *const instances[] = { "getty@tty1.service", "serial-getty@ttyS0.service",
                                                 "container-getty@1.service", "user@1000.service",
                                                 "user-runtime-dir@1000.service", "systemd-fsck@dev-sda1.service",
                                                 "systemd-journald@x.service", "systemd-journald@x.socket",
                                                 "systemd-backlight@backlight:x.service", "modprobe@drm.service" };
        for (size_t i = 0; i < ELEMENTSOF(instances); i++) {
                Unit *u;
                (void)loader_load(&l, instances[i], &u);
        }
        size_t n = 0, n_list = l.n_list;
        for (size_t i = 0; i < n_list; i++) {
                Unit *u = l.list[i];
                if (u->load_state != UNIT_LOADED) continue;
                const char *what = NULL;
                if (unit_systemd_own(u, loader_lookup, &l, &what) == SYSTEMD_OWN_NO) continue;
                char line[512];
                int k = snprintf(line, sizeof line, "%s/%s (%s)\n", prefix, u->id, what);
                *out = realloc(*out, *len + (size_t)k + 1);
                assert_non_null(*out);
                memcpy(*out + *len, line, (size_t)k + 1);
                *len += (size_t)k;
                n++;
        }
        loader_done(&l);
        return n;
}

static void test_corpus_skips_only_systemds_packages(void **state) {
        (void)state;
        DIR *d = opendir(CORPUS);
        if (!d) skip();
        log_set_max_level(LOG_CRIT);   /* the corpus's own warnings are test-corpus's business */
        char *out = NULL;
        size_t len = 0, total = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.') continue;
                char root[512];
                snprintf(root, sizeof root, "%s/%s", CORPUS, de->d_name);
                size_t before = len;
                size_t n = skipped_under(root, de->d_name, &out, &len);
                total += n;
                /* only units of systemd's own packages */
                if (n && !streq(de->d_name, "systemd") && !streq(de->d_name, "udev")) {
                        fprintf(stderr, "vendor units skipped:\n%s", out + before);
                        fail();
                }
        }
        closedir(d);
        if (getenv("TINYSD_PRINT_SKIPPED")) printf("corpus: %zu skipped\n%s", total, strempty(out));
        assert_true(total > 20);
        free(out);
}

/* The host's units (systemd 252 is installed): every skipped one is systemd's. */
static void test_host_units(void **state) {
        (void)state;
        struct stat st;
        if (stat("/usr/lib/systemd/system/systemd-journald.service", &st) < 0) skip();
        log_set_max_level(LOG_CRIT);
        char *out = NULL;
        size_t len = 0;
        size_t n = skipped_under("/", "host", &out, &len);
        if (getenv("TINYSD_PRINT_SKIPPED")) printf("host: %zu skipped\n%s", n, strempty(out));
        for (char *line = out; line && *line;) {
                char *nl = strchr(line, '\n');
                *nl = 0;
                const char *name = line + strlen("host/");
                bool systemds = startswith(name, "systemd-") || startswith(name, "getty@") || startswith(name, "serial-getty@") ||
                                startswith(name, "console-getty") || startswith(name, "container-getty@") ||
                                startswith(name, "user@") || startswith(name, "user-runtime-dir@") ||
                                startswith(name, "kmod-static-nodes") || startswith(name, "initrd-udevadm-");
                if (!systemds) fprintf(stderr, "not systemd's: %s\n", line);
                assert_true(systemds);
                line = nl + 1;
        }
        assert_true(n > 10);
        free(out);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_services_by_what_they_run),
                cmocka_unit_test(test_activators_and_pid1_sockets),
                cmocka_unit_test(test_corpus_skips_only_systemds_packages),
                cmocka_unit_test(test_host_units),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
