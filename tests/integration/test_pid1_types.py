# SPDX-License-Identifier: MIT
"""tinysd as PID 1: service types, as systemd.service(5) defines them.

Contract assumed: simple (the main process stays, as a child of PID 1), exec (a failing execve
fails the start: `[FAILED]`), oneshot (every ExecStart= line runs, in order; "Finished";
RemainAfterExit=yes keeps it active, so it is stopped -- ExecStop= runs -- at shutdown), forking
with PIDFile= and forking without it (the daemon, a grandchild re-parented to PID 1 after a
double fork, is found and is the one stopped at shutdown, with its children), notify (the unit
is started only once READY=1 arrives on $NOTIFY_SOCKET, so a unit After= it starts after that)."""
import os
import re
import signal

import pytest

from pid1 import MULTI_USER, failed_to_start, finished, started, stopped


def test_simple_main_process_stays_a_child_of_pid1(boot):
    c = boot(units={"simple.service": """
        [Unit]
        Description=Simple
        [Service]
        Type=simple
        ExecStart=/bin/sh -c 'echo $$$$ > /run/simple.pid; exec sleep 1001'
        """}, enable=["simple.service"])
    c.wait_for(started("simple.service", "Simple"))
    pid = int(c.wait_for_path("/run/simple.pid", contains="\n").read_text())
    main = c.wait_until(lambda: next((p for p in c.pids() if p.pid == pid and p.cmdline == ("sleep", "1001")), None),
                        what=f"PID {pid} running `sleep 1001`")
    assert main.ppid == 1
    assert main.state != "Z"


def test_exec_type_fails_the_start_when_execve_fails(boot):
    c = boot(units={"noexec.service": """
        [Unit]
        Description=No Such Binary
        [Service]
        Type=exec
        ExecStart=/nonexistent/binary
        """}, enable=["noexec.service"])
    c.wait_for(failed_to_start("noexec.service", "No Such Binary"))


def test_exec_type_runs(boot):
    c = boot(units={"exec.service": """
        [Unit]
        Description=Exec Type
        [Service]
        Type=exec
        ExecStart=/bin/sh -c 'echo ran > /run/exec-ran; exec sleep 1000'
        """}, enable=["exec.service"])
    c.wait_for(started("exec.service", "Exec Type"))
    c.wait_for_path("/run/exec-ran")


def test_oneshot_runs_every_exec_start_in_order(boot):
    c = boot(units={"steps.service": """
        [Unit]
        Description=Steps
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'echo one >> /run/steps'
        ExecStart=/bin/sh -c 'echo two >> /run/steps'
        """}, enable=["steps.service"])
    c.wait_for(finished("steps.service", "Steps"))
    assert c.path("/run/steps").read_text() == "one\ntwo\n"


def test_oneshot_remain_after_exit_is_stopped_at_shutdown(boot):
    c = boot(units={"remain.service": """
        [Unit]
        Description=Remains
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/true
        ExecStop=/bin/sh -c 'echo stopped > /run/remain-stopped'
        """}, enable=["remain.service"])
    c.wait_for(MULTI_USER)
    assert not c.path("/run/remain-stopped").exists()
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    assert c.path("/run/remain-stopped").read_text() == "stopped\n"
    assert c.wait_for(stopped("remain.service", "Remains"), timeout=1)


# A daemon: records TERM in /run/LOG and exits; its child `sleep 1001` marks its process tree.
DAEMON = r"""#!/bin/sh
trap 'echo TERM >> "/run/$1"; exit 0' TERM
echo "$$" > "/run/$1.daemon-pid"
while :; do sleep 1001 & wait $!; done
"""

# Counts processes whose command line is `sleep ARG`, writes the count to FILE.
COUNT_SLEEPS = r"""#!/bin/sh
n=0
for f in /proc/[0-9]*/cmdline; do
    [ "$(cat "$f" 2>/dev/null | tr '\0' ' ')" = "sleep $1 " ] && n=$((n + 1))
done
echo "$n" > "$2"
"""

# Stops after the forking service (Before= it): counts the daemon's leftovers at that moment.
WITNESS = """
    [Unit]
    Description=Witness
    Before={unit}
    [Service]
    Type=oneshot
    RemainAfterExit=yes
    ExecStart=/bin/true
    ExecStop=/opt/test/count-sleeps 1001 /run/leftover
    """


FORK_WITH_PIDFILE = r"""#!/bin/sh
/opt/test/daemon forking.log &
echo $! > /run/forking.pid
until [ -s /run/forking.log.daemon-pid ]; do sleep 0.05; done
exit 0
"""


def test_forking_with_pidfile(boot):
    c = boot(units={"forking.service": """
        [Unit]
        Description=Forking With PIDFile
        [Service]
        Type=forking
        PIDFile=/run/forking.pid
        ExecStart=/opt/test/fork-with-pidfile
        """, "witness.service": WITNESS.format(unit="forking.service")},
        enable=["forking.service", "witness.service"],
        files={"/opt/test/daemon": DAEMON, "/opt/test/count-sleeps": COUNT_SLEEPS,
               "/opt/test/fork-with-pidfile": FORK_WITH_PIDFILE})
    c.wait_for(started("forking.service", "Forking With PIDFile"))
    c.wait_for(MULTI_USER)
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    assert c.path("/run/forking.log").read_text() == "TERM\n", "the main PID from PIDFile= got SIGTERM"
    assert c.path("/run/leftover").read_text() == "0\n", "its children were stopped with it"


# systemd's words for a PID file that cannot be used, with the error that happened: never errno 0
# ("...: Success", musl's "No error information"), nor a made-up one (tinysd said "No such process").
BAD_PIDFILES = {
    "missing": ("", r"Can't open PID file /run/missing\.pid \(yet\?\) after start: No such file or directory"),
    "garbage": ("echo not-a-pid > /run/garbage.pid", r"Failed to parse PID from file /run/garbage\.pid: Invalid argument"),
    "gone": ("echo 99999 > /run/gone.pid", r"PID 99999 read from file /run/gone\.pid does not exist or is a zombie\."),
}


def test_forking_with_an_unusable_pidfile_says_why(boot):
    units = {f"{name}.service": f"""
        [Unit]
        Description=PID file {name}
        [Service]
        Type=forking
        PIDFile=/run/{name}.pid
        ExecStart=/bin/sh -c '{write}'
        """ for name, (write, _) in BAD_PIDFILES.items()}
    c = boot(units=units, enable=list(units))
    for name, (_, words) in BAD_PIDFILES.items():
        c.wait_for(rf"^tinysd\[1\]: {name}\.service: {words}$")
    c.wait_for(MULTI_USER)
    out = c.output()
    assert "Success" not in out and "No error information" not in out and "No such process" not in out, out


DOUBLE_FORK = r"""#!/bin/sh
# the classic daemon(3) dance: the daemon is a grandchild, re-parented to PID 1 when the
# intermediate subshell exits; this script (the service's first process) exits 0 right after
( setsid /opt/test/daemon dd.log & )
until [ -s /run/dd.log.daemon-pid ]; do sleep 0.05; done
exit 0
"""


def test_forking_without_pidfile_finds_the_double_forked_daemon(boot):
    c = boot(units={"dd.service": """
        [Unit]
        Description=Double Fork
        [Service]
        Type=forking
        ExecStart=/opt/test/double-fork
        """, "witness.service": WITNESS.format(unit="dd.service")},
        enable=["dd.service", "witness.service"],
        files={"/opt/test/daemon": DAEMON, "/opt/test/double-fork": DOUBLE_FORK,
               "/opt/test/count-sleeps": COUNT_SLEEPS})
    c.wait_for(started("dd.service", "Double Fork"))
    c.wait_for(MULTI_USER)
    daemon = int(c.path("/run/dd.log.daemon-pid").read_text())
    c.wait_until(lambda: any(p.pid == daemon and p.ppid == 1 for p in c.pids()),
                 what=f"daemon {daemon} re-parented to PID 1")
    c.signal(signal.SIGTERM)
    assert c.wait() == 0
    assert c.path("/run/dd.log").read_text() == "TERM\n", "the daemon was stopped as the service's main process"
    assert c.path("/run/leftover").read_text() == "0\n", "its sleep was gone when dd.service was stopped"


# A daemon whose SIGTERM handler forks a child after the kill round began (so late that no
# rescan of the round sees it) and then exits: as when a daemon preempted just before its fork
# gets the SIGTERM of `docker stop` (test_forking_* above, under load). systemd 252 moves on
# when the main process has exited (stop-post, then the final-sigterm round kills what is
# left); the unit must not sit in stop-sigterm until its timeout with the child alive. The
# handler waits before it exits: until the child has exec'd sleep, it still has the shell's
# handler for TERM, and a TERM then is swallowed (under any init).
LATE_CHILD_DAEMON = r"""#!/bin/sh
trap 'sleep 0.3; sleep 1002 & sleep 0.3; echo TERM >> /run/late.log; exit 0' TERM
echo "$$" > /run/late.daemon-pid
while :; do sleep 1001 & wait $!; done
"""


def test_child_forked_after_the_kill_round_is_killed_by_the_final_round(boot):
    c = boot(units={"late.service": """
        [Unit]
        Description=Late Child
        [Service]
        ExecStart=/opt/test/late-daemon
        """, "witness.service": WITNESS.format(unit="late.service").replace("sleeps 1001", "sleeps 1002")},
        enable=["late.service", "witness.service"],
        files={"/opt/test/late-daemon": LATE_CHILD_DAEMON, "/opt/test/count-sleeps": COUNT_SLEEPS})
    c.wait_for(started("late.service", "Late Child"))
    c.wait_for(MULTI_USER)
    c.wait_for_path("/run/late.daemon-pid", contains="\n")
    c.signal(signal.SIGTERM)
    assert c.wait(timeout=30) == 0
    out = c.output()
    assert c.path("/run/late.log").read_text() == "TERM\n", out
    assert "timed out" not in out, out
    assert c.path("/run/leftover").read_text() == "0\n", "the late child was gone when late.service was stopped"


def test_forking_without_pidfile_status_as_systemd_prints_it(boot):
    """GuessMainPID=: Debian's systemctl status prints the guessed daemon as the main PID and one
    "Process:" line per command that ran (ExecStartPre=, the start command, ExecStartPost=), with
    their exit statuses, as systemd 252 does; ExecMainPID= and ExecMainStartTimestamp= follow the
    guessed daemon."""
    if not os.access("/usr/bin/systemctl", os.X_OK):
        pytest.skip("Debian's systemctl is not installed")
    c = boot(units={"dd.service": """
        [Unit]
        Description=Double Fork
        [Service]
        Type=forking
        ExecStartPre=/bin/true pre
        ExecStart=/opt/test/double-fork
        ExecStartPost=/bin/sh -c 'exit 0'
        """}, enable=["dd.service"], files={"/opt/test/daemon": DAEMON, "/opt/test/double-fork": DOUBLE_FORK})
    c.wait_for(started("dd.service", "Double Fork"))
    daemon = int(c.path("/run/dd.log.daemon-pid").read_text())
    out = c.exec(["/usr/bin/systemctl", "status", "--no-pager", "dd.service"]).stdout
    ok = r"\(code=exited, status=0/SUCCESS\)"
    assert re.search(rf"^ +Process: \d+ ExecStartPre=/bin/true pre {ok}$", out, re.M), out
    assert re.search(rf"^ +Process: \d+ ExecStart=/opt/test/double-fork {ok}$", out, re.M), out
    assert re.search(rf"^ +Process: \d+ ExecStartPost=/bin/sh -c exit 0 {ok}$", out, re.M), out
    assert re.search(rf"^ +Main PID: {daemon} \(", out, re.M), out
    show = dict(line.split("=", 1) for line in c.exec(
        ["/usr/bin/systemctl", "show", "-p", "MainPID,ExecMainPID,ExecMainStartTimestampMonotonic,ExecStart",
         "dd.service"]).stdout.splitlines())
    assert show["MainPID"] == show["ExecMainPID"] == str(daemon), show
    assert int(show["ExecMainStartTimestampMonotonic"]) > 0, show
    start_pid = int(re.search(r"pid=(\d+)", show["ExecStart"]).group(1))
    assert start_pid != daemon and "code=exited ; status=0" in show["ExecStart"], show


NOTIFY = r"""#!/bin/sh
sleep 0.5
touch /run/notify-ready-marker
systemd-notify --ready
exec sleep 1000
"""


# Records whether notify.service had written its ready marker when this unit, ordered after it,
# was started: "yes" only if tinysd waited for READY=1.
AFTER_NOTIFY = """
        [Unit]
        Description=After Notify
        After=notify.service
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'if [ -e /run/notify-ready-marker ]; then echo yes; else echo no; fi > /run/after-notify'
        """


def test_notify_is_started_only_after_ready(boot):
    c = boot(units={"notify.service": """
        [Unit]
        Description=Notify
        [Service]
        Type=notify
        NotifyAccess=all
        ExecStart=/opt/test/notify
        """, "after-notify.service": AFTER_NOTIFY}, enable=["notify.service", "after-notify.service"], files={"/opt/test/notify": NOTIFY})
    c.wait_for(started("notify.service", "Notify"))
    c.wait_for(MULTI_USER)
    assert c.path("/run/after-notify").read_text() == "yes\n"


NOTIFY_PY = r"""#!/usr/bin/python3
import os, socket, time
time.sleep(0.5)
open("/run/notify-ready-marker", "w").close()
addr = os.environ["NOTIFY_SOCKET"]
if addr.startswith("@"):
    addr = "\0" + addr[1:]
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.sendto(b"READY=1", addr)
time.sleep(1000)
"""


def test_notify_from_the_main_process_itself(boot):
    # NotifyAccess=main (the default): READY=1 sent by the main process
    c = boot(units={"notify.service": """
        [Unit]
        Description=Notify Main
        [Service]
        Type=notify
        ExecStart=/opt/test/notify.py
        """, "after-notify.service": AFTER_NOTIFY}, enable=["notify.service", "after-notify.service"], files={"/opt/test/notify.py": NOTIFY_PY})
    c.wait_for(started("notify.service", "Notify Main"))
    c.wait_for(MULTI_USER)
    assert c.path("/run/after-notify").read_text() == "yes\n"


def test_ignored_failure_is_not_reported_and_exit_names_are_systemds(boot):
    # '-' makes a failing command count as success: systemd logs its exit at debug level only
    # ("status=255/EXCEPTION (success)"); without '-', the failure is told with 252's name.
    c = boot(units={
        "ignored.service": "[Unit]\nDescription=Ignored\n[Service]\nType=oneshot\nExecStart=-/bin/sh -c 'exit 255'\n",
        "counted.service": "[Unit]\nDescription=Counted\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'exit 255'\n"},
        enable=["ignored.service", "counted.service"])
    c.wait_for(MULTI_USER)
    c.wait_for(finished("ignored.service", "Ignored"))
    c.wait_for(r"counted\.service: Main process exited, code=exited, status=255/EXCEPTION$")
    assert "ignored.service: Main process exited" not in c.output()


def test_services_that_are_waited_for_are_forked_first(boot):
    """Independent start jobs have no defined order; tinysd forks the ones whose start waits for
    the service (notify, oneshot) before those done once forked (simple), so their latency
    overlaps the other forks. Observable as fork order: PIDs in a fresh PID namespace rise."""
    units = {f"s{i}.service": "[Service]\nExecStart=/bin/sh -c 'echo up; exec sleep 1000'\n" for i in range(1, 6)}
    units["a-notify.service"] = ("[Service]\nType=notify\nNotifyAccess=all\n"
                                 "ExecStart=/bin/sh -c 'echo up; systemd-notify --ready; exec sleep 1000'\n")
    units["a-oneshot.service"] = "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo up'\n"
    c = boot(units=units, enable=list(units))
    c.wait_for(MULTI_USER)
    pids = {}
    for name in units:
        pids[name] = int(c.wait_for(name.replace(".", r"\.") + r"\[(\d+)\]: up").group(1))
    waited = [pids["a-notify.service"], pids["a-oneshot.service"]]
    simple = [pids[f"s{i}.service"] for i in range(1, 6)]
    assert max(waited) < min(simple), pids
