# SPDX-License-Identifier: MIT
"""system.conf and system.conf.d on PID 1 (issue 20 item 5, conformance script 05).

Contract (systemd-system.conf(5), systemd 252): /etc/systemd/system.conf, then the drop-ins of
system.conf.d/ in /etc/systemd, /run/systemd, /usr/local/lib/systemd, /usr/lib/systemd in file-name
order (a drop-in wins over the main file), section [Manager]. DefaultLimit*= (soft:hard),
DefaultTimeoutStart/Stop/AbortSec=, DefaultRestartSec=, DefaultStartLimitIntervalSec=/Burst=,
DefaultStandardOutput=, DefaultEnvironment= apply to every unit that does not set its own and are
the Manager's properties (`systemctl show -P DefaultLimitNOFILESoft`); a daemon-reload reads the
files again from the compiled-in defaults. Without DefaultLimitNOFILE= services get 252's fallback
(soft 1024, hard 512Ki at most fs.nr_open). An unknown key: 252's warning with file:line."""
import os
import pathlib

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMCTL, os.X_OK), reason="Debian's systemctl is not installed")

PROBE = """\
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'ulimit -Sn >/run/%N.limits; ulimit -Hn >>/run/%N.limits; ulimit -c >>/run/%N.limits; echo "$FOO|$BAZ" >/run/%N.env'
"""


def clients(tinysd):
    return [[SYSTEMCTL, "--no-pager"], [str(pathlib.Path(tinysd).with_name("systemctl"))]]


def show(c, ctl, *args):
    r = c.exec([*ctl, "show", *args], timeout=20)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_boot_time_settings_apply_to_units_and_are_manager_properties(boot, tinysd):
    c = boot(start=False)
    c.write_file("/etc/systemd/system.conf", "[Manager]\nDefaultRestartSec=7\nDefaultTimeoutStopSec=44s\n"
                                             "DefaultLimitCORE=1M\n")
    c.write_file("/etc/systemd/system.conf.d/10-defaults.conf", """\
[Manager]
DefaultLimitNOFILE=1000:2000
DefaultTimeoutStartSec=33s
DefaultTimeoutAbortSec=5s
DefaultRestartSec=3
DefaultStartLimitBurst=9
DefaultStartLimitIntervalSec=1min
DefaultEnvironment=FOO=bar "BAZ=a b" FOO=last
Bogus=1
DefaultLimitRTTIME=bad
""")
    c.write_unit("probe.service", PROBE)
    c.write_unit("own.service", PROBE + "LimitNOFILE=100:200\nTimeoutStartSec=5s\nRestartSec=1\nTimeoutAbortSec=2s\n")
    for u in ("probe.service", "own.service"):
        c.enable(u)
    c.start()
    c.wait_for(MULTI_USER)
    c.wait_for(r"10-defaults\.conf:9: Unknown key 'Bogus' in section \[Manager\], ignoring\.")
    c.wait_for(r"10-defaults\.conf:10: Failed to parse resource value, ignoring: bad")
    for ctl in clients(tinysd):
        assert show(c, ctl, "-P", "DefaultLimitNOFILESoft") == "1000"
        assert show(c, ctl, "-P", "DefaultLimitNOFILE") == "2000"
        assert show(c, ctl, "-P", "DefaultLimitCORE") == "1048576"
        assert show(c, ctl, "-P", "DefaultRestartUSec") == "3s"        # the drop-in wins
        assert show(c, ctl, "-P", "DefaultTimeoutStopUSec") == "44s"   # the main file's
        assert show(c, ctl, "-P", "DefaultTimeoutStartUSec") == "33s"
        assert show(c, ctl, "-P", "DefaultTimeoutAbortUSec") == "5s"
        assert show(c, ctl, "-P", "DefaultStartLimitBurst") == "9"
        assert show(c, ctl, "-P", "DefaultStartLimitIntervalUSec") == "1min"
    # units take what they do not set themselves
    got = show(c, [SYSTEMCTL], "-p", "LimitNOFILESoft", "-p", "LimitNOFILE", "-p", "TimeoutStopUSec", "-p",
               "RestartUSec", "-p", "StartLimitBurst", "-p", "TimeoutAbortUSec", "probe.service")
    assert sorted(got.splitlines()) == ["LimitNOFILE=2000", "LimitNOFILESoft=1000", "RestartUSec=3s",
                                        "StartLimitBurst=9", "TimeoutAbortUSec=5s", "TimeoutStopUSec=44s"]
    got = show(c, [SYSTEMCTL], "-p", "LimitNOFILE", "-p", "TimeoutStartUSec", "-p", "RestartUSec",
               "-p", "TimeoutAbortUSec", "own.service")
    assert sorted(got.splitlines()) == ["LimitNOFILE=200", "RestartUSec=1s", "TimeoutAbortUSec=2s",
                                        "TimeoutStartUSec=5s"]
    # ... and the processes have them
    assert c.path("/run/probe.limits").read_text().split() == ["1000", "2000", "2048"]
    assert c.path("/run/own.limits").read_text().split() == ["100", "200", "2048"]
    assert c.path("/run/probe.env").read_text() == "last|a b\n"
    env = c.exec([SYSTEMCTL, "show-environment"], timeout=20).stdout.splitlines()
    assert "FOO=last" in env and "BAZ=$'a b'" in env


def test_daemon_reload_reads_the_files_again(boot, tinysd):
    c = boot(start=False)
    c.write_unit("probe.service", PROBE)
    c.start()
    c.wait_for(MULTI_USER)
    # 252's fallback: soft 1024, hard 512Ki (or fs.nr_open)
    nr_open = int(pathlib.Path("/proc/sys/fs/nr_open").read_text())
    assert show(c, [SYSTEMCTL], "-P", "DefaultLimitNOFILESoft") == "1024"
    assert show(c, [SYSTEMCTL], "-P", "DefaultLimitNOFILE") == str(min(nr_open, 524288))
    assert show(c, [SYSTEMCTL], "-P", "LimitNOFILESoft", "probe.service") == "1024"
    # conformance script 05, with both clients
    c.exec(["mkdir", "-p", "/run/systemd/system.conf.d"])
    c.path("/run/systemd/system.conf.d/rlimits.conf").write_text(
        "[Manager]\nDefaultLimitNOFILE=10000:16384\nDefaultEnvironment=FOO=one\nDefaultStandardOutput=null\n")
    assert c.exec([SYSTEMCTL, "daemon-reload"], timeout=30).returncode == 0
    for ctl in clients(tinysd):
        assert show(c, ctl, "-P", "DefaultLimitNOFILESoft") == "10000"
        assert show(c, ctl, "-P", "DefaultLimitNOFILE") == "16384"
        assert show(c, ctl, "-P", "LimitNOFILESoft", "probe.service") == "10000"
        assert show(c, ctl, "-P", "LimitNOFILE", "probe.service") == "16384"
        assert show(c, ctl, "-P", "StandardOutput", "probe.service") == "null"
        assert show(c, ctl, "-P", "DefaultStandardOutput") == "null"
    assert c.exec([SYSTEMCTL, "start", "probe.service"], timeout=30).returncode == 0
    assert c.path("/run/probe.limits").read_text().split()[:2] == ["10000", "16384"]
    assert c.path("/run/probe.env").read_text() == "one|\n"
    assert "FOO=one" in c.exec([SYSTEMCTL, "show-environment"], timeout=20).stdout.splitlines()
    # gone again: back to the defaults, FOO out of the environment
    c.path("/run/systemd/system.conf.d/rlimits.conf").unlink()
    assert c.exec([SYSTEMCTL, "daemon-reload"], timeout=30).returncode == 0
    assert show(c, [SYSTEMCTL], "-P", "DefaultLimitNOFILESoft") == "1024"
    assert show(c, [SYSTEMCTL], "-P", "DefaultStandardOutput") == "journal"
    assert show(c, [SYSTEMCTL], "-P", "LimitNOFILESoft", "probe.service") == "1024"
    assert not any(e.startswith("FOO=") for e in c.exec([SYSTEMCTL, "show-environment"], timeout=20).stdout.splitlines())
