/* SPDX-License-Identifier: MIT */
#pragma once
/* Object paths for external ids, as sd_bus_path_encode()/sd_bus_path_decode() make them: the id
 * becomes one path label where every byte outside [A-Za-z0-9] (and a digit in first position)
 * is written as '_' and two lowercase hex digits; the empty id is "_". So "foo.service" under
 * /org/freedesktop/systemd1/unit is /org/freedesktop/systemd1/unit/foo_2eservice. */

#include <stddef.h>

/* The label escaping itself is bus_label_escape()/bus_label_unescape() in unit/name.h. */

/* prefix must be a valid object path. Returns 0 or -EINVAL/-ENOMEM. */
int bus_path_encode(const char *prefix, const char *external_id, char **ret_path);
/* If path lies below prefix (one label or more: the rest is unescaped as one label), returns 1
 * and the id; returns 0 and NULL if it does not; -EINVAL for invalid paths. */
int bus_path_decode(const char *path, const char *prefix, char **ret_external_id);
