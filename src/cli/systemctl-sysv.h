/* SPDX-License-Identifier: MIT */
#pragma once
/* systemctl 252's SysV compatibility for enable, disable and is-enabled: a NAME.service with an
 * /etc/init.d/NAME script is handed to systemd-sysv-install (update-rc.d on Debian): its state is
 * the script's rc links. Names without a native unit file (generated units do not count) are then
 * done and removed from the list; with a native unit, enable/disable do both and is-enabled asks
 * PID 1 only. An image without systemd has no /lib/systemd/systemd-sysv-install: tinysd then does
 * what Debian's does, itself (rc[S5].d links for is-enabled, update-rc.d for the others). */
#include <stdbool.h>

typedef enum SysvEnableState {
        SYSV_UNIT_NOT_FOUND,
        SYSV_UNIT_DISABLED,
        SYSV_UNIT_ENABLED,
} SysvEnableState;

/* NAMES: mangled unit names, edited in place. Returns the SysvEnableState for is-enabled, 0 for
 * the other verbs, negative when a script's enable/disable failed (the tool said why). */
int ctl_sysv_units(const char *verb, char **names, bool quiet);
