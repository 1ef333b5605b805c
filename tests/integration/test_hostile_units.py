# SPDX-License-Identifier: MIT
"""What a unit file can do to PID 1 (issue 15): 500 hostile unit files put in place — byte flips,
unknown keys and bad values, invalid UTF-8, bad section headers, huge lines, deep continuations,
thousands of drop-ins, symlink loops among aliases and in .wants/, a unit with 100,000
dependencies — all enabled, then `systemctl daemon-reload`, and a boot on them.

PID 1 survives both, answers `systemctl is-system-running` while it reloads (once the reload is
done: PID 1 does one thing at a time, as systemd does) and after, the sanitizers report nothing (the container fixture fails the test on any report), and every broken
unit is named in a message: "FILE:LINE: ..." for what is wrong in a file (with the directive where
a directive is at fault), the unit's name for what makes it fail to load as a whole.

The files are made by a seeded generator, so a failure reproduces."""
import os
import pathlib
import random
import re
import subprocess
import threading
import time

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
UNITDIR = "/etc/systemd/system"

pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")

SEEDS = {
    "service": ("[Unit]\nDescription=Hostile {n}\nAfter=basic.target\nWants=basic.target\n"
                "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true {n}\nEnvironment=A=1 B=2\n"
                "RestartSec=1s\nTimeoutStopSec=5\nNice=5\nPrivateTmp=no\n"
                "[Install]\nWantedBy=multi-user.target\n"),
    "timer": ("[Unit]\nDescription=Hostile timer {n}\n"
              "[Timer]\nOnCalendar=Mon..Fri *-*-* 03:00:00\nOnBootSec=1h\nAccuracySec=1min\nPersistent=no\n"
              "[Install]\nWantedBy=timers.target\n"),
    "socket": ("[Unit]\nDescription=Hostile socket {n}\n"
               "[Socket]\nListenStream=/run/hostile-{n}.sock\nSocketMode=0600\nBacklog=16\nAccept=no\n"
               "[Install]\nWantedBy=sockets.target\n"),
    "path": ("[Unit]\nDescription=Hostile path {n}\n"
             "[Path]\nPathExists=/run/hostile-{n}\nMakeDirectory=no\nDirectoryMode=0755\n"
             "[Install]\nWantedBy=paths.target\n"),
}
N_UNITS = 500
N_DEPS = 100_000
N_DROPINS = 3_000
CONTINUED_LINES = 200_000


class Hostile:
    """The files, and what PID 1 must say about them."""

    def __init__(self, seed=15):
        self.rng = random.Random(seed)
        self.files = {}          # container path -> bytes
        self.links = {}          # container path -> symlink target
        self.expect = []         # (unit name, regex that must appear in PID 1's output)
        self.names = []          # every hostile unit, all enabled
        self.flipped = []        # units with random byte flips: no message known in advance
        self._make()

    def unit(self, name, data, expect=None):
        self.files[f"{UNITDIR}/{name}"] = data if isinstance(data, bytes) else data.encode()
        self.names.append(name)
        if expect:
            self.expect.append((name, expect))

    @staticmethod
    def at(name, line):
        return re.escape(f"{UNITDIR}/{name}:{line}: ")

    def seed(self, kind, n):
        return SEEDS[kind].format(n=n)

    def _make(self):
        kinds = list(SEEDS)
        i = 0

        def take(count):
            nonlocal i
            for _ in range(count):
                n = i
                i += 1
                kind = kinds[n % len(kinds)]
                yield f"hostile-{n:03d}.{kind}", kind, n

        # an unknown key: one letter of a key replaced by a digit
        for name, kind, n in take(120):
            lines = self.seed(kind, n).split("\n")
            k = self.rng.choice([j for j, l in enumerate(lines) if "=" in l])
            key, value = lines[k].split("=", 1)
            p = self.rng.randrange(len(key))
            bad = key[:p] + "7" + key[p + 1:]
            section = [l for l in lines[:k] if l.startswith("[")][-1][1:-1]
            lines[k] = f"{bad}={value}"
            self.unit(name, "\n".join(lines),
                      self.at(name, k + 1) + re.escape(f"Unknown key '{bad}' in section [{section}], ignoring."))
        # a value that does not parse (every seed has a Description= and typed settings)
        for name, kind, n in take(80):
            lines = self.seed(kind, n).split("\n")
            typed = [j for j, l in enumerate(lines) if re.match(r"(RestartSec|TimeoutStopSec|Nice|PrivateTmp|"
                                                                  r"OnCalendar|OnBootSec|AccuracySec|Persistent|"
                                                                  r"SocketMode|Backlog|Accept|MakeDirectory|DirectoryMode)=", l)]
            k = self.rng.choice(typed)
            key = lines[k].split("=", 1)[0]
            lines[k] = f"{key}=zz{self.rng.randrange(1000)}%~"
            self.unit(name, "\n".join(lines), self.at(name, k + 1) + r".*(ignoring|Ignoring)")
        # random bytes flipped anywhere (NULs, newlines, brackets, UTF-8 halves...)
        for name, kind, n in take(100):
            data = bytearray(self.seed(kind, n).encode())
            for _ in range(self.rng.randrange(1, 6)):
                data[self.rng.randrange(len(data))] = self.rng.randrange(256)
            self.unit(name, bytes(data))
            self.flipped.append(name)
        # invalid UTF-8 in a line
        for name, kind, n in take(40):
            lines = self.seed(kind, n).encode().split(b"\n")
            bad = self.rng.choice([b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"ab\x80"])
            lines.insert(2, b"Documentation=man:x" + bad)
            self.unit(name, b"\n".join(lines), self.at(name, 3) + re.escape("Not a valid UTF-8 string, ignoring line."))
        # a section header without its ']': the file is unusable
        for name, kind, n in take(20):
            text = self.seed(kind, n).replace(f"[{kind.capitalize()}]\n", f"[{kind.capitalize()}\n")
            line = text.split("\n").index(f"[{kind.capitalize()}") + 1
            self.unit(name, text, self.at(name, line) + re.escape(f"Invalid section header '[{kind.capitalize()}'"))
        # huge lines: 900 KB of Description= (fine), and a line over the 1 MiB limit (the file is refused)
        for name, kind, n in take(10):
            self.unit(name, self.seed(kind, n).replace("Description=", "Description=" + "x" * 900_000, 1))
        for name, kind, n in take(10):
            self.unit(name, self.seed(kind, n).replace("Description=", "Description=" + "y" * 1_100_000, 1),
                      self.at(name, 2) + r"Line too long \(\d+ bytes, the limit is 1048576\)\.")
        # deep continuations: one ExecStart= over 200,000 lines (800 KB), as in issue 15
        for name, _, n in take(4):
            name = name.rsplit(".", 1)[0] + ".service"
            self.unit(name, "[Service]\nType=oneshot\nExecStart=/bin/true \\\n" + "a \\\n" * CONTINUED_LINES + "a\n")
        # thousands of drop-ins for one unit, some of them broken
        name = f"hostile-{i:03d}.service"
        i += 1
        self.unit(name, self.seed("service", i))
        for d in range(N_DROPINS):
            path = f"{UNITDIR}/{name}.d/{d:05d}.conf"
            if d % 500 == 7:
                self.files[path] = b"[Service]\nNice=high\n"
                self.expect.append((name, re.escape(f"{path}:2: ") + r".*ignoring"))
            else:
                self.files[path] = f"[Service]\nEnvironment=D{d}={d}\n".encode()
        # symlink loops: aliases that lead to each other, a name in .wants/ that points at itself
        for _ in range(5):
            a, b = f"hostile-{i:03d}.service", f"hostile-{i + 1:03d}.service"
            i += 2
            self.links[f"{UNITDIR}/{a}"] = b
            self.links[f"{UNITDIR}/{b}"] = a
            self.names += [a, b]
            self.expect += [(a, re.escape(a)), (b, re.escape(b))]
        for _ in range(5):
            a = f"hostile-{i:03d}.service"
            i += 1
            self.links[f"{UNITDIR}/multi-user.target.wants/{a}"] = f"{UNITDIR}/multi-user.target.wants/{a}"
        # a unit with 100,000 dependencies, 100 names a line
        name = f"hostile-{i:03d}.service"
        i += 1
        deps = [f"hostile-dep-{d}.service" for d in range(N_DEPS)]
        self.unit(name, "[Unit]\nDescription=Many dependencies\n" +
                  "".join("Wants=" + " ".join(deps[k:k + 100]) + "\n" for k in range(0, N_DEPS, 100)) +
                  "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n")
        # the rest: more random flips, up to 500 unit files
        while len([f for f in self.files if f.count("/") == 4]) + len(self.links) - 5 < N_UNITS:
            name, kind, n = next(take(1))
            data = bytearray(self.seed(kind, n).encode())
            for _ in range(self.rng.randrange(1, 6)):
                data[self.rng.randrange(len(data))] = self.rng.randrange(256)
            self.unit(name, bytes(data))
            self.flipped.append(name)

    def install(self, c):
        """Put everything in place (host side) and enable every hostile unit."""
        for p, data in self.files.items():
            host = c.path(p)
            host.parent.mkdir(parents=True, exist_ok=True)
            host.write_bytes(data)
        for p, target in self.links.items():
            host = c.path(p)
            host.parent.mkdir(parents=True, exist_ok=True)
            if host.is_symlink():
                host.unlink()
            host.symlink_to(target)
        for name in self.names:
            c.enable(name)


# PID 1 does one thing at a time: while it reloads (4 s here, 20 s with ASan: 100,000 units come
# into being) a call waits; systemctl's own bound on that wait (25 s) is raised so that a slow
# sanitizer build is not mistaken for a PID 1 that does not answer.
BUS_TIMEOUT = {"SYSTEMD_BUS_TIMEOUT": "180"}


def ctl(c, *args, timeout=240):
    return c.exec([SYSTEMCTL, "--no-pager", *args], env=BUS_TIMEOUT, timeout=timeout)


def answers(c):
    """`systemctl is-system-running` gets an answer (its exit status is 0 or 1, never a failure to
    talk to PID 1)."""
    try:
        r = ctl(c, "is-system-running", timeout=200)
    except subprocess.TimeoutExpired:
        return False, "no answer within 200 s"
    return r.returncode in (0, 1) and r.stdout.strip() in ("initializing", "starting", "running", "degraded",
                                                           "maintenance", "stopping"), (r.returncode, r.stdout, r.stderr)


def journal_text(c, tinysd):
    """PID 1's messages from its journal: the console drops lines when a burst exceeds its queue
    (it says how many; 500 hostile units print megabytes of 900 KB descriptions), the journal not."""
    j = str(pathlib.Path(tinysd).with_name("journalctl"))
    r = c.exec([j, "-b", "-o", "cat", "--no-pager"], timeout=240)
    assert r.returncode == 0, r.stderr
    return r.stdout


def wait_booted(c):
    """Until the boot transaction is done, seen as systemctl sees it (not from stdout: see
    journal_text())."""
    def done():
        r = ctl(c, "is-system-running", timeout=200)
        # "offline": Debian's systemctl could not reach PID 1 yet (the ASan build still loading)
        return r.stdout.strip() in ("running", "degraded", "maintenance", "stopping")
    c.wait_until(done, timeout=600, what="the boot transaction done")


def check_messages(c, hostile, tinysd):
    out = c.output() + journal_text(c, tinysd)
    missing = [(name, rx) for name, rx in hostile.expect if not re.search(rx, out)]
    assert not missing, f"{len(missing)} expected messages missing, e.g. {missing[:5]}"
    # a unit broken by random bytes that did not load is named in some message (its file or itself)
    states = ctl(c, "show", "-p", "Id", "-p", "LoadState", *hostile.flipped).stdout
    for block in states.strip().split("\n\n"):
        f = dict(l.split("=", 1) for l in block.splitlines() if "=" in l)
        if f.get("LoadState") in ("bad-setting", "error"):
            assert re.search(re.escape(f["Id"]), out), f"{f['Id']} did not load and nothing says why"


@pytest.fixture(scope="module")
def hostile():
    return Hostile()


def test_daemon_reload_on_hostile_units(boot, hostile, tinysd):
    c = boot(units={"web.service": "[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n"},
             enable=["web.service"])
    c.wait_for(MULTI_USER, timeout=60)
    hostile.install(c)
    results, done = [], threading.Event()

    def poll():
        while not done.is_set():
            results.append(answers(c))
            time.sleep(0.2)

    t = threading.Thread(target=poll)
    t.start()
    try:
        time.sleep(0.5)
        r = ctl(c, "daemon-reload", timeout=600)
        time.sleep(0.5)
    finally:
        done.set()
        t.join()
    assert r.returncode == 0, r.stderr
    assert len(results) >= 2 and all(ok for ok, _ in results), [why for ok, why in results if not ok]
    ok, why = answers(c)
    assert ok, why
    assert c.running()
    assert ctl(c, "is-active", "web.service").stdout == "active\n"
    check_messages(c, hostile, tinysd)


def test_boot_on_hostile_units(boot, hostile, tinysd):
    c = boot(start=False, units={"web.service": "[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n"},
             enable=["web.service"])
    hostile.install(c)
    c.start()
    wait_booted(c)
    ok, why = answers(c)
    assert ok, why
    assert ctl(c, "is-active", "web.service").stdout == "active\n"
    check_messages(c, hostile, tinysd)
