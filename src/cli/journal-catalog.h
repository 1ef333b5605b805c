/* SPDX-License-Identifier: MIT */
#pragma once
/* The message catalog as `journalctl -x` shows it (systemd 252): systemd's compiled catalog database
 * (/var/lib/systemd/catalog/database, which `journalctl --update-catalog` writes from the image's
 * *.catalog files; an image with systemd's package has it, a minimal one has none and -x then adds
 * nothing, as in journalctl), an entry found by the record's MESSAGE_ID and the LC_MESSAGES
 * language, @FIELD@ replaced by the record's field (its name when the record has none), each line
 * prefixed "░░ " ("-- " outside a UTF-8 locale). */
#include <stdbool.h>
#include <stdio.h>
#include "journal/journal-store.h"

#define CATALOG_DATABASE "/var/lib/systemd/catalog/database"

typedef struct Catalog Catalog;

/* -ENOENT: no database; -EBADMSG: not a valid one. The whole file is read, bounded in size. */
int catalog_open(const char *path, Catalog **ret);
void catalog_free(Catalog *c);
/* LANGUAGE: LC_MESSAGES as set (e.g. "de_DE.UTF-8"), NULL/"C"/"POSIX" for none. The entry for the
 * record with its variables replaced (*ret, malloc'd), 0 when there is none, <0 on error. */
int catalog_text(const Catalog *c, const JournalRecord *e, const char *language, char **ret);
/* The catalog lines under an entry, as journalctl's print_catalog() writes them. */
void catalog_print(FILE *f, const char *text, bool utf8);
