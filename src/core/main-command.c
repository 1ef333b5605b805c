/* SPDX-License-Identifier: MIT */
/* The container's main program (see main-command.h). */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include "base/log.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "core/main-command.h"
#include "core/manager.h"

struct MainCommand {
        char **argv, **envp;
        bool after_boot;
        bool started, exited;
        pid_t pid;
        bool tty;                     /* stdin is a terminal: CMD's process group owns it */
        EventSource *watch, *kill_timer;
};

int main_command_new(char *const *argv, char *const *envp, bool after_boot, MainCommand **ret) {
        MainCommand *c = calloc(1, sizeof *c);
        if (!c) return -ENOMEM;
        c->argv = strv_copy(argv);
        c->envp = strv_copy(envp);
        if (!c->argv || !c->envp || !c->argv[0]) {
                main_command_free(c);
                return -ENOMEM;
        }
        c->after_boot = after_boot;
        *ret = c;
        return 0;
}

void main_command_free(MainCommand *c) {
        if (!c) return;
        event_source_free(c->watch);
        event_source_free(c->kill_timer);
        strv_free(c->argv);
        strv_free(c->envp);
        free(c);
}

static const char *env_get(char *const *envp, const char *name) {
        size_t l = strlen(name);
        STRV_FOREACH(e, envp)
                if (strncmp(*e, name, l) == 0 && (*e)[l] == '=') return *e + l + 1;
        return NULL;
}

/* argv[0] as execvp(3) finds it in the container's $PATH; NULL when it has a '/' or is not
 * found (then exec'ing the name itself fails with the error to report). */
static char *find_in_path(const char *name, char *const *envp) {
        if (strchr(name, '/')) return NULL;
        const char *path = env_get(envp, "PATH");
        if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (const char *p = path;; p++) {
                const char *end = strchrnul(p, ':');
                char *cand = NULL;
                int dl = (int)(end - p);
                if (asprintf(&cand, "%.*s%s%s", dl, p, dl > 0 ? "/" : "", name) < 0) return NULL;
                struct stat st;
                if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) return cand;
                free(cand);
                if (!*end) return NULL;
                p = end;
        }
}

/* In the child: a process group of its own that owns the terminal, default signal handling,
 * exec. Only system calls (we are a fork of PID 1). */
static _Noreturn void child_exec(const MainCommand *c, const char *path) {
        (void)setpgid(0, 0);
        if (c->tty) {
                /* a background group may take the terminal only while ignoring SIGTTOU */
                (void)signal(SIGTTOU, SIG_IGN);
                (void)tcsetpgrp(STDIN_FILENO, getpid());
        }
        sigset_t none;
        sigemptyset(&none);
        (void)sigprocmask(SIG_SETMASK, &none, NULL);
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        for (int s = 1; s < _NSIG; s++)
                if (s != SIGKILL && s != SIGSTOP) (void)sigaction(s, &dfl, NULL);
        execve(path, c->argv, c->envp);
        int e = errno;
        dprintf(STDERR_FILENO, "tinysd: Failed to execute %s: %s\n", c->argv[0], strerror(e));
        _exit(e == ENOENT ? 127 : 126);   /* the shell's statuses for "not found" and "cannot run" */
}

static int exit_status(const siginfo_t *si) {
        if (si->si_code == CLD_EXITED) return si->si_status;
        return 128 + si->si_status;           /* killed or dumped: as a shell and Docker report it */
}

static int on_main_exit(EventSource *s, const siginfo_t *si, void *userdata) {
        Manager *m = userdata;
        MainCommand *c = m->main_command;
        (void)s;
        event_source_free(c->watch);
        c->watch = NULL;
        event_source_free(c->kill_timer);
        c->kill_timer = NULL;
        c->exited = true;
        int status = exit_status(si);
        /* the terminal goes back to our group; a background group may take it only while
         * ignoring SIGTTOU (PID 1 would drop the signal, a --subreaper manager would stop) */
        if (c->tty) {
                struct sigaction ign = { .sa_handler = SIG_IGN }, old;
                (void)sigaction(SIGTTOU, &ign, &old);
                (void)tcsetpgrp(STDIN_FILENO, getpgrp());
                (void)sigaction(SIGTTOU, &old, NULL);
        }
        if (si->si_code == CLD_EXITED)
                log_notice("%s exited with status %d: stopping the container.", c->argv[0], status);
        else
                log_notice("%s was killed by signal SIG%s: stopping the container.", c->argv[0],
                           signal_abbrev(si->si_status));
        if (m->shutting_down) {
                /* the stop asked for a status of its own (a failure) or leaves it to CMD */
                if (m->exit_code == 0) m->exit_code = status;
                manager_stop_units(m);
        } else
                manager_start_shutdown(m, status, "the main program exited");
        return 0;
}

static void start(Manager *m) {
        MainCommand *c = m->main_command;
        if (!c || c->started || m->shutting_down) return;
        c->started = true;
        _cleanup_free_ char *found = find_in_path(c->argv[0], c->envp);
        const char *path = found ? found : c->argv[0];
        c->tty = isatty(STDIN_FILENO);
        pid_t pid = fork();
        if (pid < 0) {
                log_error("Failed to start %s: %m", c->argv[0]);
                manager_start_shutdown(m, 126, "the main program could not be started");
                return;
        }
        if (pid == 0) child_exec(c, path);
        (void)setpgid(pid, pid);   /* also here: no race with a signal sent to the group early */
        c->pid = pid;
        int r = event_add_child(m->event, &c->watch, pid, on_main_exit, m);
        if (r < 0) {
                /* unwatched it would never stop the container: better not to run it at all */
                log_error("Failed to watch %s: %s", c->argv[0], strerror(-r));
                (void)kill(pid, SIGKILL);
                manager_start_shutdown(m, 126, "the main program could not be watched");
                return;
        }
        log_info("Started %s (pid %d) as the main program.", c->argv[0], (int)pid);
}

void main_command_boot_started(Manager *m) {
        if (m->main_command && !m->main_command->after_boot) start(m);
}

void main_command_boot_finished(Manager *m) {
        if (m->main_command && m->main_command->after_boot) start(m);
}

static int on_kill_timeout(EventSource *s, usec_t now, void *userdata) {
        Manager *m = userdata;
        MainCommand *c = m->main_command;
        (void)s; (void)now;
        event_source_free(c->kill_timer);
        c->kill_timer = NULL;
        log_warning("%s did not exit after SIGTERM: killing it.", c->argv[0]);
        (void)kill(-c->pid, SIGKILL);
        (void)kill(c->pid, SIGKILL);
        return 0;
}

bool main_command_stop(Manager *m) {
        MainCommand *c = m->main_command;
        if (!c || !c->started || c->exited) return false;
        if (c->kill_timer) return true;    /* asked already */
        log_info("Stopping %s (pid %d).", c->argv[0], (int)c->pid);
        (void)kill(-c->pid, SIGTERM);
        (void)kill(c->pid, SIGTERM);       /* in case it left its process group */
        usec_t t = m->set.shutdown_timeout;
        usec_t grace = t == USEC_INFINITY ? 5 * USEC_PER_SEC : t / 2;
        usec_t when = now_usec(CLOCK_MONOTONIC) + grace;
        if (event_add_time(m->event, &c->kill_timer, when, on_kill_timeout, m) < 0)
                (void)on_kill_timeout(NULL, 0, m);
        return true;
}
