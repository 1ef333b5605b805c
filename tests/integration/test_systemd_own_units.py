# SPDX-License-Identifier: MIT
"""An image with Debian's `systemd` and `udev` packages installed (issue 16): their own units are
skipped as a whole, PID 1 stays the only owner of /dev/log and the journal sockets.

Debian's real unit files (the host's /lib/systemd/system, else ../shared/corpus) are put in the
image and enabled as Debian enables them. Without the rule, tinysd started systemd-journald.socket
and systemd-journald-dev-log.socket: they bound /dev/log and /run/systemd/journal/* again over PID
1's own sockets, nobody read them, and after 10 datagrams every syslog(3) caller blocked forever.

Checked from outside: a service that logs 1,000 lines with logger(1) while it starts becomes
active and every line is in the journal; units that require systemd-journald.socket or want
nss-lookup.target start; each of PID 1's socket paths is bound once (by PID 1); Debian's
`systemctl --failed` lists nothing; PID 1 says one line per skipped unit; a socket unit that asks
for /dev/log or /run/systemd/notify is refused with one warning, while rsyslog's syslog.socket
on /run/systemd/journal/syslog is bound and gets the journal's lines."""
import pathlib
import re

import pytest

from conftest import SHARED
from pid1 import started
from test_pid1_journal import FAKE_RSYSLOG, journalctl

PYTHON = "/usr/bin/python3"
DEBIAN_SYSTEMCTL = "/usr/bin/systemctl"
SOURCES = [pathlib.Path("/lib/systemd/system"), SHARED / "corpus/debian-bookworm/systemd/lib/systemd/system",
           SHARED / "corpus/debian-bookworm/udev/lib/systemd/system"]

# Debian's units and where Debian enables them (the packages' .wants links and [Install] sections).
SYSTEMD_UNITS = {
    "systemd-journald.socket": "sockets.target",
    "systemd-journald-dev-log.socket": "sockets.target",
    "systemd-journald-audit.socket": "sockets.target",
    "systemd-initctl.socket": "sockets.target",
    "systemd-journald.service": "sysinit.target",
    "systemd-journal-flush.service": "sysinit.target",
    "systemd-udevd-control.socket": "sockets.target",
    "systemd-udevd-kernel.socket": "sockets.target",
    "systemd-udevd.service": "sysinit.target",
    "systemd-udev-trigger.service": "sysinit.target",
    "systemd-networkd.socket": "sockets.target",
    "systemd-networkd.service": "multi-user.target",
    "systemd-logind.service": "multi-user.target",
    "systemd-initctl.service": None,          # started by its socket only
    "nss-lookup.target": None,
    "syslog.socket": "sockets.target",        # systemd's, on /run/systemd/journal/syslog: rsyslog's
}

# 1,000 lines through /dev/log while the service starts: blocked forever when nobody reads /dev/log.
CHATTY = "i=0; while [ $i -lt 1000 ]; do logger -t chatty \"line $i\" || exit 1; i=$((i+1)); done"

TEST_UNITS = {
    "chatty.service": f"""
        [Unit]
        Description=Chatty
        After=systemd-journald.socket
        [Service]
        ExecStartPre=/bin/sh -c '{CHATTY}'
        ExecStart=/bin/sleep infinity
        """,
    "needs-journal.service": """
        [Unit]
        Description=Needs the journal socket
        Requires=systemd-journald.socket systemd-journald.service
        After=systemd-journald.socket systemd-journald.service
        [Service]
        ExecStart=/bin/sleep infinity
        """,
    "resolver-user.service": """
        [Unit]
        Description=Resolver user
        Wants=nss-lookup.target
        After=nss-lookup.target
        [Service]
        ExecStart=/bin/sleep infinity
        """,
    # a vendor's socket asking for PID 1's own sockets: refused
    "grab-log.socket": """
        [Socket]
        ListenDatagram=/dev/log
        ListenDatagram=/var/run/systemd/notify
        [Install]
        WantedBy=sockets.target
        """,
    "grab-log.service": """
        [Service]
        ExecStart=/bin/sleep infinity
        """,
    # rsyslog's stand-in, as syslog.service (rsyslog.service's alias): activated by systemd's
    # syslog.socket (below), which the journal forwards to and which must keep working
    "syslog.service": f"""
        [Service]
        ExecStart={PYTHON} /var/lib/fake-rsyslog.py
        """,
}

PID1_PATHS = ["/run/systemd/journal/socket", "/run/systemd/journal/stdout", "/run/systemd/journal/dev-log",
              "/run/systemd/notify", "/run/systemd/private", "/dev/log"]


def debian_unit(name):
    for d in SOURCES:
        p = d / name
        if p.is_file():
            return p.read_text()
    return None


@pytest.fixture
def image():
    units = {}
    for name in SYSTEMD_UNITS:
        text = debian_unit(name)
        if text is None and not name.endswith(".target"):
            pytest.skip(f"Debian's {name} is absent (host's /lib/systemd/system and ../shared/corpus)")
        if text is not None:
            units[name] = text
    units.update(TEST_UNITS)
    enable = {n: t for n, t in SYSTEMD_UNITS.items() if t}
    enable.update({"chatty.service": "multi-user.target", "needs-journal.service": "multi-user.target",
                   "resolver-user.service": "multi-user.target", "grab-log.socket": "sockets.target"})
    return {"units": units, "enable": enable, "files": {"/var/lib/fake-rsyslog.py": FAKE_RSYSLOG}}


def unix_sockets(c):
    """Bound paths of the container's network namespace, with how many sockets have each."""
    out = c.exec(["cat", "/proc/net/unix"]).stdout.splitlines()[1:]
    counts = {}
    for line in out:
        f = line.split()
        if len(f) >= 8:
            counts[f[7]] = counts.get(f[7], 0) + 1
    return counts


def test_systemd_own_units_are_skipped_and_pid1_keeps_its_sockets(boot, tinysd, image):
    c = boot(**image)
    c.wait_for(started("chatty.service", "Chatty"), timeout=60)
    c.wait_for(started("needs-journal.service", "Needs the journal socket"))
    c.wait_for(started("resolver-user.service", "Resolver user"))
    c.wait_for(r"Reached target .*Multi-User")

    # every line of the logger reached the journal
    lines = journalctl(c, tinysd, "-t", "chatty", "-o", "cat").splitlines()
    assert lines == [f"line {i}" for i in range(1000)]

    # PID 1's sockets are bound once each, by PID 1; syslog.socket's path is bound
    counts = unix_sockets(c)
    for p in PID1_PATHS:
        assert counts.get(p, 0) <= 1, (p, counts)
    assert counts.get("/run/systemd/journal/dev-log") == 1
    assert c.exec(["readlink", "/dev/log"]).stdout.strip() == "/run/systemd/journal/dev-log"
    assert counts.get("/run/systemd/journal/syslog") == 1, counts

    # the journal forwards to syslog.socket's daemon
    def forwarded():
        p = c.path("/run/syslog.out")
        return p.exists() and "line 999" in p.read_text()
    c.wait_until(forwarded, what="line 999 on /run/systemd/journal/syslog")

    # nothing failed, in Debian's systemctl's words
    failed = c.exec([DEBIAN_SYSTEMCTL, "--failed", "--no-legend", "--plain"], timeout=20)
    assert failed.returncode == 0, failed.stderr
    assert failed.stdout.strip() == "", failed.stdout
    for unit in ("systemd-journald.socket", "systemd-journald.service", "grab-log.socket"):
        st = c.exec([DEBIAN_SYSTEMCTL, "is-active", unit], timeout=20).stdout.strip()
        assert st == "inactive", (unit, st)

    # one line per skipped unit, one warning for the socket that asked for /dev/log; no dependency
    # failure, no errno 0 anywhere
    out = c.output()
    skipped = [n for n, t in SYSTEMD_UNITS.items() if t and n != "syslog.socket"]
    for unit in skipped:
        assert len(re.findall(rf"^tinysd\[1\]: {re.escape(unit)}: skipped in a container: .*$", out, re.M)) == 1, (unit, out)
    assert len(re.findall(r"^tinysd\[1\]: grab-log\.socket: not started: /dev/log is PID 1's own socket; "
                          r"nobody else may bind it\.$", out, re.M)) == 1, out
    for bad in ("No error information", ": Success", "Job ", "DEPEND", "FAILED", "not found", "ordering cycle"):
        assert bad not in out, (bad, out)
