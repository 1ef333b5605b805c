/* SPDX-License-Identifier: MIT */
/* `tinysd VERB ...`: the manager itself (a later issue) and offline tools. */
#include <stdio.h>
#include "base/util.h"
#include "cli/cli.h"
#include "core/sysv-generator.h"

#define TINYSD_VERSION "0.1"

static void help(FILE *f) {
        fputs("tinysd " TINYSD_VERSION " — a systemd-compatible service manager for containers\n\n"
              "Usage:\n"
              "  tinysd [--unit=NAME] [--quiet] [--clean-environment] [--shutdown-timeout=SEC] [--log-level=LEVEL]\n"
              "         [--exit-on-failure[=BOOL]] [--wait-for-boot] [--subreaper] [--] [CMD [ARGS...]]\n"
              "                                              run as the service manager (PID 1); CMD: the\n"
              "                                              container's main program (see tinysd(8))\n"
              "  tinysd verify [--root=DIR] [FILE|NAME...]   check unit files, exit 1 if any fails to load\n"
              "  tinysd dump [--root=DIR] [-p PROP,...] [--all] NAME...\n"
              "                                              print a unit's properties as `systemctl show`\n"
              "  tinysd tmpfiles [--create] [--remove] [--clean] [--boot] [--root=DIR] [CONFIG...]   apply tmpfiles.d(5)\n"
              "  tinysd calendar [--iterations=N] [--base-time=TIMESTAMP] EXPR...  as `systemd-analyze calendar`\n"
              "  tinysd sysv-generator NORMAL EARLY LATE      systemd-sysv-generator: init scripts as units in LATE\n"
              "  tinysd --version | --help\n"
              "\nAlso callable as systemctl and journalctl.\n",
              f);
}

/* As a generator is called: three output directories; the units go to the last (the late one). */
static int verb_sysv_generator(int argc, char **argv) {
        if (argc != 4) {
                fprintf(stderr, "This program takes three arguments.\n");
                return 1;
        }
        return sysv_generator_run(argv[3]) < 0 ? 1 : 0;
}

int tinysd_main(int argc, char **argv) {
        const char *verb = argc >= 2 ? argv[1] : NULL;
        if (verb && (streq(verb, "--help") || streq(verb, "-h") || (streq(verb, "help") && getpid() != 1))) {
                help(stdout);
                return 0;
        }
        if (verb && streq(verb, "--version")) {
                puts("tinysd " TINYSD_VERSION);
                return 0;
        }
        /* No verb: be the manager (it refuses unless PID 1 or --subreaper). As PID 1 every word is
         * the manager's: a word that is no option starts the main program (`docker run IMAGE CMD`). */
        if (!verb || verb[0] == '-' || startswith(verb, "systemd.") || getpid() == 1)
                return manager_main(argc, argv);
        if (streq(verb, "verify")) return verb_verify(argc - 1, argv + 1);
        if (streq(verb, "dump")) return verb_dump(argc - 1, argv + 1);
        if (streq(verb, "tmpfiles")) return verb_tmpfiles(argc - 1, argv + 1);
        if (streq(verb, "calendar")) return verb_calendar(argc - 1, argv + 1);
        if (streq(verb, "journal-import")) return verb_journal_import(argc - 1, argv + 1);
        if (streq(verb, "sysv-generator")) return verb_sysv_generator(argc - 1, argv + 1);
        if (streq(verb, "systemctl-offline")) return systemctl_offline_main(argc - 1, argv + 1);
        fprintf(stderr, "Unknown command verb '%s'.\n", verb);
        return 1;
}
