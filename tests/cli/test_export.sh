#!/usr/bin/env bash
# test_export.sh - skillpay export: the bank files of a closed month (CLI.md "Bank files",
# "Configuration").
#
# Usage: tests/cli/test_export.sh [SKILLPAY]        (default: build/skillpay), from the repo root.
#
# Runs the demo cycle (init, ingest fixtures/demo/*.csv, run + close 2026-09) and exports both
# formats with fixtures/demo/skillpay.ini, then checks: sha256sum -c in DIR, xmllint --schema
# against ../shared/xsd/pain.001.001.09.xsd, the whole cn-batch file against one built from the
# payments table with sqlite3, control totals equal to the database's, EndToEndIds unique and at
# most 35 characters, byte-identical re-export, mode 0600, refusals (unclosed month: 3, no
# [payer] or key: 1, a name holding the delimiter or outside GBK: 2) leaving no file and the
# database unchanged, an empty month, and the export.before_rename fault point.
# Output is TAP, then "N passed, M failed"; exit status 0 only when every check passed.
# Needs bash, sqlite3, xmllint, iconv, sha256sum, cmp.
set -u
export LC_ALL=C.UTF-8

root=$(pwd)
bin=${1:-build/skillpay}
case $bin in
/*) ;;
*) bin="$root/$bin" ;;
esac
xsd="$(dirname "$root")/shared/xsd/pain.001.001.09.xsd"
ini="$root/fixtures/demo/skillpay.ini"

bail() {
	echo "Bail out! $*"
	exit 1
}

[ -x "$bin" ] || bail "no executable '$bin'"
for tool in sqlite3 xmllint iconv sha256sum cmp; do
	command -v $tool >/dev/null || bail "$tool not found"
done
[ -r "$xsd" ] || bail "no schema '$xsd'"
[ -r "$ini" ] || bail "no configuration '$ini'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skillpay-export.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
db="$tmp/t.db"
sp() { "$bin" --db "$db" --config "$ini" "$@"; }

n=0
passed=0
failed=0
check() {   # check NAME COMMAND...: one TAP line
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/check.out" 2>&1; then
		passed=$((passed + 1))
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/check.out" | head -20
	fi
}

# expect_exit CODE CMD...: runs CMD (stdout to $tmp/out, stderr to $tmp/err), wants status CODE.
expect_exit() {
	local want=$1 got
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got, want $want; stderr: $(head -c 400 "$tmp/err")"; return 1; }
}
err_has() { grep -qF -- "$1" "$tmp/err" || { echo "stderr lacks '$1': $(head -c 400 "$tmp/err")"; return 1; }; }
same_files() { cmp "$1" "$2"; }
empty_dir() { [ -z "$(ls -A "$1")" ] || { echo "'$1' holds: $(ls -A "$1")"; return 1; }; }
db_unchanged() { sqlite3 "$1" .dump >"$tmp/dump.now" && cmp -s "$2" "$tmp/dump.now" || { echo "database changed"; return 1; }; }

sp -q init >/dev/null 2>"$tmp/err" || bail "init failed: $(cat "$tmp/err")"
sp -q ingest "$root"/fixtures/demo/*.csv >/dev/null 2>"$tmp/err" || bail "ingest failed: $(head -c 400 "$tmp/err")"
sp -q run --month 2026-09 >/dev/null 2>&1 || bail "run 2026-09 failed"
sp -q close --month 2026-09 >/dev/null 2>&1 || bail "close 2026-09 failed"
sqlite3 "$db" .dump >"$tmp/dump.before" || bail "sqlite3 .dump failed"

q() { sqlite3 "$db" "$1"; }
count=$(q "SELECT count(*) FROM payments WHERE run_month = 202609")
total=$(q "SELECT printf('%d.%02d', sum(amount_fen) / 100, sum(amount_fen) % 100) FROM payments WHERE run_month = 202609")
closed_at=$(q "SELECT closed_at FROM closes WHERE run_month = 202609")
close_day=${closed_at:0:10}
[ "$count" -gt 0 ] || bail "the demo month 2026-09 has no payments"

out="$tmp/out-dir"
mkdir "$out"
xml="$out/skillpay-2026-09.pain001.xml"
txt="$out/skillpay-2026-09.cn-batch.txt"

echo "# $count payments totalling $total, closed at $closed_at"

check "export -h prints the usage and exits 0" \
	bash -c '"$0" export -h | grep -q "usage: skillpay export --month YYYY-MM --format pain001|cn-batch"' "$bin"
check "export pain001 exits 0" expect_exit 0 sp export --month 2026-09 --format pain001 --out "$out"
check "it says what it wrote" grep -qF "wrote $out/skillpay-2026-09.pain001.xml: $count payments totalling $total" "$tmp/out"
check "export cn-batch exits 0" expect_exit 0 sp export --month 2026-09 --format cn-batch --out "$out"
check "DIR holds the two files and their .sha256, nothing else" \
	bash -c '[ "$(ls -A "$0" | tr "\n" " ")" = "skillpay-2026-09.cn-batch.txt skillpay-2026-09.cn-batch.txt.sha256 skillpay-2026-09.pain001.xml skillpay-2026-09.pain001.xml.sha256 " ]' "$out"
check "sha256sum -c works in DIR" bash -c 'cd "$0" && sha256sum -c --strict skillpay-2026-09.pain001.xml.sha256 skillpay-2026-09.cn-batch.txt.sha256' "$out"
check "the .sha256 line is 'HEX  NAME'" \
	bash -c '[ "$(cat "$0.sha256")" = "$(sha256sum "$0" | cut -d" " -f1)  skillpay-2026-09.pain001.xml" ]' "$xml"
check "files are mode 0600" \
	bash -c 'for f in "$0"/*; do [ "$(stat -c %a "$f")" = 600 ] || { echo "$f: $(stat -c %a "$f")"; exit 1; }; done' "$out"
check "pain001 validates against pain.001.001.09.xsd" xmllint --noout --schema "$xsd" "$xml"
check "the database is unchanged by export" db_unchanged "$db" "$tmp/dump.before"

# ---- pain.001 content against the database ----
xp() { xmllint --xpath "$1" "$xml" 2>/dev/null; }
check "GrpHdr NbOfTxs and CtrlSum equal the payments table" \
	bash -c '[ "$1" = "$2" ] && [ "$3" = "$4" ] || { echo "NbOfTxs $1 vs $2, CtrlSum $3 vs $4"; exit 1; }' _ \
	"$(xp 'string(//*[local-name()="GrpHdr"]/*[local-name()="NbOfTxs"])')" "$count" \
	"$(xp 'string(//*[local-name()="GrpHdr"]/*[local-name()="CtrlSum"])')" "$total"
check "one PmtInf per funding source, each with its own totals" \
	bash -c '[ "$1" = "$2" ] && [ "$3" = "$4" ] && [ "$5" = "$6" ] && [ "$7" = "SKILLPAY-2026-09-TALENT" ] || { echo "$*"; exit 1; }' _ \
	"$(xp 'count(//*[local-name()="PmtInf"])')" "$(q "SELECT count(DISTINCT funding) FROM payments WHERE run_month = 202609")" \
	"$(xp 'string(//*[local-name()="PmtInf"][1]/*[local-name()="NbOfTxs"])')" "$count" \
	"$(xp 'string(//*[local-name()="PmtInf"][1]/*[local-name()="CtrlSum"])')" "$total" \
	"$(xp 'string(//*[local-name()="PmtInf"][1]/*[local-name()="PmtInfId"])')"
check "MsgId, CreDtTm (the close time) and ReqdExctnDt (the close date)" \
	bash -c '[ "$1" = SKILLPAY-2026-09 ] && [ "$2" = "$4" ] && [ "$3" = "$5" ] || { echo "$*"; exit 1; }' _ \
	"$(xp 'string(//*[local-name()="MsgId"])')" "$(xp 'string(//*[local-name()="CreDtTm"])')" \
	"$(xp 'string(//*[local-name()="ReqdExctnDt"]/*[local-name()="Dt"])')" "$closed_at" "$close_day"
check "Ccy is CNY on every amount" \
	bash -c '[ "$1" = "$2" ] || { echo "$1 CNY of $2"; exit 1; }' _ \
	"$(xp 'count(//*[local-name()="InstdAmt"][@Ccy="CNY"])')" "$count"
{ xp '//*[local-name()="EndToEndId"]/text()'; echo; } | sed '/^$/d' >"$tmp/e2e.xml"
q "SELECT end_to_end_id FROM payments WHERE run_month = 202609 ORDER BY end_to_end_id" >"$tmp/e2e.db"
check "EndToEndIds are the payments', in order" same_files "$tmp/e2e.db" "$tmp/e2e.xml"
check "EndToEndIds are unique and at most 35 characters" \
	bash -c '[ -z "$(sort "$0" | uniq -d)" ] && ! grep -qE "^.{36,}$" "$0" && [ "$(wc -l <"$0")" = "$1" ]' "$tmp/e2e.xml" "$count"
check "creditor names are UTF-8 Chinese, debtor is the configured payer" \
	bash -c 'grep -qF "<Nm>周德兴</Nm>" "$0" && grep -qF "<Nm>武义县财政局</Nm>" "$0" && grep -qF "<Id>33001234567890000001</Id>" "$0"' "$xml"
check "the sum of InstdAmt equals CtrlSum (integer fen)" \
	bash -c '[ "$(xmllint --xpath "//*[local-name()=\"InstdAmt\"]/text()" "$0" | tr -d . | awk "{ s += \$1 } END { print s }")" = "$(echo "$1" | tr -d .)" ]' "$xml" "$total"

# ---- cn-batch content against the database ----
memo="武义县技能人才津贴2026年09月"
{
	echo "H,SKILLPAY-2026-09,33001234567890000001,$count,$total,${close_day//-/}"
	q "SELECT printf('D,%d,%s,%s,%d.%02d,%s,%s,$memo', row_number() OVER (ORDER BY end_to_end_id), account_no,
	   account_name, amount_fen / 100, amount_fen % 100, bank_code, end_to_end_id)
	   FROM payments WHERE run_month = 202609 ORDER BY end_to_end_id"
	echo "T,$count,$total"
} >"$tmp/expected.txt"
iconv -f GBK -t UTF-8 "$txt" >"$tmp/got.txt" 2>"$tmp/iconv.err"
check "cn-batch is GBK (iconv reads it)" bash -c '[ ! -s "$0" ]' "$tmp/iconv.err"
check "cn-batch is not UTF-8 (Chinese text is two bytes a character)" bash -c '! grep -qF "周德兴" "$0"' "$txt"
check "cn-batch equals the file built from the payments table (H, D in EndToEndId order, T; LF)" \
	same_files "$tmp/expected.txt" "$tmp/got.txt"

# ---- determinism ----
mkdir "$tmp/again"
sleep 1   # a clock-dependent field would now differ
sp -q export --month 2026-09 --format pain001 --out "$tmp/again" >/dev/null 2>&1
sp -q export --month 2026-09 --format cn-batch --out "$tmp/again" >/dev/null 2>&1
check "re-export of pain001 is byte-identical" same_files "$xml" "$tmp/again/skillpay-2026-09.pain001.xml"
check "re-export of cn-batch is byte-identical" same_files "$txt" "$tmp/again/skillpay-2026-09.cn-batch.txt"
check "re-export gives the same .sha256" same_files "$xml.sha256" "$tmp/again/skillpay-2026-09.pain001.xml.sha256"
cp "$xml" "$tmp/xml.before"
check "re-export over the old files exits 0" expect_exit 0 sp export --month 2026-09 --format pain001 --out "$out"
check "... and leaves them byte-identical" same_files "$tmp/xml.before" "$xml"

mkdir "$tmp/utf8"
check "--encoding utf-8 overrides the configuration" \
	expect_exit 0 sp export --month 2026-09 --format cn-batch --encoding utf-8 --out "$tmp/utf8"
check "... and writes the same text in UTF-8" same_files "$tmp/expected.txt" "$tmp/utf8/skillpay-2026-09.cn-batch.txt"

check "--json prints the file, count and total" \
	bash -c '"$0" --db "$1" --config "$2" --json export --month 2026-09 --format pain001 --out "$3" |
		grep -qF "{\"month\":\"2026-09\",\"file\":\"$3/skillpay-2026-09.pain001.xml\",\"sha256\":\"$(cut -d" " -f1 "$3/skillpay-2026-09.pain001.xml.sha256")\",\"payments\":$4,\"total\":\"$5\"}"' \
	"$bin" "$db" "$ini" "$tmp/again" "$count" "$total"

# ---- configured delimiter and summary ----
cfg() { printf '[payer]\nname = 武义县财政局\naccount = 33001234567890000001\nbank_code = 105338000012\n[cn-batch]\n%s\n' "$1" >"$tmp/c.ini"; }
cfg $'summary = first\nencoding = utf-8\ndelimiter = ";"'
mkdir "$tmp/first"
check "summary = first, delimiter ';': exit 0" \
	expect_exit 0 "$bin" --db "$db" --config "$tmp/c.ini" export --month 2026-09 --format cn-batch --out "$tmp/first"
check "... H only, fields split by ';'" \
	bash -c 'head -n -1 "$0" | tr , ";" | cmp - "$1"' "$tmp/expected.txt" "$tmp/first/skillpay-2026-09.cn-batch.txt"
cfg $'summary = last\nencoding = utf-8'
mkdir "$tmp/last"
"$bin" --db "$db" --config "$tmp/c.ini" -q export --month 2026-09 --format cn-batch --out "$tmp/last" >/dev/null 2>&1
check "summary = last: T only" bash -c 'tail -n +2 "$0" | cmp - "$1"' "$tmp/expected.txt" "$tmp/last/skillpay-2026-09.cn-batch.txt"

# ---- refusals ----
mkdir "$tmp/none"
check "an unclosed month is refused (exit 3)" expect_exit 3 sp export --month 2026-10 --format pain001 --out "$tmp/none"
check "... naming the month" err_has "month '2026-10' is not closed"
check "... and writes nothing" empty_dir "$tmp/none"

printf '[cn-batch]\nencoding = gbk\n' >"$tmp/nopayer.ini"
check "no [payer] section is refused (exit 1)" \
	expect_exit 1 "$bin" --db "$db" --config "$tmp/nopayer.ini" export --month 2026-09 --format pain001 --out "$tmp/none"
check "... naming the keys" err_has "has no [payer] section: 'name', 'account' and 'bank_code'"
printf '[payer]\nname = 武义县财政局\nbank_code = 105338000012\n' >"$tmp/noaccount.ini"
check "[payer] without account is refused (exit 1)" \
	expect_exit 1 "$bin" --db "$db" --config "$tmp/noaccount.ini" export --month 2026-09 --format cn-batch --out "$tmp/none"
check "... naming 'account'" err_has "[payer] has no 'account'"
check "a missing configuration file is refused (exit 1)" \
	expect_exit 1 "$bin" --db "$db" --config "$tmp/missing.ini" export --month 2026-09 --format pain001 --out "$tmp/none"
check "\$SKILLPAY_CONFIG is read when --config is absent" \
	bash -c 'SKILLPAY_CONFIG="$1" "$0" --db "$2" export --month 2026-09 --format pain001 --out "$3"; [ $? = 1 ]' \
	"$bin" "$tmp/noaccount.ini" "$db" "$tmp/none"
check "./skillpay.ini is the default" \
	bash -c 'cd "$1" && cp "$2" skillpay.ini && env -u SKILLPAY_CONFIG "$0" --db "$3" -q export --month 2026-09 --format pain001 --out "$4" && [ -s "$4/skillpay-2026-09.pain001.xml" ]' \
	"$bin" "$tmp" "$ini" "$db" "$tmp/again"
check "a bad [cn-batch] value is refused (exit 1)" \
	bash -c 'printf "[payer]\nname=a\naccount=1\nbank_code=2\n[cn-batch]\nsummary = middle\n" >"$1/bad.ini"; "$0" --db "$2" --config "$1/bad.ini" export --month 2026-09 --format cn-batch --out "$1/none" 2>"$1/bad.err"; [ $? = 1 ] && grep -qF "bad.ini:6: [cn-batch] summary: '"'"'middle'"'"'" "$1/bad.err"' \
	"$bin" "$tmp" "$db"
check "no --format: exit 1" expect_exit 1 sp export --month 2026-09 --out "$tmp/none"
check "an unknown format: exit 1" expect_exit 1 sp export --month 2026-09 --format mt940 --out "$tmp/none"
check "an unknown encoding: exit 1" expect_exit 1 sp export --month 2026-09 --format cn-batch --encoding big5 --out "$tmp/none"
check "--encoding with pain001: exit 1" expect_exit 1 sp export --month 2026-09 --format pain001 --encoding gbk --out "$tmp/none"
check "no --out: exit 1" expect_exit 1 sp export --month 2026-09 --format pain001
check "a missing --out directory: exit 1" expect_exit 1 sp export --month 2026-09 --format pain001 --out "$tmp/nowhere"
check "no --month: exit 1" expect_exit 1 sp export --format pain001 --out "$tmp/none"
check "nothing was written by the refusals" empty_dir "$tmp/none"

# A payment whose account name holds the delimiter, or a character GBK lacks: payments are
# never updated, but a copy of the database can get one more row for the test.
bad="$tmp/bad.db"
cp "$db" "$bad"
sqlite3 "$bad" "INSERT INTO payments VALUES (9001, 202609, '330723199001010000', 100, 'TALENT', 'SP20260900009001',
	'6217000000000009001', '张三,李四', '105338000012')" || bail "cannot add a payment to the copy"
sqlite3 "$bad" .dump >"$tmp/bad.before"
check "a name holding the delimiter is refused (exit 2)" \
	expect_exit 2 "$bin" --db "$bad" --config "$ini" export --month 2026-09 --format cn-batch --out "$tmp/none"
check "... naming the payee (identity masked on stderr)" err_has "payee '330723********0000' (张三,李四): account_name '张三,李四' holds the delimiter"
check "... leaving no file behind" empty_dir "$tmp/none"
check "... and the database unchanged" db_unchanged "$bad" "$tmp/bad.before"
cfg $'delimiter = "|"'
check "the same name with delimiter '|' is exported" \
	expect_exit 0 "$bin" --db "$bad" --config "$tmp/c.ini" export --month 2026-09 --format cn-batch --out "$tmp/again"
check "... with the comma as text" \
	bash -c 'iconv -f GBK -t UTF-8 "$0" | grep -qF "D|$1|6217000000000009001|张三,李四|1.00|105338000012|SP20260900009001|"' \
	"$tmp/again/skillpay-2026-09.cn-batch.txt" "$((count + 1))"
cp "$db" "$bad"
sqlite3 "$bad" "INSERT INTO payments VALUES (9001, 202609, '330723199001010000', 100, 'TALENT', 'SP20260900009001',
	'6217000000000009001', '吉𠮷', '105338000012')" || bail "cannot add a payment to the copy"
check "a name GBK cannot encode is refused (exit 2)" \
	expect_exit 2 "$bin" --db "$bad" --config "$ini" export --month 2026-09 --format cn-batch --out "$tmp/none"
check "... naming the payee and GBK" err_has "payee '330723********0000' (吉𠮷): account_name '吉𠮷' cannot be written in GBK"
check "... leaving no file behind" empty_dir "$tmp/none"
check "... but --encoding utf-8 writes it" \
	expect_exit 0 "$bin" --db "$bad" --config "$ini" export --month 2026-09 --format cn-batch --encoding utf-8 --out "$tmp/again"
check "... and pain001 (UTF-8) keeps it" \
	bash -c '"$0" --db "$1" --config "$2" -q export --month 2026-09 --format pain001 --out "$3" && xmllint --noout --schema "$4" "$3/skillpay-2026-09.pain001.xml" 2>/dev/null && grep -qF "<Nm>吉𠮷</Nm>" "$3/skillpay-2026-09.pain001.xml"' \
	"$bin" "$bad" "$ini" "$tmp/again" "$xsd"

# ---- a month without payments ----
cp "$db" "$bad"
"$bin" --db "$bad" -q run --month 2026-10 >/dev/null 2>&1 && "$bin" --db "$bad" -q close --month 2026-10 >/dev/null 2>&1 ||
	bail "close 2026-10 on the copy failed"
if [ "$(sqlite3 "$bad" "SELECT count(*) FROM payments WHERE run_month = 202610")" = 0 ]; then
	check "a month without payments exits 0" \
		expect_exit 0 "$bin" --db "$bad" --config "$ini" export --month 2026-10 --format pain001 --out "$tmp/none"
	check "... says so" err_has "month '2026-10' has no payments: no bank file written"
	check "... and writes no file" empty_dir "$tmp/none"
else
	sqlite3 "$bad" "SELECT count(*) FROM payments WHERE run_month = 202610" | sed 's/^/# 2026-10 on the copy has payments: /'
	check "a month without payments (2026-10 has payments on the copy: not checked)" false
fi

# ---- crash before the rename ----
mkdir "$tmp/fault"
check "SKILLPAY_FAULT=export.before_rename stops the export (exit 99)" \
	bash -c 'SKILLPAY_FAULT=export.before_rename "$0" --db "$1" --config "$2" export --month 2026-09 --format pain001 --out "$3"; [ $? = 99 ]' \
	"$bin" "$db" "$ini" "$tmp/fault"
check "... leaving no file under the final name" \
	bash -c '[ ! -e "$0/skillpay-2026-09.pain001.xml" ] && [ ! -e "$0/skillpay-2026-09.pain001.xml.sha256" ]' "$tmp/fault"
check "... and an export after it gives the same bytes" \
	bash -c '"$0" --db "$1" --config "$2" -q export --month 2026-09 --format pain001 --out "$3" && cmp "$3/skillpay-2026-09.pain001.xml" "$4"' \
	"$bin" "$db" "$ini" "$tmp/fault" "$xml"
check "a crash during a re-export leaves the old file whole" \
	bash -c 'SKILLPAY_FAULT=export.before_rename "$0" --db "$1" --config "$2" export --month 2026-09 --format pain001 --out "$3"; cmp "$3/skillpay-2026-09.pain001.xml" "$4" && cd "$3" && sha256sum -c --quiet skillpay-2026-09.pain001.xml.sha256' \
	"$bin" "$db" "$ini" "$tmp/fault" "$xml"

check "the demo database is still unchanged" db_unchanged "$db" "$tmp/dump.before"

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
