#!/bin/sh
# SPDX-License-Identifier: MIT
# Build, once, what the comparisons with systemd itself need, and keep it under /var/tmp for the
# next runs (`make references`, run by `make check`):
#   /var/tmp/tinysd-bench-systemd/rootfs   Debian 12 with the real systemd 252 (debootstrap, the
#                                          mirror of this machine's apt sources): booted as PID 1
#                                          by test_systemctl_realsd.py and bench/boot-systemd.py
#   /var/tmp/tinysd-journald-sample        a journal written by Debian's systemd-journald 252
#                                          (tools/journald-sample.sh; the tests also make it
#                                          on first use)
# Root only; a rootfs is built under a temporary name and renamed when complete, so a killed run
# never leaves half of one in place. Exit 0 when everything is there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ROOTFS=${TINYSD_SYSTEMD_ROOTFS:-/var/tmp/tinysd-bench-systemd/rootfs}
SAMPLE=${TINYSD_JOURNALD_SAMPLE:-/var/tmp/tinysd-journald-sample}

if [ "$(id -u)" != 0 ]; then
        echo "prepare-references: needs root (debootstrap, namespaces)" >&2
        exit 1
fi

if [ ! -x "$ROOTFS/lib/systemd/systemd" ]; then
        command -v debootstrap > /dev/null || { echo "prepare-references: debootstrap missing (tools/install-deps.sh)" >&2; exit 1; }
        mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
        [ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
        [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
        tmp="$ROOTFS.tmp.$$"
        mkdir -p "$(dirname "$ROOTFS")"
        rm -rf "$tmp"
        echo "prepare-references: debootstrap bookworm with systemd into $ROOTFS (from $mirror)"
        if ! debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,procps,python3 bookworm "$tmp" "$mirror" \
                > "$tmp.log" 2>&1; then
                tail -20 "$tmp.log" >&2
                rm -rf "$tmp"
                exit 1
        fi
        rm -f "$tmp.log"
        # as the benchmarks boot it (bench/boot-systemd.py): to multi-user.target, not graphical
        ln -sf /lib/systemd/system/multi-user.target "$tmp/etc/systemd/system/default.target"
        rm -rf "$ROOTFS"
        mv "$tmp" "$ROOTFS"
fi

if ! ls "$SAMPLE"/*/system.journal > /dev/null 2>&1; then
        sh "$here/journald-sample.sh" "$SAMPLE"
fi
echo "prepare-references: $ROOTFS and $SAMPLE are ready"
