/* SPDX-License-Identifier: MIT */
/* One binary, several names: dispatch on the name we were called by. */
#include <stdio.h>
#include "base/util.h"
#include "cli/cli.h"

int main(int argc, char **argv) {
        const char *name = argc > 0 && argv[0] ? argv[0] : "tinysd";
        const char *slash = strrchr(name, '/');
        if (slash) name = slash + 1;
        if (streq(name, "systemctl")) return systemctl_main(argc, argv);
        if (streq(name, "journalctl")) return journalctl_main(argc, argv);
        return tinysd_main(argc, argv);
}
