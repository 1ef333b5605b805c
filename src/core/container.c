/* SPDX-License-Identifier: MIT */
/* The container interface (systemd.io/CONTAINER_INTERFACE) from the inside: $container, the
 * directories a service expects, /run/systemd/system so sd_booted() is true. Nothing is mounted:
 * each step that fails (read-only root, no privileges) is logged at debug level and skipped. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/strv.h"
#include "core/container.h"
#include "core/manager.h"
#include "exec/env.h"

static int make_dir(const char *path, mode_t mode) {
        if (mkdir(path, mode) == 0) (void)chmod(path, mode);   /* umask-independent */
        else if (errno != EEXIST) {
                log_debug("Cannot create %s: %s", path, strerror(errno));
                return -errno;
        }
        return 0;
}

/* Without /run/systemd nothing a user reaches for works (systemctl, the journal sockets,
 * sd_notify), and each part says so in its own words: one line that says why and what to do. A
 * runtime mounts /run owned by root (Docker's --tmpfs too), so a non-root PID 1 needs it given. */
static void explain_run(int r) {
        uid_t uid = getuid();
        if (uid == 0) {
                log_warning("Cannot create /run/systemd (%s): systemctl, the journal and sd_notify need a "
                            "writable /run (docker run --read-only needs --tmpfs /run).", strerror(-r));
                return;
        }
        unsigned u = (unsigned)uid, g = (unsigned)getgid();
        log_warning("Cannot create /run/systemd (%s): systemctl, the journal and sd_notify need /run "
                    "writable for uid %u (docker run --tmpfs /run:uid=%u,gid=%u; podman run --tmpfs "
                    "/run:U; a Kubernetes emptyDir).", strerror(-r), u, u, g);
}

static const char *detect_container(void) {
        if (access("/.dockerenv", F_OK) == 0) return "docker";
        if (access("/run/.containerenv", F_OK) == 0) return "podman";
        return "container-other";
}

int container_setup(Manager *m, char **envp) {
        (void)m;
        const char *c = env_get(envp, "container");
        if (isempty(c)) {
                c = detect_container();
                setenv("container", c, 1);
        }
        (void)make_dir("/run", 0755);
        int r = make_dir("/run/systemd", 0755);
        if (r < 0) explain_run(r);
        (void)make_dir("/run/systemd/system", 0755);
        (void)make_dir("/run/lock", 0755);
        (void)make_dir("/tmp", 01777);
        (void)make_dir("/var", 0755);
        (void)make_dir("/var/log", 0755);
        (void)make_dir("/var/log/journal", 02755);
        int fd = open("/run/systemd/container", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
        if (fd >= 0) {
                _cleanup_free_ char *line = strjoin(c, "\n");
                if (line) (void)!write(fd, line, strlen(line));
                close(fd);
        } else
                log_debug("Cannot write /run/systemd/container: %s", strerror(errno));
        return 0;
}

/* Variables that describe PID 1's own situation, not the service's (systemd's protocol variables
 * and a shell's leftovers): never passed on. */
static bool pid1_only(const char *kv) {
        static const char *const names[] = {
                "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_PID", "WATCHDOG_USEC",
                "MAINPID", "MANAGERPID", "INVOCATION_ID", "SYSTEMD_EXEC_PID", "JOURNAL_STREAM", "TERM", "SHLVL",
                "PWD", "OLDPWD", "_", "HOME", "TINYSD_DEBUG", "CREDENTIALS_DIRECTORY", "RUNTIME_DIRECTORY",
        };
        size_t l = strcspn(kv, "=");
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strlen(names[i]) == l && strncmp(kv, names[i], l) == 0) return true;
        return false;
}

/* What services inherit. Default (a documented deviation from systemd): the container's
 * environment, as `docker run -e` users expect. --clean-environment: systemd's set, i.e. PATH,
 * LANG from the environment or /etc/default/locale, and $container. */
int manager_build_environment(Manager *m, char **envp) {
        char **env = NULL;
        int r = 0;
        if (!m->set.clean_environment) {
                STRV_FOREACH(e, envp)
                        if (strchr(*e, '=') && !pid1_only(*e) && (r = strv_extend(&env, *e)) < 0) goto fail;
        } else {
                static const char *const keep[] = { "LANG", "LANGUAGE", "LC_ALL", "container" };
                for (size_t i = 0; i < ELEMENTSOF(keep); i++) {
                        const char *v = env_get(envp, keep[i]);
                        if (v && (r = env_set(&env, keep[i], v)) < 0) goto fail;
                }
        }
        if (!env_get(env, "container") && (r = env_set(&env, "container", getenv("container"))) < 0) goto fail;
        if (!env_get(env, "LANG")) {
                _cleanup_strv_free_ char **loc = NULL;
                if (env_file_read("/etc/locale.conf", &loc) < 0) (void)env_file_read("/etc/default/locale", &loc);
                const char *lang = env_get(loc, "LANG");
                if (lang && (r = env_set(&env, "LANG", lang)) < 0) goto fail;
        }
        if ((r = env_merge(&env, m->conf.default_environment)) < 0) goto fail;   /* DefaultEnvironment= */
        if (!env && !(env = strv_new_empty())) return -ENOMEM;
        m->environment = env;
        return 0;
fail:
        strv_free(env);
        return r;
}
