/* SPDX-License-Identifier: MIT */
/* Copies of journal entries for syslog, the kernel log, a console and logged-in terminals, as
 * journald makes them, never blocking. See journal-relay.h. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include "base/time-util.h"
#include "core/event.h"
#include "base/util.h"
#include "journal/journal-relay.h"

/* systemd's catalog id of "Forwarding to syslog missed N messages." */
#define MESSAGE_ID_FORWARD_SYSLOG_MISSED "0027229ca0644181a76c4e92458afa2e"
#define SYSLOG_MISSED_INTERVAL (30 * USEC_PER_SEC)   /* journald's WARN_FORWARD_SYSLOG_MISSED_USEC */
#define UTMP_MAX (1024U * 1024U)

/* glibc's struct utmp on 64-bit Linux (also what musl's utmp functions would need, which are
 * stubs): read by offset so that both builds see the same records */
#define UTMP_RECORD 384U
#define UTMP_TYPE 0U
#define UTMP_LINE 8U
#define UTMP_LINE_SIZE 32U
#define UTMP_USER 44U
#define UTMP_USER_PROCESS 7

struct JournalRelay {
        JournaldConfig config;
        journal_relay_say_fn say;
        void *userdata;
        /* syslog */
        int syslog_fd;
        struct sockaddr_un syslog_addr;
        socklen_t syslog_addr_len;     /* 0: no socket directory */
        bool syslog_absent;            /* nobody listened this loop iteration */
        bool foreign_pid_refused;      /* no CAP_SYS_ADMIN: senders' pids cannot be passed */
        bool foreign_ids_refused;      /* no CAP_SETUID/SETGID: nor their uid/gid */
        unsigned syslog_missed;
        usec_t syslog_missed_said;
        time_t header_sec;             /* the "Mmm dd hh:mm:ss " cached for this second */
        char header_time[32];
        /* the others */
        int kmsg_fd;
        bool kmsg_failed, console_failed, wall_failed;
        bool console_checked;          /* TTYPath= is not PID 1's own stdout */
        bool printk_time;              /* console lines get a monotonic timestamp, as the kernel's */
        char kmsg_path[64], utmp_path[64], dev_dir[64];
        pid_t self;
};

int journal_relay_new(const JournaldConfig *c, journal_relay_say_fn say, void *userdata, JournalRelay **ret) {
        JournalRelay *r = calloc(1, sizeof *r);
        if (!r) return -ENOMEM;
        r->config = *c;
        r->say = say;
        r->userdata = userdata;
        r->syslog_fd = r->kmsg_fd = -1;
        r->self = getpid();
        r->header_sec = -1;
        strcpy(r->kmsg_path, "/dev/kmsg");
        strcpy(r->utmp_path, "/run/utmp");
        strcpy(r->dev_dir, "/dev");
        _cleanup_free_ char *t = NULL;
        if (read_file_bounded(AT_FDCWD, "/sys/module/printk/parameters/time", 16, &t, NULL) >= 0)
                r->printk_time = parse_boolean(strstrip(t)) > 0;
        *ret = r;
        return 0;
}

int journal_relay_set_dir(JournalRelay *r, const char *dir) {
        r->syslog_addr_len = 0;
        if (!dir) return 0;
        r->syslog_addr.sun_family = AF_UNIX;
        int n = snprintf(r->syslog_addr.sun_path, sizeof r->syslog_addr.sun_path, "%s/syslog", dir);
        if (n < 0 || (size_t)n >= sizeof r->syslog_addr.sun_path) return -ENAMETOOLONG;
        r->syslog_addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
        return 0;
}

void journal_relay_set_paths(JournalRelay *r, const char *kmsg, const char *utmp, const char *dev) {
        if (kmsg) snprintf(r->kmsg_path, sizeof r->kmsg_path, "%s", kmsg);
        if (utmp) snprintf(r->utmp_path, sizeof r->utmp_path, "%s", utmp);
        if (dev) snprintf(r->dev_dir, sizeof r->dev_dir, "%s", dev);
}

static void say(JournalRelay *r, int priority, const char *message_id, const char *fmt, ...) _printf_(4, 5);
static void say(JournalRelay *r, int priority, const char *message_id, const char *fmt, ...) {
        char text[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        if (r->say) r->say(priority, message_id, text, r->userdata);
}

/* ---- syslog ---- */

static const char *header_time(JournalRelay *r, usec_t realtime) {
        time_t t = (time_t)((realtime ? realtime : now_usec(CLOCK_REALTIME)) / USEC_PER_SEC);
        if (t != r->header_sec) {
                struct tm tm;
                if (!localtime_r(&t, &tm) || strftime(r->header_time, sizeof r->header_time, "%h %e %T ", &tm) == 0)
                        return NULL;
                r->header_sec = t;
        }
        return r->header_time;
}

/* sendmsg() with the sender's credentials, or as much of them as PID 1 may pass (journald retries
 * with its own pid; without CAP_SETUID a foreign uid cannot be passed either: then none). */
static void syslog_send(JournalRelay *r, struct iovec *iov, size_t n_iov, const JournalCreds *creds) {
        if (r->syslog_addr_len == 0 || r->syslog_absent) return;
        if (r->syslog_fd < 0 && (r->syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) return;
        union {
                struct cmsghdr h;
                uint8_t raw[CMSG_SPACE(sizeof(struct ucred))];
        } control = {};
        struct msghdr mh = {
                .msg_name = &r->syslog_addr, .msg_namelen = r->syslog_addr_len, .msg_iov = iov, .msg_iovlen = n_iov,
        };
        struct ucred u = {};
        bool pass = creds && creds->pid > 0;
        if (pass) {
                u = (struct ucred) { .pid = creds->pid, .uid = creds->uid, .gid = creds->gid };
                if (r->foreign_pid_refused) u.pid = r->self;
                if (r->foreign_ids_refused && (u.uid != geteuid() || u.gid != getegid())) pass = false;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
                if (pass) {
                        mh.msg_control = &control;
                        mh.msg_controllen = sizeof control;
                        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                        *c = (struct cmsghdr) { .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_CREDENTIALS,
                                                .cmsg_len = CMSG_LEN(sizeof u) };
                        memcpy(CMSG_DATA(c), &u, sizeof u);
                } else {
                        mh.msg_control = NULL;
                        mh.msg_controllen = 0;
                }
                if (sendmsg(r->syslog_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) return;
                if (errno == EAGAIN) {
                        /* the syslog daemon is too slow: journald does not wait for it either */
                        r->syslog_missed++;
                        return;
                }
                if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTDIR) {
                        r->syslog_absent = true;
                        return;
                }
                if (!pass || (errno != EPERM && errno != ESRCH)) return;
                if (u.pid != r->self) {
                        if (errno == EPERM) r->foreign_pid_refused = true;
                        u.pid = r->self;
                } else {
                        r->foreign_ids_refused = true;
                        pass = false;
                }
        }
}

static const char *identifier_of(const JournalRelayMessage *m) {
        if (m->identifier) return m->identifier;
        return m->creds && m->creds->pid > 0 ? m->creds->comm : NULL;
}

static size_t c_string_len(const char *s, size_t n) {
        const char *nul = memchr(s, 0, n);
        return nul ? (size_t)(nul - s) : n;
}

/* "IDENT[PID]: " or "IDENT: " into iov; returns the iovecs used */
static size_t ident_header(const JournalRelayMessage *m, char pid_buf[static 32], struct iovec *iov) {
        const char *ident = identifier_of(m);
        size_t n = 0;
        if (m->creds && m->creds->pid > 0) {
                if (ident) iov[n++] = (struct iovec) { (char *)ident, strlen(ident) };
                iov[n++] = (struct iovec) { pid_buf, (size_t)snprintf(pid_buf, 32, "[%d]: ", (int)m->creds->pid) };
        } else if (ident) {
                iov[n++] = (struct iovec) { (char *)ident, strlen(ident) };
                iov[n++] = (struct iovec) { (char *)": ", 2 };
        }
        return n;
}

static int fixup_facility(int priority) {
        return (priority & LOG_FACMASK) ? priority : (priority & LOG_PRIMASK) | LOG_USER;
}

static void to_syslog(JournalRelay *r, const JournalRelayMessage *m) {
        /* nobody listens (checked again next loop iteration): not even the header is made */
        if ((m->priority & LOG_PRIMASK) > r->config.max_level_syslog || r->syslog_addr_len == 0 || r->syslog_absent) return;
        if (m->raw) {
                struct iovec iov = { (char *)m->raw, m->raw_len };
                syslog_send(r, &iov, 1, m->creds);
                return;
        }
        char prio[16], pid_buf[32];
        const char *t = header_time(r, m->realtime);
        if (!t) return;
        struct iovec iov[5];
        size_t n = 0;
        iov[n++] = (struct iovec) { prio, (size_t)snprintf(prio, sizeof prio, "<%d>", fixup_facility(m->priority)) };
        iov[n++] = (struct iovec) { (char *)t, strlen(t) };
        n += ident_header(m, pid_buf, iov + n);
        iov[n++] = (struct iovec) { (char *)m->message, c_string_len(m->message, m->message_len) };
        syslog_send(r, iov, n, m->creds);
}

/* ---- kmsg, console, wall ---- */

static void to_kmsg(JournalRelay *r, const JournalRelayMessage *m) {
        if ((m->priority & LOG_PRIMASK) > r->config.max_level_kmsg || r->kmsg_failed) return;
        if (r->kmsg_fd < 0 && (r->kmsg_fd = open(r->kmsg_path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0) {
                r->kmsg_failed = true;
                say(r, LOG_NOTICE, NULL, "ForwardToKMsg=yes: cannot open %s (%s), not forwarding to the kernel log.",
                    r->kmsg_path, strerror(errno));
                return;
        }
        char prio[16], pid_buf[32];
        struct iovec iov[5];
        size_t n = 0;
        /* never the kernel's facility, whoever sent it */
        iov[n++] = (struct iovec) { prio, (size_t)snprintf(prio, sizeof prio, "<%d>", fixup_facility(m->priority)) };
        n += ident_header(m, pid_buf, iov + n);
        iov[n++] = (struct iovec) { (char *)m->message, c_string_len(m->message, m->message_len) };
        iov[n++] = (struct iovec) { (char *)"\n", 1 };
        (void)writev(r->kmsg_fd, iov, (int)n);
}

static void to_console(JournalRelay *r, const JournalRelayMessage *m) {
        if ((m->priority & LOG_PRIMASK) > r->config.max_level_console || r->console_failed) return;
        /* opened per line, as journald does (a hangup on the console is then nothing to recover from) */
        _cleanup_close_ int fd = open(r->config.tty_path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_APPEND);
        if (fd < 0) {
                r->console_failed = true;
                say(r, LOG_NOTICE, NULL, "ForwardToConsole=yes: cannot open %s (%s), not forwarding there; "
                    "every entry is on the container's stdout already.", r->config.tty_path, strerror(errno));
                return;
        }
        /* `docker run -t`: the console is the terminal PID 1's stdout is on; every line is there already */
        struct stat a, b;
        if (!r->console_checked && fstat(fd, &a) >= 0 && fstat(STDOUT_FILENO, &b) >= 0 && S_ISCHR(a.st_mode) &&
            S_ISCHR(b.st_mode) && a.st_rdev == b.st_rdev) {
                r->console_failed = true;
                say(r, LOG_NOTICE, NULL, "ForwardToConsole=yes: %s is the container's stdout, where every entry is "
                    "forwarded already; not writing it twice.", r->config.tty_path);
                return;
        }
        r->console_checked = true;
        char ts[64], pid_buf[32];
        struct iovec iov[5];
        size_t n = 0;
        if (r->printk_time) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                iov[n++] = (struct iovec) { ts, (size_t)snprintf(ts, sizeof ts, "[%5llu.%06llu] ",
                                                                 (unsigned long long)(now / USEC_PER_SEC),
                                                                 (unsigned long long)(now % USEC_PER_SEC)) };
        }
        n += ident_header(m, pid_buf, iov + n);
        iov[n++] = (struct iovec) { (char *)m->message, c_string_len(m->message, m->message_len) };
        iov[n++] = (struct iovec) { (char *)"\n", 1 };
        (void)writev(fd, iov, (int)n);
}

static void wall_write(const char *dev_dir, const char *line, size_t line_len, const char *text, size_t len) {
        char path[128];
        if (line_len > 5 && memcmp(line, "/dev/", 5) == 0) snprintf(path, sizeof path, "%.*s", (int)line_len, line);
        else snprintf(path, sizeof path, "%s/%.*s", dev_dir, (int)line_len, line);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || !isatty(fd)) return;
        (void)write(fd, text, len);   /* one non-blocking try: a terminal that does not take it misses it */
}

static void to_wall(JournalRelay *r, const JournalRelayMessage *m) {
        if ((m->priority & LOG_PRIMASK) > r->config.max_level_wall || r->wall_failed) return;
        _cleanup_free_ char *utmp = NULL;
        size_t size = 0;
        if (read_file_bounded(AT_FDCWD, r->utmp_path, UTMP_MAX, &utmp, &size) < 0) {
                r->wall_failed = true;
                say(r, LOG_NOTICE, NULL, "ForwardToWall=yes: no login records in %s (%s), not sending to terminals.",
                    r->utmp_path, strerror(errno));
                return;
        }
        char host[256] = "", when[64], pid_buf[32] = "";
        (void)gethostname(host, sizeof host - 1);
        const char *ident = identifier_of(m);
        if (m->creds && m->creds->pid > 0) snprintf(pid_buf, sizeof pid_buf, "[%d]", (int)m->creds->pid);
        _cleanup_free_ char *text = NULL;
        int len = asprintf(&text, "\r\nBroadcast message from systemd-journald@%s (%s):\r\n\r\n%s%s%s%.*s\r\n\r\n", host,
                           format_timestamp(when, sizeof when, now_usec(CLOCK_REALTIME)), strempty(ident), pid_buf,
                           ident || pid_buf[0] ? ": " : "", (int)c_string_len(m->message, m->message_len), m->message);
        if (len < 0) return;
        for (size_t off = 0; off + UTMP_RECORD <= size; off += UTMP_RECORD) {
                const char *rec = utmp + off;
                short type;
                memcpy(&type, rec + UTMP_TYPE, sizeof type);
                if (type != UTMP_USER_PROCESS || rec[UTMP_USER] == 0) continue;
                wall_write(r->dev_dir, rec + UTMP_LINE, strnlen(rec + UTMP_LINE, UTMP_LINE_SIZE), text, (size_t)len);
        }
}

bool journal_relay_wanted(const JournalRelay *r, int priority, unsigned flags) {
        const JournaldConfig *c = &r->config;
        int level = priority & LOG_PRIMASK;
        return ((c->forward_to_syslog || (flags & JOURNAL_RELAY_SYSLOG)) && level <= c->max_level_syslog &&
                r->syslog_addr_len > 0 && !r->syslog_absent) ||
               ((c->forward_to_kmsg || (flags & JOURNAL_RELAY_KMSG)) && level <= c->max_level_kmsg && !r->kmsg_failed) ||
               ((c->forward_to_console || (flags & JOURNAL_RELAY_CONSOLE)) && level <= c->max_level_console &&
                !r->console_failed) ||
               (c->forward_to_wall && level <= c->max_level_wall && !r->wall_failed);
}

void journal_relay_message(JournalRelay *r, const JournalRelayMessage *m) {
        if (!r || !m->message) return;
        if (r->config.forward_to_syslog || (m->flags & JOURNAL_RELAY_SYSLOG)) to_syslog(r, m);
        if (r->config.forward_to_kmsg || (m->flags & JOURNAL_RELAY_KMSG)) to_kmsg(r, m);
        if (r->config.forward_to_console || (m->flags & JOURNAL_RELAY_CONSOLE)) to_console(r, m);
        if (r->config.forward_to_wall) to_wall(r, m);
}

void journal_relay_tick(JournalRelay *r) {
        if (!r) return;
        r->syslog_absent = false;
        if (r->syslog_missed == 0) return;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        if (r->syslog_missed_said && now - r->syslog_missed_said < SYSLOG_MISSED_INTERVAL) return;
        unsigned n = r->syslog_missed;
        r->syslog_missed = 0;
        r->syslog_missed_said = now;
        say(r, LOG_WARNING, MESSAGE_ID_FORWARD_SYSLOG_MISSED, "Forwarding to syslog missed %u messages.", n);
}

unsigned journal_relay_syslog_missed(const JournalRelay *r) {
        return r ? r->syslog_missed : 0;
}

JournalRelay *journal_relay_free(JournalRelay *r) {
        if (!r) return NULL;
        if (r->syslog_fd >= 0) close(r->syslog_fd);
        if (r->kmsg_fd >= 0) close(r->kmsg_fd);
        free(r);
        return NULL;
}
