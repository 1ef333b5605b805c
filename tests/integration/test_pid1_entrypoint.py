# SPDX-License-Identifier: MIT
"""tinysd as a container's ENTRYPOINT: a command after the image, the exit policy, PID 1 only.

Contract assumed (issue 17, issue 15 finding 7; README "Running in a container", tinysd(8)):

* `tinysd [OPTIONS] [--] CMD ARGS...` (`docker run IMAGE CMD ARGS...`): the units boot, CMD runs
  with the container's stdin, stdout and environment (TERM and HOME included: services do not get
  those); nothing from the first word that is no option (or after `--`) is parsed by tinysd. When
  CMD exits, every unit stops in order (ExecStop= runs) and PID 1 exits with CMD's status (128+N
  when a signal N killed it; 127 when CMD is not found). SIGTERM to PID 1 stops CMD first (its
  SIGTERM trap runs before any unit stops), then the units, and the status is CMD's.
  --wait-for-boot starts CMD once the boot transaction is done.
* --exit-on-failure / TINYSD_EXIT_ON_FAILURE=yes: a unit that fails for good stops the container
  in order with the status that names the failure (the main process's exit status; 128+N for a
  signal; 196 for start-limit-hit); a unit that is restarted does not; the default keeps running
  (systemd's behaviour: `systemctl is-system-running` says degraded).
* Outside PID 1, the manager refuses to start ("Can't run system mode unless PID 1", exit 1) and
  creates nothing; with --subreaper it runs below another init and orphans are re-parented to it.
"""
import os
import re
import signal

import pytest

from pid1 import MULTI_USER, is_sanitizer_build, stopped

HELLO = """
    [Unit]
    Description=Hello
    [Service]
    ExecStart=/bin/sh -c 'echo hello-up >> /run/seq; while :; do sleep 1; done'
    ExecStop=/bin/sh -c 'echo hello-stop >> /run/seq'
    """


# a CMD that exits at once could beat hello.service's first line: it waits for it
WAIT_HELLO = "until grep -qs hello-up /run/seq; do sleep 0.1; done; "


def boot_cmd(boot, cmd, args=(), units=None, enable=("hello.service",), **kw):
    all_units = {"hello.service": HELLO}
    all_units.update(units or {})
    return boot(units=all_units, enable=list(enable), args=[*args, *cmd], **kw)


# ---------------------------------------------------------------- CMD after the image

def test_command_runs_with_its_own_options_and_its_status_is_the_containers(boot):
    # `docker run IMAGE sh -c '...'`: today "tinysd: unknown option '-c'"
    c = boot_cmd(boot, ["/bin/sh", "-c", WAIT_HELLO + "echo cmd-ran-with $# args; exit 3", "x", "y"])
    assert c.wait(15) == 3
    out = c.output()
    assert "cmd-ran-with 1 args" in out, out
    assert "unknown option" not in out
    # the units booted and then stopped in order after CMD exited
    assert c.path("/run/seq").read_text().splitlines() == ["hello-up", "hello-stop"]
    assert re.search(r"exited with status 3: stopping the container", out), out
    assert re.search(stopped("hello.service", "Hello"), out, re.M), out


def test_command_after_double_dash_and_options_before_it(boot):
    c = boot_cmd(boot, ["--", "/bin/sh", "-c", "echo after-dashdash; exit 0"], args=["--show-status=no"])
    assert c.wait(15) == 0
    out = c.output()
    assert "after-dashdash" in out
    assert "[  OK  ]" not in out, "--show-status=no before -- was tinysd's"


def test_command_found_in_path_gets_the_containers_environment(boot):
    c = boot_cmd(boot, ["sh", "-c", 'echo "env: FOO=$FOO TERM=$TERM HOME=$HOME"; '
                                    "systemctl show-environment | grep -c '^TERM=' || true"],
                 env={"FOO": "from-docker-run-e", "TERM": "xterm"})
    assert c.wait(15) == 0
    out = c.output()
    assert "env: FOO=from-docker-run-e TERM=xterm HOME=/root" in out, out
    assert re.search(r"^0$", out, re.M), "services get no TERM=: " + out


def test_command_not_found_exits_127_with_a_message(boot):
    c = boot_cmd(boot, ["no-such-program", "-x"])
    assert c.wait(15) == 127
    out = c.output()
    assert "Failed to execute no-such-program: No such file or directory" in out, out
    assert re.search(stopped("hello.service", "Hello"), out, re.M), out


def test_command_killed_by_a_signal_gives_128_plus_n(boot):
    c = boot_cmd(boot, ["/bin/sh", "-c", "kill -KILL $$"])
    assert c.wait(15) == 128 + 9


def test_sigterm_stops_the_command_first_then_the_units(boot):
    c = boot_cmd(boot, ["/bin/sh", "-c", "trap 'echo cmd-term >> /run/seq; exit 5' TERM; "
                                         "echo cmd-up >> /run/seq; while :; do sleep 1; done"])
    c.wait_for(MULTI_USER)
    c.wait_until(lambda: c.path("/run/seq").exists() and {"cmd-up", "hello-up"} <=
                 set(c.path("/run/seq").read_text().splitlines()), what="CMD and hello.service up")
    c.signal(signal.SIGTERM)
    assert c.wait(15) == 5
    seq = c.path("/run/seq").read_text().splitlines()
    assert seq.index("cmd-term") < seq.index("hello-stop"), seq


def test_wait_for_boot_starts_the_command_after_the_boot_transaction(boot):
    slow = """
        [Unit]
        Description=Slow
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'sleep 1; echo slow-done >> /run/seq'
        """
    c = boot_cmd(boot, ["/bin/sh", "-c", "echo cmd-start >> /run/seq; systemctl is-system-running"],
                 args=["--wait-for-boot"], units={"slow.service": slow}, enable=("hello.service", "slow.service"))
    assert c.wait(20) == 0
    seq = c.path("/run/seq").read_text().splitlines()
    assert seq.index("slow-done") < seq.index("cmd-start"), seq
    assert re.search(r"^running$", c.output(), re.M), c.output()


def test_kernel_command_line_words_are_still_options(boot):
    c = boot_cmd(boot, ["/bin/sh", "-c", "echo kernel-words-ok"], args=["systemd.show_status=0", "quiet", "3"])
    assert c.wait(15) == 0
    out = c.output()
    assert "kernel-words-ok" in out and "[  OK  ]" not in out, out


# ---------------------------------------------------------------- the exit policy

CRASH = """
    [Unit]
    Description=Crash
    [Service]
    ExecStart=/bin/sh -c 'echo crash-run >> /run/seq; sleep 0.3; exit 7'
    """


def test_a_failed_unit_keeps_the_container_running_by_default(boot):
    c = boot_cmd(boot, [], units={"crash.service": CRASH}, enable=("hello.service", "crash.service"))
    c.wait_for(r"crash\.service: Failed with result 'exit-code'\.")
    r = c.exec(["systemctl", "is-system-running"])
    assert r.stdout.strip() == "degraded", r
    assert c.running()
    c.signal(signal.SIGTERM)
    assert c.wait(15) == 0


@pytest.mark.parametrize("how", ["option", "env"])
def test_exit_on_failure_stops_in_order_with_the_failures_status(boot, how):
    kw = {"args": ["--exit-on-failure"]} if how == "option" else {"env": {"TINYSD_EXIT_ON_FAILURE": "yes"}}
    c = boot_cmd(boot, [], units={"crash.service": CRASH}, enable=("hello.service", "crash.service"), **kw)
    assert c.wait(15) == 7
    out = c.output()
    assert "crash.service failed with result 'exit-code': stopping the container, exit status 7" in out, out
    assert c.path("/run/seq").read_text().splitlines()[-1] == "hello-stop"


def test_exit_on_failure_names_a_signal_and_the_start_limit(boot):
    units = {"killed.service": """
        [Unit]
        Description=Killed
        [Service]
        ExecStart=/bin/sh -c 'sleep 0.3; kill -SEGV $$$$'
        """}
    c = boot_cmd(boot, [], args=["--exit-on-failure"], units=units, enable=("killed.service",))
    assert c.wait(15) == 128 + signal.SIGSEGV
    units = {"flappy.service": """
        [Unit]
        Description=Flappy
        StartLimitBurst=3
        [Service]
        ExecStart=/bin/sh -c 'echo flap >> /run/seq; exit 1'
        Restart=on-failure
        RestartSec=100ms
        """}
    c = boot_cmd(boot, [], args=["--exit-on-failure=yes"], units=units, enable=("flappy.service",))
    assert c.wait(15) == 196
    # restarted twice before it failed for good: an automatic restart does not stop the container
    assert c.path("/run/seq").read_text().splitlines().count("flap") == 3


def test_exit_on_failure_with_a_command_keeps_the_failures_status(boot):
    c = boot_cmd(boot, ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"],
                 args=["--exit-on-failure"], units={"crash.service": CRASH}, enable=("crash.service",))
    assert c.wait(15) == 7


def test_exit_on_failure_no_and_a_bad_value(boot):
    c = boot_cmd(boot, [], env={"TINYSD_EXIT_ON_FAILURE": "yes"}, args=["--exit-on-failure=no"],
                 units={"crash.service": CRASH}, enable=("crash.service",))
    c.wait_for(r"crash\.service: Failed with result 'exit-code'\.")
    assert c.running()
    c.signal(signal.SIGTERM)
    assert c.wait(15) == 0
    c = boot_cmd(boot, [], env={"TINYSD_EXIT_ON_FAILURE": "maybe"})
    assert c.wait(10) == 1
    assert "Failed to parse $TINYSD_EXIT_ON_FAILURE 'maybe'" in c.output()


# ---------------------------------------------------------------- PID 1 only

INSIDE = "/opt/tinysd"    # the binary under test, bound in (the checkout may be under /tmp)


def shell_pid1(container_factory, tinysd, script, extra_units=None):
    """A container whose PID 1 is a shell that runs tinysd (as /opt/tinysd) as its child."""
    units = {"hello.service": HELLO, **(extra_units or {})}
    return container_factory("/bin/sh", args=["-c", script], sanitizers=is_sanitizer_build(tinysd),
                             units=units, enable=list(units), binds={INSIDE: os.path.realpath(tinysd)})


def test_refuses_to_be_the_system_manager_unless_pid_1(container_factory, tinysd):
    c = shell_pid1(container_factory, tinysd,
                   f"before=$(ls -A /run /tmp); {INSIDE} --log-level=debug; echo rc=$?; "
                   f"[ \"$(ls -A /run /tmp)\" = \"$before\" ] && echo unchanged; ls -A /run /tmp")
    c.start()
    assert c.wait(15) == 0
    out = c.output()
    assert re.search(r"^tinysd: Can't run system mode unless PID 1 \(this is pid \d+\); below another init "
                     r"\(docker run --init\) pass --subreaper\.$", out, re.M), out
    assert "rc=1" in out
    # nothing was created: /run and /tmp as they were (the harness may have put the checkout's mount
    # point in /tmp), no unit started
    assert re.search(r"^unchanged$", out, re.M), out
    assert not c.path("/run/seq").exists()


def test_verbs_still_work_outside_pid_1(container_factory, tinysd):
    c = shell_pid1(container_factory, tinysd,
                   f"{INSIDE} verify /etc/systemd/system/hello.service && echo verify-ok; "
                   f"{INSIDE} --version; {INSIDE} calendar daily | head -1")
    c.start()
    assert c.wait(15) == 0
    out = c.output()
    assert "verify-ok" in out and "tinysd " in out and "Original form: daily" in out, out


def test_subreaper_option_runs_below_another_init(container_factory, tinysd):
    orphan = """
        [Unit]
        Description=Leaves an orphan
        [Service]
        Type=forking
        ExecStart=/bin/sh -c 'sleep 300 & echo $! > /run/orphan.pid'
        """
    c = shell_pid1(container_factory, tinysd,
                   f"{INSIDE} --subreaper & echo $! > /run/tinysd.pid; wait $!; echo rc=$?",
                   extra_units={"orphan.service": orphan})
    c.start()
    c.wait_for(MULTI_USER)
    c.wait_for_path("/run/orphan.pid", contains="\n")
    tpid = int(c.path("/run/tinysd.pid").read_text())
    orphan_pid = int(c.path("/run/orphan.pid").read_text())
    procs = {p.pid: p for p in c.pids()}
    assert procs[tpid].ppid == 1
    # the forking service's parent exited: its child was re-parented to tinysd, not to PID 1
    assert procs[orphan_pid].ppid == tpid, procs
    c.exec(["kill", "-TERM", str(tpid)])
    assert c.wait(15) == 0
    assert "rc=0" in c.output()
    assert c.path("/run/seq").read_text().splitlines() == ["hello-up", "hello-stop"]
