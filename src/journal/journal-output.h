/* SPDX-License-Identifier: MIT */
#pragma once
/* Entries printed in journalctl's output modes (-o), byte for byte as systemd 252's
 * src/shared/logs-show.c prints them, without colors or a pager (tinysd runs in containers). */
#include <stdbool.h>
#include <stdio.h>
#include "journal/journal-store.h"

typedef enum OutputMode {
        OUTPUT_SHORT,
        OUTPUT_SHORT_FULL,
        OUTPUT_SHORT_ISO,
        OUTPUT_SHORT_ISO_PRECISE,
        OUTPUT_SHORT_PRECISE,
        OUTPUT_SHORT_MONOTONIC,
        OUTPUT_SHORT_UNIX,
        OUTPUT_WITH_UNIT,
        OUTPUT_VERBOSE,
        OUTPUT_EXPORT,
        OUTPUT_JSON,
        OUTPUT_JSON_PRETTY,
        OUTPUT_JSON_SSE,
        OUTPUT_JSON_SEQ,
        OUTPUT_CAT,
        _OUTPUT_MODE_MAX,
        _OUTPUT_MODE_INVALID = -EINVAL,
} OutputMode;

typedef struct OutputOptions {
        OutputMode mode;
        bool all;          /* -a: print long and unprintable fields */
        bool utc;
        bool no_hostname;
        char **fields;     /* --output-fields= (verbose, export, json*, cat) */
} OutputOptions;

OutputMode output_mode_from_string(const char *s);
const char *output_mode_to_string(OutputMode m);
bool output_mode_is_quiet(OutputMode m);  /* export, json*, cat: no informational lines */

/* Print one entry. 0 printed, 0 also when the mode skips it (short without MESSAGE=), <0 error. */
int output_entry(FILE *f, const JournalRecord *e, const OutputOptions *o);

/* systemd's utf8_is_printable(): valid UTF-8 without control characters except \t and \n. */
bool output_utf8_is_printable(const char *s, size_t n, bool allow_newline);
/* "Mon 2026-11-23 10:15:14 UTC" (with_usec: ".631391" after the seconds) */
char *output_format_timestamp(char *buf, size_t l, uint64_t usec, bool utc, bool with_usec);
/* The cursor of an entry, in systemd's shape "s=...;i=...;b=...;m=...;t=...;x=..." */
void output_cursor(const JournalRecord *e, char *buf, size_t l);
