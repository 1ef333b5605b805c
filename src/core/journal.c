/* SPDX-License-Identifier: MIT */
/* PID 1's journal: the server of src/journal/journal-server.c wired to the manager, and the
 * manager's own lines. Units are found by name or pid and their log settings handed over as
 * copies (journal_unit_info()); the server's stdout lines go to the console, its sink; the
 * manager's status lines and log messages become journal entries as systemd's, which the journal
 * forwards to stdout like every other line. Before the journal starts and after it ends, the
 * console writes the manager's lines itself. */
#include <syslog.h>
#include "base/log.h"
#include "core/console.h"
#include "core/journal.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "journal/journal-server.h"
#include "unit/name.h"

/* a line logged while the journal is taking one (a store failure while storing a message) goes
 * straight to the console */
static bool in_journal;

void journal_unit_info(const MUnit *u, JournalUnitInfo *ret) {
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
}

static bool unit_lookup(pid_t pid, const char *name, JournalUnitInfo *ret, void *userdata) {
        Manager *m = userdata;
        MUnit *u = name ? manager_get_unit(m, name) : pid > 0 ? manager_unit_by_pid(m, pid) : NULL;
        if (!u) return false;
        journal_unit_info(u, ret);
        return true;
}

static void sink(const char *lines, size_t len, bool stored, void *userdata) {
        (void)userdata;
        console_write_lines(lines, len, stored);
}

/* One line of the manager's: a journal entry (forwarded by the journal), or without a journal
 * straight to the console. */
static void manager_line(Manager *m, int priority, const char *unit, const char *message_id, JournalForwardStatus status,
                         const char *text, bool forward) {
        if (m && m->journal && !in_journal) {
                in_journal = true;
                (void)journal_server_log_manager(m->journal, priority, unit, message_id, status, text, forward);
                in_journal = false;
                return;
        }
        if (!forward) return;
        JournalForwardMessage fm = {
                .object_unit = unit, .identifier = "tinysd", .pid = getpid(), .priority = priority,
                .timestamp_usec = now_usec(CLOCK_REALTIME), .message = text, .message_len = strlen(text), .status = status,
        };
        console_write_message(&fm);
}

/* "foo.service: Main process exited, ..." is about foo.service: systemd stores UNIT= with it */
static void log_sink(int level, const char *msg, void *userdata) {
        char unit[256];
        const char *colon = strstr(msg, ": ");
        size_t n = colon ? (size_t)(colon - msg) : 0;
        if (n > 0 && n < sizeof unit) {
                memcpy(unit, msg, n);
                unit[n] = 0;
        }
        bool is_unit = n > 0 && n < sizeof unit && unit_name_is_valid(unit, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE);
        manager_line(userdata, level, is_unit ? unit : NULL, NULL, JOURNAL_FORWARD_STATUS_NONE, msg, true);
}

/* systemd's log priority and catalog id of a status line (job_emit_done_message()) */
static void status_line(Manager *m, StatusKind k, const char *unit, const char *text) {
        static const int priority[] = {
                [STATUS_OK] = LOG_INFO, [STATUS_FAILED] = LOG_ERR, [STATUS_DEPEND] = LOG_WARNING,
                [STATUS_TIME] = LOG_ERR, [STATUS_INFO] = LOG_INFO, [STATUS_WARN] = LOG_WARNING,
        };
        static const JournalForwardStatus form[] = {
                [STATUS_OK] = JOURNAL_FORWARD_STATUS_OK, [STATUS_FAILED] = JOURNAL_FORWARD_STATUS_FAILED,
                [STATUS_DEPEND] = JOURNAL_FORWARD_STATUS_DEPEND, [STATUS_TIME] = JOURNAL_FORWARD_STATUS_TIME,
                [STATUS_INFO] = JOURNAL_FORWARD_STATUS_INFO, [STATUS_WARN] = JOURNAL_FORWARD_STATUS_WARN,
        };
        const char *id = NULL;
        if (unit && startswith(text, "Started ")) id = "39f53479d3a045ac8e11786248231fbf";
        else if (unit && startswith(text, "Stopped ")) id = "9d1aaa27d60140bd96365438aad20286";
        else if (unit && startswith(text, "Failed to start ")) id = "be02cf6855d2428ba40df7e9d022f03d";
        /* --show-status=no: only what went wrong */
        bool forward = console_settings()->show_status || (k != STATUS_OK && k != STATUS_INFO);
        manager_line(m, priority[k], unit, id, form[k], text, forward);
}

void manager_status_line(Manager *m, StatusKind k, const char *text) {
        status_line(m, k, NULL, text);
}

void manager_status(Manager *m, StatusKind k, MUnit *u, const char *prefix, const char *suffix) {
        _cleanup_free_ char *name = munit_status_name(u);
        _cleanup_free_ char *text = name ? strjoin(prefix, name, suffix) : NULL;
        if (text) status_line(m, k, u->id, text);
}

int manager_setup_journal(Manager *m) {
        JournaldConfig c;
        journald_config_init(&c);
        (void)journald_config_load(&c, m->set.root);
        const ConsoleSettings *cs = console_settings();
        JournalServerOutput out = { .format = cs->format, .color = console_is_tty(), .quiet = cs->quiet };
        JournalServerHooks hooks = { .unit_lookup = unit_lookup, .sink = sink, .userdata = m };
        int r = journal_server_new(m->event, &c, &out, &hooks, &m->journal);
        if (r < 0) return log_warning_errno(-r, "Cannot start the journal: %s", strerror(-r));
        /* from now on the manager's messages are journal entries */
        log_set_sink(log_sink, m);
        /* tests run the manager unprivileged outside a container: only PID 1 owns the well-known paths */
        if (m->is_pid1 || getenv("TINYSD_JOURNAL")) {
                (void)journal_server_open_store(m->journal, NULL);
                (void)journal_server_open_sockets(m->journal, NULL, "/dev/log");
        }
        return 0;
}

void manager_journal_drain(Manager *m) {
        journal_server_drain(m->journal);
}

void manager_journal_done(Manager *m) {
        if (!m->journal) return;
        log_set_sink(console_log_sink, NULL);
        m->journal = journal_server_free(m->journal);
}
