# SPDX-License-Identifier: MIT
"""No user locks root out of PID 1's D-Bus API (issue 15, finding 3).

An unprivileged user (uid 65534) opens 1,000 connections to the read-only socket that never
finish SASL, then 1,000 that finish it and stay silent. PID 1 keeps at most 16 of one uid's
connections on that socket (the rest are closed at once), closes those that do not finish SASL
within 5 s, and the private socket has connection slots of its own: root's `systemctl is-active`
(Debian's and tinysd's) answers throughout, and so does another user's tinysd systemctl on the
read-only socket. The flooding client is dbus_raw.py --flood, run inside the container."""
import json
import os

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
RAW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dbus_raw.py")
READONLY = "/run/tinysd/bus-readonly"
NOBODY = 65534
PER_UID = 16           # dbus.c: listener_configs[] read-only max_per_uid
FLOOD = 1000

pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")

WEB = "[Unit]\nDescription=Web Server\n[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n" \
      "[Install]\nWantedBy=multi-user.target\n"


@pytest.fixture(params=["debian", "tinysd"])
def client(request, tinysd):
    return request.param


@pytest.fixture
def box(boot, client, tinysd):
    c = boot(units={"web.service": WEB}, enable=["web.service"], binds={} if client == "debian" else {SYSTEMCTL: tinysd})
    c.wait_for(MULTI_USER)
    return c


def as_user(uid):
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all"]


def start_flood(c, mode):
    """1,000 connections of uid 65534 held in the background; returns the host path of the status."""
    status, stop = f"/tmp/flood-{mode}.json", "/tmp/flood-stop"
    argv = " ".join(as_user(NOBODY) + ["python3", RAW, "--flood", READONLY, str(FLOOD), mode, status, stop])
    r = c.exec(["sh", "-c", f"{argv} </dev/null >/dev/null 2>&1 &"], privileged=True)
    assert r.returncode == 0, r.stderr
    return c.path(status)


def flood_status(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def wait_flood(c, path, what, predicate, timeout=30):
    return c.wait_until(lambda: (lambda s: s if s and predicate(s) else None)(flood_status(path)), timeout=timeout, what=what)


def root_is_active(c):
    r = c.exec([SYSTEMCTL, "is-active", "web.service"], timeout=20)
    assert (r.returncode, r.stdout, r.stderr) == (0, "active\n", ""), r


def test_a_flooding_user_does_not_lock_out_root(box, client, tinysd):
    # connections that never finish SASL
    half = start_flood(box, "half")
    wait_flood(box, half, "the half-open flood", lambda s: s["connected"] + s["refused"] == FLOOD)
    root_is_active(box)
    s = wait_flood(box, half, "the per-user limit", lambda s: s["open"] <= PER_UID)
    assert s["authenticated"] == 0
    box.wait_for(r"D-Bus: too many connections of this user on /run/tinysd/bus-readonly, refusing one of uid 65534\.")
    # the authentication timeout closes the ones that were let in
    wait_flood(box, half, "the authentication timeout", lambda s: s["open"] == 0)

    # connections that finish SASL and sit idle: the per-user limit keeps most of them out
    idle = start_flood(box, "idle")
    wait_flood(box, idle, "the idle flood", lambda s: s["connected"] + s["refused"] == FLOOD)
    root_is_active(box)
    s = wait_flood(box, idle, "the per-user limit", lambda s: s["open"] <= PER_UID and s["authenticated"] == s["open"])
    assert s["open"] > 0
    if client == "tinysd":
        # another user's read-only queries are not held up by uid 65534's connections
        r = box.exec(as_user(1000) + [SYSTEMCTL, "is-active", "web.service"], privileged=True, timeout=20)
        assert (r.returncode, r.stdout) == (0, "active\n"), r
    box.path("/tmp/flood-stop").write_text("")
    assert box.running()


def test_a_peer_that_does_not_read_its_replies_is_paused_not_dropped(box):
    """A peer sends requests as fast as its socket takes them and reads nothing for a while: PID 1
    stops taking its requests while 256 KiB of replies wait (instead of queueing megabytes and then
    dropping the peer), answers root meanwhile, and answers every request once the peer reads."""
    script = f"""
import socket, sys, time
sys.path.insert(0, "{os.path.dirname(RAW)}")
import dbus_raw
c = dbus_raw.Client("{READONLY}", timeout=20)
c.s.setblocking(False)
sent = 0
try:
    while sent < 20000:
        c.s.send(dbus_raw.method_call(sent + 1, "/org/freedesktop/systemd1", "org.freedesktop.DBus.Introspectable",
                                      "Introspect"))
        sent += 1
except BlockingIOError:
    pass
open("/tmp/hog-sent", "w").write(str(sent))
time.sleep(3)
c.s.settimeout(20)
got = 0
try:
    while got < sent:
        typ, fields, body, sig = c._message()
        got += typ == 2
except (OSError, ConnectionError):
    pass
print(sent, got)
"""
    argv = " ".join(as_user(NOBODY)) + f" python3 -c '{script}' >/tmp/hog-result 2>&1 </dev/null &"
    assert box.exec(["sh", "-c", argv], privileged=True).returncode == 0
    box.wait_for_path("/tmp/hog-sent", timeout=30)
    root_is_active(box)
    out = box.wait_for_path("/tmp/hog-result", contains=" ", timeout=60).read_text().split()
    sent, got = int(out[0]), int(out[1])
    assert sent > 100 and got == sent, out
    assert box.running()
