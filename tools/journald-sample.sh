#!/bin/sh
# SPDX-License-Identifier: MIT
# Write a journal with the real systemd-journald (Debian 12's, systemd 252) for the comparison
# tests: journald runs alone in namespaces of its own (a private /run, so it binds its own
# /run/systemd/journal sockets and the host's journald is never touched; a private /var/log/journal
# bound to OUT), gets lines through every door -- syslog (logger), stdout streams (systemd-cat), the
# native protocol (multi-line, binary and repeated fields) -- and is stopped with SIGTERM, so its
# file ends OFFLINE. Result: OUT/<machine-id>/system.journal.
#
# Usage: tools/journald-sample.sh OUT      (root; exit 77 when this machine cannot do it)
set -eu
out=$1
JD=/lib/systemd/systemd-journald
[ "$(id -u)" = 0 ] || { echo "journald-sample: needs root" >&2; exit 77; }
[ -x "$JD" ] || { echo "journald-sample: no $JD" >&2; exit 77; }
for t in unshare logger systemd-cat python3; do
        command -v $t > /dev/null || { echo "journald-sample: no $t" >&2; exit 77; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/journald.conf" <<'EOF'
[Journal]
Storage=persistent
RateLimitBurst=0
ReadKMsg=no
Audit=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
MaxLevelStore=debug
EOF
cat > "$tmp/native.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
def field(k, v):
    if b"\n" in v or b"\0" in v:
        return k + b"\n" + len(v).to_bytes(8, "little") + v + b"\n"
    return k + b"=" + v + b"\n"
for i in range(int(sys.argv[1])):
    msg = (field(b"MESSAGE", b"native %d\nsecond line" % i) + field(b"PRIORITY", b"%d" % (i % 8)) +
           field(b"SYSLOG_IDENTIFIER", b"nativeapp") + field(b"BLOB", b"bin\0ary\xff%d" % (i % 3)) +
           field(b"TAG", b"a") + field(b"TAG", b"b") + field(b"CODE_LINE", b"%d" % i))
    s.sendto(msg, "/run/systemd/journal/socket")
EOF
# inside: PID 1 of a new pid namespace, with private mounts
cat > "$tmp/inner.sh" <<'EOF'
set -eu
tmp=$1 out=$2 JD=$3
mount -t proc proc /proc
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/journal /run/log
mount -t tmpfs tmpfs /var/log
mkdir -p /var/log/journal
mount --bind "$out" /var/log/journal
mount --bind "$tmp/journald.conf" /etc/systemd/journald.conf
[ -d /etc/systemd/journald.conf.d ] && mount -t tmpfs tmpfs /etc/systemd/journald.conf.d
[ -d /usr/lib/systemd/journald.conf.d ] && mount -t tmpfs tmpfs /usr/lib/systemd/journald.conf.d
# what systemd-journal-flush.service leaves behind: journald writes to /var/log/journal at once
touch /run/systemd/journal/flushed
SYSTEMD_LOG_LEVEL=warning $JD > "$tmp/journald.log" 2>&1 &
jd=$!
i=0
while [ ! -S /run/systemd/journal/socket ] || [ ! -S /run/systemd/journal/stdout ] || [ ! -S /run/systemd/journal/dev-log ]; do
        i=$((i + 1)); [ $i -lt 500 ] || { echo "journald did not start" >&2; cat "$tmp/journald.log" >&2; exit 1; }
        sleep 0.01
done
n=0
while [ $n -lt 40 ]; do
        logger -u /run/systemd/journal/dev-log -t webapp -p "user.$(echo info notice warning err | cut -d' ' -f$((n % 4 + 1)))" "web request $n"
        echo "db query $n took $((n * 7)) ms" | systemd-cat -t dbapp -p $((n % 8))
        n=$((n + 1))
done
printf 'line one\nline two\n\ttabbed\n' | systemd-cat -t multiline
python3 "$tmp/native.py" 25
logger -u /run/systemd/journal/dev-log -t webapp -p user.crit "a critical one"
sleep 0.3
kill -TERM $jd
wait $jd || true
EOF
rm -rf "$out"/*
unshare --mount --pid --fork --propagation private /bin/sh "$tmp/inner.sh" "$tmp" "$out" "$JD"
ls "$out"/*/system.journal > /dev/null
