# SPDX-License-Identifier: MIT
"""A service whose User= or Group= names nobody (issue 20 item 6, conformance script 23).

Contract (systemd 252, which resolves them in the forked child): the start job of a Type=simple
service is accepted (`systemctl start` and `systemd-run -p User=idontexist` exit 0), the process
then exits 217/USER (216/GROUP for Group=) and the unit fails with result exit-code; Type=exec and
Type=oneshot fail their start job. 252's log words: "Failed to determine user credentials: No such
process", "Failed at step USER spawning /bin/sleep: No such process", "Main process exited,
code=exited, status=217/USER", "Failed with result 'exit-code'."."""
import os
import pathlib

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
SYSTEMD_RUN = "/usr/bin/systemd-run"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")


def props(c, unit):
    r = c.exec([SYSTEMCTL, "show", "-p", "ActiveState", "-p", "Result", "-p", "ExecMainStatus", unit], timeout=20)
    return dict(line.split("=", 1) for line in r.stdout.split())


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_simple_is_accepted_then_fails_217(boot, tinysd, client):
    ctl = SYSTEMCTL if client == "debian" else str(pathlib.Path(tinysd).with_name("systemctl"))
    c = boot(start=False)
    for name, typ, key in (("two", "simple", "User"), ("twog", "simple", "Group"), ("five", "exec", "User"),
                           ("shot", "oneshot", "User")):
        c.write_unit(f"{name}.service", f"[Service]\nType={typ}\n{key}=idontexist\nExecStart=/bin/sleep infinity\n")
    c.start()
    c.wait_for(MULTI_USER)
    assert c.exec([ctl, "start", "two.service"], timeout=20).returncode == 0
    c.wait_for(r"two\.service: Failed to determine user credentials: No such process$")
    c.wait_for(r"two\.service: Failed at step USER spawning /bin/sleep: No such process$")
    c.wait_for(r"two\.service: Main process exited, code=exited, status=217/USER$")
    c.wait_for(r"two\.service: Failed with result 'exit-code'\.$")
    assert props(c, "two.service") == {"ActiveState": "failed", "Result": "exit-code", "ExecMainStatus": "217"}
    assert c.exec([ctl, "start", "twog.service"], timeout=20).returncode == 0
    c.wait_for(r"twog\.service: Failed to determine group credentials: No such process$")
    c.wait_for(r"twog\.service: Main process exited, code=exited, status=216/GROUP$")
    # Type=exec and oneshot: the job fails
    for unit in ("five.service", "shot.service"):
        r = c.exec([ctl, "start", unit], timeout=20)
        assert r.returncode == 1, r.stderr
        assert "failed because the control process exited with error code" in r.stderr
        assert props(c, unit) == {"ActiveState": "failed", "Result": "exit-code", "ExecMainStatus": "217"}


def test_systemd_run_user_idontexist(boot):
    if not os.access(SYSTEMD_RUN, os.X_OK):
        pytest.skip("Debian's systemd-run is not installed")
    c = boot()
    c.wait_for(MULTI_USER)
    r = c.exec([SYSTEMD_RUN, "--unit=two", "-p", "Type=simple", "-p", "User=idontexist", "/bin/sleep", "infinity"], timeout=20)
    assert r.returncode == 0, r.stderr
    c.wait_for(r"two\.service: Main process exited, code=exited, status=217/USER$")
    assert props(c, "two.service")["ExecMainStatus"] == "217"
    r = c.exec([SYSTEMD_RUN, "--unit=five", "-p", "Type=exec", "-p", "User=idontexist", "/bin/sleep", "infinity"], timeout=20)
    assert r.returncode != 0
