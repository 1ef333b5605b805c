#!/bin/sh
# Run every cmocka test binary of a build directory; fail if any fails.
set -u
dir=${1:-build}
fail=0; n=0
for t in "$dir"/tests/test-*; do
        [ -x "$t" ] || continue
        n=$((n + 1))
        if ! "$t"; then echo "FAILED: $t"; fail=$((fail + 1)); fi
done
echo "unit tests ($dir): $((n - fail)) passed, $fail failed"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
