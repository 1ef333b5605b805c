#!/bin/sh
# All benchmarks that exist today. Arguments go to load.sh ([N] [RUNS]).
# The boot benchmark (bench/boot.py) needs root and bubblewrap; it says so and is skipped otherwise.
# The real-systemd reference (bench/boot-systemd.py) is not run here: it needs the debootstrap'ed
# rootfs of ../shared/tools/real-systemd and takes minutes; see bench/README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/load.sh" "$@"
if command -v bwrap >/dev/null 2>&1; then
        python3 "$here/boot.py"
else
        echo "boot benchmark skipped: bwrap not installed"
fi
