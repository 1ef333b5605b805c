/* SPDX-License-Identifier: MIT */
/* PID 1's journal: the server of src/journal/journal-server.c wired to the manager. Units are
 * found by name or pid (the notify socket's lookup), their LogLevelMax=, LogRateLimit*=,
 * LogExtraFields= and X-Tinysd-ForwardToConsole= apply; lines go to stdout through the console;
 * the manager's status lines and log messages are journaled as systemd's. */
#include "base/log.h"
#include "core/console.h"
#include "core/journal.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "journal/journal-server.h"

static bool unit_lookup(pid_t pid, const char *name, JournalUnitInfo *ret, void *userdata) {
        Manager *m = userdata;
        MUnit *u = name ? manager_get_unit(m, name) : pid > 0 ? manager_unit_by_pid(m, pid) : NULL;
        if (!u) return false;
        const ExecContext *ec = u->cfg ? unit_exec_context(u->cfg) : NULL;
        *ret = (JournalUnitInfo) {
                .unit = u->id,
                .invocation_id = u->invocation_id[0] ? u->invocation_id : NULL,
                .log_level_max = ec ? ec->log_level_max : -1,
                .forward = ec ? ec->forward_to_console : true,
                .ratelimit_interval = ec ? ec->log_ratelimit_interval_usec : 0,
                .ratelimit_burst = ec ? ec->log_ratelimit_burst : 0,
                .extra_fields = ec ? ec->log_extra_fields : NULL,
        };
        return true;
}

static void forward(const char *line, size_t len, void *userdata) {
        (void)userdata;
        console_write(line, len);
}

int manager_setup_journal(Manager *m) {
        JournaldConfig c;
        journald_config_init(&c);
        (void)journald_config_load(&c, m->set.root);
        JournalServerHooks hooks = { .unit_lookup = unit_lookup, .forward = forward, .userdata = m };
        int r = journal_server_new(m->event, &c, m->log_format, &hooks, &m->journal);
        if (r < 0) return log_warning_errno(-r, "Cannot start the journal: %s", strerror(-r));
        /* tests run the manager unprivileged outside a container: only PID 1 owns the well-known paths */
        if (m->is_pid1 || getenv("TINYSD_JOURNAL")) {
                (void)journal_server_open_store(m->journal, NULL);
                (void)journal_server_open_sockets(m->journal, NULL, "/dev/log");
        }
        console_set_journal(m->journal);
        return 0;
}

void manager_journal_drain(Manager *m) {
        journal_server_drain(m->journal);
}

void manager_journal_done(Manager *m) {
        if (!m->journal) return;
        console_set_journal(NULL);
        m->journal = journal_server_free(m->journal);
}
