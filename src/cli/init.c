/* SPDX-License-Identifier: MIT */
/* `tinysd [OPTIONS] [--] [CMD ARGS...]`: the manager, as PID 1 (or, with --subreaper, as a child
 * subreaper below another init). Options follow systemd's command line where one exists
 * (--unit=, systemd.unit=, --show-status=, systemd.log_level=); the rest are tinysd's own
 * (--clean-environment, --shutdown-timeout=, --quiet, --log-format=, --exit-on-failure,
 * --wait-for-boot, --subreaper). CMD is the container's main program (core/main-command.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/log.h"
#include "base/machine-id.h"
#include "base/parse.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "core/console.h"
#include "core/container.h"
#include "core/exit-policy.h"
#include "core/generator.h"
#include "core/main-command.h"
#include "core/manager.h"
#include "core/system.h"
#include "journal/journal-forward.h"

extern char **environ;

static int parse_level(const char *s) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        for (int i = 0; i < 8; i++)
                if (streq(s, names[i])) return i;
        char *end;
        long v = strtol(s, &end, 10);
        return *s && !*end && v >= 0 && v <= 7 ? (int)v : -1;
}

static int parse_bool_arg(const char *v) {
        if (streq(v, "yes") || streq(v, "1") || streq(v, "true") || streq(v, "on") || streq(v, "auto")) return 1;
        if (streq(v, "no") || streq(v, "0") || streq(v, "false") || streq(v, "off")) return 0;
        return -1;
}

/* Words systemd reads from its command line as PID 1 in a container (kernel command-line items):
 * systemd.* and other name=value assignments, `quiet`, the runlevel words. Accepted (systemd.* and
 * quiet are used, the rest ignored, as systemd ignores what it does not know); any other word is
 * the main program. */
static bool is_kernel_word(const char *a) {
        static const char *const words[] = {
                "quiet", "single", "s", "S", "1", "2", "3", "4", "5", "rescue", "emergency",
        };
        for (size_t i = 0; i < sizeof words / sizeof *words; i++)
                if (streq(a, words[i])) return true;
        size_t n = strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
        return n > 0 && a[n] == '=';
}

typedef struct InitArgs {
        ManagerSettings set;
        ConsoleSettings cs;
        bool subreaper;             /* --subreaper: another init is PID 1 (docker run --init) */
        bool wait_for_boot;         /* --wait-for-boot: CMD starts when the boot transaction is done */
        char **cmd;                 /* argv of the main program (borrowed), or NULL */
} InitArgs;

static int bad_value(const InitArgs *a, const char *what, const char *v) {
        console_early_error(&a->cs, "Failed to parse %s '%s'.", what, v);
        return -EINVAL;
}

/* One option at argv[*i] (with its value, possibly the next word): 1 taken, 0 not an option of
 * ours, -EINVAL a bad value (said). */
static int parse_option(int argc, char **argv, int *i, InitArgs *a) {
        const char *o = argv[*i], *v;
        if (arg_value(argc, argv, i, "--unit", NULL, &v) || (v = startswith(o, "systemd.unit=")))
                a->set.default_unit = v;
        else if (streq(o, "--quiet") || streq(o, "quiet") || streq(o, "-q"))
                a->set.show_status = false, a->set.show_status_given = true, a->cs.quiet = true;
        else if (arg_value(argc, argv, i, "--show-status", NULL, &v) || (v = startswith(o, "systemd.show_status="))) {
                int b = parse_bool_arg(v);
                if (b < 0) return bad_value(a, "show status setting", v);
                a->set.show_status = b;
                a->set.show_status_given = true;
        } else if (arg_value(argc, argv, i, "--log-level", NULL, &v) || (v = startswith(o, "systemd.log_level="))) {
                if ((a->cs.max_level = parse_level(v)) < 0) return bad_value(a, "log level", v);
                a->set.log_level_given = true;
        } else if (arg_value(argc, argv, i, "--log-format", NULL, &v)) {
                int f = journal_forward_format_from_string(v);
                if (f < 0) {
                        console_early_error(&a->cs, "Failed to parse log format '%s' (short, json, off).", v);
                        return -EINVAL;
                }
                a->cs.format = f;
        } else if (streq(o, "--clean-environment"))
                a->set.clean_environment = true;
        else if (arg_value(argc, argv, i, "--shutdown-timeout", NULL, &v)) {
                if (parse_sec(v, &a->set.shutdown_timeout) < 0) return bad_value(a, "--shutdown-timeout", v);
        } else if (streq(o, "--exit-on-failure"))
                a->set.exit_on_failure = true;
        else if ((v = startswith(o, "--exit-on-failure="))) {
                int b = exit_policy_parse(v);
                if (b < 0) return bad_value(a, "--exit-on-failure", v);
                a->set.exit_on_failure = b;
        } else if (streq(o, "--wait-for-boot"))
                a->wait_for_boot = true;
        else if (streq(o, "--subreaper"))
                a->subreaper = true;
        else if (streq(o, "--system") || streq(o, "--no-pager") || startswith(o, "systemd.") || is_kernel_word(o))
                ;   /* systemd's own or kernel-command-line words: accepted, as systemd does */
        else
                return 0;
        return 1;
}

/* Options up to `--` or the first word that is neither an option nor a kernel command-line word:
 * everything from there on is the main program's, never parsed here. */
static int parse_args(int argc, char **argv, InitArgs *a) {
        const char *v = getenv("TINYSD_EXIT_ON_FAILURE");
        if (v && *v) {
                int b = exit_policy_parse(v);
                if (b < 0) return bad_value(a, "$TINYSD_EXIT_ON_FAILURE", v);
                a->set.exit_on_failure = b;
        }
        for (int i = 1; i < argc; i++) {
                const char *o = argv[i];
                if (streq(o, "--")) {
                        if (i + 1 < argc) a->cmd = argv + i + 1;
                        return 0;
                }
                if (o[0] != '-' && !is_kernel_word(o)) {
                        a->cmd = argv + i;
                        return 0;
                }
                int r = parse_option(argc, argv, &i, a);
                if (r < 0) return r;
                if (r == 0) {
                        console_early_error(&a->cs, "unknown option '%s'. See 'tinysd --help'.", o);
                        return -EINVAL;
                }
        }
        return 0;
}

/* Before generators and the journal read it: the image's id, or one for this boot. */
static void set_up_machine_id(void) {
        char id[33];
        int r = machine_id_setup(NULL, getenv("container_uuid"), id);
        if (r < 0) log_warning("Cannot write " MACHINE_ID_RUN_PATH ": %s", strerror(-r));
        else if (machine_id_source_message(r)) log_info("%s", machine_id_source_message(r));
}

int manager_main(int argc, char **argv) {
        InitArgs a = {
                .set = {
                        .show_status = true,
                        .shutdown_timeout = 9 * USEC_PER_SEC,   /* inside Docker's default 10 s grace */
                },
        };
        const char *bad_env;
        console_settings_from_env(&a.cs, &bad_env);
        if (getenv("TINYSD_DEBUG")) a.cs.max_level = LOG_DEBUG, a.set.log_level_given = true;
        if (parse_args(argc, argv, &a) < 0) return 1;
        /* As the system manager only as PID 1 (of any PID namespace): started by hand on a host it
         * would boot the host's units (tmpfiles removing /tmp, sockets over /run/docker.sock). */
        if (getpid() != 1 && !a.subreaper) {
                console_early_error(&a.cs, "Can't run system mode unless PID 1 (this is pid %d); "
                                           "below another init (docker run --init) pass --subreaper.", (int)getpid());
                return 1;
        }
        /* the container's environment as it was given: the main program gets exactly that */
        MainCommand *cmd = NULL;
        if (a.cmd && main_command_new(a.cmd, environ, a.wait_for_boot, &cmd) < 0) {
                console_early_error(&a.cs, "Out of memory.");
                return 1;
        }
        a.cs.show_status = a.set.show_status;
        /* from here on every line PID 1 writes is in the chosen format */
        console_init(NULL, &a.cs);
        if (bad_env) log_warning("%s=%s: not understood, ignoring.", bad_env, getenv(bad_env));
        set_up_machine_id();
        /* generators write units the loader (in manager_new) must see; on daemon-reload they are
         * not rerun yet */
        int r = generators_run(generator_search_path, generator_output_dirs, environ, 90 * USEC_PER_SEC,
                               builtin_generators);
        if (r < 0) log_error("Failed to run generators: %s", strerror(-r));
        Manager *m = NULL;
        r = manager_new(&a.set, &m);
        if (r < 0) {
                log_error("Failed to allocate manager: %s", strerror(-r));
                console_done();
                main_command_free(cmd);
                return 1;
        }
        m->main_command = cmd;
        console_set_loop(m->event);
        (void)container_setup(m, environ);
        if ((r = manager_build_environment(m, environ)) < 0) {
                log_error("Failed to build the service environment: %s", strerror(-r));
                console_done();
                manager_free(m);
                return 1;
        }
        r = manager_boot(m);
        int code = r < 0 ? 1 : manager_run(m);
        console_done();
        manager_free(m);
        return code;
}
