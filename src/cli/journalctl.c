/* SPDX-License-Identifier: MIT */
/* tinysd's journalctl: queries the journal store (src/journal) with journalctl(1)'s options,
 * messages and exit codes as systemd 252 has them. Never a pager. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <locale.h>
#include <regex.h>
#include <sys/stat.h>
#include <stdio.h>
#include <time.h>
#include "base/log.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/util.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/journal-catalog.h"
#include "cli/systemctl-status.h"
#include "journal/journal-output.h"
#include "journal/journal-store.h"
#include "journal/journal-time.h"

#define LINES_DEFAULT (-2)
#define LINES_ALL (-1)

typedef enum Action {
        ACTION_SHOW,
        ACTION_DISK_USAGE,
        ACTION_VACUUM,
        ACTION_LIST_BOOTS,
        ACTION_LIST_FIELDS,
        ACTION_LIST_FIELD_NAMES,
} Action;

typedef struct Args {
        Action action;
        OutputOptions out;
        JournalFilter filter;
        char **dirs, **files;
        bool explicit_source;
        int lines;
        bool follow, reverse, quiet, merge;
        bool catalog;         /* -x */
        bool dmesg;           /* -k */
        bool boot;
        bool boot_id_set;
        uint8_t boot_id[16];
        int boot_offset;
        bool since_set, until_set;
        uint64_t since, until;
        const char *grep;
        int case_sensitive;   /* -1 auto */
        const char *field;
        uint64_t vacuum_size, vacuum_files, vacuum_time;
        bool vacuum_size_set, vacuum_time_set;
} Args;

static void args_done(Args *a) {
        journal_filter_done(&a->filter);
        strv_free(a->dirs);
        strv_free(a->files);
        strv_free(a->out.fields);
}

static uint64_t now_usec(clockid_t c) {
        struct timespec ts;
        clock_gettime(c, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

static void help(void) {
        fputs("journalctl [OPTIONS...] [MATCHES...]\n\n"
              "Query the journal.\n\n"
              "Source Options:\n"
              "  -m --merge                 Show entries from all available journals\n"
              "  -D --directory=PATH        Show journal files from directory\n"
              "     --file=PATH             Show journal file\n\n"
              "Filtering Options:\n"
              "  -S --since=DATE            Show entries not older than the specified date\n"
              "  -U --until=DATE            Show entries not newer than the specified date\n"
              "  -b --boot[=ID]             Show current boot or the specified boot\n"
              "  -k --dmesg                 Show kernel message log from the current boot\n"
              "  -u --unit=UNIT             Show logs from the specified unit\n"
              "  -t --identifier=STRING     Show entries with the specified syslog identifier\n"
              "  -p --priority=RANGE        Show entries within the specified priority range\n"
              "  -g --grep=PATTERN          Show entries with MESSAGE matching PATTERN\n"
              "     --case-sensitive[=BOOL] Force case sensitive or insensitive matching\n\n"
              "Output Control Options:\n"
              "  -o --output=STRING         Change journal output mode (short, short-precise,\n"
              "                               short-iso, short-iso-precise, short-full,\n"
              "                               short-monotonic, short-unix, verbose, export,\n"
              "                               json, json-pretty, json-sse, json-seq, cat,\n"
              "                               with-unit)\n"
              "     --output-fields=LIST    Select fields to print in verbose/export/json modes\n"
              "  -n --lines[=INTEGER]       Number of journal entries to show\n"
              "  -r --reverse               Show the newest entries first\n"
              "     --utc                   Express time in Coordinated Universal Time (UTC)\n"
              "     --no-hostname           Suppress output of hostname field\n"
              "     --no-full               Ellipsize fields (accepted, full width is always used)\n"
              "  -a --all                   Show all fields, including long and unprintable\n"
              "  -f --follow                Follow the journal\n"
              "     --no-tail               Show all lines, even in follow mode\n"
              "  -q --quiet                 Do not show info messages and privilege warning\n"
              "  -x --catalog               Add message explanations where available\n\n"
              "Pager Control Options:\n"
              "     --no-pager              Do not pipe output into a pager (there never is one)\n"
              "  -e --pager-end             Immediately jump to the end\n\n"
              "Commands:\n"
              "  -h --help                  Show this help text\n"
              "     --version               Show package version\n"
              "  -N --fields                List all field names currently used\n"
              "  -F --field=FIELD           List all values that a specified field takes\n"
              "     --list-boots            Show terse information about recorded boots\n"
              "     --disk-usage            Show total disk usage of all journal files\n"
              "     --vacuum-size=BYTES     Reduce disk usage below specified size\n"
              "     --vacuum-files=INT      Leave only the specified number of journal files\n"
              "     --vacuum-time=TIME      Remove journal files older than specified time\n\n"
              "See the journalctl(1) man page for details.\n",
              stdout);
}

/* systemd's log_level_from_string(): names or 0..7 */
static int parse_level(const char *s) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        for (int i = 0; i < 8; i++)
                if (streq(s, names[i]))
                        return i;
        unsigned u;
        if (safe_atou(s, &u) >= 0 && u <= 7)
                return (int)u;
        return -EINVAL;
}

static int parse_priority(const char *s, uint8_t *ret) {
        const char *dots = strstr(s, "..");
        if (!dots) {
                int p = parse_level(s);
                if (p < 0)
                        return log_error("Unknown log level %s", s), -EINVAL;
                *ret = (uint8_t)((1U << (p + 1)) - 1);
                return 0;
        }
        _cleanup_free_ char *a = strndup(s, (size_t)(dots - s));
        if (!a)
                return log_oom();
        int from = parse_level(a), to = parse_level(dots + 2);
        if (from < 0 || to < 0)
                return log_error("Failed to parse log level range %s", s), -EINVAL;
        if (from > to) {
                int t = from;
                from = to;
                to = t;
        }
        *ret = 0;
        for (int i = from; i <= to; i++)
                *ret |= (uint8_t)(1U << i);
        return 0;
}

/* journalctl's parse_boot_descriptor(): "all", an offset, or ID[±offset]. 1 set, 0 "all". */
static int parse_boot_descriptor(const char *x, Args *a) {
        if (streq(x, "all"))
                return 0;
        a->boot_id_set = false;
        a->boot_offset = 0;
        if (strlen(x) >= 32) {
                char t[33];
                memcpy(t, x, 32);
                t[32] = 0;
                if (id128_from_string(t, a->boot_id) >= 0) {
                        a->boot_id_set = true;
                        x += 32;
                }
                if (*x && *x != '-' && *x != '+')
                        return -EINVAL;
                if (*x && safe_atoi(x, &a->boot_offset) < 0)
                        return -EINVAL;
                return 1;
        }
        return safe_atoi(x, &a->boot_offset) < 0 ? -EINVAL : 1;
}

/* unit_name_mangle() for -u: a name without a unit type suffix gets ".service"; globs stay. */
static char *mangle_unit(const char *u) {
        static const char *const types[] = { ".service", ".socket", ".target", ".device", ".mount", ".automount",
                                             ".swap", ".timer", ".path", ".slice", ".scope" };
        if (strpbrk(u, "*?["))
                return strdup(u);
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (endswith(u, types[i]) && strlen(u) > strlen(types[i]))
                        return strdup(u);
        return strjoin(u, ".service");
}

static int add_file_glob(char ***files, const char *pattern) {
        glob_t g = {};
        int r = glob(pattern, GLOB_NOCHECK, NULL, &g);
        if (r == GLOB_NOSPACE) return -ENOMEM;
        for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
                if (strv_extend(files, g.gl_pathv[i]) < 0) r = -ENOMEM;
        globfree(&g);
        return r == 0 || r == GLOB_NOMATCH ? 0 : -ENOMEM;
}

enum {
        ARG_VERSION = 0x100, ARG_NO_PAGER, ARG_FILE, ARG_NO_HOSTNAME, ARG_DISK_USAGE, ARG_VACUUM_SIZE,
        ARG_VACUUM_FILES, ARG_VACUUM_TIME, ARG_LIST_BOOTS, ARG_UTC, ARG_NO_FULL, ARG_NO_TAIL,
        ARG_OUTPUT_FIELDS, ARG_CASE_SENSITIVE, ARG_THIS_BOOT, ARG_SYSTEM,
};

static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, ARG_VERSION },
        { "no-pager", no_argument, NULL, ARG_NO_PAGER },
        { "pager-end", no_argument, NULL, 'e' },
        { "follow", no_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "all", no_argument, NULL, 'a' },
        { "full", no_argument, NULL, 'l' },
        { "no-full", no_argument, NULL, ARG_NO_FULL },
        { "lines", optional_argument, NULL, 'n' },
        { "no-tail", no_argument, NULL, ARG_NO_TAIL },
        { "quiet", no_argument, NULL, 'q' },
        { "merge", no_argument, NULL, 'm' },
        { "this-boot", no_argument, NULL, ARG_THIS_BOOT },
        { "boot", optional_argument, NULL, 'b' },
        { "list-boots", no_argument, NULL, ARG_LIST_BOOTS },
        { "system", no_argument, NULL, ARG_SYSTEM },
        { "directory", required_argument, NULL, 'D' },
        { "file", required_argument, NULL, ARG_FILE },
        { "priority", required_argument, NULL, 'p' },
        { "grep", required_argument, NULL, 'g' },
        { "case-sensitive", optional_argument, NULL, ARG_CASE_SENSITIVE },
        { "since", required_argument, NULL, 'S' },
        { "until", required_argument, NULL, 'U' },
        { "unit", required_argument, NULL, 'u' },
        { "identifier", required_argument, NULL, 't' },
        { "field", required_argument, NULL, 'F' },
        { "fields", no_argument, NULL, 'N' },
        { "no-hostname", no_argument, NULL, ARG_NO_HOSTNAME },
        { "reverse", no_argument, NULL, 'r' },
        { "disk-usage", no_argument, NULL, ARG_DISK_USAGE },
        { "vacuum-size", required_argument, NULL, ARG_VACUUM_SIZE },
        { "vacuum-files", required_argument, NULL, ARG_VACUUM_FILES },
        { "vacuum-time", required_argument, NULL, ARG_VACUUM_TIME },
        { "utc", no_argument, NULL, ARG_UTC },
        { "output-fields", required_argument, NULL, ARG_OUTPUT_FIELDS },
        { "catalog", no_argument, NULL, 'x' },
        { "dmesg", no_argument, NULL, 'k' },
        {}
};

static const struct option *find_long(const char *arg) {
        size_t l = strcspn(arg, "=");
        for (const struct option *o = options; o->name; o++)
                if (strlen(o->name) == l && strncmp(o->name, arg, l) == 0)
                        return o;
        return NULL;
}

/* Put the options before the matches, as glibc's getopt_long() does while parsing, so that musl
 * builds read "journalctl _PID=1 -n 4" the same way; the words after -n/-b that journalctl would
 * take as their argument stay with them. Reorders pointers in place. */
static void permute_args(int argc, char **argv, const char *shortopts) {
        char **opts = calloc((size_t)argc, sizeof(char *)), **pos = calloc((size_t)argc, sizeof(char *));
        int no = 0, np = 0, i = 1;
        if (!opts || !pos)
                goto done;  /* unpermuted: only musl builds notice */
        for (; i < argc; i++) {
                const char *a = argv[i];
                bool takes_next = false, peek = false;
                if (streq(a, "--"))
                        break;
                if (a[0] != '-' || a[1] == 0) {
                        pos[np++] = argv[i];
                        continue;
                }
                if (a[1] == '-') {
                        const struct option *o = find_long(a + 2);
                        takes_next = o && o->has_arg == required_argument && !strchr(a, '=');
                        peek = o && o->has_arg == optional_argument && !strchr(a, '=') && (o->val == 'n' || o->val == 'b');
                } else
                        for (const char *c = a + 1; *c; c++) {
                                const char *d = strchr(shortopts, *c);
                                if (!d || *c == ':' || d[1] != ':')
                                        continue;
                                if (d[2] == ':')  /* optional: attached, or journalctl's peek */
                                        peek = c[1] == 0 && (*c == 'n' || *c == 'b');
                                else
                                        takes_next = c[1] == 0;
                                break;
                        }
                opts[no++] = argv[i];
                if ((takes_next || peek) && i + 1 < argc) {
                        if (takes_next) {
                                opts[no++] = argv[++i];
                                continue;
                        }
                        int n;
                        const char *w = argv[i + 1];
                        bool is_n = a[1] == '-' ? find_long(a + 2)->val == 'n' : a[strlen(a) - 1] == 'n';
                        Args t = {};
                        if (streq(w, "all") || (is_n && safe_atoi(w, &n) >= 0 && n >= 0) ||
                            (!is_n && parse_boot_descriptor(w, &t) >= 0))
                                opts[no++] = argv[++i];
                }
        }
        for (int k = 0; k < no; k++)
                argv[1 + k] = opts[k];
        for (int k = 0; k < np; k++)
                argv[1 + no + k] = pos[k];
        /* everything from "--" on keeps its place at the end */
done:
        free(opts);
        free(pos);
}

static int parse_argv(int argc, char **argv, Args *a) {
        static const char shortopts[] = ":hefo:alrn::qmb::D:p:g:S:U:t:u:NF:xk";
        int c, r;
        uint64_t now = now_usec(CLOCK_REALTIME);

        permute_args(argc, argv, shortopts);

        optind = 0;  /* full reinitialization (glibc), also parses again in tests */
        opterr = 0;
        while ((c = getopt_long(argc, argv, shortopts, options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        puts("systemd 252 (tinysd 0.1)");
                        return 0;
                case ARG_NO_PAGER: case 'l': case ARG_NO_FULL: case ARG_SYSTEM:
                        break;
                case 'e':
                        if (a->lines == LINES_DEFAULT)
                                a->lines = 1000;
                        a->boot = true;
                        break;
                case 'f':
                        a->follow = true;
                        break;
                case 'o':
                        a->out.mode = output_mode_from_string(optarg);
                        if (a->out.mode < 0)
                                return log_error("Unknown output format '%s'.", optarg), -EINVAL;
                        if (output_mode_is_quiet(a->out.mode))
                                a->quiet = true;
                        break;
                case 'a':
                        a->out.all = true;
                        break;
                case 'n':
                        if (optarg) {
                                if (streq(optarg, "all"))
                                        a->lines = LINES_ALL;
                                else if (safe_atoi(optarg, &a->lines) < 0 || a->lines < 0)
                                        return log_error("Failed to parse lines '%s'", optarg), -EINVAL;
                        } else {
                                int n;
                                a->lines = 10;
                                /* as journalctl: maybe the next word is the argument */
                                if (optind < argc && streq(argv[optind], "all")) {
                                        a->lines = LINES_ALL;
                                        optind++;
                                } else if (optind < argc && safe_atoi(argv[optind], &n) >= 0 && n >= 0) {
                                        a->lines = n;
                                        optind++;
                                }
                        }
                        break;
                case ARG_NO_TAIL:
                        a->lines = LINES_ALL;
                        break;
                case 'q':
                        a->quiet = true;
                        break;
                case 'm':
                        a->merge = true;
                        break;
                case ARG_THIS_BOOT:
                        a->boot = true;
                        a->boot_id_set = false;
                        a->boot_offset = 0;
                        break;
                case 'b':
                        a->boot = true;
                        a->boot_id_set = false;
                        a->boot_offset = 0;
                        if (optarg) {
                                r = parse_boot_descriptor(optarg, a);
                                if (r < 0)
                                        return log_error("Failed to parse boot descriptor '%s'", optarg), -EINVAL;
                                a->boot = r;
                        } else if (optind < argc) {
                                Args t = *a;
                                r = parse_boot_descriptor(argv[optind], &t);
                                if (r >= 0) {
                                        a->boot = r;
                                        a->boot_id_set = t.boot_id_set;
                                        memcpy(a->boot_id, t.boot_id, 16);
                                        a->boot_offset = t.boot_offset;
                                        optind++;
                                }
                        }
                        break;
                case ARG_LIST_BOOTS:
                        a->action = ACTION_LIST_BOOTS;
                        break;
                case 'D':  /* the last one counts, as in journalctl */
                        a->dirs = (strv_free(a->dirs), NULL);
                        if (strv_extend(&a->dirs, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_FILE:
                        /* a glob, as journalctl's (a pattern matching nothing stays as given) */
                        if (add_file_glob(&a->files, optarg) < 0)
                                return log_oom();
                        break;
                case 'x':
                        a->catalog = true;
                        break;
                case 'k':
                        a->dmesg = true;
                        a->boot = true;
                        a->boot_id_set = false;
                        a->boot_offset = 0;
                        break;
                case 'p':
                        if (parse_priority(optarg, &a->filter.priorities) < 0)
                                return -EINVAL;
                        break;
                case 'g':
                        a->grep = optarg;
                        break;
                case ARG_CASE_SENSITIVE:
                        if (optarg) {
                                r = parse_boolean(optarg);
                                if (r < 0)
                                        return log_error("Bad --case-sensitive= argument \"%s\": %s", optarg, strerror(-r)), -EINVAL;
                                a->case_sensitive = r;
                        } else
                                a->case_sensitive = 1;
                        break;
                case 'S':
                case 'U': {
                        uint64_t t;
                        if (jtime_parse_timestamp(optarg, now, &t) < 0)
                                return log_error("Failed to parse timestamp: %s", optarg), -EINVAL;
                        if (c == 'S')
                                a->since = t, a->since_set = true;
                        else
                                a->until = t, a->until_set = true;
                        break;
                }
                case 'u': {
                        char *m = mangle_unit(optarg);
                        if (!m || strv_push(&a->filter.units, m) < 0)
                                return log_oom();
                        break;
                }
                case 't':
                        if (strv_extend(&a->filter.identifiers, optarg) < 0)
                                return log_oom();
                        break;
                case 'F':
                        a->action = ACTION_LIST_FIELDS;
                        a->field = optarg;
                        break;
                case 'N':
                        a->action = ACTION_LIST_FIELD_NAMES;
                        break;
                case ARG_NO_HOSTNAME:
                        a->out.no_hostname = true;
                        break;
                case 'r':
                        a->reverse = true;
                        break;
                case ARG_DISK_USAGE:
                        a->action = ACTION_DISK_USAGE;
                        break;
                case ARG_VACUUM_SIZE:
                        if (parse_size(optarg, 1024, &a->vacuum_size) < 0)
                                return log_error("Failed to parse vacuum size: %s", optarg), -EINVAL;
                        a->vacuum_size_set = true;
                        a->action = ACTION_VACUUM;
                        break;
                case ARG_VACUUM_FILES:
                        if (safe_atou64(optarg, &a->vacuum_files) < 0)
                                return log_error("Failed to parse vacuum files: %s", optarg), -EINVAL;
                        a->action = ACTION_VACUUM;
                        break;
                case ARG_VACUUM_TIME:
                        if (parse_sec(optarg, &a->vacuum_time) < 0)
                                return log_error("Failed to parse vacuum time: %s", optarg), -EINVAL;
                        a->vacuum_time_set = true;
                        a->action = ACTION_VACUUM;
                        break;
                case ARG_UTC:
                        a->out.utc = true;
                        break;
                case ARG_OUTPUT_FIELDS: {
                        const char *p = optarg;
                        while (*p) {
                                size_t l = strcspn(p, ",");
                                if (l > 0) {
                                        char *s = strndup(p, l);
                                        if (!s || strv_consume_unique(&a->out.fields, s) < 0)
                                                return log_oom();
                                }
                                p += l + (p[l] == ',');
                        }
                        break;
                }
                default:
                        /* the options come first here (permute_args()): argv is not moved */
                        return getopt_bad_option(c, optind - 1 < argc && optind > 0 ? argv[optind - 1] : argv[argc - 1],
                                                 argv[0]);
                }

        if (a->follow && !a->since_set && a->lines == LINES_DEFAULT)
                a->lines = 10;
        if (a->follow && !a->merge && !a->boot) {
                a->boot = true;
                a->boot_id_set = false;
                a->boot_offset = 0;
        }
        if (!!a->dirs + !!a->files > 1)
                return log_error("Please specify at most one of -D/--directory=, --file=, -M/--machine=, --root=, --image=."), -EINVAL;
        if (a->since_set && a->until_set && a->since > a->until)
                return log_error("--since= must be before --until=."), -EINVAL;
        if (a->follow && a->reverse)
                return log_error("Please specify either --reverse= or --follow=, not both."), -EINVAL;
        if (a->action != ACTION_SHOW && optind < argc)
                return log_error("Extraneous arguments starting with '%s'", argv[optind]), -EINVAL;
        if ((a->boot || a->action == ACTION_LIST_BOOTS) && a->merge)
                return log_error("Using --boot or --list-boots with --merge is not supported."), -EINVAL;
        /* as journalctl: with --grep and --lines it searches backwards until enough lines matched */
        if (a->grep && a->lines >= 0 && !a->follow)
                a->reverse = true;
        /* -k: the kernel's messages; a container's journal has none ("-- No entries --", 0) */
        if (a->dmesg && (r = journal_filter_add_match(&a->filter, "_TRANSPORT=kernel")) < 0)
                return log_error("Failed to add match '_TRANSPORT=kernel': %s", strerror(-r)), -EINVAL;
        for (int i = optind; i < argc; i++) {
                if (streq(argv[i], "+"))
                        return log_error("Failed to add match '%s': %s", argv[i], strerror(EOPNOTSUPP)), -EINVAL;
                r = journal_filter_add_match(&a->filter, argv[i]);
                if (r < 0)
                        return log_error("Failed to add match '%s': %s", argv[i], strerror(-r)), -EINVAL;
        }
        return 1;
}

static bool is_id128_name(const char *s) {
        return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* -D DIR: the journal files in DIR and in its machine-id directories (DIR/<32 hex digits>/), as
 * sd_journal_open_directory() reads it: `journalctl -D /var/log/journal` finds the store. */
static int add_machine_dirs(char ***dirs) {
        _cleanup_strv_free_ char **sub = NULL;
        STRV_FOREACH(d, *dirs) {
                DIR *dir = opendir(*d);
                if (!dir)
                        continue;
                for (struct dirent *de; (de = readdir(dir));) {
                        if (!is_id128_name(de->d_name))
                                continue;
                        if (strv_push(&sub, strjoin(*d, "/", de->d_name)) < 0) {
                                closedir(dir);
                                return -ENOMEM;
                        }
                }
                closedir(dir);
        }
        strv_sort(sub);
        return strv_extend_strv(dirs, sub, true);
}

static int open_sources(Args *a, JournalReader **ret) {
        int r;
        if (a->dirs && add_machine_dirs(&a->dirs) < 0)
                return log_oom();
        if (a->dirs || a->files)
                a->explicit_source = true;
        else {
                char mid[33];
                if (journal_store_machine_id(mid) < 0)
                        return log_error_errno(ENOMEDIUM, "Failed to get machine ID: %s", strerror(ENOMEDIUM));
                char *run = strjoin(JOURNAL_STORE_RUN_ROOT "/", mid), *var = strjoin(JOURNAL_STORE_VAR_ROOT "/", mid);
                if (!run || !var || strv_push(&a->dirs, run) < 0 || strv_push(&a->dirs, var) < 0) {
                        free(var);
                        return log_oom();
                }
        }
        if (a->explicit_source && a->dirs && access(a->dirs[0], F_OK) < 0)
                return log_error_errno(errno, "Failed to open %s: %m", a->dirs[0]);
        r = journal_reader_open(a->dirs, a->files, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to open %s: %m", a->dirs ? a->dirs[0] : "files");
        if (journal_reader_n_files(*ret) == 0 && !a->quiet)
                log_notice("No journal files were found.");
        return 0;
}

static int disk_usage(const Args *a) {
        uint64_t sum = 0, u;
        char b[FORMAT_BYTES_MAX];
        STRV_FOREACH(d, a->dirs)
                if (journal_dir_usage(*d, &u) >= 0)
                        sum += u;
        STRV_FOREACH(f, a->files) {
                struct stat st;
                if (stat(*f, &st) >= 0)
                        sum += (uint64_t)st.st_blocks * 512;
        }
        printf("Archived and active journals take up %s in the file system.\n", format_bytes(b, sizeof b, sum));
        return 0;
}

static int vacuum(const Args *a) {
        int ret = 0;
        uint64_t before = 0;
        if (a->vacuum_time_set && a->vacuum_time > 0) {
                uint64_t now = now_usec(CLOCK_REALTIME);
                before = a->vacuum_time < now ? now - a->vacuum_time : 0;
        }
        STRV_FOREACH(d, a->dirs) {
                if (access(*d, F_OK) < 0)
                        continue;
                int r = journal_dir_vacuum(*d, a->vacuum_size_set && a->vacuum_size > 0 ? a->vacuum_size : UINT64_MAX,
                                           a->vacuum_files, before, !a->quiet, NULL);
                if (r < 0)
                        ret = log_error_errno(r, "Failed to vacuum %s: %m", *d);
        }
        return ret;
}

static int list_boots(JournalReader *j, const Args *a) {
        _cleanup_free_ JournalBoot *b = NULL;
        size_t n = 0;
        int r = journal_reader_list_boots(j, &b, &n);
        if (r < 0)
                return log_error_errno(r, "Failed to determine boots: %m");
        if (n == 0)
                return 0;
        /* systemd's table: columns padded to their widest cell, IDX right-aligned. */
        char first[64], last[64], idx[16], id[33];
        size_t wi = a->quiet ? 0 : 3, wf = a->quiet ? 0 : strlen("FIRST ENTRY");
        for (size_t i = 0; i < n; i++) {
                snprintf(idx, sizeof idx, "%d", (int)i - (int)n + 1);
                if (strlen(idx) > wi) wi = strlen(idx);
                output_format_timestamp(first, sizeof first, b[i].first, a->out.utc, false);
                if (strlen(first) > wf) wf = strlen(first);
        }
        if (!a->quiet)
                printf("%*s %-32s %-*s %s\n", (int)wi, "IDX", "BOOT ID", (int)wf, "FIRST ENTRY", "LAST ENTRY");
        for (size_t k = 0; k < n; k++) {
                size_t i = a->reverse ? n - 1 - k : k;
                snprintf(idx, sizeof idx, "%d", (int)i - (int)n + 1);
                output_format_timestamp(first, sizeof first, b[i].first, a->out.utc, false);
                output_format_timestamp(last, sizeof last, b[i].last, a->out.utc, false);
                printf("%*s %s %-*s %s\n", (int)wi, idx, id128_to_string(b[i].id, id), (int)wf, first, last);
        }
        return 0;
}

/* -b: resolve the boot to a boot id (journalctl's add_boot()). */
static int resolve_boot(JournalReader *j, Args *a) {
        if (!a->boot)
                return 0;
        if (!a->explicit_source && !a->boot_id_set && a->boot_offset == 0) {
                _cleanup_free_ char *s = NULL;
                if (read_file_bounded(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 64, &s, NULL) >= 0 &&
                    id128_from_string(strstrip(s), a->filter.boot_id) >= 0) {
                        a->filter.boot_set = true;
                        return 0;
                }
        }
        _cleanup_free_ JournalBoot *b = NULL;
        size_t n = 0;
        int r = journal_reader_list_boots(j, &b, &n);
        if (r >= 0) {
                ssize_t at = -1;
                if (a->boot_id_set) {
                        for (size_t i = 0; i < n; i++)
                                if (memcmp(b[i].id, a->boot_id, 16) == 0)
                                        at = (ssize_t)i + a->boot_offset;
                } else if (a->boot_offset <= 0)
                        at = (ssize_t)n - 1 + a->boot_offset;
                else
                        at = a->boot_offset - 1;
                if (at >= 0 && (size_t)at < n) {
                        memcpy(a->filter.boot_id, b[at].id, 16);
                        a->filter.boot_set = true;
                        return 0;
                }
        }
        const char *reason = r < 0 ? strerror(-r) : "No such boot ID in journal";
        if (a->boot_id_set) {
                char id[33];
                log_error("Data from the specified boot (%s) is not available: %s", id128_to_string(a->boot_id, id), reason);
        } else
                log_error("Data from the specified boot (%+i) is not available: %s", a->boot_offset, reason);
        return -ENODATA;
}

typedef struct GlobState {
        char **patterns;
        char **found;
        int r;
} GlobState;

static int glob_one(const char *data, size_t len, void *userdata) {
        GlobState *st = userdata;
        _cleanup_free_ char *v = strndup(data, len);
        if (!v)
                return st->r = -ENOMEM;
        STRV_FOREACH(p, st->patterns)
                if (fnmatch(*p, v, FNM_NOESCAPE) == 0) {
                        if (!strv_contains(st->found, v) && strv_push(&st->found, TAKE_PTR(v)) < 0)
                                return st->r = -ENOMEM;
                        break;
                }
        return 0;
}

/* -u with a glob, as journalctl's add_units(): the unit names the journal holds in the fields a
 * unit's entries carry that match it become exact -u names; when none of the -u arguments leaves
 * a name, "No data available". */
static int expand_unit_globs(JournalReader *j, Args *a) {
        static const char *const fields[] = { "_SYSTEMD_UNIT", "COREDUMP_UNIT", "UNIT", "OBJECT_SYSTEMD_UNIT", "_SYSTEMD_SLICE" };
        GlobState st = {};
        char **exact = NULL;
        int r = 0;
        if (!a->filter.units)
                return 0;
        STRV_FOREACH(u, a->filter.units)
                r = r < 0 ? r : strpbrk(*u, "*?[") ? strv_extend(&st.patterns, *u) : strv_extend(&exact, *u);
        for (size_t i = 0; r >= 0 && st.patterns && i < ELEMENTSOF(fields); i++) {
                r = journal_reader_unique(j, fields[i], glob_one, &st);
                if (r >= 0)
                        r = st.r;
        }
        if (r >= 0 && strv_extend_strv(&exact, st.found, true) < 0)
                r = -ENOMEM;
        if (r >= 0 && strv_length(exact) == 0)
                r = -ENODATA;
        strv_free(st.patterns);
        strv_free(st.found);
        if (r < 0) {
                strv_free(exact);
                return log_error_errno(r, "Failed to add filter for units: %m");
        }
        strv_free(a->filter.units);
        a->filter.units = exact;
        return 0;
}

/* -F FIELD (values) and -N (names) as journalctl 252 lists them (see journal_reader_unique()). */
typedef struct ListState {
        int shown, lines;
} ListState;

static int list_one(const char *data, size_t len, void *userdata) {
        ListState *st = userdata;
        if (st->lines >= 0 && st->shown >= st->lines)
                return 1;
        /* printed with its full length (values may hold NUL bytes) */
        fwrite(data, 1, len, stdout);
        fputc('\n', stdout);
        st->shown++;
        return 0;
}

static int list_fields(JournalReader *j, const Args *a) {
        ListState st = { .lines = a->lines };
        int r = a->action == ACTION_LIST_FIELD_NAMES ? journal_reader_field_names(j, list_one, &st)
                                                      : journal_reader_unique(j, a->field, list_one, &st);
        return r < 0 ? log_error_errno(r, "Failed to query unique data objects: %m") : 0;
}

static bool has_upper(const char *s) {
        for (; *s; s++)
                if (*s >= 'A' && *s <= 'Z')
                        return true;
        return false;
}

typedef struct ShowState {
        regex_t re;
        bool have_re;
        Catalog *catalog;          /* -x and the image has a catalog database */
        const char *language;      /* LC_MESSAGES, for the catalog */
        bool utf8;
        bool prev_boot_valid;
        uint8_t prev_boot[16];
        int shown;
} ShowState;

/* journalctl prints the catalog under the short formats and verbose, not json, export or cat */
static bool shows_catalog(OutputMode m) {
        return m <= OUTPUT_VERBOSE;
}

/* 1 printed, 0 skipped (grep), <0 error */
static int show_one(const Args *a, ShowState *st, const JournalRecord *e) {
        if (st->have_re) {
                size_t l;
                const char *m = journal_record_get(e, "MESSAGE", &l);
                if (!m)
                        return 0;
                _cleanup_free_ char *s = strndup(m, l);
                if (!s)
                        return log_oom();
                if (regexec(&st->re, s, 0, NULL, 0) != 0)
                        return 0;
        }
        if (!a->merge && !a->quiet) {
                if (st->prev_boot_valid && memcmp(st->prev_boot, e->boot_id, 16) != 0) {
                        char id[33];
                        printf("-- Boot %s --\n", id128_to_string(e->boot_id, id));
                }
                memcpy(st->prev_boot, e->boot_id, 16);
                st->prev_boot_valid = true;
        }
        int r = output_entry(stdout, e, &a->out);
        if (r < 0)
                return log_error_errno(r, "Failed to format entry: %m");
        if (st->catalog && shows_catalog(a->out.mode)) {
                _cleanup_free_ char *t = NULL;
                r = catalog_text(st->catalog, e, st->language, &t);
                if (r < 0)
                        return log_oom();
                if (r > 0)
                        catalog_print(stdout, t, st->utf8);
        }
        st->shown++;
        return 1;
}

static int show(JournalReader *j, Args *a) {
        ShowState st = {};
        JournalRecord e;
        int r = 0;
        bool have = false;  /* e holds the entry to show first */

        /* no database (an image without systemd's catalog files): -x adds nothing, as journalctl */
        _cleanup_free_ char *language = NULL;
        if (a->catalog && catalog_open(CATALOG_DATABASE, &st.catalog) >= 0) {
                /* journalctl's view of the locale (LC_MESSAGES as set from the environment, UTF-8 or
                 * not), without changing ours: the entries' formatting stays as it is without -x */
                _cleanup_free_ char *saved = strdup(setlocale(LC_ALL, NULL) ?: "C");
                const char *l = setlocale(LC_MESSAGES, "");
                language = l ? strdup(l) : NULL;
                st.language = language;
                st.utf8 = ctl_locale_is_utf8();
                if (saved)
                        (void)setlocale(LC_ALL, saved);
        }

        if (a->grep) {
                bool icase = a->case_sensitive < 0 ? !has_upper(a->grep) : !a->case_sensitive;
                int q = regcomp(&st.re, a->grep, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
                if (q != 0) {
                        char err[256];
                        regerror(q, &st.re, err, sizeof err);
                        return log_error("Bad pattern \"%s\": %s", a->grep, err), -EINVAL;
                }
                st.have_re = true;
        }
        journal_reader_set_filter(j, &a->filter);

        /* journalctl's positioning */
        if (a->since_set && !a->reverse) {
                r = journal_reader_seek_realtime(j, a->since);
                if (r >= 0)
                        r = journal_reader_next(j, &e);
        } else if (a->until_set && a->reverse) {
                r = journal_reader_seek_realtime(j, a->until == UINT64_MAX ? a->until : a->until + 1);
                if (r >= 0)
                        r = journal_reader_previous(j, &e);
        } else if (a->reverse) {
                journal_reader_seek_tail(j);
                r = journal_reader_previous(j, &e);
        } else if (a->lines >= 0) {
                journal_reader_seek_tail(j);
                r = 0;
                for (int i = 0; i < a->lines; i++) {
                        int q = journal_reader_previous(j, &e);
                        if (q <= 0) {
                                r = q;
                                break;
                        }
                        r = 1;
                }
                /* the gap is now before the oldest of them: read forward from there */
                if (r > 0)
                        r = journal_reader_next(j, &e);
        } else {
                journal_reader_seek_head(j);
                r = journal_reader_next(j, &e);
        }
        if (r < 0) {
                log_error_errno(r, "Failed to iterate through journal: %m");
                goto finish;
        }
        have = r > 0;

        for (bool first = true;; first = false) {
                while (a->lines < 0 || st.shown < a->lines || (a->follow && !first)) {
                        if (!have) {
                                r = a->reverse ? journal_reader_previous(j, &e) : journal_reader_next(j, &e);
                                if (r < 0) {
                                        log_error_errno(r, "Failed to iterate through journal: %m");
                                        goto finish;
                                }
                                if (r == 0)
                                        break;
                        }
                        have = false;
                        if (a->until_set && !a->reverse && e.realtime > a->until)
                                break;
                        if (a->since_set && a->reverse && e.realtime < a->since)
                                break;
                        r = show_one(a, &st, &e);
                        if (r < 0)
                                goto finish;
                }
                if (!a->follow) {
                        if (st.shown == 0 && !a->quiet)
                                printf("-- No entries --\n");
                        break;
                }
                fflush(stdout);
                if (ferror(stdout)) {
                        r = -EPIPE;
                        goto finish;
                }
                r = journal_reader_wait(j, UINT64_MAX);
                if (r >= 0)
                        r = journal_reader_refresh(j);
                if (r < 0) {
                        log_error_errno(r, "Failed to process journal events: %m");
                        goto finish;
                }
        }
        r = 0;
finish:
        catalog_free(st.catalog);
        if (st.have_re)
                regfree(&st.re);
        if (st.have_re && r == 0 && st.shown == 0)
                r = -ENOENT;  /* like grep: nothing matched */
        return r;
}

int journalctl_main(int argc, char **argv) {
        _cleanup_(journal_reader_freep) JournalReader *j = NULL;
        Args a = { .lines = LINES_DEFAULT, .case_sensitive = -1 };
        int r;

        r = parse_argv(argc, argv, &a);
        if (r <= 0)
                goto finish;
        if (a.action == ACTION_VACUUM || a.action == ACTION_DISK_USAGE) {
                /* Usage and vacuum work on directories; they need no reader except for the notice. */
                r = open_sources(&a, &j);
                if (r < 0)
                        goto finish;
                r = a.action == ACTION_VACUUM ? vacuum(&a) : disk_usage(&a);
                goto finish;
        }
        r = open_sources(&a, &j);
        if (r < 0)
                goto finish;
        switch (a.action) {
        case ACTION_LIST_BOOTS:
                r = list_boots(j, &a);
                goto finish;
        default:
                break;
        }
        r = resolve_boot(j, &a);
        if (r < 0)
                goto finish;
        r = expand_unit_globs(j, &a);
        if (r < 0)
                goto finish;
        if (a.action == ACTION_LIST_FIELDS || a.action == ACTION_LIST_FIELD_NAMES)
                r = list_fields(j, &a);
        else
                r = show(j, &a);
finish:
        fflush(stdout);
        args_done(&a);
        return r < 0 ? 1 : 0;
}
