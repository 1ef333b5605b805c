# SPDX-License-Identifier: MIT
"""tinysd as PID 1: who may speak on /run/systemd/notify (sd_notify(3)).

Contract (systemd 252, issue 15 finding 2): the socket is open to every user (srwxrwxrwx), so a
datagram is worth only what its sender's credentials (SCM_CREDENTIALS, set by the kernel) say.
The sender must be one of a unit's processes (its cgroup, or tinysd's process discovery); a process
of no unit is ignored with "Cannot find unit for notify message of PID N, ignoring.".
NotifyAccess= decides which of the unit's processes count, with 252's warnings. MAINPID= must name
a process of the unit unless the sender is root, and never PID 1, the control process or a process
of another unit (tinysd refuses the last even from root: README deviation). A main process that
sends STOPPING=1 just before it exits is still the main process when the message is read."""
import os
import signal

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

# sends argv[1] (with \n for newlines) to the notify socket; argv[2]: a file whose content
# replaces @PID@ in the message. Then waits as sd_notify_barrier(3) does (BARRIER=1 with a pipe
# that PID 1 closes): the message was read while its sender was alive.
SEND = r"""#!/usr/bin/python3
import array, os, select, socket, sys
msg = sys.argv[1].replace("\\n", "\n")
if len(sys.argv) > 2:
    msg = msg.replace("@PID@", open(sys.argv[2]).read().strip())
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.sendto(msg.encode(), "/run/systemd/notify")
    r, w = os.pipe()
    s.sendmsg([b"BARRIER=1"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]).tobytes())], 0, "/run/systemd/notify")
    os.close(w)
    select.select([r], [], [], 10)
"""

FILES = {"/opt/test/send": SEND}


def ctl(c, *args):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=20)


def prop(c, unit, name):
    return ctl(c, "show", "-P", name, unit).stdout.strip()


def waiter(access="all", user=None):
    return ("[Unit]\nDescription=Waiter\n[Service]\nType=notify\nTimeoutStartSec=120\n"
            f"NotifyAccess={access}\n" + (f"User={user}\n" if user else "") + "ExecStart=/bin/sleep 1000\n")


@pytest.mark.parametrize("sender", ["root", "nobody"])
def test_a_process_of_no_unit_cannot_make_a_unit_ready(boot, sender):
    c = boot(units={"waiter.service": waiter()}, files=FILES)
    c.wait_for(MULTI_USER)
    assert ctl(c, "start", "--no-block", "waiter.service").returncode == 0
    c.wait_until(lambda: prop(c, "waiter.service", "SubState") == "start", what="waiter starting")
    r = c.exec((NOBODY if sender == "nobody" else []) + ["/opt/test/send", "READY=1\\nSTATUS=forged"])
    assert r.returncode == 0, r.stderr
    c.wait_for(r"Cannot find unit for notify message of PID \d+, ignoring\.")
    assert prop(c, "waiter.service", "ActiveState") == "activating"
    assert prop(c, "waiter.service", "StatusText") == ""


B_SERVICE = "[Unit]\nDescription=B\n[Service]\nExecStart=/bin/sh -c 'echo $$$$ > /run/b.pid; exec sleep 1000'\n"


def a_service(message, user=None, pidfile=""):
    run = ("/bin/sh -c 'sleep 0.2; /opt/test/send \"" + message + "\" " + pidfile + "; exec sleep 1000'")
    return ("[Unit]\nDescription=A\nAfter=b.service\n[Service]\nType=notify\nNotifyAccess=all\n"
            + (f"User={user}\n" if user else "") + f"ExecStart={run}\n")


def test_mainpid_naming_another_units_main_process_is_refused(boot):
    # b's main pid is handed to a as its MAINPID=; stopping a must not touch b
    c = boot(units={"b.service": B_SERVICE, "a.service": a_service("READY=1\\nMAINPID=@PID@", pidfile="/run/b.pid")},
             enable=["b.service", "a.service"], files=FILES)
    c.wait_for(MULTI_USER)
    b_pid = c.path("/run/b.pid").read_text().strip()
    assert prop(c, "b.service", "MainPID") == b_pid
    assert prop(c, "a.service", "MainPID") != b_pid
    c.wait_for(rf"a\.service: New main PID {b_pid} belongs to b\.service, refusing\.")
    assert ctl(c, "stop", "a.service").returncode == 0
    assert ctl(c, "is-active", "b.service").stdout.strip() == "active"
    assert prop(c, "b.service", "MainPID") == b_pid


@pytest.mark.parametrize("user,accepted", [(None, True), ("nobody", False)])
def test_mainpid_of_a_process_of_no_unit_only_from_root(boot, user, accepted):
    c = boot(units={"a.service": a_service("READY=1\\nMAINPID=@PID@", user=user, pidfile="/run/target.pid")},
             files=FILES)
    c.wait_for(MULTI_USER)
    # a process of no unit (an orphan of PID 1 started from outside), its pid where a reads it
    r = c.exec(["/bin/sh", "-c", "setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > /run/target.pid"])
    assert r.returncode == 0
    foreign = c.path("/run/target.pid").read_text().strip()
    assert ctl(c, "start", "a.service").returncode == 0
    main = prop(c, "a.service", "MainPID")
    if accepted:
        assert main == foreign
    else:
        assert main != foreign
        assert ctl(c, "is-active", "a.service").stdout.strip() == "active"


def test_mainpid_1_is_refused(boot):
    c = boot(units={"a.service": a_service("READY=1\\nMAINPID=1")}, files=FILES)
    c.wait_for(MULTI_USER)
    assert ctl(c, "start", "a.service").returncode == 0
    c.wait_for(r"a\.service: New main PID 1 is the manager, refusing\.")
    assert prop(c, "a.service", "MainPID") not in ("0", "1")


CHILD_READY = "/bin/sh -c '/opt/test/send READY=1; exec sleep 1000'"


@pytest.mark.parametrize("access,warning", [
    ("main", r"Got notification message from PID \d+, but reception only permitted for main PID \d+"),
    ("all", None),
])
def test_notify_access_decides_which_of_the_units_processes_count(boot, access, warning):
    # READY=1 from a child of the main process
    c = boot(units={"child.service": "[Unit]\nDescription=Child\n[Service]\nType=notify\nTimeoutStartSec=120\n"
                                     f"NotifyAccess={access}\nExecStart={CHILD_READY}\n"}, files=FILES)
    c.wait_for(MULTI_USER)
    assert ctl(c, "start", "--no-block", "child.service").returncode == 0
    if warning:
        c.wait_for(r"child\.service: " + warning)
        assert prop(c, "child.service", "ActiveState") == "activating"
    else:
        c.wait_until(lambda: prop(c, "child.service", "ActiveState") == "active", what="child active")


def test_notify_access_none_takes_nothing(boot):
    c = boot(units={"quiet.service": "[Unit]\nDescription=Quiet\n[Service]\nNotifyAccess=none\n"
                                     "ExecStart=/bin/sh -c '/opt/test/send STATUS=hello; exec sleep 1000'\n"},
             enable=["quiet.service"], files=FILES)
    c.wait_for(r"quiet\.service: Got notification message from PID \d+, but reception is disabled\.")
    assert prop(c, "quiet.service", "StatusText") == ""


STOPPER = r"""#!/usr/bin/python3
import os, signal, socket, time
def notify(msg):
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(msg, os.environ["NOTIFY_SOCKET"])
def term(*_):
    notify(b"STOPPING=1\nSTATUS=stopping")
    os._exit(0)
signal.signal(signal.SIGTERM, term)
notify(b"READY=1")
while True:
    time.sleep(1000)
"""


def test_a_main_process_that_says_stopping_and_exits_is_still_the_main_process(container_factory, tinysd):
    # Issue 16: at shutdown, many units stop at once; each notify service says STOPPING=1 and exits
    # at once. Its message was read after its exit had been reaped (another unit's exit woke the
    # loop first): "reception only permitted for main PID 0". Three shutdowns of 8 + 8 units.
    units = {}
    for i in range(8):
        units[f"n{i}.service"] = f"[Unit]\nDescription=N{i}\n[Service]\nType=notify\nExecStart=/opt/test/stopper\n"
        units[f"s{i}.service"] = f"[Unit]\nDescription=S{i}\n[Service]\nExecStart=/bin/sleep 1000\n"
    for _ in range(3):
        c = container_factory(tinysd, units=units, enable=list(units), files={"/opt/test/stopper": STOPPER})
        c.start()
        c.wait_for(MULTI_USER)
        c.signal(signal.SIGTERM)
        assert c.wait() == 0
        out = c.output()
        assert "reception only permitted" not in out and "Cannot find unit" not in out, out
