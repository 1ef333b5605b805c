/* SPDX-License-Identifier: MIT */
#pragma once
/* The journal server's state, shared by its parts: journal-server.c (entries: dispatch, store,
 * forwarding, the server's own messages), journal-streams.c (stdout streams), journal-datagram.c
 * (the native and syslog sockets). Nothing outside src/journal includes this. */
#include "base/hashmap.h"
#include "base/ratelimit.h"
#include "base/util.h"
#include "journal/journal-native.h"
#include "journal/journal-relay.h"
#include "journal/journal-server.h"
#include "journal/journal-store.h"

/* Kinds of the server's own messages, each said at most once per JOURNAL_SERVER_NOTICE_INTERVAL
 * (what was not said is counted and appended the next time: "(Dropped N similar message(s))"). */
typedef enum NoticeKind {
        NOTICE_STREAMS_MAX,        /* "Too many stdout streams, refusing connection." */
        NOTICE_STREAM_ACCEPT,      /* "Failed to accept stdout connection: ..." */
        NOTICE_STREAM_HEADER,      /* a refused stream header */
        NOTICE_STREAM_READ,        /* "Failed to read from stream: ..." */
        NOTICE_NATIVE,             /* a native datagram the parser stopped early in: one kind per problem, */
        _NOTICE_NATIVE_LAST = NOTICE_NATIVE + JOURNAL_NATIVE_ENTRY_TOO_BIG - 1,   /* JournalNativeProblem - 1 */
        NOTICE_NATIVE_FILE,        /* a passed file that was refused */
        NOTICE_FDS,                /* file descriptors where none belong */
        NOTICE_OVERSIZED,          /* a datagram larger than PID 1 reads */
        NOTICE_WRITE,              /* "Failed to write entry (...), ignoring: ..." */
        _NOTICE_MAX,
} NoticeKind;

typedef struct Notice {
        usec_t said;               /* when this kind was last said; 0: never */
        unsigned dropped;          /* occurrences since, not said */
        char last[256];            /* the last text not said, said with the count when the window ends */
        int priority;
} Notice;

typedef struct RateBucket {
        char *key;                 /* the unit's name ("" for processes without a unit) */
        RateLimit rl;
        unsigned suppressed;
} RateBucket;

typedef struct ServerStream ServerStream;

/* The last datagram sender: its credentials and context, reused for a flood from one process
 * (the pid → unit lookup may walk /proc) for at most a second. */
typedef struct SenderCache {
        JournalCreds creds;
        JournalContext context;
        usec_t time;
} SenderCache;

struct JournalServer {
        EventLoop *event;
        JournaldConfig config;
        JournalServerOutput output;
        JournalServerHooks hooks;
        JournalStore *store;
        EventSource *flush_src;         /* deferred: store batch, then the forwarded lines, before the loop sleeps */
        char *store_dir;
        bool store_failing;
        uint8_t boot_id[16];
        char boot_id_str[33], machine_id[33];
        JournalCreds self;
        int native_fd, stdout_fd, syslog_fd;
        EventSource *native_io, *stdout_io, *syslog_io;
        EventSource *accept_retry;      /* accepting paused (no fd left): when to try again */
        bool accept_paused;
        ServerStream *streams;
        unsigned n_clients;             /* streams accepted on DIR/stdout (services' own are not counted) */
        unsigned streams_max;           /* JOURNAL_SERVER_STREAMS_MAX within PID 1's fd budget */
        size_t stream_buffers;          /* bytes of pending lines of all streams together */
        Hashmap *rate;
        char *dgram;                    /* receive buffer, grown on demand up to JOURNAL_SERVER_DGRAM_MAX */
        size_t dgram_size;
        SenderCache sender;
        char hostname[256];             /* _HOSTNAME, re-read at most once a second (a syscall per */
        usec_t hostname_time;           /* entry was 3% of PID 1 at full forwarding speed) */
        Buf forward;                    /* lines for stdout, handed to the sink after the store's write */
        bool forward_unstored;          /* a line in `forward` is not in the store */
        JournalRelay *relay;
        Notice notices[_NOTICE_MAX];
        EventSource *notice_timer;      /* says what was counted when a notice window ends */
        bool in_notice;
};

/* journal-server.c */
void server_notice(JournalServer *s, NoticeKind kind, int priority, const char *fmt, ...) _printf_(4, 5);
/* An entry from PID 1 for the server itself, as journald's (_TRANSPORT=driver). */
void server_driver_message(JournalServer *s, int priority, const char *message_id, const char *text);
void server_schedule_flush(JournalServer *s);

/* journal-streams.c */
int server_streams_open(JournalServer *s, int listen_fd);
void server_streams_drain(JournalServer *s);
void server_streams_free(JournalServer *s);

/* journal-datagram.c */
void server_read_datagrams(JournalServer *s, int fd, bool native);
int server_on_native(EventSource *src, int fd, uint32_t revents, void *userdata);
int server_on_syslog(EventSource *src, int fd, uint32_t revents, void *userdata);
/* The sender's credentials and context from the kernel's ucred (cached, see SenderCache). */
void server_sender(JournalServer *s, const struct ucred *cred, const JournalCreds **ret_creds,
                   const JournalContext **ret_context);
