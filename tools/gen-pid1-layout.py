#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate tools/pid1-layout.ld: which code and read-only data PID 1 uses, placed together.

The static binary holds every front end (systemctl, journalctl, tmpfiles, verify ...), but PID 1
runs only part of it. The kernel maps a file page into a process on first touch and, with it, the
cached pages around it (fault-around, 64 KiB), so code PID 1 runs that sits among code it never
runs makes it resident in PID 1 anyway. `make static` compiles with -ffunction-sections
-fdata-sections (one input section per function and per object, string literals per function)
and links with this script, which puts the sections PID 1 touched in a training run first: the
code in .text.pid1 (before .text), the read-only data in .rodata.pid1 (before .rodata). A section
not listed (a new function, a renamed one) lands in .text/.rodata as usual: the list only orders,
it never decides what is linked, so a stale list costs memory, never correctness.

The training run boots build-static/tinysd as PID 1 in bubblewrap (as bench/boot.py does) under
valgrind's lackey, which reports every instruction and data address: a few simple services, a
Type=notify and a oneshot service (bench12), a service that logs through stdout, stderr, syslog
and the native protocol, a timer; then `systemctl` status/list-units/show/stop/start/restart over
D-Bus, and SIGTERM (the shutdown). Touched addresses are mapped to input sections through the
link map (build-static/tinysd.map, written by `make static`). The read-only data a touched
function refers to (relocations of the objects) is kept with it: the kernel's reads (a signal
mask given to a system call) are not in the trace, and equal strings are merged differently in
another layout. What the boot touched (until every service runs) comes first, what only the
systemctl calls and the shutdown touched next, so that an idle PID 1 maps the first part.
Needs root, bwrap, valgrind. Usage:

  make static && sudo python3 tools/gen-pid1-layout.py [--bin build-static/tinysd] [--out tools/pid1-layout.ld]
  rm build-static/tinysd && make static   # relink with the new list

Run it again after larger changes to PID 1's code paths (a second run after relinking converges:
the sections are the same whatever the order)."""
import argparse
import bisect
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

HERE = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))
import bootlib as bl  # noqa: E402
import boot  # noqa: E402

EXTRA_UNITS = {
    "train-log.service": "[Unit]\nDescription=train logging\n\n[Service]\nType=simple\n"
                         "ExecStart=/bin/sh -c 'echo to-stdout; echo to-stderr >&2; logger -t train to-syslog; "
                         "echo to-native | systemd-cat -t train; exec sleep infinity'\n\n"
                         "[Install]\nWantedBy=multi-user.target\n",
    "train.timer": "[Unit]\nDescription=train timer\n\n[Timer]\nOnActiveSec=1h\n\n[Install]\nWantedBy=timers.target\n",
    "train.service": "[Unit]\nDescription=train timer's service\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n",
}
CTL_COMMANDS = [["status", "bench-s01.service"], ["list-units"], ["show", "bench-s02.service"],
                ["is-active", "multi-user.target"], ["stop", "bench-s01.service"],
                ["start", "bench-s01.service"], ["restart", "bench-s02.service"], ["list-timers"]]


def parse_map(path):
    """Input sections of the link map: sorted list of (address, size, pattern-file, section)."""
    out, pending, started = [], None, False
    rx_one = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+) (\S.*)$")
    rx_cont = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+) (\S.*)$")
    for line in pathlib.Path(path).read_text().splitlines():
        if not started:
            started = line.startswith("Linker script and memory map")
            continue
        m = rx_one.match(line)
        if m and not line.startswith(" *"):
            sec, addr, size, fil = m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4)
        elif pending and rx_cont.match(line):
            m = rx_cont.match(line)
            sec, addr, size, fil = pending, int(m.group(1), 16), int(m.group(2), 16), m.group(3)
        else:
            pending = line[1:] if re.match(r"^ \.[^ ]+$", line) else None
            continue
        pending = None
        if size and addr and (sec.startswith(".text") or sec.startswith(".rodata")):
            out.append((addr, size, file_pattern(fil.strip()), sec))
    out.sort()
    return out


def file_pattern(fil):
    """libfoo.a(member.o) -> *libfoo.a:member.o; a plain object -> *name.o"""
    m = re.match(r"^(.*)\((.*)\)$", fil)
    if m:
        return f"*{os.path.basename(m.group(1))}:{m.group(2)}"
    return f"*{os.path.basename(fil)}"


def trace(binary, ctl):
    """Boot under lackey (the forked children before their exec are not traced): the addresses
    touched until every service runs, and those touched only later (systemctl
    over D-Bus, the shutdown)."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="tinysd-layout-"))
    units = work / "units"
    units.mkdir()
    nsleep = bl.write_units(units, "bench12") + 1
    for name, text in EXTRA_UNITS.items():
        (units / name).write_text(text)
    (units / "timers.target.wants").mkdir()
    os.symlink("../train.timer", units / "timers.target.wants/train.timer")
    os.symlink("../train-log.service", units / "multi-user.target.wants/train-log.service")
    (work / "run").mkdir()
    (work / "tmp").mkdir()
    r, w = os.pipe()
    cmd = boot.bwrap_cmd(binary, work / "run", work / "tmp", units,
                         ["/usr/bin/valgrind", "--tool=lackey", "--trace-mem=yes", "--child-silent-after-fork=yes",
                          f"--log-fd={w}", "/opt/tinysd"])
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         pass_fds=(w,))
    os.close(w)
    phases = [set()]   # touched addresses, code and data alike, per phase

    def reader():
        with os.fdopen(r, "rb", buffering=1 << 20) as f:
            for line in f:
                if len(line) < 5 or line[0] == ord("="):
                    continue
                try:
                    phases[-1].add(int(line[3:line.index(b",")], 16))
                except ValueError:
                    continue

    t = threading.Thread(target=reader)
    t.start()
    try:
        end = time.time() + 600
        pid1 = None
        while time.time() < end:
            kids = bl.children(p.pid)
            pid1 = kids[0] if kids else None
            if pid1 and bl.count_children(pid1, "sleep") >= nsleep:
                break
            time.sleep(0.5)
        else:
            raise SystemExit("gen-pid1-layout: the training boot did not start every service")
        time.sleep(2)
        phases.append(set())
        for args in CTL_COMMANDS:
            subprocess.run(["nsenter", "-t", str(pid1), "-m", "-p", "--", ctl, *args],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        time.sleep(2)
        os.kill(pid1, signal.SIGTERM)
        p.wait(300)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        t.join()
        shutil.rmtree(work, ignore_errors=True)
    return phases[0], phases[1] - phases[0]


STRINGS = re.compile(r"^\.rodata.*\.str\d\.\d+$")   # string literals (mergeable)


def rodata_refs(archives):
    """{(file pattern, section): read-only data sections it refers to (and, in libc, the functions
    it calls)}, from the relocations of every object in the archives. The trace misses two kinds of use: what the kernel reads (a
    signal mask or a path given to a system call), and strings the linker merged (equal strings
    within an output section are kept once, so the one a function uses may sit in another
    object's section in the training binary; the relocations name the function's own)."""
    refs = {}
    for ar in archives:
        out = subprocess.run(["readelf", "-rW", ar], capture_output=True, text=True).stdout
        member = cur = None
        for line in out.splitlines():
            m = re.match(r"^File: .*\((.*)\)$", line)
            if m:
                member = f"*{os.path.basename(ar)}:{m.group(1)}"
                continue
            m = re.match(r"^Relocation section '\.rela(\S+)'", line)
            if m:
                cur = refs.setdefault((member, m.group(1)), set())
                continue
            f = line.split()
            # read-only data; for libc, also the functions a member calls
            if cur is not None and len(f) >= 5 and (f[4].startswith(".rodata") or
                                                    (not f[4].startswith(".") and "libtinysd" not in ar)):
                cur.add(f[4])
    return refs


def libc_members(archives):
    """{function name: file pattern of the libc member defining it}"""
    defs = {}
    for ar in archives:
        if "libtinysd" in ar:
            continue
        out = subprocess.run(["nm", "-A", "--defined-only", ar], capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "TW":
                defs.setdefault(f[2], f"*{os.path.basename(ar)}:{f[0].split(':')[1]}")
    return defs


def touched(sections, addrs):
    starts = [s[0] for s in sections]
    hit = set()
    for a in addrs:
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a < sections[i][0] + sections[i][1]:
            hit.add(i)
    return hit


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(HERE / "build-static/tinysd"))
    ap.add_argument("--out", default=str(HERE / "tools/pid1-layout.ld"))
    a = ap.parse_args()
    binary = pathlib.Path(a.bin).resolve()
    sections = parse_map(str(binary) + ".map")
    maptext = pathlib.Path(str(binary) + ".map").read_text()
    archives = sorted({str(HERE / a) for a in re.findall(r"(\S+\.a)\(", maptext) if (HERE / a).is_file()})
    refs = rodata_refs(archives)
    defs = libc_members(archives)
    boot_set, later_set = trace(binary, str(binary.parent / "systemctl"))
    text, rodata, seen, libc_used = [], [], set(), set()
    for addrs in (boot_set, later_set):
        # a touched string is where the training binary kept the merged copy, maybe another
        # object's: strings come from the relocations of what touched them instead
        hot = {i for i in touched(sections, addrs) if not STRINGS.match(sections[i][3])}
        wanted = set()   # what touched functions refer to, and the strings of touched data
        for i in hot:
            code = sections[i][3].startswith(".text")
            wanted |= {(sections[i][2], sec) for sec in refs.get((sections[i][2], sections[i][3]), ())
                       if sec.startswith(".rodata") and (code or STRINGS.match(sec))}
        # libc's members are small and run differently under valgrind (no vDSO: clock_gettime's
        # lookup of it never runs there) or with more units (malloc's mremap): a member used at
        # all is taken whole, and the members they call come with the later part
        libc = {sections[i][2] for i in hot if not sections[i][2].startswith("*libtinysd.a:")}
        libc_used |= libc
        todo = list(libc_used) if addrs is later_set else []
        if addrs is later_set:
            libc = set(libc_used)
        while todo:
            member = todo.pop()
            for (fil, _), names in refs.items():
                if fil != member:
                    continue
                for callee in {defs[n] for n in names if n in defs} - libc:
                    libc.add(callee)
                    todo.append(callee)
        hot |= {i for i, s in enumerate(sections) if (s[2], s[3]) in wanted or s[2] in libc}
        for i in sorted(hot):
            _, size, fil, sec = sections[i]
            line = f"    {fil}({sec})"
            if line in seen:
                continue
            seen.add(line)
            (text if sec.startswith(".text") else rodata).append((line, size))
        if addrs is boot_set:
            boot_sizes = (sum(n for _, n in text), sum(n for _, n in rodata))
            text.append(("    /* touched only after the boot (systemctl, shutdown): */", 0))
            # an output section of its own: the linker merges equal strings and suffixes within
            # one, and a string of the boot must not end up kept in the later part
            rodata.append(("  }\n  .rodata.pid1.later : {", 0))
    sizes = (f"code {boot_sizes[0]} + {sum(n for _, n in text) - boot_sizes[0]} bytes, "
             f"read-only data {boot_sizes[1]} + {sum(n for _, n in rodata) - boot_sizes[1]} bytes (boot + later)")
    hdr = ("/* SPDX-License-Identifier: MIT */\n"
           "/* Generated by tools/gen-pid1-layout.py: the code and read-only data PID 1 touched in its\n"
           " * training run, grouped so that fault-around maps little else (see that script); what the\n"
           " * boot touched comes first. Used by `make static` only.\n"
           f" * {sizes}. */\n")
    body = ("SECTIONS\n{\n  .text.pid1 : {\n" + "\n".join(l for l, _ in text) + "\n  }\n}\nINSERT BEFORE .text;\n"
            # a page of its own: inserted before .rodata, it would otherwise join the code's segment
            "SECTIONS\n{\n  . = ALIGN(CONSTANT (MAXPAGESIZE));\n  .rodata.pid1 : {\n"
            + "\n".join(l for l, _ in rodata) + "\n  }\n}\nINSERT BEFORE .rodata;\n")
    pathlib.Path(a.out).write_text(hdr + body)
    print(f"{a.out}: {sizes}; relink: rm {binary} && make static")
    return 0


if __name__ == "__main__":
    sys.exit(main())
