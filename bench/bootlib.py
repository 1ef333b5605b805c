# SPDX-License-Identifier: MIT
"""Helpers shared by bench/boot.py (tinysd as PID 1) and bench/boot-systemd.py (the real
systemd 252, for reference): the benchmark units, /proc readers, statistics. No assertions:
everything here measures and reports."""
import os
import re
import pathlib
import select
import statistics
import time

# Docker's default capabilities (moby oci/caps/defaults.go)
DOCKER_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
               "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
               "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]


def write_units(d, scenario):
    """Write the units of a scenario into directory d (its /etc/systemd/system): `simple:N` is N
    services `ExecStart=/bin/sleep infinity`, WantedBy=multi-user.target, enabled by a symlink in
    multi-user.target.wants; `bench12` is the issue's 12-unit set (as in
    ../shared/tools/real-systemd/prepare-rootfs.sh): 10 such services, one Type=notify service
    (systemd-notify --ready, then sleep) and one Type=oneshot RemainAfterExit=yes service.
    Returns how many sleep processes the scenario leaves running."""
    d = pathlib.Path(d)
    wants = d / "multi-user.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    names = []
    if scenario == "bench12":
        n_simple = 10
    else:
        n_simple = int(scenario.split(":")[1])
    width = max(2, len(str(n_simple)))
    for i in range(1, n_simple + 1):
        name = f"bench-s{i:0{width}d}.service"
        (d / name).write_text(f"[Unit]\nDescription=bench simple {i}\n\n[Service]\nType=simple\n"
                              f"ExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n")
        names.append(name)
    sleeps = n_simple
    if scenario == "bench12":
        (d / "bench-notify.service").write_text(
            "[Unit]\nDescription=bench Type=notify via systemd-notify\n\n[Service]\nType=notify\n"
            "NotifyAccess=all\nExecStart=/bin/sh -c 'systemd-notify --ready --status=\"bench ready\"; exec sleep infinity'\n\n"
            "[Install]\nWantedBy=multi-user.target\n")
        (d / "bench-oneshot.service").write_text(
            "[Unit]\nDescription=bench oneshot\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
            "ExecStart=/bin/sh -c 'echo oneshot-ran > /run/bench-oneshot.stamp'\n\n[Install]\nWantedBy=multi-user.target\n")
        names += ["bench-notify.service", "bench-oneshot.service"]
        sleeps += 1
    for name in names:
        os.symlink(f"../{name}", wants / name)
    return sleeps


def remove_units(d):
    """Undo write_units() in d (only the bench-* files and links)."""
    d = pathlib.Path(d)
    for p in list(d.glob("bench-*.service")) + list((d / "multi-user.target.wants").glob("bench-*.service")):
        p.unlink()


def scenario_units(scenario):
    return 12 if scenario == "bench12" else int(scenario.split(":")[1])


def children(pid):
    out = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            try:
                out += [int(x) for x in pathlib.Path(f"/proc/{pid}/task/{t}/children").read_text().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


def comm(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def count_children(pid, name):
    return sum(1 for c in children(pid) if comm(c) == name)


def ctxt_switches(pid):
    """voluntary + nonvoluntary context switches, summed over every thread of pid."""
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        for line in pathlib.Path(f"/proc/{pid}/task/{t}/status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                total += int(line.split()[1])
    return total


def cpu_ms(pid):
    """PID's time on a CPU so far in ms (/proc/PID/schedstat, in ns): unlike wall time, hardly
    changed by other work on a loaded machine."""
    return int(pathlib.Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6


def memory(pid):
    """kB figures: Rss, Pss, Pss_Anon, Pss_File from smaps_rollup; VmHWM from status."""
    out = {}
    for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        k, v = line.split(":", 1)
        out[k] = int(v.split()[0])
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            k, v = line.split(":", 1)
            out[k] = int(v.split()[0])
    return out


def smaps(pid):
    """Per-mapping kB figures from /proc/PID/smaps: a list of (name, Rss, Anonymous), where name
    is the path or [heap]/[stack]/anon plus the mapping's permissions."""
    rows, cur = [], None
    for line in pathlib.Path(f"/proc/{pid}/smaps").read_text().splitlines():
        f = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            cur = [(f[5] if len(f) > 5 else "anon") + " " + f[1], 0, 0]
            rows.append(cur)
        elif f[0] == "Rss:":
            cur[1] = int(f[1])
        elif f[0] == "Anonymous:":
            cur[2] = int(f[1])
    return [tuple(r) for r in rows]


def idle_wakeups(pid, seconds):
    """Context switches of pid over `seconds` of wall time (reading /proc does not wake it)."""
    a = ctxt_switches(pid)
    time.sleep(seconds)
    return ctxt_switches(pid) - a


def wait_exit(pidfd, timeout):
    """perf_counter() when the process behind pidfd has exited, None on timeout."""
    r, _, _ = select.select([pidfd], [], [], timeout)
    return time.perf_counter() if r else None


def poll_until(cond, timeout, interval=0.001):
    """perf_counter() when cond() first holds, None on timeout."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if cond():
            return time.perf_counter()
        time.sleep(interval)
    return None


def summary(xs, unit="ms", digits=1):
    """'median (min–max, n=K)'"""
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    f = f"{{:.{digits}f}}"
    return f"{f.format(statistics.median(xs))} {unit} ({f.format(min(xs))}–{f.format(max(xs))}, n={len(xs)})"


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def loadavg():
    return pathlib.Path("/proc/loadavg").read_text().split()[0]


def _cpu_times():
    f = pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    v = [int(x) for x in f]
    return sum(v), v[3] + v[4]   # total, idle+iowait


def wait_quiet(max_wait=120.0, window=0.5, min_idle=0.85):
    """Wait (at most max_wait s) until the machine is at least min_idle idle over a window: other
    work on this shared 2-core machine (test suites, builds) skews whole-process timings. Returns
    the idle fraction of the last window."""
    end = time.time() + max_wait
    while True:
        t1, i1 = _cpu_times()
        time.sleep(window)
        t2, i2 = _cpu_times()
        idle = (i2 - i1) / max(1, t2 - t1)
        if idle >= min_idle or time.time() >= end:
            return idle
