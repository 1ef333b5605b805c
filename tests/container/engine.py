# SPDX-License-Identifier: MIT
"""Real container engines for tinysd's tests: Docker (Debian's docker.io, 20.10) and Podman (4.3).

tests/container/container.py simulates `docker run` with bubblewrap; this module runs the real
thing. What it does, and what it leaves behind:

* The engine: `docker info` / `podman info` must answer. When Docker does not and this is root with
  dockerd installed, dockerd is started once (detached, its own session, log in
  /var/log/tinysd-dockerd.log) and LEFT RUNNING after the tests: a later run reuses it, and its
  images (the import below) stay cached with it. Podman has no daemon. An engine that cannot be had
  raises EngineUnavailable with the reason, and the tests skip with it. tools/install-deps.sh
  installs both and configures Podman for these hosts (runc, ulimits; see there).
* Images, without a registry: `ENGINE import` of a root filesystem directory (tar on a pipe), with
  `-c 'ENTRYPOINT ["/sbin/init"]'` and any other changes (`STOPSIGNAL ...`). The Debian root
  filesystems come from image.py (debootstrap, cached under /var/tmp/tinysd-images); each is
  imported once per engine (tag tinysd-test/NAME:KEY, kept). The tinysd under test is then added
  with a one-step build (`FROM base`, `COPY` of the binary as /sbin/init, systemctl and journalctl
  symlinks), tagged by the binary's hash: a new build of tinysd costs a
  layer of ~1 MB, not a new import. tiny_image() makes a small image of busybox and the binary
  (a few MB, imported directly) for tests that need no Debian.
* Containers: named tinysd-test-PID-N and labelled tinysd-test=PID; remove_all() (called at the end
  of each test module) removes this process's containers; remove_stale() removes those of test
  processes that no longer exist.

Which binary: the static build (TINYSD_STATIC, default build-static/tinysd): what the README tells
container users to install, and the only build that runs in any image (no libc needed).
"""
import hashlib
import io
import os
import pathlib
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINYSD_STATIC = pathlib.Path(os.environ.get("TINYSD_STATIC", ROOT / "build-static" / "tinysd"))
DOCKERD_LOG = pathlib.Path(os.environ.get("TINYSD_DOCKERD_LOG", "/var/log/tinysd-dockerd.log"))
LABEL = "tinysd-test"
BUSYBOX = "/bin/busybox"
BUSYBOX_APPLETS = ("sh", "sleep", "echo", "cat", "ls", "ps", "kill", "touch", "mkdir", "rm", "date", "true",
                   "false", "test", "grep", "wc", "id", "env", "nc", "wget", "httpd", "seq", "printf", "trap")


class Symlink:
    """A symbolic link in Engine.with_tinysd(files=...)."""

    def __init__(self, target):
        self.target = target

    def __repr__(self):
        return f"Symlink({self.target!r})"


class EngineUnavailable(Exception):
    """No usable engine here: the tests that need it skip with this reason."""


def _cli(name):
    """The engine's client: Debian's (/usr/bin) first; another one earlier on PATH (a newer
    docker CLI in /usr/local/bin) may not speak this daemon's API version."""
    env = os.environ.get(f"TINYSD_{name.upper()}")
    if env:
        return env
    for p in (f"/usr/bin/{name}", shutil.which(name)):
        if p and os.access(p, os.X_OK):
            return p
    return None


_dockerd_lock = threading.Lock()


def _start_dockerd(cli):
    """Start dockerd, detached, once: returns when `docker info` answers (or raises)."""
    dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
    if os.geteuid() != 0:
        raise EngineUnavailable("Docker does not answer and starting dockerd needs root")
    if not os.access(dockerd, os.X_OK):
        raise EngineUnavailable("Docker does not answer and dockerd is not installed (tools/install-deps.sh)")
    DOCKERD_LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(DOCKERD_LOG, "ab") as log:
        log.write(f"\n--- started by tinysd's tests (pid {os.getpid()}) at {time.ctime()} ---\n".encode())
        log.flush()
        subprocess.Popen([dockerd], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True, close_fds=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if subprocess.run([cli, "info"], capture_output=True, timeout=30).returncode == 0:
            return
        time.sleep(0.5)
    tail = DOCKERD_LOG.read_text(errors="replace")[-2000:]
    raise EngineUnavailable(f"dockerd did not answer within 60 s; {DOCKERD_LOG}:\n{tail}")


class Engine:
    """One engine: `docker` or `podman`. Construct with engine(name), which checks that it answers."""

    def __init__(self, name):
        self.name = name
        self.cli = _cli(name)
        self.seq = 0
        self.made = []          # images to remove at remove_all() (small ones, made again quickly)

    def check(self):
        if not self.cli:
            raise EngineUnavailable(f"{self.name} is not installed (tools/install-deps.sh installs it)")
        r = self.cmd("info", timeout=60)
        if r.returncode != 0 and self.name == "docker":
            with _dockerd_lock:
                if self.cmd("info", timeout=60).returncode != 0:
                    _start_dockerd(self.cli)
            r = self.cmd("info", timeout=60)
        if r.returncode != 0:
            raise EngineUnavailable(f"`{self.name} info` failed: {(r.stderr or r.stdout).strip()[-1500:]}")
        return self

    def cmd(self, *args, timeout=120, input=None, check=False, text=True):
        """Run the engine's CLI; CompletedProcess (text unless text=False)."""
        r = subprocess.run([self.cli, *map(str, args)], capture_output=True, text=text, input=input,
                           timeout=timeout, stdin=None if input is not None else subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise AssertionError(f"{self.name} {' '.join(map(str, args))[:300]} -> exit {r.returncode}\n"
                                 f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        return r

    # ------------------------------------------------------------------ images
    def ref(self, tag):
        """How the engine names a local image: podman stores imports under localhost/."""
        return f"localhost/{tag}" if self.name == "podman" and not tag.startswith("localhost/") else tag

    def has_image(self, tag):
        return self.cmd("image", "inspect", self.ref(tag), timeout=60).returncode == 0

    def import_tar(self, stream_writer, tag, changes=()):
        """`ENGINE import -c CHANGE... - TAG` with the tar that stream_writer(fileobj) writes."""
        args = [self.cli, "import"]
        for c in changes:
            args += ["-c", c]
        args += ["-", tag]
        with tempfile.TemporaryFile() as out:
            p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
            try:
                stream_writer(p.stdin)
            finally:
                try:
                    p.stdin.close()
                except BrokenPipeError:
                    pass
            rc = p.wait(1800)
            out.seek(0)
            if rc != 0:
                raise AssertionError(f"{self.name} import {tag} failed: {out.read().decode(errors='replace')[-2000:]}")
        return tag

    def import_rootfs(self, rootfs, tag, changes=('ENTRYPOINT ["/sbin/init"]',)):
        """Import directory ROOTFS as TAG, unless TAG exists already (the caller puts a content key
        in the tag). Uses tar(1): it keeps hard links, devices, xattrs-free modes as debootstrap made them."""
        if self.has_image(tag):
            return tag

        def write(f):
            tar = subprocess.Popen(["tar", "-C", str(rootfs), "--numeric-owner", "--exclude=./.complete",
                                    "-cf", "-", "."], stdout=f)
            if tar.wait() != 0:
                raise AssertionError(f"tar of {rootfs} failed")
        return self.import_tar(write, tag, changes)

    def build(self, tag, context, dockerfile, timeout=1800, args=()):
        """`ENGINE build -t TAG -f CONTEXT/Dockerfile CONTEXT` (Dockerfile text written there)."""
        context = pathlib.Path(context)
        (context / "Dockerfile").write_text(dockerfile)
        extra = ["--format", "docker"] if self.name == "podman" else []   # keep HEALTHCHECK/STOPSIGNAL
        r = self.cmd("build", *extra, *args, "-t", tag, "-f", context / "Dockerfile", context, timeout=timeout)
        if r.returncode != 0:
            raise AssertionError(f"{self.name} build {tag} failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
        return tag

    def with_tinysd(self, base, binary=TINYSD_STATIC, files=None, extra_dockerfile="",
                    links=("/usr/bin/systemctl", "/usr/bin/journalctl")):
        """BASE (an image without systemd) plus BINARY as /sbin/init, LINKS (default /usr/bin/systemctl
        and /usr/bin/journalctl; an image with Debian's systemd keeps its own) symlinks to it, FILES
        {container path: bytes | str | (content, mode) | Symlink(target)}, EXTRA_DOCKERFILE lines,
        ENTRYPOINT ["/sbin/init"]. Tagged by a hash of all of it, built once (`ENGINE build`: a layer
        on top of BASE, not a new import)."""
        files = dict(files or {})
        for link in links:
            files[link] = Symlink("/sbin/init")
        h = hashlib.sha256(pathlib.Path(binary).read_bytes() + extra_dockerfile.encode())
        for p in sorted(files):
            h.update(p.encode() + b"\0" + repr(files[p]).encode())
        tag = f"{base.split(':')[0]}:tinysd-{h.hexdigest()[:12]}"
        if self.has_image(tag):
            return tag
        with tempfile.TemporaryDirectory(prefix="tinysd-ctx-", dir="/var/tmp") as ctx:
            ctx = pathlib.Path(ctx)
            shutil.copy(binary, ctx / "tinysd")
            os.chmod(ctx / "tinysd", 0o755)
            for p, v in files.items():
                dst = ctx / "root" / p.lstrip("/")
                dst.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(v, Symlink):
                    dst.symlink_to(v.target)
                    continue
                data, mode = v if isinstance(v, tuple) else (v, None)
                data = data.encode() if isinstance(data, str) else data
                dst.write_bytes(data)
                os.chmod(dst, mode if mode is not None else (0o755 if data.startswith(b"#!") else 0o644))
            self.build(tag, ctx, f"FROM {self.ref(base)}\nCOPY tinysd /sbin/init\nCOPY root/ /\n"
                                 + extra_dockerfile + 'ENTRYPOINT ["/sbin/init"]\nCMD []\n')
        return tag

    # ------------------------------------------------------------------ containers
    def run(self, image, args=(), flags=(), name=None, detach=True, timeout=120):
        """`ENGINE run -d --name N --label tinysd-test=PID FLAGS IMAGE ARGS` -> EngineContainer."""
        self.seq += 1
        name = name or f"tinysd-test-{os.getpid()}-{self.seq}"
        argv = ["run", "--name", name, "--label", f"{LABEL}={os.getpid()}"]
        if detach:
            argv.append("-d")
        r = self.cmd(*argv, *flags, self.ref(image), *args, timeout=timeout)
        c = EngineContainer(self, name, r)
        if detach and r.returncode != 0:
            raise AssertionError(f"{self.name} run {' '.join(map(str, flags))} {image} {' '.join(map(str, args))}"
                                 f" failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
        return c

    def remove_all(self):
        """Remove every container this process made (with its anonymous volumes), and the small
        images it made."""
        r = self.cmd("ps", "-aq", "--filter", f"label={LABEL}={os.getpid()}", timeout=60)
        ids = r.stdout.split()
        if ids:
            self.cmd("rm", "-f", "-v", *(["-t", "0"] if self.name == "podman" else []), *ids, timeout=120)
        for tag in reversed(self.made):
            self.cmd("rmi", self.ref(tag), timeout=120)
        self.made = []

    def remove_stale(self):
        """Remove containers of earlier test processes that are gone."""
        r = self.cmd("ps", "-a", "--filter", f"label={LABEL}", "--format", "{{.ID}} {{.Labels}}", timeout=60)
        for line in r.stdout.splitlines():
            m = re.search(rf"(?:^| |,){LABEL}=(\d+)", line)
            if m and not pathlib.Path(f"/proc/{m.group(1)}").exists():
                self.cmd("rm", "-f", "-v", *(["-t", "0"] if self.name == "podman" else []), line.split()[0], timeout=60)


class EngineContainer:
    def __init__(self, engine, name, run_result):
        self.engine = engine
        self.name = name
        self.run_result = run_result

    def cmd(self, *args, **kw):
        return self.engine.cmd(*args, **kw)

    def logs(self):
        r = self.cmd("logs", self.name, timeout=60)
        return r.stdout + r.stderr

    def inspect(self, fmt):
        return self.cmd("inspect", "-f", fmt, self.name, timeout=60).stdout.strip()

    def running(self):
        return self.inspect("{{.State.Running}}") == "true"

    def exit_code(self):
        return int(self.inspect("{{.State.ExitCode}}"))

    def wait_log(self, regex, timeout=30, flags=re.M):
        rx = re.compile(regex, flags)
        deadline = time.monotonic() + timeout
        while True:
            out = self.logs()
            m = rx.search(out)
            if m:
                return m
            if time.monotonic() > deadline or not self.running():
                out = self.logs()
                m = rx.search(out)
                if m:
                    return m
                state = "running" if self.running() else f"exited {self.inspect('{{.State.ExitCode}}')}"
                raise AssertionError(f"{self.engine.name} logs {self.name} ({state}): no match for {regex!r} "
                                     f"within {timeout}s:\n{out[-6000:]}")
            time.sleep(0.2)

    def wait_until(self, predicate, timeout=30, what="condition"):
        deadline = time.monotonic() + timeout
        while True:
            v = predicate()
            if v:
                return v
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not reached within {timeout}s; logs:\n{self.logs()[-6000:]}")
            time.sleep(0.2)

    def exec(self, argv, user=None, timeout=60, input=None, env=None):
        args = ["exec"]
        if input is not None:
            args.append("-i")
        if user is not None:
            args += ["--user", str(user)]
        for k, v in (env or {}).items():
            args += ["-e", f"{k}={v}"]
        return self.cmd(*args, self.name, *argv, timeout=timeout, input=input)

    def stop(self, timeout=None, wait=60):
        """`ENGINE stop [-t T] NAME`: (seconds the command took, exit status); self.exit_latency:
        from just before the command to the container's FinishedAt (the engine's record of PID 1's
        exit: the stop itself, without the client's own start-up and round trips)."""
        args = ["stop"] + (["-t", str(timeout)] if timeout is not None else []) + [self.name]
        wall0, t0 = time.time(), time.monotonic()
        r = self.cmd(*args, timeout=wait)
        took = time.monotonic() - t0
        assert r.returncode == 0, r
        finished = self.finished_at()
        self.exit_latency = finished - wall0 if finished else None
        return took, self.exit_code()

    def finished_at(self):
        """State.FinishedAt as a Unix time (Docker: RFC 3339 with nanoseconds; Podman: Go's
        time.String(), "2006-01-02 15:04:05.999999999 +0000 UTC"), or None."""
        return self._state_time("FinishedAt")

    def started_at(self):
        """State.StartedAt (the engine's record of PID 1's start) as a Unix time, or None."""
        return self._state_time("StartedAt")

    def _state_time(self, field):
        import datetime
        v = self.inspect("{{.State.%s}}" % field)
        m = re.match(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?", v)
        if not m:
            return None
        base = datetime.datetime.strptime(f"{m.group(1)} {m.group(2)}", "%Y-%m-%d %H:%M:%S")
        tz = m.group(4) or "Z"
        off = 0 if tz == "Z" else (1 if tz[0] == "+" else -1) * (int(tz[1:3]) * 3600 + int(tz[-2:]) * 60)
        frac = float("0." + m.group(3)) if m.group(3) else 0.0
        return base.replace(tzinfo=datetime.timezone.utc).timestamp() - off + frac

    def kill(self, sig):
        r = self.cmd("kill", "-s", sig, self.name, timeout=60)
        assert r.returncode == 0, r
        return r

    def wait(self, timeout=60):
        """`ENGINE wait NAME`: the exit status."""
        r = self.cmd("wait", self.name, timeout=timeout)
        assert r.returncode == 0, r
        return int(r.stdout.strip().splitlines()[-1])

    def start(self):
        return self.cmd("start", self.name, timeout=120, check=True)

    def restart(self, timeout=None):
        args = ["restart"] + (["-t", str(timeout)] if timeout is not None else []) + [self.name]
        return self.cmd(*args, timeout=120, check=True)

    def rm(self):
        # podman rm -f stops with the stop signal and its timeout first; nothing to wait for here
        self.cmd("rm", "-f", "-v", *(["-t", "0"] if self.engine.name == "podman" else []), self.name, timeout=120)


_engines = {}


def report_path(basetemp):
    """Where the engine tests write their stop times: $TINYSD_ENGINE_REPORT (.ci/run prints it at
    the end), else BASETEMP/engine-report.txt."""
    return pathlib.Path(os.environ.get("TINYSD_ENGINE_REPORT") or pathlib.Path(basetemp) / "engine-report.txt")


def engine(name):
    """The engine NAME, checked once per process (raises EngineUnavailable)."""
    if name not in _engines:
        try:
            _engines[name] = Engine(name).check()
            _engines[name].remove_stale()
        except EngineUnavailable as e:
            _engines[name] = e
        except (OSError, subprocess.SubprocessError) as e:
            _engines[name] = EngineUnavailable(f"{name}: {e!r}")
    if isinstance(_engines[name], Exception):
        raise _engines[name]
    return _engines[name]


# ------------------------------------------------------------------ a small image: busybox + tinysd
def tiny_rootfs(binary=TINYSD_STATIC, units=None, enable=(), files=None):
    """A tar (bytes) of a minimal root: busybox (static) with its applets, /sbin/init = BINARY with
    systemctl/journalctl links, /etc/passwd (root, user 1000), os-release, UNITS {name: text} in
    /etc/systemd/system, ENABLE names wanted by multi-user.target, FILES {path: text|(text, mode)}."""
    if not os.access(BUSYBOX, os.X_OK):
        raise EngineUnavailable(f"{BUSYBOX} is missing (package busybox-static)")
    buf = io.BytesIO()
    now = int(time.time())

    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add_dir(p, mode=0o755):
            ti = tarfile.TarInfo(p.lstrip("/"))
            ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, mode, now
            tar.addfile(ti)

        def add_file(p, data, mode=0o644):
            data = data.encode() if isinstance(data, str) else data
            ti = tarfile.TarInfo(p.lstrip("/"))
            ti.size, ti.mode, ti.mtime = len(data), mode, now
            tar.addfile(ti, io.BytesIO(data))

        def add_link(p, target):
            ti = tarfile.TarInfo(p.lstrip("/"))
            ti.type, ti.linkname, ti.mode, ti.mtime = tarfile.SYMTYPE, target, 0o777, now
            tar.addfile(ti)

        for d in ("bin", "sbin", "etc", "etc/systemd", "etc/systemd/system",
                  "etc/systemd/system/multi-user.target.wants", "usr", "usr/bin", "var", "var/lib",
                  "var/log", "root", "home", "home/user", "run", "proc", "sys", "dev"):
            add_dir(d, 0o700 if d == "root" else 0o755)
        add_dir("tmp", 0o1777)
        add_dir("data", 0o1777)     # a service's data, writable for uid 1000 too
        add_file("/bin/busybox", pathlib.Path(BUSYBOX).read_bytes(), 0o755)
        for a in BUSYBOX_APPLETS:
            add_link(f"/bin/{a}", "busybox")
        add_file("/sbin/init", pathlib.Path(binary).read_bytes(), 0o755)
        for n in ("systemctl", "journalctl"):
            add_link(f"/usr/bin/{n}", "/sbin/init")
        add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n")
        add_file("/etc/group", "root:x:0:\nuser:x:1000:\n")
        add_file("/etc/os-release", 'PRETTY_NAME="tinysd test image (busybox)"\nID=busybox\n')
        for name, text in (units or {}).items():
            add_file(f"/etc/systemd/system/{name}", text)
        for name in enable:
            add_link(f"/etc/systemd/system/multi-user.target.wants/{name}", f"/etc/systemd/system/{name}")
        for p, v in (files or {}).items():
            text, mode = v if isinstance(v, tuple) else (v, 0o755 if str(v).startswith("#!") else 0o644)
            add_file(p, text, mode)
    return buf.getvalue()


# Dockerfile instructions `docker import -c` refuses (Docker 20.10: "stopsignal is not a valid change
# command"); Podman's import takes them. For Docker they go into a one-line build on top.
IMPORT_REFUSED = {"docker": ("STOPSIGNAL", "HEALTHCHECK")}


def tiny_image(eng, binary=TINYSD_STATIC, units=None, enable=(), files=None, changes=()):
    """tiny_rootfs() imported into ENG with ENTRYPOINT /sbin/init and CHANGES; tagged by content.
    The images made by this process are removed by Engine.remove_all()."""
    data = tiny_rootfs(binary, units, enable, files)
    changes = ('ENTRYPOINT ["/sbin/init"]',) + tuple(changes)
    key = hashlib.sha256(data + "\0".join(changes).encode()).hexdigest()[:16]
    tag = f"tinysd-test/tiny:{key}"
    if eng.has_image(tag):
        return tag
    refused = IMPORT_REFUSED.get(eng.name, ())
    later = [c for c in changes if c.split()[0].upper() in refused]
    now = [c for c in changes if c not in later]
    eng.import_tar(lambda f: f.write(data), tag + "-import" if later else tag, now)
    if later:
        with tempfile.TemporaryDirectory(prefix="tinysd-ctx-", dir="/var/tmp") as ctx:
            eng.build(tag, ctx, f"FROM {eng.ref(tag + '-import')}\n" + "".join(c + "\n" for c in later))
        eng.made.append(tag + "-import")
    eng.made.append(tag)
    return tag
