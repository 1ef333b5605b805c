# SPDX-License-Identifier: MIT
"""tinysd as PID 1: Restart= and the start rate limit.

Contract assumed (systemd 252): with Restart=on-failure, RestartSec=100ms, StartLimitBurst=3 and
StartLimitIntervalSec=10s, a service that always fails is started exactly 3 times, then its
restart is refused by the limit: `[FAILED] Failed to start ...`, and the manager keeps running
(it still answers SIGTERM with exit 0). Restart=always restarts a service that exits 0."""
import signal
import time

from pid1 import failed_to_start


CRASHER = """
    [Unit]
    Description=Crasher
    StartLimitBurst=3
    StartLimitIntervalSec=10s
    [Service]
    ExecStart=/bin/sh -c 'echo run >> /run/runs; exit 1'
    Restart=on-failure
    RestartSec=100ms
    """


def runs(c, name="/run/runs"):
    p = c.path(name)
    return len(p.read_text().splitlines()) if p.exists() else 0


def test_crash_loop_stops_at_the_start_limit(boot):
    c = boot(units={"crasher.service": CRASHER}, enable=["crasher.service"])
    c.wait_for(failed_to_start("crasher.service", "Crasher"))
    assert runs(c) == 3
    time.sleep(0.5)   # RestartSec is 100ms: a fourth run would be there by now
    assert runs(c) == 3


def test_manager_keeps_running_after_a_crash_loop(boot):
    c = boot(units={"crasher.service": CRASHER}, enable=["crasher.service"])
    c.wait_for(failed_to_start("crasher.service", "Crasher"))
    assert c.running()
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


def test_restart_always_restarts_a_clean_exit(boot):
    c = boot(units={"again.service": """
        [Unit]
        Description=Again
        StartLimitIntervalSec=0
        [Service]
        ExecStart=/bin/sh -c 'echo run >> /run/again; exit 0'
        Restart=always
        RestartSec=100ms
        """}, enable=["again.service"])
    c.wait_for_path("/run/again", contains="run\nrun\nrun\n")


def test_restart_on_failure_does_not_restart_a_clean_exit(boot):
    c = boot(units={"once.service": """
        [Unit]
        Description=Once
        [Service]
        ExecStart=/bin/sh -c 'echo run >> /run/once; exit 0'
        Restart=on-failure
        RestartSec=100ms
        """}, enable=["once.service"])
    c.wait_for_path("/run/once")
    time.sleep(0.5)
    assert runs(c, "/run/once") == 1
