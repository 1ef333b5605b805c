"""Per-unit cgroups where the container has a writable cgroup2 of its own (issue 3: "when a
writable cgroup2 subtree is available, use one cgroup per unit instead").

The container gets a fresh host cgroup2 directory, a cgroup namespace rooted there and that
directory mounted read-write on /sys/fs/cgroup: what `docker run --cgroupns=private -v
/sys/fs/cgroup:/sys/fs/cgroup:rw` (or Podman, or sysbox) gives. Every other PID 1 test runs with
the host's cgroups read-only, the Docker default, where tinysd finds processes through /proc.

Checked from the host: the groups tinysd creates (systemd's layout, Slice= included), which
processes are in them, that a daemon which leaves every other trace behind (double fork, new
session, empty environment) is still stopped with its unit, that its log lines still name the
unit, and that nothing is left when the container exits. Skipped without root or a writable
cgroup2 on the host."""
import re
import time

import pytest

from pid1 import MULTI_USER, HostCgroup
from test_pid1_journal import entries

SYSTEMCTL = "/usr/bin/systemctl"

SLEEPER = """[Unit]
Description=Sleeper
[Service]
ExecStartPre=/bin/sh -c 'cat /proc/self/cgroup > /run/pre-cgroup'
ExecStart=/bin/sleep 1000
"""

WEB = """[Unit]
Description=Web In A Slice
[Service]
Slice=app-web.slice
ExecStart=/bin/sleep 1001
"""

# The daemon leaves no trace /proc could follow: setsid -f forks into a new session, env -i
# empties its environment ($INVOCATION_ID gone), and its parent exits (re-parented to PID 1). It
# logs through /dev/log and stays alive (a sender that exits before PID 1 reads its datagram
# cannot be attributed by anyone, journald included).
ESCAPED_PY = """import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"<14>escaped: hello-from-the-escaped-daemon", "/dev/log")
time.sleep(1002)
"""

ESCAPER = """[Unit]
Description=Escaper
[Service]
ExecStart=/bin/sh -c 'setsid -f env -i /usr/bin/python3 /opt/test/escaped.py </dev/null >/dev/null 2>&1; exec sleep 1003'
"""

ESCAPER_FILES = {"/opt/test/escaped.py": ESCAPED_PY}


def escaped_daemons(c):
    # by its whole command line: `setsid -f env -i python3 …` ends in the same word until it has
    # exec'd twice, and a loaded machine can be looked at in between
    return [p for p in c.pids() if p.cmdline == ("/usr/bin/python3", "/opt/test/escaped.py")]


@pytest.fixture
def cgroup():
    try:
        cg = HostCgroup()
    except OSError as e:
        pytest.skip(f"no writable cgroup2 for the container: {e}")
    yield cg
    cg.close()   # after the container: this fixture comes first in every test's arguments


def ctl(c, *args):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=20)


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:-1]
    except OSError:
        return None


def sleepers(c, arg):
    return [p for p in c.pids() if p.cmdline == ("/bin/sleep", arg) or p.cmdline == ("sleep", arg)]


def wait_until(pred, timeout=10, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_each_unit_gets_a_group_in_systemds_layout(cgroup, boot):
    c = boot(cgroup=cgroup, units={"sleeper.service": SLEEPER, "web.service": WEB},
             enable=["sleeper.service", "web.service"])
    c.wait_for(MULTI_USER)
    groups = cgroup.groups()
    assert "system.slice/sleeper.service" in groups, groups
    assert "app.slice/app-web.slice/web.service" in groups, groups
    # the main processes are in them (host pids), and nothing of a unit is left in the root
    for rel, arg in (("system.slice/sleeper.service", b"1000"), ("app.slice/app-web.slice/web.service", b"1001")):
        # (the forked child joins before exec: wait for the exec)
        wait_until(lambda: [cmdline(p) for p in cgroup.pids(rel)] == [[b"/bin/sleep", arg]], what=rel)
    # the control process ran in the unit's group too, seen from inside (cgroup namespace)
    lines = c.path("/run/pre-cgroup").read_text().splitlines()
    assert [x for x in lines if x.startswith("0::")] == ["0::/system.slice/sleeper.service"], lines
    # ControlGroup= names it as systemd does, for Debian's systemctl and for the unit's status
    r = ctl(c, "show", "-p", "ControlGroup", "web.service")
    assert r.stdout == "ControlGroup=/app.slice/app-web.slice/web.service\n", r.stdout + r.stderr
    r = ctl(c, "status", "sleeper.service")
    assert "CGroup: /system.slice/sleeper.service" in r.stdout, r.stdout
    assert re.search(r"└─\d+ /bin/sleep 1000", r.stdout), r.stdout


def test_stop_removes_the_group_and_exit_leaves_nothing(cgroup, boot):
    c = boot(cgroup=cgroup, units={"sleeper.service": SLEEPER, "web.service": WEB},
             enable=["sleeper.service", "web.service"])
    c.wait_for(MULTI_USER)
    assert ctl(c, "stop", "web.service").returncode == 0
    assert "app.slice/app-web.slice/web.service" not in cgroup.groups()
    assert ctl(c, "start", "web.service").returncode == 0
    assert "app.slice/app-web.slice/web.service" in cgroup.groups()
    assert c.stop() == 0
    assert cgroup.groups() == []


def test_a_daemon_without_any_trace_is_stopped_with_its_unit(cgroup, boot, tinysd):
    c = boot(cgroup=cgroup, units={"escaper.service": ESCAPER}, enable=["escaper.service"], files=ESCAPER_FILES)
    c.wait_for(MULTI_USER)
    daemon = wait_until(lambda: escaped_daemons(c), what="the escaped daemon")[0]
    wait_until(lambda: [p.ppid for p in escaped_daemons(c)] == [1], what="the daemon re-parented to PID 1")
    assert daemon.cmdline[0] == "/usr/bin/python3"
    wait_until(lambda: sorted((cmdline(p) or [b""])[-1] for p in cgroup.pids("system.slice/escaper.service"))
               == [b"/opt/test/escaped.py", b"1003"], what="both processes in the unit's group")
    # its log line still names the unit: the journal asks the cgroup, not the (empty) environment
    msgs = wait_until(lambda: [e["MESSAGE"] for e in entries(c, tinysd, "-u", "escaper.service")
                               if e.get("SYSLOG_IDENTIFIER") == "escaped"], what="the daemon's log line")
    assert msgs == ["hello-from-the-escaped-daemon"]
    assert ctl(c, "stop", "escaper.service").returncode == 0
    assert escaped_daemons(c) == [] and sleepers(c, "1003") == []
    assert "system.slice/escaper.service" not in cgroup.groups()


def test_without_cgroups_the_same_daemon_outlives_its_unit_until_shutdown(boot):
    """The README's deviation "Processes without cgroups": nothing links this daemon to its unit,
    so `systemctl stop` leaves it; the last round of the shutdown still stops it."""
    c = boot(units={"escaper.service": ESCAPER}, enable=["escaper.service"], files=ESCAPER_FILES)
    c.wait_for(MULTI_USER)
    wait_until(lambda: [p.ppid for p in escaped_daemons(c)] == [1], what="the escaped daemon, re-parented")
    assert ctl(c, "stop", "escaper.service").returncode == 0
    assert sleepers(c, "1003") == []
    assert len(escaped_daemons(c)) == 1
    assert c.stop() == 0


LIMITED = """[Unit]
Description=Limited
[Service]
MemoryMax=64M
TasksMax=20
CPUQuota=50%
CPUWeight=200
ExecStart=/bin/sleep 1004
"""


@pytest.mark.parametrize("with_cgroup", [True, False], ids=["cgroup", "no-cgroup"])
def test_resource_limits_are_named_once_and_the_unit_starts(cgroup, boot, with_cgroup):
    c = boot(cgroup=cgroup if with_cgroup else None, units={"limited.service": LIMITED}, enable=["limited.service"])
    c.wait_for(MULTI_USER)
    assert ctl(c, "is-active", "limited.service").stdout == "active\n"
    assert ctl(c, "restart", "limited.service").returncode == 0
    wait_until(lambda: sleepers(c, "1004"), what="the restarted service")
    notice = ("limited.service: resource control not applied (tinysd enables no cgroup controllers): "
              "MemoryMax= TasksMax= CPUQuota= CPUWeight=")
    assert c.output().count(notice) == 1, c.output()
    # the values are still what `systemctl show` reports (D-Bus properties), as with systemd
    r = ctl(c, "show", "-p", "MemoryMax,TasksMax,CPUQuotaPerSecUSec,CPUWeight,MemoryHigh,Slice", "limited.service")
    assert sorted(r.stdout.splitlines()) == ["CPUQuotaPerSecUSec=500ms", "CPUWeight=200", "MemoryHigh=infinity",
                                             "MemoryMax=67108864", "Slice=system.slice", "TasksMax=20"], r.stdout + r.stderr


FORKING = """[Unit]
Description=Forking Daemon
[Service]
Type=forking
ExecStart=/bin/sh -c '(setsid /bin/sleep 1005 </dev/null >/dev/null 2>&1 &); exit 0'
"""


def test_forking_daemon_main_pid_is_guessed_from_its_group(cgroup, boot):
    c = boot(cgroup=cgroup, units={"forking.service": FORKING}, enable=["forking.service"])
    c.wait_for(MULTI_USER)
    daemon = wait_until(lambda: sleepers(c, "1005"), what="the daemon")[0]
    r = ctl(c, "show", "-p", "MainPID", "forking.service")
    assert r.stdout == f"MainPID={daemon.pid}\n", r.stdout + r.stderr
    assert ctl(c, "stop", "forking.service").returncode == 0
    assert sleepers(c, "1005") == []
    assert "system.slice/forking.service" not in cgroup.groups()


EVIL = """[Unit]
Description=Group Thief
[Service]
ExecStart=/bin/sh -c 'echo 1 > /sys/fs/cgroup/system.slice/evil.service/cgroup.procs && echo moved; exec sleep 1006'
"""


def test_a_service_that_moves_pid1_into_its_group_cannot_make_its_stop_signal_pid1(cgroup, boot):
    c = boot(cgroup=cgroup, units={"evil.service": EVIL, "sleeper.service": SLEEPER},
             enable=["evil.service", "sleeper.service"])
    c.wait_for(MULTI_USER)
    c.wait_for(r"evil\.service\[\d+\]: moved")
    assert c.pid1 in cgroup.pids("system.slice/evil.service")
    assert ctl(c, "stop", "evil.service").returncode == 0
    assert sleepers(c, "1006") == []
    time.sleep(0.2)
    assert c.running(), c.output()
    assert ctl(c, "is-active", "sleeper.service").stdout == "active\n"
    assert c.stop() == 0
