/* SPDX-License-Identifier: MIT */
/* PID 1 put together: the unit types, and the services around the manager in the order boot
 * needs them — the journal first (the welcome and every status line are journaled), the notify
 * socket, tmpfiles.d, the D-Bus API; then the default target. At the end, whatever services wrote
 * last is read before the journal closes. */
#include <fcntl.h>
#include <stdio.h>
#include "base/log.h"
#include "core/console.h"
#include "core/dbus.h"
#include "core/dbus-system-bus.h"
#include "core/exit-policy.h"
#include "core/job.h"
#include "core/journal.h"
#include "core/main-command.h"
#include "core/manager.h"
#include "core/manager-signals.h"
#include "core/mount.h"
#include "core/munit.h"
#include "core/notify.h"
#include "core/path.h"
#include "core/service.h"
#include "core/socket.h"
#include "core/system.h"
#include "core/target.h"
#include "core/timer.h"
#include "tmpfiles/tmpfiles.h"

const UnitVTable *const system_unit_types[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = &service_vtable,     [UNIT_SOCKET] = &socket_vtable,
        [UNIT_TARGET] = &target_vtable,       [UNIT_TIMER] = &timer_vtable,
        [UNIT_PATH] = &path_vtable,           [UNIT_SLICE] = &slice_vtable,
        [UNIT_SCOPE] = &scope_vtable,         [UNIT_MOUNT] = &mount_vtable,
        [UNIT_AUTOMOUNT] = &automount_vtable, [UNIT_SWAP] = &swap_vtable,
        [UNIT_DEVICE] = &device_vtable,
};

static void services_done(Manager *m) {
        manager_system_bus_free(m);
        manager_bus_free(m);
        main_command_free(m->main_command);
        m->main_command = NULL;
        manager_journal_done(m); /* the store is closed last, after every stream was read */
}

static void job_removed(Manager *m, uint32_t id, const char *unit, JobResult r) {
        manager_bus_job_removed(m, id, unit, r);
        manager_system_bus_job_removed(m, id, unit, r);
}

/* PropertiesChanged to the private socket's clients (systemd-run --wait), then the system bus's own. */
static void unit_changed(MUnit *u, UnitActiveState os, UnitActiveState ns) {
        manager_bus_unit_changed(u);
        manager_system_bus_unit_changed(u, os, ns);
}

static const ManagerParts system_parts = {
        .unit_types = system_unit_types,
        .job_new = manager_bus_job_new,
        .job_removed = job_removed,
        .done = services_done,
        .unit_failed = exit_policy_unit_failed,
        .boot_finished = main_command_boot_finished,
        .shutdown_wait = main_command_stop,
        .unit_changed = unit_changed,
        .bus_name_watch = manager_system_bus_watch_name,
};

int manager_new(const ManagerSettings *set, Manager **ret) {
        Manager *m;
        int r = manager_new_with(set, &system_parts, &m);
        if (r < 0) return r;
        /* PID 1's signals (manager-signals.c): not the core's, so that tests drive it without them */
        if ((r = manager_setup_signals(m)) < 0) {
                manager_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

static void welcome(Manager *m) {
        _cleanup_free_ char *data = NULL;
        size_t n;
        const char *pretty = NULL;
        if (read_file_bounded(AT_FDCWD, "/etc/os-release", 64 * 1024, &data, &n) >= 0 ||
            read_file_bounded(AT_FDCWD, "/usr/lib/os-release", 64 * 1024, &data, &n) >= 0)
                for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n"))
                        if ((pretty = startswith(line, "PRETTY_NAME="))) break;
        if (!pretty) {
                manager_status_line(m, STATUS_INFO, "Welcome to Linux!");
                return;
        }
        _cleanup_free_ char *p = strdup(pretty);
        if (p && (p[0] == '"' || p[0] == '\'')) {
                size_t l = strlen(p);
                memmove(p, p + 1, l);
                if (l > 1 && (p[l - 2] == '"' || p[l - 2] == '\'')) p[l - 2] = 0;
        }
        char line[256];
        snprintf(line, sizeof line, "Welcome to %s!", p ? p : pretty);
        manager_status_line(m, STATUS_INFO, line);
}

/* tmpfiles.d at boot: an image that ships systemd has systemd-tmpfiles-setup.service in
 * sysinit.target, which runs its own systemd-tmpfiles as a unit; any other image gets the built-in
 * implementation, in process (file operations only), before anything starts. */
static void apply_tmpfiles(Manager *m) {
        MUnit *setup = NULL;
        if (manager_load_unit(m, "systemd-tmpfiles-setup.service", &setup) >= 0 && setup && setup->cfg &&
            setup->cfg->load_state == UNIT_LOADED)
                return;
        int r = tmpfiles_boot_builtin(m->set.root);
        if (r != 0) log_warning("tmpfiles.d: applying the configuration finished with status %d.", r);
}

int manager_boot(Manager *m) {
        const char *target = m->set.default_unit ? m->set.default_unit : "default.target";
        (void)manager_setup_journal(m);
        welcome(m);
        int r = manager_setup_notify(m);
        if (r < 0)
                log_notice("No notification socket (%s): Type=notify services cannot report readiness.",
                           strerror(-r));
        apply_tmpfiles(m);
        (void)manager_bus_setup(m);
        MUnit *u = NULL;
        r = manager_load_default_unit(m, &u);
        if (r < 0 || !u)
                return log_error_errno(-r, "Failed to load %s: %s", target, strerror(r < 0 ? -r : ENOENT));
        if ((r = manager_load_dependencies(m)) < 0) return r;
        if (u->cfg->load_state != UNIT_LOADED) {
                log_error("Failed to load %s: unit %s.", u->id, unit_load_state_to_string(u->cfg->load_state));
                return -ENOENT;
        }
        r = manager_add_job(m, JOB_START, u, JOB_ISOLATE, NULL);
        if (r < 0) return log_error_errno(-r, "Failed to start %s: %s", u->id, strerror(-r));
        main_command_boot_started(m);
        return 0;
}

int manager_run(Manager *m) {
        int r = event_loop(m->event);
        manager_journal_drain(m); /* what services and clients wrote last still reaches stdout */
        return r;
}
