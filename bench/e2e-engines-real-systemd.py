#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The second e2e image (tests/container/image.py systemd_rsyslog_image: Debian 12 with systemd,
rsyslog, dbus, avahi-daemon, apache2, exim4, prometheus-node-exporter, cron) under a real engine,
tinysd against the real systemd 252 of the image, on the same image (the layer
test_engine_systemd_rsyslog.py builds: tinysd as /sbin/init; the real systemd is started with
--entrypoint /lib/systemd/systemd). Root; Docker and/or Podman (tools/install-deps.sh).

  bench/e2e-engines-real-systemd.py [--runs N] [--engines podman,docker]

Per run and init: `ENGINE run` with no flags; boot = from PID 1's start (/proc/1/stat) to the last
of the services' ActiveEnterTimestampMonotonic (both inits answer `systemctl show` alike); then
`ENGINE stop` (the engine's default stop signal and 10 s) and its duration. Under `docker run`
without flags the real systemd does not boot (it cannot mount /run: "Failed to mount API
filesystems"; it needs --privileged or a tmpfs /run plus writable cgroups): that is printed as the
result. Containers and the layer image are removed at the end; the base import is kept."""
import argparse
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "container"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import engine as E  # noqa: E402
import image  # noqa: E402
from test_engine_systemd_rsyslog import UNITS, layer_files  # noqa: E402


def boot_seconds(c):
    tick = int(c.exec(["getconf", "CLK_TCK"]).stdout)
    start = int(c.exec(["cat", "/proc/1/stat"]).stdout.rsplit(")", 1)[1].split()[19]) / tick
    r = c.exec(["systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "--value", *UNITS])
    return max(int(v) for v in r.stdout.split()) / 1e6 - start


def one(eng, tag, init):
    args = ["--entrypoint", "/lib/systemd/systemd"] if init == "systemd" else []
    c = eng.run(tag, flags=args)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if not c.running():
                tail = "\n".join(c.logs().strip().splitlines()[-4:]) or (
                    "(no output: without a tty systemd's console is not the container's output; with -t it"
                    " says \"Failed to mount tmpfs at /run: Operation not permitted\" ... \"Failed to mount API"
                    " filesystems.\" \"Exiting PID 1...\")")
                return f"{eng.name} {init}: exited {c.exit_code()} before booting:\n    " + tail.replace("\n", "\n    ")
            if c.exec(["systemctl", "is-active", "--quiet", *UNITS]).returncode == 0:
                break
            time.sleep(0.2)
        else:
            return f"{eng.name} {init}: not every unit active within 120 s"
        boot = boot_seconds(c)
        state = c.exec(["systemctl", "is-system-running"]).stdout.strip()
        took, rc = c.stop(wait=60)
        return (f"{eng.name} {init}: {len(UNITS)} services active {boot:.2f} s after PID 1 started ({state});"
                f" `{eng.name} stop` {took:.2f} s, PID 1 gone after {c.exit_latency:.2f} s, exit {rc}")
    finally:
        c.rm()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", default="podman,docker")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("root only")
    rootfs = image.systemd_rsyslog_image()
    for name in a.engines.split(","):
        try:
            eng = E.engine(name)
        except E.EngineUnavailable as e:
            print(f"{name}: {e}")
            continue
        base = eng.import_rootfs(rootfs, f"tinysd-test/systemd-rsyslog:{rootfs.name.rsplit('-', 1)[1]}")
        tag = eng.with_tinysd(base, files=layer_files(rootfs), links=())
        eng.made.append(tag)
        try:
            for i in range(a.runs):
                for init in ("systemd", "tinysd"):
                    print(one(eng, tag, init), flush=True)
        finally:
            eng.remove_all()
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
