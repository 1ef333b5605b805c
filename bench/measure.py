#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a command RUNS times; print median/min/max wall time (ms, from fork to reap) and the median
peak RSS of the whole process (ru_maxrss of the child, MB). Usage: measure.py RUNS CMD ARGS..."""
import os
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
cmd = sys.argv[2:]
walls, rss = [], []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    walls.append((time.perf_counter() - t0) * 1000)
    rss.append(ru.ru_maxrss / 1024)
print(f"median wall {statistics.median(walls):.1f} ms (min {min(walls):.1f}, max {max(walls):.1f}), "
      f"peak RSS median {statistics.median(rss):.1f} MB, {runs} runs")
