/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd-sysv-generator 252, built in: SysV init scripts with their LSB headers become service
 * units, for images that ship tinysd but not systemd (generator.c runs it in process when the
 * image has no systemd-sysv-generator of its own).
 *
 * For every executable file in the init script directories ($SYSTEMD_SYSVINIT_PATH, default
 * /etc/init.d) whose name has no unit file in the search path (generator directories excluded):
 * NAME.service with SourcePath=, Description= ("LSB: " Short-Description, else Description, or a
 * chkconfig "description:"), Before=/After=/Wants= from Provides: targets, Required-Start:,
 * Should-Start:, X-Start-Before:, X-Start-After: (LSB facilities mapped as 252 maps them),
 * Type=forking with PIDFile= from a chkconfig "pidfile:" hint (else RemainAfterExit=yes),
 * ExecStart/ExecStop=SCRIPT start|stop, ExecReload= when the usage line offers reload. Provides:
 * names become alias links; S links in rc1.d..rc5.d ($SYSTEMD_SYSVRCND_PATH, default /etc) make
 * the unit wanted by rescue/multi-user/graphical.target; start priorities order scripts without
 * LSB headers. The output is 252's, byte for byte (tests/integration/test_sysv_generator.py),
 * except that scripts are taken in name order where 252's order is its hash map's. */

/* Writes the units into DEST (the late generator directory). Returns the number of units written
 * or a negative errno (only when nothing could be done at all). */
int sysv_generator_run(const char *dest);
