/* SPDX-License-Identifier: MIT */
/* libFuzzer target: an sd_notify(3) datagram (notify_message_parse()). What parses holds at most
 * what it may (one of READY/RELOADING/STOPPING, a status text within systemd's bound). Never
 * crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/log.h"
#include "base/util.h"
#include "core/notify-msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        NotifyMessage m;
        if (notify_message_parse((const char *)data, size, &m) < 0) return 0;
        if (m.ready + m.reloading + m.stopping > 1) abort();
        if (m.has_status && (!m.status || strlen(m.status) > NOTIFY_STATUS_TEXT_MAX)) abort();
        if (m.barrier && (m.ready || m.has_status || m.has_mainpid)) abort();
        notify_message_done(&m);
        return 0;
}
