#!/usr/bin/env bash
# bench/compare.sh: casebook mock, Stoplight Prism and a bare net/http handler
# on the same spec and the same POST, one after the other in one run, each
# driven by wrk on loopback. Prints one table row per server:
#   requests/second, p99 latency, resident memory after load (VmRSS of the
#   process that listens) and the time from start to its first answer.
#
# Usage: bench/compare.sh            (from anywhere; needs go, node/npm, curl)
# Knobs: DURATION=10s WARMUP=3s THREADS=2 CONNS=32 SWAGGER=path/to/swagger.json
#        ONLY=pc|genesys (one spec only)  ROUNDS=1 (rounds of every server, in
#        turn; on a shared machine the median of 3 says more than one)
#        PRISM=0 (casebook and the bare handler only: no npm, no Prism rows,
#        "-" for the ratios to Prism)
#
# Each mock runs twice: logging every request to a file (casebook mock --log
# FILE, prism's default level) and without a request log (casebook mock
# --quiet, its default but for the closing summary; prism -v warn):
# per-request log lines on a terminal would measure the terminal, not the mock.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
SWAGGER=${SWAGGER:-$ROOT/../shared/specs-real/genesys-cloud-2018-03-swagger.json}
ONLY=${ONLY:-}
ROUNDS=${ROUNDS:-1}
PRISM=${PRISM:-1}
PORT_CASEBOOK=18081
PORT_PRISM=18082
PORT_BARE=18083
HOST=127.0.0.1

WORK=$(mktemp -d)
GROUPS_STARTED=()

cleanup() {
	local g
	for g in "${GROUPS_STARTED[@]}"; do
		kill -TERM -- "-$g" 2>/dev/null || true
	done
	sleep 0.3
	for g in "${GROUPS_STARTED[@]}"; do
		kill -KILL -- "-$g" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '# %s\n' "$*" >&2; }

install_tools() {
	if ! command -v wrk >/dev/null; then
		log "installing wrk (Debian)"
		local sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null
	fi
	if [ "$PRISM" != 0 ] && [ ! -x bench/node_modules/.bin/prism ]; then
		log "installing @stoplight/prism-cli@5.16.0 into bench/node_modules"
		(cd bench && npm ci --no-audit --no-fund >/dev/null)
	fi
	log "building casebook and bench/bare"
	go build -o "$WORK/casebook" ./cmd/casebook
	go build -o "$WORK/bare" ./bench/bare
}

now_ns() { date +%s%N; }

# start NAME CMD...: starts CMD in its own process group (so the trap can
# stop npx and the node it spawns) and records its start time.
start() {
	local name=$1
	shift
	STARTED_NS=$(now_ns)
	setsid "$@" >"$WORK/${name//[^A-Za-z0-9]/_}.log" 2>&1 &
	SERVER_GROUP=$!
	GROUPS_STARTED+=("$SERVER_GROUP")
}

stop() {
	kill -TERM -- "-$SERVER_GROUP" 2>/dev/null || true
	local tries
	for ((tries = 0; tries < 50; tries++)); do
		kill -0 -- "-$SERVER_GROUP" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL -- "-$SERVER_GROUP" 2>/dev/null || true
}

# first_answer URL: polls with the benchmark's POST (no token) until the
# server answers 2xx or 4xx; prints seconds since start.
first_answer() {
	local url=$1 body=$2 code deadline
	deadline=$(($(date +%s) + 180))
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST \
			-H 'Content-Type: application/json' --data-binary "@$body" "$url" || true)
		case $code in 2?? | 4??) break ;; esac
		if [ "$(date +%s)" -gt "$deadline" ]; then
			log "no answer from $url within 180 s"
			return 1
		fi
		sleep 0.01
	done
	awk -v a="$STARTED_NS" -v b="$(now_ns)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

# listener_pid PORT: the process that accepted the connections (for npx,
# the node process running prism, not the npm wrapper).
listener_pid() {
	ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}

rss_mb() {
	awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# check URL BODY TOKEN WANT: the request the benchmark sends must get the
# status WANT once, before the load, or the numbers measure an error page.
check() {
	local url=$1 body=$2 token=$3 want=$4 out code
	out=$WORK/check.body
	code=$(curl -s -o "$out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		${token:+-H "Authorization: Bearer $token"} --data-binary "@$body" "$url")
	if [ "$code" != "$want" ]; then
		log "$url answered $code, want $want:"
		cat "$out" >&2
		echo >&2
		return 1
	fi
}

# load URL BODY TOKEN: warm-up, then the measured wrk run; sets RPS, P99, NON2XX.
load() {
	local url=$1 body=$2 token=$3 out
	out=$WORK/wrk.out
	BODY_FILE=$body TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s bench/post.lua "$url" >/dev/null
	BODY_FILE=$body TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/post.lua "$url" >"$out"
	RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	P99=$(awk '$1 == "99%" { print $2 }' "$out")
	NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	ERRS=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$out")
	if [ -n "$NON2XX" ] || [ -n "$ERRS" ]; then
		log "wrk on $url: non-2xx=${NON2XX:-0} socket errors: ${ERRS:-none}"
		cat "$out" >&2
	fi
}

ROWS=()
row() { # round spec server rps p99 rss first note
	ROWS+=("$(printf '| %s | %-19s | %-34s | %7s | %8s | %6s | %7s s | %s |' "$@")")
}

# measure LABEL NAME PORT PATH BODY WANT TOKEN NOTE CMD...: starts the
# server, times its first answer, checks the benchmark request once, loads
# it, reads its RSS, stops it, adds a row; sets RPS. WANT "2xx" takes any
# success (Prism picks its own status). TOKEN "oauth:ID:SECRET" fetches a
# bearer from the server's own /oauth/token first.
measure() {
	local label=$1 name=$2 port=$3 path=$4 body=$5 want=$6 token=$7 note=$8
	shift 8
	local url=http://$HOST:$port$path first pid rss got
	log "$label: $name"
	start "$name" "$@"
	first=$(first_answer "$url" "$body")
	case $token in
	oauth:*)
		IFS=: read -r _ id secret <<<"$token"
		token=$(curl -s -u "$id:$secret" -d grant_type=client_credentials \
			"http://$HOST:$port/oauth/token" | jq -r .access_token)
		;;
	esac
	if [ "$want" = 2xx ]; then
		got=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
			${token:+-H "Authorization: Bearer $token"} --data-binary "@$body" "$url")
		case $got in 2??) want=$got ;; esac
	fi
	check "$url" "$body" "$token" "$want"
	load "$url" "$body" "$token"
	pid=$(listener_pid "$port")
	rss=$(rss_mb "$pid")
	stop
	note="$note, answers $want"
	[ -z "$NON2XX" ] || note="$note; $NON2XX not 2xx"
	[ -z "$ERRS" ] || note="$note; wrk socket errors: $ERRS"
	row "$ROUND" "$label" "$name" "$RPS" "$P99" "$rss" "$first" "$note"
}

# run_spec LABEL SPEC PATH BODY WANT CLIENT_ID CLIENT_SECRET
run_spec() {
	local label=$1 spec=$2 path=$3 body=$4 want=$5 id=$6 secret=$7
	local cb cbq pr prq bare
	measure "$label" "casebook mock" $PORT_CASEBOOK "$path" "$body" "$want" "oauth:$id:$secret" \
		"bearer from its /oauth/token ($id)" \
		"$WORK/casebook" mock --spec "$spec" --addr "$HOST:$PORT_CASEBOOK" --log "$WORK/casebook-requests.log"
	cb=$RPS
	measure "$label" "casebook mock --quiet" $PORT_CASEBOOK "$path" "$body" "$want" "oauth:$id:$secret" \
		"same, no request log" \
		"$WORK/casebook" mock --spec "$spec" --addr "$HOST:$PORT_CASEBOOK" --quiet
	cbq=$RPS
	pr=0 prq=0
	if [ "$PRISM" != 0 ]; then
		measure "$label" "prism 5.16.0" $PORT_PRISM "$path" "$body" 2xx any "any bearer" \
			bash -c "cd bench && exec npx prism mock -h $HOST -p $PORT_PRISM '$spec'"
		pr=$RPS
		measure "$label" "prism 5.16.0 -v warn" $PORT_PRISM "$path" "$body" 2xx any "same, no request log" \
			bash -c "cd bench && exec npx prism mock -h $HOST -p $PORT_PRISM -v warn '$spec'"
		prq=$RPS
	fi
	measure "$label" "bare net/http (read+decode JSON)" $PORT_BARE "$path" "$body" 200 "" "no spec" \
		"$WORK/bare" -addr "$HOST:$PORT_BARE"
	bare=$RPS
	awk -v c="$cb" -v cq="$cbq" -v p="$pr" -v pq="$prq" -v b="$bare" -v l="$label" -v r="$ROUND" \
		'function x(a, b) { return b > 0 ? sprintf("%.1f", a / b) : "-" }
		BEGIN { printf "%s\t%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s\n", l, r, x(c, p), x(cq, pq), 100 * c / b, 100 * cq / b, x(b, p), x(b, pq) }' \
		>>"$WORK/ratios.tsv"
}

# ratios: per spec and round, then the median of each ratio over the rounds.
RATIO_HEAD="casebook/prism (both logging) | casebook/prism (both quiet) | casebook/bare | casebook --quiet/bare | bare/prism | bare/prism -v warn"
ratios() {
	echo "| spec | round | $RATIO_HEAD |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %sx | %sx | %s%% | %s%% | %sx | %sx |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$WORK/ratios.tsv"
	[ "$ROUNDS" -gt 1 ] || return 0
	sort -t$'\t' -k1,1 "$WORK/ratios.tsv" | awk -F'\t' '
		function med(spec, col,   n, i, j, t, v) {
			n = 0
			for (i = 1; i <= cnt[spec]; i++) v[++n] = val[spec, i, col]
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
			return v[int((n + 1) / 2)]
		}
		{ cnt[$1]++; for (c = 3; c <= 8; c++) val[$1, cnt[$1], c] = $c; specs[$1] = 1 }
		END { for (sp in specs) printf "| %s | median | %sx | %sx | %s%% | %s%% | %sx | %sx |\n", sp, med(sp, 3), med(sp, 4), med(sp, 5), med(sp, 6), med(sp, 7), med(sp, 8) }'
}

install_tools
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
if [ -z "$ONLY" ] || [ "$ONLY" = pc ]; then
	run_spec personal-connection "$ROOT/specs/personal-connection.yaml" \
		/api/v2/outbound/campaigns/pc-campaign/calls "$ROOT/bench/requests/pc-call.json" 202 \
		pc-service-client pc-service-secret
fi
if [ -z "$ONLY" ] || [ "$ONLY" = genesys ]; then
	if [ -f "$SWAGGER" ]; then
		# No overlay beside the published swagger: the mock's default client
		# (id and secret "casebook", every scope) gets the token.
		run_spec genesys-swagger "$(cd "$(dirname "$SWAGGER")" && pwd)/$(basename "$SWAGGER")" \
			/api/v2/conversations/calls "$ROOT/bench/requests/gc-call.json" 200 casebook casebook
	else
		log "skipping the published Genesys swagger: $SWAGGER is absent"
	fi
fi
done

echo
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency (after a $WARMUP warm-up), loopback, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| round | spec                | server                             |   req/s |      p99 | RSS MB | first answer | request measured |"
echo "|---|---------------------|------------------------------------|---------|----------|--------|--------------|------------------|"
printf '%s\n' "${ROWS[@]}"
echo
ratios | sed 's/| -x /| - /g'
