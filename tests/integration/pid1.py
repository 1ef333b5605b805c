# SPDX-License-Identifier: MIT
"""Boot a binary as PID 1 of a simulated container, the way `docker run IMAGE` with no flags would.

No Docker here: the container is made with bubblewrap (0.8) and util-linux, as root:

  bwrap --unshare-pid --unshare-ipc --unshare-uts --unshare-net --as-pid-1 --new-session
        --die-with-parent --hostname H --json-status-fd FD
        --cap-drop ALL --cap-add CAP_CHOWN ... (Docker's 14 default capabilities)
        --ro-bind / /  --proc /proc  --dev /dev  --tmpfs /dev/shm  --mqueue /dev/mqueue
        [graft: --tmpfs /etc + every entry of the host's /etc bound back read-only, so that
         mount points such as /etc/tinysd can be made without touching the host]
        --bind WORKDIR/fs/run /run  --bind WORKDIR/fs/tmp /tmp  ... (plain host directories,
         not tmpfs: Docker gives an overlay directory; see WRITABLE_DIRS -- /root is one of
         them, so the host's /root is not visible; /tmp is mode 1777 as in any image)
        [--remount-ro /etc]  --clearenv --setenv PATH ... --setenv HOSTNAME H --setenv HOME /root
        -- env -u PWD setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all,+chown,...
        -- BINARY ARGS

* PID 1: with --as-pid-1 bwrap execs the command directly as PID 1 of the new PID namespace (no
  reaper in between); env and setpriv exec in place, so BINARY is PID 1 (start() returns once
  /proc/PID/exe is no longer bwrap, env or setpriv). Its host PID is the
  "child-pid" that bwrap writes to --json-status-fd (it is bwrap's child).
* Exit status: bwrap passes PID 1's exit status through as its own (and writes
  {"exit-code": N} to the status fd); PID 1 killed by signal N gives 128+N, like Docker.
* Capabilities: bwrap --cap-add sets effective/permitted/inheritable/ambient but leaves the
  bounding set full; setpriv trims the bounding set to Docker's and clears inheritable and
  ambient, so /proc/1/status reads exactly as in Docker (CapInh 0, CapPrm = CapEff = CapBnd =
  0xa80425fb, CapAmb 0).
* Deviation from Docker, which bwrap cannot avoid: bwrap always sets no_new_privs
  (NoNewPrivs: 1), and every bwrap mount is nosuid. Docker sets neither by default. There is no
  seccomp filter (Docker has one). The network namespace has only `lo`.
* user=1000 (Kubernetes "restricted": runAsUser, drop ALL, allowPrivilegeEscalation=false): the
  setpriv step also does --reuid/--regid/--clear-groups and drops every capability, so PID 1
  runs as uid/gid 1000 with CapEff = CapBnd = 0 (bwrap --unshare-user --uid would instead map
  uid 1000 to root outside and show every host file as owned by nobody). The writable
  directories are chowned to that uid.
* Signals: `signal()` kill()s PID 1's host PID. As for any PID-namespace init, a signal sent from
  outside reaches PID 1 only if PID 1 has a handler for it (SIGKILL always does): Docker behaves
  the same.
* exec(): nsenter into the PID, mount, UTS, IPC and network namespaces of PID 1, then, like
  `docker exec`, the container's user and capability set (setpriv), a clean environment.
* pids(): read through PID 1's root, /proc/<host pid>/root/proc, i.e. the container's own procfs:
  in-container PIDs, zombies included, processes entered with exec() included.
* Sanitizers: when BINARY is an ASan/UBSan build, ASAN_OPTIONS/UBSAN_OPTIONS send reports to
  files under /dev/.sanitizer inside (a bind of WORKDIR/sanitizer, outside every directory the
  tests look at, and writable even with readonly_root=True). LeakSanitizer works as PID 1 with
  Docker's capabilities and as uid 1000 without any (it ptraces its own threads: same uid, no
  CAP_SYS_PTRACE needed, no Yama on this kernel) -- checked with a leaking PID 1, so
  detect_leaks=1. `sanitizer_findings()` returns the reports and any report text in PID 1's
  output; the `container_factory` fixture fails the test when there is one.

Environment of PID 1: PATH (Docker's default), HOSTNAME, HOME, the test's env=, and with a
sanitizer build ASAN_OPTIONS/UBSAN_OPTIONS (which services then inherit too; harmless).

The host's vendor unit directory /usr/lib/systemd/system (systemd 252 is installed on this
machine, with 235 units there) is hidden behind an empty directory unless vendor_units=True: by default
the image ships no units but the test's own, under /etc/systemd/system.
"""
import codecs
import errno
import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import signal as _signal
import subprocess
import tempfile
import textwrap
import threading
import time
from typing import NamedTuple

# Docker's default capability set (moby's oci/caps/defaults.go), with the capability numbers.
DOCKER_CAPS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_FSETID": 4, "CAP_KILL": 5,
    "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_NET_BIND_SERVICE": 10,
    "CAP_NET_RAW": 13, "CAP_SYS_CHROOT": 18, "CAP_MKNOD": 27, "CAP_AUDIT_WRITE": 29,
    "CAP_SETFCAP": 31,
}
DOCKER_CAP_MASK = sum(1 << n for n in DOCKER_CAPS.values())  # 0xa80425fb, as `docker run` shows
CAP_SYS_ADMIN = 21

DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The checkout these tests belong to.
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))

# Directories the container may write (plain host directories under WORKDIR/fs, bound in place).
# With readonly_root=True only /run stays writable; the others are bound read-only.
WRITABLE_DIRS = ("/run", "/tmp", "/var/log", "/var/lib", "/var/cache", "/root",
                 "/etc/systemd/system", "/etc/systemd/system.control", "/etc/tinysd")
# Hidden unless vendor_units=True: the host's units and generators, and its tmpfiles.d (tinysd applies tmpfiles.d
# at boot when the image has no systemd-tmpfiles-setup.service; the host's would, e.g., empty /tmp).
VENDOR_UNIT_DIRS = ("/usr/lib/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/tmpfiles.d",
                    "/usr/lib/systemd/system-generators")
# The image's SysV init scripts and runlevel links: the test's own (WORKDIR/fs/etc/init.d, ...,
# empty unless written with write_file()) unless vendor_units=True. Without systemd's generators
# tinysd turns init scripts into units itself: the host's (dbus, docker, postgresql, enabled in
# rc2.d..rc5.d) would be started in every test.
SYSV_DIRS = ("/etc/init.d", "/etc/rc1.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d")
SANITIZER_DIR = "/dev/.sanitizer"
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer"
                              r"|runtime error: |SUMMARY: \w+Sanitizer")

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"
NSENTER = shutil.which("nsenter") or "/usr/bin/nsenter"
ENV = "/usr/bin/env"


class ContainerError(AssertionError):
    """A container did not do what was waited for; the message carries its output so far."""


class Proc(NamedTuple):
    pid: int        # PID inside the container
    ppid: int       # 0 for PID 1 and for processes entered from outside (exec())
    state: str      # R, S, D, Z, T, ...
    comm: str
    uid: int        # real uid
    cmdline: tuple  # () for zombies and kernel-less entries


def _setpriv_caps(names):
    return ",".join(["-all"] + ["+" + n[4:].lower() for n in names])


_ASAN_CACHE = {}


def is_sanitizer_build(binary):
    """True when BINARY carries the ASan/UBSan runtime hooks (dynamically or statically)."""
    p = os.path.realpath(binary)
    key = (p, os.stat(p).st_mtime_ns)
    if key not in _ASAN_CACHE:
        data = pathlib.Path(p).read_bytes()
        _ASAN_CACHE[key] = b"__asan_init" in data or b"__ubsan_handle_" in data
    return _ASAN_CACHE[key]


class Container:
    """One simulated container whose PID 1 is BINARY.

    binary        path on the host (the host / is visible read-only inside, so the same path works)
    args          PID 1's arguments
    units         {name: text} written (dedented) to /etc/systemd/system/NAME before boot
    enable        names (or {name: target}) enabled with a symlink
                  /etc/systemd/system/TARGET.wants/NAME -> /etc/systemd/system/NAME
                  (TARGET defaults to multi-user.target)
    env           extra environment, as `docker run -e K=V`
    hostname      default: 12 random hex digits, like a Docker container id
    user          None (root with Docker's capabilities) or a uid (no capabilities at all)
    readonly_root everything read-only except /run (`docker run --read-only --tmpfs /run`)
    files         {container path: text | bytes | (text|bytes, mode)} put in place before boot;
                  text starting with "#!" gets mode 0755. Under a writable directory the file is
                  written there; anywhere else it is bound read-only (e.g. /opt/test/run.sh).
    binds         {container path: host path | (host path, writable)}
    vendor_units  leave the host's /usr/lib/systemd/system and /usr/lib/tmpfiles.d visible (default: hidden)
    network       True shares the host network (default: a new network namespace, only lo)
    sanitizers    None: detect from the binary; True/False: force the ASAN_OPTIONS set-up
    workdir       host directory for everything of this container (default: a new temp dir,
                  removed by close())
    cgroup        a host cgroup2 directory (see host_cgroup()): bwrap is started in it with a
                  cgroup namespace rooted there, mounted read-write on /sys/fs/cgroup, as
                  `docker run --cgroupns=private -v /sys/fs/cgroup:/sys/fs/cgroup:rw` does
    root          a host directory that is the container's whole root filesystem, writable (e.g. an
                  overlay of the host's / and a tmpfs, as an image's layers and Docker's writable
                  one; tests/conformance/run.py) in place of the host's / read-only; files= and
                  paths outside the writable directories are then in it
    """

    def __init__(self, binary, args=(), units=None, enable=(), env=None, hostname=None, user=None,
                 readonly_root=False, files=None, binds=None, vendor_units=False, network=False,
                 sanitizers=None, workdir=None, cgroup=None, root=None):
        self.binary = str(binary)
        self.args = [str(a) for a in args]
        self.env = dict(env or {})
        self.hostname = hostname or secrets.token_hex(6)
        self.user = user
        self.readonly_root = readonly_root
        self.vendor_units = vendor_units
        self.network = network
        self.sanitizers = sanitizers     # None: decided at start() from the binary
        self.cgroup = cgroup             # host cgroup2 directory: the container's own, writable
        self.root_dir = str(root) if root else None
        self._own_workdir = workdir is None
        self.workdir = pathlib.Path(workdir or tempfile.mkdtemp(prefix="tinysd-container-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.fs = self.workdir / "fs"
        self._extra_files = []          # container paths of files outside the writable dirs
        self._binds = {}                # container path -> (host path, writable)
        for d in WRITABLE_DIRS + SYSV_DIRS:
            self.path(d).mkdir(parents=True, exist_ok=True)
        os.chmod(self.path("/tmp"), 0o1777)     # as in every image
        os.chmod(self.path("/root"), 0o700)
        (self.workdir / "sanitizer").mkdir(exist_ok=True)
        for p, v in (binds or {}).items():
            host, writable = (v, False) if isinstance(v, (str, os.PathLike)) else v
            self._binds[p] = (str(host), writable)
        # Tests run helpers of this checkout inside the container by their host path (dbus_raw.py,
        # the build's binaries): where the checkout lies under a directory the container gets its own
        # of (CI may clone into /tmp or /root), it is bound back read-only at the same path.
        if self._under_writable(SOURCE_ROOT) and SOURCE_ROOT not in self._binds:
            self._binds[SOURCE_ROOT] = (SOURCE_ROOT, False)
        for name, text in (units or {}).items():
            self.write_unit(name, text)
        for name, target in (enable.items() if isinstance(enable, dict) else ((n, None) for n in enable)):
            self.enable(name, target or "multi-user.target")
        for p, content in (files or {}).items():
            self.write_file(p, *(content if isinstance(content, tuple) else (content,)))

        self.proc = None
        self.pid1 = None                # host PID of the container's PID 1
        self.status = []                # JSON documents bwrap wrote to --json-status-fd
        self._cond = threading.Condition()
        self._chunks = []               # (stream, text) in arrival order
        self._threads = []
        self._stdout_flowing = threading.Event()   # cleared by pause_stdout(): nobody reads PID 1's stdout
        self._stdout_flowing.set()
        self.command = None

    # ------------------------------------------------------------------ preparing the image
    def path(self, p):
        """Host path of container path P (under a writable directory, a file given with
        files=, or a bind), so tests can read what services wrote: /run/foo -> WORKDIR/fs/run/foo."""
        p = "/" + str(p).lstrip("/")
        for dest, (host, _) in sorted(self._binds.items(), key=lambda kv: -len(kv[0])):
            if p == dest or p.startswith(dest.rstrip("/") + "/"):
                return pathlib.Path(host) / os.path.relpath(p, dest)
        if self.root_dir and not self._under_writable(p):
            return pathlib.Path(self.root_dir) / p.lstrip("/")
        return self.fs / p.lstrip("/")

    def write_file(self, p, content, mode=None):
        """Put a file in place at container path P (before start())."""
        p = "/" + str(p).lstrip("/")
        host = self.path(p)
        host.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            host.write_text(content)
            if mode is None and content.startswith("#!"):
                mode = 0o755
        else:
            host.write_bytes(content)
        os.chmod(host, 0o644 if mode is None else mode)
        if not self._under_writable(p) and not any(p == d or p.startswith(d + "/") for d in self._binds) \
                and not self._under_own_sysv_dir(p) and not self.root_dir:
            self._extra_files.append(p)
        return host

    def _under_own_sysv_dir(self, p):
        return not self.vendor_units and any(p.startswith(d + "/") and os.path.isdir(d) for d in SYSV_DIRS)

    def write_unit(self, name, text, directory="/etc/systemd/system"):
        return self.write_file(f"{directory}/{name}", textwrap.dedent(text).lstrip())

    def enable(self, name, target="multi-user.target", kind="wants"):
        """`systemctl enable` by hand: TARGET.wants/NAME -> /etc/systemd/system/NAME."""
        link = self.path(f"/etc/systemd/system/{target}.{kind}/{name}")
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        link.symlink_to(f"/etc/systemd/system/{name}")

    @staticmethod
    def _under_writable(p):
        return any(p == d or p.startswith(d + "/") for d in WRITABLE_DIRS)

    # ------------------------------------------------------------------ the bwrap command
    def _mount_ops(self):
        """(dest, bwrap args) for every bind, plus the set of host directories to graft."""
        mounts = []   # (dest, [args])
        for d in WRITABLE_DIRS:
            writable = not self.readonly_root or d == "/run"
            mounts.append((d, ["--bind" if writable else "--ro-bind", str(self.path(d)), d]))
        for dest, (host, writable) in self._binds.items():
            mounts.append((dest, ["--bind" if writable else "--ro-bind", host, dest]))
        # files outside the writable dirs: bind the topmost directory missing on the host, or
        # the file itself when its directory exists
        done = set()
        for p in self._extra_files:
            parts = pathlib.PurePosixPath(p).parts
            dest = p
            for i in range(2, len(parts)):
                q = str(pathlib.PurePosixPath(*parts[:i]))
                if not os.path.lexists(q):
                    dest = q
                    break
            if dest not in done:
                done.add(dest)
                mounts.append((dest, ["--ro-bind", str(self.path(dest)), dest]))
        if not self.vendor_units:
            empty = self.workdir / "empty"
            empty.mkdir(exist_ok=True)
            for d in VENDOR_UNIT_DIRS:
                if os.path.isdir(d) and d not in self._binds:     # binds=: the test's own vendor units
                    mounts.append((d, ["--ro-bind", str(empty), d]))
            for d in SYSV_DIRS:
                if os.path.isdir(d):
                    mounts.append((d, ["--ro-bind", str(self.path(d)), d]))
        grafts = set()
        for dest, args in mounts:
            if self._under_writable(dest) and dest not in WRITABLE_DIRS:
                # the mount point lives in one of our own directories: make it there
                mp = self.fs / dest.lstrip("/")
                if os.path.isdir(args[1]):
                    mp.mkdir(parents=True, exist_ok=True)
                elif not mp.exists():
                    mp.parent.mkdir(parents=True, exist_ok=True)
                    mp.touch()
            elif not os.path.lexists(dest) and not self.root_dir:   # a writable root: bwrap makes it
                parent = os.path.dirname(dest)
                while not os.path.isdir(parent):
                    parent = os.path.dirname(parent)
                if parent == "/":
                    raise ValueError(f"cannot create {dest}: a new top-level directory is not supported")
                grafts.add(parent)
        mounts.sort(key=lambda m: m[0].count("/"))
        return mounts, sorted(grafts, key=lambda g: g.count("/"))

    @staticmethod
    def _graft(d):
        """Replace host directory D by a tmpfs holding the same entries (bound back read-only), so
        new mount points can be created in it; it is remounted read-only at the end."""
        st = os.stat(d)
        args = ["--perms", "%04o" % (st.st_mode & 0o7777), "--tmpfs", d]
        for name in sorted(os.listdir(d)):
            src = os.path.join(d, name)
            if os.path.islink(src):
                args += ["--symlink", os.readlink(src), src]
            else:
                args += ["--ro-bind", src, src]
        return args

    def _environment(self):
        env = {"PATH": DOCKER_PATH, "HOSTNAME": self.hostname}
        if self.user is None:
            env["HOME"] = "/root"
        else:
            try:
                env["HOME"] = pwd.getpwuid(self.user).pw_dir
            except KeyError:
                env["HOME"] = "/"
        if self.sanitizers:
            env["ASAN_OPTIONS"] = f"detect_leaks=1:abort_on_error=0:exitcode=99:log_path={SANITIZER_DIR}/asan"
            env["UBSAN_OPTIONS"] = f"halt_on_error=1:exitcode=99:print_stacktrace=1:log_path={SANITIZER_DIR}/ubsan"
        env.update(self.env)
        return env

    def _identity(self):
        """setpriv arguments that turn bwrap's process into Docker's (or K8s restricted) PID 1."""
        if self.user is None:
            return [SETPRIV, "--inh-caps=-all", "--ambient-caps=-all",
                    "--bounding-set=" + _setpriv_caps(DOCKER_CAPS)]
        return [SETPRIV, f"--reuid={self.user}", f"--regid={self.user}", "--clear-groups",
                "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs"]

    def bwrap_command(self, status_fd):
        provided = self.binary in self._extra_files   # put inside by the test (files=)
        # A host binary is bound read-only into the container's own /dev (a bwrap tmpfs), so it
        # runs wherever the checkout lives, even under a directory the container replaces (/tmp).
        exec_path = self.binary if provided else "/dev/.tinysd-bin/" + os.path.basename(self.binary)
        mounts, grafts = self._mount_ops()
        cmd = [BWRAP, "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        if not self.network:
            cmd.append("--unshare-net")
        cmd += ["--as-pid-1", "--die-with-parent", "--new-session", "--hostname", self.hostname,
                "--json-status-fd", str(status_fd), "--cap-drop", "ALL"]
        for c in DOCKER_CAPS:
            cmd += ["--cap-add", c]
        cmd += (["--bind", self.root_dir, "/", "--ro-bind", "/sys", "/sys"] if self.root_dir else ["--ro-bind", "/", "/"])
        cmd += ["--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--tmpfs", "/dev/shm", "--mqueue", "/dev/mqueue"]
        if self.cgroup:
            cmd[1:1] = ["--unshare-cgroup"]
            cmd += ["--bind", str(self.cgroup), "/sys/fs/cgroup"]
        if not provided:
            cmd += ["--ro-bind", os.path.realpath(self.binary), exec_path]
        for g in grafts:
            cmd += self._graft(g)
        for _, args in mounts:
            cmd += args
        cmd += ["--bind", str(self.workdir / "sanitizer"), SANITIZER_DIR]
        for g in grafts:
            cmd += ["--remount-ro", g]
        cmd += ["--chdir", "/", "--clearenv"]
        for k, v in self._environment().items():
            cmd += ["--setenv", k, v]
        # bwrap exports PWD after --chdir; Docker does not: env -u PWD (execs in place, PID stays 1)
        cmd += ["--", ENV, "-u", "PWD"] + self._identity() + ["--", exec_path] + self.args
        return cmd

    # ------------------------------------------------------------------ running
    def start(self, timeout=10):
        """Boot: returns once PID 1 has exec'd BINARY (not once BINARY is ready)."""
        assert self.proc is None, "already started"
        if self.sanitizers is None:
            host = self.path(self.binary)
            self.sanitizers = is_sanitizer_build(host if host.exists() else self.binary)
        if self.user is not None:
            for d in list(WRITABLE_DIRS) + [None]:
                top = self.workdir / "sanitizer" if d is None else self.path(d)
                for root, dirs, files in os.walk(top):
                    for n in [root] + [os.path.join(root, x) for x in dirs + files]:
                        os.lchown(n, self.user, self.user)
        rfd, wfd = os.pipe()
        try:
            self.command = self.bwrap_command(wfd)
            join = None
            if self.cgroup:
                procs = os.path.join(str(self.cgroup), "cgroup.procs")

                def join():   # in the child, before exec: bwrap's cgroup namespace is rooted here
                    with open(procs, "w") as f:
                        f.write("0")
            self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, pass_fds=(wfd,), start_new_session=True,
                                         preexec_fn=join)
        finally:
            os.close(wfd)
        self._reader(self.proc.stdout.fileno(), "stdout")
        self._reader(self.proc.stderr.fileno(), "stderr")
        self._reader(rfd, "status")
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.pid1 is None:
                if self.proc.poll() is not None and self._eof_all():
                    raise ContainerError(f"the container did not start (exit {self.proc.returncode})\n"
                                         + self._describe())
                if time.monotonic() > deadline:
                    raise ContainerError("bwrap reported no child pid\n" + self._describe())
                self._cond.wait(0.1)
        # wait for the exec chain bwrap -> setpriv -> BINARY to reach BINARY
        setup = {os.path.realpath(x) for x in (BWRAP, ENV, SETPRIV)}
        while time.monotonic() < deadline:
            try:
                if os.readlink(f"/proc/{self.pid1}/exe") not in setup:
                    break
            except OSError:
                break   # PID 1 already gone: wait()/wait_for() report it
            time.sleep(0.005)
        return self

    def _reader(self, fd, stream):
        def run():
            dec = codecs.getincrementaldecoder("utf-8")(errors="replace")
            status_buf = ""
            while True:
                if stream == "stdout":
                    self._stdout_flowing.wait()
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                text = dec.decode(data, final=not data)
                with self._cond:
                    if stream == "status":
                        status_buf += text
                        while "\n" in status_buf or (not data and status_buf.strip()):
                            line, _, status_buf = status_buf.partition("\n")
                            if line.strip():
                                doc = json.loads(line)
                                self.status.append(doc)
                                if "child-pid" in doc:
                                    self.pid1 = doc["child-pid"]
                    elif text:
                        self._chunks.append((stream, text))
                    if not data and stream != "status":
                        self._chunks.append((stream, None))
                    self._cond.notify_all()
                if not data:
                    break
            if stream == "status":
                os.close(fd)
        t = threading.Thread(target=run, name=f"container-{stream}", daemon=True)
        t.start()
        self._threads.append(t)

    def pause_stdout(self):
        """Stop reading PID 1's stdout (a `docker logs` consumer that stalls): the pipe fills up."""
        self._stdout_flowing.clear()

    def resume_stdout(self):
        self._stdout_flowing.set()

    def _eof_all(self):
        return sum(1 for _, t in self._chunks if t is None) >= 2

    def output(self, stream=None):
        """PID 1's output so far: stdout and stderr merged in arrival order, or one of them."""
        with self._cond:
            return "".join(t for s, t in self._chunks if t is not None and (stream is None or s == stream))

    def lines(self, stream=None):
        return self.output(stream).splitlines()

    def _describe(self):
        rc = self.proc.poll() if self.proc else None
        out = self.output()
        return (f"--- PID 1 {'exited ' + str(rc) if rc is not None else 'running'}; output so far "
                f"({len(out)} chars) ---\n{out[-8000:]}\n--- end of output ---")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_for(self, regex, timeout=10, stream=None, flags=re.M):
        """Wait until PID 1's output matches REGEX; return the match. Raises ContainerError with
        the output so far on timeout or when the container exits without a match.
        Searched incrementally (the last MiB again, then what arrived since), so a flooding
        service's output does not make each wake-up cost the whole output and slow the reader."""
        rx = re.compile(regex, flags)
        deadline = time.monotonic() + timeout
        carry_max = 1 << 20
        with self._cond:
            seen = 0
            text = ""
            while True:
                new = [t for s, t in self._chunks[seen:] if t is not None and (stream is None or s == stream)]
                seen = len(self._chunks)
                if new or not text:
                    if len(text) > carry_max:   # keep whole lines: '^' must not match mid-line
                        cut = text.find("\n", len(text) - carry_max)
                        text = text[cut + 1:] if cut >= 0 else ""
                    text += "".join(new)
                    m = rx.search(text)
                    if m:
                        return m
                if self.proc.poll() is not None and self._eof_all():
                    raise ContainerError(f"container exited before output matched {regex!r}\n" + self._describe())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ContainerError(f"no output matched {regex!r} within {timeout}s\n" + self._describe())
                self._cond.wait(min(left, 0.2))

    def wait_for_path(self, p, timeout=10, contains=None):
        """Wait until container path P exists (and, with CONTAINS, its text holds that string or
        matches that compiled regex); return the host path."""
        host = self.path(p)
        deadline = time.monotonic() + timeout
        while True:
            if host.exists():
                if contains is None:
                    return host
                text = host.read_text(errors="replace")
                if (contains.search(text) if hasattr(contains, "search") else contains in text):
                    return host
            if not self.running():
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        what = f"{p}" + (f" containing {contains!r}" if contains is not None else "")
        cur = host.read_text(errors="replace") if host.is_file() else "(absent)"
        raise ContainerError(f"{what} did not appear within {timeout}s (now: {cur!r})\n" + self._describe())

    def wait_until(self, predicate, timeout=10, what="the condition"):
        """Poll PREDICATE() (every 50 ms) until it returns a true value, which is returned; raise
        ContainerError with the output if TIMEOUT passes first."""
        deadline = time.monotonic() + timeout
        while True:
            v = predicate()
            if v:
                return v
            if time.monotonic() > deadline:
                raise ContainerError(f"{what} did not happen within {timeout}s\n" + self._describe())
            time.sleep(0.05)

    def signal(self, sig):
        """Send SIG to the container's PID 1 (it must have a handler, as in any container)."""
        assert self.pid1 is not None, "not started"
        try:
            os.kill(self.pid1, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout=10):
        """Wait for PID 1 to exit; return its exit status as Docker reports it (128+N if killed by
        signal N). Raises ContainerError (with the output) if it is still running after TIMEOUT."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ContainerError(f"PID 1 still running after {timeout}s\n" + self._describe()) from None
        for t in self._threads:
            t.join(5)
        return rc

    def exit_code(self):
        """The exit status bwrap reported on its status fd (None while running)."""
        for doc in self.status:
            if "exit-code" in doc:
                return doc["exit-code"]
        return None

    def stop(self, timeout=10):
        """`docker stop`: SIGTERM to PID 1, SIGKILL after TIMEOUT; returns the exit status."""
        if self.running():
            self.signal(_signal.SIGTERM)
            try:
                return self.wait(timeout)
            except ContainerError:
                self.kill()
        return self.wait(10)

    def kill(self):
        """SIGKILL PID 1 (the kernel then kills the whole PID namespace) and bwrap."""
        if self.pid1 is not None and self.running():
            try:
                os.kill(self.pid1, _signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.running():
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def close(self, term_timeout=5):
        """Make sure nothing is left running: SIGTERM, then SIGKILL after TERM_TIMEOUT."""
        if self.proc is None:
            return
        self._stdout_flowing.set()
        if self.running():
            try:
                self.stop(term_timeout)
            except ContainerError:
                self.kill()
        for t in self._threads:
            t.join(5)
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()

    def cleanup(self):
        self.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.cleanup()

    # ------------------------------------------------------------------ looking inside
    def exec(self, argv, env=None, timeout=10, input=None, check=False, privileged=False):
        """`docker exec`: run ARGV inside the container's namespaces with the container's user and
        capabilities (privileged=True: host root with every capability) and a clean environment
        (PATH, HOSTNAME, HOME + ENV). Returns CompletedProcess (text)."""
        assert self.pid1 is not None and self.running(), "container not running"
        ns = ["--pid", "--mount", "--uts", "--ipc"] + ([] if self.network else ["--net"])
        e = {k: v for k, v in self._environment().items() if k in ("PATH", "HOSTNAME", "HOME")}
        e.update(env or {})
        cmd = [NSENTER, "--target", str(self.pid1)] + ns + ["--root", "--wd=/", "--",
               "/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in e.items()]
        if not privileged:
            cmd += self._identity() + ["--"]
        cmd += [str(a) for a in argv]
        return subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout, check=check)

    def pids(self):
        """Processes inside the container, seen through its own /proc (zombies included)."""
        base = f"/proc/{self.pid1}/root/proc"
        out = []
        try:
            names = os.listdir(base)
        except OSError as e:
            raise ContainerError(f"cannot list the container's processes ({e})\n" + self._describe()) from None
        for name in names:
            if not name.isdigit():
                continue
            try:
                stat = pathlib.Path(f"{base}/{name}/stat").read_text()
                status = pathlib.Path(f"{base}/{name}/status").read_text()
                cmdline = pathlib.Path(f"{base}/{name}/cmdline").read_bytes()
            except OSError:
                continue    # exited meanwhile
            lp, rp = stat.index("("), stat.rindex(")")
            fields = stat[rp + 2:].split()
            uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
            out.append(Proc(int(name), int(fields[1]), fields[0], stat[lp + 1:rp], uid,
                            tuple(a.decode(errors="replace") for a in cmdline.split(b"\0")[:-1])))
        return sorted(out)

    def proc_status(self, pid=1):
        """/proc/PID/status inside the container, as {key: value}."""
        text = pathlib.Path(f"/proc/{self.pid1}/root/proc/{pid}/status").read_text()
        return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)

    def sanitizer_findings(self):
        """Sanitizer reports: files under /dev/.sanitizer, and report text in PID 1's output."""
        found = []
        d = self.workdir / "sanitizer"
        if d.is_dir():
            for f in sorted(d.iterdir()):
                found.append(f"{f.name}:\n{f.read_text(errors='replace')}")
        if self.proc is not None:
            out = self.output()
            m = SANITIZER_REPORT.search(out)
            if m:
                found.append("sanitizer report in PID 1's output:\n" + out[max(0, m.start() - 200):m.start() + 4000])
        return found


# ---------------------------------------------------------------------------------------------
# For the tinysd PID 1 tests: systemd 252's console status lines (status-unit-format=combined,
# no colour when stdout is not a tty) as regular expressions matching one whole line.

def _status(tag, verb, unit, description):
    return rf"^\[{re.escape(tag)}\] {verb} {re.escape(unit)} - {re.escape(description)}\.$"


def started(unit, description):
    return _status("  OK  ", "Started", unit, description)


def finished(unit, description):       # Type=oneshot services say Finished, not Started
    return _status("  OK  ", "Finished", unit, description)


def reached(target, description):
    return _status("  OK  ", "Reached target", target, description)


def stopped(unit, description):
    return _status("  OK  ", "Stopped", unit, description)


def failed_to_start(unit, description):
    return _status("FAILED", "Failed to start", unit, description)


def dependency_failed(unit, description):
    return _status("DEPEND", "Dependency failed for", unit, description)


MULTI_USER = reached("multi-user.target", "Multi-User System")

# A long-running service main process: appends "start NAME" to LOG, and "stop NAME" when it gets
# SIGTERM, then exits 0. Usage: ExecStart=/opt/test/long-running NAME /run/LOG
LONG_RUNNING = r"""#!/bin/sh
trap 'echo "stop $1" >> "$2"; exit 0' TERM
echo "start $1" >> "$2"
while :; do sleep 1 & wait $!; done
"""


# ---------------------------------------------------------------------- a cgroup of its own
def host_cgroup2_mount():
    """Where the host mounts cgroup2 writable (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a
    hybrid host), or None."""
    with open("/proc/self/mounts") as f:
        for line in f:
            dev, mnt, fstype, opts = line.split()[:4]
            if fstype == "cgroup2" and "ro" not in opts.split(","):
                return mnt
    return None


class HostCgroup:
    """A fresh cgroup2 directory on the host for one container (Container(cgroup=...)), removed
    by close() after the container is gone. Needs root and a writable cgroup2 mount."""

    def __init__(self):
        mnt = host_cgroup2_mount()
        if mnt is None or os.geteuid() != 0:
            raise OSError(errno.ENODEV, "no writable cgroup2 on this host")
        self.path = pathlib.Path(mnt) / f"tinysd-test-{os.getpid()}-{secrets.token_hex(4)}"
        self.path.mkdir()
        # can a process be moved in? (a cgroup2 mounted rw is not always ours to use)
        procs = self.path / "cgroup.procs"
        try:
            subprocess.run(["/bin/true"], check=True, preexec_fn=lambda: procs.write_text("0"))
        except (OSError, subprocess.SubprocessError) as e:
            self.close()
            raise OSError(errno.EPERM, f"cannot move a process into {self.path}: {e}") from None

    def __fspath__(self):
        return str(self.path)

    def __str__(self):
        return str(self.path)

    def groups(self):
        """Every group below ours, as paths relative to it ("system.slice/foo.service")."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*")
                      if p.is_dir() and not p.is_symlink())

    def pids(self, rel=""):
        """Host pids in group REL (not its subgroups)."""
        text = (self.path / rel / "cgroup.procs").read_text()
        return sorted(int(x) for x in text.split() if int(x) > 0)

    def close(self):
        dirs = sorted((p for p in self.path.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts))
        for d in dirs + [self.path]:
            for _ in range(50):
                for pid in (d / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), _signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                try:
                    d.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
