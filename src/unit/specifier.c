/* SPDX-License-Identifier: MIT */
/* Specifier expansion for the system manager, following the table "Specifiers available in unit
 * files" of systemd.unit(5) (systemd 252). Nothing is cached: every expansion reads the few small
 * files it needs (os-release, machine-id, machine-info, boot_id), so tests can vary them freely. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "base/machine-id.h"
#include "base/util.h"
#include "unit/name.h"
#include "unit/specifier.h"

#define SMALL_FILE_MAX (64u * 1024u)

/* Which letters each set resolves. SPECIFIERS_NAME is systemd's unit_name_printf() table: only what
 * is safe inside a unit name (no %I %P %f %y %t %h ...). The deprecated %c %r %R are not supported. */
static const char full_chars[] = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY";
static const char name_chars[] = "aAbBgGHijlmMnNopquUvwW";

const char *specifier_known_chars(void) {
        return full_chars;
}

static int dup_to(const char *s, char **ret) {
        return (*ret = strdup(s)) ? 0 : -ENOMEM;
}

/* Drops the last component of an absolute path held in b ("/a/b" → "/a", "/a" → ""). */
static void buf_pop_component(Buf *b) {
        while (b->len > 0 && b->s[b->len - 1] != '/') b->len--;
        if (b->len > 0) b->len--;
        if (b->s) b->s[b->len] = 0;
}

/* Resolves every symlink of `path` as if `root` were "/" (absolute targets and ".." stay inside
 * root), like systemd's chase_symlinks() with a root. Returns the path relative to root, with a
 * leading '/'. Without a root this is realpath(3). */
static int chase_in_root(const char *root, const char *path, char **ret) {
        if (!root) return (*ret = realpath(path, NULL)) ? 0 : -errno;
        /* what is left to resolve is todo + pos: a cursor, so a long path is not copied once
         * per component */
        _cleanup_free_ char *todo = strdup(path);
        size_t pos = 0;
        Buf done = {0};
        int r = todo ? 0 : -ENOMEM;
        for (unsigned hops = 0; r >= 0 && todo[pos += strspn(todo + pos, "/")];) {
                const char *c = todo + pos;
                size_t n = strcspn(c, "/");
                pos += n;
                if (n == 1 && c[0] == '.') continue;
                if (n == 2 && c[0] == '.' && c[1] == '.') { buf_pop_component(&done); continue; }
                size_t keep = done.len;
                if ((r = buf_putc(&done, '/')) < 0 || (r = buf_put(&done, c, n)) < 0) break;
                _cleanup_free_ char *full = strjoin(root, done.s);
                char target[PATH_MAX];
                ssize_t k = full ? readlink(full, target, sizeof target - 1) : -1;
                if (!full) r = -ENOMEM;
                else if (k < 0 && errno != EINVAL) r = -errno;  /* EINVAL: exists, not a symlink */
                else if (k >= 0) {
                        if (++hops > 40) { r = -ELOOP; break; }
                        target[k] = 0;
                        done.len = target[0] == '/' ? 0 : keep;  /* relative: from the link's dir */
                        if (done.s) done.s[done.len] = 0;
                        char *t = strjoin(target, "/", todo + pos);
                        if (!t) { r = -ENOMEM; break; }
                        free(todo);
                        todo = t;
                        pos = 0;
                }
        }
        if (r >= 0 && done.len == 0) r = buf_putc(&done, '/');
        if (r < 0) { buf_free(&done); return r; }
        return (*ret = buf_steal(&done)) ? 0 : -ENOMEM;
}

/* Reads rel (absolute) below root, resolving symlinks inside root. */
static int read_root_file(const char *root, const char *rel, char **ret) {
        _cleanup_free_ char *resolved = NULL, *full = NULL;
        int r = chase_in_root(root, rel, &resolved);
        if (r < 0) return r;
        if (!(full = strjoin(strempty(root), resolved))) return -ENOMEM;
        return read_file_bounded(AT_FDCWD, full, SMALL_FILE_MAX, ret, NULL);
}

/* Appends the value part of an env-file assignment starting at *p (shell-like quoting as
 * systemd's parse_env_file(): '...' literal, "..." with \" \\ \$ \` escapes, bare backslash
 * escapes, backslash-newline continues; trailing unquoted blanks dropped). Advances *p past the
 * line. */
static int env_value(const char **p, Buf *out) {
        const char *s = *p;
        size_t keep = 0;  /* length up to the last quoted or non-blank character */
        int r = 0;
        s += strspn(s, " \t");
        while (*s && *s != '\n' && r >= 0) {
                if (*s == '\'') {
                        const char *e = strchr(++s, '\'');
                        size_t n = e ? (size_t)(e - s) : strlen(s);
                        r = buf_put(out, s, n);
                        s += n + !!e;
                        keep = out->len;
                } else if (*s == '"') {
                        for (s++; *s && *s != '"' && r >= 0; s++) {
                                if (*s == '\\' && s[1] == '\n') { s++; continue; }
                                if (*s == '\\' && s[1] && strchr("\"\\`$", s[1])) s++;
                                r = buf_putc(out, *s);
                        }
                        if (*s == '"') s++;
                        keep = out->len;
                } else if (*s == '\\') {
                        if (s[1] == '\n') { s += 2; continue; }
                        if (s[1]) s++;
                        r = buf_putc(out, *s++);
                        keep = out->len;
                } else {
                        r = buf_putc(out, *s);
                        if (!strchr(" \t\r", *s)) keep = out->len;
                        s++;
                }
        }
        if (r < 0) return r;
        if (out->s) out->s[out->len = keep] = 0;
        *p = *s ? s + 1 : s;
        return 0;
}

/* The value of `key` in an env-style buffer (later assignments win), NULL if absent. */
static int env_lookup(const char *data, const char *key, char **ret) {
        char *found = NULL;
        size_t kl = strlen(key);
        for (const char *p = data; *p;) {
                p += strspn(p, " \t\r\n");
                if (*p == '#' || *p == ';' || strncmp(p, key, kl) != 0 || !strchr("= \t", p[kl])) {
                        p += strcspn(p, "\n");
                        continue;
                }
                p += kl;
                p += strspn(p, " \t");
                if (*p != '=') {  /* "ID x": no assignment */
                        p += strcspn(p, "\n");
                        continue;
                }
                p++;
                Buf b = {0};
                int r = env_value(&p, &b);
                if (r < 0) { buf_free(&b); free(found); return r; }
                free(found);
                if (!(found = buf_steal(&b))) return -ENOMEM;
        }
        *ret = found;
        return 0;
}

/* os-release(5): /etc/os-release, else /usr/lib/os-release; a missing field is "", a missing
 * file an error (as systemd's parse_os_release()). */
static int os_release_field(const char *root, const char *key, char **ret) {
        _cleanup_free_ char *data = NULL;
        int r = read_root_file(root, "/etc/os-release", &data);
        if (r == -ENOENT) r = read_root_file(root, "/usr/lib/os-release", &data);
        if (r < 0) return r;
        if ((r = env_lookup(data, key, ret)) < 0) return r;
        return *ret ? 0 : dup_to("", ret);
}

/* 32 hex digits, optionally in UUID form with dashes, as lower-case 32 hex digits. */
static int format_id128(const char *text, char **ret) {
        char id[33];
        size_t n = 0;
        for (const char *c = text; *c && !strchr("\r\n", *c); c++) {
                if (*c == '-') continue;
                if (n == 32 || !strchr("0123456789abcdefABCDEF", *c)) return -EINVAL;
                id[n++] = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
        }
        if (n != 32) return -EINVAL;
        id[32] = 0;
        return dup_to(id, ret);
}

/* machine-id(5) as base/machine-id.h reads it; no ID yet is -ENOMEDIUM, as in systemd. */
static int machine_id(const char *root, char **ret) {
        char id[33];
        int r = machine_id_read(root, id);
        return r < 0 ? r : dup_to(id, ret);
}

static int boot_id(char **ret) {
        _cleanup_free_ char *data = NULL;
        int r = read_file_bounded(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &data, NULL);
        return r < 0 ? r : format_id128(data, ret);
}

/* Like systemd, an unset hostname ("" or "(none)") reads as "localhost". */
static int host_name(bool short_name, char **ret) {
        struct utsname u;
        if (uname(&u) < 0) return -errno;
        const char *h = isempty(u.nodename) || streq(u.nodename, "(none)") ? "localhost" : u.nodename;
        if (!short_name) return dup_to(h, ret);
        return (*ret = strndup(h, strcspn(h, "."))) ? 0 : -ENOMEM;
}

/* machine-info(5) PRETTY_HOSTNAME, else the short hostname. Read below root, like os-release. */
static int pretty_host_name(const char *root, char **ret) {
        _cleanup_free_ char *data = NULL, *v = NULL;
        if (read_root_file(root, "/etc/machine-info", &data) >= 0) {
                int r = env_lookup(data, "PRETTY_HOSTNAME", &v);
                if (r < 0) return r;
                if (!isempty(v)) return (*ret = TAKE_PTR(v)), 0;
        }
        return host_name(true, ret);
}

static const struct {
        const char *machine, *arch;
} arch_table[] = {
        { "x86_64", "x86-64" }, { "i386", "x86" }, { "i486", "x86" }, { "i586", "x86" }, { "i686", "x86" },
        { "aarch64", "arm64" }, { "aarch64_be", "arm64-be" }, { "armeb", "arm-be" }, { "arm", "arm" },
        { "ppc64le", "ppc64-le" }, { "ppc64", "ppc64" }, { "ppcle", "ppc-le" }, { "ppc", "ppc" },
        { "s390x", "s390x" }, { "s390", "s390" }, { "sparc64", "sparc64" }, { "sparc", "sparc" },
        { "alpha", "alpha" }, { "ia64", "ia64" }, { "parisc64", "parisc64" }, { "parisc", "parisc" },
        { "sh64", "sh64" }, { "sh5", "sh64" }, { "sh", "sh" }, { "sh4", "sh" }, { "sh4a", "sh" },
        { "m68k", "m68k" }, { "tilegx", "tilegx" }, { "crisv32", "cris" }, { "nios2", "nios2" },
        { "riscv32", "riscv32" }, { "riscv64", "riscv64" }, { "loongarch64", "loongarch64" },
        { "arc", "arc" }, { "arceb", "arc-be" },
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        { "mips64", "mips64-le" }, { "mips", "mips-le" },
#else
        { "mips64", "mips64" }, { "mips", "mips" },
#endif
};

/* systemd's architecture names (ConditionArchitecture= in systemd.unit(5)) for uname -m. */
static int architecture(char **ret) {
        struct utsname u;
        if (uname(&u) < 0) return -errno;
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                if (streq(u.machine, arch_table[i].machine)) return dup_to(arch_table[i].arch, ret);
        if (startswith(u.machine, "armv")) return dup_to(endswith(u.machine, "b") ? "arm-be" : "arm", ret);
        return dup_to(u.machine, ret);
}

static int kernel_release(char **ret) {
        struct utsname u;
        if (uname(&u) < 0) return -errno;
        return dup_to(u.release, ret);
}

/* $TMPDIR, $TEMP, $TMP (the first set one must be an absolute existing directory without ".."),
 * else the default; with a root directory the environment is ignored (systemd's tmp_dir()). */
static int tmp_dir(const char *root, const char *def, char **ret) {
        static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };
        for (size_t i = 0; !root && i < ELEMENTSOF(vars); i++) {
                const char *e = getenv(vars[i]);
                if (!e) continue;
                struct stat st;
                if (e[0] != '/' || strstr(e, "/..") || stat(e, &st) < 0 || !S_ISDIR(st.st_mode)) continue;
                return dup_to(e, ret);
        }
        return dup_to(def, ret);
}

/* %y: the fragment with symlinks resolved (systemd.unit(5): "for linked unit files, the real
 * path"). A fragment path inside root (as the loader stores it) is resolved within root and keeps
 * the root prefix; one given relative to root is reported relative to root. */
static int real_fragment_path(const SpecifierUnit *u, char **ret) {
        if (!u->fragment_path) return -ENOENT;
        const char *root = isempty(u->root) || streq(u->root, "/") ? NULL : u->root;
        const char *rest = root ? startswith(u->fragment_path, root) : NULL;
        if (rest && *rest != '/') rest = NULL;
        _cleanup_free_ char *p = NULL;
        int r = chase_in_root(root, rest ? rest : u->fragment_path, &p);
        if (r < 0) return r;
        if (!rest) return (*ret = TAKE_PTR(p)), 0;
        return (*ret = strjoin(root, p)) ? 0 : -ENOMEM;
}

/* Takes ownership of path (always absolute here, from realpath()). */
static int directory_of(char *path, char **ret) {
        char *slash = strrchr(path, '/');
        if (!slash) {
                free(path);
                return -EADDRNOTAVAIL;
        }
        if (slash == path) slash++;
        *slash = 0;
        *ret = path;
        return 0;
}

/* The last dash-separated component of the prefix (%j), or the whole prefix without a dash. */
static int last_component(const char *id, char **ret) {
        _cleanup_free_ char *prefix = NULL;
        int r = unit_name_to_prefix(id, &prefix);
        if (r < 0) return r;
        const char *dash = strrchr(prefix, '-');
        if (!dash) return (*ret = TAKE_PTR(prefix)), 0;
        return dup_to(dash + 1, ret);
}

/* Unescapes the string a resolver produced (for %P %J). */
static int then_unescape(int r, char **s) {
        if (r < 0) return r;
        _cleanup_free_ char *raw = *s;
        *s = NULL;
        return unit_name_unescape(raw, s);
}

/* Specifiers derived from the unit name. A SpecifierUnit without id expands them to "". */
static int name_specifier(const SpecifierUnit *u, char c, char **ret) {
        if (!u->id) return 0;
        _cleanup_free_ char *inst = NULL;
        int r = unit_name_to_instance(u->id, &inst);
        if (r < 0) return r;
        switch (c) {
        case 'n': return dup_to(u->id, ret);
        case 'N': return unit_name_to_prefix_and_instance(u->id, ret);
        case 'p': return unit_name_to_prefix(u->id, ret);
        case 'P': return then_unescape(unit_name_to_prefix(u->id, ret), ret);
        case 'i': return (*ret = TAKE_PTR(inst)), 0;
        case 'I': return unit_name_unescape(strempty(inst), ret);
        case 'j': return last_component(u->id, ret);
        case 'J': return then_unescape(last_component(u->id, ret), ret);
        /* %f: "/" + the instance unescaped as a path, else the prefix unescaped as a path; both
         * refuse what could not have come from a normalized path (e.g. "a--b"). */
        case 'f': return isempty(inst) ? unit_name_to_path(u->id, ret) : unit_name_path_unescape(inst, ret);
        case 'd': return (*ret = strjoin("/run/credentials/", u->id)) ? 0 : -ENOMEM;
        }
        return -EBADSLT;
}

/* Fixed values of the system manager (systemd.unit(5): "In case of the system manager..."). */
static const char *fixed_specifier(char c) {
        switch (c) {
        case 'C': return "/var/cache";
        case 'E': return "/etc";
        case 'L': return "/var/log";
        case 'S': return "/var/lib";
        case 't': return "/run";
        case 'g': case 'u': return "root";
        case 'G': case 'U': return "0";
        case 'h': return "/root";
        case 's': return "/bin/sh";
        }
        return NULL;
}

static int resolve(const SpecifierUnit *u, char c, char **ret) {
        const char *fixed = fixed_specifier(c), *root = u->root;
        if (fixed) return dup_to(fixed, ret);
        switch (c) {
        case 'a': return architecture(ret);
        case 'A': return os_release_field(root, "IMAGE_VERSION", ret);
        case 'b': return boot_id(ret);
        case 'B': return os_release_field(root, "BUILD_ID", ret);
        case 'H': return host_name(false, ret);
        case 'l': return host_name(true, ret);
        case 'q': return pretty_host_name(root, ret);
        case 'm': return machine_id(root, ret);
        case 'M': return os_release_field(root, "IMAGE_ID", ret);
        case 'o': return os_release_field(root, "ID", ret);
        case 'w': return os_release_field(root, "VERSION_ID", ret);
        case 'W': return os_release_field(root, "VARIANT_ID", ret);
        case 'v': return kernel_release(ret);
        case 'T': return tmp_dir(root, "/tmp", ret);
        case 'V': return tmp_dir(root, "/var/tmp", ret);
        case 'y': return real_fragment_path(u, ret);
        case 'Y': {
                _cleanup_free_ char *p = NULL;
                int r = real_fragment_path(u, &p);
                return r < 0 ? r : directory_of(TAKE_PTR(p), ret);
        }
        }
        return name_specifier(u, c, ret);
}

/* What each specifier resolved to in one expansion: most read a file (os-release, machine-id,
 * /proc), so "%o" repeated 500,000 times is resolved once, not 500,000 times. */
typedef struct Resolved {
        size_t n;
        struct { char c; char *value; } v[sizeof full_chars];   /* nothing to clear up front */
} Resolved;

static void resolved_done(Resolved *c) {
        for (size_t i = 0; i < c->n; i++) free(c->v[i].value);
}

static int resolve_cached(const SpecifierUnit *u, Resolved *c, char ch, const char **ret) {
        size_t i = 0;
        while (i < c->n && c->v[i].c != ch) i++;
        if (i == c->n) {   /* ch is one of full_chars: there is room */
                char *v = NULL;
                int r = resolve(u, ch, &v);
                if (r < 0) return r;
                c->v[c->n++] = (typeof(c->v[0])){ ch, v };
        }
        *ret = c->v[i].value;
        return 0;
}

/* systemd's specifier_printf(): "%%" is "%", "%" before a letter or digit not in the set is an
 * error (-EBADSLT), "%" before anything else and a trailing "%" stay literal. The result may not
 * grow beyond max_len (-ENAMETOOLONG), checked as it grows. */
static int expand(const SpecifierUnit *u, const char *known, const char *text, size_t max_len, Buf *b) {
        _cleanup_(resolved_done) Resolved cache;
        cache.n = 0;
        int r = 0;
        for (const char *f = text; *f && r >= 0; f++) {
                if (*f != '%' || !f[1]) {
                        r = buf_putc(b, *f);
                } else if (*++f == '%') {
                        r = buf_putc(b, '%');
                } else if (strchr(known, *f)) {
                        const char *w = NULL;
                        r = resolve_cached(u, &cache, *f, &w);
                        if (r >= 0 && w) r = buf_puts(b, w);
                } else if (strchr(DIGITS LETTERS, *f)) {
                        r = -EBADSLT;
                } else
                        r = buf_put(b, f - 1, 2);
                if (r >= 0 && b->len > max_len) r = -ENAMETOOLONG;
        }
        return r;
}

int specifier_expand(const SpecifierUnit *u, SpecifierSet set, const char *text, size_t max_len, char **ret) {
        static const SpecifierUnit none = {0};
        size_t bound = set == SPECIFIERS_NAME ? UNIT_NAME_MAX : SPECIFIER_RESULT_MAX;
        Buf b = {0};
        int r = expand(u ? u : &none, set == SPECIFIERS_NAME ? name_chars : full_chars, text,
                       max_len > 0 && max_len < bound ? max_len : bound, &b);
        if (r < 0) {
                buf_free(&b);
                return r;
        }
        return (*ret = buf_steal(&b)) ? 0 : -ENOMEM;
}
