/* SPDX-License-Identifier: MIT */
#pragma once
/* Unit names: types, validation, templates and instances, escaping (systemd.unit(5),
 * systemd-escape(1)). */
#include <stdbool.h>
#include <stddef.h>

#define UNIT_NAME_MAX 256

typedef enum UnitType {
        UNIT_SERVICE,
        UNIT_MOUNT,
        UNIT_SWAP,
        UNIT_SOCKET,
        UNIT_TARGET,
        UNIT_DEVICE,
        UNIT_AUTOMOUNT,
        UNIT_TIMER,
        UNIT_PATH,
        UNIT_SLICE,
        UNIT_SCOPE,
        _UNIT_TYPE_MAX,
        _UNIT_TYPE_INVALID = -1,
} UnitType;

const char *unit_type_to_string(UnitType t);       /* "service" */
UnitType unit_type_from_string(const char *s);
UnitType unit_name_to_type(const char *name);       /* from the suffix */

typedef enum UnitNameFlags {
        UNIT_NAME_PLAIN = 1 << 0,    /* foo.service */
        UNIT_NAME_TEMPLATE = 1 << 1, /* foo@.service */
        UNIT_NAME_INSTANCE = 1 << 2, /* foo@bar.service */
        UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE,
} UnitNameFlags;

bool unit_name_is_valid(const char *name, UnitNameFlags flags);
bool unit_prefix_is_valid(const char *p);
bool unit_instance_is_valid(const char *i);
bool unit_suffix_is_valid(const char *s);            /* ".service" */
/* Which of PLAIN/TEMPLATE/INSTANCE the (valid) name is; 0 if invalid. */
UnitNameFlags unit_name_classify(const char *name);

int unit_name_to_prefix(const char *name, char **ret);          /* foo@bar.service → foo */
int unit_name_to_instance(const char *name, char **ret);        /* → "bar", "" for template, NULL plain; returns UnitNameFlags */
int unit_name_to_prefix_and_instance(const char *name, char **ret); /* foo@bar.service → foo@bar */
int unit_name_template(const char *name, char **ret);           /* foo@bar.service → foo@.service */
int unit_name_replace_instance(const char *name, const char *instance, char **ret);
int unit_name_build(const char *prefix, const char *instance, const char *suffix, char **ret);
int unit_name_change_suffix(const char *name, const char *suffix, char **ret);

/* systemd-escape: '/' → '-', disallowed bytes and leading '.' → \xNN. */
char *unit_name_escape(const char *s);
int unit_name_unescape(const char *s, char **ret);
/* Path escaping: simplify, strip slashes, "/" → "-" (root is "-"). */
int unit_name_path_escape(const char *path, char **ret);
int unit_name_path_unescape(const char *name, char **ret);
/* /var/lib → var-lib.mount. Names over 255 chars → -ENAMETOOLONG (systemd 252 would hash them). */
int unit_name_from_path(const char *path, const char *suffix, char **ret);
int unit_name_to_path(const char *name, char **ret);

/* For the command line: "foo" → "foo.service", "/dev/sda" → "dev-sda.device", "/home" → "home.mount",
 * invalid characters escaped. Globs are left alone when allow_globs. Returns 0 if the name was
 * used as is, 1 if it was mangled, -EINVAL if no valid name results. */
int unit_name_mangle(const char *name, const char *default_suffix, bool allow_globs, char **ret);

/* Prefix drop-in names for "foo-bar-baz.service": "foo-bar-.service", "foo-.service" (longest first).
 * Also for templates/instances of each, in systemd's search order but without the name itself and
 * its template: "a-b@c.service" → "a-.service", "a-@c.service", "a-@.service". Returns a strv
 * (may be empty). */
int unit_name_dropin_prefixes(const char *name, char ***ret);

/* Object path escaping for D-Bus (bytes outside [A-Za-z0-9] as _xx). */
char *bus_label_escape(const char *s);
char *bus_label_unescape(const char *s);
