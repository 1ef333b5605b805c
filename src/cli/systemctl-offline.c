/* SPDX-License-Identifier: MIT */
/* systemctl's offline mode (--root=, $SYSTEMD_OFFLINE=1, or no manager running): the unit-file
 * verbs done directly on the file system through unit/install.h, with systemd 252's output. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "cli/systemctl.h"
#include "unit/install.h"
#include "unit/name.h"

/* unit_name_mangle_with_suffix(), with its notices. */
static int mangle_one(const CtlArgs *a, const char *name, const char *operation, const char *suffix, char **ret) {
        bool suggest = true;
        if (!unit_name_is_valid(name, UNIT_NAME_ANY) && strpbrk(name, "*?[") &&
            strspn(name, LETTERS DIGITS ":-_.\\@*?[]!^") == strlen(name)) {
                if (!a->quiet) log_notice("Glob pattern passed %s, but globs are not supported for this.", operation);
                suggest = false;
        }
        int r = unit_name_mangle(name, suffix, false, ret);
        if (r <= 0 || a->quiet || name[0] == '/') return r;
        /* the escaped name before the suffix was appended, when escaping changed anything */
        size_t n = strlen(*ret);
        if (unit_name_to_type(name) < 0 && endswith(*ret, suffix)) n -= strlen(suffix);
        if (n != strlen(name) || strncmp(*ret, name, n) != 0)
                log_notice("Invalid unit name \"%s\" escaped as \"%.*s\"%s.", name, (int)n, *ret,
                           suggest ? " (maybe you should use systemd-escape?)" : "");
        return r;
}

/* Command-line names: paths are made absolute, names mangled. */
static int mangle_names(const CtlArgs *a, char **in, const char *operation, char ***ret) {
        _cleanup_strv_free_ char **l = strv_new_empty();
        if (!l) return log_oom();
        STRV_FOREACH(n, in) {
                char *m = NULL;
                int r;
                if (strchr(*n, '/')) {
                        if ((*n)[0] == '/') m = strdup(*n);
                        else {
                                _cleanup_free_ char *cwd = getcwd(NULL, 0);
                                m = cwd ? strjoin(cwd, "/", *n) : NULL;
                        }
                        r = m ? 0 : -ENOMEM;
                } else
                        r = mangle_one(a, *n, operation, ".service", &m);
                if (r < 0) return log_error_errno(r, "Failed to mangle unit name or path '%s': %m", *n);
                if (strv_push(&l, m) < 0) return log_oom();
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static InstallFlags flags_from(const CtlArgs *a) {
        return (a->runtime ? INSTALL_RUNTIME : 0) | (a->force ? INSTALL_FORCE : 0);
}

static void no_install_info_notice(void) {
        log_notice("The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                   "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                   "units). This means they are not meant to be enabled using systemctl.\n"
                   " \n"
                   "Possible reasons for having this kind of units are:\n"
                   "\u2022 A unit may be statically enabled by being symlinked from another unit's\n"
                   "  .wants/ or .requires/ directory.\n"
                   "\u2022 A unit's purpose may be to act as a helper for some other unit which has\n"
                   "  a requirement dependency on it.\n"
                   "\u2022 A unit may be started when needed via activation (socket, path, timer,\n"
                   "  D-Bus, udev, scripted systemctl call, ...).\n"
                   "\u2022 In case of template units, the unit is meant to be enabled with some\n"
                   "  instance name specified.");
}

static int verb_enable(const CtlArgs *a, const char *verb, char **args) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ char *operation = strjoin("to ", verb);
        if (!operation) return log_oom();
        int r = mangle_names(a, args, operation, &names);
        if (r < 0) return r;
        if (streq(verb, "disable")) {
                bool was_path = false;
                STRV_FOREACH(n, names) {
                        char *s = strrchr(*n, '/');
                        if (!s) continue;
                        memmove(*n, s + 1, strlen(s + 1) + 1);
                        was_path = true;
                }
                if (was_path) log_warning("Warning: Can't execute disable on the unit file path. Proceeding with the unit name.");
        }
        if (streq(verb, "link"))
                STRV_FOREACH(n, names)
                        if ((*n)[0] != '/') {
                                if (a->root)
                                        return log_error_errno(EINVAL, "Non-absolute paths are not allowed when --root is used: %s", *n);
                                return log_error_errno(EINVAL,
                                                       "Link argument must contain at least one directory separator.\n"
                                                       "If you intended to link a file in the current directory, try ./%s instead.",
                                                       *n);
                        }
        InstallChanges c = {0};
        InstallFlags f = flags_from(a);
        int carries = -1;
        if (streq(verb, "enable")) r = carries = install_enable(a->root, f, names, &c);
        else if (streq(verb, "disable")) r = install_disable(a->root, f, names, &c);
        else if (streq(verb, "reenable")) r = carries = install_reenable(a->root, f, names, &c);
        else if (streq(verb, "link")) r = install_link(a->root, f, names, &c);
        else if (streq(verb, "preset")) r = install_preset(a->root, f, names, a->preset_mode, &c);
        else if (streq(verb, "mask")) r = install_mask(a->root, f, names, &c);
        else r = install_unmask(a->root, f, names, &c);
        install_changes_dump(r, verb, &c, a->quiet);
        install_changes_done(&c);
        if (r < 0) return r;
        if (carries == 0 && !a->quiet) no_install_info_notice();
        if (a->now && (streq(verb, "enable") || streq(verb, "disable") || streq(verb, "mask"))) {
                /* there is no manager to talk to (systemd 252 says so in these words) */
                log_error("System has not been booted with systemd as init system (PID 1). Can't operate.");
                return log_error_errno(EHOSTDOWN, "Failed to connect to bus: %m");
        }
        return 0;
}

static int verb_is_enabled(const CtlArgs *a, char **args) {
        _cleanup_strv_free_ char **names = NULL;
        int r = mangle_names(a, args, "to check", &names);
        if (r < 0) return r;
        bool enabled = false;
        STRV_FOREACH(n, names) {
                UnitFileState st;
                if ((r = install_get_state(a->root, *n, &st)) < 0)
                        return log_error_errno(r, "Failed to get unit file state for %s: %m", *n);
                if (st == UNIT_FILE_STATE_ENABLED || st == UNIT_FILE_STATE_ENABLED_RUNTIME || st == UNIT_FILE_STATE_STATIC ||
                    st == UNIT_FILE_STATE_ALIAS || st == UNIT_FILE_STATE_INDIRECT || st == UNIT_FILE_STATE_GENERATED)
                        enabled = true;
                if (a->quiet) continue;
                puts(unit_file_state_to_string(st));
                if (a->full) {
                        /* as 252's client side: the links are looked up on the host */
                        _cleanup_strv_free_ char **links = NULL;
                        if ((r = install_get_links(NULL, a->runtime, *n, &links)) < 0)
                                return log_error_errno(r, "Failed to get file links for %s: %m", *n);
                        STRV_FOREACH(l, links) printf("  %s\n", *l);
                }
        }
        return enabled ? 0 : 1;
}

static const char *type_suffix(const char *path) {
        const char *d = strrchr(path, '.');
        return d ? d : "";
}

static int cmp_entries(const void *x, const void *y) {
        const UnitFileListEntry *a = x, *b = y;
        const char *d1 = strrchr(a->path, '.'), *d2 = strrchr(b->path, '.');
        if (d1 && d2) {
                int r = strcasecmp(d1, d2);
                if (r != 0) return r;
        }
        const char *n1 = strrchr(a->path, '/'), *n2 = strrchr(b->path, '/');
        return strcasecmp(n1 ? n1 + 1 : a->path, n2 ? n2 + 1 : b->path);
}

static bool show_preset(UnitFileState s) {
        return s != UNIT_FILE_STATE_ALIAS && s != UNIT_FILE_STATE_STATIC && s != UNIT_FILE_STATE_GENERATED &&
               s != UNIT_FILE_STATE_TRANSIENT;
}

static int verb_list_unit_files(const CtlArgs *a, char **patterns) {
        UnitFileListEntry *l = NULL;
        size_t n = 0, c = 0;
        int r = install_list(a->root, a->states, patterns, &l, &n);
        if (r < 0) return log_error_errno(r, "Failed to get unit file list: %m");
        for (size_t i = 0; i < n; i++) {
                const char *dot = strrchr(l[i].path, '.');
                if (strv_length(a->types) > 0 && (!dot || !strv_contains(a->types, dot + 1))) {
                        free(l[i].path);
                        continue;
                }
                l[c++] = l[i];
        }
        if (c > 1) qsort(l, c, sizeof *l, cmp_entries);
        Presets ps = {0};
        bool have_presets = false;
        const char **presets = calloc(c ? c : 1, sizeof *presets);
        if (!presets) {
                install_list_free(l, c);
                return log_oom();
        }
        size_t w1 = !a->no_legend ? strlen("UNIT FILE") : 0, w2 = !a->no_legend ? strlen("STATE") : 0;
        for (size_t i = 0; i < c; i++) {
                const char *id = strrchr(l[i].path, '/') + 1;
                if (strlen(id) > w1) w1 = strlen(id);
                const char *st = unit_file_state_to_string(l[i].state);
                if (strlen(st) > w2) w2 = strlen(st);
                if (!show_preset(l[i].state)) {
                        presets[i] = "-";
                        continue;
                }
                if (!have_presets) {
                        have_presets = true;
                        if (presets_read(a->root, &ps) < 0) ps = (Presets){0};
                }
                r = presets_query(&ps, id);
                presets[i] = r < 0 ? "n/a" : r == 0 ? "disabled" : "enabled";
        }
        if (!a->no_legend) printf("%-*s %-*s %s\n", (int)w1, "UNIT FILE", (int)w2, "STATE", "PRESET");
        for (size_t i = 0; i < c; i++)
                printf("%-*s %-*s %s\n", (int)w1, strrchr(l[i].path, '/') + 1, (int)w2,
                       unit_file_state_to_string(l[i].state), presets[i]);
        if (!a->no_legend) printf("\n%zu unit files listed.\n", c);
        (void)type_suffix;
        free(presets);
        presets_done(&ps);
        install_list_free(l, c);
        return c == 0 ? -ENOENT : 0;
}

static int verb_get_default(const CtlArgs *a) {
        _cleanup_free_ char *name = NULL;
        int r = install_get_default(a->root, &name);
        if (r == -ERFKILL) return log_error_errno(r, "Failed to get default target: Unit file is masked.");
        if (r < 0) return log_error_errno(r, "Failed to get default target: %m");
        printf("%s\n", name);
        return 0;
}

static int verb_set_default(const CtlArgs *a, const char *arg) {
        _cleanup_free_ char *unit = NULL;
        int r = mangle_one(a, arg, "set-default", ".target", &unit);
        if (r < 0) return log_error_errno(r, "Failed to mangle unit name: %m");
        InstallChanges c = {0};
        r = install_set_default(a->root, INSTALL_FORCE, unit, &c);
        install_changes_dump(r, "set default", &c, a->quiet);
        install_changes_done(&c);
        if (r < 0) return r;
        if (!a->quiet) {
                _cleanup_free_ char *final = NULL;
                if ((r = install_get_default(a->root, &final)) < 0)
                        return log_error_errno(r, "Failed to get default target: %m");
                if (!streq(final, unit)) log_notice("Note: \"%s\" is the default unit (possibly a runtime override).", final);
        }
        return 0;
}

static int verb_preset_all(const CtlArgs *a) {
        InstallChanges c = {0};
        int r = install_preset_all(a->root, flags_from(a), a->preset_mode, &c);
        install_changes_dump(r, "preset", &c, a->quiet);
        install_changes_done(&c);
        return r < 0 ? r : 0;
}

/* Verbs that need the manager; systemd refuses them with --root=. */
static const char *const online_verbs[] = {
        "list-units", "list-sockets", "list-timers", "list-jobs", "list-machines", "list-dependencies", "start",
        "stop", "reload", "restart", "try-restart", "reload-or-restart", "try-reload-or-restart", "isolate",
        "kill", "clean", "freeze", "thaw", "is-active", "is-failed", "status", "show", "cat", "set-property",
        "help", "reset-failed", "set-environment", "unset-environment", "import-environment", "daemon-reload",
        "daemon-reexec", "log-level", "log-target", "service-watchdogs", "default", "rescue", "emergency",
        "halt", "poweroff", "reboot", "kexec", "exit", "switch-root", "suspend", "hibernate", "hybrid-sleep",
        "suspend-then-hibernate", "edit", "bind", "mount-image", "show-environment", "cancel", "is-system-running",
        NULL,
};

int systemctl_offline_run(const CtlArgs *a, int argc, char **argv) {
        const char *verb = argc > 0 ? argv[0] : "list-units";
        struct { const char *name; int min, max; } verbs[] = {
                { "enable", 2, -1 }, { "disable", 2, -1 }, { "reenable", 2, -1 }, { "preset", 2, -1 },
                { "mask", 2, -1 }, { "unmask", 2, -1 }, { "link", 2, -1 }, { "is-enabled", 2, -1 },
                { "preset-all", 0, 1 }, { "list-unit-files", 0, -1 }, { "get-default", 0, 1 },
                { "set-default", 2, 2 },
        };
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                if (!streq(verbs[i].name, verb)) continue;
                if (argc < verbs[i].min) return log_error_errno(EINVAL, "Too few arguments.");
                if (verbs[i].max >= 0 && argc > verbs[i].max) return log_error_errno(EINVAL, "Too many arguments.");
                if (a->root) {
                        struct stat st;
                        int e = stat(a->root, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
                        if (e)
                                return log_error_errno(e, "Failed to initialize unit search paths for root directory %s: %m",
                                                       a->root);
                }
                if (streq(verb, "is-enabled")) return verb_is_enabled(a, argv + 1);
                if (streq(verb, "preset-all")) return verb_preset_all(a);
                if (streq(verb, "list-unit-files")) return verb_list_unit_files(a, argv + 1);
                if (streq(verb, "get-default")) return verb_get_default(a);
                if (streq(verb, "set-default")) return verb_set_default(a, argv[1]);
                return verb_enable(a, verb, argv + 1);
        }
        for (const char *const *v = online_verbs; *v; v++)
                if (streq(*v, verb)) {
                        if (a->root) return log_error_errno(EINVAL, "Verb '%s' cannot be used with --root= or --image=.", verb);
                        log_error("System has not been booted with systemd as init system (PID 1). Can't operate.");
                        return log_error_errno(EHOSTDOWN, "Failed to connect to bus: %m");
                }
        return log_error_errno(EINVAL, "Unknown command verb %s.", verb);
}
