/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include "base/strv.h"
#include "base/util.h"
#include "bus/bus-message.h"
#include "base/utf8.h"

/* An open (append) or entered (read) container. stack[0] is the body: its signature is
 * m->signature. Append-side signatures are owned copies; read-side ones point into the message
 * (its signature or a variant's signature string inside the body, both NUL-terminated). */
struct BusContainer {
        char type;                     /* 0 (the body), 'a', '(', '{', 'v' */
        const char *sig;               /* contents: the element type, the members, or the variant's type */
        char *sig_owned;
        size_t sig_len, pos;           /* pos: next type in sig */
        size_t begin, end;             /* arrays: first element offset; end (read side) */
        size_t len_offset;             /* arrays (append side): offset of the length word */
        unsigned depth_a, depth_s, depth; /* nesting including this container */
};

#define ALIGN_TO(x, a) (((x) + (a) - 1) & ~((size_t) (a) - 1))

/* ---- names, paths, signatures, UTF-8 ---- */

static bool is_basic(char c) {
        return c && strchr("ybnqiuxtdsogh", c);
}

static size_t type_alignment(char c) {
        switch (c) {
        case 'y': case 'g': case 'v':
                return 1;
        case 'n': case 'q':
                return 2;
        case 'b': case 'i': case 'u': case 'h': case 's': case 'o': case 'a':
                return 4;
        default:  /* x t d ( { */
                return 8;
        }
}

/* Length of the complete type at s (n bytes available), or 0 if it is not one. da/ds count
 * array and struct nesting around it. */
static size_t sig_type_len(const char *s, size_t n, unsigned da, unsigned ds) {
        if (n == 0)
                return 0;
        if (is_basic(s[0]) || s[0] == 'v')
                return 1;
        if (s[0] == 'a') {
                if (da + 1 > BUS_ARRAY_DEPTH_MAX || n < 2)
                        return 0;
                if (s[1] == '{') {
                        if (ds + 1 > BUS_STRUCT_DEPTH_MAX || n < 5 || !is_basic(s[2]))
                                return 0;
                        size_t l = sig_type_len(s + 3, n - 3, da + 1, ds + 1);
                        if (l == 0 || 3 + l >= n || s[3 + l] != '}')
                                return 0;
                        return 3 + l + 1;
                }
                size_t l = sig_type_len(s + 1, n - 1, da + 1, ds);
                return l == 0 ? 0 : 1 + l;
        }
        if (s[0] == '(') {
                if (ds + 1 > BUS_STRUCT_DEPTH_MAX)
                        return 0;
                size_t i = 1;
                while (i < n && s[i] != ')') {
                        size_t l = sig_type_len(s + i, n - i, da, ds + 1);
                        if (l == 0)
                                return 0;
                        i += l;
                }
                if (i >= n || i == 1)  /* unterminated or empty struct */
                        return 0;
                return i + 1;
        }
        return 0;
}

/* Type length within an already validated NUL-terminated signature. */
static size_t type_len(const char *s) {
        return sig_type_len(s, strnlen(s, BUS_SIGNATURE_MAX + 1), 0, 0);
}

/* Like type_len(), also for a dict entry "{kv}" as it appears inside an array type. */
static size_t item_len(const char *s) {
        if (s[0] != '{')
                return type_len(s);
        if (!is_basic(s[1]))
                return 0;
        size_t l = type_len(s + 2);
        return l > 0 && s[2 + l] == '}' ? 3 + l : 0;
}

static bool signature_valid_n(const char *s, size_t n, bool single) {
        if (n > BUS_SIGNATURE_MAX)
                return false;
        size_t i = 0, count = 0;
        while (i < n) {
                size_t l = sig_type_len(s + i, n - i, 0, 0);
                if (l == 0)
                        return false;
                i += l;
                count++;
        }
        return single ? count == 1 : true;
}

bool bus_signature_is_valid(const char *s, bool single) {
        return s && signature_valid_n(s, strnlen(s, BUS_SIGNATURE_MAX + 1), single);
}

bool bus_utf8_is_valid(const char *s, size_t len) {
        /* D-Bus strings hold no NUL; otherwise systemd's utf8_is_valid() */
        return !memchr(s, 0, len) && utf8_is_valid_n(s, len, true);
}

static bool is_alnum_(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool object_path_valid_n(const char *p, size_t n) {
        if (n == 0 || p[0] != '/')
                return false;
        if (n == 1)
                return true;
        for (size_t i = 1; i < n; i++) {
                if (p[i] == '/') {
                        if (p[i - 1] == '/')
                                return false;
                } else if (!is_alnum_(p[i]))
                        return false;
        }
        return p[n - 1] != '/';
}

bool bus_object_path_is_valid(const char *p) {
        return p && object_path_valid_n(p, strlen(p));
}

/* Dot-separated elements, at least two. Element characters [A-Za-z0-9_] plus '-' if `dash`; a
 * digit may start an element only if `digit_first`. */
static bool dotted_name_valid(const char *s, bool dash, bool digit_first) {
        size_t n = strlen(s), elements = 0;
        if (n == 0 || n > BUS_NAME_MAX)
                return false;
        bool start = true;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '.') {
                        if (start)
                                return false;
                        start = true;
                        continue;
                }
                if (!is_alnum_(c) && !(dash && c == '-'))
                        return false;
                if (start && c >= '0' && c <= '9' && !digit_first)
                        return false;
                if (start)
                        elements++;
                start = false;
        }
        return !start && elements >= 2;
}

bool bus_interface_name_is_valid(const char *s) {
        return s && dotted_name_valid(s, false, false);
}

bool bus_error_name_is_valid(const char *s) {
        return bus_interface_name_is_valid(s);
}

bool bus_member_name_is_valid(const char *s) {
        if (!s)
                return false;
        size_t n = strlen(s);
        if (n == 0 || n > BUS_NAME_MAX || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_alnum_(s[i]))
                        return false;
        return true;
}

bool bus_bus_name_is_valid(const char *s) {
        if (!s)
                return false;
        if (s[0] == ':')
                return strlen(s) <= BUS_NAME_MAX && dotted_name_valid(s + 1, true, true);
        return dotted_name_valid(s, true, false);
}

/* ---- lifecycle ---- */

static int message_new(BusMessage **ret, uint8_t type) {
        BusMessage *m = calloc(1, sizeof(BusMessage));
        if (!m)
                return -ENOMEM;
        m->stack = calloc(4, sizeof(BusContainer));
        if (!m->stack) {
                free(m);
                return -ENOMEM;
        }
        m->stack_alloc = 4;
        m->n_stack = 1;
        m->stack[0].sig = m->signature;
        m->type = type;
        *ret = m;
        return 0;
}

static void stack_pop(BusMessage *m) {
        BusContainer *c = &m->stack[--m->n_stack];
        free(c->sig_owned);
        *c = (BusContainer) {};
}

BusMessage *bus_message_free(BusMessage *m) {
        if (!m)
                return NULL;
        while (m->n_stack > 1)
                stack_pop(m);
        free(m->stack);
        for (size_t i = 0; i < m->n_fds; i++)
                if (m->fds[i] >= 0)
                        close(m->fds[i]);
        free(m->fds);
        free(m->body);
        free(m->header);
        free(m->path);
        free(m->interface);
        free(m->member);
        free(m->error_name);
        free(m->destination);
        free(m->sender);
        free(m);
        return NULL;
}

static int set_field(char **field, const char *v, bool (*valid)(const char *)) {
        if (v && !valid(v))
                return -EINVAL;
        return free_and_strdup(field, v);
}

int bus_message_new_method_call(BusMessage **ret, const char *destination, const char *path,
                                const char *interface, const char *member) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        if (!ret || !path || !member)
                return -EINVAL;
        r = message_new(&m, BUS_MESSAGE_METHOD_CALL);
        if (r < 0)
                return r;
        if ((r = set_field(&m->destination, destination, bus_bus_name_is_valid)) < 0 ||
            (r = set_field(&m->path, path, bus_object_path_is_valid)) < 0 ||
            (r = set_field(&m->interface, interface, bus_interface_name_is_valid)) < 0 ||
            (r = set_field(&m->member, member, bus_member_name_is_valid)) < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

int bus_message_new_signal(BusMessage **ret, const char *path, const char *interface, const char *member) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        if (!ret || !path || !interface || !member)
                return -EINVAL;
        r = message_new(&m, BUS_MESSAGE_SIGNAL);
        if (r < 0)
                return r;
        m->flags = BUS_FLAG_NO_REPLY_EXPECTED;
        if ((r = set_field(&m->path, path, bus_object_path_is_valid)) < 0 ||
            (r = set_field(&m->interface, interface, bus_interface_name_is_valid)) < 0 ||
            (r = set_field(&m->member, member, bus_member_name_is_valid)) < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static int new_reply(BusMessage **ret, const BusMessage *call, uint8_t type) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        if (!ret || !call || call->type != BUS_MESSAGE_METHOD_CALL || call->serial == 0)
                return -EINVAL;
        r = message_new(&m, type);
        if (r < 0)
                return r;
        /* replies never want replies (as sd-bus marks them) */
        m->flags = BUS_FLAG_NO_REPLY_EXPECTED;
        m->reply_serial = call->serial;
        r = free_and_strdup(&m->destination, call->sender);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

int bus_message_new_method_return(BusMessage **ret, const BusMessage *call) {
        return new_reply(ret, call, BUS_MESSAGE_METHOD_RETURN);
}

int bus_message_new_method_error(BusMessage **ret, const BusMessage *call, const char *name, const char *text) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        if (!bus_error_name_is_valid(name))
                return -EINVAL;
        r = new_reply(&m, call, BUS_MESSAGE_METHOD_ERROR);
        if (r < 0)
                return r;
        r = free_and_strdup(&m->error_name, name);
        if (r < 0)
                return r;
        if (text) {
                r = bus_message_append(m, "s", text);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(m);
        return 0;
}

int bus_message_new_method_errorf(BusMessage **ret, const BusMessage *call, const char *name, const char *fmt, ...) {
        _cleanup_free_ char *text = NULL;
        va_list ap;

        va_start(ap, fmt);
        int r = vasprintf(&text, fmt, ap);
        va_end(ap);
        if (r < 0) {
                text = NULL;
                return -ENOMEM;
        }
        return bus_message_new_method_error(ret, call, name, text);
}

int bus_message_set_destination(BusMessage *m, const char *destination) {
        if (!m || m->sealed)
                return -EPERM;
        return set_field(&m->destination, destination, bus_bus_name_is_valid);
}

int bus_message_set_sender(BusMessage *m, const char *sender) {
        if (!m || m->sealed)
                return -EPERM;
        return set_field(&m->sender, sender, bus_bus_name_is_valid);
}

int bus_message_set_flags(BusMessage *m, uint8_t flags) {
        if (!m || m->sealed)
                return -EPERM;
        m->flags = flags;
        return 0;
}

bool bus_message_expects_reply(const BusMessage *m) {
        return m && m->type == BUS_MESSAGE_METHOD_CALL && !(m->flags & BUS_FLAG_NO_REPLY_EXPECTED);
}

/* ---- writing bytes ---- */

typedef struct Wbuf {
        uint8_t **p;
        size_t *len, *alloc;
} Wbuf;

static int wbuf_grow(Wbuf w, size_t n) {
        if (n > BUS_MESSAGE_SIZE_MAX || *w.len > BUS_MESSAGE_SIZE_MAX - n)
                return -EMSGSIZE;
        size_t need = *w.len + n;
        if (need <= *w.alloc)
                return 0;
        size_t a = *w.alloc ? *w.alloc : 64;
        while (a < need)
                a *= 2;
        uint8_t *q = realloc(*w.p, a);
        if (!q)
                return -ENOMEM;
        *w.p = q;
        *w.alloc = a;
        return 0;
}

static int wbuf_put(Wbuf w, const void *d, size_t n) {
        int r = wbuf_grow(w, n);
        if (r < 0)
                return r;
        if (n > 0)
                memcpy(*w.p + *w.len, d, n);
        *w.len += n;
        return 0;
}

static int wbuf_align(Wbuf w, size_t a) {
        size_t pad = ALIGN_TO(*w.len, a) - *w.len;
        if (pad == 0)
                return 0;
        int r = wbuf_grow(w, pad);
        if (r < 0)
                return r;
        memset(*w.p + *w.len, 0, pad);
        *w.len += pad;
        return 0;
}

static void put_le(uint8_t *p, uint64_t v, size_t n) {
        for (size_t i = 0; i < n; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

static int wbuf_int(Wbuf w, uint64_t v, size_t n) {
        uint8_t b[8];
        int r = wbuf_align(w, n);
        if (r < 0)
                return r;
        put_le(b, v, n);
        return wbuf_put(w, b, n);
}

/* s, o (u32 length) or g (u8 length): length, bytes, NUL. */
static int wbuf_string(Wbuf w, char type, const char *s) {
        size_t n = strlen(s);
        int r;
        if (type == 'g') {
                uint8_t l = (uint8_t) n;
                r = wbuf_put(w, &l, 1);
        } else
                r = wbuf_int(w, n, 4);
        if (r < 0)
                return r;
        return wbuf_put(w, s, n + 1);
}

static Wbuf body_wbuf(BusMessage *m) {
        return (Wbuf) { &m->body, &m->body_size, &m->body_alloc };
}

/* ---- appending ---- */

static int poison(BusMessage *m, int r) {
        if (r < 0 && m->poison == 0)
                m->poison = r;
        return r;
}

/* Check that the complete type t (n chars) may come next, and advance past it. */
static int append_expect(BusMessage *m, const char *t, size_t n) {
        BusContainer *c = &m->stack[m->n_stack - 1];

        if (c->type == 0) {
                if (c->sig_len + n > BUS_SIGNATURE_MAX)
                        return -EINVAL;
                memcpy(m->signature + c->sig_len, t, n);
                c->sig_len += n;
                m->signature[c->sig_len] = 0;
                c->pos = c->sig_len;
                return 0;
        }
        if (c->type == 'a' && c->pos == c->sig_len)
                c->pos = 0;  /* next element */
        if (c->pos + n > c->sig_len || memcmp(c->sig + c->pos, t, n) != 0 ||
            item_len(c->sig + c->pos) != n)
                return -ENXIO;
        c->pos += n;
        return 0;
}

static int check_append(BusMessage *m) {
        if (!m)
                return -EINVAL;
        if (m->sealed)
                return -EPERM;
        return m->poison;
}

static int append_basic(BusMessage *m, char type, const void *p) {
        Wbuf w = body_wbuf(m);
        int r;

        if (!is_basic(type) || !p)
                return -EINVAL;
        switch (type) {
        case 's':
                if (!bus_utf8_is_valid(p, strlen(p)))
                        return -EINVAL;
                break;
        case 'o':
                if (!bus_object_path_is_valid(p))
                        return -EINVAL;
                break;
        case 'g':
                if (!bus_signature_is_valid(p, false))
                        return -EINVAL;
                break;
        }
        r = append_expect(m, &type, 1);
        if (r < 0)
                return r;

        switch (type) {
        case 'y':
                return wbuf_put(w, p, 1);
        case 'b':
                return wbuf_int(w, *(const int *) p ? 1 : 0, 4);
        case 'n': case 'q':
                return wbuf_int(w, *(const uint16_t *) p, 2);
        case 'i': case 'u':
                return wbuf_int(w, *(const uint32_t *) p, 4);
        case 'x': case 't':
                return wbuf_int(w, *(const uint64_t *) p, 8);
        case 'd': {
                uint64_t u;
                memcpy(&u, p, 8);
                return wbuf_int(w, u, 8);
        }
        case 's': case 'o': case 'g':
                return wbuf_string(w, type, p);
        case 'h': {
                int fd = *(const int *) p;
                if (fd < 0)
                        return -EBADF;
                if (m->n_fds >= BUS_FDS_MAX)
                        return -EMFILE;
                int *f = realloc(m->fds, (m->n_fds + 1) * sizeof(int));
                if (!f)
                        return -ENOMEM;
                m->fds = f;
                int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (copy < 0)
                        return -errno;
                m->fds[m->n_fds++] = copy;
                m->unix_fds = (uint32_t) m->n_fds;
                return wbuf_int(w, m->n_fds - 1, 4);
        }
        }
        return -EINVAL;
}

int bus_message_append_basic(BusMessage *m, char type, const void *p) {
        int r = check_append(m);
        if (r < 0)
                return r;
        return poison(m, append_basic(m, type, p));
}

static int stack_push(BusMessage *m, BusContainer **ret) {
        if (m->n_stack >= BUS_DEPTH_MAX + 1)
                return -EINVAL;
        if (m->n_stack == m->stack_alloc) {
                size_t a = m->stack_alloc * 2;
                BusContainer *s = realloc(m->stack, a * sizeof(BusContainer));
                if (!s)
                        return -ENOMEM;
                m->stack = s;
                m->stack_alloc = a;
                m->stack[0].sig = m->signature;
        }
        BusContainer *parent = &m->stack[m->n_stack - 1];
        BusContainer *c = &m->stack[m->n_stack++];
        *c = (BusContainer) { .depth_a = parent->depth_a, .depth_s = parent->depth_s, .depth = parent->depth + 1 };
        *ret = c;
        return 0;
}

static char container_type(char t) {
        return t == 'r' ? '(' : t == 'e' ? '{' : t;
}

/* The complete type string of a container with these contents, validated; into buf. */
static int container_signature(char type, const char *contents, char *buf, size_t size) {
        size_t n = strnlen(contents, BUS_SIGNATURE_MAX + 1);
        switch (type) {
        case 'a':
                if (snprintf(buf, size, "a%s", contents) >= (int) size)
                        return -EINVAL;
                return signature_valid_n(buf, n + 1, true) ? 0 : -EINVAL;
        case '(':
                if (n == 0)
                        return -EINVAL;
                if (snprintf(buf, size, "(%s)", contents) >= (int) size)
                        return -EINVAL;
                return signature_valid_n(buf, strlen(buf), true) ? 0 : -EINVAL;
        case '{':
                /* a dict entry type is only complete inside an array: check as "a{..}" */
                if (snprintf(buf, size, "a{%s}", contents) >= (int) size)
                        return -EINVAL;
                if (!signature_valid_n(buf, strlen(buf), true))
                        return -EINVAL;
                memmove(buf, buf + 1, strlen(buf));
                return 0;
        case 'v':
                if (!signature_valid_n(contents, n, true))
                        return -EINVAL;
                return snprintf(buf, size, "v") < (int) size ? 0 : -EINVAL;
        }
        return -EINVAL;
}

static int open_container(BusMessage *m, char type, const char *contents) {
        char t[BUS_SIGNATURE_MAX + 4];
        BusContainer *c;
        Wbuf w = body_wbuf(m);
        int r;

        type = container_type(type);
        if (!contents)
                return -EINVAL;
        r = container_signature(type, contents, t, sizeof(t));
        if (r < 0)
                return r;
        BusContainer *parent = &m->stack[m->n_stack - 1];
        if (type == '{' && parent->type != 'a')
                return -ENXIO;
        /* nesting limits, counting the containers around it; a dict entry was checked as part
         * of its array, a variant brings a new signature */
        const char *chk = type == 'v' ? contents : t;
        size_t chk_len = strlen(chk);
        if (type != '{' && sig_type_len(chk, chk_len, parent->depth_a, parent->depth_s) != chk_len)
                return -EINVAL;
        r = append_expect(m, t, strlen(t));
        if (r < 0)
                return r;

        r = stack_push(m, &c);
        if (r < 0)
                return r;
        c->type = type;
        c->sig_owned = strdup(contents);
        if (!c->sig_owned) {
                stack_pop(m);
                return -ENOMEM;
        }
        c->sig = c->sig_owned;
        c->sig_len = strlen(contents);
        if (type == 'a')
                c->depth_a++;
        else if (type != 'v')
                c->depth_s++;
        if (c->depth_a > BUS_ARRAY_DEPTH_MAX || c->depth_s > BUS_STRUCT_DEPTH_MAX || c->depth > BUS_DEPTH_MAX)
                return -EINVAL;  /* the message is poisoned: leaving it on the stack is fine */

        switch (type) {
        case 'a':
                r = wbuf_int(w, 0, 4);
                if (r < 0)
                        return r;
                c->len_offset = m->body_size - 4;
                r = wbuf_align(w, type_alignment(contents[0]));
                c->begin = m->body_size;
                return r;
        case '(': case '{':
                return wbuf_align(w, 8);
        default:
                return wbuf_string(w, 'g', contents);
        }
}

int bus_message_open_container(BusMessage *m, char type, const char *contents) {
        int r = check_append(m);
        if (r < 0)
                return r;
        return poison(m, open_container(m, type, contents));
}

static int close_container(BusMessage *m) {
        if (m->n_stack <= 1)
                return -EINVAL;
        BusContainer *c = &m->stack[m->n_stack - 1];
        if (c->type == 'a') {
                if (c->pos != 0 && c->pos != c->sig_len)
                        return -ENXIO;
                size_t len = m->body_size - c->begin;
                if (len > BUS_ARRAY_SIZE_MAX)
                        return -EMSGSIZE;
                put_le(m->body + c->len_offset, len, 4);
        } else if (c->pos != c->sig_len)
                return -ENXIO;
        stack_pop(m);
        return 0;
}

int bus_message_close_container(BusMessage *m) {
        int r = check_append(m);
        if (r < 0)
                return r;
        return poison(m, close_container(m));
}

int bus_message_append_strv(BusMessage *m, char *const *l) {
        int r = bus_message_open_container(m, 'a', "s");
        if (r < 0)
                return r;
        for (char *const *s = l; s && *s; s++) {
                r = bus_message_append_basic(m, 's', *s);
                if (r < 0)
                        return r;
        }
        return bus_message_close_container(m);
}

/* Append the complete type at *t from the varargs, advancing *t past it. */
static int append_one(BusMessage *m, const char **t, va_list *ap) {
        char type = **t;
        size_t n = item_len(*t);
        char inner[BUS_SIGNATURE_MAX + 1];
        int r;

        if (n == 0)
                return -EINVAL;
        *t += n;

        switch (type) {
        case 'y': { uint8_t v = (uint8_t) va_arg(*ap, int); return bus_message_append_basic(m, type, &v); }
        case 'b': case 'h': { int v = va_arg(*ap, int); return bus_message_append_basic(m, type, &v); }
        case 'n': case 'q': { uint16_t v = (uint16_t) va_arg(*ap, int); return bus_message_append_basic(m, type, &v); }
        case 'i': case 'u': { uint32_t v = va_arg(*ap, uint32_t); return bus_message_append_basic(m, type, &v); }
        case 'x': case 't': { uint64_t v = va_arg(*ap, uint64_t); return bus_message_append_basic(m, type, &v); }
        case 'd': { double v = va_arg(*ap, double); return bus_message_append_basic(m, type, &v); }
        case 's': case 'o': case 'g': return bus_message_append_basic(m, type, va_arg(*ap, const char *));
        case 'v': {
                const char *s = va_arg(*ap, const char *);
                r = bus_message_open_container(m, 'v', s);
                if (r < 0)
                        return r;
                const char *p = s;
                r = append_one(m, &p, ap);
                if (r < 0)
                        return r;
                return bus_message_close_container(m);
        }
        case 'a': {
                unsigned count = va_arg(*ap, unsigned);
                memcpy(inner, *t - n + 1, n - 1);
                inner[n - 1] = 0;
                r = bus_message_open_container(m, 'a', inner);
                if (r < 0)
                        return r;
                for (unsigned i = 0; i < count; i++) {
                        const char *p = inner;
                        r = append_one(m, &p, ap);
                        if (r < 0)
                                return r;
                }
                return bus_message_close_container(m);
        }
        default: {  /* ( or { */
                memcpy(inner, *t - n + 1, n - 2);
                inner[n - 2] = 0;
                r = bus_message_open_container(m, type, inner);
                if (r < 0)
                        return r;
                for (const char *p = inner; *p;) {
                        r = append_one(m, &p, ap);
                        if (r < 0)
                                return r;
                }
                return bus_message_close_container(m);
        }
        }
}

int bus_message_appendv(BusMessage *m, const char *types, va_list ap) {
        va_list aq;
        int r = check_append(m);
        if (r < 0)
                return r;
        if (!types)
                return -EINVAL;
        va_copy(aq, ap);
        /* a "{..}" item is accepted here: open_container() checks that a dict entry may come */
        for (const char *p = types; *p && r >= 0;)
                r = poison(m, append_one(m, &p, &aq));
        va_end(aq);
        return r < 0 ? r : 0;
}

int bus_message_append(BusMessage *m, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = bus_message_appendv(m, types, ap);
        va_end(ap);
        return r;
}

/* ---- sealing and serializing ---- */

static int header_field(Wbuf w, uint8_t code, char type, const char *s, uint32_t u) {
        char sig[2] = { type, 0 };
        int r = wbuf_align(w, 8);
        if (r >= 0)
                r = wbuf_put(w, &code, 1);
        if (r >= 0)
                r = wbuf_string(w, 'g', sig);
        if (r < 0)
                return r;
        return type == 'u' ? wbuf_int(w, u, 4) : wbuf_string(w, type, s);
}

/* The little-endian header of m, padded to 8 bytes. */
static int header_build(const BusMessage *m, uint8_t **ret, size_t *ret_size) {
        uint8_t *p = NULL;
        size_t len = 0, alloc = 0;
        Wbuf w = { &p, &len, &alloc };
        const uint8_t fixed[4] = { 'l', m->type, m->flags, 1 };
        const struct { uint8_t code; char type; const char *s; } strings[] = {
                { 1, 'o', m->path }, { 2, 's', m->interface }, { 3, 's', m->member },
                { 4, 's', m->error_name },
        }, strings2[] = {
                { 6, 's', m->destination }, { 7, 's', m->sender },
                { 8, 'g', m->signature[0] ? m->signature : NULL },
        };
        int r;

        r = wbuf_put(w, fixed, 4);
        if (r >= 0) r = wbuf_int(w, m->body_size, 4);
        if (r >= 0) r = wbuf_int(w, m->serial, 4);
        if (r >= 0) r = wbuf_int(w, 0, 4);  /* the fields' length, set below */
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(strings); i++)
                if (strings[i].s)
                        r = header_field(w, strings[i].code, strings[i].type, strings[i].s, 0);
        if (r >= 0 && m->reply_serial != 0)
                r = header_field(w, 5, 'u', NULL, m->reply_serial);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(strings2); i++)
                if (strings2[i].s)
                        r = header_field(w, strings2[i].code, strings2[i].type, strings2[i].s, 0);
        if (r >= 0 && m->n_fds > 0)
                r = header_field(w, 9, 'u', NULL, (uint32_t) m->n_fds);
        if (r >= 0) {
                put_le(p + 12, len - 16, 4);
                r = wbuf_align(w, 8);
        }
        if (r < 0) {
                free(p);
                return r;
        }
        *ret = p;
        *ret_size = len;
        return 0;
}

static bool required_fields_present(const BusMessage *m) {
        switch (m->type) {
        case BUS_MESSAGE_METHOD_CALL:
                return m->path && m->member;
        case BUS_MESSAGE_SIGNAL:
                return m->path && m->interface && m->member;
        case BUS_MESSAGE_METHOD_ERROR:
                return m->error_name && m->reply_serial != 0;
        case BUS_MESSAGE_METHOD_RETURN:
                return m->reply_serial != 0;
        }
        return false;
}

int bus_message_seal(BusMessage *m, uint32_t serial) {
        if (!m || serial == 0)
                return -EINVAL;
        if (m->sealed)
                return -EPERM;
        if (m->poison < 0)
                return m->poison;
        if (m->n_stack != 1)
                return -EBUSY;
        if (!required_fields_present(m))
                return -EINVAL;
        if (m->body_size > BUS_MESSAGE_SIZE_MAX)
                return -EMSGSIZE;
        m->serial = serial;
        m->sealed = true;
        m->rindex = 0;
        m->stack[0].pos = 0;
        return 0;
}

int bus_message_to_bytes(const BusMessage *m, uint8_t **ret, size_t *ret_size) {
        _cleanup_free_ uint8_t *h = NULL;
        size_t hs;
        int r;

        if (!m || !ret || !ret_size)
                return -EINVAL;
        if (!m->sealed)
                return -EPERM;
        if (m->big_endian)
                return -EOPNOTSUPP;  /* copy the body into a new message to convert it */
        r = header_build(m, &h, &hs);
        if (r < 0)
                return r;
        if (hs + m->body_size > BUS_MESSAGE_SIZE_MAX)
                return -EMSGSIZE;
        uint8_t *out = malloc(hs + m->body_size);
        if (!out)
                return -ENOMEM;
        memcpy(out, h, hs);
        if (m->body_size > 0)
                memcpy(out + hs, m->body, m->body_size);
        *ret = out;
        *ret_size = hs + m->body_size;
        return 0;
}

/* ---- validating walk over received bytes ---- */

typedef struct Span {
        const uint8_t *p;
        size_t size;
        bool be;
        uint32_t n_fds;
} Span;

static uint64_t get_uint(const Span *s, size_t pos, size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) {
                size_t k = s->be ? i : n - 1 - i;
                v = (v << 8) | s->p[pos + k];
        }
        return v;
}

/* Padding must be zero. */
static int span_align(const Span *s, size_t *pos, size_t a) {
        size_t np = ALIGN_TO(*pos, a);
        if (np > s->size)
                return -EBADMSG;
        for (size_t i = *pos; i < np; i++)
                if (s->p[i] != 0)
                        return -EBADMSG;
        *pos = np;
        return 0;
}

static int span_fixed(const Span *s, size_t *pos, size_t n, uint64_t *ret) {
        int r = span_align(s, pos, n);
        if (r < 0)
                return r;
        if (s->size - *pos < n)
                return -EBADMSG;
        *ret = get_uint(s, *pos, n);
        *pos += n;
        return 0;
}

static int span_string(const Span *s, size_t *pos, char type, const char **ret) {
        uint64_t len;
        int r;

        if (type == 'g') {
                if (*pos >= s->size)
                        return -EBADMSG;
                len = s->p[(*pos)++];
        } else {
                r = span_fixed(s, pos, 4, &len);
                if (r < 0)
                        return r;
        }
        if (s->size - *pos <= len || s->p[*pos + len] != 0)
                return -EBADMSG;
        const char *str = (const char *) s->p + *pos;
        if (type == 'g' ? !signature_valid_n(str, len, false) :
            type == 'o' ? !object_path_valid_n(str, len) : !bus_utf8_is_valid(str, len))
                return -EBADMSG;
        *pos += len + 1;
        if (ret)
                *ret = str;
        return 0;
}

static int span_basic(const Span *s, size_t *pos, char type) {
        uint64_t v;
        int r;

        switch (type) {
        case 'y':
                if (*pos >= s->size)
                        return -EBADMSG;
                (*pos)++;
                return 0;
        case 'n': case 'q':
                return span_fixed(s, pos, 2, &v);
        case 'i': case 'u':
                return span_fixed(s, pos, 4, &v);
        case 'b': case 'h':
                r = span_fixed(s, pos, 4, &v);
                if (r < 0)
                        return r;
                if (type == 'b' ? v > 1 : v >= s->n_fds)
                        return -EBADMSG;
                return 0;
        case 'x': case 't': case 'd':
                return span_fixed(s, pos, 8, &v);
        case 's': case 'o': case 'g':
                return span_string(s, pos, type, NULL);
        }
        return -EBADMSG;
}

/* The length of the complete type (or dict entry) starting at each position of a valid signature
 * of n characters, 0 at ')' and '}': computed once per signature in O(n), so walking an array of
 * a million structs does not measure their member types a million times (each time again at
 * every depth). */
typedef struct SigLengths {
        uint8_t at[BUS_SIGNATURE_MAX + 1];
} SigLengths;

static void sig_lengths(const char *sig, size_t n, SigLengths *ret) {
        size_t close[BUS_SIGNATURE_MAX + 1], stack[BUS_SIGNATURE_MAX + 1], depth = 0;
        for (size_t i = 0; i < n; i++)
                if (sig[i] == '(' || sig[i] == '{')
                        stack[depth++] = i;
                else if ((sig[i] == ')' || sig[i] == '}') && depth > 0)
                        close[stack[--depth]] = i;
        for (size_t i = n; i-- > 0;) {
                char c = sig[i];
                ret->at[i] = c == '(' || c == '{' ? (uint8_t)(close[i] - i + 1) :
                             c == 'a' ? (uint8_t)(i + 1 < n ? 1 + ret->at[i + 1] : 0) :
                             c == ')' || c == '}' ? 0 : 1;
        }
}

/* Validate and pass the value of the complete type (or dict entry) at t; len: sig_lengths() of
 * the signature t is in, from t on. da, ds, dt: the array, struct and total container depth
 * around it; variants count toward the total. */
static int walk(const Span *s, const char *t, const uint8_t *len, size_t *pos, unsigned da, unsigned ds, unsigned dt) {
        int r;

        if (is_basic(t[0]))
                return span_basic(s, pos, t[0]);
        if (dt + 1 > BUS_DEPTH_MAX)
                return -EBADMSG;
        if (t[0] == 'v') {
                const char *sig;
                SigLengths vl;
                r = span_string(s, pos, 'g', &sig);
                if (r < 0)
                        return r;
                size_t n = strlen(sig);
                if (!signature_valid_n(sig, n, true))
                        return -EBADMSG;
                sig_lengths(sig, n, &vl);
                return walk(s, sig, vl.at, pos, da, ds, dt + 1);
        }
        if (t[0] == 'a') {
                uint64_t size;
                if (da + 1 > BUS_ARRAY_DEPTH_MAX)
                        return -EBADMSG;
                r = span_fixed(s, pos, 4, &size);
                if (r < 0)
                        return r;
                if (size > BUS_ARRAY_SIZE_MAX)
                        return -EBADMSG;
                r = span_align(s, pos, type_alignment(t[1]));
                if (r < 0)
                        return r;
                if (s->size - *pos < size)
                        return -EBADMSG;
                Span sub = *s;
                sub.size = *pos + size;  /* elements must end exactly at the array's end */
                while (*pos < sub.size) {
                        r = walk(&sub, t + 1, len + 1, pos, da + 1, ds, dt + 1);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if (t[0] == '(' || t[0] == '{') {
                if (ds + 1 > BUS_STRUCT_DEPTH_MAX)
                        return -EBADMSG;
                r = span_align(s, pos, 8);
                if (r < 0)
                        return r;
                for (size_t i = 1; t[i] != ')' && t[i] != '}'; i += len[i]) {
                        if (len[i] == 0)
                                return -EBADMSG;   /* cannot happen in a valid signature */
                        r = walk(s, t + i, len + i, pos, da, ds + 1, dt + 1);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        return -EBADMSG;
}

/* ---- parsing ---- */

int bus_message_frame_size(const void *buf, size_t size, size_t max_size, size_t *ret_size) {
        const uint8_t *p = buf;

        if (!ret_size || (!buf && size > 0))
                return -EINVAL;
        if (size < BUS_HEADER_FIXED_SIZE) {
                *ret_size = BUS_HEADER_FIXED_SIZE;
                return 0;
        }
        if ((p[0] != 'l' && p[0] != 'B') || p[3] != 1)
                return -EBADMSG;
        Span s = { p, size, p[0] == 'B', 0 };
        uint64_t body = get_uint(&s, 4, 4), fields = get_uint(&s, 12, 4);
        if (fields > BUS_ARRAY_SIZE_MAX)
                return -EBADMSG;
        uint64_t total = BUS_HEADER_FIXED_SIZE + ALIGN_TO(fields, 8) + body;
        if (total > max_size || total > BUS_MESSAGE_SIZE_MAX)
                return -EMSGSIZE;
        *ret_size = (size_t) total;
        return 0;
}

typedef struct Fields {
        const char *str[10];
        uint32_t u[10];
        unsigned seen;
} Fields;

static const char field_type[10] = { 0, 'o', 's', 's', 's', 'u', 's', 's', 'g', 'u' };

static bool field_valid(unsigned code, const char *s, uint32_t u) {
        switch (code) {
        case 2: return bus_interface_name_is_valid(s);
        case 3: return bus_member_name_is_valid(s);
        case 4: return bus_error_name_is_valid(s);
        case 5: return u != 0;
        case 6: case 7: return bus_bus_name_is_valid(s);
        case 9: return u <= BUS_FDS_MAX;
        default: return true;  /* path and signature: checked by span_string() */
        }
}

/* The header fields array; known fields must have their type and appear once, unknown ones are
 * validated and ignored (as the specification asks). */
static int parse_fields(const Span *hs, Fields *f) {
        size_t pos = BUS_HEADER_FIXED_SIZE;
        int r;

        while (pos < hs->size) {
                const char *sig;
                r = span_align(hs, &pos, 8);
                if (r < 0)
                        return r;
                if (pos >= hs->size)
                        return -EBADMSG;
                uint8_t code = hs->p[pos++];
                r = span_string(hs, &pos, 'g', &sig);
                if (r < 0)
                        return r;
                if (!signature_valid_n(sig, strlen(sig), true))
                        return -EBADMSG;
                if (code == 0 || code >= ELEMENTSOF(field_type)) {
                        SigLengths fl;
                        sig_lengths(sig, strlen(sig), &fl);
                        r = walk(hs, sig, fl.at, &pos, 0, 0, 1);
                        if (r < 0)
                                return r;
                        continue;
                }
                if ((f->seen & (1U << code)) || sig[0] != field_type[code] || sig[1] != 0)
                        return -EBADMSG;
                f->seen |= 1U << code;
                if (field_type[code] == 'u') {
                        uint64_t v;
                        r = span_fixed(hs, &pos, 4, &v);
                        f->u[code] = (uint32_t) v;
                } else
                        r = span_string(hs, &pos, field_type[code], &f->str[code]);
                if (r < 0)
                        return r;
                if (!field_valid(code, f->str[code], f->u[code]))
                        return -EBADMSG;
        }
        return 0;
}

static int message_from_parts(const Span *hs, const Fields *f, const uint8_t *body, size_t body_size,
                              int *fds, size_t n_fds, BusMessage **ret) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        r = message_new(&m, hs->p[1]);
        if (r < 0)
                return r;
        m->flags = hs->p[2];
        m->big_endian = hs->be;
        m->serial = (uint32_t) get_uint(hs, 8, 4);
        m->reply_serial = f->u[5];
        m->unix_fds = f->u[9];
        char **strs[] = { NULL, &m->path, &m->interface, &m->member, &m->error_name, NULL,
                          &m->destination, &m->sender };
        for (size_t i = 0; i < ELEMENTSOF(strs); i++)
                if (strs[i] && f->str[i]) {
                        *strs[i] = strdup(f->str[i]);
                        if (!*strs[i])
                                return -ENOMEM;
                }
        if (f->str[8])
                strcpy(m->signature, f->str[8]);  /* at most 255 chars: span_string() checked */
        m->stack[0].sig_len = strlen(m->signature);
        if (body_size > 0) {
                m->body = malloc(body_size);
                if (!m->body)
                        return -ENOMEM;
                memcpy(m->body, body, body_size);
                m->body_size = m->body_alloc = body_size;
        }
        if (n_fds > 0) {
                m->fds = malloc(n_fds * sizeof(int));
                if (!m->fds)
                        return -ENOMEM;
                memcpy(m->fds, fds, n_fds * sizeof(int));
                m->n_fds = n_fds;
        }
        m->sealed = true;
        *ret = TAKE_PTR(m);
        return 0;
}

int bus_message_parse(const void *buf, size_t size, size_t max_size, int *fds, size_t n_fds, BusMessage **ret) {
        const uint8_t *p = buf;
        size_t total;
        Fields f = {};
        int r;

        if (!ret || (!buf && size > 0) || (n_fds > 0 && !fds))
                return -EINVAL;
        if (size < BUS_HEADER_FIXED_SIZE)
                return -EBADMSG;
        r = bus_message_frame_size(buf, size, max_size, &total);
        if (r < 0)
                return r;
        if (total != size)
                return -EBADMSG;
        if (p[1] < BUS_MESSAGE_METHOD_CALL || p[1] > BUS_MESSAGE_SIGNAL)
                return -EBADMSG;

        Span hs = { p, BUS_HEADER_FIXED_SIZE, p[0] == 'B', 0 };
        uint64_t body_size = get_uint(&hs, 4, 4), fields_size = get_uint(&hs, 12, 4);
        if (get_uint(&hs, 8, 4) == 0)
                return -EBADMSG;
        hs.size = BUS_HEADER_FIXED_SIZE + fields_size;
        r = parse_fields(&hs, &f);
        if (r < 0)
                return r;
        size_t body_off = ALIGN_TO(hs.size, 8);
        for (size_t i = hs.size; i < body_off; i++)
                if (p[i] != 0)
                        return -EBADMSG;

        const char *sig = f.str[8] ? f.str[8] : "";
        Span bs = { p + body_off, body_size, hs.be, f.u[9] };
        size_t pos = 0, n = strlen(sig);
        SigLengths sl;
        sig_lengths(sig, n, &sl);
        for (size_t i = 0; i < n; i += sl.at[i]) {
                r = walk(&bs, sig + i, sl.at + i, &pos, 0, 0, 0);
                if (r < 0)
                        return r;
        }
        if (pos != body_size || f.u[9] != n_fds)
                return -EBADMSG;

        BusMessage probe = { .type = p[1], .path = (char *) f.str[1], .interface = (char *) f.str[2],
                             .member = (char *) f.str[3], .error_name = (char *) f.str[4],
                             .reply_serial = f.u[5] };
        if (!required_fields_present(&probe))
                return -EBADMSG;
        return message_from_parts(&hs, &f, p + body_off, body_size, fds, n_fds, ret);
}

/* ---- reading ---- */

static Span body_span(const BusMessage *m) {
        return (Span) { m->body, m->body_size, m->big_endian, (uint32_t) m->n_fds };
}

/* The next item of the innermost container: 1 and its type, or 0 at the container's end. */
static int read_next(BusMessage *m, const char **t, size_t *n) {
        BusContainer *c = &m->stack[m->n_stack - 1];

        if (!m->sealed)
                return -EPERM;
        if (c->type == 'a') {
                if (m->rindex >= c->end)
                        return 0;
                if (c->pos >= c->sig_len)
                        c->pos = 0;
        } else if (c->pos >= c->sig_len)
                return 0;
        *t = c->sig + c->pos;
        *n = item_len(*t);
        return *n > 0 ? 1 : -EBADMSG;
}

int bus_message_read_basic(BusMessage *m, char type, void *p) {
        const char *t;
        size_t n;
        uint64_t v = 0;
        const char *str = NULL;
        int r;

        if (!m || !is_basic(type))
                return -EINVAL;
        r = read_next(m, &t, &n);
        if (r <= 0)
                return r;
        if (n != 1 || t[0] != type)
                return -ENXIO;

        Span s = body_span(m);
        size_t pos = m->rindex;
        switch (type) {
        case 'y':
                r = pos < s.size ? 0 : -EBADMSG;
                v = r == 0 ? s.p[pos++] : 0;
                break;
        case 's': case 'o': case 'g':
                r = span_string(&s, &pos, type, &str);
                break;
        default:
                r = span_basic(&s, &pos, type);  /* validates b and h */
                if (r >= 0)
                        v = get_uint(&s, pos - type_alignment(type == 'd' ? 'x' : type), type_alignment(type));
                break;
        }
        if (r < 0)
                return r;

        if (p)
                switch (type) {
                case 'y': *(uint8_t *) p = (uint8_t) v; break;
                case 'b': *(int *) p = (int) v; break;
                case 'n': case 'q': *(uint16_t *) p = (uint16_t) v; break;
                case 'i': case 'u': *(uint32_t *) p = (uint32_t) v; break;
                case 'x': case 't': *(uint64_t *) p = v; break;
                case 'd': memcpy(p, &v, 8); break;
                case 'h': *(int *) p = m->fds[v]; break;
                default: *(const char **) p = str; break;
                }
        m->rindex = pos;
        m->stack[m->n_stack - 1].pos += 1;
        return 1;
}

int bus_message_enter_container(BusMessage *m, char type, const char *contents) {
        const char *t, *cs;
        size_t n, cl, pos;
        BusContainer *c;
        uint64_t len = 0;
        int r;

        if (!m)
                return -EINVAL;
        type = container_type(type);
        if (!strchr("a({v", type) || type == 0)
                return -EINVAL;
        r = read_next(m, &t, &n);
        if (r <= 0)
                return r;
        if (t[0] != type)
                return -ENXIO;

        Span s = body_span(m);
        pos = m->rindex;
        if (type == 'v') {
                r = span_string(&s, &pos, 'g', &cs);
                if (r < 0)
                        return r;
                cl = strlen(cs);
        } else {
                cs = t + 1;
                cl = type == 'a' ? n - 1 : n - 2;
        }
        if (contents && (strlen(contents) != cl || memcmp(contents, cs, cl) != 0))
                return -ENXIO;
        if (type == 'a') {
                r = span_fixed(&s, &pos, 4, &len);
                if (r >= 0)
                        r = span_align(&s, &pos, type_alignment(cs[0]));
                if (r >= 0 && s.size - pos < len)
                        r = -EBADMSG;
        } else if (type != 'v')
                r = span_align(&s, &pos, 8);
        if (r < 0)
                return r;

        r = stack_push(m, &c);
        if (r < 0)
                return r;
        m->stack[m->n_stack - 2].pos += n;
        c->type = type;
        c->sig = cs;
        c->sig_len = cl;
        c->begin = pos;
        c->end = pos + len;
        m->rindex = pos;
        return 1;
}

/* Pass the value of type t at the read position. */
static int skip_item(BusMessage *m, const char *t) {
        Span s = body_span(m);
        size_t pos = m->rindex;
        SigLengths sl;
        sig_lengths(t, item_len(t), &sl);
        int r = walk(&s, t, sl.at, &pos, 0, 0, 0);
        if (r < 0)
                return r;
        m->rindex = pos;
        return 0;
}

int bus_message_exit_container(BusMessage *m) {
        if (!m || !m->sealed || m->n_stack <= 1)
                return -EINVAL;
        BusContainer *c = &m->stack[m->n_stack - 1];
        if (c->type == 'a')
                m->rindex = c->end;
        else
                while (c->pos < c->sig_len) {
                        int r = skip_item(m, c->sig + c->pos);
                        if (r < 0)
                                return r;
                        c->pos += item_len(c->sig + c->pos);
                }
        stack_pop(m);
        return 0;
}

int bus_message_peek_type(BusMessage *m, char *ret_type, const char **ret_contents) {
        const char *t, *cs = NULL;
        size_t n;
        int r;

        if (!m)
                return -EINVAL;
        r = read_next(m, &t, &n);
        if (r <= 0)
                return r;
        if (t[0] == 'v') {
                Span s = body_span(m);
                size_t pos = m->rindex;
                r = span_string(&s, &pos, 'g', &cs);
                if (r < 0)
                        return r;
                snprintf(m->peek_buf, sizeof(m->peek_buf), "%s", cs);
                cs = m->peek_buf;
        } else if (!is_basic(t[0])) {
                size_t cl = t[0] == 'a' ? n - 1 : n - 2;
                memcpy(m->peek_buf, t + 1, cl);
                m->peek_buf[cl] = 0;
                cs = m->peek_buf;
        }
        if (ret_type)
                *ret_type = t[0];
        if (ret_contents)
                *ret_contents = cs;
        return 1;
}

int bus_message_skip(BusMessage *m, const char *types) {
        const char *t;
        size_t n;
        int r;

        if (!m)
                return -EINVAL;
        if (!types) {
                r = read_next(m, &t, &n);
                if (r <= 0)
                        return r;
                r = skip_item(m, t);
                if (r < 0)
                        return r;
                m->stack[m->n_stack - 1].pos += n;
                return 1;
        }
        for (const char *p = types; *p;) {
                size_t l = item_len(p);
                if (l == 0)
                        return -EINVAL;
                r = read_next(m, &t, &n);
                if (r == 0)
                        return -ENXIO;
                if (r < 0)
                        return r;
                if (n != l || memcmp(t, p, l) != 0)
                        return -ENXIO;
                r = skip_item(m, t);
                if (r < 0)
                        return r;
                m->stack[m->n_stack - 1].pos += n;
                p += l;
        }
        return 1;
}

bool bus_message_at_end(BusMessage *m, bool complete) {
        if (!m || !m->sealed)
                return true;
        if (complete)
                return m->n_stack == 1 && m->stack[0].pos >= m->stack[0].sig_len;
        BusContainer *c = &m->stack[m->n_stack - 1];
        return c->type == 'a' ? m->rindex >= c->end : c->pos >= c->sig_len;
}

int bus_message_rewind(BusMessage *m) {
        if (!m || !m->sealed)
                return -EPERM;
        while (m->n_stack > 1)
                stack_pop(m);
        m->rindex = 0;
        m->stack[0].pos = 0;
        return 0;
}

static int read_one(BusMessage *m, const char **t, va_list *ap) {
        char type = **t, inner[BUS_SIGNATURE_MAX + 1];
        size_t n = item_len(*t);
        int r;

        if (n == 0 || type == 'a')
                return -EINVAL;
        *t += n;
        if (is_basic(type)) {
                r = bus_message_read_basic(m, type, va_arg(*ap, void *));
                return r == 0 ? -ENXIO : r;
        }
        const char *contents;
        if (type == 'v')
                contents = va_arg(*ap, const char *);
        else {
                memcpy(inner, *t - n + 1, n - 2);
                inner[n - 2] = 0;
                contents = inner;
        }
        if (!contents)
                return -EINVAL;
        r = bus_message_enter_container(m, type, contents);
        if (r <= 0)
                return r == 0 ? -ENXIO : r;
        for (const char *p = contents; *p;) {
                r = read_one(m, &p, ap);
                if (r < 0)
                        return r;
        }
        return bus_message_exit_container(m);
}

int bus_message_readv(BusMessage *m, const char *types, va_list ap) {
        va_list aq;
        int r = 0;

        if (!m || !types)
                return -EINVAL;
        va_copy(aq, ap);
        for (const char *p = types; *p && r >= 0;)
                r = read_one(m, &p, &aq);
        va_end(aq);
        return r < 0 ? r : 1;
}

int bus_message_read(BusMessage *m, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = bus_message_readv(m, types, ap);
        va_end(ap);
        return r;
}

int bus_message_read_strv(BusMessage *m, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        const char *s;
        int r;

        if (!ret)
                return -EINVAL;
        r = bus_message_enter_container(m, 'a', "s");
        if (r <= 0)
                return r == 0 ? -ENXIO : r;
        l = strv_new_empty();
        if (!l)
                return -ENOMEM;
        while ((r = bus_message_read_basic(m, 's', &s)) > 0) {
                r = strv_extend(&l, s);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 1;
}

/* ---- copying ---- */

static int copy_level(BusMessage *dst, BusMessage *src) {
        char type;
        const char *contents;
        int r;

        while ((r = bus_message_peek_type(src, &type, &contents)) > 0) {
                if (is_basic(type)) {
                        union { uint8_t y; int b; uint16_t q; uint32_t u; uint64_t t; double d; const char *s; } v;
                        r = bus_message_read_basic(src, type, &v);
                        if (r < 0)
                                return r;
                        r = bus_message_append_basic(dst, type, strchr("sog", type) ? (const void *) v.s : &v);
                        if (r < 0)
                                return r;
                        continue;
                }
                char c[BUS_SIGNATURE_MAX + 1];
                snprintf(c, sizeof(c), "%s", contents);
                r = bus_message_enter_container(src, type, c);
                if (r < 0)
                        return r;
                r = bus_message_open_container(dst, type, c);
                if (r < 0)
                        return r;
                r = copy_level(dst, src);
                if (r < 0)
                        return r;
                r = bus_message_exit_container(src);
                if (r < 0)
                        return r;
                r = bus_message_close_container(dst);
                if (r < 0)
                        return r;
        }
        return r;
}

int bus_message_copy_body(BusMessage *dst, BusMessage *src) {
        if (!dst || !src)
                return -EINVAL;
        return copy_level(dst, src);
}

int bus_message_new_copy(BusMessage **ret, BusMessage *src) {
        _cleanup_bus_message_ BusMessage *m = NULL;
        int r;

        if (!ret || !src || !src->sealed)
                return -EINVAL;
        r = message_new(&m, src->type);
        if (r < 0)
                return r;
        m->flags = src->flags;
        m->reply_serial = src->reply_serial;
        char **dst[] = { &m->path, &m->interface, &m->member, &m->error_name, &m->destination, &m->sender };
        const char *from[] = { src->path, src->interface, src->member, src->error_name, src->destination, src->sender };
        for (size_t i = 0; i < ELEMENTSOF(dst); i++) {
                r = free_and_strdup(dst[i], from[i]);
                if (r < 0)
                        return r;
        }
        r = bus_message_rewind(src);
        if (r >= 0)
                r = bus_message_copy_body(m, src);
        if (r >= 0)
                r = bus_message_rewind(src);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

/* ---- predicates ---- */

bool bus_message_is_method_call(const BusMessage *m, const char *interface, const char *member) {
        return m && m->type == BUS_MESSAGE_METHOD_CALL &&
               (!interface || streq_ptr(m->interface, interface)) && (!member || streq_ptr(m->member, member));
}

bool bus_message_is_signal(const BusMessage *m, const char *interface, const char *member) {
        return m && m->type == BUS_MESSAGE_SIGNAL &&
               (!interface || streq_ptr(m->interface, interface)) && (!member || streq_ptr(m->member, member));
}

bool bus_message_is_error(const BusMessage *m, const char *name) {
        return m && m->type == BUS_MESSAGE_METHOD_ERROR && (!name || streq_ptr(m->error_name, name));
}

int bus_message_get_error(BusMessage *m, const char **ret_name, const char **ret_text) {
        const char *text = "";

        if (!bus_message_is_error(m, NULL))
                return -EINVAL;
        if (m->signature[0] == 's' && m->sealed) {
                /* read the first argument without disturbing the caller's position */
                Span s = body_span(m);
                size_t pos = 0;
                if (span_string(&s, &pos, 's', &text) < 0)
                        text = "";
        }
        if (ret_name)
                *ret_name = m->error_name;
        if (ret_text)
                *ret_text = text;
        return 0;
}

const char *bus_message_type_to_string(uint8_t type) {
        static const char *const names[] = { NULL, "method_call", "method_return", "error", "signal" };
        return type < ELEMENTSOF(names) ? names[type] : NULL;
}
