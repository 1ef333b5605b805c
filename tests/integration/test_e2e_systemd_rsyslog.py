# SPDX-License-Identifier: MIT
"""End to end (issue 16): a Debian 12 image with Debian's `systemd`, `rsyslog` and `dbus` packages
and real daemons (avahi-daemon, apache2, exim4, prometheus-node-exporter), as a Dockerfile that pulls
them in makes it, under tinysd as PID 1.

The image (tests/container/image.py, systemd_rsyslog_image): debootstrap minbase bookworm +
`apt-get install --no-install-recommends systemd rsyslog`, cached under /var/tmp/tinysd-images
(about 80 s from nothing here: 50 s for the base, 30 s for the packages). systemd's own units are
in the image and enabled by its maintainer scripts (journald's sockets, getty@tty1, ...), rsyslog
is enabled with syslog.service and its syslog.socket on /run/systemd/journal/syslog.

Checked: the boot reaches multi-user.target with rsyslog running and nothing failed; 1,000
`logger` lines are written without any logger blocking (the loop ends; before issue 16's rule the
image's own journald sockets took /dev/log and the 11th logger blocked forever), all of them reach
the journal (tinysd's journalctl) and /var/log/syslog (rsyslog, through the journal's
ForwardToSyslog=); systemd's units are skipped with one line each; each daemon answers its client
(busctl to avahi, curl to apache2 and node-exporter, exim4's SMTP banner); PID 1 is on the image's
system bus (busctl; Debian's systemctl as uid 65534 reads and is refused a stop; avahi-daemon,
Type=dbus, owns its name; hostnamectl fails at once since hostnamed is skipped); the image's own
journalctl and `systemctl status` (Debian's 252) read tinysd's journal files (issue 18)."""
import os
import pathlib
import re
import signal
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "container"))

import image  # noqa: E402
from container import ImageContainer  # noqa: E402
from pid1 import MULTI_USER, started  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINYSD = pathlib.Path(os.environ.get("TINYSD", ROOT / "build" / "tinysd"))
N = 1000


@pytest.fixture(scope="module")
def systemd_image():
    if not TINYSD.exists():
        pytest.skip(f"{TINYSD} is not built")
    try:
        return image.systemd_rsyslog_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    except Exception as e:      # network trouble, disk full, ...: not tinysd's failure
        pytest.skip(f"the Debian image build failed: {e!r}")


@pytest.fixture(scope="module")
def ctr(systemd_image, tmp_path_factory):
    c = ImageContainer(systemd_image, TINYSD, workdir=tmp_path_factory.mktemp("e2e-systemd") / "c")
    # tinysd's journalctl first in PATH (the image has Debian's, which reads systemd's file format)
    tj = c.path("/usr/local/bin/journalctl")
    tj.parent.mkdir(parents=True, exist_ok=True)
    tj.symlink_to("/sbin/init")
    c.start()
    try:
        c.wait_for(MULTI_USER, timeout=60)
        yield c
    finally:
        c.close()
        print(c.output()[-12000:])
        c.cleanup()


def test_boot_with_rsyslog_and_nothing_failed(ctr):
    ctr.wait_for(started("rsyslog.service", "System Logging Service"), timeout=30)
    out = ctr.output()
    # PID 1's words (the daemons' own lines may say "Successfully ...")
    own = "\n".join(line for line in out.splitlines()
                    if line.startswith("tinysd[1]:") or not re.match(r"^[\w@.:-]+\[\d+\]: ", line))
    for bad in ("FAILED", "DEPEND", "No error information", ": Success", "Job "):
        assert bad not in own, (bad, out)
    # systemd's own: one line each, the first time
    for unit in ("systemd-journald.socket", "systemd-journald-dev-log.socket", "systemd-journald.service"):
        assert len(re.findall(rf"^tinysd\[1\]: {re.escape(unit)}: skipped in a container: ", out, re.M)) == 1, out


def test_logger_lines_reach_journal_and_syslog(ctr):
    ctr.wait_for(started("rsyslog.service", "System Logging Service"), timeout=30)
    # every logger returns: none blocks in sendmsg on a socket nobody reads
    r = ctr.exec(["/bin/sh", "-c", f"i=1; while [ $i -le {N} ]; do logger -t e2e-flood \"line $i\" || exit 1; "
                                   "i=$((i+1)); done"], timeout=300)
    assert r.returncode == 0, r
    j = ctr.exec(["/usr/local/bin/journalctl", "-t", "e2e-flood", "-o", "cat"], timeout=30)
    assert j.returncode == 0, j
    assert j.stdout.splitlines() == [f"line {i}" for i in range(1, N + 1)]

    def syslog_lines():
        p = ctr.path("/var/log/syslog")
        got = re.findall(r" e2e-flood(?:\[\d+\])?: (line \d+)$", p.read_text(errors="replace"), re.M) if p.exists() else []
        return got if len(got) >= N else None
    got = ctr.wait_until(syslog_lines, timeout=60, what=f"{N} lines in /var/log/syslog")
    assert got == [f"line {i}" for i in range(1, N + 1)]


def test_debians_journalctl_and_systemctl_status_read_tinysds_journal(ctr):
    """Issue 18: the image's own journalctl and systemctl 252 (Debian's systemd package) read the
    journal files tinysd writes: logger lines by tag, `--verify` clean on the live file, and PID 1's
    lines about rsyslog.service under `systemctl status`."""
    ctr.wait_for(started("rsyslog.service", "System Logging Service"), timeout=30)
    r = ctr.exec(["/bin/sh", "-c", "for i in 1 2 3; do logger -t e2e-reader \"reader line $i\" || exit 1; done"], timeout=30)
    assert r.returncode == 0, r
    want = ["reader line 1", "reader line 2", "reader line 3"]

    def lines():
        j = ctr.exec(["/usr/bin/journalctl", "--no-pager", "-t", "e2e-reader", "-o", "cat"], timeout=30)
        return j if j.returncode == 0 and j.stdout.splitlines() == want else None
    ctr.wait_until(lines, timeout=10, what="Debian's journalctl reading the logger lines")
    v = ctr.exec(["/usr/bin/journalctl", "--verify"], timeout=60)
    assert v.returncode == 0, v
    s = ctr.exec(["/usr/bin/systemctl", "--no-pager", "status", "rsyslog.service"], timeout=30)
    assert s.returncode == 0, s
    assert re.search(r"systemd\[1\]: Started rsyslog\.service - System Logging Service\.$", s.stdout, re.M), s.stdout


# Each daemon the image installs beyond systemd and rsyslog, and how its client checks it.
DAEMONS = {
    "avahi-daemon.service": (["busctl", "--system", "call", "org.freedesktop.Avahi", "/",
                              "org.freedesktop.Avahi.Server", "GetVersionString"], r'^s "avahi [0-9.]+"$'),
    "apache2.service": (["curl", "-sS", "http://127.0.0.1/"], r"Apache2 Debian Default Page"),
    "exim4.service": (["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25; read -r line <&3; echo \"$line\"; "
                                          "echo QUIT >&3"], r"^220 .* ESMTP Exim "),
    "prometheus-node-exporter.service": (["curl", "-sS", "http://127.0.0.1:9100/metrics"],
                                         r"^node_exporter_build_info\{"),
}


def is_active(ctr, unit, user=None):
    argv = ["systemctl", "is-active", unit]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + argv
    return ctr.exec(argv, timeout=30).stdout.strip()


@pytest.mark.parametrize("unit", sorted(DAEMONS))
def test_daemon_answers_its_client(ctr, unit):
    argv, expect = DAEMONS[unit]
    ctr.wait_until(lambda: is_active(ctr, unit) == "active", timeout=60, what=f"{unit} active")
    r = ctr.exec(argv, timeout=30)
    assert r.returncode == 0 and re.search(expect, r.stdout, re.M), (unit, r)


def test_system_bus(ctr):
    """PID 1 is org.freedesktop.systemd1 on the image's own system bus: busctl reads it, Debian's
    systemctl as an unprivileged user reads states through it, avahi-daemon (Type=dbus) was started
    once its name appeared and owns it, and hostnamectl (systemd-hostnamed is skipped in a
    container) fails at once instead of waiting for dbus-daemon's 25 s."""
    ctr.wait_until(lambda: is_active(ctr, "avahi-daemon.service") == "active", timeout=60, what="avahi-daemon")

    def on_bus():
        r = ctr.exec(["busctl", "--system", "list", "--acquired", "--no-pager"], timeout=30)
        return "org.freedesktop.systemd1" in r.stdout
    ctr.wait_until(on_bus, timeout=60, what="org.freedesktop.systemd1 on the system bus")
    r = ctr.exec(["busctl", "--system", "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                  "org.freedesktop.systemd1.Manager", "Version"], timeout=30)
    assert r.returncode == 0 and r.stdout.startswith('s "'), r
    assert is_active(ctr, "apache2.service", user=65534) == "active"
    r = ctr.exec(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                  "systemctl", "stop", "apache2.service"], timeout=30)
    assert r.returncode != 0 and "Access denied" in r.stderr, r
    main = ctr.exec(["systemctl", "show", "-p", "MainPID", "--value", "avahi-daemon.service"]).stdout.strip()
    owner = ctr.exec(["busctl", "--system", "status", "--no-pager", "org.freedesktop.Avahi"], timeout=30).stdout
    assert re.search(rf"^PID={main}$", owner, re.M), (main, owner)
    assert "Type=dbus: there is no system bus" not in ctr.output()
    r = ctr.exec(["hostnamectl"], timeout=20)
    assert r.returncode != 0 and "systemd's own" in r.stderr, r


def test_docker_stop_is_clean(ctr):
    """SIGTERM to PID 1 (`docker stop`): exit 0, and the journal's last lines forwarded to
    syslog.socket after rsyslog stopped start nothing ("syslog.socket: Failed to queue service
    startup job: ..." and "Failed with result 'resources'" before)."""
    ctr.wait_for(started("rsyslog.service", "System Logging Service"), timeout=30)
    before = len(ctr.output())
    ctr.signal(signal.SIGTERM)
    assert ctr.wait(timeout=30) == 0
    tail = ctr.output()[before:]
    assert "Stopped rsyslog.service" in tail, tail
    for bad in ("Failed", "failed", "FAILED", "Success", "No error information"):
        assert bad not in tail, (bad, tail)
