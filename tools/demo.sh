#!/bin/sh
# `make demo`: what tinysd does today, on the bundled example units in examples/units/.
# Today tinysd loads unit files exactly as systemd does; booting them as PID 1 comes with the
# manager (see the README's status table), and this demo grows with it.
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
