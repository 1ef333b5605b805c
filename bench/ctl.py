#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemctl latency: Debian's /usr/bin/systemctl 252 against tinysd as PID 1 and, side by side,
against the real systemd 252 as PID 1 (when its sandbox is available). Nothing is asserted.

Both PID 1s boot the bench12 units (bench/bootlib.py). Inside each container a shell loop runs
the systemctl commands below; the same client binary and the same loop on both sides, so process
start-up of systemctl is included equally. Commands:
  is-active   systemctl is-active bench-s01.service            (one Properties.Get)
  show        systemctl show -p ActiveState,MainPID bench-s01.service   (GetAll)
  status      systemctl status --no-pager bench-s01.service    (GetAll + GetUnitProcesses)
  list-units  systemctl list-units --no-pager                  (ListUnitsByPatterns)
  stop, start systemctl stop/start bench-s01.service            (job + JobRemoved)
  restart     systemctl restart bench-s01.service              (job + JobRemoved; includes
              stopping and starting the sleep; a drop-in StartLimitIntervalSec=0 on both sides
              so that the loop does not hit the start limit)
Each command is timed on its own by a small static C timer (fork, exec, wait; CLOCK_MONOTONIC),
N times per boot (default 100); the median is reported. Against tinysd both clients run: Debian's /usr/bin/systemctl and tinysd's
own (the binary under test called as systemctl).
tinysd runs in the test harness's bwrap container (tests/integration/pid1.py); systemd in
../shared/tools/real-systemd/sdbox.sh (CG=v2ns: it needs a writable cgroup tree), through the
helpers of bench/boot-systemd.py. Usage: ctl.py [--bin PATH] [--runs N] [--no-systemd] [--json F]"""
import argparse
import importlib.util
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))
import bootlib as bl  # noqa: E402

NOLIMIT = ("bench-s01.service.d/nolimit.conf", "[Unit]\nStartLimitIntervalSec=0\n")

# each is timed on its own, N times (median reported); stop/start alternate so both do work
COMMANDS = {
    "is-active": "is-active bench-s01.service",
    "show": "show -p ActiveState,MainPID bench-s01.service",
    "status": "status --no-pager bench-s01.service",
    "list-units": "list-units --no-pager",
    "stop": "stop bench-s01.service",
    "start": "start bench-s01.service",
    "restart": "restart bench-s01.service",
}

# The timer: fork + execv + waitpid around each run, CLOCK_MONOTONIC, stdout/stderr to /dev/null;
# prints one line of nanoseconds per run (-1 when the command failed). Static, so the same binary
# runs in tinysd's container (host root) and in systemd's debootstrap'ed rootfs.
TIMER_C = r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
int main(int argc, char **argv) {
        if (argc < 4) return 2;
        int n = atoi(argv[1]), okcodes = atoi(argv[2]);
        for (int i = 0; i < n; i++) {
                long long a = now();
                pid_t p = fork();
                if (p == 0) {
                        int fd = open("/dev/null", O_WRONLY);
                        dup2(fd, 1); dup2(fd, 2);
                        execv(argv[3], argv + 3);
                        _exit(127);
                }
                int st;
                waitpid(p, &st, 0);
                long long b = now();
                int code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
                printf("%lld\n", code == 0 || code == okcodes ? b - a : -1);
        }
        return 0;
}
"""


def build_timer(dest):
    src = pathlib.Path(tempfile.mkdtemp(prefix="ctl-timer-")) / "t.c"
    src.write_text(TIMER_C)
    subprocess.run(["gcc", "-O2", "-static", "-o", str(dest), str(src)], check=True)
    return dest


def measure(run, timer, ctl, n):
    """run(argv) -> stdout, inside the container; ctl: the systemctl to time."""
    out = {}
    for name, args in COMMANDS.items():
        ok = 3 if name in ("is-active", "status") else 0
        lines = run([timer, str(n), str(ok), ctl, *args.split()]).split()
        xs = [int(x) / 1e6 for x in lines if x.lstrip("-").isdigit()]
        out[name] = statistics.median(xs) if xs and min(xs) >= 0 else None
    return out


def bench_tinysd(binary, runs, n):
    from pid1 import MULTI_USER, Container
    timer = str(build_timer(HERE.parent / "build" / "bench-ctl-timer"))   # visible in the container
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
                run = lambda argv: c.exec(argv, timeout=600).stdout  # noqa: E731
                ours = str(pathlib.Path(os.path.abspath(binary)).with_name("systemctl"))
                results.append({"debian": measure(run, timer, "/usr/bin/systemctl", n), "tinysd": measure(run, timer, ours, n)})
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
    timer_rel = "usr/local/bin/bench-ctl-timer"
    build_timer(bs.ROOTFS / timer_rel)
    results = []
    for i in range(runs):
        name = f"ctl{i}"
        try:
            bs.sdbox("start", name, capture=True)
            bs.sdbox("exec", name, "timeout", "60", "systemctl", "is-system-running", "--wait", check=False, capture=True)
            time.sleep(0.5)
            results.append({"debian": measure(lambda argv: bs.sdbox("exec", name, *argv, capture=True, check=False),
                                              "/" + timer_rel, "/usr/bin/systemctl", n)})
        finally:
            bs.sdbox("stop", name, "SIGRTMIN+3", "20", check=False)
            bs.sdbox("cleanup", name, check=False)
    dropin.unlink(missing_ok=True)
    (bs.ROOTFS / timer_rel).unlink(missing_ok=True)
    return results


def summarize(label, results, client):
    print(f"{label}, client {client}: ms per command (median of every sample, {len(results)} boots)")
    row = {}
    for name in COMMANDS:
        xs = [r[client][name] for r in results if r.get(client, {}).get(name) is not None]
        row[name] = statistics.median(xs) if xs else None
        print(f"  {name:11s} {row[name]:8.2f}" if xs else f"  {name:11s}   failed")
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(HERE.parent / "build" / "tinysd"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--no-systemd", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("root required (namespaces)")
    t = bench_tinysd(a.bin, a.runs, a.iterations)
    report = {"tinysd+debian": summarize("tinysd PID 1", t, "debian"), "tinysd+tinysd": summarize("tinysd PID 1", t, "tinysd")}
    if not a.no_systemd:
        sd = bench_systemd(a.runs, a.iterations)
        if sd:
            report["systemd+debian"] = summarize("systemd 252 PID 1", sd, "debian")
            print("ratio, Debian's systemctl: against tinysd / against systemd:")
            for k in COMMANDS:
                x, y = report["tinysd+debian"].get(k), report["systemd+debian"].get(k)
                if x and y:
                    print(f"  {k:11s} {x / y:6.2f}")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
