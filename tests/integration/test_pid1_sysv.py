# SPDX-License-Identifier: MIT
"""An image with tinysd and no systemd: a package that ships only an /etc/init.d script (with an
LSB header, a chkconfig pidfile: hint and rc2.d..rc5.d links, as update-rc.d leaves them) gets its
unit from tinysd's built-in SysV generator, is started at boot as enabled, and is queried,
stopped, started and restarted with Debian's systemctl 252 and with tinysd's (bound over
/usr/bin/systemctl), with Debian's `service` and by its Provides: alias. The harness hides the
host's systemd-sysv-generator (pid1.VENDOR_UNIT_DIRS), so the built-in one runs."""
import os
import re

import pytest

from pid1 import MULTI_USER, started, stopped

SYSTEMCTL = "/usr/bin/systemctl"
SERVICE = "/usr/sbin/service"
SYSV_INSTALL = "/usr/lib/systemd/systemd-sysv-install"

pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK) or not os.access(SERVICE, os.X_OK)
                                or not os.access("/sbin/start-stop-daemon", os.X_OK),
                                reason="needs Debian's systemctl, service and start-stop-daemon")

DEMO = """#!/bin/sh
# pidfile: /run/demo.pid
### BEGIN INIT INFO
# Provides:          demo demo-compat
# Required-Start:    $remote_fs $syslog $network
# Required-Stop:     $remote_fs $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Demo daemon from an init script
### END INIT INFO
PIDFILE=/run/demo.pid
case "$1" in
start)
        echo "demo: starting"
        exec start-stop-daemon --start --background --make-pidfile --pidfile $PIDFILE --exec /bin/sleep -- 1000
        ;;
stop)
        echo "demo: stopping"
        exec start-stop-daemon --stop --retry 5 --remove-pidfile --pidfile $PIDFILE
        ;;
status)
        exec start-stop-daemon --status --pidfile $PIDFILE
        ;;
*)
        echo "Usage: $0 {start|stop|status|restart|force-reload}" >&2
        exit 3
        ;;
esac
"""
DESCRIPTION = "LSB: Demo daemon from an init script"
OTHER = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: other\n# Default-Start: 2 3 4 5\n### END INIT INFO\nexit 0\n"


@pytest.fixture(params=["debian", "tinysd"])
def box(request, boot, tinysd):
    binds = {} if request.param == "debian" else {SYSTEMCTL: tinysd}
    c = boot(start=False, binds=binds, files={"/etc/init.d/demo": DEMO, "/etc/init.d/other": OTHER})
    for level in "2345":
        c.path(f"/etc/rc{level}.d/S01demo").symlink_to("../init.d/demo")
    c.start()
    c.wait_for(MULTI_USER)
    c.wait_for(started("demo.service", DESCRIPTION))
    return c


def ctl(c, *args):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=20)


def sleeper(c):
    return [p.pid for p in c.pids() if p.comm in ("sleep", "start-stop-daem")]


def daemon_is(c, pid):
    """The daemon is PID (the background start-stop-daemon child may not have exec'd sleep yet)."""
    c.wait_until(lambda: [p.pid for p in c.pids() if p.comm == "sleep"] == [pid], what=f"sleep as {pid} only")


def test_generated_unit_started_at_boot_and_status(box):
    pid = int(box.path("/run/demo.pid").read_text())
    daemon_is(box, pid)
    r = ctl(box, "status", "demo.service")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"● demo.service - {DESCRIPTION}"
    assert re.match(r"\s+Loaded: loaded \(/etc/init\.d/demo; generated\)$", lines[1]), lines[1]
    assert re.match(r"\s+Active: active \(running\) since ", lines[2]), lines[2]
    assert re.search(rf"Main PID: {pid} \(sleep\)", r.stdout), r.stdout
    assert "Docs: man:systemd-sysv-generator(8)" in r.stdout
    # what invoke-rc.d asks
    assert ctl(box, "show", "--value", "--property", "SourcePath", "demo.service").stdout == "/etc/init.d/demo\n"
    assert ctl(box, "-p", "LoadState", "show", "demo.service").stdout == "LoadState=loaded\n"
    assert ctl(box, "-p", "CanReload", "show", "demo.service").stdout == "CanReload=no\n"
    r = ctl(box, "show", "-p", "Type,PIDFile,RemainAfterExit,Names", "demo.service")
    assert sorted(r.stdout.splitlines()) == ["Names=demo.service demo-compat.service", "PIDFile=/run/demo.pid",
                                             "RemainAfterExit=no", "Type=forking"], r.stdout



def test_is_enabled_asks_the_rc_links(box):
    """As 252 does for a script without a native unit (a generated one does not count):
    systemd-sysv-install answers from the rc links, not PID 1."""
    r = ctl(box, "is-enabled", "demo.service")
    assert (r.returncode, r.stdout) == (0, "enabled\n"), r.stderr
    assert r.stderr == ("demo.service is not a native service, redirecting to systemd-sysv-install.\n"
                        "Executing: /lib/systemd/systemd-sysv-install is-enabled demo\n")
    r = ctl(box, "is-enabled", "other")
    assert (r.returncode, r.stdout) == (1, "disabled\n"), r.stderr
    r = ctl(box, "--quiet", "is-enabled", "demo", "other")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_is_enabled_without_systemd_sysv_install(boot, tinysd):
    """An image without systemd has no systemd-sysv-install: tinysd's systemctl looks at the rc
    links itself."""
    c = boot(start=False, binds={SYSTEMCTL: tinysd, SYSV_INSTALL: "/dev/null"},
             files={"/etc/init.d/demo": DEMO, "/etc/init.d/other": OTHER})
    c.path("/etc/rc2.d/S01demo").symlink_to("../init.d/demo")
    c.path("/etc/rc5.d/S01demo").symlink_to("../init.d/demo")
    c.start()
    c.wait_for(MULTI_USER)
    r = ctl(c, "is-enabled", "demo.service")
    assert (r.returncode, r.stdout) == (0, "enabled\n"), r.stderr
    assert "Executing: ls /etc/rc[S5].d/S??demo" in r.stderr
    r = ctl(c, "is-enabled", "other.service")
    assert (r.returncode, r.stdout) == (1, "disabled\n"), r.stderr


def test_stop_start_restart(box):
    first = int(box.path("/run/demo.pid").read_text())
    r = ctl(box, "stop", "demo-compat.service")          # by its Provides: alias
    assert r.returncode == 0, r.stderr
    box.wait_for(stopped("demo.service", DESCRIPTION))
    assert (ctl(box, "is-active", "demo.service").stdout, sleeper(box)) == ("inactive\n", [])
    assert not box.path("/run/demo.pid").exists()
    assert re.search(r"demo: stopping", box.output())
    r = ctl(box, "start", "demo.service")
    assert r.returncode == 0, r.stderr
    second = int(box.path("/run/demo.pid").read_text())
    assert second != first
    daemon_is(box, second)
    r = ctl(box, "restart", "demo.service")
    assert r.returncode == 0, r.stderr
    third = int(box.path("/run/demo.pid").read_text())
    assert third != second
    daemon_is(box, third)
    assert ctl(box, "is-active", "demo.service").stdout == "active\n"


def test_service_command(box):
    """Debian's service(8) turns start/stop/status into systemctl calls when systemd runs."""
    r = box.exec([SERVICE, "demo", "stop"], timeout=20)
    assert r.returncode == 0, r.stdout + r.stderr
    assert sleeper(box) == []
    r = box.exec([SERVICE, "demo", "status"], env={"SYSTEMD_PAGER": ""}, timeout=20)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Active: inactive (dead)" in r.stdout
    r = box.exec([SERVICE, "demo", "start"], timeout=20)
    assert r.returncode == 0, r.stdout + r.stderr
    daemon_is(box, int(box.path("/run/demo.pid").read_text()))
