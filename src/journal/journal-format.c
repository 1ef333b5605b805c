/* SPDX-License-Identifier: MIT */
/* Encoding and validation of the journal store's headers, records and index entries (the layout is
 * documented in journal-store.c). */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base/util.h"
#include "journal/journal-format.h"
#include "journal/journal-store.h"

static uint32_t crc_table[8][256];
static bool crc_ready;

/* CRC-32 (IEEE 802.3, reflected 0xedb88320, as zlib's crc32()), eight bytes per step ("slicing-by-8"): the checksum over
 * every record was a fifth of PID 1's time while forwarding at full speed, byte by byte. The
 * tables are built once; the result is the plain bytewise CRC's. */
static void crc_init(void) {
        for (uint32_t i = 0; i < 256; i++) {
                uint32_t c = i;
                for (int k = 0; k < 8; k++)
                        c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
                crc_table[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; i++)
                for (int t = 1; t < 8; t++)
                        crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t jf_crc32(uint32_t crc, const void *p, size_t n) {
        if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE)) {
                crc_init();
                __atomic_store_n(&crc_ready, true, __ATOMIC_RELEASE);
        }
        const uint8_t *b = p;
        crc = ~crc;
        for (; n >= 8; n -= 8, b += 8) {
                uint32_t lo = crc ^ ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
                crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^ crc_table[5][(lo >> 16) & 0xff] ^
                      crc_table[4][lo >> 24] ^ crc_table[3][b[4]] ^ crc_table[2][b[5]] ^ crc_table[1][b[6]] ^
                      crc_table[0][b[7]];
        }
        while (n--)
                crc = crc_table[0][(crc ^ *b++) & 0xff] ^ (crc >> 8);
        return ~crc;
}

uint32_t jf_hash(const void *p, size_t n) {
        const uint8_t *b = p;
        uint32_t h = 2166136261U;
        while (n--) {
                h ^= *b++;
                h *= 16777619U;
        }
        return h ? h : 1;
}

static void put32(uint8_t *b, uint32_t v) { v = htole32(v); memcpy(b, &v, 4); }
static void put64(uint8_t *b, uint64_t v) { v = htole64(v); memcpy(b, &v, 8); }
static uint32_t get32(const uint8_t *b) { uint32_t v; memcpy(&v, b, 4); return le32toh(v); }
static uint64_t get64(const uint8_t *b) { uint64_t v; memcpy(&v, b, 8); return le64toh(v); }

void jf_header_encode(const JfHeader *h, uint8_t buf[JF_HEADER_SIZE]) {
        memset(buf, 0, JF_HEADER_SIZE);
        memcpy(buf, JF_FILE_MAGIC, 8);
        put32(buf + 8, JF_HEADER_SIZE);
        memcpy(buf + 16, h->machine_id, 16);
        memcpy(buf + 32, h->seqnum_id, 16);
        put64(buf + 48, h->created);
        put32(buf + 56, jf_crc32(0, buf, 56));
}

int jf_header_decode(const uint8_t buf[JF_HEADER_SIZE], JfHeader *ret) {
        if (memcmp(buf, JF_FILE_MAGIC, 8) != 0 || get32(buf + 8) != JF_HEADER_SIZE ||
            get32(buf + 56) != jf_crc32(0, buf, 56))
                return -EBADMSG;
        memcpy(ret->machine_id, buf + 16, 16);
        memcpy(ret->seqnum_id, buf + 32, 16);
        ret->created = get64(buf + 48);
        return 0;
}

void jf_idx_encode(const JfIdx *e, uint8_t buf[JF_IDX_ENTRY_SIZE]) {
        memset(buf, 0, JF_IDX_ENTRY_SIZE);
        put64(buf, e->offset);
        put64(buf + 8, e->seqnum);
        put64(buf + 16, e->realtime);
        put32(buf + 24, e->unit_hash);
        put32(buf + 28, e->unit2_hash);
        put32(buf + 32, e->boot_hash);
        buf[36] = e->priority;
        put32(buf + 40, e->ident_hash);
        put32(buf + 44, jf_crc32(0, buf, 44));
}

void jf_idx_decode_unchecked(const uint8_t buf[JF_IDX_ENTRY_SIZE], JfIdx *ret) {
        *ret = (JfIdx) {
                .offset = get64(buf),
                .seqnum = get64(buf + 8),
                .realtime = get64(buf + 16),
                .unit_hash = get32(buf + 24),
                .unit2_hash = get32(buf + 28),
                .boot_hash = get32(buf + 32),
                .priority = buf[36],
                .ident_hash = get32(buf + 40),
                .unchecked = true,
                .crc = get32(buf + 44),
        };
}

int jf_idx_decode(const uint8_t buf[JF_IDX_ENTRY_SIZE], JfIdx *ret) {
        if (get32(buf + 44) != jf_crc32(0, buf, 44))
                return -EBADMSG;
        jf_idx_decode_unchecked(buf, ret);
        ret->unchecked = false;
        ret->crc = 0;
        return 0;
}

bool jf_idx_verify(JfIdx *x) {
        if (!x->unchecked)
                return x->offset != 0;
        /* the encoder writes every byte it covers, so re-encoding gives back the stored bytes
         * exactly when they were intact */
        uint8_t b[JF_IDX_ENTRY_SIZE];
        jf_idx_encode(x, b);
        if (get32(b + 44) != x->crc) {
                *x = (JfIdx) {};
                return false;
        }
        x->unchecked = false;
        x->crc = 0;
        return true;
}

static bool record_magic(uint32_t m) {
        return m == JF_RECORD_MAGIC || m == JF_CONTEXT_MAGIC;
}

ssize_t jf_record_check(const uint8_t *buf, size_t avail) {
        if (avail < 8)
                return avail >= 4 && !record_magic(get32(buf)) ? -EBADMSG : 0;
        uint32_t size = get32(buf + 4);
        if (!record_magic(get32(buf)) || size < JF_RECORD_HEADER_SIZE + 8 || size % 8 != 0 ||
            size > JOURNAL_STORE_ENTRY_MAX)
                return -EBADMSG;
        if (size > avail)
                return 0;
        if (get32(buf + 8) != jf_crc32(0, buf + 12, size - 12))
                return -EBADMSG;
        /* The CRC matched, so the fields are as the writer made them; still never trust lengths.
         * An entry may end with a context reference (8 bytes, not counted in n). */
        uint32_t n = get32(buf + 12), seen = 0;
        size_t pos = JF_RECORD_HEADER_SIZE;
        while (pos + 4 <= size && seen < n) {
                uint32_t l = get32(buf + pos);
                if (l == 0 || l > size - pos - 4)
                        return -EBADMSG;
                pos += 4 + l;
                seen++;
        }
        if (pos + 12 <= size && get32(buf + pos) == (JF_FIELD_CONTEXT | 8)) {
                if (get32(buf) != JF_RECORD_MAGIC || get64(buf + pos + 4) < JF_HEADER_SIZE)
                        return -EBADMSG;
                pos += 12;
        }
        if (seen != n || n == 0 || size - pos >= 8)
                return -EBADMSG;
        return size;
}

bool jf_record_is_context(const uint8_t *rec) {
        return get32(rec) == JF_CONTEXT_MAGIC;
}

/* The file offset of the context record a valid entry record refers to, or 0 for none. */
static uint64_t record_context(const uint8_t *rec) {
        size_t pos = JF_RECORD_HEADER_SIZE, l;
        const char *d;
        while (jf_record_next_field(rec, &pos, &d, &l) > 0)
                ;   /* past the entry's own fields: the reference, padding or the end */
        if (pos + 12 <= get32(rec + 4) && get32(rec + pos) == (JF_FIELD_CONTEXT | 8))
                return get64(rec + pos + 4);
        return 0;
}

int jf_record_context_get(int fd, const uint8_t *rec, uint64_t offset, JfContextCache *cache, const uint8_t **ret) {
        *ret = NULL;
        uint64_t co = record_context(rec);
        if (co == 0)
                return 1;
        if (co < JF_HEADER_SIZE || co >= offset)
                return 0;   /* a context is written before the entries that use it */
        if (cache->offset != co || !cache->buf) {
                cache->offset = 0;
                ssize_t k = jf_record_read(fd, co, &cache->buf, &cache->size);
                if (k == -ENOMEM || k == -EIO)
                        return (int)k;
                if (k <= 0 || !jf_record_is_context(cache->buf))
                        return 0;
                cache->offset = co;
        }
        *ret = cache->buf;
        return 1;
}

int jf_record_next_field(const uint8_t *rec, size_t *pos, const char **ret_data, size_t *ret_len) {
        uint32_t size = get32(rec + 4);
        if (*pos + 4 > size)
                return 0;
        uint32_t l = get32(rec + *pos);
        if (l == 0 || (l & JF_FIELD_CONTEXT) || l > size - *pos - 4)
                return 0;
        *ret_data = (const char *)rec + *pos + 4;
        *ret_len = l;
        *pos += 4 + l;
        return 1;
}

static bool field_is(const char *d, size_t l, const char *name, const char **ret_v, size_t *ret_vl) {
        size_t n = strlen(name);
        if (l <= n || d[n] != '=' || memcmp(d, name, n) != 0)
                return false;
        *ret_v = d + n + 1;
        *ret_vl = l - n - 1;
        return true;
}

void jf_record_index(const uint8_t *rec, const uint8_t *ctx, uint64_t offset, JfIdx *ret) {
        const char *unit = NULL, *unit_pid1 = NULL, *object = NULL, *ident = NULL, *d, *v;
        size_t unit_l = 0, unit_pid1_l = 0, object_l = 0, ident_l = 0, l, vl;
        bool pid1 = false;

        *ret = (JfIdx) {
                .offset = offset,
                .seqnum = get64(rec + 16),
                .realtime = get64(rec + 24),
                .boot_hash = jf_hash_boot(rec + 40),
                .priority = JF_NO_PRIORITY,
        };
        /* the entry's own fields, then its context's, as a reader lists them */
        for (const uint8_t *r = rec; r; r = r == rec ? ctx : NULL)
                for (size_t pos = JF_RECORD_HEADER_SIZE; jf_record_next_field(r, &pos, &d, &l) > 0;) {
                        if (field_is(d, l, "_SYSTEMD_UNIT", &v, &vl) && !unit)
                                unit = v, unit_l = vl;
                        else if (field_is(d, l, "UNIT", &v, &vl) && !unit_pid1)
                                unit_pid1 = v, unit_pid1_l = vl;
                        else if ((field_is(d, l, "OBJECT_SYSTEMD_UNIT", &v, &vl) ||
                                  field_is(d, l, "COREDUMP_UNIT", &v, &vl)) && !object)
                                object = v, object_l = vl;
                        else if (field_is(d, l, "SYSLOG_IDENTIFIER", &v, &vl) && !ident)
                                ident = v, ident_l = vl;
                        else if (field_is(d, l, "_PID", &v, &vl))
                                pid1 = vl == 1 && v[0] == '1';
                        else if (field_is(d, l, "PRIORITY", &v, &vl) && vl == 1 && v[0] >= '0' && v[0] <= '7' &&
                                 ret->priority == JF_NO_PRIORITY)
                                ret->priority = (uint8_t)(v[0] - '0');
                }
        /* Two unit slots: the unit the process runs in, and the unit a message is about (PID 1's
         * UNIT=, or OBJECT_SYSTEMD_UNIT=/COREDUMP_UNIT=) — the fields `journalctl -u` matches. */
        if (unit)
                ret->unit_hash = jf_hash(unit, unit_l);
        if (unit_pid1 && pid1)
                ret->unit2_hash = jf_hash(unit_pid1, unit_pid1_l);
        else if (object)
                ret->unit2_hash = jf_hash(object, object_l);
        if (ident)
                ret->ident_hash = jf_hash(ident, ident_l);
}

int jf_record_index_at(int fd, const uint8_t *rec, uint64_t offset, JfContextCache *cache, JfIdx *ret) {
        if (jf_record_is_context(rec))
                return 0;
        const uint8_t *ctx;
        int r = jf_record_context_get(fd, rec, offset, cache, &ctx);
        if (r <= 0)
                return r;
        jf_record_index(rec, ctx, offset, ret);
        return 1;
}

ssize_t jf_record_read(int fd, uint64_t offset, uint8_t **buf, size_t *buf_size) {
        uint8_t head[JF_RECORD_HEADER_SIZE];
        ssize_t n = pread(fd, head, sizeof head, (off_t)offset);
        if (n < 0)
                return -errno;
        ssize_t r = jf_record_check(head, (size_t)n);
        if (r < 0)
                return r;
        uint32_t size = n >= 8 ? get32(head + 4) : 0;
        if (size == 0 || (size_t)n < sizeof head)
                return 0;
        if (*buf_size < size) {
                uint8_t *nb = realloc(*buf, size);
                if (!nb)
                        return -ENOMEM;
                *buf = nb;
                *buf_size = size;
        }
        n = pread(fd, *buf, size, (off_t)offset);
        if (n < 0)
                return -errno;
        return jf_record_check(*buf, (size_t)n);
}

/* The next 8-aligned offset >= from that holds a valid record, or -ENOENT. Reads in chunks and
 * tries only the offsets where the record magic is. */
static int64_t resync(int fd, uint64_t from, uint64_t size) {
        static const size_t chunk = 64 * 1024;
        _cleanup_free_ uint8_t *c = malloc(chunk), *rec = NULL;
        size_t rec_size = 0;
        if (!c)
                return -ENOMEM;
        while (from + JF_RECORD_HEADER_SIZE + 8 <= size) {
                ssize_t n = pread(fd, c, chunk, (off_t)from);
                if (n < 0)
                        return -errno;
                if (n < 4)
                        break;
                for (size_t i = 0; i + 4 <= (size_t)n; i += 8) {
                        if (get32(c + i) != JF_RECORD_MAGIC)
                                continue;
                        ssize_t r = jf_record_read(fd, from + i, &rec, &rec_size);
                        if (r == -ENOMEM)
                                return r;
                        if (r > 0)
                                return (int64_t)(from + i);
                }
                if ((size_t)n < chunk)
                        break;  /* short read: end of file */
                from += chunk;
        }
        return -ENOENT;
}

int64_t jf_scan(int fd, uint64_t offset, uint64_t size, jf_scan_cb cb, void *userdata) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t buf_size = 0;
        uint64_t end = offset;

        while (offset + JF_RECORD_HEADER_SIZE + 8 <= size) {
                ssize_t r = jf_record_read(fd, offset, &buf, &buf_size);
                if (r == -ENOMEM || r == -EIO)
                        return r;
                if (r > 0) {
                        if (cb) {
                                int q = cb(buf, offset, userdata);
                                if (q < 0)
                                        return q;
                        }
                        offset += (uint64_t)r;
                        end = offset;
                        continue;
                }
                /* Invalid or incomplete: a torn tail, or damage in the middle. Resynchronize on the
                 * next valid record; if there is none, everything from `end` on is the torn tail. */
                int64_t next = resync(fd, offset + 8, size);
                if (next < 0)
                        return next == -ENOENT ? (int64_t)end : next;
                offset = (uint64_t)next;
        }
        return (int64_t)end;
}

bool jf_name_is_journal(const char *name) {
        return endswith(name, JF_SUFFIX) && (streq(name, JF_ACTIVE_NAME) || jf_name_is_archived(name));
}

bool jf_name_is_archived(const char *name) {
        uint64_t s;
        return startswith(name, "system@") && endswith(name, JF_SUFFIX) && jf_name_archived_seqnum(name, &s) >= 0;
}

int jf_name_archived_seqnum(const char *name, uint64_t *ret) {
        /* system@<32 hex>-<16 hex>-<16 hex>.tjournal */
        const char *p = startswith(name, "system@");
        if (!p || strlen(p) != 32 + 1 + 16 + 1 + 16 + strlen(JF_SUFFIX) || p[32] != '-' || p[49] != '-')
                return -EINVAL;
        uint64_t v = 0;
        for (int i = 33; i < 49; i++) {
                int c = p[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0)
                        return -EINVAL;
                v = v << 4 | (uint64_t)d;
        }
        *ret = v;
        return 0;
}
