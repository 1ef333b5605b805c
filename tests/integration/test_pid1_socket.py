# SPDX-License-Identifier: MIT
"""tinysd as PID 1: socket units (systemd.socket(5), sd_listen_fds(3)).

Contract assumed: the listening socket exists once the socket unit started, but its service is
started only by the first connection (Accept=no) and gets the listening fd as fd 3 with
LISTEN_FDS=1, LISTEN_PID=its own pid, LISTEN_FDNAMES=the socket's name; the socket stays open
while the service restarts, so a client connecting meanwhile is served, not refused. Accept=yes
starts one instance of foo@.service per connection, named as systemd 252 names it
(foo@N-LOCAL:PORT-REMOTE:PORT.service), with the connection on stdin/stdout for
StandardInput=socket; finished instances are collected; MaxConnections= drops the excess.
Unix sockets get SocketMode=; FIFOs work; ExecStartPre= of a socket runs before the bind.
Clients run inside the container (its network namespace has only lo)."""
import re

from pid1 import started

# Accept=no: answers every connection with "echo:" + its first line and the activation facts.
ECHO_SERVER = r"""#!/usr/bin/python3
import os, socket, sys
facts = "fds=%s pid_ok=%s names=%s" % (os.environ.get("LISTEN_FDS"), os.environ.get("LISTEN_PID") == str(os.getpid()),
                                     os.environ.get("LISTEN_FDNAMES"))
s = socket.socket(fileno=3)
s.setblocking(True)  # systemd passes listening sockets non-blocking
print("echo-server up", facts, flush=True)
while True:
    c, _ = s.accept()
    line = c.makefile().readline()
    if line.strip() == "quit":
        c.sendall(b"bye\n")
        c.close()
        sys.exit(1)
    c.sendall(("echo:%s %s\n" % (line.strip(), facts)).encode())
    c.close()
"""

CLIENT = r"""#!/usr/bin/python3
import socket, sys, time
addr = sys.argv[1]
msg = sys.argv[2] if len(sys.argv) > 2 else "hi"
if addr.startswith("/"):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(addr)
else:
    s = socket.create_connection(("127.0.0.1", int(addr)), timeout=5)
s.sendall((msg + "\n").encode())
print(s.makefile().readline().strip())
"""

FILES = {"/opt/test/echo-server": ECHO_SERVER, "/opt/test/client": CLIENT}


def echo_units(extra_socket="", extra_service=""):
    return {
        "echo.socket": f"""
            [Unit]
            Description=Echo Socket
            [Socket]
            ListenStream=127.0.0.1:7001
            {extra_socket}
            [Install]
            WantedBy=sockets.target
            """,
        "echo.service": f"""
            [Unit]
            Description=Echo Service
            [Service]
            ExecStart=/opt/test/echo-server
            {extra_service}
            """,
    }


def client(c, addr, msg="hi"):
    r = c.exec(["/opt/test/client", str(addr), msg])
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_accept_no_starts_the_service_on_first_connection_with_fd_3(boot):
    c = boot(units=echo_units(), enable={"echo.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"Listening on echo\.socket - Echo Socket\.")
    assert "echo-server up" not in c.output(), "the service must wait for a connection"
    assert not any(p.cmdline[-1:] == ("/opt/test/echo-server",) for p in c.pids())
    assert client(c, 7001) == "echo:hi fds=1 pid_ok=True names=echo.socket"
    c.wait_for(started("echo.service", "Echo Service"))
    # the same service answers the next connection: it was started once
    assert client(c, 7001, "again").startswith("echo:again")
    assert c.output().count("echo-server up") == 1


def test_socket_stays_open_while_the_service_restarts(boot):
    c = boot(units=echo_units(extra_service="Restart=always\nRestartSec=300ms"),
             enable={"echo.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"echo\.socket")
    assert client(c, 7001, "one").startswith("echo:one")
    # the service exits 1 on "quit"; a client connecting at once is queued on the kept socket
    assert client(c, 7001, "quit") == "bye"
    assert client(c, 7001, "two").startswith("echo:two"), "the connection made during the restart was served"
    # the second server's start line may reach PID 1's stdout after its answer reached us
    c.wait_until(lambda: c.output().count("echo-server up") == 2, what="two 'echo-server up' lines")
    assert c.output().count("echo-server up") == 2


def test_file_descriptor_name_is_passed(boot):
    c = boot(units=echo_units(extra_socket="FileDescriptorName=web"), enable={"echo.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"echo\.socket")
    assert client(c, 7001).endswith("names=web")


def test_accept_yes_starts_one_instance_per_connection_with_systemd_names(boot):
    c = boot(units={
        "greet.socket": """
            [Unit]
            Description=Greeter Socket
            [Socket]
            ListenStream=7002
            Accept=yes
            [Install]
            WantedBy=sockets.target
            """,
        "greet@.service": """
            [Unit]
            Description=Greeter %i
            [Service]
            ExecStart=/bin/sh -c 'read l; echo "hello $l from %i"'
            StandardInput=socket
            """}, enable={"greet.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"greet\.socket")
    first = client(c, 7002, "alice")
    second = client(c, 7002, "bob")
    m1 = re.fullmatch(r"hello alice from 0-127\.0\.0\.1:7002-127\.0\.0\.1:(\d+)", first)
    m2 = re.fullmatch(r"hello bob from 1-127\.0\.0\.1:7002-127\.0\.0\.1:(\d+)", second)
    assert m1 and m2, (first, second)
    c.wait_for(re.escape(f"greet@0-127.0.0.1:7002-127.0.0.1:{m1.group(1)}.service"))


def test_accept_yes_on_a_unix_socket_names_pid_and_uid_and_sets_the_mode(boot):
    c = boot(units={
        "u.socket": """
            [Socket]
            ListenStream=/run/test/u.sock
            Accept=yes
            SocketMode=0600
            DirectoryMode=0750
            [Install]
            WantedBy=sockets.target
            """,
        "u@.service": """
            [Service]
            ExecStart=/bin/sh -c 'read l; echo "unix $l %i"'
            StandardInput=socket
            """}, enable={"u.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"u\.socket")
    st = c.path("/run/test/u.sock").stat()
    assert oct(st.st_mode & 0o777) == "0o600"
    assert oct(c.path("/run/test").stat().st_mode & 0o777) == "0o750"
    out = client(c, "/run/test/u.sock", "x")
    assert re.fullmatch(r"unix x 0-\d+-0", out), out


def test_max_connections_drops_the_excess(boot):
    c = boot(units={
        "slow.socket": """
            [Socket]
            ListenStream=7003
            Accept=yes
            MaxConnections=1
            [Install]
            WantedBy=sockets.target
            """,
        "slow@.service": """
            [Service]
            ExecStart=/bin/sh -c 'read l; echo "served $l"; sleep 2'
            StandardInput=socket
            """}, enable={"slow.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"slow\.socket")
    assert client(c, 7003, "first") == "served first"
    # the first instance sleeps on: a second connection is over the limit and closed at once
    r = c.exec(["/opt/test/client", "7003", "second"])
    assert r.stdout.strip() == ""
    c.wait_for(r"Too many incoming connections \(1\), dropping connection\.")


def test_fifo_and_exec_start_pre(boot):
    c = boot(units={
        "pipe.socket": """
            [Socket]
            ExecStartPre=/bin/sh -c 'echo pre-ran > /run/pre'
            ListenFIFO=/run/test.fifo
            [Install]
            WantedBy=sockets.target
            """,
        "pipe.service": """
            [Service]
            ExecStart=/bin/sh -c 'read l <&3; echo "fifo said $l" > /run/fifo-out; exec sleep 1000'
            """}, enable={"pipe.socket": "sockets.target"}, files=FILES)
    c.wait_for(r"pipe\.socket")
    assert c.path("/run/pre").read_text() == "pre-ran\n"
    import stat
    assert stat.S_ISFIFO(c.path("/run/test.fifo").stat().st_mode)
    r = c.exec(["/bin/sh", "-c", "echo knock > /run/test.fifo"])
    assert r.returncode == 0
    assert c.wait_for_path("/run/fifo-out", contains="\n").read_text() == "fifo said knock\n"


def test_socket_that_cannot_bind_fails_and_others_still_start(boot):
    c = boot(units={
        "a.socket": """
            [Socket]
            ListenStream=127.0.0.1:7004
            [Install]
            WantedBy=sockets.target
            """,
        "a.service": "[Service]\nExecStart=/bin/sleep 1000\n",
        "b.socket": """
            [Socket]
            ListenStream=127.0.0.1:7004
            [Install]
            WantedBy=sockets.target
            """,
        "b.service": "[Service]\nExecStart=/bin/sleep 1000\n",
        "other.service": "[Service]\nExecStart=/bin/sh -c 'echo other-up; exec sleep 1000'\n",
    }, enable={"a.socket": "sockets.target", "b.socket": "sockets.target", "other.service": "multi-user.target"}, files=FILES)
    c.wait_for(r"Failed to create listening socket \(127\.0\.0\.1:7004\): Address already in use")
    c.wait_for(r"FAILED.*Failed to listen on [ab]\.socket\.")
    c.wait_for(r"other-up")
    assert c.stop() == 0


# Every Listen*= kind the container allows in one unit: the service gets them all from fd 3 in
# file order, LISTEN_FDS counting them, names from FileDescriptorName= (one name for the unit).
KINDS_SERVER = r"""#!/bin/sh
echo "$LISTEN_FDS $LISTEN_FDNAMES" > /run/kinds-env
for fd in 3 4 5 6 7 8 9; do printf '%s %s\n' "$fd" "$(readlink /proc/$$/fd/$fd)"; done > /run/kinds-fds
exec sleep 1000
"""

KINDS_CLIENT = r"""#!/usr/bin/python3
import socket, sys
kind = sys.argv[1]
if kind == "ipv6":
    s = socket.socket(socket.AF_INET6); s.settimeout(5); s.connect(("::1", 7781))
elif kind == "abstract":
    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect("\0tinysd-kinds")
print("connected", kind)
"""


def test_every_listen_kind_reaches_the_service_in_order(boot):
    c = boot(units={
        "kinds.socket": """
            [Unit]
            Description=All Kinds
            [Socket]
            ListenStream=[::1]:7781
            ListenStream=@tinysd-kinds
            ListenDatagram=127.0.0.1:7782
            ListenSequentialPacket=/run/kinds.seqpacket
            ListenNetlink=route 0
            ListenMessageQueue=/tinysd-kinds
            ListenFIFO=/run/kinds.fifo
            FileDescriptorName=kinds
            [Install]
            WantedBy=sockets.target
            """,
        "kinds.service": """
            [Unit]
            Description=All Kinds Service
            [Service]
            ExecStart=/opt/test/kinds-server
            """},
        enable={"kinds.socket": "sockets.target"},
        files={"/opt/test/kinds-server": (KINDS_SERVER, 0o755), "/opt/test/kinds-client": (KINDS_CLIENT, 0o755)})
    c.wait_for(r"Listening on kinds\.socket - All Kinds\.")
    assert not c.path("/run/kinds-env").exists()   # nothing started before a client came
    r = c.exec(["/opt/test/kinds-client", "ipv6"])
    assert (r.returncode, r.stdout) == (0, "connected ipv6\n"), r.stderr
    c.wait_for(started("kinds.service", "All Kinds Service"))
    env = c.wait_for_path("/run/kinds-env", contains="\n").read_text()
    assert env == "7 " + ":".join(["kinds"] * 7) + "\n"
    fds = dict(line.split(" ", 1) for line in c.wait_for_path("/run/kinds-fds", contains="9 ").read_text().splitlines())
    for fd in "345678":
        assert fds[fd].startswith(("socket:[", "/tinysd-kinds", "/run/kinds.fifo")), fds
    assert fds["8"].startswith("/tinysd-kinds") and fds["9"] == "/run/kinds.fifo", fds   # file order
    # the abstract socket stays open for the running service's accept()
    r = c.exec(["/opt/test/kinds-client", "abstract"])
    assert (r.returncode, r.stdout) == (0, "connected abstract\n"), r.stderr
