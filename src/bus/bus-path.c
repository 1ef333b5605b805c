/* SPDX-License-Identifier: MIT */
#include "base/util.h"
#include "bus/bus-message.h"
#include "bus/bus-path.h"
#include "unit/name.h"  /* bus_label_escape(), bus_label_unescape() */

int bus_path_encode(const char *prefix, const char *external_id, char **ret_path) {
        if (!bus_object_path_is_valid(prefix) || !external_id || !ret_path)
                return -EINVAL;
        _cleanup_free_ char *e = bus_label_escape(external_id);
        if (!e)
                return -ENOMEM;
        char *p = strjoin(prefix, streq(prefix, "/") ? "" : "/", e);
        if (!p)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

/* The part of path below prefix ("" if equal), or NULL when path is not prefix or below it. */
static const char *object_path_startswith(const char *path, const char *prefix) {
        if (streq(prefix, "/"))
                return path + 1;
        const char *p = startswith(path, prefix);
        if (!p)
                return NULL;
        if (*p == 0)
                return p;
        return *p == '/' ? p + 1 : NULL;
}

int bus_path_decode(const char *path, const char *prefix, char **ret_external_id) {
        if (!bus_object_path_is_valid(path) || !bus_object_path_is_valid(prefix) || !ret_external_id)
                return -EINVAL;
        const char *e = object_path_startswith(path, prefix);
        if (!e) {
                *ret_external_id = NULL;
                return 0;
        }
        char *id = bus_label_unescape(e);
        if (!id)
                return -ENOMEM;
        *ret_external_id = id;
        return 1;
}
