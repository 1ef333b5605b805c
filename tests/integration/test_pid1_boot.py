# SPDX-License-Identifier: MIT
"""tinysd as PID 1 (`docker run IMAGE` with CMD ["tinysd"]): what it boots, and what it prints on
the console.

Contract assumed (see pid1.py for the container): `tinysd` with no argument starts
default.target; when the image ships no target units (the host's /usr/lib/systemd/system is
hidden), built-in default.target/multi-user.target definitions are used, so that a plain
`[  OK  ] Reached target multi-user.target - Multi-User System.` appears. Units are enabled by
symlinks in /etc/systemd/system/multi-user.target.wants/. `--unit=NAME` and `systemd.unit=NAME`
choose another target. Status lines are systemd 252's, on PID 1's stdout, without colour when
stdout is not a tty; `--quiet` and `--show-status=no` suppress them. Service output
(StandardOutput=journal, the default) is copied to PID 1's stdout (only the payload is matched)."""
import signal

import pytest

from pid1 import MULTI_USER, dependency_failed, failed_to_start, finished, reached, started, stopped


def oneshot(description, command, *unit_lines):
    return "\n".join(["[Unit]", f"Description={description}", *unit_lines,
                      "[Service]", "Type=oneshot", f"ExecStart={command}",
                      "[Install]", "WantedBy=multi-user.target", ""])


def test_boots_without_any_unit_and_reaches_multi_user(boot):
    c = boot()
    c.wait_for(MULTI_USER, stream="stdout")
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


def test_enabled_service_runs_at_boot(boot):
    c = boot(units={"hello.service": oneshot("Hello", "/bin/sh -c 'echo hi > /run/hello'")},
             enable=["hello.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/run/hello").read_text() == "hi\n"


def test_install_section_alone_does_not_enable(boot):
    c = boot(units={"hello.service": oneshot("Hello", "/bin/sh -c 'echo hi > /run/hello'"),
                    "other.service": oneshot("Other", "/bin/sh -c 'echo hi > /run/other'")},
             enable=["other.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/run/other").exists()
    assert not c.path("/run/hello").exists(), "WantedBy= without the .wants/ link must not start it"


APP_TARGET = """
    [Unit]
    Description=App Target
    """


def two_targets():
    """app-only.service wanted by app.target, mu-only.service wanted by multi-user.target."""
    return dict(
        units={"app.target": APP_TARGET,
               "app-only.service": oneshot("App Only", "/bin/sh -c 'echo yes > /run/app-only'"),
               "mu-only.service": oneshot("MU Only", "/bin/sh -c 'echo yes > /run/mu-only'")},
        enable={"app-only.service": "app.target", "mu-only.service": "multi-user.target"})


def test_default_target_link_in_the_image_chooses_the_boot_target(boot):
    c = boot(start=False, **two_targets())
    c.path("/etc/systemd/system/default.target").symlink_to("/etc/systemd/system/app.target")
    c.start()
    c.wait_for(reached("app.target", "App Target"))
    assert c.path("/run/app-only").exists()
    assert not c.path("/run/mu-only").exists()


@pytest.mark.parametrize("arg", ["--unit=app.target", "systemd.unit=app.target"])
def test_unit_argument_chooses_the_boot_target(boot, arg):
    c = boot(args=[arg], **two_targets())
    c.wait_for(reached("app.target", "App Target"))
    assert c.path("/run/app-only").read_text() == "yes\n"
    assert not c.path("/run/mu-only").exists()
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


SLEEPER = """
    [Unit]
    Description=Sleeper Service
    [Service]
    ExecStart=/bin/sleep 1000
    """


def test_console_started_line(boot):
    c = boot(units={"sleeper.service": SLEEPER}, enable=["sleeper.service"])
    c.wait_for(started("sleeper.service", "Sleeper Service"), stream="stdout")


def test_console_finished_line_for_oneshot(boot):
    c = boot(units={"one.service": oneshot("One Shot", "/bin/true")}, enable=["one.service"])
    c.wait_for(finished("one.service", "One Shot"), stream="stdout")


def test_console_reached_target_line(boot):
    c = boot()
    c.wait_for(MULTI_USER, stream="stdout")


def test_console_failed_line(boot):
    c = boot(units={"broken.service": oneshot("Broken Thing", "/bin/false")}, enable=["broken.service"])
    c.wait_for(failed_to_start("broken.service", "Broken Thing"), stream="stdout")


def test_console_dependency_failed_line(boot):
    c = boot(units={
        "broken.service": oneshot("Broken Thing", "/bin/false"),
        "needy.service": oneshot("Needy", "/bin/true", "Requires=broken.service", "After=broken.service"),
    }, enable=["broken.service", "needy.service"])
    c.wait_for(dependency_failed("needy.service", "Needy"), stream="stdout")


def test_console_stopped_line_at_shutdown(boot):
    c = boot(units={"sleeper.service": SLEEPER}, enable=["sleeper.service"])
    c.wait_for(MULTI_USER)
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    c.wait_for(stopped("sleeper.service", "Sleeper Service"), stream="stdout", timeout=1)


def test_console_has_no_colour_when_stdout_is_not_a_tty(boot):
    c = boot(units={"sleeper.service": SLEEPER, "broken.service": oneshot("Broken Thing", "/bin/false")},
             enable=["sleeper.service", "broken.service"])
    c.wait_for(MULTI_USER)
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    assert "[  OK  ]" in c.output() and "[FAILED]" in c.output()
    assert "\x1b" not in c.output()


@pytest.mark.parametrize("arg", ["--quiet", "--show-status=no"])
def test_status_lines_can_be_suppressed(boot, arg):
    c = boot(args=[arg], units={"hello.service": oneshot("Hello", "/bin/sh -c 'echo hi > /run/hello'")},
             enable=["hello.service"])
    c.wait_for_path("/run/hello")
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    out = c.output()
    for tag in ("[  OK  ]", "[FAILED]", "[DEPEND]", "Reached target", "Finished hello.service"):
        assert tag not in out


def test_service_stdout_and_stderr_reach_pid1_stdout(boot):
    c = boot(units={"talker.service": oneshot(
        "Talker", "/bin/sh -c 'echo payload-on-stdout; echo payload-on-stderr >&2'")},
        enable=["talker.service"])
    c.wait_for("payload-on-stdout", stream="stdout")
    c.wait_for("payload-on-stderr", stream="stdout")
