#!/bin/sh
# Loader benchmark: load N (default 10,000) generated units — drop-ins, a prefix drop-in, a
# type-wide drop-in, template instances — with `tinysd verify --root`, RUNS (default 11) times:
# median wall time and peak RSS of the whole process. Usage: bench/load.sh [N] [RUNS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${TINYSD:-$here/build/tinysd}
n=${1:-10000}; runs=${2:-11}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$here/bench/gen-units.py" "$tmp" "$n" >/dev/null
"$bin" verify --no-exec-check --root="$tmp" >/dev/null 2>&1 || true  # warm the page cache
printf 'load %s units (tinysd verify --root): ' "$n"
python3 "$here/bench/measure.py" "$runs" "$bin" verify --no-exec-check --root="$tmp"
