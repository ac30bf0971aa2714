#!/usr/bin/env bash
# handoff vs Hugo (and Zola) on the same generated corpus (SPEC §12, issues 7, 22).
#
#   bench/compare.sh [--shape default|wide] N [RUNS]     (default RUNS=5)
#
# The shape is bench/gen-corpus.py's (`wide`: longer checklists three levels
# of `extends` deep, 4-20 reasons per service line, bodies of 200-3,000 words,
# physicians and locations in proportion).
#
# Environment:
#   BENCH_OUT=DIR   where both tools write their output (default: a folder in
#                   /dev/shm when it is a tmpfs, else target/bench/N/).
#                   On ext4, a run right after `rm -rf` of tens of thousands
#                   of files spends seconds in the kernel skipping recently
#                   deleted inodes (seen: handoff's system time 1.6 s on the
#                   first run, 10-14 s on the next ones, Hugo's likewise), so
#                   the disk's history would be measured, not the generators.
#                   Set BENCH_OUT=target/bench/out to measure on disk anyway.
#   BENCH_HUGO=0    handoff only (the 50,000-page scaling run).
#   BENCH_ZOLA=PATH also build the corpus's Zola site with the `zola` binary
#                   at PATH (built from source: Debian has none), alternating
#                   with the others.
#
# Installs Debian's `hugo` and `time` when missing, builds handoff in release
# mode, generates N pages into target/bench/N/ (bench/gen-corpus.py), then
# alternates handoff and Hugo builds RUNS times each and prints the medians of
# wall time, CPU time (user+sys) and peak RSS, the ratio handoff/Hugo, and the
# median time of `handoff check`. Every build starts from an empty output
# folder (removed outside the timing).
set -euo pipefail

SHAPE=default
if [ "${1:-}" = --shape ]; then SHAPE=${2:?usage: bench/compare.sh [--shape default|wide] N [RUNS]}; shift 2; fi
N=${1:?usage: bench/compare.sh [--shape default|wide] N [RUNS]}
RUNS=${2:-5}
case "$N$RUNS" in *[!0-9]*) echo "usage: bench/compare.sh [--shape default|wide] N [RUNS]  (integers)" >&2; exit 2 ;; esac
case "$SHAPE" in default|wide) ;; *) echo "unknown shape $SHAPE (default, wide)" >&2; exit 2 ;; esac
ZOLA=${BENCH_ZOLA:-}
if [ -n "$ZOLA" ] && [ ! -x "$ZOLA" ]; then echo "BENCH_ZOLA=$ZOLA is not an executable" >&2; exit 2; fi

cd "$(dirname "$0")/.."
REPO=$PWD

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need_pkgs=()
command -v hugo >/dev/null 2>&1 || need_pkgs+=(hugo)
[ -x /usr/bin/time ] || need_pkgs+=(time)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "installing ${need_pkgs[*]} (apt-get)…" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

echo "building handoff (cargo build --release)…" >&2
cargo build --release --quiet
HANDOFF=$REPO/target/release/handoff

if [ "$SHAPE" = default ]; then BENCH_DIR=$REPO/target/bench/$N; else BENCH_DIR=$REPO/target/bench/$SHAPE-$N; fi
mkdir -p "$BENCH_DIR"
python3 bench/gen-corpus.py --shape "$SHAPE" "$N" "$BENCH_DIR"
H_SITE=$BENCH_DIR/handoff
G_SITE=$BENCH_DIR/hugo
Z_SITE=$BENCH_DIR/zola
if [ -n "${BENCH_OUT:-}" ]; then
    OUT_DIR=$BENCH_OUT
elif [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
    OUT_DIR=/dev/shm/handoff-bench-$SHAPE-$N
else
    OUT_DIR=$BENCH_DIR
fi
mkdir -p "$OUT_DIR"
OUT_FS=$(stat -f -c %T "$OUT_DIR")
WITH_HUGO=${BENCH_HUGO:-1}
H_OUT=$OUT_DIR/out-handoff
G_OUT=$OUT_DIR/out-hugo
Z_OUT=$OUT_DIR/out-zola
LOG=$BENCH_DIR/runs.tsv
: >"$LOG"

# run LABEL CMD… : times CMD with /usr/bin/time, appends "LABEL wall user sys maxrss_kb" to $LOG.
run() {
    local label=$1; shift
    local tf; tf=$(mktemp)
    if ! /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" >"$BENCH_DIR/last.out" 2>"$BENCH_DIR/last.err"; then
        echo "FAILED: $*" >&2
        tail -n 30 "$BENCH_DIR/last.out" "$BENCH_DIR/last.err" >&2
        exit 1
    fi
    echo "$label $(tail -n 1 "$tf")" >>"$LOG"
    rm -f "$tf"
}

# Warm-up (page cache, Hugo's resource cache) and sanity: both must succeed.
rm -rf "$H_OUT" "$G_OUT" "$Z_OUT"
run warm-handoff "$HANDOFF" --root "$H_SITE" build --quiet --output "$H_OUT"
[ "$WITH_HUGO" = 0 ] || run warm-hugo hugo --quiet -s "$G_SITE" -d "$G_OUT"
[ -z "$ZOLA" ] || run warm-zola "$ZOLA" --root "$Z_SITE" build --output-dir "$Z_OUT"
# output OUT: "HTML files, bytes, largest HTML file (bytes and path)"
output() {
    [ -d "$1" ] || { echo "-"; return; }
    local largest
    largest=$(find "$1" -name '*.html' -printf '%s %P\n' | sort -n | tail -n 1)
    echo "$(find "$1" -name '*.html' | wc -l) HTML files, $(du -sb "$1" | cut -f1) bytes, largest page ${largest% *} bytes (${largest#* })"
}
h_out=$(output "$H_OUT"); g_out=$(output "$G_OUT"); z_out=$(output "$Z_OUT")

for ((i = 1; i <= RUNS; i++)); do
    echo "run $i/$RUNS…" >&2
    rm -rf "$H_OUT"; sync
    run handoff "$HANDOFF" --root "$H_SITE" build --quiet --output "$H_OUT"
    if [ "$WITH_HUGO" != 0 ]; then
        rm -rf "$G_OUT"; sync
        run hugo hugo --quiet -s "$G_SITE" -d "$G_OUT"
    fi
    if [ -n "$ZOLA" ]; then
        rm -rf "$Z_OUT"; sync
        run zola "$ZOLA" --root "$Z_SITE" build --output-dir "$Z_OUT"
    fi
    run check "$HANDOFF" --root "$H_SITE" check --quiet
done

mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo "machine: $(nproc) cores, ${model:-unknown CPU}, $((mem_kb / 1024)) MiB RAM, $(uname -sr)"
echo "handoff: $("$HANDOFF" --version 2>/dev/null || git -C "$REPO" rev-parse --short HEAD)   hugo: $(hugo version | awk '{print $2}')${ZOLA:+   zola: $("$ZOLA" --version)}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $SHAPE shape, N=$N content pages ($(find "$H_SITE/content" -name '*.md' | wc -l) .md files, $(du -sb "$H_SITE/content" | cut -f1) bytes) in $BENCH_DIR"
echo "output, written to $OUT_DIR ($OUT_FS):"
echo "  handoff: $h_out"
[ "$WITH_HUGO" = 0 ] || echo "  hugo:    $g_out"
[ -z "$ZOLA" ] || echo "  zola:    $z_out"
echo "runs: $RUNS each, alternating; medians below (raw runs in $LOG)"
echo
awk -v runs="$RUNS" '
function median(arr, n,    i, j, t) {
    for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
    return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
$1 == "handoff" || $1 == "hugo" || $1 == "zola" || $1 == "check" {
    k = $1; c[k]++
    W[k, c[k]] = $2; C[k, c[k]] = $3 + $4; M[k, c[k]] = $5
}
END {
    split("handoff hugo zola check", ks, " ")
    for (x = 1; x <= 4; x++) {
        k = ks[x]; n = c[k]
        if (n == 0) continue
        for (i = 1; i <= n; i++) { w[i] = W[k, i]; cc[i] = C[k, i]; m[i] = M[k, i] }
        mw[k] = median(w, n); mc[k] = median(cc, n); mm[k] = median(m, n)
    }
    printf "%-22s %10s %10s %12s\n", "", "wall (s)", "CPU (s)", "peak RSS (MB)"
    printf "%-22s %10.2f %10.2f %12.1f\n", "handoff build", mw["handoff"], mc["handoff"], mm["handoff"] / 1024
    if (c["hugo"] > 0) {
        printf "%-22s %10.2f %10.2f %12.1f\n", "hugo build", mw["hugo"], mc["hugo"], mm["hugo"] / 1024
        printf "%-22s %10.3f %10.3f %12.3f\n", "ratio handoff/hugo", mw["handoff"] / mw["hugo"], mc["handoff"] / mc["hugo"], mm["handoff"] / mm["hugo"]
    }
    if (c["zola"] > 0) {
        printf "%-22s %10.2f %10.2f %12.1f\n", "zola build", mw["zola"], mc["zola"], mm["zola"] / 1024
        printf "%-22s %10.3f %10.3f %12.3f\n", "ratio handoff/zola", mw["handoff"] / mw["zola"], mc["handoff"] / mc["zola"], mm["handoff"] / mm["zola"]
    }
    printf "%-22s %10.2f %10.2f %12.1f\n", "handoff check", mw["check"], mc["check"], mm["check"] / 1024
    printf "%-22s %10.3f\n", "check/build (wall)", mw["check"] / mw["handoff"]
}' "$LOG"
# The outputs in /dev/shm hold memory; they are not kept.
if [ "$OUT_DIR" = "/dev/shm/handoff-bench-$SHAPE-$N" ]; then rm -rf "$OUT_DIR"; fi
