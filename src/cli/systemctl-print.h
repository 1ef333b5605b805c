/* SPDX-License-Identifier: MIT */
#pragma once
/* `systemctl show`'s property printing, as systemd 252 formats each D-Bus type (bus-print-
 * properties.c plus systemctl's special cases for Exec*, Listen, timers, ...). Pure: reads a
 * message positioned at a value, writes to a FILE. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bus/bus-message.h"

typedef enum CtlPrintFlags {
        CTL_PRINT_SHOW_EMPTY = 1 << 0,   /* --all, or the property was named with -p */
        CTL_PRINT_ONLY_VALUE = 1 << 1,   /* --value */
} CtlPrintFlags;

/* "NAME=value\n" (or "value\n"), unless value is empty without SHOW_EMPTY, or expected_value is
 * set and differs. */
void ctl_print_value(FILE *f, const char *name, const char *expected, CtlPrintFlags flags, const char *value);
/* Print one property whose value (inside its variant) is next in m. Returns 1 if printed or
 * deliberately skipped, 0 if the type is not printable (the caller then skips the value), <0 on
 * a malformed message. */
int ctl_print_property(FILE *f, const char *name, const char *expected, BusMessage *m, CtlPrintFlags flags);
/* Walk an a{sv} (m positioned at it): print those in filter (NULL: all; "NAME=VALUE" entries
 * print NAME only when it has VALUE). Names seen are added to *found if found != NULL. */
int ctl_print_all_properties(FILE *f, BusMessage *m, char *const *filter, CtlPrintFlags flags, char ***found);

/* bus_message_read() for loops over an array: 0 at the end of the current container, 1 when the
 * values were read, <0 on a type mismatch. */
int ctl_read(BusMessage *m, const char *types, ...);

/* systemd's names: sigchld codes ("exited", NULL for 0), exit statuses for LIBC|SYSTEMD
 * ("SUCCESS", "EXEC"...; NULL otherwise), signals without "SIG" ("TERM"; numbers otherwise). */
const char *ctl_sigchld_code_to_string(int code);
const char *ctl_exit_status_to_string(int status);
const char *ctl_signal_name(int sig, char buf[static 16]);
