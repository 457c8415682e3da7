#!/usr/bin/env bash
# tests/fuzz/make-corpus.sh - (re)derives the seed corpora of the feed harnesses from
# fixtures/demo and tests/cli/bad: the first 12 lines of each file, prefixed with the two
# harness bytes (encoding, feed index in src/feeds/feed_table.c order), in UTF-8 and in GBK.
# The bank-return seeds are written by hand (tests/fuzz/corpus/fuzz_bankreturn_*).
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=(persons employers employment certificates titles social_insurance enterprise_allowance
	discipline chief_craftsmen bank_accounts parameters paid_history)
index_of() {
	for i in "${!feeds[@]}"; do [ "${feeds[$i]}" = "$1" ] && { echo "$i"; return; }; done
	echo 0
}
seed() {  # seed HARNESS NAME FEED FILE
	local dir=tests/fuzz/corpus/$1 idx
	idx=$(index_of "$3")
	mkdir -p "$dir"
	{ printf "\\x00\\x$(printf %02x "$idx")"; head -n 12 "$4"; } >"$dir/$2-utf8"
	if iconv -f UTF-8 -t GBK "$4" >/dev/null 2>&1; then
		{ printf "\\x01\\x$(printf %02x "$idx")"; head -n 12 "$4" | iconv -f UTF-8 -t GBK; } >"$dir/$2-gbk"
	fi
}
for h in fuzz_feed fuzz_ingest; do
	rm -rf "tests/fuzz/corpus/$h"
	for f in fixtures/demo/*.csv fixtures/demo/*/*.csv; do
		stem=$(basename "$f" .csv)
		feed=${stem%%-*}
		seed "$h" "demo-$(echo "$f" | tr '/' '_' | sed 's/^fixtures_demo_//; s/\.csv$//')" "$feed" "$f"
	done
	for d in tests/cli/bad/*/; do
		for f in "$d"*.csv; do
			[ -f "$f" ] || continue
			stem=$(basename "$f" .csv)
			seed "$h" "bad-$(basename "$d")" "${stem%%-*}" "$f"
		done
	done
done
