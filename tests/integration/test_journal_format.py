# SPDX-License-Identifier: MIT
"""The journal tinysd writes as PID 1 is systemd's own format: Debian's journalctl 252 reads the
same files and prints what tinysd's journalctl prints, `journalctl --verify` passes (also right
after a SIGKILL of PID 1 during a flood), and Debian's `systemctl status` shows the unit's lines.

A container (the test harness's sandbox) runs services that log through every door: stdout with
level prefixes, logger (syslog), systemd-cat, the native protocol with a multi-line message and a
binary field, a failing unit (PID 1's own messages). After a clean stop, both journalctls read the
container's /var/log/journal/<machine-id> from outside with -D and the same arguments."""
import json
import os
import pathlib
import re
import subprocess
import time

import pytest

from conftest import _binaries, run
from pid1 import Container, MULTI_USER

REAL_JOURNALCTL = "/usr/bin/journalctl"
REAL_SYSTEMCTL = "/usr/bin/systemctl"
pytestmark = pytest.mark.skipif(not os.access(REAL_JOURNALCTL, os.X_OK), reason="Debian's journalctl is not installed")

NATIVE = r"""#!/usr/bin/python3
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
def field(k, v):
    if b"\n" in v or b"\0" in v:
        return k + b"\n" + len(v).to_bytes(8, "little") + v + b"\n"
    return k + b"=" + v + b"\n"
msg = (field(b"MESSAGE", b"native first line\nsecond line") + field(b"PRIORITY", b"4") +
       field(b"SYSLOG_IDENTIFIER", b"nativeapp") + field(b"BLOB", b"bin\0ary\xff") + field(b"CODE_LINE", b"42"))
s.sendto(msg, "/run/systemd/journal/socket")
"""

UNITS = {
    "chatty.service": """
        [Unit]
        Description=Chatty
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'echo "<3>an error"; echo "<4>a warning"; echo "<6>some info"; echo "plain line"; printf "tab\\there\\n"'
        ExecStart=/usr/bin/logger -t myident -p user.err "logger error"
        ExecStart=/usr/bin/logger -t myident -p user.info "logger info"
        ExecStart=/bin/sh -c 'echo "cat says hi" | /usr/bin/systemd-cat -t catident -p warning'
        ExecStart=/opt/test/native.py
        """,
    "worker.service": """
        [Unit]
        Description=Worker
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'i=0; while [ $i -lt 40 ]; do echo "work item $i"; i=$((i+1)); done'
        """,
    "broken.service": """
        [Unit]
        Description=Broken
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo "about to fail" >&2; exit 3'
        """,
}


def journal_dir(c):
    mid = pathlib.Path("/etc/machine-id").read_text().strip()
    d = c.path(f"/var/log/journal/{mid}")
    assert d.is_dir(), sorted(p.name for p in c.path("/var/log/journal").iterdir())
    return d


@pytest.fixture(scope="module", params=_binaries())
def written(request, tmp_path_factory):
    """The journal directory of a container that ran UNITS and was stopped cleanly (each build
    under test writes its own; its journalctl reads it)."""
    binary = pathlib.Path(request.param)
    c = Container(binary, units=UNITS, enable=["chatty.service", "worker.service", "broken.service"],
                  files={"/opt/test/native.py": NATIVE}, workdir=tmp_path_factory.mktemp("container"))
    try:
        c.start()
        c.wait_for(MULTI_USER, timeout=30)
        c.wait_for(r"Finished chatty\.service", timeout=30)
        time.sleep(0.5)
        assert c.stop() == 0
        findings = c.sanitizer_findings()
        assert not findings, findings
        yield binary, journal_dir(c)
    finally:
        c.cleanup()


def both(binary, d, *args):
    env = {"TZ": "UTC", "SYSTEMD_COLORS": "0", "LC_ALL": "C.UTF-8"}
    want = run([REAL_JOURNALCTL, "-D", str(d), *args], env=env, errors="surrogateescape")
    got = run([str(pathlib.Path(binary).with_name("journalctl")), "-D", str(d), *args], env=env,
              errors="surrogateescape")
    return want, got


ARGS = [
    (), ("-n", "all"), ("-o", "short-iso"), ("-o", "short-precise"), ("-o", "short-iso-precise"),
    ("-o", "short-monotonic"), ("-o", "cat"), ("-o", "verbose"), ("-o", "export"), ("-o", "json"),
    ("-o", "json-pretty"), ("-o", "with-unit"), ("-a", "-o", "json"),
    ("-u", "chatty.service"), ("-u", "worker"), ("-u", "broken.service"), ("-u", "chatty.service", "-u", "worker.service"),
    ("-u", "w*"), ("-u", "nothing.service"),
    ("-t", "myident"), ("-t", "catident", "-t", "nativeapp"), ("-t", "systemd"),
    ("-p", "err"), ("-p", "warning"), ("-p", "3..4"), ("-p", "info", "-u", "chatty.service"),
    ("-g", "work item 1"), ("-g", "LINE"), ("-g", "line", "--case-sensitive=no"), ("-g", "^work", "-n", "3"),
    ("-n", "5"), ("-n", "0"), ("-r", "-n", "7"), ("-r",), ("-e",), ("-n", "3", "-o", "json"),
    ("-b",), ("-b", "0"), ("-b", "-1"), ("--list-boots",),
    ("-F", "_SYSTEMD_UNIT"), ("-F", "PRIORITY"), ("-F", "SYSLOG_IDENTIFIER"), ("-N",),
    ("_TRANSPORT=syslog",), ("_TRANSPORT=journal", "-o", "verbose"), ("PRIORITY=3", "PRIORITY=4"),
    ("-u", "chatty.service", "_TRANSPORT=stdout", "-o", "cat"),
    ("--since", "2000-01-01", "--until", "2100-01-01", "-n", "4"), ("--since", "2100-01-01"),
    ("--until", "2000-01-01"), ("-S", "today", "-u", "worker.service", "-o", "cat", "-n", "2"),
    ("--output-fields=MESSAGE,PRIORITY", "-o", "json", "-n", "5"), ("--no-hostname", "-n", "4"),
    ("--utc", "-n", "3", "-o", "short-full"), ("-q", "-u", "nothing.service"),
]


def json_documents(text, pretty):
    """journalctl 252 prints a JSON object's keys in the order of a hashmap with a random key per
    run: compare the objects, not the text (and the text's layout separately)."""
    if not pretty:
        return [json.loads(line) for line in text.splitlines()]
    dec, out, i = json.JSONDecoder(), [], 0
    while i < len(text):
        o, i = dec.raw_decode(text, i)
        out.append(o)
        i += 1   # the newline after each object
    return out


@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a) or "plain")
def test_same_output_as_debian_journalctl(written, args):
    binary, d = written
    want, got = both(binary, d, *args)
    if "json" in args or "json-pretty" in args:
        pretty = "json-pretty" in args
        assert (got.returncode, got.stderr) == (want.returncode, want.stderr)
        assert json_documents(got.stdout, pretty) == json_documents(want.stdout, pretty)
        assert len(got.stdout) == len(want.stdout)
        return
    assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr)


def test_verify_passes(written):
    _, d = written
    p = run([REAL_JOURNALCTL, "-D", str(d), "--verify"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert "PASS: " in p.stderr + p.stdout


def test_entries_are_there(written):
    """What the differential tests compare is not empty: every door wrote something."""
    binary, d = written
    out = run([REAL_JOURNALCTL, "-D", str(d), "-o", "json", "-a", "-n", "all"]).stdout
    es = [json.loads(line) for line in out.splitlines()]
    msgs = [e.get("MESSAGE") for e in es]
    for m in ("an error", "logger error", "cat says hi", "native first line\nsecond line", "work item 39",
              "about to fail"):
        assert m in msgs, m
    native = next(e for e in es if e.get("SYSLOG_IDENTIFIER") == "nativeapp")
    assert native["BLOB"] == list(b"bin\0ary\xff") and native["_TRANSPORT"] == "journal"
    assert any(e.get("UNIT") == "broken.service" and e.get("_PID") == "1" for e in es)


def test_verify_after_sigkill_during_flood(boot, tinysd):
    """Kill PID 1 while a service floods the journal: Debian's journalctl --verify accepts the file
    as it is, and reads every entry of the flood up to the last one committed, in order."""
    c = boot(units={"flood.service": """
        [Service]
        ExecStart=/bin/sh -c 'i=0; while :; do echo "flood line $i"; i=$((i+1)); done'
        """}, enable=["flood.service"])
    c.wait_for(r"flood\.service\[\d+\]: flood line 30000", timeout=30)
    c.kill()
    d = journal_dir(c)
    p = run([REAL_JOURNALCTL, "-D", str(d), "--verify"])
    assert p.returncode == 0, p.stdout + p.stderr
    out = run([REAL_JOURNALCTL, "-D", str(d), "-u", "flood.service", "-o", "cat", "_TRANSPORT=stdout"]).stdout.splitlines()
    assert len(out) >= 30000
    assert out == [f"flood line {i}" for i in range(len(out))]
    header = run([REAL_JOURNALCTL, "-D", str(d), "--header"]).stdout
    assert "State: ONLINE" not in header


@pytest.mark.skipif(not os.access(REAL_SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")
def test_debian_systemctl_status_shows_the_log_lines(boot):
    c = boot(units={"talker.service": """
        [Unit]
        Description=Talker
        [Service]
        ExecStart=/bin/sh -c 'echo "hello from the talker"; echo "second talker line"; exec sleep infinity'
        """}, enable=["talker.service"])
    c.wait_for(r"talker\.service\[\d+\]: second talker line", timeout=20)
    deadline = time.time() + 10
    while True:
        p = c.exec([REAL_SYSTEMCTL, "--no-pager", "status", "talker.service"])
        if "second talker line" in p.stdout or time.time() > deadline:
            break
        time.sleep(0.2)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert re.match(r"^\S+ \d+ \d\d:\d\d:\d\d \S+ sh\[\d+\]: hello from the talker$", lines[-2]), p.stdout
    assert lines[-1].endswith("second talker line"), p.stdout
    assert any(re.search(r"systemd\[1\]: Started talker\.service - Talker\.$", l) for l in lines), p.stdout
