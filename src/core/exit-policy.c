/* SPDX-License-Identifier: MIT */
/* The container's exit policy (see exit-policy.h). */
#include <sys/wait.h>
#include "base/log.h"
#include "base/parse.h"
#include "core/exit-policy.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/service.h"
#include "core/socket.h"

int exit_policy_parse(const char *s) {
        int b = parse_boolean(s);
        return b < 0 ? -EINVAL : b;
}

static int service_status(const Service *s) {
        switch (s->result) {
        case SERVICE_FAILURE_EXIT_CODE:
                if (s->main_exit_code == CLD_EXITED && s->main_exit_status > 0 && s->main_exit_status < 256)
                        return s->main_exit_status;
                return 1;
        case SERVICE_FAILURE_SIGNAL: case SERVICE_FAILURE_CORE_DUMP:
                if ((s->main_exit_code == CLD_KILLED || s->main_exit_code == CLD_DUMPED) &&
                    s->main_exit_status > 0 && s->main_exit_status < 128)
                        return 128 + s->main_exit_status;
                return EXIT_POLICY_OTHER;
        case SERVICE_FAILURE_RESOURCES: return EXIT_POLICY_RESOURCES;
        case SERVICE_FAILURE_TIMEOUT: return EXIT_POLICY_TIMEOUT;
        case SERVICE_FAILURE_WATCHDOG: return EXIT_POLICY_WATCHDOG;
        case SERVICE_FAILURE_START_LIMIT_HIT: return EXIT_POLICY_START_LIMIT;
        case SERVICE_FAILURE_PROTOCOL: return EXIT_POLICY_PROTOCOL;
        default: return EXIT_POLICY_OTHER;
        }
}

static int socket_status(const Socket *s) {
        switch (s->result) {
        case SOCKET_FAILURE_RESOURCES: return EXIT_POLICY_RESOURCES;
        case SOCKET_FAILURE_TIMEOUT: return EXIT_POLICY_TIMEOUT;
        case SOCKET_FAILURE_EXIT_CODE: return 1;
        case SOCKET_FAILURE_START_LIMIT_HIT: case SOCKET_FAILURE_TRIGGER_LIMIT_HIT:
        case SOCKET_FAILURE_SERVICE_START_LIMIT_HIT:
                return EXIT_POLICY_START_LIMIT;
        default: return EXIT_POLICY_OTHER;
        }
}

/* the runtimes with a Result= of their own; every other unit fails as "failed" (EXIT_POLICY_OTHER) */
int exit_policy_status(const MUnit *u) {
        const Service *s = SERVICE_CONST(u);
        const Socket *k = SOCKET_CONST(u);
        return s ? service_status(s) : k ? socket_status(k) : EXIT_POLICY_OTHER;
}

static const char *result_name(const MUnit *u) {
        const Service *s = SERVICE_CONST(u);
        const Socket *k = SOCKET_CONST(u);
        return s ? service_result_to_string(s->result) : k ? socket_result_to_string(k->result) : "failed";
}

void exit_policy_unit_failed(MUnit *u) {
        Manager *m = u->m;
        if (!m->set.exit_on_failure || m->shutting_down) return;
        int code = exit_policy_status(u);
        log_notice("%s failed with result '%s': stopping the container, exit status %d (--exit-on-failure).",
                   u->id, result_name(u), code);
        manager_start_shutdown(m, code, "a unit failed (--exit-on-failure)");
}
