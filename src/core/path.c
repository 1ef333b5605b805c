/* SPDX-License-Identifier: MIT */
/* Path units (systemd.path(5)): inotify watches on each spec's path and on its existing
 * ancestors (so a file whose directory appears later is still seen). Any event re-arms the
 * watches and re-checks the specs; a true spec starts Unit=. While that unit runs nothing is
 * triggered; when it is gone the specs are checked again (PathExists= stays true: it starts
 * again, bounded by TriggerLimit*=, as in systemd). */
#include <fcntl.h>
#include <glob.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include "base/log.h"
#include "core/job.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/path.h"

static const char *const path_state_table[_PATH_STATE_MAX] = {
        [PATH_DEAD] = "dead", [PATH_WAITING] = "waiting", [PATH_RUNNING] = "running", [PATH_FAILED] = "failed",
};
const char *path_state_to_string(PathState s) { return s < _PATH_STATE_MAX ? path_state_table[s] : NULL; }

static const char *const path_result_table[_PATH_RESULT_MAX] = {
        [PATH_SUCCESS] = "success", [PATH_FAILURE_RESOURCES] = "resources",
        [PATH_FAILURE_START_LIMIT_HIT] = "start-limit-hit", [PATH_FAILURE_UNIT_START_LIMIT_HIT] = "unit-start-limit-hit",
        [PATH_FAILURE_TRIGGER_LIMIT_HIT] = "trigger-limit-hit",
};
const char *path_result_to_string(PathResult r) { return r < _PATH_RESULT_MAX ? path_result_table[r] : NULL; }

static PathConfig *cfg(MUnit *u) { return u->cfg->path; }

static void path_init(MUnit *u) { PATH(u)->inotify_fd = -1; }

static void unwatch(MUnit *u) {
        Path *s = PATH(u);
        event_source_free(s->io);
        s->io = NULL;
        if (s->inotify_fd >= 0) close(s->inotify_fd);
        s->inotify_fd = -1;
}

static void path_done(MUnit *u) {
        unwatch(u);
}

static void set_state(MUnit *u, PathState ns) {
        Path *s = PATH(u);
        PathState os = s->state;
        s->state = ns;
        if (ns != os) log_debug("%s: Changed %s -> %s", u->id, path_state_to_string(os), path_state_to_string(ns));
        UnitActiveState oa = u->state, na = ns == PATH_DEAD ? UNIT_INACTIVE : ns == PATH_FAILED ? UNIT_FAILED : UNIT_ACTIVE;
        if (oa != na) munit_notify(u, oa, na, true);
}

/* Stop watching; failed unless `result` is success (systemd's path_enter_dead()). */
static void enter_dead(MUnit *u, PathResult result) {
        Path *s = PATH(u);
        if (s->result == PATH_SUCCESS) s->result = result;
        unwatch(u);
        if (s->result != PATH_SUCCESS) log_warning("%s: Failed with result '%s'.", u->id, path_result_to_string(s->result));
        set_state(u, s->result != PATH_SUCCESS ? PATH_FAILED : PATH_DEAD);
}

static bool dir_not_empty(const char *path) {
        DIR *d = opendir(path);
        if (!d) return false;
        bool found = false;
        for (struct dirent *e; !found && (e = readdir(d));)
                found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        closedir(d);
        return found;
}

/* Whether a spec holds right now (PathChanged=/PathModified= only fire on events). */
static bool spec_holds(const PathSpec *s) {
        switch (s->type) {
        case PATH_EXISTS: return access(s->path, F_OK) == 0;
        case PATH_EXISTS_GLOB: {
                glob_t g;
                int r = glob(s->path, GLOB_NOSORT, NULL, &g);
                if (r == 0) globfree(&g);
                return r == 0;
        }
        case PATH_DIRECTORY_NOT_EMPTY: return dir_not_empty(s->path);
        default: return false;
        }
}

static uint32_t mask_for(PathType t) {
        uint32_t m = IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;
        if (t == PATH_CHANGED || t == PATH_MODIFIED) m |= IN_CLOSE_WRITE;
        if (t == PATH_MODIFIED) m |= IN_MODIFY;
        return m;
}

/* Watch every existing ancestor, from "/" down, then the path itself. Top-down matters: a
 * directory created after its parent is watched shows up as an event on the parent, whereas
 * bottom-up could miss one created between the failed watch on it and the watch on its parent.
 * Re-adding a watch is harmless (it updates the mask), so this is simply redone after every
 * event. Returns the watch descriptor of the path itself, or -1 when it does not exist yet. */
static int watch_spec(int ifd, const PathSpec *s) {
        char buf[PATH_MAX];
        snprintf(buf, sizeof buf, "%s", s->path);
        /* for globs, the directory part is what can be watched */
        if (s->type == PATH_EXISTS_GLOB) {
                char *slash = strrchr(buf, '/');
                if (slash && slash != buf) *slash = 0;
        }
        (void)inotify_add_watch(ifd, "/", IN_CREATE | IN_MOVED_TO | IN_ATTRIB);
        for (char *slash = strchr(buf + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
                *slash = 0;
                int w = inotify_add_watch(ifd, buf, IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
                *slash = '/';
                if (w < 0) break;   /* the rest does not exist yet: its creation is an event here */
        }
        return inotify_add_watch(ifd, buf, mask_for(s->type));
}

static int on_inotify(EventSource *src, int fd, uint32_t revents, void *userdata);

static int setup_watches(MUnit *u) {
        Path *s = PATH(u);
        if (s->inotify_fd < 0) {
                s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (s->inotify_fd < 0) return -errno;
                int r = event_add_io(u->m->event, &s->io, s->inotify_fd, EPOLLIN, on_inotify, u);
                if (r < 0) {
                        unwatch(u);
                        return r;
                }
        }
        for (size_t i = 0; i < cfg(u)->n_specs; i++) (void)watch_spec(s->inotify_fd, &cfg(u)->specs[i]);
        return 0;
}

static bool trigger_allowed(MUnit *u) {
        PathConfig *c = cfg(u);
        if (ratelimit_below(&PATH(u)->trigger_limit, c->trigger_limit_interval, c->trigger_limit_burst, manager_now(u->m, CLOCK_MONOTONIC)))
                return true;
        log_warning("%s: Trigger limit hit, refusing further activation.", u->id);
        enter_dead(u, PATH_FAILURE_TRIGGER_LIMIT_HIT);
        return false;
}

static void enter_running(MUnit *u) {
        if (!trigger_allowed(u)) return;
        MUnit *t = NULL;
        if (manager_load_unit(u->m, cfg(u)->unit, &t) < 0 || !t) return enter_dead(u, PATH_FAILURE_RESOURCES);
        set_state(u, PATH_RUNNING);
        int r = manager_add_job(u->m, JOB_START, t, JOB_REPLACE, NULL);
        if (r < 0 && r != -EALREADY) {
                log_warning("%s: Failed to queue unit startup job: %s", u->id, strerror(-r));
                enter_dead(u, PATH_FAILURE_RESOURCES);
        }
}

/* Check the specs; trigger when one holds (or, from an event, when a Changed/Modified one saw it). */
static void check(MUnit *u, bool changed) {
        Path *s = PATH(u);
        if (s->state != PATH_WAITING) return;
        bool fire = changed;
        for (size_t i = 0; !fire && i < cfg(u)->n_specs; i++) fire = spec_holds(&cfg(u)->specs[i]);
        if (fire) enter_running(u);
}

static int on_inotify(EventSource *src, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        Path *s = PATH(u);
        (void)src;
        (void)revents;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n <= 0) break;
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *e = (const struct inotify_event *)p;
                        /* an event on a PathChanged=/PathModified= path itself (or a file in it) */
                        for (size_t i = 0; i < cfg(u)->n_specs; i++) {
                                const PathSpec *spec = &cfg(u)->specs[i];
                                if ((spec->type == PATH_CHANGED || spec->type == PATH_MODIFIED) && (e->mask & mask_for(spec->type)) &&
                                    (e->mask & (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_CREATE | IN_MOVED_TO | IN_DELETE)) &&
                                    access(spec->path, F_OK) == 0 && inotify_add_watch(fd, spec->path, mask_for(spec->type)) == e->wd)
                                        changed = true;
                        }
                        p += sizeof *e + e->len;
                }
        }
        if (s->state == PATH_WAITING) (void)setup_watches(u);
        check(u, changed);
        return 0;
}

static void enter_waiting(MUnit *u) {
        int r = setup_watches(u);
        if (r < 0) {
                log_error("%s: Failed to enter waiting state: %s", u->id, strerror(-r));
                return enter_dead(u, PATH_FAILURE_RESOURCES);
        }
        set_state(u, PATH_WAITING);
        check(u, false);
}

static int path_start(MUnit *u) {
        Path *s = PATH(u);
        PathConfig *c = cfg(u);
        if (s->state == PATH_WAITING || s->state == PATH_RUNNING) return -EALREADY;
        MUnit *t = NULL;
        if (manager_load_unit(u->m, c->unit, &t) < 0 || !t || !t->cfg || t->cfg->load_state != UNIT_LOADED) {
                log_error("%s: Refusing to start, unit %s to trigger not loaded.", u->id, c->unit);
                return -ENOENT;
        }
        if (c->make_directory)
                for (size_t i = 0; i < c->n_specs; i++)
                        if (c->specs[i].type != PATH_EXISTS && c->specs[i].type != PATH_EXISTS_GLOB &&
                            mkdir(c->specs[i].path, c->directory_mode) < 0 && errno != EEXIST)
                                log_warning("%s: MakeDirectory=: cannot create %s: %m", u->id, c->specs[i].path);
        ratelimit_reset(&PATH(u)->trigger_limit);
        s->result = PATH_SUCCESS;
        enter_waiting(u);
        return 0;
}

static int path_stop(MUnit *u) {
        Path *s = PATH(u);
        if (s->state == PATH_DEAD || s->state == PATH_FAILED) return -EALREADY;
        enter_dead(u, PATH_SUCCESS);
        return 0;
}

static void path_reset_failed(MUnit *u) {
        Path *s = PATH(u);
        if (s->state == PATH_FAILED) set_state(u, PATH_DEAD);
        s->result = PATH_SUCCESS;
}

static void path_start_limit_hit(MUnit *u) {
        enter_dead(u, PATH_FAILURE_START_LIMIT_HIT);
}

static void path_trigger_notify(MUnit *u, MUnit *other) {
        Path *s = PATH(u);
        /* the unit is gone again (or its start was skipped, no state change): watch and check anew */
        if (s->state == PATH_RUNNING && UNIT_IS_INACTIVE_OR_FAILED(other->state) && !other->job) enter_waiting(u);
}

static const char *path_sub_state(const MUnit *u) {
        return path_state_to_string(((const Path *)u)->state);
}

const UnitVTable path_vtable = {
        .object_size = sizeof(Path),
        .init = path_init,
        .done = path_done,
        .start = path_start,
        .stop = path_stop,
        .start_limit = true,
        .sub_state = path_sub_state,
        .reset_failed = path_reset_failed,
        .start_limit_hit = path_start_limit_hit,
        .trigger_notify = path_trigger_notify,
};
