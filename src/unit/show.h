/* SPDX-License-Identifier: MIT */
#pragma once
/* A loaded unit as `systemctl show` prints it: "Name=value" lines with systemd's property names
 * and value formats. Every property is produced, empty ones included; the caller filters
 * (systemctl show hides empty values unless --all or -p names them). */
#include "base/util.h"
#include "unit/load.h"

int unit_show(const Loader *l, Unit *u, Buf *out);
/* An item of a string-list property, as systemctl show prints it: as is, or in double quotes
 * with \ " ` $ escaped when it holds whitespace or any of ()\`$"' . */
int show_put_quoted(Buf *o, const char *s);
/* Print the lines of `text` (output of unit_show) filtered as systemctl show does.
 * props: NULL for all; value_only: --value. */
int show_filter_print(const char *text, char *const *props, bool all, bool value_only, Buf *out);
