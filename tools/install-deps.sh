#!/bin/sh
# Install what building and testing tinysd needs, from Debian's archive. Idempotent: does nothing
# when everything is present. As non-root, prints the exact command instead.
set -eu
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# systemd: Debian's systemctl, journalctl, systemd-cat and systemd-analyze are reference clients in the
# tests; debootstrap builds the end-to-end image; init-system-helpers has deb-systemd-invoke.
for p in make gcc clang libclang-rt-14-dev musl-tools libcmocka-dev python3 python3-pytest file util-linux bubblewrap procps \
         systemd debootstrap init-system-helpers; do
        have_pkg "$p" || need="$need $p"
done
[ -z "$need" ] && exit 0
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
