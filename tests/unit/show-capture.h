/* SPDX-License-Identifier: MIT */
#pragma once
/* `systemctl show` of a loaded unit in unit tests: what `tinysd dump --all` prints, i.e. the unit's
 * properties from PID 1's D-Bus API table (GetAll of a unit that never ran) through systemctl
 * show's formatter. Strings returned are the caller's to free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

/* Every property, empty ones included (--all). */
static inline char *show_all(Unit *u) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);
        Loader l = { 0 };
        assert_non_null(f);
        assert_int_equal(dump_unit(&l, u, NULL, CTL_PRINT_SHOW_EMPTY, f), 0);
        assert_int_equal(fclose(f), 0);
        return s;
}

/* Offset of the first line "NAME=..." in text at or after `from`, or (size_t)-1. */
static inline size_t show_find_line(const char *text, size_t from, const char *name) {
        size_t n = strlen(name);
        for (size_t i = from; text[i]; i++)
                if ((i == 0 || text[i - 1] == '\n') && strncmp(text + i, name, n) == 0 && text[i + n] == '=') return i;
        return (size_t)-1;
}

/* The lines from property `first` through property `last` (inclusive) of show_all(). */
static inline char *show_section(Unit *u, const char *first, const char *last) {
        char *s = show_all(u);
        size_t from = show_find_line(s, 0, first);
        size_t to = from == (size_t)-1 ? from : show_find_line(s, from, last);
        if (to == (size_t)-1) fail_msg("no %s= ... %s= in:\n%s", first, last, s);
        /* the last property may repeat (one line per item): take every line of it */
        for (size_t next; (next = show_find_line(s, to + 1, last)) != (size_t)-1 && next == to + strcspn(s + to, "\n") + 1;)
                to = next;
        size_t end = to + strcspn(s + to, "\n");
        if (s[end]) end++;
        char *out = strndup(s + from, end - from);
        free(s);
        return out;
}
