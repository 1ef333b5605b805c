# SPDX-License-Identifier: MIT
"""tinysd as PID 1: the journal against a hostile user inside the container (issue 15).

Contract assumed: any user of the container may write to /run/systemd/journal/{socket,stdout,
dev-log} (mode 0666, as with journald) and is hostile. Then: the trusted fields (_PID, _UID, _GID,
_COMM, _EXE, _CMDLINE, _SYSTEMD_UNIT, _HOSTNAME, ...) are the server's, never the client's, through
the native, syslog and stream protocols and through a stream a process inherited; floods of the
datagram sockets leave PID 1 answering and other units' lines intact (what a configured rate limit
drops is counted and said); 4,096 stdout connections at once as journald, the last 64 kept for root,
refused ones said once in journald's words; a 100 MB memfd is refused in journald's words without
PID 1 reading it; a SIGKILL of PID 1 in the middle of a flood loses no complete entry; a stdout that
nobody reads never stalls PID 1. The attacker is uid 65534 (setpriv inside the container), the
container runs with Docker's default capabilities."""
import json
import pathlib
import shutil
import subprocess

import pytest

import pid1

PYTHON = "/usr/bin/python3"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
LOGGER = shutil.which("logger", path="/usr/bin:/bin")
SYSTEMD_CAT = shutil.which("systemd-cat", path="/usr/bin:/bin")
pytestmark = pytest.mark.skipif(not LOGGER or not SYSTEMD_CAT, reason="util-linux logger or systemd-cat missing")


def journalctl(c, tinysd, *args, timeout=30):
    j = pathlib.Path(tinysd).with_name("journalctl")
    p = c.exec([str(j), *args], timeout=timeout, env={"SYSTEMD_COLORS": "0"})
    assert p.returncode == 0, p.stderr
    return p.stdout


def entries(c, tinysd, *args):
    return [json.loads(line) for line in journalctl(c, tinysd, "-a", "-o", "json", *args).splitlines() if line.strip()]


def wait_entries(c, tinysd, pred, *args, timeout=20):
    return c.wait_until(lambda: (lambda es: es if pred(es) else None)(entries(c, tinysd, *args)), timeout=timeout,
                        what=f"journal entries {args}")


def systemctl(c, tinysd, *args, timeout=10):
    return c.exec([str(pathlib.Path(tinysd).with_name("systemctl")), *args], timeout=timeout)


# ------------------------------------------------------------------------- trusted fields

SPOOF = r"""
import fcntl, os, socket, struct, time
fake = b"_PID=1\n_UID=0\n_GID=0\n_SYSTEMD_UNIT=ssh.service\n_COMM=sshd\n_EXE=/usr/sbin/sshd\n_HOSTNAME=evil\n_TRANSPORT=kernel\n"
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
binary = b"_BOOT_ID\n" + struct.pack("<Q", 4) + b"evil\n"
d.sendto(fake + binary + b"MESSAGE=spoof-native\nSYSLOG_IDENTIFIER=spoof\n", "/run/systemd/journal/socket")
fd = os.memfd_create("j", os.MFD_ALLOW_SEALING)
os.write(fd, fake + b"MESSAGE=spoof-memfd\nSYSLOG_IDENTIFIER=spoof\n")
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
m = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
m.connect("/run/systemd/journal/socket")
socket.send_fds(m, [b""], [fd])
d.sendto(b"<13>Jan  1 00:00:00 sshd[1]: spoof-syslog", "/run/systemd/journal/dev-log")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/systemd/journal/stdout")
s.sendall(b"spoof\nssh.service\n6\n0\n0\n0\n0\nspoof-stream\n_PID=1 in the text\n")
time.sleep(1)          # alive while PID 1 reads: its /proc data is there
"""


def test_trusted_fields_cannot_be_spoofed(boot, tinysd):
    c = boot(files={"/var/lib/spoof.py": SPOOF}, units={"ssh.service": """
        [Service]
        ExecStart=/bin/sleep 1000
        """}, enable=["ssh.service"])
    c.wait_for(r"Reached target .*Multi-User")
    p = c.exec(NOBODY + [PYTHON, "/var/lib/spoof.py"], timeout=30)
    assert p.returncode == 0, p.stderr
    es = wait_entries(c, tinysd, lambda es: len(es) >= 5, "-t", "spoof", "-t", "sshd")
    msgs = {e["MESSAGE"]: e for e in es}
    assert set(msgs) >= {"spoof-native", "spoof-memfd", "spoof-syslog", "spoof-stream", "_PID=1 in the text"}, msgs
    mid = c.exec(["cat", "/etc/machine-id"]).stdout.strip()
    for m, e in msgs.items():
        assert e["_UID"] == "65534" and e["_GID"] == "65534", (m, e)
        assert e["_PID"] != "1" and e["_COMM"].startswith("python"), (m, e)
        assert "_SYSTEMD_UNIT" not in e and e["_HOSTNAME"] == c.hostname and e["_MACHINE_ID"] == mid, (m, e)
        assert e["_TRANSPORT"] in ("journal", "syslog", "stdout") and e.get("_BOOT_ID") != "evil", (m, e)
    assert msgs["spoof-syslog"]["SYSLOG_PID"] == "1"    # the text's claim, in the client's field only
    # nothing of ssh.service came from the attacker
    assert not [e for e in entries(c, tinysd, "-u", "ssh.service") if e.get("_PID") != "1"]


DROP = """#!/bin/sh
echo "as root"
setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -c 'echo "as nobody $$"; sleep 1'
"""


def test_inherited_stream_credits_the_writer(boot, tinysd):
    """A root service whose child drops to another user: the child's lines are the child's, not
    the main process's (journald reads the writer's credentials with every read)."""
    c = boot(units={"drop.service": """
        [Service]
        Type=oneshot
        ExecStart=/var/lib/drop.sh
        """}, enable=["drop.service"], files={"/var/lib/drop.sh": DROP})
    es = wait_entries(c, tinysd, lambda es: len(es) == 2, "-u", "drop.service", "_TRANSPORT=stdout")
    root, nobody = es
    assert root["MESSAGE"] == "as root" and root["_UID"] == "0"
    assert nobody["MESSAGE"].startswith("as nobody ") and nobody["_UID"] == "65534" and nobody["_GID"] == "65534"
    assert nobody["_PID"] == nobody["MESSAGE"].split()[-1] != root["_PID"]
    assert nobody["_SYSTEMD_UNIT"] == "drop.service"      # still the unit's stream


# ------------------------------------------------------------------------------ floods

FLOOD = r"""
import os, socket, sys, time
end = time.monotonic() + float(sys.argv[1])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
n = 0
while time.monotonic() < end:
    for path, data in (("/run/systemd/journal/dev-log", b"<13>flood: %d" % n),
                       ("/run/systemd/journal/socket", b"MESSAGE=flood %d\nSYSLOG_IDENTIFIER=flood\n" % n)):
        try:
            s.sendto(data, path)
        except OSError:
            pass
        n += 1
print(n)
"""

STEADY = r"""
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for i in range(300):
    s.sendto(b"<14>steady: syslog %d" % i, "/dev/log")
    print("stdout %d" % i, flush=True)
    time.sleep(0.01)
time.sleep(1)
"""


def test_datagram_flood_leaves_pid1_answering_and_other_units_intact(boot, tinysd):
    c = boot(files={"/var/lib/flood.py": FLOOD, "/var/lib/steady.py": STEADY,
                    "/etc/systemd/journald.conf.d/50-rate.conf": "[Journal]\nRateLimitIntervalSec=1s\nRateLimitBurst=500\n"},
             units={"steady.service": f"""
                 [Service]
                 ExecStart={PYTHON} /var/lib/steady.py
                 """})
    c.wait_for(r"Reached target .*Multi-User")
    # the flooders run in the background of a docker exec; steady starts meanwhile
    cmd = NOBODY + ["/bin/sh", "-c", f"for i in 1 2 3; do {PYTHON} /var/lib/flood.py 6 & done; wait"]
    proc = subprocess.Popen(c_exec_argv(c, cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert systemctl(c, tinysd, "start", "steady.service").returncode == 0
        for _ in range(5):     # PID 1 answers all along
            assert systemctl(c, tinysd, "is-active", "steady.service").stdout == "active\n"
    finally:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    sent = sum(int(x) for x in out.split())
    assert sent > 3000, sent
    es = wait_entries(c, tinysd, lambda es: len(es) >= 600, "-u", "steady.service", timeout=30)
    syslog = [e["MESSAGE"] for e in es if e["_TRANSPORT"] == "syslog"]
    stdout = [e["MESSAGE"] for e in es if e["_TRANSPORT"] == "stdout"]
    assert syslog == [f"syslog {i}" for i in range(300)] and stdout == [f"stdout {i}" for i in range(300)]
    # what the rate limit dropped of the flood is counted and said
    m = c.wait_for(r"Suppressed (\d+) messages from processes without a unit", timeout=20)
    assert int(m.group(1)) > 0
    stored = len(entries(c, tinysd, "-t", "flood"))
    assert 0 < stored < sent


def c_exec_argv(c, argv):
    """The command line Container.exec() would run (to run it in the background)."""
    e = {k: v for k, v in c._environment().items() if k in ("PATH", "HOSTNAME", "HOME")}
    return ([pid1.NSENTER, "--target", str(c.pid1), "--pid", "--mount", "--uts", "--ipc", "--net", "--root", "--wd=/",
             "--", "/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in e.items()] + c._identity() + ["--"] + argv)


# ------------------------------------------------------------------------ stdout streams

STREAMS = r"""
import socket, sys, time
n = int(sys.argv[1])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/run/systemd/journal/stdout")
    socks.append(s)
time.sleep(3)                                   # PID 1 has taken or refused them all
ok = 0
for s in socks:
    try:
        s.sendall(b"held\n\n6\n0\n0\n0\n0\n")
        ok += 1
    except OSError:                             # refused: closed by PID 1
        pass
print(ok, flush=True)
sys.stdin.read()                                # hold them until told
"""


def test_5000_stdout_streams(boot, tinysd):
    c = boot(files={"/var/lib/streams.py": STREAMS}, units={"tick.service": """
        [Service]
        ExecStart=/bin/sh -c 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'
        """})
    c.wait_for(r"Reached target .*Multi-User")
    proc = subprocess.Popen(c_exec_argv(c, NOBODY + [PYTHON, "/var/lib/streams.py", "5000"]), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        held = int(proc.stdout.readline())
        # journald's 4,096, of which an unprivileged user gets all but root's 64
        assert held == 4096 - 64, held
        c.wait_for(r"^tinysd\[1\]: Too many stdout streams, refusing connection\.$")
        # root still gets in, a unit started now still logs, PID 1 answers
        p = c.exec([SYSTEMD_CAT, "-t", "root-cat", "/bin/echo", "root got in"], timeout=10)
        assert p.returncode == 0, p.stderr
        wait_entries(c, tinysd, lambda es: [e["MESSAGE"] for e in es] == ["root got in"], "-t", "root-cat")
        assert systemctl(c, tinysd, "start", "tick.service").returncode == 0
        c.wait_for(r"tick\.service\[\d+\]: tick 2")
    finally:
        proc.communicate(input="", timeout=30)
    assert c.output().count("Too many stdout streams, refusing connection.") == 1, "said once"


# ------------------------------------------------------------------------------ memfd

BIG_MEMFD = r"""
import fcntl, os, socket
fd = os.memfd_create("big", os.MFD_ALLOW_SEALING)
os.ftruncate(fd, 100 * 1024 * 1024)
os.pwrite(fd, b"MESSAGE=big\nBIG=", 0)
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect("/run/systemd/journal/socket")
for _ in range(3):
    socket.send_fds(s, [b""], [fd])
"""


def test_100mb_memfd_is_refused_in_journalds_words(boot, tinysd):
    c = boot(files={"/var/lib/big.py": BIG_MEMFD})
    c.wait_for(r"Reached target .*Multi-User")
    rss = int(c.proc_status()["VmRSS"].split()[0])
    p = c.exec(NOBODY + [PYTHON, "/var/lib/big.py"], timeout=30)
    assert p.returncode == 0, p.stderr
    c.wait_for(r"^tinysd\[1\]: File passed too large \(104857600 bytes\)\. Ignoring\.$")
    # said once; as journald's own message in the journal
    assert c.exec([LOGGER, "-t", "after", "fine"]).returncode == 0
    wait_entries(c, tinysd, lambda es: len(es) == 1, "-t", "after")
    assert c.output().count("File passed too large") == 1
    es = entries(c, tinysd, "-t", "systemd-journald")
    assert [e["MESSAGE"] for e in es] == ["File passed too large (104857600 bytes). Ignoring."]
    assert es[0]["_TRANSPORT"] == "driver" and es[0]["PRIORITY"] == "3"
    assert int(c.proc_status()["VmRSS"].split()[0]) - rss < 20 * 1024, "not read into PID 1"


# ----------------------------------------------------------------- SIGKILL during a flood

WRITERS = r"""
import socket, sys
kind = sys.argv[1]
i = 0
if kind == "stream":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/run/systemd/journal/stdout")
    s.sendall(b"w-stream\n\n6\n0\n0\n0\n0\n")
    while True:
        s.sendall(b"stream %d\n" % i)
        i += 1
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
while True:
    try:
        if kind == "native":
            s.sendto(b"MESSAGE=native %d\nSYSLOG_IDENTIFIER=w-native\n" % i, "/run/systemd/journal/socket")
        else:
            s.sendto(b"<13>w-syslog: syslog %d" % i, "/dev/log")
        i += 1
    except OSError:
        pass
"""


def test_sigkill_during_flood_keeps_every_complete_entry(boot, tinysd, container_factory):
    units = {f"w-{k}.service": f"""
        [Service]
        ExecStart={PYTHON} /var/lib/writers.py {k}
        """ for k in ("stream", "native", "syslog")}
    units["w-stdout.service"] = """
        [Service]
        ExecStart=/bin/sh -c 'i=0; while :; do echo "stdout $i"; i=$((i+1)); done'
        """
    c = boot(units=units, enable=list(units), files={"/var/lib/writers.py": WRITERS})
    c.wait_for(r"w-stdout\.service\[\d+\]: stdout 20000", timeout=30)
    c.wait_for(r"w-syslog\.service\[\d+\]: syslog 2000", timeout=30)
    # every writer well under way (a python writer may start after the shell one has written 20,000)
    # (a console line follows its entry into the file; the console may drop some under the flood,
    # so any number from 2,000 on will do)
    for k in ("stream", "native"):
        c.wait_for(rf"w-{k}\.service\[\d+\]: {k} ([2-9]\d{{3}}|\d{{5,}})$", timeout=30)
    c.kill()
    for u in units:
        c.path(f"/etc/systemd/system/multi-user.target.wants/{u}").unlink()
    c2 = container_factory(tinysd, workdir=c.workdir).start()
    c2.wait_for(r"Reached target .*Multi-User")
    for ident, word in (("w-stream", "stream"), ("w-native", "native"), ("w-syslog", "syslog"), ("sh", "stdout")):
        msgs = [e["MESSAGE"] for e in entries(c2, tinysd, "-t", ident)]
        assert len(msgs) > 1000, (ident, len(msgs))
        # datagrams still queued when PID 1 died were never read; what was read is all there, in order
        assert msgs == [f"{word} {i}" for i in range(len(msgs))], (ident, [m for i, m in enumerate(msgs) if m != f"{word} {i}"][:3])


# ------------------------------------------------------------ a stdout nobody reads

def test_stdout_nobody_reads_never_blocks_pid1(boot, tinysd):
    c = boot(env={"TINYSD_LOG_FORMAT": "json"}, units={"chatty.service": """
        [Service]
        ExecStart=/bin/sh -c 'i=0; while [ $i -lt 60000 ]; do echo "chatty $i padding padding padding padding"; i=$((i+1)); done; sleep 1000'
        """})
    c.wait_for(r'"Reached target multi-user.target')
    c.pause_stdout()
    assert systemctl(c, tinysd, "start", "chatty.service").returncode == 0
    es = wait_entries(c, tinysd, lambda es: len(es) == 60000, "-u", "chatty.service", "_TRANSPORT=stdout", timeout=60)
    for _ in range(3):
        assert systemctl(c, tinysd, "is-active", "chatty.service").stdout == "active\n"
    c.resume_stdout()
    m = c.wait_for(r'^\{.*"message":"(\d+) lines were not forwarded: stdout was not read \(the journal has them\)"\}$', timeout=30)
    assert int(m.group(1)) > 0
    assert c.stop() == 0
    for line in c.output().splitlines():
        json.loads(line)      # the note too: every line one JSON object
    assert len(es) == 60000
