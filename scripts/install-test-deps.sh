#!/bin/sh
# Installs what the tests need beyond Go, from Debian's packages. Idempotent:
# does nothing when everything is there. Run as root (CI is).
#   chromium: reports/html_test.go renders the HTML report in a real browser.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if [ -n "$missing" ]; then
	echo "install-test-deps: installing$missing" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
