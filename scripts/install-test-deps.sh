#!/bin/sh
# Installs what the tests need beyond Go. Idempotent: does nothing when
# everything is there. Run as root (CI is).
#   chromium (Debian): reports/html_test.go renders the HTML report in a real browser.
#   node and the npm ws package (pinned in cmd/casebook/testdata/wsclient):
#     cmd/casebook/notify_e2e_test.go drives the mock's notification channel with it.
#   python3: reports/junit_test.go cross-checks the JUnit report with expat.
# Under make test a test whose tool is missing fails (internal/testenv).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
	echo "install-test-deps: installing$missing" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
wsclient="$root/cmd/casebook/testdata/wsclient"
if [ ! -f "$wsclient/node_modules/ws/package.json" ]; then
	echo "install-test-deps: npm ci in $wsclient" >&2
	(cd "$wsclient" && npm ci --no-audit --no-fund --loglevel=error)
fi
