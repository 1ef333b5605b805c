# SPDX-License-Identifier: MIT
"""Stopping a service whose processes outlive its main process, as systemd 252 does (issue 20, item 10;
script 47), checked with Debian's systemctl.

Contract (systemd.kill(5), 252's service state machine): stop-sigterm ends as soon as the main and
control processes are gone; with KillMode=mixed the main process alone got SIGTERM, so a process it
leaked is still there when ExecStopPost= runs; the final-sigterm round signals the main process only
(gone: nothing to wait for), the final-sigkill round kills the rest. No state times out: the stop
is done without waiting for TimeoutStopSec=, the result is success, the leaked process is gone."""
from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
LEAKER = """[Service]
KillMode={mode}
ExecStart=/bin/bash -c 'sleep infinity & echo $! > /run/leaked; wait $!'
ExecStopPost=/bin/sh -c 'kill -0 $$(cat /run/leaked) && echo alive > /run/post || echo gone > /run/post'
"""


def ctl(c, *args, timeout=30):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=timeout)


def show(c, prop, unit):
    return ctl(c, "show", "-P", prop, unit).stdout.strip()


def stop_leaker(boot, mode):
    c = boot(units={"leaker.service": LEAKER.format(mode=mode)})
    c.wait_for(MULTI_USER)
    ctl(c, "start", "leaker.service")
    leaked = int(c.wait_for_path("/run/leaked", contains="\n").read_text())
    # the default TimeoutStopSec= is 90 s: a stop that waited for it would not return here
    assert ctl(c, "stop", "leaker.service").returncode == 0
    assert (show(c, "ActiveState", "leaker.service"), show(c, "Result", "leaker.service")) == ("inactive", "success")
    c.wait_until(lambda: leaked not in [p.pid for p in c.pids()], what="the leaked process gone")
    assert "timed out" not in c.output()
    return c


def test_mixed_kills_the_leaked_process_after_exec_stop_post(boot):
    c = stop_leaker(boot, "mixed")
    assert c.path("/run/post").read_text() == "alive\n"


def test_control_group_signals_everything_at_once(boot):
    c = stop_leaker(boot, "control-group")
    assert c.path("/run/post").read_text() in ("alive\n", "gone\n")   # SIGTERM to both: either order
