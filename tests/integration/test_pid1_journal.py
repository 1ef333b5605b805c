# SPDX-License-Identifier: MIT
"""tinysd as PID 1: the journal server (issue 5, server side).

Contract assumed: PID 1 opens the journal store at boot (/var/log/journal/<machine-id> when
/var/log/journal is writable) and every line it forwards to stdout is also an entry there, with
journald's trusted fields (_PID, _UID, _GID, _COMM, _EXE, _SYSTEMD_UNIT, _TRANSPORT, _BOOT_ID,
_MACHINE_ID, _HOSTNAME ...). Its own status lines are stored as systemd's (_PID=1,
SYSLOG_IDENTIFIER=systemd, UNIT=), so `journalctl -u` shows them. /run/systemd/journal/socket
(native protocol, sealed memfds too), /run/systemd/journal/stdout (systemd-cat) and
/run/systemd/journal/dev-log (= /dev/log; logger) feed the same path, attributed to the sender's
unit. A stdout nobody reads never stalls PID 1: lines that do not fit its bounded queue are
counted and one line says how many once stdout drains; the journal has them all. Rate limiting
is off unless journald.conf sets it; X-Tinysd-ForwardToConsole=no keeps a unit's lines off stdout.
Entries survive a SIGKILL of PID 1 and the next boot appends.

tinysd's journalctl runs inside the container (the build directory is visible there; its
`journalctl` symlink gives the name)."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

LOGGER = shutil.which("logger", path="/usr/bin:/bin")
pytestmark = pytest.mark.skipif(not LOGGER or not shutil.which("systemd-cat", path="/usr/bin:/bin"),
                                reason="util-linux logger or systemd-cat missing")
SYSTEMD_CAT = shutil.which("systemd-cat", path="/usr/bin:/bin")
PYTHON = "/usr/bin/python3"


def journalctl(c, tinysd, *args, timeout=20):
    j = pathlib.Path(tinysd).with_name("journalctl")
    p = c.exec([str(j), *args], timeout=timeout, env={"SYSTEMD_COLORS": "0"})
    assert p.returncode == 0, p.stderr
    return p.stdout


def entries(c, tinysd, *args):
    out = journalctl(c, tinysd, "-a", "-o", "json", *args)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def messages(es):
    return [e.get("MESSAGE") for e in es]


def wait_entries(c, tinysd, pred, *args, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        es = entries(c, tinysd, *args)
        if pred(es):
            return es
        if time.monotonic() > deadline:
            raise AssertionError(f"journal never satisfied the condition; has: {json.dumps(es)[-3000:]}")
        time.sleep(0.2)


def test_service_output_is_stored_with_trusted_fields(boot, tinysd):
    c = boot(units={"talk.service": r"""
        [Unit]
        Description=Talker
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo $$$$ > /run/talk.pid; echo to-out; echo to-err >&2; head -c 100000 /dev/zero | tr "\\\\0" x; echo; printf "bin\\001\\377\\376garbage\\n"; printf "no-newline-at-end"'
        """}, enable=["talk.service"])
    c.wait_for(r"Finished talk\.service")
    pid = int(c.path("/run/talk.pid").read_text())
    es = wait_entries(c, tinysd, lambda es: "no-newline-at-end" in messages(es), "-u", "talk.service")
    out = [e for e in es if e.get("_TRANSPORT") == "stdout"]
    msgs = messages(out)
    assert msgs[:2] == ["to-out", "to-err"], msgs
    assert "".join(m for m in msgs if isinstance(m, str) and set(m) == {"x"}) == "x" * 100000
    assert [len(m) for m in msgs if isinstance(m, str) and set(m) == {"x"}][0] == 48 * 1024, "LineMax split"
    garbage = [m for m in msgs if isinstance(m, list)]
    assert garbage == [list(b"bin\x01\xff\xfegarbage")], msgs    # binary-safe: JSON byte array
    last = out[-1]
    assert last["MESSAGE"] == "no-newline-at-end" and last["_LINE_BREAK"] == "eof"
    mid = c.exec(["cat", "/etc/machine-id"]).stdout.strip()
    boot_id = c.exec(["cat", "/proc/sys/kernel/random/boot_id"]).stdout.strip().replace("-", "")
    for e in out:
        # each line is credited to the process that wrote it, as journald does (SCM_CREDENTIALS):
        # the x lines come from `tr`, the rest from the shell; a writer that exited before PID 1
        # read its data has no /proc entry left (_COMM, _EXE), as with journald
        writer = "tr" if isinstance(e["MESSAGE"], str) and set(e["MESSAGE"]) == {"x"} else "sh"
        assert e.get("_COMM", writer) == writer and e.get("_EXE", writer).endswith(writer), e
        assert (e["_PID"] == str(pid)) == (writer == "sh") and e["_SYSTEMD_UNIT"] == "talk.service"
        assert e["_UID"] == "0" and e["_GID"] == "0" and e["SYSLOG_IDENTIFIER"] == "sh"
        assert e["_MACHINE_ID"] == mid and e["_BOOT_ID"] == boot_id and e["_HOSTNAME"] == c.hostname
        assert e["PRIORITY"] == "6" and e["SYSLOG_FACILITY"] == "3"
        assert re.fullmatch(r"[0-9a-f]{32}", e["_SYSTEMD_INVOCATION_ID"]) and re.fullmatch(r"[0-9a-f]{32}", e["_STREAM_ID"])
    # the manager's own lines: journalctl -u shows them (UNIT= with _PID=1)
    mine = [e for e in es if e.get("_PID") == "1"]
    assert any(e["MESSAGE"] == "Finished talk.service - Talker." and e["UNIT"] == "talk.service"
               and e["SYSLOG_IDENTIFIER"] == "systemd" for e in mine), mine
    # stdout got the same lines
    assert f"talk.service[{pid}]: to-err\n" in c.output()
    # the short output a user reads
    text = journalctl(c, tinysd, "-u", "talk.service", "-o", "short")
    assert re.search(rf" sh\[{pid}\]: to-out\n.* sh\[{pid}\]: to-err\n", text), text
    assert re.search(rf" sh\[{pid}\]: \[\d+B blob data\]\n", text), text     # the garbage line
    assert re.search(r" systemd\[1\]: Finished talk\.service - Talker\.\n", text), text


def test_settings_apply_to_stored_entries(boot, tinysd):
    c = boot(units={"cfg.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo "<7>debug-line"; echo "<3>error-line"; echo "<5>notice-line"'
        LogLevelMax=notice
        SyslogIdentifier=myident
        SyslogFacility=local3
        LogExtraFields=COLOUR=blue
        """}, enable=["cfg.service"])
    es = wait_entries(c, tinysd, lambda es: "notice-line" in messages(es), "-u", "cfg.service")
    out = {e["MESSAGE"]: e for e in es if e.get("_TRANSPORT") == "stdout"}
    assert set(out) == {"error-line", "notice-line"}, "LogLevelMax= drops debug, prefixes set levels"
    assert out["error-line"]["PRIORITY"] == "3" and out["notice-line"]["PRIORITY"] == "5"
    for e in out.values():
        assert e["SYSLOG_IDENTIFIER"] == "myident" and e["SYSLOG_FACILITY"] == "19" and e["COLOUR"] == "blue"
    assert journalctl(c, tinysd, "-t", "myident", "-o", "cat") == "error-line\nnotice-line\n"


RELOADED = """
[Service]
ExecStart=/bin/sh -c 'i=0; while :; do echo "line $i"; i=$((i+1)); sleep 0.1; done'
SyslogIdentifier={ident}
LogExtraFields={field}
LogLevelMax={level}
"""


def test_a_running_stream_keeps_the_settings_it_was_made_with(boot, tinysd):
    """daemon-reload replaces the unit's configuration; a running process's stream keeps copies of
    the settings it was made with (journald too keeps a unit's settings from its start), and reads
    nothing freed (the ASan build would report it); a restart takes the new ones."""
    c = boot(units={"rl.service": RELOADED.format(ident="before", field="PHASE=one", level="info")},
             enable=["rl.service"])
    c.wait_for(r"rl\.service\[\d+\]: line 3")
    c.write_unit("rl.service", RELOADED.format(ident="after", field="PHASE=two", level="debug"))
    sc = pathlib.Path(tinysd).with_name("systemctl")
    for _ in range(3):      # each reload frees the configuration the old loader held
        assert c.exec([str(sc), "daemon-reload"]).returncode == 0
    first = c.wait_for(r"rl\.service\[\d+\]: line (\d+)").group(1)
    es = wait_entries(c, tinysd, lambda es: len(es) >= int(first) + 10, "-u", "rl.service", "_TRANSPORT=stdout")
    assert {(e["SYSLOG_IDENTIFIER"], e["PHASE"]) for e in es} == {("before", "one")}
    assert c.exec([str(sc), "restart", "rl.service"]).returncode == 0
    es = wait_entries(c, tinysd, lambda es: any(e["SYSLOG_IDENTIFIER"] == "after" for e in es[-3:]),
                      "-u", "rl.service", "_TRANSPORT=stdout")
    assert es[-1]["PHASE"] == "two"


def test_logger_and_systemd_cat(boot, tinysd):
    c = boot(units={"clients.service": f"""
        [Service]
        Type=oneshot
        ExecStart={LOGGER} -t from-logger -p user.warning hello via dev-log
        ExecStart={SYSTEMD_CAT} -t from-cat -p err /bin/echo hello via stdout socket
        """}, enable=["clients.service"])
    c.wait_for(r"Reached target .*Multi-User")
    assert os.readlink(f"/proc/{c.pid1}/root/dev/log") == "/run/systemd/journal/dev-log"
    es = wait_entries(c, tinysd, lambda es: {"from-logger", "from-cat"} <= {e.get("SYSLOG_IDENTIFIER") for e in es},
                      "-u", "clients.service")
    lg = next(e for e in es if e.get("SYSLOG_IDENTIFIER") == "from-logger")
    assert lg["MESSAGE"] == "hello via dev-log" and lg["_TRANSPORT"] == "syslog" and lg["PRIORITY"] == "4"
    # _COMM comes from /proc/PID/comm: a sender that exited before the datagram was read has none (as
    # under journald; seen once in CI under ASan)
    assert lg["_SYSTEMD_UNIT"] == "clients.service" and lg.get("_COMM", "logger") == "logger"
    cat = next(e for e in es if e.get("SYSLOG_IDENTIFIER") == "from-cat")
    assert cat["MESSAGE"] == "hello via stdout socket" and cat["_TRANSPORT"] == "stdout" and cat["PRIORITY"] == "3"
    assert cat["_SYSTEMD_UNIT"] == "clients.service"
    # forwarded to stdout too
    c.wait_for(r"clients\.service\[\d+\]: hello via dev-log")
    c.wait_for(r"clients\.service\[\d+\]: hello via stdout socket")
    # a client outside any unit (docker exec): in the journal, no unit
    p = c.exec([LOGGER, "-t", "outside", "from docker exec"])
    assert p.returncode == 0, p.stderr
    es = wait_entries(c, tinysd, lambda es: len(es) == 1, "-t", "outside")
    assert es[0]["MESSAGE"] == "from docker exec" and "_SYSTEMD_UNIT" not in es[0]
    p = c.exec([SYSTEMD_CAT, "-t", "cat-outside", "/bin/echo", "piped"])
    assert p.returncode == 0, p.stderr
    assert wait_entries(c, tinysd, lambda es: len(es) == 1, "-t", "cat-outside")[0]["MESSAGE"] == "piped"


NATIVE_CLIENT = r"""
import fcntl, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
blob = b"two\nlines\0and a NUL"
d = (b"MESSAGE=native hello\nPRIORITY=2\nSYSLOG_IDENTIFIER=native-client\nBLOB\n" +
     struct.pack("<Q", len(blob)) + blob + b"\n_FAKE=refused\n")
s.sendto(d, "/run/systemd/journal/socket")
fd = os.memfd_create("journal", os.MFD_ALLOW_SEALING)
os.write(fd, b"MESSAGE=memfd hello\nSYSLOG_IDENTIFIER=native-client\nBIG=" + b"y" * 300000 + b"\n")
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
s.connect("/run/systemd/journal/socket")
socket.send_fds(s, [b""], [fd])
"""


def test_native_protocol_and_memfd(boot, tinysd):
    c = boot(units={"native.service": f"""
        [Service]
        Type=oneshot
        ExecStart={PYTHON} /var/lib/native-client.py
        """}, enable=["native.service"], files={"/var/lib/native-client.py": NATIVE_CLIENT})
    es = wait_entries(c, tinysd, lambda es: {"native hello", "memfd hello"} <= set(messages(es)), "-t", "native-client")
    n = next(e for e in es if e["MESSAGE"] == "native hello")
    assert n["BLOB"] == list(b"two\nlines\0and a NUL") and n["PRIORITY"] == "2" and "_FAKE" not in n
    assert n["_TRANSPORT"] == "journal" and n["_SYSTEMD_UNIT"] == "native.service" and n["_COMM"].startswith("python")
    m = next(e for e in es if e["MESSAGE"] == "memfd hello")
    assert m["BIG"] == "y" * 300000 and m["_SYSTEMD_UNIT"] == "native.service"
    c.wait_for(r"native\.service\[\d+\]: native hello")


def test_blocked_stdout_keeps_pid1_working_and_counts_lost_lines(boot, tinysd):
    c = boot()
    c.wait_for(r"Reached target .*Multi-User")
    c.pause_stdout()
    # 40000 lines (2 MB) through the stdout socket: more than the pipe and PID 1's 1 MiB queue
    flood = c.exec(["/bin/sh", "-c",
                    "i=0; while [ $i -lt 40000 ]; do echo \"flood line $i padding padding padding padding\"; "
                    f"i=$((i+1)); done | {SYSTEMD_CAT} -t flooder; echo ok"], timeout=60)
    assert flood.returncode == 0 and "ok" in flood.stdout, flood.stderr
    # PID 1 still works while nobody reads its stdout: new entries reach the journal
    assert c.exec([LOGGER, "-t", "probe", "still alive"]).returncode == 0
    wait_entries(c, tinysd, lambda es: len(es) == 1, "-t", "probe")
    c.resume_stdout()
    m = c.wait_for(r"^tinysd: (\d+) lines were not forwarded: stdout was not read \(the journal has them\)$", timeout=20)
    lost = int(m.group(1))
    es = wait_entries(c, tinysd, lambda es: len(es) >= 40000, "-t", "flooder", timeout=30)
    assert messages(es) == [f"flood line {i} padding padding padding padding" for i in range(40000)]
    forwarded = len(re.findall(r"^flooder\[\d+\]: flood line \d+ padding padding padding padding$", c.output(), re.M))
    assert 0 < lost and forwarded < 40000 and forwarded + lost >= 40000, (forwarded, lost)
    assert len(re.findall(r"lines were not forwarded", c.output())) == 1
    # forwarding resumed: a later line arrives
    c.exec([LOGGER, "-t", "after", "back to normal"])
    c.wait_for(r"after\[\d+\]: back to normal")


def test_flooding_service_does_not_delay_another(boot, tinysd):
    c = boot(units={
        "flood.service": """
            [Service]
            ExecStart=/bin/sh -c 'while :; do echo "flood flood flood flood flood flood flood flood flood"; done'
            """,
        "tick.service": """
            [Service]
            ExecStart=/bin/sh -c 'i=0; while [ $i -lt 10 ]; do echo "tick $i $(date +%%s%%N)"; i=$((i+1)); sleep 0.2; done'
            """}, enable=["flood.service", "tick.service"])
    m = c.wait_for(r"tick\.service\[\d+\]: tick 9 (\d+)", timeout=20)
    delays = []
    for mm in re.finditer(r"tick\.service\[\d+\]: tick \d+ (\d+)", c.output()):
        delays.append(mm.group(1))
    assert len(delays) == 10 and m
    # every tick is also in the journal, promptly, despite the flood
    es = wait_entries(c, tinysd, lambda es: len(es) >= 10, "-u", "tick.service", "_TRANSPORT=stdout")
    for e in es:
        sent = int(e["MESSAGE"].split()[2]) // 1000
        assert int(e["__REALTIME_TIMESTAMP"]) - sent < 2_000_000, "a tick waited behind the flood"
    assert len(entries(c, tinysd, "-u", "flood.service", "-n", "5")) == 5


def test_entries_survive_sigkill_and_next_boot_appends(boot, tinysd, container_factory):
    units = {"w.service": """
        [Service]
        ExecStart=/bin/sh -c 'i=0; while :; do echo "write $i"; i=$((i+1)); done'
        """}
    c = boot(units=units, enable=["w.service"])
    c.wait_for(r"w\.service\[\d+\]: write 20000", timeout=20)
    c.kill()
    c.path("/etc/systemd/system/multi-user.target.wants/w.service").unlink()
    c2 = container_factory(tinysd, workdir=c.workdir, units={"after.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/echo second boot
        """}, enable=["after.service"]).start()
    c2.wait_for(r"Finished after\.service")
    es = wait_entries(c2, tinysd, lambda es: "second boot" in messages(es), "-u", "after.service")
    runs = {}
    for e in entries(c2, tinysd, "-u", "w.service", "_TRANSPORT=stdout"):
        runs.setdefault(e["_SYSTEMD_INVOCATION_ID"], []).append(e["MESSAGE"])
    assert len(runs) == 1
    first = list(runs.values())[0]
    assert len(first) >= 20000
    bad = [(i, m) for i, m in enumerate(first) if m != f"write {i}"]
    assert not bad, ("every complete entry, in order, none torn", bad[:5], len(first))
    everything = messages(entries(c2, tinysd, "-n", "all"))
    assert everything.index("second boot") > everything.index(first[-1]), "appended after the old entries"
    boots = {e["_BOOT_ID"] for e in entries(c2, tinysd, "-n", "100000")}
    assert len(boots) == 1, "same kernel: systemd also keeps the boot id across container restarts"


def test_rate_limit_when_configured(boot, tinysd):
    c = boot(units={"chatty.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i"; done; sleep 1.5; echo after-window'
        """, "calm.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "calm $i"; done'
        LogRateLimitBurst=100
        """}, enable=["chatty.service", "calm.service"],
        files={"/etc/systemd/journald.conf.d/50-rate.conf": "[Journal]\nRateLimitIntervalSec=1s\nRateLimitBurst=5\n"})
    c.wait_for(r"Finished chatty\.service", timeout=20)
    out = c.output()
    assert [f"line {i}" for i in range(1, 6)] == re.findall(r"chatty\.service\[\d+\]: (line \d+)", out)
    assert "Suppressed 7 messages from chatty.service" in out
    es = entries(c, tinysd, "_TRANSPORT=stdout", "-u", "chatty.service")
    assert messages(es) == [f"line {i}" for i in range(1, 6)] + ["after-window"]
    sup = entries(c, tinysd, "MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e")
    assert messages(sup) == ["Suppressed 7 messages from chatty.service"]
    assert len(entries(c, tinysd, "-u", "calm.service", "_TRANSPORT=stdout")) == 12, "LogRateLimitBurst= per unit"


def test_rate_limit_off_by_default(boot, tinysd):
    c = boot(units={"many.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'i=0; while [ $i -lt 20000 ]; do echo "m $i"; i=$((i+1)); done'
        """}, enable=["many.service"])
    c.wait_for(r"Finished many\.service", timeout=30)
    assert len(entries(c, tinysd, "-u", "many.service", "_TRANSPORT=stdout")) == 20000
    assert "Suppressed" not in c.output()


def test_per_unit_opt_out_of_forwarding(boot, tinysd):
    c = boot(units={"secret.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/echo only-in-the-journal
        ExecStart=/usr/bin/logger -t secret-logger also-journal-only
        X-Tinysd-ForwardToConsole=no
        """, "loud.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/echo on-stdout
        """}, enable=["secret.service", "loud.service"])
    c.wait_for(r"Finished secret\.service")
    c.wait_for(r"loud\.service\[\d+\]: on-stdout")
    wait_entries(c, tinysd, lambda es: {"only-in-the-journal", "also-journal-only"} <= set(messages(es)),
                 "-u", "secret.service")
    assert "only-in-the-journal" not in c.output() and "also-journal-only" not in c.output()
    # systemd ignores the X- key: the unit is valid there too
    v = c.exec(["/usr/bin/systemd-analyze", "verify", "/etc/systemd/system/secret.service"])
    assert "X-Tinysd" not in v.stderr, v.stderr


def test_lines_written_while_stopping_reach_stdout_and_journal(boot, tinysd):
    c = boot(units={"bye.service": """
        [Service]
        ExecStart=/bin/sh -c 'trap "echo stopping-now; logger -t bye-logger logged-while-stopping; exit 0" TERM; echo up; while :; do sleep 0.1; done'
        """}, enable=["bye.service"])
    c.wait_for(r"bye\.service\[\d+\]: up")
    c.stop()
    out = c.output()
    assert re.search(r"bye\.service\[\d+\]: stopping-now", out), out
    # a short-lived sender may be gone before PID 1 reads its datagram: then (as with journald) no
    # unit can be found for it, and the line is named by its identifier
    assert re.search(r"(bye\.service|bye-logger)\[\d+\]: logged-while-stopping", out), out
    j = pathlib.Path(tinysd).with_name("journalctl")
    mid = pathlib.Path("/etc/machine-id").read_text().strip()
    jdir = str(c.path(f"/var/log/journal/{mid}"))
    p = subprocess.run([str(j), "-D", jdir, "-u", "bye.service", "-o", "cat"], capture_output=True, text=True, timeout=20)
    assert "stopping-now\n" in p.stdout and "Stopped bye.service.\n" in p.stdout, p.stdout + p.stderr
    p = subprocess.run([str(j), "-D", jdir, "-t", "bye-logger", "-o", "cat"], capture_output=True, text=True, timeout=20)
    assert p.stdout == "logged-while-stopping\n", p.stdout + p.stderr
    # the store was closed cleanly: the last entries are the manager's final lines
    p = subprocess.run([str(j), "-D", jdir, "-n", "1", "-o", "cat"], capture_output=True, text=True, timeout=20)
    assert p.stdout.startswith(("Stopped target", "Removed slice")), p.stdout


def test_unusable_store_never_stops_forwarding(boot, tinysd, tmp_path):
    # /var/log/journal and /run/log are files: no store anywhere
    c = boot(start=False, units={"still.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/echo forwarded anyway
        """}, enable=["still.service"])
    c.path("/var/log/journal").write_text("not a directory")
    c.path("/run/log").write_text("not a directory")
    c.start()
    c.wait_for(r"still\.service\[\d+\]: forwarded anyway")
    c.wait_for(r"Finished still\.service")
    out = c.output()
    assert len(re.findall(r"Cannot open the journal in /run/log/journal/\w+: .*Messages are forwarded to stdout only\.", out)) == 1, out
    assert c.exec([LOGGER, "-t", "x", "socket still served"]).returncode == 0
    c.wait_for(r"x\[\d+\]: socket still served")


def test_volatile_fallback_when_var_log_journal_is_unusable(boot, tinysd):
    c = boot(start=False, units={"v.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/echo into run
        """}, enable=["v.service"])
    c.path("/var/log/journal").write_text("not a directory")
    c.start()
    c.wait_for(r"Finished v\.service")
    mid = c.exec(["cat", "/etc/machine-id"]).stdout.strip()
    assert c.path(f"/run/log/journal/{mid}").is_dir()
    assert messages(wait_entries(c, tinysd, lambda es: len(es) == 1, "-u", "v.service", "_TRANSPORT=stdout")) == ["into run"]


def test_unprivileged_pid1(boot, tinysd):
    c = boot(user=1000, units={"u.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/echo as uid 1000
        """}, enable=["u.service"])
    c.wait_for(r"Finished u\.service")
    es = wait_entries(c, tinysd, lambda es: len(es) == 1, "-u", "u.service", "_TRANSPORT=stdout")
    assert es[0]["_UID"] == "1000" and es[0]["MESSAGE"] == "as uid 1000", repr(es)
    # /dev/log cannot be made by uid 1000: said once; the socket itself works
    assert len(re.findall(r"Cannot create /dev/log", c.output())) == 1, c.output()
    p = c.exec([LOGGER, "-u", "/run/systemd/journal/dev-log", "-t", "direct", "hi"])
    assert p.returncode == 0, p.stderr
    c.wait_for(r"direct\[\d+\]: hi")


HOSTILE = r"""
import os, socket, struct, time
socks = []
for i in range(300):                      # more than PID 1 accepts
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect("/run/systemd/journal/stdout")
    except OSError:
        break
    socks.append(s)
socks[0].sendall(b"\xff" * 300)           # a header line that never ends: the stream is closed
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
d.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
for payload in (b"\0" * 100, b"BIN\n" + struct.pack("<Q", 1 << 60), b"=x\n" * 2000, os.urandom(150000)):
    try:
        d.sendto(payload, "/run/systemd/journal/socket")
        d.sendto(payload, "/run/systemd/journal/dev-log")
    except OSError:
        pass
r, w = os.pipe()
f = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
f.connect("/run/systemd/journal/socket")   # send_fds() ignores its address argument
socket.send_fds(f, [b""], [r])
print("sent", len(socks), flush=True)
time.sleep(2)                             # hold the connections: PID 1 sees them all at once
"""


def test_hostile_clients_degrade_only_themselves(boot, tinysd):
    c = boot(files={"/var/lib/hostile.py": HOSTILE})
    c.wait_for(r"Reached target .*Multi-User")
    p = c.exec([PYTHON, "/var/lib/hostile.py"], timeout=30)
    assert p.returncode == 0 and p.stdout.startswith("sent 300"), p.stderr
    # each refusal in journald's words, once (the stream limit itself: test_hostile_journal.py)
    out = c.output()
    for words in ("Control protocol line not properly terminated.", "File passed is not regular. Ignoring.",
                  "Received binary data block of ",   # BIN's, or the random datagram's first
                  "Received message with trailing noise, ignoring."):
        assert out.count(words) == 1, (words, out[-3000:])
    assert c.exec([LOGGER, "-t", "fine", "after the attack"]).returncode == 0
    c.wait_for(r"fine\[\d+\]: after the attack")
    assert messages(wait_entries(c, tinysd, lambda es: len(es) == 1, "-t", "fine")) == ["after the attack"]


def test_manager_messages_about_a_unit_carry_unit(boot, tinysd):
    c = boot(units={"bad.service": """
        [Unit]
        Description=Bad
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo failing; exit 3'
        """}, enable=["bad.service"])
    c.wait_for(r"Failed to start bad\.service")
    es = wait_entries(c, tinysd, lambda es: any(e.get("MESSAGE_ID") == "be02cf6855d2428ba40df7e9d022f03d" for e in es),
                      "-u", "bad.service")
    mine = {e["MESSAGE"]: e for e in es if e["_PID"] == "1"}
    exited = [m for m in mine if m.startswith("bad.service: Main process exited, code=exited, status=3/")]
    assert len(exited) == 1 and mine[exited[0]]["UNIT"] == "bad.service", list(mine)
    failed = mine["Failed to start bad.service - Bad."]
    assert failed["PRIORITY"] == "3" and failed["UNIT"] == "bad.service" and failed["SYSLOG_IDENTIFIER"] == "systemd"
    assert [e["MESSAGE"] for e in es if e["_PID"] != "1"] == ["failing"]


# ------------------------------------------------- ForwardToSyslog= (issue 16), rsyslog's stand-in

FAKE_RSYSLOG = r"""
import json, os, socket, struct
s = socket.socket(fileno=3)                   # syslog.socket's datagram socket, as rsyslog gets it
s.setblocking(True)                            # passed non-blocking, as systemd does
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
with open("/run/fake-syslog.pid", "w") as p:
    p.write(str(os.getpid()))
with open("/run/syslog.out", "a") as f:
    while True:
        data, anc, _, _ = s.recvmsg(1 << 16, socket.CMSG_SPACE(12))
        cred = None
        for level, kind, d in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                cred = list(struct.unpack("iII", d[:12]))
        f.write(json.dumps({"data": data.decode("utf-8", "replace"), "cred": cred}) + "\n")
        f.flush()
"""

NATIVE_LINE = r"""
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"MESSAGE=native hello\nPRIORITY=3\nSYSLOG_IDENTIFIER=nat\n", "/run/systemd/journal/socket")
"""

SYSLOG_UNITS = {
    "fake-syslog.socket": """
        [Socket]
        ListenDatagram=/run/systemd/journal/syslog
        [Install]
        WantedBy=sockets.target
        """,
    "fake-syslog.service": f"""
        [Service]
        ExecStart={PYTHON} /var/lib/fake-rsyslog.py
        """,
    "talk.service": f"""
        [Unit]
        Description=Talk
        After=fake-syslog.socket
        [Service]
        Type=oneshot
        User=nobody
        ExecStart=/bin/sh -c 'echo "plain line"; echo "<7>debug line"; echo "<3>error line"'
        ExecStart={LOGGER} -p local3.err -t tagged via dev-log
        ExecStart={PYTHON} /var/lib/native-line.py
        """,
}


def _syslog_received(c, pred, timeout=10):
    def get():
        p = c.path("/run/syslog.out")
        got = [json.loads(line) for line in p.read_text().splitlines()] if p.exists() else []
        return got if pred(got) else None
    return c.wait_until(get, timeout=timeout, what="the syslog datagrams")


def test_forward_to_syslog(boot, tinysd):
    """A syslog daemon on /run/systemd/journal/syslog gets every entry as journald sends it."""
    c = boot(units=SYSLOG_UNITS, enable={"fake-syslog.socket": "sockets.target", "talk.service": "multi-user.target"},
             files={"/var/lib/fake-rsyslog.py": FAKE_RSYSLOG, "/var/lib/native-line.py": NATIVE_LINE,
                    "/etc/systemd/journald.conf.d/50-syslog.conf": "[Journal]\nMaxLevelSyslog=info\n"})
    got = _syslog_received(c, lambda g: any("Finished talk.service" in d["data"] for d in g))
    ts = r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d "
    text = [d["data"] for d in got]
    nobody = 65534
    plain = next(d for d in got if d["data"].endswith("plain line"))
    # the service's stdout: daemon facility (SyslogFacility=), its identifier, the writer's pid
    m = re.fullmatch(rf"<30>{ts}sh\[(\d+)\]: plain line", plain["data"])
    assert m, plain
    # Docker's capabilities have no CAP_SYS_ADMIN: PID 1 passes its own pid, with the sender's uid/gid
    assert plain["cred"] == [1, nobody, nobody], plain
    assert any(re.fullmatch(rf"<27>{ts}sh\[\d+\]: error line", t) for t in text), text
    assert not any("debug line" in t for t in text), "MaxLevelSyslog=info"
    # /dev/log datagrams as they came
    assert any(t.startswith("<155>") and "tagged" in t and t.endswith("via dev-log") for t in text), text
    # native: user facility when the entry has none
    assert any(re.fullmatch(rf"<11>{ts}nat\[\d+\]: native hello", t) for t in text), text
    # the manager's lines, as systemd's
    assert any(re.fullmatch(rf"<30>{ts}systemd\[1\]: Finished talk\.service - Talk\.", t) for t in text), text


def test_forward_to_syslog_never_blocks(boot, tinysd):
    """A syslog daemon that stops reading: PID 1 goes on; what was missed is counted and said."""
    c = boot(units=SYSLOG_UNITS, enable={"fake-syslog.socket": "sockets.target"},
             files={"/var/lib/fake-rsyslog.py": FAKE_RSYSLOG, "/var/lib/native-line.py": NATIVE_LINE})
    c.wait_for(r"Reached target .*Multi-User")
    assert c.exec([LOGGER, "-t", "first", "wakes it"]).returncode == 0
    _syslog_received(c, lambda g: any("wakes it" in d["data"] for d in g))
    pid = c.path("/run/fake-syslog.pid").read_text()
    assert c.exec(["kill", "-STOP", pid]).returncode == 0
    flood = c.exec(["/bin/sh", "-c", f"for i in $(seq 300); do echo line $i; done | {SYSTEMD_CAT} -t flood"], timeout=30)
    assert flood.returncode == 0, flood.stderr
    m = c.wait_for(r"^tinysd\[1\]: Forwarding to syslog missed (\d+) messages\.$")
    assert int(m.group(1)) >= 1
    sc = pathlib.Path(tinysd).with_name("systemctl")
    assert c.exec([str(sc), "is-active", "fake-syslog.socket"], timeout=5).stdout == "active\n"
    # the journal has every line, whatever syslog missed
    assert len(wait_entries(c, tinysd, lambda es: len(es) == 300, "-t", "flood")) == 300
    assert c.exec(["kill", "-CONT", pid]).returncode == 0
    assert c.output().count("Forwarding to syslog missed") == 1, "at most once in 30 s"
