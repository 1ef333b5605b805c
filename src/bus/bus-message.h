/* SPDX-License-Identifier: MIT */
#pragma once
/* D-Bus messages (the D-Bus specification's wire format, protocol version 1), without libdbus or
 * sd-bus. A message is built with the append functions (always little-endian), sealed with a
 * serial, turned into bytes; or parsed from bytes of either byte order with full validation, and
 * then read with the read functions, which check every type against the signature.
 *
 * Building (in the style of sd_bus_message_append()):
 *
 *     bus_message_new_method_call(&m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
 *                                 "org.freedesktop.systemd1.Manager", "StartUnit");
 *     bus_message_append(m, "ss", "foo.service", "replace");
 *     bus_message_append(m, "a{sv}", 2, "A", "u", 7, "B", "as", 2, "x", "y");
 *
 * bus_message_append() takes, per complete type of its signature: y b n q i as int; u as uint32_t;
 * x as int64_t; t as uint64_t; d as double; s o g as const char *; h as an int fd (duplicated);
 * `a` as an unsigned element count followed by that many elements; `(...)` and `{..}` as their
 * members in order; `v` as a signature string (one complete type) followed by the value. Containers
 * can also be written step by step with bus_message_open_container()/close_container(), and a
 * string vector with bus_message_append_strv(). The first error poisons the message: every later
 * append and the seal return that error, so a sequence of appends may be checked once at the end.
 *
 * Reading: bus_message_read() takes pointers (y uint8_t*, b int*, n int16_t*, q uint16_t*,
 * i int32_t*, u uint32_t*, x int64_t*, t uint64_t*, d double*, s o g const char **, h int*),
 * `(...)`/`{..}` inline, `v` as the expected contents signature followed by the value pointers;
 * `a` is not accepted there: use bus_message_enter_container('a', ...) or bus_message_read_strv().
 * Strings read point into the message and live as long as it; fds read stay owned by the message.
 * Read functions return 1 when a value was read (or a container entered), 0 at the end of the
 * current container (nothing consumed), -ENXIO if the next value has another type.
 *
 * Errors: negative errno. Parsing returns -EBADMSG for any malformed input, -EMSGSIZE above the
 * caller's size bound, -ENOMEM; it never reads out of bounds and allocates at most about the
 * size of its input. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/util.h"

enum {
        BUS_MESSAGE_METHOD_CALL = 1,
        BUS_MESSAGE_METHOD_RETURN = 2,
        BUS_MESSAGE_METHOD_ERROR = 3,
        BUS_MESSAGE_SIGNAL = 4,
};

enum {
        BUS_FLAG_NO_REPLY_EXPECTED = 0x1,
        BUS_FLAG_NO_AUTO_START = 0x2,
        BUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION = 0x4,
};

/* Limits of the specification (and sd-bus). */
#define BUS_SIGNATURE_MAX 255          /* characters */
#define BUS_ARRAY_DEPTH_MAX 32
#define BUS_STRUCT_DEPTH_MAX 32        /* structs and dict entries */
#define BUS_DEPTH_MAX 64               /* all containers, variants included */
#define BUS_ARRAY_SIZE_MAX (64U * 1024U * 1024U)
#define BUS_MESSAGE_SIZE_MAX (128U * 1024U * 1024U)   /* the specification's bound */
#define BUS_MESSAGE_SIZE_DEFAULT (8U * 1024U * 1024U) /* what PID 1 accepts */
#define BUS_NAME_MAX 255               /* interface, member, error and bus names */
#define BUS_FDS_MAX 1024               /* unix fds per message */
#define BUS_HEADER_FIXED_SIZE 16       /* bytes needed to know a message's size */

typedef struct BusContainer BusContainer;

/* Public fields are read-only for users; change them only through the functions below. The
 * header strings are NULL when absent. */
typedef struct BusMessage {
        uint8_t type;                  /* BUS_MESSAGE_* */
        uint8_t flags;                 /* BUS_FLAG_* */
        bool big_endian;               /* as received; built messages are little-endian */
        bool sealed;                   /* serial set: no more appends; readable */
        uint32_t serial;
        uint32_t reply_serial;         /* 0: absent */
        char *path, *interface, *member, *error_name, *destination, *sender;
        char signature[BUS_SIGNATURE_MAX + 1];  /* of the body, "" if none */
        uint32_t unix_fds;             /* the UNIX_FDS header field (number of fds) */

        /* private */
        int poison;                    /* first append error, 0 if none */
        int *fds;                      /* owned; n_fds entries */
        size_t n_fds;
        uint8_t *body;                 /* owned; body_size bytes */
        size_t body_size, body_alloc;
        uint8_t *header;               /* owned serialized header incl. padding (after seal) */
        size_t header_size;
        BusContainer *stack;           /* append or read containers; [0] is the body itself */
        size_t n_stack, stack_alloc;
        size_t rindex;                 /* read position in body */
        char peek_buf[BUS_SIGNATURE_MAX + 1];
} BusMessage;

/* ---- construction ---- */
/* destination and interface may be NULL; path and member are required. */
int bus_message_new_method_call(BusMessage **ret, const char *destination, const char *path,
                                const char *interface, const char *member);
/* A reply to `call`: REPLY_SERIAL = call's serial, DESTINATION = call's sender (if any). */
int bus_message_new_method_return(BusMessage **ret, const BusMessage *call);
/* An error reply with body "s" text (text may be NULL: no body). */
int bus_message_new_method_error(BusMessage **ret, const BusMessage *call, const char *name, const char *text);
int bus_message_new_method_errorf(BusMessage **ret, const BusMessage *call, const char *name,
                                  const char *fmt, ...) _printf_(4, 5);
int bus_message_new_signal(BusMessage **ret, const char *path, const char *interface, const char *member);
BusMessage *bus_message_free(BusMessage *m);  /* closes owned fds; returns NULL */
static inline void bus_message_freep(BusMessage **m) { bus_message_free(*m); }
#define _cleanup_bus_message_ _cleanup_(bus_message_freep)

int bus_message_set_destination(BusMessage *m, const char *destination);
int bus_message_set_sender(BusMessage *m, const char *sender);
/* Sets or clears BUS_FLAG_* bits (before sealing). */
int bus_message_set_flags(BusMessage *m, uint8_t flags);
/* True for a method call that wants an answer (no NO_REPLY_EXPECTED flag). */
bool bus_message_expects_reply(const BusMessage *m);

/* ---- appending ---- */
int bus_message_append(BusMessage *m, const char *types, ...);
int bus_message_appendv(BusMessage *m, const char *types, va_list ap);
/* One basic value: p points to uint8_t (y), int (b, h), int16_t (n), uint16_t (q), int32_t (i),
 * uint32_t (u), int64_t (x), uint64_t (t), double (d); for s o g, p is the string itself. */
int bus_message_append_basic(BusMessage *m, char type, const void *p);
/* type: 'a' (contents: the element type), '(' or 'r' (the members), '{' or 'e' (key and value),
 * 'v' (one complete type). */
int bus_message_open_container(BusMessage *m, char type, const char *contents);
int bus_message_close_container(BusMessage *m);
int bus_message_append_strv(BusMessage *m, char *const *l);  /* "as"; NULL is empty */

/* Fix the serial (> 0) and serialize the header. Fails if containers are still open, the
 * message is poisoned or too large, or fields required for its type are missing. */
int bus_message_seal(BusMessage *m, uint32_t serial);
/* The message as one freshly allocated little-endian byte string (it must be sealed). The fds
 * (m->fds, m->n_fds) travel separately as SCM_RIGHTS. */
int bus_message_to_bytes(const BusMessage *m, uint8_t **ret, size_t *ret_size);

/* ---- parsing ---- */
/* How many bytes the message starting at buf needs in total (header peek). Returns 0 and sets
 * *ret_size to BUS_HEADER_FIXED_SIZE when size < BUS_HEADER_FIXED_SIZE; -EBADMSG for a bad byte
 * order mark or version; -EMSGSIZE if the total exceeds max_size. */
int bus_message_frame_size(const void *buf, size_t size, size_t max_size, size_t *ret_size);
/* Parse exactly one complete message of `size` bytes. `fds` (n_fds of them) are taken over by the
 * message on success (closed by the caller otherwise); there must be exactly as many as the
 * UNIX_FDS field says. The result is sealed and positioned at the start of its body. */
int bus_message_parse(const void *buf, size_t size, size_t max_size, int *fds, size_t n_fds, BusMessage **ret);

/* ---- reading ---- */
int bus_message_read(BusMessage *m, const char *types, ...);
int bus_message_readv(BusMessage *m, const char *types, va_list ap);
/* p: pointer to the type given in the comment at the top. */
int bus_message_read_basic(BusMessage *m, char type, void *p);
/* contents NULL accepts any; else it must equal the container's contents signature exactly.
 * Returns 1 when entered, 0 at the end of the enclosing container. */
int bus_message_enter_container(BusMessage *m, char type, const char *contents);
/* Leaves the innermost entered container, skipping what was not read. */
int bus_message_exit_container(BusMessage *m);
/* The next value's type ('a', '(', '{', 'v' for containers) and for containers its contents
 * signature (valid until the next peek). Returns 1, or 0 at the end of the current container. */
int bus_message_peek_type(BusMessage *m, char *ret_type, const char **ret_contents);
/* Skip values: `types` lists the complete types to skip (checked), NULL skips one of any type. */
int bus_message_skip(BusMessage *m, const char *types);
/* At the end of the current container (complete=false) or of the whole body (complete=true). */
bool bus_message_at_end(BusMessage *m, bool complete);
/* Back to the start of the body, leaving every container. */
int bus_message_rewind(BusMessage *m);
int bus_message_read_strv(BusMessage *m, char ***ret);  /* "as", copied */

/* Copy the (remaining) body of src at its current read position into dst's current append
 * position, value by value (converting byte order; fds are duplicated). */
int bus_message_copy_body(BusMessage *dst, BusMessage *src);

/* A new unsealed little-endian message with src's type, flags, header fields (not its serial)
 * and body (re-encoded; fds duplicated). src's read position is rewound. */
int bus_message_new_copy(BusMessage **ret, BusMessage *src);

/* ---- predicates and helpers ---- */
bool bus_message_is_method_call(const BusMessage *m, const char *interface, const char *member);
bool bus_message_is_signal(const BusMessage *m, const char *interface, const char *member);
/* An error reply, with this name if name != NULL. */
bool bus_message_is_error(const BusMessage *m, const char *name);
/* For an error reply: its name and its first string argument ("" if none; points into m). */
int bus_message_get_error(BusMessage *m, const char **ret_name, const char **ret_text);
const char *bus_message_type_to_string(uint8_t type);

/* Validity of the specification's names and values. */
bool bus_signature_is_valid(const char *s, bool single);  /* single: exactly one complete type */
bool bus_object_path_is_valid(const char *p);
bool bus_interface_name_is_valid(const char *s);
bool bus_member_name_is_valid(const char *s);
bool bus_error_name_is_valid(const char *s);
bool bus_bus_name_is_valid(const char *s);                /* unique (":1.2") or well-known */
bool bus_utf8_is_valid(const char *s, size_t len);        /* and no NUL within len */
