/* SPDX-License-Identifier: MIT */
/* `tinysd [OPTIONS]`: the manager, as PID 1 or as a child subreaper. Options follow systemd's
 * command line where one exists (--unit=, systemd.unit=, --show-status=, systemd.log_level=);
 * the rest are tinysd's own (--clean-environment, --shutdown-timeout=, --quiet). */
#include <stdio.h>
#include "base/log.h"
#include "base/parse.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "core/console.h"
#include "core/container.h"
#include "core/generator.h"
#include "core/manager.h"
#include "core/system.h"

extern char **environ;

static int parse_level(const char *s) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        for (int i = 0; i < 8; i++)
                if (streq(s, names[i])) return i;
        char *end;
        long v = strtol(s, &end, 10);
        return *s && !*end && v >= 0 && v <= 7 ? (int)v : -1;
}

static int parse_bool_arg(const char *v) {
        if (streq(v, "yes") || streq(v, "1") || streq(v, "true") || streq(v, "on") || streq(v, "auto")) return 1;
        if (streq(v, "no") || streq(v, "0") || streq(v, "false") || streq(v, "off")) return 0;
        return -1;
}

int manager_main(int argc, char **argv) {
        ManagerSettings set = {
                .show_status = true,
                .shutdown_timeout = 9 * USEC_PER_SEC,   /* inside Docker's default 10 s grace */
        };
        int level = LOG_NOTICE;
        const char *v;
        if (getenv("TINYSD_DEBUG")) level = LOG_DEBUG;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (arg_value(argc, argv, &i, "--unit", NULL, &v) || (v = startswith(a, "systemd.unit="))) set.default_unit = v;
                else if (streq(a, "--quiet") || streq(a, "quiet") || streq(a, "-q")) set.show_status = false;
                else if (arg_value(argc, argv, &i, "--show-status", NULL, &v) || (v = startswith(a, "systemd.show_status="))) {
                        int b = parse_bool_arg(v);
                        if (b < 0) { fprintf(stderr, "tinysd: Failed to parse show status setting '%s'.\n", v); return 1; }
                        set.show_status = b;
                } else if (arg_value(argc, argv, &i, "--log-level", NULL, &v) || (v = startswith(a, "systemd.log_level="))) {
                        if ((level = parse_level(v)) < 0) { fprintf(stderr, "tinysd: Failed to parse log level '%s'.\n", v); return 1; }
                } else if (streq(a, "--clean-environment")) set.clean_environment = true;
                else if (arg_value(argc, argv, &i, "--shutdown-timeout", NULL, &v)) {
                        if (parse_sec(v, &set.shutdown_timeout) < 0) { fprintf(stderr, "tinysd: Failed to parse --shutdown-timeout '%s'.\n", v); return 1; }
                } else if (streq(a, "--system") || streq(a, "--no-pager") || startswith(a, "systemd.") || !strchr(a, '-'))
                        continue;   /* systemd's own or kernel-command-line words: accepted, as systemd does */
                else {
                        fprintf(stderr, "tinysd: unknown option '%s'. See 'tinysd --help'.\n", a);
                        return 1;
                }
        }
        /* generators write units the loader (in manager_new) must see; on daemon-reload they are
         * not rerun yet */
        int r = generators_run(generator_search_path, generator_output_dirs, environ, 90 * USEC_PER_SEC);
        if (r < 0) fprintf(stderr, "tinysd: Failed to run generators: %s\n", strerror(-r));
        Manager *m = NULL;
        r = manager_new(&set, &m);
        if (r < 0) {
                fprintf(stderr, "tinysd: Failed to allocate manager: %s\n", strerror(-r));
                return 1;
        }
        console_init(m->event, set.show_status, level);
        (void)container_setup(m, environ);
        if ((r = manager_build_environment(m, environ)) < 0) {
                log_error("Failed to build the service environment: %s", strerror(-r));
                console_done();
                manager_free(m);
                return 1;
        }
        r = manager_boot(m);
        int code = r < 0 ? 1 : manager_run(m);
        console_done();
        manager_free(m);
        return code;
}
