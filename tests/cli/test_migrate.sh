#!/usr/bin/env bash
# test_migrate.sh - a database made before migration 0005 (social_insurance and
# enterprise_allowance as a table plus a person index, with id and fact_key) is brought up by
# `init` without losing or changing a fact, and then reads, replays and runs as a new one does.
# $1 is the binary.
set -u
sp=${1:-build/skillpay}
case $sp in /*) ;; *) sp=$PWD/$sp ;; esac
demo=$PWD/fixtures/demo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
check() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; fi; }
s() { "$sp" -q --config "$demo/skillpay.ini" --db "$1" "${@:2}"; }
facts() {  # every social-insurance and allowance row, history included
	sqlite3 "$1" "SELECT person_id, month, employer_id, batch_in, coalesce(batch_out, '-'), line, region
		FROM social_insurance ORDER BY 1, 2, 3, 4;
		SELECT person_id, month, employer_id, batch_in, coalesce(batch_out, '-'), line, amount_fen
		FROM enterprise_allowance ORDER BY 1, 2, 3, 4"
}

# The same history in a new database, closed for 2026-09, with a correction and a retraction
# of social insurance on top (2026-10 and the appeal).
new=$tmp/new.db
s "$new" init
s "$new" ingest "$demo"/*.csv 2>/dev/null
s "$new" run --month 2026-09 >/dev/null 2>&1 && s "$new" close --month 2026-09 --by t >/dev/null 2>&1
s "$new" ingest "$demo"/2026-10/*.csv
s "$new" ingest --appeal A-1 "$demo"/appeal/*.csv
# si_row K REGION [OP]: the K-th current social-insurance row (by key) with another region.
si_row() {
	sqlite3 -csv "$new" "SELECT person_id, printf('%04d-%02d', month / 100, month % 100), employer_id, '$2', '${3:-}'
		FROM social_insurance WHERE batch_out IS NULL ORDER BY person_id, month, employer_id LIMIT 1 OFFSET $1"
}
{ echo 'person_id,month,employer_id,region,op'; si_row 3 330702; si_row 7 330702 retract; } >"$tmp/social_insurance-fix.csv"
{ echo 'person_id,month,employer_id,region,op'; si_row 11 330781; si_row 3 330723; } >"$tmp/social_insurance-fix2.csv"
s "$new" ingest "$tmp/social_insurance-fix.csv"
facts "$new" >"$tmp/facts.new"

# The old layout of the two tables (0001 and 0003), holding the same rows, and schema version 4.
old=$tmp/old.db
cp "$new" "$old"
sqlite3 "$old" "
DROP TABLE social_insurance;
CREATE TABLE social_insurance (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id TEXT NOT NULL, month INTEGER NOT NULL, employer_id TEXT NOT NULL, region INTEGER NOT NULL);
CREATE INDEX social_insurance_person ON social_insurance(person_id, month, employer_id, region, batch_in, batch_out);
DROP TABLE enterprise_allowance;
CREATE TABLE enterprise_allowance (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id TEXT NOT NULL, employer_id TEXT NOT NULL, month INTEGER NOT NULL, amount_fen INTEGER NOT NULL);
CREATE INDEX enterprise_allowance_person ON enterprise_allowance(person_id, month, employer_id, amount_fen, batch_in, batch_out);
DROP TABLE social_insurance_hot;
DROP TABLE IF EXISTS sqlite_stat1;
DELETE FROM schema_migrations WHERE version >= 5;"
# Fill them from the new database's rows (fact_key as ingest wrote it then).
sqlite3 "$old" "ATTACH '$new' AS n;
INSERT INTO social_insurance(batch_in, batch_out, line, fact_key, person_id, month, employer_id, region)
	SELECT batch_in, batch_out, line, person_id || '|' || printf('%04d-%02d', month / 100, month % 100) || '|' || employer_id,
	person_id, month, employer_id, region FROM n.social_insurance ORDER BY batch_in, line;
INSERT INTO enterprise_allowance(batch_in, batch_out, line, fact_key, person_id, employer_id, month, amount_fen)
	SELECT batch_in, batch_out, line, person_id || '|' || employer_id || '|' || printf('%04d-%02d', month / 100, month % 100),
	person_id, employer_id, month, amount_fen FROM n.enterprise_allowance ORDER BY batch_in, line;"
check "the old layout holds the same rows (the fixture of this test)" "facts '$old' | cmp -s - '$tmp/facts.new' && [ \$(sqlite3 '$old' 'SELECT max(version) FROM schema_migrations') = 4 ]"
check "the facts include a superseded and a retracted social-insurance row" "[ \$(sqlite3 '$old' 'SELECT count(*) FROM social_insurance WHERE batch_out IS NOT NULL') -eq 2 ]"

"$sp" --db "$old" init >"$tmp/init.out" 2>&1
check "init applies migration 0005 to the old database" "grep -q '1 migration applied' '$tmp/init.out'"
check "every row is kept as it was, history included" "facts '$old' | cmp -s - '$tmp/facts.new'"
check "retired_in is 0 exactly for the current rows and batch_out for the others" "[ \$(sqlite3 '$old' 'SELECT count(*) FROM social_insurance WHERE retired_in <> coalesce(batch_out, 0)') = 0 ] && [ \$(sqlite3 '$old' 'SELECT count(*) FROM enterprise_allowance WHERE retired_in <> coalesce(batch_out, 0)') = 0 ]"
check "verify and replay 2026-09 pass on the migrated database" "s '$old' verify && s '$old' replay --month 2026-09 >/dev/null 2>&1"
# A correction of a migrated row, and a second one of a row superseded before the migration.
for db in "$old" "$new"; do s "$db" ingest "$demo"/2026-11/*.csv "$tmp/social_insurance-fix2.csv"; done
check "the corrections supersede migrated rows the same way" "facts '$old' | cmp -s - <(facts '$new')"
for db in "$old" "$new"; do
	s "$db" run --month 2026-10 >/dev/null 2>&1
	sqlite3 "$db" "SELECT payee_id, person_id, service_month, kind, line_type, amount_fen, appeal FROM draft_lines ORDER BY 1, 2, 3, 4, 5" >"$db.draft"
done
check "after a delivery with a correction, the migrated and the new database stage the same draft" "cmp -s '$old.draft' '$new.draft' && [ -s '$new.draft' ]"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
