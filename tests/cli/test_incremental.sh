#!/usr/bin/env bash
# test_incremental.sh - the incremental run (past months only for persons whose facts changed)
# must stage exactly the draft of a full recompute (run --full), month after month, through
# late rows, corrections, an appeal, a retraction and a parameter change. $1 is the binary.
set -u
sp=${1:-build/skillpay}
case $sp in /*) ;; *) sp=$PWD/$sp ;; esac
demo=$PWD/fixtures/demo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
db=$tmp/db
s() { "$sp" -q --db "$db" "$@"; }
draft() {
	sqlite3 "$db" "SELECT payee_id, person_id, service_month, kind, line_type, amount_fen, appeal
		FROM draft_lines WHERE run_month = $1 ORDER BY 1, 2, 3, 4, 5;
		SELECT payee_id, amount_fen, hold_reason FROM draft_payments WHERE run_month = $1 ORDER BY 1"
}
# compare M: the incremental draft, then the full one, must be identical; then close M.
compare() {
	local m=$1 mi=${1/-/} what=$2 inc
	inc=$(s --json run --month "$m" 2>/dev/null)
	draft "$mi" >"$tmp/inc"
	s run --full --month "$m" >/dev/null 2>&1
	draft "$mi" >"$tmp/full"
	if cmp -s "$tmp/inc" "$tmp/full" && [ -s "$tmp/full" ]; then ok "$m ($what): incremental draft = full draft"; else
		notok "$m ($what): incremental draft = full draft"; diff "$tmp/inc" "$tmp/full" | head -5; fi
	case $3 in
	inc) if grep -q '"incremental":true' <<<"$inc"; then ok "$m took the incremental path"; else notok "$m took the incremental path"; fi ;;
	full) if grep -q '"incremental":false' <<<"$inc"; then ok "$m took the full path (the shared world changed)"; else notok "$m took the full path"; fi ;;
	esac
	s close --month "$m" >/dev/null 2>&1 || notok "close $m"
}

s init
s ingest "$demo"/*.csv 2>/dev/null
compare 2026-09 "go-live, first close" full
s ingest "$demo"/2026-10/*.csv
compare 2026-10 "new month rows" inc
s ingest --appeal 'A-1' "$demo"/appeal/*.csv
s ingest "$demo"/2026-11/*.csv
compare 2026-11 "appeal retraction, correction, late row" inc
# 2026-12: a late correction of an old social-insurance row (moved away in 2024-05) for P03.
p03=$(sqlite3 "$db" "SELECT person_id FROM titles WHERE title = 'top_talent' ORDER BY person_id LIMIT 1")
emp=$(sqlite3 "$db" "SELECT employer_id FROM social_insurance WHERE person_id = '$p03' AND month = 202405 AND batch_out IS NULL")
printf 'person_id,month,employer_id,region\n%s,2024-05,%s,330702\n' "$p03" "$emp" >"$tmp/social_insurance.csv"
sqlite3 -csv "$db" "SELECT person_id, printf('%d-%02d', month / 100, month % 100), employer_id, region FROM social_insurance
	WHERE month = 202611 AND batch_out IS NULL" | sed 's/,2026-11,/,2026-12,/' >"$tmp/si12.csv"
{ echo 'person_id,month,employer_id,region'; cat "$tmp/si12.csv"; } >"$tmp/social_insurance-2026-12.csv"
sqlite3 -csv "$db" "SELECT person_id, employer_id, '2026-12', printf('%d.%02d', amount_fen / 100, amount_fen % 100)
	FROM enterprise_allowance WHERE month = 202611 AND batch_out IS NULL" >"$tmp/ea12.csv"
{ echo 'person_id,employer_id,month,amount'; cat "$tmp/ea12.csv"; } >"$tmp/enterprise_allowance-2026-12.csv"
s ingest "$tmp/social_insurance.csv" "$tmp/social_insurance-2026-12.csv" "$tmp/enterprise_allowance-2026-12.csv"
compare 2026-12 "a past social-insurance row corrected" inc
if sqlite3 "$db" "SELECT count(*) FROM ledger WHERE run_month = 202612 AND person_id = '$p03' AND amount_fen < 0" | grep -qv '^0$'; then
	ok "the corrected past row recovers TOP months (R2a) for P03"; else notok "the corrected past row recovers TOP months for P03"; fi
# 2027-01: a parameter change dated in the past (TECH.monthly 250.00 from 2024-01-01).
printf 'name,effective_from,value\nTECH.monthly,2024-01-01,25000\n' >"$tmp/parameters.csv"
sed 's/,2026-12,/,2027-01,/' "$tmp/si12.csv" | { echo 'person_id,month,employer_id,region'; cat; } >"$tmp/social_insurance-2027-01.csv"
sed 's/,2026-12,/,2027-01,/' "$tmp/ea12.csv" | { echo 'person_id,employer_id,month,amount'; cat; } >"$tmp/enterprise_allowance-2027-01.csv"
s ingest "$tmp/parameters.csv" "$tmp/social_insurance-2027-01.csv" "$tmp/enterprise_allowance-2027-01.csv"
compare 2027-01 "a parameter change dated in the past" full
if [ "$(sqlite3 "$db" "SELECT count(*) FROM ledger WHERE run_month = 202701 AND kind = 'TECH' AND line_type = 'retro' AND amount_fen = 5000")" -gt 0 ]; then
	ok "the past rate change pays +50.00 TECH arrears per month from 2024-01"; else notok "the past rate change pays TECH arrears"; fi
# 2027-02: a paid technician's level-2 certificate corrected to level 3. Level 3 pays nothing
# (R4a) and the run reads only persons who can be owed something, but the ledger still names
# this one (no title, chief appointment or paid history): everything paid as TECH comes back.
tech=$(sqlite3 "$db" "SELECT c.cert_no || ',' || c.person_id || ',' || c.occupation_code || ',3,'
	|| printf('%d-%02d-%02d', c.issued_on / 10000, c.issued_on / 100 % 100, c.issued_on % 100)
	FROM certificates c WHERE c.level = 2 AND c.batch_out IS NULL
	AND c.person_id IN (SELECT person_id FROM ledger WHERE kind = 'TECH')
	AND (SELECT count(*) FROM certificates c2 WHERE c2.person_id = c.person_id AND c2.level <= 2 AND c2.batch_out IS NULL) = 1
	AND c.person_id NOT IN (SELECT person_id FROM titles UNION SELECT person_id FROM chief_craftsmen
		UNION SELECT person_id FROM paid_history) ORDER BY c.person_id LIMIT 1")
tech_pid=$(cut -d, -f2 <<<"$tech")
# ...and a level-4 certificate for somebody owed nothing else: never read.
plain=$(sqlite3 "$db" "SELECT person_id FROM persons WHERE batch_out IS NULL AND person_id NOT IN (SELECT person_id FROM titles
	UNION SELECT person_id FROM certificates UNION SELECT person_id FROM chief_craftsmen UNION SELECT person_id FROM ledger)
	ORDER BY person_id LIMIT 1")
printf 'cert_no,person_id,occupation_code,level,issued_on\n%s\nL4-2027-02,%s,6-18-01-01,4,2027-01-15\n' "$tech" "$plain" \
	>"$tmp/certificates-2027-02.csv"
sed 's/,2026-12,/,2027-02,/' "$tmp/si12.csv" | { echo 'person_id,month,employer_id,region'; cat; } >"$tmp/social_insurance-2027-02.csv"
sed 's/,2026-12,/,2027-02,/' "$tmp/ea12.csv" | { echo 'person_id,employer_id,month,amount'; cat; } >"$tmp/enterprise_allowance-2027-02.csv"
s ingest "$tmp/certificates-2027-02.csv" "$tmp/social_insurance-2027-02.csv" "$tmp/enterprise_allowance-2027-02.csv"
evaluated=$(s --json run --month 2027-02 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["persons"])')
readers=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT person_id FROM titles WHERE batch_out IS NULL
	UNION SELECT person_id FROM certificates WHERE level <= 2 AND batch_out IS NULL
	UNION SELECT person_id FROM chief_craftsmen WHERE batch_out IS NULL
	UNION SELECT person_id FROM paid_history WHERE batch_out IS NULL UNION SELECT person_id FROM ledger)")
if [ -n "$tech_pid" ] && [ "$evaluated" = "$readers" ] &&
	[ -n "$plain" ] && [ "$(sqlite3 "$db" "SELECT count(*) FROM ledger WHERE person_id = '$plain'")" = 0 ]; then
	ok "the run reads $evaluated persons: titles, level 1-2 certificates, chiefs, paid history, the ledger"; else
	notok "the run reads titles, level 1-2 certificates, chiefs, paid history and ledger persons ($evaluated, $readers, '$tech_pid', '$plain')"; fi
compare 2027-02 "a paid level-2 certificate corrected to level 3" inc
if [ "$(sqlite3 "$db" "SELECT sum(amount_fen) FROM ledger WHERE person_id = '$tech_pid' AND kind = 'TECH'")" = 0 ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM ledger WHERE run_month = 202702 AND person_id = '$tech_pid' AND amount_fen < 0")" -gt 0 ]; then
	ok "every TECH month paid on the corrected certificate is recovered"; else notok "every TECH month paid on the corrected certificate is recovered"; fi
# References that resolve to nothing never pay, and the run names them (FEEDS.md).
printf 'person_id,employer_id,start_date,end_date,occupation_code,appointed_level\n%s,91330723MA0000077J,2027-01-01,,6-18-01-01,\n' \
	"$tech_pid" >"$tmp/employment-2027-03.csv"
printf 'person_id,title,doc_no,doc_date\n330723199001011239,skill_ace,武政办〔2027〕1号,2027-01-05\n' >"$tmp/titles-2027-03.csv"
s ingest "$tmp/employment-2027-03.csv" "$tmp/titles-2027-03.csv"
"$sp" --db "$db" run --month 2027-03 >/dev/null 2>"$tmp/warn"
if grep -q "employment: '913307\*\{8\}077J' is not in employers: it is never paid" "$tmp/warn" &&
	grep -q "titles: '330723\*\{8\}1239' is not in persons: it is never paid" "$tmp/warn"; then
	ok "the run names an employment row's unknown employer and a title's unknown person"; else
	notok "the run names an employment row's unknown employer and a title's unknown person"; sed 's/^/# /' "$tmp/warn" | head -5; fi
# 2027-03 closes six months after the first close (2026-09): the recent social-insurance rows
# move into the big range (src/store/fold.c). Facts, replays and runs do not notice.
# A row for a month far ahead (2027-12), delivered early, stays in the recent range.
{ echo 'person_id,month,employer_id,region'; head -1 "$tmp/si12.csv" | sed 's/,2026-12,/,2027-12,/'; } >"$tmp/social_insurance-early.csv"
s ingest "$tmp/social_insurance-early.csv"
compare 2027-03 "closing it moves six months of recent social insurance" inc
if [ "$(sqlite3 "$db" "SELECT from_month FROM social_insurance_hot")" = 202704 ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM social_insurance WHERE hot <> (month >= 202704)")" = 0 ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM social_insurance WHERE hot = 0 AND month BETWEEN 202610 AND 202703")" -gt 0 ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM social_insurance WHERE hot = 1 AND month = 202712")" = 1 ]; then
	ok "the close of 2027-03 moved the recent rows (2026-10 on) into the big range; 2027-12 stayed recent"; else
	notok "the close of 2027-03 moved the recent rows into the big range"; fi
# 2027-04: the month's rows and two months ahead (blocks of 64 with the boundary in them), a
# retraction of a moved row (2027-02) and a correction of one (2027-01), in one file.
{ echo 'person_id,month,employer_id,region,op'
  for m in 2027-04 2027-05 2027-06; do sed "s/,2026-12,/,$m,/; s/\$/,/" "$tmp/si12.csv"; done
  sqlite3 -csv "$db" "SELECT person_id, '2027-02', employer_id, '', 'retract' FROM social_insurance
	WHERE month = 202702 AND batch_out IS NULL ORDER BY person_id DESC LIMIT 1"
  sqlite3 -csv "$db" "SELECT person_id, '2027-01', employer_id, 330702, '' FROM social_insurance
	WHERE month = 202701 AND batch_out IS NULL ORDER BY person_id LIMIT 1"; } >"$tmp/social_insurance-2027-04.csv"
s ingest "$tmp/social_insurance-2027-04.csv"
retracted=$(tail -2 "$tmp/social_insurance-2027-04.csv" | head -1 | cut -d, -f1)
compare 2027-04 "a correction of a moved row" inc
moved=$(tail -1 "$tmp/social_insurance-2027-04.csv" | cut -d, -f1)
if [ "$(sqlite3 "$db" "SELECT count(*), sum(hot), sum(batch_out IS NULL AND region = 330702), sum(batch_out IS NOT NULL)
	FROM social_insurance WHERE person_id = '$moved' AND month = 202701")" = '2|0|1|1' ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM social_insurance WHERE hot <> (month >= 202704)")" = 0 ] &&
	[ "$(sqlite3 "$db" "SELECT count(*), sum(batch_out IS NULL) FROM social_insurance WHERE person_id = '$retracted' AND month = 202702")" = '1|0' ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM social_insurance WHERE hot = 1 AND month IN (202704, 202705, 202706)")" -ge 130 ] &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM (SELECT 1 FROM social_insurance WHERE batch_out IS NULL
		GROUP BY person_id, month, employer_id HAVING count(*) > 1)")" = 0 ]; then
	ok "the correction and the retraction reached moved rows; new months went to the recent range; one current row a key"; else
	notok "the correction superseded the moved row in the big range"; fi
"$sp" -q --db "$db" verify && ok "verify passes" || notok "verify passes"
for m in 2026-09 2026-10 2026-11 2026-12 2027-01 2027-02 2027-03 2027-04; do
	"$sp" -q --db "$db" replay --month $m >/dev/null 2>&1 && ok "replay $m matches the ledger" || notok "replay $m matches the ledger"
done

# The first close starts the recent range after it; rows already delivered for later months move there.
db1=$tmp/first.db
"$sp" -q --db "$db1" init
printf 'person_id,name,retire_group,retired_on\n11010519491231002X,张三,F55,\n' >"$tmp/persons-first.csv"
printf 'person_id,month,employer_id,region\n11010519491231002X,2026-09,91350100M000100Y43,330723\n11010519491231002X,2026-10,91350100M000100Y43,330723\n' \
	>"$tmp/social_insurance-first.csv"
"$sp" -q --db "$db1" ingest "$tmp/persons-first.csv" "$tmp/social_insurance-first.csv"
before=$(sqlite3 "$db1" "SELECT group_concat(month || '/' || hot, ' ') FROM (SELECT * FROM social_insurance ORDER BY month)")
"$sp" -q --db "$db1" run --month 2026-09 >/dev/null 2>&1 && "$sp" -q --db "$db1" close --month 2026-09 --by t >/dev/null 2>&1
after=$(sqlite3 "$db1" "SELECT (SELECT from_month FROM social_insurance_hot) || ': ' || group_concat(month || '/' || hot, ' ') FROM (SELECT * FROM social_insurance ORDER BY month)")
if [ "$before" = '202609/0 202610/0' ] && [ "$after" = '202610: 202609/0 202610/1' ]; then
	ok "the first close starts the recent range at the next month and moves its rows there"; else
	notok "the first close starts the recent range ('$before' -> '$after')"; fi
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
