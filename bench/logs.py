#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Log forwarding throughput and journal query latency (issue 5): whole-process figures, nothing
asserted (the script exits non-zero only when the harness itself fails).

Throughput: 8 services (Type=simple, enabled in multi-user.target) each run a tiny C writer
(compiled here with gcc) that waits for /run/bench-go, then writes N fixed 64-byte lines
"BENCHLINE wI 000000042 ..." to its stdout in 64 KiB write()s and exits. The host creates
/run/bench-go (t0) and measures:
  writers done   t0 -> every writer has exited (polled every 2 ms; the stream socket pushes back,
                 so PID 1 has read all but a socket buffer by then) -> lines/s read by PID 1;
  forwarded      t0 -> the last byte on PID 1's stdout (file: its mtime once it stops growing;
                 slow pipe: the reader's last read of a BENCHLINE) and how many BENCHLINE lines
                 arrived there -> lines/s and MB/s of payload forwarded;
  not forwarded  the sum of PID 1's "N lines were not forwarded" notes;
  journal        `journalctl -u bench-wI.service -o cat | grep -c BENCHLINE` inside the container,
                 per writer, summed: lines stored (loss = 8N - stored).
Two consumers of PID 1's stdout: (a) a regular file; (b) a slow pipe: a reader that takes 64 KiB,
then sleeps 10 ms (at most ~6.5 MB/s).

tinysd boots in the test harness's bwrap container (tests/integration/pid1.py, Docker's
capabilities); the real systemd 252 (with --systemd) in ../shared/tools/real-systemd/sdbox.sh
through bench/boot-systemd.py's helpers, its journald with a drop-in
/etc/systemd/journald.conf.d/bench-logs.conf (ForwardToConsole=yes, RateLimitIntervalSec=0 --
journald's default 10,000 lines per 30 s per service would drop nearly all --, Storage=volatile
and RuntimeMaxUse=4G so the rootfs's persistent journal, which other tests read, is not touched),
removed afterwards with the units and the writer. Its console is a pty that `script` copies to a
file: the consumer is that pty.

Query: a journal of --query-mb MB (export format generated here, imported with the hidden verb
`tinysd journal-import -D DIR`; 16 services, one line in 16 each, `bench-q07.service` among them,
plus a rare unit with one entry in 10,000) and `journalctl -D DIR -u UNIT -n 100` timed (wall,
--query-runs runs), and the same with Debian's journalctl (--real-journalctl) on the same files
when they are systemd's format; the same journalctl invocation on systemd's side runs on its
volatile journal after the throughput runs (its size is reported).

Root only. Usage: logs.py [--bin build/tinysd] [--lines N] [--runs 3] [--modes file,slowpipe]
                          [--query-mb 1024] [--query-seconds 120] [--systemd] [--json F]"""
import argparse
import importlib.util
import json
import os
import pathlib
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))
import bootlib as bl  # noqa: E402
import pid1  # noqa: E402

WRITERS = 8
LINE_LEN = 64
NOTE = re.compile(rb"(\d+) lines were not forwarded")
TARGET = re.compile(rb"Reached target .*multi-user\.target")

WRITER_C = r"""
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static int put(const char *b, size_t n) {
        while (n > 0) {
                ssize_t k = write(1, b, n);
                if (k < 0 && errno == EINTR) continue;
                if (k <= 0) return -1;
                b += k, n -= (size_t)k;
        }
        return 0;
}
int main(int argc, char **argv) {
        static char buf[65536];
        size_t len = 0;
        long n = argc > 2 ? atol(argv[1]) : 0;
        const char *go = argc > 3 ? argv[3] : "/run/bench-go";
        if (argc < 3) return 2;
        while (access(go, F_OK) != 0) usleep(500);
        for (long i = 0; i < n; i++) {
                if (len + 128 > sizeof buf) {
                        if (put(buf, len) < 0) return 1;
                        len = 0;
                }
                /* 64 bytes with the newline */
                len += (size_t)snprintf(buf + len, 128, "BENCHLINE %-3.3s %09ld abcdefghijklmnopqrstuvwxyz0123456789\n", argv[2], i);
        }
        return put(buf, len) < 0 ? 1 : 0;
}
"""


def build_writer(work):
    src = pathlib.Path(work) / "writer.c"
    src.write_text(WRITER_C)
    out = pathlib.Path(work) / "bench-writer"
    subprocess.run(["gcc", "-O2", "-static", "-o", str(out), str(src)], check=True)
    return out


def writer_unit(i, n, path):
    return (f"[Unit]\nDescription=bench log writer {i}\n\n[Service]\nType=simple\n"
            f"ExecStart={path} {n} w{i}\n\n[Install]\nWantedBy=multi-user.target\n")


class SlowReader:
    """Reads PID 1's stdout 64 KiB at a time with a sleep after each read; counts BENCHLINE lines
    and the 'not forwarded' notes; keeps the other lines."""

    def __init__(self, fd, sleep):
        self.fd, self.sleep = fd, sleep
        self.lines = self.bytes = self.dropped = 0
        self.last = None
        self.other = []
        self.booted = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        carry = b""
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf = carry + data
            cut = buf.rfind(b"\n") + 1
            part, carry = buf[:cut], buf[cut:]
            k = part.count(b"BENCHLINE")
            if k:
                self.lines += k
                self.last = time.perf_counter()
            self.bytes += len(data)
            if part.count(b"\n") > k:
                for ln in part.split(b"\n"):
                    if ln and b"BENCHLINE" not in ln:
                        self.other.append(ln)
                        m = NOTE.search(ln)
                        if m:
                            self.dropped += int(m.group(1))
                        if TARGET.search(ln):
                            self.booted.set()
            if self.sleep and self.booted.is_set():
                time.sleep(self.sleep)


class BenchContainer(pid1.Container):
    """The harness container with PID 1's stdout on a given fd (a file or a pipe) instead of the
    harness's reader thread."""

    def start_to(self, stdout_fd, timeout=10):
        self.sanitizers = False
        rfd, wfd = os.pipe()
        try:
            self.command = self.bwrap_command(wfd)
            self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=stdout_fd,
                                         stderr=subprocess.PIPE, pass_fds=(wfd,), start_new_session=True)
        finally:
            os.close(wfd)
        self._chunks.append(("stdout", None))      # nobody reads stdout here
        self._reader(self.proc.stderr.fileno(), "stderr")
        self._reader(rfd, "status")
        deadline = time.monotonic() + timeout
        while self.pid1 is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.pid1 is None:
            raise pid1.ContainerError("bwrap reported no child pid")


def journal_count(run_sh, journalctl, units):
    total = 0
    for u in units:
        out = run_sh(f"{journalctl} -u {u} -o cat | grep -c BENCHLINE").strip().splitlines()
        total += int(out[-1]) if out and out[-1].isdigit() else 0
    return total


def wait_writers_gone(pid, comm, t0, timeout):
    """perf_counter() once no child of pid has comm `comm` (polled every 2 ms)."""
    seen = False
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        n = bl.count_children(pid, comm)
        seen = seen or n > 0
        if n == 0 and (seen or time.perf_counter() - t0 > 1.0):
            return time.perf_counter()
        time.sleep(0.002)
    return None


def run_tinysd(binary, writer, n, mode, work):
    """One boot: returns a dict of figures."""
    res = {"mode": mode, "lines_per_writer": n}
    c = BenchContainer(binary, workdir=pathlib.Path(work) / "c", files={"/opt/bench/bench-writer": (writer.read_bytes(), 0o755)})
    units = [f"bench-w{i}.service" for i in range(1, WRITERS + 1)]
    for i, u in enumerate(units, 1):
        c.write_unit(u, writer_unit(i, n, "/opt/bench/bench-writer"))
        c.enable(u)
    outfile = pathlib.Path(work) / "stdout"
    reader = None
    if mode == "file":
        fd = os.open(outfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        c.start_to(fd)
        os.close(fd)
        booted = lambda: TARGET.search(outfile.read_bytes()[-65536:] if outfile.stat().st_size < 1 << 20 else b"")
    else:
        rfd, wfd = os.pipe()
        reader = SlowReader(rfd, 0.010)
        c.start_to(wfd)
        os.close(wfd)
        booted = reader.booted.is_set
    try:
        if bl.poll_until(booted, 20, 0.005) is None:
            res["error"] = "no 'Reached target multi-user.target'"
            return res
        bl.wait_quiet(max_wait=30)
        go = c.path("/run/bench-go")
        t0 = time.perf_counter()
        go.write_text("")
        t_done = wait_writers_gone(c.pid1, "bench-writer", t0, 600)
        res["writers_s"] = t_done - t0 if t_done else None
        if mode == "file":
            # the file stops growing: its last modification is the last forwarded byte
            last, stable = -1, 0
            while stable < 25:
                st = outfile.stat()
                if st.st_size == last:
                    stable += 1
                else:
                    last, stable = st.st_size, 0
                time.sleep(0.02)
            t_wall0 = time.time() - (time.perf_counter() - t0)
            res["forward_s"] = outfile.stat().st_mtime - t_wall0
            res["stdout_bytes"] = outfile.stat().st_size
            res["forwarded"] = int(subprocess.run(["grep", "-c", "BENCHLINE", str(outfile)], capture_output=True, text=True).stdout or 0)
            notes = subprocess.run(["grep", "-a", "lines were not forwarded", str(outfile)], capture_output=True).stdout
            res["not_forwarded"] = sum(int(m.group(1)) for m in NOTE.finditer(notes))
        else:
            # wait for the reader to catch up (it is slow by design): the pipe goes quiet
            prev, stable = -1, 0
            end = time.perf_counter() + 900
            while stable < 50 and time.perf_counter() < end:
                if reader.bytes == prev:
                    stable += 1
                else:
                    prev, stable = reader.bytes, 0
                time.sleep(0.02)
            res["forward_s"] = (reader.last - t0) if reader.last else None
            res["stdout_bytes"] = reader.bytes
            res["forwarded"] = reader.lines
            res["not_forwarded"] = reader.dropped
        jctl = str(pathlib.Path(binary).with_name("journalctl"))
        tq = time.perf_counter()
        res["journal"] = journal_count(lambda s: c.exec(["/bin/sh", "-c", s], timeout=600).stdout, jctl, units)
        res["journal_count_s"] = time.perf_counter() - tq
        res["journal_bytes"] = sum(f.stat().st_size for f in c.path("/var/log/journal").rglob("*") if f.is_file())
        res["pid1_cpu_s"] = cpu_seconds(c.pid1)
    finally:
        c.close()
        if reader:
            reader.t.join(5)
        c.cleanup()
    return res


def cpu_seconds(pid):
    f = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def figures(rs, total):
    out = {}
    for key in ("writers_s", "forward_s"):
        xs = [r.get(key) for r in rs if r.get(key)]
        out[key.replace("_s", "_lines_per_s")] = [total / x for x in xs]
    out["forward_lines_per_s"] = [r["forwarded"] / r["forward_s"] for r in rs if r.get("forward_s")]
    out["forward_mb_per_s"] = [r["forwarded"] * LINE_LEN / r["forward_s"] / 1e6 for r in rs if r.get("forward_s")]
    return out


def report(label, rs, total):
    f = figures(rs, total)
    print(f"{label}: {len(rs)} runs of {WRITERS} writers x {total // WRITERS} lines ({total * LINE_LEN / 1e6:.0f} MB)")
    print(f"  read by PID 1 (writers done)  {bl.summary(f['writers_lines_per_s'], 'lines/s', 0)}")
    print(f"  forwarded to stdout           {bl.summary(f['forward_lines_per_s'], 'lines/s', 0)}; "
          f"{bl.summary(f['forward_mb_per_s'], 'MB/s', 1)} of payload")
    print(f"  lines forwarded               {[r.get('forwarded') for r in rs]} of {total}")
    print(f"  'not forwarded' notes sum     {[r.get('not_forwarded') for r in rs]}")
    print(f"  journal (-u, grep -c)         {[r.get('journal') for r in rs]} of {total}; "
          f"loss {[total - r['journal'] if r.get('journal') is not None else None for r in rs]}")
    if any("pid1_cpu_s" in r for r in rs):
        print(f"  PID 1 CPU time (whole boot)   {[round(r['pid1_cpu_s'], 2) for r in rs if 'pid1_cpu_s' in r]} s")
    for r in rs:
        if "error" in r:
            print(f"  error: {r['error']}")


# ------------------------------------------------------------------ query on a large journal
QUERY_UNIT = "bench-q07.service"
RARE_UNIT = "bench-rare.service"


def export_chunk(start, count, boot, t0):
    parts = []
    for i in range(start, start + count):
        unit = RARE_UNIT if i % 10000 == 9999 else f"bench-q{i % 16:02d}.service"
        parts.append(f"__REALTIME_TIMESTAMP={t0 + i}\n__MONOTONIC_TIMESTAMP={i}\n_BOOT_ID={boot}\n"
                     f"_TRANSPORT=stdout\nPRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=bench\n_PID={1000 + i % 16}\n"
                     f"_UID=0\n_GID=0\n_COMM=bench\n_EXE=/usr/bin/bench\n_SYSTEMD_UNIT={unit}\n"
                     f"_HOSTNAME=benchhost\nMESSAGE=query line {i:010d} abcdefghijklmnopqrstuvwxyz0123456789\n\n")
    return "".join(parts).encode()


def make_journal(binary, d, target_mb, max_s):
    boot = "0123456789abcdef0123456789abcdef"
    t0 = int(time.time() * 1e6) - 10**11
    p = subprocess.Popen([binary, "journal-import", "-D", str(d)], stdin=subprocess.PIPE)
    start, chunk, t = 0, 20000, time.perf_counter()
    size = 0
    try:
        while size < target_mb * 1e6 and time.perf_counter() - t < max_s:
            p.stdin.write(export_chunk(start, chunk, boot, t0))
            start += chunk
            if start % 200000 == 0:
                size = sum(f.stat().st_size for f in pathlib.Path(d).rglob("*") if f.is_file())
    finally:
        p.stdin.close()
        p.wait()
    size = sum(f.stat().st_size for f in pathlib.Path(d).rglob("*") if f.is_file())
    return start, size, time.perf_counter() - t


def time_cmd(argv, runs, cpu=None):
    """Wall ms per run; CPU ms (user + system of the command) appended to `cpu` when given: on a
    loaded machine the wall time is mostly waiting for a CPU."""
    xs, out = [], ""
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(argv, capture_output=True, text=True)
        xs.append((time.perf_counter() - t) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if cpu is not None:
            cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
        out = r.stdout
    return xs, out


def bench_query(binary, a):
    jctl = str(pathlib.Path(binary).with_name("journalctl"))
    with tempfile.TemporaryDirectory(prefix="tinysd-bench-journal-", dir="/var/tmp") as d:
        n, size, secs = make_journal(binary, d, a.query_mb, a.query_seconds)
        print(f"tinysd journal: {n} entries, {size / 1e6:.0f} MB on disk (import took {secs:.0f} s; target {a.query_mb} MB)")
        res = {"entries": n, "bytes": size}
        subprocess.run(["sync"])
        # Debian's journalctl reads the same files when they are systemd's format (not the former .tjournal)
        readers = [("tinysd", jctl)]
        if os.access(a.real_journalctl, os.X_OK) and any(pathlib.Path(d).rglob("*.journal")):
            readers.append(("debian", a.real_journalctl))
        for name, j in readers:
            for what, args in ((QUERY_UNIT, ["-u", QUERY_UNIT]), (RARE_UNIT, ["-u", RARE_UNIT]), ("all", [])):
                cpu = []
                xs, out = time_cmd([j, "-D", d, *args, "-n", "100", "--no-pager"], a.query_runs, cpu)
                res[f"{name}:{what}"], res[f"{name}:{what}:cpu"] = xs, cpu
                print(f"  {name} journalctl -D DIR {' '.join(args)} -n 100: {bl.summary(xs, 'ms', 1)} wall, "
                      f"{bl.summary(cpu, 'ms', 1)} CPU ({len(out.splitlines())} lines out)")
    return res


# ------------------------------------------------------------------ the real systemd 252
def bench_systemd(writer, n, runs, query_runs):
    spec = importlib.util.spec_from_file_location("boot_systemd", HERE / "boot-systemd.py")
    bs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bs)
    if not bs.TOOLS.is_dir():
        print(f"systemd side skipped: {bs.TOOLS} is absent", file=sys.stderr)
        return None
    bs.prepare_rootfs()
    bs.set_units("simple:0")
    etc = bs.ROOTFS / "etc/systemd/system"
    conf = bs.ROOTFS / "etc/systemd/journald.conf.d/bench-logs.conf"
    wbin = bs.ROOTFS / "usr/local/bin/bench-writer"
    units = [f"bench-w{i}.service" for i in range(1, WRITERS + 1)]
    created_confdir = not conf.parent.exists()
    results, query = [], {}
    try:
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text("[Journal]\nForwardToConsole=yes\nRateLimitIntervalSec=0\nStorage=volatile\nRuntimeMaxUse=4G\n")
        wbin.write_bytes(writer.read_bytes())
        wbin.chmod(0o755)
        for i, u in enumerate(units, 1):
            (etc / u).write_text(writer_unit(i, n, "/usr/local/bin/bench-writer"))
        wants = etc / "multi-user.target.wants"
        wants.mkdir(exist_ok=True)
        for u in units:
            os.symlink(f"../{u}", wants / u)
        for i in range(runs):
            name = f"logs{i}"
            res = {"mode": "console", "lines_per_writer": n}
            try:
                pid = int(bs.sdbox("start", name, capture=True).split()[-1])
                bs.sdbox("exec", name, "timeout", "60", "systemctl", "is-system-running", "--wait", check=False, capture=True)
                bl.wait_quiet(max_wait=30)
                console = bs.WORK / "runs" / name / "console.log"
                t0 = time.perf_counter()
                pathlib.Path(f"/proc/{pid}/root/run/bench-go").write_text("")
                t_done = wait_writers_gone(pid, "bench-writer", t0, 900)
                res["writers_s"] = t_done - t0 if t_done else None
                last, stable = -1, 0
                while stable < 50:
                    sz = console.stat().st_size
                    stable = stable + 1 if sz == last else 0
                    last = sz
                    time.sleep(0.02)
                t_wall0 = time.time() - (time.perf_counter() - t0)
                res["forward_s"] = console.stat().st_mtime - t_wall0
                res["forwarded"] = int(subprocess.run(["grep", "-c", "BENCHLINE", str(console)], capture_output=True, text=True).stdout or 0)
                res["not_forwarded"] = None
                res["journal"] = journal_count(
                    lambda s: bs.sdbox("exec", name, "/bin/sh", "-c", s, capture=True, check=False), "journalctl", units)
                res["journal_bytes"] = int(bs.sdbox("exec", name, "/bin/sh", "-c", "du -sb /run/log/journal | cut -f1",
                                                    capture=True, check=False).strip() or 0)
                jpid = next((c for c in bl.children(pid) if bl.comm(c) == "systemd-journal"), None)
                res["journald_cpu_s"] = cpu_seconds(jpid) if jpid else None
                if i == runs - 1:
                    for unit in ("bench-w3.service",):
                        xs = []
                        for _ in range(query_runs):
                            out = bs.sdbox("exec", name, "/bin/sh", "-c",
                                           f"t0=$(date +%s%N); journalctl -u {unit} -n 100 --no-pager >/dev/null; "
                                           f"t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 ))", capture=True, check=False)
                            xs.append(int(out.strip().splitlines()[-1]) / 1000)
                        query[unit] = xs
                    query["journal_bytes"] = res["journal_bytes"]
            finally:
                bs.sdbox("stop", name, "SIGRTMIN+3", "20", check=False)
                bs.sdbox("cleanup", name, check=False)
            results.append(res)
    finally:
        for u in units:
            (etc / u).unlink(missing_ok=True)
            (etc / "multi-user.target.wants" / u).unlink(missing_ok=True)
        wbin.unlink(missing_ok=True)
        conf.unlink(missing_ok=True)
        if created_confdir:
            try:
                conf.parent.rmdir()
            except OSError:
                pass
    return results, query


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(HERE.parent / "build" / "tinysd"))
    ap.add_argument("--lines", type=int, default=250000, help="lines per writer")
    ap.add_argument("--slow-lines", type=int, default=50000, help="lines per writer with the slow pipe")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--modes", default="file,slowpipe")
    ap.add_argument("--query-mb", type=int, default=1024)
    ap.add_argument("--query-seconds", type=float, default=120)
    ap.add_argument("--query-runs", type=int, default=5)
    ap.add_argument("--no-query", action="store_true")
    ap.add_argument("--real-journalctl", default="/usr/bin/journalctl",
                    help="Debian's journalctl, also timed on the query journal when it is in systemd's format")
    ap.add_argument("--systemd", action="store_true", help="also the real systemd 252's journald (ForwardToConsole=yes)")
    ap.add_argument("--systemd-lines", type=int, default=None, help="lines per writer on systemd's side (default --lines)")
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("logs.py: root required (namespaces)")
    binary = os.path.abspath(a.bin)
    out = {"loadavg_start": bl.loadavg()}
    print(f"log benchmark, tinysd {binary}; load average {bl.loadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tinysd-bench-logs-") as work:
        writer = build_writer(work)
        for mode in a.modes.split(",") if a.modes else []:
            n = a.lines if mode == "file" else a.slow_lines
            rs = []
            for i in range(a.runs):
                with tempfile.TemporaryDirectory(prefix=f"run-{mode}-{i}-", dir=work) as rw:
                    rs.append(run_tinysd(binary, writer, n, mode, rw))
                print(f"  run {i}: {json.dumps(rs[-1])}", flush=True)
            out[mode] = rs
            report(f"tinysd, stdout to {'a file' if mode == 'file' else 'a slow pipe (64 KiB, then 10 ms sleep)'}",
                   rs, n * WRITERS)
        if not a.no_query:
            out["query"] = bench_query(binary, a)
        if a.systemd:
            n = a.systemd_lines or a.lines
            r = bench_systemd(writer, n, a.runs, a.query_runs)
            if r:
                rs, q = r
                for x in rs:
                    print(f"  run: {json.dumps(x)}", flush=True)
                report("systemd 252 journald, ForwardToConsole=yes (console: a pty)", rs, n * WRITERS)
                print(f"  journald CPU time             {[round(x['journald_cpu_s'], 2) for x in rs if x.get('journald_cpu_s')]} s")
                for k, v in q.items():
                    if k != "journal_bytes":
                        print(f"  journalctl -u {k} -n 100 (journal {q['journal_bytes'] / 1e6:.0f} MB in /run): {bl.summary(v, 'ms', 1)}")
                out["systemd"], out["systemd_query"] = rs, q
    out["loadavg_end"] = bl.loadavg()
    print(f"load average at the end {bl.loadavg()}")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
