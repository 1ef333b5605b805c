/* SPDX-License-Identifier: MIT */
#pragma once
/* sd_notify(3) datagrams: "KEY=VALUE" assignments separated by newlines, interpreted as systemd
 * 252's service_notify_message() and manager_dispatch_notify_fd() do:
 *
 *   - The message is split like systemd's strv_split_newlines(): '\n' and '\r' both separate,
 *     empty lines are skipped, the last line may lack its newline, and a backslash takes the next
 *     character literally (also a newline); a backslash at the very end makes the whole message
 *     invalid (systemd drops it).
 *   - A NUL byte makes the whole message invalid, except one NUL as the very last byte.
 *   - Each valued key counts by its FIRST occurrence (systemd looks them up with
 *     strv_find_startswith()); if that value is invalid the key is ignored (with systemd's
 *     warning) and later duplicates are not consulted.
 *   - READY=1, RELOADING=1 and STOPPING=1 must match exactly; of these the LAST one in the
 *     message wins and only it is set. FDSTORE=1, FDSTOREREMOVE=1, FDPOLL=0 and BARRIER=1 count
 *     anywhere in the message, exactly spelt; FDSTOREREMOVE=1 wins over FDSTORE=1.
 *   - BARRIER=1 cannot be mixed with anything: when present, only `barrier` is set (systemd drops
 *     every other assignment of such a message; the return value tells the caller whether there
 *     were others, which systemd warns about).
 *   - Unknown keys are ignored.
 * MONOTONIC_USEC= (systemd 253) and EXIT_STATUS= (systemd 254's sd_notify(3)) are parsed for the
 * caller's benefit; systemd 252 ignores both. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Largest datagram accepted (systemd: PIPE_BUF). The caller receives into a buffer of
 * NOTIFY_BUFFER_MAX + 1 bytes and drops truncated (MSG_TRUNC) messages. */
#define NOTIFY_BUFFER_MAX 4096
/* systemd's STATUS_TEXT_MAX (cannot be reached within NOTIFY_BUFFER_MAX) */
#define NOTIFY_STATUS_TEXT_MAX (16U * 1024U)
/* systemd's FDNAME_MAX */
#define NOTIFY_FDNAME_MAX 255

typedef struct NotifyMessage {
        bool ready, reloading, stopping;  /* at most one of them: the last in the message */
        bool watchdog;                    /* WATCHDOG=1 */
        bool watchdog_trigger;            /* WATCHDOG=trigger */
        bool fdstore, fdstoreremove;      /* never both: remove wins */
        bool barrier;                     /* BARRIER=1: nothing else is set */
        bool has_status, has_errno, has_mainpid, has_watchdog_usec, has_extend_timeout,
             has_monotonic_usec, has_exit_status;
        /* STATUS=: the new status text, owned; never NULL when has_status is set. "" means "clear
         * it": the value was empty, longer than NOTIFY_STATUS_TEXT_MAX or not valid UTF-8 (systemd
         * warns about the latter two and then replaces the text by nothing). */
        char *status;
        int errnum;                       /* ERRNO=: a number 0..4095 or a name ("ENOENT") */
        pid_t mainpid;                    /* MAINPID=, > 0 */
        uint64_t watchdog_usec;           /* WATCHDOG_USEC= */
        uint64_t extend_timeout_usec;     /* EXTEND_TIMEOUT_USEC= */
        uint64_t monotonic_usec;          /* MONOTONIC_USEC= */
        int exit_status;                  /* EXIT_STATUS= */
        /* FDNAME=, owned; NULL if absent or invalid (invalid: a byte outside printable ASCII
         * 0x20..0x7e, a ':', or longer than NOTIFY_FDNAME_MAX). "" is a valid name. */
        char *fdname;
        bool fdpoll_disabled;             /* FDPOLL=0 */
} NotifyMessage;

/* Parse one datagram of `size` bytes (it need not be NUL-terminated). On success fills *ret
 * (which the caller frees with notify_message_done()) and returns the number of assignments
 * (non-empty lines) in the message. Fails with -EINVAL on a NUL byte before the last byte or a
 * trailing backslash, -EMSGSIZE above NOTIFY_BUFFER_MAX bytes, -ENOMEM; *ret is then untouched.
 * Invalid values of known keys are logged as warnings in systemd's words and skipped. */
int notify_message_parse(const char *buf, size_t size, NotifyMessage *ret);
void notify_message_done(NotifyMessage *m);
