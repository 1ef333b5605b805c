/* SPDX-License-Identifier: MIT */
/* `systemctl`: options, the verb table, the online/offline decision. The verbs themselves live
 * in systemctl-*.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/escape.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/systemctl.h"
#include "unit/install.h"
#include "unit/name.h"

typedef struct CtlVerb {
        const char *name;
        int min_args, max_args;   /* counting the verb; -1: any */
        bool offline_ok;          /* unit-file verbs: handed to systemctl_offline_run() offline */
        int (*run)(Ctl *c, int argc, char **argv);
} CtlVerb;

static int verb_help(Ctl *c, int argc, char **argv);

static const CtlVerb verbs[] = {
        { "list-units",            -1, -1, false, verb_ctl_list_units },
        { "list-unit-files",       -1, -1, true,  verb_ctl_list_unit_files },
        { "list-sockets",          -1, -1, false, verb_ctl_list_sockets },
        { "list-timers",           -1, -1, false, verb_ctl_list_timers },
        { "list-jobs",             -1, -1, false, verb_ctl_list_jobs },
        { "list-dependencies",     -1, -1, false, verb_ctl_list_dependencies },
        { "start",                  2, -1, false, verb_ctl_start },
        { "stop",                   2, -1, false, verb_ctl_start },
        { "condstop",               2, -1, false, verb_ctl_start },
        { "reload",                 2, -1, false, verb_ctl_start },
        { "restart",                2, -1, false, verb_ctl_start },
        { "try-restart",            2, -1, false, verb_ctl_start },
        { "reload-or-restart",     -1, -1, false, verb_ctl_start },
        { "reload-or-try-restart",  2, -1, false, verb_ctl_start },
        { "try-reload-or-restart",  2, -1, false, verb_ctl_start },
        { "force-reload",           2, -1, false, verb_ctl_start },
        { "condreload",             2, -1, false, verb_ctl_start },
        { "condrestart",            2, -1, false, verb_ctl_start },
        { "isolate",                2,  2, false, verb_ctl_isolate },
        { "kill",                   2, -1, false, verb_ctl_kill },
        { "clean",                  2, -1, false, verb_ctl_clean_or_freeze },
        { "freeze",                 2, -1, false, verb_ctl_clean_or_freeze },
        { "thaw",                   2, -1, false, verb_ctl_clean_or_freeze },
        { "whoami",                -1, -1, false, verb_ctl_whoami },
        { "is-active",              2, -1, false, verb_ctl_is_active },
        { "check",                  2, -1, false, verb_ctl_is_active },
        { "is-failed",              2, -1, false, verb_ctl_is_active },
        { "show",                  -1, -1, false, verb_ctl_show },
        { "cat",                    2, -1, false, verb_ctl_cat },
        { "edit",                   2, -1, false, verb_ctl_edit },
        { "status",                -1, -1, false, verb_ctl_status },
        { "help",                  -1, -1, false, verb_help },
        { "daemon-reload",         -1,  1, false, verb_ctl_daemon_reload },
        { "daemon-reexec",         -1,  1, false, verb_ctl_daemon_reload },
        { "show-environment",      -1,  1, false, verb_ctl_show_environment },
        { "set-environment",        2, -1, false, verb_ctl_set_environment },
        { "unset-environment",      2, -1, false, verb_ctl_set_environment },
        { "import-environment",    -1, -1, false, verb_ctl_import_environment },
        { "list-machines",         -1, -1, false, verb_ctl_list_machines },
        { "halt",                  -1,  1, false, verb_ctl_power },
        { "poweroff",              -1,  1, false, verb_ctl_power },
        { "reboot",                -1,  2, false, verb_ctl_power },
        { "kexec",                 -1,  1, false, verb_ctl_power },
        { "default",               -1,  1, false, verb_ctl_power },
        { "rescue",                -1,  1, false, verb_ctl_power },
        { "emergency",             -1,  1, false, verb_ctl_power },
        { "exit",                  -1,  2, false, verb_ctl_power },
        { "reset-failed",          -1, -1, false, verb_ctl_reset_failed },
        { "set-property",           3, -1, false, verb_ctl_set_property },
        { "enable",                 2, -1, true,  verb_ctl_enable },
        { "disable",                2, -1, true,  verb_ctl_enable },
        { "reenable",               2, -1, true,  verb_ctl_enable },
        { "preset",                 2, -1, true,  verb_ctl_enable },
        { "preset-all",            -1,  1, true,  verb_ctl_enable },
        { "mask",                   2, -1, true,  verb_ctl_enable },
        { "unmask",                 2, -1, true,  verb_ctl_enable },
        { "link",                   2, -1, true,  verb_ctl_enable },
        { "revert",                 2, -1, true,  verb_ctl_enable },
        { "add-wants",              3, -1, false, verb_ctl_add_dependency },
        { "add-requires",           3, -1, false, verb_ctl_add_dependency },
        { "is-enabled",             2, -1, true,  verb_ctl_is_enabled },
        { "get-default",           -1,  1, true,  verb_ctl_get_default },
        { "set-default",            2,  2, true,  verb_ctl_set_default },
        { "is-system-running",     -1,  1, false, verb_ctl_is_system_running },
        { "log-level",             -1,  2, false, verb_ctl_log_setting },
        { "log-target",            -1,  2, false, verb_ctl_log_setting },
        { "service-log-level",      2,  3, false, verb_ctl_service_log_setting },
        { "service-log-target",     2,  3, false, verb_ctl_service_log_setting },
};

static void help(void) {
        printf("systemctl [OPTIONS...] COMMAND ...\n\n"
               "Query or send control commands to the system manager (tinysd).\n\n"
               "Unit Commands:\n"
               "  list-units [PATTERN...]             List units currently in memory\n"
               "  list-sockets [PATTERN...]           List socket units currently in memory\n"
               "  list-timers [PATTERN...]            List timer units currently in memory\n"
               "  is-active PATTERN...                Check whether units are active\n"
               "  is-failed PATTERN...                Check whether units are failed\n"
               "  status [PATTERN...|PID...]          Show runtime status of one or more units\n"
               "  show [PATTERN...|JOB...]            Show properties of one or more units/jobs or the manager\n"
               "  cat PATTERN...                      Show files and drop-ins of specified units\n"
               "  start UNIT...                       Start (activate) one or more units\n"
               "  stop UNIT...                        Stop (deactivate) one or more units\n"
               "  reload UNIT...                      Reload one or more units\n"
               "  restart UNIT...                     Start or restart one or more units\n"
               "  try-restart UNIT...                 Restart one or more units if active\n"
               "  reload-or-restart UNIT...           Reload one or more units if possible, otherwise start or restart\n"
               "  try-reload-or-restart UNIT...       If active, reload one or more units, if supported, otherwise restart\n"
               "  isolate UNIT                        Start one unit and stop all others\n"
               "  kill UNIT...                        Send signal to processes of a unit\n"
               "  clean UNIT...                       Clean runtime, cache, state, logs or\n"
               "                                      configuration of unit\n"
               "  freeze PATTERN...                   Freeze execution of unit processes\n"
               "  thaw PATTERN...                     Resume execution of a frozen unit\n"
               "  whoami [PID...]                     Return unit caller or specified PIDs are part of\n"
               "  reset-failed [PATTERN...]           Reset failed state for all, one, or more units\n"
               "  set-property UNIT PROPERTY=VALUE... Sets one or more properties of a unit\n"
               "  list-dependencies [UNIT...]         Recursively show units which are required or wanted by the units\n\n"
               "Unit File Commands:\n"
               "  list-unit-files [PATTERN...]        List installed unit files\n"
               "  enable [UNIT...|PATH...]            Enable one or more unit files\n"
               "  disable UNIT...                     Disable one or more unit files\n"
               "  reenable UNIT...                    Reenable one or more unit files\n"
               "  preset UNIT...                      Enable/disable one or more unit files based on preset configuration\n"
               "  preset-all                          Enable/disable all unit files based on preset configuration\n"
               "  is-enabled UNIT...                  Check whether unit files are enabled\n"
               "  mask UNIT...                        Mask one or more units\n"
               "  unmask UNIT...                      Unmask one or more units\n"
               "  link PATH...                        Link one or more units files into the search path\n"
               "  edit UNIT...                        Edit one or more unit files\n"
               "  revert UNIT...                      Revert one or more unit files to vendor version\n"
               "  add-wants TARGET UNIT...            Add 'Wants' dependency for the target on specified one or more units\n"
               "  add-requires TARGET UNIT...         Add 'Requires' dependency for the target on specified one or more units\n"
               "  get-default                         Get the name of the default target\n"
               "  set-default TARGET                  Set the default target\n\n"
               "Machine Commands:\n"
               "  list-machines [PATTERN...]          List local containers and host\n\n"
               "Job Commands:\n"
               "  list-jobs [PATTERN...]              List jobs\n\n"
               "Environment Commands:\n"
               "  show-environment                    Dump environment\n"
               "  set-environment VARIABLE=VALUE...   Set one or more environment variables\n"
               "  unset-environment VARIABLE...       Unset one or more environment variables\n"
               "  import-environment VARIABLE...      Import all or some environment variables\n\n"
               "Manager State Commands:\n"
               "  daemon-reload                       Reload systemd manager configuration\n"
               "  is-system-running                   Check whether system is fully running\n"
               "  log-level [LEVEL]                   Get/set logging threshold for manager\n"
               "  log-target [TARGET]                 Get/set logging target for manager\n"
               "  service-log-level SERVICE [LEVEL]   Get/set logging threshold for service\n"
               "  service-log-target SERVICE [TARGET] Get/set logging target for service\n\n"
               "System Commands:\n"
               "  halt, poweroff, reboot              Shut down the container\n"
               "  exit [EXIT_CODE]                    Ask the service manager to quit\n\n"
               "Options:\n"
               "  -h --help              Show this help\n"
               "     --version           Show package version\n"
               "  -t --type=TYPE         List units of a particular type\n"
               "     --state=STATE       List units with particular LOAD or SUB or ACTIVE state\n"
               "     --failed            Shortcut for --state=failed\n"
               "  -p --property=NAME     Show only properties by this name\n"
               "  -P NAME                Equivalent to --value --property=NAME\n"
               "  -a --all               Show all properties/all units currently in memory\n"
               "  -r --recursive         (accepted, no effect)\n"
               "     --reverse           Show reverse dependencies with 'list-dependencies'\n"
               "     --before            Show units ordered before with 'list-dependencies'\n"
               "     --after             Show units ordered after with 'list-dependencies'\n"
               "  -l --full              Don't ellipsize unit names on output\n"
               "     --value             When showing properties, only print the value\n"
               "     --job-mode=MODE     Specify how to deal with already queued jobs\n"
               "     --no-block          Do not wait until operation finished\n"
               "  -T --show-transaction  When enqueuing a unit job, show full transaction\n"
               "     --no-legend         Do not print a legend (column headers and hints)\n"
               "     --no-pager          Do not pipe output into a pager\n"
               "  -q --quiet             Suppress output\n"
               "     --kill-whom=WHOM    Whom to send signal to\n"
               "  -s --signal=SIGNAL     Which signal to send\n"
               "  -f --force             When enabling unit files, override existing symlinks\n"
               "     --now               Start or stop unit after enabling or disabling it\n"
               "     --runtime           Enable/disable/mask unit files temporarily until next reboot\n"
               "     --root=PATH         Operate on an alternate filesystem root (offline)\n"
               "  -n --lines=INTEGER     Number of journal entries to show\n"
               "  -o --output=STRING     Change journal output mode\n"
               "     --plain             Print unit dependencies as a list instead of a tree\n"
               "     --wait              For is-system-running: wait until startup is completed\n");
}

/* `systemctl help UNIT...`: 252 opens the unit's Documentation= man pages; without man(1) in a
 * container, tinysd prints the documentation references instead. */
static int verb_help(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;

        if (argc <= 1) {
                fputs("'help' command expects one or more unit names.\n"
                      "(Alternatively, help for systemctl itself may be shown with --help)\n", stderr);
                return 1;
        }
        if (ctl_bus(c) < 0 || ctl_expand_names(c, argv + 1, NULL, &names, NULL) < 0)
                return 1;
        STRV_FOREACH(n, names) {
                _cleanup_bus_message_ BusMessage *reply = NULL;
                _cleanup_strv_free_ char **docs = NULL;
                _cleanup_free_ char *path = NULL;

                if (ctl_unit_path(*n, &path) < 0 ||
                    ctl_get_property(c, path, SD_UNIT, "Documentation", "as", &reply) < 0 ||
                    bus_message_read_strv(reply, &docs) < 0)
                        return 1;
                if (!docs || !docs[0]) {
                        fprintf(stderr, "Documentation for %s not known.\n", *n);
                        continue;
                }
                STRV_FOREACH(d, docs)
                        puts(*d);
        }
        return 0;
}

static int split_append(char ***l, const char *s) {
        _cleanup_strv_free_ char **parts = NULL;
        int r = strv_split_full(&parts, s, ",", 0);
        if (r < 0)
                return r;
        return strv_extend_strv(l, parts, false);
}

/* -t and --state=: as systemctl 252, a load state given to -t is a state, "help" lists the values */
static const char *const load_states[] = { "stub", "loaded", "not-found", "bad-setting", "error", "merged", "masked", NULL };

static int split_list(const char *opt, const char *arg, char ***l, bool types, bool *done, CtlArgs *a) {
        if (isempty(arg)) return log_error_errno(EINVAL, "--%s= requires arguments.", opt);
        for (const char *p = arg;;) {
                char *w = NULL;
                int r = extract_first_word(&p, &w, ",", 0);
                if (r < 0) return log_error_errno(r, "Failed to parse %s: %s", types ? "type" : "state", arg);
                if (r == 0) return 0;
                if (streq(w, "help")) {
                        free(w);
                        if (types) {
                                puts("Available unit types:");
                                for (int t = 0; t < _UNIT_TYPE_MAX; t++) puts(unit_type_to_string(t));
                        } else
                                puts("Available unit file states:\nenabled\nenabled-runtime\nlinked\nlinked-runtime\n"
                                     "alias\nmasked\nmasked-runtime\nstatic\ndisabled\nindirect\ngenerated\ntransient\nbad");
                        *done = true;
                        return 0;
                }
                if (types && unit_type_from_string(w) < 0) {
                        bool load = false;
                        for (const char *const *s = load_states; *s; s++) load = load || streq(*s, w);
                        if (!load) {
                                log_error("Unknown unit type or load state '%s'.", w);
                                free(w);
                                return log_info("Use -t help to see a list of allowed values."), -EINVAL;
                        }
                        r = strv_push(&a->states, w);
                } else
                        r = strv_push(l, w);
                if (r < 0) return log_oom();
        }
}

/* --root=: made absolute against the working directory and simplified, as parse_path_argument(). */
static int set_root(CtlArgs *a, const char *arg) {
        _cleanup_free_ char *cwd = NULL;
        char *abs;
        if (arg[0] != '/') {
                if (!(cwd = getcwd(NULL, 0))) return log_error_errno(errno, "Failed to get cwd: %m");
                abs = strjoin(cwd, "/", arg);
        } else
                abs = strdup(arg);
        if (!abs) return log_oom();
        char *w = abs;
        for (const char *s = abs; *s;) {
                if (*s == '/') {
                        while (*s == '/' || (s[0] == '.' && (s[1] == '/' || !s[1]) && s[-1] == '/')) s++;
                        *w++ = '/';
                } else
                        *w++ = *s++;
        }
        *w = 0;
        if (w > abs + 1 && w[-1] == '/') w[-1] = 0;
        free(a->root);
        a->root = abs;
        return 0;
}

/* --what=TYPE[,TYPE...] as 252: "help" lists the types and exits. 1 to go on, 0 done, <0 error. */
static int parse_clean_what(const char *arg, CtlArgs *a) {
        if (isempty(arg))
                return log_error_errno(EINVAL, "--what= requires arguments.");
        for (const char *p = arg;;) {
                _cleanup_free_ char *k = NULL;
                int r = extract_first_word(&p, &k, ",", 0);
                if (r < 0)
                        return log_error_errno(-r, "Failed to parse directory type: %s", arg);
                if (r == 0)
                        return 1;
                if (streq(k, "help")) {
                        puts("runtime\nstate\ncache\nlogs\nconfiguration");
                        return 0;
                }
                if (strv_extend(&a->clean_what, k) < 0)
                        return log_oom();
        }
}

enum {
        ARG_VERSION = 0x100, ARG_VALUE, ARG_NO_BLOCK, ARG_NO_LEGEND, ARG_LEGEND, ARG_NO_PAGER, ARG_PLAIN,
        ARG_STATE, ARG_FAILED, ARG_KILL_WHOM, ARG_JOB_MODE, ARG_NOW, ARG_RUNTIME, ARG_REVERSE, ARG_BEFORE,
        ARG_MODE_FAIL, ARG_MODE_IRREVERSIBLE, ARG_MODE_IGNORE_DEPS,
        ARG_AFTER, ARG_ROOT, ARG_SYSTEM, ARG_USER, ARG_NO_ASK_PASSWORD, ARG_WAIT, ARG_NO_RELOAD,
        ARG_SHOW_TYPES, ARG_IGNORE, ARG_IGNORE_VAL, ARG_PRESET_MODE, ARG_WHAT,
};

/* Returns 1 to go on, 0 to exit 0, <0 on a usage error (exit status 1). */
static int parse_args(int argc, char **argv, CtlArgs *a) {
        bool done = false;
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "type", required_argument, NULL, 't' },
                { "property", required_argument, NULL, 'p' },
                { "all", no_argument, NULL, 'a' },
                { "reverse", no_argument, NULL, ARG_REVERSE },
                { "after", no_argument, NULL, ARG_AFTER },
                { "before", no_argument, NULL, ARG_BEFORE },
                { "show-types", no_argument, NULL, ARG_SHOW_TYPES },
                { "failed", no_argument, NULL, ARG_FAILED },
                { "full", no_argument, NULL, 'l' },
                { "job-mode", required_argument, NULL, ARG_JOB_MODE },
                { "fail", no_argument, NULL, ARG_MODE_FAIL },
                { "irreversible", no_argument, NULL, ARG_MODE_IRREVERSIBLE },
                { "ignore-dependencies", no_argument, NULL, ARG_MODE_IGNORE_DEPS },
                { "ignore-inhibitors", no_argument, NULL, 'i' },
                { "check-inhibitors", required_argument, NULL, ARG_IGNORE_VAL },
                { "value", no_argument, NULL, ARG_VALUE },
                { "user", no_argument, NULL, ARG_USER },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "no-block", no_argument, NULL, ARG_NO_BLOCK },
                { "show-transaction", no_argument, NULL, 'T' },
                { "wait", no_argument, NULL, ARG_WAIT },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "legend", required_argument, NULL, ARG_LEGEND },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "no-wall", no_argument, NULL, ARG_IGNORE },
                { "quiet", no_argument, NULL, 'q' },
                { "root", required_argument, NULL, ARG_ROOT },
                { "force", no_argument, NULL, 'f' },
                { "no-reload", no_argument, NULL, ARG_NO_RELOAD },
                { "kill-whom", required_argument, NULL, ARG_KILL_WHOM },
                { "what", required_argument, NULL, ARG_WHAT },
                { "signal", required_argument, NULL, 's' },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
                { "runtime", no_argument, NULL, ARG_RUNTIME },
                { "lines", required_argument, NULL, 'n' },
                { "output", required_argument, NULL, 'o' },
                { "plain", no_argument, NULL, ARG_PLAIN },
                { "state", required_argument, NULL, ARG_STATE },
                { "recursive", no_argument, NULL, 'r' },
                { "now", no_argument, NULL, ARG_NOW },
                { "preset-mode", required_argument, NULL, ARG_PRESET_MODE },
                {}
        };
        int c, r;

        opterr = 0;   /* glibc's messages, also when linked with musl */
        optind = 0;
        for (;;) {
                const char *cur = getopt_next_arg(argc, argv);   /* for the messages */
                if ((c = getopt_long(argc, argv, ":ht:p:P:alqfs:n:o:irH:M:T.::", options, NULL)) < 0) break;
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        puts("systemd 252 (tinysd)");
                        return 0;
                case 't':
                        if ((r = split_list("type", optarg, &a->types, true, &done, a)) < 0) return r;
                        if (done) return 0;
                        break;
                case 'P':
                        a->value = true;
                        __attribute__((fallthrough));
                case 'p':
                        if (split_append(&a->properties, optarg) < 0)
                                return -1;
                        /* -p without a value still means "only the named ones" */
                        if (!a->properties && strv_extend(&a->properties, "") < 0)
                                return -1;
                        break;
                case 'a':
                        a->all = true;
                        break;
                case ARG_REVERSE: a->reverse = true; break;
                case ARG_AFTER: a->after = true; break;
                case ARG_BEFORE: a->before = true; break;
                case ARG_SHOW_TYPES: a->show_types = true; break;
                case ARG_FAILED:
                        if (strv_extend(&a->states, "failed") < 0)
                                return -1;
                        break;
                case 'l': a->full = true; break;
                case ARG_JOB_MODE: a->job_mode = optarg; break;
                /* 252's deprecated spellings of --job-mode= */
                case ARG_MODE_FAIL: a->job_mode = "fail"; break;
                case ARG_MODE_IRREVERSIBLE: a->job_mode = "replace-irreversibly"; break;
                case ARG_MODE_IGNORE_DEPS: a->job_mode = "ignore-dependencies"; break;
                case ARG_VALUE: a->value = true; break;
                case ARG_USER:
                        fputs("--user is not supported by tinysd's systemctl.\n", stderr);
                        return -1;
                case ARG_SYSTEM: break;
                case ARG_NO_BLOCK: a->no_block = true; break;
                case ARG_WAIT: a->wait = true; break;
                case ARG_NO_LEGEND: a->no_legend = true; break;
                case ARG_LEGEND:
                        r = parse_boolean(optarg);
                        if (r < 0) {
                                fprintf(stderr, "Failed to parse --legend= argument '%s': Invalid argument\n", optarg);
                                return -1;
                        }
                        a->no_legend = !r;
                        break;
                case 'T': a->show_transaction = true; break;
                case ARG_NO_PAGER: case ARG_NO_ASK_PASSWORD: case ARG_IGNORE: case ARG_IGNORE_VAL:
                case 'i': case 'r':
                        break;
                case 'q': a->quiet = true; break;
                case ARG_ROOT:
                        if ((r = set_root(a, optarg)) < 0) return r;
                        break;
                case 'f': a->force = true; break;
                case ARG_NO_RELOAD: a->no_reload = true; break;
                case ARG_KILL_WHOM: a->kill_whom = optarg; break;
                case ARG_WHAT:
                        if ((r = parse_clean_what(optarg, a)) <= 0) return r;
                        break;
                case 's':
                        if (parse_signal(optarg, &a->signal) < 0) {
                                fprintf(stderr, "Failed to parse signal string %s.\n", optarg);
                                return -1;
                        }
                        break;
                case ARG_RUNTIME: a->runtime = true; break;
                case 'n':
                        if (safe_atou(optarg, &a->lines) < 0) {
                                fprintf(stderr, "Failed to parse lines '%s'\n", optarg);
                                return -1;
                        }
                        break;
                case 'o':
                        a->output = optarg;
                        break;
                case ARG_PLAIN: a->plain = true; break;
                case ARG_STATE:
                        if ((r = split_list("state", optarg, &a->states, false, &done, a)) < 0) return r;
                        if (done) return 0;
                        break;
                case ARG_PRESET_MODE:
                        if ((r = preset_mode_from_string(optarg)) < 0)
                                return log_error_errno(EINVAL, "Failed to parse preset mode: %s.", optarg);
                        a->preset_mode = r;
                        break;
                case ARG_NOW: a->now = true; break;
                case 'H': case 'M':
                        fputs("Remote and machine transports are not supported by tinysd's systemctl.\n", stderr);
                        return -1;
                case '.':
                        /* "-.mount" and friends: getopt's message plus 252's hint */
                        fprintf(stderr, "%s: invalid option -- '.'\n"
                                "Hint: to specify units starting with a dash, use \"--\":\n"
                                "      %s [OPTIONS...] COMMAND -- -.%s ...\n",
                                program_invocation_name, program_invocation_name, optarg ? optarg : "mount");
                        return -1;
                case '?': case ':':
                        (void)getopt_bad_option(c, cur, argv[0]);
                        return -1;
                default:
                        return -1;
                }
        }
        return 1;
}

/* running_in_chroot(): our root is not PID 1's ($SYSTEMD_IGNORE_CHROOT=1 turns the check off). */
static bool in_chroot(void) {
        const char *e = getenv("SYSTEMD_IGNORE_CHROOT");
        struct stat a, b;

        if (e && parse_boolean(e) > 0)
                return false;
        if (stat("/proc/1/root", &a) < 0 || stat("/", &b) < 0)
                return false;
        return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* running_in_chroot_or_offline(): $SYSTEMD_OFFLINE decides when set, else the chroot check. */
static bool env_offline(void) {
        const char *e = getenv("SYSTEMD_OFFLINE");
        int r = e ? parse_boolean(e) : -1;

        if (r >= 0)
                return r > 0;
        return in_chroot();
}

static bool booted(void) {
        struct stat st;
        return lstat("/run/systemd/system/", &st) >= 0 && S_ISDIR(st.st_mode);
}

/* One option parser for both modes: `tinysd systemctl-offline` (offline) goes straight to the
 * unit-file verbs with the options parsed here, as systemctl does offline. */
static int ctl_main(int argc, char **argv, bool offline) {
        CtlArgs a = { .signal = SIGTERM, .lines = 10 };
        Ctl c = { .args = &a };
        const CtlVerb *v = NULL;
        const char *name;
        int r, left;

        r = parse_args(argc, argv, &a);
        if (r <= 0)
                goto finish;
        if (offline) {
                r = systemctl_offline_run(&a, argc - optind, argv + optind);
                goto finish_code;
        }
        left = argc - optind;
        name = left > 0 ? argv[optind] : "list-units";
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        v = &verbs[i];
        if (!v) {
                fprintf(stderr, "Unknown command verb %s.\n", name);
                r = -1;
                goto finish;
        }
        if (left == 0)
                left = 1;
        if (v->min_args >= 0 && left < v->min_args) {
                fputs("Too few arguments.\n", stderr);
                r = -1;
                goto finish;
        }
        if (v->max_args >= 0 && left > v->max_args) {
                fputs("Too many arguments.\n", stderr);
                r = -1;
                goto finish;
        }
        if (v->offline_ok && (a.root || env_offline() || !booted())) {
                r = systemctl_offline_run(&a, argc - optind, argv + optind);
                goto finish_code;
        }
        if (a.root) {
                fputs("--root= is only supported for unit file commands.\n", stderr);
                r = -1;
                goto finish;
        }
        if (env_offline() && !v->offline_ok) {
                fprintf(stderr, "Running in chroot, ignoring command '%s'\n", name);
                r = 0;
                goto finish;
        }
        if (!booted() && v->run != verb_ctl_is_system_running) {
                fputs("System has not been booted with systemd as init system (PID 1). Can't operate.\n"
                      "Failed to connect to bus: Host is down\n", stderr);
                r = -1;
                goto finish;
        }
        {
                char *fake[] = { (char *) name, NULL };
                if (argc - optind > 0)
                        r = v->run(&c, argc - optind, argv + optind);
                else
                        r = v->run(&c, 1, fake);
        }
        goto finish_code;
finish:
        r = r < 0 ? 1 : 0;
finish_code:
        if (r < 0)
                r = 1;
        bus_conn_free(c.conn);
        strv_free(a.properties);
        strv_free(a.states);
        strv_free(a.types);
        strv_free(a.clean_what);
        free(a.root);
        return r;
}

int systemctl_main(int argc, char **argv) { return ctl_main(argc, argv, false); }
int systemctl_offline_main(int argc, char **argv) { return ctl_main(argc, argv, true); }
