/* SPDX-License-Identifier: MIT */
#include "base/util.h"
#include "journal/journal-entry.h"

bool journal_field_name_valid(const char *name, size_t len, bool allow_trusted) {
        if (!name)
                return false;
        if (len == SIZE_MAX)
                len = strlen(name);
        if (len == 0 || len > JOURNAL_FIELD_NAME_MAX)
                return false;
        if (name[0] == '_' && !allow_trusted)
                return false;
        if (name[0] >= '0' && name[0] <= '9')
                return false;
        for (size_t i = 0; i < len; i++) {
                /* A-Z, 0-9, '_': one unsigned range test each (this runs for every field stored) */
                unsigned char c = (unsigned char)name[i];
                if ((unsigned)(c - 'A') > 'Z' - 'A' && (unsigned)(c - '0') > 9 && c != '_')
                        return false;
        }
        return true;
}

/* Room for n more bytes in the arena; the fields point into it, so a move rebases them. */
static int arena_reserve(JournalEntry *e, size_t n) {
        if (e->arena_cap - e->arena_len >= n)
                return 0;
        size_t cap = e->arena_cap ? e->arena_cap : 1024;
        while (cap - e->arena_len < n)
                cap *= 2;
        char *a = realloc(e->arena, cap);
        if (!a)
                return -ENOMEM;
        if (a != e->arena)
                for (size_t i = 0; i < e->n_fields; i++)
                        e->fields[i].data = a + (e->fields[i].data - e->arena);
        e->arena = a;
        e->arena_cap = cap;
        return 0;
}

static int entry_append(JournalEntry *e, const char *name, size_t name_len, const void *value, size_t len,
                        bool trusted, bool check_name) {
        size_t max_fields = JOURNAL_ENTRY_FIELDS_MAX, max_size = JOURNAL_ENTRY_SIZE_MAX;
        size_t flen, new_size;

        if (!e || !name || (!value && len > 0))
                return -EINVAL;
        if (check_name && !journal_field_name_valid(name, name_len, trusted))
                return -EINVAL;
        if (trusted) {
                max_fields += JOURNAL_ENTRY_TRUSTED_FIELDS_MAX;
                max_size += JOURNAL_ENTRY_TRUSTED_SIZE_MAX;
        }
        if (e->n_fields >= max_fields)
                return -E2BIG;
        /* "NAME=value" plus its separator, as journald counts */
        if (len > max_size || name_len + 1 > max_size - len)
                return -EMSGSIZE;
        flen = name_len + 1 + len;
        new_size = e->size + flen + 1;
        if (new_size > max_size)
                return -EMSGSIZE;

        if (e->n_fields >= e->n_allocated) {
                size_t n = e->n_allocated > 0 ? e->n_allocated * 2 : 24;
                JournalField *f = realloc(e->fields, n * sizeof *f);
                if (!f)
                        return -ENOMEM;
                e->fields = f;
                e->n_allocated = n;
        }
        if (arena_reserve(e, flen + 1) < 0)
                return -ENOMEM;
        char *d = e->arena + e->arena_len;
        memcpy(d, name, name_len);
        d[name_len] = '=';
        if (len > 0)
                memcpy(d + name_len + 1, value, len);
        d[flen] = 0;
        e->arena_len += flen + 1;
        e->fields[e->n_fields++] = (JournalField) { .data = d, .len = flen, .name_len = name_len };
        e->size = new_size;
        return 0;
}

int journal_entry_add(JournalEntry *e, const char *name, const void *value, size_t len) {
        return entry_append(e, name, name ? strlen(name) : 0, value, len, false, true);
}

int journal_entry_add_trusted(JournalEntry *e, const char *name, const void *value, size_t len) {
        return entry_append(e, name, name ? strlen(name) : 0, value, len, true, false);
}

int journal_entry_add_string(JournalEntry *e, const char *name, const char *value) {
        if (!value)
                return -EINVAL;
        return entry_append(e, name, name ? strlen(name) : 0, value, strlen(value), false, true);
}

int journal_entry_add_pair(JournalEntry *e, const void *pair, size_t len, bool allow_trusted) {
        const char *p = pair, *eq;

        if (!p)
                return -EINVAL;
        eq = memchr(p, '=', len);
        if (!eq)
                return -EINVAL;
        return entry_append(e, p, (size_t) (eq - p), eq + 1, len - (size_t) (eq - p) - 1, allow_trusted, true);
}

const JournalField *journal_entry_find(const JournalEntry *e, const char *name) {
        size_t l;

        if (!e || !name)
                return NULL;
        l = strlen(name);
        for (size_t i = e->n_fields; i > 0; i--) {
                const JournalField *f = &e->fields[i - 1];
                if (f->name_len == l && memcmp(f->data, name, l) == 0)
                        return f;
        }
        return NULL;
}

const char *journal_entry_get(const JournalEntry *e, const char *name, size_t *ret_len) {
        const JournalField *f = journal_entry_find(e, name);

        if (!f)
                return NULL;
        if (ret_len)
                *ret_len = journal_field_value_len(f);
        return journal_field_value(f);
}

int journal_entry_to_iovec(const JournalEntry *e, struct iovec *iov, size_t n_iov) {
        if (!e || (!iov && n_iov > 0))
                return -EINVAL;
        if (n_iov < e->n_fields)
                return -ENOBUFS;
        for (size_t i = 0; i < e->n_fields; i++)
                iov[i] = (struct iovec) { .iov_base = e->fields[i].data, .iov_len = e->fields[i].len };
        return (int) e->n_fields;
}

void journal_entry_done(JournalEntry *e) {
        if (!e)
                return;
        free(e->fields);
        free(e->arena);
        *e = (JournalEntry) {};
}
