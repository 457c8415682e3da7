#!/usr/bin/env bash
# test_cli.sh - the program as a whole (CLI.md): -h on every command (git t0012), global
# options, exit codes for usage and state, init's migrations. $1 is the skillpay binary.
set -u
sp=${1:-build/skillpay}
case $sp in /*) ;; *) sp=$PWD/$sp ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
check() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; fi; }
commands="init ingest run close export reconcile report ledger explain verify replay"

for c in $commands; do
	check "$c -h prints its usage and exits 0" "\"$sp\" $c -h >$tmp/out 2>&1 && grep -q 'usage: skillpay' $tmp/out"
done
check "skillpay -h lists every command" "\"$sp\" -h >$tmp/out && for c in $commands; do grep -q \"   \$c \" $tmp/out || exit 1; done"
"$sp" frobnicate >/dev/null 2>&1
check "an unknown command is exit 1" "[ $? -eq 1 ]"
"$sp" >/dev/null 2>&1
check "no command is exit 1" "[ $? -eq 1 ]"
"$sp" --db "$tmp/db" run --month 2026-13 >/dev/null 2>&1
check "a bad --month is exit 1" "[ $? -eq 1 ]"
"$sp" --db "$tmp/db" run --month 2021-07 >/dev/null 2>&1
check "a month before the policy start is exit 1" "[ $? -eq 1 ]"
"$sp" --db "$tmp/db" run >/dev/null 2>&1
check "run without --month is exit 1" "[ $? -eq 1 ]"

for c in "ingest x.csv" "run --month 2026-11" "close --month 2026-11" "ledger" "verify" \
	"replay --month 2026-11" "explain 11010519491231002X --month 2026-11" "report summary --month 2026-11"; do
	# shellcheck disable=SC2086
	"$sp" --db "$tmp/none.db" $c >/dev/null 2>"$tmp/err"
	check "'$c' on a database that does not exist is exit 3" "[ $? -eq 3 ] && grep -q 'does not exist' $tmp/err"
done
check "no database file is left behind by those commands" "[ ! -e $tmp/none.db ]"

"$sp" -q --db "$tmp/db" init
check "init creates the database mode 0600" "[ \"\$(stat -c %a $tmp/db)\" = 600 ]"
check "init records every migration" "[ \"\$(sqlite3 $tmp/db 'SELECT count(*) FROM schema_migrations')\" -eq \$(ls migrations/*.sql | wc -l) ]"
check "init seeds the 17 parameters of RULES.md section 1" "[ \"\$(sqlite3 $tmp/db 'SELECT count(*) FROM parameters')\" -eq 17 ]"
sqlite3 "$tmp/db" .dump >"$tmp/before"
"$sp" --db "$tmp/db" init 2>"$tmp/err"
check "init again is idempotent: exit 0, nothing applied, nothing changed" "[ $? -eq 0 ] && grep -q '0 migrations applied' $tmp/err && sqlite3 $tmp/db .dump | cmp -s - $tmp/before"
SKILLPAY_DB=$tmp/db "$sp" ledger >"$tmp/out"
check "\$SKILLPAY_DB names the database" "[ \"\$(cat $tmp/out)\" = 'line_id,run_month,payee_id,person_id,service_month,kind,line_type,amount,funding,rule,clause,appeal' ]"
sqlite3 "$tmp/db" "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'now')"
"$sp" --db "$tmp/db" init 2>"$tmp/err"
check "init refuses a database made by a newer version (exit 3)" "[ $? -eq 3 ] && grep -q 'newer' $tmp/err"
sqlite3 "$tmp/plain.db" "CREATE TABLE t(x)"
"$sp" --db "$tmp/plain.db" ledger >/dev/null 2>"$tmp/err"
check "a database never initialised is exit 3" "[ $? -eq 3 ] && grep -q 'never initialised' $tmp/err"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
