#!/bin/sh
# `make demo`: what tinysd does today, on the bundled example units in examples/units/.
# It checks the example units, boots them with tinysd as PID 1 of a simulated container, uses
# systemctl and journalctl inside it the way `docker exec` would, and stops it like `docker stop`.
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
trap 'rm -rf "$tmp"' EXIT
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

step "boot tinysd as PID 1 of a simulated container (bwrap: new PID namespace, Docker's default capabilities, no CAP_SYS_ADMIN, read-only root, plain writable /run and /tmp)"
command -v bwrap >/dev/null || { echo "bwrap missing: run 'make deps' (package bubblewrap)"; exit 1; }
mkdir -p "$tmp/units/multi-user.target.wants" "$tmp/run" "$tmp/tmp" "$tmp/var"
for u in "$units"/*.service; do
        cp "$u" "$tmp/units/"
        ln -s "/etc/systemd/system/$(basename "$u")" "$tmp/units/multi-user.target.wants/"
done
caps=""
for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE; do
        caps="$caps --cap-add CAP_$c"
done
# shellcheck disable=SC2086
bwrap --ro-bind / / --dev /dev --proc /proc --bind "$tmp/run" /run --bind "$tmp/tmp" /tmp \
      --bind "$tmp/units" /etc/systemd/system --tmpfs /opt --ro-bind "$bin" /opt/tinysd \
      --unshare-pid --unshare-ipc --unshare-uts --hostname demo --as-pid-1 --die-with-parent \
      --cap-drop ALL $caps --clearenv --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --setenv SYSTEMD_UNIT_PATH /etc/systemd/system --setenv DEMO_FROM_DOCKER_RUN_E yes \
      /opt/tinysd &
bw=$!
sleep 3
step "from outside: the web server answers, the one-shot wrote its file"
python3 -c 'import urllib.request; print("GET / ->", urllib.request.urlopen("http://127.0.0.1:8080/index.html", timeout=3).read().decode().strip())' || echo "(web server not reachable: is port 8080 taken on this host?)"
pid1=$(pgrep -f '^/opt/tinysd$' | head -1)
# `docker exec CONTAINER systemctl ...`: the same binary under its other names, inside the container
ln -sf /opt/tinysd "$tmp/run/systemctl"
ln -sf /opt/tinysd "$tmp/run/journalctl"
inside() { nsenter --target "$pid1" --mount --pid --uts --ipc --root --wd=/ -- "$@"; }
step "docker exec: systemctl status demo-web.service   (tinysd's systemctl over the D-Bus API on /run/systemd/private)"
inside /run/systemctl --no-pager status demo-web.service || true
step "docker exec: systemctl list-units --type=service"
inside /run/systemctl --no-pager list-units --type=service || true
step "docker exec: journalctl -u demo-crashloop.service -n 6   (the journal PID 1 keeps)"
inside /run/journalctl --no-pager -u demo-crashloop.service -n 6 || true
step "docker exec: systemctl restart demo-web.service; the main PID changes"
inside /run/systemctl show -p MainPID demo-web.service
inside /run/systemctl restart demo-web.service
inside /run/systemctl show -p MainPID demo-web.service
step "docker stop: SIGTERM to PID 1 (host pid $pid1) — every unit stops in reverse order, exit status 0"
kill -TERM "$pid1"
rc=0
wait "$bw" || rc=$?
echo "container exited with status $rc"
