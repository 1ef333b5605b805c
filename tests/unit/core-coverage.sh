#!/bin/sh
# Lines of the core state machines that the in-process tests (tests/unit/test-core-*.c) execute:
# a --coverage build in build-cov/ (gcc and gcov only), the tests, gcov. `make coverage-core`.
# The files: the unit types (service, socket, timer, path; mount and target, whose vtables are
# data and a few small functions), the jobs, the units' common part (munit), their processes
# (kill) and the manager. CORE_FILES="service job" picks others.
set -eu
cd "$(dirname "$0")/../.."
make -s -j2 BUILD=build-cov OPT="-O0 -g --coverage" LDFLAGS="--coverage" unit-tests >/dev/null
find build-cov -name '*.gcda' -delete
for t in build-cov/tests/test-core-*; do
        case $t in *.d|*.gcno|*.gcda) continue ;; esac
        "$t" >/dev/null 2>&1 || { echo "FAILED: $t"; exit 1; }
done
cd build-cov/obj/src/core
for f in ${CORE_FILES:-service socket timer path mount target job munit kill manager}; do
        gcov -n "$f.c" -o . 2>/dev/null | grep -A1 "^File 'src/core/$f.c'" | tail -1 |
                sed 's/Lines executed:\([0-9.]*\)% of \([0-9]*\)/\1 \2/' | { read -r pct n; echo "$f.c $pct $n"; }
done | awk '{ printf "%-10s %6.2f%% of %4d lines\n", $1, $2, $3; e += $2 * $3 / 100; t += $3 }
            END { printf "total      %6.2f%% (%d of %d lines)\n", 100 * e / t, e + 0.5, t }'
