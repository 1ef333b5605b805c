#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Container-level benchmark (issue 17): the same six Debian 12 daemons (nginx, sshd, redis,
PostgreSQL 15, cron, memcached) under four supervisors, each as PID 1 of a Docker container,
side by side in one run:

  tinysd      the static build as /sbin/init, the vendor unit files, `docker run` defaults
  systemd     Debian's systemd 252 (apt-get install systemd systemd-sysv), the vendor unit files,
              run the seeds' way: --privileged is refused on this machine ("unable to apply
              caps"), so --cap-add SYS_ADMIN, seccomp and AppArmor unconfined, tmpfs on /run,
              /run/lock and /tmp, the host's cgroups read-write (-v /sys/fs/cgroup:/sys/fs/cgroup:rw),
              container=docker, STOPSIGNAL SIGRTMIN+3; a drop-in PrivateUsers=no for Debian's
              redis-server.service, which systemd cannot start here otherwise (217/USER)
  supervisord Debian's supervisor 4.2 (supervisord -n) with one [program:] per daemon in the
              foreground, `docker run` defaults
  s6          Debian's s6 2.11 (s6-svscan on a scan directory with a run script per daemon),
              `docker run` defaults

The image: image.py's services root filesystem (debootstrap + the daemons, cached under
/var/tmp/tinysd-images) imported once; each supervisor is one `docker build` layer on it (the
package installs need Debian's archive). Per run and supervisor, in turn:

  ready     from just before `docker run -d` until a loop inside the container (docker exec, every
            20 ms) sees every daemon answer: curl on nginx, the SSH banner, redis-cli PING,
            pg_isready, memcached's `version`, cron's pid file with a live process
  memory    the container's memory cgroup 3 s after ready: usage minus inactive file pages (what
            `docker stats` shows) and total_rss (anonymous memory), in MiB
  stop      `docker stop` wall time and the exit status (137: killed at the 10 s timeout)
  image     the supervisor's layer size (the built image's size minus the base image's)

Usage: bench/engines.py [--runs N] [--only NAME,...] [--tinysd PATH]
Prints one table of medians (min-max) and the command line; root and Docker needed.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "container"))

import engine as E  # noqa: E402
import image  # noqa: E402

DAEMONS = ("nginx", "sshd", "redis", "postgresql", "cron", "memcached")

READY = r"""
ok() {
    curl -s -o /dev/null http://127.0.0.1/ || return 1
    timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/22; head -c 4 <&3' 2>/dev/null | grep -q SSH || return 1
    [ "$(redis-cli PING 2>/dev/null)" = PONG ] || return 1
    pg_isready -q -h /var/run/postgresql || return 1
    printf 'version\r\n' | timeout 1 nc -q 1 127.0.0.1 11211 2>/dev/null | grep -q VERSION || return 1
    for p in /run/crond.pid /var/run/crond.pid; do [ -s $p ] && kill -0 "$(cat $p)" 2>/dev/null && return 0; done
    return 1
}
end=$(( $(date +%s) + 120 ))
until ok; do
    [ "$(date +%s)" -lt "$end" ] || { echo timeout; exit 1; }
    sleep 0.02
done
date +%s.%N
"""

# Debian's redis-server.service has PrivateUsers=yes: systemd 252 in this container fails it with
# "Failed to set up user namespacing" (status 217/USER); a drop-in turns it off, as a user of
# systemd in Docker would have to. tinysd runs the unit unchanged (and says it skips the sandboxing).
SYSTEMD_DOCKERFILE = """FROM {base}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd systemd-sysv \\
 && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /etc/systemd/system/redis-server.service.d \\
 && printf '[Service]\\nPrivateUsers=no\\n' > /etc/systemd/system/redis-server.service.d/container.conf
STOPSIGNAL SIGRTMIN+3
ENV container=docker
ENTRYPOINT ["/lib/systemd/systemd"]
"""

SUPERVISORD_CONF = """[supervisord]
nodaemon=true
logfile=/dev/null
logfile_maxbytes=0
pidfile=/run/supervisord.pid
user=root

[program:nginx]
command=/usr/sbin/nginx -g 'daemon off;'
[program:sshd]
command=/bin/sh -c 'mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e'
[program:redis]
command=/bin/sh -c 'mkdir -p /run/redis && chown redis:redis /run/redis && exec setpriv --reuid=redis --regid=redis --init-groups /usr/bin/redis-server /etc/redis/redis.conf --daemonize no --supervised no'
[program:postgresql]
command=/bin/sh -c 'mkdir -p /run/postgresql/15-main.pg_stat_tmp && chown -R postgres:postgres /run/postgresql && exec setpriv --reuid=postgres --regid=postgres --init-groups /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf'
stopsignal=INT
[program:cron]
command=/usr/sbin/cron -f
[program:memcached]
command=/usr/bin/memcached -u memcache -l 127.0.0.1 -p 11211 -m 64
"""
SUPERVISORD_DOCKERFILE = """FROM {base}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends supervisor \\
 && rm -rf /var/lib/apt/lists/*
COPY supervisord.conf /etc/supervisor/supervisord.conf
ENTRYPOINT ["/usr/bin/supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"]
"""

S6_RUN = {
    "nginx": "exec /usr/sbin/nginx -g 'daemon off;'",
    "sshd": "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e",
    "redis": "mkdir -p /run/redis && chown redis:redis /run/redis && exec s6-setuidgid redis /usr/bin/redis-server "
             "/etc/redis/redis.conf --daemonize no --supervised no",
    "postgresql": "mkdir -p /run/postgresql/15-main.pg_stat_tmp && chown -R postgres:postgres /run/postgresql && exec "
                  "s6-setuidgid postgres /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main "
                  "-c config_file=/etc/postgresql/15/main/postgresql.conf",
    "cron": "exec /usr/sbin/cron -f",
    "memcached": "exec /usr/bin/memcached -u memcache -l 127.0.0.1 -p 11211 -m 64",
}
S6_DOCKERFILE = """FROM {base}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends s6 \\
 && rm -rf /var/lib/apt/lists/*
COPY s6/ /etc/s6/
ENV PATH=/usr/bin/s6:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENTRYPOINT ["/usr/bin/s6-svscan", "/etc/s6"]
"""

SYSTEMD_FLAGS = ["--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                 "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
                 "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "-e", "container=docker"]


def build_images(eng, base, tinysd, only):
    out = {}
    if "tinysd" in only:
        out["tinysd"] = (eng.with_tinysd(base, binary=tinysd), [])
    with tempfile.TemporaryDirectory(prefix="tinysd-bench-", dir="/var/tmp") as d:
        d = pathlib.Path(d)
        if "systemd" in only:
            out["systemd"] = (eng.build("tinysd-bench/systemd:2", d, SYSTEMD_DOCKERFILE.format(base=base)), SYSTEMD_FLAGS)
        if "supervisord" in only:
            (d / "supervisord.conf").write_text(SUPERVISORD_CONF)
            out["supervisord"] = (eng.build("tinysd-bench/supervisord:2", d, SUPERVISORD_DOCKERFILE.format(base=base)), [])
        if "s6" in only:
            for name, run in S6_RUN.items():
                p = d / "s6" / name / "run"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text("#!/bin/sh\nexec 2>&1\n" + run + "\n")
                p.chmod(0o755)
            out["s6"] = (eng.build("tinysd-bench/s6:1", d, S6_DOCKERFILE.format(base=base)), [])
    return out


def image_size(eng, tag):
    return int(eng.cmd("image", "inspect", "-f", "{{.Size}}", tag, check=True).stdout.strip())


def memory_cgroup(pid, cid):
    """The container's memory cgroup: PID 1's, or the ancestor named by the container's id (systemd
    moves itself into init.scope below it)."""
    for line in pathlib.Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, ctrls, path = line.split(":", 2)
        v1 = "memory" in ctrls.split(",")
        if v1 or (ctrls == "" and not pathlib.Path("/sys/fs/cgroup/memory").is_dir()):
            parts = path.strip("/").split("/")
            if cid in parts:
                parts = parts[:parts.index(cid) + 1]
            return pathlib.Path("/sys/fs/cgroup/memory" if v1 else "/sys/fs/cgroup", *parts)
    raise RuntimeError(f"no memory cgroup for pid {pid}")


def memory(cg):
    """(docker stats' figure, anonymous memory) in bytes; cgroup v1 or v2."""
    stat = dict(line.split() for line in (cg / "memory.stat").read_text().splitlines())
    stat = {k: int(v) for k, v in stat.items()}
    if (cg / "memory.usage_in_bytes").exists():
        usage = int((cg / "memory.usage_in_bytes").read_text())
        return usage - stat.get("total_inactive_file", 0), stat.get("total_rss", 0)
    usage = int((cg / "memory.current").read_text())
    return usage - stat.get("inactive_file", 0), stat.get("anon", 0)


def one_run(eng, name, tag, flags):
    t0 = time.time()
    c = eng.run(tag, flags=flags, name=f"tinysd-bench-{name}-{os.getpid()}")
    try:
        r = c.exec(["bash", "-c", READY], timeout=180)
        if r.returncode != 0:
            raise RuntimeError(f"{name}: not every daemon answered within 120 s:\n{r.stdout}\n{c.logs()[-3000:]}")
        ready = float(r.stdout.split()[-1]) - t0
        time.sleep(3)
        pid = int(c.inspect("{{.State.Pid}}"))
        mem, rss = memory(memory_cgroup(pid, c.inspect("{{.Id}}")))
        took, rc = c.stop(wait=60)
        return {"ready": ready, "mem": mem, "rss": rss, "stop": took, "rc": rc}
    finally:
        c.rm()


def fmt(values, unit, scale=1.0, digits=2):
    v = [x * scale for x in values]
    med = statistics.median(v)
    if len(v) == 1:
        return f"{med:.{digits}f} {unit}"
    return f"{med:.{digits}f} {unit} ({min(v):.{digits}f}–{max(v):.{digits}f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="tinysd,systemd,supervisord,s6")
    ap.add_argument("--tinysd", default=str(E.TINYSD_STATIC))
    a = ap.parse_args()
    only = a.only.split(",")
    eng = E.engine("docker")
    rootfs = image.services_image()
    base = eng.import_rootfs(rootfs, f"tinysd-test/services:{rootfs.name.rsplit('-', 1)[1]}", changes=())
    images = build_images(eng, base, a.tinysd, only)
    base_size = image_size(eng, base)
    results = {n: [] for n in images}
    for i in range(a.runs):
        for name, (tag, flags) in images.items():     # in turn: a slow period hits all alike
            r = one_run(eng, name, tag, flags)
            print(f"run {i + 1} {name}: ready {r['ready']:.2f} s, memory {r['mem'] / 2**20:.1f} MiB "
                  f"(rss {r['rss'] / 2**20:.1f}), stop {r['stop']:.2f} s exit {r['rc']}", flush=True)
            results[name].append(r)
    print(f"\n`{' '.join(sys.argv)}` on {time.strftime('%Y-%m-%d %H:%M')}, {a.runs} runs, medians (min–max); "
          f"daemons: {', '.join(DAEMONS)}\n")
    print("| supervisor (PID 1) | docker run → all answer | memory (cgroup, as docker stats) | anon (rss) "
          "| docker stop | exit | added image size |")
    print("|---|---|---|---|---|---|---|")
    for name, rs in results.items():
        added = image_size(eng, images[name][0]) - base_size
        rcs = sorted({r["rc"] for r in rs})
        print(f"| {name} | {fmt([r['ready'] for r in rs], 's')} | {fmt([r['mem'] for r in rs], 'MiB', 2**-20, 1)} "
              f"| {fmt([r['rss'] for r in rs], 'MiB', 2**-20, 1)} | {fmt([r['stop'] for r in rs], 's')} "
              f"| {','.join(map(str, rcs))} | {added / 1e6:.1f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
