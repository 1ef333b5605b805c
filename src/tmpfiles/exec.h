/* SPDX-License-Identifier: MIT */
#pragma once
/* Internal to src/tmpfiles: the actions of one item. */
#include "tmpfiles/fsops.h"
#include "tmpfiles/item.h"

typedef int (*glob_action_t)(TmpfilesContext *ctx, Item *i, const char *path, CreationMode creation);
/* Runs action on every match of the item's glob; the first error is returned, all are tried. */
int tmpfiles_glob(TmpfilesContext *ctx, Item *i, glob_action_t action);
int tmpfiles_create_item(TmpfilesContext *ctx, Item *i);
int tmpfiles_remove_item(TmpfilesContext *ctx, Item *i);
int tmpfiles_clean_item(TmpfilesContext *ctx, Item *i);
/* h/H arguments ("+aC", "-i", "=") as chattr flags; logs and returns -EINVAL on bad ones. */
int tmpfiles_parse_attributes(const char *arg, const char *path, unsigned *value, unsigned *mask);
