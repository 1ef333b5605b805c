/* SPDX-License-Identifier: MIT */
/* systemctl show for [Path]: org.freedesktop.systemd1.Path's properties in systemd 252's order.
 * Paths are listed last-assigned first, as systemd keeps them (LIST_PREPEND). */
#include "unit/unit.h"

int path_config_show(const Unit *u, Buf *out) {
        const PathConfig *c = u->path;
        char t[FORMAT_TIMESPAN_MAX];
        if (!c) return 0;
        int r = buf_printf(out, "Unit=%s\n", strempty(c->unit));
        for (size_t i = c->n_specs; r >= 0 && i > 0; i--)
                r = buf_printf(out, "Paths=%s (%s)\n", c->specs[i - 1].path, path_type_to_string(c->specs[i - 1].type));
        if (r >= 0)
                r = buf_printf(out, "MakeDirectory=%s\nDirectoryMode=%04o\nResult=success\nTriggerLimitIntervalUSec=%s\n"
                               "TriggerLimitBurst=%u\n",
                               c->make_directory ? "yes" : "no", (unsigned)c->directory_mode,
                               format_timespan(t, sizeof t, c->trigger_limit_interval, 0), c->trigger_limit_burst);
        return r;
}
