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
check "...the good file loaded, tagged with the appeal" "[ \"\$(q \"SELECT appeal FROM batches WHERE feed = 'titles'\")\" = '武人社复〔2026〕3号' ]"
check "...the bad one changed nothing" "[ \$(q 'SELECT count(*) FROM certificates') -eq 0 ] && [ \$(q \"SELECT count(*) FROM batches WHERE feed = 'certificates'\") -eq 0 ]"

# --feed names the feed of a file named otherwise; the parameters feed.
printf 'name,effective_from,value\nTECH.monthly,2024-01-01,25000\n' >rates.txt
s -q ingest --feed parameters rates.txt
check "--feed: a file of any name loads as that feed" "[ \"\$(q \"SELECT value FROM parameters WHERE name = 'TECH.monthly' AND effective_from = 20240101\")\" = 25000 ]"
s ingest unknown-feed.csv 2>err
check "a file whose stem names no feed is refused" "[ $? -ne 0 ] && grep -q 'no feed named' err"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
