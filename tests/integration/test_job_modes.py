# SPDX-License-Identifier: MIT
"""Job modes ignore-dependencies and ignore-requirements as systemd 252 (issue 20, item 4).

Contract (252's manager_add_job(): the anchor job of ignore-dependencies ignores ordering, and
neither mode pulls in requirements): `systemctl start --job-mode=ignore-dependencies B` returns at
once although B is ordered after A, whose start job is still running; ignore-requirements starts B
without its Requires= units but still waits for the units it is ordered after. tinysd's systemctl
takes 252's deprecated spelling --ignore-dependencies too."""
import pathlib

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
UNITS = {
    "slow.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sleep 300
    """,
    "after-slow.service": """
        [Unit]
        After=slow.service
        Requires=needed.service
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/true
    """,
    "needed.service": """
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/true
    """,
}


def show(c, prop, unit):
    return c.exec([SYSTEMCTL, "show", "-P", prop, unit], timeout=20).stdout.strip()


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_ignore_dependencies_returns_at_once(boot, tinysd, client):
    ctl = [SYSTEMCTL] if client == "debian" else [str(pathlib.Path(tinysd).with_name("systemctl"))]
    mode = ["--job-mode=ignore-dependencies"] if client == "debian" else ["--ignore-dependencies"]
    c = boot(units=UNITS)
    c.wait_for(MULTI_USER)
    assert c.exec(ctl + ["start", "--no-block", "slow.service"], timeout=20).returncode == 0
    c.wait_until(lambda: show(c, "ActiveState", "slow.service") == "activating", what="slow.service activating")
    # 252 returns at once; waiting for slow.service's job would outlast this call's bound
    r = c.exec(ctl + ["start", *mode, "after-slow.service"], timeout=60)
    assert r.returncode == 0, r.stderr
    assert show(c, "ActiveState", "after-slow.service") == "active"
    assert show(c, "ActiveState", "slow.service") == "activating"
    assert show(c, "ActiveState", "needed.service") == "inactive"   # requirements not pulled in


def test_ignore_requirements_keeps_ordering(boot):
    c = boot(units=UNITS)
    c.wait_for(MULTI_USER)
    r = c.exec([SYSTEMCTL, "start", "--job-mode=ignore-requirements", "after-slow.service"], timeout=20)
    assert r.returncode == 0, r.stderr
    assert show(c, "ActiveState", "after-slow.service") == "active"
    assert show(c, "ActiveState", "needed.service") == "inactive"
    assert c.exec([SYSTEMCTL, "start", "--no-block", "slow.service"], timeout=20).returncode == 0
    c.wait_until(lambda: show(c, "ActiveState", "slow.service") == "activating", what="slow.service activating")
    assert c.exec([SYSTEMCTL, "stop", "after-slow.service"], timeout=20).returncode == 0
    assert c.exec([SYSTEMCTL, "start", "--no-block", "--job-mode=ignore-requirements", "after-slow.service"],
                  timeout=20).returncode == 0
    # ordered after slow.service, whose start job runs: it waits
    jobs = c.exec([SYSTEMCTL, "list-jobs", "--no-legend"], timeout=20).stdout
    assert any("after-slow.service" in ln and "waiting" in ln for ln in jobs.splitlines()), jobs
