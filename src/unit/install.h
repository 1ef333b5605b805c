/* SPDX-License-Identifier: MIT */
#pragma once
/* The unit-file install layer: enable/disable/mask/link/preset, unit file states, the default
 * target (systemd 252's src/shared/install.c semantics, system scope only).
 *
 * Every operation works on the search path of lookup.h under `root` (NULL or "/" = the host) and
 * records what it did, or failed to do, as a list of InstallChange entries in order. A change
 * type >= 0 is an InstallChangeType; a negative type is an errno describing why `path` (and maybe
 * `source`) could not be processed. The functions return a negative errno on failure; the list
 * then usually names the culprit. enable and reenable return > 0 when the units carry [Install]
 * rules (0 → systemctl's "no installation config" notice; D-Bus's carries_install_info).
 *
 * Error mapping as PID 1's D-Bus methods of systemd 252 do it (dbus-manager.c install_error()):
 * the first change with a negative type decides; with none, the function's return value is sent
 * as an errno error (sd_bus_error_set_errno):
 *   -EEXIST        org.freedesktop.systemd1.UnitExists  "File %s already exists and is a symlink to %s."
 *                                                       (no source: "File %s already exists.")
 *   -ERFKILL       org.freedesktop.systemd1.UnitMasked  "Unit file %s is masked."
 *   -EADDRNOTAVAIL org.freedesktop.systemd1.UnitGenerated "Unit %s is transient or generated."
 *   -ETXTBSY       org.freedesktop.systemd1.UnitBadPath "File %s is under the systemd unit hierarchy already."
 *   -EBADSLT       org.freedesktop.systemd1.BadUnitSetting "Invalid specifier in %s."
 *   -EIDRM         org.freedesktop.systemd1.BadUnitSetting "Destination unit %s is a non-template unit."
 *   -EUCLEAN       org.freedesktop.systemd1.BadUnitSetting "\"%s\" is not a valid unit name."
 *   -ELOOP         org.freedesktop.systemd1.UnitLinked  "Refusing to operate on alias name or linked unit file: %s"
 *   -EXDEV         org.freedesktop.systemd1.BadUnitSetting "Cannot alias %s as %s." (source, path)
 *                                                       (no source: "Invalid unit reference %s.")
 *   -ENOENT        org.freedesktop.systemd1.NoSuchUnit  "Unit file %s does not exist."
 *   -EUNATCH       org.freedesktop.systemd1.BadUnitSetting "Cannot resolve specifiers in %s."
 *   other          the errno's D-Bus name (sd_bus_error_set_errnof) "File %s: %m"
 * install_error_message() formats that text; install_error_name() gives the name (NULL for
 * "use the errno mapping"). Successful replies carry a(sss): (install_change_type_to_string(type),
 * path, source or "") for every change with type >= 0. */
#include <stdbool.h>
#include <stddef.h>

typedef enum UnitFileState {
        UNIT_FILE_STATE_ENABLED,
        UNIT_FILE_STATE_ENABLED_RUNTIME,
        UNIT_FILE_STATE_LINKED,
        UNIT_FILE_STATE_LINKED_RUNTIME,
        UNIT_FILE_STATE_ALIAS,
        UNIT_FILE_STATE_MASKED,
        UNIT_FILE_STATE_MASKED_RUNTIME,
        UNIT_FILE_STATE_STATIC,
        UNIT_FILE_STATE_DISABLED,
        UNIT_FILE_STATE_INDIRECT,
        UNIT_FILE_STATE_GENERATED,
        UNIT_FILE_STATE_TRANSIENT,
        UNIT_FILE_STATE_BAD,
        _UNIT_FILE_STATE_MAX,
} UnitFileState;

const char *unit_file_state_to_string(UnitFileState s);
int unit_file_state_from_string(const char *s);   /* -EINVAL if unknown */

typedef enum InstallChangeType {
        INSTALL_CHANGE_SYMLINK,
        INSTALL_CHANGE_UNLINK,
        INSTALL_CHANGE_IS_MASKED,
        INSTALL_CHANGE_IS_MASKED_GENERATOR,
        INSTALL_CHANGE_IS_DANGLING,
        INSTALL_CHANGE_DESTINATION_NOT_PRESENT,
        INSTALL_CHANGE_AUXILIARY_FAILED,
        _INSTALL_CHANGE_TYPE_MAX,
} InstallChangeType;

/* "symlink", "unlink", "masked", "masked by generator", "dangling", "destination not present",
 * "auxiliary unit failed"; NULL for errors. */
const char *install_change_type_to_string(int type);

typedef struct InstallChange {
        int type;        /* InstallChangeType, or a negative errno */
        char *path;      /* host path (root prefix kept) or unit name */
        char *source;    /* symlink target as written, or NULL */
} InstallChange;

typedef struct InstallChanges {
        InstallChange *v;
        size_t n;
} InstallChanges;

void install_changes_done(InstallChanges *c);
/* Print as systemctl does (Created symlink ..., Removed "...", errors naming `verb`) on stderr. */
void install_changes_dump(int r, const char *verb, const InstallChanges *c, bool quiet);
const char *install_error_name(int type);
char *install_error_message(const InstallChange *c);  /* malloc'd; NULL on ENOMEM */

typedef enum InstallFlags {
        INSTALL_RUNTIME = 1 << 0,   /* /run/systemd/system instead of /etc/systemd/system */
        INSTALL_FORCE = 1 << 1,     /* replace conflicting symlinks */
        INSTALL_DRY_RUN = 1 << 2,   /* record changes only (disable, unmask) */
        INSTALL_IGNORE_AUXILIARY_FAILURE = 1 << 3,
} InstallFlags;

typedef enum PresetMode {
        PRESET_FULL,
        PRESET_ENABLE_ONLY,
        PRESET_DISABLE_ONLY,
        _PRESET_MODE_MAX,
} PresetMode;

const char *preset_mode_to_string(PresetMode m);
int preset_mode_from_string(const char *s);       /* -EINVAL if unknown */

/* names: unit names or absolute paths (outside any root: the root is prepended). */
int install_enable(const char *root, InstallFlags flags, char *const *names, InstallChanges *c);
int install_disable(const char *root, InstallFlags flags, char *const *names, InstallChanges *c);
int install_reenable(const char *root, InstallFlags flags, char *const *names, InstallChanges *c);
int install_link(const char *root, InstallFlags flags, char *const *paths, InstallChanges *c);
int install_mask(const char *root, InstallFlags flags, char *const *names, InstallChanges *c);
int install_unmask(const char *root, InstallFlags flags, char *const *names, InstallChanges *c);
int install_preset(const char *root, InstallFlags flags, char *const *names, PresetMode mode, InstallChanges *c);
int install_preset_all(const char *root, InstallFlags flags, PresetMode mode, InstallChanges *c);
int install_set_default(const char *root, InstallFlags flags, const char *name, InstallChanges *c);
/* `systemctl add-wants/add-requires TARGET NAMES`: TARGET.wants/ (or .requires/) links to each of
 * the names' unit files, nothing else of their [Install] sections. */
int install_add_dependency(const char *root, InstallFlags flags, char *const *names, const char *target, bool requires,
                           InstallChanges *c);
/* `systemctl revert`: every drop-in directory of the names in /etc, /run, the transient and the
 * set-property (system.control) directories is removed, and where a vendor version exists (below
 * /usr or /lib, or a generator's) the /etc and /run copies, links and masks too, with the links to
 * what was removed. */
int install_revert(const char *root, char *const *names, InstallChanges *c);
/* -ERFKILL when default.target is masked, -ENOENT when absent. */
int install_get_default(const char *root, char **ret);
/* -EINVAL for an invalid name, -ENOENT when there is no such unit file. */
int install_get_state(const char *root, const char *name, UnitFileState *ret);
/* GetUnitFileLinks: the symlinks disable would remove (a dry-run disable). */
int install_get_links(const char *root, bool runtime, const char *name, char ***ret);

/* Presets (systemd.preset(5)): read once, queried many times. */
typedef struct PresetRule PresetRule;
typedef struct Presets {
        PresetRule *rules;
        size_t n;
} Presets;
int presets_read(const char *root, Presets *ret);
void presets_done(Presets *p);
/* 1 enable, 0 disable (no matching rule: enable). */
int presets_query(const Presets *p, const char *name);

typedef struct UnitFileListEntry {
        char *path;                  /* where the name was found first (root prefix kept) */
        UnitFileState state;
} UnitFileListEntry;

/* ListUnitFilesByPatterns: every unit file name in the search path (first directory wins),
 * filtered by fnmatch() patterns and state names (both may be NULL/empty = all). Unsorted. */
int install_list(const char *root, char *const *states, char *const *patterns, UnitFileListEntry **ret,
                 size_t *ret_n);
void install_list_free(UnitFileListEntry *l, size_t n);
