# SPDX-License-Identifier: MIT
"""The names of the one binary. systemd-sysv links halt, poweroff, reboot, runlevel, shutdown and
telinit to systemctl; where tinysd is an image's systemctl those names reach tinysd, and none of
them may start a second service manager (only `tinysd`, `init`, `systemd` or PID 1 do)."""
import os

import pytest

from conftest import run


@pytest.fixture
def named(tinysd, tmp_path):
    def make(name):
        link = tmp_path / name
        os.symlink(tinysd, link)
        return str(link)
    return make


def test_runlevel_says_unknown_without_utmp(named):
    r = run([named("runlevel")], timeout=10)
    assert (r.returncode, r.stdout) == (1, "unknown\n")


@pytest.mark.parametrize("name", ["shutdown", "telinit", "something-else"])
def test_other_names_never_run_a_manager(named, name):
    r = run([named(name)], timeout=10)
    assert r.returncode == 1
    assert r.stderr == f"{name}: not supported by tinysd; use systemctl.\n"


def test_poweroff_is_systemctl_poweroff(named, tmp_path):
    # outside a booted system: systemctl's own refusal, not a manager starting
    r = run([named("poweroff")], timeout=10, env={"SYSTEMD_OFFLINE": "0"})
    assert r.returncode != 0
    assert "Failed to connect to bus" in r.stderr or "has not been booted" in r.stderr, r.stderr
