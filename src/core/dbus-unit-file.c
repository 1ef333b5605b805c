/* SPDX-License-Identifier: MIT */
/* Unit-file methods of org.freedesktop.systemd1.Manager: what `systemctl is-enabled`,
 * `list-unit-files`, `enable`, `disable`, `mask`, `preset`, `set-default` ... ask PID 1. The work
 * is src/unit/install.c's; this file maps D-Bus arguments to it and its results back: a(sss)
 * change lists, carries_install_info, and systemd 252's error names (install.h documents them).
 * Like systemd, PID 1 does not reload by itself: systemctl calls Reload() afterwards. */
#include <errno.h>
#include <stdlib.h>
#include "base/strv.h"
#include "base/util.h"
#include "core/dbus-internal.h"
#include "unit/install.h"

/* EnableUnitFilesWithFlags() and friends: SD_SYSTEMD_UNIT_RUNTIME, _FORCE, _PORTABLE */
#define UNIT_FILE_FLAG_RUNTIME (UINT64_C(1) << 0)
#define UNIT_FILE_FLAG_FORCE (UINT64_C(1) << 1)

static int invalid_args(BusError *e) { return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Invalid arguments"); }

static int append_changes(BusMessage *reply, const InstallChanges *c) {
        int r = bus_message_open_container(reply, 'a', "(sss)");
        for (size_t i = 0; i < c->n && r >= 0; i++)
                if (c->v[i].type >= 0)
                        r = bus_message_append(reply, "(sss)", install_change_type_to_string(c->v[i].type), c->v[i].path,
                                               c->v[i].source ? c->v[i].source : "");
        return r < 0 ? r : bus_message_close_container(reply);
}

/* The first failed change decides the error, as 252's install_error(); else the return value. */
static int install_failure(int r, const InstallChanges *c, BusError *e) {
        for (size_t i = 0; i < c->n; i++) {
                if (c->v[i].type >= 0) continue;
                _cleanup_free_ char *msg = install_error_message(&c->v[i]);
                const char *name = install_error_name(c->v[i].type);
                return bus_error_setf(e, name ? name : bus_errno_to_name(c->v[i].type), "%s", msg ? msg : strerror(-c->v[i].type));
        }
        return bus_error_setf(e, bus_errno_to_name(r), "%s", strerror(-r));
}

typedef enum Verb { V_ENABLE, V_REENABLE, V_DISABLE, V_LINK, V_MASK, V_UNMASK, V_PRESET } Verb;

static int run_verb(Manager *m, Verb v, InstallFlags f, char **names, PresetMode mode, InstallChanges *c) {
        const char *root = m->set.root;
        switch (v) {
        case V_ENABLE: return install_enable(root, f, names, c);
        case V_REENABLE: return install_reenable(root, f, names, c);
        case V_DISABLE: return install_disable(root, f, names, c);
        case V_LINK: return install_link(root, f, names, c);
        case V_MASK: return install_mask(root, f, names, c);
        case V_UNMASK: return install_unmask(root, f, names, c);
        case V_PRESET: return install_preset(root, f, names, mode, c);
        }
        return -EINVAL;
}

/* One table row per method: which install verb, the argument shape, the reply shape. */
typedef enum Args { A_AS_B_B, A_AS_B, A_AS_T, A_AS_S_B_B } Args;
static const struct {
        const char *member;
        Verb verb;
        Args args;
        bool reply_info;     /* (b carries_install_info, a(sss)) instead of a(sss) */
} unit_file_methods[] = {
        { "EnableUnitFiles", V_ENABLE, A_AS_B_B, true },
        { "EnableUnitFilesWithFlags", V_ENABLE, A_AS_T, true },
        { "ReenableUnitFiles", V_REENABLE, A_AS_B_B, true },
        { "DisableUnitFiles", V_DISABLE, A_AS_B, false },
        { "DisableUnitFilesWithFlags", V_DISABLE, A_AS_T, false },
        { "DisableUnitFilesWithFlagsAndInstallInfo", V_DISABLE, A_AS_T, true },
        { "LinkUnitFiles", V_LINK, A_AS_B_B, false },
        { "MaskUnitFiles", V_MASK, A_AS_B_B, false },
        { "UnmaskUnitFiles", V_UNMASK, A_AS_B, false },
        { "PresetUnitFiles", V_PRESET, A_AS_B_B, true },
        { "PresetUnitFilesWithMode", V_PRESET, A_AS_S_B_B, true },
};

static int method_change(Manager *m, size_t k, BusMessage *call, BusMessage *reply, BusError *e) {
        _cleanup_strv_free_ char **names = NULL;
        int runtime = 0, force = 0;
        uint64_t flags = 0;
        const char *mode_str = NULL;
        PresetMode mode = PRESET_FULL;
        if (bus_message_read_strv(call, &names) < 0) return invalid_args(e);
        int r;
        switch (unit_file_methods[k].args) {
        case A_AS_B_B: r = bus_message_read(call, "bb", &runtime, &force); break;
        case A_AS_B: r = bus_message_read(call, "b", &runtime); break;
        case A_AS_T:
                r = bus_message_read(call, "t", &flags);
                runtime = !!(flags & UNIT_FILE_FLAG_RUNTIME);
                force = !!(flags & UNIT_FILE_FLAG_FORCE);
                break;
        case A_AS_S_B_B:
                r = bus_message_read(call, "sbb", &mode_str, &runtime, &force);
                if (r > 0) {
                        int pm = preset_mode_from_string(mode_str);
                        if (pm < 0) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Unknown preset mode: %s", mode_str);
                        mode = (PresetMode)pm;
                }
                break;
        default: r = -EINVAL;
        }
        if (r < 1) return invalid_args(e);
        InstallFlags f = (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0);
        _cleanup_(install_changes_done) InstallChanges c = { 0 };
        r = run_verb(m, unit_file_methods[k].verb, f, names, mode, &c);
        if (r < 0) return install_failure(r, &c, e);
        if (unit_file_methods[k].reply_info && (r = bus_message_append(reply, "b", (int)(r > 0))) < 0) return r;
        return append_changes(reply, &c);
}

static int method_list(Manager *m, BusMessage *call, BusMessage *reply, bool by_patterns, BusError *e) {
        _cleanup_strv_free_ char **states = NULL, **patterns = NULL;
        if (by_patterns && (bus_message_read_strv(call, &states) < 0 || bus_message_read_strv(call, &patterns) < 0))
                return invalid_args(e);
        UnitFileListEntry *l = NULL;
        size_t n = 0;
        int r = install_list(m->set.root, states, patterns, &l, &n);
        if (r < 0) return bus_error_setf(e, bus_errno_to_name(r), "Failed to list unit files: %s", strerror(-r));
        r = bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; i < n && r >= 0; i++)
                r = bus_message_append(reply, "(ss)", l[i].path, unit_file_state_to_string(l[i].state));
        install_list_free(l, n);
        return r < 0 ? r : bus_message_close_container(reply);
}

static int method_state(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *name = NULL;
        if (bus_message_read(call, "s", &name) < 1) return invalid_args(e);
        UnitFileState st;
        int r = install_get_state(m->set.root, name, &st);
        if (r < 0) return bus_error_setf(e, bus_errno_to_name(r), "%s", strerror(-r));
        return bus_message_append(reply, "s", unit_file_state_to_string(st));
}

static int method_links(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *name = NULL;
        int runtime = 0;
        if (bus_message_read(call, "sb", &name, &runtime) < 1) return invalid_args(e);
        _cleanup_strv_free_ char **links = NULL;
        int r = install_get_links(m->set.root, runtime, name, &links);
        if (r < 0) return bus_error_setf(e, bus_errno_to_name(r), "%s", strerror(-r));
        return bus_message_append_strv(reply, links);
}

static int method_preset_all(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *mode_str = NULL;
        int runtime = 0, force = 0;
        if (bus_message_read(call, "sbb", &mode_str, &runtime, &force) < 1) return invalid_args(e);
        int pm = isempty(mode_str) ? PRESET_FULL : preset_mode_from_string(mode_str);
        if (pm < 0) return bus_error_setf(e, BUS_ERROR_INVALID_ARGS, "Unknown preset mode: %s", mode_str);
        _cleanup_(install_changes_done) InstallChanges c = { 0 };
        int r = install_preset_all(m->set.root, (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0), (PresetMode)pm, &c);
        if (r < 0) return install_failure(r, &c, e);
        return append_changes(reply, &c);
}

static int method_set_default(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *name = NULL;
        int force = 0;
        if (bus_message_read(call, "sb", &name, &force) < 1) return invalid_args(e);
        _cleanup_(install_changes_done) InstallChanges c = { 0 };
        int r = install_set_default(m->set.root, force ? INSTALL_FORCE : 0, name, &c);
        if (r < 0) return install_failure(r, &c, e);
        return append_changes(reply, &c);
}

static int method_get_default(Manager *m, BusMessage *reply, BusError *e) {
        _cleanup_free_ char *name = NULL;
        int r = install_get_default(m->set.root, &name);
        if (r == -ERFKILL) return bus_error_setf(e, BUS_ERROR_UNIT_MASKED, "Unit file default.target is masked.");
        if (r < 0) return bus_error_setf(e, bus_errno_to_name(r), "%s", strerror(-r));
        return bus_message_append(reply, "s", name);
}

int bus_unit_file_method(Manager *m, BusMessage *call, BusMessage *reply, BusError *e) {
        const char *member = call->member;
        int r;
        for (size_t k = 0; k < ELEMENTSOF(unit_file_methods); k++)
                if (streq(member, unit_file_methods[k].member)) {
                        r = method_change(m, k, call, reply, e);
                        return r < 0 ? r : 1;
                }
        if (streq(member, "GetUnitFileState")) r = method_state(m, call, reply, e);
        else if (streq(member, "GetUnitFileLinks")) r = method_links(m, call, reply, e);
        else if (streq(member, "ListUnitFiles")) r = method_list(m, call, reply, false, e);
        else if (streq(member, "ListUnitFilesByPatterns")) r = method_list(m, call, reply, true, e);
        else if (streq(member, "PresetAllUnitFiles")) r = method_preset_all(m, call, reply, e);
        else if (streq(member, "SetDefaultTarget")) r = method_set_default(m, call, reply, e);
        else if (streq(member, "GetDefaultTarget")) r = method_get_default(m, reply, e);
        else return 0;
        return r < 0 ? r : 1;
}
