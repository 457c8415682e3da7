#!/usr/bin/env bash
# test_trust.sh - crash safety at every fault point, one writer at a time, a tamper-evident
# ledger (verify), replay, and files created 0600. $1 is the skillpay binary.
set -u
sp=${1:-build/skillpay}
case $sp in /*) ;; *) sp=$PWD/$sp ;; esac
root=$PWD
demo=$root/fixtures/demo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SKILLPAY_NOW=1796083200   # 2026-12-01T00:00:00Z: close times, hence files, are reproducible
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

# The cycle every crash test replays: each step a whole command.
steps=(
	"ingest $demo/persons.csv $demo/employers.csv $demo/employment.csv $demo/certificates.csv $demo/titles.csv"
	"ingest $demo/social_insurance.csv $demo/enterprise_allowance.csv $demo/discipline.csv $demo/chief_craftsmen.csv"
	"ingest $demo/bank_accounts.csv $demo/parameters.csv $demo/paid_history.csv"
	"run --month 2026-09"
	"close --month 2026-09"
	"export --month 2026-09 --format pain001 --out bank"
	"export --month 2026-09 --format cn-batch --out bank"
	"reconcile $demo/returns/2026-09.pain002.xml"
	"ingest $demo/2026-10/social_insurance-2026-10.csv $demo/2026-10/enterprise_allowance-2026-10.csv"
	"run --month 2026-10"
	"close --month 2026-10"
	"export --month 2026-10 --format pain001 --out bank"
	"export --month 2026-10 --format cn-batch --out bank"
)

# state DIR: what must not depend on a crash: the ledger CSV, the payments and their bank
# statuses, the closes, the batches, and the bank files byte for byte.
state() {
	(cd "$1" && "$sp" --db db ledger && sqlite3 db \
		"SELECT run_month, payee_id, amount_fen, end_to_end_id, account_no FROM payments ORDER BY payment_id;
		 SELECT payment_id, batch_id, status, reason_code FROM payment_status ORDER BY id;
		 SELECT run_month, as_of_batch, closed_at FROM closes ORDER BY run_month;
		 SELECT feed, file_name, rows_read, rows_loaded FROM batches ORDER BY batch_id;" &&
		ls bank && cat bank/*)
}

# cycle DIR FAULT: runs every step; a step that dies at FAULT (exit 99) is run again without it.
cycle() {
	local dir=$1 fault=$2 step rc
	mkdir -p "$dir/bank"
	(cd "$dir" && "$sp" -q --db db init) || return 1
	for step in "${steps[@]}"; do
		# shellcheck disable=SC2086
		(cd "$dir" && SKILLPAY_FAULT=$fault "$sp" -q --db db --config "$root/fixtures/demo/skillpay.ini" $step >/dev/null 2>&1)
		rc=$?
		if [ $rc -eq 99 ]; then
			echo "$step" >>"$dir/died"
			(cd "$dir" && "$sp" -q --db db --config "$root/fixtures/demo/skillpay.ini" $step >/dev/null 2>&1) || return 1
		elif [ $rc -ne 0 ]; then
			return 1
		fi
	done
}

cycle "$tmp/ref" none || notok "reference cycle runs"
state "$tmp/ref" >"$tmp/ref.state"
check "reference cycle posts lines" "[ \$(wc -l <$tmp/ref.state) -gt 100 ]"

for fault in ingest.after_first_row ingest.before_commit run.after_lines run.before_commit \
	close.after_lines close.after_payments close.before_commit export.before_rename \
	reconcile.before_commit; do
	d=$tmp/crash-$fault
	if ! cycle "$d" "$fault"; then
		notok "crash at $fault: rerun completes"
		continue
	fi
	check "crash at $fault: the fault point was reached" "[ -s $d/died ]"
	state "$d" >"$d.state"
	check "crash at $fault: ledger, payments, statuses, closes, batches and bank files identical to an uninterrupted run" \
		"cmp -s $tmp/ref.state $d.state"
	check "crash at $fault: integrity_check ok" "[ \"\$(sqlite3 $d/db 'PRAGMA integrity_check')\" = ok ]"
	check "crash at $fault: verify passes" "(cd $d && \"$sp\" -q --db db verify)"
done

# One writer at a time: a close sleeping inside its transaction holds the lock.
d=$tmp/lock
mkdir -p "$d"
cycle "$d" none >/dev/null
(cd "$d" && "$sp" -q --db db ingest "$demo/2026-11/social_insurance-2026-11.csv" && "$sp" -q --db db run --month 2026-11) >/dev/null 2>&1
(cd "$d" && SKILLPAY_FAULT=close.after_lines:sleep=3000 "$sp" -q --db db close --month 2026-11 >/dev/null 2>&1) &
holder=$!
sleep 1
start=$(date +%s)
(cd "$d" && "$sp" -q --db db run --month 2026-11 >"$d/out" 2>"$d/err")
rc=$?
check "a second writer is refused with exit 3 while the first holds the database" "[ $rc -eq 3 ]"
check "the refusal says another command holds the database" "grep -q 'another skillpay command holds the database' $d/err"
check "the refusal is at once (under 2 s)" "[ \$(( \$(date +%s) - start )) -lt 2 ]"
(cd "$d" && "$sp" -q --db db --wait 10 ingest "$demo/2026-11/enterprise_allowance-2026-11.csv" >/dev/null 2>&1)
rc=$?
wait $holder
check "--wait waits for the lock and then succeeds" "[ $rc -eq 0 ]"
check "the holder's close completed" "[ \$(sqlite3 $d/db 'SELECT count(*) FROM closes') -eq 3 ]"

# Tamper evidence: verify and replay on the reference database, then tampered copies.
check "verify passes on an untouched ledger" "(cd $tmp/ref && \"$sp\" -q --db db verify)"
check "replay of 2026-09 matches the ledger" "(cd $tmp/ref && \"$sp\" -q --db db replay --month 2026-09 >/dev/null)"
check "replay of 2026-10 matches the ledger" "(cd $tmp/ref && \"$sp\" -q --db db replay --month 2026-10 >/dev/null)"
check "replay of an unclosed month is exit 3" "(cd $tmp/ref && \"$sp\" -q --db db replay --month 2026-11 2>/dev/null); [ \$? -eq 3 ]"
check "UPDATE of a ledger line is refused by the schema" "! sqlite3 $tmp/ref/db 'UPDATE ledger SET amount_fen = 1 WHERE line_id = 1' 2>/dev/null"
check "DELETE of a ledger line is refused by the schema" "! sqlite3 $tmp/ref/db 'DELETE FROM ledger WHERE line_id = 1' 2>/dev/null"
tamper() {
	cp "$tmp/ref/db" "$tmp/t.db"
	sqlite3 "$tmp/t.db" "DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete; $1"
	"$sp" -q --db "$tmp/t.db" verify 2>"$tmp/t.err"
}
tamper "UPDATE ledger SET amount_fen = amount_fen + 100 WHERE line_id = 7"
check "verify: a changed amount is exit 4" "[ $? -eq 4 ] && grep -q 'line 7' $tmp/t.err"
tamper "DELETE FROM ledger WHERE line_id = 12"
check "verify: a deleted line is exit 4" "[ $? -eq 4 ] && grep -q 'line 13' $tmp/t.err"
tamper "DELETE FROM ledger WHERE line_id = (SELECT max(line_id) FROM ledger)"
check "verify: a deleted last line is exit 4" "[ $? -eq 4 ]"
tamper "UPDATE ledger SET line_id = -1 WHERE line_id = 3; UPDATE ledger SET line_id = 3 WHERE line_id = 4; UPDATE ledger SET line_id = 4 WHERE line_id = -1"
check "verify: two lines swapped is exit 4" "[ $? -eq 4 ] && grep -q 'line 3' $tmp/t.err"
tamper "UPDATE ledger SET appeal = 'forged' WHERE line_id = 20"
check "verify: a changed appeal reference is exit 4" "[ $? -eq 4 ] && grep -q 'line 20' $tmp/t.err"

tamper "DROP TRIGGER payments_no_update; UPDATE payments SET amount_fen = amount_fen + 1 WHERE payment_id = 2"
check "verify: a payment that is not the payee's balance at its close is exit 4" "[ $? -eq 4 ] && grep -q 'was paid or held' $tmp/t.err"
tamper "DELETE FROM holds WHERE rowid = (SELECT min(rowid) FROM holds)"
check "verify: a positive balance neither paid nor held is exit 4" "[ $? -eq 4 ] && grep -q 'was paid or held 0.00' $tmp/t.err"

# Bank files: verify --bank-dir checks what each file declares against the month's payments.
mkdir -p "$tmp/bank"
(cd "$tmp/ref" && for f in pain001 cn-batch; do "$sp" -q --db db --config "$root/fixtures/demo/skillpay.ini" \
	export --month 2026-09 --format $f --out "$tmp/bank" >/dev/null 2>&1; done)
check "verify --bank-dir passes on the exported files" "(cd $tmp/ref && \"$sp\" -q --db db verify --bank-dir $tmp/bank)"
cp "$tmp/bank/skillpay-2026-09.cn-batch.txt" "$tmp/cn.bak"
sed -i 's/^T,\([0-9]*\),/T,\1,1/' "$tmp/bank/skillpay-2026-09.cn-batch.txt"
(cd "$tmp/ref" && "$sp" -q --db db verify --bank-dir "$tmp/bank" 2>"$tmp/t.err")
check "verify --bank-dir: a trailer total that is not the month's payments is exit 4" "[ $? -eq 4 ] && grep -q 'does not declare' $tmp/t.err"
cp "$tmp/cn.bak" "$tmp/bank/skillpay-2026-09.cn-batch.txt"
sed -i 's/<Nm>/<Nm>X/' "$tmp/bank/skillpay-2026-09.pain001.xml"
(cd "$tmp/ref" && "$sp" -q --db db verify --bank-dir "$tmp/bank" 2>"$tmp/t.err")
check "verify --bank-dir: a file changed after export is exit 4" "[ $? -eq 4 ] && grep -q 'sha256' $tmp/t.err"
check "bank files are created mode 0600" "[ \"\$(stat -c %a $tmp/bank/skillpay-2026-09.cn-batch.txt)\" = 600 ]"

# Privacy: the database is created 0600.
check "the database is created mode 0600" "[ \"\$(stat -c %a $tmp/ref/db)\" = 600 ]"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
