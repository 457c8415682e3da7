#!/usr/bin/env bash
# test_report.sh - skillpay report summary|changes|reconciliation|balances (CLI.md).
#
# Usage: tests/cli/test_report.sh [SKILLPAY]        (default: build/skillpay)
#
# Runs the demo cycle of fixtures/demo/README.md (2026-09, 2026-10, the appeal, 2026-11),
# reads a bank return for three 2026-11 payments, then checks every report against sums that
# sqlite3 computes from the database itself: summary totals equal the ledger of the run month
# to the fen; changes names the payees who stopped with the rule why and the new ones;
# reconciliation adds up; balances shows P06's debt from the appeal; CSV starts with the BOM;
# the xlsx holds its numbers; refusals exit 1 or 3 and no report changes the database.
# Output is TAP, then "N passed, M failed"; exit status 0 only when every check passed.
# Needs bash, sqlite3, unzip and python3 (display widths).
set -u
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-build/skillpay}
case $bin in
/*) ;;
*) bin="$PWD/$bin" ;;
esac

bail() {
	echo "Bail out! $*"
	exit 1
}

[ -x "$bin" ] || bail "no executable '$bin'"
for tool in sqlite3 unzip python3; do
	command -v $tool >/dev/null || bail "$tool not found"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skillpay-report.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
db="$tmp/demo.db"
demo="$root/fixtures/demo"
sp() { "$bin" --db "$db" -q "$@"; }

setup() {
	sp init &&
	sp ingest "$demo"/*.csv &&
	sp run --month 2026-09 && sp close --month 2026-09 &&
	sp ingest "$demo"/2026-10/*.csv &&
	sp run --month 2026-10 && sp close --month 2026-10 &&
	sp ingest --appeal '武人社复〔2026〕3号' "$demo"/appeal/*.csv &&
	sp ingest "$demo"/2026-11/*.csv &&
	sp run --month 2026-11 && sp close --month 2026-11
}
setup >"$tmp/setup.out" 2>"$tmp/setup.err" || bail "demo cycle failed: $(head -c 800 "$tmp/setup.err")"

# A bank return for the first three payments of 2026-11: settled, rejected (AC04), settled.
mapfile -t e2e < <(sqlite3 "$db" "SELECT end_to_end_id FROM payments WHERE run_month = 202611 ORDER BY end_to_end_id LIMIT 3")
[ ${#e2e[@]} -eq 3 ] || bail "the demo has fewer than 3 payments in 2026-11"
printf 'end_to_end_id,status,reason_code\n%s,settled,\n%s,rejected,AC04\n%s,settled,\n' \
	"${e2e[0]}" "${e2e[1]}" "${e2e[2]}" >"$tmp/return.csv"
if ! sp reconcile "$tmp/return.csv" >"$tmp/rec.out" 2>"$tmp/rec.err"; then
	# reconcile not available in this tree: write what it would (payment_status rows).
	sqlite3 "$db" "INSERT INTO batches(feed, file_name, sha256, rows_read, rows_loaded, rows_rejected, encoding, ingested_at)
		VALUES ('bank_return', 'return.csv', 'test-report', 3, 3, 0, 'utf-8', '2026-12-01T00:00:00Z');
		INSERT INTO payment_status(payment_id, batch_id, status, reason_code)
		SELECT payment_id, (SELECT max(batch_id) FROM batches), CASE end_to_end_id WHEN '${e2e[1]}' THEN 'rejected' ELSE 'settled' END,
		       CASE end_to_end_id WHEN '${e2e[1]}' THEN 'AC04' END
		FROM payments WHERE end_to_end_id IN ('${e2e[0]}', '${e2e[1]}', '${e2e[2]}') ORDER BY payment_id;" ||
		bail "cannot record the bank return"
fi

n=0
passed=0
failed=0
check() {   # check NAME COMMAND...: runs the command, ok when it exits 0
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/check.out" 2>&1; then
		passed=$((passed + 1))
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		sed 's/^/#   /' "$tmp/check.out" | head -20
	fi
}

q() { sqlite3 "$db" "$1"; }

yuan() {   # fen -> yuan with two decimals, as the reports write it
	local f=$1 sign=""
	if [ "$f" -lt 0 ]; then sign=-; f=$((-f)); fi
	printf '%s%d.%02d' "$sign" $((f / 100)) $((f % 100))
}

squeeze() { tr -s ' ' | sed 's/ *$//'; }

expect_eq() {   # expect_eq WHAT GOT WANT
	if [ "$2" != "$3" ]; then
		echo "$1: got '$2', want '$3'"
		return 1
	fi
}

# Runs a report, keeps stdout, stderr and the status in $tmp/r.{out,err,rc}.
report() {
	"$bin" --db "$db" report "$@" >"$tmp/r.out" 2>"$tmp/r.err"
	echo $? >"$tmp/r.rc"
}

sqlite3 "$db" .dump >"$tmp/dump.before" || bail "sqlite3 .dump failed"

# ---- -h ----
t_help() {
	"$bin" report -h >"$tmp/h.out" 2>"$tmp/h.err" || return 1
	grep -q '^usage: skillpay report summary|changes|reconciliation|balances' "$tmp/h.out" && [ ! -s "$tmp/h.err" ]
}
check "report -h prints the usage on stdout and exits 0" t_help

# ---- summary: totals equal the ledger of the run month, to the fen ----
t_summary_totals() {
	local month=$1 m=${1/-/} want
	report summary --month "$month"
	expect_eq "exit" "$(cat "$tmp/r.rc")" 0 || return 1
	want="total $(q "SELECT count(DISTINCT person_id) || ' ' || count(*) FROM ledger WHERE run_month = $m") $(yuan "$(q "SELECT sum(amount_fen) FROM ledger WHERE run_month = $m")")"
	grep '^total' "$tmp/r.out" | head -3 | squeeze >"$tmp/totals"
	expect_eq "totals by kind, line type and funding" "$(sort -u "$tmp/totals")" "$want" &&
		expect_eq "three totals" "$(wc -l <"$tmp/totals")" 3
}
for month in 2026-09 2026-10 2026-11; do
	check "summary $month totals equal the ledger's persons, lines and sum" t_summary_totals $month
done

t_summary_rows() {   # every kind and line type row equals its sqlite3 group
	local m=202609 kind persons lines fen
	report summary --month 2026-09
	while IFS='|' read -r kind persons lines fen; do
		grep -q "^$kind $persons $lines $(yuan "$fen")\$" <(squeeze <"$tmp/r.out") ||
			{ echo "no row '$kind $persons $lines $(yuan "$fen")'"; return 1; }
	done < <(q "SELECT kind, count(DISTINCT person_id), count(*), sum(amount_fen) FROM ledger WHERE run_month = $m GROUP BY kind
		    UNION ALL SELECT line_type, count(DISTINCT person_id), count(*), sum(amount_fen) FROM ledger WHERE run_month = $m GROUP BY line_type")
	# 2026-09 posts opening lines (the go-live history): 14,220.00 of README.md
	grep -q '^opening [0-9]* 44 14220.00$' <(squeeze <"$tmp/r.out") || { echo "opening row"; return 1; }
	grep -q '^regular 0 0 0.00$' <(squeeze <"$tmp/r.out") || { echo "regular row"; return 1; }
}
check "summary 2026-09 rows by kind and line type equal sqlite3 groups" t_summary_rows

t_summary_payments() {
	report summary --month 2026-11
	grep -q "^payments made $(q "SELECT count(*) || ' ' FROM payments WHERE run_month = 202611")$(yuan "$(q "SELECT sum(amount_fen) FROM payments WHERE run_month = 202611")")\$" <(squeeze <"$tmp/r.out") &&
		grep -q '^payments held 2 19100.00$' <(squeeze <"$tmp/r.out") &&
		grep -q '^payments made 8 2990.00$' <(squeeze <"$tmp/r.out")
}
check "summary 2026-11 payments made and held (README: 2,990.00 transferred)" t_summary_payments

# ---- text alignment by display width (Chinese names are 2 columns a character) ----
t_alignment() {
	report reconciliation --month 2026-11
	python3 - "$tmp/r.out" <<'EOF'
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("outstanding:"))
block = []
for l in lines[i + 1:]:
    if not l:
        break
    block.append(l)
rows = [l for l in block[2:] if not l.startswith("-")]
widths = {width(l) for l in rows}
rule = width(block[1])
assert len(rows) > 10, rows
assert widths == {rule}, (widths, rule)   # every amount ends in the rule's last column
assert any("浙江恒达五金工具有限公司" in l for l in rows) and any("李俊杰" in l for l in rows)
EOF
}
check "text tables align by display width (CJK names)" t_alignment

# ---- changes ----
t_changes_2026_10() {
	report changes --month 2026-10
	expect_eq "exit" "$(cat "$tmp/r.rc")" 0 || return 1
	grep -q '^330723199004076257 王海峰 TECH 200.00$' <(squeeze <"$tmp/r.out") ||
		{ echo "P05 is not listed as new"; return 1; }
	grep -q '^330723197602187628 潘丽娟 TECH 200.00 retired R[46]g\?$' <(squeeze <"$tmp/r.out") ||
		{ echo "P08 is not listed as stopped: retired"; return 1; }
}
check "changes 2026-10: P05 new (late insurance row), P08 stopped: retired" t_changes_2026_10

t_changes_2026_11() {
	local entitled
	report changes --month 2026-11
	grep -q '^330723197105081689 吴秀芳 SRTECH 300.00 retired R6$' <(squeeze <"$tmp/r.out") ||
		{ echo "P09 is not listed as stopped: retired R6"; return 1; }
	# entitled for 2026-11: the payees whose lines for service month 2026-11 sum above zero
	entitled=$(q "SELECT count(*) || ' ' || sum(a) FROM (SELECT sum(amount_fen) a FROM ledger WHERE service_month = 202611 GROUP BY payee_id HAVING a > 0)")
	grep -q "^entitled in either month 9 2090.00 $(yuan "${entitled#* }") -300.00\$" <(squeeze <"$tmp/r.out") ||
		{ echo "overview totals (want 2026-11 $(yuan "${entitled#* }"))"; return 1; }
}
check "changes 2026-11: P09 stopped (retired, R6); overview adds up to the ledger" t_changes_2026_11

t_changes_first_month() {   # 2026-09 carries no 2026-09 insurance rows yet: R1 for everyone
	report changes --month 2026-09
	grep -q '^330723198312015355 汤卫东 TECH 200.00 no local social insurance R1$' <(squeeze <"$tmp/r.out") &&
		grep -q '^91330723147836056G 武义金帆电器有限公司 CHIEF 500.00 no social insurance or enterprise allowance at the employer R13$' <(squeeze <"$tmp/r.out")
}
check "changes 2026-09: stopped persons R1, stopped employer R13" t_changes_first_month

t_changes_changed() {   # a copy whose ledger gives P03 1.00 more for 2026-11 (hash chain aside)
	cp "$db" "$tmp/changed.db"
	sqlite3 "$tmp/changed.db" "INSERT INTO ledger(run_month, payee_id, person_id, service_month, kind, line_type,
		amount_fen, funding, rule, clause, prev_hash, hash) VALUES (202611, '33072319790825853X', '33072319790825853X',
		202611, 'TECH', 'retro', 100, 'TALENT', 'R4', '二.10', '', '')" || return 1
	"$bin" --db "$tmp/changed.db" report changes --month 2026-11 >"$tmp/c.out" 2>&1 || return 1
	squeeze <"$tmp/c.out" >"$tmp/c"
	grep -q '^33072319790825853X 何国平 200.00 201.00 1.00$' "$tmp/c" &&
		grep -q '^changed 1 200.00 201.00 1.00$' "$tmp/c" &&
		grep -q '^entitled in either month 9 2090.00 1791.00 -299.00$' "$tmp/c"
}
check "changes lists a changed amount and the overview follows it" t_changes_changed

# ---- reconciliation ----
t_reconciliation() {
	local settled rejected outstanding all
	report reconciliation --month 2026-11
	expect_eq "exit" "$(cat "$tmp/r.rc")" 0 || return 1
	settled=$(q "SELECT count(*) || ' ' || sum(amount_fen) FROM payments WHERE end_to_end_id IN ('${e2e[0]}', '${e2e[2]}')")
	rejected=$(q "SELECT amount_fen FROM payments WHERE end_to_end_id = '${e2e[1]}'")
	outstanding=$(q "SELECT count(*) || ' ' || sum(amount_fen) FROM payments WHERE run_month = 202611 AND end_to_end_id NOT IN ('${e2e[0]}', '${e2e[1]}', '${e2e[2]}')")
	all=$(q "SELECT sum(amount_fen) FROM payments WHERE end_to_end_id NOT IN ('${e2e[0]}', '${e2e[1]}', '${e2e[2]}')")
	squeeze <"$tmp/r.out" >"$tmp/rec"
	grep -q "^settled ${settled% *} $(yuan "${settled#* }")\$" "$tmp/rec" || { echo "settled"; return 1; }
	grep -q "^rejected 1 $(yuan "$rejected")\$" "$tmp/rec" || { echo "rejected"; return 1; }
	grep -q "^outstanding ${outstanding% *} $(yuan "${outstanding#* }")\$" "$tmp/rec" || { echo "outstanding"; return 1; }
	grep -q '^instructed 8 2990.00$' "$tmp/rec" || { echo "instructed"; return 1; }
	grep -q 'settled + rejected + outstanding: adds up$' "$tmp/rec" || { echo "adds-up note"; return 1; }
	grep -q "^AC04 closed account 1 $(yuan "$rejected")\$" "$tmp/rec" || { echo "by reason"; return 1; }
	grep -q "^${e2e[1]} .* $(yuan "$rejected") AC04\$" "$tmp/rec" || { echo "rejected list"; return 1; }
	# outstanding: 2026-09 and 2026-10 (never returned) and the five left of 2026-11
	expect_eq "outstanding total" "$(grep '^total' "$tmp/rec" | tail -1)" "total $(yuan "$all")"
}
check "reconciliation 2026-11: instructed = settled + rejected + outstanding, to the fen" t_reconciliation

t_reconciliation_broken() {   # a status no bank return gives: the report says where
	cp "$db" "$tmp/broken.db"
	sqlite3 "$tmp/broken.db" "INSERT INTO payment_status(payment_id, batch_id, status) SELECT payment_id, 1, 'lost' FROM payments WHERE end_to_end_id = '${e2e[0]}'"
	"$bin" --db "$tmp/broken.db" report reconciliation --month 2026-11 >"$tmp/b.out" 2>&1 || return 1
	grep -q '^DOES NOT ADD UP: instructed for 2026-11 8 payments, 2990.00; settled + rejected + outstanding 7 payments' "$tmp/b.out" &&
		grep -q "payment '${e2e[0]}' of .* has the status 'lost'" "$tmp/b.out"
}
check "reconciliation names the payment that breaks the sum" t_reconciliation_broken

# ---- balances ----
t_balances() {
	report balances --month 2026-11
	expect_eq "exit" "$(cat "$tmp/r.rc")" 0 || return 1
	squeeze <"$tmp/r.out" >"$tmp/bal"
	grep -q '^330723199209300216 李俊杰 -1000.00 -1000.00$' "$tmp/bal" || { echo "P06's debt"; return 1; }
	grep -q '^330723198110163069 钟美华 6300.00 no bank account$' "$tmp/bal" || { echo "P12 held"; return 1; }
	grep -q "^330723198707196728 雷小燕 12800.00 account name '蓝志勇' is not the payee's name '雷小燕' (BE01)\$" "$tmp/bal" ||
		{ echo "P13 held"; return 1; }
	grep -q '^total 19100.00$' "$tmp/bal" || { echo "held total"; return 1; }
	# before the appeal there was no debt
	report balances --month 2026-10
	! grep -q '^330723199209300216' "$tmp/r.out"
}
check "balances 2026-11: P06's -1,000.00 from the appeal, P12 and P13 held" t_balances

# ---- csv ----
t_csv() {
	report summary --month 2026-11 --format csv
	expect_eq "BOM" "$(head -c 3 "$tmp/r.out" | od -An -tx1 | tr -d ' ')" efbbbf || return 1
	grep -q $'^total,9,19,1990.00\r$' "$tmp/r.out" || { echo "csv total"; return 1; }
	grep -q $'^kind,persons,lines,amount\r$' "$tmp/r.out" || { echo "csv header"; return 1; }
	# the title holds commas: quoted (RFC 4180)
	grep -q '^.*"skillpay summary 2026-11 (closed .*, facts as of batch [0-9]*)"' "$tmp/r.out"
}
check "csv: BOM EF BB BF, CRLF, RFC 4180 quoting, yuan with two decimals" t_csv

t_csv_out() {
	report balances --month 2026-11 --format csv --out "$tmp/b.csv"
	expect_eq "exit" "$(cat "$tmp/r.rc")" 0 || return 1
	expect_eq "stdout" "$(cat "$tmp/r.out")" "" || return 1
	expect_eq "mode" "$(stat -c %a "$tmp/b.csv")" 600 || return 1
	grep -q $'^330723199209300216,李俊杰,-1000.00,-1000.00\r$' "$tmp/b.csv"
}
check "csv --out: file mode 0600, nothing on stdout" t_csv_out

# ---- xlsx ----
t_xlsx() {
	report summary --month 2026-11 --format xlsx --out "$tmp/s.xlsx"
	expect_eq "exit" "$(cat "$tmp/r.rc")" 0 || return 1
	expect_eq "mode" "$(stat -c %a "$tmp/s.xlsx")" 600 || return 1
	unzip -p "$tmp/s.xlsx" xl/worksheets/sheet1.xml >"$tmp/sheet1.xml" || return 1
	# by kind: ACE 400.00, TECH 1000.00, CHIEF 590.00, total 1990.00 as numbers
	for v in 400 1000 590 1990; do
		grep -q "<v>$v</v>" "$tmp/sheet1.xml" || { echo "no number $v in sheet1.xml"; return 1; }
	done
	grep -q 'state="frozen"' "$tmp/sheet1.xml" || { echo "header not frozen"; return 1; }
	unzip -p "$tmp/s.xlsx" xl/styles.xml | grep -q 'formatCode="0.00"' || { echo "no 0.00 format"; return 1; }
	unzip -p "$tmp/s.xlsx" xl/styles.xml | grep -q '<b/>' || { echo "no bold"; return 1; }
	unzip -p "$tmp/s.xlsx" xl/sharedStrings.xml | grep -q 'payments made' || { echo "no strings"; return 1; }
	expect_eq "sheets" "$(unzip -l "$tmp/s.xlsx" | grep -c 'xl/worksheets/sheet[0-9]*.xml')" 4
}
check "xlsx: sheet1.xml holds the amounts as numbers, frozen bold header, 0.00" t_xlsx

t_xlsx_balances() {
	report balances --month 2026-11 --format xlsx --out "$tmp/b.xlsx"
	unzip -p "$tmp/b.xlsx" xl/worksheets/sheet1.xml | grep -q '<v>-1000</v>' &&
		unzip -p "$tmp/b.xlsx" xl/worksheets/sheet2.xml | grep -q '<v>19100</v>'
}
check "xlsx balances: the debt and the held total as numbers" t_xlsx_balances

# ---- refusals ----
t_refusals() {
	report summary --month 2026-12
	expect_eq "unknown month exit" "$(cat "$tmp/r.rc")" 3 || return 1
	expect_eq "unknown month stdout" "$(cat "$tmp/r.out")" "" || return 1
	grep -q "month '2026-12'" "$tmp/r.err" || return 1
	report summary --month 2026-11 --format xlsx
	expect_eq "xlsx without --out" "$(cat "$tmp/r.rc")" 1 || return 1
	report totals --month 2026-11
	expect_eq "unknown report" "$(cat "$tmp/r.rc")" 1 || return 1
	report summary --month 2026-13
	expect_eq "bad month" "$(cat "$tmp/r.rc")" 1 || return 1
	report summary
	expect_eq "no month" "$(cat "$tmp/r.rc")" 1 || return 1
	report summary --month 2026-11 --format pdf
	expect_eq "bad format" "$(cat "$tmp/r.rc")" 1 || return 1
	report changes --month 2026-11 extra
	expect_eq "extra argument" "$(cat "$tmp/r.rc")" 1 || return 1
	"$bin" --db "$tmp/none.db" report summary --month 2026-11 >/dev/null 2>&1
	expect_eq "no database" "$?" 3 || return 1
	[ ! -e "$tmp/none.db" ]
}
check "refusals: unknown month 3, usage 1, missing database 3" t_refusals

t_no_file_on_refusal() {
	report summary --month 2026-12 --format xlsx --out "$tmp/never.xlsx"
	expect_eq "exit" "$(cat "$tmp/r.rc")" 3 && [ ! -e "$tmp/never.xlsx" ]
}
check "a refused report writes no file" t_no_file_on_refusal

t_read_only() {
	sqlite3 "$db" .dump >"$tmp/dump.after" && cmp -s "$tmp/dump.before" "$tmp/dump.after"
}
check "the reports left the database unchanged (sqlite3 .dump)" t_read_only

# ---- a draft ----
t_draft() {
	cp "$db" "$tmp/draft.db"
	"$bin" --db "$tmp/draft.db" -q run --month 2026-12 >/dev/null 2>&1 || return 1
	"$bin" --db "$tmp/draft.db" report summary --month 2026-12 >"$tmp/d.out" 2>&1 || return 1
	grep -q '^skillpay summary 2026-12 (DRAFT run ' "$tmp/d.out" &&
		grep -q '^draft: 2026-12 is not closed' "$tmp/d.out"
}
check "the month of the current draft is reported as a draft" t_draft

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
