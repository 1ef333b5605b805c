/* SPDX-License-Identifier: MIT */
#include "base/strv.h"
#include "unit/show.h"

/* Dependency properties in the order systemctl show prints them. */
static const UnitDependency shown_deps[] = {
        UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO, UNIT_PART_OF, UNIT_UPHOLDS,
        UNIT_REQUIRED_BY, UNIT_REQUISITE_OF, UNIT_WANTED_BY, UNIT_BOUND_BY, UNIT_UPHELD_BY,
        UNIT_CONSISTS_OF, UNIT_CONFLICTS, UNIT_CONFLICTED_BY, UNIT_BEFORE, UNIT_AFTER,
        UNIT_ON_SUCCESS, UNIT_ON_SUCCESS_OF, UNIT_ON_FAILURE, UNIT_ON_FAILURE_OF, UNIT_TRIGGERS,
        UNIT_TRIGGERED_BY, UNIT_PROPAGATES_RELOAD_TO, UNIT_RELOAD_PROPAGATED_FROM,
        UNIT_PROPAGATES_STOP_TO, UNIT_STOP_PROPAGATED_FROM, UNIT_JOINS_NAMESPACE_OF,
};

int show_put_quoted(Buf *o, const char *s) {
        if (!*s || strpbrk(s, " \t\n()\\`$\"'") == NULL) return buf_puts(o, s);
        int r = buf_putc(o, '"');
        for (const char *p = s; r >= 0 && *p; p++) {
                if (strchr("\\\"`$", *p)) r = buf_putc(o, '\\');
                if (r >= 0) r = buf_putc(o, *p);
        }
        return r < 0 ? r : buf_putc(o, '"');
}

static int put_strv(Buf *out, const char *name, char *const *l) {
        int r = buf_printf(out, "%s=", name);
        STRV_FOREACH(s, l) {
                if (r >= 0 && s != l) r = buf_putc(out, ' ');
                if (r >= 0) r = show_put_quoted(out, *s);
        }
        return r < 0 ? r : buf_putc(out, '\n');
}

static int unit_show_common(const Loader *l, Unit *u, Buf *out) {
        int r = buf_printf(out, "Id=%s\n", u->id);
        if (r >= 0) r = put_strv(out, "Names", u->names);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(shown_deps); i++)
                r = put_strv(out, unit_dependency_to_string(shown_deps[i]), u->unit.deps[shown_deps[i]]);
        if (r >= 0) r = put_strv(out, "RequiresMountsFor", u->unit.requires_mounts_for);
        if (r >= 0) r = buf_printf(out, "Description=%s\n", u->unit.description ? u->unit.description : u->id);
        if (r >= 0) r = buf_printf(out, "LoadState=%s\n", unit_load_state_to_string(u->load_state));
        if (r >= 0) r = buf_puts(out, "ActiveState=inactive\nFreezerState=running\nSubState=dead\n");
        if (r >= 0)
                r = buf_printf(out, "FragmentPath=%s\n",
                               u->fragment_path ? lookup_path_unroot(&l->lp, u->fragment_path) : "");
        if (r >= 0) {
                r = buf_puts(out, "DropInPaths=");
                STRV_FOREACH(p, u->dropin_paths)
                        if (r >= 0) r = buf_printf(out, "%s%s", p == u->dropin_paths ? "" : " ", lookup_path_unroot(&l->lp, *p));
                if (r >= 0) r = buf_putc(out, '\n');
        }
        if (r >= 0 && u->load_state == UNIT_LOADED) r = unit_config_show(u, out);
        return r;
}

int unit_show(const Loader *l, Unit *u, Buf *out) {
        int r = 0;
        if (u->load_state == UNIT_LOADED) {
                if (u->service) r = service_config_show(u, out);
                else if (u->socket) r = socket_config_show(u, out);
                else if (u->timer) r = timer_config_show(u, out);
                else if (u->path) r = path_config_show(u, out);
                /* systemd's order: resource control, then exec, then kill */
                const CGroupContext *cc = unit_cgroup_context(u);
                if (r >= 0 && cc) r = cgroup_context_show(cc, unit_slice(u), out);
                ExecContext *ec = unit_exec_context(u);
                if (r >= 0 && ec) r = exec_context_show(ec, out);
                KillContext *kc = unit_kill_context(u);
                if (r >= 0 && kc) r = kill_context_show(kc, out);
        }
        if (r >= 0) r = unit_show_common(l, u, out);
        return r;
}

int show_filter_print(const char *text, char *const *props, bool all, bool value_only, Buf *out) {
        int r = 0;
        for (const char *p = text; *p && r >= 0;) {
                const char *nl = strchrnul(p, '\n'), *eq = memchr(p, '=', (size_t)(nl - p));
                if (eq) {
                        _cleanup_free_ char *name = strndup(p, (size_t)(eq - p));
                        if (!name) return -ENOMEM;
                        bool empty = eq + 1 == nl;
                        bool wanted = props ? strv_contains(props, name) : (all || !empty);
                        if (wanted) {
                                if (!value_only) r = buf_put(out, p, (size_t)(eq + 1 - p));
                                if (r >= 0) r = buf_put(out, eq + 1, (size_t)(nl - eq - 1));
                                if (r >= 0) r = buf_putc(out, '\n');
                        }
                }
                p = *nl ? nl + 1 : nl;
        }
        return r;
}
