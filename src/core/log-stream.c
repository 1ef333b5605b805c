/* SPDX-License-Identifier: MIT */
/* Service output through the journal (StandardOutput=journal, the default): each spawned
 * process whose stdout/stderr goes to the journal gets the writing end of a stream the journal
 * server reads like any /run/systemd/journal/stdout client (journal-streams.c). What the stream
 * needs of the unit (its name, invocation, LogLevelMax=, LogExtraFields=, rate limit, whether its
 * lines go to stdout, the header: SyslogIdentifier=, SyslogFacility=/SyslogLevel=,
 * SyslogLevelPrefix=) is resolved here, once, and copied by the server: a daemon-reload that
 * replaces the unit's configuration changes the streams of processes spawned after it. */
#include <syslog.h>
#include "core/journal.h"
#include "core/log-stream.h"
#include "core/manager.h"
#include "core/munit.h"
#include "journal/journal-relay.h"
#include "journal/journal-server.h"

/* systemd's header bits for StandardOutput=kmsg and journal+console */
static unsigned relay_flags(ExecOutput o) {
        unsigned f = 0;
        if (o == EXEC_OUTPUT_KMSG || o == EXEC_OUTPUT_KMSG_AND_CONSOLE) f |= JOURNAL_RELAY_KMSG;
        if (o == EXEC_OUTPUT_KMSG_AND_CONSOLE || o == EXEC_OUTPUT_JOURNAL_AND_CONSOLE) f |= JOURNAL_RELAY_CONSOLE;
        return f;
}

int log_stream_new(MUnit *u, const char *path, int *ret_fd) {
        if (!u->m->journal) return -ENOTCONN;
        const ExecContext *ec = u->cfg ? unit_exec_context(u->cfg) : NULL;
        JournalUnitInfo ui;
        journal_unit_info(u, &ui);
        const char *slash = path ? strrchr(path, '/') : NULL;
        JournalStreamSettings st = {
                .unit = &ui,
                .identifier = ec && ec->syslog_identifier ? ec->syslog_identifier : slash ? slash + 1 : path ? path : u->id,
                .priority = ec ? ec->syslog_priority : LOG_DAEMON | LOG_INFO,
                .level_prefix = ec ? ec->syslog_level_prefix : true,
                .relay = ec ? relay_flags(ec->std_output) : 0,
        };
        return journal_server_add_stream(u->m->journal, &st, ret_fd);
}
