/* SPDX-License-Identifier: MIT */
#pragma once
/* The container's main program: `tinysd [OPTIONS] [--] CMD ARGS...`, i.e. `docker run IMAGE CMD
 * ARGS...` with tinysd as the ENTRYPOINT (s6-overlay's `/init CMD`, tini's model).
 *
 * CMD runs as a child of PID 1 with the container's stdin, stdout, stderr and environment, in a
 * process group of its own that owns the terminal when there is one (Ctrl-C reaches CMD, not PID
 * 1). It starts once the boot transaction is enqueued, or once it is done (--wait-for-boot). When
 * it exits, the container stops in order and exits with its status (128+N when killed by signal
 * N). When the container is stopped otherwise (SIGTERM, poweroff, --exit-on-failure), CMD is
 * stopped first (SIGTERM to its process group, SIGKILL after half the shutdown timeout), then the
 * units; the exit status is CMD's unless the stop asked for a non-zero one. */
#include <stdbool.h>

typedef struct Manager Manager;
typedef struct MainCommand MainCommand;

/* Remember ARGV (copied; argv[0] looked up in $PATH at start) and ENVP (copied: the environment
 * the container was started with). */
int main_command_new(char *const *argv, char *const *envp, bool after_boot, MainCommand **ret);
void main_command_free(MainCommand *c);

/* Called by the manager: the boot transaction was enqueued / has no jobs left. */
void main_command_boot_started(Manager *m);
void main_command_boot_finished(Manager *m);
/* The container is stopping: true while CMD still runs (it was asked to stop; the manager stops
 * the units once it is gone, see manager_stop_units()). */
bool main_command_stop(Manager *m);
