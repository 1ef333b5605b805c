# SPDX-License-Identifier: MIT
"""Debian images for tinysd's end-to-end tests: built once with debootstrap, cached on disk.

  base      debootstrap --variant=minbase bookworm DIR MIRROR          (what `FROM debian:12` has)
  services  base + apt-get install --no-install-recommends PACKAGES     (the image a user builds)

MIRROR is read at run time from this machine's apt configuration (/etc/apt/sources.list,
/etc/apt/sources.list.d/*.list and deb822 *.sources): the first `deb` entry that carries the suite.
The image's own /etc/apt/sources.list gets every entry of the machine's configuration for the
suite (bookworm, bookworm-updates, bookworm-security). Nothing of it is written into the checkout.

Images live under $TINYSD_IMAGES (default /var/tmp/tinysd-images), one directory per cache key
(a hash of suite, mirror and package list): base-<key>/, services-<key>/. A build goes to a
temporary directory in the same place and is renamed when complete, so a killed build never
leaves a half image (the left-over .tmp-* directory is removed by the next build).

Building runs as root on the host: the package installation runs inside the new root under
bubblewrap (its own /proc, /dev and PID namespace, the host's network), so nothing is mounted on the
host and no daemon the maintainer scripts might start survives the build. As in Docker's Debian
images a /usr/sbin/policy-rc.d that exits 101 keeps maintainer scripts from starting services
during the build; it is removed afterwards, as a user's Dockerfile would. minbase has no systemd,
so Debian's maintainer scripts take their sysvinit/`invoke-rc.d` path while building; in the
running container they see /run/systemd/system (created by tinysd) and talk to systemctl.

tinysd itself is not part of the image: container.py copies the binary under test in as
/sbin/init (plus systemctl/journalctl links) in each container's own copy.
"""
import glob
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import time

SUITE = "bookworm"
IMAGES = pathlib.Path(os.environ.get("TINYSD_IMAGES", "/var/tmp/tinysd-images"))
DEBOOTSTRAP = shutil.which("debootstrap") or "/usr/sbin/debootstrap"
BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"

SERVICES = ("nginx", "openssh-server", "redis-server", "postgresql", "cron", "memcached")
CLIENTS = ("curl", "openssh-client", "redis-tools", "postgresql-client", "netcat-openbsd")
# tools that come with their own timers (logrotate.timer: OnCalendar=daily, Persistent=true)
TOOLS = ("logrotate",)
SERVICE_PACKAGES = SERVICES + CLIENTS + TOOLS
# .debs downloaded into the services image's apt cache (not installed): the container has no
# network, so `apt-get install` inside it installs these offline.
OFFLINE_PACKAGES = ("lighttpd",)

APT_ENV = {"DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C.UTF-8",
           "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}


class ImageUnavailable(Exception):
    """The image cannot be had here (no debootstrap, no mirror, a failed build): tests skip."""


# ------------------------------------------------------------------ the machine's apt configuration
def _parse_one_line(text):
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        words = line.split()[1:]
        if words and words[0].startswith("["):          # [ options ]
            while words and not words[0].endswith("]"):
                words.pop(0)
            words = words[1:]
        if len(words) >= 2:
            yield words[0], [words[1]], words[2:] or ["main"]


def _parse_deb822(text):
    for para in re.split(r"\n\s*\n", text):
        fields, key = {}, None
        for line in para.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, v = line.partition(":")
                key = key.strip().lower()
                fields[key] = v.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            yield uri, fields.get("suites", "").split(), fields.get("components", "main").split()


def apt_sources(root="/"):
    """[(uri, suite, [components])] of the machine's apt configuration, in apt's reading order."""
    etc = pathlib.Path(root, "etc/apt")
    out = []
    files = [etc / "sources.list"] + sorted(pathlib.Path(p) for p in glob.glob(str(etc / "sources.list.d/*")))
    for f in files:
        try:
            text = f.read_text()
        except OSError:
            continue
        if f.name.endswith(".sources"):
            entries = _parse_deb822(text)
        elif f.name.endswith(".list"):
            entries = _parse_one_line(text)
        else:
            continue
        for uri, suites, comps in entries:
            for s in suites:
                out.append((uri.rstrip("/"), s, comps))
    return out


def mirror(suite=SUITE):
    """The archive debootstrap uses: the first entry for SUITE itself."""
    for uri, s, _ in apt_sources():
        if s == suite and uri.startswith(("http://", "https://", "file:/")):
            return uri
    raise ImageUnavailable(f"no `deb` entry for {suite} in /etc/apt/sources.list[.d]")


def image_sources_list(suite=SUITE):
    """sources.list text for the image: the machine's entries for SUITE and SUITE-*."""
    lines = []
    for uri, s, comps in apt_sources():
        if (s == suite or s.startswith(suite + "-") or s.startswith(suite + "/")) and "main" in comps:
            line = f"deb {uri} {s} main"
            if line not in lines:
                lines.append(line)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ building
def _key(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def _log(msg):
    print(f"[image] {msg}", flush=True)


def _run(cmd, log, timeout, env=None):
    with open(log, "ab") as f:
        f.write(("\n$ " + " ".join(cmd) + "\n").encode())
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=timeout, env=env)
    if r.returncode != 0:
        tail = pathlib.Path(log).read_text(errors="replace")[-3000:]
        raise ImageUnavailable(f"{cmd[0]} {' '.join(cmd[1:3])}... failed (exit {r.returncode}); "
                               f"log {log}:\n{tail}")


def in_root(root, argv, log, timeout=1800, network=True):
    """Run ARGV as root inside ROOT (a build step): bwrap with its own /proc, /dev, PID namespace."""
    cmd = [BWRAP, "--bind", str(root), "/", "--proc", "/proc", "--dev", "/dev",
           "--perms", "1777", "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
           "--cap-add", "ALL", "--chdir", "/"]
    if network:
        cmd += ["--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf"]
    else:
        cmd.append("--unshare-net")
    cmd += ["--clearenv"]
    for k, v in APT_ENV.items():
        cmd += ["--setenv", k, v]
    _run(cmd + ["--"] + list(argv), log, timeout)


def _sweep(prefix):
    for p in IMAGES.glob(f".tmp-{prefix}-*"):
        try:
            pid = int(p.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
            continue            # a build in progress in another process
        except (ValueError, ProcessLookupError):
            pass
        except PermissionError:
            continue
        shutil.rmtree(p, ignore_errors=True)


def _build(name, make):
    """Build image NAME with MAKE(tmpdir, log) unless it exists; return its path."""
    final = IMAGES / name
    if (final / ".complete").exists():
        return final
    IMAGES.mkdir(parents=True, exist_ok=True)
    prefix = name.rsplit("-", 1)[0]
    _sweep(prefix)
    tmp = IMAGES / f".tmp-{name}-{os.getpid()}"
    log = IMAGES / f"{name}.log"
    log.write_text("")
    t0 = time.monotonic()
    _log(f"building {final} (log {log})")
    try:
        make(tmp, log)
        seconds = time.monotonic() - t0
        (tmp / ".complete").write_text(f"built in {seconds:.0f} s\n")
        if final.exists():          # an incomplete leftover of an older scheme
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _log(f"built {final} in {seconds:.0f} s")
    return final


def base_image(suite=SUITE):
    if os.geteuid() != 0:
        raise ImageUnavailable("building an image needs root (debootstrap)")
    if not os.access(DEBOOTSTRAP, os.X_OK):
        raise ImageUnavailable("debootstrap is not installed")
    url = mirror(suite)
    sources = image_sources_list(suite)

    def make(tmp, log):
        _run([DEBOOTSTRAP, "--variant=minbase", suite, str(tmp), url], log, timeout=1800)
        (tmp / "etc/apt/sources.list").write_text(sources)
        # as in Docker's debian images: no recommends, no documentation beyond copyright
        (tmp / "etc/apt/apt.conf.d/99tinysd-image").write_text(
            'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n')
        in_root(tmp, ["apt-get", "update"], log, timeout=600)
        in_root(tmp, ["apt-get", "clean"], log, timeout=60)
    return _build(f"base-{_key(suite, url, sources)}", make)


def services_image(packages=SERVICE_PACKAGES, offline=OFFLINE_PACKAGES, suite=SUITE, prefix="services"):
    """The base image plus PACKAGES installed (no services started while building) and the .debs of
    OFFLINE (with their missing dependencies) in /var/cache/apt/archives for installing later."""
    base = base_image(suite)
    key = _key(base.name, *sorted(packages), "offline:", *sorted(offline))

    def make(tmp, log):
        _run(["cp", "-a", "--reflink=auto", str(base), str(tmp)], log, timeout=600)
        (tmp / ".complete").unlink()
        rc = tmp / "usr/sbin/policy-rc.d"
        rc.write_text("#!/bin/sh\n# image build: no service starts (Docker's debian images ship this)\nexit 101\n")
        rc.chmod(0o755)
        in_root(tmp, ["apt-get", "update"], log, timeout=600)
        in_root(tmp, ["apt-get", "install", "-y", "--no-install-recommends"] + list(packages), log)
        if offline:
            in_root(tmp, ["apt-get", "install", "-y", "--download-only", "--no-install-recommends"]
                    + list(offline), log)
        rc.unlink()              # as a user would once the build is done
        # daemons the maintainer scripts may have started despite policy-rc.d died with bwrap's
        # PID namespace; what they left in /run (pid files) must not survive into the image
        for e in (tmp / "run").iterdir():
            if not (base / "run" / e.name).exists():
                shutil.rmtree(e) if e.is_dir() and not e.is_symlink() else e.unlink()
    return _build(f"{prefix}-{key}", make)


# Debian's `systemd` package, rsyslog and dbus installed as in any Dockerfile that pulls them in (issue
# 16): systemd's own units (journald's sockets, logind, hostnamed, ...) are in the image, rsyslog has
# syslog.socket, dbus the system bus (socket-activated); with real daemons the first image does not
# have: avahi-daemon (Type=dbus), apache2, exim4 (a SysV init script only), prometheus-node-exporter;
# curl as their client.
SYSTEMD_RSYSLOG_PACKAGES = ("systemd", "rsyslog", "dbus", "avahi-daemon", "apache2", "exim4-daemon-light",
                            "prometheus-node-exporter", "curl")


def systemd_rsyslog_image(suite=SUITE):
    return services_image(packages=SYSTEMD_RSYSLOG_PACKAGES, offline=(), suite=suite, prefix="systemd-rsyslog")


def ensure(kind="services"):
    return services_image() if kind == "services" else base_image()
