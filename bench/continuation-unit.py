#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Issue 15 finding 5, measured as PID 1 meets it (root, bwrap; `bench/continuation-unit.py [BINARY]`): a unit of 200,000 continuation lines (800 KB),
enabled, then `systemctl daemon-reload` (which loads it). Reports the reload's wall time, the
longest wait of `systemctl is-system-running` meanwhile (polled every 0.1 s), PID 1's peak RSS
(VmHWM) before and after, and the same after starting the unit."""
import sys, time, os, threading
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from pid1 import Container, MULTI_USER
binary = sys.argv[1] if len(sys.argv) > 1 else "build/tinysd"
c = Container(binary, units={"web.service": "[Service]\nExecStart=/bin/sleep infinity\n"}, enable=["web.service"])
c.start()
c.wait_for(MULTI_USER, timeout=60)
c.write_unit("hostile-cont.service", "[Service]\nType=oneshot\nExecStart=/bin/true \\\n" + "a \\\n" * 200000 + "a\n")
c.enable("hostile-cont.service")
def hwm():
    for l in open(f"/proc/{c.pid1}/status"):
        if l.startswith("VmHWM"): return int(l.split()[1])
print("file bytes", os.path.getsize(c.path("/etc/systemd/system/hostile-cont.service")), "; PID 1 VmHWM before:", hwm(), "kB")
lat, stop = [], threading.Event()
def poll():
    while not stop.is_set():
        t = time.time(); r = c.exec(["/usr/bin/systemctl", "is-system-running"], timeout=300)
        lat.append((time.time() - t, r.returncode, r.stdout.strip() or r.stderr.strip()))
        time.sleep(0.1)
th = threading.Thread(target=poll); th.start()
time.sleep(0.5)
t = time.time()
r = c.exec(["/usr/bin/systemctl", "daemon-reload"], timeout=600)
reload_s = time.time() - t
time.sleep(0.5)
stop.set(); th.join()
print(f"daemon-reload: {reload_s:.2f} s, rc {r.returncode} {r.stderr.strip()}; VmHWM after: {hwm()} kB")
print(f"is-system-running meanwhile: {len(lat)} calls, longest {max(l for l, _, _ in lat):.2f} s, answers {sorted(set(a for _, _, a in lat))}")
t = time.time()
r = c.exec(["/usr/bin/systemctl", "start", "hostile-cont.service"], timeout=600)
print(f"start: {time.time() - t:.2f} s rc {r.returncode} {r.stderr.strip()}; VmHWM: {hwm()} kB")
c.close()
