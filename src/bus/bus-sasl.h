/* SPDX-License-Identifier: MIT */
#pragma once
/* The D-Bus authentication line protocol (SASL), without I/O: bytes in, reply bytes out.
 *
 * Server side, as systemd's PID 1 answers on its private socket (sd-bus's server mode): the
 * first byte must be NUL; "AUTH EXTERNAL <hex of decimal uid>" is accepted when the uid equals
 * the peer's SO_PEERCRED uid ("OK <guid>"), "AUTH EXTERNAL" alone is answered "DATA" and the
 * following "DATA [hex]" decides (an empty DATA accepts the peer's own uid); other mechanisms get
 * "REJECTED EXTERNAL"; "NEGOTIATE_UNIX_FD" → "AGREE_UNIX_FD" (or "ERROR" when not allowed or not
 * yet authenticating); "BEGIN" after "OK" ends the exchange; unknown commands → "ERROR". A
 * missing leading NUL, a line over BUS_SASL_LINE_MAX, more than BUS_SASL_LINES_MAX lines or
 * BUS_SASL_ERRORS_MAX failed ones close the connection.
 *
 * Client side, as systemctl 252 does: send "\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n"
 * at once, then expect "DATA", "OK <guid>" and "AGREE_UNIX_FD" (or "ERROR": no fd passing). */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "base/util.h"

#define BUS_SASL_LINE_MAX 512
#define BUS_SASL_LINES_MAX 32
#define BUS_SASL_ERRORS_MAX 8
#define BUS_GUID_LEN 32   /* hex characters */

typedef struct BusSaslServer {
        uid_t peer_uid;
        bool allow_fds;
        char guid[BUS_GUID_LEN + 1];
        bool got_nul, started, ok, fds_agreed;  /* started: AUTH EXTERNAL seen; ok: OK sent */
        unsigned lines, errors;
        size_t line_len;
        char line[BUS_SASL_LINE_MAX];
} BusSaslServer;

/* guid: 32 lowercase hex characters (bus_sasl_make_guid()). */
void bus_sasl_server_init(BusSaslServer *s, uid_t peer_uid, const char *guid, bool allow_fds);
/* Consume received bytes up to and including the BEGIN line; replies are appended to *out.
 * Returns 0 (more input needed; all consumed), 1 when BEGIN was accepted (*ret_consumed tells how
 * many bytes were authentication: the rest is the message stream), or a negative errno meaning
 * "close the connection" (-EBADMSG protocol violation, -EPERM too many failures, -ENOMEM). */
int bus_sasl_server_feed(BusSaslServer *s, const void *data, size_t size, size_t *ret_consumed, Buf *out);

typedef struct BusSaslClient {
        bool want_fds, got_ok, fds_agreed;
        char guid[BUS_GUID_LEN + 1];
        size_t line_len;
        char line[BUS_SASL_LINE_MAX];
} BusSaslClient;

void bus_sasl_client_init(BusSaslClient *c, bool want_fds);
/* What the client sends, all at once (with the leading NUL; *ret_size bytes). */
const char *bus_sasl_client_request(const BusSaslClient *c, size_t *ret_size);
/* Consume the server's answers. Returns 0 (more needed), 1 when done (*ret_consumed bytes used,
 * the rest belongs to the message stream), -EPERM when rejected, -EBADMSG on anything unexpected. */
int bus_sasl_client_feed(BusSaslClient *c, const void *data, size_t size, size_t *ret_consumed);

/* 32 random lowercase hex characters and a NUL into buf (33 bytes). */
int bus_sasl_make_guid(char *buf);
