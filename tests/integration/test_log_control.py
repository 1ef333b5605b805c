# SPDX-License-Identifier: MIT
"""org.freedesktop.LogControl1 on PID 1 (issue 20, item 1): `systemctl log-level/log-target` and
`systemd-analyze log-level/log-target` with Debian's clients (252) and tinysd's systemctl.

Contract (systemd 252's bus_manager_log_control_vtable and verb_log_control_common()): the object
/org/freedesktop/LogControl1 has LogLevel and LogTarget, writable by root on the private socket,
and SyslogIdentifier; the Manager's LogLevel/LogTarget are the same values; an invalid target is
refused by PID 1 with "Invalid log target 'X'"; an empty value restores the level PID 1 started
with; an unprivileged caller gets AccessDenied and nothing changes. service-log-level of a unit
without BusName= and without a system bus answers as 252 does: it cannot connect to the bus."""
import json
import os
import pathlib

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
ANALYZE = "/usr/bin/systemd-analyze"
RAW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dbus_raw.py")
LOG_CONTROL = "/org/freedesktop/LogControl1"


def clients(tinysd):
    """(name, argv prefix for `systemctl`) for Debian's and tinysd's systemctl."""
    return [("debian", [SYSTEMCTL, "--no-pager"]), ("tinysd", [str(pathlib.Path(tinysd).with_name("systemctl"))])]


@pytest.fixture
def box(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    return c


def run(c, *argv):
    return c.exec(list(argv), timeout=20)


def out(c, *argv):
    r = run(c, *argv)
    assert r.returncode == 0, f"{argv}: {r.stderr}"
    return r.stdout.strip()


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_log_level_get_and_set(box, tinysd, client):
    ctl = dict(clients(tinysd))[client]
    assert out(box, *ctl, "log-level") == "notice"
    assert out(box, *ctl, "log-target") == "console"
    assert run(box, *ctl, "log-level", "debug").returncode == 0
    assert out(box, *ctl, "log-level") == "debug"
    box.wait_for(r"Setting log level to debug\.$")
    # the Manager's property is the same value
    assert out(box, SYSTEMCTL, "show", "-P", "LogLevel") == "debug"
    # systemd-analyze talks to the same object
    assert run(box, ANALYZE, "log-level", "info").returncode == 0
    assert out(box, ANALYZE, "log-level") == "info"
    assert out(box, *ctl, "log-level") == "info"
    assert run(box, ANALYZE, "log-target", "journal").returncode == 0
    assert out(box, *ctl, "log-target") == "journal"
    assert out(box, ANALYZE, "log-target") == "journal"
    assert run(box, *ctl, "log-target", "console").returncode == 0
    assert out(box, SYSTEMCTL, "show", "-P", "LogTarget") == "console"
    # numbers are levels too (log_level_from_string)
    assert run(box, *ctl, "log-level", "5").returncode == 0
    assert out(box, *ctl, "log-level") == "notice"


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_invalid_values(box, tinysd, client):
    ctl = dict(clients(tinysd))[client]
    r = run(box, *ctl, "log-level", "bogus")
    assert r.returncode == 1
    assert r.stderr.strip() == '"bogus" is not a valid log level.'
    r = run(box, *ctl, "log-target", "bogus")
    assert r.returncode == 1
    assert r.stderr.strip() == ("Failed to set log target of org.freedesktop.systemd1 to bogus: "
                                "Invalid log target 'bogus'")
    assert out(box, *ctl, "log-target") == "console"


def raw(c, calls, uid=None):
    argv = ["python3", RAW, "--batch"]
    if uid is not None:
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all"] + argv
    r = c.exec(argv, privileged=uid is not None, input=json.dumps(calls), timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def get(name, socket="/run/tinysd/bus-readonly"):
    return {"path": LOG_CONTROL, "interface": "org.freedesktop.DBus.Properties", "member": "Get", "socket": socket,
            "signature": "ss", "args": ["org.freedesktop.LogControl1", name]}


def set_(name, value, socket="/run/systemd/private"):
    return {"path": LOG_CONTROL, "interface": "org.freedesktop.DBus.Properties", "member": "Set", "socket": socket,
            "signature": "ssv", "args": ["org.freedesktop.LogControl1", name, ["s", value]]}


def test_object_and_access(box):
    ro = "/run/tinysd/bus-readonly"
    res = raw(box, [get("LogLevel"), get("LogTarget"), get("SyslogIdentifier"), set_("LogLevel", "debug", ro),
                    get("LogLevel")], uid=65534)
    assert [r["values"] for r in res[:3]] == [[["s", "notice"]], [["s", "console"]], [["s", "tinysd"]]]
    assert res[3]["kind"] == "error" and res[3]["name"] == "org.freedesktop.DBus.Error.AccessDenied"
    assert res[4]["values"] == [["s", "notice"]]
    res = raw(box, [set_("SyslogIdentifier", "x"), set_("LogLevel", "debug"), get("LogLevel"), set_("LogLevel", ""),
                    get("LogLevel")])
    assert res[0]["name"] == "org.freedesktop.DBus.Error.PropertyReadOnly"
    assert res[1]["kind"] == "return"
    assert res[2]["values"] == [["s", "debug"]]
    assert res[3]["kind"] == "return"
    assert res[4]["values"] == [["s", "notice"]]   # the empty value restores the level PID 1 started with
    box.wait_for(r"Restoring log level to original \(notice\)\.$")


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_service_log_level_without_system_bus(box, tinysd, client):
    ctl = dict(clients(tinysd))[client]
    r = run(box, *ctl, "service-log-level", "multi-user.target", "debug")
    assert r.returncode == 1
    assert r.stderr.strip() == "Failed to connect to bus: No such file or directory"
