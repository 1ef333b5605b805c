# SPDX-License-Identifier: MIT
"""The container harness itself (pid1.py), checked with a fake PID 1 -- a shell script, not
tinysd -- so that the tinysd PID 1 tests can trust what it sets up: PID 1, Docker's capability
set, hostname, environment, exit status, signals, read-only root, the non-root case, the
writable directories, exec, the process list, the sanitizer reports."""
import os
import shutil
import signal
import subprocess
import textwrap

import pytest

from pid1 import CAP_SYS_ADMIN, DOCKER_CAP_MASK, WRITABLE_DIRS, ContainerError


def fake(container_factory, script, **kw):
    """A container whose PID 1 is /bin/sh running SCRIPT (put in place at /opt/test/init.sh)."""
    files = dict(kw.pop("files", {}))
    files["/opt/test/init.sh"] = "#!/bin/sh\n" + textwrap.dedent(script).lstrip()
    return container_factory("/bin/sh", args=["/opt/test/init.sh"], files=files, **kw)


def status_of(text):
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def test_pid_is_1(container_factory):
    c = fake(container_factory, "echo $$ > /run/pid; echo PPid=$PPID > /run/ppid").start()
    assert c.wait() == 0
    assert c.path("/run/pid").read_text() == "1\n"
    assert c.path("/run/ppid").read_text() == "PPid=0\n"


def test_capabilities_are_dockers_default_set_exactly(container_factory):
    assert DOCKER_CAP_MASK == 0xA80425FB   # what /proc/1/status shows in `docker run debian`
    c = fake(container_factory, "cat /proc/1/status > /run/status").start()
    assert c.wait() == 0
    st = status_of(c.path("/run/status").read_text())
    assert int(st["CapEff"], 16) == DOCKER_CAP_MASK
    assert int(st["CapPrm"], 16) == DOCKER_CAP_MASK
    assert int(st["CapBnd"], 16) == DOCKER_CAP_MASK
    assert int(st["CapInh"], 16) == 0
    assert int(st["CapAmb"], 16) == 0
    assert not int(st["CapEff"], 16) & (1 << CAP_SYS_ADMIN)
    assert st["Uid"].split() == ["0"] * 4


def test_capabilities_of_a_child_are_the_same(container_factory):
    # root exec'ing a plain binary gets the bounding set: nothing beyond Docker's set
    c = fake(container_factory, "grep CapEff /proc/self/status > /run/child").start()
    assert c.wait() == 0
    assert int(c.path("/run/child").read_text().split()[1], 16) == DOCKER_CAP_MASK


def test_hostname_is_set(container_factory):
    c = fake(container_factory, "hostname > /run/h", hostname="web-1").start()
    assert c.wait() == 0
    assert c.path("/run/h").read_text() == "web-1\n"


def test_default_hostname_looks_like_a_container_id(container_factory):
    c = fake(container_factory, "hostname > /run/h").start()
    assert c.wait() == 0
    h = c.path("/run/h").read_text().strip()
    assert len(h) == 12 and int(h, 16) >= 0
    assert h == c.hostname


def test_environment_is_minimal_plus_given(container_factory):
    c = fake(container_factory, r"tr '\0' '\n' < /proc/1/environ > /run/env", env={"FOO": "bar", "container": "podman"})
    c.start()
    assert c.wait() == 0
    env = dict(line.split("=", 1) for line in c.path("/run/env").read_text().splitlines())
    assert env == {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME": c.hostname,
        "HOME": "/root",
        "FOO": "bar",
        "container": "podman",
    }


@pytest.mark.parametrize("code", [0, 1, 7, 42])
def test_exit_status_passes_through(container_factory, code):
    c = fake(container_factory, f"exit {code}").start()
    assert c.wait() == code
    assert c.exit_code() == code


def test_output_is_captured_and_waited_for(container_factory):
    c = fake(container_factory, "echo out-line; echo err-line >&2; sleep 0.2; echo later").start()
    m = c.wait_for(r"^lat(er)$")
    assert m.group(1) == "er"
    assert c.wait() == 0
    assert "out-line" in c.output("stdout") and "err-line" not in c.output("stdout")
    assert "err-line" in c.output("stderr")
    assert {"out-line", "err-line", "later"} <= set(c.lines())


def test_wait_for_raises_with_output_when_pid1_exits(container_factory):
    c = fake(container_factory, "echo something else; exit 3").start()
    with pytest.raises(ContainerError) as e:
        c.wait_for("never printed", timeout=5)
    assert "something else" in str(e.value)
    assert "exited 3" in str(e.value)


def test_signal_reaches_pid1_handler(container_factory):
    c = fake(container_factory, """
        trap 'echo got-term; exit 3' TERM
        trap 'echo got-int; exit 4' INT
        echo ready
        while :; do sleep 1000 & wait $!; done
        """).start()
    c.wait_for("ready")
    c.signal(signal.SIGTERM)
    assert c.wait() == 3
    assert "got-term" in c.output()


def test_realtime_signal_reaches_pid1_handler(container_factory):
    c = fake(container_factory, """
        trap 'echo got-rtmin3; exit 5' RTMIN+3
        echo ready
        while :; do sleep 1000 & wait $!; done
        """).start()
    c.wait_for("ready")
    c.signal(signal.SIGRTMIN + 3)
    assert c.wait() == 5


def test_signal_without_handler_is_not_delivered_to_pid1(container_factory):
    # PID-namespace init semantics, as in Docker: SIGTERM with no handler is dropped, SIGKILL is not
    c = fake(container_factory, "echo ready; sleep 1000 & wait $!").start()
    c.wait_for("ready")
    c.signal(signal.SIGTERM)
    with pytest.raises(ContainerError):
        c.wait(0.5)
    c.signal(signal.SIGKILL)
    assert c.wait() == 128 + signal.SIGKILL


def test_stop_kills_after_timeout(container_factory):
    c = fake(container_factory, "trap '' TERM; echo ready; while :; do sleep 1; done").start()
    c.wait_for("ready")
    assert c.stop(timeout=0.5) == 137
    assert not os.path.exists(f"/proc/{c.pid1}/status") or "Z" in open(f"/proc/{c.pid1}/stat").read().split()[2]


WRITE_PROBE = """
    for d in /run /tmp /var/log /var/lib /var/cache /root /etc/systemd/system /etc/systemd/system.control /etc/tinysd /etc /usr /opt/test /; do
        if touch "$d/probe" 2>/dev/null; then echo "$d rw"; else echo "$d ro"; fi
    done > /run/probe.txt 2>&1 || true
    """


def probe(c):
    return dict(line.rsplit(" ", 1) for line in c.path("/run/probe.txt").read_text().splitlines())


def test_writable_dirs_are_writable_and_the_rest_is_not(container_factory):
    c = fake(container_factory, WRITE_PROBE).start()
    assert c.wait() == 0
    assert probe(c) == {
        "/run": "rw", "/tmp": "rw", "/var/log": "rw", "/var/lib": "rw", "/var/cache": "rw", "/root": "rw",
        "/etc/systemd/system": "rw", "/etc/systemd/system.control": "rw", "/etc/tinysd": "rw",
        "/etc": "ro", "/usr": "ro", "/opt/test": "ro", "/": "ro",
    }
    # written inside, visible on the host through path()
    assert c.path("/var/lib/probe").exists()
    assert c.path("/etc/tinysd/probe").exists()


def test_readonly_root_leaves_only_run_writable(container_factory):
    c = fake(container_factory, WRITE_PROBE, readonly_root=True).start()
    assert c.wait() == 0
    result = probe(c)
    assert result.pop("/run") == "rw"
    assert set(result.values()) == {"ro"}, result


def test_writable_dirs_are_plain_directories_not_tmpfs(container_factory):
    c = fake(container_factory, "cat /proc/self/mounts > /run/mounts").start()
    assert c.wait() == 0
    fstype = {}
    for line in c.path("/run/mounts").read_text().splitlines():
        _, mnt, typ = line.split()[:3]
        fstype[mnt] = typ   # the last mount on a point wins
    for d in WRITABLE_DIRS:
        assert fstype[d] != "tmpfs", (d, fstype[d])
    assert fstype["/proc"] == "proc"


def test_non_root_user_has_uid_1000_and_no_capabilities(container_factory):
    c = fake(container_factory, """
        echo $$ > /run/pid
        id -u > /run/uid; id -g > /run/gid; id -G > /run/groups
        cat /proc/1/status > /run/status
        """ + WRITE_PROBE, user=1000).start()
    assert c.wait() == 0
    assert c.path("/run/pid").read_text() == "1\n"
    assert c.path("/run/uid").read_text() == "1000\n"
    assert c.path("/run/gid").read_text() == "1000\n"
    assert c.path("/run/groups").read_text() == "1000\n"
    st = status_of(c.path("/run/status").read_text())
    for k in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"):
        assert int(st[k], 16) == 0, k
    assert st["NoNewPrivs"] == "1"
    result = probe(c)
    for d in WRITABLE_DIRS:
        assert result[d] == "rw", d
    assert result["/etc"] == result["/usr"] == "ro"


def test_units_and_enable_links_are_in_place(container_factory):
    c = fake(container_factory, """
        cat /etc/systemd/system/foo.service > /run/unit
        readlink /etc/systemd/system/multi-user.target.wants/foo.service > /run/link
        ls -A /usr/lib/systemd/system | wc -l > /run/vendor
        """, units={"foo.service": """
            [Service]
            ExecStart=/bin/true
            """}, enable=["foo.service"]).start()
    assert c.wait() == 0
    assert c.path("/run/unit").read_text() == "[Service]\nExecStart=/bin/true\n"
    assert c.path("/run/link").read_text() == "/etc/systemd/system/foo.service\n"
    assert c.path("/run/vendor").read_text() == "0\n", "the host's vendor units are hidden by default"


def test_exec_runs_inside_with_containers_identity(container_factory):
    c = fake(container_factory, "echo ready; exec sleep 1000", hostname="inside").start()
    c.wait_for("ready")
    r = c.exec(["sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; grep -E 'CapEff|CapBnd' /proc/self/status; echo $FOO"],
               env={"FOO": "given"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "inside"
    assert lines[1].startswith("sleep 1000")
    assert int(lines[2].split()[1], 16) == DOCKER_CAP_MASK
    assert int(lines[3].split()[1], 16) == DOCKER_CAP_MASK
    assert lines[4] == "given"
    assert c.exec(["sh", "-c", "exit 9"]).returncode == 9
    c.kill()   # `sleep` as PID 1 has no SIGTERM handler


def test_exec_as_non_root_container_user(container_factory):
    c = fake(container_factory, "echo ready; exec sleep 1000", user=1000).start()
    c.wait_for("ready")
    r = c.exec(["sh", "-c", "id -u; grep CapEff /proc/self/status"])
    assert r.stdout.split()[0] == "1000"
    assert int(r.stdout.split()[-1], 16) == 0
    c.kill()


def test_pids_lists_processes_inside_zombies_included(container_factory):
    # a PID 1 that never reaps: its exited child stays a zombie
    c = fake(container_factory, """
        echo ready
        exec python3 -c 'import os, time
        if os.fork() == 0: os._exit(0)
        os.spawnlp(os.P_NOWAIT, "sleep", "sleep", "1000")
        time.sleep(1000)'
        """).start()
    c.wait_for("ready")
    for _ in range(100):
        procs = c.pids()
        if any(p.state == "Z" for p in procs) and any(p.comm == "sleep" for p in procs):
            break
        subprocess.run(["sleep", "0.05"])
    assert procs[0].pid == 1 and procs[0].comm.startswith("python3")
    zombies = [p for p in procs if p.state == "Z"]
    assert len(zombies) == 1 and zombies[0].ppid == 1
    sleeper = next(p for p in procs if p.comm == "sleep")
    assert sleeper.ppid == 1 and sleeper.cmdline == ("sleep", "1000")
    # the same count from inside, the way the tinysd tests count zombies
    r = c.exec(["sh", "-c", "cat /proc/[0-9]*/stat"])
    assert sum(1 for line in r.stdout.splitlines() if line.rsplit(")", 1)[1].split()[0] == "Z") == 1
    c.kill()


def test_close_leaves_nothing_running(container_factory):
    c = fake(container_factory, "trap '' TERM; (sleep 1000 &); echo ready; while :; do sleep 1; done").start()
    c.wait_for("ready")
    pid1 = c.pid1
    c.close(term_timeout=0.3)
    assert not c.running()
    assert not os.path.exists(f"/proc/{pid1}")
    assert c.proc.returncode == 137


LEAK_C = r"""
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    char *p = malloc(100);
    strcpy(p, "leaked");
    p = NULL;
    printf("pid=%d\n", (int)getpid());
    fflush(stdout);   /* LeakSanitizer ends the process with _exit() */
    return 0;
}
"""


@pytest.mark.parametrize("user", [None, 1000], ids=["root", "uid1000"])
def test_leak_sanitizer_works_as_pid1(container_factory, tmp_path, user):
    """LeakSanitizer needs to ptrace its own threads: it works with Docker's capabilities and with
    none, so the containers keep detect_leaks=1."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if not cc:
        pytest.skip("no C compiler")
    src = tmp_path / "leak.c"
    src.write_text(LEAK_C)
    exe = tmp_path / "leak"
    subprocess.run([cc, "-g", "-fsanitize=address,undefined", str(src), "-o", str(exe)], check=True)
    c = container_factory("/opt/test/leak", files={"/opt/test/leak": (exe.read_bytes(), 0o755)}, user=user)
    assert c.start().wait() == 99
    assert "pid=1" in c.output()
    findings = c.sanitizer_findings()
    assert len(findings) == 1 and "LeakSanitizer: detected memory leaks" in findings[0]
    shutil.rmtree(c.workdir / "sanitizer")   # expected here: keep the fixture from failing the test
    (c.workdir / "sanitizer").mkdir()


def test_no_processes_outlive_a_test(container_factory):
    # what close() guarantees, seen from the host: no process in that PID namespace remains
    c = fake(container_factory, "(setsid sleep 1000 &); echo ready; exec sleep 1000").start()
    c.wait_for("ready")
    ns = os.readlink(f"/proc/{c.pid1}/ns/pid")
    c.close(term_timeout=0.3)
    left = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if os.readlink(f"/proc/{p}/ns/pid") == ns:
                    left.append(p)
            except OSError:
                pass
    assert left == []


def test_binds_read_only_by_default_and_writable_on_request(container_factory, tmp_path):
    ro, rw = tmp_path / "ro", tmp_path / "rw"
    ro.mkdir()
    rw.mkdir()
    (ro / "given").write_text("from the host\n")
    c = fake(container_factory, """
        cat /opt/data/given > /opt/out/copy
        if touch /opt/data/x 2>/dev/null; then echo rw; else echo ro; fi > /run/ro-probe
        """, binds={"/opt/data": ro, "/opt/out": (rw, True)}).start()
    assert c.wait() == 0
    assert (rw / "copy").read_text() == "from the host\n"
    assert c.path("/opt/out/copy") == rw / "copy"
    assert c.path("/run/ro-probe").read_text() == "ro\n"


def test_context_manager_starts_and_cleans_up():
    from pid1 import Container
    with Container("/bin/sh", args=["-c", "trap 'exit 0' TERM; echo up; while :; do sleep 1000 & wait $!; done"]) as c:
        c.wait_for("up")
        pid1, workdir = c.pid1, c.workdir
        assert workdir.is_dir()
    assert not c.running()
    assert not os.path.exists(f"/proc/{pid1}")
    assert not workdir.exists()
    assert c.proc.returncode == 0
