# SPDX-License-Identifier: MIT
"""tinysd as PID 1: dependencies and conditions between units, as systemd.unit(5) defines them.

Contract assumed: Requires= (+After=) on a unit that fails: the dependent is not started and
`[DEPEND] Dependency failed for ...` is printed; Wants= on it: the dependent still starts;
After= orders starts; BindsTo= stops the unit when the bound-to unit's main process exits;
Conflicts= stops the other unit when one starts; OnFailure= starts its units when a unit fails;
ConditionPathExists= that is false and ExecCondition= exiting 1 skip the unit (it does not run,
nothing fails). Oneshot units are used where an absence is asserted: their start jobs are
complete once multi-user.target is reached."""
import signal

from pid1 import LONG_RUNNING, MULTI_USER, dependency_failed, failed_to_start


def oneshot(description, command, *unit_lines):
    return "\n".join(["[Unit]", f"Description={description}", *unit_lines,
                      "[Service]", "Type=oneshot", f"ExecStart={command}", ""])


FAILING = oneshot("Failing", "/bin/false")


def test_requires_on_a_failing_unit_skips_the_dependent(boot):
    c = boot(units={"failing.service": FAILING,
                    "needs.service": oneshot("Needs", "/bin/sh -c 'echo ran > /run/needs'",
                                             "Requires=failing.service", "After=failing.service")},
             enable=["needs.service"])
    c.wait_for(dependency_failed("needs.service", "Needs"))
    c.wait_for(failed_to_start("failing.service", "Failing"))
    c.wait_for(MULTI_USER)
    assert not c.path("/run/needs").exists()


def test_wants_on_a_failing_unit_still_starts_the_dependent(boot):
    c = boot(units={"failing.service": FAILING,
                    "wants.service": oneshot("Wants", "/bin/sh -c 'echo ran > /run/wants'",
                                             "Wants=failing.service", "After=failing.service")},
             enable=["wants.service"])
    c.wait_for(failed_to_start("failing.service", "Failing"))
    c.wait_for(MULTI_USER)
    assert c.path("/run/wants").read_text() == "ran\n"


def test_after_orders_starts(boot):
    # enabled in the opposite order, and the first one is slow: only After= makes this order
    c = boot(units={
        "first.service": oneshot("First", "/bin/sh -c 'sleep 0.3; echo first >> /run/order'"),
        "second.service": oneshot("Second", "/bin/sh -c 'echo second >> /run/order'", "After=first.service"),
        "third.service": oneshot("Third", "/bin/sh -c 'echo third >> /run/order'", "After=second.service"),
    }, enable=["third.service", "second.service", "first.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/run/order").read_text() == "first\nsecond\nthird\n"


def test_binds_to_stops_the_unit_when_the_bound_process_exits(boot):
    c = boot(units={
        "bound.service": """
            [Unit]
            Description=Bound
            [Service]
            ExecStart=/bin/sh -c 'until [ -e /run/seq ]; do sleep 0.1; done; sleep 0.5; exit 0'
            """,
        "binder.service": """
            [Unit]
            Description=Binder
            BindsTo=bound.service
            After=bound.service
            [Service]
            ExecStart=/opt/test/long-running binder /run/seq
            """}, enable=["binder.service"], files={"/opt/test/long-running": LONG_RUNNING})
    c.wait_for_path("/run/seq", contains="stop binder\n")
    assert c.running(), "only binder.service stops, not the container"


def test_conflicts_stops_the_other_unit(boot):
    # resolver.service starts later, as the OnFailure= unit of trigger.service, in a transaction
    # of its own; it conflicts with the running incumbent.service
    c = boot(units={
        "incumbent.service": """
            [Unit]
            Description=Incumbent
            [Service]
            ExecStart=/opt/test/long-running incumbent /run/seq
            """,
        "trigger.service": oneshot("Trigger", "/bin/sh -c 'until [ -e /run/seq ]; do sleep 0.1; done; exit 1'",
                                   "OnFailure=resolver.service", "After=incumbent.service"),
        "resolver.service": oneshot("Resolver", "/bin/sh -c 'echo resolver >> /run/seq'",
                                    "Conflicts=incumbent.service", "After=incumbent.service"),
    }, enable=["incumbent.service", "trigger.service"], files={"/opt/test/long-running": LONG_RUNNING})
    c.wait_for_path("/run/seq", contains="resolver\n")
    assert c.path("/run/seq").read_text() == "start incumbent\nstop incumbent\nresolver\n"


def test_on_failure_starts_the_handler(boot):
    c = boot(units={
        "failing.service": oneshot("Failing", "/bin/false", "OnFailure=handler.service"),
        "handler.service": oneshot("Handler", "/bin/sh -c 'echo handled > /run/handled'"),
    }, enable=["failing.service"])
    assert c.wait_for_path("/run/handled", contains="\n").read_text() == "handled\n"


def test_false_condition_skips_the_unit_without_failure(boot):
    c = boot(units={"cond.service": oneshot("Conditional", "/bin/sh -c 'echo ran > /run/cond'",
                                            "ConditionPathExists=/nonexistent")},
             enable=["cond.service"])
    c.wait_for(MULTI_USER)
    assert not c.path("/run/cond").exists()
    assert "[FAILED]" not in c.output()
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


def test_true_condition_runs_the_unit(boot):
    c = boot(units={"cond.service": oneshot("Conditional", "/bin/sh -c 'echo ran > /run/cond'",
                                            "ConditionPathExists=/etc/systemd/system/cond.service")},
             enable=["cond.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/run/cond").read_text() == "ran\n"


def test_exec_condition_exiting_1_skips_the_unit(boot):
    c = boot(units={"execcond.service": """
        [Unit]
        Description=Exec Condition
        [Service]
        Type=oneshot
        ExecCondition=/bin/sh -c 'echo checked > /run/checked; exit 1'
        ExecStart=/bin/sh -c 'echo ran > /run/execcond'
        """}, enable=["execcond.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/run/checked").read_text() == "checked\n"
    assert not c.path("/run/execcond").exists()
    assert "[FAILED]" not in c.output()


def test_job_timeout_cancels_the_job_not_the_unit(boot):
    # JobTimeoutSec=: the start job ends with result "timeout" ([ TIME ] Timed out starting),
    # units that Require= it fail as dependencies, and the unit itself keeps starting
    c = boot(units={
        "slow.service": """
            [Unit]
            Description=Slow Starter
            JobTimeoutSec=1s
            [Service]
            Type=notify
            TimeoutStartSec=infinity
            ExecStart=/bin/sleep 1000
            """,
        "needs-slow.service": oneshot("Needs Slow", "/bin/true", "Requires=slow.service", "After=slow.service"),
    }, enable=["slow.service", "needs-slow.service"])
    c.wait_for(r"^\[ TIME \] Timed out starting slow\.service - Slow Starter\.$", timeout=10)
    c.wait_for(dependency_failed("needs-slow.service", "Needs Slow"))
    c.wait_for(MULTI_USER)
    assert c.exec(["systemctl", "is-active", "slow.service"]).stdout == "activating\n"
    assert c.exec(["systemctl", "list-jobs"]).stdout.startswith("No jobs running.")


def test_job_timeout_action_exit_ends_the_container(boot):
    c = boot(units={"slow.service": """
        [Unit]
        Description=Slow Starter
        JobTimeoutSec=1s
        JobTimeoutAction=exit-force
        [Service]
        Type=notify
        ExecStart=/bin/sleep 1000
        """}, enable=["slow.service"])
    c.wait_for(r"Timed out starting slow\.service")
    assert c.wait(timeout=15) == 0
