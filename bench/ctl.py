#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemctl latency: Debian's /usr/bin/systemctl 252 against tinysd as PID 1 and, side by side,
against the real systemd 252 as PID 1 (when its sandbox is available). Nothing is asserted.

Both PID 1s boot the bench12 units (bench/bootlib.py). Inside each container a shell loop runs
one systemctl command N times and times the loop with `date +%s%N`; the same client binary and
the same loop on both sides, so process start-up of systemctl is included equally. Commands:
  is-active   systemctl is-active bench-s01.service            (one Properties.Get)
  show        systemctl show -p ActiveState,MainPID bench-s01.service   (GetAll)
  status      systemctl status --no-pager bench-s01.service    (GetAll + GetUnitProcesses)
  list-units  systemctl list-units --no-pager                  (ListUnitsByPatterns)
  restart     systemctl restart bench-s01.service              (job + JobRemoved; includes
              stopping and starting the sleep; a drop-in StartLimitIntervalSec=0 on both sides
              so that the loop does not hit the start limit)
tinysd runs in the test harness's bwrap container (tests/integration/pid1.py); systemd in
../shared/tools/real-systemd/sdbox.sh (CG=v2ns: it needs a writable cgroup tree), through the
helpers of bench/boot-systemd.py. Usage: ctl.py [--bin PATH] [--runs N] [--no-systemd] [--json F]"""
import argparse
import importlib.util
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))
import bootlib as bl  # noqa: E402

NOLIMIT = ("bench-s01.service.d/nolimit.conf", "[Unit]\nStartLimitIntervalSec=0\n")

COMMANDS = {
    "is-active": "systemctl is-active bench-s01.service",
    "show": "systemctl show -p ActiveState,MainPID bench-s01.service",
    "status": "systemctl status --no-pager bench-s01.service",
    "list-units": "systemctl list-units --no-pager",
    "restart": "systemctl restart bench-s01.service",
}


def loop_script(cmd, n):
    return (f"t0=$(date +%s%N); i=0; while [ $i -lt {n} ]; do {cmd} >/dev/null 2>&1 || echo FAIL; i=$((i+1)); done; "
            f"t1=$(date +%s%N); echo $(( (t1 - t0) / {n} ))")


def measure(run_sh, n):
    out = {}
    for name, cmd in COMMANDS.items():
        text = run_sh(loop_script(cmd, n)).strip().splitlines()
        if not text or "FAIL" in text:
            out[name] = None
            continue
        out[name] = int(text[-1]) / 1e6   # ms per command
    return out


def bench_tinysd(binary, runs, n):
    from pid1 import MULTI_USER, Container
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="tinysd-ctl-") as work:
            units = pathlib.Path(work) / "units"
            bl.write_units(units, "bench12")
            (units / NOLIMIT[0]).parent.mkdir(parents=True, exist_ok=True)
            (units / NOLIMIT[0]).write_text(NOLIMIT[1])
            c = Container(binary, workdir=pathlib.Path(work) / "c")
            for p in units.rglob("*"):
                rel = p.relative_to(units)
                if p.is_symlink():
                    dst = c.path("/etc/systemd/system") / rel
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    os.symlink(os.readlink(p), dst)
                elif p.is_file():
                    c.write_unit(str(rel), p.read_text())
            c.start()
            try:
                c.wait_for(MULTI_USER, timeout=20)
                time.sleep(0.5)
                results.append(measure(lambda s: c.exec(["/bin/sh", "-c", s], timeout=300).stdout, n))
            finally:
                c.close()
                c.cleanup()
    return results


def bench_systemd(runs, n):
    spec = importlib.util.spec_from_file_location("boot_systemd", HERE / "boot-systemd.py")
    bs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bs)
    if not bs.TOOLS.is_dir():
        print(f"systemd side skipped: {bs.TOOLS} is absent", file=sys.stderr)
        return []
    bs.prepare_rootfs()
    bs.set_units("bench12")
    dropin = bs.ROOTFS / "etc/systemd/system" / NOLIMIT[0]
    dropin.parent.mkdir(parents=True, exist_ok=True)
    dropin.write_text(NOLIMIT[1])
    results = []
    for i in range(runs):
        name = f"ctl{i}"
        try:
            bs.sdbox("start", name, capture=True)
            bs.sdbox("exec", name, "timeout", "60", "systemctl", "is-system-running", "--wait", check=False, capture=True)
            time.sleep(0.5)
            results.append(measure(lambda s: bs.sdbox("exec", name, "/bin/sh", "-c", s, capture=True, check=False), n))
        finally:
            bs.sdbox("stop", name, "SIGRTMIN+3", "20", check=False)
            bs.sdbox("cleanup", name, check=False)
    dropin.unlink(missing_ok=True)
    return results


def summarize(label, results):
    print(f"{label}: ms per command (median of {len(results)} runs)")
    row = {}
    for name in COMMANDS:
        xs = [r[name] for r in results if r.get(name) is not None]
        row[name] = statistics.median(xs) if xs else None
        print(f"  {name:11s} {row[name]:8.2f}" if xs else f"  {name:11s}   failed")
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(HERE.parent / "build" / "tinysd"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--no-systemd", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("root required (namespaces)")
    report = {"tinysd": summarize("tinysd", bench_tinysd(a.bin, a.runs, a.iterations))}
    if not a.no_systemd:
        sd = bench_systemd(a.runs, a.iterations)
        if sd:
            report["systemd"] = summarize("systemd 252", sd)
            print("ratio tinysd/systemd:")
            for k in COMMANDS:
                t, s = report["tinysd"].get(k), report["systemd"].get(k)
                if t and s:
                    print(f"  {k:11s} {t / s:6.2f}")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
