# SPDX-License-Identifier: MIT
"""tinysd as PID 1: stopping the container, and the container's exit status.

Contract assumed: SIGTERM and SIGINT to PID 1 (`docker stop`, Ctrl-C) stop every unit in
reverse dependency order (b.service After=a.service stops before a.service) and PID 1 exits 0.
A service that ignores SIGTERM is SIGKILLed after its TimeoutStopSec= and the container still
exits 0. Output a service writes as it handles SIGTERM is not lost. SIGRTMIN+3 (halt) and
SIGRTMIN+4 (poweroff) also stop everything and exit 0. FailureAction=exit with
FailureActionExitStatus=42 on a failing unit makes the container exit 42 after stopping the
rest; SuccessAction=exit-force on a unit that succeeds makes it exit 0 at once."""
import signal

import pytest

from pid1 import LONG_RUNNING, MULTI_USER, stopped


def long_running(name, description, *unit_lines, log="/run/seq"):
    return "\n".join(["[Unit]", f"Description={description}", *unit_lines,
                      "[Service]", f"ExecStart=/opt/test/long-running {name} {log}", ""])


def boot_a_b(boot, **kw):
    """a.service and b.service (After=a.service), both long-running and enabled."""
    c = boot(units={"a.service": long_running("a", "Service A"),
                    "b.service": long_running("b", "Service B", "After=a.service")},
             enable=["a.service", "b.service"], files={"/opt/test/long-running": LONG_RUNNING}, **kw)
    c.wait_for(MULTI_USER)
    # both main processes have their SIGTERM trap (set before the "start" line)
    c.wait_until(lambda: {"start a", "start b"} <= set(c.path("/run/seq").read_text().splitlines())
                 if c.path("/run/seq").exists() else False, what="a and b running")
    return c


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_services_in_reverse_order_and_exits_0(boot, sig):
    c = boot_a_b(boot)
    c.signal(sig)
    assert c.wait() == 0
    lines = c.path("/run/seq").read_text().splitlines()
    assert sorted(lines) == ["start a", "start b", "stop a", "stop b"]
    assert lines.index("stop b") < lines.index("stop a")


def test_stopped_lines_in_reverse_order(boot):
    c = boot_a_b(boot)
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    b = c.wait_for(stopped("b.service", "Service B"), timeout=1)
    a = c.wait_for(stopped("a.service", "Service A"), timeout=1)
    assert b.start() < a.start()


@pytest.mark.parametrize("sig", [signal.SIGRTMIN + 3, signal.SIGRTMIN + 4], ids=["halt", "poweroff"])
def test_halt_and_poweroff_signals_stop_services_and_exit_0(boot, sig):
    c = boot_a_b(boot)
    c.signal(sig)
    assert c.wait() == 0
    assert "stop a" in c.path("/run/seq").read_text().splitlines()


def test_service_ignoring_sigterm_is_killed_after_its_stop_timeout(boot):
    c = boot(units={"stubborn.service": """
        [Unit]
        Description=Stubborn
        [Service]
        ExecStart=/bin/sh -c "trap '' TERM; echo up > /run/stubborn; while :; do sleep 1; done"
        TimeoutStopSec=1
        """}, enable=["stubborn.service"])
    c.wait_for(MULTI_USER)
    c.wait_for_path("/run/stubborn")
    c.signal(signal.SIGTERM)
    assert c.wait(timeout=8) == 0


def test_output_written_while_stopping_is_not_lost(boot):
    c = boot(units={"polite.service": """
        [Unit]
        Description=Polite
        [Service]
        ExecStart=/bin/sh -c "trap 'echo goodbye-from-polite; exit 0' TERM; echo hello-from-polite; while :; do sleep 1 & wait; done"
        """}, enable=["polite.service"])
    c.wait_for("hello-from-polite")
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    assert "goodbye-from-polite" in c.output()


def test_failure_action_exit_sets_the_exit_status(boot):
    c = boot(units={
        "bystander.service": long_running("bystander", "Bystander"),
        "fatal.service": """
            [Unit]
            Description=Fatal
            After=bystander.service
            FailureAction=exit
            FailureActionExitStatus=42
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'until [ -e /run/seq ]; do sleep 0.1; done; exit 3'
            """}, enable=["bystander.service", "fatal.service"], files={"/opt/test/long-running": LONG_RUNNING})
    assert c.wait(timeout=10) == 42
    assert c.path("/run/seq").read_text().splitlines() == ["start bystander", "stop bystander"], \
        "the rest is stopped before exiting"


def test_success_action_exit_force_exits_0_at_once(boot):
    c = boot(units={
        "sleeper.service": """
            [Unit]
            Description=Sleeper
            [Service]
            ExecStart=/bin/sleep 1000
            """,
        "job.service": """
            [Unit]
            Description=Batch Job
            SuccessAction=exit-force
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'echo done > /run/job'
            """}, enable=["sleeper.service", "job.service"])
    assert c.wait(timeout=5) == 0
    assert c.path("/run/job").read_text() == "done\n"
