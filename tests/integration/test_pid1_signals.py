# SPDX-License-Identifier: MIT
"""tinysd as PID 1: the signals it acts on, sent from outside with kill(2) as `docker kill -s`
and `docker stop` do, for every build (glibc, ASan, and the static musl build containers get).

Contract assumed: "SIGRTMIN+n" is signal 34+n everywhere -- in what PID 1 acts on, in unit
files, in `systemctl kill -s`, in `systemctl show` and status lines -- whatever C library tinysd
is built with (musl's own SIGRTMIN is 35). systemd(1) SIGNALS, as README "Running it" describes
for a container: SIGTERM/SIGINT and SIGRTMIN+3..+6 stop every unit in reverse order (ExecStop=
runs) and exit 0; SIGRTMIN+13..+16 and +24 exit 0 at once (no ExecStop=; what is left gets
SIGTERM); SIGHUP and SIGRTMIN+25 reload; SIGRTMIN+0/+1/+2 isolate default/rescue/emergency;
SIGRTMIN+20/+21 status lines on/off; SIGRTMIN+22/+23 log level debug/back; SIGRTMIN+26..+29 the log
target; SIGUSR2 dumps the state; SIGWINCH/SIGPWR start kbrequest.target/sigpwr.target. Every
other signal PID 1 can catch is said in the log exactly once per delivery.

The observed signal x build matrix is written to BASETEMP/signal-matrix.txt and printed (-s)."""
import pathlib
import re
import signal

import pytest

from conftest import STATIC, run
from pid1 import LONG_RUNNING, MULTI_USER, ContainerError, is_sanitizer_build, started, stopped

SYSTEMCTL = "/usr/bin/systemctl"
ROOT = pathlib.Path(__file__).resolve().parents[2]


def RT(n):
    """systemd's SIGRTMIN+n: Python's signal.SIGRTMIN is glibc's, 34, the kernel's numbering."""
    assert signal.SIGRTMIN == 34
    return 34 + n


def name(sig):
    return f"SIGRTMIN+{sig - 34}" if sig >= 34 else signal.Signals(sig).name


def build_of(binary):
    if str(binary) == str(STATIC) or "static" in str(binary):
        return "static"
    return "asan" if is_sanitizer_build(binary) else "glibc"


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    rows = {}
    yield rows
    builds = [b for b in ("glibc", "asan", "static") if any(k[1] == b for k in rows)]
    order = list(dict.fromkeys(k[0] for k in rows))
    w = max([len(r) for r in order] + [6])
    cw = max([len(v) for v in rows.values()] + [6])
    lines = ["signal".ljust(w) + "".join(f" | {b:<{cw}}" for b in builds)]
    lines.append("-" * len(lines[0]))
    for r in order:
        lines.append(r.ljust(w) + "".join(f" | {rows.get((r, b), '-'):<{cw}}" for b in builds))
    text = "\n".join(lines) + "\n"
    out = tmp_path_factory.getbasetemp() / "signal-matrix.txt"
    out.write_text(text)
    print(f"\n--- signal x build matrix ({out}) ---\n{text}")


@pytest.fixture
def record(matrix, tinysd):
    def rec(row, observed):
        matrix[(row, build_of(tinysd))] = observed
    return rec


def ctl(c, *args, timeout=20):
    return c.exec([SYSTEMCTL, "--no-pager", *args], timeout=timeout)


def prop(c, *args):
    return ctl(c, "show", *args).stdout.strip()


def props(c, *args):
    """`systemctl show -p A,B UNIT` as {A: value}: systemctl prints them in the interface's order."""
    return dict(line.split("=", 1) for line in ctl(c, "show", *args).stdout.splitlines() if "=" in line)


def service(name, description, *lines):
    return "\n".join(["[Unit]", f"Description={description}", *lines, "[Service]",
                      f"ExecStart=/opt/test/long-running {name} /run/seq",
                      f"ExecStop=/bin/sh -c 'echo execstop {name} >> /run/seq'", ""])


A_B = {"a.service": service("a", "Service A"), "b.service": service("b", "Service B", "After=a.service")}


def boot_a_b(boot, units=None, **kw):
    """a.service and b.service (After=a.service), long-running, enabled, each with ExecStop=."""
    c = boot(units={**A_B, **(units or {})}, enable=["a.service", "b.service"],
             files={"/opt/test/long-running": LONG_RUNNING}, **kw)
    c.wait_for(MULTI_USER)
    wait_seq(c, ["start a", "start b"])
    return c


def seq(c):
    p = c.path("/run/seq")
    return p.read_text().splitlines() if p.exists() else []


def wait_seq(c, lines, what=None):
    c.wait_until(lambda: set(lines) <= set(seq(c)), what=what or f"{lines} in /run/seq")


def count(c, regex):
    return len(re.findall(regex, c.output(), re.M))


# ---------------------------------------------------------------- stopping the container

ORDERLY = [signal.SIGTERM, signal.SIGINT, RT(3), RT(4), RT(5), RT(6)]
AT_ONCE = [RT(13), RT(14), RT(15), RT(16), RT(24)]


def wait_exit(c, record, row):
    try:
        return c.wait()
    except ContainerError:
        record(row, "still running after 10 s")
        raise


@pytest.mark.parametrize("sig", ORDERLY, ids=name)
def test_orderly_stop_runs_exec_stop_in_reverse_order_and_exits_0(boot, record, sig):
    c = boot_a_b(boot)
    c.signal(sig)
    rc = wait_exit(c, record, name(sig))
    stops = [line for line in seq(c) if "stop" in line]
    record(name(sig), f"exit {rc}, " + ("stop b then a (ExecStop)" if stops ==
                                        ["execstop b", "stop b", "execstop a", "stop a"] else f"{stops}"))
    assert rc == 0
    assert stops == ["execstop b", "stop b", "execstop a", "stop a"]


@pytest.mark.parametrize("sig", AT_ONCE, ids=name)
def test_immediate_exit_skips_exec_stop_and_exits_0(boot, record, sig):
    c = boot_a_b(boot)
    c.signal(sig)
    rc = wait_exit(c, record, name(sig))
    lines = seq(c)
    record(name(sig), f"exit {rc}, " + ("at once (no ExecStop, SIGTERM)" if not any("execstop" in x for x in lines)
                                        else "ran ExecStop"))
    assert rc == 0
    assert not any("execstop" in x for x in lines), lines
    assert {"stop a", "stop b"} <= set(lines)   # the final round's SIGTERM


# ---------------------------------------------------------------- reload, isolate, targets

@pytest.mark.parametrize("sig", [signal.SIGHUP, RT(25)], ids=name)
def test_reload(boot, record, sig):
    c = boot_a_b(boot)
    c.write_unit("a.service", service("a", "Service A, reloaded"))
    c.signal(sig)
    c.wait_until(lambda: prop(c, "-p", "Description", "a.service") == "Description=Service A, reloaded",
                 what="the new Description after the reload")
    record(name(sig), "reloaded (new Description)")
    assert c.running()


def test_isolate_rescue_emergency_and_back_to_default(boot, record, request, tinysd):
    if tinysd == str(STATIC):
        # Known regression (closing note of 2026-12-08): since the journal-format merge (a7238e6; 3582ae2's
        # static binary passes) the static build does not start a and b again on SIGRTMIN+0 after the
        # rescue isolate; glibc and ASan builds pass. Strict: this fails once the cause is fixed.
        request.applymarker(pytest.mark.xfail(strict=True, reason="static build: default after rescue (open)"))
    c = boot_a_b(boot)
    for sig, target in ((RT(1), "rescue"), (RT(0), "default"), (RT(2), "emergency"), (RT(0), "default")):
        before = len(seq(c))
        c.signal(sig)
        if target == "default":
            c.wait_until(lambda: seq(c)[before:].count("start a") == 1 and seq(c)[before:].count("start b") == 1,
                         what="a and b started again")
            observed = "isolate default.target: a, b started"
        else:
            c.wait_until(lambda: {"execstop a", "stop a", "execstop b", "stop b"} <= set(seq(c)[before:]),
                         what=f"a and b stopped by {target}.target")
            observed = f"isolate {target}.target: a, b stopped"
        record(name(sig), observed)
    assert ctl(c, "is-active", "a.service", "b.service").stdout == "active\nactive\n"


def marker_target(target, unit, path):
    return {f"{target}": f"[Unit]\nDescription={target}\nWants={unit}\n",
            unit: f"[Unit]\nDescription={unit}\n[Service]\nType=oneshot\nExecStart=/bin/touch {path}\n"}


def test_sigwinch_and_sigpwr_start_their_targets(boot, record):
    c = boot(units={**marker_target("kbrequest.target", "kb.service", "/run/kbrequest"),
                    **marker_target("sigpwr.target", "pwr.service", "/run/sigpwr")})
    c.wait_for(MULTI_USER)
    for sig, target, path in ((signal.SIGWINCH, "kbrequest.target", "/run/kbrequest"),
                              (signal.SIGPWR, "sigpwr.target", "/run/sigpwr")):
        c.signal(sig)
        c.wait_for_path(path)
        record(name(sig), f"{target} started")


def test_sigpwr_without_its_target_is_said(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    c.signal(signal.SIGPWR)
    c.wait_for(r"Received SIGPWR, but there is no sigpwr\.target: ignoring\.$")
    assert c.running()


# ---------------------------------------------------------------- status, log level, log target, dump

def test_status_lines_off_and_on(boot, record):
    c = boot(units={"c.service": service("c", "Service C")}, files={"/opt/test/long-running": LONG_RUNNING})
    c.wait_for(MULTI_USER)
    c.signal(RT(21))
    c.wait_until(lambda: prop(c, "-p", "ShowStatus") == "ShowStatus=no", what="ShowStatus=no")
    assert ctl(c, "start", "c.service").returncode == 0
    c.signal(RT(7))   # a line that is always printed: everything before it has been written
    c.wait_for(r"Got unhandled signal <RTMIN\+7>\.$")
    off = count(c, started("c.service", "Service C"))
    record(name(RT(21)), "ShowStatus=no, no status lines" if off == 0 else "status lines still shown")
    assert off == 0
    c.signal(RT(20))
    c.wait_until(lambda: prop(c, "-p", "ShowStatus") == "ShowStatus=yes", what="ShowStatus=yes")
    assert ctl(c, "stop", "c.service").returncode == 0
    c.wait_for(stopped("c.service", "Service C"))
    record(name(RT(20)), "ShowStatus=yes, status lines back")


def test_log_level_debug_and_back(boot, record):
    c = boot()
    c.wait_for(MULTI_USER)
    assert prop(c, "-p", "LogLevel") == "LogLevel=notice"
    c.signal(RT(22))
    c.wait_for(r"Setting log level to debug\.$")
    assert prop(c, "-p", "LogLevel") == "LogLevel=debug"
    c.signal(RT(7))
    c.wait_for(r"Received SIGRTMIN\+7\.$")   # info: shown at debug level
    record(name(RT(22)), "LogLevel=debug, info lines shown")
    c.signal(RT(23))
    c.wait_for(r"Restoring log level to original \(notice\)\.$")
    assert prop(c, "-p", "LogLevel") == "LogLevel=notice"
    c.signal(RT(8))
    c.wait_for(r"Got unhandled signal <RTMIN\+8>\.$")
    assert count(c, r"Received SIGRTMIN\+8\.$") == 0
    record(name(RT(23)), "LogLevel=notice again")


def test_log_target(boot, record):
    c = boot()
    c.wait_for(MULTI_USER)
    assert prop(c, "-p", "LogTarget") == "LogTarget=console"
    for sig, target in ((RT(28), "kmsg"), (RT(26), "console"), (RT(28), "kmsg"), (RT(29), "console"),
                        (RT(27), "console")):
        c.signal(sig)
        c.wait_until(lambda: prop(c, "-p", "LogTarget") == f"LogTarget={target}", what=f"LogTarget={target}")
        record(name(sig), f"LogTarget={target}")
    assert c.running()


def test_sigusr2_dumps_the_state(boot, record):
    c = boot_a_b(boot)
    c.signal(signal.SIGUSR2)
    c.wait_for(r"-> Unit a\.service:\n.*\tDescription: Service A\n.*\tUnit Load State: loaded\n"
               r".*\tUnit Active State: active\n.*\tService State: running\n.*\tMain PID: \d+$")
    record("SIGUSR2", "state dumped to the log")


# ---------------------------------------------------------------- what PID 1 does not act on

UNHANDLED = [signal.SIGUSR1, signal.SIGQUIT, signal.SIGALRM, signal.SIGTSTP, signal.SIGURG, RT(7), RT(12), RT(30)]


def test_unhandled_signals_are_said_once_each(boot, record):
    c = boot_a_b(boot)
    expect = {}
    for sig in UNHANDLED:
        line = (r"Received SIGUSR1: there is no D-Bus bus to reconnect to, ignoring\.$" if sig == signal.SIGUSR1 else
                rf"Got unhandled signal <{re.escape(name(sig)[3:])}>\.$")
        c.signal(sig)
        c.wait_for(line)
        expect[sig] = line
    for sig, line in expect.items():
        n = count(c, line)
        record(name(sig), "said once, ignored" if n == 1 else f"said {n} times")
        assert n == 1, (name(sig), c.output())
    assert ctl(c, "is-active", "a.service", "b.service").stdout == "active\nactive\n"


# ---------------------------------------------------------------- realtime signals in units and clients

RECORDER = r"""#!/usr/bin/python3
# Appends the signal it gets (its number) to FILE, then exits 0. Not SIGCONT, which systemd sends
# after the kill signal and Python would handle first (its handlers run lowest number first).
import os, signal, sys, time
out = sys.argv[1]
def got(sig, frame):
    with open(out, "a") as f:
        f.write(f"{sig}\n")
    os._exit(0)
for n in range(1, 65):
    if n not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD, signal.SIGCONT):
        try:
            signal.signal(n, got)
        except (OSError, ValueError):
            pass
open(out + ".ready", "w").close()
while True:
    time.sleep(3600)
"""


def recorder_unit(*lines):
    return "\n".join(["[Unit]", "Description=Signal Recorder", "[Service]",
                      "ExecStart=/opt/test/recorder /run/got", *lines, ""])


@pytest.fixture(params=["debian", "tinysd"])
def client(request, tinysd):
    """Which systemctl runs in the container: Debian's 252, or tinysd's bound over it."""
    return request.param, ({} if request.param == "debian" else {SYSTEMCTL: tinysd})


def boot_recorder(boot, client, *lines):
    c = boot(units={"rec.service": recorder_unit(*lines)}, enable=["rec.service"], binds=client[1],
             files={"/opt/test/recorder": RECORDER})
    c.wait_for(MULTI_USER)
    c.wait_for_path("/run/got.ready")
    return c


def test_systemctl_kill_sigrtmin_plus_5_is_signal_39(boot, client, record):
    c = boot_recorder(boot, client)
    r = ctl(c, "kill", "-s", "SIGRTMIN+5", "rec.service")
    assert r.returncode == 0, r.stderr
    got = c.wait_for_path("/run/got", contains="\n").read_text().split()
    record(f"{client[0]} systemctl kill -s SIGRTMIN+5", f"service got {' '.join(got)}")
    assert got == ["39"]


def test_kill_signal_sigrtmin_plus_3_is_37(boot, client, record):
    c = boot_recorder(boot, client, "KillSignal=SIGRTMIN+3", "RestartKillSignal=RTMIN+4", "FinalKillSignal=SIGRTMAX",
                      "WatchdogSignal=SIGRTMIN+6")
    shown = props(c, "-p", "KillSignal,RestartKillSignal,FinalKillSignal,WatchdogSignal", "rec.service")
    assert shown == {"KillSignal": "37", "RestartKillSignal": "38", "FinalKillSignal": "64", "WatchdogSignal": "40"}
    assert ctl(c, "stop", "rec.service").returncode == 0
    got = c.wait_for_path("/run/got", contains="\n").read_text().split()
    record(f"KillSignal=SIGRTMIN+3 ({client[0]} show, stop)", f"show {shown['KillSignal']}, got {' '.join(got)}")
    assert got == ["37"]


def test_killed_by_realtime_signal_is_named_as_systemd_does(boot, client, record):
    c = boot(units={"sleeper.service": "[Unit]\nDescription=Sleeper\n[Service]\nExecStart=/bin/sleep infinity\n",
                    "ok.service": "[Unit]\nDescription=Ok\n[Service]\nExecStart=/bin/sleep infinity\n"
                                  "SuccessExitStatus=SIGRTMIN+5\n"},
             enable=["sleeper.service", "ok.service"], binds=client[1])
    c.wait_for(started("ok.service", "Ok"))
    for unit in ("sleeper.service", "ok.service"):
        assert ctl(c, "kill", "-s", "RTMIN+5", unit).returncode == 0
    c.wait_until(lambda: ctl(c, "is-active", "sleeper.service").stdout == "failed\n", what="sleeper failed")
    c.wait_until(lambda: ctl(c, "is-active", "ok.service").stdout == "inactive\n", what="ok inactive (success)")
    assert props(c, "-p", "ExecMainCode,ExecMainStatus,Result", "sleeper.service") == \
        {"ExecMainCode": "2", "ExecMainStatus": "39", "Result": "signal"}
    status = ctl(c, "status", "sleeper.service").stdout
    assert re.search(r"code=killed, signal=RTMIN\+5\)", status), status
    c.wait_for(r"sleeper\.service: Main process exited, code=killed, status=39/RTMIN\+5$")
    record(f"killed by SIGRTMIN+5 ({client[0]} status)", "status=39/RTMIN+5, signal=RTMIN+5")


def test_offline_dump_prints_kill_signal_37(tinysd, tmp_path, record):
    d = tmp_path / "etc" / "systemd" / "system"
    d.mkdir(parents=True)
    (d / "x.service").write_text("[Service]\nExecStart=/bin/true\nKillSignal=SIGRTMIN+3\n")
    r = run([tinysd, "dump", "--root", str(tmp_path), "-p", "KillSignal", "x.service"])
    assert (r.returncode, r.stdout) == (0, "KillSignal=37\n"), r.stderr
    record("tinysd dump -p KillSignal", r.stdout.strip())


# ---------------------------------------------------------------- the class of bug, in the source

def test_no_c_library_realtime_numbering_in_src():
    """SIGRTMIN/SIGRTMAX and sigaddset() of <signal.h> depend on the C library (musl: 35, and it
    refuses 32-34): names and sets go through base/signal-util. strsignal()'s words differ too."""
    bad = re.compile(r"\bSIGRTM(IN|AX)\b|\b(sigaddset|sigdelset|sigismember|sigfillset|strsignal)\s*\(")
    found = []
    for p in sorted((ROOT / "src").rglob("*.[ch]")):
        text = p.read_text()
        text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)          # comments
        text = re.sub(r'"(\\.|[^"\\\n])*"|\'(\\.|[^\'\\\n])*\'', '""', text)  # literals
        for m in bad.finditer(text):
            found.append(f"{p.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}")
    assert not found, "\n".join(found)
