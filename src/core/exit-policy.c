/* SPDX-License-Identifier: MIT */
/* The container's exit policy (see exit-policy.h). */
#include "base/log.h"
#include "base/parse.h"
#include "core/exit-policy.h"
#include "core/manager.h"
#include "core/munit.h"

int exit_policy_parse(const char *s) {
        int b = parse_boolean(s);
        return b < 0 ? -EINVAL : b;
}

/* the types with a Result= of their own say it (their vtable's failure_result); every other unit
 * fails as "failed" (EXIT_POLICY_OTHER) */
static const char *failure_result(const MUnit *u, int *ret_status) {
        *ret_status = EXIT_POLICY_OTHER;
        return u->vt->failure_result ? u->vt->failure_result(u, ret_status) : "failed";
}

void exit_policy_unit_failed(MUnit *u) {
        Manager *m = u->m;
        if (!m->set.exit_on_failure || m->shutting_down) return;
        int code;
        const char *result = failure_result(u, &code);
        log_notice("%s failed with result '%s': stopping the container, exit status %d (--exit-on-failure).",
                   u->id, result, code);
        manager_start_shutdown(m, code, "a unit failed (--exit-on-failure)");
}
