#!/bin/sh
# Run every libFuzzer target for a bounded time (seconds per target, default 30), seeded with the
# corpus unit files when ../shared is present and with tests/fuzz/seeds otherwise.
set -u
secs=${1:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
fail=0
for f in "$here"/build-fuzz/fuzz/fuzz-*; do
        [ -x "$f" ] || continue
        name=$(basename "$f")
        work=$(mktemp -d)
        seeds="$here/tests/fuzz/seeds/$name"
        [ -d "$seeds" ] && cp -r "$seeds/." "$work/" 2>/dev/null
        if [ "$name" = fuzz-unit-file ] && [ -d "$here/../shared/corpus" ]; then
                find "$here/../shared/corpus" -type f -name '*.service' | head -300 | while read -r s; do cp "$s" "$work/" 2>/dev/null; done
        fi
        echo "fuzzing $name for ${secs}s"
        if ! "$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=0 "$work" >"$work.log" 2>&1; then
                tail -40 "$work.log"; echo "FUZZ FAILURE: $name"; fail=1
        else
                grep -E '^(Done|#[0-9]+ *DONE)' "$work.log" | tail -1
        fi
        rm -rf "$work" "$work.log"
done
exit $fail
