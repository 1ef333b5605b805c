# SPDX-License-Identifier: MIT
"""What musl and glibc say differently, where it crosses a process boundary: the static (musl)
build must say what the glibc build and systemd say (docs/libc-differences.md). Realtime signal
numbers are in test_pid1_signals.py.

Contract assumed: errno texts are glibc's ("Address already in use", not musl's "Address in
use"; "Too many levels of symbolic links", not "Symbolic link loop"), in PID 1's log lines and
in the tools' messages; getopt's diagnostics are glibc's words, as Debian's systemctl prints them;
globs expand braces as glibc's GLOB_BRACE does (Debian's clamav-daemon.service has
ConditionPathExistsGlob=/var/lib/clamav/main.{c[vl]d,inc}), musl having no GLOB_BRACE."""
import os

import pytest

from conftest import run
from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"


@pytest.fixture
def named(tinysd, tmp_path):
    def make(name):
        link = tmp_path / name
        os.symlink(tinysd, link)
        return str(link)
    return make


def test_errno_text_in_pid1_messages(boot):
    c = boot(units={
        "first.socket": "[Unit]\nDescription=First\n[Socket]\nListenStream=127.0.0.1:7001\n",
        "second.socket": "[Unit]\nDescription=Second\n[Socket]\nListenStream=127.0.0.1:7001\n",
        "first.service": "[Service]\nExecStart=/bin/sleep infinity\n",
        "second.service": "[Service]\nExecStart=/bin/sleep infinity\n",
        "loop.service": "[Unit]\nDescription=Loop\n[Service]\nExecStart=/run/loop\n",
    }, enable={"first.socket": "sockets.target", "loop.service": "multi-user.target"}, start=False)
    os.symlink("loop", c.path("/run/loop"))
    c.start()
    c.wait_for(MULTI_USER)
    r = c.exec([SYSTEMCTL, "start", "second.socket"])
    assert r.returncode != 0
    c.wait_for(r"second\.socket: Failed to create listening socket \(127\.0\.0\.1:7001\): Address already in use$")
    c.wait_for(r"loop\.service: Failed at step EXEC spawning /run/loop: Too many levels of symbolic links$")


def test_brace_globs_in_conditions(boot):
    cond = "ConditionPathExistsGlob=/etc/tinysd/main.{c[vl]d,inc}\n"
    c = boot(units={"brace.service": "[Unit]\nDescription=Brace\n" + cond + "[Service]\nExecStart=/bin/sleep infinity\n",
                    "nobrace.service": "[Unit]\nDescription=No Brace\n" + cond.replace("main", "daily") +
                                       "[Service]\nExecStart=/bin/sleep infinity\n"},
             enable=["brace.service", "nobrace.service"], files={"/etc/tinysd/main.inc": "", "/etc/tinysd/daily.cvdx": ""})
    c.wait_for(MULTI_USER)
    assert c.exec([SYSTEMCTL, "is-active", "brace.service", "nobrace.service"]).stdout == "active\ninactive\n"


def test_errno_text_in_tool_messages(named, tmp_path):
    os.symlink("loop", tmp_path / "loop")
    r = run([named("journalctl"), "--file", str(tmp_path / "loop")])
    assert "Too many levels of symbolic links" in r.stderr, r.stderr


@pytest.mark.parametrize("args", [["--bogus"], ["-Z"], ["kill", "-s"], ["--signal"], ["--no-pager=yes"]])
def test_systemctl_option_errors_in_glibc_words(named, args):
    """getopt's diagnostics as Debian's systemctl prints them (glibc's words), also from the musl
    build, whose own getopt says "unrecognized option: bogus"."""
    if not os.access(SYSTEMCTL, os.X_OK):
        pytest.skip("Debian's systemctl is not installed")
    prog = named("systemctl")
    mine = run([prog, *args], timeout=10)
    ref = run([SYSTEMCTL, *args], timeout=10)
    assert ref.returncode == 1 and ref.stderr.startswith(f"{SYSTEMCTL}: ")
    assert (mine.returncode, mine.stderr.replace(prog, "SYSTEMCTL")) == \
        (ref.returncode, ref.stderr.replace(SYSTEMCTL, "SYSTEMCTL"))
