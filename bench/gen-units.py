#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate N unit files into ROOT/etc/systemd/system for the loader benchmark:
90% plain services with typical directives, every 10th with its own drop-in, one prefix drop-in
shared by all (bench-.service.d), one type-wide drop-in (service.d), one template instantiated
N/10 times through multi-user.target.wants symlinks, and the target itself.

Usage: gen-units.py ROOT [N]"""
import os
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
d = root / "etc/systemd/system"
d.mkdir(parents=True, exist_ok=True)
wants = d / "multi-user.target.wants"
wants.mkdir(exist_ok=True)
(d / "multi-user.target").write_text("[Unit]\nDescription=Multi-User System\nAllowIsolate=yes\n")
plain = n - n // 10
for i in range(plain):
    (d / f"bench-{i}.service").write_text(f"""[Unit]
Description=Benchmark service {i}
Documentation=man:bench(8)
After=network.target bench-{(i + 1) % plain}.service
Wants=bench-{(i + 7) % plain}.service

[Service]
Type=simple
User=nobody
Environment="ID={i}" MODE=bench
EnvironmentFile=-/etc/default/bench-{i}
ExecStartPre=-/bin/mkdir -p /run/bench-{i}
ExecStart=/usr/bin/sleep infinity
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=2s
TimeoutStopSec=30
LimitNOFILE=65536
PrivateTmp=yes
ProtectSystem=full

[Install]
WantedBy=multi-user.target
""")
    if i % 10 == 0:
        dd = d / f"bench-{i}.service.d"
        dd.mkdir(exist_ok=True)
        (dd / "override.conf").write_text("[Service]\nNice=5\nEnvironment=OVERRIDE=1\n")
(d / "bench-.service.d").mkdir(exist_ok=True)
(d / "bench-.service.d/10-prefix.conf").write_text("[Service]\nMemoryMax=1G\n")
(d / "service.d").mkdir(exist_ok=True)
(d / "service.d/10-all.conf").write_text("[Unit]\nDocumentation=https://example.invalid/\n")
(d / "worker@.service").write_text("""[Unit]
Description=Worker %i

[Service]
ExecStart=/usr/bin/sleep infinity %i
WorkingDirectory=/var/lib/worker/%i
""")
for i in range(n // 10):
    link = wants / f"worker@{i}.service"
    if not link.is_symlink():
        os.symlink("../worker@.service", link)
print(f"{n} units in {d}")
