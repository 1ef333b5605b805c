/* SPDX-License-Identifier: MIT */
/* The manager's Default*= settings as a unit takes them (unit-defaults.h). */
#include <stdlib.h>
#include "unit/unit-defaults.h"
#include "unit/unit.h"

void unit_defaults_init(UnitDefaults *d) {
        *d = (UnitDefaults){
                .timeout_start_usec = 90 * USEC_PER_SEC,
                .timeout_stop_usec = 90 * USEC_PER_SEC,
                .timeout_abort_usec = 90 * USEC_PER_SEC,
                .restart_usec = 100 * USEC_PER_MSEC,
                .start_limit_interval_usec = 10 * USEC_PER_SEC,
                .start_limit_burst = 5,
                .std_output = EXEC_OUTPUT_JOURNAL,
                .std_error = EXEC_OUTPUT_INHERIT,
        };
}

void unit_defaults_apply_new(Unit *u, const UnitDefaults *d) {
        u->unit.start_limit_interval_usec = d->start_limit_interval_usec;
        u->unit.start_limit_burst = d->start_limit_burst;
        ServiceConfig *s = u->service;
        if (s) {
                s->timeout_start_usec = d->timeout_start_usec;
                s->timeout_stop_usec = d->timeout_stop_usec;
                s->timeout_abort_usec = d->timeout_abort_usec;
                s->timeout_abort_set = d->timeout_abort_set;
                s->restart_usec = d->restart_usec;
        }
        if (u->socket) {   /* socket_init() of 252: before the file, which may set its own */
                u->socket->exec.std_output = d->std_output;
                u->socket->exec.std_error = d->std_error;
        }
}

int unit_defaults_patch(Unit *u, const UnitDefaults *d) {
        ExecContext *c = unit_exec_context(u);
        if (!c) return 0;
        for (size_t i = 0; i < UNIT_DEFAULTS_N_RLIMITS; i++) {
                if (!d->rlimit_set[i] || c->rlimit[i]) continue;
                if (!(c->rlimit[i] = malloc(sizeof *c->rlimit[i]))) return -ENOMEM;
                *c->rlimit[i] = d->rlimit[i];
        }
        if (!u->service) return 0;
        /* service_fix_stdio(): a terminal or socket on stdin keeps inheriting */
        if (c->std_input == EXEC_INPUT_TTY || c->std_input == EXEC_INPUT_TTY_FORCE ||
            c->std_input == EXEC_INPUT_TTY_FAIL || c->std_input == EXEC_INPUT_SOCKET || c->std_input == EXEC_INPUT_NAMED_FD)
                return 0;
        if (c->std_output == EXEC_OUTPUT_INHERIT) c->std_output = d->std_output;
        if (c->std_error == EXEC_OUTPUT_INHERIT) c->std_error = d->std_error;
        return 0;
}
