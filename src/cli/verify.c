/* SPDX-License-Identifier: MIT */
/* `tinysd verify`: load unit files and report what systemd would say about them. Exit 1 if any
 * unit fails to load (bad-setting, error, or a named unit that does not exist). What would only
 * fail when starting (a missing executable) is a warning. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/strv.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "unit/load.h"

static char *rooted(const Loader *l, const char *path) {
        return l->lp.root ? strjoin(l->lp.root, path) : strdup(path);
}

/* Is `name` (or a number) an entry of ROOT/etc/passwd or ROOT/etc/group? */
static bool db_has(const Loader *l, const char *db, const char *name) {
        if (name[strspn(name, "0123456789")] == 0) return true;  /* numeric ids need no entry */
        _cleanup_free_ char *p = rooted(l, db), *data = NULL;
        if (!p || read_file_bounded(AT_FDCWD, p, 16u << 20, &data, NULL) < 0) return true; /* cannot tell */
        size_t n = strlen(name);
        for (const char *line = data; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
                if (strncmp(line, name, n) == 0 && line[n] == ':') return true;
        return false;
}

/* What would only fail when the unit starts — a missing executable, user, group or
 * EnvironmentFile= — is a warning: the unit still loads. */
static void warn_start_time_failures(const Loader *l, Unit *u) {
        ExecContext *c = unit_exec_context(u);
        if (!c) return;
        if (c->user && !strchr(c->user, '%') && !c->dynamic_user && !db_has(l, "/etc/passwd", c->user))
                log_warning("%s: User %s does not exist on this system; the unit would fail to start.", u->id, c->user);
        if (c->group && !strchr(c->group, '%') && !c->dynamic_user && !db_has(l, "/etc/group", c->group))
                log_warning("%s: Group %s does not exist on this system; the unit would fail to start.", u->id, c->group);
        STRV_FOREACH(f, c->environment_files) {
                if ((*f)[0] == '-') continue;  /* optional */
                _cleanup_free_ char *p = rooted(l, *f);
                if (p && access(p, R_OK) < 0)
                        log_warning_errno(errno, "%s: EnvironmentFile=%s cannot be read: %m; the unit would fail to start.", u->id, *f);
        }
}

/* Exec paths that do not exist on this system: a warning, since the unit could still load. */
static void warn_missing_executables(const Loader *l, Unit *u) {
        warn_start_time_failures(l, u);
        if (!u->service) return;
        for (int i = 0; i < _SERVICE_EXEC_COMMAND_MAX; i++)
                for (ExecCommand *c = u->service->exec_command[i]; c; c = c->next) {
                        if (c->path[0] != '/' || strchr(c->path, '$')) continue;
                        _cleanup_free_ char *p = rooted(l, c->path);
                        if (p && access(p, X_OK) < 0)
                                log_warning_errno(errno, "%s: Command %s is not executable: %m", u->id, c->path);
                }
}

static bool failed(const Unit *u) {
        return u->load_state == UNIT_BAD_SETTING || u->load_state == UNIT_ERROR;
}

static int report(const Loader *l, Unit *u, bool named, bool check_exec) {
        if (failed(u)) {
                log_error("%s: Failed to load unit (%s): %s", u->id, unit_load_state_to_string(u->load_state),
                          strerror(-u->load_error));
                return 1;
        }
        if (named && u->load_state == UNIT_NOT_FOUND) {
                log_error("Unit %s not found.", u->id);
                return 1;
        }
        if (check_exec && u->load_state == UNIT_LOADED) warn_missing_executables(l, u);
        return 0;
}

/* A FILE argument: its directory goes first in the search path, its base name is the unit. */
static int prepend_dir(Loader *l, const char *file, char **ret_name) {
        const char *slash = strrchr(file, '/');
        _cleanup_free_ char *dir = slash == file ? strdup("/") : strndup(file, (size_t)(slash - file));
        char *abs = NULL;
        if (!dir) return -ENOMEM;
        if (!(abs = realpath(dir, NULL))) return -errno;
        char **n = calloc(strv_length(l->lp.search_path) + 2, sizeof(char *));
        if (!n) { free(abs); return -ENOMEM; }
        n[0] = abs;
        memcpy(n + 1, l->lp.search_path, sizeof(char *) * strv_length(l->lp.search_path));
        free(l->lp.search_path);
        l->lp.search_path = n;
        return (*ret_name = strdup(slash + 1)) ? 0 : -ENOMEM;
}

int verb_verify(int argc, char **argv) {
        const char *root = NULL;
        _cleanup_strv_free_ char **args = NULL;
        bool check_exec = true;
        for (int i = 1; i < argc; i++) {
                const char *v;
                if (arg_value(argc, argv, &i, "--root", NULL, &v)) root = v;
                else if (streq(argv[i], "--no-exec-check")) check_exec = false;
                else if (argv[i][0] == '-' && argv[i][1]) {
                        fprintf(stderr, "verify: unknown option '%s'\n", argv[i]);
                        return 1;
                } else if (strv_extend(&args, argv[i]) < 0) return log_oom(), 1;
        }
        if (!root && !args) {
                fputs("verify: expected FILE, NAME or --root=DIR\n", stderr);
                return 1;
        }
        /* Like systemd-analyze verify: warnings and worse; notices (e.g. /var/run → /run) with
         * TINYSD_DEBUG set. */
        log_set_max_level(getenv("TINYSD_DEBUG") ? LOG_DEBUG : LOG_WARNING);
        Loader l;
        int r = loader_init(&l, root);
        if (r < 0) {
                loader_done(&l);
                return log_error_errno(r, "Failed to set up the unit search path: %m"), 1;
        }
        l.quiet_missing = true;
        _cleanup_strv_free_ char **names = NULL;
        STRV_FOREACH(a, args) {
                char *name = NULL;
                if (strchr(*a, '/')) {
                        if ((r = prepend_dir(&l, *a, &name)) < 0) {
                                log_error_errno(r, "%s: %m", *a);
                                loader_done(&l);
                                return 1;
                        }
                } else if (!(name = strdup(*a)))
                        return log_oom(), 1;
                if (strv_push(&names, name) < 0) return log_oom(), 1;
        }
        if (names) {  /* the map must see the prepended directories */
                unit_file_map_done(&l.map);
                if ((r = unit_file_map_build(&l.map, &l.lp)) < 0) return log_oom(), 1;
        }
        int ret = 0;
        if (!names && ((r = loader_load_all(&l)) < 0 || (r = loader_load_dependencies(&l)) < 0)) ret = 1;
        STRV_FOREACH(n, names) {
                Unit *u;
                _cleanup_free_ char *inst = NULL;
                const char *load_name = *n;
                /* A template file is checked through an instance, as systemd-analyze verify does. */
                if (unit_name_classify(*n) == UNIT_NAME_TEMPLATE) {
                        if (unit_name_replace_instance(*n, "test-instance", &inst) < 0) return log_oom(), 1;
                        load_name = inst;
                }
                r = loader_load(&l, load_name, &u);
                if (r < 0) {
                        log_error_errno(r, "Failed to load %s: %m", *n);
                        ret = 1;
                        continue;
                }
                ret |= report(&l, u, true, check_exec);
        }
        if (!names)
                for (size_t i = 0; i < l.n_list; i++) ret |= report(&l, l.list[i], false, check_exec);
        loader_done(&l);
        return ret;
}
