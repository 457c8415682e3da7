#!/usr/bin/env bash
# test_reconcile.sh - skillpay reconcile FILE (CLI.md "Bank returns", RULES.md R10, R11).
#
# Usage: tests/cli/test_reconcile.sh [SKILLPAY]        (default: build/skillpay), from the repo root.
#
# Builds the demo base once (init; ingest fixtures/demo/*.csv; run + close 2026-09: 18 payments
# SP20260900000001 ... SP20260900000018), then copies it for every case. Each case checks the
# exit status, the exact messages or summary lines, the payment_status rows, and for a refused
# file that `sqlite3 DB .dump` is byte-identical before and after.
# Output is TAP, then "N passed, M failed"; exit status 0 only when every case passed.
set -u
export LC_ALL=C.UTF-8

bin=${1:-build/skillpay}
case $bin in
/*) ;;
*) bin="$PWD/$bin" ;;
esac
root=$PWD
demo="$root/fixtures/demo"

bail() {
	echo "Bail out! $*"
	exit 1
}

[ -x "$bin" ] || bail "no executable '$bin'"
command -v sqlite3 >/dev/null || bail "sqlite3 not found"
[ -r "$demo/returns/2026-09.csv" ] || bail "run from the repository root (no fixtures/demo/returns)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skillpay-reconcile.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# P08 潘丽娟 (payment 4, 2800.00) and P10 汤卫东 (payment 8, 7200.00) are the demo's rejections.
P08=330723197602187628
P10=330723198312015355

base="$tmp/base.db"
"$bin" --db "$base" -q init >/dev/null 2>"$tmp/err" || bail "init: $(head -c 300 "$tmp/err")"
"$bin" --db "$base" -q ingest "$demo"/*.csv >/dev/null 2>"$tmp/err" || bail "ingest: $(head -c 300 "$tmp/err")"
"$bin" --db "$base" run --month 2026-09 >/dev/null 2>&1 || bail "run 2026-09 failed"
"$bin" --db "$base" close --month 2026-09 >/dev/null 2>&1 || bail "close 2026-09 failed"
[ "$(sqlite3 "$base" "SELECT count(*) || ' ' || sum(amount_fen) FROM payments")" = "18 16424000" ] ||
	bail "the demo close did not make the 18 payments of 164240.00 the fixtures expect"

n=0
passed=0
failed=0
ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1 ($2)"
}
# check NAME WHY-IF-FAILED: ok when the last command in the caller's && chain succeeded.
check() {
	if [ "$2" = "" ]; then ok "$1"; else not_ok "$1" "$2"; fi
}

fresh() {   # fresh NAME: a copy of the base database at $tmp/NAME.db
	db="$tmp/$1.db"
	cp "$base" "$db"
}
sp() { "$bin" --db "$db" "$@" >"$tmp/out" 2>"$tmp/err"; }
q() { sqlite3 "$db" "$1"; }
statuses() { q "SELECT group_concat(payment_id || ':' || status || ':' || ifnull(reason_code, '-'), ' ') FROM (SELECT * FROM payment_status ORDER BY id)"; }
# The balance of a payee by R10: ledger lines (not opening) minus payments not rejected.
balance() {
	q "SELECT (SELECT ifnull(sum(amount_fen), 0) FROM ledger WHERE payee_id = '$1' AND line_type <> 'opening')
	  - (SELECT ifnull(sum(amount_fen), 0) FROM payments p WHERE payee_id = '$1' AND ifnull((SELECT status
	  FROM payment_status s WHERE s.payment_id = p.payment_id ORDER BY id DESC LIMIT 1), '') <> 'rejected')"
}
e2e() { printf 'SP202609%08d' "$1"; }

csv_all() {   # csv_all FILE STATUS: every 2026-09 payment with that status (settled)
	{
		echo "end_to_end_id,status,reason_code"
		for i in $(seq 1 18); do echo "$(e2e "$i"),$2,"; done
	} >"$1"
}

xml() {   # xml FILE GROUP-STATUS-XML TX-XML...: a pain.002.001.10 for SKILLPAY-2026-09
	local f=$1 grp=$2
	shift 2
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>'
		echo '<GrpHdr><MsgId>PSR-T</MsgId><CreDtTm>2026-10-08T09:30:00</CreDtTm></GrpHdr>'
		echo "<OrgnlGrpInfAndSts><OrgnlMsgId>SKILLPAY-2026-09</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>$grp</OrgnlGrpInfAndSts>"
		if [ $# -gt 0 ]; then
			echo '<OrgnlPmtInfAndSts><OrgnlPmtInfId>SKILLPAY-2026-09-TALENT</OrgnlPmtInfId>'
			for t in "$@"; do echo "$t"; done
			echo '</OrgnlPmtInfAndSts>'
		fi
		echo '</CstmrPmtStsRpt></Document>'
	} >"$f"
}
tx() {   # tx N STATUS-XML [AMOUNT]
	local amt=""
	[ $# -ge 3 ] && amt="<OrgnlTxRef><Amt><InstdAmt Ccy=\"CNY\">$3</InstdAmt></Amt></OrgnlTxRef>"
	echo "<TxInfAndSts><OrgnlEndToEndId>$(e2e "$1")</OrgnlEndToEndId>$2$amt</TxInfAndSts>"
}

# ---- usage ----
fresh usage
sp reconcile -h
check "-h prints the usage and exits 0" "$( [ $? = 0 ] && grep -q '^usage: skillpay reconcile FILE' "$tmp/out" || echo "out: $(head -c 200 "$tmp/out")")"
sp reconcile
rc=$?
check "no file is a usage error (exit 1)" "$( [ $rc = 1 ] && grep -q 'no bank return file given' "$tmp/err" || echo "rc=$rc")"
"$bin" --db "$tmp/nothing.db" reconcile "$demo/returns/2026-09.csv" >/dev/null 2>&1
rc=$?
check "a database that does not exist is exit 3" "$( [ $rc = 3 ] || echo "rc=$rc")"

# ---- settle all ----
fresh settle
csv_all "$tmp/all.csv" settled
sp reconcile "$tmp/all.csv"
rc=$?
why=""
[ $rc = 0 ] || why="rc=$rc $(head -c 300 "$tmp/err")"
[ "$(q "SELECT count(*), count(DISTINCT payment_id), sum(status = 'settled'), count(reason_code) FROM payment_status")" = "18|18|18|0" ] || why="$why statuses: $(statuses)"
[ "$(q "SELECT feed, file_name, rows_read, rows_loaded, rows_rejected, encoding FROM batches WHERE batch_id = (SELECT max(batch_id) FROM batches)")" = "bank_return|$tmp/all.csv|18|18|0|utf-8" ] || why="$why batch row"
[ "$(q "SELECT count(DISTINCT batch_id) FROM payment_status WHERE batch_id = (SELECT max(batch_id) FROM batches)")" = 1 ] || why="$why status batch"
[ "$(q "SELECT sha256 FROM batches WHERE feed = 'bank_return'")" = "$(sha256sum "$tmp/all.csv" | cut -d' ' -f1)" ] || why="$why sha256"
grep -q '^  settled          18      164240.00$' "$tmp/out" || why="$why summary: $(head -c 300 "$tmp/out")"
grep -q '^  rejected          0           0.00$' "$tmp/out" || why="$why rejected line"
check "settle all: 18 settled rows in one bank_return batch, summary 164240.00" "$why"

sp run --month 2026-10
why=""
[ "$(q "SELECT count(*) FROM draft_payments WHERE run_month = 202610 AND payee_id = '$P08'")" = 0 ] || why="P08 has a 2026-10 payment after settlement"
[ "$(balance "$P08")" = 0 ] || why="$why P08 balance $(balance "$P08")"
check "settled payments leave no balance (nothing paid again)" "$why"

# ---- the demo return: AC04 and BE01 (pain.002 with amounts) ----
fresh demo
sp reconcile "$demo/returns/2026-09.pain002.xml"
rc=$?
why=""
[ $rc = 0 ] || why="rc=$rc $(head -c 300 "$tmp/err")"
[ "$(q "SELECT group_concat(payment_id || ':' || reason_code) FROM payment_status WHERE status = 'rejected'")" = "4:AC04,8:BE01" ] || why="$why statuses: $(statuses)"
[ "$(q "SELECT count(*) FROM payment_status WHERE status = 'settled'")" = 16 ] || why="$why settled count"
grep -q '^  settled          16      154240.00$' "$tmp/out" || why="$why settled line: $(cat "$tmp/out")"
grep -q '^  rejected          2       10000.00$' "$tmp/out" || why="$why rejected line"
grep -q '^    AC04            1        2800.00$' "$tmp/out" || why="$why AC04 line"
grep -q '^    BE01            1        7200.00$' "$tmp/out" || why="$why BE01 line"
check "demo pain.002: 16 settled, AC04 2800.00 and BE01 7200.00 rejected" "$why"
demo_batch=$(q "SELECT max(batch_id) FROM batches")

why=""
[ "$(balance "$P08")" = 280000 ] || why="P08 balance $(balance "$P08")"
[ "$(balance "$P10")" = 720000 ] || why="$why P10 balance $(balance "$P10")"
check "R10: a rejected payment's amount is back in the balance" "$why"

cp "$db" "$tmp/demo-csv.db"
db="$tmp/demo-csv.db"
q "DELETE FROM payment_status; DELETE FROM batches WHERE feed = 'bank_return';"
sp reconcile "$demo/returns/2026-09.csv"
rc=$?
check "the demo CSV return says the same as its pain.002" "$( [ $rc = 0 ] && [ "$(q "SELECT group_concat(payment_id || ':' || status || ':' || ifnull(reason_code, '-'), ' ') FROM payment_status WHERE status = 'rejected'")" = "4:rejected:AC04 8:rejected:BE01" ] && [ "$(q "SELECT count(*) FROM payment_status")" = 18 ] || echo "rc=$rc $(statuses)")"
db="$tmp/demo.db"

# Next month: P08's 2800.00 (+ 200.00 retro for 2026-09) is held while no new account is known.
sp ingest "$demo"/2026-10/social_insurance-2026-10.csv "$demo"/2026-10/enterprise_allowance-2026-10.csv
sp run --month 2026-10
why=""
[ "$(q "SELECT amount_fen || '|' || hold_reason FROM draft_payments WHERE run_month = 202610 AND payee_id = '$P08'")" = "300000|last payment rejected (AC04) and no bank account row ingested since" ] ||
	why="P08 draft: $(q "SELECT * FROM draft_payments WHERE payee_id = '$P08'")"
[ "$(q "SELECT amount_fen || '|' || hold_reason FROM draft_payments WHERE run_month = 202610 AND payee_id = '$P10'")" = "720000|last payment rejected (BE01) and no bank account row ingested since" ] ||
	why="$why P10 draft: $(q "SELECT * FROM draft_payments WHERE payee_id = '$P10'")"
grep -q "payment of 3000.00 to '[^']*' held: last payment rejected (AC04)" "$tmp/err" || why="$why no warning"
check "R11: after AC04 the next run holds 3000.00 for the payee, naming the rejection" "$why"

# A bank_accounts row ingested after the rejection releases the hold: paid under a new EndToEndId.
printf 'payee_id,valid_from,account_no,account_name,bank_code\n%s,2026-10-15,6217000011112222333,潘丽娟,104338500037\n' "$P08" >"$tmp/bank_accounts.csv"
sp ingest "$tmp/bank_accounts.csv"
rc1=$?
sp run --month 2026-10
sp close --month 2026-10
rc2=$?
why=""
[ $rc1 = 0 ] && [ $rc2 = 0 ] || why="ingest rc=$rc1 close rc=$rc2 $(head -c 300 "$tmp/err")"
row=$(q "SELECT amount_fen, account_no, end_to_end_id FROM payments WHERE run_month = 202610 AND payee_id = '$P08'")
case $row in
"300000|6217000011112222333|SP202610"????????) ;;
*) why="$why payment: '$row'" ;;
esac
[ "$(q "SELECT count(*) FROM payments WHERE payee_id = '$P08' AND end_to_end_id = 'SP20260900000004'")" = 1 ] || why="$why old payment gone"
[ "$(q "SELECT amount_fen FROM holds WHERE run_month = 202610 AND payee_id = '$P10'")" = 720000 ] || why="$why P10 not held"
[ "$(balance "$P08")" = 0 ] || why="$why P08 balance $(balance "$P08")"
check "R11: a new bank_accounts row after the rejection: 3000.00 paid to the new account, new EndToEndId" "$why"
[ "$(q "SELECT count(*) FROM bank_accounts WHERE payee_id = '$P08' AND batch_in > $demo_batch")" = 1 ]
check "the releasing bank_accounts row came after the rejecting batch" "$( [ $? = 0 ] || echo "batch order")"

# ---- refusals: nothing applied, database unchanged ----
refused() {   # refused NAME FILE EXPECTED-STDERR-LINE...: exit 2, each line in stderr, dump unchanged
	local name=$1 file=$2 why="" rc
	shift 2
	sqlite3 "$db" .dump >"$tmp/before"
	sp reconcile "$file"
	rc=$?
	sqlite3 "$db" .dump >"$tmp/after"
	[ $rc = 2 ] || why="rc=$rc"
	for line in "$@"; do
		grep -qxF -- "$line" "$tmp/err" || why="$why missing '$line' in: $(head -c 400 "$tmp/err")"
	done
	cmp -s "$tmp/before" "$tmp/after" || why="$why database changed"
	check "$name" "$why"
}

fresh unknown
{
	echo "end_to_end_id,status,reason_code"
	echo "$(e2e 1),settled,"
	echo "SP20260999999999,settled,"
	echo "$(e2e 2),rejected,AC01"
	echo "SP20261000000001,rejected,AC04"
} >"$tmp/unknown.csv"
refused "unknown EndToEndId: exit 2, every one listed as FILE:LINE: column: reason, nothing applied" "$tmp/unknown.csv" \
	"$tmp/unknown.csv:3: end_to_end_id: unknown EndToEndId: no payment carries it" \
	"$tmp/unknown.csv:5: end_to_end_id: unknown EndToEndId: no payment carries it" \
	"skillpay: '$tmp/unknown.csv': 2 problems, nothing applied"

xml "$tmp/unknown.xml" "" "$(tx 1 '<TxSts>ACSC</TxSts>')" \
	"<TxInfAndSts><OrgnlEndToEndId>SPX</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"
refused "unknown EndToEndId in pain.002: FILE: EndToEndId 'X': reason" "$tmp/unknown.xml" \
	"$tmp/unknown.xml: EndToEndId 'SPX': unknown EndToEndId: no payment carries it"

fresh amount
xml "$tmp/amount.xml" "" "$(tx 1 '<TxSts>ACSC</TxSts>' 4200.00)" "$(tx 2 '<TxSts>ACSC</TxSts>' 3400.01)" \
	"$(tx 3 '<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf>' 93.00)"
refused "amount mismatch: exit 2, both listed with both amounts" "$tmp/amount.xml" \
	"$tmp/amount.xml: EndToEndId '$(e2e 2)': amount 3400.01 differs from the payment's 3400.00" \
	"$tmp/amount.xml: EndToEndId '$(e2e 3)': amount 93.00 differs from the payment's 9300.00" \
	"skillpay: '$tmp/amount.xml': 2 problems, nothing applied"

fresh conflict
printf 'end_to_end_id,status,reason_code\n%s,rejected,AC04\n' "$(e2e 4)" >"$tmp/reject4.csv"
sp reconcile "$tmp/reject4.csv"
rc=$?
reject_batch=$(q "SELECT max(batch_id) FROM batches")
printf 'end_to_end_id,status,reason_code\n%s,settled,\n%s,settled,\n' "$(e2e 3)" "$(e2e 4)" >"$tmp/settle4.csv"
refused "rejected then settled is a conflict: exit 2, nothing applied" "$tmp/settle4.csv" \
	"$tmp/settle4.csv:3: end_to_end_id: rejected (AC04) by batch $reject_batch, cannot be settled now: a conflict"
[ $rc = 0 ] && [ "$(statuses)" = "4:rejected:AC04" ]
check "after the refused conflict only the rejection stands" "$( [ $? = 0 ] || echo "rc=$rc $(statuses)")"

fresh conflict1
printf 'end_to_end_id,status,reason_code\n%s,rejected,AC06\n%s,settled,\n' "$(e2e 5)" "$(e2e 5)" >"$tmp/within.csv"
refused "rejected then settled inside one file is a conflict too" "$tmp/within.csv" \
	"$tmp/within.csv:3: end_to_end_id: rejected (AC06) by batch $(($(q "SELECT max(batch_id) FROM batches") + 1)), cannot be settled now: a conflict"

fresh conflict2
xml "$tmp/conflict.xml" "" "$(tx 6 '<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf>')" "$(tx 6 '<TxSts>ACSC</TxSts>')"
refused "a pain.002 conflict names the EndToEndId" "$tmp/conflict.xml" \
	"$tmp/conflict.xml: EndToEndId '$(e2e 6)': rejected (AC01) by batch $(($(q "SELECT max(batch_id) FROM batches") + 1)), cannot be settled now: a conflict"
printf '%s,rejected,AC04\n' "$P08" >"$tmp/noheader.csv"
refused "a header cell echoing an identity number is masked (privacy)" "$tmp/noheader.csv" \
	"$tmp/noheader.csv:1: end_to_end_id: header column 1 is '330723********7628', expected 'end_to_end_id'"

fresh malformed
printf '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">\n<CstmrPmtStsRpt>\n</Document>\n' >"$tmp/broken.xml"
refused "malformed XML: exit 2 with the line, nothing applied" "$tmp/broken.xml" \
	"$tmp/broken.xml:4: -: Opening and ending tag mismatch: CstmrPmtStsRpt line 3 and Document"
xml "$tmp/invalid.xml" "<GrpSts>ACSC</GrpSts>" "<TxInfAndSts><TxSts>ACSC</TxSts><OrgnlEndToEndId>$(e2e 1)</OrgnlEndToEndId></TxInfAndSts>"
sqlite3 "$db" .dump >"$tmp/before"
sp reconcile "$tmp/invalid.xml"
rc=$?
sqlite3 "$db" .dump >"$tmp/after"
check "schema-invalid pain.002: exit 2, named by line, nothing applied" "$( [ $rc = 2 ] && grep -q "^$tmp/invalid.xml:6: -: Element 'OrgnlEndToEndId': This element is not expected" "$tmp/err" && cmp -s "$tmp/before" "$tmp/after" || echo "rc=$rc $(head -c 300 "$tmp/err")")"
printf 'id,status,reason_code\n%s,settled,\n' "$(e2e 1)" >"$tmp/header.csv"
refused "bad CSV header: exit 2" "$tmp/header.csv" \
	"$tmp/header.csv:1: end_to_end_id: header column 1 is 'id', expected 'end_to_end_id'"
printf 'end_to_end_id,status,reason_code\n%s,rejected,\n%s,returned,AC04\n' "$(e2e 1)" "$(e2e 2)" >"$tmp/rows.csv"
refused "missing reason code and unknown status: exit 2, both listed" "$tmp/rows.csv" \
	"$tmp/rows.csv:2: reason_code: a rejected payment needs a reason code (e.g. AC04)" \
	"$tmp/rows.csv:3: status: 'returned' is not settled or rejected"

# ---- settled then rejected: a return ----
fresh return
csv_all "$tmp/all.csv" settled
sp reconcile "$tmp/all.csv"
sp run --month 2026-10
before_draft=$(q "SELECT count(*) FROM draft_payments WHERE payee_id = '$P08'")
xml "$tmp/return.xml" "" "$(tx 4 '<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>' 2800.00)"
sp reconcile "$tmp/return.xml"
rc=$?
why=""
[ $rc = 0 ] || why="rc=$rc $(head -c 300 "$tmp/err")"
[ "$(q "SELECT group_concat(status || ':' || ifnull(reason_code, '-'), ' ') FROM (SELECT * FROM payment_status WHERE payment_id = 4 ORDER BY id)")" = "settled:- rejected:AC04" ] || why="$why rows: $(statuses)"
grep -q '^  returns           1 ' "$tmp/out" || why="$why summary: $(cat "$tmp/out")"
[ "$(balance "$P08")" = 280000 ] || why="$why balance $(balance "$P08")"
check "settled then rejected is a return: accepted, a rejected row appended, 2800.00 back in the balance" "$why"
sp run --month 2026-10
check "after the return the next run holds P08's 2800.00 (it had no payment before)" "$( [ "$before_draft" = 0 ] && [ "$(q "SELECT amount_fen || '|' || hold_reason FROM draft_payments WHERE run_month = 202610 AND payee_id = '$P08'")" = "280000|last payment rejected (AC04) and no bank account row ingested since" ] || echo "before=$before_draft $(q "SELECT * FROM draft_payments WHERE payee_id = '$P08'")")"

# ---- the same file twice ----
fresh twice
sp reconcile "$demo/returns/2026-09.csv"
first=$(q "SELECT max(batch_id) FROM batches")
sqlite3 "$db" .dump >"$tmp/before"
sp reconcile "$demo/returns/2026-09.csv"
rc=$?
sqlite3 "$db" .dump >"$tmp/after"
check "the same file twice: the second read is a no-op (exit 0) naming the batch" "$( [ $rc = 0 ] && cmp -s "$tmp/before" "$tmp/after" && grep -qxF "$demo/returns/2026-09.csv: already read as batch $first, nothing to do" "$tmp/err" || echo "rc=$rc $(head -c 300 "$tmp/err")")"
cp "$demo/returns/2026-09.csv" "$tmp/copy.csv"
"$bin" --db "$db" --json reconcile "$tmp/copy.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "same bytes under another name: no-op, --json says already" "$( [ $rc = 0 ] && grep -qxF "{\"file\":\"$tmp/copy.csv\",\"batch\":$first,\"already\":true}" "$tmp/out" || echo "rc=$rc $(cat "$tmp/out")")"
# Same statuses in a different file: a batch is recorded, no status row repeated.
printf 'end_to_end_id,status,reason_code\n%s,settled,\n%s,rejected,AC04\n' "$(e2e 1)" "$(e2e 4)" >"$tmp/again.csv"
"$bin" --db "$db" --json reconcile "$tmp/again.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a status equal to the current one is not appended again" "$( [ $rc = 0 ] && [ "$(q "SELECT count(*) FROM payment_status")" = 18 ] && grep -q '"recorded":0,"unchanged":2}' "$tmp/out" || echo "rc=$rc $(cat "$tmp/out")")"

# ---- group status ----
fresh group
xml "$tmp/group.xml" "<GrpSts>ACSC</GrpSts>" "$(tx 1 '')" "$(tx 2 '')" \
	"$(tx 4 '<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>')" "$(tx 5 '<TxSts>PDNG</TxSts>')"
sp reconcile "$tmp/group.xml"
rc=$?
check "GrpSts applies to every listed payment without its own TxSts" "$( [ $rc = 0 ] && [ "$(statuses)" = "1:settled:- 2:settled:- 4:rejected:AC04" ] || echo "rc=$rc $(statuses) $(head -c 300 "$tmp/err")")"
fresh group-all
xml "$tmp/group-all.xml" "<GrpSts>ACCP</GrpSts>"
"$bin" --db "$db" --json reconcile "$tmp/group-all.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "GrpSts with no payment listed applies to every payment of SKILLPAY-2026-09" "$( [ $rc = 0 ] && [ "$(q "SELECT count(*) || '|' || sum(status = 'settled') FROM payment_status")" = "18|18" ] && grep -q '"payments":18,"settled":18,"settled_total":"164240.00"' "$tmp/out" || echo "rc=$rc $(cat "$tmp/out" "$tmp/err")")"
fresh group-rjct
xml "$tmp/group-rjct.xml" "<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>" "$(tx 3 '')"
sp reconcile "$tmp/group-rjct.xml"
rc=$?
check "a rejecting GrpSts carries its group reason code" "$( [ $rc = 0 ] && [ "$(statuses)" = "3:rejected:AM04" ] || echo "rc=$rc $(statuses)")"

# ---- pending ----
fresh pending
xml "$tmp/pending.xml" "" "$(tx 1 '<TxSts>ACSP</TxSts>')" "$(tx 2 '<TxSts>ACTC</TxSts>')" "$(tx 3 '<TxSts>PDNG</TxSts>' 9300.00)"
sp reconcile "$tmp/pending.xml"
rc=$?
why=""
[ $rc = 0 ] || why="rc=$rc $(head -c 300 "$tmp/err")"
[ "$(q "SELECT count(*) FROM payment_status")" = 0 ] || why="$why rows: $(statuses)"
[ "$(q "SELECT rows_read FROM batches WHERE feed = 'bank_return'")" = 3 ] || why="$why no batch"
grep -q '^  pending           3       16900.00$' "$tmp/out" || why="$why summary: $(cat "$tmp/out")"
check "ACSP, ACTC, PDNG leave the payments pending: no status row" "$why"
xml "$tmp/pending2.xml" "<GrpSts>ACTC</GrpSts>" "$(tx 4 '')" "$(tx 5 '<TxSts>ACSC</TxSts>')"
sp reconcile "$tmp/pending2.xml"
check "a pending group status adds no row for its payments" "$( [ "$(statuses)" = "5:settled:-" ] || echo "$(statuses)")"

# ---- crash before commit ----
fresh fault
sqlite3 "$db" .dump >"$tmp/before"
SKILLPAY_FAULT=reconcile.before_commit "$bin" --db "$db" reconcile "$demo/returns/2026-09.csv" >/dev/null 2>&1
rc=$?
sqlite3 "$db" .dump >"$tmp/after"
sp reconcile "$demo/returns/2026-09.csv"
rc2=$?
check "a crash at reconcile.before_commit leaves nothing; the file reads fully afterwards" "$( [ $rc = 99 ] && cmp -s "$tmp/before" "$tmp/after" && [ $rc2 = 0 ] && [ "$(q "SELECT count(*) FROM payment_status")" = 18 ] || echo "rc=$rc rc2=$rc2")"

# ---- close after reconcile needs a new run ----
fresh stale
sp ingest "$demo"/2026-10/*.csv
sp run --month 2026-10
sp reconcile "$demo/returns/2026-09.csv"
sp close --month 2026-10
rc=$?
check "a draft older than the reconcile is refused by close (exit 3)" "$( [ $rc = 3 ] || echo "rc=$rc $(head -c 200 "$tmp/err")")"

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
