# SPDX-License-Identifier: MIT
"""systemd 252's unit file cache rule (issue 20, item 3), checked with Debian's systemctl.

Contract (252's manager_unit_cache_should_retry_load() and unit_need_daemon_reload()): a unit file
written after boot is found when first referenced, without daemon-reload; a unit that was looked up
while it had no file (not-found) is loaded again when referenced after its file appeared; a unit
whose fragment or drop-ins changed on disk says NeedDaemonReload=yes (and systemctl warns), until
daemon-reload."""
import os
import time

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
UNIT = """[Unit]
Description={d}
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
"""


def ctl(c, *args):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=30)


def write(c, path, text):
    p = c.path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    # a later mtime than what was loaded, even on a filesystem with coarse timestamps
    t = time.time() + 2
    os.utime(p, (t, t))
    os.utime(p.parent, (t, t))


def show(c, prop, unit):
    return ctl(c, "show", "-P", prop, unit).stdout.strip()


def test_unit_written_after_boot_is_found(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    write(c, "/etc/systemd/system/fresh.service", UNIT.format(d="Fresh"))
    r = ctl(c, "start", "fresh.service")
    assert r.returncode == 0, r.stderr
    assert show(c, "ActiveState", "fresh.service") == "active"


def test_not_found_unit_is_loaded_again(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    r = ctl(c, "start", "late.service")
    assert r.returncode == 5
    assert "Unit late.service not found." in r.stderr
    assert show(c, "LoadState", "late.service") == "not-found"
    write(c, "/etc/systemd/system/late.service", UNIT.format(d="Late"))
    assert show(c, "LoadState", "late.service") == "loaded"
    r = ctl(c, "start", "late.service")
    assert r.returncode == 0, r.stderr
    assert show(c, "ActiveState", "late.service") == "active"
    assert show(c, "Description", "late.service") == "Late"


def test_need_daemon_reload(boot):
    c = boot(units={"x.service": UNIT.format(d="X")})
    c.wait_for(MULTI_USER)
    assert ctl(c, "start", "x.service").returncode == 0
    assert show(c, "NeedDaemonReload", "x.service") == "no"
    write(c, "/etc/systemd/system/x.service", UNIT.format(d="X changed"))
    assert show(c, "NeedDaemonReload", "x.service") == "yes"
    r = ctl(c, "status", "x.service")
    assert "changed on disk" in r.stderr
    assert ctl(c, "daemon-reload").returncode == 0
    assert show(c, "NeedDaemonReload", "x.service") == "no"
    assert show(c, "Description", "x.service") == "X changed"
    # a new drop-in
    write(c, "/etc/systemd/system/x.service.d/10-desc.conf", "[Unit]\nDescription=X dropin\n")
    assert show(c, "NeedDaemonReload", "x.service") == "yes"
    assert ctl(c, "daemon-reload").returncode == 0
    assert show(c, "NeedDaemonReload", "x.service") == "no"
    assert show(c, "Description", "x.service") == "X dropin"
    # the drop-in changed, then removed
    write(c, "/etc/systemd/system/x.service.d/10-desc.conf", "[Unit]\nDescription=X dropin 2\n")
    assert show(c, "NeedDaemonReload", "x.service") == "yes"
    assert ctl(c, "daemon-reload").returncode == 0
    os.unlink(c.path("/etc/systemd/system/x.service.d/10-desc.conf"))
    assert show(c, "NeedDaemonReload", "x.service") == "yes"


def test_target_pulls_unit_whose_file_appeared(boot):
    """252's TEST-48: the transaction loads a not-found dependency anew once its file exists."""
    c = boot(units={"t48.target": "[Unit]\nWants=w48.service\n"})
    c.wait_for(MULTI_USER)
    assert ctl(c, "start", "t48.target").returncode == 0
    assert show(c, "LoadState", "w48.service") == "not-found"
    write(c, "/etc/systemd/system/w48.service", UNIT.format(d="W48"))
    assert ctl(c, "restart", "t48.target").returncode == 0
    assert show(c, "ActiveState", "w48.service") == "active"
