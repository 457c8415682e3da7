#!/usr/bin/env bash
# test_property.sh - randomized (seeded, deterministic) property test of RULES.md section 7:
# closing month by month (2024-01 .. 2025-06) while facts arrive late, are corrected (same key,
# new values) and are retracted (op=retract) ends with the same ledger sums per
# (payee_id, person_id, service_month, kind) as a fresh database that ingests only the final
# facts and closes 2025-06 once; `verify` exits 0 on both.
#
# Usage: tests/cli/test_property.sh [SKILLPAY] [SEEDS]   (defaults: build/skillpay, 20 seeds)
#
# The generator and the comparison live in tests/e2e/property.py (Python 3 standard library);
# to look at one failing seed: python3 tests/e2e/property.py SKILLPAY --seed N --keep DIR.
# Output is TAP, then "N passed, M failed"; exit 0 only when every case passed.
set -u
export LC_ALL=C.UTF-8
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-build/skillpay}
seeds=${2:-${SKILLPAY_PROPERTY_SEEDS:-20}}
case $bin in
/*) ;;
*) bin="$PWD/$bin" ;;
esac
if [ ! -x "$bin" ]; then
	echo "Bail out! no executable '$bin'"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! command -v python3 >/dev/null; then
	echo "Bail out! python3 not found"
	echo "0 passed, 1 failed"
	exit 1
fi
exec python3 "$here/../e2e/property.py" "$bin" --seeds "$seeds"
