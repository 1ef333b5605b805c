# SPDX-License-Identifier: MIT
"""OnFailure=/OnSuccess= handlers as systemd 252 runs them (issue 20, items 7; scripts 68 and 57),
checked with Debian's systemctl.

Contract (systemd.exec(5) "Environment variables in spawned processes", 252's service_spawn()): the
ExecStartPre= and ExecStart= commands of a service started by another service's OnFailure= or
OnSuccess= get $MONITOR_SERVICE_RESULT, $MONITOR_EXIT_CODE, $MONITOR_EXIT_STATUS,
$MONITOR_INVOCATION_ID (the triggering unit's $INVOCATION_ID) and $MONITOR_UNIT; ExecStartPost= does
not; a unit named by two units' OnFailure=/OnSuccess= gets none of them (whose would they be?). A
handler that ran is inactive, like any oneshot."""
from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
# written whole, then renamed: the test never reads half a file
DUMP = "/bin/sh -c 'env | grep -E \"^(MONITOR_|INVOCATION_ID=)\" > /run/{name}.tmp; mv /run/{name}.tmp /run/{name}.env'"


def ctl(c, *args, timeout=30):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=timeout)


def show(c, prop, unit):
    return ctl(c, "show", "-P", prop, unit).stdout.strip()


def handler(name, post=False):
    lines = ["[Service]", "Type=oneshot", f"ExecStartPre={DUMP.format(name=name + '-pre')}",
             f"ExecStart={DUMP.format(name=name)}"]
    if post:
        lines.append(f"ExecStartPost={DUMP.format(name=name + '-post')}")
    return "\n".join(lines) + "\n"


def env_of(c, name):
    text = c.wait_for_path(f"/run/{name}.env", contains="").read_text()
    return dict(line.split("=", 1) for line in text.splitlines())


def test_on_failure_handler_gets_the_monitor_environment_and_ends_inactive(boot):
    c = boot(units={
        "fails.service": "[Unit]\nOnFailure=fail-handler.service\n[Service]\nExecStart=/bin/sh -c 'exit 3'\n",
        "fail-handler.service": handler("fail-handler", post=True),
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "fails.service")
    c.wait_until(lambda: show(c, "ActiveState", "fail-handler.service") == "inactive"
                 and c.path("/run/fail-handler-post.env").exists(), what="the handler ran")
    invocation = show(c, "InvocationID", "fails.service")
    assert len(invocation) == 32
    for name in ("fail-handler-pre", "fail-handler"):
        env = env_of(c, name)
        assert env["MONITOR_SERVICE_RESULT"] == "exit-code"
        assert env["MONITOR_EXIT_CODE"] == "exited"
        assert env["MONITOR_EXIT_STATUS"] == "3"
        assert env["MONITOR_INVOCATION_ID"] == invocation
        assert env["MONITOR_UNIT"] == "fails.service"
        assert env["INVOCATION_ID"] == show(c, "InvocationID", "fail-handler.service")
    assert not any(k.startswith("MONITOR_") for k in env_of(c, "fail-handler-post"))
    assert show(c, "Result", "fail-handler.service") == "success"


def test_on_success_handler_gets_the_monitor_environment(boot):
    c = boot(units={
        "succeeds.service": "[Unit]\nOnSuccess=ok-handler.service\n[Service]\nExecStart=/bin/true\n",
        "ok-handler.service": handler("ok-handler"),
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "succeeds.service")
    c.wait_until(lambda: c.path("/run/ok-handler.env").exists(), what="the handler ran")
    env = env_of(c, "ok-handler")
    assert (env["MONITOR_SERVICE_RESULT"], env["MONITOR_EXIT_CODE"], env["MONITOR_EXIT_STATUS"]) == \
        ("success", "exited", "0")
    assert env["MONITOR_UNIT"] == "succeeds.service"
    assert env["MONITOR_INVOCATION_ID"] == show(c, "InvocationID", "succeeds.service")
    c.wait_until(lambda: show(c, "ActiveState", "ok-handler.service") == "inactive", what="inactive")


def test_a_signal_is_passed_by_name(boot):
    c = boot(units={
        "killed.service": "[Unit]\nOnFailure=kill-handler.service\n[Service]\nExecStart=/bin/sh -c 'kill -9 $$$$'\n",
        "kill-handler.service": handler("kill-handler"),
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "killed.service")
    env = env_of(c, "kill-handler")
    assert (env["MONITOR_SERVICE_RESULT"], env["MONITOR_EXIT_CODE"], env["MONITOR_EXIT_STATUS"]) == \
        ("signal", "killed", "KILL")


def test_a_handler_of_two_units_gets_no_monitor_environment(boot):
    c = boot(units={
        "one.service": "[Unit]\nOnFailure=shared-handler.service\n[Service]\nExecStart=/bin/false\n",
        "two.service": "[Unit]\nOnFailure=shared-handler.service\n[Service]\nExecStart=/bin/false\n",
        "shared-handler.service": handler("shared-handler"),
    })
    c.wait_for(MULTI_USER)
    assert show(c, "LoadState", "one.service") == "loaded"   # both units loaded, one of them fails
    ctl(c, "start", "two.service")
    c.wait_until(lambda: c.path("/run/shared-handler.env").exists(), what="the handler ran")
    env = env_of(c, "shared-handler")
    assert "INVOCATION_ID" in env
    assert not any(k.startswith("MONITOR_") for k in env)
    assert "multiple trigger source candidates for exit status propagation" in c.output()


def test_a_start_job_failed_for_a_dependency_triggers_on_failure(boot):
    # the unit never changes state (it is not started), its job fails: 252 runs OnFailure= all the same
    c = boot(units={
        "broken.service": "[Service]\nType=oneshot\nExecStart=/bin/false\n",
        "dependent.service": "[Unit]\nRequires=broken.service\nAfter=broken.service\n"
                             "OnFailure=dep-handler.service\n[Service]\nExecStart=/bin/sleep 100\n",
        "dep-handler.service": handler("dep-handler"),
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "dependent.service")
    env = env_of(c, "dep-handler")
    assert env["MONITOR_UNIT"] == "dependent.service"
    assert show(c, "ActiveState", "dependent.service") == "inactive"
    assert "dependent.service: Job dependent.service/start failed with result 'dependency'." in c.output()
