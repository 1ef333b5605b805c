/* SPDX-License-Identifier: MIT */
/* `systemctl edit [--full] [--runtime] [--force] UNIT...` as systemd 252's verb_edit(): for each
 * unit a temporary file next to the file to write (".#NAME" and 16 random hex digits), a drop-in
 * NAME.d/override.conf by default (its current text between 252's two marker lines, the unit's
 * other files below as comments) or a copy of the whole unit file with --full, under
 * /etc/systemd/system (/run/systemd/system with --runtime); one editor run on all of them
 * ($SYSTEMD_EDITOR, $EDITOR, $VISUAL split at whitespace, else editor, nano, vim, vi); then each
 * file trimmed to what lies between the markers and moved into place, an empty one skipped, and a
 * daemon-reload. An editor that fails changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/id128.h"
#include "base/log.h"
#include "base/signal-util.h"
#include "base/strv.h"
#include "base/util.h"
#include "cli/systemctl.h"
#include "unit/name.h"

#define EDIT_MARKER_START "### Anything between here and the comment below will become the new contents of the file"
#define EDIT_MARKER_END "### Lines below this comment will be discarded"
#define EDIT_FILE_MAX (4U * 1024U * 1024U)

typedef struct EditFile {
        char *path, *tmp;   /* where it goes; the temporary file the editor gets */
} EditFile;

static char *temp_name(const char *path) {
        char id[33];
        const char *slash = strrchr(path, '/');
        id128_random_string(id);
        id[16] = 0;
        return xasprintf("%.*s.#%s%s", (int) (slash - path + 1), path, slash + 1, id);
}

static char *read_text(const char *path, int *ret_errno) {
        char *s = NULL;
        int r = read_file_bounded(AT_FDCWD, path, EDIT_FILE_MAX, &s, NULL);
        *ret_errno = r < 0 ? -r : 0;
        return r < 0 ? NULL : s;
}

static char *strip(char *s) {
        while (*s && strchr(" \t\n\r", *s))
                s++;
        size_t n = strlen(s);
        while (n > 0 && strchr(" \t\n\r", s[n - 1]))
                s[--n] = 0;
        return s;
}

/* The drop-in's temporary file: its current text between the markers, the unit's other files
 * below, each line commented out. */
static int write_dropin_temp(FILE *f, const char *path, char **others) {
        int e;
        _cleanup_free_ char *current = read_text(path, &e);
        if (!current && e != ENOENT)
                return log_error_errno(e, "Failed to read \"%s\": %m", path);
        fprintf(f, "### Editing %s\n" EDIT_MARKER_START "\n\n%s%s\n" EDIT_MARKER_END, path, strempty(current),
                current && endswith(current, "\n") ? "" : "\n");
        STRV_FOREACH(o, others) {
                if (streq(*o, path))
                        continue;
                _cleanup_free_ char *text = read_text(*o, &e);
                if (!text)
                        return log_error_errno(e, "Failed to read \"%s\": %m", *o);
                fprintf(f, "\n\n### %s", *o);
                char *t = strip(text);
                if (!*t)
                        continue;
                fputs("\n# ", f);
                for (; *t; t++) {
                        fputc(*t, f);
                        if (*t == '\n')
                                fputs("# ", f);
                }
        }
        return 0;
}

static int create_temp(EditFile *ef, const char *copy_from, char **others) {
        if (!(ef->tmp = temp_name(ef->path)))
                return log_oom();
        if (mkdir_parents(ef->tmp, 0755) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create directories for \"%s\": %m", ef->path);
        int fd = open(ef->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create temporary file \"%s\": %m", ef->tmp);
        FILE *f = fdopen(fd, "w");
        if (!f) {
                close(fd);
                return log_oom();
        }
        int r = 0, e;
        if (copy_from) {
                _cleanup_free_ char *text = read_text(copy_from, &e);
                if (text)
                        fputs(text, f);
                else if (e != ENOENT)
                        r = log_error_errno(e, "Failed to create temporary file for \"%s\": %m", ef->path);
        } else
                r = write_dropin_temp(f, ef->path, others);
        if (fflush(f) != 0 && r == 0)
                r = log_error_errno(errno, "Failed to create temporary file \"%s\": %m", ef->tmp);
        fclose(f);
        return r;
}

/* --runtime: refused where the /etc file would override it anyway. */
static int file_to_edit(Ctl *c, const char *name, char **ret) {
        _cleanup_free_ char *etc = strjoin("/etc/systemd/system/", name);
        if (!etc)
                return log_oom();
        if (!c->args->runtime) {
                *ret = TAKE_PTR(etc);
                return 0;
        }
        _cleanup_free_ char *run = strjoin("/run/systemd/system/", name);
        if (!run)
                return log_oom();
        if (access(etc, F_OK) >= 0)
                return log_error_errno(EEXIST, "Refusing to create \"%s\" because it would be overridden by \"%s\" anyway.",
                                       run, etc);
        *ret = TAKE_PTR(run);
        return 0;
}

/* The unit's fragment and drop-ins as PID 1 loaded them; masked units are refused. */
static int unit_files(Ctl *c, const char *name, char **ret_fragment, char ***ret_dropins) {
        _cleanup_free_ char *path = NULL, *load = NULL;
        _cleanup_bus_message_ BusMessage *reply = NULL;
        int r = ctl_unit_path(name, &path);
        if (r >= 0)
                r = ctl_get_string(c, path, SD_UNIT, "LoadState", &load);
        if (r < 0) {
                ctl_log_call_error(r, NULL, "Failed to get LoadState");
                return r;
        }
        if (streq(load, "masked"))
                return log_error_errno(EINVAL, "Cannot edit %s: unit is masked.", name);
        (void) ctl_get_string(c, path, SD_UNIT, "FragmentPath", ret_fragment);
        if (ctl_get_property(c, path, SD_UNIT, "DropInPaths", "as", &reply) >= 0)
                (void) bus_message_read_strv(reply, ret_dropins);
        return 0;
}

static int prepare(Ctl *c, const char *name, EditFile *ef) {
        _cleanup_free_ char *frag = NULL, *target = NULL;
        _cleanup_strv_free_ char **files = NULL;
        int r = unit_files(c, name, &frag, &files);
        if (r < 0)
                return r;
        if (isempty(frag)) {
                if (!c->args->force) {
                        log_info("Run 'systemctl edit --force --full %s' to create a new unit.", name);
                        return -ENOENT;
                }
                if (!(target = c->args->full ? strdup(name) : strjoin(name, ".d/override.conf")))
                        return log_oom();
                if ((r = file_to_edit(c, target, &ef->path)) < 0)
                        return r;
                return create_temp(ef, c->args->full ? "/dev/null" : NULL, NULL);
        }
        const char *base = strrchr(frag, '/') + 1;
        _cleanup_free_ char *instance_name = NULL;
        /* an alias followed to a template keeps the instance asked for */
        if (unit_name_is_valid(name, UNIT_NAME_INSTANCE) && unit_name_is_valid(base, UNIT_NAME_TEMPLATE)) {
                _cleanup_free_ char *inst = NULL;
                if (unit_name_to_instance(name, &inst) < 0 || unit_name_replace_instance(base, inst, &instance_name) < 0)
                        return log_oom();
                base = instance_name;
        }
        if (c->args->full) {
                if ((r = file_to_edit(c, base, &ef->path)) < 0)
                        return r;
                return create_temp(ef, frag, NULL);
        }
        /* the fragment first, then the drop-ins */
        _cleanup_strv_free_ char **all = NULL;
        if (!(target = strjoin(base, ".d/override.conf")) || strv_extend(&all, frag) < 0 ||
            strv_extend_strv(&all, files, false) < 0)
                return log_oom();
        if ((r = file_to_edit(c, target, &ef->path)) < 0)
                return r;
        return create_temp(ef, NULL, all);
}

static int run_editor(EditFile *files, size_t n) {
        pid_t pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (pid == 0) {
                const char *editor = getenv("SYSTEMD_EDITOR");
                if (!editor)
                        editor = getenv("EDITOR");
                if (!editor)
                        editor = getenv("VISUAL");
                StrvBuilder b = {0};
                if (!isempty(editor))
                        for (const char *p = editor; *p;) {
                                size_t k = strcspn(p, " \t\n\r");
                                if (k > 0 && strv_builder_push(&b, strndup(p, k)) < 0)
                                        _exit(EXIT_FAILURE);
                                p += k + strspn(p + k, " \t\n\r");
                        }
                bool given = b.n > 0;
                if (!given && strv_builder_extend(&b, "editor") < 0)
                        _exit(EXIT_FAILURE);
                for (size_t i = 0; i < n; i++)
                        if (strv_builder_extend(&b, files[i].tmp) < 0)
                                _exit(EXIT_FAILURE);
                char **argv = strv_builder_steal(&b);
                if (!argv)
                        _exit(EXIT_FAILURE);
                if (given)
                        execvp(argv[0], argv);
                else
                        for (const char *const *e = (const char *const[]) { "editor", "nano", "vim", "vi", NULL }; *e; e++) {
                                argv[0] = (char *) *e;
                                execvp(*e, argv);
                                if (errno != ENOENT) {
                                        log_error_errno(errno, "Failed to execute %s: %m", *e);
                                        _exit(EXIT_FAILURE);
                                }
                        }
                if (given)
                        log_error_errno(errno, "Failed to execute %s: %m", argv[0]);
                else
                        log_error("Cannot edit units, no editor available. Please set either $SYSTEMD_EDITOR, $EDITOR or $VISUAL.");
                _exit(EXIT_FAILURE);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for the editor: %m");
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFEXITED(status))
                log_error("(editor) failed with exit status %i.", WEXITSTATUS(status));
        else
                log_error("(editor) terminated by signal SIG%s.", signal_to_string(WTERMSIG(status)));
        return -EPROTO;
}

/* What the editor left between the markers (all of it without them), surrounding white space
 * removed, written back without a final newline, as 252's trim_edit_markers(). */
static int trim_markers(const char *path, bool *ret_empty) {
        int e;
        _cleanup_free_ char *text = read_text(path, &e);
        if (!text)
                return log_error_errno(e, "Failed to read temporary file \"%s\": %m", path);
        size_t size = strlen(text);
        char *start = strstr(text, EDIT_MARKER_START);
        start = start ? start + strlen(EDIT_MARKER_START) : text;
        char *end = strstr(start, EDIT_MARKER_END);
        if (end)
                *end = 0;
        start = strip(start);
        *ret_empty = !*start;
        if (strlen(start) == size)
                return 0;
        FILE *f = fopen(path, "we");
        if (!f)
                return log_error_errno(errno, "Failed to modify temporary file \"%s\": %m", path);
        fputs(start, f);
        int r = fflush(f) != 0 ? -errno : 0;
        fclose(f);
        return r < 0 ? log_error_errno(-r, "Failed to modify temporary file \"%s\": %m", path) : 0;
}

int verb_ctl_edit(Ctl *c, int argc, char **argv) {
        _cleanup_strv_free_ char **names = NULL;
        EditFile *files = NULL;
        bool files_prepared = false;
        size_t n = 0;
        int r;

        (void) argc;
        if (!isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO))
                return log_error_errno(EINVAL, "Cannot edit units if not on a tty."), 1;
        if (ctl_bus(c) < 0)
                return 1;
        if (ctl_expand_names_or_say(c, argv + 1, &names, NULL) < 0)
                return 1;
        if (strv_isempty(names))
                return log_error_errno(ENOENT, "No units matched the specified patterns."), 1;
        if (!(files = calloc(strv_length(names), sizeof *files)))
                return log_oom(), 1;
        STRV_FOREACH(name, names)
                if ((r = prepare(c, *name, &files[n++])) < 0)
                        goto end;
        files_prepared = true;
        if ((r = run_editor(files, n)) < 0)
                goto end;
        for (size_t i = 0; i < n; i++) {
                bool empty = false;
                if (trim_markers(files[i].tmp, &empty) < 0)
                        continue;
                if (empty) {
                        log_warning("Editing \"%s\" canceled: temporary file is empty.", files[i].path);
                        continue;
                }
                if (rename(files[i].tmp, files[i].path) < 0) {
                        r = log_error_errno(errno, "Failed to rename \"%s\" to \"%s\": %m", files[i].tmp, files[i].path);
                        goto end;
                }
        }
        r = 0;
        if (!c->args->no_reload) {
                char *reload_argv[] = { (char *) "daemon-reload", NULL };
                r = verb_ctl_daemon_reload(c, 1, reload_argv) == 0 ? 0 : -EIO;
        }
end:
        for (size_t i = 0; i < n; i++) {
                if (files[i].tmp)
                        (void) unlink(files[i].tmp);
                if (files[i].path && !c->args->full) {
                        char *slash = strrchr(files[i].path, '/');
                        *slash = 0;
                        (void) rmdir(files[i].path);   /* an empty drop-in directory is not kept */
                        *slash = '/';
                }
                free(files[i].path);
                free(files[i].tmp);
        }
        free(files);
        /* 252 returns the result of its drop-in directory clean-up here, not r: without --full a
         * failed editor (or rename) still exits 0, after its message; kept for the same exit status */
        if (!c->args->full && n > 0 && files_prepared)
                r = 0;
        return r < 0 ? 1 : 0;
}
