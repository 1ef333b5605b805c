/* SPDX-License-Identifier: MIT */
/* Running systemd.generator(7) executables at boot, before units are loaded. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include "base/log.h"
#include "base/strv.h"
#include "base/util.h"
#include "core/generator.h"
#include "core/sysv-generator.h"
#include "exec/env.h"
#include "tmpfiles/fsops.h"

const char *const generator_search_path[] = {
        "/run/systemd/system-generators", "/etc/systemd/system-generators",
        "/usr/local/lib/systemd/system-generators", "/usr/lib/systemd/system-generators",
        "/lib/systemd/system-generators",   /* split-usr images; the same directory when merged */
        NULL,
};

const char *const generator_output_dirs[3] = {
        "/run/systemd/generator", "/run/systemd/generator.early", "/run/systemd/generator.late",
};

static bool is_masked(int dfd, const char *name) {
        struct stat st;
        if (fstatat(dfd, name, &st, 0) < 0) return true;          /* dangling: nothing to run */
        if (S_ISCHR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0)) return true;
        return !S_ISREG(st.st_mode) || faccessat(dfd, name, X_OK, 0) < 0;
}

/* Every runnable generator, as full paths sorted by file name; shadowed names dropped. *RET_NAMES:
 * every name seen, masked ones included. */
static int collect(const char *const *search, char ***ret, char ***ret_names) {
        _cleanup_strv_free_ char **names = NULL, **paths = NULL;
        char real[PATH_MAX];
        _cleanup_strv_free_ char **seen_dirs = NULL;
        for (const char *const *d = search; *d; d++) {
                if (!realpath(*d, real) || strv_contains(seen_dirs, real)) continue;
                if (strv_extend(&seen_dirs, real) < 0) return -ENOMEM;
                DIR *dir = opendir(*d);
                if (!dir) continue;
                struct dirent *de;
                while ((de = readdir(dir))) {
                        if (de->d_name[0] == '.' || strv_contains(names, de->d_name)) continue;
                        char *p = NULL;
                        if (strv_extend(&names, de->d_name) < 0 ||
                            (!is_masked(dirfd(dir), de->d_name) &&
                             (asprintf(&p, "%s/%s", *d, de->d_name) < 0 || strv_push(&paths, p) < 0))) {
                                closedir(dir);
                                return -ENOMEM;
                        }
                }
                closedir(dir);
        }
        /* sort by file name, as systemd's execute_directories() */
        size_t n = strv_length(paths);
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && strcmp(strrchr(paths[j - 1], '/'), strrchr(paths[j], '/')) > 0; j--) {
                        char *t = paths[j]; paths[j] = paths[j - 1]; paths[j - 1] = t;
                }
        *ret = paths ? paths : calloc(1, sizeof(char *));
        paths = NULL;
        if (!*ret) return -ENOMEM;
        *ret_names = names;
        names = NULL;
        return 0;
}

static const char *architecture(void) {
        static struct utsname u;
        if (uname(&u) < 0) return "unknown";
        if (streq(u.machine, "x86_64")) return "x86-64";
        if (streq(u.machine, "aarch64")) return "arm64";
        if (streq(u.machine, "i686") || streq(u.machine, "i586") || streq(u.machine, "i386")) return "x86";
        return u.machine;
}

static int build_env(char **envp, char ***ret) {
        _cleanup_strv_free_ char **e = NULL;
        if (strv_extend_strv(&e, envp, false) < 0) return -ENOMEM;
        const char *c = env_get(e, "container");
        char virt[128];
        snprintf(virt, sizeof virt, "SYSTEMD_VIRTUALIZATION=container:%s", isempty(c) ? "container-other" : c);
        const char *add[] = { "SYSTEMD_SCOPE=system", "SYSTEMD_IN_INITRD=0", virt, NULL };
        for (const char **a = add; *a; a++)
                if (strv_extend(&e, *a) < 0) return -ENOMEM;
        char *arch = NULL;
        if (asprintf(&arch, "SYSTEMD_ARCHITECTURE=%s", architecture()) < 0 || strv_push(&e, arch) < 0) return -ENOMEM;
        *ret = e;
        e = NULL;
        return 0;
}

static int run_sysv_generator(const char *const out[3]) {
        return sysv_generator_run(out[2]);
}

static usec_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

static pid_t spawn_one(const char *path, const char *const out[3], char **env) {
        pid_t pid = fork();
        if (pid != 0) return pid;
        char pidvar[48];
        snprintf(pidvar, sizeof pidvar, "SYSTEMD_EXEC_PID=%d", (int)getpid());
        size_t n = strv_length(env);
        char **e = calloc(n + 2, sizeof(char *));
        if (!e) _exit(1);
        memcpy(e, env, n * sizeof(char *));
        e[n] = pidvar;
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        umask(0022);
        char *argv[] = { (char *)path, (char *)out[0], (char *)out[1], (char *)out[2], NULL };
        execve(path, argv, e);
        _exit(127);
}

const BuiltinGenerator builtin_generators[] = {
        { "systemd-sysv-generator", run_sysv_generator },
        { NULL, NULL },
};

int generators_run(const char *const *search, const char *const out[3], char **envp, usec_t timeout,
                   const BuiltinGenerator *builtins) {
        _cleanup_strv_free_ char **paths = NULL, **env = NULL, **names = NULL;
        int r = collect(search, &paths, &names);
        if (r < 0) return r;
        size_t n_builtin = 0;
        for (const BuiltinGenerator *b = builtins; b && b->name; b++)
                if (!strv_contains(names, b->name)) n_builtin++;
        if (!paths[0] && n_builtin == 0) return 0;
        for (int i = 0; i < 3; i++) {
                if ((r = mkdir_parents(out[i], 0755)) < 0) return r;
                if (mkdir(out[i], 0755) < 0 && errno != EEXIST) return -errno;
                (void)rm_rf_at(AT_FDCWD, out[i], true);
        }
        if ((r = build_env(envp, &env)) < 0) return r;
        size_t n = strv_length(paths);
        _cleanup_free_ pid_t *pids = calloc(n + 1, sizeof(pid_t));
        if (!pids) return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                pids[i] = spawn_one(paths[i], out, env);
                if (pids[i] < 0) log_warning("Failed to fork generator %s: %s", paths[i], strerror(errno));
        }
        /* the built-in ones while the others run */
        for (const BuiltinGenerator *b = builtins; b && b->name; b++)
                if (!strv_contains(names, b->name)) (void)b->run(out);
        usec_t deadline = now_usec() + timeout;
        for (size_t left = n; left > 0;) {
                left = 0;
                for (size_t i = 0; i < n; i++) {
                        if (pids[i] <= 0) continue;
                        int st;
                        pid_t p = waitpid(pids[i], &st, WNOHANG);
                        if (p == 0) { left++; continue; }
                        if (p > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
                                log_warning("%s failed with %s %d.", paths[i],
                                            WIFEXITED(st) ? "exit status" : "signal",
                                            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
                        pids[i] = 0;
                }
                if (left == 0) break;
                if (now_usec() >= deadline) {
                        for (size_t i = 0; i < n; i++)
                                if (pids[i] > 0) {
                                        log_warning("%s timed out, killing.", paths[i]);
                                        (void)kill(pids[i], SIGKILL);
                                        (void)waitpid(pids[i], NULL, 0);
                                        pids[i] = 0;
                                }
                        break;
                }
                struct timespec ts = { 0, 5 * 1000 * 1000 };
                nanosleep(&ts, NULL);
        }
        return (int)(n + n_builtin);
}
