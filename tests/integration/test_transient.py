# SPDX-License-Identifier: MIT
"""Transient units (Manager.StartTransientUnit) and set-property (Manager.SetUnitProperties), driven
from inside the container by Debian 12's systemd-run/systemctl (systemd 252) and by tinysd's own
(the binary under test bound over /usr/bin/systemd-run and /usr/bin/systemctl).

What a user sees is checked: the client's words and exit codes, what the command did, the unit's
state through systemctl, and the files PID 1 writes (/run/systemd/transient/NAME as systemd 252
writes it; set-property's 50-DIRECTIVE.conf drop-ins). A transient unit that finished is collected
(its file removed, "could not be found"); a failed one stays until reset-failed, unless --collect.

Debian's systemd-run connects to the system bus for --wait and --pipe (run.c: "ref/unref is not
supported via the limited direct connection"); a container without dbus-daemon has none, so there
it fails as it does under systemd itself, and --wait is checked with tinysd's client."""
import os
import re

import pytest

RUN = "/usr/bin/systemd-run"
SYSTEMCTL = "/usr/bin/systemctl"

pytestmark = pytest.mark.skipif(not (os.access(RUN, os.X_OK) and os.access(SYSTEMCTL, os.X_OK)),
                                reason="Debian's systemd-run/systemctl are not installed")

WEB = """[Unit]
Description=Web
[Service]
ExecStart=/bin/sleep 1000
[Install]
WantedBy=multi-user.target
"""


@pytest.fixture(params=["debian", "tinysd"])
def client(request, tinysd):
    """(name, binds): the container binds that select the clients under test."""
    return request.param, ({} if request.param == "debian" else {RUN: tinysd, SYSTEMCTL: tinysd})


@pytest.fixture
def box(boot, client):
    return boot(binds=client[1], units={"web.service": WEB}, enable={"web.service": "multi-user.target"})


def run(c, *args, timeout=30):
    return c.exec([RUN, *args], timeout=timeout)


def ctl(c, *args, timeout=30):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=timeout)


def show(c, unit, props):
    r = ctl(c, "show", "-p", props, unit)
    assert r.returncode == 0, r.stderr
    return dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)


def gone(c, unit):
    r = ctl(c, "status", unit)
    return r.returncode == 4 and f"Unit {unit} could not be found." in r.stderr


def test_service_with_properties_kept_by_daemon_reload(box):
    c = box
    c.wait_for(r"Started web\.service")
    r = run(c, "--unit=hello", "-p", "Environment=A=1 B=2", "-E", "C=3", "--remain-after-exit",
            "-p", "WorkingDirectory=/tmp", "--description=Say hello", "sh", "-c", 'echo "$A $B $C $(pwd) %n" > /run/out')
    assert r.returncode == 0, r.stderr
    assert "Running as unit: hello.service" in r.stderr
    c.wait_for_path("/run/out", contains="\n")
    assert c.path("/run/out").read_text() == "1 2 3 /tmp %n\n"     # a value is what was sent: no specifiers
    text = c.path("/run/systemd/transient/hello.service").read_text()
    assert text.startswith("# This is a transient unit file, created programmatically via the systemd API. Do not edit.\n")
    assert "\nDescription=Say hello\n" in text and "\nRemainAfterExit=yes\n" in text
    want = {"Transient": "yes", "LoadState": "loaded", "ActiveState": "active", "Description": "Say hello",
            "FragmentPath": "/run/systemd/transient/hello.service", "UnitFileState": "transient"}
    assert show(c, "hello.service", ",".join(want)) == want
    assert ctl(c, "daemon-reload").returncode == 0
    assert show(c, "hello.service", ",".join(want)) == want
    again = run(c, "--unit=hello", "true")
    assert again.returncode == 1
    assert again.stderr.strip() == ("Failed to start transient service unit: "
                                    "Unit hello.service was already loaded or has a fragment file.")
    # a name with a file of its own is no transient unit either
    r = run(c, "--unit=web", "true")
    assert r.returncode == 1 and "Unit web.service was already loaded or has a fragment file." in r.stderr


def test_finished_unit_is_collected_and_its_name_free_again(box):
    c = box
    c.wait_for(r"Started web\.service")
    for n in range(2):
        r = run(c, "--unit=once", "sh", "-c", f"echo {n} >> /run/once")
        assert r.returncode == 0, r.stderr
        c.wait_until(lambda: gone(c, "once.service"), what="once.service collected")
        assert not c.path("/run/systemd/transient/once.service").exists()
    assert c.path("/run/once").read_text() == "0\n1\n"


def test_failed_unit_stays_until_reset_failed_unless_collect(box):
    c = box
    c.wait_for(r"Started web\.service")
    assert run(c, "--unit=bad", "false").returncode == 0
    c.wait_for(r"bad\.service: Failed with result 'exit-code'\.")
    r = ctl(c, "status", "bad")
    assert r.returncode == 3 and "Active: failed (Result: exit-code)" in r.stdout
    assert c.path("/run/systemd/transient/bad.service").exists()
    assert ctl(c, "reset-failed", "bad").returncode == 0
    c.wait_until(lambda: gone(c, "bad.service"), what="bad.service collected after reset-failed")
    assert run(c, "--collect", "--unit=bad2", "false").returncode == 0
    c.wait_for(r"bad2\.service: Failed with result 'exit-code'\.")
    c.wait_until(lambda: gone(c, "bad2.service"), what="bad2.service collected (CollectMode=inactive-or-failed)")


def test_on_active_timer_runs_its_service_once(box):
    c = box
    c.wait_for(r"Started web\.service")
    r = run(c, "--on-active=300ms", "--unit=later", "touch", "/run/later")
    assert r.returncode == 0, r.stderr
    assert "Running timer as unit: later.timer\nWill run service as unit: later.service\n" in r.stderr
    c.wait_for_path("/run/later")
    # RemainAfterElapse=no: the timer and then its service are collected
    c.wait_until(lambda: gone(c, "later.timer") and gone(c, "later.service"), what="later.timer and .service collected")
    assert list(c.path("/run/systemd/transient").iterdir()) == []


def test_on_calendar_timer_listed_and_stopped(box):
    c = box
    c.wait_for(r"Started web\.service")
    r = run(c, "--on-calendar=*:*:0/1", "--unit=cal", "sh", "-c", "echo tick >> /run/cal")
    assert r.returncode == 0, r.stderr
    c.wait_until(lambda: c.path("/run/cal").exists() and len(c.path("/run/cal").read_text().split()) >= 2,
                 what="two ticks")
    listed = ctl(c, "list-timers")
    assert re.search(r"cal\.timer\s+cal\.service", listed.stdout), listed.stdout
    assert show(c, "cal.timer", "TimersCalendar,Transient")["Transient"] == "yes"
    assert ctl(c, "stop", "cal.timer").returncode == 0
    c.wait_until(lambda: gone(c, "cal.timer") and gone(c, "cal.service"), what="cal.timer and .service collected")


def test_scope_refused_with_a_message(box, client):
    c = box
    c.wait_for(r"Started web\.service")
    r = run(c, "--scope", "true")
    assert r.returncode == 1
    if client[0] == "debian":
        assert r.stderr.strip() == ("Failed to start transient scope unit: Unit type scope is not supported by tinysd: "
                                    "without cgroup delegation a running process cannot be moved into a unit.")
    else:
        assert r.stderr.strip() == "--scope is not supported by tinysd's systemd-run."


def test_set_property_writes_dropins_and_applies(box, client):
    c = box
    c.wait_for(r"Started web\.service")
    r = ctl(c, "set-property", "web", "Description=Web %n two", "CPUQuota=20%", "MemoryMax=1G")
    assert r.returncode == 0, r.stderr
    d = c.path("/etc/systemd/system.control/web.service.d")
    assert sorted(p.name for p in d.iterdir()) == ["50-CPUQuota.conf", "50-Description.conf", "50-MemoryMax.conf"]
    head = ('# This is a drop-in unit file extension, created via "systemctl set-property"\n'
            "# or an equivalent operation. Do not edit.\n")
    assert (d / "50-CPUQuota.conf").read_text() == head + "[Service]\nCPUQuota=20%\n"
    assert (d / "50-Description.conf").read_text() == head + "[Unit]\nDescription=Web %%n two\n"
    got = show(c, "web", "Description,CPUQuotaPerSecUSec,MemoryMax,MainPID,ActiveState")
    assert got["Description"] == "Web %n two" and got["CPUQuotaPerSecUSec"] == "200ms"
    assert got["MemoryMax"] == "1073741824" and got["ActiveState"] == "active" and got["MainPID"] != "0"
    r = ctl(c, "set-property", "--runtime", "web", "TasksMax=50")
    assert r.returncode == 0, r.stderr
    assert c.path("/run/systemd/system.control/web.service.d/50-TasksMax.conf").exists()
    assert show(c, "web", "TasksMax")["TasksMax"] == "50"
    r = ctl(c, "set-property", "web", "Restart=always")
    assert r.returncode == 1
    assert r.stderr.strip() == "Failed to set unit properties on web.service: Cannot set property Restart, or unknown property."
    r = ctl(c, "set-property", "nope", "CPUQuota=10%")
    assert r.returncode == 1
    assert r.stderr.strip() == "Failed to set unit properties on nope.service: Unit nope.service not found."
    assert not c.path("/etc/systemd/system.control/nope.service.d").exists()


def test_dependency_properties_reach_the_unit(box, client):
    """-p Wants=/After=/OnSuccess= are written as bare names, as 252 writes them (quoted, the
    dependency parser took the quotes as part of the name and dropped them: conformance 68)."""
    c = box
    c.wait_for(r"Started web\.service")
    r = run(c, "--unit=dep", "--remain-after-exit", "-p", "Wants=web.service", "-p", "After=web.service",
            "-p", "OnSuccess=web.service", "true")
    assert r.returncode == 0, r.stderr
    got = show(c, "dep", "Wants,After,OnSuccess")
    assert got["Wants"] == "web.service" and got["OnSuccess"] == "web.service", got
    assert "web.service" in got["After"].split(), got
    assert "Wants=web.service\n" in c.path("/run/systemd/transient/dep.service").read_text()


def test_bad_value_refused_at_the_call(box, client):
    """A value the unit-file parser would log and ignore is refused as 252 refuses it, nothing
    written (before: the unit ran as Type=simple, a warning in the log)."""
    c = box
    c.wait_for(r"Started web\.service")
    r = run(c, "--unit=bad-type", "-p", "Type=bogus", "true")
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.strip() == "Failed to start transient service unit: Invalid Type setting: bogus", r.stderr
    assert not c.path("/run/systemd/transient/bad-type.service").exists()
    assert ctl(c, "show", "-P", "LoadState", "bad-type.service").stdout.strip() == "not-found"
    if client[0] == "tinysd":   # Debian's systemctl parses TasksMax= itself and refuses it before the call
        r = ctl(c, "set-property", "web", "TasksMax=lots")
        assert r.returncode == 1
        assert r.stderr.strip() == "Failed to set unit properties on web.service: Invalid TasksMax setting: lots"
        assert not c.path("/etc/systemd/system.control/web.service.d/50-TasksMax.conf").exists()


# ---- tinysd's systemd-run only: what Debian's can do only through a system bus ----

@pytest.fixture
def own(boot, tinysd):
    c = boot(binds={RUN: tinysd})
    c.wait_for(r"Reached target multi-user\.target")     # the D-Bus socket is there by then
    return c


def test_wait_reports_the_result_and_exits_with_the_status(own):
    c = own
    r = run(c, "--wait", "-p", "Environment=X=7", "sh", "-c", 'echo "X=$X"; exit 3')
    assert r.returncode == 3, r.stderr
    lines = r.stderr.splitlines()
    assert re.fullmatch(r"Running as unit: run-r[0-9a-f]{32}\.service", lines[0]), lines
    assert lines[1:3] == ["Finished with result: exit-code", "Main processes terminated with: code=exited/status=3"]
    assert re.fullmatch(r"Service runtime: \d+ms", lines[3]), lines
    c.wait_for(r"run-r[0-9a-f]{32}\.service\[\d+\]: X=7")
    r = run(c, "--wait", "--unit=ok", "--uid=nobody", "-p", "Type=oneshot", "sh", "-c", "id -un > /tmp/who")
    assert r.returncode == 0, r.stderr
    assert "Finished with result: success\nMain processes terminated with: code=exited/status=0\n" in r.stderr
    assert c.path("/tmp/who").read_text() == "nobody\n"
    # "$$" is a literal "$" when the command runs (systemd.service(5), 252 too): "$$$$" is the shell's $$
    r = run(c, "--wait", "--unit=killed", "sh", "-c", "kill -KILL $$$$")
    assert r.returncode == 255, r.stderr
    assert "Finished with result: signal\nMain processes terminated with: code=killed/status=KILL\n" in r.stderr


def test_pipe_hands_stdio_to_the_service(own):
    c = own
    r = c.exec([RUN, "--pipe", "-q", "sh", "-c", "tr a-z A-Z; echo err >&2; exit 4"], input="hello pipe\n", timeout=30)
    assert (r.returncode, r.stdout, r.stderr) == (4, "HELLO PIPE\n", "err\n")
    # a failed unit stays, but lets go of the caller's pipe: the reader sees its end
    r = c.exec(["sh", "-c", f"{RUN} -q --pipe --unit=bad sh -c 'echo out; exit 1' | cat; echo rc=$?"], timeout=30)
    assert r.stdout == "out\nrc=0\n", r.stderr
    assert ctl(c, "is-failed", "bad").returncode == 0


def test_unknown_property_refused_by_pid1(own):
    c = own
    r = run(c, "-p", "Bogus=1", "true")
    assert r.returncode == 1
    assert r.stderr.strip() == "Failed to start transient service unit: Cannot set property Bogus, or unknown property."
    assert list(c.path("/run/systemd/transient").iterdir()) == [] if c.path("/run/systemd/transient").exists() else True


def test_debian_wait_needs_the_system_bus(boot, tinysd):
    """As under systemd 252 in a container without dbus-daemon (README, Deviations)."""
    c = boot()
    c.wait_for(r"Reached target multi-user\.target")
    r = run(c, "--wait", "true")
    assert r.returncode == 1
    assert "Failed to connect to bus: No such file or directory" in r.stderr
