/* SPDX-License-Identifier: MIT */
/* journalctl -x: systemd's catalog database (see journal-catalog.h). The layout, from systemd's
 * catalog.c: a header (signature "RHHHKSLP", flags, header size, item count, item size), the items
 * sorted by id and language (16-byte id, 32-byte language, 64-bit little-endian offset), then the
 * NUL-terminated texts the offsets point into. Every offset and size is checked against the file. */
#include <endian.h>
#include <fcntl.h>
#include "base/id128.h"
#include "base/util.h"
#include "cli/journal-catalog.h"

#define CATALOG_MAX_SIZE (64u << 20)
#define CATALOG_HEADER_SIZE 40
#define CATALOG_ITEM_SIZE 56
#define CATALOG_LANGUAGE_MAX 32
/* systemd's REPLACE_VAR_MAX: longer field values are not put into the text */
#define REPLACE_VAR_MAX 256

struct Catalog {
        char *data;
        size_t size;
        const unsigned char *items;
        uint64_t n_items, item_size;
        size_t strings;               /* offset of the text area */
};

static uint64_t le64_at(const void *p) {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        return le64toh(v);
}

static uint32_t le32_at(const void *p) {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        return le32toh(v);
}

int catalog_open(const char *path, Catalog **ret) {
        Catalog *c = calloc(1, sizeof *c);
        if (!c) return -ENOMEM;
        int r = read_file_bounded(AT_FDCWD, path, CATALOG_MAX_SIZE, &c->data, &c->size);
        if (r < 0) {
                free(c);
                return r;
        }
        const unsigned char *h = (const unsigned char *)c->data;
        uint64_t header_size = c->size >= CATALOG_HEADER_SIZE ? le64_at(h + 16) : 0;
        c->n_items = c->size >= CATALOG_HEADER_SIZE ? le64_at(h + 24) : 0;
        c->item_size = c->size >= CATALOG_HEADER_SIZE ? le64_at(h + 32) : 0;
        if (c->size < CATALOG_HEADER_SIZE || memcmp(h, "RHHHKSLP", 8) != 0 || le32_at(h + 12) != 0 ||
            header_size < CATALOG_HEADER_SIZE || c->item_size < CATALOG_ITEM_SIZE || c->n_items == 0 ||
            header_size > c->size || c->n_items > (c->size - header_size) / c->item_size) {
                catalog_free(c);
                return -EBADMSG;
        }
        c->items = h + header_size;
        c->strings = header_size + c->n_items * c->item_size;
        *ret = c;
        return 0;
}

void catalog_free(Catalog *c) {
        if (!c) return;
        free(c->data);
        free(c);
}

/* The text of item ID with LANGUAGE ("" the default), or NULL. */
static const char *find(const Catalog *c, const uint8_t id[16], const char *language) {
        for (uint64_t i = 0; i < c->n_items; i++) {
                const unsigned char *it = c->items + i * c->item_size;
                if (memcmp(it, id, 16) != 0) continue;
                const char *lang = (const char *)it + 16;
                if (strnlen(lang, CATALOG_LANGUAGE_MAX) == CATALOG_LANGUAGE_MAX || !streq(lang, language))
                        continue;
                uint64_t off = le64_at(it + 16 + CATALOG_LANGUAGE_MAX);
                if (off >= c->size - c->strings) return NULL;
                const char *s = c->data + c->strings + off;
                return memchr(s, 0, c->size - c->strings - off) ? s : NULL;
        }
        return NULL;
}

/* systemd's find_id(): LC_MESSAGES up to '.' or '@' ("de_DE"), then its part before '_' ("de"),
 * then the entry without a language. */
static const char *lookup(const Catalog *c, const uint8_t id[16], const char *loc) {
        const char *s = NULL;
        if (loc && *loc && !streq(loc, "C") && !streq(loc, "POSIX")) {
                size_t l = strcspn(loc, ".@");
                if (l < CATALOG_LANGUAGE_MAX) {
                        char lang[CATALOG_LANGUAGE_MAX];
                        memcpy(lang, loc, l);
                        lang[l] = 0;
                        s = find(c, id, lang);
                        char *u = strchr(lang, '_');
                        if (!s && u) {
                                *u = 0;
                                s = find(c, id, lang);
                        }
                }
        }
        return s ? s : find(c, id, "");
}

/* @NAME@ (NAME of capital letters and '_') replaced by the record's field NAME, by the name itself
 * when the record has none or it is longer than REPLACE_VAR_MAX (systemd's replace_var()). */
static int replace_vars(const char *text, const JournalRecord *e, char **ret) {
        Buf out = {};
        const char *f = text;
        while (*f) {
                size_t k = *f == '@' ? strspn(f + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") : 0;
                if (k == 0 || f[k + 1] != '@') {
                        if (buf_put(&out, f, 1) < 0) goto oom;
                        f++;
                        continue;
                }
                char name[64];
                size_t vl = 0;
                const char *v = NULL;
                if (k < sizeof name) {
                        memcpy(name, f + 1, k);
                        name[k] = 0;
                        v = journal_record_get(e, name, &vl);
                }
                if (v && vl <= REPLACE_VAR_MAX) {
                        vl = strnlen(v, vl);     /* as strndup(): up to a NUL byte */
                        if (buf_put(&out, v, vl) < 0) goto oom;
                } else if (buf_put(&out, f + 1, k) < 0)
                        goto oom;
                f += k + 2;
        }
        if (!(*ret = buf_steal(&out))) goto oom;
        return 0;
oom:
        buf_free(&out);
        return -ENOMEM;
}

int catalog_text(const Catalog *c, const JournalRecord *e, const char *language, char **ret) {
        size_t l;
        const char *mid = journal_record_get(e, "MESSAGE_ID", &l);
        uint8_t id[16];
        char hex[33];
        if (!c || !mid || l != 32) return 0;
        memcpy(hex, mid, 32);
        hex[32] = 0;
        if (id128_from_string(hex, id) < 0) return 0;
        const char *text = lookup(c, id, language);
        if (!text) return 0;
        int r = replace_vars(text, e, ret);
        return r < 0 ? r : 1;
}

void catalog_print(FILE *f, const char *text, bool utf8) {
        const char *prefix = utf8 ? "\u2591\u2591" : "--";
        /* strstrip(): no leading or trailing whitespace, then every line prefixed */
        while (*text && strchr(WHITESPACE, *text)) text++;
        size_t n = strlen(text);
        while (n > 0 && strchr(WHITESPACE, text[n - 1])) n--;
        fprintf(f, "%s ", prefix);
        for (size_t i = 0; i < n; i++) {
                fputc(text[i], f);
                if (text[i] == '\n') fprintf(f, "%s ", prefix);
        }
        fputc('\n', f);
}
