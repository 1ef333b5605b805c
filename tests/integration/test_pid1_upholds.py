# SPDX-License-Identifier: MIT
"""Upholds= and StopPropagatedFrom= beyond the transaction, as systemd 252 has them (issue 20, script 57),
checked with Debian's systemctl.

Contract (systemd.unit(5), 252's start_when_upheld queue and retroactively_stop_dependencies()):
while a unit that Upholds= another is active and has no job, the other is started again whenever it
is found inactive or failed, also after its own start failed (a dependency it Requires= failed), at
most 16 times in 10 s ("... but not starting since we tried this too often recently. Will retry
later."), then again once that window is over. A unit whose stop is propagated from another
(StopPropagatedFrom=) is stopped when that one stops on its own, not only by a stop job."""
from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"


def ctl(c, *args, timeout=30):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=timeout)


def lines(c, path):
    p = c.path(path)
    return len(p.read_text().splitlines()) if p.exists() else 0


def test_an_upheld_unit_that_exits_is_started_again(boot):
    c = boot(units={
        "upholder.service": "[Unit]\nUpholds=short.service\n[Service]\nExecStart=/bin/sleep infinity\n",
        "short.service": "[Unit]\nStartLimitBurst=100\n[Service]\nExecStart=/bin/sh -c 'echo ran >> /run/short'\n",
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "upholder.service")
    c.wait_until(lambda: lines(c, "/run/short") >= 4, what="short.service started again and again")


def test_restarts_of_an_upheld_unit_are_rate_limited(boot):
    c = boot(units={
        "upholder.service": "[Unit]\nUpholds=quick.service\n[Service]\nExecStart=/bin/sleep infinity\n",
        "quick.service": "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sh -c 'echo ran >> /run/quick'\n",
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "upholder.service")
    c.wait_for("quick.service: Unit needs to be started because active unit upholder.service upholds it, "
               "but not starting since we tried this too often recently. Will retry later.")
    n = lines(c, "/run/quick")
    assert 16 <= n <= 17      # the transaction's own start, then 16 by Upholds=
    c.wait_until(lambda: lines(c, "/run/quick") > n, timeout=20, what="the retry after the window")


def test_an_upheld_unit_whose_dependency_failed_is_started_once_it_can(boot):
    c = boot(units={
        "upholder.service": "[Unit]\nUpholds=upheld.service\n[Service]\nExecStart=/bin/sleep infinity\n",
        "upheld.service": "[Unit]\nRequires=needed.service\nAfter=needed.service\n"
                          "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n",
        "needed.service": "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/test -f /run/ok\n",
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "upholder.service")
    c.wait_until(lambda: ctl(c, "is-failed", "needed.service").returncode == 0, what="needed.service failed")
    assert ctl(c, "is-active", "upheld.service").stdout.strip() != "active"
    c.path("/run/ok").write_text("")
    c.wait_until(lambda: ctl(c, "is-active", "upheld.service").stdout.strip() == "active", timeout=40,
                 what="upheld.service started once needed.service could")


def test_a_stop_is_propagated_when_the_other_unit_exits_on_its_own(boot):
    c = boot(units={
        "receiver.service": "[Unit]\nWants=sender.service\nAfter=sender.service\n"
                            "StopPropagatedFrom=sender.service\n"
                            "[Service]\nExecStart=/bin/sleep infinity\nExecStopPost=/bin/touch /run/receiver-stopped\n",
        "sender.service": "[Service]\nExecStart=/bin/sleep 0.5\n",
    })
    c.wait_for(MULTI_USER)
    ctl(c, "start", "receiver.service")
    c.wait_for_path("/run/receiver-stopped")
    c.wait_until(lambda: ctl(c, "show", "-P", "ActiveState", "receiver.service").stdout.strip() == "inactive",
                 what="receiver.service stopped")
