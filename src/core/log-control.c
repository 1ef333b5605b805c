/* SPDX-License-Identifier: MIT */
/* PID 1's log level and target overrides (log-control.h). One manager per process, so the saved
 * originals are the process's. */
#include <errno.h>
#include <stdbool.h>
#include "base/log.h"
#include "base/util.h"
#include "core/console.h"
#include "core/log-control.h"

static struct {
        bool level_overridden, target_overridden;
        int original_level;
        const char *original_target;
} saved;

const char *log_control_target_from_string(const char *s) {
        /* systemd 252's log_target_table, in its order */
        static const char *const targets[] = {
                "console", "console-prefixed", "kmsg", "journal", "journal-or-kmsg", "syslog",
                "syslog-or-kmsg", "auto", "null",
        };
        for (size_t i = 0; s && i < ELEMENTSOF(targets); i++)
                if (streq(s, targets[i])) return targets[i];
        return NULL;
}

void log_control_override_level(int level) {
        if (!saved.level_overridden) {
                saved.original_level = log_get_max_level();
                saved.level_overridden = true;
        }
        console_set_max_level(level);   /* first, so that the line is seen at debug level */
        log_info("Setting log level to %s.", log_level_to_string(level));
}

void log_control_set_base_level(int level) {
        if (saved.level_overridden) saved.original_level = level;
        else console_set_max_level(level);
}

void log_control_set_base_target(const char *target) {
        if (saved.target_overridden) saved.original_target = target;
        else console_set_log_target(target);
}

void log_control_restore_level(void) {
        if (!saved.level_overridden) return;
        log_info("Restoring log level to original (%s).", log_level_to_string(saved.original_level));
        console_set_max_level(saved.original_level);
        saved.level_overridden = false;
}

void log_control_override_target(const char *target) {
        if (!saved.target_overridden) {
                saved.original_target = console_log_target();
                saved.target_overridden = true;
        }
        log_info("Setting log target to %s.", target);
        console_set_log_target(target);
}

void log_control_restore_target(void) {
        if (!saved.target_overridden) return;
        log_info("Restoring log target to original %s.", saved.original_target);
        console_set_log_target(saved.original_target);
        saved.target_overridden = false;
}
