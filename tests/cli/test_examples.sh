#!/usr/bin/env bash
# test_examples.sh - RULES.md section 8 worked examples 1-7 and the boundaries around them,
# end to end through the CLI (init, ingest, run, close, ledger, verify).
#
# Usage: tests/cli/test_examples.sh [SKILLPAY]        (default: build/skillpay)
#
# The cases live in tests/e2e/examples.py (Python 3 standard library); each builds the minimal
# feeds, a fresh database in a temporary folder, closes the months it needs and compares the
# ledger sums per (payee_id, person_id, service_month, kind) with the entitlement RULES.md gives.
# Output is TAP, then "N passed, M failed"; exit 0 only when every case passed.
# Needs bash, python3 and sqlite3.
set -u
export LC_ALL=C.UTF-8
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-build/skillpay}
case $bin in
/*) ;;
*) bin="$PWD/$bin" ;;
esac
if [ ! -x "$bin" ]; then
	echo "Bail out! no executable '$bin'"
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in python3 sqlite3; do
	if ! command -v "$tool" >/dev/null; then
		echo "Bail out! $tool not found"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
exec python3 "$here/../e2e/examples.py" "$bin"
