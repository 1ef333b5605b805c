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

static int run_verb(Manager *m, BusInstallVerb v, InstallFlags f, char **names, PresetMode mode, InstallChanges *c) {
        const char *root = m->set.root;
        switch (v) {
        case BUS_INSTALL_ENABLE: return install_enable(root, f, names, c);
        case BUS_INSTALL_REENABLE: return install_reenable(root, f, names, c);
        case BUS_INSTALL_DISABLE: return install_disable(root, f, names, c);
        case BUS_INSTALL_LINK: return install_link(root, f, names, c);
        case BUS_INSTALL_MASK: return install_mask(root, f, names, c);
        case BUS_INSTALL_UNMASK: return install_unmask(root, f, names, c);
        case BUS_INSTALL_PRESET: return install_preset(root, f, names, mode, c);
        case BUS_INSTALL_REVERT: return install_revert(root, names, c);
        }
        return -EINVAL;
}

/* The arguments after the names, by the entry's signature: "bb" runtime and force, "b" runtime,
 * "t" flags, "sbb" a preset mode, runtime and force, "" none (RevertUnitFiles). */
static int read_install_flags(BusCall *c, InstallFlags *ret_flags, PresetMode *ret_mode) {
        const char *rest = c->method->in + 2;   /* after "as" */
        int runtime = 0, force = 0, r;
        uint64_t flags = 0;
        const char *mode_str = NULL;
        if (!*rest) r = 1;
        else if (streq(rest, "bb")) r = bus_message_read(c->message, "bb", &runtime, &force);
        else if (streq(rest, "b")) r = bus_message_read(c->message, "b", &runtime);
        else if (streq(rest, "t")) {
                r = bus_message_read(c->message, "t", &flags);
                runtime = !!(flags & UNIT_FILE_FLAG_RUNTIME);
                force = !!(flags & UNIT_FILE_FLAG_FORCE);
        } else if (streq(rest, "sbb")) r = bus_message_read(c->message, "sbb", &mode_str, &runtime, &force);
        else r = -EINVAL;
        if (r < 1) return invalid_args(c->error);
        *ret_mode = PRESET_FULL;
        if (mode_str) {
                int pm = preset_mode_from_string(mode_str);
                if (pm < 0) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Unknown preset mode: %s", mode_str);
                *ret_mode = (PresetMode)pm;
        }
        *ret_flags = (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0);
        return 0;
}

int bus_unit_file_change(BusCall *c) {
        _cleanup_strv_free_ char **names = NULL;
        InstallFlags f = 0;
        PresetMode mode = PRESET_FULL;
        if (bus_message_read_strv(c->message, &names) < 0) return invalid_args(c->error);
        int r = read_install_flags(c, &f, &mode);
        if (r < 0) return r;
        _cleanup_(install_changes_done) InstallChanges changes = { 0 };
        r = run_verb(c->manager, (BusInstallVerb)c->method->data, f, names, mode, &changes);
        if (r < 0) return install_failure(r, &changes, c->error);
        /* "ba(sss)": carries_install_info first */
        if (c->method->out[0] == 'b' && (r = bus_message_append(c->reply, "b", (int)(r > 0))) < 0) return r;
        return append_changes(c->reply, &changes);
}

/* ListUnitFiles, ListUnitFilesByPatterns (states and patterns: "asas") */
int bus_unit_file_list(BusCall *c) {
        _cleanup_strv_free_ char **states = NULL, **patterns = NULL;
        if (!isempty(c->method->in) &&
            (bus_message_read_strv(c->message, &states) < 0 || bus_message_read_strv(c->message, &patterns) < 0))
                return invalid_args(c->error);
        UnitFileListEntry *l = NULL;
        size_t n = 0;
        int r = install_list(c->manager->set.root, states, patterns, &l, &n);
        if (r < 0) return bus_error_setf(c->error, bus_errno_to_name(r), "Failed to list unit files: %s", strerror(-r));
        r = bus_message_open_container(c->reply, 'a', "(ss)");
        for (size_t i = 0; i < n && r >= 0; i++)
                r = bus_message_append(c->reply, "(ss)", l[i].path, unit_file_state_to_string(l[i].state));
        install_list_free(l, n);
        return r < 0 ? r : bus_message_close_container(c->reply);
}

int bus_unit_file_get_state(BusCall *c) {
        const char *name = NULL;
        if (bus_message_read(c->message, "s", &name) < 1) return invalid_args(c->error);
        UnitFileState st;
        int r = install_get_state(c->manager->set.root, name, &st);
        if (r < 0) return bus_error_setf(c->error, bus_errno_to_name(r), "%s", strerror(-r));
        return bus_message_append(c->reply, "s", unit_file_state_to_string(st));
}

int bus_unit_file_get_links(BusCall *c) {
        const char *name = NULL;
        int runtime = 0;
        if (bus_message_read(c->message, "sb", &name, &runtime) < 1) return invalid_args(c->error);
        _cleanup_strv_free_ char **links = NULL;
        int r = install_get_links(c->manager->set.root, runtime, name, &links);
        if (r < 0) return bus_error_setf(c->error, bus_errno_to_name(r), "%s", strerror(-r));
        return bus_message_append_strv(c->reply, links);
}

int bus_unit_file_preset_all(BusCall *c) {
        const char *mode_str = NULL;
        int runtime = 0, force = 0;
        if (bus_message_read(c->message, "sbb", &mode_str, &runtime, &force) < 1) return invalid_args(c->error);
        int pm = isempty(mode_str) ? PRESET_FULL : preset_mode_from_string(mode_str);
        if (pm < 0) return bus_error_setf(c->error, BUS_ERROR_INVALID_ARGS, "Unknown preset mode: %s", mode_str);
        _cleanup_(install_changes_done) InstallChanges changes = { 0 };
        int r = install_preset_all(c->manager->set.root, (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0), (PresetMode)pm,
                                   &changes);
        if (r < 0) return install_failure(r, &changes, c->error);
        return append_changes(c->reply, &changes);
}

int bus_unit_file_set_default(BusCall *c) {
        const char *name = NULL;
        int force = 0;
        if (bus_message_read(c->message, "sb", &name, &force) < 1) return invalid_args(c->error);
        _cleanup_(install_changes_done) InstallChanges changes = { 0 };
        int r = install_set_default(c->manager->set.root, force ? INSTALL_FORCE : 0, name, &changes);
        if (r < 0) return install_failure(r, &changes, c->error);
        return append_changes(c->reply, &changes);
}

int bus_unit_file_get_default(BusCall *c) {
        _cleanup_free_ char *name = NULL;
        int r = install_get_default(c->manager->set.root, &name);
        if (r == -ERFKILL) return bus_error_setf(c->error, BUS_ERROR_UNIT_MASKED, "Unit file default.target is masked.");
        if (r < 0) return bus_error_setf(c->error, bus_errno_to_name(r), "%s", strerror(-r));
        return bus_message_append(c->reply, "s", name);
}

/* AddDependencyUnitFiles(files, target, "Wants" | "Requires", runtime, force): `systemctl
 * add-wants/add-requires`. Another dependency type is refused as 252 refuses an unknown one. */
int bus_unit_file_add_dependency(BusCall *c) {
        _cleanup_strv_free_ char **names = NULL;
        const char *target = NULL, *type = NULL;
        int runtime = 0, force = 0;
        if (bus_message_read_strv(c->message, &names) < 0 ||
            bus_message_read(c->message, "ssbb", &target, &type, &runtime, &force) < 1)
                return invalid_args(c->error);
        if (!streq(type, "Wants") && !streq(type, "Requires")) return invalid_args(c->error);
        _cleanup_(install_changes_done) InstallChanges changes = { 0 };
        int r = install_add_dependency(c->manager->set.root, (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0),
                                       names, target, streq(type, "Requires"), &changes);
        if (r < 0) return install_failure(r, &changes, c->error);
        return append_changes(c->reply, &changes);
}
