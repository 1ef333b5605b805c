/* SPDX-License-Identifier: MIT */
/* Unit file verbs online: enable, disable, reenable, preset, preset-all, mask, unmask, link,
 * revert, add-wants, add-requires (Manager.*UnitFiles, then Reload), is-enabled (GetUnitFileState), get-default/set-default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "base/strv.h"
#include "cli/systemctl-status.h"
#include "cli/systemctl-sysv.h"
#include "cli/systemctl-print.h"
#include "cli/systemctl.h"
#include "unit/lookup.h"
#include "unit/name.h"

/* As install_changes_dump(): to stderr, like systemctl's log. */
int ctl_dump_changes(BusMessage *reply, bool quiet) {
        const char *type, *path, *source;
        bool utf8 = ctl_locale_is_utf8();
        int r;

        if (bus_message_enter_container(reply, 'a', "(sss)") <= 0)
                return -EBADMSG;
        while ((r = ctl_read(reply, "(sss)", &type, &path, &source)) > 0) {
                if (quiet)
                        continue;
                if (streq(type, "symlink"))
                        fprintf(stderr, "Created symlink %s %s %s.\n", path, ctl_glyph(CTL_GLYPH_ARROW_RIGHT, utf8), source);
                else if (streq(type, "unlink"))
                        fprintf(stderr, "Removed \"%s\".\n", path);
                else if (streq(type, "masked"))
                        fprintf(stderr, "Unit %s is masked, ignoring.\n", path);
                else if (streq(type, "masked by generator"))
                        fprintf(stderr, "Unit %s is masked via a generator and cannot be unmasked.\n", path);
                else if (streq(type, "dangling"))
                        fprintf(stderr, "Unit %s is an alias to a unit that is not present, ignoring.\n", path);
                else if (streq(type, "destination not present"))
                        fprintf(stderr, "Unit %s is added as a dependency to a non-existent unit %s.\n", source, path);
                else if (streq(type, "auxiliary unit failed"))
                        fprintf(stderr, "Failed to enable auxiliary unit %s, ignoring.\n", path);
                else
                        fprintf(stderr, "Manager reported unknown change type \"%s\" for path \"%s\", ignoring.\n", type, path);
        }
        return r < 0 ? r : 0;
}

static int reload(Ctl *c) {
        char *argv[] = { (char *) "daemon-reload", NULL };
        return verb_ctl_daemon_reload(c, 1, argv) == 0 ? 0 : -EIO;
}

#define NO_INSTALL_INFO \
        "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n" \
        "Alias= settings in the [Install] section, and DefaultInstance= for template\n" \
        "units). This means they are not meant to be enabled using systemctl.\n" \
        " \n" \
        "Possible reasons for having this kind of units are:\n" \
        "%1$s A unit may be statically enabled by being symlinked from another unit's\n" \
        "  .wants/ or .requires/ directory.\n" \
        "%1$s A unit's purpose may be to act as a helper for some other unit which has\n" \
        "  a requirement dependency on it.\n" \
        "%1$s A unit may be started when needed via activation (socket, path, timer,\n" \
        "  D-Bus, udev, scripted systemctl call, ...).\n" \
        "%1$s In case of template units, the unit is meant to be enabled with some\n" \
        "  instance name specified.\n"

/* enable/link take paths as they are; everything else is a unit name. */
static int file_names(char **args, bool allow_paths, char ***ret) {
        STRV_FOREACH(a, args) {
                if (allow_paths && (*a)[0] == '/') {
                        if (strv_extend(ret, *a) < 0)
                                return -ENOMEM;
                        continue;
                }
                char *one[] = { *a, NULL };
                if (ctl_mangle_names(one, NULL, false, ret) < 0)
                        return -EINVAL;
        }
        return 0;
}

/* mask/unmask: 252 looks each name up in the unit search path first and only notes a missing one. */
static void notice_missing_units(char **names) {
        LookupPaths lp = {};
        UnitFileMap map = {};

        if (lookup_paths_init(&lp, NULL) < 0)
                return;
        if (unit_file_map_build(&map, &lp) >= 0)
                STRV_FOREACH(n, names) {
                        _cleanup_free_ char *id = NULL, *frag = NULL;
                        bool masked = false;
                        if (unit_file_find_fragment(&map, *n, &id, &frag, &masked) == -ENOENT)
                                fprintf(stderr, "Unit %s does not exist, proceeding anyway.\n", *n);
                }
        unit_file_map_done(&map);
        lookup_paths_done(&lp);
}

int verb_ctl_enable(Ctl *c, int argc, char **argv) {
        const char *verb = argv[0], *method;
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        bool runtime = true, force = true, install_info = false, ignore_info = c->args->quiet, preset_all;
        int carries = -1, r;

        preset_all = streq(verb, "preset-all");
        if (!preset_all && argc <= 1)
                return 0;
        if (ctl_bus(c) < 0)
                return 1;
        if (!preset_all && file_names(argv + 1, streq(verb, "enable") || streq(verb, "link") || streq(verb, "reenable"),
                                      &names) < 0)
                return 1;
        if (streq(verb, "enable") || streq(verb, "disable")) {
                if (ctl_sysv_units(verb, names, c->args->quiet) < 0)
                        return 1;
                /* all of them init scripts: done by systemd-sysv-install */
                if (strv_isempty(names))
                        return !c->args->no_reload && reload(c) < 0 ? 1 : 0;
        }
        if (streq(verb, "enable"))
                method = "EnableUnitFiles", install_info = true;
        else if (streq(verb, "disable"))
                method = "DisableUnitFiles", force = false;
        else if (streq(verb, "reenable"))
                method = "ReenableUnitFiles", install_info = true;
        else if (streq(verb, "link"))
                method = "LinkUnitFiles";
        else if (streq(verb, "revert"))
                method = "RevertUnitFiles", runtime = false, force = false;
        else if (streq(verb, "preset"))
                method = "PresetUnitFiles", install_info = true, ignore_info = true;
        else if (streq(verb, "mask"))
                method = "MaskUnitFiles";
        else if (streq(verb, "unmask"))
                method = "UnmaskUnitFiles", force = false;
        else
                method = "PresetAllUnitFiles";
        if (streq(verb, "mask") || streq(verb, "unmask"))
                notice_missing_units(names);
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, method) < 0)
                return 1;
        if (preset_all)
                r = bus_message_append(m, "sbb", "full", c->args->runtime, c->args->force);
        else {
                r = bus_message_append_strv(m, names);
                if (r >= 0 && runtime)
                        r = bus_message_append(m, "b", c->args->runtime);
                if (r >= 0 && force)
                        r = bus_message_append(m, "b", c->args->force);
        }
        if (r < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to %s unit%s", preset_all ? "preset" : verb, preset_all ? "s" : "");
                return 1;
        }
        if (install_info) {
                int b;
                if (bus_message_read(reply, "b", &b) <= 0)
                        return 1;
                carries = b;
        }
        if (ctl_dump_changes(reply, c->args->quiet) < 0)
                return 1;
        if (!c->args->no_reload && reload(c) < 0)
                return 1;
        if (carries == 0 && !ignore_info)
                fprintf(stderr, NO_INSTALL_INFO, ctl_locale_is_utf8() ? "\u2022" : "*");
        if (c->args->now && (streq(verb, "enable") || streq(verb, "disable") || streq(verb, "mask"))) {
                size_t n = strv_length(names);
                char **args = calloc(n + 2, sizeof(char *));
                if (!args)
                        return 1;
                args[0] = (char *) (streq(verb, "enable") ? "start" : "stop");
                for (size_t i = 0; i < n; i++) {
                        const char *b = strrchr(names[i], '/');
                        args[i + 1] = b ? (char *) b + 1 : names[i];
                }
                r = verb_ctl_start(c, (int) n + 1, args);
                free(args);
                return r;
        }
        return 0;
}

/* add-wants/add-requires TARGET UNIT...: Manager.AddDependencyUnitFiles, then a reload, as 252. */
int verb_ctl_add_dependency(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ char *target = NULL;
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        int r;

        (void) argc;
        if (unit_name_mangle(argv[1], ".target", false, &target) < 0) {
                fputs("Failed to mangle unit name: Invalid argument\n", stderr);
                return 1;
        }
        if (ctl_mangle_names(argv + 2, NULL, false, &names) < 0 || ctl_bus(c) < 0)
                return 1;
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "AddDependencyUnitFiles") < 0 || bus_message_append_strv(m, names) < 0 ||
            bus_message_append(m, "ssbb", target, streq(argv[0], "add-wants") ? "Wants" : "Requires", c->args->runtime,
                               c->args->force) < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to add dependency");
                return 1;
        }
        if (ctl_dump_changes(reply, c->args->quiet) < 0)
                return 1;
        return !c->args->no_reload && reload(c) < 0 ? 1 : 0;
}

int verb_ctl_is_enabled(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        bool enabled = false;

        (void) argc;
        if (ctl_bus(c) < 0 || ctl_mangle_names(argv + 1, NULL, false, &names) < 0)
                return 1;
        int sysv = ctl_sysv_units("is-enabled", names, c->args->quiet);
        if (sysv < 0)
                return 1;
        enabled = sysv == SYSV_UNIT_ENABLED;
        STRV_FOREACH(n, names) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
                const char *s;
                int r;

                if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "GetUnitFileState") < 0 || bus_message_append(m, "s", *n) < 0)
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0) {
                        ctl_log_call_error(r, reply, "Failed to get unit file state for %s", *n);
                        return 1;
                }
                if (bus_message_read(reply, "s", &s) <= 0)
                        return 1;
                if (streq(s, "enabled") || streq(s, "enabled-runtime") || streq(s, "static") || streq(s, "alias") ||
                    streq(s, "indirect") || streq(s, "generated"))
                        enabled = true;
                if (!c->args->quiet)
                        puts(s);
        }
        return enabled ? 0 : 1;
}

static int get_default(Ctl *c, char **ret) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        const char *name;
        int r;

        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "GetDefaultTarget") < 0)
                return -ENOMEM;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to get default target");
                return r;
        }
        if (bus_message_read(reply, "s", &name) <= 0)
                return -EBADMSG;
        *ret = strdup(name);
        return *ret ? 0 : -ENOMEM;
}

int verb_ctl_get_default(Ctl *c, int argc, char **argv) {
        _cleanup_free_ char *name = NULL;
        (void) argc; (void) argv;
        if (ctl_bus(c) < 0 || get_default(c, &name) < 0)
                return 1;
        puts(name);
        return 0;
}

int verb_ctl_set_default(Ctl *c, int argc, char **argv) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        _cleanup_free_ char *unit = NULL, *final = NULL;
        int r;

        (void) argc;
        if (ctl_bus(c) < 0)
                return 1;
        if (unit_name_mangle(argv[1], ".target", false, &unit) < 0) {
                fputs("Failed to mangle unit name: Invalid argument\n", stderr);
                return 1;
        }
        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "SetDefaultTarget") < 0 || bus_message_append(m, "sb", unit, 1) < 0)
                return 1;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to set default target");
                return 1;
        }
        if (ctl_dump_changes(reply, c->args->quiet) < 0)
                return 1;
        if (!c->args->no_reload && reload(c) < 0)
                return 1;
        if (!c->args->quiet) {
                if (get_default(c, &final) < 0)
                        return 1;
                if (!streq(final, unit))
                        fprintf(stderr, "Note: \"%s\" is the default unit (possibly a runtime override).\n", final);
        }
        return 0;
}
