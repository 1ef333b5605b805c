# SPDX-License-Identifier: MIT
"""tinysd's systemctl against the REAL systemd 252 as PID 1, side by side with Debian's
/usr/bin/systemctl: both talk to the same PID 1 over /run/systemd/private, and their stdout,
stderr and exit codes must be the same (after normalising only what genuinely varies: times,
PIDs, memory/CPU figures, and the order of dependency sets, which systemd itself does not keep).

The sandbox is ../shared/tools/real-systemd/sdbox.sh (CG=v2ns), or where ../shared is absent
tools/real-systemd-box.sh (the same commands and layout), on a copy of the rootfs `make references`
builds (/var/tmp/tinysd-bench-systemd/rootfs, copied once with `cp -a` to RESEARCH/rootfs and never
modified itself). Test units ctl-*.{service,socket,timer} are written into the copy, the binary
under test is copied to /usr/local/bin/ctl/{tinysd,systemctl} inside it. Skipped when any of
that is missing, when not root, or when the sandbox does not boot."""
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("TINYSD_SHARED", ROOT.parent / "shared"))
SDBOX = SHARED / "tools" / "real-systemd" / "sdbox.sh"
if not SDBOX.exists():
    SDBOX = ROOT / "tools" / "real-systemd-box.sh"
BENCH_ROOTFS = pathlib.Path("/var/tmp/tinysd-bench-systemd/rootfs")
RESEARCH = pathlib.Path(os.environ.get("TINYSD_CTL_RESEARCH", "/var/tmp/real-systemd-ctl-test"))
ROOTFS = RESEARCH / "rootfs"
NAME = "ctltest"
OURS = "/usr/local/bin/ctl/systemctl"
REAL = "/usr/bin/systemctl"

UNITS = {
    "ctl-simple.service": "[Unit]\nDescription=ctl test simple service\n\n[Service]\nExecStart=/bin/sleep infinity\n"
                          "ExecReload=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n",
    "ctl-simple.service.d/override.conf": "[Service]\nEnvironment=X=1\n",
    "ctl-fail.service": "[Unit]\nDescription=ctl test failing service\n\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
    "ctl-oneshot.service": "[Unit]\nDescription=ctl test oneshot\nWants=ctl-simple.service\nAfter=ctl-simple.service\n\n"
                           "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo hello from oneshot\n"
                           "Environment=FOO=bar \"BAZ=a b\"\n\n[Install]\nWantedBy=multi-user.target\n",
    "ctl-timer.timer": "[Unit]\nDescription=ctl test timer\n\n[Timer]\nOnCalendar=2099-01-01\nUnit=ctl-fail.service\n",
    "ctl-sock.socket": "[Unit]\nDescription=ctl test socket\n\n[Socket]\nListenStream=/run/ctl-test.sock\n\n"
                       "[Install]\nWantedBy=sockets.target\n",
    "ctl-sock.service": "[Service]\nExecStart=/bin/sleep infinity\n",
    "ctl-cond.service": "[Unit]\nConditionPathExists=/nonexistent\nConditionPathExists=|/nope\n"
                        "ConditionPathExists=|!/etc\n\n[Service]\nExecStart=/bin/true\n",
    "ctl-assert.service": "[Unit]\nAssertPathExists=!/etc\n\n[Service]\nExecStart=/bin/true\n",
    # keeps the two above loaded (referenced), so their condition/assert results stay visible
    "ctl-holder.target": "[Unit]\nWants=ctl-cond.service ctl-assert.service\n",
    "ctl-static.service": "[Unit]\nDescription=ctl static\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n",
}


def sdbox(*args, timeout=60):
    env = dict(os.environ, RESEARCH=str(RESEARCH), CG="v2ns")
    return subprocess.run(["bash", str(SDBOX), *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def box():
    if os.geteuid() != 0:
        pytest.skip("needs root (nsenter, cgroups) to boot the real systemd sandbox")
    if not BENCH_ROOTFS.is_dir() and not ROOTFS.is_dir():
        pytest.skip(f"{BENCH_ROOTFS} is absent: no rootfs with real systemd 252 (make references)")
    binary = pathlib.Path(os.environ.get("TINYSD", ROOT / "build" / "tinysd"))
    if not binary.exists():
        pytest.skip(f"{binary} not built")
    if not ROOTFS.is_dir():
        RESEARCH.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", str(BENCH_ROOTFS), str(ROOTFS)], check=True, timeout=300)
    etc = ROOTFS / "etc/systemd/system"
    for sub in ("multi-user.target.wants", "sockets.target.wants"):   # start from a known enablement state
        for n in ("ctl-simple.service", "ctl-oneshot.service", "ctl-sock.socket"):
            (etc / sub / n).unlink(missing_ok=True)
    for n in ("ctl-fail.service",):
        if (etc / n).is_symlink():
            (etc / n).unlink()
    for rel, text in UNITS.items():
        p = etc / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    # console-getty restarts forever without a console: its changing job would race the comparisons
    getty = etc / "console-getty.service"
    if not getty.is_symlink():
        getty.unlink(missing_ok=True)
        getty.symlink_to("/dev/null")
    bindir = ROOTFS / "usr/local/bin/ctl"
    bindir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, bindir / "tinysd.new")
    os.replace(bindir / "tinysd.new", bindir / "tinysd")
    # a sanitizer build needs its runtime libraries inside the (private copy of the) rootfs
    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    for lib in re.findall(r"=> (/\S+)", ldd.stdout):
        dst = ROOTFS / lib.lstrip("/")
        if not dst.exists():
            shutil.copy2(lib, dst)
    if not (bindir / "systemctl").is_symlink():
        (bindir / "systemctl").symlink_to("tinysd")
    sdbox("cleanup", NAME)
    r = sdbox("start", NAME)
    if r.returncode != 0:
        pytest.skip(f"sandbox did not start: {r.stderr.strip()}")
    state = ""
    for _ in range(100):
        q = sdbox("exec", NAME, REAL, "is-system-running")
        state = q.stdout.strip()
        if state in ("running", "degraded"):
            break
        time.sleep(0.1)
    else:
        sdbox("cleanup", NAME)
        pytest.skip(f"real systemd did not come up in the sandbox (state {state!r})")
    yield
    sdbox("stop", NAME, "RTMIN+3", "10")
    sdbox("cleanup", NAME)


def ctl(binary, *args, env=None):
    cmd = ["exec", NAME] + (["env"] + [f"{k}={v}" for k, v in env.items()] if env else []) + [binary, *args]
    r = sdbox(*cmd, timeout=60)
    # getopt's messages name the program by its path
    return r.returncode, r.stdout, r.stderr.replace(binary, "systemctl")


TS = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d( [A-Z]+)?")
AGO = re.compile(r"; [^;\n]*? (ago|left)\b")
DEPLIST = re.compile(r"^((?:Before|After|Wants|Requires|WantedBy|RequiredBy|Conflicts|ConflictedBy|Triggers|"
                     r"TriggeredBy|Names|PartOf|ConsistsOf|BindsTo|BoundBy|Upholds|UpheldBy|RequiresMountsFor|"
                     r"OnFailure|PropagatesReloadTo|ReloadPropagatedFrom|JoinsNamespaceOf|Documentation)=)(.*)$", re.M)


def normalise(text):
    text = TS.sub("<TS>", text)
    text = AGO.sub("; <REL>", text)
    text = re.sub(r"(Main PID|Control PID|Cntrl PID|Process): \d+", r"\1: <PID>", text)
    text = re.sub(r"(ExecMainPID|MainPID|ControlPID|pid)=\d+", r"\1=<PID>", text)
    text = re.sub(r"^(\s+(?:[│├└|`]\S*|\s)*)\d+ ", r"\1<PID> ", text, flags=re.M)
    text = re.sub(r"^(\s+(Memory|CPU|Tasks|IO|IP)): .*$", r"\1: <N>", text, flags=re.M)
    text = re.sub(r"^((?:Memory|CPUUsage|Tasks|IO|IP)\w*|InvocationID|\w*Timestamp\w*|NRestarts|NInstalledJobs|"
                  r"NJobs|NNames|LastTriggerUSec\w*|NextElapseUSec\w*|StatusErrno|WatchdogTimestamp\w*)=.*$",
                  r"\1=<V>", text, flags=re.M)
    text = re.sub(r"\d+(\.\d+)?(ms|us|s)\b", "<T>", text)
    return DEPLIST.sub(lambda m: m.group(1) + " ".join(sorted(m.group(2).split(" "))), text)


def same(*args, env=None, exact=False):
    """Run real systemctl and ours with the same arguments; return ours (rc, out, err)."""
    a = ctl(REAL, *args, env=env)
    b = ctl(OURS, *args, env=env)
    if exact:
        assert b == a, f"systemctl {' '.join(args)}"
    else:
        assert (b[0], normalise(b[1]), normalise(b[2])) == (a[0], normalise(a[1]), normalise(a[2])), \
            f"systemctl {' '.join(args)}\n--- real:\n{a[1]}{a[2]}--- ours:\n{b[1]}{b[2]}"
    return b


def pair(*steps):
    """Stateful verbs: run every step with the real systemctl, then every step with ours (each
    sequence leaves the state as it found it) and compare step by step."""
    outs = []
    for binary in (REAL, OURS):
        outs.append([ctl(binary, *s.split()) for s in steps])
    for s, a, b in zip(steps, outs[0], outs[1]):
        assert (b[0], normalise(b[1]), normalise(b[2])) == (a[0], normalise(a[1]), normalise(a[2])), \
            f"systemctl {s}\n--- real:\n{a[1]}{a[2]}--- ours:\n{b[1]}{b[2]}"


def test_jobs_and_states(box):
    same("is-system-running")
    same("is-system-running", "--wait", exact=True)
    same("help", exact=True)
    same("start", "ctl-simple.service", "ctl-sock.socket", exact=True)
    same("is-active", "ctl-simple", exact=True)
    same("is-active", "--quiet", "ctl-simple", "nonexist", exact=True)
    same("is-active", "nonexist.service", exact=True)
    rc, _, err = same("start", "nonexist.service", exact=True)
    assert rc == 5 and err == "Failed to start nonexist.service: Unit nonexist.service not found.\n"
    rc, _, err = same("start", "ctl-fail.service", exact=True)
    assert rc == 1 and "control process exited with error code" in err
    same("is-failed", "ctl-fail", exact=True)
    same("is-failed", "ctl-simple", exact=True)
    for verb in ("restart", "try-restart", "reload", "reload-or-restart", "try-reload-or-restart"):
        same(verb, "ctl-simple", exact=True)
    same("reload", "ctl-static", exact=True)
    same("start", "--no-block", "ctl-oneshot", exact=True)
    same("start", "ctl-s*")
    same("start", "--quiet", "ctl-fail", exact=True)
    same("kill", "-s", "HUP", "ctl-simple", exact=True)
    same("kill", "--kill-whom=main", "--signal=SIGUSR1", "ctl-simple", exact=True)
    same("kill", "nonexist", exact=True)
    same("reset-failed", "nonexist", exact=True)
    pair("start ctl-fail", "reset-failed ctl-fail", "is-failed ctl-fail")
    pair("start ctl-fail", "reset-failed")
    pair("stop ctl-sock.service", "start ctl-sock.service")
    same("isolate", "multi-user.target", exact=True)
    same("daemon-reload", exact=True)
    same("start", exact=True)            # too few arguments
    same("isolate", "a", "b", exact=True)  # too many
    same("frobnicate", exact=True)


def test_show(box):
    ctl(REAL, "start", "ctl-simple", "ctl-oneshot", "ctl-sock.socket")
    for unit in ("ctl-simple.service", "ctl-oneshot.service", "ctl-fail.service", "ctl-timer.timer",
                 "ctl-sock.socket", "nonexist.service", "multi-user.target", "init.scope"):
        same("show", unit)
        same("show", "--all", unit)
    same("show", "-p", "Id,ActiveState,ExecStart,Environment,NoSuchProperty", "ctl-oneshot", "ctl-fail")
    same("show", "--value", "-p", "MainPID", "-p", "LoadState", "ctl-simple")
    same("show", "-P", "SourcePath", "ctl-simple")
    same("show", "-p", "LoadState=loaded", "ctl-simple", exact=True)
    same("show", "-.slice", exact=True)
    same("show", "--", "-.slice")
    # the manager: values change from call to call, names and types do not
    _, a, _ = ctl(REAL, "show")
    _, b, _ = ctl(OURS, "show")
    assert [l.split("=")[0] for l in b.splitlines()] == [l.split("=")[0] for l in a.splitlines()]
    same("show", "-p", "Version,Features,Architecture,DefaultStandardOutput,Environment,UnitPath,SystemState")


def test_status(box):
    ctl(REAL, "start", "ctl-simple", "ctl-oneshot", "ctl-sock.socket")
    ctl(REAL, "start", "ctl-fail")
    ctl(REAL, "start", "ctl-holder.target")
    # the journal is journald's own: both read the same files
    for args in (["ctl-simple.service"], ["ctl-oneshot", "ctl-fail.service"], ["ctl-sock.socket", "ctl-timer.timer"],
                 ["-n", "3", "ctl-oneshot"], ["--lines=0", "ctl-simple"], ["-o", "cat", "-n", "2", "ctl-oneshot"],
                 ["nonexist.service"], ["multi-user.target", "-n0"], ["-n0", "init.scope"],
                 ["-n0", "ctl-cond", "ctl-assert"], ["-n0", "1", "ctl-oneshot", "999999"]):
        same("status", *args)
    same("status", "-n0")


def test_lists(box):
    ctl(REAL, "start", "ctl-simple", "ctl-sock.socket")
    for args in ([], ["--all"], ["--failed"], ["--state=active,failed"], ["--type=socket,timer"], ["-t", "service", "ctl-*"],
                 ["--plain", "--no-legend"], ["--all", "--plain", "ctl*"], ["--state=reloading"], ["nomatch"]):
        same("list-units", *args)
    same(exact=True)   # no verb: list-units
    for args in ([], ["ctl-*"], ["--type=socket"], ["--state=static,disabled"], ["--no-legend", "*.timer"]):
        same("list-unit-files", *args, exact=True)
    same("list-jobs", exact=True)
    for args in ([], ["--all"], ["nomatch"]):
        same("list-timers", *args)
    for args in ([], ["--all", "--show-types"], ["nomatch"]):
        same("list-sockets", *args, exact=True)
    for args in ([], ["ctl-oneshot.service", "--all"], ["--reverse", "ctl-simple"], ["--after", "ctl-oneshot"],
                 ["--before", "ctl-simple"], ["--plain", "sockets.target"], ["multi-user.target", "ctl-sock.socket"]):
        same("list-dependencies", *args)


def test_cat(box):
    same("cat", "ctl-simple", "ctl-oneshot.service", exact=True)
    same("cat", "nonexist", exact=True)
    same("cat", "multi-user.target", exact=True)


def test_unit_files(box):
    pair("is-enabled ctl-simple", "enable ctl-simple.service", "is-enabled ctl-simple", "reenable ctl-simple",
         "disable ctl-simple.service", "is-enabled ctl-simple")
    pair("enable --now ctl-oneshot", "is-active ctl-oneshot", "disable --now ctl-oneshot", "is-active ctl-oneshot")
    pair("enable ctl-static", "mask ctl-static", "is-enabled ctl-static", "mask ctl-static", "unmask ctl-static",
         "is-enabled ctl-static")
    pair("preset ctl-sock.socket", "is-enabled ctl-sock.socket", "disable ctl-sock.socket")
    pair("link /etc/systemd/system/ctl-static.service", "is-enabled nonexist.service")
    pair("mask nope.service", "unmask nope.service")
    pair("enable --quiet ctl-simple", "disable -q ctl-simple", "is-enabled -q ctl-simple")
    pair("get-default", "set-default graphical", "get-default", "set-default multi-user.target", "get-default")


def test_changed_on_disk(box):
    unit = ROOTFS / "etc/systemd/system/ctl-chg.service"
    unit.write_text("[Service]\nExecStart=/bin/sleep infinity\n")
    ctl(REAL, "daemon-reload")
    same("start", "ctl-chg", exact=True)
    unit.write_text("[Service]\nExecStart=/bin/sleep 1000\n")
    same("restart", "ctl-chg", exact=True)      # "Warning: The unit file ... changed on disk."
    same("status", "-n0", "ctl-chg")
    same("cat", "ctl-chg", exact=True)
    ctl(REAL, "stop", "ctl-chg")
    unit.unlink()
    ctl(REAL, "daemon-reload")


def test_globs(box):
    ctl(REAL, "start", "ctl-simple", "ctl-sock.socket")
    same("show", "-p", "Id,ActiveState", "ctl-s*")
    same("status", "-n0", "ctl-s*", "nomatch*")
    same("is-active", "ctl-*", exact=True)
    same("cat", "ctl-o*", exact=True)
    same("show", "nomatch*", exact=True)


def test_status_all(box):
    for args in (["--state=failed"], ["--type=timer"], ["--all", "--type=socket"]):
        same("status", "-n0", *args)
    same("show", "--state=failed")
    same("show", "--type=timer", "-p", "Id,ActiveState")


def test_terminal(box):
    """On a terminal (a pty from script(1)): tables fit $COLUMNS as format-table shrinks them;
    tables and status have 252's colours (underlined type boundaries, red failures, grey empty
    cells), status OSC 8 links and grey process lines."""
    if not (ROOTFS / "usr/bin/script").exists():
        pytest.skip("no script(1) in the rootfs")
    ctl(REAL, "start", "ctl-simple", "ctl-sock.socket", "ctl-fail")
    cases = [("50", "0", "list-units --all"), ("60", "0", "list-unit-files"), ("70", "0", "list-timers --all"),
             ("40", "0", "list-sockets"), ("45", "0", "list-dependencies"), ("30", "0", "list-units --plain"),
             ("80", "1", "list-units"), ("120", "1", "list-units --all"), ("60", "1", "list-unit-files"),
             ("70", "1", "list-timers --all"), ("40", "1", "list-sockets --all"), ("100", "1", "list-jobs"),
             ("80", "1", "list-units --plain --failed"), ("80", "1", "list-units --state=nonexistent"),
             ("80", "1", "status -n0 ctl-simple ctl-fail ctl-sock.socket"), ("60", "1", "status -n0 systemd-journald"),
             ("80", "1", "cat ctl-simple"), ("80", "1", "list-dependencies ctl-oneshot")]
    for cols, colors, cmd in cases:
        outs = []
        for b in (REAL, OURS):
            r = sdbox("exec", NAME, "env", f"COLUMNS={cols}", f"SYSTEMD_COLORS={colors}", "TERM=xterm",
                      "script", "-qec", f"{b} --no-pager {cmd}", "/dev/null")
            outs.append(normalise(r.stdout))
        assert outs[1] == outs[0], f"{cmd} on a {cols}-column terminal"


def test_environment(box):
    pair("set-environment FOO=bar Q=it's", "show-environment", "unset-environment FOO Q", "show-environment")
    same("set-environment", "FOO", exact=True)
    same("set-environment", "A=b c", exact=True)
    same("show-environment", exact=True)
    same("unset-environment", "A", exact=True)


def test_not_booted():
    """Without /run/systemd/system both refuse to talk to a manager (sd_booted() is false)."""
    binary = pathlib.Path(os.environ.get("TINYSD", ROOT / "build" / "tinysd"))
    if os.geteuid() != 0 or not os.path.exists(REAL) or not binary.exists() or not shutil.which("unshare"):
        pytest.skip("needs root, unshare and /usr/bin/systemctl")
    link = pathlib.Path(f"/tmp/ctl-notbooted-{os.getpid()}")
    link.mkdir(exist_ok=True)
    (link / "systemctl").unlink(missing_ok=True)
    (link / "systemctl").symlink_to(binary)
    try:
        for args in (["start", "foo"], ["is-system-running"], ["status", "foo"]):
            out = []
            for b in (REAL, str(link / "systemctl")):
                r = subprocess.run(["unshare", "-m", "sh", "-c", 'mount -t tmpfs tmpfs /run && exec "$@"', "sh", b, *args],
                                   capture_output=True, text=True, timeout=30)
                out.append((r.returncode, r.stdout, r.stderr))
            assert out[1] == out[0], args
    finally:
        shutil.rmtree(link)


def test_poweroff_last(box):
    """Ours asks PID 1 to power off (StartUnit poweroff.target, replace-irreversibly) and returns
    at once; real systemd then leaves the container. Runs last: the sandbox is gone afterwards."""
    rc, out, err = ctl(OURS, "poweroff")
    assert (rc, out, err) == (0, "", "")
    pid = (RESEARCH / "runs" / NAME / "systemd.pid").read_text().strip()
    for _ in range(200):
        if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z":
            break
        time.sleep(0.05)
    else:
        pytest.fail("real systemd did not power off")
