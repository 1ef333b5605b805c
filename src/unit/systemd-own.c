/* SPDX-License-Identifier: MIT */
#include "unit/systemd-own.h"

#include "base/strv.h"
#include "base/util.h"
#include "bus/bus-sockets.h"
#include "unit/service-config.h"
#include "unit/socket-config.h"
#include "unit/timer-config.h"
#include "unit/path-config.h"

/* systemd's daemons and helpers, run from systemd's own directory (/lib/systemd/, or
 * /usr/lib/systemd/ on merged-/usr systems), whose job tinysd does or that cannot work in a
 * container. Not here, because they work and images need them: systemd-user-sessions (removes
 * /run/nologin), systemd-sulogin-shell, and the tools in /bin (systemd-tmpfiles, systemd-sysusers). */
static const char *const systemd_daemons[] = {
        "systemd",                        /* user@.service: a user manager (tinysd has none) */
        "systemd-journald",               /* PID 1 is the journal */
        "systemd-udevd",                  /* devices belong to the host */
        "systemd-networkd", "systemd-networkd-wait-online", "systemd-network-generator",
        "systemd-resolved",               /* the runtime sets up the network and resolv.conf */
        "systemd-timesyncd", "systemd-time-wait-sync",      /* the clock is the host's */
        "systemd-logind", "systemd-user-runtime-dir",       /* seats, sessions: systemd as PID 1 */
        "systemd-initctl",                /* /dev/initctl speaks to systemd's private bus */
        "systemd-fsck", "systemd-fsckd", "systemd-quotacheck", "systemd-remount-fs",
        "systemd-growfs", "systemd-makefs", "systemd-volatile-root",   /* file systems: the runtime's */
        "systemd-sysctl", "systemd-modules-load", "systemd-binfmt", "systemd-pstore",
        "systemd-rfkill", "systemd-backlight", "systemd-hibernate-resume", "systemd-sleep",
        "systemd-pcrphase", "systemd-boot-check-no-failures",          /* the kernel and hardware */
        "systemd-random-seed", "systemd-update-utmp",
        "systemd-hostnamed", "systemd-timedated", "systemd-localed",   /* the host's settings */
        "systemd-homed", "systemd-userdbd", "systemd-oomd", "systemd-machined",
        "systemd-importd", "systemd-portabled",
};

/* Tools in /bin, /usr/bin, /sbin, /usr/sbin (or named without a directory), each skipped only
 * with the argument that makes it a boot job of systemd's (NULL: any arguments). */
static const struct {
        const char *binary, *argument;
} systemd_tools[] = {
        { "agetty", NULL },                       /* gettys: a container has no terminals to log in on */
        { "udevadm", NULL },                      /* udev trigger/settle */
        { "systemd-tty-ask-password-agent", NULL },
        { "systemd-machine-id-setup", NULL },     /* the runtime gives the machine ID */
        { "systemd-hwdb", NULL },
        { "systemd-firstboot", NULL },
        { "bootctl", NULL },
        { "journalctl", "--flush" },              /* PID 1's journal writes to /var/log/journal itself */
        { "systemd-tmpfiles", "--prefix=/dev" },  /* device nodes: the runtime's */
        { "kmod", "static-nodes" },
        { "ldconfig", "-X" },                     /* ldconfig.service (Fedora, Arch; not Debian) */
};

static bool path_in_dir(const char *path, const char *dir, const char *name) {
        const char *p = startswith(path, dir);
        return p && streq(p, name);
}

static bool systemd_daemon(const char *path) {
        for (size_t i = 0; i < ELEMENTSOF(systemd_daemons); i++) {
                const char *n = systemd_daemons[i];
                if (path_in_dir(path, "/lib/systemd/", n) || path_in_dir(path, "/usr/lib/systemd/", n)) return true;
        }
        return false;
}

static bool systemd_tool(const ExecCommand *c) {
        static const char *const dirs[] = { "", "/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/" };
        for (size_t i = 0; i < ELEMENTSOF(systemd_tools); i++)
                for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
                        if (!path_in_dir(c->path, dirs[d], systemd_tools[i].binary)) continue;
                        if (!systemd_tools[i].argument) return true;
                        /* argv[0] is the command's name, not an argument */
                        if (c->argv && c->argv[0] && strv_contains(c->argv + 1, systemd_tools[i].argument)) return true;
                }
        return false;
}

static bool service_runs_systemd_own(const Unit *u, const char **ret_what) {
        const ExecCommand *c = u->service ? u->service->exec_command[SERVICE_EXEC_START] : NULL;
        if (!c || !c->path || !(systemd_daemon(c->path) || systemd_tool(c))) return false;
        if (ret_what) *ret_what = c->path;
        return true;
}

/* PID 1's own sockets (journal-server.c, notify.c, dbus.c). Not /run/systemd/journal/syslog. */
static const char *const pid1_sockets[] = {
        "/dev/log", "/run/systemd/journal/socket", "/run/systemd/journal/stdout", "/run/systemd/journal/dev-log",
        "/run/systemd/notify", BUS_PRIVATE_SOCKET, BUS_READONLY_SOCKET,
};

/* a equals b as paths: repeated slashes and "." components do not count, /var/run is /run. */
static bool path_same(const char *a, const char *b) {
        if (startswith(a, "/var/run/")) a += strlen("/var");
        for (;;) {
                while (a[0] == '/' && (a[1] == '/' || (a[1] == '.' && (a[2] == '/' || a[2] == 0)))) a += a[1] == '/' ? 1 : 2;
                if (*a != *b) return false;
                if (!*a) return true;
                a++, b++;
        }
}

static bool pid1_socket(const char *path) {
        if (!path) return false;
        for (size_t i = 0; i < ELEMENTSOF(pid1_sockets); i++)
                if (path_same(path, pid1_sockets[i])) return true;
        return false;
}

static bool socket_binds_pid1_socket(const SocketConfig *s, const char **ret_what) {
        for (size_t i = 0; i < s->n_ports; i++) {
                const SocketPort *p = &s->ports[i];
                const char *path = p->type == SOCKET_PORT_SOCKET ? (p->address.family == AF_UNIX ? p->address.path : NULL) : p->path;
                if (!pid1_socket(path)) continue;
                if (ret_what) *ret_what = path;
                return true;
        }
        STRV_FOREACH(l, s->symlinks)
                if (pid1_socket(*l)) {
                        if (ret_what) *ret_what = *l;
                        return true;
                }
        return false;
}

/* The unit a socket, path or timer starts: after the type's defaults, Service=/Unit= or the unit
 * of the same name (NULL for an Accept=yes socket: its instances are made per connection). */
static const char *activated_unit(const Unit *u) {
        if (u->socket) return u->socket->service;
        if (u->timer) return u->timer->unit;
        if (u->path) return u->path->unit;
        return NULL;
}

SystemdOwn unit_systemd_own(const Unit *u, SystemdOwnLookup lookup, void *userdata, const char **ret_what) {
        if (!u) return SYSTEMD_OWN_NO;
        if (u->service) return service_runs_systemd_own(u, ret_what) ? SYSTEMD_OWN_DAEMON : SYSTEMD_OWN_NO;
        const char *name = activated_unit(u);
        const Unit *o = name && lookup ? lookup(name, userdata) : NULL;
        if (o && o->service && service_runs_systemd_own(o, NULL)) {
                if (ret_what) *ret_what = name;
                return SYSTEMD_OWN_ACTIVATOR;
        }
        if (u->socket && socket_binds_pid1_socket(u->socket, ret_what)) return SYSTEMD_OWN_PID1_SOCKET;
        return SYSTEMD_OWN_NO;
}
