# SPDX-License-Identifier: MIT
"""tinysd as PID 1: daemon-reload (or SIGHUP) while a unit's processes run.

Contract (systemd 252, issue 15 finding 6): a reload replaces every unit's configuration, but a
command that is running when it happens is not disturbed. When it exits, the rest of its command
list runs if the command is still in the new configuration; if the unit file changed it ("Current
command vanished from the unit file, execution of the command list won't be resumed.") or was
removed, the list is not resumed and the unit goes on to its next state. Nothing of the old
configuration is read after the reload: the ASan build reports any such read, and the fixture fails
the test on a report. Each phase's first command marks that it began (/run/PHASE-1) and sleeps; the
second marks that the list was resumed (/run/PHASE-2)."""
import json
import os
import signal
import time

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")

SLEEP = 2   # long enough for the reload to land while the first command runs


def ctl(c, *args):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=30)


def phase_lines(key, name, first_extra=""):
    return (f"{key}=/bin/sh -c 'touch /run/{name}-1; sleep {SLEEP}{first_extra}'\n"
            f"{key}=/bin/touch /run/{name}-2\n")


def service_text(key, first_extra=""):
    return ("[Unit]\nDescription=Phases\n[Service]\nExecStart=/bin/sleep 1000\n"
            + phase_lines(key, key, first_extra))


def socket_text(key, first_extra=""):
    return ("[Unit]\nDescription=Phases Socket\n[Socket]\nListenStream=/run/phases.sock\n"
            + phase_lines(key, key, first_extra))


SOCKET_SERVICE = "[Unit]\nDescription=Phases Service\n[Service]\nExecStart=/bin/sleep 1000\n"

# phase -> (unit, how the phase is entered after boot (None: at boot), active state afterwards)
SERVICE_PHASES = {
    "ExecStartPre": (None, "active"),
    "ExecStartPost": (None, "active"),
    "ExecReload": (("reload", "--no-block", "phases.service"), "active"),
    "ExecStop": (("stop", "--no-block", "phases.service"), "inactive"),
    "ExecStopPost": (("stop", "--no-block", "phases.service"), "inactive"),
}
SOCKET_PHASES = {
    "ExecStartPre": (None, "active"),
    "ExecStartPost": (None, "active"),
    "ExecStopPre": (("stop", "--no-block", "phases.socket"), "inactive"),
    "ExecStopPost": (("stop", "--no-block", "phases.socket"), "inactive"),
}


def boot_phase(boot, kind, key):
    if kind == "service":
        return boot(units={"phases.service": service_text(key)}, enable=["phases.service"]), "phases.service"
    c = boot(units={"phases.socket": socket_text(key), "phases.service": SOCKET_SERVICE},
             enable={"phases.socket": "sockets.target"})
    return c, "phases.socket"


def reload_while_running(c, unit, key, trigger, change, how):
    if how:
        c.wait_for(MULTI_USER)
        assert ctl(c, *how).returncode == 0
    c.wait_for_path(f"/run/{key}-1")
    if change == "changed":
        text = service_text if unit.endswith(".service") else socket_text
        c.write_unit(unit, text(key, first_extra="; true"))
    elif change == "removed":
        c.path(f"/etc/systemd/system/{unit}").unlink()
    if trigger == "daemon-reload":
        assert ctl(c, "daemon-reload").returncode == 0
    else:
        c.signal(signal.SIGHUP)


def settled(c, unit, state):
    c.wait_until(lambda: ctl(c, "is-active", unit).stdout.strip() == state, timeout=SLEEP + 8,
                 what=f"{unit} {state}")


CASES = [(t, ch) for t in ("daemon-reload", "sighup") for ch in ("unchanged", "changed", "removed")
         if t == "daemon-reload" or ch == "unchanged"]


@pytest.mark.parametrize("trigger,change", CASES)
@pytest.mark.parametrize("key", SERVICE_PHASES)
def test_reload_during_a_service_command(boot, key, trigger, change):
    c, unit = boot_phase(boot, "service", key)
    how, final = SERVICE_PHASES[key]
    reload_while_running(c, unit, key, trigger, change, how)
    if change == "unchanged":
        c.wait_for_path(f"/run/{key}-2", timeout=SLEEP + 8)
        settled(c, unit, final)
    elif change == "changed":
        settled(c, unit, final)
        assert not c.path(f"/run/{key}-2").exists(), "the list was resumed though its command changed"
        assert "Current command vanished from the unit file, execution of the command list won't be resumed." in c.output()
    else:
        time.sleep(SLEEP + 1)
        assert not c.path(f"/run/{key}-2").exists()
    assert c.running()
    assert c.stop() == 0


@pytest.mark.parametrize("trigger,change", CASES)
@pytest.mark.parametrize("key", SOCKET_PHASES)
def test_reload_during_a_socket_command(boot, key, trigger, change):
    c, unit = boot_phase(boot, "socket", key)
    how, final = SOCKET_PHASES[key]
    reload_while_running(c, unit, key, trigger, change, how)
    if change == "unchanged":
        c.wait_for_path(f"/run/{key}-2", timeout=SLEEP + 8)
        settled(c, unit, final)
    elif change == "changed":
        settled(c, unit, final)
        assert not c.path(f"/run/{key}-2").exists(), "the list was resumed though its command changed"
    else:
        time.sleep(SLEEP + 1)
        assert not c.path(f"/run/{key}-2").exists()
    assert c.running()
    assert c.stop() == 0


def test_a_command_moved_in_the_list_is_resumed_where_it_now_is(boot):
    # systemd looks for the running command at its index, then anywhere in the list
    c, unit = boot_phase(boot, "service", "ExecStartPre")
    c.wait_for_path("/run/ExecStartPre-1")
    c.write_unit(unit, "[Unit]\nDescription=Phases\n[Service]\nExecStart=/bin/sleep 1000\n"
                       "ExecStartPre=/bin/touch /run/inserted\n" + phase_lines("ExecStartPre", "ExecStartPre"))
    assert ctl(c, "daemon-reload").returncode == 0
    c.wait_for_path("/run/ExecStartPre-2", timeout=SLEEP + 8)
    settled(c, unit, "active")
    assert not c.path("/run/inserted").exists(), "a command before the running one ran"


@pytest.mark.parametrize("change", ["unchanged", "changed", "removed"])
def test_reload_during_the_restart_delay(boot, change):
    c = boot(units={"again.service": """
        [Unit]
        Description=Again
        StartLimitIntervalSec=0
        [Service]
        ExecStart=/bin/sh -c 'echo run >> /run/again; exit 1'
        Restart=always
        RestartSec=2
        """}, enable=["again.service"])
    c.wait_for_path("/run/again")
    c.wait_until(lambda: ctl(c, "show", "-P", "SubState", "again.service").stdout.strip() == "auto-restart",
                 what="the restart delay")
    if change == "changed":
        c.write_unit("again.service", "[Unit]\nDescription=Again\n[Service]\n"
                                      "ExecStart=/bin/sh -c 'echo new >> /run/again; sleep 1000'\n")
    elif change == "removed":
        c.path("/etc/systemd/system/again.service").unlink()
    assert ctl(c, "daemon-reload").returncode == 0
    if change == "removed":
        # a unit without a file cannot be started again: the restart fails, PID 1 goes on
        time.sleep(3)
        assert ctl(c, "is-active", "again.service").stdout.strip() != "active"
    else:
        c.wait_for_path("/run/again", contains="run\nnew\n" if change == "changed" else "run\nrun\n", timeout=8)
    assert c.running()
    assert c.stop() == 0


def test_reload_while_a_job_waits(boot):
    # b's start job waits for a (ordered after it) while a's ExecStartPre= runs; a reload changes
    # b meanwhile: both jobs finish, b with its new command
    c = boot(units={
        "a.service": "[Unit]\nDescription=A\n[Service]\nExecStartPre=/bin/sh -c 'touch /run/a-1; sleep 2'\n"
                     "ExecStart=/bin/sleep 1000\n",
        "b.service": "[Unit]\nDescription=B\nAfter=a.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                     "ExecStart=/bin/touch /run/b-old\n"},
        enable=["a.service", "b.service"])
    c.wait_for_path("/run/a-1")
    c.write_unit("b.service", "[Unit]\nDescription=B\nAfter=a.service\n[Service]\nType=oneshot\n"
                              "RemainAfterExit=yes\nExecStart=/bin/touch /run/b-new\n")
    assert ctl(c, "daemon-reload").returncode == 0
    c.wait_for(MULTI_USER, timeout=10)
    assert c.path("/run/b-new").exists() and not c.path("/run/b-old").exists()
    assert ctl(c, "is-active", "a.service", "b.service").stdout.split() == ["active", "active"]
    assert c.stop() == 0


PEER = r"""
import json, os, socket, sys, time
sys.path.insert(0, sys.argv[1])
import dbus_raw
UNIT = "/org/freedesktop/systemd1/unit/web_2eservice"
c = dbus_raw.Client("/run/systemd/private", timeout=30)
c.s.setblocking(False)
sent = []
try:
    while len(sent) < 4000:
        iface = ("org.freedesktop.systemd1.Unit", "org.freedesktop.systemd1.Service")[len(sent) % 2]
        c.s.send(dbus_raw.method_call(len(sent) + 1, UNIT, "org.freedesktop.DBus.Properties", "GetAll",
                                      (iface,)))
        sent.append(iface)
except BlockingIOError:
    pass
open("/tmp/peer-sent", "w").write(str(len(sent)))
while not os.path.exists("/tmp/peer-go"):
    time.sleep(0.05)
c.s.settimeout(30)
seen = {}
for _ in sent:
    typ, fields, body, sig = c._message()
    if typ != 2:
        seen["error"] = seen.get("error", 0) + 1
        continue
    props = dict(dbus_raw.unmarshal(sig, body)[0])
    if "Description" in props:
        key = "Description=" + props["Description"][1]
    else:
        key = "ExecStart=" + " ".join(props["ExecStart"][1][0][1])
    seen[key] = seen.get(key, 0) + 1
json.dump(seen, open("/tmp/peer-result", "w"))
"""


def test_reload_while_replies_wait_for_a_slow_reader(boot):
    """A root peer queues thousands of GetAll calls on a unit and reads nothing: PID 1 builds
    replies until 256 KiB wait, then stops taking the peer's requests. A daemon-reload that changes
    the unit lands meanwhile. Every reply then read holds the old or the new configuration whole
    (the replies built before the reload are bytes, not pointers into the old configuration; the
    requests still unread are answered from the new one); the ASan build reports any read of freed
    configuration."""
    old = "[Unit]\nDescription=Old Web\n[Service]\nExecStart=/bin/sleep 1000\n"
    new = "[Unit]\nDescription=New Web\n[Service]\nExecStart=/bin/sleep 2000\n"
    c = boot(units={"web.service": old}, enable=["web.service"])
    c.wait_for(MULTI_USER)
    here = os.path.dirname(os.path.abspath(__file__))
    assert c.exec(["sh", "-c", f"python3 -c '{PEER}' {here} >/tmp/peer-log 2>&1 </dev/null &"]).returncode == 0
    sent = int(c.wait_for_path("/tmp/peer-sent", timeout=30).read_text())
    c.write_unit("web.service", new)
    assert ctl(c, "daemon-reload").returncode == 0
    c.path("/tmp/peer-go").write_text("")
    seen = json.loads(c.wait_for_path("/tmp/peer-result", timeout=60).read_text())
    assert sum(seen.values()) == sent, (seen, c.path("/tmp/peer-log").read_text())
    assert set(seen) <= {"Description=Old Web", "Description=New Web",
                         "ExecStart=/bin/sleep 1000", "ExecStart=/bin/sleep 2000"}, seen
    # the peer filled its socket well past PID 1's reply budget, so both configurations were served
    assert seen.get("Description=Old Web") and seen.get("Description=New Web"), seen
    assert seen.get("ExecStart=/bin/sleep 1000") and seen.get("ExecStart=/bin/sleep 2000"), seen
    assert ctl(c, "is-active", "web.service").stdout.strip() == "active"
    assert c.running()
    assert c.stop() == 0
