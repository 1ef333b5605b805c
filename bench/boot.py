#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot benchmark for tinysd as PID 1 (issue 3): whole-process figures, nothing asserted.

Each run boots `tinysd` (no arguments) as PID 1 of a bubblewrap container with Docker's default
capabilities and the benchmark units bound on /etc/systemd/system:

  bwrap --ro-bind / / --dev /dev --proc /proc --bind RUNDIR /run --bind TMPDIR /tmp
        --bind UNITDIR /etc/systemd/system --tmpfs /opt --ro-bind BINARY /opt/tinysd
        --unshare-pid --unshare-ipc --unshare-uts --as-pid-1 --die-with-parent
        --cap-drop ALL --cap-add CAP_CHOWN ... (Docker's 14) --setenv SYSTEMD_UNIT_PATH /etc/systemd/system
        /opt/tinysd

and measures:
  boot      launch of bwrap -> the line "Reached target multi-user.target" read from PID 1's stdout
            (a pipe), and PID 1's CPU time when the line is read (/proc/PID/schedstat); then how many children PID 1 has at that moment, and when all N are `sleep`
            (polled every 1 ms from the host: a simple service is "started" once forked, so exec
            may still be under way when the line is printed);
  shutdown  SIGTERM to PID 1 (its host PID: the child of bwrap) -> PID 1 gone (pidfd) and -> bwrap
            reaped; bwrap's exit status (PID 1's), and whether every service printed "Stopped";
  memory    (with --mem-runs) Rss/Pss from /proc/PID/smaps_rollup and VmHWM, 2 s after the boot;
  idle      (with --idle SEC) voluntary+nonvoluntary context switches of PID 1 over SEC seconds
            with every service running and nothing happening.
A baseline row boots /bin/echo instead of tinysd in the same sandbox: the cost of bwrap itself.

Root is needed (bwrap --cap-add). Usage:
  boot.py [--bin LABEL=PATH ...] [--scenarios simple:10,simple:100,simple:1000,bench12]
          [--runs 11] [--runs-large 3] [--mem-runs 3] [--mem-units 100] [--idle 10] [--smaps] [--json FILE]
          [--quiet-wait 120]
Scenarios: simple:N = N services `ExecStart=/bin/sleep infinity`, WantedBy=multi-user.target,
enabled with symlinks; bench12 = 10 of those + a Type=notify + a Type=oneshot service (the
issue's 12 units)."""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bootlib as bl  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent.parent
TARGET_LINE = re.compile(r"Reached target .*multi-user\.target")
BOOT_TIMEOUT = 120
STOP_TIMEOUT = 60


SYSV_DIRS = ("/etc/init.d", "/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d",
             "/etc/rc6.d", "/etc/rcS.d")
TMPFS_RUN = False   # --tmpfs-run: /run and /tmp on tmpfs instead of directories of the host's disk


def bwrap_cmd(binary, rundir, tmpdir, unitdir, argv):
    caps = []
    for c in bl.DOCKER_CAPS:
        caps += ["--cap-add", c]
    dirs = (["--tmpfs", "/run", "--perms", "1777", "--tmpfs", "/tmp"] if TMPFS_RUN
            else ["--bind", str(rundir), "/run", "--bind", str(tmpdir), "/tmp"])
    return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", *dirs,
            "--bind", str(unitdir), "/etc/systemd/system",
            # the image is the host's root, which has systemd 252 installed: hide its generators
            # (an image without systemd has none; with them a boot takes ~50 ms more here)
            "--tmpfs", "/usr/lib/systemd/system-generators",
            # and its SysV init scripts (PID 1's built-in SysV generator would start the host's
            # dbus, docker, ... from the rc links, and the bench's image has only its own units)
            *[a for d in SYSV_DIRS if os.path.isdir(d) for a in ("--tmpfs", d)],
            "--tmpfs", "/opt", "--ro-bind", str(binary), "/opt/tinysd",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--as-pid-1", "--die-with-parent",
            "--cap-drop", "ALL", *caps, "--setenv", "SYSTEMD_UNIT_PATH", "/etc/systemd/system", *argv]


class Output:
    """PID 1's stdout, read by a thread: every line with the perf_counter() it arrived at."""

    def __init__(self, stream, pattern):
        self.lines, self.pattern, self.hit = [], pattern, None
        self.event = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for raw in stream:
            t = time.perf_counter()
            line = raw.decode(errors="replace").rstrip("\n")
            self.lines.append((t, line))
            if self.hit is None and self.pattern.search(line):
                self.hit = t
                self.event.set()
        self.event.set()


def fresh_dirs(work):
    d = pathlib.Path(tempfile.mkdtemp(dir=work, prefix="run-"))
    (d / "run").mkdir()
    (d / "tmp").mkdir(mode=0o1777)
    return d


def baseline_once(binary, unitdir, work):
    d = fresh_dirs(work)
    t0 = time.perf_counter()
    p = subprocess.Popen(bwrap_cmd(binary, d / "run", d / "tmp", unitdir, ["/bin/echo", "ready"]),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = Output(p.stdout, re.compile("^ready$"))
    out.event.wait(30)
    p.wait()
    t_exit = time.perf_counter()
    out.thread.join()
    shutil.rmtree(d)
    return {"line_ms": (out.hit - t0) * 1000 if out.hit else None, "exit_ms": (t_exit - t0) * 1000}


def boot_once(binary, scenario, unitdir, expected_sleeps, work, settle=0.0, idle=0.0, want_mem=False,
              want_smaps=False):
    """One boot + shutdown. Returns a dict of figures and a list of problems seen."""
    d = fresh_dirs(work)
    res, problems = {"scenario": scenario}, []
    cmd = bwrap_cmd(binary, d / "run", d / "tmp", unitdir, ["/opt/tinysd"])
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = Output(p.stdout, TARGET_LINE)
    pid1 = pidfd = None
    try:
        out.event.wait(BOOT_TIMEOUT)
        kids = bl.children(p.pid)
        pid1 = kids[0] if kids else None
        if out.hit is None:
            problems.append(f"no 'Reached target multi-user.target' line within {BOOT_TIMEOUT} s "
                            f"(bwrap {'exited ' + str(p.poll()) if p.poll() is not None else 'still running'})")
            return res, problems, out
        res["boot_ms"] = (out.hit - t0) * 1000
        res["boot_cpu_ms"] = bl.cpu_ms(pid1)
        res["children_at_line"] = len(bl.children(pid1))
        pidfd = os.pidfd_open(pid1)
        t_all = bl.poll_until(lambda: bl.count_children(pid1, "sleep") >= expected_sleeps, 30)
        res["all_sleep_ms"] = (t_all - t0) * 1000 if t_all else None
        res["sleeps"] = bl.count_children(pid1, "sleep")
        if res["sleeps"] != expected_sleeps:
            problems.append(f"{res['sleeps']} sleep processes under PID 1, expected {expected_sleeps}")
        if settle:
            time.sleep(settle)
        if want_mem:
            res["mem_kb"] = bl.memory(pid1)
        if want_smaps:
            res["smaps"] = bl.smaps(pid1)
        if idle:
            res["idle_s"] = idle
            res["idle_ctxt"] = bl.idle_wakeups(pid1, idle)
        n_lines = len(out.lines)
        ts = time.perf_counter()
        os.kill(pid1, signal.SIGTERM)
        t_pid1 = bl.wait_exit(pidfd, STOP_TIMEOUT)
        try:
            rc = p.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
            problems.append(f"bwrap still running {STOP_TIMEOUT} s after SIGTERM to PID 1")
        t_bw = time.perf_counter()
        out.thread.join(10)
        res["stop_pid1_ms"] = (t_pid1 - ts) * 1000 if t_pid1 else None
        res["stop_ms"] = (t_bw - ts) * 1000 if rc is not None else None
        res["exit_status"] = rc
        if rc != 0:
            problems.append(f"bwrap (PID 1) exit status {rc} after SIGTERM, expected 0")
        after = [ln for _, ln in out.lines[n_lines:]]
        res["stopped_lines"] = sum(1 for ln in after if re.search(r"Stopped bench-", ln))
        n_units = bl.scenario_units(scenario)
        if res["stopped_lines"] != n_units:
            problems.append(f"{res['stopped_lines']} 'Stopped bench-*' lines after SIGTERM, expected {n_units}")
        res["started_lines"] = sum(1 for _, ln in out.lines[:n_lines] if re.search(r"(Started|Finished) bench-", ln))
        if res["started_lines"] != n_units:
            problems.append(f"{res['started_lines']} 'Started/Finished bench-*' lines at boot, expected {n_units}")
        odd = [ln for _, ln in out.lines if not re.match(r"^(\[  OK  \] |         Welcome to )", ln)]
        if odd:
            problems.append(f"{len(odd)} other output lines, e.g. {odd[:3]!r}")
        return res, problems, out
    finally:
        if p.poll() is None:
            try:
                if pid1:
                    os.kill(pid1, signal.SIGKILL)
            except OSError:
                pass
            p.kill()
            p.wait()
        if pidfd is not None:
            os.close(pidfd)
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", action="append", default=[],
                    help="LABEL=PATH of a tinysd binary (default: glibc=build/tinysd, static=build-static/tinysd if present)")
    ap.add_argument("--scenarios", default="simple:10,simple:100,simple:1000,bench12")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--runs-large", type=int, default=3, help="runs for scenarios of 1000 units or more")
    ap.add_argument("--mem-runs", type=int, default=3, help="boots per binary for memory and idle wake-ups")
    ap.add_argument("--mem-units", type=int, default=100)
    ap.add_argument("--idle", type=float, default=10.0, help="seconds of idle observation per memory boot")
    ap.add_argument("--smaps", action="store_true",
                    help="print PID 1's Rss and Anonymous kB per mapping (/proc/PID/smaps) of each memory boot")
    ap.add_argument("--tmpfs-run", action="store_true",
                    help="/run and /tmp on tmpfs (default: fresh directories on the host's disk, as Docker's "
                         "overlay gives; on ext4 their inode allocation is a large part of a short boot)")
    ap.add_argument("--json", help="write every raw figure to this file")
    ap.add_argument("--quiet-wait", type=float, default=120.0,
                    help="seconds to wait at most before each run for an idle machine (0 on a machine that "
                         "stays loaded: compare the CPU times and memory, not the wall times)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    global TMPFS_RUN
    TMPFS_RUN = a.tmpfs_run
    if os.geteuid() != 0:
        print("boot.py: needs root (bwrap --cap-add); skipped")
        return 0
    bins = []
    for b in a.bin:
        label, _, path = b.partition("=")
        bins.append((label, pathlib.Path(path).resolve()))
    if not bins:
        bins.append(("glibc", pathlib.Path(os.environ.get("TINYSD", HERE / "build/tinysd"))))
        st = HERE / "build-static/tinysd"
        if st.exists() and st.stat().st_mtime >= bins[0][1].stat().st_mtime:
            bins.append(("static", st))
        elif st.exists():
            print("note: build-static/tinysd is older than build/tinysd (run `make static`): not measured")
    work = pathlib.Path(tempfile.mkdtemp(prefix="tinysd-boot-bench-"))
    raw = {"bins": {label: str(path) for label, path in bins}, "loadavg_start": bl.loadavg(), "runs": []}
    all_problems = []
    try:
        scen = a.scenarios.split(",") if a.scenarios else []
        sleeps = {}
        print(f"tinysd boot benchmark (bwrap, Docker's capabilities); load average {bl.loadavg()}")
        for sc in scen:
            unitdir = work / f"units-{sc.replace(':', '-')}"
            if sc not in sleeps:
                unitdir.mkdir()
                sleeps[sc] = bl.write_units(unitdir, sc)
            expected = sleeps[sc]
            runs = a.runs_large if bl.scenario_units(sc) >= 1000 else a.runs
            if bl.scenario_units(sc) < 1000:
                for label, binary in bins:
                    boot_once(binary, sc, unitdir, expected, work)   # warm-up (page cache), not counted
            # the binaries take turns run by run, so that a slow period of the machine hits them alike
            rs = {label: [] for label, _ in bins}
            for i in range(runs):
                for label, binary in bins:
                    quiet = bl.wait_quiet(a.quiet_wait)
                    r, probs, out = boot_once(binary, sc, unitdir, expected, work)
                    r["idle_before"] = round(quiet, 2)
                    r["bin"], r["run"] = label, i
                    rs[label].append(r)
                    raw["runs"].append(r)
                    for pr in probs:
                        all_problems.append(f"{label} {sc} run {i}: {pr}")
                        if a.verbose:
                            print("   problem:", pr)
            for label, _ in bins:
                lr = rs[label]
                print(f"{label:6} {sc:12} boot→'Reached target' {bl.summary([r.get('boot_ms') for r in lr])} "
                      f"(PID 1 CPU {bl.summary([r.get('boot_cpu_ms') for r in lr])}); "
                      f"all {expected} sleep {bl.summary([r.get('all_sleep_ms') for r in lr])}; "
                      f"children at line {bl.median([r.get('children_at_line') for r in lr])}; "
                      f"SIGTERM→PID 1 gone {bl.summary([r.get('stop_pid1_ms') for r in lr])}; "
                      f"→bwrap exit {bl.summary([r.get('stop_ms') for r in lr])}; "
                      f"exit {sorted(set(r.get('exit_status') for r in lr), key=str)}; "
                      f"quiet machine before {sum(1 for r in lr if r['idle_before'] >= 0.85)}/{runs} runs", flush=True)
        for label, binary in bins:
            if scen:
                base = [baseline_once(binary, work / f"units-{scen[0].replace(':', '-')}", work) for _ in range(a.runs)]
                raw["runs"] += [dict(b, bin=label, scenario="baseline-echo") for b in base]
                print(f"{label:6} {'baseline':12} bwrap→'/bin/echo ready' line {bl.summary([b['line_ms'] for b in base])}; "
                      f"→bwrap exit {bl.summary([b['exit_ms'] for b in base])}", flush=True)
        for label, binary in bins:
            if a.mem_runs <= 0:
                break
            sc = f"simple:{a.mem_units}"
            unitdir = work / f"mem-{a.mem_units}"
            if not unitdir.exists():
                unitdir.mkdir()
                bl.write_units(unitdir, sc)
            rs = []
            for i in range(a.mem_runs):
                bl.wait_quiet(a.quiet_wait)
                r, probs, out = boot_once(binary, sc, unitdir, a.mem_units, work, settle=2.0, idle=a.idle, want_mem=True,
                                         want_smaps=a.smaps)
                r["bin"], r["run"], r["kind"] = label, i, "memory"
                rs.append(r)
                raw["runs"].append(r)
                all_problems += [f"{label} memory {sc} run {i}: {pr}" for pr in probs]
                if "mem_kb" in r:
                    m = r["mem_kb"]
                    print(f"   run {i}: Rss {m['Rss']} kB = anon {m.get('Anonymous')} + file "
                          f"{m['Rss'] - m.get('Anonymous', 0)}", flush=True)
                for name, rss, anon in r.get("smaps", []):
                    if rss:
                        print(f"     {rss:6} kB Rss {anon:6} kB anon  {name}")
            mk = lambda k: [r["mem_kb"][k] for r in rs if "mem_kb" in r]
            print(f"{label:6} {a.mem_units} units running: PID 1 Rss {bl.summary(mk('Rss'), 'kB', 0)}, "
                  f"Pss {bl.summary(mk('Pss'), 'kB', 0)} (anon {bl.median(mk('Pss_Anon'))}, file {bl.median(mk('Pss_File'))}), "
                  f"VmHWM {bl.summary(mk('VmHWM'), 'kB', 0)}; idle context switches in {a.idle:g} s: "
                  f"{[r.get('idle_ctxt') for r in rs]}", flush=True)
        raw["loadavg_end"] = bl.loadavg()
        print(f"load average at the end {bl.loadavg()}")
        if all_problems:
            print(f"problems seen ({len(all_problems)}):")
            for pr in all_problems[:40]:
                print("  ", pr)
        else:
            print("no problems seen (every run: target line, all sleeps, N Stopped lines, exit 0, no other output)")
        raw["problems"] = all_problems
    finally:
        if a.json:
            pathlib.Path(a.json).write_text(json.dumps(raw, indent=1))
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
