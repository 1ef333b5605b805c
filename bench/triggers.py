#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Timers and sockets at scale (issue 6): whole-process figures, nothing asserted (non-zero exit
only when the harness fails).

tinysd boots as PID 1 of the test harness's bwrap container (tests/integration/pid1.py, Docker's
capabilities, its own network namespace with lo) with one of these unit sets:
  baseline  no units of ours;
  timers    --units timers bench-tNNNN.timer -> bench-tNNNN.service (oneshot /bin/true), enabled in
            timers.target.wants; odd ones OnCalendar=2099-MM-DD hh:mm:00 (all distinct, far out),
            even ones OnActiveSec=(1000 + i) min: no deadline within the run;
  sockets   --units socket units bench-sNNNN.socket ListenStream=127.0.0.1:(20000 + i), Accept=no,
            enabled in sockets.target.wants; their services (bench-sNNNN.service) run a tiny C
            program (compiled here) that accept()s once on fd 3, notes CLOCK_MONOTONIC right after
            accept() returns in /run/accepted.NNNN, answers "ok\\n" and exits;
  both      the two sets together.
Figures, 2 s after "Reached target multi-user.target":
  memory    Rss, Pss and Anonymous of PID 1 (smaps_rollup; Pss moves with whoever else maps
            libc, Anonymous does not); per unit = (set - baseline median) / units
            (a timer or socket counts as one unit; its service is loaded too);
  idle      context switches of PID 1 (all threads) over --idle seconds (no deadline due);
  activate  (sets with sockets) a client run inside the container takes CLOCK_MONOTONIC, then
            connect()s to --connects different ports in turn (each socket's first connection):
            first connect() -> accept() returned in the activated service, and connect() -> the
            answer read (round trip).
Root only. Usage: triggers.py [--bin build/tinysd] [--units 1000] [--runs 3] [--idle 10]
                              [--connects 5] [--sets baseline,timers,sockets,both] [--json F]"""
import argparse
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
from pid1 import MULTI_USER, Container  # noqa: E402

PORT0 = 20000

TOOL_C = r"""
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static long long mono_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
int main(int argc, char **argv) {
        if (argc == 3 && strcmp(argv[1], "serve") == 0) {       /* serve FILE: fd 3 from the socket unit */
                int c = accept(3, NULL, NULL);
                long long t = mono_ns();
                if (c < 0) return 1;
                FILE *f = fopen(argv[2], "w");
                if (f) fprintf(f, "%lld\n", t), fclose(f);
                if (write(c, "ok\n", 3) != 3) return 1;
                close(c);
                return 0;
        }
        if (argc == 3 && strcmp(argv[1], "connect") == 0) {     /* connect PORT: prints t_connect t_answer */
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
                inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
                int s = socket(AF_INET, SOCK_STREAM, 0);
                long long t0 = mono_ns();
                if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) return perror("connect"), 1;
                char b[8];
                if (read(s, b, sizeof b) <= 0) return 1;
                printf("%lld %lld\n", t0, mono_ns());
                return 0;
        }
        return 2;
}
"""


def build_tool(work):
    src = pathlib.Path(work) / "trig.c"
    src.write_text(TOOL_C)
    out = pathlib.Path(work) / "bench-trig"
    subprocess.run(["gcc", "-O2", "-static", "-o", str(out), str(src)], check=True)
    return out


def unit_files(kind, n, tool):
    """{relative path: text} and the enable links {name: target}."""
    files, enable = {}, {}
    w = 4
    if kind in ("timers", "both"):
        for i in range(1, n + 1):
            name = f"bench-t{i:0{w}d}"
            if i % 2:
                mm, dd, hh, mi = 1 + i % 12, 1 + i % 28, i % 24, (i // 24) % 60
                when = f"OnCalendar=2099-{mm:02d}-{dd:02d} {hh:02d}:{mi:02d}:00"
            else:
                when = f"OnActiveSec={1000 + i}min"
            files[f"{name}.timer"] = f"[Unit]\nDescription=bench timer {i}\n\n[Timer]\n{when}\n\n[Install]\nWantedBy=timers.target\n"
            files[f"{name}.service"] = f"[Unit]\nDescription=bench timer job {i}\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n"
            enable[f"{name}.timer"] = "timers.target"
    if kind in ("sockets", "both"):
        for i in range(1, n + 1):
            name = f"bench-s{i:0{w}d}"
            files[f"{name}.socket"] = (f"[Unit]\nDescription=bench socket {i}\n\n[Socket]\nListenStream=127.0.0.1:{PORT0 + i}\n"
                                       f"Accept=no\n\n[Install]\nWantedBy=sockets.target\n")
            files[f"{name}.service"] = (f"[Unit]\nDescription=bench socket service {i}\n\n[Service]\nType=simple\n"
                                        f"ExecStart={tool} serve /run/accepted.{i:0{w}d}\n")
            enable[f"{name}.socket"] = "sockets.target"
    return files, enable


def boot(binary, kind, n, tool_bytes, a, work):
    res = {"set": kind}
    tool = "/opt/bench/bench-trig"
    files, enable = unit_files(kind, n, tool) if kind != "baseline" else ({}, {})
    c = Container(binary, workdir=pathlib.Path(work) / "c", files={tool: (tool_bytes, 0o755)})
    for name, text in files.items():
        c.write_unit(name, text)
    for name, target in enable.items():
        c.enable(name, target)
    t = time.perf_counter()
    c.start(timeout=30)
    try:
        c.wait_for(MULTI_USER, timeout=300)
        res["boot_s"] = time.perf_counter() - t
        time.sleep(2)
        bl.wait_quiet(max_wait=30)
        res["mem_kb"] = bl.memory(c.pid1)
        res["idle_ctxt"] = bl.idle_wakeups(c.pid1, a.idle)
        res["idle_s"] = a.idle
        if kind in ("sockets", "both"):
            lat, rtt = [], []
            for k in range(a.connects):
                i = 1 + k * (n // max(1, a.connects))
                p = c.exec([tool, "connect", str(PORT0 + i)], timeout=30)
                if p.returncode != 0:
                    res.setdefault("errors", []).append(f"connect {PORT0 + i}: {p.stderr.strip()}")
                    continue
                t0, t1 = (int(x) for x in p.stdout.split())
                acc = c.wait_for_path(f"/run/accepted.{i:04d}", timeout=10)
                ta = int(acc.read_text().strip() or 0) if acc.read_text().strip() else None
                lat.append((ta - t0) / 1e6 if ta else None)
                rtt.append((t1 - t0) / 1e6)
            res["connect_accept_ms"], res["connect_answer_ms"] = lat, rtt
        fails = [ln for ln in c.lines() if "FAILED" in ln or "Failed" in ln]
        if fails:
            res["failed_lines"] = fails[:5]
    finally:
        c.close()
        c.cleanup()
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(HERE.parent / "build" / "tinysd"))
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--connects", type=int, default=5)
    ap.add_argument("--sets", default="baseline,timers,sockets,both")
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("triggers.py: root required (namespaces)")
    binary = os.path.abspath(a.bin)
    out = {"loadavg_start": bl.loadavg(), "runs": []}
    print(f"trigger benchmark, tinysd {binary}, {a.units} units per kind; load average {bl.loadavg()}", flush=True)
    by = {}
    with tempfile.TemporaryDirectory(prefix="tinysd-bench-trig-") as work:
        tool = build_tool(work).read_bytes()
        for kind in a.sets.split(","):
            for i in range(a.runs):
                with tempfile.TemporaryDirectory(prefix=f"{kind}-{i}-", dir=work) as rw:
                    try:
                        r = boot(binary, kind, a.units, tool, a, rw)
                    except Exception as e:     # a harness failure of one boot: reported, next one
                        r = {"set": kind, "error": repr(e)[:2000]}
                r["run"] = i
                by.setdefault(kind, []).append(r)
                out["runs"].append(r)
                print(f"  {kind} run {i}: {json.dumps(r)}", flush=True)
    base = {k: bl.median([r["mem_kb"][k] for r in by.get("baseline", []) if "mem_kb" in r]) for k in ("Rss", "Pss", "Anonymous")}
    for kind, rs in by.items():
        ok = [r for r in rs if "mem_kb" in r]
        n = {"baseline": 0, "timers": a.units, "sockets": a.units, "both": 2 * a.units}[kind]
        line = (f"{kind:8s} boot {bl.summary([r.get('boot_s') for r in ok], 's', 2)}; "
                f"Rss {bl.summary([r['mem_kb']['Rss'] for r in ok], 'kB', 0)}; Pss {bl.summary([r['mem_kb']['Pss'] for r in ok], 'kB', 0)}; "
                f"idle ctxt switches in {a.idle:g} s {[r.get('idle_ctxt') for r in ok]}")
        if n and base["Rss"] is not None:
            line += (f"; per unit Rss {bl.summary([(r['mem_kb']['Rss'] - base['Rss']) / n * 1024 for r in ok], 'B', 0)}, "
                     f"Pss {bl.summary([(r['mem_kb']['Pss'] - base['Pss']) / n * 1024 for r in ok], 'B', 0)}, "
                     f"Anonymous {bl.summary([(r['mem_kb']['Anonymous'] - base['Anonymous']) / n * 1024 for r in ok], 'B', 0)}")
        lat = [x for r in ok for x in r.get("connect_accept_ms", []) if x is not None]
        if lat:
            line += (f"; first connect()->accept() {bl.summary(lat, 'ms', 2)}, "
                     f"connect()->answer {bl.summary([x for r in ok for x in r.get('connect_answer_ms', [])], 'ms', 2)}")
        print(line)
        for r in rs:
            for k in ("error", "errors", "failed_lines"):
                if k in r:
                    print(f"   run {r['run']}: {k}: {r[k]}")
    out["loadavg_end"] = bl.loadavg()
    print(f"load average at the end {bl.loadavg()}")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
