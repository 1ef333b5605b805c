# SPDX-License-Identifier: MIT
"""systemctl verbs that needed PID 1's help (issue 18, "the missing verbs"), with Debian's
systemctl 252 and tinysd's systemctl as clients against tinysd as PID 1.

add-wants/add-requires TARGET UNIT... (Manager.AddDependencyUnitFiles, 252's
unit_file_add_dependency()): the link TARGET.wants/UNIT (.requires/) under /etc/systemd/system, or
/run/systemd/system with --runtime, to the unit's file, and nothing else of the unit's [Install]
section; the changes printed as 252 prints them ("Created symlink A → B."); then a daemon-reload
so that the target's Wants=/Requires= show the unit. An unprivileged caller is refused before
the handler runs: nothing is created."""
import json
import os
import pathlib

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
