/* SPDX-License-Identifier: MIT */
#pragma once
/* SIGBUS on mapped journal files. Touching a page of a MAP_SHARED file mapping that lies beyond
 * the file's end (somebody truncated the file) or that the kernel cannot read (an I/O error)
 * raises SIGBUS, which would kill PID 1. The journal maps its files only where it registered the
 * mapping here: the handler then maps a page of zeros over the faulting page, so the access
 * completes, and flags the region; the owner checks the flag after its accesses and treats the
 * file as gone (the writer stops writing to it and starts a new file, a reader skips it). A SIGBUS
 * outside every registered region is not ours: the handler restores the default action, so the
 * access faults again and the process dies as it would have.
 *
 * The registry is a fixed table (JOURNAL_SIGBUS_SLOTS) so the handler can read it without locks;
 * a mapping that finds no free slot is left unregistered (journal_sigbus_register() returns -1).
 * The writer stores into its mapping only the bytes already there (to fault a commit's pages in
 * before the commit): new objects go in with pwrite() and links through preadv() (see
 * journal-writer.c), which report a failed page as an error instead of a signal. */
#include <stdbool.h>
#include <stddef.h>

#define JOURNAL_SIGBUS_SLOTS 256

/* Install the handler (once per process) and register [addr, addr+len): a slot number, or -1. */
int journal_sigbus_register(const void *addr, size_t len);
void journal_sigbus_unregister(int slot);
/* Update a slot after a remap. */
void journal_sigbus_update(int slot, const void *addr, size_t len);
/* Whether a SIGBUS hit the region since it was registered. */
bool journal_sigbus_hit(int slot);
