#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Root's systemctl while an unprivileged user floods the read-only D-Bus socket (issue 15,
finding 3). Nothing is asserted.

tinysd boots as PID 1 in the test harness's container (tests/integration/pid1.py) with one
running service. Root's `systemctl is-active web.service` (Debian's /usr/bin/systemctl and tinysd's
own) is timed N times by bench/ctl.py's static timer inside the container, in four phases:
  quiet     nobody else is connected;
  half      uid 65534 has opened 1,000 connections to /run/tinysd/bus-readonly that never finish
            SASL (PID 1 keeps 16, closes the rest at once and the 16 after the SASL timeout);
  idle      uid 65534 has opened 1,000 connections that finish SASL and stay silent (16 kept);
  churn     uid 65534 keeps 1,000 connections open and reopens each one PID 1 closes, in a loop
            (PID 1 accepts and refuses continuously; the flooder competes for the 2 CPUs).
The flooder is tests/integration/dbus_raw.py --flood. Usage:
  bus-lockout.py [--bin PATH] [--iterations N] [--json FILE]"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))
import ctl  # noqa: E402

RAW = HERE.parent / "tests" / "integration" / "dbus_raw.py"
READONLY = "/run/tinysd/bus-readonly"
WEB = "[Service]\nExecStart=/bin/sh -c 'while :; do sleep 1; done'\n[Install]\nWantedBy=multi-user.target\n"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"]


def flood(c, mode):
    status, stop = f"/tmp/flood-{mode}.json", f"/tmp/flood-{mode}.stop"
    argv = " ".join(NOBODY + ["python3", str(RAW), "--flood", READONLY, "1000", mode, status, stop])
    c.exec(["sh", "-c", f"{argv} </dev/null >/dev/null 2>&1 &"], privileged=True)
    path = c.path(status)
    c.wait_until(lambda: path.exists() and (lambda s: s["connected"] + s["refused"] >= 1000)(json.loads(path.read_text())),
                 timeout=60, what=f"the {mode} flood")
    time.sleep(0.5)
    return c.path(stop), json.loads(path.read_text())


def timed(c, timer, client, n):
    lines = c.exec([timer, str(n), "0", client, "is-active", "web.service"], timeout=600).stdout.split()
    xs = [int(x) / 1e6 for x in lines if x.lstrip("-").isdigit()]
    return {"median_ms": statistics.median(xs) if xs else None, "failed": sum(1 for x in xs if x < 0), "runs": len(xs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(HERE.parent / "build" / "tinysd"))
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("root required (namespaces)")
    from pid1 import MULTI_USER, Container
    timer = str(ctl.build_timer(HERE.parent / "build" / "bench-ctl-timer"))
    ours = str(pathlib.Path(os.path.abspath(a.bin)).with_name("systemctl"))
    report = {}
    c = Container(a.bin, units={"web.service": WEB}, enable=["web.service"])
    c.start()
    try:
        c.wait_for(MULTI_USER, timeout=20)
        for phase in ("quiet", "half", "idle", "churn"):
            stop, held = (None, None) if phase == "quiet" else flood(c, phase)
            report[phase] = {"flooder": held,
                             **{name: timed(c, timer, client, a.iterations)
                                for name, client in (("debian", "/usr/bin/systemctl"), ("tinysd", ours))}}
            if stop:
                stop.write_text("")
            r = report[phase]
            print(f"{phase:6s} Debian's {r['debian']['median_ms']:.2f} ms ({r['debian']['failed']} failed), "
                  f"tinysd's {r['tinysd']['median_ms']:.2f} ms ({r['tinysd']['failed']} failed); flooder {held}")
            time.sleep(6)   # the half-open ones time out, the flooders exit
    finally:
        c.close()
        c.cleanup()
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
