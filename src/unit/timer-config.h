/* SPDX-License-Identifier: MIT */
#pragma once
/* [Timer] settings: systemd.timer(5). */
#include <stdbool.h>
#include "base/parse.h"
#include "base/util.h"
#include "unit/conf-parser.h"
#include "unit/exec-config.h"

typedef enum TimerBase {
        TIMER_ACTIVE, TIMER_BOOT, TIMER_STARTUP, TIMER_UNIT_ACTIVE, TIMER_UNIT_INACTIVE,
        TIMER_CALENDAR,
        _TIMER_BASE_MAX, _TIMER_BASE_INVALID = -1,
} TimerBase;
const char *timer_base_to_string(TimerBase b);       /* "OnActiveSec" ... "OnCalendar" */
const char *timer_base_to_usec_string(TimerBase b);  /* "OnActiveUSec": D-Bus name */

/* One monotonic trigger (OnActiveSec= ... OnUnitInactiveSec=). */
typedef struct TimerValue {
        TimerBase base;
        usec_t value;
} TimerValue;

typedef struct TimerConfig {
        TimerValue *monotonic;      /* in file order; duplicates kept, as systemd does */
        size_t n_monotonic;
        char **on_calendar;         /* OnCalendar= expressions in file order, as written (specifiers
                                     * expanded); NULL when none */
        usec_t accuracy_usec;       /* default 1min */
        usec_t random_usec;
        bool fixed_random_delay, on_clock_change, on_timezone_change;
        bool persistent, wake_system, remain_after_elapse;
        char *unit;                 /* Unit=; after timer_apply_defaults() always set */
} TimerConfig;
TimerConfig *timer_config_new(void);
void timer_config_free(TimerConfig *c);
extern const struct DirectiveTable timer_directive_table;

void timer_apply_defaults(Unit *u);
/* "Timer unit lacks value setting. Refusing." → -ENOEXEC */
int timer_verify(Unit *u);

/* Unit= of timers and paths (systemd's config_parse_trigger_unit): data is char **. One only;
 * templates are instantiated with the unit's instance (or its prefix). */
int config_parse_trigger_unit(const ConfigItem *it, Unit *u, int ltype, void *data);
/* Resolve a template name against unit u as systemd does for dependencies: foo@.service becomes
 * foo@INSTANCE.service, or foo@PREFIX.service for a non-instance unit. */
int unit_resolve_template(const Unit *u, const char *name, char **ret);
