/* SPDX-License-Identifier: MIT */
/* libFuzzer target: D-Bus message parsing. Whatever parses must be readable to the end, re-encode
 * (little-endian) to bytes that parse again, and re-encode identically a second time; a
 * little-endian body re-encodes to exactly its original bytes (the encoding is canonical: all
 * padding is zero, booleans 0/1). Never crash, leak or trip UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include "base/util.h"
#include "bus/bus-message.h"

static void reencode(BusMessage *m, uint8_t **ret, size_t *ret_size) {
        _cleanup_bus_message_ BusMessage *c = NULL;
        if (bus_message_new_copy(&c, m) < 0)
                abort();
        if (bus_message_seal(c, m->serial) < 0)
                abort();
        if (!m->big_endian && (c->body_size != m->body_size ||
                               (m->body_size > 0 && memcmp(c->body, m->body, m->body_size) != 0)))
                abort();
        if (bus_message_to_bytes(c, ret, ret_size) < 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_bus_message_ BusMessage *a = NULL, *b = NULL;
        _cleanup_free_ uint8_t *bytes1 = NULL, *bytes2 = NULL;
        size_t n1, n2, frame;

        int r = bus_message_frame_size(data, size, BUS_MESSAGE_SIZE_DEFAULT, &frame);
        if (bus_message_parse(data, size, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &a) < 0)
                return 0;
        if (r < 0 || frame != size)
                abort();  /* the framing helper must agree with the parser */

        reencode(a, &bytes1, &n1);
        if (bus_message_parse(bytes1, n1, BUS_MESSAGE_SIZE_DEFAULT, NULL, 0, &b) < 0)
                abort();
        if (b->type != a->type || b->flags != a->flags || b->serial != a->serial ||
            b->reply_serial != a->reply_serial || !streq(b->signature, a->signature) ||
            !streq_ptr(b->path, a->path) || !streq_ptr(b->interface, a->interface) ||
            !streq_ptr(b->member, a->member) || !streq_ptr(b->error_name, a->error_name) ||
            !streq_ptr(b->destination, a->destination) || !streq_ptr(b->sender, a->sender))
                abort();
        reencode(b, &bytes2, &n2);
        if (n1 != n2 || memcmp(bytes1, bytes2, n1) != 0)
                abort();
        return 0;
}
