/* SPDX-License-Identifier: MIT */
#pragma once
/* What a unit has where its files set nothing: the manager's Default*= settings of system.conf(5)
 * (systemd 252's Manager.default_* fields). The loader holds one copy; a unit takes the timeouts,
 * the restart delay and the start limit when it is created (before its files are parsed, as 252's
 * unit_new()/service_init() do), and the standard output, standard error and resource limits it
 * did not set itself after (service_fix_stdio(), unit_patch_contexts()). */
#include <stdbool.h>
#include <sys/resource.h>
#include "base/parse.h"
#include "unit/exec-config.h"

#define UNIT_DEFAULTS_N_RLIMITS 16     /* RLIMIT_NLIMITS of Linux: CPU … RTTIME */

typedef struct UnitDefaults {
        usec_t timeout_start_usec, timeout_stop_usec;   /* DefaultTimeoutStartSec=/StopSec= */
        usec_t timeout_abort_usec;                      /* DefaultTimeoutAbortSec=, when set */
        bool timeout_abort_set;
        usec_t restart_usec;                            /* DefaultRestartSec= */
        usec_t start_limit_interval_usec;               /* DefaultStartLimitIntervalSec= */
        unsigned start_limit_burst;                     /* DefaultStartLimitBurst= */
        ExecOutput std_output, std_error;               /* DefaultStandardOutput=/Error= */
        struct rlimit rlimit[UNIT_DEFAULTS_N_RLIMITS];  /* DefaultLimit*=, where rlimit_set */
        bool rlimit_set[UNIT_DEFAULTS_N_RLIMITS];
} UnitDefaults;

struct Unit;

/* systemd 252's compiled-in defaults: 90 s, 90 s, abort unset, 100 ms, 10 s, 5, journal, inherit;
 * no resource limit (the manager adds its NOFILE and MEMLOCK fallbacks: system-conf.h). */
void unit_defaults_init(UnitDefaults *d);
/* Before a new unit's files are parsed. */
void unit_defaults_apply_new(struct Unit *u, const UnitDefaults *d);
/* After they were: limits and output the unit did not set (its ExecContext, if it has one). */
int unit_defaults_patch(struct Unit *u, const UnitDefaults *d);
