/* SPDX-License-Identifier: MIT */
/* One binary, several names: dispatch on the name we were called by.
 *
 * Images link systemd-sysv's names to systemctl (halt, poweroff, reboot, runlevel, shutdown,
 * telinit): where tinysd is that systemctl, those names must never start a second service
 * manager. Only `tinysd`, `init`, `systemd` (an entrypoint's usual names) or PID 1 run the
 * manager. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/util.h"
#include "cli/cli.h"

/* halt/poweroff/reboot [OPTIONS]: `systemctl VERB [OPTIONS]` */
static int as_systemctl_verb(const char *verb, int argc, char **argv) {
        char **args = calloc((size_t)argc + 2, sizeof *args);
        if (!args) return 1;
        args[0] = (char *)"systemctl";
        args[1] = (char *)verb;
        for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
        int r = systemctl_main(argc + 1, args);
        free(args);
        return r;
}

int main(int argc, char **argv) {
        const char *name = argc > 0 && argv[0] ? argv[0] : "tinysd";
        const char *slash = strrchr(name, '/');
        if (slash) name = slash + 1;
        if (getpid() == 1 || startswith(name, "tinysd") || streq(name, "init") || streq(name, "systemd"))
                return tinysd_main(argc, argv);
        if (streq(name, "systemctl")) return systemctl_main(argc, argv);
        if (streq(name, "journalctl")) return journalctl_main(argc, argv);
        if (streq(name, "systemd-run")) return systemd_run_main(argc, argv);
        if (streq(name, "halt") || streq(name, "poweroff") || streq(name, "reboot"))
                return as_systemctl_verb(name, argc, argv);
        if (streq(name, "runlevel")) {
                /* no utmp in a container: what systemd's runlevel says without one; callers
                 * such as invoke-rc.d then ask `systemctl is-active sysinit.target` */
                puts("unknown");
                return 1;
        }
        fprintf(stderr, "%s: not supported by tinysd; use systemctl.\n", name);
        return 1;
}
