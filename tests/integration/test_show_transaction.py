# SPDX-License-Identifier: MIT
"""`systemctl -T` / `--show-transaction` (issue 20 item 9): Manager.EnqueueUnitJob.

Contract (systemd 252): EnqueueUnitJob(name, job type, mode) queues the job as StartUnit & co. do
and answers (uososa(uosos)) the anchor job and every other job its transaction installed; systemctl
-T says "Enqueued anchor job N UNIT/TYPE." and "Enqueued auxiliary job N UNIT/TYPE." per other job
on stderr, with Debian's and tinysd's systemctl; errors are the plain method's."""
import os
import pathlib
import re

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_show_transaction(boot, tinysd, client):
    ctl = SYSTEMCTL if client == "debian" else str(pathlib.Path(tinysd).with_name("systemctl"))
    c = boot(start=False)
    c.write_unit("ta.service", "[Unit]\nDefaultDependencies=no\nWants=tb.service\nAfter=tb.service\n"
                               "[Service]\nExecStart=/bin/sleep 1000\n")
    c.write_unit("tb.service", "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                               "ExecStart=/bin/true\n")
    c.start()
    c.wait_for(MULTI_USER)
    r = c.exec([ctl, "-T", "start", "ta.service"], timeout=30)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 2, lines
    anchor = re.fullmatch(r"Enqueued anchor job (\d+) ta\.service/start\.", lines[0])
    aux = re.fullmatch(r"Enqueued auxiliary job (\d+) tb\.service/start\.", lines[1])
    assert anchor and aux, lines
    assert int(aux.group(1)) > int(anchor.group(1))
    assert c.exec([SYSTEMCTL, "is-active", "ta.service", "tb.service"], timeout=20).stdout.split() == ["active", "active"]
    r = c.exec([ctl, "--show-transaction", "stop", "ta.service"], timeout=30)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"Enqueued anchor job \d+ ta\.service/stop\.\n", r.stderr), r.stderr
    r = c.exec([ctl, "-T", "restart", "tb.service"], timeout=30)
    assert re.fullmatch(r"Enqueued anchor job \d+ tb\.service/restart\.\n", r.stderr), r.stderr
    r = c.exec([ctl, "-T", "start", "nonexistent-x.service"], timeout=30)
    assert r.returncode == 5
    assert "Unit nonexistent-x.service not found." in r.stderr
