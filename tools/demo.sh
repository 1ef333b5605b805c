#!/bin/sh
# `make demo`: what tinysd does today, on the bundled example units in examples/units/.
# It checks the example units, boots them with tinysd as PID 1 of a simulated container, uses
# systemctl and journalctl inside it the way `docker exec` would, and stops it like `docker stop`.
# Needs root and util-linux (unshare, setpriv, nsenter: on every Debian), nothing else.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/tinysd
units=$here/examples/units
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "tinysd verify $units/*.service   (diagnostics as systemd gives them; exit 1 on a load failure)"
"$bin" verify --no-exec-check "$units"/*.service && echo "all example units load"

step "SYSTEMD_UNIT_PATH=$units tinysd dump -p Type,ExecStart,Environment,Restart,RestartUSec,After,Wants demo-web.service"
SYSTEMD_UNIT_PATH=$units "$bin" dump -p Type,ExecStart,Environment,Restart,RestartUSec,After,Wants demo-web.service

step "a broken unit: errors name file:line and directive, the unit is refused only where systemd refuses it"
tmp=$(mktemp -d)
bw=
# on any exit: no container left behind (unshare --kill-child takes the whole PID namespace)
trap 'if [ -n "$bw" ]; then kill "$bw" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
cat > "$tmp/broken.service" <<'UNIT'
[Unit]
Descripton=typo in a key
After=not a/valid name

[Service]
Type=bogus
Restart=sometimes
TimeoutStopSec=ten seconds
ExecStart=/bin/true
UNIT
"$bin" verify --no-exec-check "$tmp/broken.service" || true
cat > "$tmp/two.service" <<'UNIT'
[Service]
ExecStart=/bin/true
ExecStart=/bin/false
UNIT
"$bin" verify --no-exec-check "$tmp/two.service" && echo "unexpected: loaded" || echo "exit $? — refused, as systemd refuses it"

step "boot tinysd as PID 1 of a simulated container (util-linux unshare: new PID, mount, UTS and IPC namespaces; Docker's default capabilities, no CAP_SYS_ADMIN; read-only root, tmpfs on /run and /tmp)"
[ "$(id -u)" = 0 ] || { echo "the container part needs root (namespaces): sudo make demo"; exit 1; }
for t in unshare setpriv nsenter; do
        command -v "$t" >/dev/null || { echo "$t missing: it comes with util-linux (apt-get install util-linux)"; exit 1; }
done
mkdir -p "$tmp/units/multi-user.target.wants"
for u in "$units"/*.service; do
        cp "$u" "$tmp/units/"
        ln -s "/etc/systemd/system/$(basename "$u")" "$tmp/units/multi-user.target.wants/"
done
caps="-all"
for c in chown dac_override fsetid fowner mknod net_raw setgid setuid setfcap setpcap net_bind_service sys_chroot kill audit_write; do
        caps="$caps,+$c"
done
# Inside the new namespaces (this shell is PID 1 there until it execs tinysd in its place): the
# host's root read-only, private /run and /tmp, the example units as /etc/systemd/system, the
# host's own units, generators and tmpfiles.d hidden, tinysd copied to /opt/tinysd.
cat > "$tmp/enter.sh" <<'ENTER'
set -eu
# first what comes from this checkout and $tmp (under /tmp, which is replaced below)
unitdir=/etc/systemd/system
[ -d "$unitdir" ] || unitdir=/run/demo-units
[ "$unitdir" = /etc/systemd/system ] && mount --bind "$DEMO_UNITS" "$unitdir"
mount -t tmpfs -o mode=0755 tmpfs /opt
cp "$DEMO_BIN" /opt/tinysd
ln -s tinysd /opt/systemctl     # `docker exec C systemctl`: the same binary under its other names
ln -s tinysd /opt/journalctl
[ "$unitdir" = /etc/systemd/system ] || cp -r "$DEMO_UNITS" /opt/units
mount -o remount,bind,ro /
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
[ "$unitdir" = /etc/systemd/system ] || { mkdir /run/demo-units && cp -a /opt/units/. /run/demo-units/; }
for d in /usr/lib/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system-generators /usr/lib/tmpfiles.d /etc/tmpfiles.d; do
        [ -d "$d" ] && mount -t tmpfs -o ro,mode=0755 tmpfs "$d"
done
hostname demo
exec setpriv --inh-caps=-all --ambient-caps=-all --bounding-set="$DEMO_CAPS" -- \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_UNIT_PATH="$unitdir" \
        DEMO_FROM_DOCKER_RUN_E=yes /opt/tinysd
ENTER
DEMO_UNITS="$tmp/units" DEMO_BIN="$bin" DEMO_CAPS="$caps" \
        unshare --pid --fork --kill-child --mount --propagation private --uts --ipc --mount-proc sh "$tmp/enter.sh" &
bw=$!
sleep 3
step "from outside: the web server answers, the one-shot wrote its file"
get() {   # python3 where there is one, else perl (always on Debian)
        if command -v python3 >/dev/null; then
                python3 -c 'import urllib.request; print("GET / ->", urllib.request.urlopen("http://127.0.0.1:8080/index.html", timeout=3).read().decode().strip())'
        else
                perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new("127.0.0.1:8080") or exit 1; print $s "GET /index.html HTTP/1.0\r\n\r\n"; @l = <$s>; print "GET / -> $l[-1]"'
        fi
}
get || echo "(web server not reachable: is port 8080 taken on this host, or python3 missing for demo-web.service?)"
pid1=$(cat "/proc/$bw/task/$bw/children")   # unshare's child: PID 1 inside (no procps needed)
pid1=${pid1%% *}
inside() { nsenter --target "$pid1" --mount --pid --uts --ipc --root --wd=/ -- "$@"; }
step "docker exec: systemctl status demo-web.service   (tinysd's systemctl over the D-Bus API on /run/systemd/private)"
inside /opt/systemctl --no-pager status demo-web.service || true
step "docker exec: systemctl list-units --type=service"
inside /opt/systemctl --no-pager list-units --type=service || true
step "docker exec: journalctl -u demo-crashloop.service -n 6   (the journal PID 1 keeps)"
inside /opt/journalctl --no-pager -u demo-crashloop.service -n 6 || true
step "docker exec: systemctl restart demo-web.service; the main PID changes"
inside /opt/systemctl show -p MainPID demo-web.service
inside /opt/systemctl restart demo-web.service
inside /opt/systemctl show -p MainPID demo-web.service
step "docker stop: SIGTERM to PID 1 (host pid $pid1) — every unit stops in reverse order, exit status 0"
kill -TERM "$pid1"
rc=0
wait "$bw" || rc=$?
echo "container exited with status $rc"
