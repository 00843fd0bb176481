#!/usr/bin/env bash
# bench/scale.sh: does casebook's cost grow linearly with what it is given?
# Issue 16. Two tables, each from one run of the built binary (cold process):
#
# 1. `casebook run` on N generated cases (default 1,000, 10,000, 100,000)
#    against the built-in mock, with the reports CI keeps: JSON and JUnit
#    files, text on stdout. The cases are the shipped personal-connection
#    and genesys-cloud ones (but one that waits 500 ms by design), copied under distinct names into a temp dir
#    (as bench/cases.sh does), with a casebook.yaml mapping them to the
#    shipped specs. Wall time and peak RSS (/usr/bin/time), and the cost
#    per case, so the ratios between sizes read at a glance.
# 2. `casebook mock` on synthetic specs of K operations (default 1,000,
#    5,000, 20,000): a POST per path, each with a path parameter and a
#    request body that $refs a component schema of its own, which $refs a
#    shared one. Time from start to the first answer (polled every 10 ms
#    with a POST the mock must answer 401: no token), resident memory then
#    (VmRSS) and the peak (VmHWM), and the time per operation.
#
# Usage: bench/scale.sh
# Knobs: CASES="1000 10000 100000" OPS="1000 5000 20000" RUNS=1 ONLY=cases|mock
#        KEEP=DIR (write the generated files there and keep them)
#        ARGS="..." (more for casebook run, in the cases' folder: e.g. every
#        report and coverage, ARGS="--coverage --report html=report.html
#        --report markdown=report.md")
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
CASES=${CASES:-1000 10000 100000}
OPS=${OPS:-1000 5000 20000}
RUNS=${RUNS:-1}
ONLY=${ONLY:-}
if [ -n "${KEEP:-}" ]; then
	mkdir -p "$KEEP"
	WORK=$(cd "$KEEP" && pwd)
else
	WORK=$(mktemp -d)
fi
MOCK_PID=
cleanup() {
	if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; fi
	if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "scale.sh: $*" >&2; }

go build -o "$WORK/casebook" ./cmd/casebook

# gen_cases N DIR: N case files in DIR/cases/{personal-connection,genesys-cloud}
# and DIR/casebook.yaml, copied from the shipped cases but those that wait by
# design (an event expected absent: the case listens for its whole window,
# 500 ms in gc-channel-not-resubscribed, and would measure that wait, not
# casebook). One awk process writes them all: the copy number
# suffixes every name: and fixedBy: so names stay distinct and fixedBy
# still names a case of the same copy.
gen_cases() {
	local n=$1 dir=$2
	mkdir -p "$dir/cases/personal-connection" "$dir/cases/genesys-cloud"
	cat >"$dir/casebook.yaml" <<-EOF
		suites:
		  - {cases: cases/personal-connection, spec: $ROOT/specs/personal-connection.yaml}
		  - {cases: cases/genesys-cloud, spec: $ROOT/specs/genesys-cloud/openapi.yaml}
	EOF
	grep -L 'absent: true' cases/personal-connection/*.yaml cases/genesys-cloud/*.yaml |
		awk -v n="$n" -v dir="$dir" '
		{ src[NR] = $0 }
		END {
			for (s = 1; s <= NR; s++) {
				lines[s] = 0
				while ((getline line < src[s]) > 0) text[s, ++lines[s]] = line
				close(src[s])
			}
			for (i = 0; i < n; i++) {
				s = i % NR + 1
				copy = sprintf("%06d", int(i / NR))
				m = split(src[s], part, "/")
				out = dir "/" part[m - 2] "/" part[m - 1] "/" copy "-" part[m]
				for (l = 1; l <= lines[s]; l++) {
					line = text[s, l]
					if (line ~ /^(name|fixedBy): *[^ ]+/) {
						sub(/[ \t]*$/, "", line)
						line = line "-" copy
					}
					print line > out
				}
				close(out)
			}
		}'
}

# gen_spec K FILE: an OpenAPI 3.0 document (JSON) with K operations, a
# path or a schema a line.
gen_spec() {
	awk -v k="$1" 'BEGIN {
		printf "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"synthetic %d operations\",\"version\":\"1\"},", k
		printf "\"security\":[{\"oauth\":[]}],\"paths\":{"
		for (i = 0; i < k; i++) {
			printf "%s\n\"/api/v2/res%d/{id}/items\":{\"post\":{\"operationId\":\"postItems%d\",", (i ? "," : ""), i, i
			printf "\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9-]+$\"}}],"
			printf "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Item%d\"}}}},", i
			printf "\"responses\":{\"200\":{\"description\":\"ok\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Item%d\"}}}},", i
			printf "\"400\":{\"description\":\"bad request\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}}}}}}}"
		}
		printf "},\"components\":{\"securitySchemes\":{\"oauth\":{\"type\":\"oauth2\",\"flows\":{\"clientCredentials\":{\"tokenUrl\":\"/oauth/token\",\"scopes\":{}}}}},\"schemas\":{"
		printf "\"Error\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}},"
		printf "\"Address\":{\"type\":\"object\",\"required\":[\"type\",\"address\"],\"properties\":{\"type\":{\"type\":\"string\",\"enum\":[\"phone\",\"email\"]},\"address\":{\"type\":\"string\",\"maxLength\":64}}}"
		for (i = 0; i < k; i++) {
			printf ",\n\"Item%d\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{", i
			printf "\"name\":{\"type\":\"string\",\"minLength\":1},\"count\":{\"type\":\"integer\",\"minimum\":0},"
			printf "\"kind\":{\"type\":\"string\",\"enum\":[\"a%d\",\"b%d\"]},\"to\":{\"$ref\":\"#/components/schemas/Address\"}}}", i, i
		}
		printf "}}}\n"
	}' >"$2"
}

now_ns() { date +%s%N; }

# run_cases N: prints "wall_s peak_rss_kb cpu_s cases_in_report" (the run
# with the best wall time of RUNS).
run_cases() {
	local n=$1 dir=$WORK/cases-$1 best= rss= cpu= r t m u s code
	[ -f "$dir/casebook.yaml" ] || gen_cases "$n" "$dir"
	for ((r = 0; r < RUNS; r++)); do
		rm -f "$dir/report.json" "$dir/report.xml"
		code=0
		(cd "$dir" && /usr/bin/time -f '%e %M %U %S' -o "$dir/time" "$WORK/casebook" run \
			--report json="$dir/report.json" --report junit="$dir/report.xml" ${ARGS:-} >"$dir/stdout" 2>"$dir/stderr") || code=$?
		if [ "$code" -gt 1 ]; then # 1: a case failed, and the figures still hold; the table says how many
			log "casebook run on $n cases exited $code:"
			tail -n 5 "$dir/stdout" "$dir/stderr" >&2
			return 1
		fi
		read -r t m u s <"$dir/time"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t rss=$m cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
		fi
	done
	echo "$best $rss $cpu $(grep -c '<testcase ' "$dir/report.xml") $(tail -n 1 "$dir/stdout" | tr ' ' _)"
}

# start_mock SPEC PORT: starts the mock, polls until it answers, prints
# "first_answer_s rss_kb hwm_kb cpu_s" (CPU: user and system time the mock
# spent until then, /proc/PID/stat; less swayed by the machine's load).
start_mock() {
	local spec=$1 port=$2 started code deadline
	started=$(now_ns)
	"$WORK/casebook" mock --spec "$spec" --addr "127.0.0.1:$port" >"$WORK/mock.log" 2>&1 &
	MOCK_PID=$!
	deadline=$(($(date +%s) + 300))
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H 'Content-Type: application/json' \
			--data '{"name":"x"}' "http://127.0.0.1:$port/api/v2/res0/abc/items" || true)
		[ "$code" = 401 ] && break
		if ! kill -0 "$MOCK_PID" 2>/dev/null && grep -q 'address already in use' "$WORK/mock.log"; then
			MOCK_PID=
			return 2 # another process holds the port: the caller tries the next
		fi
		if ! kill -0 "$MOCK_PID" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
			log "mock on $spec: no 401 (last status $code):"
			cat "$WORK/mock.log" >&2
			kill "$MOCK_PID" 2>/dev/null || true
			return 1
		fi
		sleep 0.01
	done
	awk -v a="$started" -v b="$(now_ns)" 'BEGIN { printf "%.3f ", (b - a) / 1e9 }'
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "%s %s ", r, h }' "/proc/$MOCK_PID/status"
	awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / tck }' "/proc/$MOCK_PID/stat"
	kill "$MOCK_PID"
	wait "$MOCK_PID" 2>/dev/null || true
	MOCK_PID=
}

echo "# bench/scale.sh, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC'), $(go env GOVERSION)"

if [ "$ONLY" != mock ]; then
	echo
	echo "| cases | wall s | CPU s | peak RSS MB | wall ms per case | CPU ms per case | KB peak RSS per case | results in JUnit | summary |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for n in $CASES; do
		read -r t m c got sum < <(run_cases "$n") || { log "no figures for $n cases"; exit 1; }
		awk -v n="$n" -v t="$t" -v m="$m" -v c="$c" -v got="$got" -v sum="${sum//_/ }" 'BEGIN {
			printf "| %d | %.2f | %.2f | %.0f | %.3f | %.3f | %.2f | %d | %s |\n", n, t, c, m / 1024, t * 1000 / n, c * 1000 / n, m / n, got, sum }'
	done
fi

if [ "$ONLY" != cases ]; then
	echo
	echo "| operations | spec MB | first answer s | CPU s | RSS MB | peak RSS MB | wall ms per operation | CPU ms per operation | KB RSS per operation |"
	echo "|---|---|---|---|---|---|---|---|---|"
	port=$((20000 + RANDOM % 20000))
	for k in $OPS; do
		port=$((port + 1)) # a port of its own: nothing left of the last mock can answer
		spec=$WORK/synthetic-$k.json
		[ -f "$spec" ] || gen_spec "$k" "$spec"
		best= rss= hwm= cpu=
		for ((r = 0; r < RUNS; r++)); do
			for tries in 1 2 3 4 5; do
				out=$(start_mock "$spec" "$port") && break
				[ $? = 2 ] || { log "no figures for $k operations"; exit 1; }
				log "port $port is taken; trying $((port + 1))"
				port=$((port + 1)) out=
			done
			[ -n "$out" ] || { log "no free port for $k operations"; exit 1; }
			read -r t m h c <<<"$out"
			if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t rss=$m hwm=$h cpu=$c; fi
		done
		awk -v k="$k" -v t="$best" -v m="$rss" -v h="$hwm" -v c="$cpu" -v sz="$(stat -c %s "$spec")" 'BEGIN {
			printf "| %d | %.1f | %.3f | %.2f | %.0f | %.0f | %.3f | %.3f | %.1f |\n", k, sz / 1048576, t, c, m / 1024, h / 1024, t * 1000 / k, c * 1000 / k, m / k }'
	done
fi
