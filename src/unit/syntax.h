/* SPDX-License-Identifier: MIT */
#pragma once
/* The INI-like unit-file syntax of systemd.syntax(7): sections, comments, continuation lines.
 * The parser hands every assignment to a callback with file and line, so diagnostics can name
 * both. Bounds: a file larger than CONFIG_FILE_MAX or a (joined) line longer than CONFIG_LINE_MAX
 * is refused with a clear error, never read whole. */
#include <stdbool.h>
#include <stddef.h>

#define CONFIG_FILE_MAX (16u * 1024u * 1024u)
#define CONFIG_LINE_MAX (1024u * 1024u)

typedef struct ConfigItem {
        const char *file;
        unsigned line;           /* last physical line of the assignment */
        const char *section;
        unsigned section_line;
        const char *key;
        const char *value;       /* stripped; "" for an empty assignment */
} ConfigItem;

/* Return <0 to abort parsing (the error is passed back), 0 to go on. */
typedef int (*config_item_cb)(const ConfigItem *item, void *userdata);

/* sections: NULL-terminated list of known section names; entries starting with '-' are known
 * but ignored silently. An unknown section and its keys are skipped with one warning
 * (sections named X-* silently). Returns 0, or a negative errno if the file is unusable
 * (unreadable, too large, line too long, invalid section header). */
int config_parse_file(const char *path, const char *const *sections, config_item_cb cb,
                      void *userdata);
/* Same on an in-memory buffer (for tests and fuzzing); name is used in messages. */
int config_parse_buffer(const char *name, const char *data, size_t size,
                        const char *const *sections, config_item_cb cb, void *userdata);
