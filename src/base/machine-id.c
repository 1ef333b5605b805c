/* SPDX-License-Identifier: MIT */
/* The machine id: the image's, or one of this boot's (see machine-id.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/id128.h"
#include "base/machine-id.h"
#include "base/util.h"

#define ETC_PATH "/etc/machine-id"
#define DBUS_PATH "/var/lib/dbus/machine-id"

int machine_id_parse(const char *text, char ret[static 33]) {
        size_t n = strlen(text);
        if (n > 0 && text[n - 1] == '\n') n--;
        if (n == 0 || (n == 13 && startswith(text, "uninitialized"))) return -ENOMEDIUM;
        if (n != 32) return -EINVAL;
        char hex[33];
        memcpy(hex, text, 32);
        hex[32] = 0;
        uint8_t id[16], zero[16] = {};
        if (id128_from_string(hex, id) < 0) return -EINVAL;
        if (memcmp(id, zero, 16) == 0) return -ENOMEDIUM;
        id128_to_string(id, ret);
        return 0;
}

/* NOFOLLOW: refuse a symbolic link (systemd reads the D-Bus id so: Debian links it to /etc's). */
static int read_id(const char *root, const char *path, bool nofollow, char ret[static 33]) {
        _cleanup_free_ char *p = strjoin(strempty(root), path), *text = NULL;
        if (!p) return -ENOMEM;
        struct stat st;
        if (nofollow && (lstat(p, &st) < 0 || S_ISLNK(st.st_mode))) return -ENOENT;
        int r = read_file_bounded(AT_FDCWD, p, 64, &text, NULL);
        return r < 0 ? r : machine_id_parse(text, ret);
}

/* Is PATH our link to /run/machine-id (a transient id of an earlier boot, not the image's)? */
static bool is_run_link(const char *path) {
        char target[sizeof MACHINE_ID_RUN_PATH + 1];
        ssize_t n = readlink(path, target, sizeof target);
        return n == (ssize_t)strlen(MACHINE_ID_RUN_PATH) && memcmp(target, MACHINE_ID_RUN_PATH, (size_t)n) == 0;
}

int machine_id_read(const char *root, char ret[static 33]) {
        _cleanup_free_ char *etc = strjoin(strempty(root), ETC_PATH);
        if (!etc) return -ENOMEM;
        /* our link is followed below ROOT, not on the host (tests, offline use) */
        int r = is_run_link(etc) ? -ENOMEDIUM : read_id(root, ETC_PATH, false, ret);
        if (r >= 0) return 0;
        return read_id(root, MACHINE_ID_RUN_PATH, false, ret) >= 0 ? 0 : r;
}

static MachineIdSource generate(const char *root, const char *container_uuid, char ret[static 33]) {
        if (read_id(root, DBUS_PATH, true, ret) >= 0) return MACHINE_ID_FROM_DBUS;
        uint8_t id[16], zero[16] = {};
        if (container_uuid && id128_from_string(container_uuid, id) >= 0 && memcmp(id, zero, 16) != 0) {
                id128_to_string(id, ret);
                return MACHINE_ID_FROM_CONTAINER_UUID;
        }
        id128_random_string(ret);
        return MACHINE_ID_FROM_RANDOM;
}

/* Writes the id to PATH.tmp and renames it over PATH: a reader sees the old file or the whole new
 * one. */
static int write_run_file(const char *path, const char id[static 33]) {
        _cleanup_free_ char *tmp = strjoin(path, ".tmp");
        if (!tmp) return -ENOMEM;
        (void)unlink(tmp);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (fd < 0) return -errno;
        char line[33];
        memcpy(line, id, 32);
        line[32] = '\n';
        int r = write(fd, line, 33) == 33 ? 0 : -EIO;
        if (fchmod(fd, 0444) < 0 && r == 0) r = -errno;   /* whatever the umask */
        close(fd);
        if (r == 0 && rename(tmp, path) < 0) r = -errno;
        if (r < 0) (void)unlink(tmp);
        return r;
}

/* /etc/machine-id -> /run/machine-id, replacing an empty or unusable file; a read-only /etc or a
 * file mounted there (EBUSY) leaves it as it is. */
static void link_etc(const char *etc) {
        _cleanup_free_ char *tmp = strjoin(etc, ".tmp-link");
        if (!tmp) return;
        (void)unlink(tmp);
        if (symlink(MACHINE_ID_RUN_PATH, tmp) < 0) return;
        if (rename(tmp, etc) < 0) (void)unlink(tmp);
}

int machine_id_setup(const char *root, const char *container_uuid, char ret[static 33]) {
        _cleanup_free_ char *etc = strjoin(strempty(root), ETC_PATH);
        _cleanup_free_ char *run = strjoin(strempty(root), MACHINE_ID_RUN_PATH);
        if (!etc || !run) return -ENOMEM;
        bool linked = is_run_link(etc);
        if (!linked && read_id(root, ETC_PATH, false, ret) >= 0) return MACHINE_ID_FROM_ETC;
        MachineIdSource src = generate(root, container_uuid, ret);
        int r = write_run_file(run, ret);
        if (r < 0) return r;
        if (!linked) link_etc(etc);
        return (int)src;
}

const char *machine_id_source_message(MachineIdSource s) {
        switch (s) {
        case MACHINE_ID_FROM_ETC: return NULL;
        case MACHINE_ID_FROM_DBUS: return "Initializing machine ID from D-Bus machine ID.";
        case MACHINE_ID_FROM_CONTAINER_UUID: return "Initializing machine ID from container UUID.";
        case MACHINE_ID_FROM_RANDOM: return "Initializing machine ID from random generator.";
        }
        return NULL;
}
