/* SPDX-License-Identifier: MIT */
/* org.freedesktop.systemd1.Path's properties, systemd 252's names, D-Bus types and order; the
 * watched paths are listed last-assigned first, as systemd keeps them. */
#include "core/dbus-internal.h"

#define U(o) ((MUnit *)(o))
#define C(o) (U(o)->cfg)

static const PathConfig *pcfg(void *o) { return C(o) ? C(o)->path : NULL; }

static int g_unit(BusMessage *m, void *o) { const PathConfig *c = pcfg(o); return bus_append_string(m, c ? c->unit : NULL); }
static int g_paths(BusMessage *m, void *o) {
        const PathConfig *c = pcfg(o);
        int r = bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = c ? c->n_specs : 0; i > 0 && r >= 0; i--)
                r = bus_message_append(m, "(ss)", path_type_to_string(c->specs[i - 1].type), c->specs[i - 1].path);
        return r < 0 ? r : bus_message_close_container(m);
}
static int g_make_directory(BusMessage *m, void *o) { const PathConfig *c = pcfg(o); return bus_append_bool(m, c && c->make_directory); }
static int g_directory_mode(BusMessage *m, void *o) { const PathConfig *c = pcfg(o); return bus_append_u32(m, c ? (uint32_t)c->directory_mode : 0755); }
static int g_result(BusMessage *m, void *o) {
        return bus_append_string(m, path_result_to_string(PATH(U(o))->result));
}
static int g_trigger_limit_interval(BusMessage *m, void *o) {
        const PathConfig *c = pcfg(o);
        return bus_append_u64(m, c ? c->trigger_limit_interval : 2 * USEC_PER_SEC);
}
static int g_trigger_limit_burst(BusMessage *m, void *o) { const PathConfig *c = pcfg(o); return bus_append_u32(m, c ? c->trigger_limit_burst : 200); }

const BusProperty bus_path_properties[] = {
        { "Unit", "s", g_unit },
        { "Paths", "a(ss)", g_paths },
        { "MakeDirectory", "b", g_make_directory },
        { "DirectoryMode", "u", g_directory_mode },
        { "Result", "s", g_result },
        { "TriggerLimitIntervalUSec", "t", g_trigger_limit_interval },
        { "TriggerLimitBurst", "u", g_trigger_limit_burst },
        { NULL },
};
