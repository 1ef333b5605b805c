# SPDX-License-Identifier: MIT
"""tinysd as PID 1: Restart= and the start rate limit.

Contract assumed (systemd 252): with Restart=on-failure, RestartSec=100ms, StartLimitBurst=3 and
StartLimitIntervalSec=10s, a service that always fails is started exactly 3 times, then its
restart is refused by the limit: `[FAILED] Failed to start ...`, and the manager keeps running
(it still answers SIGTERM with exit 0). Restart=always restarts a service that exits 0."""
import signal
import time

from pid1 import failed_to_start


CRASHER = """
    [Unit]
    Description=Crasher
    StartLimitBurst=3
    StartLimitIntervalSec=10s
    [Service]
    ExecStart=/bin/sh -c 'echo run >> /run/runs; exit 1'
    Restart=on-failure
    RestartSec=100ms
    """


def runs(c, name="/run/runs"):
    p = c.path(name)
    return len(p.read_text().splitlines()) if p.exists() else 0


def test_crash_loop_stops_at_the_start_limit(boot):
    c = boot(units={"crasher.service": CRASHER}, enable=["crasher.service"])
    c.wait_for(failed_to_start("crasher.service", "Crasher"))
    assert runs(c) == 3
    time.sleep(0.5)   # RestartSec is 100ms: a fourth run would be there by now
    assert runs(c) == 3


def test_manager_keeps_running_after_a_crash_loop(boot):
    c = boot(units={"crasher.service": CRASHER}, enable=["crasher.service"])
    c.wait_for(failed_to_start("crasher.service", "Crasher"))
    assert c.running()
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


def test_restart_always_restarts_a_clean_exit(boot):
    c = boot(units={"again.service": """
        [Unit]
        Description=Again
        StartLimitIntervalSec=0
        [Service]
        ExecStart=/bin/sh -c 'echo run >> /run/again; exit 0'
        Restart=always
        RestartSec=100ms
        """}, enable=["again.service"])
    c.wait_for_path("/run/again", contains="run\nrun\nrun\n")


def test_restart_on_failure_does_not_restart_a_clean_exit(boot):
    c = boot(units={"once.service": """
        [Unit]
        Description=Once
        [Service]
        ExecStart=/bin/sh -c 'echo run >> /run/once; exit 0'
        Restart=on-failure
        RestartSec=100ms
        """}, enable=["once.service"])
    c.wait_for_path("/run/once")
    time.sleep(0.5)
    assert runs(c, "/run/once") == 1


FDSTORE_PY = r"""#!/usr/bin/python3
import array, os, socket, sys
def notify(msg, fds=()):
    addr = os.environ["NOTIFY_SOCKET"]
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        s.sendmsg([msg], anc, 0, addr)
n = int(os.environ.get("LISTEN_FDS", "0"))
if n == 0:
    fd = os.memfd_create("state")
    os.write(fd, b"state from the first run")
    notify(b"FDSTORE=1\nFDNAME=state", [fd])
    notify(b"READY=1")
    print("first run stored its fd", flush=True)
    sys.exit(3)       # a crash: Restart=on-failure brings it back with the store
assert int(os.environ["LISTEN_PID"]) == os.getpid()
os.lseek(3, 0, os.SEEK_SET)
print(f"second run got {n} fd(s) named {os.environ.get('LISTEN_FDNAMES')}: {os.read(3, 100).decode()}", flush=True)
notify(b"READY=1")
os.execv("/bin/sleep", ["sleep", "1000"])
"""


def test_fd_store_is_handed_back_on_restart(boot):
    # sd_notify(3) FDSTORE=1: fds the service stored survive its restart and come back as
    # LISTEN_FDS with their FDNAME= (sd_listen_fds_with_names(3))
    c = boot(units={"keeper.service": """
        [Unit]
        Description=Keeper
        [Service]
        Type=notify
        FileDescriptorStoreMax=4
        Restart=on-failure
        RestartSec=100ms
        ExecStart=/opt/test/keeper.py
        """}, enable=["keeper.service"], files={"/opt/test/keeper.py": FDSTORE_PY})
    c.wait_for(r"keeper\.service\[\d+\]: first run stored its fd")
    c.wait_for(r"keeper\.service\[\d+\]: second run got 1 fd\(s\) named state: state from the first run")
    r = c.exec(["systemctl", "show", "-p", "NFileDescriptorStore", "keeper.service"])
    assert r.stdout == "NFileDescriptorStore=1\n", r.stdout + r.stderr
    # systemctl restart keeps the store too
    assert c.exec(["systemctl", "restart", "keeper.service"]).returncode == 0
    c.wait_for(r"(?s)second run got 1 fd.*second run got 1 fd\(s\) named state: state from the first run")
    r = c.exec(["systemctl", "show", "-p", "NFileDescriptorStore", "keeper.service"])
    assert r.stdout == "NFileDescriptorStore=1\n", r.stdout + r.stderr
    # a stop that is not a restart releases the store, as systemd 252 does
    assert c.exec(["systemctl", "stop", "keeper.service"]).returncode == 0
    r = c.exec(["systemctl", "show", "-p", "NFileDescriptorStore", "keeper.service"])
    assert r.stdout == "NFileDescriptorStore=0\n", r.stdout + r.stderr
