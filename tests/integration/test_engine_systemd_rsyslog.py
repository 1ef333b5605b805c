# SPDX-License-Identifier: MIT
"""End to end under real engines (issue 16): the second e2e image -- Debian 12 with Debian's own
`systemd`, `rsyslog` and `dbus` packages and real daemons (avahi-daemon, apache2, exim4,
prometheus-node-exporter, cron) -- run by Docker 20.10 and Podman 4.3 with no flags at all.

The image: image.py's systemd_rsyslog_image root filesystem (the one test_e2e_systemd_rsyslog.py
boots in the sandbox), imported once per engine, plus one layer (engine.py with_tinysd): the
static tinysd as /sbin/init and tinysd's journalctl as /usr/local/bin/journalctl (first on the
PATH `ENGINE exec` gives; Debian's journalctl reads systemd's file format). Debian's own
/usr/bin/systemctl, busctl, hostnamectl, ... stay as the image has them: a user who puts tinysd
into such an image keeps them. And a job in /etc/cron.d (cron's client check), and exim4
listening on 127.0.0.1 only (Docker gives a container no ::1; see layer_files()).

Contract assumed, for `docker run IMAGE` and `podman run IMAGE` (podman's systemd mode):
* every service is active and `systemctl is-system-running` says running (nothing failed);
* each daemon answers its client: busctl to avahi-daemon over the system bus, curl to apache2 and
  node-exporter, exim4's SMTP banner, cron runs the job;
* 1,000 `logger` lines: every logger returns (none blocks in sendmsg), all reach tinysd's journal
  and rsyslog's /var/log/syslog;
* the tools that go through the system bus answer at once or fail at once with their own
  message, never dbus-daemon's 25 s activation timeout: busctl, hostnamectl, timedatectl,
  loginctl, systemd-analyze plot, Debian's systemctl as uid 65534 (reads; a stop is refused);
* `ENGINE logs` has PID 1's status lines and the services' own output;
* `ENGINE stop` exits 0 and no unit's stop timed out (no "State 'stop-sigterm' timed out": none of
  these services has a configured stop wait longer than the engine's 10 s).
Figures (PID 1's start to every unit active, the stop's duration, each tool's time) go to the test's
output and BASETEMP/engine-report.txt."""
import pathlib
import re
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "container"))

import engine as E  # noqa: E402
import image  # noqa: E402

ENGINES = ("docker", "podman")
UNITS = ("rsyslog.service", "dbus.service", "avahi-daemon.service", "apache2.service", "exim4.service",
         "prometheus-node-exporter.service", "cron.service")
N = 1000


def layer_files(rootfs):
    # Docker gives a container no IPv6 (lo has no ::1): Debian's exim4 listens on 127.0.0.1 and
    # ::1 and, until both are bound, retries ::1 every 30 s for 5 minutes without answering on
    # 127.0.0.1 -- under any init. A Dockerfile sets its local interfaces, as here (the init
    # script's update-exim4.conf makes exim's configuration from this file at each start).
    exim = (rootfs / "etc/exim4/update-exim4.conf.conf").read_text()
    return {
        "/usr/local/bin/journalctl": E.Symlink("/sbin/init"),
        "/etc/cron.d/e2e": "* * * * * root date +\\%s >> /run/cron-e2e\n",
        "/etc/exim4/update-exim4.conf.conf": exim.replace("dc_local_interfaces='127.0.0.1 ; ::1'",
                                                          "dc_local_interfaces='127.0.0.1'"),
    }


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
    """{engine: EngineContainer or the reason it cannot run}: both started at once, no flags."""
    if not E.TINYSD_STATIC.exists():
        pytest.skip(f"{E.TINYSD_STATIC} is not built (make static)")
    try:
        rootfs = image.systemd_rsyslog_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    out, engines = {}, []
    for name in ENGINES:
        try:
            eng = E.engine(name)
        except E.EngineUnavailable as e:
            out[name] = str(e)
            continue
        engines.append(eng)
        base = eng.import_rootfs(rootfs, f"tinysd-test/systemd-rsyslog:{rootfs.name.rsplit('-', 1)[1]}")
        tag = eng.with_tinysd(base, files=layer_files(rootfs), links=())
        eng.made.append(tag)            # a layer per tinysd build: removed with the containers
        out[name] = eng.run(tag)
    yield out
    for c in out.values():
        if not isinstance(c, str):
            print(f"----- {c.engine.name} {c.name} logs (last 8000) -----\n{c.logs()[-8000:]}")
    for eng in engines:
        eng.remove_all()


def ctr(ctrs, name):
    c = ctrs[name]
    if isinstance(c, str):
        pytest.skip(c)
    return c


def sh(c, script, timeout=60, **kw):
    return c.exec(["/bin/sh", "-c", script], timeout=timeout, **kw)


def all_active(c):
    """Waits (inside the container, every 50 ms) until every unit of UNITS is active."""
    r = sh(c, f"until systemctl is-active --quiet {' '.join(UNITS)}; do sleep 0.05; done", timeout=120)
    assert r.returncode == 0, (r, [(u, c.exec(["systemctl", "is-active", u]).stdout.strip()) for u in UNITS],
                               c.logs()[-6000:])


def boot_seconds(c):
    """From PID 1's exec (its start time in /proc/1/stat) to the last of UNITS active (their
    ActiveEnterTimestampMonotonic= as Debian's systemctl reads it from PID 1): the container's own
    record, the same span bench/e2e-real-systemd.sh measures under the real systemd."""
    tick = int(c.exec(["getconf", "CLK_TCK"]).stdout)
    start = int(c.exec(["cat", "/proc/1/stat"]).stdout.rsplit(")", 1)[1].split()[19]) / tick
    r = c.exec(["systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "--value", *UNITS])
    last = max(int(v) for v in r.stdout.split()) / 1e6
    return last - start


@pytest.mark.parametrize("name", ENGINES)
def test_every_service_active_and_nothing_failed(ctrs, name, report):
    c = ctr(ctrs, name)
    all_active(c)
    def settled():
        st = c.exec(["systemctl", "is-system-running"]).stdout.strip()
        return st if st in ("running", "degraded") else None
    state = c.wait_until(settled, what="running or degraded")
    report(f"{name}: second e2e image (systemd, rsyslog, dbus + daemons), `{name} run` with no flags:"
           f" {len(UNITS)} services active {boot_seconds(c):.2f} s after PID 1 started")
    failed = c.exec(["systemctl", "list-units", "--failed", "--no-legend", "--plain"]).stdout
    assert state == "running", (state, failed)
    logs = c.logs()
    for bad in ("FAILED", "DEPEND", "No error information", "timed out"):
        assert bad not in logs, (bad, logs[-6000:])


# Each daemon beyond systemd, rsyslog and dbus, and how its client checks it.
DAEMONS = {
    "avahi-daemon.service": (["busctl", "--system", "call", "org.freedesktop.Avahi", "/",
                              "org.freedesktop.Avahi.Server", "GetVersionString"], r'^s "avahi [0-9.]+"$'),
    "apache2.service": (["curl", "-sS", "http://127.0.0.1/"], r"Apache2 Debian Default Page"),
    "exim4.service": (["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25; read -r line <&3; echo \"$line\"; "
                                          "echo QUIT >&3"], r"^220 .* ESMTP Exim "),
    "prometheus-node-exporter.service": (["curl", "-sS", "http://127.0.0.1:9100/metrics"],
                                         r"^node_exporter_build_info\{"),
    "cron.service": (["cat", "/run/cron-e2e"], r"^\d+$"),
}


@pytest.mark.parametrize("unit", sorted(DAEMONS))
@pytest.mark.parametrize("name", ENGINES)
def test_daemon_answers_its_client(ctrs, name, unit):
    c = ctr(ctrs, name)
    all_active(c)
    argv, expect = DAEMONS[unit]

    def answers():
        r = c.exec(argv, timeout=30)
        return r.returncode == 0 and re.search(expect, r.stdout, re.M)
    # cron runs the job at the next full minute
    c.wait_until(answers, timeout=130 if unit == "cron.service" else 30, what=f"{unit} answering its client")


@pytest.mark.parametrize("name", ENGINES)
def test_logger_lines_reach_journal_and_syslog(ctrs, name, report):
    c = ctr(ctrs, name)
    all_active(c)
    t0 = time.monotonic()
    # every logger returns: none blocks in sendmsg on a socket nobody reads
    r = sh(c, f"i=1; while [ $i -le {N} ]; do logger -t e2e-flood \"line $i\" || exit 1; i=$((i+1)); done",
           timeout=300)
    took = time.monotonic() - t0
    assert r.returncode == 0, r
    report(f"{name}: {N} logger lines written in {took:.2f} s")
    j = c.exec(["journalctl", "-t", "e2e-flood", "-o", "cat"], timeout=60)
    assert j.returncode == 0, j
    assert j.stdout.splitlines() == [f"line {i}" for i in range(1, N + 1)]

    def syslog_lines():
        text = c.exec(["cat", "/var/log/syslog"], timeout=60).stdout
        got = re.findall(r" e2e-flood(?:\[\d+\])?: (line \d+)$", text, re.M)
        return got if len(got) >= N else None
    got = c.wait_until(syslog_lines, timeout=60, what=f"{N} lines in /var/log/syslog")
    assert got == [f"line {i}" for i in range(1, N + 1)]


@pytest.mark.parametrize("name", ENGINES)
def test_engine_logs_have_status_lines_and_service_output(ctrs, name):
    c = ctr(ctrs, name)
    all_active(c)
    c.wait_log(r"^\[  OK  \] Started apache2\.service - The Apache HTTP Server\.$")
    c.wait_log(r"^\[  OK  \] Started avahi-daemon\.service - Avahi mDNS/DNS-SD Stack\.$")
    # the services' own output, labelled with their unit as PID 1 prints it
    c.wait_log(r"^avahi-daemon\.service\[\d+\]: Server startup complete\. ")      # syslog(3)
    c.wait_log(r"^rsyslog\.service\[\d+\]: \[origin software=\"rsyslogd\" .*\] start$")
    c.wait_log(r"^exim4\.service\[\d+\]: Starting MTA: exim4\.$")                # its SysV script's echo


# ---------------------------------------------------------------- the tools on the system bus

def timed_exec(c, argv, user=None):
    t0 = time.monotonic()
    r = c.exec(argv, user=user, timeout=60)
    return r, time.monotonic() - t0


# argv, uid, expected exit status (0: answers; 1: fails), a regex its stdout+stderr must match.
# The failures are the tool's own words for a service that is not on the bus (systemd's daemons
# are skipped in a container): an immediate error from dbus-daemon's activation, not its timeout.
NOT_RUN = r"\.service is systemd's own and is not run in a container\.$"
TOOLS = {
    "busctl": (["busctl", "--system", "--no-pager", "list", "--acquired"], None, 0,
               r"^org\.freedesktop\.systemd1 +1 +\S+ +root +:1\.\d+ "),
    "hostnamectl": (["hostnamectl"], None, 1,
                    r"^Failed to query system properties: Unit systemd-hostnamed" + NOT_RUN),
    "timedatectl": (["timedatectl"], None, 1, r"^Failed to query server: Unit systemd-timedated" + NOT_RUN),
    "loginctl": (["loginctl", "--no-pager", "list-sessions"], None, 1,
                 r"^Failed to list sessions: Unit systemd-logind" + NOT_RUN),
    "systemd-analyze plot": (["systemd-analyze", "plot"], None, 0, r"<svg .*Startup finished in "),
    "systemctl as uid 65534 (is-active)": (["systemctl", "is-active", "apache2.service"], "65534:65534", 0,
                                           r"^active$"),
    "systemctl as uid 65534 (status)": (["systemctl", "--no-pager", "status", "apache2.service"], "65534:65534",
                                        0, r"^ +Active: active \(running\) since "),
    "systemctl as uid 65534 (stop)": (["systemctl", "stop", "apache2.service"], "65534:65534", 1,
                                      r"^Failed to stop apache2\.service: Access denied$"),
}
ENGINE_WARNING = re.compile(r'^time="[^"]*" level=warning msg=')
DBUS_TIMEOUT = "Connection timed out"       # what every tool says after dbus-daemon's 25 s


@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("name", ENGINES)
def test_tool_through_the_system_bus(ctrs, name, tool, report):
    c = ctr(ctrs, name)
    all_active(c)
    argv, user, status, expect = TOOLS[tool]
    r, took = timed_exec(c, argv, user=user)
    # podman exec's own warnings (conmon and this host's cgroups) are not the tool's
    out = r.stdout + "".join(line for line in r.stderr.splitlines(True) if not ENGINE_WARNING.match(line))
    first = out.strip().splitlines()[0][:100] if out.strip() else ""
    report(f"{name}: {tool}: exit {r.returncode} in {took:.2f} s: {first}")
    assert DBUS_TIMEOUT not in out and "Timeout" not in out, out
    assert (r.returncode == 0) == (status == 0), (r.returncode, out[-3000:])
    assert re.search(expect, out, re.M | re.S), out[-3000:]


# ---------------------------------------------------------------- stop

@pytest.mark.parametrize("name", ENGINES)
def test_stop_exits_0_and_no_job_is_killed(ctrs, name, report):
    c = ctr(ctrs, name)
    all_active(c)
    took, rc = c.stop(wait=60)
    logs = c.logs()
    lat = f", PID 1 gone after {c.exit_latency:.3f} s" if c.exit_latency is not None else ""
    report(f"{name}: `{name} stop` of the second e2e image: {took:.2f} s{lat}, exit status {rc}"
           f" (stop signal {c.inspect('{{.Config.StopSignal}}') or 'SIGTERM'})")
    assert rc == 0, logs[-6000:]
    assert not re.search(r"State '[a-z-]+' timed out", logs), logs[-6000:]
    for unit in UNITS:
        assert re.search(rf"^\[  OK  \] Stopped {re.escape(unit)} - ", logs, re.M), (unit, logs[-6000:])
    for bad in ("FAILED", "Failed with result", "No error information"):
        assert bad not in logs, (bad, logs[-6000:])
