# SPDX-License-Identifier: MIT
"""End to end under real engines (issue 17): Debian 12's services under the static tinysd, run by
Docker 20.10 and Podman 4.3 with the flags users and orchestrators use.

The image: image.py's services root filesystem (debootstrap minbase bookworm + nginx,
openssh-server, redis-server, postgresql, cron, memcached and their clients), imported once per
engine (`docker import` / `podman import`), plus one layer (engine.py with_tinysd): the static
tinysd as /sbin/init with its systemctl/journalctl names, Debian's own systemctl 252 from this host
as /usr/local/bin/debian-systemctl, stubborn.service (ignores SIGTERM, TimeoutStopSec=3),
memcached-app.service (memcached as User=memcache on port 11212: a daemon that also runs without
root), a job in /etc/cron.d and HEALTHCHECK `systemctl is-system-running`.

Profiles, all five containers started together at the start of the module:
  docker             `docker run IMAGE` with the defaults
  docker-read-only   --read-only --tmpfs /run --tmpfs /tmp, volumes for /var/lib, /var/log, /var/cache, /root
  docker-restricted  --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges and /run a tmpfs
                     owned by that user (the Kubernetes restricted profile; Kubernetes itself is not
                     available here)
  podman             `podman run IMAGE`: podman's systemd mode (the command is /sbin/init)
  podman-no-systemd  podman run --systemd=false

Contract assumed: as root, every service answers its client (curl, ssh-keyscan and a key login,
redis-cli, psql, memcached's protocol, a cron job runs); `ENGINE exec` with tinysd's and Debian's
systemctl shows each unit active, tinysd's journalctl has its lines; `ENGINE logs` has the status
lines, the services' output and their syslog lines; the health check says healthy; `ENGINE stop`
exits 0 within the engine's 10 s (the stubborn service killed at its TimeoutStopSec=3) and after
`ENGINE start` the data written before (a redis key saved at shutdown, PostgreSQL rows) is there.
As uid 1000 without capabilities Debian's packaged daemons cannot run (they need root, and say so
in their own words); PID 1 says for each unit that User= cannot be applied, the units fail with
systemd's "Failed with result" lines, memcached-app answers, `systemctl is-system-running` says
degraded, the health check unhealthy, and `docker stop` still exits 0.
Stop times are written to BASETEMP/engine-report.txt.
"""
import pathlib
import re
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "container"))

import engine as E  # noqa: E402
import image  # noqa: E402

PROFILES = {
    "docker": ("docker", []),
    "docker-read-only": ("docker", ["--read-only", "--tmpfs", "/run", "--tmpfs", "/tmp",
                                    "-v", "/var/lib", "-v", "/var/log", "-v", "/var/cache", "-v", "/root"]),
    "docker-restricted": ("docker", ["--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                                     "--tmpfs", "/run:uid=1000,gid=1000"]),
    "podman": ("podman", []),
    "podman-no-systemd": ("podman", ["--systemd=false"]),
}
ROOT_PROFILES = [p for p in PROFILES if p != "docker-restricted"]

STUBBORN = """[Unit]
Description=Ignores SIGTERM
[Service]
ExecStart=/bin/sh -c 'trap "echo stubborn got TERM" TERM; echo stubborn ready; while :; do sleep 1; done'
TimeoutStopSec=3
[Install]
WantedBy=multi-user.target
"""
MEMCACHED_APP = """[Unit]
Description=memcached for the app
[Service]
User=memcache
ExecStart=/usr/bin/memcached -l 127.0.0.1 -p 11212 -m 16
[Install]
WantedBy=multi-user.target
"""
DEBIAN_SERVICES = {
    "nginx.service": "A high performance web server and a reverse proxy server",
    "ssh.service": "OpenBSD Secure Shell server",
    "redis-server.service": "Advanced key-value store",
    "memcached.service": "memcached daemon",
    "cron.service": "Regular background program processing daemon",
    "postgresql@15-main.service": "PostgreSQL Cluster 15-main",
}
HEALTHCHECK = "HEALTHCHECK --interval=2s --timeout=10s --start-period=90s --retries=2 CMD systemctl is-system-running\n"
DEBIAN_SYSTEMCTL = pathlib.Path("/usr/bin/systemctl")
HAVE_DEBIAN_SYSTEMCTL = DEBIAN_SYSTEMCTL.exists() and not DEBIAN_SYSTEMCTL.is_symlink()


def layer_files():
    wants = "/etc/systemd/system/multi-user.target.wants"
    files = {
        "/etc/systemd/system/stubborn.service": STUBBORN,
        f"{wants}/stubborn.service": E.Symlink("/etc/systemd/system/stubborn.service"),
        "/etc/systemd/system/memcached-app.service": MEMCACHED_APP,
        f"{wants}/memcached-app.service": E.Symlink("/etc/systemd/system/memcached-app.service"),
        "/etc/cron.d/e2e": "* * * * * root date +\\%s >> /run/cron-e2e\n",
    }
    if HAVE_DEBIAN_SYSTEMCTL:
        files["/usr/local/bin/debian-systemctl"] = (DEBIAN_SYSTEMCTL.read_bytes(), 0o755)
    return files


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = E.report_path(tmp_path_factory.getbasetemp())

    def write(line):
        with open(path, "a") as f:
            f.write(line + "\n")
        print(line)
    return write


@pytest.fixture(scope="module")
def ctrs():
    """{profile: EngineContainer or the reason it cannot run}: all started at once."""
    if not E.TINYSD_STATIC.exists():
        pytest.skip(f"{E.TINYSD_STATIC} is not built (make static)")
    try:
        rootfs = image.services_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    out, engines = {}, {}
    for profile, (name, flags) in PROFILES.items():
        try:
            eng = engines.get(name) or E.engine(name)
        except E.EngineUnavailable as e:
            out[profile] = str(e)
            continue
        if name not in engines:
            base = eng.import_rootfs(rootfs, f"tinysd-test/services:{rootfs.name.rsplit('-', 1)[1]}")
            engines[name] = eng
            eng.e2e_image = eng.with_tinysd(base, files=layer_files(), extra_dockerfile=HEALTHCHECK)
        out[profile] = eng.run(eng.e2e_image, flags=flags)
    yield out
    for c in out.values():
        if not isinstance(c, str):
            print(f"----- {c.engine.name} {c.name} logs (last 6000) -----\n{c.logs()[-6000:]}")
    for eng in engines.values():
        eng.remove_all()


def ctr(ctrs, profile):
    c = ctrs[profile]
    if isinstance(c, str):
        pytest.skip(c)
    return c


def booted(ctrs, profile):
    c = ctr(ctrs, profile)
    c.wait_log(r"Reached target multi-user\.target", timeout=120)
    return c


def sh(c, script, timeout=60, **kw):
    return c.exec(["/bin/sh", "-c", script], timeout=timeout, **kw)


# ---------------------------------------------------------------- the services answer (as root)

def psql(c, sql):
    return c.exec(["runuser", "-u", "postgres", "--", "psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])


def until(c, fn, what, timeout=60):
    return c.wait_until(fn, timeout=timeout, what=what)


CLIENTS = {
    "nginx": lambda c: c.exec(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1/"]).stdout == "200",
    "ssh": lambda c: re.search(r"^127\.0\.0\.1 ssh-ed25519 AAAA",
                               c.exec(["ssh-keyscan", "-T", "5", "-t", "ed25519", "127.0.0.1"]).stdout, re.M),
    "redis": lambda c: c.exec(["redis-cli", "PING"]).stdout.strip() == "PONG",
    "postgresql": lambda c: psql(c, "SELECT 40 + 2").stdout.strip() == "42",
    "memcached": lambda c: "STAT pid" in c.exec(["nc", "-q", "1", "127.0.0.1", "11211"], input="stats\r\nquit\r\n").stdout,
    "memcached-app": lambda c: "STAT pid" in c.exec(["nc", "-q", "1", "127.0.0.1", "11212"],
                                                    input="stats\r\nquit\r\n").stdout,
    "cron": lambda c: c.exec(["cat", "/run/cron-e2e"]).returncode == 0,
}


@pytest.mark.parametrize("service", list(CLIENTS))
@pytest.mark.parametrize("profile", ROOT_PROFILES)
def test_service_answers_its_client(ctrs, profile, service):
    c = booted(ctrs, profile)
    # cron runs the job at the next full minute
    until(c, lambda: CLIENTS[service](c), f"{service} answering in {profile}", timeout=130 if service == "cron" else 60)


@pytest.mark.parametrize("profile", ROOT_PROFILES)
def test_ssh_key_login(ctrs, profile):
    c = booted(ctrs, profile)
    until(c, lambda: CLIENTS["ssh"](c), "sshd")
    r = sh(c, "rm -f /root/.ssh/e2e; mkdir -p -m 700 /root/.ssh && ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/e2e"
              " && cat /root/.ssh/e2e.pub >> /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys"
              " && ssh -o BatchMode=yes -o StrictHostKeyChecking=no -i /root/.ssh/e2e root@127.0.0.1 'echo in-as-$(id -un)'")
    assert "in-as-root" in r.stdout, r


# ---------------------------------------------------------------- exec: both systemctls, journalctl

@pytest.mark.parametrize("profile", ROOT_PROFILES)
def test_both_systemctls_and_journalctl_through_exec(ctrs, profile):
    c = booted(ctrs, profile)
    for unit in DEBIAN_SERVICES:
        until(c, lambda: c.exec(["systemctl", "is-active", unit]).stdout == "active\n", f"{unit} active")
        clients = ["systemctl"] + (["/usr/local/bin/debian-systemctl"] if HAVE_DEBIAN_SYSTEMCTL else [])
        first = set()
        for client in clients:
            r = c.exec([client, "--no-pager", "status", unit])
            assert r.returncode == 0, (profile, client, unit, r.stdout, r.stderr)
            assert re.search(r"^\s+Active: active \(running\) since ", r.stdout, re.M), (client, r.stdout)
            first.add(r.stdout.splitlines()[0])
        assert len(first) == 1, first
        r = c.exec(["journalctl", "--no-pager", "-u", unit])
        assert r.returncode == 0 and f"Started {unit}" in r.stdout, (unit, r.stdout[-2000:])


@pytest.mark.parametrize("profile", ROOT_PROFILES)
def test_engine_logs_have_status_lines_service_output_and_syslog(ctrs, profile):
    c = booted(ctrs, profile)
    c.wait_log(r"^stubborn\.service\[\d+\]: stubborn ready$")
    c.wait_log(r"^\[  OK  \] Started nginx\.service - A high performance web server")
    c.wait_log(r"^ssh\.service\[\d+\]: Server listening on ", timeout=60)    # sshd logs through syslog(3)


@pytest.mark.parametrize("profile", ROOT_PROFILES)
def test_healthcheck_healthy(ctrs, profile):
    c = booted(ctrs, profile)
    if c.engine.name == "docker":
        until(c, lambda: c.inspect("{{.State.Health.Status}}") == "healthy", "healthy", timeout=120)
    else:
        until(c, lambda: c.cmd("healthcheck", "run", c.name).returncode == 0, "healthy", timeout=120)


# ---------------------------------------------------------------- uid 1000 without capabilities

def test_restricted_profile_says_what_cannot_run(ctrs):
    c = booted(ctrs, "docker-restricted")
    until(c, lambda: CLIENTS["memcached-app"](c), "memcached-app answering as uid 1000")
    r = c.exec(["grep", "-E", "^(Uid|CapEff)", "/proc/1/status"])
    assert re.search(r"^Uid:\s+1000\s", r.stdout, re.M) and re.search(r"^CapEff:\s+0+$", r.stdout, re.M), r
    for unit in DEBIAN_SERVICES:
        until(c, lambda: c.exec(["systemctl", "is-failed", unit]).stdout.strip() == "failed", f"{unit} failed")
    logs = c.logs()
    assert "redis-server.service: User=/Group= not applied: tinysd runs unprivileged." in logs, logs[-4000:]
    for unit in DEBIAN_SERVICES:
        assert re.search(rf"^tinysd\[1\]: {re.escape(unit)}: Failed with result '[a-z-]+'\.$", logs, re.M), (unit, logs[-4000:])
    # the daemons' own words for why
    assert "Only root wants to run systemd-memcached-wrapper." in logs
    assert "cron.service" in logs and re.search(r"cron\.service\[\d+\]: .*(seteuid|Operation not permitted)", logs)
    assert c.exec(["systemctl", "is-system-running"]).stdout.strip() == "degraded"
    until(c, lambda: c.inspect("{{.State.Health.Status}}") == "unhealthy", "unhealthy", timeout=120)


# ---------------------------------------------------------------- stop, start: the data is kept

@pytest.mark.parametrize("profile", list(PROFILES))
def test_stop_exit_0_then_start_finds_the_data(ctrs, profile, report):
    c = booted(ctrs, profile)
    root = profile != "docker-restricted"
    if root:
        until(c, lambda: CLIENTS["redis"](c) and CLIENTS["postgresql"](c), "redis and postgresql up")
        assert c.exec(["redis-cli", "SET", "e2e-key", f"kept-{profile}"]).stdout.strip() == "OK"
        assert psql(c, "CREATE TABLE IF NOT EXISTS e2e (word text); INSERT INTO e2e VALUES ('kept');").returncode == 0
    c.wait_log(r"stubborn ready")
    took, rc = c.stop(wait=60)
    logs = c.logs()
    lat = f", PID 1 gone after {c.exit_latency:.3f} s" if c.exit_latency is not None else ""
    report(f"{c.engine.name} ({profile}): {c.engine.name} stop of the services image: {took:.2f} s{lat}, exit status {rc}"
           f" (stop signal {c.inspect('{{.Config.StopSignal}}') or 'SIGTERM'}; stubborn.service waits TimeoutStopSec=3)")
    assert rc == 0, logs[-4000:]
    assert 3 <= took < 10, took
    assert re.search(r"stubborn\.service: State 'stop-sigterm' timed out\. Killing\.", logs), logs[-4000:]
    if root:
        for unit, desc in DEBIAN_SERVICES.items():
            assert f"[  OK  ] Stopped {unit} - {desc}." in logs, (unit, logs[-4000:])
    c.start()
    c.wait_until(lambda: len(re.findall(r"Reached target multi-user\.target", c.logs())) >= 2, timeout=120,
                 what="the second boot")
    if root:
        until(c, lambda: c.exec(["redis-cli", "GET", "e2e-key"]).stdout.strip() == f"kept-{profile}", "the redis key")
        until(c, lambda: psql(c, "SELECT word FROM e2e").stdout.split() == ["kept"], "the PostgreSQL row")
    took, rc = c.stop(wait=60)
    assert rc == 0
