# SPDX-License-Identifier: MIT
"""Boot an image directory (image.py) as a container whose PID 1 is tinysd, the way
`docker run IMAGE` would; pid1.Container (tests/integration/pid1.py) with the image as root.

What differs from pid1.Container (whose docstring explains bwrap, capabilities, setpriv, exec()
via nsenter, PID 1's host PID and the sanitizer set-up; all of that is reused as is):

* Root: a per-container copy of the image: an overlayfs mounted on the host at WORKDIR/root
  (lower = the cached image, upper = WORKDIR/upper), or, where overlayfs cannot be mounted,
  `cp -a --reflink=auto` of the image. Docker uses overlayfs the same way. A second
  ImageContainer with the same WORKDIR boots the same root again (`docker stop; docker start`).
* tinysd: the binary under test is copied in as /sbin/init; /usr/bin/systemctl and
  /usr/bin/journalctl become symlinks to it where the image has none (minbase has no systemd).
  /etc/hostname and /etc/hosts are written as Docker writes them (it bind-mounts both).
* Mounts: bwrap --bind ROOT / (or --ro-bind), a new /proc, bwrap's minimal /dev (null, zero, full,
  random, urandom, tty, pts, ptmx, /dev/shm, /dev/mqueue; like Docker's), /sys read-only (a bind
  of the host's, Docker mounts a fresh read-only sysfs). Network: a new namespace with only `lo`
  (bwrap brings it up).
* Modes:
    docker     the default: root with Docker's 14 capabilities, writable root
    read-only  `docker run --read-only --tmpfs /run`: root read-only, /run a tmpfs
    podman     `podman run --systemd=always`: tmpfs on /run, /run/lock and /tmp, container=podman
    user       uid/gid 1000 without any capability (pid1.py's user=1000; the root's writable
               directories are chowned to 1000 first)
* path(P): the host path of container path P, with symlinks resolved inside the root (the
  image's absolute symlinks must not lead to the host); for a tmpfs of the mode (/run, /tmp)
  it goes through /proc/PID1/root while PID 1 runs.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))

import pid1  # noqa: E402
from pid1 import BWRAP, DOCKER_CAPS, ENV, SANITIZER_DIR, Container  # noqa: E402

MODES = ("docker", "read-only", "podman", "user")
TMPFS = {"docker": (), "read-only": ("/run",), "podman": ("/run", "/run/lock", "/tmp"), "user": ()}
INIT = "/sbin/init"


def _resolve(root, p, depth=0, follow_last=True):
    """Container path P with every symlink resolved inside ROOT (a relative path from /)."""
    parts = [x for x in pathlib.PurePosixPath("/" + str(p).lstrip("/")).parts[1:]]
    done = []
    for i, name in enumerate(parts):
        if name == "..":
            if done:
                done.pop()
            continue
        cand = os.path.join(root, *done, name)
        last = i == len(parts) - 1
        if os.path.islink(cand) and depth < 40 and (follow_last or not last):
            target = os.readlink(cand)
            base = "/" if target.startswith("/") else "/" + "/".join(done)
            rest = "/".join(parts[i + 1:])
            return _resolve(root, os.path.join(base, target, rest), depth + 1, follow_last)
        done.append(name)
    return "/".join(done)


def overlay_supported():
    return os.geteuid() == 0


class ImageContainer(Container):
    """A container booted from IMAGE (a directory) with BINARY (tinysd) as /sbin/init.

    mode      one of MODES
    workdir   host directory for the root copy (default: a new temp dir, removed by cleanup());
              pass the same directory again to boot the same root a second time
    Other keywords as pid1.Container (args, env, hostname, network, sanitizers)."""

    def __init__(self, image, binary, mode="docker", workdir=None, env=None, hostname=None,
                 args=(), network=False, sanitizers=False):
        assert mode in MODES, mode
        self.image = pathlib.Path(image)
        self.mode = mode
        import tempfile
        own = workdir is None
        workdir = pathlib.Path(workdir or tempfile.mkdtemp(prefix="tinysd-ctr-", dir="/var/tmp"))
        workdir.mkdir(parents=True, exist_ok=True)
        self.root = workdir / "root"
        self._overlay = False
        self._tmpfs = TMPFS[mode]
        self.pid1 = None
        self._mount_root(workdir)
        env = dict(env or {})
        if mode == "podman":
            env.setdefault("container", "podman")
        try:
            super().__init__(binary, args=args, env=env, hostname=hostname,
                             user=1000 if mode == "user" else None, readonly_root=mode == "read-only",
                             network=network, sanitizers=sanitizers, workdir=workdir)
            self._own_workdir = own
            self._install_tinysd()
            self.write_file("/etc/hostname", self.hostname + "\n")
            self.write_file("/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                            f"127.0.1.1\t{self.hostname}\n")
        except BaseException:
            self._unmount_root()
            raise

    # ------------------------------------------------------------------ the root
    def _mount_root(self, workdir):
        if os.path.ismount(self.root):
            self._overlay = True
            return
        if (workdir / "upper").is_dir() or not (self.root.exists() and any(self.root.iterdir())):
            upper, work = workdir / "upper", workdir / "ovl-work"
            for d in (upper, work, self.root):
                d.mkdir(exist_ok=True)
            r = subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                                f"lowerdir={self.image},upperdir={upper},workdir={work}", str(self.root)],
                               capture_output=True, text=True)
            if r.returncode == 0:
                self._overlay = True
                return
            shutil.rmtree(upper, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
            self.root.rmdir()
        if not self.root.exists():
            subprocess.run(["cp", "-a", "--reflink=auto", str(self.image), str(self.root)], check=True)

    def _unmount_root(self):
        if self._overlay and os.path.ismount(self.root):
            if subprocess.run(["umount", str(self.root)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(self.root)], capture_output=True)

    def _install_tinysd(self):
        init = self.path(INIT)
        if init.exists() or init.is_symlink():
            init.unlink()
        shutil.copy2(os.path.realpath(self.binary), init)
        os.chmod(init, 0o755)
        for name in ("systemctl", "journalctl"):
            link = self.path(f"/usr/bin/{name}")
            if not os.path.lexists(link):
                link.symlink_to(INIT)

    def path(self, p):
        p = "/" + str(p).lstrip("/")
        if getattr(self, "root", None) is None:
            return super().path(p)
        for t in self._tmpfs:
            if p == t or p.startswith(t + "/"):
                if getattr(self, "proc", None) is not None and self.pid1 is not None and self.running():
                    return pathlib.Path(f"/proc/{self.pid1}/root") / p.lstrip("/")
        return self.root / _resolve(self.root, p)

    def enable(self, name, target="multi-user.target", kind="wants"):
        """`systemctl enable` by hand (the link itself is replaced, not followed)."""
        rel = _resolve(self.root, f"/etc/systemd/system/{target}.{kind}/{name}", follow_last=False)
        link = self.root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(link):
            link.unlink()
        link.symlink_to(f"/etc/systemd/system/{name}")

    # ------------------------------------------------------------------ the bwrap command
    def bwrap_command(self, status_fd):
        cmd = [BWRAP, "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        if not self.network:
            cmd.append("--unshare-net")
        cmd += ["--as-pid-1", "--die-with-parent", "--new-session", "--hostname", self.hostname,
                "--json-status-fd", str(status_fd), "--cap-drop", "ALL"]
        for c in DOCKER_CAPS:
            cmd += ["--cap-add", c]
        cmd += ["--ro-bind" if self.readonly_root else "--bind", str(self.root), "/",
                "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm",
                "--mqueue", "/dev/mqueue", "--ro-bind", "/sys", "/sys"]
        for t in self._tmpfs:
            cmd += ["--perms", "1777" if t == "/tmp" else "0755", "--tmpfs", t]
        cmd += ["--bind", str(self.workdir / "sanitizer"), SANITIZER_DIR]
        cmd += ["--chdir", "/", "--clearenv"]
        for k, v in self._environment().items():
            cmd += ["--setenv", k, v]
        cmd += ["--", ENV, "-u", "PWD"] + self._identity() + ["--", INIT] + self.args
        return cmd

    def start(self, timeout=10):
        if self.user is not None:
            # pid1.Container.start chowns its writable directories for the user: in an image those
            # are whole trees (/var/lib ...); only the ones PID 1 itself needs
            saved = pid1.WRITABLE_DIRS
            pid1.WRITABLE_DIRS = ("/run", "/tmp", "/etc/systemd/system")
            try:
                super().start(timeout)
            finally:
                pid1.WRITABLE_DIRS = saved
        else:
            super().start(timeout)
        # Container.start stops waiting when /proc/PID/exe is no longer a host path of bwrap/env/
        # setpriv; inside the image those have other paths: wait for argv[0] == /sbin/init
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running():
            try:
                if pathlib.Path(f"/proc/{self.pid1}/cmdline").read_bytes().split(b"\0")[0] == INIT.encode():
                    break
            except OSError:
                break
            time.sleep(0.01)
        return self

    def close(self, term_timeout=5):
        super().close(term_timeout)
        self._unmount_root()

    def cleanup(self):
        self.close()
        self._unmount_root()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
