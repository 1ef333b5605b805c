#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot the real systemd 252 as PID 1 of a container-like sandbox, for the comparison tests
# (test_systemctl_realsd.py) on machines without ../shared/tools/real-systemd: the same commands,
# one layout -- pid, mount, uts, ipc and cgroup namespaces, a cgroup2 of its own mounted
# read-write (systemd refuses to boot on read-only cgroups), a Docker-like /dev, tmpfs /run and
# /tmp, pivot_root into the rootfs, PID 1 with every capability of the host's root.
#
#   real-systemd-box.sh start NAME           boot; prints PID 1's host pid
#   real-systemd-box.sh exec NAME CMD...     run CMD inside (nsenter), as `docker exec`
#   real-systemd-box.sh stop NAME [SIG] [S]  send SIG (default RTMIN+3) to PID 1, wait S seconds
#   real-systemd-box.sh cleanup NAME         kill what is left, remove the cgroup
# Environment: RESEARCH (default /var/tmp/real-systemd): the rootfs is $RESEARCH/rootfs, state
# goes to $RESEARCH/runs/NAME. Root only. Only processes this script started are signalled.
set -eu
SD=${RESEARCH:-/var/tmp/real-systemd}
ME=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cmd=$1
shift

if [ "$cmd" = inner ]; then
        # PID 1 of the new namespaces, still on the host's root: build the container's root
        R=$1
        mount --make-rprivate /
        mount --bind "$R" "$R"
        mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
        mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
        mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
        mount -t tmpfs -o nosuid,mode=755,size=65536k tmpfs "$R/dev"
        for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
                set -- $n
                mknod -m 666 "$R/dev/$1" c "$2" "$3"
        done
        mkdir -p "$R/dev/pts" "$R/dev/shm" "$R/dev/mqueue"
        mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec devpts "$R/dev/pts"
        ln -s pts/ptmx "$R/dev/ptmx"
        mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 shm "$R/dev/shm"
        mount -t mqueue -o nosuid,nodev,noexec mqueue "$R/dev/mqueue"
        ln -s /proc/self/fd "$R/dev/fd"
        ln -s /proc/self/fd/0 "$R/dev/stdin"
        ln -s /proc/self/fd/1 "$R/dev/stdout"
        ln -s /proc/self/fd/2 "$R/dev/stderr"
        mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$R/run"
        mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$R/tmp"
        hostname "$(basename "$(dirname "$R")")-box"
        cd "$R"
        mkdir -p .oldroot
        pivot_root . .oldroot
        cd /
        umount -l /.oldroot
        rmdir /.oldroot
        exec env -i container=docker PATH=$PATH_IN /lib/systemd/systemd < /dev/null
fi

NAME=$1
shift
RUN=$SD/runs/$NAME
R=$SD/rootfs
pid1() { cat "$RUN/systemd.pid" 2>/dev/null || true; }
alive() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && ! awk '{ exit $3 == "Z" ? 0 : 1 }' "/proc/$1/stat"; }

case $cmd in
start)
        [ -x "$R/lib/systemd/systemd" ] || { echo "no systemd in $R" >&2; exit 1; }
        mkdir -p "$RUN"
        rm -f "$RUN"/*
        # a group of its own on the host's cgroup2 (the unified hierarchy of a hybrid host)
        mnt=/sys/fs/cgroup
        [ -e $mnt/cgroup.controllers ] || mnt=/sys/fs/cgroup/unified
        [ -e $mnt/cgroup.procs ] || { echo "no cgroup2 on this host" >&2; exit 1; }
        self=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
        cg="$mnt${self%/}/tinysd-box-$NAME"
        mkdir -p "$cg"
        echo "$cg" > "$RUN/cgdir"
        setsid sh -c "echo \$\$ > '$cg/cgroup.procs'; echo \$\$ > '$RUN/unshare.pid';
                exec unshare --pid --fork --mount --uts --ipc --cgroup sh '$ME' inner '$R'" \
                > "$RUN/console.log" 2>&1 < /dev/null &
        i=0
        while [ ! -s "$RUN/unshare.pid" ] && [ $i -lt 500 ]; do i=$((i + 1)); sleep 0.01; done
        c=""
        while [ -z "$c" ] && [ $i -lt 1000 ]; do
                c=$(cat /proc/"$(cat "$RUN/unshare.pid")"/task/*/children 2>/dev/null | awk '{ print $1 }')
                i=$((i + 1))
                [ -n "$c" ] || sleep 0.01
        done
        [ -n "$c" ] || { echo "the sandbox did not start" >&2; cat "$RUN/console.log" >&2; exit 1; }
        echo "$c" > "$RUN/systemd.pid"
        echo "$c"
        ;;
exec)
        P=$(pid1)
        exec nsenter -t "$P" -m -u -i -p -C -r -w env -i container=docker PATH=$PATH_IN "$@"
        ;;
stop)
        SIG=${1:-RTMIN+3}
        TO=${2:-20}
        P=$(pid1)
        alive "$P" || { echo "not running"; exit 0; }
        kill -s "$SIG" "$P"
        i=0
        while alive "$P" && [ $i -lt $((TO * 100)) ]; do i=$((i + 1)); sleep 0.01; done
        if alive "$P"; then echo "stop($SIG): still running after ${TO}s"; exit 1; fi
        echo "stop($SIG): exited"
        ;;
cleanup)
        P=$(pid1)
        U=$(cat "$RUN/unshare.pid" 2>/dev/null || true)
        if alive "$P"; then kill -KILL "$P"; sleep 0.3; fi   # kills the whole pid namespace
        if alive "$U"; then kill -KILL "$U"; sleep 0.2; fi
        cg=$(cat "$RUN/cgdir" 2>/dev/null || true)
        [ -n "$cg" ] && [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
        true
        ;;
*)
        echo "usage: $0 start|exec|stop|cleanup NAME ..." >&2
        exit 2
        ;;
esac
