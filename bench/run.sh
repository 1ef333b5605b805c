#!/bin/sh
# All benchmarks that exist today.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/load.sh" "$@"
