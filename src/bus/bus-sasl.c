/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include "base/util.h"
#include "bus/bus-sasl.h"

/* "WORD" or "WORD <args>": the arguments ("" if none), or NULL if the line is another command. */
static const char *line_begins(const char *line, const char *word) {
        const char *p = startswith(line, word);
        if (!p || (*p != 0 && *p != ' '))
                return NULL;
        return *p ? p + 1 : p;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
}

/* The EXTERNAL token: hex of the decimal uid. Empty: the peer's own. */
static bool external_token_ok(const BusSaslServer *s, const char *hex) {
        char dec[BUS_SASL_LINE_MAX / 2 + 1];
        size_t n = strlen(hex);

        if (n == 0)
                return true;
        if (n % 2 != 0 || n / 2 >= sizeof(dec) || n / 2 > 10)
                return false;
        for (size_t i = 0; i < n / 2; i++) {
                int a = unhex(hex[2 * i]), b = unhex(hex[2 * i + 1]);
                if (a < 0 || b < 0)
                        return false;
                dec[i] = (char) (a << 4 | b);
                if (dec[i] < '0' || dec[i] > '9')
                        return false;
        }
        dec[n / 2] = 0;
        if (dec[0] == '0' && dec[1] != 0)  /* no leading zeros, as parse_uid() */
                return false;
        unsigned long long u = strtoull(dec, NULL, 10);
        return u == (unsigned long long) s->peer_uid;
}

void bus_sasl_server_init(BusSaslServer *s, uid_t peer_uid, const char *guid, bool allow_fds) {
        *s = (BusSaslServer) { .peer_uid = peer_uid, .allow_fds = allow_fds };
        snprintf(s->guid, sizeof(s->guid), "%s", guid);
}

static int reply(Buf *out, const char *text) {
        return buf_puts(out, text) < 0 ? -ENOMEM : 0;
}

static int server_reject(BusSaslServer *s, Buf *out, const char *text) {
        s->errors++;
        return reply(out, text);
}

/* One complete line (without CRLF). Returns 1 on an accepted BEGIN. */
static int server_line(BusSaslServer *s, const char *line, Buf *out) {
        const char *arg;

        if ((arg = line_begins(line, "AUTH"))) {
                const char *token = line_begins(arg, "EXTERNAL");
                if (!token) {
                        s->started = s->ok = false;
                        return server_reject(s, out, "REJECTED EXTERNAL\r\n");
                }
                if (*token == 0) {
                        s->started = true;
                        s->ok = false;
                        return reply(out, "DATA\r\n");
                }
                s->started = s->ok = external_token_ok(s, token);
                if (!s->ok)
                        return server_reject(s, out, "REJECTED EXTERNAL\r\n");
        } else if ((arg = line_begins(line, "DATA"))) {
                if (!s->started || s->ok)
                        return server_reject(s, out, "ERROR\r\n");
                s->ok = external_token_ok(s, arg);
                if (!s->ok) {
                        s->started = false;
                        return server_reject(s, out, "REJECTED EXTERNAL\r\n");
                }
        } else if (streq(line, "CANCEL") || line_begins(line, "ERROR")) {
                s->started = s->ok = false;
                return server_reject(s, out, "REJECTED EXTERNAL\r\n");
        } else if (streq(line, "NEGOTIATE_UNIX_FD")) {
                if (!s->started || !s->allow_fds)
                        return server_reject(s, out, "ERROR\r\n");
                s->fds_agreed = true;
                return reply(out, "AGREE_UNIX_FD\r\n");
        } else if (streq(line, "BEGIN")) {
                if (!s->ok)
                        return server_reject(s, out, "ERROR\r\n");
                return 1;
        } else
                return server_reject(s, out, "ERROR\r\n");

        /* authenticated */
        char ok[3 + BUS_GUID_LEN + 3];
        snprintf(ok, sizeof(ok), "OK %s\r\n", s->guid);
        return reply(out, ok);
}

/* Collect one CRLF-terminated line into line/line_len. Returns 1 when complete (NUL-terminated,
 * without CRLF), 0 when more is needed, -EBADMSG when too long or containing NUL. */
static int take_byte(char *line, size_t *line_len, char c) {
        if (c == 0)
                return -EBADMSG;
        if (*line_len + 1 >= BUS_SASL_LINE_MAX)
                return -EBADMSG;
        line[(*line_len)++] = c;
        if (*line_len >= 2 && line[*line_len - 2] == '\r' && c == '\n') {
                line[*line_len - 2] = 0;
                *line_len = 0;
                return 1;
        }
        return 0;
}

int bus_sasl_server_feed(BusSaslServer *s, const void *data, size_t size, size_t *ret_consumed, Buf *out) {
        const char *p = data;
        int r;

        for (size_t i = 0; i < size; i++) {
                if (!s->got_nul) {
                        if (p[i] != 0)
                                return -EBADMSG;
                        s->got_nul = true;
                        continue;
                }
                r = take_byte(s->line, &s->line_len, p[i]);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                if (++s->lines > BUS_SASL_LINES_MAX)
                        return -EPERM;
                r = server_line(s, s->line, out);
                if (r < 0)
                        return r;
                if (s->errors >= BUS_SASL_ERRORS_MAX)
                        return -EPERM;
                if (r == 1) {
                        if (ret_consumed)
                                *ret_consumed = i + 1;
                        return 1;
                }
        }
        if (ret_consumed)
                *ret_consumed = size;
        return 0;
}

void bus_sasl_client_init(BusSaslClient *c, bool want_fds) {
        *c = (BusSaslClient) { .want_fds = want_fds };
}

const char *bus_sasl_client_request(const BusSaslClient *c, size_t *ret_size) {
        static const char with_fds[] = "\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n";
        static const char without[] = "\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n";
        *ret_size = c->want_fds ? sizeof(with_fds) - 1 : sizeof(without) - 1;
        return c->want_fds ? with_fds : without;
}

static bool is_guid(const char *s) {
        if (strlen(s) != BUS_GUID_LEN)
                return false;
        for (const char *p = s; *p; p++)
                if (unhex(*p) < 0)
                        return false;
        return true;
}

static int client_line(BusSaslClient *c, const char *line) {
        const char *arg;

        if (!c->got_ok) {
                if (streq(line, "DATA"))
                        return 0;
                if (line_begins(line, "REJECTED"))
                        return -EPERM;
                if (!(arg = line_begins(line, "OK")) || !is_guid(arg))
                        return -EBADMSG;
                snprintf(c->guid, sizeof(c->guid), "%s", arg);
                c->got_ok = true;
                return c->want_fds ? 0 : 1;
        }
        if (streq(line, "AGREE_UNIX_FD"))
                c->fds_agreed = true;
        else if (!line_begins(line, "ERROR"))
                return -EBADMSG;
        return 1;
}

int bus_sasl_client_feed(BusSaslClient *c, const void *data, size_t size, size_t *ret_consumed) {
        const char *p = data;
        int r;

        for (size_t i = 0; i < size; i++) {
                r = take_byte(c->line, &c->line_len, p[i]);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                r = client_line(c, c->line);
                if (r != 0) {
                        if (r > 0 && ret_consumed)
                                *ret_consumed = i + 1;
                        return r;
                }
        }
        if (ret_consumed)
                *ret_consumed = size;
        return 0;
}

int bus_sasl_make_guid(char *buf) {
        uint8_t b[BUS_GUID_LEN / 2];
        size_t got = 0;
        while (got < sizeof(b)) {
                ssize_t n = getrandom(b + got, sizeof(b) - got, GRND_NONBLOCK);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN && errno != ENOSYS)
                                return -errno;
                        /* entropy not initialized yet (early boot): a guid needs no strength */
                        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NOCTTY);
                        if (fd < 0)
                                return -errno;
                        n = read(fd, b + got, sizeof(b) - got);
                        int e = errno;
                        close(fd);
                        if (n <= 0)
                                return n < 0 ? -e : -EIO;
                }
                got += (size_t) n;
        }
        for (size_t i = 0; i < sizeof(b); i++)
                snprintf(buf + 2 * i, 3, "%02x", b[i]);
        return 0;
}
