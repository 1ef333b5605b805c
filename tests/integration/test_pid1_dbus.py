# SPDX-License-Identifier: MIT
"""PID 1's D-Bus API on /run/systemd/private, driven by both systemctls.

Every test that uses `systemctl` runs twice: with Debian 12's /usr/bin/systemctl (systemd 252)
and with tinysd's own (the binary under test, bound over /usr/bin/systemctl in the container, so
that deb-systemd-invoke and invoke-rc.d call it too); both must give the same results and exit
codes. The client runs inside the container with
`docker exec` semantics (container.exec): as root it connects to /run/systemd/private, checks
sd_booted() (/run/systemd/system), authenticates with SASL EXTERNAL and calls
org.freedesktop.systemd1 methods, waiting for JobRemoved. Everything asserted here is what a user
of `docker exec CONTAINER systemctl ...` sees: output text, exit codes, and the effect on the
services. Exit codes are systemctl's (LSB for is-active/status: 0 active, 3 inactive, 4 no such
unit; 5 for "not found"/"not loaded" errors, 3 for job-type errors, 1 for a failed job).

A raw client (python sockets) checks what systemctl cannot: the socket's mode, and that a hostile
peer loses only its own connection."""
import os
import re
import signal
import socket
import stat
import struct
import time

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"

pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")

WEB = """[Unit]
Description=Web Server
[Service]
ExecStart=/bin/sh -c 'echo web up; while :; do sleep 1; done'
[Install]
WantedBy=multi-user.target
"""

TRAP = """[Unit]
Description=Signal Catcher
[Service]
ExecStart=/bin/sh -c 'trap "echo got-usr1 > /run/usr1" USR1; while :; do sleep 0.2; done'
"""

ONESHOT_FAIL = """[Unit]
Description=Failing Job
[Service]
Type=oneshot
ExecStart=/bin/false
"""

ENVDUMP = """[Unit]
Description=Environment Dump
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "FOO=$FOO" > /run/envdump'
"""

SLOW = """[Unit]
Description=Slow Starter
[Service]
Type=oneshot
ExecStartPre=/bin/sleep 2
ExecStart=/bin/true
"""


def ctl(c, *args, timeout=20):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=timeout)


@pytest.fixture(params=["debian", "tinysd"])
def client_binds(request, tinysd):
    """The container binds that select the systemctl under test."""
    return {} if request.param == "debian" else {SYSTEMCTL: tinysd}


@pytest.fixture
def box(boot, client_binds):
    c = boot(units={"web.service": WEB, "trap.service": TRAP, "fail.service": ONESHOT_FAIL,
                    "envdump.service": ENVDUMP, "slow.service": SLOW},
             enable=["web.service"], binds=client_binds)
    c.wait_for(MULTI_USER)
    c.wait_for(r"web\.service\[\d+\]: web up")   # exec'd: status shows "(sh)", not the forked manager
    return c


def test_private_socket_is_root_only(box):
    st = os.stat(box.path("/run/systemd/private"))
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert st.st_uid == 0


def test_start_stop_and_is_active(box):
    assert ctl(box, "is-active", "trap.service").stdout == "inactive\n"
    r = ctl(box, "start", "trap.service")
    assert r.returncode == 0, r.stderr
    r = ctl(box, "is-active", "trap.service")
    assert (r.returncode, r.stdout) == (0, "active\n")
    assert ctl(box, "--quiet", "is-active", "trap.service").stdout == ""
    r = ctl(box, "stop", "trap.service")
    assert r.returncode == 0, r.stderr
    r = ctl(box, "is-active", "trap.service")
    assert (r.returncode, r.stdout) == (3, "inactive\n")
    box.wait_for(r"Stopped trap\.service - Signal Catcher\.")


def test_status_shows_state_main_pid_and_processes(box):
    r = ctl(box, "status", "web.service")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "● web.service - Web Server"
    assert re.match(r"\s+Loaded: loaded \(/etc/systemd/system/web\.service; enabled; preset: \w+\)$", lines[1]), lines[1]
    assert re.match(r"\s+Active: active \(running\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+; .+ ago$", lines[2]), lines[2]
    m = re.search(r"Main PID: (\d+) \(sh\)", r.stdout)
    assert m, r.stdout
    main = int(m.group(1))
    # the process list comes from GetUnitProcesses: the main shell and its sleep child
    assert re.search(rf"[├└]─{main} /bin/sh -c echo web up", r.stdout), r.stdout
    assert main in [p.pid for p in box.pids() if p.comm == "sh"]


def test_status_of_a_failed_oneshot_and_job_failure_message(box):
    r = ctl(box, "start", "fail.service")
    assert r.returncode == 1
    assert r.stderr == ('Job for fail.service failed because the control process exited with error code.\n'
                        'See "systemctl status fail.service" and "journalctl -xeu fail.service" for details.\n')
    r = ctl(box, "status", "fail.service")
    assert r.returncode == 3
    assert r.stdout.startswith("× fail.service - Failing Job\n")
    assert re.search(r"Active: failed \(Result: exit-code\) since .+; .+ ago", r.stdout), r.stdout
    assert re.search(r"Process: \d+ ExecStart=/bin/false \(code=exited, status=1/FAILURE\)", r.stdout), r.stdout
    r = ctl(box, "is-failed", "fail.service")
    assert (r.returncode, r.stdout) == (0, "failed\n")
    r = ctl(box, "is-system-running")
    assert (r.returncode, r.stdout) == (1, "degraded\n")
    assert ctl(box, "reset-failed", "fail.service").returncode == 0
    assert ctl(box, "is-failed", "fail.service").stdout == "inactive\n"
    assert ctl(box, "is-system-running").stdout == "running\n"


@pytest.mark.parametrize("args, code, err", [
    (("start", "nope.service"), 5, "Failed to start nope.service: Unit nope.service not found.\n"),
    (("stop", "nope.service"), 5, "Failed to stop nope.service: Unit nope.service not loaded.\n"),
    (("reload", "web.service"), 3, "Failed to reload web.service: Job type reload is not applicable for unit web.service.\n"),
    (("status", "nope.service"), 4, "Unit nope.service could not be found.\n"),
])
def test_error_messages_and_exit_codes(box, args, code, err):
    r = ctl(box, *args)
    assert r.returncode == code, (r.stdout, r.stderr)
    if err is not None:
        assert r.stderr == err


def test_unknown_unit_resolves_as_not_found(box):
    r = ctl(box, "show", "-p", "LoadState,ActiveState,SubState,CanReload", "nope.service")
    assert r.returncode == 0
    assert r.stdout == "LoadState=not-found\nActiveState=inactive\nSubState=dead\nCanReload=no\n"
    r = ctl(box, "is-active", "nope.service")
    assert (r.returncode, r.stdout) == (3, "inactive\n")


def test_show_properties_have_systemds_types(box):
    r = ctl(box, "show", "-p", "Id,Type,Restart,MainPID,ExecMainPID,TimeoutStopUSec,KillSignal,CanStart,UnitFileState",
            "web.service")
    props = dict(line.split("=", 1) for line in r.stdout.splitlines())
    assert props["Id"] == "web.service"
    assert props["Type"] == "simple" and props["Restart"] == "no"
    assert props["MainPID"] == props["ExecMainPID"] and int(props["MainPID"]) > 1
    assert props["TimeoutStopUSec"] == "1min 30s"
    assert props["KillSignal"] == "15"
    assert props["CanStart"] == "yes"
    assert props["UnitFileState"] == "enabled"
    r = ctl(box, "show", "--value", "-p", "Description", "web.service")
    assert r.stdout == "Web Server\n"
    r = ctl(box, "show", "-p", "ExecStart", "web.service")
    assert r.stdout.startswith("ExecStart={ path=/bin/sh ; argv[]=/bin/sh -c echo web up; while :; do sleep 1; done ;")
    r = ctl(box, "show", "-p", "Version,SystemState,Virtualization")
    assert r.stdout.splitlines()[1:] == ["Virtualization=docker", "SystemState=running"]


def test_restart_replaces_the_main_process(box):
    before = ctl(box, "show", "--value", "-p", "MainPID", "web.service").stdout.strip()
    assert ctl(box, "restart", "web.service").returncode == 0
    after = ctl(box, "show", "--value", "-p", "MainPID", "web.service").stdout.strip()
    assert before != after and int(after) > 1
    assert ctl(box, "is-active", "web.service").stdout == "active\n"
    # the console tells both halves of the restart, as systemd 252 does
    box.wait_for(r"Stopped web\.service - Web Server\.\n(?:.*\n)*?.*Started web\.service - Web Server\.\n(?:.*\n)*?web\.service\[%s\]: web up" % after)


def test_try_restart_of_inactive_unit_completes_at_once(box):
    # a no-op job: systemctl waits for its JobRemoved, which must come
    t = time.monotonic()
    r = ctl(box, "try-restart", "trap.service", timeout=10)
    assert r.returncode == 0 and time.monotonic() - t < 5
    assert ctl(box, "is-active", "trap.service").stdout == "inactive\n"


def test_kill_delivers_the_signal(box):
    assert ctl(box, "start", "trap.service").returncode == 0
    time.sleep(0.3)   # let the shell install its trap
    r = ctl(box, "kill", "--signal=USR1", "--kill-whom=main", "trap.service")
    assert r.returncode == 0, r.stderr
    box.wait_for_path("/run/usr1", contains="got-usr1")
    assert ctl(box, "is-active", "trap.service").stdout == "active\n"


def test_list_units_with_patterns_and_states(box):
    r = ctl(box, "list-units", "--no-legend", "--plain", "web*")
    assert r.returncode == 0
    assert re.fullmatch(r"web\.service\s+loaded\s+active\s+running\s+Web Server\n", r.stdout), r.stdout
    r = ctl(box, "list-units", "--all", "--type=target", "--no-legend", "--plain")
    assert re.search(r"^multi-user\.target\s+loaded\s+active\s+active\s+Multi-User System$", r.stdout, re.M), r.stdout
    r = ctl(box, "list-units", "--state=failed", "--no-legend")
    assert r.stdout == ""


def test_daemon_reload_applies_changed_files(box):
    box.write_unit("web.service", WEB.replace("Description=Web Server", "Description=Reloaded Web"))
    assert ctl(box, "daemon-reload").returncode == 0
    assert ctl(box, "show", "--value", "-p", "Description", "web.service").stdout == "Reloaded Web\n"
    # the running process was not touched
    assert ctl(box, "is-active", "web.service").stdout == "active\n"


def test_set_environment_reaches_services_started_later(box):
    assert ctl(box, "set-environment", "FOO=from-systemctl").returncode == 0
    assert "FOO=from-systemctl" in ctl(box, "show-environment").stdout.splitlines()
    assert ctl(box, "start", "envdump.service").returncode == 0
    assert box.path("/run/envdump").read_text() == "FOO=from-systemctl\n"
    # systemctl(1): an assignment unsets the variable only when it has that value
    assert ctl(box, "unset-environment", "FOO=other").returncode == 0
    assert "FOO=from-systemctl" in ctl(box, "show-environment").stdout.splitlines()
    assert ctl(box, "unset-environment", "FOO").returncode == 0
    assert not any(l.startswith("FOO=") for l in ctl(box, "show-environment").stdout.splitlines())


def test_import_environment(box):
    """import-environment takes the client's own variables (252: a name not set is said and
    skipped; without names, all of them, with a deprecation warning)."""
    r = box.exec([SYSTEMCTL, "import-environment", "FOO", "NOPE"], env={"FOO": "from client"}, timeout=20)
    assert (r.returncode, r.stderr) == (0, "Environment variable $NOPE not set, ignoring.\n"), r.stderr
    assert "FOO=$'from client'" in ctl(box, "show-environment").stdout.splitlines()
    assert ctl(box, "start", "envdump.service").returncode == 0
    assert box.path("/run/envdump").read_text() == "FOO=from client\n"
    r = ctl(box, "import-environment", "1BAD")
    assert (r.returncode, r.stderr) == (1, "Not a valid environment variable name: 1BAD\n")
    r = box.exec([SYSTEMCTL, "import-environment"], env={"BAR": "all"}, timeout=20)
    assert (r.returncode, r.stderr) == (0, "Calling import-environment without a list of variable names is deprecated.\n")
    assert "BAR=all" in ctl(box, "show-environment").stdout.splitlines()


def machines(host, state, failed, circle=" "):
    name = f"{host} (host)"
    w = (max(4, len(name)), max(5, len(state)), max(6, len(str(failed))))
    return (f"  {'NAME':<{w[0]}} {'STATE':<{w[1]}} {'FAILED':<{w[2]}} JOBS\n"
            f"{circle} {name:<{w[0]}} {state:<{w[1]}} {str(failed):<{w[2]}} 0\n\n1 machines listed.\n")


def test_list_machines_is_the_container_alone(box):
    """No machined in a container: 252 lists the host (this container) with the manager's state."""
    r = ctl(box, "list-machines")
    assert (r.returncode, r.stdout) == (0, machines(box.hostname, "running", 0)), r.stderr
    assert ctl(box, "list-machines", "--no-legend").stdout == f"  {box.hostname} (host) running 0 0\n"
    assert ctl(box, "list-machines", "no-such-*").stdout == "  NAME STATE FAILED JOBS\n\n0 machines listed.\n"
    assert ctl(box, "start", "fail.service").returncode == 1
    r = ctl(box, "list-machines", box.hostname[:3] + "*")
    assert (r.returncode, r.stdout) == (0, machines(box.hostname, "degraded", 1, circle="●")), r.stderr


VENDOR = "[Unit]\nDescription=Vendor Version\n[Service]\nExecStart=/bin/sleep 1000\n"


def test_revert_to_the_vendor_version(boot, client_binds, tmp_path):
    """revert (RevertUnitFiles): drop-ins in /etc and /run go, and where a vendor version exists the
    administrator's copy and mask too; a unit only in /etc keeps its file."""
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    for name in ("v.service", "m.service"):
        (vendor / name).write_text(VENDOR)
    c = boot(binds={**client_binds, "/usr/lib/systemd/system": str(vendor)},
             units={"v.service": VENDOR.replace("Vendor Version", "Admin Copy"),
                    "v.service.d/override.conf": "[Unit]\nDescription=Overridden\n",
                    "own.service": "[Service]\nExecStart=/bin/true\n",
                    "own.service.d/x.conf": "[Unit]\nDescription=Own Drop-in\n"},
             files={"/run/systemd/system/v.service.d/runtime.conf": "[Unit]\nDescription=Runtime\n"})
    c.path("/etc/systemd/system/m.service").symlink_to("/dev/null")
    c.wait_for(MULTI_USER)
    assert ctl(c, "show", "-P", "Description", "v.service").stdout == "Runtime\n"
    assert ctl(c, "is-enabled", "m.service").stdout == "masked\n"
    r = ctl(c, "revert", "v.service", "m", "own.service")
    assert r.returncode == 0, r.stderr
    assert r.stderr == "".join(f'Removed "{p}".\n' for p in (
        "/etc/systemd/system/v.service.d/override.conf", "/etc/systemd/system/v.service.d",
        "/run/systemd/system/v.service.d/runtime.conf", "/run/systemd/system/v.service.d",
        "/etc/systemd/system/v.service", "/etc/systemd/system/m.service",
        "/etc/systemd/system/own.service.d/x.conf", "/etc/systemd/system/own.service.d")), r.stderr
    assert ctl(c, "show", "-P", "Description", "v.service").stdout == "Vendor Version\n"
    assert ctl(c, "show", "-P", "FragmentPath", "v.service").stdout == "/lib/systemd/system/v.service\n"
    assert ctl(c, "is-enabled", "m.service").stdout == "static\n"
    assert ctl(c, "show", "-P", "Description", "own.service").stdout == "own.service\n"
    assert c.path("/etc/systemd/system/own.service").exists()
    r = ctl(c, "revert", "v.service")
    assert (r.returncode, r.stderr) == (0, "")


def test_no_block_and_list_jobs(box):
    r = ctl(box, "start", "--no-block", "slow.service")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    r = ctl(box, "list-jobs", "--no-legend")
    assert re.search(r"^\d+\s+slow\.service\s+start\s+running$", r.stdout, re.M), r.stdout
    box.wait_for(r"Finished slow\.service - Slow Starter\.", timeout=10)
    assert ctl(box, "list-jobs").stdout == "No jobs running.\n"


def test_status_by_pid(box):
    main = ctl(box, "show", "--value", "-p", "MainPID", "web.service").stdout.strip()
    r = ctl(box, "status", main)
    assert r.stdout.startswith("● web.service - Web Server\n"), r.stdout


def test_exit_with_a_code_stops_the_container(box):
    r = ctl(box, "exit", "7")
    # the client itself may be caught by the final kill round of the container it stopped
    assert r.returncode in (0, -signal.SIGTERM, -signal.SIGKILL), r.stderr
    assert box.wait(timeout=15) == 7
    assert "Stopped web.service - Web Server." in box.output()


def test_poweroff_stops_the_container_cleanly(box):
    ctl(box, "poweroff")
    assert box.wait(timeout=15) == 0
    assert "Stopped web.service - Web Server." in box.output()


def test_deb_systemd_invoke_restart_stop_start(boot, tmp_path, client_binds):
    policy = tmp_path / "policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 0\n")
    policy.chmod(0o755)
    c = boot(units={"web.service": WEB}, enable=["web.service"], binds={"/usr/sbin/policy-rc.d": str(policy), **client_binds})
    c.wait_for(MULTI_USER)
    before = ctl(c, "show", "--value", "-p", "MainPID", "web.service").stdout.strip()
    r = c.exec(["/usr/bin/deb-systemd-invoke", "restart", "web.service"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    after = ctl(c, "show", "--value", "-p", "MainPID", "web.service").stdout.strip()
    assert before != after
    assert ctl(c, "is-active", "web.service").stdout == "active\n"
    r = c.exec(["/usr/bin/deb-systemd-invoke", "stop", "web.service"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ctl(c, "is-active", "web.service").stdout == "inactive\n"
    r = c.exec(["/usr/bin/deb-systemd-invoke", "start", "web.service"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ctl(c, "is-active", "web.service").stdout == "active\n"


def test_invoke_rc_d_drives_units(boot, tmp_path, client_binds):
    """Debian's invoke-rc.d (maintainer scripts' way to act on a service) under tinysd."""
    policy = tmp_path / "policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 0\n")
    policy.chmod(0o755)
    c = boot(units={"web.service": WEB}, enable=["web.service"], binds={"/usr/sbin/policy-rc.d": str(policy), **client_binds})
    c.wait_for(MULTI_USER)
    before = ctl(c, "show", "--value", "-p", "MainPID", "web.service").stdout.strip()
    r = c.exec(["/usr/sbin/invoke-rc.d", "web", "restart"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ctl(c, "show", "--value", "-p", "MainPID", "web.service").stdout.strip() not in ("0", before)
    r = c.exec(["/usr/sbin/invoke-rc.d", "web", "stop"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ctl(c, "is-active", "web.service").stdout == "inactive\n"
    r = c.exec(["/usr/sbin/invoke-rc.d", "web", "start"], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ctl(c, "is-active", "web.service").stdout == "active\n"


# ------------------------------------------------------------------ hostile peers

def _connect(c):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(str(c.path("/run/systemd/private")))
    return s


def _closed_by_peer(s):
    try:
        while True:
            d = s.recv(4096)
            if not d:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_hostile_clients_lose_only_their_connection(box):
    idle = [_connect(box) for _ in range(20)]        # connected, never authenticating
    garbage = _connect(box)
    garbage.sendall(b"\0" + os.urandom(4096))
    assert _closed_by_peer(garbage)
    huge = _connect(box)
    huge.sendall(b"\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n")
    # a header announcing a 2 GiB body: refused, connection closed
    huge.sendall(struct.pack("<cBBBIII", b"l", 1, 0, 1, 0x7FFFFFF0, 1, 0))
    assert _closed_by_peer(huge)
    # PID 1 still answers everyone else
    r = ctl(box, "is-active", "web.service")
    assert (r.returncode, r.stdout) == (0, "active\n")
    for s in idle:
        s.close()
    assert box.running()


# ------------------------------------------------------------------ the read-only socket

RAW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dbus_raw.py")
READONLY = "/run/tinysd/bus-readonly"


def raw_as_user(c, uid, *call):
    argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "python3", RAW, *call]
    r = c.exec(argv, privileged=True, timeout=20)
    assert r.returncode == 0, r.stderr
    return r.stdout.rstrip("\n")


def test_readonly_socket_answers_queries_for_any_user(box):
    st = os.stat(box.path(READONLY))
    assert stat.S_IMODE(st.st_mode) == 0o666
    unit = "/org/freedesktop/systemd1/unit/web_2eservice"
    assert raw_as_user(box, 1000, READONLY, unit, "org.freedesktop.DBus.Properties", "Get",
                       "org.freedesktop.systemd1.Unit", "ActiveState") == "return  active"
    assert raw_as_user(box, 1000, READONLY, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                       "GetUnit", "web.service") == f"return  {unit}"


def test_readonly_socket_refuses_changes_even_to_root(box):
    for uid in (1000, 0):
        out = raw_as_user(box, uid, READONLY, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                          "StopUnit", "web.service", "replace")
        assert out == "error org.freedesktop.DBus.Error.AccessDenied Access denied"
    assert ctl(box, "is-active", "web.service").stdout == "active\n"


def test_private_socket_is_closed_to_other_users(box):
    r = box.exec(["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "--inh-caps=-all",
                  "python3", RAW, "/run/systemd/private", "/org/freedesktop/systemd1",
                  "org.freedesktop.systemd1.Manager", "GetUnit", "web.service"], privileged=True, timeout=20)
    assert r.returncode != 0 and "PermissionError" in r.stderr


# ------------------------------------------------------------------ timers and sockets

TICK_TIMER = """[Unit]
Description=Tick timer
[Timer]
OnCalendar=*-*-* *:*:00
[Install]
WantedBy=timers.target
"""
TICK = "[Service]\nType=oneshot\nExecStart=/bin/true\n"
HELLO_SOCKET = """[Unit]
Description=Hello socket
[Socket]
ListenStream=127.0.0.1:7778
[Install]
WantedBy=sockets.target
"""
HELLO = "[Unit]\nDescription=Hello\n[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n"


@pytest.fixture
def triggers(boot, client_binds):
    c = boot(units={"tick.timer": TICK_TIMER, "tick.service": TICK, "hello.socket": HELLO_SOCKET, "hello.service": HELLO},
             enable={"tick.timer": "timers.target", "hello.socket": "sockets.target"}, binds=client_binds)
    c.wait_for(MULTI_USER)
    return c


def test_list_timers(triggers):
    r = ctl(triggers, "list-timers")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert re.match(r"NEXT\s+LEFT\s+LAST\s+PASSED\s+UNIT\s+ACTIVATES$", lines[0]), lines[0]
    # less than a second before the minute systemd says "952ms left"; if the minute passed since
    # the boot, the timer has elapsed once
    ts = r"\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+"
    assert re.match(rf"{ts}\s+\d+m?s left\s+(-\s+-|{ts}\s+\d+m?s ago)\s+tick\.timer\s+tick\.service$", lines[1]), lines[1]
    assert "1 timers listed." in lines


def test_list_sockets_and_status_of_a_socket(triggers):
    r = ctl(triggers, "list-sockets")
    assert re.search(r"^127\.0\.0\.1:7778\s+hello\.socket\s+hello\.service$", r.stdout, re.M), r.stdout
    r = ctl(triggers, "status", "hello.socket")
    assert re.search(r"Active: active \(listening\) since ", r.stdout), r.stdout
    assert re.search(r"Listen: 127\.0\.0\.1:7778 \(Stream\)", r.stdout), r.stdout
    assert re.search(r"Triggers: ● hello\.service", r.stdout), r.stdout


def test_stopping_a_socket_activated_service_warns(triggers):
    assert ctl(triggers, "start", "hello.service").returncode == 0
    r = ctl(triggers, "stop", "hello.service")
    assert r.returncode == 0
    assert r.stderr == "Warning: Stopping hello.service, but it can still be activated by:\n  hello.socket\n"


# ------------------------------------------------------------------ unit files (install.c)

def test_disable_enable_round_trip_through_pid1(box):
    link = box.path("/etc/systemd/system/multi-user.target.wants/web.service")
    r = ctl(box, "disable", "web.service")
    assert r.returncode == 0
    assert r.stderr == 'Removed "/etc/systemd/system/multi-user.target.wants/web.service".\n'
    assert not os.path.lexists(link)
    r = ctl(box, "is-enabled", "web.service")
    assert (r.returncode, r.stdout) == (1, "disabled\n")
    r = ctl(box, "enable", "web.service")
    assert r.returncode == 0
    assert r.stderr.startswith("Created symlink /etc/systemd/system/multi-user.target.wants/web.service → "
                               "/etc/systemd/system/web.service.\n")
    assert os.readlink(link) == "/etc/systemd/system/web.service"
    assert ctl(box, "is-enabled", "web.service").stdout == "enabled\n"
    r = ctl(box, "is-enabled", "trap.service", "nope.service")
    assert r.returncode == 1
    assert r.stdout == "static\n"
    assert r.stderr == "Failed to get unit file state for nope.service: No such file or directory\n"


def test_list_unit_files_and_mask(box):
    r = ctl(box, "list-unit-files", "--no-legend", "web.service", "trap.service")
    assert [l.split() for l in r.stdout.splitlines()] == [["trap.service", "static", "-"],
                                                          ["web.service", "enabled", "enabled"]]
    r = ctl(box, "mask", "nope.service")
    assert r.returncode == 0
    assert r.stderr == ("Unit nope.service does not exist, proceeding anyway.\n"
                        "Created symlink /etc/systemd/system/nope.service → /dev/null.\n")
    assert ctl(box, "is-enabled", "nope.service").stdout == "masked\n"
    assert ctl(box, "daemon-reload").returncode == 0
    r = ctl(box, "start", "nope.service")
    assert (r.returncode, r.stderr) == (1, "Failed to start nope.service: Unit nope.service is masked.\n")
    assert ctl(box, "unmask", "nope.service").returncode == 0
    assert not os.path.lexists(box.path("/etc/systemd/system/nope.service"))
