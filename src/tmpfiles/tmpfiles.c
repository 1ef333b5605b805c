/* SPDX-License-Identifier: MIT */
/* A tmpfiles run: read the configuration, link parents and children, then the remove/clean
 * phase and the create phase, each over plain paths first and globs second (as 252). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "base/log.h"
#include "base/strv.h"
#include "tmpfiles/exec.h"
#include "tmpfiles/item.h"
#include "tmpfiles/tmpfiles.h"

#define EXIT_DATAERR 65
#define EXIT_CANTCREAT 73

static void context_done(TmpfilesContext *ctx) {
        Hashmap *maps[] = { ctx->items, ctx->globs };
        for (size_t m = 0; m < ELEMENTSOF(maps); m++) {
                if (!maps[m]) continue;
                size_t k = 0;
                const char *key;
                void *v;
                while (hashmap_iterate(maps[m], &k, &key, &v)) item_array_free(v);
                hashmap_free(maps[m]);
        }
}

/* The closest configured ancestor of each path, linked both ways. */
static int link_parent(TmpfilesContext *ctx, ItemArray *a) {
        _cleanup_free_ char *prefix = strdup(a->path);
        if (!prefix) return -ENOMEM;
        for (char *slash = strrchr(prefix, '/'); slash; slash = strrchr(prefix, '/')) {
                *slash = 0;
                ItemArray *j = hashmap_get(ctx->items, prefix);
                if (!j) j = hashmap_get(ctx->globs, prefix);
                if (!j) continue;
                ItemArray **c = realloc(j->children, (j->n_children + 1) * sizeof *c);
                if (!c) return -ENOMEM;
                j->children = c;
                j->children[j->n_children++] = a;
                a->parent = j;
                return 1;
        }
        return 0;
}

static int for_each_array(TmpfilesContext *ctx, Hashmap *h, unsigned op, bool link) {
        size_t k = 0;
        const char *key;
        void *v;
        int r = 0;
        while (hashmap_iterate(h, &k, &key, &v)) {
                int q = link ? link_parent(ctx, v) : tmpfiles_process_array(ctx, v, op);
                if (link && q < 0) return q;
                if (q < 0 && r == 0) r = q;
        }
        return r;
}

static int cat_config(const char *root) {
        _cleanup_strv_free_ char **files = NULL;
        int r = tmpfiles_config_files(root, &files);
        if (r < 0) return r;
        STRV_FOREACH(f, files) {
                _cleanup_free_ char *data = NULL;
                r = read_file_bounded(AT_FDCWD, *f, 64u << 20, &data, NULL);
                if (r < 0) return log_warning_errno(r, "Failed to cat %s: %m", *f);
                printf("%s# %s\n%s", f == files ? "" : "\n", *f, data);
                if (*data && data[strlen(data) - 1] != '\n') putchar('\n');
        }
        fflush(stdout);
        return 0;
}

static int read_all(TmpfilesContext *ctx, char *const *configs) {
        if (configs && configs[0]) {
                STRV_FOREACH(c, configs) {
                        int r = tmpfiles_read_config(ctx, *c, false);
                        if (r < 0) return r;
                }
        } else {
                _cleanup_strv_free_ char **files = NULL;
                int r = tmpfiles_config_files(ctx->root, &files);
                if (r < 0) return log_error_errno(r, "Failed to enumerate tmpfiles.d files: %m");
                STRV_FOREACH(f, files) (void)tmpfiles_read_config(ctx, *f, true);
        }
        /* $CREDENTIALS_DIRECTORY/tmpfiles.extra, as 252 */
        const char *cd = getenv("CREDENTIALS_DIRECTORY");
        if (!isempty(cd)) {
                _cleanup_free_ char *p = strjoin(cd, "/tmpfiles.extra");
                if (!p) return log_oom();
                (void)tmpfiles_read_config(ctx, p, true);
        }
        return 0;
}

static bool errno_is_resource(int r) {
        return r == -ENOMEM || r == -EMFILE || r == -ENFILE;
}

int tmpfiles_run(const TmpfilesOptions *o, char *const *configs) {
        const char *root = isempty(o->root) || streq(o->root, "/") ? NULL : o->root;
        if (o->cat_config) return cat_config(root) < 0 ? 1 : 0;
        if ((o->operations & (TMPFILES_CREATE | TMPFILES_REMOVE | TMPFILES_CLEAN)) == 0) {
                log_error("You need to specify at least one of --clean, --create or --remove.");
                return 1;
        }
        if (!root && access("/proc/self", F_OK) < 0) {
                log_error("/proc/ is not mounted, but required for successful operation of systemd-tmpfiles. "
                          "Please mount /proc/. Alternatively, consider using the --root= or --image= switches.");
                return 1;
        }
        TmpfilesIdCache ids = {};
        TmpfilesSpecCache specs = {};
        TmpfilesContext ctx = {
                .root = root, .boot = o->boot, .include_prefixes = o->include_prefixes,
                .exclude_prefixes = o->exclude_prefixes, .items = hashmap_new(), .globs = hashmap_new(), .ids = &ids,
                .specs = &specs,
        };
        mode_t old_umask = umask(0022);
        int r = ctx.items && ctx.globs ? read_all(&ctx, configs) : log_oom();
        if (r >= 0) r = for_each_array(&ctx, ctx.items, 0, true);
        if (r >= 0) r = for_each_array(&ctx, ctx.globs, 0, true);
        if (r == -ENOMEM) log_oom();
        /* remove and clean first, so creation builds on a cleaned platform */
        unsigned phases[] = { o->operations & (TMPFILES_REMOVE | TMPFILES_CLEAN), o->operations & TMPFILES_CREATE };
        bool fatal = r < 0;
        for (size_t p = 0; !fatal && p < ELEMENTSOF(phases); p++) {
                if (!phases[p]) continue;
                int k = for_each_array(&ctx, ctx.items, phases[p], false);
                if (k < 0 && r >= 0) r = k;
                k = for_each_array(&ctx, ctx.globs, phases[p], false);
                if (k < 0 && r >= 0) r = k;
        }
        umask(old_umask);
        bool invalid = ctx.invalid_config;
        context_done(&ctx);
        tmpfiles_spec_cache_done(&specs);
        if (fatal || errno_is_resource(r)) return 1;
        if (invalid) return EXIT_DATAERR;
        return r < 0 ? EXIT_CANTCREAT : 0;
}

int tmpfiles_boot_builtin(const char *root) {
        TmpfilesOptions o = {
                .root = root,
                .operations = TMPFILES_CREATE | TMPFILES_REMOVE,
                .boot = true,
        };
        return tmpfiles_run(&o, NULL);
}

int tmpfiles_boot(const char *root) {
        static const char *const bins[] = { "/usr/bin/systemd-tmpfiles", "/bin/systemd-tmpfiles" };
        if (isempty(root) || streq(root, "/"))
                for (size_t k = 0; k < ELEMENTSOF(bins); k++) {
                        if (access(bins[k], X_OK) < 0) continue;
                        pid_t pid = fork();
                        if (pid < 0) return log_error_errno(errno, "Failed to fork for %s: %m", bins[k]);
                        if (pid == 0) {
                                execl(bins[k], bins[k], "--create", "--remove", "--boot", (char *)NULL);
                                _exit(127);
                        }
                        int status;
                        while (waitpid(pid, &status, 0) < 0)
                                if (errno != EINTR) return log_error_errno(errno, "Failed to wait for %s: %m", bins[k]);
                        if (WIFEXITED(status) && WEXITSTATUS(status) != 127) return WEXITSTATUS(status);
                        if (!WIFEXITED(status)) return log_error_errno(EPROTO, "%s died of a signal.", bins[k]);
                        log_warning("%s could not be executed, using the built-in tmpfiles.", bins[k]);
                        break;
                }
        return tmpfiles_boot_builtin(root);
}
