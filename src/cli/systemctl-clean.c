/* SPDX-License-Identifier: MIT */
/* whoami; clean, freeze, thaw (systemd 252's verb_clean_or_freeze()): Manager.CleanUnit (with --what=,
 * "cache" and "runtime" when not given), FreezeUnit, ThawUnit for each unit named. PID 1 answers
 * once the work is done, so there is nothing to wait for afterwards. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "base/parse.h"
#include "base/strv.h"
#include "bus/bus-path.h"
#include "cli/systemctl.h"

int verb_ctl_clean_or_freeze(Ctl *c, int argc, char **argv) {
        static char *const default_what[] = { (char *) "cache", (char *) "runtime", NULL };
        _cleanup_strv_free_ char **names = NULL;
        const char *verb = argv[0], *method;
        int ret = 0, r;

        (void) argc;
        if (ctl_bus(c) < 0)
                return 1;
        if (ctl_expand_names_or_say(c, argv + 1, &names, NULL) < 0)
                return 1;
        method = streq(verb, "clean") ? "CleanUnit" : streq(verb, "freeze") ? "FreezeUnit" : "ThawUnit";
        STRV_FOREACH(n, names) {
                _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;

                if (ctl_new_call(&m, SD_PATH, SD_MANAGER, method) < 0 || bus_message_append(m, "s", *n) < 0 ||
                    (streq(method, "CleanUnit") &&
                     bus_message_append_strv(m, c->args->clean_what ? c->args->clean_what : default_what) < 0))
                        return 1;
                r = ctl_call(c, m, &reply);
                if (r < 0) {
                        ctl_log_call_error(r, reply, "Failed to %s unit %s", verb, *n);
                        ret = 1;
                }
        }
        return ret;
}

static int lookup_pid(Ctl *c, uint32_t pid) {
        _cleanup_bus_message_ BusMessage *m = NULL, *reply = NULL;
        _cleanup_free_ char *unit = NULL;
        const char *path;
        int r;

        if (ctl_new_call(&m, SD_PATH, SD_MANAGER, "GetUnitByPID") < 0 || bus_message_append(m, "u", pid) < 0)
                return -ENOMEM;
        r = ctl_call(c, m, &reply);
        if (r < 0) {
                ctl_log_call_error(r, reply, "Failed to get unit for ourselves");
                return r;
        }
        if (bus_message_read(reply, "o", &path) <= 0 || bus_path_decode(path, "/org/freedesktop/systemd1/unit", &unit) <= 0) {
                fputs("Failed to parse bus message: Bad message\n", stderr);
                return -EBADMSG;
        }
        puts(unit);
        return 0;
}

/* whoami [PID...] (systemd 254's, which 252 lacks): GetUnitByPID of each PID, of the caller
 * itself (0: PID 1 takes the peer's) without one; the unit's name. */
int verb_ctl_whoami(Ctl *c, int argc, char **argv) {
        int ret = 0;

        if (ctl_bus(c) < 0)
                return 1;
        if (argc <= 1)
                return lookup_pid(c, 0) < 0;
        for (int i = 1; i < argc; i++) {
                pid_t pid;
                if (parse_pid(argv[i], &pid) < 0) {
                        fprintf(stderr, "Failed to parse PID: %s\n", argv[i]);
                        ret = 1;
                        continue;
                }
                if (lookup_pid(c, (uint32_t) pid) < 0)
                        ret = 1;
        }
        return ret;
}
