#!/usr/bin/env bash
# bench/bigspecs.sh: casebook on the big published specs users bring (issue
# 16), against the parse floor, in one run. For each spec it prints one table
# row:
#   floor        bench/floor: read the file and decode its JSON, nothing else,
#                process start included
#   mock         `casebook mock --spec FILE --quiet`: start to its first HTTP
#                answer (GET / polled every 10 ms; any status), and its VmRSS
#                right after that answer
#   lint         `casebook lint` of one generated case against the spec (a
#                valid request to one operation; generation is not timed)
#   prism        `prism mock FILE` (5.16.0, bench/package.json): start to its
#                first answer and VmRSS, when it answers within PRISM_BOUND
# Every cell is the best of RUNS runs (prism: of the runs that answered; a
# run past the bound ends the cell). Ratios are to the floor of the same row.
#
# Usage: bench/bigspecs.sh           (from anywhere; needs go, curl; node/npm for prism)
# Knobs: RUNS=3 PRISM=1 (0: skip prism) PRISM_BOUND=60 (seconds)
#        SPECS=../shared/specs-real (folder of the three files)
#        BEFORE=<git revision>: also measure casebook built from that
#        revision (git archive), in the same runs, one row more per spec
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-3}
PRISM=${PRISM:-1}
PRISM_BOUND=${PRISM_BOUND:-60}
SPECS=$(cd "${SPECS:-$ROOT/../shared/specs-real}" && pwd)
PORT=18091
HOST=127.0.0.1

WORK=$(mktemp -d)
GROUP=""
cleanup() {
	[ -z "$GROUP" ] || kill -KILL -- "-$GROUP" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '# %s\n' "$*" >&2; }

# label|file|operation the lint case sends
ROWS_IN=(
	"Stripe 2022-04|stripe-spec3-2022-04.json|POST /v1/customers"
	"GitHub 2022-06|github-api-2022-06.json|POST /repos/{owner}/{repo}/issues"
	"Genesys 2018 swagger|genesys-cloud-2018-03-swagger.json|POST /api/v2/conversations/calls"
)

now() { echo "${EPOCHREALTIME/./}"; } # microseconds, no fork
secs() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1e6 }'; }
best() { printf '%s\n' "$@" | sort -n | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

# timed CMD...: microseconds the command took; fails when it fails.
timed() {
	local t0 t1
	t0=$(now)
	"$@" >"$WORK/out" 2>&1 || {
		log "failed: $*"
		cat "$WORK/out" >&2
		return 1
	}
	t1=$(now)
	echo $((t1 - t0))
}

# serve BOUND CMD...: starts CMD in its own process group, polls GET / until
# any HTTP answer or BOUND seconds; sets FIRST (microseconds, empty when none),
# EXITED (1 when the process ended without answering) and RSS (MB of the
# process listening), then stops the group.
serve() {
	local bound=$1 t0 code pid
	shift
	FIRST="" RSS="" EXITED=0
	t0=$(now)
	setsid "$@" >"$WORK/serve.log" 2>&1 &
	GROUP=$!
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$PORT/" || true)
		if [ "$code" != 000 ]; then
			FIRST=$(($(now) - t0))
			break
		fi
		if ! kill -0 "$GROUP" 2>/dev/null; then
			EXITED=1
			break
		fi
		if [ $(($(now) - t0)) -gt $((bound * 1000000)) ]; then
			break
		fi
		sleep 0.01
	done
	if [ -n "$FIRST" ]; then
		pid=$(ss -ltnpH "sport = :$PORT" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
		RSS=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
	fi
	kill -TERM -- "-$GROUP" 2>/dev/null || true
	wait "$GROUP" 2>/dev/null || true
	GROUP=""
}

log "building casebook and bench/floor"
go build -o "$WORK/casebook" ./cmd/casebook
go build -o "$WORK/floor" ./bench/floor
BEFORE=${BEFORE:-}
if [ -n "$BEFORE" ]; then
	log "building casebook at $BEFORE"
	mkdir "$WORK/before"
	git archive "$BEFORE" | tar -x -C "$WORK/before"
	(cd "$WORK/before" && go build -o "$WORK/casebook-before" ./cmd/casebook)
fi
if [ "$PRISM" = 1 ] && [ ! -x bench/node_modules/.bin/prism ]; then
	log "installing @stoplight/prism-cli@5.16.0 into bench/node_modules"
	(cd bench && npm ci --no-audit --no-fund >/dev/null)
fi

OUT=()
for row in "${ROWS_IN[@]}"; do
	IFS='|' read -r label file op <<<"$row"
	spec=$SPECS/$file
	[ -f "$spec" ] || { log "missing $spec"; exit 1; }
	size=$(awk -v b="$(stat -c %s "$spec")" 'BEGIN { printf "%.1f MB", b / 1e6 }')
	"$WORK/casebook" generate --spec "$spec" --operation "$op" --out "$WORK/case-$file" >/dev/null
	prism_exited=0
	floors=() mocks=() rsss=() lints=() prisms=() prss=() bmocks=() brsss=() blints=()
	for ((r = 1; r <= RUNS; r++)); do
		log "$label: run $r of $RUNS"
		floors+=("$(timed "$WORK/floor" "$spec")")
		serve 120 "$WORK/casebook" mock --spec "$spec" --addr "$HOST:$PORT" --quiet
		[ -n "$FIRST" ] || { log "casebook mock did not answer:"; cat "$WORK/serve.log" >&2; exit 1; }
		mocks+=("$FIRST") rsss+=("$RSS")
		lints+=("$(timed "$WORK/casebook" lint "$WORK/case-$file")")
		if [ -n "$BEFORE" ]; then
			serve 120 "$WORK/casebook-before" mock --spec "$spec" --addr "$HOST:$PORT" --quiet
			[ -n "$FIRST" ] || { log "casebook ($BEFORE) mock did not answer:"; cat "$WORK/serve.log" >&2; exit 1; }
			bmocks+=("$FIRST") brsss+=("$RSS")
			blints+=("$(timed "$WORK/casebook-before" lint "$WORK/case-$file")")
		fi
		if [ "$PRISM" = 1 ] && [ "${prism_done:-}" != "$file" ]; then
			serve "$PRISM_BOUND" node bench/node_modules/.bin/prism mock -h "$HOST" -p "$PORT" "$spec"
			if [ -n "$FIRST" ]; then
				prisms+=("$FIRST") prss+=("$RSS")
			else
				prism_done=$file # past the bound or exited once: no more tries
				prism_exited=$EXITED
				tail -3 "$WORK/serve.log" | sed 's/^/#   prism: /' >&2
			fi
		fi
	done
	f=$(best "${floors[@]}") m=$(best "${mocks[@]}") l=$(best "${lints[@]}")
	prism_cell="not run"
	if [ "$PRISM" = 1 ]; then
		prism_cell="no answer within ${PRISM_BOUND} s"
		[ "${prism_exited:-0}" = 0 ] || prism_cell="exited without answering"
		if [ ${#prisms[@]} -gt 0 ]; then
			prism_cell="$(secs "$(best "${prisms[@]}")") s, $(best "${prss[@]}") MB"
		fi
	fi
	OUT+=("| $label | $size | $(secs "$f") s | $(secs "$m") s | $(ratio "$m" "$f") | $(best "${rsss[@]}") MB | $(secs "$l") s | $(ratio "$l" "$f") | $prism_cell |")
	if [ -n "$BEFORE" ]; then
		bm=$(best "${bmocks[@]}") bl=$(best "${blints[@]}")
		OUT+=("| $label, casebook at $BEFORE | $size | $(secs "$f") s | $(secs "$bm") s | $(ratio "$bm" "$f") | $(best "${brsss[@]}") MB | $(secs "$bl") s | $(ratio "$bl" "$f") | |")
	fi
done

echo
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(date -u '+%Y-%m-%d %H:%M UTC'), best of $RUNS"
echo
echo "| spec | size | floor | casebook mock, first answer | ratio | RSS after it | casebook lint, one case | ratio | prism 5.16.0 first answer, RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${OUT[@]}"
