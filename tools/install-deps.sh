#!/bin/sh
# Install what building and testing tinysd needs, from Debian's archive. Idempotent: does nothing
# when everything is present. As non-root, prints the exact command instead.
# The engine tests (tests/integration/test_engine_*.py) need Docker and Podman: Debian's docker.io
# (20.10) and podman (4.3), with runc (crun refuses a hybrid cgroup host), catatonit (podman run
# --init), and podman's default ulimits lowered to what such machines let a runtime set (see
# configure_podman below). The test harness starts dockerd itself (tests/container/engine.py);
# nothing here starts a daemon.
set -eu
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# systemd: Debian's systemctl, journalctl, systemd-cat and systemd-analyze are reference clients in the
# tests; debootstrap builds the end-to-end image; init-system-helpers has deb-systemd-invoke; dbus: the
# system bus in test_pid1_sysbus.py.
for p in make gcc clang libclang-rt-14-dev musl-tools libcmocka-dev python3 python3-pytest file util-linux bubblewrap procps \
         systemd debootstrap init-system-helpers dbus \
         docker.io podman runc crun catatonit uidmap slirp4netns fuse-overlayfs busybox-static \
         docker-compose python3-yaml; do
        have_pkg "$p" || need="$need $p"
done
# podman's defaults (crun, ulimits from its own table) fail on cgroup-v1/hybrid hosts with low hard
# limits: "setrlimit `RLIMIT_NOFILE`: Operation not permitted", "cgroups in hybrid mode not supported".
# A drop-in under /etc/containers sets runc and ulimits within the limits, unless the machine's
# administrator configured either already (then nothing is written).
configure_podman() {
        command -v podman >/dev/null || return 0
        conf=/etc/containers/containers.conf.d/50-tinysd-tests.conf
        [ -e "$conf" ] && return 0
        if grep -qsE '^[[:space:]]*(runtime|default_ulimits)[[:space:]]*=' /etc/containers/containers.conf \
                /etc/containers/containers.conf.d/*.conf; then
                return 0
        fi
        [ "$(id -u)" = 0 ] || { echo "podman is not configured for this host; run tools/install-deps.sh as root" >&2; return 0; }
        # 1024 each, or the machine's hard limit where that is lower
        nofile=$(awk '/^Max open files/ { print ($5 == "unlimited" || $5 > 1024) ? 1024 : $5 }' /proc/self/limits)
        nproc=$(awk '/^Max processes/ { print ($4 == "unlimited" || $4 > 1024) ? 1024 : $4 }' /proc/self/limits)
        mkdir -p /etc/containers/containers.conf.d
        cat > "$conf" <<CONF
# written by tinysd's tools/install-deps.sh: podman's defaults fail on this host (crun and hybrid
# cgroups; default ulimits above what the runtime may set)
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
CONF
        echo "configured podman: $conf"
}

if [ -z "$need" ]; then
        configure_podman
        exit 0
fi
if [ "$(id -u)" != 0 ]; then
        echo "Missing test dependencies. Run as root:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends$need" >&2
        exit 1
fi
echo "Installing:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need
configure_podman
