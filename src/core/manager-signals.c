/* SPDX-License-Identifier: MIT */
/* The signals PID 1 acts on, as systemd(1) SIGNALS describes them for the system manager, with
 * SIGRTMIN+n = 34+n whatever the C library (base/signal-util.h):
 *
 *   SIGTERM, SIGINT      stop every unit, exit 0; a second one: at once (systemd re-executes on
 *                        SIGTERM: here it is `docker stop`)
 *   SIGHUP               daemon-reload
 *   SIGUSR2              the manager's state to the log
 *   SIGWINCH, SIGPWR     start kbrequest.target / sigpwr.target when the image has one
 *   SIGRTMIN+0, +1, +2   isolate default.target / rescue.target / emergency.target
 *   SIGRTMIN+3 .. +6     halt / poweroff / reboot / kexec: stop every unit, exit 0
 *   SIGRTMIN+13 .. +16   the same, immediately: what is left gets SIGTERM, then SIGKILL
 *   SIGRTMIN+20, +21     status lines on / off
 *   SIGRTMIN+22, +23     log level debug / back to the one PID 1 started with
 *   SIGRTMIN+24          exit immediately (systemd: --user managers only; a container's manager
 *                        is the only one it has)
 *   SIGRTMIN+25          re-execute, which is a reload here (as D-Bus Reexecute())
 *   SIGRTMIN+26 .. +29   the log target: original (+26, +29), console (+27), kmsg (+28)
 *
 * Every other signal PID 1 can take is caught as well and said in the log, never dropped in
 * silence (a PID-namespace init without a handler does not even see it). Not caught: SIGKILL and
 * SIGSTOP; SIGCHLD (the event loop's); SIGPIPE (ignored: EPIPE is handled where it happens); the
 * faults (SEGV, BUS, ILL, FPE, TRAP, SYS, ABRT), which belong to the kernel and the sanitizers;
 * 32 and 33, which the C library keeps for its threads. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include "base/log.h"
#include "base/signal-util.h"
#include "core/console.h"
#include "core/job.h"
#include "core/log-control.h"
#include "core/manager-signals.h"
#include "core/munit.h"

static bool signal_caught(int sig) {
        switch (sig) {
        case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGPIPE:
        case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: case SIGSYS: case SIGABRT:
                return false;
        default:
                return sig < 32 || sig >= SIGNAL_RTMIN;
        }
}

/* systemd's log_received_signal(): the sender, when it is in our PID namespace. */
static void log_received(const struct signalfd_siginfo *si) {
        int sig = (int)si->ssi_signo;
        pid_t pid = (pid_t)si->ssi_pid;
        if (log_get_max_level() < LOG_INFO) return;
        if (pid <= 0) {
                log_info("Received SIG%s.", signal_abbrev(sig));
                return;
        }
        char path[32], comm[32] = "n/a";
        snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                ssize_t n = read(fd, comm, sizeof comm - 1);
                comm[n > 0 ? n : 0] = 0;
                comm[strcspn(comm, "\n")] = 0;
                close(fd);
        }
        log_info("Received SIG%s from PID %d (%s).", signal_abbrev(sig), (int)pid, comm[0] ? comm : "n/a");
}

static void reload(Manager *m) {
        int r = manager_reload(m);
        if (r < 0) log_error("Failed to reload: %s", strerror(-r));
}

/* SIGRTMIN+0..+2: systemctl isolate, as systemd's manager_start_target() */
static void isolate(Manager *m, const char *name) {
        MUnit *u = NULL;
        int r = -ESHUTDOWN;
        if (!m->shutting_down) {
                r = name ? manager_load_unit(m, name, &u) : manager_load_default_unit(m, &u);
                if (r >= 0 && (!u || !u->cfg || u->cfg->load_state != UNIT_LOADED)) r = -ENOENT;
        }
        if (r >= 0) r = manager_add_job(m, JOB_START, u, JOB_ISOLATE, NULL);
        if (r < 0) log_error("Failed to enqueue %s job: %s", u ? u->id : name ? name : "default.target", strerror(-r));
}

/* SIGWINCH, SIGPWR: the target when the image has one (systemd starts it either way and fails). */
static void start_if_present(Manager *m, const char *name, int sig) {
        MUnit *u = NULL;
        if (!m->shutting_down && manager_load_unit(m, name, &u) >= 0 && u && u->cfg && u->cfg->load_state == UNIT_LOADED) {
                int r = manager_add_job(m, JOB_START, u, JOB_REPLACE, NULL);
                if (r < 0 && r != -EALREADY) log_error("Failed to enqueue %s job: %s", name, strerror(-r));
                return;
        }
        /* SIGWINCH comes with every resize of the terminal a container runs on (docker run -t) */
        log_full(sig == SIGWINCH ? LOG_DEBUG : LOG_NOTICE, "Received SIG%s, but there is no %s: ignoring.",
                 signal_abbrev(sig), name);
}

/* SIGUSR2: as `systemd-analyze dump`, in short: every unit's states and processes, and its job. */
static void dump_state(Manager *m) {
        log_notice("Manager state: %zu units, %u jobs%s.", m->n_list, m->n_jobs, m->shutting_down ? ", shutting down" : "");
        for (size_t i = 0; i < m->n_list; i++) {
                const MUnit *u = m->list[i];
                log_notice("-> Unit %s:", u->id);
                log_notice("\tDescription: %s", munit_description(u));
                log_notice("\tUnit Load State: %s", unit_load_state_to_string(u->cfg ? u->cfg->load_state : UNIT_NOT_FOUND));
                log_notice("\tUnit Active State: %s", unit_active_state_to_string(u->state));
                /* the types with a state machine of their own: "Service State: running", ... */
                const char *type = u->vt->sub_state ? unit_type_to_string(unit_name_to_type(u->id)) : NULL;
                if (type) log_notice("\t%c%s State: %s", toupper((unsigned char)type[0]), type + 1, munit_sub_state(u));
                if (munit_main_pid(u) > 0) log_notice("\tMain PID: %d", (int)munit_main_pid(u));
                if (munit_control_pid(u) > 0) log_notice("\tControl PID: %d", (int)munit_control_pid(u));
                if (u->job)
                        log_notice("\t-> Job %u: %s, %s", u->job->id, job_type_to_string(u->job->type),
                                   u->job->state == JOB_RUNNING ? "running" : "waiting");
        }
}

static void set_show_status(Manager *m, bool on) {
        log_debug("%s (%s) showing of status (signal).", on ? "Enabling" : "Disabling", on ? "yes" : "no");
        m->set.show_status = on;
        console_set_show_status(on);
}

static void stop_all(Manager *m, int sig) {
        const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
        if (m->shutting_down) {
                log_notice("Received %s again during shutdown: killing everything now.", name);
                manager_force_exit(m, m->exit_code);
                return;
        }
        manager_start_shutdown(m, 0, sig == SIGINT ? "received SIGINT" : "received SIGTERM");
}

/* SIGRTMIN+3..+6, +13..+16: what systemd's halt, poweroff, reboot and kexec do in a container. */
static void shutdown_for(Manager *m, int n) {
        static const char *const what[] = { "halt", "poweroff", "reboot", "kexec" };
        bool now = n >= 13;
        char why[64];
        snprintf(why, sizeof why, "%s requested (SIGRTMIN+%d)", what[(n - 3) % 10], n);
        if (now) {
                log_info("Exiting at once: %s.", why);
                manager_force_exit(m, 0);
        } else
                manager_start_shutdown(m, 0, why);
}

/* Returns false for a signal nothing is done with. */
static bool dispatch(Manager *m, int sig) {
        switch (sig) {
        case SIGTERM: case SIGINT:              stop_all(m, sig); return true;
        case SIGHUP:                            reload(m); return true;
        case SIGUSR2:                           dump_state(m); return true;
        case SIGWINCH:                          start_if_present(m, "kbrequest.target", sig); return true;
        case SIGPWR:                            start_if_present(m, "sigpwr.target", sig); return true;
        case SIGUSR1:
                log_notice("Received SIGUSR1: there is no D-Bus bus to reconnect to, ignoring.");
                return true;
        case SIGNAL_RT(0):                      isolate(m, NULL); return true;
        case SIGNAL_RT(1):                      isolate(m, "rescue.target"); return true;
        case SIGNAL_RT(2):                      isolate(m, "emergency.target"); return true;
        case SIGNAL_RT(3) ... SIGNAL_RT(6):
        case SIGNAL_RT(13) ... SIGNAL_RT(16):   shutdown_for(m, sig - SIGNAL_RTMIN); return true;
        case SIGNAL_RT(20):                     set_show_status(m, true); return true;
        case SIGNAL_RT(21):                     set_show_status(m, false); return true;
        case SIGNAL_RT(22):                     log_control_override_level(LOG_DEBUG); return true;
        case SIGNAL_RT(23):                     log_control_restore_level(); return true;
        case SIGNAL_RT(24):
                log_info("Exiting at once (SIGRTMIN+24).");
                manager_force_exit(m, 0);
                return true;
        case SIGNAL_RT(25):                     reload(m); return true;
        case SIGNAL_RT(26): case SIGNAL_RT(29): log_control_restore_target(); return true;
        case SIGNAL_RT(27):                     log_control_override_target("console"); return true;
        case SIGNAL_RT(28):                     log_control_override_target("kmsg"); return true;
        default:                                return false;
        }
}

static int on_signal(EventSource *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;
        int sig = (int)si->ssi_signo;
        (void)s;
        log_received(si);
        if (!dispatch(m, sig)) log_warning("Got unhandled signal <%s>.", signal_abbrev(sig));
        return 0;
}

int manager_setup_signals(Manager *m) {
        int sigs[SIGNAL_MAX];
        size_t n = 0;
        for (int sig = 1; sig <= SIGNAL_MAX; sig++)
                if (signal_caught(sig)) sigs[n++] = sig;
        return event_add_signals(m->event, NULL, sigs, n, on_signal, m);   /* one source, one mask update */
}
