/* SPDX-License-Identifier: MIT */
/* Timer units: defaults and the checks systemd 252 makes when it loads one. */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "unit/unit.h"

static const char *const timer_base_table[_TIMER_BASE_MAX] = {
        [TIMER_ACTIVE] = "OnActiveSec", [TIMER_BOOT] = "OnBootSec", [TIMER_STARTUP] = "OnStartupSec",
        [TIMER_UNIT_ACTIVE] = "OnUnitActiveSec", [TIMER_UNIT_INACTIVE] = "OnUnitInactiveSec",
        [TIMER_CALENDAR] = "OnCalendar",
};
const char *timer_base_to_string(TimerBase b) {
        return (int)b >= 0 && b < _TIMER_BASE_MAX ? timer_base_table[b] : NULL;
}

const char *timer_base_to_usec_string(TimerBase b) {
        static const char *const usec[_TIMER_BASE_MAX] = {
                [TIMER_ACTIVE] = "OnActiveUSec", [TIMER_BOOT] = "OnBootUSec", [TIMER_STARTUP] = "OnStartupUSec",
                [TIMER_UNIT_ACTIVE] = "OnUnitActiveUSec", [TIMER_UNIT_INACTIVE] = "OnUnitInactiveUSec",
                [TIMER_CALENDAR] = "OnCalendar",
        };
        return (int)b >= 0 && b < _TIMER_BASE_MAX ? usec[b] : NULL;
}

TimerConfig *timer_config_new(void) {
        TimerConfig *c = calloc(1, sizeof *c);
        if (!c) return NULL;
        /* systemd 252's timer_init() */
        c->accuracy_usec = USEC_PER_MINUTE;   /* DefaultTimerAccuracySec */
        c->remain_after_elapse = true;
        return c;
}

void timer_config_free(TimerConfig *c) {
        if (!c) return;
        free(c->monotonic);
        strv_free(c->on_calendar);
        free(c->unit);
        free(c);
}

void timer_apply_defaults(Unit *u) {
        TimerConfig *c = u->timer;
        if (!c || c->unit) return;
        char *s = NULL;
        if (unit_name_change_suffix(u->id, ".service", &s) >= 0) c->unit = s;
}

int timer_verify(Unit *u) {
        const TimerConfig *c = u->timer;
        if (!c) return 0;
        if (c->n_monotonic == 0 && !c->on_calendar && !c->on_clock_change && !c->on_timezone_change) {
                log_error("%s: Timer unit lacks value setting. Refusing.", u->id);
                return -ENOEXEC;
        }
        return 0;
}

int unit_resolve_template(const Unit *u, const char *name, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_TEMPLATE)) return (*ret = strdup(name)) ? 0 : -ENOMEM;
        if (u->instance) return unit_name_replace_instance(name, u->instance, ret);
        _cleanup_free_ char *prefix = NULL;
        int r = unit_name_to_prefix(u->id, &prefix);
        if (r < 0) return r;
        return unit_name_replace_instance(name, prefix, ret);
}
