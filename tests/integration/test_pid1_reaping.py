# SPDX-License-Identifier: MIT
"""tinysd as PID 1 reaps what the kernel re-parents to it.

Contract assumed: orphans (double-forked grandchildren of a service) that exit are reaped by PID 1,
however many and however fast, and PID 1 stays responsive: no zombie is left in the container's
/proc and SIGTERM still gives exit 0."""
import signal

from pid1 import MULTI_USER

# 200 double-forked grandchildren, half of them exiting at once, half after a short sleep: each
# is orphaned when its subshell exits and is re-parented to PID 1, which must reap it.
STORM = r"""#!/bin/sh
i=0
while [ $i -lt 100 ]; do
    ( sleep 0.2 & )
    ( /bin/true & )
    i=$((i + 1))
done
echo done > /run/storm-done
"""


def boot_storm(boot):
    """Boot with storm.service and wait until its orphans have all been started."""
    c = boot(units={"storm.service": """
        [Unit]
        Description=Orphan Storm
        [Service]
        Type=oneshot
        ExecStart=/opt/test/storm
        """}, enable=["storm.service"], files={"/opt/test/storm": STORM})
    c.wait_for(MULTI_USER)
    c.wait_for_path("/run/storm-done")
    return c


def zombies(c):
    return [p for p in c.pids() if p.state == "Z"]


def test_orphan_storm_leaves_no_zombies(boot):
    c = boot_storm(boot)
    c.wait_until(lambda: not zombies(c) and not any(p.cmdline[:1] == ("sleep",) for p in c.pids()),
                 timeout=5, what="every orphan exited and was reaped")
    # the same seen from inside, as `docker exec` would
    r = c.exec(["sh", "-c", "cat /proc/[0-9]*/stat"])
    states = [line.rsplit(")", 1)[1].split()[0] for line in r.stdout.splitlines()]
    assert states.count("Z") == 0


def test_pid1_stays_responsive_after_an_orphan_storm(boot):
    c = boot_storm(boot)
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
