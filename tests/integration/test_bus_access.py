# SPDX-License-Identifier: MIT
"""Who may do what over PID 1's D-Bus API (issue 15, finding 1): the whole access matrix.

Every method of every interface PID 1 serves (as its own Introspect lists them, on every kind of
object: the manager, a unit of each type, a job) is called on both sockets (/run/systemd/private,
mode 0600; /run/tinysd/bus-readonly, mode 0666), as root and as an unprivileged user (uid 65534),
with and without the optional INTERFACE header field, by a raw client (dbus_raw.py) run inside
the container.

What is expected is derived twice, and the two must agree: from the access level PID 1's API
table declares (Introspect marks privileged methods with sd-bus's
org.freedesktop.systemd1.Privileged annotation), and from hand-written lists of what systemd 252
lets anyone call (its D-Bus policy's "completely open to anyone" entries) and what it protects with
polkit or root. A wrong table entry fails the test either way.

* An unprivileged caller (any user on the read-only socket, root included) gets AccessDenied for
  every mutating method, called with arguments that would do harm (stop, kill, SetEnvironment
  LD_PRELOAD=..., SetExitCode, PowerOff, mask, ...), and afterwards nothing has changed: the
  services, the manager's environment, the exit code, the queued job, the unit files.
* Root on the private socket gets past the access check for every mutating method: called with
  arguments of the wrong type, each answers InvalidArgs naming its own signature (so the call
  resolved to that entry and was allowed) and does nothing.
* Read-level methods answer everyone who can connect; the private socket refuses uid 65534 at
  connect() (EACCES). Properties.Set answers PropertyReadOnly: no property PID 1 serves is writable.
"""
import json
import os
import xml.etree.ElementTree as ET

import pytest

from pid1 import MULTI_USER

RAW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dbus_raw.py")
PRIVATE = "/run/systemd/private"
READONLY = "/run/tinysd/bus-readonly"
MANAGER = "/org/freedesktop/systemd1"
UNIT = "/org/freedesktop/systemd1/unit/"
NOBODY = 65534
PRIVILEGED = "org.freedesktop.systemd1.Privileged"

SD = "org.freedesktop.systemd1."
DBUS = "org.freedesktop.DBus."

# systemd 252 (/usr/share/dbus-1/system.d/org.freedesktop.systemd1.conf): callable by anyone.
READ_METHODS = {
    DBUS + "Peer": {"Ping", "GetMachineId"},
    DBUS + "Introspectable": {"Introspect"},
    DBUS + "Properties": {"Get", "GetAll"},
    SD + "Manager": {
        "GetUnit", "GetUnitByPID", "GetUnitByInvocationID", "GetUnitByControlGroup", "LoadUnit",
        "GetUnitProcesses", "GetJob", "GetJobAfter", "GetJobBefore", "ListUnits", "ListUnitsFiltered",
        "ListUnitsByPatterns", "ListUnitsByNames", "ListJobs", "Subscribe", "Unsubscribe", "Dump",
        "DumpByFileDescriptor", "DumpUnitsMatchingPatterns", "DumpUnitsMatchingPatternsByFileDescriptor",
        "ListUnitFiles", "ListUnitFilesByPatterns", "GetUnitFileState", "GetDefaultTarget", "GetUnitFileLinks",
        "LookupDynamicUserByName", "LookupDynamicUserByUID", "GetDynamicUsers"},
    SD + "Job": {"GetAfter", "GetBefore"},
    **{SD + t: {"GetProcesses"} for t in ("Service", "Socket", "Slice", "Scope", "Mount", "Swap")},
}
# systemd 252: polkit (manage-units, manage-unit-files, reload-daemon, set-environment) or root only.
MUTATING_METHODS = {
    SD + "Manager": {
        "StartUnit", "StartUnitReplace", "StopUnit", "ReloadUnit", "RestartUnit", "TryRestartUnit",
        "ReloadOrRestartUnit", "ReloadOrTryRestartUnit", "EnqueueUnitJob", "KillUnit", "QueueSignalUnit",
        "CleanUnit", "FreezeUnit", "ThawUnit", "ResetFailedUnit", "SetUnitProperties", "BindMountUnit",
        "MountImageUnit", "RefUnit", "UnrefUnit", "StartTransientUnit", "AttachProcessesToUnit", "AbandonScope",
        "CancelJob", "ClearJobs", "ResetFailed", "SetShowStatus", "Reload", "Reexecute", "Exit", "Reboot",
        "PowerOff", "Halt", "KExec", "SwitchRoot", "SetEnvironment", "UnsetEnvironment", "UnsetAndSetEnvironment",
        "EnqueueMarkedJobs", "EnableUnitFiles", "DisableUnitFiles", "EnableUnitFilesWithFlags",
        "DisableUnitFilesWithFlags", "DisableUnitFilesWithFlagsAndInstallInfo", "ReenableUnitFiles",
        "LinkUnitFiles", "PresetUnitFiles", "PresetUnitFilesWithMode", "MaskUnitFiles", "UnmaskUnitFiles",
        "RevertUnitFiles", "SetDefaultTarget", "PresetAllUnitFiles", "AddDependencyUnitFiles", "SetExitCode"},
    SD + "Unit": {"Start", "Stop", "Reload", "Restart", "TryRestart", "ReloadOrRestart", "ReloadOrTryRestart",
                  "EnqueueJob", "Kill", "QueueSignal", "ResetFailed", "SetProperties", "Ref", "Unref", "Clean",
                  "Freeze", "Thaw"},
    SD + "Job": {"Cancel"},
    SD + "Service": {"AttachProcesses", "BindMount", "MountImage"},
    SD + "Scope": {"AttachProcesses", "Abandon"},
}
# Properties.Set: decided by the property it names (root only in systemd 252's policy).
BY_PROPERTY = {(DBUS + "Properties", "Set")}

UNITS = {
    "web.service": "[Unit]\nDescription=Web Server\n[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n"
                   "[Install]\nWantedBy=multi-user.target\n",
    # a start job that stays queued: the job object of the matrix
    "blocker.service": "[Service]\nType=oneshot\nExecStart=/bin/sleep 3600\n",
    "hello.socket": "[Socket]\nListenStream=127.0.0.1:7779\n[Install]\nWantedBy=sockets.target\n",
    "hello.service": "[Service]\nExecStart=/bin/sleep 3600\n",
    "tick.timer": "[Timer]\nOnCalendar=yearly\n[Install]\nWantedBy=timers.target\n",
    "tick.service": "[Service]\nType=oneshot\nExecStart=/bin/true\n",
    "watch.path": "[Path]\nPathExists=/run/never\n",
}
# one object of each kind: the manager, a unit of every type (unknown names resolve as not-found
# units of their type), and the job (added once it is queued)
OBJECTS = [MANAGER] + [UNIT + n for n in (
    "web_2eservice", "hello_2esocket", "tick_2etimer", "watch_2epath", "multi_2duser_2etarget", "_2d_2eslice",
    "init_2escope", "nope_2emount", "nope_2eswap", "nope_2edevice", "nope_2eautomount")]


def raw_batch(c, calls, uid=None):
    """Run the calls in the container with dbus_raw.py --batch, as root or as uid."""
    argv = ["python3", RAW, "--batch"]
    if uid is not None:
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all"] + argv
    r = c.exec(argv, privileged=uid is not None, input=json.dumps(calls), timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out) == len(calls)
    return out


def call1(c, path, interface, member, signature="", args=(), uid=None, socket=PRIVATE):
    return raw_batch(c, [dict(socket=socket, path=path, interface=interface, member=member,
                              signature=signature, args=list(args))], uid)[0]


def introspect(c, path):
    """{interface: {"methods": {member: (in signature, privileged)}, "properties": {name: access}}}"""
    res = call1(c, path, DBUS + "Introspectable", "Introspect")
    assert res["kind"] == "return", (path, res)
    out = {}
    for iface in ET.fromstring(res["values"][0]).findall("interface"):
        methods = {}
        for m in iface.findall("method"):
            sig = "".join(a.get("type") for a in m.findall("arg") if a.get("direction", "in") == "in")
            priv = any(a.get("name") == PRIVILEGED and a.get("value") == "true" for a in m.findall("annotation"))
            methods[m.get("name")] = (sig, priv)
        props = {p.get("name"): p.get("access") for p in iface.findall("property")}
        out[iface.get("name")] = {"methods": methods, "properties": props}
    return out


def classify(interface, member):
    """From the hand-written lists alone: "read", "mutating" or "property"."""
    if (interface, member) in BY_PROPERTY:
        return "property"
    read = member in READ_METHODS.get(interface, ())
    mutating = member in MUTATING_METHODS.get(interface, ())
    assert read != mutating, f"{interface}.{member} is in neither or both hand-written lists"
    return "read" if read else "mutating"


def harmful_args(member, signature, job_id, interface):
    """Arguments that would do damage if the call were allowed."""
    web = ["web.service"]
    by_member = {
        "KillUnit": ["web.service", "all", 9], "Kill": ["all", 9], "CancelJob": [job_id],
        "SetEnvironment": [["LD_PRELOAD=/tmp/evil.so"]], "UnsetEnvironment": [["PATH"]],
        "UnsetAndSetEnvironment": [["PATH"], ["LD_PRELOAD=/tmp/evil.so"]], "SetExitCode": [7],
        "EnableUnitFilesWithFlags": [["tick.timer"], 0], "DisableUnitFilesWithFlags": [web, 0],
        "DisableUnitFilesWithFlagsAndInstallInfo": [web, 0], "LinkUnitFiles": [["/etc/systemd/system/x.service"], False, True],
        "UnmaskUnitFiles": [["old.service"], False], "DisableUnitFiles": [web, False],
        "PresetUnitFilesWithMode": [web, "full", False, True], "PresetAllUnitFiles": ["full", False, True],
        "SetDefaultTarget": ["rescue.target", True],
        "StartTransientUnit": ["evil.service", "replace",
                               [["ExecStart", ["a(sasb)", [["/bin/touch", ["/bin/touch", "/tmp/evil"], False]]]]], []],
        "SetUnitProperties": ["web.service", False, [["Description", ["s", "pwned"]]]],
        "SetProperties": [False, [["Description", ["s", "pwned"]]]],
    }
    if member in by_member:
        return by_member[member]
    if signature == "ss":
        return ["web.service", "replace"]      # StartUnit, StopUnit, RestartUnit ...
    if signature == "s":
        return ["replace"] if interface == SD + "Unit" else ["web.service"]
    if signature == "asbb":
        return [["tick.timer" if member.startswith("Enable") else "web.service"], False, True]
    return default_args(signature, job_id)


def default_args(signature, job_id):
    from dbus_raw import split_signature
    values = {"s": "web.service", "b": False, "u": job_id, "i": 0, "y": 0, "t": 0, "as": []}
    return [values[t] for t in split_signature(signature)]


def read_args(member, signature, job_id, path, ifaces):
    if member == "Get":
        iface = [i for i in ifaces if ifaces[i]["properties"]][-1]
        return [iface, sorted(ifaces[iface]["properties"])[0]]
    if member == "GetAll":
        return [""]
    if member == "GetUnitByPID":
        return [1]
    if member in ("ListUnitsByPatterns", "ListUnitFilesByPatterns"):
        return [[], ["web*"]]
    if member == "ListUnitsByNames":
        return [["web.service"]]
    return default_args(signature, job_id)


def set_args(ifaces):
    iface = [i for i in ifaces if ifaces[i]["properties"]][-1]
    name, access = sorted(ifaces[iface]["properties"].items())[0]
    assert access == "read", "a writable property: extend the test with its expected effect"
    return [iface, name, ["s", "changed"]]


def wrong_signature(signature):
    return ("u", [0]) if signature == "s" else ("s", ["x"])


@pytest.fixture
def box(boot):
    c = boot(units=UNITS, enable={"web.service": "multi-user.target", "hello.socket": "sockets.target"})
    os.symlink("/dev/null", c.path("/etc/systemd/system/old.service"))
    c.wait_for(MULTI_USER)
    r = call1(c, MANAGER, SD + "Manager", "StartUnit", "ss", ["blocker.service", "replace"])
    assert r["kind"] == "return", r
    return c


def job_of(c):
    r = call1(c, MANAGER, SD + "Manager", "ListJobs")
    jobs = [j for j in r["values"][0] if j[1] == "blocker.service"]
    assert jobs, r
    return jobs[0][0], jobs[0][4]


def state(c):
    """What an allowed mutating call would change."""
    def get(path, iface, prop):
        r = call1(c, path, DBUS + "Properties", "Get", "ss", [iface, prop])
        assert r["kind"] == "return", r
        return r["values"][0][1]
    files = []
    for d in ("/etc/systemd/system", "/run/systemd/system", "/run/systemd/transient", "/etc/systemd/system.control",
              "/run/systemd/system.control"):
        for root, dirs, names in os.walk(c.path(d)):
            for n in sorted(dirs + names):
                p = os.path.join(root, n)
                files.append((p, os.readlink(p) if os.path.islink(p) else None))
    return {
        "web": (get(UNIT + "web_2eservice", SD + "Unit", "ActiveState"), get(UNIT + "web_2eservice", SD + "Service", "MainPID"),
                get(UNIT + "web_2eservice", SD + "Unit", "Description")),
        "environment": get(MANAGER, SD + "Manager", "Environment"),
        "exit code": get(MANAGER, SD + "Manager", "ExitCode"),
        "jobs": call1(c, MANAGER, SD + "Manager", "ListJobs")["values"],
        "default": call1(c, MANAGER, SD + "Manager", "GetDefaultTarget")["values"],
        "files": sorted(files),
    }


def entries(c, job_path):
    """Every interface name, and every method as (path, interface, member, in signature,
    privileged annotation, the object's interfaces)."""
    out, names = [], set()
    for path in OBJECTS + [job_path]:
        ifaces = introspect(c, path)
        names |= set(ifaces)
        for iface, d in ifaces.items():
            for member, (sig, priv) in d["methods"].items():
                out.append((path, iface, member, sig, priv, ifaces))
    return names, out


def test_table_and_hand_written_lists_agree(box):
    _, job_path = job_of(box)
    interfaces, served = entries(box, job_path)
    # every interface of every unit type is there, each with what systemd 252 has for it
    assert {SD + t for t in ("Manager", "Unit", "Job", "Service", "Socket", "Timer", "Path", "Target", "Slice", "Scope",
                             "Mount", "Swap", "Device", "Automount")} | {DBUS + "Peer", DBUS + "Properties",
                                                                         DBUS + "Introspectable"} == interfaces
    for path, iface, member, sig, priv, _ in served:
        kind = classify(iface, member)
        assert priv == (kind == "mutating"), f"{path}: {iface}.{member} is declared {'privileged' if priv else 'read'}"
    members = {(e[1], e[2]) for e in served}
    # what systemctl needs is served, at the level systemd gives it
    for m in ("StartUnit", "StopUnit", "KillUnit", "SetEnvironment", "SetExitCode", "Reload", "Reexecute", "EnableUnitFiles",
              "MaskUnitFiles", "ResetFailed", "GetUnit", "ListUnitsByPatterns", "GetUnitFileState"):
        assert (SD + "Manager", m) in members


def expected(kind, socket, uid, ifaces, member, iface, sig, wrong):
    """(result kind, error name or None, message or None) for one cell of the matrix."""
    if socket == PRIVATE and uid == NOBODY:
        return ("connect-error", "PermissionError", None)
    if sum(member in d["methods"] for d in ifaces.values()) > 1:
        return ("error", DBUS + "Error.UnknownMethod", None)   # ambiguous without interface: sd-bus's answer
    privileged = socket == PRIVATE and uid == 0
    if kind == "property":
        return ("error", DBUS + "Error.PropertyReadOnly", None)
    if kind == "mutating" and not privileged:
        return ("error", DBUS + "Error.AccessDenied", None)
    if kind == "mutating":
        return ("error", DBUS + "Error.InvalidArgs", f"Invalid arguments '{wrong}' to call {iface}.{member}(), expecting '{sig}'.")
    return ("answer", None, None)


def test_access_matrix(box):
    job_id, job_path = job_of(box)
    _, served = entries(box, job_path)
    before = state(box)
    # root on the private socket: mutating methods with the wrong argument types only
    cells = {"unprivileged": [], "root": []}
    for path, iface, member, sig, _, ifaces in served:
        kind = classify(iface, member)
        for socket in (PRIVATE, READONLY):
            for with_iface in (True, False):
                name = iface if with_iface else None
                for who in ("unprivileged", "root"):
                    uid = NOBODY if who == "unprivileged" else 0
                    wrong = None
                    if kind == "property":
                        call_sig, args = "ssv", set_args(ifaces)
                    elif kind == "read":
                        call_sig, args = sig, read_args(member, sig, job_id, path, ifaces)
                    elif socket == PRIVATE and uid == 0:
                        wrong, args = wrong_signature(sig)
                        call_sig = wrong
                    else:
                        call_sig, args = sig, harmful_args(member, sig, job_id, iface)
                    want = expected(kind, socket, uid, ifaces if not with_iface else {iface: ifaces[iface]}, member,
                                    iface, sig, wrong)
                    call = dict(socket=socket, path=path, interface=name, member=member, signature=call_sig, args=args)
                    cells[who].append((call, want))
    failures = []
    for who, uid in (("unprivileged", NOBODY), ("root", None)):
        results = raw_batch(box, [c for c, _ in cells[who]], uid)
        for (call, (kind, name, message)), res in zip(cells[who], results):
            ok = res["kind"] == kind and res["name"] == name if kind != "answer" else (
                res["kind"] == "return" or res["name"] not in (DBUS + "Error.AccessDenied", DBUS + "Error.UnknownMethod",
                                                                DBUS + "Error.InvalidArgs", DBUS + "Error.UnknownObject"))
            if ok and message is not None:
                ok = res["values"] == [message]
            if not ok:
                failures.append(f"{who} {call['socket']} {call['path']} {call['interface'] or '(no interface)'}"
                                f".{call['member']}{tuple(call['args'])}: {res['kind']} {res['name']} {res['values']}"
                                f" (expected {kind} {name or ''} {message or ''})")
    assert not failures, f"{len(failures)} cells of the matrix are wrong:\n" + "\n".join(failures[:60])
    assert box.running()
    assert state(box) == before


def test_unprivileged_cannot_change_the_environment_without_interface(box):
    """The reported attack: SetEnvironment LD_PRELOAD=... without INTERFACE, then a restart."""
    for socket in (READONLY,):
        r = call1(box, MANAGER, None, "SetEnvironment", "as", [["LD_PRELOAD=/tmp/evil.so"]], uid=NOBODY, socket=socket)
        assert (r["kind"], r["name"]) == ("error", DBUS + "Error.AccessDenied"), r
        r = call1(box, UNIT + "web_2eservice", None, "Restart", "s", ["replace"], uid=NOBODY, socket=socket)
        assert (r["kind"], r["name"]) == ("error", DBUS + "Error.AccessDenied"), r
    env = call1(box, MANAGER, DBUS + "Properties", "Get", "ss", [SD + "Manager", "Environment"])["values"][0][1]
    assert not any(e.startswith("LD_PRELOAD=") for e in env)


def test_calls_resolve_without_interface(box):
    """A call without INTERFACE is the same call: answered by the one member of that name."""
    r = call1(box, UNIT + "web_2eservice", None, "Get", "ss", [SD + "Unit", "ActiveState"], socket=READONLY, uid=NOBODY)
    assert r == {"kind": "return", "name": None, "values": [["s", "active"]]}
    r = call1(box, MANAGER, None, "GetUnit", "s", ["web.service"], socket=READONLY, uid=NOBODY)
    assert r == {"kind": "return", "name": None, "values": [UNIT + "web_2eservice"]}
    r = call1(box, MANAGER, None, "Nope", "", [], socket=READONLY, uid=NOBODY)
    assert r == {"kind": "error", "name": DBUS + "Error.UnknownMethod", "values": ["Unknown method Nope or interface (null)."]}
    # a member of another interface of the object is not found under the wrong one
    r = call1(box, MANAGER, SD + "Manager", "Ping", "", [])
    assert r["name"] == DBUS + "Error.UnknownMethod"
    # as root, no interface reaches the privileged method too
    r = call1(box, MANAGER, None, "SetEnvironment", "as", [["FROM_ROOT=1"]])
    assert r["kind"] == "return", r
    env = call1(box, MANAGER, DBUS + "Properties", "Get", "ss", [SD + "Manager", "Environment"])["values"][0][1]
    assert "FROM_ROOT=1" in env


def test_arguments_are_checked_against_the_table(box):
    r = call1(box, MANAGER, SD + "Manager", "GetUnit", "u", [3])
    assert r == {"kind": "error", "name": DBUS + "Error.InvalidArgs",
                 "values": ["Invalid arguments 'u' to call org.freedesktop.systemd1.Manager.GetUnit(), expecting 's'."]}
    r = call1(box, MANAGER, SD + "Manager", "ListUnits", "s", ["extra"])
    assert r["name"] == DBUS + "Error.InvalidArgs"
    # an unprivileged caller learns nothing from wrong arguments: the access check comes first
    r = call1(box, MANAGER, SD + "Manager", "StopUnit", "u", [3], uid=NOBODY, socket=READONLY)
    assert r == {"kind": "error", "name": DBUS + "Error.AccessDenied", "values": ["Access denied"]}
