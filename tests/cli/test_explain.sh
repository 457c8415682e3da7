#!/usr/bin/env bash
# test_explain.sh - explain, on the demo county after its three closes: every rule with id,
# clause and outcome, the kind paid and those suppressed (R5), cap counters, what is due,
# posted and what a run would post, and the batches and appeal of the facts. $1: the binary.
set -u
sp=${1:-build/skillpay}
case $sp in /*) ;; *) sp=$PWD/$sp ;; esac
demo=$PWD/fixtures/demo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
check() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; fi; }
s() { "$sp" -q --db "$tmp/db" "$@"; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

s init
s ingest "$demo"/*.csv 2>/dev/null
s run --month 2026-09 >/dev/null 2>&1 && s close --month 2026-09 >/dev/null
s ingest "$demo"/2026-10/*.csv && s run --month 2026-10 >/dev/null 2>&1 && s close --month 2026-10 >/dev/null
s ingest --appeal 'APPEAL-7' "$demo"/appeal/*.csv
s ingest "$demo"/2026-11/*.csv && s run --month 2026-11 >/dev/null 2>&1 && s close --month 2026-11 >/dev/null

p03=33072319790825853X   # RULES 8 example 3: TOP over TECH
s explain $p03 --month 2023-01 >"$tmp/t3"
check "example 3, 2023-01: R5 pays TOP" "grep -q '^paid (R5): TOP$' $tmp/t3"
check "example 3, 2023-01: TECH is shown suppressed" "grep -q '^suppressed (R5): TECH$' $tmp/t3"
check "example 3, 2023-01: the R2 window line cites 二.1 and passes" "grep -E '^R2 +二.1 +ok +TOP' $tmp/t3 >/dev/null"
check "example 3, 2023-01: TOP due 500.00, posted 500.00, a run posts 0.00" "grep -E '^TOP +500.00 +500.00 +0.00$' $tmp/t3 >/dev/null"
check "example 3: the facts' batches are listed" "grep -q 'titles' $tmp/t3 && grep -q 'social_insurance' $tmp/t3"
s --json explain $p03 --month 2023-01 >"$tmp/j3"
check "--json: paid TOP, TECH suppressed" "[ \"\$(json $tmp/j3 \"d['paid'], d['suppressed']\")\" = \"TOP ['TECH']\" ]"
check "--json: TECH cap counter unused while suppressed (14 months used before 2023-01)" "[ \"\$(json $tmp/j3 \"d['cap_used']['TECH']\")\" = 14 ]"
check "--json: every rule has id, clause, subject, passed, why" "json $tmp/j3 \"all(set(r)=={'rule','clause','subject','passed','why'} for r in d['rules'])\" | grep -qx True"

p06=330723199209300216   # RULES 8 example 6: certificate retracted on appeal
s --json explain $p06 --month 2026-07 >"$tmp/j6"
check "example 6 after the appeal: nothing paid for 2026-07" "[ \"\$(json $tmp/j6 \"d['paid']\")\" = None ]"
check "example 6: R4a fails for TECH (no certificate of level 2)" "json $tmp/j6 \"[r['passed'] for r in d['rules'] if r['rule']=='R4a' and r['subject']=='TECH']\" | grep -qx '\[False\]'"
check "example 6: TECH due 0.00, posted 200.00 - 200.00 = 0.00" "[ \"\$(json $tmp/j6 \"d['amounts']['TECH']\")\" = \"{'due': '0.00', 'posted': '0.00', 'difference': '0.00'}\" ]"
s explain $p06 --month 2026-07 >"$tmp/t6"
check "example 6: the appeal that retracted the certificate is named" "grep -E 'certificates.*appeal APPEAL-7' $tmp/t6 >/dev/null"

p07=33072319650110397X   # RULES 8 example 7: retirement
s --json explain $p07 --month 2025-03 >"$tmp/j7"
check "example 7, 2025-03: R4g fails (statutory date 2025-02-10)" "json $tmp/j7 \"[r['why'] for r in d['rules'] if r['rule']=='R4g' and not r['passed']][0]\" | grep -q '2025-02-10'"
s --json explain $p07 --month 2025-02 >"$tmp/j7b"
check "example 7, 2025-02: the last paid month pays TECH" "[ \"\$(json $tmp/j7b \"d['paid']\")\" = TECH ]"

echo $p03 | s --json explain - --month 2023-01 >"$tmp/stdin"
check "explain - reads the identity number from stdin (nothing sensitive in ps)" "cmp -s $tmp/stdin $tmp/j3"
"$sp" -q --db "$tmp/db" explain 123 --month 2026-01 2>/dev/null
check "explain of a malformed identity number is exit 1" "[ $? -eq 1 ]"
s --json explain 11010519491231002X --month 2026-01 >"$tmp/unknown"
check "explain of a person with no facts says so: not known, nothing paid" "[ \"\$(json $tmp/unknown \"d['known'], d['paid']\")\" = 'False None' ]"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
