/* SPDX-License-Identifier: MIT */
/* [Socket] parsing, defaults, verification and `systemctl show` properties. Expected values and
 * messages were taken from systemd 252 (systemd-analyze verify, and the unit dump of
 * `systemd --test`) on the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "show-capture.h"
#include "base/strv.h"
#include "log-capture.h"
#include "unit/load.h"
#include "unit/unit.h"

#define CORPUS "/work/shared/corpus/debian-bookworm/"

static Unit *load(const char *name, const char *text, int *ret) {
        Unit *u = unit_new(name);
        assert_non_null(u);
        int r = unit_load_from_buffer(u, name, text, strlen(text));
        if (ret) *ret = r;
        return u;
}

static Unit *load_ok(const char *name, const char *text) {
        int r;
        Unit *u = load(name, text, &r);
        assert_int_equal(r, 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static char *read_corpus(const char *rel) {
        char path[512];
        snprintf(path, sizeof path, CORPUS "%s", rel);
        char *data = NULL;
        size_t n;
        if (read_file_bounded(AT_FDCWD, path, 1 << 20, &data, &n) < 0) return NULL;
        return data;
}

static char *show(Unit *u) { return show_all(u); }

static char *port_string(const SocketPort *p) {
        char *s = NULL;
        if (p->type != SOCKET_PORT_SOCKET) return strdup(p->path);
        assert_int_equal(socket_address_format(&p->address, &s), 0);
        return s;
}

/* ssh.socket (openssh-server): ListenStream=22 is a bare port on [::] and the socket triggers
 * ssh.service (systemd.socket(5): Service= defaults to the socket's name). */
static void test_corpus_ssh_socket(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("openssh-server/lib/systemd/system/ssh.socket");
        if (!text) skip();
        Unit *u = load_ok("ssh.socket", text);
        SocketConfig *c = u->socket;
        assert_int_equal(c->n_ports, 1);
        assert_int_equal(c->ports[0].address.type, SOCK_STREAM);
        assert_int_equal(c->ports[0].address.port, 22);
        bool v6 = access("/proc/net/if_inet6", F_OK) == 0;
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, v6 ? "\nListen=[::]:22 (Stream)\n" : "\nListen=0.0.0.0:22 (Stream)\n"));
        assert_false(c->accept);
        assert_string_equal(c->service, "ssh.service");
        assert_true(unit_has_dependency(u, UNIT_TRIGGERS, "ssh.service"));
        /* systemd 252 socket_init()/socket_load() defaults, as `systemctl show ssh.socket` prints them */
        assert_non_null(strstr(s, "BindIPv6Only=default\nBacklog=2147483647\nTimeoutUSec=1min 30s\n"));
        assert_non_null(strstr(s, "SocketMode=0666\nDirectoryMode=0755\nAccept=no\nFlushPending=no\nWritable=no\n"));
        assert_non_null(strstr(s, "\nPriority=-1\n"));
        assert_non_null(strstr(s, "\nIPTOS=-1\nIPTTL=-1\n"));
        assert_non_null(strstr(s, "\nTimestamping=off\n"));
        assert_non_null(strstr(s, "\nMark=-1\nMaxConnections=64\nMaxConnectionsPerSource=0\n"));
        assert_non_null(strstr(s, "\nFileDescriptorName=ssh.socket\nSocketProtocol=0\n"));
        assert_non_null(strstr(s, "\nTriggerLimitIntervalUSec=2s\nTriggerLimitBurst=20\n"));
        unit_free(u);
}

/* systemd-journald-dev-log.socket: datagram socket, Symlinks=, Timestamping=us, 8M buffers. */
static void test_corpus_journald_dev_log(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("systemd/lib/systemd/system/systemd-journald-dev-log.socket");
        if (!text) skip();
        Unit *u = load_ok("systemd-journald-dev-log.socket", text);
        SocketConfig *c = u->socket;
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nListen=/run/systemd/journal/dev-log (Datagram)\nSymlinks=/dev/log\n"));
        assert_int_equal(c->receive_buffer, 8 * 1024 * 1024);
        assert_non_null(strstr(s, "\nReceiveBuffer=8388608\nSendBuffer=8388608\n"));
        assert_non_null(strstr(s, "\nPassCredentials=yes\nPassSecurity=yes\nPassPacketInfo=no\nTimestamping=us\n"));
        assert_string_equal(c->service, "systemd-journald.service");
        assert_true(c->service_explicit);
        unit_free(u);
}

/* systemd-journald-audit.socket: ListenNetlink=audit 1 */
static void test_corpus_netlink(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("systemd/lib/systemd/system/systemd-journald-audit.socket");
        if (!text) skip();
        Unit *u = load_ok("systemd-journald-audit.socket", text);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nListen=audit 1 (Netlink)\n"));
        unit_free(u);
}

/* Address forms of systemd.socket(5) and how systemd 252 prints them back (unit dump). */
static void test_address_forms(void **state) {
        (void)state;
        static const struct { const char *key, *in, *out; } cases[] = {
                { "ListenStream", "1.2.3.4:80", "1.2.3.4:80" },
                { "ListenStream", "[::1]:99", "[::1]:99" },
                { "ListenStream", "[::ffff:1.2.3.4]:22", "[::ffff:1.2.3.4]:22" },
                { "ListenStream", "@abs", "@abs" },
                { "ListenStream", "@/org/kernel/linux/storage/multipathd", "@/org/kernel/linux/storage/multipathd" },
                { "ListenStream", "/run/foo.sock", "/run/foo.sock" },
                { "ListenStream", "/tmp/x\\ny", "/tmp/x\\\\ny" },   /* printed C-escaped */
                { "ListenDatagram", "vsock:2:1234", "vsock:2:1234" },
                { "ListenStream", "vsock::22", "vsock::22" },
                { "ListenStream", "vsock:4294967295:22", "vsock::22" },
                { "ListenStream", "vsock:0x2:0x16", "vsock:2:22" },
                { "ListenStream", "1.2.3.4:0x50", "1.2.3.4:80" },  /* numbers in any base, as safe_atou16 */
                { "ListenStream", "1.2.3.4:010", "1.2.3.4:8" },
                { "ListenStream", "1.2.3.4:+80", "1.2.3.4:80" },
                { "ListenStream", "1.2.3.4:80%%lo", "1.2.3.4:80" },
                { "ListenStream", "[::1]:80%%lo", "[::1]:80%lo" },
                { "ListenNetlink", "audit 1", "audit 1" },
                { "ListenNetlink", "16", "generic 0" },
                { "ListenNetlink", "99", "99 0" },
                { "ListenNetlink", "route 4294967295", "route 4294967295" },
                { "ListenFIFO", "/run//fifo/", "/run/fifo" },
                { "ListenMessageQueue", "/mq//", "/mq" },
                { "ListenSpecial", "/dev/x", "/dev/x" },
                { "ListenUSBFunction", "/dev/usb", "/dev/usb" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = xasprintf("[Socket]\n%s=%s\n", cases[i].key, cases[i].in);
                Unit *u = load_ok("a.socket", text);
                assert_int_equal(u->socket->n_ports, 1);
                _cleanup_free_ char *s = port_string(&u->socket->ports[0]);
                if (!streq(s, cases[i].out)) fail_msg("%s=%s → %s, expected %s", cases[i].key, cases[i].in, s, cases[i].out);
                unit_free(u);
        }
}

/* Invalid addresses are ignored with systemd 252's warning (systemd-analyze verify). */
static void test_address_errors(void **state) {
        (void)state;
        static const struct { const char *in, *err; } cases[] = {
                { "99999", "Numerical result out of range" }, { "-22", "Numerical result out of range" },
                { "0", "Invalid argument" }, { "foo", "Invalid argument" }, { "1.2.3.4", "Invalid argument" },
                { "0.0.0.0:0", "Invalid argument" }, { "*:80", "Invalid argument" },
                { "localhost:80", "Invalid argument" }, { "@", "Invalid argument" },
                { "[::]:65536", "Numerical result out of range" }, { "[::]", "Invalid argument" },
                { "::1:80", "Invalid argument" }, { "[1.2.3.4]:80", "Invalid argument" },
                { "1.2.3.4:080", "Invalid argument" }, { "1.2.3.4:80%%", "Invalid argument" },
                { "vsock:2", "Invalid argument" }, { "vsock:x:22", "Invalid argument" },
                { "vsock:-1:22", "Numerical result out of range" }, { "vsock:2:", "Invalid argument" },
                { "[::1]:80%%nonexist0", "No such device" },
                { "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                  "File name too long" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = xasprintf("[Socket]\nListenStream=/run/ok\nListenStream=%s\n", cases[i].in);
                log_capture_start();
                Unit *u = load_ok("a.socket", text);
                assert_int_equal(u->socket->n_ports, 1);
                _cleanup_free_ char *in = strdup(cases[i].in);
                /* "%%" in the file is a literal '%' after specifier expansion */
                for (char *p = strstr(in, "%%"); p; p = strstr(p + 1, "%%")) memmove(p, p + 1, strlen(p));
                _cleanup_free_ char *want = xasprintf("a.socket:3: Failed to parse address value in '%s', ignoring: %s\n", in, cases[i].err);
                if (!strstr(log_captured(), want)) fail_msg("for %s got:\n%s", cases[i].in, log_captured());
                log_capture_stop();
                unit_free(u);
        }
}

/* Paths of the non-socket kinds must be absolute; SEQPACKET only exists for AF_UNIX; an empty
 * Listen*= drops every earlier one. */
static void test_listen_paths_and_reset(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("a.socket",
                          "[Socket]\nListenStream=/run/a\nListenFIFO=relative\nListenSpecial=x\n"
                          "ListenSequentialPacket=1.2.3.4:80\nListenMessageQueue=mq\nListenUSBFunction=usb\n"
                          "ListenSequentialPacket=/run/sp\n");
        const char *log = log_captured();
        assert_non_null(strstr(log, "a.socket:3: ListenFIFO= path is not absolute, ignoring: relative\n"));
        assert_non_null(strstr(log, "a.socket:4: ListenSpecial= path is not absolute, ignoring: x\n"));
        assert_non_null(strstr(log, "a.socket:5: Address family not supported, ignoring: 1.2.3.4:80\n"));
        assert_non_null(strstr(log, "a.socket:6: ListenMessageQueue= path is not absolute, ignoring: mq\n"));
        assert_non_null(strstr(log, "a.socket:7: ListenUSBFunction= path is not absolute, ignoring: usb\n"));
        assert_int_equal(u->socket->n_ports, 2);
        assert_int_equal(u->socket->ports[1].address.type, SOCK_SEQPACKET);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nListen=/run/a (Stream)\nListen=/run/sp (SequentialPacket)\n"));
        log_capture_stop();
        unit_free(u);

        u = load_ok("b.socket", "[Socket]\nListenStream=/run/a\nListenFIFO=/run/f\nListenDatagram=\nListenStream=/run/b\n");
        assert_int_equal(u->socket->n_ports, 1);
        assert_string_equal(u->socket->ports[0].address.path, "/run/b");
        unit_free(u);
}

/* uwsgi-app@.socket: file-system sockets and FIFOs below /var/run/ move to /run/ with a notice
 * (systemd 252's patch_var_run(); `systemctl show uwsgi-app@myapp.socket` lists /run/uwsgi/...). */
static void test_var_run(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("uwsgi-core/lib/systemd/system/uwsgi-app@.socket");
        if (!text) skip();
        log_capture_start();
        Unit *u = load_ok("uwsgi-app@myapp.socket", text);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nListen=/run/uwsgi/myapp.socket (Stream)\n"));
        assert_non_null(strstr(log_captured(), ": ListenStream= references a path below legacy directory /var/run/, "
                                               "updating /var/run/uwsgi/myapp.socket \u2192 /run/uwsgi/myapp.socket; "
                                               "please update the unit file accordingly.\n"));
        assert_string_equal(u->socket->user, "www-data");
        unit_free(u);
        /* FIFOs too; abstract names, special files and message queues are left alone */
        u = load_ok("vr.socket", "[Socket]\nListenFIFO=/var/run/x\nListenStream=@/var/run/z\nListenSpecial=/var/run/s\n");
        assert_string_equal(u->socket->ports[0].path, "/run/x");
        assert_string_equal(u->socket->ports[1].address.path, "@/var/run/z");
        assert_string_equal(u->socket->ports[2].path, "/var/run/s");
        log_capture_stop();
        unit_free(u);
}

/* Specific value parsers: accepted spellings and systemd 252's warnings. */
static void test_value_parsers(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("a.socket",
                          "[Socket]\nListenStream=/run/a\n"
                          "SocketProtocol=udplite\nSocketProtocol=tcp\n"          /* 3, 4 */
                          "BindIPv6Only=yes\nBindIPv6Only=maybe\n"                /* 5, 6 */
                          "Timestamping=µs\nTimestamping=\n"                       /* 7, 8 */
                          "IPTOS=low-delay\nIPTOS=256\n"                           /* 9, 10 */
                          "MessageQueueMaxMessages=x\nMessageQueueMessageSize=-3\n" /* 11, 12 */
                          "BindToDevice=bad/name\nFileDescriptorName=bad:name\n"   /* 13, 14 */
                          "Symlinks=relative /run/x\nTimeoutSec=0\nSocketMode=0600\n");
        const char *log = log_captured();
        SocketConfig *c = u->socket;
        assert_int_equal(c->socket_protocol, 136);
        assert_non_null(strstr(log, "a.socket:4: Failed to parse socket protocol, ignoring: tcp\n"));
        assert_int_equal(c->bind_ipv6_only, SOCKET_ADDRESS_IPV6_ONLY);
        assert_non_null(strstr(log, "a.socket:6: Failed to parse bind IPv6 only value, ignoring: maybe\n"));
        assert_int_equal(c->timestamping, SOCKET_TIMESTAMPING_US);
        assert_non_null(strstr(log, "a.socket:8: Failed to parse timestamping precision, ignoring: \n"));
        assert_int_equal(c->ip_tos, 0x10);
        assert_non_null(strstr(log, "a.socket:10: Failed to parse IP TOS value, ignoring: 256\n"));
        assert_non_null(strstr(log, "a.socket:11: Failed to parse long value, ignoring: x\n"));
        assert_int_equal(c->mq_msgsize, -3);
        assert_null(c->bind_to_device);
        assert_non_null(strstr(log, "a.socket:13: Invalid interface name, ignoring: bad/name\n"));
        assert_null(c->fdname);
        assert_non_null(strstr(log, "a.socket:14: Invalid file descriptor name, ignoring: bad:name\n"));
        assert_non_null(strstr(log, "a.socket:15: Symlinks= path is not absolute, ignoring: relative\n"));
        assert_int_equal(strv_length(c->symlinks), 1);
        assert_true(c->timeout_usec == USEC_INFINITY);   /* TimeoutSec=0 means no timeout */
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "BindIPv6Only=ipv6-only\n"));
        assert_non_null(strstr(s, "\nTimeoutUSec=infinity\n"));
        assert_non_null(strstr(s, "\nSocketMode=0600\n"));
        assert_non_null(strstr(s, "\nIPTOS=16\n"));
        assert_non_null(strstr(s, "\nSocketProtocol=136\n"));
        log_capture_stop();
        unit_free(u);

        /* other spellings: "sctp"/132, Timestamping=yes is ns, BindIPv6Only=no is both */
        u = load_ok("b.socket", "[Socket]\nListenStream=/run/a\nSocketProtocol=132\nTimestamping=yes\nBindIPv6Only=no\n");
        assert_int_equal(u->socket->socket_protocol, 132);
        assert_int_equal(u->socket->timestamping, SOCKET_TIMESTAMPING_NS);
        assert_int_equal(u->socket->bind_ipv6_only, SOCKET_ADDRESS_BOTH);
        unit_free(u);
}

/* SocketUser=/SocketGroup= take relaxed names; an invalid one makes the unit bad-setting. */
static void test_user_group(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("a.socket", "[Socket]\nListenStream=/run/a\nSocketUser=0bad\nSocketGroup=4294967294\n");
        assert_string_equal(u->socket->user, "0bad");
        assert_string_equal(u->socket->group, "4294967294");
        assert_non_null(strstr(log_captured(), "Accepting user/group name '0bad', which does not match strict user/group name rules.\n"));
        unit_free(u);
        static const char *const bad[] = { "bad:grp", "65535", "..", "a/b" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *text = xasprintf("[Socket]\nListenStream=/run/a\nSocketGroup=%s\n", bad[i]);
                int r;
                u = load("a.socket", text, &r);
                assert_int_equal(r, -ENOEXEC);
                assert_int_equal(u->load_state, UNIT_BAD_SETTING);
                _cleanup_free_ char *want = xasprintf("a.socket:3: Invalid user/group name or numeric ID: %s\n", bad[i]);
                assert_non_null(strstr(log_captured(), want));
                unit_free(u);
        }
        log_capture_stop();
}

/* Service=: must name a loadable .service; invalid values are ignored (not fatal in 252). */
static void test_service(void **state) {
        (void)state;
        log_capture_start();
        Unit *u = load_ok("a.socket", "[Socket]\nListenStream=/run/a\nService=foo.target\nService=b@.service\nService=a b.service\n");
        const char *log = log_captured();
        assert_non_null(strstr(log, "a.socket:3: Unit must be of type service, ignoring: foo.target\n"));
        assert_non_null(strstr(log, "a.socket:4: Failed to load unit b@.service, ignoring: Unit name b@.service is missing the instance name.\n"));
        assert_non_null(strstr(log, "a.socket:5: Failed to load unit a b.service, ignoring: Unit name a b.service is not valid.\n"));
        assert_string_equal(u->socket->service, "a.service");  /* the default */
        assert_false(u->socket->service_explicit);
        log_capture_stop();
        unit_free(u);

        /* an instance socket: specifiers in Service= resolve against it */
        u = load_ok("j@x.socket", "[Socket]\nListenStream=/run/j.%i\nService=journald@%i.service\n");
        assert_string_equal(u->socket->service, "journald@x.service");
        assert_string_equal(u->socket->ports[0].address.path, "/run/j.x");
        unit_free(u);

        /* Accept=yes: no single service is triggered; trigger limit burst 200 */
        u = load_ok("p.socket", "[Socket]\nListenStream=21\nAccept=true\n");
        assert_null(u->socket->service);
        assert_int_equal(u->socket->trigger_limit_burst, 200);
        unit_free(u);
}

/* socket_verify(): what systemd 252 refuses, with its messages. */
static void test_verify(void **state) {
        (void)state;
        static const struct { const char *text, *msg; } cases[] = {
                { "[Socket]\nAccept=no\n",
                  "x.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.\n" },
                { "[Socket]\nListenStream=/run/a\nListenStream=/run/b\nListenStream=\n",
                  "x.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.\n" },
                { "[Socket]\nListenDatagram=/run/x\nAccept=yes\n",
                  "x.socket: Unit configured for accepting sockets, but sockets are non-accepting. Refusing.\n" },
                { "[Socket]\nListenStream=/run/x\nListenFIFO=/run/f\nAccept=yes\n",
                  "x.socket: Unit configured for accepting sockets, but sockets are non-accepting. Refusing.\n" },
                { "[Socket]\nListenStream=/run/x\nAccept=yes\nMaxConnections=0\n",
                  "x.socket: MaxConnection= setting too small. Refusing.\n" },
                { "[Socket]\nListenStream=/run/x\nAccept=yes\nService=a.service\n",
                  "x.socket: Explicit service configuration for accepting socket units not supported. Refusing.\n" },
                { "[Socket]\nListenStream=@x\nSymlinks=/run/y\n",
                  "x.socket: Unit has symlinks set but none or more than one node in the file system. Refusing.\n" },
                { "[Socket]\nListenStream=/run/x\nListenFIFO=/run/f\nSymlinks=/run/y\n",
                  "x.socket: Unit has symlinks set but none or more than one node in the file system. Refusing.\n" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                log_capture_start();
                int r;
                Unit *u = load("x.socket", cases[i].text, &r);
                assert_int_equal(r, -ENOEXEC);
                assert_int_equal(u->load_state, UNIT_BAD_SETTING);
                if (!strstr(log_captured(), cases[i].msg)) fail_msg("case %zu: got:\n%s", i, log_captured());
                log_capture_stop();
                unit_free(u);
        }
        /* one file-system node: Symlinks= is fine (systemd-initctl.socket) */
        Unit *u = load_ok("initctl.socket", "[Socket]\nListenFIFO=/run/initctl\nSymlinks=/dev/initctl\nSocketMode=0600\n");
        unit_free(u);
}

/* ExecStartPre= of sockets uses the common command-line parser (sssd-nss.socket). */
static void test_exec_commands(void **state) {
        (void)state;
        _cleanup_free_ char *text = read_corpus("sssd-common/lib/systemd/system/sssd-nss.socket");
        if (!text) skip();
        Unit *u = load_ok("sssd-nss.socket", text);
        ExecCommand *c = u->socket->exec_command[SOCKET_EXEC_START_PRE];
        assert_non_null(c);
        assert_string_equal(c->path, "/usr/libexec/sssd/sssd_check_socket_activated_responders");
        assert_int_equal(strv_length(c->argv), 3);
        assert_null(u->socket->exec_command[SOCKET_EXEC_STOP_POST]);
        _cleanup_free_ char *s = show(u);
        assert_non_null(strstr(s, "\nExecStartPre={ path=/usr/libexec/sssd/sssd_check_socket_activated_responders ;"));
        unit_free(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus_ssh_socket),
                cmocka_unit_test(test_corpus_journald_dev_log),
                cmocka_unit_test(test_corpus_netlink),
                cmocka_unit_test(test_address_forms),
                cmocka_unit_test(test_address_errors),
                cmocka_unit_test(test_listen_paths_and_reset),
                cmocka_unit_test(test_var_run),
                cmocka_unit_test(test_value_parsers),
                cmocka_unit_test(test_user_group),
                cmocka_unit_test(test_service),
                cmocka_unit_test(test_verify),
                cmocka_unit_test(test_exec_commands),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
