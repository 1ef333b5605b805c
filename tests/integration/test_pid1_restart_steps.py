# SPDX-License-Identifier: MIT
"""RestartSteps= and RestartMaxDelaySec= (systemd 254; systemd 252 does not know them and warns
"Unknown key" — a documented deviation of tinysd).

Contract (systemd 254's man page and service.c): the n-th automatic restart waits
RestartSec * (RestartMaxDelaySec / RestartSec) ^ ((n - 1) / RestartSteps), truncated to whole
microseconds, and RestartMaxDelaySec= from restart RestartSteps + 1 on. The restart counter
(NRestarts=) counts restart jobs; RestartUSecNext= is the delay of the next restart, i.e. for
restart NRestarts + 1 while the service runs. A stop that is not followed by a restart makes the
next start reset the counter. A RestartMaxDelaySec= below RestartSec= lowers RestartSec= to it
(with a warning), so RestartMaxDelaySec=0 means restarts without delay.

No timing targets: the crash loop below crashes only when the test says so, so every value of
RestartUSecNext= is read at a known point; the time from that moment to the next start must be at
least the computed delay (never "at most")."""
import os
import re
import textwrap
import time

import pytest

from conftest import run
from pid1 import failed_to_start

SYSTEMCTL = "/usr/bin/systemctl"

# Each run appends its start time (CLOCK_REALTIME, ns) and then waits for /run/go<N>, N being
# its run number, before it fails.
LOOP = """#!/bin/sh
n=$(($(cat /run/starts 2>/dev/null | wc -l) + 1))
date +%s%N >> /run/starts
while [ ! -e /run/go$n ]; do sleep 0.02; done
exit 1
"""

STEPS = """
    [Unit]
    Description=Stepper
    StartLimitIntervalSec=0
    [Service]
    ExecStart=/etc/loop.sh
    Restart=on-failure
    RestartSec=100ms
    RestartSteps=3
    RestartMaxDelaySec=800ms
    """

# 254's values for the issue's example: 100, 200, 400, 800, 800 ms
EXPECTED_MS = [100, 200, 400, 800, 800]


@pytest.fixture(params=["debian", "tinysd"])
def client_binds(request, tinysd):
    """Which systemctl reads the properties: Debian's (252: it prints any *USec* property as a
    time span) or tinysd's."""
    if request.param == "debian" and not os.access(SYSTEMCTL, os.X_OK):
        pytest.skip("Debian's systemctl is not installed")
    return {} if request.param == "debian" else {SYSTEMCTL: tinysd}


def show(c, unit, *props):
    r = c.exec([SYSTEMCTL, "--no-pager", "show", "-p", ",".join(props), unit], timeout=20)
    assert r.returncode == 0, r.stderr
    return dict(line.split("=", 1) for line in r.stdout.splitlines())


def starts(c):
    p = c.path("/run/starts")
    return [int(x) for x in p.read_text().split()] if p.exists() else []


def wait_starts(c, n):
    c.wait_until(lambda: len(starts(c)) >= n, timeout=20, what=f"{n} starts")
    return starts(c)


def test_delays_grow_as_systemd_254_computes(boot, client_binds):
    c = boot(units={"stepper.service": STEPS}, enable=["stepper.service"], files={"/etc/loop.sh": LOOP},
             binds=client_binds)
    for k, ms in enumerate(EXPECTED_MS, start=1):
        wait_starts(c, k)
        # run k is up and waits for its go: k - 1 restarts so far, the next one waits `ms`
        assert show(c, "stepper.service", "NRestarts", "RestartUSecNext", "RestartSteps", "RestartMaxDelayUSec") == {
            "NRestarts": str(k - 1), "RestartUSecNext": f"{ms}ms", "RestartSteps": "3", "RestartMaxDelayUSec": "800ms"}
        go = time.time_ns()
        c.path(f"/run/go{k}").write_text("")
        t = wait_starts(c, k + 1)
        # the run crashed after `go`; the restart came at least the computed delay after that
        assert t[k] - go >= ms * 1_000_000, f"restart {k} after {(t[k] - go) / 1e6:.1f} ms, before its {ms} ms"
    assert show(c, "stepper.service", "NRestarts", "RestartUSecNext") == {"NRestarts": "5", "RestartUSecNext": "800ms"}

    # a stop is no restart: the counter stays visible, and the next start begins again at 1
    r = c.exec([SYSTEMCTL, "stop", "stepper.service"], timeout=20)
    assert r.returncode == 0, r.stderr
    assert show(c, "stepper.service", "NRestarts", "ActiveState")["NRestarts"] == "5"
    # a fresh count, and no go-file left from the first series: run 1 must wait for its own go
    c.path("/run/starts").write_text("")
    for k in range(1, len(EXPECTED_MS) + 2):
        c.path(f"/run/go{k}").unlink(missing_ok=True)
    r = c.exec([SYSTEMCTL, "start", "stepper.service"], timeout=20)
    assert r.returncode == 0, r.stderr
    wait_starts(c, 1)
    assert show(c, "stepper.service", "NRestarts", "RestartUSecNext") == {"NRestarts": "0", "RestartUSecNext": "100ms"}


SMALL_MAX = """
    [Unit]
    Description=Small Maximum
    StartLimitIntervalSec=0
    [Service]
    ExecStart=/etc/loop.sh
    Restart=on-failure
    RestartSec=2s
    RestartSteps=2
    RestartMaxDelaySec=300ms
    """


def test_maximum_below_restart_sec_lowers_restart_sec(boot, client_binds):
    c = boot(units={"small.service": SMALL_MAX}, enable=["small.service"], files={"/etc/loop.sh": LOOP},
             binds=client_binds)
    c.wait_for(r"small\.service: RestartMaxDelaySec= has a value smaller than RestartSec=, "
               r"resetting RestartSec= to RestartMaxDelaySec=\.$")
    for k in (1, 2, 3):
        wait_starts(c, k)
        assert show(c, "small.service", "RestartUSec", "RestartUSecNext", "NRestarts") == {
            "RestartUSec": "300ms", "RestartUSecNext": "300ms", "NRestarts": str(k - 1)}
        go = time.time_ns()
        c.path(f"/run/go{k}").write_text("")
        t = wait_starts(c, k + 1)
        assert t[k] - go >= 300_000_000


def test_maximum_zero_restarts_at_once(boot):
    """RestartMaxDelaySec=0: RestartSec= becomes 0, i.e. restart without delay (not never)."""
    c = boot(units={"zero.service": """
        [Unit]
        Description=Zero Delay
        StartLimitBurst=3
        StartLimitIntervalSec=1min
        [Service]
        ExecStart=/bin/sh -c 'echo run >> /run/zero; exit 1'
        Restart=on-failure
        RestartSec=1h
        RestartMaxDelaySec=0
        """}, enable=["zero.service"])
    c.wait_for(r"zero\.service: Service has RestartMaxDelaySec= but no RestartSteps= setting\. Ignoring\.$")
    c.wait_for(failed_to_start("zero.service", "Zero Delay"), timeout=20)
    assert c.path("/run/zero").read_text() == "run\n" * 3


def test_offline_show_and_verify(tinysd, tmp_path):
    d = tmp_path / "etc/systemd/system"
    d.mkdir(parents=True)
    (d / "a.service").write_text(textwrap.dedent(STEPS).lstrip())
    (d / "b.service").write_text("[Service]\nExecStart=/bin/true\nRestartSec=5s\nRestartMaxDelaySec=1s\n")
    (d / "c.service").write_text("[Service]\nExecStart=/bin/true\nRestartSteps=x\nRestartSteps=4\nRestartMaxDelaySec=never\n")
    props = "RestartUSec,RestartSteps,RestartMaxDelayUSec,RestartUSecNext"
    r = run([tinysd, "dump", "--root", str(tmp_path), "-p", props, "a", "b", "c"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n\n") == [
        "RestartUSec=100ms\nRestartSteps=3\nRestartMaxDelayUSec=800ms\nRestartUSecNext=100ms",
        "RestartUSec=1s\nRestartSteps=0\nRestartMaxDelayUSec=1s\nRestartUSecNext=1s",
        "RestartUSec=100ms\nRestartSteps=4\nRestartMaxDelayUSec=infinity\nRestartUSecNext=100ms\n"]
    r = run([tinysd, "verify", "--no-exec-check", str(d / "b.service"), str(d / "c.service")])
    assert "Unknown key" not in r.stderr
    assert re.search(r"^b\.service: Service has RestartMaxDelaySec= but no RestartSteps= setting\. Ignoring\.$", r.stderr, re.M)
    assert re.search(r"^b\.service: RestartMaxDelaySec= has a value smaller than RestartSec=, "
                     r"resetting RestartSec= to RestartMaxDelaySec=\.$", r.stderr, re.M)
    assert f"{d}/c.service:3: Failed to parse unsigned value, ignoring: x" in r.stderr
    assert f"{d}/c.service:5: Failed to parse sec value, ignoring: never" in r.stderr
    assert re.search(r"^c\.service: Service has RestartSteps= but no RestartMaxDelaySec= setting\. Ignoring\.$", r.stderr, re.M)
