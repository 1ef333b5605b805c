# SPDX-License-Identifier: MIT
"""systemctl verbs that needed PID 1's help (issue 18, "the missing verbs"), with Debian's
systemctl 252 and tinysd's systemctl as clients against tinysd as PID 1.

add-wants/add-requires TARGET UNIT... (Manager.AddDependencyUnitFiles, 252's
unit_file_add_dependency()): the link TARGET.wants/UNIT (.requires/) under /etc/systemd/system, or
/run/systemd/system with --runtime, to the unit's file, and nothing else of the unit's [Install]
section; the changes printed as 252 prints them ("Created symlink A → B."); then a daemon-reload
so that the target's Wants=/Requires= show the unit. An unprivileged caller is refused before
the handler runs: nothing is created.

freeze/thaw (Manager.FreezeUnit/ThawUnit, Unit.Freeze/Thaw): tinysd has no cgroup freezer, so
each is refused as 252 refuses it where cg_freezer_supported() is false, NotSupported "Unit 'X'
does not support freezing.", before any other check; FreezerState stays "running".

clean [--what=] (Manager.CleanUnit, Unit.Clean, 252's unit_clean()): the unit's
RuntimeDirectory=/StateDirectory=/CacheDirectory=/LogsDirectory=/ConfigurationDirectory= (and
their private/ twins) removed, "cache" and "runtime" without --what=; refused while the unit is
active ("Unit is not inactive or has pending job."), for a type 252 does not clean, and with
nothing configured of the types asked for ("No matching resources found."); CanClean lists the
configured types. A hostile unit file whose directories run through symlinks makes root delete
nothing outside /run, /var/lib, /var/cache, /var/log and /etc.

whoami [PID...] (systemd 254's verb; Debian's 252 lacks it): GetUnitByPID of the caller or of each
PID, the unit's name; outside any unit 254's "Failed to get unit for ourselves: PID N does not
belong to any loaded unit.", exit status 1.

start --wait (252's BUS_WAIT_FOR_INACTIVE|BUS_WAIT_NO_JOB): after the job, until the unit is
inactive again; exit status 1 when it ended failed; only with start and restart, not with
--no-block.

edit [--full] [--runtime] [--force] (252's verb_edit(), on a terminal: the tests run it under
script(1)): the editor ($SYSTEMD_EDITOR before $EDITOR) gets a temporary file beside the file to
write, 252's shape for a drop-in ("### Editing PATH", the two marker lines, the unit's files below
as comments); what it leaves between the markers becomes NAME.d/override.conf under /etc (/run
with --runtime), or the whole unit with --full; then a daemon-reload. An editor that exits
non-zero changes nothing, an empty result is "canceled"."""
import json
import os
import pathlib
import shutil

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
RAW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dbus_raw.py")
NOBODY = 65534
ARROW = "\u2192"

UNITS = {
    "holder.service": """
        [Service]
        ExecStart=/bin/sleep infinity
        """,
    "dep.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/true

        [Install]
        WantedBy=multi-user.target
        Alias=dep-alias.service
        """,
    "app.target": """
        [Unit]
        Description=App
        """,
    "dirs.service": """
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/true
        RuntimeDirectory=dirs
        StateDirectory=dirs dirs-two
        CacheDirectory=dirs
        LogsDirectory=dirs
        ConfigurationDirectory=tinysd/dirs
        """,
    "hostile.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/true
        StateDirectory=evil-link evil-dir/victim
        CacheDirectory=up/../../../etc/keep
        """,
    "whoami.service": """
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c '"$TINYSD_SYSTEMCTL" whoami > /run/whoami 2>&1'
        """,
    "finishes.service": """
        [Service]
        ExecStart=/bin/sh -c 'sleep 1'
        """,
    "fails.service": """
        [Service]
        ExecStart=/bin/sh -c 'sleep 1; exit 3'
        """,
    "limited.service": """
        [Unit]
        StartLimitIntervalSec=1h
        StartLimitBurst=2

        [Service]
        Type=oneshot
        ExecStart=/bin/true
        """,
    "other.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/true
        """,
}


def clients(tinysd):
    return {"debian": [SYSTEMCTL, "--no-pager"], "tinysd": [str(pathlib.Path(tinysd).with_name("systemctl"))]}


@pytest.fixture
def box(boot):
    c = boot(units=UNITS)
    c.wait_for(MULTI_USER)
    return c


# Debian's systemctl sends clean/freeze/thaw over the system bus (252's acquire_bus(BUS_FULL)), not
# PID 1's private socket: for it, the host's dbus-daemon runs in the container (test_pid1_sysbus).
DBUS_DAEMON = "/usr/bin/dbus-daemon"
BUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><include>/usr/share/dbus-1/system.conf</include></busconfig>
"""
BUS_UNITS = {
    "dbus.socket": "[Socket]\nListenStream=/run/dbus/system_bus_socket\n",
    "dbus.service": ("[Unit]\nRequires=dbus.socket\n[Service]\nExecStart=/usr/bin/dbus-daemon "
                     "--config-file=/etc/tinysd/bus.conf --address=systemd: --nofork --nopidfile --syslog-only\n"),
}


@pytest.fixture(params=["debian", "tinysd"])
def client_box(request, boot, tinysd):
    """(the client's argv, a booted container it can reach PID 1 from)."""
    if request.param == "tinysd":
        c = boot(units=UNITS)
        c.wait_for(MULTI_USER)
        return clients(tinysd)["tinysd"], c
    if not (os.access(DBUS_DAEMON, os.X_OK) and shutil.which("busctl")
            and os.path.exists("/usr/share/dbus-1/system.conf")):
        pytest.skip("dbus-daemon (Debian's dbus package) or busctl is not installed")
    c = boot(units={**UNITS, **BUS_UNITS}, files={"/etc/tinysd/bus.conf": BUS_CONF},
             enable={"dbus.socket": "sockets.target"})
    c.wait_for(MULTI_USER)
    c.wait_until(lambda: "org.freedesktop.systemd1" in run(c, "busctl", "--system", "list", "--acquired").stdout,
                 timeout=30, what="org.freedesktop.systemd1 on the system bus")
    return clients(tinysd)["debian"], c


def run(c, *argv, env=None, timeout=20):
    return c.exec(list(argv), env=env, timeout=timeout)


def raw(c, calls, uid=None):
    argv = ["python3", RAW, "--batch"]
    if uid is not None:
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all"] + argv
    r = c.exec(argv, privileged=uid is not None, input=json.dumps(calls), timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def manager_call(member, signature, args, socket="/run/systemd/private"):
    return {"path": "/org/freedesktop/systemd1", "interface": "org.freedesktop.systemd1.Manager", "member": member,
            "socket": socket, "signature": signature, "args": args}


def show(c, unit, prop):
    return run(c, SYSTEMCTL, "show", "-P", prop, unit).stdout.split()


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_add_wants_and_add_requires(box, tinysd, client):
    ctl = clients(tinysd)[client]
    assert "dep.service" not in show(box, "holder.service", "Wants")
    r = run(box, *ctl, "add-wants", "holder.service", "dep.service")
    assert r.returncode == 0, r.stderr
    link = "/etc/systemd/system/holder.service.wants/dep.service"
    # only the one link: not dep's own WantedBy=/Alias=
    assert r.stderr == f"Created symlink {link} {ARROW} /etc/systemd/system/dep.service.\n"
    assert os.readlink(box.path(link)) == "/etc/systemd/system/dep.service"
    assert not os.path.lexists(box.path("/etc/systemd/system/multi-user.target.wants/dep.service"))
    assert not os.path.lexists(box.path("/etc/systemd/system/dep-alias.service"))
    # the reload that followed: the dependency is there
    assert "dep.service" in show(box, "holder.service", "Wants")

    # add-requires --runtime, two units at once, a target name without suffix (mangled to .target)
    r = run(box, *ctl, "add-requires", "--runtime", "holder.service", "dep", "other.service")
    assert r.returncode == 0, r.stderr
    base = "/run/systemd/system/holder.service.requires"
    assert r.stderr == (f"Created symlink {base}/dep.service {ARROW} /etc/systemd/system/dep.service.\n"
                        f"Created symlink {base}/other.service {ARROW} /etc/systemd/system/other.service.\n")
    assert {"dep.service", "other.service"} <= set(show(box, "holder.service", "Requires"))
    r = run(box, *ctl, "add-wants", "--no-reload", "app", "other.service")
    assert r.returncode == 0, r.stderr
    assert os.path.islink(box.path("/etc/systemd/system/app.target.wants/other.service"))

    # again: the link is there already, nothing to say
    r = run(box, *ctl, "add-wants", "holder.service", "dep.service")
    assert (r.returncode, r.stderr) == (0, "")


@pytest.mark.parametrize("client", ["debian", "tinysd"])
def test_add_wants_errors(box, tinysd, client):
    ctl = clients(tinysd)[client]
    r = run(box, *ctl, "add-wants", "holder.service", "missing.service")
    assert r.returncode == 1
    assert r.stderr == "Failed to add dependency: Unit file missing.service does not exist.\n"
    r = run(box, *ctl, "add-wants", "missing.target", "dep.service")
    assert r.returncode == 1
    assert r.stderr == "Failed to add dependency: Unit file missing.target does not exist.\n"
    assert not os.path.lexists(box.path("/etc/systemd/system/missing.target.wants"))


def test_add_dependency_refused_to_the_unprivileged(box):
    ro = "/run/tinysd/bus-readonly"
    args = [["dep.service"], "holder.service", "Wants", False, False]
    res = raw(box, [manager_call("AddDependencyUnitFiles", "asssbb", args, ro)], uid=NOBODY)
    assert (res[0]["kind"], res[0]["name"]) == ("error", "org.freedesktop.DBus.Error.AccessDenied")
    assert not os.path.lexists(box.path("/etc/systemd/system/holder.service.wants"))
    # root: another dependency type than Wants/Requires is refused as invalid
    res = raw(box, [manager_call("AddDependencyUnitFiles", "asssbb", [["dep.service"], "holder.service", "After",
                                                                      False, False])])
    assert (res[0]["kind"], res[0]["name"]) == ("error", "org.freedesktop.DBus.Error.InvalidArgs")
    assert not os.path.lexists(box.path("/etc/systemd/system/holder.service.wants"))


FREEZE_REFUSED = "Failed to {verb} unit {unit}: Unit '{unit}' does not support freezing.\n"


def test_freeze_and_thaw_refused_without_a_freezer(client_box):
    ctl, box = client_box
    assert run(box, SYSTEMCTL, "start", "holder.service").returncode == 0
    for verb in ("freeze", "thaw"):
        r = run(box, *ctl, verb, "holder.service")
        assert (r.returncode, r.stderr) == (1, FREEZE_REFUSED.format(verb=verb, unit="holder.service"))
    # a name without suffix is mangled to .service first
    r = run(box, *ctl, "freeze", "holder")
    assert (r.returncode, r.stderr) == (1, FREEZE_REFUSED.format(verb="freeze", unit="holder.service"))
    assert show(box, "holder.service", "FreezerState") == ["running"]
    assert show(box, "holder.service", "ActiveState") == ["active"]
    assert show(box, "holder.service", "CanFreeze") == ["no"]


def test_freeze_over_the_bus(box):
    res = raw(box, [manager_call("FreezeUnit", "s", ["never-loaded.service"]),
                    {"path": "/org/freedesktop/systemd1/unit/holder_2eservice", "interface": "org.freedesktop.systemd1.Unit",
                     "member": "Thaw", "socket": "/run/systemd/private", "signature": "", "args": []}])
    assert (res[0]["name"], res[0]["values"]) == ("org.freedesktop.systemd1.NoSuchUnit",
                                                  ["Unit never-loaded.service not loaded."])
    assert (res[1]["name"], res[1]["values"]) == ("org.freedesktop.DBus.Error.NotSupported",
                                                  ["Unit 'holder.service' does not support freezing."])
    res = raw(box, [manager_call("FreezeUnit", "s", ["holder.service"], "/run/tinysd/bus-readonly"),
                    manager_call("CleanUnit", "sas", ["dirs.service", ["all"]], "/run/tinysd/bus-readonly")], uid=NOBODY)
    assert [r["name"] for r in res] == ["org.freedesktop.DBus.Error.AccessDenied"] * 2


DIRS = {"runtime": "/run/dirs", "state": "/var/lib/dirs", "cache": "/var/cache/dirs", "logs": "/var/log/dirs",
        "configuration": "/etc/tinysd/dirs"}


def present(c, paths):
    return {p for p in paths if os.path.lexists(c.path(p))}


def test_clean(client_box):
    ctl, box = client_box
    assert run(box, SYSTEMCTL, "start", "dirs.service").returncode == 0
    every = set(DIRS.values()) | {"/var/lib/dirs-two"}
    assert present(box, every) == every
    assert show(box, "dirs.service", "CanClean") == ["runtime", "state", "cache", "logs", "configuration"]
    r = run(box, *ctl, "clean", "dirs.service")
    assert (r.returncode, r.stderr) == (1, "Failed to clean unit dirs.service: Unit is not inactive or has pending job.\n")
    assert present(box, every) == every
    assert run(box, SYSTEMCTL, "stop", "dirs.service").returncode == 0
    box.write_file("/var/cache/dirs/sub/file", "x")
    # no --what=: cache and runtime (the runtime directory went at stop already)
    r = run(box, *ctl, "clean", "dirs")
    assert (r.returncode, r.stderr) == (0, "")
    assert present(box, every) == every - {"/var/cache/dirs", "/run/dirs"}
    r = run(box, *ctl, "clean", "--what=state,logs", "dirs.service")
    assert (r.returncode, r.stderr) == (0, "")
    assert present(box, every) == {"/etc/tinysd/dirs"}
    r = run(box, *ctl, "clean", "--what=configuration", "dirs.service")
    assert (r.returncode, r.stderr) == (0, "")
    assert present(box, every) == set()
    # again: nothing there is no error, as 252 (the directories are configured)
    assert run(box, *ctl, "clean", "--what=all", "dirs.service").returncode == 0

    r = run(box, *ctl, "clean", "--what=bogus", "dirs.service")
    assert (r.returncode, r.stderr) == (1, "Failed to clean unit dirs.service: Invalid resource type: bogus\n")
    # Debian's client takes a reference first (RefUnit), which wants the unit loaded: it is
    assert run(box, SYSTEMCTL, "start", "other.service").returncode == 0
    r = run(box, *ctl, "clean", "--what=state", "other.service")
    assert (r.returncode, r.stderr) == (1, "Failed to clean unit other.service: No matching resources found.\n")
    assert run(box, SYSTEMCTL, "start", "app.target").returncode == 0
    r = run(box, *ctl, "clean", "app.target")
    assert (r.returncode, r.stderr) == (1, "Failed to clean unit app.target: Unit 'app.target' does not support cleaning.\n")
    r = run(box, *ctl, "clean", "--what=help")
    assert (r.returncode, r.stdout) == (0, "runtime\nstate\ncache\nlogs\nconfiguration\n")


def test_clean_of_a_hostile_unit_stays_in_its_trees(box, tinysd):
    # the unit's directories lead through symlinks to what root must keep
    box.write_file("/tmp/victim/precious", "keep")
    box.write_file("/tmp/victim2/victim/precious", "keep")
    os.symlink("/tmp/victim", box.path("/var/lib/evil-link"))
    os.symlink("/tmp/victim2", box.path("/var/lib/evil-dir"))
    r = run(box, *clients(tinysd)["tinysd"], "clean", "--what=all", "hostile.service")
    assert r.returncode == 0, r.stderr
    # the symlink itself went; what it pointed to did not
    assert not os.path.lexists(box.path("/var/lib/evil-link"))
    assert box.path("/tmp/victim/precious").read_text() == "keep"
    # a symlink on the way ends the walk
    assert box.path("/tmp/victim2/victim/precious").read_text() == "keep"
    assert os.path.islink(box.path("/var/lib/evil-dir"))
    # "..": refused when the unit file was read, so no CacheDirectory= at all
    assert show(box, "hostile.service", "CanClean") == ["state"]


def test_whoami(boot, tinysd):
    ctl = clients(tinysd)["tinysd"]
    c = boot(units=UNITS, args=[])
    c.wait_for(MULTI_USER)
    assert run(c, SYSTEMCTL, "set-environment", f"TINYSD_SYSTEMCTL={ctl[0]}").returncode == 0
    assert run(c, SYSTEMCTL, "start", "whoami.service").returncode == 0
    assert c.path("/run/whoami").read_text() == "whoami.service\n"
    assert run(c, SYSTEMCTL, "start", "holder.service").returncode == 0
    pid = run(c, SYSTEMCTL, "show", "-P", "MainPID", "holder.service").stdout.strip()
    r = run(c, *ctl, "whoami", pid, "abc")
    assert (r.returncode, r.stdout, r.stderr) == (1, "holder.service\n", "Failed to parse PID: abc\n")
    # the caller itself is in no unit here (nsenter from outside)
    r = run(c, *ctl, "whoami")
    assert r.returncode == 1
    assert r.stderr.startswith("Failed to get unit for ourselves: PID ")
    assert r.stderr.endswith(" does not belong to any loaded unit.\n")


def test_start_wait(client_box):
    ctl, box = client_box
    r = run(box, *ctl, "start", "--wait", "finishes.service", timeout=60)
    assert (r.returncode, r.stderr) == (0, "")
    assert show(box, "finishes.service", "ActiveState") == ["inactive"]
    r = run(box, *ctl, "start", "--wait", "fails.service", timeout=60)
    assert r.returncode == 1, r.stderr
    assert show(box, "fails.service", "ActiveState") == ["failed"]
    r = run(box, *ctl, "stop", "--wait", "holder.service")
    assert (r.returncode, r.stderr) == (1, "--wait may only be used with the 'start' or 'restart' commands.\n")
    r = run(box, *ctl, "start", "--wait", "--no-block", "holder.service")
    assert (r.returncode, r.stderr) == (1, "--wait may not be combined with --no-block.\n")


# The editor: keeps what it was given (/tmp/given), then adds its lines after the first marker (or,
# for --full, at the end); "fail" as its first argument exits 1 after changing the file.
EDITOR = """#!/bin/sh
if [ "$1" = fail ]; then shift; echo changed >> "$1"; exit 1; fi
if [ "$1" = empty ]; then shift; : > "$1"; exit 0; fi
cp "$1" /tmp/given
if grep -q '^### Anything between here' "$1"; then
    sed -i '/^### Anything between here/a [Service]\\nEnvironment=EDITED=1' "$1"
else
    printf 'Environment=FULL=1\\n' >> "$1"
fi
"""

GIVEN_DROPIN = """### Editing /etc/systemd/system/holder.service.d/override.conf
### Anything between here and the comment below will become the new contents of the file



### Lines below this comment will be discarded

### /etc/systemd/system/holder.service
# [Service]
# ExecStart=/bin/sleep infinity"""


def edit(c, ctl, *args, editor="/tmp/editor"):
    """systemctl edit on a terminal (script(1)); the output with the terminal's \\r\\n undone."""
    cmd = " ".join([*ctl, "edit", *args])
    r = c.exec(["script", "-qec", cmd, "/dev/null"], env={"SYSTEMD_EDITOR": editor, "EDITOR": "/bin/false"},
               timeout=30)
    return r.returncode, r.stdout.replace("\r\n", "\n")


def test_edit(client_box):
    ctl, box = client_box
    box.write_file("/tmp/editor", EDITOR, mode=0o755)
    code, out = edit(box, ctl, "holder.service")
    assert code == 0, out
    assert box.path("/tmp/given").read_text() == GIVEN_DROPIN
    dropin = "/etc/systemd/system/holder.service.d/override.conf"
    assert box.path(dropin).read_text() == "[Service]\nEnvironment=EDITED=1"
    assert show(box, "holder.service", "Environment") == ["EDITED=1"]
    assert [p.name for p in box.path("/etc/systemd/system/holder.service.d").iterdir()] == ["override.conf"]

    # again: the drop-in's text is offered between the markers, the drop-in not listed below
    # 252 exits 0 here all the same (verb_edit() returns its drop-in directory clean-up's result)
    code, out = edit(box, ctl, "holder.service", editor="/tmp/editor fail")
    assert code == 0, out
    assert "(editor) failed with exit status 1." in out
    assert box.path(dropin).read_text() == "[Service]\nEnvironment=EDITED=1"
    assert [p.name for p in box.path("/etc/systemd/system/holder.service.d").iterdir()] == ["override.conf"]

    code, out = edit(box, ctl, "--runtime", "dep.service", editor="/tmp/editor empty")
    assert code == 0, out
    assert 'Editing "/run/systemd/system/dep.service.d/override.conf" canceled: temporary file is empty.' in out
    assert not os.path.lexists(box.path("/run/systemd/system/dep.service.d"))
    code, out = edit(box, ctl, "--runtime", "dep.service")
    assert code == 0, out
    assert box.path("/run/systemd/system/dep.service.d/override.conf").read_text() == "[Service]\nEnvironment=EDITED=1"

    code, out = edit(box, ctl, "--full", "other.service", editor="/tmp/editor fail")
    assert code == 1, out
    assert "(editor) failed with exit status 1." in out
    assert box.path("/etc/systemd/system/other.service").read_text() == "[Service]\nType=oneshot\nExecStart=/bin/true\n"
    code, out = edit(box, ctl, "--full", "other.service")
    assert code == 0, out
    assert box.path("/etc/systemd/system/other.service").read_text() == (
        "[Service]\nType=oneshot\nExecStart=/bin/true\nEnvironment=FULL=1")
    assert show(box, "other.service", "Environment") == ["FULL=1"]

    code, out = edit(box, ctl, "nope.service")
    assert code == 1
    assert "Run 'systemctl edit --force --full nope.service' to create a new unit." in out
    # not on a terminal
    r = run(box, *ctl, "edit", "holder.service")
    assert (r.returncode, r.stderr) == (1, "Cannot edit units if not on a tty.\n")


def test_daemon_reload_resets_the_start_limit(box):
    """252 does not keep a unit's start rate limit across a reload (systemd's TEST-26 restarts its
    unit more than StartLimitBurst= times, with reloads between, as every enable/mask does)."""
    for _ in range(2):
        assert run(box, SYSTEMCTL, "start", "limited.service").returncode == 0
    r = run(box, SYSTEMCTL, "start", "limited.service")
    assert r.returncode == 1 and "start of the service was attempted too often" in r.stderr, r.stderr
    assert run(box, SYSTEMCTL, "daemon-reload").returncode == 0
    r = run(box, SYSTEMCTL, "start", "limited.service")
    assert r.returncode == 0, r.stderr
