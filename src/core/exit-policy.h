/* SPDX-License-Identifier: MIT */
#pragma once
/* The container's exit policy (--exit-on-failure, $TINYSD_EXIT_ON_FAILURE): when a unit fails for
 * good (no automatic restart left), either keep running, as systemd does (the default), or stop the
 * container in order with an exit status that names the failure, so that `docker run
 * --restart=on-failure` and Kubernetes' restartPolicy restart it without per-unit
 * FailureAction=exit drop-ins. A unit's own FailureAction= goes first.
 *
 * The exit statuses (README "Running it" lists them too):
 *   1-255    a service's main process exited with that status (200-243: systemd's codes for a
 *            process that could not be started, e.g. 203 EXEC); 1 when another command of the
 *            unit (ExecStartPre=, ...) failed
 *   128+N    its main process was killed by signal N (a shell's and Docker's convention)
 *   193      resources: the unit could not be set up (spawn, directories, a socket's bind)
 *   194      timeout: a start, stop or control command timed out
 *   195      watchdog
 *   196      start-limit-hit (also a socket's trigger-limit-hit or service-start-limit-hit)
 *   197      protocol: the service broke its Type='s protocol (PIDFile=, sd_notify)
 *   198      any other failure (a socket's control command, a timer or path unit) */
#include <stdbool.h>

typedef struct MUnit MUnit;

enum {
        EXIT_POLICY_RESOURCES = 193,
        EXIT_POLICY_TIMEOUT = 194,
        EXIT_POLICY_WATCHDOG = 195,
        EXIT_POLICY_START_LIMIT = 196,
        EXIT_POLICY_PROTOCOL = 197,
        EXIT_POLICY_OTHER = 198,
};

/* The value of --exit-on-failure=/$TINYSD_EXIT_ON_FAILURE: 1 yes, 0 no, -EINVAL otherwise. */
int exit_policy_parse(const char *s);
/* Hook: u has entered the failed state for good. The exit status that names its failure (the
 * table above) comes from its type (UnitVTable.failure_result). */
void exit_policy_unit_failed(MUnit *u);
