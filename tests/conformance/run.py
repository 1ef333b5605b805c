#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""systemd 252's own integration test scripts against a service manager as PID 1 (issue 20).

    run.py [--impl tinysd=BIN] [--impl systemd] [--only 03,26] [--timeout SEC] [--jobs N] [--json OUT]

The scripts come from Debian's systemd-tests package of the installed systemd's release, fetched at
run time with `apt-get download systemd-tests` into a cache ($TINYSD_CONFORMANCE_CACHE, default
/var/tmp/tinysd-conformance; a .deb already there, or named by $SYSTEMD_TESTS_DEB, is used as is)
and never kept in the repository. scripts.txt says which scripts run and why the others are left
out.

Each script gets a fresh container (tests/integration/pid1.py: bwrap, Docker's 14 capabilities,
private /run and /tmp) whose root is an overlay of the package's files, its test units in
/usr/lib/systemd/system, and the host's / (systemd 252 and its units, vendor_units=True), with a
tmpfs on top: writable like a Docker container's root, gone afterwards. The manager boots; once it
says running (or degraded) `systemctl start testsuite-NN.service` runs the script as its unit says
(Type=oneshot); the script passed when the job succeeded and it wrote /testok. The reference is the
host's real systemd 252 booted the same way (container=docker, a cgroup2 tree of its own: it does
not boot without a writable one).

The overlay mounts are made in a private mount namespace: the script re-executes itself under
`unshare -m` (root needed). Prints the table script | systemd 252 | tinysd with run times."""
import argparse
import concurrent.futures
import glob
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
from pid1 import Container, ContainerError, HostCgroup  # noqa: E402

CACHE = pathlib.Path(os.environ.get("TINYSD_CONFORMANCE_CACHE", "/var/tmp/tinysd-conformance"))
TESTDATA = "usr/lib/systemd/tests/testdata"
UNIT_SUFFIXES = (".service", ".socket", ".target", ".path", ".timer", ".slice", ".scope", ".mount",
                 ".automount", ".swap", ".device")
SYSTEMCTL = "/usr/bin/systemctl"


def scripts_list():
    """[(NN, None | reason)] from scripts.txt."""
    out = []
    for line in (HERE / "scripts.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        nn, what, *reason = line.split(None, 2)
        out.append((nn, None if what == "run" else (reason[0] if reason else "skipped")))
    return out


def fetch_deb():
    CACHE.mkdir(parents=True, exist_ok=True)
    given = os.environ.get("SYSTEMD_TESTS_DEB")
    if given:
        return pathlib.Path(given)
    debs = sorted(CACHE.glob("systemd-tests_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", "systemd-tests"], cwd=CACHE, check=True)
        debs = sorted(CACHE.glob("systemd-tests_*.deb"))
    return debs[-1]


def prepare(deb):
    """The package extracted, and a layer with its test units in /usr/lib/systemd/system."""
    base = CACHE / deb.stem
    extract, stage = base / "extract", base / "stage"
    if not (extract / TESTDATA).is_dir():
        shutil.rmtree(base, ignore_errors=True)
        extract.mkdir(parents=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(extract)], check=True)
    if not stage.is_dir():
        tmp = base / "stage.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        units = tmp / "usr/lib/systemd/system"
        units.mkdir(parents=True)
        data = extract / TESTDATA
        # the test units (and their drop-in directories) where the test image has them; never in
        # place of one of the host's own units (the package's minimal basic.target, sysinit.target, ...)
        sources = [data / "units"] + sorted(data.glob("testsuite-*.units"))
        for src in sources:
            for p in sorted(src.iterdir()):
                name = p.name
                is_unit = name.endswith(UNIT_SUFFIXES) or (p.is_dir() and name.endswith(tuple(s + ".d" for s in UNIT_SUFFIXES)))
                if not is_unit or os.path.lexists(f"/usr/lib/systemd/system/{name}") or (units / name).exists():
                    continue
                if p.is_dir():
                    shutil.copytree(p, units / name, symlinks=True)
                else:
                    shutil.copy2(p, units / name, follow_symlinks=False)
        tmp.rename(stage)
    return extract, stage


def mount_root(work, extract, stage):
    """An overlay: stage over the package over the host's /, a tmpfs to write on. Returns its path."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", str(work)], check=True)
    for d in ("upper", "work", "root"):
        (work / d).mkdir()
    opts = f"lowerdir={stage}:{extract}:/,upperdir={work}/upper,workdir={work}/work"
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o", opts, str(work / "root")], check=True)
    return work / "root"


def umount_root(work):
    subprocess.run(["umount", "-l", str(work / "root")], check=False)
    subprocess.run(["umount", "-l", str(work)], check=False)


def wait_booted(c, timeout):
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        if not c.running():
            return "PID 1 exited: " + " / ".join(c.output().strip().splitlines()[-3:])
        try:
            state = c.exec([SYSTEMCTL, "is-system-running"], timeout=10).stdout.strip()
        except subprocess.TimeoutExpired:
            state = "timeout"
        if state in ("running", "degraded"):
            return state
        time.sleep(0.5)
    return f"not booted ({state})"


def script_log(c, impl, unit, journalctl):
    """The script's last lines (set -x traces and errors)."""
    if impl == "tinysd":
        tag = unit.replace(".service", "")
        lines = [ln for ln in c.output("stdout").splitlines() if tag in ln]
        if lines:
            return lines[-40:]
    try:
        r = c.exec([journalctl, "--no-pager", "-o", "cat", "-n", "40", "-u", unit], timeout=20)
        return r.stdout.splitlines()[-40:]
    except subprocess.TimeoutExpired:
        return ["(journalctl timed out)"]


def failure_reason(log, rc, err, testok):
    """The script's last traced command (set -x) and what followed it, else systemctl's words."""
    traced = [i for i, ln in enumerate(log) if "+ " in ln]
    trap = [i for i in traced if log[i].rstrip().endswith("+ at_exit")]   # the scripts' cleanup trap
    if trap:
        traced = [i for i in traced if i < trap[-1]]
    if traced:
        i = traced[-1]
        after = [ln for ln in log[i + 1:] if ln.strip()]
        return (log[i].split("+ ", 1)[1] + (" -> " + after[-1] if after else ""))[:300]
    if rc is None or rc != 0:
        return err.splitlines()[-1] if err else f"exit {rc}"
    return "/testok " + ("written" if testok else "missing")


def run_one(nn, impl, binary, extract, stage, timeout, workroot):
    unit = f"testsuite-{nn}.service"
    work = workroot / f"{impl}-{nn}"
    result = {"script": nn, "impl": impl, "passed": False, "seconds": 0.0, "why": ""}
    root = mount_root(work, extract, stage)
    cg = None
    c = None
    try:
        kw = {}
        env = {"container": "docker"}
        if impl == "systemd":
            # what Docker gives and systemd needs without CAP_SYS_ADMIN: /run/lock already a mount
            # (it refuses to boot when it cannot mount it), a cgroup2 tree of its own, a console
            cg = HostCgroup()
            kw["cgroup"] = cg
            (work / "lock").mkdir()
            (work / "console").touch()
            kw["binds"] = {"/run/lock": (str(work / "lock"), True), "/dev/console": (str(work / "console"), True)}
        c = Container(binary, root=root, vendor_units=True, env=env, workdir=work / "c", sanitizers=False, **kw)
        c.start(timeout=30)
        state = wait_booted(c, 90)
        if not state in ("running", "degraded"):
            result["why"] = state
            return result
        t0 = time.monotonic()
        try:
            r = c.exec([SYSTEMCTL, "start", unit], timeout=timeout)
            rc, err = r.returncode, r.stderr.strip()
        except subprocess.TimeoutExpired:
            rc, err = None, f"timed out after {timeout} s"
        result["seconds"] = round(time.monotonic() - t0, 1)
        testok = (root / "testok").exists()
        result["passed"] = rc == 0 and testok
        if not result["passed"]:
            journalctl = str(pathlib.Path(binary).with_name("journalctl")) if impl == "tinysd" else "/usr/bin/journalctl"
            result["log"] = script_log(c, impl, unit, journalctl)
            result["why"] = failure_reason(result["log"], rc, err, testok)
    except (ContainerError, OSError, AssertionError) as e:
        result["why"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    finally:
        if c is not None:
            try:
                if impl == "systemd" and c.running():
                    c.signal(34 + 3)   # SIGRTMIN+3, halt: systemd re-executes on SIGTERM
                    c.wait(timeout=20)
                c.close(term_timeout=10)
            except Exception as e:   # noqa: BLE001 -- the result stands; say what went wrong
                result.setdefault("log", []).append(f"close: {e}")
            c.cleanup()
        if cg is not None:
            cg.close()
        umount_root(work)
        shutil.rmtree(work, ignore_errors=True)
    return result


def table(results, impls, skipped):
    by = {(r["script"], r["impl"]): r for r in results}
    names = {"systemd": "systemd 252", "tinysd": "tinysd"}
    head = "script | " + " | ".join(names.get(i, i) for i in impls)
    lines = [head, "-" * len(head)]
    for nn in sorted({r["script"] for r in results}):
        cells = []
        for i in impls:
            r = by.get((nn, i))
            cells.append("-" if r is None else f"{'pass' if r['passed'] else 'FAIL'} {r['seconds']:>5} s")
        lines.append(f"testsuite-{nn} | " + " | ".join(cells))
    lines.append("")
    for i in impls:
        n = sum(1 for r in results if r["impl"] == i and r["passed"])
        lines.append(f"{names.get(i, i)}: {n} of {sum(1 for r in results if r['impl'] == i)} pass")
    lines.append(f"left out: {len(skipped)} (scripts.txt)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", action="append", default=[], help="tinysd=BINARY or systemd[=BINARY]")
    ap.add_argument("--only", default="", help="comma-separated script numbers")
    ap.add_argument("--timeout", type=int, default=120, help="seconds for one script")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    if os.environ.get("TINYSD_CONFORMANCE_NS") != "1":
        env = dict(os.environ, TINYSD_CONFORMANCE_NS="1")
        os.execvpe("unshare", ["unshare", "-m", "--propagation", "private", sys.executable, __file__] + sys.argv[1:], env)
    impls = []
    for spec in args.impl or ["systemd"]:
        name, _, binary = spec.partition("=")
        impls.append((name, binary or ("/usr/lib/systemd/systemd" if name == "systemd" else "")))
    deb = fetch_deb()
    extract, stage = prepare(deb)
    listed = scripts_list()
    only = set(args.only.split(",")) - {""}
    todo = [nn for nn, why in listed if why is None and (not only or nn in only)]
    skipped = [(nn, why) for nn, why in listed if why is not None]
    workroot = pathlib.Path(f"/tmp/tinysd-conformance-{os.getpid()}")
    workroot.mkdir(parents=True, exist_ok=True)
    # overlayfs refuses a lower layer inside another (the host's /): the package's layers are put on
    # a tmpfs of their own (24 MB), in this private mount namespace
    layers = workroot / "layers"
    layers.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", str(layers)], check=True)
    subprocess.run(["cp", "-a", str(extract), str(stage), str(layers)], check=True)
    extract, stage = layers / "extract", layers / "stage"
    started = time.monotonic()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, nn, name, binary, extract, stage, args.timeout, workroot)
                for nn in todo for name, binary in impls]
        for f in concurrent.futures.as_completed(futs):
            r = f.result()
            results.append(r)
            print(f"testsuite-{r['script']} {r['impl']}: {'pass' if r['passed'] else 'FAIL'} {r['seconds']} s"
                  + (f" -- {r['why']}" if r["why"] else ""), flush=True)
    subprocess.run(["umount", "-l", str(layers)], check=False)
    shutil.rmtree(workroot, ignore_errors=True)
    total = round(time.monotonic() - started)
    order = sorted((n for n, _ in impls), key=lambda n: n != "systemd")
    text = table(results, order, skipped)
    print(f"\n{deb.name}: {len(todo)} scripts, {total} s in all\n{text}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"deb": deb.name, "seconds": total, "results": results,
                                                       "skipped": skipped}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
