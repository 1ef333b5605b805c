/* SPDX-License-Identifier: MIT */
/* Unit names as described in systemd.unit(5) and systemd-escape(1), with the exact corner cases of
 * systemd 252 (checked against /usr/bin/systemd-escape, see tests/unit/test-name.c). */
#include <limits.h>
#include "base/strv.h"
#include "base/util.h"
#include "unit/name.h"

/* Characters allowed in a unit name prefix; '@' separates prefix and instance and may appear
 * again inside the instance ("a@b@c.service" has instance "b@c"). */
#define VALID_CHARS DIGITS LETTERS ":-_.\\"
#define VALID_CHARS_WITH_AT "@" VALID_CHARS
/* What a glob pattern may contain when the caller allows globs (systemctl list-units 'foo*'). */
#define VALID_CHARS_GLOB VALID_CHARS_WITH_AT "[]!-*?"

static const char *const unit_type_table[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = "service", [UNIT_MOUNT] = "mount",         [UNIT_SWAP] = "swap",
        [UNIT_SOCKET] = "socket",   [UNIT_TARGET] = "target",       [UNIT_DEVICE] = "device",
        [UNIT_AUTOMOUNT] = "automount", [UNIT_TIMER] = "timer",     [UNIT_PATH] = "path",
        [UNIT_SLICE] = "slice",     [UNIT_SCOPE] = "scope",
};

const char *unit_type_to_string(UnitType t) {
        return t >= 0 && t < _UNIT_TYPE_MAX ? unit_type_table[t] : NULL;
}

UnitType unit_type_from_string(const char *s) {
        if (!s) return _UNIT_TYPE_INVALID;
        for (int i = 0; i < _UNIT_TYPE_MAX; i++)
                if (streq(unit_type_table[i], s)) return (UnitType)i;
        return _UNIT_TYPE_INVALID;
}

/* Only the part after the last dot counts; the rest of the name is not validated here. */
UnitType unit_name_to_type(const char *name) {
        const char *e = name ? strrchr(name, '.') : NULL;
        return e ? unit_type_from_string(e + 1) : _UNIT_TYPE_INVALID;
}

static bool in_charset(const char *s, const char *set) {
        return strspn(s, set) == strlen(s);
}

bool unit_name_is_valid(const char *name, UnitNameFlags flags) {
        if (isempty(name) || strlen(name) >= UNIT_NAME_MAX) return false;
        const char *e = strrchr(name, '.');
        if (!e || e == name || unit_type_from_string(e + 1) < 0) return false;
        const char *at = NULL;
        for (const char *i = name; i < e; i++) {
                if (*i == '@' && !at) at = i;
                if (!strchr(VALID_CHARS_WITH_AT, *i)) return false;
        }
        if (at == name) return false;  /* empty prefix */
        if ((flags & UNIT_NAME_PLAIN) && !at) return true;
        if ((flags & UNIT_NAME_INSTANCE) && at && e > at + 1) return true;
        if ((flags & UNIT_NAME_TEMPLATE) && at && e == at + 1) return true;
        return false;
}

bool unit_prefix_is_valid(const char *p) {
        return !isempty(p) && in_charset(p, VALID_CHARS);
}

bool unit_instance_is_valid(const char *i) {
        return !isempty(i) && in_charset(i, VALID_CHARS_WITH_AT);
}

bool unit_suffix_is_valid(const char *s) {
        return !isempty(s) && s[0] == '.' && unit_type_from_string(s + 1) >= 0;
}

UnitNameFlags unit_name_classify(const char *name) {
        static const UnitNameFlags kinds[] = { UNIT_NAME_PLAIN, UNIT_NAME_TEMPLATE, UNIT_NAME_INSTANCE };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (unit_name_is_valid(name, kinds[i])) return kinds[i];
        return 0;
}

static int strndup_to(const char *s, size_t n, char **ret) {
        char *c = strndup(s, n);
        if (!c) return -ENOMEM;
        *ret = c;
        return 0;
}

int unit_name_to_prefix(const char *name, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        const char *p = strchr(name, '@');
        if (!p) p = strrchr(name, '.');
        return strndup_to(name, (size_t)(p - name), ret);
}

int unit_name_to_instance(const char *name, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        const char *p = strchr(name, '@');
        if (!p) {
                *ret = NULL;
                return UNIT_NAME_PLAIN;
        }
        const char *d = strrchr(++p, '.');
        int r = strndup_to(p, (size_t)(d - p), ret);
        if (r < 0) return r;
        return d > p ? UNIT_NAME_INSTANCE : UNIT_NAME_TEMPLATE;
}

int unit_name_to_prefix_and_instance(const char *name, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        return strndup_to(name, (size_t)(strrchr(name, '.') - name), ret);
}

int unit_name_template(const char *name, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)) return -EINVAL;
        const char *at = strchr(name, '@'), *e = strrchr(name, '.');
        char *s = malloc((size_t)(at - name) + 1 + strlen(e) + 1);
        if (!s) return -ENOMEM;
        memcpy(s, name, (size_t)(at - name) + 1);
        strcpy(s + (at - name) + 1, e);
        *ret = s;
        return 0;
}

/* Joins the pieces and insists that the result is a valid name of the given kinds: this is what
 * refuses names that grew beyond UNIT_NAME_MAX. */
static int join_checked(const char *a, const char *b, const char *c, const char *d, UnitNameFlags kinds,
                        char **ret) {
        char *s = strjoin(a, b, c, d);
        if (!s) return -ENOMEM;
        if (!unit_name_is_valid(s, kinds)) {
                free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}

int unit_name_replace_instance(const char *name, const char *instance, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)) return -EINVAL;
        if (!unit_instance_is_valid(instance)) return -EINVAL;
        _cleanup_free_ char *prefix = NULL;
        int r = strndup_to(name, (size_t)(strchr(name, '@') - name), &prefix);
        if (r < 0) return r;
        return join_checked(prefix, "@", instance, strrchr(name, '.'), UNIT_NAME_INSTANCE, ret);
}

/* Like systemd, an instance must be non-empty: templates are not built this way. */
int unit_name_build(const char *prefix, const char *instance, const char *suffix, char **ret) {
        if (!unit_prefix_is_valid(prefix)) return -EINVAL;
        if (instance && !unit_instance_is_valid(instance)) return -EINVAL;
        if (!unit_suffix_is_valid(suffix)) return -EINVAL;
        if (!instance) return join_checked(prefix, suffix, "", "", UNIT_NAME_PLAIN, ret);
        return join_checked(prefix, "@", instance, suffix, UNIT_NAME_INSTANCE, ret);
}

int unit_name_change_suffix(const char *name, const char *suffix, char **ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY) || !unit_suffix_is_valid(suffix)) return -EINVAL;
        _cleanup_free_ char *base = NULL;
        int r = unit_name_to_prefix_and_instance(name, &base);
        if (r < 0) return r;
        return join_checked(base, suffix, "", "", UNIT_NAME_ANY, ret);
}

static const char hexchars[] = "0123456789abcdef";

static char *escape_char(char c, char *t) {
        *t++ = '\\';
        *t++ = 'x';
        *t++ = hexchars[(unsigned char)c >> 4];
        *t++ = hexchars[(unsigned char)c & 15];
        return t;
}

static int unhexchar(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -EINVAL;
}

/* '-' and '\' are valid in names but reserved by the escaping itself, so they are escaped too; a
 * leading '.' is escaped so that the result never looks like a hidden file. */
char *unit_name_escape(const char *s) {
        char *r = malloc(strlen(s) * 4 + 1), *t = r;
        if (!r) return NULL;
        for (const char *f = s; *f; f++) {
                if (*f == '/')
                        *t++ = '-';
                else if ((f == s && *f == '.') || *f == '-' || *f == '\\' || !strchr(VALID_CHARS, *f))
                        t = escape_char(*f, t);
                else
                        *t++ = *f;
        }
        *t = 0;
        return r;
}

/* "\xNN" with either hex case; anything else after a backslash is an error. systemd would also
 * let "\x00" truncate the result; we refuse it (-EINVAL) instead. */
int unit_name_unescape(const char *s, char **ret) {
        char *r = malloc(strlen(s) + 1), *t = r;
        if (!r) return -ENOMEM;
        for (const char *f = s; *f; f++) {
                if (*f == '-')
                        *t++ = '/';
                else if (*f == '\\') {
                        int a, b;
                        if (f[1] != 'x' || (a = unhexchar(f[2])) < 0 || (b = unhexchar(f[3])) < 0 || (a | b) == 0) {
                                free(r);
                                return -EINVAL;
                        }
                        *t++ = (char)((a << 4) | b);
                        f += 3;
                } else
                        *t++ = *f;
        }
        *t = 0;
        *ret = r;
        return 0;
}

/* Collapses duplicate slashes, drops "." components and trailing slashes. A relative path that
 * vanishes entirely becomes ".", which callers then refuse as not normalized. */
static char *path_simplify_dup(const char *path) {
        char *r = malloc(strlen(path) + 2), *t = r;
        if (!r) return NULL;
        bool absolute = path[0] == '/';
        if (absolute) *t++ = '/';
        for (const char *p = path; *p;) {
                p += strspn(p, "/");
                size_t n = strcspn(p, "/");
                if (n == 0) break;
                if (!(n == 1 && p[0] == '.')) {
                        if (t > r && t[-1] != '/') *t++ = '/';
                        memcpy(t, p, n);
                        t += n;
                }
                p += n;
        }
        if (t == r) *t++ = '.';
        *t = 0;
        return r;
}

/* systemd's path_is_normalized(): no "." or ".." components, no "//", components fit NAME_MAX and
 * the whole fits PATH_MAX. */
static bool path_is_normalized(const char *p) {
        if (isempty(p) || strlen(p) >= PATH_MAX || strstr(p, "//")) return false;
        for (const char *c = p; *c;) {
                size_t n = strcspn(c, "/");
                if (n > NAME_MAX) return false;
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) return false;
                c += n;
                c += strspn(c, "/");
        }
        return true;
}

int unit_name_path_escape(const char *path, char **ret) {
        _cleanup_free_ char *p = path_simplify_dup(path);
        if (!p) return -ENOMEM;
        char *s;
        if (isempty(path) || streq(p, "/"))
                s = strdup("-");
        else {
                if (!path_is_normalized(p)) return -EINVAL;
                s = unit_name_escape(p + (p[0] == '/'));
        }
        if (!s) return -ENOMEM;
        *ret = s;
        return 0;
}

/* The inverse; refuses anything that did not come from a normalized absolute path ("a--b",
 * "-a", "a-", "a-.-b"). */
int unit_name_path_unescape(const char *name, char **ret) {
        if (isempty(name)) return -EINVAL;
        if (streq(name, "-")) return (*ret = strdup("/")) ? 0 : -ENOMEM;
        _cleanup_free_ char *w = NULL;
        int r = unit_name_unescape(name, &w);
        if (r < 0) return r;
        if (w[0] == '/' || endswith(w, "/")) return -EINVAL;
        char *s = strjoin("/", w);
        if (!s) return -ENOMEM;
        if (!path_is_normalized(s)) {
                free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}

int unit_name_from_path(const char *path, const char *suffix, char **ret) {
        if (!unit_suffix_is_valid(suffix)) return -EINVAL;
        _cleanup_free_ char *p = NULL;
        int r = unit_name_path_escape(path, &p);
        if (r < 0) return r;
        if (strlen(p) + strlen(suffix) >= UNIT_NAME_MAX) return -ENAMETOOLONG;
        return join_checked(p, suffix, "", "", UNIT_NAME_PLAIN, ret);
}

int unit_name_to_path(const char *name, char **ret) {
        _cleanup_free_ char *prefix = NULL;
        int r = unit_name_to_prefix(name, &prefix);
        if (r < 0) return r;
        return unit_name_path_unescape(prefix, ret);
}

static bool string_is_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

/* systemctl's escaping of user input: unlike unit_name_escape() it keeps '-', '\', '@' and a leading
 * '.', and with globs also "[]!-*?". Returns whether anything changed. */
static bool escape_mangle(const char *f, bool allow_globs, char *t) {
        const char *valid = allow_globs ? VALID_CHARS_GLOB : VALID_CHARS_WITH_AT;
        bool mangled = false;
        for (; *f; f++) {
                if (*f == '/') {
                        *t++ = '-';
                        mangled = true;
                } else if (!strchr(valid, *f)) {
                        t = escape_char(*f, t);
                        mangled = true;
                } else
                        *t++ = *f;
        }
        *t = 0;
        return mangled;
}

/* Absolute paths become .device units when under /dev/ or /sys/ (as in systemd 252: "/dev" itself
 * is "dev.mount"), else .mount units; a path that cannot be escaped (e.g. with "..") falls through
 * to plain mangling like systemd does. */
static int mangle_path(const char *name, char **ret) {
        _cleanup_free_ char *n = path_simplify_dup(name);
        if (!n) return -ENOMEM;
        int r;
        if (startswith(n, "/dev/") || startswith(n, "/sys/")) {
                r = unit_name_from_path(n, ".device", ret);
                if (r != -EINVAL) return r;
        }
        return unit_name_from_path(n, ".mount", ret);
}

/* Returns 0 when the name was used unchanged, 1 when it was mangled. */
int unit_name_mangle(const char *name, const char *default_suffix, bool allow_globs, char **ret) {
        if (isempty(name) || !unit_suffix_is_valid(default_suffix)) return -EINVAL;
        bool glob_ok = allow_globs && string_is_glob(name) && in_charset(name, VALID_CHARS_GLOB);
        if (unit_name_is_valid(name, UNIT_NAME_ANY) || glob_ok) return (*ret = strdup(name)) ? 0 : -ENOMEM;
        if (name[0] == '/') {
                int r = mangle_path(name, ret);
                if (r != -EINVAL) return r < 0 ? r : 1;
        }
        _cleanup_free_ char *s = malloc(strlen(name) * 4 + strlen(default_suffix) + 1);
        if (!s) return -ENOMEM;
        escape_mangle(name, allow_globs, s);
        /* No suffix is appended to globs, so that "foo.*" keeps matching every type. */
        if ((!allow_globs || !string_is_glob(s)) && unit_name_to_type(s) < 0) strcat(s, default_suffix);
        if (!allow_globs && !unit_name_is_valid(s, UNIT_NAME_ANY)) return -EINVAL;
        *ret = TAKE_PTR(s);
        return 1;
}

/* The dash-prefix name of `name` ("foo-bar-baz.service" → "foo-bar-.service", "foo-.service" →
 * none, "foo-bar-.service" → "foo-.service"; a trailing dash is chopped at most once), keeping the
 * instance of instances. Returns 0 with *ret = NULL when there is none. */
static int dash_prefix_name(const char *name, char **ret) {
        _cleanup_free_ char *prefix = NULL, *instance = NULL;
        int r = unit_name_to_prefix(name, &prefix);
        if (r < 0) return r;
        *ret = NULL;
        bool chopped = false;
        for (;;) {
                char *dash = strrchr(prefix, '-');
                if (!dash || dash == prefix) return 0;
                if (dash[1] || chopped) {
                        dash[1] = 0;
                        break;
                }
                *dash = 0;
                chopped = true;
        }
        if (!unit_prefix_is_valid(prefix)) return 0;
        if (unit_name_classify(name) == UNIT_NAME_INSTANCE && (r = unit_name_to_instance(name, &instance)) < 0)
                return r;
        return unit_name_build(prefix, instance, strrchr(name, '.'), ret);
}

/* All drop-in directory names systemd searches for `name`, in its order: the name, for instances
 * the template (with the template's own dash prefixes), then the dash prefix, recursively. */
static int dropin_names(const char *name, unsigned depth, char ***l) {
        if (depth > UNIT_NAME_MAX) return -ELOOP;  /* cannot happen: every step shortens the prefix */
        /* A name met before had everything below it added then (names only shorten on the way
         * down, so that walk was complete): not walking it again keeps this O(n²) in the number of
         * dashes of a name (at most 127) instead of O(n³). */
        if (strv_contains(*l, name)) return 0;
        int r = strv_push(l, strdup(name));
        if (r < 0) return r;
        if (unit_name_classify(name) == UNIT_NAME_INSTANCE) {
                _cleanup_free_ char *t = NULL;
                if ((r = unit_name_template(name, &t)) < 0 || (r = dropin_names(t, depth + 1, l)) < 0) return r;
        }
        _cleanup_free_ char *built = NULL;
        if ((r = dash_prefix_name(name, &built)) < 0 || !built) return r;
        return dropin_names(built, depth + 1, l);
}

/* systemd 252 (src/shared/dropin.c) searches, for "a-b@c.service": a-b@c.service.d,
 * a-b@.service.d, a-.service.d (dash prefix of the template), a-@c.service.d, a-@.service.d.
 * We return that list without the name itself and without its template, which the caller adds
 * first: for "a-b@c.service" that is "a-.service", "a-@c.service", "a-@.service"; for
 * "foo-bar-baz.service" it is "foo-bar-.service", "foo-.service". The order is systemd's: earlier
 * entries are more specific. */
int unit_name_dropin_prefixes(const char *name, char ***ret) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) return -EINVAL;
        _cleanup_strv_free_ char **all = NULL, **out = NULL;
        _cleanup_free_ char *tmpl = NULL;
        int r = dropin_names(name, 0, &all);
        if (r < 0) return r;
        if (unit_name_classify(name) == UNIT_NAME_INSTANCE && (r = unit_name_template(name, &tmpl)) < 0) return r;
        if (!(out = strv_new_empty())) return -ENOMEM;
        STRV_FOREACH(n, all) {
                if (streq(*n, name) || streq_ptr(*n, tmpl)) continue;
                if ((r = strv_extend(&out, *n)) < 0) return r;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* D-Bus object path labels: only [A-Za-z0-9] survive, and a digit not at the start; "" is "_". */
char *bus_label_escape(const char *s) {
        if (!*s) return strdup("_");
        char *r = malloc(strlen(s) * 3 + 1), *t = r;
        if (!r) return NULL;
        for (const char *f = s; *f; f++) {
                bool ok = (*f >= 'A' && *f <= 'Z') || (*f >= 'a' && *f <= 'z') || (f > s && *f >= '0' && *f <= '9');
                if (ok)
                        *t++ = *f;
                else {
                        *t++ = '_';
                        *t++ = hexchars[(unsigned char)*f >> 4];
                        *t++ = hexchars[(unsigned char)*f & 15];
                }
        }
        *t = 0;
        return r;
}

/* Invalid "_xx" sequences are taken literally, as systemd does; "_00" too, so the result never
 * contains an embedded NUL. */
char *bus_label_unescape(const char *s) {
        if (streq(s, "_")) return strdup("");
        size_t l = strlen(s);
        char *r = malloc(l + 1), *t = r;
        if (!r) return NULL;
        for (size_t i = 0; i < l; i++) {
                int a, b;
                if (s[i] == '_' && l - i >= 3 && (a = unhexchar(s[i + 1])) >= 0 && (b = unhexchar(s[i + 2])) >= 0 &&
                    (a | b) != 0) {
                        *t++ = (char)((a << 4) | b);
                        i += 2;
                } else
                        *t++ = s[i];
        }
        *t = 0;
        return r;
}
