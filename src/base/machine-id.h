/* SPDX-License-Identifier: MIT */
#pragma once
/* The machine id (machine-id(5)): /etc/machine-id when the image holds one; otherwise an id for
 * this boot, chosen by PID 1 as systemd 252's machine-id-setup chooses it in a container
 * (/var/lib/dbus/machine-id, then $container_uuid, then random) and kept in /run/machine-id.
 *
 * systemd bind-mounts /run/machine-id over /etc/machine-id; a container without CAP_SYS_ADMIN
 * cannot, so where /etc is writable /etc/machine-id becomes a symbolic link to /run/machine-id
 * (which every reader, Debian's sd_id128_get_machine() included, follows), and a link found there
 * at the next boot marks the id as this container's transient one: a new one is chosen. Where
 * /etc is read-only, tinysd's own readers fall back to /run/machine-id. No fixed id exists. */

/* Where the transient id lives, and what /etc/machine-id points to when it is not the image's. */
#define MACHINE_ID_RUN_PATH "/run/machine-id"

/* Parses machine-id(5) contents: 32 hex digits (either case) and at most one newline; an empty,
 * "uninitialized" or all-zero id is no id (-ENOMEDIUM), anything else -EINVAL. RET: 32
 * lowercase hex digits. */
int machine_id_parse(const char *text, char ret[static 33]);

/* The machine id under ROOT (NULL: /): /etc/machine-id, else /run/machine-id; when neither holds
 * one, what /etc/machine-id gave (-ENOENT, -ENOMEDIUM, -EINVAL, as sd_id128_get_machine()). */
int machine_id_read(const char *root, char ret[static 33]);

/* Where PID 1's id came from (for its log line and for tests). */
typedef enum MachineIdSource {
        MACHINE_ID_FROM_ETC,            /* the image's /etc/machine-id */
        MACHINE_ID_FROM_DBUS,           /* /var/lib/dbus/machine-id (not a symbolic link) */
        MACHINE_ID_FROM_CONTAINER_UUID, /* $container_uuid of PID 1's environment */
        MACHINE_ID_FROM_RANDOM,
} MachineIdSource;

/* PID 1 at boot, before anything reads the id: keeps a valid /etc/machine-id (one that is not our
 * link to /run/machine-id); else chooses the id of this boot, writes it to /run/machine-id and,
 * where /etc is writable, makes /etc/machine-id that link. CONTAINER_UUID: the value of
 * $container_uuid or NULL. Returns the source (>= 0) or a negative errno when /run/machine-id
 * cannot be written (RET is still the id chosen). */
int machine_id_setup(const char *root, const char *container_uuid, char ret[static 33]);

/* "Initializing machine ID from random generator." and its siblings, as systemd says them. */
const char *machine_id_source_message(MachineIdSource s);
