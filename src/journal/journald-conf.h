/* SPDX-License-Identifier: MIT */
#pragma once
/* The journal server's settings from journald.conf(5): /etc/systemd/journald.conf, then the
 * drop-ins "*.conf" of journald.conf.d/ in /etc/systemd, /run/systemd, /usr/local/lib/systemd and
 * /usr/lib/systemd (the first directory wins for one file name; all are applied in file-name
 * order), section [Journal]. tinysd reads the settings its store and server implement; journald's
 * other keys are accepted silently, unknown keys are warned about (file:line) and ignored.
 *
 * Container defaults differ from journald in one point: rate limiting is OFF unless a file sets
 * RateLimitIntervalSec= or RateLimitBurst=; the one not set then takes journald's default
 * (30 s, 10000 messages). ForwardToSyslog= defaults to yes, as Debian's journald does (upstream:
 * no); nothing is sent unless a syslog daemon listens on /run/systemd/journal/syslog.
 *
 * The parser is the unit-file syntax layer's (linear in the file's size); values are bounded. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/parse.h"
#include "journal/journal-store.h"

#define JOURNALD_RATELIMIT_INTERVAL_DEFAULT (30 * USEC_PER_SEC)
#define JOURNALD_RATELIMIT_BURST_DEFAULT 10000U

typedef enum JournaldStorage {
        JOURNALD_STORAGE_AUTO,        /* /var/log/journal when writable, else /run/log/journal */
        JOURNALD_STORAGE_VOLATILE,    /* /run/log/journal */
        JOURNALD_STORAGE_PERSISTENT,  /* /var/log/journal (created), /run while it is not writable */
        JOURNALD_STORAGE_NONE,        /* no store: forwarding only */
} JournaldStorage;

typedef struct JournaldConfig {
        JournaldStorage storage;
        usec_t ratelimit_interval;      /* 0: off */
        unsigned ratelimit_burst;       /* 0: off */
        bool ratelimit_interval_set, ratelimit_burst_set;
        JournalStoreLimits system, runtime;   /* System*= and Runtime*= (UINT64_MAX unset) */
        size_t line_max;                /* LineMax=, 0: journal-stream's default */
        int max_level_store;            /* MaxLevelStore=, 0..7 (default 7: everything) */
        /* copies of entries, as journald makes them (journal-relay.h) */
        bool forward_to_syslog;         /* ForwardToSyslog=, default yes (Debian's default) */
        bool forward_to_kmsg;           /* ForwardToKMsg=, default no */
        bool forward_to_console;        /* ForwardToConsole=, default no */
        bool forward_to_wall;           /* ForwardToWall=, default yes */
        int max_level_syslog;           /* MaxLevelSyslog=, default debug */
        int max_level_kmsg;             /* MaxLevelKMsg=, default notice */
        int max_level_console;          /* MaxLevelConsole=, default info */
        int max_level_wall;             /* MaxLevelWall=, default emerg */
        char tty_path[256];             /* TTYPath=, default /dev/console */
} JournaldConfig;

void journald_config_init(JournaldConfig *c);
/* Apply one file's text (name for messages). Bad values are warned about and ignored. Returns 0
 * or the syntax layer's error for an unusable file. */
int journald_config_parse_buffer(JournaldConfig *c, const char *name, const char *data, size_t size);
/* Read journald.conf and its drop-ins under root ("" or NULL: /). Missing files are fine. Then
 * completes the rate-limit defaults. Returns the number of files read. */
int journald_config_load(JournaldConfig *c, const char *root);
/* After parsing: the rate limit as it applies (the container default rule above). */
void journald_config_finish(JournaldConfig *c);
const char *journald_storage_to_string(JournaldStorage s);
