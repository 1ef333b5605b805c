# SPDX-License-Identifier: MIT
"""tinysd as PID 1 against hostile processes (issue 15's hostile suite).

Contract assumed: 5,000 orphans re-parented to PID 1 at once are all reaped and PID 1 keeps
answering `systemctl` meanwhile; a fork bomb in a unit with LimitNPROC= (run as an unprivileged
user, for whom the kernel enforces the limit) is contained by the limit, `systemctl stop` ends
every process of it (the bomb keeps forking while it is killed), and PID 1 answers throughout and
still stops in order with exit 0."""
import pathlib

from pid1 import MULTI_USER

# 5,000 double forks: each grandchild is orphaned the moment its parent exits and lands on PID 1.
ORPHANS = r"""#!/usr/bin/python3
import os, time
for i in range(5000):
    pid = os.fork()
    if pid == 0:
        if os.fork() == 0:
            time.sleep(0.5 if i % 2 else 0)
            os._exit(0)
        os._exit(0)
    os.waitpid(pid, 0)
open("/run/orphans-done", "w").write("done\n")
"""

# The classic shell fork bomb, as nobody (root is exempt from RLIMIT_NPROC in the kernel); inline,
# since nobody cannot read the harness's private directories.
# The main process stays (exec needs no new process), or the unit would end with it.
BOMB = "/bin/sh -c 'echo started > /tmp/bomb-started; b() { b | b & }; b; exec sleep infinity'"


def systemctl(c, tinysd, *args, timeout=30):
    return c.exec([str(pathlib.Path(tinysd).with_name("systemctl")), *args], timeout=timeout)


def zombies(c):
    return [p for p in c.pids() if p.state == "Z"]


def test_five_thousand_orphans_are_reaped_while_pid1_answers(boot, tinysd):
    c = boot(units={"orphans.service": """
        [Service]
        Type=oneshot
        ExecStart=/opt/test/orphans
        """, "other.service": """
        [Service]
        ExecStart=/bin/sleep infinity
        """}, enable=["other.service"], files={"/opt/test/orphans": (ORPHANS, 0o755)})
    c.wait_for(MULTI_USER)
    r = systemctl(c, tinysd, "start", "--no-block", "orphans.service")
    assert r.returncode == 0, r.stderr
    answered = 0
    while not c.path("/run/orphans-done").exists():
        r = systemctl(c, tinysd, "is-active", "other.service")
        assert r.stdout.strip() == "active", (r.stdout, r.stderr)
        answered += 1
    assert answered >= 1
    c.wait_until(lambda: not zombies(c) and not [p for p in c.pids() if p.ppid == 1 and p.comm == "python3"],
                 timeout=60, what="every orphan reaped")
    r = systemctl(c, tinysd, "show", "-p", "Result", "--value", "orphans.service")
    assert r.stdout.strip() == "success"
    c.signal(15)
    assert c.wait(timeout=30) == 0


def test_a_fork_bomb_under_limitnproc_is_contained_and_stopped(boot, tinysd):
    c = boot(units={"bomb.service": ("""
        [Service]
        User=nobody
        LimitNPROC=64
        ExecStart=%s
        KillMode=control-group
        TimeoutStopSec=5
        """ % BOMB), "other.service": """
        [Service]
        ExecStart=/bin/sleep infinity
        """}, enable=["other.service"])
    c.wait_for(MULTI_USER)
    r = systemctl(c, tinysd, "start", "bomb.service")
    assert r.returncode == 0, r.stderr
    c.wait_for_path("/tmp/bomb-started")
    nobody = lambda: [p for p in c.pids() if p.uid == 65534 and p.state != "Z"]
    c.wait_until(lambda: len(nobody()) >= 32, timeout=20, what="the bomb at its limit")
    for _ in range(5):
        assert len(nobody()) <= 64 + 1, "LimitNPROC= holds"
        r = systemctl(c, tinysd, "is-active", "other.service")
        assert r.stdout.strip() == "active", (r.stdout, r.stderr)
    r = systemctl(c, tinysd, "stop", "bomb.service", timeout=60)
    assert r.returncode == 0, r.stderr
    c.wait_until(lambda: not nobody(), timeout=30, what="no process of the bomb left")
    assert systemctl(c, tinysd, "is-active", "other.service").stdout.strip() == "active"
    c.signal(15)
    assert c.wait(timeout=30) == 0
