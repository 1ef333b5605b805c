# SPDX-License-Identifier: MIT
"""PID 1 on the system bus (issue 16), with the host's dbus-daemon running in the container as
Debian's dbus.socket + dbus.service run it (--address=systemd: --systemd-activation).

Checked from outside, with the distribution's own clients:
* org.freedesktop.systemd1 is on the bus: busctl as root reads the manager's properties and
  starts a unit through it; busctl and Debian's systemctl as an unprivileged user read states
  through the bus and get "Access denied" for anything that changes state (the private socket is
  root's only), exactly as on the read-only socket.
* A Type=dbus service stays "activating" until its BusName= appears on the bus, and what is
  ordered after it waits; then it is active.
* Bus activation: hostnamectl asks for org.freedesktop.hostname1, whose systemd-hostnamed is
  skipped in a container: it fails at once (ActivationFailure), not after dbus-daemon's 25 s; an
  activatable name whose unit does not exist fails at once too; one whose unit exists is started.
* dbus restarted: PID 1 is back on the bus.
"""
import json
import os
import shutil

import pytest


HERE = os.path.dirname(os.path.abspath(__file__))
DBUS_DAEMON = "/usr/bin/dbus-daemon"
SYSTEMCTL = "/usr/bin/systemctl"
NOBODY = 65534

pytestmark = pytest.mark.skipif(not (os.access(DBUS_DAEMON, os.X_OK) and shutil.which("busctl")
                                     and os.path.exists("/usr/share/dbus-1/system.conf")),
                                reason="dbus-daemon (Debian's dbus package) or busctl is not installed")

# The system bus's own configuration, plus names the test's services may own and activate.
BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/system.conf</include>
  <servicedir>/etc/tinysd/bus-services</servicedir>
  <policy user="root">
    <allow own="org.example.Waiter"/>
    <allow own="org.example.Activated"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.example.Activated"/>
    <allow send_destination="org.example.Missing"/>
  </policy>
</busconfig>
"""

# Debian's units, with the test's configuration file.
DBUS_SOCKET = """[Unit]
Description=D-Bus System Message Bus Socket
[Socket]
ListenStream=/run/dbus/system_bus_socket
[Install]
WantedBy=sockets.target
"""
DBUS_SERVICE = """[Unit]
Description=D-Bus System Message Bus
Requires=dbus.socket
[Service]
ExecStart=/usr/bin/dbus-daemon --config-file=/etc/tinysd/bus.conf --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only
ExecReload=/usr/bin/dbus-send --print-reply --system --type=method_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.ReloadConfig
"""

# Connects, says Hello, and takes its name only once /run/go exists; then holds it.
OWNER = f"""#!/usr/bin/python3
import os, sys, time
sys.path.insert(0, {HERE!r})
import dbus_raw as d
name = sys.argv[1]
c = d.Client("/run/dbus/system_bus_socket")
def call(member, sig, args):
    c.serial += 1
    c.s.sendall(d.method_call(c.serial, "/org/freedesktop/DBus", "org.freedesktop.DBus", member, args,
                              destination="org.freedesktop.DBus", signature=sig))
    while True:
        typ, fields, body, s = c._message()
        if typ in (2, 3) and fields.get(5) == c.serial:
            return typ, d.unmarshal(s, body)
call("Hello", "", [])
while len(sys.argv) > 2 and not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
print("RequestName", call("RequestName", "su", [name, 0]), flush=True)
c.s.settimeout(None)
while True:
    c._message()
"""

WAITER = """[Unit]
Description=Waits For Its Name
[Service]
Type=dbus
BusName=org.example.Waiter
ExecStart=/opt/test/owner org.example.Waiter /run/go
[Install]
WantedBy=multi-user.target
"""
AFTER_WAITER = """[Unit]
Description=After The Waiter
After=waiter.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/touch /run/after-waiter
[Install]
WantedBy=multi-user.target
"""
ACTIVATED = """[Unit]
Description=Bus Activated
[Service]
Type=dbus
BusName=org.example.Activated
ExecStart=/opt/test/owner org.example.Activated
"""
# systemd's own hostnamed, under its D-Bus alias as Debian links it: skipped in a container.
HOSTNAMED = """[Unit]
Description=Hostname Service
[Service]
BusName=org.freedesktop.hostname1
ExecStart=/lib/systemd/systemd-hostnamed
"""

BUS_SERVICES = {
    "org.example.Activated": "dbus-org.example.Activated.service",
    "org.example.Missing": "dbus-org.example.Missing.service",
}


def nobody(argv):
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all"] + argv


def start(boot):
    files = {"/etc/tinysd/bus.conf": BUS_CONF, "/opt/test/owner": OWNER}
    for name, unit in BUS_SERVICES.items():
        files[f"/etc/tinysd/bus-services/{name}.service"] = (
            f"[D-BUS Service]\nName={name}\nExec=/bin/false\nUser=root\nSystemdService={unit}\n")
    units = {"dbus.socket": DBUS_SOCKET, "dbus.service": DBUS_SERVICE, "waiter.service": WAITER,
             "after-waiter.service": AFTER_WAITER, "dbus-org.example.Activated.service": ACTIVATED,
             "dbus-org.freedesktop.hostname1.service": HOSTNAMED}
    return boot(units=units, files=files,
                enable={"dbus.socket": "sockets.target", "waiter.service": None, "after-waiter.service": None})


def busctl(c, *args, user=None, timeout=15):
    argv = ["busctl", "--system", "--no-pager"] + list(args)
    return c.exec(nobody(argv) if user == NOBODY else argv, timeout=timeout)


def on_bus(c):
    r = busctl(c, "list", "--acquired")
    return r.returncode == 0 and "org.freedesktop.systemd1" in r.stdout


def test_type_dbus_waits_for_its_name_then_systemd1_answers_on_the_bus(boot):
    c = start(boot)
    # the waiter's process runs and is connected, but its name is not there: still activating
    c.wait_until(lambda: on_bus(c), timeout=30, what="org.freedesktop.systemd1 on the system bus")
    r = c.exec([SYSTEMCTL, "is-active", "waiter.service"])
    assert r.stdout.strip() == "activating", r.stdout + r.stderr
    assert not os.path.exists(c.path("/run/after-waiter"))
    c.write_file("/run/go", "")
    c.wait_until(lambda: c.exec([SYSTEMCTL, "is-active", "waiter.service"]).stdout.strip() == "active",
                 timeout=30, what="waiter.service active once its name appeared")
    c.wait_for_path("/run/after-waiter", timeout=30)

    # busctl as root, through the bus: properties and a method that changes state
    r = busctl(c, "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
               "org.freedesktop.systemd1.Manager", "Version")
    assert r.returncode == 0 and r.stdout.startswith('s "'), r.stdout + r.stderr
    r = busctl(c, "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
               "org.freedesktop.systemd1.Manager", "StopUnit", "ss", "after-waiter.service", "replace")
    assert r.returncode == 0 and r.stdout.startswith("o "), r.stdout + r.stderr
    c.wait_until(lambda: c.exec([SYSTEMCTL, "is-active", "after-waiter.service"]).stdout.strip() == "inactive",
                 timeout=30, what="after-waiter.service stopped through the bus")

    # unprivileged: reads answer, changes are refused by PID 1 (its uid came from the bus)
    r = busctl(c, "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1/unit/waiter_2eservice",
               "org.freedesktop.systemd1.Unit", "ActiveState", user=NOBODY)
    assert r.returncode == 0 and r.stdout.strip() == 's "active"', r.stdout + r.stderr
    r = busctl(c, "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
               "org.freedesktop.systemd1.Manager", "StopUnit", "ss", "waiter.service", "replace", user=NOBODY)
    assert r.returncode != 0 and "Access denied" in r.stderr, r.stdout + r.stderr
    if os.access(SYSTEMCTL, os.X_OK):
        r = c.exec(nobody([SYSTEMCTL, "is-active", "waiter.service"]), timeout=15)
        assert r.returncode == 0 and r.stdout.strip() == "active", r.stdout + r.stderr
        r = c.exec(nobody([SYSTEMCTL, "status", "--no-pager", "waiter.service"]), timeout=15)
        assert "Active: active (running)" in r.stdout, r.stdout + r.stderr
        r = c.exec(nobody([SYSTEMCTL, "stop", "waiter.service"]), timeout=15)
        assert r.returncode != 0 and "Access denied" in r.stderr, r.stdout + r.stderr
    assert c.exec([SYSTEMCTL, "is-active", "waiter.service"]).stdout.strip() == "active"


def test_bus_activation_starts_the_unit_or_fails_at_once(boot):
    c = start(boot)
    c.wait_until(lambda: on_bus(c), timeout=30, what="org.freedesktop.systemd1 on the system bus")
    # systemd-hostnamed is systemd's own, skipped: the client fails at once (its timeout is 25 s)
    r = c.exec(["hostnamectl", "status"], timeout=15)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "systemd's own" in r.stderr, r.stderr
    # an activatable name without a unit
    r = busctl(c, "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
               "StartServiceByName", "su", "org.example.Missing", "0", timeout=15)
    assert r.returncode != 0 and "not found" in r.stderr.lower(), r.stdout + r.stderr
    # an activatable name whose unit exists: started, ready when its name appears
    r = busctl(c, "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
               "StartServiceByName", "su", "org.example.Activated", "0", timeout=15)
    assert r.returncode == 0 and r.stdout.strip() == "u 1", r.stdout + r.stderr
    assert c.exec([SYSTEMCTL, "is-active", "dbus-org.example.Activated.service"]).stdout.strip() == "active"


@pytest.mark.skipif(not os.access("/usr/bin/systemd-run", os.X_OK), reason="Debian's systemd-run is not installed")
def test_debian_systemd_run_wait_follows_its_unit_through_the_bus(boot):
    """252's systemd-run --wait goes through the system bus (AddRef is not served on the private
    socket there): the unit is held while it waits, its PropertiesChanged reach it through the bus,
    and once it has left the bus the unit is collected (conformance script 27)."""
    c = start(boot)
    c.wait_until(lambda: on_bus(c), timeout=30, what="org.freedesktop.systemd1 on the system bus")
    r = c.exec(["/usr/bin/systemd-run", "--wait", "--unit=through-bus", "-p", "Type=exec",
                "-p", "StandardOutput=file:/run/out", "-p", "StandardError=append:/run/err",
                "sh", "-c", "echo x; echo y >&2; exit 3"], timeout=30)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Running as unit: through-bus.service" in r.stderr, r.stderr
    assert "Finished with result: exit-code" in r.stderr, r.stderr
    assert "Main processes terminated with: code=exited/status=3" in r.stderr, r.stderr
    assert c.path("/run/out").read_text() == "x\n" and c.path("/run/err").read_text() == "y\n"
    # failed: kept (CollectMode=inactive), as 252 keeps it
    assert c.exec([SYSTEMCTL, "show", "-P", "LoadState", "through-bus.service"]).stdout.strip() == "loaded"
    r = c.exec(["/usr/bin/systemd-run", "--wait", "--unit=through-bus-ok", "-p", "Type=exec", "true"], timeout=30)
    assert r.returncode == 0 and "Finished with result: success" in r.stderr, r.stdout + r.stderr
    # systemd-run's ref went with its connection: the inactive transient unit is collected
    c.wait_until(lambda: c.exec([SYSTEMCTL, "show", "-P", "LoadState", "through-bus-ok.service"]).stdout.strip()
                 == "not-found", timeout=15, what="through-bus-ok.service collected after systemd-run left")


def test_back_on_the_bus_after_dbus_restarts(boot):
    c = start(boot)
    c.wait_until(lambda: on_bus(c), timeout=30, what="org.freedesktop.systemd1 on the system bus")
    r = c.exec([SYSTEMCTL, "restart", "dbus.service"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    c.wait_until(lambda: on_bus(c), timeout=30, what="org.freedesktop.systemd1 back on the system bus")
    r = busctl(c, "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1/unit/dbus_2eservice",
               "org.freedesktop.systemd1.Unit", "ActiveState")
    assert r.stdout.strip() == 's "active"', r.stdout + r.stderr


# Run as uid 65534 inside the container: CONNS connections to the system bus, each says Hello and
# then sends PER calls to org.freedesktop.systemd1 without reading a reply (GetAll on the manager,
# every tenth a StopUnit that must be refused), writes "sent" and waits for /tmp/flood-go; then reads
# every reply and writes the count of each kind of answer.
FLOOD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import dbus_raw as d
CONNS, PER = 8, 150
conns = []
for _ in range(CONNS):
    c = d.Client("/run/dbus/system_bus_socket", timeout=60)
    c.s.sendall(d.method_call(1, "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", [],
                              destination="org.freedesktop.DBus", signature=""))
    conns.append(c)
for c in conns:
    for i in range(PER):
        if i % 10 == 9:
            m = d.method_call(i + 2, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StopUnit",
                              ["waiter.service", "replace"], signature="ss")
        else:
            m = d.method_call(i + 2, "/org/freedesktop/systemd1", "org.freedesktop.DBus.Properties", "GetAll",
                              ["org.freedesktop.systemd1.Manager"], signature="s")
        c.s.sendall(m)
open("/tmp/flood-sent", "w").write(str(CONNS * PER))
while not os.path.exists("/tmp/flood-go"):
    time.sleep(0.05)
kinds = {}
for c in conns:
    got = set()
    while len(got) < PER:
        typ, fields, body, sig = c._message()
        serial = fields.get(5)
        if typ not in (2, 3) or serial is None or serial < 2:
            continue
        got.add(serial)
        stop = (serial - 2) % 10 == 9
        key = ("stop " if stop else "getall ") + ("return" if typ == 2 else fields.get(4))
        kinds[key] = kinds.get(key, 0) + 1
json.dump(kinds, open("/tmp/flood-result", "w"))
"""


def test_a_flooding_user_on_the_bus_is_answered_and_refused_across_a_reload(boot):
    """Hostile uid 65534 on the system bus: 1,200 calls in flight over 8 connections, more than PID 1's
    256 pending uid lookups. Every call is answered (a reply, AccessDenied for StopUnit, or
    LimitsExceeded from PID 1 or the bus daemon), none is lost across a daemon-reload that lands while
    they wait, no StopUnit succeeds, root's systemctl answers throughout, PID 1 keeps running."""
    c = start(boot)
    c.wait_until(lambda: on_bus(c), timeout=30, what="org.freedesktop.systemd1 on the system bus")
    c.write_file("/run/go", "")
    c.wait_until(lambda: c.exec([SYSTEMCTL, "is-active", "waiter.service"]).stdout.strip() == "active",
                 timeout=30, what="waiter.service active")
    argv = " ".join(nobody(["python3", "-c", f"'{FLOOD}'", HERE]))
    assert c.exec(["sh", "-c", f"{argv} >/tmp/flood-log 2>&1 </dev/null &"], privileged=True).returncode == 0
    sent = int(c.wait_for_path("/tmp/flood-sent", timeout=60).read_text())
    assert c.exec([SYSTEMCTL, "daemon-reload"], timeout=30).returncode == 0
    r = c.exec([SYSTEMCTL, "is-active", "waiter.service"], timeout=15)
    assert (r.returncode, r.stdout.strip()) == (0, "active"), r.stdout + r.stderr
    c.write_file("/tmp/flood-go", "")
    kinds = json.loads(c.wait_for_path("/tmp/flood-result", timeout=120).read_text())
    assert sum(kinds.values()) == sent, (kinds, c.path("/tmp/flood-log").read_text())
    limits = "org.freedesktop.DBus.Error.LimitsExceeded"
    assert set(kinds) <= {"getall return", f"getall {limits}", "stop org.freedesktop.DBus.Error.AccessDenied",
                          f"stop {limits}"}, kinds
    assert kinds.get("getall return") and kinds.get("stop org.freedesktop.DBus.Error.AccessDenied"), kinds
    assert kinds.get(f"getall {limits}") or kinds.get(f"stop {limits}"), kinds   # the bound was reached
    assert c.exec([SYSTEMCTL, "is-active", "waiter.service"]).stdout.strip() == "active"
    assert c.running()
