/* SPDX-License-Identifier: MIT */
/* A journal message's sender: credentials with what /proc says, and its unit's log settings
 * copied out of the manager. See journal-client.h. */
#include <fcntl.h>
#include <stdio.h>
#include "base/strv.h"
#include "base/util.h"
#include "journal/journal-client.h"

#define CMDLINE_MAX 4096U

static char *proc_read(const char *proc_root, pid_t pid, const char *what, size_t max, size_t *ret_len) {
        char path[128];
        snprintf(path, sizeof path, "%s/%d/%s", proc_root, (int)pid, what);
        char *data = NULL;
        size_t n = 0;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return NULL;
        if (!(data = malloc(max + 1))) return NULL;
        for (;;) {   /* /proc files report size 0: read to EOF, bounded */
                ssize_t k = read(fd, data + n, max - n);
                if (k < 0 && errno == EINTR) continue;
                if (k < 0) {
                        free(data);
                        return NULL;
                }
                if (k == 0 || (n += (size_t)k) == max) break;
        }
        data[n] = 0;
        /* credentials are kept with their stream: give back what the bound reserved */
        char *fit = n < max ? realloc(data, n + 1) : NULL;
        *ret_len = n;
        return fit ? fit : data;
}

int journal_creds_read(JournalCreds *c, const char *proc_root, pid_t pid, uid_t uid, gid_t gid) {
        *c = (JournalCreds) { .pid = pid, .uid = uid, .gid = gid };
        if (pid <= 0) return 0;
        if (!proc_root) proc_root = "/proc";
        size_t n;
        if ((c->comm = proc_read(proc_root, pid, "comm", 64, &n))) {
                while (n > 0 && c->comm[n - 1] == '\n') c->comm[--n] = 0;
        }
        if ((c->cmdline = proc_read(proc_root, pid, "cmdline", CMDLINE_MAX, &n))) {
                while (n > 0 && c->cmdline[n - 1] == 0) n--;
                for (size_t i = 0; i < n; i++)
                        if (c->cmdline[i] == 0) c->cmdline[i] = ' ';
                c->cmdline[n] = 0;
                if (n == 0) {   /* kernel threads and zombies: no command line */
                        free(c->cmdline);
                        c->cmdline = NULL;
                }
        }
        char path[128], target[4096];
        snprintf(path, sizeof path, "%s/%d/exe", proc_root, (int)pid);
        ssize_t k = readlink(path, target, sizeof target - 1);
        if (k > 0) {
                target[k] = 0;
                c->exe = strdup(target);
        }
        return 0;
}

void journal_creds_done(JournalCreds *c) {
        free(c->comm);
        free(c->exe);
        free(c->cmdline);
        *c = (JournalCreds) {};
}

static int add_trusted_string(JournalEntry *e, const char *name, const char *value) {
        return value ? journal_entry_add_trusted(e, name, value, strlen(value)) : 0;
}

static int add_trusted_number(JournalEntry *e, const char *name, unsigned long long v) {
        char b[20];
        return journal_entry_add_trusted(e, name, b, format_u64(b, v));
}

int journal_creds_add_fields(const JournalCreds *c, JournalEntry *e) {
        if (!c || c->pid <= 0) return 0;
        int r = add_trusted_number(e, "_PID", (unsigned long long)c->pid);
        if (r >= 0) r = add_trusted_number(e, "_UID", (unsigned long long)c->uid);
        if (r >= 0) r = add_trusted_number(e, "_GID", (unsigned long long)c->gid);
        if (r >= 0) r = add_trusted_string(e, "_COMM", c->comm);
        if (r >= 0) r = add_trusted_string(e, "_EXE", c->exe);
        if (r >= 0) r = add_trusted_string(e, "_CMDLINE", c->cmdline);
        return r;
}

void journal_context_done(JournalContext *c) {
        free(c->unit);
        strv_free(c->extra_fields);
        *c = JOURNAL_CONTEXT_NONE;
}

int journal_context_set(JournalContext *c, const JournalUnitInfo *ui) {
        journal_context_done(c);
        if (!ui || !ui->unit) return 0;
        JournalContext n = {
                .unit = strdup(ui->unit),
                .log_level_max = ui->log_level_max,
                .forward = ui->forward,
                .ratelimit_interval = ui->ratelimit_interval,
                .ratelimit_burst = ui->ratelimit_burst,
        };
        if (ui->invocation_id && strlen(ui->invocation_id) == 32) memcpy(n.invocation_id, ui->invocation_id, 33);
        if (n.unit && ui->extra_fields && ui->extra_fields[0] && !(n.extra_fields = strv_copy((char **)ui->extra_fields))) {
                free(n.unit);
                n.unit = NULL;
        }
        if (!n.unit) return -ENOMEM;
        *c = n;
        return 0;
}
