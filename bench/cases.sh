#!/usr/bin/env bash
# bench/cases.sh: wall time of `casebook run` and `casebook lint` on N cases
# (default 1,000), the built binary from a cold process, spec loads included.
# The cases are the shipped ones copied under distinct names into a temp
# dir (as runner's BenchmarkRun1000Cases does), with a casebook.yaml that
# maps them to the shipped specs. Each command runs RUNS times (default 5).
#
# Usage: bench/cases.sh            Knobs: N=1000 RUNS=5
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-1000}
RUNS=${RUNS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/casebook" ./cmd/casebook

mkdir -p "$WORK/cases/personal-connection" "$WORK/cases/genesys-cloud"
cat >"$WORK/casebook.yaml" <<EOF
suites:
  - {cases: cases/personal-connection, spec: $ROOT/specs/personal-connection.yaml}
  - {cases: cases/genesys-cloud, spec: $ROOT/specs/genesys-cloud/openapi.yaml}
EOF
mapfile -t SRCS < <(ls cases/personal-connection/*.yaml cases/genesys-cloud/*.yaml)
for ((i = 0; i < N; i++)); do
	src=${SRCS[i % ${#SRCS[@]}]}
	copy=$(printf '%04d' $((i / ${#SRCS[@]})))
	sed -E "s/^(name|fixedBy): *([^ ]+)/\1: \2-$copy/" "$src" \
		>"$WORK/$(dirname "$src")/$copy-$(basename "$src")"
done

TIMEFORMAT=%R
timeit() { # label cmd...: best and median wall seconds of RUNS runs
	local label=$1 times=()
	shift
	"$@" >"$WORK/out.txt" 2>&1 || {
		cat "$WORK/out.txt" >&2
		return 1
	}
	for ((r = 0; r < RUNS; r++)); do
		{ time "$@" >/dev/null 2>&1; } 2>"$WORK/time"
		times+=("$(cat "$WORK/time")")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" -v n="$N" \
		'{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%-32s best %.2f s, median %.2f s (%.0f cases/s at the median)\n", l, a[1], m, n / m }'
}

echo "$N cases, $RUNS runs each, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
timeit "casebook run (built-in mock)" "$WORK/casebook" run --config "$WORK/casebook.yaml"
tail -1 "$WORK/out.txt"
timeit "casebook lint" "$WORK/casebook" lint --config "$WORK/casebook.yaml"
tail -1 "$WORK/out.txt"
