# SPDX-License-Identifier: MIT
"""End to end (issue 7): real Debian 12 services under tinysd as PID 1 of a container.

The image (tests/container/image.py): debootstrap minbase bookworm + `apt-get install
--no-install-recommends nginx openssh-server redis-server postgresql cron memcached` and the
clients, built once and cached under /var/tmp/tinysd-images; every service runs from the vendor's
own unit files, enabled by the maintainer scripts. The container (tests/container/container.py):
Docker's defaults (root, the 14 capabilities, pid/mount/uts/ipc/net namespaces, loopback only).

One container boots per module (`ctr`) and the tests talk to it with `docker exec`; the last tests
stop it (SIGTERM to PID 1, as `docker stop`) and boot the same root again. The module skips when
the image cannot be had (no debootstrap, no mirror, not root, a failed build).

Contract assumed: every service answers its client; cron runs a job from /etc/cron.d; service
output reaches PID 1's stdout as `UNIT[PID]: line`; SIGTERM to PID 1 gives exit 0 within 10 s
and the data (PostgreSQL rows, a redis key saved on shutdown) is there at the next boot; a service
ignoring SIGTERM is SIGKILLed at its TimeoutStopSec= while the others stop normally.
Tests needing PID 1's D-Bus API (systemctl status/restart, journalctl -u, apt-get install of one
more service) skip until /run/systemd/private exists in the container.

The offline install: the container has no network, so image.py downloads lighttpd's .debs into
the image's /var/cache/apt/archives at build time (apt-get --download-only); inside the container
`apt-get install --no-download lighttpd` installs them, and its maintainer scripts go the
deb-systemd-invoke path because /run/systemd/system exists."""
import os
import pathlib
import re
import signal
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "container"))

import image  # noqa: E402
from container import ImageContainer  # noqa: E402
from pid1 import MULTI_USER, started  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINYSD = pathlib.Path(os.environ.get("TINYSD", ROOT / "build" / "tinysd"))

# A service that ignores SIGTERM: it must be SIGKILLed at TimeoutStopSec= (3 s) during `docker stop`.
STUBBORN_UNIT = """[Unit]
Description=Ignores SIGTERM
[Service]
ExecStart=/bin/sh -c 'trap "echo stubborn got TERM" TERM; echo stubborn ready; while :; do sleep 1; done'
TimeoutStopSec=3
[Install]
WantedBy=multi-user.target
"""

SERVICES = {   # unit: its description (the vendor's), for the status lines
    "nginx.service": "A high performance web server and a reverse proxy server",
    "ssh.service": "OpenBSD Secure Shell server",
    "redis-server.service": "Advanced key-value store",
    "memcached.service": "memcached daemon",
    "cron.service": "Regular background program processing daemon",
}


@pytest.fixture(scope="module")
def services_image():
    if not TINYSD.exists():
        pytest.skip(f"{TINYSD} is not built")
    try:
        return image.services_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    except Exception as e:      # network trouble, disk full, ...: not tinysd's failure
        pytest.skip(f"the Debian image build failed: {e!r}")


@pytest.fixture(scope="module")
def ctr_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


# Debian's own systemctl 252 from this host (the image has no systemd): it links only libraries a
# bookworm image with these services has, so it runs inside the container as a second client.
DEBIAN_SYSTEMCTL = pathlib.Path("/usr/bin/systemctl")


def boot_services(img, workdir):
    c = ImageContainer(img, TINYSD, workdir=workdir)
    if DEBIAN_SYSTEMCTL.exists() and not DEBIAN_SYSTEMCTL.is_symlink():
        dst = c.path("/usr/local/bin/debian-systemctl")
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(DEBIAN_SYSTEMCTL.read_bytes())
        dst.chmod(0o755)
    unit = c.path("/etc/systemd/system/stubborn.service")
    unit.write_text(STUBBORN_UNIT)
    c.enable("stubborn.service")
    return c.start()


@pytest.fixture(scope="module")
def ctr(services_image, ctr_dir):
    c = boot_services(services_image, ctr_dir / "c")
    try:
        c.wait_for(MULTI_USER, timeout=60)
        yield c
    finally:
        c.close()
        print(c.output()[-12000:])
        c.cleanup()


def sh(c, script, timeout=30, **kw):
    return c.exec(["/bin/sh", "-c", script], timeout=timeout, **kw)


def need_bus(c):
    if not c.path("/run/systemd/private").exists():
        pytest.skip("PID 1 does not serve /run/systemd/private yet")


# ---------------------------------------------------------------- the services answer

@pytest.mark.parametrize("unit", sorted(SERVICES))
def test_service_started(ctr, unit):
    ctr.wait_for(started(unit, SERVICES[unit]), timeout=30)


def test_postgresql_cluster_started(ctr):
    # postgresql.service is an umbrella; the cluster is postgresql@15-main.service, which Debian
    # wires in with a systemd generator (/lib/systemd/system-generators/postgresql-generator)
    ctr.wait_for(r"^\[  OK  \] Started postgresql@15-main\.service", timeout=30)


def test_nginx_answers_curl(ctr):
    r = ctr.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:80/"])
    assert r.stdout == "200", r


def test_sshd_answers_keyscan(ctr):
    r = ctr.exec(["ssh-keyscan", "-T", "5", "-t", "ed25519", "127.0.0.1"], timeout=15)
    assert re.search(r"^127\.0\.0\.1 ssh-ed25519 AAAA", r.stdout, re.M), r
    host_key = ctr.path("/etc/ssh/ssh_host_ed25519_key.pub").read_text().split()[1]
    assert host_key in r.stdout


def test_ssh_key_login(ctr):
    r = sh(ctr, "rm -f /root/.ssh/e2e; mkdir -p -m 700 /root/.ssh && ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/e2e"
                " && cat /root/.ssh/e2e.pub >> /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys"
                " && ssh -o BatchMode=yes -o StrictHostKeyChecking=no -i /root/.ssh/e2e root@127.0.0.1 'echo logged-in-as-$(id -un)'")
    assert "logged-in-as-root" in r.stdout, r


def test_redis_set_get(ctr):
    assert ctr.exec(["redis-cli", "SET", "e2e-key", "e2e-value"]).stdout.strip() == "OK"
    assert ctr.exec(["redis-cli", "GET", "e2e-key"]).stdout.strip() == "e2e-value"


def psql(c, sql):
    return c.exec(["runuser", "-u", "postgres", "--", "psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                  timeout=30)


def test_postgresql_table_and_rows(ctr):
    ctr.wait_for(r"Started postgresql@15-main\.service", timeout=30)
    r = psql(ctr, "CREATE TABLE e2e (id int, word text); INSERT INTO e2e VALUES (1, 'one'), (2, 'two');")
    assert r.returncode == 0, r
    assert psql(ctr, "SELECT word FROM e2e ORDER BY id").stdout.split() == ["one", "two"]


def test_memcached_set_get(ctr):
    r = ctr.exec(["nc", "-q", "1", "127.0.0.1", "11211"], input="set e2e 0 0 5\r\nhello\r\nget e2e\r\nquit\r\n")
    assert r.stdout.split() == ["STORED", "VALUE", "e2e", "0", "5", "hello", "END"], r


def test_cron_runs_a_job_from_cron_d(ctr):
    # cron rereads /etc/cron.d when its mtime changes, once a minute: at most ~2 minutes' wait
    # (the job's minute is the next one; cron checks at the top of each minute)
    ctr.path("/etc/cron.d/e2e").write_text("* * * * * root date +\\%s > /run/cron-e2e\n")
    os.chmod(ctr.path("/etc/cron.d/e2e"), 0o644)
    ctr.wait_for_path("/run/cron-e2e", timeout=125, contains="\n")


# ---------------------------------------------------------------- logging

def test_service_output_reaches_pid1_stdout_prefixed_with_the_unit(ctr):
    ctr.wait_for(r"^stubborn\.service\[\d+\]: stubborn ready$", timeout=10)


def test_syslog_lines_reach_pid1_stdout(ctr):
    # sshd and cron log with syslog(3): /dev/log must be PID 1's (journald's, in systemd)
    if not ctr.path("/run/systemd/journal/dev-log").exists() and not ctr.path("/dev/log").exists():
        pytest.skip("PID 1 does not serve /dev/log yet (sshd's and cron's syslog lines are lost)")
    ctr.wait_for(r"(sshd|ssh\.service)\[\d+\]: Server listening on", timeout=10)


# ---------------------------------------------------------------- needs PID 1's D-Bus API

def test_systemctl_status_journalctl_and_restart(ctr):
    need_bus(ctr)
    r = ctr.exec(["systemctl", "status", "nginx.service"])
    assert "Active: active (running)" in r.stdout, r
    assert ctr.exec(["journalctl", "-u", "ssh.service", "--no-pager"]).returncode == 0
    old = ctr.path("/run/nginx.pid").read_text().strip()
    assert ctr.exec(["systemctl", "restart", "nginx.service"], timeout=30).returncode == 0
    assert ctr.path("/run/nginx.pid").read_text().strip() != old
    r = ctr.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:80/"])
    assert r.stdout == "200"


@pytest.mark.parametrize("unit", [*SERVICES, "postgresql@15-main.service"])
def test_status_journal_and_restart_of_each_through_both_systemctls(ctr, unit):
    need_bus(ctr)
    clients = ["systemctl"]
    if ctr.path("/usr/local/bin/debian-systemctl").exists():
        clients.append("/usr/local/bin/debian-systemctl")
    first_lines = set()
    for client in clients:
        r = ctr.exec([client, "--no-pager", "status", unit])
        assert r.returncode == 0, (client, r.stdout, r.stderr)
        assert re.search(r"^\s+Active: active \(running\) since ", r.stdout, re.M), (client, r.stdout)
        assert re.search(r"^\s+Main PID: \d+ ", r.stdout, re.M), (client, r.stdout)
        first_lines.add(r.stdout.splitlines()[0])
        r = ctr.exec([client, "is-active", unit])
        assert (r.returncode, r.stdout) == (0, "active\n"), client
    assert len(first_lines) == 1, first_lines      # the same "● unit - description" from both
    r = ctr.exec(["journalctl", "--no-pager", "-u", unit])
    assert r.returncode == 0 and re.search(rf"Started {re.escape(unit)}", r.stdout), r.stdout[-2000:]
    # and a restart through tinysd's systemctl: a new main process, active again
    show = ["systemctl", "show", "--value", "-p", "MainPID", unit]
    old = ctr.exec(show).stdout.strip()
    r = ctr.exec(["systemctl", "restart", unit], timeout=60)
    assert r.returncode == 0, r.stderr
    assert ctr.exec(show).stdout.strip() not in (old, "0")
    assert ctr.exec(["systemctl", "is-active", unit]).stdout == "active\n"


def test_restart_through_debians_systemctl(ctr):
    need_bus(ctr)
    if not ctr.path("/usr/local/bin/debian-systemctl").exists():
        pytest.skip("Debian's systemctl is not on this host")
    show = ["/usr/local/bin/debian-systemctl", "show", "--value", "-p", "MainPID", "redis-server.service"]
    old = ctr.exec(show).stdout.strip()
    r = ctr.exec(["/usr/local/bin/debian-systemctl", "restart", "redis-server.service"], timeout=30)
    assert r.returncode == 0, r.stderr
    new = ctr.exec(show).stdout.strip()
    assert new not in (old, "0")
    assert ctr.exec(["redis-cli", "ping"]).stdout.strip() == "PONG"


def test_apt_get_install_of_another_service_starts_it(ctr):
    need_bus(ctr)
    # nginx holds port 80; lighttpd's postinst starts it through deb-systemd-invoke
    sh(ctr, "sed -i 's/= 80$/= 8080/' /etc/lighttpd/lighttpd.conf 2>/dev/null; true")
    r = sh(ctr, "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-download lighttpd", timeout=120)
    assert r.returncode == 0, r
    ctr.wait_for(r"Started lighttpd\.service", timeout=30)


# ---------------------------------------------------------------- docker stop, docker start

def test_docker_stop_exits_0_within_10s_and_kills_the_stubborn_service(ctr):
    ctr.wait_for(r"stubborn ready", timeout=10)
    t0 = time.monotonic()
    ctr.signal(signal.SIGTERM)
    rc = ctr.wait(timeout=12)
    took = time.monotonic() - t0
    out = ctr.output()
    assert rc == 0, out[-4000:]
    assert took < 10, f"{took:.1f} s"
    assert took >= 3, "stubborn.service ignores SIGTERM: the stop waits TimeoutStopSec=3"
    assert re.search(r"stubborn\.service: State 'stop-sigterm' timed out\. Killing\.", out), out[-4000:]
    for unit, desc in SERVICES.items():
        assert f"[  OK  ] Stopped {unit} - {desc}." in out, (unit, out[-4000:])
    for unit in SERVICES:
        assert not re.search(rf"{re.escape(unit)}: (State .* timed out|Failed with result)", out), (unit, out[-4000:])


def test_second_boot_finds_the_data(services_image, ctr_dir, ctr):
    assert not ctr.running(), "runs after test_docker_stop_..."
    ctr.close()
    c = boot_services(services_image, ctr_dir / "c")
    try:
        c.wait_for(MULTI_USER, timeout=60)
        c.wait_for(started("redis-server.service", SERVICES["redis-server.service"]), timeout=30)
        assert c.exec(["redis-cli", "GET", "e2e-key"]).stdout.strip() == "e2e-value"
        c.wait_for(r"Started postgresql@15-main\.service", timeout=30)
        assert psql(c, "SELECT word FROM e2e ORDER BY id").stdout.split() == ["one", "two"]
        c.signal(signal.SIGTERM)
        assert c.wait(12) == 0
    finally:
        c.close()
        print(c.output()[-8000:])


# ---------------------------------------------------------------- other runtimes' layouts

def boot_mode(img, tmp_path, mode):
    c = ImageContainer(img, TINYSD, mode=mode, workdir=tmp_path / mode)
    return c.start()


def test_read_only_root_with_tmpfs_run(services_image, tmp_path):
    c = boot_mode(services_image, tmp_path, "read-only")
    try:
        c.wait_for(MULTI_USER, timeout=60)
        # memcached needs only /run; it answers with the root read-only
        c.wait_for(started("memcached.service", SERVICES["memcached.service"]), timeout=20)
        r = c.exec(["nc", "-q", "1", "127.0.0.1", "11211"], input="stats\r\nquit\r\n")
        assert "STAT pid" in r.stdout, r
        assert c.exec(["touch", "/etc/x"]).returncode != 0, "the root is read-only"
        c.signal(signal.SIGTERM)
        assert c.wait(12) == 0
    finally:
        c.cleanup()


def test_podman_systemd_always_layout(services_image, tmp_path):
    c = boot_mode(services_image, tmp_path, "podman")
    try:
        c.wait_for(MULTI_USER, timeout=60)
        assert c.path("/run/systemd/container").read_text().strip() == "podman"
        for unit in ("nginx.service", "redis-server.service", "ssh.service"):
            c.wait_for(started(unit, SERVICES[unit]), timeout=20)
        r = c.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1/"])
        assert r.stdout == "200", r
        c.signal(signal.SIGTERM)
        assert c.wait(12) == 0
    finally:
        c.cleanup()


def test_non_root_runs_what_needs_no_root(tmp_path):
    if not TINYSD.exists():
        pytest.skip(f"{TINYSD} is not built")
    try:
        img = image.base_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    c = ImageContainer(img, TINYSD, mode="user", workdir=tmp_path / "user")
    c.write_file("/etc/systemd/system/hello.service",
                 "[Service]\nExecStart=/bin/sh -c 'echo hello from $(id -u); sleep 3600'\n"
                 "[Install]\nWantedBy=multi-user.target\n")
    c.enable("hello.service")
    try:
        c.start()
        c.wait_for(r"^hello\.service\[\d+\]: hello from 1000$", timeout=20)
        c.wait_for(MULTI_USER, timeout=20)
        assert c.proc_status()["CapEff"].strip() == "0000000000000000"
        c.signal(signal.SIGTERM)
        assert c.wait(12) == 0
    finally:
        c.cleanup()
