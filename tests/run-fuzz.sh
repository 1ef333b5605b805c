#!/bin/sh
# Run every libFuzzer target (build-fuzz/fuzz/fuzz-*), two at a time, seeded with
# tests/fuzz/seeds/NAME (and the corpus unit files when ../shared is present).
#   sh tests/run-fuzz.sh [SECONDS_PER_TARGET]
# Without an argument the targets share FUZZ_BUDGET seconds of wall time (default 300, the CI
# budget on 2 cores). Every input (up to 64 KiB) must finish within FUZZ_TIMEOUT seconds (-timeout,
# default 5: the slowest parse of a 64 KiB input takes about 1 s in these ASan+UBSan builds) and
# FUZZ_RSS_MB of memory (-rss_limit_mb, default 2048): a runaway input fails the run as a crash
# does. (Linear time itself is checked by tests/unit/test-linear.c, with CPU-time bounds.)
# On a failure the reproducer is kept in build-fuzz/artifacts/ and printed (base64); replay it with
# `build-fuzz/fuzz/NAME FILE`.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
budget=${FUZZ_BUDGET:-300}
timeout=${FUZZ_TIMEOUT:-5}
rss=${FUZZ_RSS_MB:-2048}
jobs=2
art="$here/build-fuzz/artifacts"
mkdir -p "$art"
targets=$(ls "$here"/build-fuzz/fuzz/fuzz-* 2>/dev/null)
n=$(echo "$targets" | grep -c .)
[ "$n" -gt 0 ] || { echo "no fuzz targets in build-fuzz/fuzz (make fuzz)"; exit 1; }
secs=${1:-$((budget * jobs / n))}
[ "$secs" -ge 1 ] || secs=1
echo "fuzzing $n targets for ${secs}s each, $jobs at a time, -timeout=${timeout} -rss_limit_mb=${rss}"

# run NAME: fuzz one target into $work/NAME.log; its exit status in $work/NAME.rc
run() {
        f=$1
        name=$(basename "$f")
        corpus="$work/$name"
        mkdir -p "$corpus"
        seeds="$here/tests/fuzz/seeds/$name"
        [ -d "$seeds" ] && cp -r "$seeds/." "$corpus/" 2>/dev/null
        if [ "$name" = fuzz-unit-file ] && [ -d "$here/../shared/corpus" ]; then
                find "$here/../shared/corpus" -type f -name '*.service' | head -300 | while read -r s; do cp "$s" "$corpus/" 2>/dev/null; done
        fi
        "$f" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb="$rss" -max_len=65536 \
             -artifact_prefix="$art/$name-" -print_final_stats=0 "$corpus" >"$work/$name.log" 2>&1
        echo $? >"$work/$name.rc"
}

# report NAME: the result of a finished run; 1 if it failed
report() {
        name=$(basename "$1")
        rc=$(cat "$work/$name.rc" 2>/dev/null || echo 1)
        if [ "$rc" = 0 ]; then
                echo "$name: $(grep -E '^(Done|#[0-9]+ *DONE)' "$work/$name.log" | tail -1)"
                return 0
        fi
        tail -40 "$work/$name.log"
        echo "FUZZ FAILURE: $name (exit status $rc)"
        for a in "$art/$name"-*; do
                [ -f "$a" ] || continue
                echo "reproducer: $a ($(stat -c %s "$a") bytes), replay: build-fuzz/fuzz/$name $a"
                head -c 65536 "$a" | base64
        done
        return 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
set -- $targets
while [ $# -gt 0 ]; do
        batch=""
        i=0
        while [ $i -lt $jobs ] && [ $# -gt 0 ]; do
                run "$1" &
                batch="$batch $1"
                shift
                i=$((i + 1))
        done
        wait
        for t in $batch; do report "$t" || fail=1; done
done
exit $fail
