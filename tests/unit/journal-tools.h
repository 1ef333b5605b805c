/* SPDX-License-Identifier: MIT */
#pragma once
/* Run the real clients (logger, systemd-cat) against sockets of the test. systemd-cat and
 * logger --journald only talk to /run/systemd/journal/{stdout,socket}: journal_tools_private_run()
 * moves the test process into its own mount namespace with a tmpfs on /run/systemd, so the host
 * is never touched. Header-only; tests skip when this is not possible (not root, no tool). */
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static inline bool journal_tools_have(const char *path) {
        return access(path, X_OK) == 0;
}

/* 0 when /run/systemd is a private tmpfs of this process from now on. */
static inline int journal_tools_private_run(void) {
        static int done = 0;
        if (done)
                return done > 0 ? 0 : -1;
        done = -1;
        if (access("/run/systemd", F_OK) < 0 || unshare(CLONE_NEWNS) < 0 ||
            mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", "/run/systemd", "tmpfs", 0, "mode=0755") < 0 ||
            mkdir("/run/systemd/journal", 0755) < 0)
                return -1;
        done = 1;
        return 0;
}

static inline int journal_tools_bind(int type, const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t l = strlen(path);
        int fd;
        if (l >= sizeof sa.sun_path)
                return -1;
        memcpy(sa.sun_path, path, l + 1);
        fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        unlink(path);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || (type == SOCK_STREAM && listen(fd, 4) < 0)) {
                close(fd);
                return -1;
        }
        return fd;
}

/* Run argv with stdin from `input` (may be NULL) and wait; returns the exit status or -1. */
static inline int journal_tools_run(char *const argv[], const char *input, size_t input_len) {
        int p[2], st;
        pid_t pid;
        posix_spawn_file_actions_t fa;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -1;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[0], 0);
        if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
                posix_spawn_file_actions_destroy(&fa);
                close(p[0]);
                close(p[1]);
                return -1;
        }
        posix_spawn_file_actions_destroy(&fa);
        close(p[0]);
        if (input && input_len > 0) {
                size_t off = 0;
                while (off < input_len) {
                        ssize_t n = write(p[1], input + off, input_len - off);
                        if (n <= 0)
                                break;
                        off += (size_t) n;
                }
        }
        close(p[1]);
        if (waitpid(pid, &st, 0) < 0)
                return -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* CPU seconds this process has used: parsers must stay linear, so a pathological input is given a
 * bound no linear run comes near (milliseconds are needed; seconds are allowed) while a quadratic
 * one exceeds it by orders of magnitude. CPU time, not wall time: a busy machine does not count. */
#include <time.h>
#if defined(__SANITIZE_ADDRESS__)
#  define JOURNAL_TOOLS_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define JOURNAL_TOOLS_SANITIZED 1
#  endif
#endif
#ifdef JOURNAL_TOOLS_SANITIZED
#  define JOURNAL_TOOLS_LINEAR_BOUND_SEC 20.0   /* ASan+UBSan: every malloc is ~20x dearer */
#else
#  define JOURNAL_TOOLS_LINEAR_BOUND_SEC 1.0
#endif
static inline double journal_tools_cpu_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
#define JOURNAL_TOOLS_MB (1024U * 1024U)
