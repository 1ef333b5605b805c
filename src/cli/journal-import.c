/* SPDX-License-Identifier: MIT */
/* `tinysd journal-import [-D DIR]` (hidden): append the entries of journal EXPORT format
 * (https://systemd.io/JOURNAL_EXPORT_FORMATS/) read on stdin to the journal store, keeping their
 * __REALTIME_TIMESTAMP=, __MONOTONIC_TIMESTAMP= and _BOOT_ID=. Used by tests and for migrating
 * logs (`journalctl -o export | tinysd journal-import`). */
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include "base/log.h"
#include "base/parse.h"
#include "base/util.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "journal/journal-entry.h"
#include "journal/journal-store.h"

typedef struct Pending {
        struct iovec f[JOURNAL_STORE_FIELDS_MAX];
        size_t n, bytes;
        uint64_t realtime, monotonic;
        bool have_realtime;
        uint8_t boot_id[16];
} Pending;

static void pending_reset(Pending *p) {
        for (size_t i = 0; i < p->n; i++)
                free(p->f[i].iov_base);
        p->n = p->bytes = 0;
        p->realtime = p->monotonic = 0;
        p->have_realtime = false;
}

static int pending_add(Pending *p, char *data, size_t len) {
        if (p->n >= JOURNAL_STORE_FIELDS_MAX || p->bytes + len > JOURNAL_STORE_ENTRY_MAX) {
                free(data);
                return -E2BIG;
        }
        p->f[p->n++] = (struct iovec) { .iov_base = data, .iov_len = len };
        p->bytes += len + 4;
        return 0;
}

/* One field: "__" fields are metadata (kept: the timestamps and _BOOT_ID), the rest are data. */
static int handle_field(Pending *p, char *data, size_t name_len, size_t len) {
        const char *v = data + name_len + 1;
        size_t vl = len - name_len - 1;
        char tmp[64];
        if (data[0] == '_' && data[1] == '_') {
                if (vl < sizeof tmp && (name_len == 20 && memcmp(data, "__REALTIME_TIMESTAMP", 20) == 0)) {
                        memcpy(tmp, v, vl), tmp[vl] = 0;
                        if (safe_atou64(tmp, &p->realtime) < 0)
                                goto bad;
                        p->have_realtime = true;
                } else if (vl < sizeof tmp && name_len == 21 && memcmp(data, "__MONOTONIC_TIMESTAMP", 21) == 0) {
                        memcpy(tmp, v, vl), tmp[vl] = 0;
                        if (safe_atou64(tmp, &p->monotonic) < 0)
                                goto bad;
                }
                free(data);
                return 0;
        }
        if (name_len == 8 && memcmp(data, "_BOOT_ID", 8) == 0) {
                if (vl >= sizeof tmp)
                        goto bad;
                memcpy(tmp, v, vl), tmp[vl] = 0;
                if (id128_from_string(tmp, p->boot_id) < 0)
                        goto bad;
        }
        if (!journal_field_name_valid(data, name_len, true)) {
                log_warning("Ignoring invalid field name '%.*s'.", (int)name_len, data);
                free(data);
                return 0;
        }
        return pending_add(p, data, len);
bad:
        log_error("Invalid value of %.*s=.", (int)name_len, data);
        free(data);
        return -EINVAL;
}

static int flush_entry(JournalStore *s, Pending *p, const uint8_t default_boot[16], unsigned *count) {
        int r = 0;
        if (p->n > 0) {
                if (!p->have_realtime) {
                        struct timespec ts;
                        clock_gettime(CLOCK_REALTIME, &ts);
                        p->realtime = (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
                }
                bool have_boot = false;
                for (int i = 0; i < 16; i++) have_boot = have_boot || p->boot_id[i];
                r = journal_store_append(s, p->f, p->n, p->realtime, p->monotonic, have_boot ? p->boot_id : default_boot);
                if (r < 0)
                        log_error_errno(r, "Failed to append entry: %m");
                else
                        (*count)++;
        }
        pending_reset(p);
        memset(p->boot_id, 0, 16);
        return r;
}

int verb_journal_import(int argc, char **argv) {
        _cleanup_(journal_store_closep) JournalStore *s = NULL;
        _cleanup_free_ char *dir = NULL, *line = NULL;
        _cleanup_free_ Pending *p = calloc(1, sizeof(Pending));
        const char *d = NULL;
        size_t cap = 0;
        unsigned count = 0;
        uint8_t boot[16] = {};
        int r;

        if (!p)
                return log_oom(), 1;
        for (int i = 1; i < argc; i++) {
                if (arg_value(argc, argv, &i, "--directory", "-D", &d))
                        continue;
                log_error("journal-import: unknown argument '%s'.", argv[i]);
                return 1;
        }
        if (d)
                dir = strdup(d);
        else if (journal_store_default_dir(&dir, NULL) < 0)
                dir = NULL;
        if (!dir)
                return log_oom(), 1;
        r = journal_store_open(dir, NULL, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to open journal in %s: %m", dir), 1;
        _cleanup_free_ char *bs = NULL;
        if (read_file_bounded(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 64, &bs, NULL) >= 0)
                (void) id128_from_string(strstrip(bs), boot);

        for (;;) {
                ssize_t n = getline(&line, &cap, stdin);
                if (n <= 0)
                        break;
                if (line[n - 1] != '\n') {
                        log_error("Export data ends in the middle of a line.");
                        r = -EBADMSG;
                        break;
                }
                line[--n] = 0;
                if (n == 0) {
                        r = flush_entry(s, p, boot, &count);
                        if (r < 0)
                                break;
                        continue;
                }
                char *eq = memchr(line, '=', (size_t)n);
                if (eq) {
                        char *data = strndup(line, (size_t)n);
                        if (!data)
                                return log_oom(), 1;
                        r = handle_field(p, data, (size_t)(eq - line), (size_t)n);
                } else {
                        /* binary: NAME\n, le64 size, data, \n */
                        uint64_t le;
                        if (fread(&le, 8, 1, stdin) != 1) {
                                r = (log_error("Export data ends in a binary field."), -EBADMSG);
                                break;
                        }
                        uint64_t size = le64toh(le);
                        if (size > JOURNAL_STORE_ENTRY_MAX) {
                                r = (log_error("Binary field %s too large.", line), -E2BIG);
                                break;
                        }
                        char *data = malloc((size_t)n + 1 + size);
                        if (!data)
                                return log_oom(), 1;
                        memcpy(data, line, (size_t)n);
                        data[n] = '=';
                        if ((size > 0 && fread(data + n + 1, 1, size, stdin) != size) || fgetc(stdin) != '\n') {
                                free(data);
                                r = (log_error("Export data ends in a binary field."), -EBADMSG);
                                break;
                        }
                        r = handle_field(p, data, (size_t)n, (size_t)n + 1 + size);
                }
                if (r < 0)
                        break;
        }
        if (r >= 0)
                r = flush_entry(s, p, boot, &count);
        pending_reset(p);
        log_debug("Imported %u entries.", count);
        return r < 0 ? 1 : 0;
}
