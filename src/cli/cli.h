/* SPDX-License-Identifier: MIT */
#pragma once
/* Multi-call front ends. Each verb's entry point takes argc/argv with argv[0] the verb and
 * returns the process exit code. */
int verb_verify(int argc, char **argv);
int verb_dump(int argc, char **argv);
int verb_tmpfiles(int argc, char **argv);
int verb_calendar(int argc, char **argv);
int verb_journal_import(int argc, char **argv);
int systemctl_main(int argc, char **argv);
/* systemctl's unit-file verbs without a manager (--root=, $SYSTEMD_OFFLINE=1); argv[0] is ignored. */
int systemctl_offline_main(int argc, char **argv);
int journalctl_main(int argc, char **argv);
int systemd_run_main(int argc, char **argv);
int tinysd_main(int argc, char **argv);
int manager_main(int argc, char **argv);

/* `tinysd dump`'s printing of one loaded unit (dump.c): its properties as PID 1 would serve them
 * before it ever ran (the D-Bus API table's GetAll), printed by systemctl show's formatter. */
#include <stdio.h>
#include "cli/systemctl-print.h"
#include "unit/load.h"
int dump_unit(Loader *l, Unit *u, char *const *props, CtlPrintFlags flags, FILE *f);
