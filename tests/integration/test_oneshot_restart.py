# SPDX-License-Identifier: MIT
"""A transient Type=oneshot Restart=on-failure service (issue 20, conformance script 41).

Contract (systemd 252): `systemd-run -p Type=oneshot -p Restart=on-failure CMD` fails its start job,
the service is restarted and counts its restarts (`systemctl show -P NRestarts`) until the start
limit stops it; every restart runs the command list from its first ExecStart=. A property given
twice (`-p ExecStart=A` and the command B) appends to the list as 252's
bus_set_transient_exec_command() does: the unit runs A, then B, and its file says so."""
import os
import time

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
SYSTEMD_RUN = "/usr/bin/systemd-run"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMD_RUN, os.X_OK), reason="Debian's systemd-run is not installed")


def wait_until(pred, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


def test_oneshot_restarts_are_counted_and_run_the_whole_list(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    r = c.exec([SYSTEMD_RUN, "--unit=one", "-p", "Type=oneshot", "-p", "Restart=on-failure", "/bin/sh", "-c", "exit 1"],
               timeout=60)
    assert r.returncode != 0
    nrestarts = lambda: c.exec([SYSTEMCTL, "show", "-P", "NRestarts", "one.service"], timeout=20).stdout.strip()
    assert wait_until(lambda: nrestarts() not in ("", "0"))
    r = c.exec([SYSTEMD_RUN, "--unit=two", "-p", "StartLimitIntervalSec=120", "-p", "StartLimitBurst=3",
                "-p", "Type=oneshot", "-p", "Restart=on-failure", "-p", "ExecStart=/bin/sh -c \"printf a >>/run/t41\"",
                "/bin/sh", "-c", "exit 1"], timeout=60)
    assert r.returncode != 0
    assert wait_until(lambda: c.exec([SYSTEMCTL, "is-failed", "-q", "two.service"], timeout=20).returncode == 0)
    assert c.path("/run/t41").read_text() == "aaa"
    assert c.exec([SYSTEMCTL, "show", "-P", "NRestarts", "two.service"], timeout=20).stdout.strip() == "3"
    text = c.path("/run/systemd/transient/two.service").read_text()
    assert [ln for ln in text.splitlines() if ln.startswith("ExecStart=")] == [
        "ExecStart=", 'ExecStart="/bin/sh" "-c" "printf a >>/run/t41"', 'ExecStart="/bin/sh" "-c" "exit 1"']
