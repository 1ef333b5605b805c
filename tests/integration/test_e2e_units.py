# SPDX-License-Identifier: MIT
"""End to end (issue 6): real Debian 12 socket and timer units under tinysd as PID 1.

The image is test_e2e_services.py's (tests/container/image.py; logrotate is part of it). The vendor
unit files are used unchanged; only what an admin would change is changed, before boot:

* ssh.socket instead of ssh.service, as Debian's README.Debian for openssh-server says
  (`systemctl disable ssh.service; systemctl enable ssh.socket`, done here offline with
  `tinysd systemctl-offline --root=ROOT`). Debian 12's ssh.socket is ListenStream=22 with
  Accept=no: it activates ssh.service itself on the first connection and hands it the listening
  socket (Debian's sshd is patched for sd_listen_fds(3)); bookworm no longer ships ssh@.service.
  So: no sshd before the first connection, then ssh-keyscan and a key login over 127.0.0.1:22,
  ssh.service started by the socket and serving every later connection from the same fd, and PID 1
  still owning port 22.
  The per-connection flavour (Accept=yes + ssh@.service, `sshd -i`, which Debian shipped before
  openssh 1:9.1p1-1) is what an admin writes into /etc/systemd/system: a second container checks it,
  with the unit text Debian shipped, against the same vendor sshd.

* logrotate.timer (OnCalendar=daily, Persistent=true) catches up at boot: its stamp file
  /var/lib/systemd/timers/stamp-logrotate.timer is written two days old before boot, as a container
  stopped for two days would have it; logrotate's own state (/var/lib/logrotate/status) says a test
  log configured `daily`/`rotate 1` was last rotated two days ago too. Then logrotate.service runs
  once at boot, the test log is rotated (test.log.1 holds the old lines) and the stamp's mtime is now.

* syslog(3) through /dev/log (PID 1's journal socket, /dev/log -> /run/systemd/journal/dev-log):
  logger's line and the per-connection sshd's (which logs only to syslog) reach PID 1's stdout.

One container per flavour (module-scoped); the module skips when the image cannot be had."""
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "container"))

import image  # noqa: E402
from container import ImageContainer  # noqa: E402
from pid1 import MULTI_USER, finished, started  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINYSD = pathlib.Path(os.environ.get("TINYSD", ROOT / "build" / "tinysd"))

TWO_DAYS = 2 * 24 * 3600
SSH_SOCKET = ("ssh.socket", "OpenBSD Secure Shell server socket")
SSH_SERVICE = ("ssh.service", "OpenBSD Secure Shell server")
LOGROTATE = ("logrotate.service", "Rotate log files")
LOGROTATE_TIMER = ("logrotate.timer", "Daily rotation of log files")
STAMP = "/var/lib/systemd/timers/stamp-logrotate.timer"
TEST_LOG = "/var/log/e2e/test.log"

LOGROTATE_CONF = f"""{TEST_LOG} {{
	daily
	rotate 1
	missingok
	notifempty
}}
"""

# Debian's ssh@.service as shipped before openssh 1:9.1p1-1 (which switched ssh.socket to
# Accept=no and dropped it); the admin's ssh.socket drop-in switches the vendor socket to one sshd per connection.
SSH_AT_SERVICE = """[Unit]
Description=OpenBSD Secure Shell server per-connection daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=auditd.service

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStart=-/usr/sbin/sshd -i $SSHD_OPTS
StandardInput=socket
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755
RuntimeDirectoryPreserve=yes
"""
ACCEPT_DROPIN = "[Socket]\nAccept=yes\n"


@pytest.fixture(scope="module")
def services_image():
    if not TINYSD.exists():
        pytest.skip(f"{TINYSD} is not built")
    try:
        img = image.services_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    except Exception as e:      # network trouble, disk full, ...: not tinysd's failure
        pytest.skip(f"the Debian image build failed: {e!r}")
    for f in ("lib/systemd/system/ssh.socket", "lib/systemd/system/logrotate.timer", "usr/sbin/logrotate"):
        if not (img / f).exists():
            pytest.skip(f"the image has no /{f}")
    return img


def offline(c, *args):
    """`systemctl --root=ROOT ARGS` the way an admin prepares an image: tinysd's offline mode."""
    r = subprocess.run([str(TINYSD), "systemctl-offline", f"--root={c.root}"] + list(args),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r
    return r


def prepare_logrotate(c):
    """A stopped-for-two-days container: logrotate.timer's stamp and logrotate's state both old."""
    old = time.time() - TWO_DAYS
    stamp = c.path(STAMP)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("")
    os.utime(stamp, (old, old))
    c.write_file("/etc/logrotate.d/e2e", LOGROTATE_CONF)
    os.chmod(c.path("/etc/logrotate.d/e2e"), 0o644)
    log = c.path(TEST_LOG)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("line from before the rotation\n")
    # logrotate rotates a `daily` log only once it has a state entry a day old (a log it sees for
    # the first time is only recorded); its state file as the previous run two days ago left it
    status = c.path("/var/lib/logrotate/status")
    status.parent.mkdir(parents=True, exist_ok=True)
    t = time.localtime(old)
    status.write_text("logrotate state -- version 2\n"
                      f'"{TEST_LOG}" {t.tm_year}-{t.tm_mon}-{t.tm_mday}-{t.tm_hour}:{t.tm_min}:{t.tm_sec}\n')
    os.chmod(status, 0o640)     # as logrotate keeps it (world-readable: it skips its lock, warning)


def boot(img, workdir, accept=False):
    c = ImageContainer(img, TINYSD, workdir=workdir)
    try:
        # README.Debian: systemctl disable ssh.service; systemctl enable ssh.socket
        offline(c, "disable", "ssh.service")
        offline(c, "enable", "ssh.socket")
        assert not c.path("/etc/systemd/system/multi-user.target.wants/ssh.service").exists()
        assert os.path.lexists(c.path("/etc/systemd/system/sockets.target.wants/ssh.socket"))
        if accept:
            c.write_file("/etc/systemd/system/ssh@.service", SSH_AT_SERVICE)
            c.write_file("/etc/systemd/system/ssh.socket.d/accept.conf", ACCEPT_DROPIN)
        else:
            prepare_logrotate(c)
        c.start()
        c.wait_for(MULTI_USER, timeout=60)
        return c
    except BaseException:
        c.close()
        print(c.output()[-8000:])
        c.cleanup()
        raise


@pytest.fixture(scope="module")
def ctr(services_image, tmp_path_factory):
    c = boot(services_image, tmp_path_factory.mktemp("e2e-units") / "c")
    try:
        yield c
    finally:
        c.close()
        print(c.output()[-12000:])
        c.cleanup()


@pytest.fixture(scope="module")
def ctr_accept(services_image, tmp_path_factory):
    c = boot(services_image, tmp_path_factory.mktemp("e2e-units-accept") / "c", accept=True)
    try:
        yield c
    finally:
        c.close()
        print(c.output()[-12000:])
        c.cleanup()


def sshd_procs(c):
    return [p for p in c.pids() if p.comm == "sshd"]


def port_22_listeners(c):
    """(pid, comm) of every process holding a listening socket on port 22, from the container's /proc."""
    base = pathlib.Path(f"/proc/{c.pid1}/root/proc")
    inodes = set()
    for table in ("tcp", "tcp6"):
        for line in (base / "1" / "net" / table).read_text().splitlines()[1:]:
            f = line.split()
            if f[1].endswith(":0016") and f[3] == "0A":
                inodes.add(f[9])
    out = set()
    for p in c.pids():
        try:
            for fd in (base / str(p.pid) / "fd").iterdir():
                t = os.readlink(fd)
                if t.startswith("socket:[") and t[8:-1] in inodes:
                    out.add((p.pid, p.comm))
        except OSError:
            continue
    return sorted(out)


def tcp_connections_of(c, pid):
    """{("ADDR:PORT", "PEER:PORT")} of the established TCP connections among PID's fds."""
    fds = pathlib.Path(f"/proc/{c.pid1}/root/proc/{pid}/fd")
    inodes = {t[8:-1] for t in (os.readlink(f) for f in fds.iterdir()) if t.startswith("socket:[")}

    def addr(hexa):     # IPv4, or IPv4-mapped IPv6 (PID 1's [::]:22 socket is dual-stack)
        ip, port = hexa.split(":")
        if len(ip) == 32:
            if ip[:24] != "0000000000000000FFFF0000":
                return f"[{ip}]:{int(port, 16)}"
            ip = ip[24:]
        return ".".join(str(int(ip[i:i + 2], 16)) for i in (6, 4, 2, 0)) + f":{int(port, 16)}"
    out = set()
    for table in ("tcp", "tcp6"):
        for line in pathlib.Path(f"/proc/{c.pid1}/net/{table}").read_text().splitlines()[1:]:
            f = line.split()
            if f[9] in inodes and f[3] == "01":
                out.add((addr(f[1]), addr(f[2])))
    return out


KEY_LOGIN = ("rm -f /root/.ssh/e2e /root/.ssh/e2e.pub; mkdir -p -m 700 /root/.ssh"
             " && ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/e2e"
             " && cat /root/.ssh/e2e.pub >> /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys"
             " && ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
             " -i /root/.ssh/e2e root@127.0.0.1 {cmd}")


def keyscan(c):
    r = c.exec(["ssh-keyscan", "-T", "5", "-t", "ed25519", "127.0.0.1"], timeout=15)
    assert re.search(r"^127\.0\.0\.1 ssh-ed25519 AAAA", r.stdout, re.M), r
    assert c.path("/etc/ssh/ssh_host_ed25519_key.pub").read_text().split()[1] in r.stdout
    return r


# ---------------------------------------------------------------- ssh.socket (vendor: Accept=no)

def test_ssh_socket_listens_and_no_sshd_before_the_first_connection(ctr):
    ctr.wait_for(r"^\[  OK  \] Listening on ssh\.socket - OpenBSD Secure Shell server socket\.$", timeout=10)
    assert not re.search(r"(Starting|Started) ssh\.service", ctr.output()), ctr.output()[-4000:]
    assert sshd_procs(ctr) == []
    assert port_22_listeners(ctr) == [(1, "init")]


def test_ssh_keyscan_activates_ssh_service(ctr):
    keyscan(ctr)
    ctr.wait_for(started(*SSH_SERVICE), timeout=10)
    # the ExecStartPre= config test ran, RuntimeDirectory=sshd exists (sshd's privsep dir)
    assert ctr.path("/run/sshd").is_dir()
    # the daemon itself (its preauth children come and go, reparented to PID 1 as they exit)
    daemons = [p for p in sshd_procs(ctr) if p.ppid == 1 and "-D" in " ".join(p.cmdline)]
    assert len(daemons) == 1, ctr.pids()
    # sshd took the socket PID 1 passed (LISTEN_FDS): it holds port 22 without a bind of its own,
    # and PID 1 keeps its fd
    assert sorted(port_22_listeners(ctr)) == sorted([(1, "init"), (daemons[0].pid, "sshd")])


def test_ssh_key_login_through_the_socket(ctr):
    r = ctr.exec(["/bin/sh", "-c", KEY_LOGIN.format(cmd="'echo logged-in-as-$(id -un)'")], timeout=30)
    assert "logged-in-as-root" in r.stdout, r
    # the same sshd served it: Accept=no starts the service once
    assert len(re.findall(r"Started ssh\.service", ctr.output())) == 1


# ---------------------------------------------------------------- logrotate.timer catch-up

def test_logrotate_timer_catches_up_at_boot(ctr):
    ctr.wait_for(finished(*LOGROTATE), timeout=30)
    out = ctr.output()
    # the catch-up happens at boot, not a day later: before multi-user.target is reached
    assert out.index("Finished logrotate.service") < out.index("Reached target multi-user.target"), out[-4000:]
    assert len(re.findall(r"Finished logrotate\.service", out)) == 1, "it runs once, not in a loop"


def test_logrotate_rotated_the_test_log(ctr):
    ctr.wait_for(finished(*LOGROTATE), timeout=30)
    rotated = ctr.path(TEST_LOG + ".1")
    assert rotated.read_text() == "line from before the rotation\n"
    assert not ctr.path(TEST_LOG).exists() or ctr.path(TEST_LOG).read_text() == ""
    # logrotate recorded the rotation: the entry is no longer the two-day-old one we wrote
    # (dates in the container's time zone, which need not be the host's: compare with both)
    status = ctr.path("/var/lib/logrotate/status").read_text()
    m = re.search(rf'^"{re.escape(TEST_LOG)}" (\d+)-(\d+)-(\d+)-', status, re.M)
    assert m, status
    days = {(t.tm_year, t.tm_mon, t.tm_mday) for t in (time.localtime(), time.gmtime())}
    assert tuple(int(x) for x in m.groups()) in days, status


def test_logrotate_timer_stamp_updated(ctr):
    ctr.wait_for(finished(*LOGROTATE), timeout=30)
    age = time.time() - ctr.path(STAMP).stat().st_mtime
    assert age < 600, f"stamp is {age:.0f} s old"


# ---------------------------------------------------------------- syslog(3) through /dev/log

def test_syslog_via_dev_log_reaches_pid1_stdout(ctr):
    r = ctr.exec(["readlink", "/dev/log"])
    assert r.stdout.strip() == "/run/systemd/journal/dev-log", r
    r = ctr.exec(["logger", "-t", "e2e-syslog", "-p", "daemon.notice", "hello through /dev/log"])
    assert r.returncode == 0, r
    ctr.wait_for(r"^e2e-syslog\[\d+\]: hello through /dev/log$", timeout=10)


# ---------------------------------------------------------------- the admin's Accept=yes flavour

def ssh_instances(c):
    return set(re.findall(r"ssh@(\d+-127\.0\.0\.1:22-127\.0\.0\.1:\d+)\.service", c.output()))


def test_accept_yes_no_sshd_before_a_connection(ctr_accept):
    ctr_accept.wait_for(r"^\[  OK  \] Listening on ssh\.socket - OpenBSD Secure Shell server socket\.$", timeout=10)
    assert sshd_procs(ctr_accept) == []
    assert "ssh@" not in ctr_accept.output()


def test_accept_yes_keyscan_runs_one_instance(ctr_accept):
    keyscan(ctr_accept)
    ctr_accept.wait_for(r"ssh@\d+-127\.0\.0\.1:22-127\.0\.0\.1:\d+\.service", timeout=10)
    assert len(ssh_instances(ctr_accept)) == 1
    ctr_accept.wait_until(lambda: sshd_procs(ctr_accept) == [], timeout=10, what="the per-connection sshd exits")


def test_accept_yes_instance_lives_while_connected_and_goes_after(ctr_accept):
    before = ssh_instances(ctr_accept)
    login = subprocess.Popen(
        ["nsenter", "--target", str(ctr_accept.pid1), "--pid", "--mount", "--uts", "--ipc", "--net", "--root",
         "--wd=/", "--", "/usr/bin/env", "-i", "PATH=" + image.APT_ENV["PATH"], "HOME=/root",
         "/bin/sh", "-c", KEY_LOGIN.format(cmd="'echo connected; read line'")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert login.stdout.readline().strip() == "connected", login.stderr.read() if login.poll() is not None else ""
        new = ssh_instances(ctr_accept) - before
        assert len(new) == 1, (before, ssh_instances(ctr_accept))
        inst = new.pop()
        # its sshd (`sshd -i`, retitled "sshd: root@notty" once logged in) is a child of PID 1 and
        # holds the connection the instance is named after (no other)
        per_conn = [p for p in sshd_procs(ctr_accept) if p.ppid == 1]
        assert len(per_conn) == 1, ctr_accept.pids()
        assert tcp_connections_of(ctr_accept, per_conn[0].pid) == {("127.0.0.1:22", inst.split("-", 2)[2])}, inst
        # `sshd -i` logs only with syslog(3) (its stdout and stderr are the connection): the line
        # came through /dev/log and PID 1 attributed it to the instance by the sender's pid
        ctr_accept.wait_for(rf"^ssh@{re.escape(inst)}\.service\[{per_conn[0].pid}\]: Accepted publickey for root "
                            rf"from 127\.0\.0\.1 port {inst.rsplit(':', 1)[1]} ssh2", timeout=5)
        login.stdin.write("bye\n")
        login.stdin.flush()
        assert login.wait(15) == 0
    finally:
        if login.poll() is None:
            login.kill()
            login.wait()
    ctr_accept.wait_until(lambda: sshd_procs(ctr_accept) == [], timeout=10, what="the instance's sshd exits")
    # the instance is gone: stopped (no failure) and its sshd reaped; a new connection gets a new one
    # (sshd -i exits 255 when the client goes; ExecStart=- makes that a success)
    out = ctr_accept.output()
    assert not re.search(rf"ssh@{re.escape(inst)}\.service: (Failed with result|Main process exited, code=killed)", out), out[-4000:]
    assert not re.search(rf"^\[FAILED\].*ssh@{re.escape(inst)}", out, re.M), out[-4000:]
    # the journal has the instance's lines under its unit, with sshd's own syslog identifier
    r = ctr_accept.exec(["journalctl", "--no-pager", "-u", f"ssh@{inst}.service"])
    assert re.search(rf"sshd\[{per_conn[0].pid}\]: Accepted publickey for root", r.stdout), r
    keyscan(ctr_accept)
    ctr_accept.wait_until(lambda: len(ssh_instances(ctr_accept) - before) == 2, timeout=10, what="a second instance")


def test_docker_stop_with_sockets_and_timers(ctr, ctr_accept):
    for c in (ctr, ctr_accept):
        t0 = time.monotonic()
        c.signal(signal.SIGTERM)
        assert c.wait(12) == 0, c.output()[-4000:]
        assert time.monotonic() - t0 < 10
        assert "Stopped ssh.socket" in c.output() or "Closed ssh.socket" in c.output(), c.output()[-4000:]
