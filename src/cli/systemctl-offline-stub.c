/* SPDX-License-Identifier: MIT */
/* TEMPORARY — delete this file when the branch providing src/cli/systemctl-offline.c (the real
 * systemctl_offline_main()) is merged: both define the same symbol, so the link fails until this
 * stub is removed. Offline (filesystem-only) unit file operations are not available before that. */
#include <stdio.h>
#include "cli/systemctl.h"

int systemctl_offline_main(int argc, char **argv) {
        (void) argc; (void) argv;
        fputs("Offline operation (--root=, SYSTEMD_OFFLINE=1, or no /run/systemd/system) is not available "
              "in this build of tinysd's systemctl.\n", stderr);
        return 1;
}
