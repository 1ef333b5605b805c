#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The side-by-side reference for bench/boot.py: the real systemd 252 (Debian 12) booted as PID 1
of a container-like sandbox with the same benchmark units. Whole-process figures; nothing asserted.

The sandbox is ../shared/tools/real-systemd/sdbox.sh (see its README): unshare of the pid, mount,
uts, ipc and cgroup namespaces, pivot_root into a debootstrap'ed bookworm rootfs, Docker-like
/dev, /proc, /sys, tmpfs /run and /tmp, a writable cgroup2 mount of its own cgroup namespace
(CG=v2ns: systemd refuses to boot with Docker's read-only cgroups), Docker's 14 capabilities as
bounding set (CAPS=docker), a pty as /dev/console (TTY=1, like `docker run -t`). bwrap cannot
give systemd a writable cgroup tree, hence a different sandbox from tinysd's; both start PID 1
with no arguments and Docker's capability set.

This script works on its own copy of the rootfs (cp -a of $SRC_ROOTFS, default
/var/tmp/real-systemd/rootfs, made by run-real-systemd.sh) in $WORK (default
/var/tmp/tinysd-bench-systemd), where it points default.target at multi-user.target and replaces
the bench-* units by those of the scenario (bench/bootlib.py: the same files as bench/boot.py).
The rest of the image stays stock Debian 12 (journald, tmpfiles, dbus, logind, ... as enabled by
the packages).

Figures per boot, all from the host:
  boot      stamp written right before `exec systemd` (sdbox-inner.sh, /run/.sdbox-t0) -> the
            console line "Reached target multi-user.target" appearing in the pty log (polled every
            1 ms); -> all N `sleep` children of PID 1 present (polled every 5 ms); and systemd's
            own FinishTimestamp - UserspaceTimestamp (`systemctl show`);
  shutdown  SIGRTMIN+3 (systemd's container halt signal; SIGTERM makes systemd 252 re-execute
            itself, it does not stop) -> PID 1 gone (pidfd) and -> the `unshare` parent gone
            (the analogue of bwrap);
  memory    (scenario of --mem-units) Rss/Pss of PID 1 and of systemd-journald, 2 s after boot;
  idle      context switches of PID 1 and journald over --idle seconds.
Root only. Usage: boot-systemd.py [--scenarios simple:10,simple:100,simple:1000,bench12] [--runs 5]
                                   [--mem-units 100] [--idle 10] [--sigterm-check] [--json FILE]"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bootlib as bl  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent.parent
TOOLS = pathlib.Path(os.environ.get("REAL_SYSTEMD_TOOLS", HERE.parent / "shared/tools/real-systemd"))
SRC_ROOTFS = pathlib.Path(os.environ.get("SRC_ROOTFS", "/var/tmp/real-systemd/rootfs"))
WORK = pathlib.Path(os.environ.get("WORK", "/var/tmp/tinysd-bench-systemd"))
ROOTFS = WORK / "rootfs"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TARGET_LINE = re.compile(r"Reached target .*multi-user\.target")


def sdbox(*args, check=True, capture=False):
    env = dict(os.environ, RESEARCH=str(WORK), R=str(ROOTFS), CG="v2ns", CAPS="docker", TTY="1", SDARGS="")
    r = subprocess.run(["bash", str(TOOLS / "sdbox.sh"), *args], env=env, check=check,
                       stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    return r.stdout if capture else r.returncode


def prepare_rootfs():
    if not (ROOTFS / "lib/systemd/systemd").exists():
        if not (SRC_ROOTFS / "lib/systemd/systemd").exists():
            sys.exit(f"no rootfs at {SRC_ROOTFS}: build it with {TOOLS}/run-real-systemd.sh (debootstrap), "
                     f"or set SRC_ROOTFS")
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", str(SRC_ROOTFS), str(ROOTFS)], check=True)
    etc = ROOTFS / "etc/systemd/system"
    dt = etc / "default.target"
    if dt.is_symlink() or dt.exists():
        dt.unlink()
    os.symlink("/lib/systemd/system/multi-user.target", dt)


def set_units(scenario):
    etc = ROOTFS / "etc/systemd/system"
    bl.remove_units(etc)
    for p in (etc / "bench.target.wants").glob("bench-*.service") if (etc / "bench.target.wants").exists() else []:
        p.unlink()
    return bl.write_units(etc, scenario)


def reset_state():
    for p in (ROOTFS / "var/log/journal").glob("*"):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()


def alive(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def boot_once(name, scenario, expected, settle=0.0, idle=0.0, want_mem=False, sigterm_check=False):
    res, problems = {"scenario": scenario}, []
    run = WORK / "runs" / name
    reset_state()
    pid = None
    try:
        pid = int(sdbox("start", name, capture=True).split()[-1])
        unshare = int((run / "unshare.pid").read_text())
        pidfd, ufd = os.pidfd_open(pid), os.pidfd_open(unshare)
        console = run / "console.log"
        t_line = t_all = None
        buf, off = "", 0
        deadline = time.time() + 180
        last_count = 0.0
        while time.time() < deadline and (t_line is None or t_all is None):
            now = time.time()
            if t_line is None:
                try:
                    with open(console, "rb") as f:
                        f.seek(off)
                        chunk = f.read()
                    off += len(chunk)
                    buf += chunk.decode(errors="replace")
                    if TARGET_LINE.search(ANSI.sub("", buf)):
                        t_line = now
                except OSError:
                    pass
            if t_all is None and now - last_count >= 0.005:
                last_count = now
                if bl.count_children(pid, "sleep") >= expected:
                    t_all = time.time()
            if not alive(pid):
                problems.append("systemd exited during boot")
                break
            time.sleep(0.001)
        t0 = float((pathlib.Path(f"/proc/{pid}/root/run/.sdbox-t0")).read_text())
        res["boot_ms"] = (t_line - t0) * 1000 if t_line else None
        res["all_sleep_ms"] = (t_all - t0) * 1000 if t_all else None
        if t_line is None:
            problems.append("no 'Reached target multi-user.target' console line")
        res["sleeps"] = bl.count_children(pid, "sleep")
        if res["sleeps"] != expected:
            problems.append(f"{res['sleeps']} sleep processes, expected {expected}")
        st = sdbox("exec", name, "timeout", "60", "systemctl", "is-system-running", "--wait", check=False, capture=True).strip()
        res["state"] = st
        ts = sdbox("exec", name, "systemctl", "show", "-p", "UserspaceTimestampMonotonic",
                   "-p", "FinishTimestampMonotonic", "--value", capture=True).split()
        if len(ts) == 2 and int(ts[1]) > 0:
            res["own_finish_ms"] = (int(ts[1]) - int(ts[0])) / 1000
        failed = sdbox("exec", name, "systemctl", "--failed", "--plain", "--no-legend", check=False, capture=True).split("\n")
        res["failed_units"] = [ln.split()[0] for ln in failed if ln.strip()]
        res["active_units"] = len([ln for ln in sdbox("exec", name, "systemctl", "list-units", "--state=active", "--plain",
                                                       "--no-legend", capture=True).split("\n") if ln.strip()])
        jpid = next((c for c in bl.children(pid) if bl.comm(c) == "systemd-journal"), None)
        if settle:
            time.sleep(settle)
        if want_mem:
            res["mem_kb"] = bl.memory(pid)
            if jpid:
                res["journald_mem_kb"] = bl.memory(jpid)
        if idle:
            a, ja = bl.ctxt_switches(pid), bl.ctxt_switches(jpid) if jpid else 0
            time.sleep(idle)
            res["idle_s"], res["idle_ctxt"] = idle, bl.ctxt_switches(pid) - a
            if jpid:
                res["journald_idle_ctxt"] = bl.ctxt_switches(jpid) - ja
        if sigterm_check:
            os.kill(pid, signal.SIGTERM)
            time.sleep(3)
            res["sigterm_alive_after_3s"] = alive(pid)
            res["sigterm_state"] = sdbox("exec", name, "systemctl", "is-system-running", check=False, capture=True).strip()
            res["sigterm_sleeps"] = bl.count_children(pid, "sleep")
        ts = time.perf_counter()
        os.kill(pid, signal.SIGRTMIN + 3)
        t_pid1 = bl.wait_exit(pidfd, 90)
        t_un = bl.wait_exit(ufd, 30)
        res["stop_pid1_ms"] = (t_pid1 - ts) * 1000 if t_pid1 else None
        res["stop_ms"] = (t_un - ts) * 1000 if t_un else None
        if t_pid1 is None:
            problems.append("systemd still running 90 s after SIGRTMIN+3")
        os.close(pidfd)
        os.close(ufd)
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        problems.append(f"harness error: {e!r}")
    finally:
        sdbox("cleanup", name, check=False)
        time.sleep(0.3)
    return res, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", default="simple:10,simple:100,simple:1000,bench12")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runs-large", type=int, default=3)
    ap.add_argument("--mem-units", type=int, default=100)
    ap.add_argument("--mem-runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--sigterm-check", action="store_true", help="once: does SIGTERM stop systemd? (it re-executes)")
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("boot-systemd.py: needs root; skipped")
        return 0
    prepare_rootfs()
    raw, all_problems = {"loadavg_start": bl.loadavg(), "runs": []}, []
    ver = subprocess.run(["chroot", str(ROOTFS), "/lib/systemd/systemd", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"real systemd boot benchmark ({ver}; sdbox CG=v2ns CAPS=docker TTY=1); load average {bl.loadavg()}")
    try:
        for sc in a.scenarios.split(",") if a.scenarios else []:
            expected = set_units(sc)
            runs = a.runs_large if bl.scenario_units(sc) >= 1000 else a.runs
            rs = []
            for i in range(runs):
                quiet = bl.wait_quiet()
                r, probs = boot_once(f"tsb-{sc.replace(':', '')}-{i}", sc, expected)
                r["run"], r["idle_before"] = i, round(quiet, 2)
                rs.append(r)
                raw["runs"].append(r)
                all_problems += [f"{sc} run {i}: {p}" for p in probs]
            print(f"systemd {sc:12} exec→'Reached target' {bl.summary([r.get('boot_ms') for r in rs])}; "
                  f"all {expected} sleep {bl.summary([r.get('all_sleep_ms') for r in rs])}; "
                  f"own userspace→finish {bl.summary([r.get('own_finish_ms') for r in rs])}; "
                  f"SIGRTMIN+3→PID 1 gone {bl.summary([r.get('stop_pid1_ms') for r in rs])}; "
                  f"→unshare exit {bl.summary([r.get('stop_ms') for r in rs])}; "
                  f"state {sorted(set(str(r.get('state')) for r in rs))}; active units {bl.median([r.get('active_units') for r in rs])}; "
                  f"failed {sorted(set(u for r in rs for u in r.get('failed_units', [])))}; "
                  f"quiet machine before {sum(1 for r in rs if r['idle_before'] >= 0.85)}/{runs} runs", flush=True)
        if a.mem_runs > 0:
            sc = f"simple:{a.mem_units}"
            expected = set_units(sc)
            rs = []
            for i in range(a.mem_runs):
                bl.wait_quiet()
                r, probs = boot_once(f"tsb-mem-{i}", sc, expected, settle=2.0, idle=a.idle, want_mem=True,
                                     sigterm_check=a.sigterm_check and i == 0)
                r["run"], r["kind"] = i, "memory"
                rs.append(r)
                raw["runs"].append(r)
                all_problems += [f"memory run {i}: {p}" for p in probs]
            mk = lambda key, k: [r[key][k] for r in rs if key in r]
            print(f"systemd {a.mem_units} units running: PID 1 Rss {bl.summary(mk('mem_kb', 'Rss'), 'kB', 0)}, "
                  f"Pss {bl.summary(mk('mem_kb', 'Pss'), 'kB', 0)}; journald Rss {bl.summary(mk('journald_mem_kb', 'Rss'), 'kB', 0)}, "
                  f"Pss {bl.summary(mk('journald_mem_kb', 'Pss'), 'kB', 0)}; idle context switches in {a.idle:g} s: "
                  f"PID 1 {[r.get('idle_ctxt') for r in rs]}, journald {[r.get('journald_idle_ctxt') for r in rs]}", flush=True)
            for r in rs:
                if "sigterm_alive_after_3s" in r:
                    print(f"systemd SIGTERM: PID 1 alive 3 s later: {r['sigterm_alive_after_3s']}, "
                          f"is-system-running: {r['sigterm_state']}, sleeps still running: {r['sigterm_sleeps']}")
        set_units("simple:0")
        print(f"load average at the end {bl.loadavg()}")
        if all_problems:
            print(f"problems ({len(all_problems)}):")
            for p in all_problems[:40]:
                print("  ", p)
        raw["problems"] = all_problems
    finally:
        if a.json:
            pathlib.Path(a.json).write_text(json.dumps(raw, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
