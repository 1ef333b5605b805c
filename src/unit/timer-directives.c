/* SPDX-License-Identifier: MIT */
/* The [Timer] directive table (systemd.timer(5)) and Unit= of timers and paths. */
#include "base/log.h"
#include "base/strv.h"
#include "unit/calendar.h"
#include "unit/specifier.h"
#include "unit/unit.h"

static void timer_free_values(TimerConfig *c) {
        free(c->monotonic);
        c->monotonic = NULL;
        c->n_monotonic = 0;
        strv_free(c->on_calendar);
        c->on_calendar = NULL;
}

/* OnActiveSec= ... OnUnitInactiveSec=, OnCalendar=: ltype is the TimerBase, data the TimerConfig.
 * Every assignment adds a trigger; an empty one drops all of them, calendar ones included. */
static int parse_timer(const ConfigItem *it, Unit *u, int ltype, void *data) {
        TimerConfig *c = data;
        if (isempty(it->value)) {
                timer_free_values(c);
                return 0;
        }
        _cleanup_free_ char *k = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_FULL, &k) < 0) return 0;
        if (ltype == TIMER_CALENDAR) {
                /* Checked here as systemd does; stored as written (the timer parses it again). */
                _cleanup_(calendar_spec_freep) CalendarSpec *spec = NULL;
                int r = calendar_spec_from_string(k, &spec);
                if (r == -ENOMEM) return log_oom();
                if (r < 0) {
                        log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse calendar specification, ignoring: %s", k);
                        return 0;
                }
                return strv_index_push(config_lists(u), &c->on_calendar, TAKE_PTR(k)) < 0 ? log_oom() : 0;
        }
        usec_t usec;
        if (parse_sec(k, &usec) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Failed to parse timer value, ignoring: %s", k);
                return 0;
        }
        if (usec == USEC_INFINITY) return 0;   /* never elapses: systemd drops it silently */
        TimerValue *n = realloc(c->monotonic, (c->n_monotonic + 1) * sizeof *n);
        if (!n) return log_oom();
        c->monotonic = n;
        c->monotonic[c->n_monotonic++] = (TimerValue){ .base = (TimerBase)ltype, .value = usec };
        return 0;
}

static bool unit_has_name(const Unit *u, const char *name) {
        return streq(u->id, name) || strv_contains(u->names, name);
}

int config_parse_trigger_unit(const ConfigItem *it, Unit *u, int ltype, void *data) {
        (void)ltype;
        char **unit = data;
        if (*unit) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Multiple units to trigger specified, ignoring: %s", it->value);
                return 0;
        }
        _cleanup_free_ char *p = NULL, *name = NULL;
        if (config_expand_specifiers(it, u, SPECIFIERS_NAME, &p) < 0) return 0;
        if (unit_name_to_type(p) < 0) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Unit type not valid, ignoring: %s", it->value);
                return 0;
        }
        if (unit_has_name(u, p)) {
                log_syntax(it->file, it->line, LOG_WARNING, 0, "Units cannot trigger themselves, ignoring: %s", it->value);
                return 0;
        }
        int r = unit_resolve_template(u, p, &name);
        if (r == -ENOMEM) return log_oom();
        if (r < 0 || !unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                log_syntax(it->file, it->line, LOG_WARNING, r < 0 ? r : EINVAL, "Failed to add trigger on %s, ignoring: %m", p);
                return 0;
        }
        *unit = TAKE_PTR(name);
        return 0;
}

#define F(field) BASE_TYPE, offsetof(TimerConfig, field)
#define TIMER(key, base) { key, parse_timer, base, BASE_TYPE, 0 }
static const Directive timer_directives[] = {
        TIMER("OnActiveSec", TIMER_ACTIVE),
        TIMER("OnBootSec", TIMER_BOOT),
        TIMER("OnStartupSec", TIMER_STARTUP),
        TIMER("OnUnitActiveSec", TIMER_UNIT_ACTIVE),
        TIMER("OnUnitInactiveSec", TIMER_UNIT_INACTIVE),
        TIMER("OnCalendar", TIMER_CALENDAR),
        { "AccuracySec", config_parse_sec, 0, F(accuracy_usec) },
        { "RandomizedDelaySec", config_parse_sec, 0, F(random_usec) },
        { "FixedRandomDelay", config_parse_bool, 0, F(fixed_random_delay) },
        { "OnClockChange", config_parse_bool, 0, F(on_clock_change) },
        { "OnTimezoneChange", config_parse_bool, 0, F(on_timezone_change) },
        { "Unit", config_parse_trigger_unit, 0, F(unit) },
        { "Persistent", config_parse_bool, 0, F(persistent) },
        { "WakeSystem", config_parse_bool, 0, F(wake_system) },
        { "RemainAfterElapse", config_parse_bool, 0, F(remain_after_elapse) },
        { NULL },
};
#undef F
#undef TIMER

const DirectiveTable timer_directive_table = { NULL, timer_directives };
