#!/usr/bin/env bash
# test_ingest.sh - ingest as FEEDS.md says, for good files: --accept-partial and its rejects
# CSV, a file already ingested, supersede and retract kept as history, GBK, several files
# standing alone, --appeal, --feed. (Bad files: test_ingest_bad.sh.) $1: the binary.
set -u
sp=${1:-build/skillpay}
case $sp in /*) ;; *) sp=$PWD/$sp ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
n=0 failed=0
check() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; fi; }
s() { "$sp" --db "$tmp/db" "$@"; }
q() { sqlite3 "$tmp/db" "$1"; }
P1=11010519491231002X P2=330723198406121116 P3=33072319650110397X
E1=91350100M000100Y43

s -q init
printf 'person_id,name,retire_group,retired_on\n%s,张三,F55,\n%s,李四,M60,\n' $P1 $P2 >persons.csv
s ingest persons.csv 2>err
check "a good file loads: exit 0 and the counts" "[ $? -eq 0 ] && grep -q '2 rows read, 2 loaded, 0 rejected' err"
s ingest persons.csv 2>err
check "the same bytes again: exit 0, names the batch that holds them, changes nothing" "[ $? -eq 0 ] && grep -q 'already ingested as batch 1' err && [ \$(q 'SELECT count(*) FROM batches') -eq 2 ]"

# --accept-partial: good rows load, bad ones (both duplicates too) go to the rejects CSV.
printf 'person_id,month,employer_id,region\n%s,2024-01,%s,330723\n%s,2024-13,%s,330723\n%s,2024-02,%s,330723\n%s,2024-02,%s,330702\n%s,2024-03,%s,330723\n' \
	$P1 $E1 $P1 $E1 $P2 $E1 $P2 $E1 $P3 $E1 >social_insurance.csv
s ingest --accept-partial social_insurance.csv 2>err
check "--accept-partial: exit 0" "[ $? -eq 0 ]"
check "--accept-partial: the batch records read 5 = loaded 2 + rejected 3" "[ \"\$(q \"SELECT rows_read, rows_loaded, rows_rejected FROM batches WHERE feed = 'social_insurance'\")\" = '5|2|3' ]"
check "--accept-partial: the good rows are stored" "[ \$(q 'SELECT count(*) FROM social_insurance') -eq 2 ]"
check "--accept-partial: social_insurance.rejects.csv has the header and the 3 bad lines" "[ \"\$(head -1 social_insurance.rejects.csv)\" = 'line,column,reason,row' ] && [ \"\$(tail -n +2 social_insurance.rejects.csv | cut -d, -f1 | tr '\n' ' ')\" = '3 4 5 ' ]"
check "--accept-partial: the rejects file is mode 0600 (it holds identity numbers)" "[ \"\$(stat -c %a social_insurance.rejects.csv)\" = 600 ]"
check "--accept-partial: both duplicate rows are rejected, each naming the other line" "grep -q '^4,person_id,.*also on line 5' social_insurance.rejects.csv && grep -q '^5,person_id,.*also on line 4' social_insurance.rejects.csv"
check "--accept-partial: a bad row's column and reason, and the row itself" "grep -qx \"3,month,'2024-13' is not a month (YYYY-MM),\\\"$P1,2024-13,$E1,330723\\\"\" social_insurance.rejects.csv"
s ingest --accept-partial --rejects other.csv persons.csv 2>/dev/null
check "--rejects names the rejects file (none written when nothing is rejected)" "[ ! -e other.csv ]"

# Supersede and retract: nothing is overwritten.
printf 'person_id,name,retire_group,retired_on\n%s,张三丰,F55,\n' $P1 >persons-2.csv
s -q ingest persons-2.csv
b=$(q "SELECT max(batch_id) FROM batches")
check "a later row with the same key supersedes: the old row keeps its batch and gets batch_out" "[ \"\$(q \"SELECT name, batch_in, coalesce(batch_out, '-') FROM persons WHERE person_id = '$P1' ORDER BY id\" | tr '\n' ' ')\" = \"张三|1|$b 张三丰|$b|- \" ]"
printf 'person_id,name,retire_group,retired_on,op\n%s,,,,retract\n' $P2 >persons-3.csv
s -q ingest persons-3.csv
check "retract needs only the key and withdraws the current row (kept, with batch_out)" "[ \"\$(q \"SELECT count(*), sum(batch_out IS NULL) FROM persons WHERE person_id = '$P2'\")\" = '1|0' ]"
check "the facts as known at batch 1 still read back" "[ \$(q \"SELECT count(*) FROM persons WHERE batch_in <= 1 AND (batch_out IS NULL OR batch_out > 1)\") -eq 2 ]"

# Rows go to the database 64 at a time (ingest.c, INGEST_BLOCK_ROWS): a supersede, a
# retraction and duplicates inside and across blocks give what one row at a time would.
python3 - <<'PY' >ids.txt
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
for i in range(220):
    b = "3307231980%02d%02d%03d" % (1 + i % 12, 1 + i % 28, 100 + i)
    print(b + "10X98765432"[sum(int(c) * k for c, k in zip(b, w)) % 11])
PY
mapfile -t ID <ids.txt
si_rows() {  # MONTH FIRST LAST: one row per person FIRST..LAST
	for ((i = $2; i <= $3; i++)); do printf '%s,%s,%s,330723,\n' "${ID[$i]}" "$1" $E1; done
}
{ echo 'person_id,month,employer_id,region,op'; si_rows 2025-01 0 199; } >social_insurance-a.csv
s -q ingest social_insurance-a.csv
{ echo 'person_id,month,employer_id,region,op'; si_rows 2025-02 0 7
  printf '%s,2025-01,%s,330799,\n' "${ID[7]}" $E1; si_rows 2025-02 8 67
  printf '%s,2025-01,%s,330702,\n' "${ID[5]}" $E1; si_rows 2025-02 68 146
  printf '%s,2025-01,%s,,retract\n' "${ID[6]}" $E1; si_rows 2025-02 147 199; } >social_insurance-b.csv
s ingest social_insurance-b.csv 2>err
b=$(q "SELECT max(batch_id) FROM batches")
check "blocks: 203 rows (2 supersedes, 1 retraction) load" "grep -q '203 rows read, 203 loaded, 0 rejected' err"
check "blocks: 399 current rows (200 + 200 - 1 retracted)" "[ \$(q 'SELECT count(*) FROM social_insurance WHERE batch_out IS NULL AND month IN (202501, 202502)') -eq 399 ]"
check "blocks: a supersede inside a full block keeps the old row with batch_out" "[ \"\$(q \"SELECT region, batch_in = $b, coalesce(batch_out, 0) = $b FROM social_insurance WHERE person_id = '${ID[5]}' AND month = 202501 ORDER BY batch_in\" | tr '\n' ' ')\" = '330723|0|1 330702|1|0 ' ]"
check "blocks: a supersede in the first block too" "[ \"\$(q \"SELECT region FROM social_insurance WHERE person_id = '${ID[7]}' AND month = 202501 AND batch_out IS NULL\")\" = 330799 ]"
check "blocks: the retraction withdrew the current row" "[ \"\$(q \"SELECT count(*), sum(batch_out = $b) FROM social_insurance WHERE person_id = '${ID[6]}' AND month = 202501\")\" = '1|1' ]"
before=$(q 'SELECT count(*) FROM social_insurance')
{ echo 'person_id,month,employer_id,region'; si_rows 2025-03 0 17
  printf '%s,2025-03,%s,330702\n' "${ID[18]}" $E1; si_rows 2025-03 18 26
  printf '%s,2025-13,%s,330723\n' "${ID[200]}" $E1; si_rows 2025-03 27 145
  printf '%s,2025-03,%s,330723\n' "${ID[8]}" $E1; si_rows 2025-03 146 199; } | cut -d, -f1-4 >social_insurance-c.csv
s ingest social_insurance-c.csv 2>err
check "blocks: duplicates in one block and across blocks: exit 2, nothing stored" "[ $? -eq 2 ] && [ \$(q 'SELECT count(*) FROM social_insurance') -eq $before ]"
check "blocks: every problem named once, in line order, each duplicate naming the other line" "[ \"\$(grep '^social_insurance-c.csv:' err | sed 's/^social_insurance-c\\.//; s/ key .*also on line / /' | tr '\n' ';')\" = \"csv:21: person_id: duplicate 20;csv:30: month: '2025-13' is not a month (YYYY-MM);csv:150: person_id: duplicate 10;\" ]"
s ingest --accept-partial social_insurance-c.csv 2>err
check "blocks: --accept-partial rejects the four duplicate rows and the bad one, loads the rest" "grep -q '203 rows read, 198 loaded, 5 rejected' err && [ \"\$(tail -n +2 social_insurance-c.rejects.csv | cut -d, -f1 | tr '\n' ' ')\" = '10 20 21 30 150 ' ]"

# A block that finds a held key is undone and stored again row by row: ids stay in line order.
{ echo 'person_id,title,doc_no,doc_date'; for i in 0 1 2; do printf '%s,skill_ace,武政办〔2024〕%d号,2024-03-01\n' "${ID[$i]}" $i; done; } >titles-ids.csv
s -q ingest --feed titles titles-ids.csv
{ echo 'person_id,title,doc_no,doc_date'; for i in $(seq 0 63); do printf '%s,skill_ace,武政办〔2024〕%d号,2024-04-01\n' "${ID[$i]}" $i; done; } >titles-ids-2.csv
s -q ingest --feed titles titles-ids-2.csv
b=$(q "SELECT max(batch_id) FROM batches")
check "blocks: a block with supersedes stores its rows with ids in line order" "[ \"\$(q \"SELECT count(*) FROM titles a JOIN titles b ON a.batch_in = $b AND b.batch_in = $b AND a.line < b.line AND a.id > b.id\")\" = 0 ] && [ \$(q \"SELECT count(*) FROM titles WHERE batch_in = $b\") -eq 64 ] && [ \$(q \"SELECT count(*) FROM titles WHERE batch_out = $b\") -eq 3 ]"
# A file refused for its bytes still names the problems of the rows read before them.
{ echo 'person_id,month,employer_id,region,op'; si_rows 2025-05 0 2; si_rows 2025-05 1 1
  printf '%s,2025-01,%s,,retract\n' "${ID[210]}" $E1; printf '%s,2025-05,%s,"330723,\n' "${ID[3]}" $E1; } >social_insurance-d.csv
s ingest social_insurance-d.csv 2>err
check "blocks: a malformed row still lets the earlier problems be named" "[ $? -eq 2 ] && grep -q 'social_insurance-d.csv:5: person_id: duplicate' err && grep -q 'social_insurance-d.csv:6: op: retracts a key that is not known' err"

# GBK: the same content in GBK loads to the same values.
printf 'case_no,person_id,decided_on\n武纪〔2024〕1号,%s,2024-05-06\n' $P1 | iconv -f UTF-8 -t GBK >discipline.csv
s -q ingest --encoding gbk discipline.csv
check "--encoding gbk: the case number is stored in UTF-8" "[ \"\$(q 'SELECT case_no FROM discipline')\" = '武纪〔2024〕1号' ]"
printf 'case_no,person_id,decided_on\n武纪〔2024〕2号,%s,2024-05-06\n' $P1 | iconv -f UTF-8 -t GBK >discipline-2.csv
s ingest discipline-2.csv 2>err
check "GBK bytes read as UTF-8 are refused (exit 2) naming the line and column" "[ $? -eq 2 ] && grep -q 'discipline-2.csv:2: case_no: is not valid UTF-8' err"

# Several files: each stands alone; the exit is 2 when one was refused.
printf 'person_id,title,doc_no,doc_date\n%s,top_talent,武政办〔2022〕12号,2022-09-20\n' $P1 >titles.csv
printf 'cert_no,person_id,occupation_code,level,issued_on\nC1,%s,6-18-01-01,7,2021-03-10\n' $P1 >certificates.csv
s ingest --appeal '武人社复〔2026〕3号' titles.csv certificates.csv 2>err
check "one bad file among several: exit 2" "[ $? -eq 2 ]"
check "...the good file loaded, tagged with the appeal" "[ \"\$(q \"SELECT appeal FROM batches WHERE file_name = 'titles.csv'\")\" = '武人社复〔2026〕3号' ]"
check "...the bad one changed nothing" "[ \$(q 'SELECT count(*) FROM certificates') -eq 0 ] && [ \$(q \"SELECT count(*) FROM batches WHERE feed = 'certificates'\") -eq 0 ]"

# --feed names the feed of a file named otherwise; the parameters feed.
printf 'name,effective_from,value\nTECH.monthly,2024-01-01,25000\n' >rates.txt
s -q ingest --feed parameters rates.txt
check "--feed: a file of any name loads as that feed" "[ \"\$(q \"SELECT value FROM parameters WHERE name = 'TECH.monthly' AND effective_from = 20240101\")\" = 25000 ]"
s ingest unknown-feed.csv 2>err
check "a file whose stem names no feed is refused" "[ $? -ne 0 ] && grep -q 'no feed named' err"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
