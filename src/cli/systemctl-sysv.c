/* SPDX-License-Identifier: MIT */
/* systemctl's SysV compatibility (see systemctl-sysv.h). */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/parse.h"
#include "base/strv.h"
#include "base/util.h"
#include "cli/systemctl-sysv.h"
#include "unit/lookup.h"

#define SYSV_INSTALL "/lib/systemd/systemd-sysv-install"
#define SYSV_INIT_DIR "/etc/init.d/"

/* Runs ARGV (by PATH when it has no '/'), with _SKIP_SYSTEMD_NATIVE=1 when SKIP_NATIVE (so that
 * update-rc.d does not call back into systemctl); its exit status, or -errno. */
static int run(char *const *argv, bool skip_native) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) return -errno;
        if (pid == 0) {
                if (skip_native) setenv("_SKIP_SYSTEMD_NATIVE", "1", 1);
                execvp(argv[0], argv);
                fprintf(stderr, "Failed to execute %s: %s\n", argv[0], strerror(errno));
                _exit(EXIT_FAILURE);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) return -errno;
        return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAILURE;
}

/* What Debian's systemd-sysv-install does, for images without it. */
static int builtin_sysv_install(const char *verb, const char *script) {
        if (streq(verb, "is-enabled")) {
                _cleanup_free_ char *pattern = strjoin("/etc/rc[S5].d/S??", script);
                if (!pattern) return -ENOMEM;
                glob_t g;
                int r = glob(pattern, GLOB_NOSORT, NULL, &g);
                if (r == 0) globfree(&g);
                return r == 0 ? 0 : 1;
        }
        char *defaults[] = { (char *)"update-rc.d", (char *)script, (char *)"defaults", NULL };
        char *set[] = { (char *)"update-rc.d", (char *)script, (char *)verb, NULL };
        int r = run(defaults, true);
        return r == 0 ? run(set, true) : r;
}

/* A unit file of NAME outside the generator directories (masked and aliases count): 1, 0, <0. */
static int native_unit_exists(const char *name) {
        static const char *const generated[] = {
                "/run/systemd/generator", "/run/systemd/generator.early", "/run/systemd/generator.late",
        };
        LookupPaths lp = {};
        UnitFileMap map = {};
        int r = lookup_paths_init(&lp, NULL);
        if (r >= 0) {
                for (size_t i = 0; i < sizeof generated / sizeof generated[0]; i++)
                        (void)strv_remove(lp.search_path, generated[i]);
                r = unit_file_map_build(&map, &lp);
        }
        if (r >= 0) {
                _cleanup_free_ char *id = NULL, *fragment = NULL;
                bool masked = false;
                r = unit_file_find_fragment(&map, name, &id, &fragment, &masked);
                r = r == -ENOENT ? 0 : r >= 0 || r == -ELOOP ? 1 : r;
                unit_file_map_done(&map);
        }
        lookup_paths_done(&lp);
        return r;
}

/* One name: 1 handled (the script's state in *ENABLED for is-enabled), 0 not a script's. */
static int one(const char *verb, const char *name, bool quiet, bool *native, bool *enabled) {
        const char *suffix = strrchr(name, '.');
        if (!suffix || !streq(suffix, ".service") || name[0] == '/') return 0;
        int r = native_unit_exists(name);
        if (r < 0) {
                fprintf(stderr, "Failed to look up unit file state: %s\n", strerror(-r));
                return r;
        }
        *native = r > 0;
        if (*native && streq(verb, "is-enabled")) return 0;
        _cleanup_free_ char *script = strndup(name, (size_t)(suffix - name));
        _cleanup_free_ char *path = script ? strjoin(SYSV_INIT_DIR, script) : NULL;
        if (!path) return -ENOMEM;
        if (access(path, F_OK) < 0) return 0;
        bool have_install = access(SYSV_INSTALL, X_OK) >= 0;
        if (!quiet) {
                if (*native)
                        fprintf(stderr, "Synchronizing state of %s with SysV service script with %s.\n", name,
                                have_install ? SYSV_INSTALL : "update-rc.d");
                else
                        fprintf(stderr, "%s is not a native service, redirecting to systemd-sysv-install.\n", name);
                if (have_install)
                        fprintf(stderr, "Executing: %s %s %s\n", SYSV_INSTALL, verb, script);
                else if (streq(verb, "is-enabled"))
                        fprintf(stderr, "Executing: ls /etc/rc[S5].d/S??%s\n", script);
                else
                        fprintf(stderr, "Executing: update-rc.d %s defaults && update-rc.d %s %s\n", script, script, verb);
        }
        char *argv[] = { (char *)SYSV_INSTALL, (char *)verb, script, NULL };
        r = have_install ? run(argv, false) : builtin_sysv_install(verb, script);
        if (r < 0) {
                fprintf(stderr, "Failed to run systemd-sysv-install: %s\n", strerror(-r));
                return r;
        }
        if (streq(verb, "is-enabled")) {
                *enabled = r == 0;
                if (!quiet) puts(*enabled ? "enabled" : "disabled");
        } else if (r != 0)
                return -EBADE;   /* the tool said why */
        return 1;
}

int ctl_sysv_units(const char *verb, char **names, bool quiet) {
        SysvEnableState state = SYSV_UNIT_NOT_FOUND;
        const char *v = getenv("SYSTEMCTL_SKIP_SYSV");
        if ((v && parse_boolean(v) > 0) ||
            (!streq(verb, "enable") && !streq(verb, "disable") && !streq(verb, "is-enabled")))
                return 0;
        for (size_t i = 0; names && names[i];) {
                bool native = false, enabled = false;
                int r = one(verb, names[i], quiet, &native, &enabled);
                if (r < 0) return r;
                if (r > 0 && streq(verb, "is-enabled"))
                        state = enabled ? SYSV_UNIT_ENABLED : state == SYSV_UNIT_ENABLED ? state : SYSV_UNIT_DISABLED;
                if (r > 0 && !native) {
                        /* done: not a native unit to hand to PID 1 */
                        free(names[i]);
                        memmove(names + i, names + i + 1, (strv_length(names + i + 1) + 1) * sizeof(char *));
                } else
                        i++;
        }
        return streq(verb, "is-enabled") ? (int)state : 0;
}
