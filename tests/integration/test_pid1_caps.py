# SPDX-License-Identifier: MIT
"""tinysd as PID 1 applies AmbientCapabilities= and SecureBits= (systemd.exec(5), "Capabilities"
and "Security") and the "!!" command prefix (systemd.service(5), "Special executable prefixes").

Contract assumed (systemd 252's behaviour, capabilities(7)):
- AmbientCapabilities= raises the listed capabilities in the ambient set of the exec'd process,
  also after the switch to User=: a service running as nobody with CAP_NET_BIND_SERVICE binds
  port 80, and /proc/self/status shows the capability in CapAmb, CapInh, CapPrm and CapEff.
  Without the directive, nobody cannot bind port 80 and has no capability.
- A capability that CapabilityBoundingSet= excludes is not raised (silently, as systemd). One
  the container does not have (outside Docker's default set) cannot be raised: the rest is, the
  unit still starts, and the once-per-unit notice names AmbientCapabilities=.
- SecureBits= sets the securebits before the exec; the kernel clears keep-caps (never its lock)
  at every execve(), so "keep-caps noroot" reads back as noroot (0x1) in the service, and
  "keep-caps-locked noroot noroot-locked" as 0x23. noroot takes effect: a root service exec'd
  with it has no capability.
- "!!" only acts like "!" on kernels without ambient capabilities; on this one (Linux >= 4.3) it
  has no effect: User= is applied and AmbientCapabilities= too ("!" keeps root).
- A non-root PID 1 without any capability (Kubernetes "restricted") can apply neither: a unit
  with both still starts, and there is exactly one notice line for it, naming both.

The probe service is python3: it writes its uid, capability sets, securebits (prctl
PR_GET_SECUREBITS through ctypes) and whether binding 127.0.0.1:PORT (80, 81, ... one per probe: they run at once) worked, as JSON."""
import json
import re

from pid1 import MULTI_USER, finished

PROBE = r"""#!/usr/bin/python3
import ctypes, errno, json, os, socket, sys
res = {"uid": os.getuid()}
with open("/proc/self/status") as f:
    for line in f:
        key, value = line.split(":", 1)
        if key.startswith("Cap"):
            res[key] = int(value, 16)
libc = ctypes.CDLL(None, use_errno=True)
res["securebits"] = libc.prctl(27, 0, 0, 0, 0)  # PR_GET_SECUREBITS
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[2])))   # a privileged port of its own: probes run at once
    res["bind80"] = "ok"
except OSError as e:
    res["bind80"] = errno.errorcode.get(e.errno, str(e.errno))
finally:
    s.close()
out = sys.argv[1]
with open(out + ".tmp", "w") as f:
    json.dump(res, f)
os.rename(out + ".tmp", out)
"""

CAP_NET_BIND_SERVICE = 1 << 10
CAP_NET_RAW = 1 << 13
CAP_SYS_ADMIN = 1 << 21


def probe_unit(name, extra, prefix="", port=80):
    return {f"{name}.service": f"""
        [Unit]
        Description=Probe {name}
        [Service]
        Type=oneshot
        ExecStart={prefix}/opt/test/probe /tmp/{name}.json {port}
        {extra}
        """}


def boot_probes(boot, units, **kw):
    """Boot with the probe units enabled; return the container and {name: probe result}."""
    all_units = {}
    for i, (name, (extra, prefix)) in enumerate(units.items()):
        all_units.update(probe_unit(name, extra, prefix, port=80 + i))
    c = boot(units=all_units, enable=list(all_units), files={"/opt/test/probe": PROBE}, **kw)
    results = {}
    for name in units:
        host = c.wait_for_path(f"/tmp/{name}.json")
        results[name] = json.loads(host.read_text())
    c.wait_for(MULTI_USER)
    return c, results


def notices(c, unit):
    return [line for line in c.lines() if f"{unit}:" in line and "not applied" in line]


# ---------------------------------------------------------------- AmbientCapabilities=

def test_ambient_capability_lets_nobody_bind_port_80(boot):
    c, r = boot_probes(boot, {
        "amb": ("User=nobody\nAmbientCapabilities=CAP_NET_BIND_SERVICE", ""),
        "noamb": ("User=nobody", ""),
    })
    amb, noamb = r["amb"], r["noamb"]
    assert amb["uid"] == 65534
    assert amb["bind80"] == "ok"
    for key in ("CapAmb", "CapInh", "CapPrm", "CapEff"):
        assert amb[key] == CAP_NET_BIND_SERVICE, (key, hex(amb[key]))
    assert noamb["uid"] == 65534
    assert noamb["bind80"] == "EACCES"
    assert (noamb["CapAmb"], noamb["CapPrm"], noamb["CapEff"]) == (0, 0, 0)
    # everything requested was applied: no notice about either unit
    assert notices(c, "amb.service") == [] and notices(c, "noamb.service") == [], c.output()


def test_ambient_capability_excluded_by_the_bounding_set_is_not_raised(boot):
    c, r = boot_probes(boot, {
        "bounded": ("User=nobody\nAmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW\n"
                    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", ""),
        "onlyraw": ("User=nobody\nAmbientCapabilities=CAP_NET_RAW\nCapabilityBoundingSet=~CAP_NET_RAW", ""),
    })
    assert r["bounded"]["CapBnd"] == CAP_NET_BIND_SERVICE
    assert r["bounded"]["CapAmb"] == CAP_NET_BIND_SERVICE
    assert r["bounded"]["bind80"] == "ok"
    assert r["onlyraw"]["CapAmb"] == 0
    assert r["onlyraw"]["CapBnd"] & CAP_NET_RAW == 0
    # the unit's own configuration excludes it: nothing the container could not apply
    assert notices(c, "bounded.service") == [] and notices(c, "onlyraw.service") == [], c.output()


def test_ambient_capability_the_container_lacks_is_skipped_with_a_notice(boot):
    # CAP_SYS_ADMIN is not in Docker's default set: the rest is raised, the unit runs
    c, r = boot_probes(boot, {
        "admin": ("User=nobody\nAmbientCapabilities=CAP_SYS_ADMIN CAP_NET_BIND_SERVICE", ""),
    })
    assert r["admin"]["CapAmb"] == CAP_NET_BIND_SERVICE
    assert r["admin"]["bind80"] == "ok"
    c.wait_for(finished("admin.service", "Probe admin"))
    found = notices(c, "admin.service")
    assert len(found) == 1 and "AmbientCapabilities=" in found[0], c.output()


# ---------------------------------------------------------------- SecureBits=

def test_secure_bits_are_set_before_exec(boot):
    c, r = boot_probes(boot, {
        "sbnobody": ("User=nobody\nSecureBits=keep-caps noroot", ""),
        "sblocked": ("SecureBits=keep-caps-locked noroot noroot-locked", ""),
        "sbnone": ("", ""),
    })
    assert r["sbnobody"]["uid"] == 65534
    assert r["sbnobody"]["securebits"] == 0x1          # keep-caps is cleared by execve()
    assert r["sblocked"]["uid"] == 0
    assert r["sblocked"]["securebits"] == 0x23         # noroot, noroot-locked, keep-caps-locked
    # noroot: root gains no capability at exec
    assert (r["sblocked"]["CapPrm"], r["sblocked"]["CapEff"]) == (0, 0)
    assert r["sblocked"]["bind80"] == "EACCES"
    assert r["sbnone"]["securebits"] == 0
    assert r["sbnone"]["CapEff"] != 0
    assert all(notices(c, f"{n}.service") == [] for n in r), c.output()


def test_secure_bits_with_ambient_capabilities_for_a_user(boot):
    _, r = boot_probes(boot, {
        "both": ("User=nobody\nSecureBits=noroot\nAmbientCapabilities=CAP_NET_BIND_SERVICE", ""),
    })
    assert r["both"]["securebits"] == 0x1
    assert r["both"]["CapAmb"] == CAP_NET_BIND_SERVICE
    assert r["both"]["bind80"] == "ok"


# ---------------------------------------------------------------- "!!"

def test_double_bang_has_no_effect_where_ambient_capabilities_exist(boot):
    c, r = boot_probes(boot, {
        "dbang": ("User=nobody\nAmbientCapabilities=CAP_NET_BIND_SERVICE", "!!"),
        "bang": ("User=nobody\nAmbientCapabilities=CAP_NET_BIND_SERVICE", "!"),
    })
    # "!!": User= and AmbientCapabilities= applied, as without a prefix
    assert r["dbang"]["uid"] == 65534
    assert r["dbang"]["CapAmb"] == CAP_NET_BIND_SERVICE
    assert r["dbang"]["bind80"] == "ok"
    # "!": User= is not applied, the ambient capability still is
    assert r["bang"]["uid"] == 0
    assert r["bang"]["CapAmb"] == CAP_NET_BIND_SERVICE
    c.wait_for(finished("dbang.service", "Probe dbang"))


# ---------------------------------------------------------------- non-root PID 1

def test_non_root_pid1_skips_both_with_one_notice(boot):
    c, r = boot_probes(boot, {
        "capsrestricted": ("ExecStartPre=/bin/true\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                           "SecureBits=noroot", ""),
    }, user=1000)
    p = r["capsrestricted"]
    assert p["uid"] == 1000
    assert (p["CapAmb"], p["CapEff"], p["securebits"]) == (0, 0, 0)
    assert p["bind80"] == "EACCES"
    c.wait_for(finished("capsrestricted.service", "Probe capsrestricted"))
    found = notices(c, "capsrestricted.service")
    assert len(found) == 1, c.output()
    assert re.search(r"\bAmbientCapabilities=", found[0]) and re.search(r"\bSecureBits=", found[0]), found[0]
