#!/usr/bin/env bash
# bench/roundrobin.sh: casebook mock against the bare net/http handler
# (bench/compare.sh's servers and requests, no Prism), measured in turns:
# every server is started at once and idles while another is loaded; wrk
# loads each for SECS seconds in turn, ROUNDS times, and the requests are
# summed per server. On a shared machine whose load swings within a minute,
# a ratio of sums over interleaved short runs moves far less than one of
# two 10 s runs a minute apart (compare.sh).
#
# Usage: bench/roundrobin.sh [pc|genesys]   (default: both)
# Knobs: ROUNDS=10 SECS=2 THREADS=2 CONNS=32 SWAGGER=path/to/swagger.json
#        BASE=path/to/another/casebook (adds its rows, e.g. a build of main,
#        to compare a change in the same turns)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-10}
SECS=${SECS:-2}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
SWAGGER=${SWAGGER:-$ROOT/../shared/specs-real/genesys-cloud-2018-03-swagger.json}
BASE=${BASE:-}
HOST=127.0.0.1
PORT0=18401

WORK=$(mktemp -d)
GROUPS_STARTED=()
cleanup() {
	local g
	for g in "${GROUPS_STARTED[@]}"; do
		kill -TERM -- "-$g" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || { echo "roundrobin.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
go build -o "$WORK/casebook" ./cmd/casebook
go build -o "$WORK/bare" ./bench/bare

# run_spec LABEL SPEC PATH BODY WANT CLIENT_ID CLIENT_SECRET
run_spec() {
	local label=$1 spec=$2 path=$3 body=$4 want=$5 id=$6 secret=$7
	local names=() cmds=() ports=() tokens=() totals=() i port got
	names+=("bare net/http") cmds+=("$WORK/bare -addr")
	names+=("casebook mock --log FILE") cmds+=("$WORK/casebook mock --log $WORK/requests.log --spec $spec --addr")
	names+=("casebook mock --quiet") cmds+=("$WORK/casebook mock --quiet --spec $spec --addr")
	if [ -n "$BASE" ]; then
		names+=("BASE --log FILE") cmds+=("$BASE mock --log $WORK/base-requests.log --spec $spec --addr")
		names+=("BASE --quiet") cmds+=("$BASE mock --quiet --spec $spec --addr")
	fi
	for i in "${!names[@]}"; do
		port=$((PORT0 + i))
		ports+=("$port")
		# shellcheck disable=SC2086 # cmds holds words
		setsid ${cmds[$i]} "$HOST:$port" >"$WORK/server$i.log" 2>&1 &
		GROUPS_STARTED+=("$!")
	done
	for i in "${!names[@]}"; do
		port=${ports[$i]}
		until curl -s -o /dev/null --max-time 1 "http://$HOST:$port/"; do sleep 0.05; done
		tokens[i]=""
		if [ "$i" != 0 ]; then
			tokens[i]=$(curl -s -u "$id:$secret" -d grant_type=client_credentials "http://$HOST:$port/oauth/token" | jq -r .access_token)
		fi
		got=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
			${tokens[i]:+-H "Authorization: Bearer ${tokens[i]}"} --data-binary "@$body" "http://$HOST:$port$path")
		local expect=$want
		[ "$i" != 0 ] || expect=200
		[ "$got" = "$expect" ] || { echo "roundrobin.sh: ${names[$i]} answered $got, want $expect" >&2; exit 1; }
		BODY_FILE=$body TOKEN=${tokens[i]} wrk -t"$THREADS" -c"$CONNS" -d2s -s bench/post.lua "http://$HOST:$port$path" >/dev/null
		totals[i]=0
	done
	local load0 load1 n r
	load0=$(cut -d' ' -f1 /proc/loadavg)
	for ((r = 1; r <= ROUNDS; r++)); do
		for i in "${!names[@]}"; do
			n=$(BODY_FILE=$body TOKEN=${tokens[i]} wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -s bench/post.lua \
				"http://$HOST:${ports[$i]}$path" | awk '/requests in/ { print $1 } /Non-2xx/ { print "non-2xx answers" > "/dev/stderr" }')
			totals[i]=$((totals[i] + n))
		done
	done
	load1=$(cut -d' ' -f1 /proc/loadavg)
	for i in "${!names[@]}"; do
		awk -v l="$label" -v s="${names[$i]}" -v t="${totals[$i]}" -v b="${totals[0]}" -v d=$((ROUNDS * SECS)) \
			'BEGIN { printf "| %s | %s | %.0f | %.0f%% |\n", l, s, t / d, 100 * t / b }'
	done
	echo "| $label | ($ROUNDS turns of ${SECS} s each; load average $load0 at the start, $load1 at the end) | | |"
	local g
	for g in "${GROUPS_STARTED[@]}"; do
		kill -TERM -- "-$g" 2>/dev/null || true
	done
	GROUPS_STARTED=()
	sleep 0.5
}

echo "| spec | server | req/s | of bare |"
echo "|---|---|---|---|"
if [ "${1:-}" != genesys ]; then
	run_spec personal-connection "$ROOT/specs/personal-connection.yaml" \
		/api/v2/outbound/campaigns/pc-campaign/calls "$ROOT/bench/requests/pc-call.json" 202 \
		pc-service-client pc-service-secret
fi
if [ "${1:-}" != pc ]; then
	if [ -f "$SWAGGER" ]; then
		run_spec genesys-swagger "$(cd "$(dirname "$SWAGGER")" && pwd)/$(basename "$SWAGGER")" \
			/api/v2/conversations/calls "$ROOT/bench/requests/gc-call.json" 200 casebook casebook
	else
		echo "roundrobin.sh: skipping the published Genesys swagger: $SWAGGER is absent" >&2
	fi
fi
echo
echo "wrk -t$THREADS -c$CONNS, loopback, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
