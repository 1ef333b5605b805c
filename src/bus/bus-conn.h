/* SPDX-License-Identifier: MIT */
#pragma once
/* A D-Bus peer-to-peer connection over an AF_UNIX stream socket (no bus daemon, no Hello), as
 * systemd's /run/systemd/private: SASL first, then messages.
 *
 * Server side (PID 1), non-blocking, for the event loop: register bus_conn_get_fd() for EPOLLIN,
 * plus EPOLLOUT while bus_conn_wants_write(); call bus_conn_on_readable()/on_writable() when the
 * fd is ready, then take the complete messages with bus_conn_pop_message(). Any negative return
 * of on_readable/on_writable/send means the connection is finished (peer gone, protocol error,
 * output queue over its bound): free it; nothing else is affected, and nothing ever blocks.
 * Input is bounded (one message of at most max_message_size plus one read), the queue of parsed
 * messages is bounded (reading pauses when it is full), the output queue is bounded in bytes (a
 * peer that does not read is disconnected when a send would exceed it).
 *
 * File descriptors: with unix fd passing negotiated, fds received (SCM_RIGHTS) are collected and
 * handed to the next complete message, which must declare exactly that many (as sd-bus does);
 * otherwise the connection fails. Fds received without negotiation fail the connection (they are
 * closed). A message's fds are sent with its first byte.
 *
 * Client side (systemctl), blocking: bus_conn_connect() authenticates like systemctl 252;
 * bus_call() sends a call and waits for its reply, keeping other messages (signals such as
 * JobRemoved, which may arrive before the reply) queued for bus_conn_wait_message(). */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "base/parse.h"
#include "bus/bus-message.h"

typedef struct BusConn BusConn;

typedef struct BusConnLimits {
        size_t max_message_size;   /* 0: BUS_MESSAGE_SIZE_DEFAULT */
        size_t max_out_bytes;      /* queued output; 0: BUS_CONN_OUT_MAX_DEFAULT */
        size_t max_in_messages;    /* parsed, not yet popped; 0: BUS_CONN_IN_MESSAGES_DEFAULT */
        bool allow_fds;            /* server: agree to NEGOTIATE_UNIX_FD */
} BusConnLimits;

#define BUS_CONN_OUT_MAX_DEFAULT (16U * 1024U * 1024U)
#define BUS_CONN_IN_MESSAGES_DEFAULT 64U

/* ---- server side ---- */
/* Takes ownership of fd (an accepted AF_UNIX stream socket; made non-blocking) also on failure.
 * Reads the peer's SO_PEERCRED. guid: 32 hex characters (bus_sasl_make_guid()), the server id
 * answered in "OK <guid>". limits may be NULL. */
int bus_conn_new_server(BusConn **ret, int fd, const char *guid, const BusConnLimits *limits);
BusConn *bus_conn_free(BusConn *c);  /* closes the fd, queued fds; returns NULL */
static inline void bus_conn_freep(BusConn **c) { bus_conn_free(*c); }
#define _cleanup_bus_conn_ _cleanup_(bus_conn_freep)

int bus_conn_get_fd(const BusConn *c);
bool bus_conn_wants_write(const BusConn *c);
/* EPOLLIN and, while output is queued, EPOLLOUT. */
uint32_t bus_conn_get_events(const BusConn *c);
/* The peer's credentials at connect time (SO_PEERCRED). */
const struct ucred *bus_conn_get_peer(const BusConn *c);
/* SASL done (BEGIN seen / OK received): messages may be sent and arrive. */
bool bus_conn_is_ready(const BusConn *c);
bool bus_conn_can_pass_fds(const BusConn *c);
/* 0 while usable, else the negative errno that finished it. */
int bus_conn_get_error(const BusConn *c);
/* Bytes queued for the peer and not yet written (a server stops taking requests from a peer that
 * does not read its replies). */
size_t bus_conn_get_queued_out(const BusConn *c);
/* Complete messages received and not yet popped, or still buffered waiting for room in the queue. */
bool bus_conn_has_input(const BusConn *c);

/* Read what is available (bounded work per call) and parse complete messages. 0 or -errno. */
int bus_conn_on_readable(BusConn *c);
/* Write queued output until the socket would block. 0 or -errno. */
int bus_conn_on_writable(BusConn *c);
/* Returns 1 and the oldest received message (caller owns it), 0 if none is queued. */
int bus_conn_pop_message(BusConn *c, BusMessage **ret);

/* Seal m with the next serial unless sealed already (its serial is kept), serialize and queue it,
 * with its fds duplicated; then write what the socket takes now. m stays the caller's. Returns 0
 * (serial in *ret_serial if not NULL); -ENOTCONN before authentication; -ENOBUFS when the output
 * bound would be exceeded (the connection is then finished); -EPERM for fds without negotiation. */
int bus_conn_send(BusConn *c, BusMessage *m, uint32_t *ret_serial);
/* Convenience for the object layer: reply to call (nothing if it wants no reply). */
int bus_conn_reply_error(BusConn *c, const BusMessage *call, const char *name, const char *text);

/* ---- non-blocking client side (PID 1 on the system bus) ---- */
/* Connect to the AF_UNIX socket at path without waiting: the SASL request is queued (and written
 * if the socket takes it); then drive the connection as a server's (on_readable/on_writable in the
 * event loop) until bus_conn_is_ready(). -EAGAIN when the listener's backlog is full. limits may
 * be NULL; allow_fds there asks for fd passing. */
int bus_conn_connect_async(BusConn **ret, const char *path, const BusConnLimits *limits);

/* ---- blocking client side ---- */
/* Connect to the AF_UNIX socket at path (or an abstract name starting with '@') and authenticate
 * (AUTH EXTERNAL, DATA, NEGOTIATE_UNIX_FD, BEGIN), waiting at most timeout_usec. */
int bus_conn_connect(BusConn **ret, const char *path, usec_t timeout_usec);
/* Wrap an already connected socket (e.g. one end of a socketpair) as a client and authenticate. */
int bus_conn_new_client(BusConn **ret, int fd, usec_t timeout_usec);
/* Send the method call m and wait for the reply (USEC_INFINITY: no timeout). Returns 0 and the
 * method return in *ret_reply (may be NULL); -EREMOTEIO for an error reply, which is then in
 * *ret_reply (read it with bus_message_get_error()); -ETIMEDOUT; or another -errno when the
 * connection failed. Other messages received meanwhile stay queued, in order. */
int bus_call(BusConn *c, BusMessage *m, usec_t timeout_usec, BusMessage **ret_reply);
/* Wait until a message is queued and pop it: 1 and the message, 0 on timeout, or -errno. */
int bus_conn_wait_message(BusConn *c, usec_t timeout_usec, BusMessage **ret);
/* Write all queued output, waiting at most timeout_usec. */
int bus_conn_flush(BusConn *c, usec_t timeout_usec);
